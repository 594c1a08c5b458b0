//! Measures zbor's photo pipeline on large inputs: what happens to a donor's photo between the
//! upload and the derivatives the public sees.
//!
//! ```text
//! media_bench generate DIR      writes photo-24mp.jpg (6000×4000), photo-48mp.jpg (8000×6000)
//!                               and scan-24mp.png (6000×4000, RGB, no alpha) into DIR
//! media_bench run FILE OUTDIR   runs the pipeline once on FILE, storing into OUTDIR, and prints
//!                               one line: file=… sanitise_ms=… derivatives_ms=… total_ms=… and
//!                               a few more fields (see below)
//! ```
//!
//! `run` is the pipeline as zbor runs it for an upload (decoding on one thread, encoding the
//! master in strips on every core, the derivatives' JPEGs and WebPs on two threads):
//!
//! * `sanitise_ms`: [`sanitise`] (sniff the format by its bytes, decode within limits, apply the
//!   EXIF orientation, convert to 8-bit, encode a metadata-free master: a JPEG at quality 92, or a
//!   PNG when the image has transparency) and [`Store::put_master`] (BLAKE3 hash, atomic write);
//! * `derivatives_ms`: [`Store::write_derivatives`], which in production runs right after in the
//!   job queue's worker, from the pixels ingest already decoded (the worker decodes the master
//!   again only after a restart): resize 2400 → 1200 → 400 px in a cascade (Lanczos3, SIMD) and
//!   encode each as JPEG at quality 85, plus WebP for 400 and 1200 px where that is smaller.
//!
//! Reading FILE is not timed. As in `Pipeline::ingest`, the upload's bytes are dropped once
//! sanitised. The file-size limit is lifted (a 48 MP JPEG of noise can exceed the 30 MB of
//! `Limits::default()`); the pixel limits are zbor's defaults. The allocator is the one of the
//! `zbor` binary (mimalloc, set up as `main.rs` does), so that peak memory is the one production
//! would see.
//! `peak_rss_mib` is the process's own high-water mark (VmHWM), a cross-check of what
//! `/usr/bin/time` reports from outside; `sanitise_peak_mib` is that mark at the end of the
//! first phase, `rss_between_mib` the resident set between the phases, and `put_master_ms` the
//! part of `sanitise_ms` spent hashing and writing the master.
//!
//! The inputs of `generate` are painted by the demo's renderer (a street crowd on a glossy print,
//! [`Motif::Photograph`]) with sensor-like grain added, so that they compress like real photos
//! (a 24 MP JPEG at quality 90 weighs several megabytes) instead of like flat colour.
//!
//! `bench/media.sh` builds this example in release, runs `generate` once into
//! `bench/out/media/inputs/`, then runs `run` as a separate process per measurement under
//! `/usr/bin/time -f '%e %M %U %S'` (wall time, peak RSS, CPU time), with a fresh output folder each time,
//! against the libvips command-line tools and against libvips in one process (pyvips).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};
use zbor::demo::images::{Motif, paint};
use zbor::media::Store;
use zbor::media::sanitise::{Limits, sanitise};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One generated input: file name (the extension picks the encoder), pixel size, painting seed.
struct Input {
    name: &'static str,
    width: u32,
    height: u32,
    seed: u64,
}

const INPUTS: [Input; 3] = [
    Input { name: "photo-24mp.jpg", width: 6000, height: 4000, seed: 20200809 },
    Input { name: "photo-48mp.jpg", width: 8000, height: 6000, seed: 20200816 },
    Input { name: "scan-24mp.png", width: 6000, height: 4000, seed: 20200823 },
];

/// JPEG quality of the generated photos, as a phone camera would write them.
const INPUT_QUALITY: u8 = 90;

const USAGE: &str = "usage: media_bench generate DIR | media_bench run FILE OUTDIR";

fn main() -> ExitCode {
    zbor::alloc::configure();
    let args: Vec<String> = std::env::args().collect();
    let result = match args.as_slice() {
        [_, command, dir] if command == "generate" => generate(Path::new(dir)),
        [_, command, file, out] if command == "run" => run(Path::new(file), Path::new(out)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("media_bench: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn generate(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for input in &INPUTS {
        let start = Instant::now();
        let mut pixels = paint(Motif::Photograph, input.seed, input.width, input.height);
        let painted = start.elapsed();
        add_grain(&mut pixels, input.seed);
        let path = dir.join(input.name);
        let start = Instant::now();
        let mut file = BufWriter::new(File::create(&path).with_context(|| format!("creating {}", path.display()))?);
        let (raw, (width, height)) = (pixels.as_raw(), pixels.dimensions());
        if input.name.ends_with(".png") {
            PngEncoder::new(&mut file).write_image(raw, width, height, ExtendedColorType::Rgb8)?;
        } else {
            JpegEncoder::new_with_quality(&mut file, INPUT_QUALITY).write_image(
                raw,
                width,
                height,
                ExtendedColorType::Rgb8,
            )?;
        }
        file.flush().with_context(|| format!("writing {}", path.display()))?;
        let encoded = start.elapsed();
        let bytes = std::fs::metadata(&path)?.len();
        println!(
            "{} {width}x{height} {:.1} MB (painted in {:.1} s, encoded in {:.1} s)",
            input.name,
            bytes as f64 / 1e6,
            painted.as_secs_f64(),
            encoded.as_secs_f64()
        );
    }
    Ok(())
}

/// Adds sensor-like grain: triangular luminance noise of ±8 levels and a little chroma noise,
/// from a SplitMix64 stream seeded by `seed`, so the inputs are the same on every machine.
fn add_grain(pixels: &mut RgbImage, seed: u64) {
    let mut state = seed;
    for pixel in pixels.pixels_mut() {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let luma = ((z & 0xFF) as i32 + ((z >> 8) & 0xFF) as i32 - 255) / 16;
        for (i, channel) in pixel.0.iter_mut().enumerate() {
            let chroma = ((z >> (16 + 4 * i)) & 0x7) as i32 - 3;
            *channel = (i32::from(*channel) + luma + chroma).clamp(0, 255) as u8;
        }
    }
}

fn run(file: &Path, out: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let limits = Limits { max_file_bytes: u64::MAX, ..Limits::default() };
    let store = Store::new(out);

    let start = Instant::now();
    let clean = sanitise(&bytes, &limits).with_context(|| format!("sanitise refused {}", file.display()))?;
    drop(bytes);
    let cleaned = start.elapsed();
    let stored = store.put_master(&clean.bytes, clean.format, clean.image.width(), clean.image.height())?;
    let pixels = clean.image;
    drop(clean.bytes);
    let sanitised = start.elapsed();
    // The high-water mark only grows, so here it is the peak of the sanitise phase; the current
    // resident set shows what the allocator kept of it for the next phase.
    let sanitise_peak = proc_status_mib("VmHWM:");
    let between = proc_status_mib("VmRSS:");

    let start = Instant::now();
    store.write_derivatives(&stored.hash, pixels)?;
    let derived = start.elapsed();

    let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    println!(
        "file={name} sanitise_ms={} derivatives_ms={} total_ms={} put_master_ms={} peak_rss_mib={} \
         sanitise_peak_mib={} rss_between_mib={} master={} pixels={}x{}",
        millis(sanitised),
        millis(derived),
        millis(sanitised + derived),
        millis(sanitised - cleaned),
        mib(proc_status_mib("VmHWM:")),
        mib(sanitise_peak),
        mib(between),
        stored.format.extension(),
        stored.width,
        stored.height,
    );
    Ok(())
}

fn millis(d: Duration) -> u128 {
    d.as_millis()
}

fn mib(value: Option<u64>) -> String {
    value.map_or_else(|| "?".to_owned(), |m| m.to_string())
}

/// A size field of /proc/self/status (`VmHWM:` is the peak resident set, `VmRSS:` the current
/// one), in MiB; None where there is no such file.
fn proc_status_mib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
