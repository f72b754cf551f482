//! Command-line interface: flags become plain option structs, the library
//! does the work, this module prints and picks the exit code.

use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use vellum::crypto::keys::{self, PublicKey, SecretKey};
use vellum::limits::MAX_TEXT;
use vellum::verify;
use zeroize::Zeroizing;

/// Exit code: verified, authentic, same.
pub const EXIT_OK: u8 = 0;
/// Exit code: failed, altered, different.
pub const EXIT_FAIL: u8 = 1;
/// Exit code: trouble (usage, unreadable input).
pub const EXIT_TROUBLE: u8 = 2;

/// Environment variable holding a passphrase, for automation.
pub const PASSPHRASE_ENV: &str = "VELLUM_PASSPHRASE";

#[derive(Parser)]
#[command(
    name = "vellum",
    version,
    about = "Keep a text honest after it leaves its authors: seal it, verify its archive, check circulated copies, diff versions.",
    after_help = "Examples:\n  vellum keygen --out keys/secretariat\n  vellum seal declaration.txt --key keys/secretariat.key --archive archive/paris-2014-02-08.zip -m \"first publication\"\n  vellum verify archive/paris-2014-02-08.zip --trust keys/\n  vellum check archive/paris-2014-02-08.zip copy.txt\n  vellum diff archive/paris-2014-02-08.zip\n\nExit codes: 0 verified/authentic/same, 1 failed/altered/different, 2 trouble."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Make a signing key pair: PATH.pub (minisign public key) and PATH.key (secret, encrypted).
    #[command(
        after_help = "Example:\n  vellum keygen --out keys/secretariat\n  VELLUM_PASSPHRASE=... vellum keygen --out keys/ci   # passphrase from the environment\n  vellum keygen --out /tmp/test --no-passphrase          # unencrypted, for tests"
    )]
    Keygen(KeygenArgs),
    /// Show how a text splits into canonical sections, with ids and hashes.
    #[command(
        after_help = "Example:\n  vellum sections declaration.txt\n  vellum sections declaration.txt --json"
    )]
    Sections(SectionsArgs),
    /// Seal a text as the next version of an archive (created when missing).
    #[command(
        after_help = "Example:\n  vellum seal declaration.txt --key keys/secretariat.key --archive archive/paris-2014-02-08.zip -m \"first publication\""
    )]
    Seal(SealArgs),
    /// Verify an archive: every byte, every signature, every version.
    #[command(
        after_help = "Example:\n  vellum verify archive/paris-2014-02-08.zip --trust keys/\n\nExit 0 valid, 1 invalid (every problem is listed), 2 trouble."
    )]
    Verify(VerifyArgs),
    /// Check circulated copies against the sealed text: authentic, excerpt, altered or unrelated.
    #[command(
        after_help = "Examples:\n  vellum check archive/paris-2014-02-08.zip copy.txt\n  vellum check archive/paris-2014-02-08.zip copies/ page.html - --json   # a folder, a page, stdin\n\nExit 0 authentic or excerpt, 1 altered or unrelated (or the archive does not verify), 2 trouble."
    )]
    Check(CheckArgs),
    /// Compare two versions or two texts, section by section and word by word.
    #[command(
        after_help = "Examples:\n  vellum diff archive/paris-2014-02-08.zip                 # its last two versions\n  vellum diff archive/paris-2014-02-08.zip@v1 archive/paris-2014-02-08.zip@v2 --html diff.html\n  vellum diff old.txt new.txt --json\n\nExit 0 same canonical text, 1 different, 2 trouble."
    )]
    Diff(DiffArgs),
    /// List an archive's versions.
    #[command(after_help = "Example:\n  vellum log archive/paris-2014-02-08.zip --json")]
    Log(VerifyArgs),
}

#[derive(Args)]
struct KeygenArgs {
    /// Base path: writes PATH.pub and PATH.key.
    #[arg(long, short)]
    out: PathBuf,
    /// Store the secret key unencrypted.
    #[arg(long)]
    no_passphrase: bool,
    /// Read the passphrase from this file (first line).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

#[derive(Args)]
struct SectionsArgs {
    /// The text file.
    file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct TrustArgs {
    /// Trusted public key (.pub) or folder of them; repeatable. Default: ./keys.
    #[arg(long, value_name = "PATH")]
    trust: Vec<PathBuf>,
}

#[derive(Args)]
struct SealArgs {
    /// The text to seal.
    text: PathBuf,
    /// Secret key file.
    #[arg(long, short)]
    key: PathBuf,
    /// The archive (a .zip; created when missing).
    #[arg(long, short)]
    archive: PathBuf,
    /// The version's message.
    #[arg(long, short, default_value = "")]
    message: String,
    /// Created time (RFC 3339); default now, or SOURCE_DATE_EPOCH when set.
    #[arg(long, value_name = "RFC3339")]
    time: Option<String>,
    /// Sign with a different key than the previous version (recorded).
    #[arg(long)]
    key_change: bool,
    /// Seal a text holding bidi controls or tag characters (recorded).
    #[arg(long)]
    allow_bidi: bool,
    /// Read the passphrase from this file (first line).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
}

#[derive(Args)]
struct CheckArgs {
    /// The archive.
    archive: PathBuf,
    /// Copies: files, folders (every file inside), or - for standard input.
    #[arg(required = true)]
    copies: Vec<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
    /// Check against this version (default: the newest).
    #[arg(long, value_name = "N")]
    version: Option<u32>,
    /// Print JSON (one object per line when several copies are checked).
    #[arg(long)]
    json: bool,
    /// Also write a self-contained HTML report (one copy only).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

#[derive(Args)]
struct DiffArgs {
    /// Old side: a text, an archive (its newest version) or ARCHIVE@vN. Alone: an archive's last two versions.
    a: String,
    /// New side: a text, an archive or ARCHIVE@vN.
    b: Option<String>,
    #[command(flatten)]
    trust: TrustArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Also write a self-contained HTML report.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

#[derive(Args)]
struct VerifyArgs {
    /// The archive.
    archive: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Parse, run, and return the exit code.
pub fn run() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    EXIT_OK
                }
                _ => EXIT_TROUBLE,
            };
        }
    };
    let r = match cli.cmd {
        Cmd::Keygen(a) => keygen(a),
        Cmd::Sections(a) => sections(a),
        Cmd::Seal(a) => seal(a),
        Cmd::Verify(a) => verify_cmd(a, false),
        Cmd::Log(a) => verify_cmd(a, true),
        Cmd::Check(a) => crate::check_cmd::run(
            a.archive,
            a.copies,
            trusted_keys(&a.trust),
            a.version,
            a.json,
            a.html,
        ),
        Cmd::Diff(a) => crate::diff_cmd::run(a.a, a.b, &|| trusted_keys(&a.trust), a.json, a.html),
    };
    match r {
        Ok(code) => code,
        Err(Failure(code, msg)) => {
            eprintln!("vellum: {msg}");
            code
        }
    }
}

/// A one-line message and an exit code.
pub struct Failure(pub u8, pub String);

pub(crate) type Outcome = Result<u8, Failure>;

pub(crate) fn trouble(msg: impl Into<String>) -> Failure {
    Failure(EXIT_TROUBLE, msg.into())
}

pub(crate) fn out(s: &str) -> Outcome {
    out_each([s])
}

/// Write pieces to standard output in order, buffered, flushing at the end.
pub(crate) fn out_each<'a>(pieces: impl IntoIterator<Item = &'a str>) -> Outcome {
    let mut o = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = pieces
        .into_iter()
        .try_for_each(|p| o.write_all(p.as_bytes()))
        .and_then(|_| o.flush());
    match written {
        Ok(()) => Ok(EXIT_OK),
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(trouble(format!("stdout: {e}"))),
    }
}

fn read_passphrase_file(p: &Path) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let s = Zeroizing::new(std::fs::read(p).map_err(|e| trouble(format!("{}: {e}", p.display())))?);
    let line = s.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Ok(Zeroizing::new(line.to_vec()))
}

fn passphrase(file: &Option<PathBuf>, confirm: bool) -> Result<Zeroizing<Vec<u8>>, Failure> {
    if let Some(f) = file {
        return read_passphrase_file(f);
    }
    if let Some(v) = std::env::var_os(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(v.into_encoded_bytes()));
    }
    let no_tty = || {
        trouble(format!(
            "no passphrase: no terminal to ask on; use --passphrase-file FILE or {PASSPHRASE_ENV}"
        ))
    };
    let p = Zeroizing::new(rpassword::prompt_password("Passphrase: ").map_err(|_| no_tty())?);
    if confirm {
        let q = Zeroizing::new(
            rpassword::prompt_password("Passphrase (again): ").map_err(|_| no_tty())?,
        );
        if *p != *q {
            return Err(trouble("the passphrases differ"));
        }
    }
    Ok(Zeroizing::new(p.as_bytes().to_vec()))
}

fn keygen(a: KeygenArgs) -> Outcome {
    let pass = if a.no_passphrase {
        None
    } else {
        let p = passphrase(&a.passphrase_file, true)?;
        if p.is_empty() {
            return Err(trouble(
                "empty passphrase; use --no-passphrase to store the key unencrypted",
            ));
        }
        Some(p)
    };
    let sk = SecretKey::generate();
    let (pubp, keyp) = keys::write_key_pair(&a.out, &sk, pass.as_deref().map(|p| p.as_slice()))
        .map_err(|e| trouble(e.to_string()))?;
    let mut msg = format!(
        "key id {}\npublic key: {} (share it; minisign reads it as is)\nsecret key: {} (keep it out of any repository)\n",
        sk.public.id,
        pubp.display(),
        keyp.display()
    );
    if pass.is_none() {
        msg.push_str("warning: the secret key is stored UNENCRYPTED (--no-passphrase)\n");
    }
    out(&msg)
}

/// Read a text to seal or split whole: at most the largest stored text
/// check and diff read back ([`MAX_TEXT`]).
fn read_file(p: &Path) -> Result<Vec<u8>, Failure> {
    read_limited(p, MAX_TEXT).map_err(trouble)
}

/// Read a file whole if it holds at most `limit` bytes; the error is one
/// line naming the file. Never reads more than `limit` + 1 bytes, whatever
/// the file (a device, a file still growing).
pub fn read_limited(p: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let meta = f.metadata().map_err(|e| format!("{}: {e}", p.display()))?;
    if meta.is_dir() {
        return Err(format!("{}: is a folder, not a file", p.display()));
    }
    // Room for the whole file (and the read that finds its end), so it
    // takes two reads, not a dozen growing ones.
    let hint = meta.len().min(limit) as usize + 1;
    let mut v = Vec::with_capacity(hint);
    f.take(limit + 1)
        .read_to_end(&mut v)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    if v.len() as u64 > limit {
        return Err(format!(
            "{}: larger than {} MiB, the most vellum reads",
            p.display(),
            limit >> 20
        ));
    }
    Ok(v)
}

fn sections(a: SectionsArgs) -> Outcome {
    let bytes = read_file(&a.file)?;
    let (text, _) = vellum::text::decode::decode(&bytes)
        .map_err(|e| trouble(format!("{}: {e}", a.file.display())))?;
    let canon = vellum::text::canon::Canonical::new(&text);
    let secs = vellum::text::sections::split(&canon);
    if a.json {
        let v: Vec<serde_json::Value> = secs
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id, "kind": s.kind, "number": s.number,
                    "sha256": s.sha256, "text": s.display,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "canonical_text": vellum::text::canon::SPEC_ID,
            "canonical_sha256": vellum::digest::sha256(canon.to_text().as_bytes()),
            "sections": v,
            "warnings": canon.warnings,
        });
        return out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("json")
        ));
    }
    let mut s = String::new();
    for sec in &secs {
        let words: Vec<&str> = sec.display.split(' ').take(6).collect();
        let mut first = words.join(" ");
        if sec.display.split(' ').count() > 6 {
            first.push_str(" …");
        }
        s.push_str(&format!(
            "{:<14} {:<9} {:>4}  {}  {}\n",
            sec.id,
            sec.kind.as_str(),
            sec.number
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into()),
            &sec.sha256[..16],
            first
        ));
    }
    s.push_str(&format!(
        "{} sections; canonical text ({}) SHA-256 {}\n",
        secs.len(),
        vellum::text::canon::SPEC_ID,
        vellum::digest::sha256(canon.to_text().as_bytes())
    ));
    for w in &canon.warnings {
        s.push_str(&format!(
            "warning: line {}: {} {}\n",
            w.line, w.codepoint, w.name
        ));
    }
    out(&s)
}

pub(crate) fn trusted_keys(t: &TrustArgs) -> Result<Vec<PublicKey>, Failure> {
    let paths = if t.trust.is_empty() {
        verify::default_trust()
    } else {
        t.trust.clone()
    };
    if paths.is_empty() {
        return Err(trouble(
            "no trusted keys: pass --trust KEY.pub (or a folder of .pub files), or run where ./keys exists",
        ));
    }
    let keys = keys::load_trusted(&paths).map_err(|e| trouble(e.to_string()))?;
    if keys.is_empty() {
        return Err(trouble(format!(
            "no .pub files in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(keys)
}

fn seal(a: SealArgs) -> Outcome {
    let text = read_file(&a.text)?;
    let encrypted = keys::is_encrypted(&a.key).map_err(|e| trouble(e.to_string()))?;
    let pass = if encrypted {
        Some(passphrase(&a.passphrase_file, false)?)
    } else {
        None
    };
    let sk = keys::read_secret_key(&a.key, pass.as_deref().map(|p| p.as_slice()))
        .map_err(|e| trouble(e.to_string()))?;
    drop(pass);
    // Trust matters only when appending; the signer's own key is trusted
    // for its own earlier versions, so ./keys is optional here.
    let trusted = if a.trust.trust.is_empty() {
        keys::load_trusted(&verify::default_trust()).map_err(|e| trouble(e.to_string()))?
    } else {
        trusted_keys(&a.trust)?
    };
    let created = a.time.clone().or_else(source_date_epoch);
    let opts = vellum::seal::SealOptions {
        message: a.message.clone(),
        created,
        allow_key_change: a.key_change,
        allow_bidi: a.allow_bidi,
    };
    let result = with_spinner("sealing", || {
        vellum::seal::seal(&a.text, &text, &sk, &a.archive, &trusted, &opts)
    });
    match result {
        Ok(o) => {
            let mut s = format!(
                "sealed {} as version {} of {} ({} sections, key {})\nmanifest SHA-256 {}\n",
                a.text.display(),
                o.version,
                o.archive.display(),
                o.sections,
                o.signer_key_id,
                o.manifest_sha256
            );
            for w in &o.warnings {
                s.push_str(&format!("warning: {w}\n"));
            }
            out(&s)
        }
        Err(vellum::seal::SealError::Refused(m)) => Err(Failure(EXIT_FAIL, m)),
        Err(vellum::seal::SealError::Io(m)) => Err(trouble(m)),
    }
}

fn source_date_epoch() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let t = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// Run `work`, showing a spinner on a terminal if it takes over a second
/// (sealing has no byte count worth a bar until it is done).
pub fn with_spinner<T: Send>(what: &str, work: impl FnOnce() -> T + Send) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        let h = s.spawn(move || {
            let r = work();
            let _ = tx.send(());
            r
        });
        if rx.recv_timeout(std::time::Duration::from_secs(1)).is_err() {
            let sp = indicatif::ProgressBar::new_spinner();
            sp.set_message(format!("{what}\u{2026}"));
            sp.enable_steady_tick(std::time::Duration::from_millis(120));
            let _ = rx.recv();
            sp.finish_and_clear();
        }
        h.join().expect("the sealing thread does not panic")
    })
}

/// A progress bar on a terminal, shown only once work has taken a second.
pub struct Progress {
    bar: indicatif::ProgressBar,
    start: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    /// A bar for `what`.
    pub fn new(what: &str) -> Progress {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .expect("template")
            .progress_chars("=> "),
        );
        bar.set_message(what.to_owned());
        Progress {
            bar,
            start: std::time::Instant::now(),
            shown: false.into(),
        }
    }
    /// Report `done` of `total`.
    pub fn update(&self, done: u64, total: u64) {
        use std::sync::atomic::Ordering;
        if !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed().as_secs_f32() > 1.0
            && std::io::stderr().is_terminal()
        {
            self.shown.store(true, Ordering::Relaxed);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }
    /// Remove the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Verify an archive for a command, with a progress bar.
pub fn verify_archive(archive: &Path, trust: &[PublicKey]) -> Result<verify::Verified, Failure> {
    if !archive.exists() {
        return Err(trouble(format!("{}: no such file", archive.display())));
    }
    let p = Progress::new("verifying");
    let r = verify::verify(archive, trust, &|d, t| p.update(d, t));
    p.finish();
    r.map_err(|e| trouble(e.to_string()))
}

/// Verification streams everything through small buffers; transparent
/// huge pages would back each of its threads' heaps with 2 MiB pages it
/// mostly does not touch, doubling its resident memory (100 MB archive:
/// 38-45 MiB with them, 17-19 MiB without) for no measurable speed. Only this
/// process's later mappings are affected.
fn small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches
    // no memory of ours; failure (an old kernel) only leaves THP on.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn verify_cmd(a: VerifyArgs, log: bool) -> Outcome {
    if !log {
        small_pages();
    }
    let trusted = trusted_keys(&a.trust)?;
    let v = verify_archive(&a.archive, &trusted)?;
    let r = &v.report;
    let code = if r.valid { EXIT_OK } else { EXIT_FAIL };
    if log {
        if a.json {
            let doc = serde_json::json!({
                "archive": r.archive, "archive_id": r.archive_id, "valid": r.valid,
                "versions": r.versions, "problems": r.problems,
            });
            out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).expect("json")
            ))?;
        } else {
            let mut s = String::new();
            for v in &r.versions {
                s.push_str(&format!(
                    "v{}  {}  key {}{}  manifest {}\n    {}\n",
                    v.version,
                    v.created,
                    v.signer_key_id,
                    if v.key_change { " (key change)" } else { "" },
                    &v.manifest_sha256[..16],
                    if v.message.is_empty() {
                        "(no message)"
                    } else {
                        &v.message
                    }
                ));
            }
            if !r.valid {
                s.push_str(&format!(
                    "warning: the archive does not verify ({} problems); run vellum verify\n",
                    r.problems.len()
                ));
            }
            out(&s)?;
        }
        return Ok(code);
    }
    if a.json {
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(r).expect("json")
        ))?;
        return Ok(code);
    }
    let mut s = String::new();
    if r.valid {
        s.push_str(&format!(
            "{}: verified, {} version(s), archive id {}\n",
            r.archive,
            r.versions.len(),
            r.archive_id.as_deref().unwrap_or("?")
        ));
        for v in &r.versions {
            s.push_str(&format!(
                "  v{}  {}  signed by {}  {} sections  {}\n",
                v.version, v.created, v.signer_key_id, v.sections, v.message
            ));
        }
    } else {
        s.push_str(&format!(
            "{}: FAILED, {} problem(s)\n",
            r.archive,
            r.problems.len()
        ));
        for p in &r.problems {
            s.push_str(&format!(
                "  {}{}: {}\n",
                p.version.map(|v| format!("v{v} ")).unwrap_or_default(),
                p.place,
                p.problem
            ));
        }
    }
    out(&s)?;
    Ok(code)
}
