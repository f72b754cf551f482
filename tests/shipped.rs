//! The repository's own archive and example copies: what a new user runs
//! first (the README's main job) must work as the README says.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn vellum(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vellum"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        // The record of versions seen (F1) in a temporary folder, never
        // the user's.
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join(format!("vellum-test-state-{}", std::process::id())),
        )
        .output()
        .expect("run vellum")
}

#[test]
fn shipped_archive_verifies_against_keys() {
    // Default trust is ./keys; name it too, to be explicit.
    for args in [
        vec!["verify", "archive/paris-2014-02-08.zip"],
        vec!["verify", "archive/paris-2014-02-08.zip", "--trust", "keys/"],
    ] {
        let o = vellum(&args);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            out.contains("verified, 1 version(s), archive id paris-2014-02-08"),
            "{out}"
        );
        // Co-signed (issue 13): two named holders, two distinct keys, the
        // threshold of keys/trust.toml.
        assert!(
            out.contains("signed by Secretariat of the Convention (key SHA256:YY4yb7QDV9KL8BUZckEsTI5iAeKuLjnDVSgAuJ3DJ+0), co-signed by Association of Iranian Academics, Berlin (key SHA256:bF0/y57Gf2Ky/07/DeMO54k5anKIsgDVj6xQLAH7ZZo)  [2 distinct trusted key(s), threshold 2]"),
            "{out}"
        );
    }
    // Trusting the secretariat's key alone, the policy's threshold is gone
    // and the co-signer is not trusted: listed, not counted.
    let o = vellum(&[
        "verify",
        "archive/paris-2014-02-08.zip",
        "--trust",
        "keys/secretariat.pub",
        "--threshold",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("signed by 1 distinct trusted key(s) that count; the threshold is 2"),
        "{out}"
    );
}

#[test]
fn shipped_archive_holds_the_declaration_exactly() {
    let o = vellum(&["log", "archive/paris-2014-02-08.zip", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(log["versions"][0]["sections"], 30);
    // The text in the repo and the text the tests use are the same bytes,
    // and checking it against the archive is authentic.
    let a = std::fs::read(root().join("declaration/paris-2014-02-08.txt")).unwrap();
    let b = std::fs::read(root().join("tests/data/declaration.txt")).unwrap();
    assert_eq!(a, b);
    let o = vellum(&[
        "check",
        "archive/paris-2014-02-08.zip",
        "declaration/paris-2014-02-08.txt",
        "--json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["verdict"], "authentic");
}

#[test]
fn main_job_gives_the_verdicts_the_readme_promises() {
    let o = vellum(&[
        "check",
        "archive/paris-2014-02-08.zip",
        "examples/copies/",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "one example copy is altered");
    let mut verdicts = std::collections::BTreeMap::new();
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let copy = Path::new(v["copy"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        verdicts.insert(copy, v["verdict"].as_str().unwrap().to_owned());
    }
    assert_eq!(verdicts["email-reflowed.txt"], "authentic");
    assert_eq!(verdicts["web-page.html"], "authentic");
    assert_eq!(verdicts["forwarded-altered.txt"], "altered");
    assert_eq!(verdicts["news-site-page.html"], "authentic");
    assert_eq!(verdicts["news-article-misquote.html"], "altered");
    // Every verdict says who stands behind the sealed text.
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["distinct_signers"], 2, "{line}");
        assert_eq!(
            v["signer_name"],
            "Secretariat of the Convention (key SHA256:YY4yb7QDV9KL8BUZckEsTI5iAeKuLjnDVSgAuJ3DJ+0)"
        );
        assert_eq!(
            v["cosigners"][0]["holder"],
            "Association of Iranian Academics, Berlin"
        );
    }
    let o = vellum(&["check", "archive/paris-2014-02-08.zip", "examples/copies/"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("  signature valid: signed by Secretariat of the Convention (key SHA256:YY4yb7QDV9KL8BUZckEsTI5iAeKuLjnDVSgAuJ3DJ+0, from keys/secretariat.pub, minisign id 7BC3E6C544E145F8), co-signed by Association of Iranian Academics, Berlin (key SHA256:bF0/y57Gf2Ky/07/DeMO54k5anKIsgDVj6xQLAH7ZZo): 2 distinct trusted key(s)\n"),
        "{out}"
    );
}

#[test]
fn no_secret_key_is_in_the_repository() {
    let o = Command::new("git")
        .args(["ls-files"])
        .current_dir(root())
        .output();
    let Ok(o) = o else { return }; // not a git checkout (a source tarball)
    let files = String::from_utf8_lossy(&o.stdout);
    for f in files.lines() {
        assert!(!f.ends_with(".key"), "secret key committed: {f}");
        if f.starts_with("keys/") && f.ends_with(".pub") {
            let t = std::fs::read_to_string(root().join(f)).unwrap();
            assert!(
                t.starts_with("untrusted comment: minisign public key"),
                "{f} is a public key"
            );
        }
    }
}

#[test]
fn shipped_proof_verifies_and_keys_readme_names_the_key() {
    let o = vellum(&["verify", "examples/point-7.proof"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.starts_with("examples/point-7.proof: PROVEN point-7 of paris-2014-02-08 version 1, section 24 of 30, signed by Secretariat of the Convention (key SHA256:"),
        "{out}"
    );
    // The proof carries the co-signed checkpoint: both keys signed it, and
    // keys/README.md names the fingerprints vellum derives from the keys
    // in keys/.
    let fps: Vec<&str> = out
        .split("(key ")
        .skip(1)
        .filter_map(|r| r.split(')').next())
        .collect();
    assert_eq!(fps.len(), 2, "{out}");
    let readme = std::fs::read_to_string(root().join("keys/README.md")).unwrap();
    for fp in fps {
        assert!(
            readme.contains(&format!("`{fp}`")),
            "keys/README.md does not name {fp}"
        );
    }
}
