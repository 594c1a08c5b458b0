//! Measures the face detector that suggests regions to redact: time per photo and per
//! megapixel, recall by face width, and false suggestions, on scenes made from two head
//! photographs that may be shipped (see `tests/it/faces_scene.rs`).
//!
//! ```text
//! cargo run --release --example faces_bench [SCENES]
//! ```
//!
//! Makes SCENES (default 6) scenes of 6000×4000 (24 MP) and as many of 2000×1500 (3 MP), each
//! with one face of every width listed below, and 4 face-free pictures of each size; runs
//! [`faces::detect`] once per picture on one thread, as the upload path does, and prints a
//! table. The time includes the grey working copy ([`faces::WORKING_EDGE`] px), not decoding.

#[path = "../tests/it/faces_scene.rs"]
mod faces_scene;

use std::time::Instant;

use zbor::media::faces;

const WIDTHS_24MP: [u32; 8] = [40, 60, 80, 120, 160, 240, 320, 480];
const WIDTHS_3MP: [u32; 6] = [40, 60, 80, 120, 160, 240];

fn main() {
    let scenes: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(6);
    println!("working edge {} px, {scenes} scenes per size\n", faces::WORKING_EDGE);
    for (label, (w, h), widths) in [("24 MP", (6000, 4000), &WIDTHS_24MP[..]), ("3 MP", (2000, 1500), &WIDTHS_3MP[..])]
    {
        let mut found = vec![0u32; widths.len()];
        let mut times = Vec::new();
        let mut extra = 0usize;
        for seed in 0..scenes {
            let (image, truth) = faces_scene::scene(w, h, widths, seed);
            let start = Instant::now();
            let detected = faces::detect(&image);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            for (k, face) in truth.iter().enumerate() {
                if detected.iter().any(|f| faces_scene::iou(*face, (f.x, f.y, f.w, f.h)) >= 0.3) {
                    found[k] += 1;
                }
            }
            extra += detected
                .iter()
                .filter(|f| truth.iter().all(|t| faces_scene::iou(*t, (f.x, f.y, f.w, f.h)) < 0.3))
                .count();
        }
        let mut empty_found = 0;
        for seed in 0..4 {
            let mut rng = faces_scene::Lcg(1000 + seed);
            let image = faces_scene::background(w, h, &mut rng);
            let start = Instant::now();
            empty_found += faces::detect(&image).len();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let mp = f64::from(w) * f64::from(h) / 1e6;
        println!(
            "{label} ({w}×{h}): detection median {median:.0} ms (min {:.0}, max {:.0}), {:.1} ms per MP",
            times[0],
            times[times.len() - 1],
            median / mp
        );
        println!("  recall by face width (IoU ≥ 0.3):");
        for (k, width) in widths.iter().enumerate() {
            println!("    {width:>4} px: {}/{scenes}", found[k]);
        }
        println!("  false suggestions: {extra} in {scenes} scenes with faces, {empty_found} in 4 face-free pictures\n");
    }
}
