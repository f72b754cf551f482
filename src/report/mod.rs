//! Renderings of results for people and programs: human text (with colour
//! when asked) and JSON. HTML reports live in [`crate::report::html`].

pub mod html;
pub mod human;
pub mod json;

pub use crate::verify::Against;

/// One side of a diff as reports name it: how the user named it, and the
/// sealed version it is, when it comes from an archive.
#[derive(Debug, Clone, Serialize)]
pub struct DiffSide {
    /// How the user named it.
    pub label: String,
    /// The sealed version, when the side comes from an archive.
    #[serde(rename = "version")]
    pub meta: Option<Against>,
}

use crate::compare::align::{self, Tag};
use crate::text::words::Doc;
use serde::Serialize;

/// One piece of a word-level comparison of two short texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// Equal, deleted, inserted (a replacement is a deletion then an insertion).
    pub tag: PieceTag,
    /// The text.
    pub text: String,
}

/// What a piece is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PieceTag {
    /// In both.
    Same,
    /// Only in the first (sealed, old).
    Del,
    /// Only in the second (copy, new).
    Ins,
}

/// Compare two short texts word by word with the shared alignment engine.
/// `a` may keep its typography (the text as published): words are matched
/// by their canonical form. Pieces keep each side's own spelling and
/// spacing, so concatenating them reads as a text.
pub fn word_pieces(a: &str, b: &str) -> Vec<Piece> {
    let da = Doc::folded(a);
    let db = Doc::folded(b);
    let ops = align::align(&da, &db);
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |tag: PieceTag, text: &str| {
        if text.is_empty() {
            return;
        }
        if let Some(l) = out.last_mut() {
            if l.tag == tag {
                l.text.push_str(text);
                return;
            }
        }
        out.push(Piece {
            tag,
            text: text.to_owned(),
        });
    };
    // Text of tokens [s, e) of d, and the white space after them.
    fn part(d: &Doc, s: usize, e: usize) -> (&str, &str) {
        if s >= e {
            return ("", "");
        }
        let from = d.tokens[s].start as usize;
        let to = d.tokens[e - 1].end as usize;
        let next = d
            .tokens
            .get(e)
            .map(|t| t.start as usize)
            .unwrap_or(d.text.len());
        (&d.text[from..to], &d.text[to..next])
    }
    for op in &ops {
        let (ta, wa) = part(&da, op.a.start, op.a.end);
        let (tb, wb) = part(&db, op.b.start, op.b.end);
        match op.tag {
            Tag::Equal => {
                push(PieceTag::Same, ta);
                push(PieceTag::Same, wb);
            }
            Tag::Delete => {
                push(PieceTag::Del, ta);
                push(PieceTag::Same, wa);
            }
            Tag::Insert => {
                push(PieceTag::Ins, tb);
                push(PieceTag::Same, wb);
            }
            Tag::Replace => {
                push(PieceTag::Del, ta);
                push(PieceTag::Ins, tb);
                push(PieceTag::Same, wb);
            }
        }
    }
    if let Some(l) = out.last_mut() {
        if l.tag == PieceTag::Same {
            let t = l.text.trim_end().len();
            l.text.truncate(t);
        }
    }
    out
}

/// A text with every invisible or bidi control character written as
/// `<U+XXXX>`, so a terminal shows it instead of obeying it.
pub fn visible(s: &str) -> String {
    // Every character it rewrites is outside ASCII, so runs of ASCII (all
    // of most reports) are copied whole, not character by character.
    let mut o = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.bytes().position(|b| !b.is_ascii()) {
        o.push_str(&rest[..k]);
        let c = rest[k..].chars().next().expect("a character starts here");
        if is_hidden(c) {
            o.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            o.push(c);
        }
        rest = &rest[k + c.len_utf8()..];
    }
    o.push_str(rest);
    o
}

/// Whether [`visible`] writes `c` as `<U+XXXX>`: an invisible or bidi
/// control character, or a tag character.
fn is_hidden(c: char) -> bool {
    crate::text::canon::bidi_name(c).is_some()
        || crate::text::canon::invisible_name(c).is_some()
        || ('\u{E0000}'..='\u{E007F}').contains(&c)
}

/// Terminal styling.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    /// Deleted words: `[-words-]`, red when coloured.
    pub fn del(&self, s: &str) -> String {
        self.paint("1;31", &format!("[-{s}-]"))
    }
    /// Inserted words: `{+words+}`, green when coloured.
    pub fn ins(&self, s: &str) -> String {
        self.paint("1;32", &format!("{{+{s}+}}"))
    }
    /// Emphasis.
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}

/// Most words of unchanged context shown around a change.
pub(crate) const CONTEXT_WORDS: usize = 10;

/// A one-line inline diff (wdiff style) of two texts, unchanged stretches
/// longer than twice [`CONTEXT_WORDS`] shortened with an ellipsis.
pub fn inline_diff(a: &str, b: &str, st: Style) -> String {
    let pieces = word_pieces(a, b);
    let n = pieces.len();
    let mut s = String::new();
    for (i, p) in pieces.iter().enumerate() {
        match p.tag {
            PieceTag::Same => {
                let keep_head = if i == 0 { 0 } else { CONTEXT_WORDS };
                let keep_tail = if i + 1 == n { 0 } else { CONTEXT_WORDS };
                elide(&p.text, keep_head, keep_tail, &mut s);
            }
            PieceTag::Del => s.push_str(&st.del(&p.text)),
            PieceTag::Ins => {
                if i > 0 && pieces[i - 1].tag == PieceTag::Del {
                    s.push(' ');
                }
                s.push_str(&st.ins(&p.text))
            }
        }
    }
    visible(&s)
}

/// Push `t` onto `s`, its words (split at single spaces) cut to the first
/// `keep_head` and the last `keep_tail` with an ellipsis between, when it
/// has more than one word besides them. The first and last few words are
/// found without splitting the whole text (a long unchanged stretch is
/// most of a section).
fn elide(t: &str, keep_head: usize, keep_tail: usize, s: &mut String) {
    let words = memchr::memchr_iter(b' ', t.as_bytes()).count() + 1;
    if words <= keep_head + keep_tail + 1 {
        s.push_str(t);
        return;
    }
    let head = match keep_head {
        0 => "",
        k => &t[..t.match_indices(' ').nth(k - 1).map_or(0, |(at, _)| at)],
    };
    let tail = match keep_tail {
        0 => "",
        k => {
            &t[t.rmatch_indices(' ')
                .nth(k - 1)
                .map_or(t.len(), |(at, _)| at + 1)..]
        }
    };
    s.push_str(head);
    if keep_head > 0 {
        s.push(' ');
    }
    s.push('\u{2026}');
    if keep_tail > 0 {
        s.push(' ');
    }
    s.push_str(tail);
}

/// A section's marker (`• `, `7. `) and the rest of its published text.
pub fn split_marker(t: &str) -> (&str, &str) {
    match crate::text::canon::parse_marker(t) {
        Some((_, n)) => t.split_at(n),
        None => ("", t),
    }
}

/// A section's published text without its list marker.
pub fn strip_marker(t: &str) -> &str {
    split_marker(t).1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`elide`] as it was written first, splitting the whole text.
    fn elide_by_splitting(t: &str, keep_head: usize, keep_tail: usize) -> String {
        let w: Vec<&str> = t.split(' ').collect();
        if w.len() <= keep_head + keep_tail + 1 {
            return t.to_owned();
        }
        let mut s = w[..keep_head].join(" ");
        if keep_head > 0 {
            s.push(' ');
        }
        s.push('\u{2026}');
        if keep_tail > 0 {
            s.push(' ');
        }
        s.push_str(&w[w.len() - keep_tail..].join(" "));
        s
    }

    proptest::proptest! {
        /// Words, runs of spaces, and spaces at either end, cut as the
        /// whole split cuts them.
        #[test]
        fn elide_cuts_as_splitting_does(
            parts in proptest::collection::vec(0usize..5, 0..60),
            keep_head in 0usize..4,
            keep_tail in 0usize..4,
        ) {
            const PIECES: [&str; 5] = ["a", "word", " ", "\u{e9}t\u{e9}", "  "];
            let t: String = parts.iter().map(|&k| PIECES[k]).collect();
            let mut s = String::from(">");
            elide(&t, keep_head, keep_tail, &mut s);
            proptest::prop_assert_eq!(&s[1..], elide_by_splitting(&t, keep_head, keep_tail));
        }
    }

    /// `visible` is the character-by-character rewrite, on text that mixes
    /// ASCII with hidden characters at its start, middle and end, and with
    /// other non-ASCII text.
    #[test]
    fn visible_rewrites_hidden_characters_and_nothing_else() {
        let oracle = |s: &str| -> String {
            s.chars()
                .map(|c| match is_hidden(c) {
                    true => format!("<U+{:04X}>", c as u32),
                    false => c.to_string(),
                })
                .collect()
        };
        for s in [
            "",
            "plain ASCII, nothing to do",
            "\u{202E}starts hidden",
            "ends hidden\u{200B}",
            "women\u{2019}s rights \u{2013} \u{00AD}soft and \u{E0041} tag",
            "\u{FEFF}\u{2066}\u{2069}",
            "\u{067E}\u{0627}\u{0631}\u{06CC}\u{0633} \u{200F}Paris",
        ] {
            assert_eq!(visible(s), oracle(s), "{s:?}");
        }
        assert_eq!(visible("a\u{202E}b"), "a<U+202E>b");
    }
}
