//! Renderings of results for people and programs: human text (with colour
//! when asked) and JSON. HTML reports live in [`crate::report::html`].

pub mod html;

use crate::compare::align::{self, Tag};
use crate::compare::check::{CheckReport, Status};
use crate::text::words::Doc;
use serde::Serialize;

/// Which sealed version a check or diff was made against.
#[derive(Debug, Clone, Serialize)]
pub struct Against {
    /// The archive file.
    pub archive_path: String,
    /// The archive id.
    pub archive: String,
    /// Version number.
    pub version: u32,
    /// When that version was sealed.
    pub created: String,
    /// Who signed it.
    pub signer_key_id: String,
    /// SHA-256 of its manifest.
    pub manifest_sha256: String,
    /// Canonical-text specification.
    pub canonical_text: String,
}

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
    let part = |d: &Doc, s: usize, e: usize| -> (String, String) {
        if s >= e {
            return (String::new(), String::new());
        }
        let from = d.tokens[s].start as usize;
        let to = d.tokens[e - 1].end as usize;
        let next = d
            .tokens
            .get(e)
            .map(|t| t.start as usize)
            .unwrap_or(d.text.len());
        (d.text[from..to].to_owned(), d.text[to..next].to_owned())
    };
    for op in &ops {
        let (ta, wa) = part(&da, op.a.start, op.a.end);
        let (tb, wb) = part(&db, op.b.start, op.b.end);
        match op.tag {
            Tag::Equal => {
                push(PieceTag::Same, &ta);
                push(PieceTag::Same, &wb);
            }
            Tag::Delete => {
                push(PieceTag::Del, &ta);
                push(PieceTag::Same, &wa);
            }
            Tag::Insert => {
                push(PieceTag::Ins, &tb);
                push(PieceTag::Same, &wb);
            }
            Tag::Replace => {
                push(PieceTag::Del, &ta);
                push(PieceTag::Ins, &tb);
                push(PieceTag::Same, &wb);
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
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if crate::text::canon::bidi_name(c).is_some()
            || crate::text::canon::invisible_name(c).is_some()
            || ('\u{E0000}'..='\u{E007F}').contains(&c)
        {
            o.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            o.push(c);
        }
    }
    o
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
pub const CONTEXT_WORDS: usize = 10;

/// A one-line inline diff (wdiff style) of two texts, unchanged stretches
/// longer than twice [`CONTEXT_WORDS`] shortened with an ellipsis.
pub fn inline_diff(a: &str, b: &str, st: Style) -> String {
    let pieces = word_pieces(a, b);
    let n = pieces.len();
    let mut s = String::new();
    for (i, p) in pieces.iter().enumerate() {
        match p.tag {
            PieceTag::Same => {
                let w: Vec<&str> = p.text.split(' ').collect();
                let keep_head = if i == 0 { 0 } else { CONTEXT_WORDS };
                let keep_tail = if i + 1 == n { 0 } else { CONTEXT_WORDS };
                if w.len() > keep_head + keep_tail + 1 {
                    s.push_str(&w[..keep_head].join(" "));
                    if keep_head > 0 {
                        s.push(' ');
                    }
                    s.push('\u{2026}');
                    if keep_tail > 0 {
                        s.push(' ');
                    }
                    s.push_str(&w[w.len() - keep_tail..].join(" "));
                } else {
                    s.push_str(&p.text);
                }
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

/// Human-readable check result: verdict first, then each section that is not
/// intact with sealed and found wording, then warnings.
pub fn check_human(copy: &str, against: &Against, r: &CheckReport, st: Style) -> String {
    let mut s = String::new();
    let verdict = r.verdict.as_str().to_uppercase();
    let detail = match r.verdict {
        crate::compare::check::Verdict::Authentic => {
            "every sealed section present and intact; only formatting differs".to_owned()
        }
        crate::compare::check::Verdict::Excerpt => format!(
            "an intact, contiguous part of the sealed text ({} of {} sections)",
            r.summary.intact, r.summary.sections
        ),
        crate::compare::check::Verdict::Altered => {
            let mut parts = Vec::new();
            for (n, w) in [
                (r.summary.altered, "altered"),
                (r.summary.missing, "missing"),
                (r.summary.moved, "moved"),
                (r.summary.added, "added"),
            ] {
                if n > 0 {
                    parts.push(format!("{n} {w}"));
                }
            }
            if parts.is_empty() {
                "the copy is not the sealed text".to_owned()
            } else {
                format!("sections: {}", parts.join(", "))
            }
        }
        crate::compare::check::Verdict::Unrelated => format!(
            "no meaningful overlap ({} of {} words match)",
            r.summary.matched_words, r.summary.copy_words
        ),
    };
    s.push_str(&format!("{copy}: {}  {detail}\n", st.bold(&verdict)));
    s.push_str(&format!(
        "  against {} v{} (sealed {}, key {}) in {}\n",
        against.archive,
        against.version,
        against.created,
        against.signer_key_id,
        against.archive_path
    ));
    if r.verdict != crate::compare::check::Verdict::Unrelated {
        let excerpt = r.verdict == crate::compare::check::Verdict::Excerpt;
        for sec in &r.sections {
            match sec.status {
                Status::Intact => {}
                Status::Missing if excerpt => {}
                Status::Missing => {
                    s.push_str(&format!(
                        "\n  {} MISSING\n    sealed: {}\n",
                        sec.id, sec.text
                    ));
                }
                Status::Moved => {
                    s.push_str(&format!(
                        "\n  {} MOVED (order)\n    sealed: {}\n",
                        sec.id, sec.text
                    ));
                }
                Status::Added => {
                    s.push_str(&format!(
                        "\n  {} ADDED (not in the sealed text)\n    copy:   {}\n",
                        sec.id,
                        st.ins(&sec.text)
                    ));
                }
                Status::Altered => {
                    let classes: Vec<String> = {
                        let mut c: Vec<String> = sec
                            .changes
                            .iter()
                            .map(|c| {
                                let n = c.class.name().to_owned();
                                if c.minor {
                                    format!("{n} (minor)")
                                } else {
                                    n
                                }
                            })
                            .collect();
                        c.dedup();
                        c
                    };
                    s.push_str(&format!("\n  {} ALTERED: {}\n", sec.id, classes.join(", ")));
                    let sealed_words = strip_marker(&sec.text);
                    let found = sec.found.clone().unwrap_or_default();
                    s.push_str(&format!("    {}\n", inline_diff(sealed_words, &found, st)));
                    for c in &sec.changes {
                        let cls = c.class.name().to_owned();
                        s.push_str(&format!(
                            "    {cls:<12} sealed: {:<24} copy: {}\n",
                            if c.sealed.is_empty() {
                                "(nothing)".to_owned()
                            } else {
                                format!("{:?}", c.sealed)
                            },
                            if c.found.is_empty() {
                                "(nothing)".to_owned()
                            } else {
                                format!("{:?}", c.found)
                            }
                        ));
                    }
                }
            }
        }
    }
    for w in &r.warnings {
        s.push_str(&format!("  warning: {w}\n"));
    }
    s
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

/// Schema id of check reports.
pub const CHECK_SCHEMA: &str = "vellum-check-report-v1";

/// The JSON form of a check result (schema: `docs/check-report.md`),
/// borrowing everything: serialized straight to text, no value tree.
#[derive(Serialize)]
pub struct CheckJson<'a> {
    schema: &'static str,
    copy: &'a str,
    verdict: crate::compare::check::Verdict,
    archive: &'a str,
    archive_path: &'a str,
    version: u32,
    created: &'a str,
    signer_key_id: &'a str,
    manifest_sha256: &'a str,
    canonical_text: &'a str,
    summary: &'a crate::compare::check::Summary,
    sections: SectionsJson<'a>,
    warnings: &'a [String],
}

/// The sections of a report, with the sealed texts escaped once.
struct SectionsJson<'a> {
    sections: &'a [crate::compare::check::SectionReport],
    sealed: Option<&'a crate::compare::check::Sealed>,
}

/// One section: the fields of [`crate::compare::check::SectionReport`], in order.
#[derive(Serialize)]
struct SectionJson<'a> {
    id: &'a str,
    kind: Option<crate::text::sections::Kind>,
    number: Option<u32>,
    status: crate::compare::check::Status,
    text: TextJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<&'a str>,
    changes: &'a [crate::compare::changes::Change],
}

#[derive(Serialize)]
#[serde(untagged)]
enum TextJson<'a> {
    Escaped(&'a serde_json::value::RawValue),
    Plain(&'a str),
}

impl Serialize for SectionsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.sections.len()))?;
        for r in self.sections {
            let text = match self.sealed.and_then(|x| x.text_json(&r.text)) {
                Some(raw) => TextJson::Escaped(raw),
                None => TextJson::Plain(&r.text),
            };
            seq.serialize_element(&SectionJson {
                id: &r.id,
                kind: r.kind,
                number: r.number,
                status: r.status,
                text,
                found: r.found.as_deref(),
                changes: &r.changes,
            })?;
        }
        seq.end()
    }
}

/// The JSON form of a check result; `sealed`, the version checked against,
/// lends its section texts already escaped.
pub fn check_json<'a>(
    copy: &'a str,
    against: &'a Against,
    r: &'a CheckReport,
    sealed: Option<&'a crate::compare::check::Sealed>,
) -> CheckJson<'a> {
    CheckJson {
        schema: CHECK_SCHEMA,
        copy,
        verdict: r.verdict,
        archive: &against.archive,
        archive_path: &against.archive_path,
        version: against.version,
        created: &against.created,
        signer_key_id: &against.signer_key_id,
        manifest_sha256: &against.manifest_sha256,
        canonical_text: &against.canonical_text,
        summary: &r.summary,
        sections: SectionsJson {
            sections: &r.sections,
            sealed,
        },
        warnings: &r.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sections written with their sealed texts escaped once are the
    /// sections as they serialize themselves: no field lost or renamed.
    #[test]
    fn escaped_sections_serialize_like_reports() {
        let decl = include_str!("../../tests/data/declaration.txt");
        let sealed = crate::compare::check::Sealed::new(decl);
        let first = decl.find("\n\n").unwrap();
        let copy = format!(
            "{}\n\nA whole new paragraph that the convention never wrote, inserted here.{}",
            &decl[..first],
            &decl[first..]
        )
        .replace("87 billion", "78 billion")
            + "\nAn added line.\n";
        let r = crate::compare::check::check(&sealed, &copy);
        assert!(r.sections.iter().any(|s| s.found.is_some()));
        assert!(r.sections.iter().any(|s| s.kind.is_none()));
        let against = Against {
            archive_path: "a.zip".into(),
            archive: "a".into(),
            version: 1,
            created: "2014-02-08T18:00:00Z".into(),
            signer_key_id: "K".into(),
            manifest_sha256: "00".into(),
            canonical_text: crate::text::canon::SPEC_ID.into(),
        };
        let fast = serde_json::to_string(&check_json("c", &against, &r, Some(&sealed))).unwrap();
        let plain = serde_json::to_string(&check_json("c", &against, &r, None)).unwrap();
        assert_eq!(fast, plain);
        let v: serde_json::Value = serde_json::from_str(&fast).unwrap();
        assert_eq!(v["sections"], serde_json::to_value(&r.sections).unwrap());
    }
}
