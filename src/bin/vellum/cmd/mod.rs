//! One module per command. Each turns its flags into a config (trust
//! resolved, inputs named) before any work, calls the library, and returns
//! the exit code or a one-line failure.

mod check;
mod cosign;
mod diff;
mod help;
mod keygen;
mod prove;
mod seal;
mod sections;
mod show;
mod timestamp;
mod verify;

use crate::args::{Cmd, TrustArgs};
use crate::output::{trouble, Failure, Outcome};
use std::path::{Path, PathBuf};
use vellum::trust::Trust;
use zeroize::Zeroizing;

/// Environment variable holding a passphrase, for automation.
pub const PASSPHRASE_ENV: &str = "VELLUM_PASSPHRASE";

/// Run one command.
pub fn run(cmd: Cmd) -> Outcome {
    match cmd {
        Cmd::Keygen(a) => keygen::run(a),
        Cmd::Sections(a) => sections::run(a),
        Cmd::Seal(a) => seal::run(a),
        Cmd::Cosign(a) => cosign::run(a),
        Cmd::Timestamp(a) => timestamp::run(a),
        Cmd::Verify(a) => verify::run(a),
        Cmd::Log(a) => verify::log(a),
        Cmd::Prove(a) => prove::run(a),
        Cmd::Check(a) => check::run(a),
        Cmd::Diff(a) => diff::run(a),
        Cmd::Show(a) => show::run(a),
        Cmd::Completions(a) => help::completions(a),
        Cmd::Manpage => help::manpage(),
    }
}

/// The trusted keys named by `--trust`, or those in `./keys`, with the
/// trust policy among them and `--threshold`; trouble when there are no
/// keys.
pub fn trusted_keys(t: &TrustArgs) -> Result<Trust, Failure> {
    let paths = if t.trust.is_empty() {
        vellum::verify::default_trust()
    } else {
        t.trust.clone()
    };
    if paths.is_empty() {
        return Err(trouble(
            "no trusted keys: pass --trust KEY.pub (or a folder of .pub files), or run where ./keys exists",
        ));
    }
    // K7a: a malformed .pub in a folder is named and skipped.
    let key_paths: Vec<PathBuf> = paths
        .iter()
        .filter(|p| !p.extension().is_some_and(|x| x == "toml"))
        .cloned()
        .collect();
    load_trusted(&key_paths)?;
    let mut trust = Trust::load(&paths).map_err(|e| trouble(e.to_string()))?;
    trust.threshold_override = t.threshold;
    if trust.keys.is_empty() {
        return Err(trouble(format!(
            "no .pub files in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(trust)
}

/// The certificates named by `--tsa-cert` (T8), added to the trust.
pub fn tsa_certs(trust: &mut Trust, a: &crate::args::TsaArgs) -> Result<(), Failure> {
    for p in &a.tsa_cert {
        let certs = vellum::timestamp::TsaCert::load(p).map_err(|e| trouble(e.to_string()))?;
        trust.tsa_certs.extend(certs);
    }
    Ok(())
}

/// The record of versions seen (F1): `--state FILE`, else
/// `$XDG_STATE_HOME/vellum/seen.json`, else
/// `~/.local/state/vellum/seen.json`; none with `--no-state` (or no home).
pub fn state_path(a: &crate::args::StateArgs) -> Option<PathBuf> {
    if a.no_state {
        return None;
    }
    if let Some(p) = &a.state {
        return Some(p.clone());
    }
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => {
            PathBuf::from(std::env::var_os("HOME").filter(|v| !v.is_empty())?).join(".local/state")
        }
    };
    Some(base.join("vellum").join(vellum::seen::SEEN_NAME))
}

/// F2–F4: compare a verified archive with the record of versions seen
/// here, and raise the record when it is not older; the warning, if any.
pub fn remember(
    a: &crate::args::StateArgs,
    newest: &vellum::verify::Newest,
) -> Result<Option<vellum::seen::Warning>, Failure> {
    let Some(path) = state_path(a) else {
        return Ok(None);
    };
    let mut seen = vellum::seen::Seen::load(&path).map_err(|e| trouble(e.to_string()))?;
    if let Some(w) = seen.check(
        &newest.archive_id,
        newest.version,
        &newest.checkpoint_sha256,
        &newest.signers,
    ) {
        return Ok(Some(w));
    }
    let today = vellum::archive::manifest::now_rfc3339();
    seen.record(
        &newest.archive_id,
        newest.version,
        &newest.checkpoint_sha256,
        &newest.newest_signers,
        &today[..10],
    );
    seen.save(&path).map_err(|e| trouble(e.to_string()))?;
    Ok(None)
}

/// The keys in these .pub files and folders; a malformed .pub file in a
/// folder is named on stderr and skipped (K7a).
pub fn load_trusted(paths: &[PathBuf]) -> Result<Vec<vellum::crypto::keys::TrustedKey>, Failure> {
    let (keys, skipped) =
        vellum::crypto::keys::load_trusted_reporting(paths).map_err(|e| trouble(e.to_string()))?;
    for e in skipped {
        eprintln!("vellum: warning: {e}; skipped");
    }
    Ok(keys)
}

/// Read a text whole, at most [`vellum::limits::MAX_TEXT`] bytes.
/// The reading options of `--encoding NAME`.
pub fn read_options(encoding: Option<&str>) -> Result<vellum::document::ReadOptions, Failure> {
    let encoding = match encoding {
        None => None,
        Some(name) => Some(vellum::document::charset::for_label(name).ok_or_else(|| {
            trouble(format!(
                "--encoding {name}: not an encoding name (try windows-1252, windows-1256, iso-8859-1, utf-16le)"
            ))
        })?),
    };
    Ok(vellum::document::ReadOptions { encoding })
}

pub fn read_text(p: &Path) -> Result<Vec<u8>, Failure> {
    // A file over the limit is refused by its size, before a byte is read.
    vellum::files::check_size(p, vellum::limits::MAX_TEXT).map_err(|e| trouble(e.to_string()))?;
    vellum::files::read_bounded(p, vellum::limits::MAX_TEXT).map_err(|e| trouble(e.to_string()))
}

fn read_passphrase_file(p: &Path) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let s = Zeroizing::new(
        vellum::files::read_bounded(p, vellum::limits::MAX_KEY_FILE)
            .map_err(|e| trouble(e.to_string()))?,
    );
    let line = s.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Ok(Zeroizing::new(line.to_vec()))
}

/// A secret key, with its passphrase when it is encrypted.
pub fn read_key(
    key: &Path,
    passphrase_file: &Option<PathBuf>,
) -> Result<vellum::crypto::keys::SecretKey, Failure> {
    use vellum::crypto::keys;
    let encrypted = keys::is_encrypted(key).map_err(|e| trouble(e.to_string()))?;
    let pass = if encrypted {
        Some(passphrase(passphrase_file, false)?)
    } else {
        None
    };
    keys::read_secret_key(key, pass.as_deref().map(|p| p.as_slice()))
        .map_err(|e| trouble(e.to_string()))
}

/// The passphrase: from `--passphrase-file`, the environment, or the
/// terminal (asked twice when `confirm`).
pub fn passphrase(file: &Option<PathBuf>, confirm: bool) -> Result<Zeroizing<Vec<u8>>, Failure> {
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

/// A failure to load a sealed version: exit 1 when the archive does not
/// verify, 2 for trouble.
pub fn load_failure(e: vellum::verify::LoadError) -> Failure {
    let code = if e.is_finding() {
        crate::output::EXIT_FAIL
    } else {
        crate::output::EXIT_TROUBLE
    };
    Failure(code, e.to_string())
}

/// Verify what a verdict rests on (every version's signatures; V18), with a
/// progress bar, and load a version (`version`, the newest by default)
/// while doing so: its text and tree are checked against its checkpoint.
pub fn open_version(
    archive: &Path,
    trusted: &Trust,
    version: Option<u32>,
) -> Result<(vellum::verify::LoadedArchive, vellum::verify::LoadedVersion), Failure> {
    if !archive.exists() {
        return Err(trouble(format!("{}: no such file", archive.display())));
    }
    let p = crate::output::Progress::new("verifying");
    let how = vellum::verify::Verification::Signatures;
    let r = vellum::verify::open_version(archive, trusted, version, how, &|d, t| p.update(d, t));
    p.finish();
    r.map_err(load_failure)
}

/// An archive named `ARCHIVE` or `ARCHIVE@vN`: its path and the version.
pub fn archive_spec(s: &str) -> Result<(PathBuf, Option<u32>), Failure> {
    let p = PathBuf::from(s);
    if p.exists() {
        return Ok((p, None));
    }
    if let Some((path, v)) = s.rsplit_once("@v") {
        if let Ok(n) = v.parse::<u32>() {
            if Path::new(path).exists() {
                return Ok((PathBuf::from(path), Some(n)));
            }
        }
    }
    Err(trouble(format!("{s}: no such file")))
}

/// Whether a file is a zip (an archive, or a DOCX) by its first bytes.
pub fn is_zip(p: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    vellum::files::open_without_waiting(p)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map(|_| &magic == b"PK\x03\x04" || &magic == b"PK\x05\x06")
        .unwrap_or(false)
}

/// Refuse a file that is not a text vellum can seal or split, naming what
/// it is (a zip, a DOCX, a PDF, an image...), in one line.
pub fn require_text(p: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use vellum::document::Format;
    let name = p.file_name().map(|f| f.to_string_lossy().into_owned());
    let what = match vellum::document::sniff_format(name.as_deref(), bytes) {
        Format::Docx => Some("a DOCX document".to_owned()),
        Format::Pdf => Some("a PDF document".to_owned()),
        Format::Warc => Some("a web archive (WARC)".to_owned()),
        _ if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") => {
            Some("a zip file".to_owned())
        }
        _ => match vellum::document::read(
            name.as_deref(),
            &bytes[..bytes.len().min(64)],
            &Default::default(),
            &|_| false,
        )
        .into_iter()
        .next()
        {
            Some(Err(vellum::document::DocumentError::NotADocument(what))) => Some(what.to_owned()),
            _ => None,
        },
    };
    match what {
        Some(w) => Err(trouble(format!(
            "{}: {w}, not a text: vellum seals and splits plain text (UTF-8 or UTF-16); save the text as .txt first",
            p.display()
        ))),
        None => Ok(()),
    }
}

/// Verify what a verdict rests on and load one version (the newest by
/// default): its text and tree are checked against its checkpoint.
pub fn load_version(
    archive: &Path,
    trusted: &Trust,
    version: Option<u32>,
) -> Result<vellum::verify::LoadedVersion, Failure> {
    Ok(open_version(archive, trusted, version)?.1)
}
