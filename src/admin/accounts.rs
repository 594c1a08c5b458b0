//! Accounts in the panel: one's own password (changing it ends every session), the admins'
//! account management, and the admins' view of the audit log.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{render_panel, require};
use crate::app::AppState;
use crate::auth::{self, PasswordError, Role, UserChange};
use crate::collection::audit;
use crate::collection::command::CommandError;
use crate::error::{AppError, AppResult};
use crate::web::Ctx;
use crate::web::forms::{Flash, Pairs, page_count, page_number};
use crate::web::staff::{Staff, StaffForm, actor, cookie};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/account", get(account))
        .route("/admin/account/password", post(change_password))
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/users/{username}", post(change_user))
        .route("/admin/audit", get(audit_view))
}

#[derive(Serialize)]
struct AccountPage {
    error: Option<&'static str>,
    min: usize,
    max: usize,
}

/// `GET /admin/account`.
async fn account(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Html<String>> {
    let page = AccountPage { error: None, min: auth::MIN_PASSWORD_LEN, max: auth::MAX_PASSWORD_LEN };
    render_panel(&state, &ctx, &session, "admin/account.html", page)
}

/// `POST /admin/account/password`: `current`, `new`, `repeat`. Every session of the user ends,
/// this one too: they sign in again with the new password.
async fn change_password(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<Pairs>) -> AppResult<Response> {
    let StaffForm { session, form: pairs } = posted;
    let error = if pairs.get("new") != pairs.get("repeat") {
        Some("account-error-repeat")
    } else if !state.throttle.reserve(&session.username) {
        // A stolen session must not become unlimited guesses at the password.
        Some("account-error-current")
    } else {
        let (current, new) = (SecretString::from(pairs.get("current")), SecretString::from(pairs.get("new")));
        let (pool, writer) = (&state.db.main, &state.db.writer);
        match auth::change_password(pool, writer, actor(&session), session.user_id, current, new).await {
            Ok(()) => {
                state.throttle.succeeded(&session.username);
                None
            }
            // Counted already, when the guess started.
            Err(PasswordError::WrongCurrent) => Some("account-error-current"),
            Err(PasswordError::Invalid(_)) => {
                state.throttle.succeeded(&session.username);
                Some("account-error-length")
            }
            Err(PasswordError::Internal(err)) => return Err(err.into()),
        }
    };
    if let Some(error) = error {
        let page = AccountPage { error: Some(error), min: auth::MIN_PASSWORD_LEN, max: auth::MAX_PASSWORD_LEN };
        let html = render_panel(&state, &ctx, &session, "admin/account.html", page)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    let mut response = Redirect::to("/admin/login?done=password").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie(&state, "", 0));
    Ok(response)
}

#[derive(Serialize)]
struct UsersPage {
    accounts: Vec<auth::Account>,
    roles: Vec<Role>,
    done: Option<String>,
    error: Option<&'static str>,
    username: String,
    /// The role chosen in a refused form (volunteer otherwise): the least power by default.
    role: Role,
}

async fn users_page(
    state: &AppState,
    ctx: &Ctx,
    session: &crate::auth::sessions::Session,
    done: Option<String>,
    error: Option<&'static str>,
    (username, role): (String, Option<Role>),
) -> AppResult<Html<String>> {
    let page = UsersPage {
        accounts: auth::accounts(&state.db.main).await?,
        roles: vec![Role::Admin, Role::Curator, Role::Keyholder, Role::Volunteer],
        done: done.filter(|d| matches!(d.as_str(), "added" | "changed")),
        error,
        username,
        role: role.unwrap_or(Role::Volunteer),
    };
    render_panel(state, ctx, session, "admin/users.html", page)
}

/// `GET /admin/users` (admins).
async fn users(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Query(flash): Query<Flash>,
) -> AppResult<Html<String>> {
    require(session.role == Role::Admin)?;
    users_page(&state, &ctx, &session, flash.done, None, (String::new(), None)).await
}

/// `POST /admin/users` (admins): `username`, `role`, `password`.
async fn add_user(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<Pairs>) -> AppResult<Response> {
    let StaffForm { session, form: pairs } = posted;
    require(session.role == Role::Admin)?;
    let username = pairs.get("username").trim().to_owned();
    let password = SecretString::from(pairs.get("password"));
    let role = Role::parse(pairs.get("role"));
    let parsed = auth::Username::parse(&username);
    let error = if parsed.is_err() {
        Some("users-error-username")
    } else if auth::validate_password(&password).is_err() {
        Some("account-error-length")
    } else if role.is_none() {
        Some("edit-error-choose")
    } else {
        None
    };
    let error = match (error, parsed, role) {
        (None, Ok(name), Some(role)) => {
            let password_hash = auth::hash_password(password).await?;
            let add = auth::AddUser { username: name, password_hash, role };
            match state.run(actor(&session), add).await {
                Ok(_) => return Ok(Redirect::to("/admin/users?done=added").into_response()),
                Err(CommandError::Refused(key)) => key,
                Err(err) => return Err(err.into()),
            }
        }
        (error, _, _) => error.unwrap_or("edit-error-choose"),
    };
    let html = users_page(&state, &ctx, &session, None, Some(error), (username, role)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

/// `POST /admin/users/{username}` (admins): `action` = disable, enable, reset-totp or role
/// (with `role`). Admins cannot disable themselves or take away their own role.
async fn change_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(username): Path<String>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let StaffForm { session, form: pairs } = posted;
    require(session.role == Role::Admin)?;
    let change = match (pairs.get("action"), Role::parse(pairs.get("role"))) {
        ("disable", _) => UserChange::Disable,
        ("enable", _) => UserChange::Enable,
        ("reset-totp", _) => UserChange::ResetTotp,
        ("role", Some(role)) => UserChange::Role(role),
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    match state.run(actor(&session), auth::ChangeUser { username, change }).await {
        Ok(()) => Ok(Redirect::to("/admin/users?done=changed").into_response()),
        Err(CommandError::Refused(key)) => {
            let html = users_page(&state, &ctx, &session, None, Some(key), (String::new(), None)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(flatten)]
    filter: audit::Filter,
    #[serde(default)]
    page: Option<String>,
}

/// One field-level change, or one detail, as the view shows it.
#[derive(Serialize)]
struct Shown {
    field: String,
    old: Option<String>,
    new: String,
}

/// An audit entry as the audit view and an object's history show it.
#[derive(Serialize)]
pub(super) struct AuditRow {
    entry: audit::ListedEntry,
    changes: Vec<Shown>,
}

impl AuditRow {
    pub(super) fn of(entry: audit::ListedEntry) -> Self {
        Self { changes: details(&entry.details), entry }
    }
}

#[derive(Serialize)]
struct AuditPage {
    rows: Vec<AuditRow>,
    filter: audit::Filter,
    actions: Vec<String>,
    total: i64,
    page: i64,
    pages: i64,
}

const AUDIT_PER_PAGE: i64 = 100;

/// The details of an entry as lines: field-level changes with old and new values, or its
/// other details.
fn details(json: &str) -> Vec<Shown> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else { return Vec::new() };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut shown = Vec::new();
    for (key, value) in &map {
        if key == "changes"
            && let serde_json::Value::Array(changes) = value
        {
            for c in changes {
                shown.push(Shown { field: text(&c["field"]), old: Some(text(&c["old"])), new: text(&c["new"]) });
            }
        } else {
            shown.push(Shown { field: key.clone(), old: None, new: text(value) });
        }
    }
    shown
}

/// `GET /admin/audit?actor=&action=&q=&from=&to=&page=` (admins).
async fn audit_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Query(query): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    require(session.role == Role::Admin)?;
    let page = page_number(query.page.as_deref())?;
    for day in [&query.filter.from, &query.filter.to] {
        if !day.trim().is_empty() && day.trim().parse::<chrono::NaiveDate>().is_err() {
            return Err(AppError::BadRequest("error-bad-filter"));
        }
    }
    let (entries, total) = audit::list(&state.db.main, &query.filter, page, AUDIT_PER_PAGE).await?;
    let rows = entries.into_iter().map(AuditRow::of).collect();
    let page = AuditPage {
        rows,
        filter: query.filter,
        actions: audit::actions(&state.db.main).await?,
        total,
        page,
        pages: page_count(total, AUDIT_PER_PAGE),
    };
    render_panel(&state, &ctx, &session, "admin/audit.html", page)
}
