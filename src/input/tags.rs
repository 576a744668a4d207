//! Stray HTML tags in text that is not a page, read as a reader sees them when a document is
//! read: a formatting tag (`<strong>`, `</em>`, `<span class="x">`, `<a href="...">`) goes and
//! leaves its words, an image tag goes, and a line break or block tag (`<br>`, `<p>`, `</div>`,
//! `<li>`) becomes a line break.
//!
//! Text fields of scraped records often keep a few tags of the page they came from. Read as
//! written, a tag's name and attributes read as words: with an inline tag pair around two words
//! in three paragraphs of ten, or a `<br>` after a paragraph's first sentence, the first 150
//! clean BBC originals moved by -3.6 to +9.9 and -3.3 to +13.1 points. Only tags of the names
//! below are read (any case), with attributes that hold no `<`; other angle brackets
//! (`x < y`, `<name@example.com>`, `<script>`) stay. A whole page goes to [`super::html`]
//! instead.

/// Formatting tags, dropped with their attributes.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "img",
    "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var", "wbr",
];

/// Tags that end a line: a line break, and blocks.
const BREAKS: &[&str] = &[
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "footer",
    "hr",
    "li",
    "ol",
    "p",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Longest tag read, in bytes (attributes included).
const MAX_TAG: usize = 1024;

/// What a tag starting at `bytes[i] == b'<'` is: its end (one past `>`) and whether it breaks
/// the line; `None` when it is not a tag of [`INLINE`] or [`BREAKS`].
fn tag_at(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    let mut k = i + 1;
    if bytes.get(k) == Some(&b'/') {
        k += 1;
    }
    let name_start = k;
    while k < bytes.len() && bytes[k].is_ascii_alphanumeric() && k - name_start < 12 {
        k += 1;
    }
    let name = &bytes[name_start..k];
    if name.is_empty() {
        return None;
    }
    let is = |list: &[&str]| list.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(name));
    let breaks = if is(BREAKS) {
        true
    } else if is(INLINE) {
        false
    } else {
        return None;
    };
    // Right after the name: the end, a self-closing slash, or white space before attributes.
    match bytes.get(k) {
        Some(b'>') => return Some((k + 1, breaks)),
        Some(b'/') if bytes.get(k + 1) == Some(&b'>') => return Some((k + 2, breaks)),
        Some(c) if c.is_ascii_whitespace() => {}
        _ => return None,
    }
    let limit = bytes.len().min(i + MAX_TAG);
    let close = bytes[k..limit].iter().position(|&c| c == b'>' || c == b'<')?;
    (bytes[k + close] == b'>').then_some((k + close + 1, breaks))
}

/// `text` with its stray tags read (see the module), or `None` when it has none (no copy is
/// made). Linear: each `<` is looked at once, over at most [`MAX_TAG`] bytes.
pub fn strip(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'<', &bytes[from..]) {
        let i = from + off;
        from = i + 1;
        let Some((end, breaks)) = tag_at(bytes, i) else { continue };
        let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
        o.push_str(&text[last..i]);
        if breaks && !o.ends_with('\n') && !o.is_empty() {
            o.push('\n');
        }
        last = end;
        from = end;
    }
    let mut o = out?;
    o.push_str(&text[last..]);
    Some(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> String {
        strip(text).unwrap_or_else(|| text.to_string())
    }

    #[test]
    fn formatting_tags_go_and_leave_their_words() {
        assert_eq!(
            read(
                "The <strong>prime minister</strong> said <a href=\"https://e.org/x\" target=_blank>it</a>."
            ),
            "The prime minister said it."
        );
        assert_eq!(
            read("word<SPAN CLASS='x'>s</Span> and <img src=\"a.jpg\" alt=\"\"/> more"),
            "words and  more"
        );
    }

    #[test]
    fn breaks_and_blocks_end_the_line() {
        assert_eq!(read("First line.<br>Second.<br/><br />Third."), "First line.\nSecond.\nThird.");
        assert_eq!(read("<p>One.</p><p>Two.</p>"), "One.\nTwo.\n");
        assert_eq!(read("Text.\n<div class=\"x\">More</div>"), "Text.\nMore\n");
    }

    #[test]
    fn other_angle_brackets_stay() {
        for text in [
            "x < y and y > z",
            "Write to <desk@example.com> today.",
            "<script>alert(1)</script> is not read here",
            "<bold> and <a",
            "",
        ] {
            assert_eq!(strip(text), None, "{text:?}");
        }
        // A known name with attributes is a tag, as a browser reads it.
        assert_eq!(read("A <b and c> here"), "A  here");
    }

    #[test]
    fn unclosed_tags_cost_linear_time() {
        for unit in ["<a ", "<span x=", "<", "<br"] {
            let text = unit.repeat(3_000_000 / unit.len());
            let start = std::time::Instant::now();
            assert_eq!(strip(&text), None, "{unit:?}");
            assert!(start.elapsed().as_secs() < 5, "{unit:?}");
        }
    }
}
