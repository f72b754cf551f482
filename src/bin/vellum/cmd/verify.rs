//! `vellum verify` and `vellum log`.

use crate::args::VerifyArgs;
use crate::output::{json_text, out, trouble, Outcome, Progress, EXIT_FAIL, EXIT_OK};

pub fn run(a: VerifyArgs, log: bool) -> Outcome {
    if !log {
        crate::output::small_pages();
    }
    let trusted = super::trusted_keys(&a.trust)?;
    if !a.archive.exists() {
        return Err(trouble(format!("{}: no such file", a.archive.display())));
    }
    let p = Progress::new("verifying");
    let v = vellum::verify::verify(&a.archive, &trusted, &|d, t| p.update(d, t));
    p.finish();
    let v = v.map_err(|e| trouble(e.to_string()))?;
    let r = &v.report;
    let code = if r.valid { EXIT_OK } else { EXIT_FAIL };
    let text = match (log, a.json) {
        // The log's JSON keeps the key order of a JSON value (sorted).
        (true, true) => {
            json_text(&serde_json::to_value(vellum::report::json::log(r)).expect("json"))
        }
        (true, false) => vellum::report::human::log(r),
        (false, true) => json_text(r),
        (false, false) => vellum::report::human::verify(r),
    };
    out(&text)?;
    Ok(code)
}
