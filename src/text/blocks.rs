//! Bytes 64 at a time: the unit of the scans that classify bytes into bit
//! masks (one bit a byte), the prefilter's and the token count's. With SSE2
//! (every x86-64 processor has it) a block is classified sixteen bytes an
//! instruction; each scan keeps a byte-by-byte classifier beside it, which
//! its tests hold the fast one to.

/// Bytes in a block: one bit each in a `u64` mask.
pub(crate) const BLOCK: usize = 64;

/// The bytes of the block at `at`, `pad` past the end of `bytes` (a byte
/// the scan treats as the end of the text).
#[inline]
pub(crate) fn padded(bytes: &[u8], at: usize, pad: u8) -> std::borrow::Cow<'_, [u8; BLOCK]> {
    match bytes.get(at..at + BLOCK) {
        Some(b) => std::borrow::Cow::Borrowed(b.try_into().expect("a block")),
        None => {
            let mut b = [pad; BLOCK];
            b[..bytes.len() - at].copy_from_slice(&bytes[at..]);
            std::borrow::Cow::Owned(b)
        }
    }
}

/// SSE2 pieces the classifiers share. Each is an intrinsic or two, which
/// Rust calls unsafe outside a function compiled for SSE2; the cfg below
/// makes every one of them sound (x86-64 has SSE2 by definition).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) mod sse2 {
    use super::BLOCK;
    use std::arch::x86_64::*;

    /// Bytes `16 * k .. 16 * k + 16` of a block (`k` < 4).
    #[inline(always)]
    pub(crate) fn load(b: &[u8; BLOCK], k: usize) -> __m128i {
        assert!(k < BLOCK / 16);
        // SAFETY: SSE2 is enabled (the cfg of this module), and the load
        // reads 16 bytes inside `b` (checked above), unaligned.
        unsafe { _mm_loadu_si128(b.as_ptr().add(16 * k).cast()) }
    }

    /// Every byte `c`.
    #[inline(always)]
    pub(crate) fn splat(c: u8) -> __m128i {
        // SAFETY: SSE2 is enabled (the cfg of this module).
        unsafe { _mm_set1_epi8(c as i8) }
    }

    /// Bytes set in either.
    #[inline(always)]
    pub(crate) fn or(a: __m128i, b: __m128i) -> __m128i {
        // SAFETY: SSE2 is enabled (the cfg of this module).
        unsafe { _mm_or_si128(a, b) }
    }

    /// Bytes equal to `c`.
    #[inline(always)]
    pub(crate) fn eq(v: __m128i, c: u8) -> __m128i {
        // SAFETY: SSE2 is enabled (the cfg of this module).
        unsafe { _mm_cmpeq_epi8(v, splat(c)) }
    }

    /// Bytes in `lo..=hi`, unsigned: min(x - lo, hi - lo) == x - lo.
    #[inline(always)]
    pub(crate) fn in_range(v: __m128i, lo: u8, hi: u8) -> __m128i {
        // SAFETY: SSE2 is enabled (the cfg of this module).
        unsafe {
            let d = _mm_sub_epi8(v, splat(lo));
            _mm_cmpeq_epi8(_mm_min_epu8(d, splat(hi - lo)), d)
        }
    }

    /// ASCII letters, either case.
    #[inline(always)]
    pub(crate) fn letters(v: __m128i) -> __m128i {
        in_range(or(v, splat(0x20)), b'a', b'z')
    }

    /// The top bit of each byte, as the bits `16 * k ..` of a block mask.
    #[inline(always)]
    pub(crate) fn bits(v: __m128i, k: usize) -> u64 {
        // SAFETY: SSE2 is enabled (the cfg of this module).
        (unsafe { _mm_movemask_epi8(v) } as u16 as u64) << (16 * k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_tail_is_padded() {
        let b = padded(b"abc", 0, b' ');
        assert_eq!(&b[..4], b"abc ");
        assert_eq!(b[BLOCK - 1], b' ');
        let long = [7u8; 100];
        assert_eq!(padded(&long, 36, 0)[..], long[36..]);
        assert_eq!(padded(&long, 64, 0)[35], 7);
        assert_eq!(padded(&long, 64, 0)[36], 0);
    }
}
