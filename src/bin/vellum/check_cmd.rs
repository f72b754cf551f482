//! `vellum check`: verify the archive, then judge each copy.

use crate::cli::{out_each, trouble, Failure, Outcome, Progress, EXIT_FAIL, EXIT_OK, EXIT_TROUBLE};
use rayon::prelude::*;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use vellum::compare::check::{self, Sealed};
use vellum::crypto::keys::PublicKey;
use vellum::limits::MAX_TEXT;
use vellum::report::{self, Against, Style};

/// Copies checked in parallel before their reports are written (enough to
/// keep both cores busy, few enough to keep memory small).
pub const BATCH: usize = 1024;

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

/// The sealed version to check against, prepared.
pub fn load_sealed(
    archive: &Path,
    trusted: &[PublicKey],
    version: Option<u32>,
) -> Result<(Sealed, Against), Failure> {
    let (text, against) = load_sealed_text(archive, trusted, version)?;
    Ok((Sealed::new(&text), against))
}

/// Verify an archive and read one version's text (the newest by default).
pub fn load_sealed_text(
    archive: &Path,
    trusted: &[PublicKey],
    version: Option<u32>,
) -> Result<(String, Against), Failure> {
    let v = crate::cli::verify_archive(archive, trusted)?;
    if !v.report.valid {
        return Err(Failure(
            EXIT_FAIL,
            format!(
                "{}: the archive does not verify, so it is not used ({}); run vellum verify",
                archive.display(),
                v.report.problems_in_brief()
            ),
        ));
    }
    let opened = v
        .opened
        .ok_or_else(|| trouble(format!("{}: could not be read", archive.display())))?;
    let newest = opened.versions.len() as u32;
    let n = version.unwrap_or(newest);
    if n == 0 || n > newest {
        return Err(trouble(format!(
            "{}: has versions 1 to {newest}, not {n}",
            archive.display()
        )));
    }
    let vh = &opened.versions[n as usize - 1];
    let m = &vh.manifest;
    let bytes = opened
        .read_text(n, vellum::archive::layout::ORIGINAL)
        .map_err(|e| {
            trouble(format!(
                "{}: v{n} {}: {e}",
                archive.display(),
                vellum::archive::layout::ORIGINAL
            ))
        })?;
    let (text, _) = vellum::text::decode::decode(&bytes)
        .map_err(|e| trouble(format!("{}: v{n} original: {e}", archive.display())))?;
    let against = Against {
        archive_path: archive.display().to_string(),
        archive: m.archive_id.clone(),
        version: n,
        created: m.created.clone(),
        signer_key_id: m.signer_key_id.clone(),
        manifest_sha256: vh.manifest_sha256.clone(),
        canonical_text: m.canonical_text.clone(),
    };
    Ok((text, against))
}

fn read_source(src: &Source, stdin: &Option<Vec<u8>>) -> Result<Vec<u8>, String> {
    match src {
        Source::Stdin => Ok(stdin.clone().unwrap_or_default()),
        Source::File(p) => crate::cli::read_limited(p, MAX_TEXT),
    }
}

/// Run `vellum check`.
pub fn run(
    archive: PathBuf,
    copies: Vec<PathBuf>,
    trusted: Result<Vec<PublicKey>, Failure>,
    version: Option<u32>,
    json: bool,
    html: Option<PathBuf>,
) -> Outcome {
    let trusted = trusted?;
    let sources = expand(&copies)?;
    if sources.is_empty() {
        return Err(trouble("no copies to check (empty folder?)"));
    }
    if html.is_some() && sources.len() != 1 {
        return Err(trouble(
            "--html writes the report of one copy; give exactly one copy",
        ));
    }
    let (sealed, against) = load_sealed(&archive, &trusted, version)?;
    let stdin = if sources.iter().any(|s| matches!(s, Source::Stdin)) {
        let mut v = Vec::new();
        std::io::stdin()
            .take(MAX_TEXT)
            .read_to_end(&mut v)
            .map_err(|e| trouble(format!("standard input: {e}")))?;
        Some(v)
    } else {
        None
    };
    let style = Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let many = sources.len() > 1;
    let progress = Progress::new("checking");
    let done = std::sync::atomic::AtomicU64::new(0);
    let total = sources.len() as u64;
    // Copies are checked in parallel a batch at a time and written in
    // order, so memory stays bounded however many copies there are; a
    // batch is written while the next one is checked.
    let mut code = EXIT_OK;
    let write = |results: Vec<(String, u8)>| -> Result<u8, Failure> {
        let mut code = EXIT_OK;
        let mut pieces: Vec<&str> = Vec::with_capacity(2 * results.len());
        for (text, c) in &results {
            if *c == EXIT_TROUBLE && !json {
                eprint!("vellum: {text}");
            } else {
                pieces.push(text);
                if many && !json {
                    pieces.push("\n");
                }
            }
            code = code.max(*c);
        }
        out_each(pieces)?;
        Ok(code)
    };
    let mut checked: Option<Vec<(String, u8)>> = None;
    for batch in sources.chunks(BATCH) {
        let check_batch =
            || -> Vec<(String, u8)> {
                batch
            .par_iter()
            .map(|src| {
                let name = src.name();
                let r = read_source(src, &stdin).and_then(|bytes| {
                    let fname = match src {
                        Source::File(p) => p.file_name().map(|f| f.to_string_lossy().into_owned()),
                        Source::Stdin => None,
                    };
                    vellum::document::read_copy_vec(fname.as_deref(), bytes)
                        .map_err(|e| format!("{name}: {e}"))
                });
                let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if d % 64 == 0 {
                    progress.update(d, total);
                }
                match r {
                    Err(e) => {
                        let text = if json {
                            let v = serde_json::json!({"copy": name, "verdict": null, "error": e});
                            format!("{}\n", serde_json::to_string(&v).expect("json"))
                        } else {
                            format!("{e}\n")
                        };
                        (text, EXIT_TROUBLE)
                    }
                    Ok((text, _fmt)) => {
                        let rep = check::check(&sealed, &text);
                        if let Some(h) = &html {
                            let page = vellum::report::html::check_page(&name, &against, &rep);
                            if let Err(e) = std::fs::write(h, page) {
                                return (
                                    format!("{}: {e}\n", h.display()),
                                    crate::cli::EXIT_TROUBLE,
                                );
                            }
                        }
                        let code = if rep.verdict.is_ok() {
                            EXIT_OK
                        } else {
                            EXIT_FAIL
                        };
                        let text = if json {
                            let v = report::check_json(&name, &against, &rep, Some(&sealed));
                            if many {
                                format!("{}\n", serde_json::to_string(&v).expect("json"))
                            } else {
                                format!("{}\n", serde_json::to_string_pretty(&v).expect("json"))
                            }
                        } else {
                            report::visible(&report::check_human(&name, &against, &rep, style))
                        };
                        (text, code)
                    }
                }
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
