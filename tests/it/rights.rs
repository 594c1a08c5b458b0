//! Rights statements per object and per image: chosen in the panel from the fixed vocabulary,
//! audited, and carried into the public page, IIIF, OAI-PMH (Dublin Core and EDM), Linked Art
//! and the static mirror; an object without one carries the collection's.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use zbor::auth::Role;

use crate::helpers::{Resp, TestApp, multipart};
use crate::media::{drain_jobs, plain_jpeg};

const CC_BY: &str = "http://creativecommons.org/licenses/by/4.0/";
const CC0: &str = "http://creativecommons.org/publicdomain/zero/1.0/";
const COLLECTION: &str = "http://rightsstatements.org/vocab/InC/1.0/";

async fn post(app: &TestApp, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = app.token("/admin", Some(cookie)).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, cookie, &all).await
}

/// A published poster with two public photos, made through the panel; its id, accession
/// number and photos' ids.
async fn published_poster(app: &TestApp, cookie: &str, rights: &str) -> (i64, String, Vec<i64>) {
    let fields = [("object_type", "poster"), ("title_en", "Poster"), ("title_be", "Плакат"), ("rights", rights)];
    let created = post(app, "/admin/objects/new", cookie, &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id: i64 =
        created.header("location").trim_start_matches("/admin/objects/").split('?').next().unwrap().parse().unwrap();
    let csrf = app.token("/admin", Some(cookie)).await;
    let (a, b) = (plain_jpeg(300, 200), plain_jpeg(200, 300));
    let (content_type, body) = multipart(&[("csrf", &csrf)], &[("a.jpg", &a), ("b.jpg", &b)]);
    let request = Request::post(format!("/admin/objects/{id}/media"))
        .header("content-type", content_type)
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::SEE_OTHER);
    drain_jobs(app).await;
    let photos: Vec<i64> = sqlx::query_scalar("SELECT id FROM media WHERE object_id = ? ORDER BY position")
        .bind(id)
        .fetch_all(&app.state.db.main)
        .await
        .unwrap();
    for photo in &photos {
        let fields = [("action", "save"), ("alt_en", "A poster"), ("is_public", "on")];
        let saved = post(app, &format!("/admin/objects/{id}/media/{photo}"), cookie, &fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(post(app, &format!("/admin/objects/{id}/publish"), cookie, &[]).await.status, StatusCode::SEE_OTHER);
    let accession: String = sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    (id, accession, photos)
}

async fn json(app: &TestApp, uri: &str) -> Value {
    let resp = app.get(uri).await;
    assert_eq!(resp.status, StatusCode::OK, "{uri}");
    serde_json::from_str(&resp.body).unwrap()
}

/// Every `edm:rights` of an EDM record, in order: the aggregation's, then each web resource's.
async fn edm_rights(app: &TestApp, accession: &str) -> Vec<String> {
    let uri = format!("/oai?verb=GetRecord&metadataPrefix=edm&identifier=oai:127.0.0.1:{accession}");
    let xml = app.get(&uri).await.body;
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let edm = "http://www.europeana.eu/schemas/edm/";
    let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    doc.descendants()
        .filter(|n| n.has_tag_name((edm, "rights")))
        .map(|n| n.attribute((rdf, "resource")).unwrap().to_owned())
        .collect()
}

async fn dc_rights(app: &TestApp, accession: &str) -> Vec<String> {
    let uri = format!("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:{accession}");
    let xml = app.get(&uri).await.body;
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let dc = "http://purl.org/dc/elements/1.1/";
    doc.descendants().filter(|n| n.has_tag_name((dc, "rights"))).filter_map(|n| n.text()).map(str::to_owned).collect()
}

#[tokio::test]
async fn rights_per_object_and_image_reach_every_public_format() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let (id, accession, photos) = published_poster(&app, &curator, CC_BY).await;
    let (_, plain, _) = published_poster(&app, &curator, "").await;

    // The second photo gets a statement of its own.
    let fields = [("action", "save"), ("alt_en", "A poster"), ("is_public", "on"), ("rights", CC0)];
    let saved = post(&app, &format!("/admin/objects/{id}/media/{}", photos[1]), &curator, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    // The page: the object's statement, and the photo's under that photo only.
    let page = app.get(&format!("/objects/{accession}?lang=en")).await;
    assert_eq!(page.attrs("dd a[rel=license]", "href"), [CC_BY]);
    assert_eq!(page.attrs("figure .image-rights a[rel=license]", "href"), [CC0]);
    assert_eq!(page.texts("figure .image-rights").len(), 1);
    // A statement's name is its publisher's, in English: marked so, a reader of the Belarusian
    // page hears it in English.
    let be = app.get(&format!("/objects/{accession}?lang=be")).await;
    assert_eq!(be.attrs("a[rel=license]", "lang"), ["en", "en"]);
    let page = app.get(&format!("/objects/{plain}?lang=en")).await;
    assert_eq!(page.attrs("a[rel=license]", "href"), [COLLECTION]);

    // IIIF: the manifest has the object's, each canvas its image's.
    let manifest = json(&app, &format!("/iiif/{accession}/manifest.json")).await;
    assert_eq!(manifest["rights"], CC_BY);
    let canvases: Vec<&str> =
        manifest["items"].as_array().unwrap().iter().map(|c| c["rights"].as_str().unwrap()).collect();
    assert_eq!(canvases, [CC_BY, CC0]);
    assert_eq!(json(&app, &format!("/iiif/{plain}/manifest.json")).await["rights"], COLLECTION);

    // OAI-PMH: Dublin Core has the object's; EDM the aggregation's (its first image's) and
    // each web resource's.
    assert_eq!(dc_rights(&app, &accession).await, [CC_BY]);
    assert_eq!(edm_rights(&app, &accession).await, [CC_BY, CC_BY, CC0]);
    assert_eq!(dc_rights(&app, &plain).await, [COLLECTION]);
    assert_eq!(edm_rights(&app, &plain).await, [COLLECTION, COLLECTION, COLLECTION]);

    // Linked Art: the object's statement, and each digital image's.
    let linked = app.get(&format!("/objects/{accession}.jsonld")).await.body;
    let rights: Vec<Value> = serde_json::from_str::<Value>(&linked)
        .map(|doc| {
            let mut found = Vec::new();
            collect_rights(&doc, &mut found);
            found
        })
        .unwrap();
    assert_eq!(rights, [CC_BY, CC_BY, CC0].map(Value::from));

    // The feed: each entry its object's statement.
    let feed = app.get("/feed.atom?lang=en").await.body;
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    let licence_of = |accession: &str| -> Vec<String> {
        let entry = doc
            .descendants()
            .filter(|n| n.has_tag_name((atom, "entry")))
            .find(|e| {
                e.descendants()
                    .any(|n| n.has_tag_name((atom, "id")) && n.text().is_some_and(|t| t.ends_with(accession)))
            })
            .expect("the object's entry");
        entry
            .children()
            .filter(|n| n.has_tag_name((atom, "link")) && n.attribute("rel") == Some("license"))
            .map(|n| n.attribute("href").unwrap().to_owned())
            .collect()
    };
    assert_eq!(licence_of(&accession), [CC_BY]);
    assert_eq!(licence_of(&plain), [COLLECTION]);

    // The static mirror's page of the object says the same.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mirror");
    let options = zbor::mirror::Options { out: out.clone(), base_url: None, incremental: false, live_url: None };
    zbor::mirror::export(&app.state, &options, &indicatif::ProgressBar::hidden()).await.unwrap();
    let html = std::fs::read_to_string(out.join(format!("en/objects/{accession}.html"))).unwrap();
    assert!(html.contains(&format!("href=\"{CC_BY}\"")) && html.contains(&format!("href=\"{CC0}\"")));

    // Both choices are in the audit log with old and new values.
    let details: Vec<String> = sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action IN ('object-edited', 'media-changed') ORDER BY id",
    )
    .fetch_all(&app.state.db.main)
    .await
    .unwrap();
    let photo_change = details.iter().rev().find(|d| d.contains("\"rights\"")).expect("the photo's change");
    let photo_change: Value = serde_json::from_str(photo_change).unwrap();
    assert_eq!(photo_change["rights"], serde_json::json!({ "old": null, "new": CC0 }));
    let edit = [("object_type", "poster"), ("title_en", "Poster"), ("title_be", "Плакат"), ("rights", CC0)];
    assert_eq!(post(&app, &format!("/admin/objects/{id}"), &curator, &edit).await.status, StatusCode::SEE_OTHER);
    let edited: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'object-edited' ORDER BY id DESC")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    let edited: Value = serde_json::from_str(&edited).unwrap();
    let change = edited["changes"].as_array().unwrap().iter().find(|c| c["field"] == "rights").expect("rights changed");
    assert_eq!((change["old"].as_str(), change["new"].as_str()), (Some(CC_BY), Some(CC0)));
    assert_eq!(json(&app, &format!("/iiif/{accession}/manifest.json")).await["rights"], CC0);
}

fn collect_rights(value: &Value, found: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            if map.get("type") == Some(&Value::from("Right")) {
                found.push(map["classified_as"][0]["id"].clone());
            }
            map.values().for_each(|v| collect_rights(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_rights(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn a_statement_outside_the_vocabulary_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let (id, accession, photos) = published_poster(&app, &curator, CC_BY).await;
    let audited = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log").fetch_one(&app.state.db.main).await.unwrap()
    };
    let before = audited().await;
    for bad in ["http://example.org/my-licence/", "In Copyright", "javascript:alert(1)"] {
        let edit = [("object_type", "poster"), ("title_en", "Changed"), ("title_be", "Плакат"), ("rights", bad)];
        let refused = post(&app, &format!("/admin/objects/{id}"), &curator, &edit).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(refused.texts(".field-error").len(), 1, "{bad}: one message, beside the field");
        let fields = [("action", "save"), ("alt_en", "Changed"), ("is_public", "on"), ("rights", bad)];
        let refused = post(&app, &format!("/admin/objects/{id}/media/{}", photos[0]), &curator, &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert_eq!(audited().await, before, "nothing audited, so nothing changed");
    let (title, rights): (String, Option<String>) = sqlx::query_as("SELECT title_en, rights FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!((title.as_str(), rights.as_deref()), ("Poster", Some(CC_BY)));
    let photo: (String, Option<String>) = sqlx::query_as("SELECT alt_en, rights FROM media WHERE id = ?")
        .bind(photos[0])
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(photo, ("A poster".to_owned(), None));
    // `https` and a missing slash are the same statement, stored as its canonical URI.
    let edit = [
        ("object_type", "poster"),
        ("title_en", "Poster"),
        ("title_be", "Плакат"),
        ("rights", "https://creativecommons.org/publicdomain/zero/1.0"),
    ];
    assert_eq!(post(&app, &format!("/admin/objects/{id}"), &curator, &edit).await.status, StatusCode::SEE_OTHER);
    assert_eq!(json(&app, &format!("/iiif/{accession}/manifest.json")).await["rights"], CC0);
}
