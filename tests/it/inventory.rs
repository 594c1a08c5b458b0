//! Inventory: a stocktake of a location lists what the records put there (not what left or was
//! deaccessioned), staff tick what they find and add what is out of place, closing reports
//! what is missing, every act is audited, and the report downloads as a CSV no spreadsheet can
//! be tricked by.

use axum::http::StatusCode;
use zbor::auth::Role;
use zbor::collection::ExitKind;
use zbor::collection::objects::{self, NewObject};
use zbor::collection::whereabouts;

use crate::helpers::{Resp, TestApp, date, t};

async fn post(app: &TestApp, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = app.token("/admin", Some(cookie)).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, cookie, &all).await
}

/// An object moved to `location`; its id and entry number.
async fn object_at(app: &TestApp, title: &str, location: i64) -> (i64, String) {
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let made = objects::create_object(&mut conn, &NewObject::new("flag", t(title, title, title)), 2025).await.unwrap();
    whereabouts::move_object(&mut conn, made.id, location, date(2025, 3, 1), true, "").await.unwrap();
    (made.id, made.entry_number.to_string())
}

/// The stocktake page's rows: (number shown, status class).
fn rows(page: &Resp) -> Vec<(String, String)> {
    let numbers = page.texts(".stocktake-item td:nth-child(2)");
    let statuses = page.attrs(".stocktake-item", "class");
    numbers.into_iter().zip(statuses.into_iter().map(|c| c.trim_start_matches("stocktake-item ").to_owned())).collect()
}

async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&app.state.db.main).await.unwrap()
}

#[tokio::test]
async fn a_stocktake_finds_what_is_missing_and_what_is_out_of_place() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let volunteer = app.staff_cookie("helper", Role::Volunteer).await;
    let (store, shelf) = {
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let store = whereabouts::create_location(&mut conn, "Store room A", "").await.unwrap();
        (store, whereabouts::create_location(&mut conn, "Shelf B", "").await.unwrap())
    };
    let (a, a_entry) = object_at(&app, "Flag A", shelf).await;
    {
        // A was on the shelf and moved to the store room: it is expected there.
        let mut conn = app.state.db.main.acquire().await.unwrap();
        whereabouts::move_object(&mut conn, a, store, date(2025, 4, 1), true, "").await.unwrap();
    }
    let (b, b_entry) = object_at(&app, "Flag B", store).await;
    let (c, c_entry) = object_at(&app, "=HYPERLINK(\"http://evil.example/\",\"C\")", store).await;
    let (_, d_entry) = object_at(&app, "Flag D", shelf).await;
    let (lent, _) = object_at(&app, "Lent flag", store).await;
    let (gone, _) = object_at(&app, "Deaccessioned flag", store).await;
    {
        let mut conn = app.state.db.main.acquire().await.unwrap();
        whereabouts::record_exit(&mut conn, lent, ExitKind::LoanOut, date(2025, 5, 1), None, "").await.unwrap();
        sqlx::query(
            "INSERT INTO accessions (object_id, accessioned_on, deaccessioned_on, disposal_method)
             VALUES (?, '2025-01-01', '2025-06-01', 'loss')",
        )
        .bind(gone)
        .execute(&mut *conn)
        .await
        .unwrap();
    }

    // Only publishing roles start one; a bad location is refused.
    let start = [("location", &*store.to_string()), ("started_on", "2025-09-01"), ("note", "Annual check")];
    assert_eq!(post(&app, "/admin/stocktakes", &volunteer, &start).await.status, StatusCode::FORBIDDEN);
    let nowhere = post(&app, "/admin/stocktakes", &curator, &[("location", "999")]).await;
    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    let started = post(&app, "/admin/stocktakes", &curator, &start).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let uri = started.header("location").split('?').next().unwrap().to_owned();
    let again = post(&app, "/admin/stocktakes", &curator, &start).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "one open stocktake per location");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stocktakes").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(count, 1);

    // The list: what the records put in the store room, not what left or was deaccessioned.
    let page = app.get_with(&uri, &[("cookie", &volunteer)]).await;
    assert_eq!(page.status, StatusCode::OK);
    let mut expected = vec![a_entry.clone(), b_entry.clone(), c_entry.clone()];
    expected.sort();
    let listed: Vec<String> = rows(&page).into_iter().map(|(n, _)| n).collect();
    assert_eq!(listed, expected);
    assert!(rows(&page).iter().all(|(_, s)| s == "missing"), "nothing found yet");

    // A volunteer ticks A and B and types D's number: D is out of place.
    let (a_s, b_s, c_s) = (a.to_string(), b.to_string(), c.to_string());
    let shown = [("shown", a_s.as_str()), ("shown", b_s.as_str()), ("shown", c_s.as_str())];
    let mut fields = shown.to_vec();
    fields.extend([("found", a_s.as_str()), ("found", b_s.as_str()), ("number", d_entry.as_str())]);
    let ticked = post(&app, &uri, &volunteer, &fields).await;
    assert_eq!(ticked.status, StatusCode::SEE_OTHER);
    let page = app.get_with(&uri, &[("cookie", &volunteer)]).await;
    let status = |entry: &str| rows(&page).into_iter().find(|(n, _)| n == entry).map(|(_, s)| s).unwrap();
    assert_eq!(
        [status(&a_entry), status(&b_entry), status(&c_entry), status(&d_entry)],
        ["found", "found", "missing", "out-of-place"]
    );
    assert_eq!(page.texts(".missing-count"), ["1"]);
    assert_eq!(page.texts(".out-of-place-count"), ["1"]);
    assert!(page.texts(".stocktake-item.out-of-place td").iter().any(|c| c == "Shelf B"), "where the records put D");

    // A page loaded before D was added leaves D as it is: only what it showed changes.
    let mut stale = shown.to_vec();
    stale.extend([("found", a_s.as_str()), ("found", b_s.as_str())]);
    assert_eq!(post(&app, &uri, &volunteer, &stale).await.status, StatusCode::SEE_OTHER);
    let page = app.get_with(&uri, &[("cookie", &volunteer)]).await;
    assert_eq!(page.texts(".out-of-place-count"), ["1"]);

    // Refused, changing nothing: a number no object has.
    let before = (audit_count(&app).await, rows(&page));
    let mut unknown = shown.to_vec();
    unknown.extend([("found", a_s.as_str()), ("found", b_s.as_str()), ("number", "NO-SUCH-1")]);
    let unknown = post(&app, &uri, &volunteer, &unknown).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.texts(".form-error").len(), 1);
    let page = app.get_with(&uri, &[("cookie", &volunteer)]).await;
    assert_eq!((audit_count(&app).await, rows(&page)), before);
    // The ticks sent with a refused number are kept all the same.
    let with_c = [("shown", c_s.as_str()), ("found", c_s.as_str()), ("number", "NO-SUCH-2")];
    assert_eq!(post(&app, &uri, &volunteer, &with_c).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = app.get_with(&uri, &[("cookie", &volunteer)]).await;
    assert_eq!(page.texts(".missing-count"), ["0"]);
    let without_c = [("shown", c_s.as_str())];
    assert_eq!(post(&app, &uri, &volunteer, &without_c).await.status, StatusCode::SEE_OTHER);

    // Closing: publishing roles only; the report is final.
    let close = format!("{uri}/close");
    assert_eq!(post(&app, &close, &volunteer, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        post(&app, &close, &curator, &[("closed_on", "2025-08-31")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(post(&app, &close, &curator, &[("closed_on", "2025-09-02")]).await.status, StatusCode::SEE_OTHER);
    let before = (audit_count(&app).await, rows(&app.get_with(&uri, &[("cookie", &curator)]).await));
    let late = post(&app, &uri, &volunteer, &[("found", &a.to_string())]).await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY, "a closed stocktake takes no ticks");
    assert_eq!(post(&app, &close, &curator, &[]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((audit_count(&app).await, rows(&app.get_with(&uri, &[("cookie", &curator)]).await)), before);

    // Every act audited, the close with what is missing and out of place.
    let audit: Vec<(String, String, String)> =
        sqlx::query_as("SELECT action, target, details FROM audit_log WHERE action LIKE 'stocktake-%' ORDER BY id")
            .fetch_all(&app.state.db.main)
            .await
            .unwrap();
    let actions: Vec<&str> = audit.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        // The first post's ticks and its number are two acts.
        [
            "stocktake-started",
            "stocktake-ticked",
            "stocktake-ticked",
            "stocktake-ticked",
            "stocktake-ticked",
            "stocktake-closed"
        ]
    );
    assert!(audit.iter().all(|(_, target, _)| target == "Store room A"));
    let closed: serde_json::Value = serde_json::from_str(&audit[5].2).unwrap();
    assert_eq!(closed["missing"], serde_json::json!([c_entry]));
    assert_eq!(closed["out_of_place"], serde_json::json!([d_entry]));

    // The report as a spreadsheet opens it; a title that looks like a formula stays text.
    let csv = app.get_with(&format!("{uri}/report.csv"), &[("cookie", &volunteer)]).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 4);
    let c_row = records.iter().find(|r| &r[2] == c_entry.as_str()).unwrap();
    assert_eq!(&c_row[3], "'=HYPERLINK(\"http://evil.example/\",\"C\")");
    assert_eq!(&c_row[4], "missing");
    let d_row = records.iter().find(|r| &r[2] == d_entry.as_str()).unwrap();
    assert_eq!((&d_row[4], &d_row[5]), ("out-of-place", "Shelf B"));
    // Not for anyone outside.
    assert_eq!(app.get(&format!("{uri}/report.csv")).await.status, StatusCode::SEE_OTHER);
}
