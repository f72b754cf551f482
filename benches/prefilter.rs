//! The speed of rule L0 alone (docs/check-report.md): how fast the scan
//! that dismisses a document unread goes over the benchmark's web pages
//! (bench-data/web/pages, made by scripts/bench_data.py), read into memory
//! first so that only the scan is timed.
//!
//!     cargo bench --bench prefilter [-- ROUNDS]
//!
//! Prints the pages dismissed and the scan's speed, best of ROUNDS
//! (default 5).

use std::time::Instant;
use vellum::compare::check::Sealed;

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let text =
        std::fs::read_to_string("tests/data/declaration.txt").expect("tests/data/declaration.txt");
    let sealed = Sealed::new(&text);
    let mut pages: Vec<Vec<u8>> = std::fs::read_dir("bench-data/web/pages")
        .expect("bench-data/web/pages: run scripts/bench_data.py --parts web")
        .map(|e| std::fs::read(e.expect("a page").path()).expect("a page"))
        .collect();
    pages.sort();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    // Build the filter before timing.
    sealed.may_carry(b"", true);
    let mut best = f64::MAX;
    let mut kept = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        kept = pages
            .iter()
            .filter(|p| sealed.may_carry(p, vellum::document::html::starts_as_html(p)))
            .count();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "L0 scan: {} pages, {} kept, {:.0} MB in {:.3} s: {:.0} MB/s on one core",
        pages.len(),
        kept,
        bytes as f64 / 1e6,
        best,
        bytes as f64 / 1e6 / best
    );
}
