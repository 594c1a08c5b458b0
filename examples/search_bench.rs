//! Where a search page's time goes: the catalogue's own routes (no HTTP, no compression), for
//! the queries of `bench/catalogue.sh`, on a collection made with `zbor demo`.
//!
//! ```text
//! cargo run --release --example search_bench -- DATA_DIR UPLOADS_DIR [ROUNDS]
//! ```
//!
//! Prints the snapshot's build time with and without its search index, then, per query, its
//! hits and the time of the search alone, of the list page's listing (kept for a broad term,
//! else searched, facets counted and the page put in order) and of the whole page, in
//! microseconds (median of ROUNDS).

use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;
use zbor::catalogue::listing::{self, Filters};
use zbor::catalogue::snapshot::Snapshot;
use zbor::collection::public::PublicCollection;
use zbor::collection::search::query_terms;

/// The words and prefixes `bench/catalogue.sh` searches for.
const WORDS: [&str; 30] = [
    "Стужка",
    "Значок",
    "Плакат",
    "Сцяг",
    "Марш",
    "Кот",
    "Ribbon",
    "Badge",
    "Poster",
    "Flag",
    "Cat",
    "Лента",
    "Флаг",
    "political",
    "палітвязню",
    "Жыве",
    "пл",
    "знач",
    "ca",
    "Расцяжка",
    "разам",
    "Freedom",
    "Свабоду",
    "здымак",
    "Протокол",
    "вместе",
    "Марш здымак",
    "Poster freedom",
    "Стужка 81",
    "Жыве Беларусь",
];

// The server's allocator, so that the times are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(data), Some(uploads)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: search_bench DATA_DIR UPLOADS_DIR [ROUNDS]");
    };
    let rounds: usize = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(50);
    zbor::alloc::configure();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let config = zbor::config::Config::new(data.into(), uploads.into());
        let state = zbor::app::AppState::open(&config).await?;
        let router = zbor::app::page_renderer(state.clone());
        let snapshot = state.public.current();
        println!("{} objects", snapshot.collection.objects.len());
        // The snapshot's build, with its search index and without.
        for (what, build) in [
            ("with its search index", Snapshot::build as fn(PublicCollection) -> Snapshot),
            ("without", Snapshot::build_unsearched),
        ] {
            let collection = PublicCollection::load(&state.db.main).await?;
            let started = Instant::now();
            std::hint::black_box(build(collection));
            println!("snapshot built {what} in {:.0} ms", started.elapsed().as_secs_f64() * 1e3);
        }
        println!("{:<16} {:>7} {:>9} {:>9} {:>9}", "query", "hits", "search", "+list", "page");
        let (mut all_search, mut all_list, mut all_page) = (0.0, 0.0, 0.0);
        for word in WORDS {
            let terms = query_terms(word);
            let filters = Filters { q: word.to_owned(), ..Filters::default() };
            let uri = format!(
                "/objects?lang=en&q={}",
                percent_encoding::utf8_percent_encode(word, percent_encoding::NON_ALPHANUMERIC)
            );
            let (mut search, mut list, mut page) = (Vec::new(), Vec::new(), Vec::new());
            let mut hits = 0;
            for _ in 0..rounds {
                let started = Instant::now();
                let found = snapshot.search(&terms);
                search.push(started.elapsed().as_secs_f64() * 1e6);
                hits = found.len();
                let started = Instant::now();
                let listing = listing::kept(&snapshot, &terms, &filters)
                    .unwrap_or_else(|| listing::list(&snapshot, Some(snapshot.search(&terms)), &filters));
                list.push(started.elapsed().as_secs_f64() * 1e6);
                std::hint::black_box(listing);
                let started = Instant::now();
                let response = router.clone().oneshot(Request::get(&uri).body(Body::empty())?).await?;
                let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
                page.push(started.elapsed().as_secs_f64() * 1e6);
                std::hint::black_box(body);
            }
            let (search, list, page) = (median(search), median(list), median(page));
            (all_search, all_list, all_page) = (all_search + search, all_list + list, all_page + page);
            println!("{word:<16} {hits:>7} {search:>9.0} {list:>9.0} {page:>9.0}");
        }
        let n = WORDS.len() as f64;
        println!("{:<16} {:>7} {:>9.0} {:>9.0} {:>9.0}", "mean", "", all_search / n, all_list / n, all_page / n);
        anyhow::Ok(())
    })
}
