//! Tokens 64 bytes at a time, from masks of byte classes.
//!
//! On ASCII the rules of [`super::tokenize_into`] are local: whether a byte
//! starts or ends a token depends only on it and the two bytes on either
//! side of it. A byte of punctuation is a token of its own unless it joins
//! a word (`'` or `.` between two letters or two digits, `:` between
//! letters, `,` or `;` between digits: WB6/7, WB11/12); a word byte
//! (letter, digit, `_`) starts a token unless a word byte or a joining byte
//! comes right before it, and ends one unless one comes right after it. So
//! a block's tokens come from bit masks of its bytes' classes, with a bit
//! carried in from the block before and one looked up in the block after.
//! A space-delimited run that holds a non-ASCII byte goes to UAX #29
//! instead, whole, as it always has; the ASCII text between such runs is
//! taken block by block.
//!
//! Counting every sealed section's words this way costs about half of what
//! walking the tokens did, and making the tokens about a third (bench D,
//! the 10 MB check, and C, the 10,000 copies).

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

/// What the rules say of each byte of a block.
struct Rules {
    /// Bytes that start a token.
    starts: u64,
    /// Bytes that start a word (a token whose first byte is a letter or a
    /// digit).
    words: u64,
    /// Bytes that end a token (its last byte).
    ends: u64,
    /// What the block hands on.
    carry: Carry,
}

/// Whether the byte of each bit of `m` joins a word, given where a letter
/// is on both sides of a byte (`letters`) and where a digit is (`digits`).
#[inline(always)]
fn joins(m: &Masks, letters: u64, digits: u64) -> u64 {
    (m.joins_either & (letters | digits)) | (m.joins_letters & letters) | (m.joins_digits & digits)
}

/// The rules on block `m`, given what the block before handed on and the
/// block after (`next`; all zero after the last).
#[inline(always)]
fn rules(m: &Masks, before: Carry, next: &Masks) -> Rules {
    let prev = |x: u64, c: u64| (x << 1) | c;
    let after = |x: u64, n: u64| (x >> 1) | (n << 63);
    let letters = prev(m.letter, before.letter) & after(m.letter, next.letter & 1);
    let digits = prev(m.digit, before.digit) & after(m.digit, next.digit & 1);
    let j = joins(m, letters, digits);
    // The first byte of the next block joins by its own neighbours: the
    // last byte here and its second byte.
    let next_joins = joins(
        next,
        (m.letter >> 63) & (next.letter >> 1),
        (m.digit >> 63) & (next.digit >> 1),
    ) & 1;
    let punct = !(m.word | m.space | m.high) & !j;
    let goes_on = prev(m.word, before.word) | prev(j, before.joins);
    let continues = after(m.word, next.word & 1) | after(j, next_joins);
    Rules {
        starts: punct | (m.word & !goes_on),
        words: (m.letter | m.digit) & !goes_on,
        ends: punct | (m.word & !continues),
        carry: Carry {
            letter: m.letter >> 63,
            digit: m.digit >> 63,
            word: m.word >> 63,
            joins: j >> 63,
        },
    }
}

/// Calls `f(at, rules)` for the block at each `at` of `b`, by the ASCII
/// rules (a non-ASCII byte starts, ends and joins nothing).
#[inline(always)]
fn each_block(b: &[u8], mut f: impl FnMut(usize, &Rules)) {
    let mut carry = Carry::default();
    let mut cur = classify(&block(b, 0));
    let mut at = 0;
    while at < b.len() {
        let next = if at + BLOCK < b.len() {
            classify(&block(b, at + BLOCK))
        } else {
            Masks::default()
        };
        let r = rules(&cur, carry, &next);
        f(at, &r);
        carry = r.carry;
        cur = next;
        at += BLOCK;
    }
}

/// Tokens and words of `b` by the ASCII rules.
fn count_ascii(b: &[u8]) -> (usize, usize) {
    let (mut tokens, mut words) = (0usize, 0usize);
    each_block(b, |_, r| {
        tokens += r.starts.count_ones() as usize;
        words += r.words.count_ones() as usize;
    });
    (tokens, words)
}

/// Push the tokens of `b` by the ASCII rules, `base` added to each offset.
fn tokens_ascii(b: &[u8], base: usize, out: &mut Vec<(usize, usize)>) {
    let mut start = 0;
    each_block(b, |at, r| {
        // In order: a token's start comes at or before its end, and a
        // one-byte token is both.
        let mut bits = r.starts | r.ends;
        while bits != 0 {
            let k = bits.trailing_zeros() as usize;
            let bit = 1u64 << k;
            if r.starts & bit != 0 {
                start = at + k;
            }
            if r.ends & bit != 0 {
                out.push((base + start, base + at + k + 1));
            }
            bits &= bits - 1;
        }
    });
}

/// The first non-ASCII byte of `b` from `from`, eight bytes at a time.
fn next_high(b: &[u8], from: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(w) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(w.try_into().expect("8 bytes")) & HIGH;
        if w != 0 {
            return Some(i + w.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    b[i.min(b.len())..]
        .iter()
        .position(|&c| c >= 0x80)
        .map(|p| i + p)
}

/// Walk `s` as the tokenizer does: `f(from, to, false)` for each stretch
/// taken by the ASCII rules, `f(from, to, true)` for each space-delimited
/// run holding non-ASCII (UAX #29's), in order. A stretch begins and ends
/// at a space or at an end of `s`, so the rules inside it see what they
/// would in the whole text.
fn stretches(s: &str, mut f: impl FnMut(usize, usize, bool)) {
    let b = s.as_bytes();
    let is_space = |c: &u8| *c == b' ' || *c == b'\n';
    let mut at = 0;
    while let Some(h) = next_high(b, at) {
        let start = b[at..h]
            .iter()
            .rposition(is_space)
            .map_or(at, |p| at + p + 1);
        let end = b[h..].iter().position(is_space).map_or(b.len(), |p| h + p);
        // Between two runs of non-ASCII words (Persian, Russian) the
        // stretch is a lone space: no tokens, and not worth a block.
        if start > at && !b[at..start].iter().all(is_space) {
            f(at, start, false);
        }
        f(start, end, true);
        at = end;
    }
    if at < b.len() {
        f(at, b.len(), false);
    }
}

/// How many tokens `s` has, and how many of them are words, as
/// [`tokenize_into`] gives them.
pub(super) fn count_tokens(s: &str) -> (usize, usize) {
    let (mut tokens, mut words) = (0, 0);
    stretches(s, |from, to, uax29| {
        if uax29 {
            for (_, w) in super::uax29_tokens(s, from, to) {
                tokens += 1;
                words += usize::from(w.chars().next().is_some_and(char::is_alphanumeric));
            }
        } else {
            let (t, w) = count_ascii(&s.as_bytes()[from..to]);
            tokens += t;
            words += w;
        }
    });
    (tokens, words)
}

/// Tokenize `s` into (start, end) byte offsets: ASCII by the rules above,
/// a space-delimited run holding non-ASCII by UAX #29.
pub(super) fn tokenize_into(s: &str, out: &mut Vec<(usize, usize)>) {
    stretches(s, |from, to, uax29| {
        if uax29 {
            out.extend(super::uax29_tokens(s, from, to).map(|(a, w)| (a, a + w.len())));
        } else {
            tokens_ascii(&s.as_bytes()[from..to], from, out);
        }
    });
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

    #[test]
    fn the_first_non_ascii_byte_is_found() {
        let s = "abcdefghij\u{e9}klmnop\u{2019}";
        assert_eq!(next_high(s.as_bytes(), 0), Some(10));
        assert_eq!(next_high(s.as_bytes(), 12), Some(18));
        assert_eq!(next_high(b"abc", 0), None);
        assert_eq!(next_high(b"abc", 3), None);
    }

    proptest! {
        #[test]
        fn classes_agree_on_any_block(v in proptest::collection::vec(any::<u8>(), BLOCK)) {
            let b: [u8; BLOCK] = v.try_into().unwrap();
            prop_assert_eq!(classify(&b), classify_scalar(&b));
        }
    }
}
