//! Public responses the way browsers, crawlers and shared caches expect them: a validator
//! (`ETag`) with `304 Not Modified`, compression (brotli or gzip), and `HEAD` answered with
//! exactly the headers `GET` gets.
//!
//! Only responses marked `Cache-Control: public` are compressed and validated: they carry
//! nothing secret, so compression cannot leak a token to an attacker who controls part of a
//! page (BREACH). Staff pages, the intake form and a donor's status page stay as they are.

use std::sync::OnceLock;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// Catalogue pages and open data: a shared cache may keep them a minute, then revalidates
/// with the `ETag` (a withdrawal reaches every cache within that minute).
pub const PUBLIC_PAGE: HeaderValue = HeaderValue::from_static("public, max-age=60");

/// Largest body compressed on the fly (sitemaps and feeds are far smaller).
const MOST_COMPRESSED: usize = 32 * 1024 * 1024;

/// Bodies smaller than this are sent as they are: the encoding's framing would eat the gain.
const LEAST_COMPRESSED: usize = 256;

/// A content coding zbor sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The best coding an `Accept-Encoding` header allows: brotli, then gzip, else none.
    /// A coding given `q=0` is refused, as is everything under `*;q=0`.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let Some(accept) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
            return Self::Identity;
        };
        let mut star = None;
        let (mut br, mut gzip) = (None, None);
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match name.as_str() {
                "br" => br = Some(q),
                "gzip" | "x-gzip" => gzip = Some(q),
                "*" => star = Some(q),
                _ => {}
            }
        }
        let allowed = |q: Option<f32>| q.or(star).is_some_and(|q| q > 0.0);
        if allowed(br) {
            Self::Brotli
        } else if allowed(gzip) {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    fn header(self) -> Option<HeaderValue> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some(HeaderValue::from_static("gzip")),
            Self::Brotli => Some(HeaderValue::from_static("br")),
        }
    }

    /// `body` in this coding. `once` spends more time for smaller output, for bodies that
    /// are compressed once and sent many times.
    pub fn compress(self, body: &[u8], once: bool) -> Bytes {
        use std::io::Write;
        match self {
            Self::Identity => Bytes::copy_from_slice(body),
            Self::Gzip if once => {
                // flate2 writes no file name and a zero time into the gzip header.
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                // Writing into a Vec cannot fail.
                let _ = encoder.write_all(body);
                encoder.finish().map(Bytes::from).unwrap_or_default()
            }
            Self::Gzip => Bytes::from(gzip_fast(body)),
            Self::Brotli => {
                let quality = if once { 9 } else { 2 };
                let mut out = Vec::with_capacity(body.len() / 4);
                {
                    let mut writer = brotli::CompressorWriter::new(&mut out, 16 * 1024, quality, 22);
                    let _ = writer.write_all(body);
                }
                Bytes::from(out)
            }
        }
    }
}

/// `body` as gzip at the fastest level, on the fly. Each thread keeps one compressor and
/// resets it, rather than allocating (and zeroing) its tables for every page. The header is
/// the one `GzEncoder` writes (no name, no time); the deflate stream is one call, so its block
/// boundaries may differ from `GzEncoder`'s, and the same body always gives the same bytes.
fn gzip_fast(body: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, Crc, FlushCompress};
    thread_local! {
        static DEFLATE: std::cell::RefCell<Compress> = std::cell::RefCell::new(Compress::new(Compression::fast(), false));
    }
    // The header flate2 writes: magic, deflate, no flags, no time, "fastest", unknown OS.
    let mut out = Vec::with_capacity(body.len() / 3 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255]);
    let deflated = DEFLATE.with(|deflate| {
        let mut deflate = deflate.borrow_mut();
        deflate.reset();
        loop {
            let consumed = deflate.total_in() as usize;
            out.reserve(body.len().saturating_sub(consumed) / 2 + 1024);
            match deflate.compress_vec(&body[consumed..], &mut out, FlushCompress::Finish) {
                Ok(flate2::Status::StreamEnd) => break true,
                Ok(_) => continue,
                Err(_) => break false,
            }
        }
    });
    if !deflated {
        // Not reachable with a whole input and room to write; fall back all the same.
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::fast());
        let _ = std::io::Write::write_all(&mut encoder, body);
        return encoder.finish().unwrap_or_default();
    }
    let mut crc = Crc::new();
    crc.update(body);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out
}

/// The validator of a public body: a weak tag (the same for every coding of it) from the
/// body's BLAKE3 hash, so it changes exactly when the bytes do, across restarts too.
pub fn etag(body: &[u8]) -> HeaderValue {
    let hash = blake3::hash(body).to_hex();
    HeaderValue::from_str(&format!("W/\"{}\"", &hash[..24])).unwrap_or(HeaderValue::from_static("W/\"0\""))
}

/// Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks for this header).
fn matches(if_none_match: &HeaderValue, tag: &HeaderValue) -> bool {
    let Ok(list) = if_none_match.to_str() else { return false };
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let tag = tag.to_str().map(bare).unwrap_or_default();
    list.split(',').any(|t| t.trim() == "*" || bare(t) == tag)
}

/// A public body with its validator and its compressed forms, each made at most once: the
/// render cache keeps pages this way, so a warm page costs no compression.
#[derive(Debug)]
pub struct Representations {
    body: Bytes,
    etag: HeaderValue,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    /// Every header the server sent with this body the first time, but those of its coding
    /// (`Content-Encoding`, `Content-Length`): what a repeat of the same request gets.
    sent: OnceLock<HeaderMap>,
}

impl Representations {
    pub fn new(body: Bytes) -> Self {
        Self { etag: etag(&body), body, gzip: OnceLock::new(), brotli: OnceLock::new(), sent: OnceLock::new() }
    }

    /// The page itself, uncompressed.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Bytes kept (the body; compressed forms are a fraction of it).
    pub fn len(&self) -> usize {
        self.body.len()
    }

    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// The body in `encoding` (compressed at most once), and the coding actually used.
    fn coded(&self, encoding: Encoding) -> (Bytes, Encoding) {
        let encoding = if self.body.len() < LEAST_COMPRESSED { Encoding::Identity } else { encoding };
        let body = match encoding {
            Encoding::Identity => self.body.clone(),
            Encoding::Gzip => self.gzip.get_or_init(|| encoding.compress(&self.body, true)).clone(),
            Encoding::Brotli => self.brotli.get_or_init(|| encoding.compress(&self.body, true)).clone(),
        };
        (body, encoding)
    }

    /// The response for a client that accepts `encoding`.
    pub fn respond(&self, encoding: Encoding, content_type: &'static str, cache_control: HeaderValue) -> Response {
        let (body, encoding) = self.coded(encoding);
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(header::CACHE_CONTROL, cache_control);
        headers.insert(header::ETAG, self.etag.clone());
        add_vary(headers, "Accept-Encoding");
        if let Some(coding) = encoding.header() {
            headers.insert(header::CONTENT_ENCODING, coding);
        }
        response
    }

    /// Keeps the headers a full answer with this body was sent with (the first one kept
    /// stays), so that [`Self::replay`] can answer the same request again without the layers.
    pub fn remember_sent(&self, headers: &HeaderMap) {
        if self.sent.get().is_some() {
            return;
        }
        let mut kept = headers.clone();
        kept.remove(header::CONTENT_ENCODING);
        kept.remove(header::CONTENT_LENGTH);
        let _ = self.sent.set(kept);
    }

    /// The answer to a repeat of the request this body was first sent for, as the layers
    /// would give it: the same headers, `304` to a matching `If-None-Match`, no body to
    /// `HEAD`. `None` until a full answer was remembered.
    pub fn replay(&self, method: &Method, headers: &HeaderMap) -> Option<Response> {
        let sent = self.sent.get()?;
        if let Some(asked) = headers.get(header::IF_NONE_MATCH)
            && matches(asked, &self.etag)
        {
            let mut response = not_modified(sent);
            // As axum's router sets it for an empty body.
            response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(0));
            return Some(response);
        }
        let (body, encoding) = self.coded(Encoding::negotiate(headers));
        let length = HeaderValue::from(body.len());
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = sent.clone();
        if let Some(coding) = encoding.header() {
            response.headers_mut().insert(header::CONTENT_ENCODING, coding);
        }
        // As axum's router sets it for a body of known size.
        response.headers_mut().insert(header::CONTENT_LENGTH, length);
        Some(if method == Method::HEAD { without_body(response) } else { response })
    }
}

/// Adds `token` to a response's single `Vary` header.
pub fn add_vary(headers: &mut HeaderMap, token: &'static str) {
    if !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static(token));
        return;
    }
    let mut tokens: Vec<String> = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.iter().any(|t| t.eq_ignore_ascii_case(token)) {
        return;
    }
    tokens.push(token.to_owned());
    if let Ok(value) = HeaderValue::from_str(&tokens.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

/// Whether a response is public (a shared cache may keep it).
fn is_public(headers: &HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|d| d.trim() == "public"))
}

/// Whether a type is text that compresses (images are compressed already).
fn is_compressible(headers: &HeaderMap) -> bool {
    let Some(kind) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let kind = kind.split(';').next().unwrap_or_default().trim();
    kind.starts_with("text/")
        || matches!(kind, "application/json" | "application/ld+json" | "application/xml" | "application/atom+xml")
        || kind == "application/javascript"
        || kind == "image/svg+xml"
}

/// Middleware, outermost: `HEAD` runs as `GET` (the same headers, no body); public text is
/// validated and compressed; `If-None-Match` on a public response gets `304`; open data
/// answers preflights and is open to other sites' scripts, errors included.
pub async fn finish(mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let open_data = crate::catalogue::iiif::is_open_data(path).then(|| path.to_owned());
    if open_data.is_some() && request.method() == Method::OPTIONS {
        return crate::catalogue::iiif::preflight(&request);
    }
    let origin = request.headers().get(header::ORIGIN).cloned();
    let head = request.method() == Method::HEAD;
    if head {
        *request.method_mut() = Method::GET;
    }
    let encoding = Encoding::negotiate(request.headers());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;
    if let Some(path) = &open_data {
        crate::catalogue::iiif::open_answer(response.headers_mut(), origin, path);
    }
    let public = is_public(response.headers());
    if public
        && response.status() == StatusCode::OK
        && is_compressible(response.headers())
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && !response.headers().contains_key(header::ETAG)
    {
        response = validate_and_compress(response, encoding).await;
    }
    if let (true, Some(asked), Some(tag)) = (public, &if_none_match, response.headers().get(header::ETAG))
        && response.status() == StatusCode::OK
        && matches(asked, tag)
    {
        return not_modified(response.headers());
    }
    if head {
        return without_body(response);
    }
    response
}

/// `304 Not Modified` for a response with `headers`: its validator and the headers a cache
/// keeps with it, no body.
pub fn not_modified(headers: &HeaderMap) -> Response {
    let mut not_modified = Response::new(Body::empty());
    *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
    for name in [
        header::ETAG,
        header::CACHE_CONTROL,
        header::VARY,
        header::CONTENT_LANGUAGE,
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ] {
        for value in headers.get_all(&name) {
            not_modified.headers_mut().append(name.clone(), value.clone());
        }
    }
    not_modified
}

/// The answer to `HEAD`: the `GET` response's headers, with its length, and no body.
pub fn without_body(response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let mut response = Response::from_parts(parts, Body::empty());
    if let Some(length) = axum::body::HttpBody::size_hint(&body).exact() {
        response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

/// Reads a public text body, gives it its `ETag` and sends it in the client's coding.
async fn validate_and_compress(response: Response, encoding: Encoding) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MOST_COMPRESSED).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, "reading a public response to compress it");
            parts.status = StatusCode::INTERNAL_SERVER_ERROR;
            return Response::from_parts(parts, Body::empty());
        }
    };
    parts.headers.insert(header::ETAG, etag(&bytes));
    add_vary(&mut parts.headers, "Accept-Encoding");
    if bytes.len() < LEAST_COMPRESSED || encoding == Encoding::Identity {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let compressed = encoding.compress(&bytes, false);
    if let Some(coding) = encoding.header() {
        parts.headers.insert(header::CONTENT_ENCODING, coding);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(compressed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_best_accepted_coding_is_chosen_and_q0_refuses() {
        assert_eq!(Encoding::negotiate(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(Encoding::negotiate(&accept("gzip, deflate, br, zstd")), Encoding::Brotli);
        assert_eq!(Encoding::negotiate(&accept("gzip, deflate")), Encoding::Gzip);
        assert_eq!(Encoding::negotiate(&accept("br;q=0, gzip;q=0.5")), Encoding::Gzip);
        assert_eq!(Encoding::negotiate(&accept("*")), Encoding::Brotli);
        assert_eq!(Encoding::negotiate(&accept("*;q=0, identity")), Encoding::Identity);
        assert_eq!(Encoding::negotiate(&accept("identity")), Encoding::Identity);
    }

    #[test]
    fn compressed_bodies_come_back_whole() {
        use std::io::Read;
        let body = "<p>Бел-чырвона-белы сцяг</p>\n".repeat(200);
        for once in [true, false] {
            let gz = Encoding::Gzip.compress(body.as_bytes(), once);
            let mut back = String::new();
            flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut back).unwrap();
            assert_eq!(back, body);
            // No time in the header: the same body gives the same bytes.
            assert_eq!(gz, Encoding::Gzip.compress(body.as_bytes(), once));
            assert_eq!(&gz[4..8], &[0, 0, 0, 0]);

            let br = Encoding::Brotli.compress(body.as_bytes(), once);
            let mut back = Vec::new();
            brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut back).unwrap();
            assert_eq!(back, body.as_bytes());
            assert!(br.len() < body.len() / 10);
        }
    }

    #[test]
    fn the_fast_gzip_is_whole_gzip_without_a_time_and_the_same_every_time() {
        use std::io::Read;
        let page = "<li class=\"card\"><a href=\"/objects/MFB-2021-0001\">Сцяг</a></li>\n".repeat(3000);
        let noise: Vec<u8> = (0u32..300_000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for body in [&b""[..], b"x", page.as_bytes(), &noise] {
            let first = gzip_fast(body);
            // The second run reuses the thread's compressor, and must not differ.
            assert!(first == gzip_fast(body), "{} bytes: not the same twice", body.len());
            assert_eq!(&first[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255]);
            let mut back = Vec::new();
            // MultiGzDecoder would accept trailing junk; GzDecoder checks the CRC and length.
            flate2::read::GzDecoder::new(&first[..]).read_to_end(&mut back).unwrap();
            assert!(back == body, "{} bytes: decoded differently", body.len());
        }
        assert!(gzip_fast(page.as_bytes()).len() < page.len() / 10);
    }

    #[test]
    fn if_none_match_compares_weakly_and_lists() {
        let tag = etag(b"page");
        let bare = tag.to_str().unwrap().trim_start_matches("W/").to_owned();
        assert!(matches(&tag, &tag));
        assert!(matches(&HeaderValue::from_str(&bare).unwrap(), &tag));
        assert!(matches(&HeaderValue::from_str(&format!("\"x\", {bare}")).unwrap(), &tag));
        assert!(matches(&HeaderValue::from_static("*"), &tag));
        assert!(!matches(&etag(b"other page"), &tag));
    }
}
