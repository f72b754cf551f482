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
    /// Byte length of the section's text.
    pub len: u64,
    /// Printed number of a numbered point.
    pub number: Option<u32>,
    /// SHA-256 of the section's canonical text (lowercase hex).
    pub sha256: String,
    /// Ed25519 signature (hex) over the section message
    /// ([`crate::sign::section_message`]).
    pub signature: String,
    /// Byte offset of the section's text in the canonical text file.
    pub start: u64,
}

/// A stored file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Size in bytes.
    pub bytes: u64,
    /// Logical path inside the version.
    pub path: String,
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
    /// The archive's id (the bag's folder name).
    pub archive_id: String,
    /// Its canonical form.
    pub canonical: FileEntry,
    /// Canonical-text specification id, e.g. `vellum-text-v1`.
    pub canonical_text: String,
    /// When the version was sealed (RFC 3339, UTC).
    pub created: String,
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Format version; [`MANIFEST_FORMAT_VERSION`] for this build.
    pub format_version: u32,
    /// Set when this version is signed by a different key than the last.
    pub key_change: Option<KeyChange>,
    /// The publisher's message.
    pub message: String,
    /// The text exactly as submitted.
    pub original: FileEntry,
    /// SHA-256 of the previous version's manifest file; null for version 1.
    pub previous_manifest_sha256: Option<String>,
    /// Every section, in order.
    pub sections: Vec<SectionEntry>,
    /// Key id of the signer, as minisign shows it.
    pub signer_key_id: String,
    /// Version number, from 1.
    pub version: u32,
    /// Warnings recorded at sealing (e.g. allowed bidi controls).
    pub warnings: Vec<String>,
}

impl Manifest {
    /// The canonical bytes (RFC 8785 form) that are stored and signed.
    pub fn to_canonical_json(&self) -> Vec<u8> {
        // The structs declare their fields in sorted order (code point order,
        // which equals RFC 8785's UTF-16 order for these ASCII keys), so
        // serde writes the keys sorted without building a value tree (a
        // manifest of a large text has hundreds of thousands of sections).
        // Integers and strings are written as RFC 8785 writes them; no
        // floats are used. A test holds this equal to the sorted-tree form.
        serde_json::to_vec(self).expect("manifest is serializable")
    }

    /// Whether `bytes` are this manifest's canonical form, compared through
    /// a hash so that no second copy of a large manifest is made.
    pub fn is_canonical_form_of(&self, bytes: &[u8]) -> bool {
        use sha2::Digest;
        struct H(sha2::Sha256, u64);
        impl std::io::Write for H {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.update(b);
                self.1 += b.len() as u64;
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut h = H(sha2::Sha256::new(), 0);
        if serde_json::to_writer(&mut h, self).is_err() {
            return false;
        }
        h.1 == bytes.len() as u64
            && h.0.finalize().as_slice() == sha2::Sha256::digest(bytes).as_slice()
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
        if !m.is_canonical_form_of(bytes) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            archive_id: "a".into(),
            canonical: FileEntry {
                bytes: 3,
                path: "canonical.txt".into(),
                sha256: "ab".into(),
            },
            canonical_text: crate::canon::SPEC_ID.into(),
            created: "2014-02-08T18:00:00Z".into(),
            format: MANIFEST_FORMAT.into(),
            format_version: MANIFEST_FORMAT_VERSION,
            key_change: Some(KeyChange {
                previous_key_id: "K".into(),
            }),
            message: "m \u{2019} \"q\" \u{1}".into(),
            original: FileEntry {
                bytes: 4,
                path: "original.txt".into(),
                sha256: "cd".into(),
            },
            previous_manifest_sha256: None,
            sections: vec![SectionEntry {
                id: "point-1".into(),
                kind: crate::sections::Kind::Point,
                len: 5,
                number: Some(1),
                sha256: "ef".into(),
                signature: "00".into(),
                start: 3,
            }],
            signer_key_id: "K2".into(),
            version: 2,
            warnings: vec!["w".into()],
        }
    }

    #[test]
    fn struct_order_is_sorted_key_order() {
        let m = sample();
        let tree = serde_json::to_vec(&serde_json::to_value(&m).unwrap()).unwrap();
        assert_eq!(m.to_canonical_json(), tree);
        assert!(m.is_canonical_form_of(&tree));
        let mut other = tree.clone();
        other.push(b' ');
        assert!(!m.is_canonical_form_of(&other));
        assert_eq!(Manifest::parse(&tree).unwrap(), m);
    }
}
