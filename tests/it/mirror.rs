//! The static mirror (`zbor export-site`): every page in three languages with links that
//! resolve between files, nothing private, the same bytes twice, incremental updates, and a
//! signed manifest that `zbor verify-site` checks (and the standard `minisign` tool too).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{CANARIES, Fixture, TestApp, seed};
use zbor::mirror::{self, MANIFEST, SIGNATURE};

async fn export(app: &TestApp, out: &Path, incremental: bool) -> mirror::Exported {
    let options = mirror::Options {
        out: out.to_path_buf(),
        base_url: Some("https://mirror.example.org/zbor".to_owned()),
        incremental,
        live_url: None,
    };
    mirror::export(&app.state, &options, &indicatif::ProgressBar::hidden()).await.expect("export")
}

/// The links of an HTML file (href, src, every srcset candidate, form actions), as written.
fn links(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    for (selector, attr) in [("[href]", "href"), ("[src]", "src"), ("form[action]", "action")] {
        let selector = scraper::Selector::parse(selector).unwrap();
        found.extend(doc.select(&selector).filter_map(|e| e.value().attr(attr)).map(str::to_owned));
    }
    let srcset = scraper::Selector::parse("[srcset]").unwrap();
    for element in doc.select(&srcset) {
        let value = element.value().attr("srcset").unwrap_or_default();
        found.extend(value.split(',').filter_map(|c| c.split_whitespace().next()).map(str::to_owned));
    }
    found
}

/// Follows every link from `index.html` through the files, as a browser opening the folder from
/// disk would; returns the files reached. Panics on a link that leads nowhere or off the mirror.
fn crawl_files(root: &Path) -> BTreeSet<String> {
    let mut seen = BTreeSet::from(["index.html".to_owned()]);
    let mut queue = VecDeque::from(["index.html".to_owned()]);
    while let Some(file) = queue.pop_front() {
        let html = std::fs::read_to_string(root.join(&file)).unwrap();
        for link in links(&html) {
            // The one address off the mirror a page names: its rights statement's definition.
            if link.starts_with('#') || zbor::collection::rights::VOCABULARY.iter().any(|r| r.uri == link) {
                continue;
            }
            assert!(!link.contains("://") && !link.starts_with('/'), "{file}: a link off the mirror: {link}");
            let link = link.split(['#', '?']).next().unwrap();
            let mut parts: Vec<&str> = file.split('/').collect();
            parts.pop();
            for part in link.split('/') {
                match part {
                    ".." => assert!(parts.pop().is_some(), "{file}: {link} climbs out of the mirror"),
                    "." | "" => {}
                    part => parts.push(part),
                }
            }
            let target = parts.join("/");
            assert!(root.join(&target).is_file(), "{file}: {link} leads to no file ({target})");
            if seen.insert(target.clone()) && target.ends_with(".html") {
                queue.push_back(target);
            }
        }
    }
    seen
}

fn files(root: &Path) -> BTreeSet<String> {
    mirror::walk(root).unwrap().into_iter().map(|(_, relative)| relative).collect()
}

async fn fixture_app() -> (TestApp, Fixture) {
    let app = TestApp::new().await;
    let fixture = seed(&app).await;
    app.refresh().await;
    (app, fixture)
}

#[tokio::test]
async fn the_mirror_holds_every_public_page_in_three_languages_and_nothing_else() {
    let (app, fixture) = fixture_app().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mirror");
    let made = export(&app, &out, false).await;
    assert_eq!(made.written, made.files);

    let snapshot = app.state.public.current();
    for lang in ["be", "en", "ru"] {
        for page in ["index.html", "list/index.html", "makers/index.html", "events/index.html", "search.html"] {
            assert!(out.join(lang).join(page).is_file(), "{lang}/{page}");
        }
        for object in &snapshot.collection.objects {
            let page =
                out.join(lang).join("objects").join(format!("{}.html", mirror::paths::file_name(&object.accession)));
            assert!(page.is_file(), "{}", page.display());
        }
        assert!(out.join(lang).join("list").join("type-flag.html").is_file(), "a facet's page");
        assert!(out.join(lang).join("makers").join(format!("{}.html", fixture.maker_ivan)).is_file());
    }
    let english = std::fs::read_to_string(out.join("en/objects").join(format!("{}.html", fixture.flag))).unwrap();
    assert!(english.contains("White-red-white flag") && english.contains("<html lang=\"en\">"));
    let belarusian = std::fs::read_to_string(out.join("be/objects").join(format!("{}.html", fixture.flag))).unwrap();
    assert!(belarusian.contains("Бел-чырвона-белы сцяг"));

    // Every file is reached by following links from the front page, and every link resolves.
    let reached = crawl_files(&out);
    let all = files(&out);
    let unreached: Vec<&String> = all.iter().filter(|f| f.ends_with(".html") && !reached.contains(*f)).collect();
    assert!(unreached.is_empty(), "pages no link leads to: {unreached:?}");
    assert!(reached.iter().any(|f| f.starts_with("media/") && f.ends_with(".webp")), "images are in the mirror");

    // Nothing private or unpublished in any byte, and the only script is on the search pages.
    for (path, relative) in mirror::walk(&out).unwrap() {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for canary in CANARIES {
            assert!(!text.contains(canary), "{relative} holds {canary}");
        }
        assert!(!relative.contains(&fixture.draft_hash) && !relative.contains(&fixture.private_hash), "{relative}");
        assert!(!text.contains(&fixture.private_hash) && !text.contains(&fixture.draft_hash), "{relative}");
        assert!(!text.contains(&fixture.withdrawn), "{relative} names the withdrawn object");
        if relative.ends_with(".html") {
            let csp = if relative.ends_with("/search.html") { "script-src 'self'" } else { "script-src 'none'" };
            assert!(text.contains(csp), "{relative}: {csp}");
            assert_eq!(text.contains("<script"), relative.ends_with("/search.html"), "{relative}");
        }
        // Public, for a web server's user to read.
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o644, "{relative}");
    }
    assert!(!out.join("media").join(&fixture.draft_hash).exists());

    // IIIF and the sitemap carry the mirror's own address.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("iiif").join(&fixture.flag).join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["id"], format!("https://mirror.example.org/zbor/iiif/{}/manifest.json", fixture.flag));
    let service = manifest["items"][0]["items"][0]["items"][0]["body"]["service"][0]["id"].as_str().unwrap().to_owned();
    let hash = service.rsplit('/').next().unwrap();
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("iiif/image").join(hash).join("info.json")).unwrap()).unwrap();
    assert_eq!(info["id"], service);
    for size in info["sizes"].as_array().unwrap() {
        let name = format!("{},{}", size["width"], size["height"]);
        assert!(out.join("iiif/image").join(hash).join("full").join(name).join("0/default.jpg").is_file());
    }
    assert!(out.join("iiif/image").join(hash).join("full/max/0/default.jpg").is_file());
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains(&format!("<loc>https://mirror.example.org/zbor/en/objects/{}.html</loc>", fixture.flag)));
    assert!(sitemap.contains("hreflang=\"ru\""));

    // The manifest lists every other file with its BLAKE3 hash, in b3sum's format.
    let listed: HashMap<String, String> = std::fs::read_to_string(out.join(MANIFEST))
        .unwrap()
        .lines()
        .map(|l| {
            let (hash, path) = l.split_once("  ").unwrap();
            (path.to_owned(), hash.to_owned())
        })
        .collect();
    let expected: BTreeSet<String> = all.iter().filter(|f| *f != MANIFEST).cloned().collect();
    assert_eq!(listed.keys().cloned().collect::<BTreeSet<_>>(), expected);
    for (path, hash) in &listed {
        assert_eq!(&blake3::hash(&std::fs::read(out.join(path)).unwrap()).to_hex().to_string(), hash, "{path}");
    }
}

/// The export renders pages without the layers that only add headers (validators,
/// compression, security): the bodies must be exactly what the live site answers.
#[tokio::test]
async fn the_exports_renderer_answers_every_page_with_the_live_sites_bytes() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let (app, fixture) = fixture_app().await;
    let snapshot = app.state.public.current();
    let mut urls = vec!["/static/zbor.css".to_owned()];
    for lang in ["be", "en", "ru"] {
        let mut paths = vec![
            "/".to_owned(),
            "/objects".to_owned(),
            "/objects?type=flag".to_owned(),
            format!("/objects?maker={}", fixture.maker_ivan),
            "/makers".to_owned(),
            format!("/makers/{}", fixture.maker_ivan),
            "/events".to_owned(),
        ];
        paths.extend(snapshot.collection.objects.iter().map(|o| format!("/objects/{}", o.accession)));
        paths.extend(snapshot.collection.events.keys().map(|id| format!("/events/{id}")));
        for path in paths {
            let separator = if path.contains('?') { '&' } else { '?' };
            urls.push(format!("{path}{separator}lang={lang}"));
        }
    }
    let renderer = zbor::app::page_renderer(app.state.clone());
    for url in &urls {
        let live = app.get(url).await;
        assert_eq!(live.status, 200, "{url}");
        let request = axum::http::Request::get(url.as_str()).body(axum::body::Body::empty()).unwrap();
        let rendered = renderer.clone().oneshot(request).await.unwrap();
        assert_eq!(rendered.status(), 200, "{url}");
        let body = rendered.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(String::from_utf8_lossy(&body), live.body, "{url}");
    }
    assert!(urls.len() > 30, "{} pages compared", urls.len());
}

#[tokio::test]
async fn the_same_collection_gives_the_same_bytes_and_an_update_rewrites_only_what_changed() {
    let (app, fixture) = fixture_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    export(&app, &first, false).await;
    export(&app, &second, false).await;
    assert_eq!(std::fs::read(first.join(MANIFEST)).unwrap(), std::fs::read(second.join(MANIFEST)).unwrap());
    assert_eq!(files(&first), files(&second));

    // Nothing changed: nothing written.
    let again = export(&app, &first, true).await;
    assert_eq!((again.written, again.removed, again.manifest_changed), (0, 0, false));

    // One object's title changes: its pages and the lists showing it are rewritten, nothing else.
    let before: HashMap<String, std::time::SystemTime> = mirror::walk(&first)
        .unwrap()
        .into_iter()
        .map(|(path, relative)| (relative, std::fs::metadata(path).unwrap().modified().unwrap()))
        .collect();
    sqlx::query("UPDATE objects SET title_en = 'A flag carried at the march' WHERE accession_number = ?")
        .bind(&fixture.flag)
        .execute(&app.state.db.main)
        .await
        .unwrap();
    app.refresh().await;
    let updated = export(&app, &first, true).await;
    assert!(updated.written > 0 && updated.written < updated.files / 4, "{updated:?}");
    assert!(updated.manifest_changed);
    let page = std::fs::read_to_string(first.join("en/objects").join(format!("{}.html", fixture.flag))).unwrap();
    assert!(page.contains("A flag carried at the march"));
    let unchanged = std::fs::metadata(first.join("static/zbor.css")).unwrap().modified().unwrap();
    assert_eq!(unchanged, before["static/zbor.css"], "an unchanged file is not rewritten");

    // A withdrawn object's pages leave the mirror.
    sqlx::query("UPDATE objects SET state = 'withdrawn' WHERE accession_number = ?")
        .bind(&fixture.badge)
        .execute(&app.state.db.main)
        .await
        .unwrap();
    app.refresh().await;
    // Whatever else was put in the folder goes too: a file in folders of its own, empty folders.
    std::fs::create_dir_all(first.join("extra/deep")).unwrap();
    std::fs::write(first.join("extra/deep/stray.html"), "not the museum's").unwrap();
    std::fs::create_dir_all(first.join("empty/inner")).unwrap();
    let withdrawn = export(&app, &first, true).await;
    assert!(withdrawn.removed >= 4, "{withdrawn:?}");
    assert!(!first.join("en/objects").join(format!("{}.html", fixture.badge)).exists());
    for gone in ["extra", "empty"] {
        assert!(!first.join(gone).exists(), "{gone} was left");
    }
    assert!(first.join("en/objects").is_dir());
    crawl_files(&first);
}

#[tokio::test]
async fn an_export_never_takes_over_a_folder_it_did_not_make() {
    let (app, _) = fixture_app().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let options =
        |incremental| mirror::Options { out: dir.path().to_path_buf(), base_url: None, incremental, live_url: None };
    let hidden = indicatif::ProgressBar::hidden();
    let refused = mirror::export(&app.state, &options(false), &hidden).await.unwrap_err();
    assert!(refused.to_string().contains("is not empty"), "{refused}");
    let refused = mirror::export(&app.state, &options(true), &hidden).await.unwrap_err();
    assert!(refused.to_string().contains("no earlier export"), "{refused}");
    assert_eq!(files(dir.path()), BTreeSet::from(["notes.txt".to_owned()]));
}

fn zbor(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zbor"));
    command
        .current_dir(dir)
        .env("ZBOR_KEY_PASSPHRASE", "the museum's signing passphrase")
        .env_remove("ZBOR_DATA_DIR")
        .env_remove("ZBOR_UPLOADS_DIR")
        .stdin(std::process::Stdio::null());
    command
}

fn run_ok(command: &mut Command) -> String {
    let output = command.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{command:?}: {text}");
    text
}

fn run_fails(command: &mut Command) -> String {
    let output = command.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!output.status.success(), "{command:?} should fail: {text}");
    text
}

/// A demo collection exported, and a signing key made and used, all through the command line.
fn signed_mirror(dir: &Path) -> (PathBuf, PathBuf) {
    run_ok(zbor(dir).args(["--data-dir", "data", "--uploads-dir", "uploads", "demo", "--no-serve", "--objects", "20"]));
    let key = dir.join("signing.key");
    let printed = run_ok(zbor(dir).args(["keys", "new-signing", "--out"]).arg(&key));
    let public = dir.join("signing.key.pub");
    assert!(printed.contains(std::fs::read_to_string(&public).unwrap().lines().nth(1).unwrap()));
    let secret = std::fs::read_to_string(&key).unwrap();
    assert!(secret.starts_with("untrusted comment: minisign encrypted secret key\n"));
    let out = dir.join("site");
    run_ok(zbor(dir).args(["--data-dir", "data", "--uploads-dir", "uploads", "export-site", "--out"]).arg(&out));
    run_ok(zbor(dir).arg("sign-site").arg(&out).arg("--key").arg(&key));
    (out, public)
}

#[test]
fn verify_site_passes_on_the_signed_export_and_names_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let (out, public) = signed_mirror(dir.path());
    let verify = || {
        let mut command = zbor(dir.path());
        command.arg("verify-site").arg(&out).arg("--key").arg(&public);
        command
    };
    assert!(run_ok(&mut verify()).contains("is the museum's"));

    // One byte changed in a page.
    let page = out.join("en/index.html");
    let original = std::fs::read(&page).unwrap();
    let mut changed = original.clone();
    let at = changed.len() / 2;
    changed[at] ^= 0x20;
    std::fs::write(&page, &changed).unwrap();
    assert!(run_fails(&mut verify()).contains("changed: en/index.html"));
    std::fs::write(&page, &original).unwrap();
    run_ok(&mut verify());

    // One file added, one removed.
    std::fs::write(out.join("en/extra.html"), "<p>not the museum's</p>").unwrap();
    assert!(run_fails(&mut verify()).contains("added: en/extra.html"));
    std::fs::remove_file(out.join("en/extra.html")).unwrap();
    // A name made to rewrite the terminal's lines into a forged success: printed escaped.
    let forged = "x\u{1b}[2K\r\u{1b}[1AThe mirror is the museum's\u{202e}lmth.html";
    std::fs::write(out.join("en").join(forged), "<p>not the museum's</p>").unwrap();
    let said = run_fails(&mut verify());
    assert!(!said.contains('\u{1b}') && !said.contains('\r') && !said.contains('\u{202e}'), "{said:?}");
    assert!(said.contains("added: en/x\\u{1b}[2K\\u{d}"), "{said}");
    std::fs::remove_file(out.join("en").join(forged)).unwrap();
    // A listed file replaced by a link to an endless file: named, not read for ever.
    let css = out.join("static/zbor.css");
    let kept = std::fs::read(&css).unwrap();
    std::fs::remove_file(&css).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &css).unwrap();
    assert!(run_fails(&mut verify()).contains("not a plain file: static/zbor.css"));
    std::fs::remove_file(&css).unwrap();
    std::fs::write(&css, kept).unwrap();
    run_ok(&mut verify());
    std::fs::remove_file(out.join("static/zbor.css")).unwrap();
    assert!(run_fails(&mut verify()).contains("missing: static/zbor.css"));

    // A manifest edited to match the change: the signature no longer does.
    let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
    let edited: String =
        manifest.lines().filter(|l| !l.ends_with("  static/zbor.css")).map(|l| format!("{l}\n")).collect();
    std::fs::write(out.join(MANIFEST), edited).unwrap();
    assert!(run_fails(&mut verify()).contains("signature"));

    // A signing key is not made with a passphrase too short to guard it.
    let weak = dir.path().join("weak.key");
    let refused =
        run_fails(zbor(dir.path()).args(["keys", "new-signing", "--out"]).arg(&weak).env("ZBOR_KEY_PASSPHRASE", ""));
    assert!(refused.contains("at least 12 characters"), "{refused}");
    assert!(!weak.exists());

    // Someone else's key.
    let other = dir.path().join("other.key");
    run_ok(zbor(dir.path()).args(["keys", "new-signing", "--out"]).arg(&other));
    std::fs::write(out.join(MANIFEST), manifest).unwrap();
    let mut with_other = zbor(dir.path());
    with_other.arg("verify-site").arg(&out).arg("--key").arg(dir.path().join("other.key.pub"));
    assert!(run_fails(&mut with_other).contains("another key"));
}

#[test]
#[ignore = "needs the minisign tool (installed by .ci/run)"]
fn the_standard_minisign_tool_checks_zbors_signature_and_zbor_checks_minisigns() {
    let dir = tempfile::tempdir().unwrap();
    let (out, public) = signed_mirror(dir.path());
    let status = Command::new("minisign")
        .arg("-V")
        .arg("-p")
        .arg(&public)
        .arg("-m")
        .arg(out.join(MANIFEST))
        .status()
        .expect("minisign is installed");
    assert!(status.success(), "minisign refuses zbor's signature");

    // A key and signature made by minisign itself (unencrypted key, -W), checked by zbor.
    let key = dir.path().join("minisign.key");
    let minisign_public = dir.path().join("minisign.pub");
    let made = Command::new("minisign")
        .args(["-G", "-W", "-s"])
        .arg(&key)
        .arg("-p")
        .arg(&minisign_public)
        .stdin(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::remove_file(out.join(SIGNATURE)).unwrap();
    let signed = Command::new("minisign")
        .arg("-S")
        .arg("-s")
        .arg(&key)
        .arg("-m")
        .arg(out.join(MANIFEST))
        .stdin(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(signed.success());
    run_ok(zbor(dir.path()).arg("verify-site").arg(&out).arg("--key").arg(&minisign_public));
    // zbor signs with minisign's own secret key file too.
    run_ok(zbor(dir.path()).arg("sign-site").arg(&out).arg("--key").arg(&key));
    run_ok(zbor(dir.path()).arg("verify-site").arg(&out).arg("--key").arg(&minisign_public));
}

/// nginx serving `root` on a loopback port, as a mirror's host would; stopped when dropped.
pub struct Nginx {
    _process: crate::helpers::Running,
    _dir: tempfile::TempDir,
    pub url: String,
}

pub fn start_nginx(root: &Path) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let temp = dir.path().display();
    // One process, no user switch: it reads the export where the test made it.
    let config = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {temp}/nginx.pid;\nerror_log {temp}/error.log;\n\
         events {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n  \
         fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n  \
         types {{ text/html html; text/css css; text/javascript js; image/jpeg jpg; image/webp webp; \
         application/json json; application/xml xml; text/plain txt; }}\n  \
         server {{ listen 127.0.0.1:{port}; root {}; index index.html; }}\n}}\n",
        root.display()
    );
    let config_path = dir.path().join("nginx.conf");
    std::fs::write(&config_path, config).unwrap();
    let child = Command::new("nginx")
        .arg("-c")
        .arg(&config_path)
        .arg("-p")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("nginx is installed");
    let process = crate::helpers::Running(child);
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "nginx did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Nginx { _process: process, _dir: dir, url: format!("http://127.0.0.1:{port}/") }
}

#[tokio::test]
#[ignore = "needs nginx (installed by .ci/run)"]
async fn nginx_serves_the_mirror_and_every_link_and_image_resolves() {
    let (app, fixture) = fixture_app().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mirror");
    export(&app, &out, false).await;
    let nginx = start_nginx(&out);
    let client = reqwest::Client::new();
    let root = reqwest::Url::parse(&nginx.url).unwrap();
    let mut seen = BTreeSet::from([root.clone()]);
    let mut queue = VecDeque::from([root.clone()]);
    let mut images = 0;
    while let Some(url) = queue.pop_front() {
        let response = client.get(url.clone()).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
        let kind = response.headers()["content-type"].to_str().unwrap().to_owned();
        let bytes = response.bytes().await.unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for canary in CANARIES {
            assert!(!text.contains(canary), "{url} holds {canary}");
        }
        assert!(!text.contains(&fixture.withdrawn), "{url}");
        if kind.starts_with("image/") {
            image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{url}: {e}"));
            images += 1;
        }
        if !kind.starts_with("text/html") {
            continue;
        }
        for link in links(&text) {
            if zbor::collection::rights::VOCABULARY.iter().any(|r| r.uri == link) {
                continue;
            }
            let next = url.join(&link).unwrap();
            assert_eq!(next.origin(), root.origin(), "{url}: a link off the mirror: {link}");
            let mut next = next;
            next.set_fragment(None);
            next.set_query(None);
            if seen.insert(next.clone()) {
                queue.push_back(next);
            }
        }
    }
    assert!(seen.len() > 60, "only {} URLs", seen.len());
    assert!(images > 3, "only {images} images");
}

/// Every file of the folder, with its bytes.
fn contents(root: &Path) -> Vec<(String, Vec<u8>)> {
    mirror::walk(root).unwrap().into_iter().map(|(path, relative)| (relative, std::fs::read(path).unwrap())).collect()
}

/// The two folders hold the same files with the same bytes.
fn assert_same_files(kept: &Path, fresh: &Path, what: &str) {
    let (left, right) = (contents(kept), contents(fresh));
    assert_eq!(
        left.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        right.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "{what}: the same files"
    );
    for ((path, a), (_, b)) in left.iter().zip(&right) {
        assert!(a == b, "{what}: {path} differs from a full export's");
    }
}

#[tokio::test]
async fn an_incremental_export_renders_only_what_moved_and_writes_what_a_full_export_would() {
    let (app, fixture) = fixture_app().await;
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept");
    let full = export(&app, &kept, false).await;
    assert!(full.rendered > 100, "{full:?}");

    // Nothing changed: no page rendered, nothing written.
    let again = export(&app, &kept, true).await;
    assert_eq!((again.rendered, again.written, again.removed, again.manifest_changed), (0, 0, 0, false), "{again:?}");

    let pool = &app.state.db.main;
    let changes: [(&str, &str); 7] = [
        ("a title", "UPDATE objects SET title_en = 'A flag carried at the march' WHERE accession_number = ?1"),
        (
            "a maker's name",
            "UPDATE makers SET name_en = 'Ivan the Bearer' WHERE ?1 IS NOT NULL AND id = (SELECT id FROM makers ORDER BY id LIMIT 1)",
        ),
        (
            "an event's name",
            "UPDATE events SET name_en = 'The Long March' WHERE ?1 IS NOT NULL AND id = (SELECT id FROM events ORDER BY id LIMIT 1)",
        ),
        (
            "a type's name",
            "UPDATE object_types SET name_en = 'Banners and flags' WHERE ?1 IS NOT NULL AND code = 'flag'",
        ),
        (
            "an image's text",
            "UPDATE media SET alt_en = 'The flag, folded', caption_en = 'Folded' WHERE object_id = (SELECT id FROM objects WHERE accession_number = ?1)",
        ),
        ("an object withdrawn", "UPDATE objects SET state = 'withdrawn' WHERE accession_number = ?1"),
        ("an object published again", "UPDATE objects SET state = 'published' WHERE accession_number = ?1"),
    ];
    for (i, (what, sql)) in changes.iter().enumerate() {
        let changed = sqlx::query(sqlx::AssertSqlSafe(*sql)).bind(&fixture.flag).execute(pool).await.unwrap();
        assert!(changed.rows_affected() > 0, "{what}: nothing changed");
        app.refresh().await;
        let updated = export(&app, &kept, true).await;
        let fresh = dir.path().join(format!("full-{i}"));
        export(&app, &fresh, false).await;
        assert_same_files(&kept, &fresh, what);
        assert!(updated.manifest_changed, "{what}: {updated:?}");
        assert!(updated.rendered > 0, "{what}: {updated:?}");
        if i == 0 {
            // A title: its object's pages and the pages listing it, not the rest.
            assert!(updated.rendered < full.rendered / 4, "{what}: {updated:?} of {full:?}");
        }
    }

    // An image file still in the making at one export (pages then link elsewhere) and there
    // at the next: the pages showing it are made again.
    let snapshot = app.state.public.current();
    let (hash, size) = snapshot
        .collection
        .objects
        .iter()
        .flat_map(|o| &o.media)
        .find_map(|m| m.webp_sizes.first().map(|s| (m.hash.clone(), *s)))
        .expect("an image with a WebP size");
    let file = app.state.media.store.webp_path(&hash, size).expect("a WebP path");
    let aside = dir.path().join("aside.webp");
    std::fs::rename(&file, &aside).unwrap();
    export(&app, &kept, true).await;
    assert!(!kept.join(format!("media/{hash}/{size}.webp")).exists());
    std::fs::rename(&aside, &file).unwrap();
    let late = export(&app, &kept, true).await;
    assert!(late.rendered > 0, "{late:?}");
    let fresh = dir.path().join("full-late");
    export(&app, &fresh, false).await;
    assert_same_files(&kept, &fresh, "an image that came late");

    // What an export keeps of itself is beside the data, owner-only, never in the mirror.
    let states: Vec<String> = files(&app.config.data_dir).into_iter().filter(|f| f.starts_with("mirrors/")).collect();
    assert!(!states.is_empty());
    for path in &states {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(app.config.data_dir.join(path)).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{path} is open to others");
    }
    assert!(files(&kept).iter().all(|f| !f.ends_with(".json") || f.starts_with("iiif/")), "{:?}", files(&kept));

    // An export cut off halfway (here: a page it must write cannot be written) leaves nothing
    // to trust: the next one renders everything.
    sqlx::query("UPDATE objects SET title_en = 'Cut off halfway' WHERE accession_number = ?")
        .bind(&fixture.flag)
        .execute(pool)
        .await
        .unwrap();
    app.refresh().await;
    let page = kept.join("en/objects").join(format!("{}.html", fixture.flag));
    std::fs::remove_file(&page).unwrap();
    std::fs::create_dir(&page).unwrap();
    let options = mirror::Options {
        out: kept.clone(),
        base_url: Some("https://mirror.example.org/zbor".to_owned()),
        incremental: true,
        live_url: None,
    };
    assert!(mirror::export(&app.state, &options, &indicatif::ProgressBar::hidden()).await.is_err());
    std::fs::remove_dir(&page).unwrap();
    let after = export(&app, &kept, true).await;
    assert_eq!(after.rendered, full.rendered, "{after:?}");
    let fresh = dir.path().join("full-after-cut");
    export(&app, &fresh, false).await;
    assert_same_files(&kept, &fresh, "after an export cut off halfway");

    // A folder changed behind the export's back (its manifest is not the one it wrote) is
    // rendered again in full, not trusted.
    std::fs::write(kept.join(MANIFEST), "edited\n").unwrap();
    let distrusted = export(&app, &kept, true).await;
    assert_eq!(distrusted.rendered, full.rendered, "{distrusted:?}");
}
