//! BagIt 1.0 (RFC 8493): the tag files of the bag that wraps the archive.

use std::collections::BTreeMap;

/// `bagit.txt`, exactly.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
/// Name of the bag declaration.
pub const BAGIT_NAME: &str = "bagit.txt";
/// Name of the bag metadata file.
pub const BAG_INFO_NAME: &str = "bag-info.txt";
/// Name of the payload manifest (SHA-256, so `sha256sum -c` reads it too).
pub const MANIFEST_NAME: &str = "manifest-sha256.txt";
/// Name of the tag manifest.
pub const TAGMANIFEST_NAME: &str = "tagmanifest-sha256.txt";
/// The payload folder.
pub const DATA_DIR: &str = "data";

/// A manifest's text: one `<sha256>  <path>` line per file, sorted by path.
/// Two spaces, so `sha256sum -c` reads it as is.
pub fn manifest_text(files: &BTreeMap<String, String>) -> String {
    let mut s = String::new();
    for (path, digest) in files {
        s.push_str(digest);
        s.push_str("  ");
        s.push_str(path);
        s.push('\n');
    }
    s
}

/// A line of a bag manifest that does not read (B5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLineError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong.
    pub kind: ManifestLineProblem,
}

/// What is wrong with a bag manifest line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestLineProblem {
    /// No space between digest and path.
    NotDigestPath,
    /// Not 64 hex digits.
    NotSha256,
    /// A `%` in the path.
    PercentEncoded,
    /// This path was listed before.
    Twice(String),
}

impl std::fmt::Display for ManifestLineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.kind {
            ManifestLineProblem::NotDigestPath => f.write_str("not `digest path`"),
            ManifestLineProblem::NotSha256 => f.write_str("not a SHA-256 digest"),
            ManifestLineProblem::PercentEncoded => {
                f.write_str("percent-encoded paths are not used by vellum")
            }
            ManifestLineProblem::Twice(p) => write!(f, "{p} is listed twice"),
        }
    }
}

/// Parse a manifest into path -> digest (B5). Paths must be unique.
pub fn parse_manifest(text: &str) -> Result<BTreeMap<String, String>, ManifestLineError> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |kind| ManifestLineError { line: n + 1, kind };
        let (digest, path) = line
            .split_once(' ')
            .ok_or_else(|| err(ManifestLineProblem::NotDigestPath))?;
        let path = path.trim_start_matches([' ', '*']);
        if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err(ManifestLineProblem::NotSha256));
        }
        if path.contains('%') {
            return Err(err(ManifestLineProblem::PercentEncoded));
        }
        if out
            .insert(path.to_owned(), digest.to_ascii_lowercase())
            .is_some()
        {
            return Err(err(ManifestLineProblem::Twice(path.to_owned())));
        }
    }
    Ok(out)
}

/// The bag-info label naming the vellum archive format.
pub const FORMAT_LABEL: &str = "Vellum-Archive-Format";
/// The bag-info label of the payload's size and file count.
pub const OXUM_LABEL: &str = "Payload-Oxum";

/// Parse `bag-info.txt` into (label, value) pairs.
pub fn parse_info(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// How `bag-info.txt`'s first line starts: the agent is vellum, then its
/// version (the only value verify does not derive, V5b).
pub const AGENT_PREFIX: &str = "Bag-Software-Agent: vellum ";
/// How `bag-info.txt`'s first line ends.
pub const AGENT_SUFFIX: &str = " <text sealing>";

/// `bag-info.txt` for an archive of the given format.
pub fn bag_info(
    format: &str,
    archive_id: &str,
    date: &str,
    octets: u64,
    files: usize,
    versions: u32,
) -> String {
    format!(
        "{AGENT_PREFIX}{}{AGENT_SUFFIX}\nBagging-Date: {date}\nExternal-Description: A text sealed by vellum: {versions} signed version(s), OCFL object in data/\nExternal-Identifier: {archive_id}\nPayload-Oxum: {octets}.{files}\n{FORMAT_LABEL}: {}\n",
        env!("CARGO_PKG_VERSION"),
        format,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trip_and_duplicates() {
        let mut m = BTreeMap::new();
        m.insert("data/a".to_string(), "ab".repeat(32));
        m.insert("data/b c".to_string(), "cd".repeat(32));
        assert_eq!(parse_manifest(&manifest_text(&m)).unwrap(), m);
        let dup = format!("{0}  data/a\n{0}  data/a\n", "ab".repeat(32));
        assert!(parse_manifest(&dup).is_err());
        assert!(parse_manifest("xyz data/a\n").is_err());
    }
}
