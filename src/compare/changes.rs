//! Changes between two wordings and what kind of change each is: shared by
//! `check` and `diff`, so both name changes the same way.

use serde::Serialize;

/// What kind of change a difference is, most telling first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Invisible or bidirectional control characters.
    Invisible,
    /// A look-alike letter from another script.
    Confusable,
    /// A negation added or removed ("not", "never", ...).
    Negation,
    /// A number or date changed.
    Number,
    /// A name or place changed (a capitalized word inside a sentence).
    Name,
    /// Words changed, added or removed.
    Word,
    /// Text moved to another place.
    Order,
    /// Only letter case changed (minor).
    Case,
    /// Only punctuation changed (minor).
    Punctuation,
}

impl Class {
    /// The class's name, as in JSON reports.
    pub fn name(self) -> &'static str {
        match self {
            Class::Invisible => "invisible",
            Class::Confusable => "confusable",
            Class::Negation => "negation",
            Class::Number => "number",
            Class::Name => "name",
            Class::Word => "word",
            Class::Order => "order",
            Class::Case => "case",
            Class::Punctuation => "punctuation",
        }
    }

    /// Minor classes change form more than meaning; still an alteration.
    pub(crate) fn is_minor(self) -> bool {
        matches!(self, Class::Case | Class::Punctuation)
    }
}

/// How the words changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Words replaced by others.
    Replaced,
    /// Words added.
    Inserted,
    /// Words removed.
    Deleted,
    /// Words found elsewhere in the text.
    Moved,
}

/// One change inside a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind of change.
    pub class: Class,
    /// Case or punctuation only.
    pub minor: bool,
    /// Replaced, inserted, deleted, moved.
    pub kind: Kind,
    /// The sealed (or old) words.
    pub sealed: String,
    /// The words found instead.
    pub found: String,
}

/// Words whose presence or absence flips a statement.
pub(crate) const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "nor",
    "neither",
    "none",
    "nobody",
    "nothing",
    "nowhere",
    "cannot",
    "without",
    "n't",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "won't",
    "wouldn't",
    "shouldn't",
    "couldn't",
    "can't",
    "hasn't",
    "haven't",
    "hadn't",
    "mustn't",
    "ne",
    "pas",
    "nicht",
    "kein",
    "nie",
    "نه",
    "نمی",
    "هیچ",
    "نیست",
];

/// Byte length of the longest word in [`NEGATIONS`].
const MAX_NEGATION_BYTES: usize = 12;

/// The bytes a word in [`NEGATIONS`] begins with (lower case, as they are
/// listed): a word beginning otherwise is none of them.
const NEGATION_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < NEGATIONS.len() {
        t[NEGATIONS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

fn is_negation(w: &str) -> bool {
    // Longer than any listed word: only "…n't" can be one (no lower-casing
    // needed for the common case).
    if w.len() > MAX_NEGATION_BYTES {
        let b = w.as_bytes();
        return b[b.len() - 3..].eq_ignore_ascii_case(b"n't");
    }
    // ASCII: no lower-casing to allocate (the listed words are lower case,
    // and the non-ASCII ones cannot equal an ASCII word).
    if w.is_ascii() {
        let b = w.as_bytes();
        let listed = b
            .first()
            .is_some_and(|f| NEGATION_FIRST[f.to_ascii_lowercase() as usize])
            && NEGATIONS.iter().any(|n| n.eq_ignore_ascii_case(w));
        return listed || (b.len() >= 3 && b[b.len() - 3..].eq_ignore_ascii_case(b"n't"));
    }
    let l = w.to_lowercase();
    NEGATIONS.contains(&l.as_str()) || l.ends_with("n't")
}

fn is_invisible(w: &str) -> bool {
    // Every character below is outside ASCII.
    !w.is_ascii()
        && w.chars().any(|c| {
            crate::text::canon::bidi_name(c).is_some()
                || crate::text::canon::invisible_name(c).is_some()
                || ('\u{E0000}'..='\u{E007F}').contains(&c)
                || matches!(
                    c,
                    '\u{200C}' | '\u{200D}' | '\u{2061}'..='\u{2064}' | '\u{034F}'
                )
        })
}

fn is_punct(w: &str) -> bool {
    w.chars().all(|c| !c.is_alphanumeric())
}

fn has_digit(w: &str) -> bool {
    w.chars().any(|c| c.is_numeric())
}

fn is_capitalized(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn skeleton(w: &str) -> String {
    unicode_security::skeleton(w).collect()
}

/// Do two words differ only by look-alike characters (UTS #39 skeletons),
/// not merely by case? The skeleton is a detector here, never a comparison
/// key: the words themselves differ.
pub(crate) fn confusable(a: &str, b: &str) -> bool {
    a != b && a.to_lowercase() != b.to_lowercase() && skeleton(a) == skeleton(b)
}

/// Classify a change from the sealed words to the found words. `sentence_start`
/// says the first sealed word opens a sentence (so its capital is not a name).
pub fn classify<'a>(sealed: &[&'a str], found: &[&'a str], sentence_start: bool) -> Class {
    let all = || sealed.iter().chain(found.iter());
    if all().any(|w| is_invisible(w)) {
        return Class::Invisible;
    }
    if !sealed.is_empty() && sealed.len() == found.len() {
        let diff: Vec<(&&str, &&str)> = sealed.iter().zip(found).filter(|(a, b)| a != b).collect();
        if !diff.is_empty() && diff.iter().all(|(a, b)| confusable(a, b)) {
            return Class::Confusable;
        }
        if !diff.is_empty()
            && diff
                .iter()
                .all(|(a, b)| a.to_lowercase() == b.to_lowercase())
        {
            return Class::Case;
        }
    }
    // Words on one side and not the other.
    // (A set, not a scan: a replaced stretch can be thousands of words.)
    let only = |x: &[&'a str], y: &[&str]| -> Vec<&'a str> {
        if x.is_empty() || y.is_empty() {
            return x.to_vec();
        }
        let ys: rustc_hash::FxHashSet<&str> = y.iter().copied().collect();
        x.iter().copied().filter(|w| !ys.contains(w)).collect()
    };
    let gone = only(sealed, found);
    let new = only(found, sealed);
    let changed: Vec<&str> = gone.iter().chain(new.iter()).copied().collect();
    if changed.iter().any(|w| is_negation(w)) {
        return Class::Negation;
    }
    if changed.iter().any(|w| has_digit(w)) {
        return Class::Number;
    }
    if !changed.is_empty() && changed.iter().all(|w| is_punct(w)) {
        return Class::Punctuation;
    }
    let first_sealed = sealed.first().copied();
    let name = changed
        .iter()
        .any(|w| is_capitalized(w) && !(sentence_start && Some(*w) == first_sealed) && w.len() > 1);
    if name {
        return Class::Name;
    }
    Class::Word
}

/// Build a change record.
pub fn change(kind: Kind, sealed: &[&str], found: &[&str], sentence_start: bool) -> Change {
    let class = if kind == Kind::Moved {
        Class::Order
    } else {
        classify(sealed, found, sentence_start)
    };
    Change {
        class,
        minor: class.is_minor(),
        kind,
        sealed: sealed.join(" "),
        found: found.join(" "),
    }
}

impl Change {
    /// The same change shown with the words as they are spaced in the
    /// texts (`sealed`, `found`: the stretches the tokens were cut from),
    /// so "strong-arm" reads as written rather than as "strong - arm";
    /// line breaks and runs of white space read as one space. A side with
    /// no words stays empty.
    pub fn spaced_as(mut self, sealed: &str, found: &str) -> Change {
        if !self.sealed.is_empty() {
            self.sealed = sealed.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        if !self.found.is_empty() {
            self.found = found.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negation_word_lengths() {
        let longest = NEGATIONS.iter().map(|w| w.len()).max().unwrap();
        assert!(longest <= MAX_NEGATION_BYTES, "{longest}");
        assert!(is_negation("NOT") && is_negation("SUPERCALIFRAGN'T"));
        assert!(is_negation("SHOULDN'T") && !is_negation("understanding"));
        for w in NEGATIONS {
            assert_eq!(w.to_lowercase(), *w);
            assert!(is_negation(w) && is_negation(&w.to_uppercase()), "{w}");
        }
        assert!(!is_negation("the") && !is_negation("Now") && !is_negation(""));
    }

    #[test]
    fn classes() {
        assert_eq!(classify(&["87"], &["78"], false), Class::Number);
        assert_eq!(classify(&[], &["not"], false), Class::Negation);
        assert_eq!(classify(&["Paris"], &["Lyon"], false), Class::Name);
        assert_eq!(
            classify(&["Paris"], &["\u{420}aris"], false),
            Class::Confusable
        );
        assert_eq!(classify(&["Paris"], &["paris"], false), Class::Case);
        assert_eq!(classify(&[";"], &["."], false), Class::Punctuation);
        assert_eq!(classify(&["strong"], &["weak"], false), Class::Word);
        assert_eq!(classify(&[], &["\u{202E}"], false), Class::Invisible);
        assert!(Class::Case.is_minor() && !Class::Number.is_minor());
        for c in [
            Class::Invisible,
            Class::Confusable,
            Class::Negation,
            Class::Number,
            Class::Name,
            Class::Word,
            Class::Order,
            Class::Case,
            Class::Punctuation,
        ] {
            assert_eq!(serde_json::to_value(c).unwrap(), c.name());
        }
    }
}
