//! Loading one sealed version for `check` and `diff`: verify the archive,
//! pick the version, read and decode its text as published.

use super::{verify, VerifyError};
use crate::archive::layout::ORIGINAL;
use crate::crypto::keys::PublicKey;
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// Which sealed version a check or diff was made against.
#[derive(Debug, Clone, Serialize)]
pub struct Against {
    /// The archive file.
    pub archive_path: String,
    /// The archive id.
    pub archive: String,
    /// Version number.
    pub version: u32,
    /// When that version was sealed.
    pub created: String,
    /// Who signed it.
    pub signer_key_id: String,
    /// SHA-256 of its manifest.
    pub manifest_sha256: String,
    /// Canonical-text specification.
    pub canonical_text: String,
}

/// A sealed version's text as published, and what it is.
#[derive(Debug, Clone)]
pub struct LoadedVersion {
    /// The text, decoded.
    pub text: String,
    /// Its archive, version and signer.
    pub against: Against,
    /// How many versions the archive holds.
    pub versions: u32,
}

/// Why a version could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Verification could not look at the archive (exit 2).
    Trouble(VerifyError),
    /// The archive does not verify (exit 1): it is not used.
    Invalid {
        /// The archive.
        archive: PathBuf,
        /// Its problems, in brief.
        problems: String,
    },
    /// The archive has no such version (exit 2).
    NoSuchVersion {
        /// The archive.
        archive: PathBuf,
        /// The version asked for.
        asked: u32,
        /// How many versions it has.
        newest: u32,
    },
    /// The version's text could not be read back (exit 2).
    Unreadable {
        /// The archive.
        archive: PathBuf,
        /// The version.
        version: u32,
        /// What went wrong.
        why: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Trouble(e) => write!(f, "{e}"),
            LoadError::Invalid { archive, problems } => write!(
                f,
                "{}: the archive does not verify, so it is not used ({problems}); run vellum verify",
                archive.display()
            ),
            LoadError::NoSuchVersion {
                archive,
                asked,
                newest,
            } => write!(
                f,
                "{}: has versions 1 to {newest}, not {asked}",
                archive.display()
            ),
            LoadError::Unreadable {
                archive,
                version,
                why,
            } => write!(f, "{}: v{version} {ORIGINAL}: {why}", archive.display()),
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    /// Whether this is a finding about the archive (it does not verify)
    /// rather than trouble.
    pub fn is_finding(&self) -> bool {
        matches!(self, LoadError::Invalid { .. })
    }
}

/// A verified archive, open for reading its versions' texts.
pub struct LoadedArchive {
    archive: PathBuf,
    opened: super::Opened,
}

impl LoadedArchive {
    /// How many versions it holds.
    pub fn versions(&self) -> u32 {
        self.opened.versions.len() as u32
    }

    /// Version `n`'s text as published, and what it is.
    pub fn version(&self, n: u32) -> Result<LoadedVersion, LoadError> {
        let newest = self.versions();
        if n == 0 || n > newest {
            return Err(LoadError::NoSuchVersion {
                archive: self.archive.clone(),
                asked: n,
                newest,
            });
        }
        let unreadable = |why: String| LoadError::Unreadable {
            archive: self.archive.clone(),
            version: n,
            why,
        };
        let vh = &self.opened.versions[n as usize - 1];
        let m = &vh.manifest;
        let bytes = self.opened.read_text(n, ORIGINAL).map_err(unreadable)?;
        let (text, _) =
            crate::text::decode::decode(&bytes).map_err(|e| unreadable(e.to_string()))?;
        Ok(LoadedVersion {
            text,
            against: Against {
                archive_path: self.archive.display().to_string(),
                archive: m.archive_id.clone(),
                version: n,
                created: m.created.clone(),
                signer_key_id: m.signer_key_id.clone(),
                manifest_sha256: vh.manifest_sha256.clone(),
                canonical_text: m.canonical_text.clone(),
            },
            versions: newest,
        })
    }
}

/// Verify an archive and keep it open for reading its versions' texts.
pub fn load_archive(
    archive: &Path,
    trusted: &[PublicKey],
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<LoadedArchive, LoadError> {
    let v = verify(archive, trusted, progress).map_err(LoadError::Trouble)?;
    if !v.report.valid {
        return Err(LoadError::Invalid {
            archive: archive.to_owned(),
            problems: v.report.problems_in_brief(),
        });
    }
    let opened = v.opened.ok_or_else(|| LoadError::Unreadable {
        archive: archive.to_owned(),
        version: 0,
        why: "could not be read".into(),
    })?;
    Ok(LoadedArchive {
        archive: archive.to_owned(),
        opened,
    })
}

/// Verify an archive and read one version's text (the newest when
/// `version` is `None`); `progress` as for [`verify`].
pub fn load_version(
    archive: &Path,
    trusted: &[PublicKey],
    version: Option<u32>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<LoadedVersion, LoadError> {
    let a = load_archive(archive, trusted, progress)?;
    a.version(version.unwrap_or(a.versions()))
}
