//! A sealed version prepared for checking many documents: its sections, its
//! words (built on first use), and the index that finds its passages in a
//! document (built on first use).

use super::Status;
use crate::text::canon::{Canonical, Marker};
use crate::text::sections::{Kind, Section};
use crate::text::words::Doc;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, OnceLock};

/// Words in a seed gram: the passages of a document are found from runs of
/// this many words it shares with the sealed text (see [`super::locate`]).
pub const GRAM_WORDS: usize = 3;

/// A gram that occurs more often than this in the sealed text starts no
/// run (runs through it are still followed from a rarer gram): a refrain
/// repeated throughout a long text would otherwise cost a comparison per
/// repetition at every place a document uses it.
pub(crate) const MAX_GRAM_OCCURRENCES: usize = 32;

/// A sealed version prepared for checking many copies.
///
/// The word-level view (tokens of the whole text) is built only when a
/// check needs it: a copy whose blocks mostly equal sealed sections is
/// judged on the blocks that differ, with their neighbours as context, so a
/// large text is never tokenized whole for a few edits.
pub struct Sealed {
    /// Its sections (display text kept).
    pub sections: Vec<Section>,
    /// Key of each section's canonical text, to pair whole blocks.
    pub(super) keys: Vec<u64>,
    /// Words of the whole text (built on first use).
    words: OnceLock<Words>,
    /// The index of its grams and words (built on first use).
    index: OnceLock<Index>,
    /// Its word pairs, to dismiss documents that carry none (built on
    /// first use).
    prefilter: OnceLock<super::prefilter::Prefilter>,
    /// Number of tokens and of words in each section (counted on first
    /// use).
    counts: OnceLock<Vec<(u32, u32)>>,
    /// Its longer words, lower-cased (V5; gathered on first use).
    vocabulary: OnceLock<FxHashSet<String>>,
    /// Each section as published, with its marker, for reports.
    pub(super) texts: Vec<Arc<str>>,
    /// Bytes of canonical text in all sections.
    pub(super) text_bytes: usize,
    /// Each of `texts` as a JSON string, keyed by the text's address:
    /// every report repeats them, so they are escaped once.
    texts_json: OnceLock<FxHashMap<usize, Box<serde_json::value::RawValue>>>,
}

/// The sealed text cut into tokens.
pub(super) struct Words {
    pub(super) doc: Doc,
    /// First token of each section, plus the total at the end.
    pub(super) section_tokens: Vec<usize>,
}

impl Words {
    fn new(sections: &[Section]) -> Words {
        let doc = Doc::from_blocks(sections.iter().map(|s| s.text.as_str()));
        let mut section_tokens = vec![0usize; sections.len() + 1];
        let mut k = 0;
        for (i, st) in section_tokens.iter_mut().enumerate().take(sections.len()) {
            while k < doc.tokens.len() && (doc.tokens[k].block as usize) < i {
                k += 1;
            }
            *st = k;
        }
        section_tokens[sections.len()] = doc.tokens.len();
        Words {
            doc,
            section_tokens,
        }
    }
}

/// Whether a token is a word (starts with a letter or digit), not
/// punctuation.
#[inline]
pub fn is_word(token: &str) -> bool {
    match token.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => token.chars().next().is_some_and(char::is_alphanumeric),
        None => false,
    }
}

/// The key of a gram of word keys.
pub(super) fn gram_key(keys: &[u64]) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
    for &k in keys {
        h = (h.rotate_left(23) ^ k).wrapping_mul(0x2545_F491_4F6C_DD1D);
    }
    h
}

/// Where each gram and word of the sealed text occurs.
pub(super) struct Index {
    /// Token index of each word token, in order.
    pub(super) word_tokens: Vec<u32>,
    /// Key of each word token (the token's key), in order.
    pub(super) word_keys: Vec<u64>,
    /// First word position of each gram key; `gram_next` chains the rest.
    gram_first: FxHashMap<u64, u32>,
    gram_next: Vec<u32>,
    /// First word position of each word key; `word_next` chains the rest.
    word_first: FxHashMap<u64, u32>,
    word_next: Vec<u32>,
    /// Occurrences of each word key, capped at `u16::MAX`.
    word_count: FxHashMap<u64, u16>,
}

const END: u32 = u32::MAX;

impl Index {
    fn new(doc: &Doc) -> Index {
        let mut word_tokens = Vec::with_capacity(doc.keys.len());
        let mut word_keys = Vec::with_capacity(doc.keys.len());
        for (t, &k) in doc.keys.iter().enumerate() {
            if is_word(doc.word(t)) {
                word_tokens.push(t as u32);
                word_keys.push(k);
            }
        }
        let n = word_keys.len();
        // Chains are built back to front so they run in text order.
        let mut gram_first: FxHashMap<u64, u32> = FxHashMap::default();
        let mut gram_next = vec![END; n];
        let mut word_first: FxHashMap<u64, u32> = FxHashMap::default();
        let mut word_next = vec![END; n];
        let mut word_count: FxHashMap<u64, u16> = FxHashMap::default();
        for i in (0..n).rev() {
            if i + GRAM_WORDS <= n {
                let g = gram_key(&word_keys[i..i + GRAM_WORDS]);
                if let Some(prev) = gram_first.insert(g, i as u32) {
                    gram_next[i] = prev;
                }
            }
            let k = word_keys[i];
            if let Some(prev) = word_first.insert(k, i as u32) {
                word_next[i] = prev;
            }
            let c = word_count.entry(k).or_default();
            *c = c.saturating_add(1);
        }
        Index {
            word_tokens,
            word_keys,
            gram_first,
            gram_next,
            word_first,
            word_next,
            word_count,
        }
    }

    /// Word positions where the gram with this key starts, in order, at
    /// most [`MAX_GRAM_OCCURRENCES`] (none for a gram more frequent).
    pub(super) fn gram_at(&self, g: u64, out: &mut Vec<u32>) {
        out.clear();
        let mut i = match self.gram_first.get(&g) {
            Some(&i) => i,
            None => return,
        };
        while i != END {
            if out.len() == MAX_GRAM_OCCURRENCES {
                out.clear();
                return;
            }
            out.push(i);
            i = self.gram_next[i as usize];
        }
    }

    /// Whether the sealed text has this gram at all.
    pub(super) fn has_gram(&self, g: u64) -> bool {
        self.gram_first.contains_key(&g)
    }

    /// Word positions of a word key, in order, at most `max` (none for a
    /// word more frequent).
    pub(super) fn word_at(&self, k: u64, max: usize, out: &mut Vec<u32>) {
        out.clear();
        if self.count(k) > max {
            return;
        }
        let mut i = match self.word_first.get(&k) {
            Some(&i) => i,
            None => return,
        };
        while i != END {
            out.push(i);
            i = self.word_next[i as usize];
        }
    }

    /// How often a word occurs in the sealed text.
    pub(super) fn count(&self, k: u64) -> usize {
        self.word_count.get(&k).copied().unwrap_or(0) as usize
    }
}

impl Sealed {
    /// Prepare a sealed text.
    pub fn new(text: &str) -> Sealed {
        let canon = Canonical::new(text);
        Sealed::from_sections(crate::text::sections::split_owned(canon))
    }

    /// Whether a canonical text is this sealed text, block for block.
    pub fn same_canonical(&self, c: &Canonical) -> bool {
        self.sections.len() == c.blocks.len()
            && self
                .sections
                .iter()
                .zip(&c.blocks)
                .all(|(s, b)| s.text == b.text && section_marker(s) == b.marker)
    }

    /// Prepare from sections.
    ///
    /// Each section's display text moves into the report texts (a
    /// section keeps its canonical text only: its `published` is dropped).
    pub fn from_sections(mut sections: Vec<Section>) -> Sealed {
        use rayon::prelude::*;
        let (keys, texts) = sections
            .par_iter_mut()
            .with_min_len(256)
            .map(|s| {
                let prefix = marker_prefix(s);
                let text: Arc<str> = if prefix.is_empty() {
                    Arc::from(s.display())
                } else {
                    Arc::from(prefix + s.display())
                };
                s.published = None;
                (crate::text::words::key(&s.text), text)
            })
            .unzip();
        let text_bytes = sections.iter().map(|s| s.text.len()).sum();
        Sealed {
            sections,
            keys,
            words: Default::default(),
            index: Default::default(),
            prefilter: Default::default(),
            counts: Default::default(),
            vocabulary: Default::default(),
            text_bytes,
            texts,
            texts_json: Default::default(),
        }
    }

    /// The sections `keep` (in order) as a sealed text of their own.
    pub(super) fn subset(&self, keep: &[usize]) -> Sealed {
        Sealed {
            sections: keep.iter().map(|&i| self.sections[i].clone()).collect(),
            keys: keep.iter().map(|&i| self.keys[i]).collect(),
            words: Default::default(),
            index: Default::default(),
            prefilter: Default::default(),
            counts: Default::default(),
            vocabulary: Default::default(),
            texts: keep.iter().map(|&i| self.texts[i].clone()).collect(),
            text_bytes: keep.iter().map(|&i| self.sections[i].text.len()).sum(),
            texts_json: Default::default(),
        }
    }

    /// A section text of this sealed version's reports, as a JSON string
    /// escaped once for all reports (`None` for any other text).
    pub fn text_json(&self, text: &Arc<str>) -> Option<&serde_json::value::RawValue> {
        let map = self.texts_json.get_or_init(|| {
            self.texts
                .iter()
                .map(|t| {
                    let json = serde_json::to_string(t.as_ref()).expect("a string serializes");
                    let raw = serde_json::value::RawValue::from_string(json).expect("valid JSON");
                    (Arc::as_ptr(t) as *const u8 as usize, raw)
                })
                .collect()
        });
        map.get(&(Arc::as_ptr(text) as *const u8 as usize))
            .map(|b| b.as_ref())
    }

    /// The report of section `i` with nothing to say but its status.
    pub(super) fn unchanged(&self, i: usize, status: Status) -> super::SectionReport {
        let sec = &self.sections[i];
        super::SectionReport {
            id: sec.id.clone(),
            kind: Some(sec.kind),
            number: sec.number,
            status,
            text: self.texts[i].clone(),
            covered: None,
            found: None,
            changes: vec![],
        }
    }

    pub(super) fn words(&self) -> &Words {
        self.words.get_or_init(|| Words::new(&self.sections))
    }

    /// Whether a document's bytes may carry a passage of this text: false
    /// only when they share no word pair with it (L0), so it can be
    /// dismissed unread. `html` when the bytes are a web page's: then its
    /// scripts, styles and comments are no part of it.
    pub fn may_carry(&self, bytes: &[u8], html: bool) -> bool {
        self.prefilter
            .get_or_init(|| {
                super::prefilter::Prefilter::new(self.sections.iter().map(|s| s.text.as_str()))
            })
            .keep(bytes, html)
    }

    pub(super) fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::new(self.doc()))
    }

    /// The sealed text's words.
    pub fn doc(&self) -> &Doc {
        &self.words().doc
    }

    /// Its longer words (V5), lower-cased: asked of every document that
    /// carries no passage, so gathered once.
    pub(super) fn vocabulary(&self) -> &FxHashSet<String> {
        self.vocabulary.get_or_init(|| {
            let d = self.doc();
            (0..d.tokens.len())
                .map(|t| d.word(t))
                .filter(|w| super::is_long_word(w))
                .map(str::to_lowercase)
                .collect()
        })
    }

    /// Number of tokens and of words in each section.
    fn counts(&self) -> &[(u32, u32)] {
        self.counts.get_or_init(|| {
            use rayon::prelude::*;
            self.sections
                .par_iter()
                .with_min_len(256)
                .map(|s| {
                    let (tokens, words) = crate::text::words::count_tokens(&s.text);
                    (tokens as u32, words as u32)
                })
                .collect()
        })
    }

    /// Number of tokens in section `s`.
    pub(super) fn tokens_in(&self, s: usize) -> usize {
        if let Some(w) = self.words.get() {
            return w.section_tokens[s + 1] - w.section_tokens[s];
        }
        self.counts()[s].0 as usize
    }

    /// Number of words (not punctuation) in the whole text.
    pub(super) fn word_count(&self) -> usize {
        self.counts().iter().map(|c| c.1 as usize).sum()
    }

    /// The section token `token` lies in.
    pub(super) fn section_of(&self, token: usize) -> usize {
        self.doc().tokens[token].block as usize
    }

    /// Token range of section `s`.
    pub(super) fn range(&self, s: usize) -> std::ops::Range<usize> {
        let st = &self.words().section_tokens;
        st[s]..st[s + 1]
    }

    /// Does sealed token `i` start a sentence?
    pub(super) fn sentence_start(&self, i: usize) -> bool {
        let d = self.doc();
        i == 0
            || i >= d.tokens.len()
            || d.tokens[i - 1].block != d.tokens[i].block
            || matches!(d.word(i - 1), "." | "!" | "?" | ";" | ":")
    }

    /// Number of tokens of the whole text.
    pub(super) fn token_count(&self) -> usize {
        self.doc().tokens.len()
    }
}

/// The marker a section is written with in canonical text.
pub(super) fn section_marker(s: &Section) -> Option<Marker> {
    match s.kind {
        Kind::Bullet => Some(Marker::Bullet),
        Kind::Point => s.number.map(Marker::Number),
        _ => None,
    }
}

fn marker_prefix(s: &Section) -> String {
    match s.kind {
        Kind::Point => s.number.map(|n| format!("{n}. ")).unwrap_or_default(),
        Kind::Bullet => "\u{2022} ".to_owned(),
        _ => String::new(),
    }
}
