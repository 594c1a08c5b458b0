//! Images: sanitised masters and their derivatives, content-addressed on disk, the media
//! records that tie them to objects, and the durable queue that makes derivatives.
//!
//! Every stored file is encoded by zbor from decoded pixels, so it carries no metadata of the
//! upload. Files are named by the BLAKE3 hash of the master's bytes:
//! `uploads/ab/abcdef…/master.jpg` (or `.png`), `…/400.jpg`, `…/1200.jpg`, `…/2400.jpg`.

pub mod derive;
pub mod faces;
pub mod jobs;
pub mod jpeg;
pub mod redact;
pub mod regions;
pub mod sanitise;
pub mod upload;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use image::{DynamicImage, RgbImage};
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::Semaphore;

use crate::collection::command::{Command, CommandError, CommandResult, Tx};
use crate::collection::types::{BindText3, Text3, lang3};
pub use derive::fit;
use sanitise::{Limits, MasterFormat, Refusal};

/// Longest-edge sizes of the derivatives the public may fetch. Never upscaled.
pub const DERIVATIVE_SIZES: [u32; 3] = [400, 1200, 2400];

/// The uploads folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// A stored master: its hash, pixel size and format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub format: MasterFormat,
    /// Derivative sizes that also have a smaller WebP (known once derivatives are made).
    pub webp_sizes: Vec<u32>,
    /// Faces the detector found, to be suggested for redaction when the image is recorded.
    pub faces: Vec<redact::Region>,
}

/// Whether `hash` looks like one of ours (64 lowercase hex digits), so it is safe in a path.
pub fn is_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Marks the temporary files of [`write_atomically`], so a restart can sweep them.
const TEMP_MARK: &str = ".zbor-tmp";

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn dir(&self, hash: &str) -> PathBuf {
        self.root.join(&hash[..2]).join(hash)
    }

    /// Path of a derivative of longest edge `size`, if `hash` and `size` are valid.
    pub fn derivative_path(&self, hash: &str, size: u32) -> Option<PathBuf> {
        (is_hash(hash) && DERIVATIVE_SIZES.contains(&size)).then(|| self.dir(hash).join(format!("{size}.jpg")))
    }

    /// Path of a WebP derivative, if `hash` and `size` are valid.
    pub fn webp_path(&self, hash: &str, size: u32) -> Option<PathBuf> {
        (is_hash(hash) && derive::WEBP_SIZES.contains(&size)).then(|| self.dir(hash).join(format!("{size}.webp")))
    }

    /// Path of a master, if `hash` is valid.
    pub fn master_path(&self, hash: &str, format: MasterFormat) -> Option<PathBuf> {
        is_hash(hash).then(|| self.dir(hash).join(format!("master.{}", format.extension())))
    }

    /// Writes a sanitised master under its hash. Writing the same master twice is a no-op.
    pub fn put_master(&self, bytes: &[u8], format: MasterFormat, width: u32, height: u32) -> anyhow::Result<Stored> {
        let hash = blake3::hash(bytes).to_hex().to_string();
        let dir = self.dir(&hash);
        crate::private::create_dir_all(&dir)?;
        write_atomically(&dir.join(format!("master.{}", format.extension())), bytes)?;
        Ok(Stored { hash, width, height, format, webp_sizes: Vec::new(), faces: Vec::new() })
    }

    /// Makes and writes every derivative of the master `hash` (one decode, a cascade of resizes).
    /// Returns the sizes that also got a WebP.
    pub fn make_derivatives(&self, hash: &str, format: MasterFormat) -> anyhow::Result<Vec<u32>> {
        self.make_redacted(hash, format, &[], hash, None)
    }

    /// Makes and writes every derivative of the master `hash` with `regions` destroyed in its
    /// pixels, under the name `key` (see [`redact::derivatives_key`]), from `pixels` when the
    /// master is already decoded. Returns the sizes that also got a WebP.
    pub fn make_redacted(
        &self,
        hash: &str,
        format: MasterFormat,
        regions: &[redact::Region],
        key: &str,
        pixels: Option<DynamicImage>,
    ) -> anyhow::Result<Vec<u32>> {
        let master = match pixels {
            Some(pixels) => pixels,
            None => {
                let path = self.master_path(hash, format).context("not a media hash")?;
                image::open(&path).with_context(|| format!("decoding {}", path.display()))?
            }
        };
        if regions.is_empty() {
            return self.write_derivatives(key, master);
        }
        let mut pixels = derive::to_rgb(master);
        redact::apply(&mut pixels, regions);
        self.write_derivatives(key, DynamicImage::ImageRgb8(pixels))
    }

    /// Makes and writes the derivatives named `key` from pixels already decoded (no second
    /// decode). Returns the sizes that also got a WebP.
    pub fn write_derivatives(&self, key: &str, master: DynamicImage) -> anyhow::Result<Vec<u32>> {
        anyhow::ensure!(is_hash(key), "not a media name");
        crate::private::create_dir_all(&self.dir(key))?;
        let mut webp_sizes = Vec::new();
        for d in derive::derivatives(master)? {
            let path = self.derivative_path(key, d.size).context("derivative size")?;
            write_atomically(&path, &d.jpeg)?;
            if let (Some(webp), Some(path)) = (&d.webp, self.webp_path(key, d.size)) {
                write_atomically(&path, webp)?;
                webp_sizes.push(d.size);
            }
        }
        webp_sizes.sort_unstable();
        Ok(webp_sizes)
    }

    /// Whether every derivative of `hash` is on disk.
    pub fn has_derivatives(&self, hash: &str) -> bool {
        DERIVATIVE_SIZES.iter().all(|s| self.derivative_path(hash, *s).is_some_and(|p| p.exists()))
    }

    /// Deletes the derivatives named `key` (a master in the same folder stays), and the folder
    /// when nothing is left in it.
    pub fn remove_derivatives(&self, key: &str) -> anyhow::Result<()> {
        if !is_hash(key) {
            return Ok(());
        }
        let files = DERIVATIVE_SIZES
            .iter()
            .filter_map(|s| self.derivative_path(key, *s))
            .chain(derive::WEBP_SIZES.iter().filter_map(|s| self.webp_path(key, *s)));
        for path in files {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(anyhow::Error::from(e).context(format!("removing {}", path.display()))),
            }
        }
        // Fails, as it should, while a master is still in the folder.
        let dir = self.dir(key);
        if std::fs::remove_dir(&dir).is_ok()
            && let Some(parent) = dir.parent()
        {
            blur_dir_times(parent);
        } else {
            blur_dir_times(&dir);
        }
        Ok(())
    }

    /// Stores pixels zbor made itself (the demo's pictures): master and derivatives at once.
    /// The derivatives are made from the master as stored, as every other image's are, so
    /// that rebuilding them (after a restore) gives the very same bytes.
    pub fn store(&self, image: &RgbImage) -> anyhow::Result<Stored> {
        self.store_redacted(image, Vec::new())
    }

    /// [`Store::store`] with `faces` marked: the derivatives (named after the master and the
    /// regions) are made with them destroyed, and no unredacted derivative is ever written.
    /// The regions are recorded with the image by [`add_media`].
    pub fn store_redacted(&self, image: &RgbImage, faces: Vec<redact::Region>) -> anyhow::Result<Stored> {
        let pixels = DynamicImage::ImageRgb8(image.clone());
        let master = derive::encode_jpeg(&pixels, sanitise::MASTER_QUALITY)?;
        let mut stored = self.put_master(&master, MasterFormat::Jpeg, image.width(), image.height())?;
        let decoded = image::load_from_memory_with_format(&master, image::ImageFormat::Jpeg)?;
        let key = redact::derivatives_key(&stored.hash, &faces);
        stored.webp_sizes = self.make_redacted(&stored.hash, MasterFormat::Jpeg, &faces, &key, Some(decoded))?;
        stored.faces = faces;
        Ok(stored)
    }

    /// Deletes temporary files left by a crash in the middle of a write.
    pub fn sweep_temp_files(&self) -> anyhow::Result<usize> {
        fn walk(dir: &Path, removed: &mut usize) -> std::io::Result<()> {
            let entries = match std::fs::read_dir(dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(e),
            };
            for entry in entries {
                let path = entry?.path();
                if path.is_dir() {
                    walk(&path, removed)?;
                } else if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains(TEMP_MARK)) {
                    std::fs::remove_file(&path)?;
                    *removed += 1;
                }
            }
            Ok(())
        }
        let mut removed = 0;
        walk(&self.root, &mut removed).with_context(|| format!("sweeping {}", self.root.display()))?;
        Ok(removed)
    }
}

/// Writes through a temporary file in the same folder, synced, then renamed into place, so a
/// crash never leaves a half-written file under its final name.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // Unique per write: two uploads of the same photo at once must not share a temp file.
    let tmp = path.with_file_name(format!("{name}{TEMP_MARK}{}", crate::ids::random_id()));
    let mut file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)
    }
    .with_context(|| format!("creating {}", tmp.display()))?;
    file.write_all(bytes)?;
    // A file's times would tell when a donor's photo arrived: keep only the day.
    file.set_times(day_times())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming into {}", path.display()))?;
    if let Some(dir) = path.parent() {
        blur_dir_times(dir);
    }
    Ok(())
}

/// Midnight (UTC) of today, for every time a stored file or folder carries.
fn day_times() -> std::fs::FileTimes {
    let midnight = chrono::Utc::now().date_naive().and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp()).unwrap_or(0);
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(midnight).unwrap_or(0));
    std::fs::FileTimes::new().set_accessed(at).set_modified(at)
}

/// Sets a media folder and its parent (`ab/`) to midnight as well: their times change when a
/// file is added. Best effort: a folder whose times cannot be set is left as it is.
fn blur_dir_times(dir: &Path) {
    for dir in [Some(dir), dir.parent()].into_iter().flatten() {
        if let Ok(handle) = std::fs::File::open(dir) {
            let _ = handle.set_times(day_times());
        }
    }
}

/// Descriptions of an image, given by a curator.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub alt: Text3,
    pub caption: Text3,
    pub is_public: bool,
}

async fn insert_media(
    conn: &mut SqliteConnection,
    object_id: i64,
    stored: &Stored,
    media: &NewMedia,
    state: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(concat!(
        "INSERT INTO media (object_id, hash, width, height, master_format, ",
        lang3!("alt"),
        ", ",
        lang3!("caption"),
        ", position, is_public, state, created_at, webp_sizes, derivatives)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
            (SELECT COALESCE(MAX(position) + 1, 0) FROM media WHERE object_id = ?1), ?12, ?13, ?14, ?15, ?2)
         RETURNING id"
    ))
    .bind(object_id)
    .bind(&stored.hash)
    .bind(stored.width)
    .bind(stored.height)
    .bind(stored.format.as_str())
    .bind3(&media.alt)
    .bind3(&media.caption)
    .bind(media.is_public)
    .bind(state)
    .bind(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())
    .bind(webp_list(&stored.webp_sizes))
    .fetch_one(conn)
    .await
}

/// The stored form of a list of WebP sizes.
pub fn webp_list(sizes: &[u32]) -> String {
    sizes.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// Attaches an image whose derivatives already exist (see [`Store::store`]), after the object's
/// other images, with its faces marked (and reviewed) when it has any.
pub async fn add_media(
    conn: &mut SqliteConnection,
    object_id: i64,
    stored: &Stored,
    media: &NewMedia,
) -> sqlx::Result<i64> {
    let id = insert_media(conn, object_id, stored, media, "ready").await?;
    if !stored.faces.is_empty() {
        for face in &stored.faces {
            regions::insert(conn, id, face, false).await?;
        }
        sqlx::query("UPDATE media SET derivatives = ? WHERE id = ?")
            .bind(redact::derivatives_key(&stored.hash, &stored.faces))
            .bind(id)
            .execute(conn)
            .await?;
    }
    Ok(id)
}

/// Attaches an image whose master is stored but whose derivatives are still to be made, after
/// the object's other images; pages show a placeholder until the worker's job is done.
pub async fn add_pending(
    conn: &mut SqliteConnection,
    object_id: i64,
    stored: &Stored,
    media: &NewMedia,
) -> sqlx::Result<i64> {
    insert_media(conn, object_id, stored, media, "pending").await
}

/// Records a prepared image as pending, with the faces found in it as suggested regions (so
/// its derivatives are redacted from the start), and queues its derivatives.
async fn record_pending(
    conn: &mut SqliteConnection,
    object_id: i64,
    stored: &Stored,
    media: &NewMedia,
) -> sqlx::Result<i64> {
    let id = insert_media(conn, object_id, stored, media, "pending").await?;
    for face in &stored.faces {
        regions::insert(conn, id, face, true).await?;
    }
    if regions::rederive(conn, id).await?.is_none() {
        jobs::enqueue(conn, id).await?;
    }
    Ok(id)
}

/// Records a prepared image as a photo of condition report `report` on object `object`:
/// private for good (the schema refuses to make it public), and not among the object's
/// catalogue images. Returns its media id; the caller hands its pixels to the worker.
pub async fn record_condition_photo(
    conn: &mut SqliteConnection,
    object: i64,
    report: i64,
    stored: &Stored,
) -> sqlx::Result<i64> {
    // No face suggestions: a condition photo is never public, so there is nothing to redact,
    // and unreviewed suggestions would hold up publishing the object.
    let private = NewMedia { alt: Text3::default(), caption: Text3::default(), is_public: false };
    let id = insert_media(conn, object, stored, &private, "pending").await?;
    sqlx::query("UPDATE media SET condition_report = ? WHERE id = ?").bind(report).bind(id).execute(&mut *conn).await?;
    jobs::enqueue(conn, id).await?;
    Ok(id)
}

/// How many decoded images may wait for the worker; each can be hundreds of megabytes.
const HANDOFF_CAPACITY: usize = 2;

/// The parts of zbor that handle uploads share one of these.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub store: Store,
    pub limits: Limits,
    /// Bounds how many images are decoded at once (one per core): each can take hundreds of
    /// megabytes while it is being decoded.
    pub gate: Arc<Semaphore>,
    /// Wakes the derivative worker when a job is queued.
    pub wake: Arc<tokio::sync::Notify>,
    /// Decoded pixels of freshly ingested images, by media id, handed to the worker so it need
    /// not decode the master again. Bounded; when full, the worker decodes from disk.
    /// Each with the hash of the master it was decoded from: ids are reused after a deletion.
    handoff: Arc<std::sync::Mutex<std::collections::HashMap<i64, (String, DynamicImage)>>>,
}

/// What went wrong with an upload: the donor's fault (with a message) or ours.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for IngestError {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl Pipeline {
    pub fn new(store: Store, limits: Limits) -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self {
            store,
            limits,
            gate: Arc::new(Semaphore::new(cores)),
            wake: Arc::new(tokio::sync::Notify::new()),
            handoff: Arc::default(),
        }
    }

    /// The decoded pixels of media `media_id` whose master is `hash`, if ingest left them for
    /// the worker (pixels left for an image deleted since, whose id was reused, are dropped).
    pub fn take_pixels(&self, media_id: i64, hash: &str) -> Option<DynamicImage> {
        let (of, pixels) = self.handoff.lock().ok()?.remove(&media_id)?;
        (of == hash).then_some(pixels)
    }

    /// Sanitises an upload and stores its master; the image is not yet anyone's. Returns the
    /// stored master and its decoded pixels, for [`Pipeline::hand_off`] once it is recorded.
    pub async fn prepare(&self, upload: Vec<u8>) -> Result<(Stored, DynamicImage), IngestError> {
        let _permit = self.gate.acquire().await.map_err(anyhow::Error::from)?;
        let (store, limits) = (self.store.clone(), self.limits);
        crate::cpu::run(move || -> Result<(Stored, DynamicImage), IngestError> {
            let mut upload = upload;
            let clean = sanitise::sanitise(&upload, &limits);
            zeroize::Zeroize::zeroize(&mut upload);
            let clean = clean?;
            let (width, height) = (clean.image.width(), clean.image.height());
            let mut stored = store.put_master(&clean.bytes, clean.format, width, height)?;
            stored.faces = faces::suggest_in(&clean.image);
            Ok((stored, clean.image))
        })
        .await
        .map_err(anyhow::Error::from)?
    }

    /// Gives the worker the decoded pixels of recorded image `media_id` (so it need not
    /// decode the master again) and wakes it.
    pub fn hand_off(&self, media_id: i64, hash: &str, pixels: DynamicImage) {
        if let Ok(mut waiting) = self.handoff.lock()
            && (waiting.len() < HANDOFF_CAPACITY || waiting.contains_key(&media_id))
        {
            waiting.insert(media_id, (hash.to_owned(), pixels));
        }
        self.wake.notify_one();
    }

    /// Sanitises an upload, stores its master, and records it as pending with a job for its
    /// derivatives, which the worker makes in the background. Returns the media id. For the
    /// demo, imports and tests; staff uploads go through [`AddPhotos`], which audits them.
    pub async fn ingest(
        &self,
        pool: &SqlitePool,
        object_id: i64,
        upload: Vec<u8>,
        media: &NewMedia,
    ) -> Result<i64, IngestError> {
        let (stored, pixels) = self.prepare(upload).await?;
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        let id = record_pending(&mut tx, object_id, &stored, media).await?;
        tx.commit().await?;
        self.hand_off(id, &stored.hash, pixels);
        Ok(id)
    }
}

/// Records prepared photos (see [`Pipeline::prepare`]) as private images of object `object`,
/// each pending with a job for its derivatives. Returns their ids, in order.
#[derive(Debug, Clone)]
pub struct AddPhotos {
    pub object: i64,
    pub photos: Vec<Stored>,
}

impl Command for AddPhotos {
    type Output = Vec<i64>;

    async fn run(self, tx: &mut Tx) -> CommandResult<Vec<i64>> {
        let record = crate::collection::objects::editable(tx, self.object).await?;
        let described = NewMedia { alt: Text3::default(), caption: Text3::default(), is_public: false };
        let mut ids = Vec::with_capacity(self.photos.len());
        for stored in &self.photos {
            ids.push(record_pending(tx, self.object, stored, &described).await?);
        }
        if !ids.is_empty() {
            let faces: usize = self.photos.iter().map(|p| p.faces.len()).sum();
            let details = serde_json::json!({ "id": self.object, "photos": ids.len(), "faces_suggested": faces });
            tx.audit("media-added", &record.entry_number, details).await?;
        }
        Ok(ids)
    }
}

/// What a curator does to one image.
#[derive(Debug, Clone)]
pub enum PhotoChange {
    /// New alternative text and caption, and whether the image is public. Making an image of
    /// a public object public needs `photos_checked` when its photos must be checked (see
    /// [`regions::check_needed`]), as publishing does.
    Describe {
        alt: Text3,
        caption: Text3,
        is_public: bool,
        photos_checked: bool,
        /// The image's own statement; `None` takes the object's.
        rights: Option<crate::collection::rights::Rights>,
    },
    Up,
    Down,
    /// First in the order: the object's primary image.
    Primary,
    Remove,
}

impl PhotoChange {
    fn name(&self) -> &'static str {
        match self {
            Self::Describe { .. } => "save",
            Self::Up => "up",
            Self::Down => "down",
            Self::Primary => "primary",
            Self::Remove => "remove",
        }
    }
}

/// Changes image `media` of object `object`. Returns the names of a removed image's files,
/// which go once the removal is committed (see [`free`]).
#[derive(Debug, Clone)]
pub struct ChangePhoto {
    pub object: i64,
    pub media: i64,
    pub change: PhotoChange,
}

impl Command for ChangePhoto {
    type Output = Vec<String>;

    async fn run(self, tx: &mut Tx) -> CommandResult<Vec<String>> {
        let record = crate::collection::objects::editable(tx, self.object).await?;
        let all = list(tx, self.object).await?;
        let at = all.iter().position(|m| m.id == self.media).ok_or(CommandError::NotFound)?;
        let mut removed = Vec::new();
        let mut checked = None;
        let mut rights_changed = None;
        let mut changes = Vec::new();
        let mut gone = None;
        let action = self.change.name();
        match self.change {
            PhotoChange::Describe { alt, caption, is_public, photos_checked, rights } => {
                use crate::collection::objects::change;
                let was = &all[at];
                for (field, old, new) in [
                    ("alt_be", &was.alt.be, &alt.be),
                    ("alt_en", &was.alt.en, &alt.en),
                    ("alt_ru", &was.alt.ru, &alt.ru),
                    ("caption_be", &was.caption.be, &caption.be),
                    ("caption_en", &was.caption.en, &caption.en),
                    ("caption_ru", &was.caption.ru, &caption.ru),
                ] {
                    if old != new {
                        changes.push(change(field, old.clone(), new.clone()));
                    }
                }
                if was.is_public != is_public {
                    changes.push(change("is_public", was.is_public.to_string(), is_public.to_string()));
                }
                let newly_public = is_public && !all[at].is_public;
                if newly_public
                    && record.state == crate::collection::PubState::Published
                    && !photos_checked
                    && regions::check_needed(tx, self.object).await?
                {
                    return Err(CommandError::Refused("edit-error-photos-check"));
                }
                set_text(tx, self.media, &alt, &caption).await?;
                set_public(tx, self.media, is_public).await?;
                let rights = rights.map(|r| r.uri.to_owned());
                if rights != all[at].rights {
                    sqlx::query("UPDATE media SET rights = ? WHERE id = ?")
                        .bind(&rights)
                        .bind(self.media)
                        .execute(&mut **tx)
                        .await?;
                    rights_changed = Some((all[at].rights.clone(), rights));
                }
                if photos_checked {
                    checked = Some(regions::review_all(tx, self.object).await?);
                }
            }
            PhotoChange::Up | PhotoChange::Down => {
                let mut order: Vec<i64> = all.iter().map(|m| m.id).collect();
                let other = if action == "up" { at.checked_sub(1) } else { Some(at + 1).filter(|i| *i < order.len()) };
                if let Some(other) = other {
                    order.swap(at, other);
                    reorder(tx, self.object, &order).await?;
                }
            }
            PhotoChange::Primary => make_primary(tx, self.media).await?,
            PhotoChange::Remove => {
                let (hash, derivatives): (String, String) =
                    sqlx::query_as("DELETE FROM media WHERE id = ? RETURNING hash, derivatives")
                        .bind(self.media)
                        .fetch_one(&mut **tx)
                        .await?;
                let was = &all[at];
                gone = Some(serde_json::json!({
                    "hash": hash, "position": was.position, "public": was.is_public,
                    "alt": was.alt, "caption": was.caption, "rights": was.rights, "regions": was.regions,
                }));
                removed = vec![hash, derivatives];
            }
        }
        let mut details = serde_json::json!({ "id": self.object, "media": self.media, "action": action });
        if !changes.is_empty() {
            details["changes"] = serde_json::to_value(&changes).map_err(anyhow::Error::from)?;
        }
        if let Some(gone) = gone {
            details["removed"] = gone;
        }
        if let Some((old, new)) = rights_changed {
            details["rights"] = serde_json::json!({ "old": old, "new": new });
        }
        if let Some(reviewed) = checked {
            details["photos_checked_by_curator"] = true.into();
            details["suggestions_reviewed"] = reviewed.into();
        }
        tx.audit("media-changed", &record.entry_number, details).await?;
        if record.state != crate::collection::PubState::Draft {
            tx.public_changed();
        }
        Ok(removed)
    }
}

/// Longest edge of the preview reviewers see of an offer's photo.
pub const PREVIEW_SIZE: u32 = 1200;

/// An offer's photo, sanitised and held in memory until it is written to the database with
/// its offer: the master and a preview for reviewers. Nothing of it goes to the uploads
/// folder until a curator accepts the offer.
#[derive(Clone)]
pub struct HeldPhoto {
    /// BLAKE3 of the master, the name its files will have.
    pub hash: String,
    pub master: Vec<u8>,
    pub format: MasterFormat,
    pub width: u32,
    pub height: u32,
    /// A JPEG at most [`PREVIEW_SIZE`] on its longest edge.
    pub preview: Vec<u8>,
}

impl std::fmt::Debug for HeldPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldPhoto").field("hash", &self.hash).field("bytes", &self.master.len()).finish()
    }
}

impl HeldPhoto {
    /// Holds a sanitised master with its pixels: makes the preview.
    fn of(master: Vec<u8>, format: MasterFormat, image: &DynamicImage) -> anyhow::Result<Self> {
        let (width, height) = (image.width(), image.height());
        let (w, h) = fit(width, height, PREVIEW_SIZE);
        let small;
        let preview_pixels = if (w, h) == (width, height) {
            image
        } else {
            small = image.resize_exact(w, h, image::imageops::FilterType::Triangle);
            &small
        };
        let preview = derive::encode_jpeg(preview_pixels, 85)?;
        Ok(Self { hash: blake3::hash(&master).to_hex().to_string(), master, format, width, height, preview })
    }

    /// Pixels zbor made itself (the demo's offers), held like a donor's photo.
    pub fn of_pixels(image: &RgbImage) -> anyhow::Result<Self> {
        let pixels = DynamicImage::ImageRgb8(image.clone());
        let master = derive::encode_jpeg(&pixels, sanitise::MASTER_QUALITY)?;
        Self::of(master, MasterFormat::Jpeg, &pixels)
    }
}

impl Pipeline {
    /// Sanitises every received photo of an offer and holds it in memory (master and preview),
    /// only when all of them were accepted: a refused photo leaves nothing of the others.
    pub async fn hold_all(&self, photos: upload::Received) -> Result<Vec<HeldPhoto>, IngestError> {
        let mut held = Vec::with_capacity(photos.len());
        for upload in photos.into_bytes() {
            let upload = upload.map_err(anyhow::Error::from)?;
            let _permit = self.gate.acquire().await.map_err(anyhow::Error::from)?;
            let limits = self.limits;
            let one = crate::cpu::run(move || -> Result<HeldPhoto, IngestError> {
                let mut upload = upload;
                let clean = sanitise::sanitise(&upload, &limits);
                // The original bytes (GPS, serial number) are not left in freed memory.
                zeroize::Zeroize::zeroize(&mut upload);
                let clean = clean?;
                Ok(HeldPhoto::of(clean.bytes, clean.format, &clean.image)?)
            })
            .await
            .map_err(anyhow::Error::from)??;
            held.push(one);
        }
        Ok(held)
    }
}

/// An object's image as staff see it, whatever its state.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct MediaRecord {
    pub id: i64,
    pub hash: String,
    pub width: i64,
    pub height: i64,
    pub alt: Text3,
    pub caption: Text3,
    pub position: i64,
    pub is_public: bool,
    /// `pending` until the derivatives exist (pages show a placeholder), `ready`, or `failed`.
    pub state: String,
    /// The name of its derivatives: the hash, or, with regions redacted, another name.
    pub derivatives: String,
    /// How many regions are redacted, and how many of them are suggestions not yet reviewed.
    pub regions: i64,
    pub suggested: i64,
    /// The image's own rights statement (a URI); `None` takes the object's.
    pub rights: Option<String>,
}

/// The catalogue images of an object, in their order (the first is the primary image);
/// condition report photos are listed with their reports.
pub async fn list(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<Vec<MediaRecord>> {
    sqlx::query_as(concat!(
        "SELECT id, hash, width, height, ",
        lang3!(text "alt" as "alt"),
        ", ",
        lang3!(text "caption" as "caption"),
        ", position, is_public, state, derivatives,
            (SELECT COUNT(*) FROM redactions r WHERE r.media_id = media.id) AS regions,
            (SELECT COUNT(*) FROM redactions r WHERE r.media_id = media.id AND r.suggested = 1) AS suggested,
            rights
         FROM media WHERE object_id = ? AND condition_report IS NULL ORDER BY position, id"
    ))
    .bind(object_id)
    .fetch_all(conn)
    .await
}

/// Sets an image's alternative text and caption in the three languages.
pub async fn set_text(conn: &mut SqliteConnection, media_id: i64, alt: &Text3, caption: &Text3) -> sqlx::Result<bool> {
    let changed =
        sqlx::query(concat!("UPDATE media SET ", lang3!(set "alt"), ", ", lang3!(set "caption"), " WHERE id = ?"))
            .bind3(alt)
            .bind3(caption)
            .bind(media_id)
            .execute(conn)
            .await?;
    Ok(changed.rows_affected() == 1)
}

/// Makes an image public or private (public images show only once the object is published).
pub async fn set_public(conn: &mut SqliteConnection, media_id: i64, public: bool) -> sqlx::Result<bool> {
    let changed =
        sqlx::query("UPDATE media SET is_public = ? WHERE id = ?").bind(public).bind(media_id).execute(conn).await?;
    Ok(changed.rows_affected() == 1)
}

/// Puts an object's images in the given order. `ordered` must list exactly the object's images.
pub async fn reorder(conn: &mut SqliteConnection, object_id: i64, ordered: &[i64]) -> anyhow::Result<()> {
    let mut current: Vec<i64> = list(conn, object_id).await?.into_iter().map(|m| m.id).collect();
    let mut wanted = ordered.to_vec();
    current.sort_unstable();
    wanted.sort_unstable();
    anyhow::ensure!(current == wanted, "the new order must list each of the object's images once");
    for (position, id) in ordered.iter().enumerate() {
        sqlx::query("UPDATE media SET position = ? WHERE id = ? AND object_id = ?")
            .bind(position as i64)
            .bind(id)
            .bind(object_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Makes an image the object's primary image (the first), keeping the others' order.
pub async fn make_primary(conn: &mut SqliteConnection, media_id: i64) -> anyhow::Result<()> {
    let object_id: i64 = sqlx::query_scalar("SELECT object_id FROM media WHERE id = ?")
        .bind(media_id)
        .fetch_optional(&mut *conn)
        .await?
        .context("no such image")?;
    let mut order: Vec<i64> =
        list(conn, object_id).await?.into_iter().map(|m| m.id).filter(|id| *id != media_id).collect();
    order.insert(0, media_id);
    reorder(conn, object_id, &order).await
}

/// Removes an image from its object. Its files go too, once the removal is committed, unless
/// another record shares them.
pub async fn remove(pool: &SqlitePool, store: &Store, media_id: i64) -> anyhow::Result<()> {
    let (hash, derivatives): (String, String) =
        sqlx::query_as("DELETE FROM media WHERE id = ? RETURNING hash, derivatives")
            .bind(media_id)
            .fetch_optional(pool)
            .await?
            .context("no such image")?;
    free(pool, store, &[hash, derivatives]).await
}

/// Whether an object's image or an offer's photo uses the files of `name`: its master, or the
/// derivatives of an image.
pub async fn in_use(pool: &SqlitePool, name: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM media WHERE hash = ?1 OR derivatives = ?1)
             OR EXISTS (SELECT 1 FROM offer_photos WHERE hash = ?1)",
    )
    .bind(name)
    .fetch_one(pool)
    .await
}

/// Whether `name` names the derivatives of an object's image (a redacted image's master's own
/// name does not: its unredacted sizes are nobody's to see).
pub async fn on_an_object(pool: &SqlitePool, name: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM media WHERE derivatives = ?1)").bind(name).fetch_one(pool).await
}

/// Frees every folder of the uploads whose derivatives no record shows (see [`free`]): run
/// after rebuilding derivatives and at start, so a deletion a crash interrupted, or files an
/// older backup brought back, cannot leave unredacted sizes on disk.
pub async fn sweep_stale(pool: &SqlitePool, store: &Store) -> anyhow::Result<()> {
    let shown: std::collections::HashSet<String> = sqlx::query_scalar(
        "SELECT derivatives FROM media
         UNION SELECT p.hash FROM offer_photos p JOIN offers o ON o.id = p.offer_id
               WHERE p.master IS NULL AND o.state <> 'accepted' AND p.hash NOT IN (SELECT hash FROM media)",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    let mut stale = Vec::new();
    let shards = match std::fs::read_dir(store.root()) {
        Ok(shards) => shards,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for shard in shards {
        let shard = shard?.path();
        if !shard.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&shard)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let has_derivatives =
                DERIVATIVE_SIZES.iter().any(|s| store.derivative_path(&name, *s).is_some_and(|p| p.exists()));
            if is_hash(&name) && has_derivatives && !shown.contains(&name) {
                stale.push(name);
            }
        }
    }
    if !stale.is_empty() {
        tracing::info!(folders = stale.len(), "removing derivatives no image shows");
        free(pool, store, &stale).await?;
    }
    Ok(())
}

/// Deletes the files of `hash` unless an object's image or an offer's photo still uses them.
pub async fn remove_files_if_unused(pool: &SqlitePool, store: &Store, hash: &str) -> anyhow::Result<()> {
    free(pool, store, &[hash.to_owned()]).await
}

/// Deletes the folders of `hashes` that no image uses, and their fan-out folder when it is
/// left empty: the masters an offer's acceptance wrote out before the change that would have
/// made them the object's images failed. A photo still held by its offer keeps its bytes in
/// the database; on disk it would only be a file, dated, of a photo that is not the museum's.
pub async fn remove_unattached(pool: &SqlitePool, store: &Store, hashes: &[String]) -> anyhow::Result<()> {
    for hash in hashes.iter().filter(|h| is_hash(h)) {
        let used: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM media WHERE hash = ?1 OR derivatives = ?1)")
            .bind(hash)
            .fetch_one(pool)
            .await?;
        if used {
            continue;
        }
        let dir = store.dir(hash);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(anyhow::Error::from(e).context(format!("removing {}", dir.display()))),
        }
        if let Some(fan_out) = dir.parent() {
            // Fails, as it should, while another image's folder is in it.
            let _ = std::fs::remove_dir(fan_out);
        }
    }
    Ok(())
}

/// Deletes what no record uses any more of the folders named `names`, once the change that
/// let them go is committed: a folder no image or offer uses goes whole; a master's folder
/// whose derivatives no image shows any more (its image was redacted) loses its derivatives,
/// so no unredacted size of a redacted photo is left on disk.
pub async fn free(pool: &SqlitePool, store: &Store, names: &[String]) -> anyhow::Result<()> {
    for name in names.iter().filter(|n| is_hash(n)) {
        // An offer's photo without bytes in the database owns files only on installations older
        // than held photos, while its offer waits: an accepted offer's photos are its object's
        // images, whose files go when the images do; a waiting offer's held photo has no files.
        let (master, derived): (bool, bool) = sqlx::query_as(
            "WITH legacy AS (SELECT 1 FROM offer_photos p JOIN offers o ON o.id = p.offer_id
                             WHERE p.hash = ?1 AND p.master IS NULL AND o.state <> 'accepted')
             SELECT EXISTS (SELECT 1 FROM media WHERE hash = ?1) OR EXISTS (SELECT 1 FROM legacy),
                    EXISTS (SELECT 1 FROM media WHERE derivatives = ?1)
                 OR (EXISTS (SELECT 1 FROM legacy) AND NOT EXISTS (SELECT 1 FROM media WHERE hash = ?1))",
        )
        .bind(name)
        .fetch_one(pool)
        .await?;
        match (master, derived) {
            (false, false) => {
                let dir = store.dir(name);
                match std::fs::remove_dir_all(&dir) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(anyhow::Error::from(e).context(format!("removing {}", dir.display()))),
                }
            }
            (true, false) => store.remove_derivatives(name)?,
            _ => {}
        }
    }
    Ok(())
}
