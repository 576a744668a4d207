//! Input bytes to text: UTF-8; UTF-16 with a byte order mark (what Windows editors and
//! spreadsheet exports call "Unicode"); Windows-1252 for text with no UTF-8 in it (legacy
//! pages and exports write "don’t" as `don\x92t`, which a lossy UTF-8 decoder turns into
//! "don\u{fffd}t"); anything else lossily, as UTF-8 with replacement characters.

use std::borrow::Cow;

/// UTF-16 little-endian byte order mark.
pub const UTF16_LE_BOM: &[u8] = b"\xff\xfe";
/// UTF-16 big-endian byte order mark.
pub const UTF16_BE_BOM: &[u8] = b"\xfe\xff";

/// Windows-1252's characters for the bytes 0x80-0x9F (0xA0-0xFF are Latin-1's). Its five
/// undefined bytes stand for the C1 controls of the same number, as the WHATWG decoder has it.
pub const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}',
    '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// How bytes were made text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoding {
    /// Valid UTF-8, as it was.
    Utf8,
    /// No UTF-8 in it and not valid as UTF-8: read as Windows-1252.
    Windows1252,
    /// Invalid UTF-8 sequences beside valid multi-byte ones: replaced by U+FFFD.
    Lossy,
    /// UTF-16 behind a byte order mark (unpaired surrogates replaced by U+FFFD).
    Utf16,
}

impl Decoding {
    /// The warning a document read this way carries, if any.
    pub fn warning(self) -> Option<&'static str> {
        match self {
            Decoding::Utf8 | Decoding::Utf16 => None,
            Decoding::Windows1252 => Some(CP1252_WARNING),
            Decoding::Lossy => Some(LOSSY_WARNING),
        }
    }
}

/// Warning text for lossily decoded input.
pub const LOSSY_WARNING: &str = "invalid UTF-8 decoded lossily";

/// Warning text for input read as Windows-1252.
pub const CP1252_WARNING: &str = "not UTF-8: read as Windows-1252";

/// The character Windows-1252 writes as byte `b`.
pub fn cp1252_char(b: u8) -> char {
    match b {
        0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Decodes `bytes` that are not valid UTF-8: as Windows-1252 when no valid multi-byte UTF-8
/// sequence is among them (a legacy single-byte text), else as UTF-8 with replacements.
fn decode_invalid(bytes: &[u8]) -> (String, Decoding) {
    let any_utf8 = bytes.utf8_chunks().any(|c| !c.valid().is_ascii());
    if any_utf8 {
        (String::from_utf8_lossy(bytes).into_owned(), Decoding::Lossy)
    } else {
        (bytes.iter().map(|&b| cp1252_char(b)).collect(), Decoding::Windows1252)
    }
}

/// Decodes a record's or a field's bytes (no byte order mark handling: see [`decode_file`]).
pub fn decode(bytes: Vec<u8>) -> (String, Decoding) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, Decoding::Utf8),
        Err(e) => decode_invalid(e.as_bytes()),
    }
}

/// [`decode`] for bytes that are only looked at (a JSONL line before it is parsed): borrowed
/// when they are valid UTF-8.
pub fn decode_ref(bytes: &[u8]) -> (Cow<'_, str>, Decoding) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), Decoding::Utf8),
        Err(_) => {
            let (s, how) = decode_invalid(bytes);
            (Cow::Owned(s), how)
        }
    }
}

/// Whether `bytes` start with a UTF-16 byte order mark.
pub fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(UTF16_LE_BOM) || bytes.starts_with(UTF16_BE_BOM)
}

/// Decodes a whole file: UTF-16 when it starts with a byte order mark for it (the mark
/// dropped; an odd last byte is dropped too), else as [`decode`].
pub fn decode_file(bytes: Vec<u8>) -> (String, Decoding) {
    if !is_utf16(&bytes) {
        return decode(bytes);
    }
    let little = bytes.starts_with(UTF16_LE_BOM);
    let units = bytes[2..].chunks_exact(2).map(|p| {
        let pair = [p[0], p[1]];
        if little { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) }
    });
    let text = char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    (text, Decoding::Utf16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept() {
        assert_eq!(decode(b"ok".to_vec()), ("ok".to_string(), Decoding::Utf8));
        let s = "Biden’s café";
        assert_eq!(decode(s.as_bytes().to_vec()), (s.to_string(), Decoding::Utf8));
        assert!(matches!(decode_ref(s.as_bytes()), (Cow::Borrowed(_), Decoding::Utf8)));
    }

    #[test]
    fn legacy_single_byte_text_is_windows_1252() {
        // "Don’t “quote” me — café" as a Windows-1252 page writes it.
        let bytes = b"Don\x92t \x93quote\x94 me \x97 caf\xe9".to_vec();
        let (s, how) = decode(bytes.clone());
        assert_eq!(s, "Don’t “quote” me — café");
        assert_eq!(how, Decoding::Windows1252);
        assert_eq!(how.warning(), Some(CP1252_WARNING));
        assert_eq!(decode_ref(&bytes).0, "Don’t “quote” me — café");
        // The undefined bytes are their C1 controls.
        assert_eq!(decode(vec![b'a', 0x81]).0, "a\u{81}");
    }

    #[test]
    fn broken_utf8_beside_utf8_is_lossy() {
        // One stray byte in a text that also holds real UTF-8: the UTF-8 is kept.
        let mut bytes = "Biden’s ".as_bytes().to_vec();
        bytes.push(0xff);
        bytes.push(b'b');
        let (s, how) = decode(bytes);
        assert_eq!(s, "Biden’s \u{fffd}b");
        assert_eq!(how, Decoding::Lossy);
        assert_eq!(how.warning(), Some(LOSSY_WARNING));
    }

    #[test]
    fn utf16_files() {
        let text = "Putin’s call — 50 minutes 😀";
        let mut le = UTF16_LE_BOM.to_vec();
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = UTF16_BE_BOM.to_vec();
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_file(le.clone()), (text.to_string(), Decoding::Utf16));
        assert_eq!(decode_file(be), (text.to_string(), Decoding::Utf16));
        // An unpaired surrogate and an odd trailing byte.
        let mut bad = UTF16_LE_BOM.to_vec();
        bad.extend([0x00, 0xd8, b'a', 0x00, 0x41]);
        assert_eq!(decode_file(bad).0, "\u{fffd}a");
        // Without the mark, bytes are not UTF-16.
        assert_eq!(decode_file(b"plain".to_vec()).1, Decoding::Utf8);
    }

    #[test]
    fn cp1252_table_matches_its_definition() {
        for b in 0u8..=255 {
            let c = cp1252_char(b);
            if !(0x80..=0x9f).contains(&b) {
                assert_eq!(u32::from(c), u32::from(b));
            }
        }
        assert_eq!(cp1252_char(0x92), '’');
        assert_eq!(cp1252_char(0x80), '€');
        assert_eq!(cp1252_char(0x9f), 'Ÿ');
    }
}
