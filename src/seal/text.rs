//! Seal's first phases: the text to seal (S1a–S3b), and what the new
//! version says about it (its sections, their tree, the index; T1–T3, M6).

use super::SealError;
use crate::archive::manifest::{self, B64Hash, Chunk, Index, KindCounts, SectionEntry, TreeInfo};
use crate::archive::tree::{self, Leaf, LEAF_FORMAT};
use crate::crypto::merkle::TreeBuilder;
use crate::limits::MAX_TEXT;
use crate::text::canon::{self, Mode, WarningKind};
use crate::text::decode::{self, Encoding};
use crate::text::sections::{self, Kind, Section};
use std::path::Path;

/// A text ready to seal: its sections and the chunks of its original.
pub(super) struct Prepared {
    /// The sections, in order.
    pub(super) sections: Vec<Section>,
    /// Canonical text: SHA-256 and length.
    pub(super) canonical_sha256: String,
    pub(super) canonical_len: u64,
    /// Warnings to record (M4).
    pub(super) warnings: Vec<String>,
    /// The line mode.
    pub(super) mode: Mode,
    /// Where the original is cut into chunks (C33), in its own bytes.
    pub(super) cuts: Vec<usize>,
    /// Blocks of each chunk.
    pub(super) per_chunk: Vec<usize>,
}

/// How a text is cut into chunks (C33): its decoded form, mode, and the
/// chunks' starts in its own bytes.
pub(super) struct Chunking<'a> {
    pub(super) decoded: std::borrow::Cow<'a, str>,
    pub(super) mode: Mode,
    pub(super) cuts: Vec<usize>,
    /// Bytes of BOM before the decoded text.
    bom: usize,
}

/// S1a–S2: the text is not too large and decodes (borrowed when UTF-8:
/// a large text is not copied); its mode and chunks (C9, C33).
pub(super) fn chunking<'a>(name: &Path, text: &'a [u8]) -> Result<Chunking<'a>, SealError> {
    if text.len() as u64 > MAX_TEXT {
        return Err(SealError::TextTooLarge {
            text: name.to_owned(),
            bytes: text.len() as u64,
        });
    }
    let (decoded, encoding) =
        decode::decode_borrowed(text).map_err(|error| SealError::Undecodable {
            text: name.to_owned(),
            error,
        })?;
    let mode = canon::detect_mode(&decoded);
    let utf8 = matches!(encoding, Encoding::Utf8 | Encoding::Utf8Bom);
    Ok(Chunking {
        cuts: canon::chunk_cuts(text, mode, utf8),
        mode,
        decoded,
        bom: if encoding == Encoding::Utf8Bom {
            decode::UTF8_BOM.len()
        } else {
            0
        },
    })
}

/// S3a–S3b: the text, canonicalized in its chunks (C33), has words, and
/// holds no bidi or tag character unless allowed.
pub(super) fn prepare(name: &Path, c: &Chunking, allow_bidi: bool) -> Result<Prepared, SealError> {
    let decoded_cuts: Vec<usize> = c.cuts.iter().map(|x| x - c.bom).collect();
    let (canonical, per_chunk) = canon::canonicalize_in_parts(&c.decoded, c.mode, &decoded_cuts);
    let (mode, cuts) = (c.mode, c.cuts.clone());
    if canonical.blocks.is_empty() {
        return Err(SealError::Empty {
            text: name.to_owned(),
        });
    }
    let mut warnings = Vec::new();
    for w in &canonical.warnings {
        let risky = matches!(w.kind, WarningKind::Bidi | WarningKind::Tag);
        if risky && !allow_bidi {
            return Err(SealError::Bidi {
                text: name.to_owned(),
                line: w.line,
                codepoint: w.codepoint.clone(),
                name: w.name,
            });
        }
        let kind = serde_json::to_value(w.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        warnings.push(format!(
            "line {}: {} {} ({kind})",
            w.line, w.codepoint, w.name
        ));
    }
    let (sections, (canonical_sha256, canonical_len)) =
        sections::split_owned_hashed_digest(canonical);
    Ok(Prepared {
        sections,
        canonical_sha256,
        canonical_len,
        warnings: manifest::record_warnings(warnings),
        mode,
        cuts,
        per_chunk,
    })
}

/// What the manifest records of the sections: entries, tree, index.
pub(super) struct Content {
    pub(super) entries: Vec<SectionEntry>,
    pub(super) tree: TreeInfo,
    pub(super) index: Index,
}

/// T1–T3, M6: each section's entry and leaf, the tree and its tiles, and
/// the chunks of the original with what stands before each.
pub(super) fn content(p: &Prepared) -> Content {
    let entries: Vec<SectionEntry> = p.sections.iter().map(SectionEntry::of).collect();
    let leaves = manifest::leaf_hashes(&entries);
    let height = tree::tile_height(leaves.len() as u64);
    let mut b = TreeBuilder::with_tiles(height);
    for l in &leaves {
        b.push(*l);
    }
    let mut chunks = Vec::with_capacity(p.cuts.len() + 1);
    let mut counts = KindCounts::default();
    let mut section = 0usize;
    for (k, source) in std::iter::once(0).chain(p.cuts.iter().copied()).enumerate() {
        chunks.push(Chunk {
            canonical: match section.checked_sub(1) {
                Some(last) => entries[last].start + entries[last].len,
                None => 0,
            },
            counts,
            section: section as u64,
            source: source as u64,
        });
        for e in &entries[section..section + p.per_chunk[k]] {
            counts.add(e.kind);
        }
        section += p.per_chunk[k];
    }
    let last_body = entries
        .iter()
        .rposition(|e| !matches!(e.kind, Kind::Heading | Kind::Closing))
        .map(|i| i as u64);
    Content {
        tree: TreeInfo {
            leaf_format: LEAF_FORMAT.into(),
            root: B64Hash(b.root()),
            size: leaves.len() as u64,
        },
        index: Index {
            chunks,
            last_body,
            mode: p.mode,
            tile_height: height,
            tiles: b.tiles().into_iter().map(B64Hash).collect(),
        },
        entries,
    }
}

/// The leaf of a section (for tests of the tree).
#[allow(dead_code)]
pub(super) fn leaf_of(e: &SectionEntry, index: u64) -> Leaf {
    e.leaf(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::merkle::Hash;

    /// A text of several chunks: the index says where each starts, what
    /// comes before it, and the tiles give the tree's root.
    #[test]
    fn the_index_describes_the_chunks() {
        let para = "A paragraph of words that goes on for a while, and ends here.\n\n";
        let mut t = String::new();
        let mut i = 0;
        while t.len() < 3 * canon::CHUNK_BYTES {
            i += 1;
            t.push_str(&format!("{i}. {para}"));
            if i % 50 == 0 {
                t.push_str("The convention stated:\n\n");
            }
        }
        t.push_str("Paris, 2014\n");
        let p = prepare(
            Path::new("t"),
            &chunking(Path::new("t"), t.as_bytes()).unwrap(),
            false,
        )
        .unwrap();
        assert_eq!(p.cuts.len(), 2);
        let c = content(&p);
        assert_eq!(c.index.chunks.len(), 3);
        assert_eq!(c.index.chunks[0].source, 0);
        for (k, ch) in c.index.chunks.iter().enumerate().skip(1) {
            let s = ch.section as usize;
            assert!(canon::is_clean_cut(
                t.as_bytes(),
                ch.source as usize,
                p.mode
            ));
            // The chunk's first section starts after its separator (and
            // marker) where the previous one ended.
            let e = &c.entries[s];
            let marker = e.number.map(|n| format!("{n}. ").len()).unwrap_or(0) as u64;
            assert_eq!(e.start, ch.canonical + 2 + marker, "chunk {k}");
            assert_eq!(ch.counts.to_array().iter().sum::<u64>(), ch.section);
            assert!(ch.counts.get(Kind::Heading) > 0 && ch.counts.get(Kind::Point) > 0);
        }
        assert_eq!(c.index.last_body, Some(c.entries.len() as u64 - 2));
        assert_eq!(c.entries.last().unwrap().kind, Kind::Closing);
        let tiles: Vec<Hash> = c.index.tiles.iter().map(|t| t.0).collect();
        assert_eq!(crate::crypto::merkle::root(&tiles), c.tree.root.0);
        let all: Vec<Hash> = c
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| leaf_of(e, i as u64).hash())
            .collect();
        assert_eq!(crate::crypto::merkle::root(&all), c.tree.root.0);
        // The same text canonicalized whole gives the same sections.
        let whole = sections::split_owned_hashed(canon::Canonical::new(&t));
        assert_eq!(whole.len(), c.entries.len());
        assert!(whole
            .iter()
            .zip(&c.entries)
            .all(|(a, b)| a.sha256 == b.sha256 && a.id == b.id && a.start == b.start));
    }
}
