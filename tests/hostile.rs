//! Hostile archives: `vellum verify` must reject each with exit 1 and a
//! reason, never panic, never trust what the archive says about itself, and
//! stay within bounded memory on a zip bomb.
//!
//! Variants are built from a freshly sealed archive, with the `zip` crate
//! where it can express the attack and with a small raw zip writer (below)
//! where it cannot (duplicate names, lying sizes, unsafe paths).

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

// ---------------------------------------------------------------- raw zip writer

/// CRC-32 (IEEE), bit by bit: slow, but only used on small entries.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// One entry exactly as it will be written, lies included.
#[derive(Clone)]
struct Raw {
    name: Vec<u8>,
    /// 0 stored, 8 deflated.
    method: u16,
    crc: u32,
    /// The bytes stored (compressed when method is 8).
    stored: Vec<u8>,
    /// The uncompressed size the headers declare.
    declared: u64,
    /// Unix mode (file type and permissions), in the external attributes.
    mode: u32,
}

impl Raw {
    /// A stored regular file, honestly described.
    fn file(name: &str, data: &[u8]) -> Raw {
        Raw {
            name: name.as_bytes().to_vec(),
            method: 0,
            crc: crc32(data),
            stored: data.to_vec(),
            declared: data.len() as u64,
            mode: 0o100644,
        }
    }
}

fn put16(o: &mut Vec<u8>, v: u16) {
    o.extend_from_slice(&v.to_le_bytes());
}
fn put32(o: &mut Vec<u8>, v: u32) {
    o.extend_from_slice(&v.to_le_bytes());
}

/// A zip file holding these entries, in order. Sizes of 4 GiB and more get a
/// zip64 extra field (both sizes, in both headers).
fn raw_zip(entries: &[Raw]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let zip64 = e.declared >= 0xFFFF_FFFF;
        let extra: Vec<u8> = if zip64 {
            let mut x = Vec::new();
            put16(&mut x, 0x0001);
            put16(&mut x, 16);
            x.extend_from_slice(&e.declared.to_le_bytes());
            x.extend_from_slice(&(e.stored.len() as u64).to_le_bytes());
            x
        } else {
            Vec::new()
        };
        let (csize, usize_) = if zip64 {
            (0xFFFF_FFFF, 0xFFFF_FFFF)
        } else {
            (e.stored.len() as u32, e.declared as u32)
        };
        let needed = if zip64 { 45 } else { 20 };
        // Local file header.
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, needed);
        put16(&mut out, 0x0800); // UTF-8 names
        put16(&mut out, e.method);
        put16(&mut out, 0); // time
        put16(&mut out, 0x0021); // 1980-01-01
        put32(&mut out, e.crc);
        put32(&mut out, csize);
        put32(&mut out, usize_);
        put16(&mut out, e.name.len() as u16);
        put16(&mut out, extra.len() as u16);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&extra);
        out.extend_from_slice(&e.stored);
        // Central directory header.
        put32(&mut central, 0x0201_4b50);
        put16(&mut central, (3 << 8) | 45); // made by Unix
        put16(&mut central, needed);
        put16(&mut central, 0x0800);
        put16(&mut central, e.method);
        put16(&mut central, 0);
        put16(&mut central, 0x0021);
        put32(&mut central, e.crc);
        put32(&mut central, csize);
        put32(&mut central, usize_);
        put16(&mut central, e.name.len() as u16);
        put16(&mut central, extra.len() as u16);
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, e.mode << 16);
        put32(&mut central, offset);
        central.extend_from_slice(&e.name);
        central.extend_from_slice(&extra);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, entries.len() as u16);
    put16(&mut out, entries.len() as u16);
    put32(&mut out, central.len() as u32);
    put32(&mut out, cd_offset);
    put16(&mut out, 0);
    out
}

fn raw_entries(entries: &[(String, Vec<u8>)]) -> Vec<Raw> {
    entries.iter().map(|(n, d)| Raw::file(n, d)).collect()
}

// ---------------------------------------------------------------- fixtures

// (Fixture and fixture() are in common: the two-version archive.)

impl Fixture {
    /// Write a variant as `hostile/NAME/paris-2014-02-08.zip` (same file name,
    /// so the archive id still matches).
    fn variant_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        self.env.write(format!("hostile/{name}/{ARCHIVE}"), bytes)
    }
    fn variant(&self, name: &str, entries: &[(String, Vec<u8>)]) -> PathBuf {
        let p = self.env.path(format!("hostile/{name}/{ARCHIVE}"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        write_zip(&p, entries);
        p
    }
    fn verify(&self, archive: &Path) -> Output {
        self.env.verify(archive, &self.key)
    }
    fn entries(&self) -> Vec<(String, Vec<u8>)> {
        read_zip(&self.archive)
    }
}

/// The problem lines of a failed verification (`  PLACE: PROBLEM`).
fn problems(o: &Output) -> Vec<String> {
    stdout(o)
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| l.trim().to_owned())
        .collect()
}

/// verify must exit 1 (never panic, never 2: the file was readable), print
/// `FAILED` and a problem line containing `why`. Returns the problem lines.
fn assert_rejected(o: &Output, why: &str, what: &str) -> Vec<String> {
    assert_code(o, 1, what);
    let out = stdout(o);
    assert!(
        out.lines().next().is_some_and(|l| l.contains(": FAILED, ")),
        "{what}: expected a FAILED headline\n{}",
        describe(o)
    );
    let ps = problems(o);
    assert!(!ps.is_empty(), "{what}: no problem listed\n{}", describe(o));
    assert!(
        ps.iter().any(|p| p.contains(why)),
        "{what}: expected a problem line containing {why:?}\n{}",
        describe(o)
    );
    for p in &ps {
        let (place, problem) = p
            .split_once(": ")
            .unwrap_or_else(|| panic!("{what}: problem line without `place: `: {p:?}"));
        assert!(
            !place.is_empty() && !problem.trim().is_empty(),
            "{what}: {p:?}"
        );
    }
    ps
}

// ---------------------------------------------------------------- not a zip

#[test]
fn empty_and_non_zip_files() {
    let f = fixture();
    let empty = f.variant_bytes("empty", b"");
    assert_rejected(&f.verify(&empty), "not a zip archive", "empty file");

    let text = f.variant_bytes(
        "text",
        &std::fs::read(declaration()).expect("read declaration"),
    );
    assert_rejected(&f.verify(&text), "not a zip archive", "a text file");

    // A zip that holds something else entirely.
    let other = f.variant("other", &[("readme.txt".to_owned(), b"hello\n".to_vec())]);
    assert_rejected(
        &f.verify(&other),
        "exactly one top-level folder",
        "another zip",
    );

    // A folder is trouble (exit 2), not a finding.
    std::fs::create_dir_all(f.env.path("folder.zip")).unwrap();
    let o = f.verify(&f.env.path("folder.zip"));
    assert_code(&o, 2, "a folder");
    assert_one_line_error(&o, "folder", "a folder");
}

#[test]
fn truncated_archives() {
    let f = fixture();
    let full = std::fs::read(&f.archive).unwrap();
    let n = full.len();
    for cut in [
        n - 1,
        n - 10,
        n - 22,
        n - 23,
        n - 200,
        n / 2,
        4096,
        100,
        30,
        22,
        21,
        4,
        1,
    ] {
        let p = f.variant_bytes(&format!("cut-{cut}"), &full[..cut]);
        let o = f.verify(&p);
        let ps = assert_rejected(&o, "zip", &format!("truncated to {cut} of {n} bytes"));
        assert!(
            ps.iter().any(|p| p.starts_with("zip: ")),
            "truncated to {cut}: the zip itself is named as the problem\n{}",
            describe(&o)
        );
    }
}

// ---------------------------------------------------------------- zip structure

#[test]
fn path_traversal_and_absolute_entries() {
    let f = fixture();
    let base = f.entries();
    for (tag, evil) in [
        ("dotdot", "../evil".to_owned()),
        ("inner-dotdot", format!("{BAG}/data/../../evil")),
        ("abs", "/abs".to_owned()),
        ("abs-etc", "/etc/cron.d/evil".to_owned()),
        ("backslash", format!("{BAG}\\..\\evil")),
        ("dot", format!("{BAG}/./data/x")),
    ] {
        let mut entries = raw_entries(&base);
        entries.push(Raw::file(&evil, b"evil\n"));
        let p = f.variant_bytes(tag, &raw_zip(&entries));
        let o = f.verify(&p);
        let ps = assert_rejected(&o, "path", &format!("entry {evil:?}"));
        assert!(
            ps.iter().any(|p| p.contains(&format!("{evil:?}"))),
            "the bad entry is named: {evil:?}\n{}",
            describe(&o)
        );
    }
}

#[test]
fn duplicate_entry_names() {
    let f = fixture();
    let base = f.entries();
    let mut entries = raw_entries(&base);
    // A second original.txt after the real one: a reader that takes the last
    // would see another text than one that takes the first.
    let name = path_in_bag("data/v1/content/original.txt");
    entries.push(Raw::file(&name, b"Another text entirely.\n"));
    let p = f.variant_bytes("dup", &raw_zip(&entries));
    assert_rejected(&f.verify(&p), "duplicate", "duplicate original.txt");

    // The same name twice with the same bytes is still refused.
    let mut entries = raw_entries(&base);
    entries.push(entries[0].clone());
    let p = f.variant_bytes("dup-same", &raw_zip(&entries));
    assert_rejected(&f.verify(&p), "duplicate", "identical duplicate");
}

#[test]
fn symlink_entries() {
    let f = fixture();
    let base = f.entries();
    // A symlink in place of a content file, pointing outside.
    let mut entries = raw_entries(&base);
    let name = path_in_bag("data/v1/content/original.txt");
    let e = entries
        .iter_mut()
        .find(|e| e.name == name.as_bytes())
        .unwrap();
    *e = Raw {
        mode: 0o120777,
        ..Raw::file(&name, b"/etc/passwd")
    };
    let p = f.variant_bytes("symlink-replace", &raw_zip(&entries));
    assert_rejected(&f.verify(&p), "symbolic links are not allowed", "symlink");

    // An extra symlink, made with the zip crate's own API.
    let p = f.env.path(format!("hostile/symlink-extra/{ARCHIVE}"));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::fs::File::create(&p).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for (n, d) in &base {
            w.start_file(n.as_str(), opts).unwrap();
            w.write_all(d).unwrap();
        }
        w.add_symlink(path_in_bag("data/link"), "/etc/shadow", opts)
            .unwrap();
        w.finish().unwrap();
    }
    assert_rejected(
        &f.verify(&p),
        "symbolic links are not allowed",
        "extra symlink",
    );
}

// ---------------------------------------------------------------- bag content

#[test]
fn extra_files() {
    let f = fixture();
    for (tag, rel) in [
        ("payload", "data/v1/content/extra.txt"),
        ("version", "data/v3/content/original.txt"),
        ("tag", "notes.txt"),
    ] {
        let mut entries = f.entries();
        entries.push((path_in_bag(rel), b"an extra file\n".to_vec()));
        let p = f.variant(tag, &entries);
        assert_rejected(
            &f.verify(&p),
            "a file that no manifest covers (added?)",
            &format!("extra {rel}"),
        );
    }
    // A second top-level folder beside the bag.
    let mut entries = f.entries();
    entries.push(("elsewhere/readme.txt".to_owned(), b"hi\n".to_vec()));
    let p = f.variant("second-top", &entries);
    assert_rejected(
        &f.verify(&p),
        "exactly one top-level folder",
        "a second top-level folder",
    );

    // An extra payload file with the bag manifest updated: BagIt is content,
    // but OCFL and the signatures are not.
    let mut entries = f.entries();
    entries.push((path_in_bag("data/v1/content/extra.txt"), b"x\n".to_vec()));
    refix(&mut entries, &[]);
    let p = f.variant("payload-refixed", &entries);
    assert_rejected(
        &f.verify(&p),
        "a file the OCFL inventory does not list",
        "extra payload, bag manifest updated",
    );
}

#[test]
fn removed_files() {
    let f = fixture();
    let tag = file_tag(&f.key.public);
    for rel in [
        "data/v1/content/checkpoint".to_owned(),
        format!("data/v2/content/manifest.json.{tag}.minisig"),
        "data/v1/inventory.json".to_owned(),
        "bagit.txt".to_owned(),
        "tagmanifest-sha256.txt".to_owned(),
    ] {
        let entries: Vec<_> = f
            .entries()
            .into_iter()
            .filter(|(n, _)| *n != path_in_bag(&rel))
            .collect();
        let p = f.variant(&rel.replace('/', "_"), &entries);
        let o = f.verify(&p);
        let ps = assert_rejected(&o, "missing", &format!("removed {rel}"));
        assert!(
            ps.iter().any(|p| p.contains(&rel)),
            "the removed file is named: {rel}\n{}",
            describe(&o)
        );
    }
    let entries: Vec<_> = f
        .entries()
        .into_iter()
        .filter(|(n, _)| *n != path_in_bag("data/v1/content/checkpoint"))
        .collect();
    let p = f.variant("checkpoint", &entries);
    assert_rejected(
        &f.verify(&p),
        "listed in the bag manifest but missing (removed?)",
        "removed checkpoint",
    );
}

/// Change "Paris" to "Parjs" in v1's original.txt; returns the old content.
fn tamper_original(entries: &mut [(String, Vec<u8>)]) -> Vec<u8> {
    let data = get(entries, "data/v1/content/original.txt");
    let old = data.clone();
    let pos = data.windows(5).position(|w| w == b"Paris").unwrap();
    data[pos + 3] = b'j';
    old
}

#[test]
fn one_byte_changed_in_the_original() {
    let f = fixture();
    // Plain change: every layer notices.
    let mut entries = f.entries();
    tamper_original(&mut entries);
    let p = f.variant("byte", &entries);
    let ps = assert_rejected(
        &f.verify(&p),
        "content does not match the bag manifest (changed?)",
        "one byte changed",
    );
    assert!(ps
        .iter()
        .any(|p| p.contains("does not match its OCFL inventory digest")));
    assert!(ps
        .iter()
        .any(|p| p.starts_with("v1 original.txt: does not match the signed manifest")));

    // The bag manifest (and tag manifest) updated: BagIt is satisfied, OCFL
    // and the signed manifest are not.
    let mut entries = f.entries();
    let old = tamper_original(&mut entries);
    let orig = get(&mut entries, "data/v1/content/original.txt").clone();
    let mut bag_only = entries.clone();
    let prefix = format!("{BAG}/");
    {
        let m = get(&mut bag_only, "manifest-sha256.txt");
        let s = String::from_utf8(m.clone())
            .unwrap()
            .replace(&sha256_hex(&old), &sha256_hex(&orig));
        *m = s.into_bytes();
        let manifest = m.clone();
        let t = get(&mut bag_only, "tagmanifest-sha256.txt");
        let mut lines = String::new();
        for line in String::from_utf8(t.clone()).unwrap().lines() {
            if line.ends_with("  manifest-sha256.txt") {
                lines.push_str(&format!("{}  manifest-sha256.txt\n", sha256_hex(&manifest)));
            } else {
                lines.push_str(line);
                lines.push('\n');
            }
        }
        *t = lines.into_bytes();
    }
    let _ = prefix;
    let p = f.variant("byte-bag-updated", &bag_only);
    let o = f.verify(&p);
    let ps = assert_rejected(
        &o,
        "does not match its OCFL inventory digest",
        "one byte changed, bag manifest updated",
    );
    assert!(
        !ps.iter()
            .any(|p| p.contains("bag manifest") || p.contains("tag manifest")),
        "the bag itself is consistent now, so BagIt does not complain\n{}",
        describe(&o)
    );
    assert!(ps
        .iter()
        .any(|p| p.contains("original.txt: does not match the signed manifest")));

    // Every checksum recomputed (bag, tag manifest, OCFL inventories and
    // sidecars): only the signed manifest still says what the text was.
    let mut all = f.entries();
    let old = tamper_original(&mut all);
    refix(&mut all, &[("data/v1/content/original.txt", old)]);
    let p = f.variant("byte-all-updated", &all);
    let o = f.verify(&p);
    let ps = assert_rejected(
        &o,
        "v1 original.txt: does not match the signed manifest",
        "one byte changed, every checksum recomputed",
    );
    for p in &ps {
        assert!(
            p.starts_with("v1 "),
            "only v1's signed manifest catches it now, got {p:?}\n{}",
            describe(&o)
        );
        assert!(
            !p.contains("bag manifest") && !p.contains("OCFL") && !p.contains("sidecar"),
            "fixity was recomputed, so only signed facts may fail: {p:?}"
        );
    }
}

// ---------------------------------------------------------------- signatures

/// An archive of the same text, same id and same times, signed by another
/// key: a forger's raw material.
fn forged_twin(f: &Fixture) -> (Key, PathBuf) {
    let mallory = f.env.keygen("mallory");
    let twin = f
        .env
        .seal_two_versions(&mallory, &format!("mallory/{ARCHIVE}"));
    (mallory, twin)
}

#[test]
fn signature_swapped_for_another_keys() {
    let f = fixture();
    let (mallory, twin) = forged_twin(&f);
    let twin_entries = read_zip(&twin);
    let (ours, theirs) = (file_tag(&f.key.public), file_tag(&mallory.public));
    let from_twin = |rel: &str| {
        twin_entries
            .iter()
            .find(|(n, _)| *n == path_in_bag(rel))
            .unwrap()
            .1
            .clone()
    };

    // Only the raw signature swapped, every checksum recomputed.
    let rel = format!("data/v1/content/manifest.json.{ours}.sig");
    let mut entries = f.entries();
    let old = get(&mut entries, &rel).clone();
    let new = from_twin(&format!("data/v1/content/manifest.json.{theirs}.sig"));
    assert_ne!(old, new);
    *get(&mut entries, &rel) = new;
    refix(&mut entries, &[(&rel, old)]);
    let p = f.variant("sig", &entries);
    let o = f.verify(&p);
    let ps = assert_rejected(
        &o,
        &format!("v1 manifest.json.{ours}.sig: manifest signature does not verify"),
        "swapped .sig",
    );
    assert_eq!(ps.len(), 1, "exactly that problem\n{}", describe(&o));

    // All three signature files and the checkpoint swapped.
    let mut entries = f.entries();
    let mut olds = Vec::new();
    for suffix in ["sig", "minisig", "sshsig"] {
        let rel = format!("data/v2/content/manifest.json.{ours}.{suffix}");
        let old = get(&mut entries, &rel).clone();
        *get(&mut entries, &rel) =
            from_twin(&format!("data/v2/content/manifest.json.{theirs}.{suffix}"));
        olds.push((rel, old));
    }
    let rel = "data/v2/content/checkpoint".to_owned();
    let old = get(&mut entries, &rel).clone();
    *get(&mut entries, &rel) = from_twin(&rel);
    olds.push((rel, old));
    let olds_ref: Vec<(&str, Vec<u8>)> =
        olds.iter().map(|(r, o)| (r.as_str(), o.clone())).collect();
    refix(&mut entries, &olds_ref);
    let p = f.variant("all-sigs", &entries);
    let o = f.verify(&p);
    let ps = assert_rejected(
        &o,
        &format!("v2 manifest.json.{ours}.sig: manifest signature does not verify"),
        "all three signatures and the checkpoint swapped",
    );
    for want in [
        format!("v2 manifest.json.{ours}.minisig: "),
        format!("v2 manifest.json.{ours}.sshsig: "),
        "v2 checkpoint: does not say what its version says".to_owned(),
        format!("v2 checkpoint: has no signature of {}", f.key.fingerprint),
    ] {
        assert!(ps.iter().any(|p| p.starts_with(&want)), "{want}: {ps:?}");
    }
}

#[test]
fn an_archive_signed_by_another_key_throughout() {
    // The twin is a perfectly consistent archive of the same text, id and
    // times, signed by the wrong key: only trust tells them apart.
    let f = fixture();
    let (mallory, twin) = forged_twin(&f);
    let o = f.verify(&twin);
    let ps = assert_rejected(
        &o,
        &format!(
            "signed by key {}, which is not among the trusted keys",
            mallory.fingerprint
        ),
        "signed by another key",
    );
    assert!(ps.iter().any(|p| p.starts_with("v1 ")) && ps.iter().any(|p| p.starts_with("v2 ")));
    // Trust is what decides: the same archive checked against Mallory's key
    // is consistent (her key signed it), which is exactly why keys must come
    // from the user, never from the archive.
    let o = f.env.verify(&twin, &mallory);
    assert_code(&o, 0, "the twin against the forger's own key");
}

// ---------------------------------------------------------------- sizes

/// 1 GiB of zeros, deflated by the zip crate: (compressed bytes, CRC-32).
/// Built once per test run (about a megabyte).
fn gib_of_zeros_deflated() -> &'static (Vec<u8>, u32) {
    static BOMB: OnceLock<(Vec<u8>, u32)> = OnceLock::new();
    BOMB.get_or_init(|| {
        use std::io::{Read, Write};
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9));
        w.start_file("zeros", opts).unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..1024 {
            w.write_all(&chunk).unwrap();
        }
        let mut z = zip::ZipArchive::new(w.finish().unwrap()).unwrap();
        let mut e = z.by_index_raw(0).unwrap();
        assert_eq!(e.size(), 1 << 30);
        let crc = e.crc32();
        let mut stored = Vec::new();
        e.read_to_end(&mut stored).unwrap();
        assert!(
            stored.len() < 4 << 20,
            "deflated zeros: {} bytes",
            stored.len()
        );
        (stored, crc)
    })
}

/// Peak resident memory of `vellum ARGS` in KiB, from `/usr/bin/time -v`.
/// A missing /usr/bin/time fails the test, naming the tool.
/// `vellum verify` of a hostile archive under /usr/bin/time: it fails
/// (exit 1), does not panic, and stays under [`MEMORY_LIMIT_KIB`]. The
/// reason is on stdout (time appends its report to stderr).
fn verify_in_bounded_memory(f: &Fixture, p: &Path, what: &str) -> Output {
    let (o, kib) = peak_rss_kib(
        &f.env,
        &[
            "verify".as_ref(),
            p.as_os_str(),
            "--trust".as_ref(),
            f.key.public.as_os_str(),
        ],
    );
    eprintln!("{what}: peak {kib} KiB");
    assert_eq!(o.status.code(), Some(1), "{what}\n{}", describe(&o));
    assert!(!stderr(&o).contains("panicked"), "{what}\n{}", describe(&o));
    assert!(
        kib < MEMORY_LIMIT_KIB,
        "verify of {what} peaked at {kib} KiB (limit {MEMORY_LIMIT_KIB} KiB)"
    );
    o
}

fn peak_rss_kib(env: &TestEnv, args: &[&std::ffi::OsStr]) -> (Output, u64) {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.exists(),
        "MISSING TOOL /usr/bin/time (Debian package `time`): cannot measure verify's peak memory; run scripts/setup-test-env.sh"
    );
    let o = std::process::Command::new(time)
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_vellum"))
        .args(args)
        .current_dir(env.root())
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", env.path(".state"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run /usr/bin/time");
    let err = stderr(&o);
    let kib = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
                .map(|v| v.trim().parse::<u64>().expect("a number"))
        })
        .unwrap_or_else(|| panic!("no `Maximum resident set size` from /usr/bin/time -v\n{err}"));
    (o, kib)
}

const MEMORY_LIMIT_KIB: u64 = 64 * 1024;

#[test]
fn zip_bomb_declaring_a_small_size() {
    let f = fixture();
    let (bomb, crc) = gib_of_zeros_deflated();
    let base = f.entries();
    let name = path_in_bag("data/v1/content/original.txt");
    let declared = base.iter().find(|(n, _)| *n == name).unwrap().1.len() as u64;
    let mut entries = raw_entries(&base);
    let e = entries
        .iter_mut()
        .find(|e| e.name == name.as_bytes())
        .unwrap();
    *e = Raw {
        name: name.as_bytes().to_vec(),
        method: 8,
        crc: *crc,
        stored: bomb.clone(),
        declared,
        mode: 0o100644,
    };
    let p = f.variant_bytes("bomb-small", &raw_zip(&entries));
    let start = std::time::Instant::now();
    let o = verify_in_bounded_memory(&f, &p, "a zip bomb (small declared size)");
    let took = start.elapsed();
    // Either the zip reader or vellum's own bound notices first.
    let out = stdout(&o);
    assert!(
        out.contains("larger than its declared uncompressed size")
            || out.contains("holds more data than its declared size"),
        "the reason names the declared size\n{}",
        describe(&o)
    );
    assert!(took.as_secs() < 20, "verify of a zip bomb took {took:?}");
}

#[test]
fn zip_bomb_declaring_its_true_size() {
    // 1 GiB declared honestly (under the 4 GiB entry limit): verify streams
    // all of it through the hashes in bounded memory, then says what is wrong.
    let f = fixture();
    let (bomb, crc) = gib_of_zeros_deflated();
    let mut entries = raw_entries(&f.entries());
    let name = path_in_bag("data/v1/content/original.txt");
    let e = entries
        .iter_mut()
        .find(|e| e.name == name.as_bytes())
        .unwrap();
    *e = Raw {
        name: name.as_bytes().to_vec(),
        method: 8,
        crc: *crc,
        stored: bomb.clone(),
        declared: 1 << 30,
        mode: 0o100644,
    };
    let p = f.variant_bytes("bomb-true", &raw_zip(&entries));
    let o = verify_in_bounded_memory(&f, &p, "a 1 GiB entry (true size declared)");
    assert!(
        stdout(&o).contains("content does not match the bag manifest"),
        "{}",
        describe(&o)
    );
}

#[test]
fn entry_declaring_five_gib() {
    let f = fixture();
    let mut entries = raw_entries(&f.entries());
    let name = path_in_bag("data/v1/content/original.txt");
    let e = entries
        .iter_mut()
        .find(|e| e.name == name.as_bytes())
        .unwrap();
    e.declared = 5 << 30;
    let p = f.variant_bytes("five-gib", &raw_zip(&entries));
    let o = f.verify(&p);
    assert_rejected(&o, "exceeds the limit", "an entry declaring 5 GiB");
    assert!(
        stdout(&o).contains(&format!("{}", 5u64 << 30)),
        "{}",
        describe(&o)
    );
}

#[test]

fn many_tiny_blocks_stay_in_bounded_memory() {
    // A small zip whose original.txt is 8 MiB of one-letter paragraphs,
    // sizes declared honestly: millions of sections. Verify must say the
    // text does not match its signed manifest without holding per-section
    // data for all of them.
    let f = fixture();
    let mut entries = f.entries();
    *get(&mut entries, "data/v1/content/original.txt") = b"a\n\n".repeat((8 << 20) / 3);
    let p = f.variant("tiny-blocks", &entries);
    let o = verify_in_bounded_memory(&f, &p, "an original with millions of tiny sections");
    assert!(
        stdout(&o).contains("v1 original.txt: does not match the signed manifest"),
        "{}",
        describe(&o)
    );
}

// ------------------------------------------------------- many sections

/// A text of `n` short paragraphs, sealed as `NAME/paris-2014-02-08.zip`.
fn sealed_paragraphs(env: &TestEnv, key: &Key, name: &str, n: usize) -> PathBuf {
    let text: String = (1..=n)
        .map(|i| format!("Paragraph number {i} of a long text, with its own words.\n\n"))
        .collect();
    let t = env.write(format!("{name}.txt"), text);
    let a = env.path(format!("{name}/{ARCHIVE}"));
    std::fs::create_dir_all(a.parent().unwrap()).unwrap();
    assert_code(
        &env.seal(&t, key, &a, "2014-02-08T18:00:00Z", "m", &[]),
        0,
        "seal",
    );
    a
}

#[test]
fn a_manifest_of_many_sections_verifies_in_bounded_memory() {
    // 240,000 sections (about as many as the 100 MB benchmark text): a
    // manifest of about 38 MB. Read whole and parsed, with every block's
    // digest kept for the comparison, it took more than the limit;
    // streamed against the text, it takes a few batches.
    let env = TestEnv::new();
    let key = env.keygen("k");
    let a = sealed_paragraphs(&env, &key, "many", 240_000);
    let manifest = zip_entry(&a, &path_in_bag("data/v1/content/manifest.json"));
    assert!(manifest.len() > 32 << 20, "{} bytes", manifest.len());
    let (o, kib) = peak_rss_kib(
        &env,
        &[
            "verify".as_ref(),
            a.as_os_str(),
            "--trust".as_ref(),
            key.public.as_os_str(),
        ],
    );
    eprintln!("verify of 240,000 sections: peak {kib} KiB");
    assert_code(&o, 0, "the archive verifies");
    assert_says(&o, "240000 sections", "verify counts them");
    assert!(
        kib < MEMORY_LIMIT_KIB,
        "verify of 240,000 sections peaked at {kib} KiB (limit {MEMORY_LIMIT_KIB} KiB)"
    );
}

#[test]
fn problems_of_many_sections_are_summed_up_after_the_first_hundred() {
    // Every one of 250 paragraphs changed, every checksum recomputed: the
    // signed manifest alone disagrees, 250 times; the first 100 are listed
    // one by one and the rest counted in one line.
    let env = TestEnv::new();
    let key = env.keygen("k");
    let a = sealed_paragraphs(&env, &key, "many", 250);
    let mut entries = read_zip(&a);
    let orig = get(&mut entries, "data/v1/content/original.txt");
    let old = orig.clone();
    *orig = String::from_utf8(old.clone())
        .unwrap()
        .replace("own words", "own word")
        .into_bytes();
    refix(&mut entries, &[("data/v1/content/original.txt", old)]);
    let p = env.path(format!("tampered/{ARCHIVE}"));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    write_zip(&p, &entries);
    let o = env.verify(&p, &key);
    let ps = assert_rejected(
        &o,
        "v1 sections: 150 more sections do not match the text",
        "250 sections changed",
    );
    let one_by_one: Vec<&String> = ps
        .iter()
        .filter(|p| p.contains("manifest entry does not match the text's section"))
        .collect();
    assert_eq!(one_by_one.len(), 100, "{}", describe(&o));
    assert!(
        one_by_one[0].starts_with("v1 section paragraph-1: "),
        "{}",
        one_by_one[0]
    );
    assert!(
        one_by_one[99].starts_with("v1 section paragraph-100: "),
        "{}",
        one_by_one[99]
    );
    assert!(ps
        .iter()
        .any(|p| p.contains("v1 original.txt: does not match the signed manifest")));
}

#[test]
fn endless_combining_marks_stay_in_bounded_memory() {
    // One letter and 8 million combining acute accents (16 MB, a few KB
    // deflated): no NFC boundary anywhere. Normalization must not hold the
    // run whole.
    let f = fixture();
    let mut entries = f.entries();
    let mut text = b"a".to_vec();
    text.extend("\u{301}".repeat(8 << 20).bytes());
    *get(&mut entries, "data/v1/content/original.txt") = text;
    let p = f.variant("marks", &entries);
    let o = verify_in_bounded_memory(&f, &p, "an original of endless combining marks");
    assert!(
        stdout(&o).contains("v1 original.txt: does not match the signed manifest"),
        "{}",
        describe(&o)
    );
}

#[test]
fn a_manifest_of_one_huge_string_stays_in_bounded_memory() {
    // v1's manifest.json: 300 MB, one JSON string (a few hundred KB
    // deflated). The parser would collect it whole; the token limit stops
    // it at 1 MiB.
    let f = fixture();
    let mut entries = f.entries();
    let mut m = b"{\"archive_id\":\"".to_vec();
    m.resize(m.len() + (300 << 20), b'a');
    m.extend_from_slice(b"\"}");
    *get(&mut entries, "data/v1/content/manifest.json") = m;
    let p = f.variant("huge-string", &entries);
    let o = verify_in_bounded_memory(&f, &p, "a manifest of one 300 MB string");
    assert!(
        stdout(&o).contains("v1 manifest.json: not a vellum manifest: holds a string or number longer than 1048576 bytes"),
        "{}",
        describe(&o)
    );
}

#[test]
fn a_huge_inventory_is_not_read() {
    // The root inventory declared and deflated honestly at 300 MB: an
    // inventory is read whole only up to 2 MiB, so it is refused before a
    // byte is read.
    let f = fixture();
    let mut entries = f.entries();
    *get(&mut entries, "data/inventory.json") = vec![b' '; 300 << 20];
    let p = f.variant("huge-inventory", &entries);
    let o = verify_in_bounded_memory(&f, &p, "a 300 MB inventory");
    assert!(
        stdout(&o).contains("data/inventory.json: 314572800 bytes: too large to be an inventory or bag manifest (at most 2097152)"),
        "{}",
        describe(&o)
    );
}

#[test]
fn a_version_pointing_at_another_versions_manifest() {
    // v2's state names v1's manifest.json as its own (inventories, sidecars
    // and bag manifests recomputed): each version is still checked
    // against the manifest its state names, so v2's says the wrong version.
    let f = fixture();
    let mut entries = f.entries();
    let v1 = sha512_hex(get(&mut entries, "data/v1/content/manifest.json"));
    let v2 = sha512_hex(get(&mut entries, "data/v2/content/manifest.json"));
    let inv = String::from_utf8(get(&mut entries, "data/inventory.json").clone()).unwrap();
    // The last mention of v2's digest is in v2's state (the first is in
    // the inventory's manifest).
    let at = inv.rfind(&v2).unwrap();
    assert_ne!(at, inv.find(&v2).unwrap());
    let inv = format!("{}{v1}{}", &inv[..at], &inv[at + v2.len()..]).into_bytes();
    *get(&mut entries, "data/inventory.json") = inv.clone();
    *get(&mut entries, "data/v2/inventory.json") = inv;
    refix(&mut entries, &[]);
    let p = f.variant("shared-manifest", &entries);
    let ps = assert_rejected(
        &f.verify(&p),
        "v2 manifest.json: says it is version 1",
        "v2 names v1's manifest",
    );
    assert!(
        ps.iter()
            .any(|p| p.starts_with("v2 manifest.json: hash chain broken")),
        "{ps:?}"
    );
    // Both versions were checked, v1 too, though its manifest file is
    // also v2's.
    let o = f.env.vellum([
        "verify".as_ref(),
        p.as_os_str(),
        "--trust".as_ref(),
        f.key.public.as_os_str(),
        std::ffi::OsStr::new("--json"),
    ]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let versions: Vec<u64> = j["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2], "{}", describe(&o));
}

/// An inventory of `n` manifest entries of two 38-character strings each.
fn dense_inventory(n: usize) -> Vec<u8> {
    let entries: Vec<String> = (0..n)
        .map(|i| format!("\"{i:038x}\":[\"{i:038x}\"]"))
        .collect();
    format!(
        "{{\"id\":\"x\",\"type\":\"https://ocfl.io/1.1/spec/#inventory\",\"digestAlgorithm\":\"sha512\",\"head\":\"v2\",\"manifest\":{{{}}},\"versions\":{{\"v1\":{{\"created\":\"x\",\"state\":{{}}}},\"v2\":{{\"created\":\"x\",\"state\":{{}}}}}}}}",
        entries.join(",")
    )
    .into_bytes()
}

#[test]
fn dense_inventories_stay_in_bounded_memory() {
    // Parsed, an inventory costs a map entry a string: the most an
    // inventory may hold (2 MiB, 50,000 strings), made of nothing but tiny
    // entries, in the root and in both version inventories.
    let f = fixture();
    let worst = dense_inventory(24_958);
    assert!(worst.len() <= 2 << 20, "{}", worst.len());
    let mut entries = f.entries();
    for inv in [
        "data/inventory.json",
        "data/v1/inventory.json",
        "data/v2/inventory.json",
    ] {
        *get(&mut entries, inv) = worst.clone();
    }
    let p = f.variant("dense-inventory", &entries);
    let o = verify_in_bounded_memory(&f, &p, "inventories of 50,000 tiny strings");
    assert!(
        stdout(&o).contains("v2 v2: holds [], expected"),
        "{}",
        describe(&o)
    );

    // More strings than that, in fewer bytes: refused before parsing.
    let mut entries = f.entries();
    let short: Vec<String> = (0..30_000).map(|i| format!("\"{i:x}\":[\"\"]")).collect();
    *get(&mut entries, "data/inventory.json") =
        format!("{{\"m\":{{{}}}}}", short.join(",")).into_bytes();
    let p = f.variant("many-strings", &entries);
    let o = verify_in_bounded_memory(&f, &p, "an inventory of 60,000 strings");
    assert!(
        stdout(&o).contains(
            "data/inventory.json: holds 60001 strings, more than an inventory may (50000)"
        ),
        "{}",
        describe(&o)
    );
}

// ------------------------------------------------------- index, tree, checkpoint

/// A one-version archive of a text of a few MiB (several chunks, C33).
fn chunked(env: &TestEnv, key: &Key) -> PathBuf {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < (5 << 20) / 2 {
        i += 1;
        text.push_str(&format!(
            "Paragraph {i} of a long text, with words of its own and a number, {}.\n\n",
            i * 7
        ));
        if i % 40 == 0 {
            text.push_str(&format!("{}. A numbered point among them.\n\n", i / 40));
        }
    }
    let t = env.write("chunked.txt", text);
    let a = env.path(format!("chunked/{ARCHIVE}"));
    std::fs::create_dir_all(a.parent().unwrap()).unwrap();
    assert_code(&env.seal(&t, key, &a, T1, "m", &[]), 0, "seal");
    assert_code(&env.verify(&a, key), 0, "the chunked archive verifies");
    a
}

/// Whatever a forger with the key signs, the index (M6) and the tree (T2)
/// must still describe the text: each lie is reported under its rule.
#[test]
fn a_signed_index_or_tree_that_lies_is_caught() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    let a = chunked(&env, &key);
    let m: serde_json::Value = serde_json::from_slice(&zip_entry(
        &a,
        &path_in_bag("data/v1/content/manifest.json"),
    ))
    .unwrap();
    assert!(
        m["index"]["chunks"].as_array().unwrap().len() >= 2,
        "several chunks"
    );
    let other_hash = serde_json::json!("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "tile",
            Box::new(move |m| m["index"]["tiles"][0] = other_hash.clone()),
            "index: the tile roots are not those of the sections' tree",
        ),
        (
            "chunk-section",
            Box::new(|m| {
                let s = m["index"]["chunks"][1]["section"].as_u64().unwrap();
                m["index"]["chunks"][1]["section"] = (s + 1).into();
            }),
            "index: chunk 1 does not say what comes before it",
        ),
        (
            "chunk-source",
            Box::new(|m| {
                let s = m["index"]["chunks"][1]["source"].as_u64().unwrap();
                m["index"]["chunks"][1]["source"] = (s + 3).into();
            }),
            "index: chunks start at 0, ",
        ),
        (
            "no-chunks",
            Box::new(|m| {
                let first = m["index"]["chunks"][0].clone();
                m["index"]["chunks"] = serde_json::json!([first]);
            }),
            "index: chunks start at 0; the text's chunks start at 0, ",
        ),
        (
            "mode",
            Box::new(|m| m["index"]["mode"] = "lines".into()),
            "index: says the text is in lines mode; it is in paragraphs mode",
        ),
        (
            "last-body",
            Box::new(|m| m["index"]["last_body"] = 3.into()),
            "index: names another last body section than the sections do",
        ),
        (
            "tile-height",
            Box::new(|m| m["index"]["tile_height"] = 9.into()),
            "index: tile height 9 is not the one for",
        ),
    ];
    for (name, edit, want) in cases {
        let mut entries = read_zip(&a);
        resign(&mut entries, 1, &key, |m| edit(m), |_| {});
        let p = env.path(format!("{name}/{ARCHIVE}"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        write_zip(&p, &entries);
        let o = env.verify(&p, &key);
        let ps = assert_rejected(&o, want, name);
        assert!(
            ps.iter()
                .any(|l| l.starts_with("v1 index: ") || l.starts_with("v1 tree: ")),
            "{name}: {ps:?}"
        );
    }
    // A root that is not the sections' root, in the manifest and the
    // checkpoint alike.
    let mut entries = read_zip(&a);
    resign(
        &mut entries,
        1,
        &key,
        |m| m["tree"]["root"] = serde_json::json!("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
        |cp| cp.root = core::array::from_fn(|i| i as u8),
    );
    let p = env.path(format!("root/{ARCHIVE}"));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    write_zip(&p, &entries);
    assert_rejected(
        &env.verify(&p, &key),
        "v1 tree: the root over the manifest's sections is not the signed root",
        "another root",
    );
    // A checkpoint that says another size than the manifest.
    let mut entries = read_zip(&a);
    resign(&mut entries, 1, &key, |_| {}, |cp| cp.size += 1);
    let p = env.path(format!("size/{ARCHIVE}"));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    write_zip(&p, &entries);
    assert_rejected(
        &env.verify(&p, &key),
        "v1 checkpoint: does not say what its version says (tree size)",
        "another size",
    );
}

/// A manifest listing more tiles, chunks or signers than any archive has is
/// refused as it is read, without holding them.
#[test]
fn hostile_index_lists_are_bounded() {
    let f = fixture();
    for (field, n, want) in [
        ("tiles", 16_385usize, "more than 16384 tiles"),
        ("chunks", 514, "more than 513 chunks"),
    ] {
        let mut entries = f.entries();
        let rel = "data/v2/content/manifest.json";
        let mut m: serde_json::Value = serde_json::from_slice(get(&mut entries, rel)).unwrap();
        let item = m["index"][field][0].clone();
        m["index"][field] = serde_json::Value::Array(vec![item; n]);
        *get(&mut entries, rel) = serde_json::to_vec(&m).unwrap();
        let p = f.variant(field, &entries);
        assert_rejected(&f.verify(&p), want, field);
    }
}
