//! `vellum diff` from the command line: the sides it accepts, its exit
//! codes (0 same, 1 different, 2 trouble, like diff(1)), the human view and
//! the JSON report (docs/diff-report.md).

mod common;

use common::*;
use serde_json::Value;

fn decl() -> String {
    std::fs::read_to_string(declaration()).expect("read the declaration")
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("JSON: {e}\n{}", describe(o)))
}

/// Statuses of the sections that are not unchanged, in order.
fn changed(v: &Value) -> Vec<(String, String)> {
    v["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter(|s| s["status"] != "unchanged")
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_reformatted_text_is_the_same_text() {
    let env = TestEnv::new();
    env.write("old.txt", decl());
    // Rewrapped at 40 columns, CRLF, straight apostrophes, a BOM.
    let mut wrapped = String::from("\u{FEFF}");
    for para in decl().split("\n\n") {
        let mut col = 0;
        for w in para.split_whitespace() {
            if col > 0 && col + w.len() > 40 {
                wrapped.push_str("\r\n");
                col = 0;
            } else if col > 0 {
                wrapped.push(' ');
                col += 1;
            }
            wrapped.push_str(&w.replace('\u{2019}', "'"));
            col += w.len();
        }
        wrapped.push_str("\r\n\r\n");
    }
    env.write("new.txt", wrapped);
    let o = env.vellum(["diff", "old.txt", "new.txt"]);
    assert_code(&o, 0, "diff of a reformatted copy");
    assert_says(&o, "same canonical text", "diff of a reformatted copy");
}

#[test]
fn texts_that_differ_are_reported_section_by_section() {
    let env = TestEnv::new();
    env.write("old.txt", decl());
    let d = decl();
    let p6 = d.lines().find(|l| l.starts_with("6. ")).unwrap();
    let p7 = d.lines().find(|l| l.starts_with("7. ")).unwrap();
    let bullet2 = d
        .lines()
        .find(|l| l.starts_with("• The suppression"))
        .unwrap();
    let new = d
        .replace("87 billion", "78 billion")
        .replace(bullet2, "")
        .replace(p6, "@@P6@@")
        .replace(p7, &p6.replacen("6. ", "7. ", 1))
        .replace("@@P6@@", &p7.replacen("7. ", "6. ", 1))
        .replacen("\n\n", "\n\nA paragraph the convention never wrote.\n\n", 1);
    env.write("new.txt", new);

    let o = env.vellum(["diff", "old.txt", "new.txt"]);
    assert_code(&o, 1, "diff of altered texts");
    let human = stdout(&o);
    assert!(human.contains("@@ bullet-8 changed: number @@"), "{human}");
    assert!(human.contains("@@ bullet-2 removed"), "{human}");
    assert!(human.contains("added"), "{human}");
    assert!(human.contains("unchanged\n"), "{human}");

    let o = env.vellum(["diff", "old.txt", "new.txt", "--json"]);
    assert_code(&o, 1, "diff --json");
    let v = json(&o);
    assert_eq!(v["schema"], "vellum-diff-report-v1");
    assert_eq!(v["same"], false);
    assert_eq!(v["old"]["label"], "old.txt");
    assert!(v["old"]["version"].is_null());
    let statuses = changed(&v);
    assert!(
        statuses.contains(&("bullet-8".into(), "changed".into())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("bullet-2".into(), "removed".into())),
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .any(|(id, s)| id.starts_with("added-") && s == "added"),
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .any(|(id, s)| (id == "point-6" || id == "point-7") && s == "moved"),
        "two points swapped: one of them moved: {statuses:?}"
    );
    // Every section's entry carries id, status, text and changes; the
    // number change is classed as such, with the old and new words.
    for s in v["sections"].as_array().unwrap() {
        for field in ["id", "status", "text", "changes"] {
            assert!(!s[field].is_null(), "{field} in {s}");
        }
    }
    let b8 = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "bullet-8")
        .unwrap();
    assert_eq!(b8["changes"][0]["class"], "number");
    assert_eq!(b8["changes"][0]["sealed"], "87");
    assert_eq!(b8["changes"][0]["found"], "78");
    let sm = &v["summary"];
    assert_eq!(sm["changed"], 1, "{sm}");
    assert_eq!(sm["removed"], 1, "{sm}");
    // The new paragraph, and the new place of the moved point (its words
    // classed as a change of order).
    assert_eq!(sm["added"], 2, "{sm}");
    let added: Vec<&Value> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "added")
        .collect();
    assert!(
        added
            .iter()
            .any(|s| s["text"] == "A paragraph the convention never wrote."),
        "{added:?}"
    );
    assert!(
        added.iter().any(|s| s["changes"][0]["class"] == "order"),
        "{added:?}"
    );
    let total: u64 = ["unchanged", "changed", "removed", "moved"]
        .iter()
        .map(|k| sm[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, 30, "each of the 30 old sections counted once: {sm}");
}

#[test]
fn versions_of_an_archive() {
    let env = TestEnv::new();
    let key = env.keygen("publisher");
    let a = env.seal_two_versions(&key, ARCHIVE);
    let trust = key.public.to_str().unwrap().to_owned();
    let arch = a.to_str().unwrap().to_owned();

    // The archive alone: its last two versions.
    let o = env.vellum(["diff", &arch, "--trust", &trust, "--json"]);
    assert_code(&o, 1, "diff ARCHIVE");
    let v = json(&o);
    assert_eq!(v["old"]["version"]["version"], 1);
    assert_eq!(v["new"]["version"]["version"], 2);
    assert_eq!(
        changed(&v),
        vec![("bullet-8".to_owned(), "changed".to_owned())]
    );

    // The same pair named explicitly; a version against itself.
    let v1 = format!("{arch}@v1");
    let v2 = format!("{arch}@v2");
    let o = env.vellum(["diff", &v1, &v2, "--trust", &trust]);
    assert_code(&o, 1, "diff @v1 @v2");
    assert_says(&o, "bullet-8", "diff @v1 @v2");
    let o = env.vellum(["diff", &v1, &v1, "--trust", &trust]);
    assert_code(&o, 0, "diff @v1 @v1");

    // A text against a version; the archive as a side is its newest one.
    env.write("v2-copy.txt", declaration_v2());
    let o = env.vellum(["diff", &arch, "v2-copy.txt", "--trust", &trust]);
    assert_code(&o, 0, "newest version against the same text");
    let o = env.vellum(["diff", &v1, "v2-copy.txt", "--trust", &trust]);
    assert_code(&o, 1, "v1 against the v2 text");
}

#[test]
fn trouble_is_exit_2_with_one_line() {
    let env = TestEnv::new();
    env.write("a.txt", decl());
    std::fs::create_dir_all(env.path("folder")).unwrap();
    // Damaged UTF-8 (a broken sequence among valid ones); bytes that are
    // no UTF-8 at all are read as a legacy encoding, like any copy.
    env.write(
        "bad.txt",
        "caf\u{e9} \u{2019}abc\u{2019}"
            .as_bytes()
            .iter()
            .chain(b"\xFF\xFEdef")
            .copied()
            .collect::<Vec<u8>>(),
    );
    let o = env.vellum(["diff", "a.txt", "missing.txt"]);
    assert_code(&o, 2, "missing side");
    assert_one_line_error(&o, "missing.txt", "missing side");
    let o = env.vellum(["diff", "a.txt", "folder"]);
    assert_code(&o, 2, "a folder");
    assert_one_line_error(&o, "folder", "a folder");
    let o = env.vellum(["diff", "a.txt", "bad.txt"]);
    assert_code(&o, 2, "damaged UTF-8");
    assert_one_line_error(&o, "bad.txt", "damaged UTF-8");

    // An archive with one version, given alone: nothing to compare.
    let key = env.keygen("publisher");
    let a = env.seal_v1(&key, ARCHIVE);
    let o = env.vellum([
        "diff",
        a.to_str().unwrap(),
        "--trust",
        key.public.to_str().unwrap(),
    ]);
    assert_code(&o, 2, "one version alone");
    assert_one_line_error(&o, "one version", "one version alone");
}
