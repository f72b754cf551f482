//! Sealing (rules S1–S8, W1 of docs/archive-format.md): canonicalize a text,
//! make the tree of its sections, sign its manifest and checkpoint, and
//! write it as the next version of an archive, atomically.
//!
//! [`seal`] is a sequence of phases: [`text::prepare`] (S1a–S3b), then the
//! archive it appends to ([`open_base`], S4), the new version's place
//! ([`plan`], S5–S7a), its content ([`text::content`], T1–T3, M6), its
//! manifest ([`manifest`], M1–M6, S7b), its signatures ([`sign`], G3–G5,
//! P1–P3), and the zip ([`write`], O3–O6, B1–B4, S7c, Z3–Z6, W1).

pub mod cosign;
pub(crate) mod guard;
mod text;
pub mod timestamp;
mod write;

use crate::archive::checkpoint::Checkpoint;
use crate::archive::layout;
use crate::archive::manifest::{self, FileEntry, KeyChange, Manifest, TextDigest};
use crate::crypto::keys::{self, Fingerprint, KeyError, SecretKey, TrustedKey};
use crate::crypto::sign;
use crate::digest::{self, sha256, FileDigests};
use crate::limits::MAX_ENTRY_SIZE;
use crate::text::decode::DecodeError;
use crate::trust::Trust;
use crate::verify::{self, Opened, VerifyError};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where seal reports its progress: `(done, total)` in bytes of work, from
/// any thread; the last report is `(total, total)`, once the archive is in
/// place.
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>>);

impl Progress {
    /// Progress told to `f`.
    pub fn new(f: impl Fn(u64, u64) + Send + Sync + 'static) -> Progress {
        Progress(Some(std::sync::Arc::new(f)))
    }
    fn report(&self, done: u64, total: u64) {
        if let Some(f) = &self.0 {
            f(done, total);
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(..)"
        } else {
            "Progress(none)"
        })
    }
}

/// The work of one seal, in bytes, as its progress is told: the text
/// compressed, the text canonicalized and split, and the archive appended
/// to verified. Each part counts what it has done so far.
struct Work<'a> {
    progress: &'a Progress,
    total: u64,
    compressed: AtomicU64,
    prepared: AtomicU64,
    verified: AtomicU64,
}

impl Work<'_> {
    fn set(&self, part: &AtomicU64, done: u64) {
        part.store(done, Ordering::Relaxed);
        self.tell();
    }
    fn add(&self, part: &AtomicU64, n: u64) {
        part.fetch_add(n, Ordering::Relaxed);
        self.tell();
    }
    fn tell(&self) {
        let done = self.compressed.load(Ordering::Relaxed)
            + self.prepared.load(Ordering::Relaxed)
            + self.verified.load(Ordering::Relaxed);
        self.progress.report(done.min(self.total), self.total);
    }
}

/// How to seal.
#[derive(Debug, Clone, Default)]
pub struct SealOptions {
    /// The version's message.
    pub message: String,
    /// The created time (RFC 3339); now when unset.
    pub created: Option<String>,
    /// The previous version's sealer, handing the archive over to this
    /// key: it signs the new version too (K12, `--handover-key`).
    pub handover: Option<std::sync::Arc<SecretKey>>,
    /// Allow bidi controls and tag characters (recorded as warnings).
    pub allow_bidi: bool,
    /// Where to report progress (nowhere by default).
    pub progress: Progress,
}

/// What sealing did.
#[derive(Debug, Clone)]
pub struct SealOutcome {
    /// The archive written.
    pub archive: PathBuf,
    /// Its id.
    pub archive_id: String,
    /// The new version's number.
    pub version: u32,
    /// Number of sections.
    pub sections: usize,
    /// SHA-256 of the new version manifest.
    pub manifest_sha256: String,
    /// SHA-256 of the new version's checkpoint file.
    pub checkpoint_sha256: String,
    /// The tree's root, padded base64 (as the checkpoint writes it).
    pub root: String,
    /// The signer's fingerprint.
    pub signer: Fingerprint,
    /// The signer's key id (a label).
    pub signer_key_id: String,
    /// Warnings recorded in the manifest.
    pub warnings: Vec<String>,
    /// Temporary files that a seal of this archive killed outright left,
    /// removed (W4).
    pub removed_stale: Vec<PathBuf>,
}

/// Why sealing did not happen. The archive is untouched either way.
#[derive(Debug)]
pub enum SealError {
    /// S1a: more than vellum archives hold.
    TextTooLarge {
        /// The text.
        text: PathBuf,
        /// Its size.
        bytes: u64,
    },
    /// S2: the text does not decode.
    Undecodable {
        /// The text.
        text: PathBuf,
        /// Why.
        error: DecodeError,
    },
    /// S3a: nothing but white space.
    Empty {
        /// The text.
        text: PathBuf,
    },
    /// S3b: a bidi control or tag character, and no `--allow-bidi`.
    Bidi {
        /// The text.
        text: PathBuf,
        /// Its line.
        line: u64,
        /// `U+202E`.
        codepoint: String,
        /// Its name.
        name: &'static str,
    },
    /// S4: the archive could not be read at all (trouble).
    Unreadable(VerifyError),
    /// S4: the archive does not verify.
    Invalid {
        /// The archive.
        archive: PathBuf,
        /// Its problems, in brief.
        problems: String,
    },
    /// The trust set and the sealing key disagree (two keys, one id).
    Keys(KeyError),
    /// S5: the latest version has this very text.
    Identical {
        /// The text.
        text: PathBuf,
        /// The archive.
        archive: PathBuf,
        /// The latest version.
        version: u32,
    },
    /// S6: the latest version was signed by other keys.
    KeyChange {
        /// The latest version.
        version: u32,
        /// Its signers.
        previous: Vec<Fingerprint>,
        /// This key.
        this: Fingerprint,
    },
    /// S6: `--handover-key` is not the latest version's sealer, or there
    /// is nothing to hand over.
    Handover {
        /// The handing-over key.
        handover: Fingerprint,
        /// The latest version's sealer, if any.
        previous: Option<Fingerprint>,
    },
    /// X6: the archive has no such version.
    NoSuchVersion {
        /// The archive.
        archive: PathBuf,
        /// The version asked for.
        asked: u32,
        /// How many versions it has.
        newest: u32,
    },
    /// X6: this key signs the version already.
    AlreadySigned {
        /// The archive.
        archive: PathBuf,
        /// The version.
        version: u32,
        /// The key.
        signer: Fingerprint,
    },
    /// S7: `--time` is not RFC 3339.
    BadTime(String),
    /// S7a: earlier than the latest version.
    BackInTime {
        /// This version's time.
        created: String,
        /// The latest version.
        version: u32,
        /// Its time.
        previous: String,
    },
    /// S7b: a manifest larger than an entry may be.
    ManifestTooLarge {
        /// The text.
        text: PathBuf,
        /// Its sections.
        sections: usize,
        /// The manifest's size.
        bytes: u64,
    },
    /// S7c: an inventory larger than verify reads.
    InventoryTooLarge {
        /// The archive.
        archive: PathBuf,
        /// The version.
        version: u32,
        /// Why.
        why: crate::archive::ocfl::InventoryError,
    },
    /// W1: the archive would need zip64 (more than 4 GiB).
    ArchiveTooLarge(PathBuf),
    /// W3: another seal holds the archive's lock (trouble: run again).
    Busy {
        /// The archive.
        archive: PathBuf,
    },
    /// W3: the archive is no longer the one verified when the new one was
    /// about to replace it (trouble: run again; nothing was written).
    Changed {
        /// The archive.
        archive: PathBuf,
    },
    /// W1: reading or writing failed (trouble).
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What failed.
        error: std::io::Error,
    },
    /// T2: the reply is not a token over the version's checkpoint, or not
    /// one from a trusted TSA (refused; trouble when it does not read).
    Token {
        /// The reply file, or the TSA's URL.
        reply: String,
        /// The version.
        version: u32,
        /// What is wrong with it.
        error: Box<crate::timestamp::TokenError>,
    },
    /// T3: the TSA could not be asked (trouble).
    Tsa(crate::timestamp::AskError),
    /// T2: this token is kept for the version already.
    AlreadyTimestamped {
        /// The archive.
        archive: PathBuf,
        /// The version.
        version: u32,
        /// The token's file in the zip.
        file: String,
    },
}

impl SealError {
    /// Whether this is a refusal (exit 1) rather than trouble (exit 2).
    pub fn is_refusal(&self) -> bool {
        if let SealError::Token { error, .. } = self {
            // T2: a reply that does not read is bad input, not a refusal.
            return !matches!(**error, crate::timestamp::TokenError::Malformed(_));
        }
        !matches!(
            self,
            SealError::Unreadable(_)
                | SealError::Io { .. }
                | SealError::Keys(_)
                | SealError::NoSuchVersion { .. }
                | SealError::Busy { .. }
                | SealError::Changed { .. }
                | SealError::Tsa(_)
        )
    }
}

fn names(fps: &[Fingerprint]) -> String {
    fps.iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SealError::TextTooLarge { text, bytes } => write!(
                f,
                "{}: {bytes} bytes is more than vellum archives hold ({} bytes)",
                text.display(),
                crate::limits::MAX_TEXT
            ),
            SealError::Undecodable { text, error } => write!(f, "{}: {error}", text.display()),
            SealError::Empty { text } => write!(
                f,
                "{}: the text is empty (nothing but white space)",
                text.display()
            ),
            SealError::Bidi {
                text,
                line,
                codepoint,
                name,
            } => write!(
                f,
                "{}: line {line}: {codepoint} {name} can make readers see something other than the text; pass --allow-bidi to seal it anyway (it is recorded as a warning)",
                text.display()
            ),
            SealError::Unreadable(e) => e.fmt(f),
            SealError::Invalid { archive, problems } => write!(
                f,
                "{}: does not verify, so nothing is appended ({problems})",
                archive.display()
            ),
            SealError::Keys(e) => e.fmt(f),
            SealError::Identical {
                text,
                archive,
                version,
            } => write!(
                f,
                "{}: identical to version {version} of {}; nothing to seal",
                text.display(),
                archive.display()
            ),
            SealError::KeyChange {
                version,
                previous,
                this,
            } => write!(
                f,
                "version {version} was sealed by key {}, this key is {this}; a key change needs the previous signer's signature (--handover-key OLD.key) or the trust policy naming this key for the archive (trust.toml)",
                names(previous)
            ),
            SealError::Handover { handover, previous } => match previous {
                None => write!(f, "--handover-key {handover}: a new archive has no previous signer to hand over"),
                Some(p) => write!(
                    f,
                    "--handover-key {handover}: the previous version was sealed by key {p}; only that key hands over, to another key"
                ),
            },
            SealError::NoSuchVersion {
                archive,
                asked,
                newest,
            } => write!(
                f,
                "{}: has versions 1 to {newest}, not {asked}",
                archive.display()
            ),
            SealError::AlreadySigned {
                archive,
                version,
                signer,
            } => write!(
                f,
                "{}: key {signer} signs version {version} already",
                archive.display()
            ),
            SealError::BadTime(t) => write!(f, "--time {t:?} is not an RFC 3339 time"),
            SealError::BackInTime {
                created,
                version,
                previous,
            } => write!(
                f,
                "created time {created} is earlier than version {version}'s ({previous}); versions must not go back in time"
            ),
            SealError::ManifestTooLarge {
                text,
                sections,
                bytes,
            } => write!(
                f,
                "{}: {sections} sections make a manifest of {bytes} bytes, more than vellum archives hold",
                text.display()
            ),
            SealError::InventoryTooLarge {
                archive,
                version,
                why,
            } => write!(
                f,
                "{}: version {version} would make an inventory that {why}",
                archive.display()
            ),
            SealError::ArchiveTooLarge(a) => write!(
                f,
                "{}: the archive would grow past 4 GiB, the most a zip without zip64 holds",
                a.display()
            ),
            SealError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            SealError::Busy { archive } => write!(
                f,
                "{}: another seal is writing this archive; run again when it is done",
                archive.display()
            ),
            SealError::Changed { archive } => write!(
                f,
                "{}: another seal changed the archive; run again",
                archive.display()
            ),
            SealError::Token {
                reply,
                version,
                error,
            } => write!(f, "{reply}: not kept for version {version}: {error}"),
            SealError::Tsa(e) => write!(f, "{e}"),
            SealError::AlreadyTimestamped {
                archive,
                version,
                file,
            } => write!(
                f,
                "{}: version {version} keeps this token already ({file})",
                archive.display()
            ),
        }
    }
}

impl std::error::Error for SealError {}

/// Seal `text` (the bytes of `text_name`) as the next version of `archive`,
/// signed by `sk` (`key_file`, the file it was read from, names it when it
/// is trusted for its own earlier versions).
pub fn seal(
    text_name: &Path,
    text: &[u8],
    sk: &SecretKey,
    key_file: &Path,
    archive_path: &Path,
    trust: &Trust,
    opts: &SealOptions,
) -> Result<SealOutcome, SealError> {
    let chunking = text::chunking(text_name, text)?;
    // W2–W4: the file written (a link's target), held by this run alone,
    // with what a killed run left removed and the temporary file made
    // before any work, so that an interruption from here on leaves nothing.
    let target = guard::target(archive_path)?;
    let _lock = guard::Lock::take(archive_path, &target)?;
    let removed_stale = guard::remove_stale(&target);
    let temp = guard::Temp::create(&target)?;
    let base_size = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    let work = Work {
        progress: &opts.progress,
        total: 2 * text.len() as u64 + base_size,
        compressed: AtomicU64::new(0),
        prepared: AtomicU64::new(0),
        verified: AtomicU64::new(0),
    };
    // The version is worked out first, then the original compressed: each
    // runs on all cores, and one after the other they hold less at once
    // than side by side (peak memory, issue 12 point 6); a refusal comes
    // before any compression.
    let (plan, base, version, mut outcome) = new_version(
        text_name,
        text,
        &chunking,
        sk,
        key_file,
        (archive_path, &target),
        trust,
        opts,
        &work,
    )?;
    let compressed =
        crate::archive::container::prepare_counting(text, Some(&chunking.cuts), &|n| {
            work.add(&work.compressed, n)
        });
    outcome.removed_stale = removed_stale;
    write::write(
        archive_path,
        &target,
        temp,
        &plan,
        base.as_ref(),
        write::VersionFiles {
            original: write::Ready {
                bytes: text,
                digests: version.original,
                compressed: Some(compressed),
            },
            manifest: write::Ready {
                bytes: &version.manifest,
                digests: version.manifest_digests,
                compressed: None,
            },
            signatures: version.signatures,
            checkpoint: version.checkpoint.into_bytes(),
        },
        sk,
        opts,
    )?;
    opts.progress.report(work.total, work.total);
    Ok(outcome)
}

/// What a new version consists of, before it is written.
struct NewVersion {
    original: FileDigests,
    manifest: Vec<u8>,
    manifest_digests: FileDigests,
    signatures: BTreeMap<String, Vec<u8>>,
    checkpoint: String,
}

/// Everything but the zip: S3–S8.
#[allow(clippy::too_many_arguments)]
fn new_version(
    text_name: &Path,
    text: &[u8],
    chunking: &text::Chunking,
    sk: &SecretKey,
    key_file: &Path,
    (archive_path, target): (&Path, &Path),
    trust: &Trust,
    opts: &SealOptions,
    work: &Work,
) -> Result<(Plan, Option<Opened>, NewVersion, SealOutcome), SealError> {
    let (original, prepared) = rayon::join(
        || digest::digests_par(text),
        || text::prepare(text_name, chunking, opts.allow_bidi),
    );
    let mut prepared = prepared?;
    work.set(&work.prepared, text.len() as u64);
    let base = open_base(archive_path, target, sk, key_file, opts, trust, work)?;
    let plan = plan(
        text_name,
        &original,
        sk,
        archive_path,
        base.as_ref(),
        trust,
        opts,
    )?;
    let content = text::content(&prepared);
    // The sections' texts are in their hashes now: not held while the
    // manifest is made and the archive written (peak memory at most four
    // times the text, issue 12 point 6).
    drop(std::mem::take(&mut prepared.sections));
    let section_count = content.entries.len();
    let root = content.tree.root.0;
    let m = manifest(&plan, &prepared, content, &original, sk, opts);
    let mbytes = m.to_canonical_json();
    if mbytes.len() as u64 > MAX_ENTRY_SIZE {
        return Err(SealError::ManifestTooLarge {
            text: text_name.to_owned(),
            sections: section_count,
            bytes: mbytes.len() as u64,
        });
    }
    let warnings = m.warnings.clone();
    // The manifest is in `mbytes` now: not held while the archive is
    // compressed and written.
    drop(m);
    let manifest_digests = digest::digests_par(&mbytes);
    let signed = sign(
        &plan,
        &prepared.canonical_sha256,
        &original,
        root,
        section_count,
        sk,
        opts,
        &mbytes,
        &manifest_digests,
    );
    let outcome = SealOutcome {
        archive: archive_path.to_owned(),
        archive_id: plan.archive_id.clone(),
        version: plan.version,
        sections: section_count,
        manifest_sha256: manifest_digests.sha256.clone(),
        checkpoint_sha256: sha256(signed.checkpoint.as_bytes()),
        root: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, root),
        signer: sk.public.fingerprint(),
        signer_key_id: sk.public.id.to_string(),
        warnings,
        removed_stale: Vec::new(),
    };
    Ok((
        plan,
        base,
        NewVersion {
            original,
            manifest: mbytes,
            manifest_digests,
            signatures: signed.files,
            checkpoint: signed.checkpoint,
        },
        outcome,
    ))
}

/// S4: the archive to append to, if it exists, verified against the
/// trusted keys and the sealing key itself.
fn open_base(
    archive: &Path,
    target: &Path,
    sk: &SecretKey,
    key_file: &Path,
    opts: &SealOptions,
    trust: &Trust,
    work: &Work,
) -> Result<Option<Opened>, SealError> {
    if !target.exists() {
        return Ok(None);
    }
    let keys: Vec<&SecretKey> = std::iter::once(sk)
        .chain(opts.handover.as_deref())
        .collect();
    let progress = |done: u64, _total: u64| work.set(&work.verified, done);
    Ok(verified_base(archive, trust, &keys, key_file, &progress)?.opened)
}

/// An archive verified as [`verified_base`] does, opened, and the version
/// asked for (the newest by default), which must exist: what cosign and
/// timestamp add to.
pub(crate) fn verified_version(
    archive: &Path,
    version: Option<u32>,
    trust: &Trust,
    keys: &[&SecretKey],
    key_file: &Path,
) -> Result<(verify::Report, Opened, u32), SealError> {
    let v = verified_base(archive, trust, keys, key_file, &|_, _| {})?;
    let opened = v.opened.expect("verified_base keeps the opened archive");
    let newest = opened.versions.len() as u32;
    let n = version.unwrap_or(newest);
    if n == 0 || n > newest {
        return Err(SealError::NoSuchVersion {
            archive: archive.to_owned(),
            asked: n,
            newest,
        });
    }
    Ok((v.report, opened, n))
}

/// S4, X6: an archive verified before anything is written to it, against
/// the trusted keys and the writer's own, at threshold 1 (the threshold is
/// the reader's; writing needs the chain sound); refused when it does not
/// verify.
pub(crate) fn verified_base(
    archive: &Path,
    trust: &Trust,
    keys: &[&SecretKey],
    key_file: &Path,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<verify::Verified, SealError> {
    let mut trust = trust.clone();
    trust.threshold_override = Some(1);
    for k in keys {
        keys::add_trusted(
            &mut trust.keys,
            TrustedKey {
                key: k.public.clone(),
                source: key_file.to_owned(),
            },
        )
        .map_err(SealError::Keys)?;
    }
    let v = verify::verify_with(archive, &trust, progress).map_err(SealError::Unreadable)?;
    if !v.report.valid || v.opened.is_none() {
        return Err(SealError::Invalid {
            archive: archive.to_owned(),
            problems: v.report.problems_in_brief(),
        });
    }
    Ok(v)
}

/// Where the new version goes, and what it records of the one before.
pub(crate) struct Plan {
    pub(crate) archive_id: String,
    pub(crate) version: u32,
    pub(crate) created: String,
    pub(crate) key_change: Option<KeyChange>,
    pub(crate) previous_manifest_sha256: Option<String>,
    pub(crate) previous_checkpoint_sha256: Option<String>,
}

/// S5–S7a: the version number and id (Z2), the refusals that compare the
/// text and key with the latest version, and the created time (M5).
fn plan(
    text_name: &Path,
    original: &FileDigests,
    sk: &SecretKey,
    archive: &Path,
    base: Option<&Opened>,
    trust: &Trust,
    opts: &SealOptions,
) -> Result<Plan, SealError> {
    let handover = opts.handover.as_ref().map(|k| k.public.fingerprint());
    let created = match &opts.created {
        Some(c) => manifest::normalize_time(c).ok_or_else(|| SealError::BadTime(c.clone()))?,
        None => manifest::now_rfc3339(),
    };
    let Some(o) = base else {
        if let Some(h) = handover {
            return Err(SealError::Handover {
                handover: h,
                previous: None,
            });
        }
        return Ok(Plan {
            archive_id: layout::id_from_path(archive),
            version: 1,
            created,
            key_change: None,
            previous_manifest_sha256: None,
            previous_checkpoint_sha256: None,
        });
    };
    let last = o.versions.last().expect("a verified archive has versions");
    let m = &last.manifest;
    if m.original.sha256 == original.sha256 {
        return Err(SealError::Identical {
            text: text_name.to_owned(),
            archive: archive.to_owned(),
            version: m.version,
        });
    }
    let this = sk.public.fingerprint();
    let sealer = m.signers[0];
    // K12: another sealer needs the previous one's signature (a hand-over)
    // or the trust policy's word for this archive.
    match handover {
        Some(h) if h != sealer || sealer == this => {
            return Err(SealError::Handover {
                handover: h,
                previous: Some(sealer),
            })
        }
        Some(_) => {}
        None if sealer != this && !trust.authorised(&o.paths.bag, &this) => {
            return Err(SealError::KeyChange {
                version: m.version,
                previous: m.signers.clone(),
                this,
            });
        }
        None => {}
    }
    let me = signers(sk, opts);
    let key_change = if m.signers != me {
        Some(KeyChange {
            previous_signers: m.signers.clone(),
        })
    } else {
        None
    };
    if created < m.created {
        return Err(SealError::BackInTime {
            created,
            version: m.version,
            previous: m.created.clone(),
        });
    }
    Ok(Plan {
        archive_id: o.paths.bag.clone(),
        version: m.version + 1,
        created,
        key_change,
        previous_manifest_sha256: Some(last.manifest_sha256.clone()),
        previous_checkpoint_sha256: Some(last.checkpoint_sha256.clone()),
    })
}

/// The new version's signers: the sealer, then the key handing over.
fn signers(sk: &SecretKey, opts: &SealOptions) -> Vec<Fingerprint> {
    std::iter::once(sk)
        .chain(opts.handover.as_deref())
        .map(|k| k.public.fingerprint())
        .collect()
}

/// M1–M6: the manifest of the new version.
fn manifest(
    plan: &Plan,
    p: &text::Prepared,
    content: text::Content,
    original: &FileDigests,
    sk: &SecretKey,
    opts: &SealOptions,
) -> Manifest {
    Manifest {
        format: manifest::MANIFEST_FORMAT.into(),
        format_version: manifest::MANIFEST_FORMAT_VERSION,
        canonical_text: crate::text::canon::SPEC_ID.into(),
        archive_id: plan.archive_id.clone(),
        version: plan.version,
        created: plan.created.clone(),
        message: opts.message.clone(),
        signers: signers(sk, opts),
        key_change: plan.key_change.clone(),
        original: FileEntry {
            path: layout::ORIGINAL.into(),
            bytes: original.len,
            sha256: original.sha256.clone(),
        },
        canonical: TextDigest {
            bytes: p.canonical_len,
            sha256: p.canonical_sha256.clone(),
        },
        index: content.index,
        tree: content.tree,
        sections: content.entries,
        previous_manifest_sha256: plan.previous_manifest_sha256.clone(),
        warnings: p.warnings.clone(),
    }
}

/// The signed files of a version.
struct Signed {
    /// The three detached manifest signatures (G3–G5), by logical name.
    files: BTreeMap<String, Vec<u8>>,
    /// The checkpoint, signed (P1–P3).
    checkpoint: String,
}

/// G3–G5, P1–P3: the manifest signed three ways, and the checkpoint of
/// the tree, which binds the texts, the manifest and the previous
/// checkpoint.
#[allow(clippy::too_many_arguments)]
fn sign(
    plan: &Plan,
    canonical_sha256: &str,
    original: &FileDigests,
    root: crate::crypto::merkle::Hash,
    size: usize,
    sk: &SecretKey,
    opts: &SealOptions,
    mbytes: &[u8],
    mdigests: &FileDigests,
) -> Signed {
    let keys: Vec<&SecretKey> = std::iter::once(sk)
        .chain(opts.handover.as_deref())
        .collect();
    let mut files = BTreeMap::new();
    for k in &keys {
        files.extend(manifest_signatures(
            k,
            &plan.archive_id,
            plan.version,
            &plan.created,
            mbytes,
            mdigests,
        ));
    }
    let checkpoint = Checkpoint {
        archive_id: plan.archive_id.clone(),
        version: plan.version,
        size: size as u64,
        root,
        original_sha256: original.sha256.clone(),
        canonical_sha256: canonical_sha256.to_owned(),
        manifest_sha256: mdigests.sha256.clone(),
        previous_checkpoint_sha256: plan.previous_checkpoint_sha256.clone(),
        signers: keys.iter().map(|k| k.public.fingerprint()).collect(),
    };
    Signed {
        files,
        checkpoint: checkpoint.sign(&keys),
    }
}

/// G3–G5: one key's three signatures of a version's manifest, by logical
/// name (seal's, and a co-signer's, X3).
pub(crate) fn manifest_signatures(
    sk: &SecretKey,
    archive_id: &str,
    version: u32,
    created: &str,
    mbytes: &[u8],
    mdigests: &FileDigests,
) -> BTreeMap<String, Vec<u8>> {
    let trusted_comment = format!(
        "archive:{archive_id} version:{version} created:{created} manifest-sha256:{}",
        mdigests.sha256
    );
    let fp = sk.public.fingerprint();
    let [raw, mini, ssh] = layout::signature_names(&fp);
    let mut sha512 = [0u8; 64];
    hex::decode_to_slice(&mdigests.sha512, &mut sha512).expect("a SHA-512 in hex");
    let (raw_sig, (mini_sig, ssh_sig)) = rayon::join(
        || sign::raw_signature(sk, mbytes),
        || {
            rayon::join(
                || sign::minisign_signature(sk, mbytes, &trusted_comment),
                || sign::ssh_signature_hashed(sk, &sha512),
            )
        },
    );
    let mut files = BTreeMap::new();
    files.insert(raw, raw_sig);
    files.insert(mini, mini_sig.into_bytes());
    files.insert(ssh, ssh_sig.into_bytes());
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> SealOptions {
        SealOptions {
            message: "m".into(),
            created: Some("2020-01-01T00:00:00Z".into()),
            ..SealOptions::default()
        }
    }

    fn trusted(sk: &SecretKey) -> Vec<TrustedKey> {
        vec![TrustedKey {
            key: sk.public.clone(),
            source: "k.pub".into(),
        }]
    }

    /// The archive verify's phase tests read (`src/verify/testdata`,
    /// committed so that verify's tests need not seal) is what sealing
    /// makes today: a fixed key, fixed texts and times, a deterministic
    /// zip. When the format changes on purpose, rewrite it with
    /// `VELLUM_WRITE_FIXTURES=1 cargo test --lib verify_fixture`.
    #[test]
    fn verify_fixture_is_what_seal_makes() {
        const FIXTURE: &str = "src/verify/testdata/two-versions.zip";
        let sk = SecretKey::from_seed(&[9; 32]);
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("arch.zip");
        for (t, time) in [
            (
                "A first paragraph.\n\nA second one.\n",
                "2020-01-01T00:00:00Z",
            ),
            (
                "A first paragraph.\n\nA second one, changed.\n",
                "2020-02-01T00:00:00Z",
            ),
        ] {
            let o = SealOptions {
                message: "m".into(),
                created: Some(time.into()),
                ..Default::default()
            };
            seal(
                Path::new("t"),
                t.as_bytes(),
                &sk,
                Path::new("k"),
                &a,
                &Trust::default(),
                &o,
            )
            .unwrap();
        }
        let made = std::fs::read(&a).unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
        if std::env::var_os("VELLUM_WRITE_FIXTURES").is_some() {
            std::fs::write(&fixture, &made).unwrap();
        }
        let committed = std::fs::read(&fixture).unwrap();
        assert!(
            made == committed,
            "{FIXTURE} is not what seal makes now; if the format changed on purpose, \
             rewrite it (see this test's doc)"
        );
    }

    /// Seal and verify must canonicalize alike whatever the line ends,
    /// including the ones only the full mode detector knows (NEL, LS, PS),
    /// and lone list markers.
    #[test]
    fn odd_texts_seal_into_archives_that_verify() {
        let sk = SecretKey::from_seed(&[5u8; 32]);
        let dir = tempfile::tempdir().unwrap();
        for (i, t) in [
            "\u{2028}\n\nb\nc",
            "a\u{85}\n\nb",
            "x\u{2029}y\r\nz",
            "\u{2022}\n\u{2022}\ntext\n\nz",
            "1.\nfirst\n\n2)\nsecond",
            "Sharia-\nbound\n\nend",
            "\u{FEFF}caf\u{e9}\r\nline\rtwo",
        ]
        .iter()
        .enumerate()
        {
            let path = dir.path().join(format!("t{i}.zip"));
            seal(
                Path::new("t.txt"),
                t.as_bytes(),
                &sk,
                Path::new("k.key"),
                &path,
                &Trust::default(),
                &opts(),
            )
            .unwrap();
            let v = verify::verify(&path, &trusted(&sk), &|_, _| {}).unwrap();
            assert!(v.report.valid, "{t:?}: {:?}", v.report.problems);
        }
    }

    /// Each refusal is a variant that carries what a caller needs.
    #[test]
    fn refusals_carry_their_reasons() {
        let sk = SecretKey::from_seed(&[5u8; 32]);
        let other = SecretKey::from_seed(&[6u8; 32]);
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.zip");
        let k = Path::new("k.key");
        let s = |t: &str, key: &SecretKey, o: &SealOptions| {
            seal(
                Path::new("t.txt"),
                t.as_bytes(),
                key,
                k,
                &a,
                &Trust::from(trusted(&sk)),
                o,
            )
        };
        assert!(matches!(
            s(" \n\t", &sk, &opts()),
            Err(SealError::Empty { .. })
        ));
        assert!(matches!(
            s("a \u{202E}b", &sk, &opts()),
            Err(SealError::Bidi { line: 1, ref codepoint, .. }) if codepoint == "U+202E"
        ));
        let bad_time = SealOptions {
            created: Some("yesterday".into()),
            ..opts()
        };
        assert!(matches!(s("x", &sk, &bad_time), Err(SealError::BadTime(t)) if t == "yesterday"));
        s("first text", &sk, &opts()).unwrap();
        assert!(matches!(
            s("first text", &sk, &opts()),
            Err(SealError::Identical { version: 1, .. })
        ));
        match s("second text", &other, &opts()) {
            Err(SealError::KeyChange {
                version: 1,
                previous,
                this,
            }) => {
                assert_eq!(previous, vec![sk.public.fingerprint()]);
                assert_eq!(this, other.public.fingerprint());
            }
            r => panic!("{r:?}"),
        }
        let earlier = SealOptions {
            created: Some("2019-01-01T00:00:00Z".into()),
            ..opts()
        };
        assert!(matches!(
            s("second text", &sk, &earlier),
            Err(SealError::BackInTime { version: 1, .. })
        ));
        for e in [
            SealError::Empty { text: "t".into() },
            SealError::BadTime("x".into()),
        ] {
            assert!(e.is_refusal());
            assert_eq!(e.to_string().lines().count(), 1);
        }
    }
}
