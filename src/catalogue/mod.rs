//! The public catalogue: home, object list with search and facets, object pages, makers and
//! events, and the public images. Every page reads the in-memory public snapshot, so nothing
//! unpublished or private can reach it.

pub mod discovery;
pub mod iiif;
pub mod linked_art;
pub mod listing;
pub mod oai;
pub mod snapshot;
pub mod views;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::web::files::{Audience, serve_file};
use crate::web::staff::Staff;
use crate::web::{Ctx, LangChoice, http, render_page};

use listing::Filters;
use views::{AuthorityEntry, View};

/// Routes of the public catalogue.
pub fn router(state: AppState) -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(home))
        .route("/objects", get(objects))
        .route("/objects/{accession}", get(object))
        .route("/makers", get(makers))
        .route("/makers/{id}", get(maker))
        .route("/events", get(events))
        .route("/events/{id}", get(event))
        .layer(middleware::from_fn_with_state(state, render_cache));
    pages
        .route("/robots.txt", get(discovery::robots))
        .route("/oai", get(oai::oai_get).post(oai::oai_post))
        .route("/sitemap.xml", get(discovery::sitemap_xml))
        .route("/sitemap/{file}", get(discovery::sitemap_part))
        .route("/feed.atom", get(discovery::feed_atom))
        .route("/favicon.ico", get(discovery::favicon))
        .route("/static/favicon.ico", get(discovery::favicon))
        .route("/iiif/{accession}/manifest.json", get(iiif::manifest_json))
        .route("/iiif/image/{hash}", get(iiif::service_base))
        .route("/iiif/image/{hash}/info.json", get(iiif::info_json))
        .route("/iiif/image/{hash}/full/{size}/0/default.jpg", get(iiif::image))
        .route("/media/{hash}/{file}", get(media_file))
        .route("/admin/objects/{id}/preview", get(preview))
}

/// `GET /admin/objects/{id}/preview` (staff): the public page of an object exactly as it would
/// be if it were published now, from the same projection and template as the catalogue.
async fn preview(State(state): State<AppState>, ctx: Ctx, _staff: Staff, Path(id): Path<i64>) -> AppResult<Response> {
    let collection = crate::collection::public::PublicCollection::preview(&state.db.main, id).await?;
    let snapshot = snapshot::Snapshot::build_unsearched(collection);
    let object = snapshot.collection.object_by_id(id).ok_or(AppError::NotFound)?;
    let page = view(&state, &snapshot, &ctx).object_page(object).into_preview();
    let html = render_page(&state, &ctx.base(&state), "catalogue/object.html", page)?;
    Ok(crate::web::no_store(html.into_response()))
}

/// The page models' view of a snapshot, in the request's language.
fn view<'a>(state: &'a AppState, snapshot: &'a snapshot::Snapshot, ctx: &Ctx) -> View<'a> {
    View {
        snapshot,
        translations: &state.translations,
        choice: ctx.choice,
        museum_name: state.config.museum_name.get(ctx.choice.lang),
        rights: state.config.rights,
    }
}

#[derive(Serialize)]
struct TypeTile {
    label: String,
    count: usize,
    href: String,
}

#[derive(Serialize)]
struct HomePage {
    total: usize,
    makers: usize,
    events: usize,
    recent: Vec<crate::web::SafeHtml>,
    types: Vec<TypeTile>,
}

/// How many recent acquisitions the home page shows.
const RECENT: usize = 12;

async fn home(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let snapshot = state.public.current();
    let view = view(&state, &snapshot, &ctx);
    let objects = &snapshot.collection.objects;
    let mut types: Vec<TypeTile> = snapshot
        .all_facets
        .types
        .iter()
        .filter_map(|(id, count)| {
            let t = snapshot.collection.types.get(id)?;
            Some(TypeTile {
                label: view.type_label(*id),
                count: *count,
                href: view.href("/objects", &[("type".to_owned(), t.code.clone())]),
            })
        })
        .collect();
    types.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| crate::i18n::collate(view.lang(), &a.label, &b.label)));
    let page = HomePage {
        total: objects.len(),
        makers: snapshot.collection.makers.len(),
        events: snapshot.collection.events.len(),
        recent: objects.iter().take(RECENT).map(|o| view.card(o)).collect(),
        types,
    };
    render_page(&state, &ctx.base(&state), "catalogue/home.html", page)
}

async fn objects(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let filters = Filters::parse(&ctx.query_pairs()?)?;
    let snapshot = state.public.current();
    // A type, maker or event the public collection does not hold is refused, as a value that
    // cannot be read is: the list's addresses are as many as its facets' values, not endless
    // (and a maker of drafts only reads like one that never was).
    let collection = &snapshot.collection;
    if filters.object_type.as_deref().is_some_and(|code| collection.type_by_code(code).is_none())
        || filters.maker.is_some_and(|id| !collection.makers.contains_key(&id))
        || filters.event.is_some_and(|id| !collection.events.contains_key(&id))
    {
        return Err(AppError::BadRequest("error-bad-filter"));
    }
    let listing = if filters.q.is_empty() {
        listing::list(&snapshot, None, &filters)
    } else {
        // In memory, from the snapshot's own words: a search reads nothing else.
        let terms = crate::collection::search::query_terms(&filters.q);
        listing::kept(&snapshot, &terms, &filters)
            .unwrap_or_else(|| listing::list(&snapshot, Some(snapshot.search(&terms)), &filters))
    };
    let page = view(&state, &snapshot, &ctx).list_page(&filters, &listing);
    // The page shown (a number past the end shows the last one), with the filters as read.
    let mut base = ctx.base(&state);
    let mut pairs = filters.pairs();
    pairs.push(("page".to_owned(), listing.page.to_string()));
    base.set_address(&state.config.public_url, ctx.uri.path(), pairs);
    render_page(&state, &base, "catalogue/list.html", page)
}

async fn object(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(accession): Path<String>,
) -> AppResult<Response> {
    let snapshot = state.public.current();
    if let Some(accession) = accession.strip_suffix(".jsonld") {
        let object = snapshot.collection.object(accession).ok_or(AppError::NotFound)?;
        return Ok(linked_data(linked_art::object(&iiif::Publisher::of(&state, &snapshot), object)));
    }
    if wants_linked_data(&headers) {
        snapshot.collection.object(&accession).ok_or(AppError::NotFound)?;
        return Ok(see_linked_data(ctx.uri.path()));
    }
    // Unpublished and missing objects are both simply absent from the snapshot.
    let object = snapshot.collection.object(&accession).ok_or(AppError::NotFound)?;
    let page = view(&state, &snapshot, &ctx).object_page(object);
    Ok(render_page(&state, &ctx.base(&state), "catalogue/object.html", page)?.into_response())
}

/// Whether a client asks for Linked Art rather than a page (content negotiation): JSON-LD (or
/// JSON) is preferred to HTML by the `Accept` header's weights. Without either named, a
/// page, as for a browser that sends `*/*`.
fn wants_linked_data(headers: &HeaderMap) -> bool {
    let accept = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok());
    let (mut html, mut json) = (None::<f32>, None::<f32>);
    for range in accept.flat_map(|v| v.split(',')) {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        let best = |seen: &mut Option<f32>| *seen = Some(seen.map_or(q, |s| s.max(q)));
        match media.as_str() {
            "text/html" | "application/xhtml+xml" => best(&mut html),
            "application/ld+json" | "application/json" => best(&mut json),
            _ => {}
        }
    }
    json.is_some_and(|json| json > 0.0 && json > html.unwrap_or(0.0))
}

/// `303 See Other` from an object, maker or event page to its Linked Art.
fn see_linked_data(path: &str) -> Response {
    let mut response = axum::response::Redirect::to(&format!("{path}.jsonld")).into_response();
    http::add_vary(response.headers_mut(), "Accept");
    response.headers_mut().insert(header::CACHE_CONTROL, http::PUBLIC_PAGE);
    response
}

/// A Linked Art answer: public, compressed and validated on the way out.
fn linked_data(document: serde_json::Value) -> Response {
    let mut response = document.to_string().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(linked_art::MEDIA_TYPE));
    headers.insert(header::CACHE_CONTROL, http::PUBLIC_PAGE);
    response
}

#[derive(Serialize)]
struct IndexPage {
    heading: &'static str,
    entries: Vec<AuthorityEntry>,
}

async fn makers(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let snapshot = state.public.current();
    let entries = view(&state, &snapshot, &ctx).makers_index();
    render_page(&state, &ctx.base(&state), "catalogue/index.html", IndexPage { heading: "nav-makers", entries })
}

async fn events(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let snapshot = state.public.current();
    let entries = view(&state, &snapshot, &ctx).events_index();
    render_page(&state, &ctx.base(&state), "catalogue/index.html", IndexPage { heading: "nav-events", entries })
}

fn parse_id(text: &str) -> AppResult<i64> {
    text.parse().map_err(|_| AppError::NotFound)
}

async fn maker(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    authority(&state, &ctx, &headers, &id, linked_art::maker, |view, id| view.maker_page(id))
}

async fn event(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    authority(&state, &ctx, &headers, &id, linked_art::event, |view, id| view.event_page(id))
}

/// A maker's or an event's page; its Linked Art at `{id}.jsonld`, and a 303 there for a
/// client that asks for Linked Art at the page's address.
fn authority(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: &str,
    linked: fn(&iiif::Publisher, i64) -> Option<serde_json::Value>,
    page: fn(&View, i64) -> Option<views::AuthorityPage>,
) -> AppResult<Response> {
    let snapshot = state.public.current();
    let publisher = iiif::Publisher::of(state, &snapshot);
    if let Some(id) = id.strip_suffix(".jsonld") {
        return Ok(linked_data(linked(&publisher, parse_id(id)?).ok_or(AppError::NotFound)?));
    }
    if wants_linked_data(headers) {
        linked(&publisher, parse_id(id)?).ok_or(AppError::NotFound)?;
        return Ok(see_linked_data(ctx.uri.path()));
    }
    let page = page(&view(state, &snapshot, ctx), parse_id(id)?).ok_or(AppError::NotFound)?;
    Ok(render_page(state, &ctx.base(state), "catalogue/authority.html", page)?.into_response())
}

/// `GET /media/{hash}/{size}.jpg`: a derivative of a public image of a published object.
/// Masters and anything not public give the same 404 as a file that does not exist.
async fn media_file(
    State(state): State<AppState>,
    Path((hash, file)): Path<(String, String)>,
    request: Request,
) -> AppResult<Response> {
    let (size, webp) = match (file.strip_suffix(".jpg"), file.strip_suffix(".webp")) {
        (Some(size), _) => (size, false),
        (_, Some(size)) => (size, true),
        _ => return Err(AppError::NotFound),
    };
    let size: u32 = size.parse().map_err(|_| AppError::NotFound)?;
    if !state.public.current().collection.media_hashes.contains_key(&hash) {
        return Err(AppError::NotFound);
    }
    if webp {
        let path = state.media.store.webp_path(&hash, size).ok_or(AppError::NotFound)?;
        return serve_file(path, "image/webp", Audience::Public, request).await;
    }
    serve_derivative(&state, &hash, size, request).await
}

/// Serves a derivative file with Range and HEAD support, a fixed type and long caching.
async fn serve_derivative(state: &AppState, hash: &str, size: u32, request: Request) -> AppResult<Response> {
    let path = state.media.store.derivative_path(hash, size).ok_or(AppError::NotFound)?;
    serve_file(path, "image/jpeg", Audience::Public, request).await
}

/// Largest page body kept in the render cache.
const MAX_CACHED_PAGE: usize = 1 << 20;

/// Middleware: answers public GET pages from the render cache, and fills it; every page is
/// public (a shared cache may keep it, see [`http::PUBLIC_PAGE`]).
async fn render_cache(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Object, maker and event pages answer with Linked Art to a client that asks for it.
    let negotiates = ["/objects/", "/makers/", "/events/"].iter().any(|p| request.uri().path().starts_with(p))
        && !request.uri().path().ends_with(".jsonld");
    let mut response = if wants_linked_data(request.headers()) {
        next.run(request).await
    } else {
        cached_or_rendered(&state, request, next).await
    };
    if response.status() == StatusCode::OK {
        response.headers_mut().entry(header::CACHE_CONTROL).or_insert(http::PUBLIC_PAGE);
    }
    if negotiates {
        http::add_vary(response.headers_mut(), "Accept");
    }
    response
}

async fn cached_or_rendered(state: &AppState, request: Request, next: Next) -> Response {
    if request.method() != Method::GET || !state.config.render_cache {
        return next.run(request).await;
    }
    let choice = request.extensions().get::<LangChoice>().copied();
    let Some(choice) = choice else { return next.run(request).await };
    let url = request.uri().to_string();
    // Searches are not kept: what visitors searched for stays out of memory, and random
    // search strings cannot churn the cache.
    let is_search = request.uri().query().is_some_and(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .map(|pairs| pairs.iter().any(|(k, v)| k == "q" && !v.trim().is_empty()))
            .unwrap_or(true)
    });
    if is_search {
        return next.run(request).await;
    }
    let encoding = http::Encoding::negotiate(request.headers());
    if let Some(page) = state.public.cached(choice, &url) {
        return marked(page.respond(encoding, HTML, http::PUBLIC_PAGE), page);
    }
    // Taken before rendering: if the collection changes meanwhile, this page is stored under
    // the old generation and never served.
    let generation = state.public.generation();
    let response = next.run(request).await;
    let html = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if response.status() != StatusCode::OK || !html {
        return response;
    }
    match axum::body::to_bytes(response.into_body(), MAX_CACHED_PAGE).await {
        Ok(bytes) => {
            let page = Arc::new(http::Representations::new(bytes));
            state.public.store(choice, url, generation, Arc::clone(&page));
            marked(page.respond(encoding, HTML, http::PUBLIC_PAGE), page)
        }
        Err(err) => AppError::Internal(anyhow::anyhow!("reading a rendered page: {err}")).into_response(),
    }
}

const HTML: &str = "text/html; charset=utf-8";

/// A response made from a cached page carries the page, so that [`remember`] can keep the
/// headers the layers add to it.
fn marked(mut response: Response, page: Arc<http::Representations>) -> Response {
    response.extensions_mut().insert(page);
    response
}

/// A repeat of a request for a cached page, answered from the render cache before routing
/// and every layer, with exactly the headers the whole stack gave the same page the first
/// time (they depend only on the language choice and the URL, which key the cache): `304` to
/// a matching `If-None-Match` and no body to `HEAD`, as [`http::finish`] answers. `None` for
/// anything else, and for the first answer of each page (see [`remember`]).
pub fn cached_answer(state: &AppState, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    if !(method == Method::GET || method == Method::HEAD)
        || !state.config.render_cache
        || iiif::is_open_data(uri.path())
        || wants_linked_data(headers)
    {
        return None;
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let choice = LangChoice::negotiate(uri, accept);
    state.public.cached(choice, &uri.to_string())?.replay(method, headers)
}

/// Keeps the headers of a full answer to `GET` made from a cached page, for
/// [`cached_answer`]; takes the page's mark off the response.
pub fn remember(method: &Method, response: &mut Response) {
    if let Some(page) = response.extensions_mut().remove::<Arc<http::Representations>>()
        && method == Method::GET
        && response.status() == StatusCode::OK
    {
        page.remember_sent(response.headers());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn linked_data_is_chosen_by_the_accept_headers_weights() {
        for linked in [
            "application/ld+json",
            "application/json",
            "APPLICATION/LD+JSON",
            "text/html;q=0, application/ld+json",
            "application/ld+json;q=1, text/html;q=0.1",
            "application/ld+json; profile=\"https://linked.art/ns/v1/linked-art.json\"",
            "text/html;q=0.5, application/json;q=0.9",
        ] {
            assert!(wants_linked_data(&accepting(linked)), "{linked}");
        }
        for page in [
            "",
            "*/*",
            "text/html",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/ld+json, text/html",
            "application/ld+json;q=0, */*",
            "text/html;q=0.9, application/ld+json;q=0.5",
            "application/ld+json;q=abc, text/html",
        ] {
            assert!(!wants_linked_data(&accepting(page)), "{page}");
        }
        assert!(!wants_linked_data(&HeaderMap::new()));
    }
}
