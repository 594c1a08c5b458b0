//! Batch editing from the object list: a preview that changes nothing, then one transaction
//! with one audit entry per object changed; the ordinary rules refuse objects one by one; every
//! result of a search can be chosen; bad input changes nothing.

use axum::http::StatusCode;
use zbor::auth::Role;
use zbor::collection::objects::{self, NewObject};
use zbor::collection::whereabouts;

use crate::helpers::{Resp, TestApp, t};

async fn post(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = app.token("/admin", Some(cookie)).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form("/admin/objects/batch", cookie, &all).await
}

async fn draft(app: &TestApp, object_type: &str, title: &str) -> i64 {
    let mut conn = app.state.db.main.acquire().await.unwrap();
    objects::create_object(&mut conn, &NewObject::new(object_type, t(title, title, title)), 2026).await.unwrap().id
}

async fn column(app: &TestApp, id: i64, column: &str) -> Option<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {column} FROM objects WHERE id = ?")))
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap()
}

async fn audit(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT action, target FROM audit_log ORDER BY id").fetch_all(&app.state.db.main).await.unwrap()
}

/// The preview's rows: (entry number, outcome class).
fn outcomes(page: &Resp) -> Vec<(String, String)> {
    let entries = page.texts(".batch-outcome td:first-child");
    let classes = page.attrs(".batch-outcome", "class");
    entries.into_iter().zip(classes.into_iter().map(|c| c.trim_start_matches("batch-outcome ").to_owned())).collect()
}

#[tokio::test]
async fn a_batch_is_previewed_then_applied_in_one_transaction_with_an_entry_per_object() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let volunteer = app.staff_cookie("helper", Role::Volunteer).await;
    let a = draft(&app, "flag", "Flag from Hrodna").await;
    let b = draft(&app, "flag", "Flag from Brest").await;
    let c = draft(&app, "flag", "Banner from Minsk").await;
    let photo = draft(&app, "photograph", "Flag at the march, photographed").await;
    let (a_s, b_s, photo_s) = (a.to_string(), b.to_string(), photo.to_string());

    let to_poster = [("ids", a_s.as_str()), ("ids", b_s.as_str()), ("change", "type"), ("to_type", "poster")];
    assert_eq!(post(&app, &volunteer, &to_poster).await.status, StatusCode::FORBIDDEN);

    // The preview names each object and changes nothing.
    let before = audit(&app).await;
    let preview = post(&app, &curator, &to_poster).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(outcomes(&preview).iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(), ["changes", "changes"]);
    assert_eq!(column(&app, a, "object_type").await.as_deref(), Some("flag"));
    assert_eq!(audit(&app).await, before);

    // Confirming sends back exactly what the preview showed.
    let mut confirm: Vec<(String, String)> = preview
        .attrs("form[action='/admin/objects/batch'] input[type=hidden]", "name")
        .into_iter()
        .zip(preview.attrs("form[action='/admin/objects/batch'] input[type=hidden]", "value"))
        .filter(|(name, _)| name != "csrf")
        .collect();
    assert!(confirm.contains(&("confirm".to_owned(), "yes".to_owned())));
    confirm.retain(|(n, _)| n != "confirm");
    let mut fields: Vec<(&str, &str)> = confirm.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    fields.push(("confirm", "yes"));
    let done = post(&app, &curator, &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.header("location"), "/admin/objects?done=batch&changed=2");
    assert_eq!(column(&app, a, "object_type").await.as_deref(), Some("poster"));
    assert_eq!(column(&app, b, "object_type").await.as_deref(), Some("poster"));
    assert_eq!(column(&app, c, "object_type").await.as_deref(), Some("flag"));
    let after = audit(&app).await;
    assert_eq!(after.len(), before.len() + 2, "one entry per object changed");
    assert!(after[before.len()..].iter().all(|(action, _)| action == "object-edited"));
    let list = app.get_with(done.header("location"), &[("cookie", &curator)]).await;
    assert_eq!(list.texts(".flash").len(), 1);

    // Publishing: the photograph needs its photos checked in the editor, so it is left as it
    // is and named; the others are published, each with its own entries.
    let publish = [("ids", a_s.as_str()), ("ids", photo_s.as_str()), ("change", "publish")];
    let preview = post(&app, &curator, &publish).await;
    assert_eq!(preview.status, StatusCode::OK);
    let rows = outcomes(&preview);
    assert_eq!(rows.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(), ["changes", "refused"]);
    let reason = app.state.translations.get(zbor::i18n::Lang::Be, "edit-error-photos-check", None);
    assert!(preview.texts(".batch-outcome.refused td").iter().any(|t| t.contains(&reason)), "the reason is given");
    let mut confirmed = publish.to_vec();
    confirmed.push(("confirm", "yes"));
    assert_eq!(post(&app, &curator, &confirmed).await.header("location"), "/admin/objects?done=batch&changed=1");
    assert_eq!(column(&app, a, "state").await.as_deref(), Some("published"));
    assert!(column(&app, a, "accession_number").await.is_some());
    assert_eq!(column(&app, photo, "state").await.as_deref(), Some("draft"));
    assert_eq!(column(&app, photo, "accession_number").await, None, "nothing of the refused object stays");

    // Every result of a search: the two flags' titles have "Flag"; the banner's does not.
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let shelf = whereabouts::create_location(&mut conn, "Shelf 4", "").await.unwrap().to_string();
    drop(conn);
    let all = [
        ("all", "on"),
        ("q", "flag from"),
        ("change", "location"),
        ("to_location", shelf.as_str()),
        ("confirm", "yes"),
    ];
    assert_eq!(post(&app, &curator, &all).await.header("location"), "/admin/objects?done=batch&changed=2");
    for (id, moved) in [(a, true), (b, true), (c, false), (photo, false)] {
        let moves: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM object_movements WHERE object_id = ?")
            .bind(id)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
        assert_eq!(moves, i64::from(moved), "object {id}");
    }
    // Already there: no change, no entry.
    let before = audit(&app).await;
    assert_eq!(post(&app, &curator, &all).await.header("location"), "/admin/objects?done=batch&changed=0");
    assert_eq!(audit(&app).await, before);

    // Added to an open stocktake of the shelf.
    let start = [("csrf", ""), ("location", shelf.as_str())];
    let csrf = app.token("/admin", Some(&curator)).await;
    let start: Vec<(&str, &str)> =
        start.iter().map(|(k, v)| if *k == "csrf" { (*k, csrf.as_str()) } else { (*k, *v) }).collect();
    let started = app.post_form("/admin/stocktakes", &curator, &start).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let stocktake =
        started.header("location").trim_start_matches("/admin/stocktakes/").split('?').next().unwrap().to_owned();
    let c_s = c.to_string();
    let list =
        [("ids", c_s.as_str()), ("change", "stocktake"), ("to_stocktake", stocktake.as_str()), ("confirm", "yes")];
    assert_eq!(post(&app, &curator, &list).await.header("location"), "/admin/objects?done=batch&changed=1");
    let listed: Vec<i64> =
        sqlx::query_scalar("SELECT object_id FROM stocktake_items WHERE stocktake_id = ? ORDER BY object_id")
            .bind(stocktake.parse::<i64>().unwrap())
            .fetch_all(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(listed, [a, b, c]);
}

#[tokio::test]
async fn a_bad_batch_is_refused_with_a_message_and_changes_nothing() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let a = draft(&app, "flag", "Flag").await.to_string();
    let before = audit(&app).await;
    let bad: [&[(&str, &str)]; 8] = [
        &[("change", "type"), ("to_type", "poster"), ("confirm", "yes")],
        &[("ids", &a), ("confirm", "yes")],
        &[("ids", &a), ("change", "explode"), ("confirm", "yes")],
        &[("ids", &a), ("change", "type"), ("to_type", "no-such-type"), ("confirm", "yes")],
        &[("ids", &a), ("change", "rights"), ("to_rights", "http://example.org/mine/"), ("confirm", "yes")],
        &[("ids", &a), ("change", "location"), ("to_location", "x"), ("confirm", "yes")],
        &[("ids", &a), ("change", "location"), ("to_location", "999"), ("confirm", "yes")],
        &[("ids", &a), ("change", "maker"), ("to_maker", "999")],
    ];
    for fields in bad {
        let resp = post(&app, &curator, fields).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}: {}", resp.body);
        assert_eq!(resp.texts(".form-error").len(), 1, "{fields:?}");
    }
    // Nothing to change: the preview offers nothing to confirm.
    let preview = post(&app, &curator, &[("ids", &a), ("change", "withdraw")]).await;
    assert_eq!(outcomes(&preview).iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(), ["unchanged"]);
    assert!(preview.attrs("input[name=confirm]", "value").is_empty(), "nothing to confirm");
    assert_eq!(audit(&app).await, before);
    let moves: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM object_movements").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(moves, 0);
}
