//! Staff sign-in and sessions through the router.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use secrecy::SecretString;
use tower::ServiceExt;

use crate::helpers::TestApp;

const PASSWORD: &str = "a long curator password";

/// Two accounts that sign in with a password alone (volunteers: every role that reads
/// offers must also give a second factor, tested on its own below).
async fn app_with_users() -> TestApp {
    let app = TestApp::new().await;
    for name in ["olga", "ales"] {
        zbor::auth::create_user(
            &app.state.db.main,
            &name.parse().unwrap(),
            SecretString::from(PASSWORD.to_owned()),
            zbor::auth::Role::Volunteer,
        )
        .await
        .unwrap();
    }
    app
}

struct Answer {
    status: StatusCode,
    cookie: Option<String>,
    location: Option<String>,
    body: String,
}

async fn send(app: &TestApp, request: Request<Body>) -> Answer {
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (cookie, location) = (header("set-cookie"), header("location"));
    let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Answer { status, cookie, location, body }
}

async fn login(app: &TestApp, username: &str, password: &str, origin: Option<&str>) -> Answer {
    let mut request = Request::post("/admin/login").header("content-type", "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        request = request.header("origin", origin).header("host", "museum.example");
    }
    let body = format!("username={username}&password={}&totp=", zbor::web::encode(password));
    send(app, request.body(Body::from(body)).unwrap()).await
}

fn session_of(answer: &Answer) -> String {
    let cookie = answer.cookie.as_deref().expect("a session cookie");
    cookie.split(';').next().unwrap().to_owned()
}

async fn dashboard(app: &TestApp, session: &str) -> Answer {
    send(app, Request::get("/admin").header("cookie", session).body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn signing_in_starts_a_fresh_httponly_session_and_opens_the_dashboard() {
    let app = app_with_users().await;
    assert_eq!(
        send(&app, Request::get("/admin").body(Body::empty()).unwrap()).await.location.as_deref(),
        Some("/admin/login")
    );
    // The code field takes a recovery code too (letters and a dash): a phone must not offer
    // a keypad of digits only.
    let form = app.get("/admin/login").await;
    assert_eq!(form.attrs("#totp", "autocomplete"), ["one-time-code"]);
    assert!(form.attrs("#totp", "inputmode").is_empty());
    let first = login(&app, "olga", PASSWORD, None).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location.as_deref(), Some("/admin"));
    let cookie = first.cookie.clone().unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let page = dashboard(&app, &session_of(&first)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Signed in as olga") || page.body.contains("olga"));
    let second = login(&app, "olga", PASSWORD, None).await;
    assert_ne!(session_of(&first), session_of(&second), "a new session id at every sign-in");
    // Only a hash of the session id is stored.
    let value = session_of(&first).split_once('=').unwrap().1.to_owned();
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT id_hash FROM sessions").fetch_all(&app.state.db.main).await.unwrap();
    assert!(!stored.contains(&value));
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_get_the_same_answer() {
    let app = app_with_users().await;
    let wrong = login(&app, "olga", "not the password at all", None).await;
    let unknown = login(&app, "nobody", "not the password at all", None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    assert!(wrong.cookie.is_none() && unknown.cookie.is_none());
    let strip = |a: &Answer, name: &str| a.body.replace(name, "");
    assert_eq!(strip(&wrong, "olga"), strip(&unknown, "nobody"), "the page says nothing about which part was wrong");
    let too_long = login(&app, "olga", &"x".repeat(10_000), None).await;
    assert_eq!(too_long.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_throttled_account_does_not_lock_out_other_staff() {
    let app = app_with_users().await;
    for _ in 0..zbor::auth::MAX_FAILURES {
        assert_eq!(login(&app, "olga", "guess guess guess", None).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(&app, "olga", PASSWORD, None).await.status, StatusCode::UNAUTHORIZED, "olga must wait");
    assert_eq!(login(&app, "ales", PASSWORD, None).await.status, StatusCode::SEE_OTHER, "ales signs in");
}

#[tokio::test]
async fn cross_site_sign_ins_and_logouts_without_the_token_are_refused() {
    let app = app_with_users().await;
    let forged = login(&app, "olga", PASSWORD, Some("https://evil.example")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.cookie.is_none());
    assert_eq!(login(&app, "olga", PASSWORD, Some("https://museum.example")).await.status, StatusCode::SEE_OTHER);

    let session = session_of(&login(&app, "olga", PASSWORD, None).await);
    let other = session_of(&login(&app, "ales", PASSWORD, None).await);
    let logout = |cookie: String, csrf: String| {
        Request::post("/admin/logout")
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}")))
            .unwrap()
    };
    let csrf_of = |body: &str| {
        let doc = scraper::Html::parse_document(body);
        let sel = scraper::Selector::parse("input[name=csrf]").unwrap();
        doc.select(&sel).next().unwrap().value().attr("value").unwrap().to_owned()
    };
    let my_csrf = csrf_of(&dashboard(&app, &session).await.body);
    let other_csrf = csrf_of(&dashboard(&app, &other).await.body);
    assert_eq!(send(&app, logout(session.clone(), String::new())).await.status, StatusCode::FORBIDDEN, "no token");
    assert_eq!(
        send(&app, logout(session.clone(), other_csrf)).await.status,
        StatusCode::FORBIDDEN,
        "another session's token"
    );
    assert_eq!(dashboard(&app, &session).await.status, StatusCode::OK, "still signed in");
    assert_eq!(send(&app, logout(session.clone(), my_csrf)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(dashboard(&app, &session).await.location.as_deref(), Some("/admin/login"), "the session ended");
    assert_eq!(dashboard(&app, &other).await.status, StatusCode::OK, "other sessions live on");
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = app_with_users().await;
    let session = session_of(&login(&app, "olga", PASSWORD, None).await);
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - ?")
        .bind(zbor::auth::sessions::IDLE_SECONDS + 1)
        .execute(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(dashboard(&app, &session).await.location.as_deref(), Some("/admin/login"));
}

fn audit_verify(app: &TestApp) -> std::process::Output {
    audit_verify_with(app, &[])
}

fn audit_verify_with(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_zbor"))
        .arg("--data-dir")
        .arg(&app.config.data_dir)
        .args(["audit", "verify"])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test]
async fn sign_ins_are_audited_and_an_edited_entry_breaks_the_chain() {
    let app = app_with_users().await;
    login(&app, "olga", "wrong wrong wrong", None).await;
    let session = session_of(&login(&app, "olga", PASSWORD, None).await);
    assert_eq!(dashboard(&app, &session).await.status, StatusCode::OK);
    let actions: Vec<(String, String)> =
        sqlx::query_as("SELECT actor, action FROM audit_log ORDER BY id").fetch_all(&app.state.db.main).await.unwrap();
    let expected = [("cli", "user-add"), ("cli", "user-add"), ("olga", "login-failed"), ("olga", "login")];
    assert_eq!(actions, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));

    let ok = audit_verify(&app);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let printed = String::from_utf8_lossy(&ok.stdout).into_owned();
    assert!(printed.contains("intact: 4 entries"));
    let head = printed.lines().find_map(|l| l.split(": ").nth(1).filter(|h| h.len() == 64)).unwrap().to_owned();
    assert!(audit_verify_with(&app, &["--head", &head]).status.success());

    // Entries cut from the end leave a valid chain; the head noted earlier gives them away.
    login(&app, "ales", "wrong wrong wrong", None).await;
    let later = String::from_utf8_lossy(&audit_verify(&app).stdout).into_owned();
    let later_head = later.lines().find_map(|l| l.split(": ").nth(1).filter(|h| h.len() == 64)).unwrap().to_owned();
    sqlx::query("DROP TRIGGER audit_log_no_delete").execute(&app.state.db.main).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id = 5").execute(&app.state.db.main).await.unwrap();
    assert!(audit_verify(&app).status.success(), "the shortened chain is still a chain");
    let cut = audit_verify_with(&app, &["--head", &later_head]);
    assert!(!cut.status.success());
    assert!(String::from_utf8_lossy(&cut.stderr).contains("cut from its end"));

    // zbor itself cannot change the past…
    let refused = sqlx::query("UPDATE audit_log SET actor = 'someone' WHERE id = 3").execute(&app.state.db.main).await;
    assert!(refused.is_err(), "the database refuses to edit an entry");
    // …and when someone with the file does, verify names the entry.
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&app.state.db.main).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone' WHERE id = 3").execute(&app.state.db.main).await.unwrap();
    let broken = audit_verify(&app);
    assert!(!broken.status.success());
    assert!(String::from_utf8_lossy(&broken.stderr).contains("entry 3"), "{}", String::from_utf8_lossy(&broken.stderr));
}

fn code_now(secret: &str, username: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    zbor::auth::totp::totp(secret, username).unwrap().generate(now).to_string()
}

fn totp_login(username: &str, code: &str) -> Request<Body> {
    let body = format!("username={username}&password={}&totp={code}", zbor::web::encode(PASSWORD));
    Request::post("/admin/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn admins_must_enrol_a_second_factor_and_codes_work_once() {
    let app = TestApp::new().await;
    zbor::auth::create_user(
        &app.state.db.main,
        &"olga".parse().unwrap(),
        SecretString::from(PASSWORD.to_owned()),
        zbor::auth::Role::Admin,
    )
    .await
    .unwrap();
    // Before enrolment: signed in, but every page leads to enrolment.
    let session = session_of(&login(&app, "olga", PASSWORD, None).await);
    assert_eq!(dashboard(&app, &session).await.location.as_deref(), Some("/admin/totp"));
    let page = send(&app, Request::get("/admin/totp").header("cookie", &session).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&page.body);
    let text = |sel: &str| {
        let sel = scraper::Selector::parse(sel).unwrap();
        doc.select(&sel).next().map(|e| e.text().collect::<String>()).unwrap_or_default()
    };
    let attr = |sel: &str, a: &str| {
        let sel = scraper::Selector::parse(sel).unwrap();
        doc.select(&sel).next().and_then(|e| e.value().attr(a)).unwrap_or_default().to_owned()
    };
    let secret = text(".totp-secret");
    let csrf = attr("input[name=csrf]", "value");
    let qr =
        send(&app, Request::get("/admin/totp/qr.png").header("cookie", &session).body(Body::empty()).unwrap()).await;
    assert_eq!(qr.status, StatusCode::OK);

    let confirm = |code: String| {
        Request::post("/admin/totp")
            .header("cookie", &session)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&code={code}")))
            .unwrap()
    };
    assert_eq!(send(&app, confirm("000000".into())).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = send(&app, confirm(code_now(&secret, "olga"))).await;
    assert_eq!(done.status, StatusCode::OK);
    let codes: Vec<String> = {
        let doc = scraper::Html::parse_document(&done.body);
        let sel = scraper::Selector::parse(".recovery-codes code").unwrap();
        doc.select(&sel).map(|e| e.text().collect()).collect()
    };
    assert_eq!(codes.len(), zbor::auth::totp::RECOVERY_CODES);
    assert_eq!(dashboard(&app, &session).await.status, StatusCode::OK, "enrolled: the panel opens");

    // From now on a code is required, and each works once.
    assert_eq!(login(&app, "olga", PASSWORD, None).await.status, StatusCode::UNAUTHORIZED, "no code");
    let wrong = send(&app, totp_login("olga", "123456")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // The enrolment code's step is used up, so wait for a fresh one if needed.
    let mut code = code_now(&secret, "olga");
    let mut ok = send(&app, totp_login("olga", &code)).await;
    if ok.status != StatusCode::SEE_OTHER {
        tokio::time::sleep(std::time::Duration::from_secs(31)).await;
        code = code_now(&secret, "olga");
        ok = send(&app, totp_login("olga", &code)).await;
    }
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let replay = send(&app, totp_login("olga", &code)).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED, "a code cannot be used twice");
    assert_eq!(send(&app, totp_login("olga", &codes[0])).await.status, StatusCode::SEE_OTHER, "a recovery code");
    assert_eq!(send(&app, totp_login("olga", &codes[0])).await.status, StatusCode::UNAUTHORIZED, "used up");
    assert_eq!(wrong.body.replace("olga", ""), replay.body.replace("olga", ""), "all failures read the same");
}

#[tokio::test]
async fn disabling_an_account_from_the_cli_ends_its_sessions() {
    let app = app_with_users().await;
    let session = session_of(&login(&app, "olga", PASSWORD, None).await);
    assert_eq!(dashboard(&app, &session).await.status, StatusCode::OK);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zbor"))
        .arg("--data-dir")
        .arg(&app.config.data_dir)
        .args(["user", "disable", "olga"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(dashboard(&app, &session).await.location.as_deref(), Some("/admin/login"), "the session ended");
    assert_eq!(login(&app, "olga", PASSWORD, None).await.status, StatusCode::UNAUTHORIZED, "no more sign-ins");
    assert_eq!(login(&app, "ales", PASSWORD, None).await.status, StatusCode::SEE_OTHER);
    let last: String =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'user-%' ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(last, "user-disable");
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_zbor"))
        .arg("--data-dir")
        .arg(&app.config.data_dir)
        .args(["user", "reset-totp", "nobody"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
}

#[tokio::test]
async fn the_enrolment_page_changes_nothing_on_a_get() {
    let app = app_with_users().await;
    let session = session_of(&login(&app, "olga", PASSWORD, None).await);
    let pending = |app: &TestApp| {
        let pool = app.state.db.main.clone();
        async move { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM totp_pending").fetch_one(&pool).await.unwrap() }
    };
    // Signing in made the secret to enrol; the page only shows it.
    assert_eq!(pending(&app).await, 1);
    sqlx::query("DELETE FROM totp_pending").execute(&app.state.db.main).await.unwrap();
    let page = send(&app, Request::get("/admin/totp").header("cookie", &session).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(pending(&app).await, 0, "a GET makes no secret");
    let qr =
        send(&app, Request::get("/admin/totp/qr.png").header("cookie", &session).body(Body::empty()).unwrap()).await;
    assert_eq!(qr.status, StatusCode::NOT_FOUND);
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse("form[action='/admin/totp/start'] input[name=csrf]").unwrap();
    let csrf = doc.select(&sel).next().expect("a form to start").value().attr("value").unwrap().to_owned();
    let start = Request::post("/admin/totp/start")
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}")))
        .unwrap();
    assert_eq!(send(&app, start).await.status, StatusCode::SEE_OTHER);
    assert_eq!(pending(&app).await, 1);
}

/// A language chosen on one panel page holds on the next (whose links do not carry it), by a
/// cookie under /admin only: public pages and the intake form still set none.
#[tokio::test]
async fn the_panel_remembers_the_language_chosen_and_the_public_site_sets_no_cookie() {
    let app = TestApp::new().await;
    let session = app.staff_cookie("ales", zbor::auth::Role::Volunteer).await;
    let chosen = app.get_with("/admin?lang=en", &[("cookie", &session), ("accept-language", "be")]).await;
    assert_eq!(chosen.status, StatusCode::OK);
    let set = chosen.header("set-cookie").to_owned();
    assert!(
        set.starts_with("zbor_lang=en;") && set.contains("Path=/admin") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let remembered = format!("{session}; zbor_lang=en");
    let next = app.get_with("/admin/objects", &[("cookie", &remembered), ("accept-language", "be")]).await;
    assert_eq!(next.attrs("html", "lang"), ["en"]);
    assert_eq!(next.header("set-cookie"), "", "nothing to set again");
    // An explicit choice still wins, and is remembered in its turn.
    let russian = app.get_with("/admin/objects?lang=ru", &[("cookie", &remembered)]).await;
    assert_eq!(russian.attrs("html", "lang"), ["ru"]);
    assert!(russian.header("set-cookie").starts_with("zbor_lang=ru;"));
    // Nothing of it outside the panel.
    for public in ["/?lang=en", "/objects?lang=en", "/offer?lang=en", "/offer/status?lang=en"] {
        let page = app.get_with(public, &[("cookie", "zbor_lang=ru")]).await;
        assert_eq!(page.header("set-cookie"), "", "{public}");
        assert_eq!(page.attrs("html", "lang"), ["en"], "{public}");
    }
    assert_eq!(
        app.get_with("/", &[("cookie", "zbor_lang=ru"), ("accept-language", "be")]).await.attrs("html", "lang"),
        ["be"]
    );
}

/// Every field of the first `form` on a page (hidden ones and those with a value), in order.
fn form_fields(page: &crate::helpers::Resp, form: &str) -> Vec<(String, String)> {
    let doc = page.doc();
    let selector = scraper::Selector::parse(&format!("{form} input[name]")).unwrap();
    doc.select(&selector)
        .map(|e| (e.value().attr("name").unwrap().to_owned(), e.value().attr("value").unwrap_or("").to_owned()))
        .collect()
}

#[tokio::test]
async fn a_form_sent_after_the_session_ended_is_kept_through_the_sign_in_and_sent_again_only_when_asked() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("vera", zbor::auth::Role::Volunteer).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let objects = async || -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM objects").fetch_one(&app.state.db.main).await.unwrap()
    };
    let before = objects().await;
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - ?")
        .bind(zbor::auth::sessions::IDLE_SECONDS + 1)
        .execute(&app.state.db.main)
        .await
        .unwrap();
    // An hour's work on a description, sent after the session had ended.
    let description = "Котка ў бел-чырвона-белым шаліку. <b>\"Quotes\"</b> & lines\r\nof text";
    let sent = [
        ("csrf", csrf.as_str()),
        ("object_type", "poster"),
        ("title_en", "Cat in a scarf"),
        ("title_be", "Котка ў шаліку"),
        ("description_en", description),
    ];
    let refused = app.post_form("/admin/objects/new", &cookie, &sent).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    assert_eq!(objects().await, before, "nothing was done");
    assert_eq!(refused.texts("p.flash").len(), 1, "the page says why: {}", refused.body);
    let carried = form_fields(&refused, "form[action='/admin/login']");
    assert!(carried.contains(&("resume_to".into(), "/admin/objects/new".into())), "{carried:?}");
    // (An HTML parser reads a line break as \n; a browser sends it back as \r\n.)
    let typed = description.replace("\r\n", "\n");
    assert!(carried.contains(&("resume.description_en".into(), typed.clone())), "{carried:?}");
    assert!(!carried.iter().any(|(name, _)| name.contains("csrf")), "the old token is dropped: {carried:?}");
    assert!(!refused.body.contains("<b>\"Quotes\"</b>"), "what was typed is escaped");
    assert_eq!(refused.header("cache-control"), "no-store", "what was typed stays out of caches");

    // A wrong password keeps the form; the right one leads to a page that sends it again.
    let sign_in = async |password: &str| {
        let mut pairs: Vec<(String, String)> =
            carried.iter().filter(|(name, _)| name.starts_with("resume")).cloned().collect();
        pairs.extend([("username".into(), "vera".into()), ("password".into(), password.into())]);
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let request = Request::post("/admin/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        app.send(request).await
    };
    let wrong = sign_in("not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let resume_fields = |fields: &[(String, String)]| -> Vec<(String, String)> {
        fields.iter().filter(|(name, _)| name.starts_with("resume")).cloned().collect()
    };
    assert_eq!(resume_fields(&form_fields(&wrong, "form[action='/admin/login']")), resume_fields(&carried));
    let resumed = sign_in("a long enough password").await;
    assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.body);
    let new_cookie = resumed.header("set-cookie").split(';').next().unwrap().to_owned();
    assert_eq!(objects().await, before, "signing in sends nothing by itself");
    assert_eq!(resumed.header("cache-control"), "no-store");
    let again = form_fields(&resumed, "form[action='/admin/objects/new']");
    let new_csrf = again.iter().find(|(name, _)| name == "csrf").map(|(_, v)| v.clone()).unwrap();
    assert_ne!(new_csrf, csrf, "the new session's token");
    let pairs: Vec<(&str, &str)> = again.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let created = app.post_form("/admin/objects/new", &new_cookie, &pairs).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(objects().await, before + 1);
    let kept: String = sqlx::query_scalar("SELECT description_en FROM objects ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(kept.replace("\r\n", "\n"), typed, "sent as it was typed");

    // A resume that leads out of the panel, or back to the sign-in, is dropped: the sign-in
    // then opens the dashboard as always.
    for to in ["//example.com/admin/x", "https://example.com/admin/", "/admin/login", "/objects", "/admin/logout"] {
        let body = serde_urlencoded::to_string([
            ("resume_to", to),
            ("resume.title_en", "x"),
            ("username", "vera"),
            ("password", "a long enough password"),
        ])
        .unwrap();
        let request = Request::post("/admin/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let answer = app.send(request).await;
        assert_eq!((answer.status, answer.header("location")), (StatusCode::SEE_OTHER, "/admin"), "{to}");
    }
}

/// A form holding a password, sent after the session ended, is not carried through the
/// sign-in: its secrets would sit in the page's fields and be shown to whoever signs in next.
#[tokio::test]
async fn a_password_form_sent_after_the_session_ended_is_not_carried() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("vera", zbor::auth::Role::Volunteer).await;
    let csrf = app.token("/admin/account", Some(&cookie)).await;
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - ?")
        .bind(zbor::auth::sessions::IDLE_SECONDS + 1)
        .execute(&app.state.db.main)
        .await
        .unwrap();
    let sent = [
        ("csrf", csrf.as_str()),
        ("current", "OLD-SECRET-CANARY"),
        ("new", "NEW-SECRET-CANARY-long"),
        ("repeat", "NEW-SECRET-CANARY-long"),
    ];
    let refused = app.post_form("/admin/account/password", &cookie, &sent).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(!refused.body.contains("SECRET-CANARY"), "{}", refused.body);
    // Nor can a sign-in form be made to carry one back.
    let pairs = [
        ("username", "nobody"),
        ("password", "wrong password here"),
        ("resume_to", "/admin/account/password"),
        ("resume.current", "OLD-SECRET-CANARY"),
    ];
    let again = app.post_form("/admin/login", "", &pairs).await;
    assert!(!again.body.contains("SECRET-CANARY"), "{}", again.body);
}
