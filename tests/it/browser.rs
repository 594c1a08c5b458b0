//! What a person sees, in a real headless Chromium driven over WebDriver: images load,
//! the keyboard reaches the content, search works from the header, and axe-core finds no
//! serious accessibility problem. Screenshots are saved under `target/screenshots/` for review.
//!
//! Needs Debian's `chromium` and `chromium-driver` and axe-core from npm; `.ci/run` installs
//! them. Run locally with `cargo test -- --ignored browser`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::helpers::{TestApp, seed};

/// chromedriver, killed when the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_browser() -> (Driver, WebDriver, tempfile::TempDir) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver) is installed");
    let driver = Driver(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let mut caps = DesiredCapabilities::chrome();
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.path().display())).unwrap();
    let web = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await.expect("a Chromium session");
    (driver, web, profile)
}

fn screenshot_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}.png"))
}

fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/axe/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("axe-core not found at {}: run `npm install --prefix target/axe axe-core@4`", path.display())
    })
}

/// Serious or critical axe-core violations on the current page, as "rule: target" lines.
async fn axe_violations(web: &WebDriver, axe: &str) -> Vec<String> {
    // Injected over WebDriver, which the page's CSP does not govern; the pages themselves
    // run no script.
    web.execute(axe, Vec::new()).await.expect("inject axe-core");
    let result = web
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations
               .filter(v => v.impact === 'serious' || v.impact === 'critical')
               .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))));",
            Vec::new(),
        )
        .await
        .expect("run axe-core");
    result.convert::<Vec<String>>().unwrap()
}

#[tokio::test]
#[ignore = "needs chromium, chromium-driver and axe-core (installed by .ci/run)"]
async fn browser_catalogue_reads_well_without_javascript_and_passes_axe() {
    let app = TestApp::new().await;
    let fixture = seed(&app).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(zbor::app::serve(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));
    let axe = axe_source();
    let (_driver, web, _profile) = start_browser().await;

    let pages = [
        ("home", format!("{base}/?lang=en")),
        ("list", format!("{base}/objects?lang=be")),
        ("object", format!("{base}/objects/{}?lang=en", fixture.flag)),
        ("makers", format!("{base}/makers?lang=ru")),
        ("maker", format!("{base}/makers/{}?lang=en", fixture.maker_ivan)),
        ("not-found", format!("{base}/objects/nothing-here?lang=en")),
        ("staff-sign-in", format!("{base}/admin/login?lang=be")),
    ];
    let mut problems = Vec::new();
    for (name, url) in &pages {
        web.goto(url).await.unwrap();
        web.screenshot(&screenshot_path(name)).await.unwrap();
        let broken: Vec<String> = web
            .execute(
                "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);",
                Vec::new(),
            )
            .await
            .unwrap()
            .convert()
            .unwrap();
        assert!(broken.is_empty(), "{name}: images that did not load: {broken:?}");
        for v in axe_violations(&web, &axe).await {
            problems.push(format!("{name}: {v}"));
        }
    }
    assert!(problems.is_empty(), "accessibility problems:\n{}", problems.join("\n"));

    // The keyboard: the first Tab reaches the skip link, which leads to the content.
    web.goto(format!("{base}/?lang=en")).await.unwrap();
    web.find(By::Tag("body")).await.unwrap().send_keys(Key::Tab).await.unwrap();
    let focused = web.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap(), "Skip to content");
    focused.send_keys(Key::Enter).await.unwrap();
    assert!(web.current_url().await.unwrap().as_str().ends_with("#content"));

    // Search from the header, as a visitor types it.
    let search = web.find(By::Id("site-search")).await.unwrap();
    search.send_keys("ЖЫВЕ").await.unwrap();
    search.send_keys(Key::Enter).await.unwrap();
    let started = Instant::now();
    while !web.current_url().await.unwrap().as_str().contains("q=") {
        assert!(started.elapsed() < Duration::from_secs(10), "the search did not navigate");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    web.find(By::Css(".result-count")).await.unwrap();
    let titles: Vec<String> = {
        let mut out = Vec::new();
        for card in web.find_all(By::Css(".card-title")).await.unwrap() {
            out.push(card.text().await.unwrap());
        }
        out
    };
    assert_eq!(titles, vec!["Badge “Long live Belarus!”"]);

    // A phone-sized window: no horizontal scrolling.
    web.set_window_rect(0, 0, 390, 844).await.unwrap();
    web.goto(format!("{base}/objects/{}?lang=be", fixture.flag)).await.unwrap();
    web.screenshot(&screenshot_path("object-phone")).await.unwrap();
    let overflow: bool = web
        .execute("return document.documentElement.scrollWidth > window.innerWidth + 1;", Vec::new())
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(!overflow, "the object page scrolls sideways on a phone");

    web.quit().await.unwrap();
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
