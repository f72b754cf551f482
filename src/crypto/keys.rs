//! Keys: Ed25519 key pairs, minisign public key files, and secret key files
//! encrypted under a passphrase (scrypt + ChaCha20-Poly1305).
//!
//! A public key file is a minisign public key file, so `minisign -V -p` reads
//! it as is. Key ids are shown the way minisign shows them: 16 upper-case hex
//! digits of the 8-byte key number read as a little-endian integer.
//!
//! A key id is a label: it is written in the .pub file, not derived from the
//! key by anyone who reads it, so anyone can give their own key someone
//! else's id. Signers are known by their [`Fingerprint`], derived from the
//! key bytes (rule K8 of docs/archive-format.md), and a trust set in which
//! two different keys share an id is refused (K7).

use crate::limits::{MAX_KEY_FILE, SCRYPT_MAX_LOG_N};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, Zeroizing};

/// Signature algorithm tag of a minisign public key (`Ed`).
pub(crate) const MINISIGN_KEY_ALG: &[u8; 2] = b"Ed";
/// Domain tag for deriving a key number from a public key.
pub(crate) const KEY_ID_TAG: &[u8] = b"vellum/v1/key-id\0";
/// Format id of a secret key file.
pub(crate) const SECRET_KEY_FORMAT: &str = "vellum-secret-key-v1";
/// scrypt cost (log2 N) for new secret key files: 2^17 x 8 x 128 B = 128 MiB.
pub(crate) const SCRYPT_LOG_N: u8 = 17;
/// scrypt block size.
pub(crate) const SCRYPT_R: u32 = 8;
/// scrypt parallelism.
pub(crate) const SCRYPT_P: u32 = 1;
/// File name suffix of public keys.
pub(crate) const PUB_SUFFIX: &str = "pub";
/// File name suffix of secret keys.
pub(crate) const SECRET_SUFFIX: &str = "key";
/// What is wrong with a key file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFormatError {
    /// No line at all.
    Empty,
    /// A comment line and nothing after it.
    NoKeyLine,
    /// The key line is not base64.
    NotBase64,
    /// Not `Ed` + 8-byte id + 32-byte key.
    NotMinisignEd25519,
    /// The 32 bytes are not a point of the curve.
    NotAPoint,
    /// A small-order key, under which forgeries verify.
    WeakKey,
    /// Not the JSON of a vellum secret key (serde's reason).
    NotSecretKey(String),
    /// Another secret key format id.
    UnknownFormat(String),
    /// The secret is not base64.
    SecretNotBase64,
    /// An encrypted key and no passphrase.
    PassphraseNeeded,
    /// Another key derivation than scrypt.
    UnknownKdf(String),
    /// scrypt parameters asking for more than 1 GiB, or invalid.
    ScryptParameters,
    /// The salt is not base64.
    BadSalt,
    /// The nonce is not 12 bytes of base64.
    BadNonce,
    /// The decrypted secret is not 32 bytes.
    SecretLength,
    /// The secret's public key or id is not the one recorded beside it.
    Mismatch,
    /// More after the key line: a second key, or anything else.
    TrailingText,
}

impl fmt::Display for KeyFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyFormatError::Empty => f.write_str("empty public key file"),
            KeyFormatError::TrailingText => f.write_str(
                "more than one key line, or text after the key: a public key file holds one key",
            ),
            KeyFormatError::NoKeyLine => f.write_str("no key after the comment line"),
            KeyFormatError::NotBase64 => f.write_str("the key line is not base64"),
            KeyFormatError::NotMinisignEd25519 => f.write_str("not a minisign Ed25519 public key"),
            KeyFormatError::NotAPoint => f.write_str("not a valid Ed25519 point"),
            KeyFormatError::WeakKey => f.write_str("a weak (small-order) Ed25519 key"),
            KeyFormatError::NotSecretKey(e) => write!(f, "not a vellum secret key: {e}"),
            KeyFormatError::UnknownFormat(id) => write!(f, "unknown secret key format {id:?}"),
            KeyFormatError::SecretNotBase64 => f.write_str("secret is not base64"),
            KeyFormatError::PassphraseNeeded => {
                f.write_str("the key is encrypted: a passphrase is needed")
            }
            KeyFormatError::UnknownKdf(alg) => write!(f, "unknown key derivation {alg:?}"),
            KeyFormatError::ScryptParameters => f.write_str("scrypt parameters too large"),
            KeyFormatError::BadSalt => f.write_str("bad salt"),
            KeyFormatError::BadNonce => f.write_str("bad nonce"),
            KeyFormatError::SecretLength => f.write_str("the secret is not 32 bytes"),
            KeyFormatError::Mismatch => {
                f.write_str("the secret does not match the public key recorded with it")
            }
        }
    }
}

/// Errors about keys.
#[derive(Debug)]
pub enum KeyError {
    /// Reading or writing a key file failed.
    Io(PathBuf, std::io::Error),
    /// A key file is not in the expected format.
    Format(PathBuf, KeyFormatError),
    /// The passphrase does not open the secret key.
    WrongPassphrase(PathBuf),
    /// A file that should not be overwritten exists.
    Exists(PathBuf),
    /// Two trusted key files hold different keys with the same key id.
    IdCollision {
        /// The id both files claim.
        id: KeyId,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            KeyError::Format(p, m) => write!(f, "{}: {m}", p.display()),
            KeyError::WrongPassphrase(p) => {
                write!(
                    f,
                    "{}: wrong passphrase (or the key file was altered)",
                    p.display()
                )
            }
            KeyError::Exists(p) => write!(
                f,
                "{}: already exists; refusing to overwrite a key (remove it first if you mean to)",
                p.display()
            ),
            KeyError::IdCollision { id, first, second } => write!(
                f,
                "{} and {}: two different keys with the same key id {id}; a key id does not tell keys apart, so this trust set is refused (remove one)",
                first.display(),
                second.display()
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// A key number: 8 bytes, as minisign has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    /// The key number derived from a public key.
    pub fn of(pk: &VerifyingKey) -> KeyId {
        let mut h = crate::digest::sha256_raw(&[KEY_ID_TAG, pk.as_bytes()].concat());
        let mut id = [0u8; 8];
        id.copy_from_slice(&h[..8]);
        h.zeroize();
        KeyId(id)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

/// A signer's fingerprint: SHA-256 of the key as an OpenSSH public key
/// blob (`string "ssh-ed25519" || string key`), written `SHA256:` and
/// unpadded base64, exactly as `ssh-keygen -l` prints it for the same key
/// (rule K8). Derived from the key bytes, so it cannot be copied onto
/// another key the way a key id can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub [u8; 32]);

/// What a fingerprint is written after.
pub(crate) const FINGERPRINT_PREFIX: &str = "SHA256:";
/// What the note key name of a signer starts with (rule K9).
pub(crate) const NOTE_NAME_PREFIX: &str = "vellum-";

impl Fingerprint {
    /// The fingerprint of a key.
    pub fn of(pk: &VerifyingKey) -> Fingerprint {
        Fingerprint(crate::digest::sha256_raw(&ssh_key_blob(pk)))
    }

    /// Read `SHA256:<base64>`.
    pub fn parse(s: &str) -> Option<Fingerprint> {
        let b64 = s.strip_prefix(FINGERPRINT_PREFIX)?;
        let raw = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(b64)
            .ok()?;
        Some(Fingerprint(raw.try_into().ok()?))
    }

    /// The name this key signs notes under: `vellum-` and the first 16
    /// bytes of the fingerprint in hex (rule K9).
    pub fn note_name(&self) -> String {
        format!("{NOTE_NAME_PREFIX}{}", crate::digest::to_hex(&self.0[..16]))
    }

    /// The tag in the names of this key's manifest signature files: the
    /// first 8 bytes of the fingerprint in hex (rule O4).
    pub fn file_tag(&self) -> String {
        crate::digest::to_hex(&self.0[..8])
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{FINGERPRINT_PREFIX}{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(self.0)
        )
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Fingerprint, D::Error> {
        let s = String::deserialize(d)?;
        Fingerprint::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a key fingerprint")))
    }
}

/// The key as an OpenSSH public key blob (`ssh-ed25519` wire format).
pub(crate) fn ssh_key_blob(pk: &VerifyingKey) -> Vec<u8> {
    let mut b = Vec::with_capacity(51);
    ssh_string(&mut b, b"ssh-ed25519");
    ssh_string(&mut b, pk.as_bytes());
    b
}

/// Append an SSH wire-format string (u32 big-endian length, then bytes).
pub(crate) fn ssh_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

/// A public key with its key number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The key number.
    pub id: KeyId,
    /// The Ed25519 key.
    pub key: VerifyingKey,
}

impl PublicKey {
    /// A public key from its Ed25519 key, with the derived key number.
    pub fn new(key: VerifyingKey) -> PublicKey {
        PublicKey {
            id: KeyId::of(&key),
            key,
        }
    }

    /// The key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.key)
    }

    /// The minisign public key file text.
    pub fn to_minisign(&self) -> String {
        let mut raw = Vec::with_capacity(42);
        raw.extend_from_slice(MINISIGN_KEY_ALG);
        raw.extend_from_slice(&self.id.0);
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "untrusted comment: minisign public key {}\n{}\n",
            self.id,
            B64.encode(raw)
        )
    }

    /// Parse a minisign public key file.
    pub fn from_minisign(text: &str) -> Result<PublicKey, KeyFormatError> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.next().ok_or(KeyFormatError::Empty)?;
        let b64 = if first.starts_with("untrusted comment:") {
            lines.next().ok_or(KeyFormatError::NoKeyLine)?
        } else {
            first
        };
        if lines.next().is_some() {
            // Which of two keys a reader takes must never be a question.
            return Err(KeyFormatError::TrailingText);
        }
        let raw = B64.decode(b64).map_err(|_| KeyFormatError::NotBase64)?;
        if raw.len() != 42 || &raw[..2] != MINISIGN_KEY_ALG {
            return Err(KeyFormatError::NotMinisignEd25519);
        }
        let mut id = [0u8; 8];
        id.copy_from_slice(&raw[2..10]);
        let mut pk = [0u8; 32];
        pk.copy_from_slice(&raw[10..42]);
        let key = VerifyingKey::from_bytes(&pk).map_err(|_| KeyFormatError::NotAPoint)?;
        if key.is_weak() {
            return Err(KeyFormatError::WeakKey);
        }
        Ok(PublicKey { id: KeyId(id), key })
    }

    /// Read a public key file.
    pub fn read(path: &Path) -> Result<PublicKey, KeyError> {
        let text = read_small(path)?;
        PublicKey::from_minisign(&text).map_err(|m| KeyError::Format(path.to_owned(), m))
    }
}

/// A key file's text: at most [`MAX_KEY_FILE`] bytes of a regular file
/// (a FIFO or a device is refused before it is read, a larger file is an
/// error, not cut short).
fn read_small(path: &Path) -> Result<String, KeyError> {
    use crate::files::FileError;
    let bytes = crate::files::read_bounded(path, MAX_KEY_FILE).map_err(|e| {
        let why = match &e {
            FileError::Io(_, io) => std::io::Error::new(io.kind(), io.to_string()),
            FileError::IsFolder(_) => std::io::Error::other("is a folder, not a file"),
            FileError::NotAFile(_, what) => std::io::Error::other(format!("is {what}, not a file")),
            FileError::TooLarge { limit, .. } => std::io::Error::other(format!(
                "larger than {}, more than a key file holds",
                crate::files::size_in_words(*limit)
            )),
        };
        KeyError::Io(path.to_owned(), why)
    })?;
    String::from_utf8(bytes).map_err(|_| {
        KeyError::Io(
            path.to_owned(),
            std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
        )
    })
}

/// A secret key, zeroized when dropped.
pub struct SecretKey {
    /// The signing key (ed25519-dalek zeroizes it on drop).
    pub signing: SigningKey,
    /// Its public half.
    pub public: PublicKey,
}

/// Only the public half shows: a secret key never goes into a log.
impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({})", self.public.fingerprint())
    }
}

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> SecretKey {
        let mut seed = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(seed.as_mut());
        SecretKey::from_seed(&seed)
    }

    /// The key for a 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        let signing = SigningKey::from_bytes(seed);
        let public = PublicKey::new(signing.verifying_key());
        SecretKey { signing, public }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretFile {
    format: String,
    key_id: String,
    public_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kdf: Option<Kdf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    /// The seed: encrypted (with tag) when `kdf` is set, plain otherwise.
    secret: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kdf {
    alg: String,
    log_n: u8,
    r: u32,
    p: u32,
    salt: String,
}

fn aead_key(pass: &[u8], kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>, KeyFormatError> {
    if kdf.alg != "scrypt" {
        return Err(KeyFormatError::UnknownKdf(kdf.alg.clone()));
    }
    // Memory scrypt needs is 128 * r * 2^log_n bytes: at most 1 GiB.
    if kdf.log_n > SCRYPT_MAX_LOG_N
        || kdf.r == 0
        || kdf.r > 32
        || kdf.p > 16
        || (128u64 * kdf.r as u64) << kdf.log_n > 1 << 30
    {
        return Err(KeyFormatError::ScryptParameters);
    }
    let salt = B64.decode(&kdf.salt).map_err(|_| KeyFormatError::BadSalt)?;
    let params = scrypt::Params::new(kdf.log_n, kdf.r, kdf.p, 32)
        .map_err(|_| KeyFormatError::ScryptParameters)?;
    let mut out = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(pass, &salt, &params, out.as_mut())
        .map_err(|_| KeyFormatError::ScryptParameters)?;
    Ok(out)
}

/// Serialize a secret key; encrypted when a passphrase is given.
pub(crate) fn secret_key_file(sk: &SecretKey, passphrase: Option<&[u8]>) -> String {
    let pub_b64 = B64.encode(sk.public.key.as_bytes());
    let key_id = sk.public.id.to_string();
    let seed = Zeroizing::new(sk.signing.to_bytes());
    let file = match passphrase {
        None => SecretFile {
            format: SECRET_KEY_FORMAT.into(),
            key_id,
            public_key: pub_b64,
            kdf: None,
            nonce: None,
            secret: B64.encode(seed.as_ref()),
        },
        Some(pass) => {
            let mut salt = [0u8; 32];
            OsRng.fill_bytes(&mut salt);
            let mut nonce = [0u8; 12];
            OsRng.fill_bytes(&mut nonce);
            let kdf = Kdf {
                alg: "scrypt".into(),
                log_n: SCRYPT_LOG_N,
                r: SCRYPT_R,
                p: SCRYPT_P,
                salt: B64.encode(salt),
            };
            let key = aead_key(pass, &kdf).expect("fixed parameters are valid");
            let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_ref()));
            let aad = format!("{SECRET_KEY_FORMAT}\0{key_id}\0{pub_b64}");
            let sealed = cipher
                .encrypt(
                    Nonce::from_slice(&nonce),
                    Payload {
                        msg: seed.as_ref(),
                        aad: aad.as_bytes(),
                    },
                )
                .expect("encryption of 32 bytes cannot fail");
            SecretFile {
                format: SECRET_KEY_FORMAT.into(),
                key_id,
                public_key: pub_b64,
                kdf: Some(kdf),
                nonce: Some(B64.encode(nonce)),
                secret: B64.encode(sealed),
            }
        }
    };
    let mut s = serde_json::to_string_pretty(&file).expect("serializable");
    s.push('\n');
    s
}

/// Whether a secret key file needs a passphrase.
pub fn is_encrypted(path: &Path) -> Result<bool, KeyError> {
    let text = Zeroizing::new(read_small(path)?);
    let f: SecretFile = serde_json::from_str(&text).map_err(|e| {
        KeyError::Format(path.to_owned(), KeyFormatError::NotSecretKey(e.to_string()))
    })?;
    Ok(f.kdf.is_some())
}

/// Read a secret key file, with the passphrase if it is encrypted.
pub fn read_secret_key(path: &Path, passphrase: Option<&[u8]>) -> Result<SecretKey, KeyError> {
    let fmt_err = |m: KeyFormatError| KeyError::Format(path.to_owned(), m);
    let text = Zeroizing::new(read_small(path)?);
    let f: SecretFile = serde_json::from_str(&text)
        .map_err(|e| fmt_err(KeyFormatError::NotSecretKey(e.to_string())))?;
    if f.format != SECRET_KEY_FORMAT {
        return Err(fmt_err(KeyFormatError::UnknownFormat(f.format.clone())));
    }
    let blob = Zeroizing::new(
        B64.decode(&f.secret)
            .map_err(|_| fmt_err(KeyFormatError::SecretNotBase64))?,
    );
    let seed: Zeroizing<Vec<u8>> = match &f.kdf {
        None => blob,
        Some(kdf) => {
            let pass = passphrase.ok_or_else(|| fmt_err(KeyFormatError::PassphraseNeeded))?;
            let key = aead_key(pass, kdf).map_err(fmt_err)?;
            let nonce = B64
                .decode(f.nonce.as_deref().unwrap_or(""))
                .map_err(|_| fmt_err(KeyFormatError::BadNonce))?;
            if nonce.len() != 12 {
                return Err(fmt_err(KeyFormatError::BadNonce));
            }
            let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_ref()));
            let aad = format!("{SECRET_KEY_FORMAT}\0{}\0{}", f.key_id, f.public_key);
            Zeroizing::new(
                cipher
                    .decrypt(
                        Nonce::from_slice(&nonce),
                        Payload {
                            msg: &blob,
                            aad: aad.as_bytes(),
                        },
                    )
                    .map_err(|_| KeyError::WrongPassphrase(path.to_owned()))?,
            )
        }
    };
    let seed: &[u8; 32] = seed
        .as_slice()
        .try_into()
        .map_err(|_| fmt_err(KeyFormatError::SecretLength))?;
    let sk = SecretKey::from_seed(seed);
    if B64.encode(sk.public.key.as_bytes()) != f.public_key || sk.public.id.to_string() != f.key_id
    {
        return Err(fmt_err(KeyFormatError::Mismatch));
    }
    Ok(sk)
}

/// Paths of the two files `keygen --out BASE` writes.
pub fn key_paths(base: &Path) -> (PathBuf, PathBuf) {
    let with = |ext: &str| {
        let mut s = base.as_os_str().to_owned();
        s.push(".");
        s.push(ext);
        PathBuf::from(s)
    };
    (with(PUB_SUFFIX), with(SECRET_SUFFIX))
}

/// Write a new key pair to BASE.pub and BASE.key (mode 0600), refusing to
/// overwrite either.
pub fn write_key_pair(
    base: &Path,
    sk: &SecretKey,
    passphrase: Option<&[u8]>,
) -> Result<(PathBuf, PathBuf), KeyError> {
    let (pub_path, key_path) = key_paths(base);
    if let Some(dir) = base.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| KeyError::Io(dir.to_owned(), e))?;
    }
    for p in [&pub_path, &key_path] {
        if p.exists() {
            return Err(KeyError::Exists(p.clone()));
        }
    }
    let secret = Zeroizing::new(secret_key_file(sk, passphrase));
    write_new(&key_path, secret.as_bytes(), 0o600)?;
    if let Err(e) = write_new(&pub_path, sk.public.to_minisign().as_bytes(), 0o644) {
        let _ = std::fs::remove_file(&key_path);
        return Err(e);
    }
    Ok((pub_path, key_path))
}

fn write_new(path: &Path, data: &[u8], mode: u32) -> Result<(), KeyError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let io = |e| KeyError::Io(path.to_owned(), e);
    let mut f = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists(path.to_owned())
        } else {
            io(e)
        }
    })?;
    f.write_all(data).map_err(io)?;
    f.sync_all().map_err(io)
}

/// A public key the user trusts, and the file it was read from: outputs
/// that name a signer show both (rule K7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// The key.
    pub key: PublicKey,
    /// The .pub file (or, for a sealing key trusted for its own archive,
    /// the secret key file).
    pub source: PathBuf,
}

impl TrustedKey {
    /// The key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.key.fingerprint()
    }
}

/// The trusted keys among which a fingerprint is looked up.
pub fn find<'k>(trusted: &'k [TrustedKey], fp: &Fingerprint) -> Option<&'k TrustedKey> {
    trusted.iter().find(|k| k.fingerprint() == *fp)
}

/// The trusted public keys: from .pub files and folders of them (rule K7).
/// The same key in two files counts once (the first file names it); two
/// different keys with the same key id are refused, since an id is only a
/// label anyone can copy.
pub fn load_trusted(paths: &[PathBuf]) -> Result<Vec<TrustedKey>, KeyError> {
    load_trusted_reporting(paths).map(|(keys, _)| keys)
}

/// [`load_trusted`], and the .pub files found in folders that were skipped
/// because they do not hold one public key (K7a): one bad file in a shared
/// folder is reported, not a reason for every verification to fail. A
/// file named itself is never skipped: it is an error.
pub fn load_trusted_reporting(
    paths: &[PathBuf],
) -> Result<(Vec<TrustedKey>, Vec<KeyError>), KeyError> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.is_dir() {
            let rd = std::fs::read_dir(p).map_err(|e| KeyError::Io(p.clone(), e))?;
            let mut found: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == PUB_SUFFIX) && f.is_file())
                .collect();
            found.sort();
            files.extend(found.into_iter().map(|f| (f, true)));
        } else {
            files.push((p.clone(), false));
        }
    }
    let mut keys: Vec<TrustedKey> = Vec::new();
    for (f, in_folder) in files {
        let key = match PublicKey::read(&f) {
            Ok(k) => k,
            Err(e @ KeyError::Format(..)) if in_folder => {
                skipped.push(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        add_trusted(&mut keys, TrustedKey { key, source: f })?;
    }
    Ok((keys, skipped))
}

/// Add a key to a trust set: once per key, refused beside another key with
/// the same id.
pub fn add_trusted(keys: &mut Vec<TrustedKey>, k: TrustedKey) -> Result<(), KeyError> {
    if let Some(other) = keys.iter().find(|o| o.key.id == k.key.id) {
        if other.key.key != k.key.key {
            return Err(KeyError::IdCollision {
                id: k.key.id,
                first: other.source.clone(),
                second: k.source,
            });
        }
        return Ok(());
    }
    if !keys.iter().any(|o| o.key.key == k.key.key) {
        keys.push(k);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minisign_round_trip_and_id_format() {
        let sk = SecretKey::from_seed(&[7u8; 32]);
        let text = sk.public.to_minisign();
        assert!(text.starts_with("untrusted comment: minisign public key "));
        let back = PublicKey::from_minisign(&text).unwrap();
        assert_eq!(back, sk.public);
        assert_eq!(back.id.to_string().len(), 16);
        assert!(back
            .id
            .to_string()
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
    }

    #[test]
    fn secret_file_round_trip_plain() {
        let sk = SecretKey::from_seed(&[9u8; 32]);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.key");
        std::fs::write(&p, secret_key_file(&sk, None)).unwrap();
        let back = read_secret_key(&p, None).unwrap();
        assert_eq!(back.public, sk.public);
        assert!(!is_encrypted(&p).unwrap());
    }

    #[test]
    fn secret_file_encrypted_and_wrong_passphrase() {
        let sk = SecretKey::from_seed(&[3u8; 32]);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.key");
        std::fs::write(&p, secret_key_file(&sk, Some(b"correct horse"))).unwrap();
        assert!(is_encrypted(&p).unwrap());
        assert_eq!(
            read_secret_key(&p, Some(b"correct horse")).unwrap().public,
            sk.public
        );
        assert!(matches!(
            read_secret_key(&p, Some(b"wrong")),
            Err(KeyError::WrongPassphrase(_))
        ));
        assert!(matches!(
            read_secret_key(&p, None),
            Err(KeyError::Format(..))
        ));
    }

    #[test]
    fn key_pair_refuses_overwrite_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("me");
        let sk = SecretKey::generate();
        let (pubp, keyp) = write_key_pair(&base, &sk, None).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&keyp).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(matches!(
            write_key_pair(&base, &sk, None),
            Err(KeyError::Exists(_))
        ));
        assert_eq!(load_trusted(&[dir.path().to_owned()]).unwrap().len(), 1);
        assert_eq!(PublicKey::read(&pubp).unwrap(), sk.public);
    }

    /// The fingerprint is the one `ssh-keygen -l` prints for the key, and
    /// reads back; a note name and file tag are cut from it.
    #[test]
    fn fingerprints_are_derived_from_the_key() {
        let sk = SecretKey::from_seed(&[7u8; 32]);
        let fp = sk.public.fingerprint();
        let s = fp.to_string();
        assert!(s.starts_with("SHA256:") && s.len() == 7 + 43, "{s}");
        assert_eq!(Fingerprint::parse(&s), Some(fp));
        assert_eq!(Fingerprint::parse("SHA256:xyz"), None);
        assert_eq!(fp.note_name().len(), "vellum-".len() + 32);
        assert_eq!(fp.file_tag().len(), 16);
        // A copied id does not copy the fingerprint.
        let other = SecretKey::from_seed(&[8u8; 32]);
        let forged = PublicKey {
            id: sk.public.id,
            key: other.public.key,
        };
        assert_ne!(forged.fingerprint(), fp);
    }

    /// Two different keys claiming one id are refused; one key in two files
    /// counts once.
    #[test]
    fn a_trust_set_with_two_keys_of_one_id_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = SecretKey::from_seed(&[1u8; 32]);
        let b = SecretKey::from_seed(&[2u8; 32]);
        let forged = PublicKey {
            id: a.public.id,
            key: b.public.key,
        };
        std::fs::write(dir.path().join("a.pub"), a.public.to_minisign()).unwrap();
        std::fs::write(dir.path().join("a-copy.pub"), a.public.to_minisign()).unwrap();
        assert_eq!(load_trusted(&[dir.path().to_owned()]).unwrap().len(), 1);
        std::fs::write(dir.path().join("b.pub"), forged.to_minisign()).unwrap();
        let e = load_trusted(&[dir.path().to_owned()]).unwrap_err();
        assert!(matches!(e, KeyError::IdCollision { id, .. } if id == a.public.id));
        let line = e.to_string();
        assert!(
            line.contains("a-copy.pub") && line.contains("b.pub"),
            "{line}"
        );
        assert_eq!(line.lines().count(), 1);
    }
}
