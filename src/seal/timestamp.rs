//! Trusted timestamps (rules T1–T3 of docs/archive-format.md): an RFC 3161
//! query over a sealed version's checkpoint, and the authority's reply
//! kept beside the OCFL object, in the bag's tag folder `timestamps/vN/`,
//! listed in the tag manifest, without changing the version (as
//! co-signatures are, X1).

use super::write::with_tag_files;
use super::SealError;
use crate::archive::layout::{self, CHECKPOINT};
use crate::timestamp::{self, Attested, Query};
use crate::trust::Trust;
use crate::verify::Opened;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the reply comes from.
#[derive(Debug, Clone, Copy)]
pub enum Reply<'a> {
    /// A reply file the authority made (`--tsa-reply`), and its bytes.
    File(&'a Path, &'a [u8]),
    /// The authority at this URL, asked now (`--tsa`).
    Ask(&'a str),
}

/// A query made (`--request`).
#[derive(Debug, Clone)]
pub struct QueryOutcome {
    /// The archive.
    pub archive: PathBuf,
    /// The version whose checkpoint it is over.
    pub version: u32,
    /// SHA-256 of that checkpoint file (the message imprint), hex.
    pub checkpoint_sha256: String,
    /// The query.
    pub query: Query,
}

/// What timestamping did.
#[derive(Debug, Clone)]
pub struct TimestampOutcome {
    /// The archive written.
    pub archive: PathBuf,
    /// The version timestamped.
    pub version: u32,
    /// The token's file in the zip.
    pub file: String,
    /// What the token attests.
    pub attested: Attested,
    /// The version's created time, as its signer claims it.
    pub created: String,
    /// The trusted certificate file that vouches for the TSA, when
    /// `--tsa-cert` was given.
    pub trusted_by: Option<PathBuf>,
}

/// The archive verified against the trusted keys (its tokens judged
/// without TSA certificates: checking those is verify's) and the version
/// asked for, with its checkpoint file.
fn base(
    archive: &Path,
    version: Option<u32>,
    trust: &Trust,
) -> Result<(Opened, u32, Vec<u8>), SealError> {
    let mut keys_only = trust.clone();
    keys_only.tsa_certs.clear();
    let (_, opened, n) = super::verified_version(archive, version, &keys_only, &[], archive)?;
    let checkpoint = opened.read(n, CHECKPOINT).map_err(|e| SealError::Io {
        path: archive.to_owned(),
        error: std::io::Error::other(e.to_string()),
    })?;
    Ok((opened, n, checkpoint))
}

/// T3: the query over version `version`'s checkpoint (the newest when
/// `None`), once the archive verifies.
pub fn request(
    archive: &Path,
    version: Option<u32>,
    trust: &Trust,
) -> Result<QueryOutcome, SealError> {
    let (_, n, checkpoint) = base(archive, version, trust)?;
    Ok(QueryOutcome {
        archive: archive.to_owned(),
        version: n,
        checkpoint_sha256: crate::digest::sha256(&checkpoint),
        query: timestamp::query(&checkpoint),
    })
}

/// T2: keep a token over version `version`'s checkpoint (the newest when
/// `None`): the archive must verify; the reply must be granted, over the
/// checkpoint, well signed by a TSA certificate valid at its time (T4–T7),
/// answer the query when vellum asked (its nonce), and come from a
/// trusted TSA when `trust` holds TSA certificates (T8). The version and
/// every other entry stay as they are; the token file is added, the tag
/// manifest made anew, the archive written atomically (W1).
pub fn timestamp(
    archive: &Path,
    version: Option<u32>,
    reply: Reply<'_>,
    trust: &Trust,
) -> Result<TimestampOutcome, SealError> {
    let (opened, n, checkpoint) = base(archive, version, trust)?;
    let (name, bytes, nonce) = match reply {
        Reply::File(path, bytes) => (path.display().to_string(), bytes.to_vec(), None),
        Reply::Ask(url) => {
            let q = timestamp::query(&checkpoint);
            let bytes = timestamp::ask(url, &q.der).map_err(SealError::Tsa)?;
            (url.to_owned(), bytes, Some(q.nonce))
        }
    };
    let refused = |error| SealError::Token {
        reply: name.clone(),
        version: n,
        error: Box::new(error),
    };
    let kept = timestamp::normalize_reply(&bytes).map_err(refused)?;
    let token = timestamp::examine(&kept, &checkpoint).map_err(refused)?;
    if let Some(nonce) = &nonce {
        token.check_nonce(nonce).map_err(refused)?;
    }
    let trusted_by = match trust.tsa_certs.is_empty() {
        true => None,
        false => Some(
            token
                .trusted_by(&trust.tsa_certs)
                .map_err(refused)?
                .source
                .clone(),
        ),
    };
    let file = layout::token_file(n, &kept);
    if opened.zip.get(&opened.paths.tag(&file)).is_some() {
        return Err(SealError::AlreadyTimestamped {
            archive: archive.to_owned(),
            version: n,
            file: opened.paths.tag(&file),
        });
    }
    let created = opened.versions[n as usize - 1].manifest.created.clone();
    let zip_name = opened.paths.tag(&file);
    with_tag_files(archive, &opened, BTreeMap::from([(file, kept)]))?;
    Ok(TimestampOutcome {
        archive: archive.to_owned(),
        version: n,
        file: zip_name,
        attested: token.attested,
        created,
        trusted_by,
    })
}
