//! HTML main-content extraction with `dom_smoothie` (a Rust port of Mozilla's Readability).
//!
//! Chosen on the 181-page article-extraction benchmark (`scripts/eval_html.py`, see
//! EVALUATION-boilerplate.md): with its formatted text mode dom_smoothie 0.19 scores F1 0.951 (its
//! published figure, 0.14 in raw text mode, is 0.865); rs-trafilatura 0.2.2 scored 0.957 here
//! against its published 0.970 and brings a much larger dependency tree. The output keeps one
//! paragraph per line (blank lines between blocks), which is what the boilerplate line classifier
//! works on.

use dom_smoothie::{Config, Readability, TextMode};

/// Why no text could be extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    /// The page has more elements than the extractor accepts.
    #[error("HTML page too large to extract ({0} elements)")]
    TooLarge(usize),
    /// The page nests elements deeper than the extractor can handle in bounded time and stack.
    #[error("HTML page nested too deeply to extract ({0} levels)")]
    TooDeep(usize),
    /// No main content was found.
    #[error("no main content found in the HTML page")]
    NoContent,
}

/// Pages with more elements than this are refused (a guard against pathological inputs).
pub const MAX_ELEMENTS: usize = 200_000;

/// Pages nesting nodes deeper than this are refused: the extractor recurses per level (a page of
/// 50,000 nested tags overflowed a reader thread's stack) and its work grows with the square of
/// the depth (20,000 nested divs took over a minute). Browsers stop nesting at 512 too.
pub const MAX_DEPTH: usize = 512;

/// Nesting past this in [`prescan`]'s count refuses a page before it is parsed: far enough past
/// [`MAX_DEPTH`] that only a page the parsed check would refuse anyway is (the count misses
/// elements a parser closes implicitly inside tables and lists), and low enough that parsing up
/// to it takes a few milliseconds.
pub const PRESCAN_DEPTH: usize = 8 * MAX_DEPTH;

/// Elements that never hold content (`<br>`, `<img>`, ...): no end tag, no nesting.
const VOID: &[&[u8]] = &[
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"param",
    b"source",
    b"track",
    b"wbr",
    b"keygen",
    b"frame",
    b"basefont",
    b"bgsound",
    b"image",
];

/// Elements a parser closes without their end tag (the next `<p>`, `<li>`, `<td>` ...), or that
/// wrap the page: not counted as nesting.
const IMPLIED_END: &[&[u8]] = &[
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"tr",
    b"td",
    b"th",
    b"thead",
    b"tbody",
    b"tfoot",
    b"option",
    b"optgroup",
    b"rb",
    b"rt",
    b"rtc",
    b"rp",
    b"colgroup",
    b"caption",
    b"html",
    b"head",
    b"body",
];

/// Elements whose content is text, not markup, up to their end tag.
const RAW_TEXT: &[&[u8]] =
    &[b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"plaintext"];

/// A linear scan of `html`'s tags, without parsing: how many start tags it has outside
/// comments and raw text (about the elements a parser makes), and how deep its start tags nest
/// by their end tags (void elements and ones a parser closes implicitly aside; an end tag
/// without an open element is ignored).
pub fn prescan(html: &str) -> (usize, usize) {
    let b = html.as_bytes();
    let (mut elements, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    let name_at = |at: usize| {
        let end = b[at..].iter().position(|c| !c.is_ascii_alphanumeric()).map_or(b.len(), |n| at + n);
        (&b[at..end], end)
    };
    let is = |list: &[&[u8]], name: &[u8]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        let at = i + k;
        let rest = &b[at + 1..];
        i = at + 1;
        if rest.starts_with(b"!--") {
            // A comment: to its end (or the page's).
            i = memchr::memmem::find(&rest[3..], b"-->").map_or(b.len(), |e| at + 4 + e + 3);
        } else if rest.first().is_some_and(|c| *c == b'!' || *c == b'?') {
            i = memchr::memchr(b'>', rest).map_or(b.len(), |e| at + 1 + e + 1);
        } else if rest.first() == Some(&b'/') && rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            let (name, _) = name_at(at + 2);
            if !is(VOID, name) && !is(IMPLIED_END, name) {
                depth = depth.saturating_sub(1);
            }
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let (name, end) = name_at(at + 1);
            elements += 1;
            let close = memchr::memchr(b'>', &b[end..]).map_or(b.len(), |e| end + e);
            let self_closing = close > 0 && close < b.len() && b[close - 1] == b'/';
            if is(RAW_TEXT, name) {
                // Its text up to `</name`, whatever it holds.
                let mut j = close;
                i = b.len();
                while let Some(e) = memchr::memmem::find(&b[j..], b"</") {
                    let from = j + e + 2;
                    if b[from..].len() >= name.len() && b[from..from + name.len()].eq_ignore_ascii_case(name)
                    {
                        i = from;
                        break;
                    }
                    j = from;
                }
            } else if !self_closing && !is(VOID, name) && !is(IMPLIED_END, name) {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    (elements, deepest)
}

/// Extracts the main text (the article) of an HTML page: one paragraph per line, blank lines
/// between blocks, whitespace inside lines collapsed.
pub fn extract_main_text(html: &str) -> Result<String, HtmlError> {
    // Parsing costs ~300 bytes an element and time growing with the square of the depth: pages
    // far past either bound are refused before (1.5 million empty spans took 508 MB, 200,000
    // nested divs 106 s).
    let (elements, nesting) = prescan(html);
    if elements > MAX_ELEMENTS {
        return Err(HtmlError::TooLarge(elements));
    }
    if nesting > PRESCAN_DEPTH {
        return Err(HtmlError::TooDeep(nesting));
    }
    let cfg =
        Config { text_mode: TextMode::Formatted, max_elements_to_parse: MAX_ELEMENTS, ..Default::default() };
    let mut reader = Readability::new(html, None, Some(cfg)).map_err(map_err)?;
    let depth = depth(&reader);
    if depth > MAX_DEPTH {
        return Err(HtmlError::TooDeep(depth));
    }
    let article = reader.parse().map_err(map_err)?;
    let text = tidy(&article.text_content);
    if text.is_empty() { Err(HtmlError::NoContent) } else { Ok(text) }
}

/// The deepest nesting of nodes in the parsed page, walked without recursion.
fn depth(reader: &Readability) -> usize {
    let mut node = reader.doc.root();
    let (mut depth, mut deepest) = (0, 0);
    loop {
        if let Some(child) = node.first_child() {
            node = child;
            depth += 1;
            deepest = deepest.max(depth);
            continue;
        }
        // Up to the nearest ancestor-or-self with a next sibling; done back at the root.
        loop {
            if depth == 0 {
                return deepest;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(p) => node = p,
                None => return deepest,
            }
            depth -= 1;
        }
    }
}

fn map_err(e: dom_smoothie::ReadabilityError) -> HtmlError {
    match e {
        dom_smoothie::ReadabilityError::TooManyElements(n, _) => HtmlError::TooLarge(n),
        _ => HtmlError::NoContent,
    }
}

/// Bytes of a text looked at by [`looks_like_page`].
const SNIFF_BYTES: usize = 4096;

/// Whether `text` is an HTML page rather than text: after leading whitespace (and a byte order
/// mark) and leading comments it starts with a doctype or an `<html>`, `<head>` or `<body>`
/// tag, or it starts with a tag and closes a block or inline element (`</p>`, `</div>`, `</a>`,
/// ...) within its first 4 KB. Text about HTML ("`<p>` is a paragraph tag") does not start with
/// a tag and close one that early: a scraper's field holding the raw page does. A comment left
/// before text (`<!-- wp:paragraph -->Officials said...`) makes no page; one never closed does.
pub fn looks_like_page(text: &str) -> bool {
    let blank = |c: char| c.is_whitespace() || c == '\u{feff}';
    let mut t = text.trim_start_matches(blank);
    while let Some(rest) = t.strip_prefix("<!--") {
        let Some(end) = rest.find("-->") else { return true };
        t = rest[end + 3..].trim_start_matches(blank);
    }
    if !t.starts_with('<') {
        return false;
    }
    let head = super::cut_at(t, SNIFF_BYTES).to_ascii_lowercase();
    const OPENERS: [&str; 4] = ["<!doctype html", "<html", "<head", "<body"];
    if OPENERS.iter().any(|o| head.starts_with(o)) {
        return true;
    }
    const CLOSERS: [&str; 12] = [
        "</p>",
        "</div>",
        "</a>",
        "</span>",
        "</li>",
        "</h1>",
        "</h2>",
        "</h3>",
        "</article>",
        "</section>",
        "</td>",
        "</b>",
    ];
    let tag = head.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic);
    tag && CLOSERS.iter().any(|c| head.contains(c))
}

/// Collapses whitespace inside lines, drops trailing spaces and keeps at most one blank line
/// between paragraphs.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        let mut first = true;
        for w in words {
            if !first {
                out.push(' ');
            }
            out.push_str(w);
            first = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_article_paragraphs_as_lines() {
        let para = "The White House said the call began in the afternoon and lasted for almost an hour, \
                    according to officials who briefed reporters on condition of anonymity.";
        let html = format!(
            "<html><head><title>T</title></head><body><nav><a href='/'>Home</a> | <a href='/n'>News</a></nav>\
             <article><h1>Biden and Putin talk</h1><p>{para}</p><p>{para}</p><p>{para}</p></article>\
             <footer>Copyright 2024 Example Media. All rights reserved.</footer></body></html>"
        );
        let text = extract_main_text(&html).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert!(lines.iter().filter(|l| **l == para).count() == 3, "{text}");
        assert!(!text.contains("All rights reserved"));
    }

    #[test]
    fn pages_are_told_from_text() {
        for page in [
            "<!DOCTYPE html><html><body><p>Hi</p></body></html>",
            "  \n\u{feff}<html lang=en><p>x",
            "<HEAD><title>T</title></HEAD>",
            "<body>text",
            "<!-- saved page --><div>x</div>",
            "<!-- a --> <!-- b -->\n<!DOCTYPE html><p>x",
            "<!-- never closed",
            "<div class=post><p>Officials said on Monday.</p></div>",
            "<p>One paragraph.</p><p>Another.</p>",
            "<article><h1>Title</h1>",
        ] {
            assert!(looks_like_page(page), "{page:?}");
        }
        for text in [
            "",
            "   ",
            "The White House said on Monday.",
            "The <p> tag starts a paragraph and </p> ends it.",
            "<3 love this story",
            "< not a tag </p>",
            "<Reuters> Officials said on Monday that the talks would go on.",
            "<p> alone with no closing tag in the text",
            "<!-- wp:paragraph -->Officials said on Monday.<!-- /wp:paragraph -->\n<div>x</div>",
        ] {
            assert!(!looks_like_page(text), "{text:?}");
        }
        // A closing tag past the first 4 KB does not count.
        let late = format!("<x>{}</p>", "a".repeat(5000));
        assert!(!looks_like_page(&late));
    }

    #[test]
    fn garbage_does_not_panic() {
        for html in ["", "<", "<html>", "not html at all", "<p>\u{0}</p>", "<<<>>>"] {
            let _ = extract_main_text(html);
        }
    }

    #[test]
    fn deeply_nested_pages_are_refused_quickly_on_a_small_stack() {
        let para = "The council voted on Tuesday to approve a new budget for the public library.";
        // Nested containers made the extractor quadratic (20,000 divs took over a minute) and
        // nested inline tags overflowed its recursion (50,000 <b> on a 2 MiB reader thread).
        // Pages far past the bounds are refused before parsing (`prescan`): 200,000 nested divs
        // took 106 s to parse, 1.5 million empty spans 508 MB. 1,000 divs pass the scan and
        // are refused once parsed.
        let nested = |n: usize| {
            format!("<html><body>{}<p>{para}</p>{}</body></html>", "<div>".repeat(n), "</div>".repeat(n))
        };
        let pages = [
            nested(1_000),
            nested(5_000),
            nested(100_000),
            format!("<html><body>{}{para}</body></html>", "<b>".repeat(60_000)),
            format!("<html><body>{}{para}</body></html>", "<ul><li>".repeat(5_000)),
            format!("<html><body><p>{para}</p>{}</body></html>", "<span class=\"x\"></span>".repeat(300_000)),
        ];
        // Parsing alone takes a few seconds for these pages in an unoptimised build.
        let limit = std::time::Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 5 });
        for html in pages {
            let t = std::time::Instant::now();
            let got = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || extract_main_text(&html))
                .unwrap()
                .join()
                .unwrap();
            assert!(matches!(got, Err(HtmlError::TooDeep(_) | HtmlError::TooLarge(_))), "{got:?}");
            assert!(t.elapsed() < limit, "{:?}", t.elapsed());
        }
        // Ordinary nesting is read as before.
        let html =
            format!("<html><body>{}<p>{para}</p>{}</body></html>", "<div>".repeat(100), "</div>".repeat(100));
        assert_eq!(extract_main_text(&html).unwrap(), para);
    }

    #[test]
    fn prescan_counts_start_tags_and_nesting_outside_comments_and_raw_text() {
        let page = "<!doctype html><html><head><title>a <b> title</title><script>if (a<b) x = '<div>';</script>\
                    </head><body><!-- <div><div> --><div><p>one<p>two<br><img src=x/><ul><li>a<li>b</ul>\
                    <div><span>x</span></div></div></body></html>";
        // html head title script body div p p br img ul li li div span: 15 start tags.
        assert_eq!(prescan(page), (15, 3));
        // Implied ends (unclosed <p>, <li>, <td>) do not nest; stray end tags do not go below 0.
        assert_eq!(prescan(&"<p>para".repeat(10_000)), (10_000, 0));
        assert_eq!(prescan("</div></div><div>"), (1, 1));
        // An unclosed comment or raw-text element hides the rest.
        assert_eq!(prescan("<div><!-- <div><div>"), (1, 1));
        assert_eq!(prescan("<style>div { } <div><div>"), (1, 0));
        assert_eq!(prescan("<SCRIPT>x<div></Script><div>"), (2, 1));
    }

    #[test]
    fn prescan_reads_any_tag_soup_and_counts_no_more_than_its_tags() {
        let parts = [
            "<", ">", "</", "/>", "<!--", "-->", "<!", "<?", "div", "DIV", "script", "p", "br", " ", "x",
            "é", "\"", "</script", "<script>", "<div>", "</div>", "<p>", "=",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut page = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                page.push_str(parts[(seed % parts.len() as u64) as usize]);
            }
            let (elements, depth) = prescan(&page);
            assert!(depth <= elements && elements <= page.matches('<').count(), "{page:?}");
        }
    }

    #[test]
    fn tidy_keeps_paragraphs() {
        assert_eq!(tidy("  a  b \n\n\n\n c\nd  "), "a b\n\nc\nd");
    }
}
