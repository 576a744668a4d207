//! Stray HTML tags in text that is not a page, read as a reader sees them when a document is
//! read: a formatting tag (`<strong>`, `</em>`, `<span class="x">`, `<a href="...">`) goes and
//! leaves its words, an image tag goes, and a line break or block tag (`<br>`, `<p>`, `</div>`,
//! `<li>`) becomes a line break. An element a reader never sees as text (`<script>`, `<style>`,
//! `<iframe>`, `<noscript>`, `<svg>`...) goes with its content, and so does an HTML comment
//! (`<!-- wp:paragraph -->`, an ad slot's marker).
//!
//! Text fields of scraped records often keep a few tags of the page they came from. Read as
//! written, a tag's name and attributes read as words: with an inline tag pair around two words
//! in three paragraphs of ten, or a `<br>` after a paragraph's first sentence, the first 150
//! clean BBC originals moved by -3.6 to +9.9 and -3.3 to +13.1 points; with an embedded tweet's
//! or an ad's script, a video iframe, a style block or a comment after a quarter of their
//! paragraphs, by -10.5 to +21.2 (`scripts/input_variants.py`, forms `inline-tags` and
//! `embeds`). Only tags of the names below are read (any case), with attributes that hold no
//! `<`; other angle brackets (`x < y`, `<name@example.com>`) stay, and so does an element or a
//! comment that is never closed. A whole page goes to [`super::html`] instead.

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

/// Elements whose content is no text a reader sees: dropped from the opening tag to the end of
/// the closing one.
const HIDDEN: &[&str] =
    &["audio", "canvas", "iframe", "noscript", "object", "script", "style", "svg", "template", "video"];

/// Longest tag read, in bytes (attributes included).
const MAX_TAG: usize = 1024;

/// What a tag is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Dropped, its words kept.
    Inline,
    /// Read as a line break.
    Break,
    /// The opening tag of a [`HIDDEN`] element (its index there) or a comment ([`COMMENT`]):
    /// dropped with its content.
    Hidden(usize),
}

/// What a tag starting at `bytes[i] == b'<'` is: its end (one past `>`) and its [`Kind`];
/// `None` when it is not a tag of [`INLINE`], [`BREAKS`] or [`HIDDEN`]. A closing tag of a
/// hidden element on its own is [`Kind::Inline`].
fn tag_at(bytes: &[u8], i: usize) -> Option<(usize, Kind)> {
    let mut k = i + 1;
    let closing = bytes.get(k) == Some(&b'/');
    if closing {
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
    let find = |list: &[&str]| list.iter().position(|t| t.as_bytes().eq_ignore_ascii_case(name));
    let kind = if find(BREAKS).is_some() {
        Kind::Break
    } else if find(INLINE).is_some() {
        Kind::Inline
    } else {
        match find(HIDDEN)? {
            _ if closing => Kind::Inline,
            h => Kind::Hidden(h),
        }
    };
    // Right after the name: the end, a self-closing slash, or white space before attributes.
    match bytes.get(k) {
        Some(b'>') => return Some((k + 1, kind)),
        Some(b'/') if bytes.get(k + 1) == Some(&b'>') => return Some((k + 2, kind)),
        Some(c) if c.is_ascii_whitespace() => {}
        _ => return None,
    }
    let limit = bytes.len().min(i + MAX_TAG);
    let close = bytes[k..limit].iter().position(|&c| c == b'>' || c == b'<')?;
    (bytes[k + close] == b'>').then_some((k + close + 1, kind))
}

/// One past the closing tag (`</name>`, any case, white space allowed before `>`) of the
/// element `name` whose content starts at `from`; `None` when the text has none.
fn closing_tag_end(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let finder = memchr::memmem::Finder::new(b"</");
    let mut at = from;
    while let Some(off) = finder.find(&bytes[at..]) {
        let k = at + off + 2;
        let end = k + name.len();
        if bytes.get(k..end).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes())) {
            let rest = &bytes[end..];
            let gap = rest.iter().take_while(|c| c.is_ascii_whitespace()).count();
            if rest.get(gap) == Some(&b'>') {
                return Some(end + gap + 1);
            }
        }
        at = k;
    }
    None
}

/// The index of comments among the kinds of [`Kind::Hidden`], after [`HIDDEN`]'s.
const COMMENT: usize = HIDDEN.len();

/// What starts at `bytes[i] == b'<'`: a comment's opening (`<!--`, [`Kind::Hidden`] of
/// [`COMMENT`]) or a tag ([`tag_at`]), and where it ends.
fn markup_at(bytes: &[u8], i: usize) -> Option<(usize, Kind)> {
    if bytes[i + 1..].starts_with(b"!--") { Some((i + 4, Kind::Hidden(COMMENT))) } else { tag_at(bytes, i) }
}

/// One past the end of the hidden element or comment `h` ([`Kind::Hidden`]) whose content
/// starts at `from`; `None` when the text has none.
fn hidden_end(bytes: &[u8], from: usize, h: usize) -> Option<usize> {
    match HIDDEN.get(h) {
        Some(name) => closing_tag_end(bytes, from, name),
        None => memchr::memmem::find(&bytes[from..], b"-->").map(|e| from + e + 3),
    }
}

/// `text` with its stray tags read (see the module), or `None` when it has none (no copy is
/// made). Linear: each `<` is looked at once, over at most [`MAX_TAG`] bytes, and the search
/// for a hidden element's closing tag or a comment's end either jumps past it or, failing,
/// is not made again for that name (none lies further on).
pub fn strip(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut from = 0;
    // Per hidden element (and for comments, [`COMMENT`]): no closing tag (end) lies past where
    // the search failed.
    let mut unclosed = [false; HIDDEN.len() + 1];
    while let Some(off) = memchr::memchr(b'<', &bytes[from..]) {
        let i = from + off;
        from = i + 1;
        let (end, breaks) = match markup_at(bytes, i) {
            None => continue,
            Some((end, Kind::Inline)) => (end, false),
            Some((end, Kind::Break)) => (end, true),
            Some((_, Kind::Hidden(h))) if unclosed[h] => continue,
            Some((end, Kind::Hidden(h))) => match hidden_end(bytes, end, h) {
                Some(close) => (close, false),
                None => {
                    unclosed[h] = true;
                    continue;
                }
            },
        };
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
            "<bold> and <a",
            "<script> is a tag name, and so is <style",
            "<!-- an unclosed comment",
            "",
        ] {
            assert_eq!(strip(text), None, "{text:?}");
        }
        // A known name with attributes is a tag, as a browser reads it.
        assert_eq!(read("A <b and c> here"), "A  here");
    }

    #[test]
    fn hidden_elements_and_comments_go_with_their_content() {
        assert_eq!(
            read(
                "Para one.\n<script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>\nPara two."
            ),
            "Para one.\n\nPara two."
        );
        assert_eq!(
            read(
                "<!-- wp:paragraph -->Words here.<!-- /wp:paragraph -->\n<IFRAME src=\"https://www.youtube.com/embed/x\" allowfullscreen></iframe >"
            ),
            "Words here.\n"
        );
        assert_eq!(
            read(
                "A<style>.a > b { margin: 0 }</style>B<noscript><img src=\"p.gif\"></noscript>C<script>if (a < b) x();</script>D"
            ),
            "ABCD"
        );
        // The first closing tag of its name ends an element; a closing tag alone goes.
        assert_eq!(read("x<svg><path d=\"M0\"/></svg>y</script>z"), "xyz");
        // An element never closed stays, and so do the hidden elements of that name after it.
        assert_eq!(read("<script>a<b>c"), "<script>ac");
        assert_eq!(read("<!-- a --> b <!-- c"), " b <!-- c");
    }

    #[test]
    fn unclosed_tags_cost_linear_time() {
        for unit in ["<a ", "<span x=", "<", "<br", "<script>", "<!--", "<iframe></scrip"] {
            let text = unit.repeat(3_000_000 / unit.len());
            let start = std::time::Instant::now();
            assert_eq!(strip(&text), None, "{unit:?}");
            assert!(start.elapsed().as_secs() < 5, "{unit:?}");
        }
    }
}
