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

/// A UTF-16 stream (after its byte order mark) read as UTF-8: what [`decode_file`] gives for
/// a whole file, a buffer at a time, so record files (JSONL, CSV) in UTF-16 stream as UTF-8
/// ones. Unpaired surrogates become U+FFFD; an odd last byte is dropped.
pub struct Utf16Reader<R> {
    inner: R,
    little: bool,
    /// Bytes read and not yet decoded: a unit split between two reads, or the first bytes when
    /// they were not a byte order mark.
    carry: Vec<u8>,
    /// A high surrogate waiting for its pair.
    high: Option<u16>,
    /// UTF-8 decoded and not yet handed over, from `out_at`.
    out: Vec<u8>,
    out_at: usize,
    done: bool,
}

impl<R: std::io::BufRead> Utf16Reader<R> {
    /// Reads `inner`, whose first bytes are a UTF-16 byte order mark ([`is_utf16`]): the mark
    /// says the byte order and is dropped. Without one, little-endian is assumed.
    pub fn new(mut inner: R) -> std::io::Result<Self> {
        // The first two bytes, however the input hands them over.
        let mut head = Vec::with_capacity(2);
        while head.len() < 2 {
            let buf = inner.fill_buf()?;
            let Some(&b) = buf.first() else { break };
            head.push(b);
            inner.consume(1);
        }
        let little = !head.starts_with(UTF16_BE_BOM);
        if is_utf16(&head) {
            head.clear();
        }
        let mut r = Utf16Reader {
            inner,
            little,
            carry: Vec::new(),
            high: None,
            out: Vec::new(),
            out_at: 0,
            done: false,
        };
        r.carry = head;
        Ok(r)
    }

    /// The code unit of two bytes in the stream's byte order.
    fn unit(&self, pair: [u8; 2]) -> u16 {
        if self.little { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) }
    }

    fn push_char(&mut self, c: char) {
        let mut b = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }

    fn push_unit(&mut self, u: u16) {
        if let Some(h) = self.high.take() {
            if (0xdc00..=0xdfff).contains(&u) {
                let c = 0x10000 + ((u32::from(h) - 0xd800) << 10) + (u32::from(u) - 0xdc00);
                self.push_char(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                return;
            }
            self.push_char(char::REPLACEMENT_CHARACTER);
        }
        match u {
            0xd800..=0xdbff => self.high = Some(u),
            0xdc00..=0xdfff => self.push_char(char::REPLACEMENT_CHARACTER),
            _ => self.push_char(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
    }

    /// Decodes the next buffer of `inner` into `out` (empty at the end of the input).
    fn refill(&mut self) -> std::io::Result<()> {
        self.out.clear();
        self.out_at = 0;
        while self.out.is_empty() && !self.done {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                self.done = true;
                // First bytes that were not a mark, in an input of two or three bytes.
                if let [a, b, ..] = self.carry[..] {
                    self.push_unit(self.unit([a, b]));
                }
                if self.high.take().is_some() {
                    self.push_char(char::REPLACEMENT_CHARACTER);
                }
                break;
            }
            let mut bytes = std::mem::take(&mut self.carry);
            bytes.extend_from_slice(buf);
            let n = buf.len();
            self.inner.consume(n);
            let pairs = bytes.chunks_exact(2);
            self.carry = pairs.remainder().to_vec();
            for p in pairs {
                self.push_unit(self.unit([p[0], p[1]]));
            }
        }
        Ok(())
    }
}

impl<R: std::io::BufRead> std::io::Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.out_at >= self.out.len() {
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
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
    fn utf16_streams_read_as_decode_file_reads_them() {
        use std::io::Read;
        // A reader that hands over a few bytes at a time, so units and surrogate pairs are
        // split between reads at every offset.
        struct Trickle<'a>(&'a [u8], usize);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(self.0.len()).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let texts = [
            "{\"id\": \"a\", \"text\": \"Putin’s call — 50 minutes 😀 in Kyiv.\"}\n",
            "id,text\r\nb,\"Zürich 東京 𝔘𝔖 \"\"quoted\"\"\"\n",
            "",
        ];
        for text in texts {
            let mut cases: Vec<Vec<u8>> = Vec::new();
            for little in [true, false] {
                let mut b = if little { UTF16_LE_BOM.to_vec() } else { UTF16_BE_BOM.to_vec() };
                let unit = |u: u16| if little { u.to_le_bytes() } else { u.to_be_bytes() };
                b.extend(text.encode_utf16().flat_map(unit));
                cases.push(b.clone());
                // Unpaired surrogates (high then a letter, a lone low, a high at the end) and
                // an odd last byte.
                b.extend([0xd800, u16::from(b'x'), 0xdc00, 0xdbff].into_iter().flat_map(unit));
                cases.push(b.clone());
                b.push(0x41);
                cases.push(b);
            }
            // No mark: little-endian.
            cases.push(text.encode_utf16().flat_map(u16::to_le_bytes).collect());
            cases.push(b"a\x00".to_vec());
            cases.push(b"a\x00b".to_vec());
            for bytes in cases {
                let want = if is_utf16(&bytes) {
                    decode_file(bytes.clone()).0
                } else {
                    let mut marked = UTF16_LE_BOM.to_vec();
                    marked.extend(&bytes);
                    decode_file(marked).0
                };
                for step in [1, 2, 3, 5, 8, 4096] {
                    let inner = std::io::BufReader::with_capacity(step.max(2), Trickle(&bytes, step));
                    let mut got = String::new();
                    Utf16Reader::new(inner).unwrap().read_to_string(&mut got).unwrap();
                    assert_eq!(got, want, "step {step}");
                }
            }
        }
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
