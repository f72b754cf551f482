//! Who stands behind a sealed text (issue 13): co-signatures (X1–X6),
//! thresholds counted in distinct keys (N3), named signers (N1–N2),
//! authorised key changes (K12), through the command line.

mod common;

use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", describe(o)))
}

fn run(env: &TestEnv, args: &[&OsStr]) -> std::process::Output {
    env.vellum(args.iter().copied())
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

/// `vellum cosign ARCHIVE[@vN] --key KEY --trust TRUST`.
fn cosign(env: &TestEnv, spec: &str, key: &Key, trust: &Path) -> std::process::Output {
    run(
        env,
        &[
            os("cosign"),
            os(spec),
            os("--key"),
            key.secret.as_os_str(),
            os("--trust"),
            trust.as_os_str(),
        ],
    )
}

/// `vellum verify ARCHIVE --trust TRUST` and more.
fn verify(env: &TestEnv, a: &Path, trust: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        os("verify"),
        a.as_os_str(),
        os("--trust"),
        trust.as_os_str(),
    ];
    args.extend(extra.iter().map(|s| os(s)));
    run(env, &args)
}

/// A folder of trusted .pub files (copies of the keys'), and a policy.
fn trust_dir(env: &TestEnv, name: &str, keys: &[&Key], policy: Option<String>) -> PathBuf {
    let dir = env.path(name);
    std::fs::create_dir_all(&dir).unwrap();
    for k in keys {
        std::fs::copy(&k.public, dir.join(k.public.file_name().unwrap())).unwrap();
    }
    if let Some(p) = policy {
        std::fs::write(dir.join("trust.toml"), p).unwrap();
    }
    dir
}

fn policy(holders: &[(&Key, &str)], threshold: Option<u32>, archive: &[&Key]) -> String {
    let mut s = String::from("format = \"vellum-trust-v1\"\n");
    if let Some(t) = threshold {
        s.push_str(&format!("threshold = {t}\n"));
    }
    for (k, h) in holders {
        s.push_str(&format!(
            "\n[[key]]\nfingerprint = \"{}\"\nholder = \"{h}\"\n",
            k.fingerprint
        ));
    }
    if !archive.is_empty() {
        let keys: Vec<String> = archive
            .iter()
            .map(|k| format!("\"{}\"", k.fingerprint))
            .collect();
        s.push_str(&format!(
            "\n[[archive]]\nid = \"{BAG}\"\nkeys = [{}]\n",
            keys.join(", ")
        ));
    }
    s
}

#[test]
fn a_cosignature_adds_a_signer_without_changing_the_version() {
    let env = TestEnv::new();
    let sec = env.keygen("sec");
    let assoc = env.keygen("assoc");
    let a = env.seal_v1(&sec, ARCHIVE);
    let before = read_zip(&a);
    let both = trust_dir(&env, "both", &[&sec, &assoc], None);

    let o = cosign(&env, &format!("{}@v1", a.display()), &assoc, &both);
    assert_code(&o, 0, "cosign");
    assert_says(&o, "co-signed version 1", "cosign says what it did");
    assert_says(&o, "2 key(s) sign it now", "and how many sign it");

    // The payload (OCFL object and bag manifest) is byte for byte as it
    // was; only tag files were added and the tag manifest made anew.
    let after = read_zip(&a);
    let prefix = format!("{BAG}/");
    for (name, data) in &before {
        let rel = &name[prefix.len()..];
        if rel != "tagmanifest-sha256.txt" {
            let now = after.iter().find(|(n, _)| n == name).expect("kept");
            assert_eq!(&now.1, data, "{name} unchanged");
        }
    }
    let added: Vec<&str> = after
        .iter()
        .map(|(n, _)| &n[prefix.len()..])
        .filter(|r| !before.iter().any(|(n, _)| &n[prefix.len()..] == *r))
        .collect();
    let tag = assoc_tag(&assoc);
    let mut expected = vec![
        format!("cosignatures/v1/{tag}.pub"),
        "cosignatures/v1/checkpoint".to_string(),
        format!("cosignatures/v1/manifest.json.{tag}.minisig"),
        format!("cosignatures/v1/manifest.json.{tag}.sig"),
        format!("cosignatures/v1/manifest.json.{tag}.sshsig"),
    ];
    expected.sort(); // Z3: by name
    assert_eq!(added, expected);
    // The co-signed checkpoint is the version's, with one more line.
    let cp = zip_entry(&a, &format!("{BAG}/data/v1/content/checkpoint"));
    let co = zip_entry(&a, &format!("{BAG}/cosignatures/v1/checkpoint"));
    assert!(co.starts_with(&cp), "the version's lines come first");
    assert_eq!(String::from_utf8_lossy(&co[cp.len()..]).lines().count(), 1);

    // Verify names every signer and counts distinct trusted keys.
    let o = verify(&env, &a, &both, &["--threshold", "2"]);
    assert_code(&o, 0, "two distinct keys meet a threshold of 2");
    assert_says(
        &o,
        &format!("co-signed by key {}", assoc.fingerprint),
        "names the co-signer",
    );
    assert_says(&o, "[2 distinct trusted key(s), threshold 2]", "counts");
    let o = verify(&env, &a, &both, &["--threshold", "3"]);
    assert_code(&o, 1, "two keys do not meet a threshold of 3");
    assert_says(
        &o,
        "signed by 2 distinct trusted key(s) that count; the threshold is 3",
        "why",
    );

    let o = verify(&env, &a, &both, &["--json"]);
    let v = &json(&o)["versions"][0];
    assert_eq!(v["distinct_signers"], 2);
    assert_eq!(v["cosigners"][0]["fingerprint"], assoc.fingerprint.as_str());
    assert_eq!(v["cosigners"][0]["counts"], true);

    // Signing twice is refused, by the sealer or the co-signer, and
    // leaves the archive as it was.
    let bytes = std::fs::read(&a).unwrap();
    for k in [&sec, &assoc] {
        let o = cosign(&env, &a.display().to_string(), k, &both);
        assert_code(&o, 1, "a key signs once");
        assert_one_line_error(&o, "signs version 1 already", "why");
        assert_eq!(std::fs::read(&a).unwrap(), bytes, "untouched");
    }

    // A third key's co-signature goes after the second's.
    let third = env.keygen("third");
    let all = trust_dir(&env, "all", &[&sec, &assoc, &third], None);
    assert_code(
        &cosign(&env, &a.display().to_string(), &third, &all),
        0,
        "third",
    );
    let co3 = zip_entry(&a, &format!("{BAG}/cosignatures/v1/checkpoint"));
    assert!(co3.starts_with(&co));
    assert_code(
        &verify(&env, &a, &all, &["--threshold", "3"]),
        0,
        "three keys",
    );

    // Sealing a next version keeps the co-signatures of v1.
    let v2 = env.write("v2.txt", declaration_v2());
    let o = env.seal(&v2, &sec, &a, T2, "v2", &["--trust", all.to_str().unwrap()]);
    assert_code(&o, 0, "seal v2 over a co-signed v1");
    assert_eq!(
        zip_entry(&a, &format!("{BAG}/cosignatures/v1/checkpoint")),
        co3
    );
    let o = verify(&env, &a, &all, &["--json"]);
    assert_code(&o, 0, "verify v1 co-signed, v2 not");
    assert_eq!(json(&o)["versions"][0]["distinct_signers"], 3);
    assert_eq!(json(&o)["versions"][1]["distinct_signers"], 1);
}

fn assoc_tag(k: &Key) -> String {
    file_tag(&k.public)
}

#[test]
fn one_key_counts_once_and_an_untrusted_cosigner_never() {
    let env = TestEnv::new();
    let sec = env.keygen("sec");
    let stranger = env.keygen("stranger");
    let a = env.seal_v1(&sec, ARCHIVE);
    // The same key under two files (and two key ids would be refused, K7):
    // one key, whatever the files, names or lines.
    let twice = trust_dir(&env, "twice", &[&sec], None);
    std::fs::copy(&sec.public, twice.join("sec-copy.pub")).unwrap();
    let o = verify(&env, &a, &twice, &["--threshold", "2"]);
    assert_code(&o, 1, "one key in two files is one key");
    assert_says(&o, "signed by 1 distinct trusted key(s)", "counted once");

    // A stranger co-signs (trusting itself while doing so); trusting only
    // the sealer, the stranger is listed, not trusted, not counted.
    let both = trust_dir(&env, "both", &[&sec, &stranger], None);
    assert_code(
        &cosign(&env, &a.display().to_string(), &stranger, &both),
        0,
        "cosign",
    );
    let only = trust_dir(&env, "only", &[&sec], None);
    let o = verify(&env, &a, &only, &[]);
    assert_code(
        &o,
        0,
        "an untrusted co-signer does not make the archive fail",
    );
    assert_says(
        &o,
        &format!("co-signed by key {} (not trusted)", stranger.fingerprint),
        "listed as untrusted",
    );
    assert_says(
        &o,
        "[1 distinct trusted key(s), threshold 1]",
        "not counted",
    );
    assert_code(
        &verify(&env, &a, &only, &["--threshold", "2"]),
        1,
        "the untrusted co-signer never counts",
    );

    // The sealer's line copied again into the co-signed checkpoint (with
    // every checksum fixed) is still one key.
    let mut entries = read_zip(&a);
    let rel = "cosignatures/v1/checkpoint";
    let old = get(&mut entries, rel).clone();
    let text = String::from_utf8(old.clone()).unwrap();
    let sealer_line = text
        .lines()
        .find(|l| l.starts_with('\u{2014}'))
        .unwrap()
        .to_owned();
    *get(&mut entries, rel) = format!("{text}{sealer_line}\n{sealer_line}\n").into_bytes();
    refix(&mut entries, &[]);
    let forged = env.path("forged/paris-2014-02-08.zip");
    std::fs::create_dir_all(forged.parent().unwrap()).unwrap();
    write_zip(&forged, &entries);
    let o = verify(&env, &forged, &twice, &["--threshold", "2", "--json"]);
    assert_code(&o, 1, "lines of one key count once");
    assert_eq!(json(&o)["versions"][0]["distinct_signers"], 1);
}

#[test]
fn a_cosignature_that_does_not_verify_is_a_problem_with_its_place() {
    let env = TestEnv::new();
    let sec = env.keygen("sec");
    let assoc = env.keygen("assoc");
    let a = env.seal_v1(&sec, ARCHIVE);
    let both = trust_dir(&env, "both", &[&sec, &assoc], None);
    assert_code(
        &cosign(&env, &a.display().to_string(), &assoc, &both),
        0,
        "cosign",
    );
    let tag = assoc_tag(&assoc);
    for (rel, why) in [
        (
            format!("cosignatures/v1/manifest.json.{tag}.sig"),
            "manifest signature does not verify",
        ),
        ("cosignatures/v1/checkpoint".to_string(), "does not verify"),
    ] {
        let mut entries = read_zip(&a);
        let f = get(&mut entries, &rel);
        // Flip a bit of the signature (the last base64 character before the
        // newline of the checkpoint; a byte of the raw signature).
        let at = if rel.ends_with(".sig") {
            10
        } else {
            f.len() - 4
        };
        f[at] = if f[at] == b'A' { b'B' } else { b'A' };
        refix(&mut entries, &[]);
        let bad = env.path(format!("bad-{}/paris-2014-02-08.zip", rel.len()));
        std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
        write_zip(&bad, &entries);
        let o = verify(&env, &bad, &both, &["--json"]);
        assert_code(&o, 1, &rel);
        let doc = json(&o);
        let p = doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == "cosignature")
            .unwrap_or_else(|| panic!("{rel}: {doc}"));
        assert_eq!(p["rule"], "V19");
        assert!(p["place"].as_str().unwrap().ends_with(&rel), "{p}");
        assert!(p["problem"].as_str().unwrap().contains(why), "{p}");
    }
}

#[test]
fn a_policy_names_the_holders_in_every_output() {
    let env = TestEnv::new();
    let sec = env.keygen("sec");
    let assoc = env.keygen("assoc");
    let a = env.seal_v1(&sec, ARCHIVE);
    let p = policy(
        &[
            (&sec, "Secretariat of the Convention"),
            (&assoc, "Association of Iranian Academics, Berlin"),
        ],
        Some(2),
        &[],
    );
    let named = trust_dir(&env, "named", &[&sec, &assoc], Some(p));
    let o = verify(&env, &a, &named, &[]);
    assert_code(&o, 1, "the policy's threshold of 2 is not met by one key");
    assert_code(
        &cosign(&env, &a.display().to_string(), &assoc, &named),
        0,
        "cosign",
    );
    let o = verify(&env, &a, &named, &[]);
    assert_code(&o, 0, "co-signed: the policy's threshold is met");
    assert_says(
        &o,
        &format!(
            "signed by Secretariat of the Convention (key {}), co-signed by Association of Iranian Academics, Berlin (key {})",
            sec.fingerprint, assoc.fingerprint
        ),
        "holders and fingerprints",
    );
    // The command line's threshold is the reader's: it overrides.
    assert_code(
        &verify(&env, &a, &named, &["--threshold", "3"]),
        1,
        "3 > 2 keys",
    );

    // A policy that cannot mean what it says is trouble, in one line.
    let stranger = env.keygen("stranger");
    let bad = trust_dir(
        &env,
        "bad",
        &[&sec],
        Some(policy(&[(&stranger, "Nobody")], None, &[])),
    );
    let o = verify(&env, &a, &bad, &[]);
    assert_code(&o, 2, "a policy naming a key without a .pub");
    assert_one_line_error(&o, "which no trusted .pub file holds", "why");
}

#[test]
fn a_key_change_is_valid_only_when_authorised() {
    let env = TestEnv::new();
    let sec = env.keygen("sec");
    let new = env.keygen("new");
    let partner = env.keygen("partner");
    let a = env.seal_v1(&sec, ARCHIVE);
    let v2 = env.write("v2.txt", declaration_v2());
    // Every key trusted in general, no policy.
    let all = trust_dir(&env, "all", &[&sec, &new, &partner], None);
    let all_s = all.to_str().unwrap();
    let before = std::fs::read(&a).unwrap();

    // A trusted partner key cannot take the archive over: seal refuses...
    let o = env.seal(&v2, &partner, &a, T2, "take over", &["--trust", all_s]);
    assert_code(&o, 1, "a trusted partner key taking over");
    assert_one_line_error(
        &o,
        "a key change needs the previous signer's signature",
        "why",
    );
    assert_eq!(std::fs::read(&a).unwrap(), before, "untouched");

    // ... and an archive whose v2 the partner sealed where a policy let it
    // (elsewhere) fails here, where no policy names it.
    let lets = trust_dir(
        &env,
        "lets",
        &[&sec, &partner],
        Some(policy(&[], None, &[&sec, &partner])),
    );
    let taken = env.path("taken/paris-2014-02-08.zip");
    std::fs::create_dir_all(taken.parent().unwrap()).unwrap();
    std::fs::copy(&a, &taken).unwrap();
    let o = env.seal(
        &v2,
        &partner,
        &taken,
        T2,
        "taken",
        &["--trust", lets.to_str().unwrap()],
    );
    assert_code(&o, 0, "sealed where the policy names the partner");
    let o = verify(&env, &taken, &all, &[]);
    assert_code(&o, 1, "trusting a key never lets it take over");
    assert_says(
        &o,
        "key change at v2 NOT authorised by the previous signer",
        "why",
    );
    let o = run(
        &env,
        &[os("log"), taken.as_os_str(), os("--trust"), all.as_os_str()],
    );
    assert_code(&o, 1, "log of an unauthorised key change");
    assert_says(
        &o,
        "key change at v2 NOT authorised by the previous signer",
        "log says so",
    );
    let o = verify(&env, &taken, &lets, &[]);
    assert_code(&o, 0, "where the policy names the new key");
    assert_says(
        &o,
        "named for this archive by the trust policy",
        "and says how",
    );

    // A hand-over: the previous sealer signs the new version too.
    let o = env.seal(
        &v2,
        &new,
        &a,
        T2,
        "handed over",
        &[
            "--handover-key",
            sec.secret.to_str().unwrap(),
            "--trust",
            all_s,
        ],
    );
    assert_code(&o, 0, "seal --handover-key");
    let o = verify(&env, &a, &all, &[]);
    assert_code(&o, 0, "a handed-over archive verifies");
    assert_says(
        &o,
        &format!(
            "key change at v2: handed over by key {} ({}/sec.pub) to key {}",
            sec.fingerprint,
            all.display(),
            new.fingerprint
        ),
        "verify says who handed over",
    );
    let o = run(
        &env,
        &[os("log"), a.as_os_str(), os("--trust"), all.as_os_str()],
    );
    assert_code(&o, 0, "log");
    assert_says(&o, "key change at v2: handed over by", "log says so too");

    // --handover-key with a key that did not seal the version before.
    let v3 = env.write("v3.txt", declaration_v2() + "\nA third version.\n");
    let o = env.seal(
        &v3,
        &partner,
        &a,
        "2014-04-01T00:00:00Z",
        "not mine",
        &[
            "--handover-key",
            sec.secret.to_str().unwrap(),
            "--trust",
            all_s,
        ],
    );
    assert_code(&o, 1, "only the previous sealer hands over");
    assert_one_line_error(&o, "only that key hands over", "why");
}

/// F1–F4: verify and check remember the newest version verified here, per
/// archive id and signer; an older copy is a rollback (exit 1), the same
/// version with another checkpoint a fork. Always with --state in the
/// test's folder.
#[test]
fn an_older_copy_than_one_verified_here_is_a_rollback() {
    let env = TestEnv::new();
    let sec = env.keygen("sec");
    let a = env.seal_v1(&sec, ARCHIVE);
    let old = env.path("old/paris-2014-02-08.zip");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::copy(&a, &old).unwrap();
    let v2 = env.write("v2.txt", declaration_v2());
    assert_code(&env.seal(&v2, &sec, &a, T2, "v2", &[]), 0, "seal v2");
    let trust = trust_dir(&env, "keys", &[&sec], None);
    let state = env.path("state/seen.json");
    let st = state.to_str().unwrap();

    // The old copy first: fine, recorded at v1. Then the newest: fine.
    assert_code(&verify(&env, &old, &trust, &["--state", st]), 0, "v1 first");
    assert_code(&verify(&env, &a, &trust, &["--state", st]), 0, "then v2");
    let seen: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(seen["format"], "vellum-seen-v1");
    assert_eq!(seen["archives"][BAG][&sec.fingerprint]["version"], 2);

    // Now the old copy again: a rollback, by verify and by check.
    let o = verify(&env, &old, &trust, &["--state", st]);
    assert_code(&o, 1, "an older copy than one seen");
    let today = &seen["archives"][BAG][&sec.fingerprint]["verified"];
    assert_says(
        &o,
        &format!(
            "rollback: version 2 of this archive was verified here on {}; this copy has 1",
            today.as_str().unwrap()
        ),
        "says so",
    );
    let copy = env.write("copy.txt", std::fs::read(declaration()).unwrap());
    let o = run(
        &env,
        &[
            os("check"),
            old.as_os_str(),
            copy.as_os_str(),
            os("--trust"),
            trust.as_os_str(),
            os("--state"),
            os(st),
        ],
    );
    assert_code(&o, 1, "check against an older copy");
    assert_one_line_error(&o, "rollback: version 2 of this archive", "check says so");
    // The record is never lowered; --no-state neither reads nor writes it.
    let before = std::fs::read(&state).unwrap();
    assert_code(
        &verify(&env, &old, &trust, &["--no-state"]),
        0,
        "--no-state",
    );
    assert_eq!(std::fs::read(&state).unwrap(), before);
    let o = verify(&env, &old, &trust, &["--state", st, "--json"]);
    assert_code(&o, 1, "JSON");
    assert_eq!(json(&o)["seen"]["kind"], "rollback");
    assert_eq!(json(&o)["seen"]["seen"], 2);

    // Another v2 of the same id by the same key: a fork.
    let forked = env.path("fork/paris-2014-02-08.zip");
    std::fs::create_dir_all(forked.parent().unwrap()).unwrap();
    std::fs::copy(&old, &forked).unwrap();
    let other = env.write("other.txt", declaration_v2() + "\nAnother ending.\n");
    assert_code(
        &env.seal(&other, &sec, &forked, T2, "fork", &[]),
        0,
        "seal a fork",
    );
    let o = verify(&env, &forked, &trust, &["--state", st]);
    assert_code(&o, 1, "a fork");
    assert_says(&o, "fork: version 2 of this archive", "says so");

    // A damaged record is trouble, naming the file.
    std::fs::write(&state, "not json").unwrap();
    let o = verify(&env, &a, &trust, &["--state", st]);
    assert_code(&o, 2, "a damaged record");
    assert_one_line_error(&o, "seen.json: not a record of versions seen", "why");
}
