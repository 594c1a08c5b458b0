//! Reviewing offers: the inbox, one offer with its photos, accept / decline / reply, and the
//! keyholders' sealed bundle download (with a reason, audited). Staff photos are served here,
//! never on a public URL.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::{CsrfForm, render_panel, require};
use crate::app::AppState;
use crate::collection::command::CommandError;
use crate::donors::bundle::{MAX_REASON, ReleaseBundle};
use crate::donors::offers::{self, MAX_REPLY, OfferState};
use crate::error::{AppError, AppResult};
use crate::web::Ctx;
use crate::web::files::{Audience, serve_file};
use crate::web::forms::Pairs;
use crate::web::staff::{Staff, StaffForm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/offers", get(inbox))
        .route("/admin/offers/bundle", post(download_bundle))
        .route("/admin/offers/{id}", get(offer))
        .route("/admin/offers/{id}/accept", post(accept))
        .route("/admin/offers/{id}/decline", post(decline))
        .route("/admin/offers/{id}/reply", post(reply))
        .route("/admin/offers/{id}/delete", post(delete))
        .route("/admin/media/{hash}/{file}", get(staff_media))
}

#[derive(Deserialize)]
struct InboxQuery {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

#[derive(Serialize)]
struct InboxPage {
    state: OfferState,
    offers: Vec<offers::OfferSummary>,
    can_open_bundles: bool,
    done: Option<String>,
    error: Option<&'static str>,
    max_reason: usize,
    type_names: BTreeMap<String, String>,
}

fn parse_state(text: Option<&str>) -> AppResult<OfferState> {
    match text.unwrap_or("waiting") {
        "waiting" => Ok(OfferState::Waiting),
        "accepted" => Ok(OfferState::Accepted),
        "declined" => Ok(OfferState::Declined),
        _ => Err(AppError::BadRequest("error-bad-filter")),
    }
}

/// Flash messages named in a redirect's query that these pages know.
const FLASHES: &[&str] = &["declined", "replied", "accepted", "deleted"];

fn flash(done: Option<String>) -> Option<String> {
    crate::web::forms::Flash { done }.known(FLASHES)
}

/// `GET /admin/offers?state=waiting|accepted|declined`.
async fn inbox(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    axum::extract::Query(query): axum::extract::Query<InboxQuery>,
) -> AppResult<Html<String>> {
    require(session.role.can_review_offers())?;
    let offer_state = parse_state(query.state.as_deref())?;
    let page = InboxPage {
        state: offer_state,
        offers: offers::list(&state.db.main, offer_state).await?,
        can_open_bundles: session.role.can_open_bundles(),
        done: flash(query.done),
        error: None,
        max_reason: MAX_REASON,
        type_names: super::type_names(&state, ctx.choice.lang).await?,
    };
    render_panel(&state, &ctx, &session, "admin/offers.html", page)
}

#[derive(Serialize)]
struct OfferPage {
    offer: offers::Offer,
    photos: Vec<offers::OfferPhoto>,
    can_open_bundles: bool,
    done: Option<String>,
    error: Option<&'static str>,
    /// A refused reply's text, given back in its box.
    reply: String,
    max_reason: usize,
    max_reply: usize,
    type_names: BTreeMap<String, String>,
}

async fn offer_page(
    state: &AppState,
    ctx: &Ctx,
    session: &crate::auth::sessions::Session,
    id: &str,
    done: Option<String>,
    error: Option<&'static str>,
    reply: String,
) -> AppResult<Html<String>> {
    let offer = offers::get(&state.db.main, id).await?.ok_or(AppError::NotFound)?;
    let mut conn = state.db.main.acquire().await?;
    let photos = offers::photos(&mut conn, id).await?;
    let page = OfferPage {
        offer,
        photos,
        can_open_bundles: session.role.can_open_bundles(),
        done: flash(done),
        error,
        reply,
        max_reason: MAX_REASON,
        max_reply: MAX_REPLY,
        type_names: super::type_names(state, ctx.choice.lang).await?,
    };
    render_panel(state, ctx, session, "admin/offer.html", page)
}

/// `GET /admin/offers/{id}`.
async fn offer(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<InboxQuery>,
) -> AppResult<Html<String>> {
    require(session.role.can_review_offers())?;
    offer_page(&state, &ctx, &session, &id, query.done, None, String::new()).await
}

/// `POST /admin/offers/{id}/accept`: a draft object, then to its page.
async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    posted: StaffForm<CsrfForm>,
) -> AppResult<Response> {
    // The photos waited in the database; now they become the object's files (content-addressed:
    // writing one twice changes nothing), then the command records them; if it fails, the
    // files go again. Acceptances take turns, so that one's clean-up cannot remove files
    // another is recording.
    // Each is searched for faces on the way, as a curator's upload is: they become suggested
    // regions of the object's image.
    static ACCEPTING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = ACCEPTING.lock().await;
    let held = offers::held_masters(&state.db.main, &id).await?;
    let written: Vec<String> = held.iter().map(|photo| photo.hash.clone()).collect();
    let accepted = async {
        let store = state.media.store.clone();
        let permit = state.media.gate.acquire().await.map_err(anyhow::Error::from)?;
        let faces = crate::cpu::run(move || -> anyhow::Result<std::collections::HashMap<String, Vec<_>>> {
            let mut faces = std::collections::HashMap::new();
            for photo in held {
                store.put_master(&photo.master, photo.format, photo.width, photo.height)?;
                let pixels = image::load_from_memory(&photo.master)?;
                faces.insert(photo.hash, crate::media::faces::suggest_in(&pixels));
            }
            Ok(faces)
        })
        .await
        .map_err(anyhow::Error::from)??;
        drop(permit);
        Ok::<_, AppError>(state.run(posted.actor(), offers::Accept { offer: id.clone(), faces }).await?)
    }
    .await;
    let object_id = match accepted {
        Ok(object_id) => object_id,
        Err(err) => {
            crate::media::remove_unattached(&state.db.main, &state.media.store, &written).await?;
            return match err {
                AppError::BadRequest(key) => refused(&state, &ctx, &posted.session, &id, key).await,
                err => Err(err),
            };
        }
    };
    state.media.wake.notify_one();
    Ok(Redirect::to(&format!("/admin/objects/{object_id}?done=accepted")).into_response())
}

/// `POST /admin/offers/{id}/decline`.
async fn decline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    posted: StaffForm<CsrfForm>,
) -> AppResult<Response> {
    let hashes = match state.run(posted.actor(), offers::Decline { offer: id.clone() }).await {
        Ok(hashes) => hashes,
        Err(CommandError::Refused(key)) => return refused(&state, &ctx, &posted.session, &id, key).await,
        Err(err) => return Err(err.into()),
    };
    for hash in hashes {
        crate::media::remove_files_if_unused(&state.db.main, &state.media.store, &hash).await?;
    }
    // The name, maker and description just removed must not linger in the journal.
    offers::forget_journals(&state.db.writer, &state.vault).await?;
    Ok(Redirect::to("/admin/offers?done=declined").into_response())
}

/// A decision refused (the offer decided already, by someone else meanwhile): said on the
/// offer's own page, which shows what became of it.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    session: &crate::auth::sessions::Session,
    id: &str,
    key: &'static str,
) -> AppResult<Response> {
    let page = offer_page(state, ctx, session, id, None, Some(key), String::new()).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Deserialize)]
struct DeleteForm {
    /// The box that says the offer, its photos and its sealed record go for good.
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/offers/{id}/delete`: spam and mistakes, gone for good, once the box saying so
/// is ticked (there is no undo, and no script to ask "are you sure?").
async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    posted: StaffForm<DeleteForm>,
) -> AppResult<Response> {
    if posted.form.confirm != "yes" {
        return refused(&state, &ctx, &posted.session, &id, "admin-delete-unconfirmed").await;
    }
    match offers::delete(&state.db.writer, &state.vault, posted.actor(), &id).await {
        Ok(()) => Ok(Redirect::to("/admin/offers?done=deleted").into_response()),
        Err(CommandError::Refused(key)) => refused(&state, &ctx, &posted.session, &id, key).await,
        Err(err) => Err(err.into()),
    }
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    message: String,
}

/// `POST /admin/offers/{id}/reply`: sealed to the donor's receipt.
async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    posted: StaffForm<ReplyForm>,
) -> AppResult<Response> {
    let StaffForm { session, form } = posted;
    let reply = offers::Reply { offer: id.clone(), text: form.message.clone() };
    match state.run(crate::web::staff::actor(&session), reply).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/offers/{id}?done=replied")).into_response()),
        Err(CommandError::Refused(error)) => {
            let page = offer_page(&state, &ctx, &session, &id, None, Some(error), form.message).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /admin/offers/bundle`: keyholders download the sealed records of chosen offers,
/// after giving a reason. The download is audited before a byte is sent.
async fn download_bundle(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<Pairs>) -> AppResult<Response> {
    let StaffForm { session, form } = posted;
    require(session.role.can_open_bundles())?;
    let release = ReleaseBundle {
        vault: &state.vault,
        offers: form.all("offer").into_iter().map(str::to_owned).collect(),
        reason: form.get("reason").to_owned(),
    };
    let released = match state.run(crate::web::staff::actor(&session), release).await {
        Ok(released) => released,
        Err(CommandError::Refused(error)) => {
            let page = InboxPage {
                state: OfferState::Waiting,
                offers: offers::list(&state.db.main, OfferState::Waiting).await?,
                can_open_bundles: true,
                done: None,
                error: Some(error),
                max_reason: MAX_REASON,
                type_names: super::type_names(&state, ctx.choice.lang).await?,
            };
            let html = render_panel(&state, &ctx, &session, "admin/offers.html", page)?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
        Err(err) => return Err(err.into()),
    };
    tracing::info!(records = released.records, "sealed bundle downloaded");
    let name = format!("zbor-bundle-{}.txt", chrono::Utc::now().date_naive());
    let mut response = released.text.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /admin/media/{hash}/{size}.jpg`: any stored image's derivative, for staff only (offers'
/// photos, unpublished images), never cached.
async fn staff_media(
    State(state): State<AppState>,
    Staff(session): Staff,
    Path((hash, file)): Path<(String, String)>,
    request: Request,
) -> AppResult<Response> {
    let size: u32 = file.strip_suffix(".jpg").and_then(|s| s.parse().ok()).ok_or(AppError::NotFound)?;
    // Objects' images for all staff; offers' photos only for those who review offers.
    let allowed = if session.role.can_review_offers() {
        crate::media::in_use(&state.db.main, &hash).await?
    } else {
        crate::media::on_an_object(&state.db.main, &hash).await?
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let path = state.media.store.derivative_path(&hash, size).ok_or(AppError::NotFound)?;
    if session.role.can_review_offers()
        && !crate::media::on_an_object(&state.db.main, &hash).await?
        && let Some(preview) = offers::held_preview(&state.db.main, &hash).await?
    {
        // An offer's photo waits in the database: its one preview stands for every size.
        let mut response = preview.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        return Ok(response);
    }
    serve_file(path, "image/jpeg", Audience::Staff, request).await
}
