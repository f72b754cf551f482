//! Loading one sealed version for `check` and `diff` (rule V18 of
//! docs/archive-format.md): verify what a verdict rests on, pick the
//! version, read and decode its text as published.
//!
//! What a verdict rests on is the chain of every version's manifest and
//! checkpoint signatures, by trusted keys, and the canonical text and
//! section tree of the version judged against: [`Verification::Signatures`].
//! The full audit of every file of every version (bag and OCFL fixity,
//! every canonical text re-derived) is `vellum verify`'s, and
//! [`Verification::Full`] runs it first.

use super::signers::{self, KeyChangeReport};
use super::{verify_with, Opened, SignerReport, VerifyError};
use crate::archive::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::archive::container::{ReadError, ZipIn};
use crate::archive::layout::{self, Paths, CHECKPOINT, MANIFEST, ORIGINAL};
use crate::archive::manifest::Header;
use crate::archive::ocfl::Inventory;
use crate::crypto::keys::{self, Fingerprint};
use crate::crypto::note::SignatureState;
use crate::crypto::sign::StreamCheck;
use crate::digest::{sha256, Tee};
use crate::limits::MAX_TEXT;
use crate::text::canon::Canonical;
use crate::text::sections::{self, Section};
use crate::trust::Trust;
use serde::Serialize;
use sha2::Digest;
use std::fmt;
use std::path::{Path, PathBuf};

/// How much of an archive was verified before a version was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    /// Every manifest and checkpoint signature of every version, and the
    /// judged version's canonical text and tree (V18).
    Signatures,
    /// All of `vellum verify` (V1–V17).
    Full,
}

impl Verification {
    /// In words, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Verification::Signatures => {
                "signatures of every version, and this version's text and tree (vellum verify checks every file)"
            }
            Verification::Full => "every file of every version (vellum verify)",
        }
    }
}

/// Which sealed version a check or diff was made against.
#[derive(Debug, Clone, Serialize)]
pub struct Against {
    /// The archive file.
    pub archive_path: String,
    /// The archive id.
    pub archive: String,
    /// Version number.
    pub version: u32,
    /// When that version was sealed.
    pub created: String,
    /// Who signed it: the key id the trusted .pub file gives (a label).
    pub signer_key_id: String,
    /// Who signed it: the key's fingerprint.
    pub signer_fingerprint: String,
    /// The trusted .pub file the signer's key came from.
    pub signer_key_file: String,
    /// Who sealed it, as outputs name a signer (N2): the holder and the
    /// fingerprint.
    pub signer_name: String,
    /// Keys that co-signed it (X1–X5), each listed whether it counts or
    /// not.
    pub cosigners: Vec<SignerReport>,
    /// Distinct trusted keys whose signatures count (N3).
    pub distinct_signers: usize,
    /// Its sealer is not the previous version's (K12), authorised.
    pub key_change: Option<KeyChangeReport>,
    /// SHA-256 of its manifest.
    pub manifest_sha256: String,
    /// SHA-256 of its checkpoint.
    pub checkpoint_sha256: String,
    /// The root of its sections' tree (padded base64).
    pub root: String,
    /// Canonical-text specification.
    pub canonical_text: String,
    /// What was verified before the version was used.
    pub verification: Verification,
}

/// A sealed version's text as published, and what it is.
#[derive(Debug, Clone)]
pub struct LoadedVersion {
    /// The text, decoded (empty once taken, [`LoadedVersion::take_text`]).
    pub text: String,
    /// SHA-256 (hex) of the text as submitted, as its checkpoint signs it.
    pub original_sha256: String,
    /// The length in bytes of the text decoded (as [`LoadedVersion::text`]
    /// was before it was taken): a copy with the same length and the
    /// signed hash is the original.
    pub original_len: usize,
    /// Its sections (display text kept), as the tree was checked on.
    pub sections: Vec<Section>,
    /// Its archive, version and signer.
    pub against: Against,
    /// How many versions the archive holds.
    pub versions: u32,
}

/// Why a version could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The archive could not be read at all (exit 2).
    Trouble(VerifyError),
    /// The archive does not verify (exit 1): it is not used.
    Invalid {
        /// The archive.
        archive: PathBuf,
        /// Its problems, in brief.
        problems: String,
    },
    /// The archive has no such version (exit 2).
    NoSuchVersion {
        /// The archive.
        archive: PathBuf,
        /// The version asked for.
        asked: u32,
        /// How many versions it has.
        newest: u32,
    },
    /// The version's text could not be read back (exit 2).
    Unreadable {
        /// The archive.
        archive: PathBuf,
        /// The version.
        version: u32,
        /// What went wrong.
        why: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Trouble(e) => write!(f, "{e}"),
            LoadError::Invalid { archive, problems } => write!(
                f,
                "{}: the archive does not verify, so it is not used ({problems}); run vellum verify",
                archive.display()
            ),
            LoadError::NoSuchVersion {
                archive,
                asked,
                newest,
            } => write!(
                f,
                "{}: has versions 1 to {newest}, not {asked}",
                archive.display()
            ),
            LoadError::Unreadable {
                archive,
                version,
                why,
            } => write!(f, "{}: v{version} {ORIGINAL}: {why}", archive.display()),
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    /// Whether this is a finding about the archive (it does not verify)
    /// rather than trouble.
    pub fn is_finding(&self) -> bool {
        matches!(self, LoadError::Invalid { .. })
    }
}

/// An archive whose signatures were checked (V18, or all of V1–V17), open
/// for reading its versions' texts.
pub struct LoadedArchive {
    archive: PathBuf,
    chain: Chain,
    how: Verification,
}

impl LoadedArchive {
    /// How many versions it holds.
    pub fn versions(&self) -> u32 {
        self.chain.versions.len() as u32
    }

    /// The newest version and who signed the archive (F1).
    pub fn newest(&self) -> super::Newest {
        let last = self
            .chain
            .versions
            .last()
            .expect("a loaded archive has versions");
        super::Newest::of(
            &self.chain.paths.bag,
            self.versions(),
            &last.checkpoint_sha256,
            self.chain
                .versions
                .iter()
                .flat_map(|v| std::iter::once(&v.signer).chain(&v.cosigners)),
            std::iter::once(&last.signer).chain(&last.cosigners),
        )
    }

    /// Version `n`'s text as published, and what it is, once its text and
    /// tree are checked against its signed checkpoint (V18).
    pub fn version(&self, n: u32) -> Result<LoadedVersion, LoadError> {
        let newest = self.versions();
        if n == 0 || n > newest {
            return Err(LoadError::NoSuchVersion {
                archive: self.archive.clone(),
                asked: n,
                newest,
            });
        }
        let chain = &self.chain;
        let derived = derive(&self.archive, &chain.zip, &chain.paths, &chain.inventory, n)?;
        self.accept(derived)
    }

    /// A version worked out from the archive's bytes, once it is what the
    /// signed checkpoint of its version says (V18).
    fn accept(&self, d: Derived) -> Result<LoadedVersion, LoadError> {
        let archive = &self.archive;
        let n = d.version;
        let newest = self.versions();
        if n == 0 || n > newest {
            return Err(LoadError::NoSuchVersion {
                archive: archive.clone(),
                asked: n,
                newest,
            });
        }
        let invalid = |problems: String| LoadError::Invalid {
            archive: archive.clone(),
            problems,
        };
        let cv = &self.chain.versions[n as usize - 1];
        if d.canonical_sha256 != cv.checkpoint.canonical_sha256 {
            return Err(invalid(format!(
                "v{n}: the canonical text re-derived from {ORIGINAL} differs from the signed one"
            )));
        }
        if d.root != cv.checkpoint.root || d.sections.len() as u64 != cv.checkpoint.size {
            return Err(invalid(format!(
                "v{n}: the tree of the text's sections is not the signed one"
            )));
        }
        let signer = &cv.signer;
        Ok(LoadedVersion {
            original_len: d.text.len(),
            text: d.text,
            original_sha256: cv.checkpoint.original_sha256.clone(),
            sections: d.sections,
            against: Against {
                archive_path: archive.display().to_string(),
                archive: cv.header.archive_id.clone(),
                version: n,
                created: cv.header.created.clone(),
                signer_key_id: signer.key_id.clone().unwrap_or_default(),
                signer_fingerprint: signer.fingerprint.to_string(),
                signer_key_file: signer.key_file.clone().unwrap_or_default(),
                signer_name: signer.name.clone(),
                cosigners: cv.cosigners.clone(),
                distinct_signers: cv.distinct,
                key_change: cv.key_change.clone(),
                manifest_sha256: cv.manifest_sha256.clone(),
                checkpoint_sha256: cv.checkpoint_sha256.clone(),
                root: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, d.root),
                canonical_text: cv.header.canonical_text.clone(),
                verification: self.how,
            },
            versions: newest,
        })
    }
}

impl LoadedVersion {
    /// Whether `text` is the signed original byte for byte (UTF-8 as
    /// submitted): the text was worked out unsigned, its canonical form is
    /// what was checked.
    ///
    /// The signed hash decides; the length only spares hashing a text that
    /// cannot be it. It holds whether or not the text was taken.
    pub fn is_signed_original(&self, text: &str) -> bool {
        text.len() == self.original_len && sha256(text.as_bytes()) == self.original_sha256
    }

    /// The text, taken out (a caller that judges against the sections only
    /// frees it early: it is as long as the sealed text).
    pub fn take_text(&mut self) -> String {
        std::mem::take(&mut self.text)
    }
}

/// A version's text, canonical sections and tree, worked out from the
/// archive's bytes: nothing in it counts until [`LoadedArchive::accept`]
/// has compared it with the version's signed checkpoint.
struct Derived {
    version: u32,
    text: String,
    sections: Vec<Section>,
    canonical_sha256: String,
    root: crate::crypto::merkle::Hash,
}

/// Work out version `n` (the newest when 0) of an opened archive: its text
/// as published, decoded, its canonical form split into sections, hashed,
/// and their tree. The original's own hash is not needed for a verdict (the
/// canonical text and tree are what is judged against, V18); it is checked
/// where the text is shown as the original ([`LoadedVersion::is_original`]).
fn derive(
    archive: &Path,
    zip: &ZipIn,
    paths: &Paths,
    inventory: &Inventory,
    n: u32,
) -> Result<Derived, LoadError> {
    let n = if n == 0 {
        inventory.version_count().map_err(|e| LoadError::Invalid {
            archive: archive.to_owned(),
            problems: format!("{}: {e}", paths.root_inventory()),
        })?
    } else {
        n
    };
    let unreadable = |why: String| LoadError::Unreadable {
        archive: archive.to_owned(),
        version: n,
        why,
    };
    let path =
        object_path(paths, inventory, n, ORIGINAL).ok_or_else(|| unreadable("missing".into()))?;
    let bytes = zip
        .read_whole_chunked(&path, MAX_TEXT, "a text vellum compares whole")
        .map_err(|e| unreadable(e.to_string()))?;
    // The buffer becomes the text (no copy of a long text).
    let (text, _) =
        crate::text::decode::decode_vec(bytes).map_err(|e| unreadable(e.to_string()))?;
    let canon = Canonical::new(&text);
    let (secs, (canonical_sha256, _)) = sections::split_owned_hashed_digest(canon);
    let root = tree_root(&secs);
    Ok(Derived {
        version: n,
        text,
        sections: secs,
        canonical_sha256,
        root,
    })
}

/// Open an archive for a verdict: what it rests on is verified (`how`)
/// while, for [`Verification::Signatures`], the text of the version asked
/// for (the newest by default) is worked out from a second reading of the
/// file on the other core; it counts once it matches the signed checkpoint.
/// A version that changed between the two readings fails that comparison.
pub fn open_version(
    archive: &Path,
    trusted: &Trust,
    version: Option<u32>,
    how: Verification,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(LoadedArchive, LoadedVersion), LoadError> {
    if how == Verification::Full {
        let a = load_archive(archive, trusted, how, progress)?;
        let v = a.version(version.unwrap_or(a.versions()))?;
        return Ok((a, v));
    }
    let early = || -> Result<Derived, LoadError> {
        let o = open(archive).map_err(|e| match e {
            Found::Trouble(t) => LoadError::Trouble(t),
            Found::Invalid(m) => LoadError::Invalid {
                archive: archive.to_owned(),
                problems: m,
            },
        })?;
        derive(archive, &o.0, &o.1, &o.2, version.unwrap_or(0))
    };
    // The text, the longer of the two, is started first on this core; the
    // signatures are taken by the other core when it is free.
    let (d, a) = rayon::join(early, || load_archive(archive, trusted, how, progress));
    let a = a?;
    let v = match d {
        // Checked against the chain, which names the versions there are.
        Ok(d) if version.is_some() || d.version == a.versions() => a.accept(d)?,
        // Not read (a version that does not exist, a damaged text): the
        // chain decides what is wrong, reading again.
        _ => a.version(version.unwrap_or(a.versions()))?,
    };
    Ok((a, v))
}

/// Verify what a verdict rests on (`how`) and keep the archive open for
/// reading its versions' texts; `progress` as for [`verify()`](super::verify()).
pub fn load_archive(
    archive: &Path,
    trust: &Trust,
    how: Verification,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<LoadedArchive, LoadError> {
    let invalid = |problems: String| LoadError::Invalid {
        archive: archive.to_owned(),
        problems,
    };
    let chain = match how {
        Verification::Full => {
            let v = verify_with(archive, trust, progress).map_err(LoadError::Trouble)?;
            if !v.report.valid {
                return Err(invalid(v.report.problems_in_brief()));
            }
            let o = v
                .opened
                .ok_or_else(|| invalid("not every version could be checked".into()))?;
            Chain::from_opened(o, &v.report)
        }
        Verification::Signatures => signature_chain(archive, trust).map_err(|e| match e {
            Found::Trouble(t) => LoadError::Trouble(t),
            Found::Invalid(m) => invalid(m),
        })?,
    };
    Ok(LoadedArchive {
        archive: archive.to_owned(),
        chain,
        how,
    })
}

/// Verify what a verdict rests on and read one version's text (the newest
/// when `version` is `None`): [`load_archive`], then
/// [`LoadedArchive::version`].
pub fn load_version(
    archive: &Path,
    trust: &Trust,
    version: Option<u32>,
    how: Verification,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<LoadedVersion, LoadError> {
    let a = load_archive(archive, trust, how, progress)?;
    a.version(version.unwrap_or(a.versions()))
}

/// The tree root of sections (T1, T2).
fn tree_root(secs: &[Section]) -> crate::crypto::merkle::Hash {
    use rayon::prelude::*;
    let leaves: Vec<_> = secs
        .par_iter()
        .enumerate()
        .with_min_len(1024)
        .map(|(i, s)| {
            crate::crypto::merkle::leaf_hash(&crate::archive::tree::leaf_bytes(
                i as u64,
                &s.id,
                s.kind,
                s.number,
                s.start,
                s.text.len() as u64,
                &s.sha256,
            ))
        })
        .collect();
    crate::crypto::merkle::root(&leaves)
}

/// One version of a checked chain.
struct ChainVersion {
    header: Header,
    manifest_sha256: String,
    checkpoint: Checkpoint,
    checkpoint_sha256: String,
    signer: SignerReport,
    cosigners: Vec<SignerReport>,
    distinct: usize,
    key_change: Option<KeyChangeReport>,
}

/// The versions of an archive whose signatures were checked.
struct Chain {
    zip: ZipIn,
    paths: Paths,
    inventory: Inventory,
    versions: Vec<ChainVersion>,
}

impl Chain {
    fn from_opened(o: Opened, report: &super::Report) -> Chain {
        let versions = o
            .versions
            .into_iter()
            .zip(&report.versions)
            .map(|(v, r)| ChainVersion {
                signer: r.signers[0].clone(),
                cosigners: r.cosigners.clone(),
                distinct: r.distinct_signers,
                key_change: r.key_change.clone(),
                header: v.manifest,
                manifest_sha256: v.manifest_sha256,
                checkpoint: v.checkpoint,
                checkpoint_sha256: v.checkpoint_sha256,
            })
            .collect();
        Chain {
            zip: o.zip,
            paths: o.paths,
            inventory: o.inventory,
            versions,
        }
    }
}

/// Zip path of a version's logical file.
fn object_path(paths: &Paths, inv: &Inventory, version: u32, logical: &str) -> Option<String> {
    inv.content_path(version, logical).map(|p| paths.object(p))
}

enum Found {
    Trouble(VerifyError),
    Invalid(String),
}

/// Open an archive's zip, its one bag folder and its root inventory.
fn open(archive: &Path) -> Result<(ZipIn, Paths, Inventory), Found> {
    let zip = ZipIn::open(archive).map_err(|e| match e {
        ReadError::Io(..) => Found::Trouble(VerifyError(e)),
        ReadError::Invalid(m) => Found::Invalid(format!("zip: {m}")),
    })?;
    let bag = zip
        .entries
        .first()
        .map(|e| e.name.split('/').next().unwrap_or("").to_owned())
        .unwrap_or_default();
    if !layout::valid_id(&bag)
        || zip
            .entries
            .iter()
            .any(|e| !e.name.starts_with(&format!("{bag}/")))
    {
        return Err(Found::Invalid("zip: not one bag folder".into()));
    }
    let paths = Paths { bag };
    let inv_bytes = zip
        .read_small(&paths.root_inventory())
        .map_err(|e| Found::Invalid(format!("{}: {e}", paths.root_inventory())))?;
    let inventory = Inventory::parse(&inv_bytes)
        .map_err(|e| Found::Invalid(format!("{}: {e}", paths.root_inventory())))?;
    Ok((zip, paths, inventory))
}

/// V18: open the archive, and check for every version that its checkpoint
/// is signed by each of its signers, all trusted, and binds its manifest,
/// whose raw signature by each signer verifies too; that the versions chain
/// (manifest and checkpoint hashes, key changes recorded); and that
/// checkpoint and manifest say the same.
fn signature_chain(archive: &Path, trust: &Trust) -> Result<Chain, Found> {
    let trusted = &trust.keys[..];
    let (zip, paths, inventory) = open(archive)?;
    let n = inventory
        .version_count()
        .map_err(|e| Found::Invalid(format!("{}: {e}", paths.root_inventory())))?;
    let mut versions: Vec<ChainVersion> = Vec::new();
    for v in 1..=n {
        let bad = |m: String| Found::Invalid(format!("v{v} {m}"));
        let file = |logical: &str| {
            object_path(&paths, &inventory, v, logical)
                .ok_or_else(|| bad(format!("{logical}: missing")))
        };
        let cp_bytes = zip
            .read_tiny(&file(CHECKPOINT)?)
            .map_err(|e| bad(format!("{CHECKPOINT}: {e}")))?;
        let signed =
            SignedCheckpoint::parse(&cp_bytes).map_err(|e| bad(format!("{CHECKPOINT}: {e}")))?;
        let cp = signed.checkpoint.clone();
        let mut signer_keys = Vec::new();
        for fp in &cp.signers {
            let k = keys::find(trusted, fp).ok_or_else(|| {
                bad(format!(
                    "{CHECKPOINT}: signed by key {fp}, which is not among the trusted keys"
                ))
            })?;
            if signed.signed_by(k) != SignatureState::Valid {
                return Err(bad(format!(
                    "{CHECKPOINT}: the signature of {fp} does not verify"
                )));
            }
            signer_keys.push(k);
        }
        // The manifest, streamed once: its hash (which the checkpoint binds),
        // its header, and each signer's raw signature over it.
        let mut raws = Vec::new();
        for k in &signer_keys {
            let name = layout::signature_names(&k.fingerprint())[0].clone();
            let sig = zip
                .read_tiny(&file(&name)?)
                .map_err(|e| bad(format!("{name}: {e}")))?;
            raws.push((name, StreamCheck::new(&k.key, &sig)));
        }
        // Hashed on a thread of its own while this one parses.
        let mname = file(MANIFEST)?;
        let (read, h, raws) = std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
            let hasher = s.spawn(move || {
                let mut h = sha2::Sha256::new();
                for b in rx {
                    h.update(&b);
                    for (_, c) in raws.iter_mut() {
                        c.update(&b);
                    }
                }
                (h, raws)
            });
            let read = zip.read_with(&mname, |r| {
                let mut tee = Tee::new(r, |b: &[u8]| {
                    let _ = tx.send(b.to_vec());
                });
                // The sections are derived from the text and checked
                // against the signed tree; here they are only skipped.
                let header = Header::read_skimming_sections(&mut tee);
                let _ = std::io::copy(&mut tee, &mut std::io::sink());
                header
            });
            drop(tx);
            let (h, raws) = hasher.join().expect("hashing does not panic");
            (read, h, raws)
        });
        let header = read
            .map_err(|e| bad(format!("{MANIFEST}: {e}")))?
            .map_err(|e| bad(format!("{MANIFEST}: {e}")))?;
        let msha = crate::digest::to_hex(h.finalize());
        for (name, c) in raws {
            if !c.verifies() {
                return Err(bad(format!("{name}: manifest signature does not verify")));
            }
        }
        if cp.manifest_sha256 != msha {
            return Err(bad(format!(
                "{CHECKPOINT}: does not name this version's manifest"
            )));
        }
        let prev = versions.last();
        let consistent = header.archive_id == paths.bag
            && cp.archive_id == paths.bag
            && header.version == v
            && cp.version == v
            && header.signers == cp.signers
            && header.tree.root.0 == cp.root
            && header.tree.size == cp.size
            && header.original.sha256 == cp.original_sha256
            && header.canonical.sha256 == cp.canonical_sha256
            && header.previous_manifest_sha256 == prev.map(|p| p.manifest_sha256.clone())
            && cp.previous_checkpoint_sha256 == prev.map(|p| p.checkpoint_sha256.clone());
        if !consistent {
            return Err(bad(format!(
                "{MANIFEST}: manifest, checkpoint and the version before do not agree"
            )));
        }
        let prev_signers: Option<&Vec<Fingerprint>> = prev.map(|p| &p.header.signers);
        let previous_sealer = prev.map(|p| p.header.signers[0]);
        let key_change_ok = match (prev_signers, &header.key_change) {
            (None, None) => true,
            (Some(p), None) => *p == header.signers,
            (Some(p), Some(k)) => k.previous_signers == *p && *p != header.signers,
            (None, Some(_)) => false,
        };
        if !key_change_ok {
            return Err(bad(format!(
                "{MANIFEST}: the signer changed without a recorded key change (or a key change is recorded wrongly)"
            )));
        }
        // Who stands behind it (X5, N3, K12), as verify judges it.
        let (cos, found) = signers::cosignatures(&zip, &paths, v, &signed.note.text, &mname, &msha);
        if let Some((place, problem)) = found.into_iter().next() {
            return Err(Found::Invalid(format!("v{v} {place}: {problem}")));
        }
        let now = crate::archive::manifest::now_rfc3339();
        let mut judged = signers::judge(
            trust,
            &paths.bag,
            v,
            &header.created,
            &now,
            &header.signers,
            true,
            &cos,
            previous_sealer.as_ref(),
        );
        if let Some((_, problem)) = judged.problems.first() {
            return Err(bad(problem.clone()));
        }
        versions.push(ChainVersion {
            signer: judged.signers.remove(0),
            cosigners: judged.cosigners,
            distinct: judged.distinct,
            key_change: judged.key_change,
            header,
            manifest_sha256: msha,
            checkpoint_sha256: sha256(&cp_bytes),
            checkpoint: cp,
        });
    }
    Ok(Chain {
        zip,
        paths,
        inventory,
        versions,
    })
}
