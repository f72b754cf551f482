//! Words: canonical text cut into the tokens that alignment compares.
//!
//! Word boundaries follow UAX #29 (`unicode-segmentation`), so `people's`,
//! `1,000` and `3.5` stay single words and every punctuation mark is a token
//! of its own; white space is not a token. Runs of pure ASCII (most of a
//! typical text) take a byte-level fast path that applies the same rules
//! (WB5-WB13 restricted to ASCII); a property test holds the two equal.

use crate::text::canon::Canonical;
use std::hash::Hasher as _;
use unicode_segmentation::UnicodeSegmentation;

mod blockwise;

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
                d.keys[i] = key(&crate::text::canon::fold_typography(w));
            }
        }
        d
    }

    /// Whether token `i` of `self` and token `j` of `other` are the same
    /// word (once typography is folded, for a [`Doc::folded`] text).
    pub fn matches(&self, i: usize, other: &Doc, j: usize) -> bool {
        let (ti, tj) = (self.tokens[i], other.tokens[j]);
        let xb = &self.text.as_bytes()[ti.start as usize..ti.end as usize];
        let yb = &other.text.as_bytes()[tj.start as usize..tj.end as usize];
        if xb == yb {
            return true;
        }
        let (x, y) = (self.word(i), other.word(j));
        x == y
            || (!(x.is_ascii() && y.is_ascii())
                && crate::text::canon::fold_typography(x) == crate::text::canon::fold_typography(y))
    }

    /// Tokenize a sequence of block texts.
    pub fn from_blocks<'a>(blocks: impl Iterator<Item = &'a str> + Clone) -> Doc {
        // Everything is reserved once, from the sizes: a long vector that
        // grows is copied into fresh memory each time, and fresh memory is
        // what the kernel must clear first (it was half of a 10 MB check's
        // time). A token is at least a byte and a word of prose about six,
        // so a quarter of the bytes holds prose's tokens without growing.
        let (n, bytes) = blocks
            .clone()
            .fold((0, 0), |(n, b), s| (n + 1, b + s.len()));
        let mut text = String::with_capacity(bytes + n);
        let mut block_starts = Vec::with_capacity(n);
        let mut tokens = Vec::with_capacity(bytes / 4 + 1);
        let mut keys = Vec::with_capacity(bytes / 4 + 1);
        let mut spans = Vec::new();
        for (i, b) in blocks.enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let base = text.len();
            block_starts.push(base as u32);
            text.push_str(b);
            spans.clear();
            tokenize_into(b, &mut spans);
            for &(s, e) in &spans {
                tokens.push(Token {
                    start: (base + s) as u32,
                    end: (base + e) as u32,
                    block: i as u32,
                });
                keys.push(key(&b[s..e]));
            }
        }
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

/// Byte classes of [`tokenize_scalar`].
#[cfg(test)]
const SPACE: u8 = 0;
#[cfg(test)]
const WORD: u8 = 1;
#[cfg(test)]
const PUNCT: u8 = 2;
#[cfg(test)]
const HIGH: u8 = 3;

#[cfg(test)]
static CLASS: [u8; 256] = {
    let mut t = [HIGH; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b == b' ' || b == b'\n' {
            SPACE
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            WORD
        } else {
            PUNCT
        };
        i += 1;
    }
    t
};

/// Call `f(start, end)` for every token of `s`.
///
/// ASCII is split by the UAX #29 rules restricted to ASCII (WB5-WB13); a
/// space-delimited run holding any non-ASCII byte is handed whole to
/// `unicode-segmentation` instead, so both paths agree.
pub(crate) fn tokenize(s: &str, mut f: impl FnMut(usize, usize)) {
    let mut toks: Vec<(usize, usize)> = Vec::new();
    tokenize_into(s, &mut toks);
    for (a, b) in toks {
        f(a, b);
    }
}

/// Tokenize into a vector of (start, end) byte offsets: 64 bytes at a
/// time by the ASCII rules ([`blockwise`]), a space-delimited run holding
/// non-ASCII by UAX #29.
pub fn tokenize_into(s: &str, out: &mut Vec<(usize, usize)>) {
    blockwise::tokenize_into(s, out)
}

/// The UAX #29 tokens of `s[from..to]` (start, text), white space left out.
fn uax29_tokens(s: &str, from: usize, to: usize) -> impl Iterator<Item = (usize, &str)> {
    s[from..to]
        .split_word_bound_indices()
        .filter(|(_, w)| !w.chars().all(char::is_whitespace))
        .map(move |(off, w)| (from + off, w))
}

/// [`tokenize_into`] byte by byte, as it was before the blocks: what the
/// tests hold the blocks to.
#[cfg(test)]
fn tokenize_scalar(s: &str, out: &mut Vec<(usize, usize)>) {
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    // Start of the current space-delimited run, and how many tokens it had.
    let mut run_start = 0;
    let mut run_first = out.len();
    while i < n {
        match CLASS[b[i] as usize] {
            SPACE => {
                i += 1;
                run_start = i;
                run_first = out.len();
            }
            PUNCT => {
                out.push((i, i + 1));
                i += 1;
            }
            WORD => {
                let start = i;
                i = ascii_word_end(b, i + 1);
                if i < n && CLASS[b[i] as usize] == HIGH {
                    i = slow_run(s, run_start, run_first, i, out);
                    continue;
                }
                out.push((start, i));
            }
            _ => i = slow_run(s, run_start, run_first, i, out),
        }
    }
}

/// Where an ASCII word that goes on at `i` ends: over word bytes, and over
/// one joining byte between letters or digits (WB6/7: letters around
/// MidLetter or MidNumLet; WB11/12: digits around MidNum or MidNumLet).
#[cfg(test)]
fn ascii_word_end(b: &[u8], mut i: usize) -> usize {
    let n = b.len();
    loop {
        while i < n && CLASS[b[i] as usize] == WORD {
            i += 1;
        }
        if i + 1 < n && CLASS[b[i + 1] as usize] == WORD {
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
        return i;
    }
}

/// How many tokens `s` has, and how many of them are words (begin with a
/// letter or digit), as [`tokenize_into`] would give them, counted without
/// keeping them (summaries count every sealed section's words): ASCII by
/// the same rules, 64 bytes at a time ([`blockwise`]), a space-delimited run
/// holding non-ASCII by UAX #29.
pub fn count_tokens(s: &str) -> (usize, usize) {
    blockwise::count_tokens(s)
}

/// A run holding non-ASCII: take back its tokens and redo it with UAX #29.
/// Returns where the run ends.
#[cfg(test)]
fn slow_run(
    s: &str,
    run_start: usize,
    run_first: usize,
    at: usize,
    out: &mut Vec<(usize, usize)>,
) -> usize {
    out.truncate(run_first);
    let (end, tokens) = uax29_run(s, run_start, at);
    out.extend(tokens.map(|(a, w)| (a, a + w.len())));
    end
}

/// The space-delimited run of `s` that starts at `run_start` and holds
/// byte `at`: where it ends, and its tokens by UAX #29 (start, text).
#[cfg(test)]
fn uax29_run(s: &str, run_start: usize, at: usize) -> (usize, impl Iterator<Item = (usize, &str)>) {
    let end = s.as_bytes()[at..]
        .iter()
        .position(|&x| x == b' ' || x == b'\n')
        .map_or(s.len(), |p| at + p);
    let tokens = s[run_start..end]
        .split_word_bound_indices()
        .filter(|(_, w)| !w.chars().all(char::is_whitespace))
        .map(move |(off, w)| (run_start + off, w));
    (end, tokens)
}

#[cfg(test)]
fn ascii_words(s: &str, mut f: impl FnMut(usize, usize)) {
    let mut v = Vec::new();
    tokenize_into(s, &mut v);
    for (a, b) in v {
        f(a, b);
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

    /// What count_tokens says, from the tokens themselves.
    fn counted(s: &str) -> (usize, usize) {
        let t = words(s);
        let w = t
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_alphanumeric))
            .count();
        (t.len(), w)
    }

    #[test]
    fn counts_agree_with_tokens() {
        for s in [
            "",
            " ",
            "The 2,500 members' \"rights\" - e.g. U.S. 3:30 a:b _x x_ 1;2 ;.",
            "a.b. .a a. 'a' a'b'c 1.2.3 1,,2",
            "caf\u{e9} na\u{ef}ve \u{201c}quoted\u{201d} \u{645}\u{62c}\u{644}\u{633} x",
        ] {
            assert_eq!(count_tokens(s), counted(s), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn counts_agree_with_tokens_anywhere(
            s in "[ a-c0-2_.,;:'\"\n\t!\u{e9}\u{2019}\u{201c}\u{645}\u{202e}-]{0,40}|.{0,20}"
        ) {
            prop_assert_eq!(count_tokens(&s), counted(&s));
        }

        /// Texts longer than the 64 bytes counted at once, so that words,
        /// joins and runs holding non-ASCII cross from block to block.
        #[test]
        fn counts_agree_with_tokens_across_blocks(
            s in "[ a-c0-2_.,;:'\n!\u{e9}\u{2019}-]{0,300}"
        ) {
            prop_assert_eq!(count_tokens(&s), counted(&s));
        }
    }

    type Spans = Vec<(usize, usize)>;

    /// The tokens, blockwise and byte by byte.
    fn both(s: &str) -> (Spans, Spans) {
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        tokenize_into(s, &mut fast);
        tokenize_scalar(s, &mut slow);
        (fast, slow)
    }

    proptest! {
        /// Any text, words crossing blocks, joins at their edges, runs
        /// holding non-ASCII anywhere, tabs and controls too.
        #[test]
        fn blocks_tokenize_as_bytes_do(
            s in "[ a-c0-2_.,;:'\"\n\t!\u{e9}\u{2019}\u{201c}\u{645}\u{202e}-]{0,300}|.{0,80}"
        ) {
            let (fast, slow) = both(&s);
            prop_assert_eq!(fast, slow);
        }
    }

    /// Texts that put words, joins and non-ASCII on either side of a
    /// block's edge: after runs of word bytes, and after runs of spaces
    /// and punctuation.
    fn at_block_edges() -> Vec<String> {
        let tails = [
            "a.b c",
            "1,2;3 x",
            "a'b.c",
            "x:y",
            "_a",
            "a.",
            "caf\u{e9}.x y",
            "ab\u{2019}s",
            "1.5.a",
        ];
        let mut out = Vec::new();
        for pad in 58..70 {
            for tail in tails {
                out.push(format!("{}{tail} {}", "w".repeat(pad), "z ".repeat(40)));
                out.push(format!("{}{tail}", "- ".repeat(pad / 2)));
            }
        }
        out
    }

    #[test]
    fn blocks_tokenize_prose_as_bytes_do() {
        let decl = include_str!("../../tests/data/declaration.txt");
        let (fast, slow) = both(decl);
        assert!(fast.len() > 1000);
        assert_eq!(fast, slow);
        for s in at_block_edges() {
            let (fast, slow) = both(&s);
            assert_eq!(fast, slow, "{s:?}");
        }
    }

    #[test]
    fn counts_agree_with_tokens_at_every_block_edge() {
        for s in at_block_edges() {
            assert_eq!(count_tokens(&s), counted(&s), "{s:?}");
        }
    }

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
