//! Comparing texts: word alignment ([`align`]) and change classes
//! ([`changes`]), on Myers' algorithm ([`myers`]), shared by checking copies ([`check`]) and diffing versions
//! ([`diff`]).

pub mod align;
pub mod changes;
pub mod check;
pub mod diff;
pub mod myers;
