//! A tiny harness for vellum's command-line tests (in the style of fd's
//! `tests/testenv`): each test gets its own temporary folder, the `vellum`
//! binary runs with that folder as its current directory, and helpers make
//! keys and sealed archives with fixed times so results are reproducible.
//!
//! Shared by several test binaries, so not every helper is used by each.
#![allow(dead_code)]

pub mod cases;
pub mod tsa;

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Created time of version 1 in every fixture.
pub const T1: &str = "2014-02-08T12:00:00Z";
/// Created time of version 2 in every fixture.
pub const T2: &str = "2014-03-01T09:30:00Z";
/// File name of the fixture archive (the archive id is its stem).
pub const ARCHIVE: &str = "paris-2014-02-08.zip";
/// The bag folder inside the fixture archive.
pub const BAG: &str = "paris-2014-02-08";

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The test declaration (version 1 text).
pub fn declaration() -> PathBuf {
    repo_root().join("tests/data/declaration.txt")
}

/// The version 2 text: the declaration with "87 billion" made "86 billion".
pub fn declaration_v2() -> String {
    let t = std::fs::read_to_string(declaration()).expect("read tests/data/declaration.txt");
    assert!(
        t.contains("87 billion"),
        "the declaration mentions 87 billion"
    );
    t.replace("87 billion", "86 billion")
}

/// A temporary folder to run vellum in.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

/// A key pair made by `vellum keygen`.
#[derive(Debug, Clone)]
pub struct Key {
    /// BASE.pub
    pub public: PathBuf,
    /// BASE.key
    pub secret: PathBuf,
    /// Key id as keygen printed it.
    pub id: String,
    /// The key's fingerprint, `SHA256:` and base64 of SHA-256 of its
    /// OpenSSH blob, computed here from the .pub file.
    pub fingerprint: String,
}

/// The raw 32-byte Ed25519 key of a .pub file (bytes 10..42 of line 2).
pub fn raw_key(pubfile: &Path) -> Vec<u8> {
    use base64::Engine;
    let text = std::fs::read_to_string(pubfile).expect("read .pub");
    let line = text.lines().nth(1).expect("line 2 of the .pub file");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(line.trim())
        .expect("base64");
    assert_eq!(raw.len(), 42);
    raw[10..42].to_vec()
}

/// The OpenSSH public key blob of a .pub file's key.
pub fn ssh_blob(pubfile: &Path) -> Vec<u8> {
    let mut blob = Vec::new();
    for part in [b"ssh-ed25519".as_slice(), &raw_key(pubfile)] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    blob
}

/// The fingerprint of a .pub file's key, as vellum and `ssh-keygen -l`
/// write it.
pub fn fingerprint(pubfile: &Path) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(sha2::Sha256::digest(ssh_blob(pubfile)))
    )
}

/// The tag of a key's signature files: 16 hex digits of the fingerprint.
pub fn file_tag(pubfile: &Path) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(ssh_blob(pubfile))[..8])
}

impl Key {
    /// A key from its two files.
    pub fn at(public: PathBuf, secret: PathBuf) -> Key {
        Key {
            fingerprint: fingerprint(&public),
            public,
            secret,
            id: String::new(),
        }
    }

    /// How outputs name this key when trusted through `public` and no
    /// policy names its holder: `key SHA256:... (PATH)`.
    pub fn named(&self) -> String {
        format!("key {} ({})", self.fingerprint, self.public.display())
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEnv {
    /// A fresh, empty temporary folder.
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::Builder::new()
                .prefix("vellum-test-")
                .tempdir()
                .expect("temp dir"),
        }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the folder.
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Write a file inside the folder (creating parent folders).
    pub fn write(&self, rel: impl AsRef<Path>, data: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, data).expect("write file");
        p
    }

    /// The vellum command, ready to run in the folder: NO_COLOR=1, no
    /// passphrase or SOURCE_DATE_EPOCH inherited, stdin closed, and the
    /// record of versions seen (rule F1) in the folder, never the user's.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vellum"));
        c.args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env_remove("VELLUM_PASSPHRASE")
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("RUST_BACKTRACE")
            .env("XDG_STATE_HOME", self.path(".state"))
            .stdin(Stdio::null());
        c
    }

    /// Run vellum with these arguments.
    pub fn vellum<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command(args).output().expect("run vellum")
    }

    /// Run vellum with these arguments and extra environment variables.
    pub fn vellum_env<I, S>(&self, args: I, envs: &[(&str, &str)]) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = self.command(args);
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().expect("run vellum")
    }

    /// `vellum keygen --out BASE --no-passphrase`, which must succeed.
    pub fn keygen(&self, base: &str) -> Key {
        let o = self.vellum(["keygen", "--out", base, "--no-passphrase"]);
        assert_code(&o, 0, "keygen --no-passphrase");
        let id = stdout(&o)
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("key id "))
            .expect("keygen prints `key id ID` first")
            .trim()
            .to_owned();
        let public = self.path(format!("{base}.pub"));
        Key {
            fingerprint: fingerprint(&public),
            public,
            secret: self.path(format!("{base}.key")),
            id,
        }
    }

    /// `vellum seal TEXT --key KEY --archive ARCHIVE --time TIME -m MSG`
    /// plus any extra arguments; returns the output, whatever it is.
    pub fn seal(
        &self,
        text: impl AsRef<Path>,
        key: &Key,
        archive: impl AsRef<Path>,
        time: &str,
        msg: &str,
        extra: &[&str],
    ) -> Output {
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("seal"),
            text.as_ref().as_os_str(),
            OsStr::new("--key"),
            key.secret.as_os_str(),
            OsStr::new("--archive"),
            archive.as_ref().as_os_str(),
            OsStr::new("--time"),
            OsStr::new(time),
            OsStr::new("-m"),
            OsStr::new(msg),
        ];
        args.extend(extra.iter().map(OsStr::new));
        self.vellum(args)
    }

    /// Seal the declaration as version 1 of `archive` (relative to the
    /// folder); must succeed. Returns the archive path.
    pub fn seal_v1(&self, key: &Key, archive: &str) -> PathBuf {
        let a = self.path(archive);
        if let Some(parent) = a.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        let o = self.seal(declaration(), key, &a, T1, "first publication", &[]);
        assert_code(&o, 0, "seal v1");
        a
    }

    /// Seal the declaration as v1 and the "86 billion" text as v2 of
    /// `archive`; both must succeed. Returns the archive path.
    pub fn seal_two_versions(&self, key: &Key, archive: &str) -> PathBuf {
        let a = self.seal_v1(key, archive);
        let v2 = self.write("v2.txt", declaration_v2());
        let o = self.seal(&v2, key, &a, T2, "correct the amount", &[]);
        assert_code(&o, 0, "seal v2");
        a
    }

    /// `vellum verify ARCHIVE --trust PUB`.
    pub fn verify(&self, archive: impl AsRef<Path>, trust: &Key) -> Output {
        self.vellum([
            OsStr::new("verify"),
            archive.as_ref().as_os_str(),
            OsStr::new("--trust"),
            trust.public.as_os_str(),
        ])
    }
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Both outputs, for failure messages.
pub fn describe(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

/// Assert the exit code, never a panic (101) or a signal.
pub fn assert_code(o: &Output, code: i32, what: &str) {
    assert!(
        !stderr(o).contains("panicked"),
        "{what}: vellum panicked\n{}",
        describe(o)
    );
    assert_eq!(
        o.status.code(),
        Some(code),
        "{what}: expected exit {code}\n{}",
        describe(o)
    );
}

/// Assert the output (stdout + stderr) contains `needle`.
pub fn assert_says(o: &Output, needle: &str, what: &str) {
    let all = format!("{}{}", stdout(o), stderr(o));
    assert!(
        all.contains(needle),
        "{what}: expected the output to contain {needle:?}\n{}",
        describe(o)
    );
}

/// Assert that stderr is exactly one line, starting `vellum: `, containing
/// `needle`; returns it.
pub fn assert_one_line_error(o: &Output, needle: &str, what: &str) -> String {
    let e = stderr(o);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: expected a one-line error\n{}",
        describe(o)
    );
    assert!(
        lines[0].starts_with("vellum: ") && lines[0].contains(needle),
        "{what}: expected `vellum: ...{needle}...`\n{}",
        describe(o)
    );
    lines[0].to_owned()
}

/// The entries of a zip file, in order: (name, content).
pub fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let f = std::fs::File::open(path).expect("open zip");
    let mut z = zip::ZipArchive::new(f).expect("read zip");
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).expect("zip entry");
        let name = e.name().expect("entry name").into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).expect("read entry");
        out.push((name, data));
    }
    out
}

/// One entry's content.
pub fn zip_entry(path: &Path, name: &str) -> Vec<u8> {
    read_zip(path)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} not in {}", path.display()))
        .1
}

/// Write entries as a plain deflated zip with the zip crate.
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    use zip::write::SimpleFileOptions;
    let f = std::fs::File::create(path).expect("create zip");
    let mut w = zip::ZipWriter::new(f);
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(name.as_str(), opts).expect("start zip entry");
        w.write_all(data).expect("write zip entry");
    }
    w.finish().expect("finish zip");
}

/// Extract a zip (one we made, so names are trusted) into `dest`.
pub fn extract_zip(path: &Path, dest: &Path) {
    for (name, data) in read_zip(path) {
        assert!(
            !name.starts_with('/') && !name.split('/').any(|p| p == ".."),
            "unsafe name {name}"
        );
        let p = dest.join(&name);
        if name.ends_with('/') {
            std::fs::create_dir_all(&p).expect("mkdir");
            continue;
        }
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, data).expect("write extracted file");
    }
}

/// SHA-256 hex.
pub fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

/// SHA-512 hex.
pub fn sha512_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha512::digest(b))
}

/// A path inside the fixture bag.
pub fn path_in_bag(rel: &str) -> String {
    format!("{BAG}/{rel}")
}

/// A mutable handle on one entry's content.
pub fn get<'a>(entries: &'a mut [(String, Vec<u8>)], rel: &str) -> &'a mut Vec<u8> {
    let name = path_in_bag(rel);
    &mut entries
        .iter_mut()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} not in the archive"))
        .1
}

/// Recompute every checksum that anyone can recompute: the OCFL inventories
/// (digests of changed content files), their sidecars, the bag manifest and
/// the tag manifest. After this only the signatures stand between a forger
/// and success. `changed` holds (path in bag, old content) pairs.
pub fn refix(entries: &mut [(String, Vec<u8>)], changed: &[(&str, Vec<u8>)]) {
    let mut swaps: Vec<(String, String)> = Vec::new();
    for (rel, old) in changed {
        let new = get(entries, rel).clone();
        swaps.push((sha512_hex(old), sha512_hex(&new)));
    }
    // Inventories, then their sidecars.
    for (name, data) in entries.iter_mut() {
        if name.ends_with("/inventory.json") {
            let mut s = String::from_utf8(data.clone()).unwrap();
            for (old, new) in &swaps {
                s = s.replace(old.as_str(), new);
            }
            *data = s.into_bytes();
        }
    }
    let inventories: Vec<(String, Vec<u8>)> = entries
        .iter()
        .filter(|(n, _)| n.ends_with("/inventory.json"))
        .cloned()
        .collect();
    for (name, data) in entries.iter_mut() {
        if let Some(base) = name.strip_suffix(".sha512") {
            let inv = &inventories.iter().find(|(n, _)| n == base).unwrap().1;
            *data = format!("{} inventory.json\n", sha512_hex(inv)).into_bytes();
        }
    }
    // Bag manifest, then tag manifest.
    let prefix = format!("{BAG}/");
    let mut lines: Vec<String> = entries
        .iter()
        .filter_map(|(n, d)| {
            let rel = n.strip_prefix(&prefix)?;
            rel.starts_with("data/")
                .then(|| format!("{}  {rel}\n", sha256_hex(d)))
        })
        .collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    *get(entries, "manifest-sha256.txt") = lines.concat().into_bytes();
    let mut tags = String::new();
    let mut tag_files: Vec<String> = ["bag-info.txt", "bagit.txt", "manifest-sha256.txt"]
        .map(String::from)
        .to_vec();
    // Co-signatures are tag files too (X4).
    tag_files.extend(entries.iter().filter_map(|(n, _)| {
        n.strip_prefix(&prefix)
            .filter(|r| r.starts_with("cosignatures/"))
            .map(String::from)
    }));
    tag_files.sort();
    for t in &tag_files {
        tags.push_str(&format!("{}  {t}\n", sha256_hex(get(entries, t))));
    }
    *get(entries, "tagmanifest-sha256.txt") = tags.into_bytes();
}

/// Edit version `v`'s manifest (as JSON) and its checkpoint, then sign both
/// again with `key` (made with --no-passphrase), every checksum recomputed:
/// what a forger holding the key could make. Verify must still catch what
/// no longer agrees with the text. Edit the newest version only (the next
/// one's chain would break).
pub fn resign(
    entries: &mut [(String, Vec<u8>)],
    v: u32,
    key: &Key,
    edit: impl FnOnce(&mut serde_json::Value),
    edit_checkpoint: impl FnOnce(&mut vellum::archive::checkpoint::Checkpoint),
) {
    use vellum::crypto::sign;
    let sk = vellum::crypto::keys::read_secret_key(&key.secret, None).expect("an unencrypted key");
    let tag = file_tag(&key.public);
    let mrel = format!("data/v{v}/content/manifest.json");
    let old_manifest = get(entries, &mrel).clone();
    let mut m: serde_json::Value = serde_json::from_slice(&old_manifest).expect("manifest JSON");
    edit(&mut m);
    // serde_json's maps are sorted: the canonical form again.
    let mbytes = serde_json::to_vec(&m).expect("JSON");
    let msha = sha256_hex(&mbytes);
    *get(entries, &mrel) = mbytes.clone();
    let mut olds = vec![(mrel, old_manifest)];
    let comment = format!(
        "archive:{} version:{v} created:{} manifest-sha256:{msha}",
        m["archive_id"].as_str().unwrap_or(""),
        m["created"].as_str().unwrap_or("")
    );
    for (suffix, bytes) in [
        ("sig", sign::raw_signature(&sk, &mbytes)),
        (
            "minisig",
            sign::minisign_signature(&sk, &mbytes, &comment).into_bytes(),
        ),
        ("sshsig", sign::ssh_signature(&sk, &mbytes).into_bytes()),
    ] {
        let rel = format!("data/v{v}/content/manifest.json.{tag}.{suffix}");
        olds.push((rel.clone(), std::mem::replace(get(entries, &rel), bytes)));
    }
    let crel = format!("data/v{v}/content/checkpoint");
    let cp_old = get(entries, &crel).clone();
    let mut cp = vellum::archive::checkpoint::SignedCheckpoint::parse(&cp_old)
        .expect("a checkpoint")
        .checkpoint;
    cp.manifest_sha256 = msha;
    edit_checkpoint(&mut cp);
    *get(entries, &crel) = cp.sign(&[&sk]).into_bytes();
    olds.push((crel, cp_old));
    let olds_ref: Vec<(&str, Vec<u8>)> =
        olds.iter().map(|(r, o)| (r.as_str(), o.clone())).collect();
    refix(entries, &olds_ref);
}

/// A freshly sealed two-version archive, its signer's key and its folder.
pub struct Fixture {
    /// The folder.
    pub env: TestEnv,
    /// The signer.
    pub key: Key,
    /// The archive.
    pub archive: PathBuf,
}

/// Seal the two-version fixture; it must verify.
pub fn fixture() -> Fixture {
    let env = TestEnv::new();
    let key = env.keygen("secretariat");
    let archive = env.seal_two_versions(&key, ARCHIVE);
    assert_code(&env.verify(&archive, &key), 0, "the fresh archive verifies");
    Fixture { env, key, archive }
}

impl TestEnv {
    /// `vellum seal TEXT --key KEY --archive ARCHIVE --time T2`, ready to
    /// be spawned.
    pub fn seal_command(&self, text: &Path, key: &Key, archive: &Path) -> Command {
        self.command([
            OsStr::new("seal"),
            text.as_os_str(),
            OsStr::new("--key"),
            key.secret.as_os_str(),
            OsStr::new("--archive"),
            archive.as_os_str(),
            OsStr::new("--time"),
            OsStr::new(T2),
        ])
    }
}
