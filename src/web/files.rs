//! Serving stored files (images) with Range and HEAD support, a fixed type, and caching and
//! embedding decided by who may see them.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use tower::ServiceExt;

use crate::error::{AppError, AppResult};

/// Who a stored file is served to, which decides how it may be cached and embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Public derivatives: cached for a minute and then revalidated, embeddable by viewers on
    /// other sites.
    Public,
    /// Staff only (offers' photos, unpublished images): never cached, never embedded elsewhere.
    Staff,
}

/// Serves one stored file of a fixed type; a missing file is the usual "not found".
pub async fn serve_file(
    path: std::path::PathBuf,
    content_type: &'static str,
    audience: Audience,
    request: Request,
) -> AppResult<Response> {
    // The path names the content (its hash, then the size): its bytes never change while it
    // is there, so it is its own validator.
    let etag = etag_of(&path);
    if audience == Audience::Public && etag.as_ref().is_some_and(|etag| matches_any(&request, etag)) {
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Err(AppError::NotFound);
        }
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        public_headers(response.headers_mut(), etag);
        return Ok(response);
    }
    let response = match tower_http::services::ServeFile::new(&path).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return Err(AppError::NotFound);
    }
    let mut response = response.map(Body::new);
    let status = response.status();
    let headers = response.headers_mut();
    headers.remove(header::LAST_MODIFIED);
    if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
        // A range that cannot be satisfied, an I/O error: nothing to cache or to label an image.
        return Ok(response);
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if audience == Audience::Staff {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        return Ok(response);
    }
    public_headers(headers, etag);
    Ok(response)
}

/// A public image's lifetime is a page's: its URL names its content, but the image may stop
/// being public (its object withdrawn, a face found and redacted), and then no cache may go
/// on showing it for more than the minute a withdrawn page stays in one.
fn public_headers(headers: &mut axum::http::HeaderMap, etag: Option<HeaderValue>) {
    headers.insert(header::CACHE_CONTROL, crate::web::http::PUBLIC_PAGE);
    if let Some(etag) = etag {
        headers.insert(header::ETAG, etag);
    }
    open_to_other_sites(headers);
}

/// `"{hash}/{file}"` of a stored file's path.
fn etag_of(path: &std::path::Path) -> Option<HeaderValue> {
    let file = path.file_name()?.to_str()?;
    let hash = path.parent()?.file_name()?.to_str()?;
    HeaderValue::from_str(&format!("\"{hash}/{file}\"")).ok()
}

/// Whether the request's `If-None-Match` names `etag` (or is `*`).
fn matches_any(request: &Request, etag: &HeaderValue) -> bool {
    let wanted = etag.as_bytes();
    request.headers().get_all(header::IF_NONE_MATCH).iter().any(|value| {
        value
            .as_bytes()
            .split(|b| *b == b',')
            .map(|tag| tag.trim_ascii())
            .any(|tag| tag == b"*" || tag.strip_prefix(b"W/").unwrap_or(tag) == wanted)
    })
}

/// Public images and open data may be shown by viewers on other sites (Mirador, Universal
/// Viewer); pages stay same-origin.
pub fn open_to_other_sites(headers: &mut axum::http::HeaderMap) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
}
