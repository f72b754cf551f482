//! Reading the files a user names (texts, copies, keys, passphrase files)
//! within a limit: never more than the limit plus one byte is read,
//! whatever the file is (a device, a FIFO, a file still growing), and
//! going past it is an error that names the file.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug)]
pub enum FileError {
    /// Opening or reading failed.
    Io(PathBuf, std::io::Error),
    /// A folder where a file was expected.
    IsFolder(PathBuf),
    /// A device, a FIFO or a socket where a file was expected: refused
    /// before a byte is read (`/dev/zero` would give gigabytes).
    NotAFile(PathBuf, &'static str),
    /// The file holds more than the limit.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            FileError::IsFolder(p) => write!(f, "{}: is a folder, not a file", p.display()),
            FileError::NotAFile(p, what) => write!(f, "{}: is {what}, not a file", p.display()),
            FileError::TooLarge { path, limit } => write!(
                f,
                "{}: larger than {}, the most vellum reads",
                path.display(),
                size_in_words(*limit)
            ),
        }
    }
}

impl std::error::Error for FileError {}

/// A byte count in words: `512 MiB`, `64 KiB`, `100 bytes`.
pub fn size_in_words(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Read a file whole if it holds at most `limit` bytes.
pub fn read_bounded(p: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    // No head to look at: a stop that never comes.
    read_bounded_unless(p, limit, 0, |_| false).map(Option::unwrap_or_default)
}

/// Files up to this size are read whole before [`read_bounded_unless`]
/// looks at their head: one read, and no more memory than the file.
const WHOLE_FIRST: u64 = 1 << 20;

/// [`read_bounded`], unless the file's first `head` bytes (all of them in
/// a shorter file) satisfy `stop`: then `Ok(None)`, and a larger file is
/// left unread past its head. The file is opened once either way (a batch
/// of many small documents is not opened twice to find its web archives).
pub fn read_bounded_unless(
    p: &Path,
    limit: u64,
    head: usize,
    stop: impl FnOnce(&[u8]) -> bool,
) -> Result<Option<Vec<u8>>, FileError> {
    let io = |e| FileError::Io(p.to_owned(), e);
    let mut f = open_without_waiting(p).map_err(io)?;
    let meta = f.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(FileError::IsFolder(p.to_owned()));
    }
    if !meta.is_file() {
        return Err(FileError::NotAFile(p.to_owned(), kind_of(&meta)));
    }
    let head_of = |v: &[u8]| v.len().min(head);
    let mut v;
    if meta.len() <= WHOLE_FIRST.min(limit) {
        // A power of two: files of many sizes then share the allocator's
        // few size classes, and a freed buffer is reused by the next file
        // instead of each size taking fresh memory (which the system must
        // clear first: an eighth of a folder check's time).
        v = Vec::with_capacity((meta.len() as usize + 1).next_power_of_two());
        (&mut f).take(limit + 1).read_to_end(&mut v).map_err(io)?;
        if stop(&v[..head_of(&v)]) {
            return Ok(None);
        }
    } else {
        let head = (head as u64).min(limit + 1);
        v = Vec::with_capacity(head as usize);
        (&mut f).take(head).read_to_end(&mut v).map_err(io)?;
        if stop(&v[..head_of(&v)]) {
            return Ok(None);
        }
        if v.len() as u64 == head {
            v.reserve((meta.len().min(limit) as usize + 1).saturating_sub(v.len()));
            let rest = limit + 1 - v.len() as u64;
            (&mut f).take(rest).read_to_end(&mut v).map_err(io)?;
        }
    }
    if v.len() as u64 > limit {
        return Err(FileError::TooLarge {
            path: p.to_owned(),
            limit,
        });
    }
    Ok(Some(v))
}

/// Refuse a regular file larger than `limit` by its size alone, before
/// any other work (issue 12 point 6); anything else is left to the read.
pub fn check_size(p: &Path, limit: u64) -> Result<(), FileError> {
    match std::fs::metadata(p) {
        Ok(m) if m.is_file() && m.len() > limit => Err(FileError::TooLarge {
            path: p.to_owned(),
            limit,
        }),
        _ => Ok(()),
    }
}

/// Open a file for reading without waiting: opening a FIFO blocks until
/// someone writes to it, so it is opened non-blocking (which changes
/// nothing for a regular file) and then refused by its metadata.
pub fn open_without_waiting(p: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(p)
}

/// What a file that is not a regular file is, in words.
pub(crate) fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "not a regular file"
}

/// Read standard input whole if it holds at most `limit` bytes.
pub fn read_stdin_bounded(limit: u64) -> Result<Vec<u8>, FileError> {
    let name = PathBuf::from("standard input");
    let mut v = Vec::new();
    std::io::stdin()
        .take(limit + 1)
        .read_to_end(&mut v)
        .map_err(|e| FileError::Io(name.clone(), e))?;
    if v.len() as u64 > limit {
        return Err(FileError::TooLarge { path: name, limit });
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file is read whole unless its head says stop, small or large
    /// (read whole first, or its head first), and the limit holds either way.
    #[test]
    fn reads_unless_the_head_says_stop() {
        let dir = tempfile::tempdir().unwrap();
        for len in [10usize, WHOLE_FIRST as usize + 5000] {
            let p = dir.path().join(format!("f{len}"));
            let data: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&p, &data).unwrap();
            let mut seen = 0;
            let got = read_bounded_unless(&p, 1 << 30, 4096, |h| {
                seen = h.len();
                false
            });
            assert_eq!(got.unwrap().as_deref(), Some(&data[..]), "{len}");
            assert_eq!(seen, len.min(4096), "{len}: the head it looks at");
            let stopped = read_bounded_unless(&p, 1 << 30, 4096, |h| h.starts_with(b"abc"));
            assert!(stopped.unwrap().is_none(), "{len}");
            let e = read_bounded_unless(&p, len as u64 - 1, 4096, |_| false).unwrap_err();
            assert!(matches!(e, FileError::TooLarge { .. }), "{len}");
        }
        let e = read_bounded_unless(dir.path(), 100, 4096, |_| false).unwrap_err();
        assert!(matches!(e, FileError::IsFolder(_)));
    }

    #[test]
    fn reads_within_the_limit_and_names_the_file_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.txt");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap(), b"0123456789");
        let e = read_bounded(&p, 9).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { limit: 9, .. }));
        assert_eq!(
            e.to_string(),
            format!(
                "{}: larger than 9 bytes, the most vellum reads",
                p.display()
            )
        );
        assert!(matches!(
            read_bounded(dir.path(), 9),
            Err(FileError::IsFolder(_))
        ));
        assert!(matches!(
            read_bounded(&dir.path().join("none"), 9),
            Err(FileError::Io(..))
        ));
        // A device is refused before it is read.
        if Path::new("/dev/zero").exists() {
            let e = read_bounded(Path::new("/dev/zero"), 1 << 16).unwrap_err();
            assert!(
                matches!(e, FileError::NotAFile(_, "a character device")),
                "{e}"
            );
            assert_eq!(
                e.to_string(),
                "/dev/zero: is a character device, not a file"
            );
        }
        assert_eq!(size_in_words(512 << 20), "512 MiB");
        assert_eq!(size_in_words(64 << 10), "64 KiB");
    }
}
