//! Dismissing documents that carry nothing of the sealed text, at the
//! speed of a byte scan, before they are parsed (rule L0 of
//! `docs/check-report.md`).
//!
//! A document of up to [`ALWAYS_READ`] bytes is always read: articles,
//! mails and quotations are small, and a short misquote ("separation of
//! the mosque and the state") may share no run of words with the sealed
//! text at all. A larger one (a web page and its markup) is read in full
//! when it shares with the sealed text four consecutive words, not all of
//! them function words or numbers (`on february 8 2014` is in many a
//! page's byline; `of mosque and state` is not). Words here are runs of
//! ASCII letters and digits, lower-cased; everything else separates them,
//! and an HTML tag (`<...>`) or character reference (`&rsquo;`) is a
//! separator too, so the raw bytes of a page, its text and the sealed text
//! all give the same words: the same scan makes the set and probes it. A
//! web page's scripts, styles and comments are set aside whole
//! ([`RawText`]): its reader drops them, and they are a quarter of a
//! typical page's bytes. Any
//! passage check finds (a run of 6 words) has such a run, and so has any
//! quotation with four of the sealed text's words in a row.
//!
//! A sealed text written mostly in another script has few such words; for
//! it nothing is dismissed.

use crate::document::html::is_tag_name_end;
use rustc_hash::FxHashSet;

/// Documents up to this many bytes are always read.
pub(crate) const ALWAYS_READ: usize = 24 << 10;

/// Words in a shared run that makes a large document worth reading.
pub(crate) const RUN: usize = 4;

/// Function words that do not make a shared run on their own (a run of
/// only these, or numbers, does not count).
const COMMON: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he",
    "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "our", "she", "so", "that",
    "the", "their", "them", "there", "they", "this", "to", "was", "we", "were", "which", "will",
    "with", "you", "s", "t", "not",
];

/// A sealed text whose words are less than this share ASCII (in percent)
/// is not prefiltered.
pub(crate) const MIN_ASCII_PERCENT: usize = 50;

/// Probes a document's bytes for a word pair of the sealed text.
pub struct Prefilter {
    runs: FxHashSet<u64>,
    /// One bit per run key, modulo [`BITS`].
    bits: Vec<u64>,
    /// False when the sealed text is not mostly ASCII words: keep all.
    active: bool,
}

const SEED: u64 = 0xCBF2_9CE4_8422_2325;

/// The key of a run of word hashes, oldest first: the hashes are mixed
/// already, so rotating them apart and folding them together is enough
/// (a collision only sends a probe on to the set).
#[inline(always)]
fn run_key(w: &[u64; RUN]) -> u64 {
    const _: () = assert!(RUN == 4, "run_key folds four words");
    w[0].rotate_left(48) ^ w[1].rotate_left(32) ^ w[2].rotate_left(16) ^ w[3]
}

/// The bit of the filter a run key sets.
#[inline(always)]
fn bit(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS.trailing_zeros())) as usize
}

/// A word's hash from the state [`hash_word`] leaves, once the word ends.
#[inline]
fn finish(h: u64) -> u64 {
    let h = (h ^ (h >> 32)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 29)
}

use crate::text::blocks::BLOCK;

/// Eight bytes of `bytes` from `i`, zeros past its end.
#[inline(always)]
fn load8(bytes: &[u8], i: usize) -> u64 {
    match bytes.get(i..i + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
        None => {
            let mut b = [0u8; 8];
            let rest = bytes.get(i..).unwrap_or_default();
            b[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(b)
        }
    }
}

/// The low `k` bytes (0 to 8, more counts as 8) of a word: a table, where
/// a shift of a `u128` costs a dozen instructions a word.
#[inline(always)]
fn low_bytes(k: usize) -> u64 {
    const LOW: [u64; 9] = {
        let mut t = [0u64; 9];
        let mut k = 1;
        while k < 9 {
            t[k] = (t[k - 1] << 8) | 0xFF;
            k += 1;
        }
        t
    };
    LOW[k.min(8)]
}

/// The hash of the word `bytes[s..e]` (ASCII letters and digits), lower
/// case: eight bytes a round (OR 0x20 lower-cases a letter and leaves a
/// digit as it is), zero-padded, and never fewer than two rounds, so that
/// a word of up to 16 bytes (almost every word) is hashed without a
/// branch.
#[inline(always)]
fn hash_word(bytes: &[u8], s: usize, e: usize) -> u64 {
    const LOWER: u64 = 0x2020_2020_2020_2020;
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let round = |h: u64, x: u64, k: usize| {
        (h ^ ((x | LOWER) & low_bytes(k)))
            .wrapping_mul(K)
            .rotate_left(31)
    };
    let len = e - s;
    let mut h = SEED ^ len as u64;
    if len <= 16 {
        h = round(h, load8(bytes, s), len.min(8));
        h = round(h, load8(bytes, s + 8), len.saturating_sub(8));
        return finish(h);
    }
    let mut i = s;
    while i < e {
        h = round(h, load8(bytes, i), (e - i).min(8));
        i += 8;
    }
    finish(h)
}

/// The bytes of the block at `at`, zero past the end of `bytes` (a zero is
/// a separator).
#[inline]
fn block(bytes: &[u8], at: usize) -> std::borrow::Cow<'_, [u8; BLOCK]> {
    crate::text::blocks::padded(bytes, at, 0)
}

/// One bit a byte of a block, for each kind of byte the scan looks for.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Masks {
    /// ASCII letters and digits.
    alnum: u64,
    /// `<`, the start of a tag.
    lt: u64,
    /// `&`, the start of a character reference.
    amp: u64,
    /// `>` or a line break, where a tag ends.
    close: u64,
}

/// The [`Masks`] of a block, byte by byte.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline]
fn classify_scalar(b: &[u8; BLOCK]) -> Masks {
    let mut m = Masks::default();
    for (k, &c) in b.iter().enumerate() {
        m.alnum |= (c.is_ascii_alphanumeric() as u64) << k;
        m.lt |= ((c == b'<') as u64) << k;
        m.amp |= ((c == b'&') as u64) << k;
        m.close |= ((c == b'>' || c == b'\n') as u64) << k;
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
        m.alnum |= bits(or(letters(v), in_range(v, b'0', b'9')), k);
        m.lt |= bits(eq(v, b'<'), k);
        m.amp |= bits(eq(v, b'&'), k);
        m.close |= bits(or(eq(v, b'>'), eq(v, b'\n')), k);
    }
    m
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
use classify_scalar as classify;

/// Where the scan goes on after the markup that starts at `bytes[i]`
/// (`<` or `&`).
#[inline]
fn skip_markup(bytes: &[u8], i: usize) -> usize {
    let n = bytes.len();
    if bytes[i] == b'<' {
        // A tag: up to its end (a lone `<` in text ends within a line).
        let stop = (i + 512).min(n);
        return match memchr::memchr2(b'>', b'\n', &bytes[i..stop]) {
            Some(k) => i + k + 1,
            None => i + 1,
        };
    }
    // A character reference: up to its `;`.
    let stop = (i + 12).min(n);
    match bytes[i..stop].iter().position(|&c| c == b';') {
        Some(k)
            if bytes[i + 1..i + k]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'#') =>
        {
            i + k + 1
        }
        _ => i + 1,
    }
}

/// The bits `from..to` of a block (`from` < `to` <= 64).
#[inline(always)]
fn span(from: u32, to: u32) -> u64 {
    (u64::MAX << from) & (u64::MAX >> (64 - to))
}

/// What a web page holds that is no text of it, besides its tags: the
/// contents of `script` and `style` elements and comments, which its
/// reader drops too (documents.md). A page's scan sets them aside whole
/// (a quarter of a typical page's bytes) instead of hashing the words of
/// its code. Only where the element's end is found: an element left open
/// is scanned as text, as before.
///
/// Inside a `title` or `textarea` element, whose contents are text even
/// where they look like a tag, nothing is set aside but tags.
#[derive(Default)]
struct RawText {
    /// Each kind of [`RAW_ELEMENTS`] and of [`TEXT_ELEMENTS`] found with
    /// no end past some point: not searched again, so the scan stays
    /// linear in the page.
    raw_open: [bool; RAW_ELEMENTS.len()],
    text_open: [bool; TEXT_ELEMENTS.len()],
    /// Where the `title` or `textarea` element the scan is in ends.
    text_until: usize,
}

/// Elements whose contents are text, up to their end tag, even where they
/// look like markup (HTML's escapable raw text).
const TEXT_ELEMENTS: [(&[u8], &[u8]); 2] = [(b"<title", b"</title"), (b"<textarea", b"</textarea")];

/// Which of `elements` starts `rest`: `<!--`, or its name ended as a tag's.
fn starts_element(rest: &[u8], elements: &[(&[u8], &[u8])]) -> Option<usize> {
    elements.iter().position(|(open, _)| {
        rest.len() > open.len()
            && rest[..open.len()].eq_ignore_ascii_case(open)
            && (open.ends_with(b"-") || is_tag_name_end(rest[open.len()]))
    })
}

/// Where in `bytes`, from `from`, the end tag `close` (`</name`, in any
/// case, its name ended as a tag's) starts.
fn end_tag(bytes: &[u8], from: usize, close: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(&bytes[from..], b"</")
        .map(|e| from + e)
        .find(|&e| {
            bytes.len() > e + close.len()
                && bytes[e..e + close.len()].eq_ignore_ascii_case(close)
                && is_tag_name_end(bytes[e + close.len()])
        })
}

/// What starts an element whose contents are set aside, and what ends it
/// (an end tag's name matched in any case, as HTML does). Each starts with
/// `<!`, `<s` or `<t` (in any case), as do [`TEXT_ELEMENTS`]: `RawText::end`
/// looks no further at any other tag.
const RAW_ELEMENTS: [(&[u8], &[u8]); 3] = [
    (b"<!--", b"-->"),
    (b"<script", b"</script"),
    (b"<style", b"</style"),
];

impl RawText {
    /// Where the scan goes on when `bytes[at]` (a `<`) starts an element
    /// whose contents are set aside: at its end tag (the tag itself is
    /// then scanned as any), or after a comment's `-->`. `None` when it
    /// starts none, or its end is nowhere.
    fn end(&mut self, bytes: &[u8], at: usize) -> Option<usize> {
        if at < self.text_until {
            return None;
        }
        let rest = &bytes[at..];
        // Most tags start none of these elements: their names begin with
        // none of the letters these do.
        if !matches!(rest.get(1), Some(b'!' | b's' | b'S' | b't' | b'T')) {
            return None;
        }
        if let Some(k) = starts_element(rest, &TEXT_ELEMENTS) {
            let (open, close) = TEXT_ELEMENTS[k];
            // Text up to its end tag; with none, to the end of the page.
            self.text_until = match self.text_open[k] {
                true => bytes.len(),
                false => end_tag(bytes, at + open.len(), close).unwrap_or_else(|| {
                    self.text_open[k] = true;
                    bytes.len()
                }),
            };
            return None;
        }
        let k = starts_element(rest, &RAW_ELEMENTS)?;
        if self.raw_open[k] {
            return None;
        }
        let (open, close) = RAW_ELEMENTS[k];
        let found = if k == 0 {
            // From the `--` of `<!--`: `<!-->` and `<!--->` are whole
            // (empty) comments.
            let from = at + 2;
            memchr::memmem::find(&bytes[from..], close).map(|e| from + e + close.len())
        } else {
            end_tag(bytes, at + open.len(), close)
        };
        if found.is_none() {
            self.raw_open[k] = true;
        }
        found
    }
}

/// Call `f` with the start and end of each word of `bytes` (see the
/// module docs), until it returns false. A block is classified at once;
/// its markup is set aside from its bits (a tag or reference that runs
/// past the block is skipped byte by byte and the scan goes on after it),
/// and its words are paired from their start and end bits, so a word
/// costs a few instructions and hardly a branch.
#[inline(always)]
fn spans(bytes: &[u8], f: &mut impl OnWord, mut raw: Option<&mut RawText>) {
    let n = bytes.len();
    let mut i = 0;
    // The start of a word that runs on past the block before.
    let mut start: Option<usize> = None;
    while i < n {
        let m = classify(&block(bytes, i));
        // The block's markup: bits set aside, and where the scan goes on
        // when it runs past the block.
        let mut aside = 0u64;
        let mut next = i + BLOCK;
        let mut marks = m.lt | m.amp;
        while marks != 0 {
            let p = marks.trailing_zeros();
            let close = m.close & (u64::MAX << p);
            let at = i + p as usize;
            let raw_end = match raw.as_deref_mut() {
                Some(r) if m.lt & (1 << p) != 0 => r.end(bytes, at),
                _ => None,
            };
            let to = if let Some(end) = raw_end {
                if end > i + BLOCK {
                    next = end;
                    BLOCK as u32
                } else {
                    (end - i) as u32
                }
            } else if m.lt & (1 << p) != 0 && close != 0 {
                close.trailing_zeros() + 1
            } else {
                let end = skip_markup(bytes, at);
                if end > i + BLOCK {
                    next = end;
                    BLOCK as u32
                } else {
                    (end - i) as u32
                }
            };
            let s = span(p, to);
            aside |= s;
            marks &= !s;
        }
        let mut a = m.alnum & !aside;
        if let Some(s) = start {
            // Past the end of `bytes` a block is zeros: a word ends there.
            let ends = !a;
            if ends == 0 {
                i += BLOCK;
                continue;
            }
            let e = ends.trailing_zeros();
            if !f.word(bytes, s, i + e as usize) {
                return;
            }
            start = None;
            a &= u64::MAX << e;
        }
        let mut starts = a & !(a << 1);
        let mut ends = !a & (a << 1);
        while starts != 0 {
            let s = starts.trailing_zeros();
            starts &= starts - 1;
            if ends == 0 {
                // The block's last word runs on.
                start = Some(i + s as usize);
                break;
            }
            let e = ends.trailing_zeros();
            ends &= ends - 1;
            if !f.word(bytes, i + s as usize, i + e as usize) {
                return;
            }
        }
        i = next;
    }
    if let Some(s) = start {
        f.word(bytes, s, n);
    }
}

/// What the scan does with a word, `bytes[s..e]`: false stops it. A trait
/// and not a closure so that the compiler inlines it into the scan's loop.
trait OnWord {
    fn word(&mut self, bytes: &[u8], s: usize, e: usize) -> bool;
}

/// Calls a closure with the hash of each word.
struct Hashes<F>(F);

impl<F: FnMut(u64) -> bool> OnWord for Hashes<F> {
    #[inline(always)]
    fn word(&mut self, bytes: &[u8], s: usize, e: usize) -> bool {
        (self.0)(hash_word(bytes, s, e))
    }
}

/// Call `f` with the hash of each word of `bytes`, until it returns
/// false.
fn words(bytes: &[u8], f: impl FnMut(u64) -> bool) {
    spans(bytes, &mut Hashes(f), None);
}

/// The probe of a document: the last [`RUN`] words' hashes, and whether
/// a run of them is the sealed text's.
struct Probe<'a> {
    filter: &'a Prefilter,
    last: [u64; RUN],
    n: usize,
    hit: bool,
}

impl OnWord for Probe<'_> {
    #[inline(always)]
    fn word(&mut self, bytes: &[u8], s: usize, e: usize) -> bool {
        let l = &mut self.last;
        *l = [l[1], l[2], l[3], hash_word(bytes, s, e)];
        self.n += 1;
        if self.n >= RUN {
            let x = run_key(l);
            let b = bit(x);
            self.hit = self.filter.bits[b / 64] & (1 << (b % 64)) != 0 && self.filter.has(x);
        }
        !self.hit
    }
}

/// The hash [`words`] gives a word of ASCII letters and digits.
fn word_hash(w: &str) -> u64 {
    hash_word(w.as_bytes(), 0, w.len())
}

/// Bits of the filter that most probes of a document end at: a run's bit
/// is set when the sealed text has the run (a false hit only sends
/// the probe on to the set).
const BITS: usize = 1 << 16;

impl Prefilter {
    /// The prefilter of a sealed text (its canonical sections' texts).
    pub fn new<'a>(texts: impl Iterator<Item = &'a str>) -> Prefilter {
        let common: FxHashSet<u64> = COMMON.iter().map(|w| word_hash(w)).collect();
        let mut runs = FxHashSet::default();
        let (mut ascii, mut all) = (0usize, 0usize);
        for t in texts {
            // Numbers do not make a run tell, like function words.
            let numbers: FxHashSet<u64> = t
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
                .map(word_hash)
                .collect();
            // The last RUN words, and which of them count.
            let mut last = [0u64; RUN];
            let mut telling = [false; RUN];
            let mut n = 0usize;
            words(t.as_bytes(), |h| {
                last.rotate_left(1);
                telling.rotate_left(1);
                last[RUN - 1] = h;
                telling[RUN - 1] = !common.contains(&h) && !numbers.contains(&h);
                n += 1;
                if n >= RUN && telling.iter().any(|&x| x) {
                    runs.insert(run_key(&last));
                }
                true
            });
            ascii += t.split_whitespace().filter(|w| w.is_ascii()).count();
            all += t.split_whitespace().count();
        }
        let mut bits = vec![0u64; BITS / 64];
        for &p in &runs {
            let b = bit(p);
            bits[b / 64] |= 1 << (b % 64);
        }
        Prefilter {
            runs,
            bits,
            active: all > 0 && ascii * 100 >= MIN_ASCII_PERCENT * all,
        }
    }

    /// Whether the sealed text has the run of key `x`: asked only when its
    /// bit is set, so kept out of the scan's loop.
    #[inline(never)]
    fn has(&self, x: u64) -> bool {
        self.runs.contains(&x)
    }

    /// Whether a document's bytes may carry a passage of the sealed text;
    /// `html` when they are a web page's (then its scripts, styles and
    /// comments are set aside, [`RawText`]).
    pub fn keep(&self, bytes: &[u8], html: bool) -> bool {
        if !self.active || bytes.len() <= ALWAYS_READ {
            return true;
        }
        let mut probe = Probe {
            filter: self,
            last: [0; RUN],
            n: 0,
            hit: false,
        };
        let mut raw = RawText::default();
        spans(bytes, &mut probe, html.then_some(&mut raw));
        probe.hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of `bytes` byte by byte, as the module docs define them
    /// (the scan before it went a block at a time): the oracle of
    /// [`spans`].
    fn spans_byte_by_byte(bytes: &[u8]) -> Vec<(usize, usize)> {
        let (n, mut i, mut out) = (bytes.len(), 0, Vec::new());
        let mut start = None;
        while i < n {
            let c = bytes[i];
            if c.is_ascii_alphanumeric() {
                start.get_or_insert(i);
                i += 1;
                continue;
            }
            if let Some(s) = start.take() {
                out.push((s, i));
            }
            i = if c == b'<' || c == b'&' {
                skip_markup(bytes, i)
            } else {
                i + 1
            };
        }
        out.extend(start.map(|s| (s, n)));
        out
    }

    fn spans_of(bytes: &[u8]) -> Vec<(usize, usize)> {
        struct All(Vec<(usize, usize)>);
        impl OnWord for All {
            fn word(&mut self, _: &[u8], s: usize, e: usize) -> bool {
                self.0.push((s, e));
                true
            }
        }
        let mut all = All(Vec::new());
        spans(bytes, &mut all, None);
        all.0
    }

    proptest::proptest! {
        /// The block scan finds the words the byte loop finds, through
        /// tags, references, lone `<` and `&`, and blocks' edges.
        #[test]
        fn spans_are_the_byte_loops(
            parts in proptest::collection::vec(0usize..14, 0..400),
        ) {
            const PIECES: [&str; 14] = [
                "a", "Word", "x9", "abcdefghijklmnopqrstu", " ", "\n", "<b>",
                "<a href=\"call on\">", "<", ">", "&amp;", "&", ";", "\u{e9}t\u{e9}",
            ];
            let text: String = parts.iter().map(|&k| PIECES[k]).collect();
            let bytes = text.as_bytes();
            proptest::prop_assert_eq!(spans_of(bytes), spans_byte_by_byte(bytes));
            for (s, e) in spans_of(bytes) {
                proptest::prop_assert_eq!(hash_word(bytes, s, e), word_hash(&text[s..e]));
            }
        }
    }

    /// `RawText::end` looks at a tag only when its second byte may start
    /// one of the elements it sets aside.
    #[test]
    fn every_element_set_aside_starts_as_raw_text_looks_for() {
        for (open, _) in RAW_ELEMENTS.iter().chain(TEXT_ELEMENTS.iter()) {
            for b in [open[1], open[1].to_ascii_uppercase()] {
                assert!(matches!(b, b'!' | b's' | b'S' | b't' | b'T'), "{open:?}");
            }
        }
    }

    #[test]
    fn low_bytes_are_the_masks_of_that_many_bytes() {
        for k in 0..=8 {
            assert_eq!(low_bytes(k), ((1u128 << (8 * k)) - 1) as u64, "{k}");
        }
        assert_eq!(low_bytes(9), u64::MAX);
        assert_eq!(low_bytes(usize::MAX), u64::MAX);
    }

    #[test]
    fn block_classes_are_the_scalar_ones() {
        let mut b = [0u8; BLOCK];
        for start in (0..256).step_by(BLOCK) {
            for (k, x) in b.iter_mut().enumerate() {
                *x = (start + k) as u8;
            }
            assert_eq!(classify(&b), classify_scalar(&b));
        }
    }

    #[test]
    fn words_hash_case_blind_and_long_words_whole() {
        let h = |w: &str| word_hash(w);
        assert_eq!(h("Mosque"), h("mosque"));
        assert_eq!(h("SEPARATION"), h("separation"));
        assert_ne!(h("separation"), h("separatio"));
        let long = "internationalisationxyz";
        assert_eq!(h(long), h(&long.to_uppercase()));
        assert_ne!(h(long), h(&long[..16]));
        assert_ne!(h("abcdefgh"), h("abcdefgh0"));
    }

    /// A large document: the words, then furniture past [`ALWAYS_READ`].
    fn page(words: &str) -> Vec<u8> {
        let mut p = format!("<html><body><p>{words}</p>").into_bytes();
        while p.len() <= ALWAYS_READ {
            p.extend_from_slice(
                b"<div class=\"menu\"><a href=\"/x\">Home</a> weather garden concert</div>\n",
            );
        }
        p
    }

    #[test]
    fn runs_are_found_through_markup_and_typography() {
        let p = Prefilter::new(
            [
                "We call on Iranians to remain strong.",
                "the separation of mosque and state",
                "Paris \u{2013} February 8, 2014",
            ]
            .into_iter(),
        );
        // Pages of no web page's head: the same either way.
        let keep = |b: &[u8]| {
            let k = p.keep(b, true);
            assert_eq!(k, p.keep(b, false));
            k
        };
        assert!(keep(&page(
            "They said: <b>we call on</b> Iranians everywhere"
        )));
        assert!(keep(&page(
            "a &ldquo;separation of mosque and state&rdquo;"
        )));
        assert!(keep(&page("We call on Iranians, they wrote")));
        // Function words and numbers alone make no run; other runs are not
        // the text's.
        assert!(!keep(&page(
            "on the table, in the garden, of the people we know"
        )));
        assert!(!keep(&page(
            "<div class=\"call on iranians to\">nothing</div>"
        )));
        // A small document is always read, whatever it shares.
        assert!(keep(b"separation of the mosque and the state"));
        assert!(keep(b"nothing at all in common"));
        // A page's scripts, styles and comments are no text of it; an
        // element left open is, and so is anything outside a page.
        let html = |inner: &str| {
            let mut p = b"<!DOCTYPE html><html><body>".to_vec();
            p.extend_from_slice(&page(inner));
            p
        };
        let carried = "separation of mosque and state";
        for (inner, kept) in [
            (format!("<script>var s = '{carried}';</script>"), false),
            (format!("<SCRIPT type=x>{carried}</Script >"), false),
            (format!("<style>.a {{}} /* {carried} */</style>"), false),
            (format!("<!--\n{carried}\n-->"), false),
            (format!("<script>x</scripts> {carried} </script>"), false),
            (format!("<script>x</script><p>{carried}</p>"), true),
            (format!("<scripture>{carried}</scripture>"), true),
            (format!("<script>unclosed {carried}"), true),
            (format!("<!--\nunclosed {carried}"), true),
            (format!("<style>a</style><style>{carried}"), true),
            (
                format!("<title>on <script></TITLE><p>{carried}</p><script>x</script>"),
                true,
            ),
            (format!("<textarea><!--</textarea>\n{carried}\n-->"), true),
            (format!("<title>x</title><script>{carried}</script>"), false),
            (format!("<!-->\n{carried}\n<!-- x -->"), true),
            (format!("<!--->\n{carried}\n<!-- x -->"), true),
            (
                format!("<script-box>{carried}</script-box><script>x</script>"),
                true,
            ),
            (format!("<script>a</script-x>{carried}</script >"), false),
        ] {
            let p2 = html(&inner);
            assert_eq!(p.keep(&p2, true), kept, "{inner}");
            assert!(p.keep(&p2, false), "not a page: {inner}");
        }
        // Many elements left open cost one search each kind, not one each.
        let mut hostile = b"<!DOCTYPE html>".to_vec();
        for _ in 0..20_000 {
            hostile.extend_from_slice(b"<script><style><!-- <title><textarea>");
        }
        hostile.extend_from_slice(carried.as_bytes());
        assert!(p.keep(&hostile, true));
        // A sealed text in another script dismisses nothing.
        let fa = Prefilter::new(["\u{0645}\u{0627} \u{062E}\u{0648}\u{0627}\u{0633}\u{062A}\u{0627}\u{0631} \u{0622}\u{0632}\u{0627}\u{062F}\u{06CC}"].into_iter());
        assert!(fa.keep(&page("unrelated words only"), true));
    }
}
