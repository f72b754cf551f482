//! Verification of an archive: every byte, every signature, every version.
//!
//! A failed verification is a [`Report`] listing every problem found, with
//! the version, file or section it concerns; `Err` is only for trouble that
//! kept us from looking (the file cannot be opened).
//!
//! Nothing is extracted to disk and no payload file is held in memory whole,
//! so memory does not grow with the archive: payload files stream through
//! the hashes and the canonicalizer in chunks, on all cores. A version
//! manifest (about 300 bytes a section, 70 MB for a 100 MB text) is read
//! twice as a stream: once for its header and digests, once for its
//! sections, each matched with the next block of the text re-derived from
//! the original on another thread, its signature checked in batches, and
//! the manifest's own raw signature checked as its bytes pass.

mod load;
mod stream;

pub use load::{load_archive, load_version, Against, LoadError, LoadedArchive, LoadedVersion};

use crate::archive::bag;
use crate::archive::container::{ReadError, ZipIn};
use crate::archive::layout::{self, Paths, CANONICAL, MANIFEST, ORIGINAL};
use crate::archive::manifest::{Header, Manifest};
use crate::archive::ocfl::{self, Inventory};
use crate::crypto::keys::PublicKey;
use crate::crypto::sign;
use crate::digest::{sha256, FileDigests};
use crate::limits::MAX_TEXT;
use crate::text::sections::{Mismatch, Mismatches};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use stream::{check_sections, read_manifest, stream_plain, ManifestRead, SectionsChecked};

/// One thing wrong with an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The version concerned, if any.
    pub version: Option<u32>,
    /// The file, section or part concerned.
    pub place: String,
    /// What is wrong.
    pub problem: String,
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
    /// Signer's key id.
    pub signer_key_id: String,
    /// Whether the signer is among the trusted keys.
    pub signer_trusted: bool,
    /// The version was signed by a different key than the one before, on
    /// purpose.
    pub key_change: bool,
    /// SHA-256 of the version manifest file.
    pub manifest_sha256: String,
    /// SHA-256 of the canonical text.
    pub canonical_sha256: String,
    /// Number of sections.
    pub sections: usize,
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

impl Report {
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

/// A verified version's manifest, without its sections.
pub struct VersionHeader {
    /// Its fields.
    pub manifest: Header,
    /// SHA-256 of the manifest file.
    pub manifest_sha256: String,
}

impl Opened {
    /// Zip path of a version's logical file.
    pub fn file_path(&self, version: u32, logical: &str) -> Option<String> {
        self.inventory
            .content_path(version, logical)
            .map(|p| self.paths.object(p))
    }

    fn existing_path(&self, version: u32, logical: &str) -> Result<String, String> {
        self.file_path(version, logical)
            .ok_or_else(|| format!("v{version}: no {logical}"))
    }

    /// Read a version's small logical file (a signature) whole.
    pub fn read(&self, version: u32, logical: &str) -> Result<Vec<u8>, String> {
        let p = self.existing_path(version, logical)?;
        self.zip.read_tiny(&p).map_err(|e| e.to_string())
    }

    /// Read a version's text (its original or canonical form) whole, up to
    /// [`MAX_TEXT`] bytes.
    pub fn read_text(&self, version: u32, logical: &str) -> Result<Vec<u8>, String> {
        let p = self.existing_path(version, logical)?;
        self.zip
            .read_whole(&p, MAX_TEXT, "a text vellum compares whole")
            .map_err(|e| e.to_string())
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
pub struct VerifyError(pub String);

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, version: Option<u32>, place: impl Into<String>, problem: impl Into<String>) {
        self.0.push(Problem {
            version,
            place: place.into(),
            problem: problem.into(),
        });
    }
}

/// Among trusted keys with the signer's id (normally one), the one whose
/// minisign or SSH signature of the manifest checks: ids are labels, the
/// key decides.
fn choose_key<'k>(
    o: &Opened,
    v: u32,
    h: &Header,
    hashes: &sign::FileHashes,
    trusted: &'k [PublicKey],
) -> Option<&'k PublicKey> {
    let candidates: Vec<&PublicKey> = trusted
        .iter()
        .filter(|k| k.id.to_string() == h.signer_key_id)
        .collect();
    if candidates.len() < 2 {
        return candidates.first().copied();
    }
    let [_, mini, ssh] = layout::signature_names();
    let text = |name: &str| {
        o.read(v, name)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let (mini, ssh) = (text(&mini), text(&ssh));
    candidates
        .iter()
        .find(|k| {
            sign::verify_minisign_hashed(k, hashes, &mini).is_ok()
                || sign::verify_ssh_hashed(k, &hashes.sha512, &ssh).is_ok()
        })
        .or(candidates.first())
        .copied()
}

/// Verify an archive against trusted keys. `progress` is told how many
/// payload bytes have been read so far, and the total, as work goes on.
pub fn verify(
    path: &Path,
    trusted: &[PublicKey],
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Verified, VerifyError> {
    let mut p = Problems(Vec::new());
    let done = |p: Problems, id: Option<String>, versions, opened| {
        let problems = p.0;
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
    let zip = match ZipIn::open(path) {
        Ok(z) => z,
        Err(ReadError::Io(f, e)) => return Err(VerifyError(format!("{}: {e}", f.display()))),
        Err(ReadError::Invalid(m)) => {
            p.add(None, "zip", m);
            return done(p, None, vec![], None);
        }
    };
    // One top-level folder: the bag.
    let files: Vec<String> = zip
        .entries
        .iter()
        .filter(|e| !e.is_dir)
        .map(|e| e.name.clone())
        .collect();
    let tops: BTreeSet<&str> = zip
        .entries
        .iter()
        .map(|e| e.name.split('/').next().unwrap_or(""))
        .collect();
    if tops.len() != 1 || files.iter().any(|f| !f.contains('/')) {
        p.add(
            None,
            "zip",
            format!(
                "the zip must hold exactly one top-level folder (the bag); found {}",
                tops.into_iter().take(5).collect::<Vec<_>>().join(", ")
            ),
        );
        return done(p, None, vec![], None);
    }
    let bag_name = tops.into_iter().next().unwrap_or_default().to_owned();
    if !layout::valid_id(&bag_name) {
        p.add(
            None,
            "zip",
            format!("{bag_name:?} is not a valid archive id"),
        );
        return done(p, None, vec![], None);
    }
    let paths = Paths {
        bag: bag_name.clone(),
    };
    let id = Some(bag_name.clone());

    // --- BagIt tag files.
    // Only the bag manifest grows with the archive.
    let read_tag = |name: &str| {
        if name.ends_with(&format!("/{}", bag::MANIFEST_NAME)) {
            zip.read_small(name)
        } else {
            zip.read_tiny(name)
        }
    };
    let read_text = |name: &str, p: &mut Problems| -> Option<String> {
        match read_tag(name) {
            Ok(b) => match String::from_utf8(b) {
                Ok(s) => Some(s),
                Err(_) => {
                    p.add(None, name, "not UTF-8");
                    None
                }
            },
            Err(e) => {
                p.add(None, name, e.to_string());
                None
            }
        }
    };
    let bagit = read_text(&paths.tag(bag::BAGIT_NAME), &mut p);
    if bagit.as_deref().is_some_and(|t| t != bag::BAGIT_TXT) {
        p.add(
            None,
            paths.tag(bag::BAGIT_NAME),
            "not a BagIt 1.0 declaration",
        );
    }
    let payload_manifest = read_text(&paths.tag(bag::MANIFEST_NAME), &mut p)
        .and_then(|t| {
            bag::parse_manifest(&t)
                .map_err(|e| p.add(None, paths.tag(bag::MANIFEST_NAME), e))
                .ok()
        })
        .unwrap_or_default();
    let tag_manifest = read_text(&paths.tag(bag::TAGMANIFEST_NAME), &mut p)
        .and_then(|t| {
            bag::parse_manifest(&t)
                .map_err(|e| p.add(None, paths.tag(bag::TAGMANIFEST_NAME), e))
                .ok()
        })
        .unwrap_or_default();
    for required in [bag::BAGIT_NAME, bag::MANIFEST_NAME] {
        if !tag_manifest.contains_key(required) {
            p.add(
                None,
                paths.tag(bag::TAGMANIFEST_NAME),
                format!("does not list {required}"),
            );
        }
    }
    for (tag, digest) in &tag_manifest {
        if tag.starts_with("data/") || tag.starts_with("tagmanifest-") {
            p.add(
                None,
                paths.tag(bag::TAGMANIFEST_NAME),
                format!("must not list {tag}"),
            );
            continue;
        }
        match read_tag(&paths.tag(tag)) {
            Ok(b) => {
                if &sha256(&b) != digest {
                    p.add(
                        None,
                        paths.tag(tag),
                        "does not match its tag manifest checksum",
                    );
                }
            }
            Err(e) => p.add(None, paths.tag(tag), e.to_string()),
        }
    }
    // bag-info.txt: the format id, and the payload size and count.
    let info = read_text(&paths.tag(bag::BAG_INFO_NAME), &mut p)
        .map(|t| bag::parse_info(&t))
        .unwrap_or_default();
    let label = |l: &str| info.iter().find(|(k, _)| k == l).map(|(_, v)| v.clone());
    if label(bag::FORMAT_LABEL).as_deref() != Some(layout::ARCHIVE_FORMAT) {
        p.add(
            None,
            paths.tag(bag::BAG_INFO_NAME),
            format!(
                "not a {} archive ({} missing or different)",
                layout::ARCHIVE_FORMAT,
                bag::FORMAT_LABEL
            ),
        );
    }
    let payload_files = files
        .iter()
        .filter(|f| f[bag_name.len() + 1..].starts_with("data/"));
    let oxum = format!(
        "{}.{}",
        payload_files
            .clone()
            .filter_map(|f| zip.get(f))
            .map(|e| e.size)
            .sum::<u64>(),
        payload_files.count()
    );
    if label(bag::OXUM_LABEL).is_some_and(|o| o != oxum) {
        p.add(
            None,
            paths.tag(bag::BAG_INFO_NAME),
            format!("Payload-Oxum does not match the payload ({oxum})"),
        );
    }
    // Every file covered by a manifest, every manifest entry present.
    let prefix = format!("{bag_name}/");
    for f in &files {
        let rel = &f[prefix.len()..];
        let covered = if rel.starts_with("data/") {
            payload_manifest.contains_key(rel)
        } else {
            tag_manifest.contains_key(rel) || rel == bag::TAGMANIFEST_NAME
        };
        if !covered {
            p.add(None, f.as_str(), "a file that no manifest covers (added?)");
        }
    }
    for rel in payload_manifest.keys() {
        if zip.get(&format!("{prefix}{rel}")).is_none() {
            p.add(
                None,
                format!("{prefix}{rel}"),
                "listed in the bag manifest but missing (removed?)",
            );
        }
    }

    // --- OCFL root.
    let namaste = paths.object(ocfl::NAMASTE_NAME);
    match zip.read_tiny(&namaste) {
        Ok(b) if b == ocfl::NAMASTE_TEXT.as_bytes() => {}
        Ok(_) => p.add(None, &namaste, "wrong OCFL object declaration"),
        Err(e) => p.add(None, &namaste, e.to_string()),
    }
    let root_bytes = match zip.read_small(&paths.root_inventory()) {
        Ok(b) => b,
        Err(e) => {
            p.add(None, paths.root_inventory(), e.to_string());
            return done(p, id, vec![], None);
        }
    };
    check_sidecar(&zip, &paths.root_sidecar(), &root_bytes, None, &mut p);
    let inventory = match Inventory::parse(&root_bytes) {
        Ok(i) => i,
        Err(e) => {
            p.add(None, paths.root_inventory(), e);
            return done(p, id, vec![], None);
        }
    };
    let n = match inventory.version_count() {
        Ok(n) => n,
        Err(e) => {
            p.add(None, paths.root_inventory(), e);
            return done(p, id, vec![], None);
        }
    };
    let mut opened = Opened {
        zip,
        paths,
        inventory,
        versions: Vec::new(),
    };
    check_version_inventories(&opened, n, &root_bytes, &mut p);

    // --- Stream every payload file, on all cores: first everything but the
    // originals (manifests read once for their headers), then each
    // version's original, canonicalized while its manifest's sections are
    // read again and matched with it.
    let payload: Vec<String> = files
        .iter()
        .filter(|f| f[prefix.len()..].starts_with("data/"))
        .map(|f| f.to_string())
        .collect();
    let total: u64 = payload
        .iter()
        .filter_map(|f| opened.zip.get(f))
        .map(|e| e.size)
        .sum();
    let expected_files = layout::logical_files();
    let logical_files = |v: u32| -> Vec<String> {
        let vi = &opened.inventory.versions[&ocfl::version_name(v)];
        let mut l: Vec<String> = vi.state.values().flatten().cloned().collect();
        l.sort();
        l
    };
    let well_formed = |v: u32| logical_files(v) == expected_files;
    // Each version's own manifest, even where two versions share one.
    let manifests: Vec<(u32, String)> = (1..=n)
        .filter(|&v| well_formed(v))
        .filter_map(|v| opened.file_path(v, MANIFEST).map(|f| (v, f)))
        .collect();
    let manifest_files: BTreeSet<&String> = manifests.iter().map(|(_, f)| f).collect();
    let original_of: BTreeMap<u32, String> = (1..=n)
        .filter(|&v| well_formed(v))
        .filter_map(|v| opened.file_path(v, ORIGINAL).map(|f| (v, f)))
        .collect();
    let originals: BTreeSet<&String> = original_of.values().collect();
    let counter = AtomicU64::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut digests: BTreeMap<String, Result<FileDigests, ReadError>> = BTreeMap::new();
    let mut reads: BTreeMap<u32, ManifestRead> = BTreeMap::new();
    let mut checked: BTreeMap<u32, SectionsChecked> = BTreeMap::new();
    let mut keys: BTreeMap<u32, Option<&PublicKey>> = BTreeMap::new();
    std::thread::scope(|s| {
        let ticker = s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                progress(counter.load(Ordering::Relaxed), total);
                // Woken at once when the work is done (no sleeping past it).
                std::thread::park_timeout(std::time::Duration::from_millis(100));
            }
        });
        // Manifests first, for their headers: their sections are read again
        // with the originals. Then every other file, largest first so that
        // the big ones start at once on separate cores.
        let done: Vec<_> = manifests
            .par_iter()
            .with_max_len(1)
            .map(|(v, f)| (*v, f, read_manifest(&opened.zip, f, &counter)))
            .collect();
        for (v, f, r) in done {
            match r {
                Ok(r) => {
                    digests.insert(f.clone(), Ok(r.digests.clone()));
                    if let Ok(h) = &r.header {
                        keys.insert(v, choose_key(&opened, v, h, &r.hashes, trusted));
                    }
                    reads.insert(v, r);
                }
                Err(e) => {
                    digests.insert(f.clone(), Err(e));
                }
            }
        }
        let size = |f: &str| opened.zip.get(f).map(|e| e.size).unwrap_or(0);
        let mut second: Vec<(Option<u32>, &String)> = payload
            .iter()
            .filter(|f| !manifest_files.contains(f) && !originals.contains(f))
            .map(|f| (None, f))
            .chain(original_of.iter().map(|(v, f)| (Some(*v), f)))
            .collect();
        second.sort_by_key(|(_, f)| std::cmp::Reverse(size(f)));
        let done: Vec<_> = second
            .par_iter()
            .with_max_len(1)
            .map(|&(v, f)| {
                let with_header = v.and_then(|v| {
                    let r = reads.get(&v)?;
                    Some((
                        v,
                        r,
                        r.header.as_ref().ok()?,
                        opened.file_path(v, MANIFEST)?,
                    ))
                });
                match with_header {
                    Some((v, r, h, m)) => {
                        let key = keys.get(&v).copied().flatten();
                        let raw_sig =
                            key.and_then(|_| opened.read(v, &layout::signature_names()[0]).ok());
                        let signer = key.map(|k| (k, raw_sig.as_deref()));
                        let (d, c) =
                            check_sections(&opened.zip, f, &m, (h, &r.digests), signer, &counter);
                        (f, d, Some((v, c)))
                    }
                    None => (f, stream_plain(&opened.zip, f, &counter), None),
                }
            })
            .collect();
        for (f, d, c) in done {
            digests.insert(f.clone(), d);
            if let Some((v, c)) = c {
                checked.insert(v, c);
            }
        }
        stop.store(true, Ordering::Relaxed);
        ticker.thread().unpark();
        let _ = ticker.join();
        progress(counter.load(Ordering::Relaxed), total);
    });
    for (f, d) in &digests {
        match d {
            Err(e) => p.add(None, f.clone(), e.to_string()),
            Ok(d) => {
                if let Some(want) = payload_manifest.get(&f[prefix.len()..]) {
                    if &d.sha256 != want {
                        p.add(
                            None,
                            f.clone(),
                            "content does not match the bag manifest (changed?)",
                        );
                    }
                }
            }
        }
    }
    // --- OCFL content: every stored file is in the inventory, and matches.
    let mut content_paths: BTreeSet<String> = BTreeSet::new();
    for (digest, cps) in &opened.inventory.manifest {
        for cp in cps {
            let zp = opened.paths.object(cp);
            content_paths.insert(zp.clone());
            match digests.get(&zp) {
                Some(Ok(d)) if &d.sha512 == digest => {}
                Some(Ok(_)) => p.add(None, zp, "content does not match its OCFL inventory digest"),
                Some(Err(_)) => {} // unreadable: reported above
                None => p.add(None, zp, "in the OCFL inventory but missing"),
            }
        }
    }
    for f in &payload {
        let rel = &f[prefix.len() + 5..];
        let structural = rel == ocfl::NAMASTE_NAME
            || rel == ocfl::INVENTORY_NAME
            || rel == ocfl::SIDECAR_NAME
            || (1..=n).any(|v| {
                rel == format!("{}/{}", ocfl::version_name(v), ocfl::INVENTORY_NAME)
                    || rel == format!("{}/{}", ocfl::version_name(v), ocfl::SIDECAR_NAME)
            });
        if !structural && !content_paths.contains(f) {
            p.add(None, f.clone(), "a file the OCFL inventory does not list");
        }
    }

    // --- Each version.
    let mut versions = Vec::new();
    let mut prev_manifest_sha: Option<String> = None;
    let mut prev_signer: Option<String> = None;
    let mut prev_created: Option<String> = None;
    let file_digests = |v: u32, logical: &str| -> Option<&FileDigests> {
        opened
            .file_path(v, logical)
            .and_then(|f| digests.get(&f))
            .and_then(|d| d.as_ref().ok())
    };
    let mut headers = Vec::new();
    for v in 1..=n {
        let logical = logical_files(v);
        if logical != expected_files {
            p.add(
                Some(v),
                format!("v{v}"),
                format!("holds {logical:?}, expected {expected_files:?}"),
            );
            continue;
        }
        let Some(read) = reads.remove(&v) else {
            // Unreadable: reported with the payload files.
            if opened.file_path(v, MANIFEST).is_none() {
                p.add(Some(v), MANIFEST, "missing");
            }
            continue;
        };
        let msha = read.digests.sha256.clone();
        let m = match read.header {
            Ok(m) => m,
            Err(e) => {
                p.add(Some(v), MANIFEST, e);
                prev_manifest_sha = Some(msha);
                continue;
            }
        };
        let vi = &opened.inventory.versions[&ocfl::version_name(v)];
        check_manifest_fields(
            &m,
            v,
            &bag_name,
            &prev_manifest_sha,
            &prev_signer,
            vi,
            &mut p,
        );
        let c = checked.remove(&v);
        if let Some(c) = &c {
            match &c.unreadable {
                Some(e) => p.add(Some(v), MANIFEST, e.clone()),
                None if !c.canonical_form => {
                    p.add(Some(v), MANIFEST, "manifest is not in canonical JSON form")
                }
                None => {}
            }
        }
        // Signatures, against trusted keys only.
        let key = keys.get(&v).copied().flatten();
        match key {
            None => p.add(
                Some(v),
                MANIFEST,
                format!(
                    "signed by key {}, which is not among the trusted keys",
                    m.signer_key_id
                ),
            ),
            Some(k) => {
                check_manifest_signatures(
                    &opened,
                    v,
                    k,
                    &read.digests.sha256,
                    &read.hashes,
                    c.as_ref().and_then(|c| c.raw_signature),
                    &mut p,
                );
                if let Some(c) = &c {
                    report_kept(
                        &c.bad_signatures.0,
                        c.bad_signatures.1,
                        v,
                        |id| {
                            (
                                format!("section {id}"),
                                "section signature does not verify".into(),
                            )
                        },
                        "section signatures do not verify",
                        &mut p,
                    );
                }
            }
        }
        // Stored files against the signed manifest.
        if let Some(o) = file_digests(v, ORIGINAL) {
            if o.sha256 != m.original.sha256 || o.len != m.original.bytes {
                p.add(Some(v), ORIGINAL, "does not match the signed manifest");
            }
        }
        if let Some(c) = &c {
            match &c.canon {
                Some(Ok(cd)) => {
                    if cd.sha256 != m.canonical.sha256 {
                        p.add(
                            Some(v),
                            CANONICAL,
                            "canonical text re-derived from the original differs from the signed one",
                        );
                    }
                    if c.unreadable.is_none() {
                        if c.text_sections != c.claims {
                            p.add(
                                Some(v),
                                "sections",
                                format!(
                                    "the text has {} sections, the manifest lists {}",
                                    c.text_sections, c.claims
                                ),
                            );
                        }
                        report_mismatches(&c.mismatches, v, &mut p);
                    }
                }
                Some(Err(e)) => p.add(Some(v), ORIGINAL, format!("cannot be read as text: {e}")),
                None => {}
            }
        }
        if let Some(cd) = file_digests(v, CANONICAL) {
            if cd.sha256 != m.canonical.sha256 || cd.len != m.canonical.bytes {
                p.add(Some(v), CANONICAL, "does not match the signed manifest");
            }
        }
        versions.push(VersionReport {
            version: v,
            created: m.created.clone(),
            message: m.message.clone(),
            signer_key_id: m.signer_key_id.clone(),
            signer_trusted: key.is_some(),
            key_change: m.key_change.is_some(),
            manifest_sha256: msha.clone(),
            canonical_sha256: m.canonical.sha256.clone(),
            sections: m.sections.0 as usize,
        });
        prev_manifest_sha = Some(msha.clone());
        prev_signer = Some(m.signer_key_id.clone());
        if prev_created.as_ref().is_some_and(|c| &m.created < c) {
            p.add(
                Some(v),
                MANIFEST,
                "created earlier than the version before it",
            );
        }
        prev_created = Some(m.created.clone());
        headers.push(VersionHeader {
            manifest: m,
            manifest_sha256: msha,
        });
    }
    let complete = headers.len() == n as usize;
    if !complete && p.0.is_empty() {
        // Never valid with a version unchecked, whatever the reason.
        p.add(None, "archive", "not every version could be checked");
    }
    opened.versions = headers;
    done(p, id, versions, if complete { Some(opened) } else { None })
}

/// Report the first of many like problems one by one, and the rest in one
/// line.
fn report_kept(
    first: &[String],
    count: u64,
    v: u32,
    one: impl Fn(&str) -> (String, String),
    rest: &str,
    p: &mut Problems,
) {
    for id in first {
        let (place, problem) = one(id);
        p.add(Some(v), place, problem);
    }
    if count > first.len() as u64 {
        p.add(
            Some(v),
            "sections",
            format!("{} more {rest}", count - first.len() as u64),
        );
    }
}

fn report_mismatches(m: &Mismatches, v: u32, p: &mut Problems) {
    for x in &m.first {
        match x {
            Mismatch::Shape { claimed, derived } => p.add(
                Some(v),
                format!("section {claimed}"),
                format!("manifest entry does not match the text's section {derived}"),
            ),
            Mismatch::Hash { id } => p.add(
                Some(v),
                format!("section {id}"),
                "section text does not match its hash",
            ),
        }
    }
    if m.count > m.first.len() as u64 {
        p.add(
            Some(v),
            "sections",
            format!(
                "{} more sections do not match the text",
                m.count - m.first.len() as u64
            ),
        );
    }
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
                    "inventory sidecar digest does not match the inventory",
                );
            }
        }
        Err(e) => p.add(v, name, e.to_string()),
    }
}

fn check_version_inventories(o: &Opened, n: u32, root: &[u8], p: &mut Problems) {
    for v in 1..=n {
        let name = o.paths.version_inventory(v);
        let bytes = match o.zip.read_small(&name) {
            Ok(b) => b,
            Err(e) => {
                p.add(Some(v), name, e.to_string());
                continue;
            }
        };
        check_sidecar(&o.zip, &o.paths.version_sidecar(v), &bytes, Some(v), p);
        if v == n {
            if bytes != root {
                p.add(
                    Some(v),
                    name,
                    "newest version inventory differs from the root inventory",
                );
            }
            continue;
        }
        match Inventory::parse(&bytes) {
            Ok(inv) => {
                let consistent = inv.head == ocfl::version_name(v)
                    && inv.id == o.inventory.id
                    && inv.versions.len() == v as usize
                    && inv
                        .versions
                        .iter()
                        .all(|(k, ver)| o.inventory.versions.get(k) == Some(ver))
                    && inv
                        .manifest
                        .iter()
                        .all(|(d, ps)| o.inventory.manifest.get(d) == Some(ps));
                if !consistent {
                    p.add(
                        Some(v),
                        name,
                        "version inventory disagrees with the root inventory",
                    );
                }
            }
            Err(e) => p.add(Some(v), name, e),
        }
    }
}

fn check_manifest_fields<S>(
    m: &Manifest<S>,
    v: u32,
    bag_name: &str,
    prev_sha: &Option<String>,
    prev_signer: &Option<String>,
    vi: &ocfl::Version,
    p: &mut Problems,
) {
    if m.archive_id != bag_name {
        p.add(
            Some(v),
            MANIFEST,
            format!("archive id {:?} is not {bag_name:?}", m.archive_id),
        );
    }
    if m.version != v {
        p.add(
            Some(v),
            MANIFEST,
            format!("says it is version {}", m.version),
        );
    }
    if &m.previous_manifest_sha256 != prev_sha {
        p.add(
            Some(v),
            MANIFEST,
            "hash chain broken: previous manifest hash does not match the previous version",
        );
    }
    match (prev_signer, &m.key_change) {
        (Some(prev), None) if prev != &m.signer_key_id => p.add(
            Some(v),
            MANIFEST,
            "signer changed without a recorded key change",
        ),
        (Some(prev), Some(kc)) if kc.previous_key_id != *prev || *prev == m.signer_key_id => p.add(
            Some(v),
            MANIFEST,
            "recorded key change does not match the previous version's signer",
        ),
        (None, Some(_)) => p.add(Some(v), MANIFEST, "version 1 records a key change"),
        _ => {}
    }
    if crate::archive::manifest::normalize_time(&m.created).as_deref() != Some(m.created.as_str()) {
        p.add(Some(v), MANIFEST, "created time is not RFC 3339");
    }
    if vi.created != m.created || vi.message.as_deref() != Some(m.message.as_str()) {
        p.add(
            Some(v),
            "inventory.json",
            "version metadata differs from the signed manifest",
        );
    }
}

/// Check the three detached signatures of a version manifest: the raw one
/// was checked as the manifest streamed (`raw`, `None` if it could not
/// be), the minisign and SSH ones against its digests.
fn check_manifest_signatures(
    o: &Opened,
    v: u32,
    k: &PublicKey,
    manifest_sha256: &str,
    hashes: &sign::FileHashes,
    raw: Option<bool>,
    p: &mut Problems,
) {
    let [raw_name, mini, ssh] = layout::signature_names();
    match (raw, o.read(v, &raw_name)) {
        (_, Err(e)) => p.add(Some(v), raw_name.as_str(), e),
        (Some(true), Ok(_)) => {}
        (Some(false), Ok(_)) => p.add(
            Some(v),
            raw_name.as_str(),
            "manifest signature does not verify",
        ),
        // The manifest could not be read again: reported already.
        (None, Ok(_)) => {}
    }
    match o
        .read(v, &mini)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
    {
        Ok(s) => {
            let want = format!("manifest-sha256:{manifest_sha256}");
            match sign::verify_minisign_hashed(k, hashes, &s) {
                Ok(tc) if !tc.split(' ').any(|f| f == want) => p.add(
                    Some(v),
                    mini.as_str(),
                    "trusted comment does not name this manifest",
                ),
                Ok(_) => {}
                Err(e) => p.add(Some(v), mini.as_str(), e),
            }
        }
        Err(e) => p.add(Some(v), mini.as_str(), e),
    }
    match o
        .read(v, &ssh)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
    {
        Ok(s) => {
            if let Err(e) = sign::verify_ssh_hashed(k, &hashes.sha512, &s) {
                p.add(Some(v), ssh.as_str(), e);
            }
        }
        Err(e) => p.add(Some(v), ssh.as_str(), e),
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
