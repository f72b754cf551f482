//! Judging passages word by word (rules J1-J6 of `docs/check-report.md`):
//! align each passage with the sealed text it comes from, tell apart what
//! is an alteration and what is formatting or editing, and attribute every
//! change to the sealed section it touches.

use super::locate::{align_range, Quote, Span};
use super::sealed::{is_word, Sealed};
use crate::compare::align::{Op, Tag};
use crate::compare::changes::{self, Change, Kind as ChangeKind};
use crate::text::sections::Kind;
use crate::text::words::Doc;
use std::ops::Range;

/// Shortest run of words recognised as moved rather than deleted and added.
pub(crate) const MIN_MOVED_WORDS: usize = 3;

/// What an aligned stretch means, beyond its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Meaning {
    /// The same words.
    Same,
    /// An alteration.
    Change,
    /// A list marker written inline at the start of a sealed list item
    /// (J2): structure, not words.
    Marker,
    /// Deleted here and inserted at op `to` (J3).
    MovedFrom(usize),
    /// Inserted here, deleted elsewhere (J3).
    MovedTo,
    /// An editing convention inside a quotation (J6): not an alteration;
    /// the note says what it is, when it is worth saying.
    Editing(Option<String>),
}

/// One passage judged: its alignment and what each stretch means.
pub(super) struct Judged {
    pub span: Span,
    pub ops: Vec<Op>,
    pub meaning: Vec<Meaning>,
    /// It stands for the whole sealed text: what it lacks at its edges is
    /// deleted (V2).
    pub run: bool,
}

/// J1: the passage aligned with the sealed text it comes from.
pub(super) fn align(sealed: &Sealed, doc: &Doc, mut span: Span) -> (Span, Vec<Op>) {
    let ops = match span.ops.take() {
        Some(ops) => ops,
        None => {
            let sd = sealed.doc();
            if span.sealed.len() == span.doc.len()
                && span
                    .sealed
                    .clone()
                    .zip(span.doc.clone())
                    .all(|(i, j)| sd.matches(i, doc, j))
            {
                if span.doc.is_empty() {
                    vec![]
                } else {
                    vec![Op {
                        tag: Tag::Equal,
                        a: span.sealed.clone(),
                        b: span.doc.clone(),
                    }]
                }
            } else {
                align_range(sd, doc, span.sealed.clone(), span.doc.clone())
            }
        }
    };
    (span, ops)
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

/// Whether sealed token `p` starts a bullet or point.
fn at_list_item(sealed: &Sealed, p: usize) -> bool {
    let st = &sealed.words().section_tokens;
    let n = sealed.sections.len();
    st[..n]
        .binary_search(&p)
        .ok()
        .map(|s| {
            // Sections without words share a start; take the last.
            let mut s = s;
            while s + 1 < n && st[s + 1] == p {
                s += 1;
            }
            s
        })
        .is_some_and(|s| matches!(sealed.sections[s].kind, Kind::Bullet | Kind::Point))
}

/// Whether the document's words are an ellipsis marking an omission:
/// `...`, `…` (folded to `...`), `[...]`, `(...)`.
fn is_ellipsis(w: &[&str]) -> bool {
    let inner: Vec<&str> = w
        .iter()
        .copied()
        .filter(|t| !matches!(*t, "[" | "]" | "(" | ")"))
        .collect();
    !inner.is_empty() && inner.iter().all(|t| *t == ".") && inner.len() >= 3
}

/// Whether the document's words are an editor's insertion in square
/// brackets.
fn is_bracketed(w: &[&str]) -> bool {
    w.len() >= 3 && w[0] == "[" && w[w.len() - 1] == "]"
}

/// Whether two words differ only in the case of their first letter.
fn first_letter_case(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.chars(), b.chars());
    match (x.next(), y.next()) {
        (Some(p), Some(q)) => {
            p != q && p.to_lowercase().eq(q.to_lowercase()) && x.as_str() == y.as_str()
        }
        _ => false,
    }
}

/// J2-J3, J6: what each stretch of a passage's alignment means.
pub(super) fn meanings(sealed: &Sealed, doc: &Doc, span: &Span, ops: &[Op]) -> Vec<Meaning> {
    let sd = sealed.doc();
    let words = |d: &Doc, r: &Range<usize>| -> Vec<String> {
        r.clone().map(|i| d.word(i).to_owned()).collect()
    };
    let mut m: Vec<Meaning> = ops
        .iter()
        .map(|op| {
            if op.tag == Tag::Equal {
                return Meaning::Same;
            }
            let found = words(doc, &op.b);
            let found: Vec<&str> = found.iter().map(String::as_str).collect();
            if op.tag == Tag::Insert && at_list_item(sealed, op.a.start) && marker_tokens(&found) {
                return Meaning::Marker;
            }
            Meaning::Change
        })
        .collect();
    // J6: editing conventions inside a quotation.
    if span.quote != Quote::No {
        let last = ops.len().saturating_sub(1);
        for (k, op) in ops.iter().enumerate() {
            if m[k] != Meaning::Change {
                continue;
            }
            let found = words(doc, &op.b);
            let found: Vec<&str> = found.iter().map(String::as_str).collect();
            let left = words(sd, &op.a);
            let punct_only = |w: &[&str]| w.iter().all(|t| !is_word(t));
            if is_ellipsis(&found) {
                m[k] = Meaning::Editing((!op.a.is_empty()).then(|| {
                    format!(
                        "an ellipsis leaves out \u{201C}{}\u{201D}",
                        sd.span(op.a.start, op.a.end).replace('\n', " ")
                    )
                }));
            } else if is_bracketed(&found) {
                m[k] = Meaning::Editing(Some(if op.a.is_empty() {
                    format!("an editor's insertion {}", found.join(" "))
                } else {
                    format!(
                        "an editor's {} stands for \u{201C}{}\u{201D}",
                        found.join(" "),
                        sd.span(op.a.start, op.a.end).replace('\n', " ")
                    )
                }));
            } else if k == 0
                && op.tag == Tag::Replace
                && op.a.len() == 1
                && op.b.len() == 1
                && first_letter_case(sd.word(op.a.start), doc.word(op.b.start))
            {
                m[k] = Meaning::Editing(None);
            } else if (k == last || k == 0)
                && punct_only(&found)
                && punct_only(&left.iter().map(String::as_str).collect::<Vec<_>>())
            {
                // Punctuation at a quotation's edge follows the sentence
                // it is quoted in.
                m[k] = Meaning::Editing(None);
            }
        }
    }
    // J3: moved text, a deleted run that reappears, identical, as an
    // inserted one. Inserted runs are indexed by (length, first word) so
    // matching is linear.
    let mut inserts: rustc_hash::FxHashMap<(usize, u64), Vec<usize>> = Default::default();
    for (j, ij) in ops.iter().enumerate() {
        if ij.tag == Tag::Insert && m[j] == Meaning::Change && ij.b.len() >= MIN_MOVED_WORDS {
            inserts
                .entry((ij.b.len(), doc.keys[ij.b.start]))
                .or_default()
                .push(j);
        }
    }
    for (i, di) in ops.iter().enumerate() {
        if di.tag != Tag::Delete || m[i] != Meaning::Change || di.a.len() < MIN_MOVED_WORDS {
            continue;
        }
        let Some(cands) = inserts.get(&(di.a.len(), sd.keys[di.a.start])) else {
            continue;
        };
        for &j in cands {
            let ij = &ops[j];
            if m[j] == Meaning::Change
                && di
                    .a
                    .clone()
                    .zip(ij.b.clone())
                    .all(|(x, y)| sd.same(x, doc, y))
            {
                m[i] = Meaning::MovedFrom(j);
                m[j] = Meaning::MovedTo;
                break;
            }
        }
    }
    m
}

/// What the passages say of each sealed section, added up.
pub(super) struct Tally {
    /// Changes of each section.
    pub changes: Vec<Vec<Change>>,
    /// Tokens of each section deleted.
    pub deleted: Vec<usize>,
    /// Tokens of each section inside some passage's sealed range.
    pub covered: Vec<usize>,
    /// Sections that moved.
    pub moved: Vec<bool>,
    /// Text the document added inside a passage: (the section it follows,
    /// or `usize::MAX` for the start; its text; its changes).
    pub added: Vec<(usize, String, Vec<Change>)>,
    /// Sealed tokens matched.
    pub matched: usize,
    /// Each passage's changes, with the section each touches (for text
    /// added inside a passage, the section it follows).
    pub by_passage: Vec<Vec<(usize, Change)>>,
}

impl Tally {
    pub(super) fn new(n: usize) -> Tally {
        Tally {
            changes: vec![Vec::new(); n],
            deleted: vec![0; n],
            covered: vec![0; n],
            moved: vec![false; n],
            added: Vec::new(),
            matched: 0,
            by_passage: Vec::new(),
        }
    }
}

fn intersect(a: Range<usize>, b: Range<usize>) -> Range<usize> {
    a.start.max(b.start)..a.end.min(b.end).max(a.start.max(b.start))
}

/// Sections that tokens `r` of the sealed text touch.
pub(super) fn sections_in(sealed: &Sealed, r: Range<usize>) -> Vec<usize> {
    if r.is_empty() {
        return vec![];
    }
    let first = sealed.section_of(r.start);
    let last = sealed.section_of(r.end - 1);
    (first..=last)
        .filter(|&s| !intersect(sealed.range(s), r.clone()).is_empty())
        .collect()
}

/// Which sealed section each document block mostly lines up with.
pub(super) fn block_sections(sealed: &Sealed, doc: &Doc, judged: &[Judged]) -> Vec<Option<usize>> {
    let mut votes: Vec<rustc_hash::FxHashMap<usize, usize>> =
        vec![Default::default(); doc.blocks()];
    for j in judged {
        for op in j.ops.iter().filter(|o| o.tag == Tag::Equal) {
            // Counted a stretch at a time: tokens of one document block
            // that line up with one section.
            let (mut i, mut k) = (op.a.start, op.b.start);
            while i < op.a.end {
                let (block, section) = (doc.tokens[k].block, sealed.section_of(i));
                let mut n = 0;
                while i + n < op.a.end
                    && doc.tokens[k + n].block == block
                    && sealed.section_of(i + n) == section
                {
                    n += 1;
                }
                *votes[block as usize].entry(section).or_default() += n;
                i += n;
                k += n;
            }
        }
    }
    votes
        .iter()
        .map(|v| {
            v.iter()
                .max_by_key(|(s, c)| (**c, std::cmp::Reverse(**s)))
                .map(|(s, _)| *s)
        })
        .collect()
}

/// J4-J5: add a judged passage's changes to the tally, each attributed to
/// the sealed section it touches; inserted blocks that line up with no
/// section are added text.
pub(super) fn attribute(
    sealed: &Sealed,
    doc: &Doc,
    j: &Judged,
    block_section: &[Option<usize>],
    t: &mut Tally,
) {
    let sd = sealed.doc();
    let p = t.by_passage.len();
    t.by_passage.push(Vec::new());
    // A change of section `s`, in the tally and in the passage's list.
    let note = |t: &mut Tally, s: usize, c: Change| {
        t.by_passage[p].push((s, c.clone()));
        t.changes[s].push(c);
    };
    for s in sections_in(sealed, j.span.sealed.clone()) {
        t.covered[s] += intersect(sealed.range(s), j.span.sealed.clone()).len();
    }
    for (k, op) in j.ops.iter().enumerate() {
        match &j.meaning[k] {
            Meaning::Same => {
                t.matched += op.a.len();
                continue;
            }
            Meaning::Marker | Meaning::Editing(_) => continue,
            _ => {}
        }
        let moved = matches!(j.meaning[k], Meaning::MovedFrom(_) | Meaning::MovedTo);
        match op.tag {
            Tag::Delete => {
                let kind = if moved {
                    ChangeKind::Moved
                } else {
                    ChangeKind::Deleted
                };
                for s in sections_in(sealed, op.a.clone()) {
                    let r = intersect(sealed.range(s), op.a.clone());
                    t.deleted[s] += r.len();
                    if moved {
                        t.moved[s] = true;
                    }
                    let w: Vec<&str> = r.clone().map(|i| sd.word(i)).collect();
                    note(
                        t,
                        s,
                        changes::change(kind, &w, &[], sealed.sentence_start(r.start))
                            .spaced_as(sd.span(r.start, r.end), ""),
                    );
                }
            }
            Tag::Replace => {
                for (n, s) in sections_in(sealed, op.a.clone()).iter().enumerate() {
                    let r = intersect(sealed.range(*s), op.a.clone());
                    let w: Vec<&str> = r.clone().map(|i| sd.word(i)).collect();
                    let (found, found_text): (Vec<&str>, &str) = if n == 0 {
                        (
                            op.b.clone().map(|i| doc.word(i)).collect(),
                            doc.span(op.b.start, op.b.end),
                        )
                    } else {
                        (vec![], "")
                    };
                    if found.is_empty() {
                        t.deleted[*s] += r.len();
                    }
                    note(
                        t,
                        *s,
                        changes::change(
                            ChangeKind::Replaced,
                            &w,
                            &found,
                            sealed.sentence_start(r.start),
                        )
                        .spaced_as(sd.span(r.start, r.end), found_text),
                    );
                }
            }
            Tag::Insert => {
                // Attributed by the document block the words sit in.
                let mut i = op.b.start;
                while i < op.b.end {
                    let blk = doc.tokens[i].block as usize;
                    let mut e = i;
                    while e < op.b.end && doc.tokens[e].block as usize == blk {
                        e += 1;
                    }
                    let w: Vec<&str> = (i..e).map(|x| doc.word(x)).collect();
                    let kind = if moved {
                        ChangeKind::Moved
                    } else {
                        ChangeKind::Inserted
                    };
                    match block_section[blk] {
                        Some(s) if kind == ChangeKind::Inserted => {
                            let start = op.a.start.min(sd.tokens.len().saturating_sub(1));
                            note(
                                t,
                                s,
                                changes::change(kind, &[], &w, sealed.sentence_start(start))
                                    .spaced_as("", doc.span(i, e)),
                            );
                        }
                        _ => {
                            let after = if op.a.start == 0 {
                                usize::MAX
                            } else {
                                sealed.section_of(op.a.start - 1)
                            };
                            let c =
                                changes::change(kind, &[], &w, true).spaced_as("", doc.span(i, e));
                            let near = if after == usize::MAX { 0 } else { after };
                            t.by_passage[p].push((near, c.clone()));
                            t.added.push((after, doc.span(i, e).to_owned(), vec![c]));
                        }
                    }
                    i = e;
                }
            }
            Tag::Equal => {}
        }
    }
}

/// The document's wording of a sealed section: the document's text from
/// the first to the last of its words aligned with the section.
pub(super) fn found_text(
    sealed: &Sealed,
    doc: &Doc,
    judged: &[Judged],
    in_order: &[bool],
    s: usize,
) -> String {
    let r = sealed.range(s);
    let (mut lo, mut hi) = (usize::MAX, 0usize);
    for (j, &ordered) in judged.iter().zip(in_order) {
        for op in touching(&j.ops, ordered, &r) {
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
    }
    if lo >= hi {
        return String::new();
    }
    doc.span(lo, hi).replace('\n', " ")
}

/// Whether a passage's ops follow the sealed text in order (each op's
/// sealed range ends where the next one's starts, or before): then the ops
/// that touch one section are found by binary search ([`touching`]).
pub(super) fn ops_in_order(ops: &[Op]) -> bool {
    ops.windows(2).all(|w| w[0].a.end <= w[1].a.start)
}

/// The ops that may touch sealed tokens `r`: those whose sealed range ends
/// after `r` starts and starts before it ends, found by binary search when
/// they are `ordered` (a 10 MB copy with a thousand changed sections has a
/// thousand ops a passage, and every changed section asked of all of them
/// was a quadratic part of its check); all of them otherwise.
fn touching<'a>(ops: &'a [Op], ordered: bool, r: &Range<usize>) -> &'a [Op] {
    if !ordered {
        return ops;
    }
    let from = ops.partition_point(|op| op.a.end <= r.start);
    let to = from + ops[from..].partition_point(|op| op.a.start < r.end);
    &ops[from..to]
}

/// The sealed words of section `s` the passages cover, from the first to
/// the last, as the canonical text has them.
pub(super) fn covered_text(sealed: &Sealed, judged: &[Judged], s: usize) -> Option<String> {
    let r = sealed.range(s);
    let (mut lo, mut hi) = (usize::MAX, 0usize);
    for j in judged {
        let c = intersect(j.span.sealed.clone(), r.clone());
        if !c.is_empty() {
            lo = lo.min(c.start);
            hi = hi.max(c.end);
        }
    }
    (lo < hi).then(|| sealed.doc().span(lo, hi).replace('\n', " "))
}

/// The notes of a judged passage's editing conventions.
pub(super) fn notes(j: &Judged) -> Vec<String> {
    j.meaning
        .iter()
        .filter_map(|m| match m {
            Meaning::Editing(Some(n)) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// Whether a judged passage holds an alteration.
pub(super) fn altered(j: &Judged) -> bool {
    j.meaning.iter().any(|m| {
        matches!(
            m,
            Meaning::Change | Meaning::MovedFrom(_) | Meaning::MovedTo
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Every op that touches a range of sealed tokens, as found_text
        /// asks it (overlapping, or an insertion strictly inside), is among
        /// those the binary search keeps.
        #[test]
        fn touching_keeps_every_op_inside(
            lens in proptest::collection::vec((0usize..4, 0usize..3), 0..40),
            start in 0usize..60,
            len in 0usize..20,
        ) {
            let mut ops = Vec::new();
            let (mut a, mut b) = (0, 0);
            for (la, lb) in lens {
                let tag = match (la, lb) {
                    (0, _) => Tag::Insert,
                    (_, 0) => Tag::Delete,
                    _ if la == lb => Tag::Equal,
                    _ => Tag::Replace,
                };
                ops.push(Op { tag, a: a..a + la, b: b..b + lb });
                a += la;
                b += lb;
            }
            proptest::prop_assert!(ops_in_order(&ops));
            let r = start..start + len;
            let kept = touching(&ops, true, &r);
            for op in &ops {
                let inside = !intersect(op.a.clone(), r.clone()).is_empty()
                    || (op.a.is_empty() && op.a.start > r.start && op.a.start < r.end);
                if inside {
                    proptest::prop_assert!(kept.iter().any(|k| std::ptr::eq(k, op)), "{:?} left out for {:?}", op, r);
                }
            }
        }
    }
}
