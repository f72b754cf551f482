//! Text: bytes decoded strictly ([`decode`]), the canonical text
//! ([`canon`], `vellum-text-v1`), its sections ([`sections`]) and the word
//! tokens alignment compares ([`words`]).

pub(crate) mod blocks;
pub mod canon;
pub mod decode;
pub mod sections;
pub mod words;
