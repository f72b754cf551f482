//! What signing a version costs now that its sections are leaves of a
//! Merkle tree (issue 11): for as many sections as the benchmark texts
//! have, the leaves hashed and the tree's root and tiles built (seal and
//! verify do this), the one checkpoint signed and verified, the manifest's
//! three signatures made and checked (over a manifest of the size those
//! sections make), and one section's proof checked. It replaces the floor
//! per-section signatures put under seal and verify (23,483 and 234,013
//! Ed25519 signatures: 0.52 s and 2.3 s to sign, 5.3 s to verify_strict on
//! the 100 MB text, docs/benchmarks.md).
//!
//!     cargo bench --bench signing_cost
//!
//! Prints one line per size; docs/benchmarks.md quotes them.

use std::time::Instant;
use vellum::archive::checkpoint::{Checkpoint, SignedCheckpoint};
use vellum::archive::manifest::{leaf_hashes, SectionEntry};
use vellum::archive::tree;
use vellum::crypto::keys::{SecretKey, TrustedKey};
use vellum::crypto::merkle::{self, TreeBuilder};
use vellum::crypto::sign;
use vellum::text::sections::Kind;

/// Sections in bench-data/big10.txt and big100.txt (scripts/bench_data.py).
const SIZES: [(&str, usize); 2] = [("10 MB text", 25_709), ("100 MB text", 256_740)];

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let sk = SecretKey::from_seed(&[7u8; 32]);
    let trusted = [TrustedKey {
        key: sk.public.clone(),
        source: "k.pub".into(),
    }];
    for (what, n) in SIZES {
        let entries: Vec<SectionEntry> = (0..n)
            .map(|i| SectionEntry {
                id: format!("paragraph-{}", i + 1),
                kind: Kind::Paragraph,
                number: None,
                start: 430 * i as u64,
                len: 428,
                sha256: format!("{i:064x}"),
            })
            .collect();
        let t = Instant::now();
        let leaves = leaf_hashes(&entries);
        let leaf_ms = ms(t);
        let t = Instant::now();
        let h = tree::tile_height(n as u64);
        let mut b = TreeBuilder::with_tiles(h);
        for l in &leaves {
            b.push(*l);
        }
        let (root, tiles) = (b.root(), b.tiles());
        let tree_ms = ms(t);
        let cp = Checkpoint {
            archive_id: "bench".into(),
            version: 1,
            size: n as u64,
            root,
            original_sha256: "1".repeat(64),
            canonical_sha256: "2".repeat(64),
            manifest_sha256: "3".repeat(64),
            previous_checkpoint_sha256: None,
            signers: vec![sk.public.fingerprint()],
        };
        let t = Instant::now();
        let note = cp.sign(&[&sk]);
        let note_sign_us = ms(t) * 1000.0;
        let t = Instant::now();
        let ok = SignedCheckpoint::parse(note.as_bytes())
            .unwrap()
            .trusted_signers(&trusted)
            .len()
            == 1;
        let note_verify_us = ms(t) * 1000.0;
        assert!(ok);
        // A manifest of the size these sections make (about 160 bytes each).
        let manifest: Vec<u8> = serde_json::to_vec(&entries).unwrap();
        let t = Instant::now();
        let raw = sign::raw_signature(&sk, &manifest);
        let mini = sign::minisign_signature(&sk, &manifest, "bench");
        let ssh = sign::ssh_signature(&sk, &manifest);
        let manifest_sign_ms = ms(t);
        let t = Instant::now();
        assert!(sign::verify_raw(&sk.public, &manifest, &raw));
        assert!(sign::verify_minisign(&sk.public, &manifest, &mini).is_ok());
        assert!(sign::verify_ssh(&sk.public, &manifest, &ssh).is_ok());
        let manifest_verify_ms = ms(t);
        let i = n as u64 / 3;
        let t0 = (i >> h) << h;
        let tile = &leaves[t0 as usize..((t0 + (1 << h)) as usize).min(n)];
        let path = tree::path_from_tiles(i, h, tile, &tiles).unwrap();
        let t = Instant::now();
        assert_eq!(
            merkle::verify_inclusion(i, n as u64, &leaves[i as usize], &path, &root),
            Ok(())
        );
        let path_us = ms(t) * 1000.0;
        println!(
            "{what}: {n} sections on {} threads: leaves {leaf_ms:.1} ms, tree and {} tiles {tree_ms:.1} ms; checkpoint sign {note_sign_us:.0} us, verify {note_verify_us:.0} us; manifest of {:.1} MB signed three ways {manifest_sign_ms:.1} ms, verified {manifest_verify_ms:.1} ms; inclusion path of {} hashes checked in {path_us:.1} us",
            rayon::current_num_threads(),
            tiles.len(),
            manifest.len() as f64 / 1e6,
            path.len()
        );
    }
}
