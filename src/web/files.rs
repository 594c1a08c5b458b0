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
    /// Public derivatives: cached for good, embeddable by viewers on other sites.
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
    // The URL names the content's hash, so it can be cached for good.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    open_to_other_sites(headers);
    Ok(response)
}

/// Public images and open data may be shown by viewers on other sites (Mirador, Universal
/// Viewer); pages stay same-origin.
pub fn open_to_other_sites(headers: &mut axum::http::HeaderMap) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
}
