//! What a page costs to make when nothing is cached: the cold path of `bench/catalogue.sh`
//! (the whole router with every layer, `--no-render-cache`, gzip accepted), in process, without
//! the network or a load generator, so that two builds can be compared on a shared machine.
//!
//! ```text
//! cargo run --release --example render_bench -- DATA_DIR UPLOADS_DIR URLS_DIR [ROUNDS]
//! ```
//!
//! URLS_DIR holds `class-objects.txt`, `class-lists.txt`, `class-facets.txt` and
//! `class-searches.txt` (paths, one a line), as `bench/catalogue.sh` writes them under
//! `bench/out/urls/`. For each class it renders the first 300 paths ROUNDS times (default 15)
//! on one thread and prints the microseconds a page took in the fastest round (the round
//! least disturbed by whatever else the machine ran) and in the median round.

use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

// The server's allocator, so that the times are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLASSES: [&str; 4] = ["objects", "lists", "facets", "searches"];
const PATHS_PER_CLASS: usize = 300;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(data), Some(uploads), Some(urls)) = (args.first(), args.get(1), args.get(2)) else {
        anyhow::bail!("usage: render_bench DATA_DIR UPLOADS_DIR URLS_DIR [ROUNDS]");
    };
    let rounds: usize = args.get(3).map(|r| r.parse()).transpose()?.unwrap_or(15).max(1);
    zbor::alloc::configure();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut config = zbor::config::Config::new(data.into(), uploads.into());
        config.render_cache = false;
        let state = zbor::app::AppState::open(&config).await?;
        let router = zbor::app::router(state);
        println!("{:<10} {:>6} {:>12} {:>12} {:>10}", "class", "pages", "fastest µs", "median µs", "gzip bytes");
        for class in CLASSES {
            let list = std::fs::read_to_string(format!("{urls}/class-{class}.txt"))?;
            let paths: Vec<&str> = list.lines().filter(|l| !l.is_empty()).take(PATHS_PER_CLASS).collect();
            anyhow::ensure!(!paths.is_empty(), "no paths in {urls}/class-{class}.txt");
            let mut per_page = Vec::with_capacity(rounds);
            let mut bytes = 0;
            for _ in 0..rounds {
                bytes = 0;
                let started = Instant::now();
                for path in &paths {
                    let request = Request::get(*path).header(header::ACCEPT_ENCODING, "gzip").body(Body::empty())?;
                    let response = router.clone().oneshot(request).await?;
                    anyhow::ensure!(response.status() == StatusCode::OK, "{path}: {}", response.status());
                    bytes += axum::body::to_bytes(response.into_body(), usize::MAX).await?.len();
                }
                per_page.push(started.elapsed().as_secs_f64() * 1e6 / paths.len() as f64);
            }
            per_page.sort_by(f64::total_cmp);
            println!(
                "{class:<10} {:>6} {:>12.1} {:>12.1} {:>10}",
                paths.len(),
                per_page[0],
                per_page[per_page.len() / 2],
                bytes / paths.len()
            );
        }
        anyhow::Ok(())
    })
}
