//! Proof files (archive/proof.rs, verify/proof.rs, R1–R7): parsed and
//! checked against a fixed trusted key, so that the leaf, path and
//! checkpoint checks run too. No panic, a proof or a rejection.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vellum::crypto::keys::{SecretKey, TrustedKey};

fuzz_target!(|data: &[u8]| {
    let key = SecretKey::from_seed(&[7u8; 32]);
    let trust = vellum::trust::Trust::from(vec![TrustedKey {
        key: key.public.clone(),
        source: "fuzz.pub".into(),
    }]);
    let _ = vellum::verify::proof::check_file(data, &trust);
});
