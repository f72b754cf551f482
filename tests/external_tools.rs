//! A sealed archive checked with standard tools only, exactly as
//! docs/verify-without-vellum.md tells a reader to: bagit.py, ocfl-validate.py,
//! sha256sum, minisign, OpenSSL and ssh-keygen. Each tool must accept the
//! fresh archive AND reject a tampered copy, so we know it checks something.
//!
//! A missing tool FAILS its test with a message naming it (run
//! scripts/setup-test-env.sh). The Python tools are looked up in
//! $VELLUM_PYTHON_BIN (a folder), then .venv/bin at the repo root, then PATH.

mod common;

use base64::Engine;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SETUP: &str = "run scripts/setup-test-env.sh (as root) to install it";

fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// A system tool, or a failure naming it.
fn tool(name: &str, package: &str) -> PathBuf {
    on_path(name).unwrap_or_else(|| {
        panic!("MISSING TOOL `{name}` (Debian package `{package}`): not on PATH; {SETUP}")
    })
}

/// A Python tool: $VELLUM_PYTHON_BIN, then .venv/bin, then PATH.
fn python_tool(name: &str, package: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("VELLUM_PYTHON_BIN") {
        let p = PathBuf::from(dir).join(name);
        assert!(
            p.is_file(),
            "MISSING TOOL `{name}` (PyPI `{package}`): not in VELLUM_PYTHON_BIN={}",
            p.parent().unwrap().display()
        );
        return p;
    }
    let venv = repo_root().join(".venv/bin").join(name);
    if venv.is_file() {
        return venv;
    }
    on_path(name).unwrap_or_else(|| {
        panic!(
            "MISSING TOOL `{name}` (PyPI `{package}`): not in $VELLUM_PYTHON_BIN, {} or PATH; {SETUP}",
            venv.parent().unwrap().display()
        )
    })
}

fn run(cmd: &mut Command) -> Output {
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        o.status.code().is_some(),
        "{cmd:?} died of a signal\n{}",
        describe(&o)
    );
    o
}

fn ok(o: &Output, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{what} should accept\n{}",
        describe(o)
    );
}

fn rejected(o: &Output, what: &str) {
    assert_ne!(
        o.status.code(),
        Some(0),
        "{what} should reject the tampered copy\n{}",
        describe(o)
    );
}

fn all_output(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

/// A freshly sealed two-version archive, unzipped.
struct Unzipped {
    env: TestEnv,
    key: Key,
    archive: PathBuf,
    /// The bag folder.
    bag: PathBuf,
}

fn unzipped() -> Unzipped {
    let env = TestEnv::new();
    let key = env.keygen("secretariat");
    let archive = env.seal_two_versions(&key, ARCHIVE);
    let out = env.path("unzipped");
    extract_zip(&archive, &out);
    let bag = out.join(BAG);
    assert!(bag.join("bagit.txt").is_file());
    Unzipped {
        env,
        key,
        archive,
        bag,
    }
}

impl Unzipped {
    fn content(&self, v: u32, file: &str) -> PathBuf {
        self.bag.join(format!("data/v{v}/content/{file}"))
    }
    /// The signer's raw 32-byte key: bytes 10..42 of line 2 of KEY.pub.
    fn raw_key(&self) -> Vec<u8> {
        raw_key(&self.key.public)
    }
}

fn raw_key(pubfile: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(pubfile).unwrap();
    let line = text.lines().nth(1).expect("line 2 of the .pub file");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(line.trim())
        .expect("base64");
    assert_eq!(raw.len(), 42);
    raw[10..42].to_vec()
}

/// Flip one byte of a file (the first 'a' becomes 'b', or byte 0 flips).
fn tamper(p: &Path) {
    let mut b = std::fs::read(p).unwrap();
    match b.iter().position(|&c| c == b'a') {
        Some(i) => b[i] = b'b',
        None => b[0] ^= 1,
    }
    std::fs::write(p, b).unwrap();
}

// ---------------------------------------------------------------- unzip

#[test]
fn unzip_makes_exactly_one_folder_named_like_the_archive() {
    let u = unzipped();
    let unzip = tool("unzip", "unzip");
    let dest = u.env.path("by-unzip");
    std::fs::create_dir(&dest).unwrap();
    let o = run(Command::new(&unzip)
        .arg("-q")
        .arg(&u.archive)
        .arg("-d")
        .arg(&dest));
    ok(&o, "unzip");
    let tops: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(tops, [BAG]);
    let o = run(Command::new(&unzip).arg("-tq").arg(&u.archive));
    ok(&o, "unzip -t");
}

// ---------------------------------------------------------------- BagIt

#[test]
fn bagit_py_validates_the_bag_and_rejects_a_changed_payload() {
    let u = unzipped();
    let bagit = python_tool("bagit.py", "bagit");
    let o = run(Command::new(&bagit).arg("--validate").arg(&u.bag));
    ok(&o, "bagit.py --validate");
    assert!(all_output(&o).contains("is valid"), "{}", describe(&o));

    tamper(&u.content(1, "original.txt"));
    let o = run(Command::new(&bagit).arg("--validate").arg(&u.bag));
    rejected(&o, "bagit.py --validate");
    assert!(all_output(&o).contains("original.txt"), "{}", describe(&o));
}

#[test]
fn bagit_py_rejects_a_changed_tag_file() {
    let u = unzipped();
    let bagit = python_tool("bagit.py", "bagit");
    let info = u.bag.join("bag-info.txt");
    let mut s = std::fs::read_to_string(&info).unwrap();
    s.push_str("Source-Organization: someone else\n");
    std::fs::write(&info, s).unwrap();
    let o = run(Command::new(&bagit).arg("--validate").arg(&u.bag));
    rejected(&o, "bagit.py --validate (bag-info.txt changed)");
}

#[test]
fn sha256sum_checks_the_bag_manifests() {
    let u = unzipped();
    let sha = tool("sha256sum", "coreutils");
    for m in ["manifest-sha256.txt", "tagmanifest-sha256.txt"] {
        let o = run(Command::new(&sha).arg("-c").arg(m).current_dir(&u.bag));
        ok(&o, &format!("sha256sum -c {m}"));
    }
    tamper(&u.content(2, "canonical.txt"));
    let o = run(Command::new(&sha)
        .arg("-c")
        .arg("manifest-sha256.txt")
        .current_dir(&u.bag));
    rejected(&o, "sha256sum -c manifest-sha256.txt");
    assert!(
        stdout(&o).contains("data/v2/content/canonical.txt: FAILED"),
        "{}",
        describe(&o)
    );
}

// ---------------------------------------------------------------- OCFL

#[test]
fn ocfl_validate_accepts_the_object_and_rejects_changed_content() {
    let u = unzipped();
    let ocfl = python_tool("ocfl-validate.py", "ocfl-py");
    let data = u.bag.join("data");
    let o = run(Command::new(&ocfl).arg(&data));
    ok(&o, "ocfl-validate.py");
    assert!(stdout(&o).contains("is VALID"), "{}", describe(&o));

    tamper(&u.content(1, "canonical.txt"));
    let o = run(Command::new(&ocfl).arg(&data));
    rejected(&o, "ocfl-validate.py");
    assert!(all_output(&o).contains("INVALID"), "{}", describe(&o));
}

#[test]
fn ocfl_validate_rejects_a_changed_inventory() {
    let u = unzipped();
    let ocfl = python_tool("ocfl-validate.py", "ocfl-py");
    let inv = u.bag.join("data/inventory.json");
    let s = std::fs::read_to_string(&inv)
        .unwrap()
        .replace("correct the amount", "correct the amounT");
    std::fs::write(&inv, s).unwrap();
    let o = run(Command::new(&ocfl).arg(u.bag.join("data")));
    rejected(&o, "ocfl-validate.py (inventory changed, sidecar not)");
}

// ---------------------------------------------------------------- signatures

#[test]
fn minisign_verifies_each_manifest_and_rejects_a_changed_one() {
    let u = unzipped();
    let minisign = tool("minisign", "minisign");
    for v in [1, 2] {
        let m = u.content(v, "manifest.json");
        let o = run(Command::new(&minisign)
            .arg("-V")
            .arg("-p")
            .arg(&u.key.public)
            .arg("-m")
            .arg(&m)
            .arg("-x")
            .arg(u.content(v, "manifest.json.minisig")));
        ok(&o, &format!("minisign -V v{v}"));
        // The trusted comment (signed too) names the archive, version and
        // the manifest's SHA-256.
        let hash = sha256_hex(&std::fs::read(&m).unwrap());
        let out = stdout(&o);
        assert!(
            out.contains(&format!(
                "Trusted comment: archive:{BAG} version:{v} created:"
            )) && out.contains(&format!("manifest-sha256:{hash}")),
            "{}",
            describe(&o)
        );
    }

    // Another key: rejected.
    let other = u.env.keygen("other");
    let o = run(Command::new(&minisign)
        .arg("-V")
        .arg("-p")
        .arg(&other.public)
        .arg("-m")
        .arg(u.content(1, "manifest.json"))
        .arg("-x")
        .arg(u.content(1, "manifest.json.minisig")));
    rejected(&o, "minisign -V with another key");

    // A changed manifest: rejected.
    let m = u.content(2, "manifest.json");
    tamper(&m);
    let o = run(Command::new(&minisign)
        .arg("-V")
        .arg("-p")
        .arg(&u.key.public)
        .arg("-m")
        .arg(&m)
        .arg("-x")
        .arg(u.content(2, "manifest.json.minisig")));
    rejected(&o, "minisign -V (manifest changed)");
    assert!(
        all_output(&o).contains("Signature verification failed"),
        "{}",
        describe(&o)
    );
}

#[test]
fn openssl_verifies_the_raw_signature_and_rejects_a_changed_manifest() {
    let u = unzipped();
    let openssl = tool("openssl", "openssl");
    let mut der = hex::decode("302a300506032b6570032100").unwrap();
    der.extend_from_slice(&u.raw_key());
    let der_path = u.env.write("pub.der", &der);
    let verify = |file: &Path| {
        let mut sig = file.as_os_str().to_owned();
        sig.push(".sig");
        run(Command::new(&openssl)
            .args(["pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey"])
            .arg(&der_path)
            .arg("-rawin")
            .arg("-in")
            .arg(file)
            .arg("-sigfile")
            .arg(sig))
    };
    for v in [1, 2] {
        let o = verify(&u.content(v, "manifest.json"));
        ok(&o, &format!("openssl pkeyutl -verify v{v}"));
        assert!(
            stdout(&o).contains("Signature Verified Successfully"),
            "{}",
            describe(&o)
        );
    }
    let m = u.content(1, "manifest.json");
    tamper(&m);
    let o = verify(&m);
    rejected(&o, "openssl pkeyutl -verify (manifest changed)");
    assert!(
        all_output(&o).contains("Signature Verification Failure"),
        "{}",
        describe(&o)
    );
}

#[test]
fn ssh_keygen_verifies_the_sshsig_and_rejects_a_changed_manifest() {
    let u = unzipped();
    let ssh_keygen = tool("ssh-keygen", "openssh-client");
    // allowed_signers: `vellum ssh-ed25519 BASE64(string "ssh-ed25519" || string key)`.
    let mut blob = Vec::new();
    for part in [b"ssh-ed25519".as_slice(), &u.raw_key()] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    let line = format!(
        "vellum ssh-ed25519 {}\n",
        base64::engine::general_purpose::STANDARD.encode(&blob)
    );
    let allowed = u.env.write("allowed_signers", &line);
    let verify = |file: &Path, namespace: &str| {
        let mut sig = file.as_os_str().to_owned();
        sig.push(".sshsig");
        run(Command::new(&ssh_keygen)
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args(["-I", "vellum", "-n", namespace, "-s"])
            .arg(sig)
            .stdin(std::fs::File::open(file).unwrap()))
    };
    for v in [1, 2] {
        let o = verify(&u.content(v, "manifest.json"), "vellum-manifest");
        ok(&o, &format!("ssh-keygen -Y verify v{v}"));
        assert!(
            all_output(&o).contains("Good \"vellum-manifest\" signature for vellum"),
            "{}",
            describe(&o)
        );
    }
    // Another namespace: the signature does not carry over.
    let o = verify(&u.content(1, "manifest.json"), "file");
    rejected(&o, "ssh-keygen -Y verify -n file");

    let m = u.content(2, "manifest.json");
    tamper(&m);
    let o = verify(&m, "vellum-manifest");
    rejected(&o, "ssh-keygen -Y verify (manifest changed)");
}

// ---------------------------------------------------------------- the chain

#[test]
fn the_signed_manifest_binds_the_texts() {
    // What the by-hand recipe relies on: the manifest that the signatures
    // cover names the SHA-256 of the original and canonical texts, and v2's
    // names v1's manifest.
    let u = unzipped();
    for v in [1u32, 2] {
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(u.content(v, "manifest.json")).unwrap()).unwrap();
        for (field, file) in [("original", "original.txt"), ("canonical", "canonical.txt")] {
            let bytes = std::fs::read(u.content(v, file)).unwrap();
            assert_eq!(
                m[field]["sha256"],
                sha256_hex(&bytes).as_str(),
                "v{v} {file}"
            );
            assert_eq!(m[field]["bytes"], bytes.len() as u64, "v{v} {file}");
        }
        assert_eq!(m["version"], v);
        assert_eq!(m["archive_id"], BAG);
        assert_eq!(m["signer_key_id"], u.key.id.as_str());
    }
    let m1 = std::fs::read(u.content(1, "manifest.json")).unwrap();
    let m2: serde_json::Value =
        serde_json::from_slice(&std::fs::read(u.content(2, "manifest.json")).unwrap()).unwrap();
    assert_eq!(m2["previous_manifest_sha256"], sha256_hex(&m1).as_str());
}

// ---------------------------------------------------------------- the documented recipe

/// Every ```sh block of docs/verify-without-vellum.md, in order.
fn documented_recipe() -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/verify-without-vellum.md"))
        .expect("docs/verify-without-vellum.md");
    sh_blocks(&doc)
}

/// The ```sh blocks of the README's "Verify without vellum" section.
fn readme_recipe() -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let start = readme
        .find("\n## Verify without vellum")
        .expect("README has a Verify without vellum section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map(|e| e + 3).unwrap_or(rest.len());
    sh_blocks(&rest[..end])
}

fn sh_blocks(doc: &str) -> String {
    let mut script = String::new();
    let mut inside = false;
    for line in doc.lines() {
        if !inside && line.trim_end() == "```sh" {
            inside = true;
        } else if inside && line.trim_end() == "```" {
            inside = false;
            script.push('\n');
        } else if inside {
            script.push_str(line);
            script.push('\n');
        }
    }
    assert!(!inside, "unclosed ```sh block");
    assert!(
        script.contains("minisign -V"),
        "the recipe has its commands"
    );
    script
}

/// Run the recipe in `env` (which holds archive/ and keys/), with the Python
/// tools on PATH; every tool it uses must be there.
fn run_recipe(env: &TestEnv) -> Output {
    run_script(env, &documented_recipe())
}

fn run_script(env: &TestEnv, script: &str) -> Output {
    for (t, pkg) in [
        ("unzip", "unzip"),
        ("sha256sum", "coreutils"),
        ("base64", "coreutils"),
        ("minisign", "minisign"),
        ("openssl", "openssl"),
        ("ssh-keygen", "openssh-client"),
        ("python3", "python3"),
        ("bash", "bash"),
    ] {
        tool(t, pkg);
    }
    let bagit = python_tool("bagit.py", "bagit");
    python_tool("ocfl-validate.py", "ocfl-py");
    let mut path = std::ffi::OsString::from(bagit.parent().unwrap());
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    run(Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(env.root())
        .env("PATH", path)
        .stdin(std::process::Stdio::null()))
}

fn recipe_env() -> (TestEnv, Key, PathBuf) {
    let env = TestEnv::new();
    std::fs::create_dir(env.path("keys")).unwrap();
    let key = env.keygen("keys/secretariat");
    let archive = env.seal_two_versions(&key, &format!("archive/{ARCHIVE}"));
    (env, key, archive)
}

#[test]
fn the_readme_recipe_verifies_a_sealed_archive_and_fails_on_a_tampered_one() {
    let (env, _key, archive) = recipe_env();
    let o = run_script(&env, &readme_recipe());
    ok(&o, "README's Verify without vellum, run as a script");
    let all = all_output(&o);
    for want in [
        "is valid",
        "is VALID",
        "Signature and comment signature verified",
        "Signature Verified Successfully",
        "Good \"vellum-manifest\" signature for vellum",
        "original.txt: OK",
        "canonical.txt: OK",
    ] {
        assert!(
            all.contains(want),
            "the README recipe prints {want:?}\n{}",
            describe(&o)
        );
    }
    // Change one byte of the newest original text: the recipe must fail.
    let mut entries = read_zip(&archive);
    let name = entries
        .iter()
        .map(|(n, _)| n.clone())
        .find(|n| n.ends_with("v2/content/original.txt"))
        .expect("v2 original");
    for (n, data) in entries.iter_mut() {
        if *n == name {
            data[10] ^= 0x20;
        }
    }
    write_zip(&archive, &entries);
    let o = run_script(&env, &readme_recipe());
    assert!(
        !o.status.success(),
        "the README recipe must fail on a changed text\n{}",
        describe(&o)
    );
}

#[test]
fn the_documented_recipe_verifies_a_sealed_archive() {
    let (env, _key, _archive) = recipe_env();
    let o = run_recipe(&env);
    ok(&o, "docs/verify-without-vellum.md, run as a script");
    let all = all_output(&o);
    for want in [
        "is valid",                                      // bagit.py
        "is VALID",                                      // ocfl-validate.py
        "Signature and comment signature verified",      // minisign
        "Signature Verified Successfully",               // openssl
        "Good \"vellum-manifest\" signature for vellum", // ssh-keygen
        "original.txt: OK",
        "canonical.txt: OK",
        "manifest.json: OK",
    ] {
        assert!(
            all.contains(want),
            "the recipe prints {want:?}\n{}",
            describe(&o)
        );
    }
    assert_eq!(
        all.matches("Signature and comment signature verified")
            .count(),
        2,
        "both versions"
    );
}

#[test]
fn the_documented_recipe_fails_on_a_tampered_archive() {
    let (env, _key, archive) = recipe_env();
    let good = read_zip(&archive);

    // A changed byte: the bag check (step 1) stops the recipe.
    let mut entries = good.clone();
    let orig = get(&mut entries, "data/v2/content/original.txt");
    let pos = orig.windows(6).position(|w| w == b"86 bil").unwrap();
    orig[pos + 1] = b'5';
    write_zip(&archive, &entries);
    let o = run_recipe(&env);
    rejected(&o, "the recipe on a changed original.txt");
    assert!(
        !all_output(&o).contains("Signature Verified"),
        "stops at step 1\n{}",
        describe(&o)
    );

    // The same change with every checksum recomputed (bag, tag manifest,
    // OCFL inventories and sidecars): steps 1-3 pass, step 4 catches it,
    // because the signed manifest still names the real text.
    let old = get(&mut good.clone(), "data/v2/content/original.txt").clone();
    refix(&mut entries, &[("data/v2/content/original.txt", old)]);
    write_zip(&archive, &entries);
    let o = run_recipe(&env);
    rejected(&o, "the recipe on a re-checksummed forgery");
    let all = all_output(&o);
    assert!(
        all.contains("is valid") && all.contains("is VALID"),
        "fixity passes\n{}",
        describe(&o)
    );
    assert!(
        all.contains("Good \"vellum-manifest\" signature"),
        "the manifest is still genuine\n{}",
        describe(&o)
    );
    assert!(
        all.contains("original.txt: FAILED"),
        "step 4 names the text\n{}",
        describe(&o)
    );
}
