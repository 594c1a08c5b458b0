//! Staff actions under load, on a real server: every applied change has its audit entry, no
//! request fails with a server error, failed sign-ins write a bounded number of entries, and
//! the audit chain stays whole.

use std::net::{IpAddr, SocketAddr};

use zbor::auth::Role;
use zbor::collection::audit::{self, Verdict};
use zbor::collection::objects::{self, NewObject};
use zbor::collection::{CreditChoice, Text3};
use zbor::donors::offers::{self, NewOffer};
use zbor::donors::seal::SealedFields;
use zbor::i18n::Lang;
use zbor::media::NewMedia;

use crate::helpers::{TestApp, publish};

const EDITS: usize = 40;
const FAILED_SIGN_INS: usize = 200;
const BUNDLES: usize = 5;
/// Accounts the failed sign-ins try, and names that are no account.
const KNOWN: [&str; 3] = ["cora", "kira", "vera"];

/// A client whose connections come from `127.0.0.n`, so the server sees many peers.
fn client_from(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from([127, 0, 0, n]))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post(
    client: &reqwest::Client,
    addr: SocketAddr,
    path: &str,
    cookie: Option<&str>,
    pairs: &[(&str, &str)],
) -> (u16, String) {
    let mut request = client
        .post(format!("http://{addr}{path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(pairs).unwrap());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = ?")
        .bind(action)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_edits_sign_in_failures_and_a_bundle_download_keeps_every_audit_entry() {
    let (app, _identity) = TestApp::with_keyholder().await;
    let curator = app.staff_cookie("cora", Role::Curator).await;
    let keyholder = app.staff_cookie("kira", Role::Keyholder).await;
    app.staff_cookie("vera", Role::Volunteer).await;
    let csrf_curator = app.token("/admin", Some(&curator)).await;
    let csrf_keyholder = app.token("/admin", Some(&keyholder)).await;

    // A published object with four photos.
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let object = NewObject::new("poster", Text3::same("Poster"));
    let id = objects::create_object(&mut conn, &object, 2026).await.unwrap().id;
    publish(&mut conn, id, "MFB-{year}-{seq:04}", 2026).await;
    drop(conn);
    let mut photos = Vec::new();
    for seed in 0..4u8 {
        let image = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([seed * 50, x as u8 * 3, y as u8 * 5]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let described = NewMedia { alt: Text3::default(), caption: Text3::default(), is_public: true };
        photos.push(app.state.media.ingest(&app.state.db.main, id, png, &described).await.unwrap());
    }

    // An offer whose sealed record the keyholder downloads meanwhile.
    let offer = NewOffer {
        lang: Lang::En,
        title: "A ribbon".to_owned(),
        description: String::new(),
        object_type: String::new(),
        maker: String::new(),
        credit: CreditChoice::Anonymous,
        credit_name: String::new(),
        consent_publish: false,
    };
    let sealed = SealedFields {
        story: "story".to_owned().into(),
        contact: "contact".to_owned().into(),
        credit_name: String::new().into(),
    };
    let recipients = app.state.recipients().unwrap();
    let today = chrono::Utc::now().date_naive();
    let to = offers::Destination { writer: &app.state.db.writer, vault: &app.state.vault, recipients: &recipients };
    let submitted = offers::submit(to, &offer, &sealed, &[], None, today).await.unwrap();

    let entries_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&app.state.db.main).await.unwrap();

    let server = app.serve().await;
    let addr = server.addr;

    let mut tasks = tokio::task::JoinSet::new();
    // Half the edits change a photo's text and public flag, half the object's fields.
    for i in 0..EDITS {
        let (cookie, csrf) = (curator.clone(), csrf_curator.clone());
        let media_id = photos[i % photos.len()];
        tasks.spawn(async move {
            let client = client_from(2 + (i % 8) as u8);
            let title = format!("Poster, edit {i}");
            let alt = format!("Alt text {i}");
            let public = if i % 4 == 0 { "" } else { "on" };
            let (path, pairs): (String, Vec<(&str, &str)>) = if i % 2 == 0 {
                let path = format!("/admin/objects/{id}/media/{media_id}");
                (path, vec![("csrf", &csrf), ("action", "save"), ("alt_en", &alt), ("is_public", public)])
            } else {
                let path = format!("/admin/objects/{id}");
                (path, vec![("csrf", &csrf), ("object_type", "poster"), ("title_en", &title)])
            };
            let (status, _) = post(&client, addr, &path, Some(&cookie), &pairs).await;
            ("edit", status)
        });
    }
    for i in 0..FAILED_SIGN_INS {
        tasks.spawn(async move {
            // 48 clients, each well under the point where its sign-ins are slowed down.
            let client = client_from(10 + (i % 48) as u8);
            let unknown = format!("nobody-{i}");
            let name = if i % 4 == 3 { unknown.as_str() } else { KNOWN[i % 4] };
            let pairs = [("username", name), ("password", "not the password at all"), ("totp", "000000")];
            let (status, _) = post(&client, addr, "/admin/login", None, &pairs).await;
            ("sign-in", status)
        });
    }
    for _ in 0..BUNDLES {
        let (cookie, csrf, offer) = (keyholder.clone(), csrf_keyholder.clone(), submitted.id.clone());
        tasks.spawn(async move {
            let client = client_from(60);
            let pairs = [("csrf", csrf.as_str()), ("offer", &offer), ("reason", "the donor asked to be called")];
            let (status, body) = post(&client, addr, "/admin/offers/bundle", Some(&cookie), &pairs).await;
            assert!(status != 200 || body.starts_with("zbor contacts bundle v1"), "{body}");
            ("bundle", status)
        });
    }
    let mut statuses = Vec::new();
    while let Some(result) = tasks.join_next().await {
        statuses.push(result.unwrap());
    }
    let server_errors: Vec<_> = statuses.iter().filter(|(_, s)| *s >= 500).collect();
    assert!(server_errors.is_empty(), "no server errors: {server_errors:?}");
    let answered = |kind: &str, status: u16| statuses.iter().filter(|(k, s)| *k == kind && *s == status).count();
    assert_eq!(answered("edit", 303), EDITS, "every edit is applied");
    assert_eq!(answered("sign-in", 401), FAILED_SIGN_INS, "every failed sign-in gets its ordinary refusal");
    assert_eq!(answered("bundle", 200), BUNDLES, "every download succeeds");

    // Every applied change has its entry: each photo save, each field save (every title differs).
    assert_eq!(count(&app, "media-changed").await, (EDITS / 2) as i64);
    assert_eq!(count(&app, "object-edited").await, (EDITS / 2) as i64);
    assert_eq!(count(&app, "bundle-download").await, BUNDLES as i64);

    // Failures are counted, not logged one by one: per account (and for all unknown names
    // together), an entry at the 1st, 2nd, 4th… failure of the hour.
    let failed = count(&app, "login-failed").await;
    let accounts = (KNOWN.len() + 1) as i64;
    let per_account = (FAILED_SIGN_INS as f64).log2().floor() as i64 + 1;
    assert!(failed >= accounts && failed <= accounts * per_account, "{failed} entries for {FAILED_SIGN_INS} failures");
    let counted: i64 =
        sqlx::query_scalar("SELECT SUM(count) FROM sign_in_failures").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(counted, FAILED_SIGN_INS as i64);
    let actors: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT actor FROM audit_log WHERE action = 'login-failed' ORDER BY actor")
            .fetch_all(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(actors, ["(unknown account)", "cora", "kira", "vera"], "no name of the attacker's choosing");

    let entries_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(entries_after - entries_before, EDITS as i64 + BUNDLES as i64 + failed);
    let mut conn = app.state.db.main.acquire().await.unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap(), Verdict::Intact(entries_after as u64));
    drop(conn);
    server.stop().await;
}

/// A withdrawal whose request is dropped once it has committed (the staff member's connection
/// went away at that moment) still takes the object off the public catalogue: the reload that
/// follows the change is not lost with the request.
#[tokio::test]
async fn a_withdrawal_dropped_after_its_commit_still_leaves_the_public_catalogue() {
    use std::future::Future;
    let app = TestApp::new().await;
    let fixture = crate::helpers::seed(&app).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM objects WHERE accession_number = ?")
        .bind(&fixture.flag)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let page = format!("/objects/{}?lang=en", fixture.flag);
    assert_eq!(app.get(&page).await.status, axum::http::StatusCode::OK);

    let curator = zbor::collection::command::Actor::staff("cora", Role::Curator);
    let mut run = Box::pin(app.state.run(curator, zbor::collection::publication::Withdraw { id }));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    // Polled by hand until the change is in the database, then never again: dropped there.
    for step in 0.. {
        assert!(step < 5000, "the withdrawal never committed");
        assert!(run.as_mut().poll(&mut cx).is_pending(), "the action finished before it could be dropped");
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        let state: String = sqlx::query_scalar("SELECT state FROM objects WHERE id = ?")
            .bind(id)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
        if state == "withdrawn" {
            break;
        }
    }
    drop(run);

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.get(&page).await.status != axum::http::StatusCode::NOT_FOUND {
        assert!(std::time::Instant::now() < deadline, "the withdrawn object is still public");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
