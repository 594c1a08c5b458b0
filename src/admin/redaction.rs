//! Redacting a photo in the panel: the regions page (a form that takes coordinates, and a
//! small script that fills it by drawing over the photo), and the master with the regions
//! outlined, for curators only.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use image::DynamicImage;
use serde::Serialize;

use super::{render_panel, require};
use crate::app::AppState;
use crate::auth::sessions::Session;
use crate::collection::command::CommandError;
use crate::collection::objects;
use crate::error::{AppError, AppResult};
use crate::media::redact::{self, Kind, Method, Region, Shape};
use crate::media::regions::{self, ChangeRegions, RegionChange, StoredRegion};
use crate::media::sanitise::MasterFormat;
use crate::media::{derive, fit};
use crate::web::Ctx;
use crate::web::forms::{Msg, Pairs};
use crate::web::staff::{Staff, StaffForm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/objects/{id}/media/{media_id}/regions", get(page).post(change))
        .route("/admin/objects/{id}/media/{media_id}/master.jpg", get(master))
        .route("/static/redact.js", get(script))
}

/// Longest edge of the master as the regions page shows it.
pub const VIEW_SIZE: u32 = 1600;

/// The one script of the panel: drawing a region fills the coordinate form.
const SCRIPT: &str = include_str!("../../static/redact.js");

/// The regions page's policy: the panel's, plus our own script.
const POLICY: &str = "default-src 'none'; img-src 'self'; style-src 'self'; font-src 'self'; \
     script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// An image as the regions page needs it.
#[derive(Debug, Serialize, sqlx::FromRow)]
struct Photo {
    id: i64,
    hash: String,
    master_format: String,
    width: u32,
    height: u32,
    derivatives: String,
    state: String,
    position: i64,
}

/// Image `media_id` of object `id`, if a publishing role asks: the master is theirs to see.
async fn photo(state: &AppState, session: &Session, id: i64, media_id: i64) -> AppResult<Photo> {
    require(session.role.can_publish())?;
    sqlx::query_as(
        "SELECT id, hash, master_format, width, height, derivatives, state,
                (SELECT COUNT(*) FROM media o WHERE o.object_id = m.object_id AND o.position < m.position) AS position
         FROM media m WHERE id = ? AND object_id = ?",
    )
    .bind(media_id)
    .bind(id)
    .fetch_optional(&state.db.main)
    .await?
    .ok_or(AppError::NotFound)
}

#[derive(Serialize)]
struct RegionsPage {
    object_id: i64,
    entry_number: String,
    photo: Photo,
    /// The size the master is shown at.
    view: (u32, u32),
    regions: Vec<StoredRegion>,
    shapes: Vec<&'static str>,
    kinds: Vec<&'static str>,
    methods: Vec<&'static str>,
    /// A region sent back after a refusal, by field.
    form: std::collections::BTreeMap<&'static str, String>,
    error: Option<Msg>,
    done: bool,
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    (id, media_id): (i64, i64),
    form: Option<&Pairs>,
    error: Option<Msg>,
    done: bool,
) -> AppResult<Response> {
    const FIELDS: [&str; 7] = ["shape", "kind", "method", "x", "y", "w", "h"];
    // Every field is named, empty unless sent back (templates treat a missing name as an error).
    let form = FIELDS.iter().map(|n| (*n, form.map(|f| f.get(n).to_owned()).unwrap_or_default())).collect();
    let photo = photo(state, session, id, media_id).await?;
    let mut conn = state.db.main.acquire().await?;
    let record = objects::load(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let regions = regions::list(&mut conn, media_id).await?;
    drop(conn);
    let page = RegionsPage {
        object_id: id,
        entry_number: record.entry_number,
        view: fit(photo.width, photo.height, VIEW_SIZE),
        photo,
        regions,
        shapes: Shape::ALL.iter().map(|s| s.as_str()).collect(),
        kinds: Kind::ALL.iter().map(|k| k.as_str()).collect(),
        methods: Method::ALL.iter().map(|m| m.as_str()).collect(),
        form,
        error: error.clone(),
        done,
    };
    let html = render_panel(state, ctx, session, "admin/regions.html", page)?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = (status, html).into_response();
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    Ok(response)
}

#[derive(serde::Deserialize)]
struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// `GET /admin/objects/{id}/media/{media_id}/regions`.
async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(ids): Path<(i64, i64)>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> AppResult<Response> {
    render(&state, &ctx, &session, ids, None, None, done.done.is_some()).await
}

/// `POST /admin/objects/{id}/media/{media_id}/regions`: `action` = add (with `shape`, `kind`,
/// `method`, `x`, `y`, `w`, `h` in the master's pixels), remove or accept (with `region`).
async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, media_id)): Path<(i64, i64)>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let form = &posted.form;
    let photo = photo(&state, &posted.session, id, media_id).await?;
    let region_id = || form.get("region").parse::<i64>().map_err(|_| AppError::BadRequest("error-bad-query"));
    let change = match form.get("action") {
        "add" => {
            let coordinates = [form.get("x"), form.get("y"), form.get("w"), form.get("h")];
            let parsed = Region::parse(
                form.get("shape"),
                form.get("kind"),
                form.get("method"),
                coordinates,
                (photo.width, photo.height),
            );
            match parsed {
                Ok(region) => RegionChange::Add(region),
                Err(invalid) => {
                    let error = Some(Msg::new(invalid.key()));
                    return render(&state, &ctx, &posted.session, (id, media_id), Some(form), error, false).await;
                }
            }
        }
        "remove" => RegionChange::Remove(region_id()?),
        "accept" => RegionChange::Accept(region_id()?),
        _ => return Err(AppError::BadRequest("error-bad-query")),
    };
    let old = match state.run(posted.actor(), ChangeRegions { object: id, media: media_id, change }).await {
        Ok(old) => old,
        Err(CommandError::Refused(key)) => {
            let error = Some(Msg::new(key));
            return render(&state, &ctx, &posted.session, (id, media_id), Some(form), error, false).await;
        }
        Err(err) => return Err(err.into()),
    };
    if let Some(old) = old {
        crate::media::free(&state.db.main, &state.media.store, &[old]).await?;
        state.media.wake.notify_one();
    }
    Ok(Redirect::to(&format!("/admin/objects/{id}/media/{media_id}/regions?done=1")).into_response())
}

/// `GET /admin/objects/{id}/media/{media_id}/master.jpg`: the master at most [`VIEW_SIZE`]
/// on its longest edge, with its regions outlined; made when asked, never stored or cached.
async fn master(
    State(state): State<AppState>,
    Staff(session): Staff,
    Path((id, media_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let photo = photo(&state, &session, id, media_id).await?;
    let regions = regions::of_media(&mut *state.db.main.acquire().await?, media_id).await?;
    let format = if photo.master_format == "png" { MasterFormat::Png } else { MasterFormat::Jpeg };
    let path = state.media.store.master_path(&photo.hash, format).ok_or(AppError::NotFound)?;
    let _permit = state.media.gate.acquire().await.map_err(anyhow::Error::from)?;
    let jpeg = crate::cpu::run(move || -> anyhow::Result<Vec<u8>> {
        let master = image::open(&path)?;
        let (w, h) = fit(master.width(), master.height(), VIEW_SIZE);
        let scale = f64::from(w) / f64::from(master.width().max(1));
        let small = if (w, h) == (master.width(), master.height()) {
            master
        } else {
            master.resize_exact(w, h, image::imageops::FilterType::Triangle)
        };
        let mut pixels = derive::to_rgb(small);
        redact::outline(&mut pixels, &regions, scale);
        derive::encode_jpeg(&DynamicImage::ImageRgb8(pixels), 85)
    })
    .await
    .map_err(anyhow::Error::from)??;
    let mut response = jpeg.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// `GET /static/redact.js`.
async fn script() -> Response {
    let mut response = SCRIPT.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}
