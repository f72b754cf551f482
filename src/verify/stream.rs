//! Streaming a version's files: each payload file through the hashes, an
//! original through the canonicalizer, and a manifest twice, the second
//! time matched section by section with the text's blocks, which arrive
//! from the canonicalizer on another thread. Memory stays within a few
//! batches, whatever the size of the text or the number of its sections.

use crate::archive::container::{ReadError, ZipIn};
use crate::archive::manifest::{self, FormCheck, Header, SectionEntry};
use crate::crypto::keys::PublicKey;
use crate::crypto::sign::{self, StreamCheck};
use crate::digest::{FileDigests, Hasher, Tee};
use crate::limits::MAX_LISTED_PROBLEMS;
use crate::text::canon::{Canonicalizer, LineSplitter, ModeDetector};
use crate::text::decode::StreamDecoder;
use crate::text::sections::{BlockInfo, Claim, Digester, Matcher, Mismatches};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};

/// What the canonicalizer made of a stored original.
pub(super) struct CanonDigest {
    pub(super) sha256: String,
}

pub(super) struct Streamed {
    digests: FileDigests,
    canon: Option<Result<CanonDigest, String>>,
}

const STOP: &str = "\u{0}stop";

/// Blocks travel from the canonicalizer to the manifest reader in batches
/// of this many.
const BLOCK_BATCH: usize = 1024;
/// Batches on their way at most: with [`BLOCK_BATCH`], what bounds the
/// memory of matching a text with its manifest.
const BLOCK_BATCHES_IN_FLIGHT: usize = 8;
/// Section signatures checked together, on all cores.
const SIGNATURE_BATCH: usize = 4096;

/// Hands blocks on in batches. The last batch goes when the canonicalizer
/// drops it, having finished; a receiver gone (the manifest could not be
/// read) only stops the sending, not the hashing.
struct BlockSender {
    tx: SyncSender<Vec<BlockInfo>>,
    batch: Vec<BlockInfo>,
    open: bool,
}

impl BlockSender {
    fn push(&mut self, b: BlockInfo) {
        if self.open {
            self.batch.push(b);
            if self.batch.len() >= BLOCK_BATCH {
                self.send();
            }
        }
    }
    fn send(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        self.open = self.tx.send(batch).is_ok();
    }
}

impl Drop for BlockSender {
    fn drop(&mut self) {
        if self.open && !self.batch.is_empty() {
            self.send();
        }
    }
}

/// Stream a stored text twice: once to find its line mode (usually decided
/// within the first lines), once through the canonicalizer, which hands
/// each block to `emit`, and the hashes.
fn stream_original(
    zip: &ZipIn,
    name: &str,
    emit: impl FnMut(BlockInfo) + Send + 'static,
    progress: &AtomicU64,
) -> Result<Streamed, ReadError> {
    let mut det = ModeDetector::default();
    let mut dec = StreamDecoder::default();
    let mut split = LineSplitter::default();
    let mut decode_err = None;
    let r = zip.stream(name, |b| {
        let res = dec.push(b, &mut |t| split.push(t, &mut |p, e| det.push(p, e)));
        if let Err(e) = res {
            decode_err = Some(e.to_string());
            return Err(STOP.into());
        }
        if det.decided() {
            Err(STOP.into())
        } else {
            Ok(())
        }
    });
    match r {
        Ok(_) => {
            let _ = dec.finish(&mut |t| split.push(t, &mut |p, e| det.push(p, e)));
            split.finish(&mut |p, e| det.push(p, e));
        }
        Err(ReadError::Invalid(m)) if m.ends_with(STOP) => {}
        Err(e) => return Err(e),
    }
    if let Some(e) = decode_err {
        let digests = stream_plain(zip, name, progress)?;
        return Ok(Streamed {
            digests,
            canon: Some(Err(e)),
        });
    }
    let mode = det.mode();
    let mut hasher = Hasher::default();
    let mut dec = StreamDecoder::default();
    let mut split = LineSplitter::default();
    let mut canon = Canonicalizer::new(Digester::new(emit), mode);
    let mut decode_err = None;
    zip.stream(name, |b| {
        hasher.update(b);
        progress.fetch_add(b.len() as u64, Ordering::Relaxed);
        if decode_err.is_none() {
            if let Err(e) = dec.push(b, &mut |t| split.push(t, &mut |p, e| canon.push(p, e))) {
                decode_err = Some(e.to_string());
            }
        }
        Ok(())
    })?;
    if decode_err.is_none() {
        if let Err(e) = dec.finish(&mut |t| split.push(t, &mut |p, e| canon.push(p, e))) {
            decode_err = Some(e.to_string());
        }
        split.finish(&mut |p, e| canon.push(p, e));
    }
    let sha256 = canon.finish().finish();
    Ok(Streamed {
        digests: hasher.finish(),
        canon: Some(match decode_err {
            Some(e) => Err(e),
            None => Ok(CanonDigest { sha256 }),
        }),
    })
}

pub(super) fn stream_plain(
    zip: &ZipIn,
    name: &str,
    progress: &AtomicU64,
) -> Result<FileDigests, ReadError> {
    let mut h = Hasher::default();
    zip.stream(name, |b| {
        h.update(b);
        progress.fetch_add(b.len() as u64, Ordering::Relaxed);
        Ok(())
    })?;
    Ok(h.finish())
}

/// A version manifest read once: its header, and the digests of its bytes.
pub(super) struct ManifestRead {
    pub(super) digests: FileDigests,
    pub(super) hashes: sign::FileHashes,
    pub(super) header: Result<Header, String>,
}

/// First reading of a manifest: the header (sections only counted) and
/// every digest its signatures and the bag and OCFL manifests need.
pub(super) fn read_manifest(
    zip: &ZipIn,
    name: &str,
    progress: &AtomicU64,
) -> Result<ManifestRead, ReadError> {
    use sha2::Digest;
    let mut sha256 = sha2::Sha256::new();
    let mut len = 0u64;
    let mut sig_hashes = sign::FileHasher::default();
    let header = zip.read_with(name, |r| {
        let mut tee = Tee::new(r, |b: &[u8]| {
            sha256.update(b);
            len += b.len() as u64;
            sig_hashes.update(b);
            progress.fetch_add(b.len() as u64, Ordering::Relaxed);
        });
        let header = Header::read(&mut tee);
        // The rest, if the header stopped short, still goes through the
        // hashes; damaged data is the finding then.
        std::io::copy(&mut tee, &mut std::io::sink()).map_err(|e| e.to_string())?;
        Ok(header)
    })?;
    let hashes = sig_hashes.finish();
    // The SHA-512 the SSH signature covers is the one OCFL records.
    let digests = FileDigests {
        sha256: hex::encode(sha256.finalize()),
        sha512: hex::encode(hashes.sha512),
        len,
    };
    Ok(ManifestRead {
        digests,
        hashes,
        header,
    })
}

/// Section signatures, checked in batches on all cores as the manifest
/// streams past.
struct SectionSignatures<'a> {
    key: Option<&'a PublicKey>,
    archive_id: &'a str,
    version: u32,
    batch: Vec<SectionEntry>,
    /// Sections whose signature does not verify: the first ones, and how
    /// many.
    bad: (Vec<String>, u64),
}

impl SectionSignatures<'_> {
    fn push(&mut self, e: SectionEntry) {
        if self.key.is_some() {
            self.batch.push(e);
            if self.batch.len() >= SIGNATURE_BATCH {
                self.check();
            }
        }
    }
    fn check(&mut self) {
        let Some(k) = self.key else { return };
        let (archive_id, version) = (self.archive_id, self.version);
        let bad: Vec<&str> = self
            .batch
            .par_iter()
            .with_min_len(64)
            .filter(|s| {
                !sign::verify_hex(
                    k,
                    &sign::section_message(archive_id, version, &s.id, &s.sha256),
                    &s.signature,
                )
            })
            .map(|s| s.id.as_str())
            .collect();
        self.bad.1 += bad.len() as u64;
        let room = MAX_LISTED_PROBLEMS.saturating_sub(self.bad.0.len());
        self.bad
            .0
            .extend(bad.into_iter().take(room).map(str::to_owned));
        self.batch.clear();
    }
}

/// What reading a manifest's sections again found, against the text
/// re-derived from the version's original.
pub(super) struct SectionsChecked {
    /// What the canonicalizer made of the original, if it could be read.
    pub(super) canon: Option<Result<CanonDigest, String>>,
    /// Why the sections could not be read, if they could not.
    pub(super) unreadable: Option<String>,
    /// The manifest is in canonical form.
    pub(super) canonical_form: bool,
    /// The raw `.sig` signature verifies (`None`: no trusted key to check).
    pub(super) raw_signature: Option<bool>,
    /// Sections that do not match the text.
    pub(super) mismatches: Mismatches,
    /// Sections the manifest lists.
    pub(super) claims: u64,
    /// Sections of the text (counted when the manifest could be read).
    pub(super) text_sections: u64,
    /// Section signatures that do not verify.
    pub(super) bad_signatures: (Vec<String>, u64),
}

/// Second reading of a manifest, its sections streamed and matched, one by
/// one, with the blocks of the text re-derived from the original (on
/// another thread, at the same time), their signatures checked by `key`,
/// and the raw signature over the whole manifest checked as it passes.
/// Memory stays within a few batches whatever the number of sections.
pub(super) fn check_sections(
    zip: &ZipIn,
    original: &str,
    manifest: &str,
    (h, stored): (&Header, &FileDigests),
    signer: Option<(&PublicKey, Option<&[u8]>)>,
    progress: &AtomicU64,
) -> (Result<FileDigests, ReadError>, SectionsChecked) {
    let key = signer.map(|(k, _)| k);
    let (tx, rx) = sync_channel::<Vec<BlockInfo>>(BLOCK_BATCHES_IN_FLIGHT);
    std::thread::scope(|s| {
        let producer = s.spawn(move || {
            let mut sender = BlockSender {
                tx,
                batch: Vec::new(),
                open: true,
            };
            stream_original(zip, original, move |b| sender.push(b), progress)
        });
        let mut blocks = rx.into_iter().flatten();
        let mut matcher = Matcher::default();
        let mut form = FormCheck::new(h);
        let mut raw = signer.and_then(|(k, sig)| Some(StreamCheck::new(k, sig?)));
        let mut sigs = SectionSignatures {
            key,
            archive_id: &h.archive_id,
            version: h.version,
            batch: Vec::new(),
            bad: (Vec::new(), 0),
        };
        let mut claims = 0u64;
        let mut text_sections = 0u64;
        let read_again = zip.read_with(manifest, |r| {
            let mut tee = Tee::new(r, |b: &[u8]| {
                if let Some(c) = &mut raw {
                    c.update(b);
                }
            });
            let res = manifest::for_each_section(&mut tee, |e| {
                claims += 1;
                form.section(&e);
                if let Some(b) = blocks.next() {
                    text_sections += 1;
                    matcher.push(
                        &b,
                        &Claim {
                            id: &e.id,
                            kind: e.kind,
                            number: e.number,
                            start: e.start,
                            len: e.len,
                            sha256: &e.sha256,
                        },
                    );
                }
                sigs.push(e);
            });
            std::io::copy(&mut tee, &mut std::io::sink()).map_err(|e| e.to_string())?;
            Ok(res)
        });
        sigs.check();
        let unreadable = match read_again {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e),
            Err(e) => Some(e.to_string()),
        };
        if unreadable.is_none() {
            // The text's blocks past the manifest's last section.
            text_sections += blocks.by_ref().count() as u64;
        }
        // A manifest that stopped short leaves the canonicalizer nobody
        // to send to: it goes on hashing.
        drop(blocks);
        let original = producer
            .join()
            .unwrap_or_else(|_| Err(ReadError::Invalid("canonicalizer failed".into())));
        let canonical_form = unreadable.is_none() && form.matches(&stored.sha256, stored.len);
        let (digests, canon) = match original {
            Ok(s) => (Ok(s.digests), s.canon),
            Err(e) => (Err(e), None),
        };
        let c = SectionsChecked {
            canon,
            unreadable,
            canonical_form,
            raw_signature: raw.map(StreamCheck::verifies),
            mismatches: matcher.finish(),
            claims,
            text_sections,
            bad_signatures: sigs.bad,
        };
        (digests, c)
    })
}
