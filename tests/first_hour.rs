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

/// Help examples never wrap an argument onto a second line on an 80-column
/// terminal: every example line is a command, a comment, or the
/// continuation of a line that ends in a backslash.
#[test]
fn help_examples_fit_an_80_column_terminal() {
    let env = TestEnv::new();
    let subs = [
        "",
        "keygen",
        "sections",
        "seal",
        "cosign",
        "timestamp",
        "verify",
        "prove",
        "check",
        "diff",
        "log",
        "show",
        "completions",
        "manpage",
    ];
    for sub in subs {
        let args: Vec<&str> = [sub, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let o = env.vellum_env(args, &[("COLUMNS", "80"), ("LINES", "24")]);
        assert_code(&o, 0, &format!("vellum {sub} --help"));
        let help = stdout(&o);
        let examples = help
            .split_once("Example")
            .unwrap_or_else(|| panic!("vellum {sub} --help has no examples:\n{help}"))
            .1;
        let mut continued = false;
        for line in examples
            .lines()
            .skip(1)
            .take_while(|l| !l.trim().is_empty())
        {
            assert!(
                line.chars().count() <= 80,
                "vellum {sub} --help: {line:?} is wider than 80"
            );
            let t = line.trim_start();
            assert!(
                continued
                    || t.starts_with("vellum ")
                    || t.starts_with("VELLUM_")
                    || t.starts_with('#'),
                "vellum {sub} --help: an example wrapped onto {line:?}"
            );
            assert_eq!(
                t.matches('"').count() % 2,
                0,
                "vellum {sub} --help: a quote split in {line:?}"
            );
            continued = line.ends_with('\\');
        }
    }
}

/// verify, check and diff say in words that the signature is valid and who
/// signed (holder, fingerprint, the trusted file), and explain their terms
/// once under a report of changes.
#[test]
fn outputs_say_signature_valid_and_explain_their_terms() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    env.seal_two_versions(&key, ARCHIVE);
    let trust = key.public.display().to_string();
    let signed = format!("signature valid: signed by key {}", key.fingerprint);
    let o = env.vellum(["verify", ARCHIVE, "--trust", &trust]);
    assert_code(&o, 0, "verify");
    assert_says(&o, &signed, "verify names the signer, in words");
    let v1 = format!("{ARCHIVE}@v1");
    let v2 = format!("{ARCHIVE}@v2");
    let o = env.vellum(["diff", &v1, &v2, "--trust", &trust]);
    assert_code(&o, 1, "diff of two versions");
    assert_eq!(
        stdout(&o).matches(&signed).count(),
        2,
        "each side's signer: {}",
        stdout(&o)
    );
    assert_says(
        &o,
        "[-words-] are only in the first (---)",
        "the marks explained",
    );
    let shown = env.vellum(["show", &v2, "--trust", &trust]);
    assert_code(&shown, 0, "show v2");
    let copy = env.path("copy.txt");
    std::fs::write(&copy, stdout(&shown)).expect("copy");
    let o = env.vellum([
        "check",
        ARCHIVE,
        copy.to_str().unwrap(),
        "--version",
        "1",
        "--trust",
        &trust,
    ]);
    assert_code(&o, 1, "v2's text checked against v1");
    let out = stdout(&o);
    assert!(out.contains(&signed), "check names the signer: {out}");
    assert!(
        out.contains(&format!("from {trust}, minisign id ")),
        "check names the trusted file and the key id: {out}"
    );
    assert_says(
        &o,
        "how to read this: paragraph-2, bullet-8",
        "section ids explained",
    );
    assert_says(&o, "[-words-] are in the sealed text", "marks explained");
    // An intact copy has no changes to explain.
    let o = env.vellum(["check", ARCHIVE, copy.to_str().unwrap(), "--trust", &trust]);
    assert_code(&o, 0, "v2's text against v2");
    assert!(stdout(&o).contains(&signed) && !stdout(&o).contains("how to read this"));
}

/// The progress of seal, verify and check (`VELLUM_PROGRESS=plain` shows
/// it off a terminal, as a line per tenth) rises, and says 100 % only once,
/// when the work is done: never a full bar while work goes on.
#[test]
fn progress_reaches_100_percent_only_when_done() {
    let env = TestEnv::new();
    let key = env.keygen("k");
    let plain = [("VELLUM_PROGRESS", "plain")];
    let a = env.path(ARCHIVE);
    let decl = common::declaration();
    let trust = key.public.display().to_string();
    let runs: Vec<(&str, Vec<String>)> = vec![
        (
            "sealing",
            vec![
                "seal".into(),
                decl.display().to_string(),
                "--key".into(),
                key.secret.display().to_string(),
                "--archive".into(),
                a.display().to_string(),
                "-m".into(),
                "v1".into(),
            ],
        ),
        (
            "verifying",
            vec![
                "verify".into(),
                a.display().to_string(),
                "--trust".into(),
                trust.clone(),
            ],
        ),
        (
            "verifying",
            vec![
                "check".into(),
                a.display().to_string(),
                decl.display().to_string(),
                "--trust".into(),
                trust.clone(),
            ],
        ),
    ];
    for (what, args) in runs {
        let o = env.vellum_env(&args, &plain);
        assert_code(&o, 0, &args[0]);
        let lines: Vec<String> = common::stderr(&o)
            .lines()
            .filter(|l| l.starts_with(&format!("{what}: ")))
            .map(str::to_owned)
            .collect();
        let (last, before) = lines
            .split_last()
            .unwrap_or_else(|| panic!("{}: no progress", args[0]));
        assert!(
            last.starts_with(&format!("{what}: 100%, done in ")),
            "{}: {last}",
            args[0]
        );
        let mut prev = 0;
        for l in before {
            let pct: u64 = l[what.len() + 2..]
                .split('%')
                .next()
                .unwrap()
                .parse()
                .expect("a percentage");
            assert!(
                pct < 100,
                "{}: 100 % before the work was done: {l}",
                args[0]
            );
            assert!(pct >= prev, "{}: progress fell back: {lines:?}", args[0]);
            prev = pct;
        }
    }
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
