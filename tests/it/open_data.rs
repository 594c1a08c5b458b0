//! Open data and HTTP as crawlers, caches and image viewers meet them: compression and
//! validators, IIIF read back as JSON, discovery files parsed as XML.

use std::io::Read;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::{Fixture, TestApp, seed};

async fn app_with_fixture() -> (TestApp, Fixture) {
    let app = TestApp::new().await;
    let fixture = seed(&app).await;
    (app, fixture)
}

/// A raw answer: status, headers and the bytes as sent.
struct Raw {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The body as the client reads it, decoded from its content coding.
    fn decoded(&self) -> String {
        let mut out = Vec::new();
        match self.header("content-encoding") {
            "br" => {
                brotli::Decompressor::new(&self.body[..], 4096).read_to_end(&mut out).unwrap();
            }
            "gzip" => {
                flate2::read::GzDecoder::new(&self.body[..]).read_to_end(&mut out).unwrap();
            }
            "" => out = self.body.clone(),
            other => panic!("unexpected coding {other}"),
        }
        String::from_utf8(out).unwrap()
    }
}

async fn send(app: &TestApp, method: Method, uri: &str, headers: &[(&str, &str)]) -> Raw {
    let mut request = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = app.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Raw { status, headers, body }
}

async fn get(app: &TestApp, uri: &str, headers: &[(&str, &str)]) -> Raw {
    send(app, Method::GET, uri, headers).await
}

fn vary(raw: &Raw) -> Vec<String> {
    raw.headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(',').map(|t| t.trim().to_ascii_lowercase()).collect::<Vec<_>>())
        .collect()
}

#[tokio::test]
async fn public_answers_are_compressed_validated_and_head_matches_get() {
    let (app, fixture) = app_with_fixture().await;
    let urls = [
        "/".to_owned(),
        "/?lang=en".to_owned(),
        "/objects".to_owned(),
        "/objects?q=flag&lang=en".to_owned(),
        format!("/objects/{}", fixture.flag),
        format!("/makers/{}", fixture.maker_ivan),
        format!("/iiif/{}/manifest.json", fixture.flag),
        format!("/iiif/image/{}/info.json", fixture.public_hash),
        "/static/zbor.css".to_owned(),
    ];
    for url in &urls {
        // Twice: the first fills the render cache, the second is served from it.
        for round in 0..2 {
            let plain = get(&app, url, &[]).await;
            assert_eq!(plain.status, StatusCode::OK, "{url}");
            assert_eq!(plain.header("content-encoding"), "", "{url}: no coding unless asked for");
            let cache = plain.header("cache-control");
            assert!(cache.contains("public") && cache.contains("max-age="), "{url}: {cache}");
            let tag = plain.header("etag").to_owned();
            assert!(tag.starts_with("W/\""), "{url}: {tag:?}");
            assert!(vary(&plain).contains(&"accept-encoding".to_owned()), "{url} round {round}");

            for (accept, coding) in [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip")] {
                let packed = get(&app, url, &[("accept-encoding", accept)]).await;
                assert_eq!(packed.header("content-encoding"), coding, "{url} {accept}");
                assert!(packed.body.len() < plain.body.len(), "{url}: {} ≥ {}", packed.body.len(), plain.body.len());
                assert_eq!(packed.decoded().as_bytes(), &plain.body[..], "{url}: the same page, compressed");
                assert_eq!(packed.header("etag"), tag, "{url}: one validator for every coding");
            }

            let again = get(&app, url, &[("if-none-match", &tag), ("accept-encoding", "br")]).await;
            assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{url}");
            assert!(again.body.is_empty());
            assert_eq!(again.header("etag"), tag);
            let other = get(&app, url, &[("if-none-match", "W/\"something-else\"")]).await;
            assert_eq!(other.status, StatusCode::OK, "{url}");

            let head = send(&app, Method::HEAD, url, &[("accept-encoding", "br")]).await;
            let full = get(&app, url, &[("accept-encoding", "br")]).await;
            assert_eq!(head.status, StatusCode::OK, "{url}");
            assert!(head.body.is_empty(), "{url}: HEAD has no body");
            for name in ["content-type", "etag", "cache-control", "content-encoding", "vary", "content-language"] {
                assert_eq!(head.header(name), full.header(name), "{url}: HEAD's {name}");
            }
            assert_eq!(head.header("content-length"), full.body.len().to_string(), "{url}");
        }
    }
}

/// A repeated request for a cached page is answered before the layers (`catalogue::front`),
/// from the headers the layers gave that page the first time: whatever the request asks, the
/// answer must be exactly, byte for byte, what the layers give the same request.
#[tokio::test]
async fn a_cached_page_is_answered_again_exactly_as_the_layers_answered_it() {
    let (app, fixture) = app_with_fixture().await;
    let urls = [
        "/".to_owned(),
        "/?lang=ru".to_owned(),
        "/objects".to_owned(),
        "/objects?type=flag&lang=en".to_owned(),
        format!("/objects/{}", fixture.flag),
        format!("/makers/{}", fixture.maker_ivan),
        format!("/events/{}?lang=be", fixture.event_march),
        "/makers".to_owned(),
    ];
    for url in &urls {
        let tag = get(&app, url, &[]).await.header("etag").to_owned();
        assert!(!tag.is_empty(), "{url}");
        let requests: Vec<(Method, Vec<(&str, &str)>)> = vec![
            (Method::GET, vec![]),
            (Method::GET, vec![("accept-encoding", "gzip")]),
            (Method::GET, vec![("accept-encoding", "gzip, br"), ("accept-language", "ru, en;q=0.5")]),
            (Method::GET, vec![("accept-language", "en")]),
            (Method::HEAD, vec![("accept-encoding", "br")]),
            (Method::HEAD, vec![]),
            (Method::GET, vec![("if-none-match", &tag), ("accept-encoding", "gzip")]),
            (Method::HEAD, vec![("if-none-match", &tag)]),
            (Method::GET, vec![("if-none-match", "W/\"other\"")]),
            (Method::GET, vec![("accept", "application/ld+json")]),
            (Method::GET, vec![("origin", "https://viewer.example")]),
            (Method::POST, vec![]),
        ];
        for (method, headers) in &requests {
            // An empty cache: this answer comes through every layer.
            app.refresh().await;
            let layered = send(&app, method.clone(), url, headers).await;
            // A plain GET fills the cache if the request above did not, and its headers are kept.
            get(&app, url, &[]).await;
            let again = send(&app, method.clone(), url, headers).await;
            let what = format!("{method} {url} {headers:?}");
            assert_eq!(again.status, layered.status, "{what}");
            assert_eq!(again.headers, layered.headers, "{what}");
            assert!(again.body == layered.body, "{what}: the bodies differ");
        }
    }
}

#[tokio::test]
async fn a_validator_changes_when_the_page_does() {
    let (app, fixture) = app_with_fixture().await;
    let url = format!("/objects/{}?lang=en", fixture.badge);
    let before = get(&app, &url, &[]).await;
    sqlx::query("UPDATE objects SET title_en = 'A changed title' WHERE accession_number = ?")
        .bind(&fixture.badge)
        .execute(&app.state.db.main)
        .await
        .unwrap();
    app.refresh().await;
    let after = get(&app, &url, &[("if-none-match", before.header("etag"))]).await;
    assert_eq!(after.status, StatusCode::OK, "a changed page is sent again");
    assert!(after.decoded().contains("A changed title"));
    assert_ne!(after.header("etag"), before.header("etag"));
}

#[tokio::test]
async fn language_headers_say_what_the_page_depends_on() {
    let (app, fixture) = app_with_fixture().await;
    let negotiated = get(&app, "/", &[("accept-language", "ru")]).await;
    assert_eq!(negotiated.header("content-language"), "ru");
    assert!(vary(&negotiated).contains(&"accept-language".to_owned()));
    let chosen = get(&app, "/?lang=en", &[("accept-language", "ru")]).await;
    assert_eq!(chosen.header("content-language"), "en");
    assert!(!vary(&chosen).contains(&"accept-language".to_owned()), "the address names the language");
    // Images, the stylesheet and open data are the same in every language.
    for url in [
        format!("/media/{}/400.jpg", fixture.public_hash),
        "/static/zbor.css".to_owned(),
        format!("/iiif/image/{}/info.json", fixture.public_hash),
    ] {
        let raw = get(&app, &url, &[("accept-language", "ru")]).await;
        assert_eq!(raw.status, StatusCode::OK, "{url}");
        assert!(!vary(&raw).contains(&"accept-language".to_owned()), "{url}: {:?}", vary(&raw));
        assert_eq!(raw.header("content-language"), "", "{url}");
    }
    let image = get(&app, &format!("/media/{}/400.jpg", fixture.public_hash), &[("accept-encoding", "br")]).await;
    assert!(vary(&image).is_empty(), "one cached copy of an image for everyone: {:?}", vary(&image));
    assert_eq!(image.header("content-encoding"), "");
}

#[tokio::test]
async fn private_pages_are_never_compressed_or_kept() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", zbor::auth::Role::Curator).await;
    for (url, cookie) in [("/offer", None), ("/admin/login", None), ("/admin", Some(cookie.as_str()))] {
        let mut headers = vec![("accept-encoding", "gzip, br")];
        if let Some(cookie) = cookie {
            headers.push(("cookie", cookie));
        }
        let raw = get(&app, url, &headers).await;
        assert_eq!(raw.status, StatusCode::OK, "{url}");
        // Compressing a page with a secret token and text an attacker chose leaks the token.
        assert_eq!(raw.header("content-encoding"), "", "{url}");
        assert_eq!(raw.header("etag"), "", "{url}");
        assert!(!raw.header("cache-control").contains("public"), "{url}");
    }
}

#[tokio::test]
async fn links_are_written_plainly_and_cards_do_not_repeat_titles() {
    let (app, _) = app_with_fixture().await;
    let list = app.get("/objects?lang=en").await;
    assert!(!list.body.contains("&#x2f;"), "slashes are not escaped");
    assert!(list.body.contains("href=\"/objects/"));
    // The link already says the title; the picture inside it is not read out again.
    let flags = app.get("/objects?type=flag&lang=en").await;
    let card_alts = flags.attrs(".card img", "alt");
    assert!(!card_alts.is_empty());
    assert!(card_alts.iter().all(String::is_empty), "{card_alts:?}");
    // Results come before the filters in the page, so a keyboard reaches them first.
    let results = list.body.find("class=\"results\"").expect("results");
    let facets = list.body.find("class=\"facets\"").expect("facets");
    assert!(results < facets);
    // Escaping still escapes what matters.
    let escaped = app.get("/objects?q=%3Cscript%3E%22%27&lang=en").await;
    assert!(!escaped.body.contains("<script>"));
    assert!(escaped.body.contains("&lt;script&gt;&quot;&#x27;"));
}

#[tokio::test]
async fn iiif_answers_viewers_as_the_specifications_ask() {
    let (app, fixture) = app_with_fixture().await;

    // A published object without images has no manifest, and its page links to none.
    let badge = app.get(&format!("/objects/{}", fixture.badge)).await;
    assert!(!badge.body.contains("manifest.json"));
    let missing =
        get(&app, &format!("/iiif/{}/manifest.json", fixture.badge), &[("origin", "https://viewer.example")]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("access-control-allow-origin"), "https://viewer.example", "a viewer sees the 404");
    let unknown = get(&app, "/iiif/no/such/thing", &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.header("access-control-allow-origin"), "*");

    let flag = app.get(&format!("/objects/{}", fixture.flag)).await;
    let manifest_url = format!("/iiif/{}/manifest.json", fixture.flag);
    assert!(flag.body.contains(&manifest_url));
    let raw = get(&app, &manifest_url, &[]).await;
    assert_eq!(
        raw.header("content-type"),
        "application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\""
    );
    let manifest: serde_json::Value = serde_json::from_str(&raw.decoded()).unwrap();
    assert_eq!(manifest["rights"], "http://rightsstatements.org/vocab/InC/1.0/");
    assert_eq!(manifest["provider"][0]["type"], "Agent");
    // The museum's name in its three languages (one `none` value only when they are the same).
    assert_eq!(manifest["provider"][0]["label"]["en"][0], "Museum of Free Belarus");
    assert_eq!(manifest["provider"][0]["label"]["be"][0], "Музей Свабоднай Беларусі");
    assert_eq!(manifest["requiredStatement"]["value"]["ru"][0], "Музей Свободной Беларуси");
    assert!(manifest["thumbnail"][0]["id"].as_str().unwrap().contains(&fixture.public_hash));
    assert_eq!(manifest["items"].as_array().unwrap().len(), 1, "only the public image");
    assert!(manifest["items"][0]["thumbnail"][0]["id"].is_string());
    assert!(manifest["seeAlso"][0]["id"].as_str().unwrap().ends_with(&format!("/objects/{}.jsonld", fixture.flag)));
    let labels: Vec<&str> =
        manifest["metadata"].as_array().unwrap().iter().filter_map(|m| m["label"]["en"][0].as_str()).collect();
    for label in ["Accession number", "Type", "Date", "Made by"] {
        assert!(labels.contains(&label), "{label} in {labels:?}");
    }
    let made_by = manifest["metadata"].as_array().unwrap().iter().find(|m| m["label"]["en"][0] == "Made by").unwrap();
    assert_eq!(made_by["value"]["be"][0], "Іван");
    let type_entry = manifest["metadata"].as_array().unwrap().iter().find(|m| m["label"]["en"][0] == "Type").unwrap();
    assert_eq!(type_entry["value"]["en"][0], "Flag");
    assert_eq!(type_entry["value"]["be"][0], "Сцяг");

    // info.json carries the Image API's own profile.
    let info = get(&app, &format!("/iiif/image/{}/info.json", fixture.public_hash), &[]).await;
    assert_eq!(info.header("content-type"), "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"");
    // The service's base URI sends a viewer on to it.
    let base = get(&app, &format!("/iiif/image/{}", fixture.public_hash), &[]).await;
    assert_eq!(base.status, StatusCode::SEE_OTHER);
    assert_eq!(base.header("location"), format!("/iiif/image/{}/info.json", fixture.public_hash));
    // A private image's service does not exist.
    let private = get(&app, &format!("/iiif/image/{}", fixture.private_hash), &[]).await;
    assert_eq!(private.status, StatusCode::NOT_FOUND);

    // A preflight with the IIIF Accept profile and credentials is allowed.
    let preflight = send(
        &app,
        Method::OPTIONS,
        &manifest_url,
        &[
            ("origin", "https://viewer.example"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "accept"),
        ],
    )
    .await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    assert_eq!(preflight.header("access-control-allow-origin"), "https://viewer.example");
    assert_eq!(preflight.header("access-control-allow-credentials"), "true");
    assert!(preflight.header("access-control-allow-methods").contains("GET"));
    assert_eq!(preflight.header("access-control-allow-headers"), "accept");
    let credentialed = get(
        &app,
        &manifest_url,
        &[
            ("origin", "https://viewer.example"),
            ("accept", "application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\""),
        ],
    )
    .await;
    assert_eq!(credentialed.status, StatusCode::OK);
    assert_eq!(credentialed.header("access-control-allow-origin"), "https://viewer.example");
    assert!(vary(&credentialed).contains(&"origin".to_owned()));
    // A viewer revalidating its copy still may read the answer.
    let tag = credentialed.header("etag").to_owned();
    let revalidated = get(&app, &manifest_url, &[("origin", "https://viewer.example"), ("if-none-match", &tag)]).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert_eq!(revalidated.header("access-control-allow-origin"), "https://viewer.example");
    // Pages stay same-origin, and so does everything under /admin, whatever its name ends with.
    let page = get(&app, "/", &[("origin", "https://viewer.example")]).await;
    assert_eq!(page.header("access-control-allow-origin"), "");
    for staff in ["/admin/objects/1.jsonld", "/admin/x.jsonld", "/admin/iiif/x", "/offer.jsonld"] {
        let answer = get(&app, staff, &[("origin", "https://viewer.example")]).await;
        assert_eq!(answer.header("access-control-allow-origin"), "", "{staff}");
        assert_eq!(answer.header("access-control-allow-credentials"), "", "{staff}");
        let preflight = send(&app, Method::OPTIONS, staff, &[("origin", "https://viewer.example")]).await;
        assert_eq!(preflight.header("access-control-allow-origin"), "", "{staff}");
    }
}

#[tokio::test]
async fn the_object_editor_names_every_maker_and_every_id_is_unique() {
    let (app, fixture) = app_with_fixture().await;
    let anonymous = zbor::collection::authorities::create_maker(
        &mut app.state.db.main.acquire().await.unwrap(),
        &zbor::collection::authorities::NewMaker {
            kind: zbor::collection::MakerKind::Anonymous,
            name: zbor::collection::Text3::default(),
            bio: zbor::collection::Text3::default(),
            private_notes: String::new(),
        },
    )
    .await
    .unwrap();
    let cookie = app.staff_cookie("curator", zbor::auth::Role::Curator).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM objects WHERE accession_number = ?")
        .bind(&fixture.flag)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    sqlx::query("INSERT INTO locations (name, notes) VALUES ('Shelf A', '')").execute(&app.state.db.main).await.ok();
    let page = app.get_with(&format!("/admin/objects/{id}?lang=en"), &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    for select in ["#maker", "#party"] {
        let options = page.texts(&format!("{select} option[value$='{anonymous}']"));
        assert_eq!(options.len(), 1, "{select}");
        assert!(options[0].starts_with("Anonymous"), "{select}: {options:?}");
        let empty = page.texts(&format!("{select} option")).into_iter().filter(|t| t.is_empty()).count();
        assert_eq!(empty, 0, "{select}: no nameless option");
    }
    let ids = page.attrs("[id]", "id");
    let mut seen = std::collections::HashSet::new();
    let doubles: Vec<&String> = ids.iter().filter(|id| !seen.insert(id.as_str())).collect();
    assert!(doubles.is_empty(), "ids used twice: {doubles:?}");
    // Every form control has a label that names it.
    for control in page.attrs("select[id], input[id]:not([type=hidden]), textarea[id]", "id") {
        assert_eq!(page.attrs(&format!("label[for='{control}']"), "for").len(), 1, "label for {control}");
    }
}

const BASE: &str = "http://127.0.0.1:8080";

/// The path of an absolute URL of this site.
fn local(url: &str) -> String {
    url.strip_prefix(BASE).unwrap_or_else(|| panic!("{url} is not on this site")).to_owned()
}

#[tokio::test]
async fn robots_and_sitemaps_lead_crawlers_to_every_public_page_and_only_there() {
    let (app, fixture) = app_with_fixture().await;
    let robots = get(&app, "/robots.txt", &[]).await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(robots.header("content-type").starts_with("text/plain"));
    let robots = robots.decoded();
    assert!(robots.lines().any(|l| l == format!("Sitemap: {BASE}/sitemap.xml")), "{robots}");
    for rule in ["Disallow: /admin", "Disallow: /offer", "Disallow: /objects?*q=", "Disallow: /objects?*maker="] {
        assert!(robots.lines().any(|l| l == rule), "{rule} in {robots}");
    }

    let index = get(&app, "/sitemap.xml", &[("accept-encoding", "gzip")]).await;
    assert!(index.header("content-type").starts_with("application/xml"));
    let index = index.decoded();
    let index = roxmltree::Document::parse(&index).unwrap();
    assert_eq!(index.root_element().tag_name().name(), "sitemapindex");
    assert_eq!(index.root_element().tag_name().namespace(), Some("http://www.sitemaps.org/schemas/sitemap/0.9"));
    let parts: Vec<String> =
        index.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap().to_owned()).collect();
    assert!(!parts.is_empty());
    let mut listed = Vec::new();
    for part in parts {
        let xml = get(&app, &local(&part), &[]).await;
        assert_eq!(xml.status, StatusCode::OK, "{part}");
        let xml = xml.decoded();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "urlset");
        for url in doc.root_element().children().filter(|n| n.has_tag_name("url")) {
            let loc = url.children().find(|n| n.has_tag_name("loc")).unwrap().text().unwrap().to_owned();
            let lastmod = url.children().find(|n| n.has_tag_name("lastmod")).unwrap().text().unwrap();
            assert!(chrono::NaiveDate::parse_from_str(lastmod, "%Y-%m-%d").is_ok(), "{lastmod}");
            let alternates: Vec<(String, String)> = url
                .children()
                .filter(|n| n.has_tag_name(("http://www.w3.org/1999/xhtml", "link")))
                .map(|n| (n.attribute("hreflang").unwrap().to_owned(), n.attribute("href").unwrap().to_owned()))
                .collect();
            let langs: Vec<&str> = alternates.iter().map(|(l, _)| l.as_str()).collect();
            assert_eq!(langs, ["be", "en", "ru", "x-default"], "{loc}");
            listed.push((loc, alternates));
        }
    }
    let paths: Vec<String> = listed.iter().map(|(loc, _)| local(loc)).collect();
    for published in [&fixture.flag, &fixture.badge] {
        for lang in ["be", "en", "ru"] {
            assert!(paths.contains(&format!("/objects/{published}?lang={lang}")), "{published} {lang}");
        }
    }
    assert!(paths.contains(&"/objects?type=flag&lang=en".to_owned()));
    assert!(paths.contains(&format!("/makers/{}?lang=be", fixture.maker_ivan)));
    assert!(paths.contains(&format!("/events/{}?lang=ru", fixture.event_march)));
    assert!(!paths.iter().any(|p| p.contains(&fixture.withdrawn) || p.contains(&fixture.draft_entry)));
    assert!(!paths.iter().any(|p| p.contains("maker=") || p.contains("q=") || p.starts_with("/admin")));

    // Every listed page answers, says it is its own canonical address, names the same
    // alternates, and is not marked noindex; nothing private is on any of them.
    for (loc, alternates) in &listed {
        let page = app.get(&local(loc)).await;
        assert_eq!(page.status, StatusCode::OK, "{loc}");
        assert_eq!(page.attrs("link[rel=canonical]", "href"), vec![loc.clone()], "{loc}");
        let in_page: Vec<(String, String)> = page
            .doc()
            .select(&scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap())
            .map(|e| (e.value().attr("hreflang").unwrap().to_owned(), e.value().attr("href").unwrap().to_owned()))
            .collect();
        assert_eq!(&in_page, alternates, "{loc}");
        assert!(page.attrs("meta[name=robots]", "content").is_empty(), "{loc}");
        for canary in crate::helpers::CANARIES {
            assert!(!page.body.contains(canary), "{canary} on {loc}");
        }
    }
    // The x-default address negotiates and answers too.
    let x_default = &listed[0].1[3].1;
    assert_eq!(app.get(&local(x_default)).await.status, StatusCode::OK);

    // A query the page does not read is no part of its address; a page is named as it is
    // read (a number past the end shows, and names, the last page).
    let flag = &fixture.flag;
    let canonical = |page: crate::helpers::Resp| {
        page.attrs("link[rel=canonical]", "href").into_iter().next().expect("a canonical link")
    };
    let site = |path: &str| format!("http://127.0.0.1:8080{path}");
    for (asked, named) in [
        (format!("/objects/{flag}?lang=en&foo=1"), format!("/objects/{flag}?lang=en")),
        (format!("/objects/{flag}?q=flag&page=2&lang=en"), format!("/objects/{flag}?lang=en")),
        ("/objects?type=flag&utm_source=x&lang=en".to_owned(), "/objects?type=flag&lang=en".to_owned()),
        ("/objects?type=flag&page=1&lang=en".to_owned(), "/objects?type=flag&lang=en".to_owned()),
        ("/objects?page=02&lang=en".to_owned(), "/objects?page=2&lang=en".to_owned()),
        ("/?x=1&lang=ru".to_owned(), "/?lang=ru".to_owned()),
    ] {
        let page = app.get(&asked).await;
        assert_eq!(page.status, StatusCode::OK, "{asked}");
        assert_eq!(canonical(page), site(&named), "{asked}");
    }
    let past_the_end = app.get("/objects?page=1000&lang=en").await;
    let last = past_the_end.attrs("link[rel=canonical]", "href").remove(0);
    assert!(last.contains("page=") && !last.contains("1000"), "{last}");
    let at_last = app.get(&local(&last)).await;
    assert_eq!(at_last.texts(".card"), past_the_end.texts(".card"), "the page named is the page shown");

    // Searches and combinations are followed but not indexed; errors and staff pages neither.
    for url in [
        format!("/objects?maker={}", fixture.maker_ivan),
        "/objects?q=flag".to_owned(),
        "/objects?type=flag&year=2020".to_owned(),
    ] {
        assert_eq!(app.get(&url).await.attrs("meta[name=robots]", "content"), vec!["noindex, follow"], "{url}");
    }
    for url in ["/objects/no-such-object", "/admin/login", "/offer"] {
        let page = app.get(url).await;
        assert_eq!(page.attrs("meta[name=robots]", "content"), vec!["noindex"], "{url}");
        assert!(page.attrs("link[rel=canonical]", "href").is_empty(), "{url}");
    }
    assert_eq!(get(&app, "/sitemap/0.xml", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/sitemap/99.xml", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/sitemap/x.xml", &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_feed_is_atom_with_the_newest_objects_in_each_language() {
    let (app, fixture) = app_with_fixture().await;
    let home = app.get("/?lang=ru").await;
    assert_eq!(home.attrs("link[type='application/atom+xml']", "href"), vec!["/feed.atom?lang=ru"]);
    let atom = "http://www.w3.org/2005/Atom";
    for (lang, flag_title) in
        [("be", "Бел-чырвона-белы сцяг"), ("en", "White-red-white flag"), ("ru", "Бело-красно-белый флаг")]
    {
        let raw = get(&app, &format!("/feed.atom?lang={lang}"), &[("accept-encoding", "br")]).await;
        assert_eq!(raw.status, StatusCode::OK);
        assert_eq!(raw.header("content-type"), "application/atom+xml; charset=utf-8");
        let xml = raw.decoded();
        for canary in crate::helpers::CANARIES {
            assert!(!xml.contains(canary), "{canary} in the feed");
        }
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().namespace(), Some(atom));
        assert!(feed.children().any(|n| n.has_tag_name((atom, "id"))));
        assert!(feed.children().any(|n| n.has_tag_name((atom, "updated"))));
        let entries: Vec<_> = feed.children().filter(|n| n.has_tag_name((atom, "entry"))).collect();
        let published = app.state.public.current().collection.objects.len();
        assert_eq!(entries.len(), published.min(zbor::catalogue::discovery::FEED_ENTRIES));
        let stamps: Vec<&str> = entries
            .iter()
            .map(|e| e.children().find(|n| n.has_tag_name((atom, "updated"))).unwrap().text().unwrap())
            .collect();
        assert!(stamps.windows(2).all(|w| w[0] >= w[1]), "newest first: {stamps:?}");
        for stamp in &stamps {
            assert!(chrono::DateTime::parse_from_rfc3339(stamp).is_ok(), "{stamp}");
        }
        let flag = entries
            .iter()
            .find(|e| e.children().any(|n| n.has_tag_name((atom, "id")) && n.text().unwrap().ends_with(&fixture.flag)))
            .expect("the flag is in the feed");
        let title = flag.children().find(|n| n.has_tag_name((atom, "title"))).unwrap();
        assert_eq!(title.text(), Some(flag_title));
        // A rights statement's name is its publisher's English, in a feed of any language.
        let xml_lang = ("http://www.w3.org/XML/1998/namespace", "lang");
        let rights: Vec<_> = doc.descendants().filter(|n| n.has_tag_name((atom, "rights"))).collect();
        assert!(rights.len() > 1, "the feed's and the entries' rights");
        assert!(rights.iter().all(|r| r.attribute(xml_lang) == Some("en")), "{lang}");
        let link = flag
            .children()
            .find(|n| n.has_tag_name((atom, "link")) && n.attribute("rel") == Some("alternate"))
            .unwrap();
        assert_eq!(link.attribute("href").unwrap(), format!("{BASE}/objects/{}?lang={lang}", fixture.flag));
        let thumbnail = flag
            .children()
            .find(|n| n.has_tag_name(("http://search.yahoo.com/mrss/", "thumbnail")))
            .expect("a thumbnail");
        let image = get(&app, &local(thumbnail.attribute("url").unwrap()), &[]).await;
        assert_eq!(image.status, StatusCode::OK);
        assert_eq!(image.header("content-type"), "image/jpeg");
    }
    assert_eq!(get(&app, "/feed.atom?lang=xx", &[]).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_favicon_is_served_and_linked() {
    let app = TestApp::new().await;
    for url in ["/favicon.ico", "/static/favicon.ico"] {
        let raw = get(&app, url, &[]).await;
        assert_eq!(raw.status, StatusCode::OK);
        assert_eq!(raw.header("content-type"), "image/x-icon");
        assert_eq!(&raw.body[..6], &[0, 0, 1, 0, 1, 0], "an ICO with one image");
        let offset = u32::from_le_bytes(raw.body[18..22].try_into().unwrap()) as usize;
        let icon = image::load_from_memory(&raw.body[offset..]).unwrap();
        assert_eq!((icon.width(), icon.height()), (32, 32));
    }
    assert_eq!(app.get("/").await.attrs("link[rel=icon]", "href"), vec!["/static/favicon.ico"]);
}

/// The demo collection (small images) in a folder of its own, served by a test app.
async fn demo_app() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = zbor::config::Config::new(dir.path().join("data"), dir.path().join("uploads"));
    let size = zbor::demo::ImageSize { width: 96, height: 72 };
    zbor::demo::create_with(&config, &dir.path().join("keys"), 24, size).await.unwrap();
    let app = TestApp::at(&config.data_dir, &config.uploads_dir).await;
    (app, dir)
}

async fn json(app: &TestApp, url: &str) -> serde_json::Value {
    let raw = get(app, url, &[("accept-encoding", "gzip")]).await;
    assert_eq!(raw.status, StatusCode::OK, "{url}");
    serde_json::from_str(&raw.decoded()).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// Every node of a JSON document.
fn nodes(value: &serde_json::Value) -> Vec<&serde_json::Value> {
    let mut out = vec![value];
    match value {
        serde_json::Value::Array(items) => items.iter().for_each(|v| out.extend(nodes(v))),
        serde_json::Value::Object(map) => map.values().for_each(|v| out.extend(nodes(v))),
        _ => {}
    }
    out
}

fn classified(node: &serde_json::Value, aat: &str) -> bool {
    node["classified_as"]
        .as_array()
        .is_some_and(|c| c.iter().any(|t| t["id"] == format!("http://vocab.getty.edu/aat/{aat}")))
}

#[tokio::test]
async fn linked_art_tells_the_cats_provenance_an_auction_sale_and_a_deposit_of_custody_only() {
    let (app, _dir) = demo_app().await;
    let snapshot = app.state.public.current();
    let painting = snapshot.collection.objects.iter().find(|o| o.title.en.starts_with("Cat")).expect("the painting");
    let url = format!("/objects/{}.jsonld", painting.accession);
    let raw = get(&app, &url, &[]).await;
    assert_eq!(raw.header("content-type"), "application/ld+json;profile=\"https://linked.art/ns/v1/linked-art.json\"");
    let doc = json(&app, &url).await;
    assert_eq!(doc["@context"], "https://linked.art/ns/v1/linked-art.json");
    assert_eq!(doc["type"], "HumanMadeObject");
    assert_eq!(doc["id"], format!("{BASE}{url}"));
    let ids = doc["identified_by"].as_array().unwrap();
    assert!(ids.iter().any(|i| i["type"] == "Identifier"
        && i["content"] == painting.accession.as_str()
        && classified(i, "300312355")));
    let names: Vec<(&str, &str)> = ids
        .iter()
        .filter(|i| i["type"] == "Name")
        .map(|i| (i["language"][0]["_label"].as_str().unwrap(), i["content"].as_str().unwrap()))
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&("English", "Cat, from the series “Cats”")));
    assert!(names.contains(&("Belarusian", "Кот. З серыі «Каты»")));
    assert!(doc["classified_as"].as_array().unwrap().iter().any(|t| t["id"] == "http://vocab.getty.edu/aat/300033618"));
    let statements = doc["referred_to_by"].as_array().unwrap();
    assert!(statements.iter().any(|s| classified(s, "300435429") && s["content"] == "Oil on canvas"));
    assert!(statements.iter().any(|s| classified(s, "300435430") && s["content"] == "40 × 50 cm"));
    let maker = &doc["produced_by"]["carried_out_by"][0];
    assert_eq!(maker["type"], "Person");
    assert_eq!(maker["_label"], "Olga Yakubovskaya");

    // Sold at the charity auction, lot 12, for 450 EUR: an acquisition within the auction.
    let ownership = doc["changed_ownership_through"].as_array().expect("ownership changes");
    let sale = ownership
        .iter()
        .find(|a| a["part_of"].as_array().unwrap().iter().any(|p| classified(p, "300054751")))
        .expect("an acquisition within an auction");
    assert_eq!(sale["type"], "Acquisition");
    assert!(!sale["transferred_title_to"].as_array().unwrap().is_empty(), "a buyer");
    let auction = sale["part_of"].as_array().unwrap().iter().find(|p| classified(p, "300054751")).unwrap();
    assert!(classified(auction, "300055863"), "a provenance activity");
    assert_eq!(auction["identified_by"][0]["content"], "12");
    assert!(classified(&auction["identified_by"][0], "300404628"), "a lot number");
    let payment = auction["part"].as_array().unwrap().iter().find(|p| p["type"] == "Payment").expect("a payment");
    assert_eq!(payment["paid_amount"]["value"], 450.0);
    assert_eq!(payment["paid_amount"]["currency"]["_label"], "EUR");
    assert!(auction["timespan"]["begin_of_the_begin"].as_str().unwrap().starts_with("2022-12-18"));
    let event = json(&app, &local(auction["part_of"][0]["id"].as_str().unwrap())).await;
    assert_eq!(event["type"], "Activity");
    assert!(classified(&event, "300054751"));

    // The deposit moves custody to the museum; the depositor keeps the title.
    let custody = doc["custody_transferred_through"].as_array().expect("custody transfers");
    assert_eq!(custody.len(), 1);
    assert_eq!(custody[0]["type"], "TransferOfCustody");
    assert_eq!(custody[0]["transferred_custody_to"][0]["type"], "Group");
    assert_eq!(custody[0]["transferred_custody_to"][0]["_label"], "Museum of Free Belarus");
    assert!(!custody[0]["transferred_custody_from"].as_array().unwrap().is_empty());
    assert!(
        ownership.iter().all(|a| a["transferred_title_to"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["_label"] != "Museum of Free Belarus")),
        "the museum never becomes the owner"
    );

    // Its images and manifest, and the maker's own record.
    assert!(
        doc["representation"][0]["digitally_shown_by"][0]["access_point"][0]["id"]
            .as_str()
            .unwrap()
            .ends_with("/1200.jpg")
    );
    let manifest = doc["subject_of"].as_array().unwrap().iter().find(|s| s["_label"] == "IIIF manifest").unwrap();
    let manifest_url = manifest["digitally_carried_by"][0]["access_point"][0]["id"].as_str().unwrap();
    assert_eq!(json(&app, &local(manifest_url)).await["type"], "Manifest");
    let person = json(&app, &local(maker["id"].as_str().unwrap())).await;
    assert_eq!(person["type"], "Person");
    assert!(person["identified_by"].as_array().unwrap().iter().any(|n| n["content"] == "Вольга Якубоўская"));

    // The object's address answers Linked Art to a client that asks for it.
    let page = format!("/objects/{}", painting.accession);
    let negotiated = get(&app, &page, &[("accept", "application/ld+json")]).await;
    assert_eq!(negotiated.status, StatusCode::SEE_OTHER);
    assert_eq!(negotiated.header("location"), url);
    let html = get(&app, &page, &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")]).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.header("content-type").starts_with("text/html"));
    assert!(vary(&html).contains(&"accept".to_owned()));
    let html = app.get(&page).await;
    assert_eq!(html.attrs("link[type='application/ld+json'][title='Linked Art']", "href"), vec![url.clone()]);
}

#[tokio::test]
async fn linked_art_is_there_for_published_things_only_and_holds_nothing_private() {
    let (app, fixture) = app_with_fixture().await;
    let snapshot = app.state.public.current();
    let mut urls: Vec<String> =
        snapshot.collection.objects.iter().map(|o| format!("/objects/{}.jsonld", o.accession)).collect();
    urls.extend(snapshot.collection.makers.keys().map(|id| format!("/makers/{id}.jsonld")));
    urls.extend(snapshot.collection.events.keys().map(|id| format!("/events/{id}.jsonld")));
    for url in &urls {
        let raw = get(&app, url, &[("origin", "https://research.example")]).await;
        assert_eq!(raw.status, StatusCode::OK, "{url}");
        assert_eq!(raw.header("access-control-allow-origin"), "https://research.example", "{url}");
        let text = raw.decoded();
        for canary in crate::helpers::CANARIES {
            assert!(!text.contains(canary), "{canary} in {url}");
        }
        // Every address of this site a document names answers.
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for node in nodes(&doc) {
            if let Some(id) =
                node.get("id").and_then(|v| v.as_str()).filter(|id| id.starts_with(BASE) && !id.contains('#'))
            {
                let status = get(&app, &local(id), &[]).await.status;
                assert!(status == StatusCode::OK || status == StatusCode::SEE_OTHER, "{id} named in {url}: {status}");
            }
        }
    }
    for url in [
        format!("/objects/{}.jsonld", fixture.withdrawn),
        format!("/objects/{}.jsonld", fixture.draft_entry),
        "/objects/no-such.jsonld".to_owned(),
        "/makers/999999.jsonld".to_owned(),
        "/events/x.jsonld".to_owned(),
    ] {
        let raw = get(&app, &url, &[("origin", "https://research.example")]).await;
        assert_eq!(raw.status, StatusCode::NOT_FOUND, "{url}");
        assert_eq!(raw.header("access-control-allow-origin"), "https://research.example", "{url}");
    }
    let withdrawn = get(&app, &format!("/objects/{}", fixture.withdrawn), &[("accept", "application/ld+json")]).await;
    assert_eq!(withdrawn.status, StatusCode::NOT_FOUND, "no redirect reveals a withdrawn object");
}

const OAI: &str = "http://www.openarchives.org/OAI/2.0/";

/// An OAI-PMH answer, parsed, with its error code if it is one.
async fn oai(app: &TestApp, query: &str) -> (String, Option<String>) {
    let raw = get(app, &format!("/oai?{query}"), &[("accept-encoding", "gzip")]).await;
    assert_eq!(raw.status, StatusCode::OK, "{query}");
    assert!(raw.header("content-type").starts_with("text/xml"), "{query}");
    let xml = raw.decoded();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{query}: {e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "OAI-PMH");
    assert_eq!(root.tag_name().namespace(), Some(OAI));
    let date = root.children().find(|n| n.has_tag_name((OAI, "responseDate"))).unwrap().text().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(date).is_ok());
    let request = root.children().find(|n| n.has_tag_name((OAI, "request"))).unwrap();
    assert_eq!(request.text(), Some(format!("{BASE}/oai").as_str()));
    let code =
        root.children().find(|n| n.has_tag_name((OAI, "error"))).map(|e| e.attribute("code").unwrap().to_owned());
    if matches!(code.as_deref(), Some("badVerb" | "badArgument")) {
        assert_eq!(request.attributes().count(), 0, "{query}: no arguments echoed after {code:?}");
    }
    (xml.clone(), code)
}

/// Harvests a whole list by following resumption tokens; `between` runs after the first page.
async fn harvest(app: &TestApp, first: &str, mut between: impl AsyncFnMut()) -> Vec<(String, String, bool)> {
    let verb = first.split('&').next().unwrap().trim_start_matches("verb=").to_owned();
    let mut query = first.to_owned();
    let mut headers = Vec::new();
    let mut pages = 0;
    loop {
        let (xml, code) = oai(app, &query).await;
        assert_eq!(code, None, "{query}: {xml}");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let list = doc.descendants().find(|n| n.has_tag_name((OAI, verb.as_str()))).unwrap();
        for header in list.descendants().filter(|n| n.has_tag_name((OAI, "header"))) {
            let id =
                header.children().find(|n| n.has_tag_name((OAI, "identifier"))).unwrap().text().unwrap().to_owned();
            let day =
                header.children().find(|n| n.has_tag_name((OAI, "datestamp"))).unwrap().text().unwrap().to_owned();
            assert!(chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").is_ok(), "{day}");
            headers.push((id, day, header.attribute("status") == Some("deleted")));
        }
        pages += 1;
        if pages == 1 {
            between().await;
        }
        let token = list.children().find(|n| n.has_tag_name((OAI, "resumptionToken")));
        match token.and_then(|t| t.text()) {
            Some(token) => query = format!("verb={verb}&resumptionToken={}", zbor::web::encode(token)),
            None => break,
        }
    }
    headers
}

#[tokio::test]
async fn oai_pmh_answers_every_verb_and_names_every_error_as_the_protocol_does() {
    let (app, fixture) = app_with_fixture().await;
    let (xml, code) = oai(&app, "verb=Identify").await;
    assert_eq!(code, None);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let text =
        |name: &str| doc.descendants().find(|n| n.has_tag_name((OAI, name))).and_then(|n| n.text()).unwrap().to_owned();
    assert_eq!(text("repositoryName"), "Museum of Free Belarus");
    assert_eq!(text("baseURL"), format!("{BASE}/oai"));
    assert_eq!(text("protocolVersion"), "2.0");
    assert_eq!(text("deletedRecord"), "persistent");
    assert_eq!(text("granularity"), "YYYY-MM-DD");
    assert!(chrono::NaiveDate::parse_from_str(&text("earliestDatestamp"), "%Y-%m-%d").is_ok());

    let (xml, _) = oai(&app, "verb=ListMetadataFormats").await;
    assert!(
        xml.contains("<metadataPrefix>oai_dc</metadataPrefix>") && xml.contains("<metadataPrefix>edm</metadataPrefix>")
    );
    let flag_id = format!("oai:127.0.0.1:{}", fixture.flag);
    assert_eq!(oai(&app, &format!("verb=ListMetadataFormats&identifier={flag_id}")).await.1, None);

    let (xml, _) = oai(&app, "verb=ListSets").await;
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let specs: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name((OAI, "setSpec"))).filter_map(|n| n.text()).collect();
    assert!(
        specs.contains(&"type:flag") && specs.contains(&format!("event:{}", fixture.event_march).as_str()),
        "{specs:?}"
    );

    // Every published object is a record; the withdrawn one a deleted record; no draft.
    let all = harvest(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc", async || {}).await;
    let published = app.state.public.current().collection.objects.len();
    assert_eq!(all.iter().filter(|(_, _, deleted)| !deleted).count(), published);
    let withdrawn = format!("oai:127.0.0.1:{}", fixture.withdrawn);
    assert_eq!(all.iter().filter(|(id, _, deleted)| *id == withdrawn && *deleted).count(), 1);
    assert!(!all.iter().any(|(id, _, _)| id.ends_with(&fixture.draft_entry)));
    // The withdrawn object and the deaccessioned one (withdrawn with its deaccession).
    let deleted = all.iter().filter(|(_, _, deleted)| *deleted).count();
    assert_eq!(deleted, 2);

    // Records in both formats, parsed; nothing private anywhere.
    for prefix in ["oai_dc", "edm"] {
        let (xml, code) = oai(&app, &format!("verb=ListRecords&metadataPrefix={prefix}")).await;
        assert_eq!(code, None);
        for canary in crate::helpers::CANARIES {
            assert!(!xml.contains(canary), "{canary} in {prefix}");
        }
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let records: Vec<_> = doc.descendants().filter(|n| n.has_tag_name((OAI, "record"))).collect();
        assert_eq!(records.len(), published + deleted);
        for record in records {
            let deleted = record
                .descendants()
                .any(|n| n.has_tag_name((OAI, "header")) && n.attribute("status") == Some("deleted"));
            let metadata = record.children().find(|n| n.has_tag_name((OAI, "metadata")));
            assert_eq!(metadata.is_none(), deleted, "a deleted record has no metadata");
        }
    }
    let (xml, _) = oai(&app, &format!("verb=GetRecord&identifier={flag_id}&metadataPrefix=oai_dc")).await;
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let dc = "http://purl.org/dc/elements/1.1/";
    let titles: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name((dc, "title")))
        .map(|n| (n.attribute(("http://www.w3.org/XML/1998/namespace", "lang")).unwrap(), n.text().unwrap()))
        .collect();
    assert!(titles.contains(&("en", "White-red-white flag")), "{titles:?}");
    assert!(doc.descendants().any(|n| n.has_tag_name((dc, "creator")) && n.text() == Some("Іван")));
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name((dc, "rights")) && n.text() == Some("http://rightsstatements.org/vocab/InC/1.0/"))
    );

    let (xml, _) = oai(&app, &format!("verb=GetRecord&identifier={flag_id}&metadataPrefix=edm")).await;
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let edm = "http://www.europeana.eu/schemas/edm/";
    let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    assert!(doc.descendants().any(|n| n.has_tag_name((edm, "ProvidedCHO"))));
    assert_eq!(doc.descendants().find(|n| n.has_tag_name((edm, "type"))).unwrap().text(), Some("IMAGE"));
    for property in ["isShownAt", "isShownBy", "object"] {
        let node = doc.descendants().find(|n| n.has_tag_name((edm, property))).unwrap_or_else(|| panic!("{property}"));
        let url = node.attribute((rdf, "resource")).unwrap();
        assert_eq!(get(&app, &local(url), &[]).await.status, StatusCode::OK, "{property} {url}");
    }
    let rights = doc.descendants().find(|n| n.has_tag_name((edm, "rights"))).unwrap();
    assert_eq!(rights.attribute((rdf, "resource")), Some("http://rightsstatements.org/vocab/InC/1.0/"));
    // Europeana requires a language of every TEXT record (the letter), and only of those.
    let (xml, _) = oai(&app, "verb=ListRecords&metadataPrefix=edm").await;
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let chos: Vec<_> = doc.descendants().filter(|n| n.has_tag_name((edm, "ProvidedCHO"))).collect();
    let mut texts = 0;
    for cho in &chos {
        let kind = cho.children().find(|n| n.has_tag_name((edm, "type"))).unwrap().text().unwrap();
        let language = cho.children().find(|n| n.has_tag_name((dc, "language"))).and_then(|n| n.text());
        match kind {
            "TEXT" => {
                texts += 1;
                assert!(matches!(language, Some("be" | "en" | "ru" | "und")), "{language:?}");
            }
            _ => assert_eq!(language, None),
        }
    }
    assert!(texts > 0, "the letter is a TEXT record");

    // Sets and days select.
    let flags = harvest(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=type:flag", async || {}).await;
    assert_eq!(flags.len(), 1);
    // `type:flag` is a child of `type`, as OAI-PMH reads the colon: the parent set is listed
    // and holds every record of its children.
    let (xml, _) = oai(&app, "verb=ListSets").await;
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let specs: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name((OAI, "setSpec"))).filter_map(|n| n.text()).collect();
    assert!(specs.contains(&"type") && specs.contains(&"event"), "{specs:?}");
    let typed = harvest(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=type", async || {}).await;
    assert_eq!(typed.len(), all.len(), "every record has a type");
    let in_events = harvest(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=event", async || {}).await;
    assert!(!in_events.is_empty() && in_events.len() < all.len(), "{} of {}", in_events.len(), all.len());
    assert!(in_events.iter().all(|(id, _, _)| all.iter().any(|(a, _, _)| a == id)));
    let no_parent = oai(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=typ").await.1;
    assert_eq!(no_parent.as_deref(), Some("noRecordsMatch"), "a prefix that is not a parent set selects nothing");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let from_today =
        harvest(&app, &format!("verb=ListIdentifiers&metadataPrefix=oai_dc&from={today}&until={today}"), async || {})
            .await;
    assert_eq!(from_today.len(), all.len(), "everything changed today");

    // Every error by its name.
    let errors = [
        ("", "badVerb"),
        ("verb=Frobnicate", "badVerb"),
        ("verb=Identify%FF", "badVerb"),
        ("verb=Identify&metadataPrefix=%FF%FE", "badArgument"),
        ("verb=Identify&verb=Identify", "badArgument"),
        ("verb=Identify&extra=1", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T00:00:00Z", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-30", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-02&until=2025-01-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=lido", "cannotDisseminateFormat"),
        ("verb=GetRecord&identifier=oai:127.0.0.1:NOPE&metadataPrefix=oai_dc", "idDoesNotExist"),
        (
            &format!("verb=GetRecord&identifier=oai:127.0.0.1:{}&metadataPrefix=oai_dc", fixture.draft_entry),
            "idDoesNotExist",
        ),
        (&format!("verb=GetRecord&identifier={flag_id}&metadataPrefix=mods"), "cannotDisseminateFormat"),
        ("verb=ListMetadataFormats&identifier=oai:elsewhere:X", "idDoesNotExist"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2099-01-01", "noRecordsMatch"),
        ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=type:no-such-type", "noRecordsMatch"),
        ("verb=ListRecords&resumptionToken=garbage", "badResumptionToken"),
        ("verb=ListRecords&resumptionToken=1!oai_dc!!!!!!x", "badResumptionToken"),
        ("verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListSets&resumptionToken=x", "badResumptionToken"),
    ];
    for (query, expected) in errors {
        assert_eq!(oai(&app, query).await.1.as_deref(), Some(expected), "{query}");
    }

    // A token of the right shape with an absurd count is answered, not a crash.
    let e = zbor::web::encode;
    let forged = format!("1!oai_dc!!!!{}!{}!{}", e("2000-01-01T00:00:00Z"), e("A"), usize::MAX);
    assert_eq!(oai(&app, &format!("verb=ListIdentifiers&resumptionToken={}", e(&forged))).await.1, None);

    // POST works as GET does.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/oai")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("verb=Identify"))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("<repositoryName>"));
}

#[tokio::test]
async fn an_oai_harvest_skips_nothing_while_the_collection_changes_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = zbor::config::Config::new(dir.path().join("data"), dir.path().join("uploads"));
    let size = zbor::demo::ImageSize { width: 48, height: 36 };
    zbor::demo::create_with(&config, &dir.path().join("keys"), 2 * zbor::catalogue::oai::PAGE + 30, size)
        .await
        .unwrap();
    let app = TestApp::at(&config.data_dir, &config.uploads_dir).await;
    let before: Vec<String> =
        app.state.public.current().collection.objects.iter().map(|o| o.accession.clone()).collect();
    assert!(before.len() > 2 * zbor::catalogue::oai::PAGE);
    let mut order: Vec<String> =
        harvest(&app, "verb=ListIdentifiers&metadataPrefix=edm", async || {}).await.into_iter().map(|h| h.0).collect();
    let (first_page, later) = order.split_at_mut(zbor::catalogue::oai::PAGE);
    let (changed, withdrawn) =
        (first_page[3].rsplit(':').next().unwrap().to_owned(), later[5].rsplit(':').next().unwrap().to_owned());

    let pool = app.state.db.main.clone();
    let state = app.state.clone();
    let (changed_c, withdrawn_c) = (changed.clone(), withdrawn.clone());
    let records = harvest(&app, "verb=ListRecords&metadataPrefix=oai_dc", async || {
        // After the first page: one record already sent changes, one not yet sent is withdrawn.
        let later = "2999-01-01T00:00:00Z";
        sqlx::query(
            "UPDATE objects SET title_en = 'Changed while harvested', updated_at = ? WHERE accession_number = ?",
        )
        .bind(later)
        .bind(&changed_c)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("UPDATE objects SET state = 'withdrawn', updated_at = ? WHERE accession_number = ?")
            .bind(later)
            .bind(&withdrawn_c)
            .execute(&pool)
            .await
            .unwrap();
        state.public.refresh(&pool).await.unwrap();
    })
    .await;
    let ids: Vec<String> = records.iter().map(|(id, _, _)| id.rsplit(':').next().unwrap().to_owned()).collect();
    for accession in &before {
        assert!(ids.contains(accession), "{accession} was skipped");
    }
    assert_eq!(ids.iter().filter(|id| **id == changed).count(), 2, "the changed record is sent again");
    assert!(records.iter().any(|(id, day, deleted)| id.ends_with(&withdrawn) && *deleted && day == "2999-01-01"));
    assert_eq!(ids.len(), before.len() + 1);
}

#[tokio::test]
async fn no_open_data_answer_holds_a_private_field_a_draft_or_a_donor_id() {
    let (app, fixture) = app_with_fixture().await;
    let donors: Vec<String> = sqlx::query_scalar("SELECT id FROM donors").fetch_all(&app.state.db.main).await.unwrap();
    assert!(!donors.is_empty());
    let snapshot = app.state.public.current();
    let mut urls = vec![
        "/robots.txt".to_owned(),
        "/sitemap.xml".to_owned(),
        "/sitemap/1.xml".to_owned(),
        "/oai?verb=ListRecords&metadataPrefix=oai_dc".to_owned(),
        "/oai?verb=ListRecords&metadataPrefix=edm".to_owned(),
        "/oai?verb=ListSets".to_owned(),
        "/oai?verb=Identify".to_owned(),
    ];
    for lang in ["be", "en", "ru"] {
        urls.push(format!("/feed.atom?lang={lang}"));
    }
    for object in &snapshot.collection.objects {
        urls.push(format!("/objects/{}.jsonld", object.accession));
        if !object.media.is_empty() {
            urls.push(format!("/iiif/{}/manifest.json", object.accession));
        }
        for media in &object.media {
            urls.push(format!("/iiif/image/{}/info.json", media.hash));
        }
    }
    urls.extend(snapshot.collection.makers.keys().map(|id| format!("/makers/{id}.jsonld")));
    urls.extend(snapshot.collection.events.keys().map(|id| format!("/events/{id}.jsonld")));
    assert!(urls.len() > 40, "{}", urls.len());
    for url in &urls {
        let raw = get(&app, url, &[("accept-encoding", "br")]).await;
        assert_eq!(raw.status, StatusCode::OK, "{url}");
        let text = raw.decoded();
        for canary in crate::helpers::CANARIES {
            assert!(!text.contains(canary), "{canary} in {url}");
        }
        for donor in &donors {
            assert!(!text.contains(donor.as_str()), "a donor id in {url}");
        }
        assert!(!text.contains(&fixture.private_hash), "a private image in {url}");
        assert!(!text.contains(&fixture.draft_hash), "a draft's image in {url}");
    }
}
