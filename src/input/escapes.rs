//! Text escaped twice: a record whose text field holds the JSON string of the text, escapes and
//! all ("Officials said.\nThe talks...", "\u2019", "\"quoted\""), as exports that encode a
//! field before writing it as JSON leave it. Read as written, its paragraphs are one line with
//! "\n" glued to the words at either side, so the first word of each paragraph reads as a
//! garbled word and the headline as part of the first sentence: on 150 clean BBC originals
//! escaped so, scores moved by -12.2 to +10.0 points (`scripts/input_variants.py`, form
//! `json-escaped`).
//!
//! Decoded only when the text holds at least two escaped line breaks (`\n`, `\r`) and more of
//! them than real ones: prose that mentions an escape ("type \n for a new line") keeps it.
//! Then `\n`, `\r`, `\t`, `\"`, `\'`, `\\`, `\/` and `\uXXXX` (a surrogate pair as one
//! character; a lone surrogate or a control character stays as written) are read as what they
//! stand for; any other backslash stays.

/// Escaped line breaks a text needs (and more than its real ones) to be decoded.
const MIN_ESCAPED_BREAKS: usize = 2;

/// Whether `text` is a JSON string body written as text (see the module).
fn escaped_twice(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut escaped, mut real) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'\\', b'\n', &bytes[i..]) {
        let k = i + off;
        if bytes[k] == b'\n' {
            real += 1;
            i = k + 1;
            continue;
        }
        match bytes.get(k + 1) {
            Some(b'n' | b'r') => escaped += 1,
            None => break,
            _ => {}
        }
        // The escaped character is skipped too: `\\n` is a backslash and an "n".
        i = k + 2;
    }
    escaped >= MIN_ESCAPED_BREAKS && escaped > real
}

/// The four hex digits at `bytes[at..at + 4]` as a number.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    let s = std::str::from_utf8(digits).ok()?;
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// The character of a `\uXXXX` escape at `bytes[at] == b'\\'` (with the low half of a surrogate
/// pair after it) and the escape's length; `None` for a lone surrogate, a control character or
/// no escape.
fn unicode_at(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let hi = hex4(bytes, at + 2)?;
    if (0xD800..0xDC00).contains(&hi) {
        if bytes.get(at + 6..at + 8) != Some(b"\\u") {
            return None;
        }
        let lo = hex4(bytes, at + 8)?;
        if !(0xDC00..0xE000).contains(&lo) {
            return None;
        }
        let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?;
        return Some((c, 12));
    }
    let c = char::from_u32(hi)?;
    (!c.is_control()).then_some((c, 6))
}

/// `text` with its escapes read when it was escaped twice (see the module), or `None` (no copy
/// is made). Linear.
pub fn decode(text: &str) -> Option<String> {
    if !escaped_twice(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'\\', &bytes[from..]) {
        let k = from + off;
        let (c, len) = match bytes.get(k + 1) {
            Some(b'n') => ('\n', 2),
            Some(b'r') => ('\r', 2),
            Some(b't') => ('\t', 2),
            Some(b'"') => ('"', 2),
            Some(b'\'') => ('\'', 2),
            Some(b'\\') => ('\\', 2),
            Some(b'/') => ('/', 2),
            Some(b'u') => match unicode_at(bytes, k) {
                Some(x) => x,
                None => {
                    from = k + 1;
                    continue;
                }
            },
            _ => {
                from = k + 1;
                continue;
            }
        };
        out.push_str(&text[last..k]);
        out.push(c);
        last = k + len;
        from = last;
    }
    out.push_str(&text[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_string_body_is_read_as_its_text() {
        assert_eq!(
            decode(r#"Talks end\n\nBiden\u2019s envoy said \"no\".\r\nIt is over.\tDone \\ \/ \ud83d\ude00"#)
                .as_deref(),
            Some("Talks end\n\nBiden\u{2019}s envoy said \"no\".\r\nIt is over.\tDone \\ / \u{1f600}")
        );
    }

    #[test]
    fn text_with_its_own_line_breaks_or_one_escape_stays() {
        for text in [
            "Type \\n for a new line.",
            "One \\n and\nanother \\n with\ntwo real\nbreaks.",
            "C:\\new\\rates and C:\\notes\nline\nline\nline",
            "No escapes at all.",
            "",
            "\\",
            "a\\nb\\",
        ] {
            assert_eq!(decode(text), None, "{text:?}");
        }
        // An escaped backslash before an "n" is no line break.
        assert_eq!(decode("a\\\\nb\\\\nc"), None);
    }

    #[test]
    fn bad_unicode_escapes_stay_as_written() {
        assert_eq!(
            decode("x\\n\\ny \\ud83d alone, \\u00 short, \\u0007 bell, \\uZZZZ, \\q").as_deref(),
            Some("x\n\ny \\ud83d alone, \\u00 short, \\u0007 bell, \\uZZZZ, \\q")
        );
    }

    #[test]
    fn long_runs_cost_linear_time() {
        for unit in ["\\n", "\\u", "\\ud83d", "\\"] {
            let text = unit.repeat(2_000_000 / unit.len());
            let start = std::time::Instant::now();
            let _ = decode(&text);
            assert!(start.elapsed().as_secs() < 5, "{unit:?}");
        }
    }
}
