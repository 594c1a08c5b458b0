//! The registrar's procedures through the panel: accessioning apart from publishing, the
//! register that never reuses a number, deaccession that keeps the number and never lets the
//! object be public again, condition reports with photos that stay private, valuations only
//! publishing roles see, and each object's history.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use zbor::auth::Role;
use zbor::collection::objects::{self, NewObject};

use crate::helpers::{Resp, TestApp, multipart, seed, t};
use crate::media::{assert_clean, drain_jobs, hostile_jpeg};

async fn draft(app: &TestApp, object_type: &str, title: &str) -> i64 {
    let mut conn = app.state.db.main.acquire().await.unwrap();
    objects::create_object(&mut conn, &NewObject::new(object_type, t(title, title, title)), 2026).await.unwrap().id
}

async fn post(app: &TestApp, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = app.token("/admin", Some(cookie)).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, cookie, &all).await
}

async fn get(app: &TestApp, uri: &str, cookie: &str) -> Resp {
    app.get_with(uri, &[("cookie", cookie)]).await
}

async fn number(app: &TestApp, id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap()
}

async fn state(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT state FROM objects WHERE id = ?").bind(id).fetch_one(&app.state.db.main).await.unwrap()
}

async fn actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id").fetch_all(&app.state.db.main).await.unwrap()
}

/// Posts a condition report (multipart) on object `id`.
pub async fn report(app: &TestApp, id: i64, cookie: &str, fields: &[(&str, &str)], photos: &[Vec<u8>]) -> Resp {
    let csrf = app.token("/admin", Some(cookie)).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let named: Vec<(&str, &[u8])> = photos.iter().map(|p| ("photo-of-my-home.jpg", p.as_slice())).collect();
    let (content_type, body) = multipart(&all, &named);
    let request = Request::post(format!("/admin/objects/{id}/condition"))
        .header("content-type", content_type)
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

#[tokio::test]
async fn accessioning_is_its_own_act_and_the_register_never_reuses_a_number() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let volunteer = app.staff_cookie("helper", Role::Volunteer).await;
    let letter = draft(&app, "letter", "Letter from a prisoner").await;
    let flag = draft(&app, "flag", "Flag").await;
    let poster = draft(&app, "poster", "Poster").await;
    let accession = |id: i64| format!("/admin/objects/{id}/accession");

    // Refused without changing anything: a volunteer, no authority, a date to come, a bad method.
    let fields = [("accessioned_on", "2026-03-12"), ("method", "gift"), ("authority", "Committee, minutes 12/03")];
    assert_eq!(post(&app, &accession(letter), &volunteer, &fields).await.status, StatusCode::FORBIDDEN);
    let refusals: [&[(&str, &str)]; 4] = [
        &[("method", "gift"), ("authority", "  ")],
        &[("accessioned_on", "2999-01-01"), ("authority", "Committee")],
        &[("method", "stolen"), ("authority", "Committee")],
        &[("accessioned_on", "12 March"), ("authority", "Committee")],
    ];
    let audited = actions(&app).await.len();
    for fields in refusals {
        let resp = post(&app, &accession(letter), &curator, fields).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert_eq!(resp.texts(".form-error").len(), 1, "{fields:?}: one clear message");
    }
    assert_eq!(number(&app, letter).await, None);
    assert_eq!(actions(&app).await.len(), audited, "a refusal is not audited: nothing changed");
    // A mistyped year before the object was even acquired: its number would keep it for good.
    sqlx::query("UPDATE objects SET acquired_on = '2025-06-01' WHERE id = ?")
        .bind(poster)
        .execute(&app.state.db.main)
        .await
        .unwrap();
    let typo = [("accessioned_on", "1001-01-01"), ("method", "gift"), ("authority", "Committee")];
    let resp = post(&app, &format!("{}?lang=en", accession(poster)), &curator, &typo).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.texts(".form-error").iter().any(|m| m.contains("before the object was acquired")),
        "{:?}",
        resp.texts(".form-error")
    );
    assert_eq!(number(&app, poster).await, None);

    // The letter enters the register and stays unpublished.
    let resp = post(&app, &accession(letter), &curator, &fields).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let letter_number = number(&app, letter).await.expect("a number");
    assert_eq!(letter_number, "MFB-2026-0001", "the number's year is the accession's");
    assert_eq!(state(&app, letter).await, "draft");
    assert_eq!(app.get(&format!("/objects/{letter_number}")).await.status, StatusCode::NOT_FOUND);
    let page = get(&app, &format!("/admin/objects/{letter}"), &curator).await;
    assert_eq!(page.texts(".register-number"), std::slice::from_ref(&letter_number));
    assert!(page.body.contains("Committee, minutes 12/03"));
    // Once given, a number never changes.
    let again = post(&app, &accession(letter), &curator, &[("authority", "Someone else")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(number(&app, letter).await.as_deref(), Some(letter_number.as_str()));

    // Deaccessioned: the number stays, marked; the object can never be published.
    let deaccession = [
        ("deaccessioned_on", "2026-04-01"),
        ("reason", "Returned at the family's request"),
        ("authority", "Director"),
        ("disposal", "return"),
    ];
    let before = post(&app, &format!("/admin/objects/{letter}/deaccession"), &curator, &[("reason", "x")]).await;
    assert_eq!(before.status, StatusCode::UNPROCESSABLE_ENTITY, "a deaccession needs its authority and method");
    let early = [("deaccessioned_on", "2026-03-01"), ("reason", "r"), ("authority", "a"), ("disposal", "return")];
    let early = post(&app, &format!("/admin/objects/{letter}/deaccession"), &curator, &early).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "not before the accession");
    let resp = post(&app, &format!("/admin/objects/{letter}/deaccession"), &curator, &deaccession).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_eq!(number(&app, letter).await.as_deref(), Some(letter_number.as_str()));
    let publish = post(&app, &format!("/admin/objects/{letter}/publish"), &curator, &[]).await;
    assert_eq!(publish.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(state(&app, letter).await, "draft");
    let forced = sqlx::query("UPDATE objects SET state = 'published' WHERE id = ?")
        .bind(letter)
        .execute(&app.state.db.main)
        .await;
    assert!(forced.is_err(), "the schema itself keeps a deaccessioned object unpublished");
    let twice = post(&app, &format!("/admin/objects/{letter}/deaccession"), &curator, &deaccession).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The next accession takes the next number, never the deaccessioned one's.
    let today = today();
    let fields = [("accessioned_on", today.as_str()), ("authority", "Committee")];
    assert_eq!(post(&app, &accession(flag), &curator, &fields).await.status, StatusCode::SEE_OTHER);
    let flag_number = number(&app, flag).await.unwrap();
    assert_ne!(flag_number, letter_number);
    // Publishing an accessioned object keeps its number; deaccessioning withdraws it.
    assert_eq!(
        post(&app, &format!("/admin/objects/{flag}/publish"), &curator, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(number(&app, flag).await.as_deref(), Some(flag_number.as_str()));
    assert_eq!(app.get(&format!("/objects/{flag_number}")).await.status, StatusCode::OK);
    let deaccession = [("reason", "Destroyed in a flood"), ("authority", "Director"), ("disposal", "destruction")];
    let resp = post(&app, &format!("/admin/objects/{flag}/deaccession"), &curator, &deaccession).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(state(&app, flag).await, "withdrawn");
    assert_eq!(app.get(&format!("/objects/{flag_number}")).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/objects?lang=en").await.body.contains("Flag"));

    // Publishing an object not yet accessioned accessions it in the same act, audited as such.
    assert_eq!(
        post(&app, &format!("/admin/objects/{poster}/publish"), &curator, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let poster_number = number(&app, poster).await.unwrap();
    let numbers = [&letter_number, &flag_number, &poster_number];
    assert_eq!(numbers.iter().collect::<std::collections::BTreeSet<_>>().len(), 3, "{numbers:?}");
    let tail: Vec<String> = actions(&app).await.into_iter().rev().take(2).collect();
    assert_eq!(tail, ["object-published", "object-accessioned"]);

    // The register lists every number, deaccessioned ones marked, also as CSV.
    let register = get(&app, "/admin/register", &volunteer).await;
    assert_eq!(register.status, StatusCode::OK);
    let mut shown = register.texts(".register-line td:first-child a");
    shown.sort();
    let mut expected = vec![letter_number.clone(), flag_number.clone(), poster_number.clone()];
    expected.sort();
    assert_eq!(shown, expected);
    assert_eq!(register.texts("tr.deaccessioned").len(), 2);
    let csv = get(&app, "/admin/register.csv", &curator).await;
    assert!(csv.header("content-type").starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    let letter_row = rows.iter().find(|r| &r[0] == letter_number.as_str()).unwrap();
    assert_eq!((&letter_row[6], &letter_row[9]), ("2026-04-01", "return"));
}

#[tokio::test]
async fn an_objects_history_lists_every_audited_change_with_old_and_new_values() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let volunteer = app.staff_cookie("helper", Role::Volunteer).await;
    let id = draft(&app, "badge", "Badge").await;
    let edit = [("object_type", "badge"), ("title_en", "Badge “Long live Belarus!”"), ("dimensions", "3 cm")];
    assert_eq!(post(&app, &format!("/admin/objects/{id}"), &curator, &edit).await.status, StatusCode::SEE_OTHER);
    let value = [("amount", "1200,50"), ("currency", "eur"), ("purpose", "insurance"), ("note", "for the loan")];
    assert_eq!(
        post(&app, &format!("/admin/objects/{id}/valuation"), &curator, &value).await.status,
        StatusCode::SEE_OTHER
    );
    let condition = [("condition", "fair"), ("notes", "pin bent")];
    assert_eq!(report(&app, id, &curator, &condition, &[]).await.status, StatusCode::SEE_OTHER);

    let history = get(&app, &format!("/admin/objects/{id}/history"), &curator).await;
    assert_eq!(history.status, StatusCode::OK);
    assert_eq!(history.texts(".audit-action"), ["object-edited", "valuation-recorded", "condition-reported"]);
    let changes = history.texts(".changes dd").join("|");
    assert!(changes.contains("Badge → Badge “Long live Belarus!”"), "{changes}");
    assert!(changes.contains("∅ → 3 cm"), "{changes}");
    assert!(changes.contains("120050"), "{changes}");
    // Volunteers see the history without the values.
    let theirs = get(&app, &format!("/admin/objects/{id}/history"), &volunteer).await;
    assert_eq!(theirs.texts(".audit-action"), ["object-edited", "condition-reported"]);
    assert!(!theirs.body.contains("120050") && !theirs.body.contains("for the loan"));
    assert_eq!(get(&app, "/admin/objects/999999/history", &curator).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn valuations_are_for_publishing_roles_only_and_never_public() {
    let app = TestApp::new().await;
    let fixture = seed(&app).await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let volunteer = app.staff_cookie("helper", Role::Volunteer).await;
    let flag: i64 = sqlx::query_scalar("SELECT id FROM objects WHERE accession_number = ?")
        .bind(&fixture.flag)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let uri = format!("/admin/objects/{flag}/valuation");
    let value = [("valued_on", "2026-01-10"), ("amount", "98765.43"), ("currency", "EUR"), ("purpose", "market")];
    assert_eq!(post(&app, &uri, &volunteer, &value).await.status, StatusCode::FORBIDDEN);
    for bad in [
        [("amount", "a lot"), ("currency", "EUR"), ("purpose", "market")],
        [("amount", "10"), ("currency", "euro"), ("purpose", "market")],
        [("amount", "10"), ("currency", "EUR"), ("purpose", "bribe")],
        [("amount", "-10"), ("currency", "EUR"), ("purpose", "market")],
    ] {
        assert_eq!(post(&app, &uri, &curator, &bad).await.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
    }
    assert_eq!(post(&app, &uri, &curator, &value).await.status, StatusCode::SEE_OTHER);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM valuations WHERE object_id = ?")
        .bind(flag)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(count, 2, "the seed's value and this one; the refused ones left nothing");

    let theirs = get(&app, &format!("/admin/objects/{flag}"), &curator).await;
    assert_eq!(theirs.texts(".valuation .amount")[0], "98765.43 EUR");
    let volunteers = get(&app, &format!("/admin/objects/{flag}"), &volunteer).await;
    assert_eq!(volunteers.status, StatusCode::OK);
    assert!(!volunteers.body.contains("98765") && !volunteers.body.contains("CANARY-VALUATION"));
    assert!(volunteers.texts("#valuation").is_empty());
    // The public side: the seed's canaries (a valuation's note among them) are checked on every
    // public page, open-data record, mirror file and backup by their own tests; this value too.
    app.refresh().await;
    for uri in [
        format!("/objects/{}?lang=en", fixture.flag),
        format!("/objects/{}.jsonld", fixture.flag),
        "/oai?verb=ListRecords&metadataPrefix=oai_dc".to_owned(),
        "/feed.atom".to_owned(),
    ] {
        let resp = app.get(&uri).await;
        assert_eq!(resp.status, StatusCode::OK, "{uri}");
        assert!(!resp.body.contains("98765") && !resp.body.contains("CANARY-VALUATION"), "{uri}");
    }
}

#[tokio::test]
async fn condition_reports_keep_their_photos_private_and_clean() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let volunteer = app.staff_cookie("helper", Role::Volunteer).await;
    let id = draft(&app, "painting", "Cat in white-red-white").await;
    let masters = || walk(&app.config.uploads_dir).len();
    let uploads_before = masters();

    // A bad grade or a file that is no photo records nothing and keeps no file.
    let refused = report(&app, id, &curator, &[("condition", "mint")], &[hostile_jpeg()]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let typed = [("condition", "poor"), ("notes", "Tear along the lower edge, 4 cm")];
    let refused = report(&app, id, &curator, &typed, &[hostile_jpeg(), b"not a photo".to_vec()]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.texts(".form-error").len(), 1);
    // What was typed comes back in the report's form (its photos to be chosen again).
    assert_eq!(refused.texts("#cond_notes"), ["Tear along the lower edge, 4 cm"]);
    assert_eq!(refused.attrs("#condition_grade option[selected]", "value"), ["poor"]);
    let future = [("condition", "good"), ("checked_on", "2999-01-01"), ("notes", "Kept notes")];
    let refused = report(&app, id, &curator, &future, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.texts("#cond_notes"), ["Kept notes"]);
    let reports: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM condition_reports").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(reports, 0);
    let media: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(media, 0);
    assert_eq!(masters(), uploads_before, "the photo sanitised for a refused report was not kept");

    // A volunteer records one on a draft, with a phone photo full of metadata.
    let fields = [("checked_on", "2026-02-01"), ("condition", "poor"), ("notes", "Tear at the lower edge")];
    let resp = report(&app, id, &volunteer, &fields, &[hostile_jpeg()]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    drain_jobs(&app).await;
    let (media_id, hash, derivatives, public): (i64, String, String, bool) = sqlx::query_as(
        "SELECT id, hash, derivatives, is_public FROM media WHERE condition_report IS NOT NULL AND object_id = ?",
    )
    .bind(id)
    .fetch_one(&app.state.db.main)
    .await
    .unwrap();
    assert!(!public);
    let page = get(&app, &format!("/admin/objects/{id}?lang=en"), &volunteer).await;
    assert_eq!(page.texts(".current-condition")[0], "Poor (2026-02-01)");
    assert!(page.body.contains("Tear at the lower edge"));
    assert!(page.attrs(".condition-photos img", "src")[0].starts_with(&format!("/admin/media/{derivatives}/")));
    assert!(page.attrs("#media img", "src").is_empty(), "not among the catalogue images");
    // Staff see it, cleaned; it is never public, not even by a crafted form or by hand.
    let (status, _, bytes) =
        app.get_bytes_with(&format!("/admin/media/{derivatives}/400.jpg"), &[("cookie", &volunteer)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_clean("condition photo", &bytes);
    for entry in walk(&app.config.uploads_dir) {
        assert_clean(&entry.display().to_string(), &std::fs::read(&entry).unwrap());
    }
    let make_public = [("action", "save"), ("is_public", "on")];
    let resp = post(&app, &format!("/admin/objects/{id}/media/{media_id}"), &curator, &make_public).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    let forced =
        sqlx::query("UPDATE media SET is_public = 1 WHERE id = ?").bind(media_id).execute(&app.state.db.main).await;
    assert!(forced.is_err());
    assert_eq!(post(&app, &format!("/admin/objects/{id}/publish"), &curator, &[]).await.status, StatusCode::SEE_OTHER);
    app.refresh().await;
    let accession = number(&app, id).await.unwrap();
    let public_page = app.get(&format!("/objects/{accession}")).await;
    assert!(!public_page.body.contains(&hash) && !public_page.body.contains(&derivatives));
    assert!(!public_page.body.contains("Tear at the lower edge"));
    assert_eq!(app.get(&format!("/media/{derivatives}/400.jpg")).await.status, StatusCode::NOT_FOUND);
    // A later report becomes the current condition.
    let fields = [("condition", "good"), ("notes", "Restored")];
    assert_eq!(report(&app, id, &curator, &fields, &[]).await.status, StatusCode::SEE_OTHER);
    let page = get(&app, &format!("/admin/objects/{id}?lang=en"), &curator).await;
    assert!(page.texts(".current-condition")[0].starts_with("Good"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
