//! Open data for image viewers: IIIF Presentation 3 manifests for published objects and
//! Image API 3 (level 0) services over the pre-generated derivatives, so Mirador or
//! Universal Viewer can show any object. Only public images of published objects appear.

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::collection::Text3;
use crate::collection::public::PublicObject;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::media::{DERIVATIVE_SIZES, fit};

/// A IIIF language map: the languages that have a value, or `none` when none has.
fn language_map(text: &Text3) -> Value {
    let mut map = serde_json::Map::new();
    for lang in Lang::ALL {
        let value = text.in_lang(lang).trim();
        if !value.is_empty() {
            map.insert(lang.code().to_owned(), json!([value]));
        }
    }
    if map.is_empty() {
        map.insert("none".to_owned(), json!([""]));
    }
    Value::Object(map)
}

/// The sizes a level-0 image service offers: the distinct derivative sizes, smallest first.
fn sizes((width, height): (i64, i64)) -> Vec<(u32, u32)> {
    let (w, h) = (width.clamp(1, i64::from(u32::MAX)) as u32, height.clamp(1, i64::from(u32::MAX)) as u32);
    let mut sizes: Vec<(u32, u32)> = DERIVATIVE_SIZES.iter().map(|s| fit(w, h, *s)).collect();
    sizes.dedup();
    sizes
}

fn image_service(base: &str, hash: &str) -> String {
    format!("{base}/iiif/image/{hash}")
}

/// The Presentation 3 manifest of a published object, whose page is at `homepage`.
pub fn manifest(base: &str, museum: &str, object: &PublicObject, homepage: &str) -> Value {
    let id = format!("{base}/iiif/{}/manifest.json", object.accession);
    let canvases: Vec<Value> = object
        .media
        .iter()
        .enumerate()
        .map(|(n, media)| {
            let canvas = format!("{base}/iiif/{}/canvas/{}", object.accession, n + 1);
            let (width, height) = sizes((media.width, media.height)).last().copied().unwrap_or((1, 1));
            let label = if media.caption.is_empty() { &media.alt } else { &media.caption };
            json!({
                "id": canvas,
                "type": "Canvas",
                "label": language_map(label),
                "width": width,
                "height": height,
                "items": [{
                    "id": format!("{canvas}/page"),
                    "type": "AnnotationPage",
                    "items": [{
                        "id": format!("{canvas}/page/image"),
                        "type": "Annotation",
                        "motivation": "painting",
                        "target": canvas,
                        "body": {
                            "id": format!("{}/full/max/0/default.jpg", image_service(base, &media.hash)),
                            "type": "Image",
                            "format": "image/jpeg",
                            "width": width,
                            "height": height,
                            "service": [{
                                "id": image_service(base, &media.hash),
                                "type": "ImageService3",
                                "profile": "level0"
                            }]
                        }
                    }]
                }]
            })
        })
        .collect();
    let mut manifest = json!({
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": id,
        "type": "Manifest",
        "label": language_map(&object.title),
        "metadata": [
            { "label": { "en": ["Accession number"], "be": ["Інвентарны нумар"], "ru": ["Инвентарный номер"] },
              "value": { "none": [object.accession] } }
        ],
        "requiredStatement": {
            "label": { "en": ["Holding institution"], "be": ["Захавальнік"], "ru": ["Хранитель"] },
            "value": { "none": [museum] }
        },
        "homepage": [{
            "id": homepage,
            "type": "Text",
            "label": language_map(&object.title),
            "format": "text/html"
        }],
        "items": canvases
    });
    if !object.description.is_empty() {
        manifest["summary"] = language_map(&object.description);
    }
    manifest
}

/// `GET /iiif/{accession}/manifest.json`
pub async fn manifest_json(State(state): State<AppState>, Path(accession): Path<String>) -> AppResult<Response> {
    let snapshot = state.public.current();
    let object = snapshot.collection.object(&accession).ok_or(AppError::NotFound)?;
    let base = &state.config.public_url;
    let homepage = format!("{base}/objects/{}", object.accession);
    let body = manifest(base, &state.config.museum_name, object, &homepage);
    Ok(json_ld(body))
}

fn json_ld(body: Value) -> Response {
    let mut response = body.to_string().into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(
            "application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\"",
        ),
    );
    // Viewers on other sites fetch manifests and image information from the browser.
    crate::web::files::open_to_other_sites(response.headers_mut());
    response
}

/// The pixel size of a public image; anything else is not found.
fn public_size(state: &AppState, hash: &str) -> AppResult<(i64, i64)> {
    state.public.current().collection.media_hashes.get(hash).copied().ok_or(AppError::NotFound)
}

/// `GET /iiif/image/{hash}/info.json`: a level-0 image service with the derivative sizes.
pub async fn info_json(State(state): State<AppState>, Path(hash): Path<String>) -> AppResult<Response> {
    Ok(json_ld(info(&state.config.public_url, &hash, public_size(&state, &hash)?)))
}

/// The `info.json` of a level-0 image service at `base`.
pub fn info(base: &str, hash: &str, size: (i64, i64)) -> Value {
    let sizes = sizes(size);
    let (width, height) = sizes.last().copied().unwrap_or((1, 1));
    json!({
        "@context": "http://iiif.io/api/image/3/context.json",
        "id": image_service(base, hash),
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": sizes.iter().map(|(w, h)| json!({ "width": w, "height": h })).collect::<Vec<_>>()
    })
}

/// The size names a static level-0 service answers (`max` and each listed `w,h`), with the
/// derivative each is.
pub fn size_names((width, height): (i64, i64)) -> Vec<(String, u32)> {
    let (w, h) = (width.clamp(1, i64::from(u32::MAX)) as u32, height.clamp(1, i64::from(u32::MAX)) as u32);
    let mut names: Vec<(String, u32)> = Vec::new();
    for size in DERIVATIVE_SIZES {
        let (dw, dh) = fit(w, h, size);
        let name = format!("{dw},{dh}");
        if !names.iter().any(|(n, _)| *n == name) {
            names.push((name, size));
        }
    }
    if let Some((_, largest)) = names.last() {
        names.push(("max".to_owned(), *largest));
    }
    names
}

/// `GET /iiif/image/{hash}/full/{size}/0/default.jpg`: one of the listed sizes (`max`, `w,`,
/// `w,h` or `!w,h`), served from the derivative of that size.
pub async fn image(
    State(state): State<AppState>,
    Path((hash, size)): Path<(String, String)>,
    request: Request,
) -> AppResult<Response> {
    let (width, height) = public_size(&state, &hash)?;
    let (w, h) = (width.clamp(1, i64::from(u32::MAX)) as u32, height.clamp(1, i64::from(u32::MAX)) as u32);
    let wanted = size.trim_start_matches('!');
    let derivative = DERIVATIVE_SIZES.iter().rev().copied().find(|s| {
        let (dw, dh) = fit(w, h, *s);
        match wanted.split_once(',') {
            _ if wanted == "max" => true,
            Some((width, "")) => width.parse() == Ok(dw),
            Some((width, height)) => width.parse() == Ok(dw) && height.parse() == Ok(dh),
            None => false,
        }
    });
    let derivative = derivative.ok_or(AppError::NotFound)?;
    super::serve_derivative(&state, &hash, derivative, request).await
}
