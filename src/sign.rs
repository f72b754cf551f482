//! Signatures: the domain-separated messages vellum signs, and the three
//! detached signature files written beside each version manifest so that
//! standard tools can check it: `.sig` (raw 64-byte Ed25519, for OpenSSL),
//! `.minisig` (minisign, prehashed `ED` form) and `.sshsig` (OpenSSH SSHSIG).
//!
//! Every check uses `verify_strict`.

use crate::keys::{KeyId, PublicKey, SecretKey};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use blake2::{Blake2b512, Digest};
use ed25519_dalek::{Signature, Signer};
use sha2::Sha512;

/// Domain tag of a section signature.
pub const SECTION_TAG: &[u8] = b"vellum/v1/section\0";
/// minisign signature algorithm: Ed25519 over BLAKE2b-512 of the file.
pub const MINISIGN_SIG_ALG_PREHASHED: &[u8; 2] = b"ED";
/// minisign legacy algorithm: Ed25519 over the file itself.
pub const MINISIGN_SIG_ALG_LEGACY: &[u8; 2] = b"Ed";
/// SSHSIG magic preamble.
pub const SSHSIG_MAGIC: &[u8] = b"SSHSIG";
/// SSHSIG namespace used for vellum manifests.
pub const SSHSIG_NAMESPACE: &str = "vellum-manifest";
/// SSHSIG hash algorithm.
pub const SSHSIG_HASH: &str = "sha512";
/// Armor lines of an SSH signature.
pub const SSHSIG_BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
/// End armor line.
pub const SSHSIG_END: &str = "-----END SSH SIGNATURE-----";
/// File suffixes of the detached signatures.
pub const SUFFIX_RAW: &str = ".sig";
/// minisign signature suffix.
pub const SUFFIX_MINISIGN: &str = ".minisig";
/// OpenSSH signature suffix.
pub const SUFFIX_SSH: &str = ".sshsig";

/// The message a section signature covers: tag, archive id, version, section
/// id and the section's SHA-256, each length-prefixed so no two different
/// tuples give the same bytes.
pub fn section_message(
    archive_id: &str,
    version: u32,
    section_id: &str,
    sha256_hex: &str,
) -> Vec<u8> {
    let mut m = Vec::with_capacity(128);
    m.extend_from_slice(SECTION_TAG);
    for part in [archive_id.as_bytes(), section_id.as_bytes()] {
        m.extend_from_slice(&(part.len() as u32).to_be_bytes());
        m.extend_from_slice(part);
    }
    m.extend_from_slice(&version.to_be_bytes());
    m.extend_from_slice(&(sha256_hex.len() as u32).to_be_bytes());
    m.extend_from_slice(sha256_hex.as_bytes());
    m
}

/// Sign bytes, returning hex.
pub fn sign_hex(sk: &SecretKey, msg: &[u8]) -> String {
    hex::encode(sk.signing.sign(msg).to_bytes())
}

/// Check a hex signature strictly.
pub fn verify_hex(pk: &PublicKey, msg: &[u8], sig_hex: &str) -> bool {
    let Ok(raw) = hex::decode(sig_hex) else {
        return false;
    };
    verify_raw(pk, msg, &raw)
}

/// Check a raw 64-byte signature strictly.
pub fn verify_raw(pk: &PublicKey, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = Signature::from_slice(sig) else {
        return false;
    };
    pk.key.verify_strict(msg, &sig).is_ok()
}

/// Raw signature file content (`FILE.sig`).
pub fn raw_signature(sk: &SecretKey, file: &[u8]) -> Vec<u8> {
    sk.signing.sign(file).to_bytes().to_vec()
}

/// A minisign signature file over `file`, with a trusted comment.
pub fn minisign_signature(sk: &SecretKey, file: &[u8], trusted_comment: &str) -> String {
    let hash = Blake2b512::digest(file);
    let sig = sk.signing.sign(&hash);
    let mut blob = Vec::with_capacity(74);
    blob.extend_from_slice(MINISIGN_SIG_ALG_PREHASHED);
    blob.extend_from_slice(&sk.public.id.0);
    blob.extend_from_slice(&sig.to_bytes());
    let mut global = sig.to_bytes().to_vec();
    global.extend_from_slice(trusted_comment.as_bytes());
    let gsig = sk.signing.sign(&global);
    format!(
        "untrusted comment: signature from vellum secret key {}\n{}\ntrusted comment: {}\n{}\n",
        sk.public.id,
        B64.encode(blob),
        trusted_comment,
        B64.encode(gsig.to_bytes())
    )
}

/// Check a minisign signature file; returns the trusted comment.
pub fn verify_minisign(pk: &PublicKey, file: &[u8], sigfile: &str) -> Result<String, String> {
    let lines: Vec<&str> = sigfile.lines().collect();
    if lines.len() < 4 || !lines[0].starts_with("untrusted comment:") {
        return Err("not a minisign signature file".into());
    }
    let blob = B64
        .decode(lines[1].trim())
        .map_err(|_| "signature line is not base64".to_owned())?;
    if blob.len() != 74 {
        return Err("signature has the wrong length".into());
    }
    let alg = &blob[..2];
    if KeyId(blob[2..10].try_into().expect("8 bytes")) != pk.id {
        return Err("signed by another key id".into());
    }
    let sig = &blob[10..];
    let ok = if alg == MINISIGN_SIG_ALG_PREHASHED {
        verify_raw(pk, &Blake2b512::digest(file), sig)
    } else if alg == MINISIGN_SIG_ALG_LEGACY {
        verify_raw(pk, file, sig)
    } else {
        return Err("unknown minisign algorithm".into());
    };
    if !ok {
        return Err("signature does not match".into());
    }
    let tc = lines[2]
        .strip_prefix("trusted comment: ")
        .ok_or("no trusted comment")?;
    let gsig = B64
        .decode(lines[3].trim())
        .map_err(|_| "global signature is not base64".to_owned())?;
    let mut global = sig.to_vec();
    global.extend_from_slice(tc.as_bytes());
    if !verify_raw(pk, &global, &gsig) {
        return Err("trusted comment signature does not match".into());
    }
    Ok(tc.to_owned())
}

/// Append an SSH wire-format string (u32 big-endian length, then bytes).
pub fn ssh_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

fn sshsig_signed_data(file: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(SSHSIG_MAGIC);
    ssh_string(&mut d, SSHSIG_NAMESPACE.as_bytes());
    ssh_string(&mut d, b"");
    ssh_string(&mut d, SSHSIG_HASH.as_bytes());
    ssh_string(&mut d, &Sha512::digest(file));
    d
}

/// An armored OpenSSH signature (`ssh-keygen -Y verify -n vellum-manifest`).
pub fn ssh_signature(sk: &SecretKey, file: &[u8]) -> String {
    let sig = sk.signing.sign(&sshsig_signed_data(file));
    let mut sig_blob = Vec::new();
    ssh_string(&mut sig_blob, b"ssh-ed25519");
    ssh_string(&mut sig_blob, &sig.to_bytes());
    let mut blob = Vec::new();
    blob.extend_from_slice(SSHSIG_MAGIC);
    blob.extend_from_slice(&1u32.to_be_bytes());
    ssh_string(&mut blob, &sk.public.to_ssh_blob());
    ssh_string(&mut blob, SSHSIG_NAMESPACE.as_bytes());
    ssh_string(&mut blob, b"");
    ssh_string(&mut blob, SSHSIG_HASH.as_bytes());
    ssh_string(&mut blob, &sig_blob);
    let b64 = B64.encode(blob);
    let mut out = String::from(SSHSIG_BEGIN);
    out.push('\n');
    for chunk in b64.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(SSHSIG_END);
    out.push('\n');
    out
}

fn read_ssh_string<'a>(b: &mut &'a [u8]) -> Option<&'a [u8]> {
    if b.len() < 4 {
        return None;
    }
    let n = u32::from_be_bytes(b[..4].try_into().ok()?) as usize;
    if b.len() < 4 + n {
        return None;
    }
    let s = &b[4..4 + n];
    *b = &b[4 + n..];
    Some(s)
}

/// Check an armored OpenSSH signature against a trusted key.
pub fn verify_ssh(pk: &PublicKey, file: &[u8], armored: &str) -> Result<(), String> {
    let body: String = armored
        .lines()
        .map(str::trim)
        .skip_while(|l| *l != SSHSIG_BEGIN)
        .skip(1)
        .take_while(|l| *l != SSHSIG_END)
        .collect();
    let blob = B64
        .decode(body)
        .map_err(|_| "not an SSH signature".to_owned())?;
    let bad = || "malformed SSH signature".to_owned();
    let mut b = blob.as_slice();
    if !b.starts_with(SSHSIG_MAGIC) || b.len() < 10 {
        return Err(bad());
    }
    b = &b[6..];
    if u32::from_be_bytes(b[..4].try_into().map_err(|_| bad())?) != 1 {
        return Err("unknown SSH signature version".into());
    }
    b = &b[4..];
    let key = read_ssh_string(&mut b).ok_or_else(bad)?;
    let ns = read_ssh_string(&mut b).ok_or_else(bad)?;
    let _reserved = read_ssh_string(&mut b).ok_or_else(bad)?;
    let hash = read_ssh_string(&mut b).ok_or_else(bad)?;
    let mut sig = read_ssh_string(&mut b).ok_or_else(bad)?;
    if key != pk.to_ssh_blob().as_slice() {
        return Err("signed by another key".into());
    }
    if ns != SSHSIG_NAMESPACE.as_bytes() || hash != SSHSIG_HASH.as_bytes() {
        return Err("unexpected namespace or hash algorithm".into());
    }
    let alg = read_ssh_string(&mut sig).ok_or_else(bad)?;
    let raw = read_ssh_string(&mut sig).ok_or_else(bad)?;
    if alg != b"ssh-ed25519" || !verify_raw(pk, &sshsig_signed_data(file), raw) {
        return Err("signature does not match".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }

    #[test]
    fn section_messages_are_unambiguous() {
        assert_ne!(
            section_message("a", 1, "bc", "00"),
            section_message("ab", 1, "c", "00")
        );
        assert_ne!(
            section_message("a", 1, "b", "00"),
            section_message("a", 2, "b", "00")
        );
        assert!(section_message("a", 1, "b", "00").starts_with(SECTION_TAG));
    }

    #[test]
    fn all_three_formats_round_trip_and_reject_others() {
        let (a, b) = (key(1), key(2));
        let file = b"{\"manifest\":1}";
        let m = minisign_signature(&a, file, "timestamp:0");
        assert_eq!(verify_minisign(&a.public, file, &m).unwrap(), "timestamp:0");
        assert!(verify_minisign(&b.public, file, &m).is_err());
        assert!(verify_minisign(&a.public, b"other", &m).is_err());
        let tampered = m.replace("timestamp:0", "timestamp:1");
        assert!(verify_minisign(&a.public, file, &tampered).is_err());

        let s = ssh_signature(&a, file);
        assert!(verify_ssh(&a.public, file, &s).is_ok());
        assert!(verify_ssh(&b.public, file, &s).is_err());
        assert!(verify_ssh(&a.public, b"x", &s).is_err());

        let r = raw_signature(&a, file);
        assert!(verify_raw(&a.public, file, &r));
        assert!(!verify_raw(&b.public, file, &r));
    }
}
