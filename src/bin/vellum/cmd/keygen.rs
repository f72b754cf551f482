//! `vellum keygen`: a new key pair.

use crate::args::KeygenArgs;
use crate::output::{out, trouble, Outcome};
use vellum::crypto::keys::{self, SecretKey};

pub fn run(a: KeygenArgs) -> Outcome {
    let pass = if a.no_passphrase {
        None
    } else {
        let p = super::passphrase(&a.passphrase_file, true)?;
        if p.is_empty() {
            return Err(trouble(
                "empty passphrase; use --no-passphrase to store the key unencrypted",
            ));
        }
        Some(p)
    };
    let sk = SecretKey::generate();
    let (pubp, keyp) = keys::write_key_pair(&a.out, &sk, pass.as_deref().map(|p| p.as_slice()))
        .map_err(|e| trouble(e.to_string()))?;
    let mut msg = format!(
        "key id {}\npublic key: {} (share it; minisign reads it as is)\nsecret key: {} (keep it out of any repository)\n",
        sk.public.id,
        pubp.display(),
        keyp.display()
    );
    if pass.is_none() {
        msg.push_str("warning: the secret key is stored UNENCRYPTED (--no-passphrase)\n");
    }
    out(&msg)
}
