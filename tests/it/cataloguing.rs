//! Cataloguing in the panel through the router: every field in three languages, validation,
//! provenance, photos, publication with its preview, and every admin route with every role.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};

use crate::helpers::{Resp, TestApp, multipart, t};
use crate::media::{drain_jobs, plain_jpeg};
use zbor::auth::Role;
use zbor::collection::authorities::{self, NewEvent, NewMaker};
use zbor::collection::objects;
use zbor::collection::{EventKind, MakerKind, Text3};

/// Every field of the editor, as a curator would type it.
fn every_field(maker: i64, event: i64) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = [
        ("object_type", "banner"),
        ("title_be", "Сцяг з Ракава"),
        ("title_en", "Banner from Rakaw"),
        ("title_ru", "Флаг из Ракова"),
        ("description_be", "Пашыты ўручную"),
        ("description_en", "Sewn by hand"),
        ("description_ru", "Сшит вручную"),
        ("materials_be", "бавоўна"),
        ("materials_en", "cotton"),
        ("materials_ru", "хлопок"),
        ("inscription_be", "ЖЫВЕ БЕЛАРУСЬ"),
        ("inscription_en", "LONG LIVE BELARUS"),
        ("inscription_ru", "ЖИВЕ БЕЛАРУСЬ"),
        ("inscription_public", "on"),
        ("dimensions", "100 × 150 cm"),
        ("parts", "2"),
        ("date_qualifier", "between"),
        ("date_earliest", "2020"),
        ("date_latest", "2021"),
        ("acquisition_method", "deposit"),
        ("acquired_on", "2023-12-24"),
        ("owner", "depositor"),
        ("internal_notes", "CANARY-NOTES shelf B"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    pairs.push(("maker".into(), maker.to_string()));
    pairs.push(("event".into(), event.to_string()));
    pairs
}

async fn authorities(app: &TestApp) -> (i64, i64) {
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let maker = authorities::create_maker(
        &mut conn,
        &NewMaker {
            kind: MakerKind::Person,
            name: Text3::same("Olga Yakubovskaya"),
            bio: Text3::default(),
            private_notes: String::new(),
        },
    )
    .await
    .unwrap();
    let event = authorities::create_event(
        &mut conn,
        &NewEvent {
            kind: EventKind::March,
            name: t("Марш", "March", "Марш"),
            description: Text3::default(),
            starts_on: Some("2020-08-16".into()),
            ends_on: None,
            place_id: None,
            organisation_id: None,
        },
    )
    .await
    .unwrap();
    (maker, event)
}

async fn post(app: &TestApp, uri: &str, cookie: &str, csrf: &str, pairs: &[(String, String)]) -> Resp {
    let mut all = vec![("csrf".to_owned(), csrf.to_owned())];
    all.extend_from_slice(pairs);
    let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form(uri, cookie, &refs).await
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Creates an object through the panel; returns its id.
async fn create(app: &TestApp, cookie: &str, csrf: &str, fields: &[(String, String)]) -> i64 {
    let resp = post(app, "/admin/objects/new", cookie, csrf, fields).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let location = resp.header("location");
    location.trim_start_matches("/admin/objects/").split('?').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn every_field_round_trips_in_three_languages_and_edits_are_audited_field_by_field() {
    let app = TestApp::new().await;
    let (maker, event) = authorities(&app).await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let fields = every_field(maker, event);
    let id = create(&app, &cookie, &csrf, &fields).await;

    let page = app.get_with(&format!("/admin/objects/{id}?done=created"), &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts(".flash").len(), 1);
    for (name, value) in &fields {
        match name.as_str() {
            "maker" | "event" => {
                let selected = page.attrs(&format!("select[name={name}] option[selected]"), "value");
                assert_eq!(selected, std::slice::from_ref(value), "{name}");
            }
            "inscription_public" => assert_eq!(page.attrs("#inscription_public[checked]", "value").len(), 1),
            "object_type" | "date_qualifier" | "acquisition_method" | "owner" => {
                let selected = page.attrs(&format!("select[name={name}] option[selected]"), "value");
                assert_eq!(selected, std::slice::from_ref(value), "{name}");
            }
            "description_be" | "description_en" | "description_ru" | "internal_notes" => {
                assert_eq!(page.texts(&format!("textarea[name={name}]")), std::slice::from_ref(value), "{name}");
            }
            _ => assert_eq!(page.attrs(&format!("input[name={name}]"), "value"), std::slice::from_ref(value), "{name}"),
        }
    }
    assert_eq!(page.texts(".accession-number"), ["яшчэ не ўключаны ў фонды (публікацыя ўключае)"]);

    // An edit: the audit log holds exactly the fields that changed, old and new.
    let mut edited = fields.clone();
    for (k, v) in &mut edited {
        match k.as_str() {
            "title_en" => *v = "Banner from Rakaw, 2020".into(),
            "parts" => *v = "3".into(),
            "internal_notes" => *v = "CANARY-NOTES moved to shelf C".into(),
            _ => {}
        }
    }
    edited.retain(|(k, _)| k != "inscription_public");
    let resp = post(&app, &format!("/admin/objects/{id}"), &cookie, &csrf, &edited).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let details: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'object-edited' ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    let changes: Vec<(String, String, String)> = details["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["field"].as_str().unwrap().into(), c["old"].as_str().unwrap().into(), c["new"].as_str().unwrap().into())
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("title_en".into(), "Banner from Rakaw".into(), "Banner from Rakaw, 2020".into()),
            ("inscription_public".into(), "true".into(), "false".into()),
            ("parts".into(), "2".into(), "3".into()),
            ("internal_notes".into(), "[private: 20 characters]".into(), "[private: 29 characters]".into()),
        ]
    );
    let all: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_log").fetch_all(&app.state.db.main).await.unwrap();
    assert!(all.iter().all(|d| !d.contains("CANARY-NOTES")), "private notes never enter the append-only log");
    // Saving without a change writes nothing to the audit log.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&app.state.db.main).await.unwrap();
    post(&app, &format!("/admin/objects/{id}"), &cookie, &csrf, &edited).await;
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(before, after);
    let mut conn = app.state.db.main.acquire().await.unwrap();
    assert!(matches!(
        zbor::collection::audit::verify(&mut conn).await.unwrap(),
        zbor::collection::audit::Verdict::Intact(_)
    ));
}

#[tokio::test]
async fn a_refused_edit_keeps_what_was_typed_and_changes_nothing() {
    let app = TestApp::new().await;
    let (maker, event) = authorities(&app).await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let id = create(&app, &cookie, &csrf, &every_field(maker, event)).await;
    let mut bad = every_field(maker, event);
    for (k, v) in &mut bad {
        match k.as_str() {
            "title_be" | "title_en" | "title_ru" => v.clear(),
            "date_earliest" => *v = "20x0".into(),
            "description_en" => *v = "Kept <b>as typed</b>".into(),
            "acquired_on" => *v = "24.12.2023".into(),
            _ => {}
        }
    }
    let resp = post(&app, &format!("/admin/objects/{id}"), &cookie, &csrf, &bad).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title_be", "date_earliest", "acquired_on"] {
        assert_eq!(resp.texts(&format!("#{field}-error")).len(), 1, "{field}");
        assert_eq!(resp.attrs(&format!("#{field}"), "aria-invalid"), ["true"], "{field}");
    }
    assert_eq!(resp.texts("#description_en"), ["Kept <b>as typed</b>"]);
    assert_eq!(resp.attrs("#date_earliest", "value"), ["20x0"]);
    let title: String = sqlx::query_scalar("SELECT title_en FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(title, "Banner from Rakaw", "nothing changed");
    // Links to authorities that do not exist are refused; the same one twice counts once.
    let mut unknown = every_field(maker, event);
    unknown.push(("maker".into(), "999999".into()));
    let resp = post(&app, &format!("/admin/objects/{id}"), &cookie, &csrf, &unknown).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.texts("#maker-error").len(), 1);
    let mut twice = every_field(maker, event);
    twice.push(("maker".into(), maker.to_string()));
    assert_eq!(post(&app, &format!("/admin/objects/{id}"), &cookie, &csrf, &twice).await.status, StatusCode::SEE_OTHER);
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM object_makers WHERE object_id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(links, 1);
    assert_eq!(
        app.get_with("/admin/objects?page=99999999999", &[("cookie", &cookie)]).await.status,
        StatusCode::BAD_REQUEST
    );
    // Without the token, or from another site: refused.
    let resp = app.post_form(&format!("/admin/objects/{id}"), &cookie, &[("title_en", "x")]).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn provenance_is_added_reordered_and_removed() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let id = create(&app, &cookie, &csrf, &pairs(&[("object_type", "painting"), ("title_en", "Cat")])).await;
    let uri = format!("/admin/objects/{id}/provenance");
    for (kind, year) in [("made", "2020"), ("auctioned", "2022"), ("deposited", "2023")] {
        let fields = pairs(&[
            ("kind", kind),
            ("p_qualifier", "exact"),
            ("p_earliest", year),
            ("lot", if kind == "auctioned" { "12" } else { "" }),
            ("price", if kind == "auctioned" { "350" } else { "" }),
            ("currency", if kind == "auctioned" { "eur" } else { "" }),
            ("party_role", "maker"),
            ("party", "museum"),
            ("p_public", "on"),
        ]);
        let resp = post(&app, &uri, &cookie, &csrf, &fields).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    }
    let bad = post(&app, &uri, &cookie, &csrf, &pairs(&[("kind", "stolen")])).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = post(&app, &uri, &cookie, &csrf, &pairs(&[("kind", "bought"), ("currency", "euro")])).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A maker, organisation, event or place removed (or never there) since the form was drawn:
    // a message, not a server error, and nothing added.
    for gone in [[("party", "maker:999"), ("party_role", "maker")], [("party", "org:999"), ("party_role", "seller")]]
        .into_iter()
        .chain([[("event", "999"), ("note_en", "x")], [("place", "999"), ("note_en", "x")]])
    {
        let mut fields = pairs(&[("kind", "made"), ("p_qualifier", "exact"), ("p_earliest", "2020")]);
        fields.extend(pairs(&gone));
        let bad = post(&app, &format!("{uri}?lang=en"), &cookie, &csrf, &fields).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{gone:?}");
        assert!(bad.body.contains("no longer exists"), "{gone:?}: {}", bad.body);
    }

    let order = |app: &TestApp| {
        let pool = app.state.db.main.clone();
        async move {
            sqlx::query_as::<_, (i64, String)>(
                "SELECT id, kind FROM provenance_events WHERE object_id = ? ORDER BY position",
            )
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let chain = order(&app).await;
    assert_eq!(chain.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(), ["made", "auctioned", "deposited"]);
    let (price, currency): (i64, String) =
        sqlx::query_as("SELECT price_minor, currency FROM provenance_events WHERE kind = 'auctioned'")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!((price, currency.as_str()), (35000, "EUR"));
    // The price as each language writes numbers.
    for (lang, shown) in [("en", "Price: 350.00\u{a0}EUR"), ("ru", "350,00\u{a0}EUR")] {
        let preview = app.get_with(&format!("/admin/objects/{id}/preview?lang={lang}"), &[("cookie", &cookie)]).await;
        // (The body itself: the helper that reads texts folds no-break spaces into spaces.)
        assert!(preview.body.contains(shown), "{lang}: {:?}", preview.texts(".step-detail"));
    }
    let last = chain[2].0;
    let up = pairs(&[("action", "up")]);
    post(&app, &format!("{uri}/{last}"), &cookie, &csrf, &up).await;
    post(&app, &format!("{uri}/{last}"), &cookie, &csrf, &up).await;
    let chain = order(&app).await;
    assert_eq!(chain.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(), ["deposited", "made", "auctioned"]);
    // The first cannot go further up; nothing changes.
    post(&app, &format!("{uri}/{last}"), &cookie, &csrf, &up).await;
    assert_eq!(order(&app).await, chain);
    let page = app.get_with(&format!("/admin/objects/{id}?lang=en"), &[("cookie", &cookie)]).await;
    let steps = page.texts(".provenance-line .step-kind");
    assert_eq!(steps, ["Deposited for safekeeping", "Made", "Sold at auction"]);
    let resp = post(&app, &format!("{uri}/{}", chain[1].0), &cookie, &csrf, &pairs(&[("action", "remove")])).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(order(&app).await.len(), 2);
    let moves: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'provenance-%'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(moves, 3 + 2 + 1, "each addition, move and removal is audited; a move that did nothing is not");
    // What an added or removed link said is in its entry (a note only by its length).
    let entries: Vec<String> = sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = 'provenance-added' OR details LIKE '%\"remove\"%' ORDER BY id",
    )
    .fetch_all(&app.state.db.main)
    .await
    .unwrap();
    let auctioned: serde_json::Value = entries
        .iter()
        .map(|d| serde_json::from_str::<serde_json::Value>(d).unwrap())
        .find(|d| d["kind"] == "auctioned")
        .unwrap();
    assert_eq!(auctioned["link"]["price_minor"], 35000, "{auctioned}");
    assert_eq!(auctioned["link"]["currency"], "EUR");
    let removed: serde_json::Value = serde_json::from_str(entries.last().unwrap()).unwrap();
    assert_eq!(removed["removed"]["kind"], "made", "{removed}");
    assert!(removed["removed"]["parties"].is_array(), "{removed}");
}

/// The visible text of the object's article, as a reader would take it in.
fn article(resp: &Resp) -> String {
    resp.texts("article").join("\n")
}

#[tokio::test]
async fn the_preview_is_the_public_page_and_shows_nothing_private() {
    let app = TestApp::new().await;
    let (maker, event) = authorities(&app).await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let mut fields = every_field(maker, event);
    fields.retain(|(k, _)| k != "inscription_public");
    for (k, v) in &mut fields {
        if k == "inscription_en" {
            *v = "CANARY-INSCRIPTION".into();
        }
    }
    let id = create(&app, &cookie, &csrf, &fields).await;
    let private_step = pairs(&[("kind", "bought"), ("note_en", "CANARY-PROVENANCE"), ("p_qualifier", "unknown")]);
    post(&app, &format!("/admin/objects/{id}/provenance"), &cookie, &csrf, &private_step).await;
    let public_step = pairs(&[("kind", "made"), ("p_qualifier", "circa"), ("p_earliest", "2020"), ("p_public", "on")]);
    post(&app, &format!("/admin/objects/{id}/provenance"), &cookie, &csrf, &public_step).await;

    let preview = app.get_with(&format!("/admin/objects/{id}/preview?lang=en"), &[("cookie", &cookie)]).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(preview.texts(".preview-banner").len(), 1);
    assert!(preview.body.contains("Banner from Rakaw") && preview.body.contains("Olga Yakubovskaya"));
    for canary in ["CANARY-INSCRIPTION", "CANARY-PROVENANCE", "CANARY-NOTES"] {
        assert!(!preview.body.contains(canary), "{canary} in the preview");
    }
    assert_eq!(app.get_with(&format!("/admin/objects/{id}/preview"), &[]).await.status, StatusCode::SEE_OTHER);

    // Publish: the accession number appears, and the public page is the preview.
    let resp = post(&app, &format!("/admin/objects/{id}/publish"), &cookie, &csrf, &[]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let accession: String = sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let public = app.get(&format!("/objects/{accession}?lang=en")).await;
    assert_eq!(public.status, StatusCode::OK);
    let preview = app.get_with(&format!("/admin/objects/{id}/preview?lang=en"), &[("cookie", &cookie)]).await;
    assert_eq!(article(&preview), article(&public));
    assert!(public.texts(".preview-banner").is_empty());
    for canary in ["CANARY-INSCRIPTION", "CANARY-PROVENANCE", "CANARY-NOTES"] {
        assert!(!public.body.contains(canary), "{canary} on the public page");
    }
    // Withdrawn: the public page is gone, the same "not found" as anything missing.
    let resp = post(&app, &format!("/admin/objects/{id}/withdraw"), &cookie, &csrf, &[]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/objects/{accession}")).await.status, StatusCode::NOT_FOUND);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'object-%' ORDER BY id")
            .fetch_all(&app.state.db.main)
            .await
            .unwrap();
    // Publishing an object never accessioned enters it in the register first.
    assert_eq!(actions, ["object-created", "object-accessioned", "object-published", "object-withdrawn"]);
}

#[tokio::test]
async fn photos_are_uploaded_several_at_once_described_ordered_and_removed() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let id = create(&app, &cookie, &csrf, &pairs(&[("object_type", "poster"), ("title_en", "Poster")])).await;
    let (a, b) = (plain_jpeg(300, 200), plain_jpeg(200, 300));
    let (content_type, body) = multipart(&[("csrf", &csrf)], &[("a.jpg", &a), ("b.jpg", &b)]);
    let request = Request::post(format!("/admin/objects/{id}/media"))
        .header("content-type", content_type)
        .header("cookie", &cookie)
        .body(Body::from(body))
        .unwrap();
    let resp = app.send(request).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    drain_jobs(&app).await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM media WHERE object_id = ? ORDER BY position")
        .bind(id)
        .fetch_all(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    // A refused file is named, and nothing else is added.
    let (content_type, body) = multipart(&[("csrf", &csrf)], &[("c.jpg", b"not a photo")]);
    let request = Request::post(format!("/admin/objects/{id}/media"))
        .header("content-type", content_type)
        .header("cookie", &cookie)
        .body(Body::from(body))
        .unwrap();
    let refused = app.send(request).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.texts(".form-error").len(), 1);

    let describe = pairs(&[
        ("action", "save"),
        ("alt_be", "Плакат"),
        ("alt_en", "A poster"),
        ("alt_ru", "Плакат"),
        ("caption_en", "Front"),
        ("is_public", "on"),
    ]);
    post(&app, &format!("/admin/objects/{id}/media/{}", ids[1]), &cookie, &csrf, &describe).await;
    post(&app, &format!("/admin/objects/{id}/media/{}", ids[1]), &cookie, &csrf, &pairs(&[("action", "primary")]))
        .await;
    let now: Vec<(i64, String, bool)> =
        sqlx::query_as("SELECT id, alt_en, is_public FROM media WHERE object_id = ? ORDER BY position")
            .bind(id)
            .fetch_all(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(now, [(ids[1], "A poster".to_owned(), true), (ids[0], String::new(), false)]);
    post(&app, &format!("/admin/objects/{id}/media/{}", ids[1]), &cookie, &csrf, &pairs(&[("action", "down")])).await;
    let first: i64 = sqlx::query_scalar("SELECT id FROM media WHERE object_id = ? ORDER BY position LIMIT 1")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(first, ids[0]);
    let resp =
        post(&app, &format!("/admin/objects/{id}/media/{}", ids[0]), &cookie, &csrf, &pairs(&[("action", "remove")]))
            .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media WHERE object_id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(left, 1);
    // The log says what each change was: old and new texts and visibility, and what a removed
    // image was.
    let logged: Vec<serde_json::Value> =
        sqlx::query_scalar::<_, String>("SELECT details FROM audit_log WHERE action = 'media-changed' ORDER BY id")
            .fetch_all(&app.state.db.main)
            .await
            .unwrap()
            .iter()
            .map(|d| serde_json::from_str(d).unwrap())
            .collect();
    let described = &logged[0]["changes"];
    assert!(
        described
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "alt_en" && c["old"] == "" && c["new"] == "A poster"),
        "{described}"
    );
    assert!(
        described.as_array().unwrap().iter().any(|c| c["field"] == "is_public" && c["new"] == "true"),
        "{described}"
    );
    let gone = &logged.last().unwrap()["removed"];
    assert!(gone["hash"].is_string() && gone["public"] == false, "{gone}");
    // Another object's image cannot be changed through this object.
    let other = create(&app, &cookie, &csrf, &pairs(&[("object_type", "poster"), ("title_en", "Other")])).await;
    let resp = post(
        &app,
        &format!("/admin/objects/{other}/media/{}", ids[1]),
        &cookie,
        &csrf,
        &pairs(&[("action", "remove")]),
    )
    .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
}

/// What a role may do with one admin route.
struct Route {
    method: Method,
    path: String,
    allowed: &'static [Role],
}

const EVERYONE: &[Role] = &[Role::Admin, Role::Curator, Role::Keyholder, Role::Volunteer];
const PUBLISHERS: &[Role] = &[Role::Admin, Role::Curator, Role::Keyholder];
const KEYHOLDERS: &[Role] = &[Role::Keyholder];
const ADMINS: &[Role] = &[Role::Admin];

#[tokio::test]
async fn every_admin_route_checks_every_role_on_the_server() {
    for role in EVERYONE {
        let (app, _) = TestApp::with_keyholder().await;
        // The fixture: a draft, a published object with a photo, an offer.
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let draft =
            objects::create_object(&mut conn, &objects::NewObject::new("flag", t("Сцяг", "Flag", "Флаг")), 2026)
                .await
                .unwrap()
                .id;
        let published =
            objects::create_object(&mut conn, &objects::NewObject::new("badge", t("Значок", "Badge", "Значок")), 2026)
                .await
                .unwrap()
                .id;
        crate::helpers::publish(&mut conn, published, "MFB-{year}-{seq:04}", 2026).await;
        drop(conn);
        let stored = app.state.media.store.store(&image::RgbImage::new(64, 48)).unwrap();
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let media_id = zbor::media::add_media(
            &mut conn,
            published,
            &stored,
            &zbor::media::NewMedia { alt: Text3::default(), caption: Text3::default(), is_public: true },
        )
        .await
        .unwrap();
        drop(conn);
        let offer =
            app.send(crate::intake::offer_request(&app, [10, 0, 0, 1], &[("title", "Ribbon")], &[], &[]).await).await;
        assert_eq!(offer.status, StatusCode::OK);
        let offer: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
        let hash = stored.hash.clone();
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let place = authorities::create_place(&mut conn, &t("Мінск", "Minsk", "Минск")).await.unwrap();
        let object_type: i64 =
            sqlx::query_scalar("SELECT id FROM object_types WHERE code = 'flag'").fetch_one(&mut *conn).await.unwrap();
        drop(conn);

        let get = |path: String, allowed| Route { method: Method::GET, path, allowed };
        let post = |path: String, allowed| Route { method: Method::POST, path, allowed };
        let routes = [
            get("/admin".into(), EVERYONE),
            get("/admin/objects".into(), EVERYONE),
            get("/admin/objects/new".into(), EVERYONE),
            post("/admin/objects/new".into(), EVERYONE),
            get(format!("/admin/objects/{draft}"), EVERYONE),
            post(format!("/admin/objects/{draft}"), EVERYONE),
            get(format!("/admin/objects/{draft}/preview"), EVERYONE),
            post(format!("/admin/objects/{draft}/provenance"), EVERYONE),
            post(format!("/admin/objects/{draft}/publish"), PUBLISHERS),
            post(format!("/admin/objects/{published}"), PUBLISHERS),
            post(format!("/admin/objects/{published}/withdraw"), PUBLISHERS),
            post(format!("/admin/objects/{published}/media/{media_id}"), PUBLISHERS),
            post(format!("/admin/objects/{published}/provenance"), PUBLISHERS),
            post(format!("/admin/objects/{published}/media"), PUBLISHERS),
            get(format!("/admin/objects/{published}/media/{media_id}/regions"), PUBLISHERS),
            post(format!("/admin/objects/{published}/media/{media_id}/regions"), PUBLISHERS),
            get(format!("/admin/objects/{published}/media/{media_id}/master.jpg"), PUBLISHERS),
            get(format!("/admin/objects/{draft}/media/{media_id}/regions"), PUBLISHERS),
            get(format!("/admin/media/{hash}/400.jpg"), EVERYONE),
            get("/admin/offers".into(), PUBLISHERS),
            get(format!("/admin/offers/{offer}"), PUBLISHERS),
            post(format!("/admin/offers/{offer}/reply"), PUBLISHERS),
            post("/admin/offers/bundle".into(), KEYHOLDERS),
            post(format!("/admin/offers/{offer}/accept"), PUBLISHERS),
            get(format!("/admin/offers/{offer}/photos/0/regions"), PUBLISHERS),
            post(format!("/admin/offers/{offer}/photos/0/regions"), PUBLISHERS),
            get(format!("/admin/offers/{offer}/photos/0/master.jpg"), PUBLISHERS),
            get("/admin/totp".into(), EVERYONE),
            post("/admin/totp/start".into(), EVERYONE),
            get("/admin/account".into(), EVERYONE),
            post("/admin/account/password".into(), EVERYONE),
            get("/admin/users".into(), ADMINS),
            post("/admin/users".into(), ADMINS),
            post("/admin/users/someone".into(), ADMINS),
            get("/admin/audit".into(), ADMINS),
            get("/admin/authorities/makers".into(), EVERYONE),
            post("/admin/authorities/places".into(), EVERYONE),
            post(format!("/admin/authorities/places/{place}"), PUBLISHERS),
            get("/admin/authorities/types".into(), EVERYONE),
            post("/admin/authorities/types".into(), PUBLISHERS),
            post(format!("/admin/authorities/types/{object_type}"), PUBLISHERS),
            get("/admin/locations".into(), EVERYONE),
            post("/admin/locations".into(), EVERYONE),
            post(format!("/admin/objects/{draft}/move"), EVERYONE),
            post(format!("/admin/objects/{published}/move"), PUBLISHERS),
            post(format!("/admin/objects/{draft}/exit"), PUBLISHERS),
            post(format!("/admin/objects/{draft}/accession"), PUBLISHERS),
            post(format!("/admin/objects/{published}/deaccession"), PUBLISHERS),
            post(format!("/admin/objects/{draft}/valuation"), PUBLISHERS),
            post(format!("/admin/objects/{draft}/condition"), EVERYONE),
            post(format!("/admin/objects/{published}/condition"), PUBLISHERS),
            get(format!("/admin/objects/{draft}/history"), EVERYONE),
            get(format!("/admin/objects/{published}/history"), EVERYONE),
            get("/admin/register".into(), EVERYONE),
            get("/admin/register.csv".into(), EVERYONE),
            // After the location above exists: a stocktake of it (none for roles that may
            // not start one, so theirs are "not found", never forbidden, where allowed).
            get("/admin/stocktakes".into(), EVERYONE),
            post("/admin/stocktakes".into(), PUBLISHERS),
            get("/admin/stocktakes/1".into(), EVERYONE),
            post("/admin/stocktakes/1".into(), EVERYONE),
            get("/admin/stocktakes/1/report.csv".into(), EVERYONE),
            post("/admin/stocktakes/1/close".into(), PUBLISHERS),
            post("/admin/objects/batch".into(), PUBLISHERS),
            get("/admin/loans".into(), PUBLISHERS),
            get("/admin/objects.csv".into(), PUBLISHERS),
            get("/admin/objects/import".into(), PUBLISHERS),
            post("/admin/objects/import".into(), PUBLISHERS),
            post("/admin/loans".into(), PUBLISHERS),
            get("/admin/loans/1".into(), PUBLISHERS),
            post("/admin/loans/1/objects".into(), PUBLISHERS),
            post("/admin/loans/1/step".into(), PUBLISHERS),
        ];

        // Without a session, every route sends to the sign-in page and changes nothing: a
        // page by a redirect, a form by answering with the sign-in form, which carries it.
        for route in &routes {
            let request = Request::builder().method(route.method.clone()).uri(&route.path).body(Body::empty()).unwrap();
            let resp = app.send(request).await;
            let what = format!("{} {} without a session", route.method, route.path);
            if resp.status == StatusCode::UNAUTHORIZED {
                assert_eq!(route.method, axum::http::Method::POST, "{what}");
                assert_eq!(
                    resp.attrs("form[action='/admin/login'] input[name=resume_to]", "value"),
                    std::slice::from_ref(&route.path),
                    "{what}"
                );
            } else {
                assert_eq!(resp.status, StatusCode::SEE_OTHER, "{what}");
                assert_eq!(resp.header("location"), "/admin/login", "{what}");
            }
        }

        let cookie = app.staff_cookie("someone", *role).await;
        let csrf = app.token("/admin", Some(&cookie)).await;
        for route in &routes {
            let body = serde_urlencoded::to_string([
                ("csrf", csrf.as_str()),
                ("title_en", "Edited"),
                ("object_type", "flag"),
                ("kind", "made"),
                ("action", "save"),
                ("offer", offer.as_str()),
                ("reason", "role test"),
                ("message", "hello"),
                ("name_en", "Somewhere"),
                ("name", "Shelf"),
                ("location", "1"),
                ("kind", "return"),
            ])
            .unwrap();
            let (content_type, body) = if route.path.ends_with("/media") || route.path.ends_with("/condition") {
                multipart(&[("csrf", &csrf)], &[])
            } else {
                ("application/x-www-form-urlencoded".to_owned(), body.into_bytes())
            };
            let request = Request::builder()
                .method(route.method.clone())
                .uri(&route.path)
                .header("cookie", &cookie)
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap();
            let status = app.send(request).await.status;
            if route.allowed.contains(role) {
                assert_ne!(status, StatusCode::FORBIDDEN, "{role:?} may {} {}", route.method, route.path);
                assert!(status.is_success() || status.is_redirection() || status.is_client_error(), "{status}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} may not {} {}", route.method, route.path);
            }
        }
    }
}

#[tokio::test]
async fn authorities_are_created_edited_with_an_audit_and_reused() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("curator", Role::Curator).await;
    let volunteer = app.staff_cookie("volunteer", Role::Volunteer).await;
    let csrf = app.token("/admin/authorities/makers", Some(&curator)).await;
    let vcsrf = app.token("/admin/authorities/makers", Some(&volunteer)).await;

    let maker = pairs(&[
        ("kind", "person"),
        ("name_be", "Вольга Якубоўская"),
        ("name_en", "Olga Yakubovskaya"),
        ("name_ru", "Ольга Якубовская"),
        ("bio_en", "Painter of cats"),
        ("private_notes", "CANARY-MAKER-NOTES"),
    ]);
    // Volunteers may add authorities…
    let resp = post(&app, "/admin/authorities/makers", &volunteer, &vcsrf, &maker).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let path = resp.header("location").split('?').next().unwrap().to_owned();
    let maker_id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let page = app.get_with(&path, &[("cookie", &curator)]).await;
    assert_eq!(page.attrs("#name_en", "value"), ["Olga Yakubovskaya"]);
    assert_eq!(page.texts("#private_notes"), ["CANARY-MAKER-NOTES"]);
    // …but not change one that may be on published pages.
    let mut edited = maker.clone();
    edited[2].1 = "Olga Jakubouskaja".into();
    assert_eq!(post(&app, &path, &volunteer, &vcsrf, &edited).await.status, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &path, &curator, &csrf, &edited).await.status, StatusCode::SEE_OTHER);
    let details: String = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'authority-edited'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert!(
        details.contains("Olga Yakubovskaya") && details.contains("Olga Jakubouskaja") && details.contains("name_en")
    );
    let all: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_log").fetch_all(&app.state.db.main).await.unwrap();
    assert!(all.iter().all(|d| !d.contains("CANARY-MAKER-NOTES")), "private notes never enter the append-only log");

    // Refused: no name, an unknown kind, a date that is not one, a place that does not exist.
    let bad = post(&app, "/admin/authorities/makers", &curator, &csrf, &pairs(&[("kind", "robot")])).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.texts("#name_be-error").len(), 1);
    assert_eq!(bad.texts("#kind-error").len(), 1);
    let event = pairs(&[
        ("kind", "auction"),
        ("name_en", "Christmas auction"),
        ("starts_on", "24.12.2023"),
        ("place_id", "999"),
    ]);
    let bad = post(&app, "/admin/authorities/events", &curator, &csrf, &event).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.attrs("#name_en", "value"), ["Christmas auction"], "kept as typed");
    assert_eq!((bad.texts("#starts_on-error").len(), bad.texts("#place_id-error").len()), (1, 1));
    let place = post(&app, "/admin/authorities/places", &curator, &csrf, &pairs(&[("name_en", "Vilnius")])).await;
    let place_id = place.header("location").split('?').next().unwrap().rsplit('/').next().unwrap().to_owned();
    let event = pairs(&[
        ("kind", "auction"),
        ("name_en", "Christmas auction"),
        ("starts_on", "2023-12"),
        ("place_id", &place_id),
    ]);
    assert_eq!(post(&app, "/admin/authorities/events", &curator, &csrf, &event).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_with("/admin/authorities/robots", &[("cookie", &curator)]).await.status, StatusCode::NOT_FOUND);

    // Reused from the object editor; the public page shows the name, never the notes.
    let ocsrf = app.token("/admin/objects/new", Some(&curator)).await;
    let id = create(
        &app,
        &curator,
        &ocsrf,
        &pairs(&[("object_type", "painting"), ("title_en", "Cat"), ("maker", &maker_id.to_string())]),
    )
    .await;
    post(&app, &format!("/admin/objects/{id}/publish"), &curator, &ocsrf, &[]).await;
    // Created inline from the object's page: linked at once, and back to the object.
    let inline = pairs(&[("kind", "collective"), ("name_en", "Cats collective"), ("object", &id.to_string())]);
    assert_eq!(
        post(&app, "/admin/authorities/makers", &volunteer, &vcsrf, &inline).await.status,
        StatusCode::FORBIDDEN
    );
    let resp = post(&app, "/admin/authorities/makers", &curator, &csrf, &inline).await;
    assert_eq!(resp.header("location"), format!("/admin/objects/{id}?done=saved"));
    let linked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM object_makers WHERE object_id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(linked, 2);
    let makers = app.get_with("/admin/authorities/makers?lang=en", &[("cookie", &curator)]).await;
    assert!(makers.texts(".authority-list li").iter().any(|t| t.contains("used 1 time")));
    let public = app.get(&format!("/makers/{maker_id}?lang=en")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Olga Jakubouskaja"));
    assert!(!public.body.contains("CANARY-MAKER-NOTES"));
}

#[tokio::test]
async fn moves_and_exits_are_recorded_privately() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("curator", Role::Curator).await;
    let volunteer = app.staff_cookie("volunteer", Role::Volunteer).await;
    let csrf = app.token("/admin/locations", Some(&curator)).await;
    for name in ["Shelf CANARY-LOCATION-A", "Vault B"] {
        let resp = post(&app, "/admin/locations", &curator, &csrf, &pairs(&[("name", name)])).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
    }
    let twice =
        post(&app, "/admin/locations", &curator, &csrf, &pairs(&[("name", "Vault B"), ("notes", "Key at reception")]))
            .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    // What was typed comes back, to be changed rather than typed again.
    assert_eq!(twice.attrs("#name", "value"), ["Vault B"]);
    assert_eq!(twice.texts("#notes"), ["Key at reception"]);
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM locations ORDER BY name").fetch_all(&app.state.db.main).await.unwrap();
    let id = create(&app, &curator, &csrf, &pairs(&[("object_type", "flag"), ("title_en", "Flag")])).await;
    let first = pairs(&[
        ("location", &ids[0].to_string()),
        ("moved_on", "2024-01-10"),
        ("is_normal", "on"),
        ("reason", "arrival"),
    ]);
    assert_eq!(
        post(&app, &format!("/admin/objects/{id}/move"), &curator, &csrf, &first).await.status,
        StatusCode::SEE_OTHER
    );
    let second = pairs(&[("location", &ids[1].to_string()), ("moved_on", "2024-03-01"), ("reason", "photography")]);
    assert_eq!(
        post(&app, &format!("/admin/objects/{id}/move"), &curator, &csrf, &second).await.status,
        StatusCode::SEE_OTHER
    );
    let bad = pairs(&[("location", "999")]);
    assert_eq!(
        post(&app, &format!("/admin/objects/{id}/move"), &curator, &csrf, &bad).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let page = app.get_with(&format!("/admin/objects/{id}?lang=en"), &[("cookie", &curator)]).await;
    assert_eq!(page.texts(".current-location"), ["Vault B"]);
    assert_eq!(page.texts(".moves li").len(), 2);

    let exit = pairs(&[
        ("kind", "loan_out"),
        ("exit_on", "2024-05-01"),
        ("expected_back", "2024-09-01"),
        ("note", "exhibition in Vilnius"),
    ]);
    let vtoken = app.token("/admin", Some(&volunteer)).await;
    assert_eq!(
        post(&app, &format!("/admin/objects/{id}/exit"), &volunteer, &vtoken, &exit).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&app, &format!("/admin/objects/{id}/exit"), &curator, &csrf, &exit).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get_with(&format!("/admin/objects/{id}?lang=en"), &[("cookie", &curator)]).await;
    assert!(page.texts(".exits li")[0].contains("Lent out"));

    // Published, the object's page says nothing of where it is kept.
    post(&app, &format!("/admin/objects/{id}/publish"), &curator, &csrf, &[]).await;
    let accession: String = sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let public = app.get(&format!("/objects/{accession}?lang=en")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        !public.body.contains("CANARY-LOCATION")
            && !public.body.contains("Vault B")
            && !public.body.contains("Vilnius")
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('object-moved', 'object-exit', 'location-created')",
    )
    .fetch_one(&app.state.db.main)
    .await
    .unwrap();
    assert_eq!(audited, 2 + 2 + 1);
}

/// Values that used to be stored silently (or cut, or dropped) are refused with a message,
/// and nothing changes: dates after today for what has happened, a return expected before
/// the object left, an over-long reason, a date qualifier or a place not offered, a party
/// without the part it played.
#[tokio::test]
async fn impossible_dates_and_unoffered_values_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/locations", Some(&curator)).await;
    post(&app, "/admin/locations", &curator, &csrf, &pairs(&[("name", "Shelf A")])).await;
    let shelf: i64 = sqlx::query_scalar("SELECT id FROM locations").fetch_one(&app.state.db.main).await.unwrap();
    let id = create(&app, &curator, &csrf, &pairs(&[("object_type", "flag"), ("title_en", "Flag")])).await;
    let snapshot = || async {
        let db = &app.state.db.main;
        let count = |sql: &'static str| async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(db).await.unwrap() };
        let object: (Option<String>, String) =
            sqlx::query_as("SELECT acquired_on, date_qualifier FROM objects").fetch_one(db).await.unwrap();
        (
            object,
            count("SELECT COUNT(*) FROM object_movements").await,
            count("SELECT COUNT(*) FROM object_exits").await,
            count("SELECT COUNT(*) FROM provenance_events").await,
            count("SELECT COUNT(*) FROM provenance_parties").await,
            count("SELECT COUNT(*) FROM audit_log").await,
        )
    };
    let before = snapshot().await;
    let shelf = shelf.to_string();
    let long = "x".repeat(501);
    type Case<'a> = (&'a str, Vec<(String, String)>, &'a str);
    let cases: Vec<Case> = vec![
        ("move", pairs(&[("location", &shelf), ("moved_on", "2099-01-01")]), "cannot be in the future"),
        ("move", pairs(&[("location", &shelf), ("reason", &long)]), "too long"),
        ("exit", pairs(&[("kind", "loan_out"), ("exit_on", "2099-01-01")]), "cannot be in the future"),
        (
            "exit",
            pairs(&[("kind", "loan_out"), ("exit_on", "2026-12-01"), ("expected_back", "2026-11-01")]),
            "cannot come before",
        ),
        ("provenance", pairs(&[("kind", "made"), ("p_earliest", "2099")]), "cannot be in the future"),
        ("provenance", pairs(&[("kind", "bought"), ("exact_date", "2099-02-01")]), "cannot be in the future"),
        (
            "provenance",
            pairs(&[("kind", "made"), ("p_qualifier", "bogus"), ("p_earliest", "2020")]),
            "choose one of the options",
        ),
        ("provenance", pairs(&[("kind", "made"), ("place", "garbage")]), "choose one of the options"),
        (
            "provenance",
            pairs(&[
                ("kind", "made"),
                ("p_qualifier", "between"),
                ("p_earliest", "2024"),
                ("p_latest", "2024"),
                ("exact_date", "2019-03-01"),
            ]),
            "falls outside the step",
        ),
        ("provenance", pairs(&[("kind", "made"), ("party", "museum")]), "part the party played"),
    ];
    for (form, fields, message) in cases {
        let resp = post(&app, &format!("/admin/objects/{id}/{form}?lang=en"), &curator, &csrf, &fields).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{form} {fields:?}");
        assert!(resp.body.contains(message), "{form} {fields:?}: no «{message}»");
    }
    // The editor's own form: a future acquisition date, a qualifier not offered.
    let mut edit = pairs(&[("object_type", "flag"), ("title_en", "Flag"), ("acquired_on", "2099-01-01")]);
    let resp = post(&app, &format!("/admin/objects/{id}?lang=en"), &curator, &csrf, &edit).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.body.contains("cannot be in the future"));
    edit =
        pairs(&[("object_type", "flag"), ("title_en", "Flag"), ("date_qualifier", "bogus"), ("date_earliest", "2020")]);
    let resp = post(&app, &format!("/admin/objects/{id}?lang=en"), &curator, &csrf, &edit).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(snapshot().await, before, "nothing changed, nothing audited");

    // The same forms with possible values go through.
    let ok = post(
        &app,
        &format!("/admin/objects/{id}/move"),
        &curator,
        &csrf,
        &pairs(&[("location", &shelf), ("moved_on", "2024-01-10")]),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let fields = pairs(&[
        ("kind", "made"),
        ("p_qualifier", "circa"),
        ("p_earliest", "2020"),
        ("party", "museum"),
        ("party_role", "maker"),
    ]);
    let ok = post(&app, &format!("/admin/objects/{id}/provenance"), &curator, &csrf, &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}

/// A refused smaller form of the editor comes back as it was sent, with its message beside
/// it and a pointer at the top: nothing a curator typed is lost to one wrong field.
#[tokio::test]
async fn a_refused_form_of_the_editor_comes_back_with_what_was_typed() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/locations", Some(&curator)).await;
    post(&app, "/admin/locations", &curator, &csrf, &pairs(&[("name", "Shelf A")])).await;
    let id = create(&app, &curator, &csrf, &pairs(&[("object_type", "flag"), ("title_en", "Flag")])).await;
    let uri = |form: &str| format!("/admin/objects/{id}/{form}?lang=en");

    let provenance = pairs(&[
        ("kind", "bought"),
        ("p_qualifier", "circa"),
        ("p_earliest", "2099"),
        ("lot", "LOT-17"),
        ("price", "450"),
        ("currency", "EUR"),
        ("party", "museum"),
        ("party_role", "buyer"),
        ("note_be", "НАТАТКА-BE"),
        ("note_en", "A LONG NOTE typed once"),
        ("p_public", "on"),
    ]);
    let page = post(&app, &uri("provenance"), &curator, &csrf, &provenance).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.texts("#provenance-error"), ["The date cannot be in the future."]);
    assert_eq!(page.attrs("a[href='#provenance-form']", "href").len(), 1, "a pointer at the top");
    for (field, value) in [
        ("#p_earliest", "2099"),
        ("#lot", "LOT-17"),
        ("#price", "450"),
        ("#note_be", "НАТАТКА-BE"),
        ("#note_en", "A LONG NOTE typed once"),
    ] {
        assert_eq!(page.attrs(field, "value"), [value], "{field}");
    }
    for (select, value) in
        [("#kind", "bought"), ("#p_qualifier", "circa"), ("#party", "museum"), ("#party_role", "buyer")]
    {
        assert_eq!(page.attrs(&format!("{select} option[selected]"), "value"), [value], "{select}");
    }
    assert_eq!(page.attrs("#p_public", "checked").len(), 1);
    // The other forms are as they always are.
    assert_eq!(page.attrs("#exit_note", "value"), [""]);
    assert!(page.texts("#move-error").is_empty());

    let exit = pairs(&[("kind", "disposal"), ("exit_on", "2099-01-01"), ("note", "EXIT NOTE")]);
    let page = post(&app, &uri("exit"), &curator, &csrf, &exit).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.texts("#exit-error").len(), 1);
    assert_eq!(page.attrs("#exit_note", "value"), ["EXIT NOTE"]);
    assert_eq!(page.attrs("#exit_on", "value"), ["2099-01-01"]);
    assert_eq!(page.attrs("#exit_kind option[selected]", "value"), ["disposal"]);

    let valuation = pairs(&[("amount", "abc"), ("currency", "USD"), ("note", "KEEPME")]);
    let page = post(&app, &uri("valuation"), &curator, &csrf, &valuation).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.texts("#valuation-error").len(), 1);
    assert_eq!(
        (page.attrs("#amount", "value"), page.attrs("#val_note", "value")),
        (vec!["abc".to_owned()], vec!["KEEPME".to_owned()])
    );
    assert_eq!(page.attrs("#val_currency", "value"), ["USD"]);

    let accession = pairs(&[
        ("accessioned_on", "2099-01-01"),
        ("method", "gift"),
        ("authority", "Acquisitions committee, minute 7"),
    ]);
    let page = post(&app, &uri("accession"), &curator, &csrf, &accession).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.texts("#accessioned-error"), ["The date cannot be in the future."]);
    assert_eq!(page.attrs("#acc_authority", "value"), ["Acquisitions committee, minute 7"]);
    assert_eq!(page.attrs("#acc_method option[selected]", "value"), ["gift"]);
    assert_eq!(page.attrs("#accessioned_on", "value"), ["2099-01-01"]);

    let shelf: i64 = sqlx::query_scalar("SELECT id FROM locations").fetch_one(&app.state.db.main).await.unwrap();
    let long = "a reason ".repeat(60);
    let page = post(
        &app,
        &uri("move"),
        &curator,
        &csrf,
        &pairs(&[("location", &shelf.to_string()), ("reason", &long), ("is_normal", "on")]),
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.texts("#move-error").len(), 1);
    assert_eq!(page.attrs("#reason", "value"), [long.as_str()], "as it was sent");
    assert_eq!(page.attrs("#is_normal", "checked").len(), 1);
    assert_eq!(page.attrs("#location option[selected]", "value"), [shelf.to_string()]);
    // And the page as it is fetched afterwards shows none of it.
    let fresh = app.get_with(&format!("/admin/objects/{id}"), &[("cookie", &curator)]).await;
    assert!(fresh.attrs("#note_en", "value") == [""] && fresh.texts(".form-error").is_empty());
}

#[tokio::test]
async fn object_types_are_an_authority_that_curators_extend_rename_and_create_inline() {
    let (app, _identity) = TestApp::with_keyholder().await;
    let curator = app.staff_cookie("curator", Role::Curator).await;
    let volunteer = app.staff_cookie("volunteer", Role::Volunteer).await;
    let csrf = app.token("/admin/authorities/types", Some(&curator)).await;
    let vcsrf = app.token("/admin/authorities/types", Some(&volunteer)).await;
    let db = &app.state.db.main;
    let types = || async { app.get_with("/admin/authorities/types?lang=en", &[("cookie", &curator)]).await };
    let count =
        || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM object_types").fetch_one(db).await.unwrap() };
    let type_of = |id: i64| async move {
        sqlx::query_scalar::<_, String>("SELECT object_type FROM objects WHERE id = ?")
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap()
    };

    // The types every installation starts with are there, in the alphabet of the panel's language.
    let list = types().await;
    assert!(list.texts(".authority-list li a").iter().any(|t| t == "Flag"), "{:?}", list.texts(".authority-list li a"));
    assert_eq!(count().await, 11);
    let be =
        app.get_with("/admin/authorities/types?lang=be", &[("cookie", &curator)]).await.texts(".authority-list li a");
    let at = |name: &str| be.iter().position(|n| n == name).unwrap();
    assert!(
        at("Адзенне") < at("Значок") && at("Значок") < at("Іншы прадмет") && at("Іншы прадмет") < at("Карціна"),
        "{be:?}"
    );

    // The public intake form offers every type at once, so adding one needs a curator.
    let zine = pairs(&[("code", "zine"), ("name_be", "Зін"), ("name_en", "Zine"), ("name_ru", "Зин")]);
    assert_eq!(post(&app, "/admin/authorities/types", &volunteer, &vcsrf, &zine).await.status, StatusCode::FORBIDDEN);

    // Refused with a message beside the field, everything typed kept, nothing stored: a code that
    // is not one, a code another type has, a name missing in one language.
    for (fields, field) in [
        (pairs(&[("code", "Zine!"), ("name_be", "Зін"), ("name_en", "Zine"), ("name_ru", "Зин")]), "code"),
        (pairs(&[("code", "flag"), ("name_be", "Зін"), ("name_en", "Zine"), ("name_ru", "Зин")]), "code"),
        (pairs(&[("code", "zine"), ("name_be", "Зін"), ("name_en", "Zine")]), "name_ru"),
    ] {
        let bad = post(&app, "/admin/authorities/types", &curator, &csrf, &fields).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(bad.texts(&format!("#{field}-error")).len(), 1, "{field}");
        assert_eq!(bad.attrs(&format!("#{field}"), "aria-invalid"), ["true"], "{field}");
        assert_eq!(bad.attrs("#name_en", "value"), ["Zine"], "{field}");
    }
    assert_eq!(count().await, 11);

    // A curator adds one; the intake form and the editor offer it at once.
    let resp = post(&app, "/admin/authorities/types", &curator, &csrf, &zine).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let path = resp.header("location").split('?').next().unwrap().to_owned();
    let form = app.get("/offer?lang=be").await;
    assert!(form.texts("#object_type option").contains(&"Зін".to_owned()), "{:?}", form.texts("#object_type option"));
    assert_eq!(form.texts("#object_type option").last().unwrap(), "Іншы прадмет", "other comes last");
    let editor = app.get_with("/admin/objects/new?lang=en", &[("cookie", &curator)]).await;
    assert!(editor.attrs("#object_type option", "value").contains(&"zine".to_owned()));

    // A donor offers a zine, which becomes a zine when accepted; a curator publishes another.
    let offered = crate::intake::offer_request(
        &app,
        [10, 0, 0, 9],
        &[("title", "Zine no. 3"), ("object_type", "zine")],
        &[],
        &[],
    );
    assert_eq!(app.send(offered.await).await.status, StatusCode::OK);
    let inbox = app.get_with("/admin/offers?lang=en", &[("cookie", &curator)]).await;
    assert!(inbox.texts("td").contains(&"Zine".to_owned()), "the inbox names the offer's type");
    let offer: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(db).await.unwrap();
    let ocsrf = app.token("/admin/objects/new", Some(&curator)).await;
    let accepted = post(&app, &format!("/admin/offers/{offer}/accept"), &curator, &ocsrf, &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let from_offer: i64 =
        accepted.header("location").trim_start_matches("/admin/objects/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(type_of(from_offer).await, "zine");
    let id = create(&app, &curator, &ocsrf, &pairs(&[("object_type", "zine"), ("title_en", "Zine no. 1")])).await;
    let published = post(&app, &format!("/admin/objects/{id}/publish"), &curator, &ocsrf, &[]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let listed = app.get("/objects?type=zine&lang=en").await;
    assert_eq!(listed.texts(".card-title"), ["Zine no. 1"]);
    let accession: String =
        sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?").bind(id).fetch_one(db).await.unwrap();
    let page = app.get(&format!("/objects/{accession}?lang=ru")).await;
    assert_eq!(page.texts(".eyebrow a"), ["Зин"]);
    assert_eq!(page.attrs(".eyebrow a", "href"), ["/objects?type=zine&lang=ru"]);
    assert!(app.get("/objects?lang=en").await.texts(".facet li a").contains(&"Zine 1".to_owned()));

    // Renaming changes published pages: curators only. The code stays, whatever the form says,
    // so addresses keep working; the audit log has the old and new names.
    let renamed =
        pairs(&[("code", "samizdat"), ("name_be", "Самвыдат"), ("name_en", "Samizdat"), ("name_ru", "Самиздат")]);
    assert_eq!(post(&app, &path, &volunteer, &vcsrf, &renamed).await.status, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &path, &curator, &csrf, &renamed).await.status, StatusCode::SEE_OTHER);
    let edit = app.get_with(&format!("{path}?lang=en"), &[("cookie", &curator)]).await;
    assert_eq!(edit.attrs("#code", "value"), ["zine"]);
    assert_eq!(edit.attrs("#code", "readonly").len(), 1);
    assert_eq!(type_of(id).await, "zine");
    let listed = app.get("/objects?type=zine&lang=en").await;
    assert_eq!(listed.texts(".card-title"), ["Zine no. 1"]);
    assert!(listed.texts(".card-meta").iter().all(|m| m.starts_with("Samizdat")), "{:?}", listed.texts(".card-meta"));
    assert_eq!(app.get("/objects?type=samizdat&lang=en").await.status, StatusCode::BAD_REQUEST);
    let details: String = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'authority-edited'")
        .fetch_one(db)
        .await
        .unwrap();
    assert!(
        details.contains("\"Zine\"") && details.contains("\"Samizdat\"") && !details.contains("samizdat"),
        "{details}"
    );

    // Created inline from a draft's page: the draft gets the new type and the log says so. A
    // refused inline form comes back still bound to the object.
    let draft = create(&app, &curator, &ocsrf, &pairs(&[("object_type", "flag"), ("title_en", "Armband")])).await;
    let object_page = app.get_with(&format!("/admin/objects/{draft}?lang=en"), &[("cookie", &volunteer)]).await;
    assert!(
        object_page.attrs("form.inline-new", "action").iter().all(|a| !a.ends_with("/types")),
        "volunteers get no type form"
    );
    let object_page = app.get_with(&format!("/admin/objects/{draft}?lang=en"), &[("cookie", &curator)]).await;
    assert!(object_page.attrs("form.inline-new", "action").contains(&"/admin/authorities/types".to_owned()));
    let mut inline =
        pairs(&[("code", "armband"), ("name_be", "Павязка"), ("name_en", "Armband"), ("object", &draft.to_string())]);
    let bad = post(&app, "/admin/authorities/types", &curator, &csrf, &inline).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.attrs("input[name=object]", "value"), [draft.to_string()]);
    inline.push(("name_ru".into(), "Повязка".into()));
    let resp = post(&app, "/admin/authorities/types", &curator, &csrf, &inline).await;
    assert_eq!(resp.header("location"), format!("/admin/objects/{draft}?done=saved"));
    assert_eq!(type_of(draft).await, "armband");
    let details: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'object-edited' ORDER BY id DESC LIMIT 1")
            .fetch_one(db)
            .await
            .unwrap();
    assert!(
        details.contains("object_type") && details.contains("\"flag\"") && details.contains("\"armband\""),
        "{details}"
    );
    let list = types().await;
    assert!(list.texts(".authority-list li").iter().any(|t| t.starts_with("Armband") && t.contains("used 1 time")));
    let mut conn = db.acquire().await.unwrap();
    assert!(matches!(
        zbor::collection::audit::verify(&mut conn).await.unwrap(),
        zbor::collection::audit::Verdict::Intact(_)
    ));
}

/// The panel's texts are stored with plain line breaks, however the browser sent them (CRLF,
/// and counted once against `maxlength`, as browsers count them).
#[tokio::test]
async fn panel_texts_are_stored_with_plain_line_breaks() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let fields = pairs(&[
        ("object_type", "letter"),
        ("title_en", "Letter"),
        ("description_en", "First page.\r\n\r\nSecond page.\rThird."),
        ("internal_notes", "Box 4\r\nshelf B"),
    ]);
    let id = create(&app, &cookie, &csrf, &fields).await;
    let (description, notes): (String, String) =
        sqlx::query_as("SELECT description_en, internal_notes FROM objects WHERE id = ?")
            .bind(id)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!(description, "First page.\n\nSecond page.\nThird.");
    assert_eq!(notes, "Box 4\nshelf B");
}

/// A second publication (a double click, a stale tab) changes nothing: the object keeps the day
/// it was first published and is not announced again; a second withdrawal is explained in the
/// editor, not a bare error page.
#[tokio::test]
async fn publishing_or_withdrawing_twice_changes_nothing_and_says_so() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let id = create(&app, &cookie, &csrf, &pairs(&[("object_type", "flag"), ("title_en", "Flag")])).await;
    let published_at = async || -> Option<String> {
        sqlx::query_scalar("SELECT published_at FROM objects WHERE id = ?")
            .bind(id)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap()
    };
    let first = post(&app, &format!("/admin/objects/{id}/publish"), &cookie, &csrf, &[]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let stamp = published_at().await.expect("published");
    sqlx::query("UPDATE objects SET published_at = '2020-01-01T00:00:00Z' WHERE id = ?")
        .bind(id)
        .execute(&app.state.db.main)
        .await
        .unwrap();
    let again = post(&app, &format!("/admin/objects/{id}/publish?lang=en"), &cookie, &csrf, &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    assert!(again.body.contains("published already"), "{}", again.body);
    assert_eq!(published_at().await.as_deref(), Some("2020-01-01T00:00:00Z"), "not dated anew (was {stamp})");
    let published: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'object-published'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(published, 1);

    let out = post(&app, &format!("/admin/objects/{id}/withdraw"), &cookie, &csrf, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let twice = post(&app, &format!("/admin/objects/{id}/withdraw?lang=en"), &cookie, &csrf, &[]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", twice.body);
    assert!(twice.body.contains("Only a published object can be withdrawn"), "{}", twice.body);
}

/// Two people editing the same object: the later save, made from a page opened before the
/// earlier one, is refused with what was typed, instead of silently undoing the other's change.
#[tokio::test]
async fn a_save_from_a_page_opened_before_anothers_save_is_refused_not_undone() {
    let app = TestApp::new().await;
    let anna = app.staff_cookie("anna", Role::Curator).await;
    let boris = app.staff_cookie("boris", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&anna)).await;
    let id = create(&app, &anna, &csrf, &pairs(&[("object_type", "flag"), ("title_en", "Flag")])).await;
    // Both open the editor.
    let form_of = async |cookie: &str| -> Vec<(String, String)> {
        let page = app.get_with(&format!("/admin/objects/{id}"), &[("cookie", cookie)]).await;
        editor_fields(&page, "form.editor")
    };
    let (mut hers, mut his) = (form_of(&anna).await, form_of(&boris).await);
    let set = |form: &mut Vec<(String, String)>, name: &str, value: &str| {
        form.iter_mut().find(|(k, _)| k == name).unwrap().1 = value.to_owned();
    };
    set(&mut hers, "title_en", "Flag from Hrodna");
    let saved = app.post_form(&format!("/admin/objects/{id}"), &anna, &as_refs(&hers)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    // His page still holds the old title; he changes the description.
    set(&mut his, "description_en", "Sewn from a bedsheet");
    let stale = app.post_form(&format!("/admin/objects/{id}?lang=en"), &boris, &as_refs(&his)).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("Someone else saved this object"), "{}", stale.body);
    assert_eq!(stale.texts("#description_en"), ["Sewn from a bedsheet"], "what he typed comes back");
    let title: String = sqlx::query_scalar("SELECT title_en FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(title, "Flag from Hrodna", "her change stands");
    // Saving again from the refused page is a knowing choice, and goes through.
    let again = editor_fields(&stale, "form.editor");
    let resaved = app.post_form(&format!("/admin/objects/{id}"), &boris, &as_refs(&again)).await;
    assert_eq!(resaved.status, StatusCode::SEE_OTHER);
}

/// What a browser would send of the `form` on a page: inputs (checked boxes only), textareas
/// and the chosen options of selects.
fn editor_fields(page: &Resp, form: &str) -> Vec<(String, String)> {
    let doc = page.doc();
    let mut out = Vec::new();
    let selector =
        scraper::Selector::parse(&format!("{form} input[name], {form} textarea[name], {form} select[name]")).unwrap();
    let option = scraper::Selector::parse("option").unwrap();
    for field in doc.select(&selector) {
        let element = field.value();
        let name = element.attr("name").unwrap().to_owned();
        match element.name() {
            "textarea" => out.push((name, field.text().collect())),
            "select" => {
                for chosen in field.select(&option).filter(|o| o.value().attr("selected").is_some()) {
                    out.push((name.clone(), chosen.value().attr("value").unwrap_or_default().to_owned()));
                }
            }
            _ => {
                let kind = element.attr("type").unwrap_or("text");
                if !matches!(kind, "checkbox" | "radio") || element.attr("checked").is_some() {
                    out.push((name, element.attr("value").unwrap_or_default().to_owned()));
                }
            }
        }
    }
    out
}

fn as_refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The same for an authority: a maker's name changed from a page opened before another's
/// change to the bio does not bring the old bio back.
#[tokio::test]
async fn an_authority_saved_from_a_stale_page_is_refused_not_undone() {
    let app = TestApp::new().await;
    let (maker, _) = authorities(&app).await;
    let anna = app.staff_cookie("anna", Role::Curator).await;
    let boris = app.staff_cookie("boris", Role::Curator).await;
    let url = format!("/admin/authorities/makers/{maker}");
    let form_of =
        async |cookie: &str| editor_fields(&app.get_with(&url, &[("cookie", cookie)]).await, "form.authority-form");
    let (mut hers, mut his) = (form_of(&anna).await, form_of(&boris).await);
    let set = |form: &mut Vec<(String, String)>, name: &str, value: &str| {
        form.iter_mut().find(|(k, _)| k == name).unwrap_or_else(|| panic!("{name}")).1 = value.to_owned();
    };
    set(&mut hers, "bio_en", "Painter from Minsk");
    assert_eq!(app.post_form(&url, &anna, &as_refs(&hers)).await.status, StatusCode::SEE_OTHER);
    set(&mut his, "name_en", "Olga Yakubouskaya");
    let stale = app.post_form(&format!("{url}?lang=en"), &boris, &as_refs(&his)).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("Someone else saved this entry"), "{}", stale.body);
    assert_eq!(stale.attrs("#name_en", "value"), ["Olga Yakubouskaya"]);
    let bio: String = sqlx::query_scalar("SELECT bio_en FROM makers WHERE id = ?")
        .bind(maker)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(bio, "Painter from Minsk", "her change stands");
    let again = editor_fields(&stale, "form.authority-form");
    assert_eq!(app.post_form(&url, &boris, &as_refs(&again)).await.status, StatusCode::SEE_OTHER);
}

/// A volunteer's edit of a draft a curator published meanwhile is not theirs to save any more:
/// the page says so (not "the form expired") and gives back what was typed.
#[tokio::test]
async fn a_volunteers_edit_of_a_draft_published_meanwhile_is_explained_and_kept() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("curator", Role::Curator).await;
    let volunteer = app.staff_cookie("vera", Role::Volunteer).await;
    let csrf = app.token("/admin/objects/new", Some(&volunteer)).await;
    let id = create(&app, &volunteer, &csrf, &pairs(&[("object_type", "flag"), ("title_en", "Flag")])).await;
    let page = app.get_with(&format!("/admin/objects/{id}"), &[("cookie", &volunteer)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mut form = editor_fields(&page, "form.editor");
    form.iter_mut().find(|(k, _)| k == "description_en").unwrap().1 = "An hour of careful writing".into();
    let ccsrf = app.token("/admin/objects/new", Some(&curator)).await;
    assert_eq!(
        post(&app, &format!("/admin/objects/{id}/publish"), &curator, &ccsrf, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let refused = app.post_form(&format!("/admin/objects/{id}?lang=en"), &volunteer, &as_refs(&form)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("only by a curator"), "{}", refused.body);
    assert!(!refused.body.contains("did not come from the museum"), "not the expired-form message");
    assert!(refused.body.contains("An hour of careful writing"), "what was typed comes back");
}
