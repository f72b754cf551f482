//! `vellum seal`: the next version of an archive.

use crate::args::SealArgs;
use crate::output::{out, refused, trouble, with_spinner, Outcome};
use vellum::crypto::keys;

pub fn run(a: SealArgs) -> Outcome {
    let text = super::read_text(&a.text)?;
    super::require_text(&a.text, &text)?;
    let encrypted = keys::is_encrypted(&a.key).map_err(|e| trouble(e.to_string()))?;
    let pass = if encrypted {
        Some(super::passphrase(&a.passphrase_file, false)?)
    } else {
        None
    };
    let sk = keys::read_secret_key(&a.key, pass.as_deref().map(|p| p.as_slice()))
        .map_err(|e| trouble(e.to_string()))?;
    drop(pass);
    // Trust matters only when appending; the signer's own key is trusted
    // for its own earlier versions, so ./keys is optional here.
    let trusted = if a.trust.trust.is_empty() {
        super::load_trusted(&vellum::verify::default_trust())?
    } else {
        super::trusted_keys(&a.trust)?
    };
    let created = a.time.clone().or_else(source_date_epoch);
    let opts = vellum::seal::SealOptions {
        message: a.message.clone(),
        created,
        allow_key_change: a.key_change,
        allow_bidi: a.allow_bidi,
    };
    let result = with_spinner("sealing", || {
        vellum::seal::seal(&a.text, &text, &sk, &a.key, &a.archive, &trusted, &opts)
    });
    match result {
        Ok(o) => out(&vellum::report::human::seal(
            &a.text.display().to_string(),
            &o,
        )),
        Err(e) if e.is_refusal() => Err(refused(e.to_string())),
        Err(e) => Err(trouble(e.to_string())),
    }
}

fn source_date_epoch() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let t = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}
