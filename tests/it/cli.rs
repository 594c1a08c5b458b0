//! The `zbor` binary itself: help, init, serve's refusals, and the demo.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Running, Server};

fn zbor() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zbor"));
    cmd.env_remove("ZBOR_DATA_DIR").env_remove("ZBOR_UPLOADS_DIR").env("RUST_LOG", "warn");
    cmd
}

#[test]
fn help_documents_every_command() {
    let out = zbor().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let commands = [
        "demo",
        "init",
        "serve",
        "user",
        "backup",
        "restore",
        "export-site",
        "sign-site",
        "verify-site",
        "export-csv",
        "import-csv",
    ];
    for command in commands.into_iter().chain(["--data-dir", "--uploads-dir"]) {
        assert!(help.contains(command), "--help lacks {command}:\n{help}");
    }
    // The folders' defaults as each command has them: the demo's are a temp folder, not `data`.
    let demo = String::from_utf8(zbor().args(["demo", "--help"]).output().unwrap().stdout).unwrap();
    assert!(demo.contains("for demo, a new folder in the system's temp folder"), "{demo}");
    assert!(!demo.contains("[default: data]") && !demo.contains("[default: uploads]"), "{demo}");
    let keys = String::from_utf8(zbor().args(["keys", "--help"]).output().unwrap().stdout).unwrap();
    assert!(keys.contains("new-signing"), "{keys}");
    let user = String::from_utf8(zbor().args(["user", "add", "--help"]).output().unwrap().stdout).unwrap();
    assert!(user.contains("admin") && user.contains("keyholder") && user.contains("volunteer"), "{user}");
}

#[test]
fn init_creates_the_data_dir_and_serve_refuses_without_valid_recipients() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let uploads = dir.path().join("uploads");
    let key = age::x25519::Identity::generate().to_public().to_string();

    // `zbor serve` must refuse to start, saying why.
    let serve_refuses = |why: &str| {
        let out = zbor()
            .arg("--data-dir")
            .arg(&data)
            .arg("--uploads-dir")
            .arg(&uploads)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(why), "{stderr}");
    };

    // Before init there is no recipients file.
    serve_refuses("recipients");

    let out = zbor()
        .arg("--data-dir")
        .arg(&data)
        .arg("--uploads-dir")
        .arg(&uploads)
        .args(["init", "--admin-user", "olga", "--recipient", &key])
        .env("ZBOR_ADMIN_PASSWORD", "a long enough password")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in ["zbor.sqlite", "contacts.sqlite", "recipients.txt"] {
        assert!(data.join(file).exists(), "{file}");
    }
    let recipients = std::fs::read_to_string(data.join("recipients.txt")).unwrap();
    assert!(recipients.contains(&key));

    // A second init refuses and changes nothing.
    let again = zbor()
        .arg("--data-dir")
        .arg(&data)
        .args(["init", "--admin-user", "x", "--recipient", &key])
        .env("ZBOR_ADMIN_PASSWORD", "a long enough password")
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert_eq!(std::fs::read_to_string(data.join("recipients.txt")).unwrap(), recipients);

    // user add without a terminal or password variable explains itself.
    let out = zbor()
        .arg("--data-dir")
        .arg(&data)
        .args(["user", "add", "ales", "--role", "curator"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ZBOR_USER_PASSWORD"));
    let out = zbor()
        .arg("--data-dir")
        .arg(&data)
        .args(["user", "add", "ales", "--role", "curator"])
        .env("ZBOR_USER_PASSWORD", "another long password")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A secret key in the recipients file stops the server from starting.
    let secret = {
        use age::secrecy::ExposeSecret;
        age::x25519::Identity::generate().to_string().expose_secret().to_owned()
    };
    std::fs::write(data.join("recipients.txt"), format!("{key}\n{secret}\n")).unwrap();
    serve_refuses("SECRET");
    std::fs::write(data.join("recipients.txt"), "age1notakeyatall\n").unwrap();
    serve_refuses("not an age public key");
    std::fs::write(data.join("recipients.txt"), "# nobody\n").unwrap();
    serve_refuses("no recipients");
}

#[test]
fn demo_starts_a_real_collection_and_answers_healthz() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo").join("data");
    let child = zbor()
        .arg("--data-dir")
        .arg(&data)
        .args(["demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Running(child);
    let stdout = child.0.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let started = Instant::now();
    let mut url = None;
    let mut published = 0;
    let mut receipt = String::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(code) = line.trim().strip_prefix("a donor's receipt: ") {
            receipt = code.split_whitespace().next().unwrap().to_owned();
        }
        if let Some(n) = line.strip_prefix("Demo collection: ") {
            published = n.split_whitespace().next().unwrap().parse().unwrap();
        }
        if let Some(u) = line.trim().strip_prefix("open:") {
            url = Some(u.trim().trim_end_matches('/').to_owned());
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "demo took too long");
    }
    let url = url.expect("demo printed its URL");
    assert!(published >= 40, "{published} published objects");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let health = client.get(format!("{url}/healthz")).send().await.unwrap();
        assert_eq!(health.text().await.unwrap(), "ok");
        let home = client.get(format!("{url}/?lang=en")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("Cat, from the series “Cats”"), "the museum's own example leads the recent acquisitions");
        // The example's page tells its whole public story.
        let doc = scraper::Html::parse_document(&home);
        let sel = scraper::Selector::parse(".card a").unwrap();
        let first = doc.select(&sel).next().unwrap().value().attr("href").unwrap().to_owned();
        let page = client.get(format!("{url}{first}")).send().await.unwrap().text().await.unwrap();
        for expected in [
            "Olga Yakubovskaya",
            "Christmas charity auction of the Belarusian Council of Culture",
            "On deposit from Ivan",
            "Deposited for safekeeping",
            "Lot 12",
        ] {
            assert!(page.contains(expected), "{expected} missing from the example's page");
        }
        // The demo's offers wait for review; the printed receipt shows the curators' reply.
        let status = client.get(format!("{url}/offer/status?lang=en")).send().await.unwrap().text().await.unwrap();
        let sel = scraper::Selector::parse("input[name=csrf]").unwrap();
        let token = scraper::Html::parse_document(&status)
            .select(&sel)
            .next()
            .unwrap()
            .value()
            .attr("value")
            .unwrap()
            .to_owned();
        let answer = client
            .post(format!("{url}/offer/status?lang=en"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string([("csrf", token.as_str()), ("receipt", receipt.as_str())]).unwrap())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(answer.contains("Could you tell us the size of the poster?"), "{answer}");
        let img = scraper::Selector::parse(".object-images img").unwrap();
        let src =
            scraper::Html::parse_document(&page).select(&img).next().unwrap().value().attr("src").unwrap().to_owned();
        let image = client.get(format!("{url}{src}")).send().await.unwrap();
        assert_eq!(image.headers()["content-type"], "image/jpeg");
        let bytes = image.bytes().await.unwrap();
        assert!(image::load_from_memory(&bytes).is_ok(), "a real JPEG");
    });

    // The only private key the demo made lives outside the data dir, labelled as demo-only.
    let identity = dir.path().join("demo").join("DEMO-ONLY-keyholder-identity.txt");
    let text = std::fs::read_to_string(&identity).unwrap();
    assert!(text.contains("DEMO ONLY") && text.contains("AGE-SECRET-KEY-"));
    for entry in walk(&data) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!contains(&bytes, b"AGE-SECRET-KEY-"), "secret key in {}", entry.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_derivative_job_cut_short_by_a_killed_server_completes_after_restart() {
    use zbor::collection::Text3;
    use zbor::collection::objects::{self, NewObject};
    let dir = tempfile::tempdir().unwrap();
    let config = zbor::config::Config::new(dir.path().join("data"), dir.path().join("uploads"));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();

    // A large photo waits for its derivatives.
    let (media_id, hash) = runtime.block_on(async {
        let state = zbor::app::AppState::open(&config).await.unwrap();
        let mut conn = state.db.main.acquire().await.unwrap();
        let id = objects::create_object(&mut conn, &NewObject::new("photograph", Text3::same("Big")), 2025)
            .await
            .unwrap()
            .id;
        drop(conn);
        let img = image::RgbImage::from_fn(8000, 6000, |x, y| {
            image::Rgb([(x / 31) as u8, (y / 23) as u8, ((x ^ y) & 0xff) as u8])
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
        let media = zbor::media::NewMedia { alt: Text3::same("big"), caption: Text3::default(), is_public: true };
        let media_id = state.media.ingest(&state.db.main, id, jpeg, &media).await.unwrap();
        let hash: String = sqlx::query_scalar("SELECT hash FROM media WHERE id = ?")
            .bind(media_id)
            .fetch_one(&state.db.main)
            .await
            .unwrap();
        state.db.close().await;
        (media_id, hash)
    });
    let key = age::x25519::Identity::generate().to_public().to_string();
    zbor::donors::recipients::Recipients::write(&config.recipients_path(), &[key]).unwrap();

    let pool = runtime.block_on(zbor::db::open(&config.main_db_path(), 1)).unwrap();
    let job_state = || -> String {
        runtime.block_on(sqlx::query_scalar::<_, String>("SELECT state FROM jobs").fetch_one(&pool)).unwrap()
    };
    // Not `Server::spawn`: the job must be caught running, without first waiting for the address.
    let serve = || {
        Server::command(&config.data_dir, &config.uploads_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap()
    };

    // Kill the server (SIGKILL, no chance to clean up) while the job runs.
    let mut first = Running(serve());
    let started = Instant::now();
    loop {
        let state = job_state();
        if state == "running" {
            break;
        }
        assert_eq!(state, "queued", "the job finished before it could be interrupted");
        assert!(first.0.try_wait().unwrap().is_none(), "zbor serve exited");
        assert!(started.elapsed() < Duration::from_secs(60), "the worker never took the job");
        std::thread::sleep(Duration::from_millis(2));
    }
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    assert_eq!(job_state(), "running", "the job was cut short");
    // What a crash in the middle of a write leaves behind.
    let dir_of_hash = config.uploads_dir.join(&hash[..2]).join(&hash);
    std::fs::write(dir_of_hash.join("1200.jpg.zbor-tmp4242"), b"half a file").unwrap();

    let _second = Running(serve());
    let started = Instant::now();
    while job_state() != "done" {
        assert!(started.elapsed() < Duration::from_secs(120), "the job did not complete after restart");
        std::thread::sleep(Duration::from_millis(50));
    }
    let media_state: String = runtime
        .block_on(sqlx::query_scalar("SELECT state FROM media WHERE id = ?").bind(media_id).fetch_one(&pool))
        .unwrap();
    assert_eq!(media_state, "ready");
    let names: Vec<String> =
        walk(&config.uploads_dir).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.contains("tmp")), "temporary files left: {names:?}");
    let mut expected = vec!["1200.jpg", "2400.jpg", "400.jpg", "master.jpg"];
    let mut got: Vec<&str> = names.iter().map(String::as_str).filter(|n| !n.ends_with(".webp")).collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}

#[test]
fn media_rebuild_regenerates_every_derivative() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = zbor().arg("--data-dir").arg(&data).args(["demo", "--objects", "12", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let uploads = data.join("uploads");
    let derivatives: Vec<_> = walk(&uploads).into_iter().filter(|p| p.file_name().unwrap() == "400.jpg").collect();
    assert!(!derivatives.is_empty());
    for path in &derivatives {
        std::fs::remove_file(path).unwrap();
    }
    let out = zbor()
        .arg("--data-dir")
        .arg(&data)
        .arg("--uploads-dir")
        .arg(&uploads)
        .args(["media", "rebuild"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for path in &derivatives {
        assert!(image::open(path).is_ok(), "{} rebuilt", path.display());
    }
}

#[test]
fn a_table_goes_out_and_back_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = zbor().arg("--data-dir").arg(&data).args(["demo", "--objects", "12", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv_path = dir.path().join("objects.csv");
    let run = |args: &[&str]| zbor().arg("--data-dir").arg(&data).args(args).output().unwrap();
    let out = run(&["export-csv", "--out", csv_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&csv_path).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(!run(&["export-csv", "--out", csv_path.to_str().unwrap()]).status.success(), "never overwrites");
    let table = std::fs::read_to_string(&csv_path).unwrap();
    let first_entry = table.lines().nth(1).unwrap().split(',').next().unwrap().to_owned();

    // Unchanged: a no-op. One cell edited: named by the dry run, written by the import.
    let out = run(&["import-csv", csv_path.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 object(s) changed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let edited = dir.path().join("edited.csv");
    std::fs::write(&edited, format!("entry_number,title_en\n{first_entry},Edited by the registrar\n")).unwrap();
    let out = run(&["import-csv", edited.to_str().unwrap(), "--dry-run"]);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success() && said.contains("line 2") && said.contains("title_en"), "{said}");
    let again = dir.path().join("again.csv");
    assert!(run(&["export-csv", "--out", again.to_str().unwrap()]).status.success());
    assert_eq!(std::fs::read_to_string(&again).unwrap(), table, "a dry run writes nothing");
    assert!(run(&["import-csv", edited.to_str().unwrap()]).status.success());
    let after = dir.path().join("after.csv");
    assert!(run(&["export-csv", "--out", after.to_str().unwrap()]).status.success());
    assert!(std::fs::read_to_string(&after).unwrap().contains("Edited by the registrar"));

    // A bad row: the command fails, names the line, and writes nothing.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, format!("entry_number,title_en,parts\n{first_entry},Changed,1\nNO-SUCH,X,1\n")).unwrap();
    let out = run(&["import-csv", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("line 3"), "{said}");
    // In words, not the message's key.
    assert!(!said.contains("csv-error") && !said.contains("edit-error"), "{said}");
    let last = dir.path().join("last.csv");
    assert!(run(&["export-csv", "--out", last.to_str().unwrap()]).status.success());
    assert_eq!(std::fs::read_to_string(&last).unwrap(), std::fs::read_to_string(&after).unwrap());
}

/// A mistyped data folder is refused by every command that works on a collection, instead of
/// getting a new, empty one ("the audit log is intact: 0 entries").
#[test]
fn commands_on_a_collection_refuse_a_folder_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("dtaa");
    for args in [
        vec!["audit", "verify"],
        vec!["user", "add", "olga", "--role", "curator"],
        vec!["export-csv"],
        vec!["offers", "purge"],
        vec!["media", "rebuild"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_zbor"))
            .arg("--data-dir")
            .arg(&missing)
            .args(&args)
            .env("ZBOR_USER_PASSWORD", "a long enough password")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("there is no collection in"), "{args:?}: {said}");
        assert!(!missing.join("zbor.sqlite").exists(), "{args:?} made a collection");
    }
}

/// A dry run changes nothing, not even the schema's version: a collection an older zbor made
/// is refused, and left as it was.
#[tokio::test]
async fn a_dry_run_does_not_migrate_an_older_collection() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = zbor::config::Config::new(data.clone(), dir.path().join("uploads"));
    let db = zbor::db::Databases::open(&config).await.unwrap();
    // As if the newest migration had not been run yet.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .execute(&db.main)
        .await
        .unwrap();
    let applied = async || -> i64 {
        let pool = zbor::db::open(&config.main_db_path(), 1).await.unwrap();
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    };
    db.close().await;
    let before = applied().await;
    let table = dir.path().join("t.csv");
    std::fs::write(&table, "entry_number,title_en\n").unwrap();
    let out = zbor().arg("--data-dir").arg(&data).arg("import-csv").arg(&table).arg("--dry-run").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("older zbor"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(applied().await, before, "the schema was not upgraded");
}

/// A reader that goes away first (`zbor audit verify | head -0`) does not turn a finished
/// command into a panic and a backtrace.
#[tokio::test]
async fn a_closed_output_pipe_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = zbor::config::Config::new(data.clone(), dir.path().join("uploads"));
    zbor::db::Databases::open(&config).await.unwrap().close().await;
    let mut child = zbor()
        .arg("--data-dir")
        .arg(&data)
        .args(["audit", "verify"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before anything is printed
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}
