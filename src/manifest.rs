//! The version manifest: what one sealed version says about itself, in a
//! canonical JSON byte form (RFC 8785: keys sorted, no insignificant white
//! space, integers only), signed by the publisher.

use crate::sections::{Kind, Section};
use serde::{Deserialize, Serialize};

/// Format id of a version manifest.
pub const MANIFEST_FORMAT: &str = "vellum-manifest";
/// Version of the manifest format written by this build.
pub const MANIFEST_FORMAT_VERSION: u32 = 1;

/// One section as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionEntry {
    /// Stable id, e.g. `point-7`.
    pub id: String,
    /// Kind of section.
    pub kind: Kind,
    /// Printed number of a numbered point.
    pub number: Option<u32>,
    /// Byte offset of the section's text in the canonical text file.
    pub start: u64,
    /// Byte length of the section's text.
    pub len: u64,
    /// SHA-256 of the section's canonical text (lowercase hex).
    pub sha256: String,
    /// Ed25519 signature (hex) over the section message
    /// ([`crate::sign::section_message`]).
    pub signature: String,
}

/// A stored file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Logical path inside the version.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 (lowercase hex).
    pub sha256: String,
}

/// A deliberate change of signing key, recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyChange {
    /// Key id of the previous version's signer.
    pub previous_key_id: String,
}

/// The signed manifest of one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Format version; [`MANIFEST_FORMAT_VERSION`] for this build.
    pub format_version: u32,
    /// Canonical-text specification id, e.g. `vellum-text-v1`.
    pub canonical_text: String,
    /// The archive's id (the bag's folder name).
    pub archive_id: String,
    /// Version number, from 1.
    pub version: u32,
    /// When the version was sealed (RFC 3339, UTC).
    pub created: String,
    /// The publisher's message.
    pub message: String,
    /// Key id of the signer, as minisign shows it.
    pub signer_key_id: String,
    /// Set when this version is signed by a different key than the last.
    pub key_change: Option<KeyChange>,
    /// The text exactly as submitted.
    pub original: FileEntry,
    /// Its canonical form.
    pub canonical: FileEntry,
    /// Every section, in order.
    pub sections: Vec<SectionEntry>,
    /// SHA-256 of the previous version's manifest file; null for version 1.
    pub previous_manifest_sha256: Option<String>,
    /// Warnings recorded at sealing (e.g. allowed bidi controls).
    pub warnings: Vec<String>,
}

impl Manifest {
    /// The canonical bytes (RFC 8785 form) that are stored and signed.
    pub fn to_canonical_json(&self) -> Vec<u8> {
        // serde_json::Value keeps object keys in a BTreeMap (sorted by code
        // point, which equals UTF-16 order for our ASCII keys); integers and
        // strings are written as RFC 8785 writes them; no floats are used.
        let v = serde_json::to_value(self).expect("manifest is serializable");
        serde_json::to_vec(&v).expect("value is serializable")
    }

    /// Parse manifest bytes, insisting they are in canonical form.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        let m: Manifest =
            serde_json::from_slice(bytes).map_err(|e| format!("not a vellum manifest: {e}"))?;
        if m.format != MANIFEST_FORMAT {
            return Err(format!("unknown manifest format {:?}", m.format));
        }
        if m.format_version != MANIFEST_FORMAT_VERSION {
            return Err(format!(
                "manifest format version {} is not supported by this vellum (knows {})",
                m.format_version, MANIFEST_FORMAT_VERSION
            ));
        }
        if m.canonical_text != crate::canon::SPEC_ID {
            return Err(format!(
                "canonical text {:?} is not supported (knows {})",
                m.canonical_text,
                crate::canon::SPEC_ID
            ));
        }
        if m.to_canonical_json() != bytes {
            return Err("manifest is not in canonical JSON form".into());
        }
        Ok(m)
    }
}

/// Manifest entries for sections, signed. `starts` gives each section's
/// byte offset in the canonical text.
pub fn section_entries(
    archive_id: &str,
    version: u32,
    sections: &[Section],
    starts: &[u64],
    sk: &crate::keys::SecretKey,
) -> Vec<SectionEntry> {
    use rayon::prelude::*;
    sections
        .par_iter()
        .zip(starts.par_iter())
        .map(|(s, &start)| SectionEntry {
            id: s.id.clone(),
            kind: s.kind,
            number: s.number,
            start,
            len: s.text.len() as u64,
            signature: crate::sign::sign_hex(
                sk,
                &crate::sign::section_message(archive_id, version, &s.id, &s.sha256),
            ),
            sha256: s.sha256.clone(),
        })
        .collect()
}
