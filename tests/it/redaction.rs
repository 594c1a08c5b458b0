//! Redaction: regions marked in the panel are destroyed in the pixels of every public byte of
//! a photo (all sizes, JPEG and WebP, IIIF), the old derivatives go from disk and from every
//! public address, the master stays as it was, and publishing a photo of people asks first.
//! Images are made in the test; pixels are measured, not compared to stored results.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use image::RgbImage;

use zbor::auth::Role;
use zbor::media::redact::{self, Kind, Method, Region, Shape};

use crate::helpers::{Resp, TestApp, multipart};
use crate::media::drain_jobs;

/// A 2400×1600 photo of 48 px cells of random colours: every region of it varies a lot, at
/// every derivative size, so a region left unredacted cannot pass for a redacted one.
fn cells() -> Vec<u8> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let colours: Vec<[u8; 3]> = (0..50 * 34)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let b = seed.to_le_bytes();
            [b[0], b[1], b[2]]
        })
        .collect();
    let image = RgbImage::from_fn(2400, 1600, |x, y| image::Rgb(colours[(y / 48 * 50 + x / 48) as usize]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95).encode_image(&image).unwrap();
    out
}

async fn post(app: &TestApp, uri: &str, cookie: &str, pairs: &[(&str, &str)]) -> Resp {
    let csrf = app.token("/admin", Some(cookie)).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(pairs);
    app.post_form(uri, cookie, &all).await
}

/// A published object of `object_type` with one public photo made by [`cells`]; returns the
/// object's id, its accession number and the image's id.
async fn published_photo(app: &TestApp, cookie: &str, object_type: &str) -> (i64, String, i64) {
    let created = post(app, "/admin/objects/new", cookie, &[("object_type", object_type), ("title_en", "March")]).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id: i64 =
        created.header("location").trim_start_matches("/admin/objects/").split('?').next().unwrap().parse().unwrap();
    let csrf = app.token("/admin", Some(cookie)).await;
    let (content_type, body) = multipart(&[("csrf", &csrf)], &[("march.jpg", &cells())]);
    let request = Request::post(format!("/admin/objects/{id}/media"))
        .header("content-type", content_type)
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::SEE_OTHER);
    drain_jobs(app).await;
    let media: i64 = sqlx::query_scalar("SELECT id FROM media WHERE object_id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let describe = [("action", "save"), ("alt_en", "A march"), ("is_public", "on")];
    assert_eq!(
        post(app, &format!("/admin/objects/{id}/media/{media}"), cookie, &describe).await.status,
        StatusCode::SEE_OTHER
    );
    let published = post(app, &format!("/admin/objects/{id}/publish"), cookie, &[("photos_checked", "yes")]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
    app.refresh().await;
    let accession: String = sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    (id, accession, media)
}

/// Every 64-hex name of an image the public can find from the object's page and its IIIF.
async fn public_names(app: &TestApp, accession: &str) -> BTreeSet<String> {
    let mut texts = vec![app.get(&format!("/objects/{accession}")).await.body];
    let manifest = app.get(&format!("/iiif/{accession}/manifest.json")).await;
    texts.push(manifest.body);
    let mut names = BTreeSet::new();
    for text in &texts {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i + 64 <= bytes.len() {
            let run = bytes[i..].iter().take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')).count();
            if run == 64 {
                names.insert(text[i..i + 64].to_owned());
            }
            i += run.max(1);
        }
    }
    names
}

/// Every public address an image named `name` may have.
fn addresses(name: &str) -> Vec<String> {
    let mut all = vec![
        format!("/iiif/image/{name}/info.json"),
        format!("/iiif/image/{name}/full/max/0/default.jpg"),
        format!("/iiif/image/{name}/full/400,/0/default.jpg"),
        format!("/iiif/image/{name}/full/1200,/0/default.jpg"),
    ];
    for size in [400, 1200, 2400] {
        all.push(format!("/media/{name}/{size}.jpg"));
        all.push(format!("/media/{name}/{size}.webp"));
    }
    all
}

/// Per-channel mean and standard deviation of a rectangle.
fn stats(image: &RgbImage, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> ([f64; 3], [f64; 3]) {
    let (mut sum, mut squares, mut n) = ([0f64; 3], [0f64; 3], 0f64);
    for y in y0..y1 {
        for x in x0..x1 {
            let p = image.get_pixel(x, y).0;
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
                squares[c] += f64::from(p[c]).powi(2);
            }
            n += 1.0;
        }
    }
    let mean = sum.map(|s| s / n);
    let std = std::array::from_fn(|c| (squares[c] / n - mean[c].powi(2)).max(0.0).sqrt());
    (mean, std)
}

/// A rectangle of the master scaled to an image of width `width`, shrunk by `margin` pixels on
/// every side (JPEG and the resize blur edges).
fn scaled((x, y, w, h): (u32, u32, u32, u32), width: u32, margin: u32) -> (u32, u32, u32, u32) {
    let s = f64::from(width) / 2400.0;
    let at = |v: u32| (f64::from(v) * s).round() as u32;
    (at(x) + margin, at(y) + margin, at(x + w) - margin, at(y + h) - margin)
}

/// The fill region (an ellipse hiding a name) and the face (pixelated in blocks of 60 px).
const NAME: (u32, u32, u32, u32) = (240, 960, 720, 360);
/// A rectangle inside the NAME ellipse (half sides of 0.35 < 1/√2 of its radii).
const NAME_INSIDE: (u32, u32, u32, u32) = (348, 1014, 504, 252);
const FACE: (u32, u32, u32, u32) = (1200, 360, 480, 480);

/// The markers of a JPEG's segments, in order, up to its first scan.
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF {
        let marker = bytes[i + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        i += 2 + len;
    }
    markers
}

/// Checks one public image of the redacted photo: both regions destroyed, the rest as the
/// unredacted image of the same size (`before`), and no trace of the original in its bytes.
fn check_redacted(what: &str, bytes: &[u8], before: &RgbImage, master: &RgbImage) {
    let image = image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{what}: {e}")).to_rgb8();
    let width = image.width();
    assert_eq!((width, image.height()), before.dimensions(), "{what}");
    // The name: one flat colour, the fill's, within JPEG noise.
    let (mean, std) = stats(&image, scaled(NAME_INSIDE, width, 3));
    for c in 0..3 {
        assert!(std[c] < 4.0, "{what}: the filled region varies (σ {std:?})");
        assert!((mean[c] - f64::from(redact::FILL[c])).abs() < 6.0, "{what}: fill {mean:?}");
    }
    let (_, std_before) = stats(before, scaled(NAME_INSIDE, width, 3));
    assert!(std_before.iter().all(|s| *s > 20.0), "{what}: the test photo must vary there ({std_before:?})");
    // The face: blocks of 60 master pixels, each flat, each the mean of the master's block.
    let block = 60;
    for by in 0..8 {
        for bx in 0..8 {
            let cell = (FACE.0 + bx * block, FACE.1 + by * block, block, block);
            let inner = scaled(cell, width, if width >= 1200 { 4 } else { 3 });
            let (mean, std) = stats(&image, inner);
            let (expected, _) = stats(master, (cell.0, cell.1, cell.0 + block, cell.1 + block));
            for c in 0..3 {
                // At 400 px a block is 10 px wide: chroma subsampling and the resize's ringing
                // reach further into it. Unredacted, such a spot varies by 30 and more.
                let flat = if width >= 1200 { 6.0 } else { 14.0 };
                assert!(std[c] < flat, "{what}: block ({bx}, {by}) is not flat (σ {std:?})");
                assert!((mean[c] - expected[c]).abs() < 10.0, "{what}: block ({bx}, {by}) {mean:?} vs {expected:?}");
            }
        }
    }
    // Away from the regions, the picture is the picture.
    let (x0, y0, x1, y1) = scaled((1800, 900, 480, 600), width, 2);
    let mut diff = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            let (a, b) = (image.get_pixel(x, y).0, before.get_pixel(x, y).0);
            diff += (0..3).map(|c| u64::from(a[c].abs_diff(b[c]))).sum::<u64>();
        }
    }
    let mean_diff = diff as f64 / f64::from((x1 - x0) * (y1 - y0) * 3);
    assert!(mean_diff < 4.0, "{what}: the rest of the picture changed (mean difference {mean_diff})");
    if bytes.starts_with(&[0xFF, 0xD8]) {
        // One baseline frame, one scan, no application segments: no thumbnail, no progressive
        // scans, nothing of the old picture.
        let markers = jpeg_markers(bytes);
        assert!(markers.iter().all(|m| !(0xE1..=0xEF).contains(m)), "{what}: application segment in {markers:x?}");
        if markers.first() == Some(&0xE0) {
            // The JFIF header alone: 16 bytes, no thumbnail.
            assert_eq!(&bytes[4..6], &[0, 16], "{what}: a JFIF header with a thumbnail");
        }
        assert!(markers.contains(&0xC0) && !markers.contains(&0xC2), "{what}: not one baseline frame: {markers:x?}");
        assert_eq!(bytes.windows(2).filter(|w| *w == [0xFF, 0xD8]).count(), 1, "{what}: an embedded JPEG");
        assert_eq!(bytes.windows(2).filter(|w| *w == [0xFF, 0xDA]).count(), 1, "{what}: more than one scan");
    }
}

#[tokio::test]
async fn redacted_regions_are_destroyed_in_every_public_byte_and_the_old_derivatives_go() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let (id, accession, media) = published_photo(&app, &cookie, "poster").await;
    let hash: String = sqlx::query_scalar("SELECT hash FROM media WHERE id = ?")
        .bind(media)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(public_names(&app, &accession).await, BTreeSet::from([hash.clone()]));
    let store = &app.state.media.store;
    let master_path = store.master_path(&hash, zbor::media::sanitise::MasterFormat::Jpeg).unwrap();
    let master_bytes = std::fs::read(&master_path).unwrap();
    let master = image::load_from_memory(&master_bytes).unwrap().to_rgb8();
    // What the public gets before: every address answers.
    let mut before = std::collections::BTreeMap::new();
    let mut old_bytes = Vec::new();
    for address in addresses(&hash) {
        let (status, _, bytes) = app.get_bytes(&address).await;
        if address.ends_with(".webp") && status == StatusCode::NOT_FOUND {
            continue; // a WebP is kept only where it is smaller
        }
        assert_eq!(status, StatusCode::OK, "{address}");
        if !address.ends_with(".json") {
            before.insert(address.replace(&hash, "NAME"), image::load_from_memory(&bytes).unwrap().to_rgb8());
            old_bytes.push(bytes);
        }
    }

    let regions = format!("/admin/objects/{id}/media/{media}/regions");
    let fields = |r: (u32, u32, u32, u32)| [r.0, r.1, r.2, r.3].map(|v| v.to_string());
    let [x, y, w, h] = fields(NAME);
    let name = [("action", "add"), ("shape", "ellipse"), ("kind", "text"), ("method", "fill")];
    let added =
        post(&app, &regions, &cookie, &[&name[..], &[("x", &x), ("y", &y), ("w", &w), ("h", &h)]].concat()).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let [x, y, w, h] = fields(FACE);
    let face = [("action", "add"), ("shape", "rect"), ("kind", "face"), ("method", "pixelate")];
    let added =
        post(&app, &regions, &cookie, &[&face[..], &[("x", &x), ("y", &y), ("w", &w), ("h", &h)]].concat()).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);

    // At once, before any new derivative exists: the old addresses are gone.
    app.refresh().await;
    for address in addresses(&hash) {
        assert_eq!(app.get_bytes(&address).await.0, StatusCode::NOT_FOUND, "{address} right after redaction");
    }
    drain_jobs(&app).await;
    app.refresh().await;

    let key: String = sqlx::query_scalar("SELECT derivatives FROM media WHERE id = ?")
        .bind(media)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_ne!(key, hash);
    assert_eq!(
        public_names(&app, &accession).await,
        BTreeSet::from([key.clone()]),
        "the public knows only the new name"
    );
    for address in addresses(&hash) {
        assert_eq!(app.get_bytes(&address).await.0, StatusCode::NOT_FOUND, "{address} still answers");
    }
    let mut checked = 0;
    for address in addresses(&key) {
        let (status, _, bytes) = app.get_bytes(&address).await;
        if address.ends_with(".webp") && status == StatusCode::NOT_FOUND {
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{address}");
        if address.ends_with(".json") {
            continue;
        }
        let unredacted = &before[&address.replace(&key, "NAME")];
        check_redacted(&address, &bytes, unredacted, &master);
        checked += 1;
    }
    assert!(checked >= 7, "every size and IIIF form was checked ({checked})");
    // The check itself fails on the unredacted pictures.
    let unredacted = &before["/media/NAME/1200.jpg"];
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 95).encode_image(unredacted).unwrap();
    let missed = std::panic::catch_unwind(|| check_redacted("unredacted", &encoded, unredacted, &master));
    assert!(missed.is_err(), "an unredacted picture passed the check");

    // The static mirror carries the redacted sizes only.
    let mirror = tempfile::tempdir().unwrap();
    let out = mirror.path().join("site");
    let options = zbor::mirror::Options { out: out.clone(), base_url: None, incremental: false, live_url: None };
    zbor::mirror::export(&app.state, &options, &indicatif::ProgressBar::hidden()).await.unwrap();
    let (mut files, mut redacted) = (vec![out.clone()], 0);
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let name = path.display().to_string();
        assert!(!name.contains(&hash), "the mirror has {name}");
        let bytes = std::fs::read(&path).unwrap();
        assert!(!old_bytes.contains(&bytes), "{name} is an unredacted size");
        if name.contains(&key) {
            redacted += 1;
            assert!(!String::from_utf8_lossy(&bytes).contains(&hash));
        }
    }
    assert!(redacted >= 3, "the mirror carries the redacted sizes ({redacted})");

    // On disk: the master as it was, no unredacted derivative left anywhere.
    assert_eq!(std::fs::read(&master_path).unwrap(), master_bytes);
    let old_dir = master_path.parent().unwrap();
    let left: Vec<String> =
        std::fs::read_dir(old_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, ["master.jpg"], "old derivatives left beside the master");
    assert!(store.has_derivatives(&key));

    // Each change is in the audit log.
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'media-redacted'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(audited, 2);

    // Unredacted sizes left behind (a crash before the deletion, an older backup restored)
    // are swept by the rebuild.
    std::fs::write(old_dir.join("1200.jpg"), &old_bytes[0]).unwrap();
    // Rebuilt (as after a restore), the derivatives are the same bytes under the same name.
    let files: Vec<_> = [400, 1200, 2400].iter().map(|s| store.derivative_path(&key, *s).unwrap()).collect();
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    for f in &files {
        std::fs::remove_file(f).unwrap();
    }
    zbor::media::jobs::rebuild(&app.state.db.main, &app.state.media, |_, _| {}).await.unwrap();
    let again: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(bytes == again, "rebuilt derivatives differ");
    assert!(!store.has_derivatives(&hash), "the rebuild made unredacted derivatives");
    assert!(!old_dir.join("1200.jpg").exists(), "a stale unredacted size survived the rebuild");

    // Removing both regions brings the unredacted photo back under its own name, and the
    // redacted files go.
    let listed = zbor::media::regions::list(&mut app.state.db.main.acquire().await.unwrap(), media).await.unwrap();
    for region in listed {
        let id = region.id.to_string();
        assert_eq!(
            post(&app, &regions, &cookie, &[("action", "remove"), ("region", &id)]).await.status,
            StatusCode::SEE_OTHER
        );
    }
    drain_jobs(&app).await;
    app.refresh().await;
    assert_eq!(public_names(&app, &accession).await, BTreeSet::from([hash.clone()]));
    assert!(!store.derivative_path(&key, 400).unwrap().parent().unwrap().exists(), "redacted derivatives left");
    assert_eq!(app.get_bytes(&format!("/media/{key}/400.jpg")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_regions_are_refused_and_change_nothing_and_only_publishers_see_the_master() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let (id, _, media) = published_photo(&app, &cookie, "poster").await;
    let regions = format!("/admin/objects/{id}/media/{media}/regions");
    let page = app.get_with(&regions, &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-security-policy").contains("script-src 'self'"));
    assert_eq!(page.attrs("script", "src"), ["/static/redact.js"]);
    for label in ["region-x", "region-y", "region-w", "region-h", "region-shape", "region-kind", "region-method"] {
        assert_eq!(page.attrs(&format!("label[for={label}]"), "for").len(), 1, "{label} has no label");
    }
    // Other staff pages still allow no script at all.
    let editor = app.get_with(&format!("/admin/objects/{id}"), &[("cookie", &cookie)]).await;
    assert!(!editor.header("content-security-policy").contains("script-src"));
    assert_eq!(editor.attrs(&format!("a[href='{regions}']"), "href").len(), 1, "the editor links to the regions page");

    let before: (String, String) = sqlx::query_as("SELECT derivatives, state FROM media WHERE id = ?")
        .bind(media)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let refused = [
        [("shape", "rect"), ("kind", "face"), ("method", "fill"), ("x", "2000"), ("y", "0"), ("w", "401"), ("h", "10")],
        [("shape", "rect"), ("kind", "text"), ("method", "pixelate"), ("x", "0"), ("y", "0"), ("w", "10"), ("h", "10")],
        [
            ("shape", "rect"),
            ("kind", "plate"),
            ("method", "pixelate"),
            ("x", "0"),
            ("y", "0"),
            ("w", "10"),
            ("h", "10"),
        ],
        [("shape", "blur"), ("kind", "face"), ("method", "fill"), ("x", "0"), ("y", "0"), ("w", "10"), ("h", "10")],
        [("shape", "rect"), ("kind", "face"), ("method", "blur"), ("x", "0"), ("y", "0"), ("w", "10"), ("h", "10")],
        [("shape", "rect"), ("kind", "face"), ("method", "fill"), ("x", "ten"), ("y", "0"), ("w", "10"), ("h", "10")],
        [("shape", "rect"), ("kind", "face"), ("method", "fill"), ("x", "0"), ("y", "0"), ("w", "0"), ("h", "10")],
        [("shape", "rect"), ("kind", "face"), ("method", "fill"), ("x", "-5"), ("y", "0"), ("w", "10"), ("h", "10")],
    ];
    for fields in refused {
        let resp = post(&app, &regions, &cookie, &[&[("action", "add")][..], &fields[..]].concat()).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert_eq!(resp.texts(".form-error").len(), 1, "{fields:?}: a message");
        // What was typed is kept.
        assert_eq!(resp.attrs("#region-x", "value"), [fields[3].1], "{fields:?}");
    }
    for bad in [
        vec![("action", "remove"), ("region", "999")],
        vec![("action", "accept"), ("region", "x")],
        vec![("action", "erase")],
    ] {
        let status = post(&app, &regions, &cookie, &bad).await.status;
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST, "{bad:?}: {status}");
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redactions").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(count, 0);
    let after: (String, String) = sqlx::query_as("SELECT derivatives, state FROM media WHERE id = ?")
        .bind(media)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(after, before);
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'media-redacted'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(audited, 0);

    // The master with outlines: a private JPEG of at most 1600 px, for publishing roles only.
    let add = [
        ("action", "add"),
        ("shape", "rect"),
        ("kind", "face"),
        ("method", "fill"),
        ("x", "100"),
        ("y", "100"),
        ("w", "400"),
        ("h", "400"),
    ];
    assert_eq!(post(&app, &regions, &cookie, &add).await.status, StatusCode::SEE_OTHER);
    let master = format!("/admin/objects/{id}/media/{media}/master.jpg");
    let (status, headers, bytes) = app.get_bytes_with(&master, &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["cache-control"].to_str().unwrap().contains("no-store"));
    let shown = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(shown.dimensions(), (1600, 1067));
    // The outline is drawn (magenta on the region's edge), and inside it the photo is whole.
    let edge = shown.get_pixel(67, 200).0;
    assert!(edge[0] > 150 && edge[1] < 80 && edge[2] < 150, "no outline at the region's edge: {edge:?}");
    let volunteer = app.staff_cookie("volunteer", Role::Volunteer).await;
    for uri in [&master, &regions] {
        let resp = app.get_with(uri, &[("cookie", &volunteer)]).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{uri}");
    }
    // Volunteers see the redacted derivative in the editor, never the master's hash.
    let key: String = sqlx::query_scalar("SELECT derivatives FROM media WHERE id = ?")
        .bind(media)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    drain_jobs(&app).await;
    let editor = app.get_with(&format!("/admin/objects/{id}"), &[("cookie", &volunteer)]).await;
    assert!(editor.body.contains(&format!("/admin/media/{key}/400.jpg")));
    let hash: String = sqlx::query_scalar("SELECT hash FROM media WHERE id = ?")
        .bind(media)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert!(!editor.body.contains(&hash));
    let resp = app.get_with(&format!("/admin/media/{hash}/400.jpg"), &[("cookie", &volunteer)]).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND, "an unredacted size of a redacted photo is served to staff");

    // No more than 200 regions on one photo.
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let small = Region { shape: Shape::Rect, kind: Kind::Face, method: Method::Fill, x: 0, y: 0, w: 4, h: 4 };
    for _ in 1..zbor::media::regions::MAX_REGIONS {
        zbor::media::regions::insert(&mut conn, media, &small, false).await.unwrap();
    }
    drop(conn);
    let refused = post(&app, &regions, &cookie, &add).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.texts(".form-error").len(), 1);
    assert_eq!(refused.texts("#redact-public-warning").len(), 1, "the photo is public: the page warns");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redactions").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(count, zbor::media::regions::MAX_REGIONS);
}

#[tokio::test]
async fn publishing_a_photograph_or_unreviewed_faces_needs_the_photos_checked() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let created =
        post(&app, "/admin/objects/new", &cookie, &[("object_type", "photograph"), ("title_en", "Crowd")]).await;
    let id: i64 =
        created.header("location").trim_start_matches("/admin/objects/").split('?').next().unwrap().parse().unwrap();
    let editor = app.get_with(&format!("/admin/objects/{id}"), &[("cookie", &cookie)]).await;
    assert_eq!(editor.attrs("#photos_checked", "name"), ["photos_checked"], "the publish form asks");
    let refused = post(&app, &format!("/admin/objects/{id}/publish"), &cookie, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.texts(".form-error").len(), 1);
    let state: String = sqlx::query_scalar("SELECT state FROM objects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(state, "draft");
    let done = post(&app, &format!("/admin/objects/{id}/publish"), &cookie, &[("photos_checked", "yes")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let details: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'object-published' ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert!(details.contains("\"photos_checked_by_curator\":true"), "{details}");

    // A poster needs no check, until the detector suggests a face nobody reviewed.
    let (poster, _, media) = published_photo(&app, &cookie, "poster").await;
    assert_eq!(
        post(&app, &format!("/admin/objects/{poster}/withdraw"), &cookie, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let suggestion =
        Region { shape: Shape::Ellipse, kind: Kind::Face, method: Method::Pixelate, x: 10, y: 10, w: 100, h: 120 };
    let mut conn = app.state.db.main.acquire().await.unwrap();
    let region = zbor::media::regions::insert(&mut conn, media, &suggestion, true).await.unwrap();
    drop(conn);
    let refused = post(&app, &format!("/admin/objects/{poster}/publish"), &cookie, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "unreviewed faces");
    let regions = format!("/admin/objects/{poster}/media/{media}/regions");
    let page = app.get_with(&regions, &[("cookie", &cookie)]).await;
    assert_eq!(
        page.texts(&format!("#region-row-{region} button[value=accept]")).len(),
        1,
        "a suggestion can be accepted"
    );
    let accepted = post(&app, &regions, &cookie, &[("action", "accept"), ("region", &region.to_string())]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let published = post(&app, &format!("/admin/objects/{poster}/publish"), &cookie, &[]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "reviewed: {}", published.body);

    // On a published photograph, a private photo is made public only with the check ticked.
    let csrf = app.token("/admin", Some(&cookie)).await;
    let (content_type, body) = multipart(&[("csrf", &csrf)], &[("more.jpg", &crate::media::plain_jpeg(300, 200))]);
    let request = Request::post(format!("/admin/objects/{id}/media"))
        .header("content-type", content_type)
        .header("cookie", &cookie)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::SEE_OTHER);
    drain_jobs(&app).await;
    let photo: i64 = sqlx::query_scalar("SELECT id FROM media WHERE object_id = ?")
        .bind(id)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let uri = format!("/admin/objects/{id}/media/{photo}");
    let refused = post(&app, &uri, &cookie, &[("action", "save"), ("is_public", "on")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let public: bool = sqlx::query_scalar("SELECT is_public FROM media WHERE id = ?")
        .bind(photo)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert!(!public);
    let done = post(&app, &uri, &cookie, &[("action", "save"), ("is_public", "on"), ("photos_checked", "yes")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);

    // A curator marks posters as showing people: a poster now asks too.
    let poster_type: i64 = sqlx::query_scalar("SELECT id FROM object_types WHERE code = 'poster'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    let form = app.get_with(&format!("/admin/authorities/types/{poster_type}"), &[("cookie", &cookie)]).await;
    assert_eq!(form.attrs("select#shows_people option", "value"), ["0", "1"]);
    let marked = post(
        &app,
        &format!("/admin/authorities/types/{poster_type}"),
        &cookie,
        &[
            ("code", "poster"),
            ("name_be", "Плакат"),
            ("name_en", "Poster"),
            ("name_ru", "Плакат"),
            ("shows_people", "1"),
        ],
    )
    .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    assert_eq!(
        post(&app, &format!("/admin/objects/{poster}/withdraw"), &cookie, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let refused = post(&app, &format!("/admin/objects/{poster}/publish"), &cookie, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a poster now shows people");
    let audited: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'authority-edited' ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert!(audited.contains("shows_people"), "{audited}");
}

#[tokio::test]
async fn an_offers_photo_is_redacted_before_acceptance_and_the_object_keeps_the_regions() {
    let (app, _identity) = TestApp::with_keyholder().await;
    let photo = cells();
    let sent = app
        .send(
            crate::intake::offer_request(
                &app,
                [10, 0, 0, 1],
                &[("title", "Flag from the yard")],
                &[("flag.jpg", &photo)],
                &[],
            )
            .await,
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let (offer, position, hash): (String, i64, String) =
        sqlx::query_as("SELECT offer_id, position, hash FROM offer_photos")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    let reviewer = app.staff_cookie("curator", Role::Curator).await;
    let page = app.get_with(&format!("/admin/offers/{offer}"), &[("cookie", &reviewer)]).await;
    let regions = format!("/admin/offers/{offer}/photos/{position}/regions");
    assert_eq!(page.attrs(&format!("a[href='{regions}']"), "href").len(), 1, "the offer links to the regions page");
    let volunteer = app.staff_cookie("volunteer", Role::Volunteer).await;
    assert_eq!(app.get_with(&regions, &[("cookie", &volunteer)]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_with(&format!("/admin/offers/{offer}/photos/{position}/master.jpg"), &[("cookie", &volunteer)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let [x, y, w, h] = [NAME_INSIDE.0, NAME_INSIDE.1, NAME_INSIDE.2, NAME_INSIDE.3].map(|v| v.to_string());
    let fields = [
        ("action", "add"),
        ("shape", "rect"),
        ("kind", "text"),
        ("method", "fill"),
        ("x", &x),
        ("y", &y),
        ("w", &w),
        ("h", &h),
    ];
    let added = post(&app, &regions, &reviewer, &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    // Reviewers' preview shows the region destroyed.
    let (status, headers, preview) =
        app.get_bytes_with(&format!("/admin/media/{hash}/1200.jpg"), &[("cookie", &reviewer)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["cache-control"].to_str().unwrap().contains("no-store"));
    let preview = image::load_from_memory(&preview).unwrap().to_rgb8();
    let (mean, std) = stats(&preview, scaled(NAME_INSIDE, preview.width(), 3));
    assert!(std.iter().all(|s| *s < 4.0), "the preview is not redacted: σ {std:?}");
    assert!((mean[0] - f64::from(redact::FILL[0])).abs() < 6.0);
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'offer-photo-redacted'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(audited, 1);

    // Accepted: the object's image carries the region, and its first derivatives are redacted.
    let csrf = app.token(&format!("/admin/offers/{offer}"), Some(&reviewer)).await;
    let accepted = app.post_form(&format!("/admin/offers/{offer}/accept"), &reviewer, &[("csrf", &csrf)]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let (media, key): (i64, String) = sqlx::query_as("SELECT id, derivatives FROM media WHERE hash = ?")
        .bind(&hash)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_ne!(key, hash);
    let moved: Vec<(Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT media_id, offer_id FROM redactions").fetch_all(&app.state.db.main).await.unwrap();
    assert_eq!(moved, [(Some(media), None)]);
    drain_jobs(&app).await;
    assert!(!app.state.media.store.has_derivatives(&hash), "an unredacted derivative was made");
    let path = app.state.media.store.derivative_path(&key, 1200).unwrap();
    let derivative = image::open(&path).unwrap().to_rgb8();
    let (_, std) = stats(&derivative, scaled(NAME_INSIDE, derivative.width(), 3));
    assert!(std.iter().all(|s| *s < 4.0), "the object's image is not redacted: σ {std:?}");
    // Neither a rebuild (as after a restore) nor staff ever get the unredacted sizes back.
    zbor::media::jobs::rebuild(&app.state.db.main, &app.state.media, |_, _| {}).await.unwrap();
    assert!(!app.state.media.store.has_derivatives(&hash), "the rebuild made unredacted derivatives");
    let volunteer = app.staff_cookie("volunteer-2", Role::Volunteer).await;
    let (status, _, _) = app.get_bytes_with(&format!("/admin/media/{hash}/400.jpg"), &[("cookie", &volunteer)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A decided offer's photos take no more regions.
    assert_eq!(post(&app, &regions, &reviewer, &fields).await.status, StatusCode::NOT_FOUND);
}
