//! Bytes of a circulated copy to text. Unlike the strict decoder of sealed
//! texts ([`crate::text::decode`]), copies come in whatever their tools
//! wrote: UTF-8, UTF-16 with or without a byte-order mark, Windows-1252
//! from Word, Windows-1256 for Persian and Arabic, ISO-8859-1.
//!
//! The rule, in order:
//!
//! 1. a byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE), strictly;
//! 2. `--encoding NAME` decides, invalid bytes becoming U+FFFD (noted);
//! 3. NUL bytes all at odd (or all at even) offsets are UTF-16LE (or BE)
//!    without a byte-order mark, decoded strictly; other NUL bytes are a
//!    binary file;
//! 4. valid UTF-8 is UTF-8;
//! 5. a charset the document declares (HTML `<meta charset>`, a MIME or
//!    HTTP `Content-Type`) decides;
//! 6. invalid UTF-8 among more valid multi-byte UTF-8 sequences than
//!    invalid ones is damaged UTF-8: an error naming the first bad offset,
//!    suggesting `--encoding`;
//! 7. anything else is a legacy encoding, guessed by chardetng (Firefox's
//!    detector) and decoded by encoding_rs.
//!
//! Every decoding other than UTF-8 is named in a note. ISO-8859-1 is
//! decoded as Windows-1252, its superset, as browsers do (WHATWG).

use super::DocumentError;
use encoding_rs::Encoding;
use std::borrow::Cow;

/// A decoded text and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding's name ("UTF-8", "windows-1252").
    pub encoding: &'static str,
    /// A note for the user, for anything but plain UTF-8.
    pub note: Option<String>,
}

/// Decode `bytes` by the rule above. `forced` is `--encoding`; `declared`
/// a charset label the document itself gives.
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
    declared: Option<&'static Encoding>,
) -> Result<Decoded, DocumentError> {
    decode_cow(Cow::Borrowed(bytes), forced, declared)
}

/// [`decode`] of bytes that may be given up (`Cow::Owned`): valid UTF-8
/// (rule 4, the usual case) then becomes the text without a copy, which
/// for a long copy spares a second buffer of its size.
pub fn decode_cow(
    bytes: Cow<'_, [u8]>,
    forced: Option<&'static Encoding>,
    declared: Option<&'static Encoding>,
) -> Result<Decoded, DocumentError> {
    if let Some((enc, bom)) = Encoding::for_bom(&bytes) {
        let body = &bytes[bom..];
        if body.is_empty() {
            return Err(DocumentError::Empty);
        }
        let text = strict(enc, body, bom)?;
        let note = (enc != encoding_rs::UTF_8)
            .then(|| format!("decoded as {} (byte-order mark)", enc.name()));
        return no_nul(text, enc.name(), note);
    }
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    if let Some(enc) = forced {
        return Ok(lossy(enc, &bytes, "--encoding"));
    }
    if let Some(first_nul) = memchr::memchr(0, &bytes) {
        if let Some(enc) = utf16_without_bom(&bytes) {
            if let Ok(text) = strict(enc, &bytes, 0) {
                if !text.contains('\0') {
                    return Ok(Decoded {
                        text,
                        encoding: enc.name(),
                        note: Some(format!(
                            "decoded as {} (no byte-order mark; detected)",
                            enc.name()
                        )),
                    });
                }
            }
        }
        return Err(DocumentError::Binary { offset: first_nul });
    }
    let bytes = match utf8(bytes) {
        Ok(text) => {
            return Ok(Decoded {
                text,
                encoding: "UTF-8",
                note: None,
            })
        }
        Err(bytes) => bytes,
    };
    let bytes = &bytes[..];
    if let Some(enc) = declared.filter(|e| *e != encoding_rs::UTF_8) {
        let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            // A page that says UTF-16 but has no NUL bytes is not UTF-16.
            encoding_rs::WINDOWS_1252
        } else {
            enc
        };
        return Ok(lossy(enc, bytes, "declared"));
    }
    let (valid_multibyte, invalid, first_bad) = utf8_census(bytes);
    if valid_multibyte > invalid {
        return Err(DocumentError::DamagedUtf8 { offset: first_bad });
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Deny);
    Ok(lossy(enc, bytes, "detected"))
}

/// Valid UTF-8 as a String, taking an owned buffer over whole; the bytes
/// back when they are not UTF-8.
fn utf8(bytes: Cow<'_, [u8]>) -> Result<String, Cow<'_, [u8]>> {
    match bytes {
        Cow::Owned(v) => String::from_utf8(v).map_err(|e| Cow::Owned(e.into_bytes())),
        Cow::Borrowed(b) => std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| Cow::Borrowed(b)),
    }
}

/// Decode with replacement, noting how and how many bytes were bad.
fn lossy(enc: &'static Encoding, bytes: &[u8], how: &str) -> Decoded {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let mut note = format!("decoded as {} ({how})", enc.name());
    if had_errors {
        let bad = text.matches('\u{FFFD}').count();
        note.push_str(&format!(
            "; {bad} invalid byte sequence{} shown as \u{FFFD}",
            if bad == 1 { "" } else { "s" }
        ));
    }
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        note: Some(note),
    }
}

/// Decode strictly; `skip` is added to offsets (bytes of a BOM).
fn strict(enc: &'static Encoding, body: &[u8], skip: usize) -> Result<String, DocumentError> {
    if enc == encoding_rs::UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => {
                let (valid_multibyte, invalid, _) = utf8_census(body);
                let offset = skip + e.valid_up_to();
                Err(if valid_multibyte > invalid {
                    DocumentError::DamagedUtf8 { offset }
                } else {
                    DocumentError::InvalidText {
                        encoding: "UTF-8",
                        offset,
                    }
                })
            }
        };
    }
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut out = String::with_capacity(cap);
    let (res, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match res {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, after) => Err(DocumentError::InvalidText {
            encoding: enc.name(),
            offset: skip + read.saturating_sub(bad as usize + after as usize),
        }),
        encoding_rs::DecoderResult::OutputFull => Err(DocumentError::InvalidText {
            encoding: enc.name(),
            offset: skip + read,
        }),
    }
}

fn no_nul(
    text: String,
    encoding: &'static str,
    note: Option<String>,
) -> Result<Decoded, DocumentError> {
    if let Some(p) = text.find('\0') {
        return Err(DocumentError::Binary { offset: p });
    }
    Ok(Decoded {
        text,
        encoding,
        note,
    })
}

/// UTF-16 without a BOM: NUL bytes (the high bytes of ASCII characters,
/// spaces and line breaks above all) all at odd offsets for little-endian,
/// all at even ones for big-endian. A text in any script has spaces or
/// line breaks; a binary file has NULs at both.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(1 << 16)];
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in sample.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let pairs = sample.len() / 2;
    // At least one NUL in 50 characters: a line break or a space.
    let enough = |n: usize| n * 50 >= pairs;
    if odd > 0 && even == 0 && enough(odd) {
        Some(encoding_rs::UTF_16LE)
    } else if even > 0 && odd == 0 && enough(even) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Valid multi-byte UTF-8 sequences, runs of invalid bytes, and the
/// offset of the first invalid byte.
fn utf8_census(bytes: &[u8]) -> (usize, usize, usize) {
    let (mut valid, mut invalid, mut first) = (0usize, 0usize, None);
    let mut offset = 0usize;
    let mut in_bad_run = false;
    for chunk in bytes.utf8_chunks() {
        let v = chunk.valid();
        valid += v.chars().filter(|c| !c.is_ascii()).count();
        offset += v.len();
        if !v.is_empty() {
            in_bad_run = false;
        }
        if !chunk.invalid().is_empty() {
            // A run of bad bytes (a broken sequence) counts once.
            invalid += usize::from(!in_bad_run);
            in_bad_run = true;
            first.get_or_insert(offset);
            offset += chunk.invalid().len();
        }
    }
    (valid, invalid, first.unwrap_or(0))
}

/// The encoding named by a charset label ("windows-1256", "latin1",
/// "utf-16"), as `--encoding` and documents name them.
pub fn for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp1252(s: &str) -> Vec<u8> {
        encoding_rs::WINDOWS_1252.encode(s).0.into_owned()
    }

    #[test]
    fn utf8_passes_without_a_note() {
        let d = decode("caf\u{e9} \u{2019}".as_bytes(), None, None).unwrap();
        assert_eq!(d.text, "caf\u{e9} \u{2019}");
        assert_eq!(d.note, None);
    }

    #[test]
    fn windows_1252_is_detected_and_named() {
        let src = "The women\u{2019}s rights \u{2013} \u{201c}quoted\u{201d} \u{2022} bullet, \
                   and the mullahs\u{2019} regime. ";
        let d = decode(&cp1252(&src.repeat(5)), None, None).unwrap();
        assert_eq!(d.text, src.repeat(5));
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(
            d.note.as_deref(),
            Some("decoded as windows-1252 (detected)")
        );
    }

    #[test]
    fn persian_in_windows_1256_is_detected() {
        // Windows-1256 has no Persian yeh (U+06CC): Persian files in it
        // carry the Arabic yeh (U+064A), as here.
        let src = "\u{628}\u{64a}\u{627}\u{646}\u{64a}\u{647} \u{67e}\u{627}\u{631}\u{64a}\u{633} \
                   \u{62f}\u{631} \u{628}\u{627}\u{631}\u{647} \u{62d}\u{642}\u{648}\u{642} \
                   \u{628}\u{634}\u{631} \u{648} \u{622}\u{632}\u{627}\u{62f}\u{64a} \u{627}\u{64a}\u{631}\u{627}\u{646}. ";
        let bytes = encoding_rs::WINDOWS_1256
            .encode(&src.repeat(4))
            .0
            .into_owned();
        let d = decode(&bytes, None, None).unwrap();
        assert_eq!(d.encoding, "windows-1256");
        assert_eq!(d.text, src.repeat(4));
    }

    #[test]
    fn utf16_without_bom_both_orders() {
        let s = "Over 300 Iranian associations\nparticipated.";
        let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(&le, None, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (s, "UTF-16LE"));
        assert!(d.note.unwrap().contains("no byte-order mark"));
        assert_eq!(decode(&be, None, None).unwrap().text, s);
        // Persian in UTF-16LE: the spaces carry the NUL bytes.
        let fa = "\u{628}\u{64a}\u{627}\u{646}\u{6cc}\u{647} \u{67e}\u{627}\u{631}\u{6cc}\u{633}";
        let le: Vec<u8> = fa.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le, None, None).unwrap().text, fa);
    }

    #[test]
    fn damaged_utf8_is_an_error_and_legacy_is_not() {
        let mut b = "women\u{2019}s rights \u{2014} and \u{201c}more\u{201d}"
            .as_bytes()
            .to_vec();
        b.insert(6, 0xFF);
        match decode(&b, None, None) {
            Err(DocumentError::DamagedUtf8 { offset: 5 }) => {}
            other => panic!("{other:?}"),
        }
        let msg = DocumentError::DamagedUtf8 { offset: 6 }.to_string();
        assert!(msg.contains("--encoding"), "{msg}");
        // Forcing an encoding reads it anyway.
        let d = decode(&b, Some(encoding_rs::WINDOWS_1252), None).unwrap();
        assert!(d.note.unwrap().contains("--encoding"));
    }

    #[test]
    fn declared_charset_wins_over_detection() {
        let b = cp1252("caf\u{e9}");
        let d = decode(&b, None, Some(encoding_rs::WINDOWS_1256)).unwrap();
        assert_eq!(d.encoding, "windows-1256");
        assert_eq!(
            d.note.as_deref(),
            Some("decoded as windows-1256 (declared)")
        );
    }

    #[test]
    fn latin1_label_means_windows_1252() {
        assert_eq!(for_label("ISO-8859-1"), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(for_label("windows-1256"), Some(encoding_rs::WINDOWS_1256));
        assert_eq!(for_label("no-such-thing"), None);
    }

    #[test]
    fn empty_bom_only_binary_and_bad_utf16() {
        assert_eq!(decode(b"", None, None), Err(DocumentError::Empty));
        assert_eq!(
            decode(b"\xEF\xBB\xBF", None, None),
            Err(DocumentError::Empty)
        );
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None, None),
            Err(DocumentError::Binary { .. })
        ));
        assert!(matches!(
            decode(b"\xFF\xFEa\0\0\xD8b\0", None, None),
            Err(DocumentError::InvalidText {
                encoding: "UTF-16LE",
                ..
            })
        ));
    }
}
