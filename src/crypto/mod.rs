//! Keys and signatures: Ed25519 key pairs and key files ([`keys`]), and the
//! signature forms standard tools check ([`sign`]).

pub mod keys;
pub mod sign;
