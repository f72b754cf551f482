//! Finding the passages of a document that come from the sealed text
//! (rules L1-L7 of `docs/check-report.md`), before any verdict.
//!
//! 1. Runs (L1): every stretch of at least [`MIN_RUN_WORDS`] consecutive
//!    words the document shares with the sealed text, found from a
//!    [`GRAM_WORDS`]-word gram index of the sealed text. A run is exact
//!    in its words; punctuation and edits are the alignment's business.
//! 2. Quotations (L2): stretches the document presents as quoted
//!    (quotation marks of the usual kinds, a block quotation) are located
//!    by themselves, however short, by voting on where their words occur;
//!    one that mostly matches a part of the sealed text is a quoted
//!    passage, judged word by word even when it differs (a misquote).
//! 3. Grouping (L3): runs that follow each other in the document join one
//!    passage when the document goes on with the sealed text: nothing but a
//!    deletion between them, or a short stretch of other words where the
//!    sealed text goes on a little further (an edit, an inserted sentence,
//!    a dropped paragraph). Far apart, they are separate passages.
//! 4. Extension (L4): each passage grows at both ends as long as aligning
//!    the next words gains more than it loses (an X-drop local
//!    alignment), so a changed word near a passage's edge stays inside it.
//!
//! Everything outside the passages is surrounding material: never an
//! alteration of the sealed text, never an added section.

use super::sealed::{gram_key, is_word, Sealed, GRAM_WORDS};
use crate::compare::align::{self, Op, Tag};
use crate::text::words::Doc;
use std::ops::Range;

/// Shortest run of consecutive shared words that makes a passage (L1).
/// Shorter runs are common phrases ("of the regime and the") that any
/// text on the same subject shares; any run this long is found.
pub const MIN_RUN_WORDS: usize = 6;

/// Fewest words a quotation must have to be located (L2).
pub(crate) const MIN_QUOTE_WORDS: usize = 3;

/// Share of a quotation's words that must line up with the sealed text
/// for it to be a quotation of it, altered or not (L2), in percent.
pub(crate) const QUOTE_MATCH_PERCENT: usize = 60;

/// Two runs with at most this many document words between them are one
/// passage whatever the sealed text skips: a deletion (L3).
pub(crate) const DELETION_GAP_WORDS: usize = 3;

/// Two runs in the sealed text's order are one passage when the sealed
/// text skips at most this many words between them (L3).
pub(crate) const MAX_SKIP_WORDS: usize = 150;

/// ... and the document puts at most this many words between them (L3):
/// an inserted paragraph is part of the run it interrupts.
pub(crate) const MAX_INSERT_WORDS: usize = 250;

/// Words of a document or sealed text looked at, at a time, to extend a
/// passage (L4).
const EXTEND_WINDOW: usize = 24;

/// Score an extension may fall below its best before it stops (L4), in
/// words.
const X_DROP: i32 = 6;

/// Least score an extension must reach to be made (L4), in words: one
/// matched word more than what differs (a lone shared word does not pay
/// for a changed one next to it).
const MIN_EXTENSION: i32 = 1;

/// How a passage is presented in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// Running text.
    No,
    /// Between quotation marks (or a `<q>`).
    Marks,
    /// In a block quotation (`<blockquote>`, `>` lines).
    Block,
}

/// One passage: document tokens, the sealed tokens they come from.
#[derive(Debug, Clone)]
pub struct Span {
    /// Token range in the document.
    pub doc: Range<usize>,
    /// Token range in the sealed text.
    pub sealed: Range<usize>,
    /// How the document presents it.
    pub quote: Quote,
    /// The alignment, when locating made it (quotations).
    pub ops: Option<Vec<Op>>,
}

/// A document's words: which tokens are words, in order.
pub struct Words {
    /// Token index of each word.
    pub tokens: Vec<u32>,
}

impl Words {
    /// The words of a document.
    pub fn of(doc: &Doc) -> Words {
        let tokens = (0..doc.tokens.len())
            .filter(|&t| is_word(doc.word(t)))
            .map(|t| t as u32)
            .collect();
        Words { tokens }
    }

    /// Number of words among tokens `r`.
    pub fn count(&self, r: Range<usize>) -> usize {
        let lo = self.tokens.partition_point(|&t| (t as usize) < r.start);
        let hi = self.tokens.partition_point(|&t| (t as usize) < r.end);
        hi - lo
    }
}

/// An exact run of shared words: document word `d`, sealed word `s`,
/// `len` words.
#[derive(Debug, Clone, Copy)]
struct Run {
    d: usize,
    s: usize,
    len: usize,
}

/// Every maximal run of at least [`MIN_RUN_WORDS`] words shared with the
/// sealed text, in no particular order (L1). `barrier` words (inside
/// located quotations) end runs.
fn runs(sealed: &Sealed, doc: &Doc, words: &Words, barrier: &[bool]) -> (Vec<Run>, usize) {
    let ix = sealed.index();
    let dk: Vec<u64> = words.tokens.iter().map(|&t| doc.keys[t as usize]).collect();
    let n = dk.len();
    let mut out = Vec::new();
    let mut hits = 0;
    if n < GRAM_WORDS {
        return (out, hits);
    }
    let sd = sealed.doc();
    // Whether the punctuation before document word `k` (after the word
    // before it) is the sealed text's before the word it lines up with: a
    // run is exact in punctuation too, so that it never starts with the
    // last word of another sentence ("rights." for "rights;").
    let between = |k: usize, diag: isize| -> bool {
        let (da, db) = (words.tokens[k - 1] as usize + 1, words.tokens[k] as usize);
        let i = (k as isize + diag) as usize;
        let (sa, sb) = (
            ix.word_tokens[i - 1] as usize + 1,
            ix.word_tokens[i] as usize,
        );
        db - da == sb - sa && doc.keys[da..db] == sd.keys[sa..sb]
    };
    // Diagonals being followed: (sealed - document word, last document word).
    let mut active: Vec<(isize, usize)> = Vec::new();
    let mut occ = Vec::new();
    for j in 0..=n - GRAM_WORDS {
        if barrier[j..j + GRAM_WORDS].iter().any(|&b| b) {
            continue;
        }
        active.retain(|&(_, end)| end > j);
        let g = gram_key(&dk[j..j + GRAM_WORDS]);
        hits += ix.has_gram(g) as usize;
        ix.gram_at(g, &mut occ);
        for &i in &occ {
            let i = i as usize;
            let diag = i as isize - j as isize;
            if active.iter().any(|&(d, _)| d == diag) {
                continue;
            }
            let same_between = |k: usize| between(k, diag);
            let mut len = 0;
            while j + len < n
                && i + len < ix.word_keys.len()
                && !barrier[j + len]
                && dk[j + len] == ix.word_keys[i + len]
                && (len == 0 || same_between(j + len))
            {
                len += 1;
            }
            active.push((diag, j + len));
            if len >= MIN_RUN_WORDS {
                out.push(Run { d: j, s: i, len });
            }
        }
    }
    (out, hits)
}

/// Runs that do not overlap in the document: the longest first, each
/// trimmed to what the longer ones left free.
fn select(mut runs: Vec<Run>) -> Vec<Run> {
    // Of runs as long, the one whose sealed place is nearest the document's
    // wins: where the sealed text repeats itself, a copy's words most
    // likely sit where they sit in the sealed text.
    let offset = |r: &Run| (r.s as isize - r.d as isize).unsigned_abs();
    runs.sort_by(|a, b| {
        b.len
            .cmp(&a.len)
            .then(offset(a).cmp(&offset(b)))
            .then(a.d.cmp(&b.d))
            .then(a.s.cmp(&b.s))
    });
    let mut taken: Vec<Run> = Vec::new();
    for r in runs {
        let (mut lo, mut hi) = (r.d, r.d + r.len);
        let mut ok = true;
        for t in &taken {
            let (tl, th) = (t.d, t.d + t.len);
            if th <= lo || tl >= hi {
                continue;
            }
            // Keep the longer free part of this run.
            let left = tl.saturating_sub(lo);
            let right = hi.saturating_sub(th);
            if left >= right {
                hi = tl.min(hi);
            } else {
                lo = th.max(lo);
            }
            if hi <= lo {
                ok = false;
                break;
            }
        }
        if ok && hi - lo >= MIN_RUN_WORDS {
            taken.push(Run {
                d: lo,
                s: r.s + (lo - r.d),
                len: hi - lo,
            });
        }
    }
    taken.sort_by_key(|r| r.d);
    taken
}

/// Quotation marks, once folded by the canonical text: `"` opens and
/// closes; guillemets open and close; `'` is an apostrophe unless its
/// place says it quotes.
fn quote_mark(t: &str) -> Option<(bool, bool)> {
    // (can open, can close)
    match t {
        "\"" => Some((true, true)),
        "\u{AB}" | "\u{2039}" => Some((true, false)),
        "\u{BB}" | "\u{203A}" => Some((false, true)),
        "'" => Some((true, true)),
        _ => None,
    }
}

/// Whether tokens `a` and `b` touch (no space between them).
fn touch(doc: &Doc, a: usize, b: usize) -> bool {
    doc.tokens[a].end == doc.tokens[b].start
}

/// The stretches of each block between quotation marks (token ranges
/// inside the marks), and the whole of single blocks quoted by structure.
pub fn quotations(doc: &Doc, quoted_blocks: &[bool]) -> Vec<(Range<usize>, Quote)> {
    let mut out = Vec::new();
    let n = doc.tokens.len();
    let mut t = 0;
    while t < n {
        let block = doc.tokens[t].block;
        let mut end = t;
        while end < n && doc.tokens[end].block == block {
            end += 1;
        }
        // A block quoted by structure, alone (its neighbours are not).
        let b = block as usize;
        let quoted = quoted_blocks.get(b).copied().unwrap_or(false);
        let alone = quoted
            && !(b > 0 && quoted_blocks.get(b - 1).copied().unwrap_or(false))
            && !quoted_blocks.get(b + 1).copied().unwrap_or(false);
        if alone {
            out.push((t..end, Quote::Block));
        }
        let mut open: Option<(usize, &str)> = None;
        for k in t..end {
            let w = doc.word(k);
            let Some((can_open, can_close)) = quote_mark(w) else {
                continue;
            };
            let single = w == "'";
            let before_space = k == t || !touch(doc, k - 1, k);
            let after_space = k + 1 == end || !touch(doc, k, k + 1);
            if let Some((start, mark)) = open {
                let closes = can_close
                    && match mark {
                        "\"" => w == "\"",
                        "'" => {
                            single && !before_space && (after_space || !is_word(doc.word(k + 1)))
                        }
                        _ => !single && w != "\"",
                    };
                if closes {
                    if k > start + 1 {
                        out.push((start + 1..k, Quote::Marks));
                    }
                    open = None;
                    continue;
                }
            }
            if open.is_none() && can_open {
                let opens = if single {
                    before_space && !after_space && k + 1 < end && is_word(doc.word(k + 1))
                } else {
                    true
                };
                if opens {
                    open = Some((k, w));
                }
            }
        }
        // A quotation left open is not one: its marks do not pair (a copy
        // that lost one, say), so nothing can be said of what they quote.
        let _ = open;
        t = end;
    }
    out
}

/// Where a quotation's words occur in the sealed text, by vote: the
/// sealed word position its first word would have, if any has support.
fn vote(sealed: &Sealed, doc: &Doc, words: &Words, q: Range<usize>) -> Option<usize> {
    let ix = sealed.index();
    let lo = words.tokens.partition_point(|&t| (t as usize) < q.start);
    let hi = words.tokens.partition_point(|&t| (t as usize) < q.end);
    let mut votes: rustc_hash::FxHashMap<isize, usize> = Default::default();
    let mut occ = Vec::new();
    for (k, &t) in words.tokens[lo..hi].iter().enumerate() {
        ix.word_at(doc.keys[t as usize], 8, &mut occ);
        for &i in &occ {
            *votes.entry(i as isize - k as isize).or_default() += 1;
        }
    }
    // Nearby diagonals support each other (words inserted or dropped).
    let best = votes
        .keys()
        .map(|&d| {
            let support: usize = (-3..=3).filter_map(|o| votes.get(&(d + o))).sum();
            (support, std::cmp::Reverse(d), d)
        })
        .max()?;
    (best.0 >= 2).then_some(best.2.max(0) as usize)
}

/// Word counts of an alignment over document words: (matched, longest
/// run of matched words).
fn matched_words(doc: &Doc, ops: &[Op]) -> (usize, usize) {
    let mut matched = 0;
    let mut longest = 0;
    for op in ops.iter().filter(|o| o.tag == Tag::Equal) {
        let w = op.b.clone().filter(|&j| is_word(doc.word(j))).count();
        matched += w;
        longest = longest.max(w);
    }
    (matched, longest)
}

/// Align document tokens `d` with sealed tokens `s`.
pub fn align_range(sealed: &Doc, doc: &Doc, s: Range<usize>, d: Range<usize>) -> Vec<Op> {
    if s.is_empty() && d.is_empty() {
        return vec![];
    }
    align::align_regions(sealed, doc, &[(s, d)])
}

/// What a token weighs in an alignment's score: a word twice what
/// punctuation does.
fn weight(d: &Doc, t: usize) -> i32 {
    if is_word(d.word(t)) {
        2
    } else {
        1
    }
}

/// The score of an op: what it matches, or minus what its longer side
/// weighs.
fn op_score(sd: &Doc, doc: &Doc, op: &Op) -> i32 {
    let a: i32 = op.a.clone().map(|i| weight(sd, i)).sum();
    if op.tag == Tag::Equal {
        return a;
    }
    let b: i32 = op.b.clone().map(|j| weight(doc, j)).sum();
    -a.max(b)
}

/// A quotation's alignment with a window of the sealed text, its edges
/// made what a quotation means (L2): the window's sealed words before and
/// after the quotation are not quoted, so an edge where the alignment
/// loses more than it matches (a quotation's lower-cased "the" matched to
/// a "the" a sentence before the quoted one, the sentence between left
/// out) is cut, where the document's tokens there are the sealed tokens
/// next to what remains but for case and punctuation ("The" quoted as
/// "the", "." as ","). Of the edges that qualify, the one that loses most
/// is cut; an edge that does not qualify is part of what was quoted (a
/// paraphrase's opening words, the words a misquote skipped past) and
/// stays.
fn quote_edges(sd: &Doc, doc: &Doc, mut ops: Vec<Op>) -> Vec<Op> {
    while ops.first().is_some_and(|o| o.tag == Tag::Delete) {
        ops.remove(0);
    }
    while ops.last().is_some_and(|o| o.tag == Tag::Delete) {
        ops.pop();
    }
    let n = ops.len();
    if n == 0 {
        return ops;
    }
    let scores: Vec<i32> = ops.iter().map(|o| op_score(sd, doc, o)).collect();
    let (db0, db1) = (ops[0].b.start, ops[n - 1].b.end);
    // The document's tokens cut, set against as many sealed ones next to
    // what is kept: None when they are not near enough to be cut.
    let edge = |a: Range<usize>, b: Range<usize>| -> Option<Option<Op>> {
        if b.is_empty() {
            return Some(None);
        }
        if a.len() != b.len() || !a.clone().zip(b.clone()).all(|(i, j)| near(sd, i, doc, j)) {
            return None;
        }
        let same = a.clone().zip(b.clone()).all(|(i, j)| sd.same(i, doc, j));
        let tag = if same { Tag::Equal } else { Tag::Replace };
        Some(Some(Op { tag, a, b }))
    };
    // The head: ops[..h] cut, h the qualifying cut with the lowest prefix sum.
    let (mut head, mut head_edge, mut worst, mut acc) = (0, None, 0, 0);
    for h in 1..n {
        acc += scores[h - 1];
        if acc < worst {
            let (a0, b0) = (ops[h].a.start, ops[h].b.start);
            let before = db0..b0;
            if let Some(e) = edge(a0.saturating_sub(before.len())..a0, before) {
                (head, head_edge, worst) = (h, e, acc);
            }
        }
    }
    let (mut tail, mut tail_edge, mut worst, mut acc) = (n, None, 0, 0);
    for t in (head + 1..n).rev() {
        acc += scores[t];
        if acc < worst {
            let (a1, b1) = (ops[t - 1].a.end, ops[t - 1].b.end);
            let after = b1..db1;
            let sealed = a1..(a1 + after.len()).min(sd.tokens.len());
            if let Some(e) = edge(sealed, after) {
                (tail, tail_edge, worst) = (t, e, acc);
            }
        }
    }
    if head == 0 && tail == n {
        return ops;
    }
    let mut out = Vec::with_capacity(tail - head + 2);
    out.extend(head_edge);
    out.extend_from_slice(&ops[head..tail]);
    out.extend(tail_edge);
    out
}

/// Whether two tokens are the same word but for case, or both punctuation.
fn near(sd: &Doc, i: usize, doc: &Doc, j: usize) -> bool {
    let (x, y) = (sd.word(i), doc.word(j));
    match (is_word(x), is_word(y)) {
        (true, true) => x == y || x.to_lowercase() == y.to_lowercase(),
        (false, false) => true,
        _ => false,
    }
}

/// A quotation located in the sealed text: its span and alignment, when
/// it mostly matches a part of it (L2).
fn locate_quote(
    sealed: &Sealed,
    doc: &Doc,
    words: &Words,
    q: Range<usize>,
    quote: Quote,
) -> Option<Span> {
    let qwords = words.count(q.clone());
    if qwords < MIN_QUOTE_WORDS {
        return None;
    }
    let start = vote(sealed, doc, words, q.clone())?;
    let ix = sealed.index();
    let slack = 4 + qwords / 2;
    let ws = start.saturating_sub(slack);
    let we = (start + qwords + slack).min(ix.word_tokens.len());
    if ws >= we {
        return None;
    }
    let sd = sealed.doc();
    let s0 = ix.word_tokens[ws] as usize;
    // Up to the punctuation after the last word of the window.
    let s1 = if we < ix.word_tokens.len() {
        ix.word_tokens[we] as usize
    } else {
        sd.tokens.len()
    };
    let ops = quote_edges(sd, doc, align_range(sd, doc, s0..s1, q.clone()));
    let (matched, longest) = matched_words(doc, &ops);
    if matched < MIN_QUOTE_WORDS
        || matched * 100 < QUOTE_MATCH_PERCENT * qwords
        || longest < 2.min(matched)
    {
        return None;
    }
    let sealed_range = ops.first()?.a.start..ops.last()?.a.end;
    // Quotation marks the sealed text has at the same places are its own:
    // the document copies them, it does not quote.
    let own = |i: Option<usize>, j: Option<usize>| match (i, j) {
        (Some(i), Some(j)) => {
            i < sd.tokens.len() && j < doc.tokens.len() && sd.word(i) == doc.word(j)
        }
        _ => false,
    };
    if quote == Quote::Marks
        && (own(sealed_range.start.checked_sub(1), q.start.checked_sub(1))
            || own(Some(sealed_range.end), Some(q.end)))
    {
        return None;
    }
    Some(Span {
        doc: q,
        sealed: sealed_range,
        quote,
        ops: Some(ops),
    })
}

/// Grow a passage at both ends while aligning the words beyond gains more
/// than it loses (L4). `doc_bounds` and `sealed_bounds` limit it (other
/// passages, quotations).
fn extend(
    sealed: &Sealed,
    doc: &Doc,
    span: &mut Span,
    doc_bounds: Range<usize>,
    sealed_bounds: Range<usize>,
) {
    let sd = sealed.doc();
    let terminal = |t: usize| matches!(doc.word(t), "." | "!" | "?" | ";" | ":");
    // Backwards: a walk over the reversed words before the passage.
    loop {
        let dl = span
            .doc
            .start
            .saturating_sub(EXTEND_WINDOW)
            .max(doc_bounds.start);
        let sl = span
            .sealed
            .start
            .saturating_sub(EXTEND_WINDOW)
            .max(sealed_bounds.start);
        if dl == span.doc.start || sl == span.sealed.start {
            break;
        }
        let a: Vec<u64> = sd.keys[sl..span.sealed.start]
            .iter()
            .rev()
            .copied()
            .collect();
        let b: Vec<u64> = doc.keys[dl..span.doc.start].iter().rev().copied().collect();
        let (ss, ds) = (span.sealed.start, span.doc.start);
        let (ga, gb) = best_prefix(
            &a,
            &b,
            &Walk {
                a_word: &|i| is_word(sd.word(ss - 1 - i)),
                b_word: &|j| is_word(doc.word(ds - 1 - j)),
                // Going back past the punctuation that ends the sentence
                // before.
                crosses: &|j| terminal(ds - 1 - j),
                // The first token of a sentence: the one before it ends a
                // sentence or a block, or is not the passage's to take.
                sentence_edge: &|j| {
                    let t = ds - 1 - j;
                    t == doc_bounds.start
                        || terminal(t - 1)
                        || doc.tokens[t - 1].block != doc.tokens[t].block
                },
                words_only: true,
            },
        );
        if ga == 0 && gb == 0 {
            break;
        }
        span.sealed.start -= ga;
        span.doc.start -= gb;
        if ga < a.len() && gb < b.len() {
            break;
        }
    }
    // Backwards again: the marks that open the passage's first sentence
    // (“ ( «), where the sealed text has them too, are the passage's own:
    // only a prefix ending on a word was taken above.
    let opening = |t: usize| {
        let w = doc.word(t);
        let straight = matches!(w, "\"" | "'");
        (straight || w.chars().all(|c| OPENING_MARKS.contains(&c)))
            && !(straight && t > doc_bounds.start && is_word(doc.word(t - 1)))
    };
    while span.doc.start > doc_bounds.start
        && span.sealed.start > sealed_bounds.start
        && opening(span.doc.start - 1)
        && doc.keys[span.doc.start - 1] == sd.keys[span.sealed.start - 1]
    {
        span.doc.start -= 1;
        span.sealed.start -= 1;
    }
    // Forwards: the punctuation that ends the passage's last sentence, then
    // whatever is worth aligning.
    while span.doc.end < doc_bounds.end
        && span.sealed.end < sealed_bounds.end
        && !is_word(doc.word(span.doc.end))
        && doc.keys[span.doc.end] == sd.keys[span.sealed.end]
    {
        span.doc.end += 1;
        span.sealed.end += 1;
    }
    loop {
        let dh = (span.doc.end + EXTEND_WINDOW).min(doc_bounds.end);
        let sh = (span.sealed.end + EXTEND_WINDOW).min(sealed_bounds.end);
        if dh == span.doc.end || sh == span.sealed.end {
            break;
        }
        let a = &sd.keys[span.sealed.end..sh];
        let b = &doc.keys[span.doc.end..dh];
        let (se, de) = (span.sealed.end, span.doc.end);
        let ends_sentence = de > 0 && terminal(de - 1);
        let (ga, gb) = best_prefix(
            a,
            b,
            &Walk {
                a_word: &|i| is_word(sd.word(se + i)),
                b_word: &|j| is_word(doc.word(de + j)),
                // Going on past the punctuation that ends a sentence.
                crosses: &|j| {
                    if j == 0 {
                        ends_sentence
                    } else {
                        terminal(de + j - 1)
                    }
                },
                // The last token of a sentence: its terminal punctuation,
                // or the last of its block or of the walk's bounds.
                sentence_edge: &|j| {
                    let t = de + j;
                    terminal(t)
                        || t + 1 == doc_bounds.end
                        || doc.tokens[t + 1].block != doc.tokens[t].block
                },
                words_only: false,
            },
        );
        if ga == 0 && gb == 0 {
            break;
        }
        span.sealed.end += ga;
        span.doc.end += gb;
        if ga < a.len() && gb < b.len() {
            break;
        }
    }
}

/// How [`best_prefix`] weighs the tokens it walks over.
struct Walk<'a> {
    /// Whether sealed token `i` of the walk is a word.
    a_word: &'a dyn Fn(usize) -> bool,
    /// Whether document token `j` of the walk is a word.
    b_word: &'a dyn Fn(usize) -> bool,
    /// Whether reaching document token `j` crosses a sentence boundary of
    /// the document.
    crosses: &'a dyn Fn(usize) -> bool,
    /// Whether document token `j` is the far edge of its sentence (its
    /// first token walking backwards, its last walking forwards).
    sentence_edge: &'a dyn Fn(usize) -> bool,
    /// A prefix ends on a matched word, never on punctuation (walking
    /// backwards, the punctuation before a passage's first word ends the
    /// sentence before it).
    words_only: bool,
}

/// Score past a sentence boundary of the document an extension must gain
/// before it is made (L4), in words: the sentence beyond must be the
/// sealed text's by three words more than it differs, not by a chance
/// likeness ("rights in the." for "rights in Iran."), unless it is the
/// sealed text's whole, word for word and at least
/// [`WHOLE_SENTENCE_WORDS`] long (a passage that opens with the tail of a
/// sentence, "Massoud Rajavi. This campaign ...").
const CROSS_EXTENSION: i32 = 3;

/// Marks that open a sentence or a quotation and never end one: a
/// passage that starts after them takes them (L4). A straight quote counts
/// only where no word stands right before it.
const OPENING_MARKS: &[char] = &['“', '‘', '„', '‚', '«', '‹', '(', '[', '{', '¿', '¡'];

/// Fewest words of a sentence beyond a boundary that, matched whole and
/// exactly, are taken without [`CROSS_EXTENSION`]'s gain (L4).
const WHOLE_SENTENCE_WORDS: usize = 2;

/// The longest prefixes of `a` and `b` worth aligning: the point of best
/// score (+2 a matched word, -2 a word changed, added or dropped,
/// punctuation half as much; a replacement costs its longer side), walking
/// the alignment until the score falls [`X_DROP`] words below its best.
/// Past a sentence boundary of the document, a point counts only when it
/// has gained [`CROSS_EXTENSION`] words since the boundary. Returns the
/// prefix lengths, or none when the best gains less than
/// [`MIN_EXTENSION`].
fn best_prefix(a: &[u64], b: &[u64], w: &Walk) -> (usize, usize) {
    let ops = crate::compare::myers::diff(a, b);
    let weight = |word: bool| if word { 2 } else { 1 };
    let (mut score, mut best, mut at) = (0i32, 0i32, (0usize, 0usize));
    // The least score a point must have to count (raised at a boundary).
    let mut floor = MIN_EXTENSION * 2;
    // Since the last boundary crossed: whether every token matched, and
    // how many words did (None before any boundary).
    let mut whole: Option<(bool, usize)> = None;
    let cross = |j: usize, score: i32, floor: &mut i32, whole: &mut Option<(bool, usize)>| {
        if (w.crosses)(j) {
            *floor = (*floor).max(score + CROSS_EXTENSION * 2);
            *whole = Some((true, 0));
        }
    };
    for op in ops {
        let (_, ra, rb) = op.as_tag_tuple();
        match op.tag() {
            similar::DiffTag::Equal => {
                for (i, j) in ra.zip(rb) {
                    cross(j, score, &mut floor, &mut whole);
                    let word = (w.a_word)(i);
                    score += weight(word);
                    if let Some((_, words)) = whole.as_mut() {
                        *words += word as usize;
                    }
                    // The sentence beyond the boundary, whole and exact.
                    let sentence = matches!(whole, Some((true, n)) if n >= WHOLE_SENTENCE_WORDS)
                        && (w.sentence_edge)(j);
                    if score > best
                        && (score >= floor || (sentence && score >= MIN_EXTENSION * 2))
                        && (!w.words_only || word)
                    {
                        best = score;
                        at = (i + 1, j + 1);
                    }
                }
            }
            _ => {
                for j in rb.clone() {
                    cross(j, score, &mut floor, &mut whole);
                }
                if let Some((exact, _)) = whole.as_mut() {
                    *exact = false;
                }
                // A replacement costs what the longer side weighs: one edit,
                // not a deletion and an insertion.
                let lost_a: i32 = ra.clone().map(|i| weight((w.a_word)(i))).sum();
                let lost_b: i32 = rb.clone().map(|j| weight((w.b_word)(j))).sum();
                score -= lost_a.max(lost_b);
            }
        }
        if score < best - X_DROP * 2 {
            break;
        }
    }
    at
}

/// What locating found.
pub struct Located {
    /// Every passage, in document order.
    pub spans: Vec<Span>,
    /// Grams of the document's words, and how many of them the sealed text
    /// has: a document of its grams' words mostly is a copy of the sealed
    /// text however it is changed, even where no run is long enough.
    pub grams: usize,
    /// See `grams`.
    pub gram_hits: usize,
}

/// Find every passage of the document that comes from the sealed text, in
/// document order. `quoted_blocks` says which blocks the document quotes
/// by structure.
pub fn passages(sealed: &Sealed, doc: &Doc, words: &Words, quoted_blocks: &[bool]) -> Located {
    let sd = sealed.doc();
    // Quotations first: each is a passage of its own when it matches.
    let mut quotes: Vec<Span> = quotations(doc, quoted_blocks)
        .into_iter()
        .filter_map(|(q, kind)| locate_quote(sealed, doc, words, q, kind))
        .collect();
    // A quotation inside another one (a quoted block holding marks): the
    // inner one is the passage.
    quotes.sort_by_key(|s| (s.doc.start, std::cmp::Reverse(s.doc.end)));
    let mut kept: Vec<Span> = Vec::new();
    for q in quotes {
        if let Some(last) = kept.last() {
            if q.doc.start < last.doc.end {
                if q.doc.end <= last.doc.end && last.quote == Quote::Block {
                    kept.pop();
                } else {
                    continue;
                }
            }
        }
        kept.push(q);
    }
    let quotes = kept;
    let mut barrier = vec![false; words.tokens.len()];
    for q in &quotes {
        for (k, &t) in words.tokens.iter().enumerate() {
            if q.doc.contains(&(t as usize)) {
                barrier[k] = true;
            }
        }
    }
    let (runs, gram_hits) = runs(sealed, doc, words, &barrier);
    let grams = words.tokens.len().saturating_sub(GRAM_WORDS - 1);
    let runs = select(runs);
    // Group runs into passages (L3).
    let tok = |w: usize| words.tokens[w] as usize;
    let stok = |w: usize| sealed.index().word_tokens[w] as usize;
    let word_of_sealed = |t: usize| {
        sealed
            .index()
            .word_tokens
            .partition_point(|&x| (x as usize) < t)
    };
    let mut spans: Vec<Span> = Vec::new();
    let mut last: Option<Run> = None;
    for r in runs {
        let span = Span {
            doc: tok(r.d)..tok(r.d + r.len - 1) + 1,
            sealed: stok(r.s)..stok(r.s + r.len - 1) + 1,
            quote: Quote::No,
            ops: None,
        };
        let joins = match (last, spans.last()) {
            (Some(p), Some(cur)) => {
                let doc_gap = r.d - (p.d + p.len);
                let between_quote = quotes
                    .iter()
                    .any(|q| q.doc.start >= cur.doc.end && q.doc.end <= span.doc.start);
                // A run may take a word or two of the next one's (a word
                // shared across the place where text was inserted).
                let forward = r.s + DELETION_GAP_WORDS >= p.s + p.len;
                let skip = r.s.saturating_sub(p.s + p.len);
                // Back in the sealed text is the same flow only when it
                // lands in what the passage already spans (text moved);
                // before it, it is another passage (a title that repeats
                // the closing line above the text).
                let back_inside = r.s >= word_of_sealed(cur.sealed.start);
                !between_quote
                    && ((doc_gap <= DELETION_GAP_WORDS && (forward || back_inside))
                        || (forward && skip <= MAX_SKIP_WORDS && doc_gap <= MAX_INSERT_WORDS))
            }
            _ => false,
        };
        if joins {
            let cur = spans.last_mut().expect("joins a span");
            cur.doc.end = span.doc.end;
            cur.sealed.start = cur.sealed.start.min(span.sealed.start);
            cur.sealed.end = cur.sealed.end.max(span.sealed.end);
        } else {
            spans.push(span);
        }
        last = Some(r);
    }
    // Extend each passage up to its neighbours and the quotations (L4), in
    // order, so that two passages never grow into each other.
    let mut all: Vec<Span> = spans.into_iter().chain(quotes).collect();
    all.sort_by_key(|s| s.doc.start);
    for k in 0..all.len() {
        let lo = if k == 0 { 0 } else { all[k - 1].doc.end };
        let hi = all.get(k + 1).map_or(doc.tokens.len(), |n| n.doc.start);
        if all[k].quote == Quote::No {
            extend(sealed, doc, &mut all[k], lo..hi, 0..sd.tokens.len());
        }
    }
    Located {
        spans: all,
        grams,
        gram_hits,
    }
}
