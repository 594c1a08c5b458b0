//! Redaction: regions of a photo (faces, names, number plates) destroyed in the pixels before
//! any public derivative is made from them.
//!
//! A region is filled with one flat colour, or, for a face, pixelated in coarse blocks (at
//! least an eighth of the region's shorter side, each the mean of its pixels). There is no
//! blur and no fine pixelation: both can be reversed. The master is never changed; the
//! derivatives of a photo with regions live under a name made of the master's hash and the
//! regions ([`derivatives_key`]), so changing the regions changes every public address.

use image::RgbImage;
use serde::Serialize;

use crate::collection::types::vocabulary;

vocabulary!(
    /// The outline of a region.
    Shape, "redact-shape" {
        Rect = "rect",
        Ellipse = "ellipse",
    }
);

vocabulary!(
    /// What a region hides.
    Kind, "redact-kind" {
        Face = "face",
        Text = "text",
        Plate = "plate",
        Other = "other",
    }
);

vocabulary!(
    /// How a region is destroyed.
    Method, "redact-method" {
        /// One flat colour: nothing of the pixels is left.
        Fill = "fill",
        /// Coarse blocks, each the mean of its pixels: for faces only (text can be read back
        /// from pixelation).
        Pixelate = "pixelate",
    }
);

/// The colour of a filled region: a dark grey that reads as "removed" on any photo.
pub const FILL: [u8; 3] = [38, 38, 38];

/// Blocks of a pixelated region are at least its shorter side divided by this.
pub const BLOCKS_ACROSS: u32 = 8;

/// One region, in the master's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Region {
    pub shape: Shape,
    pub kind: Kind,
    pub method: Method,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// Why a region was refused; each is a translated message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// Not a shape, kind or method we know, or a coordinate that is not a number.
    Unknown,
    /// Empty, or reaching outside the image.
    Outside,
    /// Pixelation asked for something that is not a face.
    PixelatedText,
}

impl Invalid {
    pub fn key(self) -> &'static str {
        match self {
            Self::Unknown => "redact-error-unknown",
            Self::Outside => "redact-error-outside",
            Self::PixelatedText => "redact-error-pixelate",
        }
    }
}

impl Region {
    /// A region from a form's text fields, checked against the image's size.
    pub fn parse(
        shape: &str,
        kind: &str,
        method: &str,
        [x, y, w, h]: [&str; 4],
        (width, height): (u32, u32),
    ) -> Result<Self, Invalid> {
        let number = |text: &str| -> Result<u32, Invalid> {
            let value: f64 = text.trim().parse().map_err(|_| Invalid::Unknown)?;
            if !value.is_finite() || value < 0.0 || value > f64::from(u32::MAX) {
                return Err(Invalid::Outside);
            }
            Ok(value.round() as u32)
        };
        let region = Self {
            shape: Shape::parse(shape).ok_or(Invalid::Unknown)?,
            kind: Kind::parse(kind).ok_or(Invalid::Unknown)?,
            method: if method.is_empty() { Method::Fill } else { Method::parse(method).ok_or(Invalid::Unknown)? },
            x: number(x)?,
            y: number(y)?,
            w: number(w)?,
            h: number(h)?,
        };
        region.check((width, height))?;
        Ok(region)
    }

    /// Whether the region is allowed on an image of `width`×`height`.
    pub fn check(&self, (width, height): (u32, u32)) -> Result<(), Invalid> {
        if self.method == Method::Pixelate && self.kind != Kind::Face {
            return Err(Invalid::PixelatedText);
        }
        let inside =
            |start: u32, len: u32, limit: u32| len > 0 && start.checked_add(len).is_some_and(|end| end <= limit);
        if !inside(self.x, self.w, width) || !inside(self.y, self.h, height) {
            return Err(Invalid::Outside);
        }
        Ok(())
    }

    /// The side of a pixelation block.
    pub fn block(&self) -> u32 {
        self.w.min(self.h).div_ceil(BLOCKS_ACROSS).max(1)
    }

    /// Whether pixel (`px`, `py`) is inside the region's shape.
    fn contains(&self, px: u32, py: u32) -> bool {
        match self.shape {
            Shape::Rect => true,
            Shape::Ellipse => {
                let (rx, ry) = (f64::from(self.w) / 2.0, f64::from(self.h) / 2.0);
                let dx = (f64::from(px) + 0.5 - f64::from(self.x) - rx) / rx;
                let dy = (f64::from(py) + 0.5 - f64::from(self.y) - ry) / ry;
                dx * dx + dy * dy <= 1.0
            }
        }
    }

    /// The region in canonical text, one line: what its derivatives' name is made of.
    fn canonical(&self) -> String {
        format!("{} {} {} {} {} {}", self.shape, self.method, self.x, self.y, self.w, self.h)
    }
}

/// The regions in the order they are applied: the same set always gives the same pixels.
pub fn canonical_order(regions: &mut [Region]) {
    regions.sort_by_key(|r| (r.y, r.x, r.h, r.w, r.shape.as_str(), r.method.as_str()));
}

/// The name of the folder holding the derivatives of master `hash` with `regions`: the hash
/// itself without regions (as before redaction existed), otherwise a BLAKE3 of both.
pub fn derivatives_key(hash: &str, regions: &[Region]) -> String {
    if regions.is_empty() {
        return hash.to_owned();
    }
    let mut ordered = regions.to_vec();
    canonical_order(&mut ordered);
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"zbor redaction 1\n");
    hasher.update(hash.as_bytes());
    for region in &ordered {
        hasher.update(b"\n");
        hasher.update(region.canonical().as_bytes());
    }
    hasher.finalize().to_hex().to_string()
}

/// Destroys every region in `image`'s pixels. Regions are clipped to the image.
pub fn apply(image: &mut RgbImage, regions: &[Region]) {
    let mut ordered = regions.to_vec();
    canonical_order(&mut ordered);
    for region in &ordered {
        match region.method {
            Method::Fill => fill(image, region),
            Method::Pixelate => pixelate(image, region),
        }
    }
}

/// The region's pixel bounds clipped to the image: `(x0, y0, x1, y1)`, end exclusive.
fn bounds(image: &RgbImage, region: &Region) -> (u32, u32, u32, u32) {
    let x1 = region.x.saturating_add(region.w).min(image.width());
    let y1 = region.y.saturating_add(region.h).min(image.height());
    (region.x.min(x1), region.y.min(y1), x1, y1)
}

fn fill(image: &mut RgbImage, region: &Region) {
    let (x0, y0, x1, y1) = bounds(image, region);
    for y in y0..y1 {
        for x in x0..x1 {
            if region.contains(x, y) {
                image.put_pixel(x, y, image::Rgb(FILL));
            }
        }
    }
}

fn pixelate(image: &mut RgbImage, region: &Region) {
    let (x0, y0, x1, y1) = bounds(image, region);
    let block = region.block();
    for by in (y0..y1).step_by(block as usize) {
        for bx in (x0..x1).step_by(block as usize) {
            let (ex, ey) = ((bx + block).min(x1), (by + block).min(y1));
            let mut sum = [0u64; 3];
            let mut count = 0u64;
            for y in by..ey {
                for x in bx..ex {
                    if region.contains(x, y) {
                        for (total, value) in sum.iter_mut().zip(image.get_pixel(x, y).0) {
                            *total += u64::from(value);
                        }
                        count += 1;
                    }
                }
            }
            if count == 0 {
                continue;
            }
            let mean = image::Rgb(sum.map(|s| ((s + count / 2) / count) as u8));
            for y in by..ey {
                for x in bx..ex {
                    if region.contains(x, y) {
                        image.put_pixel(x, y, mean);
                    }
                }
            }
        }
    }
}

/// Draws the regions' outlines on a picture scaled from the master by `scale` (staff see
/// what will be destroyed): a white line outside a magenta one, visible on any photo.
pub fn outline(image: &mut RgbImage, regions: &[Region], scale: f64) {
    for region in regions {
        let scaled = Region {
            x: (f64::from(region.x) * scale) as u32,
            y: (f64::from(region.y) * scale) as u32,
            w: ((f64::from(region.w) * scale) as u32).max(1),
            h: ((f64::from(region.h) * scale) as u32).max(1),
            ..*region
        };
        let (x0, y0, x1, y1) = bounds(image, &scaled);
        let outside = |x: i64, y: i64| {
            x < i64::from(x0)
                || y < i64::from(y0)
                || x >= i64::from(x1)
                || y >= i64::from(y1)
                || !scaled.contains(x as u32, y as u32)
        };
        // How far inside the shape a pixel is, up to 4: the line is 1 white and 3 magenta.
        let depth = |x: u32, y: u32| {
            let (x, y) = (i64::from(x), i64::from(y));
            (1..=4).find(|&d| outside(x - d, y) || outside(x + d, y) || outside(x, y - d) || outside(x, y + d))
        };
        for y in y0..y1 {
            for x in x0..x1 {
                if scaled.contains(x, y) {
                    match depth(x, y) {
                        Some(1) => image.put_pixel(x, y, image::Rgb([255, 255, 255])),
                        Some(_) => image.put_pixel(x, y, image::Rgb([214, 0, 92])),
                        None => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            let v = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).to_le_bytes();
            image::Rgb([v[0], v[1], v[2]])
        })
    }

    fn region(shape: Shape, kind: Kind, method: Method, [x, y, w, h]: [u32; 4]) -> Region {
        Region { shape, kind, method, x, y, w, h }
    }

    #[test]
    fn a_filled_rectangle_is_one_colour_and_nothing_outside_changes() {
        let original = noisy(200, 100);
        let mut image = original.clone();
        let r = region(Shape::Rect, Kind::Text, Method::Fill, [20, 10, 50, 30]);
        apply(&mut image, &[r]);
        for (x, y, p) in image.enumerate_pixels() {
            let inside = (20..70).contains(&x) && (10..40).contains(&y);
            if inside {
                assert_eq!(p.0, FILL);
            } else {
                assert_eq!(p, original.get_pixel(x, y));
            }
        }
    }

    #[test]
    fn pixelation_leaves_only_block_means_of_at_least_an_eighth() {
        let original = noisy(300, 300);
        let mut image = original.clone();
        let r = region(Shape::Rect, Kind::Face, Method::Pixelate, [10, 20, 160, 80]);
        assert_eq!(r.block(), 10);
        apply(&mut image, &[r]);
        for by in 0..8 {
            for bx in 0..16 {
                let (x0, y0) = (10 + bx * 10, 20 + by * 10);
                let first = *image.get_pixel(x0, y0);
                let mut sum = [0u64; 3];
                for y in y0..y0 + 10 {
                    for x in x0..x0 + 10 {
                        assert_eq!(*image.get_pixel(x, y), first, "block ({bx}, {by}) is not flat");
                        for (total, value) in sum.iter_mut().zip(original.get_pixel(x, y).0) {
                            *total += u64::from(value);
                        }
                    }
                }
                assert_eq!(first.0, sum.map(|s| ((s + 50) / 100) as u8));
            }
        }
    }

    #[test]
    fn an_ellipse_spares_its_corners() {
        let original = noisy(100, 100);
        let mut image = original.clone();
        apply(&mut image, &[region(Shape::Ellipse, Kind::Face, Method::Fill, [0, 0, 100, 100])]);
        assert_eq!(image.get_pixel(50, 50).0, FILL);
        assert_eq!(image.get_pixel(0, 0), original.get_pixel(0, 0));
        assert_eq!(image.get_pixel(99, 99), original.get_pixel(99, 99));
    }

    #[test]
    fn forms_are_checked() {
        let size = (640, 480);
        let ok = Region::parse("ellipse", "face", "pixelate", ["10", "20.4", "30", "40"], size).unwrap();
        assert_eq!((ok.x, ok.y, ok.w, ok.h), (10, 20, 30, 40));
        assert_eq!(Region::parse("rect", "text", "", ["0", "0", "1", "1"], size).unwrap().method, Method::Fill);
        let refused = |fields: [&str; 4]| Region::parse("rect", "face", "fill", fields, size).unwrap_err();
        assert_eq!(refused(["600", "0", "41", "10"]), Invalid::Outside);
        assert_eq!(refused(["0", "0", "0", "10"]), Invalid::Outside);
        assert_eq!(refused(["-1", "0", "5", "10"]), Invalid::Outside);
        assert_eq!(refused(["x", "0", "5", "10"]), Invalid::Unknown);
        assert_eq!(refused(["4294967295", "0", "5", "10"]), Invalid::Outside);
        assert_eq!(
            Region::parse("rect", "text", "pixelate", ["0", "0", "5", "5"], size).unwrap_err(),
            Invalid::PixelatedText
        );
        assert_eq!(
            Region::parse("rect", "plate", "pixelate", ["0", "0", "5", "5"], size).unwrap_err(),
            Invalid::PixelatedText
        );
        assert_eq!(Region::parse("blur", "face", "fill", ["0", "0", "5", "5"], size).unwrap_err(), Invalid::Unknown);
        assert_eq!(Region::parse("rect", "face", "blur", ["0", "0", "5", "5"], size).unwrap_err(), Invalid::Unknown);
    }

    #[test]
    fn the_key_depends_on_the_regions_not_their_order_or_kind() {
        let a = region(Shape::Rect, Kind::Face, Method::Fill, [1, 2, 3, 4]);
        let b = region(Shape::Ellipse, Kind::Face, Method::Pixelate, [5, 6, 7, 8]);
        let hash = "ab".repeat(32);
        assert_eq!(derivatives_key(&hash, &[]), hash);
        let key = derivatives_key(&hash, &[a, b]);
        assert!(super::super::is_hash(&key));
        assert_eq!(key, derivatives_key(&hash, &[b, a]));
        assert_eq!(key, derivatives_key(&hash, &[Region { kind: Kind::Other, ..a }, b]));
        assert_ne!(key, derivatives_key(&hash, &[a]));
        assert_ne!(key, derivatives_key(&hash, &[Region { x: 2, ..a }, b]));
        assert_ne!(key, derivatives_key(&"cd".repeat(32), &[a, b]));
    }
}
