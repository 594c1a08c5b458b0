//! Receiving photos from a multipart form. An arriving photo still holds everything its
//! camera wrote (GPS, serial number, owner's name): it is kept in memory only, never in a
//! file, not even an unnamed temporary one, whose blocks a seized disk would still hold. All
//! uploads together may hold at most [`SPOOL_BYTES`] at once; beyond that a donor is asked to
//! try again in a few minutes rather than the server running out of memory. Each file is
//! capped in size, as are the number of files and the time the upload may take.

use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::Request;
use futures_util::{Stream, StreamExt};
use multer::Field;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use zeroize::Zeroize;

use super::sanitise::{Limits, Refusal};

/// Bytes of arriving photos that all requests together may hold in memory at once.
pub const SPOOL_BYTES: usize = 1 << 30;

/// The spool's budget, in KiB.
static SPOOL: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(SPOOL_BYTES / 1024)));

/// The slowest upload speed a donor is granted: a poor connection through Tor.
pub const SLOW_BYTES_PER_SEC: u64 = 20 * 1024;
/// The least time any request body is given.
pub const MIN_BODY_DEADLINE: Duration = Duration::from_secs(60);

/// How long the body of an upload of `declared` bytes may take (all of `limits`' allowed
/// size when the client declares none or more): its size at [`SLOW_BYTES_PER_SEC`], at least
/// [`MIN_BODY_DEADLINE`]. A slow donor on Tor finishes; a client that trickles bytes to hold
/// a connection is cut off when the deadline its own declared size bought runs out.
pub fn deadline(limits: &Limits, declared: Option<u64>) -> Duration {
    let allowed = body_limit(limits) as u64;
    let size = declared.map_or(allowed, |d| d.min(allowed));
    Duration::from_secs(size / SLOW_BYTES_PER_SEC).max(MIN_BODY_DEADLINE)
}

/// Photos received so far in one request, in memory, with their share of the spool.
#[derive(Debug, Default)]
pub struct Received {
    files: Vec<Vec<u8>>,
    /// Returned to the spool when these photos are dropped.
    permits: Vec<OwnedSemaphorePermit>,
}

impl Drop for Received {
    fn drop(&mut self) {
        // Freed memory is not a disk, but it need not keep a photo's GPS position either.
        for file in &mut self.files {
            file.zeroize();
        }
    }
}

impl Received {
    /// Reads a file field into memory, taking its share of the spool as it arrives. An empty
    /// field (no file chosen) is skipped. The uploaded file name and declared type are ignored.
    pub async fn add(&mut self, mut field: Field<'_>, limits: &Limits) -> Result<(), Refusal> {
        let mut file = Vec::new();
        let mut size: u64 = 0;
        // The body's own deadline (see `web::body_deadline`) stops a slow upload.
        while let Some(chunk) = field.chunk().await.map_err(|e| refusal_of(&e, limits))? {
            size += chunk.len() as u64;
            if size > limits.max_file_bytes {
                file.zeroize();
                return Err(Refusal::FileTooBig(limits.max_file_bytes / 1_000_000));
            }
            let kib = u32::try_from(chunk.len().div_ceil(1024)).map_err(|_| Refusal::Busy)?;
            match Arc::clone(&SPOOL).try_acquire_many_owned(kib) {
                Ok(permit) => self.permits.push(permit),
                Err(_) => {
                    file.zeroize();
                    return Err(Refusal::Busy);
                }
            }
            file.extend_from_slice(&chunk);
        }
        if size == 0 {
            return Ok(());
        }
        if self.files.len() >= limits.max_files {
            file.zeroize();
            return Err(Refusal::TooManyFiles(limits.max_files));
        }
        self.files.push(file);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The received files' bytes, one at a time, for the sanitiser (which zeroes each after
    /// cleaning it). Their share of the spool is returned once they are all handed over.
    pub fn into_bytes(mut self) -> impl Iterator<Item = std::io::Result<Vec<u8>>> {
        let files = std::mem::take(&mut self.files);
        let permits = std::mem::take(&mut self.permits);
        files.into_iter().map(move |file| {
            let _held = &permits;
            Ok(file)
        })
    }
}

/// Most text fields a form may have, the longest one and all of them together, in bytes. The
/// faces check each field's own limit; these only stop a hostile request from filling memory.
const MAX_TEXT_FIELDS: usize = 64;
const MAX_TEXT_BYTES: usize = 128 * 1024;
const MAX_TOTAL_TEXT_BYTES: usize = 256 * 1024;
/// Longest field name: the forms' own names are short.
const MAX_NAME_BYTES: usize = 64;
/// Most bytes of one part's headers (its `Content-Disposition` with name and file name, its
/// `Content-Type`), and of the preamble before the first part. multer reads a part's headers
/// into memory until their end, however long they are; [`Guard`] stops it at this size.
pub const MAX_PART_HEADER_BYTES: usize = 8 * 1024;

/// Parts a form may have, empty file inputs included: every text field, the photos, and one
/// empty file part per file input left unused.
fn max_parts(limits: &Limits) -> usize {
    MAX_TEXT_FIELDS + limits.max_files + 4
}

/// A multipart form read in full: its text fields and the photos of its file field.
#[derive(Debug, Default)]
pub struct Form {
    pub fields: Vec<(String, String)>,
    pub photos: Received,
}

impl Form {
    /// The first value of text field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Moves the first value of text field `name` out of the form (for values that must not
    /// linger, such as what is about to be sealed).
    pub fn take(&mut self, name: &str) -> String {
        self.fields.iter_mut().find(|(k, _)| k == name).map(|(_, v)| std::mem::take(v)).unwrap_or_default()
    }

    /// Every value of text field `name` (checkboxes of the same name).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }
}

/// Reads a multipart form in full, within the bounds of [`read_form_keeping`].
pub async fn read_form(request: Request, file_field: &str, limits: &Limits) -> Result<Form, Refusal> {
    let (form, result) = read_form_keeping(request, file_field, limits, |_| true).await;
    result.map(|()| form)
}

/// Reads a multipart form, streaming the files of `file_field` to temporary files within
/// `limits` and keeping the text fields in memory within fixed caps. `admit` is asked once,
/// with the text fields read so far, before the first file is read (or at the end when there
/// is none): a form it refuses (a missing or used token) is not read further and comes back
/// with [`Refusal::Stopped`], so junk costs no photo upload.
pub async fn read_form_keeping(
    request: Request,
    file_field: &str,
    limits: &Limits,
    mut admit: impl FnMut(&Form) -> bool,
) -> (Form, Result<(), Refusal>) {
    let mut form = Form::default();
    let (mut multipart, crossed) = match multipart_of(request, limits) {
        Ok(reader) => reader,
        Err(refusal) => return (form, Err(refusal)),
    };
    let mut admitted = false;
    let mut parts = 0;
    let mut text_bytes = 0;
    let read = async {
        while let Some(field) = multipart.next_field().await.map_err(|e| refusal_of(&e, limits))? {
            parts += 1;
            if parts > max_parts(limits) {
                return Err(Refusal::TooManyFields);
            }
            let name = field.name().unwrap_or_default();
            if name.len() > MAX_NAME_BYTES {
                return Err(Refusal::FieldTooLong);
            }
            if name == file_field {
                if !admitted {
                    if !admit(&form) {
                        return Err(Refusal::Stopped);
                    }
                    admitted = true;
                }
                // A chosen file has a name, even an empty one; an unused file input sends none.
                let chosen = field.file_name().is_some_and(|n| !n.is_empty());
                let before = form.photos.len();
                form.photos.add(field, limits).await?;
                if chosen && form.photos.len() == before {
                    return Err(Refusal::Empty);
                }
                continue;
            }
            let name = name.to_owned();
            if form.fields.len() >= MAX_TEXT_FIELDS {
                return Err(Refusal::TooManyFields);
            }
            let mut field = field;
            let mut bytes = Vec::new();
            // Read in chunks so an oversized field is refused before it fills memory.
            while let Some(chunk) = field.chunk().await.map_err(|e| refusal_of(&e, limits))? {
                if bytes.len() + chunk.len() > MAX_TEXT_BYTES || text_bytes + chunk.len() > MAX_TOTAL_TEXT_BYTES {
                    return Err(Refusal::FieldTooLong);
                }
                text_bytes += chunk.len();
                bytes.extend_from_slice(&chunk);
            }
            let mut text = String::from_utf8(bytes).map_err(|_| Refusal::FieldTooLong)?;
            if text.contains('\r') {
                // What a form sends to be sealed must not linger in a copy.
                let one = crate::web::forms::one_line_break(&text);
                text.zeroize();
                text = one;
            }
            form.fields.push((name, text));
        }
        if !admitted && !admit(&form) {
            return Err(Refusal::Stopped);
        }
        Ok(())
    };
    let result = read.await.map_err(|refusal| match crossed.lock().ok().and_then(|mut c| c.take()) {
        Some(Stop::TooLarge) => Refusal::FileTooBig(limits.max_file_bytes / 1_000_000),
        Some(Stop::HeadersTooLong) => Refusal::FieldTooLong,
        _ => refusal,
    });
    (form, result)
}

/// A multer reader over the request's body, behind a [`Guard`].
fn multipart_of(request: Request, limits: &Limits) -> Result<(multer::Multipart<'static>, Crossed), Refusal> {
    let boundary = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or(Refusal::Corrupt)?;
    let crossed = Crossed::default();
    let stream =
        Guard::new(request.into_body().into_data_stream(), &boundary, body_limit(limits) as u64, crossed.clone());
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(body_limit(limits) as u64)
            .per_field(limits.max_file_bytes.max(MAX_TEXT_BYTES as u64)),
    );
    Ok((multer::Multipart::with_constraints(stream, boundary, constraints), crossed))
}

/// The bound a [`Guard`] found crossed, if any.
type Crossed = Arc<Mutex<Option<Stop>>>;

/// Why a [`Guard`] stopped the body.
#[derive(Debug, thiserror::Error)]
enum Stop {
    #[error("a part's headers are too long")]
    HeadersTooLong,
    #[error("the body is larger than the form allows")]
    TooLarge,
    #[error("the body could not be read")]
    Body(#[source] axum::Error),
}

/// Watches the raw multipart body as it streams to multer and stops it as soon as the part
/// headers (or the preamble) run past [`MAX_PART_HEADER_BYTES`], or the whole body past the
/// form's size, so no hostile part header is ever buffered beyond that. It only looks for the
/// boundary and the blank line that ends a part's headers; multer parses everything.
struct Guard<S> {
    inner: S,
    /// `--` and the boundary: where every part starts.
    delimiter: Vec<u8>,
    section: Section,
    /// Bytes counted in the current preamble or headers.
    counted: usize,
    /// The end of the last chunk, not yet scanned: a delimiter or a blank line may straddle two.
    tail: Vec<u8>,
    total: u64,
    max_total: u64,
    /// The bound crossed. The body then simply ends after the bytes before it (an error would
    /// stop multer before it parses them), so the fields before it are read and a refused form
    /// comes back with what was typed; the reader looks here to say why the form was cut.
    stop: Arc<Mutex<Option<Stop>>>,
    stopped: bool,
}

/// Where in the body a [`Guard`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before the first delimiter: bounded, ends at a delimiter.
    Preamble,
    /// A part's headers: bounded, end at a blank line.
    Headers,
    /// A part's content: bounded only by the form's size, ends at a delimiter.
    Content,
}

impl<S> Guard<S> {
    fn new(inner: S, boundary: &str, max_total: u64, stop: Arc<Mutex<Option<Stop>>>) -> Self {
        let mut delimiter = b"--".to_vec();
        delimiter.extend_from_slice(boundary.as_bytes());
        Self {
            inner,
            delimiter,
            section: Section::Preamble,
            counted: 0,
            tail: Vec::new(),
            total: 0,
            max_total,
            stop,
            stopped: false,
        }
    }

    /// How much of a chunk to pass on when the headers starting at `at` (less `carried`, within
    /// the chunk) ran too long: what comes before them and at most the bound of them, so multer
    /// can finish the field before (it looks past the delimiter) and then meets the stop.
    fn passed(&self, at: usize, carried: usize, len: usize) -> usize {
        (at.saturating_sub(carried) + MAX_PART_HEADER_BYTES.saturating_sub(self.counted)).min(len)
    }

    /// Scans one chunk; when it crosses a bound, how many of its bytes come before.
    fn watch(&mut self, chunk: &[u8]) -> Result<(), (usize, Stop)> {
        let before = self.total;
        self.total += chunk.len() as u64;
        if self.total > self.max_total {
            return Err(((self.max_total - before) as usize, Stop::TooLarge));
        }
        // `at` below counts from the carried tail; less `carried`, it counts within `chunk`.
        let carried = self.tail.len();
        let mut data = std::mem::take(&mut self.tail);
        data.extend_from_slice(chunk);
        let mut at = 0;
        loop {
            let rest = &data[at..];
            let (end, next): (&[u8], Section) = match self.section {
                Section::Preamble | Section::Content => (&self.delimiter, Section::Headers),
                Section::Headers => (b"\r\n\r\n", Section::Content),
            };
            let bounded = self.section != Section::Content;
            match memchr::memmem::find(rest, end) {
                Some(found) => {
                    if bounded && self.counted + found > MAX_PART_HEADER_BYTES {
                        return Err((self.passed(at, carried, chunk.len()), Stop::HeadersTooLong));
                    }
                    at += found + end.len();
                    self.section = next;
                    self.counted = 0;
                }
                None => {
                    // Keep what could be the start of `end`, to scan with the next chunk.
                    let keep = (end.len() - 1).min(rest.len());
                    let scanned = rest.len() - keep;
                    if bounded {
                        if self.counted + rest.len() > MAX_PART_HEADER_BYTES {
                            return Err((self.passed(at, carried, chunk.len()), Stop::HeadersTooLong));
                        }
                        self.counted += scanned;
                    }
                    self.tail = rest[scanned..].to_vec();
                    return Ok(());
                }
            }
        }
    }
}

impl<S> Stream for Guard<S>
where
    S: Stream<Item = Result<Bytes, axum::Error>> + Unpin,
{
    type Item = Result<Bytes, Stop>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        if self.stopped {
            return Poll::Ready(None);
        }
        match self.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => match self.watch(&chunk) {
                Ok(()) => Poll::Ready(Some(Ok(chunk))),
                Err((before, stop)) => {
                    if let Ok(mut crossed) = self.stop.lock() {
                        *crossed = Some(stop);
                    }
                    self.stopped = true;
                    Poll::Ready(Some(Ok(chunk.slice(..before))))
                }
            },
            Poll::Ready(Some(Err(err))) => {
                self.stopped = true;
                Poll::Ready(Some(Err(Stop::Body(err))))
            }
            other => other.map(|_| None),
        }
    }
}

/// What a multer error means for the person who sent the form.
fn refusal_of(err: &multer::Error, limits: &Limits) -> Refusal {
    let too_big = Refusal::FileTooBig(limits.max_file_bytes / 1_000_000);
    match err {
        multer::Error::StreamSizeExceeded { .. } => too_big,
        multer::Error::FieldSizeExceeded { .. } => too_big,
        multer::Error::StreamReadFailed(cause) => match cause.downcast_ref::<Stop>() {
            Some(Stop::Body(body)) if timed_out(body) => Refusal::TooSlow,
            _ => Refusal::Corrupt,
        },
        _ => Refusal::Corrupt,
    }
}

/// Whether a body error is the body's deadline running out.
fn timed_out(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = err.source();
    }
    false
}

/// The request body limit for a route that takes `limits.max_files` photos plus text fields.
pub fn body_limit(limits: &Limits) -> usize {
    let files = limits.max_file_bytes.saturating_mul(limits.max_files as u64 + 1);
    usize::try_from(files)
        .unwrap_or(usize::MAX)
        .saturating_add(MAX_TOTAL_TEXT_BYTES)
        .saturating_add(max_parts(limits) * MAX_PART_HEADER_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(chunks: &[&[u8]]) -> Result<(), Stop> {
        let stream = futures_util::stream::empty::<Result<Bytes, axum::Error>>();
        let mut guard = Guard::new(stream, "b", u64::MAX, Crossed::default());
        for chunk in chunks {
            guard.watch(chunk).map_err(|(_, stop)| stop)?;
        }
        Ok(())
    }

    #[test]
    fn part_headers_are_bounded_wherever_chunks_split_them() {
        let name = "n".repeat(MAX_PART_HEADER_BYTES);
        let long = format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\nvalue\r\n--b--\r\n");
        let short = "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nvalue\r\n--b--\r\n";
        for size in [1, 2, 3, 7, 100, 100_000] {
            let chunks = |s: &str| s.as_bytes().chunks(size).map(<[u8]>::to_vec).collect::<Vec<_>>();
            let long_chunks = chunks(&long);
            let refs: Vec<&[u8]> = long_chunks.iter().map(Vec::as_slice).collect();
            assert!(matches!(scan_all(&refs), Err(Stop::HeadersTooLong)), "chunks of {size}");
            let short_chunks = chunks(short);
            let refs: Vec<&[u8]> = short_chunks.iter().map(Vec::as_slice).collect();
            assert!(scan_all(&refs).is_ok(), "chunks of {size}");
        }
        // A large value is no header: only the headers are bounded.
        let big = format!(
            "--b\r\nContent-Disposition: form-data; name=\"photos\"\r\n\r\n{}\r\n--b--\r\n",
            "x".repeat(100_000)
        );
        assert!(scan_all(&[big.as_bytes()]).is_ok());
        // Nor may the preamble before the first part run on.
        assert!(matches!(scan_all(&["p".repeat(MAX_PART_HEADER_BYTES + 10).as_bytes()]), Err(Stop::HeadersTooLong)));
    }
}
