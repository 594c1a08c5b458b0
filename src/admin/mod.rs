//! The curator panel: sign-in, sessions and the dashboard. Every route checks its session on
//! the server; every state-changing form carries the session's CSRF token, and cross-site
//! requests are refused before anything else.

use axum::Form;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::sessions::{self, COOKIE, Session};
use crate::collection::audit;
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, render_page};

/// Routes of the panel.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/login", get(login_page).post(login))
        .route("/admin/logout", post(logout))
        .route("/admin", get(dashboard))
}

/// The session cookie's value in a request, if any.
fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Whether a state-changing request comes from our own pages: browsers say so in
/// `Sec-Fetch-Site`, older ones through `Origin`. Requests with neither (curl, tests) pass;
/// the CSRF token still guards every form of a session.
pub fn same_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, rest)| rest == host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// A signed-in staff member; pages that need one redirect to the sign-in page otherwise.
pub struct Staff(pub Session);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = session_token(&parts.headers) else {
            return Err(Redirect::to("/admin/login").into_response());
        };
        match sessions::lookup(&state.db.main, &token).await {
            Ok(Some(session)) => Ok(Staff(session)),
            Ok(None) => Err(Redirect::to("/admin/login").into_response()),
            Err(err) => Err(AppError::from(err).into_response()),
        }
    }
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.public_url.starts_with("https://") { "; Secure" } else { "" };
    let text = format!("{COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("zbor_session=; Path=/admin; Max-Age=0"))
}

#[derive(Serialize)]
struct LoginPage {
    error: bool,
    username: String,
}

async fn login_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    render_page(&state, &ctx.base(&state), "admin/login.html", LoginPage { error: false, username: String::new() })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    #[expect(dead_code, reason = "TOTP enrolment comes with the rest of the panel (issue 4)")]
    totp: String,
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    if !same_site(&headers) {
        return Err(AppError::Forbidden);
    }
    let username = form.username.trim().to_owned();
    let user = if state.throttle.allows(&username) {
        crate::auth::authenticate(&state.db.main, &username, SecretString::from(form.password)).await?
    } else {
        None
    };
    let Some(user_id) = user else {
        state.throttle.failed(&username);
        tracing::info!("failed sign-in");
        let tried: String = username.chars().take(64).collect();
        let mut conn = state.db.main.acquire().await?;
        audit::record(&mut conn, &tried, "login-failed", "", &serde_json::json!({})).await?;
        let page = render_page(&state, &ctx.base(&state), "admin/login.html", LoginPage { error: true, username })?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    state.throttle.succeeded(&username);
    let token = sessions::create(&state.db.main, user_id).await?;
    let mut conn = state.db.main.acquire().await?;
    audit::record(&mut conn, &username, "login", "", &serde_json::json!({})).await?;
    let mut response = Redirect::to("/admin").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie(&state, &token, sessions::ABSOLUTE_SECONDS));
    Ok(response)
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

/// Whether a form's CSRF token is the session's (compared in constant time).
fn csrf_ok(session: &Session, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    session.csrf.as_bytes().ct_eq(given.as_bytes()).into()
}

async fn logout(
    State(state): State<AppState>,
    Staff(session): Staff,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> AppResult<Response> {
    if !same_site(&headers) || !csrf_ok(&session, &form.csrf) {
        return Err(AppError::Forbidden);
    }
    if let Some(token) = session_token(&headers) {
        sessions::end(&state.db.main, &token).await?;
    }
    let mut conn = state.db.main.acquire().await?;
    audit::record(&mut conn, &session.username, "logout", "", &serde_json::json!({})).await?;
    let mut response = Redirect::to("/admin/login").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie(&state, "", 0));
    Ok(response)
}

#[derive(Serialize, sqlx::FromRow)]
struct Counts {
    drafts: i64,
    published: i64,
    withdrawn: i64,
    failed_jobs: i64,
    pending_images: i64,
}

#[derive(Serialize)]
struct Dashboard {
    username: String,
    role: crate::auth::Role,
    csrf: String,
    counts: Counts,
}

async fn dashboard(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Html<String>> {
    let counts: Counts = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM objects WHERE state = 'draft') AS drafts,
            (SELECT COUNT(*) FROM objects WHERE state = 'published') AS published,
            (SELECT COUNT(*) FROM objects WHERE state = 'withdrawn') AS withdrawn,
            (SELECT COUNT(*) FROM jobs WHERE state = 'failed') AS failed_jobs,
            (SELECT COUNT(*) FROM media WHERE state = 'pending') AS pending_images",
    )
    .fetch_one(&state.db.main)
    .await?;
    let page = Dashboard { username: session.username, role: session.role, csrf: session.csrf, counts };
    render_page(&state, &ctx.base(&state), "admin/dashboard.html", page)
}
