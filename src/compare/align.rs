//! Word alignment: the one engine behind `check` and `diff`.
//!
//! Two token sequences are aligned without ever going quadratic in their
//! length: common prefix and suffix are matched first; what is left is cut at
//! anchors (tokens, or failing that 4-token grams, that occur exactly once on
//! each side, chained in order by a longest increasing subsequence, as in
//! patience diff); only gaps small enough (`MYERS_MAX_CELLS`) go to Myers'
//! algorithm (`similar`'s, op for op, in [`crate::compare::myers`]). A gap
//! too large that shares no anchor is one replacement: nothing in common
//! worth lining up.

use crate::text::words::Doc;
use rustc_hash::FxHashMap;
use similar::DiffOp;
use std::ops::Range;

/// Largest gap (tokens on one side times tokens on the other) handed to
/// Myers' algorithm.
pub(crate) const MYERS_MAX_CELLS: usize = 1 << 12;
/// Gaps this small always go straight to Myers.
pub(crate) const MYERS_SMALL_CELLS: usize = 256;

/// A chain of anchors shorter than 1/`SPARSE_CHAIN` of the shorter side of
/// a gap (of at least [`SPARSE_MIN_WORDS`] words) means the two sides do not
/// share an order: the gap is one replacement.
pub(crate) const SPARSE_CHAIN: usize = 20;
/// Smallest gap the sparse-chain rule applies to.
pub(crate) const SPARSE_MIN_WORDS: usize = 200;
/// Largest gap it applies to: in a long, repetitive text unique anchors are
/// rare at the top level yet plentiful inside the gaps they cut, so long
/// gaps always get the recursive treatment.
pub(crate) const SPARSE_MAX_WORDS: usize = 5_000;
/// Length of the token grams tried as anchors when single tokens give none.
pub(crate) const GRAM: usize = 4;

/// What an aligned stretch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Same tokens on both sides.
    Equal,
    /// Tokens only on side A.
    Delete,
    /// Tokens only on side B.
    Insert,
    /// Different tokens on each side.
    Replace,
}

/// One aligned stretch: token ranges on side A and side B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// What it is.
    pub tag: Tag,
    /// Range on side A.
    pub a: Range<usize>,
    /// Range on side B.
    pub b: Range<usize>,
}

/// Deepest nesting of anchor rounds; deeper gaps are replaced whole (or
/// diffed by Myers when small), so hostile input cannot exhaust the stack.
pub(crate) const MAX_DEPTH: u32 = 48;

struct Ctx<'a> {
    a: &'a [u64],
    b: &'a [u64],
    out: Vec<Op>,
    depth: u32,
}

impl Ctx<'_> {
    fn push(&mut self, tag: Tag, a: Range<usize>, b: Range<usize>) {
        if a.is_empty() && b.is_empty() {
            return;
        }
        let tag = match (tag, a.is_empty(), b.is_empty()) {
            (Tag::Equal, _, _) => Tag::Equal,
            (_, true, false) => Tag::Insert,
            (_, false, true) => Tag::Delete,
            _ => Tag::Replace,
        };
        if let Some(last) = self.out.last_mut() {
            let merge = last.a.end == a.start
                && last.b.end == b.start
                && (last.tag == tag || (last.tag != Tag::Equal && tag != Tag::Equal));
            if merge {
                last.a.end = a.end;
                last.b.end = b.end;
                if last.tag != tag {
                    last.tag = Tag::Replace;
                }
                return;
            }
        }
        self.out.push(Op { tag, a, b });
    }

    fn rec(&mut self, mut a: Range<usize>, mut b: Range<usize>) {
        // Common prefix and suffix.
        let mut p = 0;
        while a.start + p < a.end
            && b.start + p < b.end
            && self.a[a.start + p] == self.b[b.start + p]
        {
            p += 1;
        }
        self.push(Tag::Equal, a.start..a.start + p, b.start..b.start + p);
        a.start += p;
        b.start += p;
        let mut s = 0;
        while a.end - s > a.start
            && b.end - s > b.start
            && self.a[a.end - s - 1] == self.b[b.end - s - 1]
        {
            s += 1;
        }
        let suffix = (a.end - s..a.end, b.end - s..b.end);
        a.end -= s;
        b.end -= s;
        self.middle(a, b);
        self.push(Tag::Equal, suffix.0, suffix.1);
    }

    fn middle(&mut self, a: Range<usize>, b: Range<usize>) {
        if a.is_empty() || b.is_empty() {
            self.push(Tag::Replace, a, b);
            return;
        }
        let cells = a.len().saturating_mul(b.len());
        let (small, big) = (a.len().min(b.len()), a.len().max(b.len()));
        // Myers finds *a* shortest edit script; when one side is much longer
        // (an excerpt's edges) many are equally short and it may match a word
        // far from where it belongs, so lopsided gaps go to anchors first.
        let lopsided = big > 4 * small + 16;
        if cells <= MYERS_SMALL_CELLS || (cells <= MYERS_MAX_CELLS && !lopsided) {
            self.small_gap(a, b, lopsided);
            return;
        }
        let sparse = |c: &Vec<(usize, usize)>| c.len() * SPARSE_CHAIN < small;
        let mut chain = anchors(self.a, self.b, a.clone(), b.clone(), 1);
        if sparse(&chain) && a.len() >= GRAM && b.len() >= GRAM {
            let grams = anchors(self.a, self.b, a.clone(), b.clone(), GRAM);
            if grams.len() > chain.len() {
                chain = grams;
            }
        }
        // Anchors too few to chain a meaningful share of the shorter side:
        // the words are there but not in this order (a shuffled or
        // unrelated text). Lining up scraps with Myers costs time and finds
        // nothing a reader would call the same text.
        if sparse(&chain) && (SPARSE_MIN_WORDS..=SPARSE_MAX_WORDS).contains(&small) {
            self.push(Tag::Replace, a, b);
            return;
        }
        if chain.is_empty() || self.depth >= MAX_DEPTH {
            if cells <= MYERS_MAX_CELLS {
                self.small_gap(a, b, lopsided);
            } else {
                self.push(Tag::Replace, a, b);
            }
            return;
        }
        self.depth += 1;
        let (mut pa, mut pb) = (a.start, b.start);
        for (i, j) in chain {
            self.rec(pa..i, pb..j);
            self.push(Tag::Equal, i..i + 1, j..j + 1);
            pa = i + 1;
            pb = j + 1;
        }
        self.rec(pa..a.end, pb..b.end);
        self.depth -= 1;
    }

    /// A gap of at most [`MYERS_MAX_CELLS`] cells, aligned exactly: by
    /// Myers, or by [`Ctx::lcs`] when one side is much the longer. Myers
    /// costs about (n + m) x D steps, and a lopsided gap has D close to the
    /// longer side (3 words against 1,300 is some 900,000 steps), while the
    /// table costs n x m (4,000): the same number of words paired, found in
    /// a bounded time.
    fn small_gap(&mut self, a: Range<usize>, b: Range<usize>, lopsided: bool) {
        if lopsided {
            self.lcs(a, b);
        } else {
            self.myers(a, b);
        }
    }

    /// A longest common subsequence of the gap by the textbook table of
    /// suffix lengths, each token paired as early as it can be.
    fn lcs(&mut self, a: Range<usize>, b: Range<usize>) {
        let (x, y) = (&self.a[a.clone()], &self.b[b.clone()]);
        let (n, m) = (x.len(), y.len());
        let w = m + 1;
        // l[i * w + j]: length of a longest common subsequence of x[i..]
        // and y[j..] (at most MYERS_MAX_CELLS cells, so u16 holds it).
        let mut l = vec![0u16; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                l[i * w + j] = if x[i] == y[j] {
                    l[(i + 1) * w + j + 1] + 1
                } else {
                    l[(i + 1) * w + j].max(l[i * w + j + 1])
                };
            }
        }
        // Walk forward: equal tokens are always on some longest path.
        let (mut i, mut j, mut pi, mut pj) = (0, 0, 0, 0);
        while i < n && j < m {
            if x[i] == y[j] {
                let (sa, sb) = (a.start, b.start);
                self.push(Tag::Replace, sa + pi..sa + i, sb + pj..sb + j);
                self.push(Tag::Equal, sa + i..sa + i + 1, sb + j..sb + j + 1);
                i += 1;
                j += 1;
                (pi, pj) = (i, j);
            } else if l[(i + 1) * w + j] >= l[i * w + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
        self.push(Tag::Replace, a.start + pi..a.end, b.start + pj..b.end);
    }

    fn myers(&mut self, a: Range<usize>, b: Range<usize>) {
        // Positions come from a running cursor and each op's lengths: the
        // index fields `similar` reports for the other side of a pure delete
        // or insert are not always the cursor position.
        let (mut ca, mut cb) = (a.start, b.start);
        // No deadline: the result must not depend on the machine's speed;
        // the cell limit bounds the work instead.
        let ops = crate::compare::myers::diff(&self.a[a], &self.b[b]);
        for op in ops {
            let (tag, la, lb) = match op {
                DiffOp::Equal { len, .. } => (Tag::Equal, len, len),
                DiffOp::Delete { old_len, .. } => (Tag::Delete, old_len, 0),
                DiffOp::Insert { new_len, .. } => (Tag::Insert, 0, new_len),
                DiffOp::Replace {
                    old_len, new_len, ..
                } => (Tag::Replace, old_len, new_len),
            };
            self.push(tag, ca..ca + la, cb..cb + lb);
            ca += la;
            cb += lb;
        }
    }
}

fn gram(keys: &[u64], i: usize, k: usize) -> u64 {
    let mut h = 0u64;
    for &x in &keys[i..i + k] {
        h = (h.rotate_left(23) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    h
}

/// Positions (i, j) of k-grams occurring exactly once in `a[ra]` and once in
/// `b[rb]`, chained by a longest increasing subsequence.
fn anchors(
    a: &[u64],
    b: &[u64],
    ra: Range<usize>,
    rb: Range<usize>,
    k: usize,
) -> Vec<(usize, usize)> {
    if ra.len() < k || rb.len() < k {
        return Vec::new();
    }
    // gram -> (count in a, position in a, count in b, position in b)
    let mut m: FxHashMap<u64, (u32, usize, u32, usize)> = FxHashMap::default();
    m.reserve(ra.len());
    for i in ra.start..=ra.end - k {
        let e = m.entry(gram(a, i, k)).or_insert((0, i, 0, 0));
        e.0 += 1;
    }
    for j in rb.start..=rb.end - k {
        if let Some(e) = m.get_mut(&gram(b, j, k)) {
            e.2 += 1;
            e.3 = j;
        }
    }
    let mut pairs: Vec<(usize, usize)> = m
        .values()
        .filter(|e| e.0 == 1 && e.2 == 1)
        .map(|e| (e.1, e.3))
        .collect();
    pairs.sort_unstable();
    lis(&pairs)
}

/// Longest chain of pairs increasing in both coordinates (pairs sorted by
/// the first), in O(n log n).
fn lis(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut tails: Vec<usize> = Vec::new(); // index into pairs
    let mut prev: Vec<usize> = vec![usize::MAX; pairs.len()];
    for (idx, &(_, j)) in pairs.iter().enumerate() {
        let pos = tails.partition_point(|&t| pairs[t].1 < j);
        if pos > 0 {
            prev[idx] = tails[pos - 1];
        }
        if pos == tails.len() {
            tails.push(idx);
        } else {
            tails[pos] = idx;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied().unwrap_or(usize::MAX);
    while cur != usize::MAX {
        out.push(pairs[cur]);
        cur = prev[cur];
    }
    out.reverse();
    out
}

/// Align two key sequences.
pub fn align_keys(a: &[u64], b: &[u64]) -> Vec<Op> {
    let mut c = Ctx {
        a,
        b,
        out: Vec::new(),
        depth: 0,
    };
    c.rec(0..a.len(), 0..b.len());
    c.out
}

fn boundary(d: &Doc, i: usize) -> bool {
    i == 0 || i >= d.tokens.len() || d.tokens[i].block != d.tokens[i - 1].block
}

fn closes(d: &Doc, i: usize) -> bool {
    i > 0 && matches!(d.word(i - 1), "." | "!" | "?" | ";" | ":")
}

/// How well a run of words `[s, e)` of `d` sits on the text's structure.
fn fit(d: &Doc, s: usize, e: usize) -> i32 {
    2 * (boundary(d, s) as i32)
        + 2 * (boundary(d, e) as i32)
        + (closes(d, e) as i32)
        + (closes(d, s) as i32)
}

/// Slide each pure deletion or insertion along repeated words (where
/// several positions are equally short edits) to where it best fits the
/// blocks and sentences: a deleted paragraph takes its own final period, not
/// the one before it.
///
/// With `hold_start`, nothing slides to the start of `ops` (the first op
/// keeps at least one word).
fn slide(ops: &mut [Op], a: &Doc, b: &Doc, hold_start: bool) {
    for k in 1..ops.len().saturating_sub(1) {
        if ops[k - 1].tag != Tag::Equal || ops[k + 1].tag != Tag::Equal {
            continue;
        }
        let (doc, keys, range) = match ops[k].tag {
            Tag::Delete => (a, &a.keys, ops[k].a.clone()),
            Tag::Insert => (b, &b.keys, ops[k].b.clone()),
            _ => continue,
        };
        let prev_len = if hold_start && k == 1 {
            ops[0].a.len().saturating_sub(1)
        } else {
            ops[k - 1].a.len()
        };
        let next_len = ops[k + 1].a.len();
        // Offsets we may move by: left while the last word equals the one
        // before the run, right while the first equals the one after it.
        let mut left = 0;
        while left < prev_len && keys[range.start - left - 1] == keys[range.end - left - 1] {
            left += 1;
        }
        let mut right = 0;
        while right < next_len
            && range.end + right < keys.len()
            && keys[range.start + right] == keys[range.end + right]
        {
            right += 1;
        }
        if left == 0 && right == 0 {
            continue;
        }
        let mut best = (fit(doc, range.start, range.end), 0i64);
        for off in -(left as i64)..=(right as i64) {
            let s = (range.start as i64 + off) as usize;
            let f = fit(doc, s, s + range.len());
            if f > best.0 {
                best = (f, off);
            }
        }
        let off = best.1;
        if off == 0 {
            continue;
        }
        let shift = |r: &mut Range<usize>, by: i64, start: bool, end: bool| {
            if start {
                r.start = (r.start as i64 + by) as usize;
            }
            if end {
                r.end = (r.end as i64 + by) as usize;
            }
        };
        // The previous equal run ends `off` later, the next starts `off` later;
        // the moved run shifts on its own side only.
        shift(&mut ops[k - 1].a, off, false, true);
        shift(&mut ops[k - 1].b, off, false, true);
        shift(&mut ops[k + 1].a, off, true, false);
        shift(&mut ops[k + 1].b, off, true, false);
        match ops[k].tag {
            Tag::Delete => {
                shift(&mut ops[k].a, off, true, true);
                shift(&mut ops[k].b, off, true, true);
            }
            _ => {
                shift(&mut ops[k].a, off, true, true);
                shift(&mut ops[k].b, off, true, true);
            }
        }
    }
}

/// A replacement followed by an equal run may, with the same number of
/// edits, match the run's first word inside the replaced words instead
/// ("delta . Second paragraph here now" -> "epsilon", then "." matched to the
/// paragraph's final period, versus "delta" -> "epsilon", "." matched to
/// delta's period, "Second paragraph here now ." deleted). Pick the reading
/// whose deleted words best fit the text's blocks and sentences.
fn split_replaces(ops: Vec<Op>, a: &Doc) -> Vec<Op> {
    let mut out: Vec<Op> = Vec::with_capacity(ops.len());
    let mut it = ops.into_iter().peekable();
    while let Some(op) = it.next() {
        let next_eq = it
            .peek()
            .filter(|n| n.tag == Tag::Equal && n.a.start == op.a.end)
            .cloned();
        let (Tag::Replace, Some(next)) = (op.tag, next_eq) else {
            out.push(op);
            continue;
        };
        if op.a.len() <= op.b.len() || op.a.len() > 4096 {
            out.push(op);
            continue;
        }
        let first = a.keys[next.a.start];
        let current = fit(a, op.a.start, op.a.end);
        let best = (op.a.start + 1..op.a.end)
            .filter(|&p| a.keys[p] == first)
            .map(|p| (fit(a, p + 1, op.a.end + 1), p))
            .max();
        match best {
            Some((f, p)) if f > current => {
                it.next();
                out.push(Op {
                    tag: Tag::Replace,
                    a: op.a.start..p,
                    b: op.b.clone(),
                });
                out.push(Op {
                    tag: Tag::Equal,
                    a: p..p + 1,
                    b: next.b.start..next.b.start + 1,
                });
                out.push(Op {
                    tag: Tag::Delete,
                    a: p + 1..op.a.end + 1,
                    b: next.b.start + 1..next.b.start + 1,
                });
                if next.a.len() > 1 {
                    out.push(Op {
                        tag: Tag::Equal,
                        a: next.a.start + 1..next.a.end,
                        b: next.b.start + 1..next.b.end,
                    });
                }
            }
            _ => out.push(op),
        }
    }
    out
}

/// Align two documents word by word. Stretches whose keys match but whose
/// words differ (a key collision, however unlikely) become replacements.
pub fn align(a: &Doc, b: &Doc) -> Vec<Op> {
    align_regions(a, b, &[(0..a.tokens.len(), 0..b.tokens.len())])
}

/// Align two documents whose correspondence is already known in coarse
/// regions: `regions` tile both documents in order (token ranges), and each
/// region of `a` is aligned only with the same region of `b`.
///
/// The documents are excerpts (set-aside text cut out between regions), so
/// a region sees nothing of its neighbours: edits slide only inside their
/// region, and never to the very start of a region after the first, where
/// the word before is not the one the whole text has there.
pub fn align_regions(a: &Doc, b: &Doc, regions: &[(Range<usize>, Range<usize>)]) -> Vec<Op> {
    use rayon::prelude::*;
    // Each region is aligned on its own, on all cores, then joined in order.
    let aligned: Vec<Vec<Op>> = regions
        .par_iter()
        .enumerate()
        .with_min_len(8)
        .map(|(n, (ra, rb))| {
            let mut c = Ctx {
                a: &a.keys,
                b: &b.keys,
                out: Vec::new(),
                depth: 0,
            };
            c.rec(ra.clone(), rb.clone());
            let mut ops = c.out;
            slide(&mut ops, a, b, n > 0);
            ops.retain(|o| !(o.a.is_empty() && o.b.is_empty()));
            split_replaces(ops, a)
        })
        .collect();
    let mut joined: Vec<Op> = Vec::new();
    for ops in aligned {
        // Equal runs meeting at a region boundary are one run.
        let mut rest = ops.into_iter().peekable();
        if let (Some(last), Some(first)) = (joined.last_mut(), rest.peek()) {
            if last.tag == Tag::Equal
                && first.tag == Tag::Equal
                && last.a.end == first.a.start
                && last.b.end == first.b.start
            {
                last.a.end = first.a.end;
                last.b.end = first.b.end;
                rest.next();
            }
        }
        joined.extend(rest);
    }
    let ops = joined;
    if ops.iter().all(|op| {
        op.tag != Tag::Equal
            || op
                .a
                .clone()
                .zip(op.b.clone())
                .all(|(i, j)| a.matches(i, b, j))
    }) {
        return ops;
    }
    let mut c = Ctx {
        a: &a.keys,
        b: &b.keys,
        out: Vec::new(),
        depth: 0,
    };
    for op in ops {
        if op.tag != Tag::Equal {
            c.push(op.tag, op.a, op.b);
            continue;
        }
        for (i, j) in op.a.zip(op.b) {
            let tag = if a.matches(i, b, j) {
                Tag::Equal
            } else {
                Tag::Replace
            };
            c.push(tag, i..i + 1, j..j + 1);
        }
    }
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Tokens the ops pair.
    fn paired(ops: &[Op]) -> usize {
        ops.iter()
            .filter(|o| o.tag == Tag::Equal)
            .map(|o| o.a.len())
            .sum()
    }

    fn check_cover(ops: &[Op], n: usize, m: usize, a: &[u64], b: &[u64]) {
        let (mut i, mut j) = (0, 0);
        for op in ops {
            assert_eq!(op.a.start, i);
            assert_eq!(op.b.start, j);
            if op.tag == Tag::Equal {
                assert_eq!(&a[op.a.clone()], &b[op.b.clone()]);
            }
            i = op.a.end;
            j = op.b.end;
        }
        assert_eq!((i, j), (n, m));
    }

    #[test]
    fn single_change_is_local() {
        let a: Vec<u64> = (0..2000).collect();
        let mut b = a.clone();
        b[1000] = 99999;
        let ops = align_keys(&a, &b);
        assert_eq!(ops.len(), 3);
        assert_eq!(
            ops[1],
            Op {
                tag: Tag::Replace,
                a: 1000..1001,
                b: 1000..1001
            }
        );
    }

    #[test]
    fn excerpt_is_found_inside() {
        let a: Vec<u64> = (0..3000).collect();
        let b: Vec<u64> = (1200..1300).collect();
        let ops = align_keys(&a, &b);
        check_cover(&ops, a.len(), b.len(), &a, &b);
        let eq = paired(&ops);
        assert_eq!(eq, 100);
    }

    #[test]
    fn unrelated_is_one_replacement() {
        let a: Vec<u64> = (0..3000).collect();
        let b: Vec<u64> = (10_000..13_000).collect();
        let ops = align_keys(&a, &b);
        assert_eq!(
            ops,
            vec![Op {
                tag: Tag::Replace,
                a: 0..3000,
                b: 0..3000
            }]
        );
    }

    #[test]
    fn repetitive_text_uses_grams() {
        // A text made of few distinct tokens: no unique single tokens.
        let a: Vec<u64> = (0..5000u64)
            .map(|i| (i * 7919) % 13 + (i / 97) % 5 * 13)
            .collect();
        let mut b = a.clone();
        b.remove(2500);
        let ops = align_keys(&a, &b);
        check_cover(&ops, a.len(), b.len(), &a, &b);
        let eq = paired(&ops);
        assert!(eq >= 4990, "{eq}");
    }

    /// Tokens paired by Myers' shortest edit script (similar's).
    fn myers_pairs(a: &[u64], b: &[u64]) -> usize {
        similar::capture_diff_slices(similar::Algorithm::Myers, a, b)
            .iter()
            .map(|op| match op {
                DiffOp::Equal { len, .. } => *len,
                _ => 0,
            })
            .sum()
    }

    /// The ops of [`Ctx::lcs`] on the whole of `a` and `b`.
    fn lcs_ops(a: &[u64], b: &[u64]) -> Vec<Op> {
        let mut c = Ctx {
            a,
            b,
            out: Vec::new(),
            depth: 0,
        };
        c.lcs(0..a.len(), 0..b.len());
        c.out
    }

    #[test]
    fn lopsided_gap_pairs_as_many_as_myers() {
        // Three words against 1,300: the shortest script, in n x m steps.
        let a: Vec<u64> = vec![5, 700, 5];
        let b: Vec<u64> = (0..1300u64).map(|i| i % 900).collect();
        let ops = lcs_ops(&a, &b);
        check_cover(&ops, a.len(), b.len(), &a, &b);
        let eq = paired(&ops);
        assert_eq!(eq, myers_pairs(&a, &b));
        assert_eq!(eq, 3);
        // Each word paired as early as it can be.
        assert_eq!(
            ops[1],
            Op {
                tag: Tag::Equal,
                a: 0..1,
                b: 5..6
            }
        );
    }

    proptest! {
        #[test]
        fn lcs_is_as_long_as_myers(
            a in proptest::collection::vec(0u64..12, 0..12),
            b in proptest::collection::vec(0u64..12, 0..300),
            swap in any::<bool>(),
        ) {
            let (a, b) = if swap { (b, a) } else { (a, b) };
            let ops = lcs_ops(&a, &b);
            check_cover(&ops, a.len(), b.len(), &a, &b);
            let eq = paired(&ops);
            prop_assert_eq!(eq, myers_pairs(&a, &b));
            // No two ops of the same kind side by side (push merges them).
            for w in ops.windows(2) {
                prop_assert!(w[0].tag != w[1].tag || w[0].tag == Tag::Equal);
                prop_assert!(w[0].tag == Tag::Equal || w[1].tag == Tag::Equal);
            }
        }

        #[test]
        fn ops_cover_both_sides(a in proptest::collection::vec(0u64..20, 0..400), b in proptest::collection::vec(0u64..20, 0..400)) {
            let ops = align_keys(&a, &b);
            check_cover(&ops, a.len(), b.len(), &a, &b);
        }
    }
}
