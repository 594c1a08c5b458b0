//! The curator panel: sign-in, sessions and the dashboard. Every route checks its session on
//! the server; every state-changing form carries the session's CSRF token, and cross-site
//! requests are refused before anything else.

pub mod accounts;
pub mod authorities;
pub mod objects;
pub mod offers;

use std::collections::BTreeMap;

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
use crate::auth::totp;
use crate::collection::audit;
use crate::error::{AppError, AppResult};
use crate::intake::guard::Peer;
use crate::web::{Ctx, render_page};

/// Routes of the panel.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/admin/login", get(login_page).post(login))
        .route("/admin/logout", post(logout))
        .route("/admin", get(dashboard))
        .route("/admin/totp", get(totp_page).post(totp_confirm))
        .route("/admin/totp/qr.png", get(totp_qr))
        .route("/admin/totp/start", post(totp_start))
        .merge(offers::router())
        .merge(objects::router(state))
        .merge(accounts::router())
        .merge(authorities::router())
}

/// A URL-encoded form read as its pairs, in order, so repeated fields (checkboxes, multiple
/// selects) keep every value. Unknown fields are simply never asked for.
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The first value of `name`, or an empty string.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Pairs {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::BadRequest("error-bad-query"))?;
        serde_urlencoded::from_bytes(&body).map(Pairs).map_err(|_| AppError::BadRequest("error-bad-query"))
    }
}

/// Refuses a state-changing request that comes from another site or without the session's
/// CSRF token.
pub fn check_form(session: &Session, headers: &HeaderMap, csrf: &str) -> AppResult<()> {
    if same_site(headers) && csrf_ok(session, csrf) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Refuses a request the signed-in role may not make.
pub fn require(allowed: bool) -> AppResult<()> {
    if allowed { Ok(()) } else { Err(AppError::Forbidden) }
}

/// What every panel page shows around its content: who is signed in, the form token, and
/// the fingerprints of the keys donors' contacts are sealed to.
#[derive(Serialize)]
pub struct Panel {
    pub username: String,
    pub role: crate::auth::Role,
    pub csrf: String,
    pub fingerprints: Vec<String>,
}

#[derive(Serialize)]
struct PanelPage<P: Serialize> {
    panel: Panel,
    #[serde(flatten)]
    page: P,
}

/// Renders a panel page for `session`.
pub fn render_panel(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    name: &str,
    page: impl Serialize,
) -> AppResult<Html<String>> {
    let panel = Panel {
        username: session.username.clone(),
        role: session.role,
        csrf: session.csrf.clone(),
        fingerprints: state.recipients.as_ref().map(|r| r.fingerprints()).unwrap_or_default(),
    };
    render_page(state, &ctx.base(state), name, PanelPage { panel, page })
}

/// Records a staff action without a target or details in the audit log.
async fn record(state: &AppState, actor: &str, action: &str) -> AppResult<()> {
    record_with(state, actor, action, "", &serde_json::json!({})).await
}

/// Records a staff action on `target` in the audit log.
pub async fn record_with(
    state: &AppState,
    actor: &str,
    action: &str,
    target: &str,
    details: &serde_json::Value,
) -> AppResult<()> {
    let mut conn = state.db.main.acquire().await?;
    audit::record(&mut conn, actor, action, target, details).await?;
    Ok(())
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
            // Admins and keyholders may do nothing but enrol until they have a second factor.
            Ok(Some(session))
                if session.role.requires_totp()
                    && !session.totp_enrolled
                    && !parts.uri.path().starts_with("/admin/totp") =>
            {
                Err(Redirect::to("/admin/totp").into_response())
            }
            Ok(Some(session)) => Ok(Staff(session)),
            Ok(None) => Err(Redirect::to("/admin/login").into_response()),
            Err(err) => Err(AppError::from(err).into_response()),
        }
    }
}

pub(crate) fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.public_url.starts_with("https://") { "; Secure" } else { "" };
    let text = format!("{COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("zbor_session=; Path=/admin; Max-Age=0"))
}

#[derive(Serialize)]
struct LoginPage {
    error: bool,
    username: String,
    /// After a password change, which ended every session.
    password_changed: bool,
}

async fn login_page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(flash): axum::extract::Query<Flash>,
) -> AppResult<Html<String>> {
    let page = LoginPage {
        error: false,
        username: String::new(),
        password_changed: flash.done.as_deref() == Some("password"),
    };
    render_page(&state, &ctx.base(&state), "admin/login.html", page)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    totp: String,
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Peer(peer): Peer,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    if !same_site(&headers) {
        return Err(AppError::Forbidden);
    }
    // A client with many failures waits before every answer, right or wrong alike.
    let delay = state.throttle.client_delay(peer);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let username = form.username.trim().to_owned();
    let mut user = if state.throttle.allows(&username) {
        crate::auth::authenticate(&state.db.main, &username, SecretString::from(form.password)).await?
    } else {
        None
    };
    // With a second factor enrolled, the code is required too; a wrong code looks like a
    // wrong password.
    if let Some(id) = user
        && totp::enrolled(&state.db.main, id).await?
        && !totp::check_sign_in(&state.db.main, id, &username, &form.totp).await?
    {
        user = None;
    }
    let Some(user_id) = user else {
        state.throttle.failed(&username);
        state.throttle.client_failed(peer);
        tracing::info!("failed sign-in");
        let tried: String = username.chars().take(64).collect();
        record(&state, &tried, "login-failed").await?;
        let page = render_page(
            &state,
            &ctx.base(&state),
            "admin/login.html",
            LoginPage { error: true, username, password_changed: false },
        )?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    state.throttle.succeeded(&username);
    // One without a second factor gets a secret to enrol now, so the enrolment page only reads.
    if !totp::enrolled(&state.db.main, user_id).await? {
        totp::pending_secret(&state.db.main, user_id).await?;
    }
    let token = sessions::create(&state.db.main, user_id).await?;
    record(&state, &username, "login").await?;
    let mut response = Redirect::to("/admin").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie(&state, &token, sessions::ABSOLUTE_SECONDS));
    Ok(response)
}

/// A form that carries nothing but its CSRF token.
#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    pub csrf: String,
}

/// A `?page=` value: none or empty is the first page; anything but 1 to 1 000 000 is a bad
/// request (so page arithmetic cannot overflow).
pub(crate) fn page_number(text: Option<&str>) -> AppResult<i64> {
    match text {
        None | Some("") => Ok(1),
        Some(p) => {
            p.parse::<i64>().ok().filter(|p| (1..=1_000_000).contains(p)).ok_or(AppError::BadRequest("error-bad-page"))
        }
    }
}

/// Each object type's name in `lang`, by code, for pages that list objects or offers.
pub(crate) async fn type_names(state: &AppState, lang: crate::i18n::Lang) -> AppResult<BTreeMap<String, String>> {
    let mut conn = state.db.main.acquire().await?;
    let types = crate::collection::authorities::object_types(&mut conn).await?;
    Ok(types.into_iter().map(|t| (t.code, t.name.get(lang).to_owned())).collect())
}

/// The notice a redirect names in its query (`?done=saved`); each page keeps only those it knows.
#[derive(Deserialize)]
pub(crate) struct Flash {
    #[serde(default)]
    pub done: Option<String>,
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
    check_form(&session, &headers, &form.csrf)?;
    if let Some(token) = session_token(&headers) {
        sessions::end(&state.db.main, &token).await?;
    }
    record(&state, &session.username, "logout").await?;
    let mut response = Redirect::to("/admin/login").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie(&state, "", 0));
    Ok(response)
}

#[derive(Serialize, sqlx::FromRow)]
struct Counts {
    offers_waiting: i64,
    drafts: i64,
    published: i64,
    withdrawn: i64,
    failed_jobs: i64,
    pending_images: i64,
}

#[derive(Serialize)]
struct Dashboard {
    counts: Counts,
    recent: Vec<crate::collection::editing::ListRow>,
}

async fn dashboard(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Html<String>> {
    let counts: Counts = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM offers WHERE state = 'waiting') AS offers_waiting,
            (SELECT COUNT(*) FROM objects WHERE state = 'draft') AS drafts,
            (SELECT COUNT(*) FROM objects WHERE state = 'published') AS published,
            (SELECT COUNT(*) FROM objects WHERE state = 'withdrawn') AS withdrawn,
            (SELECT COUNT(*) FROM jobs WHERE state = 'failed') AS failed_jobs,
            (SELECT COUNT(*) FROM media WHERE state = 'pending') AS pending_images",
    )
    .fetch_one(&state.db.main)
    .await?;
    let (recent, _) = crate::collection::editing::list(&state.db.main, "", None, None, 1, 8).await?;
    render_panel(&state, &ctx, &session, "admin/dashboard.html", Dashboard { counts, recent })
}

#[derive(Serialize)]
struct TotpPage {
    enrolled: bool,
    secret: String,
    csrf: String,
    error: bool,
    recovery_codes: Vec<String>,
}

/// `GET /admin/totp`: enrolment (QR code and the secret as text, for typing in).
async fn totp_page(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Html<String>> {
    // Only read here: the secret is made at sign-in or by the "set up" form, never by a GET.
    let secret = if session.totp_enrolled {
        String::new()
    } else {
        totp::existing_pending(&state.db.main, session.user_id).await?.unwrap_or_default()
    };
    let page = TotpPage {
        enrolled: session.totp_enrolled,
        secret,
        csrf: session.csrf,
        error: false,
        recovery_codes: Vec::new(),
    };
    render_page(&state, &ctx.base(&state), "admin/totp.html", page)
}

/// `POST /admin/totp/start`: makes the secret to enrol, for one who has none yet.
async fn totp_start(
    State(state): State<AppState>,
    Staff(session): Staff,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> AppResult<Response> {
    check_form(&session, &headers, &form.csrf)?;
    if !session.totp_enrolled {
        totp::pending_secret(&state.db.main, session.user_id).await?;
    }
    Ok(Redirect::to("/admin/totp").into_response())
}

/// `GET /admin/totp/qr.png`: the pending secret as a QR code for an authenticator app.
async fn totp_qr(State(state): State<AppState>, Staff(session): Staff) -> AppResult<Response> {
    if session.totp_enrolled {
        return Err(AppError::NotFound);
    }
    let secret = totp::existing_pending(&state.db.main, session.user_id).await?.ok_or(AppError::NotFound)?;
    let png = totp::totp(&secret, &session.username)?.to_qr_png().map_err(|e| anyhow::anyhow!("QR code: {e:?}"))?;
    let mut response = png.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
struct TotpForm {
    csrf: String,
    code: String,
}

/// `POST /admin/totp`: confirms enrolment with a code; shows the recovery codes once.
async fn totp_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    Form(form): Form<TotpForm>,
) -> AppResult<Response> {
    check_form(&session, &headers, &form.csrf)?;
    if session.totp_enrolled {
        return Ok(Redirect::to("/admin").into_response());
    }
    let base = ctx.base(&state);
    match totp::confirm(&state.db.main, session.user_id, &session.username, &form.code).await? {
        Some(codes) => {
            record(&state, &session.username, "totp-enrolled").await?;
            let page = TotpPage {
                enrolled: true,
                secret: String::new(),
                csrf: session.csrf,
                error: false,
                recovery_codes: codes,
            };
            Ok(render_page(&state, &base, "admin/totp.html", page)?.into_response())
        }
        None => {
            let secret = totp::pending_secret(&state.db.main, session.user_id).await?;
            let page =
                TotpPage { enrolled: false, secret, csrf: session.csrf, error: true, recovery_codes: Vec::new() };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render_page(&state, &base, "admin/totp.html", page)?).into_response())
        }
    }
}
