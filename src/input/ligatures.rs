//! Latin typographic ligatures (U+FB00-U+FB06: "ﬁ", "ﬂ", "ﬀ", "ﬃ", "ﬄ", "ﬅ", "ﬆ") written out
//! as their letters when a document is read. Text copied out of PDFs and some typeset pages
//! carries them; a word holding one ("ﬁnancial") is unknown to the reference model, and the
//! first 150 clean BBC originals with "fi" and "fl" written as ligatures scored 1.3 points
//! higher on average (up to 20). Unicode's compatibility decomposition (NFKC) maps them the same
//! way; nothing else is changed.

/// The letters of a ligature character, `None` for any other character.
fn letters(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{fb00}' => "ff",
        '\u{fb01}' => "fi",
        '\u{fb02}' => "fl",
        '\u{fb03}' => "ffi",
        '\u{fb04}' => "ffl",
        '\u{fb05}' | '\u{fb06}' => "st",
        _ => return None,
    })
}

/// `text` with its ligatures written out, or `None` when it has none (no copy is made).
pub fn expand(text: &str) -> Option<String> {
    // Every ligature is EF AC 80..86 in UTF-8: texts without an EF AC pair are left at once.
    let bytes = text.as_bytes();
    let first = memchr::memmem::find(bytes, &[0xef, 0xac])?;
    if !text[first..].chars().any(|c| letters(c).is_some()) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        match letters(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_become_letters() {
        assert_eq!(
            expand("The \u{fb01}nancial \u{fb02}ow, e\u{fb00}ort, o\u{fb03}ce, ba\u{fb04}ed, \u{fb06}op")
                .as_deref(),
            Some("The financial flow, effort, office, baffled, stop")
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        // U+FB13 (Armenian) and U+FB1D (Hebrew) share the EF AC lead bytes; they stay.
        for text in ["", "plain text", "caf\u{e9} \u{2019}", "\u{fb13} \u{fb1d}", "\u{fb4f}"] {
            assert_eq!(expand(text), None, "{text}");
        }
    }
}
