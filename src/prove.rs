//! Proving sections (rules R1–R3, R7 of docs/archive-format.md): for a
//! section of a sealed version, a proof file with its text, its leaf, its
//! inclusion path in the version's tree and the signed checkpoint of that
//! tree, which anyone can check without the archive.
//!
//! A proof is made without reading the whole text or the whole manifest
//! (R7): the manifest is read as far as its index (M6), whose chunks say
//! where to start canonicalizing the original to reach the section and the
//! other leaves of its tile (T3), and whose tiles give the rest of the
//! path. The zip's seek table (Z6) lets the original be inflated from the
//! chunk on. What is derived is checked against the signed root before a
//! proof is written.

use crate::archive::checkpoint::SignedCheckpoint;
use crate::archive::container::{ReadError, ZipIn};
use crate::archive::layout::{self, Paths, CHECKPOINT, MANIFEST, ORIGINAL};
use crate::archive::manifest::{self, Head};
use crate::archive::ocfl::Inventory;
use crate::archive::proof::SectionProof;
use crate::archive::tree::{self, Leaf};
use crate::crypto::keys::TrustedKey;
use crate::crypto::merkle::{self, Hash};
use crate::digest::sha256;
use crate::text::canon::{Canonicalizer, LineSplitter, Marker, Sink};
use crate::text::decode::StreamDecoder;
use crate::text::sections::{self, BlockInfo, Classifier, Kind};
use crate::trust::Trust;
use std::fmt;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Why no proof was made.
#[derive(Debug)]
pub enum ProveError {
    /// The archive could not be read (trouble, exit 2).
    Unreadable(ReadError),
    /// Not a vellum-archive-v2 archive: what is wrong (exit 1).
    NotAnArchive {
        /// The archive.
        archive: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// The archive has no such version (exit 2).
    NoSuchVersion {
        /// The archive.
        archive: PathBuf,
        /// The version asked for.
        asked: u32,
        /// How many it has.
        newest: u32,
    },
    /// The version has no section with this id (exit 2).
    NoSuchSection {
        /// The archive.
        archive: PathBuf,
        /// The version.
        version: u32,
        /// The id asked for.
        id: String,
    },
    /// The checkpoint has no signature of a trusted key (exit 1).
    Untrusted {
        /// The archive.
        archive: PathBuf,
        /// The version.
        version: u32,
    },
    /// What the archive says does not lead to its signed root (exit 1).
    Inconsistent {
        /// The archive.
        archive: PathBuf,
        /// The version.
        version: u32,
        /// What does not match.
        what: String,
    },
}

impl ProveError {
    /// Whether this is a finding about the archive rather than trouble.
    pub fn is_finding(&self) -> bool {
        matches!(
            self,
            ProveError::NotAnArchive { .. }
                | ProveError::Untrusted { .. }
                | ProveError::Inconsistent { .. }
        )
    }
}

impl fmt::Display for ProveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProveError::Unreadable(e) => e.fmt(f),
            ProveError::NotAnArchive { archive, what } => {
                write!(f, "{}: {what}", archive.display())
            }
            ProveError::NoSuchVersion {
                archive,
                asked,
                newest,
            } => write!(
                f,
                "{}: has versions 1 to {newest}, not {asked}",
                archive.display()
            ),
            ProveError::NoSuchSection {
                archive,
                version,
                id,
            } => write!(
                f,
                "{}: version {version} has no section {id:?} (vellum sections lists a text's ids)",
                archive.display()
            ),
            ProveError::Untrusted { archive, version } => write!(
                f,
                "{}: the checkpoint of version {version} carries no signature of a trusted key; run vellum verify",
                archive.display()
            ),
            ProveError::Inconsistent {
                archive,
                version,
                what,
            } => write!(
                f,
                "{}: version {version}: {what}; run vellum verify",
                archive.display()
            ),
        }
    }
}

impl std::error::Error for ProveError {}

/// What proving reads of a version once, for all its sections.
struct Version {
    zip: ZipIn,
    original: String,
    checkpoint: Vec<u8>,
    signed: SignedCheckpoint,
    head: Head,
    version: u32,
}

/// Proofs of sections `ids` of `version` (the newest when `None`) of an
/// archive, whose checkpoint a trusted key signed.
pub fn prove(
    archive: &Path,
    version: Option<u32>,
    ids: &[String],
    trust: &Trust,
) -> Result<Vec<SectionProof>, ProveError> {
    let v = open(archive, version, &trust.keys)?;
    ids.iter()
        .map(|id| prove_one(archive, &v, id, trust))
        .collect()
}

/// Read the version's checkpoint (signed by a trusted key) and the
/// manifest's head.
fn open(
    archive: &Path,
    version: Option<u32>,
    trusted: &[TrustedKey],
) -> Result<Version, ProveError> {
    let not = |what: String| ProveError::NotAnArchive {
        archive: archive.to_owned(),
        what,
    };
    let unreadable = |e: ReadError| match e {
        ReadError::Io(..) => ProveError::Unreadable(e),
        ReadError::Invalid(m) => not(m.to_string()),
    };
    let zip = ZipIn::open(archive).map_err(unreadable)?;
    let bag = zip
        .entries
        .first()
        .map(|e| e.name.split('/').next().unwrap_or("").to_owned())
        .unwrap_or_default();
    if !layout::valid_id(&bag) {
        return Err(not("not a vellum archive (no bag folder)".into()));
    }
    let paths = Paths { bag };
    let inv = zip
        .read_small(&paths.root_inventory())
        .map_err(unreadable)
        .and_then(|b| Inventory::parse(&b).map_err(|e| not(e.to_string())))?;
    let newest = inv.version_count().map_err(|e| not(e.to_string()))?;
    let n = version.unwrap_or(newest);
    if n == 0 || n > newest {
        return Err(ProveError::NoSuchVersion {
            archive: archive.to_owned(),
            asked: n,
            newest,
        });
    }
    let file = |logical: &str| {
        inv.content_path(n, logical)
            .map(|p| paths.object(p))
            .ok_or_else(|| not(format!("v{n} has no {logical}")))
    };
    let mut checkpoint = zip.read_tiny(&file(CHECKPOINT)?).map_err(unreadable)?;
    let mut signed =
        SignedCheckpoint::parse(&checkpoint).map_err(|e| not(format!("v{n} {CHECKPOINT}: {e}")))?;
    // X2: the co-signed checkpoint, over the same text with every line,
    // goes into the proof when there is one.
    if let Some((bytes, cosigned)) = zip
        .read_tiny(&paths.tag(&layout::cosigned_checkpoint(n)))
        .ok()
        .and_then(|b| SignedCheckpoint::parse(&b).ok().map(|s| (b, s)))
        .filter(|(_, c)| c.note.text == signed.note.text)
    {
        checkpoint = bytes;
        signed = cosigned;
    }
    if signed.trusted_signers(trusted).is_empty() {
        return Err(ProveError::Untrusted {
            archive: archive.to_owned(),
            version: n,
        });
    }
    let head = zip
        .read_start(&file(MANIFEST)?, |r| manifest::read_head(r))
        .map_err(unreadable)?
        .map_err(|e| not(format!("v{n} {MANIFEST}: {e}")))?;
    let cp = &signed.checkpoint;
    if cp.archive_id != paths.bag || cp.version != n || head.archive_id != paths.bag {
        return Err(ProveError::Inconsistent {
            archive: archive.to_owned(),
            version: n,
            what: "the checkpoint or the manifest names another archive or version".into(),
        });
    }
    Ok(Version {
        original: file(ORIGINAL)?,
        zip,
        checkpoint,
        signed,
        head,
        version: n,
    })
}

/// A block as canonicalized: its marker and text.
struct Closed {
    marker: Option<Marker>,
    text: String,
}

/// The canonicalizer's sink: whole blocks, one after the other.
#[derive(Default)]
struct BlockTexts {
    current: Option<Closed>,
    closed: Vec<Closed>,
}

impl Sink for BlockTexts {
    fn block(&mut self, marker: Option<Marker>, _line: u64) {
        if let Some(c) = self.current.take() {
            self.closed.push(c);
        }
        self.current = Some(Closed {
            marker,
            text: String::new(),
        });
    }
    fn text(&mut self, s: &str) {
        if let Some(c) = &mut self.current {
            c.text.push_str(s);
        }
    }
    fn warning(&mut self, _: crate::text::canon::Warning) {}
}

/// R7: one section's proof.
fn prove_one(
    archive: &Path,
    v: &Version,
    id: &str,
    trust: &Trust,
) -> Result<SectionProof, ProveError> {
    let no_section = || ProveError::NoSuchSection {
        archive: archive.to_owned(),
        version: v.version,
        id: id.to_owned(),
    };
    let inconsistent = |what: &str| ProveError::Inconsistent {
        archive: archive.to_owned(),
        version: v.version,
        what: what.to_owned(),
    };
    let (kind, ordinal) = id
        .rsplit_once('-')
        .and_then(|(k, n)| Some((Kind::parse(k)?, n.parse::<u64>().ok().filter(|n| *n > 0)?)))
        .ok_or_else(no_section)?;
    let index = &v.head.index;
    let chunks = &index.chunks;
    let h = index.tile_height;
    if chunks.first().map(|c| (c.section, c.source)) != Some((0, 0)) || h > 63 {
        return Err(inconsistent("the manifest's index does not read"));
    }
    // The chunk holding the section, by the counts of kinds before each; the
    // reading starts at the chunk where that section's tile starts, or
    // before.
    let k = chunks
        .iter()
        .rposition(|c| c.counts.get(kind) < ordinal)
        .unwrap_or(0);
    let floor = (chunks[k].section >> h) << h;
    let k0 = chunks.iter().rposition(|c| c.section <= floor).unwrap_or(0);
    let start = &chunks[k0];
    let size = v.signed.checkpoint.size;
    let mut c = Classifier::new(start.section, start.counts.to_array(), index.last_body);
    let mut pos = start.canonical;
    let mut i = start.section;
    let mut leaves: Vec<(u64, Hash)> = Vec::new();
    let mut target: Option<(Leaf, String)> = None;
    let mut tile_end = u64::MAX;
    let mut take =
        |b: Closed, target: &mut Option<(Leaf, String)>, tile_end: &mut u64| -> ControlFlow<()> {
            let marker_len = b
                .marker
                .map(|m| crate::text::canon::marker_text(m).len() as u64 + 1)
                .unwrap_or(0);
            let begin = pos + if i > 0 { 2 } else { 0 } + marker_len;
            let info = BlockInfo {
                marker: b.marker,
                words: memchr::memchr_iter(b' ', b.text.as_bytes()).count() + 1,
                ends_sentence: sections::ends_sentence(&b.text),
                start: begin,
                len: b.text.len() as u64,
                sha256: sha256(b.text.as_bytes()),
            };
            let (bid, bkind, number) = c.next(&info);
            let leaf = Leaf {
                index: i,
                id: bid,
                kind: bkind,
                number,
                start: begin,
                len: info.len,
                sha256: info.sha256,
            };
            leaves.push((i, leaf.hash()));
            if target.is_none() && leaf.id == id {
                let t0 = (i >> h) << h;
                *tile_end = (t0 + (1 << h)).min(size);
                *target = Some((leaf, b.text));
            }
            pos = begin + info.len;
            i += 1;
            if i >= *tile_end {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
    let mut dec = StreamDecoder::default();
    let mut split = LineSplitter::default();
    let mut canon = Canonicalizer::new(BlockTexts::default(), index.mode);
    let mut stopped = false;
    v.zip
        .read_from(&v.original, start.source, |bytes| {
            let r = dec.push(bytes, &mut |t| split.push(t, &mut |p, e| canon.push(p, e)));
            if r.is_err() {
                return ControlFlow::Break(());
            }
            for b in std::mem::take(&mut canon.sink_mut().closed) {
                if take(b, &mut target, &mut tile_end).is_break() {
                    stopped = true;
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        })
        .map_err(|e| match e {
            ReadError::Io(..) => ProveError::Unreadable(e),
            ReadError::Invalid(m) => inconsistent(&format!("{ORIGINAL}: {m}")),
        })?;
    if !stopped {
        let _ = dec.finish(&mut |t| split.push(t, &mut |p, e| canon.push(p, e)));
        split.finish(&mut |p, e| canon.push(p, e));
        let mut rest = canon.finish();
        rest.closed.extend(rest.current.take());
        for b in rest.closed {
            if take(b, &mut target, &mut tile_end).is_break() {
                break;
            }
        }
    }
    let (leaf, text) = target.ok_or_else(no_section)?;
    let t0 = (leaf.index >> h) << h;
    let tile: Vec<Hash> = leaves
        .iter()
        .filter(|(j, _)| *j >= t0 && *j < tile_end)
        .map(|(_, l)| *l)
        .collect();
    let tiles: Vec<Hash> = index.tiles.iter().map(|t| t.0).collect();
    let t = (leaf.index >> h) as usize;
    if tile.len() as u64 != tile_end - t0 || tiles.get(t) != Some(&merkle::root(&tile)) {
        return Err(inconsistent(
            "the text's sections do not give the tile the manifest's index names",
        ));
    }
    let path = tree::path_from_tiles(leaf.index, h, &tile, &tiles)
        .ok_or_else(|| inconsistent("the index's tiles do not hold the section"))?;
    let proof = SectionProof {
        archive_id: v.signed.checkpoint.archive_id.clone(),
        version: v.version,
        section: leaf.id.clone(),
        text,
        leaf: leaf.bytes(),
        index: leaf.index,
        path,
        checkpoint: v.checkpoint.clone(),
    };
    // What is written must verify as the reader will check it.
    crate::verify::proof::check(&proof, trust)
        .map_err(|e| inconsistent(&format!("the proof does not check ({e})")))?;
    Ok(proof)
}
