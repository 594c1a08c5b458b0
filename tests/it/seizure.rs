//! What a seized disk or a shared cache could keep: file modes, staff pages in caches, the
//! session cookie over https.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use axum::http::StatusCode;
use zbor::auth::Role;

use crate::helpers::TestApp;

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
    zbor::auth::create_user(&app.state.db.main, "vera", password.to_owned().into(), Role::Volunteer).await.unwrap();
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
