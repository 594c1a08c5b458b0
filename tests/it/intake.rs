//! The intake form and the review of offers, through the router with real databases, real
//! photos and a real keyholder key.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use secrecy::ExposeSecret;

use crate::helpers::{Resp, TestApp, multipart};
use crate::media::{assert_clean, contains, files_under, hostile_jpeg, plain_jpeg};
use zbor::auth::Role;
use zbor::donors::{bundle, seal};

/// A request for `POST /offer` from `peer`, with the form's own token unless `fields` has one.
pub(crate) async fn offer_request(
    app: &TestApp,
    peer: [u8; 4],
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
    headers: &[(&str, &str)],
) -> Request<Body> {
    let token = app.token("/offer", None).await;
    let mut all: Vec<(&str, &str)> = Vec::new();
    if !fields.iter().any(|(k, _)| *k == "csrf") {
        all.push(("csrf", &token));
    }
    all.extend_from_slice(fields);
    let (content_type, body) = multipart(&all, files);
    let mut request = Request::post("/offer").header("content-type", content_type);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let mut request = request.body(Body::from(body)).unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((peer, 40000))));
    request
}

async fn offer(app: &TestApp, fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Resp {
    app.send(offer_request(app, [10, 0, 0, 1], fields, files, &[]).await).await
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.state.db.main).await.unwrap()
}

pub(crate) async fn sealed_records(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    // Read as anyone holding the file would: the vault itself offers no such read.
    let contacts = zbor::db::open(&app.config.contacts_db_path(), 1).await.unwrap();
    let records = sqlx::query_as("SELECT offer_ref, ciphertext FROM sealed_records ORDER BY offer_ref")
        .fetch_all(&contacts)
        .await
        .unwrap();
    contacts.close().await;
    records
}

fn open(
    identity: &age::x25519::Identity,
    offer_ref: &str,
    envelope: &[u8],
) -> Result<(String, String), seal::SealError> {
    let fields = seal::open(offer_ref, envelope, &[identity as &dyn age::Identity])?;
    Ok((fields.story.expose_secret().to_owned(), fields.contact.expose_secret().to_owned()))
}

#[tokio::test]
async fn the_offer_form_sets_no_cookie_labels_every_field_and_speaks_three_languages() {
    let (app, _) = TestApp::with_keyholder().await;
    for (lang, heading) in [("be", "Перадаць прадмет у музей"), ("en", "Offer an object"), ("ru", "Передать предмет")]
    {
        let page = app.get(&format!("/offer?lang={lang}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.headers.get("set-cookie").is_none(), "the intake form sets no cookie");
        assert_eq!(page.header("cache-control"), "no-store");
        assert!(page.texts("h1")[0].starts_with(heading), "{lang}");
        assert!(!page.body.contains("<script"));
        assert_eq!(page.attrs("form.offer-form", "enctype"), ["multipart/form-data"]);
        let names = page.attrs("form.offer-form [name]", "name");
        for field in [
            "csrf",
            "title",
            "description",
            "object_type",
            "maker",
            "story",
            "contact",
            "credit",
            "credit_name",
            "consent_publish",
            "photos",
            "want_receipt",
        ] {
            assert!(names.iter().any(|n| n == field), "{field} missing");
        }
        // Browsers send fields in the form's order, and when photos are refused as they arrive
        // nothing after them is read: every other field comes before them, and is kept.
        assert_eq!(names.last().map(String::as_str), Some("photos"), "{lang}: {names:?}");
        // Every visible control has a label.
        let labels = page.attrs("label", "for");
        for id in page
            .attrs("form.offer-form input:not([type=hidden]), form.offer-form select, form.offer-form textarea", "id")
        {
            assert!(labels.contains(&id), "#{id} has no label");
        }
        assert_eq!(page.attrs("input[name=photos]", "multiple").len(), 1);
    }
}

#[tokio::test]
async fn an_offer_is_sealed_dated_and_its_photos_cleaned_before_anything_is_stored() {
    let (app, identity) = TestApp::with_keyholder().await;
    let photo = hostile_jpeg();
    let resp = offer(
        &app,
        &[
            ("title", "Flag from the march"),
            ("description", "Large, a little torn"),
            ("object_type", "flag"),
            ("maker", "unknown"),
            ("story", "STORY-CANARY my grandmother kept it under the floor"),
            ("contact", "CONTACT-CANARY @someone on Signal"),
            ("credit", "pseudonym"),
            ("credit_name", "Kot"),
            ("consent_publish", "yes"),
            ("want_receipt", "yes"),
        ],
        &[("photo-of-my-home.jpg", &photo)],
    )
    .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert!(resp.headers.get("set-cookie").is_none());
    assert_eq!(resp.header("cache-control"), "no-store");
    let receipt = resp.texts("#receipt-code");
    assert_eq!(receipt.len(), 1);
    assert_eq!(receipt[0].len(), 19, "a code like XXXX-XXXX-XXXX-XXXX");

    // The offer: its date, not its time; what staff may read; no story or contact.
    let (id, received_on, state, credit, credit_name, consent): (String, String, String, String, String, bool) =
        sqlx::query_as("SELECT id, received_on, state, credit, credit_name, consent_publish FROM offers")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(received_on, chrono::Utc::now().date_naive().to_string());
    assert_eq!((state.as_str(), credit.as_str(), credit_name.as_str(), consent), ("waiting", "pseudonym", "Kot", true));

    // The sealed record opens with the keyholder's key, bound to this offer, and not otherwise.
    let records = sealed_records(&app).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].0, id);
    let (story, contact) = open(&identity, &id, &records[0].1).unwrap();
    assert_eq!(story, "STORY-CANARY my grandmother kept it under the floor");
    assert_eq!(contact, "CONTACT-CANARY @someone on Signal");
    assert!(open(&age::x25519::Identity::generate(), &id, &records[0].1).is_err());

    // The photo: a sanitised master and a preview, no metadata, portrait as the camera meant,
    // held in the database: no file or folder in the uploads says when an offer arrived.
    let (master, preview): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT master, preview FROM offer_photos").fetch_one(&app.state.db.main).await.unwrap();
    assert_clean("the held master", &master);
    assert_clean("the held preview", &preview);
    let small = image::load_from_memory(&preview).unwrap();
    assert!(small.height() > small.width(), "portrait");
    assert!(small.height() <= zbor::media::PREVIEW_SIZE);
    assert_eq!(files_under(&app.config.uploads_dir), Vec::<std::path::PathBuf>::new(), "nothing written for an offer");

    // Nothing the donor wrote in the sealed fields, and not the receipt, is in the databases.
    for file in files_under(&app.config.data_dir) {
        let bytes = std::fs::read(&file).unwrap();
        for canary in ["STORY-CANARY", "CONTACT-CANARY", receipt[0].as_str(), &receipt[0].replace('-', "")] {
            assert!(!contains(&bytes, canary.as_bytes()), "{canary} in {}", file.display());
        }
    }
}

#[tokio::test]
async fn contacts_of_any_length_seal_to_the_same_size_through_the_form() {
    let (app, identity) = TestApp::with_keyholder().await;
    let long = "x".repeat(500);
    for contact in ["a@b.c", long.as_str()] {
        let resp = offer(&app, &[("title", "Ribbon"), ("credit", "anonymous"), ("contact", contact)], &[]).await;
        assert_eq!(resp.status, StatusCode::OK);
    }
    let records = sealed_records(&app).await;
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].1.len(), records[1].1.len());
    // Swapping two records between offers is detected.
    assert!(matches!(open(&identity, &records[0].0, &records[1].1), Err(seal::SealError::WrongOffer)));
    let mut flipped = records[0].1.clone();
    flipped[200] ^= 1;
    assert!(open(&identity, &records[0].0, &flipped).is_err());
}

#[tokio::test]
async fn invalid_offers_come_back_with_everything_typed_and_store_nothing() {
    let (app, _) = TestApp::with_keyholder().await;
    let photo = plain_jpeg(64, 48);
    // No title, a pseudonym without a name, a story over its limit.
    let long_story = "я".repeat(6001);
    let resp = offer(
        &app,
        &[
            ("description", "Kept description <b>"),
            ("contact", "kept-contact"),
            ("credit", "pseudonym"),
            ("story", &long_story),
            ("maker", "Kept maker"),
        ],
        &[("a.jpg", &photo)],
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.header("cache-control"), "no-store");
    assert_eq!(resp.texts("#title-error").len(), 1);
    assert_eq!(resp.texts("#credit_name-error").len(), 1);
    assert!(resp.texts("#story-error")[0].contains("6000"));
    assert_eq!(resp.texts("#description")[0], "Kept description <b>");
    assert_eq!(resp.attrs("#contact", "value"), ["kept-contact"]);
    assert_eq!(resp.attrs("#maker", "value"), ["Kept maker"]);
    assert_eq!(resp.attrs("#credit-pseudonym", "checked").len(), 1);
    assert_eq!(resp.texts(".field-note").len(), 1, "the donor is told to choose the photos again");
    assert_eq!(resp.attrs("#title", "aria-invalid"), ["true"]);

    // A photo that is not one, beside a good one: nothing of either is kept.
    let resp = offer(&app, &[("title", "Two photos")], &[("a.jpg", &photo), ("b.jpg", b"just text, named .jpg")]).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.texts("#photos-error")[0].contains("JPEG, PNG or WebP") || resp.texts("#photos-error")[0].contains("JPEG")
    );
    assert_eq!(resp.attrs("#title", "value"), ["Two photos"]);
    // An iPhone's HEIC gets the advice to make a JPEG of it; other kinds only the kinds to send.
    for (lang, heic, gif) in
        [("en", "Most Compatible", "Files of type GIF"), ("be", "iPhone", "GIF"), ("ru", "iPhone", "GIF")]
    {
        let page = |bytes: &'static [u8]| {
            let app = &app;
            async move {
                let request = offer_request(app, [10, 0, 0, 3], &[("title", "Odd")], &[("x", bytes)], &[]).await;
                let (parts, body) = request.into_parts();
                let mut request = Request::from_parts(parts, body);
                *request.uri_mut() = format!("/offer?lang={lang}").parse().unwrap();
                app.send(request).await.texts("#photos-error").remove(0)
            }
        };
        let said = page(b"\0\0\0\x18ftypheic\0\0\0\0rest").await;
        assert!(said.contains(heic), "{lang}: {said}");
        let said = page(b"GIF89a\x01\0\x01\0rest").await;
        assert!(said.contains(gif) && !said.contains("iPhone"), "{lang}: {said}");
    }

    // A forged or expired token.
    let resp = offer(&app, &[("csrf", "1.abc"), ("title", "Forged")], &[]).await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert_eq!(resp.attrs("#title", "value"), ["Forged"], "kept, to send again");
    // Another site posting the form.
    let request =
        offer_request(&app, [10, 0, 0, 9], &[("title", "Cross-site")], &[], &[("origin", "https://evil.example")])
            .await;
    let mut request = request;
    request.headers_mut().insert("host", "museum.example".parse().unwrap());
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);

    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offer_photos").await, 0);
    assert!(sealed_records(&app).await.is_empty());
    assert!(files_under(&app.config.uploads_dir).is_empty(), "no photo stored");
}

#[tokio::test]
async fn over_posted_fields_are_ignored() {
    let (app, _) = TestApp::with_keyholder().await;
    let recipients = std::fs::read_to_string(app.config.recipients_path()).unwrap();
    let attacker = age::x25519::Identity::generate().to_public().to_string();
    let resp = offer(
        &app,
        &[
            ("title", "Badge"),
            ("status", "published"),
            ("state", "accepted"),
            ("recipient", &attacker),
            ("recipients", &attacker),
            ("object_id", "1"),
            ("entry_number", "FORGED-1"),
            ("received_on", "2000-01-01 12:34:56"),
            ("receipt_lookup", "00"),
            ("anything_else", "x"),
        ],
        &[],
    )
    .await;
    assert_eq!(resp.status, StatusCode::OK);
    let (state, entry, received, object): (String, String, String, Option<i64>) =
        sqlx::query_as("SELECT state, entry_number, received_on, object_id FROM offers")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(state, "waiting");
    assert_ne!(entry, "FORGED-1");
    assert_eq!(received, chrono::Utc::now().date_naive().to_string());
    assert_eq!(object, None);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM objects").await, 0);
    assert_eq!(std::fs::read_to_string(app.config.recipients_path()).unwrap(), recipients);
}

#[tokio::test]
async fn fifty_concurrent_offers_with_photos_are_all_stored() {
    let (app, identity) = TestApp::with_keyholder().await;
    let mut requests = Vec::new();
    for i in 0..50u8 {
        let photo = plain_jpeg(96 + u32::from(i), 64);
        let title = format!("Poster {i}");
        let contact = format!("contact-{i}");
        let fields = [("title", title.as_str()), ("contact", contact.as_str()), ("object_type", "poster")];
        requests.push(offer_request(&app, [10, 1, 0, i], &fields, &[("p.jpg", &photo)], &[]).await);
    }
    let mut running = tokio::task::JoinSet::new();
    for request in requests {
        let router = app.router.clone();
        running.spawn(async move { tower::ServiceExt::oneshot(router, request).await.unwrap().status() });
    }
    while let Some(status) = running.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 50);
    assert_eq!(count(&app, "SELECT COUNT(DISTINCT entry_number) FROM offers").await, 50);
    assert_eq!(count(&app, "SELECT COUNT(DISTINCT hash) FROM offer_photos").await, 50);
    let records = sealed_records(&app).await;
    assert_eq!(records.len(), 50);
    let mut contacts: Vec<String> = records.iter().map(|(r, e)| open(&identity, r, e).unwrap().1).collect();
    contacts.sort();
    contacts.dedup();
    assert_eq!(contacts.len(), 50);
}

#[tokio::test]
async fn offers_are_rate_limited_per_address_without_stopping_others() {
    let (app, _) = TestApp::with_keyholder_and(|c| {
        c.intake_limits.offers_per_peer = 3;
        c.intake_limits.offers_total = 5;
    })
    .await;
    for _ in 0..3 {
        let r = app.send(offer_request(&app, [10, 0, 0, 1], &[("title", "Letter")], &[], &[]).await).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let fields =
        [("title", "Letter"), ("description", "Four pages"), ("story", "From Zhodzina"), ("want_receipt", "yes")];
    let r = app
        .send(offer_request(&app, [10, 0, 0, 1], &fields, &[("a.jpg", &crate::media::plain_jpeg(40, 30))], &[]).await)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.texts("[role=alert]")[0].contains("Нічога не захавана"), "{:?}", r.texts("[role=alert]"));
    // What was typed comes back, to be sent again later, and the answer says when.
    assert_eq!(r.attrs("#title", "value"), ["Letter"]);
    assert_eq!(r.texts("#description"), ["Four pages"]);
    assert_eq!(r.texts("#story"), ["From Zhodzina"]);
    assert_eq!(r.attrs("#want_receipt[checked]", "value"), ["yes"]);
    assert!(r.header("cache-control").contains("no-store"));
    let wait: u64 = r.header("retry-after").parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let r = app.send(offer_request(&app, [10, 0, 0, 2], &[("title", "Letter")], &[], &[]).await).await;
    assert_eq!(r.status, StatusCode::OK, "another address is not held back");
    let r = app.send(offer_request(&app, [10, 0, 0, 3], &[("title", "Letter")], &[], &[]).await).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.send(offer_request(&app, [10, 0, 0, 4], &[("title", "Letter")], &[], &[]).await).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the global cap holds behind an onion service");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 5);
}

#[tokio::test]
async fn the_intake_form_is_closed_without_recipients() {
    let app = TestApp::new().await;
    let r = app.send(offer_request(&app, [10, 0, 0, 1], &[("title", "Flag")], &[], &[]).await).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 0);
}

/// A keyholder removed from `recipients.txt` while the server runs can open nothing sent after:
/// every offer is sealed to the file as it is when the offer arrives, not as it was at start.
#[tokio::test]
async fn offers_are_sealed_to_the_recipients_file_as_it_is_now() {
    let (app, removed) = TestApp::with_keyholder().await;
    let fields = [("title", "Ribbon"), ("object_type", "other"), ("credit", "anonymous"), ("contact", "CONTACT-1")];
    assert_eq!(offer(&app, &fields, &[]).await.status, StatusCode::OK);

    let kept = age::x25519::Identity::generate();
    std::fs::write(app.config.recipients_path(), format!("# the new keyholder only\n{}\n", kept.to_public())).unwrap();
    let fields = [("title", "Badge"), ("object_type", "other"), ("credit", "anonymous"), ("contact", "CONTACT-2")];
    assert_eq!(offer(&app, &fields, &[]).await.status, StatusCode::OK);
    let (second,): (String,) =
        sqlx::query_as("SELECT id FROM offers WHERE title = 'Badge'").fetch_one(&app.state.db.main).await.unwrap();
    let records = sealed_records(&app).await;
    let envelope = &records.iter().find(|(r, _)| *r == second).expect("the second offer's record").1;
    assert_eq!(open(&kept, &second, envelope).unwrap().1, "CONTACT-2");
    assert!(open(&removed, &second, envelope).is_err(), "the removed keyholder cannot open a later offer");

    // The panel's footer shows the keys as they are now.
    let cookie = app.staff_cookie("ales", zbor::auth::Role::Curator).await;
    let dashboard = app.get_with("/admin", &[("cookie", &cookie)]).await;
    let now = zbor::donors::recipients::Recipients::load(&app.config.recipients_path()).unwrap();
    assert_eq!(now.fingerprints().len(), 1);
    assert!(dashboard.body.contains(&now.fingerprints()[0]), "the footer shows the current key");

    // A file that no longer holds a valid key closes the form rather than sealing to nobody.
    std::fs::write(app.config.recipients_path(), "# emptied by mistake\n").unwrap();
    let fields = [("title", "Flag"), ("object_type", "other"), ("credit", "anonymous")];
    assert_eq!(offer(&app, &fields, &[]).await.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 2);
}

/// Accepting writes the offer's photos out as files before the change is recorded; when the
/// change then fails (the offer deleted meanwhile by another curator, a full disk), the files
/// go again: no photo of an offer that is not the museum's stays on disk, dated.
#[tokio::test]
async fn photos_written_for_an_accept_that_fails_do_not_stay_on_disk() {
    let (app, _identity) = TestApp::with_keyholder().await;
    let photo = plain_jpeg(140, 100);
    let fields = [("title", "Poster"), ("object_type", "other"), ("credit", "anonymous")];
    assert_eq!(offer(&app, &fields, &[("p.jpg", &photo)]).await.status, StatusCode::OK);
    let id: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    let cookie = app.staff_cookie("ales", Role::Curator).await;
    let token = app.token(&format!("/admin/offers/{id}"), Some(&cookie)).await;
    let before = tree(&app.config.uploads_dir);
    // The change fails after the files were written, as when the offer is deleted meanwhile.
    sqlx::query("CREATE TRIGGER refuse_decisions BEFORE UPDATE OF state ON offers BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
        .execute(&app.state.db.main)
        .await
        .unwrap();
    let r = app.post_form(&format!("/admin/offers/{id}/accept"), &cookie, &[("csrf", &token)]).await;
    assert!(r.status.is_server_error(), "{}", r.status);
    assert_eq!(tree(&app.config.uploads_dir), before, "no file of the failed accept is left");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM media").await, 0);

    // Then it is accepted: its photo becomes a file of the object's.
    sqlx::query("DROP TRIGGER refuse_decisions").execute(&app.state.db.main).await.unwrap();
    let r = app.post_form(&format!("/admin/offers/{id}/accept"), &cookie, &[("csrf", &token)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(tree(&app.config.uploads_dir).len() > before.len());
    // Accepting it again fails, and leaves the accepted photo's files alone.
    let kept = tree(&app.config.uploads_dir);
    let r = app.post_form(&format!("/admin/offers/{id}/accept"), &cookie, &[("csrf", &token)]).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(tree(&app.config.uploads_dir), kept);
}

/// Every folder and file under `dir`, sorted.
fn tree(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(tree(&path));
        }
        out.push(path);
    }
    out.sort();
    out
}

pub(crate) async fn check_receipt(app: &TestApp, receipt: &str) -> Resp {
    let token = app.token("/offer/status", None).await;
    let body = serde_urlencoded::to_string([("csrf", token.as_str()), ("receipt", receipt)]).unwrap();
    let request = Request::post("/offer/status")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

/// The page without its token, to compare the shape of two answers.
fn shape(resp: &Resp) -> String {
    let token = resp.attrs("input[name=csrf]", "value").into_iter().next().unwrap_or_default();
    resp.body.replace(&token, "TOKEN")
}

#[tokio::test]
async fn receipts_show_state_and_sealed_replies_and_unknown_codes_look_the_same() {
    let (app, _) = TestApp::with_keyholder().await;
    let resp = offer(&app, &[("title", "Badge"), ("want_receipt", "yes")], &[]).await;
    let receipt = resp.texts("#receipt-code").remove(0);
    let without = offer(&app, &[("title", "Ribbon")], &[]).await;
    assert!(without.texts("#receipt-code").is_empty(), "no receipt unless asked for");

    let known = check_receipt(&app, &receipt.to_lowercase().replace('-', " ")).await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.header("cache-control"), "no-store");
    let unknown = check_receipt(&app, "7KQ4-M9XT-2HWP-R3CD").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(shape(&known), shape(&unknown), "known and unknown receipts answer alike");
    let malformed = check_receipt(&app, "hello").await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A curator replies; only the receipt opens the reply.
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let id: String = sqlx::query_scalar("SELECT id FROM offers WHERE receipt_lookup IS NOT NULL")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let token = app.token(&format!("/admin/offers/{id}"), Some(&cookie)).await;
    let reply = "REPLY-CANARY: thank you, could you send a photo of the back?";
    let too_long = "„".repeat(3000);
    let r =
        app.post_form(&format!("/admin/offers/{id}/reply"), &cookie, &[("csrf", &token), ("message", &too_long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a reply over the sealed size is refused with a message");
    assert_eq!(r.texts("#message"), [too_long.as_str()], "and comes back in its box, not lost");
    let r = app.post_form(&format!("/admin/offers/{id}/reply"), &cookie, &[("csrf", &token), ("message", reply)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = check_receipt(&app, &receipt).await;
    assert!(page.texts(".reply-text").iter().any(|t| t.contains("REPLY-CANARY")), "{}", page.body);
    assert_eq!(page.texts(".offer-state"), ["Чакае куратара."]);
    for file in files_under(&app.config.data_dir) {
        assert!(!contains(&std::fs::read(&file).unwrap(), b"REPLY-CANARY"), "reply readable in {}", file.display());
    }
    let r = app.post_form(&format!("/admin/offers/{id}/accept"), &cookie, &[("csrf", &token)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(check_receipt(&app, &receipt).await.texts(".offer-state"), ["Прынята ў музей. Дзякуй!"]);
    // An offer without a receipt cannot be replied to.
    let other: String = sqlx::query_scalar("SELECT id FROM offers WHERE receipt_lookup IS NULL")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let r =
        app.post_form(&format!("/admin/offers/{other}/reply"), &cookie, &[("csrf", &token), ("message", "hi")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn curators_review_offers_and_only_keyholders_download_sealed_bundles_with_a_reason() {
    let (app, identity) = TestApp::with_keyholder().await;
    let photo = plain_jpeg(120, 90);
    offer(
        &app,
        &[("title", "Cat painting"), ("credit", "pseudonym"), ("credit_name", "Kot"), ("contact", "CONTACT-A")],
        &[("a.jpg", &photo)],
    )
    .await;
    let photo2 = plain_jpeg(130, 90);
    offer(
        &app,
        &[
            ("title", "Declined thing"),
            ("contact", "CONTACT-B"),
            ("credit", "name"),
            ("credit_name", "Ales Bialiatski"),
            ("maker", "Maker Name"),
        ],
        &[("b.jpg", &photo2)],
    )
    .await;
    let ids: Vec<(String, String)> =
        sqlx::query_as("SELECT id, title FROM offers ORDER BY title").fetch_all(&app.state.db.main).await.unwrap();
    let (cat, declined) = (ids[0].0.clone(), ids[1].0.clone());

    // Volunteers do not see offers; nobody unsigned sees offers' photos.
    let volunteer = app.staff_cookie("volunteer", Role::Volunteer).await;
    assert_eq!(app.get_with("/admin/offers", &[("cookie", &volunteer)]).await.status, StatusCode::FORBIDDEN);
    let hash: String = sqlx::query_scalar("SELECT hash FROM offer_photos WHERE offer_id = ?")
        .bind(&cat)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(app.get(&format!("/media/{hash}/400.jpg")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/admin/media/{hash}/400.jpg")).await.status, StatusCode::SEE_OTHER);
    let as_volunteer = app.get_with(&format!("/admin/media/{hash}/400.jpg"), &[("cookie", &volunteer)]).await;
    assert_eq!(as_volunteer.status, StatusCode::NOT_FOUND, "offers' photos are for those who review offers");

    let curator = app.staff_cookie("curator", Role::Curator).await;
    let inbox = app.get_with("/admin/offers", &[("cookie", &curator)]).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains("Cat painting") && inbox.body.contains("Declined thing"));
    assert!(inbox.attrs("input[name=offer]", "value").is_empty(), "curators get no bundle form");
    let dashboard = app.get_with("/admin", &[("cookie", &curator)]).await;
    assert_eq!(dashboard.texts(".count-offers"), ["2"]);
    for fingerprint in app.state.recipients().unwrap().fingerprints() {
        assert!(dashboard.body.contains(&fingerprint), "the footer shows the recipients' fingerprints");
    }
    let thumb = app.get_with(&format!("/admin/media/{hash}/400.jpg"), &[("cookie", &curator)]).await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.header("cache-control"), "private, no-store");

    // Accept: a draft object under the offer's entry number, with a pseudonymous donor.
    let token = app.token(&format!("/admin/offers/{cat}"), Some(&curator)).await;
    let r = app.post_form(&format!("/admin/offers/{cat}/accept"), &curator, &[("csrf", &token)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let location = r.header("location").to_owned();
    assert!(location.starts_with("/admin/objects/"), "{location}");
    let object = app.get_with(&format!("{location}&lang=en"), &[("cookie", &curator)]).await;
    assert_eq!(object.status, StatusCode::OK);
    // The donor did not agree to publication, so the name they asked for is sealed, not here.
    assert_eq!(object.texts(".donor-credit"), ["By a pseudonym (credited by name, the name is sealed)"]);
    let (state, entry, credit_name): (String, String, String) = sqlx::query_as(
        "SELECT o.state, o.entry_number, d.credit_name FROM objects o JOIN donors d ON d.id = o.donor_id",
    )
    .fetch_one(&app.state.db.main)
    .await
    .unwrap();
    let offer_entry: String = sqlx::query_scalar("SELECT entry_number FROM offers WHERE id = ?")
        .bind(&cat)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!((state.as_str(), entry.as_str(), credit_name.as_str()), ("draft", offer_entry.as_str(), ""));
    // The photo becomes the object's private image; the worker makes its derivatives.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM media WHERE is_public = 0 AND state = 'pending'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs WHERE state = 'queued'").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM offer_photos WHERE master IS NOT NULL").await,
        1,
        "only the declined one waits"
    );
    let again = app.post_form(&format!("/admin/offers/{cat}/accept?lang=en"), &curator, &[("csrf", &token)]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "decided once");
    // Said on the offer's own page, which leads to the object it became.
    assert!(again.body.contains("already been decided"), "{}", again.body);
    let object_id = location.split('?').next().unwrap().rsplit('/').next().unwrap().to_owned();
    assert!(
        again.attrs("a", "href").iter().any(|h| h.starts_with(&format!("/admin/objects/{object_id}"))),
        "{}",
        again.body
    );
    let decline_again = app.post_form(&format!("/admin/offers/{cat}/decline"), &curator, &[("csrf", &token)]).await;
    assert_eq!(decline_again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The donor did not agree to publication: publishing needs a curator's audited confirmation.
    let object_path = location.split('?').next().unwrap().to_owned();
    assert_eq!(object.texts(".consent-withheld").len(), 1);
    let refused = app.post_form(&format!("{object_path}/publish"), &curator, &[("csrf", &token)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM objects WHERE state = 'published'").await, 0);
    let confirmed = app
        .post_form(&format!("{object_path}/publish"), &curator, &[("csrf", &token), ("consent_confirmed", "yes")])
        .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let details: String = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'object-published'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert!(details.contains("\"consent_confirmed_by_curator\":true"), "{details}");
    // The public credit follows the donor's choice; the pseudonymous donor id never shows.
    let (accession, donor): (String, String) =
        sqlx::query_as("SELECT accession_number, donor_id FROM objects WHERE state = 'published'")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    let public = app.get(&format!("/objects/{accession}?lang=en")).await;
    assert_eq!(public.status, StatusCode::OK);
    // The pseudonym was sealed (no consent when it was given), so the public credit is
    // anonymous until a curator enters it from the keyholders' bundle.
    assert!(!public.body.contains("Kot"), "a sealed name is never printed");
    assert!(!public.body.contains(&donor));

    // Decline: the photos go (they never were files).
    let held = "SELECT COUNT(*) FROM offer_photos WHERE master IS NOT NULL";
    assert_eq!(count(&app, held).await, 1);
    let r = app.post_form(&format!("/admin/offers/{declined}/decline"), &curator, &[("csrf", &token)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, held).await, 0, "a declined offer's photos are deleted");
    let (credit_name, maker): (String, String) = sqlx::query_as("SELECT credit_name, maker FROM offers WHERE id = ?")
        .bind(&declined)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!((credit_name.as_str(), maker.as_str()), ("", ""), "nothing names anyone after a decline");

    // Bundles: not for curators; keyholders must give a reason; every download is audited.
    let form = [("csrf", token.as_str()), ("offer", cat.as_str()), ("offer", declined.as_str()), ("reason", "call")];
    assert_eq!(app.post_form("/admin/offers/bundle", &curator, &form).await.status, StatusCode::FORBIDDEN);
    let keyholder = app.staff_cookie("keyholder", Role::Keyholder).await;
    let ktoken = app.token("/admin/offers", Some(&keyholder)).await;
    let no_reason = [("csrf", ktoken.as_str()), ("offer", cat.as_str()), ("reason", "  ")];
    assert_eq!(
        app.post_form("/admin/offers/bundle", &keyholder, &no_reason).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'bundle-download'").await, 0);
    let reason = "Donor asked to be called back about the cat";
    let form = [("csrf", ktoken.as_str()), ("offer", cat.as_str()), ("offer", declined.as_str()), ("reason", reason)];
    let download = app.post_form("/admin/offers/bundle", &keyholder, &form).await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.header("content-disposition").starts_with("attachment"));
    let records = bundle::parse(&download.body).unwrap();
    assert_eq!(records.len(), 2);
    let mut contacts = Vec::new();
    for record in &records {
        let fields =
            seal::open_age_file(&record.offer_ref, &record.age_file, &[&identity as &dyn age::Identity]).unwrap();
        contacts.push(fields.contact.expose_secret().to_owned());
    }
    contacts.sort();
    assert_eq!(contacts, ["CONTACT-A", "CONTACT-B"]);
    let (actor, details): (String, String) =
        sqlx::query_as("SELECT actor, details FROM audit_log WHERE action = 'bundle-download'")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(actor, "keyholder");
    assert!(details.contains(reason) && details.contains(&cat) && details.contains(&offer_entry));
    let decisions: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, action FROM audit_log WHERE action IN ('offer-accepted', 'offer-declined') ORDER BY id",
    )
    .fetch_all(&app.state.db.main)
    .await
    .unwrap();
    assert_eq!(
        decisions,
        [("curator".to_owned(), "offer-accepted".to_owned()), ("curator".to_owned(), "offer-declined".to_owned())]
    );
    let mut conn = app.state.db.main.acquire().await.unwrap();
    assert!(matches!(
        zbor::collection::audit::verify(&mut conn).await.unwrap(),
        zbor::collection::audit::Verdict::Intact(_)
    ));
}

/// Everything a seized server would hold: every file of the data and uploads folders (the
/// databases with their `-wal` and `-shm` files), the temporary folder, and the logs.
fn seized(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir).into_iter().map(|f| (f.display().to_string(), std::fs::read(&f).unwrap())).collect()
}

#[test]
fn a_seized_server_names_no_donor_and_no_visitor() {
    use std::process::Command;

    use crate::helpers::Server;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let (data, uploads, tmp) = (dir.path().join("data"), dir.path().join("uploads"), dir.path().join("tmp"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let identity = age::x25519::Identity::generate();
    std::fs::write(data.join("recipients.txt"), format!("{}\n", identity.to_public())).unwrap();
    // Owner-only, as `zbor init` leaves them: `zbor serve` refuses anything looser.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(data.join("recipients.txt"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let (stdout, stderr) = (dir.path().join("stdout.log"), dir.path().join("stderr.log"));
    let mut server = Server::spawn(
        Server::command(&data, &uploads)
            // The most talkative logging an administrator might switch on.
            .env("RUST_LOG", "debug")
            .env("TMPDIR", &tmp),
        &stdout,
        &stderr,
    );
    let url = server.url.clone();

    let visitor_canaries =
        ["203.0.113.77", "198.51.100.99", "192.0.2.55", "UA-CANARY", "referrer-canary", "photo-of-my-home"];
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let receipts: Vec<String> = runtime.block_on(async {
        let client = reqwest::Client::builder().user_agent("CanaryBrowser/7.7 (UA-CANARY)").build().unwrap();
        let visitor = |request: reqwest::RequestBuilder| {
            request
                .header("x-forwarded-for", "203.0.113.77")
                .header("forwarded", "for=198.51.100.99;proto=https")
                .header("x-real-ip", "192.0.2.55")
                .header("referer", "https://referrer-canary.example/from")
        };
        let mut receipts = Vec::new();
        for n in 0..3 {
            let form = visitor(client.get(format!("{url}/offer"))).send().await.unwrap().text().await.unwrap();
            let token = Resp { status: StatusCode::OK, headers: Default::default(), body: form }
                .attrs("input[name=csrf]", "value")
                .remove(0);
            let story = format!("STORY-CANARY-{n} it hung in our window in Hrodna");
            let contact = format!("CONTACT-CANARY-{n} +375 29 000 00 0{n}");
            let fields = [
                ("csrf", token.as_str()),
                ("title", "Window flag"),
                ("story", story.as_str()),
                ("contact", contact.as_str()),
                ("want_receipt", "yes"),
            ];
            let photo = hostile_jpeg();
            let (content_type, body) = multipart(&fields, &[("photo-of-my-home.jpg", &photo)]);
            let answer = visitor(client.post(format!("{url}/offer")))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), StatusCode::OK.as_u16());
            assert!(answer.headers().get("set-cookie").is_none());
            let page = Resp { status: StatusCode::OK, headers: Default::default(), body: answer.text().await.unwrap() };
            receipts.push(page.texts("#receipt-code").remove(0));
        }
        for receipt in &receipts {
            let page = visitor(client.get(format!("{url}/offer/status"))).send().await.unwrap().text().await.unwrap();
            let token = Resp { status: StatusCode::OK, headers: Default::default(), body: page }
                .attrs("input[name=csrf]", "value")
                .remove(0);
            let answer = visitor(client.post(format!("{url}/offer/status")))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string([("csrf", token.as_str()), ("receipt", receipt.as_str())]).unwrap())
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), StatusCode::OK.as_u16());
        }
        receipts
    });

    let mut canaries: Vec<String> = vec!["STORY-CANARY".into(), "CONTACT-CANARY".into(), "Hrodna".into()];
    canaries.extend(visitor_canaries.iter().map(|c| c.to_string()));
    for receipt in &receipts {
        canaries.push(receipt.clone());
        canaries.push(receipt.replace('-', ""));
    }
    let sweep = |moment: &str| {
        let files = seized(dir.path());
        assert!(files.iter().any(|(name, _)| name.ends_with("zbor.sqlite-wal")), "{moment}: the WAL is swept too");
        let logs: Vec<u8> = files.iter().filter(|(n, _)| n.ends_with(".log")).flat_map(|(_, b)| b.clone()).collect();
        assert!(contains(&logs, b"donor contacts will be sealed"), "{moment}: the logs were captured");
        // Not even a statement's text: its line's time would date the offer it stored.
        for statement in [&b"INSERT INTO offers"[..], b"sealed_records", b"sqlx::query"] {
            assert!(!contains(&logs, statement), "{moment}: a statement was logged at debug level");
        }
        for (name, bytes) in &files {
            for canary in &canaries {
                assert!(!contains(bytes, canary.as_bytes()), "{moment}: {canary} in {name}");
            }
        }
    };
    sweep("while serving");
    let stopped = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    let started = Instant::now();
    while server.process.0.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(30), "zbor serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    // After a graceful stop, whatever is on disk.
    let files = seized(dir.path());
    for (name, bytes) in &files {
        for canary in &canaries {
            assert!(!contains(bytes, canary.as_bytes()), "after stopping: {canary} in {name}");
        }
    }

    // Yet the keyholder reads every story and contact back.
    runtime.block_on(async {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(data.join("contacts.sqlite")).read_only(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let records: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT offer_ref, ciphertext FROM sealed_records").fetch_all(&pool).await.unwrap();
        assert_eq!(records.len(), 3);
        let mut stories: Vec<String> = records.iter().map(|(r, e)| open(&identity, r, e).unwrap().0).collect();
        stories.sort();
        assert!(stories[0].starts_with("STORY-CANARY-0") && stories[2].starts_with("STORY-CANARY-2"));
        pool.close().await;
    });
}

#[tokio::test]
async fn receipt_look_ups_are_rate_limited() {
    let (app, _) = TestApp::with_keyholder_and(|c| {
        c.intake_limits.lookups_per_peer = 2;
        c.intake_limits.lookups_total = 100;
    })
    .await;
    for _ in 0..2 {
        assert_eq!(check_receipt(&app, "7KQ4-M9XT-2HWP-R3CD").await.status, StatusCode::OK);
    }
    let refused = answer_with(&app, "7KQ4-M9XT-2HWP-R3CD", "It is 70 by 50 cm").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.texts(".offer-state").is_empty(), "nothing looked up");
    assert_eq!(refused.texts("#answer"), ["It is 70 by 50 cm"], "the answer comes back, to be sent later");
    let wait: u64 = refused.header("retry-after").parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
}

/// A refused status form says why beside the field at fault, with its numbers, and gives back
/// what was typed.
#[tokio::test]
async fn a_refused_status_form_explains_beside_its_field_and_keeps_what_was_typed() {
    let (app, _) = TestApp::with_keyholder().await;
    let long = "ы".repeat(4001);
    for lang in ["en", "be", "ru"] {
        let token = app.token("/offer/status", None).await;
        let body = serde_urlencoded::to_string([
            ("csrf", token.as_str()),
            ("receipt", "7KQ4-M9XT-2HWP-R3CD"),
            ("answer", long.as_str()),
        ])
        .unwrap();
        let request = Request::post(format!("/offer/status?lang={lang}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let resp = app.send(request).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
        let message = &resp.texts("#answer-error")[0];
        assert!(message.contains("4000") && !message.contains('{'), "{lang}: {message}");
        assert_eq!(resp.attrs("#answer", "aria-invalid"), ["true"]);
        assert_eq!(resp.attrs("#answer", "aria-describedby"), ["answer-help answer-error"]);
        assert_eq!(resp.texts("#answer"), [long.as_str()], "{lang}: the answer is kept");
        assert_eq!(resp.attrs("#receipt", "value"), ["7KQ4-M9XT-2HWP-R3CD"]);
    }
    let resp = answer_with(&app, "hello", "My answer").await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.texts("#receipt-error").len(), 1);
    assert_eq!(resp.attrs("#receipt", "aria-invalid"), ["true"]);
    assert_eq!(resp.attrs("#receipt", "value"), ["hello"]);
    assert_eq!(resp.texts("#answer"), ["My answer"]);
    // An expired token: the same, for the whole form.
    let body = serde_urlencoded::to_string([("csrf", "1.abc"), ("receipt", "AAAA-BBBB-CCCC-DDDD"), ("answer", "Kept")])
        .unwrap();
    let request = Request::post("/offer/status")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let resp = app.send(request).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.texts("#answer"), ["Kept"]);
}

/// Browsers count a line break as one character against `maxlength` but send it as two
/// (CRLF): a text the browser let through is not refused as too long, and is stored with
/// plain line breaks.
#[tokio::test]
async fn line_breaks_count_once_as_the_browser_counts_them() {
    let (app, identity) = TestApp::with_keyholder().await;
    // 3 999 characters in the browser: 20 lines of 199, 19 breaks.
    let description = vec!["a".repeat(199); 20].join("\r\n");
    let story = vec!["б".repeat(299); 20].join("\r\n");
    assert_eq!(description.replace("\r\n", "\n").chars().count(), 3999);
    let resp = offer(&app, &[("title", "Letter"), ("description", &description), ("story", &story)], &[]).await;
    assert_eq!(resp.status, StatusCode::OK, "{:?}", resp.texts(".field-error"));
    let stored: String =
        sqlx::query_scalar("SELECT description FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(stored, description.replace("\r\n", "\n"));
    let records = sealed_records(&app).await;
    let (story_opened, _) = open(&identity, &records[0].0, &records[0].1).unwrap();
    assert_eq!(story_opened, story.replace("\r\n", "\n"));
}

#[tokio::test]
async fn field_messages_sit_beside_their_fields_in_the_readers_language_on_every_form() {
    let (app, _) = TestApp::with_keyholder().await;
    // The intake form, in English.
    let headers = [("accept-language", "en")];
    let fields = [("title", ""), ("credit", "anonymous")];
    let resp = app.send(offer_request(&app, [10, 0, 0, 9], &fields, &[], &headers).await).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.texts("#title-error"), ["Please say in a few words what the object is."]);
    assert_eq!(resp.attrs("#title", "aria-describedby"), ["title-help title-error"]);
    assert_eq!(resp.attrs("#title", "aria-invalid"), ["true"]);
    assert_eq!(resp.attrs("#maker", "aria-describedby"), ["maker-help"], "a field without a message keeps its help");
    assert!(resp.attrs("#maker", "aria-invalid").is_empty());

    // The panel's editor, in Russian: the same macros, the same shape.
    let cookie = app.staff_cookie("olga", zbor::auth::Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let pairs = [("csrf", csrf.as_str()), ("object_type", "flag"), ("parts", "many")];
    let resp = app.post_form("/admin/objects/new?lang=ru", &cookie, &pairs).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.texts("#title_be-error"), ["Дайте название хотя бы на одном языке."]);
    assert_eq!(resp.attrs("#title_be", "aria-describedby"), ["title_be-error"]);
    assert_eq!(resp.attrs("#parts", "aria-invalid"), ["true"]);
    assert!(resp.attrs("#title_en", "aria-describedby").is_empty());
}

/// Sends an answer to the museum with a receipt, as the status page's form does.
async fn answer_with(app: &TestApp, receipt: &str, answer: &str) -> Resp {
    let token = app.token("/offer/status", None).await;
    let body =
        serde_urlencoded::to_string([("csrf", token.as_str()), ("receipt", receipt), ("answer", answer)]).unwrap();
    let request = Request::post("/offer/status")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn donors_answer_with_their_receipt_and_keyholders_read_it_in_the_next_bundle() {
    let (app, identity) = TestApp::with_keyholder().await;
    let resp = offer(&app, &[("title", "Poster"), ("credit", "anonymous"), ("want_receipt", "yes")], &[]).await;
    let receipt = resp.texts("#receipt-code").remove(0);
    let id: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    let curator = app.staff_cookie("cora", Role::Curator).await;
    let token = app.token(&format!("/admin/offers/{id}"), Some(&curator)).await;
    let asked = [("csrf", token.as_str()), ("message", "How big is the poster?")];
    assert_eq!(
        app.post_form(&format!("/admin/offers/{id}/reply"), &curator, &asked).await.status,
        StatusCode::SEE_OTHER
    );

    // The donor answers; an unknown receipt gets the same page, of the same size.
    let known = answer_with(&app, &receipt, "ANSWER-CANARY 70 by 50 cm").await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.texts("#answer-sent").len(), 1);
    let unknown = answer_with(&app, "AAAA-BBBB-CCCC-DDDD", "ANSWER-CANARY 70 by 50 cm").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(unknown.texts("#answer-sent").len(), 1, "an unknown receipt reads the same");
    assert_eq!(known.body.len(), unknown.body.len(), "the same size, with a reply or without any offer");
    assert_eq!(known.body.len() % (16 * 1024), 0);
    assert!(known.header("cache-control").contains("no-store"));
    // Nothing of the answer is readable on the server.
    for file in files_under(&app.config.data_dir) {
        assert!(!contains(&std::fs::read(&file).unwrap(), b"ANSWER-CANARY"), "{}", file.display());
    }
    assert_eq!(app.state.vault.count().await.unwrap(), 2, "the offer's record and the one answer");

    // Curators see that an answer arrived; the keyholder's bundle carries it.
    let page = app.get_with(&format!("/admin/offers/{id}?lang=en"), &[("cookie", &curator)]).await;
    assert_eq!(page.texts(".answers").len(), 1);
    let keyholder = app.staff_cookie("kira", Role::Keyholder).await;
    let token = app.token("/admin/offers", Some(&keyholder)).await;
    let form = [("csrf", token.as_str()), ("offer", id.as_str()), ("reason", "the donor answered")];
    let bundle = app.post_form("/admin/offers/bundle", &keyholder, &form).await;
    assert_eq!(bundle.status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let (bundle_path, key_path) = (dir.path().join("bundle.txt"), dir.path().join("key.txt"));
    std::fs::write(&bundle_path, &bundle.body).unwrap();
    std::fs::write(&key_path, identity.to_string().expose_secret()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zbor"))
        .args(["contacts", "open"])
        .arg(&bundle_path)
        .arg("--identity")
        .arg(&key_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("the donor's answer:\nANSWER-CANARY 70 by 50 cm"), "{printed}");
}

#[tokio::test]
async fn curators_delete_spam_outright_and_the_retention_purge_forgets_decided_offers() {
    let (app, _) = TestApp::with_keyholder().await;
    for title in ["SPAM-CANARY buy now", "A ribbon", "A badge"] {
        let fields = [("title", title), ("credit", "name"), ("credit_name", "Ales"), ("consent_publish", "yes")];
        assert_eq!(offer(&app, &fields, &[("p.jpg", &plain_jpeg(60, 40))]).await.status, StatusCode::OK);
    }
    let id_of = |title: &'static str| {
        let pool = app.state.db.main.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT id FROM offers WHERE title = ?")
                .bind(title)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (spam, ribbon, badge) = (id_of("SPAM-CANARY buy now").await, id_of("A ribbon").await, id_of("A badge").await);
    let curator = app.staff_cookie("cora", Role::Curator).await;
    let volunteer = app.staff_cookie("vera", Role::Volunteer).await;
    let token = app.token("/admin/offers", Some(&curator)).await;
    let theirs = app.token("/admin", Some(&volunteer)).await;
    let delete = |id: &str| format!("/admin/offers/{id}/delete");
    assert_eq!(
        app.post_form(&delete(&spam), &volunteer, &[("csrf", &theirs), ("confirm", "yes")]).await.status,
        StatusCode::FORBIDDEN
    );
    // Without the box ticked, nothing goes, and the page says why.
    let unconfirmed = app.post_form(&format!("{}?lang=en", delete(&spam)), &curator, &[("csrf", &token)]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("Nothing was deleted"), "{}", unconfirmed.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 3);
    let form = app.get_with(&format!("/admin/offers/{spam}"), &[("cookie", &curator)]).await;
    assert_eq!(form.attrs("form[action$='/delete'] input[name=confirm]", "required"), [""]);
    let entry: String = sqlx::query_scalar("SELECT entry_number FROM offers WHERE id = ?")
        .bind(&spam)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let gone = app.post_form(&delete(&spam), &curator, &[("csrf", &token), ("confirm", "yes")]).await;
    assert_eq!((gone.status, gone.header("location")), (StatusCode::SEE_OTHER, "/admin/offers?done=deleted"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 2);
    assert_eq!(app.state.vault.count().await.unwrap(), 2, "its sealed record went too");
    let (target, details): (String, String) =
        sqlx::query_as("SELECT target, details FROM audit_log WHERE action = 'offer-deleted'")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!((target.as_str(), details.as_str()), (entry.as_str(), "{}"), "only the entry number is kept");
    assert_eq!(
        app.post_form(&delete(&spam), &curator, &[("csrf", &token), ("confirm", "yes")]).await.status,
        StatusCode::NOT_FOUND
    );

    // One accepted, one declined; an accepted offer is never deleted by hand.
    assert_eq!(
        app.post_form(&format!("/admin/offers/{ribbon}/accept"), &curator, &[("csrf", &token)]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.post_form(&format!("/admin/offers/{badge}/decline"), &curator, &[("csrf", &token)]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.post_form(&delete(&ribbon), &curator, &[("csrf", &token), ("confirm", "yes")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // `zbor offers purge`: nothing within the retention period…
    let purge = |days: &str| {
        std::fs::write(app.config.data_dir.join("zbor.toml"), format!("offer_retention_days = {days}\n")).unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_zbor"))
            .arg("--data-dir")
            .arg(&app.config.data_dir)
            .arg("--config")
            .arg(app.config.data_dir.join("zbor.toml"))
            .args(["offers", "purge"])
            .output()
            .unwrap()
    };
    let out = purge("180");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 2);
    // …and once decisions are older than it, the declined offer and both sealed records go;
    // the accepted one stays in the register.
    sqlx::query("UPDATE offers SET decided_on = '2020-01-01'").execute(&app.state.db.main).await.unwrap();
    let out = purge("0");
    assert!(out.status.success());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 2, "0 keeps everything");
    let out = purge("180");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Purged 1 declined offer(s) and 2 sealed record(s)"), "{said}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers WHERE sealed_purged = 1").await, 1);
    assert_eq!(app.state.vault.count().await.unwrap(), 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'offers-purged'").await, 1);
    let out = purge("180");
    assert!(out.status.success());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'offers-purged'").await, 1, "nothing twice");
    // Read last: opening the database files in this process drops SQLite's locks on them
    // (POSIX locks are per process), which the purges in other processes above rely on.
    for file in files_under(&app.config.data_dir) {
        assert!(!contains(&std::fs::read(&file).unwrap(), b"SPAM-CANARY"), "{}", file.display());
    }
}

/// Objects recorded in the panel are timestamped (their row, their audit entry); an offer's
/// entry number drawn between two of theirs would date it to within minutes. Offers number a
/// series of their own.
#[tokio::test]
async fn an_offers_entry_number_shares_no_series_with_timestamped_entries() {
    use chrono::Datelike;
    let (app, _) = TestApp::with_keyholder().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let mut objects = Vec::new();
    for title in ["Before", "After"] {
        if title == "After" {
            assert_eq!(offer(&app, &[("title", "Timed offer")], &[]).await.status, StatusCode::OK);
        }
        let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
        let fields = [("csrf", csrf.as_str()), ("object_type", "flag"), ("title_en", title)];
        let resp = app.post_form("/admin/objects/new", &cookie, &fields).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        let entry: String = sqlx::query_scalar("SELECT entry_number FROM objects WHERE title_en = ?")
            .bind(title)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
        objects.push(entry);
    }
    let year = chrono::Utc::now().year();
    assert_eq!(objects, [format!("E-{year}-D0001"), format!("E-{year}-D0002")], "no gap an offer could fill");
    let offered: String =
        sqlx::query_scalar("SELECT entry_number FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(offered, format!("E-{year}-0001"));
}

/// A part of a photo erased to transparency (a common way to hide a face or a name) keeps its
/// colour in the file unless zbor clears it: not in the kept master, not in the reviewers'
/// preview.
#[tokio::test]
async fn what_lies_under_transparent_pixels_is_kept_nowhere() {
    let (app, _) = TestApp::with_keyholder().await;
    let hidden = image::Rgba([17, 99, 201, 0]);
    let picture =
        image::RgbaImage::from_fn(80, 60, |x, _| if x < 40 { image::Rgba([200, 16, 46, 255]) } else { hidden });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(picture)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let resp = offer(&app, &[("title", "Erased")], &[("erased.png", &png)]).await;
    assert_eq!(resp.status, StatusCode::OK);
    let (master, preview): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT master, preview FROM offer_photos").fetch_one(&app.state.db.main).await.unwrap();
    let master = image::load_from_memory(&master).unwrap().to_rgba8();
    assert!(master.pixels().all(|p| p.0[..3] != hidden.0[..3]), "the hidden colour is in the master");
    let preview = image::load_from_memory(&preview).unwrap().to_rgb8();
    let bluish = preview.pixels().filter(|p| p.0[2] > 150 && p.0[0] < 100).count();
    assert_eq!(bluish, 0, "the reviewers' preview shows what was under the transparent half");
    let right = preview.get_pixel(preview.width() - 2, preview.height() / 2).0;
    assert!(right.iter().all(|c| *c > 240), "the transparent half is white: {right:?}");
}

/// A decline while a long read holds the database (a backup, an export) cannot empty the WAL
/// at once: it is emptied as soon as the read ends, not left holding the declined text.
#[tokio::test]
async fn the_wal_a_long_reader_kept_busy_is_emptied_when_it_ends() {
    let (app, _) = TestApp::with_keyholder().await;
    let fields = [("title", "Declined"), ("maker", "WAL-CANARY maker"), ("credit", "name"), ("credit_name", "Ales")];
    assert_eq!(offer(&app, &fields, &[]).await.status, StatusCode::OK);
    let id: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    let wal = app.config.data_dir.join("zbor.sqlite-wal");
    let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    // A reader in the middle of a long read.
    let mut reader = app.state.db.main.begin().await.unwrap();
    let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offers").fetch_one(&mut *reader).await.unwrap();
    let curator = app.staff_cookie("curator", Role::Curator).await;
    let token = app.token(&format!("/admin/offers/{id}"), Some(&curator)).await;
    let r = app.post_form(&format!("/admin/offers/{id}/decline"), &curator, &[("csrf", &token)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(size() > 0, "the reader kept the WAL");
    reader.rollback().await.unwrap();
    let started = std::time::Instant::now();
    while size() > 0 {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the WAL was never emptied");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!contains(&std::fs::read(app.config.main_db_path()).unwrap(), b"WAL-CANARY"));
}

/// A deletion while `contacts.sqlite` is locked (a keyholder's tool, a backup holding it) still
/// removes the sealed record once the lock goes, and a record a removal left behind (a crash
/// between the row and the record) goes with the next purge.
#[tokio::test]
async fn a_deleted_offers_sealed_record_goes_even_when_contacts_was_locked() {
    let (app, _) = TestApp::with_keyholder().await;
    assert_eq!(offer(&app, &[("title", "Spam"), ("contact", "LOCKED-CANARY")], &[]).await.status, StatusCode::OK);
    let id: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(app.state.vault.count().await.unwrap(), 1);
    // Another process holds the contacts database locked for a while.
    let mut other = zbor::db::open(&app.config.contacts_db_path(), 1).await.unwrap().acquire().await.unwrap().detach();
    sqlx::Executor::execute(&mut other, "BEGIN EXCLUSIVE").await.unwrap();
    let curator = app.staff_cookie("cora", Role::Curator).await;
    let token = app.token("/admin/offers", Some(&curator)).await;
    let gone =
        app.post_form(&format!("/admin/offers/{id}/delete"), &curator, &[("csrf", &token), ("confirm", "yes")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM offers").await, 0);
    sqlx::Executor::execute(&mut other, "ROLLBACK").await.unwrap();
    let started = std::time::Instant::now();
    while app.state.vault.count().await.unwrap() > 0 {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "the sealed record stayed");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // A record whose offer is gone, stored three days ago: the purge sweeps it (a record of
    // today may belong to an offer being stored at this moment, and is left for tomorrow's).
    assert_eq!(offer(&app, &[("title", "Kept")], &[]).await.status, StatusCode::OK);
    sqlx::Executor::execute(
        &mut other,
        "INSERT INTO sealed_records (offer_ref, ciphertext, created_on) VALUES
            ('stray', x'00', date('now', '-3 days')), ('stray#answer-1', x'00', date('now', '-3 days')),
            ('fresh', x'00', date('now'))",
    )
    .await
    .unwrap();
    let today = chrono::Utc::now().date_naive();
    let operator = zbor::collection::command::Actor::operator();
    let purged =
        zbor::donors::offers::purge(&app.state.db.writer, &app.state.vault, operator, 180, today).await.unwrap();
    assert_eq!(purged, zbor::donors::offers::Purged { offers: 0, records: 2 });
    assert_eq!(app.state.vault.count().await.unwrap(), 2, "the kept offer's record and today's stay");
}

/// An accepted offer's photo is its object's image: removing the image removes its files, as
/// for any other image (the offer's row no longer holds them).
#[tokio::test]
async fn removing_an_accepted_offers_photo_removes_its_files() {
    let (app, _) = TestApp::with_keyholder().await;
    let resp = offer(&app, &[("title", "Poster")], &[("poster.jpg", &plain_jpeg(640, 480))]).await;
    assert_eq!(resp.status, StatusCode::OK);
    let id: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    let curator = app.staff_cookie("cora", Role::Curator).await;
    let token = app.token(&format!("/admin/offers/{id}"), Some(&curator)).await;
    let r = app.post_form(&format!("/admin/offers/{id}/accept"), &curator, &[("csrf", &token)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    crate::media::drain_jobs(&app).await;
    assert!(!files_under(&app.config.uploads_dir).is_empty(), "the accepted photo has its files");
    let (object, media): (i64, i64) =
        sqlx::query_as("SELECT o.object_id, m.id FROM offers o JOIN media m ON m.object_id = o.object_id")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    let token = app.token(&format!("/admin/objects/{object}"), Some(&curator)).await;
    let removed = app
        .post_form(
            &format!("/admin/objects/{object}/media/{media}"),
            &curator,
            &[("csrf", &token), ("action", "remove")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(files_under(&app.config.uploads_dir), Vec::<std::path::PathBuf>::new(), "files stayed");
}

/// An answer stored whose count on the offer was not written (the main database busy at
/// that moment) does not make every later answer collide with its name.
#[tokio::test]
async fn an_answer_whose_count_was_lost_does_not_block_the_next() {
    let (app, _) = TestApp::with_keyholder().await;
    let resp = offer(&app, &[("title", "Poster"), ("want_receipt", "yes")], &[]).await;
    let receipt = resp.texts("#receipt-code").remove(0);
    assert_eq!(answer_with(&app, &receipt, "First answer").await.status, StatusCode::OK);
    // As if the count's update had failed after the answer was sealed and stored.
    sqlx::query("UPDATE offers SET answers = 0").execute(&app.state.db.main).await.unwrap();
    let next = answer_with(&app, &receipt, "Second answer").await;
    assert_eq!(next.status, StatusCode::OK);
    assert_eq!(next.texts("#answer-sent").len(), 1);
    assert_eq!(app.state.vault.count().await.unwrap(), 3, "the offer's record and both answers");
    assert_eq!(count(&app, "SELECT answers FROM offers").await, 2);
}
