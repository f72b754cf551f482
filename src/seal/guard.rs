//! One writer at a time, and nothing left behind (rules W2–W4 of
//! docs/archive-format.md).
//!
//! - W2: seal writes the file a symbolic link points at, never the link.
//! - W3: seal holds an exclusive advisory lock on a lock file beside the
//!   archive (`.NAME.lock`, left in place: removing a lock file lets two
//!   writers hold "the" lock at once) from before it reads the archive
//!   until after it renames the new one into place; a second seal fails
//!   at once rather than losing one of two versions. The lock file is
//!   never the archive, so readers are not blocked.
//! - W4: the temporary file (`.vellum-NAME.XXXXXX.tmp`) is removed on
//!   every exit: by its guard on return or panic, by a signal handler on
//!   SIGINT, SIGTERM or SIGHUP. One left by a run killed outright (SIGKILL,
//!   a power cut) is removed by the next seal of the same archive, which
//!   holds the lock, so the file cannot be another run's.

use super::SealError;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Prefix of the temporary files seal writes beside an archive.
pub(crate) const TEMP_PREFIX: &str = ".vellum-";
/// Suffix of the temporary files seal writes beside an archive.
pub(crate) const TEMP_SUFFIX: &str = ".tmp";
/// Suffix of the lock file beside an archive (`.NAME` + this).
pub(crate) const LOCK_SUFFIX: &str = ".lock";

/// The file seal writes: `archive` itself, or what the symbolic link
/// `archive` points at (W2). A link to nothing is refused.
pub(super) fn target(archive: &Path) -> Result<PathBuf, SealError> {
    match std::fs::symlink_metadata(archive) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(archive).map_err(|e| SealError::Io {
                path: archive.to_owned(),
                error: std::io::Error::new(
                    e.kind(),
                    format!("a symbolic link to a file that cannot be reached ({e})"),
                ),
            })
        }
        _ => Ok(archive.to_owned()),
    }
}

fn folder_and_name(target: &Path) -> (PathBuf, String) {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "archive".into());
    (dir, name)
}

/// The lock file of an archive.
pub(crate) fn lock_path(target: &Path) -> PathBuf {
    let (dir, name) = folder_and_name(target);
    dir.join(format!(".{name}{LOCK_SUFFIX}"))
}

/// An exclusive lock on an archive's lock file, released when dropped (and
/// by the system when the process ends, however it ends).
pub(super) struct Lock {
    _file: File,
}

impl Lock {
    /// W3: take the lock, or fail at once if another seal holds it.
    pub(super) fn take(archive: &Path, target: &Path) -> Result<Lock, SealError> {
        let path = lock_path(target);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|error| SealError::Io {
                path: path.clone(),
                error,
            })?;
        match try_lock(&file) {
            Ok(true) => Ok(Lock { _file: file }),
            Ok(false) => Err(SealError::Busy {
                archive: archive.to_owned(),
            }),
            Err(error) => Err(SealError::Io { path, error }),
        }
    }
}

/// An exclusive `flock` without waiting: `Ok(false)` when another process
/// holds it. (std's `File::try_lock` needs Rust 1.89; the crate's minimum
/// is 1.80.)
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a descriptor this function borrows; the lock goes
    // with the descriptor when the file is closed.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EWOULDBLOCK) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(unix))]
fn try_lock(_: &File) -> std::io::Result<bool> {
    Ok(true)
}

/// W4: remove the temporary files an earlier seal of this archive left
/// (only a run that holds the lock calls this); returns what it removed.
pub(super) fn remove_stale(target: &Path) -> Vec<PathBuf> {
    let (dir, name) = folder_and_name(target);
    let prefix = format!("{TEMP_PREFIX}{name}.");
    let Ok(list) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in list.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = n
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if rest.len() == TEMP_RANDOM && is_file && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed.sort();
    removed
}

/// Random characters in a temporary file's name.
const TEMP_RANDOM: usize = 6;

/// The temporary file beside the archive, removed on every exit but a
/// successful rename (W4).
pub(super) struct Temp {
    file: Option<tempfile::NamedTempFile>,
}

impl Temp {
    /// Create it, and have a signal remove it until it is renamed or
    /// dropped.
    pub(super) fn create(target: &Path) -> Result<Temp, SealError> {
        let (dir, name) = folder_and_name(target);
        // The handler knows each name before the file exists: a signal in
        // between unlinks nothing, one after unlinks the file (under the
        // lock, no other run has a file of this name to lose).
        let file = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{name}."))
            .suffix(TEMP_SUFFIX)
            .rand_bytes(TEMP_RANDOM)
            .make_in(&dir, |path| {
                signals::remove_on_signal(path);
                create_private(path)
            })
            .map_err(|e| {
                signals::forget();
                SealError::Io {
                    path: dir.clone(),
                    error: std::io::Error::new(
                        e.kind(),
                        format!("cannot create a temporary file: {e}"),
                    ),
                }
            })?;
        Ok(Temp { file: Some(file) })
    }

    /// The open file.
    pub(super) fn as_file(&self) -> &File {
        self.file.as_ref().expect("until persisted").as_file()
    }

    /// Rename it over `dest`; for a new archive (`replace` false), only if
    /// nothing has appeared there meanwhile.
    pub(super) fn persist(mut self, dest: &Path, replace: bool) -> Result<(), PersistError> {
        let f = self.file.take().expect("persisted once");
        let r = if replace {
            f.persist(dest).map(drop)
        } else {
            f.persist_noclobber(dest).map(drop)
        };
        match r {
            Ok(()) => {
                signals::forget();
                Ok(())
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists && !replace => {
                self.file = Some(e.file);
                Err(PersistError::Exists)
            }
            Err(e) => {
                self.file = Some(e.file);
                Err(PersistError::Io(e.error))
            }
        }
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        signals::forget();
        // NamedTempFile removes the file when dropped.
        self.file.take();
    }
}

/// A new file at `path`, readable and writable by its owner only, as
/// tempfile makes its own; never one that is there already.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

/// Why a rename did not happen.
pub(super) enum PersistError {
    /// A new archive's name was taken meanwhile.
    Exists,
    /// The rename failed.
    Io(std::io::Error),
}

#[cfg(unix)]
mod signals {
    //! SIGINT, SIGTERM and SIGHUP while a temporary file exists: remove it
    //! (unlink is async-signal-safe), then die of the signal as if no
    //! handler had been there.
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::sync::atomic::{AtomicPtr, Ordering};
    use std::sync::Once;

    static TEMP: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());
    static INSTALL: Once = Once::new();
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    extern "C" fn on_signal(sig: libc::c_int) {
        let p = TEMP.swap(std::ptr::null_mut(), Ordering::SeqCst);
        // SAFETY: `p` is null or a leaked CString set by remove_on_signal;
        // unlink, signal and raise are async-signal-safe.
        unsafe {
            if !p.is_null() {
                libc::unlink(p);
            }
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    pub(super) fn remove_on_signal(path: &Path) {
        INSTALL.call_once(|| {
            for sig in SIGNALS {
                // SAFETY: installs a handler that only calls
                // async-signal-safe functions.
                unsafe {
                    libc::signal(sig, on_signal as *const () as libc::sighandler_t);
                }
            }
        });
        let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
            return;
        };
        let old = TEMP.swap(c.into_raw(), Ordering::SeqCst);
        free(old);
    }

    pub(super) fn forget() {
        free(TEMP.swap(std::ptr::null_mut(), Ordering::SeqCst));
    }

    fn free(p: *mut libc::c_char) {
        if !p.is_null() {
            // SAFETY: made by CString::into_raw and taken out of TEMP, so
            // no handler can see it any more.
            drop(unsafe { CString::from_raw(p) });
        }
    }
}

#[cfg(not(unix))]
mod signals {
    pub(super) fn remove_on_signal(_: &std::path::Path) {}
    pub(super) fn forget() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.zip");
        let first = Lock::take(&a, &a).unwrap();
        assert!(matches!(Lock::take(&a, &a), Err(SealError::Busy { .. })));
        drop(first);
        assert!(Lock::take(&a, &a).is_ok());
        assert!(lock_path(&a).ends_with(".a.zip.lock"));
    }

    #[test]
    fn stale_temporary_files_of_this_archive_only_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.zip");
        let stale = dir.path().join(".vellum-a.zip.AbC123.tmp");
        let other = dir.path().join(".vellum-b.zip.AbC123.tmp");
        let odd = dir.path().join(".vellum-a.zip.notours.tmp");
        for p in [&stale, &other, &odd] {
            std::fs::write(p, b"x").unwrap();
        }
        assert_eq!(remove_stale(&a), vec![stale.clone()]);
        assert!(!stale.exists() && other.exists() && odd.exists());
        let t = Temp::create(&a).unwrap();
        let name = t.file.as_ref().unwrap().path().to_owned();
        assert!(name
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".vellum-a.zip."));
        drop(t);
        assert!(!name.exists(), "the guard removes its file");
    }
}
