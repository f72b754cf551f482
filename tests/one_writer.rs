//! Issue 12: one writer at a time (W2–W4 of docs/archive-format.md):
//! concurrent seals, symbolic links, interrupted and killed seals.

mod common;

use common::*;
use std::path::PathBuf;

/// Two seals of the same archive at once, twenty times: each either seals
/// a version that is then in the archive with its text, or fails in one
/// line with exit 2, the archive untouched by it. No version is reported
/// twice, and none is lost.
#[test]
fn concurrent_seals_never_lose_a_version() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    let archive = env.seal_v1(&key, ARCHIVE);
    let mut reported: Vec<(u32, String)> = Vec::new();
    let mut refused = 0;
    for round in 0..20 {
        let texts: Vec<(String, PathBuf)> = ["a", "b"]
            .iter()
            .map(|w| {
                let t = format!("Round {round}, writer {w}: a text of its own.\n");
                let p = env.write(format!("r{round}{w}.txt"), &t);
                (t, p)
            })
            .collect();
        let children: Vec<_> = texts
            .iter()
            .map(|(_, p)| {
                env.seal_command(p, &key, &archive)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for (child, (text, _)) in children.into_iter().zip(&texts) {
            let o = child.wait_with_output().unwrap();
            if o.status.code() == Some(0) {
                let v: u32 = stdout(&o)
                    .split(" as version ")
                    .nth(1)
                    .and_then(|r| r.split(' ').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("{}", describe(&o)));
                reported.push((v, text.clone()));
            } else {
                assert_code(&o, 2, "the second seal");
                assert_one_line_error(&o, "another seal", "the second seal");
                refused += 1;
            }
        }
    }
    assert_code(
        &env.verify(&archive, &key),
        0,
        "the archive after the rounds",
    );
    let mut versions: Vec<u32> = reported.iter().map(|(v, _)| *v).collect();
    versions.sort();
    versions.dedup();
    assert_eq!(versions.len(), reported.len(), "a version reported twice");
    for (v, text) in &reported {
        let got = zip_entry(
            &archive,
            &path_in_bag(&format!("data/v{v}/content/original.txt")),
        );
        assert_eq!(&String::from_utf8(got).unwrap(), text, "version {v}");
    }
    let entries = read_zip(&archive);
    let newest = entries
        .iter()
        .filter_map(|(n, _)| {
            n.strip_prefix(&path_in_bag("data/v"))?
                .split('/')
                .next()?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap();
    assert_eq!(
        newest as usize,
        1 + reported.len(),
        "every version is a reported one"
    );
    assert_eq!(reported.len() + refused, 40);
}

/// Sealing through a symbolic link writes the file it points at; the link
/// stays a link.
#[cfg(unix)]
#[test]
fn sealing_through_a_symlink_updates_its_target() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    let real = env.seal_v1(&key, &format!("store/{ARCHIVE}"));
    std::fs::create_dir_all(env.path("published")).unwrap();
    let link = env.path(format!("published/{ARCHIVE}"));
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let v2 = env.write("v2.txt", declaration_v2());
    let o = env.seal(&v2, &key, &link, T2, "through the link", &[]);
    assert_code(&o, 0, "seal through a link");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert_says(
        &env.verify(&real, &key),
        "2 version(s)",
        "the target has v2",
    );
    // A link to nothing is refused in one line.
    let dangling = env.path("published/gone.zip");
    std::os::unix::fs::symlink(env.path("store/none/x.zip"), &dangling).unwrap();
    let o = env.seal(&v2, &key, &dangling, T2, "", &[]);
    assert_code(&o, 2, "a dangling link");
    assert_one_line_error(&o, "symbolic link", "a dangling link");
}

/// SIGTERM or SIGINT in the middle of a seal leaves no temporary file and
/// the archive as it was; a temporary file left by a run killed outright is
/// removed, and named, by the next seal.
#[cfg(unix)]
#[test]
fn an_interrupted_seal_leaves_nothing_behind() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    let archive = env.seal_v1(&key, ARCHIVE);
    let before = std::fs::read(&archive).unwrap();
    // A text that takes a while to seal.
    let para = "Every word of this paragraph is a word of the text being sealed. ";
    let big: String = (0..150_000).map(|i| format!("{para}{i}\n\n")).collect();
    let text = env.write("big.txt", &big);
    let temps = || -> Vec<PathBuf> {
        std::fs::read_dir(env.root())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".tmp"))
            .collect()
    };
    for sig in [libc::SIGTERM, libc::SIGINT] {
        // The signal must land while the seal runs (about half a second
        // here). On a loaded machine the seal may finish first: then its
        // archive is whole, and the run is tried again from the old one.
        let mut interrupted = false;
        for _attempt in 0..5 {
            let mut child = env
                .seal_command(&text, &key, &archive)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let start = std::time::Instant::now();
            while temps().is_empty() && start.elapsed().as_secs() < 30 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            assert!(!temps().is_empty(), "the seal made its temporary file");
            // SAFETY: a plain kill(2) of our own child.
            unsafe { libc::kill(child.id() as i32, sig) };
            let status = child.wait().unwrap();
            assert_eq!(
                temps(),
                Vec::<PathBuf>::new(),
                "signal {sig}: temp file left"
            );
            if std::fs::read(&archive).unwrap() != before {
                // The new version was in place before the signal came.
                assert_code(
                    &env.verify(&archive, &key),
                    0,
                    "a seal the signal came too late for",
                );
                std::fs::write(&archive, &before).unwrap();
                continue;
            }
            assert!(status.code().is_none(), "killed by the signal: {status:?}");
            interrupted = true;
            break;
        }
        assert!(interrupted, "signal {sig}: no attempt was interrupted");
    }
    // A run killed outright (SIGKILL) leaves its file; the next seal
    // removes it and says so.
    let stale = env.write(format!(".vellum-{ARCHIVE}.Xy12Zw.tmp"), b"half an archive");
    let v2 = env.write("v2.txt", declaration_v2());
    let o = env.seal(&v2, &key, &archive, T2, "", &[]);
    assert_code(&o, 0, "the next seal");
    assert!(!stale.exists(), "the stale file is removed");
    assert_says(&o, &stale.display().to_string(), "the stale file is named");
    assert_eq!(temps(), Vec::<PathBuf>::new());
}
