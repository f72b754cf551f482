//! `vellum prove` and `vellum verify PROOF`: proofs of single sections
//! (rules R1–R7 of docs/archive-format.md), and every way a proof can be
//! wrong, each rejected with a one-line reason (issue 11, point 3).

mod common;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use common::*;
use std::ffi::OsStr;
use std::path::Path;

fn prove(env: &TestEnv, archive: &str, ids: &[&str], key: &Key) -> std::process::Output {
    let mut args: Vec<&OsStr> = vec![OsStr::new("prove"), OsStr::new(archive)];
    args.extend(ids.iter().map(OsStr::new));
    args.extend([OsStr::new("--trust"), key.public.as_os_str()]);
    env.vellum(args)
}

fn verify_proof(env: &TestEnv, proof: &Path, key: &Key) -> std::process::Output {
    env.vellum([
        OsStr::new("verify"),
        proof.as_os_str(),
        OsStr::new("--trust"),
        key.public.as_os_str(),
    ])
}

/// A proof's lines, to edit one.
struct Lines(Vec<String>);

impl Lines {
    fn of(s: &str) -> Lines {
        Lines(s.lines().map(str::to_owned).collect())
    }
    fn at(&self, prefix: &str) -> usize {
        self.0
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line {prefix}"))
    }
    fn set(mut self, i: usize, l: &str) -> Lines {
        self.0[i] = l.to_owned();
        self
    }
    fn insert(mut self, i: usize, l: &str) -> Lines {
        self.0.insert(i, l.to_owned());
        self
    }
    fn remove(mut self, i: usize) -> Lines {
        self.0.remove(i);
        self
    }
    fn text(&self) -> String {
        self.0.join("\n") + "\n"
    }
}

fn flip_b64(s: &str) -> String {
    let mut b = B64.decode(s).unwrap();
    b[5] ^= 0x10;
    B64.encode(b)
}

#[test]
fn prove_writes_proofs_that_verify() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_two_versions(&key, ARCHIVE);

    // One section to a file, with what was proven said on stdout.
    let o = env.vellum([
        OsStr::new("prove"),
        OsStr::new(ARCHIVE),
        OsStr::new("point-7"),
        OsStr::new("-o"),
        OsStr::new("p7.proof"),
        OsStr::new("--trust"),
        key.public.as_os_str(),
    ]);
    assert_code(&o, 0, "prove -o");
    assert_says(
        &o,
        &format!("proved point-7 of {BAG} version 2"),
        "prove -o",
    );
    let proof = std::fs::read_to_string(env.path("p7.proof")).unwrap();
    assert!(proof.starts_with(&format!(
        "vellum-proof-v1\narchive {BAG}\nversion 2\nsection point-7\ntext "
    )));
    assert!(proof.contains("\n\nc2sp.org/tlog-proof@v1\nextra "));
    let o = verify_proof(&env, &env.path("p7.proof"), &key);
    assert_code(&o, 0, "verify the proof");
    let line = stdout(&o).lines().next().unwrap().to_owned();
    assert_eq!(
        line,
        format!(
            "{}: PROVEN point-7 of {BAG} version 2, section 24 of 30, signed by {}",
            env.path("p7.proof").display(),
            key.named()
        )
    );

    // Several sections of an older version, to stdout: one file, several
    // proofs, each checked.
    let o = prove(
        &env,
        &format!("{ARCHIVE}@v1"),
        &["paragraph-1", "bullet-8", "closing-2"],
        &key,
    );
    assert_code(&o, 0, "prove @v1, three sections");
    let all = env.write("three.proof", &o.stdout);
    assert_eq!(stdout(&o).matches("vellum-proof-v1\n").count(), 3);
    let o = verify_proof(&env, &all, &key);
    assert_code(&o, 0, "verify three proofs");
    let out = stdout(&o);
    for id in ["paragraph-1", "bullet-8", "closing-2"] {
        assert!(
            out.contains(&format!("PROVEN {id} of {BAG} version 1,")),
            "{out}"
        );
    }
    // v1 says 87 billion, v2 86: each proof carries its version's text.
    assert!(out.contains("87 billion"), "{out}");

    // --json names each proof's section, index, signers and text.
    let o = env.vellum([
        OsStr::new("verify"),
        all.as_os_str(),
        OsStr::new("--trust"),
        key.public.as_os_str(),
        OsStr::new("--json"),
    ]);
    assert_code(&o, 0, "verify --json");
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["schema"], "vellum-proof-report-v1");
    assert_eq!(j["valid"], true);
    assert_eq!(j["proofs"][1]["proven"]["section"], "bullet-8");
    assert_eq!(
        j["proofs"][1]["proven"]["signers"][0]["fingerprint"],
        key.fingerprint.as_str()
    );

    // No such section, no such version: trouble, in one line.
    let o = prove(&env, ARCHIVE, &["point-99"], &key);
    assert_code(&o, 2, "no such section");
    assert_one_line_error(
        &o,
        "version 2 has no section \"point-99\"",
        "no such section",
    );
    let o = prove(&env, &format!("{ARCHIVE}@v3"), &["point-1"], &key);
    assert_code(&o, 2, "no such version");
    assert_one_line_error(&o, "has versions 1 to 2, not 3", "no such version");
    // A checkpoint no trusted key signed: no proof.
    let other = env.keygen("other");
    let o = prove(&env, ARCHIVE, &["point-1"], &other);
    assert_code(&o, 1, "an untrusted checkpoint");
    assert_one_line_error(&o, "carries no signature of a trusted key", "untrusted");
}

/// Every way of making a proof wrong (issue 11 point 3), each rejected by
/// `vellum verify` in one line, exit 1.
#[test]
fn wrong_proofs_are_rejected_in_one_line_each() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_two_versions(&key, ARCHIVE);
    let good = stdout(&prove(&env, ARCHIVE, &["point-7"], &key));
    // A three-section text: a tree of an odd size.
    let small = env.write("small.txt", "First paragraph of three, a sentence.\n\nSecond paragraph.\n\nThird paragraph, the last one.\n");
    assert_code(
        &env.seal(&small, &key, "odd.zip", T1, "m", &[]),
        0,
        "seal three sections",
    );
    let last = stdout(&prove(&env, "odd.zip", &["paragraph-3"], &key));
    // Another key's checkpoint of the same text, id and version.
    let mallory = env.keygen("mallory");
    std::fs::create_dir(env.path("m")).unwrap();
    env.seal_two_versions(&mallory, &format!("m/{ARCHIVE}"));
    let theirs = stdout(&prove(
        &env,
        &format!("m/{ARCHIVE}"),
        &["point-7"],
        &mallory,
    ));

    let g = || Lines::of(&good);
    let idx = g().at("index ");
    let extra = g().at("extra ");
    let origin = g().at("vellum/");
    let path1 = idx + 1;
    let leaf = B64.decode(&g().0[extra][6..]).unwrap();
    let leaf_text = String::from_utf8(leaf.clone()).unwrap();
    let odd = Lines::of(&last);
    let odd_idx = odd.at("index ");
    let odd_leaf = B64.decode(&odd.0[odd.at("extra ")][6..]).unwrap();
    let odd_leaf_hash = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update([0u8]);
        h.update(&odd_leaf);
        B64.encode(h.finalize())
    };
    let sig_line = Lines::of(&theirs).0.last().unwrap().clone();
    let n_sigs = g().0.len() - 1;

    let claim_v1 =
        format!("the proof says it is from {BAG} version 1, its checkpoint is for {BAG} version 2");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "an edited text",
            good.replacen("\ntext We", "\ntext we", 1),
            "the text does not hash to its leaf's SHA-256",
        ),
        (
            "an edited index",
            g().set(idx, "index 22").text(),
            "the index line says 22, the leaf says 23",
        ),
        (
            "an edited leaf and index",
            g().set(
                extra,
                &format!(
                    "extra {}",
                    B64.encode(leaf_text.replacen(" 23 ", " 22 ", 1))
                ),
            )
            .set(idx, "index 22")
            .text(),
            "the path does not lead to the signed root",
        ),
        (
            "an edited path hash",
            g().set(path1, &flip_b64(&g().0[path1])).text(),
            "the path does not lead to the signed root",
        ),
        (
            "an edited root",
            g().set(origin + 2, &flip_b64(&g().0[origin + 2])).text(),
            "does not verify (the checkpoint was changed)",
        ),
        (
            "an edited size",
            g().set(origin + 1, "31").text(),
            "does not verify (the checkpoint was changed)",
        ),
        (
            "another version's claim",
            g().set(g().at("version "), "version 1").text(),
            &claim_v1,
        ),
        (
            "another archive's claim",
            g().set(g().at("archive "), "archive other-archive").text(),
            "its checkpoint is for paris-2014-02-08 version 2",
        ),
        (
            "another section's claim",
            g().set(g().at("section "), "section point-8").text(),
            "the proof says it is point-8, its leaf is point-7",
        ),
        (
            "a path one hash too long",
            g().insert(path1, &g().0[path1]).text(),
            "the path has more hashes than a tree of this size needs",
        ),
        (
            "a path one hash too short",
            g().remove(path1).text(),
            "the path has fewer hashes than a tree of this size needs",
        ),
        (
            "an index at the size",
            Lines::of(&last)
                .set(odd_idx, "index 3")
                .set(
                    odd.at("extra "),
                    &format!(
                        "extra {}",
                        B64.encode(
                            String::from_utf8(odd_leaf.clone())
                                .unwrap()
                                .replacen(" 2 ", " 3 ", 1)
                        )
                    ),
                )
                .text(),
            "the index is not below the tree size",
        ),
        (
            "the last node of an odd tree duplicated",
            Lines::of(&last).insert(odd_idx + 1, &odd_leaf_hash).text(),
            "the path has more hashes than a tree of this size needs",
        ),
        (
            "an interior node as the leaf",
            g().set(
                extra,
                &format!(
                    "extra {}",
                    B64.encode(
                        g().0[path1..path1 + 2]
                            .iter()
                            .flat_map(|l| B64.decode(l).unwrap())
                            .collect::<Vec<u8>>()
                    )
                ),
            )
            .text(),
            "the leaf is not a vellum section leaf",
        ),
        (
            "the checkpoint signed by another key",
            g().set(n_sigs, &sig_line).text(),
            "the checkpoint carries no signature of a trusted key (signed by vellum-",
        ),
        (
            "malformed base64 in the path",
            g().set(path1, "not base64!").text(),
            "expected a path hash (32 bytes, padded base64)",
        ),
        (
            "malformed base64 in the extra line",
            g().set(extra, "extra !!!!").text(),
            "expected extra BASE64",
        ),
        (
            "no blank line before the checkpoint",
            g().remove(origin - 1).text(),
            "expected a path hash",
        ),
        (
            "no blank line after the text",
            g().remove(g().at("c2sp.org") - 1).text(),
            "expected a blank line after the text",
        ),
        (
            "a control character",
            good.replacen("\ntext We", "\ntext W\u{1b}e", 1),
            "a control character in a proof line",
        ),
        (
            "an absurdly long path",
            g().insert(path1, &vec![g().0[path1].clone(); 70].join("\n"))
                .text(),
            "more than 63 hashes, more than any tree needs",
        ),
    ];
    for (what, bad, why) in cases {
        assert_ne!(bad, good, "{what}: the case changes the proof");
        let p = env.write("bad.proof", &bad);
        let o = verify_proof(&env, &p, &key);
        assert_code(&o, 1, what);
        let out = stdout(&o);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{what}: one line\n{}", describe(&o));
        assert!(
            lines[0].contains(": REJECTED: ") && lines[0].contains(why),
            "{what}: expected {why:?}\n{}",
            describe(&o)
        );
    }
    // The genuine proofs are accepted (so the cases above fail for their
    // change alone); the other key's proof against our key is not.
    assert_code(
        &verify_proof(&env, &env.write("good.proof", &good), &key),
        0,
        "good",
    );
    assert_code(
        &verify_proof(&env, &env.write("odd.proof", &last), &key),
        0,
        "odd",
    );
    assert_code(
        &verify_proof(&env, &env.write("theirs.proof", &theirs), &key),
        1,
        "theirs",
    );
}
