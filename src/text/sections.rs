//! Sections: the natural parts of a text, each with a stable, readable id.
//!
//! Every canonical block is one section. Its kind comes from its marker and
//! shape: `bullet` and `point` (list items; the marker or number is structure,
//! recorded here, not part of the words), `heading` (a short line that does
//! not end a sentence, such as "The convention stated:"), `closing` (the short
//! lines after the last paragraph or list item: signatures, place and date) and
//! `paragraph`. Ids number the sections of each kind in order: `paragraph-1`,
//! `bullet-4`, `point-7`, `heading-1`, `closing-2`.

use crate::digest::{sha256, Sha256Hex};
use crate::limits::MAX_LISTED_PROBLEMS;
use crate::text::canon::{Block, Canonical, Marker};
use serde::{Deserialize, Serialize};

/// What kind of part of the text a section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A paragraph of running text.
    Paragraph,
    /// A bulleted list item.
    Bullet,
    /// A numbered point.
    Point,
    /// A short line that introduces what follows.
    Heading,
    /// A short line after the body: signature, place, date.
    Closing,
}

impl Kind {
    /// Every kind, in the order of their counts.
    pub const ALL: [Kind; 5] = [
        Kind::Paragraph,
        Kind::Bullet,
        Kind::Point,
        Kind::Heading,
        Kind::Closing,
    ];

    /// The kind of this name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind's name, as used in ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Paragraph => "paragraph",
            Kind::Bullet => "bullet",
            Kind::Point => "point",
            Kind::Heading => "heading",
            Kind::Closing => "closing",
        }
    }
}

/// Longest block (in words) that can be a heading or closing line.
pub(crate) const SHORT_LINE_WORDS: usize = 12;

/// One section of a text.
#[derive(Debug, Clone)]
pub struct Section {
    /// Stable id: kind and ordinal, e.g. `point-7`.
    pub id: String,
    /// Kind of section.
    pub kind: Kind,
    /// The printed number of a numbered point.
    pub number: Option<u32>,
    /// Canonical text (without marker): what is hashed and signed.
    pub text: String,
    /// The text as published (typography kept), without marker, when it
    /// is not `text` itself (see [`Section::display`]).
    pub published: Option<String>,
    /// SHA-256 of `text`.
    pub sha256: Sha256Hex,
    /// Byte offset of `text` in the canonical text.
    pub start: u64,
}

impl Section {
    /// The text as published (typography kept), without marker.
    pub fn display(&self) -> &str {
        self.published.as_deref().unwrap_or(&self.text)
    }
}

impl PartialEq for Section {
    fn eq(&self, o: &Section) -> bool {
        (
            &self.id,
            self.kind,
            self.number,
            &self.text,
            self.display(),
            &self.sha256,
            self.start,
        ) == (
            &o.id,
            o.kind,
            o.number,
            &o.text,
            o.display(),
            &o.sha256,
            o.start,
        )
    }
}

impl Eq for Section {}

/// What classification needs to know of a block; computable while the text
/// streams past, so verification needs no whole text in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockInfo {
    /// List marker.
    pub marker: Option<Marker>,
    /// Number of words (space-separated runs).
    pub words: usize,
    /// Ends like a sentence (`.`, `!`, `?`, `;`, maybe before a quote).
    pub ends_sentence: bool,
    /// Byte offset of the block's text in the canonical text.
    pub start: u64,
    /// Byte length of the block's text.
    pub len: u64,
    /// SHA-256 of the block's text.
    pub sha256: Sha256Hex,
}

impl BlockInfo {
    fn of(b: &Block, start: u64, hash: bool) -> BlockInfo {
        BlockInfo {
            marker: b.marker,
            words: memchr::memchr_iter(b' ', b.text.as_bytes()).count() + 1,
            ends_sentence: ends_sentence(&b.text),
            start,
            len: b.text.len() as u64,
            sha256: if hash {
                sha256(b.text.as_bytes())
            } else {
                String::new()
            },
        }
    }
    fn is_short_line(&self) -> bool {
        self.marker.is_none() && self.words <= SHORT_LINE_WORDS && !self.ends_sentence
    }
}

/// Whether a block's text ends like a sentence (`.`, `!`, `?`, `;`, maybe
/// before a quote or bracket).
pub fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(['"', '\'', ')'])
        .ends_with(['.', '!', '?', ';'])
}

/// Kind, id and number of each block (C29, C30).
pub fn classify(blocks: &[BlockInfo]) -> Vec<(String, Kind, Option<u32>)> {
    let last_body = blocks.iter().rposition(|b| !b.is_short_line());
    let mut c = Classifier::new(0, [0; 5], last_body.map(|l| l as u64));
    blocks.iter().map(|b| c.next(b)).collect()
}

/// Classifies blocks one after the other, from any block on, as
/// [`classify`] does the whole text: given how many sections of each kind
/// come before (counts in [`Kind::ALL`] order) and where the last body
/// block is (short lines after it are closing lines, C30).
#[derive(Debug, Clone)]
pub struct Classifier {
    index: u64,
    counts: [u64; 5],
    last_body: Option<u64>,
}

impl Classifier {
    /// Start at block `index`.
    pub fn new(index: u64, counts: [u64; 5], last_body: Option<u64>) -> Classifier {
        Classifier {
            index,
            counts,
            last_body,
        }
    }

    /// The next block's id, kind and number.
    pub fn next(&mut self, b: &BlockInfo) -> (String, Kind, Option<u32>) {
        let (kind, number) = match b.marker {
            Some(Marker::Bullet) => (Kind::Bullet, None),
            Some(Marker::Number(n)) => (Kind::Point, Some(n)),
            None if b.is_short_line() => match self.last_body {
                Some(l) if self.index > l => (Kind::Closing, None),
                _ => (Kind::Heading, None),
            },
            None => (Kind::Paragraph, None),
        };
        let k = kind as usize;
        self.counts[k] += 1;
        self.index += 1;
        (
            format!("{}-{}", kind.as_str(), self.counts[k]),
            kind,
            number,
        )
    }
}

/// Split a canonical text into sections; also returns each section's byte
/// offset in the canonical text.
pub fn split(c: &Canonical) -> Vec<Section> {
    split_with(c, true)
}

/// Split a canonical text into sections without hashing, taking its
/// strings instead of copying them.
pub fn split_owned(c: Canonical) -> Vec<Section> {
    split_owned_with(c, false)
}

/// Split a canonical text into hashed sections, taking its strings instead
/// of copying them (seal: a large text is not held twice).
pub fn split_owned_hashed(c: Canonical) -> Vec<Section> {
    split_owned_with(c, true)
}

/// [`split_owned_hashed`], and the canonical text's SHA-256 and length
/// ([`Canonical::digest`]) worked out at the same time.
pub fn split_owned_hashed_digest(c: Canonical) -> (Vec<Section>, (String, u64)) {
    let (infos, digest) = rayon::join(|| block_infos(&c, true), || c.digest());
    let secs = assemble(infos, c.blocks.into_iter().map(|b| (b.text, b.published)));
    (secs, digest)
}

fn split_owned_with(c: Canonical, hash: bool) -> Vec<Section> {
    let infos = block_infos(&c, hash);
    assemble(infos, c.blocks.into_iter().map(|b| (b.text, b.published)))
}

/// Sections from block infos and each block's text and display text.
fn assemble(
    infos: Vec<BlockInfo>,
    texts: impl Iterator<Item = (String, Option<String>)>,
) -> Vec<Section> {
    classify(&infos)
        .into_iter()
        .zip(texts.zip(infos))
        .map(|((id, kind, number), ((text, published), info))| Section {
            id,
            kind,
            number,
            text,
            published,
            sha256: info.sha256,
            start: info.start,
        })
        .collect()
}

fn block_infos(c: &Canonical, hash: bool) -> Vec<BlockInfo> {
    use rayon::prelude::*;
    // Where each block's text starts in the canonical text, without writing
    // the text out.
    let mut pos = 0u64;
    let mut w = crate::text::canon::TextWriter::default();
    let starts: Vec<u64> = c
        .blocks
        .iter()
        .map(|b| {
            w.block(b.marker, &mut |s| pos += s.len() as u64);
            let start = pos;
            pos += b.text.len() as u64;
            start
        })
        .collect();
    c.blocks
        .par_iter()
        .zip(starts.par_iter())
        .with_min_len(256)
        .map(|(b, &s)| BlockInfo::of(b, s, hash))
        .collect()
}

fn split_with(c: &Canonical, hash: bool) -> Vec<Section> {
    let infos = block_infos(c, hash);
    assemble(
        infos,
        c.blocks
            .iter()
            .map(|b| (b.text.clone(), b.published.clone())),
    )
}

/// Add `s` to the end of a block kept only as far as [`ends_sentence`]
/// looks: at most 64 bytes are held, whatever the block's length.
pub fn keep_tail(tail: &mut String, s: &str) {
    tail.push_str(s);
    if tail.len() > 64 {
        let mut cut = tail.len() - 16;
        while !tail.is_char_boundary(cut) {
            cut += 1;
        }
        tail.drain(..cut);
    }
}

/// What a manifest claims about one section.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    /// Section id.
    pub id: &'a str,
    /// Kind.
    pub kind: Kind,
    /// Printed number of a point.
    pub number: Option<u32>,
    /// Byte offset in the canonical text.
    pub start: u64,
    /// Byte length.
    pub len: u64,
    /// SHA-256 (hex) of the section's text.
    pub sha256: &'a str,
}

/// How a claimed section differs from the text's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// Another id, kind, number, place or length than the text's section.
    Shape {
        /// The id the manifest gives.
        claimed: String,
        /// The text's section at that place.
        derived: String,
    },
    /// The right section, but its text does not hash to the claim.
    Hash {
        /// The section's id.
        id: String,
    },
}

/// Mismatches found: the first [`MAX_LISTED_PROBLEMS`], and how many.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Mismatches {
    /// The first ones, in text order.
    pub first: Vec<Mismatch>,
    /// How many in all.
    pub count: u64,
}

impl Mismatches {
    fn push(&mut self, m: Mismatch) {
        self.count += 1;
        if self.first.len() < MAX_LISTED_PROBLEMS {
            self.first.push(m);
        }
    }
    fn append(&mut self, other: Mismatches) {
        let left = MAX_LISTED_PROBLEMS - self.first.len();
        self.first.extend(other.first.into_iter().take(left));
        self.count += other.count;
    }
}

/// Compares a text's blocks, as they stream out of the canonicalizer, with
/// a manifest's claims, in order, as [`classify`] would, in bounded memory.
///
/// `classify` needs to know where the last body block is: short lines after
/// it are closing lines, before it headings. The matcher does not wait to
/// know: a run of short lines is checked both ways as it comes, and the
/// run's findings of one way or the other are kept when the next body block
/// (headings) or the end (closing lines, if the text has a body) decides.
#[derive(Debug, Default)]
pub struct Matcher {
    counts: [usize; 5],
    body_seen: bool,
    /// Short lines whose kind is not decided yet.
    pending: usize,
    as_heading: Mismatches,
    as_closing: Mismatches,
    found: Mismatches,
}

impl Matcher {
    /// The next block and the claim made for it.
    pub fn push(&mut self, b: &BlockInfo, c: &Claim) {
        if b.is_short_line() {
            let j = self.pending;
            self.pending += 1;
            for (kind, kept) in [
                (Kind::Heading, &mut self.as_heading),
                (Kind::Closing, &mut self.as_closing),
            ] {
                if let Some(m) = compare(b, c, kind, None, self.counts[kind as usize] + j + 1) {
                    kept.push(m);
                }
            }
            return;
        }
        self.decide(Kind::Heading);
        self.body_seen = true;
        let (kind, number) = match b.marker {
            Some(Marker::Bullet) => (Kind::Bullet, None),
            Some(Marker::Number(n)) => (Kind::Point, Some(n)),
            None => (Kind::Paragraph, None),
        };
        self.counts[kind as usize] += 1;
        if let Some(m) = compare(b, c, kind, number, self.counts[kind as usize]) {
            self.found.push(m);
        }
    }

    /// The pending short lines are of `kind`.
    fn decide(&mut self, kind: Kind) {
        self.counts[kind as usize] += std::mem::take(&mut self.pending);
        let (h, c) = (
            std::mem::take(&mut self.as_heading),
            std::mem::take(&mut self.as_closing),
        );
        self.found.append(if kind == Kind::Heading { h } else { c });
    }

    /// All blocks pushed: what did not match.
    pub fn finish(mut self) -> Mismatches {
        self.decide(if self.body_seen {
            Kind::Closing
        } else {
            Kind::Heading
        });
        self.found
    }
}

fn compare(
    b: &BlockInfo,
    c: &Claim,
    kind: Kind,
    number: Option<u32>,
    ordinal: usize,
) -> Option<Mismatch> {
    let id = format!("{}-{ordinal}", kind.as_str());
    if c.id != id || c.kind != kind || c.number != number || c.start != b.start || c.len != b.len {
        Some(Mismatch::Shape {
            claimed: c.id.to_owned(),
            derived: id,
        })
    } else if c.sha256 != b.sha256 {
        Some(Mismatch::Hash { id })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_sections() {
        let t = include_str!("../../tests/data/declaration.txt");
        let s = split(&Canonical::new(t));
        let ids: Vec<&str> = s.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(s.len(), 30);
        assert_eq!(
            &ids[..4],
            &["paragraph-1", "paragraph-2", "paragraph-3", "bullet-1"]
        );
        assert_eq!(ids[16], "heading-1");
        assert_eq!(s[16].text, "The convention stated:");
        assert_eq!(ids[17], "point-1");
        assert_eq!(s[27].number, Some(11));
        assert_eq!(&ids[28..], &["closing-1", "closing-2"]);
        assert!(s[28].text.starts_with("Convention of Iranian"));
        assert!(s[3].text.starts_with("120,000 political"));
        assert_eq!(s[29].display(), "Paris \u{2013} February 8, 2014");
        assert_eq!(s[29].text, "Paris - February 8, 2014");
    }

    fn shaped(shapes: &[u8]) -> Vec<BlockInfo> {
        shapes
            .iter()
            .enumerate()
            .map(|(i, &k)| BlockInfo {
                marker: match k % 4 {
                    2 => Some(Marker::Bullet),
                    3 => Some(Marker::Number(i as u32)),
                    _ => None,
                },
                words: if k % 4 == 0 { 3 } else { 30 },
                ends_sentence: k % 4 != 0,
                start: i as u64 * 10,
                len: 5,
                sha256: format!("{i:064}"),
            })
            .collect()
    }

    /// The whole-text comparison the matcher must reproduce.
    fn compare_whole(blocks: &[BlockInfo], claims: &[Claim]) -> Mismatches {
        let mut m = Mismatches::default();
        for ((id, kind, number), (b, c)) in classify(blocks).iter().zip(blocks.iter().zip(claims)) {
            let ordinal = id.rsplit('-').next().unwrap().parse().unwrap();
            if let Some(x) = compare(b, c, *kind, *number, ordinal) {
                m.push(x);
            }
        }
        m
    }

    type Owned = (String, Kind, Option<u32>, u64, u64, String);

    fn as_claims(cl: &[Owned]) -> Vec<Claim<'_>> {
        cl.iter()
            .map(|(id, kind, number, start, len, sha)| Claim {
                id,
                kind: *kind,
                number: *number,
                start: *start,
                len: *len,
                sha256: sha,
            })
            .collect()
    }

    fn streamed(blocks: &[BlockInfo], claims: &[Claim]) -> Mismatches {
        let mut m = Matcher::default();
        for (b, c) in blocks.iter().zip(claims) {
            m.push(b, c);
        }
        m.finish()
    }

    proptest::proptest! {
        /// Streamed, blocks meet the claims exactly as classify() judges
        /// them whole: none for a text's own claims, the same ones for the
        /// claims of another text of the same length, a changed hash or a
        /// moved section.
        #[test]
        fn matching_streamed_is_matching_whole(
            shapes in proptest::collection::vec(0u8..4, 0..300),
            other in proptest::collection::vec(0u8..4, 0..300),
            edits in proptest::collection::vec((0usize..300, 0u8..3), 0..4),
        ) {
            let blocks = shaped(&shapes);
            let own = classify(&blocks);
            let mut claims: Vec<Owned> = own
                .iter()
                .zip(&blocks)
                .map(|((id, k, n), b)| (id.clone(), *k, *n, b.start, b.len, b.sha256.clone()))
                .collect();
            let c = as_claims(&claims);
            proptest::prop_assert_eq!(streamed(&blocks, &c), Mismatches::default());
            for &(at, how) in &edits {
                if claims.is_empty() {
                    break;
                }
                let at = at % claims.len();
                match how {
                    0 => claims[at].5 = "0".repeat(64),
                    1 => claims[at].3 += 1,
                    _ => claims[at].0 = "heading-1".into(),
                }
            }
            let c = as_claims(&claims);
            proptest::prop_assert_eq!(streamed(&blocks, &c), compare_whole(&blocks, &c));
            let theirs = shaped(&other);
            let n = blocks.len().min(theirs.len());
            let theirs_claims: Vec<Owned> = classify(&theirs[..n])
                .into_iter()
                .zip(&theirs)
                .map(|((id, k, num), b)| (id, k, num, b.start, b.len, b.sha256.clone()))
                .collect();
            let c = as_claims(&theirs_claims);
            let found = streamed(&blocks[..n], &c);
            proptest::prop_assert_eq!(&found, &compare_whole(&blocks[..n], &c));
            if classify(&blocks[..n]) != classify(&theirs[..n]) {
                proptest::prop_assert!(found.count > 0);
            }
        }
    }
}
