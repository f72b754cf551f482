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
//! all give the same words: the same scan makes the set and probes it. Any
//! passage check finds (a run of 6 words) has such a run, and so has any
//! quotation with four of the sealed text's words in a row.
//!
//! A sealed text written mostly in another script has few such words; for
//! it nothing is dismissed.

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

/// The key of the run in a ring of the last [`RUN`] word hashes, `n`
/// words seen: the oldest is at `n % RUN`.
#[inline]
fn run_key_ring(ring: &[u64; RUN], n: usize) -> u64 {
    let mut h = 0u64;
    for k in 0..RUN {
        h = (h.rotate_left(17) ^ ring[(n + k) % RUN]).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    h
}

/// The key of a run of word hashes.
#[inline]
fn run_key(w: &[u64; RUN]) -> u64 {
    let mut h = 0u64;
    for &x in w {
        h = (h.rotate_left(17) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    h
}

/// What a byte is to the scan: 0 a separator, else a letter or digit
/// (lower-cased, plus one), or one of the two that start markup.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphanumeric() {
            b.to_ascii_lowercase()
        } else if b == b'<' {
            LT
        } else if b == b'&' {
            AMP
        } else {
            0
        };
        i += 1;
    }
    t
};
const LT: u8 = 1;
const AMP: u8 = 2;

/// A word's hash from its bytes, finished once the word ends.
#[inline]
fn finish(h: u64) -> u64 {
    (h ^ (h >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9)
}

/// Call `f` with the hash of each word of `bytes` (see the module docs),
/// until it returns false. One table lookup a byte: this scan is what
/// dismissing a web page costs.
#[inline]
fn words(bytes: &[u8], mut f: impl FnMut(u64) -> bool) {
    let n = bytes.len();
    let mut i = 0;
    let mut h = SEED;
    let mut in_word = false;
    while i < n {
        let c = CLASS[bytes[i] as usize];
        if c > AMP {
            h = h.rotate_left(7) ^ c as u64;
            in_word = true;
            i += 1;
            continue;
        }
        if in_word {
            if !f(finish(h)) {
                return;
            }
            h = SEED;
            in_word = false;
        }
        match c {
            // A tag: up to its end (a lone `<` in text ends within a line).
            LT => {
                let stop = (i + 512).min(n);
                i = match memchr::memchr2(b'>', b'\n', &bytes[i..stop]) {
                    Some(k) => i + k + 1,
                    None => i + 1,
                };
            }
            // A character reference: up to its `;`.
            AMP => {
                let stop = (i + 12).min(n);
                i = match bytes[i..stop].iter().position(|&c| c == b';') {
                    Some(k)
                        if bytes[i + 1..i + k]
                            .iter()
                            .all(|c| c.is_ascii_alphanumeric() || *c == b'#') =>
                    {
                        i + k + 1
                    }
                    _ => i + 1,
                };
            }
            _ => i += 1,
        }
    }
    if in_word {
        f(finish(h));
    }
}

/// The hash [`words`] gives a word of ASCII letters and digits.
fn word_hash(w: &str) -> u64 {
    finish(w.bytes().fold(SEED, |h, b| {
        h.rotate_left(7) ^ b.to_ascii_lowercase() as u64
    }))
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
            let b = (p >> 40) as usize % BITS;
            bits[b / 64] |= 1 << (b % 64);
        }
        Prefilter {
            runs,
            bits,
            active: all > 0 && ascii * 100 >= MIN_ASCII_PERCENT * all,
        }
    }

    /// Whether a document's bytes may carry a passage of the sealed text.
    pub fn keep(&self, bytes: &[u8]) -> bool {
        if !self.active || bytes.len() <= ALWAYS_READ {
            return true;
        }
        let mut last = [0u64; RUN];
        let mut n = 0usize;
        let mut hit = false;
        words(bytes, |h| {
            last[n % RUN] = h;
            n += 1;
            if n >= RUN {
                let x = run_key_ring(&last, n);
                let b = (x >> 40) as usize % BITS;
                hit = self.bits[b / 64] & (1 << (b % 64)) != 0 && self.runs.contains(&x);
            }
            !hit
        });
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(p.keep(&page("They said: <b>we call on</b> Iranians everywhere")));
        assert!(p.keep(&page("a &ldquo;separation of mosque and state&rdquo;")));
        assert!(p.keep(&page("We call on Iranians, they wrote")));
        // Function words and numbers alone make no run; other runs are not
        // the text's.
        assert!(!p.keep(&page("on the table, in the garden, of the people we know")));
        assert!(!p.keep(&page("<div class=\"call on iranians to\">nothing</div>")));
        // A small document is always read, whatever it shares.
        assert!(p.keep(b"separation of the mosque and the state"));
        assert!(p.keep(b"nothing at all in common"));
        // A sealed text in another script dismisses nothing.
        let fa = Prefilter::new(["\u{0645}\u{0627} \u{062E}\u{0648}\u{0627}\u{0633}\u{062A}\u{0627}\u{0631} \u{0622}\u{0632}\u{0627}\u{062F}\u{06CC}"].into_iter());
        assert!(fa.keep(&page("unrelated words only")));
    }
}
