//! Rollback and freeze warnings (rules F1–F4 of docs/archive-format.md):
//! the newest version of each archive that was verified here, per archive
//! id and trusted signer, kept in a small JSON file, so that an older copy
//! (a rollback: the newest versions cut off, which needs no key) or a
//! different copy of a version already seen (a fork) is reported.
//!
//! What it cannot do (docs/threat-model.md, "Rollback and freeze"): a
//! reader who has never verified a newer version cannot know of one.

use crate::crypto::keys::Fingerprint;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The record's `format` (F1).
pub(crate) const SEEN_FORMAT: &str = "vellum-seen-v1";
/// Its file name in the user's state folder (F1).
pub const SEEN_NAME: &str = "seen.json";
/// The most a record file may hold, in bytes.
pub(crate) const MAX_SEEN_FILE: u64 = 16 << 20;

/// What was verified here of one archive, by one signer (F1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The newest version verified.
    pub version: u32,
    /// SHA-256 of that version's checkpoint file.
    pub checkpoint_sha256: String,
    /// When it was first verified here (`YYYY-MM-DD`).
    pub verified: String,
}

/// The record file (F1): archive id -> signer fingerprint -> record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    /// Always [`SEEN_FORMAT`].
    pub format: String,
    /// Archive id -> fingerprint (`SHA256:...`) -> record.
    pub archives: BTreeMap<String, BTreeMap<String, Record>>,
}

impl Default for Seen {
    fn default() -> Seen {
        Seen {
            format: SEEN_FORMAT.into(),
            archives: BTreeMap::new(),
        }
    }
}

/// Why the record file could not be read or written (exit 2).
#[derive(Debug)]
pub struct SeenError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub why: String,
}

impl fmt::Display for SeenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.why)
    }
}

impl std::error::Error for SeenError {}

/// What a copy is, against the record (F2, F3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Warning {
    /// F2: a newer version was verified here.
    Rollback {
        /// The newest version verified here.
        seen: u32,
        /// When.
        on: String,
        /// This copy's newest version.
        has: u32,
        /// The signer whose record says so.
        signer: Fingerprint,
    },
    /// F3: this very version was verified here with another checkpoint.
    Fork {
        /// The version.
        version: u32,
        /// When.
        on: String,
        /// The signer whose record says so.
        signer: Fingerprint,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Rollback { seen, on, has, .. } => write!(
                f,
                "rollback: version {seen} of this archive was verified here on {on}; this copy has {has}"
            ),
            Warning::Fork { version, on, .. } => write!(
                f,
                "fork: version {version} of this archive verified here on {on} had another checkpoint than this copy's"
            ),
        }
    }
}

impl Seen {
    /// Read the record (F1); none yet is an empty one.
    pub fn load(path: &Path) -> Result<Seen, SeenError> {
        let err = |why: String| SeenError {
            path: path.to_owned(),
            why,
        };
        if !path.exists() {
            return Ok(Seen::default());
        }
        let bytes =
            crate::files::read_bounded(path, MAX_SEEN_FILE).map_err(|e| err(e.to_string()))?;
        let seen: Seen = serde_json::from_slice(&bytes)
            .map_err(|e| err(format!("not a record of versions seen ({e})")))?;
        if seen.format != SEEN_FORMAT {
            return Err(err(format!(
                "format {:?} is not {SEEN_FORMAT:?}",
                seen.format
            )));
        }
        Ok(seen)
    }

    /// F2–F3: what this copy of `archive_id`, whose newest version is
    /// `newest` (checkpoint `checkpoint_sha256`), is against the record of
    /// `signers` (the trusted keys whose signatures count on its versions).
    pub fn check(
        &self,
        archive_id: &str,
        newest: u32,
        checkpoint_sha256: &str,
        signers: &[Fingerprint],
    ) -> Option<Warning> {
        let records = self.archives.get(archive_id)?;
        let mut found = None;
        for fp in signers {
            let Some(r) = records.get(&fp.to_string()) else {
                continue;
            };
            if r.version > newest {
                // The newest record wins: it is the strongest warning.
                let seen = match &found {
                    Some(Warning::Rollback { seen, .. }) => *seen,
                    _ => 0,
                };
                if r.version > seen {
                    found = Some(Warning::Rollback {
                        seen: r.version,
                        on: r.verified.clone(),
                        has: newest,
                        signer: *fp,
                    });
                }
            } else if r.version == newest && r.checkpoint_sha256 != checkpoint_sha256 {
                found.get_or_insert(Warning::Fork {
                    version: newest,
                    on: r.verified.clone(),
                    signer: *fp,
                });
            }
        }
        found
    }

    /// F4: remember that version `newest` of `archive_id` was verified
    /// `today`, signed by `signers`; never lowers a record.
    pub fn record(
        &mut self,
        archive_id: &str,
        newest: u32,
        checkpoint_sha256: &str,
        signers: &[Fingerprint],
        today: &str,
    ) {
        let records = self.archives.entry(archive_id.to_owned()).or_default();
        for fp in signers {
            let r = records.entry(fp.to_string()).or_insert_with(|| Record {
                version: 0,
                checkpoint_sha256: String::new(),
                verified: today.to_owned(),
            });
            if newest > r.version {
                *r = Record {
                    version: newest,
                    checkpoint_sha256: checkpoint_sha256.to_owned(),
                    verified: today.to_owned(),
                };
            }
        }
    }

    /// Write the record: to a temporary file beside it, then renamed over
    /// it, its folder made first.
    pub fn save(&self, path: &Path) -> Result<(), SeenError> {
        let err = |why: String| SeenError {
            path: path.to_owned(),
            why,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| err(e.to_string()))?;
        let mut bytes = serde_json::to_vec_pretty(self).expect("serializable");
        bytes.push(b'\n');
        let tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| err(e.to_string()))?;
        std::fs::write(tmp.path(), &bytes).map_err(|e| err(e.to_string()))?;
        tmp.persist(path).map_err(|e| err(e.error.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_copy_is_a_rollback_and_another_checkpoint_a_fork() {
        let a = Fingerprint([1; 32]);
        let b = Fingerprint([2; 32]);
        let mut s = Seen::default();
        s.record("paris", 3, "c3", &[a], "2026-12-01");
        assert_eq!(
            s.check("paris", 2, "c2", &[a]).unwrap().to_string(),
            "rollback: version 3 of this archive was verified here on 2026-12-01; this copy has 2"
        );
        assert_eq!(s.check("paris", 3, "c3", &[a]), None);
        assert_eq!(s.check("paris", 4, "c4", &[a]), None);
        assert!(matches!(
            s.check("paris", 3, "other", &[a]),
            Some(Warning::Fork { version: 3, .. })
        ));
        // Another signer's archive of the same id, or another id: nothing.
        assert_eq!(s.check("paris", 2, "c2", &[b]), None);
        assert_eq!(s.check("london", 2, "c2", &[a]), None);
        // Never lowered.
        s.record("paris", 2, "c2", &[a], "2026-12-02");
        assert_eq!(s.archives["paris"][&a.to_string()].version, 3);

        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state/vellum/seen.json");
        assert_eq!(Seen::load(&p).unwrap(), Seen::default());
        s.save(&p).unwrap();
        assert_eq!(Seen::load(&p).unwrap(), s);
        std::fs::write(&p, "{\"format\": \"vellum-seen-v9\", \"archives\": {}}").unwrap();
        let e = Seen::load(&p).unwrap_err().to_string();
        assert!(e.contains("is not \"vellum-seen-v1\""), "{e}");
    }
}
