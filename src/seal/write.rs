//! Seal's last phase: the new version's files in the OCFL object (O3–O6),
//! the bag around it (B1–B4), and the zip, written atomically (Z3–Z6, W1).

use super::guard::{PersistError, Temp};
use super::{Plan, SealError, SealOptions};
use crate::archive::bag;
use crate::archive::container::{prepare, Prepared, WriteError, ZipIn, ZipOut};
use crate::archive::layout::{self, Paths};
use crate::archive::ocfl::{self, Inventory};
use crate::crypto::keys::SecretKey;
use crate::digest::{sha256, sha512, FileDigests};
use crate::verify::Opened;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A new file whose digests are known, and maybe its compressed form.
pub(super) struct Ready<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) digests: FileDigests,
    pub(super) compressed: Option<Prepared>,
}

/// The logical files of the new version (O4).
pub(super) struct VersionFiles<'a> {
    /// `original.txt`, compressed in its text's chunks (Z6).
    pub(super) original: Ready<'a>,
    /// `manifest.json`.
    pub(super) manifest: Ready<'a>,
    /// The signer's three signature files, by logical name.
    pub(super) signatures: BTreeMap<String, Vec<u8>>,
    /// `checkpoint`.
    pub(super) checkpoint: Vec<u8>,
}

/// Where an entry's bytes come from.
enum Source<'a> {
    /// New bytes.
    New(Vec<u8>),
    /// A new file whose digests (and compressed form) are known.
    Ready(Ready<'a>),
    /// An entry of the old archive, copied as it is.
    Existing(String),
}

impl Source<'_> {
    fn bytes(&self) -> Option<&[u8]> {
        match self {
            Source::New(b) => Some(b),
            Source::Ready(r) => Some(r.bytes),
            Source::Existing(_) => None,
        }
    }
    fn sha512(&self) -> Option<String> {
        match self {
            Source::New(b) => Some(sha512(b)),
            Source::Ready(r) => Some(r.digests.sha512.clone()),
            Source::Existing(_) => None,
        }
    }
    fn sha256(&self) -> Option<String> {
        match self {
            Source::New(b) => Some(sha256(b)),
            Source::Ready(r) => Some(r.digests.sha256.clone()),
            Source::Existing(_) => None,
        }
    }
}

/// O3–O6, B1–B4, S7c, then W1.
#[allow(clippy::too_many_arguments)]
pub(super) fn write(
    archive: &Path,
    target: &Path,
    temp: Temp,
    plan: &Plan,
    base: Option<&Opened>,
    files: VersionFiles,
    sk: &SecretKey,
    opts: &SealOptions,
) -> Result<(), SealError> {
    let mut logical: BTreeMap<String, Source> = BTreeMap::new();
    logical.insert(layout::ORIGINAL.into(), Source::Ready(files.original));
    logical.insert(layout::MANIFEST.into(), Source::Ready(files.manifest));
    logical.insert(layout::CHECKPOINT.into(), Source::New(files.checkpoint));
    for (name, bytes) in files.signatures {
        logical.insert(name, Source::New(bytes));
    }
    let digests: BTreeMap<String, String> = logical
        .par_iter()
        .map(|(k, v)| (k.clone(), v.sha512().expect("new files")))
        .collect();
    let mut inventory = match base {
        Some(o) => o.inventory.clone(),
        None => Inventory::new(&format!("urn:vellum:{}", plan.archive_id)),
    };
    let fp = sk.public.fingerprint();
    let new_content = inventory.add_version(
        plan.version,
        &digests,
        &plan.created,
        &opts.message,
        ocfl::User {
            name: format!("vellum signer {fp}"),
            address: Some(format!(
                "urn:vellum:key:sha256:{}",
                crate::digest::to_hex(fp.0)
            )),
        },
    );
    let inv_bytes = inventory.to_bytes();
    // Never write an archive that verify would refuse to read.
    ocfl::check_limits(&inv_bytes).map_err(|why| SealError::InventoryTooLarge {
        archive: archive.to_owned(),
        version: plan.version,
        why,
    })?;
    let sidecar = ocfl::sidecar(&inv_bytes).into_bytes();

    // Payload: path relative to the bag -> where its bytes come from.
    let mut payload: BTreeMap<String, Source> = BTreeMap::new();
    let data = |rel: &str| format!("{}/{rel}", bag::DATA_DIR);
    match base {
        Some(o) => {
            let prefix = format!("{}/", o.paths.bag);
            for e in o.zip.entries.iter().filter(|e| !e.is_dir) {
                let rel = &e.name[prefix.len()..];
                if rel.starts_with("data/")
                    && rel != data(ocfl::INVENTORY_NAME)
                    && rel != data(ocfl::SIDECAR_NAME)
                {
                    payload.insert(rel.to_owned(), Source::Existing(e.name.clone()));
                }
            }
        }
        None => {
            payload.insert(
                data(ocfl::NAMASTE_NAME),
                Source::New(ocfl::NAMASTE_TEXT.as_bytes().to_vec()),
            );
        }
    }
    let vname = ocfl::version_name(plan.version);
    for (name, content_path) in new_content {
        let src = logical.remove(&name).expect("logical file exists");
        payload.insert(data(&content_path), src);
    }
    payload.insert(
        data(&format!("{vname}/{}", ocfl::INVENTORY_NAME)),
        Source::New(inv_bytes.clone()),
    );
    payload.insert(
        data(&format!("{vname}/{}", ocfl::SIDECAR_NAME)),
        Source::New(sidecar.clone()),
    );
    payload.insert(data(ocfl::INVENTORY_NAME), Source::New(inv_bytes));
    payload.insert(data(ocfl::SIDECAR_NAME), Source::New(sidecar));

    let mut tags = tag_files(archive, plan, base, &payload)?;
    let paths = Paths {
        bag: plan.archive_id.clone(),
    };
    let mut all: BTreeMap<String, Source> = BTreeMap::new();
    for (rel, src) in payload {
        all.insert(paths.tag(&rel), src);
    }
    // X4, T1: co-signatures and timestamps of earlier versions are kept as
    // they are, and listed in the new tag manifest.
    if let Some(o) = base {
        let kept = kept_tag_files(o);
        let mut lines = bag::parse_manifest(&String::from_utf8_lossy(
            &tags.remove(bag::TAGMANIFEST_NAME).unwrap_or_default(),
        ))
        .unwrap_or_default();
        let old = old_tag_manifest(o);
        for rel in kept {
            let digest = old.get(&rel).cloned().ok_or_else(|| SealError::Io {
                path: archive.to_owned(),
                error: std::io::Error::other(format!("{rel}: not in the tag manifest")),
            })?;
            lines.insert(rel.clone(), digest);
            all.insert(paths.tag(&rel), Source::Existing(o.paths.tag(&rel)));
        }
        tags.insert(
            bag::TAGMANIFEST_NAME.into(),
            bag::manifest_text(&lines).into_bytes(),
        );
    }
    for (rel, b) in tags {
        all.insert(paths.tag(&rel), Source::New(b));
    }
    write_atomically(archive, target, temp, all, base.map(|o| &o.zip))
}

/// The bag-relative names of an archive's co-signature files (X1) and
/// timestamp tokens (T1).
fn kept_tag_files(o: &Opened) -> Vec<String> {
    let kept =
        [layout::COSIGNATURES_DIR, layout::TIMESTAMPS_DIR].map(|d| format!("{}/{d}/", o.paths.bag));
    o.zip
        .entries
        .iter()
        .filter(|e| !e.is_dir && kept.iter().any(|k| e.name.starts_with(k)))
        .map(|e| e.name[o.paths.bag.len() + 1..].to_owned())
        .collect()
}

/// The old tag manifest (which verify has just checked).
fn old_tag_manifest(o: &Opened) -> BTreeMap<String, String> {
    o.zip
        .read_small(&o.paths.tag(bag::TAGMANIFEST_NAME))
        .ok()
        .and_then(|b| bag::parse_manifest(&String::from_utf8_lossy(&b)).ok())
        .unwrap_or_default()
}

/// X4, T2: write an archive again with these tag files added or replaced (a
/// co-signature, a timestamp), every other entry copied as it is and the tag manifest
/// made anew; atomically (W1). The payload, and so the OCFL object, does
/// not change.
pub(crate) fn with_tag_files(
    archive: &Path,
    base: &Opened,
    files: BTreeMap<String, Vec<u8>>,
) -> Result<(), SealError> {
    let mut lines = old_tag_manifest(base);
    let mut all: BTreeMap<String, Source> = BTreeMap::new();
    let prefix = format!("{}/", base.paths.bag);
    let tagmanifest = base.paths.tag(bag::TAGMANIFEST_NAME);
    for e in base.zip.entries.iter().filter(|e| !e.is_dir) {
        let rel = &e.name[prefix.len()..];
        if e.name != tagmanifest && !files.contains_key(rel) {
            all.insert(e.name.clone(), Source::Existing(e.name.clone()));
        }
    }
    for (rel, b) in files {
        lines.insert(rel.clone(), sha256(&b));
        all.insert(base.paths.tag(&rel), Source::New(b));
    }
    all.insert(
        tagmanifest,
        Source::New(bag::manifest_text(&lines).into_bytes()),
    );
    // One writer at a time, through links, no temporary file left (W2-W4).
    let target = super::guard::target(archive)?;
    let _lock = super::guard::Lock::take(archive, &target)?;
    let temp = super::guard::Temp::create(&target)?;
    write_atomically(archive, &target, temp, all, Some(&base.zip))
}

/// B1–B4: the bag's tag files, with the digests of copied files taken from
/// the old bag manifest (which verify has just checked).
fn tag_files(
    archive: &Path,
    plan: &Plan,
    base: Option<&Opened>,
    payload: &BTreeMap<String, Source>,
) -> Result<BTreeMap<String, Vec<u8>>, SealError> {
    let old_manifest = match base {
        Some(o) => o
            .zip
            .read_small(&o.paths.tag(bag::MANIFEST_NAME))
            .ok()
            .and_then(|b| bag::parse_manifest(&String::from_utf8_lossy(&b)).ok())
            .unwrap_or_default(),
        None => BTreeMap::new(),
    };
    let digests: Vec<(String, Option<String>, u64)> = payload
        .par_iter()
        .map(|(rel, src)| match src.bytes() {
            Some(b) => (rel.clone(), src.sha256(), b.len() as u64),
            None => {
                let size = match src {
                    Source::Existing(name) => base
                        .and_then(|o| o.zip.get(name))
                        .map(|e| e.size)
                        .unwrap_or(0),
                    _ => 0,
                };
                (rel.clone(), old_manifest.get(rel).cloned(), size)
            }
        })
        .collect();
    let mut lines = BTreeMap::new();
    let mut octets = 0u64;
    for (rel, digest, size) in digests {
        let digest = digest.ok_or_else(|| SealError::Io {
            path: archive.to_owned(),
            error: std::io::Error::other(format!("{rel}: not in the bag manifest")),
        })?;
        octets += size;
        lines.insert(rel, digest);
    }
    let bag_info = bag::bag_info(
        layout::ARCHIVE_FORMAT,
        &plan.archive_id,
        &plan.created[..10.min(plan.created.len())],
        octets,
        payload.len(),
        plan.version,
    );
    let mut tags: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    tags.insert(bag::BAGIT_NAME.into(), bag::BAGIT_TXT.as_bytes().to_vec());
    tags.insert(bag::BAG_INFO_NAME.into(), bag_info.into_bytes());
    tags.insert(
        bag::MANIFEST_NAME.into(),
        bag::manifest_text(&lines).into_bytes(),
    );
    let tag_lines: BTreeMap<String, String> =
        tags.iter().map(|(k, v)| (k.clone(), sha256(v))).collect();
    tags.insert(
        bag::TAGMANIFEST_NAME.into(),
        bag::manifest_text(&tag_lines).into_bytes(),
    );
    Ok(tags)
}

/// W1: write entries (sorted by name) to the temporary file beside
/// `dest`, sync it, then, if `dest` is still the archive that was verified
/// (W3), rename it over `dest`: readers see the old archive or the new
/// one, never half of one. `archive` is the name the user gave (`dest`
/// may be the file it links to, W2).
fn write_atomically(
    archive: &Path,
    dest: &Path,
    temp: Temp,
    entries: BTreeMap<String, Source>,
    old: Option<&ZipIn>,
) -> Result<(), SealError> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let io = |error: std::io::Error| SealError::Io {
        path: archive.to_owned(),
        error,
    };
    // Archives are for publishing: readable by all, like a file `cp` makes
    // (an existing archive keeps its mode).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dest)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0o644);
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    let file = temp.as_file().try_clone().map_err(io)?;
    // Compress new entries on all cores, then write everything in order.
    let mut prepared: BTreeMap<&String, Prepared> = entries
        .par_iter()
        .filter_map(|(name, src)| match src {
            Source::New(b) => Some((name, prepare(b, None))),
            Source::Ready(r) if r.compressed.is_none() => Some((name, prepare(r.bytes, None))),
            _ => None,
        })
        .collect();
    let mut out = ZipOut::new(file);
    let werr = |e: WriteError| match e {
        WriteError::TooLarge => SealError::ArchiveTooLarge(archive.to_owned()),
        WriteError::Io(error) => SealError::Io {
            path: archive.to_owned(),
            error,
        },
        WriteError::Read(r) => SealError::Io {
            path: archive.to_owned(),
            error: std::io::Error::other(r.to_string()),
        },
    };
    for (name, src) in &entries {
        match src {
            Source::Existing(old_name) => {
                let o = old.expect("existing entries come from an old archive");
                out.copy_from(o, old_name).map_err(werr)?;
            }
            Source::Ready(Ready {
                compressed: Some(c),
                ..
            }) => out.add(name, c).map_err(werr)?,
            _ => {
                let p = prepared.remove(name).expect("prepared above");
                out.add(name, &p).map_err(werr)?;
            }
        }
    }
    let mut f = out.finish().map_err(werr)?;
    f.flush().map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    // W3: the lock keeps other seals out; this catches any other writer.
    let unchanged = match old {
        Some(z) => z.is_still_at(dest).unwrap_or(false),
        None => std::fs::symlink_metadata(dest).is_err(),
    };
    let changed = || SealError::Changed {
        archive: archive.to_owned(),
    };
    if !unchanged {
        return Err(changed());
    }
    temp.persist(dest, old.is_some()).map_err(|e| match e {
        PersistError::Exists => changed(),
        PersistError::Io(e) => io(e),
    })?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
