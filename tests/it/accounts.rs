//! Staff accounts in the panel: one's own password, the admins' account management and audit
//! view, and throttling per client that slows an attacker without locking staff out.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};

use crate::helpers::TestApp;
use zbor::auth::Role;

fn login_request(username: &str, password: &str, peer: [u8; 4]) -> Request<Body> {
    let body = serde_urlencoded::to_string([("username", username), ("password", password)]).unwrap();
    let mut request = Request::post("/admin/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((peer, 50000))));
    request
}

fn login_with_code(username: &str, password: &str, code: &str) -> Request<Body> {
    let body = serde_urlencoded::to_string([("username", username), ("password", password), ("totp", code)]).unwrap();
    Request::post("/admin/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    app.get_with("/admin", &[("cookie", cookie)]).await.status == StatusCode::OK
}

#[tokio::test]
async fn changing_a_password_ends_every_session_of_the_user() {
    let app = TestApp::new().await;
    // Volunteers sign in with a password alone, so a second session is one request away.
    let first = app.staff_cookie("ales", Role::Volunteer).await;
    let resp = app.send(login_request("ales", "a long enough password", [10, 0, 0, 1])).await;
    let second = resp.header("set-cookie").split(';').next().unwrap().to_owned();
    let other = app.staff_cookie("olga", Role::Volunteer).await;
    let csrf = app.token("/admin/account", Some(&first)).await;

    let wrong = [
        ("csrf", csrf.as_str()),
        ("current", "not it at all"),
        ("new", "a brand new password"),
        ("repeat", "a brand new password"),
    ];
    let resp = app.post_form("/admin/account/password", &first, &wrong).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(signed_in(&app, &first).await && signed_in(&app, &second).await, "a refused change ends nothing");
    let short = [("csrf", csrf.as_str()), ("current", "a long enough password"), ("new", "short"), ("repeat", "short")];
    assert_eq!(app.post_form("/admin/account/password", &first, &short).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let good = [
        ("csrf", csrf.as_str()),
        ("current", "a long enough password"),
        ("new", "a brand new password"),
        ("repeat", "a brand new password"),
    ];
    let resp = app.post_form("/admin/account/password", &first, &good).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(resp.header("location"), "/admin/login?done=password");
    assert!(resp.header("set-cookie").contains("Max-Age=0"));
    assert!(!signed_in(&app, &first).await, "the session in use ended");
    assert!(!signed_in(&app, &second).await, "the other session of the user ended");
    assert!(signed_in(&app, &other).await, "other users stay signed in");
    assert_eq!(
        app.send(login_request("ales", "a long enough password", [10, 0, 0, 1])).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.send(login_request("ales", "a brand new password", [10, 0, 0, 1])).await.status,
        StatusCode::SEE_OTHER
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'password-changed' AND actor = 'ales'")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn admins_add_accounts_change_roles_disable_and_read_the_audit_log() {
    let app = TestApp::new().await;
    let admin = app.staff_cookie("root", Role::Admin).await;
    let csrf = app.token("/admin/users", Some(&admin)).await;
    let add =
        [("csrf", csrf.as_str()), ("username", "vera"), ("role", "volunteer"), ("password", "vera's first password")];
    assert_eq!(app.post_form("/admin/users", &admin, &add).await.status, StatusCode::SEE_OTHER);
    let again = app.post_form("/admin/users", &admin, &add).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "no second vera");
    let bad =
        [("csrf", csrf.as_str()), ("username", "x y"), ("role", "volunteer"), ("password", "long enough password")];
    assert_eq!(app.post_form("/admin/users", &admin, &bad).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A refused form keeps the role chosen: fixing only the password must not make a volunteer.
    let short = [("csrf", csrf.as_str()), ("username", "kira"), ("role", "keyholder"), ("password", "short")];
    let refused = app.post_form("/admin/users", &admin, &short).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.attrs("#new-role option[selected]", "value"), ["keyholder"]);
    assert_eq!(refused.attrs("#new-username", "value"), ["kira"]);
    let fresh = app.get_with("/admin/users", &[("cookie", &admin)]).await;
    assert_eq!(fresh.attrs("#new-role option[selected]", "value"), ["volunteer"], "the least power by default");
    // Every row's buttons name their account, for a screen reader going from button to button.
    let buttons = fresh.texts("button[value=role]");
    assert!(buttons.iter().any(|b| b.contains("vera")) && buttons.iter().any(|b| b.contains("root")), "{buttons:?}");

    let resp = app.send(login_request("vera", "vera's first password", [10, 0, 0, 2])).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let vera = resp.header("set-cookie").split(';').next().unwrap().to_owned();
    assert_eq!(app.get_with("/admin/offers", &[("cookie", &vera)]).await.status, StatusCode::FORBIDDEN);

    // A new role ends her sessions; as a curator she reads offers, so she must first enrol a
    // second factor; then she may review them.
    let role = [("csrf", csrf.as_str()), ("action", "role"), ("role", "curator")];
    assert_eq!(app.post_form("/admin/users/vera", &admin, &role).await.status, StatusCode::SEE_OTHER);
    assert!(!signed_in(&app, &vera).await);
    let resp = app.send(login_request("vera", "vera's first password", [10, 0, 0, 2])).await;
    let vera = resp.header("set-cookie").split(';').next().unwrap().to_owned();
    let offers = app.get_with("/admin/offers", &[("cookie", &vera)]).await;
    assert_eq!((offers.status, offers.header("location")), (StatusCode::SEE_OTHER, "/admin/totp"));
    let codes = crate::helpers::enrol(&app, "vera").await;
    let resp = app.send(login_with_code("vera", "vera's first password", &codes[0])).await;
    let vera = resp.header("set-cookie").split(';').next().unwrap().to_owned();
    assert_eq!(app.get_with("/admin/offers", &[("cookie", &vera)]).await.status, StatusCode::OK);
    // Curators cannot manage accounts.
    let theirs = app.token("/admin", Some(&vera)).await;
    let attempt = [("csrf", theirs.as_str()), ("action", "role"), ("role", "admin")];
    assert_eq!(app.post_form("/admin/users/vera", &vera, &attempt).await.status, StatusCode::FORBIDDEN);

    let disable = [("csrf", csrf.as_str()), ("action", "disable")];
    assert_eq!(app.post_form("/admin/users/vera", &admin, &disable).await.status, StatusCode::SEE_OTHER);
    assert!(!signed_in(&app, &vera).await);
    assert_eq!(
        app.send(login_request("vera", "vera's first password", [10, 0, 0, 2])).await.status,
        StatusCode::UNAUTHORIZED
    );
    let enable = [("csrf", csrf.as_str()), ("action", "enable")];
    assert_eq!(app.post_form("/admin/users/vera", &admin, &enable).await.status, StatusCode::SEE_OTHER);
    let resp = app.send(login_with_code("vera", "vera's first password", &codes[1])).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let vera = resp.header("set-cookie").split(';').next().unwrap().to_owned();
    // An admin cannot lock themselves out.
    let own = app.post_form("/admin/users/root", &admin, &disable).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(signed_in(&app, &admin).await);
    assert_eq!(app.post_form("/admin/users/nobody", &admin, &disable).await.status, StatusCode::NOT_FOUND);

    // The audit view: filtered by action, with old and new values.
    let view = app.get_with("/admin/audit?action=user-role", &[("cookie", &admin)]).await;
    assert_eq!(view.status, StatusCode::OK);
    assert_eq!(view.texts(".audit-action"), ["user-role"]);
    assert_eq!(view.texts(".changes del"), ["volunteer"]);
    assert_eq!(view.texts(".changes ins"), ["curator"]);
    let by_actor = app.get_with("/admin/audit?actor=vera", &[("cookie", &admin)]).await;
    let actions = by_actor.texts(".audit-action");
    assert_eq!(actions, ["login", "login-failed", "login", "login", "login"], "newest first: vera's own entries only");
    let dated = app.get_with("/admin/audit?from=2000-01-01&to=2000-12-31", &[("cookie", &admin)]).await;
    assert!(dated.texts(".audit-entry").is_empty());
    assert_eq!(
        app.get_with("/admin/audit?from=yesterday", &[("cookie", &admin)]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(app.get_with("/admin/audit", &[("cookie", &vera)]).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_client_with_many_failures_is_slowed_but_staff_are_not_locked_out() {
    let app = TestApp::new().await;
    app.staff_cookie("olga", Role::Volunteer).await;
    let attacker = [203, 0, 113, 5];
    for i in 0..12 {
        let resp = app.send(login_request(&format!("guess{i}"), "wrong password!", attacker)).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    }
    let throttle = &app.state.throttle;
    assert!(!throttle.client_delay(Some([203, 0, 113, 5].into())).is_zero(), "the guessing client waits");
    assert!(throttle.client_delay(Some([198, 51, 100, 7].into())).is_zero(), "another client does not");
    // Olga, from the same address (a shared proxy), still gets in.
    let resp = app.send(login_request("olga", "a long enough password", attacker)).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
}

/// The demo's curator signs in at once with the code an authenticator app shows for the
/// secret the demo printed: enrolling it used no code a newcomer could be given.
#[tokio::test]
async fn the_demo_curator_signs_in_at_once_with_the_apps_current_code() {
    use secrecy::ExposeSecret;
    let dir = tempfile::tempdir().unwrap();
    let config = zbor::config::Config::new(dir.path().join("data"), dir.path().join("uploads"));
    let size = zbor::demo::ImageSize { width: 48, height: 36 };
    let demo = zbor::demo::create_with(&config, &dir.path().join("keys"), 3, size).await.unwrap();
    let app = TestApp::at(&config.data_dir, &config.uploads_dir).await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = zbor::auth::totp::totp(&demo.totp_secret, &demo.username).unwrap().generate(now).to_string();
    let resp = app.send(login_with_code(&demo.username, demo.password.expose_secret(), &code)).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_eq!(resp.header("location"), "/admin");
}
