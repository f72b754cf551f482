//! `vellum diff`: compare two versions or two texts.

use crate::args::DiffArgs;
use crate::output::{json_text, out, trouble, Failure, Outcome, EXIT_FAIL, EXIT_OK};
use std::path::{Path, PathBuf};
use vellum::compare::check::Sealed;
use vellum::compare::diff;
use vellum::document::ReadOptions;
use vellum::report::DiffSide;

/// One side of a diff, loaded.
struct Side {
    side: DiffSide,
    /// The decoded text.
    text: String,
}

/// What a side names.
enum Spec {
    Text(PathBuf),
    Archive(PathBuf, Option<u32>),
}

fn is_zip(p: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    vellum::files::open_without_waiting(p)
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

/// Trusted keys, resolved once and only when a side is an archive.
struct Trust<'a> {
    args: &'a crate::args::TrustArgs,
    keys: Option<vellum::trust::Trust>,
}

impl Trust<'_> {
    fn get(&mut self) -> Result<&vellum::trust::Trust, Failure> {
        if self.keys.is_none() {
            self.keys = Some(super::trusted_keys(self.args)?);
        }
        Ok(self.keys.as_ref().expect("set above"))
    }
}

fn load(spec: &Spec, label: &str, trust: &mut Trust, opts: &ReadOptions) -> Result<Side, Failure> {
    match spec {
        Spec::Text(p) => load_text(p, label, opts),
        Spec::Archive(p, v) => load_version(p, *v, label, trust),
    }
}

fn load_version(p: &Path, v: Option<u32>, label: &str, trust: &mut Trust) -> Result<Side, Failure> {
    let loaded = super::load_version(p, trust.get()?, v)?;
    Ok(Side {
        side: DiffSide {
            label: label.to_owned(),
            meta: Some(loaded.against),
        },
        text: loaded.text,
    })
}

fn load_text(p: &Path, label: &str, opts: &ReadOptions) -> Result<Side, Failure> {
    let bytes = super::read_text(p)?;
    let name = p.file_name().map(|f| f.to_string_lossy().into_owned());
    let (text, _) = vellum::document::read_copy_with(name.as_deref(), &bytes, opts)
        .map_err(|e| trouble(format!("{}: {e}", p.display())))?;
    Ok(Side {
        side: DiffSide {
            label: label.to_owned(),
            meta: None,
        },
        text,
    })
}

/// Run `vellum diff`.
pub fn run(a: DiffArgs) -> Outcome {
    crate::output::keep_freed_memory();
    let opts = super::read_options(a.encoding.as_deref())?;
    let mut trust = Trust {
        args: &a.trust,
        keys: None,
    };
    let (old, new) = match &a.b {
        Some(b) => {
            let sa = parse_spec(&a.a)?;
            let sb = parse_spec(b)?;
            // Sizes first: a text over the limit is refused before an
            // archive on the other side is verified.
            for s in [&sa, &sb] {
                if let Spec::Text(p) = s {
                    vellum::files::check_size(p, vellum::limits::MAX_TEXT)
                        .map_err(|e| trouble(e.to_string()))?;
                }
            }
            if let (Spec::Text(pa), Spec::Text(pb)) = (&sa, &sb) {
                // Two texts: read and decode both at once.
                let (x, y) = rayon::join(|| load_text(pa, &a.a, &opts), || load_text(pb, b, &opts));
                (x?, y?)
            } else {
                (
                    load(&sa, &a.a, &mut trust, &opts)?,
                    load(&sb, b, &mut trust, &opts)?,
                )
            }
        }
        None => {
            let Spec::Archive(p, None) = parse_spec(&a.a)? else {
                return Err(trouble(format!(
                    "{}: with one argument, diff compares an archive's last two versions; give two texts or versions to compare",
                    a.a
                )));
            };
            let newest = load_version(&p, None, "", &mut trust)?;
            let n = newest.side.meta.as_ref().map(|m| m.version).unwrap_or(0);
            if n < 2 {
                return Err(trouble(format!(
                    "{}: has only one version; nothing to compare",
                    p.display()
                )));
            }
            let mut old = load_version(&p, Some(n - 1), "", &mut trust)?;
            old.side.label = format!("{}@v{}", p.display(), n - 1);
            let mut new = newest;
            new.side.label = format!("{}@v{}", p.display(), n);
            (old, new)
        }
    };
    // The two sides are prepared at the same time, one per core.
    let (sealed, new_canon) = rayon::join(
        || Sealed::new(&old.text),
        || vellum::text::canon::Canonical::fast(&new.text),
    );
    // The texts as read are not needed any more: their memory serves what
    // comes next.
    let (Side { side: old, text: t }, Side { side: new, text: u }) = (old, new);
    drop((t, u));
    let r = diff::diff_canonical(&sealed, &new_canon);
    let code = if r.same { EXIT_OK } else { EXIT_FAIL };
    if let Some(h) = &a.html {
        let page = vellum::report::html::diff_page(
            &old.label,
            old.meta.as_ref(),
            &new.label,
            new.meta.as_ref(),
            &r,
        );
        std::fs::write(h, page).map_err(|e| trouble(format!("{}: {e}", h.display())))?;
    }
    if a.json {
        // The diff's JSON keeps the key order of a JSON value (sorted).
        let v = serde_json::to_value(vellum::report::json::diff(&old, &new, &r)).expect("json");
        out(&json_text(&v))?;
    } else {
        let st = crate::output::style();
        out(&vellum::report::visible(&vellum::report::human::diff(
            &old, &new, &r, st,
        )))?;
    }
    // The process ends here: handing tens of megabytes of small allocations
    // back one by one would only delay the exit.
    std::mem::forget((sealed, new_canon, r));
    Ok(code)
}
