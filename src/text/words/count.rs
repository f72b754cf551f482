//! Counting tokens without making them, 64 bytes at a time.
//!
//! On ASCII the rules of [`super::tokenize_into`] are local: whether a byte
//! starts a token depends only on it and the two bytes before and the one
//! after it. A byte of punctuation is a token unless it joins a word
//! (`'` or `.` between two letters or two digits, `:` between letters, `,`
//! or `;` between digits: WB6/7, WB11/12); a word byte (letter, digit,
//! `_`) starts a token unless a word byte or a joining byte comes right
//! before it. So a block's tokens are counted from bit masks of its bytes'
//! classes, with one bit carried in from the block before and one looked
//! up in the block after. A space-delimited run that holds a non-ASCII
//! byte is counted by UAX #29 instead, as [`super::tokenize_into`] does:
//! its ASCII-rule count is taken back and its UAX #29 count added.
//!
//! Counting every sealed section's words this way costs about a tenth of
//! what walking the tokens did (the 10 MB check of `scripts/bench.sh`, D,
//! counts 25,711 sections while aligning the rest).

use crate::text::blocks::BLOCK;

/// One bit a byte of a block, for each class the rules look at.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Masks {
    /// ASCII letters.
    letter: u64,
    /// ASCII digits.
    digit: u64,
    /// Word bytes: letters, digits and `_`.
    word: u64,
    /// Token separators: space and line break.
    space: u64,
    /// Bytes of non-ASCII characters.
    high: u64,
    /// `'` and `.`: join two letters or two digits.
    joins_either: u64,
    /// `:`: joins two letters.
    joins_letters: u64,
    /// `,` and `;`: join two digits.
    joins_digits: u64,
}

/// The [`Masks`] of a block, byte by byte.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline]
fn classify_scalar(b: &[u8; BLOCK]) -> Masks {
    let mut m = Masks::default();
    for (k, &c) in b.iter().enumerate() {
        let bit = |yes: bool| (yes as u64) << k;
        m.letter |= bit(c.is_ascii_alphabetic());
        m.digit |= bit(c.is_ascii_digit());
        m.word |= bit(c.is_ascii_alphanumeric() || c == b'_');
        m.space |= bit(c == b' ' || c == b'\n');
        m.high |= bit(c >= 0x80);
        m.joins_either |= bit(c == b'\'' || c == b'.');
        m.joins_letters |= bit(c == b':');
        m.joins_digits |= bit(c == b',' || c == b';');
    }
    m
}

/// [`classify_scalar`] sixteen bytes at a time with SSE2 (which every
/// x86-64 processor has).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn classify(b: &[u8; BLOCK]) -> Masks {
    use crate::text::blocks::sse2::{bits, eq, in_range, letters, load, or};
    let mut m = Masks::default();
    for k in 0..BLOCK / 16 {
        let v = load(b, k);
        let (letter, digit) = (letters(v), in_range(v, b'0', b'9'));
        m.letter |= bits(letter, k);
        m.digit |= bits(digit, k);
        m.word |= bits(or(or(letter, digit), eq(v, b'_')), k);
        m.space |= bits(or(eq(v, b' '), eq(v, b'\n')), k);
        m.high |= bits(v, k);
        m.joins_either |= bits(or(eq(v, b'\''), eq(v, b'.')), k);
        m.joins_letters |= bits(eq(v, b':'), k);
        m.joins_digits |= bits(or(eq(v, b','), eq(v, b';')), k);
    }
    m
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
use classify_scalar as classify;

/// The block at `at`, spaces past the end (a space starts nothing and
/// joins nothing, as the end of the text does).
#[inline]
fn block(bytes: &[u8], at: usize) -> std::borrow::Cow<'_, [u8; BLOCK]> {
    crate::text::blocks::padded(bytes, at, b' ')
}

/// What a block hands on to the next: its last byte's classes.
#[derive(Clone, Copy, Default)]
struct Carry {
    letter: u64,
    digit: u64,
    word: u64,
    joins: u64,
}

/// The bytes of block `m` that start a token, and those that start a word
/// (a token whose first byte is a letter or a digit), by the ASCII rules;
/// and what it hands on. `next` is the block after it.
#[inline]
fn starts(m: &Masks, before: Carry, next: &Masks) -> (u64, u64, Carry) {
    let prev = |x: u64, c: u64| (x << 1) | c;
    let after = |x: u64, n: u64| (x >> 1) | (n << 63);
    let letters = prev(m.letter, before.letter) & after(m.letter, next.letter & 1);
    let digits = prev(m.digit, before.digit) & after(m.digit, next.digit & 1);
    let joins = (m.joins_either & (letters | digits))
        | (m.joins_letters & letters)
        | (m.joins_digits & digits);
    let punct = !(m.word | m.space | m.high);
    let goes_on = prev(m.word, before.word) | prev(joins, before.joins);
    let tokens = (punct & !joins) | (m.word & !goes_on);
    let words = (m.letter | m.digit) & !goes_on;
    let carry = Carry {
        letter: m.letter >> 63,
        digit: m.digit >> 63,
        word: m.word >> 63,
        joins: joins >> 63,
    };
    (tokens, words, carry)
}

/// Tokens and words of `b` by the ASCII rules (a non-ASCII byte starts
/// nothing and joins nothing); `high(i)` is told of every non-ASCII byte.
fn by_ascii_rules(b: &[u8], mut high: impl FnMut(usize)) -> (usize, usize) {
    let (mut tokens, mut words) = (0usize, 0usize);
    let mut carry = Carry::default();
    let mut cur = classify(&block(b, 0));
    let mut at = 0;
    while at < b.len() {
        let next = if at + BLOCK < b.len() {
            classify(&block(b, at + BLOCK))
        } else {
            Masks::default()
        };
        let (t, w, c) = starts(&cur, carry, &next);
        tokens += t.count_ones() as usize;
        words += w.count_ones() as usize;
        let mut h = cur.high;
        while h != 0 {
            high(at + h.trailing_zeros() as usize);
            h &= h - 1;
        }
        carry = c;
        cur = next;
        at += BLOCK;
    }
    (tokens, words)
}

/// How many tokens `s` has, and how many of them are words, as
/// [`super::tokenize_into`] would give them.
pub(super) fn count_tokens(s: &str) -> (usize, usize) {
    let b = s.as_bytes();
    let mut runs = Vec::new();
    let mut done = 0;
    let (mut tokens, mut words) = by_ascii_rules(b, |i| {
        if i < done {
            return;
        }
        let is_space = |c: &u8| *c == b' ' || *c == b'\n';
        let start = b[..i].iter().rposition(is_space).map_or(0, |p| p + 1);
        let end = b[i..].iter().position(is_space).map_or(b.len(), |p| i + p);
        runs.push(start..end);
        done = end;
    });
    for r in runs {
        let (t, w) = by_ascii_rules(&b[r.clone()], |_| {});
        let (_, by_uax29) = super::uax29_run(s, r.start, r.start);
        let (mut ut, mut uw) = (0, 0);
        for (_, w) in by_uax29 {
            ut += 1;
            uw += usize::from(w.chars().next().is_some_and(char::is_alphanumeric));
        }
        tokens = tokens - t + ut;
        words = words - w + uw;
    }
    (tokens, words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sse2_classes_are_the_scalar_ones() {
        let mut b = [0u8; BLOCK];
        for round in 0..4u8 {
            for (k, x) in b.iter_mut().enumerate() {
                *x = (k as u8).wrapping_mul(4).wrapping_add(round);
            }
            assert_eq!(classify(&b), classify_scalar(&b));
        }
    }

    proptest! {
        #[test]
        fn classes_agree_on_any_block(v in proptest::collection::vec(any::<u8>(), BLOCK)) {
            let b: [u8; BLOCK] = v.try_into().unwrap();
            prop_assert_eq!(classify(&b), classify_scalar(&b));
        }
    }
}
