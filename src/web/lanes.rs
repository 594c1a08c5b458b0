//! Where `zbor serve` runs its connections and its requests.
//!
//! Every connection lives on a **lane**: a single-threaded runtime on a thread of its own, one
//! per core, as nginx runs one worker process per core. A lane answers what is quick and
//! public — a page from the render cache, a catalogue page rendered — without waking another
//! thread: a repeated page costs hyper, one lookup and the kernel, nothing else.
//!
//! Everything else — forms, uploads, the panel, anything a visitor can make slow or an attacker
//! can flood — is handed to the **pool**: a multi-threaded runtime whose threads run at a lower
//! scheduling priority ([`POOL_NICE`]), so that under a storm of uploads, junk offers and staff
//! work the readers' pages get a core first, and the pool still gets every cycle nobody else
//! wants. Photos, Argon2id and receipts go further down still ([`crate::cpu::NICE`]).
//!
//! Measured with `bench/catalogue.sh` (a lane per core against one shared runtime: 0.80× →
//! 0.96–1.09× nginx on cached pages) and `bench/load.sh` (the readers' p99 in a storm halved);
//! see the README's benchmarks.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context as TaskContext, Poll};

use anyhow::Context;
use axum::http::{Method, Request};

/// The nice value of the pool's threads: below the lanes (0), above heavy work (10).
pub const POOL_NICE: i32 = 5;

/// The lanes and the pool of a running server.
pub struct Lanes {
    lanes: Vec<Lane>,
    next: AtomicUsize,
    /// Always `Some` until dropped.
    pool: Option<tokio::runtime::Runtime>,
}

struct Lane {
    handle: tokio::runtime::Handle,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Lanes {
    /// Starts the pool and a lane per core.
    pub fn start() -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let pool = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cores)
            .thread_name("zbor-pool")
            .on_thread_start(|| crate::cpu::lower_priority(POOL_NICE))
            .enable_all()
            .build()
            .context("starting the request pool")?;
        // Made whole before the lanes start: if one cannot, the pool is let go by `Drop`.
        let mut lanes = Self { lanes: Vec::with_capacity(cores), next: AtomicUsize::new(0), pool: Some(pool) };
        for number in 0..cores {
            lanes.lanes.push(Lane::start(number)?);
        }
        Ok(lanes)
    }

    /// Serves `connection` on the next lane, in turn. `stream` is moved to that lane's event
    /// loop before `connection` is made from it there.
    pub fn serve<F, C>(&self, stream: tokio::net::TcpStream, connection: C) -> std::io::Result<()>
    where
        C: FnOnce(tokio::net::TcpStream) -> F + Send + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let stream = stream.into_std()?;
        let lane = &self.lanes[self.next.fetch_add(1, Ordering::Relaxed) % self.lanes.len()];
        lane.handle.spawn(async move {
            if let Ok(stream) = tokio::net::TcpStream::from_std(stream) {
                connection(stream).await;
            }
        });
        Ok(())
    }

    /// A handle to the pool, for [`Pool::answer`].
    pub fn pool(&self) -> Pool {
        Pool(self.pool.as_ref().expect("the pool lives as long as the lanes").handle().clone())
    }

    /// Stops the lanes (their connections have ended or are cut off) and waits for their
    /// threads. The pool stays until the lanes are dropped: drop them after the databases are
    /// closed, so that work the pool's requests left running (an emptying of the WAL retried,
    /// a sealed record's removal) sees them close rather than vanishing first.
    pub fn stop(&mut self) {
        for lane in std::mem::take(&mut self.lanes) {
            let _ = lane.stop.send(());
            let _ = lane.thread.join();
        }
    }
}

/// Dropped, the pool is let go without waiting (which is what may be done in async code), and
/// lanes not stopped (the server's future cancelled) end on their own threads, their stop
/// signals dropped. Tasks still running in the pool are dropped, as a runtime's are at the
/// end of the process.
impl Drop for Lanes {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            pool.shutdown_background();
        }
    }
}

impl Lane {
    /// Starts a lane's thread and builds its runtime there, where it is also dropped: a runtime
    /// dropped in async code (if starting failed halfway) would panic.
    fn start(number: usize) -> anyhow::Result<Self> {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (started, handle) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name(format!("zbor-lane-{number}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(err) => {
                        let _ = started.send(Err(err));
                        return;
                    }
                };
                let _ = started.send(Ok(runtime.handle().clone()));
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .context("starting a connection lane")?;
        match handle.recv() {
            Ok(Ok(handle)) => Ok(Self { handle, stop, thread }),
            Ok(Err(err)) => Err(err).context("starting a connection lane"),
            Err(_) => Err(anyhow::anyhow!("a connection lane ended as it started")),
        }
    }
}

/// The pool, as the lanes hand it requests.
#[derive(Clone)]
pub struct Pool(tokio::runtime::Handle);

impl Pool {
    /// Runs `answer` in the pool and waits for it; if the request is dropped first (its
    /// connection went away), the task is cancelled with it, as the request's own future
    /// would be. `None` if the task ended without an answer (a panic outside the handlers' own
    /// guard, or the pool shutting down).
    pub async fn answer<T: Send + 'static>(&self, answer: impl Future<Output = T> + Send + 'static) -> Option<T> {
        AbortOnDrop(self.0.spawn(answer)).await.ok()
    }
}

/// Whether a request stays on its connection's lane: a catalogue page, read. A lane has no one
/// to share its work with, so what can take long goes to the pool: forms, uploads, the panel,
/// and the open data that is long to make (sitemaps, feeds, OAI-PMH, IIIF and Linked Art).
pub fn stays_on_lane<B>(request: &Request<B>) -> bool {
    let method = request.method();
    let path = request.uri().path();
    (method == Method::GET || method == Method::HEAD)
        && !path.starts_with("/admin")
        && !path.starts_with("/sitemap")
        && !path.starts_with("/feed")
        && !crate::catalogue::iiif::is_open_data(path)
}

/// A task that is cancelled when its answer is no longer awaited.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    fn request(method: Method, uri: &str) -> Request<()> {
        Request::builder().method(method).uri(uri).body(()).unwrap()
    }

    #[test]
    fn only_public_reads_stay_on_the_lane() {
        for (method, uri) in
            [(Method::GET, "/"), (Method::HEAD, "/objects?q=flag"), (Method::GET, "/en/objects/MFB-2024-0001")]
        {
            assert!(stays_on_lane(&request(method, uri)), "{uri}");
        }
        for (method, uri) in [
            (Method::POST, "/offer"),
            (Method::POST, "/status"),
            (Method::GET, "/admin"),
            (Method::GET, "/admin/objects/1"),
            (Method::POST, "/admin/sign-in"),
            (Method::PUT, "/"),
            (Method::OPTIONS, "/iiif/x/manifest.json"),
            (Method::GET, "/iiif/MFB-2024-0001/manifest.json"),
            (Method::GET, "/objects/MFB-2024-0001.jsonld"),
            (Method::GET, "/oai?verb=ListRecords&metadataPrefix=oai_dc"),
            (Method::GET, "/sitemap.xml"),
            (Method::GET, "/sitemap/1.xml"),
            (Method::GET, "/feed.atom?lang=en"),
        ] {
            assert!(!stays_on_lane(&request(method.clone(), uri)), "{method} {uri}");
        }
    }

    #[test]
    fn the_pool_runs_below_the_lanes_and_a_dropped_request_cancels_its_task() {
        let mut lanes = Lanes::start().unwrap();
        let pool = lanes.pool();
        let lane = lanes.lanes[0].handle.clone();
        let before = rustix::process::getpriority_process(None).unwrap();
        let on_lane = lane.block_on(lane.spawn(async { lane_priority() })).unwrap();
        let in_pool = lane
            .block_on(lane.spawn({
                let pool = pool.clone();
                async move { pool.answer(async { lane_priority() }).await.unwrap() }
            }))
            .unwrap();
        assert_eq!(in_pool, before.max(POOL_NICE));
        assert_eq!(on_lane, before, "the lane keeps the server's priority");

        // A request whose connection went away: its task in the pool is dropped with it.
        struct Flag(Arc<AtomicBool>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = Flag(Arc::clone(&dropped));
        lane.block_on(async {
            let waiting = pool.answer(async move {
                let _flag = flag;
                std::future::pending::<()>().await;
            });
            assert!(tokio::time::timeout(std::time::Duration::from_millis(50), waiting).await.is_err());
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !dropped.load(Ordering::SeqCst) {
            assert!(std::time::Instant::now() < deadline, "the pool's task outlived its request");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        lanes.stop();
    }

    #[tokio::test]
    async fn lanes_dropped_inside_a_runtime_end_without_a_panic() {
        // As when the server's future is cancelled: a runtime dropped in async code panics.
        let lanes = Lanes::start().unwrap();
        let served = lanes.pool().answer(async { 7 }).await;
        drop(lanes);
        assert_eq!(served, Some(7));
    }

    fn lane_priority() -> i32 {
        rustix::process::getpriority_process(None).unwrap()
    }
}
