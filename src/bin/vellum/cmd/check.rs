//! `vellum check`: verify the archive, then judge each copy.

use crate::args::CheckArgs;
use crate::output::{
    out_each, trouble, Failure, Outcome, Progress, EXIT_FAIL, EXIT_OK, EXIT_TROUBLE,
};
use rayon::prelude::*;
use std::path::PathBuf;
use vellum::compare::check::{self, Sealed};
use vellum::crypto::keys::TrustedKey;
use vellum::limits::MAX_TEXT;
use vellum::report::{self, Against, Style};

/// Copies checked in parallel before their reports are written (enough to
/// keep both cores busy, few enough to keep memory small).
const BATCH: usize = 1024;

/// A copy to check: where it comes from.
enum Source {
    File(PathBuf),
    Stdin,
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "-".to_owned(),
        }
    }
}

/// What `vellum check` was asked to do, resolved before any work.
struct Config {
    archive: PathBuf,
    copies: Vec<Source>,
    trusted: Vec<TrustedKey>,
    version: Option<u32>,
    json: bool,
    html: Option<PathBuf>,
    style: Style,
    read: vellum::document::ReadOptions,
}

impl Config {
    fn new(a: CheckArgs) -> Result<Config, Failure> {
        let trusted = super::trusted_keys(&a.trust)?;
        let copies = expand(&a.copies)?;
        if copies.is_empty() {
            return Err(trouble("no copies to check (empty folder?)"));
        }
        if a.html.is_some() && copies.len() != 1 {
            return Err(trouble(
                "--html writes the report of one copy; give exactly one copy",
            ));
        }
        Ok(Config {
            archive: a.archive,
            copies,
            trusted,
            version: a.version,
            json: a.json,
            html: a.html,
            style: crate::output::style(),
            read: super::read_options(a.encoding.as_deref())?,
        })
    }
}

fn expand(paths: &[PathBuf]) -> Result<Vec<Source>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Source::Stdin);
        } else if p.is_dir() {
            let mut stack = vec![p.clone()];
            let mut files = Vec::new();
            while let Some(d) = stack.pop() {
                let rd =
                    std::fs::read_dir(&d).map_err(|e| trouble(format!("{}: {e}", d.display())))?;
                for e in rd.flatten() {
                    let path = e.path();
                    if e.file_name().to_string_lossy().starts_with('.') {
                        continue;
                    }
                    // The entry's type comes with the listing; a link is
                    // followed to see what it points to.
                    let dir = match e.file_type() {
                        Ok(t) if !t.is_symlink() => t.is_dir(),
                        _ => path.is_dir(),
                    };
                    if dir {
                        stack.push(path);
                    } else {
                        files.push(path);
                    }
                }
            }
            files.sort();
            out.extend(files.into_iter().map(Source::File));
        } else {
            out.push(Source::File(p.clone()));
        }
    }
    Ok(out)
}

fn read_source(src: &Source, stdin: &Option<Vec<u8>>) -> Result<Vec<u8>, String> {
    match src {
        Source::Stdin => Ok(stdin.clone().unwrap_or_default()),
        Source::File(p) => vellum::files::read_bounded(p, MAX_TEXT).map_err(|e| e.to_string()),
    }
}

/// The sealed versions a copy is checked against: the chosen one (the
/// newest by default), and the earlier ones, each prepared the first time
/// a copy needs it (a copy that is not the newest text may be an earlier
/// one: outdated).
struct Versions {
    sealed: Sealed,
    against: Against,
    archive: vellum::verify::LoadedArchive,
    /// Versions before the newest, newest first, when checking against the
    /// newest.
    older: Vec<(u32, std::sync::OnceLock<Option<Sealed>>)>,
}

impl Versions {
    fn older(&self) -> impl Iterator<Item = (u32, &Sealed)> {
        self.older.iter().filter_map(|(n, cell)| {
            cell.get_or_init(|| {
                self.archive
                    .version(*n)
                    .ok()
                    .map(|v| Sealed::from_sections(v.sections))
            })
            .as_ref()
            .map(|s| (*n, s))
        })
    }
}

/// One copy's report as written, and its exit code.
fn check_one(c: &Config, src: &Source, stdin: &Option<Vec<u8>>, v: &Versions) -> (String, u8) {
    let (sealed, against) = (&v.sealed, &v.against);
    let name = src.name();
    let many = c.copies.len() > 1;
    let r = read_source(src, stdin).and_then(|bytes| {
        let fname = match src {
            Source::File(p) => p.file_name().map(|f| f.to_string_lossy().into_owned()),
            Source::Stdin => None,
        };
        vellum::document::read_copy_with(fname.as_deref(), &bytes, &c.read)
            .map_err(|e| format!("{name}: {e}"))
    });
    let (text, _format) = match r {
        Ok(t) => t,
        Err(e) => {
            let text = if c.json {
                let v = serde_json::json!({"copy": name, "verdict": null, "error": e});
                format!("{}\n", serde_json::to_string(&v).expect("json"))
            } else {
                format!("{e}\n")
            };
            return (text, EXIT_TROUBLE);
        }
    };
    let input = check::Input {
        text: &text,
        ..Default::default()
    };
    let rep = check::check_versions(sealed, v.older(), &input);
    if let Some(h) = &c.html {
        let page = report::html::check_page(&name, against, &rep);
        if let Err(e) = std::fs::write(h, page) {
            return (format!("{}: {e}\n", h.display()), EXIT_TROUBLE);
        }
    }
    let code = if rep.verdict.is_ok() {
        EXIT_OK
    } else {
        EXIT_FAIL
    };
    let text = if c.json {
        let v = report::json::check(&name, against, &rep, Some(sealed));
        if many {
            format!("{}\n", serde_json::to_string(&v).expect("json"))
        } else {
            format!("{}\n", serde_json::to_string_pretty(&v).expect("json"))
        }
    } else {
        report::visible(&report::human::check(&name, against, &rep, c.style))
    };
    (text, code)
}

/// Run `vellum check`.
pub fn run(a: CheckArgs) -> Outcome {
    let c = Config::new(a)?;
    let archive = super::load_archive(&c.archive, &c.trusted)?;
    let newest = archive.versions();
    let n = c.version.unwrap_or(newest);
    let loaded = archive.version(n).map_err(super::load_failure)?;
    let older = if c.version.is_none() {
        (1..n)
            .rev()
            .map(|k| (k, std::sync::OnceLock::new()))
            .collect()
    } else {
        vec![]
    };
    let versions = Versions {
        // The sections the signed tree was checked on.
        sealed: Sealed::from_sections(loaded.sections),
        against: loaded.against,
        archive,
        older,
    };
    let stdin = if c.copies.iter().any(|s| matches!(s, Source::Stdin)) {
        Some(vellum::files::read_stdin_bounded(MAX_TEXT).map_err(|e| trouble(e.to_string()))?)
    } else {
        None
    };
    let many = c.copies.len() > 1;
    let progress = Progress::new("checking");
    let done = std::sync::atomic::AtomicU64::new(0);
    let total = c.copies.len() as u64;
    // Copies are checked in parallel a batch at a time and written in
    // order, so memory stays bounded however many copies there are; a
    // batch is written while the next one is checked.
    let mut code = EXIT_OK;
    let write = |results: Vec<(String, u8)>| -> Result<u8, Failure> {
        let mut code = EXIT_OK;
        let mut pieces: Vec<&str> = Vec::with_capacity(2 * results.len());
        for (text, rc) in &results {
            if *rc == EXIT_TROUBLE && !c.json {
                eprint!("vellum: {text}");
            } else {
                pieces.push(text);
                if many && !c.json {
                    pieces.push("\n");
                }
            }
            code = code.max(*rc);
        }
        out_each(pieces)?;
        Ok(code)
    };
    let mut checked: Option<Vec<(String, u8)>> = None;
    for batch in c.copies.chunks(BATCH) {
        let check_batch = || -> Vec<(String, u8)> {
            batch
                .par_iter()
                .map(|src| {
                    let r = check_one(&c, src, &stdin, &versions);
                    let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if d % 64 == 0 {
                        progress.update(d, total);
                    }
                    r
                })
                .collect()
        };
        let (results, wrote) = rayon::join(check_batch, || checked.take().map(write));
        code = code.max(wrote.transpose()?.unwrap_or(EXIT_OK));
        checked = Some(results);
    }
    if let Some(results) = checked {
        code = code.max(write(results)?);
    }
    progress.finish();
    Ok(code)
}
