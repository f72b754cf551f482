//! Sealing: canonicalize a text, sign it section by section and as a whole,
//! and write it as the next version of an archive, atomically.

use crate::archive::bag;
use crate::archive::container::{prepare, ZipIn, ZipOut};
use crate::archive::layout::{self, Paths, CANONICAL, MANIFEST, ORIGINAL};
use crate::archive::manifest::{self, FileEntry, KeyChange, Manifest};
use crate::archive::ocfl::{self, Inventory};
use crate::crypto::keys::{PublicKey, SecretKey};
use crate::crypto::sign;
use crate::digest::{sha256, sha512};
use crate::limits::{MAX_ENTRY_SIZE, MAX_TEXT};
use crate::text::canon::{Canonical, WarningKind};
use crate::text::sections;
use crate::verify::{self, Opened};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How to seal.
#[derive(Debug, Clone, Default)]
pub struct SealOptions {
    /// The version's message.
    pub message: String,
    /// The created time (RFC 3339); now when unset.
    pub created: Option<String>,
    /// Allow a signer different from the previous version's.
    pub allow_key_change: bool,
    /// Allow bidi controls and tag characters (recorded as warnings).
    pub allow_bidi: bool,
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
    /// Signer key id.
    pub signer_key_id: String,
    /// Warnings recorded in the manifest.
    pub warnings: Vec<String>,
}

/// Why sealing did not happen. The archive is untouched either way.
#[derive(Debug)]
pub enum SealError {
    /// Reading or writing failed (exit 2).
    Io(String),
    /// Sealing was refused for a reason given (exit 1).
    Refused(String),
}

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SealError::Io(m) | SealError::Refused(m) => f.write_str(m),
        }
    }
}

enum Source {
    New(Vec<u8>),
    Existing(String),
}

/// Seal `text` (the bytes of `text_name`) as the next version of `archive`.
pub fn seal(
    text_name: &Path,
    text: &[u8],
    sk: &SecretKey,
    archive_path: &Path,
    trusted: &[PublicKey],
    opts: &SealOptions,
) -> Result<SealOutcome, SealError> {
    let refuse = |m: String| Err(SealError::Refused(m));
    let tn = text_name.display();
    // What check and diff can read back whole.
    if text.len() as u64 > MAX_TEXT {
        return refuse(format!(
            "{tn}: {} bytes is more than vellum archives hold ({} bytes)",
            text.len(),
            MAX_TEXT
        ));
    }
    let (decoded, _) =
        crate::text::decode::decode(text).map_err(|e| SealError::Refused(format!("{tn}: {e}")))?;
    let canon = Canonical::new(&decoded);
    // From here on the canonical blocks hold the text.
    drop(decoded);
    if canon.blocks.is_empty() {
        return refuse(format!("{tn}: the text is empty (nothing but white space)"));
    }
    let mut warnings = Vec::new();
    for w in &canon.warnings {
        let risky = matches!(w.kind, WarningKind::Bidi | WarningKind::Tag);
        if risky && !opts.allow_bidi {
            return refuse(format!(
                "{tn}: line {}: {} {} can make readers see something other than the text; pass --allow-bidi to seal it anyway (it is recorded as a warning)",
                w.line, w.codepoint, w.name
            ));
        }
        let kind = serde_json::to_value(w.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        warnings.push(format!(
            "line {}: {} {} ({kind})",
            w.line, w.codepoint, w.name
        ));
    }
    let warnings = manifest::record_warnings(warnings);
    let canonical_text = canon.to_text();
    let secs = sections::split_owned_hashed(canon);

    // The existing archive, verified first.
    let opened: Option<Opened> = if archive_path.exists() {
        let mut keys = trusted.to_vec();
        if !keys.iter().any(|k| k.id == sk.public.id) {
            keys.push(sk.public.clone());
        }
        let v = verify::verify(archive_path, &keys, &|_, _| {})
            .map_err(|e| SealError::Io(e.to_string()))?;
        if !v.report.valid {
            return refuse(format!(
                "{}: does not verify, so nothing is appended ({})",
                archive_path.display(),
                v.report.problems_in_brief()
            ));
        }
        v.opened
    } else {
        None
    };
    let (archive_id, version, prev) = match &opened {
        Some(o) => {
            let last = o.versions.last().expect("a verified archive has versions");
            let m = &last.manifest;
            (
                o.paths.bag.clone(),
                m.version + 1,
                Some((m, last.manifest_sha256.clone())),
            )
        }
        None => (layout::id_from_path(archive_path), 1, None),
    };
    let mut key_change = None;
    if let Some((m, _)) = &prev {
        if m.original.sha256 == sha256(text) {
            return refuse(format!(
                "{tn}: identical to version {} of {}; nothing to seal",
                m.version,
                archive_path.display()
            ));
        }
        if m.signer_key_id != sk.public.id.to_string() {
            if !opts.allow_key_change {
                return refuse(format!(
                    "version {} was signed by key {}, this key is {}; pass --key-change to change keys (it is recorded in the manifest)",
                    m.version, m.signer_key_id, sk.public.id
                ));
            }
            key_change = Some(KeyChange {
                previous_key_id: m.signer_key_id.clone(),
            });
        }
    }
    let created = match &opts.created {
        Some(c) => manifest::normalize_time(c)
            .ok_or_else(|| SealError::Refused(format!("--time {c:?} is not an RFC 3339 time")))?,
        None => manifest::now_rfc3339(),
    };
    if let Some((m, _)) = &prev {
        if created < m.created {
            return refuse(format!(
                "created time {created} is earlier than version {}'s ({}); versions must not go back in time",
                m.version, m.created
            ));
        }
    }

    let starts: Vec<u64> = secs.iter().map(|s| s.start).collect();
    let m = Manifest {
        format: manifest::MANIFEST_FORMAT.into(),
        format_version: manifest::MANIFEST_FORMAT_VERSION,
        canonical_text: crate::text::canon::SPEC_ID.into(),
        archive_id: archive_id.clone(),
        version,
        created: created.clone(),
        message: opts.message.clone(),
        signer_key_id: sk.public.id.to_string(),
        key_change,
        original: FileEntry {
            path: ORIGINAL.into(),
            bytes: text.len() as u64,
            sha256: sha256(text),
        },
        canonical: FileEntry {
            path: CANONICAL.into(),
            bytes: canonical_text.len() as u64,
            sha256: sha256(canonical_text.as_bytes()),
        },
        sections: manifest::section_entries(&archive_id, version, &secs, &starts, sk),
        previous_manifest_sha256: prev.as_ref().map(|(_, h)| h.clone()),
        warnings: warnings.clone(),
    };
    let mbytes = m.to_canonical_json();
    let section_count = secs.len();
    if mbytes.len() as u64 > MAX_ENTRY_SIZE {
        return refuse(format!(
            "{tn}: {section_count} sections make a manifest of {} bytes, more than vellum archives hold",
            mbytes.len()
        ));
    }
    // The sections and the manifest are in `mbytes` now: not held while the
    // archive is compressed and written.
    drop((secs, starts, m));
    let manifest_sha256 = sha256(&mbytes);
    let trusted_comment = format!(
        "archive:{archive_id} version:{version} created:{created} manifest-sha256:{manifest_sha256}"
    );
    let [raw_n, mini_n, ssh_n] = layout::signature_names();
    let mut version_files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    version_files.insert(raw_n, sign::raw_signature(sk, &mbytes));
    version_files.insert(
        mini_n,
        sign::minisign_signature(sk, &mbytes, &trusted_comment).into_bytes(),
    );
    version_files.insert(ssh_n, sign::ssh_signature(sk, &mbytes).into_bytes());
    version_files.insert(MANIFEST.into(), mbytes);
    version_files.insert(CANONICAL.into(), canonical_text.into_bytes());
    version_files.insert(ORIGINAL.into(), text.to_vec());

    let digests: BTreeMap<String, String> = version_files
        .par_iter()
        .map(|(k, v)| (k.clone(), sha512(v)))
        .collect();
    let paths = Paths {
        bag: archive_id.clone(),
    };
    let mut inventory = match &opened {
        Some(o) => o.inventory.clone(),
        None => Inventory::new(&format!("urn:vellum:{archive_id}")),
    };
    let new_content = inventory.add_version(
        version,
        &digests,
        &created,
        &opts.message,
        ocfl::User {
            name: format!("vellum signer {}", sk.public.id),
            address: Some(format!("urn:vellum:key:{}", sk.public.id)),
        },
    );
    let inv_bytes = inventory.to_bytes();
    // Never write an archive that verify would refuse to read.
    ocfl::check_limits(&inv_bytes).map_err(|e| {
        SealError::Refused(format!(
            "{}: version {version} would make an inventory that {e}",
            archive_path.display()
        ))
    })?;
    let sidecar = ocfl::sidecar(&inv_bytes).into_bytes();

    // Payload: path relative to the bag -> where its bytes come from.
    let mut payload: BTreeMap<String, Source> = BTreeMap::new();
    let data = |rel: &str| format!("{}/{rel}", bag::DATA_DIR);
    if let Some(o) = &opened {
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
    } else {
        payload.insert(
            data(ocfl::NAMASTE_NAME),
            Source::New(ocfl::NAMASTE_TEXT.as_bytes().to_vec()),
        );
    }
    let vname = ocfl::version_name(version);
    for (logical, content_path) in new_content {
        let bytes = version_files.remove(&logical).expect("logical file exists");
        payload.insert(data(&content_path), Source::New(bytes));
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

    // Bag manifests: known digests for copied files, fresh ones for new.
    let old_manifest = match &opened {
        Some(o) => o
            .zip
            .read_small(&o.paths.tag(bag::MANIFEST_NAME))
            .ok()
            .and_then(|b| bag::parse_manifest(&String::from_utf8_lossy(&b)).ok())
            .unwrap_or_default(),
        None => BTreeMap::new(),
    };
    let mut manifest_lines = BTreeMap::new();
    let mut octets = 0u64;
    for (rel, src) in &payload {
        let digest = match src {
            Source::New(b) => sha256(b),
            Source::Existing(_) => old_manifest
                .get(rel)
                .cloned()
                .ok_or_else(|| SealError::Refused(format!("{rel}: not in the bag manifest")))?,
        };
        octets += match src {
            Source::New(b) => b.len() as u64,
            Source::Existing(name) => opened
                .as_ref()
                .and_then(|o| o.zip.get(name))
                .map(|e| e.size)
                .unwrap_or(0),
        };
        manifest_lines.insert(rel.clone(), digest);
    }
    let manifest_text = bag::manifest_text(&manifest_lines);
    let bag_info = bag::bag_info(
        layout::ARCHIVE_FORMAT,
        &archive_id,
        &created[..10.min(created.len())],
        octets,
        payload.len(),
        version,
    );
    let mut tags: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    tags.insert(bag::BAGIT_NAME.into(), bag::BAGIT_TXT.as_bytes().to_vec());
    tags.insert(bag::BAG_INFO_NAME.into(), bag_info.into_bytes());
    tags.insert(bag::MANIFEST_NAME.into(), manifest_text.into_bytes());
    let tag_lines: BTreeMap<String, String> =
        tags.iter().map(|(k, v)| (k.clone(), sha256(v))).collect();
    tags.insert(
        bag::TAGMANIFEST_NAME.into(),
        bag::manifest_text(&tag_lines).into_bytes(),
    );

    let mut all: BTreeMap<String, Source> = BTreeMap::new();
    for (rel, src) in payload {
        all.insert(paths.tag(&rel), src);
    }
    for (rel, b) in tags {
        all.insert(paths.tag(&rel), Source::New(b));
    }
    write_atomically(archive_path, all, opened.as_ref().map(|o| &o.zip))?;
    Ok(SealOutcome {
        archive: archive_path.to_owned(),
        archive_id,
        version,
        sections: section_count,
        manifest_sha256,
        signer_key_id: sk.public.id.to_string(),
        warnings,
    })
}

/// Write entries (sorted by name) to a temporary file beside `dest`, sync it,
/// then rename it over `dest`: readers see the old archive or the new one,
/// never half of one.
fn write_atomically(
    dest: &Path,
    entries: BTreeMap<String, Source>,
    old: Option<&ZipIn>,
) -> Result<(), SealError> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let io = |e: std::io::Error| SealError::Io(format!("{}: {e}", dest.display()));
    let tmp = tempfile::Builder::new()
        .prefix(".vellum-")
        .suffix(".zip.tmp")
        .tempfile_in(&dir)
        .map_err(|e| {
            SealError::Io(format!(
                "{}: cannot create a temporary file: {e}",
                dir.display()
            ))
        })?;
    // Archives are for publishing: readable by all, like a file `cp` makes
    // (an existing archive keeps its mode).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dest)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    let file = tmp.reopen().map_err(io)?;
    // Compress new entries on all cores, then write everything in order.
    let prepared: BTreeMap<&String, std::io::Result<zip::write::PreparedZipFile>> = entries
        .par_iter()
        .filter_map(|(name, src)| match src {
            Source::New(b) => Some((name, prepare(name, b))),
            Source::Existing(_) => None,
        })
        .collect();
    let mut prepared: BTreeMap<&String, _> = prepared
        .into_iter()
        .map(|(k, v)| v.map(|p| (k, p)))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    let mut out = ZipOut::new(file);
    let mut pending: Vec<String> = Vec::new();
    for (name, src) in &entries {
        match src {
            Source::Existing(old_name) => pending.push(old_name.clone()),
            Source::New(_) => {
                if let Some(o) = old {
                    o.copy_raw(&pending, &mut out)
                        .map_err(|e| SealError::Io(e.to_string()))?;
                }
                pending.clear();
                let p = prepared.remove(name).expect("prepared above");
                out.add_prepared(p).map_err(io)?;
            }
        }
    }
    if let Some(o) = old {
        o.copy_raw(&pending, &mut out)
            .map_err(|e| SealError::Io(e.to_string()))?;
    }
    let mut f = out.finish().map_err(io)?;
    f.flush().map_err(io)?;
    f.sync_all().map_err(io)?;
    tmp.persist(dest)
        .map_err(|e| SealError::Io(format!("{}: {}", dest.display(), e.error)))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let opts = SealOptions {
                message: "m".into(),
                created: Some("2020-01-01T00:00:00Z".into()),
                ..SealOptions::default()
            };
            seal(Path::new("t.txt"), t.as_bytes(), &sk, &path, &[], &opts).unwrap();
            let v = verify::verify(&path, std::slice::from_ref(&sk.public), &|_, _| {}).unwrap();
            assert!(v.report.valid, "{t:?}: {:?}", v.report.problems);
        }
    }
}
