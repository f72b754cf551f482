//! Whom the user trusts, and for what (rules N1–N6 of
//! docs/archive-format.md): the trusted public keys (K7) and the trust
//! policy beside them, `trust.toml`, which names each key's holder, the
//! number of distinct keys every version needs (the threshold), the keys
//! retired or revoked from a date, and the keys allowed to take over an
//! archive.
//!
//! ```toml
//! format = "vellum-trust-v1"
//! threshold = 2
//!
//! [[key]]
//! fingerprint = "SHA256:YY4yb7QDV9KL8BUZckEsTI5iAeKuLjnDVSgAuJ3DJ+0"
//! holder = "Secretariat of the Convention"
//! retired = 2030-01-01      # signs nothing created from then on
//!
//! [[archive]]
//! id = "paris-2014-02-08"
//! keys = ["SHA256:YY4yb7QDV9KL8BUZckEsTI5iAeKuLjnDVSgAuJ3DJ+0"]
//! ```
//!
//! A key is always known by its fingerprint (K8), never by its id or name:
//! the threshold counts distinct fingerprints (N3).

use crate::crypto::keys::{self, Fingerprint, KeyError, TrustedKey};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The policy file's name in a trust folder (N1).
pub(crate) const POLICY_NAME: &str = "trust.toml";
/// The policy file's `format` (N1).
pub(crate) const POLICY_FORMAT: &str = "vellum-trust-v1";
/// The most a policy file may hold, in bytes.
pub(crate) const MAX_POLICY_FILE: u64 = 1 << 20;

/// The policy file as written (N1); unknown fields are refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    format: String,
    threshold: Option<u32>,
    #[serde(default)]
    key: Vec<KeyEntry>,
    #[serde(default)]
    archive: Vec<ArchiveEntry>,
    #[serde(default)]
    tsa_certs: Vec<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyEntry {
    fingerprint: String,
    holder: String,
    retired: Option<toml::value::Datetime>,
    revoked: Option<toml::value::Datetime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArchiveEntry {
    id: String,
    keys: Vec<String>,
}

/// What the policy says of one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPolicy {
    /// Who holds the key (N2).
    pub holder: String,
    /// Versions created at or after this time (`YYYY-MM-DDTHH:MM:SSZ`) do
    /// not count its signature (N4).
    pub retired: Option<String>,
    /// From this time on its signatures count for nothing, whatever time
    /// the versions claim (N4).
    pub revoked: Option<String>,
}

/// A trust policy (N1–N5); the empty policy when there is no file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The file it was read from.
    pub source: Option<PathBuf>,
    /// Distinct trusted keys every version needs (N3); 1 when unset.
    pub threshold: Option<u32>,
    /// Fingerprint -> what the policy says of the key.
    pub keys: BTreeMap<Fingerprint, KeyPolicy>,
    /// Archive id -> the keys that may seal its versions (N5).
    pub archives: BTreeMap<String, BTreeSet<Fingerprint>>,
    /// Certificate files trusted for timestamps (N6, T8), relative paths
    /// resolved from the policy file's folder.
    pub tsa_certs: Vec<PathBuf>,
}

/// Why the trusted keys or the policy could not be read (exit 2).
#[derive(Debug)]
pub enum TrustError {
    /// A key file (K7).
    Keys(KeyError),
    /// The policy file cannot be read.
    Io(PathBuf, std::io::Error),
    /// The policy file does not read or says something impossible.
    Policy(PathBuf, String),
    /// Two policy files.
    TwoPolicies(PathBuf, PathBuf),
}

impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustError::Keys(e) => e.fmt(f),
            TrustError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            TrustError::Policy(p, m) => write!(f, "{}: {m}", p.display()),
            TrustError::TwoPolicies(a, b) => write!(
                f,
                "{} and {}: one trust policy at a time",
                a.display(),
                b.display()
            ),
        }
    }
}

impl std::error::Error for TrustError {}

/// A policy time as `YYYY-MM-DDTHH:MM:SSZ` (M5's form, so that it compares
/// with a version's `created` as a string): a date is its midnight UTC.
fn policy_time(d: &toml::value::Datetime) -> Option<String> {
    let s = d.to_string();
    if s.len() == 10 {
        time::Date::parse(
            &s,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok()?;
        return Some(format!("{s}T00:00:00Z"));
    }
    let t = time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
        .ok()?
        .to_offset(time::UtcOffset::UTC);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .ok()
}

impl Policy {
    /// Read a policy (N1): its format, every key a fingerprint among the
    /// trusted keys, every archive id's keys among them too.
    pub fn parse(path: &Path, text: &str, trusted: &[TrustedKey]) -> Result<Policy, TrustError> {
        let bad = |m: String| TrustError::Policy(path.to_owned(), m);
        // toml's message is several lines (where, a drawing, why): the
        // first and the last make one.
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let m = e.to_string();
            let lines: Vec<&str> = m.lines().filter(|l| !l.trim().is_empty()).collect();
            bad(match (lines.first(), lines.last()) {
                (Some(a), Some(b)) if a != b => format!("{a}: {b}"),
                (Some(a), _) => (*a).to_owned(),
                _ => "not TOML".to_owned(),
            })
        })?;
        if file.format != POLICY_FORMAT {
            return Err(bad(format!(
                "format {:?} is not {POLICY_FORMAT:?}",
                file.format
            )));
        }
        if file.threshold == Some(0) {
            return Err(bad("threshold 0 would accept unsigned versions".into()));
        }
        let known = |s: &str| -> Result<Fingerprint, TrustError> {
            let fp = Fingerprint::parse(s)
                .ok_or_else(|| bad(format!("{s:?} is not a fingerprint (SHA256:...)")))?;
            if keys::find(trusted, &fp).is_none() {
                return Err(bad(format!(
                    "names key {fp}, which no trusted .pub file holds"
                )));
            }
            Ok(fp)
        };
        let folder = path.parent().unwrap_or(Path::new(""));
        let mut policy = Policy {
            source: Some(path.to_owned()),
            threshold: file.threshold,
            tsa_certs: file.tsa_certs.iter().map(|c| folder.join(c)).collect(),
            ..Policy::default()
        };
        for k in file.key {
            let fp = known(&k.fingerprint)?;
            let time = |d: &Option<toml::value::Datetime>, what: &str| match d {
                None => Ok(None),
                Some(d) => policy_time(d).map(Some).ok_or_else(|| {
                    bad(format!(
                        "{fp}: {what} {d} is not a date or an RFC 3339 time"
                    ))
                }),
            };
            if k.holder.trim().is_empty() || k.holder.chars().any(char::is_control) {
                return Err(bad(format!("{fp}: the holder must be a name on one line")));
            }
            let entry = KeyPolicy {
                holder: k.holder.trim().to_owned(),
                retired: time(&k.retired, "retired")?,
                revoked: time(&k.revoked, "revoked")?,
            };
            if policy.keys.insert(fp, entry).is_some() {
                return Err(bad(format!("{fp} is named twice")));
            }
        }
        for a in file.archive {
            if !crate::archive::layout::valid_id(&a.id) {
                return Err(bad(format!("{:?} is not an archive id", a.id)));
            }
            let set = a.keys.iter().map(|k| known(k)).collect::<Result<_, _>>()?;
            if policy.archives.insert(a.id.clone(), set).is_some() {
                return Err(bad(format!("archive {} is listed twice", a.id)));
            }
        }
        Ok(policy)
    }
}

/// How a key's signature on one version stands (K7, N4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// A trusted key: its signature counts.
    Counts,
    /// Not among the trusted keys: listed, never counted.
    Untrusted,
    /// Retired from this time, and the version was created then or later.
    Retired(String),
    /// Revoked from this time, which has come.
    Revoked(String),
}

impl Standing {
    /// Whether a valid signature in this standing counts toward the
    /// threshold.
    pub fn counts(&self) -> bool {
        *self == Standing::Counts
    }

    /// In words, when it does not count.
    pub fn describe(&self) -> Option<String> {
        match self {
            Standing::Counts => None,
            Standing::Untrusted => Some("not trusted".into()),
            Standing::Retired(t) => Some(format!("retired from {t}")),
            Standing::Revoked(t) => Some(format!("revoked from {t}")),
        }
    }
}

/// The trusted keys and the policy, with the threshold in force.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// The trusted public keys (K7).
    pub keys: Vec<TrustedKey>,
    /// The policy (N1–N5).
    pub policy: Policy,
    /// A threshold set on the command line, over the policy's (N3).
    pub threshold_override: Option<u32>,
    /// Certificates trusted for timestamps (`--tsa-cert`, T8): TSA
    /// certificates, or CA certificates that issue them.
    pub tsa_certs: Vec<crate::timestamp::TsaCert>,
}

impl From<Vec<TrustedKey>> for Trust {
    fn from(keys: Vec<TrustedKey>) -> Trust {
        Trust {
            keys,
            ..Trust::default()
        }
    }
}

impl Trust {
    /// The trusted keys of `.pub` files and folders of them (K7), and the
    /// policy: a folder's `trust.toml`, or a `.toml` file named (N1).
    pub fn load(paths: &[PathBuf]) -> Result<Trust, TrustError> {
        let mut key_paths = Vec::new();
        let mut policy_path: Option<PathBuf> = None;
        let mut set_policy = |p: PathBuf| match policy_path.take() {
            Some(other) if other != p => Err(TrustError::TwoPolicies(other, p)),
            _ => {
                policy_path = Some(p);
                Ok(())
            }
        };
        for p in paths {
            if p.is_dir() {
                let t = p.join(POLICY_NAME);
                if t.is_file() {
                    set_policy(t)?;
                }
                key_paths.push(p.clone());
            } else if p.extension().is_some_and(|x| x == "toml") {
                set_policy(p.clone())?;
            } else {
                key_paths.push(p.clone());
            }
        }
        let keys = keys::load_trusted(&key_paths).map_err(TrustError::Keys)?;
        let policy = match policy_path {
            None => Policy::default(),
            Some(p) => {
                let bytes = crate::files::read_bounded(&p, MAX_POLICY_FILE)
                    .map_err(|e| TrustError::Policy(p.clone(), e.to_string()))?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| TrustError::Policy(p.clone(), "not UTF-8".into()))?;
                Policy::parse(&p, &text, &keys)?
            }
        };
        // N6: the policy's TSA certificates, read now (trouble if not).
        let mut tsa_certs = Vec::new();
        for c in &policy.tsa_certs {
            let certs = crate::timestamp::TsaCert::load(c).map_err(|e| {
                TrustError::Policy(policy.source.clone().unwrap_or_default(), e.to_string())
            })?;
            tsa_certs.extend(certs);
        }
        Ok(Trust {
            keys,
            policy,
            threshold_override: None,
            tsa_certs,
        })
    }

    /// The threshold in force (N3): the command line's, else the policy's,
    /// else 1.
    pub fn threshold(&self) -> u32 {
        self.threshold_override
            .or(self.policy.threshold)
            .unwrap_or(1)
    }

    /// The trusted key of a fingerprint.
    pub fn key(&self, fp: &Fingerprint) -> Option<&TrustedKey> {
        keys::find(&self.keys, fp)
    }

    /// The holder the policy names for a key (N2).
    pub fn holder(&self, fp: &Fingerprint) -> Option<&str> {
        self.policy.keys.get(fp).map(|k| k.holder.as_str())
    }

    /// How a signer is named in every output (N2): the holder and the
    /// fingerprint, or the fingerprint and its .pub file, or the
    /// fingerprint and "not trusted".
    pub fn name(&self, fp: &Fingerprint) -> String {
        match (self.holder(fp), self.key(fp)) {
            (Some(h), _) => format!("{h} (key {fp})"),
            (None, Some(k)) => format!("key {fp} ({})", k.source.display()),
            (None, None) => format!("key {fp} (not trusted)"),
        }
    }

    /// How this key's signature on a version created at `created` stands
    /// at time `now` (both `YYYY-MM-DDTHH:MM:SSZ`; N4).
    pub fn standing(&self, fp: &Fingerprint, created: &str, now: &str) -> Standing {
        if self.key(fp).is_none() {
            return Standing::Untrusted;
        }
        let Some(p) = self.policy.keys.get(fp) else {
            return Standing::Counts;
        };
        if let Some(r) = p.revoked.as_deref().filter(|r| now >= *r) {
            return Standing::Revoked(r.to_owned());
        }
        if let Some(r) = p.retired.as_deref().filter(|r| created >= *r) {
            return Standing::Retired(r.to_owned());
        }
        Standing::Counts
    }

    /// Whether the policy lets this key seal versions of this archive, and
    /// so take it over from another signer (N5, K12).
    pub fn authorised(&self, archive_id: &str, fp: &Fingerprint) -> bool {
        self.policy
            .archives
            .get(archive_id)
            .is_some_and(|s| s.contains(fp))
    }
}

/// Count the distinct keys among signers whose signature verifies and
/// counts (N3): by fingerprint, that is by key bytes; a key signing twice,
/// under two files, ids or lines, is one key.
pub fn distinct_keys<'a>(valid_counting: impl IntoIterator<Item = &'a Fingerprint>) -> usize {
    valid_counting.into_iter().collect::<BTreeSet<_>>().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::SecretKey;

    fn key(seed: u8, file: &str) -> TrustedKey {
        TrustedKey {
            key: SecretKey::from_seed(&[seed; 32]).public,
            source: PathBuf::from(file),
        }
    }

    #[test]
    fn a_policy_names_holders_and_refuses_what_it_cannot_mean() {
        let keys = vec![key(1, "keys/a.pub"), key(2, "keys/b.pub")];
        let (a, b) = (keys[0].fingerprint(), keys[1].fingerprint());
        let text = format!(
            "format = \"vellum-trust-v1\"\nthreshold = 2\n\n[[key]]\nfingerprint = \"{a}\"\nholder = \"Secretariat\"\nretired = 2030-01-01\n\n[[key]]\nfingerprint = \"{b}\"\nholder = \"Association\"\nrevoked = 2020-05-01T12:00:00+02:00\n\n[[archive]]\nid = \"paris\"\nkeys = [\"{b}\"]\n"
        );
        let p = Policy::parse(Path::new("keys/trust.toml"), &text, &keys).unwrap();
        let t = Trust {
            keys: keys.clone(),
            policy: p,
            threshold_override: None,
            tsa_certs: Vec::new(),
        };
        assert_eq!(t.threshold(), 2);
        assert_eq!(t.name(&a), format!("Secretariat (key {a})"));
        assert_eq!(
            t.standing(&a, "2029-12-31T23:59:59Z", "2040-01-01T00:00:00Z"),
            Standing::Counts
        );
        assert_eq!(
            t.standing(&a, "2030-01-01T00:00:00Z", "2040-01-01T00:00:00Z"),
            Standing::Retired("2030-01-01T00:00:00Z".into())
        );
        // Revoked: whatever time the version claims, once the date has come.
        assert_eq!(
            t.standing(&b, "2000-01-01T00:00:00Z", "2020-05-01T10:00:00Z"),
            Standing::Revoked("2020-05-01T10:00:00Z".into())
        );
        assert_eq!(
            t.standing(&b, "2000-01-01T00:00:00Z", "2020-05-01T09:59:59Z"),
            Standing::Counts
        );
        assert!(
            t.authorised("paris", &b) && !t.authorised("paris", &a) && !t.authorised("other", &b)
        );
        let other = key(3, "x.pub").fingerprint();
        assert_eq!(t.standing(&other, "", ""), Standing::Untrusted);
        assert_eq!(t.name(&other), format!("key {other} (not trusted)"));

        let refuse = |text: String, why: &str| {
            let e = Policy::parse(Path::new("keys/trust.toml"), &text, &keys).unwrap_err();
            assert!(e.to_string().starts_with("keys/trust.toml: "), "{e}");
            assert!(e.to_string().contains(why), "{e} / {why}");
        };
        refuse(
            "format = \"vellum-trust-v2\"\n".into(),
            "is not \"vellum-trust-v1\"",
        );
        refuse(
            "format = \"vellum-trust-v1\"\nthreshold = 0\n".into(),
            "threshold 0",
        );
        refuse(
            "format = \"vellum-trust-v1\"\nthresold = 2\n".into(),
            "unknown field",
        );
        refuse(
            format!("format = \"vellum-trust-v1\"\n[[key]]\nfingerprint = \"{other}\"\nholder = \"X\"\n"),
            "which no trusted .pub file holds",
        );
        refuse(
            format!("format = \"vellum-trust-v1\"\n[[key]]\nfingerprint = \"{a}\"\nholder = \"X\"\n[[key]]\nfingerprint = \"{a}\"\nholder = \"Y\"\n"),
            "named twice",
        );
    }

    #[test]
    fn one_key_counts_once_however_often_it_signs() {
        let a = key(1, "a.pub").fingerprint();
        let b = key(2, "b.pub").fingerprint();
        assert_eq!(distinct_keys([&a, &a, &a]), 1);
        assert_eq!(distinct_keys([&a, &b, &a]), 2);
    }
}
