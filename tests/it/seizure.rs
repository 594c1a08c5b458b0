//! What a seized disk or a shared cache could keep: file modes, staff pages in caches, the
//! session cookie over https.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use axum::http::StatusCode;
use zbor::auth::Role;

use crate::helpers::{Server, TestApp};

fn zbor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zbor"))
}

/// Every path under `dir`, `dir` included.
fn all_paths(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    if dir.is_dir() {
        for entry in std::fs::read_dir(dir).unwrap() {
            out.extend(all_paths(&entry.unwrap().path()));
        }
    }
    out
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_makes_everything_owner_only_and_serve_refuses_a_folder_others_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let (data, uploads) = (dir.path().join("data"), dir.path().join("uploads"));
    let key = age::x25519::Identity::generate().to_public().to_string();
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
    let paths: Vec<_> = all_paths(&data).into_iter().chain(all_paths(&uploads)).collect();
    assert!(paths.iter().any(|p| p.ends_with("zbor.sqlite")) && paths.iter().any(|p| p.ends_with("recipients.txt")));
    for path in &paths {
        let expected = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(path), expected, "{}", path.display());
    }

    // Loosened by hand (a careless copy, a backup restored with the wrong umask): refused,
    // with the fix in the message, before anything is served.
    for (loose, mode) in [(data.clone(), 0o755), (data.join("zbor.sqlite"), 0o644), (uploads.clone(), 0o750)] {
        let before = std::fs::metadata(&loose).unwrap().permissions();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = zbor()
            .arg("--data-dir")
            .arg(&data)
            .arg("--uploads-dir")
            .arg(&uploads)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{} at {mode:o} is refused", loose.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("chmod -R go=") && stderr.contains(&loose.display().to_string()), "{stderr}");
        std::fs::set_permissions(&loose, before).unwrap();
    }
}

#[tokio::test]
async fn no_staff_or_status_answer_may_be_kept_by_a_cache() {
    let (app, _) = TestApp::with_keyholder().await;
    let admin = app.staff_cookie("root", Role::Admin).await;
    let keyholder = app.staff_cookie("kira", Role::Keyholder).await;
    let volunteer = app.staff_cookie("vera", Role::Volunteer).await;
    let fixture = crate::helpers::seed(&app).await;
    // Every page of the panel, as each kind of account sees it (allowed, refused or
    // redirected alike), the sign-in page, a missing page, and the donor's status page.
    let id = fixture.draft_id;
    let pages = [
        "/admin".to_owned(),
        "/admin/login".to_owned(),
        "/admin/objects".to_owned(),
        "/admin/objects/new".to_owned(),
        format!("/admin/objects/{id}"),
        format!("/admin/objects/{id}/preview"),
        "/admin/offers".to_owned(),
        "/admin/offers?state=declined".to_owned(),
        "/admin/totp".to_owned(),
        "/admin/account".to_owned(),
        "/admin/users".to_owned(),
        "/admin/audit".to_owned(),
        "/admin/authorities/makers".to_owned(),
        "/admin/locations".to_owned(),
        "/admin/no-such-page".to_owned(),
        "/offer/status".to_owned(),
    ];
    for page in &pages {
        for cookie in [None, Some(&admin), Some(&keyholder), Some(&volunteer)] {
            let headers: Vec<(&str, &str)> = cookie.map(|c| vec![("cookie", c.as_str())]).unwrap_or_default();
            let resp = app.get_with(page, &headers).await;
            assert!(
                resp.header("cache-control").contains("no-store"),
                "{page} ({}): {}",
                resp.status,
                resp.header("cache-control")
            );
        }
    }
    // A refused form, and a sign-in that failed.
    let refused = app.post_form("/admin/objects/new", &admin, &[("csrf", "forged")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.header("cache-control").contains("no-store"));
    let failed = app.post_form("/admin/login", "", &[("username", "root"), ("password", "wrong")]).await;
    assert!(failed.header("cache-control").contains("no-store"));
    // Public pages stay cacheable as before.
    assert!(!app.get("/").await.header("cache-control").contains("no-store"));
    assert!(app.get("/").await.header("strict-transport-security").is_empty(), "no HSTS over plain http");
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_only_and_secure_and_hsts_is_sent() {
    let (app, _) = TestApp::with_keyholder_and(|config| {
        config.public_url = Some("https://museum.example".to_owned());
    })
    .await;
    let password = "a long enough password";
    zbor::auth::create_user(&app.state.db.main, &"vera".parse().unwrap(), password.to_owned().into(), Role::Volunteer)
        .await
        .unwrap();
    let resp = app.post_form("/admin/login", "", &[("username", "vera"), ("password", password)]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let set = resp.header("set-cookie").to_owned();
    assert!(set.starts_with("__Host-zbor_session="), "{set}");
    assert!(set.contains("; Path=/;") && set.contains("Secure") && set.contains("HttpOnly"), "{set}");
    assert!(!set.contains("Domain"), "{set}");
    let cookie = set.split(';').next().unwrap();
    assert_eq!(app.get_with("/admin", &[("cookie", cookie)]).await.status, StatusCode::OK);
    // The plain name is not a session over https.
    let plain = cookie.replacen("__Host-", "", 1);
    assert_eq!(app.get_with("/admin", &[("cookie", &plain)]).await.status, StatusCode::SEE_OTHER);
    assert!(app.get("/").await.header("strict-transport-security").starts_with("max-age="));
}

/// Seconds since the epoch of a path's change time and, where the filesystem keeps one, its
/// birth time.
fn change_and_birth(path: &Path) -> (i64, Option<i64>) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path).unwrap();
    let birth = meta.created().ok().map(|t| t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64);
    (meta.ctime(), birth)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Every regular file the process holds open on a disk, with its bytes.
fn open_disk_files(pid: u32) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().flatten() {
        let Ok(target) = std::fs::read_link(entry.path()) else { continue };
        let target = target.display().to_string();
        // Sockets, pipes, anonymous inodes and memory files are not on a disk.
        if !target.starts_with('/') || target.starts_with("/memfd:") || target.starts_with("/dev/") {
            continue;
        }
        if let Ok(bytes) = std::fs::read(entry.path()) {
            out.push((target, bytes));
        }
    }
    out
}

#[test]
fn a_seized_disk_holds_no_time_no_name_and_no_original_photo_of_an_offer() {
    use std::io::{Read, Write};
    use std::time::Duration;

    use crate::media::{MARKERS, contains, files_under, hostile_jpeg};

    let dir = tempfile::tempdir().unwrap();
    let (data, uploads, tmp) = (dir.path().join("data"), dir.path().join("uploads"), dir.path().join("tmp"));
    std::fs::create_dir(&tmp).unwrap();
    let identity = age::x25519::Identity::generate();
    let init = zbor()
        .arg("--data-dir")
        .arg(&data)
        .arg("--uploads-dir")
        .arg(&uploads)
        .args(["init", "--admin-user", "olga", "--recipient", &identity.to_public().to_string()])
        .env("ZBOR_ADMIN_PASSWORD", "a long enough password")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let mut server = Server::spawn(
        Server::command(&data, &uploads)
            // The temporary folder on a disk, as on a careless host.
            .env("TMPDIR", &tmp)
            .env("RUST_LOG", "debug"),
        &dir.path().join("stdout.log"),
        &dir.path().join("stderr.log"),
    );
    let addr = server.url.strip_prefix("http://").expect("zbor serves plain http").to_owned();
    // Let the start's own file changes (journals opened) settle into an earlier second.
    std::thread::sleep(Duration::from_millis(1100));

    // The form's token, as a browser would fetch it.
    let mut get = std::net::TcpStream::connect(&addr).unwrap();
    write!(get, "GET /offer HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut page = String::new();
    get.read_to_string(&mut page).unwrap();
    let token = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();

    let canaries = ["STORY-CANARY-7", "CONTACT-CANARY-7", "NAME-CANARY-7", "DESCRIPTION-CANARY-7", "MAKER-CANARY-7"];
    let fields = [
        ("csrf", token.as_str()),
        ("title", "A flag from a courtyard"),
        ("description", canaries[3]),
        ("maker", canaries[4]),
        ("story", canaries[0]),
        ("contact", canaries[1]),
        ("credit", "name"),
        ("credit_name", canaries[2]),
    ];
    let (content_type, body) = crate::helpers::multipart(&fields, &[("photo-of-my-home.jpg", &hostile_jpeg())]);
    let window_start = now_secs();
    let mut post = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        post,
        "POST /offer HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    // All but the last bytes: the photo, with its GPS position and serial number, has arrived.
    post.write_all(&body[..body.len() - 8]).unwrap();
    post.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    for (path, bytes) in open_disk_files(server.id()) {
        for marker in MARKERS.iter().chain(&canaries) {
            assert!(!contains(&bytes, marker.as_bytes()), "{marker} in {path}, open while the photo arrives");
        }
    }
    post.write_all(&body[body.len() - 8..]).unwrap();
    let mut answer = String::new();
    post.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", answer.lines().next().unwrap_or_default());
    // Time for any work that follows an offer (jobs, checkpoints).
    std::thread::sleep(Duration::from_secs(3));
    let window_end = now_secs();
    std::thread::sleep(Duration::from_millis(1100));
    let stop = Command::new("kill").arg("-TERM").arg(server.id().to_string()).status().unwrap();
    assert!(stop.success());
    assert!(server.process.0.wait().unwrap().success(), "zbor serve stops cleanly");

    // Every byte of every folder: no canary, no metadata of the photo.
    for folder in [&data, &uploads, &tmp] {
        for file in files_under(folder) {
            let bytes = std::fs::read(&file).unwrap();
            for marker in MARKERS.iter().chain(&canaries[..3]) {
                assert!(!contains(&bytes, marker.as_bytes()), "{marker} in {}", file.display());
            }
        }
    }
    // No file or folder but the databases' own changed while the offer arrived.
    let databases = ["zbor.sqlite", "contacts.sqlite"];
    for folder in [&data, &uploads, &tmp] {
        for path in all_paths(folder) {
            let name = path.file_name().unwrap().to_str().unwrap();
            if databases.iter().any(|db| name.starts_with(db)) {
                continue;
            }
            let (changed, born) = change_and_birth(&path);
            for (what, time) in [("changed", Some(changed)), ("born", born)] {
                let Some(time) = time else { continue };
                assert!(
                    !(window_start..=window_end).contains(&time),
                    "{} was {what} while the offer arrived ({time} in {window_start}..={window_end})",
                    path.display()
                );
            }
        }
    }
    // Owner-only, everything.
    for path in all_paths(&data).into_iter().chain(all_paths(&uploads)) {
        let expected = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), expected, "{}", path.display());
    }

    // Decline, then purge past the retention period: the description and maker the offer
    // still held go, from the database file and its journal, and the sealed record too.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let config = zbor::config::Config::new(data.clone(), uploads.clone());
        let state = zbor::app::AppState::open(&config).await.unwrap();
        let id: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&state.db.main).await.unwrap();
        let curator = zbor::collection::command::Actor::staff("olga", Role::Admin);
        state.run(curator.clone(), zbor::donors::offers::Decline { offer: id.clone() }).await.unwrap();
        zbor::donors::offers::forget_journals(&state.db.writer, &state.vault).await.unwrap();
        for file in files_under(&data) {
            let bytes = std::fs::read(&file).unwrap();
            for canary in &canaries[3..] {
                assert!(!contains(&bytes, canary.as_bytes()), "{canary} in {} after the decline", file.display());
            }
        }
        assert_eq!(state.vault.count().await.unwrap(), 1, "the sealed record stays until the retention ends");
        let later = chrono::Utc::now().date_naive() + chrono::Days::new(200);
        let purged = zbor::donors::offers::purge(&state.db.writer, &state.vault, curator, 180, later).await.unwrap();
        assert_eq!(purged, zbor::donors::offers::Purged { offers: 1, records: 1 });
        assert_eq!(state.vault.count().await.unwrap(), 0);
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offers").fetch_one(&state.db.main).await.unwrap();
        assert_eq!(left, 0);
        let title = "A flag from a courtyard";
        for file in files_under(&data) {
            let bytes = std::fs::read(&file).unwrap();
            assert!(!contains(&bytes, title.as_bytes()), "the purged offer's title in {}", file.display());
        }
        state.db.close().await;
        state.vault.close().await;
    });
}
