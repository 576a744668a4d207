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
        // JSON's escapes (`\b` and `\f`, and `\u` of a control character, are not text and stay
        // as written), and `\'`, which some encoders write.
        let escape = match super::json_record::escape_at(&bytes[k..]) {
            Some((c, len)) if !c.is_control() || matches!(c, '\n' | '\r' | '\t') => Some((c, len)),
            Some(_) => None,
            None => (bytes.get(k + 1) == Some(&b'\'')).then_some(('\'', 2)),
        };
        let Some((c, len)) = escape else {
            from = k + 1;
            continue;
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
