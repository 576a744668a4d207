//! Lines and sentences: the units boilerplate classification and local fluency work on.

use crate::tokenize::{Token, TokenKind};

/// A line of the document (a paragraph in most inputs), as a byte range without its newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSpan {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset of the end, excluding `\r\n` / `\n`.
    pub end: usize,
}

/// Splits `text` into lines (on `\n`, with a trailing `\r` dropped). Empty lines are kept so that
/// line numbers match the input.
pub fn lines(text: &str) -> Vec<LineSpan> {
    let mut out = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let mut end = nl;
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        out.push(LineSpan { start, end });
        start = nl + 1;
    }
    if start < text.len() {
        out.push(LineSpan { start, end: text.len() });
    }
    out
}

/// A text without a line break needs at least this many bytes to be laid out by sentence.
pub const UNBROKEN_MIN_BYTES: usize = 400;

/// The lines boilerplate classification reads: the text's own [`lines`], or, for a text of at
/// least [`UNBROKEN_MIN_BYTES`] with no line break at all (a page whose whitespace was
/// collapsed: article, "Read Also:" links, author bio and comment form run together), its
/// sentences, each a line of its own. Returns the spans and whether they are sentences.
pub fn layout_lines(text: &str) -> (Vec<LineSpan>, bool) {
    if text.len() < UNBROKEN_MIN_BYTES || memchr::memchr(b'\n', text.as_bytes()).is_some() {
        return (lines(text), false);
    }
    let starts = sentence_starts(text);
    if starts.is_empty() {
        return (lines(text), false);
    }
    // Each line runs on to the next one's start, so together they hold every byte a line of
    // the text would (the spaces between two sentences end the first).
    let mut spans = Vec::with_capacity(starts.len() + 1);
    let mut start = 0;
    for s in starts {
        spans.push(LineSpan { start, end: s });
        start = s;
    }
    spans.push(LineSpan { start, end: text.len() });
    (spans, true)
}

/// Where sentences after the first start, read off the bytes (no tokens: this lays out text
/// for line classification only): after `.`, `!`, `?` or `…`, any closing quotes or brackets
/// and a space, at a word that starts with a capital letter, a digit, an opening quote or
/// bracket or a copyright sign, unless the word before a full stop is an abbreviation or an
/// initial ([`sentences`]' rule).
fn sentence_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let mark = match b[i] {
            b'.' | b'!' | b'?' => 1,
            0xE2 if b.get(i + 1..i + 3) == Some(&[0x80, 0xA6]) => 3, // …
            _ => {
                i += 1;
                continue;
            }
        };
        let at = i;
        let mut j = i + mark;
        // further marks ("?!", "..."), then closing quotes and brackets
        loop {
            match b.get(j..) {
                Some([b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']', ..]) => j += 1,
                Some([0xE2, 0x80, 0x9D | 0x99 | 0xA6, ..]) => j += 3, // ” ’ …
                Some([0xC2, 0xBB, ..]) => j += 2,                     // »
                _ => break,
            }
        }
        i = j;
        let mut k = j;
        while k < b.len() && b[k].is_ascii_whitespace() {
            k += 1;
        }
        if k == j || k >= b.len() {
            continue;
        }
        let Some(c) = text[k..].chars().next() else { continue };
        // a copyright line run on after the article's last sentence starts with its sign
        let opens = matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '«' | '©');
        if !(c.is_uppercase() || c.is_numeric() || opens) {
            continue;
        }
        if b[at] == b'.' {
            let word_start = text[..at]
                .rfind(|ch: char| ch.is_whitespace() || matches!(ch, '(' | '"' | '“'))
                .map_or(0, |p| p + text[p..].chars().next().map_or(1, char::len_utf8));
            let word = &text[word_start..at];
            if !word.is_empty() && is_abbreviation(word) {
                continue;
            }
        }
        out.push(k);
    }
    out
}

/// A sentence as a range of indices into a token slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Index of the first token.
    pub first: usize,
    /// Index one past the last token.
    pub last: usize,
}

impl SentenceSpan {
    /// Byte range of the sentence in the document.
    pub fn bytes(&self, tokens: &[Token]) -> (usize, usize) {
        (tokens[self.first].start(), tokens[self.last - 1].end())
    }
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "gov", "sen",
    "rep", "rev", "hon", "vs", "etc", "inc", "ltd", "co", "corp", "no", "fig", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx", "dept", "est", "e.g",
    "i.e", "u.s", "u.k", "u.n", "a.m", "p.m",
];

fn is_abbreviation(word: &str) -> bool {
    if word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase()) {
        return true; // an initial: "Harry S. Truman"
    }
    let lower = word.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// True when `gap` (the bytes between two tokens) holds a line break. Gaps are nearly always
/// empty or one space: those are tested in place, longer ones with `memchr`.
#[inline]
fn has_newline(gap: &[u8]) -> bool {
    if gap.len() <= 8 { gap.contains(&b'\n') } else { memchr::memchr(b'\n', gap).is_some() }
}

/// True when token `j`, an opening double quote (`“` or `„`) written right after a sentence's
/// last mark, is followed by a gap or nothing: a closing quote curled the wrong way (`said.“
/// The`), as smart-quote conversion and hand-typed text leave it.
fn is_miscurled_close(text: &str, tokens: &[Token], j: usize) -> bool {
    matches!(tokens[j].text(text), "“" | "„") && tokens.get(j + 1).is_none_or(|n| n.start() > tokens[j].end())
}

/// Splits tokens into sentences. A sentence ends at `.`, `!` or `?` (with any closing quotes or
/// brackets) when the next token starts a new sentence, and always where there is a line break
/// between two tokens. `text` is the document the tokens index into.
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<SentenceSpan> {
    let mut out = Vec::new();
    let mut first = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let mut end_here = false;
        if t.kind == TokenKind::Punct && matches!(t.text(text), "." | "!" | "?" | "…") {
            // absorb closing quotes / brackets
            let mut j = i + 1;
            while j < tokens.len()
                && tokens[j].kind == TokenKind::Punct
                && tokens[j].start() == tokens[j - 1].end()
                && (matches!(tokens[j].text(text), "\"" | "'" | "”" | "’" | ")" | "»" | "]")
                    || is_miscurled_close(text, tokens, j))
            {
                j += 1;
            }
            let abbrev = t.text(text) == "."
                && i > 0
                && tokens[i - 1].end() == t.start()
                && tokens[i - 1].kind == TokenKind::Word
                && is_abbreviation(tokens[i - 1].text(text));
            let next_starts = match tokens.get(j) {
                None => true,
                Some(n) => {
                    let c = n.text(text).chars().next().unwrap_or(' ');
                    c.is_uppercase() || c.is_numeric() || !c.is_alphabetic()
                }
            };
            if next_starts && (!abbrev || tokens.get(j).is_none()) {
                i = j - 1;
                end_here = true;
            }
        }
        if !end_here
            && let Some(n) = tokens.get(i + 1)
            && has_newline(&bytes[t.end()..n.start()])
        {
            end_here = true;
        }
        if end_here || i + 1 == tokens.len() {
            out.push(SentenceSpan { first, last: i + 1 });
            first = i + 1;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    fn sents(s: &str) -> Vec<String> {
        let toks = tokenize(s);
        sentences(s, &toks)
            .iter()
            .map(|sp| {
                let (a, b) = sp.bytes(&toks);
                s[a..b].to_string()
            })
            .collect()
    }

    #[test]
    fn splits_on_terminal_punctuation() {
        assert_eq!(
            sents("He left. She stayed! Did they? \"Yes.\" Then"),
            ["He left.", "She stayed!", "Did they?", "\"Yes.\"", "Then"]
        );
    }

    #[test]
    fn a_closing_quote_curled_the_wrong_way_still_closes() {
        // “ written for ” after a sentence's full stop belongs to that sentence...
        assert_eq!(
            sents("He said: “We left.“ Then they stayed. ”Yes.“"),
            ["He said: “We left.“", "Then they stayed.", "”Yes.“"]
        );
        // ... while one that opens the next sentence (no gap after it, or a gap before it) does not.
        assert_eq!(sents("We left.“Then they stayed."), ["We left.", "“Then they stayed."]);
        assert_eq!(sents("We left. “Then they stayed.”"), ["We left.", "“Then they stayed.”"]);
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        assert_eq!(
            sents("Mr. Smith met Harry S. Truman in the U.S. on Monday. Done."),
            ["Mr. Smith met Harry S. Truman in the U.S. on Monday.", "Done."]
        );
    }

    #[test]
    fn has_newline_finds_breaks_in_short_and_long_gaps() {
        for n in 0..40 {
            let mut gap = vec![b' '; n];
            assert!(!has_newline(&gap));
            for k in 0..n {
                gap[k] = b'\n';
                assert!(has_newline(&gap), "{n} {k}");
                gap[k] = b' ';
            }
        }
    }

    #[test]
    fn line_breaks_end_sentences() {
        assert_eq!(sents("A heading\nBody text here."), ["A heading", "Body text here."]);
    }

    fn laid_out(t: &str) -> (Vec<&str>, bool) {
        let (spans, by_sentence) = layout_lines(t);
        (spans.iter().map(|s| &t[s.start..s.end]).collect(), by_sentence)
    }

    #[test]
    fn text_without_line_breaks_is_laid_out_by_sentence() {
        let body = "Mr. Smith met Gov. Jones in the U.S. capital on Monday. “Talks went well,” he said. \
                    Was it enough? Harry S. Truman thought so… 3 aides agreed.";
        let t = format!("{body} {}", "More text follows here. ".repeat(12));
        let (got, by_sentence) = laid_out(&t);
        assert!(by_sentence);
        assert_eq!(
            &got[..5],
            [
                "Mr. Smith met Gov. Jones in the U.S. capital on Monday. ",
                "“Talks went well,” he said. ",
                "Was it enough? ",
                "Harry S. Truman thought so… ",
                "3 aides agreed. "
            ]
        );
        // every byte is in exactly one line, in order
        assert_eq!(got.concat(), t);
    }

    #[test]
    fn text_with_line_breaks_or_short_keeps_its_lines() {
        let long = "A sentence here. ".repeat(40);
        let broken = format!("{long}\n{long}");
        assert_eq!(layout_lines(&broken), (lines(&broken), false));
        let short = "One. Two. Three.";
        assert_eq!(layout_lines(short), (lines(short), false));
        // one long sentence: nothing to lay out
        let one = "word ".repeat(200);
        assert_eq!(layout_lines(&one), (lines(&one), false));
    }

    #[test]
    fn sentence_starts_need_a_space_and_a_capital() {
        let t = "Version 2.5 shipped.next came e.g. this. and that. (Then) more.\u{201d} End… ?! Quite. © 2019 AP";
        let starts: Vec<&str> = sentence_starts(t).iter().map(|&i| &t[i..]).collect();
        assert_eq!(
            starts,
            [
                "(Then) more.\u{201d} End… ?! Quite. © 2019 AP",
                "End… ?! Quite. © 2019 AP",
                "Quite. © 2019 AP",
                "© 2019 AP"
            ]
        );
    }

    #[test]
    fn lines_keep_numbering() {
        let t = "a\r\n\nb";
        let ls = lines(t);
        assert_eq!(ls.len(), 3);
        assert_eq!(&t[ls[0].start..ls[0].end], "a");
        assert_eq!(&t[ls[2].start..ls[2].end], "b");
    }
}
