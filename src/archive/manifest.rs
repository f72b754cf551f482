//! The version manifest (rules M1–M6 of docs/archive-format.md): what one
//! sealed version says about itself, in a canonical JSON byte form (RFC
//! 8785: keys sorted, no insignificant white space, integers only), signed
//! by the publisher three ways (G3–G5) and bound by the checkpoint (P2).

use crate::archive::tree::{LEAF_FORMAT, MAX_TILES};
use crate::crypto::keys::Fingerprint;
use crate::crypto::merkle::Hash;
use crate::limits::{MAX_TOKEN_BYTES, MAX_WARNINGS};
use crate::text::canon::Mode;
use crate::text::sections::Kind;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// Format id of a version manifest.
pub const MANIFEST_FORMAT: &str = "vellum-manifest";
/// Version of the manifest format written by this build.
pub const MANIFEST_FORMAT_VERSION: u32 = 2;
/// Most chunks an index lists: one per [`crate::text::canon::CHUNK_BYTES`]
/// of the largest text, and the first.
pub(crate) const MAX_CHUNKS: usize =
    (crate::limits::MAX_TEXT / crate::text::canon::CHUNK_BYTES as u64) as usize + 1;
/// Most signers a version names.
pub const MAX_SIGNERS: usize = crate::archive::checkpoint::MAX_SIGNERS;

/// Why bytes are not a manifest this build reads (M2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestError {
    /// Not JSON of the manifest's shape (serde's reason, which names a
    /// string or number over [`MAX_TOKEN_BYTES`], an unknown field, too
    /// many warnings...).
    Json(String),
    /// Another `format`.
    UnknownFormat(String),
    /// Another `format_version`.
    FormatVersion(u32),
    /// Another canonical-text specification.
    CanonicalText(String),
    /// Another leaf format.
    LeafFormat(String),
    /// Parsed, but not the canonical bytes of what was parsed.
    NotCanonical,
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ManifestError::Json(e) => write!(f, "not a vellum manifest: {e}"),
            ManifestError::UnknownFormat(x) => write!(f, "unknown manifest format {x:?}"),
            ManifestError::FormatVersion(v) => write!(
                f,
                "manifest format version {v} is not supported by this vellum (knows {MANIFEST_FORMAT_VERSION})"
            ),
            ManifestError::CanonicalText(x) => write!(
                f,
                "canonical text {x:?} is not supported (knows {})",
                crate::text::canon::SPEC_ID
            ),
            ManifestError::LeafFormat(x) => write!(
                f,
                "tree leaf format {x:?} is not supported (knows {LEAF_FORMAT})"
            ),
            ManifestError::NotCanonical => f.write_str("manifest is not in canonical JSON form"),
        }
    }
}

impl std::error::Error for ManifestError {}

/// A tree hash, written as padded base64 (the way checkpoints write
/// roots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct B64Hash(pub Hash);

impl Serialize for B64Hash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(self.0))
    }
}

impl<'de> Deserialize<'de> for B64Hash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<B64Hash, D::Error> {
        let s = String::deserialize(d)?;
        B64.decode(&s)
            .ok()
            .and_then(|b| b.try_into().ok())
            .map(B64Hash)
            .ok_or_else(|| de::Error::custom("not a hash in base64"))
    }
}

/// One section as the manifest records it (M1).
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
    /// Byte offset of the section's text in the canonical text.
    pub start: u64,
}

/// The leaf hashes (T1) of a version's sections, in order, on all cores.
pub fn leaf_hashes(entries: &[SectionEntry]) -> Vec<Hash> {
    use rayon::prelude::*;
    entries
        .par_iter()
        .enumerate()
        .with_min_len(1024)
        .map(|(i, e)| e.leaf(i as u64).hash())
        .collect()
}

impl SectionEntry {
    /// The entry of a section of the text.
    pub fn of(s: &crate::text::sections::Section) -> SectionEntry {
        SectionEntry {
            id: s.id.clone(),
            kind: s.kind,
            number: s.number,
            start: s.start,
            len: s.text.len() as u64,
            sha256: s.sha256.clone(),
        }
    }

    /// The section's leaf (T1), at this index.
    pub fn leaf(&self, index: u64) -> crate::archive::tree::Leaf {
        crate::archive::tree::Leaf {
            index,
            id: self.id.clone(),
            kind: self.kind,
            number: self.number,
            start: self.start,
            len: self.len,
            sha256: self.sha256.clone(),
        }
    }
}

/// The canonical text as the manifest records it: derived from the
/// original, never stored (M1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextDigest {
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 (lowercase hex).
    pub sha256: String,
}

/// How many sections of each kind come before a point of the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindCounts {
    /// Bullets.
    pub bullet: u64,
    /// Closing lines.
    pub closing: u64,
    /// Headings.
    pub heading: u64,
    /// Paragraphs.
    pub paragraph: u64,
    /// Points.
    pub point: u64,
}

impl KindCounts {
    /// The count of one kind.
    pub fn get(&self, k: Kind) -> u64 {
        match k {
            Kind::Bullet => self.bullet,
            Kind::Closing => self.closing,
            Kind::Heading => self.heading,
            Kind::Paragraph => self.paragraph,
            Kind::Point => self.point,
        }
    }
    /// The counts in [`Kind::ALL`] order.
    pub fn to_array(&self) -> [u64; 5] {
        Kind::ALL.map(|k| self.get(k))
    }

    /// Count one more of a kind.
    pub fn add(&mut self, k: Kind) {
        match k {
            Kind::Bullet => self.bullet += 1,
            Kind::Closing => self.closing += 1,
            Kind::Heading => self.heading += 1,
            Kind::Paragraph => self.paragraph += 1,
            Kind::Point => self.point += 1,
        }
    }
}

/// Where the original can be cut into parts that canonicalize on their own
/// (M6, C33), and what stands before each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chunk {
    /// Canonical-text bytes written before this chunk's first section's
    /// separator.
    pub canonical: u64,
    /// Sections of each kind before this chunk.
    pub counts: KindCounts,
    /// Index of the first section of this chunk (sections before it).
    pub section: u64,
    /// Byte offset of the chunk in `original.txt`.
    pub source: u64,
}

/// The index of a version (M6): how its original is cut into chunks, and
/// the roots of its tree's tiles, so that one section can be proven, and a
/// text verified on several cores, without the whole text at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The chunks, the first at 0.
    #[serde(deserialize_with = "bounded_chunks")]
    pub chunks: Vec<Chunk>,
    /// Index of the last section that is neither a heading nor a closing
    /// line, if any: the short lines after it are closing lines (C30).
    pub last_body: Option<u64>,
    /// The text's line mode (C9).
    pub mode: Mode,
    /// Tiles are subtrees of 2^tile_height leaves (T3).
    pub tile_height: u32,
    /// The root of every tile, in order, the last one possibly partial.
    #[serde(deserialize_with = "bounded_tiles")]
    pub tiles: Vec<B64Hash>,
}

/// The version's tree, as the manifest records it (T2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeInfo {
    /// Always [`LEAF_FORMAT`].
    pub leaf_format: String,
    /// The root.
    pub root: B64Hash,
    /// Number of leaves (= sections).
    pub size: u64,
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

/// A deliberate change of signing key, recorded in the manifest (M1, K10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyChange {
    /// The previous version's signers.
    #[serde(deserialize_with = "bounded_signers")]
    pub previous_signers: Vec<Fingerprint>,
}

/// The signed manifest of one version. `S` is what is kept of its
/// sections: all of them when a manifest is made, only their number
/// ([`Header`]) when a stored one is read, since a large text's manifest
/// does not fit the memory a verifier may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest<S = Vec<SectionEntry>> {
    /// The archive's id (the bag's folder name).
    pub archive_id: String,
    /// Its canonical form (derived from the original, not stored).
    pub canonical: TextDigest,
    /// Canonical-text specification id, e.g. `vellum-text-v1`.
    pub canonical_text: String,
    /// When the version was sealed (RFC 3339, UTC).
    pub created: String,
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Format version; [`MANIFEST_FORMAT_VERSION`] for this build.
    pub format_version: u32,
    /// Chunks and tiles (M6).
    pub index: Index,
    /// Set when this version is signed by other keys than the last.
    pub key_change: Option<KeyChange>,
    /// The publisher's message.
    pub message: String,
    /// The text exactly as submitted.
    pub original: FileEntry,
    /// SHA-256 of the previous version's manifest file; null for version 1.
    pub previous_manifest_sha256: Option<String>,
    /// Every section, in order.
    pub sections: S,
    /// The signers, by fingerprint (K8): today one, the sealer.
    #[serde(deserialize_with = "bounded_signers")]
    pub signers: Vec<Fingerprint>,
    /// The tree of the sections (T2).
    pub tree: TreeInfo,
    /// Version number, from 1.
    pub version: u32,
    /// Warnings recorded at sealing (e.g. allowed bidi controls): at most
    /// [`MAX_WARNINGS`], and a last line saying how many more there were.
    #[serde(deserialize_with = "bounded_warnings")]
    pub warnings: Vec<String>,
}

/// A stored manifest without its sections: every other field, and how many
/// sections it lists. Read with [`Header::read`]; the sections are then
/// streamed with `for_each_section`.
pub type Header = Manifest<SectionCount>;

/// The number of entries of a manifest's `sections` array, counted without
/// keeping them. Serializes as an empty array, so that a [`Header`]
/// serializes to the manifest's canonical form with the sections left out
/// ([`FormCheck`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SectionCount(pub u64);

impl Serialize for SectionCount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [(); 0].serialize(s)
    }
}

impl<'de> Deserialize<'de> for SectionCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SectionCount, D::Error> {
        struct Count;
        impl<'de> Visitor<'de> for Count {
            type Value = SectionCount;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of sections")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SectionCount, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(SectionCount(n))
            }
        }
        d.deserialize_seq(Count)
    }
}

/// The warnings as a manifest records them: the first [`MAX_WARNINGS`],
/// then how many more there were.
pub fn record_warnings(mut all: Vec<String>) -> Vec<String> {
    if all.len() > MAX_WARNINGS {
        let more = all.len() - MAX_WARNINGS;
        all.truncate(MAX_WARNINGS);
        all.push(format!("{more} more warnings not listed"));
    }
    all
}

/// A list of at most `max` items, refused as soon as it holds more, so
/// that a hostile manifest cannot make its reader hold millions of them.
fn bounded<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
    max: usize,
    what: &'static str,
) -> Result<Vec<T>, D::Error> {
    struct Bounded<T>(usize, &'static str, std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "at most {} {}", self.0, self.1)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut v = Vec::new();
            while let Some(w) = seq.next_element::<T>()? {
                if v.len() == self.0 {
                    return Err(de::Error::custom(format!(
                        "more than {} {}",
                        self.0, self.1
                    )));
                }
                v.push(w);
            }
            Ok(v)
        }
    }
    d.deserialize_seq(Bounded(max, what, std::marker::PhantomData))
}

fn bounded_warnings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    bounded(d, MAX_WARNINGS + 1, "warnings")
}

fn bounded_signers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Fingerprint>, D::Error> {
    bounded(d, MAX_SIGNERS, "signers")
}

fn bounded_chunks<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Chunk>, D::Error> {
    bounded(d, MAX_CHUNKS, "chunks")
}

fn bounded_tiles<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<B64Hash>, D::Error> {
    bounded(d, MAX_TILES as usize, "tiles")
}

/// A stored manifest as serde_json reads it: every string and number at
/// most [`MAX_TOKEN_BYTES`] long, then buffered.
fn limited(r: &mut dyn Read) -> std::io::BufReader<TokenLimit<&mut dyn Read>> {
    std::io::BufReader::with_capacity(
        READ_BUFFER,
        TokenLimit {
            inner: r,
            in_string: false,
            escaped: false,
            run: 0,
        },
    )
}

/// Fails the read when a JSON string, number or literal runs longer than
/// [`MAX_TOKEN_BYTES`].
struct TokenLimit<R> {
    inner: R,
    in_string: bool,
    escaped: bool,
    run: usize,
}

impl<R: Read> Read for TokenLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut rest = &buf[..n];
        while !rest.is_empty() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    self.run += 1;
                    rest = &rest[1..];
                    continue;
                }
                let (taken, end) = match memchr::memchr2(b'"', b'\\', rest) {
                    Some(i) => (i, Some(rest[i])),
                    None => (rest.len(), None),
                };
                self.run += taken;
                match end {
                    Some(b'"') => self.in_string = false,
                    Some(_) => self.escaped = true,
                    None => {}
                }
                rest = &rest[(taken + 1).min(rest.len())..];
            } else {
                let b = rest[0];
                rest = &rest[1..];
                match b {
                    b'"' => {
                        self.in_string = true;
                        self.run = 0;
                        continue;
                    }
                    b'{' | b'}' | b'[' | b']' | b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => {
                        self.run = 0;
                        continue;
                    }
                    _ => self.run += 1,
                }
            }
            if self.run > MAX_TOKEN_BYTES {
                return Err(std::io::Error::other(format!(
                    "holds a string or number longer than {MAX_TOKEN_BYTES} bytes"
                )));
            }
        }
        Ok(n)
    }
}

/// Size of the buffer a stored manifest is parsed through.
const READ_BUFFER: usize = 256 * 1024;

impl<S> Manifest<S> {
    /// The format, format version and text spec are ones this build knows.
    fn check_ids(&self) -> Result<(), ManifestError> {
        if self.format != MANIFEST_FORMAT {
            return Err(ManifestError::UnknownFormat(self.format.clone()));
        }
        if self.format_version != MANIFEST_FORMAT_VERSION {
            return Err(ManifestError::FormatVersion(self.format_version));
        }
        if self.canonical_text != crate::text::canon::SPEC_ID {
            return Err(ManifestError::CanonicalText(self.canonical_text.clone()));
        }
        if self.tree.leaf_format != LEAF_FORMAT {
            return Err(ManifestError::LeafFormat(self.tree.leaf_format.clone()));
        }
        Ok(())
    }
}

/// What a manifest says before its sections: every field whose key sorts
/// before `sections` (M2), read without the rest ([`read_head`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// The archive id.
    pub archive_id: String,
    /// The canonical text's digest.
    pub canonical: TextDigest,
    /// Canonical-text specification id.
    pub canonical_text: String,
    /// When the version was sealed.
    pub created: String,
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Always [`MANIFEST_FORMAT_VERSION`].
    pub format_version: u32,
    /// The index (M6).
    pub index: Index,
    /// A deliberate change of signing key.
    pub key_change: Option<KeyChange>,
    /// The publisher's message.
    pub message: String,
    /// The text as submitted.
    pub original: FileEntry,
    /// SHA-256 of the previous version's manifest file.
    pub previous_manifest_sha256: Option<String>,
}

/// What a manifest says after its sections: the fields whose keys sort
/// after `sections` (M2), read with them ([`read_body`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tail {
    /// The signers, by fingerprint.
    pub signers: Vec<Fingerprint>,
    /// The tree of the sections.
    pub tree: TreeInfo,
    /// Version number.
    pub version: u32,
    /// Warnings recorded at sealing.
    pub warnings: Vec<String>,
}

/// A manifest's keys, in order (M2).
const KEYS: [&str; 16] = [
    "archive_id",
    "canonical",
    "canonical_text",
    "created",
    "format",
    "format_version",
    "index",
    "key_change",
    "message",
    "original",
    "previous_manifest_sha256",
    "sections",
    "signers",
    "tree",
    "version",
    "warnings",
];

/// The keys a [`Head`] holds: those before `sections`.
const HEAD_KEYS: &[&str] = KEYS.split_at(11).0;

/// The bounded lists of [`Tail`], read as serde_json reads newtypes (their
/// content).
#[derive(Deserialize)]
struct Signers(#[serde(deserialize_with = "bounded_signers")] Vec<Fingerprint>);
#[derive(Deserialize)]
struct Warnings(#[serde(deserialize_with = "bounded_warnings")] Vec<String>);

/// Store the next value of `map` in `slot`; a key twice is an error, as
/// serde's derived readers make it.
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The static name of a manifest key, or the unknown-field error.
fn known_key<E: de::Error>(key: &str) -> Result<&'static str, E> {
    KEYS.iter()
        .find(|k| **k == key)
        .copied()
        .ok_or_else(|| de::Error::unknown_field(key, &KEYS))
}

/// Read a stored manifest only as far as its sections: `prove`, which
/// must not read a large manifest whole, and verify, which must know the
/// index before the sections stream past, read this much first. The
/// format fields are checked. Keys that belong after the sections but come
/// before them are skipped (the form check then fails).
pub fn read_head(r: &mut dyn Read) -> Result<Head, ManifestError> {
    const STOP: &str = "\u{0}read as far as the sections";
    #[derive(Default)]
    struct Found {
        archive_id: Option<String>,
        canonical: Option<TextDigest>,
        canonical_text: Option<String>,
        created: Option<String>,
        format: Option<String>,
        format_version: Option<u32>,
        index: Option<Index>,
        key_change: Option<Option<KeyChange>>,
        message: Option<String>,
        original: Option<FileEntry>,
        previous_manifest_sha256: Option<Option<String>>,
    }
    struct V<'a>(&'a mut Found);
    impl<'de> Visitor<'de> for V<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a vellum manifest")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let f = self.0;
            while let Some(key) = map.next_key::<String>()? {
                match known_key(&key)? {
                    k @ "archive_id" => once(&mut map, &mut f.archive_id, k)?,
                    k @ "canonical" => once(&mut map, &mut f.canonical, k)?,
                    k @ "canonical_text" => once(&mut map, &mut f.canonical_text, k)?,
                    k @ "created" => once(&mut map, &mut f.created, k)?,
                    k @ "format" => once(&mut map, &mut f.format, k)?,
                    k @ "format_version" => once(&mut map, &mut f.format_version, k)?,
                    k @ "index" => once(&mut map, &mut f.index, k)?,
                    k @ "key_change" => once(&mut map, &mut f.key_change, k)?,
                    k @ "message" => once(&mut map, &mut f.message, k)?,
                    k @ "original" => once(&mut map, &mut f.original, k)?,
                    k @ "previous_manifest_sha256" => {
                        once(&mut map, &mut f.previous_manifest_sha256, k)?
                    }
                    "sections" => return Err(de::Error::custom(STOP)),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(())
        }
    }
    let mut found = Found::default();
    let mut de = serde_json::Deserializer::from_reader(limited(r));
    match de.deserialize_map(V(&mut found)) {
        Err(e) if !e.to_string().contains(STOP) => return Err(ManifestError::Json(e.to_string())),
        _ => {}
    }
    let f = found;
    if f.format.as_deref() != Some(MANIFEST_FORMAT) {
        return Err(ManifestError::UnknownFormat(f.format.unwrap_or_default()));
    }
    if f.format_version != Some(MANIFEST_FORMAT_VERSION) {
        return Err(ManifestError::FormatVersion(f.format_version.unwrap_or(0)));
    }
    if f.canonical_text.as_deref() != Some(crate::text::canon::SPEC_ID) {
        return Err(ManifestError::CanonicalText(
            f.canonical_text.unwrap_or_default(),
        ));
    }
    let missing = |what: &str| ManifestError::Json(format!("missing field `{what}`"));
    Ok(Head {
        archive_id: f.archive_id.ok_or_else(|| missing("archive_id"))?,
        canonical: f.canonical.ok_or_else(|| missing("canonical"))?,
        canonical_text: f.canonical_text.unwrap_or_default(),
        created: f.created.ok_or_else(|| missing("created"))?,
        format: f.format.unwrap_or_default(),
        format_version: MANIFEST_FORMAT_VERSION,
        index: f.index.ok_or_else(|| missing("index"))?,
        key_change: f.key_change.ok_or_else(|| missing("key_change"))?,
        message: f.message.ok_or_else(|| missing("message"))?,
        original: f.original.ok_or_else(|| missing("original"))?,
        previous_manifest_sha256: f
            .previous_manifest_sha256
            .ok_or_else(|| missing("previous_manifest_sha256"))?,
    })
}

impl Head {
    /// The header of a manifest whose head this is, with its sections
    /// counted and its tail read; the ids it holds are checked.
    pub fn into_header(self, sections: u64, tail: Tail) -> Result<Header, ManifestError> {
        let h = Header {
            archive_id: self.archive_id,
            canonical: self.canonical,
            canonical_text: self.canonical_text,
            created: self.created,
            format: self.format,
            format_version: self.format_version,
            index: self.index,
            key_change: self.key_change,
            message: self.message,
            original: self.original,
            previous_manifest_sha256: self.previous_manifest_sha256,
            sections: SectionCount(sections),
            signers: tail.signers,
            tree: tail.tree,
            version: tail.version,
            warnings: tail.warnings,
        };
        h.check_ids()?;
        Ok(h)
    }
}

impl Header {
    /// Read a stored manifest's header, counting its sections; the caller
    /// checks its canonical form with a [`FormCheck`] as the sections
    /// stream past.
    pub fn read(r: &mut dyn Read) -> Result<Header, ManifestError> {
        let h: Header =
            serde_json::from_reader(limited(r)).map_err(|e| ManifestError::Json(e.to_string()))?;
        h.check_ids()?;
        Ok(h)
    }
}

impl Header {
    /// Read a stored manifest's header without reading its sections one by
    /// one: they are skipped as JSON text, only counted. For readers whose
    /// verdict rests on sections they derive themselves from the text and
    /// compare with the signed tree (`check`, V18); the full audit of the
    /// section list is `verify`'s ([`read_body`]). Bounded like
    /// [`Header::read`]: the head and the tail are read by serde_json
    /// within [`MAX_TOKEN_BYTES`] a token and [`MAX_SKIMMED_PARTS`] bytes
    /// each.
    pub fn read_skimming_sections(r: &mut dyn Read) -> Result<Header, ManifestError> {
        let bad = |m: &str| ManifestError::Json(m.to_owned());
        let mut skim = Skim::default();
        let mut buf = vec![0u8; READ_BUFFER];
        loop {
            let n = match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ManifestError::Json(e.to_string())),
            };
            skim.push(&buf[..n]).map_err(bad)?;
        }
        if skim.part != SkimPart::Tail {
            return Err(bad("no complete sections array"));
        }
        let mut json = skim.head;
        json.extend_from_slice(b"[]");
        json.extend_from_slice(&skim.tail);
        let mut h = Header::read(&mut json.as_slice())?;
        h.sections = SectionCount(skim.count);
        Ok(h)
    }
}

/// The most bytes the head or the tail of a skimmed manifest may have.
pub(crate) const MAX_SKIMMED_PARTS: usize = 16 << 20;

/// Where a skimming reader is in a manifest.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum SkimPart {
    /// Before the sections' array: bytes kept.
    #[default]
    Head,
    /// Inside it: bytes skipped, top-level elements counted.
    Sections,
    /// After it: bytes kept.
    Tail,
}

/// A manifest's bytes split into head, sections (skipped) and tail, as
/// JSON text: strings (with their escapes) and nesting are followed, so
/// the array ends where a JSON parser would end it.
#[derive(Default)]
struct Skim {
    part: SkimPart,
    head: Vec<u8>,
    tail: Vec<u8>,
    /// Nesting depth (objects and arrays) outside strings.
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// The last string closed at depth 1, while in the head (a key).
    key: Vec<u8>,
    /// Whether the last token at depth 1 was the key `"sections"` and a
    /// colon followed it.
    after_sections_key: u8,
    /// Sections counted; whether the array has had a value yet.
    count: u64,
    nonempty: bool,
}

impl Skim {
    fn push(&mut self, mut b: &[u8]) -> Result<(), &'static str> {
        while !b.is_empty() {
            let take = match self.part {
                SkimPart::Head => self.head_bytes(b)?,
                SkimPart::Sections => self.section_bytes(b)?,
                SkimPart::Tail => {
                    if self.tail.len() + b.len() > MAX_SKIMMED_PARTS {
                        return Err("the manifest's tail is too long");
                    }
                    self.tail.extend_from_slice(b);
                    b.len()
                }
            };
            b = &b[take..];
        }
        Ok(())
    }

    /// Head bytes up to the array after `"sections":`; how many were taken.
    fn head_bytes(&mut self, b: &[u8]) -> Result<usize, &'static str> {
        for (i, &c) in b.iter().enumerate() {
            if self.in_string {
                if self.depth == 1 && self.key.len() <= 16 {
                    self.key.push(c);
                }
                if self.escaped {
                    self.escaped = false;
                } else if c == b'\\' {
                    self.escaped = true;
                } else if c == b'"' {
                    self.in_string = false;
                    if self.depth == 1 {
                        self.after_sections_key = u8::from(self.key == b"sections\"");
                    }
                }
                continue;
            }
            match c {
                b'"' => {
                    self.in_string = true;
                    self.key.clear();
                }
                b':' if self.after_sections_key == 1 && self.depth == 1 => {
                    self.after_sections_key = 2;
                }
                b'[' if self.after_sections_key == 2 && self.depth == 1 => {
                    self.part = SkimPart::Sections;
                    self.depth = 2;
                    self.head.extend_from_slice(&b[..i]);
                    return Ok(i + 1);
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.after_sections_key = 0;
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.after_sections_key = 0;
                }
                c if c.is_ascii_whitespace() => {}
                _ => {
                    if self.after_sections_key == 2 {
                        return Err("the manifest's sections are not an array");
                    }
                    if c != b':' {
                        self.after_sections_key = 0;
                    }
                }
            }
        }
        if self.head.len() + b.len() > MAX_SKIMMED_PARTS {
            return Err("the manifest's head is too long");
        }
        self.head.extend_from_slice(b);
        Ok(b.len())
    }

    /// Bytes of the sections' array, skipped; how many were taken (all, or
    /// up to and including its closing bracket).
    fn section_bytes(&mut self, b: &[u8]) -> Result<usize, &'static str> {
        let mut i = 0;
        while i < b.len() {
            if self.in_string {
                if self.escaped {
                    // The byte after a backslash is taken as it is.
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &b[i..]) {
                    None => return Ok(b.len()),
                    Some(k) => {
                        i += k;
                        if b[i] == b'\\' {
                            self.escaped = true;
                        } else {
                            self.in_string = false;
                        }
                        i += 1;
                    }
                }
                continue;
            }
            let c = b[i];
            i += 1;
            match c {
                b'"' => {
                    self.in_string = true;
                    self.escaped = false;
                }
                b'{' | b'[' => {
                    if self.depth == 2 && !self.nonempty {
                        self.nonempty = true;
                        self.count = 1;
                    }
                    self.depth += 1;
                }
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 1 {
                        if c != b']' {
                            return Err("the manifest's sections are not an array");
                        }
                        self.part = SkimPart::Tail;
                        return Ok(i);
                    }
                }
                b',' if self.depth == 2 => self.count += 1,
                c if c.is_ascii_whitespace() => {}
                _ if self.depth == 2 && !self.nonempty => {
                    self.nonempty = true;
                    self.count = 1;
                }
                _ => {}
            }
        }
        Ok(b.len())
    }
}

/// A writer that keeps only the SHA-256 and the length of what is written:
/// serialized manifests are compared with stored ones through it, so no
/// second copy of a large manifest is made.
#[derive(Default)]
struct Hashed {
    hash: Sha256,
    len: u64,
}

impl Hashed {
    /// Whether what was written has this SHA-256 and length.
    fn matches(self, sha256: &[u8], len: u64) -> bool {
        self.len == len && self.hash.finalize().as_slice() == sha256
    }
}

impl std::io::Write for Hashed {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.hash.update(b);
        self.len += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Checks that a manifest read in pieces is in canonical form: its head,
/// each section and its tail, serialized again, must hash to the stored
/// bytes. The head is known before the sections stream past, the tail only
/// after them.
pub struct FormCheck {
    hashed: Hashed,
    first: bool,
}

impl FormCheck {
    /// Start with the head's canonical bytes and the sections' key.
    pub fn new(h: &Head) -> FormCheck {
        // Sorted keys (M2): a Head serializes the fields before "sections"
        // exactly as the whole manifest does, then its closing brace.
        let bytes = serde_json::to_vec(h).expect("manifest head is serializable");
        let mut hashed = Hashed::default();
        hashed
            .write_all(&bytes[..bytes.len() - 1])
            .expect("hashing cannot fail");
        hashed
            .write_all(b",\"sections\":[")
            .expect("hashing cannot fail");
        FormCheck {
            hashed,
            first: true,
        }
    }

    /// The next section, in order.
    pub fn section(&mut self, e: &SectionEntry) {
        if !std::mem::replace(&mut self.first, false) {
            self.hashed.write_all(b",").expect("hashing cannot fail");
        }
        serde_json::to_writer(&mut self.hashed, e).expect("section is serializable");
    }

    /// Whether the stored bytes (their SHA-256, lowercase hex, and length)
    /// are the canonical form of what was read, ending with `tail`.
    pub fn matches(mut self, tail: &Tail, sha256: &str, len: u64) -> bool {
        let bytes = serde_json::to_vec(tail).expect("manifest tail is serializable");
        self.hashed.write_all(b"],").expect("hashing cannot fail");
        self.hashed
            .write_all(&bytes[1..])
            .expect("hashing cannot fail");
        let mut want = [0u8; 32];
        hex::decode_to_slice(sha256, &mut want).is_ok() && self.hashed.matches(&want, len)
    }
}

/// Read a stored manifest whole, handing each of its sections, in order,
/// to `f`, and giving back its tail; the fields of its head are skipped
/// ([`read_head`] has read them). Unknown, missing and repeated fields are
/// errors, as for a [`Header`].
pub fn read_body(r: &mut dyn Read, f: impl FnMut(SectionEntry)) -> Result<Tail, ManifestError> {
    struct Whole<F>(F);
    struct Sections<'a, F>(&'a mut F);
    impl<'de, F: FnMut(SectionEntry)> Visitor<'de> for Whole<F> {
        type Value = Tail;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a vellum manifest")
        }
        fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Tail, A::Error> {
            let mut sections = false;
            let mut signers: Option<Signers> = None;
            let mut tree: Option<TreeInfo> = None;
            let mut version: Option<u32> = None;
            let mut warnings: Option<Warnings> = None;
            let mut head = [false; HEAD_KEYS.len()];
            while let Some(key) = map.next_key::<String>()? {
                match known_key(&key)? {
                    "sections" => {
                        if std::mem::replace(&mut sections, true) {
                            return Err(de::Error::duplicate_field("sections"));
                        }
                        map.next_value_seed(Sections(&mut self.0))?;
                    }
                    k @ "signers" => once(&mut map, &mut signers, k)?,
                    k @ "tree" => once(&mut map, &mut tree, k)?,
                    k @ "version" => once(&mut map, &mut version, k)?,
                    k @ "warnings" => once(&mut map, &mut warnings, k)?,
                    k => {
                        let i = HEAD_KEYS.iter().position(|h| *h == k).unwrap_or(0);
                        if std::mem::replace(&mut head[i], true) {
                            return Err(de::Error::duplicate_field(k));
                        }
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            if let Some(i) = head.iter().position(|seen| !seen) {
                return Err(de::Error::missing_field(HEAD_KEYS[i]));
            }
            if !sections {
                return Err(de::Error::missing_field("sections"));
            }
            Ok(Tail {
                signers: signers
                    .ok_or_else(|| de::Error::missing_field("signers"))?
                    .0,
                tree: tree.ok_or_else(|| de::Error::missing_field("tree"))?,
                version: version.ok_or_else(|| de::Error::missing_field("version"))?,
                warnings: warnings
                    .ok_or_else(|| de::Error::missing_field("warnings"))?
                    .0,
            })
        }
    }
    impl<'de, F: FnMut(SectionEntry)> DeserializeSeed<'de> for Sections<'_, F> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de, F: FnMut(SectionEntry)> Visitor<'de> for Sections<'_, F> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of sections")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(e) = seq.next_element::<SectionEntry>()? {
                (self.0)(e);
            }
            Ok(())
        }
    }
    let mut de = serde_json::Deserializer::from_reader(limited(r));
    let tail = de
        .deserialize_map(Whole(f))
        .and_then(|t| de.end().map(|()| t))
        .map_err(|e: serde_json::Error| ManifestError::Json(e.to_string()))?;
    Ok(tail)
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
    pub(crate) fn is_canonical_form_of(&self, bytes: &[u8]) -> bool {
        let mut h = Hashed::default();
        serde_json::to_writer(&mut h, self).is_ok()
            && h.matches(&Sha256::digest(bytes), bytes.len() as u64)
    }

    /// Parse manifest bytes, insisting they are in canonical form.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        let m: Manifest =
            serde_json::from_slice(bytes).map_err(|e| ManifestError::Json(e.to_string()))?;
        m.check_ids()?;
        if !m.is_canonical_form_of(bytes) {
            return Err(ManifestError::NotCanonical);
        }
        Ok(m)
    }
}

/// An RFC 3339 time in the one form manifests use: UTC, to the second,
/// `Z` suffix, so times compare as strings.
pub fn normalize_time(t: &str) -> Option<String> {
    let fmt = &time::format_description::well_known::Rfc3339;
    let t = time::OffsetDateTime::parse(t, fmt).ok()?;
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .ok()?;
    t.format(fmt).ok()
}

/// The time now, as RFC 3339 UTC to the second.
pub fn now_rfc3339() -> String {
    let t = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let fp = crate::crypto::keys::SecretKey::from_seed(&[1; 32])
            .public
            .fingerprint();
        let fp2 = crate::crypto::keys::SecretKey::from_seed(&[2; 32])
            .public
            .fingerprint();
        Manifest {
            archive_id: "a".into(),
            canonical: TextDigest {
                bytes: 3,
                sha256: "ab".into(),
            },
            canonical_text: crate::text::canon::SPEC_ID.into(),
            created: "2014-02-08T18:00:00Z".into(),
            format: MANIFEST_FORMAT.into(),
            format_version: MANIFEST_FORMAT_VERSION,
            index: Index {
                chunks: vec![Chunk {
                    canonical: 0,
                    counts: KindCounts::default(),
                    section: 0,
                    source: 0,
                }],
                last_body: Some(0),
                mode: Mode::Paragraphs,
                tile_height: 8,
                tiles: vec![B64Hash([7; 32])],
            },
            key_change: Some(KeyChange {
                previous_signers: vec![fp2],
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
                kind: crate::text::sections::Kind::Point,
                len: 5,
                number: Some(1),
                sha256: "ef".into(),
                start: 3,
            }],
            signers: vec![fp],
            tree: TreeInfo {
                leaf_format: LEAF_FORMAT.into(),
                root: B64Hash([8; 32]),
                size: 1,
            },
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

    /// Read in two passes (head, then the whole manifest with its sections
    /// streamed), a manifest gives back what a whole parse gives, and the
    /// form check accepts exactly the canonical bytes.
    fn read_in_passes(bytes: &[u8]) -> Result<(Header, Vec<SectionEntry>, bool), ManifestError> {
        let head = read_head(&mut &bytes[..])?;
        let mut form = FormCheck::new(&head);
        let mut secs = Vec::new();
        let tail = read_body(&mut &bytes[..], |e| {
            form.section(&e);
            secs.push(e);
        })?;
        let sha = crate::digest::sha256(bytes);
        let canonical = form.matches(&tail, &sha, bytes.len() as u64);
        let h = head.into_header(secs.len() as u64, tail)?;
        // The one-pass reader agrees, and so does the skimming one (check's),
        // given the bytes at once or one at a time.
        assert_eq!(Header::read(&mut &bytes[..]).as_ref(), Ok(&h));
        assert_eq!(
            Header::read_skimming_sections(&mut &bytes[..]).as_ref(),
            Ok(&h)
        );
        assert_eq!(
            Header::read_skimming_sections(&mut OneByte(bytes)).as_ref(),
            Ok(&h)
        );
        Ok((h, secs, canonical))
    }

    /// A reader that gives one byte a read.
    struct OneByte<'a>(&'a [u8]);

    impl std::io::Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn skimmed_sections_are_followed_as_json_text() {
        let m = sample();
        let text = String::from_utf8(m.to_canonical_json()).unwrap();
        let at = text.find("\"sections\":[").unwrap() + "\"sections\":".len();
        let end = text.find("],\"signers\"").unwrap() + 1;
        // Strings that hold brackets, braces, commas, quotes and backslashes,
        // nested arrays: three sections, whatever their content.
        let sections = r#"[{"id":"a]},{\"\\","x":[1,[2,3]]} , {"id":"\\"}, [] ]"#;
        let skimmed = format!("{}{sections}{}", &text[..at], &text[end..]);
        for h in [
            Header::read_skimming_sections(&mut skimmed.as_bytes()),
            Header::read_skimming_sections(&mut OneByte(skimmed.as_bytes())),
        ] {
            let h = h.unwrap();
            assert_eq!(h.sections, SectionCount(3));
            assert_eq!(
                (h.version, &h.signers, &h.tree),
                (m.version, &m.signers, &m.tree)
            );
        }
        // Not a manifest: the array never closes, the sections are no
        // array, nothing follows them, a field after them is unknown.
        for bad in [
            format!("{}[{{\"id\":\"a\"}}", &text[..at]),
            format!("{}{{}}{}", &text[..at], &text[end..]),
            format!("{}[]", &text[..at]),
            format!(
                "{}[]{}",
                &text[..at],
                &text[end..].replacen("\"tree\"", "\"trees\"", 1)
            ),
        ] {
            assert!(
                Header::read_skimming_sections(&mut bad.as_bytes()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_manifest_reads_in_two_passes() {
        let mut m = sample();
        m.sections.push(SectionEntry {
            id: "closing-1".into(),
            kind: crate::text::sections::Kind::Closing,
            len: 7,
            number: None,
            sha256: "12".into(),
            start: 9,
        });
        m.message.push_str(" \"sections\":[]");
        let bytes = m.to_canonical_json();
        let (h, secs, canonical) = read_in_passes(&bytes).unwrap();
        assert!(canonical);
        assert_eq!(h.sections, SectionCount(2));
        assert_eq!(secs, m.sections);
        assert_eq!(h.message, m.message);
        assert_eq!(h.signers, m.signers);
        assert_eq!(h.index, m.index);
        assert_eq!(h.version, m.version);

        let mut empty = m.clone();
        empty.sections.clear();
        let (h, secs, canonical) = read_in_passes(&empty.to_canonical_json()).unwrap();
        assert!(canonical && secs.is_empty() && h.sections == SectionCount(0));

        // The same content in other forms: parsed, but not canonical.
        let text = String::from_utf8(bytes.clone()).unwrap();
        for other in [
            text.replacen("{", "{ ", 1),
            text.replacen("\"len\":5", "\"len\":5.0", 1),
            text.replacen('\u{2019}', "\\u2019", 1),
            text.replacen("\"m ", "\"\\u006d ", 1),
            format!("{text}\n"),
        ] {
            assert_ne!(other, text);
            if let Ok((_, _, canonical)) = read_in_passes(other.as_bytes()) {
                assert!(!canonical, "{other}");
            }
        }
        // Not manifests at all.
        for bad in [
            text.replacen("\"version\":2", "\"version\":2,\"extra\":1", 1),
            text.replacen("\"version\":2", "\"version\":2,\"tree\":{}", 1),
            text.replacen("\"tree\":", "\"signers\":[],\"tree\":", 1),
            text.replacen("\"version\":2,", "", 1),
            text.replacen("{", "{\"message\":\"m\",", 1),
            text.replacen("\"sections\":[", "\"sections\":[],\"sections\":[", 1),
            text.replacen("\"version\":2", "\"version\":2,\"tree\":{}", 1),
            text.replacen("\"version\":2,", "", 1),
            text.replacen("{", "{\"message\":\"m\",", 1),
            text.replacen("\"sections\":[", "\"sections\":[1,", 1),
            text.replacen("\"format\":\"vellum-manifest\"", "\"format\":\"x\"", 1),
            text[..text.len() - 1].to_owned(),
            format!("{text}{{}}"),
        ] {
            assert!(read_in_passes(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    /// A stored manifest's strings, numbers and warnings are bounded, so a
    /// small hostile file cannot make its reader hold a large one.
    #[test]
    fn stored_manifests_are_read_within_bounds() {
        let mut m = sample();
        m.message = "\\".repeat(MAX_TOKEN_BYTES / 2);
        m.warnings = (0..=MAX_WARNINGS).map(|i| format!("w{i}")).collect();
        let bytes = m.to_canonical_json();
        let (h, _, canonical) = read_in_passes(&bytes).unwrap();
        assert!(canonical && h.message == m.message && h.warnings == m.warnings);

        let text = String::from_utf8(bytes).unwrap();
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        for (bad, why) in [
            (
                text.replacen("\"w0\"", &format!("\"{long}\""), 1),
                "longer than",
            ),
            (
                text.replacen(
                    "\"start\":3",
                    &format!("\"start\":{}", "9".repeat(MAX_TOKEN_BYTES + 1)),
                    1,
                ),
                "longer than",
            ),
            (
                text.replacen("\"w0\"", "\"w0\",\"w\"", 1),
                "more than 101 warnings",
            ),
        ] {
            let e = read_in_passes(bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(why), "{e}");
        }
        // A string of exactly the limit, escapes counted as written.
        let edge = text.replacen("\"w0\"", &format!("\"{}\"", "y".repeat(MAX_TOKEN_BYTES)), 1);
        assert!(read_in_passes(edge.as_bytes()).is_ok());

        let all: Vec<String> = (0..250).map(|i| format!("w{i}")).collect();
        let kept = record_warnings(all.clone());
        assert_eq!(kept.len(), MAX_WARNINGS + 1);
        assert_eq!(kept[..MAX_WARNINGS], all[..MAX_WARNINGS]);
        assert_eq!(kept[MAX_WARNINGS], "150 more warnings not listed");
        assert_eq!(record_warnings(all[..3].to_vec()), all[..3]);
    }
}
