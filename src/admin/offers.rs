//! Reviewing offers: the inbox, one offer with its photos, accept / decline / reply, and the
//! keyholders' sealed bundle download (with a reason, audited). Staff photos are served here,
//! never on a public URL.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::{CsrfForm, Pairs, Staff, check_form, record_with, render_panel, require};
use crate::app::AppState;
use crate::catalogue::{Audience, serve_file};
use crate::donors::offers::{self, OfferState, ReplyError};
use crate::donors::{bundle, contacts};
use crate::error::{AppError, AppResult};
use crate::web::Ctx;

/// Longest reason for a bundle download, and longest reply, in characters.
const MAX_REASON: usize = 500;
const MAX_REPLY: usize = 4000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/offers", get(inbox))
        .route("/admin/offers/bundle", post(download_bundle))
        .route("/admin/offers/{id}", get(offer))
        .route("/admin/offers/{id}/accept", post(accept))
        .route("/admin/offers/{id}/decline", post(decline))
        .route("/admin/offers/{id}/reply", post(reply))
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

/// A flash message named in the redirect's query, if it is one we know.
fn flash(done: Option<String>) -> Option<String> {
    done.filter(|d| matches!(d.as_str(), "declined" | "replied" | "accepted"))
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
    offer_page(&state, &ctx, &session, &id, query.done, None).await
}

/// Refuses a decision on an offer that is missing or already decided.
async fn waiting_offer(state: &AppState, id: &str) -> AppResult<()> {
    let offer = offers::get(&state.db.main, id).await?.ok_or(AppError::NotFound)?;
    if offer.state != OfferState::Waiting {
        return Err(AppError::BadRequest("admin-offer-decided"));
    }
    Ok(())
}

/// `POST /admin/offers/{id}/accept`: a draft object, then to its page.
async fn accept(
    State(state): State<AppState>,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> AppResult<Response> {
    check_form(&session, &headers, &form.csrf)?;
    require(session.role.can_review_offers())?;
    waiting_offer(&state, &id).await?;
    let object_id = offers::accept(&state.db.main, &id, &session.username).await?;
    Ok(Redirect::to(&format!("/admin/objects/{object_id}?done=accepted")).into_response())
}

/// `POST /admin/offers/{id}/decline`.
async fn decline(
    State(state): State<AppState>,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> AppResult<Response> {
    check_form(&session, &headers, &form.csrf)?;
    require(session.role.can_review_offers())?;
    waiting_offer(&state, &id).await?;
    offers::decline(&state.db.main, &state.media.store, &id, &session.username).await?;
    Ok(Redirect::to("/admin/offers?done=declined").into_response())
}

#[derive(Deserialize)]
struct ReplyForm {
    csrf: String,
    #[serde(default)]
    message: String,
}

/// `POST /admin/offers/{id}/reply`: sealed to the donor's receipt.
async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ReplyForm>,
) -> AppResult<Response> {
    check_form(&session, &headers, &form.csrf)?;
    require(session.role.can_review_offers())?;
    offers::get(&state.db.main, &id).await?.ok_or(AppError::NotFound)?;
    let message = form.message.trim();
    let error = if message.is_empty() {
        Some("admin-reply-empty")
    } else if message.chars().count() > MAX_REPLY || message.len() > crate::donors::receipts::MAX_REPLY_BYTES {
        Some("admin-reply-too-long")
    } else {
        match offers::reply(&state.db.main, &id, message, &session.username).await {
            Ok(()) => None,
            Err(ReplyError::NoReceipt) => Some("admin-reply-no-receipt"),
            Err(ReplyError::Internal(err)) => return Err(err.into()),
        }
    };
    if let Some(error) = error {
        let page = offer_page(&state, &ctx, &session, &id, None, Some(error)).await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(Redirect::to(&format!("/admin/offers/{id}?done=replied")).into_response())
}

/// `POST /admin/offers/bundle`: keyholders download the sealed records of chosen offers,
/// after giving a reason. The download is audited before a byte is sent.
async fn download_bundle(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    require(session.role.can_open_bundles())?;
    let ids: Vec<String> = pairs.all("offer").into_iter().map(str::to_owned).collect();
    let reason = pairs.get("reason").trim();
    let error = if ids.is_empty() {
        Some("admin-bundle-none")
    } else if reason.is_empty() || reason.chars().count() > MAX_REASON {
        Some("admin-bundle-reason")
    } else {
        None
    };
    if let Some(error) = error {
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
    let known = offers::entry_numbers(&state.db.main, &ids).await?;
    let refs: Vec<String> = known.iter().map(|(id, _)| id.clone()).collect();
    let records = contacts::fetch(&state.db.contacts, &refs).await?;
    if records.is_empty() {
        return Err(AppError::NotFound);
    }
    let text = bundle::write(&records)?;
    let entries: Vec<&str> = known.iter().map(|(_, number)| number.as_str()).collect();
    let details = serde_json::json!({ "reason": reason, "offers": refs, "entries": entries });
    record_with(&state, &session.username, "bundle-download", &entries.join(", "), &details).await?;
    tracing::info!(records = records.len(), "sealed bundle downloaded");
    let name = format!("zbor-bundle-{}.txt", chrono::Utc::now().date_naive());
    let mut response = text.into_response();
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
    serve_file(path, "image/jpeg", Audience::Staff, request).await
}
