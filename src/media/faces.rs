//! Faces found in a photo, offered to a curator as regions to redact.
//!
//! The detector is SeetaFace's funnel-structured cascade (the `rustface` crate, pure Rust),
//! its frontal-face model (1.2 MB, BSD-2-Clause, `assets/`) built into the binary: nothing is
//! downloaded or read at run time. It runs on a grey copy at most [`WORKING_EDGE`] pixels on its
//! longest edge, so its 40-pixel window finds faces of about 120 pixels and more in a 24 MP
//! photo. It finds frontal and near-frontal faces only: suggestions help a curator, who still
//! looks at every photo (publishing a photo of people asks for that).

use std::sync::OnceLock;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

use super::redact::{Kind, Method, Region, Shape};

/// The model's bytes, in the binary.
static MODEL: &[u8] = include_bytes!("../../assets/seeta_fd_frontal_v1.0.bin");

/// Longest edge of the copy the detector looks at.
pub const WORKING_EDGE: u32 = 2048;

/// Scores below this are not suggested (rustface's own default, 3.85, misses small faces).
const SCORE: f64 = 2.0;

/// How much a suggested region reaches beyond the detector's box (which holds eyes, nose and
/// mouth) on each side, as a share of its size: hair, ears and chin identify too.
const MARGIN: f64 = 0.3;

fn model() -> Option<&'static rustface::Model> {
    static PARSED: OnceLock<Option<rustface::Model>> = OnceLock::new();
    PARSED
        .get_or_init(|| match rustface::read_model(MODEL) {
            Ok(model) => Some(model),
            Err(err) => {
                tracing::error!(error = %err, "the face model could not be read; no faces will be suggested");
                None
            }
        })
        .as_ref()
}

/// A face found, in the photo's pixels, with the detector's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Face {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub score: f64,
}

/// Faces in `image`, as the detector boxes them.
pub fn detect(image: &RgbImage) -> Vec<Face> {
    let Some(model) = model() else { return Vec::new() };
    let (width, height) = image.dimensions();
    let (gray, gw, gh) = gray_copy(image);
    // The detector's window is 40 pixels (and it panics on anything smaller).
    if gw < 40 || gh < 40 {
        return Vec::new();
    }
    // One detector per call: it is not `Send`, and making one from the parsed model is cheap.
    let mut detector = rustface::create_detector_with_model(model.clone());
    detector.set_score_thresh(SCORE);
    detector.set_pyramid_scale_factor(0.8);
    detector.set_slide_window_step(4, 4);
    let (sx, sy) = (f64::from(width) / f64::from(gw), f64::from(height) / f64::from(gh));
    detector
        .detect(&rustface::ImageData::new(&gray, gw, gh))
        .iter()
        .filter_map(|face| {
            let b = face.bbox();
            let x0 = (f64::from(b.x()) * sx).clamp(0.0, f64::from(width));
            let y0 = (f64::from(b.y()) * sy).clamp(0.0, f64::from(height));
            let x1 = ((f64::from(b.x()) + f64::from(b.width())) * sx).clamp(0.0, f64::from(width));
            let y1 = ((f64::from(b.y()) + f64::from(b.height())) * sy).clamp(0.0, f64::from(height));
            let (w, h) = ((x1 - x0) as u32, (y1 - y0) as u32);
            (w > 0 && h > 0).then_some(Face { x: x0 as u32, y: y0 as u32, w, h, score: face.score() })
        })
        .collect()
}

/// The regions to suggest for the faces in `image`: an ellipse a little larger than each face,
/// filled (the default method), inside the image.
pub fn suggest(image: &RgbImage) -> Vec<Region> {
    let (width, height) = image.dimensions();
    detect(image)
        .into_iter()
        .map(|face| {
            let (mx, my) = (f64::from(face.w) * MARGIN, f64::from(face.h) * MARGIN);
            let x0 = (f64::from(face.x) - mx).max(0.0);
            let y0 = (f64::from(face.y) - my * 1.2).max(0.0);
            let x1 = (f64::from(face.x + face.w) + mx).min(f64::from(width));
            let y1 = (f64::from(face.y + face.h) + my).min(f64::from(height));
            Region {
                shape: Shape::Ellipse,
                kind: Kind::Face,
                method: Method::Fill,
                x: x0 as u32,
                y: y0 as u32,
                w: ((x1 - x0) as u32).max(1),
                h: ((y1 - y0) as u32).max(1),
            }
        })
        .collect()
}

/// [`suggest`] for decoded pixels of any kind (a copy is made only when they are not RGB).
pub fn suggest_in(image: &image::DynamicImage) -> Vec<Region> {
    match image.as_rgb8() {
        Some(rgb) => suggest(rgb),
        // Transparency flattened onto white, as the public sizes are.
        None => suggest(&super::derive::to_rgb(image.clone())),
    }
}

/// A grey copy of `image` at most [`WORKING_EDGE`] on its longest edge (never enlarged).
fn gray_copy(image: &RgbImage) -> (Vec<u8>, u32, u32) {
    let (w, h) = image.dimensions();
    let (gw, gh) = super::fit(w, h, WORKING_EDGE);
    let resized;
    let pixels: &[u8] = if (gw, gh) == (w, h) {
        image.as_raw()
    } else {
        let source = ImageRef::new(w, h, image.as_raw(), PixelType::U8x3);
        let mut target = Image::new(gw, gh, PixelType::U8x3);
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
        match source.map(|source| Resizer::new().resize(&source, &mut target, &options)) {
            Ok(Ok(())) => {
                resized = target.into_vec();
                &resized
            }
            _ => return (Vec::new(), 0, 0),
        }
    };
    let gray = pixels
        .chunks_exact(3)
        .map(|p| ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29 + 128) >> 8) as u8)
        .collect();
    (gray, gw, gh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_in_the_binary_is_read() {
        assert!(model().is_some());
    }

    #[test]
    fn nothing_is_found_in_a_tiny_or_flat_image_and_nothing_panics() {
        for (w, h) in [(1, 1), (39, 200), (200, 39), (64, 64)] {
            assert!(detect(&RgbImage::from_pixel(w, h, image::Rgb([128, 120, 110]))).is_empty(), "{w}×{h}");
        }
    }
}
