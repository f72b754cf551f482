//! `vellum diff`: compare two versions or two texts.

use crate::cli::{out, trouble, Failure, Outcome, EXIT_FAIL, EXIT_OK};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use vellum::compare::check::Sealed;
use vellum::compare::diff::{self, DiffReport, DiffStatus};
use vellum::crypto::keys::PublicKey;
use vellum::limits::MAX_TEXT;
use vellum::report::{inline_diff, Style};

/// One side of a diff, loaded.
pub struct Side {
    /// How the user named it.
    pub label: String,
    /// The decoded text.
    pub text: String,
    /// Version metadata when it comes from an archive.
    pub meta: Option<vellum::report::Against>,
}

/// What a side names.
enum Spec {
    Text(PathBuf),
    Archive(PathBuf, Option<u32>),
}

fn is_zip(p: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(p)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map(|_| &magic == b"PK\x03\x04" || &magic == b"PK\x05\x06")
        .unwrap_or(false)
}

fn parse_spec(s: &str) -> Result<Spec, Failure> {
    let p = PathBuf::from(s);
    if p.exists() {
        return Ok(if is_zip(&p) {
            Spec::Archive(p, None)
        } else {
            Spec::Text(p)
        });
    }
    if let Some((path, v)) = s.rsplit_once("@v") {
        if let Ok(n) = v.parse::<u32>() {
            let p = PathBuf::from(path);
            if p.exists() {
                return Ok(Spec::Archive(p, Some(n)));
            }
        }
    }
    Err(trouble(format!("{s}: no such file")))
}

fn load(
    spec: &Spec,
    label: &str,
    trusted: &dyn Fn() -> Result<Vec<PublicKey>, Failure>,
) -> Result<Side, Failure> {
    match spec {
        Spec::Text(p) => load_text(p, label),
        Spec::Archive(p, v) => {
            let keys = trusted()?;
            let (text, meta) = load_version(p, &keys, *v)?;
            Ok(Side {
                label: label.to_owned(),
                text,
                meta: Some(meta),
            })
        }
    }
}

fn load_text(p: &Path, label: &str) -> Result<Side, Failure> {
    let bytes = crate::cli::read_limited(p, MAX_TEXT).map_err(trouble)?;
    let name = p.file_name().map(|f| f.to_string_lossy().into_owned());
    let (text, _) = vellum::document::read_copy_vec(name.as_deref(), bytes)
        .map_err(|e| trouble(format!("{}: {e}", p.display())))?;
    Ok(Side {
        label: label.to_owned(),
        text,
        meta: None,
    })
}

fn load_version(
    p: &Path,
    keys: &[PublicKey],
    v: Option<u32>,
) -> Result<(String, vellum::report::Against), Failure> {
    let (sealed_text, against) = crate::check_cmd::load_sealed_text(p, keys, v)?;
    Ok((sealed_text, against))
}

/// Run `vellum diff`.
pub fn run(
    a: String,
    b: Option<String>,
    trusted: &dyn Fn() -> Result<Vec<PublicKey>, Failure>,
    json: bool,
    html: Option<PathBuf>,
) -> Outcome {
    let (old, new) = match b {
        Some(b) => {
            let sa = parse_spec(&a)?;
            let sb = parse_spec(&b)?;
            if let (Spec::Text(pa), Spec::Text(pb)) = (&sa, &sb) {
                // Two texts: read and decode both at once.
                let (x, y) = rayon::join(|| load_text(pa, &a), || load_text(pb, &b));
                (x?, y?)
            } else {
                (load(&sa, &a, trusted)?, load(&sb, &b, trusted)?)
            }
        }
        None => {
            let Spec::Archive(p, None) = parse_spec(&a)? else {
                return Err(trouble(format!(
                    "{a}: with one argument, diff compares an archive's last two versions; give two texts or versions to compare"
                )));
            };
            let keys = trusted()?;
            let v = crate::cli::verify_archive(&p, &keys)?;
            let n = v.report.versions.len() as u32;
            if !v.report.valid {
                return Err(trouble(format!(
                    "{}: the archive does not verify; run vellum verify",
                    p.display()
                )));
            }
            if n < 2 {
                return Err(trouble(format!(
                    "{}: has only one version; nothing to compare",
                    p.display()
                )));
            }
            let (ta, ma) = load_version(&p, &keys, Some(n - 1))?;
            let (tb, mb) = load_version(&p, &keys, Some(n))?;
            (
                Side {
                    label: format!("{}@v{}", p.display(), n - 1),
                    text: ta,
                    meta: Some(ma),
                },
                Side {
                    label: format!("{}@v{}", p.display(), n),
                    text: tb,
                    meta: Some(mb),
                },
            )
        }
    };
    // The two sides are prepared at the same time, one per core.
    let (sealed, new_canon) = rayon::join(
        || Sealed::new(&old.text),
        || vellum::text::canon::Canonical::fast(&new.text),
    );
    // The texts as read are not needed any more: their memory serves what
    // comes next.
    let (mut old, mut new) = (old, new);
    old.text = String::new();
    new.text = String::new();
    let r = diff::diff_canonical(&sealed, &new_canon);
    let code = if r.same { EXIT_OK } else { EXIT_FAIL };
    if let Some(h) = html {
        let page = vellum::report::html::diff_page(
            &old.label,
            old.meta.as_ref(),
            &new.label,
            new.meta.as_ref(),
            &r,
        );
        std::fs::write(&h, page).map_err(|e| trouble(format!("{}: {e}", h.display())))?;
    }
    if json {
        let v = diff_json(&old, &new, &r);
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).expect("json")
        ))?;
    } else {
        let st = Style {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        out(&vellum::report::visible(&diff_human(&old, &new, &r, st)))?;
    }
    // The process ends here: handing tens of megabytes of small allocations
    // back one by one would only delay the exit.
    std::mem::forget((old, new, sealed, new_canon, r));
    Ok(code)
}

fn side_json(s: &Side) -> serde_json::Value {
    serde_json::json!({ "label": s.label, "version": s.meta })
}

/// JSON form of a diff (schema: docs/diff-report.md).
pub fn diff_json(old: &Side, new: &Side, r: &DiffReport) -> serde_json::Value {
    serde_json::json!({
        "schema": "vellum-diff-report-v1",
        "old": side_json(old),
        "new": side_json(new),
        "same": r.same,
        "summary": r.summary,
        "sections": r.sections,
        "notes": r.notes,
    })
}

fn describe(s: &Side) -> String {
    match &s.meta {
        Some(m) => format!(
            "{}  (sealed {}, key {})",
            s.label, m.created, m.signer_key_id
        ),
        None => s.label.clone(),
    }
}

fn first_words(t: &str, n: usize) -> String {
    let w: Vec<&str> = t.split_whitespace().collect();
    if w.len() <= n {
        w.join(" ")
    } else {
        format!("{} \u{2026}", w[..n].join(" "))
    }
}

/// Human diff: a unified view of changed sections, one line of context.
pub fn diff_human(old: &Side, new: &Side, r: &DiffReport, st: Style) -> String {
    let mut s = format!("--- {}\n+++ {}\n", describe(old), describe(new));
    if r.same {
        s.push_str("same canonical text: no differences\n");
        return s;
    }
    use rayon::prelude::*;
    let secs = &r.sections;
    // Each changed section is rendered on its own (word diffs take the
    // time), on all cores, then joined in order.
    let parts: Vec<String> = secs
        .par_iter()
        .enumerate()
        .with_min_len(64)
        .filter(|(_, sec)| sec.status != DiffStatus::Unchanged)
        .map(|(i, sec)| {
            let mut s = String::new();
            let classes: Vec<String> = {
                let mut c: Vec<String> = sec
                    .changes
                    .iter()
                    .map(|c| c.class.name().to_owned())
                    .collect();
                c.sort();
                c.dedup();
                c
            };
            let status = serde_json::to_value(sec.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            s.push_str(&format!(
                "@@ {} {}{} @@\n",
                sec.id,
                status,
                if classes.is_empty() {
                    String::new()
                } else {
                    format!(": {}", classes.join(", "))
                }
            ));
            if let Some(prev) = i
                .checked_sub(1)
                .map(|j| &secs[j])
                .filter(|p| p.status == DiffStatus::Unchanged)
            {
                s.push_str(&format!("  {}\n", first_words(&prev.text, 12)));
            }
            match sec.status {
                DiffStatus::Changed => {
                    let old_words = vellum::report::strip_marker(&sec.text);
                    let new_words = sec.new_text.clone().unwrap_or_default();
                    s.push_str(&format!("~ {}\n", inline_diff(old_words, &new_words, st)));
                }
                DiffStatus::Removed => s.push_str(&format!("- {}\n", st.del(&sec.text))),
                DiffStatus::Added => s.push_str(&format!("+ {}\n", st.ins(&sec.text))),
                DiffStatus::Moved => s.push_str(&format!("> {} (moved)\n", sec.text)),
                DiffStatus::Unchanged => {}
            }
            if let Some(next) = secs
                .get(i + 1)
                .filter(|n| n.status == DiffStatus::Unchanged)
            {
                s.push_str(&format!("  {}\n", first_words(&next.text, 12)));
            }
            s
        })
        .collect();
    for p in parts {
        s.push_str(&p);
    }
    let sm = &r.summary;
    s.push_str(&format!(
        "{} changed, {} added, {} removed, {} moved, {} unchanged\n",
        sm.changed, sm.added, sm.removed, sm.moved, sm.unchanged
    ));
    for n in &r.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}
