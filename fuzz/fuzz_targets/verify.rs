//! Verifying any bytes as an archive (the zip reader, the bag, the OCFL
//! inventories, the manifests and signatures): no panic, and a report or
//! an error whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("vellum-fuzz-verify-{}.zip", std::process::id()));
    let mut f = std::fs::File::create(&path).expect("temp file");
    f.write_all(data).expect("write");
    drop(f);
    let _ = vellum::verify::verify(&path, &[], &|_, _| {});
});
