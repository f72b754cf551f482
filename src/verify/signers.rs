//! Who stands behind a version: its co-signatures read and checked (rule
//! X5 of docs/archive-format.md), the distinct trusted keys counted
//! against the threshold (N3), and a change of signer authorised or not
//! (K12). `verify` (V19–V21) and the signature chain of `check` and `diff`
//! (V18) both judge a version here.

use super::ProblemKind;
use crate::archive::container::ZipIn;
use crate::archive::layout::{self, Paths};
use crate::crypto::keys::{Fingerprint, PublicKey};
use crate::crypto::note::{self, SignatureState};
use crate::crypto::sign::{self, FileHasher, StreamCheck};
use crate::trust::Trust;
use serde::Serialize;
use std::collections::BTreeSet;

/// A co-signer found in a version's co-signature folder (X3).
#[derive(Debug, Clone)]
pub(crate) struct CoSigner {
    /// Its key, as its `.pub` file ships it (the fingerprint is what
    /// matches it with a trusted key).
    pub(crate) key: PublicKey,
    /// Whether its checkpoint line and its three manifest signatures all
    /// verify under that key.
    pub(crate) verifies: bool,
}

/// A problem with co-signatures: the file and what is wrong.
pub(crate) type Found = (String, String);

/// X5: read the co-signatures of version `v`: the co-signed checkpoint
/// must be over the version's checkpoint text (`checkpoint_text`), each
/// co-signer's `.pub` must be the key its tag names, and its line in the
/// co-signed checkpoint and its `.sig`, `.minisig` (naming this manifest,
/// `msha`) and `.sshsig` over the manifest (streamed once from
/// `manifest_path`) must verify.
pub(crate) fn cosignatures(
    zip: &ZipIn,
    paths: &Paths,
    v: u32,
    checkpoint_text: &str,
    manifest_path: &str,
    msha: &str,
) -> (Vec<CoSigner>, Vec<Found>) {
    let prefix = format!("{}/", paths.tag(&layout::cosignature_dir(v)));
    let names: BTreeSet<&str> = zip
        .entries
        .iter()
        .filter(|e| !e.is_dir)
        .filter_map(|e| e.name.strip_prefix(&prefix))
        .collect();
    let mut problems: Vec<Found> = Vec::new();
    if names.is_empty() {
        return (vec![], problems);
    }
    let place = |rel: &str| format!("{prefix}{rel}");
    let cp_name = layout::CHECKPOINT;
    let note = match zip.read_tiny(&place(cp_name)) {
        Err(e) => {
            problems.push((place(cp_name), e.to_string()));
            return (vec![], problems);
        }
        Ok(b) => match note::parse(&b) {
            Err(e) => {
                problems.push((place(cp_name), e.to_string()));
                return (vec![], problems);
            }
            Ok(n) => n,
        },
    };
    if note.text != checkpoint_text {
        problems.push((
            place(cp_name),
            format!("is not over the text of version {v}'s checkpoint"),
        ));
        return (vec![], problems);
    }
    // The co-signers, by their .pub files; every other file must be one of
    // theirs.
    let mut keys: Vec<PublicKey> = Vec::new();
    for name in &names {
        let Some(tag) = name.strip_suffix(layout::COSIGNER_KEY_SUFFIX) else {
            continue;
        };
        let key = zip
            .read_tiny(&place(name))
            .map_err(|e| e.to_string())
            .and_then(|b| {
                PublicKey::from_minisign(&String::from_utf8_lossy(&b)).map_err(|e| e.to_string())
            });
        match key {
            Ok(k) if k.fingerprint().file_tag() == tag => keys.push(k),
            Ok(k) => problems.push((
                place(name),
                format!("holds key {}, not the key of tag {tag}", k.fingerprint()),
            )),
            Err(e) => problems.push((place(name), e)),
        }
    }
    let owned: BTreeSet<String> = keys
        .iter()
        .flat_map(|k| {
            layout::cosigner_files(v, &k.fingerprint())
                .map(|f| f[layout::cosignature_dir(v).len() + 1..].to_owned())
        })
        .chain([cp_name.to_owned()])
        .collect();
    for name in names.iter().filter(|n| !owned.contains(**n)) {
        if !name.ends_with(layout::COSIGNER_KEY_SUFFIX) {
            problems.push((
                place(name),
                "not a file of a co-signer whose key is here".into(),
            ));
        }
    }
    // Each co-signer's raw signature, checked as the manifest streams past
    // once, with the hashes the minisign and SSH signatures cover.
    let mut raws: Vec<Option<StreamCheck>> = keys
        .iter()
        .map(|k| {
            let [raw, ..] = layout::cosigner_files(v, &k.fingerprint());
            zip.read_tiny(&paths.tag(&raw))
                .ok()
                .map(|sig| StreamCheck::new(k, &sig))
        })
        .collect();
    let mut hasher = FileHasher::default();
    let streamed = zip.stream(manifest_path, |b| {
        hasher.update(b);
        for c in raws.iter_mut().flatten() {
            c.update(b);
        }
        std::ops::ControlFlow::Continue(())
    });
    let hashes = hasher.finish();
    let mut out = Vec::new();
    for (k, raw) in keys.into_iter().zip(raws) {
        let fp = k.fingerprint();
        let [raw_name, mini, ssh, _] = layout::cosigner_files(v, &fp);
        let mut ok = true;
        let mut fail = |name: &str, why: String| {
            ok = false;
            problems.push((paths.tag(name), why));
        };
        match raw.map(|c| streamed.is_ok() && c.verifies()) {
            None => fail(&raw_name, "missing or unreadable".into()),
            Some(false) => fail(&raw_name, "manifest signature does not verify".into()),
            Some(true) => {}
        }
        let text = |name: &str| {
            zip.read_tiny(&paths.tag(name))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        match text(&mini) {
            Err(e) => fail(&mini, e.to_string()),
            Ok(s) => match sign::verify_minisign_hashed(&k, &hashes, &s) {
                Ok(tc)
                    if !tc
                        .split(' ')
                        .any(|f| f == format!("manifest-sha256:{msha}")) =>
                {
                    fail(&mini, "trusted comment does not name this manifest".into())
                }
                Ok(_) => {}
                Err(e) => fail(&mini, e.to_string()),
            },
        }
        match text(&ssh) {
            Err(e) => fail(&ssh, e.to_string()),
            Ok(s) => {
                if let Err(e) = sign::verify_ssh_hashed(&k, &hashes.sha512, &s) {
                    fail(&ssh, e.to_string());
                }
            }
        }
        match note.signed_by(&fp.note_name(), &k) {
            SignatureState::Valid => {}
            SignatureState::Invalid => fail(
                &layout::cosigned_checkpoint(v),
                format!("the line of {fp} does not verify"),
            ),
            SignatureState::Absent => fail(
                &layout::cosigned_checkpoint(v),
                format!("has no line of co-signer {fp}"),
            ),
        }
        out.push(CoSigner {
            key: k,
            verifies: ok,
        });
    }
    (out, problems)
}

/// A signer of a version, as reports name it (N2): holder and fingerprint,
/// and whether its signature counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerReport {
    /// The key's fingerprint.
    pub fingerprint: Fingerprint,
    /// The holder the trust policy names, if any.
    pub holder: Option<String>,
    /// How outputs name it: `Holder (key SHA256:...)`, or `key SHA256:...
    /// (keys/x.pub)`, or `key SHA256:... (not trusted)`.
    pub name: String,
    /// The key id the trusted .pub file gives (a label), if trusted.
    pub key_id: Option<String>,
    /// The trusted .pub file, if trusted.
    pub key_file: Option<String>,
    /// Whether the key is among the trusted ones.
    pub trusted: bool,
    /// Whether its signatures verify.
    pub verifies: bool,
    /// Whether it counts toward the threshold (trusted, verifies, neither
    /// retired nor revoked for this version).
    pub counts: bool,
    /// Why not, when it does not count.
    pub standing: Option<String>,
}

impl SignerReport {
    /// A signer of a version created at `created`, judged at `now`.
    pub fn of(
        fp: Fingerprint,
        trust: &Trust,
        created: &str,
        now: &str,
        verifies: bool,
    ) -> SignerReport {
        let t = trust.key(&fp);
        let standing = trust.standing(&fp, created, now);
        SignerReport {
            fingerprint: fp,
            holder: trust.holder(&fp).map(str::to_owned),
            name: trust.name(&fp),
            key_id: t.map(|k| k.key.id.to_string()),
            key_file: t.map(|k| k.source.display().to_string()),
            trusted: t.is_some(),
            verifies,
            counts: verifies && standing.counts(),
            // An untrusted key's signature is not checked: "not trusted"
            // says it, not "does not verify".
            standing: if verifies || t.is_none() {
                standing.describe()
            } else {
                Some("its signature does not verify".into())
            },
        }
    }

    /// How it is named, with why it does not count when it does not.
    pub fn describe(&self) -> String {
        match (&self.standing, self.trusted) {
            (Some(s), true) => format!("{} ({s}: not counted)", self.name),
            (Some(s), false) if s != "not trusted" => format!("{} ({s})", self.name),
            _ => self.name.clone(),
        }
    }
}

/// How a change of signer was authorised (K12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Authorisation {
    /// The previous signer signed this version too.
    Handover,
    /// The trust policy names the new key for this archive.
    Policy,
}

/// A version sealed by another key than the version before (K12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyChangeReport {
    /// The version.
    pub version: u32,
    /// The previous version's sealer.
    pub previous: SignerReport,
    /// This version's sealer.
    pub new: SignerReport,
    /// How it was authorised, if it was.
    pub authorised_by: Option<Authorisation>,
}

impl KeyChangeReport {
    /// "key change at v3: handed over by Secretariat (key SHA256:...)", or
    /// "key change at v3 NOT authorised by the previous signer ...".
    pub fn describe(&self) -> String {
        let v = self.version;
        match self.authorised_by {
            Some(Authorisation::Handover) => format!(
                "key change at v{v}: handed over by {} to {}",
                self.previous.name, self.new.name
            ),
            Some(Authorisation::Policy) => format!(
                "key change at v{v}: {} named for this archive by the trust policy (previous signer {})",
                self.new.name, self.previous.name
            ),
            None => format!(
                "key change at v{v} NOT authorised by the previous signer {} (sealed by {})",
                self.previous.name, self.new.name
            ),
        }
    }
}

/// What judging a version's signers found.
pub(crate) struct Judged {
    /// The sealers (the manifest's signers), as reported.
    pub(crate) signers: Vec<SignerReport>,
    /// The co-signers, as reported.
    pub(crate) cosigners: Vec<SignerReport>,
    /// Distinct trusted keys whose signatures count (N3).
    pub(crate) distinct: usize,
    /// A change of sealer, if any (K12).
    pub(crate) key_change: Option<KeyChangeReport>,
    /// What is wrong: the kind and the words.
    pub(crate) problems: Vec<(ProblemKind, String)>,
}

/// N3 and K12 for version `v` of `archive_id`, created at `created`:
/// sealed by `sealed` (whose signatures were checked elsewhere:
/// `sealed_ok`), co-signed by `cosigners`; `previous_sealer` sealed the
/// version before.
#[allow(clippy::too_many_arguments)]
pub(crate) fn judge(
    trust: &Trust,
    archive_id: &str,
    v: u32,
    created: &str,
    now: &str,
    sealed: &[Fingerprint],
    sealed_ok: bool,
    cosigners: &[CoSigner],
    previous_sealer: Option<&Fingerprint>,
) -> Judged {
    let signers: Vec<SignerReport> = sealed
        .iter()
        .map(|fp| SignerReport::of(*fp, trust, created, now, sealed_ok))
        .collect();
    let cos: Vec<SignerReport> = cosigners
        .iter()
        .map(|c| SignerReport::of(c.key.fingerprint(), trust, created, now, c.verifies))
        .collect();
    let distinct = crate::trust::distinct_keys(
        signers
            .iter()
            .chain(&cos)
            .filter(|s| s.counts)
            .map(|s| &s.fingerprint),
    );
    let mut problems = Vec::new();
    let threshold = trust.threshold() as usize;
    // A sealer's signature that does not verify is a problem already.
    if distinct < threshold && sealed_ok {
        problems.push((
            ProblemKind::Threshold,
            format!(
                "signed by {distinct} distinct trusted key(s) that count; the threshold is {threshold}"
            ),
        ));
    }
    let key_change = match (previous_sealer, sealed.first()) {
        (Some(prev), Some(new)) if prev != new => {
            let signed_by_prev = sealed.contains(prev)
                || cosigners
                    .iter()
                    .any(|c| c.verifies && c.key.fingerprint() == *prev);
            let authorised_by = if signed_by_prev && trust.key(prev).is_some() {
                Some(Authorisation::Handover)
            } else if trust.authorised(archive_id, new) {
                Some(Authorisation::Policy)
            } else {
                None
            };
            let r = KeyChangeReport {
                version: v,
                previous: SignerReport::of(*prev, trust, created, now, true),
                new: SignerReport::of(*new, trust, created, now, sealed_ok),
                authorised_by,
            };
            if authorised_by.is_none() {
                problems.push((ProblemKind::UnauthorisedKeyChange, r.describe()));
            }
            Some(r)
        }
        _ => None,
    };
    Judged {
        signers,
        cosigners: cos,
        distinct,
        key_change,
        problems,
    }
}
