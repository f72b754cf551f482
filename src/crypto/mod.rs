//! Keys and signatures: Ed25519 key pairs, fingerprints and key files
//! ([`keys`]), the detached signature forms standard tools check
//! ([`sign`]), C2SP signed notes ([`note`]) and RFC 9162 Merkle trees
//! ([`merkle`]).

pub mod keys;
pub mod merkle;
pub(crate) mod note;
pub mod sign;
