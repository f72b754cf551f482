//! Every document reader on any bytes, under every file name kind: no
//! panic, and every document comes back or is refused with an error.
#![no_main]
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "a.txt", "a.html", "a.eml", "a.mbox", "a.docx", "a.pdf", "a.md", "a.warc", "a.warc.gz",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    let opts = vellum::document::ReadOptions::default();
    for d in vellum::document::read(Some(name), bytes, &opts, &|_| true) {
        if let Ok(d) = d {
            assert!(!d.dismissed);
        }
    }
});
