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
    start_browser_with(true, None, &[]).await
}

/// A browser with JavaScript on or off (as a careful donor sets Tor Browser), saving
/// downloads to `downloads` when given, started with `extra` arguments besides the usual ones.
async fn start_browser_with(
    javascript: bool,
    downloads: Option<&std::path::Path>,
    extra: &[&str],
) -> (Driver, WebDriver, tempfile::TempDir) {
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
    ]
    .iter()
    .chain(extra)
    {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.path().display())).unwrap();
    let mut prefs = serde_json::Map::new();
    if !javascript {
        prefs.insert("profile.managed_default_content_settings.javascript".into(), 2.into());
    }
    if let Some(dir) = downloads {
        prefs.insert("download.default_directory".into(), dir.display().to_string().into());
        prefs.insert("download.prompt_for_download".into(), false.into());
    }
    caps.add_experimental_option("prefs", prefs).unwrap();
    let web = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await.expect("a Chromium session");
    (driver, web, profile)
}

/// Waits (up to ten seconds, for lazily loaded images) until every image on the page has
/// loaded; returns those that never did.
async fn images_settle(web: &WebDriver) -> Vec<String> {
    let started = Instant::now();
    loop {
        let broken = broken_images(web).await;
        if broken.is_empty() || started.elapsed() > Duration::from_secs(10) {
            return broken;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Images on the page that did not load.
async fn broken_images(web: &WebDriver) -> Vec<String> {
    web.execute(
        "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);",
        Vec::new(),
    )
    .await
    .unwrap()
    .convert()
    .unwrap()
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
    let server = app.serve().await;
    let base = server.url();
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
        let broken = broken_images(&web).await;
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
    server.stop().await;
}

async fn fill(web: &WebDriver, id: &str, text: &str) {
    web.find(By::Id(id)).await.unwrap().send_keys(text).await.unwrap();
}

/// The element once the page shows it (after a form was sent, say).
async fn appears(web: &WebDriver, by: By) -> WebElement {
    web.query(by).wait(Duration::from_secs(30), Duration::from_millis(100)).first().await.unwrap()
}

async fn click(web: &WebDriver, css: &str) {
    web.find(By::Css(css)).await.unwrap().click().await.unwrap();
}

/// Waits until the page's path ends with `end` (a file opened from disk has the folder before).
async fn wait_for_path_end(web: &WebDriver, end: &str) {
    let started = Instant::now();
    while !web.current_url().await.unwrap().path().ends_with(end) {
        assert!(started.elapsed() < Duration::from_secs(20), "never reached …{end}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the page's path is `path`.
async fn wait_for_path(web: &WebDriver, path: &str) {
    let started = Instant::now();
    while web.current_url().await.unwrap().path() != path {
        assert!(started.elapsed() < Duration::from_secs(20), "never reached {path}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
#[ignore = "needs chromium, chromium-driver and axe-core (installed by .ci/run)"]
async fn browser_donor_offers_without_javascript_and_a_keyholder_opens_the_contact() {
    let work = tempfile::tempdir().unwrap();
    // The keyholder's own computer: a passphrase-protected identity, made with zbor itself.
    let key = work.path().join("keyholder.age");
    let made = Command::new(env!("CARGO_BIN_EXE_zbor"))
        .args(["keys", "new", "--out"])
        .arg(&key)
        .env("ZBOR_KEY_PASSPHRASE", "correct horse battery staple")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let recipient = String::from_utf8(made.stdout).unwrap().lines().find(|l| l.starts_with("age1")).unwrap().to_owned();
    let app = TestApp::with_recipients(&recipient).await;
    let server = app.serve().await;
    let base = server.url();
    let axe = axe_source();

    // A donor, JavaScript off.
    let photo = work.path().join("flag.jpg");
    image::RgbImage::from_fn(640, 480, |x, y| {
        if (y / 160) == 1 { image::Rgb([200, 16, 46]) } else { image::Rgb([250, 250, 250 - (x % 5) as u8]) }
    })
    .save(&photo)
    .unwrap();
    let (_driver, web, _profile) = start_browser_with(false, None, &[]).await;
    web.goto("data:text/html,<title>before</title><script>document.title='scripts run'</script>").await.unwrap();
    assert_eq!(web.title().await.unwrap(), "before", "JavaScript is off in this browser");
    web.goto(format!("{base}/offer?lang=en")).await.unwrap();
    fill(&web, "title", "White-red-white flag from a window in Hrodna").await;
    web.find(By::Css("#object_type option[value=flag]")).await.unwrap().click().await.unwrap();
    fill(&web, "description", "Hand-sewn, 100 × 150 cm").await;
    fill(&web, "story", "It hung in our window until the autumn of 2020.").await;
    fill(&web, "contact", "BROWSER-CONTACT signal: @kot_2020").await;
    click(&web, "#credit-pseudonym").await;
    fill(&web, "credit_name", "Kot").await;
    click(&web, "#consent_publish").await;
    web.find(By::Id("photos")).await.unwrap().send_keys(photo.display().to_string()).await.unwrap();
    click(&web, "#want_receipt").await;
    web.screenshot(&screenshot_path("offer-form")).await.unwrap();
    click(&web, ".offer-form button[type=submit]").await;
    let receipt = appears(&web, By::Id("receipt-code")).await.text().await.unwrap();
    assert_eq!(receipt.len(), 19, "{receipt}");
    web.screenshot(&screenshot_path("offer-thanks")).await.unwrap();
    let cookies = web.get_all_cookies().await.unwrap();
    assert!(cookies.is_empty(), "the intake form set a cookie: {cookies:?}");

    web.goto(format!("{base}/offer/status?lang=en")).await.unwrap();
    fill(&web, "receipt", &receipt).await;
    click(&web, ".stack button[type=submit]").await;
    let state = appears(&web, By::Css(".offer-state")).await.text().await.unwrap();
    assert_eq!(state, "Waiting for a curator.");
    web.screenshot(&screenshot_path("offer-status")).await.unwrap();

    // A curator asks a question; the donor, still without JavaScript, reads it with the
    // receipt and answers in the same form.
    let offer_id: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    let question = zbor::donors::offers::Reply { offer: offer_id, text: "How was the flag hung?".to_owned() };
    let curator = zbor::collection::command::Actor::staff("curator", zbor::auth::Role::Curator);
    app.state.run(curator, question).await.unwrap();
    web.goto(format!("{base}/offer/status?lang=en")).await.unwrap();
    fill(&web, "receipt", &receipt).await;
    click(&web, ".stack button[type=submit]").await;
    let reply = appears(&web, By::Css(".reply-text")).await.text().await.unwrap();
    assert_eq!(reply, "How was the flag hung?");
    fill(&web, "receipt", &receipt).await;
    fill(&web, "answer", "BROWSER-ANSWER with two nails, facing the street").await;
    click(&web, ".stack button[type=submit]").await;
    appears(&web, By::Id("answer-sent")).await;
    web.screenshot(&screenshot_path("offer-answered")).await.unwrap();
    web.quit().await.unwrap();

    // A keyholder, in another browser, downloads the sealed bundle with a reason.
    let id = zbor::auth::create_user(
        &app.state.db.main,
        &"keyholder".parse().unwrap(),
        "a long enough password".to_owned().into(),
        zbor::auth::Role::Keyholder,
    )
    .await
    .unwrap();
    let secret = zbor::auth::totp::pending_secret(&app.state.db.main, id).await.unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = zbor::auth::totp::totp(&secret, "keyholder").unwrap().generate(now).to_string();
    let recovery = zbor::auth::totp::confirm(&app.state.db.main, id, "keyholder", &code).await.unwrap().unwrap();
    let downloads = work.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let (_driver2, web, _profile2) = start_browser_with(true, Some(&downloads), &[]).await;
    // axe-core needs scripts, so the donor's pages are checked in this browser.
    for (name, url) in [("offer form", "/offer?lang=be"), ("status", "/offer/status?lang=ru")] {
        web.goto(format!("{base}{url}")).await.unwrap();
        let problems = axe_violations(&web, &axe).await;
        assert!(problems.is_empty(), "accessibility problems on the {name}:\n{}", problems.join("\n"));
    }
    web.goto(format!("{base}/admin/login?lang=en")).await.unwrap();
    fill(&web, "username", "keyholder").await;
    fill(&web, "password", "a long enough password").await;
    fill(&web, "totp", &recovery[0]).await;
    click(&web, ".stack button[type=submit]").await;
    wait_for_path(&web, "/admin").await;
    web.goto(format!("{base}/admin/offers?lang=en")).await.unwrap();
    web.screenshot(&screenshot_path("admin-offers")).await.unwrap();
    assert!(broken_images(&web).await.is_empty(), "the offer's photo shows in the inbox");
    let problems = axe_violations(&web, &axe).await;
    assert!(problems.is_empty(), "accessibility problems on the inbox:\n{}", problems.join("\n"));
    click(&web, "input[name=offer]").await;
    fill(&web, "reason", "Donor asked to be contacted about the flag").await;
    click(&web, ".bundle button[type=submit]").await;
    let started = Instant::now();
    let bundle = loop {
        let done = std::fs::read_dir(&downloads)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "txt"));
        if let Some(path) = done {
            break path;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the bundle was not downloaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    web.quit().await.unwrap();

    // On the keyholder's computer: zbor contacts open prints the contact.
    let opened = Command::new(env!("CARGO_BIN_EXE_zbor"))
        .arg("contacts")
        .arg("open")
        .arg(&bundle)
        .arg("--identity")
        .arg(&key)
        .env("ZBOR_KEY_PASSPHRASE", "correct horse battery staple")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&opened.stdout);
    assert!(opened.status.success(), "{}", String::from_utf8_lossy(&opened.stderr));
    assert!(printed.contains("contact: BROWSER-CONTACT signal: @kot_2020"), "{printed}");
    assert!(printed.contains("It hung in our window"), "{printed}");
    assert!(printed.contains("the donor's answer:\nBROWSER-ANSWER with two nails, facing the street"), "{printed}");

    server.stop().await;
}

/// The curator `olga` with her password, enrolled in a second factor with the previous step's
/// code, so that the current one is fresh at sign-in.
async fn curator_with_second_factor(pool: &sqlx::SqlitePool) -> (&'static str, totp_rs::Totp) {
    let password = "a long enough password";
    let id =
        zbor::auth::create_user(pool, &"olga".parse().unwrap(), password.to_owned().into(), zbor::auth::Role::Curator)
            .await
            .unwrap();
    let secret = zbor::auth::totp::pending_secret(pool, id).await.unwrap();
    let totp = zbor::auth::totp::totp(&secret, "olga").unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    zbor::auth::totp::confirm(pool, id, "olga", &totp.generate(now - 30).to_string()).await.unwrap().unwrap();
    (password, totp)
}

/// Signs `olga` in at `base` with her password and the current code.
async fn sign_in(web: &WebDriver, base: &str, password: &str, totp: &totp_rs::Totp) {
    web.goto(format!("{base}/admin/login?lang=en")).await.unwrap();
    fill(web, "username", "olga").await;
    fill(web, "password", password).await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    fill(web, "totp", &totp.generate(now).to_string()).await;
    click(web, ".stack button[type=submit]").await;
    wait_for_path(web, "/admin").await;
}

/// A museum reached by a name over plain HTTP (a test server on the local network, an HTTP
/// staging site): not a "potentially trustworthy" origin, so the browser sends no
/// `Sec-Fetch-Site`, and only the `Origin` header says where a form came from. Under the
/// referrer policy `no-referrer` browsers send `Origin: null` even for the site's own forms,
/// and every form was refused.
#[tokio::test]
#[ignore = "needs chromium, chromium-driver and axe-core (installed by .ci/run)"]
async fn browser_forms_work_over_plain_http_by_name_where_browsers_send_no_fetch_metadata() {
    let (app, _keyholder) = TestApp::with_keyholder().await;
    let pool = app.state.db.main.clone();
    let (password, totp) = curator_with_second_factor(&pool).await;
    let server = app.serve().await;
    let base = format!("http://museum.test:{}", server.addr.port());
    let (_driver, web, _profile) =
        start_browser_with(false, None, &["--host-resolver-rules=MAP museum.test 127.0.0.1"]).await;

    // A donor, JavaScript off.
    web.goto(format!("{base}/offer?lang=en")).await.unwrap();
    fill(&web, "title", "A ribbon from Minsk").await;
    click(&web, ".offer-form button[type=submit]").await;
    // The answer has the form's own address: wait for its title, not for any heading (the
    // form's own is there until the answer replaces it).
    let started = Instant::now();
    while !web.title().await.unwrap().starts_with("Thank you") {
        if started.elapsed() > Duration::from_secs(20) {
            panic!("the offer was refused: {}", web.source().await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let offers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offers").fetch_one(&pool).await.unwrap();
    assert_eq!(offers, 1);

    // A curator signs in and saves a form of the panel.
    sign_in(&web, &base, password, &totp).await;
    web.goto(format!("{base}/admin/objects/new?lang=en")).await.unwrap();
    web.find(By::Css("#object_type option[value=ribbon]")).await.unwrap().click().await.unwrap();
    fill(&web, "title_en", "Ribbon").await;
    click(&web, ".editor > button[type=submit]").await;
    appears(&web, By::Css(".flash")).await;
    let objects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM objects").fetch_one(&pool).await.unwrap();
    assert_eq!(objects, 1, "{}", web.source().await.unwrap());
    web.quit().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium, chromium-driver and axe-core (installed by .ci/run)"]
async fn browser_curator_signs_in_with_totp_catalogues_and_publishes() {
    let app = TestApp::new().await;
    let pool = app.state.db.main.clone();
    let (password, totp) = curator_with_second_factor(&pool).await;
    let server = app.serve().await;
    let base = server.url();
    let axe = axe_source();
    let work = tempfile::tempdir().unwrap();
    let photos: Vec<String> = [(900, 600, [200u8, 16, 46]), (600, 900, [30, 30, 30])]
        .iter()
        .enumerate()
        .map(|(i, (w, h, colour))| {
            let path = work.path().join(format!("photo-{i}.jpg"));
            image::RgbImage::from_fn(*w, *h, |x, y| {
                if (x / 60 + y / 60) % 2 == 0 { image::Rgb(*colour) } else { image::Rgb([240, 240, 235]) }
            })
            .save(&path)
            .unwrap();
            path.display().to_string()
        })
        .collect();

    let (_driver, web, _profile) = start_browser().await;
    sign_in(&web, &base, password, &totp).await;

    // A new object, in two languages.
    web.goto(format!("{base}/admin/objects/new?lang=en")).await.unwrap();
    web.find(By::Css("#object_type option[value=poster]")).await.unwrap().click().await.unwrap();
    fill(&web, "title_be", "Плакат «Мы з вамі»").await;
    fill(&web, "title_en", "Poster “We are with you”").await;
    fill(&web, "description_en", "Printed at home, carried at the march of 23 August 2020.").await;
    web.find(By::Css("#date_qualifier option[value=exact]")).await.unwrap().click().await.unwrap();
    fill(&web, "date_earliest", "2020").await;
    click(&web, ".editor > button[type=submit]").await;
    appears(&web, By::Css(".flash")).await;
    let object_path = web.current_url().await.unwrap().path().to_owned();

    // Two photos at once.
    web.find(By::Id("photos")).await.unwrap().send_keys(photos.join("\n")).await.unwrap();
    click(&web, ".upload button[type=submit]").await;
    appears(&web, By::Css(".flash")).await;
    let started = Instant::now();
    loop {
        web.goto(format!("{base}{object_path}?lang=en")).await.unwrap();
        if web.find_all(By::Css(".photo-image img")).await.unwrap().len() == 2 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the photos were not prepared");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(broken_images(&web).await.is_empty());
    // The first photo: described and public.
    let first = web.find(By::Css("form.photo")).await.unwrap();
    first.find(By::Css("input[name=alt_en]")).await.unwrap().send_keys("The poster, front").await.unwrap();
    first.find(By::Css("input[name=is_public]")).await.unwrap().click().await.unwrap();
    first.find(By::Css("button[value=save]")).await.unwrap().click().await.unwrap();
    appears(&web, By::Css(".flash")).await;

    // A provenance event.
    web.find(By::Css("#kind option[value=made]")).await.unwrap().click().await.unwrap();
    web.find(By::Css("#p_qualifier option[value=exact]")).await.unwrap().click().await.unwrap();
    fill(&web, "p_earliest", "2020").await;
    fill(&web, "note_en", "Made for the march").await;
    click(&web, "#p_public").await;
    click(&web, ".provenance-form button[type=submit]").await;
    appears(&web, By::Css(".provenance-line")).await;
    web.screenshot(&screenshot_path("admin-object-editor")).await.unwrap();
    let problems = axe_violations(&web, &axe).await;
    assert!(problems.is_empty(), "accessibility problems in the editor:\n{}", problems.join("\n"));

    // The rest of the panel a curator sees.
    for (name, path) in [
        ("admin-dashboard", "/admin?lang=be"),
        ("admin-objects", "/admin/objects?lang=en"),
        ("admin-authorities", "/admin/authorities/events?lang=ru"),
        ("admin-object-types", "/admin/authorities/types/1?lang=be"),
        ("admin-locations", "/admin/locations?lang=en"),
        ("admin-account", "/admin/account?lang=en"),
    ] {
        web.goto(format!("{base}{path}")).await.unwrap();
        web.screenshot(&screenshot_path(name)).await.unwrap();
        let problems = axe_violations(&web, &axe).await;
        assert!(problems.is_empty(), "accessibility problems on {path}:\n{}", problems.join("\n"));
    }

    // Preview, then publish.
    web.goto(format!("{base}{object_path}/preview?lang=en")).await.unwrap();
    assert!(images_settle(&web).await.is_empty(), "the preview shows the public photo");
    web.screenshot(&screenshot_path("admin-object-preview")).await.unwrap();
    web.goto(format!("{base}{object_path}?lang=en")).await.unwrap();
    click(&web, "form[action$='/publish'] button").await;
    appears(&web, By::Css(".flash")).await;
    let accession = web.find(By::Css(".accession-number")).await.unwrap().text().await.unwrap();
    assert!(accession.starts_with("MFB-"), "{accession}");

    // The public catalogue: the card with its thumbnail, the page with its provenance.
    web.goto(format!("{base}/objects?lang=en")).await.unwrap();
    let card = appears(&web, By::Css(".card")).await;
    assert!(card.text().await.unwrap().contains("We are with you"));
    card.find(By::Css("img")).await.unwrap();
    assert!(images_settle(&web).await.is_empty(), "the thumbnail loads");
    web.screenshot(&screenshot_path("catalogue-after-publishing")).await.unwrap();
    web.goto(format!("{base}/objects/{accession}?lang=en")).await.unwrap();
    let page = web.find(By::Tag("main")).await.unwrap().text().await.unwrap();
    assert!(page.contains("Made for the march"), "{page}");
    assert!(images_settle(&web).await.is_empty());
    assert_eq!(web.find_all(By::Css(".object-images img")).await.unwrap().len(), 1, "only the public photo");
    web.screenshot(&screenshot_path("object-after-publishing")).await.unwrap();

    web.quit().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium, chromium-driver, axe-core and nginx (installed by .ci/run)"]
async fn browser_static_mirror_reads_well_from_nginx_and_from_disk() {
    let app = TestApp::new().await;
    let fixture = seed(&app).await;
    app.refresh().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mirror");
    let options = zbor::mirror::Options { out: out.clone(), base_url: None, incremental: false, live_url: None };
    zbor::mirror::export(&app.state, &options, &indicatif::ProgressBar::hidden()).await.unwrap();
    let nginx = crate::mirror::start_nginx(&out);
    let axe = axe_source();
    let (_driver, web, _profile) = start_browser().await;

    let pages = [
        ("mirror-root", String::new()),
        ("mirror-home", "en/index.html".to_owned()),
        ("mirror-list", "be/list/index.html".to_owned()),
        ("mirror-object", format!("en/objects/{}.html", fixture.flag)),
        ("mirror-makers", "ru/makers/index.html".to_owned()),
        ("mirror-search", "en/search.html?q=white%20fla".to_owned()),
    ];
    let mut problems = Vec::new();
    for (name, path) in &pages {
        web.goto(format!("{}{path}", nginx.url)).await.unwrap();
        web.screenshot(&screenshot_path(name)).await.unwrap();
        let broken = images_settle(&web).await;
        assert!(broken.is_empty(), "{name}: images that did not load: {broken:?}");
        for v in axe_violations(&web, &axe).await {
            problems.push(format!("{name}: {v}"));
        }
    }
    assert!(problems.is_empty(), "accessibility problems:\n{}", problems.join("\n"));
    // The last page was the search: its script found the flag by the start of its words.
    let results = web.find_all(By::Css("#mirror-results a")).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].text().await.unwrap(), "White-red-white flag");

    // Opened from disk: the front page, a language, an object, and a search from the header.
    web.goto(format!("file://{}/index.html", out.display())).await.unwrap();
    web.find(By::LinkText("English")).await.unwrap().click().await.unwrap();
    wait_for_path_end(&web, "/en/index.html").await;
    assert!(images_settle(&web).await.is_empty(), "images on the home page from disk");
    web.find(By::Css(".card a")).await.unwrap().click().await.unwrap();
    let started = Instant::now();
    while !web.current_url().await.unwrap().as_str().contains("/en/objects/") {
        assert!(started.elapsed() < Duration::from_secs(10), "the card did not lead to the object's page");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(images_settle(&web).await.is_empty(), "images on an object's page from disk");
    let search = web.find(By::Id("site-search")).await.unwrap();
    search.send_keys("ЖЫВЕ").await.unwrap();
    search.send_keys(Key::Enter).await.unwrap();
    wait_for_path_end(&web, "/en/search.html").await;
    let found = appears(&web, By::Css("#mirror-results a")).await;
    assert_eq!(found.text().await.unwrap(), "Badge “Long live Belarus!”");
    web.quit().await.unwrap();
}

/// The current value of form field `id`.
async fn value_of(web: &WebDriver, id: &str) -> String {
    web.find(By::Id(id)).await.unwrap().prop("value").await.unwrap().unwrap_or_default()
}

/// The fill of a redacted region, measured in the public 1200 px JPEG of image `media`: its
/// per-channel standard deviation and mean inside the region (shrunk by 4 px).
async fn public_region_stats(app: &TestApp, media: i64) -> ([f64; 3], [f64; 3], String) {
    let (key, x, y, w, h): (String, u32, u32, u32, u32) = sqlx::query_as(
        "SELECT m.derivatives, r.x, r.y, r.w, r.h FROM media m JOIN redactions r ON r.media_id = m.id
         WHERE m.id = ? AND r.shape = 'rect' ORDER BY r.id LIMIT 1",
    )
    .bind(media)
    .fetch_one(&app.state.db.main)
    .await
    .unwrap();
    let (status, _, bytes) = app.get_bytes(&format!("/media/{key}/1200.jpg")).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let (mut sum, mut squares, mut n) = ([0f64; 3], [0f64; 3], 0f64);
    for py in y + 4..y + h - 4 {
        for px in x + 4..x + w - 4 {
            for (c, v) in image.get_pixel(px, py).0.iter().enumerate() {
                sum[c] += f64::from(*v);
                squares[c] += f64::from(*v).powi(2);
            }
            n += 1.0;
        }
    }
    let mean = sum.map(|s| s / n);
    let std = std::array::from_fn(|c| (squares[c] / n - mean[c].powi(2)).max(0.0).sqrt());
    (mean, std, key)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium, chromium-driver and axe-core (installed by .ci/run)"]
async fn browser_curator_draws_a_region_with_the_mouse_or_types_it_without_javascript() {
    let app = TestApp::new().await;
    // A published poster with one public photo: red and white squares, so any region of it varies.
    let picture = image::RgbImage::from_fn(1200, 800, |x, y| {
        if (x / 40 + y / 40) % 2 == 0 { image::Rgb([200, 16, 46]) } else { image::Rgb([240, 240, 235]) }
    });
    let stored = app.state.media.store.store(&picture).unwrap();
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let object = zbor::collection::objects::create_object(
        &mut conn,
        &zbor::collection::objects::NewObject::new("poster", zbor::collection::Text3::same("Poster")),
        2026,
    )
    .await
    .unwrap()
    .id;
    let described = zbor::media::NewMedia {
        alt: zbor::collection::Text3::same("A poster"),
        caption: Default::default(),
        is_public: true,
    };
    let media = zbor::media::add_media(&mut conn, object, &stored, &described).await.unwrap();
    let accession = crate::helpers::publish(&mut conn, object, "MFB-{year}-{seq:04}", 2026).await;
    drop(conn);
    app.refresh().await;
    let cookie = app.staff_cookie("olga", zbor::auth::Role::Curator).await;
    let (name, value) = cookie.split_once('=').unwrap();
    let server = app.serve().await;
    let base = server.url();
    let regions = format!("{base}/admin/objects/{object}/media/{media}/regions?lang=en");
    let axe = axe_source();

    // With JavaScript: a drag over the photo fills the form, and adding it redacts the photo.
    let (_driver, web, _profile) = start_browser().await;
    web.goto(format!("{base}/healthz")).await.unwrap();
    web.add_cookie(Cookie::new(name.to_owned(), value.to_owned())).await.unwrap();
    web.goto(&regions).await.unwrap();
    assert!(images_settle(&web).await.is_empty(), "the master with its outlines loads");
    let photo = web.find(By::Id("redact-image")).await.unwrap();
    web.action_chain()
        .move_to_element_center(&photo)
        .move_by_offset(-150, -100)
        .click_and_hold()
        .move_by_offset(60, 40)
        .move_by_offset(60, 50)
        .release()
        .perform()
        .await
        .unwrap();
    let (x, w) = (value_of(&web, "region-x").await, value_of(&web, "region-w").await);
    let w: u32 = w.parse().unwrap_or(0);
    assert!(!x.is_empty() && w >= 50, "the drag filled the form: x {x:?}, w {w}");
    assert!(web.find(By::Css(".redact-box")).await.unwrap().is_displayed().await.unwrap(), "the drawn box shows");
    web.screenshot(&screenshot_path("admin-redact-drawing")).await.unwrap();
    click(&web, "#redact-add button[value=add]").await;
    appears(&web, By::Css(".flash")).await;
    let problems = axe_violations(&web, &axe).await;
    assert!(problems.is_empty(), "accessibility problems on the regions page:\n{}", problems.join("\n"));
    // The public page shows the redacted photo once the worker has made it.
    let started = Instant::now();
    let key = loop {
        let (state, key): (String, String) = sqlx::query_as("SELECT state, derivatives FROM media WHERE id = ?")
            .bind(media)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
        if state == "ready" {
            break key;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the redacted derivatives were not made");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_ne!(key, stored.hash);
    web.goto(format!("{base}/objects/{accession}?lang=en")).await.unwrap();
    assert!(images_settle(&web).await.is_empty());
    let sources = web.find(By::Css(".object-images img")).await.unwrap().attr("src").await.unwrap().unwrap_or_default();
    assert!(sources.contains(&key) && !sources.contains(&stored.hash), "{sources}");
    let (mean, std, _) = public_region_stats(&app, media).await;
    assert!(std.iter().all(|s| *s < 4.0), "the drawn region is one colour in the public photo: σ {std:?}");
    assert!((mean[0] - f64::from(zbor::media::redact::FILL[0])).abs() < 6.0, "{mean:?}");
    web.screenshot(&screenshot_path("object-redacted")).await.unwrap();
    web.quit().await.unwrap();

    // Without JavaScript: the same form, typed.
    let (_driver, web, _profile) = start_browser_with(false, None, &[]).await;
    web.goto(format!("{base}/healthz")).await.unwrap();
    web.add_cookie(Cookie::new(name.to_owned(), value.to_owned())).await.unwrap();
    web.goto(&regions).await.unwrap();
    web.find(By::Css("#region-shape option[value=ellipse]")).await.unwrap().click().await.unwrap();
    web.find(By::Css("#region-kind option[value=text]")).await.unwrap().click().await.unwrap();
    for (id, value) in [("region-x", "800"), ("region-y", "500"), ("region-w", "200"), ("region-h", "120")] {
        fill(&web, id, value).await;
    }
    click(&web, "#redact-add button[value=add]").await;
    appears(&web, By::Css(".flash")).await;
    let rows = web.find_all(By::Css("table.regions tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 2, "both regions are listed");
    let typed: (String, String, u32, u32, u32, u32) =
        sqlx::query_as("SELECT shape, kind, x, y, w, h FROM redactions WHERE media_id = ? ORDER BY id DESC LIMIT 1")
            .bind(media)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(typed, ("ellipse".to_owned(), "text".to_owned(), 800, 500, 200, 120));
    web.quit().await.unwrap();
    server.stop().await;
}

/// Sends the form that holds the element `css` (its own submit button).
async fn submit_form_of(web: &WebDriver, css: &str) {
    let form = web.find(By::Css(css)).await.unwrap();
    form.find(By::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
}

/// Sets a date field (typing into one depends on the browser's locale).
async fn set_date(web: &WebDriver, id: &str, date: &str) {
    web.execute(&format!("document.getElementById('{id}').value = '{date}';"), Vec::new()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium, chromium-driver and axe-core (installed by .ci/run)"]
async fn browser_registrar_accessions_a_letter_reports_condition_and_sends_two_objects_on_loan() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let new = |object_type: &str, title: &str| {
        zbor::collection::objects::NewObject::new(object_type, zbor::collection::Text3::same(title))
    };
    let letter = zbor::collection::objects::create_object(&mut conn, &new("letter", "Letter from a prisoner"), 2026)
        .await
        .unwrap()
        .id;
    let mut posters = Vec::new();
    for title in ["Poster for the loan, one", "Poster for the loan, two"] {
        posters
            .push(zbor::collection::objects::create_object(&mut conn, &new("poster", title), 2026).await.unwrap().id);
    }
    let name = zbor::collection::Text3::same("Museum of Occupations, Vilnius");
    zbor::collection::authorities::create_organisation(&mut conn, &name, "").await.unwrap();
    drop(conn);
    let cookie = app.staff_cookie("registrar", zbor::auth::Role::Curator).await;
    let (cookie_name, cookie_value) = cookie.split_once('=').unwrap();
    let server = app.serve().await;
    let base = server.url();
    let axe = axe_source();
    let work = tempfile::tempdir().unwrap();
    let photo = work.path().join("condition.jpg");
    image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]))
        .save(&photo)
        .unwrap();

    let (_driver, web, _profile) = start_browser().await;
    web.goto(format!("{base}/healthz")).await.unwrap();
    web.add_cookie(Cookie::new(cookie_name.to_owned(), cookie_value.to_owned())).await.unwrap();

    // The letter, never to be published, enters the register.
    web.goto(format!("{base}/admin/objects/{letter}?lang=en")).await.unwrap();
    web.find(By::Css("#acc_method option[value=gift]")).await.unwrap().click().await.unwrap();
    fill(&web, "acc_authority", "Acquisitions committee, minutes 12/03").await;
    submit_form_of(&web, "form[action$='/accession']").await;
    let number = appears(&web, By::Css(".register-number")).await.text().await.unwrap();
    assert!(number.starts_with("MFB-"), "{number}");
    let state: String = sqlx::query_scalar("SELECT state FROM objects WHERE id = ?")
        .bind(letter)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(state, "draft", "accessioned, not published");

    // A condition report with a photo, which shows in the report (never in public).
    web.find(By::Css("#condition_grade option[value=fair]")).await.unwrap().click().await.unwrap();
    fill(&web, "cond_notes", "Folds along the creases; ink faded on page 2.").await;
    web.find(By::Id("cond_photos")).await.unwrap().send_keys(photo.display().to_string()).await.unwrap();
    submit_form_of(&web, "form[action$='/condition']").await;
    appears(&web, By::Css(".condition-report")).await;
    let started = Instant::now();
    loop {
        web.refresh().await.unwrap();
        if !web.find_all(By::Css(".condition-photos img")).await.unwrap().is_empty()
            && images_settle(&web).await.is_empty()
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the condition photo never showed");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(web.find(By::Css(".current-condition")).await.unwrap().text().await.unwrap().starts_with("Fair"));

    // A loan out, arranged in the loans page.
    web.goto(format!("{base}/admin/loans?lang=en")).await.unwrap();
    web.find(By::Css("#direction option[value=out]")).await.unwrap().click().await.unwrap();
    fill(&web, "reference", "MO-2026/7").await;
    set_date(&web, "starts_on", "2026-01-10").await;
    set_date(&web, "ends_on", "2099-03-31").await;
    fill(&web, "insurance", "4000").await;
    submit_form_of(&web, "form[action='/admin/loans']").await;
    appears(&web, By::Css(".flash")).await;
    let loan_page = web.current_url().await.unwrap().path().to_owned();

    // The two posters put on it with a batch action from the object list: preview, confirm.
    web.goto(format!("{base}/admin/objects?lang=en")).await.unwrap();
    for poster in &posters {
        web.find(By::Id(format!("select-{poster}"))).await.unwrap().click().await.unwrap();
    }
    web.find(By::Id("change-loan")).await.unwrap().click().await.unwrap();
    submit_form_of(&web, "#batch-form").await;
    let rows = web
        .query(By::Css(".batch-outcome.changes"))
        .wait(Duration::from_secs(20), Duration::from_millis(100))
        .all_from_selector()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "the preview names both");
    assert!(axe_violations(&web, &axe).await.is_empty(), "the batch preview passes axe");
    submit_form_of(&web, "form[action='/admin/objects/batch']").await;
    appears(&web, By::Css(".flash")).await;

    // Agreed; each poster's condition reported; sent.
    web.goto(format!("{base}{loan_page}?lang=en")).await.unwrap();
    assert_eq!(web.find_all(By::Css(".loan-object")).await.unwrap().len(), 2);
    submit_form_of(&web, "form:has(input[name=step][value=agree])").await;
    appears(&web, By::Css(".flash")).await;
    for poster in &posters {
        web.goto(format!("{base}/admin/objects/{poster}?lang=en")).await.unwrap();
        submit_form_of(&web, "form[action$='/condition']").await;
        appears(&web, By::Css(".condition-report")).await;
    }
    web.goto(format!("{base}{loan_page}?lang=en")).await.unwrap();
    submit_form_of(&web, "form:has(input[name=step][value=send])").await;
    appears(&web, By::Css(".flash")).await;
    web.goto(format!("{base}{loan_page}?lang=en")).await.unwrap();
    assert_eq!(web.find(By::Css(".loan-status")).await.unwrap().text().await.unwrap().to_lowercase(), "under way");
    assert!(axe_violations(&web, &axe).await.is_empty(), "the loan page passes axe");

    // The dashboard shows them out.
    web.goto(format!("{base}/admin?lang=en")).await.unwrap();
    let listed = appears(&web, By::Css(".loans-active .loan")).await.text().await.unwrap();
    assert!(listed.contains("Loan out") && listed.contains("Objects: 2"), "{listed}");
    web.screenshot(&screenshot_path("registrar-dashboard-loan-out")).await.unwrap();
    for poster in &posters {
        let exits: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM object_exits WHERE object_id = ? AND kind = 'loan_out'")
                .bind(poster)
                .fetch_one(&app.state.db.main)
                .await
                .unwrap();
        assert_eq!(exits, 1);
    }
    web.quit().await.unwrap();
    server.stop().await;
}
