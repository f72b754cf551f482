//! Proof files (rules R1–R3 of docs/archive-format.md): a section's text
//! with a C2SP tlog-proof (`c2sp.org/tlog-proof@v1`) that it is a leaf of a
//! signed checkpoint's tree.
//!
//! ```text
//! vellum-proof-v1                  R1: what is claimed
//! archive paris-2014-02-08
//! version 1
//! section point-7
//! text <the section's canonical text, one line>
//!
//! c2sp.org/tlog-proof@v1           R2: the tlog-proof, verbatim
//! extra <base64 of the leaf>
//! index 23
//! <base64 path hash, from the leaf up>
//! ...
//!
//! <the checkpoint file, verbatim>
//! ```
//!
//! A file may hold several proofs, one after the other (R3).

use crate::archive::layout::valid_id;
use crate::crypto::merkle::{Hash, MAX_PATH};
use crate::crypto::note::MAX_NOTE_BYTES;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use std::fmt;

/// First line of a proof (R1).
pub const PROOF_FORMAT: &str = "vellum-proof-v1";
/// First line of the tlog-proof part (R2).
pub(crate) const TLOG_PROOF: &str = "c2sp.org/tlog-proof@v1";
/// Longest proof file read: a section's text is at most a text's size,
/// plus a few KB of proof.
pub const MAX_PROOF_FILE: u64 = crate::limits::MAX_TEXT + (64 << 10);

/// One section proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionProof {
    /// The archive the proof says it is from.
    pub archive_id: String,
    /// The version it says.
    pub version: u32,
    /// The section id it says.
    pub section: String,
    /// The section's canonical text.
    pub text: String,
    /// The leaf's bytes (the `extra` line).
    pub leaf: Vec<u8>,
    /// The leaf's index.
    pub index: u64,
    /// The inclusion path, from the leaf up.
    pub path: Vec<Hash>,
    /// The checkpoint file, verbatim (a signed note).
    pub checkpoint: Vec<u8>,
}

/// Why bytes are not proofs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofError {
    /// Bigger than [`MAX_PROOF_FILE`].
    TooLarge(u64),
    /// Not UTF-8.
    NotUtf8,
    /// A control character other than a newline in the proof lines (the
    /// line, from 1, of this proof).
    ControlCharacter(usize),
    /// A line that is not what R1–R2 put there.
    Line {
        /// Line number in the proof, from 1.
        line: usize,
        /// What was expected.
        expected: &'static str,
    },
    /// A path of more than [`MAX_PATH`] hashes.
    PathTooLong,
    /// A checkpoint longer than a note may be.
    CheckpointTooLong,
    /// No proof at all.
    Empty,
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProofError::TooLarge(n) => write!(
                f,
                "{n} bytes: larger than any proof ({MAX_PROOF_FILE} at most)"
            ),
            ProofError::NotUtf8 => f.write_str("not UTF-8, so not a vellum proof"),
            ProofError::ControlCharacter(l) => {
                write!(f, "line {l}: a control character in a proof line")
            }
            ProofError::Line { line, expected } => write!(f, "line {line}: expected {expected}"),
            ProofError::PathTooLong => write!(
                f,
                "the path has more than {MAX_PATH} hashes, more than any tree needs"
            ),
            ProofError::CheckpointTooLong => write!(
                f,
                "the checkpoint is longer than a signed note may be ({MAX_NOTE_BYTES} bytes)"
            ),
            ProofError::Empty => f.write_str("no proof in the file"),
        }
    }
}

impl std::error::Error for ProofError {}

impl SectionProof {
    /// The proof's text (R1–R2).
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{PROOF_FORMAT}\narchive {}\nversion {}\nsection {}\ntext {}\n\n{TLOG_PROOF}\nextra {}\nindex {}\n",
            self.archive_id,
            self.version,
            self.section,
            self.text,
            B64.encode(&self.leaf),
            self.index
        );
        for h in &self.path {
            s.push_str(&B64.encode(h));
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&String::from_utf8_lossy(&self.checkpoint));
        s
    }

    #[cfg(test)]
    /// The tlog-proof part alone, as C2SP writes it (R2).
    pub(crate) fn tlog_proof(&self) -> String {
        let t = self.to_text();
        let at = t
            .find(&format!("\n\n{TLOG_PROOF}\n"))
            .expect("written above");
        t[at + 2..].to_owned()
    }
}

/// Read every proof of a file (R3).
pub fn parse_all(bytes: &[u8]) -> Result<Vec<SectionProof>, ProofError> {
    if bytes.len() as u64 > MAX_PROOF_FILE {
        return Err(ProofError::TooLarge(bytes.len() as u64));
    }
    let s = std::str::from_utf8(bytes).map_err(|_| ProofError::NotUtf8)?;
    // Each proof starts with its format line at the start of a line.
    let head = format!("{PROOF_FORMAT}\n");
    if !s.starts_with(&head) {
        return Err(ProofError::Line {
            line: 1,
            expected: "vellum-proof-v1",
        });
    }
    let mut starts: Vec<usize> = s
        .match_indices(&format!("\n{head}"))
        .map(|(i, _)| i + 1)
        .collect();
    starts.insert(0, 0);
    starts.push(s.len());
    starts
        .windows(2)
        .map(|w| parse_one(&s[w[0]..w[1]]))
        .collect()
}

fn parse_one(s: &str) -> Result<SectionProof, ProofError> {
    let mut lines = s.split_inclusive('\n').enumerate().map(|(i, l)| (i + 1, l));
    let mut next = |expected: &'static str| -> Result<(usize, &str), ProofError> {
        let (n, l) = lines.next().ok_or(ProofError::Line { line: 0, expected })?;
        let l = l
            .strip_suffix('\n')
            .ok_or(ProofError::Line { line: n, expected })?;
        if l.bytes().any(|b| b < 0x20) {
            return Err(ProofError::ControlCharacter(n));
        }
        Ok((n, l))
    };
    let field = |(n, l): (usize, &str), key: &str, expected: &'static str| {
        l.strip_prefix(key)
            .and_then(|r| r.strip_prefix(' '))
            .map(str::to_owned)
            .ok_or(ProofError::Line { line: n, expected })
    };
    let (n, l) = next("vellum-proof-v1")?;
    if l != PROOF_FORMAT {
        return Err(ProofError::Line {
            line: n,
            expected: "vellum-proof-v1",
        });
    }
    let archive_line = next("archive ID")?;
    let archive_id = field(archive_line, "archive", "archive ID")?;
    if !valid_id(&archive_id) {
        return Err(ProofError::Line {
            line: archive_line.0,
            expected: "archive ID (a valid archive id)",
        });
    }
    let version_line = next("version N")?;
    let version = field(version_line, "version", "version N")?
        .parse::<u32>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or(ProofError::Line {
            line: version_line.0,
            expected: "version N (a number from 1)",
        })?;
    let section = field(next("section ID")?, "section", "section ID")?;
    let text = field(next("text TEXT")?, "text", "text TEXT")?;
    let blank = |(n, l): (usize, &str), what| {
        if l.is_empty() {
            Ok(())
        } else {
            Err(ProofError::Line {
                line: n,
                expected: what,
            })
        }
    };
    blank(next("a blank line")?, "a blank line after the text")?;
    let (n, l) = next(TLOG_PROOF)?;
    if l != TLOG_PROOF {
        return Err(ProofError::Line {
            line: n,
            expected: "c2sp.org/tlog-proof@v1",
        });
    }
    let extra_line = next("extra BASE64")?;
    let leaf = B64
        .decode(field(extra_line, "extra", "extra BASE64")?)
        .map_err(|_| ProofError::Line {
            line: extra_line.0,
            expected: "extra BASE64 (the leaf, in base64)",
        })?;
    let index_line = next("index N")?;
    let index_s = field(index_line, "index", "index N")?;
    let index = index_s
        .parse::<u64>()
        .ok()
        .filter(|_| index_s == "0" || !index_s.starts_with('0'))
        .ok_or(ProofError::Line {
            line: index_line.0,
            expected: "index N (a decimal number)",
        })?;
    let mut path = Vec::new();
    let end = loop {
        let (n, l) = next("a path hash or a blank line")?;
        if l.is_empty() {
            break n;
        }
        if path.len() == MAX_PATH {
            return Err(ProofError::PathTooLong);
        }
        let h: Hash = B64
            .decode(l)
            .ok()
            .and_then(|h| h.try_into().ok())
            .filter(|h: &Hash| B64.encode(h) == l)
            .ok_or(ProofError::Line {
                line: n,
                expected: "a path hash (32 bytes, padded base64) or a blank line",
            })?;
        path.push(h);
    };
    // The rest is the checkpoint, verbatim.
    let offset: usize = s.split_inclusive('\n').take(end).map(str::len).sum();
    let checkpoint = s.as_bytes()[offset..].to_vec();
    if checkpoint.len() > MAX_NOTE_BYTES {
        return Err(ProofError::CheckpointTooLong);
    }
    if checkpoint.is_empty() {
        return Err(ProofError::Line {
            line: end + 1,
            expected: "the checkpoint",
        });
    }
    Ok(SectionProof {
        archive_id,
        version,
        section,
        text,
        leaf,
        index,
        path,
        checkpoint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SectionProof {
        SectionProof {
            archive_id: "paris-2014-02-08".into(),
            version: 1,
            section: "point-7".into(),
            text: "A point, one line of canonical text.".into(),
            leaf: b"vellum-section-v1 0 point-7 point 7 0 36 00\n".to_vec(),
            index: 23,
            path: vec![[1; 32], [2; 32]],
            checkpoint: "vellum/paris-2014-02-08/v1\n30\nroot\n\n\u{2014} k AAAA\n"
                .as_bytes()
                .to_vec(),
        }
    }

    #[test]
    fn proofs_read_back_one_or_several() {
        let p = sample();
        let t = p.to_text();
        assert!(t.starts_with(
            "vellum-proof-v1\narchive paris-2014-02-08\nversion 1\nsection point-7\ntext A point"
        ));
        assert!(p.tlog_proof().starts_with("c2sp.org/tlog-proof@v1\nextra "));
        assert!(p.tlog_proof().ends_with("\u{2014} k AAAA\n"));
        assert_eq!(parse_all(t.as_bytes()).unwrap(), vec![p.clone()]);
        let mut q = p.clone();
        q.section = "point-8".into();
        q.path.clear();
        let two = format!("{t}{}", q.to_text());
        assert_eq!(parse_all(two.as_bytes()).unwrap(), vec![p, q]);
    }

    #[test]
    fn malformed_proofs_are_refused_with_their_line() {
        let t = sample().to_text();
        let line = |bad: &str| match parse_all(bad.as_bytes()) {
            Err(ProofError::Line { line, .. }) => line,
            other => panic!("{bad:?}: {other:?}"),
        };
        assert_eq!(line(&t.replace("vellum-proof-v1", "vellum-proof-v2")), 1);
        assert_eq!(line(&t.replace("archive paris", "archive Paris")), 2);
        assert_eq!(line(&t.replace("version 1", "version 0")), 3);
        assert_eq!(line(&t.replace("version 1", "version one")), 3);
        assert_eq!(line(&t.replace("section ", "sections ")), 4);
        assert_eq!(
            line(&t.replace("line of canonical text.\n\n", "line of canonical text.\n")),
            6
        );
        assert_eq!(line(&t.replace("tlog-proof@v1", "tlog-proof@v2")), 7);
        assert_eq!(line(&t.replacen("extra dm", "extra !!", 1)), 8);
        assert_eq!(line(&t.replace("index 23", "index 023")), 9);
        assert_eq!(line(&t.replace("index 23", "index -1")), 9);
        assert_eq!(line(&t.replacen("AQEB", "AQE", 1)), 10);
        // A missing blank line before the checkpoint: its origin is no hash.
        assert_eq!(line(&t.replace("=\n\nvellum/", "=\nvellum/")), 12);
        assert_eq!(
            parse_all(t.replace("A point", "A\u{7}point").as_bytes()),
            Err(ProofError::ControlCharacter(5))
        );
        assert_eq!(parse_all(b"\xff"), Err(ProofError::NotUtf8));
        let long = t.replace(
            "index 23\n",
            &format!(
                "index 23\n{}",
                format!("{}\n", B64.encode([3u8; 32])).repeat(64)
            ),
        );
        assert_eq!(parse_all(long.as_bytes()), Err(ProofError::PathTooLong));
        let huge = t.replace("root\n", &format!("{}\n", "r".repeat(MAX_NOTE_BYTES)));
        assert_eq!(
            parse_all(huge.as_bytes()),
            Err(ProofError::CheckpointTooLong)
        );
    }
}
