//! `vellum prove`: proofs of sections, to a file or standard output.

use crate::args::ProveArgs;
use crate::output::{out, trouble, Failure, Outcome, EXIT_FAIL, EXIT_TROUBLE};

pub fn run(a: ProveArgs) -> Outcome {
    let (archive, version) = super::archive_spec(&a.archive)?;
    let trusted = super::trusted_keys(&a.trust)?;
    let proofs = vellum::prove::prove(&archive, version, &a.ids, &trusted).map_err(|e| {
        let code = if e.is_finding() {
            EXIT_FAIL
        } else {
            EXIT_TROUBLE
        };
        Failure(code, e.to_string())
    })?;
    let text: String = proofs.iter().map(|p| p.to_text()).collect();
    match &a.out {
        None => out(&text),
        Some(f) => {
            std::fs::write(f, &text).map_err(|e| trouble(format!("{}: {e}", f.display())))?;
            let mut s = String::new();
            for p in &proofs {
                s.push_str(&format!(
                    "proved {} of {} version {} (section {} of the tree) in {}\n",
                    p.section,
                    p.archive_id,
                    p.version,
                    p.index + 1,
                    f.display()
                ));
            }
            out(&s)
        }
    }
}
