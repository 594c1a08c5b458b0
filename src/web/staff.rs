//! Who is signed in, and the checks every state-changing staff request passes once: a live
//! session, a request from our own pages, and the session's CSRF token. [`StaffForm`] does
//! all three and hands the handler a typed form; handlers never check a token by hand.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use super::Ctx;
use super::forms::Pairs;
use crate::app::AppState;
use crate::auth::sessions::{self, COOKIE, Session};
use crate::collection::command::Actor;
use crate::error::AppError;

/// A signed-in staff member; pages that need one redirect to the sign-in page otherwise.
pub struct Staff(pub Session);

impl Staff {
    /// The session as the actor of a domain command.
    pub fn actor(&self) -> Actor {
        actor(&self.0)
    }
}

/// A session as the actor of a domain command.
pub fn actor(session: &Session) -> Actor {
    Actor::staff(session.username.clone(), session.role)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match live_session(parts, state).await? {
            Some(session) => Ok(Staff(session)),
            None => Err(Redirect::to("/admin/login").into_response()),
        }
    }
}

/// The request's live session, or none (no cookie, or a session that ended). Those who must
/// have a second factor may do nothing but enrol until they have one: they are sent there.
async fn live_session(parts: &Parts, state: &AppState) -> Result<Option<Session>, Response> {
    let Some(token) = session_token(state, &parts.headers) else { return Ok(None) };
    match sessions::lookup(&state.db.main, &token).await {
        Ok(Some(session))
            if session.role.requires_totp()
                && !session.totp_enrolled
                && !parts.uri.path().starts_with("/admin/totp") =>
        {
            Err(Redirect::to("/admin/totp").into_response())
        }
        Ok(session) => Ok(session),
        Err(err) => Err(AppError::from(err).into_response()),
    }
}

/// A state-changing staff request: signed in, from our own pages, carrying the session's CSRF
/// token in its `csrf` field, with its URL-encoded body read as `T`. Anything else is refused
/// before the handler runs (403, or the sign-in page for one not signed in).
pub struct StaffForm<T> {
    pub session: Session,
    pub form: T,
}

impl<T> StaffForm<T> {
    /// The session as the actor of a domain command.
    pub fn actor(&self) -> Actor {
        actor(&self.session)
    }
}

/// Longest URL-encoded staff form, in bytes (the editor's texts are long, but not this long).
const MAX_FORM_BYTES: usize = 1 << 20;

impl<T: DeserializeOwned + Send> FromRequest<AppState> for StaffForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let session = live_session(&parts, state).await?;
        if !same_site(&parts.headers) {
            return Err(AppError::Forbidden.into_response());
        }
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::BadRequest("error-bad-query").into_response())?;
        let bytes = super::forms::one_line_break_encoded(&bytes);
        let pairs: Pairs = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::BadRequest("error-bad-query").into_response())?;
        // A session that ended while the form was being filled in: nothing is done, and the
        // sign-in page carries what was typed, to be sent again once signed in (in the
        // browser's page only: the server keeps none of it).
        let Some(session) = session else {
            let ctx = Ctx::from_request_parts(&mut parts, state).await.unwrap_or_else(|never| match never {});
            let resume = Resume::of(&parts.uri, pairs);
            return Err(crate::admin::sign_in_again(state, &ctx, resume));
        };
        if !csrf_ok(&session, pairs.get("csrf")) {
            return Err(AppError::Forbidden.into_response());
        }
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::BadRequest("error-bad-query").into_response())?;
        Ok(Self { session, form })
    }
}

/// A staff form that arrived after its session had ended: where it was going and what it held
/// (without its old CSRF token), carried through the sign-in page and offered to be sent again.
#[derive(Debug, Default, serde::Serialize)]
pub struct Resume {
    pub to: String,
    pub pairs: Vec<(String, String)>,
}

/// The fields of the panel's forms that hold a password or a code (account, users, second
/// factor): a form with any of them is not carried through a sign-in.
const SECRET_FIELDS: [&str; 6] = ["password", "current", "new", "repeat", "code", "totp"];

/// The prefix of the sign-in form's fields that carry a resumed form's own fields.
pub const RESUME_PREFIX: &str = "resume.";

impl Resume {
    fn of(uri: &axum::http::Uri, Pairs(pairs): Pairs) -> Option<Self> {
        let to = uri.path_and_query().map_or(uri.path(), |p| p.as_str()).to_owned();
        // A form holding a password or a second factor's code is never carried: it would sit
        // in the sign-in page's fields, and be shown to whoever signs in next.
        if pairs.iter().any(|(name, _)| SECRET_FIELDS.contains(&name.as_str())) {
            return None;
        }
        let pairs = pairs.into_iter().filter(|(name, _)| name != "csrf").collect();
        Self::checked(to, pairs)
    }

    /// The form to resume that a sign-in form carried back (`resume_to` and the fields named
    /// `resume.NAME`), if it goes to a page of the panel other than the sign-in itself.
    pub fn from_sign_in(pairs: &Pairs) -> Option<Self> {
        let fields = pairs
            .0
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix(RESUME_PREFIX)?.to_owned(), value.clone())))
            .filter(|(name, _)| name != "csrf" && !SECRET_FIELDS.contains(&name.as_str()))
            .collect();
        Self::checked(pairs.get("resume_to").to_owned(), fields)
    }

    fn checked(to: String, pairs: Vec<(String, String)>) -> Option<Self> {
        let path = to.split('?').next().unwrap_or_default();
        let in_panel = path.starts_with("/admin/")
            && !path.starts_with("/admin/login")
            && path != "/admin/logout"
            && !path.contains("//");
        let plain = to.bytes().all(|b| b.is_ascii_graphic()) && !to.contains(['\\', '"', '<', '>']);
        (in_panel && plain).then_some(Self { to, pairs })
    }
}

/// Refuses a state-changing request that comes from another site or without the session's
/// CSRF token: for bodies [`StaffForm`] cannot read (multipart uploads).
pub fn check_form(session: &Session, headers: &HeaderMap, csrf: &str) -> Result<(), AppError> {
    if same_site(headers) && csrf_ok(session, csrf) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Whether a form's CSRF token is the session's (compared in constant time).
fn csrf_ok(session: &Session, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    session.csrf.as_bytes().ct_eq(given.as_bytes()).into()
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

/// The session cookie's name: with https, `__Host-` makes browsers refuse it unless it is
/// Secure, for the whole host and set by the host itself (no subdomain can plant one).
fn cookie_name(state: &AppState) -> &'static str {
    if state.config.public_url.starts_with("https://") { "__Host-zbor_session" } else { COOKIE }
}

/// The session cookie's value in a request, if any.
pub fn session_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    super::cookie_value(headers, cookie_name(state)).map(str::to_owned)
}

/// The session cookie with `value`, for `max_age` seconds (0 removes it).
pub fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let name = cookie_name(state);
    let text = if name == COOKIE {
        format!("{name}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}")
    } else {
        format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}")
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("zbor_session=; Path=/admin; Max-Age=0"))
}
