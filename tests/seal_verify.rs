//! The command line as a user meets it: keygen, sections, seal, verify and
//! log, with their exit codes (0 ok, 1 failed/refused, 2 trouble) and
//! messages. Every refusal must leave the archive byte for byte as it was.

mod common;

use base64::Engine;
use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", describe(o)))
}

/// The signed manifest of version `v` inside the fixture archive.
fn manifest_of(archive: &Path, v: u32) -> serde_json::Value {
    let m = zip_entry(archive, &format!("{BAG}/data/v{v}/content/manifest.json"));
    serde_json::from_slice(&m).expect("manifest.json is JSON")
}

// ---------------------------------------------------------------- keygen

#[test]
fn keygen_writes_a_minisign_public_key_and_a_private_secret_key() {
    let env = TestEnv::new();
    // A folder that cannot be made is trouble, said in one line naming it.
    std::fs::write(env.path("afile"), b"x").unwrap();
    let o = env.vellum(["keygen", "--out", "afile/secretariat", "--no-passphrase"]);
    assert_code(&o, 2, "keygen under a file");
    assert_one_line_error(&o, "afile", "keygen under a file");

    // A missing folder is made (as `keygen --out keys/NAME` on a fresh clone).
    let o = env.vellum(["keygen", "--out", "keys/secretariat", "--no-passphrase"]);
    assert_code(&o, 0, "keygen");
    let out = stdout(&o);
    assert!(
        out.contains("UNENCRYPTED"),
        "keygen --no-passphrase must warn that the key is stored unencrypted\n{}",
        describe(&o)
    );
    let pubp = env.path("keys/secretariat.pub");
    let keyp = env.path("keys/secretariat.key");
    assert!(pubp.is_file() && keyp.is_file(), "{}", describe(&o));

    // The public key: minisign's format, line 2 = base64("Ed" || id8 || pk32).
    let text = String::from_utf8(bytes(&pubp)).expect("pub is UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "two lines: {text:?}");
    assert!(lines[0].starts_with("untrusted comment: "), "{text:?}");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(lines[1])
        .expect("line 2 is base64");
    assert_eq!(raw.len(), 42, "Ed + 8-byte key id + 32-byte key");
    assert_eq!(&raw[..2], b"Ed");
    // The key id printed is the 8 bytes as a little-endian number, in hex,
    // the way minisign prints it.
    let id = format!(
        "{:016X}",
        u64::from_le_bytes(raw[2..10].try_into().expect("8 bytes"))
    );
    assert!(
        out.starts_with(&format!("key id {id}\n")),
        "key id {id} expected first\n{}",
        describe(&o)
    );
    assert!(lines[0].contains(&id), "the comment names the key id");

    // The secret key file is private.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&keyp).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "secret key mode {mode:o}");
    let secret = String::from_utf8(bytes(&keyp)).expect("key is UTF-8");
    assert!(secret.contains("vellum-secret-key-v1"), "{secret}");
    assert!(
        !secret.contains("scrypt"),
        "--no-passphrase stores no KDF: {secret}"
    );
}

#[test]
fn keygen_refuses_to_overwrite_either_file() {
    let env = TestEnv::new();
    let k = env.keygen("me");
    let (pub_before, key_before) = (bytes(&k.public), bytes(&k.secret));

    let o = env.vellum(["keygen", "--out", "me", "--no-passphrase"]);
    // A refusal, as the README's table says: exit 1 (issue 14 point 4).
    assert_code(&o, 1, "keygen over an existing key");
    assert_one_line_error(&o, "refusing to overwrite", "keygen over an existing key");
    assert_eq!(bytes(&k.public), pub_before, "public key untouched");
    assert_eq!(bytes(&k.secret), key_before, "secret key untouched");

    // Only the .pub left: still refused, and no .key appears.
    std::fs::remove_file(&k.secret).unwrap();
    let o = env.vellum(["keygen", "--out", "me", "--no-passphrase"]);
    assert_code(&o, 1, "keygen over an existing .pub");
    assert_one_line_error(&o, "me.pub", "keygen over an existing .pub");
    assert!(
        !k.secret.exists(),
        "no secret key written beside an old .pub"
    );
    assert_eq!(bytes(&k.public), pub_before);
}

#[test]
fn passphrase_from_a_file_encrypts_the_key_and_opens_it() {
    let env = TestEnv::new();
    env.write("pass.txt", "correct horse battery staple\n");
    let o = env.vellum(["keygen", "--out", "k", "--passphrase-file", "pass.txt"]);
    assert_code(&o, 0, "keygen --passphrase-file");
    assert!(!stdout(&o).contains("UNENCRYPTED"), "{}", describe(&o));
    let secret = String::from_utf8(bytes(&env.path("k.key"))).unwrap();
    assert!(
        secret.contains("\"scrypt\""),
        "encrypted with scrypt: {secret}"
    );

    let key = Key::at(env.path("k.pub"), env.path("k.key"));
    let o = env.seal(
        declaration(),
        &key,
        ARCHIVE,
        T1,
        "m",
        &["--passphrase-file", "pass.txt"],
    );
    assert_code(&o, 0, "seal with --passphrase-file");
    assert_code(&env.verify(ARCHIVE, &key), 0, "verify");

    // The same file without its trailing newline is the same passphrase
    // (first line); a different one is refused as trouble, in one line.
    env.write("pass2.txt", "correct horse battery staple");
    let v2 = env.write("v2.txt", declaration_v2());
    let o = env.seal(
        &v2,
        &key,
        ARCHIVE,
        T2,
        "m",
        &["--passphrase-file", "pass2.txt"],
    );
    assert_code(&o, 0, "seal with the passphrase file without newline");

    env.write("wrong.txt", "Correct horse battery staple\n");
    let before = bytes(&env.path(ARCHIVE));
    env.write("v3.txt", declaration_v2().replace("Paris", "Lyon"));
    let o = env.seal(
        env.path("v3.txt"),
        &key,
        ARCHIVE,
        T2,
        "m",
        &["--passphrase-file", "wrong.txt"],
    );
    assert_code(&o, 2, "seal with a wrong passphrase file");
    assert_one_line_error(&o, "wrong passphrase", "wrong passphrase file");
    assert_eq!(bytes(&env.path(ARCHIVE)), before, "archive untouched");
}

#[test]
fn passphrase_from_the_environment_and_a_wrong_one() {
    let env = TestEnv::new();
    let o = env.vellum_env(
        ["keygen", "--out", "k"],
        &[("VELLUM_PASSPHRASE", "s3cret phrase")],
    );
    assert_code(&o, 0, "keygen with VELLUM_PASSPHRASE");
    let key = Key::at(env.path("k.pub"), env.path("k.key"));
    let seal_args = |time: &str| {
        vec![
            "seal".to_owned(),
            declaration().display().to_string(),
            "--key".into(),
            "k.key".into(),
            "--archive".into(),
            ARCHIVE.into(),
            "--time".into(),
            time.into(),
        ]
    };

    // Wrong passphrase: exit 2, one clear line, no archive made.
    let o = env.vellum_env(seal_args(T1), &[("VELLUM_PASSPHRASE", "s3cret phrasE")]);
    assert_code(&o, 2, "seal with a wrong VELLUM_PASSPHRASE");
    let line = assert_one_line_error(&o, "wrong passphrase", "wrong VELLUM_PASSPHRASE");
    assert!(line.contains("k.key"), "names the key file: {line}");
    assert!(!env.path(ARCHIVE).exists(), "no archive on failure");

    let o = env.vellum_env(seal_args(T1), &[("VELLUM_PASSPHRASE", "s3cret phrase")]);
    assert_code(&o, 0, "seal with VELLUM_PASSPHRASE");
    assert_code(&env.verify(ARCHIVE, &key), 0, "verify");

    // An empty passphrase is not a passphrase.
    let o = env.vellum_env(["keygen", "--out", "e"], &[("VELLUM_PASSPHRASE", "")]);
    assert_code(&o, 2, "keygen with an empty passphrase");
    assert_one_line_error(&o, "--no-passphrase", "empty passphrase");
    assert!(!env.path("e.key").exists() && !env.path("e.pub").exists());
}

// ---------------------------------------------------------------- sections

#[test]
fn sections_of_the_declaration() {
    let env = TestEnv::new();
    let o = env.vellum([std::ffi::OsStr::new("sections"), declaration().as_os_str()]);
    assert_code(&o, 0, "sections");
    let out = stdout(&o);
    let ids: Vec<&str> = out
        .lines()
        .filter(|l| !l.contains("sections; canonical text"))
        .skip(1) // the column headings
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(ids.len(), 30, "{out}");
    for id in [
        "paragraph-1",
        "bullet-13",
        "heading-1",
        "point-1",
        "point-11",
        "closing-1",
        "closing-2",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert_eq!(ids.first(), Some(&"paragraph-1"));
    assert_eq!(ids.last(), Some(&"closing-2"));
    assert!(
        out.contains("30 sections; canonical text (vellum-text-v1) SHA-256 "),
        "{out}"
    );

    let o = env.vellum([
        std::ffi::OsStr::new("sections"),
        declaration().as_os_str(),
        std::ffi::OsStr::new("--json"),
    ]);
    assert_code(&o, 0, "sections --json");
    let doc = json(&o);
    let secs = doc["sections"].as_array().expect("sections array");
    assert_eq!(secs.len(), 30);
    let p11 = secs
        .iter()
        .find(|s| s["id"] == "point-11")
        .expect("point-11");
    assert_eq!(p11["kind"], "point");
    assert_eq!(p11["number"], 11);
    assert_eq!(secs[29]["id"], "closing-2");
    assert_eq!(doc["canonical_text"], "vellum-text-v1");
}

// ---------------------------------------------------------------- seal, verify, log

#[test]
fn seal_two_versions_then_verify_and_log() {
    let env = TestEnv::new();
    let k = env.keygen("secretariat");
    let a = env.path(ARCHIVE);

    let o = env.seal(declaration(), &k, &a, T1, "first publication", &[]);
    assert_code(&o, 0, "seal v1");
    assert_says(&o, "as version 1 of", "seal v1");
    assert_says(&o, "(30 sections, key ", "seal v1");
    assert_says(
        &o,
        &format!("key {} {}", k.id, k.fingerprint),
        "seal v1 names the key by id and fingerprint",
    );

    let v2 = env.write("v2.txt", declaration_v2());
    let o = env.seal(&v2, &k, &a, T2, "correct the amount", &[]);
    assert_code(&o, 0, "seal v2");
    assert_says(&o, "as version 2 of", "seal v2");

    let o = env.verify(&a, &k);
    assert_code(&o, 0, "verify");
    let out = stdout(&o);
    assert!(
        out.contains("verified, 2 version(s), archive id paris-2014-02-08"),
        "{}",
        describe(&o)
    );
    // Signers are named by fingerprint and the .pub file they matched.
    assert!(
        out.contains(&format!(
            "v1  {T1}  signature valid: signed by {}  30 sections",
            k.named()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "v2  {T2}  signature valid: signed by {}",
            k.named()
        )),
        "{out}"
    );

    let o = env.vellum([
        std::ffi::OsStr::new("log"),
        a.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        k.public.as_os_str(),
        std::ffi::OsStr::new("--json"),
    ]);
    assert_code(&o, 0, "log --json");
    let doc = json(&o);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["archive_id"], BAG);
    let versions = doc["versions"].as_array().expect("versions array");
    assert_eq!(versions.len(), 2);
    let numbers: Vec<u64> = versions
        .iter()
        .map(|v| v["version"].as_u64().expect("number"))
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(versions[0]["created"], T1);
    assert_eq!(versions[1]["message"], "correct the amount");
    let signer = &versions[1]["signers"][0];
    assert_eq!(signer["fingerprint"], k.fingerprint.as_str());
    assert_eq!(signer["key_id"], k.id.as_str());
    assert_eq!(signer["key_file"], k.public.display().to_string().as_str());
    assert_eq!(signer["trusted"], true);
    assert_eq!(versions[1]["key_change"], serde_json::Value::Null);
    assert_eq!(versions[1]["cosigners"], serde_json::json!([]));
    assert_ne!(
        versions[0]["canonical_sha256"],
        versions[1]["canonical_sha256"]
    );

    // Text log: one entry per version, oldest first.
    let o = env.vellum([
        std::ffi::OsStr::new("log"),
        a.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        k.public.as_os_str(),
    ]);
    assert_code(&o, 0, "log");
    let out = stdout(&o);
    let v1 = out.find(&format!("v1  {T1}")).expect("v1 in log");
    let v2 = out.find(&format!("v2  {T2}")).expect("v2 in log");
    assert!(v1 < v2, "{out}");

    // The manifest chain: v2 names v1's manifest hash.
    let m1 = zip_entry(&a, &format!("{BAG}/data/v1/content/manifest.json"));
    assert_eq!(
        manifest_of(&a, 2)["previous_manifest_sha256"],
        sha256_hex(&m1).as_str()
    );
}

#[test]
fn default_trust_is_the_keys_folder_and_without_it_verify_is_trouble() {
    let env = TestEnv::new();
    let k = env.keygen("signer");
    env.seal_v1(&k, ARCHIVE);

    // No --trust and no ./keys: exit 2, one line saying what to do.
    let o = env.vellum(["verify", ARCHIVE]);
    assert_code(&o, 2, "verify without trust");
    assert_one_line_error(&o, "no trusted keys", "verify without trust");
    assert!(stdout(&o).is_empty(), "{}", describe(&o));
    // log lists the versions all the same, unverified (issue 14 point 6).
    let o = env.vellum(["log", ARCHIVE]);
    assert_code(&o, 1, "log without trust");
    assert_says(&o, "v1  ", "log without trust lists v1");
    assert_says(&o, "not verified: no trusted key", "log without trust");

    // ./keys with the signer's public key is the default trust.
    std::fs::create_dir(env.path("keys")).unwrap();
    std::fs::copy(&k.public, env.path("keys/signer.pub")).unwrap();
    let o = env.vellum(["verify", ARCHIVE]);
    assert_code(&o, 0, "verify with ./keys");

    // An empty --trust folder is trouble too.
    std::fs::create_dir(env.path("empty")).unwrap();
    let o = env.vellum(["verify", ARCHIVE, "--trust", "empty"]);
    assert_code(&o, 2, "verify --trust EMPTY_FOLDER");
    assert_one_line_error(&o, "no .pub files", "empty trust folder");

    // A missing archive is trouble, not a failed verification.
    let o = env.vellum(["verify", "nope.zip", "--trust", "keys"]);
    assert_code(&o, 2, "verify a missing archive");
    assert_one_line_error(&o, "nope.zip", "missing archive");
}

#[test]
fn verify_against_another_trusted_key_fails() {
    let env = TestEnv::new();
    let signer = env.keygen("signer");
    let other = env.keygen("other");
    let a = env.seal_two_versions(&signer, ARCHIVE);

    let o = env.verify(&a, &other);
    assert_code(&o, 1, "verify with the wrong trusted key");
    let out = stdout(&o);
    assert!(out.contains("FAILED"), "{}", describe(&o));
    assert!(
        out.contains(&format!(
            "signed by key {}, which is not among the trusted keys",
            signer.fingerprint
        )),
        "{}",
        describe(&o)
    );
    // Both versions are named.
    assert!(
        out.contains("v1 manifest.json") && out.contains("v2 manifest.json"),
        "{out}"
    );

    let o = env.vellum([
        std::ffi::OsStr::new("verify"),
        a.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        other.public.as_os_str(),
        std::ffi::OsStr::new("--json"),
    ]);
    assert_code(&o, 1, "verify --json with the wrong trusted key");
    let doc = json(&o);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["versions"][0]["signers"][0]["trusted"], false);
    assert_eq!(
        doc["versions"][0]["signers"][0]["key_file"],
        serde_json::Value::Null
    );
    let problems = doc["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["kind"] == "untrusted" && p["rule"] == "V13d"),
        "problems carry their kind and rule: {problems:?}"
    );

    // Trusting both is fine.
    let o = env.vellum([
        std::ffi::OsStr::new("verify"),
        a.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        other.public.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        signer.public.as_os_str(),
    ]);
    assert_code(&o, 0, "verify trusting both keys");
}

// ---------------------------------------------------------------- refusals

/// Run a seal that must be refused (exit 1, message containing `why`), and
/// check the archive is byte for byte what it was.
fn assert_refused(
    env: &TestEnv,
    archive: &Path,
    o: std::process::Output,
    before: &[u8],
    why: &str,
) {
    assert_code(&o, 1, why);
    assert_one_line_error(&o, why, why);
    assert_eq!(bytes(archive), before, "{why}: the archive changed");
    let leftovers: Vec<_> = std::fs::read_dir(archive.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".vellum-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "{why}: temporary files left: {leftovers:?}"
    );
    let _ = env;
}

#[test]
fn seal_refuses_identical_text() {
    let env = TestEnv::new();
    let k = env.keygen("k");
    let a = env.seal_two_versions(&k, ARCHIVE);
    let before = bytes(&a);
    let o = env.seal(
        env.path("v2.txt"),
        &k,
        &a,
        "2014-04-01T00:00:00Z",
        "again",
        &[],
    );
    assert_refused(&env, &a, o, &before, "identical to version 2");
}

#[test]
fn seal_refuses_empty_text() {
    let env = TestEnv::new();
    let k = env.keygen("k");
    let a = env.seal_v1(&k, ARCHIVE);
    let before = bytes(&a);
    for (name, content, why) in [
        ("empty.txt", "", "empty file"),
        ("blank.txt", " \n\t\n\r\n  \n", "the text is empty"),
    ] {
        let t = env.write(name, content);
        let o = env.seal(&t, &k, &a, T2, "nothing", &[]);
        assert_refused(&env, &a, o, &before, why);
    }
    // Nor is a new archive made for it.
    let o = env.seal(env.path("empty.txt"), &k, env.path("new.zip"), T1, "", &[]);
    assert_code(&o, 1, "seal empty text into a new archive");
    assert!(!env.path("new.zip").exists(), "no archive made for nothing");
}

#[test]
fn seal_refuses_bidi_controls_unless_allowed_and_then_records_them() {
    let env = TestEnv::new();
    let k = env.keygen("k");
    let a = env.seal_v1(&k, ARCHIVE);
    let before = bytes(&a);
    // "87 billion" shown as "noillib 78" ... the Trojan Source trick.
    let text = declaration_v2().replace("86 billion", "\u{202E}noillib 68\u{202C}");
    let t = env.write("bidi.txt", &text);

    let o = env.seal(&t, &k, &a, T2, "bidi", &[]);
    assert_refused(&env, &a, o, &before, "--allow-bidi");
    let o = env.seal(&t, &k, &a, T2, "bidi", &[]);
    assert_says(&o, "U+202E", "the refusal names the code point");

    let o = env.seal(&t, &k, &a, T2, "bidi", &["--allow-bidi"]);
    assert_code(&o, 0, "seal --allow-bidi");
    assert_says(&o, "warning:", "seal --allow-bidi warns");
    assert_says(&o, "U+202E", "seal --allow-bidi names the code point");
    let m = manifest_of(&a, 2);
    let warnings = m["warnings"].as_array().expect("warnings array");
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().is_some_and(|s| s.contains("U+202E"))),
        "the manifest records the bidi warning: {warnings:?}"
    );
    assert!(
        manifest_of(&a, 1)["warnings"]
            .as_array()
            .unwrap()
            .is_empty(),
        "v1 had no warning"
    );
    assert_code(&env.verify(&a, &k), 0, "verify after --allow-bidi");
}

#[test]
fn seal_refuses_another_key_without_a_handover() {
    let env = TestEnv::new();
    let a_key = env.keygen("alice");
    let b_key = env.keygen("bob");
    let a = env.seal_v1(&a_key, ARCHIVE);
    let before = bytes(&a);
    let v2 = env.write("v2.txt", declaration_v2());
    let trust_a = a_key.public.display().to_string();

    // Bob, trusting Alice (so the archive verifies), without a hand-over.
    let o = env.seal(&v2, &b_key, &a, T2, "bob", &["--trust", &trust_a]);
    assert_refused(&env, &a, o, &before, "--handover-key");
    let o = env.seal(&v2, &b_key, &a, T2, "bob", &["--trust", &trust_a]);
    assert_says(&o, &a_key.fingerprint, "names the previous key");
    assert_says(&o, &b_key.fingerprint, "names this key");

    // Alice hands over to Bob: sealed, signed by both, and recorded.
    let alice_secret = a_key.secret.display().to_string();
    let o = env.seal(
        &v2,
        &b_key,
        &a,
        T2,
        "bob",
        &["--handover-key", &alice_secret, "--trust", &trust_a],
    );
    assert_code(&o, 0, "seal --handover-key");
    assert_eq!(
        manifest_of(&a, 2)["key_change"]["previous_signers"][0],
        a_key.fingerprint.as_str()
    );
    assert_eq!(
        manifest_of(&a, 2)["signers"],
        serde_json::json!([b_key.fingerprint, a_key.fingerprint])
    );

    let o = env.vellum([
        std::ffi::OsStr::new("verify"),
        a.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        a_key.public.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        b_key.public.as_os_str(),
        std::ffi::OsStr::new("--json"),
    ]);
    assert_code(&o, 0, "verify after a hand-over, trusting both");
    let doc = json(&o);
    assert_eq!(doc["versions"][0]["key_change"], serde_json::Value::Null);
    assert_eq!(
        doc["versions"][1]["key_change"]["authorised_by"],
        "handover"
    );
    assert_eq!(
        doc["versions"][1]["signers"][0]["fingerprint"],
        b_key.fingerprint.as_str()
    );

    let o = env.vellum([
        std::ffi::OsStr::new("log"),
        a.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        a_key.public.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        b_key.public.as_os_str(),
    ]);
    assert_code(&o, 0, "log after a key change");
    assert_says(
        &o,
        &format!("key change at v2: handed over by {}", a_key.named()),
        "log shows the key change",
    );

    // Trusting only Alice, Bob's version fails.
    let o = env.verify(&a, &a_key);
    assert_code(
        &o,
        1,
        "verify after a key change, trusting only the old key",
    );
    assert_says(
        &o,
        "not among the trusted keys",
        "bob's version is not trusted",
    );
}

#[test]
fn seal_refuses_to_append_to_an_archive_that_does_not_verify() {
    let env = TestEnv::new();
    let k = env.keygen("k");
    let good = env.seal_v1(&k, ARCHIVE);
    // Change one byte of the stored original, rewrite the zip.
    let mut entries = read_zip(&good);
    let name = format!("{BAG}/data/v1/content/original.txt");
    let e = entries.iter_mut().find(|(n, _)| *n == name).unwrap();
    let pos = e.1.windows(5).position(|w| w == b"Paris").unwrap();
    e.1[pos + 3] = b'j';
    let bad = env.path("bad/paris-2014-02-08.zip");
    std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
    write_zip(&bad, &entries);
    assert_code(&env.verify(&bad, &k), 1, "the tampered archive fails");

    let before = bytes(&bad);
    let v2 = env.write("v2.txt", declaration_v2());
    let o = env.seal(&v2, &k, &bad, T2, "append", &[]);
    assert_refused(
        &env,
        &bad,
        o,
        &before,
        "does not verify, so nothing is appended",
    );

    // A file that is not a zip at all: refused too, untouched.
    let junk = env.write(
        "junk/paris-2014-02-08.zip",
        b"not a zip at all, just text\n",
    );
    let before = bytes(&junk);
    let o = env.seal(&v2, &k, &junk, T2, "append", &[]);
    assert_refused(&env, &junk, o, &before, "does not verify");
}

// ---------------------------------------------------------------- determinism

#[test]
fn sealing_is_deterministic() {
    let one = TestEnv::new();
    let k = one.keygen("k");
    let two = TestEnv::new();
    // Same key file in both places.
    std::fs::copy(&k.secret, two.path("k.key")).unwrap();
    std::fs::copy(&k.public, two.path("k.pub")).unwrap();
    let mut k2 = Key::at(two.path("k.pub"), two.path("k.key"));
    k2.id = k.id.clone();
    let a1 = one.seal_v1(&k, &format!("out/{ARCHIVE}"));
    let a2 = two.seal_v1(&k2, &format!("elsewhere/deeper/{ARCHIVE}"));
    assert_ne!(a1, a2);
    assert!(bytes(&a1) == bytes(&a2), "v1 archives differ");

    let v2a = one.write("v2.txt", declaration_v2());
    let v2b = two.write("another-name.txt", declaration_v2());
    assert_code(
        &one.seal(&v2a, &k, &a1, T2, "second", &[]),
        0,
        "seal v2 (one)",
    );
    assert_code(
        &two.seal(&v2b, &k2, &a2, T2, "second", &[]),
        0,
        "seal v2 (two)",
    );
    assert!(bytes(&a1) == bytes(&a2), "v2 archives differ");
}

// ---------------------------------------------------------------- help

#[test]
fn every_help_shows_an_example_of_its_command() {
    let env = TestEnv::new();
    let o = env.vellum(["--help"]);
    assert_code(&o, 0, "vellum --help");
    let top = stdout(&o);
    for cmd in [
        "keygen", "sections", "seal", "verify", "prove", "log", "check", "diff",
    ] {
        assert!(top.contains(cmd), "vellum --help lists {cmd}\n{top}");
        let o = env.vellum([cmd, "--help"]);
        assert_code(&o, 0, &format!("vellum {cmd} --help"));
        let help = stdout(&o);
        let example = help
            .split_once("xample")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("vellum {cmd} --help shows no example\n{help}"));
        assert!(
            example.contains(&format!("vellum {cmd} ")),
            "vellum {cmd} --help: the example runs the command\n{help}"
        );
    }
    assert!(
        top.contains("xample") && top.contains("vellum seal "),
        "{top}"
    );
}

#[test]
fn texts_larger_than_vellum_reads_are_refused_in_one_line() {
    // 513 MiB, sparse: one more MiB than check and diff read back whole,
    // so seal, sections and diff refuse it (exit 2) after reading at most
    // 512 MiB and a byte, and nothing is written.
    let env = TestEnv::new();
    let key = env.keygen("k");
    let big = env.path("big.txt");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(513 << 20)
        .unwrap();
    let small = env.write("small.txt", "A short text.\n");
    let archive = env.path("a.zip");
    for (what, o) in [
        (
            "sections",
            env.vellum([OsStr::new("sections"), big.as_os_str()]),
        ),
        ("seal", env.seal(&big, &key, &archive, T1, "m", &[])),
        (
            "diff",
            env.vellum([OsStr::new("diff"), big.as_os_str(), small.as_os_str()]),
        ),
    ] {
        assert_code(&o, 2, what);
        let line = assert_one_line_error(&o, "larger than 512 MiB, the most vellum reads", what);
        assert!(line.contains("big.txt"), "{what}: names the file: {line}");
    }
    assert!(!archive.exists(), "no archive was written");
    // check and diff against an archive refuse the copy by its size before
    // the archive is looked at: this one has trailing bytes, which would
    // make it fail verification (exit 1).
    let sealed = env.path("sealed.zip");
    assert_code(
        &env.seal(&small, &key, &sealed, T1, "m", &[]),
        0,
        "seal small",
    );
    let mut bytes = std::fs::read(&sealed).unwrap();
    bytes.extend_from_slice(b"trailing");
    std::fs::write(&sealed, bytes).unwrap();
    let trust = key.public.as_os_str();
    for (what, o) in [
        (
            "check",
            env.vellum([
                OsStr::new("check"),
                sealed.as_os_str(),
                big.as_os_str(),
                OsStr::new("--trust"),
                trust,
            ]),
        ),
        (
            "diff",
            env.vellum([
                OsStr::new("diff"),
                sealed.as_os_str(),
                big.as_os_str(),
                OsStr::new("--trust"),
                trust,
            ]),
        ),
    ] {
        assert_code(&o, 2, what);
        let line = assert_one_line_error(&o, "larger than 512 MiB, the most vellum reads", what);
        assert!(line.contains("big.txt"), "{what}: names the file: {line}");
    }
}

// ---------------------------------------------------------------- signers known by their keys

/// A .pub file holding `key`'s key under the key id of `id_of` (a key id is
/// eight bytes anyone can write into their own .pub file).
fn with_id_of(env: &TestEnv, key: &Key, id_of: &Key, name: &str) -> PathBuf {
    use base64::engine::general_purpose::STANDARD as B64;
    let raw_id = |k: &Key| {
        let t = std::fs::read_to_string(&k.public).unwrap();
        B64.decode(t.lines().nth(1).unwrap()).unwrap()
    };
    let mut raw = raw_id(key);
    raw[2..10].copy_from_slice(&raw_id(id_of)[2..10]);
    env.write(
        name,
        format!(
            "untrusted comment: minisign public key\n{}\n",
            B64.encode(raw)
        ),
    )
}

/// Issue 12 point 1: a partner who gives its own key the secretariat's key
/// id does not become the secretariat. A trust set holding both keys is
/// refused in one line; a version the partner seals into the secretariat's
/// archive is a key change, shown with the partner's fingerprint.
#[test]
fn a_copied_key_id_does_not_make_a_key_the_same() {
    let env = TestEnv::new();
    let sec = env.keygen("secretariat");
    let partner = env.keygen("partner");
    let a = env.seal_v1(&sec, ARCHIVE);
    let forged = with_id_of(&env, &partner, &sec, "partner-with-secretariat-id.pub");

    // Both trusted: two different keys under one id, refused (exit 2).
    for cmd in ["verify", "log"] {
        let o = env.vellum([
            OsStr::new(cmd),
            a.as_os_str(),
            OsStr::new("--trust"),
            sec.public.as_os_str(),
            OsStr::new("--trust"),
            forged.as_os_str(),
        ]);
        assert_code(&o, 2, cmd);
        let line = assert_one_line_error(&o, "two different keys with the same key id", cmd);
        assert!(
            line.contains(&sec.id) && line.contains("partner-with-secretariat-id.pub"),
            "{line}"
        );
    }

    // The partner seals a version: its key is not the secretariat's, so it
    // is a key change, refused without a hand-over even though its trusted
    // .pub claims the secretariat's id.
    let v2 = env.write("v2.txt", declaration_v2());
    let before = bytes(&a);
    let trust = sec.public.display().to_string();
    let o = env.seal(&v2, &partner, &a, T2, "partner", &["--trust", &trust]);
    assert_refused(&env, &a, o, &before, "--handover-key");
    // Where a trust policy names the partner for the archive, it seals.
    let lets = env.path("lets");
    std::fs::create_dir(&lets).unwrap();
    std::fs::copy(&sec.public, lets.join("secretariat.pub")).unwrap();
    std::fs::copy(&partner.public, lets.join("partner.pub")).unwrap();
    std::fs::write(
        lets.join("trust.toml"),
        format!(
            "format = \"vellum-trust-v1\"\n[[archive]]\nid = \"{BAG}\"\nkeys = [\"{}\"]\n",
            partner.fingerprint
        ),
    )
    .unwrap();
    let lets_s = lets.display().to_string();
    let o = env.seal(&v2, &partner, &a, T2, "partner", &["--trust", &lets_s]);
    assert_code(&o, 0, "seal by the partner, named by a policy");

    // Trusting the secretariat alone, the partner's version is not the
    // secretariat's: it is named by its own fingerprint, untrusted.
    let o = env.verify(&a, &sec);
    assert_code(&o, 1, "verify trusting only the secretariat");
    assert_says(
        &o,
        &format!(
            "signed by key {}, which is not among the trusted keys",
            partner.fingerprint
        ),
        "the partner's version is the partner's",
    );
    // Trusting the forged .pub alone: the partner's key, under the
    // secretariat's id, verifies the partner's version only, and the
    // output shows whose key it is and which file it came from.
    let o = env.vellum([
        OsStr::new("log"),
        a.as_os_str(),
        OsStr::new("--trust"),
        forged.as_os_str(),
        OsStr::new("--json"),
    ]);
    assert_code(&o, 1, "log trusting the forged .pub");
    let doc = json(&o);
    assert_eq!(
        doc["versions"][0]["signers"][0]["fingerprint"],
        sec.fingerprint.as_str()
    );
    assert_eq!(doc["versions"][0]["signers"][0]["trusted"], false);
    let v2s = &doc["versions"][1]["signers"][0];
    assert_eq!(v2s["fingerprint"], partner.fingerprint.as_str());
    assert_eq!(v2s["key_id"], sec.id.as_str(), "the id is the forged label");
    assert!(v2s["key_file"]
        .as_str()
        .unwrap()
        .ends_with("partner-with-secretariat-id.pub"));
    assert_eq!(
        doc["versions"][1]["key_change"]["new"]["fingerprint"],
        partner.fingerprint.as_str()
    );
    assert_eq!(
        doc["versions"][1]["key_change"]["authorised_by"],
        serde_json::Value::Null
    );
}

/// Issue 12 point 1: a .pub file swapped for another key's is that other
/// key: the archive the real key sealed fails, naming its signer by
/// fingerprint, and one the other key sealed verifies, showing the other
/// fingerprint beside the file's name, for the user to compare with the
/// publisher's.
#[test]
fn a_swapped_pub_file_is_named_by_the_key_it_holds() {
    let env = TestEnv::new();
    let sec = env.keygen("real/secretariat");
    let other = env.keygen("other/mallory");
    env.seal_v1(&sec, ARCHIVE);
    let m = env.seal_v1(&other, &format!("m/{ARCHIVE}"));
    std::fs::create_dir(env.path("keys")).unwrap();
    std::fs::copy(&other.public, env.path("keys/secretariat.pub")).unwrap();

    let o = env.vellum(["verify", ARCHIVE, "--trust", "keys"]);
    assert_code(&o, 1, "the real archive against the swapped .pub");
    assert_says(
        &o,
        &format!(
            "signed by key {}, which is not among the trusted keys",
            sec.fingerprint
        ),
        "names the real signer",
    );
    let o = env.vellum([
        OsStr::new("verify"),
        m.as_os_str(),
        OsStr::new("--trust"),
        OsStr::new("keys"),
    ]);
    assert_code(&o, 0, "the other key's archive against the swapped .pub");
    assert_says(
        &o,
        &format!("signed by key {} (keys/secretariat.pub)", other.fingerprint),
        "shows the key the file holds",
    );
    assert!(!stdout(&o).contains(&sec.fingerprint));
}

/// Issue 12 point 1: a key change between two keys that share a key id is
/// still a key change: a version whose manifest and checkpoint were signed
/// again by the new key with the key change removed is reported.
#[test]
fn a_key_change_between_keys_sharing_an_id_is_a_key_change() {
    use vellum::crypto::keys::read_secret_key;
    let env = TestEnv::new();
    let a_key = env.keygen("a");
    let b_key = env.keygen("b");
    let a = env.seal_v1(&a_key, ARCHIVE);
    let v2 = env.write("v2.txt", declaration_v2());
    let trust = a_key.public.display().to_string();
    let a_secret = a_key.secret.display().to_string();
    let o = env.seal(
        &v2,
        &b_key,
        &a,
        T2,
        "b",
        &["--handover-key", &a_secret, "--trust", &trust],
    );
    assert_code(&o, 0, "seal v2 by b");
    // B's key, as a .pub file under A's id: what a verifier trusts for it.
    let b_as_a = with_id_of(&env, &b_key, &a_key, "b-as-a.pub");

    // Remove the key change from v2's manifest, and sign the manifest and
    // the checkpoint again with B's key, every checksum recomputed.
    let sk = read_secret_key(&b_key.secret, None).unwrap();
    let mut entries = read_zip(&a);
    let tag = file_tag(&b_key.public);
    let mrel = "data/v2/content/manifest.json";
    let old_manifest = get(&mut entries, mrel).clone();
    let mut m: serde_json::Value = serde_json::from_slice(&old_manifest).unwrap();
    m["key_change"] = serde_json::Value::Null;
    let mbytes = serde_json::to_vec(&m).unwrap();
    *get(&mut entries, mrel) = mbytes.clone();
    let mut olds = vec![(mrel.to_owned(), old_manifest)];
    let sigs = [
        ("sig", vellum::crypto::sign::raw_signature(&sk, &mbytes)),
        (
            "minisig",
            vellum::crypto::sign::minisign_signature(
                &sk,
                &mbytes,
                &format!("manifest-sha256:{}", sha256_hex(&mbytes)),
            )
            .into_bytes(),
        ),
        (
            "sshsig",
            vellum::crypto::sign::ssh_signature(&sk, &mbytes).into_bytes(),
        ),
    ];
    for (suffix, bytes) in sigs {
        let rel = format!("data/v2/content/manifest.json.{tag}.{suffix}");
        olds.push((
            rel.clone(),
            std::mem::replace(get(&mut entries, &rel), bytes),
        ));
    }
    let crel = "data/v2/content/checkpoint";
    let cp_old = get(&mut entries, crel).clone();
    let signed = vellum::archive::checkpoint::SignedCheckpoint::parse(&cp_old).unwrap();
    let mut cp = signed.checkpoint;
    cp.manifest_sha256 = sha256_hex(&mbytes);
    *get(&mut entries, crel) = cp.sign(&[&sk]).into_bytes();
    olds.push((crel.to_owned(), cp_old));
    let olds_ref: Vec<(&str, Vec<u8>)> =
        olds.iter().map(|(r, o)| (r.as_str(), o.clone())).collect();
    refix(&mut entries, &olds_ref);
    let forged = env.path(format!("forged/{ARCHIVE}"));
    std::fs::create_dir_all(forged.parent().unwrap()).unwrap();
    write_zip(&forged, &entries);

    for trust_b in [b_key.public.clone(), b_as_a] {
        let o = env.vellum([
            OsStr::new("verify"),
            forged.as_os_str(),
            OsStr::new("--trust"),
            a_key.public.as_os_str(),
            OsStr::new("--trust"),
            trust_b.as_os_str(),
        ]);
        if trust_b.ends_with("b-as-a.pub") {
            // Two keys under one id cannot even be trusted together.
            assert_code(&o, 2, "b's key under a's id, beside a's");
            continue;
        }
        assert_code(&o, 1, "the key change removed");
        let ps = stdout(&o);
        assert!(
            ps.contains("v2 manifest.json: signer changed without a recorded key change"),
            "{}",
            describe(&o)
        );
    }
    // Trusting only B's key under A's id: still B's key, v1 untrusted.
    let o = env.vellum([
        OsStr::new("verify"),
        forged.as_os_str(),
        OsStr::new("--trust"),
        env.path("b-as-a.pub").as_os_str(),
    ]);
    assert_code(&o, 1, "only b's key, under a's id");
    assert_says(
        &o,
        &format!(
            "v1 manifest.json: signed by key {}, which is not among the trusted keys",
            a_key.fingerprint
        ),
        "a's version is a's",
    );
}

/// Rollback is a known limit (docs/threat-model.md): verify says so after
/// every archive it verifies, and both an archive and an older copy of it
/// verify.
#[test]
fn verify_says_an_older_copy_would_also_verify() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    let archive = env.seal_v1(&key, ARCHIVE);
    let older = env.write("older.zip", std::fs::read(&archive).unwrap());
    let v2 = env.write("v2.txt", declaration_v2());
    assert_code(&env.seal(&v2, &key, &archive, T2, "", &[]), 0, "v2");
    // Where it is not remembered (no state, or a first reading), an older
    // copy verifies, and the report says that this is a limit.
    for (p, n) in [(&archive, 2), (&older, 1)] {
        let o = env.vellum([
            "verify".as_ref(),
            p.as_os_str(),
            "--trust".as_ref(),
            key.public.as_os_str(),
            "--no-state".as_ref(),
        ]);
        assert_code(&o, 0, "both copies verify without state");
        assert_says(&o, &format!("verified, {n} version(s)"), "its versions");
        assert_says(
            &o,
            "an older copy of this archive would also verify",
            "the limit",
        );
    }
    // Remembered here: the newest is seen, then the older copy is a rollback.
    assert_code(&env.verify(&archive, &key), 0, "the newest");
    let o = env.verify(&older, &key);
    assert_code(&o, 1, "the older copy after the newest");
    assert_says(&o, "rollback", "the older copy after the newest");
}
