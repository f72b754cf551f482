//! What a new user meets in their first hour (issue 14), and what a
//! mistaken input gets (issue 12 points 6 and 7): each point that a test
//! can hold.

mod common;

use common::{assert_code, assert_one_line_error, assert_says, stdout, TestEnv, ARCHIVE};

/// keygen without --out writes to the config folder and says where; a
/// second keygen is refused with the README's refusal code, 1.
#[test]
fn keygen_writes_to_the_config_folder_and_refuses_to_overwrite() {
    let env = TestEnv::new();
    let config = env.path("config");
    let cfg = config.to_str().unwrap();
    let o = env.vellum_env(["keygen", "--no-passphrase"], &[("XDG_CONFIG_HOME", cfg)]);
    assert_code(&o, 0, "keygen without --out");
    let public = config.join("vellum/signing.pub");
    let secret = config.join("vellum/signing.key");
    assert!(public.is_file() && secret.is_file(), "{}", stdout(&o));
    assert_says(
        &o,
        &public.display().to_string(),
        "keygen says where the public key is",
    );
    assert_says(
        &o,
        &secret.display().to_string(),
        "keygen says where the secret key is",
    );
    let o = env.vellum_env(["keygen", "--no-passphrase"], &[("XDG_CONFIG_HOME", cfg)]);
    assert_code(&o, 1, "a second keygen");
    assert_one_line_error(&o, "already exists", "a second keygen");
    // Without XDG_CONFIG_HOME: ~/.config.
    let home = env.path("home");
    let o = env.vellum_env(
        ["keygen", "--no-passphrase"],
        &[("XDG_CONFIG_HOME", ""), ("HOME", home.to_str().unwrap())],
    );
    assert_code(&o, 0, "keygen with HOME only");
    assert!(home.join(".config/vellum/signing.key").is_file());
}

/// Arguments the wrong way round get a hint and exit 2, not "the archive
/// does not verify" and exit 1.
#[test]
fn swapped_arguments_get_a_hint() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_v1(&key, ARCHIVE);
    let copy = env.write("copy.txt", std::fs::read(common::declaration()).unwrap());
    let o = env.vellum([
        "check".as_ref(),
        copy.as_os_str(),
        ARCHIVE.as_ref(),
        "--trust".as_ref(),
        key.public.as_os_str(),
    ]);
    assert_code(&o, 2, "check COPY ARCHIVE");
    assert_one_line_error(
        &o,
        &format!("the first argument is not an archive but {ARCHIVE} is: did you mean vellum check {ARCHIVE} "),
        "check COPY ARCHIVE",
    );
}

/// The same condition gives the same exit code whatever form a command
/// takes: an archive signed by a key the user does not trust is a finding
/// (exit 1) for diff ARCHIVE and for diff ARCHIVE@v1 ARCHIVE@v2 alike.
#[test]
fn an_untrusted_archive_is_the_same_finding_in_every_form_of_diff() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    let other = env.keygen("other");
    env.seal_two_versions(&key, ARCHIVE);
    for args in [
        vec![ARCHIVE.to_owned()],
        vec![format!("{ARCHIVE}@v1"), format!("{ARCHIVE}@v2")],
        vec![format!("{ARCHIVE}@v1"), "v2.txt".to_owned()],
    ] {
        let mut all = vec!["diff".to_owned()];
        all.extend(args.clone());
        all.extend(["--trust".to_owned(), other.public.display().to_string()]);
        let o = env.vellum(&all);
        assert_code(
            &o,
            1,
            &format!("diff {args:?} against an untrusted archive"),
        );
        assert_one_line_error(&o, "does not verify", &format!("diff {args:?}"));
    }
}

/// show prints the sealed text as published, or sections of it, or its
/// canonical form; sections accepts an archive as well as a text, with
/// column headings.
#[test]
fn show_and_sections_read_what_was_sealed() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_two_versions(&key, ARCHIVE);
    let trust = key.public.display().to_string();
    let decl = std::fs::read_to_string(common::declaration()).unwrap();
    let o = env.vellum(["show", &format!("{ARCHIVE}@v1"), "--trust", &trust]);
    assert_code(&o, 0, "show ARCHIVE@v1");
    assert_eq!(stdout(&o), decl, "show gives the text exactly as sealed");
    let o = env.vellum(["show", ARCHIVE, "bullet-8", "--trust", &trust]);
    assert_code(&o, 0, "show ARCHIVE bullet-8");
    assert_eq!(
        stdout(&o),
        "\u{2022} The widespread corruption of the regime, including the 86 billion euro scandal and the unlawful transfer of currency to Turkey;\n"
    );
    let o = env.vellum(["show", ARCHIVE, "--canonical", "--trust", &trust]);
    assert_code(&o, 0, "show --canonical");
    assert!(stdout(&o).contains("- The widespread corruption") && !stdout(&o).contains('\u{2019}'));
    let o = env.vellum(["show", ARCHIVE, "point-99", "--trust", &trust]);
    assert_code(&o, 2, "show an unknown section");
    assert_one_line_error(&o, "has no section \"point-99\"", "show an unknown section");

    let o = env.vellum(["sections", &format!("{ARCHIVE}@v2"), "--trust", &trust]);
    assert_code(&o, 0, "sections ARCHIVE@v2");
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    for h in ["ID", "KIND", "NO.", "SHA-256", "FIRST WORDS"] {
        assert!(first.contains(h), "heading {h}: {first}");
    }
    assert!(out.lines().any(|l| l.starts_with("bullet-8 ")), "{out}");
    let text = env.vellum(["sections", common::declaration().to_str().unwrap()]);
    // Same sections, the 86 billion aside.
    assert_eq!(stdout(&text).lines().count(), out.lines().count());
}

/// A copy that is the sealed text character for character is called
/// identical, not "only formatting differs".
#[test]
fn a_byte_identical_copy_is_called_identical() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_v1(&key, ARCHIVE);
    let trust = key.public.display().to_string();
    let same = env.write("same.txt", std::fs::read(common::declaration()).unwrap());
    let o = env.vellum(["check", ARCHIVE, same.to_str().unwrap(), "--trust", &trust]);
    assert_code(&o, 0, "check of the sealed text itself");
    assert_says(&o, "identical to the sealed text", "identical copy");
    let o = env.vellum([
        "check",
        ARCHIVE,
        same.to_str().unwrap(),
        "--trust",
        &trust,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["identical"], true);
    let crlf = env.write(
        "crlf.txt",
        std::fs::read_to_string(common::declaration())
            .unwrap()
            .replace('\n', "\r\n"),
    );
    let o = env.vellum(["check", ARCHIVE, crlf.to_str().unwrap(), "--trust", &trust]);
    assert_code(&o, 0, "check of a CRLF copy");
    assert_says(&o, "only formatting differs", "a reformatted copy");
}

/// Completions for every shell clap knows, and a manual page, from the same
/// definitions as --help.
#[test]
fn completions_and_manual_page() {
    let env = TestEnv::new();
    for (shell, needle) in [
        ("bash", "_vellum()"),
        ("zsh", "#compdef vellum"),
        ("fish", "complete -c vellum"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = env.vellum(["completions", shell]);
        assert_code(&o, 0, &format!("completions {shell}"));
        let out = stdout(&o);
        assert!(
            out.contains(needle),
            "completions {shell}: {}",
            &out[..out.len().min(200)]
        );
        for sub in ["seal", "verify", "check", "diff", "show"] {
            assert!(out.contains(sub), "completions {shell} know {sub}");
        }
    }
    let o = env.vellum(["manpage"]);
    assert_code(&o, 0, "manpage");
    let man = stdout(&o);
    assert!(
        man.contains(".TH vellum 1") && man.contains(".SH NAME"),
        "roff: {}",
        &man[..200]
    );
    assert!(
        man.contains("Exit codes"),
        "the exit codes are in the manual page"
    );
}

/// Devices and FIFOs given as texts or copies are refused before a byte is
/// read; a DOCX, a PDF or a zip given where a text is expected is named
/// as such; a copy with no words is empty, not unrelated.
#[test]
fn what_is_not_a_text_is_named() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_v1(&key, ARCHIVE);
    let trust = key.public.display().to_string();
    if std::path::Path::new("/dev/zero").exists() {
        let o = env.vellum(["check", ARCHIVE, "/dev/zero", "--trust", &trust]);
        assert_code(&o, 2, "check /dev/zero");
        assert_one_line_error(
            &o,
            "/dev/zero: is a character device, not a file",
            "check /dev/zero",
        );
        let o = env.vellum([
            "seal",
            "/dev/zero",
            "--key",
            key.secret.to_str().unwrap(),
            "--archive",
            "z.zip",
        ]);
        assert_code(&o, 2, "seal /dev/zero");
        assert_one_line_error(&o, "is a character device", "seal /dev/zero");
    }
    let docs = common::repo_root().join("tests/documents");
    for (file, what) in [
        ("d_docx.docx", "a DOCX document, not a text"),
        ("pdf-faithful.pdf", "a PDF document, not a text"),
    ] {
        let p = docs.join(file);
        let o = env.vellum([
            "seal",
            p.to_str().unwrap(),
            "--key",
            key.secret.to_str().unwrap(),
            "--archive",
            "new.zip",
        ]);
        assert_code(&o, 2, &format!("seal {file}"));
        assert_one_line_error(&o, what, &format!("seal {file}"));
    }
    let o = env.vellum([
        "seal",
        ARCHIVE,
        "--key",
        key.secret.to_str().unwrap(),
        "--archive",
        "new.zip",
    ]);
    assert_code(&o, 2, "seal an archive");
    assert_one_line_error(&o, "a zip file, not a text", "seal an archive");
    let dots = env.write("dots.txt", "... --- ...\n");
    let o = env.vellum(["check", ARCHIVE, dots.to_str().unwrap(), "--trust", &trust]);
    assert_code(&o, 2, "check a copy with no words");
    assert_one_line_error(&o, "empty: no words", "check a copy with no words");
}

/// The README's tour, extracted from the README, runs as printed in a
/// folder laid out like a fresh clone, in order: each command exits as its
/// comment says (0 unless "exit N"), and the files it says it writes exist.
#[test]
fn the_readme_tour_runs_as_printed() {
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let tour = readme
        .split("## A short tour")
        .nth(1)
        .and_then(|t| t.split("```sh\n").nth(1))
        .and_then(|t| t.split("\n```").next())
        .expect("README has a tour in a sh block");
    // Commands, continuation lines joined, with the exit code each expects.
    let mut commands: Vec<(String, i32)> = Vec::new();
    let mut pending = String::new();
    for line in tour.lines() {
        pending.push_str(line.trim_end_matches('\\'));
        if line.ends_with('\\') {
            continue;
        }
        let cmd = std::mem::take(&mut pending);
        if cmd.trim().is_empty() || cmd.trim_start().starts_with('#') {
            continue;
        }
        // "(exit N: why)" in the comment.
        let want = cmd
            .split_once("# ")
            .and_then(|(_, c)| c.split("(exit ").nth(1))
            .and_then(|n| n.split_once(':'))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or(0);
        commands.push((cmd, want));
    }
    assert!(
        commands.len() >= 10,
        "the tour has {} commands",
        commands.len()
    );
    let env = TestEnv::new();
    let root = common::repo_root();
    for d in ["declaration", "examples", "archive", "keys"] {
        std::os::unix::fs::symlink(root.join(d), env.path(d)).unwrap();
    }
    let home = env.path("home");
    std::fs::create_dir(&home).unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_vellum"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut script = String::new();
    for (k, (cmd, _)) in commands.iter().enumerate() {
        script.push_str(&format!(
            "{{ {cmd}\n}} >out-{k}.txt 2>&1; echo \"$?\" >rc-{k}.txt\n"
        ));
    }
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(env.root())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", "")
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("VELLUM_PASSPHRASE", "a tour passphrase")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bash");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (k, (cmd, want)) in commands.iter().enumerate() {
        let rc: i32 = std::fs::read_to_string(env.path(format!("rc-{k}.txt")))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let out = std::fs::read_to_string(env.path(format!("out-{k}.txt"))).unwrap_or_default();
        assert_eq!(rc, *want, "README tour: `{cmd}` exited {rc}:\n{out}");
    }
    for written in [
        "tour.zip",
        "amended.txt",
        "diff.html",
        "point-7.proof",
        "report.html",
    ] {
        assert!(env.path(written).is_file(), "the tour writes {written}");
    }
    assert!(home.join(".config/vellum/signing.key").is_file());
}
