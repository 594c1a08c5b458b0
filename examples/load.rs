//! The load generator of `bench/load.sh`: a storm of donors, staff and readers, with hostile
//! clients among them, against a running `zbor serve` on loopback.
//!
//! ```text
//! load storm URL REST_SECS STORM_SECS DONORS STAFF     catalogue at rest, then the storm; prints key=value lines
//! load kill URL PID AFTER ANSWERED_FILE DONORS         donors again; kill -9 PID once AFTER offers are answered;
//!                                                     writes "entry photos" per answered offer
//! load verify DATA_DIR UPLOADS_DIR ANSWERED_FILE       every answered offer whole: row, photos, sealed record
//! load enrol DATA_DIR STAFF                           a second factor for staff01…: prints one one-time code each
//! ```
//!
//! Every client talks to 127.0.0.x only. Donors, staff and the hostile clients each come from
//! their own loopback addresses (the intake form's limits count per address), readers from
//! one. Staff accounts are `staff01`…`staffNN` with the password in `BENCH_STAFF_PASSWORD`.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

type Tally = Arc<Mutex<BTreeMap<String, u64>>>;

fn count(tally: &Tally, key: impl Into<String>) {
    *tally.lock().unwrap().entry(key.into()).or_default() += 1;
}

fn client(n: u32) -> reqwest::Client {
    let ip = IpAddr::from([127, 0, (n / 250) as u8, (2 + n % 250) as u8]);
    reqwest::Client::builder()
        .local_address(ip)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(900))
        .build()
        .unwrap()
}

/// Photos of a few sizes, as phones and scanners send them: noisy enough not to compress away.
fn photos() -> Vec<Vec<u8>> {
    [(800, 600), (2000, 1500), (4000, 3000)]
        .iter()
        .map(|&(w, h)| {
            let mut seed = 0x2020_0809u32;
            let img = image::RgbImage::from_fn(w, h, |x, y| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let noise = (seed & 31) as u8;
                image::Rgb([(x / 8) as u8 ^ noise, (y / 8) as u8, 90 + noise])
            });
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
            out
        })
        .collect()
}

fn token_of(page: &str) -> String {
    scraper::Html::parse_document(page)
        .select(&scraper::Selector::parse("input[name=csrf]").unwrap())
        .next()
        .and_then(|e| e.value().attr("value").map(str::to_owned))
        .unwrap_or_default()
}

fn multipart(fields: &[(&str, &str)], files: &[&[u8]]) -> (String, Vec<u8>) {
    let boundary = "zbor-load-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for bytes in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// One donor: the form, then the offer with `count` photos. The entry number when accepted.
async fn donate(client: &reqwest::Client, url: &str, n: u32, files: &[&[u8]], tally: &Tally) -> Option<String> {
    let form = match client.get(format!("{url}/offer")).send().await {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(_) => {
            count(tally, "donor_connection_errors");
            return None;
        }
    };
    let token = token_of(&form);
    let title = format!("Offer from donor {n}");
    let fields = [
        ("csrf", token.as_str()),
        ("title", &title),
        ("description", "A white-red-white ribbon"),
        ("story", "Kept at home since 2020"),
        ("contact", "someone@example.org"),
        ("credit", "anonymous"),
    ];
    let (content_type, body) = multipart(&fields, files);
    let sent = client
        .post(format!("{url}/offer"))
        .header("content-type", content_type)
        .header("accept-language", "en")
        .body(body)
        .send()
        .await;
    let response = match sent {
        Ok(r) => r,
        Err(_) => {
            count(tally, "donor_connection_errors");
            return None;
        }
    };
    let status = response.status().as_u16();
    count(tally, format!("donor_status_{status}"));
    let page = response.text().await.unwrap_or_default();
    (status == 200).then(|| page.split("registered as entry ").nth(1)?.split('.').next().map(str::to_owned)).flatten()
}

/// Sets the calling thread's nice value (raising a priority needs root).
fn set_nice(nice: i32) {
    if rustix::process::getpriority_process(None).ok() != Some(nice)
        && let Err(err) = rustix::process::setpriority_process(None, nice)
    {
        eprintln!("load: cannot set this thread's nice value to {nice}: {err}");
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs `work` on a thread and runtime of its own: the readers are other people's browsers,
/// so the time they measure must not include waiting behind the attackers' tasks in this
/// process's runtime (they still share the machine's two cores with everything else).
fn apart<T: Send + 'static>(work: impl std::future::Future<Output = T> + Send + 'static) -> tokio::task::JoinHandle<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        set_nice(0);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let _ = done.send(runtime.block_on(work));
    });
    tokio::spawn(async move { result.await.expect("the readers' thread ended without a result") })
}

/// Catalogue readers at a steady rate until `stop`: latencies in ms.
async fn readers(url: String, stop: Arc<AtomicBool>, tally: Tally, prefix: &'static str) -> Vec<f64> {
    let client = client(9000);
    let paths: Vec<String> = {
        let mut paths =
            vec!["/".to_owned(), "/objects".to_owned(), "/objects?page=2".to_owned(), "/objects?q=flag".to_owned()];
        if let Ok(list) = client.get(format!("{url}/objects?lang=en")).send().await {
            let page = list.text().await.unwrap_or_default();
            let doc = scraper::Html::parse_document(&page);
            let links = scraper::Selector::parse("a[href^='/objects/']").unwrap();
            paths.extend(doc.select(&links).filter_map(|a| a.value().attr("href").map(str::to_owned)).take(20));
        }
        paths
    };
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let mut tick = tokio::time::interval(Duration::from_millis(25));
    let mut tasks = tokio::task::JoinSet::new();
    let mut i = 0usize;
    while !stop.load(Ordering::Relaxed) {
        tick.tick().await;
        let (client, url, path, latencies, tally) =
            (client.clone(), url.clone(), paths[i % paths.len()].clone(), latencies.clone(), tally.clone());
        i += 1;
        tasks.spawn(async move {
            let started = Instant::now();
            match client.get(format!("{url}{path}")).send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let _ = r.bytes().await;
                    latencies.lock().unwrap().push((started.elapsed().as_secs_f64() * 1000.0, path));
                    count(&tally, format!("{prefix}_status_{status}"));
                }
                Err(_) => count(&tally, format!("{prefix}_connection_errors")),
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let mut all = latencies.lock().unwrap().clone();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Which pages the slowest hundredth were: the tail by kind of page.
    let mut slowest: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, path) in &all[all.len() - all.len().div_ceil(100)..] {
        let kind = match path.as_str() {
            "/" => "home",
            p if p.contains("q=") => "search",
            p if p.starts_with("/objects/") => "object",
            _ => "list",
        };
        *slowest.entry(kind).or_default() += 1;
    }
    println!("{prefix}_slowest_hundredth={slowest:?}");
    all.into_iter().map(|(ms, _)| ms).collect()
}

/// One staff member: signs in, then creates, edits and publishes objects until `stop`.
async fn staff(url: String, n: u32, stop: Arc<AtomicBool>, tally: Tally) {
    let client = client(5000 + n);
    let password = std::env::var("BENCH_STAFF_PASSWORD").unwrap_or_default();
    let username = format!("staff{:02}", n + 1);
    // Each curator's one-time code, made by `load enrol`.
    let codes =
        std::env::var("BENCH_STAFF_CODES").map(|f| std::fs::read_to_string(f).unwrap_or_default()).unwrap_or_default();
    let code = codes.lines().find_map(|l| l.strip_prefix(&format!("{username} "))).unwrap_or_default().to_owned();
    let login = [("username", username.as_str()), ("password", password.as_str()), ("totp", code.as_str())];
    let Ok(signed) = client.post(format!("{url}/admin/login")).form(&login).send().await else {
        count(&tally, "staff_connection_errors");
        return;
    };
    count(&tally, format!("staff_login_{}", signed.status().as_u16()));
    let Some(cookie) = signed
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or("").to_owned())
    else {
        return;
    };
    let mut round = 0;
    while !stop.load(Ordering::Relaxed) {
        round += 1;
        let Ok(page) = client.get(format!("{url}/admin/objects/new")).header("cookie", &cookie).send().await else {
            count(&tally, "staff_connection_errors");
            continue;
        };
        let csrf = token_of(&page.text().await.unwrap_or_default());
        let title = format!("Poster {n}-{round}");
        let fields = [
            ("csrf", csrf.as_str()),
            ("object_type", "poster"),
            ("title_be", title.as_str()),
            ("title_en", title.as_str()),
            ("title_ru", title.as_str()),
        ];
        let created =
            client.post(format!("{url}/admin/objects/new")).header("cookie", &cookie).form(&fields).send().await;
        let Ok(created) = created else {
            count(&tally, "staff_connection_errors");
            continue;
        };
        count(&tally, format!("staff_status_{}", created.status().as_u16()));
        let Some(path) = created
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(|l| l.split('?').next().unwrap_or("").to_owned())
        else {
            continue;
        };
        let edited_title = format!("{title}, edited");
        let mut edit = fields.to_vec();
        edit[2] = ("title_be", edited_title.as_str());
        edit.push(("description_en", "Printed for the march of 16 August 2020"));
        for (target, form) in [(path.clone(), edit), (format!("{path}/publish"), vec![("csrf", csrf.as_str())])] {
            match client.post(format!("{url}{target}")).header("cookie", &cookie).form(&form).send().await {
                Ok(r) => count(&tally, format!("staff_status_{}", r.status().as_u16())),
                Err(_) => count(&tally, "staff_connection_errors"),
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Connections that send a request's headers one byte a second, reconnecting when cut off.
async fn slow_client(addr: SocketAddr, stop: Arc<AtomicBool>, tally: Tally, longest: Arc<AtomicU64>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
            count(&tally, "slow_connect_errors");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let opened = Instant::now();
        let head = b"GET / HTTP/1.1\r\nHost: museum\r\nX-Slow: ";
        let _ = stream.write_all(head).await;
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            if stream.write_all(b"a").await.is_err() {
                break;
            }
            let mut buf = [0u8; 1];
            if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await {
                break;
            }
        }
        count(&tally, "slow_cut_off");
        longest.fetch_max(opened.elapsed().as_secs(), Ordering::Relaxed);
    }
}

/// Requests with a 1 MiB header.
async fn huge_headers(url: String, stop: Arc<AtomicBool>, tally: Tally) {
    let client = client(7000);
    let big = "h".repeat(1 << 20);
    while !stop.load(Ordering::Relaxed) {
        match client.get(format!("{url}/")).header("x-huge", &big).send().await {
            Ok(r) => count(&tally, format!("huge_header_status_{}", r.status().as_u16())),
            Err(_) => count(&tally, "huge_header_connection_closed"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wrong passwords, for the admin and for made-up names, from several addresses.
async fn sign_in_flood(url: String, n: u32, stop: Arc<AtomicBool>, tally: Tally) {
    let client = client(7100 + n);
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let username = if i % 2 == 0 { "admin".to_owned() } else { format!("nobody{n}-{i}") };
        let form = [("username", username.as_str()), ("password", "not the password at all")];
        match client.post(format!("{url}/admin/login")).form(&form).send().await {
            Ok(r) => count(&tally, format!("sign_in_flood_status_{}", r.status().as_u16())),
            Err(_) => count(&tally, "sign_in_flood_connection_errors"),
        }
    }
}

/// Offers with no token, a forged one, and a photo attached.
async fn junk(url: String, n: u32, photo: Arc<Vec<u8>>, stop: Arc<AtomicBool>, tally: Tally) {
    let client = client(7200 + n);
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let token = if i % 2 == 0 { "" } else { "1.2.forged" };
        let (content_type, body) = multipart(&[("csrf", token), ("title", "junk")], &[photo.as_slice()]);
        match client.post(format!("{url}/offer")).header("content-type", content_type).body(body).send().await {
            Ok(r) => count(&tally, format!("junk_status_{}", r.status().as_u16())),
            Err(_) => count(&tally, "junk_connection_closed"),
        }
    }
}

async fn storm(url: String, rest_secs: u64, storm_secs: u64, donors: u32, staff_count: u32) {
    let tally: Tally = Arc::default();
    let addr: SocketAddr = url.trim_start_matches("http://").parse().unwrap();

    // At rest: readers alone.
    let stop = Arc::new(AtomicBool::new(false));
    let rest = apart(readers(url.clone(), stop.clone(), tally.clone(), "rest_reader"));
    tokio::time::sleep(Duration::from_secs(rest_secs)).await;
    stop.store(true, Ordering::Relaxed);
    let at_rest = rest.await.unwrap();

    // The storm.
    let photos: Vec<Arc<Vec<u8>>> = photos().into_iter().map(Arc::new).collect();
    println!("photo_sizes_kb={}", photos.iter().map(|p| (p.len() / 1024).to_string()).collect::<Vec<_>>().join("/"));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let reading = apart(readers(url.clone(), stop.clone(), tally.clone(), "storm_reader"));
    let mut background = tokio::task::JoinSet::new();
    for n in 0..staff_count {
        background.spawn(staff(url.clone(), n, stop.clone(), tally.clone()));
    }
    let longest_slow = Arc::new(AtomicU64::new(0));
    for _ in 0..200 {
        background.spawn(slow_client(addr, stop.clone(), tally.clone(), longest_slow.clone()));
    }
    background.spawn(huge_headers(url.clone(), stop.clone(), tally.clone()));
    for n in 0..8 {
        background.spawn(sign_in_flood(url.clone(), n, stop.clone(), tally.clone()));
    }
    for n in 0..4 {
        background.spawn(junk(url.clone(), n, photos[1].clone(), stop.clone(), tally.clone()));
    }
    let accepted = Arc::new(AtomicU64::new(0));
    let mut giving = tokio::task::JoinSet::new();
    for n in 0..donors {
        let (url, photos, tally, accepted) = (url.clone(), photos.clone(), tally.clone(), accepted.clone());
        giving.spawn(async move {
            let client = client(n);
            // A mix: one to three photos of the three sizes.
            let files: Vec<&[u8]> =
                (0..1 + n as usize % 3).map(|k| photos[(n as usize + k) % photos.len()].as_slice()).collect();
            if donate(&client, &url, n, &files, &tally).await.is_some() {
                accepted.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(storm_secs);
    while Instant::now() < deadline && !giving.is_empty() {
        let _ = tokio::time::timeout(Duration::from_secs(1), giving.join_next()).await;
    }
    let donors_done = giving.is_empty();
    giving.abort_all();
    stop.store(true, Ordering::Relaxed);
    let in_storm = reading.await.unwrap();
    let storm_elapsed = started.elapsed().as_secs_f64();
    let _ = tokio::time::timeout(Duration::from_secs(30), background.join_all()).await;

    println!("rest_requests={}", at_rest.len());
    println!("rest_p50_ms={:.2}", percentile(&at_rest, 0.50));
    println!("rest_p99_ms={:.2}", percentile(&at_rest, 0.99));
    println!("storm_requests={}", in_storm.len());
    println!("storm_p50_ms={:.2}", percentile(&in_storm, 0.50));
    println!("storm_p99_ms={:.2}", percentile(&in_storm, 0.99));
    println!("storm_seconds={storm_elapsed:.1}");
    println!("donors_all_answered={donors_done}");
    println!("offers_accepted={}", accepted.load(Ordering::Relaxed));
    println!("slow_longest_open_s={}", longest_slow.load(Ordering::Relaxed));
    let tally = tally.lock().unwrap();
    let server_errors: u64 = tally.iter().filter(|(k, _)| k.contains("status_5")).map(|(_, v)| v).sum();
    println!("server_errors_5xx={server_errors}");
    for (key, value) in tally.iter() {
        println!("{key}={value}");
    }
}

async fn kill(url: String, pid: u32, after: usize, answered_file: String, donors: u32) {
    let tally: Tally = Arc::default();
    let photos: Vec<Arc<Vec<u8>>> = photos().into_iter().map(Arc::new).collect();
    let answered = Arc::new(Mutex::new(Vec::<(String, usize)>::new()));
    let mut giving = tokio::task::JoinSet::new();
    for n in 0..donors {
        let (url, photos, tally, answered) = (url.clone(), photos.clone(), tally.clone(), answered.clone());
        giving.spawn(async move {
            let client = client(n);
            let files: Vec<&[u8]> =
                (0..1 + n as usize % 3).map(|k| photos[(n as usize + k) % photos.len()].as_slice()).collect();
            if let Some(entry) = donate(&client, &url, n, &files, &tally).await {
                answered.lock().unwrap().push((entry, files.len()));
            }
        });
    }
    let started = Instant::now();
    while answered.lock().unwrap().len() < after && started.elapsed() < Duration::from_secs(600) && !giving.is_empty() {
        let _ = tokio::time::timeout(Duration::from_millis(5), giving.join_next()).await;
    }
    let status = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(status.success(), "kill -9");
    let at_kill = answered.lock().unwrap().len();
    // Answers that were already on their way still count: the donor saw them.
    let _ = tokio::time::timeout(Duration::from_secs(30), giving.join_all()).await;
    let answered = answered.lock().unwrap().clone();
    let lines: Vec<String> = answered.iter().map(|(entry, photos)| format!("{entry} {photos}")).collect();
    std::fs::write(&answered_file, lines.join("\n") + "\n").unwrap();
    println!("kill_answered_before_kill={at_kill}");
    println!("kill_answered_total={}", answered.len());
    for (key, value) in tally.lock().unwrap().iter() {
        println!("kill_{key}={value}");
    }
}

async fn verify(data: String, uploads: String, answered_file: String) {
    let data = std::path::Path::new(&data);
    let main = zbor::db::open(&data.join("zbor.sqlite"), 1).await.unwrap();
    let contacts = zbor::db::open(&data.join("contacts.sqlite"), 1).await.unwrap();
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(&uploads)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.display().to_string());
            }
        }
    }
    let (mut whole, mut broken) = (0, Vec::new());
    for line in std::fs::read_to_string(&answered_file).unwrap().lines().filter(|l| !l.is_empty()) {
        let (entry, photos) = line.split_once(' ').unwrap();
        let photos: usize = photos.parse().unwrap();
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM offers WHERE entry_number = ?")
            .bind(entry)
            .fetch_optional(&main)
            .await
            .unwrap();
        let Some(id) = id else {
            broken.push(format!("{entry}: no row"));
            continue;
        };
        // A waiting offer's photos are held in the database (master and preview); an accepted
        // one's are files.
        let hashes: Vec<(String, bool)> = sqlx::query_as(
            "SELECT hash, master IS NOT NULL AND preview IS NOT NULL FROM offer_photos WHERE offer_id = ?",
        )
        .bind(&id)
        .fetch_all(&main)
        .await
        .unwrap();
        let on_disk = hashes
            .iter()
            .all(|(h, held)| *held || files.iter().any(|f| f.contains(h.as_str()) && f.contains("master.")));
        let sealed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sealed_records WHERE offer_ref = ?")
            .bind(&id)
            .fetch_one(&contacts)
            .await
            .unwrap();
        if hashes.len() == photos && on_disk && sealed == 1 {
            whole += 1;
        } else {
            broken.push(format!("{entry}: {} of {photos} photos, on disk {on_disk}, sealed {sealed}", hashes.len()));
        }
    }
    let half_written = files.iter().filter(|f| f.contains(".zbor-tmp")).count();
    println!("verify_whole={whole}");
    println!("verify_broken={}", broken.len());
    println!("verify_half_written_files={half_written}");
    for b in &broken {
        println!("verify_broken_offer={b}");
    }
    main.close().await;
    contacts.close().await;
}

/// Enrols `staff01`…`staffNN` of the data folder `data` with a second factor (curators read
/// offers, so they need one) and prints one one-time code per account, `name code` a line, for
/// the storm's sign-ins (in `BENCH_STAFF_CODES`).
async fn enrol(data: String, staff: u32) {
    let pool = zbor::db::open(&std::path::Path::new(&data).join("zbor.sqlite"), 1).await.unwrap();
    for n in 0..staff {
        let name = format!("staff{:02}", n + 1);
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE username = ?").bind(&name).fetch_one(&pool).await.unwrap();
        let secret = zbor::auth::totp::pending_secret(&pool, id).await.unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let code = zbor::auth::totp::totp(&secret, &name).unwrap().generate(now).to_string();
        let codes = zbor::auth::totp::confirm(&pool, id, &name, &code).await.unwrap().unwrap();
        println!("{name} {}", codes[0]);
    }
    pool.close().await;
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let nice: i32 = std::env::var("BENCH_GENERATOR_NICE").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_start(move || set_nice(nice))
        .enable_all()
        .build()
        .unwrap();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_else(|| panic!("argument {i} missing; see the doc comment"));
    match args.first().map(String::as_str) {
        Some("storm") => runtime.block_on(storm(
            arg(1),
            arg(2).parse().unwrap(),
            arg(3).parse().unwrap(),
            arg(4).parse().unwrap(),
            arg(5).parse().unwrap(),
        )),
        Some("kill") => runtime.block_on(kill(
            arg(1),
            arg(2).parse().unwrap(),
            arg(3).parse().unwrap(),
            arg(4),
            arg(5).parse().unwrap(),
        )),
        Some("verify") => runtime.block_on(verify(arg(1), arg(2), arg(3))),
        Some("enrol") => runtime.block_on(enrol(arg(1), arg(2).parse().unwrap())),
        _ => {
            eprintln!(
                "usage: load storm URL REST_SECS STORM_SECS DONORS STAFF | load kill URL PID AFTER FILE DONORS | load verify DATA UPLOADS FILE | load enrol DATA STAFF"
            );
            std::process::exit(2);
        }
    }
}
