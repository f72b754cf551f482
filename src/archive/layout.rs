//! The archive's layout: where each file of a sealed version lives inside the
//! zip, the BagIt bag and the OCFL object (specified in
//! `docs/archive-format.md`).
//!
//! ```text
//! NAME.zip
//! └── NAME/                          BagIt 1.0 bag (NAME = archive id)
//!     ├── bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
//!     └── data/                      OCFL 1.1 object
//!         ├── 0=ocfl_object_1.1  inventory.json  inventory.json.sha512
//!         └── vN/
//!             ├── inventory.json  inventory.json.sha512
//!             └── content/           only files new in vN
//!                 ├── original.txt   the text exactly as submitted
//!                 ├── manifest.json  the signed version manifest
//!                 ├── manifest.json.<TAG>.sig  .minisig  .sshsig   one set per signer
//!                 └── checkpoint     the signed tree checkpoint
//!     └── cosignatures/vN/           signatures added later (X1–X4): a bag tag folder
//!         ├── checkpoint             vN's checkpoint with every signature line
//!         └── manifest.json.<TAG>.sig  .minisig  .sshsig  <TAG>.pub   one set per co-signer
//!     └── timestamps/vN/             RFC 3161 tokens over vN's checkpoint (T1): a bag tag folder
//!         └── <NAME>.tsr             one TimeStampResp per token
//! ```
//!
//! The canonical text is not stored: it is derived from the original
//! (rule O4), so the archive holds the text once.

use crate::archive::bag::DATA_DIR;
use crate::archive::ocfl::{version_name, INVENTORY_NAME, SIDECAR_NAME};
use crate::crypto::keys::Fingerprint;

/// Format id of the archive as a whole (in bag-info.txt, B2).
pub const ARCHIVE_FORMAT: &str = "vellum-archive-v2";
/// Logical name of the submitted text.
pub const ORIGINAL: &str = "original.txt";
/// Logical name of the version manifest.
pub const MANIFEST: &str = "manifest.json";
/// Logical name of the signed checkpoint.
pub const CHECKPOINT: &str = "checkpoint";

/// The bag's tag folder of co-signatures (X1): outside the OCFL object,
/// whose versions are immutable.
pub const COSIGNATURES_DIR: &str = "cosignatures";
/// What a co-signer's public key file in it ends with (X3).
pub const COSIGNER_KEY_SUFFIX: &str = ".pub";

/// The bag's tag folder of trusted timestamps (T1), beside the
/// co-signatures.
pub const TIMESTAMPS_DIR: &str = "timestamps";
/// What a token file in it ends with (T1).
pub const TOKEN_SUFFIX: &str = ".tsr";

/// The bag-relative folder of a version's timestamps (T1).
pub fn timestamp_dir(version: u32) -> String {
    format!("{TIMESTAMPS_DIR}/{}", version_name(version))
}

/// The bag-relative name of a token file (T1): named by the first 32 hex
/// digits of its SHA-256, so the same token is one file.
pub fn token_file(version: u32, token: &[u8]) -> String {
    let digest = crate::digest::sha256(token);
    format!("{}/{}{TOKEN_SUFFIX}", timestamp_dir(version), &digest[..32])
}

/// The bag-relative folder of a version's co-signatures (X1).
pub fn cosignature_dir(version: u32) -> String {
    format!("{COSIGNATURES_DIR}/{}", version_name(version))
}

/// The bag-relative names of one co-signer's files for a version (X3): its
/// three manifest signatures ([`signature_names`]) and its public key.
pub fn cosigner_files(version: u32, signer: &Fingerprint) -> [String; 4] {
    let dir = cosignature_dir(version);
    let [raw, mini, ssh] = signature_names(signer);
    [
        format!("{dir}/{raw}"),
        format!("{dir}/{mini}"),
        format!("{dir}/{ssh}"),
        format!("{dir}/{}{COSIGNER_KEY_SUFFIX}", signer.file_tag()),
    ]
}

/// The bag-relative name of a version's co-signed checkpoint (X2).
pub fn cosigned_checkpoint(version: u32) -> String {
    format!("{}/{CHECKPOINT}", cosignature_dir(version))
}

/// Logical names of one signer's detached manifest signatures (O4):
/// `manifest.json.<TAG>.sig`, `.minisig`, `.sshsig`, TAG being
/// [`Fingerprint::file_tag`].
pub fn signature_names(signer: &Fingerprint) -> [String; 3] {
    let tag = signer.file_tag();
    [
        format!("{MANIFEST}.{tag}{}", crate::crypto::sign::SUFFIX_RAW),
        format!("{MANIFEST}.{tag}{}", crate::crypto::sign::SUFFIX_MINISIGN),
        format!("{MANIFEST}.{tag}{}", crate::crypto::sign::SUFFIX_SSH),
    ]
}

/// Zip paths, given the bag (archive id).
#[derive(Debug, Clone)]
pub struct Paths {
    /// The bag folder = archive id.
    pub bag: String,
}

impl Paths {
    /// A tag file of the bag.
    pub fn tag(&self, name: &str) -> String {
        format!("{}/{name}", self.bag)
    }
    /// A file of the OCFL object, from a path relative to the object root.
    pub fn object(&self, rel: &str) -> String {
        format!("{}/{DATA_DIR}/{rel}", self.bag)
    }
    /// The root inventory.
    pub fn root_inventory(&self) -> String {
        self.object(INVENTORY_NAME)
    }
    /// The root inventory's sidecar.
    pub fn root_sidecar(&self) -> String {
        self.object(SIDECAR_NAME)
    }
    /// A version's inventory.
    pub fn version_inventory(&self, n: u32) -> String {
        self.object(&format!("{}/{INVENTORY_NAME}", version_name(n)))
    }
    /// A version's inventory sidecar.
    pub fn version_sidecar(&self, n: u32) -> String {
        self.object(&format!("{}/{SIDECAR_NAME}", version_name(n)))
    }
}

/// Is this a valid archive id (and so bag folder name)?
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && !id.starts_with('.')
}

/// The archive id for an archive file name: its stem, lower-cased, with
/// characters outside `[a-z0-9._-]` replaced by `-`.
pub fn id_from_path(path: &std::path::Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id: String = stem
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut id = id.trim_start_matches('.').to_owned();
    id.truncate(100);
    if id.is_empty() {
        "text".to_owned()
    } else {
        id
    }
}
