//! Line breaks other than `\n` and `\r\n`: `\r` in a text without `\n` (classic Mac files), the
//! Unicode line and paragraph separators U+2028 and U+2029 (JSON written from JavaScript strings)
//! and NEL (U+0085). Lines are cut on `\n` only, so a text whose paragraphs were separated by
//! those read as one paragraph: the first 150 clean BBC originals written so moved by -0.95 on
//! average (-11 to +9). Each becomes `\n` when a document is read. A stray `\r` in a text that
//! breaks its lines with `\n` is a control character, and stays one.

/// `text` with its other line breaks written as `\n`, or `None` when it has none (no copy is
/// made).
pub fn normalize(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mac = memchr::memchr(b'\n', bytes).is_none() && memchr::memchr(b'\r', bytes).is_some();
    let unicode = memchr::memmem::find(bytes, "\u{2028}".as_bytes()).is_some()
        || memchr::memmem::find(bytes, "\u{2029}".as_bytes()).is_some()
        || memchr::memmem::find(bytes, "\u{85}".as_bytes()).is_some();
    if !mac && !unicode {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' if mac => out.push('\n'),
            '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            _ => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_line_breaks_become_newlines() {
        assert_eq!(normalize("a\rb\rc\r").as_deref(), Some("a\nb\nc\n"));
        assert_eq!(normalize("a\r\nb\u{2028}c\u{2029}d\u{85}e").as_deref(), Some("a\r\nb\nc\nd\ne"));
        // With \n line ends, a stray \r is a control character and stays.
        assert_eq!(normalize("a\nb\rc\u{2028}d").as_deref(), Some("a\nb\rc\nd"));
    }

    #[test]
    fn unix_and_windows_line_ends_are_left_alone() {
        for text in ["", "one line", "a\nb\n", "a\r\nb\r\n", "done\r.\nnext", "caf\u{e9} \u{2019}"] {
            assert_eq!(normalize(text), None, "{text:?}");
        }
    }
}
