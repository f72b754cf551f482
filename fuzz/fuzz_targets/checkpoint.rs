//! Signed checkpoints (archive/checkpoint.rs, crypto/note.rs, P1–P3): the
//! signed note and the checkpoint body inside it. No panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vellum::archive::checkpoint::{self, Checkpoint, SignedCheckpoint};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = SignedCheckpoint::parse(data) {
        let origin = checkpoint::origin(&c.checkpoint.archive_id, c.checkpoint.version);
        let _ = checkpoint::parse_origin(&origin);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Checkpoint::parse_text(text);
    }
});
