//! The curator panel: sign-in, sessions and the dashboard. Every route checks its session on
//! the server; every state-changing form carries the session's CSRF token, and cross-site
//! requests are refused before anything else.

pub mod accounts;
pub mod authorities;
pub mod batch;
pub mod inventory;
pub mod loans;
pub mod objects;
pub mod offers;
pub mod redaction;
pub mod register;
pub mod table;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::sessions::{self, Session};
use crate::auth::totp;
use crate::collection::command::{Actor, CommandError};
use crate::error::{AppError, AppResult};
use crate::web::forms::Flash;
use crate::web::peer::Peer;
use crate::web::staff::{Resume, Staff, StaffForm, cookie, same_site, session_token};
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
        .merge(redaction::router())
        .merge(register::router(state))
        .merge(inventory::router())
        .merge(batch::router())
        .merge(loans::router())
        .merge(table::router(state))
}

/// A CSV file to download, as a spreadsheet opens it. A cell that a spreadsheet would take for
/// a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
/// `'`, so text typed by a donor or a volunteer can never run in a registrar's spreadsheet.
pub fn csv_download<'a>(
    file_name: &'static str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<&'a str>>,
) -> AppResult<Response> {
    let internal = |e: csv::Error| AppError::Internal(e.into());
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header).map_err(internal)?;
    for row in rows {
        let cells = row.into_iter().map(crate::collection::table::as_text);
        out.write_record(cells).map_err(internal)?;
    }
    let body = out.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let disposition = format!("attachment; filename=\"{file_name}\"");
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.into()))?,
    );
    Ok(response)
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
        fingerprints: state.recipients().map(|r| r.fingerprints()).unwrap_or_default(),
    };
    render_page(state, &ctx.base(state), name, PanelPage { panel, page })
}

#[derive(Serialize, Default)]
struct LoginPage {
    error: bool,
    username: String,
    /// After a password change, which ended every session.
    password_changed: bool,
    /// A form sent after its session had ended, carried through the sign-in.
    resume: Option<Resume>,
}

/// The sign-in page for a staff form that arrived after its session had ended (401): it
/// says that nothing was saved and carries the form, to be sent again once signed in.
pub fn sign_in_again(state: &AppState, ctx: &Ctx, resume: Option<Resume>) -> Response {
    let page = LoginPage { resume: Some(resume.unwrap_or_default()), ..LoginPage::default() };
    match render_page(state, &ctx.base(state), "admin/login.html", page) {
        Ok(page) => (StatusCode::UNAUTHORIZED, page).into_response(),
        Err(err) => err.into_response(),
    }
}

/// After signing in again: the form that was refused for want of a session, with the new
/// session's token, to be sent again by its own button (never sent without one).
#[derive(Serialize)]
struct ResumePage {
    resume: Resume,
    csrf: String,
}

async fn login_page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(flash): axum::extract::Query<Flash>,
) -> AppResult<Html<String>> {
    let page = LoginPage { password_changed: flash.done.as_deref() == Some("password"), ..LoginPage::default() };
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
    body: axum::body::Bytes,
) -> AppResult<Response> {
    if !same_site(&headers) {
        return Err(AppError::Forbidden);
    }
    let bad_form = |_| AppError::BadRequest("error-bad-query");
    let form: LoginForm = serde_urlencoded::from_bytes(&body).map_err(bad_form)?;
    let resume = Resume::from_sign_in(&serde_urlencoded::from_bytes(&body).map_err(bad_form)?);
    // A client with many failures waits before every answer, right or wrong alike.
    let delay = state.throttle.client_delay(peer);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let username = form.username.trim().to_owned();
    // Counted before the slow check, so a burst of guesses cannot all slip in.
    let user = if state.throttle.reserve(&username) {
        crate::auth::authenticate(&state.db.main, &username, SecretString::from(form.password)).await?
    } else {
        None
    };
    // With a second factor enrolled, the code is required too; a wrong code looks like a
    // wrong password.
    let signed_in = match user {
        Some(user_id) => {
            let sign_in = crate::auth::SignIn { user_id, code: form.totp };
            match state.run(Actor::visitor(&username), sign_in).await {
                Ok(token) => Some(token),
                Err(CommandError::Refused(_)) => None,
                Err(err) => return Err(err.into()),
            }
        }
        None => None,
    };
    let Some(token) = signed_in else {
        state.throttle.client_failed(peer);
        tracing::info!("failed sign-in");
        state.run(Actor::visitor(""), crate::auth::SignInFailed { username: username.clone() }).await?;
        let page = render_page(
            &state,
            &ctx.base(&state),
            "admin/login.html",
            LoginPage { error: true, username, resume, ..LoginPage::default() },
        )?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    state.throttle.succeeded(&username);
    let session = match resume {
        Some(_) => sessions::lookup(&state.db.main, &token).await?,
        None => None,
    };
    let mut response = match (resume, session) {
        (Some(resume), Some(session)) => {
            let page = ResumePage { resume, csrf: session.csrf };
            render_page(&state, &ctx.base(&state), "admin/resume.html", page)?.into_response()
        }
        _ => Redirect::to("/admin").into_response(),
    };
    response.headers_mut().insert(header::SET_COOKIE, cookie(&state, &token, sessions::ABSOLUTE_SECONDS));
    Ok(response)
}

/// A form that carries nothing but its CSRF token (checked by [`StaffForm`]).
#[derive(Deserialize)]
pub(crate) struct CsrfForm {}

/// Each object type's name in `lang`, by code, for pages that list objects or offers.
pub(crate) async fn type_names(state: &AppState, lang: crate::i18n::Lang) -> AppResult<BTreeMap<String, String>> {
    let mut conn = state.db.main.acquire().await?;
    let types = crate::collection::authorities::object_types(&mut conn).await?;
    Ok(types.into_iter().map(|t| (t.code, t.name.get(lang).to_owned())).collect())
}

/// `POST /admin/logout`.
async fn logout(State(state): State<AppState>, headers: HeaderMap, posted: StaffForm<CsrfForm>) -> AppResult<Response> {
    state.run(posted.actor(), crate::auth::SignOut { token: session_token(&state, &headers) }).await?;
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
    recent: Vec<crate::collection::objects::ListRow>,
    /// Active loans, overdue first (publishing roles only: a loan is private).
    loans: Vec<crate::collection::loans::Loan>,
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
    let (recent, _) = crate::collection::objects::list(&state.db.main, "", None, None, 1, 8).await?;
    let loans = if session.role.can_publish() {
        crate::collection::loans::out_now(&mut *state.db.main.acquire().await?).await?
    } else {
        Vec::new()
    };
    render_panel(&state, &ctx, &session, "admin/dashboard.html", Dashboard { counts, recent, loans })
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
async fn totp_start(State(state): State<AppState>, posted: StaffForm<CsrfForm>) -> AppResult<Response> {
    let user_id = posted.session.user_id;
    state.run(posted.actor(), crate::auth::totp::StartEnrolment { user_id }).await?;
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
    code: String,
}

/// `POST /admin/totp`: confirms enrolment with a code; shows the recovery codes once.
async fn totp_confirm(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<TotpForm>) -> AppResult<Response> {
    let StaffForm { session, form } = posted;
    if session.totp_enrolled {
        return Ok(Redirect::to("/admin").into_response());
    }
    let base = ctx.base(&state);
    let enrol = totp::Enrol { user_id: session.user_id, code: form.code };
    let codes = state.run(crate::web::staff::actor(&session), enrol).await?;
    let (enrolled, error, secret) = match &codes {
        Some(_) => (true, false, String::new()),
        None => (false, true, totp::existing_pending(&state.db.main, session.user_id).await?.unwrap_or_default()),
    };
    let page = TotpPage { enrolled, secret, csrf: session.csrf, error, recovery_codes: codes.unwrap_or_default() };
    let html = render_page(&state, &base, "admin/totp.html", page)?;
    let status = if enrolled { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, html).into_response())
}
