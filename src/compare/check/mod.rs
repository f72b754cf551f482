//! Checking a document against a sealed version: which passages of it come
//! from the sealed text, and for each, intact or altered (which section,
//! which words, what kind of change); then a verdict on the document:
//! authentic, excerpt, altered, outdated or unrelated.
//!
//! The phases, each a function (rules in `docs/check-report.md`):
//!
//! 1. [`Canonical::fast`]: the document's text in canonical form, the same
//!    specification as the sealed text's, so formatting never counts.
//! 2. [`same_blocks`]: a document whose blocks are the sealed sections
//!    word for word is authentic with nothing to align (most copies).
//! 3. [`locate::passages`]: the passages, found by word grams, quotations
//!    and local alignment; everything else is surrounding material (L1-L4).
//! 4. [`judge`]: each passage aligned word by word with the sealed text
//!    it comes from; every difference classed and attributed to the
//!    section it touches (J1-J6).
//! 5. [`assemble`]: section statuses, the verdict, passages and
//!    surroundings for the report (V1-V6).
//!
//! Sealed texts of [`PLAN_MIN_BYTES`] and more are compared whole instead
//! (a document is one copy of them), with identical blocks set aside first
//! ([`coarse`]), so a large text is never tokenized whole for a few edits.

use crate::compare::changes::Change;
use crate::text::canon::{Canonical, Marker, WarningKind};
use crate::text::sections::Kind;
use crate::text::words::Doc;
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

mod coarse;
mod judge;
pub(crate) mod locate;
mod prefilter;
mod sealed;

use judge::{Judged, Tally};
use locate::{Quote, Span};
pub use sealed::Sealed;

/// Fewest matched words, as a share of the copy, for a text compared whole
/// to be related to the sealed text.
pub(crate) const RELATED_COPY_SHARE: f64 = 0.5;
/// ... or as a share of the sealed text.
pub(crate) const RELATED_SEALED_SHARE: f64 = 0.3;
/// Shortest run of matched words that counts towards relatedness when a
/// text is compared whole.
pub const MIN_RUN_WORDS: usize = 4;
/// Share of an unrelated document's distinct words that the sealed text
/// also uses, above which it is called a rewording (V5), in percent...
pub(crate) const REWORDED_SHARE_PERCENT: usize = 50;
/// ... counting only words of at least this many letters, and only
/// documents with at least [`REWORDED_MIN_WORDS`] such distinct words.
pub(crate) const REWORDED_WORD_LEN: usize = 5;
/// See [`REWORDED_SHARE_PERCENT`].
pub(crate) const REWORDED_MIN_WORDS: usize = 20;

/// The verdict on a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The whole sealed text, as one run, intact; other material may
    /// surround it.
    Authentic,
    /// One or more passages of the sealed text, each intact.
    Excerpt,
    /// Some passage differs from the sealed text in its words.
    Altered,
    /// The document matches an earlier sealed version, not the newest.
    Outdated,
    /// No passage of the sealed text.
    Unrelated,
}

impl Verdict {
    /// The verdict as a word.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Authentic => "authentic",
            Verdict::Excerpt => "excerpt",
            Verdict::Altered => "altered",
            Verdict::Outdated => "outdated",
            Verdict::Unrelated => "unrelated",
        }
    }
    /// Whether the document can be trusted as (part of) the sealed text.
    pub fn is_ok(self) -> bool {
        matches!(self, Verdict::Authentic | Verdict::Excerpt)
    }
}

/// The state of one section in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Present and unchanged (the whole of it, or a part quoted or ending
    /// on a sentence boundary).
    Intact,
    /// Present with changes.
    Altered,
    /// Not in the document.
    Missing,
    /// Present, but elsewhere in the text.
    Moved,
    /// Text in the document that the sealed text does not have, inside a
    /// passage.
    Added,
    /// Present in part, unchanged: the document cuts it off inside a
    /// sentence (where it begins or ends, or where a passage does).
    Partial,
}

impl Status {
    /// The status as a word, as in JSON reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Intact => "intact",
            Status::Altered => "altered",
            Status::Missing => "missing",
            Status::Moved => "moved",
            Status::Added => "added",
            Status::Partial => "partial",
        }
    }
}

/// One section of the report: a sealed section, or text a passage added.
#[derive(Debug, Clone, Serialize)]
pub struct SectionReport {
    /// Section id (`added-N` for added text).
    pub id: String,
    /// Kind of section (`null` for added text).
    pub kind: Option<Kind>,
    /// Printed number of a numbered point.
    pub number: Option<u32>,
    /// Status in the document.
    pub status: Status,
    /// The sealed text of the section as published (for added text: the
    /// document's text). Shared, not copied, across the reports of many
    /// documents.
    pub text: Arc<str>,
    /// The sealed words of the section that the document's passages cover,
    /// when they cover only part of it (an altered quotation of a
    /// phrase), in canonical form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered: Option<String>,
    /// The document's wording of the section's words, when it differs.
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
    /// Sections present in part.
    pub partial: usize,
    /// Tokens (words and punctuation) in the sealed text.
    pub sealed_words: usize,
    /// Tokens in the document.
    pub copy_words: usize,
    /// Tokens of the document matched to the sealed text.
    pub matched_words: usize,
}

/// A place in the document's text: 1-based line and column (characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Place {
    /// Line, from 1.
    pub line: u64,
    /// Column, from 1, in characters.
    pub column: u64,
}

/// A change inside a passage, with the section it touches.
#[derive(Debug, Clone, Serialize)]
pub struct PassageChange {
    /// The sealed section.
    pub section: String,
    /// The change.
    #[serde(flatten)]
    pub change: Change,
}

/// The state of a passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PassageStatus {
    /// Its words are the sealed text's.
    Intact,
    /// Its words differ.
    Altered,
}

/// One passage of the document that comes from the sealed text.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    /// `passage-N`, in document order.
    pub id: String,
    /// Intact or altered.
    pub status: PassageStatus,
    /// Whether the document presents it as a quotation (quotation marks,
    /// a block quotation, `>` lines).
    pub quoted: bool,
    /// Where it starts in the document.
    pub start: Place,
    /// Where it ends (its last word).
    pub end: Place,
    /// Words of the document in it.
    pub words: usize,
    /// The sealed sections it covers, wholly or in part, in order.
    pub sections: Vec<String>,
    /// Where the document cuts the sealed text off inside a sentence at
    /// this passage's start or end, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cut: Vec<String>,
    /// Its changes, in order.
    pub changes: Vec<PassageChange>,
    /// Editing conventions noted (an ellipsis leaving words out, an
    /// editor's bracketed words).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Its first and last words as the document has them.
    pub text: String,
    /// The sealed words it comes from (canonical form), for reports that
    /// show it whole (HTML).
    #[serde(skip)]
    pub sealed_text: String,
    /// Its words as the document has them, whole.
    #[serde(skip)]
    pub document_text: String,
}

/// What surrounds the passages in the document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Surrounding {
    /// Words before the first passage.
    pub words_before: usize,
    /// Words after the last passage.
    pub words_after: usize,
    /// Words between passages.
    pub words_between: usize,
    /// What the document reader set aside before comparing (page
    /// furniture, mail headers...), with how many words each.
    pub set_aside: Vec<SetAside>,
}

/// Material the document reader set aside.
#[derive(Debug, Clone, Serialize)]
pub struct SetAside {
    /// What it was (`nav`, `aside`, `email headers`...).
    pub what: String,
    /// Its words.
    pub words: usize,
    /// Whether it sat inside a passage of the sealed text (an
    /// advertisement between two bullets, say).
    pub inside: bool,
}

/// What a check found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The verdict.
    pub verdict: Verdict,
    /// The document is the sealed text character for character (set by
    /// the caller, who has both).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub identical: bool,
    /// For an outdated document: the earlier version it matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches_version: Option<u32>,
    /// Counts.
    pub summary: Summary,
    /// Every sealed section in order, with added text where it stands.
    pub sections: Vec<SectionReport>,
    /// The passages of the document that come from the sealed text.
    pub passages: Vec<Passage>,
    /// What surrounds them.
    pub surrounding: Surrounding,
    /// Things worth knowing that are not alterations (watermark-like
    /// invisible characters, renumbering, where a document is cut off).
    pub warnings: Vec<String>,
    /// Facts about the document (a rewording, the encoding it was read in).
    pub notes: Vec<String>,
}

impl CheckReport {
    fn new(verdict: Verdict, summary: Summary, sections: Vec<SectionReport>) -> CheckReport {
        CheckReport {
            verdict,
            identical: false,
            matches_version: None,
            summary,
            sections,
            passages: vec![],
            surrounding: Surrounding::default(),
            warnings: vec![],
            notes: vec![],
        }
    }
}

/// A document as check reads it: its text, and what its reader knows of it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Input<'a> {
    /// The readable text.
    pub text: &'a str,
    /// 1-based line ranges of `text` presented as quotations by structure.
    pub quoted_lines: &'a [Range<u32>],
    /// What the reader set aside: (what, words, the line of `text` it stood
    /// before when it sat inside the text).
    pub set_aside: &'a [(String, usize, Option<u32>)],
    /// Its canonical form ([`Canonical::fast`]), when the caller has worked
    /// it out already (while the archive was being verified, say).
    pub canonical: Option<&'a Canonical>,
}

/// The report on a document dismissed unread (L0): it shares no run of
/// [`prefilter::RUN`] words with the sealed text, so it is unrelated.
pub fn dismissed(sealed: &Sealed) -> CheckReport {
    let n = sealed.sections.len();
    let sections = (0..n)
        .map(|i| sealed.unchanged(i, Status::Missing))
        .collect();
    let mut r = CheckReport::new(
        Verdict::Unrelated,
        Summary {
            sections: n,
            missing: n,
            ..Default::default()
        },
        sections,
    );
    // What L0 looked for (prefilter::RUN words in a row), said as such: a
    // dismissed page may well share a pair of words ("human rights").
    r.notes.push(format!(
        "dismissed unread: it shares no {} consecutive words with the sealed text, \
         but for runs of only function words or numbers",
        prefilter::RUN
    ));
    r
}

/// Check one document's text against a sealed version.
pub fn check(sealed: &Sealed, text: &str) -> CheckReport {
    check_input(
        sealed,
        &Input {
            text,
            ..Input::default()
        },
    )
}

/// Check a document against a sealed version.
pub fn check_input(sealed: &Sealed, input: &Input) -> CheckReport {
    let owned;
    let canon = match input.canonical {
        Some(c) => c,
        None => {
            owned = Canonical::fast(input.text);
            &owned
        }
    };
    if let Some(mut report) = same_blocks(sealed, canon) {
        let block_section: Vec<Option<usize>> = (0..canon.blocks.len()).map(Some).collect();
        add_warnings(&mut report, sealed, canon, &block_section);
        return report;
    }
    if sealed.text_bytes >= PLAN_MIN_BYTES {
        return check_whole(sealed, canon, Counts::Exact);
    }
    let doc = Doc::new(canon);
    let quoted_blocks: Vec<bool> = canon
        .blocks
        .iter()
        .map(|b| {
            input
                .quoted_lines
                .iter()
                .any(|r| (r.start as u64..r.end as u64).contains(&b.line))
        })
        .collect();
    let words = locate::Words::of(&doc);
    let spans = match whole_copy(sealed, canon, &doc, &quoted_blocks) {
        // A copy of the whole text with nothing around it: no need to
        // locate it.
        Some(span) => vec![span],
        None => {
            let located = locate::passages(sealed, &doc, &words, &quoted_blocks);
            // L5: a document whose grams are mostly the sealed text's, where
            // no run is long enough to be a passage (a short text changed here
            // and there), is compared whole, as one copy of it.
            if located.spans.is_empty()
                && located.grams > 0
                && located.gram_hits * 2 >= located.grams
            {
                return check_whole(sealed, canon, Counts::Exact);
            }
            located.spans
        }
    };
    let run = spanning(sealed, &doc, &words, &spans);
    let run_sealed = run.as_ref().map(|(_, _, holds)| holds.clone());
    let judged: Vec<Judged> = spans
        .into_iter()
        .enumerate()
        .map(|(k, s)| match &run {
            Some((r, widened, _)) if *r == k => {
                let mut j = judge_span(sealed, &doc, widened.clone());
                j.run = true;
                j
            }
            _ => judge_span(sealed, &doc, s),
        })
        .collect();
    let mode = Mode::Passages;
    let (mut report, block_section, changes) = assemble(sealed, &doc, &judged, mode);
    describe_passages(
        &mut report,
        sealed,
        &doc,
        &words,
        canon,
        input,
        &judged,
        changes,
        &quoted_blocks,
    );
    if report.verdict == Verdict::Unrelated {
        reworded(&mut report, sealed, &doc);
    }
    if let Some(run) = run_sealed {
        truncated(&mut report, sealed, &run);
    }
    add_warnings(&mut report, sealed, canon, &block_section);
    report
}

/// A document that begins with the sealed text's first words and ends with
/// its last, about as long as it, none of it quoted: a copy of the whole
/// text, reformatted or changed, with nothing around it. It is one run
/// (V2) without locating anything: the passage is the whole document.
fn whole_copy(sealed: &Sealed, canon: &Canonical, doc: &Doc, quoted: &[bool]) -> Option<Span> {
    const EDGE: usize = 24;
    let (first, last) = (sealed.sections.first()?, sealed.sections.last()?);
    let (b0, bn) = (canon.blocks.first()?, canon.blocks.last()?);
    let doc_bytes: usize = canon.blocks.iter().map(|b| b.text.len()).sum();
    // The first and last (up to) EDGE bytes of a text, cut at characters.
    let head = |t: &str| -> usize {
        t.char_indices()
            .map(|(i, _)| i)
            .find(|&i| i >= EDGE)
            .unwrap_or(t.len())
    };
    let tail = |t: &str| -> usize {
        t.char_indices()
            .rev()
            .map(|(i, _)| i)
            .find(|&i| t.len() - i >= EDGE)
            .unwrap_or(0)
    };
    let similar_length =
        doc_bytes * 5 >= sealed.text_bytes * 4 && doc_bytes * 4 <= sealed.text_bytes * 5;
    let same_start = b0.text.starts_with(&first.text[..head(&first.text)]);
    let same_end = bn.text.ends_with(&last.text[tail(&last.text)..]);
    if !(similar_length && same_start && same_end) || quoted.iter().any(|&q| q) {
        return None;
    }
    Some(Span {
        doc: 0..doc.tokens.len(),
        sealed: 0..sealed.token_count(),
        quote: Quote::No,
        ops: None,
    })
}

/// V2: the warning for a run that holds most of the text but stops early
/// or starts late.
fn truncated(report: &mut CheckReport, sealed: &Sealed, run: &Range<usize>) {
    let n = sealed.sections.len();
    let total = sealed.token_count();
    let words = |r: Range<usize>| {
        let ix = sealed.index();
        let lo = ix.word_tokens.partition_point(|&t| (t as usize) < r.start);
        let hi = ix.word_tokens.partition_point(|&t| (t as usize) < r.end);
        hi - lo
    };
    let all = words(0..total);
    let last = sealed.sections[n - 1].id.as_str();
    if run.end < total && sealed.section_of(run.end.max(1) - 1) != n - 1 {
        let id = &sealed.sections[sealed.section_of(run.end.max(1) - 1)].id;
        report.warnings.push(format!(
            "the copy stops early: it holds the first {} of {all} words and leaves out the rest (it ends in {id}; the sealed text goes on to {last})",
            words(run.clone())
        ));
    }
    if run.start > 0 && sealed.section_of(run.start) != 0 {
        let id = &sealed.sections[sealed.section_of(run.start)].id;
        report.warnings.push(format!(
            "the copy starts late: it leaves out the first {} of {all} words and holds the rest (it starts in {id})",
            words(0..run.start)
        ));
    }
}

/// Check a document against the newest version of an archive and, when
/// it is not that text, against the earlier ones (`older`, newest first,
/// each with its number, prepared only when asked for): a document that is
/// an earlier version's text, whole or in part, is outdated, and its report
/// names that version (V6). Sections are reported against the newest
/// version, so the report shows what changed since.
pub fn check_versions<'a>(
    newest: &Sealed,
    older: impl IntoIterator<Item = (u32, &'a Sealed)>,
    input: &Input,
) -> CheckReport {
    // Canonicalized once for every version.
    let owned;
    let input = &match input.canonical {
        Some(_) => *input,
        None => {
            owned = Canonical::fast(input.text);
            Input {
                canonical: Some(&owned),
                ..*input
            }
        }
    };
    let mut report = check_input(newest, input);
    if report.verdict.is_ok() {
        return report;
    }
    for (n, sealed) in older {
        let r = check_input(sealed, input);
        if r.verdict.is_ok() {
            report.verdict = Verdict::Outdated;
            report.matches_version = Some(n);
            report.warnings.push(format!(
                "the document is version {n}'s text ({}); the newest version differs where this report marks it",
                r.verdict.as_str()
            ));
            break;
        }
    }
    report
}

/// How the judged passages are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Passages: what they do not cover is not quoted, but for a run that
    /// stands for the whole sealed text ([`spanning`]).
    Passages,
    /// A text compared whole with the sealed text (diff, large texts):
    /// relatedness by shared words, edges as in `Run`; `hidden` tokens
    /// were set aside as identical beforehand.
    Whole { hidden: usize },
}

/// A copy holding at least this share of the sealed text in one run from
/// its beginning (or up to its end), with nothing before it (or after it),
/// but not the rest, is the sealed text with its end (or beginning) lost:
/// a truncated copy, never an excerpt (V2). A document with other material
/// around the run presents a part of the text, and is an excerpt cut off.
pub(crate) const TRUNCATED_SHARE: f64 = 0.4;

/// The run that stands for the whole sealed text (V2), when the document
/// has an unquoted passage that reaches from the first section into the
/// last, or is a truncated copy ([`TRUNCATED_SHARE`]), with its index:
/// then words missing at its edges are deletions, not an excerpt's edges.
/// The run is widened to the whole sealed text, and on the document's side
/// to the sentences it starts and ends in; with it comes the part of the
/// sealed text the copy holds, its own wording of an edge included (for
/// the warning that it stops early or starts late).
fn spanning(
    sealed: &Sealed,
    doc: &Doc,
    words: &locate::Words,
    spans: &[Span],
) -> Option<(usize, Span, Range<usize>)> {
    let n = sealed.sections.len();
    let total = sealed.token_count();
    let ix = sealed.index();
    let sealed_words = |r: Range<usize>| {
        let lo = ix.word_tokens.partition_point(|&t| (t as usize) < r.start);
        let hi = ix.word_tokens.partition_point(|&t| (t as usize) < r.end);
        hi - lo
    };
    let qualifies = |span: &Span| {
        if span.quote != Quote::No || span.sealed.is_empty() {
            return false;
        }
        let from_first = sealed.section_of(span.sealed.start) == 0;
        let to_last = sealed.section_of(span.sealed.end - 1) == n - 1;
        let most = span.sealed.len() as f64 >= TRUNCATED_SHARE * total as f64;
        // Starting (or ending) with the sealed text's first (or last) word,
        // whatever marks stand before (or after) it.
        let lost_end =
            sealed_words(0..span.sealed.start) == 0 && words.count(0..span.doc.start) == 0;
        let lost_start = sealed_words(span.sealed.end..total) == 0
            && words.count(span.doc.end..doc.tokens.len()) == 0;
        from_first && to_last || most && (lost_end || lost_start)
    };
    // The longest, should a document hold two.
    let k = (0..spans.len())
        .filter(|&k| qualifies(&spans[k]))
        .max_by_key(|&k| (spans[k].sealed.len(), std::cmp::Reverse(k)))?;
    let span = &spans[k];
    // It may not grow into its neighbours.
    let lo = if k == 0 { 0 } else { spans[k - 1].doc.end };
    let hi = spans.get(k + 1).map_or(doc.tokens.len(), |s| s.doc.start);
    // Words of the sentences the run starts and ends in are in its flow:
    // what the run did not match there is inserted or changed text. Other
    // sentences around it, even in the same block, are surroundings.
    let mut d = span.doc.clone();
    let terminal = |t: usize| matches!(doc.word(t), "." | "!" | "?" | ";" | ":");
    let b = doc.tokens[d.start].block;
    while d.start > lo && doc.tokens[d.start - 1].block == b && !terminal(d.start - 1) {
        d.start -= 1;
    }
    let b = doc.tokens[d.end - 1].block;
    while d.end < hi && doc.tokens[d.end].block == b && !terminal(d.end - 1) {
        d.end += 1;
    }
    // A copy that lacks the sealed text's beginning (or end) but has about as
    // many other words there is the copy's own wording of it: changed, not
    // surrounding material.
    // What the copy holds of the sealed text, as its own wording included.
    let mut holds = span.sealed.clone();
    let comparable = |a: usize, b: usize| a > 0 && b > 0 && a <= 2 * b && b <= 2 * a;
    if comparable(words.count(lo..d.start), sealed_words(0..span.sealed.start)) {
        d.start = lo;
        holds.start = 0;
    }
    if comparable(words.count(d.end..hi), sealed_words(span.sealed.end..total)) {
        d.end = hi;
        holds.end = total;
    }
    Some((
        k,
        Span {
            doc: d,
            sealed: 0..total,
            quote: Quote::No,
            ops: None,
        },
        holds,
    ))
}

/// Phases J1-J3, J6 for one passage.
fn judge_span(sealed: &Sealed, doc: &Doc, span: Span) -> Judged {
    let (span, ops) = judge::align(sealed, doc, span);
    let meaning = judge::meanings(sealed, doc, &span, &ops);
    Judged {
        span,
        ops,
        meaning,
        run: false,
    }
}

/// Compare a text whole with the sealed text (diff; large sealed texts).
pub(crate) fn check_whole(sealed: &Sealed, canon: &Canonical, counts: Counts) -> CheckReport {
    check_whole_planned(sealed, canon, counts, sealed.text_bytes >= PLAN_MIN_BYTES)
}

/// [`check_whole`], setting identical blocks aside first when `plan`.
fn check_whole_planned(
    sealed: &Sealed,
    canon: &Canonical,
    counts: Counts,
    plan: bool,
) -> CheckReport {
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
        // The copy is tokenized while the sealed text's tokens are made (or
        // found made), one on each core.
        None => {
            let (copy, _) = rayon::join(|| Doc::new(canon), || sealed.words());
            judge_whole(sealed, &copy, 0, None)
        }
        Some(plan) => {
            let sub = sealed.subset(&plan.keep_sealed);
            // The copy's kept blocks and the kept sealed sections are
            // tokenized one on each core; then they are aligned while the
            // set-aside sections' tokens are counted, a count split across
            // whichever core is free. (Aligning inside the first join left
            // one core idle: the count took it, and the two tokenizations
            // ran one after the other on the other.)
            let (copy, _) = rayon::join(
                || {
                    Doc::from_blocks(
                        plan.keep_copy
                            .iter()
                            .map(|&j| canon.blocks[j].text.as_str()),
                    )
                },
                || sub.words(),
            );
            let (judged, hidden) = rayon::join(
                || judge_whole_span(&sub, &copy, Some(&plan.regions)),
                || match counts {
                    Counts::Exact => plan.hidden.iter().map(|&(i, _)| sealed.tokens_in(i)).sum(),
                    // One per set-aside section with text: a lower bound,
                    // enough for a diff, which reports no word counts.
                    Counts::Bound => plan
                        .hidden
                        .iter()
                        .filter(|&&(i, _)| !sealed.sections[i].text.is_empty())
                        .count(),
                },
            );
            let (r, bs, _) = assemble(&sub, &copy, &judged, Mode::Whole { hidden });
            coarse::merge(sealed, canon, &plan, r, bs)
        }
    };
    add_warnings(&mut report, sealed, canon, &block_section);
    report
}

/// How set-aside words are counted when a large text is compared whole.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counts {
    /// Exactly (tokenizing every set-aside section once per sealed text).
    Exact,
    /// By a lower bound (one per section with text); the summary's word
    /// counts are then lower bounds too.
    Bound,
}

/// Sealed texts shorter than this are aligned whole: fast enough, and the
/// whole text gives word alignment the most context. Longer ones set
/// identical blocks aside first ([`coarse`]).
pub const PLAN_MIN_BYTES: usize = 256 << 10;

/// Judge a text compared whole with the sealed text; `hidden` tokens were
/// paired whole blocks at a time and set aside (matched). `regions`, when
/// given, pair stretches of sections with stretches of copy blocks (see
/// [`coarse::Plan::regions`]). Also returns the sealed section each copy
/// block lines up with.
fn judge_whole(
    sealed: &Sealed,
    copy: &Doc,
    hidden: usize,
    regions: Option<&[coarse::Region]>,
) -> (CheckReport, Vec<Option<usize>>) {
    let judged = judge_whole_span(sealed, copy, regions);
    let (report, block_section, _) = assemble(sealed, copy, &judged, Mode::Whole { hidden });
    (report, block_section)
}

/// The one passage of a text compared whole, judged ([`judge_whole`]
/// before its report is assembled).
fn judge_whole_span(
    sealed: &Sealed,
    copy: &Doc,
    regions: Option<&[coarse::Region]>,
) -> Vec<Judged> {
    let sd = sealed.doc();
    let span = Span {
        doc: 0..copy.tokens.len(),
        sealed: 0..sd.tokens.len(),
        quote: Quote::No,
        ops: regions.map(|regions| {
            let section_tokens = &sealed.words().section_tokens;
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
            crate::compare::align::align_regions(sd, copy, &r)
        }),
    };
    let mut judged = vec![judge_span(sealed, copy, span)];
    judged[0].run = true;
    judged
}

/// V1-V4: section statuses, verdict and summary from the judged passages.
/// Also returns the sealed section each document block lines up with.
fn assemble(
    sealed: &Sealed,
    doc: &Doc,
    judged: &[Judged],
    mode: Mode,
) -> (CheckReport, Vec<Option<usize>>, Vec<Vec<PassageChange>>) {
    let n = sealed.sections.len();
    let sd = sealed.doc();
    let block_section = judge::block_sections(sealed, doc, judged);
    let hidden = match mode {
        Mode::Whole { hidden } => hidden,
        _ => 0,
    };
    // V1: related. Passages are related by construction; a text compared
    // whole must share enough words in runs (scattered common words line
    // up with any text).
    let related = match mode {
        Mode::Whole { hidden } => {
            let in_runs: usize = judged
                .iter()
                .flat_map(|j| j.ops.iter())
                .filter(|o| {
                    o.tag == crate::compare::align::Tag::Equal && o.a.len() >= MIN_RUN_WORDS
                })
                .map(|o| o.a.len())
                .sum::<usize>()
                + hidden;
            let copy_words = doc.tokens.len() + hidden;
            let sealed_words = sd.tokens.len() + hidden;
            in_runs > 0
                && (in_runs as f64 >= RELATED_COPY_SHARE * copy_words as f64
                    || in_runs as f64 >= RELATED_SEALED_SHARE * sealed_words as f64)
        }
        _ => !judged.is_empty(),
    };
    let mut t = Tally::new(n);
    if related {
        for j in judged {
            judge::attribute(sealed, doc, j, &block_section, &mut t);
        }
    }
    // V2: passages cut off inside a sentence leave their edge sections
    // partial.
    let mut partial = vec![false; n];
    if mode == Mode::Passages {
        for j in judged
            .iter()
            .filter(|j| j.span.quote == Quote::No && !j.run)
        {
            let s = &j.span.sealed;
            if !s.is_empty() && !sealed.sentence_start(s.start) {
                partial[sealed.section_of(s.start)] = true;
            }
            if !s.is_empty() && !sentence_end(sealed, s.end) {
                partial[sealed.section_of(s.end - 1)] = true;
            }
        }
    }
    // V3: statuses.
    let altered_somewhere = judged.iter().any(judge::altered) || !t.added.is_empty();
    let verdict = if !related {
        Verdict::Unrelated
    } else if altered_somewhere {
        Verdict::Altered
    } else if judged.iter().any(|j| j.run) {
        Verdict::Authentic
    } else {
        Verdict::Excerpt
    };
    let mut summary = Summary {
        sections: n,
        sealed_words: sd.tokens.len() + hidden,
        copy_words: doc.tokens.len() + hidden,
        matched_words: t.matched + hidden,
        ..Default::default()
    };
    let mut sections = Vec::with_capacity(n + t.added.len());
    let mut add_no = 0;
    let mut push_added = |after: usize, sections: &mut Vec<SectionReport>| {
        for (_, text, ch) in t.added.iter().filter(|x| x.0 == after) {
            add_no += 1;
            sections.push(SectionReport {
                id: format!("added-{add_no}"),
                kind: None,
                number: None,
                status: Status::Added,
                text: Arc::from(text.as_str()),
                covered: None,
                found: None,
                changes: ch.clone(),
            });
        }
    };
    push_added(usize::MAX, &mut sections);
    let in_order: Vec<bool> = judged.iter().map(|j| judge::ops_in_order(&j.ops)).collect();
    for (s, sec) in sealed.sections.iter().enumerate() {
        let len = sealed.range(s).len();
        let covered = if len == 0 {
            judged.iter().any(|j| {
                j.span.sealed.start <= sealed.range(s).start
                    && sealed.range(s).end <= j.span.sealed.end
            })
        } else {
            t.covered[s] > 0
        };
        let status = if !related || !covered {
            Status::Missing
        } else if t.moved[s] && t.deleted[s] >= len {
            Status::Moved
        } else if len > 0 && t.deleted[s] >= t.covered[s] {
            Status::Missing
        } else if !t.changes[s].is_empty() {
            Status::Altered
        } else if partial[s] {
            Status::Partial
        } else {
            Status::Intact
        };
        match status {
            Status::Intact => summary.intact += 1,
            Status::Altered => summary.altered += 1,
            Status::Missing => summary.missing += 1,
            Status::Moved => summary.moved += 1,
            Status::Partial => summary.partial += 1,
            Status::Added => {}
        }
        let changes = if status == Status::Missing && verdict != Verdict::Altered {
            vec![]
        } else {
            std::mem::take(&mut t.changes[s])
        };
        let found = (status == Status::Altered)
            .then(|| judge::found_text(sealed, doc, judged, &in_order, s));
        // An altered section that passages cover only in part: the part,
        // so that the rest is not shown as deleted.
        let covered = (status == Status::Altered && t.covered[s] < len)
            .then(|| judge::covered_text(sealed, judged, s))
            .flatten();
        sections.push(SectionReport {
            id: sec.id.clone(),
            kind: Some(sec.kind),
            number: sec.number,
            status,
            text: sealed.texts[s].clone(),
            covered,
            found,
            changes,
        });
        push_added(s, &mut sections);
    }
    summary.added = add_no;
    let passage_changes = std::mem::take(&mut t.by_passage)
        .into_iter()
        .map(|cs| {
            cs.into_iter()
                .map(|(s, change)| PassageChange {
                    section: sealed.sections[s].id.clone(),
                    change,
                })
                .collect()
        })
        .collect();
    (
        CheckReport::new(verdict, summary, sections),
        block_section,
        passage_changes,
    )
}

/// Does the sealed text's sentence end before token `end` (exclusive)?
fn sentence_end(sealed: &Sealed, end: usize) -> bool {
    let d = sealed.doc();
    end == 0
        || end >= d.tokens.len()
        || d.tokens[end - 1].block != d.tokens[end].block
        || matches!(d.word(end - 1), "." | "!" | "?" | ";" | ":")
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
    let mut r = CheckReport::new(
        Verdict::Authentic,
        Summary {
            sections: n,
            intact: n,
            sealed_words: words,
            copy_words: words,
            matched_words: words,
            ..Default::default()
        },
        sections,
    );
    let last = canon.blocks.last().map(|b| b.line).unwrap_or(1);
    r.passages.push(Passage {
        id: "passage-1".into(),
        status: PassageStatus::Intact,
        quoted: false,
        start: Place {
            line: canon.blocks[0].line,
            column: 1,
        },
        end: Place {
            line: last,
            column: 1,
        },
        words: sealed.word_count(),
        sections: sealed.sections.iter().map(|s| s.id.clone()).collect(),
        cut: vec![],
        changes: vec![],
        notes: vec![],
        text: brief(&canon.blocks[0].text, &canon.blocks[n - 1].text),
        sealed_text: String::new(),
        document_text: String::new(),
    });
    Some(r)
}

/// A passage's first and last few words: "We must draw … including:".
fn brief(first: &str, last: &str) -> String {
    const N: usize = 6;
    let a: Vec<&str> = first.split_whitespace().take(N).collect();
    let all_last: Vec<&str> = last.split_whitespace().collect();
    let b = &all_last[all_last.len().saturating_sub(N)..];
    let joined = format!("{} \u{2026} {}", a.join(" "), b.join(" "));
    if first == last && first.split_whitespace().count() <= 2 * N {
        first.to_owned()
    } else {
        joined
    }
}

/// V4: the passages of a report, with their places, sections, changes and
/// cuts, and what surrounds them.
#[allow(clippy::too_many_arguments)]
fn describe_passages(
    report: &mut CheckReport,
    sealed: &Sealed,
    doc: &Doc,
    words: &locate::Words,
    canon: &Canonical,
    input: &Input,
    judged: &[Judged],
    changes: Vec<Vec<PassageChange>>,
    quoted_blocks: &[bool],
) {
    let locator = Locator::new(input.text, canon, doc);
    let mut covered_doc: Vec<Range<usize>> = Vec::new();
    for (k, j) in judged.iter().enumerate() {
        let d = j.span.doc.clone();
        if d.is_empty() {
            continue;
        }
        covered_doc.push(d.clone());
        let secs: Vec<String> = judge::sections_in(sealed, j.span.sealed.clone())
            .into_iter()
            .map(|s| sealed.sections[s].id.clone())
            .collect();
        let changes = changes.get(k).cloned().unwrap_or_default();
        let mut cut = Vec::new();
        let s = &j.span.sealed;
        if j.span.quote == Quote::No && !s.is_empty() {
            let sd = sealed.doc();
            if !sealed.sentence_start(s.start) {
                let id = &sealed.sections[sealed.section_of(s.start)].id;
                cut.push(format!(
                    "starts in {id} before \u{201C}{}\u{201D}",
                    doc.span(d.start, (d.start + 4).min(d.end))
                        .replace('\n', " ")
                ));
            }
            if !sentence_end(sealed, s.end) {
                let id = &sealed.sections[sealed.section_of(s.end - 1)].id;
                // A word cut in two at the document's very end.
                let rest = d.end..doc.tokens.len();
                let tail = if words.count(rest.clone()) == 1
                    && rest.clone().all(|t| {
                        !sealed::is_word(doc.word(t))
                            || sd
                                .word(s.end.min(sd.tokens.len() - 1))
                                .starts_with(doc.word(t))
                    }) {
                    rest.end
                } else {
                    d.end
                };
                let from = tail.saturating_sub(4).max(d.start);
                cut.push(format!(
                    "ends in {id} after \u{201C}{}\u{201D}",
                    doc.span(from, tail).replace('\n', " ")
                ));
                if tail > d.end {
                    covered_doc.last_mut().expect("pushed above").end = tail;
                }
            }
        }
        let status = if judge::altered(j) {
            PassageStatus::Altered
        } else {
            PassageStatus::Intact
        };
        let quoted = j.span.quote != Quote::No
            || (d.clone()).all(|t| {
                quoted_blocks
                    .get(doc.tokens[t].block as usize)
                    .copied()
                    .unwrap_or(false)
            });
        report.passages.push(Passage {
            id: format!("passage-{}", k + 1),
            status,
            quoted,
            start: locator.place(d.start),
            end: locator.place(d.end - 1),
            words: words.count(d.clone()),
            sections: secs,
            cut,
            changes,
            notes: judge::notes(j),
            // A short passage whole (its first and last words would overlap).
            text: if d.len() <= 24 {
                let all = doc.span(d.start, d.end).replace('\n', " ");
                brief(&all, &all)
            } else {
                brief(
                    &doc.span(d.start, d.start + 12).replace('\n', " "),
                    &doc.span(d.end - 12, d.end).replace('\n', " "),
                )
            },
            sealed_text: sealed
                .doc()
                .span(j.span.sealed.start, j.span.sealed.end)
                .replace('\n', " "),
            document_text: doc.span(d.start, d.end).replace('\n', " "),
        });
    }
    // Surroundings.
    let total = doc.tokens.len();
    let mut sur = Surrounding::default();
    if let (Some(first), Some(last)) = (covered_doc.first(), covered_doc.last()) {
        sur.words_before = words.count(0..first.start);
        sur.words_after = words.count(last.end..total);
        let inside = words.count(first.start..last.end);
        let in_passages: usize = covered_doc.iter().map(|r| words.count(r.clone())).sum();
        sur.words_between = inside.saturating_sub(in_passages);
    } else {
        sur.words_before = words.count(0..total);
    }
    let line_range = |r: &Range<usize>| -> Range<u64> {
        let a = canon.blocks[doc.tokens[r.start].block as usize].line;
        let b = canon.blocks[doc.tokens[r.end - 1].block as usize].line;
        a..b + 1
    };
    let passage_lines: Vec<Range<u64>> = covered_doc.iter().map(line_range).collect();
    for (what, w, before) in input.set_aside {
        let inside = before.is_some_and(|l| {
            passage_lines
                .iter()
                .any(|r| r.start < l as u64 && (l as u64) < r.end)
        });
        sur.set_aside.push(SetAside {
            what: what.clone(),
            words: *w,
            inside,
        });
    }
    report.surrounding = sur;
    for p in &report.passages {
        for c in &p.cut {
            report.warnings.push(format!("the document's passage {c}"));
        }
    }
}

/// Whether a word counts towards a rewording (V5): it has at least
/// [`REWORDED_WORD_LEN`] letters.
pub(super) fn is_long_word(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= REWORDED_WORD_LEN
}

/// V5: an unrelated document that uses much of the sealed text's
/// vocabulary is a rewording, and the report says so.
fn reworded(report: &mut CheckReport, sealed: &Sealed, doc: &Doc) {
    use std::borrow::Cow;
    // Lower-cased, copied only when it changes (an ASCII word with no
    // capital is its own lower case).
    fn lower(w: &str) -> Cow<'_, str> {
        if w.is_ascii() && !w.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(w.to_lowercase())
        }
    }
    let mut seen: rustc_hash::FxHashSet<Cow<'_, str>> = Default::default();
    for t in 0..doc.tokens.len() {
        let w = doc.word(t);
        if is_long_word(w) {
            seen.insert(lower(w));
        }
    }
    if seen.len() < REWORDED_MIN_WORDS {
        return;
    }
    let vocabulary = sealed.vocabulary();
    let shared = seen
        .iter()
        .filter(|w| vocabulary.contains(w.as_ref()))
        .count();
    if shared * 100 >= REWORDED_SHARE_PERCENT * seen.len() {
        report.notes.push(format!(
            "reworded: no passage quoted, but {shared} of the document's {} distinct longer words are the sealed text's",
            seen.len()
        ));
    }
}

/// Finds a document token's line and column in the document's text.
struct Locator<'a> {
    text: &'a str,
    /// Byte offset of each line's start.
    line_starts: Vec<usize>,
    canon: &'a Canonical,
    doc: &'a Doc,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, canon: &'a Canonical, doc: &'a Doc) -> Locator<'a> {
        let mut line_starts = vec![0];
        let b = text.as_bytes();
        // A line ends at a line feed, or at a carriage return that no line
        // feed follows.
        for i in memchr::memchr2_iter(b'\n', b'\r', b) {
            if b[i] == b'\n' || b.get(i + 1) != Some(&b'\n') {
                line_starts.push(i + 1);
            }
        }
        Locator {
            text,
            line_starts,
            canon,
            doc,
        }
    }

    /// The place of document token `t`: its block's first line, then the
    /// token counted word by word through the source lines from there.
    fn place(&self, t: usize) -> Place {
        let block = self.doc.tokens[t].block as usize;
        let line = self.canon.blocks[block].line;
        let first = self.doc.block_starts[block] as usize;
        let mut k = self.doc.tokens[..t]
            .iter()
            .rev()
            .take_while(|x| x.block as usize == block)
            .count();
        let _ = first;
        let mut l = line as usize;
        while l <= self.line_starts.len() {
            let start = self.line_starts[l - 1];
            let end = self.line_starts.get(l).copied().unwrap_or(self.text.len());
            let src = &self.text[start..end];
            let src = src.trim_end_matches(['\n', '\r']);
            let mut off = 0;
            if l == line as usize {
                // The list marker is structure, not a token.
                let lead = src.len() - src.trim_start().len();
                if self.canon.blocks[block].marker.is_some() {
                    if let Some((_, n)) = crate::text::canon::parse_marker(
                        &crate::text::canon::fold_typography(src.trim_start()),
                    ) {
                        off = lead + n.min(src.len() - lead);
                    }
                }
            }
            let folded = &src[off.min(src.len())..];
            let mut spans = Vec::new();
            crate::text::words::tokenize_into(folded, &mut spans);
            if k < spans.len() {
                let byte = off + spans[k].0;
                let column = src[..byte.min(src.len())].chars().count() as u64 + 1;
                return Place {
                    line: l as u64,
                    column,
                };
            }
            k -= spans.len();
            l += 1;
        }
        Place { line, column: 1 }
    }
}

/// Warnings that need the whole document: invisible characters dropped,
/// and renumbering (`block_section`: the sealed section of each block).
fn add_warnings(
    report: &mut CheckReport,
    sealed: &Sealed,
    canon: &Canonical,
    block_section: &[Option<usize>],
) {
    let warnings = &mut report.warnings;
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
            if let (Some(Marker::Number(n)), Some(Some(s))) = (bm.marker, block_section.get(blk)) {
                if let Some(sn) = sealed.sections[*s].number {
                    if sn != n && renumbered.is_none() {
                        renumbered = Some((sealed.sections[*s].id.clone(), sn, n));
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

#[cfg(test)]
mod tests;
