//! Trusted timestamps (RFC 3161; rules T1–T8 of docs/archive-format.md):
//! the query vellum sends a time-stamping authority over a version's
//! checkpoint, the reply it keeps, and the checks of a kept token: that it
//! is over the checkpoint, that its CMS signature verifies under its TSA's
//! certificate, that the certificate is for time-stamping and valid at the
//! attested time, and that it is one the user trusts.
//!
//! A token is a CMS SignedData over a TSTInfo (policy, message imprint,
//! serial, genTime, nonce). This module reads P-256 ECDSA signatures with
//! SHA-256 (T6), what `openssl ts -reply` makes with a P-256 TSA key and
//! `signer_digest = sha256`; other algorithms are refused by name.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Int, OctetString};
use der::oid::ObjectIdentifier;
use der::{Decode, Encode};
use p256::ecdsa::signature::Verifier;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

/// The most bytes a reply (and so a kept token file) may have: a tag file
/// of the archive (`limits::MAX_TINY_ENTRY`), and what `--tsa` reads.
pub const MAX_REPLY: u64 = crate::limits::MAX_TINY_ENTRY;

/// The media type of a query (RFC 3161 3.4).
pub(crate) const QUERY_TYPE: &str = "application/timestamp-query";
/// The media type of a reply (RFC 3161 3.4).
pub(crate) const REPLY_TYPE: &str = "application/timestamp-reply";

const fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}
const ID_SHA256: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.1");
const ID_SIGNED_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = oid("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = oid("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = oid("1.2.840.113549.1.9.4");
const ECDSA_WITH_SHA256: ObjectIdentifier = oid("1.2.840.10045.4.3.2");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = oid("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = oid("1.2.840.10045.3.1.7");
const ID_CE_EXT_KEY_USAGE: ObjectIdentifier = oid("2.5.29.37");
const ID_CE_BASIC_CONSTRAINTS: ObjectIdentifier = oid("2.5.29.19");
const ID_CE_SUBJECT_KEY_ID: ObjectIdentifier = oid("2.5.29.14");
const ID_KP_TIME_STAMPING: ObjectIdentifier = oid("1.3.6.1.5.5.7.3.8");
const ID_AT_COMMON_NAME: ObjectIdentifier = oid("2.5.4.3");

/// Why a reply or token is refused (at attach time) or is a problem (in
/// verify, kind `timestamp`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// Not a DER TimeStampResp nor a token (T2).
    Malformed(String),
    /// The TSA did not grant the request: its status (T2).
    NotGranted(u8),
    /// An algorithm or key this build does not check (T6).
    Unsupported(String),
    /// T4: the message imprint is not the SHA-256 of the checkpoint.
    OtherData {
        /// The token's imprint, hex.
        imprint: String,
        /// The checkpoint's SHA-256, hex.
        expected: String,
    },
    /// T4: the nonce is not the request's.
    Nonce,
    /// T6: the signed message digest is not that of the TSTInfo, or the
    /// signed content type is not TSTInfo.
    SignedAttributes(String),
    /// T6: the CMS signature does not verify under the certificate.
    Signature {
        /// The certificate's subject.
        tsa: String,
    },
    /// T6: the token does not carry its signer's certificate and none of
    /// the trusted ones is it.
    NoCertificate,
    /// T7: the certificate is not a TSA's: extendedKeyUsage must be
    /// critical and hold only timeStamping.
    NotTimeStamping {
        /// The certificate's subject.
        tsa: String,
    },
    /// T7: genTime is outside the certificate's validity.
    Expired {
        /// The certificate's subject.
        tsa: String,
        /// The attested time.
        gen_time: String,
        /// The certificate's notBefore.
        not_before: String,
        /// The certificate's notAfter.
        not_after: String,
    },
    /// T8: the TSA's certificate is neither a trusted one nor issued by
    /// one.
    Untrusted {
        /// The certificate's subject.
        tsa: String,
    },
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Malformed(why) => {
                write!(f, "not an RFC 3161 time-stamp reply or token: {why}")
            }
            TokenError::NotGranted(s) => {
                write!(f, "the time-stamping authority did not grant the request (status {s})")
            }
            TokenError::Unsupported(what) => write!(f, "unsupported: {what}"),
            TokenError::OtherData { imprint, expected } => write!(
                f,
                "a token over other data: its message imprint is {imprint}, the checkpoint's SHA-256 is {expected}"
            ),
            TokenError::Nonce => write!(f, "its nonce is not the request's (a reply to another query)"),
            TokenError::SignedAttributes(why) => write!(f, "its signed attributes {why}"),
            TokenError::Signature { tsa } => {
                write!(f, "its signature does not verify under the certificate of {tsa}")
            }
            TokenError::NoCertificate => write!(
                f,
                "it does not carry its TSA's certificate, and no trusted TSA certificate (--tsa-cert) is its signer"
            ),
            TokenError::NotTimeStamping { tsa } => write!(
                f,
                "the certificate of {tsa} is not a TSA's (extendedKeyUsage must be critical and only timeStamping)"
            ),
            TokenError::Expired {
                tsa,
                gen_time,
                not_before,
                not_after,
            } => write!(
                f,
                "its time {gen_time} is outside the validity of the certificate of {tsa} ({not_before} to {not_after}): expired or not yet valid"
            ),
            TokenError::Untrusted { tsa } => write!(
                f,
                "TSA {tsa} is not trusted: its certificate is neither a --tsa-cert nor issued by one"
            ),
        }
    }
}

impl std::error::Error for TokenError {}

fn malformed(e: impl fmt::Display) -> TokenError {
    TokenError::Malformed(e.to_string())
}

/// A query to send a TSA (T3): a TimeStampReq over the SHA-256 of the
/// data, with a random nonce, asking for the TSA's certificate.
#[derive(Debug, Clone)]
pub struct Query {
    /// The DER TimeStampReq (`.tsq`, as `openssl ts -query` writes).
    pub der: Vec<u8>,
    /// Its nonce (a positive INTEGER's bytes).
    pub nonce: Vec<u8>,
}

/// T3: the query over `data` (a version's `checkpoint` file).
pub fn query(data: &[u8]) -> Query {
    use rand_core::RngCore;
    let mut nonce = [0u8; 8];
    rand_core::OsRng.fill_bytes(&mut nonce);
    // Positive and minimal: the top bit clear, the first byte not zero.
    nonce[0] = (nonce[0] & 0x7f) | 0x40;
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: x509_cert::spki::AlgorithmIdentifier {
                oid: ID_SHA256,
                parameters: Some(der::Any::null()),
            },
            hashed_message: OctetString::new(Sha256::digest(data).to_vec())
                .expect("32 bytes fit an OCTET STRING"),
        },
        req_policy: None,
        nonce: Some(Int::new(&nonce).expect("a minimal positive integer")),
        cert_req: true,
        extensions: None,
    };
    Query {
        der: req.to_der().expect("a TimeStampReq encodes"),
        nonce: nonce.to_vec(),
    }
}

/// A certificate the user trusts for timestamps (`--tsa-cert`, T8): a TSA
/// certificate, or a CA's that issues TSA certificates.
#[derive(Debug, Clone)]
pub struct TsaCert {
    /// The file it came from.
    pub source: PathBuf,
    cert: Certificate,
    der: Vec<u8>,
}

/// Why a `--tsa-cert` file could not be read.
#[derive(Debug)]
pub enum CertError {
    /// The file could not be read.
    Read(crate::files::FileError),
    /// It holds no PEM or DER X.509 certificate.
    Malformed(PathBuf, String),
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertError::Read(e) => e.fmt(f),
            CertError::Malformed(p, why) => write!(
                f,
                "{}: not a PEM or DER X.509 certificate: {why}",
                p.display()
            ),
        }
    }
}

impl std::error::Error for CertError {}

impl TsaCert {
    /// The certificates of a PEM file (one or more) or a DER file.
    pub fn load(path: &Path) -> Result<Vec<TsaCert>, CertError> {
        let bytes = crate::files::read_bounded(path, 1 << 20).map_err(CertError::Read)?;
        let certs = if bytes.starts_with(b"-----") || bytes.windows(11).any(|w| w == b"-----BEGIN ")
        {
            Certificate::load_pem_chain(&bytes)
                .map_err(|e| CertError::Malformed(path.to_owned(), e.to_string()))?
        } else {
            vec![Certificate::from_der(&bytes)
                .map_err(|e| CertError::Malformed(path.to_owned(), e.to_string()))?]
        };
        if certs.is_empty() {
            return Err(CertError::Malformed(
                path.to_owned(),
                "no certificate in it".into(),
            ));
        }
        certs
            .into_iter()
            .map(|cert| {
                let der = cert
                    .to_der()
                    .map_err(|e| CertError::Malformed(path.to_owned(), e.to_string()))?;
                Ok(TsaCert {
                    source: path.to_owned(),
                    cert,
                    der,
                })
            })
            .collect()
    }

    /// How the certificate is named: its subject's CN.
    pub fn subject(&self) -> String {
        subject_name(&self.cert)
    }
}

/// A certificate's subject CN (else its whole subject).
fn subject_name(c: &Certificate) -> String {
    for rdn in c.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid == ID_AT_COMMON_NAME {
                if let Ok(s) = atv.value.decode_as::<der::asn1::Utf8StringRef<'_>>() {
                    return s.as_str().to_owned();
                }
                if let Ok(s) = atv.value.decode_as::<der::asn1::PrintableStringRef<'_>>() {
                    return s.as_str().to_owned();
                }
            }
        }
    }
    c.tbs_certificate.subject.to_string()
}

/// RFC 3339 UTC, to the second, of a time since the epoch.
fn rfc3339(d: std::time::Duration) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(d.as_secs() as i64)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_else(|| format!("{}s after the epoch", d.as_secs()))
}

/// A reply as kept in the archive (T1, T2): a DER TimeStampResp with a
/// granted status and a token; a bare token is wrapped in one.
pub fn normalize_reply(bytes: &[u8]) -> Result<Vec<u8>, TokenError> {
    if bytes.len() as u64 > MAX_REPLY {
        return Err(TokenError::Malformed(format!(
            "{} bytes, more than {MAX_REPLY}",
            bytes.len()
        )));
    }
    match TimeStampResp::from_der(bytes) {
        Ok(resp) => {
            let status = resp.status.status as u8;
            if status > 1 {
                return Err(TokenError::NotGranted(status));
            }
            if resp.time_stamp_token.is_none() {
                return Err(TokenError::Malformed(
                    "a granted reply without a token".into(),
                ));
            }
            Ok(bytes.to_vec())
        }
        Err(e) => match ContentInfo::from_der(bytes) {
            Ok(_) => {
                // PKIStatusInfo { granted }, then the token, in a SEQUENCE.
                let mut body = vec![0x30, 0x03, 0x02, 0x01, 0x00];
                body.extend_from_slice(bytes);
                let n = body.len();
                let mut out = vec![0x30];
                if n < 0x80 {
                    out.push(n as u8);
                } else {
                    let len = n.to_be_bytes();
                    let skip = len.iter().take_while(|b| **b == 0).count();
                    out.push(0x80 | (len.len() - skip) as u8);
                    out.extend_from_slice(&len[skip..]);
                }
                out.extend(body);
                if out.len() as u64 > MAX_REPLY {
                    return Err(TokenError::Malformed(format!(
                        "{} bytes once wrapped in a reply, more than {MAX_REPLY}",
                        out.len()
                    )));
                }
                Ok(out)
            }
            Err(_) => Err(malformed(e)),
        },
    }
}

/// What a token attests, read from its TSTInfo (T5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    /// The TSA, by its certificate's subject CN (or "unnamed TSA" when
    /// the token carries no certificate).
    pub tsa: String,
    /// genTime, RFC 3339 UTC to the second.
    pub gen_time: String,
    /// The token's serial number, hex.
    pub serial: String,
    /// The TSA's policy OID.
    pub policy: String,
}

/// A kept token, read and checked as far as it can be without trust
/// (T4–T7): over the data, its signature good under the certificate it
/// carries, which is a TSA's and valid at genTime.
#[derive(Debug, Clone)]
pub struct Token {
    /// What it attests.
    pub attested: Attested,
    signer: SignerInfo,
    signed_attrs: Vec<u8>,
    /// Its signer's certificate, when it carries it.
    cert: Option<Certificate>,
    gen_time: std::time::Duration,
    nonce: Option<Vec<u8>>,
}

/// T2–T7: read a kept reply (or a reply about to be kept) and check it
/// over `data` as far as it can be checked without trusted certificates.
pub fn examine(reply: &[u8], data: &[u8]) -> Result<Token, TokenError> {
    let resp = TimeStampResp::from_der(reply).map_err(malformed)?;
    let status = resp.status.status as u8;
    if status > 1 {
        return Err(TokenError::NotGranted(status));
    }
    let ci = resp
        .time_stamp_token
        .ok_or_else(|| TokenError::Malformed("a reply without a token".into()))?;
    if ci.content_type != ID_SIGNED_DATA {
        return Err(TokenError::Malformed(format!(
            "its content type is {}, not SignedData",
            ci.content_type
        )));
    }
    let sd: SignedData = ci.content.decode_as().map_err(malformed)?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(TokenError::Malformed(format!(
            "it signs {}, not a TSTInfo",
            sd.encap_content_info.econtent_type
        )));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| TokenError::Malformed("no TSTInfo in it".into()))?;
    let tst_der: OctetString = econtent.decode_as().map_err(malformed)?;
    let tst = TstInfo::from_der(tst_der.as_bytes()).map_err(malformed)?;
    // T4: over the data.
    if tst.message_imprint.hash_algorithm.oid != ID_SHA256 {
        return Err(TokenError::Unsupported(format!(
            "message imprint by {}, not SHA-256",
            tst.message_imprint.hash_algorithm.oid
        )));
    }
    let expected = Sha256::digest(data);
    let imprint = tst.message_imprint.hashed_message.as_bytes();
    if imprint != expected.as_slice() {
        return Err(TokenError::OtherData {
            imprint: crate::digest::to_hex(imprint),
            expected: crate::digest::to_hex(expected),
        });
    }
    let signers: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [signer] = signers[..] else {
        return Err(TokenError::Malformed(format!(
            "{} signers, not one",
            signers.len()
        )));
    };
    // T6: the signed attributes say TSTInfo and carry its digest.
    if signer.digest_alg.oid != ID_SHA256 {
        return Err(TokenError::Unsupported(format!(
            "signed with digest {}, not SHA-256",
            signer.digest_alg.oid
        )));
    }
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or_else(|| TokenError::SignedAttributes("are missing".into()))?;
    let one = |id: ObjectIdentifier| {
        let mut found = attrs.iter().filter(|a| a.oid == id);
        match (found.next(), found.next()) {
            (Some(a), None) if a.values.len() == 1 => a.values.get(0).cloned(),
            _ => None,
        }
    };
    let ct: Option<ObjectIdentifier> = one(ID_CONTENT_TYPE).and_then(|v| v.decode_as().ok());
    if ct != Some(ID_CT_TST_INFO) {
        return Err(TokenError::SignedAttributes(
            "do not name TSTInfo as the content type".into(),
        ));
    }
    let md: Option<OctetString> = one(ID_MESSAGE_DIGEST).and_then(|v| v.decode_as().ok());
    if md.as_ref().map(|m| m.as_bytes()) != Some(Sha256::digest(tst_der.as_bytes()).as_slice()) {
        return Err(TokenError::SignedAttributes(
            "do not carry the digest of its TSTInfo".into(),
        ));
    }
    let signed_attrs = attrs.to_der().map_err(malformed)?;
    let certs: Vec<Certificate> = sd
        .certificates
        .as_ref()
        .map(|s| {
            s.0.iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let cert = certs.iter().find(|c| is_signer(&signer.sid, c)).cloned();
    let gen_time = tst.gen_time.to_unix_duration();
    let token = Token {
        attested: Attested {
            tsa: cert
                .as_ref()
                .map(subject_name)
                .unwrap_or_else(|| "unnamed TSA".into()),
            gen_time: rfc3339(gen_time),
            serial: crate::digest::to_hex(tst.serial_number.as_bytes()),
            policy: tst.policy.to_string(),
        },
        signer: signer.clone(),
        signed_attrs,
        cert,
        gen_time,
        nonce: tst.nonce.as_ref().map(|n| n.as_bytes().to_vec()),
    };
    if let Some(c) = &token.cert {
        token.check_signer(c)?;
    }
    Ok(token)
}

/// Whether a certificate is the one a SignerInfo names.
fn is_signer(sid: &SignerIdentifier, c: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(i) => {
            i.issuer == c.tbs_certificate.issuer
                && i.serial_number == c.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => c
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == ID_CE_SUBJECT_KEY_ID)
            .and_then(|e| OctetString::from_der(e.extn_value.as_bytes()).ok())
            .is_some_and(|v| v.as_bytes() == ski.0.as_bytes()),
    }
}

/// T6: a P-256 key from a certificate.
fn p256_key(c: &Certificate) -> Result<p256::ecdsa::VerifyingKey, TokenError> {
    let spki = &c.tbs_certificate.subject_public_key_info;
    let curve: Option<ObjectIdentifier> = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as().ok());
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY || curve != Some(PRIME256V1) {
        return Err(TokenError::Unsupported(format!(
            "the key of {} is not a P-256 key (this build checks P-256 ECDSA)",
            subject_name(c)
        )));
    }
    p256::ecdsa::VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes())
        .map_err(|_| TokenError::Malformed(format!("the key of {} does not read", subject_name(c))))
}

/// Verify an ECDSA P-256 SHA-256 signature (DER) over `msg`.
fn ecdsa_ok(key: &p256::ecdsa::VerifyingKey, msg: &[u8], sig: &[u8]) -> bool {
    p256::ecdsa::Signature::from_der(sig).is_ok_and(|s| key.verify(msg, &s).is_ok())
}

impl Token {
    /// T6, T7: the signature verifies under `c`, a TSA's certificate
    /// valid at genTime.
    fn check_signer(&self, c: &Certificate) -> Result<(), TokenError> {
        let tsa = subject_name(c);
        let alg = self.signer.signature_algorithm.oid;
        if alg != ECDSA_WITH_SHA256 && alg != ID_EC_PUBLIC_KEY {
            return Err(TokenError::Unsupported(format!(
                "signature algorithm {alg} (this build checks ECDSA with SHA-256)"
            )));
        }
        let key = p256_key(c)?;
        if !ecdsa_ok(&key, &self.signed_attrs, self.signer.signature.as_bytes()) {
            return Err(TokenError::Signature { tsa });
        }
        // T7: extendedKeyUsage critical, timeStamping only (RFC 3161 2.3).
        let eku = c
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == ID_CE_EXT_KEY_USAGE);
        let ok = eku.is_some_and(|e| {
            e.critical
                && x509_cert::ext::pkix::ExtendedKeyUsage::from_der(e.extn_value.as_bytes())
                    .is_ok_and(|u| u.0 == [ID_KP_TIME_STAMPING])
        });
        if !ok {
            return Err(TokenError::NotTimeStamping { tsa });
        }
        within_validity(c, self.gen_time)
    }

    /// T4: the token answers the query with this nonce.
    pub fn check_nonce(&self, nonce: &[u8]) -> Result<(), TokenError> {
        match &self.nonce {
            Some(n) if n == nonce => Ok(()),
            _ => Err(TokenError::Nonce),
        }
    }

    /// T8: the token's TSA is one of `trusted`, or its certificate was
    /// issued by one of them (a CA's certificate, with basicConstraints
    /// cA, valid at genTime); the trusted certificate that vouches for it.
    pub fn trusted_by<'t>(&self, trusted: &'t [TsaCert]) -> Result<&'t TsaCert, TokenError> {
        let cert = match &self.cert {
            Some(c) => c.clone(),
            None => {
                // The token does not carry its certificate: a trusted one
                // may be it.
                let c = trusted
                    .iter()
                    .find(|t| is_signer(&self.signer.sid, &t.cert))
                    .ok_or(TokenError::NoCertificate)?;
                self.check_signer(&c.cert)?;
                return Ok(c);
            }
        };
        let der = cert.to_der().map_err(malformed)?;
        if let Some(t) = trusted.iter().find(|t| t.der == der) {
            return Ok(t);
        }
        let tbs = cert.tbs_certificate.to_der().map_err(malformed)?;
        for t in trusted {
            if t.cert.tbs_certificate.subject != cert.tbs_certificate.issuer || !is_ca(&t.cert) {
                continue;
            }
            if cert.signature_algorithm.oid != ECDSA_WITH_SHA256 {
                continue;
            }
            let Ok(key) = p256_key(&t.cert) else { continue };
            let Some(sig) = cert.signature.as_bytes() else {
                continue;
            };
            if ecdsa_ok(&key, &tbs, sig) {
                within_validity(&t.cert, self.gen_time)?;
                return Ok(t);
            }
        }
        Err(TokenError::Untrusted {
            tsa: subject_name(&cert),
        })
    }

    /// Whether the token carries its signer's certificate.
    pub fn carries_certificate(&self) -> bool {
        self.cert.is_some()
    }
}

/// Whether a certificate says it is a CA's (basicConstraints cA).
fn is_ca(c: &Certificate) -> bool {
    c.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == ID_CE_BASIC_CONSTRAINTS)
        .and_then(|e| {
            x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()).ok()
        })
        .is_some_and(|b| b.ca)
}

/// T7: `at` is within the certificate's validity.
fn within_validity(c: &Certificate, at: std::time::Duration) -> Result<(), TokenError> {
    let v = &c.tbs_certificate.validity;
    let (from, to) = (
        v.not_before.to_unix_duration(),
        v.not_after.to_unix_duration(),
    );
    if at < from || at > to {
        return Err(TokenError::Expired {
            tsa: subject_name(c),
            gen_time: rfc3339(at),
            not_before: rfc3339(from),
            not_after: rfc3339(to),
        });
    }
    Ok(())
}

/// Why asking a TSA over HTTP failed.
#[derive(Debug)]
pub struct AskError {
    /// The TSA's URL.
    pub url: String,
    /// What went wrong.
    pub why: String,
}

impl fmt::Display for AskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.url, self.why)
    }
}

impl std::error::Error for AskError {}

/// T3: POST a query to a TSA (`application/timestamp-query`) and read its
/// reply (`application/timestamp-reply`, at most [`MAX_REPLY`] bytes).
/// Plain http only in this build.
pub fn ask(url: &str, query: &[u8]) -> Result<Vec<u8>, AskError> {
    let err = |why: String| AskError {
        url: url.to_owned(),
        why,
    };
    if !url.starts_with("http://") {
        return Err(err(
            "only http:// URLs are reached by this build; for https, use --request and --tsa-reply"
                .into(),
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .post(url)
        .header("Content-Type", QUERY_TYPE)
        .send(query)
        .map_err(|e| err(e.to_string()))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(err(format!("HTTP status {status}")));
    }
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if !ctype.starts_with(REPLY_TYPE) {
        return Err(err(format!(
            "the reply's content type is {ctype:?}, not {REPLY_TYPE}"
        )));
    }
    resp.body_mut()
        .with_config()
        .limit(MAX_REPLY)
        .read_to_vec()
        .map_err(|e| err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_over_the_sha256_with_a_positive_nonce() {
        let q = query(b"checkpoint bytes\n");
        let req = TimeStampReq::from_der(&q.der).unwrap();
        assert_eq!(
            req.message_imprint.hashed_message.as_bytes(),
            Sha256::digest(b"checkpoint bytes\n").as_slice()
        );
        assert!(req.cert_req);
        assert_eq!(req.nonce.unwrap().as_bytes(), &q.nonce[..]);
        assert!(q.nonce[0] & 0x80 == 0 && q.nonce[0] != 0);
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for bytes in [&b""[..], b"\x30\x03\x02\x01\x00", b"hello", b"\x30\x80"] {
            assert!(normalize_reply(bytes).is_err());
            assert!(matches!(
                examine(bytes, b"x"),
                Err(TokenError::Malformed(_)) | Err(TokenError::NotGranted(_))
            ));
        }
    }

    #[test]
    fn a_rejection_is_not_granted() {
        // TimeStampResp { status: rejection (2) }
        let r = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02];
        assert_eq!(normalize_reply(&r), Err(TokenError::NotGranted(2)));
    }
}
