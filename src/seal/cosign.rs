//! Co-signing (rules X1–X6 of docs/archive-format.md): another key's
//! signatures over a sealed version's checkpoint and manifest, added
//! without changing the version. OCFL versions are immutable, so the
//! signatures live beside the OCFL object, in the bag's tag folder
//! `cosignatures/vN/`, listed in the tag manifest: BagIt and OCFL
//! validators accept the archive as before, and the payload does not
//! change.

use super::write::with_tag_files;
use super::{manifest_signatures, SealError};
use crate::archive::layout::{self, CHECKPOINT, MANIFEST};
use crate::crypto::keys::{Fingerprint, SecretKey};
use crate::crypto::note;
use crate::digest::digests_par;
use crate::trust::Trust;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What co-signing did.
#[derive(Debug, Clone)]
pub struct CosignOutcome {
    /// The archive written.
    pub archive: PathBuf,
    /// Its id.
    pub archive_id: String,
    /// The version co-signed.
    pub version: u32,
    /// The co-signer.
    pub signer: Fingerprint,
    /// How the co-signer is named (N2).
    pub signer_name: String,
    /// How many keys sign the version now, sealers and co-signers.
    pub signers: usize,
}

/// X6: co-sign version `version` (the newest when `None`) of `archive`
/// with `sk`: the archive must verify against the trusted keys (and this
/// key); the key must not have signed the version already. The version's
/// files, the OCFL object and the payload manifest stay as they are; the
/// co-signer's files and the co-signed checkpoint are added, the tag
/// manifest made anew, the archive written atomically (W1).
pub fn cosign(
    archive: &Path,
    version: Option<u32>,
    sk: &SecretKey,
    key_file: &Path,
    trust: &Trust,
) -> Result<CosignOutcome, SealError> {
    let (verified, opened, n) = super::verified_version(archive, version, trust, &[sk], key_file)?;
    let fp = sk.public.fingerprint();
    let report = &verified.versions[n as usize - 1];
    let already = report
        .signers
        .iter()
        .chain(&report.cosigners)
        .any(|s| s.fingerprint == fp);
    if already {
        return Err(SealError::AlreadySigned {
            archive: archive.to_owned(),
            version: n,
            signer: fp,
        });
    }
    let io = |e: crate::archive::container::ReadError| SealError::Io {
        path: archive.to_owned(),
        error: std::io::Error::other(e.to_string()),
    };
    let header = &opened.versions[n as usize - 1].manifest;
    let mbytes = opened.read_text(n, MANIFEST).map_err(io)?;
    let mdigests = digests_par(&mbytes);
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let dir = layout::cosignature_dir(n);
    for (name, bytes) in manifest_signatures(
        sk,
        &header.archive_id,
        n,
        &header.created,
        &mbytes,
        &mdigests,
    ) {
        files.insert(format!("{dir}/{name}"), bytes);
    }
    let [.., pub_name] = layout::cosigner_files(n, &fp);
    files.insert(pub_name, sk.public.to_minisign().into_bytes());
    // X2: the co-signed checkpoint so far (the version's own when this is
    // the first co-signer), and this key's line after the others.
    let cosigned = layout::cosigned_checkpoint(n);
    let mut checkpoint = match opened.zip.get(&opened.paths.tag(&cosigned)) {
        Some(_) => opened
            .zip
            .read_tiny(&opened.paths.tag(&cosigned))
            .map_err(io)?,
        None => opened.read(n, CHECKPOINT).map_err(io)?,
    };
    let text = note::parse(&checkpoint)
        .map_err(|e| SealError::Invalid {
            archive: archive.to_owned(),
            problems: format!("v{n} {CHECKPOINT}: {e}"),
        })?
        .text;
    let signed =
        note::sign(&text, &[(&fp.note_name(), sk)]).expect("a checkpoint text ends with a newline");
    checkpoint.extend_from_slice(&signed.as_bytes()[text.len() + 1..]);
    files.insert(cosigned, checkpoint);
    with_tag_files(archive, &opened, files)?;
    Ok(CosignOutcome {
        archive: archive.to_owned(),
        archive_id: opened.paths.bag.clone(),
        version: n,
        signer: fp,
        signer_name: match trust.key(&fp) {
            Some(_) => trust.name(&fp),
            None => format!("key {fp} ({})", key_file.display()),
        },
        signers: report.signers.len() + report.cosigners.len() + 1,
    })
}
