//! Redacting a photo in the panel: the regions page (a form that takes coordinates, and a
//! small script that fills it by drawing over the photo), and the master with the regions
//! outlined, for curators only.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use image::DynamicImage;
use serde::Serialize;

use super::{render_panel, require};
use crate::app::AppState;
use crate::auth::sessions::Session;
use crate::collection::command::CommandError;
use crate::donors::offers;
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
        .route("/admin/objects/{id}/media/{media_id}/regions", get(image_page).post(image_change))
        .route("/admin/objects/{id}/media/{media_id}/master.jpg", get(image_master))
        .route("/admin/offers/{id}/photos/{position}/regions", get(offer_page).post(offer_change))
        .route("/admin/offers/{id}/photos/{position}/master.jpg", get(offer_master))
        .route("/static/redact.js", get(script))
}

/// Longest edge of the master as the regions page shows it.
pub const VIEW_SIZE: u32 = 1600;

/// The one script of the panel: drawing a region fills the coordinate form.
const SCRIPT: &str = include_str!("../../static/redact.js");

/// The regions page's policy: the panel's, plus our own script.
const POLICY: &str = "default-src 'none'; img-src 'self'; style-src 'self'; font-src 'self'; \
     script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The photo whose regions are changed: an object's image (publishing roles: the master is
/// theirs to see), or a photo of an offer still waiting (those who review offers).
#[derive(Debug, Clone)]
enum Target {
    Image { object: i64, media: i64 },
    OfferPhoto { offer: String, position: i64 },
}

/// What the regions page and the master view need of a photo.
#[derive(Debug, Serialize)]
struct Photo {
    /// Its number among its object's or offer's photos, from 1.
    n: i64,
    /// The entry number of its object or offer.
    entry_number: String,
    /// Whether the public sees it now (copies kept elsewhere cannot be recalled).
    public: bool,
    width: u32,
    height: u32,
    /// `ready`, `pending` or `failed`.
    state: String,
    page_url: String,
    master_url: String,
    back_url: String,
    /// Where the redacted photo is shown, once it exists.
    result_url: Option<String>,
    #[serde(skip)]
    master: Master,
}

/// An object's image as [`Target::photo`] reads it.
#[derive(sqlx::FromRow)]
struct ImageRow {
    hash: String,
    master_format: String,
    width: u32,
    height: u32,
    derivatives: String,
    state: String,
    /// How many of the object's images come before it.
    before: i64,
    entry_number: String,
    public: bool,
}

/// Where a photo's master is.
#[derive(Debug)]
enum Master {
    File(std::path::PathBuf),
    Held(Vec<u8>),
}

impl Target {
    fn base(&self) -> String {
        match self {
            Self::Image { object, media } => format!("/admin/objects/{object}/media/{media}"),
            Self::OfferPhoto { offer, position } => format!("/admin/offers/{offer}/photos/{position}"),
        }
    }

    /// The photo, if it exists and `session` may redact it.
    async fn photo(&self, state: &AppState, session: &Session) -> AppResult<Photo> {
        let base = self.base();
        match self {
            Self::Image { object, media } => {
                require(session.role.can_publish())?;
                let row: Option<ImageRow> = sqlx::query_as(
                    "SELECT m.hash, m.master_format, m.width, m.height, m.derivatives, m.state,
                            (SELECT COUNT(*) FROM media o WHERE o.object_id = m.object_id AND o.position < m.position
                               AND o.condition_report IS NULL)
                                AS before,
                            o.entry_number, m.is_public AND o.state = 'published' AS public
                     FROM media m JOIN objects o ON o.id = m.object_id WHERE m.id = ? AND m.object_id = ?",
                )
                .bind(media)
                .bind(object)
                .fetch_optional(&state.db.main)
                .await?;
                let ImageRow {
                    hash,
                    master_format: format,
                    width,
                    height,
                    derivatives,
                    state: status,
                    before,
                    entry_number,
                    public,
                } = row.ok_or(AppError::NotFound)?;
                let format = if format == "png" { MasterFormat::Png } else { MasterFormat::Jpeg };
                let path = state.media.store.master_path(&hash, format).ok_or(AppError::NotFound)?;
                Ok(Photo {
                    n: before + 1,
                    public,
                    entry_number,
                    width,
                    height,
                    result_url: (status == "ready").then(|| format!("/admin/media/{derivatives}/1200.jpg")),
                    state: status,
                    page_url: format!("{base}/regions"),
                    master_url: format!("{base}/master.jpg"),
                    back_url: format!("/admin/objects/{object}#media-{media}"),
                    master: Master::File(path),
                })
            }
            Self::OfferPhoto { offer, position } => {
                require(session.role.can_review_offers())?;
                let found = offers::get(&state.db.main, offer).await?.ok_or(AppError::NotFound)?;
                let photos = offers::photos(&mut *state.db.main.acquire().await?, offer).await?;
                let (n, photo) =
                    photos.iter().enumerate().find(|(_, p)| p.position == *position).ok_or(AppError::NotFound)?;
                let master = offers::held_master(&state.db.main, offer, *position).await?.ok_or(AppError::NotFound)?;
                Ok(Photo {
                    n: n as i64 + 1,
                    public: false,
                    entry_number: found.entry_number.to_string(),
                    width: photo.width,
                    height: photo.height,
                    state: "ready".to_owned(),
                    page_url: format!("{base}/regions"),
                    master_url: format!("{base}/master.jpg"),
                    back_url: format!("/admin/offers/{offer}"),
                    result_url: Some(format!("/admin/media/{}/1200.jpg", photo.hash)),
                    master: Master::Held(master),
                })
            }
        }
    }

    async fn regions(&self, state: &AppState) -> AppResult<Vec<StoredRegion>> {
        let mut conn = state.db.main.acquire().await?;
        Ok(match self {
            Self::Image { media, .. } => regions::list(&mut conn, *media).await?,
            Self::OfferPhoto { offer, position } => offers::photo_regions(&mut conn, offer, *position).await?,
        })
    }
}

#[derive(Serialize)]
struct RegionsPage {
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
    target: &Target,
    form: Option<&Pairs>,
    error: Option<Msg>,
    done: bool,
) -> AppResult<Response> {
    const FIELDS: [&str; 7] = ["shape", "kind", "method", "x", "y", "w", "h"];
    // Every field is named, empty unless sent back (templates treat a missing name as an error).
    let form = FIELDS.iter().map(|n| (*n, form.map(|f| f.get(n).to_owned()).unwrap_or_default())).collect();
    let photo = target.photo(state, session).await?;
    let page = RegionsPage {
        view: fit(photo.width, photo.height, VIEW_SIZE),
        photo,
        regions: target.regions(state).await?,
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
async fn image_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path((object, media)): Path<(i64, i64)>,
    Query(done): Query<Done>,
) -> AppResult<Response> {
    render(&state, &ctx, &session, &Target::Image { object, media }, None, None, done.done.is_some()).await
}

/// `GET /admin/offers/{id}/photos/{position}/regions`.
async fn offer_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path((offer, position)): Path<(String, i64)>,
    Query(done): Query<Done>,
) -> AppResult<Response> {
    render(&state, &ctx, &session, &Target::OfferPhoto { offer, position }, None, None, done.done.is_some()).await
}

/// `POST /admin/objects/{id}/media/{media_id}/regions`: `action` = add (with `shape`, `kind`,
/// `method`, `x`, `y`, `w`, `h` in the master's pixels), remove or accept (with `region`).
async fn image_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((object, media)): Path<(i64, i64)>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    change(&state, &ctx, Target::Image { object, media }, posted).await
}

/// `POST /admin/offers/{id}/photos/{position}/regions`: as for an object's image.
async fn offer_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((offer, position)): Path<(String, i64)>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    change(&state, &ctx, Target::OfferPhoto { offer, position }, posted).await
}

async fn change(state: &AppState, ctx: &Ctx, target: Target, posted: StaffForm<Pairs>) -> AppResult<Response> {
    let form = &posted.form;
    let photo = target.photo(state, &posted.session).await?;
    let region_id = || form.get("region").parse::<i64>().map_err(|_| AppError::BadRequest("error-bad-form"));
    let change = match form.get("action") {
        "add" => {
            let coordinates = [form.get("x"), form.get("y"), form.get("w"), form.get("h")];
            let size = (photo.width, photo.height);
            match Region::parse(form.get("shape"), form.get("kind"), form.get("method"), coordinates, size) {
                Ok(region) => RegionChange::Add(region),
                Err(invalid) => {
                    let error = Some(Msg::new(invalid.key()));
                    return render(state, ctx, &posted.session, &target, Some(form), error, false).await;
                }
            }
        }
        "remove" => RegionChange::Remove(region_id()?),
        "accept" => RegionChange::Accept(region_id()?),
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    let done = match &target {
        Target::Image { object, media } => {
            let command = ChangeRegions { object: *object, media: *media, change };
            state.run(posted.actor(), command).await.map(|old| {
                if let Some(old) = old {
                    state.media.wake.notify_one();
                    Some(old)
                } else {
                    None
                }
            })
        }
        Target::OfferPhoto { offer, position } => {
            let command = offers::ChangePhotoRegions { offer: offer.clone(), position: *position, change };
            state.run(posted.actor(), command).await.map(|()| None)
        }
    };
    match done {
        Ok(old) => {
            if let Some(old) = old {
                crate::media::free(&state.db.main, &state.media.store, &[old]).await?;
            }
            Ok(Redirect::to(&format!("{}?done=1", photo.page_url)).into_response())
        }
        Err(CommandError::Refused(key)) => {
            render(state, ctx, &posted.session, &target, Some(form), Some(Msg::new(key)), false).await
        }
        Err(err) => Err(err.into()),
    }
}

/// `GET /admin/objects/{id}/media/{media_id}/master.jpg`.
async fn image_master(
    State(state): State<AppState>,
    Staff(session): Staff,
    Path((object, media)): Path<(i64, i64)>,
) -> AppResult<Response> {
    master(&state, &session, Target::Image { object, media }).await
}

/// `GET /admin/offers/{id}/photos/{position}/master.jpg`.
async fn offer_master(
    State(state): State<AppState>,
    Staff(session): Staff,
    Path((offer, position)): Path<(String, i64)>,
) -> AppResult<Response> {
    master(&state, &session, Target::OfferPhoto { offer, position }).await
}

/// The master at most [`VIEW_SIZE`] on its longest edge, with its regions outlined; made when
/// asked, never stored or cached.
async fn master(state: &AppState, session: &Session, target: Target) -> AppResult<Response> {
    let photo = target.photo(state, session).await?;
    let regions: Vec<Region> = target.regions(state).await?.into_iter().map(|r| r.region).collect();
    let _permit = state.media.gate.acquire().await.map_err(anyhow::Error::from)?;
    let jpeg = crate::cpu::run(move || -> anyhow::Result<Vec<u8>> {
        let master = match photo.master {
            Master::File(path) => image::open(&path)?,
            Master::Held(bytes) => image::load_from_memory(&bytes)?,
        };
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
