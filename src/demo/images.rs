//! Procedural pictures for the demo collection: studio-style "photographs" of
//! protest objects (paintings, posters, flags, ribbons, badges, clothing,
//! letters, prints, documents) painted from a seed.
//!
//! The demo collection needs believable images, but binary files in the
//! repository bloat history and raise licensing questions, so every picture is
//! drawn here from simple shapes; `image` is only used for the output buffer.
//! The renderer is intentionally tiny:
//!
//! * a floating-point `Canvas` with alpha blending;
//! * one anti-aliased scanline polygon rasteriser (`rasterize`). Circles,
//!   curves and strokes are flattened into polygons first, so per-pixel work is
//!   a few additions and pictures render quickly even in unoptimised builds;
//! * soft shadows blurred at quarter resolution, textures laid onto rotated
//!   sheets (`Canvas::blit`) or hung as waving cloth (`Canvas::drape`), and
//!   value noise for paper, paint and fabric.
//!
//! Output is a pure function of `(motif, seed, width, height)`: randomness comes
//! from an inline SplitMix64 generator, never from the environment.

use std::f32::consts::{PI, TAU};

use image::RgbImage;

/// What the picture shows; the demo also types its objects by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motif {
    Painting,
    Poster,
    Flag,
    Ribbon,
    Badge,
    Banner,
    Clothing,
    Letter,
    Photograph,
    Document,
    Other,
}

impl Motif {
    /// The code of the object type the demo gives an object with this motif.
    pub fn code(self) -> &'static str {
        match self {
            Motif::Painting => "painting",
            Motif::Poster => "poster",
            Motif::Flag => "flag",
            Motif::Ribbon => "ribbon",
            Motif::Badge => "badge",
            Motif::Banner => "banner",
            Motif::Clothing => "clothing",
            Motif::Letter => "letter",
            Motif::Photograph => "photograph",
            Motif::Document => "document",
            Motif::Other => "other",
        }
    }
}

/// Paints a picture of `motif` at `width`×`height`, varied by `seed`.
///
/// The object sits on a soft studio backdrop, as in a museum's catalogue
/// photography. The same arguments always give the same pixels.
pub fn paint(motif: Motif, seed: u64, width: u32, height: u32) -> RgbImage {
    paint_with_faces(motif, seed, width, height).0
}

/// [`paint`], with the boxes `(x, y, w, h)` of the faces it painted large enough to recognise
/// (the nearer people of a photograph's crowd), for the demo to mark them for redaction.
pub fn paint_with_faces(motif: Motif, seed: u64, width: u32, height: u32) -> (RgbImage, Vec<[u32; 4]>) {
    if width == 0 || height == 0 {
        return (RgbImage::new(width, height), Vec::new());
    }
    let mut faces = Vec::new();
    let mut rng = Rng::new(seed, motif as u64 + 1);
    let mut c = backdrop(width as usize, height as usize, &mut rng);
    match motif {
        Motif::Painting => painting(&mut c, &mut rng),
        Motif::Poster => poster(&mut c, &mut rng),
        Motif::Flag => flag(&mut c, &mut rng),
        Motif::Ribbon => ribbon(&mut c, &mut rng),
        Motif::Badge => badges(&mut c, &mut rng),
        Motif::Banner => banner(&mut c, &mut rng),
        Motif::Clothing => clothing(&mut c, &mut rng),
        Motif::Letter => letter(&mut c, &mut rng),
        Motif::Photograph => photograph(&mut c, &mut rng, &mut faces),
        Motif::Document => document(&mut c, &mut rng),
        Motif::Other => other(&mut c, &mut rng),
    }
    (c.into_image(rng.next_u32()), faces)
}

// ---------------------------------------------------------------------------
// Randomness, colour and noise
// ---------------------------------------------------------------------------

/// SplitMix64: tiny, fast and good enough for picking shapes and colours.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, salt: u64) -> Self {
        Rng(seed ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    fn sign(&mut self) -> f32 {
        if self.chance(0.5) { 1.0 } else { -1.0 }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Linear RGB-ish working colour, nominally 0..1 per channel.
type Rgbf = [f32; 3];
type Pt = (f32, f32);

const fn rgb(r: u8, g: u8, b: u8) -> Rgbf {
    [r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0]
}

/// Cloth white is never paper white on a photograph: slightly warm and grey.
const CLOTH_WHITE: Rgbf = rgb(238, 236, 229);
/// The flag's red (#C8102E), muted the way dyed cloth photographs.
const CLOTH_RED: Rgbf = rgb(186, 28, 46);
const PAINT_WHITE: Rgbf = rgb(242, 237, 224);
const PAINT_RED: Rgbf = rgb(198, 42, 48);
const INK: Rgbf = rgb(36, 34, 38);
const PAPER: Rgbf = rgb(238, 234, 222);
const BLACK: Rgbf = [0.0; 3];
const WHITE: Rgbf = [1.0; 3];

fn mix(a: Rgbf, b: Rgbf, t: f32) -> Rgbf {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

fn scale(c: Rgbf, k: f32) -> Rgbf {
    [c[0] * k, c[1] * k, c[2] * k]
}

fn clamp01(x: f32) -> f32 {
    x.clamp(0.0, 1.0)
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = clamp01((x - e0) / (e1 - e0));
    t * t * (3.0 - 2.0 * t)
}

/// Anti-aliased indicator of `lo <= v <= hi`, with `v` in pixels.
fn band(v: f32, lo: f32, hi: f32) -> f32 {
    clamp01(v - lo + 0.5).min(clamp01(hi - v + 0.5))
}

/// Anti-aliased periodic stripes along `v` (pixels): 1 in the first `duty`
/// fraction of every `period`.
fn stripe(v: f32, period: f32, duty: f32) -> f32 {
    let p = v.rem_euclid(period);
    let on = duty * period;
    let d = if p < on { p.min(on - p) } else { -(p - on).min(period - p) };
    clamp01(d + 0.5)
}

/// Linear interpolation through `(x, y)` knots sorted by `x`.
fn piecewise(knots: &[(f32, f32)], x: f32) -> f32 {
    let mut prev = knots[0];
    if x <= prev.0 {
        return prev.1;
    }
    for &k in &knots[1..] {
        if x <= k.0 {
            return prev.1 + (k.1 - prev.1) * (x - prev.0) / (k.0 - prev.0);
        }
        prev = k;
    }
    prev.1
}

/// Integer hash to `[0, 1)`; the basis of all noise.
fn hash2(x: i32, y: i32, seed: u32) -> f32 {
    let mut h =
        (x as u32).wrapping_mul(0x8DA6_B343) ^ (y as u32).wrapping_mul(0xD816_3841) ^ seed.wrapping_mul(0xCB1A_B31F);
    h ^= h >> 16;
    h = h.wrapping_mul(0x7FEB_352D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x846C_A68B);
    h ^= h >> 16;
    (h >> 8) as f32 / 16_777_216.0
}

/// Smooth value noise in `[0, 1)` with features about one unit apart.
fn noise(x: f32, y: f32, seed: u32) -> f32 {
    let (xf, yf) = (x.floor(), y.floor());
    let (xi, yi) = (xf as i32, yf as i32);
    let (tx, ty) = (x - xf, y - yf);
    let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
    let (x1, y1) = (xi.wrapping_add(1), yi.wrapping_add(1));
    let top = hash2(xi, yi, seed) + (hash2(x1, yi, seed) - hash2(xi, yi, seed)) * sx;
    let bottom = hash2(xi, y1, seed) + (hash2(x1, y1, seed) - hash2(xi, y1, seed)) * sx;
    top + (bottom - top) * sy
}

/// Two octaves of value noise, for blotches and clouds.
fn fbm(x: f32, y: f32, seed: u32) -> f32 {
    0.65 * noise(x, y, seed) + 0.35 * noise(x * 2.3, y * 2.3, seed ^ 0x9E37)
}

/// Directional brush texture for painted surfaces (a multiplier near 1).
fn brush(x: f32, y: f32, seed: u32) -> f32 {
    0.92 + 0.11 * noise(x / 14.0, y / 4.0, seed) + 0.04 * noise(x / 3.0, y / 20.0, seed ^ 7)
}

// ---------------------------------------------------------------------------
// Geometry: everything becomes a polygon
// ---------------------------------------------------------------------------

fn signed_area(pts: &[Pt]) -> f32 {
    let mut a = 0.0;
    for (i, p) in pts.iter().enumerate() {
        let q = pts[(i + 1) % pts.len()];
        a += p.0 * q.1 - q.0 * p.1;
    }
    a * 0.5
}

/// Makes a contour's winding positive, so several contours filled together
/// form a union under the non-zero rule instead of punching holes.
fn oriented(mut pts: Vec<Pt>) -> Vec<Pt> {
    if signed_area(&pts) < 0.0 {
        pts.reverse();
    }
    pts
}

fn polygon(pts: &[Pt]) -> Vec<Pt> {
    oriented(pts.to_vec())
}

fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Vec<Pt> {
    oriented(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
}

fn rect_rot((cx, cy): Pt, w: f32, h: f32, angle: f32) -> Vec<Pt> {
    let (s, c) = angle.sin_cos();
    let corners = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)];
    oriented(
        corners
            .iter()
            .map(|&(u, v)| {
                let (x, y) = (u * w, v * h);
                (cx + x * c - y * s, cy + x * s + y * c)
            })
            .collect(),
    )
}

fn rounded_rect(x0: f32, y0: f32, x1: f32, y1: f32, r: f32) -> Vec<Pt> {
    let r = r.min((x1 - x0).abs() * 0.5).min((y1 - y0).abs() * 0.5).max(0.0);
    let corners = [(x1 - r, y1 - r, 0.0), (x0 + r, y1 - r, 0.5 * PI), (x0 + r, y0 + r, PI), (x1 - r, y0 + r, 1.5 * PI)];
    let mut pts = Vec::with_capacity(28);
    for (cx, cy, a0) in corners {
        for i in 0..=6 {
            let a = a0 + i as f32 / 6.0 * 0.5 * PI;
            pts.push((cx + r * a.cos(), cy + r * a.sin()));
        }
    }
    oriented(pts)
}

fn ellipse_rot(cx: f32, cy: f32, rx: f32, ry: f32, angle: f32) -> Vec<Pt> {
    // Enough vertices that the flattening error stays well under a pixel.
    let n = ((rx.abs() + ry.abs()).sqrt() * 6.0).clamp(16.0, 160.0) as usize;
    let (s, c) = angle.sin_cos();
    oriented(
        (0..n)
            .map(|i| {
                let (ts, tc) = (i as f32 / n as f32 * TAU).sin_cos();
                let (x, y) = (rx * tc, ry * ts);
                (cx + x * c - y * s, cy + x * s + y * c)
            })
            .collect(),
    )
}

fn ellipse(cx: f32, cy: f32, rx: f32, ry: f32) -> Vec<Pt> {
    ellipse_rot(cx, cy, rx, ry, 0.0)
}

fn circle((cx, cy): Pt, r: f32) -> Vec<Pt> {
    ellipse_rot(cx, cy, r, r, 0.0)
}

/// An annulus: the inner contour winds the other way and cuts the hole.
fn ring(c: Pt, outer: f32, inner: f32) -> Vec<Vec<Pt>> {
    let mut hole = circle(c, inner);
    hole.reverse();
    vec![circle(c, outer), hole]
}

/// A line segment with round ends.
fn capsule(a: Pt, b: Pt, r: f32) -> Vec<Pt> {
    let theta = (b.1 - a.1).atan2(b.0 - a.0);
    let mut pts = Vec::with_capacity(20);
    for (p, start) in [(b, theta - 0.5 * PI), (a, theta + 0.5 * PI)] {
        for i in 0..=9 {
            let t = start + i as f32 / 9.0 * PI;
            pts.push((p.0 + r * t.cos(), p.1 + r * t.sin()));
        }
    }
    oriented(pts)
}

/// The classic parametric heart, `size` wide, centred on `(cx, cy)`.
fn heart((cx, cy): Pt, size: f32) -> Vec<Pt> {
    let k = size / 32.0;
    polygon(
        &(0..72)
            .map(|i| {
                let t = i as f32 / 72.0 * TAU;
                let x = 16.0 * t.sin().powi(3);
                let y = 13.0 * t.cos() - 5.0 * (2.0 * t).cos() - 2.0 * (3.0 * t).cos() - (4.0 * t).cos();
                (cx + x * k, cy - (y + 2.5) * k)
            })
            .collect::<Vec<_>>(),
    )
}

/// Moves every vertex of a small convex shape away from its centroid by `d`,
/// a cheap outline for triangles such as cats' ears.
fn grow(pts: &[Pt], d: f32) -> Vec<Pt> {
    let n = pts.len() as f32;
    let (mx, my) = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    polygon(
        &pts.iter()
            .map(|&(x, y)| {
                let (dx, dy) = unit_vec((x - mx, y - my));
                (x + dx * d, y + dy * d)
            })
            .collect::<Vec<_>>(),
    )
}

fn unit_vec((x, y): Pt) -> Pt {
    let len = (x * x + y * y).sqrt();
    if len > 1e-6 { (x / len, y / len) } else { (1.0, 0.0) }
}

fn cubic(p0: Pt, p1: Pt, p2: Pt, p3: Pt, n: usize) -> Vec<Pt> {
    (0..=n)
        .map(|i| {
            let t = i as f32 / n as f32;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            (a * p0.0 + b * p1.0 + c * p2.0 + d * p3.0, a * p0.1 + b * p1.1 + c * p2.1 + d * p3.1)
        })
        .collect()
}

/// A Catmull-Rom curve through `pts`, `per` samples per span.
fn smooth_path(pts: &[Pt], per: usize) -> Vec<Pt> {
    let n = pts.len();
    let mut out = Vec::with_capacity(n * per + 1);
    for i in 0..n.saturating_sub(1) {
        let (p0, p1, p2, p3) = (pts[i.saturating_sub(1)], pts[i], pts[i + 1], pts[(i + 2).min(n - 1)]);
        for j in 0..per {
            let t = j as f32 / per as f32;
            let (t2, t3) = (t * t, t * t * t);
            let f = |a: f32, b: f32, c: f32, d: f32| {
                0.5 * (2.0 * b
                    + (c - a) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2
                    + (3.0 * b - a - 3.0 * c + d) * t3)
            };
            out.push((f(p0.0, p1.0, p2.0, p3.0), f(p0.1, p1.1, p2.1, p3.1)));
        }
    }
    out.extend(pts.last());
    out
}

/// Outline of a stroke along `path` with half-width `hw(t)`, `t` running 0→1.
///
/// `notch` cuts a V of that depth into the start and end (ribbon tails). A
/// band narrower than `outer` (the full ribbon's half-width) is cut by the
/// matching part of the same V, so stripes painted as narrower strokes along
/// the same path line up with the tail.
fn stroke(path: &[Pt], hw: impl Fn(f32) -> f32, notch: [f32; 2], outer: f32) -> Vec<Pt> {
    let n = path.len();
    if n < 2 {
        return Vec::new();
    }
    let tangent = |i: usize| {
        let (a, b) = (path[i.saturating_sub(1)], path[(i + 1).min(n - 1)]);
        unit_vec((b.0 - a.0, b.1 - a.1))
    };
    let mut left = Vec::with_capacity(n + 1);
    let mut right = Vec::with_capacity(n);
    for (i, &p) in path.iter().enumerate() {
        let (tx, ty) = tangent(i);
        let r = hw(i as f32 / (n - 1) as f32);
        let depth = match i {
            0 => notch[0],
            _ if i == n - 1 => notch[1],
            _ => 0.0,
        };
        // Pull the corners back along the path by the V's depth at offset r.
        let back = if depth > 0.0 { depth * (1.0 - r / outer.max(r)) } else { 0.0 };
        let inward = if i == 0 { back } else { -back };
        let q = (p.0 + tx * inward, p.1 + ty * inward);
        left.push((q.0 - ty * r, q.1 + tx * r));
        right.push((q.0 + ty * r, q.1 - tx * r));
    }
    if notch[1] > 0.0 {
        let (tx, ty) = tangent(n - 1);
        left.push((path[n - 1].0 - tx * notch[1], path[n - 1].1 - ty * notch[1]));
    }
    left.extend(right.into_iter().rev());
    if notch[0] > 0.0 {
        let (tx, ty) = tangent(0);
        left.push((path[0].0 + tx * notch[0], path[0].1 + ty * notch[0]));
    }
    oriented(left)
}

/// A plain stroke of constant half-width `r`.
fn line(path: &[Pt], r: f32) -> Vec<Pt> {
    stroke(path, |_| r, [0.0; 2], r)
}

fn bounds(shape: &[Vec<Pt>]) -> Option<[f32; 4]> {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for &(x, y) in shape.iter().flatten() {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

/// Largest `aspect` (w/h) rectangle fitting in `max_w`×`max_h`.
fn fit(aspect: f32, max_w: f32, max_h: f32) -> (f32, f32) {
    if max_w / max_h > aspect { (max_h * aspect, max_h) } else { (max_w, max_w / aspect) }
}

/// Pixel dimensions for a texture, never zero.
fn dims(w: f32, h: f32) -> (usize, usize) {
    (w.round().max(1.0) as usize, h.round().max(1.0) as usize)
}

// ---------------------------------------------------------------------------
// Rasteriser and canvas
// ---------------------------------------------------------------------------

/// Vertical samples per pixel row. Horizontal coverage is exact, so four rows
/// give smooth edges at every angle for a fraction of the cost of 4×4 samples.
const SUB_ROWS: usize = 4;

/// Non-zero-winding scanline rasteriser. Calls `emit(x, y, coverage)` once for
/// every pixel inside `clip` (`[x0, y0, x1, y1)`, non-negative) that the shape
/// touches, coverage in `(0, 1]`.
fn rasterize(shape: &[Vec<Pt>], clip: [i32; 4], mut emit: impl FnMut(usize, usize, f32)) {
    struct Edge {
        y0: f32,
        y1: f32,
        x0: f32,
        dxdy: f32,
        dir: i32,
    }
    let Some([minx, miny, maxx, maxy]) = bounds(shape) else {
        return;
    };
    let mut edges = Vec::new();
    for contour in shape {
        for (i, &a) in contour.iter().enumerate() {
            let b = contour[(i + 1) % contour.len()];
            if a.1 == b.1 {
                continue; // horizontal edges never cross a sample row
            }
            let (p, q, dir) = if a.1 < b.1 { (a, b, 1) } else { (b, a, -1) };
            edges.push(Edge { y0: p.1, y1: q.1, x0: p.0, dxdy: (q.0 - p.0) / (q.1 - p.1), dir });
        }
    }
    let x_lo = (minx.floor() as i32).max(clip[0]);
    let x_hi = (maxx.ceil() as i32).saturating_add(1).min(clip[2]);
    let y_lo = (miny.floor() as i32).max(clip[1]);
    let y_hi = (maxy.ceil() as i32).min(clip[3]);
    if edges.is_empty() || x_lo >= x_hi || y_lo >= y_hi {
        return;
    }
    let width = (x_hi - x_lo) as usize;
    // Partial coverage of span ends, plus a difference array for the fully
    // covered middles so long spans cost O(1) per sub-row.
    let mut cover = vec![0.0f32; width + 1];
    let mut delta = vec![0.0f32; width + 2];
    let mut xs: Vec<(f32, i32)> = Vec::new();
    let weight = 1.0 / SUB_ROWS as f32;
    let (fx_lo, fx_hi) = (x_lo as f32, x_hi as f32);
    for y in y_lo..y_hi {
        cover.fill(0.0);
        delta.fill(0.0);
        let mut touched = false;
        for s in 0..SUB_ROWS {
            let sy = y as f32 + (s as f32 + 0.5) * weight;
            xs.clear();
            xs.extend(edges.iter().filter(|e| sy >= e.y0 && sy < e.y1).map(|e| (e.x0 + (sy - e.y0) * e.dxdy, e.dir)));
            if xs.len() < 2 {
                continue;
            }
            xs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let (mut winding, mut start) = (0, 0.0);
            for &(x, dir) in &xs {
                let was_inside = winding != 0;
                winding += dir;
                if !was_inside && winding != 0 {
                    start = x;
                } else if was_inside && winding == 0 {
                    let a = start.clamp(fx_lo, fx_hi) - fx_lo;
                    let b = x.clamp(fx_lo, fx_hi) - fx_lo;
                    if b > a {
                        touched = true;
                        let (ia, ib) = (a as usize, b as usize);
                        if ia == ib {
                            cover[ia] += (b - a) * weight;
                        } else {
                            cover[ia] += (ia as f32 + 1.0 - a) * weight;
                            delta[ia + 1] += weight;
                            delta[ib] -= weight;
                            cover[ib] += (b - ib as f32) * weight;
                        }
                    }
                }
            }
        }
        if !touched {
            continue;
        }
        let mut run = 0.0;
        for (i, (&d, &c)) in delta.iter().zip(&cover).take(width).enumerate() {
            run += d;
            let cov = (run + c).min(1.0);
            if cov > 0.002 {
                emit((x_lo + i as i32) as usize, y as usize, cov);
            }
        }
    }
}

/// A floating-point RGB image we paint on; converted to 8 bits at the end.
struct Canvas {
    w: usize,
    h: usize,
    px: Vec<Rgbf>,
}

/// Where a rectangular texture lies on a canvas: centre, size and rotation.
#[derive(Clone, Copy)]
struct Place {
    centre: Pt,
    w: f32,
    h: f32,
    angle: f32,
}

impl Place {
    fn of(tex: &Canvas, centre: Pt, angle: f32) -> Self {
        Place { centre, w: tex.w as f32, h: tex.h as f32, angle }
    }

    /// Canvas position of texture pixel coordinates `(u, v)`.
    fn at(&self, u: f32, v: f32) -> Pt {
        let (s, c) = self.angle.sin_cos();
        let (x, y) = (u - self.w * 0.5, v - self.h * 0.5);
        (self.centre.0 + x * c - y * s, self.centre.1 + x * s + y * c)
    }

    fn outline(&self) -> Vec<Pt> {
        oriented(vec![self.at(0.0, 0.0), self.at(self.w, 0.0), self.at(self.w, self.h), self.at(0.0, self.h)])
    }
}

fn solid(c: Rgbf) -> impl Fn(f32, f32) -> (Rgbf, f32) {
    move |_, _| (c, 1.0)
}

impl Canvas {
    fn new(w: usize, h: usize, c: Rgbf) -> Self {
        let (w, h) = (w.max(1), h.max(1));
        Canvas { w, h, px: vec![c; w * h] }
    }

    fn size(&self) -> (f32, f32) {
        (self.w as f32, self.h as f32)
    }

    /// Sets every pixel from `f(x, y)` evaluated at pixel centres.
    fn paint_all(&mut self, f: impl Fn(f32, f32) -> Rgbf) {
        for (i, p) in self.px.iter_mut().enumerate() {
            *p = f((i % self.w) as f32 + 0.5, (i / self.w) as f32 + 0.5);
        }
    }

    /// Replaces every pixel by `f(x, y, colour)`.
    fn map(&mut self, f: impl Fn(f32, f32, Rgbf) -> Rgbf) {
        for (i, p) in self.px.iter_mut().enumerate() {
            *p = f((i % self.w) as f32 + 0.5, (i / self.w) as f32 + 0.5, *p);
        }
    }

    /// Multiplies every pixel by `f(x, y)`.
    fn modulate(&mut self, f: impl Fn(f32, f32) -> f32) {
        self.map(|x, y, c| scale(c, f(x, y)));
    }

    fn blend(&mut self, x: usize, y: usize, c: Rgbf, a: f32) {
        let p = &mut self.px[y * self.w + x];
        *p = mix(*p, c, a);
    }

    /// Fills `shape` (a union of contours); `paint(x, y)` gives colour and opacity.
    fn fill(&mut self, shape: &[Vec<Pt>], paint: impl Fn(f32, f32) -> (Rgbf, f32)) {
        let (w, px) = (self.w, &mut self.px);
        rasterize(shape, [0, 0, self.w as i32, self.h as i32], |x, y, cov| {
            let (c, a) = paint(x as f32 + 0.5, y as f32 + 0.5);
            let p = &mut px[y * w + x];
            *p = mix(*p, c, cov * a);
        });
    }

    /// Darkens the canvas under `shape` moved by `offset`, blurred by about
    /// `blur` pixels. The mask is rasterised and blurred at quarter resolution:
    /// shadows are soft anyway, and this keeps large blurs cheap.
    fn shadow(&mut self, shape: &[Vec<Pt>], offset: Pt, blur: f32, strength: f32) {
        const F: f32 = 4.0;
        let Some([x0, y0, x1, y1]) = bounds(shape) else {
            return;
        };
        let pad = blur * 3.0 + F;
        let bx0 = (x0 + offset.0 - pad).floor().max(0.0);
        let by0 = (y0 + offset.1 - pad).floor().max(0.0);
        let bx1 = (x1 + offset.0 + pad).ceil().min(self.w as f32);
        let by1 = (y1 + offset.1 + pad).ceil().min(self.h as f32);
        if bx1 <= bx0 || by1 <= by0 {
            return;
        }
        let mw = ((bx1 - bx0) / F).ceil() as usize + 1;
        let mh = ((by1 - by0) / F).ceil() as usize + 1;
        let local: Vec<Vec<Pt>> = shape
            .iter()
            .map(|c| c.iter().map(|&(x, y)| ((x + offset.0 - bx0) / F, (y + offset.1 - by0) / F)).collect())
            .collect();
        let mut mask = vec![0.0f32; mw * mh];
        rasterize(&local, [0, 0, mw as i32, mh as i32], |x, y, c| mask[y * mw + x] = c);
        box_blur(&mut mask, mw, mh, (blur / F).round().max(1.0) as usize);
        // A shadow on a warm backdrop is a little warm, never neutral black.
        let tint = [0.30, 0.28, 0.26];
        for y in by0 as usize..by1 as usize {
            let my = (y as f32 + 0.5 - by0) / F - 0.5;
            for x in bx0 as usize..bx1 as usize {
                let mx = (x as f32 + 0.5 - bx0) / F - 0.5;
                let m = sample_mask(&mask, mw, mh, mx, my) * strength;
                if m > 0.002 {
                    let p = &mut self.px[y * self.w + x];
                    for (v, t) in p.iter_mut().zip(tint) {
                        *v *= 1.0 - m * (1.0 - t);
                    }
                }
            }
        }
    }

    /// Bilinear sample at pixel coordinates (pixel centres at integers).
    fn sample(&self, x: f32, y: f32) -> Rgbf {
        let x = x.clamp(0.0, (self.w - 1) as f32);
        let y = y.clamp(0.0, (self.h - 1) as f32);
        let (x0, y0) = (x as usize, y as usize);
        let (x1, y1) = ((x0 + 1).min(self.w - 1), (y0 + 1).min(self.h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let row = |yy: usize| mix(self.px[yy * self.w + x0], self.px[yy * self.w + x1], fx);
        mix(row(y0), row(y1), fy)
    }

    /// Lays `tex` onto the canvas at `place` with anti-aliased edges;
    /// `shade(u, v)` (texture pixels) multiplies the colour, for folds and gloss.
    fn blit(&mut self, tex: &Canvas, place: Place, shade: impl Fn(f32, f32) -> f32) {
        let (tw, th) = tex.size();
        let (s, c) = place.angle.sin_cos();
        let (cx, cy) = place.centre;
        let ex = (c.abs() * tw + s.abs() * th) * 0.5 + 1.0;
        let ey = (s.abs() * tw + c.abs() * th) * 0.5 + 1.0;
        let x0 = (cx - ex).floor().clamp(0.0, self.w as f32) as usize;
        let x1 = (cx + ex).ceil().clamp(0.0, self.w as f32) as usize;
        let y0 = (cy - ey).floor().clamp(0.0, self.h as f32) as usize;
        let y1 = (cy + ey).ceil().clamp(0.0, self.h as f32) as usize;
        for y in y0..y1 {
            let dy = y as f32 + 0.5 - cy;
            for x in x0..x1 {
                let dx = x as f32 + 0.5 - cx;
                let u = dx * c + dy * s + tw * 0.5;
                let v = dy * c - dx * s + th * 0.5;
                let cov = clamp01(u + 0.5).min(clamp01(tw - u + 0.5)) * clamp01(v + 0.5).min(clamp01(th - v + 0.5));
                if cov > 0.0 {
                    let col = scale(tex.sample(u - 0.5, v - 0.5), shade(u, v));
                    self.blend(x, y, col, cov);
                }
            }
        }
    }

    /// Hangs `tex` as cloth: texture column `i` lands on canvas column `x0 + i`
    /// between `top[i]` and `bottom[i]`, its colour multiplied by `shade[i]`.
    /// Waves and sags are therefore just per-column curves, computed once.
    fn drape(&mut self, tex: &Canvas, x0: i32, top: &[f32], bottom: &[f32], shade: &[f32]) {
        for (i, ((&t, &b), &k)) in top.iter().zip(bottom).zip(shade).enumerate().take(tex.w) {
            let x = x0 + i as i32;
            if x < 0 || x >= self.w as i32 || b <= t {
                continue;
            }
            let ys = t.floor().clamp(0.0, self.h as f32) as usize;
            let ye = b.ceil().clamp(0.0, self.h as f32) as usize;
            let per_px = tex.h as f32 / (b - t);
            for y in ys..ye {
                let yc = y as f32 + 0.5;
                let cov = clamp01(yc - t + 0.5).min(clamp01(b - yc + 0.5));
                if cov > 0.0 {
                    let col = tex.sample(i as f32, (yc - t) * per_px - 0.5);
                    self.blend(x as usize, y, scale(col, k), cov);
                }
            }
        }
    }

    /// Copies `src` with its top-left corner at `(x0, y0)` (clipped).
    fn paste(&mut self, src: &Canvas, x0: usize, y0: usize) {
        for y in 0..src.h.min(self.h.saturating_sub(y0)) {
            let n = src.w.min(self.w.saturating_sub(x0));
            let d = (y0 + y) * self.w + x0;
            self.px[d..d + n].copy_from_slice(&src.px[y * src.w..y * src.w + n]);
        }
    }

    /// Converts to 8-bit RGB with a touch of film grain, which also hides banding
    /// in the smooth backdrop gradients. The grain comes from an inline LCG:
    /// a full hash per pixel is needlessly slow in unoptimised builds.
    fn into_image(self, seed: u32) -> RgbImage {
        let mut raw = Vec::with_capacity(self.px.len() * 3);
        let mut state = seed | 1;
        for p in &self.px {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let g = ((state >> 16) as f32 / 65_536.0 - 0.5) * 0.02;
            for v in p {
                raw.push(((v + g).clamp(0.0, 1.0) * 255.0 + 0.5) as u8);
            }
        }
        let (w, h) = (self.w as u32, self.h as u32);
        RgbImage::from_raw(w, h, raw).unwrap_or_else(|| RgbImage::new(w, h))
    }
}

/// A slowly varying scalar field sampled on a coarse grid and interpolated,
/// for paper blotches and the like: evaluating value noise at every pixel is
/// the main cost of large textures in unoptimised builds.
struct Field {
    cell: f32,
    w: usize,
    h: usize,
    v: Vec<f32>,
}

impl Field {
    fn new(width: f32, height: f32, cell: f32, f: impl Fn(f32, f32) -> f32) -> Self {
        let w = (width / cell).ceil().max(0.0) as usize + 2;
        let h = (height / cell).ceil().max(0.0) as usize + 2;
        let v = (0..w * h).map(|i| f((i % w) as f32 * cell, (i / w) as f32 * cell)).collect();
        Field { cell, w, h, v }
    }

    fn at(&self, x: f32, y: f32) -> f32 {
        sample_mask(&self.v, self.w, self.h, x / self.cell, y / self.cell)
    }
}

/// Three passes of a box blur of radius `r` approximate a Gaussian (σ ≈ r).
fn box_blur(buf: &mut [f32], w: usize, h: usize, r: usize) {
    let mut src = vec![0.0f32; w.max(h)];
    let mut dst = vec![0.0f32; w.max(h)];
    for _ in 0..3 {
        for y in 0..h {
            let row = &mut buf[y * w..(y + 1) * w];
            src[..w].copy_from_slice(row);
            blur_line(&src[..w], &mut dst[..w], r);
            row.copy_from_slice(&dst[..w]);
        }
        for x in 0..w {
            for y in 0..h {
                src[y] = buf[y * w + x];
            }
            blur_line(&src[..h], &mut dst[..h], r);
            for y in 0..h {
                buf[y * w + x] = dst[y];
            }
        }
    }
}

fn blur_line(src: &[f32], dst: &mut [f32], r: usize) {
    let n = src.len();
    let norm = 1.0 / (2 * r + 1) as f32;
    let mut acc: f32 = src[..r.min(n)].iter().sum();
    for i in 0..n {
        if i + r < n {
            acc += src[i + r];
        }
        dst[i] = acc * norm;
        if i >= r {
            acc -= src[i - r];
        }
    }
}

fn sample_mask(mask: &[f32], w: usize, h: usize, x: f32, y: f32) -> f32 {
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x as usize, y as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let top = mask[y0 * w + x0] + (mask[y0 * w + x1] - mask[y0 * w + x0]) * fx;
    let bottom = mask[y1 * w + x0] + (mask[y1 * w + x1] - mask[y1 * w + x0]) * fx;
    top + (bottom - top) * fy
}

// ---------------------------------------------------------------------------
// Shared scenery and materials
// ---------------------------------------------------------------------------

/// A seamless studio sweep: darker at the top, lighter towards the table,
/// lit from a soft key light near the centre, with a gentle vignette.
fn backdrop(w: usize, h: usize, rng: &mut Rng) -> Canvas {
    const TONES: [(Rgbf, Rgbf); 4] = [
        (rgb(188, 186, 182), rgb(232, 230, 225)), // neutral grey
        (rgb(198, 190, 176), rgb(238, 232, 221)), // warm beige
        (rgb(182, 186, 190), rgb(226, 228, 229)), // cool grey
        (rgb(206, 200, 190), rgb(242, 238, 230)), // pale linen
    ];
    let (top, floor) = rng.pick(&TONES);
    let mut c = Canvas::new(w, h, top);
    let (fw, fh) = c.size();
    let (kx, ky) = (fw * rng.range(0.4, 0.6), fh * 0.42);
    let (sx, sy) = (1.0 / (fw * 0.8), 1.0 / (fh * 0.95));
    for (y, row) in c.px.chunks_mut(w).enumerate() {
        let fy = y as f32 + 0.5;
        let base = mix(top, floor, smoothstep(0.0, 1.0, fy / fh));
        let dy = (fy - ky) * sy;
        for (x, p) in row.iter_mut().enumerate() {
            let dx = (x as f32 + 0.5 - kx) * sx;
            *p = scale(base, 1.06 - 0.3 * (dx * dx + dy * dy));
        }
    }
    c
}

/// A sheet of paper: fibres, and with `age` > 0 yellowing towards the edges
/// and foxing spots.
fn paper(w: usize, h: usize, base: Rgbf, age: f32, seed: u32) -> Canvas {
    let mut t = Canvas::new(w, h, base);
    let (fw, fh) = t.size();
    let edge = fw.min(fh) * 0.1;
    let yellow = rgb(216, 192, 142);
    let blot = 1.0 / (fw.min(fh) * 0.12).max(1.0);
    // Yellowing varies slowly: compute it on a coarse grid.
    let yellowing = Field::new(fw, fh, (fw.min(fh) * 0.008).max(1.0), |x, y| {
        let rim = 1.0 - smoothstep(0.0, edge, x.min(y).min(fw - x).min(fh - y));
        age * (0.45 * rim + 0.35 * fbm(x * blot, y * blot, seed ^ 3))
    });
    t.paint_all(|x, y| {
        let fibre =
            0.975 + 0.035 * hash2(x as i32, y as i32, seed) + 0.02 * hash2(x as i32 / 3, y as i32 / 24, seed ^ 9);
        if age <= 0.0 {
            return scale(base, fibre);
        }
        scale(mix(base, yellow, yellowing.at(x, y)), fibre)
    });
    // Foxing: small soft brown spots, more of them on older paper.
    let mut rng = Rng::new(u64::from(seed), 0xF0C5);
    let fox = rgb(170, 128, 80);
    for _ in 0..(age * 40.0) as usize {
        let (cx, cy) = (fw * rng.unit(), fh * rng.unit());
        let r = fw.min(fh) * rng.range(0.002, 0.012);
        let strength = age * rng.range(0.2, 0.5);
        t.fill(&[circle((cx, cy), r)], |x, y| {
            let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() / r;
            (fox, strength * (1.0 - d * d).max(0.0))
        });
    }
    t
}

/// Shading for one crease across a folded sheet at `mid`: a dark valley and
/// panels lit slightly differently on either side.
fn crease(u: f32, mid: f32) -> f32 {
    let d = u - mid;
    let valley = 1.0 - 0.07 * (1.0 - smoothstep(0.0, 2.5, d.abs()));
    valley * if d < 0.0 { 1.01 } else { 0.975 }
}

/// Lays a flat object (paper, print) on the table: shadow, then the texture.
fn lay(c: &mut Canvas, tex: &Canvas, centre: Pt, angle: f32, shade: impl Fn(f32, f32) -> f32) -> Place {
    let place = Place::of(tex, centre, angle);
    let s = c.w.min(c.h) as f32;
    c.shadow(&[place.outline()], (s * 0.006, s * 0.014), s * 0.012, 0.5);
    c.blit(tex, place, shade);
    place
}

/// A little waving white-red-white flag whose hoist's top corner is `(x, y)`.
fn small_flag(c: &mut Canvas, (x, y): Pt, len: f32, phase: f32) {
    let fh = len * 0.5;
    let edge = |u: f32, v: f32| (x + u * len, y + v * fh + (u * TAU * 1.1 + phase).sin() * fh * 0.14 * u);
    let strip = |v0: f32, v1: f32| {
        let mut pts: Vec<Pt> = (0..=12).map(|j| edge(j as f32 / 12.0, v0)).collect();
        pts.extend((0..=12).rev().map(|j| edge(j as f32 / 12.0, v1)));
        polygon(&pts)
    };
    let shade = |px: f32| 0.9 + 0.12 * ((px - x) / len * TAU * 1.1 + phase).cos();
    c.fill(&[strip(0.0, 1.0)], |px, _| (scale(CLOTH_WHITE, shade(px)), 1.0));
    c.fill(&[strip(1.0 / 3.0, 2.0 / 3.0)], |px, _| (scale(CLOTH_RED, shade(px)), 1.0));
}

/// A raised fist, about `k` tall above `(x, y)`, its forearm reaching down to
/// `arm_end`. Returns the silhouette and the thin gaps between the fingers
/// (to paint in the background colour).
fn fist((x, y): Pt, k: f32, arm_end: f32) -> (Vec<Vec<Pt>>, Vec<Vec<Pt>>) {
    let mut hand = vec![
        rounded_rect(x - 0.17 * k, y + 0.1 * k, x + 0.17 * k, arm_end, 0.03 * k),
        rounded_rect(x - 0.27 * k, y - 0.2 * k, x + 0.25 * k, y + 0.24 * k, 0.1 * k),
    ];
    for i in 0..4 {
        let fx = x - 0.27 * k + i as f32 * 0.13 * k;
        let lift = if i == 0 || i == 3 { 0.03 * k } else { 0.0 };
        hand.push(rounded_rect(fx, y - 0.33 * k + lift, fx + 0.13 * k, y - 0.02 * k, 0.06 * k));
    }
    let mut gaps: Vec<Vec<Pt>> = (1..4)
        .map(|i| {
            let fx = x - 0.27 * k + i as f32 * 0.13 * k;
            capsule((fx, y - 0.3 * k), (fx, y - 0.13 * k), 0.01 * k)
        })
        .collect();
    // The thumb folds across the fingers: its outline is a gap too.
    gaps.push(line(
        &cubic(
            (x - 0.26 * k, y + 0.02 * k),
            (x - 0.1 * k, y - 0.1 * k),
            (x + 0.05 * k, y - 0.08 * k),
            (x + 0.13 * k, y - 0.08 * k),
            10,
        ),
        0.012 * k,
    ));
    (hand, gaps)
}

/// A raised open hand, fingertips about `0.5 k` above `(x, y)`, wrist down to `arm_end`.
fn open_hand((x, y): Pt, k: f32, arm_end: f32) -> Vec<Vec<Pt>> {
    let mut hand = vec![
        rounded_rect(x - 0.2 * k, y - 0.14 * k, x + 0.2 * k, y + 0.2 * k, 0.08 * k),
        rounded_rect(x - 0.15 * k, y + 0.1 * k, x + 0.15 * k, arm_end, 0.02 * k),
        capsule((x - 0.16 * k, y + 0.06 * k), (x - 0.36 * k, y - 0.13 * k), 0.052 * k),
    ];
    for (i, len) in [0.3, 0.36, 0.34, 0.26].into_iter().enumerate() {
        let fx = x - 0.15 * k + i as f32 * 0.1 * k;
        let spread = (i as f32 - 1.5) * 0.03 * k;
        hand.push(capsule((fx, y - 0.1 * k), (fx + spread, y - (0.1 + len) * k), 0.045 * k));
    }
    hand
}

// Strokes of the blocky pseudo-letters used for headlines.
const G_L: u8 = 1;
const G_R: u8 = 2;
const G_T: u8 = 4;
const G_M: u8 = 8;
const G_B: u8 = 16;
const G_C: u8 = 32;
const G_D: u8 = 64;
const G_A: u8 = 128;
/// Letter-like stroke sets (Н П Е Т Г О И Ь З Ш Х Ж …): read as Cyrillic
/// capitals from afar without spelling anything.
const GLYPHS: [u8; 14] = [
    G_L | G_R | G_M,
    G_L | G_R | G_T,
    G_L | G_T | G_M | G_B,
    G_T | G_C,
    G_L | G_T,
    G_L | G_R | G_T | G_B,
    G_L | G_R | G_A,
    G_L | G_M | G_B,
    G_R | G_T | G_M | G_B,
    G_L | G_R | G_B | G_C,
    G_D | G_A,
    G_D | G_A | G_C,
    G_L | G_T | G_M,
    G_L | G_R | G_T | G_M,
];

/// A centred line of bold pseudo-letters, `cap` tall, about `max_w` wide at most.
fn glyph_line(c: &mut Canvas, rng: &mut Rng, (cx, top): Pt, cap: f32, max_w: f32, col: Rgbf) {
    let (lw, gap, space) = (cap * 0.62, cap * 0.16, cap * 0.5);
    let adv = lw + gap;
    let mut words = Vec::new();
    let mut total = 0.0;
    loop {
        let n = 2 + rng.below(6);
        let width = n as f32 * adv - gap;
        let add = if words.is_empty() { width } else { width + space };
        if total + add > max_w {
            if words.is_empty() {
                let n = ((max_w + gap) / adv).floor().max(1.0) as usize;
                words.push(n);
                total = n as f32 * adv - gap;
            }
            break;
        }
        words.push(n);
        total += add;
        if words.len() >= 2 && total > max_w * 0.6 && rng.chance(0.5) {
            break;
        }
    }
    let t = cap * 0.19;
    let mut x = cx - total * 0.5;
    let mut shape = Vec::new();
    for n in words {
        for _ in 0..n {
            let g = rng.pick(&GLYPHS);
            let (x1, y1, mid) = (x + lw, top + cap, top + cap * 0.5);
            let parts = [
                (G_L, rect(x, top, x + t, y1)),
                (G_R, rect(x1 - t, top, x1, y1)),
                (G_T, rect(x, top, x1, top + t)),
                (G_M, rect(x, mid - t * 0.5, x1, mid + t * 0.5)),
                (G_B, rect(x, y1 - t, x1, y1)),
                (G_C, rect(x + (lw - t) * 0.5, top, x + (lw + t) * 0.5, y1)),
                (G_D, polygon(&[(x, top), (x + t * 1.3, top), (x1, y1), (x1 - t * 1.3, y1)])),
                (G_A, polygon(&[(x1 - t * 1.3, top), (x1, top), (x + t * 1.3, y1), (x, y1)])),
            ];
            shape.extend(parts.into_iter().filter(|(bit, _)| g & bit != 0).map(|(_, p)| p));
            x += adv;
        }
        x += space;
    }
    c.fill(&shape, solid(col));
}

/// Thin rounded bars standing in for `lines` lines of small print.
fn text_bars(c: &mut Canvas, rng: &mut Rng, (x0, y0): Pt, width: f32, lines: usize, pitch: f32, ink: (Rgbf, f32)) {
    let r = (pitch * 0.18).max(0.4);
    let mut shape = Vec::new();
    for i in 0..lines {
        let y = y0 + i as f32 * pitch;
        let end = x0 + width * if i + 1 == lines { rng.range(0.3, 0.7) } else { rng.range(0.9, 1.0) };
        let mut x = x0;
        while x < end {
            let xe = (x + r * rng.range(6.0, 22.0)).min(end);
            if xe - x > 2.0 * r {
                shape.push(capsule((x + r, y), (xe - r, y), r));
            }
            x = xe + r * 2.6;
        }
    }
    c.fill(&shape, |_, _| ink);
}

/// One line of cursive "handwriting" from `x0` to about `x1` on baseline `base`.
///
/// Each letter is one turn of a trochoid: with a small radius it is a wave
/// like "u" or "n", with a large one it loops like "l" or "e"; a slant and a
/// few descenders make it read as script.
fn handwriting(c: &mut Canvas, rng: &mut Rng, (x0, x1): (f32, f32), base: f32, size: f32, ink: Rgbf) {
    const STEPS: usize = 14;
    let pen = (size * 0.06).max(0.45);
    let a = size * 0.5 / TAU; // advance per radian
    let mut shape = Vec::new();
    let mut x = x0;
    while x < x1 - size * 0.8 {
        let letters = (2 + rng.below(7)).min(((x1 - x) / (size * 0.5)) as usize).max(1);
        let mut pts = Vec::with_capacity(letters * STEPS + 1);
        let (mut hgt, mut loop_r) = (size * 0.45, a * 0.6);
        for i in 0..=letters * STEPS {
            if i % STEPS == 0 {
                (hgt, loop_r) = match rng.below(10) {
                    0 | 1 => (size * rng.range(0.8, 1.0), a * 1.7),
                    2 => (-size * 0.55, a * 0.5),
                    _ => (size * rng.range(0.35, 0.5), a * rng.range(0.3, 1.2)),
                };
            }
            let th = i as f32 / STEPS as f32 * TAU;
            let y = base - hgt * (1.0 - th.cos()) * 0.5;
            pts.push((x + a * th + loop_r * th.sin() + (base - y) * 0.3, y));
        }
        shape.push(line(&pts, pen));
        x += letters as f32 * a * TAU + size * rng.range(0.5, 0.8);
    }
    c.fill(&shape, |_, _| (ink, 0.9));
}

/// A rubber stamp impression: double ring, dashes for the circular legend,
/// and a star in the middle; the ink is uneven.
fn rubber_stamp(c: &mut Canvas, rng: &mut Rng, centre: Pt, r: f32, ink: Rgbf) {
    let seed = rng.next_u32();
    let rot = rng.range(0.0, TAU);
    let mut shape = ring(centre, r, r * 0.93);
    shape.extend(ring(centre, r * 0.66, r * 0.62));
    let dashes = 26;
    for i in 0..dashes {
        if i % 9 == 8 {
            continue;
        }
        let a = rot + i as f32 / dashes as f32 * TAU;
        let (s, co) = a.sin_cos();
        let (p, q) = ((centre.0 + co * r * 0.79, centre.1 + s * r * 0.79), (-s, co));
        let half = r * 0.07;
        shape.push(capsule((p.0 - q.0 * half, p.1 - q.1 * half), (p.0 + q.0 * half, p.1 + q.1 * half), r * 0.045));
    }
    let star: Vec<Pt> = (0..10)
        .map(|i| {
            let a = rot + i as f32 * PI / 5.0;
            let rr = if i % 2 == 0 { r * 0.42 } else { r * 0.17 };
            (centre.0 + rr * a.sin(), centre.1 - rr * a.cos())
        })
        .collect();
    shape.push(polygon(&star));
    let blot = 5.0 / r.max(1.0);
    c.fill(&shape, |x, y| (ink, 0.35 + 0.55 * noise(x * blot, y * blot, seed)));
}

// ---------------------------------------------------------------------------
// Painting
// ---------------------------------------------------------------------------

fn painting(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let aspect = rng.pick(&[0.8, 0.82, 1.0, 1.25, 1.33]);
    let (ow, oh) = fit(aspect, w * 0.7, h * 0.78);
    let fw = (ow.min(oh) * rng.range(0.06, 0.09)).round().max(1.0);
    let (x0, y0) = (((w - ow) * 0.5).round(), ((h - oh) * 0.46).round());
    let (x1, y1) = (x0 + ow.round(), y0 + oh.round());
    c.shadow(&[rect(x0, y0, x1, y1)], (s * 0.012, s * 0.028), s * 0.03, 0.55);
    frame(c, rng, [x0, y0, x1, y1], fw);

    let (aw, ah) = dims(x1 - x0 - 2.0 * fw, y1 - y0 - 2.0 * fw);
    let mut art = Canvas::new(aw, ah, PAINT_WHITE);
    match rng.below(10) {
        0..=5 => cat_painting(&mut art, rng),
        6 | 7 => landscape(&mut art, rng),
        _ => suprematist(&mut art, rng),
    }
    let seed = rng.next_u32();
    // Canvas weave and a little yellowed varnish.
    art.modulate(|x, y| 0.96 + 0.05 * hash2(x as i32, y as i32, seed) + 0.02 * stripe(x + y, 3.0, 0.5));
    let (fa_w, fa_h) = art.size();
    let lip = fw * 0.35;
    let place = Place::of(&art, (x0 + fw + fa_w * 0.5, y0 + fw + fa_h * 0.5), 0.0);
    c.blit(&art, place, |u, v| {
        // The frame's rebate throws a shadow onto the top and left of the picture.
        let near = 1.0 - smoothstep(0.0, lip, u.min(v));
        let far = 1.0 - smoothstep(0.0, lip * 0.5, (fa_w - u).min(fa_h - v));
        0.98 - 0.3 * near - 0.08 * far
    });
}

/// A moulded frame from four mitred sides with wood grain along each side.
fn frame(c: &mut Canvas, rng: &mut Rng, [x0, y0, x1, y1]: [f32; 4], fw: f32) {
    let wood = rng.pick(&[rgb(124, 86, 52), rgb(82, 56, 38), rgb(48, 42, 38), rgb(170, 134, 74), rgb(150, 110, 66)]);
    let seed = rng.next_u32();
    // Moulding profile across the side: lit outer lip, shaded cove, bright
    // bead, dark rebate next to the picture.
    const PROFILE: [(f32, f32); 8] =
        [(0.0, 1.05), (0.12, 1.2), (0.3, 0.82), (0.58, 0.95), (0.7, 1.25), (0.8, 1.1), (0.9, 0.72), (1.0, 0.6)];
    let sides = [
        ([(x0, y0), (x1, y0), (x1 - fw, y0 + fw), (x0 + fw, y0 + fw)], 1.1),
        ([(x1, y0), (x1, y1), (x1 - fw, y1 - fw), (x1 - fw, y0 + fw)], 0.86),
        ([(x1, y1), (x0, y1), (x0 + fw, y1 - fw), (x1 - fw, y1 - fw)], 0.76),
        ([(x0, y1), (x0, y0), (x0 + fw, y0 + fw), (x0 + fw, y1 - fw)], 1.0),
    ];
    for (i, (quad, light)) in sides.into_iter().enumerate() {
        c.fill(&[polygon(&quad)], |x, y| {
            let (depth, grain) = match i {
                0 => ((y - y0) / fw, noise(x * 0.012, y * 0.5, seed)),
                1 => ((x1 - x) / fw, noise(x * 0.5, y * 0.012, seed)),
                2 => ((y1 - y) / fw, noise(x * 0.012, y * 0.5, seed)),
                _ => ((x - x0) / fw, noise(x * 0.5, y * 0.012, seed)),
            };
            (scale(wood, light * piecewise(&PROFILE, depth) * (0.8 + 0.32 * grain)), 1.0)
        });
    }
}

struct CatPose {
    body: [f32; 4],
    haunch: [f32; 4],
    chest: [f32; 4],
    head: [f32; 4],
    tail: [Pt; 4],
    paws: [[f32; 4]; 2],
    /// Width and height of the whole cat, and the centre of its extent.
    extent: [f32; 4],
}

const SITTING: CatPose = CatPose {
    body: [0.0, 0.14, 0.2, 0.25],
    haunch: [0.07, 0.25, 0.19, 0.15],
    chest: [-0.03, 0.05, 0.1, 0.14],
    head: [-0.02, -0.17, 0.15, 0.13],
    tail: [(0.16, 0.33), (0.42, 0.4), (0.46, 0.08), (0.34, -0.02)],
    paws: [[-0.08, 0.38, 0.065, 0.04], [0.05, 0.385, 0.065, 0.04]],
    extent: [0.74, 0.82, 0.15, 0.03],
};

const LYING: CatPose = CatPose {
    body: [0.04, 0.1, 0.34, 0.15],
    haunch: [0.2, 0.1, 0.18, 0.14],
    chest: [-0.16, 0.12, 0.1, 0.09],
    head: [-0.3, -0.04, 0.15, 0.13],
    tail: [(0.34, 0.16), (0.55, 0.2), (0.6, -0.05), (0.5, -0.14)],
    paws: [[-0.26, 0.22, 0.075, 0.035], [-0.13, 0.235, 0.075, 0.035]],
    extent: [1.12, 0.55, 0.095, 0.015],
};

/// A naive painting of a cat in white and red, after Olga Yakubovskaya's
/// series: flat coloured wall and floor, a few decorations, a big cat.
fn cat_painting(a: &mut Canvas, rng: &mut Rng) {
    const GROUNDS: [(Rgbf, Rgbf); 6] = [
        (rgb(52, 84, 130), rgb(34, 56, 90)),
        (rgb(214, 160, 64), rgb(150, 96, 52)),
        (rgb(60, 120, 112), rgb(38, 80, 72)),
        (rgb(112, 140, 74), rgb(78, 98, 52)),
        (rgb(226, 188, 160), rgb(172, 118, 96)),
        (rgb(118, 94, 150), rgb(76, 58, 102)),
    ];
    let (w, h) = a.size();
    let (wall, floor) = rng.pick(&GROUNDS);
    let seed = rng.next_u32();
    let horizon = h * rng.range(0.62, 0.74);
    a.paint_all(|x, y| scale(mix(wall, floor, clamp01(y - horizon + 0.5)), brush(x, y, seed)));

    let light = mix(PAINT_WHITE, wall, 0.15);
    if rng.chance(0.6) {
        let (mx, my, r) = (w * rng.range(0.1, 0.9), h * rng.range(0.1, 0.22), h * 0.07);
        a.fill(&[circle((mx, my), r)], solid(rgb(246, 226, 160)));
        if rng.chance(0.5) {
            // a crescent: bite the moon with the wall colour
            a.fill(&[circle((mx + r * 0.45, my - r * 0.2), r * 0.85)], |x, y| (scale(wall, brush(x, y, seed)), 1.0));
        }
    }
    for _ in 0..rng.below(10) {
        let (x, y, r) = (w * rng.range(0.05, 0.95), horizon * rng.range(0.05, 0.6), h * rng.range(0.01, 0.02));
        let star: Vec<Pt> = (0..8)
            .map(|i| {
                let (s, co) = (i as f32 * PI / 4.0).sin_cos();
                let rr = if i % 2 == 0 { r } else { r * 0.35 };
                (x + rr * co, y + rr * s)
            })
            .collect();
        a.fill(&[polygon(&star)], solid(light));
    }
    if rng.chance(0.35) {
        // a little framed flag hanging on the wall
        let (fx, fy, fl) = (w * rng.range(0.08, 0.7), horizon * rng.range(0.15, 0.4), w * 0.18);
        a.fill(&[rect(fx - 3.0, fy - 3.0, fx + fl + 3.0, fy + fl * 0.5 + 3.0)], solid(rgb(60, 44, 36)));
        a.fill(&[rect(fx, fy, fx + fl, fy + fl * 0.5)], solid(PAINT_WHITE));
        a.fill(&[rect(fx, fy + fl / 6.0, fx + fl, fy + fl / 3.0)], solid(PAINT_RED));
    }
    if rng.chance(0.5) {
        for _ in 0..3 + rng.below(4) {
            let (x, y, r) =
                (w * rng.range(0.05, 0.95), rng.range(horizon + h * 0.04, h * 0.95), h * rng.range(0.015, 0.03));
            let petals = rng.pick(&[PAINT_RED, PAINT_WHITE, rgb(240, 200, 80)]);
            let shape: Vec<Vec<Pt>> = (0..5)
                .map(|i| {
                    let (s, co) = (i as f32 * TAU / 5.0).sin_cos();
                    circle((x + co * r, y + s * r), r * 0.7)
                })
                .collect();
            a.fill(&shape, solid(petals));
            a.fill(&[circle((x, y), r * 0.5)], solid(rgb(236, 180, 60)));
        }
    }

    let pose = if rng.chance(0.35) { &LYING } else { &SITTING };
    let flip = rng.sign();
    let [ew, eh, ox, oy] = pose.extent;
    let k = (w * 0.82 / ew).min(h * 0.82 / eh);
    let bottom = (h - horizon) * 0.55 + horizon;
    let cat_bottom = oy + eh * 0.5;
    let origin = (w * 0.5 - flip * ox * k, (bottom - cat_bottom * k).max(h * 0.5 - oy * k));
    // A naive painter's shadow on the floor.
    let (bx, by) = (origin.0 + flip * pose.body[0] * k, origin.1 + (oy + eh * 0.5) * k);
    a.fill(&[ellipse(bx, by, ew * 0.45 * k, h * 0.025)], |_, _| (BLACK, 0.18));
    cat(a, rng, origin, k, pose, flip);
}

/// Paints the cat itself, `k` pixels per pose unit.
fn cat(a: &mut Canvas, rng: &mut Rng, origin: Pt, k: f32, pose: &CatPose, flip: f32) {
    // 0 white with red stripes, 1 red with a white bib, 2 white with a red
    // heart and collar, 3 white-red-white like the flag.
    let coat = rng.below(4);
    let (fur, accent) = if coat == 1 { (PAINT_RED, PAINT_WHITE) } else { (PAINT_WHITE, PAINT_RED) };
    let outline = rgb(44, 32, 32);
    let iris = rng.pick(&[rgb(128, 176, 72), rgb(226, 176, 52), rgb(112, 164, 204)]);
    let seed = rng.next_u32();
    let at = |x: f32, y: f32| (origin.0 + flip * x * k, origin.1 + y * k);
    let oval = |e: [f32; 4], g: f32| {
        let (x, y) = at(e[0], e[1]);
        ellipse(x, y, e[2] * k + g, e[3] * k + g)
    };
    let o = (k * 0.012).max(0.6);

    let [t0, t1, t2, t3] = pose.tail;
    let tail = cubic(at(t0.0, t0.1), at(t1.0, t1.1), at(t2.0, t2.1), at(t3.0, t3.1), 28);
    let tail_w = |t: f32| k * (0.036 - 0.014 * t);
    let tip = tail[tail.len() - 1];
    let (bx, by) = at(pose.body[0], pose.body[1]);
    let (b_top, b_h) = (by - pose.body[3] * k, 2.0 * pose.body[3] * k);
    let fur_at = |x: f32, y: f32| {
        let m = match coat {
            0 => stripe(y + 0.8 * (x - bx).powi(2) / k, k * 0.08, 0.38),
            3 => band(y, b_top + b_h / 3.0, b_top + 2.0 * b_h / 3.0),
            _ => 0.0,
        };
        (scale(mix(fur, accent, m), brush(x, y, seed)), 1.0)
    };

    // Body and tail: one dark silhouette, then the fur on top.
    let tip_r = tail_w(1.0);
    a.fill(
        &[
            stroke(&tail, |t| tail_w(t) + o, [0.0; 2], 0.0),
            circle(tip, tip_r + o),
            oval(pose.body, o),
            oval(pose.haunch, o),
        ],
        solid(outline),
    );
    a.fill(&[stroke(&tail, tail_w, [0.0; 2], 0.0), circle(tip, tip_r)], fur_at);
    if coat == 1 {
        a.fill(&[circle(tip, tip_r * 1.6)], |x, y| (scale(accent, brush(x, y, seed)), 1.0));
    }
    a.fill(&[oval(pose.body, 0.0), oval(pose.haunch, 0.0)], fur_at);
    let chest = at(pose.chest[0], pose.chest[1]);
    match coat {
        1 => a.fill(&[oval(pose.chest, 0.0)], |x, y| (scale(accent, brush(x, y, seed)), 1.0)),
        2 => a.fill(&[heart(chest, k * 0.13)], |x, y| (scale(accent, brush(x, y, seed)), 1.0)),
        _ => {}
    }

    // Head and ears.
    let [hx, hy, _, _] = pose.head;
    let ear = |side: f32| {
        [at(hx + side * 0.14, hy - 0.03), at(hx + side * 0.12, hy - 0.21), at(hx + side * 0.03, hy - 0.115)]
    };
    let (el, er) = (ear(-1.0), ear(1.0));
    a.fill(&[oval(pose.head, o), grow(&el, o * 1.7), grow(&er, o * 1.7)], solid(outline));
    let plain = |x: f32, y: f32| (scale(fur, brush(x, y, seed)), 1.0);
    a.fill(&[polygon(&el), polygon(&er)], plain);
    let inner = if coat == 1 { rgb(236, 170, 160) } else { PAINT_RED };
    for e in [el, er] {
        let shrunk: Vec<Pt> = e
            .iter()
            .map(|p| (p.0 * 0.55 + (e[0].0 + e[2].0) * 0.225, p.1 * 0.55 + (e[0].1 + e[2].1) * 0.225))
            .collect();
        a.fill(&[polygon(&shrunk)], solid(inner));
    }
    a.fill(&[oval(pose.head, 0.0)], plain);
    match coat {
        0 => {
            let marks: Vec<Vec<Pt>> = [-0.045, 0.0, 0.045]
                .iter()
                .map(|&d| capsule(at(hx + d, hy - 0.11), at(hx + d * 1.2, hy - 0.06), k * 0.012))
                .collect();
            a.fill(&marks, solid(accent));
        }
        1 => a.fill(&[oval([hx, hy + 0.055, 0.075, 0.05], 0.0)], |x, y| (scale(accent, brush(x, y, seed)), 1.0)),
        2 => {
            let collar: Vec<Pt> = (0..=12)
                .map(|i| {
                    let t = i as f32 / 12.0 * PI;
                    at(hx + 0.1 * t.cos(), hy + 0.1 + 0.035 * t.sin())
                })
                .collect();
            a.fill(&[line(&collar, k * 0.012)], solid(PAINT_RED));
            a.fill(&[circle(at(hx, hy + 0.15), k * 0.016)], solid(rgb(232, 196, 80)));
        }
        _ => {}
    }

    // Face.
    let sleepy = pose.body[2] > 0.3 && rng.chance(0.5);
    for side in [-1.0f32, 1.0] {
        let (ex, ey) = at(hx + side * 0.058, hy - 0.005);
        if sleepy {
            let lid: Vec<Pt> = (0..=8)
                .map(|i| {
                    let t = 0.15 * PI + i as f32 / 8.0 * 0.7 * PI;
                    (ex + t.cos() * k * 0.032, ey - k * 0.008 + t.sin() * k * 0.014)
                })
                .collect();
            a.fill(&[line(&lid, o * 0.5)], solid(outline));
        } else {
            let tilt = flip * side * 0.2;
            a.fill(&[ellipse_rot(ex, ey, k * 0.036 + o * 0.5, k * 0.026 + o * 0.5, tilt)], solid(outline));
            a.fill(&[ellipse_rot(ex, ey, k * 0.036, k * 0.026, tilt)], solid(iris));
            a.fill(&[ellipse(ex, ey, k * 0.009, k * 0.023)], solid(rgb(24, 20, 20)));
            a.fill(&[circle((ex - k * 0.01, ey - k * 0.008), k * 0.006)], solid(WHITE));
        }
        let whiskers: Vec<Vec<Pt>> = (0..3)
            .map(|j| {
                let j = j as f32;
                line(
                    &[at(hx + side * 0.06, hy + 0.05 + j * 0.01), at(hx + side * 0.22, hy + 0.02 + j * 0.035)],
                    k * 0.0022 + 0.25,
                )
            })
            .collect();
        a.fill(&whiskers, |_, _| (outline, 0.8));
    }
    let nose = if coat == 1 { outline } else { rgb(214, 120, 128) };
    a.fill(&[polygon(&[at(hx - 0.018, hy + 0.028), at(hx + 0.018, hy + 0.028), at(hx, hy + 0.05)])], solid(nose));
    let mouth: Vec<Vec<Pt>> = [-1.0f32, 1.0]
        .iter()
        .map(|&s| line(&[at(hx, hy + 0.05), at(hx + s * 0.01, hy + 0.07), at(hx + s * 0.028, hy + 0.066)], o * 0.4))
        .collect();
    a.fill(&mouth, solid(outline));

    // Front paws, outlined over the body.
    let paw_col = if coat == 1 { accent } else { fur };
    for p in pose.paws {
        a.fill(&[oval(p, o)], solid(outline));
        a.fill(&[oval(p, 0.0)], |x, y| (scale(paw_col, brush(x, y, seed)), 1.0));
    }
}

/// A naive landscape: sky, layered hills, birches and a little flag on a hill.
fn landscape(a: &mut Canvas, rng: &mut Rng) {
    const SKIES: [(Rgbf, Rgbf); 3] = [
        (rgb(70, 110, 170), rgb(222, 204, 172)),
        (rgb(44, 54, 104), rgb(232, 146, 92)),
        (rgb(122, 160, 200), rgb(236, 236, 222)),
    ];
    let (w, h) = a.size();
    let (top, low) = rng.pick(&SKIES);
    let seed = rng.next_u32();
    let horizon = h * rng.range(0.45, 0.58);
    a.paint_all(|x, y| scale(mix(top, low, clamp01(y / horizon)), brush(x, y, seed)));
    a.fill(&[circle((w * rng.range(0.15, 0.85), horizon * rng.range(0.3, 0.7)), h * 0.07)], solid(rgb(250, 228, 168)));

    let greens = [rgb(120, 146, 150), rgb(96, 132, 84), rgb(68, 104, 58)];
    let mut near = Vec::new();
    for (i, col) in greens.into_iter().enumerate() {
        let base = horizon + h * 0.1 * i as f32;
        let amp = h * rng.range(0.03, 0.07);
        let (f1, f2, p1, p2) = (rng.range(0.5, 1.5), rng.range(2.0, 4.0), rng.range(0.0, TAU), rng.range(0.0, TAU));
        let ridge = |u: f32| base - amp * (0.7 * (u * f1 * TAU + p1).sin() + 0.3 * (u * f2 * TAU + p2).sin());
        let mut pts = vec![(w, h), (0.0, h)];
        pts.extend((0..=48).map(|j| (j as f32 / 48.0 * w, ridge(j as f32 / 48.0))));
        let s2 = seed.wrapping_add(i as u32 + 1);
        a.fill(&[polygon(&pts)], |x, y| (scale(col, brush(x, y, s2)), 1.0));
        near = (0..=48).map(|j| ridge(j as f32 / 48.0)).collect();
    }
    let ground = |x: f32| near[((x / w * 48.0).round().clamp(0.0, 48.0)) as usize];

    // Birches: white trunks with dark marks, airy yellow-green crowns.
    for _ in 0..2 + rng.below(4) {
        let x = w * rng.range(0.05, 0.95);
        let (foot, tall, tw) = (ground(x) + h * 0.06, h * rng.range(0.3, 0.45), (w * 0.012).max(1.0));
        let crown = rng.pick(&[rgb(150, 170, 70), rgb(190, 170, 60), rgb(110, 150, 70)]);
        let shape: Vec<Vec<Pt>> = (0..7)
            .map(|_| {
                let (cx, cy) = (x + rng.range(-0.08, 0.08) * h, foot - tall * rng.range(0.6, 1.0));
                ellipse(cx, cy, h * rng.range(0.04, 0.07), h * rng.range(0.05, 0.08))
            })
            .collect();
        a.fill(&shape, |px, py| (scale(crown, brush(px, py, seed ^ 11)), 0.9));
        a.fill(&[rect(x - tw * 0.5, foot - tall, x + tw * 0.5, foot)], solid(PAINT_WHITE));
        let marks: Vec<Vec<Pt>> = (0..8)
            .map(|_| {
                let y = foot - tall * rng.range(0.05, 0.95);
                rect(x - tw * 0.5, y, x + tw * rng.range(-0.3, 0.4), y + tw * 0.35)
            })
            .collect();
        a.fill(&marks, solid(rgb(40, 36, 34)));
    }
    if rng.chance(0.6) {
        let x = w * rng.range(0.2, 0.8);
        let (foot, tall) = (ground(x) + h * 0.02, h * 0.28);
        a.fill(&[rect(x - 1.0, foot - tall, x + 1.0, foot)], solid(rgb(60, 48, 40)));
        small_flag(a, (x + 1.0, foot - tall), h * 0.16, rng.range(0.0, TAU));
    }
}

/// A Suprematist composition (Malevich taught in Vitebsk): bars, squares and
/// circles on a pale ground.
fn suprematist(a: &mut Canvas, rng: &mut Rng) {
    const INKS: [Rgbf; 6] =
        [rgb(30, 28, 30), PAINT_RED, rgb(40, 70, 140), rgb(222, 172, 60), rgb(60, 110, 70), rgb(250, 248, 240)];
    let (w, h) = a.size();
    let s = w.min(h);
    let seed = rng.next_u32();
    a.paint_all(|x, y| scale(rgb(222, 210, 184), 0.5 + 0.5 * brush(x, y, seed)));
    let tilt = rng.range(-0.6, 0.6);
    for i in 0..5 + rng.below(6) {
        let col = rng.pick(&INKS);
        let at = (w * rng.range(0.15, 0.85), h * rng.range(0.15, 0.85));
        let ang = tilt + rng.range(-0.25, 0.25);
        let shape = match rng.below(4) {
            0 => circle(at, s * rng.range(0.05, 0.18)),
            1 => rect_rot(at, s * rng.range(0.3, 0.7), s * rng.range(0.02, 0.07), ang),
            _ => rect_rot(at, s * rng.range(0.1, 0.35), s * rng.range(0.1, 0.3), ang),
        };
        let si = seed ^ (i as u32 + 1);
        a.fill(&[shape], |x, y| (scale(col, brush(x, y, si)), 1.0));
    }
    if rng.chance(0.5) {
        let (cx, cy) = (w * rng.range(0.3, 0.7), h * rng.range(0.3, 0.7));
        let (len, bw) = (s * rng.range(0.4, 0.7), s * 0.05);
        let (sn, cs) = tilt.sin_cos();
        for (i, col) in [PAINT_WHITE, PAINT_RED, PAINT_WHITE].into_iter().enumerate() {
            let off = (i as f32 - 1.0) * bw;
            a.fill(&[rect_rot((cx - sn * off, cy + cs * off), len, bw, tilt)], |x, y| {
                (scale(col, brush(x, y, seed)), 1.0)
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Poster
// ---------------------------------------------------------------------------

fn poster(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let (pw, ph) = fit(0.707, w * 0.62, h * 0.86);
    let (tw, th) = dims(pw, ph);
    let seed = rng.next_u32();
    let mut sheet = paper(tw, th, PAPER, rng.range(0.0, 0.35), seed);
    match rng.below(3) {
        0 => poster_fist(&mut sheet, rng),
        1 => poster_heart(&mut sheet, rng),
        _ => poster_hand(&mut sheet, rng),
    }
    // The ink sits in the paper: put the fibres back over the print.
    sheet.modulate(|x, y| 0.975 + 0.04 * hash2(x as i32, y as i32, seed ^ 0x55));
    let (sw, sh) = sheet.size();
    let folded = rng.chance(0.45);
    let place = lay(c, &sheet, (w * 0.5, h * 0.49), rng.range(-0.035, 0.035), |u, v| {
        if folded { crease(u, sw * 0.5) * crease(v, sh * 0.5) } else { 1.0 }
    });
    // Strips of old tape at the top corners.
    for u in [0.0, sw] {
        let at = place.at(u, sh * 0.01);
        let ang = place.angle + if u > 0.0 { 0.75 } else { -0.75 } + rng.range(-0.2, 0.2);
        c.fill(&[rect_rot(at, s * 0.13, s * 0.04, ang)], |_, _| (rgb(236, 226, 192), 0.55));
    }
}

fn poster_fist(p: &mut Canvas, rng: &mut Rng) {
    let (w, h) = p.size();
    let m = w * 0.06;
    let split = h * 0.62;
    p.fill(&[rect(m, m, w - m, split)], solid(CLOTH_RED));
    let k = (split - m) * 0.6;
    let (hand, gaps) = fist((w * 0.5, m + (split - m) * 0.45), k, split);
    p.fill(&hand, solid(PAPER));
    p.fill(&gaps, solid(CLOTH_RED));
    glyph_line(p, rng, (w * 0.5, split + h * 0.05), h * 0.065, w - 2.0 * m, INK);
    glyph_line(p, rng, (w * 0.5, split + h * 0.14), h * 0.04, w * 0.7, CLOTH_RED);
    text_bars(p, rng, (m * 1.5, split + h * 0.235), w - 3.0 * m, 3, h * 0.025, (INK, 0.75));
}

fn poster_heart(p: &mut Canvas, rng: &mut Rng) {
    let (w, h) = p.size();
    glyph_line(p, rng, (w * 0.5, h * 0.07), h * 0.07, w * 0.86, CLOTH_RED);
    let (cx, cy, r) = (w * 0.5, h * 0.42, w * 0.3);
    p.fill(&[circle((cx, cy), r)], solid(CLOTH_RED));
    p.fill(&[heart((cx, cy + r * 0.05), r * 1.05)], solid(PAPER));
    p.fill(&[rect(0.0, h * 0.7, w, h * 0.75)], solid(CLOTH_RED));
    glyph_line(p, rng, (w * 0.5, h * 0.79), h * 0.045, w * 0.8, INK);
    text_bars(p, rng, (w * 0.12, h * 0.88), w * 0.76, 2, h * 0.028, (INK, 0.7));
}

fn poster_hand(p: &mut Canvas, rng: &mut Rng) {
    let (w, h) = p.size();
    let charcoal = rgb(40, 38, 42);
    p.fill(&[rect(0.0, 0.0, w, h)], solid(charcoal));
    p.fill(&[circle((w * 0.5, h * 0.34), w * 0.3)], solid(CLOTH_RED));
    p.fill(&open_hand((w * 0.5, h * 0.44), h * 0.38, h * 0.68), solid(PAPER));
    glyph_line(p, rng, (w * 0.5, h * 0.73), h * 0.06, w * 0.86, PAPER);
    text_bars(p, rng, (w * 0.12, h * 0.85), w * 0.76, 3, h * 0.025, (PAPER, 0.6));
}

// ---------------------------------------------------------------------------
// Flag and banner: cloth hung from per-column curves
// ---------------------------------------------------------------------------

fn flag(c: &mut Canvas, rng: &mut Rng) {
    let signed = rng.chance(0.3);
    if rng.chance(0.55) { flag_on_pole(c, rng, signed) } else { flag_pinned(c, rng, signed) }
}

/// White-red-white cloth with a visible weave and hems; optionally signed
/// in marker by the people who carried it, and with old stains.
fn flag_cloth(w: usize, h: usize, rng: &mut Rng, signed: bool) -> Canvas {
    let mut t = Canvas::new(w, h, CLOTH_WHITE);
    let (fw, fh) = t.size();
    t.fill(&[rect(-1.0, fh / 3.0, fw + 1.0, fh * 2.0 / 3.0)], solid(CLOTH_RED));
    if signed {
        let ink = rng.pick(&[rgb(30, 30, 40), rgb(30, 52, 120)]);
        for stripe_top in [0.0, 2.0 * fh / 3.0] {
            for row in 0..2 {
                let x0 = fw * rng.range(0.08, 0.4);
                let base = stripe_top + fh / 3.0 * (0.42 + 0.36 * row as f32);
                let x1 = x0 + fw * rng.range(0.15, 0.45);
                handwriting(&mut t, rng, (x0, x1), base, fh * 0.07, ink);
            }
        }
    }
    let seed = rng.next_u32();
    let stained = rng.chance(0.3);
    let blot = 1.0 / (fh * 0.3).max(1.0);
    let stains = Field::new(fw, fh, (fh * 0.02).max(1.0), |x, y| {
        if stained { 0.3 * smoothstep(0.55, 0.8, fbm(x * blot, y * blot, seed)) } else { 0.0 }
    });
    t.map(|x, y, c| {
        let weave = 0.97 + 0.05 * hash2(x as i32, y as i32, seed);
        let hem = if y < fh * 0.025 || y > fh * 0.975 { 0.93 } else { 1.0 };
        scale(mix(c, rgb(168, 140, 100), stains.at(x, y)), weave * hem)
    });
    t
}

/// Column curves for waving cloth: `(top, bottom, shade)` per texture column.
type Hang = (Vec<f32>, Vec<f32>, Vec<f32>);

fn flag_on_pole(c: &mut Canvas, rng: &mut Rng, signed: bool) {
    let (w, h) = c.size();
    let s = w.min(h);
    let len = (w * 0.62).min(h * 1.2).round().max(2.0);
    let fh = (len * 0.5).round().max(1.0);
    let tex = flag_cloth(len as usize, fh as usize, rng, signed);
    let pole_x = ((w - len) * 0.5 - s * 0.02).round();
    let pw = (s * 0.018).max(1.5);
    let (top, foot) = (h * 0.08, h * 0.95);
    let y0 = top + s * 0.03;

    let (waves, phase) = (rng.range(1.1, 2.0), rng.range(0.0, TAU));
    let (amp, droop) = (fh * rng.range(0.05, 0.09), fh * rng.range(0.04, 0.12));
    let n = tex.w;
    let (mut tops, mut bottoms, mut shade): Hang =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let u = i as f32 / n as f32;
        let ph = u * waves * TAU + phase;
        let env = u.powf(0.7); // the hoist is held still by the pole
        let wave = ph.sin() * amp * env;
        let sag = droop * u * u;
        tops.push(y0 + wave + sag);
        bottoms.push(y0 + fh * (1.0 - 0.06 * u) + wave * 1.15 + sag * 0.5 + (ph + 0.8).sin() * amp * 0.3 * env);
        shade.push(1.0 + 0.17 * ph.cos() * env - 0.04 * u);
    }
    let x0 = pole_x as i32;
    let mut outline: Vec<Pt> = (0..n).step_by(4).map(|i| (pole_x + i as f32, tops[i])).collect();
    outline.extend((0..n).step_by(4).rev().map(|i| (pole_x + i as f32, bottoms[i])));
    c.shadow(&[polygon(&outline)], (s * 0.035, s * 0.05), s * 0.03, 0.28);
    c.shadow(&[rect(pole_x - pw * 0.5, top, pole_x + pw * 0.5, foot)], (s * 0.025, 0.0), s * 0.01, 0.3);

    // Pole: a lacquered wooden cylinder lit from the left, in a heavy stand.
    let wood = rgb(110, 76, 48);
    c.fill(&[ellipse(pole_x, foot, pw * 5.0, pw * 1.4)], |x, _| {
        (scale(rgb(52, 50, 50), 1.1 - 0.3 * ((x - pole_x) / (pw * 5.0))), 1.0)
    });
    c.fill(&[rect(pole_x - pw * 0.5, top, pole_x + pw * 0.5, foot)], |x, _| {
        let t = ((x - pole_x) / (pw * 0.5)).clamp(-1.0, 1.0);
        (scale(wood, 0.55 + 0.55 * (1.0 - t * t).sqrt() - 0.15 * t), 1.0)
    });
    c.drape(&tex, x0, &tops, &bottoms, &shade);
    let ball = (pole_x, top - pw * 0.9);
    c.fill(&[circle(ball, pw * 1.3)], |x, y| {
        let l = clamp01(1.0 - ((x - ball.0 + pw * 0.5).powi(2) + (y - ball.1 + pw * 0.5).powi(2)).sqrt() / (pw * 2.2));
        (mix(rgb(150, 116, 50), rgb(250, 228, 150), l), 1.0)
    });
}

fn flag_pinned(c: &mut Canvas, rng: &mut Rng, signed: bool) {
    let (w, h) = c.size();
    let s = w.min(h);
    let len = (w * 0.76).min(h * 1.35).round().max(2.0);
    let fh = (len * 0.5).round().max(1.0);
    let tex = flag_cloth(len as usize, fh as usize, rng, signed);
    let x0 = ((w - len) * 0.5).round();
    let y0 = (h - fh) * 0.45;
    let pins = 2 + rng.below(3);
    let sag = fh * rng.range(0.02, 0.05);
    let (f1, p1, f2, p2) = (rng.range(3.0, 6.0), rng.range(0.0, TAU), rng.range(7.0, 12.0), rng.range(0.0, TAU));
    let n = tex.w;
    let (mut tops, mut bottoms, mut shade): Hang =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let u = i as f32 / (n - 1).max(1) as f32;
        // Between two pins the cloth sags and gathers into soft folds.
        let gather = (u * (pins - 1) as f32).fract();
        let dip = (gather * PI).sin();
        let fold = 0.06 * (u * f1 * TAU + p1).sin() + 0.03 * (u * f2 * TAU + p2).sin();
        tops.push(y0 + sag * dip);
        bottoms.push(y0 + fh + sag * 0.4 * dip + fh * 0.012 * (u * f1 * TAU + p1).cos());
        shade.push(1.0 + fold - 0.04 * dip);
    }
    let mut outline: Vec<Pt> = (0..n).step_by(4).map(|i| (x0 + i as f32, tops[i])).collect();
    outline.extend((0..n).step_by(4).rev().map(|i| (x0 + i as f32, bottoms[i])));
    c.shadow(&[polygon(&outline)], (s * 0.012, s * 0.02), s * 0.015, 0.38);
    c.drape(&tex, x0 as i32, &tops, &bottoms, &shade);
    for j in 0..pins {
        let u = (j as f32 / (pins - 1) as f32).clamp(0.015, 0.985);
        let at = (x0 + u * len, y0 + fh * 0.035);
        let r = (s * 0.011).max(1.0);
        c.shadow(&[circle(at, r)], (r * 0.4, r * 0.8), r * 0.5, 0.5);
        c.fill(&[circle(at, r)], |x, y| {
            let l = clamp01(1.0 - ((x - at.0 + r * 0.4).powi(2) + (y - at.1 + r * 0.4).powi(2)).sqrt() / (r * 1.6));
            (mix(rgb(140, 110, 50), rgb(246, 222, 140), l), 1.0)
        });
    }
}

fn banner(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let len = (w * 0.86).round().max(2.0);
    let bh = (len * rng.range(0.2, 0.27)).min(h * 0.42).round().max(1.0);
    let tex = banner_cloth(len as usize, bh as usize, rng);
    let x0 = ((w - len) * 0.5).round();
    let y0 = (h - bh) * 0.45;
    let on_poles = rng.chance(0.5);
    let ties = if on_poles { 2 } else { 2 + rng.below(3) };
    let sag = bh * if on_poles { 0.05 } else { 0.08 };
    let (f1, p1) = (rng.range(4.0, 9.0), rng.range(0.0, TAU));
    let n = tex.w;
    let (mut tops, mut bottoms, mut shade): Hang =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let u = i as f32 / (n - 1).max(1) as f32;
        let dip = ((u * (ties - 1) as f32).fract() * PI).sin();
        tops.push(y0 + sag * dip);
        bottoms.push(y0 + bh + sag * 0.7 * dip + bh * 0.015 * (u * f1 * TAU + p1).sin());
        shade.push(1.0 + 0.07 * (u * f1 * TAU + p1).cos() - 0.05 * dip + 0.03 * (u * 23.0 + p1).sin());
    }
    let mut outline: Vec<Pt> = (0..n).step_by(4).map(|i| (x0 + i as f32, tops[i])).collect();
    outline.extend((0..n).step_by(4).rev().map(|i| (x0 + i as f32, bottoms[i])));
    c.shadow(&[polygon(&outline)], (s * 0.02, s * 0.035), s * 0.025, 0.32);

    let pw = (s * 0.016).max(1.5);
    let wood = rgb(128, 92, 58);
    if on_poles {
        for px in [x0, x0 + len] {
            c.shadow(&[rect(px - pw * 0.5, y0 - bh * 0.25, px + pw * 0.5, h)], (s * 0.02, s * 0.03), s * 0.012, 0.3);
            c.fill(&[rect(px - pw * 0.5, y0 - bh * 0.25, px + pw * 0.5, h + 1.0)], |x, _| {
                let t = ((x - px) / (pw * 0.5)).clamp(-1.0, 1.0);
                (scale(wood, 0.55 + 0.55 * (1.0 - t * t).sqrt() - 0.15 * t), 1.0)
            });
        }
    } else {
        // Cords from the ties up out of the picture.
        let cords: Vec<Vec<Pt>> = (0..ties)
            .map(|j| {
                let u = j as f32 / (ties - 1) as f32;
                let x = x0 + u * (len - 1.0);
                line(&[(x, y0 + 2.0), (x + (u - 0.5) * s * 0.12, -2.0)], (s * 0.0025).max(0.5))
            })
            .collect();
        c.fill(&cords, solid(rgb(70, 62, 54)));
    }
    c.drape(&tex, x0 as i32, &tops, &bottoms, &shade);
}

fn banner_cloth(w: usize, h: usize, rng: &mut Rng) -> Canvas {
    let scheme = rng.below(3);
    let mut t = Canvas::new(w, h, if scheme == 2 { CLOTH_RED } else { CLOTH_WHITE });
    let (fw, fh) = t.size();
    match scheme {
        0 => {
            t.fill(&[rect(-1.0, fh / 3.0, fw + 1.0, fh * 2.0 / 3.0)], solid(CLOTH_RED));
            let cap = fh / 3.0 * 0.6;
            glyph_line(&mut t, rng, (fw * 0.5, fh * 0.5 - cap * 0.5), cap, fw * 0.86, CLOTH_WHITE);
        }
        1 => {
            for y in [fh * 0.05, fh * 0.89] {
                t.fill(&[rect(-1.0, y, fw + 1.0, y + fh * 0.06)], solid(CLOTH_RED));
            }
            glyph_line(&mut t, rng, (fw * 0.5, fh * 0.2), fh * 0.27, fw * 0.86, CLOTH_RED);
            glyph_line(&mut t, rng, (fw * 0.5, fh * 0.6), fh * 0.16, fw * 0.7, rgb(40, 36, 40));
        }
        _ => {
            for y in [fh * 0.07, fh * 0.89] {
                t.fill(&[rect(-1.0, y, fw + 1.0, y + fh * 0.04)], solid(CLOTH_WHITE));
            }
            let cap = fh * 0.34;
            glyph_line(&mut t, rng, (fw * 0.5, fh * 0.5 - cap * 0.5), cap, fw * 0.86, CLOTH_WHITE);
        }
    }
    let seed = rng.next_u32();
    t.modulate(|x, y| 0.97 + 0.05 * hash2(x as i32, y as i32, seed) + 0.02 * noise(x / 30.0, y / 30.0, seed));
    t
}

// ---------------------------------------------------------------------------
// Ribbon, badge, clothing
// ---------------------------------------------------------------------------

/// A white-red-white band along `path`: the white full width, the red a
/// narrower stroke along the same path, so the stripes follow every bend.
fn wrw_band(c: &mut Canvas, path: &[Pt], half: f32, notch: [f32; 2], shade: impl Fn(f32, f32) -> f32) {
    c.fill(&[stroke(path, |_| half, notch, half)], |x, y| (scale(CLOTH_WHITE, shade(x, y)), 1.0));
    c.fill(&[stroke(path, |_| half / 3.0, notch, half)], |x, y| (scale(CLOTH_RED, shade(x, y)), 1.0));
}

fn ribbon(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let seed = rng.next_u32();
    if rng.chance(0.6) {
        // An awareness-ribbon loop: the two halves are drawn back then front.
        const LOOP: [Pt; 13] = [
            (0.25, 0.48),
            (0.15, 0.3),
            (0.0, 0.1),
            (-0.15, -0.12),
            (-0.19, -0.3),
            (-0.12, -0.45),
            (0.0, -0.5),
            (0.12, -0.45),
            (0.19, -0.3),
            (0.15, -0.12),
            (0.0, 0.1),
            (-0.15, 0.3),
            (-0.25, 0.48),
        ];
        let k = (h * 0.8).min(w * 0.85 / 0.64);
        let (cx, cy) = (w * 0.5, h * 0.49);
        let lean = rng.range(-0.15, 0.15);
        let pts: Vec<Pt> =
            LOOP.iter().map(|&(x, y)| (cx + (x + lean * y + rng.range(-0.01, 0.01)) * k, cy + y * k)).collect();
        let path = smooth_path(&pts, 10);
        let half = k * 0.068;
        let ends = [half * 0.9; 2];
        c.shadow(&[stroke(&path, |_| half, ends, half)], (s * 0.015, s * 0.025), s * 0.018, 0.45);
        let sheen = |x: f32, y: f32| 0.88 + 0.16 * noise(x / (k * 0.12), y / (k * 0.12), seed);
        // The whole ribbon in one go (it merges with itself where it
        // crosses), then the strand that lies on top is painted again from
        // the loop down to its tail, casting a shadow on the one beneath.
        // Its red starts a little before its white, and both match what is
        // already there, so the restart leaves no seam.
        wrw_band(c, &path, half, ends, sheen);
        let cross = 10 * 10; // second pass through the crossing point
        let over = |from: usize, r: f32| stroke(&path[from..], |_| r, [0.0, ends[1]], half);
        c.shadow(&[line(&path[cross - 12..cross + 12], half)], (s * 0.006, s * 0.01), s * 0.008, 0.4);
        c.fill(&[over(cross - 25, half)], |x, y| (scale(CLOTH_WHITE, sheen(x, y)), 1.0));
        c.fill(&[over(cross - 27, half / 3.0)], |x, y| (scale(CLOTH_RED, sheen(x, y)), 1.0));
    } else {
        // A length of ribbon lying across the table in a gentle S.
        let (a, b) = ((w * 0.13, h * rng.range(0.62, 0.78)), (w * 0.87, h * rng.range(0.22, 0.38)));
        let (dx, dy) = unit_vec((b.0 - a.0, b.1 - a.1));
        let (amp, waves, phase) = (s * rng.range(0.04, 0.08), rng.range(0.8, 1.5), rng.range(0.0, TAU));
        let path: Vec<Pt> = (0..=48)
            .map(|i| {
                let t = i as f32 / 48.0;
                let off = amp * (t * waves * TAU + phase).sin();
                (a.0 + (b.0 - a.0) * t - dy * off, a.1 + (b.1 - a.1) * t + dx * off)
            })
            .collect();
        let half = s * 0.055;
        let notch = [half * 0.9; 2];
        c.shadow(&[stroke(&path, |_| half, notch, half)], (s * 0.008, s * 0.016), s * 0.012, 0.45);
        wrw_band(c, &path, half, notch, |x, y| 0.88 + 0.16 * noise(x / (s * 0.1), y / (s * 0.1), seed));
    }
}

fn badges(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let r = s * rng.range(0.27, 0.31);
    let side = rng.sign();
    let main = (w * 0.5 - side * r * 0.25, h * 0.47);
    if rng.chance(0.5) {
        badge(c, rng, (main.0 + side * r * 1.2, main.1 + r * 0.72), r * 0.55);
    }
    badge(c, rng, main, r);
}

/// A round pin badge: metal rim, domed printed face, glossy highlight.
fn badge(c: &mut Canvas, rng: &mut Rng, (x, y): Pt, r: f32) {
    c.shadow(&[circle((x, y), r)], (r * 0.06, r * 0.1), r * 0.07, 0.55);
    let metal = if rng.chance(0.6) { rgb(196, 198, 200) } else { rgb(206, 172, 96) };
    c.fill(&[circle((x, y), r)], |px, py| {
        let l = (-(px - x) * 0.6 - (py - y) * 0.8) / r;
        (scale(metal, 0.85 + 0.4 * l), 1.0)
    });
    let fr = r * 0.9;
    // Analytic clip to the face, so designs can overflow the circle freely.
    let clip = |px: f32, py: f32| clamp01(fr - ((px - x).powi(2) + (py - y).powi(2)).sqrt() + 0.5);
    let face = [circle((x, y), fr)];
    match rng.below(5) {
        0 => c.fill(&face, |_, py| (mix(PAINT_WHITE, CLOTH_RED, band(py, y - fr / 3.0, y + fr / 3.0)), 1.0)),
        1 => {
            c.fill(&face, solid(PAINT_WHITE));
            c.fill(&[heart((x, y + fr * 0.04), fr * 1.1)], solid(CLOTH_RED));
        }
        2 => {
            c.fill(&face, solid(CLOTH_RED));
            let (hand, gaps) = fist((x, y - fr * 0.05), fr * 1.05, y + fr * 1.2);
            c.fill(&hand, |px, py| (PAINT_WHITE, clip(px, py)));
            c.fill(&gaps, |px, py| (CLOTH_RED, clip(px, py)));
        }
        3 => {
            c.fill(&face, solid(PAINT_WHITE));
            let tip = (x, y + fr * 0.5);
            let v = [
                capsule((x - fr * 0.38, y - fr * 0.45), tip, fr * 0.1),
                capsule((x + fr * 0.38, y - fr * 0.45), tip, fr * 0.1),
            ];
            c.fill(&v, solid(CLOTH_RED));
        }
        _ => {
            c.fill(&face, |_, py| (mix(PAINT_WHITE, CLOTH_RED, band(py, y - fr / 3.0, y + fr / 3.0)), 1.0));
            c.fill(&[heart((x, y + fr * 0.02), fr * 0.5)], solid(PAINT_WHITE));
        }
    }
    // The face is domed: darker towards the rim, with a soft highlight.
    c.fill(&face, |px, py| {
        let d2 = ((px - x).powi(2) + (py - y).powi(2)) / (fr * fr);
        (BLACK, 0.22 * d2 * d2)
    });
    let (hx, hy, hr) = (x - fr * 0.32, y - fr * 0.38, fr * 0.45);
    c.fill(&[ellipse_rot(hx, hy, hr, hr * 0.55, -0.7)], |px, py| {
        let d = (((px - hx).powi(2) + (py - hy).powi(2)).sqrt() / hr).min(1.0);
        (WHITE, 0.35 * (1.0 - d) * clip(px, py))
    });
}

fn clothing(c: &mut Canvas, rng: &mut Rng) {
    if rng.chance(0.65) { tshirt(c, rng) } else { scarf(c, rng) }
}

fn tshirt(c: &mut Canvas, rng: &mut Rng) {
    // Right half of the outline from the neckline to the hem, in shirt heights.
    const HALF: [Pt; 11] = [
        (0.0, -0.405),
        (0.055, -0.41),
        (0.095, -0.43),
        (0.12, -0.47),
        (0.2, -0.452),
        (0.345, -0.405),
        (0.5, -0.2),
        (0.395, -0.105),
        (0.315, -0.205),
        (0.32, 0.49),
        (0.0, 0.495),
    ];
    let (w, h) = c.size();
    let s = w.min(h);
    let k = (h * 0.84).min(w * 0.84);
    let (cx, cy) = (w * 0.5, h * 0.5);
    let at = |(x, y): Pt| (cx + x * k, cy + y * k);
    let mut outline: Vec<Pt> = HALF.iter().map(|&p| at(p)).collect();
    outline.extend(HALF[1..HALF.len() - 1].iter().rev().map(|&(x, y)| at((-x, y))));
    let shirt = [polygon(&outline)];
    let fabric =
        rng.pick(&[CLOTH_WHITE, CLOTH_WHITE, CLOTH_WHITE, rgb(216, 214, 208), rgb(200, 204, 210), rgb(58, 58, 62)]);
    let dark = fabric[0] < 0.5;
    let seed = rng.next_u32();
    let folds = move |x: f32, y: f32| {
        let side = (x - cx) / (0.35 * k);
        0.9 + 0.14 * noise(x / (k * 0.12), y / (k * 0.3), seed) - 0.06 * side * side
    };
    let print = rng.below(4);
    let (band_lo, band_hi) = (cy - 0.24 * k, cy - 0.12 * k);
    c.shadow(&shirt, (s * 0.01, s * 0.02), s * 0.015, 0.45);
    c.fill(&shirt, |x, y| {
        let m = if print == 0 { band(y, band_lo, band_hi) } else { 0.0 };
        (scale(mix(fabric, CLOTH_RED, m), folds(x, y)), 1.0)
    });
    let ink = |col: Rgbf| move |x: f32, y: f32| (scale(col, folds(x, y)), 0.94);
    let chest = at((0.0, -0.17));
    let light = if dark { CLOTH_WHITE } else { INK };
    match print {
        1 => {
            let r = 0.12 * k;
            c.fill(&[circle(chest, r)], ink(CLOTH_RED));
            let (hand, gaps) = fist((chest.0, chest.1 - r * 0.05), r * 1.3, chest.1 + r * 0.95);
            c.fill(&hand, ink(if dark { fabric } else { CLOTH_WHITE }));
            c.fill(&gaps, ink(CLOTH_RED));
            glyph_line(c, rng, (chest.0, chest.1 + r * 1.35), k * 0.035, k * 0.34, light);
        }
        2 => {
            c.fill(&[heart(chest, 0.2 * k)], ink(CLOTH_RED));
            text_bars(c, rng, (chest.0 - 0.12 * k, chest.1 + 0.16 * k), 0.24 * k, 2, 0.022 * k, (light, 0.85));
        }
        3 => {
            // A slogan under a small flag.
            let (fl, fy) = (0.16 * k, chest.1 - 0.1 * k);
            let edge = scale(fabric, if dark { 1.4 } else { 0.7 });
            c.fill(
                &[rect(chest.0 - fl * 0.5 - 1.0, fy - 1.0, chest.0 + fl * 0.5 + 1.0, fy + fl * 0.5 + 1.0)],
                ink(edge),
            );
            c.fill(&[rect(chest.0 - fl * 0.5, fy, chest.0 + fl * 0.5, fy + fl * 0.5)], ink(CLOTH_WHITE));
            c.fill(&[rect(chest.0 - fl * 0.5, fy + fl / 6.0, chest.0 + fl * 0.5, fy + fl / 3.0)], ink(CLOTH_RED));
            glyph_line(
                c,
                rng,
                (chest.0, fy + fl * 0.7),
                k * 0.045,
                k * 0.4,
                if dark { CLOTH_WHITE } else { CLOTH_RED },
            );
            glyph_line(c, rng, (chest.0, fy + fl * 0.7 + k * 0.065), k * 0.03, k * 0.3, light);
        }
        _ => {}
    }
    // Seams: collar rib, sleeve hems and the bottom hem.
    let seam = scale(fabric, if dark { 1.25 } else { 0.82 });
    let collar: Vec<Pt> =
        HALF[..4].iter().rev().map(|&(x, y)| at((-x, y))).chain(HALF[1..4].iter().map(|&p| at(p))).collect();
    let r = (0.008 * k).max(0.5);
    let seams = [
        line(&collar, r * 1.5),
        line(&[at((0.47, -0.215)), at((0.37, -0.125))], r * 0.5),
        line(&[at((-0.47, -0.215)), at((-0.37, -0.125))], r * 0.5),
        line(&[at((-0.319, 0.46)), at((0.319, 0.465))], r * 0.5),
    ];
    c.fill(&seams, |x, y| (scale(seam, folds(x, y)), 0.9));
}

fn scarf(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let seed = rng.next_u32();
    let (a, b) = ((w * 0.16, h * rng.range(0.2, 0.32)), (w * 0.84, h * rng.range(0.66, 0.78)));
    let (amp, phase) = (s * rng.range(0.05, 0.09), rng.range(0.0, TAU));
    let (dx, dy) = unit_vec((b.0 - a.0, b.1 - a.1));
    let path: Vec<Pt> = (0..=48)
        .map(|i| {
            let t = i as f32 / 48.0;
            let off = amp * (t * 1.3 * TAU + phase).sin();
            (a.0 + (b.0 - a.0) * t - dy * off, a.1 + (b.1 - a.1) * t + dx * off)
        })
        .collect();
    let half = s * 0.085;
    // Fringe: threads continuing from each end in the colour of their stripe.
    let mut white = Vec::new();
    let mut red = Vec::new();
    for (end, next) in [(path[0], path[1]), (path[48], path[47])] {
        let (tx, ty) = unit_vec((end.0 - next.0, end.1 - next.1));
        for j in 0..16 {
            let o = (j as f32 / 15.0 - 0.5) * 2.0 * half * 0.92;
            let start = (end.0 - ty * o - tx, end.1 + tx * o - ty);
            let len = half * rng.range(0.45, 0.6);
            let bend = rng.range(-0.25, 0.25);
            let tip = (start.0 + (tx - ty * bend) * len, start.1 + (ty + tx * bend) * len);
            let thread = line(&[start, tip], (half * 0.035).max(0.5));
            if o.abs() < half / 3.0 { red.push(thread) } else { white.push(thread) }
        }
    }
    let knit = |x: f32, y: f32| {
        0.86 + 0.1 * noise(x / (half * 0.5), y / (half * 0.5), seed) + 0.06 * hash2(x as i32 / 2, y as i32 / 2, seed)
    };
    let mut all = white.clone();
    all.extend(red.iter().cloned());
    all.push(stroke(&path, |_| half, [0.0; 2], half));
    c.shadow(&all, (s * 0.01, s * 0.02), s * 0.015, 0.45);
    c.fill(&white, |x, y| (scale(CLOTH_WHITE, knit(x, y)), 1.0));
    c.fill(&red, |x, y| (scale(CLOTH_RED, knit(x, y)), 1.0));
    wrw_band(c, &path, half, [0.0; 2], knit);
}

// ---------------------------------------------------------------------------
// Paper things: letter, photograph, document
// ---------------------------------------------------------------------------

fn letter(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let age = rng.range(0.3, 0.9);
    let ink = rng.pick(&[rgb(28, 38, 92), rgb(44, 36, 30), rgb(36, 60, 140), rgb(78, 78, 86)]);
    let (sw, sh) = fit(0.72, w * 0.5, h * 0.84);
    let with_envelope = rng.chance(0.55);
    let side = rng.sign();
    if with_envelope {
        let (ew, eh) = dims(sw * 1.2, sw * 0.66);
        let env = envelope(ew, eh, rng, ink, age);
        let centre = (w * 0.5 + side * sw * 0.42, h * 0.3);
        lay(c, &env, centre, rng.range(-0.1, 0.1), |_, _| 1.0);
    }
    let (tw, th) = dims(sw, sh);
    if rng.chance(0.35) {
        // A second page peeking out from underneath.
        let mut under = paper(tw, th, PAPER, age, rng.next_u32());
        write_letter(&mut under, rng, ink);
        let centre = (w * 0.5 + side * sw * 0.12, h * 0.5);
        lay(c, &under, centre, rng.range(0.06, 0.12) * side, |_, _| 0.97);
    }
    let mut sheet = paper(tw, th, PAPER, age, rng.next_u32());
    write_letter(&mut sheet, rng, ink);
    let centre = if with_envelope { (w * 0.5 - side * sw * 0.22, h * 0.55) } else { (w * 0.5, h * 0.5) };
    let (fth, thirds) = (th as f32, rng.chance(0.7));
    lay(c, &sheet, centre, rng.range(-0.06, 0.06), |_, v| {
        if thirds { crease(v, fth / 3.0) * crease(v, fth * 2.0 / 3.0) } else { 1.0 }
    });
}

/// Handwritten page: date, greeting, body, signature.
fn write_letter(t: &mut Canvas, rng: &mut Rng, ink: Rgbf) {
    let (w, h) = t.size();
    let m = w * 0.1;
    let pitch = h / 22.0;
    let size = pitch * 0.55;
    handwriting(t, rng, (w * 0.62, w - m), h * 0.09, size, ink);
    handwriting(t, rng, (m, w * 0.45), h * 0.16, size, ink);
    let mut y = h * 0.16 + pitch * 1.4;
    while y < h * 0.8 {
        let indent = if rng.chance(0.15) { w * 0.08 } else { 0.0 };
        let end = if rng.chance(0.15) { w * rng.range(0.4, 0.7) } else { w - m };
        let base = y + rng.range(-0.08, 0.08) * pitch;
        handwriting(t, rng, (m + indent, end), base, size, ink);
        y += pitch;
    }
    handwriting(t, rng, (w * 0.58, w - m), h * 0.88, size * 1.3, ink);
}

fn envelope(w: usize, h: usize, rng: &mut Rng, ink: Rgbf, age: f32) -> Canvas {
    let base = rng.pick(&[rgb(214, 190, 150), rgb(234, 228, 212), rgb(226, 218, 196)]);
    let mut e = paper(w, h, base, age, rng.next_u32());
    let (fw, fh) = e.size();
    let m = fh * 0.1;
    // Stamp with perforated edges: punch the perforations in envelope colour.
    let (sw, sh) = (fh * 0.26, fh * 0.32);
    let (sx, sy) = (fw - m - sw, m);
    e.fill(&[rect(sx, sy, sx + sw, sy + sh)], solid(rgb(240, 236, 226)));
    let step = sw / 8.0;
    let mut holes = Vec::new();
    for i in 0..=8 {
        let x = sx + i as f32 * step;
        holes.push(circle((x, sy), step * 0.3));
        holes.push(circle((x, sy + sh), step * 0.3));
    }
    for i in 0..=((sh / step) as usize) {
        let y = sy + i as f32 * step;
        holes.push(circle((sx, y), step * 0.3));
        holes.push(circle((sx + sw, y), step * 0.3));
    }
    e.fill(&holes, solid(base));
    let (ix0, iy0, ix1, iy1) = (sx + sw * 0.12, sy + sw * 0.12, sx + sw * 0.88, sy + sh - sw * 0.12);
    match rng.below(3) {
        0 => {
            e.fill(&[rect(ix0, iy0, ix1, iy1)], solid(CLOTH_WHITE));
            e.fill(&[rect(ix0, iy0 + (iy1 - iy0) / 3.0, ix1, iy0 + (iy1 - iy0) * 2.0 / 3.0)], solid(CLOTH_RED));
        }
        1 => {
            e.fill(&[rect(ix0, iy0, ix1, iy1)], solid(rgb(70, 110, 80)));
            e.fill(&[circle(((ix0 + ix1) * 0.5, (iy0 + iy1) * 0.45), (ix1 - ix0) * 0.28)], solid(rgb(236, 220, 170)));
        }
        _ => {
            e.fill(&[rect(ix0, iy0, ix1, iy1)], solid(CLOTH_RED));
            e.fill(&[heart(((ix0 + ix1) * 0.5, (iy0 + iy1) * 0.5), (ix1 - ix0) * 0.7)], solid(CLOTH_WHITE));
        }
    }
    // Postmark over the stamp's corner, with wavy cancellation lines.
    let pm = (sx, sy + sh * 0.75);
    let dark = rgb(40, 40, 52);
    let mut mark = ring(pm, sh * 0.38, sh * 0.34);
    for j in 0..4 {
        let y = pm.1 - sh * 0.24 + j as f32 * sh * 0.16;
        let wave: Vec<Pt> = (0..=24)
            .map(|i| {
                let x = pm.0 - sh * 1.6 + i as f32 / 24.0 * sh * 1.2;
                (x, y + (x / (sh * 0.12)).sin() * sh * 0.04)
            })
            .collect();
        mark.push(line(&wave, (sh * 0.012).max(0.4)));
    }
    e.fill(&mark, |_, _| (dark, 0.6));
    // Address.
    for j in 0..4 {
        let x0 = fw * 0.42 + j as f32 * fw * 0.02;
        let x1 = fw * rng.range(0.8, 0.92);
        handwriting(&mut e, rng, (x0, x1), fh * (0.55 + 0.11 * j as f32), fh * 0.06, ink);
    }
    e
}

fn photograph(c: &mut Canvas, rng: &mut Rng, faces: &mut Vec<[u32; 4]>) {
    let (w, h) = c.size();
    let aspect = if rng.chance(0.75) { 1.45 } else { 0.8 };
    let (pw, ph) = fit(aspect, w * 0.74, h * 0.8);
    let border = (pw.min(ph) * 0.05).round();
    let chin = if rng.chance(0.3) { (pw.min(ph) * 0.1).round() } else { 0.0 };
    let (iw, ih) = dims(pw - 2.0 * border, ph - 2.0 * border - chin);
    let mut heads = Vec::new();
    let scene = crowd(iw, ih, rng, &mut heads);
    let (tw, th) = dims(pw, ph);
    let mut print = paper(tw, th, rgb(240, 238, 232), rng.range(0.0, 0.4), rng.next_u32());
    print.paste(&scene, border as usize, border as usize);
    let gloss = rng.range(-0.5, 0.5);
    let (fw, fh) = print.size();
    let place = lay(c, &print, (w * 0.5, h * 0.48), rng.range(-0.06, 0.06), |u, v| {
        // A faint reflection of the studio light across the glossy print.
        let d = (u / fw - v / fh * 0.6 - 0.2 - gloss).abs();
        1.0 + 0.05 * (1.0 - smoothstep(0.0, 0.25, d))
    });
    // The heads as they landed on the canvas (the print is turned by a few degrees: the box
    // is made a little larger for it).
    for (x, y, rx, ry) in heads {
        let (cx, cy) = place.at(x + border, y + border);
        let (rx, ry) = (rx * 1.25, ry * 1.2);
        let (x0, y0) = ((cx - rx).max(0.0), (cy - ry).max(0.0));
        let (x1, y1) = ((cx + rx).min(w), (cy + ry).min(h));
        if x1 > x0 + 1.0 && y1 > y0 + 1.0 {
            faces.push([x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32]);
        }
    }
}

/// A street protest seen from a little above: sky, buildings, and a crowd
/// whose people grow larger and darker towards the camera, with flags.
/// The heads of people near enough to be recognised go to `heads` as `(x, y, rx, ry)`.
fn crowd(w: usize, h: usize, rng: &mut Rng, heads: &mut Vec<(f32, f32, f32, f32)>) -> Canvas {
    const CLOTHES: [Rgbf; 9] = [
        rgb(40, 42, 50),
        rgb(30, 30, 32),
        rgb(70, 70, 74),
        rgb(60, 50, 40),
        rgb(50, 60, 48),
        rgb(90, 30, 36),
        rgb(200, 200, 196),
        rgb(176, 32, 44),
        rgb(110, 96, 80),
    ];
    const SKIN: [Rgbf; 4] = [rgb(218, 180, 150), rgb(196, 150, 120), rgb(80, 60, 50), rgb(150, 120, 96)];
    let mut t = Canvas::new(w, h, WHITE);
    let (fw, fh) = t.size();
    let seed = rng.next_u32();
    let (sky_top, sky_low) = rng.pick(&[
        (rgb(120, 140, 166), rgb(214, 216, 214)),
        (rgb(150, 156, 164), rgb(226, 222, 214)),
        (rgb(90, 118, 168), rgb(232, 214, 190)),
    ]);
    let horizon = fh * rng.range(0.34, 0.46);
    let cloud = 1.0 / (fw * 0.2).max(1.0);
    let clouds = Field::new(fw, horizon, (fw * 0.008).max(1.0), |x, y| {
        0.35 * smoothstep(0.45, 0.8, fbm(x * cloud, y * cloud * 2.0, seed))
    });
    t.paint_all(|x, y| {
        let base = mix(sky_top, sky_low, clamp01(y / horizon));
        if y > horizon { base } else { mix(base, rgb(236, 236, 234), clouds.at(x, y)) }
    });
    // Hazy city blocks on the horizon.
    let haze = mix(sky_low, rgb(90, 96, 110), 0.45);
    let mut x = -fw * 0.02;
    let mut blocks = Vec::new();
    while x < fw {
        let bw = fw * rng.range(0.04, 0.14);
        blocks.push(rect(x, horizon - fh * rng.range(0.04, 0.18), x + bw, horizon + fh * 0.1));
        x += bw;
    }
    t.fill(&blocks, solid(haze));
    t.fill(&[rect(0.0, horizon, fw, fh)], solid(mix(haze, rgb(70, 70, 72), 0.5)));

    let big_flag = rng.chance(0.3);
    let people = 120 + rng.below(120);
    let mut depths: Vec<f32> = (0..people).map(|_| rng.unit().powf(1.6)).collect();
    depths.sort_by(f32::total_cmp);
    let mut flag_drawn = false;
    for d in depths {
        if big_flag && !flag_drawn && d > 0.3 {
            // A long flag carried over the heads of the crowd.
            flag_drawn = true;
            let y = horizon + (fh - horizon) * 0.15;
            small_flag(
                &mut t,
                (fw * rng.range(0.1, 0.3), y - fh * 0.12),
                fw * rng.range(0.4, 0.6),
                rng.range(0.0, TAU),
            );
        }
        let feet = horizon + (fh - horizon) * 1.25 * d + fh * 0.02;
        let tall = fh * (0.05 + 0.55 * d * d);
        let x = fw * rng.range(-0.05, 1.05);
        let mist = (1.0 - d).powi(2) * 0.55;
        let body = mix(rng.pick(&CLOTHES), haze, mist);
        let skin = mix(rng.pick(&SKIN), haze, mist);
        let (bw, head) = (tall * 0.21, tall * 0.1);
        t.fill(&[rounded_rect(x - bw, feet - tall * 0.82, x + bw, feet, bw * 0.6)], solid(body));
        t.fill(&[ellipse(x, feet - tall * 0.9, head * 0.9, head)], solid(skin));
        // Faces of 2 % of the picture's height and more could be recognised.
        if head >= fh * 0.02 && (0.0..fw).contains(&x) && feet - tall * 0.9 < fh {
            heads.push((x, feet - tall * 0.9, head * 0.9, head));
        }
        if rng.chance(0.2) {
            let hat = mix(rng.pick(&[rgb(176, 32, 44), CLOTH_WHITE, rgb(40, 40, 44)]), haze, mist);
            t.fill(&[ellipse(x, feet - tall * 0.95, head * 0.95, head * 0.6)], solid(hat));
        }
        if rng.chance(0.07 + 0.1 * (1.0 - d)) {
            let (sx, sy) = (x + bw * 0.7, feet - tall * 0.7);
            let top = feet - tall * 1.7;
            t.fill(
                &[line(&[(sx, sy), (sx + tall * 0.05, top)], (tall * 0.012).max(0.4))],
                solid(mix(rgb(70, 60, 50), haze, mist)),
            );
            small_flag(&mut t, (sx + tall * 0.05, top), tall * 0.55, rng.range(0.0, TAU));
        }
    }
    // Print grading: slightly faded and warm, sometimes black-and-white.
    let mono = rng.chance(0.25);
    let tint = if mono { rgb(255, 240, 214) } else { rgb(255, 246, 232) };
    let (cx, cy) = (fw * 0.5, fh * 0.5);
    t.map(|x, y, p| {
        let lum = 0.3 * p[0] + 0.59 * p[1] + 0.11 * p[2];
        let graded = if mono { [lum; 3] } else { mix(p, [lum; 3], 0.25) };
        let v = 1.0 - 0.25 * (((x - cx) / fw).powi(2) + ((y - cy) / fh).powi(2));
        std::array::from_fn(|k| (0.05 + 0.88 * graded[k]) * tint[k] * v)
    });
    t
}

fn document(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let (sw, sh) = fit(0.707, w * 0.6, h * 0.88);
    let (tw, th) = dims(sw, sh);
    let mut page = paper(tw, th, rgb(240, 238, 232), rng.range(0.0, 0.5), rng.next_u32());
    type_page(&mut page, rng);
    let place = lay(c, &page, (w * 0.5, h * 0.5), rng.range(-0.03, 0.03), |_, _| 1.0);
    if rng.chance(0.4) {
        // A paper clip over the top edge.
        let at = place.at(place.w * rng.range(0.12, 0.3), 0.0);
        let k = s * 0.07;
        let ang = place.angle + rng.range(-0.15, 0.15);
        let (sn, cs) = ang.sin_cos();
        let local = [
            (0.0, 0.9),
            (0.0, -0.5),
            (0.16, -0.7),
            (0.32, -0.5),
            (0.32, 1.3),
            (0.08, 1.5),
            (-0.16, 1.3),
            (-0.16, -0.75),
        ];
        let pts: Vec<Pt> =
            local.iter().map(|&(x, y)| (at.0 + (x * cs - y * sn) * k, at.1 + (x * sn + y * cs) * k)).collect();
        let wire = line(&smooth_path(&pts, 6), (k * 0.035).max(0.6));
        c.shadow(std::slice::from_ref(&wire), (k * 0.06, k * 0.1), k * 0.05, 0.5);
        c.fill(&[wire], |x, y| (scale(rgb(170, 174, 180), 0.9 + 0.25 * noise(x / 6.0, y / 6.0, 3)), 1.0));
    }
}

/// A typed official page: letterhead, title, typewritten paragraphs,
/// signature over a line and a rubber stamp.
fn type_page(t: &mut Canvas, rng: &mut Rng) {
    let (w, h) = t.size();
    let m = w * 0.12;
    let lh = h / 42.0;
    let cell = lh * 0.44;
    let cols = ((w - 2.0 * m) / cell).max(1.0) as usize;
    let seed = rng.next_u32();
    glyph_line(t, rng, (w * 0.5, h * 0.06), lh * 0.8, w * 0.5, INK);
    typed(t, rng, (w * 0.5 - cols as f32 * cell * 0.2, h * 0.06 + lh * 1.8), cols * 2 / 5, cell, seed);
    t.fill(&[rect(m, h * 0.06 + lh * 2.4, w - m, h * 0.06 + lh * 2.4 + (lh * 0.06).max(0.6))], solid(INK));
    typed(t, rng, (m, h * 0.16), 12, cell, seed);
    typed(t, rng, (w - m - cell * 14.0, h * 0.16), 14, cell, seed);
    glyph_line(t, rng, (w * 0.5, h * 0.2), lh * 0.6, w * 0.4, INK);
    if rng.chance(0.3) {
        // A file photo in the corner.
        let (px, py, pw) = (w - m - w * 0.16, h * 0.27, w * 0.16);
        t.fill(&[rect(px, py, px + pw, py + pw * 1.3)], solid(rgb(176, 180, 184)));
        t.fill(
            &[rounded_rect(px + pw * 0.18, py + pw * 0.78, px + pw * 0.82, py + pw * 1.3, pw * 0.2)],
            solid(rgb(60, 62, 66)),
        );
        t.fill(&[ellipse(px + pw * 0.5, py + pw * 0.55, pw * 0.2, pw * 0.25)], solid(rgb(96, 96, 100)));
    }
    let mut y = h * 0.27;
    while y < h * 0.72 {
        let lines = 2 + rng.below(5);
        for i in 0..lines {
            if y >= h * 0.72 {
                break;
            }
            let indent = if i == 0 { 5 } else { 0 };
            let n = if i + 1 == lines { cols * (3 + rng.below(6)) / 10 } else { cols - indent };
            typed(t, rng, (m + indent as f32 * cell, y), n, cell, seed);
            y += lh;
        }
        y += lh * 0.6;
    }
    let sig_y = h * 0.82;
    typed(t, rng, (m, sig_y), 16, cell, seed);
    t.fill(&[rect(w * 0.52, sig_y, w - m, sig_y + (lh * 0.05).max(0.6))], solid(INK));
    let pen = rgb(36, 52, 128);
    handwriting(t, rng, (w * 0.55, w * 0.8), sig_y - lh * 0.1, lh * 1.3, pen);
    let stamp_x = w * (0.62 + rng.range(-0.04, 0.04));
    rubber_stamp(t, rng, (stamp_x, sig_y - lh * 0.4), w * 0.11, rgb(80, 60, 150));
}

/// One typewritten line of `n` characters in `cell`-wide monospace: each
/// character is a small block, inked a little unevenly as typewriters do.
fn typed(t: &mut Canvas, rng: &mut Rng, (x0, base): Pt, n: usize, cell: f32, seed: u32) {
    let mut shape = Vec::new();
    let mut i = 0;
    while i < n {
        let word = (1 + rng.below(9)).min(n - i);
        for j in i..i + word {
            let x = x0 + j as f32 * cell;
            let tall = if rng.chance(0.25) { cell * 0.95 } else { cell * 0.62 };
            let jitter = cell * rng.range(-0.06, 0.06);
            shape.push(rect(x + cell * 0.16, base - tall + jitter, x + cell * 0.78, base + jitter));
        }
        i += word + 1;
    }
    let row = (base / cell) as i32;
    t.fill(&shape, |x, _| (INK, 0.5 + 0.35 * hash2((x / cell) as i32, row, seed)));
}

// ---------------------------------------------------------------------------
// Other: everyday objects
// ---------------------------------------------------------------------------

fn other(c: &mut Canvas, rng: &mut Rng) {
    if rng.chance(0.5) { mug(c, rng) } else { candle(c, rng) }
}

/// Cylinder shading across `t` in -1..1: lit from the left, with a
/// specular streak for glazed surfaces.
fn cylinder(t: f32, gloss: f32) -> f32 {
    let t = t.clamp(-1.0, 1.0);
    0.68 + 0.34 * (1.0 - t * t).sqrt() - 0.06 * t + gloss * (-((t + 0.45) / 0.1).powi(2)).exp()
}

fn mug(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let mw = s * 0.4;
    let mh = mw * rng.range(0.95, 1.15);
    let ew = mw * 0.16;
    let cx = w * 0.47;
    let base = h * 0.5 + mh * 0.5 + ew * 0.3;
    let top = base - mh;
    let (x0, x1) = (cx - mw * 0.5, cx + mw * 0.5);
    let body_col = rng.pick(&[rgb(236, 234, 228), rgb(236, 234, 228), rgb(180, 34, 44), rgb(226, 214, 190)]);
    let red_body = body_col[1] < 0.5;
    let design = rng.below(3);
    c.shadow(&[ellipse(cx + mw * 0.1, base, mw * 0.62, ew * 1.3)], (0.0, 0.0), s * 0.02, 0.55);
    let handle_c = (x1, top + mh * 0.45);
    let mut handle = vec![ellipse(handle_c.0, handle_c.1, mw * 0.3, mh * 0.3)];
    let mut hole = ellipse(handle_c.0, handle_c.1, mw * 0.19, mh * 0.19);
    hole.reverse();
    handle.push(hole);
    c.fill(&handle, |x, y| {
        let l = ((y - handle_c.1) / (mh * 0.3)).abs();
        (scale(body_col, 0.75 + 0.2 * (1.0 - l) - 0.1 * ((x - x1) / (mw * 0.3))), 1.0)
    });
    let glaze = move |x: f32, y: f32| {
        let t = (x - cx) / (mw * 0.5);
        // Bands printed on a cylinder seen from above curve like the rim.
        let v = y - ew * (1.0 - t * t).max(0.0).sqrt();
        let m = if design == 0 && !red_body { band(v, top + mh * 0.38, top + mh * 0.62) } else { 0.0 };
        (scale(mix(body_col, CLOTH_RED, m), cylinder(t, 0.25)), 1.0)
    };
    c.fill(&[rect(x0, top, x1, base), ellipse(cx, base, mw * 0.5, ew)], glaze);
    if design == 1 || red_body {
        let col = if red_body { CLOTH_WHITE } else { CLOTH_RED };
        c.fill(&[heart((cx - mw * 0.05, top + mh * 0.52), mw * 0.36)], |x, _| {
            (scale(col, cylinder((x - cx) / (mw * 0.5), 0.2)), 0.95)
        });
    }
    c.fill(&[ellipse(cx, top, mw * 0.5, ew)], |x, _| (scale(body_col, 1.05 - 0.1 * (x - cx) / mw), 1.0));
    let wall = mw * 0.05;
    c.fill(&[ellipse(cx, top + wall * 0.2, mw * 0.5 - wall, ew - wall * 0.4)], |_, y| {
        let depth = clamp01((y - (top - ew)) / (2.0 * ew));
        (scale(body_col, 0.45 + 0.35 * depth), 1.0)
    });
}

fn candle(c: &mut Canvas, rng: &mut Rng) {
    let (w, h) = c.size();
    let s = w.min(h);
    let cw = s * 0.2;
    let ch = s * rng.range(0.36, 0.48);
    let ew = cw * 0.16;
    let cx = w * 0.5;
    let base = h * 0.78;
    let top = base - ch;
    let wax = rng.pick(&[rgb(240, 234, 218), rgb(240, 234, 218), rgb(176, 36, 44)]);
    let wrapped = wax[1] > 0.5 && rng.chance(0.6);
    let flame_c = (cx + cw * 0.02, top - cw * 0.32);

    // Warm glow on the backdrop around the flame.
    let glow_r = s * 0.42;
    c.fill(&[circle(flame_c, glow_r)], |x, y| {
        let d = (((x - flame_c.0).powi(2) + (y - flame_c.1).powi(2)).sqrt() / glow_r).min(1.0);
        (rgb(255, 214, 150), 0.35 * (1.0 - d).powi(2))
    });
    // Saucer.
    let dish = (cx, base + ew * 0.4);
    c.shadow(&[ellipse(dish.0, dish.1, cw * 1.05, ew * 2.3)], (s * 0.01, s * 0.02), s * 0.015, 0.5);
    c.fill(&[ellipse(dish.0, dish.1 + ew * 0.3, cw * 1.05, ew * 2.3)], solid(rgb(150, 150, 154)));
    c.fill(&[ellipse(dish.0, dish.1, cw * 1.0, ew * 2.1)], |x, y| {
        let l = clamp01(0.6 - (x - cx) / (cw * 2.0) - (y - dish.1) / (ew * 6.0));
        (mix(rgb(150, 152, 156), rgb(236, 236, 238), l), 1.0)
    });
    // Body, wrapped with a white-red-white ribbon.
    let (x0, x1) = (cx - cw * 0.5, cx + cw * 0.5);
    c.fill(&[rect(x0, top, x1, base), ellipse(cx, base, cw * 0.5, ew)], |x, y| {
        let t = (x - cx) / (cw * 0.5);
        let v = y - ew * (1.0 - t * t).max(0.0).sqrt();
        let m = if wrapped { band(v, base - ch * 0.42, base - ch * 0.3) } else { 0.0 };
        // Wax glows a little near the flame.
        let warm = 1.0 + 0.15 * (1.0 - smoothstep(0.0, ch * 0.35, y - top));
        (scale(mix(wax, CLOTH_RED, m), cylinder(t, 0.06) * warm), 1.0)
    });
    c.fill(&[ellipse(cx, top, cw * 0.5, ew)], solid(scale(wax, 1.08)));
    c.fill(&[ellipse(cx, top + ew * 0.1, cw * 0.38, ew * 0.65)], solid(scale(mix(wax, rgb(255, 220, 150), 0.3), 0.95)));
    c.fill(&[line(&[(cx, top), (cx + cw * 0.02, top - cw * 0.14)], (cw * 0.014).max(0.5))], solid(rgb(30, 24, 20)));
    // Flame: a teardrop, white-yellow in the core, orange at the edges.
    let (fr, fh) = (cw * 0.09, cw * 0.24);
    let drop: Vec<Pt> = (0..48)
        .map(|i| {
            let t = i as f32 / 48.0 * TAU;
            (flame_c.0 + fr * t.sin() * (t * 0.5).sin().powf(1.5), flame_c.1 - fh * t.cos())
        })
        .collect();
    c.fill(&[polygon(&drop)], |x, y| {
        let d = (((x - flame_c.0) / fr).powi(2) + ((y - flame_c.1 - fh * 0.35) / fh).powi(2)).sqrt();
        (mix(rgb(255, 250, 228), rgb(255, 150, 40), smoothstep(0.2, 1.0, d)), 0.95)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Motif; 11] = [
        Motif::Painting,
        Motif::Poster,
        Motif::Flag,
        Motif::Ribbon,
        Motif::Badge,
        Motif::Banner,
        Motif::Clothing,
        Motif::Letter,
        Motif::Photograph,
        Motif::Document,
        Motif::Other,
    ];

    #[test]
    fn every_motif_paints_the_requested_size() {
        for motif in ALL {
            for (w, h) in [(96, 72), (60, 120), (300, 40), (1, 1), (3, 2), (0, 10), (10, 0)] {
                assert_eq!(paint(motif, 7, w, h).dimensions(), (w, h), "{motif:?} at {w}×{h}");
            }
        }
    }

    #[test]
    fn same_seed_same_image_and_seeds_differ() {
        for motif in ALL {
            let a = paint(motif, 42, 120, 90);
            assert_eq!(a, paint(motif, 42, 120, 90), "{motif:?} is not deterministic");
            for seed in 43..47 {
                // Film grain alone changes every pixel a little; demand more.
                let b = paint(motif, seed, 120, 90);
                let diff: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
                let mean = diff as f64 / a.as_raw().len() as f64;
                assert!(mean > 3.0, "{motif:?} seeds 42 and {seed} barely differ ({mean:.1})");
            }
        }
    }

    #[test]
    fn pictures_are_not_flat() {
        for motif in ALL {
            for seed in 0..4 {
                let img = paint(motif, seed, 120, 90);
                let lum: Vec<f64> = img
                    .pixels()
                    .map(|p| 0.3 * f64::from(p[0]) + 0.59 * f64::from(p[1]) + 0.11 * f64::from(p[2]))
                    .collect();
                let mean = lum.iter().sum::<f64>() / lum.len() as f64;
                let var = lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / lum.len() as f64;
                assert!(var > 100.0, "{motif:?} seed {seed} is nearly flat (variance {var:.1})");

                // The backdrop's gradient has some variance too: check that an
                // object really covers a good part of the picture.
                let bare = backdrop(120, 90, &mut Rng::new(seed, motif as u64 + 1)).into_image(0);
                let changed = img
                    .pixels()
                    .zip(bare.pixels())
                    .filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > 24))
                    .count();
                assert!(
                    changed * 20 > lum.len(),
                    "{motif:?} seed {seed}: only {changed} pixels differ from the backdrop"
                );
            }
        }
    }
}
