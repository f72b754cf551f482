//! Words: canonical text cut into the tokens that alignment compares.
//!
//! Word boundaries follow UAX #29 (`unicode-segmentation`), so `people's`,
//! `1,000` and `3.5` stay single words and every punctuation mark is a token
//! of its own; white space is not a token. Runs of pure ASCII (most of a
//! typical text) take a byte-level fast path that applies the same rules
//! (WB5-WB13 restricted to ASCII); a property test holds the two equal.

use crate::canon::Canonical;
use std::hash::Hasher as _;
use unicode_segmentation::UnicodeSegmentation;

/// One token: a byte range of [`Doc::text`] and the block it lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Start byte.
    pub start: u32,
    /// End byte.
    pub end: u32,
    /// Index of the block.
    pub block: u32,
}

/// A canonical text prepared for alignment.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Block texts joined with `\n` (markers left out: they are structure).
    pub text: String,
    /// Byte offset of each block in `text`.
    pub block_starts: Vec<u32>,
    /// The tokens.
    pub tokens: Vec<Token>,
    /// A 64-bit key per token (equal text, equal key; compare the text to be
    /// sure, as [`Doc::same`] does).
    pub keys: Vec<u64>,
}

/// Key of a token's text.
#[inline]
pub fn key(s: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(s.as_bytes());
    h.write_u8(0xFF);
    h.finish()
}

impl Doc {
    /// Tokenize the blocks of a canonical text.
    pub fn new(c: &Canonical) -> Doc {
        Doc::from_blocks(c.blocks.iter().map(|b| b.text.as_str()))
    }

    /// Tokenize one text as written (typography kept), keying each word by
    /// its canonical form, so `women’s` lines up with `women's`.
    pub fn folded(text: &str) -> Doc {
        let mut d = Doc::from_blocks(std::iter::once(text));
        for (i, t) in d.tokens.iter().enumerate() {
            let w = &d.text[t.start as usize..t.end as usize];
            if !w.is_ascii() {
                d.keys[i] = key(&crate::canon::fold_typography(w));
            }
        }
        d
    }

    /// Whether token `i` of `self` and token `j` of `other` are the same
    /// word (once typography is folded, for a [`Doc::folded`] text).
    pub fn matches(&self, i: usize, other: &Doc, j: usize) -> bool {
        let (x, y) = (self.word(i), other.word(j));
        x == y
            || (!(x.is_ascii() && y.is_ascii())
                && crate::canon::fold_typography(x) == crate::canon::fold_typography(y))
    }

    /// Tokenize a sequence of block texts.
    pub fn from_blocks<'a>(blocks: impl Iterator<Item = &'a str>) -> Doc {
        let mut text = String::new();
        let mut block_starts = Vec::new();
        let mut tokens = Vec::new();
        for (i, b) in blocks.enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let base = text.len();
            block_starts.push(base as u32);
            text.push_str(b);
            tokenize(b, |s, e| {
                tokens.push(Token {
                    start: (base + s) as u32,
                    end: (base + e) as u32,
                    block: i as u32,
                })
            });
        }
        let keys = tokens
            .iter()
            .map(|t| key(&text[t.start as usize..t.end as usize]))
            .collect();
        Doc {
            text,
            block_starts,
            tokens,
            keys,
        }
    }

    /// The text of token `i`.
    #[inline]
    pub fn word(&self, i: usize) -> &str {
        let t = self.tokens[i];
        &self.text[t.start as usize..t.end as usize]
    }

    /// Whether token `i` of `self` and token `j` of `other` are the same text.
    #[inline]
    pub fn same(&self, i: usize, other: &Doc, j: usize) -> bool {
        self.keys[i] == other.keys[j] && self.word(i) == other.word(j)
    }

    /// The text from token `a` to token `b` (exclusive), as written.
    pub fn span(&self, a: usize, b: usize) -> &str {
        if a >= b || b > self.tokens.len() {
            return "";
        }
        &self.text[self.tokens[a].start as usize..self.tokens[b - 1].end as usize]
    }

    /// Number of blocks.
    pub fn blocks(&self) -> usize {
        self.block_starts.len()
    }
}

#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Call `f(start, end)` for every token of `s`.
pub fn tokenize(s: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // A run of non-space characters.
        if bytes[i] == b' ' || bytes[i] == b'\n' {
            i += 1;
            continue;
        }
        let start = i;
        let mut ascii = true;
        while i < bytes.len() && bytes[i] != b' ' && bytes[i] != b'\n' {
            ascii &= bytes[i] < 0x80;
            i += 1;
        }
        let run = &s[start..i];
        if ascii {
            ascii_words(run, |a, b| f(start + a, start + b));
        } else {
            for (off, w) in run.split_word_bound_indices() {
                if !w.chars().all(char::is_whitespace) {
                    f(start + off, start + off + w.len());
                }
            }
        }
    }
}

/// UAX #29 word bounds for ASCII text without spaces.
fn ascii_words(s: &str, mut f: impl FnMut(usize, usize)) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !is_word_byte(b[i]) {
            f(i, i + 1);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            while i < b.len() && is_word_byte(b[i]) {
                i += 1;
            }
            // WB6/7 (letters around MidLetter or MidNumLet) and WB11/12
            // (digits around MidNum or MidNumLet).
            if i + 1 < b.len() && is_word_byte(b[i + 1]) {
                let (prev, mid, next) = (b[i - 1], b[i], b[i + 1]);
                let letters = prev.is_ascii_alphabetic() && next.is_ascii_alphabetic();
                let digits = prev.is_ascii_digit() && next.is_ascii_digit();
                let joins = match mid {
                    b'\'' | b'.' => letters || digits,
                    b':' => letters,
                    b',' | b';' => digits,
                    _ => false,
                };
                if joins {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        f(start, i);
    }
}

/// Tokens of a string (for tests and small uses).
pub fn words(s: &str) -> Vec<&str> {
    let mut v = Vec::new();
    tokenize(s, |a, b| v.push(&s[a..b]));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keeps_words_whole() {
        assert_eq!(
            words("people's 1,000 3.5 U.S. anti-human (PMOI/MEK) e.g. it's."),
            vec![
                "people's", "1,000", "3.5", "U.S", ".", "anti", "-", "human", "(", "PMOI", "/",
                "MEK", ")", "e.g", ".", "it's", "."
            ]
        );
        assert_eq!(
            words("caf\u{e9} na\u{ef}ve"),
            vec!["caf\u{e9}", "na\u{ef}ve"]
        );
        // A bidi control inside a word stays in it (UAX #29 WB4): the word
        // then differs from the sealed one, which is how it is caught.
        assert_eq!(words("a\u{202E}b"), vec!["a\u{202E}b"]);
        assert_eq!(words("a \u{202E} b"), vec!["a", "\u{202E}", "b"]);
    }

    proptest! {
        #[test]
        fn ascii_fast_path_matches_uax29(s in "[a-zA-Z0-9_.,;:'!?()/\\-]{1,24}") {
            let mut fast = Vec::new();
            ascii_words(&s, |a, b| fast.push(&s[a..b]));
            let slow: Vec<&str> = s.split_word_bounds().collect();
            prop_assert_eq!(fast, slow);
        }
    }
}
