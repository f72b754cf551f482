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
    /// A signature file of the signer's set.
    fn signature(&self, v: u32, suffix: &str) -> PathBuf {
        self.content(
            v,
            &format!("manifest.json.{}.{suffix}", file_tag(&self.key.public)),
        )
    }
    /// The signer's raw 32-byte key.
    fn raw_key(&self) -> Vec<u8> {
        raw_key(&self.key.public)
    }
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
    tamper(&u.content(2, "original.txt"));
    let o = run(Command::new(&sha)
        .arg("-c")
        .arg("manifest-sha256.txt")
        .current_dir(&u.bag));
    rejected(&o, "sha256sum -c manifest-sha256.txt");
    assert!(
        stdout(&o).contains("data/v2/content/original.txt: FAILED"),
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

    tamper(&u.content(1, "original.txt"));
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
            .arg(u.signature(v, "minisig")));
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
        .arg(u.signature(1, "minisig")));
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
        .arg(u.signature(2, "minisig")));
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
    let tag = file_tag(&u.key.public);
    let verify = |file: &Path| {
        let mut sig = file.as_os_str().to_owned();
        sig.push(format!(".{tag}.sig"));
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
    let line = format!(
        "vellum ssh-ed25519 {}\n",
        base64::engine::general_purpose::STANDARD.encode(ssh_blob(&u.key.public))
    );
    let allowed = u.env.write("allowed_signers", &line);
    let tag = file_tag(&u.key.public);
    let verify = |file: &Path, namespace: &str| {
        let mut sig = file.as_os_str().to_owned();
        sig.push(format!(".{tag}.sshsig"));
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
fn the_signed_manifest_and_checkpoint_bind_the_texts() {
    // What the by-hand recipe relies on: the manifest that the signatures
    // cover names the SHA-256 of the original, v2's names v1's manifest,
    // and each checkpoint names its manifest and the checkpoint before.
    let u = unzipped();
    for v in [1u32, 2] {
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(u.content(v, "manifest.json")).unwrap()).unwrap();
        let bytes = std::fs::read(u.content(v, "original.txt")).unwrap();
        assert_eq!(m["original"]["sha256"], sha256_hex(&bytes).as_str(), "v{v}");
        assert_eq!(m["original"]["bytes"], bytes.len() as u64, "v{v}");
        assert_eq!(m["version"], v);
        assert_eq!(m["archive_id"], BAG);
        assert_eq!(m["signers"][0], u.key.fingerprint.as_str());
        assert!(
            !u.content(v, "canonical.txt").exists(),
            "the canonical text is derived, not stored"
        );
        let cp = std::fs::read_to_string(u.content(v, "checkpoint")).unwrap();
        let manifest = std::fs::read(u.content(v, "manifest.json")).unwrap();
        assert!(cp.starts_with(&format!("vellum/{BAG}/v{v}\n30\n")), "{cp}");
        assert!(cp.contains(&format!("\nmanifest-sha256 {}\n", sha256_hex(&manifest))));
        assert!(cp.contains(&format!("\noriginal-sha256 {}\n", sha256_hex(&bytes))));
        assert!(cp.contains(&format!("\nsigner {}\n", u.key.fingerprint)));
    }
    let m1 = std::fs::read(u.content(1, "manifest.json")).unwrap();
    let m2: serde_json::Value =
        serde_json::from_slice(&std::fs::read(u.content(2, "manifest.json")).unwrap()).unwrap();
    assert_eq!(m2["previous_manifest_sha256"], sha256_hex(&m1).as_str());
    let c1 = std::fs::read(u.content(1, "checkpoint")).unwrap();
    let c2 = std::fs::read_to_string(u.content(2, "checkpoint")).unwrap();
    assert!(c2.contains(&format!(
        "\nprevious-checkpoint-sha256 {}\n",
        sha256_hex(&c1)
    )));
}

/// vellum's fingerprint of a key is the one `ssh-keygen -l` prints for it.
#[test]
fn fingerprints_are_the_ones_ssh_keygen_prints() {
    let u = unzipped();
    let ssh_keygen = tool("ssh-keygen", "openssh-client");
    let line = format!(
        "ssh-ed25519 {} vellum\n",
        base64::engine::general_purpose::STANDARD.encode(ssh_blob(&u.key.public))
    );
    let f = u.env.write("key.ssh", &line);
    let o = run(Command::new(&ssh_keygen).arg("-l").arg("-f").arg(&f));
    ok(&o, "ssh-keygen -l");
    assert!(
        stdout(&o).contains(&format!("256 {} vellum (ED25519)", u.key.fingerprint)),
        "{}",
        describe(&o)
    );
    let v = u.env.verify(&u.archive, &u.key);
    assert!(stdout(&v).contains(&u.key.fingerprint), "{}", describe(&v));
}

// ---------------------------------------------------------------- proofs and checkpoints, by Go

/// `tests/go/proofcheck.go`, with Debian's Go and golang.org/x/mod.
fn go_check(env: &TestEnv, what: &str, file: &Path, key: &Path) -> Output {
    go_check_all(env, what, file, &[key])
}

/// `tests/go/proofcheck.go`, requiring every key's signature.
fn go_check_all(env: &TestEnv, what: &str, file: &Path, keys: &[&Path]) -> Output {
    let go = tool("go", "golang-go");
    let gopath = Path::new("/usr/share/gocode");
    assert!(
        gopath
            .join("src/golang.org/x/mod/sumdb/tlog/tlog.go")
            .is_file(),
        "MISSING golang.org/x/mod (Debian package `golang-golang-x-mod-dev`); {SETUP}"
    );
    run(Command::new(go)
        .arg("run")
        .arg(repo_root().join("tests/go/proofcheck.go"))
        .arg(what)
        .arg(file)
        .args(keys)
        .env("GO111MODULE", "off")
        .env("GOPATH", gopath)
        .env("GOCACHE", env.path("go-cache"))
        .env("GOFLAGS", "")
        .current_dir(env.root()))
}

/// A proof made by `vellum prove`.
fn prove(env: &TestEnv, archive: &Path, key: &Key, id: &str, out: &Path) {
    let o = env.vellum([
        std::ffi::OsStr::new("prove"),
        archive.as_os_str(),
        std::ffi::OsStr::new(id),
        std::ffi::OsStr::new("-o"),
        out.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        key.public.as_os_str(),
    ]);
    assert_code(&o, 0, "vellum prove");
}

#[test]
fn go_checks_proofs_and_checkpoints_and_rejects_tampered_ones() {
    let u = unzipped();
    for v in [1, 2] {
        let o = go_check(
            &u.env,
            "checkpoint",
            &u.content(v, "checkpoint"),
            &u.key.public,
        );
        ok(&o, &format!("Go: checkpoint of v{v}"));
        assert!(
            stdout(&o).contains(&format!("OK checkpoint vellum/{BAG}/v{v}: 30 leaves")),
            "{}",
            describe(&o)
        );
    }
    let other = u.env.keygen("other");
    let o = go_check(
        &u.env,
        "checkpoint",
        &u.content(1, "checkpoint"),
        &other.public,
    );
    rejected(&o, "Go: a checkpoint against another key");
    for id in ["paragraph-1", "point-7", "closing-2"] {
        let p = u.env.path(format!("{id}.proof"));
        prove(&u.env, &u.archive, &u.key, id, &p);
        let o = go_check(&u.env, "proof", &p, &u.key.public);
        ok(&o, &format!("Go: proof of {id}"));
        assert!(
            stdout(&o).contains(&format!("OK {id} leaf ")),
            "{}",
            describe(&o)
        );
    }
    let good = std::fs::read_to_string(u.env.path("point-7.proof")).unwrap();
    for (what, bad) in tampered_proofs(&good) {
        let p = u.env.write("bad.proof", bad);
        rejected(
            &go_check(&u.env, "proof", &p, &u.key.public),
            &format!("Go: {what}"),
        );
    }
}

// ---------------------------------------------------------------- co-signatures

/// A co-signed archive (X1–X4), unzipped, is still a valid bag and a valid
/// OCFL object; each signer's minisign signature verifies with minisign;
/// Go's note verifier reads the co-signed checkpoint's several lines, in a
/// proof too; and a co-signature over a changed manifest is rejected.
#[test]
fn a_cosigned_archive_is_checked_by_bagit_ocfl_minisign_and_go() {
    let env = TestEnv::new();
    let sec = env.keygen("secretariat");
    let assoc = env.keygen("association");
    let archive = env.seal_two_versions(&sec, ARCHIVE);
    let trust = env.path("trusted");
    std::fs::create_dir(&trust).unwrap();
    for k in [&sec, &assoc] {
        std::fs::copy(&k.public, trust.join(k.public.file_name().unwrap())).unwrap();
    }
    let o = env.vellum([
        std::ffi::OsStr::new("cosign"),
        std::ffi::OsStr::new(&format!("{}@v1", archive.display())),
        std::ffi::OsStr::new("--key"),
        assoc.secret.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        trust.as_os_str(),
    ]);
    assert_code(&o, 0, "vellum cosign");
    let out = env.path("unzipped");
    extract_zip(&archive, &out);
    let bag = out.join(BAG);

    let bagit = python_tool("bagit.py", "bagit");
    let o = run(Command::new(&bagit).arg("--validate").arg(&bag));
    ok(&o, "bagit.py --validate (co-signed)");
    let ocfl = python_tool("ocfl-validate.py", "ocfl-py");
    let o = run(Command::new(&ocfl).arg(bag.join("data")));
    ok(&o, "ocfl-validate.py (co-signed)");
    assert!(stdout(&o).contains("is VALID"), "{}", describe(&o));

    let minisign = tool("minisign", "minisign");
    let manifest = bag.join("data/v1/content/manifest.json");
    let mini = |k: &Key, sig: &Path| {
        run(Command::new(&minisign)
            .arg("-V")
            .arg("-p")
            .arg(&k.public)
            .arg("-m")
            .arg(&manifest)
            .arg("-x")
            .arg(sig))
    };
    let sealer_sig = bag.join(format!(
        "data/v1/content/manifest.json.{}.minisig",
        file_tag(&sec.public)
    ));
    let co_sig = bag.join(format!(
        "cosignatures/v1/manifest.json.{}.minisig",
        file_tag(&assoc.public)
    ));
    ok(&mini(&sec, &sealer_sig), "minisign -V, the sealer");
    ok(&mini(&assoc, &co_sig), "minisign -V, the co-signer");
    rejected(
        &mini(&sec, &co_sig),
        "minisign -V, the co-signature with the sealer's key",
    );

    let cp = bag.join("cosignatures/v1/checkpoint");
    let o = go_check_all(&env, "checkpoint", &cp, &[&sec.public, &assoc.public]);
    ok(&o, "Go: the co-signed checkpoint, both keys");
    assert!(
        stdout(&o).contains(&format!("OK checkpoint vellum/{BAG}/v1: 30 leaves")),
        "{}",
        describe(&o)
    );
    // The version's own checkpoint carries the sealer's line only.
    let own = bag.join("data/v1/content/checkpoint");
    rejected(
        &go_check_all(&env, "checkpoint", &own, &[&sec.public, &assoc.public]),
        "Go: the version's checkpoint has no co-signer's line",
    );
    // A proof of v1 carries the co-signed checkpoint.
    let p = env.path("point-7.proof");
    let o = env.vellum([
        std::ffi::OsStr::new("prove"),
        std::ffi::OsStr::new(&format!("{}@v1", archive.display())),
        std::ffi::OsStr::new("point-7"),
        std::ffi::OsStr::new("-o"),
        p.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        trust.as_os_str(),
    ]);
    assert_code(&o, 0, "vellum prove v1");
    ok(
        &go_check_all(&env, "proof", &p, &[&sec.public, &assoc.public]),
        "Go: a proof of a co-signed version, both keys",
    );

    // A changed manifest: the co-signature no longer verifies.
    tamper(&manifest);
    rejected(
        &mini(&assoc, &co_sig),
        "minisign -V, the co-signature, manifest changed",
    );
}

/// A proof changed in each way a proof can be: the text, a path hash, the
/// index, the root, the size, the leaf.
fn tampered_proofs(good: &str) -> Vec<(&'static str, String)> {
    let lines: Vec<&str> = good.lines().collect();
    let at = |prefix: &str| lines.iter().position(|l| l.starts_with(prefix)).unwrap();
    let with_line = |i: usize, new: &str| {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        l[i] = new.to_owned();
        l.join("\n") + "\n"
    };
    let idx = at("index ");
    let origin = at("vellum/");
    let flip = |s: &str| {
        let mut b = base64::engine::general_purpose::STANDARD.decode(s).unwrap();
        b[0] ^= 1;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    vec![
        ("an edited text", good.replacen("text We", "text we", 1)),
        (
            "an edited path hash",
            with_line(idx + 1, &flip(lines[idx + 1])),
        ),
        (
            "another index",
            with_line(
                idx,
                &format!("index {}", lines[idx][6..].parse::<u64>().unwrap() + 1),
            ),
        ),
        (
            "another root",
            with_line(origin + 2, &flip(lines[origin + 2])),
        ),
        ("another size", with_line(origin + 1, "31")),
        (
            "another leaf",
            with_line(
                at("extra "),
                &format!("extra {}", flip(&lines[at("extra ")][6..])),
            ),
        ),
    ]
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
    // v1 co-signed by a second key, whose .pub is trusted beside the first
    // (docs/verify-without-vellum.md, 5b).
    let assoc = env.keygen("keys/association");
    let o = env.vellum([
        "cosign".to_owned(),
        format!("{}@v1", archive.display()),
        "--key".to_owned(),
        assoc.secret.display().to_string(),
        "--trust".to_owned(),
        key.public.display().to_string(),
    ]);
    assert_code(&o, 0, "cosign v1");
    std::fs::create_dir(env.path("examples")).unwrap();
    prove(
        &env,
        &archive,
        &key,
        "point-7",
        &env.path("examples/point-7.proof"),
    );
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
        &format!("vellum/{BAG}/v2: leaf 23 of 30 leads to the root; its text hashes to the leaf"),
    ] {
        assert!(
            all.contains(want),
            "the README recipe prints {want:?}\n{}",
            describe(&o)
        );
    }
    // Every way of changing the proof makes the recipe fail.
    let good = std::fs::read_to_string(env.path("examples/point-7.proof")).unwrap();
    for (what, bad) in tampered_proofs(&good) {
        env.write("examples/point-7.proof", bad);
        let o = run_script(&env, &readme_recipe());
        rejected(&o, &format!("the README recipe on a proof with {what}"));
    }
    env.write("examples/point-7.proof", &good);
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
        "manifest.json: OK",
        " (ED25519)", // ssh-keygen -l: the fingerprint
        "leads to the root; its text hashes to the leaf",
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
        3,
        "both versions, and v1's co-signer"
    );
    assert_eq!(
        all.matches("Signature Verified Successfully").count(),
        5,
        "both manifests, the checkpoint, the co-signed checkpoint, the proof's checkpoint"
    );
    assert!(
        all.contains("v1: the co-signed checkpoint begins with the version's, byte for byte"),
        "5b ran\n{}",
        describe(&o)
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

// ---------------------------------------------------------------- timestamps

/// A timestamped archive (T1), unzipped, is still a valid bag and a valid
/// OCFL object, and `openssl ts -verify` checks its token over the
/// version's checkpoint with the TSA's CA.
#[test]
fn a_timestamped_archive_is_checked_by_bagit_ocfl_and_openssl() {
    use std::ffi::OsStr;
    let env = TestEnv::new();
    let tsa = common::tsa::Tsa::new(&env);
    let key = env.keygen("secretariat");
    let archive = env.seal_two_versions(&key, ARCHIVE);
    let spec = format!("{}@v1", archive.display());
    let q = env.path("v1.tsq");
    let o = env.vellum([
        OsStr::new("timestamp"),
        OsStr::new(&spec),
        OsStr::new("--request"),
        q.as_os_str(),
        OsStr::new("--trust"),
        key.public.as_os_str(),
    ]);
    assert_code(&o, 0, "vellum timestamp --request");
    let r = env.path("v1.tsr");
    tsa.reply(&q, &r, "tsa");
    let o = env.vellum([
        OsStr::new("timestamp"),
        OsStr::new(&spec),
        OsStr::new("--tsa-reply"),
        r.as_os_str(),
        OsStr::new("--trust"),
        key.public.as_os_str(),
    ]);
    assert_code(&o, 0, "vellum timestamp --tsa-reply");
    let out = env.path("unzipped");
    extract_zip(&archive, &out);
    let bag = out.join(BAG);

    let bagit = python_tool("bagit.py", "bagit");
    let o = run(Command::new(&bagit).arg("--validate").arg(&bag));
    ok(&o, "bagit.py --validate (timestamped)");
    let ocfl = python_tool("ocfl-validate.py", "ocfl-py");
    let o = run(Command::new(&ocfl).arg(bag.join("data")));
    ok(&o, "ocfl-validate.py (timestamped)");
    assert!(stdout(&o).contains("is VALID"), "{}", describe(&o));

    let openssl = tool("openssl", "openssl");
    let tokens: Vec<PathBuf> = std::fs::read_dir(bag.join("timestamps/v1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let check = |data: &Path| {
        run(Command::new(&openssl)
            .args(["ts", "-verify", "-data"])
            .arg(data)
            .arg("-in")
            .arg(&tokens[0])
            .arg("-CAfile")
            .arg(tsa.file("ca.crt")))
    };
    ok(
        &check(&bag.join("data/v1/content/checkpoint")),
        "openssl ts -verify, v1's checkpoint",
    );
    rejected(
        &check(&bag.join("data/v2/content/checkpoint")),
        "openssl ts -verify, v2's checkpoint",
    );
}
