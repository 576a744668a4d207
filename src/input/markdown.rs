//! Markdown syntax read as the text a reader sees, when a document is read: a link
//! `[words](https://...)` becomes its words, and so does a reference link `[words][id]`,
//! `[words][]` or `[words]` whose label the document defines (`[id]: https://...` on a line of
//! its own, a line that goes); an image `![alt](url)` goes (its line too when nothing else is on
//! it), emphasis `**words**`, `__words__`, `*words*`, `_words_` and a code span `` `words` ``
//! become their words, a fenced code block ("```python" ... "```") goes, and a heading's `#`
//! marks, a quote's `>` marks and a list item's marker (`-`, `*`, `+`, `1.`) at the start of a
//! line go (a marker where a hard-wrapped sentence may go on stays: [`Context`]). Hard-wrapped
//! paragraphs are joined before this is read ([`super::unwrap`]), so a link or an item that
//! spans lines reads whole.
//!
//! Exports and scrapers write articles as Markdown. Scored as it was, the first 150 clean BBC
//! originals in Markdown (a `#` headline, a few links, bold names, an image line) moved by -11 to
//! +10 points: a link's URL reads as words, `**` hides a name's capital from the entity checks.
//! The patterns are narrow (a link needs a URL-like target; emphasis needs its marks against
//! its words, a reference link a definition in the same document), so plain text is left
//! alone; no other Markdown (lists, indented code blocks, tables: their rows read as page
//! structure already) is read. Work is linear: every search for a closing mark has a bounded
//! window and the line a shared budget, and code blocks are found in one pass over the lines.

use rustc_hash::FxHashSet;

use super::unwrap::MAX_WRAP;

/// Longest link text or label, and longest emphasised or code span, looked for (bytes).
const SPAN_WINDOW: usize = 300;
/// Longest link target looked for (bytes).
const URL_WINDOW: usize = 2048;
/// Nesting read inside a link's text or an emphasis (`[**a**](u)`): deeper marks stay as they are.
const MAX_DEPTH: usize = 3;

/// Could `text` hold Markdown syntax? A cheap byte test: a `[`, `*`, `_` or `` ` `` anywhere,
/// a `#` or `>` at the start of a line, or a `-` or `+` and a space there, or a line that
/// starts with a number, `.` or `)` and a space (list items, [`list_item`]); a line's start is
/// after any indentation.
fn may_hold_markdown(bytes: &[u8]) -> bool {
    let numbered = |at: usize| {
        let at = at + bytes[at..].iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        let digits = bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0
            && matches!(bytes.get(at + digits), Some(b'.' | b')'))
            && bytes.get(at + digits + 1) == Some(&b' ')
    };
    memchr::memchr3(b'[', b'*', b'_', bytes).is_some()
        || memchr::memchr(b'`', bytes).is_some()
        || memchr::memchr2_iter(b'#', b'>', bytes).any(|i| starts_line(bytes, i))
        || memchr::memchr2_iter(b'-', b'+', bytes)
            .any(|i| bytes.get(i + 1) == Some(&b' ') && starts_line(bytes, i))
        || numbered(0)
        || memchr::memchr_iter(b'\n', bytes).any(|i| numbered(i + 1))
}

/// A code fence: up to three spaces, three or more backticks, and at most an info word
/// ("```python"). Its length, and whether it has an info word. (Markdown's other fence, `~~~`,
/// is not read: a row of tildes is as often a section break in prose.)
fn fence(line: &str) -> Option<(usize, bool)> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let run = rest.len() - rest.trim_start_matches('`').len();
    let info = rest[run..].trim();
    let word = info.len() <= 20 && info.chars().all(|c| c.is_ascii_alphanumeric() || "+-_.#".contains(c));
    (run >= 3 && word).then_some((run, !info.is_empty()))
}

/// Per line of `text` (as `split_inclusive('\n')` gives them), whether it belongs to a fenced
/// code block, fences included: from an opening fence to the next fence at least as long and
/// with no info word. A block that is never closed is left as text. Fences are read after the
/// text's [`margin`]. One pass.
fn code_blocks(text: &str, margin: &str) -> Vec<bool> {
    if memchr::memmem::find(text.as_bytes(), b"```").is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let line = line.strip_prefix(margin).unwrap_or(line);
        let f = fence(line.trim_end_matches(['\n', '\r']));
        match (open, f) {
            (None, Some((run, _))) => open = Some((n, run)),
            (Some((start, run)), Some((r, false))) if r >= run => {
                out.resize(n + 1, false);
                out[start..=n].fill(true);
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// Does a link target look like a URL or a path (no spaces)?
fn url_like(target: &str) -> bool {
    ["http://", "https://", "www.", "/", "#", "mailto:", "./", "../"].iter().any(|p| target.starts_with(p))
        || target.contains("://")
}

/// A reference label as links and definitions match it: lower case, runs of white space as one
/// space.
fn label_key(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The label of a link reference definition, when `line` is one: up to three spaces, `[label]:`,
/// a URL-like target (bare or in `<>`), and nothing after it but an optional title in quotes or
/// brackets.
fn definition(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line[indent..].strip_prefix('[')?;
    let close = rest.as_bytes().iter().take(SPAN_WINDOW).position(|&c| c == b']' || c == b'[')?;
    let (label, after) = rest.split_at(close);
    let after = after.strip_prefix("]:")?;
    if label.trim().is_empty() {
        return None;
    }
    let after = after.trim_start();
    let end = after.find(char::is_whitespace).unwrap_or(after.len());
    let (target, title) = after.split_at(end);
    let target = target.strip_prefix('<').and_then(|t| t.strip_suffix('>')).unwrap_or(target);
    let title = title.trim();
    let quoted = title.is_empty()
        || [('"', '"'), ('\'', '\''), ('(', ')')]
            .iter()
            .any(|&(o, c)| title.len() >= 2 && title.starts_with(o) && title.ends_with(c));
    (url_like(target) && quoted).then_some(label)
}

/// The labels the document defines (see [`definition`]), as [`label_key`]s, and per line (as
/// `split_inclusive('\n')` gives them) whether no reader sees it: a definition, or a line of a
/// fenced code block ([`code_blocks`]). Lines are read after the text's [`margin`].
fn hidden_lines(text: &str, margin: &str) -> (FxHashSet<String>, Vec<bool>) {
    let mut hidden = code_blocks(text, margin);
    let mut refs = FxHashSet::default();
    if memchr::memmem::find(text.as_bytes(), b"]:").is_some() {
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let line = line.strip_prefix(margin).unwrap_or(line);
            if let Some(label) = definition(line.trim_end_matches(['\n', '\r'])) {
                refs.insert(label_key(label));
                hidden.resize(hidden.len().max(n + 1), false);
                hidden[n] = true;
            }
        }
    }
    (refs, hidden)
}

/// Is `bytes[i]` the first byte of its line after indentation (spaces and tabs) only?
fn starts_line(bytes: &[u8], i: usize) -> bool {
    let indent = bytes[..i].iter().rev().take_while(|&&b| b == b' ' || b == b'\t').count();
    indent == i || bytes[i - indent - 1] == b'\n'
}

/// The indentation (spaces and tabs) that every non-blank line of `text` starts with: text
/// taken from pretty-printed HTML sits in an indented block. Block marks are read after it, so
/// an indented page reads as the same page unindented. The first line may have none (a text
/// trimmed as a whole loses its first line's). Stops at the first other line without one.
fn margin(text: &str) -> &str {
    let mut margin: Option<&str> = None;
    let mut first = true;
    for line in text.split('\n') {
        if line.trim().is_empty() {
            continue;
        }
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if std::mem::take(&mut first) && indent.is_empty() {
            continue;
        }
        let shared = match margin {
            None => indent,
            Some(m) => &m[..m.bytes().zip(indent.bytes()).take_while(|(a, b)| a == b).count()],
        };
        if shared.is_empty() {
            return "";
        }
        margin = Some(shared);
    }
    margin.unwrap_or("")
}

/// `text` with its Markdown syntax read as text, or `None` when it has none (no copy is made).
pub fn strip(text: &str) -> Option<String> {
    if !may_hold_markdown(text.as_bytes()) {
        return None;
    }
    let margin = margin(text);
    let (refs, hidden) = hidden_lines(text, margin);
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut context = Context::Block;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if hidden.get(n).is_some_and(|&h| h) {
            changed = true;
            context = Context::Block;
            continue; // a reference definition is never shown, and a code block is no prose
        }
        let (rest, mark) = strip_block_marks(body.strip_prefix(margin).unwrap_or(body), context);
        context = context.after(body, mark);
        let block_marks = mark != Mark::None;
        let mut inline = Inline {
            out: String::with_capacity(rest.len()),
            images: 0,
            budget: 8 * rest.len() + 4096,
            refs: &refs,
        };
        let inline_changed = inline.read(rest, 0);
        if !block_marks && !inline_changed {
            out.push_str(line);
            continue;
        }
        changed = true;
        if inline.images > 0 && inline.out.trim().is_empty() {
            continue; // a line of images only: the line goes too
        }
        out.push_str(&inline.out);
        out.push_str(newline);
    }
    changed.then_some(out)
}

/// What a line's start marks it as.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mark {
    None,
    Heading,
    Quote,
    Item,
}

/// What the lines before a line leave open, which decides whether a line with a marker starts a
/// list item. After a line that may be a hard-wrapped line stopping mid-sentence, "1998. The
/// film" continues it (a sentence that ends with a year), and so does a dash before lower case
/// ("in the best financial health\n- maybe clubs can do it"); "1." may start a list there, as in
/// CommonMark ("How to retire early\n1. Define early retirement"). After a line that ends a
/// sentence, or one too long to be wrapped, a numbered line is a heading or an item: scraped
/// text often has a paragraph per line, with numbered section titles between them ("...he
/// said.\n2. Never urged Ukraine to ...").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Context {
    /// The start of the text, a blank line, a heading, a quote or a hidden line.
    Block,
    /// A paragraph's text, and whether its last line may be wrapped mid-sentence (no longer
    /// than a wrapped line, [`MAX_WRAP`], and a letter, digit or comma last).
    Paragraph { open: bool },
    /// A list item and the lines that continue it: any number starts the next item.
    List,
}

impl Context {
    /// The context after `line`, which was marked `mark`.
    fn after(self, line: &str, mark: Mark) -> Context {
        match mark {
            Mark::Item => Context::List,
            Mark::Heading | Mark::Quote => Context::Block,
            Mark::None if line.trim().is_empty() => Context::Block,
            Mark::None if self == Context::List => Context::List,
            Mark::None => {
                let line = line.trim();
                let last = line.chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == ',');
                // Characters are counted only when the byte length leaves a doubt.
                let short = |l: &str| l.len() <= MAX_WRAP || l.chars().count() <= MAX_WRAP;
                Context::Paragraph { open: last && short(line) }
            }
        }
    }
}

/// `line` without a heading's `#` marks (and closing ones), a quote's `>` marks or a list item's
/// marker at its start, and what went. `context` is what the lines before leave open.
fn strip_block_marks(line: &str, context: Context) -> (&str, Mark) {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        // Deeper in a list, a nested item; elsewhere, no mark (an indented code line).
        return match context {
            Context::List => list_item(line, context).map_or((line, Mark::None), |item| (item, Mark::Item)),
            _ => (line, Mark::None),
        };
    }
    let rest = &line[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) {
        let after = &rest[hashes..];
        if after.is_empty() || after.starts_with(' ') {
            let title = after.trim();
            // A closing run of `#` after a space ("## Title ##") goes too.
            let title = match title.trim_end_matches('#') {
                t if t.len() < title.len() && (t.is_empty() || t.ends_with(' ')) => t.trim_end(),
                _ => title,
            };
            return (title, Mark::Heading);
        }
        return (line, Mark::None);
    }
    let mut rest = rest;
    let mut quoted = false;
    while let Some(r) = rest.strip_prefix('>') {
        rest = r.strip_prefix(' ').unwrap_or(r);
        quoted = true;
    }
    // Inside a quote the paragraph, if any, is the quote's: its first line may start a list.
    let context = if quoted { Context::Block } else { context };
    match list_item(rest, context) {
        Some(item) => (item, Mark::Item),
        None if quoted => (rest, Mark::Quote),
        None => (line, Mark::None),
    }
}

/// Longest number of an ordered list item ("1." .. "999999999.").
const MAX_ITEM_DIGITS: usize = 9;

/// The text of a list item (`- item`, `* item`, `+ item`, `1. item`, `1) item`; nested items
/// indented), or `None` when `line` is none: the marker needs a space after it and text after
/// that ("-1", "* * *" and "2019.Text" are not items); after a line that may stop mid-sentence
/// a number other than 1, or a bullet before lower case, starts none ([`Context`]).
fn list_item(line: &str, context: Context) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let open = context == Context::Paragraph { open: true };
    let marker = match rest.as_bytes().get(digits)? {
        b'.' | b')'
            if (1..=MAX_ITEM_DIGITS).contains(&digits)
                && (!open || (digits == 1 && rest.starts_with('1'))) =>
        {
            digits + 1
        }
        b'-' | b'*' | b'+' if digits == 0 => 1,
        _ => return None,
    };
    let item = rest[marker..].strip_prefix(' ')?.trim_start_matches(' ');
    let first = item.chars().next()?;
    // A row of marks ("* * *", "- - -") is a section break, not an item; a dash before lower
    // case after an open line is a wrapped clause.
    let section_break = matches!(first, '-' | '*' | '+' | '_');
    let clause = open && first.is_lowercase();
    (!section_break && !clause).then_some(item)
}

/// What an inline span found by [`Inline::read`] shows.
enum Span<'a> {
    /// Text that may hold more syntax (a link's words, emphasis).
    Text(&'a str),
    /// A code span's text, shown as it is written.
    Code(&'a str),
    /// An image: nothing.
    Image,
}

/// Inline syntax of one line, read into `out`.
struct Inline<'r> {
    out: String,
    /// Images dropped.
    images: usize,
    /// Bytes the searches for closing marks may still look at: the line's work stays linear.
    budget: usize,
    /// The reference labels the document defines ([`label_key`]s).
    refs: &'r FxHashSet<String>,
}

impl Inline<'_> {
    /// Reads `s` into `self.out`; whether any syntax was read.
    fn read(&mut self, s: &str, depth: usize) -> bool {
        let b = s.as_bytes();
        let (mut i, mut last, mut changed) = (0, 0, false);
        while i < b.len() {
            let found = match b[i] {
                b'!' if b.get(i + 1) == Some(&b'[') => self.link(s, i + 1).map(|(_, end)| (Span::Image, end)),
                b'[' => self.link(s, i).map(|(text, end)| (Span::Text(text), end)),
                b'*' | b'_' => self.emphasis(s, i).map(|(text, end)| (Span::Text(text), end)),
                b'`' => self.code_span(s, i).map(|(text, end)| (Span::Code(text), end)),
                _ => None,
            };
            let Some((span, end)) = found else {
                i += 1;
                continue;
            };
            self.out.push_str(&s[last..i]);
            match span {
                Span::Text(text) if depth < MAX_DEPTH => {
                    self.read(text, depth + 1);
                }
                Span::Text(text) | Span::Code(text) => self.out.push_str(text),
                Span::Image => self.images += 1,
            }
            changed = true;
            i = end;
            last = end;
        }
        self.out.push_str(&s[last..]);
        changed
    }

    /// Takes `n` bytes from the search budget; false once it is spent (and it stays spent).
    fn spend(&mut self, n: usize) -> bool {
        self.budget = self.budget.saturating_sub(n);
        self.budget > 0
    }

    /// A link `[text](target)` starting at `s[i] == '['`: its text and the end of the link.
    /// The target must look like a URL or a path, without spaces.
    fn link<'a>(&mut self, s: &'a str, i: usize) -> Option<(&'a str, usize)> {
        if self.budget == 0 {
            return None;
        }
        let b = s.as_bytes();
        let window = &b[i + 1..b.len().min(i + 1 + SPAN_WINDOW)];
        let close = memchr::memchr2(b'[', b']', window);
        if !self.spend(close.unwrap_or(window.len())) {
            return None;
        }
        let text_end = i + 1 + close?;
        if b[text_end] != b']' || text_end == i + 1 {
            return None;
        }
        if b.get(text_end + 1) != Some(&b'(') {
            return self.reference(s, i, text_end);
        }
        let start = text_end + 2;
        let window = &b[start..b.len().min(start + URL_WINDOW)];
        let paren = window.iter().position(|&c| c == b')' || c.is_ascii_whitespace());
        if !self.spend(paren.unwrap_or(window.len())) {
            return None;
        }
        let target_end = start + paren?;
        (b[target_end] == b')' && url_like(&s[start..target_end]))
            .then(|| (&s[i + 1..text_end], target_end + 1))
    }

    /// A reference link whose text `[...]` spans `s[i..=text_end]`: `[text][label]`,
    /// `[text][]` or `[text]` (the label is the text), when the document defines the label.
    /// Its text and the end of the link.
    fn reference<'a>(&mut self, s: &'a str, i: usize, text_end: usize) -> Option<(&'a str, usize)> {
        if self.refs.is_empty() {
            return None;
        }
        let b = s.as_bytes();
        let text = &s[i + 1..text_end];
        let (label, end) = if b.get(text_end + 1) == Some(&b'[') {
            let start = text_end + 2;
            let window = &b[start..b.len().min(start + SPAN_WINDOW)];
            let close = memchr::memchr2(b'[', b']', window);
            if !self.spend(close.unwrap_or(window.len())) {
                return None;
            }
            let close = start + close?;
            if b[close] != b']' {
                return None;
            }
            let label = &s[start..close];
            (if label.is_empty() { text } else { label }, close + 1)
        } else {
            (text, text_end + 1)
        };
        self.refs.contains(&label_key(label)).then_some((text, end))
    }

    /// A code span starting at `s[i]`, a run of backticks: its text (one space trimmed from each
    /// end when both have one) and the end of the closing run, a run of as many backticks. Neither
    /// run may touch a letter or digit outside the span.
    fn code_span<'a>(&mut self, s: &'a str, i: usize) -> Option<(&'a str, usize)> {
        if self.budget == 0 {
            return None;
        }
        let b = s.as_bytes();
        let n = b[i..].iter().take(4).take_while(|&&c| c == b'`').count();
        // Not inside a word: "don`t and won`t" is a typed apostrophe, twice.
        let before_ok = s[..i].chars().next_back().is_none_or(|c| c != '`' && !c.is_alphanumeric());
        if n > 3 || !before_ok {
            return None;
        }
        let inner = i + n;
        let limit = b.len().min(inner + SPAN_WINDOW);
        let mut k = inner;
        while k < limit {
            let offset = memchr::memchr(b'`', &b[k..limit])?;
            if !self.spend(offset + 1) {
                return None;
            }
            k += offset;
            let run = b[k..].iter().take_while(|&&c| c == b'`').count();
            let after_ok = s[k + run..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            if run == n && k > inner && after_ok {
                let text = &s[inner..k];
                let text = match text.strip_prefix(' ').and_then(|t| t.strip_suffix(' ')) {
                    Some(t) if !t.trim().is_empty() => t,
                    _ => text,
                };
                return Some((text, k + run));
            }
            k += run;
        }
        None
    }

    /// Emphasis starting at `s[i]`, a run of one to three `*` or `_`: the emphasised text and
    /// the end of the closing run. The opening run must follow a space, an opening bracket or
    /// quote, or the line's start, and be followed by a non-space; the closing run, of the same
    /// marks and length, must follow a non-space and be followed by no letter or digit.
    fn emphasis<'a>(&mut self, s: &'a str, i: usize) -> Option<(&'a str, usize)> {
        if self.budget == 0 {
            return None;
        }
        let b = s.as_bytes();
        let mark = b[i];
        let n = b[i..].iter().take(4).take_while(|&&c| c == mark).count();
        let before_ok = s[..i]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "([{\"'\u{201c}\u{2018}".contains(c));
        let inner = i + n;
        if n > 3 || !before_ok || b.get(inner).is_none_or(|c| c.is_ascii_whitespace()) {
            return None;
        }
        let limit = b.len().min(inner + SPAN_WINDOW);
        let mut k = inner + 1;
        while k < limit {
            let offset = memchr::memchr(mark, &b[k..limit])?;
            if !self.spend(offset + 1) {
                return None;
            }
            k += offset;
            let run = b[k..].iter().take(4).take_while(|&&c| c == mark).count();
            let after = s[k + run..].chars().next();
            if run == n && !b[k - 1].is_ascii_whitespace() && after.is_none_or(|c| !c.is_alphanumeric()) {
                return Some((&s[inner..k], k + run));
            }
            k += run;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> String {
        strip(text).unwrap_or_else(|| text.to_string())
    }

    #[test]
    fn links_become_their_words_and_images_go() {
        assert_eq!(
            read(
                "The [prime minister said](https://www.example.com/news/1) it.\n\n![A photo](https://x.com/a.jpg)\n\nNext [page](/p/2)."
            ),
            "The prime minister said it.\n\n\nNext page.",
        );
        assert_eq!(read("See ![map](/m.png) here."), "See  here.");
    }

    #[test]
    fn emphasis_becomes_its_words() {
        assert_eq!(
            read("**Joe Biden** met _the_ press, __twice__, and *said*: \"***no***\"."),
            "Joe Biden met the press, twice, and said: \"no\".",
        );
        assert_eq!(read("[**Steven Pifer**](https://e.org/p) said"), "Steven Pifer said");
    }

    #[test]
    fn heading_and_quote_marks_go() {
        assert_eq!(
            read("# Biden warns Putin\n\nText.\n## Section ##\n> quoted\n>> nested"),
            "Biden warns Putin\n\nText.\nSection\nquoted\nnested"
        );
    }

    #[test]
    fn an_indented_text_reads_as_it_would_unindented() {
        let page = "# Title\n\nIntro [with a link](https://e.org/x):\n - First item.\n - Second item.\n\n```\ncode\n```\nEnd.";
        let want = read(page);
        for indent in ["    ", "\t", "  \t"] {
            let indented: String = page.lines().map(|l| format!("{indent}{l}\n")).collect();
            let trimmed = indented.trim_start();
            let got: Vec<String> = read(trimmed).lines().map(|l| l.trim().to_string()).collect();
            assert_eq!(got.join("\n"), want, "{indent:?}, trimmed");
            let got: Vec<String> = read(&indented).lines().map(|l| l.trim().to_string()).collect();
            assert_eq!(got.join("\n"), want, "{indent:?}");
        }
        // Indentation not shared by every line is read as it is: a nested item, or a deep
        // indent (here an indented code line) under an unindented paragraph.
        assert_eq!(read("Points:\n- One.\n    - Nested."), "Points:\nOne.\nNested.");
        assert_eq!(strip("Text.\n     - not an item\nMore text."), None);
        assert_eq!(margin("  a\n\n    b\n  c"), "  ");
        assert_eq!(margin("a\n  b\n  c"), "  ", "a text trimmed as a whole");
        assert_eq!(margin("  a\nb\n  c"), "");
    }

    #[test]
    fn list_markers_go() {
        assert_eq!(
            read(
                "Points:\n- First item.\n* Second item.\n  + Nested item.\n1. One.\n12) Twelve.\n> - Quoted item."
            ),
            "Points:\nFirst item.\nSecond item.\nNested item.\nOne.\nTwelve.\nQuoted item."
        );
        // Not items: no space after the marker, a row of marks, a number that ends a sentence
        // without a space, a negative number, a bare marker.
        for text in ["-1 degrees overnight.", "* * *", "- - -", "2019.Text", "-", "1.", "+-+"] {
            assert_eq!(strip(text), None, "{text:?}");
        }
        // A page's furniture between dashes stays readable as furniture.
        assert_eq!(read("- Advertisement -"), "Advertisement -");
    }

    #[test]
    fn a_marker_after_a_line_that_stops_mid_sentence_starts_no_item() {
        // A hard-wrapped sentence that ends with a year, or breaks before a dash: all stays.
        let wrapped = "He was arrested in a Los Angeles toilet in\n1998. The film also deals with it.";
        assert_eq!(strip(wrapped), None);
        assert_eq!(strip("Sales rose by\n12) percent, they said."), None);
        assert_eq!(strip("in the best financial health\n- maybe clubs can do it"), None);
        // After a sentence's end, a line too long to be wrapped, a blank line, a heading or
        // another item, a number starts an item (a paragraph per line, numbered section
        // titles); a wrapped item keeps the list open; "1." may start a list anywhere.
        assert_eq!(
            read("He said so.\n2. Never urged Ukraine\nText."),
            "He said so.\nNever urged Ukraine\nText."
        );
        let long = "word ".repeat(30);
        assert_eq!(read(&format!("{long}\n3. Yin and Yang")), format!("{long}\nYin and Yang"));
        assert_eq!(
            read("How to retire early\n1. Define early retirement"),
            "How to retire early\nDefine early retirement"
        );
        assert_eq!(
            read("Steps:\n1. One.\n2. Two,\ncontinued\n3. Three."),
            "Steps:\nOne.\nTwo,\ncontinued\nThree."
        );
        assert_eq!(read("Text\n\n3. Third.\n# Head\n4. Fourth."), "Text\n\nThird.\nHead\nFourth.");
        assert_eq!(read("> In a quote\n> 2. an item"), "In a quote\nan item");
        // A bullet before a capital, or after a colon, is an item wherever it stands.
        assert_eq!(read("Points\n- First."), "Points\nFirst.");
        assert_eq!(read("Points:\n- first.\n- second."), "Points:\nfirst.\nsecond.");
    }

    #[test]
    fn reference_links_become_their_words_and_definitions_go() {
        assert_eq!(
            read(
                "The [prime minister][pm] said [it][] to [Reuters].\n\n[pm]: https://e.org/pm \"PM\"\n  [It]: </it>\n[reuters]: https://reuters.com\nNext."
            ),
            "The prime minister said it to Reuters.\n\nNext.",
        );
        // Labels match whatever their case and spacing; an image by reference goes.
        assert_eq!(read("A [big  Deal][Big deal] ![x][p]\n[big deal]: /d\n[P]: /p.png"), "A big  Deal \n");
        // Without a definition, brackets are text; a "definition" whose target is no URL is text.
        assert_eq!(strip("See [1] and [the report][2]."), None);
        assert_eq!(strip("[Note]: this is a remark, not a link."), None);
    }

    #[test]
    fn code_spans_become_their_text() {
        assert_eq!(read("Run `pip install x` or ``a ` b`` now."), "Run pip install x or a ` b now.");
        assert_eq!(read("In `**bold**` marks"), "In **bold** marks");
        // A run closes only at a run of as many backticks; an unclosed one is text.
        assert_eq!(read("a `b and ``c` d"), "a b and ``c d");
        assert_eq!(strip("a `b and ``c d"), None);
    }

    #[test]
    fn fenced_code_blocks_go() {
        assert_eq!(read("Text.\n```python\nx = 1\n```\nMore.\n````\n```\nz\n````"), "Text.\nMore.\n");
        // No block: two backticks, a sentence after the marks, indented four spaces, a fence that
        // never closes (or closes with an info word, or with a shorter run), tildes.
        for text in [
            "Part one.\n~~~\nPart two.\n~~~\nPart three.",
            "``\nx",
            "``` then a sentence follows here\n",
            "    ```\nx\n    ```",
            "```\nnever closed",
            "```\nx\n```js",
            "````\nx\n```",
        ] {
            assert_eq!(strip(text), None, "{text:?}");
        }
    }

    #[test]
    fn plain_text_is_left_alone() {
        for text in [
            "Plain text with no syntax.",
            "snake_case_name and file_name.txt, 5 * 3 * 2 = 30, a*b",
            "#1 seed, C# and the hashtag #news; x > y",
            "[citation needed] and [1](not a link) and [a](b)",
            "a - b, -3 degrees, +44 20 7946 0000",
            "don`t and won`t, it`s",
            "**unclosed bold and *unclosed emphasis",
            "",
        ] {
            assert_eq!(strip(text), None, "{text:?}");
        }
    }

    #[test]
    fn marks_without_a_close_cost_linear_time() {
        // A 3 MB line of openers that never close, and of brackets that never close: each
        // search is bounded and the line's budget caps the total.
        for unit in ["**a ", "[a ", "_a ", "![x ", "*", "#", ">", "[a][b ", "[a][", "```a\n"] {
            let text = unit.repeat(3_000_000 / unit.len());
            let start = std::time::Instant::now();
            // Only the quote marks are syntax: a line of them reads as an empty quote.
            assert_eq!(strip(&text), (unit == ">").then(String::new));
            assert!(start.elapsed().as_secs() < 5, "{unit:?}");
        }
        // Backticks that pair up, and reference links with a definition to look at: the output
        // changes, the time stays linear.
        for (head, unit) in [
            ("", "`a ` "),
            ("", "``a ` `` "),
            ("", "```\nx\n"),
            ("[b]: /x\n", "[a][b "),
            ("[a]: /x\n", "[a]["),
            ("[a]: /x\n", "[a] "),
        ] {
            let text = format!("{head}{}", unit.repeat(3_000_000 / unit.len()));
            let start = std::time::Instant::now();
            assert!(strip(&text).is_some(), "{unit:?}");
            assert!(start.elapsed().as_secs() < 5, "{unit:?}");
        }
    }
}
