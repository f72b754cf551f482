//! V22: a version's trusted timestamps (rules T1–T8 of
//! docs/archive-format.md), each checked over the version's checkpoint
//! file and, when the user trusts TSA certificates (`--tsa-cert`, or the
//! policy's `tsa_certs`), against them.

use crate::archive::container::ZipIn;
use crate::archive::layout::{self, Paths};
use crate::timestamp::{self, TsaCert};
use serde::Serialize;

/// Where a token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampStanding {
    /// Over the checkpoint, its signature good, its TSA trusted (T4–T8).
    Verified,
    /// Over the checkpoint and its signature good under the certificate
    /// it carries, but no TSA certificate is trusted, so it says nothing
    /// yet (T8).
    Unchecked,
    /// It fails a check: a problem of kind `timestamp`.
    Invalid,
}

/// One token of a version.
#[derive(Debug, Clone, Serialize)]
pub struct TimestampReport {
    /// Its file in the zip.
    pub file: String,
    /// The TSA, by its certificate's subject CN, when the token reads.
    pub tsa: Option<String>,
    /// The time it attests (genTime, RFC 3339 UTC), when the token reads:
    /// the checkpoint existed by then.
    pub gen_time: Option<String>,
    /// Its serial number, hex.
    pub serial: Option<String>,
    /// The TSA's policy OID.
    pub policy: Option<String>,
    /// Verified, unchecked or invalid.
    pub standing: TimestampStanding,
    /// The trusted certificate file that vouches for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_by: Option<String>,
    /// Why it is invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// A problem with a timestamp: the file and what is wrong.
pub(crate) type Found = (String, String);

/// T4–T8 for version `v`, whose checkpoint file is `checkpoint`: every
/// file of `timestamps/vN/` is a `.tsr` token over it; with trusted
/// certificates, each must be trusted.
pub(crate) fn check(
    zip: &ZipIn,
    paths: &Paths,
    v: u32,
    checkpoint: &[u8],
    trusted: &[TsaCert],
) -> (Vec<TimestampReport>, Vec<Found>) {
    let prefix = format!("{}/", paths.tag(&layout::timestamp_dir(v)));
    let mut reports = Vec::new();
    let mut problems = Vec::new();
    for e in zip.entries.iter().filter(|e| !e.is_dir) {
        let Some(rel) = e.name.strip_prefix(&prefix) else {
            continue;
        };
        let file = e.name.clone();
        if rel.contains('/') || !rel.ends_with(layout::TOKEN_SUFFIX) {
            problems.push((file, "not a time-stamp token file (NAME.tsr)".into()));
            continue;
        }
        let mut r = TimestampReport {
            file: file.clone(),
            tsa: None,
            gen_time: None,
            serial: None,
            policy: None,
            standing: TimestampStanding::Invalid,
            trusted_by: None,
            problem: None,
        };
        let result = zip
            .read_tiny(&file)
            .map_err(|e| e.to_string())
            .and_then(|b| timestamp::examine(&b, checkpoint).map_err(|e| e.to_string()))
            .and_then(|t| {
                r.tsa = Some(t.attested.tsa.clone());
                r.gen_time = Some(t.attested.gen_time.clone());
                r.serial = Some(t.attested.serial.clone());
                r.policy = Some(t.attested.policy.clone());
                if trusted.is_empty() {
                    return Ok(TimestampStanding::Unchecked);
                }
                let by = t.trusted_by(trusted).map_err(|e| e.to_string())?;
                if !t.carries_certificate() {
                    // Named by the trusted certificate that signed it.
                    r.tsa = Some(by.subject());
                }
                r.trusted_by = Some(by.source.display().to_string());
                Ok(TimestampStanding::Verified)
            });
        match result {
            Ok(s) => r.standing = s,
            Err(why) => {
                problems.push((file, why.clone()));
                r.problem = Some(why);
            }
        }
        reports.push(r);
    }
    (reports, problems)
}

/// T1: token files under `timestamps/` that belong to no version of the
/// archive (`versions` of them).
pub(crate) fn stray(zip: &ZipIn, paths: &Paths, versions: u32) -> Vec<Found> {
    let prefix = format!("{}/", paths.tag(layout::TIMESTAMPS_DIR));
    zip.entries
        .iter()
        .filter(|e| !e.is_dir)
        .filter_map(|e| Some((e, e.name.strip_prefix(&prefix)?)))
        .filter(|(_, rel)| {
            let dir = rel.split('/').next().unwrap_or("");
            let n = dir.strip_prefix('v').and_then(|d| d.parse::<u32>().ok());
            !n.is_some_and(|n| {
                (1..=versions).contains(&n) && crate::archive::ocfl::version_name(n) == dir
            })
        })
        .map(|(e, _)| {
            (
                e.name.clone(),
                "a timestamp of no version of this archive".to_owned(),
            )
        })
        .collect()
}
