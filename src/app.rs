//! The application: shared state, the router (buildable without a socket, for tests) and
//! the server loop with graceful shutdown.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::catalogue::snapshot::PublicState;
use crate::collection::command::{self, Actor, Command, CommandResult};
use crate::config::Config;
use crate::db::Databases;
use crate::donors::contacts::Vault;
use crate::donors::recipients::Recipients;
use crate::i18n::Translations;
use crate::media;
use crate::web::lanes::{self, Lanes};
use crate::web::{self, Templates};

/// Everything a request may use.
#[derive(Debug)]
pub struct App {
    /// Resolved configuration.
    pub config: AppConfig,
    /// The collection database.
    pub db: Databases,
    /// The sealed donor records (`contacts.sqlite`), behind the only door `donors/` opens.
    pub vault: Vault,
    /// Interface strings in the three languages.
    pub translations: Arc<Translations>,
    /// Compiled page templates.
    pub templates: Templates,
    /// Stored images, derivatives, and the upload pipeline.
    pub media: media::Pipeline,
    /// The public projection in memory and the cache of rendered public pages.
    pub public: PublicState,
    /// Failed sign-ins per account, in memory only.
    pub throttle: crate::auth::Throttle,
    /// The recipients file (the keyholders' public keys), read again each time it is needed:
    /// see [`App::recipients`].
    recipients_path: std::path::PathBuf,
    /// The intake form's token signer and rate limits, in memory only.
    pub intake: crate::intake::Intake,
}

impl App {
    /// The keyholders' public keys, to which donors' stories and contacts are sealed, as the
    /// recipients file holds them now: a keyholder the operator removes from it (before `zbor
    /// contacts reseal`) can open nothing sent afterwards, without a restart. `None` when the
    /// file is missing or holds no valid key: the intake form is then closed (`zbor serve`
    /// refuses to start without one, and says why). The file is a few lines, read once per
    /// offer. Nothing is logged here: a line written when an offer arrives would date it.
    pub fn recipients(&self) -> Option<Recipients> {
        Recipients::load(&self.recipients_path).ok()
    }
}

/// Configuration as the app uses it.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub museum_name: crate::collection::Text3,
    pub accession_pattern: crate::collection::numbers::AccessionPattern,
    pub render_cache: bool,
    /// The address the public reaches zbor at, for absolute links (IIIF).
    pub public_url: String,
    /// Days decided offers and their sealed records are kept; 0 = for ever.
    pub offer_retention_days: u32,
    /// Most connections served at once.
    pub max_connections: usize,
    /// The collection's rights statement.
    pub rights: crate::collection::rights::Rights,
    /// The data folder (what `export-site` keeps of its last export goes there).
    pub data_dir: std::path::PathBuf,
}

/// Cheap to clone: one `Arc`.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

/// The museum's name as pages show it when the configuration does not set one.
pub const DEFAULT_MUSEUM_NAME: &str = "Museum of Free Belarus";

/// The museum's name in its three languages, unless `zbor.toml` names it otherwise.
pub fn default_museum_name() -> crate::collection::Text3 {
    crate::collection::Text3::new("Музей Свабоднай Беларусі", DEFAULT_MUSEUM_NAME, "Музей Свободной Беларуси")
}

impl AppState {
    /// Opens the databases, recovers interrupted media jobs, loads the public snapshot and
    /// compiles the templates.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        let state = Self::load(config, PublicState::default()).await?;
        media::jobs::recover(&state.db.main, &state.media.store).await.context("recovering media jobs")?;
        Ok(state)
    }

    /// Opens the app to render its pages (`zbor export-site`) beside a running server: as
    /// [`AppState::open`], but the media jobs, which belong to the server, are left alone, and
    /// the public snapshot gets its search index only if something searches.
    pub async fn open_to_render(config: &Config) -> anyhow::Result<Self> {
        Self::load(config, PublicState::unsearched()).await
    }

    async fn load(config: &Config, public: PublicState) -> anyhow::Result<Self> {
        let db = Databases::open(config).await?;
        let vault = Vault::open(&config.contacts_db_path()).await?;
        let translations = Arc::new(Translations::load()?);
        let app = App {
            config: AppConfig {
                museum_name: config.museum_name.clone(),
                accession_pattern: config.accession_pattern.clone(),
                render_cache: config.render_cache,
                public_url: config.public_url.clone().unwrap_or_else(|| "http://127.0.0.1:8080".to_owned()),
                offer_retention_days: config.offer_retention_days,
                rights: config.rights,
                max_connections: config.max_connections,
                data_dir: config.data_dir.clone(),
            },
            db,
            vault,
            templates: Templates::new(Arc::clone(&translations)),
            translations,
            media: media::Pipeline::new(media::Store::new(&config.uploads_dir), config.upload_limits),
            public,
            throttle: crate::auth::Throttle::default(),
            recipients_path: config.recipients_path(),
            intake: crate::intake::Intake::new(&config.intake_limits),
        };
        let state = AppState(Arc::new(app));
        state.public.refresh(&state.db.main).await.context("loading the public collection")?;
        Ok(state)
    }

    /// Runs a staff action as `actor` (see [`command::execute`]), then reloads the public
    /// snapshot if the action says the public collection changed.
    ///
    /// The reload happens even if the request is dropped (its connection gone) at any point:
    /// a withdrawal or a redaction committed must not stay public for want of the reload that
    /// was to follow it. Dropped before the action's answer came back, whether it committed
    /// is unknown here, so the snapshot is reloaded anyway (reloads are coalesced).
    pub async fn run<C: Command>(&self, actor: Actor, action: C) -> CommandResult<C::Output> {
        let mut reload_if_dropped = ReloadIfDropped(Some(self.clone()));
        let done = command::execute(&self.db.writer, actor, action).await;
        reload_if_dropped.0 = None;
        let done = done?;
        if done.public_changed {
            // On a task of its own, so that it finishes even if this request does not.
            let state = self.clone();
            tokio::spawn(async move { state.public.refresh(&state.db.main).await })
                .await
                .map_err(|e| anyhow::anyhow!("reloading the public collection: {e}"))??;
        }
        Ok(done.output)
    }

    /// [`run`](Self::run) for a command read from a form: a form that could not be read is
    /// refused with its own message key, like a refusal of the command.
    pub async fn run_form<C: Command>(
        &self,
        actor: Actor,
        command: Result<C, &'static str>,
    ) -> CommandResult<C::Output> {
        match command {
            Ok(command) => self.run(actor, command).await,
            Err(key) => Err(command::CommandError::Refused(key)),
        }
    }
}

/// Reloads the public snapshot when dropped while still holding the state: see [`AppState::run`].
struct ReloadIfDropped(Option<AppState>);

impl Drop for ReloadIfDropped {
    fn drop(&mut self) {
        if let (Some(state), Ok(runtime)) = (self.0.take(), tokio::runtime::Handle::try_current()) {
            runtime.spawn(async move {
                if let Err(err) = state.public.refresh(&state.db.main).await {
                    tracing::error!(error = format!("{err:#}"), "reloading the public collection");
                }
            });
        }
    }
}

/// The whole application as the server runs it: [`router`], with repeated requests for cached
/// pages answered before it ([`crate::catalogue::cached_answer`]): no routing, no layers.
#[derive(Clone)]
pub struct Site {
    state: AppState,
    router: Router,
}

impl Site {
    pub fn new(state: AppState) -> Self {
        Self { router: router(state.clone()), state }
    }
}

impl<B> tower::Service<axum::http::Request<B>> for Site
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = futures_util::future::Either<
        std::future::Ready<Result<Self::Response, Self::Error>>,
        std::pin::Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>,
    >;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        // The router is always ready.
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        use futures_util::future::Either;
        match self.replay(&request) {
            Some(answer) => Either::Left(std::future::ready(Ok(answer))),
            None => Either::Right(Box::pin(self.answer(request))),
        }
    }
}

impl Site {
    /// The answer to a repeated request for a page in the render cache, as the layers gave it
    /// the first time; `None` for everything else.
    fn replay<B>(&self, request: &axum::http::Request<B>) -> Option<axum::response::Response> {
        crate::catalogue::cached_answer(&self.state, request.method(), request.uri(), request.headers())
    }

    /// The answer through the router and every layer.
    fn answer<B>(
        &mut self,
        request: axum::http::Request<B>,
    ) -> impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send + 'static
    where
        B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        let method = request.method().clone();
        let answer = tower::Service::call(&mut self.router, request);
        async move {
            let mut response = answer.await?;
            crate::catalogue::remember(&method, &mut response);
            Ok(response)
        }
    }
}

/// The whole router with its layers.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(crate::catalogue::router(state.clone()))
        .merge(crate::intake::router(&state))
        .merge(crate::admin::router(&state))
        .route("/healthz", get(web::healthz))
        .route("/static/zbor.css", get(web::stylesheet))
        .fallback(web::not_found);
    with_layers(routes, state)
}

/// The catalogue's routes and the stylesheet with only the layer their bodies depend on (the
/// language): what `zbor export-site` renders its pages with. The bodies are [`router`]'s; the
/// other layers add headers (validators, compression, security) a static file does not carry.
pub fn page_renderer(state: AppState) -> Router {
    Router::new()
        .merge(crate::catalogue::router(state.clone()))
        .route("/static/zbor.css", get(web::stylesheet))
        .layer(middleware::from_fn(web::negotiate_lang))
        .with_state(state)
}

/// The layers around every route of [`router`]: panics caught inside the error pages, a
/// deadline on every request body, the language, the security headers, validators and
/// compression. Public so that a
/// test can wrap a handler of its own (one that panics) exactly as the real routes are.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    web::catch_panics(routes)
        .layer(middleware::from_fn_with_state(state.clone(), web::render_errors))
        .layer(middleware::from_fn_with_state(state.clone(), web::body_deadline))
        .layer(middleware::from_fn(web::negotiate_lang))
        .layer(middleware::from_fn_with_state(state.clone(), web::security_headers))
        .layer(middleware::from_fn(web::http::finish))
        .with_state(state)
}

/// How long a client may take to send a request's headers, and how long an idle kept-alive
/// connection stays open (hyper starts the same timer while it waits for the next request).
/// Long enough for Tor's slowest circuits.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Most connections served at once unless `zbor.toml` says otherwise (`max_connections`);
/// beyond them a client gets the "busy" page at once. Each holds at most [`MAX_HEAD`] of
/// buffered input, so together they stay small (1 024 × 64 KiB = 64 MiB at worst).
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// The highest `max_connections` accepted: the buffers' worst case stays at 1 GiB.
pub const MOST_CONNECTIONS: usize = 16 * 1024;
/// Most connections being turned away at once; beyond them a connection is closed unanswered.
const MAX_TURNED_AWAY: usize = 256;
/// hyper's read buffer limit per connection. hyper checks it between reads, and one read may
/// take the buffer up to twice the limit, so a request's head and a connection's buffered
/// input are bounded by [`MAX_HEAD`] (a larger head is refused with 431).
pub const READ_BUFFER: usize = 32 * 1024;
/// The most a connection ever buffers, and the largest request head served.
pub const MAX_HEAD: usize = 2 * READ_BUFFER;
/// How long shutdown waits for requests in flight before it closes the databases anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(60);

/// Serves, with the media worker running beside, until `shutdown` completes; then finishes
/// in-flight requests (for up to [`SHUTDOWN_GRACE`]) and the job in progress, and closes the
/// databases.
///
/// The loop is hyper's own HTTP/1 connection driven from here rather than `axum::serve`, for
/// the limits a hostile client meets: a header-read and idle timeout (hyper needs a timer for
/// them), a bounded read buffer, a cap on connections with a "busy" page beyond it. Request
/// bodies have their deadlines in [`web::body_deadline`]. Connections are accepted here and
/// served on [`lanes`]: public pages on the connection's lane, everything else in the pool.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mut lanes = Lanes::start()?;
    let pool = lanes.pool();
    let app = Site::new(state.clone());
    let busy = Arc::new(busy_answer(&state));
    let failed = Arc::new(Failed::new(&state));
    let (stop_worker, worker_stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(media::jobs::work(
        state.db.main.clone(),
        state.media.clone(),
        public_refresher(state.clone()),
        async {
            let _ = worker_stopped.await;
        },
    ));
    let purger = tokio::spawn(purge_daily(state.clone()));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true)
        .max_buf_size(READ_BUFFER);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(state.config.max_connections));
    let turning_away = Arc::new(Semaphore::new(MAX_TURNED_AWAY));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, usually: wait for some to be freed.
                    tracing::warn!(error = %err, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            if let Ok(permit) = Arc::clone(&turning_away).try_acquire_owned() {
                tokio::spawn(turn_away(stream, Arc::clone(&busy), permit));
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (app, pool, failed) = (app.clone(), pool.clone(), Arc::clone(&failed));
        // The peer address reaches handlers only for the intake form's in-memory rate limits
        // and the sign-in slowdown, as a keyed hash.
        let service = hyper::service::service_fn(move |mut request: axum::http::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let replayed = app.replay(&request);
            let here = replayed.is_some() || lanes::stays_on_lane(&request);
            let (mut app, pool, failed) = (app.clone(), pool.clone(), Arc::clone(&failed));
            async move {
                match replayed {
                    Some(answer) => Ok(answer),
                    None if here => app.answer(request).await,
                    // No answer from the pool: a panic outside the handlers' own guard, or
                    // the pool stopping. The ordinary error page, as the layers would give it.
                    None => Ok(pool.answer(app.answer(request)).await.transpose()?.unwrap_or_else(|| failed.answer())),
                }
            }
        });
        let (http, watcher) = (http.clone(), graceful.watcher());
        let served = lanes.serve(stream, move |stream| async move {
            // A failed connection is a client gone, a timeout or a malformed request: hyper has
            // answered what could be answered; there is nothing to log about a visitor.
            let _ = watcher.watch(http.serve_connection(hyper_util::rt::TokioIo::new(stream), service)).await;
            drop(slot);
        });
        if let Err(err) = served {
            tracing::warn!(error = %err, "handing a connection to its lane");
        }
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still in flight at shutdown were cut off");
    }
    lanes.stop();
    purger.abort();
    let _ = stop_worker.send(());
    worker.await.context("media worker")?;
    state.db.close().await;
    state.vault.close().await;
    drop(lanes);
    Ok(())
}

/// Once a day, from the start: purges what is past the offers' retention period.
async fn purge_daily(state: AppState) {
    let mut every_day = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
    loop {
        every_day.tick().await;
        let today = chrono::Utc::now().date_naive();
        let days = state.config.offer_retention_days;
        match crate::donors::offers::purge(&state.db.writer, &state.vault, Actor::operator(), days, today).await {
            Ok(purged) if purged.offers + purged.records > 0 => {
                tracing::info!(offers = purged.offers, records = purged.records, "purged offers past retention");
            }
            Ok(_) => {}
            Err(err) => tracing::error!(error = %err, "purging offers past retention"),
        }
    }
}

/// The whole HTTP answer for a connection over the cap: the translated "busy" page (in the
/// default language; the request is never read), asking to come back.
fn busy_answer(state: &AppState) -> Vec<u8> {
    let choice = web::LangChoice { lang: crate::i18n::Lang::DEFAULT, explicit: false };
    let page = crate::error::ErrorPage { status: StatusCode::SERVICE_UNAVAILABLE, message: "error-busy" };
    let html = web::error_html(state, choice, page).unwrap_or_else(|_| "busy".to_owned());
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         retry-after: 30\r\ncache-control: no-store\r\nconnection: close\r\n\
         content-security-policy: {}\r\nx-content-type-options: nosniff\r\nreferrer-policy: {}\r\n\r\n",
        html.len(),
        web::CONTENT_SECURITY_POLICY,
        web::REFERRER_POLICY
    );
    [head.into_bytes(), html.into_bytes()].concat()
}

/// The "something went wrong" page, for a request whose answer never came back from the pool.
struct Failed(axum::body::Bytes);

impl Failed {
    fn new(state: &AppState) -> Self {
        let choice = web::LangChoice { lang: crate::i18n::Lang::DEFAULT, explicit: false };
        let page = crate::error::ErrorPage { status: StatusCode::INTERNAL_SERVER_ERROR, message: "error-internal" };
        Self(web::error_html(state, choice, page).unwrap_or_else(|_| "something went wrong".to_owned()).into())
    }

    fn answer(&self) -> axum::response::Response {
        use axum::http::{HeaderValue, header};
        let mut response = axum::response::Response::new(axum::body::Body::from(self.0.clone()));
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(web::CONTENT_SECURITY_POLICY));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(web::REFERRER_POLICY));
        response
    }
}

/// Answers a connection over the cap with `busy` and closes it, within a few seconds.
async fn turn_away(mut stream: tokio::net::TcpStream, busy: Arc<Vec<u8>>, _permit: tokio::sync::OwnedSemaphorePermit) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let answer = async {
        stream.write_all(&busy).await?;
        stream.shutdown().await?;
        // Read what the client sent until it closes, so the kernel does not reset the
        // connection (and lose the answer) over unread bytes.
        let mut sink = [0u8; 4096];
        let mut left = MAX_HEAD;
        while left > 0 {
            let n = stream.read(&mut sink).await?;
            if n == 0 {
                break;
            }
            left = left.saturating_sub(n);
        }
        Ok::<_, std::io::Error>(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), answer).await;
}

/// A callback that reloads the public snapshot in the background (after a new image is ready).
pub fn public_refresher(state: AppState) -> Arc<dyn Fn() + Send + Sync> {
    Arc::new(move || {
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(err) = state.public.refresh(&state.db.main).await {
                tracing::error!(error = format!("{err:#}"), "refreshing the public collection");
            }
        });
    })
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "listening for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "listening for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
