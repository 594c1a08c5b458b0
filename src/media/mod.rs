//! Images: content-addressed storage of sanitised masters and their derivatives, and the
//! media records that tie them to objects.
//!
//! Every stored file is encoded by zbor from decoded pixels, so it carries no metadata of the
//! source. Files are named by the BLAKE3 hash of the master's bytes:
//! `uploads/ab/abcdef…/master.jpg`, `…/400.jpg`, `…/1200.jpg`, `…/2400.jpg`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;
use sqlx::SqliteConnection;

use crate::collection::Text3;

/// Longest-edge sizes of the derivatives the public may fetch. Never upscaled.
pub const DERIVATIVE_SIZES: [u32; 3] = [400, 1200, 2400];

/// JPEG quality of masters and derivatives.
const JPEG_QUALITY: u8 = 86;

/// The uploads folder.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// A stored image: its hash and pixel size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub hash: String,
    pub width: u32,
    pub height: u32,
}

/// Whether `hash` looks like one of ours (64 lowercase hex digits), so it is safe in a path.
pub fn is_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

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

    /// Stores `image` as a master and its derivatives. Storing the same pixels twice is a no-op.
    pub fn store(&self, image: &RgbImage) -> anyhow::Result<Stored> {
        let master = encode_jpeg(image)?;
        let hash = blake3::hash(&master).to_hex().to_string();
        let dir = self.dir(&hash);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        write_atomically(&dir.join("master.jpg"), &master)?;
        for size in DERIVATIVE_SIZES {
            let resized = fit_within(image, size);
            write_atomically(&dir.join(format!("{size}.jpg")), &encode_jpeg(&resized)?)?;
        }
        Ok(Stored { hash, width: image.width(), height: image.height() })
    }
}

/// Scales `image` down so its longest edge is at most `size`; smaller images are kept as they are.
fn fit_within(image: &RgbImage, size: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let longest = w.max(h);
    if longest <= size {
        return image.clone();
    }
    let scale = f64::from(size) / f64::from(longest);
    let nw = ((f64::from(w) * scale).round() as u32).max(1);
    let nh = ((f64::from(h) * scale).round() as u32).max(1);
    image::imageops::resize(image, nw, nh, image::imageops::FilterType::Triangle)
}

fn encode_jpeg(image: &RgbImage) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY).encode_image(image).context("encoding JPEG")?;
    Ok(bytes)
}

/// Writes through a temporary file in the same folder and renames it into place, so a crash
/// never leaves a half-written image under its final name.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming into {}", path.display()))?;
    Ok(())
}

/// A new media record for an object's image.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub alt: Text3,
    pub caption: Text3,
    pub is_public: bool,
}

/// Attaches a stored image to an object, after its other images.
pub async fn add_media(
    conn: &mut SqliteConnection,
    object_id: i64,
    stored: &Stored,
    media: &NewMedia,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO media (object_id, hash, width, height, alt_be, alt_en, alt_ru,
            caption_be, caption_en, caption_ru, position, is_public, state, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
            (SELECT COALESCE(MAX(position) + 1, 0) FROM media WHERE object_id = ?1), ?11, 'ready', ?12)
         RETURNING id",
    )
    .bind(object_id)
    .bind(&stored.hash)
    .bind(stored.width)
    .bind(stored.height)
    .bind(&media.alt.be)
    .bind(&media.alt.en)
    .bind(&media.alt.ru)
    .bind(&media.caption.be)
    .bind(&media.caption.en)
    .bind(&media.caption.ru)
    .bind(media.is_public)
    .bind(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())
    .fetch_one(conn)
    .await
}
