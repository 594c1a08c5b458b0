//! The public catalogue, through the router: listing, search, facets, pages, languages,
//! and the promise that nothing unpublished or private reaches a public page.

use std::collections::{BTreeSet, VecDeque};

use axum::http::StatusCode;

use crate::helpers::{CANARIES, Fixture, TestApp, seed};

async fn app_with_fixture() -> (TestApp, Fixture) {
    let app = TestApp::new().await;
    let fixture = seed(&app).await;
    (app, fixture)
}

fn titles(resp: &crate::helpers::Resp) -> Vec<String> {
    resp.texts(".card-title")
}

#[tokio::test]
async fn home_shows_counts_and_recent_published_objects_only() {
    let (app, f) = app_with_fixture().await;
    let resp = app.get("/?lang=en").await;
    assert_eq!(resp.status, StatusCode::OK);
    // 4 named objects + 5 collation objects + generic ones; no draft, no withdrawn.
    let published = 9 + f.generic_count;
    assert!(resp.body.contains(&format!("{published} objects")), "{}", resp.texts(".counts").join("|"));
    assert_eq!(titles(&resp).len(), 12);
    assert!(!resp.body.contains("CANARY"));
}

#[tokio::test]
async fn search_folds_cyrillic_case_prefixes_and_yo() {
    let (app, _) = app_with_fixture().await;
    let cases = [
        ("ЖЫВЕ", "Значок «Жыве Беларусь!»", "upper case finds lower"),
        ("пераможа", "Плакат «Верым, можам, пераможам»", "prefix"),
        ("политзаключенному", "Письмо политзаключённому", "е finds ё"),
        ("ПОЛИТЗАКЛЮЧЁН", "Письмо политзаключённому", "ё prefix, upper case"),
        ("white-red", "White-red-white flag", "English words"),
        ("Іван", "Бел-чырвона-белы сцяг", "maker names are searchable"),
        ("марш міру", "Бел-чырвона-белы сцяг", "event names are searchable"),
    ];
    for (query, expected, why) in cases {
        let lang = if expected.is_ascii() {
            "en"
        } else if expected.contains("Письмо") {
            "ru"
        } else {
            "be"
        };
        let resp = app.get(&format!("/objects?lang={lang}&q={}", zbor::web::encode(query))).await;
        assert_eq!(resp.status, StatusCode::OK, "{why}");
        assert!(titles(&resp).iter().any(|t| t == expected), "{why}: {query:?} gave {:?}", titles(&resp));
    }
    for harmless in ["%22%20OR%20NEAR(x%20y)%20*", "%ZZ", "%00", "'--", "*"] {
        let resp = app.get(&format!("/objects?q={harmless}")).await;
        assert_eq!(resp.status, StatusCode::OK, "{harmless}: FTS syntax and odd bytes in the query are harmless");
    }
    let none = app.get("/objects?q=zzzqqq").await;
    assert_eq!(titles(&none).len(), 0);
    assert!(none.body.contains("class=\"empty\""));
}

#[tokio::test]
async fn search_never_finds_private_or_unpublished_text() {
    let (app, _) = app_with_fixture().await;
    for canary in CANARIES {
        let resp = app.get(&format!("/objects?q={canary}")).await;
        assert_eq!(titles(&resp), Vec::<String>::new(), "{canary} found");
    }
}

#[tokio::test]
async fn each_facet_filters_and_counts() {
    let (app, f) = app_with_fixture().await;
    let by_type = app.get("/objects?type=flag&lang=en").await;
    assert_eq!(titles(&by_type), vec!["White-red-white flag"]);

    let by_maker = app.get(&format!("/objects?maker={}&lang=en", f.maker_ivan)).await;
    assert_eq!(titles(&by_maker), vec!["White-red-white flag"], "the draft by the same maker is not listed");

    let by_event = app.get(&format!("/objects?event={}&lang=en", f.event_march)).await;
    let mut got = titles(&by_event);
    got.sort();
    assert_eq!(got, vec!["Poster “We believe, we can, we will win”", "White-red-white flag"]);

    // The event's day as each language writes it, on its page and in the index of events.
    for (lang, day) in [("be", "16 жніўня 2020"), ("en", "16 August 2020"), ("ru", "16 августа 2020")] {
        let page = app.get(&format!("/events/{}?lang={lang}", f.event_march)).await;
        assert!(page.body.contains(day), "{lang}: {day} missing");
        assert!(!page.body.contains("2020-08-16"), "{lang}: the stored form shown");
        assert!(
            app.get(&format!("/events?lang={lang}")).await.body.contains(day),
            "{lang}: {day} missing from the index"
        );
    }

    let by_year = app.get("/objects?year=2021&lang=en").await;
    let mut got = titles(&by_year);
    got.sort();
    assert_eq!(got, vec!["Badge “Long live Belarus!”", "Letter to a political prisoner"]);

    let combined = app.get(&format!("/objects?year=2020&event={}&type=poster&lang=en", f.event_march)).await;
    assert_eq!(titles(&combined), vec!["Poster “We believe, we can, we will win”"]);

    // Facet counts on the full list: the year facet lists 2021 with its 2 objects.
    let all = app.get("/objects?lang=en").await;
    let years = all.texts(".facet li a");
    assert!(years.iter().any(|y| y == "2021 2"), "{years:?}");
    assert!(years.iter().any(|y| y == &format!("Photograph {}", f.generic_count)), "{years:?}");
}

#[tokio::test]
async fn bad_filter_values_get_a_readable_400() {
    let (app, f) = app_with_fixture().await;
    // A maker of no published object reads like one that never was.
    let unpublished: i64 = sqlx::query_scalar(
        "INSERT INTO makers (kind, name_en, created_at) VALUES ('person', 'Kept unpublished', '2026-01-01') RETURNING id",
    )
    .fetch_one(&app.state.db.main)
    .await
    .unwrap();
    let known = [format!("/objects?maker={}", f.maker_ivan), format!("/objects?event={}", f.event_march)];
    for uri in &known {
        assert_eq!(app.get(uri).await.status, StatusCode::OK, "{uri}");
    }
    let unpublished = format!("/objects?maker={unpublished}");
    for uri in [
        "/objects?type=tank",
        "/objects?maker=999999",
        "/objects?event=999999",
        "/objects?q=flag&maker=999999",
        &unpublished,
        "/objects?maker=abc",
        "/objects?event=-3",
        "/objects?year=twenty",
        "/objects?page=abc",
        "/objects?page=-1",
        "/objects?page=0",
        "/objects/%FF%FE?x=1",
        "/makers/%C3?x=1",
    ] {
        let resp = app.get(&format!("{uri}&lang=en")).await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(resp.header("content-type").starts_with("text/html"), "{uri}");
        assert_eq!(resp.texts("h1"), vec!["That request could not be understood"], "{uri}");
    }
}

#[tokio::test]
async fn pagination_stays_in_bounds() {
    let (app, f) = app_with_fixture().await;
    let total = 9 + f.generic_count;
    let first = app.get("/objects").await;
    assert_eq!(titles(&first).len(), 24);
    let second = app.get("/objects?page=2").await;
    assert_eq!(titles(&second).len(), total - 24);
    let huge = app.get("/objects?page=99999999999").await;
    assert_eq!(huge.status, StatusCode::OK);
    assert_eq!(titles(&huge), titles(&second), "a page past the end shows the last page");
    let absurd = app.get("/objects?page=999999999999999999999999999999").await;
    assert_eq!(absurd.status, StatusCode::OK);
    assert_eq!(titles(&absurd), titles(&second));
    let no_overlap: BTreeSet<_> = titles(&first).into_iter().chain(titles(&second)).collect();
    assert_eq!(no_overlap.len(), total, "every object is on exactly one page");
    assert_eq!(second.attrs("a[rel=prev]", "href"), vec!["/objects"]);
}

#[tokio::test]
async fn object_page_shows_public_fields_provenance_and_chosen_credit() {
    let (app, f) = app_with_fixture().await;
    let flag = app.get(&format!("/objects/{}?lang=en", f.flag)).await;
    assert_eq!(flag.status, StatusCode::OK);
    assert_eq!(flag.texts("h1"), vec!["White-red-white flag"]);
    assert_eq!(flag.texts(".accession"), vec![f.flag.clone()]);
    assert_eq!(flag.texts(".byline a"), vec!["Іван"]);
    assert_eq!(flag.texts(".timeline .step-kind"), vec!["Made"], "only the public provenance event");
    assert_eq!(flag.texts(".credit"), vec!["From an anonymous donor"]);
    let images = flag.attrs(".object-images img", "src");
    assert_eq!(images, vec![format!("/media/{}/1200.jpg", f.public_hash)], "only the public image");
    assert_eq!(flag.attrs(".object-images img", "alt"), vec!["The flag"]);

    let badge = app.get(&format!("/objects/{}?lang=en", f.badge)).await;
    assert_eq!(badge.texts(".credit"), vec!["Gift of Ivan"]);
    let be = app.get(&format!("/objects/{}?lang=be", f.badge)).await;
    assert_eq!(be.texts(".credit"), vec!["Дар: Ivan"]);
}

#[tokio::test]
async fn unpublished_and_missing_objects_give_the_same_404() {
    let (app, f) = app_with_fixture().await;
    let missing = app.get("/objects/MFB-1999-9999").await;
    let withdrawn = app.get(&format!("/objects/{}", f.withdrawn)).await;
    let draft_acc: String = sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
        .bind(f.draft_id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let draft = app.get(&format!("/objects/{draft_acc}")).await;
    let by_entry = app.get(&format!("/objects/{}", f.draft_entry)).await;
    for resp in [&missing, &withdrawn, &draft, &by_entry] {
        assert_eq!(resp.status, StatusCode::NOT_FOUND);
    }
    // Same body, byte for byte: the error page does not even echo the URL.
    assert_eq!(missing.body, withdrawn.body);
    assert_eq!(missing.body, draft.body);
    assert_eq!(missing.body, by_entry.body);
    assert_eq!(app.get("/makers/999999").await.body, missing.body);
    assert_eq!(app.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
}

/// A method an address does not take gets the same readable page as any other error, in the
/// visitor's language, and keeps saying which methods it does take.
#[tokio::test]
async fn a_method_an_address_does_not_take_gets_a_readable_page() {
    let (app, f) = app_with_fixture().await;
    for (method, uri) in [
        ("PUT", "/objects".to_owned()),
        ("DELETE", format!("/objects/{}", f.flag)),
        ("PATCH", "/".to_owned()),
        ("POST", "/makers".to_owned()),
    ] {
        let request = axum::http::Request::builder()
            .method(method)
            .uri(format!("{uri}?lang=en"))
            .body(axum::body::Body::empty())
            .unwrap();
        let resp = app.send(request).await;
        assert_eq!(resp.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert!(resp.header("allow").contains("GET"), "{method} {uri}: {:?}", resp.headers);
        assert!(resp.header("content-type").starts_with("text/html"), "{method} {uri}");
        assert_eq!(resp.texts("h1"), ["Not possible at this address"], "{method} {uri}");
        assert!(resp.body.contains("cannot be used that way"), "{method} {uri}");
    }
    assert_eq!(app.get("/objects").await.status, StatusCode::OK, "and the site answers as before");
}

/// Follows every same-site link from the home page and the list pages, like a crawler would.
async fn crawl(app: &TestApp, starts: &[String]) -> Vec<(String, crate::helpers::Resp)> {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = starts.iter().cloned().collect();
    let mut pages = Vec::new();
    while let Some(url) = queue.pop_front() {
        if !seen.insert(url.clone()) || seen.len() > 400 {
            continue;
        }
        let resp = app.get(&url).await;
        for href in resp.attrs("a[href]", "href").into_iter().chain(resp.attrs("img[src]", "src")) {
            if href.starts_with('/') && !href.starts_with("/media/") && !seen.contains(&href) {
                queue.push_back(href);
            }
        }
        pages.push((url, resp));
    }
    pages
}

#[tokio::test]
async fn no_public_page_mentions_private_fields_or_unpublished_objects() {
    let (app, f) = app_with_fixture().await;
    let mut starts = vec!["/".to_owned(), "/objects?lang=en".to_owned(), "/objects?lang=ru".to_owned()];
    starts.push(format!("/objects/{}?lang=en", f.flag));
    let pages = crawl(&app, &starts).await;
    assert!(pages.len() > 40, "the crawl reached {} pages", pages.len());
    for (url, resp) in &pages {
        for canary in CANARIES {
            assert!(!resp.body.contains(canary), "{canary} on {url}");
        }
        assert!(!resp.body.contains(&f.private_hash), "private image on {url}");
        assert!(!resp.body.contains(&f.draft_hash), "draft image on {url}");
        assert!(!resp.body.contains(&f.draft_entry), "entry number of a draft on {url}");
    }
}

#[tokio::test]
async fn media_urls_serve_only_public_derivatives_of_published_objects() {
    let (app, f) = app_with_fixture().await;
    let (status, headers, bytes) = app.get_bytes(&format!("/media/{}/400.jpg", f.public_hash)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "public, max-age=60");
    let decoded = image::load_from_memory(&bytes).expect("a real JPEG");
    assert_eq!((decoded.width(), decoded.height()), (320, 240), "never upscaled");

    let (not_found, _, not_found_body) = app.get_bytes(&format!("/media/{}/400.jpg", "0".repeat(64))).await;
    assert_eq!(not_found, StatusCode::NOT_FOUND);
    for uri in [
        format!("/media/{}/400.jpg", f.private_hash),
        format!("/media/{}/400.jpg", f.draft_hash),
        format!("/media/{}/master.jpg", f.public_hash),
        format!("/media/{}/401.jpg", f.public_hash),
        format!("/media/{}/..%2F..%2Fzbor.sqlite", f.public_hash),
    ] {
        let (status, _, body) = app.get_bytes(&uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body, not_found_body, "{uri} looks like any missing file");
    }
}

#[tokio::test]
async fn every_template_escapes_what_people_typed() {
    use zbor::collection::authorities::{self, NewEvent, NewMaker};
    use zbor::collection::objects::{self, NewObject};
    use zbor::collection::{EventKind, MakerKind, Text3};
    let (app, _) = TestApp::with_keyholder().await;
    let evil = "<script>\"'&";
    let evil3 = Text3::same(evil);
    let mut tx = app.state.db.main.begin().await.unwrap();
    let maker = authorities::create_maker(
        &mut tx,
        &NewMaker { kind: MakerKind::Person, name: evil3.clone(), bio: evil3.clone(), private_notes: String::new() },
    )
    .await
    .unwrap();
    let place = authorities::create_place(&mut tx, &evil3).await.unwrap();
    let event = authorities::create_event(
        &mut tx,
        &NewEvent {
            kind: EventKind::Protest,
            name: evil3.clone(),
            description: evil3.clone(),
            starts_on: Some(evil.into()),
            ends_on: None,
            place_id: Some(place),
            organisation_id: None,
        },
    )
    .await
    .unwrap();
    let mut o = NewObject::new("poster", evil3.clone());
    o.description = evil3.clone();
    o.inscription = evil3.clone();
    o.inscription_public = true;
    o.materials = evil3.clone();
    o.dimensions = evil.into();
    let id = objects::create_object(&mut tx, &o, 2022).await.unwrap().id;
    objects::link_maker(&mut tx, id, maker).await.unwrap();
    objects::link_event(&mut tx, id, event).await.unwrap();
    let acc = crate::helpers::publish(&mut tx, id, "MFB-{year}-{seq:04}", 2022).await;
    tx.commit().await.unwrap();
    app.refresh().await;

    let pages = [
        ("catalogue/home.html", "/".to_owned()),
        ("catalogue/list.html", format!("/objects?q={}", zbor::web::encode(evil))),
        // The cards of a list are written by views::View::card, escaped as the templates escape.
        ("catalogue/list.html", "/objects".to_owned()),
        ("catalogue/object.html", format!("/objects/{acc}")),
        ("catalogue/index.html", "/makers".to_owned()),
        ("catalogue/authority.html", format!("/makers/{maker}")),
        ("catalogue/authority.html", format!("/events/{event}")),
        ("error.html", format!("/objects/{}", zbor::web::encode(evil))),
    ];
    let mut covered = BTreeSet::new();
    for (template, url) in &pages {
        let resp = app.get(url).await;
        assert!(!resp.body.contains(evil), "{url} shows the string unescaped");
        assert!(!resp.body.contains("<script"), "{url} contains a script tag");
        if *template != "error.html" {
            assert_eq!(resp.status, StatusCode::OK, "{url}");
            assert!(resp.body.contains("&lt;script&gt;"), "{url} should show the text, escaped");
        }
        covered.insert(template.to_string());
    }
    // The panel: a failed sign-in shows the typed username back; the dashboard names the user.
    {
        use axum::body::Body;
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let post = |body: String| {
            axum::http::Request::post("/admin/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        };
        let body = format!("username={}&password=whatever", zbor::web::encode(evil));
        let response = app.router.clone().oneshot(post(body)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let page = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
        assert!(!page.contains(evil) && page.contains("&lt;script&gt;"), "admin/login.html escapes the username");
        covered.insert("admin/login.html".to_owned());

        let password = "a long enough password";
        zbor::auth::create_user(
            &app.state.db.main,
            &"olga".parse().unwrap(),
            password.to_owned().into(),
            zbor::auth::Role::Volunteer,
        )
        .await
        .unwrap();
        let response = app
            .router
            .clone()
            .oneshot(post(format!("username=olga&password={}", zbor::web::encode(password))))
            .await
            .unwrap();
        let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        // A form carried through the sign-in comes back in hidden fields and a list, escaped.
        let resumed = serde_urlencoded::to_string([
            ("resume_to", "/admin/objects/new"),
            (&format!("resume.{evil}"), evil),
            ("username", "olga"),
            ("password", password),
        ])
        .unwrap();
        let response = app.router.clone().oneshot(post(resumed)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
        assert!(!page.contains(evil) && page.contains("&lt;script&gt;"), "admin/resume.html escapes the form");
        covered.insert("admin/resume.html".to_owned());
        let dashboard = app.get_with("/admin", &[("cookie", &cookie)]).await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert!(!dashboard.body.contains("<script"));
        covered.insert("admin/dashboard.html".to_owned());
        let totp = app.get_with("/admin/totp", &[("cookie", &cookie)]).await;
        assert_eq!(totp.status, StatusCode::OK);
        assert!(!totp.body.contains("<script"));
        covered.insert("admin/totp.html".to_owned());
        let totp = app.get_with("/admin/totp", &[("cookie", &cookie)]).await;
        assert_eq!(totp.status, StatusCode::OK);
        assert!(!totp.body.contains("<script"));
        covered.insert("admin/totp.html".to_owned());
    }
    // The intake form, shown again with what was typed; the thanks and status pages; the
    // review pages of the panel.
    {
        let escaped = |resp: &crate::helpers::Resp, what: &str| {
            assert!(!resp.body.contains(evil) && resp.body.contains("&lt;script&gt;"), "{what} escapes");
            assert!(!resp.body.contains("<script"), "{what} has no script");
        };
        let form = app.get("/offer").await;
        assert_eq!(form.status, StatusCode::OK);
        let fields = [("title", evil), ("description", evil), ("credit", "pseudonym"), ("story", evil)];
        let again = app.send(crate::intake::offer_request(&app, [10, 0, 0, 1], &fields, &[], &[]).await).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        escaped(&again, "intake/offer.html");
        covered.insert("intake/offer.html".to_owned());
        let fields =
            [("title", evil), ("maker", evil), ("credit", "name"), ("credit_name", evil), ("want_receipt", "1")];
        let thanks = app.send(crate::intake::offer_request(&app, [10, 0, 0, 1], &fields, &[], &[]).await).await;
        assert_eq!(thanks.status, StatusCode::OK);
        assert!(!thanks.body.contains("<script"));
        covered.insert("intake/thanks.html".to_owned());
        let status = crate::intake::check_receipt(&app, &thanks.texts("#receipt-code")[0]).await;
        assert_eq!(status.status, StatusCode::OK);
        covered.insert("intake/status.html".to_owned());

        let curator = app.staff_cookie("curator-e", zbor::auth::Role::Curator).await;
        let inbox = app.get_with("/admin/offers", &[("cookie", &curator)]).await;
        escaped(&inbox, "admin/offers.html");
        covered.insert("admin/offers.html".to_owned());
        covered.insert("admin/panel.html".to_owned());
        let id: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
        let offer = app.get_with(&format!("/admin/offers/{id}"), &[("cookie", &curator)]).await;
        escaped(&offer, "admin/offer.html");
        covered.insert("admin/offer.html".to_owned());
        let token = offer.attrs("input[name=csrf]", "value").remove(0);
        let accepted = app.post_form(&format!("/admin/offers/{id}/accept"), &curator, &[("csrf", &token)]).await;
        let object = app.get_with(accepted.header("location"), &[("cookie", &curator)]).await;
        escaped(&object, "admin/object.html");
        covered.insert("admin/object.html".to_owned());
        // The regions page sends back what was typed into a refused region.
        let object_id: i64 = accepted
            .header("location")
            .trim_start_matches("/admin/objects/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let stored = app.state.media.store.store(&image::RgbImage::new(64, 48)).unwrap();
        let described = zbor::media::NewMedia { alt: evil3.clone(), caption: evil3.clone(), is_public: false };
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let media_id = zbor::media::add_media(&mut conn, object_id, &stored, &described).await.unwrap();
        drop(conn);
        let regions = format!("/admin/objects/{object_id}/media/{media_id}/regions");
        let fields = [("csrf", token.as_str()), ("action", "add"), ("shape", "rect"), ("kind", "face"), ("x", evil)];
        let refused = app.post_form(&regions, &curator, &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!refused.body.contains(evil) && refused.body.contains("&lt;script&gt;"), "admin/regions.html escapes");
        // Its one script is the panel's own drawing tool.
        assert_eq!(refused.body.matches("<script").count(), 1);
        assert!(refused.body.contains("<script src=\"/static/redact.js\" defer></script>"));
        covered.insert("admin/regions.html".to_owned());
        // The registrar's sections and pages show what was typed into the register, a condition
        // report and a valuation.
        let object_uri = format!("/admin/objects/{object_id}");
        let fields = [("csrf", token.as_str()), ("method", "gift"), ("authority", evil)];
        let done = app.post_form(&format!("{object_uri}/accession"), &curator, &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let fields =
            [("csrf", token.as_str()), ("amount", "10"), ("currency", "EUR"), ("purpose", "insurance"), ("note", evil)];
        let done = app.post_form(&format!("{object_uri}/valuation"), &curator, &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let fields = [("condition", "fair"), ("notes", evil)];
        let done = crate::register::report(&app, object_id, &curator, &fields, &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let editor = app.get_with(&object_uri, &[("cookie", &curator)]).await;
        escaped(&editor, "admin/object_register.html");
        assert!(editor.body.matches("&lt;script&gt;").count() >= 3, "authority, notes and note shown");
        covered.insert("admin/object_register.html".to_owned());
        for (template, uri) in [
            ("admin/history.html", format!("{object_uri}/history")),
            ("admin/register.html", "/admin/register".to_owned()),
        ] {
            let page = app.get_with(&uri, &[("cookie", &curator)]).await;
            escaped(&page, template);
            covered.insert(template.to_owned());
        }
        // Inventory: a location and a stocktake note with what was typed.
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let location = zbor::collection::whereabouts::create_location(&mut conn, evil, "").await.unwrap();
        let today = chrono::Utc::now().date_naive();
        zbor::collection::whereabouts::move_object(&mut conn, object_id, location, today, true, "").await.unwrap();
        drop(conn);
        let fields = [("csrf", token.as_str()), ("location", &location.to_string()), ("note", evil)];
        let started = app.post_form("/admin/stocktakes", &curator, &fields).await;
        assert_eq!(started.status, StatusCode::SEE_OTHER);
        for (template, uri) in
            [("admin/stocktakes.html", "/admin/stocktakes"), ("admin/stocktake.html", started.header("location"))]
        {
            let page = app.get_with(uri, &[("cookie", &curator)]).await;
            escaped(&page, template);
            covered.insert(template.to_owned());
        }
        // Loans: an organisation, a reference and conditions with what was typed.
        let mut conn = app.state.db.main.acquire().await.unwrap();
        let org =
            zbor::collection::authorities::create_organisation(&mut conn, &zbor::collection::Text3::same(evil), "")
                .await
                .unwrap()
                .to_string();
        drop(conn);
        let fields = [
            ("csrf", token.as_str()),
            ("direction", "out"),
            ("organisation", &org),
            ("reference", evil),
            ("conditions", evil),
            ("starts_on", "2026-01-01"),
            ("ends_on", "2026-02-01"),
        ];
        let loan = app.post_form("/admin/loans", &curator, &fields).await;
        assert_eq!(loan.status, StatusCode::SEE_OTHER);
        for (template, uri) in [("admin/loans.html", "/admin/loans"), ("admin/loan.html", loan.header("location"))] {
            let page = app.get_with(uri, &[("cookie", &curator)]).await;
            escaped(&page, template);
            covered.insert(template.to_owned());
        }
        let list =
            app.get_with(&format!("/admin/objects?q={}", zbor::web::encode(evil)), &[("cookie", &curator)]).await;
        escaped(&list, "admin/objects.html");
        assert!(list.texts(".object-title-cell").iter().any(|t| t.contains(evil)), "the list finds the object");
        covered.insert("admin/objects.html".to_owned());
        let fields = [("csrf", token.as_str()), ("ids", &object_id.to_string()), ("change", "withdraw")];
        let preview = app.post_form("/admin/objects/batch", &curator, &fields).await;
        escaped(&preview, "admin/batch.html");
        assert!(preview.texts(".batch-outcome td").iter().any(|t| t.contains(evil)), "the preview names the object");
        covered.insert("admin/batch.html".to_owned());
        // The table import's report shows a refused row's cells.
        let table = format!("entry_number,title_en,parts\nE-0000-0000,{},many\n", evil.replace('"', "\"\""));
        let (content_type, body) =
            crate::helpers::multipart_in(&[("csrf", &token)], "table", &[("t.csv", table.as_bytes())]);
        let request = axum::http::Request::post("/admin/objects/import")
            .header("content-type", content_type)
            .header("cookie", &curator)
            .body(axum::body::Body::from(body))
            .unwrap();
        let report = app.send(request).await;
        assert_eq!(report.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!report.body.contains("<script"));
        covered.insert("admin/import.html".to_owned());
        let object_path = accepted.header("location").split('?').next().unwrap().to_owned();
        let preview = app.get_with(&format!("{object_path}/preview"), &[("cookie", &curator)]).await;
        assert_eq!(preview.status, StatusCode::OK);
        escaped(&preview, "catalogue/object.html (preview)");
    }
    // The account pages and the admins' pages.
    {
        let admin = app.staff_cookie("admin-e", zbor::auth::Role::Admin).await;
        for (template, uri) in [
            ("admin/account.html", "/admin/account"),
            ("admin/users.html", "/admin/users"),
            ("admin/audit.html", "/admin/audit"),
            ("admin/authorities.html", "/admin/authorities/events"),
            ("admin/locations.html", "/admin/locations"),
        ] {
            let page = app.get_with(uri, &[("cookie", &admin)]).await;
            assert_eq!(page.status, StatusCode::OK, "{uri}");
            assert!(!page.body.contains("<script") && !page.body.contains(evil), "{uri}");
            covered.insert(template.to_owned());
        }
    }
    // The static mirror's own pages (its other pages are the catalogue's, rewritten).
    {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("mirror");
        let options = zbor::mirror::Options { out: out.clone(), base_url: None, incremental: false, live_url: None };
        zbor::mirror::export(&app.state, &options, &indicatif::ProgressBar::hidden()).await.unwrap();
        for (template, file) in [("mirror_root.html", "index.html"), ("catalogue/mirror_search.html", "en/search.html")]
        {
            let html = std::fs::read_to_string(out.join(file)).unwrap();
            assert!(!html.contains(evil), "{file}");
            covered.insert(template.to_owned());
        }
    }
    // A template added without a page in this list fails here.
    let all: BTreeSet<String> =
        app.state.templates.names().into_iter().filter(|n| !n.ends_with("macros.html") && n != "base.html").collect();
    assert_eq!(covered, all);
}

#[tokio::test]
async fn language_comes_from_the_query_then_accept_language() {
    let (app, _) = app_with_fixture().await;
    let be = app.get("/").await;
    assert_eq!(be.attrs("html", "lang"), vec!["be"], "Belarusian by default");
    // The museum's own name is in the page's language too.
    assert_eq!(be.texts(".brand-name"), ["Музей Свабоднай Беларусі"]);
    assert_eq!(app.get("/?lang=en").await.texts(".brand-name"), ["Museum of Free Belarus"]);
    assert_eq!(app.get("/objects?lang=ru").await.texts(".brand-name"), ["Музей Свободной Беларуси"]);
    let ru = app.get_with("/", &[("accept-language", "de-DE, ru;q=0.9, en;q=0.8")]).await;
    assert_eq!(ru.attrs("html", "lang"), vec!["ru"]);
    assert!(ru.header("vary").contains("Accept-Language"));
    let en = app.get_with("/?lang=en", &[("accept-language", "ru")]).await;
    assert_eq!(en.attrs("html", "lang"), vec!["en"]);
    // An explicit choice is carried by every link.
    let links = en.attrs("main a[href]", "href");
    assert!(!links.is_empty());
    assert!(links.iter().all(|l| l.contains("lang=en")), "{links:?}");
    // A value missing in one language falls back to another, marked with its language.
    let cards = en.attrs(".card-title", "lang");
    assert!(cards.iter().all(|l| l == "en" || l == "be"));
}

#[tokio::test]
async fn maker_index_follows_belarusian_alphabetical_order() {
    let (app, _) = app_with_fixture().await;
    let resp = app.get("/makers?lang=be").await;
    let names: Vec<String> = resp.texts(".index li > a");
    let expected = ["Аляксей", "Зоя", "Іван", "Кастусь", "Уладзь", "Ўладзь", "Юрась", "Янка"];
    assert_eq!(names, expected);
    let mut bytewise = expected.to_vec();
    bytewise.sort();
    assert_ne!(bytewise, expected, "byte order would differ, so this test means something");
}

#[tokio::test]
async fn pages_carry_strict_security_headers() {
    let (app, f) = app_with_fixture().await;
    for url in [
        "/".to_owned(),
        "/objects".to_owned(),
        format!("/objects/{}", f.flag),
        "/nope".to_owned(),
        "/static/zbor.css".to_owned(),
    ] {
        let resp = app.get(&url).await;
        let csp = resp.header("content-security-policy");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{url}: {csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("script-src"), "{url}: no script allowed");
        assert_eq!(resp.header("x-content-type-options"), "nosniff", "{url}");
        assert_eq!(resp.header("referrer-policy"), "same-origin", "{url}");
        assert_eq!(resp.header("cross-origin-resource-policy"), "same-origin", "{url}");
        assert!(resp.headers.get("set-cookie").is_none(), "{url} sets no cookie");
    }
    // Nothing from other origins, and no script at all.
    let home = app.get("/").await;
    assert!(home.attrs("[src]", "src").iter().all(|s| s.starts_with('/')));
    // What a page loads (stylesheet, icon) is its own; the addresses it names for crawlers
    // (canonical, other languages) are on the museum's own site.
    for rel in ["stylesheet", "icon"] {
        let loaded = home.attrs(&format!("link[rel={rel}]"), "href");
        assert!(!loaded.is_empty() && loaded.iter().all(|s| s.starts_with('/') && !s.starts_with("//")), "{loaded:?}");
    }
    let site = &app.state.config.public_url;
    assert!(home.attrs("link[href]", "href").iter().all(|s| s.starts_with('/') || s.starts_with(site.as_str())));
    assert!(!home.body.contains("<script"));
}

#[tokio::test]
async fn publishing_refreshes_cached_pages() {
    use zbor::collection::Text3;
    use zbor::collection::objects::{self, NewObject};
    let (app, _) = app_with_fixture().await;
    let before = app.get("/?lang=en").await;
    let choice = zbor::web::LangChoice { lang: zbor::i18n::Lang::En, explicit: true };
    assert_eq!(
        app.state.public.cached(choice, "/?lang=en").as_deref().map(|page| page.body().as_ref()),
        Some(before.body.as_bytes()),
        "kept in the cache"
    );
    assert_eq!(app.get("/?lang=en").await.body, before.body, "served again from the cache");
    app.get("/objects?q=flag&lang=en").await;
    assert!(app.state.public.cached(choice, "/objects?q=flag&lang=en").is_none(), "searches are not kept");
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let id = objects::create_object(&mut conn, &NewObject::new("flag", Text3::same("Brand-new flag")), 2025)
        .await
        .unwrap()
        .id;
    crate::helpers::publish(&mut conn, id, "MFB-{year}-{seq:04}", 2025).await;
    drop(conn);
    app.refresh().await;
    assert!(app.state.public.cached(choice, "/?lang=en").is_none(), "the refresh dropped the cached page");
    let after = app.get("/?lang=en").await;
    assert_eq!(titles(&after).first().map(String::as_str), Some("Brand-new flag"));
}

#[tokio::test]
async fn plural_forms_follow_cldr_in_belarusian_and_russian() {
    let translations = zbor::i18n::Translations::load().unwrap();
    let count = |lang, n: i64| {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("count", n);
        translations.get(lang, "objects-count", Some(&args))
    };
    use zbor::i18n::Lang::{Be, En, Ru};
    let expected_be = [
        (1, "прадмет"),
        (2, "прадметы"),
        (5, "прадметаў"),
        (11, "прадметаў"),
        (21, "прадмет"),
        (22, "прадметы"),
        (25, "прадметаў"),
        (101, "прадмет"),
        (111, "прадметаў"),
    ];
    for (n, word) in expected_be {
        assert_eq!(count(Be, n), format!("{n} {word}"), "be {n}");
    }
    let expected_ru = [
        (1, "предмет"),
        (2, "предмета"),
        (5, "предметов"),
        (11, "предметов"),
        (21, "предмет"),
        (22, "предмета"),
        (25, "предметов"),
        (101, "предмет"),
        (111, "предметов"),
    ];
    for (n, word) in expected_ru {
        assert_eq!(count(Ru, n), format!("{n} {word}"), "ru {n}");
    }
    assert_eq!(count(En, 1), "1 object");
    assert_eq!(count(En, 22), "22 objects");
}

#[tokio::test]
async fn every_language_has_every_message() {
    use zbor::i18n::Lang;
    let translations = zbor::i18n::Translations::load().unwrap();
    let en: BTreeSet<String> = translations.message_ids(Lang::En).into_iter().collect();
    for lang in [Lang::Be, Lang::Ru] {
        let other: BTreeSet<String> = translations.message_ids(lang).into_iter().collect();
        assert_eq!(en.symmetric_difference(&other).collect::<Vec<_>>(), Vec::<&String>::new(), "{lang:?}");
    }
}

#[tokio::test]
async fn end_to_end_over_a_real_socket() {
    let (app, f) = app_with_fixture().await;
    let server = app.serve().await;
    let addr = server.addr;
    let client = reqwest::Client::new();
    let health = client.get(format!("http://{addr}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let page = client.get(format!("http://{addr}/objects/{}?lang=en", f.flag)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("White-red-white flag"));
    server.stop().await;
}

#[tokio::test]
async fn a_private_deposit_does_not_say_so_in_public() {
    use zbor::collection::objects::{self, NewObject};
    use zbor::collection::{AcquisitionMethod, Owner, Text3};
    let app = TestApp::new().await;
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let donor = zbor::donors::create_donor(
        &mut conn,
        zbor::collection::CreditChoice::Name,
        "Ivan",
        crate::helpers::date(2023, 1, 1),
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for public in [false, true] {
        let mut o = NewObject::new("painting", Text3::same(format!("Deposit, public acquisition: {public}")));
        o.acquisition_method = Some(AcquisitionMethod::Deposit);
        o.owner = Owner::Depositor;
        o.acquisition_public = public;
        o.donor_id = Some(donor.clone());
        let id = objects::create_object(&mut conn, &o, 2023).await.unwrap().id;
        ids.push(crate::helpers::publish(&mut conn, id, "MFB-{year}-{seq:04}", 2023).await);
    }
    drop(conn);
    app.refresh().await;
    let private = app.get(&format!("/objects/{}?lang=en", ids[0])).await;
    assert!(!private.body.contains("On deposit"), "{}", private.texts(".fields").join(" | "));
    assert!(!private.body.contains("depositor"));
    assert_eq!(private.texts(".credit"), vec!["Courtesy of Ivan"], "the credit line does not name the method");
    let public = app.get(&format!("/objects/{}?lang=en", ids[1])).await;
    assert!(public.body.contains("On deposit: the depositor remains the owner"));
    assert_eq!(public.texts(".credit"), vec!["On deposit from Ivan"]);
}

#[tokio::test]
async fn an_anonymous_maker_stays_anonymous_whatever_was_written_down() {
    use zbor::collection::authorities::{self, NewMaker};
    use zbor::collection::objects::{self, NewObject};
    use zbor::collection::{MakerKind, Text3};
    let app = TestApp::new().await;
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let maker = authorities::create_maker(
        &mut conn,
        &NewMaker {
            kind: MakerKind::Anonymous,
            name: Text3::same("CANARYREALNAME"),
            bio: Text3::same("CANARY-BIO"),
            private_notes: String::new(),
        },
    )
    .await
    .unwrap();
    let id =
        objects::create_object(&mut conn, &NewObject::new("poster", Text3::same("A poster")), 2022).await.unwrap().id;
    objects::link_maker(&mut conn, id, maker).await.unwrap();
    let acc = crate::helpers::publish(&mut conn, id, "MFB-{year}-{seq:04}", 2022).await;
    drop(conn);
    app.refresh().await;
    for url in [
        format!("/objects/{acc}?lang=en"),
        format!("/makers/{maker}?lang=en"),
        "/makers?lang=en".to_owned(),
        "/objects?lang=en".to_owned(),
    ] {
        let resp = app.get(&url).await;
        assert!(!resp.body.contains("CANARY"), "{url}");
        assert!(resp.body.contains("Anonymous maker"), "{url}");
    }
    let search = app.get("/objects?q=CANARYREALNAME").await;
    assert!(search.texts(".card-title").is_empty(), "not findable by the name either");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshes_asked_for_together_reload_once_and_each_sees_its_change() {
    use zbor::collection::objects::{self, NewObject};
    let (app, _) = app_with_fixture().await;
    let before = app.state.public.generation();
    let publications = 32;
    let one = |n: usize| {
        let app = &app;
        async move {
            let mut conn = app.state.db.main.acquire().await.unwrap();
            let title = crate::helpers::t(&format!("Стужка {n}"), &format!("Ribbon {n}"), &format!("Лента {n}"));
            let id = objects::create_object(&mut conn, &NewObject::new("ribbon", title), 2024).await.unwrap().id;
            crate::helpers::publish(&mut conn, id, "MFB-{year}-{seq:04}", 2024).await;
            drop(conn);
            app.state.public.refresh(&app.state.db.main).await.unwrap();
            // When refresh returns, the snapshot was loaded after this object was published.
            assert!(app.state.public.current().collection.objects.iter().any(|o| o.id == id), "ribbon {n} not public");
        }
    };
    futures_util::future::join_all((0..publications).map(one)).await;
    let reloads = app.state.public.generation() - before;
    assert!((1..publications as u64 / 2).contains(&reloads), "{reloads} reloads for {publications} publications");
    let listed = app.get("/objects?lang=en&q=ribbon").await;
    assert!(listed.body.contains("Ribbon 31"), "the last one is listed");
}

/// The stylesheet's colours, read from the file: text at least 4.5:1 against the paper and
/// cards it is set on (WCAG AA), focus rings at least 3:1 against what they are drawn on,
/// the panel's dark bar and the footer included.
#[test]
fn the_stylesheet_keeps_text_and_focus_rings_readable() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/zbor.css")).unwrap();
    let colour = |name: &str| -> f64 {
        let at = css.find(&format!("--{name}:")).unwrap_or_else(|| panic!("--{name} in the stylesheet"));
        let hex = css[at..].split('#').nth(1).unwrap();
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    };
    let ratio = |a: &str, b: &str| {
        let (a, b) = (colour(a), colour(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    };
    for (text, on, least) in [
        ("ink", "paper", 4.5),
        ("muted", "paper", 4.5),
        ("red", "paper", 4.5),
        ("red", "card", 4.5),
        ("focus", "paper", 3.0),
        ("focus", "card", 3.0),
        ("focus-on-dark", "ink", 3.0),
    ] {
        assert!(ratio(text, on) >= least, "--{text} on --{on}: {:.2}:1", ratio(text, on));
    }
    assert!(
        css.contains(".panel-bar :focus-visible, .site-footer :focus-visible { outline-color: var(--focus-on-dark); }")
    );
}
