//! Checking proof files (rules R4–R6 of docs/archive-format.md): a
//! section's text against its leaf, the leaf against the path and the
//! signed root, the checkpoint's signature against trusted keys, and what
//! the proof says it is against its checkpoint's origin.

use super::SignerReport;
use crate::archive::checkpoint::{CheckpointError, SignedCheckpoint};
use crate::archive::proof::{self, ProofError, SectionProof};
use crate::archive::tree::{Leaf, LeafError};
use crate::crypto::merkle::{self, PathError};
use crate::crypto::note::SignatureState;
use crate::digest::sha256;
use crate::trust::Trust;
use serde::Serialize;
use std::fmt;

/// What a proof proves.
#[derive(Debug, Clone, Serialize)]
pub struct Proven {
    /// The section id.
    pub section: String,
    /// The archive id.
    pub archive: String,
    /// The version.
    pub version: u32,
    /// The section's index among the version's sections, from 0.
    pub index: u64,
    /// How many sections the version has.
    pub sections: u64,
    /// The trusted keys that signed the checkpoint.
    pub signers: Vec<SignerReport>,
    /// The section's canonical text.
    pub text: String,
}

impl Proven {
    /// One line: what is proven and who signed it.
    pub fn describe(&self) -> String {
        let by: Vec<String> = self.signers.iter().map(SignerReport::describe).collect();
        format!(
            "{} of {} version {}, section {} of {}, signed by {}",
            self.section,
            self.archive,
            self.version,
            self.index + 1,
            self.sections,
            by.join(" and ")
        )
    }
}

/// Why a proof is rejected (R5): one line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The extra line is not a section leaf.
    Leaf(LeafError),
    /// The index line and the leaf's index differ.
    Index {
        /// The index line.
        line: u64,
        /// The leaf's.
        leaf: u64,
    },
    /// The proof says another section than its leaf.
    Section {
        /// What the proof says.
        claimed: String,
        /// The leaf's id.
        leaf: String,
    },
    /// The text does not hash to the leaf's hash (or has another length).
    Text,
    /// The checkpoint does not read.
    Checkpoint(CheckpointError),
    /// The proof says another archive or version than its checkpoint.
    Origin {
        /// What the proof says.
        claimed: String,
        /// The checkpoint's origin.
        origin: String,
    },
    /// A trusted key's signature line does not verify.
    BadSignature(String),
    /// No signature line of a trusted key (the names found).
    Untrusted(Vec<String>),
    /// The path does not prove the leaf in the signed tree.
    Path(PathError),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Leaf(e) => write!(f, "{e}"),
            Rejection::Index { line, leaf } => {
                write!(f, "the index line says {line}, the leaf says {leaf}")
            }
            Rejection::Section { claimed, leaf } => {
                write!(f, "the proof says it is {claimed}, its leaf is {leaf}")
            }
            Rejection::Text => {
                f.write_str("the text does not hash to its leaf's SHA-256 (the text was changed)")
            }
            Rejection::Checkpoint(e) => write!(f, "{e}"),
            Rejection::Origin { claimed, origin } => write!(
                f,
                "the proof says it is from {claimed}, its checkpoint is for {origin}"
            ),
            Rejection::BadSignature(k) => write!(
                f,
                "the checkpoint's signature by {k} does not verify (the checkpoint was changed)"
            ),
            Rejection::Untrusted(names) if names.is_empty() => {
                f.write_str("the checkpoint carries no signature")
            }
            Rejection::Untrusted(names) => write!(
                f,
                "the checkpoint carries no signature of a trusted key (signed by {})",
                names.join(", ")
            ),
            Rejection::Path(e) => write!(f, "{e}"),
        }
    }
}

/// What checking a file of proofs found.
#[derive(Debug)]
pub enum ProofFile {
    /// The file does not read as proofs at all.
    Malformed(ProofError),
    /// Each proof, proven or rejected.
    Proofs(Vec<Result<Proven, Rejection>>),
}

/// Whether bytes look like a proof file (R1), not an archive.
pub fn is_proof(bytes: &[u8]) -> bool {
    bytes.starts_with(format!("{}\n", proof::PROOF_FORMAT).as_bytes())
}

/// Check every proof of a file against trusted keys (R4–R6).
pub fn check_file(bytes: &[u8], trust: &Trust) -> ProofFile {
    match proof::parse_all(bytes) {
        Err(e) => ProofFile::Malformed(e),
        Ok(ps) => ProofFile::Proofs(ps.iter().map(|p| check(p, trust)).collect()),
    }
}

/// R5: check one proof, in order: its leaf, what it claims, its text, its
/// checkpoint and origin, the checkpoint's signatures, the path.
pub fn check(p: &SectionProof, trust: &Trust) -> Result<Proven, Rejection> {
    let trusted = &trust.keys[..];
    let leaf = Leaf::parse(&p.leaf).map_err(Rejection::Leaf)?;
    if leaf.index != p.index {
        return Err(Rejection::Index {
            line: p.index,
            leaf: leaf.index,
        });
    }
    if leaf.id != p.section {
        return Err(Rejection::Section {
            claimed: p.section.clone(),
            leaf: leaf.id.clone(),
        });
    }
    if sha256(p.text.as_bytes()) != leaf.sha256 || p.text.len() as u64 != leaf.len {
        return Err(Rejection::Text);
    }
    let signed = SignedCheckpoint::parse(&p.checkpoint).map_err(Rejection::Checkpoint)?;
    let cp = &signed.checkpoint;
    if cp.archive_id != p.archive_id || cp.version != p.version {
        return Err(Rejection::Origin {
            claimed: format!("{} version {}", p.archive_id, p.version),
            origin: format!("{} version {}", cp.archive_id, cp.version),
        });
    }
    let mut signers = Vec::new();
    // A proof says nothing of when it was sealed: standing at once.
    let now = crate::archive::manifest::now_rfc3339();
    for k in trusted {
        match signed.signed_by(k) {
            SignatureState::Valid => {
                signers.push(SignerReport::of(k.fingerprint(), trust, "", &now, true))
            }
            SignatureState::Invalid => {
                return Err(Rejection::BadSignature(k.fingerprint().to_string()))
            }
            SignatureState::Absent => {}
        }
    }
    // In the order of their lines: the sealers first, then the co-signers
    // (X2).
    signers.sort_by_key(|s| {
        let name = s.fingerprint.note_name();
        signed.note.signatures.iter().position(|l| l.name == name)
    });
    if signers.is_empty() {
        return Err(Rejection::Untrusted(
            signed
                .note
                .signatures
                .iter()
                .map(|s| s.name.clone())
                .collect(),
        ));
    }
    merkle::verify_inclusion(
        p.index,
        cp.size,
        &merkle::leaf_hash(&p.leaf),
        &p.path,
        &cp.root,
    )
    .map_err(Rejection::Path)?;
    Ok(Proven {
        section: leaf.id,
        archive: cp.archive_id.clone(),
        version: cp.version,
        index: p.index,
        sections: cp.size,
        signers,
        text: p.text.clone(),
    })
}
