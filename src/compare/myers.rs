//! Myers' diff of two key sequences, giving exactly the ops of
//! `similar::capture_diff_slices(Algorithm::Myers, a, b)` (similar 2.7:
//! the same divide and conquer, the same middle snakes, the same
//! compaction), only cheaper on `u64` keys:
//!
//! - the search runs on plain slices, with no deadline to consult;
//! - a stretch whose two sides share no key at all (a replaced or shuffled
//!   passage cut down by the recursion) is never searched: with every cell
//!   a mismatch, the furthest reaching D-paths are `x = (d + k) / 2` on
//!   every diagonal, whatever the keys, so the middle snake the search
//!   would find is known in closed form (see [`disjoint_snake`]), and the
//!   recursion makes the same splits and emits the same ops.
//!
//! The tests compare every op with `similar`'s, on random sequences and on
//! every pair of disjoint lengths up to a bound.

use similar::algorithms::{Capture, Compact, DiffHook, Replace};
use similar::DiffOp;
use std::ops::Range;

/// Shortest stretch (both sides together) checked for sharing no key:
/// below it the search costs less than the check.
const DISJOINT_MIN: usize = 12;

/// The ops `similar::capture_diff_slices(Algorithm::Myers, a, b)` returns.
pub fn diff(a: &[u64], b: &[u64]) -> Vec<DiffOp> {
    let mut d = Compact::new(Replace::new(Capture::new()), a, b);
    let max_d = max_d(a.len(), b.len());
    let mut s = Search {
        a,
        b,
        vf: V::new(max_d),
        vb: V::new(max_d),
        seen: Vec::new(),
    };
    s.conquer(&mut d, 0..a.len(), 0..b.len());
    ok(d.finish());
    d.into_inner().into_inner().into_ops()
}

/// The hooks cannot fail.
fn ok(r: Result<(), std::convert::Infallible>) {
    if let Err(e) = r {
        match e {}
    }
}

fn max_d(len1: usize, len2: usize) -> usize {
    (len1 + len2).div_ceil(2) + 1
}

/// Furthest reaching x per diagonal `k`, stored at `k + offset`.
struct V {
    offset: isize,
    v: Vec<usize>,
}

impl V {
    fn new(max_d: usize) -> V {
        V {
            offset: max_d as isize,
            v: vec![0; 2 * max_d],
        }
    }
}

struct Search<'a> {
    a: &'a [u64],
    b: &'a [u64],
    vf: V,
    vb: V,
    /// Scratch: the sorted keys of one side, for the disjointness check.
    seen: Vec<u64>,
}

type Hook<'a> = Compact<'a, 'a, [u64], [u64], Replace<Capture>>;

fn prefix(a: &[u64], b: &[u64]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn suffix(a: &[u64], b: &[u64]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The middle snake's start `find_middle_snake` returns for a stretch of
/// `n` by `m` keys (both at least one) where no key of one side is on the
/// other, relative to the stretch's start.
///
/// No snake ever advances, so after round `d` both searches have
/// `V[k] = (d + k) / 2` on every diagonal `k` they visit (`k ≡ d`, mod 2,
/// `|k| <= d`: the rule "from `k + 1` unless `k == d` or `V[k-1] >= V[k+1]`"
/// always takes `k + 1` but at `k == d`). With `delta = n - m` odd, the
/// forward search meets the backward one of round `d - 1` where
/// `(2d - 1 + delta) / 2 >= n`, first at `d = (n + m + 1) / 2`, on the
/// highest diagonal it visits with `|k - delta| <= d - 1`; with `delta`
/// even, the backward search meets the forward one of the same round
/// where `d + delta / 2 >= n`, first at `d = (n + m) / 2`, on the highest
/// `k` with `|k - delta| <= d`, and returns the snake's far end.
fn disjoint_snake(n: usize, m: usize) -> (usize, usize) {
    let delta = n as isize - m as isize;
    if delta & 1 == 1 {
        let d = (n + m).div_ceil(2) as isize;
        let k = d.min(delta + d - 1);
        let x = (d + k) / 2;
        (x as usize, (x - k) as usize)
    } else {
        let d = ((n + m) / 2) as isize;
        let k = d.min(delta + d);
        let x = (d + k) / 2;
        let y = x - k;
        (n - x as usize, m - y as usize)
    }
}

impl<'a> Search<'a> {
    /// Whether the two stretches share no key.
    fn disjoint(&mut self, ra: &Range<usize>, rb: &Range<usize>) -> bool {
        let (small, big) = if ra.len() <= rb.len() {
            (&self.a[ra.clone()], &self.b[rb.clone()])
        } else {
            (&self.b[rb.clone()], &self.a[ra.clone()])
        };
        self.seen.clear();
        self.seen.extend_from_slice(small);
        self.seen.sort_unstable();
        big.iter().all(|x| self.seen.binary_search(x).is_err())
    }

    /// `similar`'s `conquer` for a stretch sharing no key: the same splits,
    /// found without searching.
    fn conquer_disjoint(d: &mut Hook<'a>, ra: Range<usize>, rb: Range<usize>) {
        if ra.is_empty() && rb.is_empty() {
        } else if rb.is_empty() {
            ok(d.delete(ra.start, ra.len(), rb.start));
        } else if ra.is_empty() {
            ok(d.insert(ra.start, rb.start, rb.len()));
        } else {
            let (x, y) = disjoint_snake(ra.len(), rb.len());
            let (x, y) = (ra.start + x, rb.start + y);
            Self::conquer_disjoint(d, ra.start..x, rb.start..y);
            Self::conquer_disjoint(d, x..ra.end, y..rb.end);
        }
    }

    fn conquer(&mut self, d: &mut Hook<'a>, mut ra: Range<usize>, mut rb: Range<usize>) {
        let p = prefix(&self.a[ra.clone()], &self.b[rb.clone()]);
        if p > 0 {
            ok(d.equal(ra.start, rb.start, p));
        }
        ra.start += p;
        rb.start += p;
        let s = suffix(&self.a[ra.clone()], &self.b[rb.clone()]);
        let tail = (ra.end - s, rb.end - s);
        ra.end -= s;
        rb.end -= s;
        if ra.is_empty() && rb.is_empty() {
        } else if rb.is_empty() {
            ok(d.delete(ra.start, ra.len(), rb.start));
        } else if ra.is_empty() {
            ok(d.insert(ra.start, rb.start, rb.len()));
        } else if ra.len() + rb.len() >= DISJOINT_MIN && self.disjoint(&ra, &rb) {
            Self::conquer_disjoint(d, ra, rb);
        } else {
            let (x, y) = self.middle_snake(ra.clone(), rb.clone());
            self.conquer(d, ra.start..x, rb.start..y);
            self.conquer(d, x..ra.end, y..rb.end);
        }
        if s > 0 {
            ok(d.equal(tail.0, tail.1, s));
        }
    }

    /// `similar`'s `find_middle_snake` (without a deadline it always finds
    /// one), step for step. Each round reads `V[k + 1]` and `V[k - 1]` of
    /// the round before (the diagonals of the other parity) while walking
    /// `k` down by two, so the `V[k - 1]` read at `k` is the `V[k + 1]` of
    /// `k - 2`, carried over rather than read again; the walk goes over
    /// pairs of slots, so that it needs no bounds checks.
    fn middle_snake(&mut self, ra: Range<usize>, rb: Range<usize>) -> (usize, usize) {
        let (a, b) = (&self.a[ra.clone()], &self.b[rb.clone()]);
        let (n, m) = (a.len(), b.len());
        let delta = n as isize - m as isize;
        let odd = delta & 1 == 1;
        // Diagonal k is slot `k + off` of both arrays; the check against
        // the other search looks at diagonal `delta - k`, slot
        // `mirror - (k + off)`, when `|k - delta|` (the distance from slot
        // `centre`) is small enough.
        let off = self.vf.offset as usize;
        let centre = off as isize + delta;
        let mirror = (off as isize + centre) as usize;
        let (vf, vb) = (&mut self.vf.v[..], &mut self.vb.v[..]);
        vf[off + 1] = 0;
        vb[off + 1] = 0;
        let d_max = max_d(n, m);
        for d in 0..d_max {
            let (lo, hi) = (off - d, off + d);
            // Forward. Slots `lo + 1..=hi` in pairs from the top: the pair
            // (V[k - 1], V[k]) for k = d, d - 2, ..., -d + 2; then k = -d,
            // which takes V[k + 1]. `up` is V[k + 1]; at k = d it is unread:
            // 0 makes `down < up` false, so x = V[k - 1] + 1, as there.
            let (bottom, pairs) = vf[lo..=hi].split_at_mut(1);
            let (mut i, mut up) = (hi, 0);
            for c in pairs.rchunks_exact_mut(2) {
                let down = c[0];
                let mut x = if down < up { up } else { down + 1 };
                let x0 = x;
                let y0 = (x + off).wrapping_sub(i);
                let mut y = y0;
                while x < n && y < m && a[x] == b[y] {
                    x += 1;
                    y += 1;
                }
                c[1] = x;
                if odd && (i as isize - centre).unsigned_abs() < d && x + vb[mirror - i] >= n {
                    return (x0 + ra.start, y0 + rb.start);
                }
                up = down;
                i -= 2;
            }
            {
                // k = -d (at d = 0, V[1] = 0 as set above).
                let mut x = up;
                let x0 = x;
                let y0 = (x + off).wrapping_sub(i);
                let mut y = y0;
                while x < n && y < m && a[x] == b[y] {
                    x += 1;
                    y += 1;
                }
                bottom[0] = x;
                if odd && (i as isize - centre).unsigned_abs() < d && x + vb[mirror - i] >= n {
                    return (x0 + ra.start, y0 + rb.start);
                }
            }
            // Backward, the same walk.
            let (bottom, pairs) = vb[lo..=hi].split_at_mut(1);
            let (mut i, mut up) = (hi, 0);
            for c in pairs.rchunks_exact_mut(2) {
                let down = c[0];
                let mut x = if down < up { up } else { down + 1 };
                let mut y = (x + off).wrapping_sub(i);
                while x < n && y < m && a[n - x - 1] == b[m - y - 1] {
                    x += 1;
                    y += 1;
                }
                c[1] = x;
                if !odd && (i as isize - centre).unsigned_abs() <= d && x + vf[mirror - i] >= n {
                    return (
                        n.wrapping_sub(x).wrapping_add(ra.start),
                        m.wrapping_sub(y).wrapping_add(rb.start),
                    );
                }
                up = down;
                i -= 2;
            }
            {
                let mut x = up;
                let mut y = (x + off).wrapping_sub(i);
                while x < n && y < m && a[n - x - 1] == b[m - y - 1] {
                    x += 1;
                    y += 1;
                }
                bottom[0] = x;
                if !odd && (i as isize - centre).unsigned_abs() <= d && x + vf[mirror - i] >= n {
                    return (
                        n.wrapping_sub(x).wrapping_add(ra.start),
                        m.wrapping_sub(y).wrapping_add(rb.start),
                    );
                }
            }
        }
        unreachable!("a middle snake is always found within max_d rounds")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(a: &[u64], b: &[u64]) -> Vec<DiffOp> {
        similar::capture_diff_slices(similar::Algorithm::Myers, a, b)
    }

    #[test]
    fn disjoint_lengths_match_similar() {
        for n in 0..70u64 {
            for m in 0..70u64 {
                let a: Vec<u64> = (0..n).collect();
                let b: Vec<u64> = (1000..1000 + m).collect();
                assert_eq!(diff(&a, &b), reference(&a, &b), "{n} x {m}");
            }
        }
    }

    #[test]
    fn long_disjoint_lengths_match_similar() {
        // Lopsided and long stretches, as a gap of the alignment may be.
        for (n, m) in [
            (1, 1500),
            (2, 999),
            (3, 1200),
            (64, 64),
            (100, 41),
            (1365, 3),
        ] {
            let a: Vec<u64> = (0..n).collect();
            let b: Vec<u64> = (5000..5000 + m).collect();
            assert_eq!(diff(&a, &b), reference(&a, &b), "{n} x {m}");
        }
    }

    #[test]
    fn disjoint_middles_match_similar() {
        // Shared edges around a disjoint middle, and a disjoint stretch
        // inside a recursion.
        for n in 0..40u64 {
            for m in 0..40u64 {
                let mut a: Vec<u64> = vec![7, 8, 9];
                a.extend(0..n);
                a.extend([5, 9, 7]);
                a.extend(0..n / 2);
                let mut b: Vec<u64> = vec![7, 8, 9];
                b.extend(1000..1000 + m);
                b.extend([5, 9, 7]);
                b.extend(2000..2000 + m / 3);
                assert_eq!(diff(&a, &b), reference(&a, &b), "{n} x {m}");
            }
        }
    }

    proptest! {
        #[test]
        fn same_ops_as_similar(
            a in proptest::collection::vec(0u64..6, 0..120),
            b in proptest::collection::vec(0u64..6, 0..120),
        ) {
            prop_assert_eq!(diff(&a, &b), reference(&a, &b));
        }

        #[test]
        fn same_ops_as_similar_sparse(
            a in proptest::collection::vec(0u64..60, 0..200),
            b in proptest::collection::vec(0u64..60, 0..200),
        ) {
            prop_assert_eq!(diff(&a, &b), reference(&a, &b));
        }

        #[test]
        fn same_ops_as_similar_edited(
            a in proptest::collection::vec(0u64..40, 0..300),
            edits in proptest::collection::vec((0usize..300, 0u64..80), 0..30),
        ) {
            let mut b = a.clone();
            for (at, v) in edits {
                let at = at % (b.len() + 1);
                if v % 3 == 0 && at < b.len() {
                    b.remove(at);
                } else {
                    b.insert(at, v);
                }
            }
            prop_assert_eq!(diff(&a, &b), reference(&a, &b));
        }
    }
}
