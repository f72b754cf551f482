//! JSON reports, each built from typed structs and named by a schema id
//! (documented in `docs/`).

use super::Against;
use crate::compare::check::CheckReport;
use serde::Serialize;

/// Schema id of check reports.
pub(crate) const CHECK_SCHEMA: &str = "vellum-check-report-v2";

/// The JSON form of a check result (schema: `docs/check-report.md`),
/// borrowing everything: serialized straight to text, no value tree.
#[derive(Serialize)]
pub struct CheckJson<'a> {
    schema: &'static str,
    copy: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    verdict: crate::compare::check::Verdict,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    identical: bool,
    archive: &'a str,
    archive_path: &'a str,
    version: u32,
    created: &'a str,
    signer_key_id: &'a str,
    signer_fingerprint: &'a str,
    signer_key_file: &'a str,
    signer_name: &'a str,
    cosigners: &'a [crate::verify::SignerReport],
    distinct_signers: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_change: Option<&'a crate::verify::KeyChangeReport>,
    manifest_sha256: &'a str,
    checkpoint_sha256: &'a str,
    canonical_text: &'a str,
    verification: crate::verify::Verification,
    #[serde(skip_serializing_if = "Option::is_none")]
    matches_version: Option<u32>,
    summary: &'a crate::compare::check::Summary,
    sections: SectionsJson<'a>,
    passages: &'a [crate::compare::check::Passage],
    surrounding: &'a crate::compare::check::Surrounding,
    warnings: &'a [String],
    notes: &'a [String],
}

/// The sections of a report, with the sealed texts escaped once.
struct SectionsJson<'a> {
    sections: &'a [crate::compare::check::SectionReport],
    sealed: Option<&'a crate::compare::check::Sealed>,
}

/// One section: the fields of [`crate::compare::check::SectionReport`], in order.
#[derive(Serialize)]
struct SectionJson<'a> {
    id: &'a str,
    kind: Option<crate::text::sections::Kind>,
    number: Option<u32>,
    status: crate::compare::check::Status,
    text: TextJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    covered: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<&'a str>,
    changes: &'a [crate::compare::changes::Change],
}

#[derive(Serialize)]
#[serde(untagged)]
enum TextJson<'a> {
    Escaped(&'a serde_json::value::RawValue),
    Plain(&'a str),
}

impl Serialize for SectionsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.sections.len()))?;
        for r in self.sections {
            let text = match self.sealed.and_then(|x| x.text_json(&r.text)) {
                Some(raw) => TextJson::Escaped(raw),
                None => TextJson::Plain(&r.text),
            };
            seq.serialize_element(&SectionJson {
                id: &r.id,
                kind: r.kind,
                number: r.number,
                status: r.status,
                text,
                covered: r.covered.as_deref(),
                found: r.found.as_deref(),
                changes: &r.changes,
            })?;
        }
        seq.end()
    }
}

impl<'a> CheckJson<'a> {
    /// Say what the document was read as, and for a web archive's record,
    /// its URL.
    pub fn document(&mut self, url: Option<&'a str>, format: &'static str) {
        self.url = url;
        self.format = Some(format);
    }
}

/// The JSON form of a check result; `sealed`, the version checked against,
/// lends its section texts already escaped.
pub fn check<'a>(
    copy: &'a str,
    against: &'a Against,
    r: &'a CheckReport,
    sealed: Option<&'a crate::compare::check::Sealed>,
) -> CheckJson<'a> {
    CheckJson {
        schema: CHECK_SCHEMA,
        copy,
        url: None,
        format: None,
        verdict: r.verdict,
        identical: r.identical,
        archive: &against.archive,
        archive_path: &against.archive_path,
        version: against.version,
        created: &against.created,
        signer_key_id: &against.signer_key_id,
        signer_fingerprint: &against.signer_fingerprint,
        signer_key_file: &against.signer_key_file,
        signer_name: &against.signer_name,
        cosigners: &against.cosigners,
        distinct_signers: against.distinct_signers,
        key_change: against.key_change.as_ref(),
        manifest_sha256: &against.manifest_sha256,
        checkpoint_sha256: &against.checkpoint_sha256,
        canonical_text: &against.canonical_text,
        verification: against.verification,
        matches_version: r.matches_version,
        summary: &r.summary,
        sections: SectionsJson {
            sections: &r.sections,
            sealed,
        },
        passages: &r.passages,
        surrounding: &r.surrounding,
        warnings: &r.warnings,
        notes: &r.notes,
    }
}

/// Schema id of diff reports.
pub(crate) const DIFF_SCHEMA: &str = "vellum-diff-report-v1";

/// The JSON form of a diff (schema: `docs/diff-report.md`).
#[derive(Serialize)]
pub struct DiffJson<'a> {
    // Fields in sorted order, as the first version of this report wrote them.
    new: &'a super::DiffSide,
    notes: &'a [String],
    old: &'a super::DiffSide,
    same: bool,
    schema: &'static str,
    sections: &'a [crate::compare::diff::DiffSection],
    summary: &'a crate::compare::diff::DiffSummary,
}

/// The JSON form of a diff.
pub fn diff<'a>(
    old: &'a super::DiffSide,
    new: &'a super::DiffSide,
    r: &'a crate::compare::diff::DiffReport,
) -> DiffJson<'a> {
    DiffJson {
        schema: DIFF_SCHEMA,
        old,
        new,
        same: r.same,
        summary: &r.summary,
        sections: &r.sections,
        notes: &r.notes,
    }
}

/// The JSON form of `vellum log`: the archive and its versions.
#[derive(Serialize)]
pub struct LogJson<'a> {
    // Fields in sorted order, as the first version of this report wrote them.
    archive: &'a str,
    archive_id: Option<&'a str>,
    problems: &'a [crate::verify::Problem],
    valid: bool,
    versions: &'a [crate::verify::VersionReport],
}

/// The JSON form of `vellum log`.
pub fn log(r: &crate::verify::Report) -> LogJson<'_> {
    LogJson {
        archive: &r.archive,
        archive_id: r.archive_id.as_deref(),
        valid: r.valid,
        versions: &r.versions,
        problems: &r.problems,
    }
}

/// Schema id of proof check reports.
pub(crate) const PROOFS_SCHEMA: &str = "vellum-proof-report-v1";

/// The JSON form of checking a proof file: each proof proven or rejected.
#[derive(Serialize)]
pub struct ProofsJson<'a> {
    schema: &'static str,
    file: &'a str,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    proofs: Vec<ProofJson<'a>>,
}

/// One proof's outcome.
#[derive(Serialize)]
struct ProofJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    proven: Option<&'a crate::verify::proof::Proven>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rejected: Option<String>,
}

/// The JSON form of checking a proof file.
pub fn proofs<'a>(file: &'a str, r: &'a crate::verify::proof::ProofFile) -> ProofsJson<'a> {
    use crate::verify::proof::ProofFile;
    match r {
        ProofFile::Malformed(e) => ProofsJson {
            schema: PROOFS_SCHEMA,
            file,
            valid: false,
            error: Some(e.to_string()),
            proofs: vec![],
        },
        ProofFile::Proofs(ps) => ProofsJson {
            schema: PROOFS_SCHEMA,
            file,
            valid: ps.iter().all(|p| p.is_ok()),
            error: None,
            proofs: ps
                .iter()
                .map(|p| match p {
                    Ok(p) => ProofJson {
                        proven: Some(p),
                        rejected: None,
                    },
                    Err(e) => ProofJson {
                        proven: None,
                        rejected: Some(e.to_string()),
                    },
                })
                .collect(),
        },
    }
}

/// The JSON form of `vellum sections`.
#[derive(Serialize)]
pub struct SectionListJson<'a> {
    // Fields in sorted order, as the first version of this report wrote them.
    canonical_sha256: &'a str,
    canonical_text: &'static str,
    sections: Vec<SectionLine<'a>>,
    warnings: &'a [crate::text::canon::Warning],
}

/// One section as `vellum sections --json` lists it.
#[derive(Serialize)]
struct SectionLine<'a> {
    id: &'a str,
    kind: crate::text::sections::Kind,
    number: Option<u32>,
    sha256: &'a str,
    text: &'a str,
}

/// The JSON form of `vellum sections`.
pub fn sections<'a>(
    secs: &'a [crate::text::sections::Section],
    canonical_sha256: &'a str,
    warnings: &'a [crate::text::canon::Warning],
) -> SectionListJson<'a> {
    SectionListJson {
        canonical_text: crate::text::canon::SPEC_ID,
        canonical_sha256,
        sections: secs
            .iter()
            .map(|s| SectionLine {
                id: &s.id,
                kind: s.kind,
                number: s.number,
                sha256: &s.sha256,
                text: s.display(),
            })
            .collect(),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sections written with their sealed texts escaped once are the
    /// sections as they serialize themselves: no field lost or renamed.
    #[test]
    fn escaped_sections_serialize_like_reports() {
        let decl = include_str!("../../tests/data/declaration.txt");
        let sealed = crate::compare::check::Sealed::new(decl);
        let first = decl.find("\n\n").unwrap();
        let copy = format!(
            "{}\n\nA whole new paragraph that the convention never wrote, inserted here.{}",
            &decl[..first],
            &decl[first..]
        )
        .replace("87 billion", "78 billion")
            + "\nAn added line.\n";
        let r = crate::compare::check::check(&sealed, &copy);
        assert!(r.sections.iter().any(|s| s.found.is_some()));
        assert!(r.sections.iter().any(|s| s.kind.is_none()));
        let against = Against {
            archive_path: "a.zip".into(),
            archive: "a".into(),
            version: 1,
            created: "2014-02-08T18:00:00Z".into(),
            signer_key_id: "K".into(),
            signer_fingerprint: "SHA256:x".into(),
            signer_key_file: "k.pub".into(),
            signer_name: "key SHA256:x (k.pub)".into(),
            cosigners: vec![],
            distinct_signers: 1,
            key_change: None,
            manifest_sha256: "00".into(),
            checkpoint_sha256: "11".into(),
            root: "r".into(),
            canonical_text: crate::text::canon::SPEC_ID.into(),
            verification: crate::verify::Verification::Signatures,
        };
        let fast = serde_json::to_string(&check("c", &against, &r, Some(&sealed))).unwrap();
        let plain = serde_json::to_string(&check("c", &against, &r, None)).unwrap();
        assert_eq!(fast, plain);
        let v: serde_json::Value = serde_json::from_str(&fast).unwrap();
        assert_eq!(v["sections"], serde_json::to_value(&r.sections).unwrap());
    }
}
