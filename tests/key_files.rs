//! Issue 12: key files hold one key, are read bounded, and one bad file in
//! a trust folder is named and skipped (K7a of docs/archive-format.md).

mod common;

use common::*;

/// One malformed .pub in a trust folder is named and skipped; a .pub
/// holding two keys, or text after its key, is refused in one line naming
/// it when given itself.
#[test]
fn key_files_hold_one_key_and_a_bad_one_in_a_folder_is_skipped() {
    let env = TestEnv::new();
    let key = env.keygen("keys/k");
    let other = env.keygen("elsewhere/o");
    let archive = env.seal_v1(&key, ARCHIVE);
    let pubtext = std::fs::read_to_string(&key.public).unwrap();
    let othertext = std::fs::read_to_string(&other.public).unwrap();
    let bad = env.write("keys/broken.pub", "this is not a key\n");
    let o = env.vellum([
        "verify".as_ref(),
        archive.as_os_str(),
        "--trust".as_ref(),
        env.path("keys").as_os_str(),
    ]);
    assert_code(&o, 0, "a folder with one bad .pub");
    assert_says(&o, &format!("{}", bad.display()), "the bad file is named");
    assert_says(&o, "skipped", "and skipped");
    std::fs::remove_file(&bad).unwrap();
    for (tag, text) in [
        ("two-keys", format!("{pubtext}{othertext}")),
        ("trailing", format!("{pubtext}and a line more\n")),
    ] {
        let p = env.write(format!("{tag}.pub"), &text);
        let o = env.vellum([
            "verify".as_ref(),
            archive.as_os_str(),
            "--trust".as_ref(),
            p.as_os_str(),
        ]);
        assert_code(&o, 2, tag);
        let line = assert_one_line_error(&o, "one key", tag);
        assert!(line.contains(&format!("{tag}.pub")), "{line}");
    }
    // A FIFO given as a key is refused without waiting for a writer.
    let fifo = env.path("fifo.pub");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) on a path we own.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let o = env.vellum([
        "verify".as_ref(),
        archive.as_os_str(),
        "--trust".as_ref(),
        fifo.as_os_str(),
    ]);
    assert_code(&o, 2, "a FIFO as a key");
    assert_one_line_error(&o, "FIFO", "a FIFO as a key");
}
