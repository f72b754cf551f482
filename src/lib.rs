//! vellum keeps a text honest after it leaves its authors.
//!
//! It seals a text into a signed, versioned archive (a BagIt bag holding an
//! OCFL object, zipped) whose sections are the leaves of a Merkle tree with
//! a signed checkpoint, verifies such archives against trusted keys, proves
//! single sections to anyone, checks circulated copies against them
//! (authentic, excerpt, altered: where and how, or unrelated) and diffs
//! versions section by section.
//!
//! Layers, from the ground up; each uses only those below it:
//!
//! ```text
//! report/     human, JSON and HTML renderings of every result
//! compare/    align, changes, check (copies), diff (versions)
//! seal/       writing the next version of an archive
//! prove       proofs of single sections
//! verify/     checking an archive (and loading a version), checking proofs
//! trust       trusted keys and the trust policy (holders, threshold, hand-overs)
//! timestamp   RFC 3161 queries and tokens, checked against trusted TSA certificates
//! archive/    layout, container (zip), bag, ocfl, manifest, tree, checkpoint, proof
//! crypto/     keys, sign, note (signed notes), merkle (RFC 9162 trees)
//! document/   documents that carry copies: text, HTML, Markdown, mail, DOCX, PDF, WARC
//! text/       decode, canon, sections, words
//! seen        versions verified here, for rollback warnings
//! digest, files, limits
//! ```
//!
//! The library never prints; the `vellum` binary (`src/bin/vellum/`) turns
//! results into output and exit codes.
//!
//! # What a program uses
//!
//! The crate root re-exports the commands and what they take and give:
//! [`seal()`] with [`SealOptions`], [`SealOutcome`] and [`SealError`];
//! [`verify()`] (a [`VerifyReport`]: a failed verification is a report, not
//! an error) and [`open_version`], which verifies what a verdict rests on
//! and loads one version; [`prove()`]; [`check_input`] and
//! [`check_versions`] over a [`Sealed`] text, giving a [`CheckReport`];
//! [`diff()`], giving a [`DiffReport`]; [`read_document`] for the documents
//! copies come in; [`Trust`], the keys and policy every verdict is relative
//! to. The layers' modules stay public because the `vellum` binary is a
//! program like any other and uses only what is public; what none of them
//! needs outside its own module is `pub(crate)`.
//!
//! # A first program
//!
//! A sealed text is read into its canonical sections; a copy is checked
//! against them passage by passage, and its changes come back located and
//! classed. (An archive's verified version gives the same sections:
//! [`verify::open_version`].)
//!
//! ```
//! use vellum::compare::check::{Status, Verdict};
//! use vellum::text::{canon::Canonical, sections};
//! use vellum::{check_input, Input, Sealed};
//!
//! let text = "Declaration\n\n\
//!     1. The convention was attended by delegates of 87 associations.\n\n\
//!     2. The regime is not the representative of the Iranian people.\n";
//! let sealed = Sealed::from_sections(sections::split_owned_hashed(Canonical::new(text)));
//!
//! // Reflowed onto one line, with a number changed.
//! let copy = "Declaration 1. The convention was attended by delegates of \
//!     97 associations. 2. The regime is not the representative of the \
//!     Iranian people.";
//! let input = Input { text: copy, ..Default::default() };
//! let report = check_input(&sealed, &input);
//! assert_eq!(report.verdict, Verdict::Altered);
//! let changed: Vec<&str> = report
//!     .sections
//!     .iter()
//!     .filter(|s| s.status == Status::Altered)
//!     .map(|s| s.id.as_str())
//!     .collect();
//! assert_eq!(changed, ["point-1"]);
//!
//! // The same words, only the layout changed: authentic.
//! let reflowed = copy.replace("97", "87");
//! let input = Input { text: &reflowed, ..Default::default() };
//! assert_eq!(check_input(&sealed, &input).verdict, Verdict::Authentic);
//! ```
#![deny(missing_docs)]

pub mod archive;
pub mod compare;
pub mod crypto;
pub mod digest;
pub mod document;
pub mod files;
pub mod limits;
pub mod prove;
pub mod report;
pub mod seal;
pub mod seen;
pub mod text;
pub mod timestamp;
pub mod trust;
pub mod verify;

pub use compare::check::{check_input, check_versions, CheckReport, Input, Sealed};
pub use compare::diff::{diff, DiffReport};
pub use document::{read as read_document, Document};
pub use prove::{prove, ProveError};
pub use seal::{seal, SealError, SealOptions, SealOutcome};
pub use trust::Trust;
pub use verify::{open_version, verify, Report as VerifyReport};
