//! The face detector: faces of known places in scenes made from shippable head photographs
//! (see `faces_scene.rs`) are found and suggested; a face-free picture gives nothing; a staff
//! upload of a photo with faces comes with them marked, redacted from the first derivative,
//! and the object cannot be published until a curator has looked.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use zbor::auth::Role;
use zbor::media::faces;
use zbor::media::redact::{Kind, Method, Shape};

use crate::faces_scene::{Lcg, background, iou, scene};
use crate::helpers::{TestApp, multipart};
use crate::media::drain_jobs;

#[test]
fn faces_of_120_pixels_and_more_are_found_where_they_are() {
    let sizes = [120, 160, 240, 320, 480, 200, 140, 400];
    for seed in 0..2 {
        let (image, truth) = scene(3000, 2000, &sizes, seed);
        let found = faces::detect(&image);
        for face in &truth {
            let best = found.iter().map(|f| iou(*face, (f.x, f.y, f.w, f.h))).fold(0.0, f64::max);
            assert!(
                best >= 0.3,
                "seed {seed}: the face at {face:?} was not found (best overlap {best:.2}; found {found:?})"
            );
        }
        assert!(found.len() <= truth.len() + 1, "seed {seed}: {} faces found for {}", found.len(), truth.len());
        // Suggestions cover each face whole, and stay inside the picture.
        let suggested = faces::suggest(&image);
        for face in &truth {
            let covered = suggested.iter().any(|r| {
                r.x <= face.0 && r.y <= face.1 && r.x + r.w >= face.0 + face.2 && r.y + r.h >= face.1 + face.3
            });
            assert!(covered, "seed {seed}: no suggestion covers {face:?}: {suggested:?}");
        }
        for r in &suggested {
            assert_eq!((r.shape, r.kind, r.method), (Shape::Ellipse, Kind::Face, Method::Fill));
            assert!(r.check(image.dimensions()).is_ok(), "{r:?}");
        }
    }
}

#[test]
fn a_picture_without_faces_gives_no_suggestion() {
    let mut rng = Lcg(7);
    assert!(faces::detect(&background(3000, 2000, &mut rng)).is_empty());
}

#[tokio::test]
async fn an_upload_with_faces_is_redacted_from_the_start_and_publishing_asks_for_a_review() {
    let app = TestApp::new().await;
    let cookie = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token("/admin/objects/new", Some(&cookie)).await;
    let created = app
        .post_form("/admin/objects/new", &cookie, &[("csrf", &csrf), ("object_type", "poster"), ("title_en", "Banner")])
        .await;
    let id: i64 =
        created.header("location").trim_start_matches("/admin/objects/").split('?').next().unwrap().parse().unwrap();
    let (picture, truth) = scene(1600, 1200, &[200, 260], 1);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92).encode_image(&picture).unwrap();
    let (content_type, body) = multipart(&[("csrf", &csrf)], &[("courtyard.jpg", &jpeg)]);
    let request = Request::post(format!("/admin/objects/{id}/media"))
        .header("content-type", content_type)
        .header("cookie", &cookie)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::SEE_OTHER);
    let (media, hash, key): (i64, String, String) =
        sqlx::query_as("SELECT id, hash, derivatives FROM media WHERE object_id = ?")
            .bind(id)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    let suggested: Vec<(i64, bool)> = sqlx::query_as("SELECT id, suggested FROM redactions WHERE media_id = ?")
        .bind(media)
        .fetch_all(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(suggested.len(), truth.len(), "one suggestion per face");
    assert!(suggested.iter().all(|(_, s)| *s));
    assert_ne!(key, hash, "the first derivatives are already redacted");
    drain_jobs(&app).await;
    assert!(!app.state.media.store.has_derivatives(&hash), "an unredacted derivative was made");
    let audited: String = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'media-added'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert!(audited.contains("\"faces_suggested\":2"), "{audited}");
    let editor = app.get_with(&format!("/admin/objects/{id}"), &[("cookie", &cookie)]).await;
    assert_eq!(editor.attrs("#photos_checked", "name").len(), 1, "unreviewed faces: the publish form asks");
    let refused = app.post_form(&format!("/admin/objects/{id}/publish"), &cookie, &[("csrf", &csrf)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let published = app
        .post_form(&format!("/admin/objects/{id}/publish"), &cookie, &[("csrf", &csrf), ("photos_checked", "yes")])
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redactions WHERE suggested = 1")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(left, 0, "confirming the check reviews the suggestions");
}

#[tokio::test]
async fn a_donors_photo_with_faces_comes_with_suggestions_when_the_offer_is_accepted() {
    let (app, _identity) = TestApp::with_keyholder().await;
    let (picture, truth) = scene(1600, 1200, &[200, 260], 1);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92).encode_image(&picture).unwrap();
    let request =
        crate::intake::offer_request(&app, [10, 0, 0, 1], &[("title", "Courtyard")], &[("yard.jpg", &jpeg)], &[]).await;
    assert_eq!(app.send(request).await.status, StatusCode::OK);
    let offer: String = sqlx::query_scalar("SELECT id FROM offers").fetch_one(&app.state.db.main).await.unwrap();
    let reviewer = app.staff_cookie("curator", Role::Curator).await;
    let csrf = app.token(&format!("/admin/offers/{offer}"), Some(&reviewer)).await;
    let accepted = app.post_form(&format!("/admin/offers/{offer}/accept"), &reviewer, &[("csrf", &csrf)]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let (media, hash, key): (i64, String, String) =
        sqlx::query_as("SELECT id, hash, derivatives FROM media").fetch_one(&app.state.db.main).await.unwrap();
    let suggested: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redactions WHERE media_id = ? AND suggested = 1")
        .bind(media)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(suggested, truth.len() as i64);
    assert_ne!(key, hash);
    drain_jobs(&app).await;
    assert!(!app.state.media.store.has_derivatives(&hash), "an unredacted derivative was made");
}
