//! `vellum cosign`: another key's signatures over a sealed version.

use crate::args::CosignArgs;
use crate::output::{out, refused, trouble, with_spinner, Outcome};

pub fn run(a: CosignArgs) -> Outcome {
    let (archive, version) = super::archive_spec(&a.archive)?;
    let sk = super::read_key(&a.key, &a.passphrase_file)?;
    let trust = if a.trust.trust.is_empty() {
        vellum::trust::Trust::load(&vellum::verify::default_trust())
            .map_err(|e| trouble(e.to_string()))?
    } else {
        super::trusted_keys(&a.trust)?
    };
    let r = with_spinner("co-signing", || {
        vellum::seal::cosign::cosign(&archive, version, &sk, &a.key, &trust)
    });
    match r {
        Ok(o) => out(&vellum::report::human::cosign(&o)),
        Err(e) if e.is_refusal() => Err(refused(e.to_string())),
        Err(e) => Err(trouble(e.to_string())),
    }
}
