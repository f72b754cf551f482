//! The canonicalizer on any bytes: decoding never panics, and
//! canonicalizing the canonical text again changes nothing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((text, _)) = vellum::text::decode::decode(data) else {
        return;
    };
    let once = vellum::text::canon::canonicalize(&text);
    let twice = vellum::text::canon::canonicalize(&once);
    assert_eq!(once, twice, "canonicalizing twice changed the text");
    let _ = vellum::text::sections::split(&vellum::text::canon::Canonical::new(&text));
});
