//! Tokens with byte offsets, and the one normalisation shared by training and scoring.
//!
//! Tokenisation follows Unicode word boundaries (UAX #29, via `unicode-segmentation`), keeps case
//! and punctuation (entity work needs "U.S." and "A.S." intact), and drops whitespace.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (possibly with digits, apostrophes or inner dots: "don't", "U.S", "COVID-19" is split).
    Word,
    /// Starts with a digit: "2021", "3.5", "1.13bn".
    Number,
    /// Sentence or clause punctuation: . , ; : ! ? quotes, brackets, dashes.
    Punct,
    /// Anything else that is not whitespace: symbols, emoji, currency signs.
    Symbol,
}

/// One token: a byte range of the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// What the token is made of.
    pub kind: TokenKind,
}

impl Token {
    /// The token's text in `src`, the string it was cut from.
    #[inline]
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    /// True for words and numbers: the tokens a language model scores.
    #[inline]
    pub fn is_wordlike(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Number)
    }
}

fn classify(s: &str) -> Option<TokenKind> {
    let mut chars = s.chars();
    let c = chars.next()?;
    if c.is_whitespace() {
        return None;
    }
    if c.is_alphabetic() {
        return Some(TokenKind::Word);
    }
    if c.is_ascii_digit() || c.is_numeric() {
        return Some(TokenKind::Number);
    }
    if is_punct(c) {
        return Some(TokenKind::Punct);
    }
    // A segment such as "_foo" or a mark followed by letters still reads as a word.
    if s.chars().any(|c| c.is_alphabetic()) {
        return Some(TokenKind::Word);
    }
    Some(TokenKind::Symbol)
}

/// Punctuation that structures prose (as opposed to symbols such as `$`, `%`, `©` or emoji).
pub fn is_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '-'
            | '\u{2010}'
            ..='\u{2027}'
                | '\u{00AB}'
                | '\u{00BB}'
                | '\u{2039}'
                | '\u{203A}'
                | '\u{00BF}'
                | '\u{00A1}'
                | '/'
                | '\u{3001}'
                | '\u{3002}'
    )
}

/// Splits `text` into tokens, appending them to `out` (cleared first). Offsets are relative to
/// `text` plus `base`, so a caller can tokenise one line of a larger document.
pub fn tokenize_into(text: &str, base: usize, out: &mut Vec<Token>) {
    out.clear();
    for (i, seg) in text.split_word_bound_indices() {
        if let Some(kind) = classify(seg) {
            out.push(Token {
                start: base + i,
                end: base + i + seg.len(),
                kind,
            });
        }
    }
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut v = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, 0, &mut v);
    v
}

/// The normalised form of a word for the language model: lower case, typographic apostrophes
/// folded to `'`, digits folded to `0` (so "1961" and "2021" share statistics). Borrowed when
/// nothing changes, which is the common case.
pub fn normalize(word: &str) -> Cow<'_, str> {
    let needs = word
        .bytes()
        .any(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b >= 0x80);
    if !needs {
        return Cow::Borrowed(word);
    }
    let mut s = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => s.push('\''),
            c if c.is_ascii_digit() => s.push('0'),
            c if c.is_ascii() => s.push(c.to_ascii_lowercase()),
            c => s.extend(c.to_lowercase()),
        }
    }
    Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn keeps_case_and_inner_dots() {
        assert_eq!(
            texts("Senior A.S. and U.S. officials don't agree."),
            [
                "Senior",
                "A.S",
                ".",
                "and",
                "U.S",
                ".",
                "officials",
                "don't",
                "agree",
                "."
            ]
        );
    }

    #[test]
    fn numbers_and_symbols() {
        let s = "It cost $1.13bn (3.5%) in 2021 😀";
        let toks = tokenize(s);
        let kinds: Vec<_> = toks.iter().map(|t| (t.text(s), t.kind)).collect();
        assert!(kinds.contains(&("$", TokenKind::Symbol)));
        assert!(kinds.contains(&("1.13bn", TokenKind::Number)));
        assert!(kinds.contains(&("2021", TokenKind::Number)));
        assert!(kinds.contains(&("😀", TokenKind::Symbol)));
        assert!(kinds.contains(&("(", TokenKind::Punct)));
    }

    #[test]
    fn offsets_slice_the_input() {
        let s = "Ünïcödé  «quoted» — text\u{0}\u{feff} ok";
        for t in tokenize(s) {
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            assert!(!t.text(s).trim().is_empty());
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize("the"), "the");
        assert!(matches!(normalize("the"), Cow::Borrowed(_)));
        assert_eq!(normalize("Putin’s"), "putin's");
        assert_eq!(normalize("2021"), "0000");
        assert_eq!(normalize("ÉCOLE"), "école");
    }
}
