//! C2SP signed notes (`c2sp.org/signed-note`, v1): a text ending in a
//! newline, a blank line, then one signature line per signer:
//!
//! ```text
//! <text>\n
//! \n
//! — <key name> base64(key hash (4 bytes, big-endian) || Ed25519 signature (64))\n
//! ```
//!
//! The signature covers the text with its final newline. The key hash is
//! the first four bytes of SHA-256(name || "\n" || 0x01 || public key), and
//! a verifier key is written `name+hex(key hash)+base64(0x01 || key)`, as
//! Go's `golang.org/x/mod/sumdb/note` writes and reads them.
//!
//! Written here (it is small) so that parsing is bounded and strict in the
//! ways this crate needs; the known-answer test below pins it to the key,
//! text and signature of Go's own tests.

use crate::crypto::keys::{PublicKey, SecretKey};
use crate::crypto::sign;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::Signer;
use sha2::{Digest, Sha256};
use std::fmt;

/// What starts each signature line: U+2014 EM DASH and a space.
pub(crate) const SIG_PREFIX: &str = "\u{2014} ";
/// The signature algorithm byte of Ed25519 keys.
pub(crate) const ALG_ED25519: u8 = 0x01;
/// Longest note read (bytes): vellum's checkpoints are under 2 KB.
pub const MAX_NOTE_BYTES: usize = 16 << 10;
/// Most signature lines read; C2SP asks verifiers to accept at least 16
/// (Go's reader stops at 100).
pub(crate) const MAX_SIGNATURES: usize = 100;

/// Why a note could not be read or signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteError {
    /// More than [`MAX_NOTE_BYTES`].
    TooLong(usize),
    /// Not UTF-8.
    NotUtf8,
    /// A control character other than a newline, at this byte offset.
    ControlCharacter(usize),
    /// No blank line before the signatures.
    NoSignatureBlock,
    /// The signature block does not end with a newline.
    Unterminated,
    /// A line of the signature block that is not a signature line (1-based
    /// line of the block).
    BadSignatureLine(usize),
    /// More than [`MAX_SIGNATURES`] signature lines.
    TooManySignatures,
    /// A key name with a space or `+`, or empty.
    BadKeyName(String),
    /// A text that does not end with a newline, or is empty.
    BadText,
}

impl fmt::Display for NoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoteError::TooLong(n) => write!(
                f,
                "a signed note of {n} bytes is longer than any vellum writes (at most {MAX_NOTE_BYTES})"
            ),
            NoteError::NotUtf8 => f.write_str("the signed note is not UTF-8"),
            NoteError::ControlCharacter(at) => write!(
                f,
                "the signed note holds a control character at byte {at}"
            ),
            NoteError::NoSignatureBlock => {
                f.write_str("the signed note has no blank line before its signatures")
            }
            NoteError::Unterminated => {
                f.write_str("the signed note's last signature line has no newline")
            }
            NoteError::BadSignatureLine(n) => write!(
                f,
                "signature line {n} of the signed note is malformed (\u{2014} NAME BASE64)"
            ),
            NoteError::TooManySignatures => write!(
                f,
                "the signed note has more than {MAX_SIGNATURES} signature lines"
            ),
            NoteError::BadKeyName(n) => write!(f, "{n:?} is not a valid note key name"),
            NoteError::BadText => f.write_str("a note's text must be non-empty and end with a newline"),
        }
    }
}

impl std::error::Error for NoteError {}

/// Whether a key name is valid: non-empty, no white space, no `+`.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(char::is_whitespace) && !name.contains('+')
}

/// The 4-byte key hash of a named Ed25519 key.
pub(crate) fn key_hash(name: &str, key: &PublicKey) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(key.key.as_bytes());
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

#[cfg(test)]
/// The verifier key string (`name+hash+base64`) that Go's
/// `note.NewVerifier` reads.
pub(crate) fn verifier_key(name: &str, key: &PublicKey) -> String {
    let mut raw = vec![ALG_ED25519];
    raw.extend_from_slice(key.key.as_bytes());
    format!("{name}+{:08x}+{}", key_hash(name, key), B64.encode(raw))
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key hash.
    pub hash: u32,
    /// The signature bytes after the key hash (64 for Ed25519; any length
    /// is kept, an unknown algorithm's included).
    pub signature: Vec<u8>,
}

/// A note as read: its text and signature lines, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, with its final newline.
    pub text: String,
    /// Every signature line, in order.
    pub signatures: Vec<NoteSignature>,
}

/// Sign a text with each named key, in order.
pub fn sign(text: &str, signers: &[(&str, &SecretKey)]) -> Result<String, NoteError> {
    if text.is_empty() || !text.ends_with('\n') {
        return Err(NoteError::BadText);
    }
    let mut out = String::with_capacity(text.len() + 1 + signers.len() * 128);
    out.push_str(text);
    out.push('\n');
    for (name, key) in signers {
        if !valid_name(name) {
            return Err(NoteError::BadKeyName((*name).to_owned()));
        }
        let mut raw = key_hash(name, &key.public).to_be_bytes().to_vec();
        raw.extend_from_slice(&key.signing.sign(text.as_bytes()).to_bytes());
        out.push_str(SIG_PREFIX);
        out.push_str(name);
        out.push(' ');
        out.push_str(&B64.encode(raw));
        out.push('\n');
    }
    Ok(out)
}

/// Parse a signed note: split at the last blank line, read every
/// signature line. Nothing is verified yet.
pub fn parse(msg: &[u8]) -> Result<Note, NoteError> {
    if msg.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLong(msg.len()));
    }
    let s = std::str::from_utf8(msg).map_err(|_| NoteError::NotUtf8)?;
    if let Some(at) = s.bytes().position(|b| b < 0x20 && b != b'\n') {
        return Err(NoteError::ControlCharacter(at));
    }
    let split = s.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
    let (text, sigs) = (&s[..split + 1], &s[split + 2..]);
    if sigs.is_empty() || !sigs.ends_with('\n') {
        return Err(NoteError::Unterminated);
    }
    let mut signatures = Vec::new();
    for (i, line) in sigs[..sigs.len() - 1].split('\n').enumerate() {
        if signatures.len() == MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        let bad = || NoteError::BadSignatureLine(i + 1);
        let rest = line.strip_prefix(SIG_PREFIX).ok_or_else(bad)?;
        let (name, b64) = rest.split_once(' ').ok_or_else(bad)?;
        if !valid_name(name) || b64.is_empty() {
            return Err(bad());
        }
        let raw = B64.decode(b64).map_err(|_| bad())?;
        if raw.len() < 5 {
            return Err(bad());
        }
        signatures.push(NoteSignature {
            name: name.to_owned(),
            hash: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
            signature: raw[4..].to_vec(),
        });
    }
    Ok(Note {
        text: text.to_owned(),
        signatures,
    })
}

impl Note {
    /// Whether a line signed by `name` verifies under `key` (its key hash
    /// must be the key's, and its signature strict Ed25519 over the text).
    pub fn signed_by(&self, name: &str, key: &PublicKey) -> SignatureState {
        let hash = key_hash(name, key);
        let mut state = SignatureState::Absent;
        for s in self
            .signatures
            .iter()
            .filter(|s| s.name == name && s.hash == hash)
        {
            if sign::verify_raw(key, self.text.as_bytes(), &s.signature) {
                return SignatureState::Valid;
            }
            state = SignatureState::Invalid;
        }
        state
    }
}

/// What a note says about one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureState {
    /// A line of this key verifies.
    Valid,
    /// Lines name this key, but none verifies.
    Invalid,
    /// No line names this key.
    Absent,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `sumdb/note` tests: the key "PeterNeumann" (seed after the
    /// 0x01 in `PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALV...`), its
    /// verifier key, and the exact signed note `note.Sign` writes.
    const GO_SKEY: &str = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const GO_SIGNED: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    fn peter() -> SecretKey {
        let raw = B64.decode(GO_SKEY).unwrap();
        assert_eq!(raw[0], ALG_ED25519);
        SecretKey::from_seed(&raw[1..].try_into().unwrap())
    }

    #[test]
    fn known_answer_from_go() {
        let k = peter();
        assert_eq!(verifier_key("PeterNeumann", &k.public), GO_VKEY);
        assert_eq!(key_hash("PeterNeumann", &k.public), 0xc74f20a3);
        assert_eq!(sign(GO_TEXT, &[("PeterNeumann", &k)]).unwrap(), GO_SIGNED);
        let n = parse(GO_SIGNED.as_bytes()).unwrap();
        assert_eq!(n.text, GO_TEXT);
        assert_eq!(
            n.signed_by("PeterNeumann", &k.public),
            SignatureState::Valid
        );
        let other = SecretKey::from_seed(&[1; 32]);
        assert_eq!(
            n.signed_by("PeterNeumann", &other.public),
            SignatureState::Absent
        );
        let tampered = GO_SIGNED.replacen("cryptography", "Cryptography", 1);
        assert_eq!(
            parse(tampered.as_bytes())
                .unwrap()
                .signed_by("PeterNeumann", &k.public),
            SignatureState::Invalid
        );
    }

    /// The fixed key of the signature known-answer tests
    /// (`sign::tests::kat`), under its vellum note name: its verifier key
    /// and the exact note it signs. Go's `note.NewVerifier` and `note.Open`
    /// (golang.org/x/mod 0.7.0) accept both.
    #[test]
    fn known_answer_for_a_vellum_key() {
        let sk = SecretKey::from_seed(&crate::crypto::sign::tests::kat::seed());
        let name = sk.public.fingerprint().note_name();
        assert_eq!(name, "vellum-7959022879dce518da9c176e536be639");
        assert_eq!(
            verifier_key(&name, &sk.public),
            "vellum-7959022879dce518da9c176e536be639+0c82b219+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
        );
        let want = "vellum/kat/v1\n1\nAAAA\n\n\u{2014} vellum-7959022879dce518da9c176e536be639 DIKyGealhF8O37SIh1cZt9JQXVdg2M61iHpO+TbjNAwqgJkvpzRZ4Bll2Vwbzalvt60XzwzYkPp/Wi+O6OYNOg85BAs=\n";
        assert_eq!(
            sign("vellum/kat/v1\n1\nAAAA\n", &[(&name, &sk)]).unwrap(),
            want
        );
        assert_eq!(
            parse(want.as_bytes()).unwrap().signed_by(&name, &sk.public),
            SignatureState::Valid
        );
    }

    #[test]
    fn malformed_notes_are_refused_as_go_refuses_them() {
        let sig = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let t = GO_TEXT;
        for (msg, want) in [
            (t.to_owned(), NoteError::NoSignatureBlock),
            (format!("{t}\n"), NoteError::Unterminated),
            (
                format!("{t}\n{}", &sig[..sig.len() - 1]),
                NoteError::Unterminated,
            ),
            (format!("\x01{t}\n{sig}"), NoteError::ControlCharacter(0)),
            (
                format!("{t}\n\u{2014} Bad Name x08go/ZJku=\n"),
                NoteError::BadSignatureLine(1),
            ),
            (
                format!("{t}\n{sig}Unexpected line.\n"),
                NoteError::BadSignatureLine(2),
            ),
            (
                format!("{t}\n\u{2014} a+b QUJDREVG\n"),
                NoteError::BadSignatureLine(1),
            ),
            (
                format!("{t}\n\u{2014} a !!!!\n"),
                NoteError::BadSignatureLine(1),
            ),
            (
                format!("{t}\n{}", sig.repeat(101)),
                NoteError::TooManySignatures,
            ),
            (
                format!("{t}\r\n{sig}"),
                NoteError::ControlCharacter(t.len()),
            ),
        ] {
            assert_eq!(parse(msg.as_bytes()), Err(want), "{msg:?}");
        }
        assert_eq!(parse(b"\xff\n\nx"), Err(NoteError::NotUtf8));
        assert!(matches!(
            parse(&vec![b'a'; MAX_NOTE_BYTES + 1]),
            Err(NoteError::TooLong(_))
        ));
        // Sixteen signature lines (C2SP's floor) are read.
        let many = format!("{t}\n{}", sig.repeat(16));
        assert_eq!(parse(many.as_bytes()).unwrap().signatures.len(), 16);
        assert_eq!(
            sign("no newline", &[("k", &peter())]),
            Err(NoteError::BadText)
        );
        assert_eq!(
            sign(t, &[("a b", &peter())]),
            Err(NoteError::BadKeyName("a b".into()))
        );
    }

    #[test]
    fn several_signers_each_verify() {
        let (a, b) = (
            SecretKey::from_seed(&[2; 32]),
            SecretKey::from_seed(&[3; 32]),
        );
        let n = sign("x\n", &[("a", &a), ("b", &b)]).unwrap();
        let n = parse(n.as_bytes()).unwrap();
        assert_eq!(n.signatures.len(), 2);
        assert_eq!(n.signed_by("a", &a.public), SignatureState::Valid);
        assert_eq!(n.signed_by("b", &b.public), SignatureState::Valid);
        // A key's signature under another name does not count.
        assert_eq!(n.signed_by("b", &a.public), SignatureState::Absent);
    }
}
