//! Issue 12: every byte of a verified archive signed or refused, one
//! writer at a time, the zip read strictly. Each test builds its hostile
//! variant from a freshly sealed archive by editing bytes, so that what is
//! tested is exactly one departure from what seal writes.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

impl Fixture {
    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.archive).unwrap()
    }
    /// Write a variant under the same file name (so the id still matches).
    fn variant(&self, tag: &str, bytes: &[u8]) -> PathBuf {
        self.env.write(format!("variants/{tag}/{ARCHIVE}"), bytes)
    }
    fn verify(&self, p: &Path) -> Output {
        self.env.verify(p, &self.key)
    }
}

/// verify --json fails `p` with a problem of kind `kind` (a rule, not a
/// sentence: issue 9 point 7), and every problem has a kind and a rule.
fn assert_kind(f: &Fixture, p: &Path, kind: &str, what: &str) {
    let o = f.env.vellum([
        std::ffi::OsStr::new("verify"),
        p.as_os_str(),
        std::ffi::OsStr::new("--trust"),
        f.key.public.as_os_str(),
        std::ffi::OsStr::new("--json"),
    ]);
    assert_code(&o, 1, what);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("verify --json");
    let problems = v["problems"].as_array().expect("problems");
    assert!(
        problems
            .iter()
            .all(|p| p["kind"].is_string() && p["rule"].is_string()),
        "{what}: every problem has a kind and a rule: {problems:?}"
    );
    assert!(
        problems.iter().any(|p| p["kind"] == kind),
        "{what}: expected a problem of kind {kind:?}: {problems:?}"
    );
}

/// verify exits 1 with a FAILED headline and a problem line containing
/// `why`.
fn assert_fails(o: &Output, why: &str, what: &str) {
    assert_code(o, 1, what);
    let out = stdout(o);
    assert!(
        out.lines().next().is_some_and(|l| l.contains(": FAILED, ")),
        "{what}: expected FAILED\n{}",
        describe(o)
    );
    assert!(
        out.lines().any(|l| l.starts_with("  ") && l.contains(why)),
        "{what}: expected a problem containing {why:?}\n{}",
        describe(o)
    );
}

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}
fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}
fn set_u32(b: &mut [u8], at: usize, v: usize) {
    b[at..at + 4].copy_from_slice(&(v as u32).to_le_bytes());
}

/// The layout of an archive seal wrote (no comment): where the end record
/// is, where the central directory starts, and for each entry where its
/// central record is and its local header offset.
struct Layout {
    end: usize,
    cd: usize,
    records: Vec<(usize, usize)>,
}

fn layout(b: &[u8]) -> Layout {
    let end = b.len() - 22;
    assert_eq!(&b[end..end + 4], b"PK\x05\x06");
    let cd = u32_at(b, end + 16);
    let mut records = Vec::new();
    let mut at = cd;
    while at < end {
        assert_eq!(&b[at..at + 4], b"PK\x01\x02");
        records.push((at, u32_at(b, at + 42)));
        at += 46 + u16_at(b, at + 28) + u16_at(b, at + 30) + u16_at(b, at + 32);
    }
    Layout { end, cd, records }
}

/// Insert `junk` at `at`, moving every offset that points past it.
fn insert(b: &[u8], at: usize, junk: &[u8]) -> Vec<u8> {
    let l = layout(b);
    let mut out = [&b[..at], junk, &b[at..]].concat();
    let shift = |x: usize| if x >= at { x + junk.len() } else { x };
    for (rec, off) in &l.records {
        set_u32(&mut out, shift(*rec) + 42, shift(*off));
    }
    set_u32(&mut out, shift(l.end) + 16, shift(l.cd));
    out
}

#[test]
fn the_zip_is_read_strictly() {
    let f = fixture();
    let good = f.bytes();
    let l = layout(&good);
    let second_entry = l.records[1].1;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        // A prefix the zip crate would skip (offsets not moved) and one
        // with every offset moved (a self-extractor's stub).
        (
            "prefix",
            [vec![b'#'; 5000], good.clone()].concat(),
            "before the first entry",
        ),
        (
            "prefix-moved",
            insert(&good, 0, &[b'#'; 5000]),
            "5000 bytes before the first entry",
        ),
        (
            "gap",
            insert(&good, second_entry, b"hidden words, no signature"),
            "bytes between two entries",
        ),
        (
            "gap-before-directory",
            insert(&good, l.cd, b"hidden"),
            "between the last entry and the central directory",
        ),
        (
            "trailing-junk",
            [good.clone(), b"junk".to_vec()].concat(),
            "bytes after the end of central directory",
        ),
        (
            "second-archive",
            [good.clone(), good.clone()].concat(),
            "second end of central directory",
        ),
    ];
    for (tag, bytes, why) in cases {
        let p = f.variant(tag, &bytes);
        assert_fails(&f.verify(&p), why, tag);
        assert_kind(&f, &p, "zip", tag);
    }

    // A comment after the end record, and one holding a fake end record
    // (which a backwards search meets first).
    let mut commented = good.clone();
    let comment = b"an unsigned note";
    commented[l.end + 20..l.end + 22].copy_from_slice(&(comment.len() as u16).to_le_bytes());
    commented.extend_from_slice(comment);
    let p = f.variant("comment", &commented);
    assert_fails(&f.verify(&p), "a zip comment", "a zip comment");
    let mut fake = good.clone();
    let mut record = good[l.end..].to_vec();
    set_u32(&mut record, 16, 0);
    fake[l.end + 20..l.end + 22].copy_from_slice(&22u16.to_le_bytes());
    fake.extend_from_slice(&record);
    let p = f.variant("fake-end", &fake);
    assert_fails(
        &f.verify(&p),
        "a second end of central directory record",
        "a fake end record in the comment",
    );

    // Local headers that disagree with the central directory, one field
    // at a time: the first entry (bag-info.txt) is stored as seal wrote it.
    let first = l.records[0].1;
    for (tag, at, why) in [
        ("local-flags", first + 6, "flags"),
        ("local-method", first + 8, "method"),
        ("local-crc", first + 14, "CRC"),
        ("local-csize", first + 18, "sizes"),
        ("local-size", first + 22, "sizes"),
        ("local-name", first + 30 + 3, "name"),
    ] {
        let mut b = good.clone();
        b[at] ^= if tag == "local-method" { 0x01 } else { 0x02 };
        let p = f.variant(tag, &b);
        assert_fails(
            &f.verify(&p),
            &format!("local header and central directory disagree ({why})"),
            tag,
        );
        assert_kind(&f, &p, "zip", tag);
    }
}

/// A file under data/ that no signed manifest names fails, even when both
/// unsigned manifests (the OCFL inventories and the bag manifest) list it;
/// seal refuses to append to such an archive.
#[test]
fn a_payload_file_no_signed_manifest_names_fails() {
    let f = fixture();
    let mut entries = read_zip(&f.archive);
    let rel = "data/v2/content/STATEMENT-withdrawn.txt";
    let body = b"The secretariat withdraws the statement.\n".to_vec();
    let digest = sha512_hex(&body);
    for (name, data) in entries.iter_mut() {
        if name.ends_with("/inventory.json") {
            let mut inv: serde_json::Value = serde_json::from_slice(data).unwrap();
            if inv["head"] == "v2" {
                inv["manifest"][&digest] =
                    serde_json::json!(["v2/content/STATEMENT-withdrawn.txt"]);
                let mut s = serde_json::to_vec_pretty(&inv).unwrap();
                s.push(b'\n');
                *data = s;
            }
        }
    }
    entries.push((path_in_bag(rel), body));
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    refix(&mut entries, &[]);
    let p = f.env.path(format!("variants/withdrawn/{ARCHIVE}"));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    write_zip(&p, &entries);
    assert_fails(
        &f.verify(&p),
        "no version's signed files include it",
        "an extra file in both unsigned manifests",
    );
    assert_kind(
        &f,
        &p,
        "unsigned",
        "an extra file in both unsigned manifests",
    );
    let v3 = f.env.write("v3.txt", "A third text.\n");
    let o = f
        .env
        .seal(&v3, &f.key, &p, "2014-04-01T00:00:00Z", "third", &[]);
    assert_code(&o, 1, "seal onto the doctored archive");
    assert_one_line_error(
        &o,
        "does not verify, so nothing is appended",
        "seal refuses",
    );
}

/// bag-info.txt is not signed: it must say exactly what the signed
/// manifests and the archive say (its version count, date, id), so that
/// nothing unsigned reaches a reader through it.
#[test]
fn bag_info_must_agree_with_what_is_signed() {
    let f = fixture();
    let base = read_zip(&f.archive);
    let info = String::from_utf8(
        base.iter()
            .find(|(n, _)| n.ends_with("/bag-info.txt"))
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(info.contains("2 signed version(s)"), "{info}");
    for (tag, from, to) in [
        ("count", "2 signed version(s)", "3 signed version(s)"),
        (
            "date",
            "Bagging-Date: 2014-03-01",
            "Bagging-Date: 2015-01-01",
        ),
        (
            "label",
            "External-Identifier: ",
            "Contact-Name: Mallory\nExternal-Identifier: ",
        ),
    ] {
        let mut entries = base.clone();
        let changed = info.replace(from, to);
        assert_ne!(changed, info, "{tag}");
        *get(&mut entries, "bag-info.txt") = changed.into_bytes();
        refix(&mut entries, &[]);
        let p = f.env.path(format!("variants/bag-info-{tag}/{ARCHIVE}"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        write_zip(&p, &entries);
        assert_fails(&f.verify(&p), "bag-info.txt", tag);
    }
}

// ---------------------------------------------------------------- every byte

/// The strongest invariant, over every byte of a small archive: flipping
/// one bit anywhere either makes verify fail, or leaves the verdict and
/// every signed byte (each version's original, manifest, checkpoint and
/// signature files) exactly as they were. Through the library, for speed.
#[test]
fn any_single_byte_change_fails_or_changes_nothing_signed() {
    use vellum::crypto::keys;
    let env = TestEnv::new();
    let key = env.keygen("k");
    let text = env.write("short.txt", "A short text.\n\nIn two paragraphs.\n");
    let archive = env.path(ARCHIVE);
    assert_code(&env.seal(&text, &key, &archive, T1, "one", &[]), 0, "seal");
    let trusted = keys::load_trusted(std::slice::from_ref(&key.public)).unwrap();
    let signed = |p: &Path| -> Option<(String, Vec<Vec<u8>>)> {
        let v = vellum::verify::verify(p, &trusted, &|_, _| {}).ok()?;
        let report = serde_json::to_string(&v.report).unwrap();
        if !v.report.valid {
            return None;
        }
        let o = v.opened?;
        let tag = file_tag(&key.public);
        let files = ["original.txt", "manifest.json", "checkpoint"]
            .iter()
            .map(|s| s.to_string())
            .chain(
                ["sig", "minisig", "sshsig"]
                    .iter()
                    .map(|s| format!("manifest.json.{tag}.{s}")),
            )
            .map(|name| o.read(1, &name).unwrap())
            .collect();
        Some((report, files))
    };
    let good = std::fs::read(&archive).unwrap();
    let want = signed(&archive).expect("the sealed archive verifies");
    let mutant = env.path(format!("m/{ARCHIVE}"));
    std::fs::create_dir_all(mutant.parent().unwrap()).unwrap();
    let want_here = {
        std::fs::write(&mutant, &good).unwrap();
        signed(&mutant).unwrap()
    };
    assert_eq!(want.1, want_here.1);
    let (mut failed, mut unchanged) = (0, 0);
    for i in 0..good.len() {
        let mut b = good.clone();
        b[i] ^= 0x01;
        std::fs::write(&mutant, &b).unwrap();
        match signed(&mutant) {
            None => failed += 1,
            Some(got) => {
                assert_eq!(
                    got, want_here,
                    "byte {i} changed, and verify passed with other signed bytes"
                );
                unchanged += 1;
            }
        }
    }
    assert_eq!(failed + unchanged, good.len());
    // Most bytes are signed or checked; what is neither is zip metadata
    // no output shows (times, attributes).
    assert!(
        failed > good.len() * 9 / 10,
        "{failed} of {} failed",
        good.len()
    );
}

/// Problems are listed up to a thousand in all, then counted in one line:
/// six hundred files added under data/ (two problems each) give a short
/// report.
#[test]
fn problems_past_a_thousand_are_counted_in_one_line() {
    let f = fixture();
    let mut entries = read_zip(&f.archive);
    for i in 0..600 {
        entries.push((
            path_in_bag(&format!("data/v1/content/extra-{i}.txt")),
            b"x".to_vec(),
        ));
    }
    let p = f.env.path(format!("variants/many/{ARCHIVE}"));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    write_zip(&p, &entries);
    let o = f.verify(&p);
    // 1,200 problems and the Payload-Oxum line.
    assert_fails(&o, "201 more problems not listed", "1,201 problems");
    let listed = stdout(&o).lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(listed, 1001, "a thousand problems and the count");
}

/// Issue 12 point 4, rebuilt: a real zip64 central directory of three
/// million entries, a zip64 end record and locator, and an end record whose
/// comment holds a fake end record. The review's build spent 19 s and
/// 1.03 GB on it and printed 177 MB of problems; it is refused in one
/// problem, without reading the directory.
#[test]
fn a_three_million_entry_zip64_directory_is_refused_at_once() {
    const ENTRIES: u64 = 3_000_000;
    let f = fixture();
    let mut zip: Vec<u8> = Vec::with_capacity(150 << 20);
    let cd_offset = zip.len() as u64;
    for i in 0..ENTRIES {
        let name = format!("{:x}", i % 16);
        zip.extend_from_slice(b"PK\x01\x02");
        zip.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0]); // versions, flags, stored
        zip.extend_from_slice(&[0; 12]); // time, date, CRC
        zip.extend_from_slice(&0u32.to_le_bytes()); // sizes
        zip.extend_from_slice(&0u32.to_le_bytes());
        zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
        zip.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attrs
        zip.extend_from_slice(&[0; 4]); // external attrs
        zip.extend_from_slice(&0u32.to_le_bytes()); // local header offset
        zip.extend_from_slice(name.as_bytes());
    }
    let cd_size = zip.len() as u64 - cd_offset;
    let z64_end = zip.len() as u64;
    zip.extend_from_slice(b"PK\x06\x06");
    zip.extend_from_slice(&44u64.to_le_bytes());
    zip.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for v in [ENTRIES, ENTRIES, cd_size, cd_offset] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    zip.extend_from_slice(b"PK\x06\x07");
    zip.extend_from_slice(&0u32.to_le_bytes());
    zip.extend_from_slice(&z64_end.to_le_bytes());
    zip.extend_from_slice(&1u32.to_le_bytes());
    // The end record, every field deferring to zip64, and in its comment a
    // fake end record that a backwards search would find first.
    let mut fake = b"PK\x05\x06".to_vec();
    fake.extend_from_slice(&[0; 18]);
    zip.extend_from_slice(b"PK\x05\x06");
    zip.extend_from_slice(&[0xFF; 16]);
    zip.extend_from_slice(&(fake.len() as u16).to_le_bytes());
    zip.extend_from_slice(&fake);
    let p = f.variant("zip64-3m", &zip);
    drop(zip);
    let o = f.verify(&p);
    assert_code(&o, 1, "the zip64 directory");
    let out = stdout(&o);
    assert!(
        out.lines().count() <= 3,
        "one problem, not one per entry: {} lines\n{}",
        out.lines().count(),
        &out[..out.len().min(2000)]
    );
    assert!(
        out.contains("comment") || out.contains("zip64"),
        "the refusal names what it is\n{}",
        describe(&o)
    );
}
