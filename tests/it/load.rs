//! Hostile load, one refusal at a time: a slow header is cut off, an oversized multipart name
//! is refused without the server's memory growing, parallel password guesses are counted, junk
//! posts do not close the intake form, a panic is the ordinary error page; and offers whose
//! answer reached their donors survive a `kill -9`. After each, the server still answers.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Server, TestApp, multipart};
use crate::intake::offer_request;
use crate::media::plain_jpeg;
use zbor::auth::Role;

/// `GET /healthz` over a fresh connection answers `ok`.
async fn answers(base: &str) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let response = client.get(format!("{base}/healthz")).send().await.expect("the server answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let addr = served.addr;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: museum\r\nX-Slow: ").await.unwrap();
    // A kept-alive connection that sends nothing after its first answer.
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: museum\r\n\r\n").await.unwrap();
    // The bound is generous; the server closes both at its header-read timeout.
    let bound = zbor::app::HEADER_READ_TIMEOUT + Duration::from_secs(20);
    let (mut slow_rest, mut idle_rest) = (Vec::new(), Vec::new());
    let (slow_closed, idle_closed) = tokio::join!(
        tokio::time::timeout(bound, slow.read_to_end(&mut slow_rest)),
        tokio::time::timeout(bound, idle.read_to_end(&mut idle_rest)),
    );
    assert!(slow_closed.is_ok(), "the slow connection was closed by the server");
    assert!(idle_closed.is_ok(), "the idle connection was closed by the server");
    assert!(String::from_utf8_lossy(&idle_rest).starts_with("HTTP/1.1 200"), "the idle one had its answer first");
    answers(&format!("http://{addr}")).await;
}

/// A request head larger than the documented bound (64 KiB) is refused with 431, one within
/// it is served, and the server answers as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_heads_over_the_bound_are_refused_with_431() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let addr = served.addr;
    let status = |size: usize| async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "GET /healthz HTTP/1.1\r\nHost: museum\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
            "a".repeat(size)
        );
        // The server may answer and close before it has read everything.
        let _ = stream.write_all(head.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
    };
    assert_eq!(zbor::app::MAX_HEAD, 64 * 1024);
    assert!(status(zbor::app::MAX_HEAD / 2).await.starts_with("HTTP/1.1 200"));
    for size in [zbor::app::MAX_HEAD, zbor::app::MAX_HEAD + 1, 3 * zbor::app::MAX_HEAD / 2, 4 * zbor::app::MAX_HEAD] {
        let line = status(size).await;
        assert!(line.starts_with("HTTP/1.1 431"), "a head of {size} bytes: {line}");
    }
    answers(&format!("http://{addr}")).await;
}

/// A `zbor serve` process on its own folders, its log in `log` (its stdout beside it).
fn start(data: &Path, uploads: &Path, log: &Path) -> Server {
    Server::spawn(&mut Server::command(data, uploads), &log.with_extension("out"), log)
}

/// A field of the server process's `/proc/PID/status`, in KiB.
fn status_kib(server: &Server, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A data folder whose recipients file holds one fresh keyholder key.
fn data_folder(dir: &Path) -> (PathBuf, PathBuf) {
    let (data, uploads) = (dir.join("data"), dir.join("uploads"));
    std::fs::create_dir_all(&data).unwrap();
    let identity = age::x25519::Identity::generate();
    std::fs::write(data.join("recipients.txt"), format!("{}\n", identity.to_public())).unwrap();
    // Owner-only, as `zbor init` leaves them: `zbor serve` refuses anything looser.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(data.join("recipients.txt"), std::fs::Permissions::from_mode(0o600)).unwrap();
    (data, uploads)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_multipart_field_name_is_refused_without_memory_growth() {
    // Through the router: the refusal is the form page with its message.
    let (app, _) = TestApp::with_keyholder().await;
    let name = "n".repeat(1 << 20);
    let request = offer_request(&app, [10, 0, 0, 1], &[("title", "Flag"), (name.as_str(), "x")], &[], &[]).await;
    let refused = app.send(request).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(refused.attrs("#title", "value"), ["Flag"], "what was typed comes back");
    assert!(refused.body.contains("The form was too large to read") || refused.body.contains("form"));
    assert_eq!(app.get("/offer").await.status, StatusCode::OK);

    // The real binary, its memory read from /proc: a 64 MiB name is refused at its first KiB.
    let dir = tempfile::tempdir().unwrap();
    let (data, uploads) = data_folder(dir.path());
    let server = start(&data, &uploads, &dir.path().join("zbor.log"));
    let client = reqwest::Client::new();
    let form = client.get(format!("{}/offer", server.url)).send().await.unwrap().text().await.unwrap();
    let token = scraper::Html::parse_document(&form)
        .select(&scraper::Selector::parse("input[name=csrf]").unwrap())
        .next()
        .and_then(|e| e.value().attr("value").map(str::to_owned))
        .unwrap();
    answers(&server.url).await;
    let before = status_kib(&server, "VmHWM:");

    const NAME_BYTES: usize = 64 << 20;
    let addr: SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--b\r\nContent-Disposition: form-data; name=\""
    );
    let length = head.len() + NAME_BYTES + 100;
    let request = format!(
        "POST /offer HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {length}\r\n\r\n{head}"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let chunk = vec![b'n'; 64 * 1024];
    let mut sent = 0;
    // The server stops reading (and closes) long before the name ends.
    while sent < NAME_BYTES {
        match tokio::time::timeout(Duration::from_secs(10), stream.write_all(&chunk)).await {
            Ok(Ok(())) => sent += chunk.len(),
            _ => break,
        }
    }
    assert!(sent < NAME_BYTES, "the server stopped reading the name");
    drop(stream);
    let after = status_kib(&server, "VmHWM:");
    assert!(after < before + 16 * 1024, "peak memory grew from {before} KiB to {after} KiB");
    answers(&server.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_password_inside_a_burst_of_wrong_ones_does_not_sign_in() {
    let app = TestApp::new().await;
    zbor::auth::create_user(
        &app.state.db.main,
        &"olga".parse().unwrap(),
        "the right password".to_owned().into(),
        Role::Curator,
    )
    .await
    .unwrap();
    let served = app.serve().await;
    let addr = served.addr;
    let login = |n: u8, password: &'static str| async move {
        let client = reqwest::Client::builder()
            .local_address(IpAddr::from([127, 0, 0, n]))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let form = [("username", "olga"), ("password", password)];
        let response = client
            .post(format!("http://{addr}/admin/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).unwrap())
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    };
    // Every password check waits until the whole burst is in: no wrong guess can finish (and
    // be counted, were failures counted after the check) before the right one arrives.
    let slots = zbor::auth::argon2_slots();
    let all = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let held = slots.acquire_many(u32::try_from(all).unwrap()).await.unwrap();
    let mut wrong = tokio::task::JoinSet::new();
    for n in 0..29u8 {
        wrong.spawn(login(2 + n, "a wrong password"));
    }
    // The account's guesses are spent once they have started, not when their hashes end.
    let started = Instant::now();
    while !app.state.throttle.spent("olga") {
        assert!(started.elapsed() < Duration::from_secs(60), "the guesses were never counted");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let right = tokio::spawn(login(40, "the right password"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(held);
    assert_eq!(right.await.unwrap(), 401, "the right password inside the burst is refused");
    let statuses: Vec<u16> = wrong.join_all().await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    answers(&format!("http://{addr}")).await;
}

#[tokio::test]
async fn junk_posts_do_not_count_toward_a_donors_limit() {
    let (app, _) = TestApp::with_keyholder_and(|c| {
        c.intake_limits.offers_per_peer = 3;
        c.intake_limits.offers_total = 5;
    })
    .await;
    let peer = [10, 0, 0, 1];
    let photo = plain_jpeg(64, 48);
    // No token, forged tokens, and posts with a photo: far more than the limits, from the
    // donor's own address (behind an onion service every visitor shares it).
    for i in 0..40 {
        let fields: Vec<(&str, &str)> = match i % 3 {
            0 => vec![("csrf", ""), ("title", "junk")],
            1 => vec![("csrf", "1.2.abc"), ("title", "junk")],
            _ => vec![("title", "junk")],
        };
        let (content_type, body) = multipart(&fields, &[("junk.jpg", &photo)]);
        let mut request = Request::post("/offer").header("content-type", content_type).body(Body::from(body)).unwrap();
        request.extensions_mut().insert(axum::extract::ConnectInfo(SocketAddr::from((peer, 40000))));
        let refused = app.send(request).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "post {i}");
    }
    // A token used once does not admit a second post.
    let used = app.token("/offer", None).await;
    let first = app.send(offer_request(&app, peer, &[("csrf", &used), ("title", "Flag")], &[], &[]).await).await;
    assert_eq!(first.status, StatusCode::OK);
    let again = app.send(offer_request(&app, peer, &[("csrf", &used), ("title", "Flag again")], &[], &[]).await).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "a used token is refused");
    assert_eq!(again.attrs("#title", "value"), ["Flag again"], "with what was typed");
    // Said as it is: the same form sent twice (a double click, a browser sending again on a
    // slow connection), whose first sending most likely arrived; not "expired, send it again",
    // which would make a second offer of the same object.
    let again_en = app
        .send(
            offer_request(&app, peer, &[("csrf", &used), ("title", "Flag again")], &[], &[("accept-language", "en")])
                .await,
        )
        .await;
    let general = again_en.texts(".form-error");
    assert!(general.iter().any(|t| t.contains("already sent")), "{general:?}");
    assert!(!again_en.body.contains("expired"), "{}", again_en.body);
    let forged = app
        .send(
            offer_request(&app, peer, &[("csrf", "1.2.abc"), ("title", "x")], &[], &[("accept-language", "en")]).await,
        )
        .await;
    assert!(forged.body.contains("expired") && !forged.body.contains("already sent"));
    assert!(app.state.intake.junk() >= 41);
    // The donor still has two offers of their three.
    for title in ["Ribbon", "Letter"] {
        let r = app.send(offer_request(&app, peer, &[("title", title)], &[], &[]).await).await;
        assert_eq!(r.status, StatusCode::OK, "{title}");
    }
    let over = app.send(offer_request(&app, peer, &[("title", "Badge")], &[], &[]).await).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "the donor's own limit still holds");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(stored, 3);
    assert_eq!(app.get("/offer").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_panic_in_a_handler_is_the_ordinary_error_page() {
    let app = TestApp::new().await;
    async fn boom() -> &'static str {
        panic!("a bug")
    }
    async fn fine() -> &'static str {
        "fine"
    }
    let routes = axum::Router::new().route("/boom", axum::routing::get(boom)).route("/fine", axum::routing::get(fine));
    let router = zbor::app::with_layers(routes, app.state.clone());
    let send = |uri: &'static str| {
        let router = router.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let request = Request::get(uri).header("accept-language", "en").body(Body::empty()).unwrap();
            let response = router.oneshot(request).await.unwrap();
            let (parts, body) = response.into_parts();
            (parts, String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap())
        }
    };
    let (parts, page) = send("/boom").await;
    assert_eq!(parts.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.contains("The museum&#x27;s server could not answer") || page.contains("could not answer"), "{page}");
    assert!(!page.contains("a bug"), "the panic's message is not shown");
    // The same page, with the same headers, as the real router's errors.
    let real = app.get_with("/no-such-page", &[("accept-language", "en")]).await;
    assert_eq!(parts.headers.get("content-security-policy").unwrap(), real.header("content-security-policy"));
    let heading = |html: &str| {
        let doc = scraper::Html::parse_document(html);
        doc.select(&scraper::Selector::parse("h1").unwrap()).map(|e| e.text().collect::<String>()).collect::<Vec<_>>()
    };
    assert_eq!(heading(&page), ["Something went wrong"]);
    assert_eq!(heading(&real.body).len(), 1);
    let (after, text) = send("/fine").await;
    assert_eq!((after.status, text.as_str()), (StatusCode::OK, "fine"), "the router still answers");
}

/// Offers sent to the real binary while it is killed: every offer whose answer arrived is
/// whole after a restart (its row, its photos on disk, its sealed record), no half-written
/// file is left, and the audit chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers_answered_before_a_kill_9_are_whole_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (data, uploads) = data_folder(dir.path());
    let mut server = start(&data, &uploads, &dir.path().join("first.log"));
    let url = server.url.clone();
    let photos: Vec<Vec<u8>> = vec![plain_jpeg(640, 480), plain_jpeg(1600, 1200), plain_jpeg(300, 200)];
    let answered = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, usize)>::new()));
    let mut donors = tokio::task::JoinSet::new();
    for n in 0..12u8 {
        let (url, photos, answered) = (url.clone(), photos.clone(), answered.clone());
        donors.spawn(async move {
            let client = reqwest::Client::builder()
                .local_address(IpAddr::from([127, 0, 0, 2 + n]))
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap();
            for round in 0..20usize {
                let Ok(form) = client.get(format!("{url}/offer")).send().await else { return };
                let Ok(form) = form.text().await else { return };
                let token = scraper::Html::parse_document(&form)
                    .select(&scraper::Selector::parse("input[name=csrf]").unwrap())
                    .next()
                    .and_then(|e| e.value().attr("value").map(str::to_owned))
                    .unwrap_or_default();
                let count = 1 + (round + n as usize) % photos.len();
                let files: Vec<(&str, &[u8])> = photos[..count].iter().map(|p| ("p.jpg", p.as_slice())).collect();
                let title = format!("Offer {n}-{round}");
                let (content_type, body) = multipart(
                    &[("csrf", &token), ("title", &title), ("story", "a story"), ("contact", "a contact")],
                    &files,
                );
                let sent = client
                    .post(format!("{url}/offer"))
                    .header("content-type", content_type)
                    .header("accept-language", "en")
                    .body(body)
                    .send()
                    .await;
                let Ok(response) = sent else { return };
                let status = response.status().as_u16();
                let Ok(page) = response.text().await else { return };
                assert!(status < 500, "{status}");
                if status == 200 {
                    let entry = page.split("registered as entry ").nth(1).and_then(|r| r.split('.').next()).unwrap();
                    answered.lock().unwrap().push((entry.to_owned(), count));
                }
            }
        });
    }
    // Kill as soon as a few offers have been answered, with others in flight.
    let started = Instant::now();
    while answered.lock().unwrap().len() < 6 {
        assert!(started.elapsed() < Duration::from_secs(120), "no offer was answered");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill_9();
    donors.join_all().await;
    let answered = answered.lock().unwrap().clone();

    let server = start(&data, &uploads, &dir.path().join("second.log"));
    answers(&server.url).await;
    let main = zbor::db::open(&data.join("zbor.sqlite"), 1).await.unwrap();
    let contacts = zbor::db::open(&data.join("contacts.sqlite"), 1).await.unwrap();
    for (entry, count) in &answered {
        let id: String = sqlx::query_scalar("SELECT id FROM offers WHERE entry_number = ?")
            .bind(entry)
            .fetch_one(&main)
            .await
            .unwrap_or_else(|_| panic!("offer {entry} was answered but is not stored"));
        // Offers' photos wait whole in the database (master and preview) until accepted.
        let held: Vec<bool> = sqlx::query_scalar(
            "SELECT master IS NOT NULL AND preview IS NOT NULL FROM offer_photos WHERE offer_id = ?",
        )
        .bind(&id)
        .fetch_all(&main)
        .await
        .unwrap();
        assert_eq!(held.len(), *count, "offer {entry} has all its photos");
        assert!(held.iter().all(|h| *h), "every photo of offer {entry} is held whole");
        let sealed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sealed_records WHERE offer_ref = ?")
            .bind(&id)
            .fetch_one(&contacts)
            .await
            .unwrap();
        assert_eq!(sealed, 1, "offer {entry} has its sealed record");
    }
    main.close().await;
    contacts.close().await;
    let half_written: Vec<String> = files_named(&uploads).into_iter().filter(|f| f.contains(".zbor-tmp")).collect();
    assert!(half_written.is_empty(), "{half_written:?}");
    drop(server);
    let verify = Command::new(env!("CARGO_BIN_EXE_zbor"))
        .arg("--data-dir")
        .arg(&data)
        .arg("--uploads-dir")
        .arg(&uploads)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
}

/// Names of every file under `dir`.
fn files_named(dir: &Path) -> Vec<String> {
    crate::media::files_under(dir).iter().map(|p| p.display().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_over_the_cap_gets_the_busy_page_and_nothing_else_changes() {
    let app = TestApp::with(|c| c.max_connections = 3).await;
    let served = app.serve().await;
    // Three clients that connect and send nothing hold every slot (the server takes
    // connections in the order they arrive, so these three are in before the fourth).
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(tokio::net::TcpStream::connect(served.addr).await.unwrap());
    }
    let mut fourth = tokio::net::TcpStream::connect(served.addr).await.unwrap();
    fourth.write_all(b"GET /?lang=en HTTP/1.1\r\nhost: zbor\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), fourth.read_to_end(&mut answer))
        .await
        .expect("the busy answer comes at once, and the connection is closed")
        .unwrap();
    let answer = String::from_utf8(answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
    let head = answer.split("\r\n\r\n").next().unwrap().to_lowercase();
    assert!(head.contains("retry-after: 30") && head.contains("cache-control: no-store"), "{head}");
    assert!(head.contains("content-security-policy:"), "{head}");
    // The ordinary error page in the default language, saying nothing sent was stored.
    assert!(answer.contains("<h1") && answer.contains("Нічога з дасланага не захавана"), "{answer}");
    // The slots come back when the idle clients go.
    drop(idle);
    let started = Instant::now();
    loop {
        let client = reqwest::Client::new();
        match client.get(format!("http://{}/healthz", served.addr)).send().await {
            Ok(response) if response.status() == 200 => break,
            other => assert!(started.elapsed() < Duration::from_secs(10), "still busy: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    answers(&format!("http://{}", served.addr)).await;
}
