//! Receiving photos from a multipart form. An arriving photo still holds everything its
//! camera wrote (GPS, serial number, owner's name): it is kept in memory only, never in a
//! file, not even an unnamed temporary one, whose blocks a seized disk would still hold. All
//! uploads together may hold at most [`SPOOL_BYTES`] at once; beyond that a donor is asked to
//! try again in a few minutes rather than the server running out of memory. Each file is
//! capped in size, as are the number of files and the time the upload may take.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::extract::multipart::Field;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use zeroize::Zeroize;

use super::sanitise::{Limits, Refusal};

/// Bytes of arriving photos that all requests together may hold in memory at once.
pub const SPOOL_BYTES: usize = 1 << 30;

/// The spool's budget, in KiB.
static SPOOL: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(SPOOL_BYTES / 1024)));

/// Longest an upload of all its files may take; slower uploads are stopped.
pub const DEADLINE: Duration = Duration::from_secs(15 * 60);

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
        loop {
            let chunk = match tokio::time::timeout(DEADLINE, field.chunk()).await {
                Err(_) => return Err(Refusal::TooSlow),
                Ok(Err(err)) if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(Refusal::FileTooBig(limits.max_file_bytes / 1_000_000));
                }
                Ok(Err(_)) => return Err(Refusal::Corrupt),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
            };
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

/// Most text fields a form may have, and the longest one, in bytes. The faces check each
/// field's own limit; these only stop a hostile request from filling memory.
const MAX_TEXT_FIELDS: usize = 64;
const MAX_TEXT_BYTES: usize = 128 * 1024;

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

/// Reads a multipart form, streaming the files of `file_field` to temporary files within
/// `limits` and keeping the text fields in memory within fixed caps.
pub async fn read_form(
    multipart: axum::extract::Multipart,
    file_field: &str,
    limits: &Limits,
) -> Result<Form, Refusal> {
    let (form, result) = read_form_keeping(multipart, file_field, limits).await;
    result.map(|()| form)
}

/// Like [`read_form`], but keeps the text fields read before a refusal, so a form can come
/// back with what was typed.
pub async fn read_form_keeping(
    mut multipart: axum::extract::Multipart,
    file_field: &str,
    limits: &Limits,
) -> (Form, Result<(), Refusal>) {
    let mut form = Form::default();
    let read = async {
        while let Some(field) = multipart.next_field().await.map_err(|e| refusal_of(&e, limits))? {
            if field.name() == Some(file_field) {
                // A chosen file has a name, even an empty one; an unused file input sends none.
                let chosen = field.file_name().is_some_and(|n| !n.is_empty());
                let before = form.photos.len();
                form.photos.add(field, limits).await?;
                if chosen && form.photos.len() == before {
                    return Err(Refusal::Empty);
                }
                continue;
            }
            let name = field.name().unwrap_or_default().to_owned();
            if form.fields.len() >= MAX_TEXT_FIELDS {
                return Err(Refusal::TooManyFields);
            }
            let mut field = field;
            let mut bytes = Vec::new();
            // Read in chunks so an oversized field is refused before it fills memory.
            while let Some(chunk) = field.chunk().await.map_err(|e| refusal_of(&e, limits))? {
                if bytes.len() + chunk.len() > MAX_TEXT_BYTES {
                    return Err(Refusal::FieldTooLong);
                }
                bytes.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(bytes).map_err(|_| Refusal::FieldTooLong)?;
            form.fields.push((name, text));
        }
        Ok(())
    };
    let result = match tokio::time::timeout(DEADLINE, read).await {
        Ok(result) => result,
        Err(_) => Err(Refusal::TooSlow),
    };
    (form, result)
}

fn refusal_of(err: &axum::extract::multipart::MultipartError, limits: &Limits) -> Refusal {
    if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        Refusal::FileTooBig(limits.max_file_bytes / 1_000_000)
    } else {
        Refusal::Corrupt
    }
}

/// The request body limit for a route that takes `limits.max_files` photos plus text fields.
pub fn body_limit(limits: &Limits) -> usize {
    let files = limits.max_file_bytes.saturating_mul(limits.max_files as u64 + 1);
    usize::try_from(files).unwrap_or(usize::MAX).saturating_add(MAX_TEXT_FIELDS * MAX_TEXT_BYTES)
}
