//! Trusted timestamps (rules T1–T8, V22 of docs/archive-format.md): a
//! local time-stamping authority made with `openssl ts` (a CA and a P-256
//! TSA certificate with the timeStamping extended key usage), queried in
//! two steps and over HTTP; tokens checked by vellum and by `openssl ts
//! -verify`; tokens over other data, from an untrusted or expired TSA, or
//! malformed refused at attach time and, smuggled into an archive, listed
//! as problems; tokens kept when the next version is sealed.

mod common;

use common::tsa::Tsa;
use common::*;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The archive, its v1 sealed by a key whose public half is `keys/`.
fn sealed(env: &TestEnv) -> (Key, PathBuf) {
    std::fs::create_dir_all(env.path("keys")).unwrap();
    let key = env.keygen("secretariat");
    std::fs::copy(&key.public, env.path("keys/secretariat.pub")).unwrap();
    let a = env.seal_v1(&key, &format!("archive/{ARCHIVE}"));
    (key, a)
}

fn v1(a: &Path) -> String {
    format!("{}@v1", a.display())
}

fn vellum(env: &TestEnv, args: &[&OsStr]) -> Output {
    env.vellum(args)
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

/// `vellum timestamp A@v1 --request FILE`, then `openssl ts -reply` by
/// `signer`: the reply file.
fn query_and_reply(env: &TestEnv, tsa: &Tsa, a: &Path, signer: &str, name: &str) -> PathBuf {
    let q = env.path(format!("{name}.tsq"));
    let o = vellum(
        env,
        &[
            os("timestamp"),
            os(&v1(a)),
            os("--request"),
            q.as_os_str(),
            os("--trust"),
            os("keys"),
        ],
    );
    assert_code(&o, 0, "vellum timestamp --request");
    assert_says(
        &o,
        "wrote the RFC 3161 query over version 1",
        "timestamp --request",
    );
    let r = env.path(format!("{name}.tsr"));
    tsa.reply(&q, &r, signer);
    r
}

fn attach(env: &TestEnv, a: &Path, reply: &Path, extra: &[&OsStr]) -> Output {
    let spec = v1(a);
    let mut args = vec![os("timestamp"), os(&spec)];
    args.extend([
        os("--tsa-reply"),
        reply.as_os_str(),
        os("--trust"),
        os("keys"),
    ]);
    args.extend(extra);
    vellum(env, &args)
}

fn verify(env: &TestEnv, a: &Path, extra: &[&OsStr]) -> Output {
    let mut args = vec![os("verify"), a.as_os_str(), os("--trust"), os("keys")];
    args.extend(extra);
    vellum(env, &args)
}

/// The token files of an archive: (name, bytes).
fn tokens(a: &Path) -> Vec<(String, Vec<u8>)> {
    read_zip(a)
        .into_iter()
        .filter(|(n, _)| n.starts_with(&path_in_bag("timestamps/")) && !n.ends_with('/'))
        .collect()
}

/// Add a file to the bag as a tag file listed in the tag manifest, as a
/// forger (or a careless tool) would: the archive stays a valid bag.
fn smuggle(a: &Path, rel: &str, bytes: &[u8]) {
    let mut entries = read_zip(a);
    let tm = get(&mut entries, "tagmanifest-sha256.txt");
    tm.extend_from_slice(format!("{}  {rel}\n", sha256_hex(bytes)).as_bytes());
    entries.push((path_in_bag(rel), bytes.to_vec()));
    entries.sort_by(|x, y| x.0.cmp(&y.0));
    write_zip(a, &entries);
}

// ------------------------------------------------------------ the two steps

/// T2–T8: query, reply, keep; verify without and with the TSA's
/// certificate (or its CA's); openssl ts -verify agrees; JSON and log say
/// the same.
#[test]
fn a_token_from_the_query_is_kept_and_verified_by_vellum_and_openssl() {
    let env = TestEnv::new();
    let tsa = Tsa::new(&env);
    let (_key, a) = sealed(&env);
    let r = query_and_reply(&env, &tsa, &a, "tsa", "v1");
    let o = attach(&env, &a, &r, &[]);
    assert_code(&o, 0, "vellum timestamp --tsa-reply");
    assert_says(
        &o,
        "(TSA: Test TSA); signer claims 2014-02-08T12:00:00Z",
        "timestamp",
    );
    let toks = tokens(&a);
    assert_eq!(toks.len(), 1, "one token kept");
    assert!(toks[0].0.starts_with(&path_in_bag("timestamps/v1/")) && toks[0].0.ends_with(".tsr"));

    // Without a trusted TSA certificate: listed, not checked, not failed.
    let o = verify(&env, &a, &[]);
    assert_code(&o, 0, "verify without --tsa-cert");
    assert_says(&o, "timestamp by Test TSA", "verify without --tsa-cert");
    assert_says(
        &o,
        "not checked: no trusted TSA certificate (--tsa-cert)",
        "verify without --tsa-cert",
    );

    // The CA that issued the TSA certificate, or the TSA certificate itself.
    for trusted in ["ca.crt", "tsa.crt"] {
        let c = tsa.file(trusted);
        let o = verify(&env, &a, &[os("--tsa-cert"), c.as_os_str()]);
        assert_code(&o, 0, &format!("verify --tsa-cert {trusted}"));
        assert_says(&o, "existed by ", trusted);
        assert_says(
            &o,
            "(TSA: Test TSA); signer claims 2014-02-08T12:00:00Z",
            trusted,
        );
    }
    let c = tsa.file("ca.crt");
    let o = verify(&env, &a, &[os("--tsa-cert"), c.as_os_str(), os("--json")]);
    assert_code(&o, 0, "verify --json");
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let t = &j["versions"][0]["timestamps"][0];
    assert_eq!(t["standing"], "verified", "{t}");
    assert_eq!(t["tsa"], "Test TSA", "{t}");
    assert!(t["gen_time"].as_str().unwrap().ends_with('Z'), "{t}");
    let o = vellum(
        &env,
        &[
            os("log"),
            a.as_os_str(),
            os("--trust"),
            os("keys"),
            os("--tsa-cert"),
            c.as_os_str(),
        ],
    );
    assert_code(&o, 0, "log --tsa-cert");
    assert_says(&o, "existed by ", "log");

    // openssl checks the kept token over the version's checkpoint.
    let out = env.path("unzipped");
    extract_zip(&a, &out);
    let bag = out.join(BAG);
    let cp = bag.join("data/v1/content/checkpoint");
    let tok = out.join(&toks[0].0);
    let o = tsa.openssl(&[
        "ts",
        "-verify",
        "-data",
        cp.to_str().unwrap(),
        "-in",
        tok.to_str().unwrap(),
        "-CAfile",
        tsa.file("ca.crt").to_str().unwrap(),
    ]);
    assert!(stdout(&o).contains("Verification: OK"), "{}", describe(&o));
    // And not over another file.
    let other = bag.join("data/v1/content/manifest.json");
    let o = Command::new("openssl")
        .args(["ts", "-verify", "-data"])
        .arg(&other)
        .arg("-in")
        .arg(&tok)
        .arg("-CAfile")
        .arg(tsa.file("ca.crt"))
        .output()
        .unwrap();
    assert!(
        !o.status.success(),
        "openssl: a token over another file\n{}",
        describe(&o)
    );

    // N6: the trust policy may name the TSA certificates instead.
    env.write(
        "keys/trust.toml",
        "format = \"vellum-trust-v1\"\ntsa_certs = [\"../tsa/ca.crt\"]\n",
    );
    let o = verify(&env, &a, &[]);
    assert_code(&o, 0, "verify, tsa_certs in trust.toml");
    assert_says(
        &o,
        "(TSA: Test TSA); signer claims",
        "tsa_certs in trust.toml",
    );
    env.write(
        "keys/trust.toml",
        "format = \"vellum-trust-v1\"\ntsa_certs = [\"missing.crt\"]\n",
    );
    let o = verify(&env, &a, &[]);
    assert_code(&o, 2, "verify, a missing tsa_certs file");
    assert_one_line_error(&o, "missing.crt", "a missing tsa_certs file");
    std::fs::remove_file(env.path("keys/trust.toml")).unwrap();

    // The same token twice is refused.
    let o = attach(&env, &a, &r, &[]);
    assert_code(&o, 1, "the same token again");
    assert_says(&o, "keeps this token already", "the same token again");
}

// ------------------------------------------------------------ refusals

/// T4: a reply to a query over other data is refused; smuggled in, it is a
/// problem naming its file, with or without --tsa-cert.
#[test]
fn a_token_over_other_data_is_refused_and_a_smuggled_one_is_a_problem() {
    let env = TestEnv::new();
    let tsa = Tsa::new(&env);
    let (_key, a) = sealed(&env);
    let other = env.write("other.txt", "not the checkpoint\n");
    let q = env.path("other.tsq");
    tsa.openssl(&[
        "ts",
        "-query",
        "-data",
        other.to_str().unwrap(),
        "-sha256",
        "-cert",
        "-out",
        q.to_str().unwrap(),
    ]);
    let r = env.path("other.tsr");
    tsa.reply(&q, &r, "tsa");
    let before = std::fs::read(&a).unwrap();
    let o = attach(&env, &a, &r, &[]);
    assert_code(&o, 1, "a reply over other data");
    assert_one_line_error(&o, "a token over other data", "a reply over other data");
    assert_eq!(
        std::fs::read(&a).unwrap(),
        before,
        "the archive is untouched"
    );

    smuggle(
        &a,
        "timestamps/v1/0123456789abcdef0123456789abcdef.tsr",
        &std::fs::read(&r).unwrap(),
    );
    let c = tsa.file("ca.crt");
    for extra in [vec![], vec![os("--tsa-cert"), c.as_os_str()]] {
        let o = verify(&env, &a, &extra);
        assert_code(&o, 1, "verify, a smuggled token over other data");
        assert_says(&o, "v1 paris-2014-02-08/timestamps/v1/0123456789abcdef0123456789abcdef.tsr: a token over other data", "verify");
    }
    let o = verify(&env, &a, &[os("--json")]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["problems"][0]["kind"], "timestamp");
    assert_eq!(j["problems"][0]["rule"], "V22");
}

/// T8: a TSA that no --tsa-cert vouches for is refused when a certificate
/// is given, and a problem in verify.
#[test]
fn a_token_from_an_untrusted_tsa_is_a_problem() {
    let env = TestEnv::new();
    let tsa = Tsa::new(&env);
    let (_key, a) = sealed(&env);
    let r = query_and_reply(&env, &tsa, &a, "other-tsa", "v1");
    let ca = tsa.file("ca.crt");
    let o = attach(&env, &a, &r, &[os("--tsa-cert"), ca.as_os_str()]);
    assert_code(&o, 1, "attach from an untrusted TSA, --tsa-cert");
    assert_one_line_error(&o, "TSA Other TSA is not trusted", "untrusted at attach");
    // Without --tsa-cert it is kept (nothing to judge it by) ...
    let o = attach(&env, &a, &r, &[]);
    assert_code(&o, 0, "attach without --tsa-cert");
    // ... and verify with the trusted CA lists it as a problem.
    let o = verify(&env, &a, &[os("--tsa-cert"), ca.as_os_str()]);
    assert_code(&o, 1, "verify, untrusted TSA");
    assert_says(&o, "TSA Other TSA is not trusted", "verify, untrusted TSA");
    let other = tsa.file("other-ca.crt");
    let o = verify(&env, &a, &[os("--tsa-cert"), other.as_os_str()]);
    assert_code(&o, 0, "verify, trusting the other CA");
    assert_says(&o, "(TSA: Other TSA)", "verify, the other CA");
    // A TSA certificate is not a CA: it vouches for itself only.
    let t = tsa.file("tsa.crt");
    let o = verify(&env, &a, &[os("--tsa-cert"), t.as_os_str()]);
    assert_code(&o, 1, "verify, another TSA's certificate");
}

/// T7: a token whose TSA certificate was not valid at its time.
#[test]
fn a_token_signed_under_an_expired_certificate_is_a_problem() {
    let env = TestEnv::new();
    let tsa = Tsa::new(&env);
    let (_key, a) = sealed(&env);
    let r = query_and_reply(&env, &tsa, &a, "expired", "v1");
    let o = attach(&env, &a, &r, &[]);
    assert_code(&o, 1, "attach, expired TSA certificate");
    assert_one_line_error(
        &o,
        "outside the validity of the certificate of Test TSA",
        "expired",
    );
    smuggle(
        &a,
        "timestamps/v1/00000000000000000000000000000000.tsr",
        &std::fs::read(&r).unwrap(),
    );
    let o = verify(&env, &a, &[]);
    assert_code(&o, 1, "verify, expired");
    assert_says(&o, "expired or not yet valid", "verify, expired");
    assert_says(
        &o,
        "(2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z)",
        "verify, expired",
    );
    // openssl refuses it too.
    let o = Command::new("openssl")
        .args(["ts", "-verify", "-in"])
        .arg(&r)
        .arg("-queryfile")
        .arg(env.path("v1.tsq"))
        .arg("-CAfile")
        .arg(tsa.file("ca.crt"))
        .output()
        .unwrap();
    assert!(
        !o.status.success(),
        "openssl ts -verify, expired\n{}",
        describe(&o)
    );
    assert!(stderr(&o).contains("expired"), "{}", describe(&o));
}

/// T2: a malformed reply is trouble naming the file; a malformed token
/// file in an archive, or a stray one, is a problem; a bad --tsa-cert is
/// trouble.
#[test]
fn malformed_replies_tokens_and_certificates() {
    let env = TestEnv::new();
    let tsa = Tsa::new(&env);
    let (_key, a) = sealed(&env);
    let junk = env.write("junk.tsr", b"\x30\x03\x02\x01\x00 and then some");
    let before = std::fs::read(&a).unwrap();
    let o = attach(&env, &a, &junk, &[]);
    assert_code(&o, 2, "a malformed reply");
    let line = assert_one_line_error(
        &o,
        "not an RFC 3161 time-stamp reply or token",
        "malformed reply",
    );
    assert!(line.contains("junk.tsr"), "{line}");
    assert_eq!(
        std::fs::read(&a).unwrap(),
        before,
        "the archive is untouched"
    );
    let o = attach(&env, &a, &env.path("missing.tsr"), &[]);
    assert_code(&o, 2, "a missing reply file");

    smuggle(
        &a,
        "timestamps/v1/ffffffffffffffffffffffffffffffff.tsr",
        b"garbage",
    );
    smuggle(
        &a,
        "timestamps/v9/ffffffffffffffffffffffffffffffff.tsr",
        b"garbage",
    );
    smuggle(&a, "timestamps/v1/notes.txt", b"hello");
    let o = verify(&env, &a, &[]);
    assert_code(&o, 1, "verify, malformed token");
    assert_says(
        &o,
        "timestamps/v1/ffffffffffffffffffffffffffffffff.tsr: not an RFC 3161",
        "malformed",
    );
    assert_says(
        &o,
        "timestamps/v9/ffffffffffffffffffffffffffffffff.tsr: a timestamp of no version",
        "stray",
    );
    assert_says(
        &o,
        "timestamps/v1/notes.txt: not a time-stamp token file",
        "not .tsr",
    );

    let bad = env.write(
        "bad.crt",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    let o = verify(&env, &a, &[os("--tsa-cert"), bad.as_os_str()]);
    assert_code(&o, 2, "a bad --tsa-cert");
    assert_one_line_error(&o, "bad.crt", "bad --tsa-cert");
    let _ = tsa;
}

// ------------------------------------------------------------ --tsa URL

/// A TSA over HTTP on 127.0.0.1: each POST answered by `answer` (given
/// the query's bytes); the URL.
fn serve(answer: impl Fn(&[u8]) -> Vec<u8> + Send + 'static) -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head_end, len) = loop {
                let n = s.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break (None, 0);
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    break (Some(i + 4), len);
                }
            };
            let Some(start) = head_end else { continue };
            while buf.len() < start + len {
                let n = s.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = answer(&buf[start..(start + len).min(buf.len())]);
            let _ = s.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            let _ = s.write_all(&body);
        }
    });
    url
}

/// T3: `--tsa URL` asks a TSA over HTTP and keeps its token; a reply to
/// another query (an old reply, its nonce not ours) is refused.
#[test]
fn tsa_url_asks_over_http_and_checks_the_nonce() {
    let env = TestEnv::new();
    let tsa = Tsa::new(&env);
    let (_key, a) = sealed(&env);
    let dir = tsa.dir.clone();
    let url = serve(move |query| {
        let q = dir.join("http.tsq");
        let r = dir.join("http.tsr");
        std::fs::write(&q, query).unwrap();
        let o = Command::new("openssl")
            .args([
                "ts",
                "-reply",
                "-config",
                "tsa.cnf",
                "-queryfile",
                "http.tsq",
                "-out",
                "http.tsr",
            ])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(o.status.success());
        std::fs::read(r).unwrap()
    });
    let ca = tsa.file("ca.crt");
    let o = vellum(
        &env,
        &[
            os("timestamp"),
            os(&v1(&a)),
            os("--tsa"),
            os(&url),
            os("--trust"),
            os("keys"),
            os("--tsa-cert"),
            ca.as_os_str(),
        ],
    );
    assert_code(&o, 0, "vellum timestamp --tsa URL");
    assert_says(&o, "(TSA: Test TSA", "timestamp --tsa");
    let o = verify(&env, &a, &[os("--tsa-cert"), ca.as_os_str()]);
    assert_code(&o, 0, "verify after --tsa");
    assert_says(&o, "existed by ", "verify after --tsa");

    // An old reply over the same checkpoint, to another query: the imprint
    // is right, the nonce is not ours.
    let old = std::fs::read(query_and_reply(&env, &tsa, &a, "tsa", "old")).unwrap();
    let url = serve(move |_| old.clone());
    let o = vellum(
        &env,
        &[
            os("timestamp"),
            os(&v1(&a)),
            os("--tsa"),
            os(&url),
            os("--trust"),
            os("keys"),
        ],
    );
    assert_code(&o, 1, "a reply to another query");
    assert_one_line_error(&o, "its nonce is not the request's", "nonce");

    // Nobody listening: trouble.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/", l.local_addr().unwrap());
    drop(l);
    let o = vellum(
        &env,
        &[
            os("timestamp"),
            os(&v1(&a)),
            os("--tsa"),
            os(&dead),
            os("--trust"),
            os("keys"),
        ],
    );
    assert_code(&o, 2, "an unreachable TSA");
}

// ------------------------------------------------------------ kept

/// T1, X4: sealing the next version keeps the tokens of earlier ones.
#[test]
fn seal_keeps_tokens_in_the_next_archive() {
    let env = TestEnv::new();
    let tsa = Tsa::new(&env);
    let (key, a) = sealed(&env);
    let r = query_and_reply(&env, &tsa, &a, "tsa", "v1");
    assert_code(&attach(&env, &a, &r, &[]), 0, "attach");
    let kept = tokens(&a);
    let v2 = env.write("v2.txt", declaration_v2());
    let o = env.seal(
        &v2,
        &key,
        &a,
        T2,
        "correct the amount",
        &["--trust", "keys"],
    );
    assert_code(&o, 0, "seal v2 over a timestamped archive");
    assert_eq!(tokens(&a), kept, "the token is kept as it was");
    let ca = tsa.file("ca.crt");
    let o = verify(&env, &a, &[os("--tsa-cert"), ca.as_os_str()]);
    assert_code(&o, 0, "verify v1 and v2");
    assert_says(&o, "verified, 2 version(s)", "two versions");
    assert_says(
        &o,
        "(TSA: Test TSA); signer claims 2014-02-08T12:00:00Z",
        "v1's token",
    );
    // And v2 can be timestamped in turn.
    let q = env.path("v2.tsq");
    let spec = format!("{}@v2", a.display());
    let o = vellum(
        &env,
        &[
            os("timestamp"),
            os(&spec),
            os("--request"),
            q.as_os_str(),
            os("--trust"),
            os("keys"),
        ],
    );
    assert_code(&o, 0, "request v2");
    // A bare token (-token_out) is kept wrapped in a granted reply (T2).
    let r2 = env.path("v2.tok");
    tsa.openssl(&[
        "ts",
        "-reply",
        "-config",
        "tsa.cnf",
        "-queryfile",
        q.to_str().unwrap(),
        "-token_out",
        "-out",
        r2.to_str().unwrap(),
    ]);
    let o = vellum(
        &env,
        &[
            os("timestamp"),
            os(&spec),
            os("--tsa-reply"),
            r2.as_os_str(),
            os("--trust"),
            os("keys"),
        ],
    );
    assert_code(&o, 0, "attach v2");
    // v1's reply is not over v2's checkpoint.
    let o = vellum(
        &env,
        &[
            os("timestamp"),
            os(&spec),
            os("--tsa-reply"),
            r.as_os_str(),
            os("--trust"),
            os("keys"),
        ],
    );
    assert_code(&o, 1, "v1's reply for v2");
    assert_eq!(tokens(&a).len(), 2);
    let o = verify(&env, &a, &[os("--tsa-cert"), ca.as_os_str()]);
    assert_code(&o, 0, "verify both tokens");
    assert_eq!(
        stdout(&o).matches("existed by ").count(),
        2,
        "{}",
        stdout(&o)
    );
}
