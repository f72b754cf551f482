//! The floor that per-section signatures put under seal, verify and check:
//! the time to Ed25519-sign, and to `verify_strict`, as many section
//! messages as the benchmark texts have sections, on all cores, with
//! nothing else to do. Seal and verify do this and more.
//!
//!     cargo bench --bench ed25519_floor
//!
//! Prints one line per size; docs/benchmarks.md quotes it.

use ed25519_dalek::{Signer, SigningKey};
use rayon::prelude::*;
use std::time::Instant;

/// Sections in bench-data/big10.txt and big100.txt (scripts/bench_data.py).
const SIZES: [(&str, usize); 2] = [("10 MB text", 23_483), ("100 MB text", 234_013)];

fn main() {
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let public = key.verifying_key();
    for (what, n) in SIZES {
        let messages: Vec<Vec<u8>> = (0..n)
            .map(|i| {
                vellum::crypto::sign::section_message(
                    "bench",
                    1,
                    &format!("point-{i}"),
                    &format!("{i:064x}"),
                )
            })
            .collect();
        let t = Instant::now();
        let signatures: Vec<_> = messages.par_iter().map(|m| key.sign(m)).collect();
        let sign = t.elapsed();
        let t = Instant::now();
        let ok = messages
            .par_iter()
            .zip(&signatures)
            .all(|(m, s)| public.verify_strict(m, s).is_ok());
        let verify = t.elapsed();
        assert!(ok);
        println!(
            "{what}: {n} sections on {} threads: sign {:.3} s, verify_strict {:.3} s",
            rayon::current_num_threads(),
            sign.as_secs_f64(),
            verify.as_secs_f64()
        );
    }
}
