//! A local time-stamping authority for the timestamp tests (rules T1–T8):
//! `openssl ts` with a CA and a P-256 TSA certificate.

use super::describe;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Run a command that must succeed.
fn run_ok(cmd: &mut Command, what: &str) -> Output {
    let o = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {what}: {e} (Debian package openssl; scripts/setup-test-env.sh)")
    });
    assert!(o.status.success(), "{what}\n{}", describe(&o));
    o
}

/// A local TSA: a CA, its P-256 TSA certificate (timeStamping, critical),
/// an expired TSA certificate with the same key, and another CA that
/// nobody here trusts with its own TSA.
pub struct Tsa {
    /// Its folder.
    pub dir: PathBuf,
}

const EXT: &str = "[tsa]\nextendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n";

const CNF: &str = "[tsa]\ndefault_tsa = tsa_config1\n[tsa_config1]\ndir = .\nserial = ./tsaserial\ncrypto_device = builtin\nsigner_cert = ./tsa.crt\nsigner_key = ./tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\nother_policies = 1.2.3.4.5\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\ncerts = ./ca.crt\n";

/// A minimal `openssl ca` configuration, for a certificate with fixed dates.
const CA_CNF: &str = "[ca]\ndefault_ca = ca1\n[ca1]\ndatabase = ./index.txt\nnew_certs_dir = .\nserial = ./ca.serial\ndefault_md = sha256\npolicy = anything\nunique_subject = no\n[anything]\ncommonName = supplied\n";

impl Tsa {
    /// Made in `env`'s folder `tsa/`.
    pub fn new(env: &super::TestEnv) -> Tsa {
        let dir = env.path("tsa");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ext.cnf"), EXT).unwrap();
        std::fs::write(dir.join("tsa.cnf"), CNF).unwrap();
        std::fs::write(dir.join("tsaserial"), "01\n").unwrap();
        let t = Tsa { dir };
        for (ca, tsa, cn) in [
            ("ca", "tsa", "Test TSA"),
            ("other-ca", "other-tsa", "Other TSA"),
        ] {
            t.openssl(&[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                &format!("{ca}.key"),
            ]);
            t.openssl(&[
                "req",
                "-x509",
                "-new",
                "-key",
                &format!("{ca}.key"),
                "-subj",
                &format!("/CN={cn} CA"),
                "-days",
                "3650",
                "-out",
                &format!("{ca}.crt"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ]);
            t.openssl(&[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                &format!("{tsa}.key"),
            ]);
            t.openssl(&[
                "req",
                "-new",
                "-key",
                &format!("{tsa}.key"),
                "-subj",
                &format!("/CN={cn}"),
                "-out",
                &format!("{tsa}.csr"),
            ]);
            t.openssl(&[
                "x509",
                "-req",
                "-in",
                &format!("{tsa}.csr"),
                "-CA",
                &format!("{ca}.crt"),
                "-CAkey",
                &format!("{ca}.key"),
                "-CAcreateserial",
                "-days",
                "365",
                "-extfile",
                "ext.cnf",
                "-extensions",
                "tsa",
                "-out",
                &format!("{tsa}.crt"),
            ]);
        }
        // Valid on 1 January 2020 only: expired whenever it signs. `openssl
        // ca` takes fixed dates on every OpenSSL 3 (`x509 -not_after` is
        // 3.4 and later, and `-days -1` means "unset" in some).
        std::fs::write(t.dir.join("ca.cnf"), CA_CNF).unwrap();
        std::fs::write(t.dir.join("index.txt"), "").unwrap();
        std::fs::write(t.dir.join("ca.serial"), "1000\n").unwrap();
        t.openssl(&[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.crt",
            "-keyfile",
            "ca.key",
            "-in",
            "tsa.csr",
            "-out",
            "expired.crt",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20200102000000Z",
            "-extfile",
            "ext.cnf",
            "-extensions",
            "tsa",
            "-notext",
        ]);
        t
    }

    /// Run openssl in its folder; must succeed.
    pub fn openssl(&self, args: &[&str]) -> Output {
        run_ok(
            Command::new("openssl").args(args).current_dir(&self.dir),
            &format!("openssl {}", args.join(" ")),
        )
    }

    /// A file of its folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// `openssl ts -reply` to a query, signed by `signer` (`tsa`,
    /// `expired`, `other-tsa`, with its key).
    pub fn reply(&self, query: &Path, out: &Path, signer: &str) {
        let key = if signer == "other-tsa" {
            "other-tsa.key"
        } else {
            "tsa.key"
        };
        self.openssl(&[
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-queryfile",
            query.to_str().unwrap(),
            "-signer",
            &format!("{signer}.crt"),
            "-inkey",
            key,
            "-out",
            out.to_str().unwrap(),
        ]);
    }
}
