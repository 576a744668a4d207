//! Web addresses and e-mail addresses written in running text (`(https://www.bbc.co.uk/news)`,
//! `www.example.com`, `desk@example.com`). They are not prose: cut into a dozen tokens by the
//! word-break rules ("https", ":", "/", "/", "www.example.com", ...), they read to the language
//! model as a run of rare words and to the entity checks as odd names, so a page that links its
//! sources would score as worse written than the same page without the links. [`fold_links`]
//! takes their tokens out of a line's tokens (with a bracket pair that holds nothing else); the
//! text keeps them, so the line-based boilerplate classes still see them.
//!
//! A web address starts with `http://`, `https://`, `ftp://` (any case) or `www.` (lower
//! case) followed by a letter or digit, at the start of a whitespace-delimited chunk or after a
//! byte that is not a letter, digit or `_`; it runs to the end of the chunk, less trailing
//! punctuation (a closing bracket is kept when the address opened one). An e-mail address is a
//! local part of letters, digits and `._%+-`, an `@`, and a domain of letters, digits, `.` and
//! `-` with a dot inside. Cloudflare's placeholder for an address it hides from scrapers,
//! `[email protected]` (as it writes it, or with a no-break space or nothing inside), counts as an e-mail
//! address with its brackets. Work is linear in the text: each chunk is looked at a bounded
//! number of times.

use crate::tokenize::{Token, TokenKind};
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// The end of Cloudflare's `[email protected]` placeholder, searched for as it is written.
const HIDDEN_TAIL: &[u8] = b"protected]";

/// False when `text` holds no `://`, `www.`, `@` or `protected]`, and so no address: a
/// document's callers test this once and skip the line-by-line search (four SIMD scans of the
/// text).
pub fn may_hold_links(text: impl AsRef<[u8]>) -> bool {
    // Built once: a `memmem::find` call builds its searcher anew, which on a line of a few
    // hundred bytes costs more than the search.
    static SCHEME: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"://"));
    static WWW: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"www."));
    let b = text.as_ref();
    memchr::memchr(b'@', b).is_some()
        || SCHEME.find(b).is_some()
        || WWW.find(b).is_some()
        || hidden_finder().find(b).is_some()
}

fn hidden_finder() -> &'static Finder<'static> {
    static HIDDEN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(HIDDEN_TAIL));
    &HIDDEN
}

/// Cloudflare's `[email protected]` placeholders in `text[from..to]`: `[email`, a space, a
/// no-break space or nothing, and `protected]`, in lower case, not inside a word.
fn hidden_addresses(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for k in hidden_finder().find_iter(&b[from..to]) {
        let tail = from + k;
        let e = tail + HIDDEN_TAIL.len();
        // What comes between "[email" and "protected]".
        let gap = if b[..tail].ends_with(b" ") {
            1
        } else if b[..tail].ends_with("\u{a0}".as_bytes()) {
            2
        } else {
            0
        };
        let Some(s) = (tail - gap).checked_sub(6) else { continue };
        if s >= from && !(s > from && word_byte(b[s - 1])) && &b[s..tail - gap] == b"[email" {
            out.push((s, e));
        }
    }
    out
}

/// Byte ranges of the web and e-mail addresses in `text[from..to]`, in order (offsets into
/// `text`). Empty, after [`may_hold_links`]' scans, for text without `://`, `www.` or `@`.
pub fn link_spans(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = &text.as_bytes()[..to];
    if !may_hold_links(&bytes[from..]) {
        return out;
    }
    let mut hidden = hidden_addresses(text, from, to).into_iter().peekable();
    let mut i = from;
    while i < to {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < to && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        // A placeholder's chunks hold no other address ("[email", "protected]").
        while let Some(h) = hidden.next_if(|&(s, _)| s < i) {
            out.push(h);
            i = i.max(h.1);
        }
        if out.last().is_some_and(|&(_, e)| e > start) {
            continue;
        }
        if let Some(span) = chunk_link(text, start, i) {
            out.push(span);
        }
    }
    out
}

/// The address in the chunk `text[start..end]` (no ASCII whitespace inside), if it holds one.
fn chunk_link(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    for p in start..end {
        if p > start && word_byte(b[p - 1]) {
            continue;
        }
        let rest = &b[p..end];
        let body = if starts_with_ci(rest, b"https://") {
            8
        } else if starts_with_ci(rest, b"http://") {
            7
        } else if starts_with_ci(rest, b"ftp://") {
            6
        } else if rest.starts_with(b"www.") && rest.get(4).is_some_and(u8::is_ascii_alphanumeric) {
            4
        } else {
            continue;
        };
        if rest.len() <= body {
            return None;
        }
        let e = trim_trailing(text, p, end);
        return (e > p + body).then_some((p, e));
    }
    email(text, start, end)
}

/// A byte that continues a word: an address or placeholder does not start after one.
fn word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The end of an address that starts at `p` and runs to `end`, less trailing punctuation: a
/// closing bracket stays when the address holds more openings of its kind than closings.
fn trim_trailing(text: &str, p: usize, end: usize) -> usize {
    let s = &text[p..end];
    // Openings minus closings of (), [] and {} in s[..e], kept up to date as e shrinks.
    let mut depth = [0i64; 3];
    for c in s.bytes() {
        match c {
            b'(' => depth[0] += 1,
            b')' => depth[0] -= 1,
            b'[' => depth[1] += 1,
            b']' => depth[1] -= 1,
            b'{' => depth[2] += 1,
            b'}' => depth[2] -= 1,
            _ => {}
        }
    }
    let mut e = s.len();
    while let Some(c) = s[..e].chars().next_back() {
        let keep = match c {
            // Without this closing, the address holds more openings than closings.
            ')' => depth[0] >= 0,
            ']' => depth[1] >= 0,
            '}' => depth[2] >= 0,
            '/' | '-' | '_' | '=' | '#' | '&' | '%' | '+' | '~' => true,
            c => !(crate::tokenize::is_punct(c) || c == '>' || c == '*'),
        };
        if keep {
            break;
        }
        match c {
            '(' => depth[0] -= 1,
            ')' => depth[0] += 1,
            '[' => depth[1] -= 1,
            ']' => depth[1] += 1,
            '{' => depth[2] -= 1,
            '}' => depth[2] += 1,
            _ => {}
        }
        e -= c.len_utf8();
    }
    p + e
}

/// An e-mail address inside the chunk `text[start..end]`: the first `@` with a local part
/// before it and a dotted domain after it.
fn email(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let at = start + memchr::memchr(b'@', &b[start..end])?;
    let local = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let mut s = at;
    while s > start && local(b[s - 1]) {
        s -= 1;
    }
    // A local part starts with a letter or digit (not the "." or "-" of surrounding text).
    while s < at && !b[s].is_ascii_alphanumeric() {
        s += 1;
    }
    let mut e = at + 1;
    while e < end && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'-')) {
        e += 1;
    }
    // The domain ends on a letter or digit ("desk@example.com." ends a sentence).
    while e > at + 1 && !b[e - 1].is_ascii_alphanumeric() {
        e -= 1;
    }
    let domain = &b[at + 1..e];
    let dotted = domain.iter().position(|&c| c == b'.').is_some_and(|k| k > 0 && k + 1 < domain.len());
    (s < at && dotted).then_some((s, e))
}

/// The addresses of `text[from..to]` as [`link_spans`] finds them, each widened to a bracket
/// pair around it that holds nothing else ("(https://...)", "<desk@example.com>"), with
/// whether it was.
fn spans_with_brackets(text: &str, from: usize, to: usize) -> Vec<(usize, usize, bool)> {
    let b = text.as_bytes();
    link_spans(text, from, to)
        .into_iter()
        .map(|(s, e)| {
            let wrapped = s > from
                && e < to
                && matches!((b[s - 1], b[e]), (b'(', b')') | (b'[', b']') | (b'<', b'>') | (b'{', b'}'));
            if wrapped { (s - 1, e + 1, true) } else { (s, e, false) }
        })
        .collect()
}

/// `line` without its web and e-mail addresses (and a bracket pair around an address with
/// nothing else inside it), trimmed; `None` when it holds none. For line statistics that should
/// describe the prose: an address's words are not the line's words.
pub fn without_links(line: &str) -> Option<String> {
    let spans = spans_with_brackets(line, 0, line.len());
    if spans.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for (s, e, _) in spans {
        out.push_str(&line[at..s]);
        at = e;
    }
    out.push_str(&line[at..]);
    Some(out.trim().to_string())
}

/// Takes web and e-mail addresses out of `tokens` (offsets into `text`, in order). An address
/// set off from the words before it, by a bracket pair of its own ("(https://...)",
/// "<desk@example.com>": the brackets leave too), by punctuation ("Source: www.example.com",
/// "NJ; www.usef.org.") or by starting the line, is an aside the sentence reads without. An
/// address that follows a word ("write to desk@example.com by Friday") is in the run of its
/// sentence: it becomes one word-like token over its bytes, which no model knows, so the
/// sentence reads as if it named something rare there instead of joining the words on either
/// side. Tokens of text without `://`, `www.`, `@` or `protected]` are left as they are, at the
/// cost of four `memchr` scans.
pub fn fold_links(text: &str, tokens: &mut Vec<Token>) {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return;
    };
    let spans = spans_with_brackets(text, first.start(), last.end());
    if spans.is_empty() {
        return;
    }
    // Spans are in order and disjoint (one per whitespace-delimited chunk), as are tokens.
    let mut spans = spans.into_iter().peekable();
    let mut out = 0;
    for i in 0..tokens.len() {
        let t = tokens[i];
        while spans.next_if(|&(_, e, _)| e <= t.start()).is_some() {}
        match spans.peek() {
            Some(&(s, e, wrapped)) if t.start() < e && t.end() > s => {
                // The first token of an address after a word stands for all of it.
                if !wrapped
                    && out > 0
                    && tokens[out - 1].end() <= s
                    && tokens[out - 1].kind == TokenKind::Word
                {
                    tokens[out] = Token::new(s, e, TokenKind::Word);
                    out += 1;
                }
            }
            _ => {
                tokens[out] = t;
                out += 1;
            }
        }
    }
    tokens.truncate(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    fn kept(text: &str) -> Vec<&str> {
        let mut toks = tokenize(text);
        fold_links(text, &mut toks);
        toks.iter().map(|t| t.text(text)).collect()
    }

    fn spans(text: &str) -> Vec<&str> {
        link_spans(text, 0, text.len()).into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn web_addresses_are_found_without_their_trailing_punctuation() {
        assert_eq!(
            spans("See https://www.bbc.co.uk/news/world-123."),
            ["https://www.bbc.co.uk/news/world-123"]
        );
        assert_eq!(spans("at www.example.com, he said"), ["www.example.com"]);
        assert_eq!(spans("(HTTP://Example.com/a?b=1&c=2)"), ["HTTP://Example.com/a?b=1&c=2"]);
        assert_eq!(spans("\"ftp://files.example.org/x.txt\""), ["ftp://files.example.org/x.txt"]);
        // A bracket the address opened stays; one around it does not.
        assert_eq!(
            spans("(https://en.wikipedia.org/wiki/Kyiv_(city))"),
            ["https://en.wikipedia.org/wiki/Kyiv_(city)"]
        );
        assert_eq!(spans("https://example.com/a/”"), ["https://example.com/a/"]);
        assert_eq!(spans("write to desk@example.com."), ["desk@example.com"]);
        assert_eq!(spans("<first.last+news@mail.example.co.uk>"), ["first.last+news@mail.example.co.uk"]);
    }

    #[test]
    fn cloudflare_placeholders_are_addresses() {
        assert_eq!(
            kept("Email tips to [email protected] or call us."),
            ["Email", "tips", "to", "[email protected]", "or", "call", "us", "."]
        );
        assert_eq!(kept("Tips: [email protected]."), ["Tips", ":", "."]);
        assert_eq!(spans("mail [email\u{a0}protected]."), ["[email\u{a0}protected]"]);
        assert_eq!(
            spans("([email protected]), or desk@example.com"),
            ["[email protected]", "desk@example.com"]
        );
        assert_eq!(kept("Contact: ([email protected])"), ["Contact", ":"]);
        assert_eq!(spans("[emailprotected] then"), ["[emailprotected]"]);
        // Prose that ends in "protected]" is not an address.
        for t in [
            "[rights protected]",
            "[Email Protected]",
            "the [e-mail protected] note",
            "x[email protected]",
            "protected]",
        ] {
            assert!(spans(t).is_empty(), "{t}: {:?}", spans(t));
        }
        assert!(may_hold_links("write to [email protected]"));
    }

    #[test]
    fn prose_that_only_looks_like_an_address_is_left_alone() {
        for t in [
            "The www. prefix",
            "https:// alone",
            "Follow @AP on the site",
            "a ratio of 3:1 and the U.S. said",
            "Amazon.com reported sales",
            "the awww.com site", // "www." inside a word
            "me@home",
            "@",
            "@.",
            "x@.com",
        ] {
            assert!(spans(t).is_empty(), "{t}: {:?}", spans(t));
        }
    }

    #[test]
    fn an_address_and_the_brackets_around_it_leave_the_tokens() {
        assert_eq!(
            kept("The figures were published (https://www.ons.gov.uk/a/b?x=1). Sales rose."),
            ["The", "figures", "were", "published", ".", "Sales", "rose", "."]
        );
        assert_eq!(kept("Write to <desk@example.com> today."), ["Write", "to", "today", "."]);
        assert_eq!(kept("Source: www.example.com"), ["Source", ":"]);
        assert_eq!(kept("Gladstone, NJ; www.usef.org."), ["Gladstone", ",", "NJ", ";", "."]);
        assert_eq!(kept("www.usef.org has the dates."), ["has", "the", "dates", "."]);
        // Brackets that hold more than the address stay, and so does an address after a word.
        assert_eq!(kept("(see www.example.com)"), ["(", "see", "www.example.com", ")"]);
        let plain = "No links here, only www words and an @ sign.";
        assert_eq!(kept(plain), tokenize(plain).iter().map(|t| t.text(plain)).collect::<Vec<_>>());
    }

    #[test]
    fn an_address_in_the_run_of_a_sentence_is_one_word() {
        let text = "Details are published at https://www.example.gov.uk/plans/2005 for anyone to read.";
        let mut toks = tokenize(text);
        fold_links(text, &mut toks);
        let words: Vec<&str> = toks.iter().map(|t| t.text(text)).collect();
        assert_eq!(
            words,
            [
                "Details",
                "are",
                "published",
                "at",
                "https://www.example.gov.uk/plans/2005",
                "for",
                "anyone",
                "to",
                "read",
                "."
            ]
        );
        assert_eq!(toks[4].kind, TokenKind::Word);
        assert_eq!(
            kept("Write to desk@example.com by Friday."),
            ["Write", "to", "desk@example.com", "by", "Friday", "."]
        );
        // Two addresses in a row: each is one word.
        assert_eq!(kept("see www.a.org www.b.org now"), ["see", "www.a.org", "www.b.org", "now"]);
    }

    #[test]
    fn addresses_with_other_scripts_and_no_end_are_cut_cleanly() {
        assert_eq!(kept("https://例え.jp/パス/é said"), ["said"]);
        assert_eq!(kept("at https://例え.jp/パス/é, said"), ["at", "https://例え.jp/パス/é", ",", "said"]);
        assert_eq!(kept("end https://"), ["end", "https", ":", "/", "/"]);
        assert_eq!(kept("x www.a"), ["x", "www.a"]);
    }

    #[test]
    fn a_line_without_its_addresses() {
        assert_eq!(without_links("plain prose"), None);
        assert_eq!(
            without_links("Sales rose. (https://www.example.com/news/1)").as_deref(),
            Some("Sales rose.")
        );
        assert_eq!(
            without_links("Mail <a@b.com> or see www.x.org/a, then").as_deref(),
            Some("Mail  or see , then")
        );
        assert_eq!(without_links("https://example.com/").as_deref(), Some(""));
        assert_eq!(without_links("Tips: [email protected]").as_deref(), Some("Tips:"));
    }

    #[test]
    fn long_runs_cost_linear_time() {
        // One chunk of a million bytes that looks like an address start again and again, and a
        // long run of `@`s: each finishes in well under a second.
        for text in [
            "www.".repeat(250_000),
            "@a.".repeat(300_000),
            "(https://a.b/".repeat(80_000),
            "[email protected]".repeat(60_000),
            "[email protected] ".repeat(60_000),
        ] {
            let t = std::time::Instant::now();
            let mut toks = tokenize(&text);
            fold_links(&text, &mut toks);
            assert!(t.elapsed().as_secs_f64() < 2.0, "{}", &text[..12]);
        }
    }
}
