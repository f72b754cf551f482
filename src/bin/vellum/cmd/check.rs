//! `vellum check`: verify the archive, then judge each copy.

use crate::args::CheckArgs;
use crate::output::{
    out_each, trouble, Failure, Outcome, Progress, EXIT_FAIL, EXIT_OK, EXIT_TROUBLE,
};
use rayon::prelude::*;
use std::path::PathBuf;
use vellum::compare::check::{self, Sealed};
use vellum::limits::MAX_TEXT;
use vellum::report::{self, Style};

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
    trusted: vellum::trust::Trust,
    state: crate::args::StateArgs,
    version: Option<u32>,
    json: bool,
    html: Option<PathBuf>,
    style: Style,
    read: vellum::document::ReadOptions,
    /// Reports one per line (JSON) or with a blank line between them.
    lines: bool,
}

impl Config {
    fn new(a: CheckArgs) -> Result<Config, Failure> {
        let trusted = super::trusted_keys(&a.trust)?;
        let copies = expand(&a.copies)?;
        if copies.is_empty() {
            return Err(trouble("no copies to check (empty folder?)"));
        }
        // Arguments the wrong way round: a hint, not a verdict.
        let is_archive = |p: &std::path::Path| {
            super::is_zip(p)
                && std::fs::read(p)
                    .map(|b| {
                        let name = p.file_name().map(|f| f.to_string_lossy().into_owned());
                        vellum::document::sniff_format(name.as_deref(), &b[..b.len().min(8192)])
                            != vellum::document::Format::Docx
                    })
                    .unwrap_or(false)
        };
        if a.archive.is_file() && !super::is_zip(&a.archive) {
            if let Some(Source::File(p)) = copies
                .iter()
                .find(|s| matches!(s, Source::File(p) if is_archive(p)))
            {
                return Err(trouble(format!(
                    "the first argument is not an archive but {} is: did you mean vellum check {} {}?",
                    p.display(),
                    p.display(),
                    a.archive.display()
                )));
            }
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
            state: a.state,
            version: a.version,
            json: a.json,
            html: a.html,
            style: crate::output::style(),
            read: super::read_options(a.encoding.as_deref())?,
            lines: false,
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

/// The sealed versions a copy is checked against: the chosen one (the
/// newest by default), and the earlier ones, each prepared the first time
/// a copy needs it (a copy that is not the newest text may be an earlier
/// one: outdated).
struct Versions {
    sealed: Sealed,
    /// The version judged against (its sections are in `sealed`).
    loaded: vellum::verify::LoadedVersion,
    archive: vellum::verify::LoadedArchive,
    /// Versions before the newest, newest first, when checking against the
    /// newest.
    older: Vec<(u32, std::sync::OnceLock<Option<Sealed>>)>,
    /// Whether documents go through the prefilter (L0) before they are
    /// read: when there are many. One document is read whole anyway, and
    /// the prefilter of a long sealed text costs more to build than the
    /// one check it could save.
    prefilter: bool,
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

/// One document's report as written, and its exit code.
type Written = (String, u8);

/// The line written for a document (or a file) that could not be read.
fn trouble_line(c: &Config, name: &str, e: &str) -> Written {
    let text = if c.json {
        let v = serde_json::json!({"copy": name, "verdict": null, "error": e});
        format!("{}\n", serde_json::to_string(&v).expect("json"))
    } else {
        format!("{e}\n")
    };
    (text, EXIT_TROUBLE)
}

/// Check one document read from a source; `name` is how reports call it.
fn check_document(
    c: &Config,
    name: &str,
    doc: Result<vellum::document::Document, vellum::document::DocumentError>,
    canon: Option<&vellum::text::canon::Canonical>,
    v: &Versions,
    lines: bool,
    leave: Leave,
) -> Written {
    let (sealed, against) = (&v.sealed, &v.loaded.against);
    let doc = match doc {
        Ok(d) => d,
        Err(e) => return trouble_line(c, name, &format!("{name}: {e}")),
    };
    if !doc.dismissed && !doc.text.chars().any(char::is_alphanumeric) {
        return trouble_line(c, name, &format!("{name}: empty: no words to check"));
    }
    let mut rep = if doc.dismissed {
        check::dismissed(sealed)
    } else {
        let set_aside: Vec<(String, usize, Option<u32>)> = doc
            .set_aside
            .iter()
            .map(|a| (a.what.clone(), a.words, a.before_line))
            .collect();
        let input = check::Input {
            text: &doc.text,
            quoted_lines: &doc.quoted_lines,
            set_aside: &set_aside,
            canonical: canon,
        };
        check::check_versions(sealed, v.older(), &input)
    };
    // The very text that was sealed, character for character.
    if rep.verdict == check::Verdict::Authentic && v.loaded.is_signed_original(&doc.text) {
        rep.identical = true;
    }
    // What the reader noticed comes first (an encoding guessed, a part
    // chosen).
    let mut notes = doc.notes.clone();
    notes.append(&mut rep.notes);
    rep.notes = notes;
    if let Some(h) = &c.html {
        let page = report::html::check_page(name, against, &rep);
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
        let mut j = report::json::check(name, against, &rep, Some(sealed));
        j.document(doc.url.as_deref(), doc.format.id());
        if lines {
            format!("{}\n", serde_json::to_string(&j).expect("json"))
        } else {
            format!("{}\n", serde_json::to_string_pretty(&j).expect("json"))
        }
    } else {
        report::visible(&report::human::check(name, against, &rep, c.style))
    };
    leave.let_go(doc);
    leave.let_go(rep);
    (text, code)
}

/// Whether what a check made is freed as it goes ([`Leave::Freed`]) or
/// left to the process's exit, which follows the last report
/// ([`Leave::ToExit`], see [`exiting`]): a long document's canonical
/// form and report are tens of thousands of allocations, freed one at a
/// time on one core after the other has finished (about 3 ms of the
/// 10 MB check's 80).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leave {
    Freed,
    ToExit,
}

impl Leave {
    fn let_go<T>(self, t: T) {
        match self {
            Leave::Freed => drop(t),
            Leave::ToExit => std::mem::forget(t),
        }
    }
}

/// How reports name the documents of a file: the file for its only
/// document, FILE#URL or FILE#N for each of several.
fn document_name(
    src: &str,
    n: usize,
    doc: &Result<vellum::document::Document, vellum::document::DocumentError>,
    several: bool,
) -> String {
    if !several {
        return src.to_owned();
    }
    match doc {
        Ok(d) => match &d.url {
            Some(u) => format!("{src}#{u}"),
            None => format!("{src}#{n}"),
        },
        Err(_) => format!("{src}#{n}"),
    }
}

/// A document of a file, named as reports name it, or why it is not; and
/// its canonical form when it was worked out ahead.
type Named = (
    String,
    Result<vellum::document::Document, vellum::document::DocumentError>,
    Option<vellum::text::canon::Canonical>,
);

/// Read every document of a file (or of standard input) whole; `keep`
/// says which are read in full (the others are dismissed unread).
fn read_source(
    c: &Config,
    src: &Source,
    stdin: &Option<Vec<u8>>,
    keep: &(dyn Fn(&[u8]) -> bool + Sync),
) -> Result<Option<Vec<Named>>, Written> {
    let name = src.name();
    let bytes = match src {
        Source::Stdin => stdin.clone().unwrap_or_default(),
        Source::File(p) => match vellum::files::read_bounded_unless(p, MAX_TEXT, SNIFF, |head| {
            web_archive(p, head)
        }) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(None),
            Err(e) => return Err(trouble_line(c, &name, &e.to_string())),
        },
    };
    let fname = match src {
        Source::File(p) => p.file_name().map(|f| f.to_string_lossy().into_owned()),
        Source::Stdin => None,
    };
    let docs = vellum::document::read_owned(fname.as_deref(), bytes, &c.read, keep);
    let several = docs.len() > 1;
    Ok(Some(
        docs.into_iter()
            .enumerate()
            .map(|(n, d)| (document_name(&name, n + 1, &d, several), d, None))
            .collect(),
    ))
}

/// Check documents read from one source.
fn check_read(
    c: &Config,
    docs: Result<Vec<Named>, Written>,
    v: &Versions,
    leave: Leave,
) -> Vec<Written> {
    match docs {
        Err(w) => vec![w],
        Ok(docs) => {
            let several = docs.len() > 1;
            // A file of several documents (an mbox) frees each report as it
            // goes: kept to the exit, they would add up.
            let leave = if several { Leave::Freed } else { leave };
            docs.into_iter()
                .map(|(dn, d, canon)| {
                    let w = check_document(c, &dn, d, canon.as_ref(), v, c.lines || several, leave);
                    leave.let_go(canon);
                    w
                })
                .collect()
        }
    }
}

/// Check every document of a file (or of standard input) read whole;
/// `None` for a web archive, which is read record by record instead.
fn check_source(
    c: &Config,
    src: &Source,
    stdin: &Option<Vec<u8>>,
    v: &Versions,
) -> Option<Vec<Written>> {
    let keep = |b: &[u8]| keep(v, b);
    match read_source(c, src, stdin, &keep) {
        Ok(None) => None,
        Ok(Some(docs)) => Some(check_read(c, Ok(docs), v, Leave::Freed)),
        Err(w) => Some(check_read(c, Err(w), v, Leave::Freed)),
    }
}

/// Whether a document is read in full: it may carry a passage of the
/// sealed text, or it has no words at all (then it is reported empty, not
/// unrelated). A document that starts as a web page (a doctype or `<html>`)
/// is probed without its scripts, styles and comments, which its reader
/// drops; any other is probed whole.
fn keep(v: &Versions, bytes: &[u8]) -> bool {
    !v.prefilter
        || v.sealed
            .may_carry(bytes, vellum::document::html::starts_as_html(bytes))
        || !bytes.iter().any(u8::is_ascii_alphanumeric) && !bytes.iter().any(|&b| b >= 0x80)
}

/// How much of a file's head decides whether it is a web archive.
const SNIFF: usize = 4096;

/// Whether a file whose first bytes are `head` is a web archive (WARC),
/// read record by record.
fn web_archive(p: &std::path::Path, head: &[u8]) -> bool {
    let name = p.file_name().map(|f| f.to_string_lossy().into_owned());
    vellum::document::sniff_format(name.as_deref(), head) == vellum::document::Format::Warc
}

/// Whether a file is a web archive, by its head.
fn is_warc(p: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(SNIFF);
    let ok = vellum::files::open_without_waiting(p)
        .and_then(|f| f.take(SNIFF as u64).read_to_end(&mut head));
    ok.is_ok() && web_archive(p, &head)
}

/// Which sources are known to be web archives before any is read, once no
/// file is over the size vellum reads whole (one that is, and is not a
/// web archive, is refused here). One copy is looked at now: it decides
/// how the run is laid out. Of many, only a file over the limit is (by
/// its size first, all in parallel); the others are found out as they are
/// read, so that no file is opened twice.
fn web_archives(copies: &[Source]) -> Result<Vec<bool>, Failure> {
    let look = |s: &Source, every: bool| -> Result<bool, Failure> {
        let Source::File(p) = s else { return Ok(false) };
        if every && is_warc(p) {
            return Ok(true);
        }
        match vellum::files::check_size(p, MAX_TEXT) {
            Ok(()) => Ok(false),
            Err(_) if !every && is_warc(p) => Ok(true),
            Err(e) => Err(trouble(e.to_string())),
        }
    };
    if copies.len() == 1 {
        return Ok(vec![look(&copies[0], true)?]);
    }
    copies
        .par_iter()
        .with_min_len(64)
        .map(|s| look(s, false))
        .collect()
}

/// Run `vellum check`.
pub fn run(a: CheckArgs) -> Outcome {
    crate::output::keep_freed_memory();
    let mut c = Config::new(a)?;
    // Many documents (a folder, a list): see `batch_pages`.
    if c.copies.len() > 1 {
        batch_pages();
    }
    // Sizes first: a copy over the limit is refused before any verdict
    // (web archives are read record by record). Many files are looked at
    // while the archive is verified; the refusal still comes first.
    let (warcs, opened) = if c.copies.len() > 1 {
        let (w, o) = rayon::join(
            || web_archives(&c.copies),
            || super::open_version(&c.archive, &c.trusted, c.version),
        );
        (w?, Some(o))
    } else {
        let w = web_archives(&c.copies)?;
        // A web archive is many documents too.
        if w.iter().any(|&w| w) {
            batch_pages();
        }
        (w, None)
    };
    let mut warcs = warcs;
    // One document is read while the archive is verified (it goes through
    // no prefilter, which needs the sealed text).
    let one = c.copies.len() == 1 && !warcs[0] && matches!(c.copies[0], Source::File(_));
    let (opened, first) = if let Some(o) = opened {
        (o?, None)
    } else if one {
        let (o, d) = rayon::join(
            || super::open_version(&c.archive, &c.trusted, c.version),
            || {
                // Canonicalized here too, on the core the archive leaves.
                // Known not to be a web archive: read whole.
                read_source(&c, &c.copies[0], &None, &|_| true).map(|docs| {
                    docs.unwrap_or_default()
                        .into_iter()
                        .map(|(n, d, _)| {
                            let canon = d
                                .as_ref()
                                .ok()
                                .filter(|d| !d.dismissed)
                                .map(|d| vellum::text::canon::Canonical::fast(&d.text));
                            (n, d, canon)
                        })
                        .collect()
                })
            },
        );
        (o?, Some(d))
    } else {
        (
            super::open_version(&c.archive, &c.trusted, c.version)?,
            None,
        )
    };
    let (archive, mut loaded) = opened;
    // Check judges against the sections; the text as submitted (as long as
    // the sealed text) goes now, and its memory serves what follows.
    drop(loaded.take_text());
    // F2–F4: no verdict against an older copy than one verified here.
    if let Some(w) = super::remember(&c.state, &archive.newest())? {
        return Err(Failure(
            crate::output::EXIT_FAIL,
            format!("{}: {w}", c.archive.display()),
        ));
    }
    let n = loaded.against.version;
    let older = if c.version.is_none() {
        (1..n)
            .rev()
            .map(|k| (k, std::sync::OnceLock::new()))
            .collect()
    } else {
        vec![]
    };
    let versions = Versions {
        prefilter: c.copies.len() > 1 || warcs.iter().any(|&w| w),
        // The sections the signed tree was checked on.
        sealed: Sealed::from_sections(std::mem::take(&mut loaded.sections)),
        loaded,
        archive,
        older,
    };
    let stdin = if c.copies.iter().any(|s| matches!(s, Source::Stdin)) {
        Some(vellum::files::read_stdin_bounded(MAX_TEXT).map_err(|e| trouble(e.to_string()))?)
    } else {
        None
    };
    // One JSON object per line, and a blank line between human reports,
    // whenever there may be more than one document.
    c.lines = c.copies.len() > 1 || warcs.iter().any(|&w| w);
    let c = c;
    let progress = Progress::new("checking");
    let done = std::sync::atomic::AtomicU64::new(0);
    let total = c.copies.len() as u64;
    let mut out = Writer::new(&c);
    // Sources are taken in order: files in batches checked in parallel
    // (each file's documents in order), a web archive record by record,
    // its documents checked in parallel in batches. Memory stays bounded
    // however many documents there are; a batch is written while the next
    // is checked.
    if let Some(docs) = first {
        // The only file: checked last, its one document's memory left to
        // the exit (check_read frees a file of several as it goes).
        out.batch(|| check_read(&c, docs, &versions, Leave::ToExit))?;
        progress.finish();
        let code = out.finish();
        exiting(versions);
        return code;
    }
    let mut k = 0;
    while k < c.copies.len() {
        if warcs[k] {
            let Source::File(p) = &c.copies[k] else {
                unreachable!("a web archive is a file")
            };
            check_warc(&c, p, &versions, &mut out)?;
            k += 1;
            continue;
        }
        let mut end = k;
        while end < c.copies.len() && !warcs[end] && end - k < BATCH {
            end += 1;
        }
        let batch = &c.copies[k..end];
        // A file found to be a web archive as it is read ends the batch
        // there: it is read record by record next, and the batch's later
        // files are checked again after it (at most one batch of work).
        let mut archive_at = None;
        let results = || -> Vec<Written> {
            let checked: Vec<Option<Vec<Written>>> = batch
                .par_iter()
                .map(|src| {
                    let r = check_source(&c, src, &stdin, &versions);
                    if r.is_some() {
                        let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if d % 64 == 0 {
                            progress.update(d, total);
                        }
                    }
                    r
                })
                .collect();
            let upto = checked.iter().position(Option::is_none);
            if let Some(j) = upto {
                // Those after it are counted again when checked again.
                let again = checked[j + 1..].iter().filter(|r| r.is_some()).count();
                done.fetch_sub(again as u64, std::sync::atomic::Ordering::Relaxed);
            }
            archive_at = upto;
            checked
                .into_iter()
                .take(upto.unwrap_or(batch.len()))
                .flatten()
                .flatten()
                .collect()
        };
        out.batch(results)?;
        match archive_at {
            Some(j) => {
                warcs[k + j] = true;
                k += j;
            }
            None => k = end,
        }
    }
    progress.finish();
    let code = out.finish();
    exiting(versions);
    code
}

/// A batch of documents, each a few kilobytes to a few hundred, is checked
/// with small pages: the allocator spreads each thread's short-lived
/// allocations over its arena, and a transparent huge page backs every
/// 2 MiB that any of them touches, cleared first. On the 10,000 web pages
/// of the benchmark (F) peak memory went from 89 to 44 MiB and CPU time
/// down by 5 % (120 to 85 MiB on their WARC); on the copies of C and G
/// nothing changed beyond noise. One long document keeps huge pages: its
/// buffers are long and dense, and the 10 MB check (D) took a third longer
/// without them (docs/benchmarks.md). The choice goes by the number of
/// copies named, known before anything is read: two long copies named
/// together are checked with small pages too, a third slower each.
fn batch_pages() {
    crate::output::small_pages();
}

/// Leave the sealed versions to the process's exit, which follows: the
/// system takes the memory back at once, where dropping a long sealed
/// text's sections, words and texts frees them one allocation at a time
/// (several milliseconds of a 10 MB check).
fn exiting(versions: Versions) {
    std::mem::forget(versions);
}

/// Writes batches of reports in order, each while the next is checked.
struct Writer<'a> {
    c: &'a Config,
    pending: Option<Vec<Written>>,
    code: u8,
}

impl<'a> Writer<'a> {
    fn new(c: &'a Config) -> Writer<'a> {
        Writer {
            c,
            pending: None,
            code: EXIT_OK,
        }
    }

    fn write(c: &Config, results: Vec<Written>) -> Result<u8, Failure> {
        let mut code = EXIT_OK;
        let mut pieces: Vec<&str> = Vec::with_capacity(2 * results.len());
        for (text, rc) in &results {
            if *rc == EXIT_TROUBLE && !c.json {
                eprint!("vellum: {text}");
            } else {
                pieces.push(text);
                if c.lines && !c.json {
                    pieces.push("\n");
                }
            }
            code = code.max(*rc);
        }
        out_each(pieces)?;
        Ok(code)
    }

    /// Check a batch (`work`) while the one before is written.
    fn batch(&mut self, work: impl FnOnce() -> Vec<Written> + Send) -> Result<(), Failure> {
        let c = self.c;
        let pending = self.pending.take();
        let (results, wrote) = rayon::join(work, || pending.map(|r| Self::write(c, r)));
        self.code = self.code.max(wrote.transpose()?.unwrap_or(EXIT_OK));
        self.pending = Some(results);
        Ok(())
    }

    fn finish(mut self) -> Outcome {
        if let Some(r) = self.pending.take() {
            self.code = self.code.max(Self::write(self.c, r)?);
        }
        Ok(self.code)
    }
}

/// Documents of a web archive checked in parallel at a time.
const WARC_BATCH: usize = 256;

/// Check every document of a web archive: its records are read on one
/// thread while the records read before are made documents (pages that
/// carry nothing dismissed) and checked on the others, in batches.
fn check_warc(
    c: &Config,
    p: &std::path::Path,
    v: &Versions,
    out: &mut Writer,
) -> Result<(), Failure> {
    type Item = Result<vellum::document::warc::Record, vellum::document::DocumentError>;
    let name = p.display().to_string();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Item>(WARC_BATCH);
    std::thread::scope(|s| -> Result<(), Failure> {
        let reader = s.spawn(move || {
            vellum::document::read_warc_path(p, |r| {
                let _ = tx.send(r);
            })
            .map_err(|e| e.to_string())
        });
        let mut batch = Vec::with_capacity(WARC_BATCH);
        let mut n = 0usize;
        for item in rx.iter() {
            n += 1;
            batch.push((n, item));
            if batch.len() == WARC_BATCH {
                let records = std::mem::take(&mut batch);
                out.batch(|| check_records(c, &name, records, v))?;
            }
        }
        if !batch.is_empty() {
            out.batch(|| check_records(c, &name, batch, v))?;
        }
        match reader.join() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                out.batch(|| vec![trouble_line(c, &name, &e)])?;
                Ok(())
            }
            Err(_) => Err(trouble(format!(
                "{name}: the web archive could not be read"
            ))),
        }
    })
}

/// Make records documents and check them, in parallel, in order.
fn check_records(
    c: &Config,
    name: &str,
    records: Vec<(
        usize,
        Result<vellum::document::warc::Record, vellum::document::DocumentError>,
    )>,
    v: &Versions,
) -> Vec<Written> {
    let keep = |b: &[u8]| keep(v, b);
    records
        .into_par_iter()
        .filter_map(|(n, r)| {
            let (n, d) = match r {
                Ok(rec) => (rec.number as usize, rec.document(&c.read, &keep)?),
                Err(e) => (n, Err(e)),
            };
            Some((n, d))
        })
        .map(|(n, d)| {
            let dn = document_name(name, n, &d, true);
            check_document(c, &dn, d, None, v, true, Leave::Freed)
        })
        .collect()
}
