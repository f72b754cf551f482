//! `vellum keygen`: a new key pair.

use crate::args::KeygenArgs;
use crate::output::{out, trouble, Outcome};
use vellum::crypto::keys::{self, SecretKey};

/// Where keys go when `--out` is not given: `vellum/signing` in the user's
/// config folder (`$XDG_CONFIG_HOME`, or `~/.config`).
fn default_base() -> Result<std::path::PathBuf, crate::output::Failure> {
    let config = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(x) => std::path::PathBuf::from(x),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(h) => std::path::PathBuf::from(h).join(".config"),
            None => {
                return Err(trouble(
                    "no config folder ($XDG_CONFIG_HOME and $HOME are unset); pass --out PATH",
                ))
            }
        },
    };
    Ok(config.join("vellum").join("signing"))
}

pub fn run(a: KeygenArgs) -> Outcome {
    let base = match a.out {
        Some(b) => b,
        None => default_base()?,
    };
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
    let (pubp, keyp) = keys::write_key_pair(&base, &sk, pass.as_deref().map(|p| p.as_slice()))
        .map_err(|e| match e {
            // A refusal, as the README's table has it: exit 1.
            keys::KeyError::Exists(_) => crate::output::refused(e.to_string()),
            e => trouble(e.to_string()),
        })?;
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
