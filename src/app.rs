//! The application: shared state, the router (buildable without a socket, for tests) and
//! the server loop with graceful shutdown.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::middleware;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::catalogue::snapshot::PublicState;
use crate::collection::command::{self, Actor, Command, CommandResult};
use crate::config::Config;
use crate::db::Databases;
use crate::donors::contacts::Vault;
use crate::donors::recipients::Recipients;
use crate::i18n::Translations;
use crate::media;
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
    /// The keyholders' public keys, to which donors' stories and contacts are sealed. `None`
    /// when the data folder has no valid recipients file: the intake form is then closed
    /// (`zbor serve` refuses to start without one).
    pub recipients: Option<Recipients>,
    /// The intake form's token signer and rate limits, in memory only.
    pub intake: crate::intake::Intake,
}

/// Configuration as the app uses it.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub museum_name: String,
    pub accession_pattern: String,
    pub render_cache: bool,
    /// The address the public reaches zbor at, for absolute links (IIIF).
    pub public_url: String,
    /// Days decided offers and their sealed records are kept; 0 = for ever.
    pub offer_retention_days: u32,
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

impl AppState {
    /// Opens the databases, loads the public snapshot and compiles the templates.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
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
            },
            db,
            vault,
            templates: Templates::new(Arc::clone(&translations)),
            translations,
            media: media::Pipeline::new(media::Store::new(&config.uploads_dir), config.upload_limits),
            public: PublicState::default(),
            throttle: crate::auth::Throttle::default(),
            recipients: Recipients::load(&config.recipients_path()).ok(),
            intake: crate::intake::Intake::new(&config.intake_limits),
        };
        let state = AppState(Arc::new(app));
        media::jobs::recover(&state.db.main, &state.media.store).await.context("recovering media jobs")?;
        state.public.refresh(&state.db.main).await.context("loading the public collection")?;
        Ok(state)
    }

    /// Runs a staff action as `actor` (see [`command::execute`]), then reloads the public
    /// snapshot if the action says the public collection changed.
    pub async fn run<C: Command>(&self, actor: Actor, action: C) -> CommandResult<C::Output> {
        let done = command::execute(&self.db.writer, actor, action).await?;
        if done.public_changed {
            self.public.refresh(&self.db.main).await?;
        }
        Ok(done.output)
    }
}

/// The whole router with its layers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::catalogue::router(state.clone()))
        .merge(crate::intake::router(&state))
        .merge(crate::admin::router(&state))
        .route("/healthz", get(web::healthz))
        .route("/static/zbor.css", get(web::stylesheet))
        .fallback(web::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), web::render_errors))
        .layer(middleware::from_fn(web::negotiate_lang))
        .layer(middleware::from_fn_with_state(state.clone(), web::security_headers))
        .with_state(state)
}

/// Serves, with the media worker running beside, until `shutdown` completes; then finishes
/// in-flight requests and the job in progress, and closes the databases.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = router(state.clone());
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
    // The peer address reaches handlers only for the intake form's in-memory rate limits.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await.context("serving")?;
    purger.abort();
    let _ = stop_worker.send(());
    worker.await.context("media worker")?;
    state.db.close().await;
    state.vault.close().await;
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
