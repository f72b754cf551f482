//! `vellum seal`: the next version of an archive.

use crate::args::SealArgs;
use crate::output::{out, refused, trouble, Outcome, Progress};
use vellum::trust::Trust;

pub fn run(a: SealArgs) -> Outcome {
    let text = super::read_text(&a.text)?;
    super::require_text(&a.text, &text)?;
    let sk = super::read_key(&a.key, &a.passphrase_file)?;
    let handover = match &a.handover_key {
        Some(k) => Some(std::sync::Arc::new(super::read_key(
            k,
            &a.handover_passphrase_file,
        )?)),
        None => None,
    };
    // Trust matters only when appending; the signer's own key is trusted
    // for its own earlier versions, so ./keys is optional here.
    let trusted = if a.trust.trust.is_empty() {
        Trust::load(&vellum::verify::default_trust()).map_err(|e| trouble(e.to_string()))?
    } else {
        super::trusted_keys(&a.trust)?
    };
    let created = a.time.clone().or_else(source_date_epoch);
    // A bar of the bytes worked through, on a terminal, once sealing has
    // taken a second (issue 14 point 8).
    let bar = std::sync::Arc::new(Progress::new("sealing"));
    let opts = vellum::seal::SealOptions {
        message: a.message.clone(),
        created,
        handover,
        allow_bidi: a.allow_bidi,
        progress: vellum::seal::Progress::new({
            let bar = bar.clone();
            move |done, total| bar.update(done, total)
        }),
    };
    let result = vellum::seal::seal(&a.text, &text, &sk, &a.key, &a.archive, &trusted, &opts);
    bar.finish();
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
