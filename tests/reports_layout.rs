//! The HTML reports lead with the change (issue 14 point 7, issue 10 point
//! 7): the verdict, who signed, a short list of what changed with a link
//! to each changed section, then the sections with every unchanged one
//! folded into a `<details>` (no script), so the change is on the first
//! screen; a document of several passages shows each beside the sealed
//! text it comes from. (tests/reports_browser.rs renders them in Chromium.)

mod common;

use common::{assert_code, TestEnv, ARCHIVE};

/// The part of `html` before the first occurrence of `needle`.
fn before<'a>(html: &'a str, needle: &str) -> &'a str {
    &html[..html
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in the report"))]
}

/// Sections (`<article class="sec ...">`) outside any `<details>`.
fn open_sections(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut rest = html;
    loop {
        let next = ["<details", "</details>", "<article class=\"sec "]
            .iter()
            .filter_map(|t| rest.find(t).map(|i| (i, *t)))
            .min();
        let Some((i, t)) = next else { break };
        rest = &rest[i + t.len()..];
        match t {
            "<details" => depth += 1,
            "</details>" => depth -= 1,
            _ if depth == 0 => {
                let id = rest
                    .split("id=\"")
                    .nth(1)
                    .and_then(|x| x.split('"').next())
                    .unwrap_or("")
                    .to_owned();
                out.push(id);
            }
            _ => {}
        }
    }
    out
}

#[test]
fn a_diff_report_leads_with_its_one_change() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_two_versions(&key, ARCHIVE);
    let o = env.vellum([
        "diff".to_owned(),
        format!("{ARCHIVE}@v1"),
        format!("{ARCHIVE}@v2"),
        "--trust".to_owned(),
        key.public.display().to_string(),
        "--html".to_owned(),
        "diff.html".to_owned(),
    ]);
    assert_code(&o, 1, "diff of two versions");
    let html = std::fs::read_to_string(env.path("diff.html")).expect("report");
    // The verdict, who signed and the change list come before any section.
    let head = before(&html, "<article");
    assert!(head.contains("class=\"verdict bad\""), "verdict first");
    assert!(head.contains("Signature valid"), "who signed, in words");
    assert!(
        head.contains("<a href=\"#bullet-8\"") && head.contains("87"),
        "a link to the changed section, with the change: {head}"
    );
    // Only the changed section is open; the 29 others are folded.
    assert_eq!(open_sections(&html), vec!["bullet-8".to_owned()]);
    assert_eq!(html.matches("<details class=\"same\">").count(), 2);
    assert!(html.contains("10 unchanged sections: paragraph-1 to bullet-7"));
    // The metadata comes after the sections.
    assert!(
        html.find("Sealed text&#39;s fingerprint").unwrap() > html.find("id=\"bullet-8\"").unwrap()
    );
}

#[test]
fn a_check_report_shows_each_passage_beside_the_sealed_text() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_v1(&key, ARCHIVE);
    let page = common::repo_root().join("examples/copies/news-article-misquote.html");
    let o = env.vellum([
        "check".as_ref(),
        ARCHIVE.as_ref(),
        page.as_os_str(),
        "--trust".as_ref(),
        key.public.as_os_str(),
        "--html".as_ref(),
        "check.html".as_ref(),
    ]);
    assert_code(&o, 1, "check of a misquoting article");
    let html = std::fs::read_to_string(env.path("check.html")).expect("report");
    let head = before(&html, "<article");
    assert!(
        head.contains("<a href=\"#point-10\""),
        "the change list links to point-10"
    );
    // Both passages, each with the sealed text beside the document's.
    for p in ["passage-1", "passage-2"] {
        let at = html
            .find(&format!("id=\"{p}\""))
            .unwrap_or_else(|| panic!("no {p}"));
        let art = &html[at..at + html[at..].find("</article>").unwrap()];
        assert!(
            art.contains("<h4>Sealed text</h4>") && art.contains("<h4>This document</h4>"),
            "{p}"
        );
    }
    let at = html.find("id=\"passage-1\"").unwrap();
    let art = &html[at..at + html[at..].find("</article>").unwrap()];
    assert!(
        art.contains("<del>") && art.contains("strong-arm"),
        "the misquote is marked: {art}"
    );
    // Sections the article does not quote are folded, the altered one open.
    assert_eq!(
        open_sections(&html)
            .into_iter()
            .filter(|id| !id.starts_with("passage-"))
            .collect::<Vec<_>>(),
        vec!["point-10".to_owned()]
    );
}
