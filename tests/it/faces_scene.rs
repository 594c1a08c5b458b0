//! Scenes with faces at known places, made from two head photographs that may be shipped:
//! `tests/data/faces/astronaut_head.png` (NASA's portrait of Eileen Collins, public domain) and
//! `camera_head.png` (the "cameraman" by Lav Varshney, CC0), both as scikit-image ships them
//! in `skimage/data/`. Shared by the detector's tests and `examples/faces_bench.rs`.

use image::{Rgb, RgbImage, imageops};

/// A head photograph and where its face is in it (the detector's box, checked by eye).
struct Head {
    image: RgbImage,
    face: (u32, u32, u32),
}

fn heads() -> [Head; 2] {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/faces");
    let open = |name: &str| image::open(format!("{dir}/{name}")).expect("a head photograph").to_rgb8();
    [
        Head { image: open("astronaut_head.png"), face: (58, 58, 98) },
        Head { image: open("camera_head.png"), face: (42, 42, 70) },
    ]
}

/// A small deterministic generator.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
}

/// A face-free background: a slow gradient with grain.
pub fn background(width: u32, height: u32, rng: &mut Lcg) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let g = (60 + 120 * x / width + 40 * y / height) as i32;
        let n = (rng.next() % 41) as i32 - 20;
        let v = |o: i32| (g + o + n).clamp(0, 255) as u8;
        Rgb([v(10), v(0), v(-15)])
    })
}

/// A `width`×`height` scene with one face of each width in `sizes` (each in its own cell of a
/// grid of four columns, alternating the two heads, some mirrored, some darker or lighter).
/// Returns the scene and each face's box `(x, y, w, h)`.
pub fn scene(width: u32, height: u32, sizes: &[u32], seed: u64) -> (RgbImage, Vec<(u32, u32, u32, u32)>) {
    let heads = heads();
    let mut rng = Lcg(seed);
    let mut canvas = background(width, height, &mut rng);
    let columns = 4u32;
    let rows = (sizes.len() as u32).div_ceil(columns);
    let (cell_w, cell_h) = (width / columns, height / rows.max(1));
    let gains = [1.0f32, 0.65, 1.3, 0.85];
    let mut faces = Vec::new();
    for (k, &size) in sizes.iter().enumerate() {
        let head = &heads[(k + seed as usize) % 2];
        let flip = (k + seed as usize).is_multiple_of(3);
        let gain = gains[(k + 2 * seed as usize) % 4];
        let scale = f64::from(size) / f64::from(head.face.2);
        let (w, h) = (
            (f64::from(head.image.width()) * scale).round() as u32,
            (f64::from(head.image.height()) * scale).round() as u32,
        );
        let mut crop = imageops::resize(&head.image, w, h, imageops::FilterType::Triangle);
        let mut fx = f64::from(head.face.0) * scale;
        if flip {
            crop = imageops::flip_horizontal(&crop);
            fx = f64::from(w) - fx - f64::from(size);
        }
        let cx = (k as u32 % columns) * cell_w;
        let cy = (k as u32 / columns) * cell_h;
        let px = cx + rng.next() % cell_w.saturating_sub(w).max(1);
        let py = cy + rng.next() % cell_h.saturating_sub(h).max(1);
        paste(&mut canvas, &crop, px, py, gain);
        let fy = f64::from(head.face.1) * scale;
        faces.push(((f64::from(px) + fx) as u32, (f64::from(py) + fy) as u32, size, size));
    }
    (canvas, faces)
}

/// Pastes `crop` with feathered edges, its brightness scaled by `gain`.
fn paste(canvas: &mut RgbImage, crop: &RgbImage, px: u32, py: u32, gain: f32) {
    let (cw, ch) = crop.dimensions();
    let feather = (cw.min(ch) as f32 * 0.08).max(1.0);
    for y in 0..ch.min(canvas.height().saturating_sub(py)) {
        for x in 0..cw.min(canvas.width().saturating_sub(px)) {
            let edge = x.min(cw - 1 - x).min(y).min(ch - 1 - y) as f32;
            let a = (edge / feather).min(1.0);
            let source = crop.get_pixel(x, y).0;
            let target = canvas.get_pixel_mut(px + x, py + y);
            for (t, s) in target.0.iter_mut().zip(source) {
                let v = (f32::from(s) * gain).min(255.0);
                *t = (v * a + f32::from(*t) * (1.0 - a)).round() as u8;
            }
        }
    }
}

/// Intersection over union of two boxes.
pub fn iou(a: (u32, u32, u32, u32), b: (u32, u32, u32, u32)) -> f64 {
    let (ax1, ay1, bx1, by1) = (a.0 + a.2, a.1 + a.3, b.0 + b.2, b.1 + b.3);
    let iw = ax1.min(bx1).saturating_sub(a.0.max(b.0));
    let ih = ay1.min(by1).saturating_sub(a.1.max(b.1));
    let inter = f64::from(iw) * f64::from(ih);
    let union = f64::from(a.2) * f64::from(a.3) + f64::from(b.2) * f64::from(b.3) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}
