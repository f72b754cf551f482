//! The OCFL inventory and the bag's tag files (archive/ocfl.rs, bag.rs):
//! the limits counted before parsing, then the parse. No panic, bounded
//! memory.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vellum::archive::{bag, ocfl};

fuzz_target!(|data: &[u8]| {
    if ocfl::check_limits(data).is_ok() {
        if let Ok(inv) = ocfl::Inventory::parse(data) {
            let _ = inv.version_count();
            let _ = inv.to_bytes();
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = bag::parse_manifest(text);
        let _ = bag::parse_info(text);
    }
});
