//! The zip reader alone (archive/container.rs, Z5, Z5a): open any bytes as
//! an archive and read every entry whole, from the middle and in parallel
//! chunks. No panic, memory bounded, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::ops::ControlFlow;
use vellum::archive::container::ZipIn;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("vellum-fuzz-zip-{}.zip", std::process::id()));
    std::fs::write(&path, data).expect("write");
    let Ok(z) = ZipIn::open(&path) else { return };
    for e in z.entries.clone() {
        // Stop after 16 MiB of one entry: a bomb is bounded by the reader,
        // this only keeps each run short.
        let mut seen = 0usize;
        let _ = z.stream(&e.name, |b| {
            seen += b.len();
            if seen > 16 << 20 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        let _ = z.read_from(&e.name, e.size / 2, |_| ControlFlow::Break(()));
        let _ = z.read_whole_chunked(&e.name, 1 << 20, "a fuzzed entry");
        let _ = z.seek_table(&e.name);
    }
});
