//! Hashes: SHA-256 for everything vellum signs, SHA-512 for OCFL content
//! addressing, and a reader that computes both while data streams through.

use sha2::{Digest, Sha256, Sha512};
use std::io::{self, Read};

/// A SHA-256 digest, written as 64 lowercase hex digits.
pub type Sha256Hex = String;

/// Bytes as lowercase hex, in one allocation. (`hex::encode` builds its
/// string a character at a time: some 1,700 instructions for a SHA-256,
/// which a long text's check pays for every section it hashes, a few
/// percent of checking a 10 MB copy.)
pub fn to_hex(bytes: impl AsRef<[u8]>) -> String {
    let bytes = bytes.as_ref();
    let mut out = vec![0u8; bytes.len() * 2];
    hex::encode_to_slice(bytes, &mut out).expect("the output is twice the input");
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// SHA-256 of bytes, as lowercase hex.
pub fn sha256(data: &[u8]) -> Sha256Hex {
    to_hex(Sha256::digest(data))
}

/// SHA-256 of bytes, raw.
pub fn sha256_raw(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// SHA-512 of bytes, as lowercase hex.
pub fn sha512(data: &[u8]) -> String {
    to_hex(Sha512::digest(data))
}

/// The digests of one file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigests {
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// SHA-512, lowercase hex.
    pub sha512: String,
    /// Length in bytes.
    pub len: u64,
}

/// Hashes everything it is given with SHA-256 and SHA-512.
#[derive(Default, Clone)]
pub struct Hasher {
    s256: Sha256,
    s512: Sha512,
    len: u64,
}

impl Hasher {
    /// Add bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.s256.update(data);
        self.s512.update(data);
        self.len += data.len() as u64;
    }
    /// The digests so far.
    pub fn finish(self) -> FileDigests {
        FileDigests {
            sha256: to_hex(self.s256.finalize()),
            sha512: to_hex(self.s512.finalize()),
            len: self.len,
        }
    }
}

/// Digests of a byte slice.
pub fn digests(data: &[u8]) -> FileDigests {
    let mut h = Hasher::default();
    h.update(data);
    h.finish()
}

/// Digests of a large byte slice, SHA-256 and SHA-512 on two cores.
pub fn digests_par(data: &[u8]) -> FileDigests {
    let (sha256, sha512) = rayon::join(|| sha256(data), || sha512(data));
    FileDigests {
        sha256,
        sha512,
        len: data.len() as u64,
    }
}

/// A reader that shows every byte passing through it to `see`, once, in
/// order (to hash a file while a parser reads it).
pub struct Tee<R, F> {
    inner: R,
    see: F,
}

impl<R: Read, F: FnMut(&[u8])> Tee<R, F> {
    /// Wrap a reader.
    pub fn new(inner: R, see: F) -> Self {
        Tee { inner, see }
    }
}

impl<R: Read, F: FnMut(&[u8])> Read for Tee<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.see)(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_answers() {
        assert_eq!(
            super::sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let d = super::digests(b"abc");
        assert!(d.sha512.starts_with("ddaf35a193617aba"));
        assert_eq!(d.len, 3);
    }

    #[test]
    fn hex_is_lowercase_and_whole() {
        assert_eq!(super::to_hex([0x00u8, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(super::to_hex([0u8; 0]), "");
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(super::to_hex(&all), hex::encode(&all));
    }
}
