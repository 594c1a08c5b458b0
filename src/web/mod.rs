//! What every page shares: the template environment, language negotiation, security headers,
//! error pages and the embedded static assets; and the request plumbing every face shares:
//! staff sessions and forms, peers, stored files.

pub mod files;
pub mod forms;
pub mod http;
pub mod lanes;
pub mod peer;
pub mod staff;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use fluent_bundle::{FluentArgs, FluentValue};
use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{AutoEscape, Environment, State as TplState, UndefinedBehavior};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::app::AppState;
use crate::error::{AppError, ErrorPage};
use crate::i18n::{Lang, Translations};

/// Characters left as they are in query values.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The compiled templates, with the translation and link helpers they call.
pub struct Templates {
    env: Environment<'static>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").finish_non_exhaustive()
    }
}

fn lang_of(state: &TplState) -> Lang {
    state.lookup("lang").and_then(|v| v.as_str().and_then(Lang::parse)).unwrap_or(Lang::DEFAULT)
}

impl Templates {
    pub fn new(translations: Arc<Translations>) -> Self {
        let mut env = Environment::new();
        // Templates keep their block tags on their own lines without leaving blank lines behind.
        // Set before the templates are added: each is compiled as it is added, with the syntax
        // of that moment (set after, it changed nothing).
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build() {
            env.set_syntax(syntax);
        }
        minijinja_embed::load_templates!(&mut env);
        // Escape in every template, whatever its name ends with: nothing a person typed is trusted.
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(escape_for_html);

        // `t("key", n=3)`: an interface string in the page's language.
        env.add_function("t", move |state: &TplState, key: &str, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
            let lang = lang_of(state);
            if kwargs.args().next().is_none()
                && let Some(text) = translations.plain(lang, key)
            {
                return Ok(Value::from(Arc::clone(text)));
            }
            let mut args = FluentArgs::new();
            for name in kwargs.args() {
                let value: Value = kwargs.get(name)?;
                let fluent = match i64::try_from(value.clone()) {
                    Ok(n) => FluentValue::from(n),
                    Err(_) => FluentValue::from(value.to_string()),
                };
                args.set(name.to_owned(), fluent);
            }
            Ok(Value::from(translations.get(lang, key, Some(&args))))
        });

        // `typed("move", "reason", default)`: what was typed into a refused form of the page
        // (the context's `posted`: its section and values), or `default` (else "") for any
        // other form, so that a refused form comes back as it was sent.
        env.add_function("typed", |state: &TplState, section: &str, field: &str, default: Option<Value>| -> Value {
            let typed = state
                .lookup("posted")
                .filter(|posted| posted.get_attr("section").ok().as_ref().and_then(Value::as_str) == Some(section));
            match typed {
                Some(posted) => posted
                    .get_attr("values")
                    .and_then(|values| values.get_item(&Value::from(field)))
                    .ok()
                    .filter(|value| !value.is_undefined() && !value.is_none())
                    .unwrap_or_else(|| Value::from("")),
                None => default.unwrap_or_else(|| Value::from("")),
            }
        });

        // `link("/objects", type="flag")`: a URL with its query, keeping an explicitly chosen language.
        env.add_function(
            "link",
            |state: &TplState, path: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
                let mut pairs = Vec::new();
                for name in kwargs.args() {
                    let value: Value = kwargs.get(name)?;
                    if value.is_none() || value.is_undefined() {
                        continue;
                    }
                    let text = value.to_string();
                    if !text.is_empty() {
                        pairs.push((name.to_owned(), text));
                    }
                }
                let explicit = state.lookup("explicit_lang").is_some_and(|v| v.is_true());
                if explicit && !pairs.iter().any(|(k, _)| k == "lang") {
                    pairs.push(("lang".to_owned(), lang_of(state).code().to_owned()));
                }
                Ok(with_query(&path, &pairs))
            },
        );
        Self { env }
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(context)
    }

    /// Names of all templates, for the test that renders each one.
    pub fn names(&self) -> Vec<String> {
        self.env.templates().map(|(name, _)| name.to_owned()).collect()
    }
}

/// The entity a character is written as in HTML text and attribute values, for the five that
/// need one (all ASCII, so a byte scan never splits a character).
fn html_entity(byte: u8) -> Option<&'static str> {
    match byte {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        _ => None,
    }
}

/// Writes `text` HTML-escaped through `write`, in runs between the characters escaped.
fn escape_html<E>(text: &str, mut write: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let mut rest = text;
    while let Some((at, entity)) = rest.bytes().enumerate().find_map(|(i, b)| html_entity(b).map(|e| (i, e))) {
        write(&rest[..at])?;
        write(entity)?;
        rest = &rest[at + 1..];
    }
    write(rest)
}

/// Appends `text` to `out` HTML-escaped exactly as the templates escape a value.
pub fn escape_into(out: &mut String, text: &str) {
    let _ = escape_html(text, |run| -> Result<(), std::convert::Infallible> {
        out.push_str(run);
        Ok(())
    });
}

/// Markup written in Rust rather than by a template (see `views::View::card`), placed in a
/// page as it is: whatever it holds from the collection was escaped with [`escape_into`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// `html` must already be escaped where it holds text.
    pub fn new(html: String) -> Self {
        Self(html)
    }
}

impl Serialize for SafeHtml {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Into a template's context, as a value marked safe; anywhere else, as a string.
        if minijinja::value::serializing_for_value() {
            Value::from_safe_string(self.0.clone()).serialize(serializer)
        } else {
            serializer.serialize_str(&self.0)
        }
    }
}

/// Writes a value into a page: HTML-escaped like minijinja's own formatter, except that `/` is
/// left as it is (escaping it is valid, but bloats every link and trips naive tools).
fn escape_for_html(out: &mut minijinja::Output, state: &mut TplState, value: &Value) -> Result<(), minijinja::Error> {
    if value.is_safe() || *state.auto_escape() != AutoEscape::Html || value.as_str().is_none() {
        return minijinja::escape_formatter(out, state, value);
    }
    escape_html(value.as_str().unwrap_or_default(), |run| out.write_str(run)).map_err(minijinja::Error::from)
}

/// `path?k=v&…` with values percent-encoded.
pub fn with_query(path: &str, pairs: &[(String, String)]) -> String {
    with_query_pairs(path, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// [`with_query`] for pairs that are borrowed: written straight into one string (a page
/// makes hundreds of links).
pub fn with_query_pairs<'a>(path: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut url = String::with_capacity(path.len() + 32);
    url.push_str(path);
    for (i, (key, value)) in pairs.into_iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.extend(utf8_percent_encode(key, QUERY_VALUE));
        url.push('=');
        url.extend(utf8_percent_encode(value, QUERY_VALUE));
    }
    url
}

/// The language a request is answered in, and whether the visitor picked it with `?lang=`
/// (then links carry it on) or it came from `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LangChoice {
    pub lang: Lang,
    pub explicit: bool,
}

impl LangChoice {
    /// Reads `?lang=` first, then `Accept-Language`, then the museum's default.
    pub fn negotiate(uri: &Uri, accept_language: Option<&str>) -> Self {
        let from_query =
            uri.query().and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("lang=")).and_then(Lang::parse));
        if let Some(lang) = from_query {
            return Self { lang, explicit: true };
        }
        let lang = accept_language.and_then(Lang::from_accept_language).unwrap_or(Lang::DEFAULT);
        Self { lang, explicit: false }
    }
}

/// The staff panel's remembered language: a choice made with `?lang=` on one panel page holds
/// on the next ones, whose links do not carry it. Only under `/admin`, for staff: public
/// pages and the intake form set no cookie.
const PANEL_LANG_COOKIE: &str = "zbor_lang";

/// The value of the cookie `name` in a request's headers, if it carries one.
pub fn cookie_value<'h>(headers: &'h axum::http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(given, _)| *given == name)
        .map(|(_, value)| value)
}

/// Middleware: decides the request's language and stores it in the request's extensions.
pub async fn negotiate_lang(mut request: Request, next: Next) -> Response {
    let accept = request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let mut choice = LangChoice::negotiate(request.uri(), accept);
    let path = request.uri().path();
    let panel = path == "/admin" || path.starts_with("/admin/");
    let remembered = cookie_value(request.headers(), PANEL_LANG_COOKIE).and_then(Lang::parse);
    let remember = panel && choice.explicit && remembered != Some(choice.lang);
    if panel
        && !choice.explicit
        && let Some(lang) = remembered
    {
        choice.lang = lang;
    }
    request.extensions_mut().insert(choice);
    let mut response = next.run(request).await;
    if remember {
        let cookie = format!(
            "{PANEL_LANG_COOKIE}={}; Path=/admin; Max-Age=31536000; HttpOnly; SameSite=Strict",
            choice.lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    // Pages are in the chosen language; a page whose language came from `Accept-Language`
    // varies with it. Images, stylesheets and open data are the same for everyone.
    let headers = response.headers_mut();
    if headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html")) {
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(choice.lang.code()));
        if !choice.explicit {
            http::add_vary(headers, "Accept-Language");
        }
    }
    response
}

/// The referrer policy: no address of ours goes to another site. Within the museum's own
/// origin browsers may say where a request came from: under `no-referrer` they send
/// `Origin: null` with the site's own forms, and where they send no `Sec-Fetch-Site` either
/// (plain HTTP by a name, older browsers) that is all [`staff::same_site`] has to go on.
pub const REFERRER_POLICY: &str = "same-origin";

/// The content security policy: our own origin only, no scripts at all, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; img-src 'self'; style-src 'self'; \
     font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Whether a path's answers are for one person only and must not be kept by a browser's or a
/// proxy's cache: the staff panel (offers, credit names, TOTP secrets) and a donor's status.
pub fn is_private_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path.starts_with("/offer/status")
}

/// Middleware: strict security headers on every response; `no-store` on private pages; HSTS
/// when zbor is reached over https.
pub async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let private = is_private_path(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let stored = headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if private && !stored.contains("no-store") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.public_url.starts_with("https://") {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    // A page that needs its own script sets a policy naming it (the regions page); every other
    // answer gets this one.
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(REFERRER_POLICY));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    // Same-origin unless a route opened the response to other sites (public images, open data).
    headers.entry("cross-origin-resource-policy").or_insert(HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    response
}

/// A link to the same page in another language.
#[derive(Debug, Serialize)]
pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// Variables every page template gets.
#[derive(Debug, Serialize)]
pub struct Base {
    pub lang: Lang,
    pub explicit_lang: bool,
    pub lang_links: Vec<LangLink>,
    pub museum_name: String,
    /// This page's own address in its language (`rel=canonical`): the query in a fixed
    /// order, without defaults.
    pub canonical: String,
    /// The page in each language, then `x-default` (the address that negotiates).
    pub alternates: Vec<(&'static str, String)>,
    /// Pages search engines should not index: the staff panel, the intake form, errors.
    pub noindex: bool,
}

impl Base {
    pub fn new(choice: LangChoice, uri: &Uri, museum_name: &str, public_url: &str) -> Self {
        let pairs: Vec<(String, String)> = uri
            .query()
            .map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "lang")
            .collect();
        let lang_links = Lang::ALL
            .iter()
            .map(|lang| {
                let mut with_lang = pairs.clone();
                with_lang.push(("lang".to_owned(), lang.code().to_owned()));
                LangLink {
                    code: lang.code(),
                    name: lang.name(),
                    href: with_query(uri.path(), &with_lang),
                    current: *lang == choice.lang,
                }
            })
            .collect();
        let mut base = Self {
            lang: choice.lang,
            explicit_lang: choice.explicit,
            lang_links,
            museum_name: museum_name.to_owned(),
            canonical: String::new(),
            alternates: Vec::new(),
            noindex: is_private_path(uri.path()) || uri.path() == "/offer" || uri.path().starts_with("/offer/"),
        };
        base.set_address(public_url, uri.path(), Vec::new());
        base
    }

    /// The canonical address and its alternates: `path` with the query the page itself reads
    /// back (`pairs`, in a fixed order, without empty values or the first page), never with
    /// whatever else the request's query held, so that `?foo=1` or `?page=02` is not a page of
    /// its own to a search engine (or to the render cache's neighbours in a CDN).
    pub fn set_address(&mut self, public_url: &str, path: &str, pairs: Vec<(String, String)>) {
        let site = public_url.trim_end_matches('/');
        let mut meaningful: Vec<(String, String)> =
            pairs.into_iter().filter(|(k, v)| !(v.trim().is_empty() || k == "page" && v == "1")).collect();
        meaningful.sort();
        let path = with_query(path, &meaningful);
        self.alternates = Lang::ALL
            .iter()
            .map(|lang| (lang.code(), crate::catalogue::discovery::in_lang(site, &path, *lang)))
            .collect();
        self.canonical = crate::catalogue::discovery::in_lang(site, &path, self.lang);
        self.alternates.push(("x-default", format!("{site}{path}")));
    }
}

/// Marks a response that no cache may keep: pages with what a donor typed, a receipt, or
/// anything not public.
pub fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Renders a page: the base variables merged with the page's own.
pub fn render_page(state: &AppState, base: &Base, name: &str, page: impl Serialize) -> Result<Html<String>, AppError> {
    let context = minijinja::context! { ..Value::from(Serde(base)), ..Value::from(Serde(&page)) };
    Ok(Html(state.templates.render(name, context)?))
}

/// Middleware: turns an [`ErrorPage`] left by a handler into a page in the visitor's language.
pub async fn render_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let choice = request
        .extensions()
        .get::<LangChoice>()
        .copied()
        .unwrap_or(LangChoice { lang: Lang::DEFAULT, explicit: false });
    let response = next.run(request).await;
    let page = match response.extensions().get::<ErrorPage>().copied() {
        Some(page) => page,
        // A rejection by axum itself (a path that is not valid UTF-8, a wrong method) comes as
        // plain text, or empty: give it the same readable page. An image's 416 stays as it is,
        // for the viewer that asked for a range (its Content-Range says the image's length).
        None if response.status().is_client_error()
            && response.status() != StatusCode::RANGE_NOT_SATISFIABLE
            && response.headers().get(header::CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain")) =>
        {
            let message = match response.status() {
                StatusCode::NOT_FOUND => "error-not-found",
                StatusCode::METHOD_NOT_ALLOWED => "error-method",
                _ => "error-bad-query",
            };
            ErrorPage { status: response.status(), message }
        }
        None => return response,
    };
    // Which methods the address does take, said by the answer it replaces.
    let allow = response.headers().get(header::ALLOW).cloned();
    match error_html(&state, choice, page) {
        Ok(html) => {
            let mut answer = (page.status, Html(html)).into_response();
            if let Some(allow) = allow {
                answer.headers_mut().insert(header::ALLOW, allow);
            }
            answer
        }
        Err(err) => {
            tracing::error!(error = %err, "rendering the error page");
            (page.status, "error").into_response()
        }
    }
}

/// The error page for `page` in the language of `choice`.
pub fn error_html(state: &AppState, choice: LangChoice, page: ErrorPage) -> Result<String, minijinja::Error> {
    // The page does not echo the URL (its language links lead home), so "not found" reads
    // the same whatever was asked for.
    let base = Base {
        noindex: true,
        ..Base::new(choice, &Uri::from_static("/"), state.config.museum_name.get(choice.lang), &state.config.public_url)
    };
    let context = minijinja::context! {
        ..Value::from(Serde(&base)),
        ..minijinja::context! { status => page.status.as_u16(), message_key => page.message }
    };
    state.templates.render("error.html", context)
}

/// Layers: a panic in a handler becomes the ordinary 500 page (the layer must sit inside
/// [`render_errors`]), logged once, by location only: a panic's message may hold what a
/// request carried. The server stays up and the connection answers.
pub fn catch_panics<S: Clone + Send + Sync + 'static>(router: axum::Router<S>) -> axum::Router<S> {
    panics::install_hook();
    router
        .layer(axum::middleware::from_fn(panics::mark_handler))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panics::answer as fn(_) -> Response))
}

mod panics {
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use axum::extract::Request;
    use axum::middleware::Next;
    use axum::response::{IntoResponse, Response};

    use crate::error::ErrorPage;

    thread_local! {
        /// Whether this thread is running a request handler right now.
        static IN_HANDLER: Cell<bool> = const { Cell::new(false) };
    }

    /// Replaces the panic hook once: a panic inside a handler is logged by its location only,
    /// other panics go to the hook that was there before.
    pub(super) fn install_hook() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if IN_HANDLER.with(Cell::get) {
                    let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
                    tracing::error!(location, "a request handler panicked; answered with the error page");
                } else {
                    previous(info);
                }
            }));
        });
    }

    /// The answer to a panic: the ordinary 500 page, rendered by `render_errors`.
    pub(super) fn answer(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
        let page = ErrorPage { status: axum::http::StatusCode::INTERNAL_SERVER_ERROR, message: "error-internal" };
        let mut response = page.status.into_response();
        response.extensions_mut().insert(page);
        response
    }

    /// Middleware: marks the thread while the handler's future is polled.
    pub(super) async fn mark_handler(request: Request, next: Next) -> Response {
        Marked(Box::pin(next.run(request))).await
    }

    struct Marked(Pin<Box<dyn Future<Output = Response> + Send>>);

    /// Clears the mark when a poll ends, by returning or by unwinding.
    struct Unmark(bool);

    impl Drop for Unmark {
        fn drop(&mut self) {
            IN_HANDLER.with(|flag| flag.set(self.0));
        }
    }

    impl Future for Marked {
        type Output = Response;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
            let _unmark = Unmark(IN_HANDLER.with(|flag| flag.replace(true)));
            self.0.as_mut().poll(cx)
        }
    }
}

/// The most time a body that is not an upload may take: forms are small.
pub const FORM_BODY_DEADLINE: std::time::Duration = crate::media::upload::MIN_BODY_DEADLINE;

/// Middleware: every request body has a deadline, counted from the end of its headers; an
/// upload's is scaled to its declared size (see [`crate::media::upload::deadline`]). A body
/// that misses it fails to read, and the form comes back refused.
pub async fn body_deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Most requests (every catalogue page) have no body: no timer for them.
    if axum::body::HttpBody::is_end_stream(request.body()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let deadline = if multipart {
        let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        crate::media::upload::deadline(&state.media.limits, declared)
    } else {
        FORM_BODY_DEADLINE
    };
    let request = request.map(|body| Body::new(tower_http::timeout::DeadlineBody::new(deadline, body)));
    next.run(request).await
}

const STYLESHEET: &str = include_str!("../../static/zbor.css");

/// `GET /static/zbor.css`, compressed once.
pub async fn stylesheet(headers: axum::http::HeaderMap) -> Response {
    static CSS: std::sync::LazyLock<http::Representations> =
        std::sync::LazyLock::new(|| http::Representations::new(axum::body::Bytes::from_static(STYLESHEET.as_bytes())));
    CSS.respond(
        http::Encoding::negotiate(&headers),
        "text/css; charset=utf-8",
        HeaderValue::from_static("public, max-age=3600"),
    )
}

/// The fallback for unknown routes: the same page as any other "not found".
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// `GET /healthz`: `ok` when both databases answer.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await.and(state.vault.ping().await) {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response()
        }
    }
}

/// What a page handler needs to know about its request: the language and the URL.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub choice: LangChoice,
    pub uri: Uri,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let choice = parts
            .extensions
            .get::<LangChoice>()
            .copied()
            .unwrap_or(LangChoice { lang: Lang::DEFAULT, explicit: false });
        Ok(Self { choice, uri: parts.uri.clone() })
    }
}

impl Ctx {
    pub fn base(&self, state: &AppState) -> Base {
        Base::new(self.choice, &self.uri, state.config.museum_name.get(self.choice.lang), &state.config.public_url)
    }

    /// The query string's pairs; a query that cannot be decoded is a bad request.
    pub fn query_pairs(&self) -> Result<Vec<(String, String)>, AppError> {
        match self.uri.query() {
            None => Ok(Vec::new()),
            Some(q) => serde_urlencoded::from_str(q).map_err(|_| AppError::BadRequest("error-bad-query")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_written_in_rust_is_escaped_like_a_template_value_and_placed_as_it_is() {
        let typed = "<script>\"it's\" & /path</script>";
        let mut html = String::from("<p title=\"");
        escape_into(&mut html, typed);
        html.push_str("\">x</p>");
        assert_eq!(html, "<p title=\"&lt;script&gt;&quot;it&#x27;s&quot; &amp; /path&lt;/script&gt;\">x</p>");

        let templates = Templates::new(Arc::new(Translations::load().unwrap()));
        let mut env = templates.env.clone();
        env.add_template("t.html", "{{ typed }}|{{ written }}").unwrap();
        let page = env
            .get_template("t.html")
            .unwrap()
            .render(minijinja::context! { typed, written => Serde(SafeHtml::new(html.clone())) })
            .unwrap();
        // The template escapes what was typed exactly as escape_into does, and leaves the
        // markup as it was written (escaped once, not twice).
        let mut expected = String::new();
        escape_into(&mut expected, typed);
        assert_eq!(page, format!("{expected}|{html}"));
    }
}
