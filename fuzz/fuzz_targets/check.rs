//! The whole check of a document against the declaration: locating
//! passages, quotations, alignment, verdicts. No panic; every sealed
//! section is in the report.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use vellum::compare::check::{check_input, Input, Sealed, Status};

static SEALED: OnceLock<Sealed> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let sealed = SEALED.get_or_init(|| Sealed::new(include_str!("../../tests/data/declaration.txt")));
    let text = String::from_utf8_lossy(data);
    // A few quoted line ranges, from the data itself.
    let quoted: Vec<std::ops::Range<u32>> = data
        .chunks(2)
        .take(2)
        .map(|c| {
            let a = c[0] as u32 % 64;
            a..a + c.get(1).copied().unwrap_or(1) as u32 % 8
        })
        .collect();
    let r = check_input(
        sealed,
        &Input {
            text: &text,
            quoted_lines: &quoted,
            ..Input::default()
        },
    );
    let n = r.sections.iter().filter(|s| s.status != Status::Added).count();
    assert_eq!(n, sealed.sections.len());
});
