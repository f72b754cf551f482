//! Diffs between two versions or two texts, section by section and word by
//! word.
//!
//! A diff is a check of the new text against the old one: the same
//! canonical text, the same alignment engine and the same change classes, so
//! `diff` and `check` can never disagree about what changed. Sections of the
//! old text are reported unchanged, changed, removed or moved; text only the
//! new one has is reported added.

use crate::compare::changes::Change;
use crate::compare::check::{self, Sealed, Status};
use crate::text::sections::Kind;
use serde::Serialize;

/// What happened to a section between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffStatus {
    /// Same words.
    Unchanged,
    /// Words changed.
    Changed,
    /// Only in the new side.
    Added,
    /// Only in the old side.
    Removed,
    /// Same words, elsewhere.
    Moved,
}

impl DiffStatus {
    /// The status as a word, as in JSON reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffStatus::Unchanged => "unchanged",
            DiffStatus::Changed => "changed",
            DiffStatus::Added => "added",
            DiffStatus::Removed => "removed",
            DiffStatus::Moved => "moved",
        }
    }
}

/// One section of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffSection {
    /// Section id on the old side (`added-N` for new text).
    pub id: String,
    /// Kind of section.
    pub kind: Option<Kind>,
    /// Printed number of a numbered point.
    pub number: Option<u32>,
    /// What happened to it.
    pub status: DiffStatus,
    /// The old text as published (new text for added sections); shared
    /// with the prepared old text, not copied.
    pub text: std::sync::Arc<str>,
    /// The new wording, for changed sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_text: Option<String>,
    /// Word-level changes.
    pub changes: Vec<Change>,
}

/// Counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffSummary {
    /// Unchanged sections.
    pub unchanged: usize,
    /// Changed sections.
    pub changed: usize,
    /// Added passages.
    pub added: usize,
    /// Removed sections.
    pub removed: usize,
    /// Moved sections.
    pub moved: usize,
}

/// The result of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// The canonical texts are identical.
    pub same: bool,
    /// Counts.
    pub summary: DiffSummary,
    /// Every old section in order, with added text where it stands.
    pub sections: Vec<DiffSection>,
    /// Notes that are not word changes (structure, renumbering).
    pub notes: Vec<String>,
}

/// Diff an old text (prepared) against a new one.
pub fn diff(old: &Sealed, new_text: &str) -> DiffReport {
    diff_canonical(old, &crate::text::canon::Canonical::fast(new_text))
}

/// Diff an old text (prepared) against a new one in canonical form.
pub fn diff_canonical(old: &Sealed, new: &crate::text::canon::Canonical) -> DiffReport {
    let same = old.same_canonical(new);
    let r = check::check_whole(old, new, check::Counts::Bound);
    let mut summary = DiffSummary::default();
    let sections: Vec<DiffSection> = r
        .sections
        .into_iter()
        .map(|s| {
            let status = match s.status {
                // A text compared whole has no partial sections.
                Status::Intact | Status::Partial => DiffStatus::Unchanged,
                Status::Altered => DiffStatus::Changed,
                Status::Missing => DiffStatus::Removed,
                Status::Moved => DiffStatus::Moved,
                Status::Added => DiffStatus::Added,
            };
            match status {
                DiffStatus::Unchanged => summary.unchanged += 1,
                DiffStatus::Changed => summary.changed += 1,
                DiffStatus::Added => summary.added += 1,
                DiffStatus::Removed => summary.removed += 1,
                DiffStatus::Moved => summary.moved += 1,
            }
            DiffSection {
                id: s.id,
                kind: s.kind,
                number: s.number,
                status,
                text: s.text,
                new_text: s.found,
                changes: s.changes,
            }
        })
        .collect();
    let mut notes: Vec<String> = r
        .warnings
        .into_iter()
        .filter(|w| !w.contains("excerpt") && !w.contains("stops early"))
        .collect();
    if !same && summary.changed + summary.added + summary.removed + summary.moved == 0 {
        notes.push(
            "the words are the same; only the structure differs (paragraph breaks or list markers)"
                .to_owned(),
        );
    }
    DiffReport {
        same,
        summary,
        sections,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(a: &str, b: &str) -> DiffReport {
        let s = Sealed::new(a);
        diff(&s, b)
    }

    #[test]
    fn same_text_reformatted_is_same() {
        let r = run(
            "One two.\n\nThree four.\n",
            "One   two.\r\n\r\nThree\nfour.",
        );
        assert!(r.same);
        assert_eq!(r.summary.unchanged, 2);
    }

    #[test]
    fn statuses() {
        let a = "Alpha beta gamma delta.\n\nSecond paragraph here now.\n\nThird one stays put.\n";
        let b = "Alpha beta gamma epsilon.\n\nThird one stays put.\n\nA new closing paragraph appears.\n";
        let r = run(a, b);
        assert!(!r.same);
        let st: Vec<(&str, DiffStatus)> = r
            .sections
            .iter()
            .map(|s| (s.id.as_str(), s.status))
            .collect();
        assert_eq!(st[0], ("paragraph-1", DiffStatus::Changed));
        assert_eq!(st[1], ("paragraph-2", DiffStatus::Removed));
        assert_eq!(st[2], ("paragraph-3", DiffStatus::Unchanged));
        assert_eq!(st[3].1, DiffStatus::Added);
    }
}
