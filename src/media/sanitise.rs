//! Turning an untrusted upload into a sanitised master.
//!
//! A photo from a donor's phone can carry the GPS position of their home, the camera's serial
//! number, the time, the owner's name, a preview of the uncropped picture, or a hidden file
//! after the image. Nothing of the upload is kept: it is recognised by its bytes, decoded
//! within limits, turned upright, and a new master is encoded from the pixels alone.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// Bounds on what an upload may be. Checked before anything large is allocated.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Most files in one request.
    pub max_files: usize,
    /// Most pixels in one image.
    pub max_pixels: u64,
    /// Longest side in pixels.
    pub max_side: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_file_bytes: 30 * 1000 * 1000, max_files: 8, max_pixels: 100_000_000, max_side: 30_000 }
    }
}

/// What to say of a file of a kind zbor does not take: how to make a JPEG of an iPhone's
/// HEIC photo, or else which kinds to send.
fn unsupported(kind: &str) -> String {
    if kind == "HEIC" {
        "Photos in HEIC format (as an iPhone takes them) cannot be used. Please send JPEG, PNG or WebP: on an \
         iPhone, choose Settings → Camera → Formats → Most Compatible, or share the photo as JPEG."
            .to_owned()
    } else {
        format!("Files of type {kind} cannot be used. Please send JPEG, PNG or WebP photos.")
    }
}

/// Why an upload was refused. Each has a message a donor can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("The file is empty.")]
    Empty,
    #[error("{}", unsupported(.0))]
    Unsupported(&'static str),
    #[error("This file is not a photo. Please send JPEG, PNG or WebP.")]
    NotAnImage,
    #[error("The photo is damaged or incomplete; please send it again.")]
    Corrupt,
    #[error("The photo is too large ({0}). Please send one of at most {1}.")]
    TooLarge(String, String),
    #[error("The file is larger than {0} MB. Please send a smaller photo.")]
    FileTooBig(u64),
    #[error("Too many files: at most {0} photos at a time.")]
    TooManyFiles(usize),
    #[error("The upload took too long and was stopped. Please try again.")]
    TooSlow,
    #[error("A text field is too long or not valid text.")]
    FieldTooLong,
    #[error("The form has too many fields.")]
    TooManyFields,
    #[error("The museum is receiving many photos right now. Please try again in a few minutes.")]
    Busy,
    /// The caller's check on the form's first fields (its token) refused it, so it was not
    /// read further; the caller says why.
    #[error("The form has expired.")]
    Stopped,
}

impl Refusal {
    /// The HTTP status for this refusal.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Refusal::FileTooBig(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::TooManyFiles(_) | Refusal::FieldTooLong | Refusal::TooManyFields => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::TooSlow => StatusCode::REQUEST_TIMEOUT,
            Refusal::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::Stopped => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// The formats zbor accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::WebP => ImageFormat::WebP,
        }
    }
}

/// Recognises a file by its first bytes, never by its name or declared type.
pub fn sniff(bytes: &[u8]) -> Result<Format, Refusal> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(Format::WebP);
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        let brand = bytes.get(8..12).unwrap_or_default();
        return Err(Refusal::Unsupported(match brand {
            b"avif" | b"avis" => "AVIF",
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"mif1" | b"msf1" | b"heim" | b"heis" => "HEIC",
            _ => "video",
        }));
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Err(Refusal::Unsupported("GIF"));
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Err(Refusal::Unsupported("TIFF or camera RAW"));
    }
    if starts(b"%PDF") {
        return Err(Refusal::Unsupported("PDF"));
    }
    if starts(b"BM") {
        return Err(Refusal::Unsupported("BMP"));
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    if text.contains("<svg")
        || (text.trim_start_matches('\u{feff}').trim_start().starts_with("<?xml") && text.contains("svg"))
    {
        return Err(Refusal::Unsupported("SVG"));
    }
    Err(Refusal::NotAnImage)
}

/// Whether a JPEG's entropy-coded data ends with an end-of-image marker. A truncated upload
/// would otherwise decode "successfully" with its lower part grey.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    // Walk the marker segments by their lengths to the first start-of-scan: segments before it
    // (EXIF above all) may hold a whole thumbnail JPEG with its own markers. Inside
    // entropy-coded data an 0xFF byte is always stuffed (FF 00), so FF D9 after the scan
    // begins is the real end.
    let mut at = 2;
    loop {
        let Some(&[0xFF, marker]) = bytes.get(at..at + 2) else { return false };
        match marker {
            0xFF => at += 1, // fill byte
            0xDA => break,
            0xD8 | 0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let Some(len) = bytes.get(at + 2..at + 4) else { return false };
                at += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
            }
        }
    }
    bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9])
}

/// A master image encoded by zbor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterFormat {
    /// Photographs.
    Jpeg,
    /// Images with transparency.
    Png,
}

impl MasterFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            MasterFormat::Jpeg => "jpeg",
            MasterFormat::Png => "png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            MasterFormat::Jpeg => "jpg",
            MasterFormat::Png => "png",
        }
    }
}

/// The result of sanitising: a new master, and its pixels for the derivatives.
pub struct Sanitised {
    pub bytes: Vec<u8>,
    pub format: MasterFormat,
    pub image: DynamicImage,
}

impl std::fmt::Debug for Sanitised {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sanitised")
            .field("bytes", &self.bytes.len())
            .field("format", &self.format)
            .field("width", &self.image.width())
            .field("height", &self.image.height())
            .finish()
    }
}

fn megapixels(pixels: u64) -> String {
    format!("{:.0} megapixels", pixels as f64 / 1e6)
}

fn classify(err: image::ImageError, limits: &Limits) -> Refusal {
    match err {
        image::ImageError::Limits(_) => {
            Refusal::TooLarge("more than the limits allow".to_owned(), megapixels(limits.max_pixels))
        }
        image::ImageError::Unsupported(_) => Refusal::NotAnImage,
        _ => Refusal::Corrupt,
    }
}

/// JPEG quality of masters: high, since derivatives are made from them.
pub const MASTER_QUALITY: u8 = 92;

/// Decodes `bytes` within `limits`, applies the EXIF orientation to the pixels, converts to
/// 8-bit, and encodes a new master that carries no metadata of any kind.
pub fn sanitise(bytes: &[u8], limits: &Limits) -> Result<Sanitised, Refusal> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Refusal::FileTooBig(limits.max_file_bytes / 1_000_000));
    }
    let format = sniff(bytes)?;
    if format == Format::Jpeg && !jpeg_is_complete(bytes) {
        return Err(Refusal::Corrupt);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(limits.max_side);
    decode_limits.max_image_height = Some(limits.max_side);
    // Room for the largest allowed image as 8-bit RGBA, plus the decoder's own buffers.
    decode_limits.max_alloc = Some(limits.max_pixels * 4 + 64 * 1024 * 1024);
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(|e| classify(e, limits))?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels || width > limits.max_side || height > limits.max_side {
        return Err(Refusal::TooLarge(format!("{width} × {height} pixels"), megapixels(limits.max_pixels)));
    }
    if pixels == 0 {
        return Err(Refusal::Corrupt);
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| classify(e, limits))?;
    image.apply_orientation(orientation);

    let transparent = match &image {
        DynamicImage::ImageRgba8(buffer) => buffer.pixels().any(|p| p.0[3] < 255),
        DynamicImage::ImageLumaA8(buffer) => buffer.pixels().any(|p| p.0[1] < 255),
        other if other.color().has_alpha() => other.to_rgba8().pixels().any(|p| p.0[3] < 255),
        _ => false,
    };
    if transparent {
        let mut rgba = image.into_rgba8();
        clear_under_transparency(&mut rgba);
        let rgba = DynamicImage::ImageRgba8(rgba);
        let mut bytes = Vec::new();
        rgba.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png).map_err(|_| Refusal::Corrupt)?;
        Ok(Sanitised { bytes, format: MasterFormat::Png, image: rgba })
    } else {
        let rgb = DynamicImage::ImageRgb8(image.into_rgb8());
        let bytes = super::derive::encode_jpeg(&rgb, MASTER_QUALITY).map_err(|_| Refusal::Corrupt)?;
        Ok(Sanitised { bytes, format: MasterFormat::Jpeg, image: rgb })
    }
}

/// Keeps of each pixel's colour only what shows: white under a fully transparent pixel, and
/// under a partly transparent one the colour as its opacity lets it be seen (premultiplied
/// and back, in 8 bits). Erasing part of a photo to transparency is a common way to hide a
/// face or a name, and the colour under it would otherwise survive in the file.
fn clear_under_transparency(image: &mut image::RgbaImage) {
    for pixel in image.pixels_mut() {
        let [r, g, b, a] = pixel.0;
        let visible = |c: u8| -> u8 {
            if a == 0 {
                return 255;
            }
            let (c, a) = (u32::from(c), u32::from(a));
            let premultiplied = (c * a + 127) / 255;
            ((premultiplied * 255 + a / 2) / a).min(255) as u8
        };
        pixel.0 = [visible(r), visible(g), visible(b), a];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_hides_under_transparent_pixels() {
        let mut image = image::RgbaImage::from_pixel(4, 1, image::Rgba([17, 99, 201, 0]));
        image.put_pixel(1, 0, image::Rgba([17, 99, 201, 255]));
        image.put_pixel(2, 0, image::Rgba([17, 99, 201, 3]));
        clear_under_transparency(&mut image);
        assert_eq!(image.get_pixel(0, 0).0, [255, 255, 255, 0], "nothing under full transparency");
        assert_eq!(image.get_pixel(1, 0).0, [17, 99, 201, 255], "opaque pixels are as they were");
        // At 3/255 opacity only a few levels of each colour can show.
        let [r, g, b, _] = image.get_pixel(2, 0).0;
        assert!([r, g, b].iter().all(|c| c % 85 == 0), "{r} {g} {b}");
    }

    #[test]
    fn files_are_recognised_by_their_bytes() {
        assert_eq!(sniff(b""), Err(Refusal::Empty));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Ok(Format::Jpeg));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(Format::WebP));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0"), Err(Refusal::Unsupported("HEIC")));
        assert_eq!(sniff(b"GIF89a.."), Err(Refusal::Unsupported("GIF")));
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg xmlns="), Err(Refusal::Unsupported("SVG")));
        assert_eq!(sniff(b"%PDF-1.7"), Err(Refusal::Unsupported("PDF")));
        assert_eq!(sniff(b"hello, this is text"), Err(Refusal::NotAnImage));
    }
}
