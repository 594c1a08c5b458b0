//! Derivatives: the sizes the public sees, made from one decode of the master by a cascade
//! of SIMD resizes (2400 → 1200 → 400 px), encoded as JPEG and WebP on two threads.

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, RgbImage};

use super::DERIVATIVE_SIZES;

/// JPEG quality of derivatives.
pub const DERIVATIVE_QUALITY: u8 = 85;
/// WebP quality of derivatives; a WebP is kept only when it is smaller than the JPEG.
pub const WEBP_QUALITY: f32 = 80.0;
/// Sizes that get a WebP too: the ones pages show. The largest is for zooming, where JPEG's
/// faster decoding matters more than bytes.
pub const WEBP_SIZES: [u32; 2] = [400, 1200];

/// Encodes pixels as a baseline JPEG with no metadata segments; transparency is flattened
/// onto white (dropping the alpha channel would show what lies under transparent pixels).
pub fn encode_jpeg(image: &DynamicImage, quality: u8) -> anyhow::Result<Vec<u8>> {
    let rgb;
    let pixels = match image {
        DynamicImage::ImageRgb8(buffer) => buffer,
        other => {
            rgb = to_rgb(other.clone());
            &rgb
        }
    };
    super::jpeg::encode_rgb(pixels.as_raw(), pixels.width(), pixels.height(), quality)
}

/// The size of `width`×`height` scaled down to fit `size` on its longest edge (never up).
pub fn fit(width: u32, height: u32, size: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= size {
        return (width, height);
    }
    let scale = f64::from(size) / f64::from(longest);
    (((f64::from(width) * scale).round() as u32).max(1), ((f64::from(height) * scale).round() as u32).max(1))
}

/// Flattens transparency onto white: derivatives are JPEG.
pub(crate) fn to_rgb(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        // Free when the master is already 8-bit RGB, as sanitised JPEG masters are.
        return image.into_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

/// One derivative: its longest-edge size class, pixel size and JPEG bytes.
#[derive(Debug)]
pub struct Derivative {
    pub size: u32,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
    /// The same pixels as lossy WebP, when that is smaller.
    pub webp: Option<Vec<u8>>,
}

/// `source` resized to `w`×`h` with Lanczos3, or `None` when it is that size already (sizes are
/// never upscaled).
fn lanczos(resizer: &mut Resizer, source: &Image<'_>, (w, h): (u32, u32)) -> anyhow::Result<Option<Image<'static>>> {
    if (w, h) == (source.width(), source.height()) {
        return Ok(None);
    }
    let mut next = Image::new(w, h, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    resizer.resize(source, &mut next, &options)?;
    Ok(Some(next))
}

/// How many times a `width`×`height` image may be halved on its way to `target`: as long as
/// Lanczos3 is still left a reduction of at least 1.5×, so that the box average only ever takes
/// the first, coarse step (a 48 MP photo goes 8000 → 4000 → 2400 px; a 24 MP one straight
/// 6000 → 2400).
fn halvings(width: u32, height: u32, (target_w, target_h): (u32, u32)) -> u32 {
    let mut n = 0;
    while width >> n >= 3 * target_w && height >> n >= 3 * target_h {
        n += 1;
    }
    n
}

/// Makes every derivative of `master`, largest first, each resized from the previous one.
/// Takes the pixels by value so that no copy of a full-size image is ever made: the full-size
/// pixels are gone once the largest derivative is resized (or the master halved). The sizes'
/// JPEGs and WebPs are then encoded at the same time, on two threads. Every size is exactly
/// [`fit`] of the master's size, as pages announce it.
pub fn derivatives(master: DynamicImage) -> anyhow::Result<Vec<Derivative>> {
    let rgb = to_rgb(master);
    let (width, height) = rgb.dimensions();
    let mut sizes = DERIVATIVE_SIZES;
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let mut resizer = Resizer::new();
    // A large master is first halved by averaging, which costs a fraction of what Lanczos3 costs
    // per pixel read.
    let mut pixels = rgb.into_raw();
    let (mut source_w, mut source_h) = (width, height);
    for _ in 0..halvings(width, height, fit(width, height, sizes[0])) {
        (pixels, source_w, source_h) = halve(&pixels, source_w, source_h);
    }
    let master = Image::from_vec_u8(source_w, source_h, pixels, PixelType::U8x3)?;
    // The largest size takes the full-size pixels with it: they either are that size or go here.
    let largest = lanczos(&mut resizer, &master, fit(width, height, sizes[0]))?.unwrap_or(master);
    let mut images = vec![(sizes[0], largest)];
    for &size in &sizes[1..] {
        let previous = &images[images.len() - 1].1;
        let image = lanczos(&mut resizer, previous, fit(width, height, size))?.unwrap_or_else(|| previous.copy());
        images.push((size, image));
    }
    let (jpegs, webps) = std::thread::scope(|scope| {
        let webps = scope.spawn(|| {
            images
                .iter()
                .map(|(size, image)| WEBP_SIZES.contains(size).then(|| encode_webp(image)))
                .collect::<Vec<Option<Vec<u8>>>>()
        });
        let jpegs: anyhow::Result<Vec<Vec<u8>>> = images
            .iter()
            .map(|(_, image)| {
                super::jpeg::encode_rgb(image.buffer(), image.width(), image.height(), DERIVATIVE_QUALITY)
            })
            .collect();
        (jpegs, webps.join())
    });
    let webps = webps.map_err(|_| anyhow::anyhow!("the WebP encoder panicked"))?;
    let out = images
        .iter()
        .zip(jpegs?)
        .zip(webps)
        .map(|(((size, image), jpeg), webp)| Derivative {
            size: *size,
            width: image.width(),
            height: image.height(),
            webp: webp.filter(|webp| webp.len() < jpeg.len()),
            jpeg,
        })
        .collect();
    Ok(out)
}

/// Halves 8-bit RGB pixels by averaging each 2 × 2 block (an odd last row or column is
/// dropped), in two bands of rows at once.
fn halve(pixels: &[u8], width: u32, height: u32) -> (Vec<u8>, u32, u32) {
    let (half_w, half_h) = (width / 2, height / 2);
    let (src_row, dst_row) = (width as usize * 3, half_w as usize * 3);
    let mut out = vec![0u8; dst_row * half_h as usize];
    if out.is_empty() {
        return (out, half_w, half_h);
    }
    // Two bands, as JPEG strips (see `jpeg.rs`): at most two threads per image.
    let band_rows = (half_h as usize).div_ceil(2);
    std::thread::scope(|scope| {
        for (band, rows) in out.chunks_mut(band_rows * dst_row).enumerate() {
            scope.spawn(move || {
                for (i, dst) in rows.chunks_exact_mut(dst_row).enumerate() {
                    let y = 2 * (band * band_rows + i);
                    let top = &pixels[y * src_row..][..src_row];
                    let bottom = &pixels[(y + 1) * src_row..][..src_row];
                    for ((dst, top), bottom) in
                        dst.chunks_exact_mut(3).zip(top.chunks_exact(6)).zip(bottom.chunks_exact(6))
                    {
                        for c in 0..3 {
                            let sum = u16::from(top[c])
                                + u16::from(top[c + 3])
                                + u16::from(bottom[c])
                                + u16::from(bottom[c + 3]);
                            dst[c] = ((sum + 2) / 4) as u8;
                        }
                    }
                }
            });
        }
    });
    (out, half_w, half_h)
}

/// Lossy WebP at [`WEBP_QUALITY`], with libwebp's method 2 of 0–6: a third of the time of its
/// default (4) for files about 3 % larger.
fn encode_webp(image: &Image<'_>) -> Vec<u8> {
    let encoder = webp::Encoder::from_rgb(image.buffer(), image.width(), image.height());
    let fast = webp::WebPConfig::new().ok().and_then(|mut config| {
        config.quality = WEBP_QUALITY;
        config.method = 2;
        encoder.encode_advanced(&config).ok()
    });
    fast.unwrap_or_else(|| encoder.encode(WEBP_QUALITY)).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_averages_each_block_of_four() {
        // 5 × 3: the last column and row are dropped.
        let pixels: Vec<u8> = (0..5 * 3).flat_map(|i| [i as u8 * 10, 100, 255 - i as u8]).collect();
        let (half, w, h) = halve(&pixels, 5, 3);
        assert_eq!((w, h), (2, 1));
        // Block (0,0): pixels 0, 1, 5, 6; block (1,0): 2, 3, 7, 8.
        let avg = |a: u16, b: u16, c: u16, d: u16| ((a + b + c + d + 2) / 4) as u8;
        assert_eq!(
            half,
            [avg(0, 10, 50, 60), 100, avg(255, 254, 250, 249), avg(20, 30, 70, 80), 100, avg(253, 252, 248, 247)]
        );
        assert_eq!(halve(&[1, 2, 3], 1, 1), (Vec::new(), 0, 0));
    }

    #[test]
    fn only_large_reductions_start_by_halving() {
        let at = |w, h| halvings(w, h, fit(w, h, 2400));
        assert_eq!(at(8000, 6000), 1, "48 MP: 8000 → 4000, then Lanczos3 to 2400");
        assert_eq!(at(6000, 4000), 0, "24 MP: Lanczos3 all the way");
        assert_eq!(at(4800, 3200), 0, "a 2× reduction is all Lanczos3");
        assert_eq!(at(30_000, 20_000), 3, "30000 → 3750, then Lanczos3");
        assert_eq!(at(7300, 1000), 1);
        assert_eq!(at(2000, 1000), 0);
    }

    #[test]
    fn a_halved_master_gives_the_announced_sizes_and_looks_the_same() {
        // A photo-like test card that is halved first: gradients, edges and fine noise, with odd
        // sides so that halving drops a row and a column.
        let (width, height) = (7301, 1001);
        assert_eq!(halvings(width, height, fit(width, height, 2400)), 1);
        let mut seed = 7u32;
        let big = RgbImage::from_fn(width, height, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let edge = if (x / 150 + y / 110) % 2 == 0 { 70 } else { 0 };
            image::Rgb([(x / 30) as u8 / 2 + edge + (seed % 9) as u8, (y / 4) as u8 / 2 + edge, 120 - edge / 2])
        });
        let (w, h) = fit(width, height, 2400);
        let mut direct = Image::new(w, h, PixelType::U8x3);
        let source = Image::from_vec_u8(width, height, big.as_raw().clone(), PixelType::U8x3).unwrap();
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new().resize(&source, &mut direct, &options).unwrap();
        let made = derivatives(DynamicImage::ImageRgb8(big)).unwrap();
        for d in &made {
            assert_eq!((d.width, d.height), fit(width, height, d.size), "{} px as pages announce it", d.size);
            let decoded = image::load_from_memory(&d.jpeg).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (d.width, d.height));
        }
        // Against Lanczos3 straight from the full size: the halving may cost little next to what
        // the JPEG at quality 85 costs anyway.
        let psnr = |jpeg: &[u8]| {
            let decoded = image::load_from_memory(jpeg).unwrap().into_rgb8();
            let error =
                decoded.as_raw().iter().zip(direct.buffer()).map(|(a, b)| (f64::from(*a) - f64::from(*b)).powi(2));
            let mean = error.sum::<f64>() / direct.buffer().len() as f64;
            10.0 * (255.0f64 * 255.0 / mean).log10()
        };
        let jpeg_only = psnr(&super::super::jpeg::encode_rgb(direct.buffer(), w, h, DERIVATIVE_QUALITY).unwrap());
        let halved = psnr(&made[0].jpeg);
        assert!(halved > jpeg_only - 1.0, "halved then Lanczos3: {halved:.1} dB; Lanczos3 alone: {jpeg_only:.1} dB");
    }

    #[test]
    fn derivatives_fit_their_size_and_never_upscale() {
        let big = DynamicImage::ImageRgb8(RgbImage::from_fn(3000, 2000, |x, y| image::Rgb([x as u8, y as u8, 90])));
        let made = derivatives(big).unwrap();
        let dims: Vec<(u32, u32, u32)> = made.iter().map(|d| (d.size, d.width, d.height)).collect();
        assert_eq!(dims, vec![(2400, 2400, 1600), (1200, 1200, 800), (400, 400, 267)]);
        let small = DynamicImage::ImageRgb8(RgbImage::new(300, 500));
        let made = derivatives(small).unwrap();
        let dims: Vec<(u32, u32, u32)> = made.iter().map(|d| (d.size, d.width, d.height)).collect();
        assert_eq!(dims, vec![(2400, 300, 500), (1200, 300, 500), (400, 240, 400)], "never upscaled");
        for d in made {
            let decoded = image::load_from_memory(&d.jpeg).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (d.width, d.height));
        }
    }
}
