//! Checking a circulated copy against a sealed version: authentic, excerpt,
//! altered (which sections, which words, what kind of change) or unrelated.
//!
//! The copy is canonicalized with the same specification as the sealed text
//! and aligned with it word by word over the whole text ([`crate::compare::align`]), so
//! merged, split, rewrapped or re-bulleted paragraphs still line up; every
//! difference is then mapped back to the sealed section it touches.

use crate::compare::align::{self, Op, Tag};
use crate::compare::changes::{self, Change, Kind as ChangeKind};
use crate::text::canon::{Canonical, Marker, WarningKind};
use crate::text::sections::{Kind, Section};
use crate::text::words::Doc;
use serde::Serialize;

mod coarse;

/// Fewest matched words, as a share of the copy, for a copy to be related.
pub const RELATED_COPY_SHARE: f64 = 0.5;
/// ... or as a share of the sealed text.
pub const RELATED_SEALED_SHARE: f64 = 0.3;
/// A copy that starts at the beginning and holds at least this share of the
/// sealed text, but not its end, is a truncated copy, not an excerpt.
pub const TRUNCATED_SHARE: f64 = 0.6;
/// Shortest run of matched words that counts towards relatedness.
pub const MIN_RUN_WORDS: usize = 4;
/// Shortest run of words recognised as moved rather than deleted and added.
pub const MIN_MOVED_WORDS: usize = 3;

/// The verdict on a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every sealed section present, in order, intact; only formatting differs.
    Authentic,
    /// A contiguous, intact part of the sealed text.
    Excerpt,
    /// Something that changes what a reader reads.
    Altered,
    /// No meaningful overlap with the sealed text.
    Unrelated,
}

impl Verdict {
    /// The verdict as a word.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Authentic => "authentic",
            Verdict::Excerpt => "excerpt",
            Verdict::Altered => "altered",
            Verdict::Unrelated => "unrelated",
        }
    }
    /// Whether the copy can be trusted as (part of) the sealed text.
    pub fn is_ok(self) -> bool {
        matches!(self, Verdict::Authentic | Verdict::Excerpt)
    }
}

/// The state of one section in a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Present and unchanged.
    Intact,
    /// Present with changes.
    Altered,
    /// Not in the copy.
    Missing,
    /// Present, but elsewhere in the text.
    Moved,
    /// Text in the copy that the sealed text does not have.
    Added,
}

/// One section of the report: a sealed section, or text the copy added.
#[derive(Debug, Clone, Serialize)]
pub struct SectionReport {
    /// Section id (`added-N` for added text).
    pub id: String,
    /// Kind of section (`null` for added text).
    pub kind: Option<Kind>,
    /// Printed number of a numbered point.
    pub number: Option<u32>,
    /// Status in the copy.
    pub status: Status,
    /// The sealed text of the section as published (for added text: the
    /// copy's text). Shared, not copied, across the reports of many copies.
    pub text: std::sync::Arc<str>,
    /// The copy's wording of the section's words, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// What changed.
    pub changes: Vec<Change>,
}

/// Counts for a summary line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Sealed sections.
    pub sections: usize,
    /// Sections intact.
    pub intact: usize,
    /// Sections altered.
    pub altered: usize,
    /// Sections missing.
    pub missing: usize,
    /// Sections moved.
    pub moved: usize,
    /// Added passages.
    pub added: usize,
    /// Words in the sealed text.
    pub sealed_words: usize,
    /// Words in the copy.
    pub copy_words: usize,
    /// Words of the copy matched to the sealed text.
    pub matched_words: usize,
}

/// What a check found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The verdict.
    pub verdict: Verdict,
    /// Counts.
    pub summary: Summary,
    /// Every sealed section in order, with added text where it stands.
    pub sections: Vec<SectionReport>,
    /// Things worth knowing that are not alterations (watermark-like
    /// invisible characters, renumbering).
    pub warnings: Vec<String>,
}

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
    keys: Vec<u64>,
    /// Words of the whole text (built on first use).
    words: std::sync::OnceLock<Words>,
    /// Number of tokens in each section (counted on first use).
    counts: std::sync::OnceLock<Vec<u32>>,
    /// Each section as published, with its marker, for reports.
    texts: Vec<std::sync::Arc<str>>,
    /// Bytes of canonical text in all sections.
    text_bytes: usize,
    /// Each of `texts` as a JSON string, keyed by the text's address:
    /// every report repeats them, so they are escaped once.
    texts_json: std::sync::OnceLock<rustc_hash::FxHashMap<usize, Box<serde_json::value::RawValue>>>,
}

/// The sealed text cut into tokens.
struct Words {
    doc: Doc,
    /// First token of each section, plus the total at the end.
    section_tokens: Vec<usize>,
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
    /// section's `display` is left empty).
    pub fn from_sections(mut sections: Vec<Section>) -> Sealed {
        use rayon::prelude::*;
        let (keys, texts) = sections
            .par_iter_mut()
            .with_min_len(256)
            .map(|s| {
                let display = std::mem::take(&mut s.display);
                let prefix = marker_prefix(s);
                let text: std::sync::Arc<str> = if prefix.is_empty() {
                    std::sync::Arc::from(display)
                } else {
                    std::sync::Arc::from(prefix + &display)
                };
                (crate::text::words::key(&s.text), text)
            })
            .unzip();
        let text_bytes = sections.iter().map(|s| s.text.len()).sum();
        Sealed {
            sections,
            keys,
            words: Default::default(),
            counts: Default::default(),
            text_bytes,
            texts,
            texts_json: Default::default(),
        }
    }

    /// The sections `keep` (in order) as a sealed text of their own.
    fn subset(&self, keep: &[usize]) -> Sealed {
        Sealed {
            sections: keep.iter().map(|&i| self.sections[i].clone()).collect(),
            keys: keep.iter().map(|&i| self.keys[i]).collect(),
            words: Default::default(),
            counts: Default::default(),
            texts: keep.iter().map(|&i| self.texts[i].clone()).collect(),
            text_bytes: keep.iter().map(|&i| self.sections[i].text.len()).sum(),
            texts_json: Default::default(),
        }
    }

    /// A section text of this sealed version's reports, as a JSON string
    /// escaped once for all reports (`None` for any other text).
    pub fn text_json(&self, text: &std::sync::Arc<str>) -> Option<&serde_json::value::RawValue> {
        let map = self.texts_json.get_or_init(|| {
            self.texts
                .iter()
                .map(|t| {
                    let json = serde_json::to_string(t.as_ref()).expect("a string serializes");
                    let raw = serde_json::value::RawValue::from_string(json).expect("valid JSON");
                    (std::sync::Arc::as_ptr(t) as *const u8 as usize, raw)
                })
                .collect()
        });
        map.get(&(std::sync::Arc::as_ptr(text) as *const u8 as usize))
            .map(|b| b.as_ref())
    }

    /// The report of section `i` with nothing to say but its status.
    fn unchanged(&self, i: usize, status: Status) -> SectionReport {
        let sec = &self.sections[i];
        SectionReport {
            id: sec.id.clone(),
            kind: Some(sec.kind),
            number: sec.number,
            status,
            text: self.texts[i].clone(),
            found: None,
            changes: vec![],
        }
    }

    fn words(&self) -> &Words {
        self.words.get_or_init(|| Words::new(&self.sections))
    }

    /// The sealed text's words.
    pub fn doc(&self) -> &Doc {
        &self.words().doc
    }

    /// Number of tokens in section `s`.
    fn tokens_in(&self, s: usize) -> usize {
        if let Some(w) = self.words.get() {
            return w.section_tokens[s + 1] - w.section_tokens[s];
        }
        let counts = self.counts.get_or_init(|| {
            use rayon::prelude::*;
            self.sections
                .par_iter()
                .with_min_len(256)
                .map_init(Vec::new, |spans, s| {
                    spans.clear();
                    crate::text::words::tokenize_into(&s.text, spans);
                    spans.len() as u32
                })
                .collect()
        });
        counts[s] as usize
    }

    fn section_of(&self, token: usize) -> usize {
        self.doc().tokens[token].block as usize
    }

    /// Token range of section `s`.
    fn range(&self, s: usize) -> std::ops::Range<usize> {
        let st = &self.words().section_tokens;
        st[s]..st[s + 1]
    }

    /// Does sealed token `i` start a sentence?
    fn sentence_start(&self, i: usize) -> bool {
        let d = self.doc();
        i == 0
            || d.tokens[i - 1].block != d.tokens[i].block
            || matches!(d.word(i - 1), "." | "!" | "?" | ";" | ":")
    }

    /// Does sealed token `i` (exclusive end) end a sentence?
    fn sentence_end(&self, end: usize) -> bool {
        let d = self.doc();
        end == 0
            || end == d.tokens.len()
            || d.tokens[end - 1].block != d.tokens[end].block
            || matches!(d.word(end - 1), "." | "!" | "?" | ";" | ":")
    }
}

/// The marker a section is written with in canonical text.
fn section_marker(s: &Section) -> Option<Marker> {
    match s.kind {
        Kind::Bullet => Some(Marker::Bullet),
        Kind::Point => s.number.map(Marker::Number),
        _ => None,
    }
}

/// A marker written inline (the whole text on one line, say): structure, not
/// words, when it stands at the start of a sealed list item.
fn marker_tokens(w: &[&str]) -> bool {
    let mut i = 0;
    while i < w.len() {
        match w[i] {
            "-" | "\u{2022}" | "*" | "\u{00B7}" | "\u{25E6}" | "\u{25AA}" | "\u{2023}" => i += 1,
            "(" if i + 2 < w.len()
                && w[i + 1].bytes().all(|b| b.is_ascii_digit())
                && w[i + 2] == ")" =>
            {
                i += 3
            }
            d if d.len() <= 3
                && d.bytes().all(|b| b.is_ascii_digit())
                && i + 1 < w.len()
                && (w[i + 1] == "." || w[i + 1] == ")") =>
            {
                i += 2
            }
            _ => return false,
        }
    }
    !w.is_empty()
}

/// Check one copy's text against a sealed version.
pub fn check(sealed: &Sealed, copy_text: &str) -> CheckReport {
    check_canonical(sealed, &Canonical::fast(copy_text))
}

/// Check a copy already in canonical form.
///
/// Blocks of the copy that equal a sealed section word for word, between
/// neighbours that do too, are paired first and set aside (they are intact);
/// the rest is aligned word by word, with paired blocks around each
/// difference as context (see [`coarse`]). A copy with no such blocks
/// (rewrapped into other paragraphs, say) is aligned whole.
pub fn check_canonical(sealed: &Sealed, canon: &Canonical) -> CheckReport {
    check_with(sealed, canon, Counts::Exact)
}

/// How set-aside words are counted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counts {
    /// Exactly (tokenizing every set-aside section once per sealed text).
    Exact,
    /// By a lower bound (one per section with text) where that settles the
    /// verdict; the summary's word counts are then lower bounds too. Enough
    /// for a diff, which reports no word counts.
    Bound,
}

pub(crate) fn check_with(sealed: &Sealed, canon: &Canonical, counts: Counts) -> CheckReport {
    check_planned(sealed, canon, counts, sealed.text_bytes >= PLAN_MIN_BYTES)
}

/// Sealed texts shorter than this are aligned whole: fast enough, and the
/// whole text gives word alignment the most context. Longer ones set
/// identical blocks aside first ([`coarse`]).
pub const PLAN_MIN_BYTES: usize = 256 << 10;

fn check_planned(sealed: &Sealed, canon: &Canonical, counts: Counts, plan: bool) -> CheckReport {
    if let Some(mut report) = same_blocks(sealed, canon) {
        let block_section: Vec<Option<usize>> = (0..canon.blocks.len()).map(Some).collect();
        add_warnings(&mut report, sealed, canon, &block_section);
        return report;
    }
    let planned = if plan {
        coarse::plan(sealed, canon)
    } else {
        None
    };
    let (mut report, block_section) = match planned {
        None => judge(sealed, &Doc::new(canon), 0, None),
        Some(plan) => {
            let sub = sealed.subset(&plan.keep_sealed);
            let copy = Doc::from_blocks(
                plan.keep_copy
                    .iter()
                    .map(|&j| canon.blocks[j].text.as_str()),
            );
            let exact = || plan.hidden.iter().map(|&(i, _)| sealed.tokens_in(i)).sum();
            let mut judged = None;
            if counts == Counts::Bound {
                let bound = plan
                    .hidden
                    .iter()
                    .filter(|&&(i, _)| !sealed.sections[i].text.is_empty())
                    .count();
                let (r, bs) = judge(&sub, &copy, bound, Some(&plan.regions));
                // More set-aside words only make a copy more related and a
                // cut-off copy more truncated: a verdict of authentic, or of
                // altered with nothing said about its length, stands.
                let settled = r.verdict == Verdict::Authentic
                    || (r.verdict == Verdict::Altered && r.warnings.is_empty());
                if settled {
                    judged = Some((r, bs));
                }
            }
            let (r, bs) = match judged {
                Some(j) => j,
                None => judge(&sub, &copy, exact(), Some(&plan.regions)),
            };
            coarse::merge(sealed, canon, &plan, r, bs)
        }
    };
    add_warnings(&mut report, sealed, canon, &block_section);
    report
}

/// The report on a copy whose blocks are the sealed sections, word for word
/// (most reformatted copies): authentic, with nothing to align. `None` for
/// any other copy.
fn same_blocks(sealed: &Sealed, canon: &Canonical) -> Option<CheckReport> {
    let n = sealed.sections.len();
    let same = canon.blocks.len() == n
        && sealed
            .sections
            .iter()
            .zip(&canon.blocks)
            .all(|(s, b)| s.text == b.text);
    if !same {
        return None;
    }
    let words: usize = (0..n).map(|i| sealed.tokens_in(i)).sum();
    // Too few words to count as related: judged as any other copy.
    if words < MIN_RUN_WORDS {
        return None;
    }
    let sections = (0..n)
        .map(|i| sealed.unchanged(i, Status::Intact))
        .collect();
    Some(CheckReport {
        verdict: Verdict::Authentic,
        summary: Summary {
            sections: n,
            intact: n,
            sealed_words: words,
            copy_words: words,
            matched_words: words,
            ..Default::default()
        },
        sections,
        warnings: vec![],
    })
}

/// Judge a copy's words against a sealed text's; `hidden` words were paired
/// whole blocks at a time and set aside (matched, inside the copy's span).
/// `regions`, when given, pair stretches of sections with stretches of copy
/// blocks (see [`coarse::Plan::regions`]). Also returns the sealed section
/// each copy block lines up with.
fn judge(
    sealed: &Sealed,
    copy: &Doc,
    hidden: usize,
    regions: Option<&[coarse::Region]>,
) -> (CheckReport, Vec<Option<usize>>) {
    let sd = sealed.doc();
    let section_tokens = &sealed.words().section_tokens;
    let aligned = |sd: &Doc, copy: &Doc| match regions {
        None => align::align(sd, copy),
        Some(regions) => {
            // First token of each copy block, plus the total.
            let mut block_tokens = vec![copy.tokens.len(); copy.blocks() + 1];
            for (t, tok) in copy.tokens.iter().enumerate().rev() {
                block_tokens[tok.block as usize] = t;
            }
            for k in (0..copy.blocks()).rev() {
                block_tokens[k] = block_tokens[k].min(block_tokens[k + 1]);
            }
            let r: Vec<_> = regions
                .iter()
                .map(|(s, c)| {
                    (
                        section_tokens[s.start]..section_tokens[s.end],
                        block_tokens[c.start]..block_tokens[c.end],
                    )
                })
                .collect();
            align::align_regions(sd, copy, &r)
        }
    };
    let ops: Vec<Op> =
        if sd.keys == copy.keys && (0..copy.tokens.len()).all(|i| sd.matches(i, copy, i)) {
            if copy.tokens.is_empty() {
                vec![]
            } else {
                vec![Op {
                    tag: Tag::Equal,
                    a: 0..sd.tokens.len(),
                    b: 0..copy.tokens.len(),
                }]
            }
        } else {
            aligned(sd, copy)
        };
    let mut warnings = Vec::new();
    let n_sec = sealed.sections.len();

    // Which sealed section each copy block mostly lines up with.
    let mut votes: Vec<rustc_hash::FxHashMap<usize, usize>> =
        vec![Default::default(); copy.blocks()];
    let mut matched = 0;
    for op in ops.iter().filter(|o| o.tag == Tag::Equal) {
        matched += op.a.len();
        for (i, j) in op.a.clone().zip(op.b.clone()) {
            *votes[copy.tokens[j].block as usize]
                .entry(sealed.section_of(i))
                .or_default() += 1;
        }
    }
    let block_section: Vec<Option<usize>> = votes
        .iter()
        .map(|v| {
            v.iter()
                .max_by_key(|(s, c)| (**c, std::cmp::Reverse(**s)))
                .map(|(s, _)| *s)
        })
        .collect();

    // Benign: markers written inline at the start of a sealed list item.
    let benign: Vec<bool> = ops
        .iter()
        .map(|op| {
            if op.tag != Tag::Insert {
                return false;
            }
            let p = op.a.start;
            let at_item = section_tokens[..n_sec]
                .binary_search(&p)
                .ok()
                .map(|s| {
                    // Sections without words share a start; take the last.
                    let mut s = s;
                    while s + 1 < n_sec && section_tokens[s + 1] == p {
                        s += 1;
                    }
                    s
                })
                .is_some_and(|s| matches!(sealed.sections[s].kind, Kind::Bullet | Kind::Point));
            let w: Vec<&str> = op.b.clone().map(|j| copy.word(j)).collect();
            at_item && marker_tokens(&w)
        })
        .collect();

    // Moved text: a deleted run that reappears, identical, as an inserted one.
    let mut moved_a: Vec<Option<usize>> = vec![None; ops.len()];
    let mut moved_b: Vec<bool> = vec![false; ops.len()];
    // Inserted runs indexed by (length, first word) so matching is linear.
    let mut inserts: rustc_hash::FxHashMap<(usize, u64), Vec<usize>> = Default::default();
    for (j, ij) in ops.iter().enumerate() {
        if ij.tag == Tag::Insert && !benign[j] && ij.b.len() >= MIN_MOVED_WORDS {
            inserts
                .entry((ij.b.len(), copy.keys[ij.b.start]))
                .or_default()
                .push(j);
        }
    }
    for (i, di) in ops.iter().enumerate() {
        if di.tag != Tag::Delete || di.a.len() < MIN_MOVED_WORDS {
            continue;
        }
        let Some(cands) = inserts.get(&(di.a.len(), sd.keys[di.a.start])) else {
            continue;
        };
        for &j in cands {
            let ij = &ops[j];
            if !moved_b[j]
                && di
                    .a
                    .clone()
                    .zip(ij.b.clone())
                    .all(|(x, y)| sd.same(x, copy, y))
            {
                moved_a[i] = Some(j);
                moved_b[j] = true;
                break;
            }
        }
    }

    let copy_words = copy.tokens.len() + hidden;
    let sealed_words = sd.tokens.len() + hidden;
    // Relatedness counts only words matched in runs: scattered common words
    // ("the", "of") line up with any English text.
    let in_runs: usize = ops
        .iter()
        .filter(|o| o.tag == Tag::Equal && o.a.len() >= MIN_RUN_WORDS)
        .map(|o| o.a.len())
        .sum::<usize>()
        + hidden;
    let related = in_runs > 0
        && (in_runs as f64 >= RELATED_COPY_SHARE * copy_words as f64
            || in_runs as f64 >= RELATED_SEALED_SHARE * sealed_words as f64);

    // Per-section changes.
    let mut changes: Vec<Vec<Change>> = vec![Vec::new(); n_sec];
    let mut deleted = vec![0usize; n_sec];
    let mut moved_sec = vec![false; n_sec];
    let mut added: Vec<(usize, String, Vec<Change>)> = Vec::new(); // (after section, text, changes)
    let first_eq = ops.iter().position(|o| o.tag == Tag::Equal);
    let last_eq = ops.iter().rposition(|o| o.tag == Tag::Equal);
    let mut interior_change = false;
    let mut edge_deletes: Vec<std::ops::Range<usize>> = Vec::new();
    let mut extra_copy_text = false;
    for (k, op) in ops.iter().enumerate() {
        if !related {
            // Nothing of an unrelated text is a change of a section.
            break;
        }
        if op.tag == Tag::Equal || benign[k] {
            continue;
        }
        let outside = match (first_eq, last_eq) {
            (Some(f), Some(l)) => k < f || k > l,
            _ => true,
        };
        match op.tag {
            Tag::Delete => {
                if outside {
                    // Leading or trailing text the copy does not have: fine
                    // for an excerpt, a change otherwise (decided below).
                    for i in op.a.clone() {
                        deleted[sealed.section_of(i)] += 1;
                    }
                    edge_deletes.push(op.a.clone());
                    continue;
                }
                interior_change = true;
                let kind = if moved_a[k].is_some() {
                    ChangeKind::Moved
                } else {
                    ChangeKind::Deleted
                };
                for s in sections_in(sealed, op.a.clone()) {
                    let r = intersect(sealed.range(s), op.a.clone());
                    deleted[s] += r.len();
                    if kind == ChangeKind::Moved {
                        moved_sec[s] = true;
                    }
                    let w: Vec<&str> = r.clone().map(|i| sd.word(i)).collect();
                    changes[s].push(changes::change(
                        kind,
                        &w,
                        &[],
                        sealed.sentence_start(r.start),
                    ));
                }
            }
            Tag::Replace => {
                interior_change |= !outside;
                extra_copy_text |= outside;
                let secs = sections_in(sealed, op.a.clone());
                for (n, s) in secs.iter().enumerate() {
                    let r = intersect(sealed.range(*s), op.a.clone());
                    let w: Vec<&str> = r.clone().map(|i| sd.word(i)).collect();
                    let found: Vec<&str> = if n == 0 {
                        op.b.clone().map(|j| copy.word(j)).collect()
                    } else {
                        vec![]
                    };
                    if found.is_empty() {
                        deleted[*s] += r.len();
                    }
                    changes[*s].push(changes::change(
                        ChangeKind::Replaced,
                        &w,
                        &found,
                        sealed.sentence_start(r.start),
                    ));
                }
            }
            Tag::Insert => {
                if outside {
                    extra_copy_text = true;
                } else {
                    interior_change = true;
                }
                // Attribute by the copy block the words sit in.
                let mut j = op.b.start;
                while j < op.b.end {
                    let blk = copy.tokens[j].block as usize;
                    let mut e = j;
                    while e < op.b.end && copy.tokens[e].block as usize == blk {
                        e += 1;
                    }
                    let w: Vec<&str> = (j..e).map(|t| copy.word(t)).collect();
                    let kind = if moved_b[k] {
                        ChangeKind::Moved
                    } else {
                        ChangeKind::Inserted
                    };
                    match block_section[blk] {
                        Some(s) if kind == ChangeKind::Inserted => {
                            let start = op.a.start.min(sd.tokens.len().saturating_sub(1));
                            changes[s].push(changes::change(
                                kind,
                                &[],
                                &w,
                                sealed.sentence_start(start),
                            ));
                        }
                        _ => {
                            let after = if op.a.start == 0 {
                                usize::MAX
                            } else {
                                sealed.section_of(op.a.start - 1)
                            };
                            let c = changes::change(kind, &[], &w, true);
                            added.push((after, copy.span(j, e).to_owned(), vec![c]));
                        }
                    }
                    j = e;
                }
            }
            Tag::Equal => {}
        }
    }

    // Verdict.
    let covered = |s: usize| deleted[s] < sealed.range(s).len() || sealed.range(s).is_empty();
    let all_words = sd.tokens.len();
    let verdict = if !related {
        Verdict::Unrelated
    } else if interior_change || extra_copy_text || !added.is_empty() {
        Verdict::Altered
    } else {
        let (f, l) = (first_eq.expect("related"), last_eq.expect("related"));
        let (start, end) = (ops[f].a.start, ops[l].a.end);
        // Set-aside words lie inside the matched span.
        let held = end - start + hidden;
        if start == 0 && end == all_words {
            Verdict::Authentic
        } else {
            let clean_cut = sealed.sentence_start(start) && sealed.sentence_end(end);
            // Most of the text with its beginning or its end cut off is a
            // damaged copy, not an excerpt.
            let truncated = (start == 0 || end == all_words)
                && held as f64 >= TRUNCATED_SHARE * sealed_words as f64;
            if truncated {
                warnings.push(if start == 0 {
                    format!(
                        "the copy stops early: it holds the first {} of {} words and leaves out the rest",
                        held, sealed_words
                    )
                } else {
                    format!(
                        "the copy starts late: it leaves out the first {} of {sealed_words} words and holds the rest",
                        sealed_words - held
                    )
                });
                Verdict::Altered
            } else if !clean_cut {
                warnings.push("the excerpt starts or ends in the middle of a sentence".to_owned());
                Verdict::Altered
            } else {
                Verdict::Excerpt
            }
        }
    };

    // Not an excerpt: words cut from the start or end of a section are
    // changes to that section (a section cut off whole is missing).
    if verdict == Verdict::Altered {
        for r in &edge_deletes {
            for s in sections_in(sealed, r.clone()) {
                let part = intersect(sealed.range(s), r.clone());
                if part.len() < sealed.range(s).len() {
                    let w: Vec<&str> = part.clone().map(|i| sd.word(i)).collect();
                    changes[s].push(changes::change(
                        ChangeKind::Deleted,
                        &w,
                        &[],
                        sealed.sentence_start(part.start),
                    ));
                }
            }
        }
    }

    // Sections in order, with added text after the section it follows.
    let mut sections = Vec::with_capacity(n_sec + added.len());
    let mut add_no = 0;
    let mut push_added = |after: usize, sections: &mut Vec<SectionReport>| {
        for (a, text, ch) in added.iter().filter(|x| x.0 == after) {
            let _ = a;
            add_no += 1;
            sections.push(SectionReport {
                id: format!("added-{add_no}"),
                kind: None,
                number: None,
                status: Status::Added,
                text: std::sync::Arc::from(text.as_str()),
                found: None,
                changes: ch.clone(),
            });
        }
    };
    push_added(usize::MAX, &mut sections);
    let mut summary = Summary {
        sections: n_sec,
        sealed_words,
        copy_words,
        matched_words: matched + hidden,
        ..Default::default()
    };
    for (s, sec) in sealed.sections.iter().enumerate() {
        let len = sealed.range(s).len();
        let status = if verdict == Verdict::Unrelated {
            Status::Missing
        } else if moved_sec[s] && deleted[s] >= len {
            Status::Moved
        } else if !covered(s) {
            Status::Missing
        } else if !changes[s].is_empty() {
            Status::Altered
        } else {
            Status::Intact
        };
        match status {
            Status::Intact => summary.intact += 1,
            Status::Altered => summary.altered += 1,
            Status::Missing => summary.missing += 1,
            Status::Moved => summary.moved += 1,
            Status::Added => {}
        }
        let ch = if matches!(status, Status::Missing) && verdict != Verdict::Altered {
            vec![]
        } else {
            std::mem::take(&mut changes[s])
        };
        let found = if status == Status::Altered {
            Some(found_text(sealed, copy, &ops, s))
        } else {
            None
        };
        sections.push(SectionReport {
            id: sec.id.clone(),
            kind: Some(sec.kind),
            number: sec.number,
            status,
            text: sealed.texts[s].clone(),
            found,
            changes: ch,
        });
        push_added(s, &mut sections);
    }
    summary.added = add_no;

    (
        CheckReport {
            verdict,
            summary,
            sections,
            warnings,
        },
        block_section,
    )
}

/// Warnings that need the whole copy: invisible characters dropped, and
/// renumbering (`block_section`: the sealed section of each copy block).
fn add_warnings(
    report: &mut CheckReport,
    sealed: &Sealed,
    canon: &Canonical,
    block_section: &[Option<usize>],
) {
    let warnings = &mut report.warnings;
    // Warnings: invisible characters dropped, renumbering.
    for w in &canon.warnings {
        if w.kind == WarningKind::DroppedInvisible {
            let place = block_section
                .get(w.block)
                .copied()
                .flatten()
                .map(|s| format!(" in {}", sealed.sections[s].id))
                .unwrap_or_default();
            warnings.push(format!(
                "{} {} on line {} of the copy{place}: invisible, ignored, possibly a watermark",
                w.codepoint, w.name, w.line
            ));
        }
    }
    if report.verdict != Verdict::Unrelated {
        let mut renumbered = None;
        for (blk, bm) in canon.blocks.iter().enumerate() {
            if let (Some(Marker::Number(n)), Some(s)) = (bm.marker, block_section[blk]) {
                if let Some(sn) = sealed.sections[s].number {
                    if sn != n && renumbered.is_none() {
                        renumbered = Some((sealed.sections[s].id.clone(), sn, n));
                    }
                }
            }
        }
        if let Some((id, sn, n)) = renumbered {
            warnings.push(format!(
                "numbering differs from {id} on (sealed {sn}, copy {n}): the points were renumbered"
            ));
        }
    }
}

fn marker_prefix(s: &Section) -> String {
    match s.kind {
        Kind::Point => s.number.map(|n| format!("{n}. ")).unwrap_or_default(),
        Kind::Bullet => "\u{2022} ".to_owned(),
        _ => String::new(),
    }
}

fn intersect(a: std::ops::Range<usize>, b: std::ops::Range<usize>) -> std::ops::Range<usize> {
    a.start.max(b.start)..a.end.min(b.end).max(a.start.max(b.start))
}

fn sections_in(sealed: &Sealed, r: std::ops::Range<usize>) -> Vec<usize> {
    if r.is_empty() {
        return vec![];
    }
    let first = sealed.section_of(r.start);
    let last = sealed.section_of(r.end - 1);
    (first..=last)
        .filter(|&s| !intersect(sealed.range(s), r.clone()).is_empty())
        .collect()
}

/// The copy's wording of a sealed section: the copy's text from the first to
/// the last of its words aligned with the section, as the copy spells it.
fn found_text(sealed: &Sealed, copy: &Doc, ops: &[Op], s: usize) -> String {
    let r = sealed.range(s);
    let (mut lo, mut hi) = (usize::MAX, 0usize);
    for op in ops {
        let a = intersect(op.a.clone(), r.clone());
        let inside =
            !a.is_empty() || (op.a.is_empty() && op.a.start > r.start && op.a.start < r.end);
        if !inside || op.b.is_empty() {
            continue;
        }
        let b = match op.tag {
            Tag::Equal => {
                (op.b.start + (a.start - op.a.start))..(op.b.start + (a.end - op.a.start))
            }
            _ => op.b.clone(),
        };
        lo = lo.min(b.start);
        hi = hi.max(b.end);
    }
    if lo >= hi {
        return String::new();
    }
    copy.span(lo, hi).replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECL: &str = include_str!("../../../tests/data/declaration.txt");

    /// Check `text` with blocks set aside, with the bound counts of diff,
    /// and whole: the reports must agree. Returns whether blocks were set
    /// aside at all.
    fn assert_planned_is_whole(sealed: &Sealed, text: &str, name: &str) -> bool {
        assert_planned_agrees(sealed, text, name, true)
    }

    /// As [`assert_planned_is_whole`]; with `exact` false, only the verdict
    /// must agree. With several edits, alignment inside regions can choose
    /// differently from the whole text: of two swapped paragraphs, which
    /// one moved; of a doubled one, which copy is the added one; and, since
    /// a word unique in a region may not be unique in the whole text, two
    /// paragraphs swapped far apart can come out as the paragraphs between
    /// them moved (a known weakness, and why texts under
    /// [`PLAN_MIN_BYTES`] are aligned whole).
    fn assert_planned_agrees(sealed: &Sealed, text: &str, name: &str, exact: bool) -> bool {
        let canon = Canonical::fast(text);
        let planned = coarse::plan(sealed, &canon).is_some();
        let got = check_planned(sealed, &canon, Counts::Exact, true);
        let (mut whole, bs) = judge(sealed, &Doc::new(&canon), 0, None);
        add_warnings(&mut whole, sealed, &canon, &bs);
        let bound = check_planned(sealed, &canon, Counts::Bound, true);
        let brief = |r: &CheckReport| {
            let sm = &r.summary;
            if !exact {
                // Something is flagged whenever the copy is altered.
                let flagged = sm.intact < sm.sections || sm.added > 0;
                return format!(
                    "{:?} {}",
                    r.verdict,
                    flagged || r.verdict != Verdict::Altered
                );
            }
            let sections: Vec<_> = r
                .sections
                .iter()
                .map(|s| (&s.id, s.status, &s.found, s.changes.len()))
                .collect();
            format!("{:?} {:?} {sections:?}", r.verdict, r.warnings)
        };
        assert_eq!(brief(&got), brief(&whole), "{name}");
        // Bound counts are lower bounds of the word counts, by design.
        assert_eq!(brief(&bound), brief(&whole), "{name} (bound)");
        if exact {
            let words = |r: &CheckReport| {
                let sm = &r.summary;
                (sm.matched_words, sm.sealed_words, sm.copy_words)
            };
            assert_eq!(words(&got), words(&whole), "{name}");
        }
        planned
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Several edits at once (paragraphs dropped, doubled, swapped or
        /// inserted, words replaced or deleted): with blocks set aside, the
        /// verdict is the whole-text verdict.
        #[test]
        fn several_edits_planned_as_whole(
            edits in proptest::collection::vec((0u8..6, 0usize..64, 0usize..64, 0usize..256), 1..5)
        ) {
            let sealed = Sealed::new(DECL);
            let mut blocks: Vec<String> = DECL.split("\n\n").map(str::to_owned).collect();
            for &(kind, a, b, w) in &edits {
                let n = blocks.len();
                if n == 0 {
                    break;
                }
                let (a, b) = (a % n, b % n);
                match kind {
                    0 => {
                        blocks.remove(a);
                    }
                    1 => {
                        let x = blocks[a].clone();
                        blocks.insert(a, x);
                    }
                    2 => blocks.swap(a, b),
                    3 | 5 => {
                        let mut ws: Vec<&str> = blocks[a].split(' ').collect();
                        let k = w % ws.len();
                        if kind == 3 {
                            ws[k] = "ALTERED";
                        } else if ws.len() > 1 {
                            ws.remove(k);
                        }
                        blocks[a] = ws.join(" ");
                    }
                    _ => blocks.insert(a, "An inserted paragraph of new words.".to_owned()),
                }
            }
            assert_planned_agrees(&sealed, &blocks.join("\n\n"), &format!("{edits:?}"), false);
        }
    }

    /// Setting identical blocks aside changes nothing: every copy in the
    /// test folder gets the same report as when aligned whole.
    #[test]
    fn setting_blocks_aside_changes_no_report() {
        let sealed = Sealed::new(DECL);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/copies");
        let mut copies: Vec<(String, String)> = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if let Ok((text, _)) = crate::document::read_copy(Some(&name), &bytes) {
                copies.push((name, text));
            }
        }
        // Text added, a line dropped or a line doubled at every place: at
        // the ends above all, where set-aside blocks meet the edges.
        let lines: Vec<&str> = DECL.lines().collect();
        for k in 0..=lines.len() {
            let (a, b) = lines.split_at(k);
            let added = [a, &["An added line of text here."], b].concat().join("\n");
            copies.push((format!("added at line {k}"), added));
            let para = [a, &["", "A new paragraph, not sealed.", ""], b]
                .concat()
                .join("\n");
            copies.push((format!("paragraph added at line {k}"), para));
            if k < lines.len() {
                let dropped = [a, &b[1..]].concat().join("\n");
                copies.push((format!("line {k} dropped"), dropped));
                let doubled = [a, &b[..1], b].concat().join("\n");
                copies.push((format!("line {k} doubled"), doubled));
            }
        }
        let mut planned = 0;
        for (name, text) in copies {
            planned += assert_planned_is_whole(&sealed, &text, &name) as usize;
        }
        assert!(planned > 200, "only {planned} copies were planned");
    }

    #[test]
    fn beginning_cut_off_is_not_an_excerpt() {
        let sealed = Sealed::new(DECL);
        let first = DECL.find(". ").unwrap() + 2;
        let r = check(&sealed, &DECL[first..]);
        assert_eq!(r.verdict, Verdict::Altered, "{:?}", r.warnings);
        assert!(r.warnings.iter().any(|w| w.contains("starts late")));
        assert_eq!(r.sections[0].status, Status::Altered);
        // A real excerpt (one point) stays an excerpt.
        let p10 = DECL.lines().find(|l| l.starts_with("10. ")).unwrap();
        assert_eq!(check(&sealed, p10).verdict, Verdict::Excerpt);
    }
}
