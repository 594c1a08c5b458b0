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
    mut request: Request,
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
    // One range of bytes is served as a part; anything else a `Range` may say (several ranges,
    // another unit, a malformed one, an `If-Range` that is not this file's validator) is
    // ignored, as RFC 9110 allows, and the whole file is sent.
    if request.headers().contains_key(header::RANGE) && !(one_byte_range(&request) && if_range_holds(&request, &etag)) {
        request.headers_mut().remove(header::RANGE);
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
        // The file service's own validator (its time and length) is not the one the image's
        // other answers carry.
        headers.remove(header::ETAG);
        // A range that cannot be satisfied, an I/O error: nothing to cache or to label an image,
        // but a viewer on another site may read the status.
        if audience == Audience::Public {
            open_to_other_sites(headers);
        }
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

/// Whether the request's `Range` is one range of bytes: `bytes=A-B`, `bytes=A-` or `bytes=-N`,
/// with A ≤ B.
fn one_byte_range(request: &Request) -> bool {
    let Some(range) = request.headers().get(header::RANGE).and_then(|v| v.to_str().ok()) else { return false };
    let Some((unit, spec)) = range.split_once('=') else { return false };
    let Some((first, last)) = spec.trim().split_once('-') else { return false };
    let number = |text: &str| {
        (!text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u64>().ok())
            .flatten()
    };
    unit.trim().eq_ignore_ascii_case("bytes")
        && match (first.trim(), last.trim()) {
            ("", last) => number(last).is_some(),
            (first, "") => number(first).is_some(),
            (first, last) => matches!((number(first), number(last)), (Some(a), Some(b)) if a <= b),
        }
}

/// Whether an `If-Range` (if any) names this file's validator, so that its range may be sent.
fn if_range_holds(request: &Request, etag: &Option<HeaderValue>) -> bool {
    match request.headers().get(header::IF_RANGE) {
        None => true,
        Some(value) => etag.as_ref().is_some_and(|etag| value == etag),
    }
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
