//! Unit tests of the phases of a check.

use super::*;

const DECL: &str = include_str!("../../../tests/data/declaration.txt");

/// Check `text` with blocks set aside, with the bound counts of diff,
/// and whole: the reports must agree. Returns whether blocks were set
/// aside at all.
fn assert_planned_is_whole(sealed: &Sealed, text: &str, name: &str) -> bool {
    assert_planned_agrees(sealed, text, name, true)
}

/// As [`assert_planned_is_whole`]; with `exact` false, only the verdict
/// must agree. With several edits, alignment inside regions can choose
/// differently from the whole text: of two swapped paragraphs, which
/// one moved; of a doubled one, which copy is the added one; and, since
/// a word unique in a region may not be unique in the whole text, two
/// paragraphs swapped far apart can come out as the paragraphs between
/// them moved (a known weakness, and why texts under
/// [`PLAN_MIN_BYTES`] are aligned whole).
fn assert_planned_agrees(sealed: &Sealed, text: &str, name: &str, exact: bool) -> bool {
    let canon = Canonical::fast(text);
    let planned = coarse::plan(sealed, &canon).is_some();
    let got = check_whole_planned(sealed, &canon, Counts::Exact, true);
    let (mut whole, bs) = judge_whole(sealed, &Doc::new(&canon), 0, None);
    add_warnings(&mut whole, sealed, &canon, &bs);
    let bound = check_whole_planned(sealed, &canon, Counts::Bound, true);
    let brief = |r: &CheckReport| {
        let sm = &r.summary;
        if !exact {
            // Something is flagged whenever the copy is altered.
            let flagged = sm.intact < sm.sections || sm.added > 0;
            return format!(
                "{:?} {}",
                r.verdict,
                flagged || r.verdict != Verdict::Altered
            );
        }
        let sections: Vec<_> = r
            .sections
            .iter()
            .map(|s| (&s.id, s.status, &s.found, s.changes.len()))
            .collect();
        format!("{:?} {:?} {sections:?}", r.verdict, r.warnings)
    };
    assert_eq!(brief(&got), brief(&whole), "{name}");
    // Bound counts are lower bounds of the word counts, by design.
    assert_eq!(brief(&bound), brief(&whole), "{name} (bound)");
    if exact {
        let words = |r: &CheckReport| {
            let sm = &r.summary;
            (sm.matched_words, sm.sealed_words, sm.copy_words)
        };
        assert_eq!(words(&got), words(&whole), "{name}");
    }
    planned
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

    /// Several edits at once (paragraphs dropped, doubled, swapped or
    /// inserted, words replaced or deleted): with blocks set aside, the
    /// verdict is the whole-text verdict.
    #[test]
    fn several_edits_planned_as_whole(
        edits in proptest::collection::vec((0u8..6, 0usize..64, 0usize..64, 0usize..256), 1..5)
    ) {
        let sealed = Sealed::new(DECL);
        let mut blocks: Vec<String> = DECL.split("\n\n").map(str::to_owned).collect();
        for &(kind, a, b, w) in &edits {
            let n = blocks.len();
            if n == 0 {
                break;
            }
            let (a, b) = (a % n, b % n);
            match kind {
                0 => {
                    blocks.remove(a);
                }
                1 => {
                    let x = blocks[a].clone();
                    blocks.insert(a, x);
                }
                2 => blocks.swap(a, b),
                3 | 5 => {
                    let mut ws: Vec<&str> = blocks[a].split(' ').collect();
                    let k = w % ws.len();
                    if kind == 3 {
                        ws[k] = "ALTERED";
                    } else if ws.len() > 1 {
                        ws.remove(k);
                    }
                    blocks[a] = ws.join(" ");
                }
                _ => blocks.insert(a, "An inserted paragraph of new words.".to_owned()),
            }
        }
        assert_planned_agrees(&sealed, &blocks.join("\n\n"), &format!("{edits:?}"), false);
    }
}

/// Setting identical blocks aside changes nothing: every copy in the
/// test folder gets the same report as when aligned whole.
#[test]
fn setting_blocks_aside_changes_no_report() {
    let sealed = Sealed::new(DECL);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/copies");
    let mut copies: Vec<(String, String)> = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if let Ok((text, _)) = crate::document::read_copy(Some(&name), &bytes) {
            copies.push((name, text));
        }
    }
    // Text added, a line dropped or a line doubled at every place: at
    // the ends above all, where set-aside blocks meet the edges.
    let lines: Vec<&str> = DECL.lines().collect();
    for k in 0..=lines.len() {
        let (a, b) = lines.split_at(k);
        let added = [a, &["An added line of text here."], b].concat().join("\n");
        copies.push((format!("added at line {k}"), added));
        let para = [a, &["", "A new paragraph, not sealed.", ""], b]
            .concat()
            .join("\n");
        copies.push((format!("paragraph added at line {k}"), para));
        if k < lines.len() {
            let dropped = [a, &b[1..]].concat().join("\n");
            copies.push((format!("line {k} dropped"), dropped));
            let doubled = [a, &b[..1], b].concat().join("\n");
            copies.push((format!("line {k} doubled"), doubled));
        }
    }
    let mut planned = 0;
    for (name, text) in copies {
        planned += assert_planned_is_whole(&sealed, &text, &name) as usize;
    }
    assert!(planned > 200, "only {planned} copies were planned");
}

#[test]
fn beginning_cut_off_is_not_an_excerpt() {
    let sealed = Sealed::new(DECL);
    let first = DECL.find(". ").unwrap() + 2;
    let r = check(&sealed, &DECL[first..]);
    assert_eq!(r.verdict, Verdict::Altered, "{:?}", r.warnings);
    // The first sentence is deleted from a text that is otherwise whole.
    assert!(r.sections[0]
        .changes
        .iter()
        .any(|c| c.kind == crate::compare::changes::Kind::Deleted
            && c.sealed.starts_with("On the eve")));
    assert_eq!(r.sections[0].status, Status::Altered);
    // A real excerpt (one point) stays an excerpt.
    let p10 = DECL.lines().find(|l| l.starts_with("10. ")).unwrap();
    assert_eq!(check(&sealed, p10).verdict, Verdict::Excerpt);
}

/// A page dismissed unread is told what it lacks (L0): a run of
/// `prefilter::RUN` words, not a pair, since a pair such as "human rights"
/// it may well share and still be dismissed.
#[test]
fn a_dismissed_page_is_told_what_it_lacks() {
    let sealed = Sealed::new(DECL);
    let filler = "<p>Weather and markets today, with human rights news.</p>\n";
    let page = format!(
        "<!doctype html><html><body>{}</body></html>",
        filler.repeat(prefilter::ALWAYS_READ / filler.len() + 1)
    );
    assert!(page.len() > prefilter::ALWAYS_READ);
    assert!(!sealed.may_carry(page.as_bytes(), true), "dismissed");
    let r = dismissed(&sealed);
    assert_eq!(r.verdict, Verdict::Unrelated);
    let note = r.notes.join(" ");
    assert!(
        note.contains(&format!("no {} consecutive words", prefilter::RUN)),
        "{note}"
    );
    assert!(!note.contains("two consecutive"), "{note}");
}

/// V5: a report that retells the declaration in its own words is told so,
/// and its words are compared case-blind: the same report in capitals
/// shares as many of the sealed text's longer words.
#[test]
fn a_rewording_is_told_so_whatever_its_case() {
    let sealed = Sealed::new(DECL);
    let report = include_str!("../../../tests/documents/reworded-report.txt");
    let note = |text: &str| {
        let r = check(&sealed, text);
        assert_eq!(r.verdict, Verdict::Unrelated);
        r.notes
            .iter()
            .find(|n| n.starts_with("reworded:"))
            .cloned()
            .unwrap_or_default()
    };
    let plain = note(report);
    assert!(
        plain.contains("distinct longer words are the sealed text's"),
        "{plain:?}"
    );
    assert_eq!(note(&report.to_uppercase()), plain);
    // Unrelated prose of as many words is no rewording.
    let other = "Weather markets football gardens recipes holidays concerts ".repeat(20);
    assert_eq!(note(&other), "");
}

/// A change shows its words as the texts space them: a hyphenated word
/// left out reads "strong-arm", not the tokens "strong - arm", and the
/// words put in its place keep the copy's own spacing, line breaks read
/// as one space.
#[test]
fn changes_read_as_the_texts_space_them() {
    let sealed = Sealed::new(DECL);
    let p10 = DECL.lines().find(|l| l.starts_with("10. ")).unwrap();
    assert!(p10.contains("strong-arm tactics"), "{p10}");
    let changes = |copy: &str| {
        let r = check(&sealed, copy);
        assert_eq!(r.verdict, Verdict::Altered, "{copy}");
        r.sections
            .iter()
            .flat_map(|s| s.changes.iter())
            .map(|c| (c.sealed.clone(), c.found.clone()))
            .collect::<Vec<_>>()
    };
    let left_out = p10.replace("strong-arm tactics", "tactics");
    assert_eq!(
        changes(&left_out),
        [("strong-arm".to_owned(), String::new())]
    );
    let replaced = p10.replace("strong-arm tactics", "fair,\nopen tactics");
    assert_eq!(
        changes(&replaced),
        [("strong-arm".to_owned(), "fair, open".to_owned())]
    );
}
