//! `vellum sections`: how a text splits into canonical sections.

use crate::args::SectionsArgs;
use crate::output::{json_text, out, trouble, Outcome};

pub fn run(a: SectionsArgs) -> Outcome {
    let bytes = super::read_text(&a.file)?;
    let (text, _) = vellum::text::decode::decode(&bytes)
        .map_err(|e| trouble(format!("{}: {e}", a.file.display())))?;
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
