//! `vellum verify` (archives and proofs) and `vellum log`.

use crate::args::{LogArgs, StateArgs, VerifyArgs};
use crate::output::{json_text, out, trouble, Outcome, Progress, EXIT_FAIL, EXIT_OK};
use std::path::Path;
use vellum::trust::Trust;

/// `vellum verify`: each file is an archive or a file of proofs.
pub fn run(a: VerifyArgs) -> Outcome {
    let mut trusted = super::trusted_keys(&a.trust)?;
    super::tsa_certs(&mut trusted, &a.tsa_certs)?;
    let mut code = EXIT_OK;
    for f in &a.files {
        let c = if is_proof_file(f)? {
            proofs(f, &trusted, a.json)?
        } else {
            archive(f, &trusted, &a.state, a.json)?
        };
        code = code.max(c);
    }
    Ok(code)
}

/// Whether a file starts like a proof (R1); trouble if it cannot be read.
fn is_proof_file(f: &Path) -> Result<bool, crate::output::Failure> {
    use std::io::Read;
    let mut head = [0u8; 32];
    let mut file = vellum::files::open_without_waiting(f)
        .map_err(|e| trouble(format!("{}: {e}", f.display())))?;
    let n = file.read(&mut head).unwrap_or(0);
    Ok(vellum::verify::proof::is_proof(&head[..n]))
}

fn archive(path: &Path, trusted: &Trust, state: &StateArgs, json: bool) -> Outcome {
    crate::output::small_pages();
    let p = Progress::new("verifying");
    let v = vellum::verify::verify_with(path, trusted, &|d, t| p.update(d, t));
    p.finish();
    let v = v.map_err(|e| trouble(e.to_string()))?;
    let r = &v.report;
    // F2–F4: an older copy than one verified here is reported.
    let seen = match r.newest() {
        Some(n) => super::remember(state, &n)?,
        None => None,
    };
    let code = if r.valid && seen.is_none() {
        EXIT_OK
    } else {
        EXIT_FAIL
    };
    let text = if json {
        let mut j = serde_json::to_value(r).expect("json");
        j["seen"] = serde_json::to_value(&seen).expect("json");
        json_text(&j)
    } else {
        let mut t = vellum::report::human::verify(r);
        if let Some(w) = &seen {
            t.push_str(&format!("  {w}\n"));
        }
        t
    };
    out(&text)?;
    Ok(code)
}

fn proofs(path: &Path, trusted: &Trust, json: bool) -> Outcome {
    let bytes = vellum::files::read_bounded(path, vellum::archive::proof::MAX_PROOF_FILE)
        .map_err(|e| trouble(e.to_string()))?;
    let r = vellum::verify::proof::check_file(&bytes, trusted);
    let ok = match &r {
        vellum::verify::proof::ProofFile::Malformed(_) => false,
        vellum::verify::proof::ProofFile::Proofs(ps) => ps.iter().all(|p| p.is_ok()),
    };
    let name = path.display().to_string();
    let text = if json {
        json_text(&vellum::report::json::proofs(&name, &r))
    } else {
        vellum::report::human::proofs(&name, &r)
    };
    out(&text)?;
    Ok(if ok { EXIT_OK } else { EXIT_FAIL })
}

/// `vellum log`.
pub fn log(a: LogArgs) -> Outcome {
    // With no key to trust at all (no --trust, no ./keys) the versions are
    // still listed, each "not verified: no trusted key" (issue 14 point 6).
    let mut trusted = if a.trust.trust.is_empty() && vellum::verify::default_trust().is_empty() {
        vellum::trust::Trust::load(&[]).map_err(|e| trouble(e.to_string()))?
    } else {
        super::trusted_keys(&a.trust)?
    };
    super::tsa_certs(&mut trusted, &a.tsa_certs)?;
    if !a.archive.exists() {
        return Err(trouble(format!("{}: no such file", a.archive.display())));
    }
    let p = Progress::new("verifying");
    let v = vellum::verify::verify_with(&a.archive, &trusted, &|d, t| p.update(d, t));
    p.finish();
    let v = v.map_err(|e| trouble(e.to_string()))?;
    let r = &v.report;
    let code = if r.valid { EXIT_OK } else { EXIT_FAIL };
    let text = if a.json {
        // The log's JSON keeps the key order of a JSON value (sorted).
        json_text(&serde_json::to_value(vellum::report::json::log(r)).expect("json"))
    } else {
        vellum::report::human::log(r)
    };
    out(&text)?;
    Ok(code)
}
