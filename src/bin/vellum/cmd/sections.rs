//! `vellum sections`: how a text splits into canonical sections.

use crate::args::SectionsArgs;
use crate::output::{json_text, out, trouble, Outcome};

pub fn run(a: SectionsArgs) -> Outcome {
    let spec = a.file.to_string_lossy().into_owned();
    let archive = super::archive_spec(&spec).ok().filter(|(p, v)| {
        v.is_some() || super::is_zip(p) && !p.to_string_lossy().ends_with(".docx")
    });
    let text = match archive {
        // A sealed version's sections.
        Some((p, v)) => {
            let trusted = super::trusted_keys(&a.trust)?;
            super::load_version(&p, &trusted, v)?.text
        }
        None => {
            let bytes = super::read_text(&a.file)?;
            super::require_text(&a.file, &bytes)?;
            vellum::text::decode::decode(&bytes)
                .map_err(|e| trouble(format!("{}: {e}", a.file.display())))?
                .0
        }
    };
    let canon = vellum::text::canon::Canonical::new(&text);
    let secs = vellum::text::sections::split(&canon);
    let sha = vellum::digest::sha256(canon.to_text().as_bytes());
    if a.json {
        let v = serde_json::to_value(vellum::report::json::sections(&secs, &sha, &canon.warnings))
            .expect("json");
        return out(&json_text(&v));
    }
    out(&vellum::report::human::sections(
        &secs,
        &sha,
        &canon.warnings,
    ))
}
