//! The version manifest parsers (archive/manifest.rs, M1–M6): whole, and
//! as verify streams it (head, then header and body). No panic, and bounded
//! memory for any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vellum::archive::manifest::{self, Header, Manifest};

fuzz_target!(|data: &[u8]| {
    let _ = Manifest::parse(data);
    let _ = manifest::read_head(&mut &data[..]);
    if Header::read(&mut &data[..]).is_ok() {
        let _ = manifest::read_body(&mut &data[..], |_| {});
    }
});
