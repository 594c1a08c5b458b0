//! Open data for image viewers: IIIF Presentation 3 manifests for published objects and
//! Image API 3 (level 0) services over the pre-generated derivatives, so Mirador or
//! Universal Viewer can show any object. Only public images of published objects appear.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::collection::Text3;
use crate::collection::public::{PublicMedia, PublicObject};
use crate::collection::rights::Rights;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Translations};
use crate::media::{DERIVATIVE_SIZES, fit};
use crate::web::LangChoice;

use super::snapshot::Snapshot;
use super::views::View;

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

/// What every open-data format says of the collection: where it lives, whose it is, under
/// which rights, and its public snapshot with the words of the three languages.
pub struct Publisher<'a> {
    /// The public address, without a trailing slash.
    pub base: &'a str,
    pub museum: &'a crate::collection::Text3,
    pub rights: Rights,
    pub snapshot: &'a Snapshot,
    pub translations: &'a Translations,
    /// Whether each object's Linked Art is at `{base}/objects/{accession}.jsonld` (the live
    /// site; the static mirror has no such files).
    pub linked_art: bool,
}

impl<'a> Publisher<'a> {
    /// The live site's publisher for `snapshot`.
    pub fn of(state: &'a AppState, snapshot: &'a Snapshot) -> Self {
        Self {
            base: state.config.public_url.trim_end_matches('/'),
            museum: &state.config.museum_name,
            rights: state.config.rights,
            snapshot,
            translations: &state.translations,
            linked_art: true,
        }
    }

    /// An object's rights statement: its own, or the collection's.
    pub fn rights_of(&self, object: &PublicObject) -> Rights {
        object.rights.unwrap_or(self.rights)
    }

    /// An image's rights statement: its own, its object's, or the collection's.
    pub fn image_rights(&self, media: &PublicMedia) -> Rights {
        media.rights.unwrap_or(self.rights)
    }

    /// The pages' words in `lang`.
    pub fn view(&self, lang: Lang) -> View<'a> {
        View {
            snapshot: self.snapshot,
            translations: self.translations,
            choice: LangChoice { lang, explicit: true },
            museum_name: self.museum.get(lang),
            rights: self.rights,
        }
    }

    /// A language map made by `text` in each language, leaving out empty values.
    pub fn in_each_language(&self, text: impl Fn(&View<'a>) -> String) -> Value {
        let mut map = serde_json::Map::new();
        for lang in Lang::ALL {
            let value = text(&self.view(lang));
            if !value.trim().is_empty() {
                map.insert(lang.code().to_owned(), json!([value]));
            }
        }
        Value::Object(map)
    }

    /// One `metadata` entry, when it has a value in some language.
    fn metadata(&self, label: &str, value: impl Fn(&View<'a>) -> String) -> Option<Value> {
        self.labelled(label, self.in_each_language(value))
    }

    /// One `metadata` entry whose value is the same in every language (a number, a size).
    fn metadata_none(&self, label: &str, value: &str) -> Option<Value> {
        self.labelled(label, if value.trim().is_empty() { json!({}) } else { json!({ "none": [value] }) })
    }

    fn labelled(&self, label: &str, value: Value) -> Option<Value> {
        let has_value = value.as_object().is_some_and(|m| !m.is_empty());
        has_value.then(|| json!({ "label": self.in_each_language(|v| v.t(label)), "value": value }))
    }

    /// The museum's name as a language map: one value for all (`none`) when it is the same
    /// in every language.
    pub fn museum_label(&self) -> Value {
        let name = self.museum;
        if Lang::ALL.iter().all(|lang| name.get(*lang) == name.get(Lang::En)) {
            json!({ "none": [name.get(Lang::En)] })
        } else {
            self.in_each_language(|view| view.museum_name.to_owned())
        }
    }

    /// The museum's name for formats that carry one name: in English, the aggregators' language.
    pub fn museum_name(&self) -> &'a str {
        self.museum.get(Lang::En)
    }

    fn provider(&self) -> Value {
        json!([{
            "id": format!("{}/", self.base),
            "type": "Agent",
            "label": self.museum_label(),
            "homepage": [{
                "id": format!("{}/", self.base),
                "type": "Text",
                "label": self.museum_label(),
                "format": "text/html"
            }]
        }])
    }
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

/// The smallest size of an image, as a IIIF thumbnail with its service.
fn thumbnail(base: &str, media: &PublicMedia) -> Value {
    let service = image_service(base, &media.hash);
    let (width, height) = sizes((media.width, media.height)).first().copied().unwrap_or((1, 1));
    json!([{
        "id": format!("{service}/full/{width},{height}/0/default.jpg"),
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": [{ "id": service, "type": "ImageService3", "profile": "level0" }]
    }])
}

/// The Presentation 3 manifest of a published object with public images, whose page is at
/// `homepage`; `None` for an object without images (a manifest needs at least one canvas).
pub fn manifest(publisher: &Publisher, object: &PublicObject, homepage: &str) -> Option<Value> {
    if object.media.is_empty() {
        return None;
    }
    let base = publisher.base;
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
                "rights": publisher.image_rights(media).uri,
                "thumbnail": thumbnail(base, media),
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
    let metadata: Vec<Value> = [
        publisher.metadata_none("object-accession", &object.accession),
        publisher.metadata("object-type", |v| v.type_label(object.type_id)),
        publisher.metadata("field-date", |v| v.date(&object.date)),
        publisher.metadata("object-makers", |v| {
            object.makers.iter().map(|m| v.maker_name(*m)).collect::<Vec<_>>().join(", ")
        }),
        publisher.metadata("field-materials", |v| object.materials.get(v.lang()).to_owned()),
        publisher.metadata_none("field-dimensions", &object.dimensions),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut manifest = json!({
        "@context": PRESENTATION_CONTEXT,
        "id": id,
        "type": "Manifest",
        "label": language_map(&object.title),
        "metadata": metadata,
        "requiredStatement": {
            "label": publisher.in_each_language(|v| v.t("iiif-holder")),
            "value": publisher.museum_label()
        },
        "rights": publisher.rights_of(object).uri,
        "provider": publisher.provider(),
        "homepage": [{
            "id": homepage,
            "type": "Text",
            "label": language_map(&object.title),
            "format": "text/html"
        }],
        "thumbnail": thumbnail(base, &object.media[0]),
        "items": canvases
    });
    if publisher.linked_art {
        manifest["seeAlso"] = json!([{
            "id": format!("{base}/objects/{}.jsonld", object.accession),
            "type": "Dataset",
            "format": "application/ld+json",
            "profile": "https://linked.art/ns/v1/linked-art.json"
        }]);
    }
    if !object.description.is_empty() {
        manifest["summary"] = language_map(&object.description);
    }
    Some(manifest)
}

const PRESENTATION_CONTEXT: &str = "http://iiif.io/api/presentation/3/context.json";
const IMAGE_CONTEXT: &str = "http://iiif.io/api/image/3/context.json";

/// `GET /iiif/{accession}/manifest.json`: only for a published object with public images.
pub async fn manifest_json(State(state): State<AppState>, Path(accession): Path<String>) -> AppResult<Response> {
    let snapshot = state.public.current();
    let object = snapshot.collection.object(&accession).ok_or(AppError::NotFound)?;
    let publisher = Publisher::of(&state, &snapshot);
    let homepage = format!("{}/objects/{}", publisher.base, object.accession);
    let body = manifest(&publisher, object, &homepage).ok_or(AppError::NotFound)?;
    Ok(json_ld(body, PRESENTATION_CONTEXT))
}

/// A JSON-LD response with the IIIF API's `profile`, open to viewers on other sites.
fn json_ld(body: Value, context: &'static str) -> Response {
    let mut response = body.to_string().into_response();
    let kind = if context == IMAGE_CONTEXT {
        "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\""
    } else {
        "application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\""
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, crate::web::http::PUBLIC_PAGE);
    response
}

/// The pixel size of a public image; anything else is not found.
fn public_size(state: &AppState, hash: &str) -> AppResult<(i64, i64)> {
    state.public.current().collection.media_hashes.get(hash).copied().ok_or(AppError::NotFound)
}

/// `GET /iiif/image/{hash}/info.json`: a level-0 image service with the derivative sizes.
pub async fn info_json(State(state): State<AppState>, Path(hash): Path<String>) -> AppResult<Response> {
    let base = state.config.public_url.trim_end_matches('/');
    Ok(json_ld(info(base, &hash, public_size(&state, &hash)?), IMAGE_CONTEXT))
}

/// The `info.json` of a level-0 image service at `base`.
pub fn info(base: &str, hash: &str, size: (i64, i64)) -> Value {
    let sizes = sizes(size);
    let (width, height) = sizes.last().copied().unwrap_or((1, 1));
    json!({
        "@context": IMAGE_CONTEXT,
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

/// `GET /iiif/image/{hash}`: the service's base URI sends a viewer on to its `info.json`.
pub async fn service_base(State(state): State<AppState>, Path(hash): Path<String>) -> AppResult<Response> {
    public_size(&state, &hash)?;
    Ok(axum::response::Redirect::to(&format!("/iiif/image/{hash}/info.json")).into_response())
}

/// On open data, viewers and harvesters on any site may read it from a browser (see
/// [`crate::web::http::finish`], which calls these for every answer, a 404 included, so a viewer
/// reports "not found" rather than a CORS error).
///
/// The answer to a preflight (`OPTIONS`) on open data.
pub fn preflight(request: &Request) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let asked = request.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    let mut response = axum::http::StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, HEAD, OPTIONS"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        asked.unwrap_or(HeaderValue::from_static("Accept, Accept-Language, If-None-Match")),
    );
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    open_to(headers, origin, is_image(request.uri().path()));
    response
}

fn is_image(path: &str) -> bool {
    path.ends_with(".jpg")
}

/// Who may read an open-data answer to a request from `origin` for `path`: JSON answers echo
/// the `Origin` and allow credentials (a viewer that sends cookies still reads them: they
/// never depend on a cookie) and vary by `Origin`; images are open to all with `*` and vary
/// by nothing.
pub fn open_answer(headers: &mut axum::http::HeaderMap, origin: Option<HeaderValue>, path: &str) {
    open_to(headers, origin, is_image(path));
}

/// Paths of open data, which other sites' scripts may read: IIIF, OAI-PMH and the Linked Art
/// of objects, makers and events (never a staff path, whatever its name ends with).
pub fn is_open_data(path: &str) -> bool {
    let linked_art =
        ["/objects/", "/makers/", "/events/"].iter().any(|p| path.starts_with(p)) && path.ends_with(".jsonld");
    path.starts_with("/iiif/") || linked_art || path == "/oai"
}

fn open_to(headers: &mut axum::http::HeaderMap, origin: Option<HeaderValue>, image: bool) {
    crate::web::files::open_to_other_sites(headers);
    if image {
        return;
    }
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    }
    crate::web::http::add_vary(headers, "Origin");
}
