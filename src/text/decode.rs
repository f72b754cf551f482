//! Bytes in, Unicode text out: the decoding step of the canonical text.
//!
//! Accepted: UTF-8 (a leading BOM is dropped) and UTF-16 with a BOM. Anything
//! else is rejected with the byte offset of the first bad byte, so a user can
//! open the file and look. This is the strict decoder of texts that are
//! sealed; documents that carry copies are read by [`crate::document`].

use std::fmt;

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The file holds no bytes at all (or only a BOM).
    Empty,
    /// A byte sequence that is not valid in the detected encoding.
    Invalid {
        /// The encoding that was being decoded.
        encoding: &'static str,
        /// Offset of the first bad byte, counted from the start of the file.
        offset: usize,
    },
    /// Decodable, but not readable as a text (e.g. HTML nested absurdly deep).
    Unreadable(String),
    /// A NUL byte or other sign of a binary file.
    Binary {
        /// Offset of the first NUL byte.
        offset: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "empty file: there is no text to read"),
            DecodeError::Invalid { encoding, offset } => {
                write!(f, "not valid {encoding}: bad byte at offset {offset}")
            }
            DecodeError::Unreadable(m) => f.write_str(m),
            DecodeError::Binary { offset } => {
                write!(f, "binary data, not text: NUL byte at offset {offset}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// The UTF-8 byte order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// The UTF-16 little-endian byte order mark.
pub const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
/// The UTF-16 big-endian byte order mark.
pub const UTF16BE_BOM: &[u8] = b"\xFE\xFF";

/// The encoding a text was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8 without BOM.
    Utf8,
    /// UTF-8 with a BOM (dropped).
    Utf8Bom,
    /// UTF-16 LE with BOM.
    Utf16Le,
    /// UTF-16 BE with BOM.
    Utf16Be,
}

/// Decode bytes following the canonical-text rules, borrowing them when
/// they are UTF-8 (with or without a BOM): a large text is not copied.
pub fn decode_borrowed(bytes: &[u8]) -> Result<(std::borrow::Cow<'_, str>, Encoding), DecodeError> {
    let (enc, body, skip) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (Encoding::Utf8Bom, rest, UTF8_BOM.len()),
        None if bytes.starts_with(UTF16LE_BOM) || bytes.starts_with(UTF16BE_BOM) => {
            return decode(bytes).map(|(s, e)| (std::borrow::Cow::Owned(s), e))
        }
        None => (Encoding::Utf8, bytes, 0),
    };
    if body.is_empty() {
        return Err(DecodeError::Empty);
    }
    let text = std::str::from_utf8(body).map_err(|e| DecodeError::Invalid {
        encoding: "UTF-8",
        offset: skip + e.valid_up_to(),
    })?;
    if let Some(pos) = memchr::memchr(0, text.as_bytes()) {
        return Err(DecodeError::Binary { offset: skip + pos });
    }
    Ok((std::borrow::Cow::Borrowed(text), enc))
}

/// Decode bytes to a string following the canonical-text rules, taking
/// the buffer over (no copy) when it is UTF-8 without a BOM.
pub fn decode_vec(bytes: Vec<u8>) -> Result<(String, Encoding), DecodeError> {
    let has_bom = [UTF8_BOM, UTF16LE_BOM, UTF16BE_BOM]
        .iter()
        .any(|b| bytes.starts_with(b));
    if has_bom || bytes.is_empty() {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => reject_nul(text, Encoding::Utf8, 0),
        Err(e) => Err(DecodeError::Invalid {
            encoding: "UTF-8",
            offset: e.utf8_error().valid_up_to(),
        }),
    }
}

/// Decode bytes to a string following the canonical-text rules.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    let (enc, body, skip) = if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        (Encoding::Utf8Bom, rest, UTF8_BOM.len())
    } else if let Some(rest) = bytes.strip_prefix(UTF16LE_BOM) {
        (Encoding::Utf16Le, rest, 2)
    } else if let Some(rest) = bytes.strip_prefix(UTF16BE_BOM) {
        (Encoding::Utf16Be, rest, 2)
    } else {
        (Encoding::Utf8, bytes, 0)
    };
    if body.is_empty() {
        return Err(DecodeError::Empty);
    }
    let text = match enc {
        Encoding::Utf8 | Encoding::Utf8Bom => match std::str::from_utf8(body) {
            Ok(s) => s.to_owned(),
            Err(e) => {
                return Err(DecodeError::Invalid {
                    encoding: "UTF-8",
                    offset: skip + e.valid_up_to(),
                })
            }
        },
        Encoding::Utf16Le | Encoding::Utf16Be => decode_utf16(body, enc == Encoding::Utf16Le)
            .map_err(|off| DecodeError::Invalid {
                encoding: "UTF-16",
                offset: skip + off,
            })?,
    };
    reject_nul(text, enc, skip)
}

/// A decoded text holding NUL is a binary file (`skip`: bytes of BOM).
fn reject_nul(text: String, enc: Encoding, skip: usize) -> Result<(String, Encoding), DecodeError> {
    if let Some(pos) = text.find('\0') {
        // Report the offset in the original file's terms for UTF-8, which is
        // where binary files end up; for UTF-16 it is approximate by design.
        let offset = match enc {
            Encoding::Utf8 | Encoding::Utf8Bom => skip + pos,
            _ => skip + 2 * text[..pos].encode_utf16().count(),
        };
        return Err(DecodeError::Binary { offset });
    }
    Ok((text, enc))
}

/// Strict UTF-16 decoding through encoding_rs: an unpaired surrogate or an odd
/// trailing byte is an error, reported with its byte offset.
fn decode_utf16(body: &[u8], le: bool) -> Result<String, usize> {
    let encoding = if le {
        encoding_rs::UTF_16LE
    } else {
        encoding_rs::UTF_16BE
    };
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len() * 3);
    let mut out = String::with_capacity(cap);
    let mut consumed = 0usize;
    loop {
        let (res, read) =
            decoder.decode_to_string_without_replacement(&body[consumed..], &mut out, true);
        consumed += read;
        match res {
            encoding_rs::DecoderResult::InputEmpty => return Ok(out),
            encoding_rs::DecoderResult::OutputFull => {
                out.reserve(body.len().max(16));
            }
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                return Err(consumed.saturating_sub(bad as usize + after as usize));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Borrowed or not, decoding gives the same text and the same errors.
    #[test]
    fn decoding_borrowed_is_decoding() {
        let le: Vec<u8> = [0xFF, 0xFE, b'h', 0, 0, 0xD8, b'b', 0].to_vec();
        for b in [
            &b"abc"[..],
            b"\xEF\xBB\xBFabc",
            b"",
            b"\xEF\xBB\xBF",
            b"ab\0c",
            b"\xEF\xBB\xBFa\0",
            b"abc\xFFdef",
            b"\xEF\xBB\xBFab\xC3",
            &le,
            &le[..4],
        ] {
            assert_eq!(
                decode_borrowed(b).map(|(s, e)| (s.into_owned(), e)),
                decode(b),
                "{b:?}"
            );
            assert_eq!(decode_vec(b.to_vec()), decode(b), "{b:?}, taken over");
        }
        assert!(matches!(
            decode_borrowed(b"abc").unwrap().0,
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"abc").unwrap(), ("abc".into(), Encoding::Utf8));
        assert_eq!(
            decode(b"\xEF\xBB\xBFabc").unwrap(),
            ("abc".into(), Encoding::Utf8Bom)
        );
    }

    #[test]
    fn utf16_both_orders() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("h\u{e9}".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&le).unwrap().0, "h\u{e9}");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("h\u{e9}".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(decode(&be).unwrap().0, "h\u{e9}");
    }

    #[test]
    fn bad_bytes_are_located() {
        assert_eq!(
            decode(b"abc\xFFdef"),
            Err(DecodeError::Invalid {
                encoding: "UTF-8",
                offset: 3
            })
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFab\xC3"),
            Err(DecodeError::Invalid {
                encoding: "UTF-8",
                offset: 5
            })
        );
        // Latin-1 text is not guessed at: it is refused.
        assert!(matches!(
            decode(b"caf\xE9"),
            Err(DecodeError::Invalid { offset: 3, .. })
        ));
        // An unpaired surrogate in UTF-16.
        let bad = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        assert!(matches!(
            decode(&bad),
            Err(DecodeError::Invalid {
                encoding: "UTF-16",
                ..
            })
        ));
    }

    #[test]
    fn empty_and_binary() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(UTF8_BOM), Err(DecodeError::Empty));
        assert_eq!(decode(b"ab\0cd"), Err(DecodeError::Binary { offset: 2 }));
    }
}

/// Decodes a byte stream chunk by chunk with the same rules as [`decode`],
/// handing out text in pieces. Memory stays bounded by the chunk size.
pub struct StreamDecoder {
    state: StreamState,
    head: Vec<u8>,
    carry: Vec<u8>,
    offset: usize,
    seen_text: bool,
    out: String,
}

enum StreamState {
    Start,
    Utf8,
    Utf16(Box<encoding_rs::Decoder>),
}

impl Default for StreamDecoder {
    fn default() -> Self {
        StreamDecoder {
            state: StreamState::Start,
            head: Vec::new(),
            carry: Vec::new(),
            offset: 0,
            seen_text: false,
            out: String::new(),
        }
    }
}

impl StreamDecoder {
    /// Feed bytes; `f` receives decoded text.
    pub fn push(&mut self, bytes: &[u8], f: &mut impl FnMut(&str)) -> Result<(), DecodeError> {
        if let StreamState::Start = self.state {
            self.head.extend_from_slice(bytes);
            if self.head.len() < 3 {
                return Ok(());
            }
            let head = std::mem::take(&mut self.head);
            return self.start(&head, f);
        }
        self.feed(bytes, false, f)
    }

    fn start(&mut self, head: &[u8], f: &mut impl FnMut(&str)) -> Result<(), DecodeError> {
        let (state, skip) = if head.starts_with(UTF8_BOM) {
            (StreamState::Utf8, 3)
        } else if head.starts_with(UTF16LE_BOM) {
            (
                StreamState::Utf16(Box::new(
                    encoding_rs::UTF_16LE.new_decoder_without_bom_handling(),
                )),
                2,
            )
        } else if head.starts_with(UTF16BE_BOM) {
            (
                StreamState::Utf16(Box::new(
                    encoding_rs::UTF_16BE.new_decoder_without_bom_handling(),
                )),
                2,
            )
        } else {
            (StreamState::Utf8, 0)
        };
        self.state = state;
        self.offset = skip;
        self.feed(&head[skip..], false, f)
    }

    fn feed(
        &mut self,
        bytes: &[u8],
        last: bool,
        f: &mut impl FnMut(&str),
    ) -> Result<(), DecodeError> {
        match &mut self.state {
            StreamState::Start => unreachable!("started before feeding"),
            StreamState::Utf8 => {
                let mut buf = std::mem::take(&mut self.carry);
                buf.extend_from_slice(bytes);
                let (good, rest) = match std::str::from_utf8(&buf) {
                    Ok(_) => (buf.len(), 0),
                    Err(e) => match e.error_len() {
                        None if !last => (e.valid_up_to(), buf.len() - e.valid_up_to()),
                        _ => {
                            return Err(DecodeError::Invalid {
                                encoding: "UTF-8",
                                offset: self.offset + e.valid_up_to(),
                            })
                        }
                    },
                };
                let text = std::str::from_utf8(&buf[..good]).expect("checked above");
                if let Some(p) = text.find('\0') {
                    return Err(DecodeError::Binary {
                        offset: self.offset + p,
                    });
                }
                self.seen_text |= !text.is_empty();
                f(text);
                self.offset += good;
                self.carry = buf[good..good + rest].to_vec();
                Ok(())
            }
            StreamState::Utf16(dec) => {
                let mut consumed = 0;
                loop {
                    self.out.clear();
                    self.out.reserve(bytes.len() * 3 / 2 + 16);
                    let (res, read) = dec.decode_to_string_without_replacement(
                        &bytes[consumed..],
                        &mut self.out,
                        last,
                    );
                    consumed += read;
                    if let Some(p) = self.out.find('\0') {
                        let _ = p;
                        return Err(DecodeError::Binary {
                            offset: self.offset + consumed,
                        });
                    }
                    self.seen_text |= !self.out.is_empty();
                    f(&self.out);
                    match res {
                        encoding_rs::DecoderResult::InputEmpty => break,
                        encoding_rs::DecoderResult::OutputFull => continue,
                        encoding_rs::DecoderResult::Malformed(bad, after) => {
                            return Err(DecodeError::Invalid {
                                encoding: "UTF-16",
                                offset: (self.offset + consumed)
                                    .saturating_sub(bad as usize + after as usize),
                            })
                        }
                    }
                }
                self.offset += consumed;
                Ok(())
            }
        }
    }

    /// End of input.
    pub fn finish(&mut self, f: &mut impl FnMut(&str)) -> Result<(), DecodeError> {
        if let StreamState::Start = self.state {
            let head = std::mem::take(&mut self.head);
            self.start(&head, f)?;
        }
        self.feed(&[], true, f)?;
        if !self.seen_text {
            return Err(DecodeError::Empty);
        }
        Ok(())
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    fn stream(bytes: &[u8], chunk: usize) -> Result<String, DecodeError> {
        let mut d = StreamDecoder::default();
        let mut out = String::new();
        for c in bytes.chunks(chunk.max(1)) {
            d.push(c, &mut |s| out.push_str(s))?;
        }
        d.finish(&mut |s| out.push_str(s))?;
        Ok(out)
    }

    #[test]
    fn stream_matches_whole_decoding() {
        let samples: Vec<Vec<u8>> = vec![
            "caf\u{e9} \u{2019}quoted\u{2019} \u{1F600}"
                .as_bytes()
                .to_vec(),
            [UTF8_BOM, "x\u{e9}y".as_bytes()].concat(),
            [
                UTF16LE_BOM.to_vec(),
                "h\u{e9}\u{1F600}"
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes())
                    .collect(),
            ]
            .concat(),
            [
                UTF16BE_BOM.to_vec(),
                "h\u{e9}"
                    .encode_utf16()
                    .flat_map(|u| u.to_be_bytes())
                    .collect(),
            ]
            .concat(),
            b"ab\xFFcd".to_vec(),
            b"ab\0cd".to_vec(),
            b"".to_vec(),
            b"abc\xE2\x80".to_vec(),
        ];
        for s in &samples {
            for chunk in [1, 2, 3, 5, 1000] {
                let whole = decode(s).map(|t| t.0);
                assert_eq!(stream(s, chunk), whole, "{s:?} chunk {chunk}");
            }
        }
    }
}
