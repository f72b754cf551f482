//! Verification of an archive (rules V1–V17 of docs/archive-format.md):
//! every byte, every signature, every version; and of proof files
//! ([`proof`], rules R4–R6).
//!
//! A failed verification is a [`Report`] listing every problem found, each
//! with a [`ProblemKind`] (which names its rule), the version and the place
//! it concerns; `Err` is only for trouble that kept us from looking (the
//! file cannot be opened).
//!
//! [`verify`] runs in phases: [`open_zip`] (V1–V3), [`check_bag`]
//! (V4–V6), [`check_ocfl`] (V7–V9), [`version_files`] (V13a),
//! [`stream_payload`] (V10, in `stream`), [`check_fixity`] (V11–V12), then
//! [`check_version`] for each version (V13b–V16).
//!
//! Nothing is extracted to disk and no payload file is held in memory whole,
//! so memory does not grow with the archive: payload files stream through
//! the hashes, and an original's chunks through the canonicalizer on all
//! cores. A version manifest (about 150 bytes a section) is read once as a
//! stream, with its version's original, after its head (the fields before
//! its sections, the index among them): its sections are each matched with
//! the next block of the text and hashed into the tree, while its bytes go
//! through its digests and raw signatures on a thread of their own.

mod load;
pub mod proof;
mod signers;
mod stream;
mod timestamps;

pub use signers::{Authorisation, KeyChangeReport, SignerReport};
pub use timestamps::{TimestampReport, TimestampStanding};

pub use load::{
    load_archive, load_version, open_version, Against, LoadError, LoadedArchive, LoadedVersion,
    Verification,
};

use crate::archive::bag;
use crate::archive::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::archive::container::{ReadError, ZipIn};
use crate::archive::layout::{self, Paths, CHECKPOINT, MANIFEST, ORIGINAL};
use crate::archive::manifest::{self, Header};
use crate::archive::ocfl::{self, Inventory};
use crate::crypto::keys::{Fingerprint, PublicKey, TrustedKey};
use crate::crypto::note::SignatureState;
use crate::crypto::sign;
use crate::digest::{sha256, FileDigests};
use crate::limits::{MAX_REPORTED_PROBLEMS, MAX_TEXT};
use crate::text::sections::{Mismatch, Mismatches};
use crate::trust::Trust;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use stream::{check_text, read_manifest, stream_plain, ManifestRead, TextChecked};

/// What kind of thing is wrong, each kind the rule it breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The zip cannot be read as a vellum zip (V1).
    Zip,
    /// Not one bag folder with a valid archive id (V2, V3).
    Layout,
    /// `bagit.txt` is not BagIt 1.0 (V4).
    BagDeclaration,
    /// A bag manifest does not read or does not match (V5).
    BagManifest,
    /// `bag-info.txt` is not a vellum-archive-v2 one (V5a).
    BagInfo,
    /// A file no manifest covers, or one listed and missing (V6).
    Coverage,
    /// The OCFL object is not well-formed (V7–V9).
    Ocfl,
    /// A file could not be read (V10).
    Unreadable,
    /// A file does not match the bag manifest (V11).
    Fixity,
    /// OCFL content does not match or is not listed (V12).
    OcflContent,
    /// A payload file that no version's signed files account for (V12a).
    Unsigned,
    /// A version does not hold exactly its logical files (V13a).
    VersionFiles,
    /// A manifest does not read or is not canonical (V13b).
    Manifest,
    /// A manifest field disagrees with the archive (V13c).
    ManifestField,
    /// The manifest hash chain is broken (V13c).
    HashChain,
    /// A key change that is not recorded, or recorded wrongly (V13c).
    KeyChange,
    /// A signer is not among the trusted keys (V13d).
    Untrusted,
    /// A manifest signature file does not verify (V13e).
    Signature,
    /// The original does not match its manifest, or does not decode (V13f).
    Text,
    /// The canonical text re-derived differs from the signed one (V13f).
    Canonical,
    /// Sections do not match the text (V13g).
    Sections,
    /// A version is older than the one before it (V13i).
    Time,
    /// The checkpoint does not read, or disagrees with its version (V14).
    Checkpoint,
    /// The checkpoint is not signed by a signer of its version (V14).
    CheckpointSignature,
    /// The tree of the sections is not the signed one (V15).
    Tree,
    /// The index does not describe the text (V16).
    Index,
    /// Not every version could be checked (V17).
    Incomplete,
    /// A co-signature that does not verify, or a co-signature file out of
    /// place (V19).
    Cosignature,
    /// A change of signer that neither the previous signer nor the trust
    /// policy authorised (V20).
    UnauthorisedKeyChange,
    /// Fewer distinct trusted keys than the threshold (V21).
    Threshold,
    /// A timestamp token that is malformed, over other data, badly signed,
    /// from a certificate that is not a TSA's or not valid at its time, or
    /// from an untrusted TSA (V22).
    Timestamp,
}

impl ProblemKind {
    /// The rule of docs/archive-format.md this kind of problem breaks.
    pub fn rule(self) -> &'static str {
        use ProblemKind::*;
        match self {
            Zip => "V1",
            Layout => "V2",
            BagDeclaration => "V4",
            BagManifest => "V5",
            BagInfo => "V5a",
            Coverage => "V6",
            Ocfl => "V8",
            Unreadable => "V10",
            Fixity => "V11",
            OcflContent => "V12",
            Unsigned => "V12a",
            VersionFiles => "V13a",
            Manifest => "V13b",
            ManifestField | HashChain | KeyChange => "V13c",
            Untrusted => "V13d",
            Signature => "V13e",
            Text | Canonical => "V13f",
            Sections => "V13g",
            Time => "V13i",
            Checkpoint | CheckpointSignature => "V14",
            Tree => "V15",
            Index => "V16",
            Incomplete => "V17",
            Cosignature => "V19",
            UnauthorisedKeyChange => "V20",
            Threshold => "V21",
            Timestamp => "V22",
        }
    }
}

/// One thing wrong with an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The version concerned, if any.
    pub version: Option<u32>,
    /// The file, section or part concerned.
    pub place: String,
    /// What kind of problem (and so which rule).
    pub kind: ProblemKind,
    /// What is wrong, in words.
    pub problem: String,
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Problem", 5)?;
        st.serialize_field("version", &self.version)?;
        st.serialize_field("place", &self.place)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("rule", self.kind.rule())?;
        st.serialize_field("problem", &self.problem)?;
        st.end()
    }
}

/// What verification found about one version.
#[derive(Debug, Clone, Serialize)]
pub struct VersionReport {
    /// Version number.
    pub version: u32,
    /// When it was sealed.
    pub created: String,
    /// The publisher's message.
    pub message: String,
    /// Its sealers: the manifest's signers (the first sealed it).
    pub signers: Vec<SignerReport>,
    /// Keys that signed it later (X1–X5), each listed whether it counts or
    /// not.
    pub cosigners: Vec<SignerReport>,
    /// Distinct trusted keys whose signatures count (N3).
    pub distinct_signers: usize,
    /// The threshold that was required (N3).
    pub threshold: u32,
    /// Its sealer is not the previous version's (K12).
    pub key_change: Option<KeyChangeReport>,
    /// Trusted timestamps of its checkpoint (T1–T8): what each attests,
    /// apart from the signer's claimed `created`.
    pub timestamps: Vec<TimestampReport>,
    /// SHA-256 of the version manifest file.
    pub manifest_sha256: String,
    /// SHA-256 of the checkpoint file.
    pub checkpoint_sha256: String,
    /// SHA-256 of the canonical text.
    pub canonical_sha256: String,
    /// The root of the tree of its sections (padded base64).
    pub root: String,
    /// Number of sections.
    pub sections: u64,
}

/// The outcome of verifying an archive.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The archive file.
    pub archive: String,
    /// Its id (the bag's folder), when it could be read.
    pub archive_id: Option<String>,
    /// True when no problem was found.
    pub valid: bool,
    /// Versions, oldest first (those whose manifest could be read).
    pub versions: Vec<VersionReport>,
    /// Everything found wrong.
    pub problems: Vec<Problem>,
}

/// What the record of versions seen here (F1) needs of a verified archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newest {
    /// The archive id.
    pub archive_id: String,
    /// Its newest version.
    pub version: u32,
    /// SHA-256 of that version's checkpoint file.
    pub checkpoint_sha256: String,
    /// The trusted keys whose signatures count on any of its versions
    /// (whose records it is compared with, F2).
    pub signers: Vec<Fingerprint>,
    /// Those on its newest version (whose records it raises, F4).
    pub newest_signers: Vec<Fingerprint>,
}

impl Newest {
    fn of<'a>(
        archive_id: &str,
        version: u32,
        checkpoint_sha256: &str,
        signers: impl Iterator<Item = &'a SignerReport>,
        newest: impl Iterator<Item = &'a SignerReport>,
    ) -> Newest {
        fn counting<'a>(i: impl Iterator<Item = &'a SignerReport>) -> Vec<Fingerprint> {
            i.filter(|s| s.counts)
                .map(|s| s.fingerprint)
                .collect::<BTreeSet<Fingerprint>>()
                .into_iter()
                .collect()
        }
        Newest {
            archive_id: archive_id.to_owned(),
            version,
            checkpoint_sha256: checkpoint_sha256.to_owned(),
            signers: counting(signers),
            newest_signers: counting(newest),
        }
    }
}

impl Report {
    /// The newest version and who signed the archive, when it is valid.
    pub fn newest(&self) -> Option<Newest> {
        let last = self.versions.last().filter(|_| self.valid)?;
        Some(Newest::of(
            self.archive_id.as_deref()?,
            last.version,
            &last.checkpoint_sha256,
            self.versions
                .iter()
                .flat_map(|v| v.signers.iter().chain(&v.cosigners)),
            last.signers.iter().chain(&last.cosigners),
        ))
    }

    /// How many problems, and the first, in a few words for a one-line
    /// error message.
    pub fn problems_in_brief(&self) -> String {
        match self.problems.first() {
            None => "no problems".to_owned(),
            Some(p) => format!(
                "{} problem(s); first: {}{}: {}",
                self.problems.len(),
                p.version.map(|n| format!("v{n} ")).unwrap_or_default(),
                p.place,
                p.problem
            ),
        }
    }
}

/// An archive that was opened and read, for callers that go on to use it
/// (seal appends to it, check and diff read its texts).
pub struct Opened {
    /// The zip.
    pub zip: ZipIn,
    /// Paths inside it.
    pub paths: Paths,
    /// The root inventory.
    pub inventory: Inventory,
    /// Each version's manifest (without its sections), oldest first.
    pub versions: Vec<VersionHeader>,
}

/// A verified version's manifest, without its sections, and its checkpoint.
pub struct VersionHeader {
    /// Its fields.
    pub manifest: Header,
    /// SHA-256 of the manifest file.
    pub manifest_sha256: String,
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// SHA-256 of the checkpoint file.
    pub checkpoint_sha256: String,
}

impl Opened {
    /// Zip path of a version's logical file.
    pub(crate) fn file_path(&self, version: u32, logical: &str) -> Option<String> {
        self.inventory
            .content_path(version, logical)
            .map(|p| self.paths.object(p))
    }

    fn existing_path(&self, version: u32, logical: &str) -> Result<String, ReadError> {
        self.file_path(version, logical).ok_or(ReadError::Invalid(
            crate::archive::container::ZipProblem::Missing,
        ))
    }

    /// Read a version's small logical file (a signature, the checkpoint)
    /// whole.
    pub fn read(&self, version: u32, logical: &str) -> Result<Vec<u8>, ReadError> {
        let p = self.existing_path(version, logical)?;
        self.zip.read_tiny(&p)
    }

    /// Read a version's text whole, up to [`MAX_TEXT`] bytes.
    pub fn read_text(&self, version: u32, logical: &str) -> Result<Vec<u8>, ReadError> {
        let p = self.existing_path(version, logical)?;
        self.zip
            .read_whole(&p, MAX_TEXT, "a text vellum compares whole")
    }
}

/// Verification result: the report, and the opened archive when its
/// structure could be read.
pub struct Verified {
    /// The report.
    pub report: Report,
    /// The archive, when it could be read far enough.
    pub opened: Option<Opened>,
}

/// Trouble that stopped verification before it could look.
#[derive(Debug)]
pub struct VerifyError(pub ReadError);

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for VerifyError {}

/// Problems found so far: the first [`MAX_REPORTED_PROBLEMS`] one by one,
/// the rest counted (and summed up in one more line by [`Problems::done`]),
/// so a hostile archive of thousands of bad entries gives a short report.
#[derive(Default)]
struct Problems(Vec<Problem>, u64, Option<ProblemKind>);

impl Problems {
    fn add(
        &mut self,
        version: Option<u32>,
        place: impl Into<String>,
        kind: ProblemKind,
        problem: impl Into<String>,
    ) {
        if self.0.len() >= MAX_REPORTED_PROBLEMS {
            self.1 += 1;
            self.2.get_or_insert(kind);
            return;
        }
        self.0.push(Problem {
            version,
            place: place.into(),
            kind,
            problem: problem.into(),
        });
    }

    /// Every problem listed, and one line more for those only counted.
    fn done(mut self) -> Vec<Problem> {
        if let Some(kind) = self.2 {
            self.0.push(Problem {
                version: None,
                place: "archive".into(),
                kind,
                problem: format!("{} more problems not listed", self.1),
            });
        }
        self.0
    }
}

/// Verify an archive against trusted keys and no policy: [`verify_with`].
pub fn verify(
    path: &Path,
    trusted: &[TrustedKey],
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Verified, VerifyError> {
    verify_with(path, &Trust::from(trusted.to_vec()), progress)
}

/// Verify an archive against trusted keys and their policy. `progress` is
/// told how many payload bytes have been read so far, and the total, as
/// work goes on.
pub fn verify_with(
    path: &Path,
    trust: &Trust,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Verified, VerifyError> {
    let trusted = &trust.keys[..];
    let mut p = Problems::default();
    let done = |p: Problems, id: Option<String>, versions, opened| {
        let problems = p.done();
        Ok(Verified {
            report: Report {
                archive: path.display().to_string(),
                archive_id: id,
                valid: problems.is_empty(),
                versions,
                problems,
            },
            opened,
        })
    };
    let Some((zip, paths)) = open_zip(path, &mut p)? else {
        return done(p, None, vec![], None);
    };
    let id = Some(paths.bag.clone());
    let bag = check_bag(&zip, &paths, &mut p);
    let Some((inventory, n)) = check_ocfl(&zip, &paths, &mut p) else {
        return done(p, id, vec![], None);
    };
    let mut opened = Opened {
        zip,
        paths,
        inventory,
        versions: Vec::new(),
    };
    let files = version_files(&opened, n, &mut p);
    let streamed = stream_payload(&opened, &files, trusted, progress);
    check_fixity(&opened, &bag, &streamed, n, &mut p);
    let mut reports = Vec::new();
    let mut headers = Vec::new();
    let mut chain = Chain::default();
    let mut streamed = streamed;
    for v in 1..=n {
        let Some(f) = files.get(&v) else { continue };
        if let Some((r, h)) = check_version(&opened, v, f, &mut streamed, trust, &mut chain, &mut p)
        {
            reports.push(r);
            headers.push(h);
        }
    }
    let complete = headers.len() == n as usize;
    if !complete && p.0.is_empty() {
        // Never valid with a version unchecked, whatever the reason.
        p.add(
            None,
            "archive",
            ProblemKind::Incomplete,
            "not every version could be checked",
        );
    }
    if complete {
        check_bag_info_is_signed(&opened, &headers, &mut p);
    }
    for (place, problem) in timestamps::stray(&opened.zip, &opened.paths, n) {
        p.add(None, place, ProblemKind::Timestamp, problem);
    }
    opened.versions = headers;
    done(p, id, reports, if complete { Some(opened) } else { None })
}

/// V1–V3: the zip opens within every Z5 bound and holds one bag folder,
/// whose name is a valid archive id.
fn open_zip(path: &Path, p: &mut Problems) -> Result<Option<(ZipIn, Paths)>, VerifyError> {
    let zip = match ZipIn::open(path) {
        Ok(z) => z,
        Err(e @ ReadError::Io(..)) => return Err(VerifyError(e)),
        Err(ReadError::Invalid(m)) => {
            p.add(None, "zip", ProblemKind::Zip, m.to_string());
            return Ok(None);
        }
    };
    let tops: BTreeSet<&str> = zip
        .entries
        .iter()
        .map(|e| e.name.split('/').next().unwrap_or(""))
        .collect();
    let top_files = zip
        .entries
        .iter()
        .any(|e| !e.is_dir && !e.name.contains('/'));
    if tops.len() != 1 || top_files {
        p.add(
            None,
            "zip",
            ProblemKind::Layout,
            format!(
                "the zip must hold exactly one top-level folder (the bag); found {}",
                tops.into_iter().take(5).collect::<Vec<_>>().join(", ")
            ),
        );
        return Ok(None);
    }
    let bag_name = tops.into_iter().next().unwrap_or_default().to_owned();
    if !layout::valid_id(&bag_name) {
        p.add(
            None,
            "zip",
            ProblemKind::Layout,
            format!("{bag_name:?} is not a valid archive id"),
        );
        return Ok(None);
    }
    Ok(Some((zip, Paths { bag: bag_name })))
}

/// The bag's manifests as read in V5.
#[derive(Default)]
struct Bag {
    /// Path relative to the bag -> SHA-256, of every payload file.
    payload: BTreeMap<String, String>,
}

/// Read a tag file as text (only the bag manifest grows with the archive).
fn read_tag_text(zip: &ZipIn, name: &str, p: &mut Problems) -> Option<String> {
    let read = if name.ends_with(&format!("/{}", bag::MANIFEST_NAME)) {
        zip.read_small(name)
    } else {
        zip.read_tiny(name)
    };
    match read {
        Ok(b) => match String::from_utf8(b) {
            Ok(s) => Some(s),
            Err(_) => {
                p.add(None, name, ProblemKind::BagManifest, "not UTF-8");
                None
            }
        },
        Err(e) => {
            p.add(None, name, ProblemKind::Unreadable, e.to_string());
            None
        }
    }
}

/// V4–V6: `bagit.txt`, the bag and tag manifests and the tag files they
/// list, `bag-info.txt`, and that every file is covered.
fn check_bag(zip: &ZipIn, paths: &Paths, p: &mut Problems) -> Bag {
    let bagit = read_tag_text(zip, &paths.tag(bag::BAGIT_NAME), p);
    if bagit.as_deref().is_some_and(|t| t != bag::BAGIT_TXT) {
        p.add(
            None,
            paths.tag(bag::BAGIT_NAME),
            ProblemKind::BagDeclaration,
            "not a BagIt 1.0 declaration",
        );
    }
    let manifest = |name: &str, p: &mut Problems| {
        read_tag_text(zip, &paths.tag(name), p)
            .and_then(|t| {
                bag::parse_manifest(&t)
                    .map_err(|e| {
                        p.add(
                            None,
                            paths.tag(name),
                            ProblemKind::BagManifest,
                            e.to_string(),
                        )
                    })
                    .ok()
            })
            .unwrap_or_default()
    };
    let payload = manifest(bag::MANIFEST_NAME, p);
    let tags = manifest(bag::TAGMANIFEST_NAME, p);
    let tagm = paths.tag(bag::TAGMANIFEST_NAME);
    for required in [bag::BAGIT_NAME, bag::MANIFEST_NAME] {
        if !tags.contains_key(required) {
            p.add(
                None,
                &tagm,
                ProblemKind::BagManifest,
                format!("does not list {required}"),
            );
        }
    }
    for (tag, digest) in &tags {
        if tag.starts_with("data/") || tag.starts_with("tagmanifest-") {
            p.add(
                None,
                &tagm,
                ProblemKind::BagManifest,
                format!("must not list {tag}"),
            );
            continue;
        }
        let read = if tag == bag::MANIFEST_NAME {
            zip.read_small(&paths.tag(tag))
        } else {
            zip.read_tiny(&paths.tag(tag))
        };
        match read {
            Ok(b) if &sha256(&b) != digest => p.add(
                None,
                paths.tag(tag),
                ProblemKind::BagManifest,
                "does not match its tag manifest checksum",
            ),
            Ok(_) => {}
            Err(e) => p.add(None, paths.tag(tag), ProblemKind::Unreadable, e.to_string()),
        }
    }
    check_bag_info(zip, paths, p);
    // Every file covered by a manifest, every manifest entry present.
    let prefix = format!("{}/", paths.bag);
    for e in zip.entries.iter().filter(|e| !e.is_dir) {
        let rel = &e.name[prefix.len()..];
        let covered = if rel.starts_with("data/") {
            payload.contains_key(rel)
        } else {
            tags.contains_key(rel) || rel == bag::TAGMANIFEST_NAME
        };
        if !covered {
            p.add(
                None,
                e.name.as_str(),
                ProblemKind::Coverage,
                "a file that no manifest covers (added?)",
            );
        }
    }
    for rel in payload.keys() {
        if zip.get(&format!("{prefix}{rel}")).is_none() {
            p.add(
                None,
                format!("{prefix}{rel}"),
                ProblemKind::Coverage,
                "listed in the bag manifest but missing (removed?)",
            );
        }
    }
    Bag { payload }
}

/// V5a: `bag-info.txt` names the format, and its Payload-Oxum (if any) is
/// the payload's.
fn check_bag_info(zip: &ZipIn, paths: &Paths, p: &mut Problems) {
    let name = paths.tag(bag::BAG_INFO_NAME);
    let info = read_tag_text(zip, &name, p)
        .map(|t| bag::parse_info(&t))
        .unwrap_or_default();
    let label = |l: &str| info.iter().find(|(k, _)| k == l).map(|(_, v)| v.clone());
    if label(bag::FORMAT_LABEL).as_deref() != Some(layout::ARCHIVE_FORMAT) {
        p.add(
            None,
            &name,
            ProblemKind::BagInfo,
            format!(
                "not a {} archive ({} missing or different)",
                layout::ARCHIVE_FORMAT,
                bag::FORMAT_LABEL
            ),
        );
    }
    let prefix = format!("{}/data/", paths.bag);
    let payload = zip
        .entries
        .iter()
        .filter(|e| !e.is_dir && e.name.starts_with(&prefix));
    let oxum = format!(
        "{}.{}",
        payload.clone().map(|e| e.size).sum::<u64>(),
        payload.count()
    );
    if label(bag::OXUM_LABEL).is_some_and(|o| o != oxum) {
        p.add(
            None,
            &name,
            ProblemKind::BagInfo,
            format!("Payload-Oxum does not match the payload ({oxum})"),
        );
    }
}

/// V5b: `bag-info.txt`, which no signature covers, says exactly what seal
/// writes for this archive, every value derived from its signed versions
/// and its payload (the version count, the newest version's date, the id),
/// but for the name and version of the vellum that wrote it, which no
/// output shows. So nothing unsigned reaches a reader through it, and it
/// cannot contradict the archive.
fn check_bag_info_is_signed(o: &Opened, headers: &[VersionHeader], p: &mut Problems) {
    let name = o.paths.tag(bag::BAG_INFO_NAME);
    if p.0.iter().any(|q| q.place == name) {
        return; // already reported (V5, V5a)
    }
    let Some(newest) = headers.last() else { return };
    let Ok(bytes) = o.zip.read_tiny(&name) else {
        return;
    };
    let prefix = format!("{}/data/", o.paths.bag);
    let payload = o
        .zip
        .entries
        .iter()
        .filter(|e| !e.is_dir && e.name.starts_with(&prefix));
    let want = bag::bag_info(
        layout::ARCHIVE_FORMAT,
        &o.paths.bag,
        newest.manifest.created.get(..10).unwrap_or(""),
        payload.clone().map(|e| e.size).sum(),
        payload.count(),
        headers.len() as u32,
    );
    let got = String::from_utf8_lossy(&bytes);
    let agent_ok = |line: &str| {
        line.strip_prefix(bag::AGENT_PREFIX)
            .and_then(|r| r.strip_suffix(bag::AGENT_SUFFIX))
            .is_some_and(|v| {
                !v.is_empty()
                    && v.len() <= 32
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".+-".contains(&b))
            })
    };
    let g: Vec<&str> = got.split_inclusive('\n').collect();
    let w: Vec<&str> = want.split_inclusive('\n').collect();
    let wrong = (0..g.len().max(w.len())).find(|&i| match (g.get(i), w.get(i)) {
        (Some(a), Some(_)) if i == 0 => !(a.ends_with('\n') && agent_ok(a.trim_end_matches('\n'))),
        (Some(a), Some(b)) => a != b,
        _ => true,
    });
    if let Some(i) = wrong {
        let line = w.get(i).map_or("nothing more", |l| l.trim_end());
        p.add(
            None,
            name,
            ProblemKind::BagInfo,
            format!(
                "does not say what the signed versions say (no signature covers it; expected {line:?})"
            ),
        );
    }
}

/// V7–V9: the OCFL declaration, the root inventory and its sidecar (stop
/// when it cannot be read), and each version's inventory.
fn check_ocfl(zip: &ZipIn, paths: &Paths, p: &mut Problems) -> Option<(Inventory, u32)> {
    let namaste = paths.object(ocfl::NAMASTE_NAME);
    match zip.read_tiny(&namaste) {
        Ok(b) if b == ocfl::NAMASTE_TEXT.as_bytes() => {}
        Ok(_) => p.add(
            None,
            &namaste,
            ProblemKind::Ocfl,
            "wrong OCFL object declaration",
        ),
        Err(e) => p.add(None, &namaste, ProblemKind::Unreadable, e.to_string()),
    }
    let root = match zip.read_small(&paths.root_inventory()) {
        Ok(b) => b,
        Err(e) => {
            p.add(
                None,
                paths.root_inventory(),
                ProblemKind::Unreadable,
                e.to_string(),
            );
            return None;
        }
    };
    check_sidecar(zip, &paths.root_sidecar(), &root, None, p);
    let inventory = match Inventory::parse(&root) {
        Ok(i) => i,
        Err(e) => {
            p.add(
                None,
                paths.root_inventory(),
                ProblemKind::Ocfl,
                e.to_string(),
            );
            return None;
        }
    };
    let n = match inventory.version_count() {
        Ok(n) => n,
        Err(e) => {
            p.add(
                None,
                paths.root_inventory(),
                ProblemKind::Ocfl,
                e.to_string(),
            );
            return None;
        }
    };
    check_version_inventories(zip, paths, &inventory, n, &root, p);
    Some((inventory, n))
}

fn check_sidecar(zip: &ZipIn, name: &str, inventory: &[u8], v: Option<u32>, p: &mut Problems) {
    match zip.read_tiny(name) {
        Ok(b) => {
            let want = ocfl::sidecar(inventory);
            let got = String::from_utf8_lossy(&b);
            let parse = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
            if parse(&got) != parse(&want) {
                p.add(
                    v,
                    name,
                    ProblemKind::Ocfl,
                    "inventory sidecar digest does not match the inventory",
                );
            }
        }
        Err(e) => p.add(v, name, ProblemKind::Unreadable, e.to_string()),
    }
}

fn check_version_inventories(
    zip: &ZipIn,
    paths: &Paths,
    root_inv: &Inventory,
    n: u32,
    root: &[u8],
    p: &mut Problems,
) {
    for v in 1..=n {
        let name = paths.version_inventory(v);
        let bytes = match zip.read_small(&name) {
            Ok(b) => b,
            Err(e) => {
                p.add(Some(v), name, ProblemKind::Unreadable, e.to_string());
                continue;
            }
        };
        check_sidecar(zip, &paths.version_sidecar(v), &bytes, Some(v), p);
        if v == n {
            if bytes != root {
                p.add(
                    Some(v),
                    name,
                    ProblemKind::Ocfl,
                    "newest version inventory differs from the root inventory",
                );
            }
            continue;
        }
        match Inventory::parse(&bytes) {
            Ok(inv) => {
                let consistent = inv.head == ocfl::version_name(v)
                    && inv.id == root_inv.id
                    && inv.versions.len() == v as usize
                    && inv
                        .versions
                        .iter()
                        .all(|(k, ver)| root_inv.versions.get(k) == Some(ver))
                    && inv
                        .manifest
                        .iter()
                        .all(|(d, ps)| root_inv.manifest.get(d) == Some(ps));
                if !consistent {
                    p.add(
                        Some(v),
                        name,
                        ProblemKind::Ocfl,
                        "version inventory disagrees with the root inventory",
                    );
                }
            }
            Err(e) => p.add(Some(v), name, ProblemKind::Ocfl, e.to_string()),
        }
    }
}

/// A version's logical files, where they live in the zip.
struct VersionFiles {
    original: Option<String>,
    manifest: Option<String>,
    /// Signature file tag -> (raw, minisign, ssh) logical names.
    tags: BTreeSet<String>,
}

/// V13a: each version holds `original.txt`, `manifest.json`, `checkpoint`
/// and sets of three signature files, nothing else (whose signers match
/// its manifest is checked with the manifest). Versions that do not are
/// reported and skipped.
fn version_files(o: &Opened, n: u32, p: &mut Problems) -> BTreeMap<u32, VersionFiles> {
    let mut out = BTreeMap::new();
    for v in 1..=n {
        let vi = &o.inventory.versions[&ocfl::version_name(v)];
        let mut names: Vec<String> = vi.state.values().flatten().cloned().collect();
        names.sort();
        let mut tags = BTreeSet::new();
        let mut odd = Vec::new();
        for name in &names {
            match name.as_str() {
                ORIGINAL | MANIFEST | CHECKPOINT => {}
                other => match signature_tag(other) {
                    Some(t) => {
                        tags.insert(t.to_owned());
                    }
                    None => odd.push(other.to_owned()),
                },
            }
        }
        let complete_sets = tags.iter().all(|t| {
            ["sig", "minisig", "sshsig"]
                .iter()
                .all(|s| names.contains(&format!("{MANIFEST}.{t}.{s}")))
        });
        let base = [ORIGINAL, MANIFEST, CHECKPOINT]
            .iter()
            .all(|b| names.iter().any(|n| n == b));
        if !odd.is_empty() || !complete_sets || !base || tags.is_empty() {
            p.add(
                Some(v),
                format!("v{v}"),
                ProblemKind::VersionFiles,
                format!(
                    "holds {names:?}, expected {ORIGINAL}, {MANIFEST}, {CHECKPOINT} and, per signer, {MANIFEST}.TAG.sig, .minisig and .sshsig"
                ),
            );
            continue;
        }
        out.insert(
            v,
            VersionFiles {
                original: o.file_path(v, ORIGINAL),
                manifest: o.file_path(v, MANIFEST),
                tags,
            },
        );
    }
    out
}

/// The tag of a signature file name (`manifest.json.<16 hex>.<suffix>`).
fn signature_tag(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(MANIFEST)?.strip_prefix('.')?;
    let (tag, suffix) = rest.split_once('.')?;
    let ok = tag.len() == 16
        && tag
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && ["sig", "minisig", "sshsig"].contains(&suffix);
    ok.then_some(tag)
}

struct Streamed {
    /// Zip path -> digests (or why it could not be read).
    digests: BTreeMap<String, Result<FileDigests, ReadError>>,
    /// Version -> its manifest as read.
    reads: BTreeMap<u32, ManifestRead>,
    /// Version -> what checking its text against its manifest found.
    checked: BTreeMap<u32, TextChecked>,
}

/// One job of [`stream_payload`].
enum Job<'a> {
    /// A version's original and manifest, read together.
    Version(u32, &'a String, &'a String),
    /// A version's manifest without an original.
    Manifest(u32, &'a String),
    /// Any other payload file.
    Plain(&'a String),
}

/// What a [`Job`] found.
struct Done<'a> {
    /// Each file read and its digests.
    files: Vec<(&'a String, Result<FileDigests, ReadError>)>,
    /// The version's manifest, if read.
    read: Option<(u32, ManifestRead)>,
    /// What checking the version's text found, if checked.
    checked: Option<(u32, TextChecked)>,
}

/// V10: every payload file streamed once, on all cores, largest first;
/// each version's original together with its manifest, whose head is read
/// first: the text is checked against the manifest's sections as they
/// stream past, and the manifest's digests and raw signatures taken on the
/// way.
fn stream_payload(
    o: &Opened,
    files: &BTreeMap<u32, VersionFiles>,
    trusted: &[TrustedKey],
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Streamed {
    let prefix = format!("{}/", o.paths.bag);
    let payload: Vec<String> = o
        .zip
        .entries
        .iter()
        .filter(|e| !e.is_dir && e.name[prefix.len()..].starts_with("data/"))
        .map(|e| e.name.clone())
        .collect();
    let size = |f: &str| o.zip.get(f).map(|e| e.size).unwrap_or(0);
    let total: u64 = payload.iter().map(|f| size(f)).sum();
    // Each version's own manifest, even where two versions share one.
    let mut jobs: Vec<(u64, Job)> = Vec::new();
    let mut theirs: BTreeSet<&String> = BTreeSet::new();
    for (v, f) in files {
        match (&f.original, &f.manifest) {
            (Some(orig), Some(m)) => {
                jobs.push((size(orig) + size(m), Job::Version(*v, orig, m)));
                theirs.extend([orig, m]);
            }
            (None, Some(m)) => {
                jobs.push((size(m), Job::Manifest(*v, m)));
                theirs.insert(m);
            }
            _ => {}
        }
    }
    for f in payload.iter().filter(|f| !theirs.contains(f)) {
        // An original without a manifest is read as any file.
        jobs.push((size(f), Job::Plain(f)));
    }
    jobs.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    let counter = AtomicU64::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut out = Streamed {
        digests: BTreeMap::new(),
        reads: BTreeMap::new(),
        checked: BTreeMap::new(),
    };
    std::thread::scope(|s| {
        let ticker = s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                progress(counter.load(Ordering::Relaxed), total);
                // Woken at once when the work is done (no sleeping past it).
                std::thread::park_timeout(std::time::Duration::from_millis(100));
            }
        });
        let done: Vec<Done> = jobs
            .par_iter()
            .with_max_len(1)
            .map(|(_, job)| run_job(o, job, files, trusted, &counter))
            .collect();
        for d in done {
            for (f, r) in d.files {
                out.digests.insert(f.clone(), r);
            }
            if let Some((v, r)) = d.read {
                out.reads.insert(v, r);
            }
            if let Some((v, c)) = d.checked {
                out.checked.insert(v, c);
            }
        }
        stop.store(true, Ordering::Relaxed);
        ticker.thread().unpark();
        let _ = ticker.join();
        progress(counter.load(Ordering::Relaxed), total);
    });
    out
}

/// One job of V10.
fn run_job<'a>(
    o: &Opened,
    job: &Job<'a>,
    files: &BTreeMap<u32, VersionFiles>,
    trusted: &[TrustedKey],
    counter: &AtomicU64,
) -> Done<'a> {
    let manifest_alone = |v: u32, m: &'a String| match read_manifest(&o.zip, m, counter) {
        Ok(r) => (vec![(m, Ok(r.digests.clone()))], Some((v, r))),
        Err(e) => (vec![(m, Err(e))], None),
    };
    match *job {
        Job::Plain(f) => Done {
            files: vec![(f, stream_plain(&o.zip, f, counter))],
            read: None,
            checked: None,
        },
        Job::Manifest(v, m) => {
            let (files, read) = manifest_alone(v, m);
            Done {
                files,
                read,
                checked: None,
            }
        }
        Job::Version(v, orig, m) => {
            let head = match o.zip.read_start(m, |r| manifest::read_head(r)) {
                Ok(Ok(h)) => h,
                // The manifest is read whole for its digests and the
                // finding; the original as any file.
                _ => {
                    let (mut files, read) = manifest_alone(v, m);
                    files.push((orig, stream_plain(&o.zip, orig, counter)));
                    return Done {
                        files,
                        read,
                        checked: None,
                    };
                }
            };
            let against = stream::Against {
                manifest: m,
                head: &head,
                raw_signatures: raw_signatures(o, v, &files[&v], trusted),
            };
            let c = check_text(&o.zip, orig, against, counter);
            let mut done = vec![(orig, c.original)];
            let read = match c.manifest {
                Ok(r) => {
                    done.push((m, Ok(r.digests.clone())));
                    Some((v, r))
                }
                Err(e) => {
                    done.push((m, Err(e)));
                    None
                }
            };
            Done {
                files: done,
                read,
                checked: Some((v, c.text)),
            }
        }
    }
}

/// The raw signatures of a version's manifest to check as it streams: for
/// each set of signature files, the trusted keys of that file tag (the
/// manifest, not yet read, says who signed; [`check_signatures`] matches).
fn raw_signatures<'k>(
    o: &Opened,
    v: u32,
    f: &VersionFiles,
    trusted: &'k [TrustedKey],
) -> Vec<(Fingerprint, &'k PublicKey, Vec<u8>)> {
    let mut out = Vec::new();
    for k in trusted {
        let fp = k.key.fingerprint();
        if !f.tags.contains(&fp.file_tag()) || out.iter().any(|(x, _, _)| *x == fp) {
            continue;
        }
        if let Ok(sig) = o.read(v, &layout::signature_names(&fp)[0]) {
            out.push((fp, &k.key, sig));
        }
    }
    out
}

/// Whether a raw `.sig` verifies over a version's manifest, read again.
fn verify_raw_again(o: &Opened, v: u32, key: &PublicKey, sig: &[u8]) -> bool {
    let Ok(path) = o.existing_path(v, MANIFEST) else {
        return false;
    };
    let mut c = sign::StreamCheck::new(key, sig);
    let read = o.zip.stream(&path, |b| {
        c.update(b);
        std::ops::ControlFlow::Continue(())
    });
    read.is_ok() && c.verifies()
}

/// V11–V12: each payload file against the bag manifest and, for OCFL
/// content, against its inventory digest; every payload file is either
/// structural or listed in the inventory.
fn check_fixity(o: &Opened, bag: &Bag, s: &Streamed, n: u32, p: &mut Problems) {
    let prefix = format!("{}/", o.paths.bag);
    for (f, d) in &s.digests {
        match d {
            Err(e) => p.add(None, f.clone(), ProblemKind::Unreadable, e.to_string()),
            Ok(d) => {
                if let Some(want) = bag.payload.get(&f[prefix.len()..]) {
                    if &d.sha256 != want {
                        p.add(
                            None,
                            f.clone(),
                            ProblemKind::Fixity,
                            "content does not match the bag manifest (changed?)",
                        );
                    }
                }
            }
        }
    }
    // V12a: each content file is the content of a logical file of some
    // version, at the path that version's state gives it (O4, O5): the
    // logical files are what the signatures cover, so a file only the
    // unsigned inventory and bag manifest list is refused, not carried.
    let mut named: BTreeSet<(&str, String)> = BTreeSet::new();
    for (vname, ver) in &o.inventory.versions {
        for (digest, names) in &ver.state {
            for name in names {
                named.insert((
                    digest.as_str(),
                    format!("{vname}/{}/{name}", ocfl::CONTENT_DIR),
                ));
            }
        }
    }
    let in_a_state: BTreeSet<&str> = named.iter().map(|(d, _)| *d).collect();
    let mut content_paths: BTreeSet<String> = BTreeSet::new();
    for (digest, cps) in &o.inventory.manifest {
        for cp in cps {
            let zp = o.paths.object(cp);
            content_paths.insert(zp.clone());
            if !in_a_state.contains(digest.as_str()) {
                p.add(
                    None,
                    zp.clone(),
                    ProblemKind::Unsigned,
                    "listed in the OCFL inventory, but no version's signed files include it (added?)",
                );
            } else if cps.len() > 1 || !named.contains(&(digest.as_str(), cp.clone())) {
                p.add(
                    None,
                    zp.clone(),
                    ProblemKind::Unsigned,
                    "not at the path its version's state names (renamed or duplicated?)",
                );
            }
            match s.digests.get(&zp) {
                Some(Ok(d)) if &d.sha512 == digest => {}
                Some(Ok(_)) => p.add(
                    None,
                    zp,
                    ProblemKind::OcflContent,
                    "content does not match its OCFL inventory digest",
                ),
                Some(Err(_)) => {} // unreadable: reported above
                None => p.add(
                    None,
                    zp,
                    ProblemKind::OcflContent,
                    "in the OCFL inventory but missing",
                ),
            }
        }
    }
    for e in o.zip.entries.iter().filter(|e| !e.is_dir) {
        let Some(rel) = e.name[prefix.len()..].strip_prefix("data/") else {
            continue;
        };
        let structural = rel == ocfl::NAMASTE_NAME
            || rel == ocfl::INVENTORY_NAME
            || rel == ocfl::SIDECAR_NAME
            || (1..=n).any(|v| {
                rel == format!("{}/{}", ocfl::version_name(v), ocfl::INVENTORY_NAME)
                    || rel == format!("{}/{}", ocfl::version_name(v), ocfl::SIDECAR_NAME)
            });
        if !structural && !content_paths.contains(&e.name) {
            p.add(
                None,
                e.name.clone(),
                ProblemKind::OcflContent,
                "a file the OCFL inventory does not list",
            );
        }
    }
}

/// What the previous version checked left for the next (V13c, V13i, V14).
#[derive(Default)]
struct Chain {
    manifest_sha256: Option<String>,
    checkpoint_sha256: Option<String>,
    signers: Option<Vec<Fingerprint>>,
    created: Option<String>,
}

/// V13b–V16 for one version: its manifest's fields and chain, its signers
/// and signatures, its checkpoint, its texts, sections, tree and index.
fn check_version(
    o: &Opened,
    v: u32,
    f: &VersionFiles,
    s: &mut Streamed,
    trust: &Trust,
    chain: &mut Chain,
    p: &mut Problems,
) -> Option<(VersionReport, VersionHeader)> {
    let trusted = &trust.keys[..];
    let Some(read) = s.reads.remove(&v) else {
        // Unreadable: reported with the payload files.
        if f.manifest.is_none() {
            p.add(Some(v), MANIFEST, ProblemKind::Unreadable, "missing");
        }
        return None;
    };
    let msha = read.digests.sha256.clone();
    let m = match read.header {
        Ok(m) => m,
        Err(e) => {
            p.add(Some(v), MANIFEST, ProblemKind::Manifest, e.to_string());
            chain.manifest_sha256 = Some(msha);
            return None;
        }
    };
    check_manifest_fields(o, &m, v, chain, p);
    let tags: BTreeSet<String> = m.signers.iter().map(|s| s.file_tag()).collect();
    if tags != f.tags || m.signers.is_empty() {
        p.add(
            Some(v),
            MANIFEST,
            ProblemKind::VersionFiles,
            "the signature files are not those of the manifest's signers",
        );
    }
    let c = s.checked.remove(&v);
    if let Some(c) = &c {
        match &c.unreadable {
            Some(e) => p.add(Some(v), MANIFEST, ProblemKind::Manifest, e.clone()),
            None if !c.canonical_form => p.add(
                Some(v),
                MANIFEST,
                ProblemKind::Manifest,
                "manifest is not in canonical JSON form",
            ),
            None => {}
        }
    }
    let before = p.0.len();
    let signers = check_signatures(o, v, &m, &read.hashes, &msha, c.as_ref(), trusted, p);
    let (checkpoint, checkpoint_sha256) = check_checkpoint(o, v, &m, &msha, &signers, chain, p)?;
    let sealed_ok = !p.0[before..].iter().any(|x| {
        matches!(
            x.kind,
            ProblemKind::Signature
                | ProblemKind::CheckpointSignature
                | ProblemKind::Untrusted
                | ProblemKind::Unreadable
        )
    });
    let judged = judge_signers(o, v, &m, &msha, &checkpoint, sealed_ok, trust, chain, p);
    let timestamps = check_timestamps(o, v, trust, p);
    check_texts(o, v, &m, &s.digests, c.as_ref(), p);
    if let Some(c) = &c {
        check_tree(v, &m, c, p);
    }
    if chain.created.as_ref().is_some_and(|c| &m.created < c) {
        p.add(
            Some(v),
            MANIFEST,
            ProblemKind::Time,
            "created earlier than the version before it",
        );
    }
    chain.manifest_sha256 = Some(msha.clone());
    chain.checkpoint_sha256 = Some(checkpoint_sha256.clone());
    chain.signers = Some(m.signers.clone());
    chain.created = Some(m.created.clone());
    let report = VersionReport {
        version: v,
        created: m.created.clone(),
        message: m.message.clone(),
        signers: judged.signers,
        cosigners: judged.cosigners,
        distinct_signers: judged.distinct,
        threshold: trust.threshold(),
        key_change: judged.key_change,
        timestamps,
        manifest_sha256: msha.clone(),
        checkpoint_sha256: checkpoint_sha256.clone(),
        canonical_sha256: m.canonical.sha256.clone(),
        root: B64.encode(m.tree.root.0),
        sections: m.sections.0,
    };
    Some((
        report,
        VersionHeader {
            manifest: m,
            manifest_sha256: msha,
            checkpoint,
            checkpoint_sha256,
        },
    ))
}

/// V22: the version's timestamps (T4–T8), over its checkpoint file.
fn check_timestamps(o: &Opened, v: u32, trust: &Trust, p: &mut Problems) -> Vec<TimestampReport> {
    let checkpoint = match o.read(v, CHECKPOINT) {
        Ok(b) => b,
        // Unreadable: reported with the checkpoint.
        Err(_) => return vec![],
    };
    let (reports, found) = timestamps::check(&o.zip, &o.paths, v, &checkpoint, &trust.tsa_certs);
    for (place, problem) in found {
        p.add(Some(v), place, ProblemKind::Timestamp, problem);
    }
    reports
}

/// V19–V21: the version's co-signatures (X5), its distinct trusted keys
/// against the threshold (N3), and a change of sealer authorised (K12).
#[allow(clippy::too_many_arguments)]
fn judge_signers(
    o: &Opened,
    v: u32,
    m: &Header,
    msha: &str,
    checkpoint: &Checkpoint,
    sealed_ok: bool,
    trust: &Trust,
    chain: &Chain,
    p: &mut Problems,
) -> signers::Judged {
    let manifest_path = o.file_path(v, MANIFEST).unwrap_or_default();
    let (cos, found) = signers::cosignatures(
        &o.zip,
        &o.paths,
        v,
        &checkpoint.text(),
        &manifest_path,
        msha,
    );
    for (place, problem) in found {
        p.add(Some(v), place, ProblemKind::Cosignature, problem);
    }
    let now = crate::archive::manifest::now_rfc3339();
    let judged = signers::judge(
        trust,
        &o.paths.bag,
        v,
        &m.created,
        &now,
        &m.signers,
        sealed_ok,
        &cos,
        chain.signers.as_ref().and_then(|s| s.first()),
    );
    for (kind, problem) in &judged.problems {
        p.add(Some(v), "signers", *kind, problem.clone());
    }
    judged
}

/// V13c: the manifest names this archive and version, chains to the
/// previous manifest, records key changes exactly when the signers change
/// (K10), has a created time in the one form (M5), and agrees with the
/// inventory's metadata for the version.
fn check_manifest_fields(o: &Opened, m: &Header, v: u32, chain: &Chain, p: &mut Problems) {
    let field =
        |p: &mut Problems, msg: String| p.add(Some(v), MANIFEST, ProblemKind::ManifestField, msg);
    if m.archive_id != o.paths.bag {
        field(
            p,
            format!("archive id {:?} is not {:?}", m.archive_id, o.paths.bag),
        );
    }
    if m.version != v {
        field(p, format!("says it is version {}", m.version));
    }
    if m.previous_manifest_sha256 != chain.manifest_sha256 {
        p.add(
            Some(v),
            MANIFEST,
            ProblemKind::HashChain,
            "hash chain broken: previous manifest hash does not match the previous version",
        );
    }
    let kc = |p: &mut Problems, msg: &str| p.add(Some(v), MANIFEST, ProblemKind::KeyChange, msg);
    match (&chain.signers, &m.key_change) {
        (Some(prev), None) if *prev != m.signers => {
            kc(p, "signer changed without a recorded key change")
        }
        (Some(prev), Some(k)) if k.previous_signers != *prev || *prev == m.signers => kc(
            p,
            "recorded key change does not match the previous version's signer",
        ),
        (None, Some(_)) if v == 1 => kc(p, "version 1 records a key change"),
        _ => {}
    }
    if crate::archive::manifest::normalize_time(&m.created).as_deref() != Some(m.created.as_str()) {
        field(p, "created time is not RFC 3339".into());
    }
    let vi = &o.inventory.versions[&ocfl::version_name(v)];
    if vi.created != m.created || vi.message.as_deref() != Some(m.message.as_str()) {
        p.add(
            Some(v),
            "inventory.json",
            ProblemKind::ManifestField,
            "version metadata differs from the signed manifest",
        );
    }
}

/// V13d–V13e: each signer must be a trusted key (by fingerprint, K8), and
/// its three signature files must verify over the manifest bytes (G3–G5).
/// Returns the trusted signers.
#[allow(clippy::too_many_arguments)]
fn check_signatures<'k>(
    o: &Opened,
    v: u32,
    m: &Header,
    hashes: &sign::FileHashes,
    msha: &str,
    c: Option<&TextChecked>,
    trusted: &'k [TrustedKey],
    p: &mut Problems,
) -> Vec<&'k TrustedKey> {
    let mut signers = Vec::new();
    for fp in &m.signers {
        let Some(k) = crate::crypto::keys::find(trusted, fp) else {
            p.add(
                Some(v),
                MANIFEST,
                ProblemKind::Untrusted,
                format!("signed by key {fp}, which is not among the trusted keys"),
            );
            continue;
        };
        let [raw, mini, ssh] = layout::signature_names(fp);
        let sig = |p: &mut Problems, name: &str, msg: String| {
            p.add(Some(v), name, ProblemKind::Signature, msg)
        };
        match o.read(v, &raw) {
            Err(e) => p.add(
                Some(v),
                raw.as_str(),
                ProblemKind::Unreadable,
                e.to_string(),
            ),
            Ok(bytes) => {
                // Checked as the manifest streamed; checked now when it was
                // not (a signer whose files the streaming did not expect).
                let ok = match c.and_then(|c| c.raw_signatures.iter().find(|(x, _)| x == fp)) {
                    Some((_, ok)) => *ok,
                    None => verify_raw_again(o, v, &k.key, &bytes),
                };
                if !ok {
                    sig(p, &raw, "manifest signature does not verify".into());
                }
            }
        }
        match o
            .read(v, &mini)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
        {
            Ok(s) => {
                let want = format!("manifest-sha256:{msha}");
                match sign::verify_minisign_hashed(&k.key, hashes, &s) {
                    Ok(tc) if !tc.split(' ').any(|f| f == want) => sig(
                        p,
                        &mini,
                        "trusted comment does not name this manifest".into(),
                    ),
                    Ok(_) => {}
                    Err(e) => sig(p, &mini, e.to_string()),
                }
            }
            Err(e) => p.add(
                Some(v),
                mini.as_str(),
                ProblemKind::Unreadable,
                e.to_string(),
            ),
        }
        match o
            .read(v, &ssh)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
        {
            Ok(s) => {
                if let Err(e) = sign::verify_ssh_hashed(&k.key, &hashes.sha512, &s) {
                    sig(p, &ssh, e.to_string());
                }
            }
            Err(e) => p.add(
                Some(v),
                ssh.as_str(),
                ProblemKind::Unreadable,
                e.to_string(),
            ),
        }
        signers.push(k);
    }
    signers
}

/// V14: the checkpoint reads (P2), says what the version says (archive,
/// version, tree size and root, the texts' and manifest's hashes, the
/// previous checkpoint's hash, the signers), and is signed by every trusted
/// signer of the version (P3, P4). Returns it and its file's SHA-256; `None`
/// when it cannot be read (the version is then not checked further).
fn check_checkpoint(
    o: &Opened,
    v: u32,
    m: &Header,
    msha: &str,
    signers: &[&TrustedKey],
    chain: &Chain,
    p: &mut Problems,
) -> Option<(Checkpoint, String)> {
    let bad =
        |p: &mut Problems, msg: String| p.add(Some(v), CHECKPOINT, ProblemKind::Checkpoint, msg);
    let bytes = match o.read(v, CHECKPOINT) {
        Ok(b) => b,
        Err(e) => {
            p.add(Some(v), CHECKPOINT, ProblemKind::Unreadable, e.to_string());
            return None;
        }
    };
    let sha = sha256(&bytes);
    let signed = match SignedCheckpoint::parse(&bytes) {
        Ok(s) => s,
        Err(e) => {
            bad(p, e.to_string());
            return None;
        }
    };
    let cp = &signed.checkpoint;
    let mut differs = Vec::new();
    if cp.archive_id != m.archive_id || cp.version != m.version {
        differs.push("origin");
    }
    if cp.size != m.tree.size {
        differs.push("tree size");
    }
    if cp.root != m.tree.root.0 {
        differs.push("tree root");
    }
    if cp.original_sha256 != m.original.sha256 {
        differs.push("original-sha256");
    }
    if cp.canonical_sha256 != m.canonical.sha256 {
        differs.push("canonical-sha256");
    }
    if cp.manifest_sha256 != msha {
        differs.push("manifest-sha256");
    }
    if cp.signers != m.signers {
        differs.push("signers");
    }
    if !differs.is_empty() {
        bad(
            p,
            format!(
                "does not say what its version says ({})",
                differs.join(", ")
            ),
        );
    }
    if cp.previous_checkpoint_sha256 != chain.checkpoint_sha256 {
        bad(
            p,
            "hash chain broken: previous checkpoint hash does not match the previous version"
                .into(),
        );
    }
    for k in signers {
        match signed.signed_by(k) {
            SignatureState::Valid => {}
            SignatureState::Invalid => p.add(
                Some(v),
                CHECKPOINT,
                ProblemKind::CheckpointSignature,
                format!("the signature of {} does not verify", k.fingerprint()),
            ),
            SignatureState::Absent => p.add(
                Some(v),
                CHECKPOINT,
                ProblemKind::CheckpointSignature,
                format!("has no signature of {}", k.fingerprint()),
            ),
        }
    }
    Some((signed.checkpoint, sha))
}

/// V13f–V13g: the original against its manifest entry, the canonical text
/// re-derived from it against the signed hash, and its sections against
/// the manifest's, entry by entry.
fn check_texts(
    o: &Opened,
    v: u32,
    m: &Header,
    digests: &BTreeMap<String, Result<FileDigests, ReadError>>,
    c: Option<&TextChecked>,
    p: &mut Problems,
) {
    let original = o
        .file_path(v, ORIGINAL)
        .and_then(|f| digests.get(&f))
        .and_then(|d| d.as_ref().ok());
    if let Some(d) = original {
        if d.sha256 != m.original.sha256 || d.len != m.original.bytes {
            p.add(
                Some(v),
                ORIGINAL,
                ProblemKind::Text,
                "does not match the signed manifest",
            );
        }
    }
    let Some(c) = c else { return };
    match &c.canon {
        Some(Ok((sha, len))) => {
            if *sha != m.canonical.sha256 || *len != m.canonical.bytes {
                p.add(
                    Some(v),
                    "canonical text",
                    ProblemKind::Canonical,
                    "canonical text re-derived from the original differs from the signed one",
                );
            }
            if c.unreadable.is_none() {
                if c.text_sections != c.claims {
                    p.add(
                        Some(v),
                        "sections",
                        ProblemKind::Sections,
                        format!(
                            "the text has {} sections, the manifest lists {}",
                            c.text_sections, c.claims
                        ),
                    );
                }
                report_mismatches(&c.mismatches, v, p);
            }
        }
        Some(Err(e)) => p.add(
            Some(v),
            ORIGINAL,
            ProblemKind::Text,
            format!("cannot be read as text: {e}"),
        ),
        None => {}
    }
}

/// V15–V16: the tree over the manifest's sections is the one the manifest
/// (and so the checkpoint) states, with the tiles its index lists; the
/// index describes the text (M6).
fn check_tree(v: u32, m: &Header, c: &TextChecked, p: &mut Problems) {
    if c.unreadable.is_some() {
        return;
    }
    if c.claims != m.tree.size || c.claims != m.sections.0 {
        p.add(
            Some(v),
            "tree",
            ProblemKind::Tree,
            format!(
                "says {} leaves; the manifest lists {} sections",
                m.tree.size, c.claims
            ),
        );
    }
    if c.root != m.tree.root.0 {
        p.add(
            Some(v),
            "tree",
            ProblemKind::Tree,
            "the root over the manifest's sections is not the signed root",
        );
    }
    let tiles: Vec<_> = m.index.tiles.iter().map(|t| t.0).collect();
    if tiles != c.tiles {
        p.add(
            Some(v),
            "index",
            ProblemKind::Index,
            "the tile roots are not those of the sections' tree",
        );
    }
    for problem in &c.index {
        p.add(Some(v), "index", ProblemKind::Index, problem.clone());
    }
}

fn report_mismatches(m: &Mismatches, v: u32, p: &mut Problems) {
    for x in &m.first {
        match x {
            Mismatch::Shape { claimed, derived } => p.add(
                Some(v),
                format!("section {claimed}"),
                ProblemKind::Sections,
                format!("manifest entry does not match the text's section {derived}"),
            ),
            Mismatch::Hash { id } => p.add(
                Some(v),
                format!("section {id}"),
                ProblemKind::Sections,
                "section text does not match its hash",
            ),
        }
    }
    if m.count > m.first.len() as u64 {
        p.add(
            Some(v),
            "sections",
            ProblemKind::Sections,
            format!(
                "{} more sections do not match the text",
                m.count - m.first.len() as u64
            ),
        );
    }
}

/// The default trust: `./keys` when it exists.
pub fn default_trust() -> Vec<PathBuf> {
    let p = PathBuf::from("keys");
    if p.is_dir() {
        vec![p]
    } else {
        vec![]
    }
}

#[cfg(test)]
mod tests {
    //! Each phase on its own, on archives sealed here and changed entry by
    //! entry.
    use super::*;
    use crate::archive::container::{prepare, ZipOut};
    use crate::archive::manifest::ManifestError;
    use crate::crypto::keys::SecretKey;

    type Entries = Vec<(String, Vec<u8>)>;

    /// A two-version archive sealed by a fixed key (seed 9), its entries,
    /// the key. The archive is committed (seal's tests check it is what
    /// sealing makes today), so verify's tests do not depend on seal.
    fn sealed() -> (tempfile::TempDir, Entries, SecretKey) {
        const TWO_VERSIONS: &[u8] = include_bytes!("testdata/two-versions.zip");
        let dir = tempfile::tempdir().unwrap();
        let sk = SecretKey::from_seed(&[9; 32]);
        let a = dir.path().join("arch.zip");
        std::fs::write(&a, TWO_VERSIONS).unwrap();
        let z = ZipIn::open(&a).unwrap();
        let entries = z
            .entries
            .iter()
            .map(|e| (e.name.clone(), z.read_whole(&e.name, 1 << 20, "x").unwrap()))
            .collect();
        (dir, entries, sk)
    }

    fn write(dir: &Path, name: &str, entries: &Entries) -> ZipIn {
        let p = dir.join(name);
        let mut out = ZipOut::new(std::fs::File::create(&p).unwrap());
        for (n, b) in entries {
            out.add(n, &prepare(b, None)).unwrap();
        }
        out.finish().unwrap();
        ZipIn::open(&p).unwrap()
    }

    fn trusted(sk: &SecretKey) -> Vec<TrustedKey> {
        vec![TrustedKey {
            key: sk.public.clone(),
            source: "k.pub".into(),
        }]
    }

    fn kinds(p: &Problems) -> Vec<ProblemKind> {
        p.0.iter().map(|x| x.kind).collect()
    }

    fn set(entries: &mut Entries, suffix: &str, f: impl FnOnce(&mut Vec<u8>)) {
        let e = entries
            .iter_mut()
            .find(|(n, _)| n.ends_with(suffix))
            .unwrap();
        f(&mut e.1);
    }

    #[test]
    fn open_zip_wants_one_bag_with_a_valid_id() {
        let (dir, entries, _) = sealed();
        let mut p = Problems::default();
        let z = write(dir.path(), "ok.zip", &entries);
        drop(z);
        assert!(open_zip(&dir.path().join("ok.zip"), &mut p)
            .unwrap()
            .is_some());
        assert!(p.0.is_empty());
        let mut two = entries.clone();
        two.push(("other/x".into(), b"x".to_vec()));
        write(dir.path(), "two.zip", &two);
        assert!(open_zip(&dir.path().join("two.zip"), &mut p)
            .unwrap()
            .is_none());
        let renamed: Entries = entries
            .iter()
            .map(|(n, b)| (n.replacen("arch/", "Not An Id/", 1), b.clone()))
            .collect();
        write(dir.path(), "id.zip", &renamed);
        assert!(open_zip(&dir.path().join("id.zip"), &mut p)
            .unwrap()
            .is_none());
        std::fs::write(dir.path().join("junk.zip"), b"not a zip at all").unwrap();
        assert!(open_zip(&dir.path().join("junk.zip"), &mut p)
            .unwrap()
            .is_none());
        assert_eq!(
            kinds(&p),
            [ProblemKind::Layout, ProblemKind::Layout, ProblemKind::Zip]
        );
        assert!(matches!(
            open_zip(&dir.path().join("missing.zip"), &mut p),
            Err(VerifyError(ReadError::Io(..)))
        ));
    }

    #[test]
    fn check_bag_reports_each_layer_under_its_rule() {
        let (dir, entries, _) = sealed();
        let paths = Paths { bag: "arch".into() };
        type Change = Box<dyn Fn(&mut Entries)>;
        let cases: Vec<(Change, ProblemKind)> = vec![
            (
                Box::new(|e| set(e, "/bagit.txt", |b| b.push(b'x'))),
                ProblemKind::BagDeclaration,
            ),
            (
                Box::new(|e| e.push(("arch/data/extra.txt".into(), b"x".to_vec()))),
                ProblemKind::Coverage,
            ),
            (
                Box::new(|e| {
                    set(e, "/bag-info.txt", |b| {
                        *b = b"Vellum-Archive-Format: vellum-archive-v1\n".to_vec()
                    })
                }),
                ProblemKind::BagInfo,
            ),
            (
                Box::new(|e| set(e, "/tagmanifest-sha256.txt", |b| b[0] ^= 1)),
                ProblemKind::BagManifest,
            ),
        ];
        let z = write(dir.path(), "ok.zip", &entries);
        let mut p = Problems::default();
        let bag = check_bag(&z, &paths, &mut p);
        assert!(p.0.is_empty(), "{:?}", p.0);
        assert!(bag.payload.keys().any(|k| k.ends_with("original.txt")));
        for (i, (change, kind)) in cases.into_iter().enumerate() {
            let mut e = entries.clone();
            change(&mut e);
            let z = write(dir.path(), &format!("c{i}.zip"), &e);
            let mut p = Problems::default();
            check_bag(&z, &paths, &mut p);
            assert!(kinds(&p).contains(&kind), "{kind:?}: {:?}", p.0);
        }
    }

    #[test]
    fn check_ocfl_stops_at_an_inventory_it_cannot_read() {
        let (dir, entries, _) = sealed();
        let paths = Paths { bag: "arch".into() };
        let z = write(dir.path(), "ok.zip", &entries);
        let mut p = Problems::default();
        let (inv, n) = check_ocfl(&z, &paths, &mut p).unwrap();
        assert_eq!((n, p.0.len()), (2, 0));
        assert_eq!(inv.head, "v2");
        let mut e = entries.clone();
        set(&mut e, "data/inventory.json", |b| b.truncate(10));
        let z = write(dir.path(), "bad.zip", &e);
        let mut p = Problems::default();
        assert!(check_ocfl(&z, &paths, &mut p).is_none());
        assert!(
            kinds(&p).iter().all(|k| *k == ProblemKind::Ocfl),
            "{:?}",
            p.0
        );
        let mut e = entries.clone();
        set(&mut e, "data/v1/inventory.json.sha512", |b| b[0] ^= 1);
        let z = write(dir.path(), "sidecar.zip", &e);
        let mut p = Problems::default();
        assert!(check_ocfl(&z, &paths, &mut p).is_some());
        assert_eq!(p.0[0].version, Some(1));
        assert!(p.0[0].problem.contains("sidecar"));
    }

    #[test]
    fn version_files_are_the_logical_files_of_o4() {
        assert_eq!(
            signature_tag("manifest.json.0123456789abcdef.minisig"),
            Some("0123456789abcdef")
        );
        for bad in [
            "manifest.json.0123456789ABCDEF.sig",
            "manifest.json.0123.sig",
            "manifest.json.0123456789abcdef.pgp",
            "manifest.json.sig",
            "other.0123456789abcdef.sig",
        ] {
            assert_eq!(signature_tag(bad), None, "{bad}");
        }
        let (dir, entries, sk) = sealed();
        let (_o, files) = opened(dir.path(), "ok.zip", &entries);
        assert_eq!(files.len(), 2);
        assert_eq!(
            files[&1].tags.iter().next().unwrap(),
            &sk.public.fingerprint().file_tag()
        );
    }

    /// Opened archive and its version files, from entries.
    fn opened(dir: &Path, name: &str, entries: &Entries) -> (Opened, BTreeMap<u32, VersionFiles>) {
        let z = write(dir, name, entries);
        let paths = Paths { bag: "arch".into() };
        let mut p = Problems::default();
        let (inventory, n) = check_ocfl(&z, &paths, &mut p).unwrap();
        let o = Opened {
            zip: z,
            paths,
            inventory,
            versions: vec![],
        };
        let files = version_files(&o, n, &mut p);
        assert!(p.0.is_empty(), "{:?}", p.0);
        (o, files)
    }

    #[test]
    fn stream_payload_reads_each_manifest_once_with_its_original() {
        let (dir, entries, sk) = sealed();
        let (o, files) = opened(dir.path(), "ok.zip", &entries);
        let s = stream_payload(&o, &files, &trusted(&sk), &|_, _| {});
        // Every payload file has its digests; each version its manifest's
        // header and the check of its text, raw signature included.
        let payload = entries.iter().filter(|(n, _)| n.contains("/data/")).count();
        assert_eq!(s.digests.len(), payload);
        assert!(s.digests.values().all(|d| d.is_ok()));
        for n in [1u32, 2] {
            let name = format!("v{n}/content/manifest.json");
            let stored = &entries.iter().find(|(e, _)| e.ends_with(&name)).unwrap().1;
            let r = &s.reads[&n];
            assert_eq!(r.digests.sha256, sha256(stored));
            assert_eq!(r.header.as_ref().unwrap().version, n);
            let c = &s.checked[&n];
            assert!(c.canonical_form && c.unreadable.is_none());
            assert_eq!(c.raw_signatures, vec![(sk.public.fingerprint(), true)]);
        }
        // Without the key the raw signature is not checked as it streams;
        // check_signatures then has nothing to look up.
        let s = stream_payload(&o, &files, &[], &|_, _| {});
        assert!(s.checked[&1].raw_signatures.is_empty());

        // A manifest whose head does not read is read on its own: its
        // finding and digests, and its original's digests, are kept.
        let mut e = entries.clone();
        set(&mut e, "v2/content/manifest.json", |b| {
            let t = String::from_utf8(b.clone()).unwrap();
            *b = t
                .replacen("\"format\":\"vellum-manifest\"", "\"format\":\"x\"", 1)
                .into_bytes();
        });
        let (o, files) = opened(dir.path(), "head.zip", &e);
        let s = stream_payload(&o, &files, &trusted(&sk), &|_, _| {});
        assert!(s.digests.values().all(|d| d.is_ok()));
        assert!(matches!(&s.reads[&2].header, Err(ManifestError::UnknownFormat(f)) if f == "x"));
        assert!(!s.checked.contains_key(&2) && s.checked.contains_key(&1));
        let ps = verify(&dir.path().join("head.zip"), &trusted(&sk), &|_, _| {})
            .unwrap()
            .report
            .problems;
        assert!(ps
            .iter()
            .any(|p| p.kind == ProblemKind::Manifest && p.version == Some(2)));

        // A raw signature that does not verify is found as the manifest
        // streams past.
        let mut e = entries.clone();
        set(
            &mut e,
            &format!(
                "v1/content/manifest.json.{}.sig",
                sk.public.fingerprint().file_tag()
            ),
            |b| b[0] ^= 1,
        );
        let (o, files) = opened(dir.path(), "sig.zip", &e);
        let s = stream_payload(&o, &files, &trusted(&sk), &|_, _| {});
        assert_eq!(
            s.checked[&1].raw_signatures,
            vec![(sk.public.fingerprint(), false)]
        );
    }

    /// What the later phases say of a version changed and signed again
    /// with the key: V13c, V14, V15.
    #[test]
    fn versions_are_checked_against_their_checkpoints_and_chain() {
        let (dir, entries, sk) = sealed();
        let fp = sk.public.fingerprint();
        let tag = fp.file_tag();
        // Re-sign v2's manifest, edited, and its checkpoint.
        let resign = |edit: &dyn Fn(&mut serde_json::Value), cp_edit: &dyn Fn(&mut Checkpoint)| {
            let mut e = entries.clone();
            let mut m: serde_json::Value = serde_json::from_slice(
                &e.iter()
                    .find(|(n, _)| n.ends_with("v2/content/manifest.json"))
                    .unwrap()
                    .1,
            )
            .unwrap();
            edit(&mut m);
            let mb = serde_json::to_vec(&m).unwrap();
            let mut cp = SignedCheckpoint::parse(
                &e.iter()
                    .find(|(n, _)| n.ends_with("v2/content/checkpoint"))
                    .unwrap()
                    .1,
            )
            .unwrap()
            .checkpoint;
            cp.manifest_sha256 = sha256(&mb);
            cp_edit(&mut cp);
            let comment = format!("manifest-sha256:{}", sha256(&mb));
            set(
                &mut e,
                &format!("v2/content/manifest.json.{tag}.sig"),
                |b| *b = sign::raw_signature(&sk, &mb),
            );
            set(
                &mut e,
                &format!("v2/content/manifest.json.{tag}.minisig"),
                |b| *b = sign::minisign_signature(&sk, &mb, &comment).into_bytes(),
            );
            set(
                &mut e,
                &format!("v2/content/manifest.json.{tag}.sshsig"),
                |b| *b = sign::ssh_signature(&sk, &mb).into_bytes(),
            );
            set(&mut e, "v2/content/checkpoint", |b| {
                *b = cp.sign(&[&sk]).into_bytes()
            });
            set(&mut e, "v2/content/manifest.json", |b| *b = mb.clone());
            e
        };
        let run = |e: &Entries, name: &str| {
            let z = write(dir.path(), name, e);
            drop(z);
            let v = verify(&dir.path().join(name), &trusted(&sk), &|_, _| {}).unwrap();
            v.report.problems
        };
        assert!(run(&entries, "ok.zip").is_empty());
        let only = |ps: &[Problem], kinds: &[ProblemKind]| {
            // Fixity is not recomputed here: keep what signed facts say.
            let mine: Vec<ProblemKind> = ps
                .iter()
                .map(|p| p.kind)
                .filter(|k| {
                    !matches!(
                        k,
                        ProblemKind::Fixity | ProblemKind::OcflContent | ProblemKind::BagManifest
                    )
                })
                .collect();
            for k in kinds {
                assert!(mine.contains(k), "{k:?} not in {ps:?}");
            }
        };
        let ps = run(
            &resign(
                &|m| m["previous_manifest_sha256"] = "00".repeat(32).into(),
                &|_| {},
            ),
            "chain.zip",
        );
        only(&ps, &[ProblemKind::HashChain]);
        let ps = run(
            &resign(&|m| m["archive_id"] = "other".into(), &|_| {}),
            "id.zip",
        );
        only(&ps, &[ProblemKind::ManifestField, ProblemKind::Checkpoint]);
        let ps = run(
            &resign(
                &|m| m["key_change"] = serde_json::json!({"previous_signers": [fp.to_string()]}),
                &|_| {},
            ),
            "kc.zip",
        );
        only(&ps, &[ProblemKind::KeyChange]);
        let ps = run(
            &resign(&|_| {}, &|cp| {
                cp.previous_checkpoint_sha256 = Some("0".repeat(64))
            }),
            "cp-chain.zip",
        );
        only(&ps, &[ProblemKind::Checkpoint]);
        assert!(ps.iter().any(|p| p.problem.contains("previous checkpoint")));
        let ps = run(
            &resign(&|m| m["tree"]["size"] = 3.into(), &|cp| cp.size = 3),
            "size.zip",
        );
        only(&ps, &[ProblemKind::Tree]);
        // The checkpoint signed by another key: the signer's line is absent.
        let mut e = entries.clone();
        let other = SecretKey::from_seed(&[10; 32]);
        set(&mut e, "v2/content/checkpoint", |b| {
            let cp = SignedCheckpoint::parse(b).unwrap().checkpoint;
            *b = cp.sign(&[&other]).into_bytes();
        });
        let ps = run(&e, "unsigned.zip");
        only(&ps, &[ProblemKind::CheckpointSignature]);
        assert!(ps
            .iter()
            .any(|p| p.rule_is("V14") && p.problem.starts_with("has no signature of")));
    }

    impl Problem {
        fn rule_is(&self, r: &str) -> bool {
            self.kind.rule() == r
        }
    }
}
