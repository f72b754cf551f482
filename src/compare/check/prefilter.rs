//! Dismissing documents that carry nothing of the sealed text, at the
//! speed of a byte scan, before they are parsed (rule L0 of
//! `docs/check-report.md`).
//!
//! A document is read in full when it shares with the sealed text two
//! consecutive words of which at least one is not a common function word
//! (`of the` is in every English page; `mosque and` is not). Words here are
//! runs of ASCII letters and digits, lower-cased; everything else separates
//! them, and an HTML tag (`<...>`) or character reference (`&rsquo;`) is a
//! separator too, so the raw bytes of a page, its text, and the sealed
//! text all give the same words: the same scan makes the set and probes
//! it. Any passage check can find (a run of 6 words, a quotation of 3
//! that mostly matches) has such a pair, so dismissing loses none.
//!
//! A sealed text written mostly in another script has few such words; for
//! it nothing is dismissed.

use rustc_hash::FxHashSet;

/// Function words that do not make a shared pair on their own (both words
/// of a pair from this list do not count).
const COMMON: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he",
    "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "our", "she", "so", "that",
    "the", "their", "them", "there", "they", "this", "to", "was", "we", "were", "which", "will",
    "with", "you", "s", "t",
];

/// A sealed text whose words are less than this share ASCII (in percent)
/// is not prefiltered.
pub const MIN_ASCII_PERCENT: usize = 50;

/// Probes a document's bytes for a word pair of the sealed text.
pub struct Prefilter {
    pairs: FxHashSet<u64>,
    /// One bit per pair hash, modulo [`BITS`].
    bits: Vec<u64>,
    common: FxHashSet<u64>,
    /// False when the sealed text is not mostly ASCII words: keep all.
    active: bool,
}

#[inline]
fn mix(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x0100_0000_01B3)
}

const SEED: u64 = 0xCBF2_9CE4_8422_2325;

#[inline]
fn pair(a: u64, b: u64) -> u64 {
    (a.rotate_left(17) ^ b).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Call `f` with the hash of each word of `bytes` (see the module docs),
/// until it returns false.
#[inline]
fn words(bytes: &[u8], mut f: impl FnMut(u64) -> bool) {
    let n = bytes.len();
    let mut i = 0;
    let mut h = SEED;
    let mut in_word = false;
    while i < n {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            h = mix(h, b.to_ascii_lowercase());
            in_word = true;
            i += 1;
            continue;
        }
        if in_word {
            if !f(h) {
                return;
            }
            h = SEED;
            in_word = false;
        }
        match b {
            // A tag: up to its end (a lone `<` in text ends within a line).
            b'<' => {
                let stop = (i + 512).min(n);
                i = match memchr::memchr2(b'>', b'\n', &bytes[i..stop]) {
                    Some(k) => i + k + 1,
                    None => i + 1,
                };
            }
            // A character reference: up to its `;`.
            b'&' => {
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
        f(h);
    }
}

/// Bits of the filter that most probes of a document end at: a word pair's
/// bit is set when the sealed text has the pair (a false hit only sends
/// the probe on to the set).
const BITS: usize = 1 << 16;

impl Prefilter {
    /// The prefilter of a sealed text (its canonical sections' texts).
    pub fn new<'a>(texts: impl Iterator<Item = &'a str>) -> Prefilter {
        let common: FxHashSet<u64> = COMMON.iter().map(|w| w.bytes().fold(SEED, mix)).collect();
        let mut pairs = FxHashSet::default();
        let (mut ascii, mut all) = (0usize, 0usize);
        for t in texts {
            let mut prev: Option<u64> = None;
            words(t.as_bytes(), |h| {
                if let Some(p) = prev {
                    if !(common.contains(&p) && common.contains(&h)) {
                        pairs.insert(pair(p, h));
                    }
                }
                prev = Some(h);
                true
            });
            ascii += t.split_whitespace().filter(|w| w.is_ascii()).count();
            all += t.split_whitespace().count();
        }
        let mut bits = vec![0u64; BITS / 64];
        for &p in &pairs {
            let b = (p >> 40) as usize % BITS;
            bits[b / 64] |= 1 << (b % 64);
        }
        Prefilter {
            pairs,
            bits,
            common,
            active: all > 0 && ascii * 100 >= MIN_ASCII_PERCENT * all,
        }
    }

    /// Whether a document's bytes may carry a passage of the sealed text.
    pub fn keep(&self, bytes: &[u8]) -> bool {
        if !self.active {
            return true;
        }
        let mut prev: Option<u64> = None;
        let mut hit = false;
        words(bytes, |h| {
            if let Some(p) = prev {
                let x = pair(p, h);
                let b = (x >> 40) as usize % BITS;
                hit = self.bits[b / 64] & (1 << (b % 64)) != 0
                    && self.pairs.contains(&x)
                    && !(self.common.contains(&p) && self.common.contains(&h));
            }
            prev = Some(h);
            !hit
        });
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_found_through_markup_and_typography() {
        let p = Prefilter::new(
            [
                "We call on Iranians to remain strong.",
                "the separation of mosque and state",
            ]
            .into_iter(),
        );
        assert!(p.keep(b"<p>They <b>call on</b> all of us</p>"));
        assert!(!p.keep("Iranians’ strength".as_bytes()));
        assert!(p.keep(b"a &ldquo;separation of the mosque and the state&rdquo;"));
        assert!(p.keep(b"Remain STRONG, they said"));
        // Function words alone make no pair; other pairs are not the text's.
        assert!(!p.keep(b"on the table, in the garden, of the people we know"));
        assert!(!p.keep(b"<div class=\"call\">nothing on</div>"));
        // A sealed text in another script dismisses nothing.
        let fa = Prefilter::new(["ما خواستار آزادی همه زندانیان سیاسی هستیم"].into_iter());
        assert!(fa.keep(b"unrelated words only"));
    }
}
