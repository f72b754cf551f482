//! Folders of cases as data: each folder holds documents and an
//! `expected.json` saying what `vellum check` must make of each, in the
//! format of the shared scorer (`score-copies`: `file`, `expect`, `where`,
//! `where_any`, `intact`, `strict_where`, `max_flagged`) plus fields of our
//! own, documented in tests/copies/make_cases.py (`class`, `warning`,
//! `status`, `strict`, `exit`, `known_failure`) and
//! tests/documents/make_documents.py (`passages`, `quoted`, `cut`,
//! `report_note`, `set_aside`, `matches_version`). Every case is run; all
//! failures are collected and reported at once; cases marked
//! `known_failure` are run and printed, never failed on.

use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Longest a single `vellum` run may take (as in the scorer): a hang is a
/// failure of its case, not of the whole test run.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Run `vellum` with NO_COLOR=1; killed after [`TIMEOUT`] (its output then
/// ends with a note on stderr and the exit status is that of the kill).
pub fn vellum(args: &[&std::ffi::OsStr], cwd: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vellum"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        // The record of versions seen (F1) in a temporary folder, never
        // the user's.
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join(format!("vellum-test-state-{}", std::process::id())),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run vellum");
    // Read both pipes on threads so a full pipe cannot stall the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait for vellum") {
            break st;
        }
        if start.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait for vellum");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = t_out.join().expect("stdout reader");
    let mut stderr = t_err.join().expect("stderr reader");
    if timed_out {
        stderr.extend_from_slice(
            format!("\n[timed out after {} s and killed]", TIMEOUT.as_secs()).as_bytes(),
        );
    }
    Output {
        status,
        stdout,
        stderr,
    }
}

/// A tempdir holding a fresh key (keys/) and the declaration sealed with it.
pub struct Sealed {
    dir: tempfile::TempDir,
}

impl Sealed {
    pub fn new() -> Sealed {
        let dir = tempfile::Builder::new()
            .prefix("vellum-copies-")
            .tempdir()
            .expect("temp dir");
        let keys = dir.path().join("keys");
        std::fs::create_dir(&keys).expect("keys dir");
        let o = vellum(
            &[
                "keygen".as_ref(),
                "--out".as_ref(),
                keys.join("test").as_os_str(),
                "--no-passphrase".as_ref(),
            ],
            dir.path(),
        );
        assert!(
            o.status.success(),
            "keygen: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let secret = std::fs::read_dir(&keys)
            .expect("list keys")
            .map(|e| e.expect("entry").path())
            .find(|p| p.extension().is_some_and(|e| e != "pub"))
            .expect("a secret key file");
        let decl = root().join("tests/data/declaration.txt");
        let o = vellum(
            &[
                "seal".as_ref(),
                decl.as_os_str(),
                "--key".as_ref(),
                secret.as_os_str(),
                "--archive".as_ref(),
                dir.path().join("decl.zip").as_os_str(),
                "--message".as_ref(),
                "first publication".as_ref(),
            ],
            dir.path(),
        );
        assert!(
            o.status.success(),
            "seal: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        Sealed { dir }
    }
    /// The folder it lives in.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_owned()
    }
    /// The sealed archive.
    pub fn archive(&self) -> PathBuf {
        self.dir.path().join("decl.zip")
    }
    pub fn keys(&self) -> PathBuf {
        self.dir.path().join("keys")
    }
    pub fn check(&self, copy: &Path) -> Output {
        vellum(
            &[
                "check".as_ref(),
                self.archive().as_os_str(),
                copy.as_os_str(),
                "--trust".as_ref(),
                self.keys().as_os_str(),
                "--json".as_ref(),
            ],
            self.dir.path(),
        )
    }
}

/// Typography and spacing do not matter when matching a phrase to a section
/// (the scorer's `fold`).
fn fold(t: &str) -> String {
    let t = t
        .replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201C}', '\u{201D}'], "\"")
        .replace(['\u{2013}', '\u{2014}'], "-");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strs(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The cases of a folder: its expected.json.
pub fn load_expected(dir: &Path) -> serde_json::Map<String, Value> {
    let path = dir.join("expected.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    match serde_json::from_str(&text).expect("parse expected.json") {
        Value::Object(m) => m,
        _ => panic!("expected.json is not an object"),
    }
}

/// Judge one case; `Err(reason)` when the report does not meet it.
pub fn judge(exp: &Value, out: &Output) -> Result<(), String> {
    // -1: no exit code (killed by a signal, or by the timeout).
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if stderr.contains("panicked") {
        return Err(format!("panicked: {}", stderr.trim()));
    }
    let want = exp["expect"].as_str().unwrap_or("");
    if let Some(e) = exp.get("exit").and_then(Value::as_i64) {
        if i64::from(code) != e {
            return Err(format!(
                "exit {code}, want {e} (stdout: {})",
                short(&stdout)
            ));
        }
        if e == 2 {
            // Trouble: a JSON line naming the error, and no verdict.
            let rep: Value = serde_json::from_str(stdout.trim())
                .map_err(|_| format!("no JSON error line (stdout: {})", short(&stdout)))?;
            if !rep["verdict"].is_null() || !rep["error"].is_string() {
                return Err(format!(
                    "want an error and a null verdict, got {}",
                    short(&stdout)
                ));
            }
            return Ok(());
        }
    }
    // A file of several documents (an mbox, a web archive) gives one JSON
    // line per document: the case is about its first.
    let first = if stdout.trim_start().starts_with('{')
        && stdout.trim().lines().count() > 1
        && serde_json::from_str::<Value>(&stdout).is_err()
    {
        stdout.lines().next().unwrap_or("").to_owned()
    } else {
        stdout.to_string()
    };
    let rep: Value = serde_json::from_str(&first)
        .map_err(|_| format!("no JSON report (exit {code}): {}", tail(stderr.trim())))?;
    let rep = match rep {
        Value::Array(mut a) if !a.is_empty() => a.remove(0),
        r => r,
    };
    let v = rep["verdict"].as_str().unwrap_or("null");
    let secs = rep["sections"].as_array().cloned().unwrap_or_default();
    let warnings = strs(rep.get("warnings"));
    let status = |s: &Value| s["status"].as_str().unwrap_or("").to_owned();
    let flagged: Vec<&Value> = secs.iter().filter(|s| status(s) != "intact").collect();
    let bad: Vec<&Value> = flagged
        .iter()
        .copied()
        .filter(|s| status(s) != "missing")
        .collect();
    let listing = |ss: &[&Value]| -> String {
        ss.iter()
            .map(|s| format!("{}:{}", s["id"].as_str().unwrap_or("?"), status(s)))
            .collect::<Vec<_>>()
            .join(", ")
    };

    if secs.len() < 25 {
        return Err(format!(
            "the report lists {} sections; every sealed section (30) belongs in it",
            secs.len()
        ));
    }
    let ok_verdict = match want {
        "not-authentic" => v != "authentic" && v != "null",
        w => v == w,
    };
    if !ok_verdict {
        return Err(format!(
            "verdict {v}, want {want}; flagged [{}]; warnings {warnings:?}",
            listing(&flagged)
        ));
    }
    // A file of several documents says its run's exit status itself.
    let want_code = match (exp.get("exit").and_then(Value::as_i64), want) {
        (Some(e), _) => e as i32,
        (None, "authentic" | "excerpt") => 0,
        _ => 1,
    };
    if code != want_code {
        return Err(format!("exit {code}, want {want_code}"));
    }

    let where_: Vec<String> = strs(exp.get("where"));
    let where_any: Vec<String> = strs(exp.get("where_any"));
    let text_of = |s: &Value| fold(s["text"].as_str().unwrap_or(""));
    // The scorer's rules for documents: phrases that must lie in intact
    // sections, and no over-flagging.
    for p in strs(exp.get("intact")) {
        if !secs
            .iter()
            .any(|s| status(s) == "intact" && text_of(s).contains(&fold(&p)))
        {
            return Err(format!(
                "not found intact: no intact section holds {p:?}; flagged [{}]",
                listing(&flagged)
            ));
        }
    }
    if let Some(max) = exp.get("max_flagged").and_then(Value::as_u64) {
        let n = secs
            .iter()
            .filter(|s| matches!(status(s).as_str(), "altered" | "added"))
            .count() as u64;
        if n > max {
            return Err(format!(
                "over-flagged: {n} sections marked altered or added, at most {max}; flagged [{}]",
                listing(&flagged)
            ));
        }
    }
    let strict_where = exp.get("strict_where").and_then(Value::as_bool) == Some(true);
    let flagged: Vec<&Value> = if strict_where && want == "altered" {
        secs.iter().filter(|s| status(s) == "altered").collect()
    } else {
        flagged
    };
    json_checks(exp, &rep)?;
    let holds = |s: &Value, phrases: &[String]| {
        let t = text_of(s);
        phrases.iter().any(|p| t.contains(&fold(p)))
    };
    if want == "altered" || want == "not-authentic" {
        for p in &where_ {
            if !flagged.iter().any(|s| text_of(s).contains(&fold(p))) {
                return Err(format!(
                    "change not located: no flagged section holds {p:?}; flagged [{}]",
                    listing(&flagged)
                ));
            }
        }
        if !where_any.is_empty() && !flagged.iter().any(|s| holds(s, &where_any)) {
            return Err(format!(
                "change not located: no flagged section holds any of {where_any:?}; flagged [{}]",
                listing(&flagged)
            ));
        }
        if want == "altered" && !where_.is_empty() && bad.len() > where_.len() + 1 {
            return Err(format!(
                "over-flagged: {} sections marked changed for {} touched: [{}]",
                bad.len(),
                where_.len(),
                listing(&bad)
            ));
        }
        if exp.get("strict").and_then(Value::as_bool) == Some(true) {
            let all: Vec<String> = where_.iter().chain(&where_any).cloned().collect();
            let stray: Vec<&Value> = flagged
                .iter()
                .copied()
                .filter(|s| !holds(s, &all))
                .collect();
            if !stray.is_empty() {
                return Err(format!(
                    "flags sections the change is not in: [{}]",
                    listing(&stray)
                ));
            }
        }
        if let (Some(st), Some(p)) = (exp.get("status").and_then(Value::as_str), where_.first()) {
            let got: Vec<String> = secs
                .iter()
                .filter(|s| text_of(s).contains(&fold(p)))
                .map(|s| format!("{}:{}", s["id"].as_str().unwrap_or("?"), status(s)))
                .collect();
            if !got.iter().any(|g| g.ends_with(&format!(":{st}"))) {
                return Err(format!(
                    "the section holding {p:?} is [{}], want status {st}",
                    got.join(", ")
                ));
            }
        }
    }
    if let Some(class) = exp.get("class").and_then(Value::as_str) {
        let classes: Vec<String> = flagged
            .iter()
            .flat_map(|s| s["changes"].as_array().cloned().unwrap_or_default())
            .filter_map(|c| c["class"].as_str().map(str::to_owned))
            .collect();
        if !classes.iter().any(|c| c == class) {
            return Err(format!(
                "no change of class {class}; classes found {classes:?}"
            ));
        }
    }
    if let Some(w) = exp.get("warning").and_then(Value::as_str) {
        if !warnings.iter().any(|x| x.contains(w)) {
            return Err(format!("no warning mentions {w:?}; warnings {warnings:?}"));
        }
    }
    Ok(())
}

/// The last 300 characters (where errors and the timeout note are).
fn tail(s: &str) -> String {
    let n = s.chars().count();
    if n > 300 {
        format!("...{}", s.chars().skip(n - 300).collect::<String>())
    } else {
        s.to_owned()
    }
}

pub fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 300 {
        format!("{}...", s.chars().take(300).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// Our own checks of a report's passages, surroundings and notes.
fn json_checks(exp: &Value, rep: &Value) -> Result<(), String> {
    let passages = rep["passages"].as_array().cloned().unwrap_or_default();
    if let Some(n) = exp.get("passages").and_then(Value::as_u64) {
        if passages.len() as u64 != n {
            return Err(format!(
                "{} passages, want {n}: {}",
                passages.len(),
                short(&serde_json::to_string(&passages).unwrap_or_default())
            ));
        }
    }
    if let Some(q) = exp.get("quoted").and_then(Value::as_bool) {
        let any = passages.iter().any(|p| p["quoted"] == true);
        if any != q {
            return Err(format!("a quoted passage: {any}, want {q}"));
        }
    }
    if let Some(c) = exp.get("cut").and_then(Value::as_str) {
        let cuts: Vec<String> = passages.iter().flat_map(|p| strs(p.get("cut"))).collect();
        if !cuts.iter().any(|x| fold(x).contains(&fold(c))) {
            return Err(format!("no cut mentions {c:?}; cuts {cuts:?}"));
        }
    }
    if let Some(n) = exp.get("report_note").and_then(Value::as_str) {
        let notes: Vec<String> = strs(rep.get("notes"))
            .into_iter()
            .chain(passages.iter().flat_map(|p| strs(p.get("notes"))))
            .collect();
        if !notes.iter().any(|x| x.contains(n)) {
            return Err(format!("no note mentions {n:?}; notes {notes:?}"));
        }
    }
    if let Some(w) = exp.get("set_aside").and_then(Value::as_str) {
        let what: Vec<String> = rep["surrounding"]["set_aside"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|a| a["what"].as_str().map(str::to_owned))
            .collect();
        if !what.iter().any(|x| x.contains(w)) {
            return Err(format!("nothing set aside as {w:?}; set aside {what:?}"));
        }
    }
    if let Some(v) = exp.get("matches_version").and_then(Value::as_u64) {
        if rep["matches_version"].as_u64() != Some(v) {
            return Err(format!(
                "matches version {}, want {v}",
                rep["matches_version"]
            ));
        }
    }
    Ok(())
}

/// Check every case of a folder (at least `min` of them), two at a time,
/// and fail listing every case judged wrongly.
pub fn every_case(dir: &Path, min: usize) {
    let sealed = Sealed::new();
    let expected = load_expected(dir);
    assert!(
        expected.len() >= min,
        "{}/expected.json lists {} cases",
        dir.display(),
        expected.len()
    );
    let cases: Vec<(&String, &Value)> = expected.iter().collect();
    // Two workers: the machine has two cores.
    let results: Vec<(String, Result<(), String>, Option<String>)> = std::thread::scope(|sc| {
        let chunks: Vec<&[(&String, &Value)]> = cases.chunks(cases.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let sealed = &sealed;
                sc.spawn(move || {
                    chunk
                        .iter()
                        .map(|(name, exp)| {
                            let file = exp["file"].as_str().expect("file");
                            let out = sealed.check(&dir.join(file));
                            let known = exp
                                .get("known_failure")
                                .and_then(Value::as_str)
                                .map(str::to_owned);
                            ((*name).clone(), judge(exp, &out), known)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    // Known failures go straight to stderr, so a plain `cargo test` shows
    // them (the harness captures `println!` of passing tests).
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let mut failures = Vec::new();
    let (mut passed, mut known_failing) = (0, 0);
    for (name, r, known) in &results {
        match (r, known) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(k)) => {
                passed += 1;
                let _ = writeln!(
                    err,
                    "known failure now passes (remove its marker): {name}: {k}"
                );
            }
            (Err(why), Some(k)) => {
                known_failing += 1;
                let _ = writeln!(err, "KNOWN FAILURE {name}: {why}\n    known: {k}");
            }
            (Err(why), None) => failures.push(format!("{name}: {why}")),
        }
    }
    let _ = writeln!(
        err,
        "{}: {passed}/{} cases right, {known_failing} known failures skipped, {} new failures",
        dir.display(),
        results.len(),
        failures.len()
    );
    if !failures.is_empty() {
        panic!(
            "{} of {} cases judged wrongly:\n  {}",
            failures.len(),
            results.len(),
            failures.join("\n  ")
        );
    }
}
