//! Verification of an archive: every byte, every signature, every version.
//!
//! A failed verification is a [`Report`] listing every problem found, with
//! the version, file or section it concerns; `Err` is only for trouble that
//! kept us from looking (the file cannot be opened).
//!
//! Nothing is extracted to disk and no content file is held in memory whole:
//! payload files stream through the hashes and the canonicalizer in chunks,
//! on all cores.

use crate::archive::{self, Paths, CANONICAL, MANIFEST, ORIGINAL};
use crate::bag;
use crate::canon::{Canonicalizer, LineSplitter, ModeDetector};
use crate::container::{ReadError, ZipIn};
use crate::digest::{sha256, FileDigests, Hasher};
use crate::input::StreamDecoder;
use crate::keys::PublicKey;
use crate::manifest::Manifest;
use crate::ocfl::{self, Inventory};
use crate::sections::{classify, BlockInfo, Digester};
use crate::sign;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// Each version's manifest and its bytes, oldest first.
    pub manifests: Vec<(Manifest, Vec<u8>)>,
}

impl Opened {
    /// Zip path of a version's logical file.
    pub fn file_path(&self, version: u32, logical: &str) -> Option<String> {
        self.inventory
            .content_path(version, logical)
            .map(|p| self.paths.object(p))
    }

    /// Read a version's logical file whole.
    pub fn read(&self, version: u32, logical: &str) -> Result<Vec<u8>, String> {
        let p = self
            .file_path(version, logical)
            .ok_or_else(|| format!("v{version}: no {logical}"))?;
        self.zip.read_small(&p).map_err(|e| e.to_string())
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

/// What the canonicalizer made of a stored original.
struct CanonDigest {
    sha256: String,
    blocks: Vec<BlockInfo>,
    /// Blocks past the number the manifests list (only counted).
    extra: u64,
}

struct Streamed {
    digests: FileDigests,
    canon: Option<Result<CanonDigest, String>>,
}

const STOP: &str = "\u{0}stop";

/// Stream a stored text twice: once to find its line mode (usually decided
/// within the first lines), once through the canonicalizer and the hashes.
fn stream_original(
    zip: &ZipIn,
    name: &str,
    max_blocks: usize,
    progress: &AtomicU64,
) -> Result<Streamed, ReadError> {
    let mut det = ModeDetector::default();
    let mut dec = StreamDecoder::default();
    let mut split = LineSplitter::default();
    let mut decode_err = None;
    let r = zip.stream(name, |b| {
        let res = dec.push(b, &mut |t| split.push(t, &mut |p, e| det.push(p, e)));
        if let Err(e) = res {
            decode_err = Some(e.to_string());
            return Err(STOP.into());
        }
        if det.decided() {
            Err(STOP.into())
        } else {
            Ok(())
        }
    });
    match r {
        Ok(_) => {
            let _ = dec.finish(&mut |t| split.push(t, &mut |p, e| det.push(p, e)));
            split.finish(&mut |p, e| det.push(p, e));
        }
        Err(ReadError::Invalid(m)) if m.ends_with(STOP) => {}
        Err(e) => return Err(e),
    }
    if let Some(e) = decode_err {
        let digests = stream_plain(zip, name, progress)?;
        return Ok(Streamed {
            digests,
            canon: Some(Err(e)),
        });
    }
    let mode = det.mode();
    let mut hasher = Hasher::default();
    let mut dec = StreamDecoder::default();
    let mut split = LineSplitter::default();
    let mut canon = Canonicalizer::new(Digester::with_limit(max_blocks), mode);
    let mut decode_err = None;
    zip.stream(name, |b| {
        hasher.update(b);
        progress.fetch_add(b.len() as u64, Ordering::Relaxed);
        if decode_err.is_none() {
            if let Err(e) = dec.push(b, &mut |t| split.push(t, &mut |p, e| canon.push(p, e))) {
                decode_err = Some(e.to_string());
            }
        }
        Ok(())
    })?;
    if decode_err.is_none() {
        if let Err(e) = dec.finish(&mut |t| split.push(t, &mut |p, e| canon.push(p, e))) {
            decode_err = Some(e.to_string());
        }
        split.finish(&mut |p, e| canon.push(p, e));
    }
    let canon = match decode_err {
        Some(e) => Err(e),
        None => {
            let mut d = canon.finish();
            d.close();
            let extra = d.extra_blocks;
            let (sha256, blocks, _) = d.finish();
            Ok(CanonDigest {
                sha256,
                blocks,
                extra,
            })
        }
    };
    Ok(Streamed {
        digests: hasher.finish(),
        canon: Some(canon),
    })
}

fn stream_plain(zip: &ZipIn, name: &str, progress: &AtomicU64) -> Result<FileDigests, ReadError> {
    let mut h = Hasher::default();
    zip.stream(name, |b| {
        h.update(b);
        progress.fetch_add(b.len() as u64, Ordering::Relaxed);
        Ok(())
    })?;
    Ok(h.finish())
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
    if !archive::valid_id(&bag_name) {
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
    let read_text = |name: &str, p: &mut Problems| -> Option<String> {
        match zip.read_small(name) {
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
        match zip.read_small(&paths.tag(tag)) {
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
    if label(bag::FORMAT_LABEL).as_deref() != Some(archive::ARCHIVE_FORMAT) {
        p.add(
            None,
            paths.tag(bag::BAG_INFO_NAME),
            format!(
                "not a {} archive ({} missing or different)",
                archive::ARCHIVE_FORMAT,
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
    match zip.read_small(&namaste) {
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
    let opened_base = Opened {
        zip,
        paths,
        inventory,
        manifests: Vec::new(),
    };
    let mut opened = opened_base;
    check_version_inventories(&opened, n, &root_bytes, &mut p);

    // Manifests first (small files): they say how many sections to expect,
    // which bounds what streaming the originals keeps in memory.
    let mut manifests: BTreeMap<u32, Result<Vec<u8>, String>> = BTreeMap::new();
    for v in 1..=n {
        manifests.insert(v, opened.read(v, MANIFEST));
    }
    let mut parsed: BTreeMap<u32, Result<Manifest, String>> = manifests
        .iter()
        .filter_map(|(v, b)| b.as_ref().ok().map(|b| (*v, Manifest::parse(b))))
        .collect();
    let expected_sections = |v: u32| -> usize {
        match parsed.get(&v) {
            Some(Ok(m)) => m.sections.len(),
            _ => 0,
        }
    };
    // Which content files are originals (streamed through the canonicalizer).
    let mut originals: BTreeMap<String, usize> = BTreeMap::new();
    for v in 1..=n {
        if let Some(cp) = opened.file_path(v, ORIGINAL) {
            let e = originals.entry(cp).or_insert(0);
            *e = (*e).max(expected_sections(v));
        }
    }
    // --- Stream every payload file once, in parallel.
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
    let counter = AtomicU64::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let results: BTreeMap<String, Result<Streamed, ReadError>> = std::thread::scope(|s| {
        let ticker = s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                progress(counter.load(Ordering::Relaxed), total);
                // Woken at once when the work is done (no sleeping past it).
                std::thread::park_timeout(std::time::Duration::from_millis(100));
            }
        });
        // Largest first, so the big files start at once on separate cores.
        let mut order = payload.clone();
        order.sort_by_key(|f| std::cmp::Reverse(opened.zip.get(f).map(|e| e.size).unwrap_or(0)));
        let r = order
            .par_iter()
            .with_max_len(1)
            .map(|f| {
                let res = if let Some(&max_blocks) = originals.get(f) {
                    stream_original(&opened.zip, f, max_blocks, &counter)
                } else {
                    stream_plain(&opened.zip, f, &counter).map(|digests| Streamed {
                        digests,
                        canon: None,
                    })
                };
                (f.clone(), res)
            })
            .collect();
        stop.store(true, Ordering::Relaxed);
        ticker.thread().unpark();
        let _ = ticker.join();
        progress(counter.load(Ordering::Relaxed), total);
        r
    });
    let mut digests: BTreeMap<String, &Streamed> = BTreeMap::new();
    for (f, r) in &results {
        match r {
            Ok(s) => {
                digests.insert(f.clone(), s);
            }
            Err(e) => p.add(None, f.clone(), e.to_string()),
        }
    }
    for (f, s) in &digests {
        let rel = &f[prefix.len()..];
        if let Some(want) = payload_manifest.get(rel) {
            if &s.digests.sha256 != want {
                p.add(
                    None,
                    f.clone(),
                    "content does not match the bag manifest (changed?)",
                );
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
                Some(s) if &s.digests.sha512 == digest => {}
                Some(_) => p.add(None, zp, "content does not match its OCFL inventory digest"),
                None if results.contains_key(&zp) => {} // unreadable: reported above
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
    let expected_files = archive::logical_files();
    for v in 1..=n {
        let vi = &opened.inventory.versions[&ocfl::version_name(v)];
        let logical: Vec<String> = {
            let mut l: Vec<String> = vi.state.values().flatten().cloned().collect();
            l.sort();
            l
        };
        if logical != expected_files {
            p.add(
                Some(v),
                format!("v{v}"),
                format!("holds {logical:?}, expected {expected_files:?}"),
            );
            continue;
        }
        let mbytes = match manifests
            .remove(&v)
            .unwrap_or_else(|| opened.read(v, MANIFEST))
        {
            Ok(b) => b,
            Err(e) => {
                p.add(Some(v), MANIFEST, e);
                continue;
            }
        };
        let msha = sha256(&mbytes);
        let m = match parsed
            .remove(&v)
            .unwrap_or_else(|| Manifest::parse(&mbytes))
        {
            Ok(m) => m,
            Err(e) => {
                p.add(Some(v), MANIFEST, e);
                prev_manifest_sha = Some(msha);
                continue;
            }
        };
        let before = p.0.len();
        check_manifest_fields(
            &m,
            v,
            &bag_name,
            &prev_manifest_sha,
            &prev_signer,
            vi,
            &mut p,
        );
        // Signatures, against trusted keys only.
        // Among trusted keys with the signer's id (normally one), the one
        // whose signature checks; ids are labels, the key decides.
        let raw_sig = opened.read(v, &archive::signature_names()[0]);
        let candidates: Vec<&PublicKey> = trusted
            .iter()
            .filter(|k| k.id.to_string() == m.signer_key_id)
            .collect();
        let key = candidates
            .iter()
            .find(|k| {
                raw_sig
                    .as_ref()
                    .is_ok_and(|sig| sign::verify_raw(k, &mbytes, sig))
            })
            .or(candidates.first())
            .copied();
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
                check_manifest_signatures(&opened, v, k, &mbytes, &raw_sig, &mut p);
                let bad: Vec<&str> = m
                    .sections
                    .par_iter()
                    .filter(|s| {
                        !sign::verify_hex(
                            k,
                            &sign::section_message(&m.archive_id, m.version, &s.id, &s.sha256),
                            &s.signature,
                        )
                    })
                    .map(|s| s.id.as_str())
                    .collect();
                for id in bad {
                    p.add(
                        Some(v),
                        format!("section {id}"),
                        "section signature does not verify",
                    );
                }
            }
        }
        // Stored files against the signed manifest.
        let orig = opened
            .file_path(v, ORIGINAL)
            .and_then(|f| digests.get(&f).copied());
        let canon_file = opened
            .file_path(v, CANONICAL)
            .and_then(|f| digests.get(&f).copied());
        if let Some(o) = orig {
            if o.digests.sha256 != m.original.sha256 || o.digests.len != m.original.bytes {
                p.add(Some(v), ORIGINAL, "does not match the signed manifest");
            }
            match &o.canon {
                Some(Ok(cd)) => {
                    if cd.sha256 != m.canonical.sha256 {
                        p.add(
                            Some(v),
                            CANONICAL,
                            "canonical text re-derived from the original differs from the signed one",
                        );
                    }
                    if cd.extra > 0 {
                        p.add(
                            Some(v),
                            "sections",
                            format!(
                                "the text has {} more sections than the manifest lists",
                                cd.extra
                            ),
                        );
                    }
                    compare_sections(&m, &cd.blocks, v, &mut p);
                }
                Some(Err(e)) => p.add(Some(v), ORIGINAL, format!("cannot be read as text: {e}")),
                None => {}
            }
        }
        if let Some(c) = canon_file {
            if c.digests.sha256 != m.canonical.sha256 || c.digests.len != m.canonical.bytes {
                p.add(Some(v), CANONICAL, "does not match the signed manifest");
            }
        }
        let _ = before;
        versions.push(VersionReport {
            version: v,
            created: m.created.clone(),
            message: m.message.clone(),
            signer_key_id: m.signer_key_id.clone(),
            signer_trusted: key.is_some(),
            key_change: m.key_change.is_some(),
            manifest_sha256: msha.clone(),
            canonical_sha256: m.canonical.sha256.clone(),
            sections: m.sections.len(),
        });
        prev_manifest_sha = Some(msha);
        prev_signer = Some(m.signer_key_id.clone());
        if prev_created.as_ref().is_some_and(|c| &m.created < c) {
            p.add(
                Some(v),
                MANIFEST,
                "created earlier than the version before it",
            );
        }
        prev_created = Some(m.created.clone());
        opened.manifests.push((m, mbytes));
    }
    let complete = opened.manifests.len() == n as usize;
    done(p, id, versions, if complete { Some(opened) } else { None })
}

fn check_sidecar(zip: &ZipIn, name: &str, inventory: &[u8], v: Option<u32>, p: &mut Problems) {
    match zip.read_small(name) {
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

fn check_manifest_fields(
    m: &Manifest,
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
    if crate::seal::normalize_time(&m.created).as_deref() != Some(m.created.as_str()) {
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

/// Check the three detached signatures of a version manifest; `raw_sig` is
/// the `.sig` file, already read to pick the signing key.
fn check_manifest_signatures(
    o: &Opened,
    v: u32,
    k: &PublicKey,
    mbytes: &[u8],
    raw_sig: &Result<Vec<u8>, String>,
    p: &mut Problems,
) {
    let [raw, mini, ssh] = archive::signature_names();
    match raw_sig {
        Ok(sig) if sign::verify_raw(k, mbytes, sig) => {}
        Ok(_) => p.add(Some(v), raw.as_str(), "manifest signature does not verify"),
        Err(e) => p.add(Some(v), raw.as_str(), e.clone()),
    }
    match o
        .read(v, &mini)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
    {
        Ok(s) => {
            let want = format!("manifest-sha256:{}", sha256(mbytes));
            match sign::verify_minisign(k, mbytes, &s) {
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
            if let Err(e) = sign::verify_ssh(k, mbytes, &s) {
                p.add(Some(v), ssh.as_str(), e);
            }
        }
        Err(e) => p.add(Some(v), ssh.as_str(), e),
    }
}

fn compare_sections(m: &Manifest, blocks: &[BlockInfo], v: u32, p: &mut Problems) {
    let derived = classify(blocks);
    if derived.len() != m.sections.len() {
        p.add(
            Some(v),
            "sections",
            format!(
                "the text has {} sections, the manifest lists {}",
                derived.len(),
                m.sections.len()
            ),
        );
    }
    for ((id, kind, number), (b, s)) in derived.iter().zip(blocks.iter().zip(&m.sections)) {
        if &s.id != id
            || s.kind != *kind
            || s.number != *number
            || s.start != b.start
            || s.len != b.len
        {
            p.add(
                Some(v),
                format!("section {}", s.id),
                format!("manifest entry does not match the text's section {id}"),
            );
        } else if s.sha256 != b.sha256 {
            p.add(
                Some(v),
                format!("section {}", s.id),
                "section text does not match its hash",
            );
        }
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
