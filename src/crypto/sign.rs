//! Signatures: the three detached signature files written beside each
//! version manifest so that standard tools can check it: `.sig` (raw
//! 64-byte Ed25519, for OpenSSL; rule G3), `.minisig` (minisign, prehashed
//! `ED` form; G4) and `.sshsig` (OpenSSH SSHSIG; G5). The checkpoint's
//! signed note is [`crate::crypto::note`].
//!
//! Every check uses `verify_strict` (G1).

use crate::crypto::keys::{ssh_key_blob, ssh_string, KeyId, PublicKey, SecretKey};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use blake2::{Blake2b512, Digest};
use ed25519_dalek::{Signature, Signer};
use sha2::Sha512;

/// minisign signature algorithm: Ed25519 over BLAKE2b-512 of the file.
pub(crate) const MINISIGN_SIG_ALG_PREHASHED: &[u8; 2] = b"ED";
/// minisign legacy algorithm: Ed25519 over the file itself.
pub(crate) const MINISIGN_SIG_ALG_LEGACY: &[u8; 2] = b"Ed";
/// SSHSIG magic preamble.
pub(crate) const SSHSIG_MAGIC: &[u8] = b"SSHSIG";
/// SSHSIG namespace used for vellum manifests.
pub(crate) const SSHSIG_NAMESPACE: &str = "vellum-manifest";
/// SSHSIG hash algorithm.
pub(crate) const SSHSIG_HASH: &str = "sha512";
/// Armor lines of an SSH signature.
pub(crate) const SSHSIG_BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
/// End armor line.
pub(crate) const SSHSIG_END: &str = "-----END SSH SIGNATURE-----";
/// File suffixes of the detached signatures.
pub const SUFFIX_RAW: &str = ".sig";
/// minisign signature suffix.
pub const SUFFIX_MINISIGN: &str = ".minisig";
/// OpenSSH signature suffix.
pub const SUFFIX_SSH: &str = ".sshsig";

/// Check a raw 64-byte signature strictly.
pub fn verify_raw(pk: &PublicKey, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = Signature::from_slice(sig) else {
        return false;
    };
    pk.key.verify_strict(msg, &sig).is_ok()
}

/// A strict check of a raw 64-byte signature over a message that streams
/// past in pieces (a version manifest can be hundreds of MB): the same
/// rules as `verify_strict` (canonical S, R and the key not of small order,
/// R recomputed and compared as encoded), without holding the message.
pub struct StreamCheck(Option<ed25519_dalek::StreamVerifier>);

impl StreamCheck {
    /// Start checking `sig` by `pk`; a malformed signature never verifies.
    pub fn new(pk: &PublicKey, sig: &[u8]) -> StreamCheck {
        let strict = || {
            let sig = Signature::from_slice(sig).ok()?;
            let r = curve25519_dalek::edwards::CompressedEdwardsY(*sig.r_bytes()).decompress()?;
            if r.is_small_order() || pk.key.is_weak() {
                return None;
            }
            pk.key.verify_stream(&sig).ok()
        };
        StreamCheck(strict())
    }

    /// Feed the next piece of the message.
    pub fn update(&mut self, piece: &[u8]) {
        if let Some(v) = &mut self.0 {
            v.update(piece);
        }
    }

    /// Whether the signature verifies over everything fed.
    pub fn verifies(self) -> bool {
        self.0.is_some_and(|v| v.finalize_and_verify().is_ok())
    }
}

/// The digests of a signed file that its minisign (BLAKE2b-512) and SSHSIG
/// (SHA-512) signatures cover, so both are checked without the file.
#[derive(Clone)]
pub struct FileHashes {
    /// BLAKE2b-512 of the file.
    pub blake2b512: [u8; 64],
    /// SHA-512 of the file.
    pub sha512: [u8; 64],
}

/// Computes [`FileHashes`] as a file streams past.
#[derive(Default)]
pub struct FileHasher {
    blake2b: Blake2b512,
    sha512: Sha512,
}

impl FileHasher {
    /// Feed the next piece of the file.
    pub fn update(&mut self, piece: &[u8]) {
        self.blake2b.update(piece);
        self.sha512.update(piece);
    }
    /// The digests.
    pub fn finish(self) -> FileHashes {
        FileHashes {
            blake2b512: self.blake2b.finalize().into(),
            sha512: self.sha512.finalize().into(),
        }
    }
}

impl FileHashes {
    /// The digests of a whole file.
    pub fn of(file: &[u8]) -> FileHashes {
        let mut h = FileHasher::default();
        h.update(file);
        h.finish()
    }
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

/// Why a detached signature file does not check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigError {
    /// Not a file of this signature format.
    Malformed(&'static str),
    /// A minisign signature of the legacy `Ed` form where `ED` is required.
    LegacyMinisign,
    /// Signed by a key with another key id (minisign) or another key (SSH).
    OtherKey,
    /// Another namespace or hash algorithm than vellum's (SSH).
    WrongNamespace,
    /// The signature does not verify.
    Mismatch,
    /// The minisign trusted comment's own signature does not verify.
    TrustedCommentMismatch,
}

impl std::fmt::Display for SigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigError::Malformed(what) => f.write_str(what),
            SigError::LegacyMinisign => {
                f.write_str("legacy (Ed) minisign signature; a manifest's must be prehashed (ED)")
            }
            SigError::OtherKey => f.write_str("signed by another key"),
            SigError::WrongNamespace => f.write_str("unexpected namespace or hash algorithm"),
            SigError::Mismatch => f.write_str("signature does not match"),
            SigError::TrustedCommentMismatch => {
                f.write_str("trusted comment signature does not match")
            }
        }
    }
}

/// Check a minisign signature file; returns the trusted comment.
pub fn verify_minisign(pk: &PublicKey, file: &[u8], sigfile: &str) -> Result<String, SigError> {
    check_minisign(pk, Signed::File(file), sigfile)
}

/// Check a minisign signature file against the file's digests. Only the
/// prehashed form (`ED`, the one vellum and minisign write) can be checked
/// this way; the legacy form signs the file itself.
pub fn verify_minisign_hashed(
    pk: &PublicKey,
    hashes: &FileHashes,
    sigfile: &str,
) -> Result<String, SigError> {
    check_minisign(pk, Signed::Hashes(hashes), sigfile)
}

/// What a detached signature is checked against: the file, or its digests.
#[derive(Clone, Copy)]
enum Signed<'a> {
    File(&'a [u8]),
    Hashes(&'a FileHashes),
}

fn check_minisign(pk: &PublicKey, file: Signed, sigfile: &str) -> Result<String, SigError> {
    let lines: Vec<&str> = sigfile.lines().collect();
    if lines.len() < 4 || !lines[0].starts_with("untrusted comment:") {
        return Err(SigError::Malformed("not a minisign signature file"));
    }
    let blob = B64
        .decode(lines[1].trim())
        .map_err(|_| SigError::Malformed("signature line is not base64"))?;
    if blob.len() != 74 {
        return Err(SigError::Malformed("signature has the wrong length"));
    }
    let alg = &blob[..2];
    if KeyId(blob[2..10].try_into().expect("8 bytes")) != pk.id {
        return Err(SigError::OtherKey);
    }
    let sig = &blob[10..];
    let ok = if alg == MINISIGN_SIG_ALG_PREHASHED {
        match file {
            Signed::File(f) => verify_raw(pk, &Blake2b512::digest(f), sig),
            Signed::Hashes(h) => verify_raw(pk, &h.blake2b512, sig),
        }
    } else if alg == MINISIGN_SIG_ALG_LEGACY {
        match file {
            Signed::File(f) => verify_raw(pk, f, sig),
            Signed::Hashes(_) => return Err(SigError::LegacyMinisign),
        }
    } else {
        return Err(SigError::Malformed("unknown minisign algorithm"));
    };
    if !ok {
        return Err(SigError::Mismatch);
    }
    let tc = lines[2]
        .strip_prefix("trusted comment: ")
        .ok_or(SigError::Malformed("no trusted comment"))?;
    let gsig = B64
        .decode(lines[3].trim())
        .map_err(|_| SigError::Malformed("global signature is not base64"))?;
    let mut global = sig.to_vec();
    global.extend_from_slice(tc.as_bytes());
    if !verify_raw(pk, &global, &gsig) {
        return Err(SigError::TrustedCommentMismatch);
    }
    Ok(tc.to_owned())
}

/// The data an SSHSIG signature covers, from the file's SHA-512.
fn sshsig_signed_data(sha512: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(SSHSIG_MAGIC);
    ssh_string(&mut d, SSHSIG_NAMESPACE.as_bytes());
    ssh_string(&mut d, b"");
    ssh_string(&mut d, SSHSIG_HASH.as_bytes());
    ssh_string(&mut d, sha512);
    d
}

/// An armored OpenSSH signature (`ssh-keygen -Y verify -n vellum-manifest`).
pub fn ssh_signature(sk: &SecretKey, file: &[u8]) -> String {
    ssh_signature_hashed(sk, &Sha512::digest(file).into())
}

/// An armored OpenSSH signature of a file given by its SHA-512.
pub fn ssh_signature_hashed(sk: &SecretKey, sha512: &[u8; 64]) -> String {
    let sig = sk.signing.sign(&sshsig_signed_data(sha512));
    let mut sig_blob = Vec::new();
    ssh_string(&mut sig_blob, b"ssh-ed25519");
    ssh_string(&mut sig_blob, &sig.to_bytes());
    let mut blob = Vec::new();
    blob.extend_from_slice(SSHSIG_MAGIC);
    blob.extend_from_slice(&1u32.to_be_bytes());
    ssh_string(&mut blob, &ssh_key_blob(&sk.public.key));
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
pub fn verify_ssh(pk: &PublicKey, file: &[u8], armored: &str) -> Result<(), SigError> {
    verify_ssh_hashed(pk, &Sha512::digest(file).into(), armored)
}

/// Check an armored OpenSSH signature against a trusted key and the signed
/// file's SHA-512.
pub fn verify_ssh_hashed(pk: &PublicKey, sha512: &[u8; 64], armored: &str) -> Result<(), SigError> {
    let body: String = armored
        .lines()
        .map(str::trim)
        .skip_while(|l| *l != SSHSIG_BEGIN)
        .skip(1)
        .take_while(|l| *l != SSHSIG_END)
        .collect();
    let blob = B64
        .decode(body)
        .map_err(|_| SigError::Malformed("not an SSH signature"))?;
    let bad = || SigError::Malformed("malformed SSH signature");
    let mut b = blob.as_slice();
    if !b.starts_with(SSHSIG_MAGIC) || b.len() < 10 {
        return Err(bad());
    }
    b = &b[6..];
    if u32::from_be_bytes(b[..4].try_into().map_err(|_| bad())?) != 1 {
        return Err(SigError::Malformed("unknown SSH signature version"));
    }
    b = &b[4..];
    let key = read_ssh_string(&mut b).ok_or_else(bad)?;
    let ns = read_ssh_string(&mut b).ok_or_else(bad)?;
    let _reserved = read_ssh_string(&mut b).ok_or_else(bad)?;
    let hash = read_ssh_string(&mut b).ok_or_else(bad)?;
    let mut sig = read_ssh_string(&mut b).ok_or_else(bad)?;
    if key != ssh_key_blob(&pk.key).as_slice() {
        return Err(SigError::OtherKey);
    }
    if ns != SSHSIG_NAMESPACE.as_bytes() || hash != SSHSIG_HASH.as_bytes() {
        return Err(SigError::WrongNamespace);
    }
    let alg = read_ssh_string(&mut sig).ok_or_else(bad)?;
    let raw = read_ssh_string(&mut sig).ok_or_else(bad)?;
    if alg != b"ssh-ed25519" || !verify_raw(pk, &sshsig_signed_data(sha512), raw) {
        return Err(SigError::Mismatch);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }

    /// Known answers, in the style of rust-minisign's tests: a fixed key
    /// (seed 01 02 ... 20) and the exact bytes of each signature form over
    /// a fixed message. Ed25519 is deterministic, so signing must give
    /// these bytes again. They were checked once with the tools themselves:
    /// `minisign -V` (0.11), `openssl pkeyutl -verify -rawin` (3.0) and
    /// `ssh-keygen -Y verify -n vellum-manifest` (OpenSSH 9.2) accept them,
    /// and `ssh-keygen -l` prints the fingerprint below for the key.
    pub(crate) mod kat {
        /// The seed.
        pub(crate) fn seed() -> [u8; 32] {
            core::array::from_fn(|i| i as u8 + 1)
        }
        pub(crate) const PUBLIC_KEY_FILE: &str = "untrusted comment: minisign public key D98B62FDFD2B63AE\nRWSuYyv9/WKL2Xm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk\n";
        pub(crate) const KEY_ID: &str = "D98B62FDFD2B63AE";
        pub(crate) const FINGERPRINT: &str = "SHA256:eVkCKHnc5RjanBduU2vmOecbFl3M9wOgHdk24INJytY";
        pub(crate) const MESSAGE: &[u8] =
            b"vellum known-answer test: the message signed three ways\n";
        pub(crate) const RAW: &str = "85af3945b2db36ba2971993f3c7580c42f01d7b34836ddf44966f77fb71ecdd1ef8cbded5eca97fd08f720058e80ca606099f9e17b9829590919e54459346d08";
        pub(crate) const MINISIGN: &str = "untrusted comment: signature from vellum secret key D98B62FDFD2B63AE\nRUSuYyv9/WKL2bY5XROHWKjDauLYEUGjhT02/py4MTwJiP5Ih+eDTccYl9Hitrs6ifYPtv/lKMtkm/bZ6Zzs2wE+329tbBk/TQ0=\ntrusted comment: vellum known-answer test\n8xUGd/Ypm7VKY3AX6kc2lldlSwWIDQR3iN7YHt0fFMs/vwJdCQq3iphbcZXAAVMtANNJY+rB1zvpWicG5dBdAQ==\n";
        pub(crate) const SSH: &str = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgebVWLo/mVPlAeLES6KmLp5AfhT\nrmlb7X4OORC60ElmQAAAAPdmVsbHVtLW1hbmlmZXN0AAAAAAAAAAZzaGE1MTIAAABTAAAA\nC3NzaC1lZDI1NTE5AAAAQITU5Xd8YpXWAk06+4yT68TZZYU1mGS+BT+AMo1O5n5rYXbW1x\nXO9+psKKfJ2tbgO21XZW1ffQA7ns37XFkFrw0=\n-----END SSH SIGNATURE-----\n";
    }

    #[test]
    fn known_answers_for_each_signature_form() {
        let sk = SecretKey::from_seed(&kat::seed());
        assert_eq!(sk.public.to_minisign(), kat::PUBLIC_KEY_FILE);
        assert_eq!(sk.public.id.to_string(), kat::KEY_ID);
        assert_eq!(sk.public.fingerprint().to_string(), kat::FINGERPRINT);
        let pk = crate::crypto::keys::PublicKey::from_minisign(kat::PUBLIC_KEY_FILE).unwrap();
        let m = kat::MESSAGE;
        // Raw (OpenSSL), minisign, SSH: signed again, the same bytes ...
        assert_eq!(hex::encode(raw_signature(&sk, m)), kat::RAW);
        assert_eq!(
            minisign_signature(&sk, m, "vellum known-answer test"),
            kat::MINISIGN
        );
        assert_eq!(ssh_signature(&sk, m), kat::SSH);
        // ... that verify, by the file and by its digests ...
        assert!(verify_raw(&pk, m, &hex::decode(kat::RAW).unwrap()));
        assert_eq!(
            verify_minisign(&pk, m, kat::MINISIGN).unwrap(),
            "vellum known-answer test"
        );
        assert!(verify_minisign_hashed(&pk, &FileHashes::of(m), kat::MINISIGN).is_ok());
        assert_eq!(verify_ssh(&pk, m, kat::SSH), Ok(()));
        let mut c = StreamCheck::new(&pk, &hex::decode(kat::RAW).unwrap());
        c.update(m);
        assert!(c.verifies());
        // ... and not over another message.
        let other = b"vellum known-answer test: another message\n";
        assert!(!verify_raw(&pk, other, &hex::decode(kat::RAW).unwrap()));
        assert_eq!(
            verify_minisign(&pk, other, kat::MINISIGN),
            Err(SigError::Mismatch)
        );
        assert_eq!(verify_ssh(&pk, other, kat::SSH), Err(SigError::Mismatch));
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

        let h = FileHashes::of(file);
        assert_eq!(
            verify_minisign_hashed(&a.public, &h, &m).unwrap(),
            "timestamp:0"
        );
        assert!(verify_minisign_hashed(&b.public, &h, &m).is_err());
        assert!(verify_minisign_hashed(&a.public, &FileHashes::of(b"x"), &m).is_err());
        assert!(verify_ssh_hashed(&a.public, &h.sha512, &s).is_ok());
        assert!(verify_ssh_hashed(&a.public, &FileHashes::of(b"x").sha512, &s).is_err());
    }

    fn stream_verifies(pk: &PublicKey, msg: &[u8], sig: &[u8], piece: usize) -> bool {
        let mut c = StreamCheck::new(pk, sig);
        for p in msg.chunks(piece.max(1)) {
            c.update(p);
        }
        c.verifies()
    }

    /// The streaming check accepts and rejects exactly what verify_strict
    /// does, however the message is cut: good signatures, every single bit
    /// flipped, a small-order R, a non-canonical S, a weak key.
    #[test]
    fn stream_check_is_as_strict_as_verify_strict() {
        let (a, b) = (key(3), key(4));
        let msg: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let good = raw_signature(&a, &msg);
        let mut cases: Vec<(&PublicKey, Vec<u8>)> =
            vec![(&a.public, good.clone()), (&b.public, good.clone())];
        for bit in 0..512 {
            let mut s = good.clone();
            s[bit / 8] ^= 1 << (bit % 8);
            cases.push((&a.public, s));
        }
        // R = the identity (small order) and S = k*a: the plain Ed25519
        // equation holds, so `verify` accepts it; strict rules do not.
        let mut small = vec![0u8; 64];
        small[0] = 1;
        let k = {
            let mut h = Sha512::new();
            h.update(&small[..32]);
            h.update(a.public.key.as_bytes());
            h.update(&msg);
            curve25519_dalek::Scalar::from_bytes_mod_order_wide(&h.finalize().into())
        };
        let scalar = ed25519_dalek::hazmat::ExpandedSecretKey::from(&[3u8; 32]).scalar;
        small[32..].copy_from_slice((k * scalar).as_bytes());
        {
            use ed25519_dalek::Verifier;
            let sig = Signature::from_slice(&small).unwrap();
            assert!(
                a.public.key.verify(&msg, &sig).is_ok(),
                "a non-strict forgery"
            );
        }
        cases.push((&a.public, small));
        // S = the group order l (not reduced).
        let mut big_s = good.clone();
        big_s[32..].copy_from_slice(&[
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]);
        cases.push((&a.public, big_s));
        cases.push((&a.public, good[..63].to_vec()));
        let mut accepted = 0;
        for (pk, sig) in &cases {
            let strict = verify_raw(pk, &msg, sig);
            accepted += strict as usize;
            for piece in [1, 7, 64, 1000] {
                assert_eq!(
                    stream_verifies(pk, &msg, sig, piece),
                    strict,
                    "piece {piece}"
                );
            }
        }
        assert_eq!(accepted, 1, "only the good signature by its key verifies");
        // A key of small order (the identity) is refused whatever is signed.
        let weak = PublicKey {
            key: ed25519_dalek::VerifyingKey::from_bytes(&{
                let mut k = [0u8; 32];
                k[0] = 1;
                k
            })
            .unwrap(),
            id: a.public.id,
        };
        assert!(!verify_raw(&weak, &msg, &good));
        assert!(!stream_verifies(&weak, &msg, &good, 64));
        // With the identity as key, R = identity and S = 0 satisfy the plain
        // equation for every message.
        let mut zero = vec![0u8; 64];
        zero[0] = 1;
        {
            use ed25519_dalek::Verifier;
            let sig = Signature::from_slice(&zero).unwrap();
            assert!(weak.key.verify(&msg, &sig).is_ok(), "a non-strict forgery");
        }
        assert!(!verify_raw(&weak, &msg, &zero));
        assert!(!stream_verifies(&weak, &msg, &zero, 64));
        // ... and so do R = B and S = 1, where R is not of small order.
        let mut base = vec![0u8; 64];
        base[..32]
            .copy_from_slice(curve25519_dalek::constants::ED25519_BASEPOINT_COMPRESSED.as_bytes());
        base[32] = 1;
        {
            use ed25519_dalek::Verifier;
            let sig = Signature::from_slice(&base).unwrap();
            assert!(weak.key.verify(&msg, &sig).is_ok(), "a non-strict forgery");
        }
        assert!(!verify_raw(&weak, &msg, &base));
        assert!(!stream_verifies(&weak, &msg, &base, 64));
    }
}
