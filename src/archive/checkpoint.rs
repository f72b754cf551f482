//! A version's checkpoint (rules P1–P4 of docs/archive-format.md): a C2SP
//! tlog-checkpoint (`c2sp.org/tlog-checkpoint`), signed as a C2SP signed
//! note by each signer of the version.
//!
//! ```text
//! vellum/paris-2014-02-08/v1                       origin: archive and version
//! 30                                               tree size
//! 2zGc...=                                         tree root, padded base64
//! format vellum-checkpoint-v1                      extension lines (P2)
//! original-sha256 7282...
//! canonical-sha256 2444...
//! manifest-sha256 7811...
//! previous-checkpoint-sha256 none
//! signer SHA256:...
//!
//! — vellum-1a2b... <base64(key hash || signature)>
//! ```
//!
//! The origin names the archive and the version, so a signer never signs
//! two checkpoints for one origin that disagree (P1): every version has its
//! own tree.

use crate::archive::layout::valid_id;
use crate::crypto::keys::{Fingerprint, SecretKey, TrustedKey};
use crate::crypto::merkle::Hash;
use crate::crypto::note::{self, Note, NoteError, SignatureState};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use std::fmt;

/// What every origin starts with (P1).
pub(crate) const ORIGIN_PREFIX: &str = "vellum/";
/// Format id of the checkpoint body, its first extension line (P2).
pub(crate) const CHECKPOINT_FORMAT: &str = "vellum-checkpoint-v1";
/// What the previous-checkpoint line says for version 1.
pub(crate) const NO_PREVIOUS: &str = "none";
/// Most signers a checkpoint names.
pub const MAX_SIGNERS: usize = 16;

/// A checkpoint's content (P1, P2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The archive id.
    pub archive_id: String,
    /// The version number, from 1.
    pub version: u32,
    /// Number of sections (leaves).
    pub size: u64,
    /// The tree's root.
    pub root: Hash,
    /// SHA-256 of `original.txt`, lowercase hex.
    pub original_sha256: String,
    /// SHA-256 of the canonical text, lowercase hex.
    pub canonical_sha256: String,
    /// SHA-256 of `manifest.json`, lowercase hex.
    pub manifest_sha256: String,
    /// SHA-256 of the previous version's `checkpoint` file (None for v1).
    pub previous_checkpoint_sha256: Option<String>,
    /// The version's signers, as its manifest lists them.
    pub signers: Vec<Fingerprint>,
}

/// Why a checkpoint could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointError {
    /// The signed note around it is malformed.
    Note(NoteError),
    /// The note's text is not a vellum checkpoint; the line, from 1.
    Line(usize, &'static str),
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckpointError::Note(e) => e.fmt(f),
            CheckpointError::Line(n, what) => write!(f, "checkpoint line {n}: {what}"),
        }
    }
}

impl std::error::Error for CheckpointError {}

/// The origin of a version's checkpoint (P1).
pub fn origin(archive_id: &str, version: u32) -> String {
    format!("{ORIGIN_PREFIX}{archive_id}/v{version}")
}

/// Read an origin back into archive id and version.
pub fn parse_origin(s: &str) -> Option<(String, u32)> {
    let rest = s.strip_prefix(ORIGIN_PREFIX)?;
    let (id, v) = rest.rsplit_once("/v")?;
    let version = parse_decimal(v)?;
    (valid_id(id) && version > 0 && version <= u32::MAX as u64)
        .then(|| (id.to_owned(), version as u32))
}

/// A decimal number without leading zeros or signs.
fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Checkpoint {
    /// Its origin line.
    pub fn origin(&self) -> String {
        origin(&self.archive_id, self.version)
    }

    /// The note text: the lines of P1 and P2, each ending in a newline.
    pub fn text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\nformat {CHECKPOINT_FORMAT}\noriginal-sha256 {}\ncanonical-sha256 {}\nmanifest-sha256 {}\nprevious-checkpoint-sha256 {}\n",
            self.origin(),
            self.size,
            B64.encode(self.root),
            self.original_sha256,
            self.canonical_sha256,
            self.manifest_sha256,
            self.previous_checkpoint_sha256.as_deref().unwrap_or(NO_PREVIOUS),
        );
        for fp in &self.signers {
            s.push_str(&format!("signer {fp}\n"));
        }
        s
    }

    /// Read a note text as a checkpoint: exactly the form [`Checkpoint::text`]
    /// writes (P2).
    pub fn parse_text(text: &str) -> Result<Checkpoint, CheckpointError> {
        let lines: Vec<&str> = text
            .strip_suffix('\n')
            .unwrap_or(text)
            .split('\n')
            .collect();
        let line = |n: usize| lines.get(n - 1).copied().unwrap_or("");
        let bad = |n, what| Err(CheckpointError::Line(n, what));
        let Some((archive_id, version)) = parse_origin(line(1)) else {
            return bad(1, "not a vellum origin (vellum/ARCHIVE/vN)");
        };
        let Some(size) = parse_decimal(line(2)) else {
            return bad(2, "the tree size is not a decimal number");
        };
        let root: Hash = match B64.decode(line(3)).ok().and_then(|r| r.try_into().ok()) {
            Some(r) if B64.encode(r) == line(3) => r,
            _ => return bad(3, "the root is not 32 bytes of padded base64"),
        };
        if line(4) != format!("format {CHECKPOINT_FORMAT}") {
            return bad(4, "not a vellum-checkpoint-v1 checkpoint");
        }
        let mut hashes = Vec::new();
        for (n, key) in [
            (5, "original-sha256"),
            (6, "canonical-sha256"),
            (7, "manifest-sha256"),
        ] {
            match line(n).strip_prefix(key).and_then(|r| r.strip_prefix(' ')) {
                Some(h) if is_hex64(h) => hashes.push(h.to_owned()),
                _ => return bad(n, "expected a SHA-256 line"),
            }
        }
        let previous = match line(8).strip_prefix("previous-checkpoint-sha256 ") {
            Some(NO_PREVIOUS) if version == 1 => None,
            Some(h) if is_hex64(h) && version > 1 => Some(h.to_owned()),
            _ => {
                return bad(
                    8,
                    "expected the previous checkpoint's SHA-256 (none for version 1)",
                )
            }
        };
        let mut signers = Vec::new();
        for (i, l) in lines.iter().enumerate().skip(8) {
            match l.strip_prefix("signer ").and_then(Fingerprint::parse) {
                Some(fp) if !signers.contains(&fp) && signers.len() < MAX_SIGNERS => {
                    signers.push(fp)
                }
                _ => return bad(i + 1, "expected a signer line (signer SHA256:...)"),
            }
        }
        if signers.is_empty() {
            return bad(9, "no signer line");
        }
        let cp = Checkpoint {
            archive_id,
            version,
            size,
            root,
            original_sha256: hashes[0].clone(),
            canonical_sha256: hashes[1].clone(),
            manifest_sha256: hashes[2].clone(),
            previous_checkpoint_sha256: previous,
            signers,
        };
        if cp.text() != text {
            return bad(lines.len(), "not in the one form vellum writes");
        }
        Ok(cp)
    }

    /// The signed note (P3): the text, signed by each key under its note
    /// name.
    pub fn sign(&self, keys: &[&SecretKey]) -> String {
        let names: Vec<String> = keys
            .iter()
            .map(|k| k.public.fingerprint().note_name())
            .collect();
        let signers: Vec<(&str, &SecretKey)> = names
            .iter()
            .map(String::as_str)
            .zip(keys.iter().copied())
            .collect();
        note::sign(&self.text(), &signers).expect("a checkpoint text ends with a newline")
    }
}

/// A checkpoint file as read: the checkpoint and its note.
#[derive(Debug, Clone)]
pub struct SignedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The note (text and signature lines).
    pub note: Note,
}

impl SignedCheckpoint {
    /// Read a checkpoint file (P3).
    pub fn parse(bytes: &[u8]) -> Result<SignedCheckpoint, CheckpointError> {
        let note = note::parse(bytes).map_err(CheckpointError::Note)?;
        Ok(SignedCheckpoint {
            checkpoint: Checkpoint::parse_text(&note.text)?,
            note,
        })
    }

    /// Whether this key signed it (P4): a line under the key's note name
    /// and key hash whose signature verifies.
    pub fn signed_by(&self, key: &TrustedKey) -> SignatureState {
        self.note
            .signed_by(&key.fingerprint().note_name(), &key.key)
    }

    /// The trusted keys whose signature lines verify, in trust order.
    pub fn trusted_signers<'k>(&self, trusted: &'k [TrustedKey]) -> Vec<&'k TrustedKey> {
        trusted
            .iter()
            .filter(|k| self.signed_by(k) == SignatureState::Valid)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Checkpoint {
        Checkpoint {
            archive_id: "paris-2014-02-08".into(),
            version: 2,
            size: 30,
            root: [9; 32],
            original_sha256: "1".repeat(64),
            canonical_sha256: "2".repeat(64),
            manifest_sha256: "3".repeat(64),
            previous_checkpoint_sha256: Some("4".repeat(64)),
            signers: vec![SecretKey::from_seed(&[1; 32]).public.fingerprint()],
        }
    }

    #[test]
    fn a_checkpoint_reads_back_exactly() {
        let cp = sample();
        let t = cp.text();
        assert!(t.starts_with("vellum/paris-2014-02-08/v2\n30\nCQkJ"), "{t}");
        assert_eq!(Checkpoint::parse_text(&t), Ok(cp.clone()));
        let v1 = Checkpoint {
            version: 1,
            previous_checkpoint_sha256: None,
            ..cp.clone()
        };
        assert!(v1.text().contains("\nprevious-checkpoint-sha256 none\n"));
        assert_eq!(Checkpoint::parse_text(&v1.text()), Ok(v1));
        for (bad, line) in [
            (t.replace("/v2\n", "/v02\n"), 1),
            (t.replace("vellum/", "other/"), 1),
            (t.replace("\n30\n", "\n030\n"), 2),
            (t.replace("\n30\n", "\n-30\n"), 2),
            (t.replacen("CQkJ", "CQk*", 1), 3),
            (t.replace("=\n", "\n"), 3),
            (t.replace("vellum-checkpoint-v1", "vellum-checkpoint-v2"), 4),
            (t.replace(&"1".repeat(64), &"1".repeat(63)), 5),
            (t.replace(&"2".repeat(64), &"A".repeat(64)), 6),
            (t.replace(&"4".repeat(64), "none"), 8),
            (t.replace("signer SHA256:", "signer SHA1:"), 9),
            (format!("{t}extra line\n"), 10),
            (t.replace("\n", "\n\n").replacen("\n\n", "\n", 1), 3),
        ] {
            assert!(
                matches!(Checkpoint::parse_text(&bad), Err(CheckpointError::Line(n, _)) if n == line),
                "{bad:?}: {:?}",
                Checkpoint::parse_text(&bad)
            );
        }
        let first_line_only = "vellum/a/v1\n";
        assert!(Checkpoint::parse_text(first_line_only).is_err());
    }

    #[test]
    fn origins() {
        assert_eq!(origin("a", 3), "vellum/a/v3");
        assert_eq!(parse_origin("vellum/a.b-c/v12"), Some(("a.b-c".into(), 12)));
        for bad in [
            "vellum/a/v0",
            "vellum/A/v1",
            "vellum//v1",
            "vellum/a/v",
            "x/a/v1",
            "vellum/a/v1 ",
        ] {
            assert_eq!(parse_origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn signed_checkpoints_verify_by_key_bytes() {
        let sk = SecretKey::from_seed(&[1; 32]);
        let other = SecretKey::from_seed(&[2; 32]);
        let cp = sample();
        let signed = cp.sign(&[&sk]);
        let read = SignedCheckpoint::parse(signed.as_bytes()).unwrap();
        assert_eq!(read.checkpoint, cp);
        let trusted = |k: &SecretKey| TrustedKey {
            key: k.public.clone(),
            source: "k.pub".into(),
        };
        assert_eq!(read.signed_by(&trusted(&sk)), SignatureState::Valid);
        assert_eq!(read.signed_by(&trusted(&other)), SignatureState::Absent);
        // The other key with the signer's id is still another key.
        let forged = TrustedKey {
            key: crate::crypto::keys::PublicKey {
                id: sk.public.id,
                key: other.public.key,
            },
            source: "forged.pub".into(),
        };
        assert_eq!(read.signed_by(&forged), SignatureState::Absent);
        assert!(read.trusted_signers(&[forged, trusted(&other)]).is_empty());
        let tampered = signed.replacen("\n30\n", "\n31\n", 1);
        let read = SignedCheckpoint::parse(tampered.as_bytes()).unwrap();
        assert_eq!(read.signed_by(&trusted(&sk)), SignatureState::Invalid);
    }
}
