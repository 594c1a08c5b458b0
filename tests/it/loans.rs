//! Loans: arranged with an organisation, objects added by number or by a batch action, agreed,
//! sent and returned in order only; a loan out asks for a condition report of every object at
//! departure and again at return; sending and returning record exits and moves so each object's
//! whereabouts stay whole; active loans on the dashboard; nothing of a loan public.

use axum::http::StatusCode;
use zbor::auth::Role;
use zbor::collection::authorities::{self, NewEvent};
use zbor::collection::objects::{self, NewObject};
use zbor::collection::{EventKind, Text3, whereabouts};

use crate::helpers::{Resp, TestApp, date, publish, t};
use crate::register::report;

async fn post(app: &TestApp, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = app.token("/admin", Some(cookie)).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, cookie, &all).await
}

async fn object_at(app: &TestApp, title: &str, location: i64) -> (i64, String) {
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let made =
        objects::create_object(&mut conn, &NewObject::new("poster", t(title, title, title)), 2025).await.unwrap();
    whereabouts::move_object(&mut conn, made.id, location, date(2025, 3, 1), true, "").await.unwrap();
    (made.id, made.entry_number.to_string())
}

async fn status(app: &TestApp, loan: &str) -> String {
    sqlx::query_scalar("SELECT status FROM loans WHERE id = ?").bind(loan).fetch_one(&app.state.db.main).await.unwrap()
}

async fn exits(app: &TestApp, object: i64) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as("SELECT kind, exit_on, expected_back FROM object_exits WHERE object_id = ? ORDER BY id")
        .bind(object)
        .fetch_all(&app.state.db.main)
        .await
        .unwrap()
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

#[tokio::test]
async fn a_loan_out_goes_in_order_with_condition_reports_and_whole_whereabouts() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let volunteer = app.staff_cookie("helper", Role::Volunteer).await;
    let (store, museum, exhibition) = {
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let store = whereabouts::create_location(&mut conn, "Store room", "").await.unwrap();
        let name = t("Музей у Вільні", "Museum in Vilnius", "Музей в Вильнюсе");
        let museum = authorities::create_organisation(&mut conn, &name, "").await.unwrap();
        let event = NewEvent {
            kind: EventKind::Exhibition,
            name: t("Выстава", "Exhibition", "Выставка"),
            description: Text3::default(),
            starts_on: None,
            ends_on: None,
            place_id: None,
            organisation_id: None,
        };
        (store, museum, authorities::create_event(&mut conn, &event).await.unwrap())
    };
    let (a, a_entry) = object_at(&app, "Poster A", store).await;
    let (b, _) = object_at(&app, "Poster B", store).await;
    let accession = {
        let mut conn = app.state.db.main.acquire().await.unwrap();
        publish(&mut conn, a, "MFB-{year}-{seq:04}", 2025).await
    };
    app.state.public.refresh(&app.state.db.main).await.unwrap();

    let (org, event) = (museum.to_string(), exhibition.to_string());
    let loan = [
        ("direction", "out"),
        ("organisation", org.as_str()),
        ("event", event.as_str()),
        ("reference", "CANARY-LOAN-REF 2026/14"),
        ("starts_on", "2026-01-10"),
        ("ends_on", "2026-03-31"),
        ("insurance", "12000"),
        ("currency", "EUR"),
        ("conditions", "CANARY-LOAN-CONDITIONS 50 lux at most"),
    ];
    assert_eq!(post(&app, "/admin/loans", &volunteer, &loan).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get_with("/admin/loans", &[("cookie", &volunteer)]).await.status, StatusCode::FORBIDDEN);
    // Refused, recording nothing: dates in the wrong order, a bad currency, no organisation.
    for (field, value) in [
        ("ends_on", "2025-12-31"),
        ("ends_on", "+10000-01-01"),
        ("currency", "euro"),
        ("organisation", "999"),
        ("direction", "sideways"),
    ] {
        let mut bad = loan.to_vec();
        bad.retain(|(k, _)| *k != field);
        bad.push((field, value));
        let refused = post(&app, "/admin/loans", &curator, &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(refused.texts(".form-error").len(), 1, "{field}");
        // What was typed comes back, the long conditions text above all.
        assert_eq!(refused.texts("#conditions"), ["CANARY-LOAN-CONDITIONS 50 lux at most"], "{field}");
        assert_eq!(refused.attrs("#reference", "value"), ["CANARY-LOAN-REF 2026/14"], "{field}");
        if field != "organisation" {
            assert_eq!(refused.attrs("#organisation option[selected]", "value"), [org.as_str()], "{field}");
        }
    }
    let none: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM loans").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(none, 0);
    let created = post(&app, "/admin/loans", &curator, &loan).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let uri = created.header("location").split('?').next().unwrap().to_owned();
    let id = uri.trim_start_matches("/admin/loans/").to_owned();

    // Two objects put on it with a batch action from the object list.
    let (a_s, b_s) = (a.to_string(), b.to_string());
    let batch = [
        ("ids", a_s.as_str()),
        ("ids", b_s.as_str()),
        ("change", "loan"),
        ("to_loan", id.as_str()),
        ("confirm", "yes"),
    ];
    let done = post(&app, "/admin/objects/batch", &curator, &batch).await;
    assert_eq!(done.header("location"), "/admin/objects?done=batch&changed=2");
    // An object is on one loan at a time.
    let other = post(&app, "/admin/loans", &curator, &loan).await;
    let other = other.header("location").split('?').next().unwrap().to_owned();
    let refused = post(&app, &format!("{other}/objects"), &curator, &[("number", &a_entry)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nor may a deaccessioned object go on loan.
    let (gone, gone_entry) = object_at(&app, "Poster deaccessioned", store).await;
    sqlx::query(
        "INSERT INTO accessions (object_id, accessioned_on, deaccessioned_on, disposal_method)
         VALUES (?, '2025-01-01', '2025-06-01', 'loss')",
    )
    .bind(gone)
    .execute(&app.state.db.main)
    .await
    .unwrap();
    let refused = post(&app, &format!("{other}/objects"), &curator, &[("number", &gone_entry)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The loan is for publishing roles: a volunteer's history of the object does not show it.
    let history = app.get_with(&format!("/admin/objects/{b}/history"), &[("cookie", &volunteer)]).await;
    assert!(
        history.texts(".audit-action").iter().all(|a| !a.starts_with("loan")),
        "{:?}",
        history.texts(".audit-action")
    );
    let theirs = app.get_with(&format!("/admin/objects/{b}/history"), &[("cookie", &curator)]).await;
    assert!(theirs.texts(".audit-action").iter().any(|a| a == "loan-object-added"));

    // In order only; departure needs every object's condition reported.
    let step = format!("{uri}/step");
    let send = [("step", "send"), ("on", &today())];
    assert_eq!(post(&app, &step, &curator, &send).await.status, StatusCode::UNPROCESSABLE_ENTITY, "not agreed yet");
    assert_eq!(post(&app, &step, &curator, &[("step", "agree")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(status(&app, &id).await, "agreed");
    report(&app, a, &curator, &[("condition", "good")], &[]).await;
    let refused = post(&app, &step, &curator, &send).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "B has no report yet");
    assert!((exits(&app, a).await.is_empty()), "nothing of a refused step stays");
    report(&app, b, &curator, &[("condition", "fair"), ("notes", "corner torn")], &[]).await;
    assert_eq!(post(&app, &step, &curator, &send).await.status, StatusCode::SEE_OTHER);
    assert_eq!(status(&app, &id).await, "active");
    for object in [a, b] {
        assert_eq!(exits(&app, object).await, [("loan_out".to_owned(), today(), Some("2026-03-31".to_owned()))]);
    }

    // On the dashboard of publishing roles, as out; never a volunteer's.
    let dashboard = app.get_with("/admin?lang=en", &[("cookie", &curator)]).await;
    let listed = dashboard.texts(".loans-active .loan");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].contains("Loan out") && listed[0].contains("Objects: 2"), "{listed:?}");
    assert!(dashboard.texts(".loans-active .loan.overdue").len() == 1, "past its end date");
    let theirs = app.get_with("/admin", &[("cookie", &volunteer)]).await;
    assert!(theirs.texts(".loans-active").is_empty() && !theirs.body.contains("CANARY-LOAN"));

    // The object on loan stays public; nothing of the loan is.
    let public = app.get(&format!("/objects/{accession}")).await;
    assert_eq!(public.status, StatusCode::OK);
    let oai = app.get("/oai?verb=ListRecords&metadataPrefix=edm").await;
    for page in [&public, &oai] {
        assert!(!page.body.contains("CANARY-LOAN") && !page.body.contains("Vilnius"));
    }

    // Return: a condition report newer than the one each object left with.
    let back = [("step", "return"), ("on", &today()), ("location", &store.to_string())];
    assert_eq!(post(&app, &step, &curator, &back).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    report(&app, a, &curator, &[("condition", "good")], &[]).await;
    report(&app, b, &curator, &[("condition", "fair")], &[]).await;
    assert_eq!(post(&app, &step, &curator, &back).await.status, StatusCode::SEE_OTHER);
    assert_eq!(status(&app, &id).await, "returned");
    assert_eq!(post(&app, &step, &curator, &back).await.status, StatusCode::UNPROCESSABLE_ENTITY, "once only");
    // Whereabouts stay whole: the exit, then the move back to the store room, where it is now.
    let now = whereabouts::whereabouts(&app.state.db.main, a).await.unwrap();
    assert_eq!(now.current.as_deref(), Some("Store room"));
    assert_eq!(now.history.len(), 2);
    assert!(now.history[0].reason.starts_with(&format!("loan {id}")));
    assert_eq!(now.exits.len(), 1);
    assert!(app.get_with("/admin", &[("cookie", &curator)]).await.texts(".loans-active").is_empty());

    // Every act audited.
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'loan-%' OR action IN ('object-exit', 'object-moved') ORDER BY id")
            .fetch_all(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "loan-created",
            "loan-object-added",
            "loan-object-added",
            "loan-created",
            "loan-agreed",
            "object-exit",
            "object-exit",
            "loan-sent",
            "object-moved",
            "object-moved",
            "loan-returned"
        ]
    );
}

#[tokio::test]
async fn a_loan_in_arrives_at_a_location_and_leaves_with_an_exit() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let (store, lender) = {
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let store = whereabouts::create_location(&mut conn, "Showcase 2", "").await.unwrap();
        (store, authorities::create_organisation(&mut conn, &t("Фонд", "Foundation", "Фонд"), "").await.unwrap())
    };
    let entry = {
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let made = objects::create_object(&mut conn, &NewObject::new("flag", t("Flag lent to us", "", "")), 2026)
            .await
            .unwrap();
        (made.id, made.entry_number.to_string())
    };
    let lender = lender.to_string();
    let fields = [
        ("direction", "in"),
        ("organisation", lender.as_str()),
        ("starts_on", "2026-02-01"),
        ("ends_on", "2026-02-28"),
    ];
    let uri =
        post(&app, "/admin/loans", &curator, &fields).await.header("location").split('?').next().unwrap().to_owned();
    assert_eq!(
        post(&app, &format!("{uri}/objects"), &curator, &[("number", &entry.1)]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &format!("{uri}/objects"), &curator, &[("number", "NO-SUCH")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let step = format!("{uri}/step");
    assert_eq!(post(&app, &step, &curator, &[("step", "agree")]).await.status, StatusCode::SEE_OTHER);
    let arrive = [("step", "send"), ("on", "2026-02-01"), ("location", &store.to_string())];
    assert_eq!(post(&app, &step, &curator, &arrive).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        whereabouts::whereabouts(&app.state.db.main, entry.0).await.unwrap().current.as_deref(),
        Some("Showcase 2")
    );
    assert_eq!(
        post(&app, &step, &curator, &[("step", "return"), ("on", "2026-01-01")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "before it came"
    );
    assert_eq!(
        post(&app, &step, &curator, &[("step", "return"), ("on", "2026-03-01")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(exits(&app, entry.0).await, [("return".to_owned(), "2026-03-01".to_owned(), None)]);
    assert_eq!(post(&app, &step, &curator, &[("step", "cancel")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// An object lost at the borrower's and deaccessioned while the loan is out does not come
/// back to the shelf with the others when the loan returns.
#[tokio::test]
async fn an_object_deaccessioned_while_on_loan_does_not_come_back_with_it() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let (store, museum) = {
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let store = whereabouts::create_location(&mut conn, "Store room", "").await.unwrap();
        let name = t("Музей", "Museum in Vilnius", "Музей");
        (store, authorities::create_organisation(&mut conn, &name, "").await.unwrap())
    };
    let (lost, _) = object_at(&app, "Poster lost", store).await;
    let (kept, kept_entry) = object_at(&app, "Poster kept", store).await;
    {
        let mut conn = app.state.db.main.acquire().await.unwrap();
        publish(&mut conn, lost, "MFB-{year}-{seq:04}", 2025).await;
    }
    let org = museum.to_string();
    let loan =
        [("direction", "out"), ("organisation", org.as_str()), ("starts_on", "2026-01-10"), ("ends_on", "2026-03-31")];
    let created = post(&app, "/admin/loans", &curator, &loan).await;
    let uri = created.header("location").split('?').next().unwrap().to_owned();
    let lost_entry: String = sqlx::query_scalar("SELECT entry_number FROM objects WHERE id = ?")
        .bind(lost)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    for entry in [&lost_entry, &kept_entry] {
        assert_eq!(
            post(&app, &format!("{uri}/objects"), &curator, &[("number", entry)]).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let step = format!("{uri}/step");
    assert_eq!(post(&app, &step, &curator, &[("step", "agree")]).await.status, StatusCode::SEE_OTHER);
    for object in [lost, kept] {
        report(&app, object, &curator, &[("condition", "good")], &[]).await;
    }
    assert_eq!(post(&app, &step, &curator, &[("step", "send"), ("on", &today())]).await.status, StatusCode::SEE_OTHER);
    // Lost at the borrower's.
    let gone = [
        ("deaccessioned_on", today()),
        ("reason", "Lost in transit".into()),
        ("authority", "Board".into()),
        ("disposal", "loss".into()),
    ];
    let gone: Vec<(&str, &str)> = gone.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = post(&app, &format!("/admin/objects/{lost}/deaccession"), &curator, &gone).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // The kept one is checked again on its return; the lost one cannot be, and need not.
    report(&app, kept, &curator, &[("condition", "good")], &[]).await;
    let back = [("step", "return"), ("on", &today()), ("location", &store.to_string())];
    let returned = post(&app, &step, &curator, &back).await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.body);
    let kept_now = whereabouts::whereabouts(&app.state.db.main, kept).await.unwrap();
    assert_eq!(kept_now.history.len(), 2, "moved back");
    let lost_now = whereabouts::whereabouts(&app.state.db.main, lost).await.unwrap();
    assert_eq!(lost_now.history.len(), 1, "not moved back to the shelf: {:?}", lost_now.history);
}
