//! Tokens with byte offsets, and the one normalisation shared by training and scoring.
//!
//! Tokenisation follows Unicode word boundaries (UAX #29, as implemented by `unicode-segmentation`'s
//! `split_word_bound_indices`), keeps case and punctuation (entity work needs "U.S." and "A.S."
//! intact), and drops whitespace.
//!
//! Most text is ASCII, and the crate's table lookup per character dominated tokenisation, so
//! [`tokenize_into`] has an ASCII fast path that gives exactly the same tokens. The text is cut
//! wherever an ASCII whitespace byte is followed by an ASCII non-whitespace byte: the crate always
//! breaks there and its segmentation of what follows does not depend on what came before (no rule
//! joins whitespace to a following ASCII character, and the look-ahead rules WB6/WB7/WB11/WB12 need a
//! MidLetter/MidNum/MidNumLetQ character, which whitespace is not). A piece between cuts that holds a
//! non-ASCII byte goes to the crate; an all-ASCII piece is segmented by hand with the ASCII
//! word-break properties (ALetter, Numeric, ExtendNumLet `_`, MidLetter `:`, MidNumLet `.`, MidNum
//! `,` `;`, Single_Quote `'`; WB5-WB13b, everything else WB999) and classified as `classify` would.
//! The properties and rules are those of unicode-segmentation 1.13 (Unicode 17): the unit tests
//! compare both paths with the crate on the corpora, on every short ASCII string and on random
//! strings, so they fail if an upgrade of the crate changes its behaviour on ASCII.

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

/// The longest text tokenised (token offsets are 32-bit): bytes past it are left untokenised.
pub const MAX_TEXT: usize = u32::MAX as usize;

/// One token: a byte range of the text it came from. Offsets are 32-bit, so a token takes 12
/// bytes: a batch holds every document's tokens until its story clusters are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    start: u32,
    end: u32,
    /// What the token is made of.
    pub kind: TokenKind,
}

impl Token {
    /// A token over the bytes `start..end` (both at most [`MAX_TEXT`]).
    #[inline]
    pub fn new(start: usize, end: usize, kind: TokenKind) -> Token {
        debug_assert!(start <= end && end <= MAX_TEXT);
        Token { start: start as u32, end: end as u32, kind }
    }

    /// Byte offset of the first byte.
    #[inline]
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Byte offset one past the last byte.
    #[inline]
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// The token's text in `src`, the string it was cut from.
    #[inline]
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start()..self.end()]
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
pub const fn is_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' | '-' | '\u{2010}'
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
    // Offsets are 32-bit: a text reaching past MAX_TEXT is tokenised up to it.
    let mut text = text;
    if base.saturating_add(text.len()) > MAX_TEXT {
        let mut cut = MAX_TEXT.saturating_sub(base).min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text = &text[..cut];
    }
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut pos = 0; // a cut (or 0): everything before it is done
    while pos < n {
        let Some(k) = first_non_ascii(bytes, pos) else {
            push_ascii(&bytes[pos..], base + pos, out);
            break;
        };
        // The piece holding byte k runs from the last cut at or before it to the first cut after it.
        let mut left = k;
        while left > pos && !is_cut(bytes, left) {
            left -= 1;
        }
        let mut right = k + 1;
        while right < n && !is_cut(bytes, right) {
            right += 1;
        }
        push_ascii(&bytes[pos..left], base + pos, out);
        // Cuts are ASCII bytes, so `left` and `right` are char boundaries.
        push_unicode(&text[left..right], base + left, out);
        pos = right;
    }
}

/// The crate's segmentation of `text`, classified, appended to `out`: the general path (and, for a
/// whole text, the reference the fast path must equal).
fn push_unicode(text: &str, base: usize, out: &mut Vec<Token>) {
    for (i, seg) in text.split_word_bound_indices() {
        if let Some(kind) = classify(seg) {
            out.push(Token::new(base + i, base + i + seg.len(), kind));
        }
    }
}

/// The index of the first byte at or after `from` that is not ASCII.
#[inline]
fn first_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap());
        let hi = w & 0x8080_8080_8080_8080;
        if hi != 0 {
            return Some(i + (hi.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| b >= 0x80).map(|p| i + p)
}

/// True when `i` (0 < i < len) is a cut: ASCII whitespace before it, ASCII non-whitespace at it.
#[inline]
fn is_cut(bytes: &[u8], i: usize) -> bool {
    ASCII[bytes[i - 1] as usize] & WS != 0 && ASCII[bytes[i] as usize] & (WS | NON_ASCII) == 0
}

// Per-byte flags for the ASCII path.
const LETTER: u8 = 1; // ALetter: A-Z a-z
const DIGIT: u8 = 2; // Numeric: 0-9
const USCORE: u8 = 4; // ExtendNumLet: _
const CORE: u8 = LETTER | DIGIT | USCORE;
const MID_LETTER: u8 = 8; // MidLetter or MidNumLetQ: : . '
const MID_NUM: u8 = 16; // MidNum or MidNumLetQ: , ; . '
const WS: u8 = 32; // char::is_whitespace: \t \n \x0b \x0c \r and space
const PUNCT: u8 = 64; // is_punct, for a one-byte token
const NON_ASCII: u8 = 128;

const ASCII: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c == b'_' {
            USCORE
        } else if matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
            WS
        } else {
            let mid = match c {
                b':' => MID_LETTER,
                b',' | b';' => MID_NUM,
                b'.' | b'\'' => MID_LETTER | MID_NUM,
                _ => 0,
            };
            mid | if is_punct(c as char) { PUNCT } else { 0 }
        };
        b += 1;
    }
    t
};

/// Tokens of an all-ASCII piece, appended to `out`; `base` is the offset of `piece[0]`.
///
/// Whitespace only ever forms whitespace segments (runs of spaces, CR LF, or single bytes), which
/// are dropped, so it is skipped. A letter, digit or `_` starts a run that continues over letters,
/// digits and `_` (WB5, WB8-WB10, WB13a/b) and over a MidLetter/MidNumLetQ byte between two letters
/// (WB6/WB7) or a MidNum/MidNumLetQ byte between two digits (WB11/WB12). Every other byte is a
/// segment of its own (WB999).
fn push_ascii(piece: &[u8], base: usize, out: &mut Vec<Token>) {
    let n = piece.len();
    let mut i = 0;
    while i < n {
        let f = ASCII[piece[i] as usize];
        if f & WS != 0 {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let kind = if f & CORE != 0 {
            loop {
                while i < n && ASCII[piece[i] as usize] & CORE != 0 {
                    i += 1;
                }
                if i + 1 < n {
                    let m = ASCII[piece[i] as usize];
                    let prev = ASCII[piece[i - 1] as usize];
                    let next = ASCII[piece[i + 1] as usize];
                    if (m & MID_LETTER != 0 && prev & next & LETTER != 0)
                        || (m & MID_NUM != 0 && prev & next & DIGIT != 0)
                    {
                        i += 2;
                        continue;
                    }
                }
                break;
            }
            if f & LETTER != 0 {
                TokenKind::Word
            } else if f & DIGIT != 0 {
                TokenKind::Number
            } else if piece[start..i].iter().any(u8::is_ascii_alphabetic) {
                // "_foo", as in `classify`.
                TokenKind::Word
            } else {
                TokenKind::Symbol
            }
        } else if f & PUNCT != 0 {
            TokenKind::Punct
        } else {
            TokenKind::Symbol
        };
        out.push(Token::new(base + start, base + i, kind));
    }
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut v = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, 0, &mut v);
    v
}

/// The normalised form of a word for the language model: lower case, typographic apostrophes
/// folded to `'`, typographic double quotes (U+201C-U+201F) to `"` and hyphens, dashes and the
/// minus sign (U+2010-U+2015, U+2212) to `-` (the corpora write them in ASCII, so a source's
/// typography does not move its score), digits folded to `0` (so "1961" and "2021" share
/// statistics). Borrowed when nothing changes, which is the common case.
pub fn normalize(word: &str) -> Cow<'_, str> {
    let Some(p) = first_to_normalize(word) else {
        return Cow::Borrowed(word);
    };
    let mut s = String::with_capacity(word.len());
    normalize_from(word, p, &mut s);
    Cow::Owned(s)
}

/// [`normalize`] without allocating: `word` itself when nothing changes, else its normalised
/// form written into `buf` (a buffer reused from word to word).
pub fn normalize_with<'a>(word: &'a str, buf: &'a mut String) -> &'a str {
    match first_to_normalize(word) {
        None => word,
        Some(p) => {
            buf.clear();
            normalize_from(word, p, buf);
            buf
        }
    }
}

/// The first byte [`normalize`] may change (an upper-case letter, a digit, or a non-ASCII
/// character's first byte).
#[inline]
fn first_to_normalize(word: &str) -> Option<usize> {
    word.bytes().position(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b >= 0x80)
}

/// Appends the normalised form of `word` to `out`, given that its first `p` bytes are ASCII
/// and unchanged ([`first_to_normalize`]).
fn normalize_from(word: &str, p: usize, out: &mut String) {
    out.push_str(&word[..p]);
    let rest = &word[p..];
    if rest.is_ascii() {
        if !rest.bytes().any(|b| b.is_ascii_digit()) {
            // ASCII letters and marks: copied whole and lower-cased in place.
            let from = out.len();
            out.push_str(rest);
            out[from..].make_ascii_lowercase();
            return;
        }
        // ASCII with digits: byte by byte, without decoding.
        out.extend(
            rest.bytes().map(|b| if b.is_ascii_digit() { '0' } else { char::from(b.to_ascii_lowercase()) }),
        );
        return;
    }
    for c in rest.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => out.push('\''),
            '\u{201c}'..='\u{201f}' => out.push('"'),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            c if c.is_ascii_digit() => out.push('0'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`normalize`] as it was: every character through the char rules.
    fn normalize_reference(word: &str) -> String {
        let mut s = String::with_capacity(word.len());
        for c in word.chars() {
            match c {
                '\u{2019}' | '\u{2018}' | '\u{02BC}' => s.push('\''),
                '\u{201c}'..='\u{201f}' => s.push('"'),
                '\u{2010}'..='\u{2015}' | '\u{2212}' => s.push('-'),
                c if c.is_ascii_digit() => s.push('0'),
                c if c.is_ascii() => s.push(c.to_ascii_lowercase()),
                c => s.extend(c.to_lowercase()),
            }
        }
        s
    }

    #[test]
    fn normalize_paths_agree_with_the_char_rules() {
        let alphabet = [
            'a', 'Z', 'q', '0', '7', '\'', '\u{2019}', '\u{2018}', '\u{2bc}', 'É', 'é', 'İ', 'Σ', 'ß', '-',
            '😀', '\u{201c}', '"', '\u{2014}',
        ];
        let mut buf = String::from("left over");
        let mut check = |w: &str| {
            let want = normalize_reference(w);
            assert_eq!(normalize(w), want, "{w:?}");
            assert_eq!(normalize_with(w, &mut buf), want, "{w:?}");
            if w.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'' || b == b'-') {
                assert!(matches!(normalize(w), Cow::Borrowed(_)));
            }
        };
        check("");
        let mut words = vec![String::new()];
        for _ in 0..3 {
            let next: Vec<String> =
                words.iter().flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}"))).collect();
            words.extend(next);
        }
        for w in &words {
            check(w);
        }
        for w in ["Putin’s", "1,961", "UNESCO", "already lower", "MixedCase42", "Ünïcode"] {
            check(w);
        }
    }

    /// The implementation before the ASCII fast path: the crate on the whole text.
    fn tokenize_reference(text: &str, base: usize, out: &mut Vec<Token>) {
        out.clear();
        push_unicode(text, base, out);
    }

    /// Compares the fast path with the reference on `text` (at two bases); true when they agree.
    fn agrees(text: &str, fast: &mut Vec<Token>, slow: &mut Vec<Token>) -> bool {
        [0, 1234].iter().all(|&base| {
            tokenize_into(text, base, fast);
            tokenize_reference(text, base, slow);
            fast == slow
        })
    }

    /// Counts disagreements over `texts`, printing the first few.
    fn mismatches<'a>(texts: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        let (mut n, mut bad) = (0, 0);
        for t in texts {
            n += 1;
            if !agrees(t, &mut fast, &mut slow) {
                bad += 1;
                if bad <= 5 {
                    eprintln!("mismatch on {t:?}:\n fast {fast:?}\n slow {slow:?}");
                }
            }
        }
        (n, bad)
    }

    const SAMPLE: &str = "Senior A.S. and U.S. officials don't agree: \"It's 3.5% of $1,000,000.\"\r\n\
        The café’s owner, José Martínez—a native of Zürich—said “no” (again)…\n\
        e.g. http://example.com/a_b?c=d&e=f; 12:30pm, 1.2.3, _foo __ 4_5 a_1 x'y 'quoted' \"q\"\n\
        Naïve re\u{301}sume\u{301} co\u{200d}op\u{a0}x 😀👍🏽 👨\u{200d}👩\u{200d}👧 🇺🇸🇬🇧 \u{feff}BOM\t\ttab\x0b\x0cff\n\
        שָׁלוֹם א\"ב א'ב 中文字 カタカナ ｶﾀｶﾅ ٣٫١٤ 1’000 don’t O’Neill rock ’n’ roll \u{2028}\u{85}end.\n\
        \u{301}start  \u{301} \u{200d} \u{ad}soft\u{ad}hy\u{ad}phen 3\u{301}.5 a\u{301}.b   ...\r\r\n\n";

    #[test]
    fn tokenize_fast_path_matches_reference_on_sample() {
        let lines = SAMPLE.split_inclusive('\n');
        let (n, bad) = mismatches(lines.chain([SAMPLE, ""]));
        assert!(n > 5);
        assert_eq!(bad, 0);
    }

    #[test]
    fn tokenize_fast_path_matches_reference_on_corpora() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("{} not found: corpus comparison skipped", dir.display());
            return;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        let (mut lines, mut files) = (0, 0);
        for p in paths.iter().filter(|p| p.is_file()) {
            let Ok(text) = std::fs::read_to_string(p) else { continue };
            let (n, bad) = mismatches(text.split_inclusive('\n'));
            assert_eq!(bad, 0, "{}", p.display());
            let (_, bad) = mismatches([text.as_str()]);
            assert_eq!(bad, 0, "{} as a whole", p.display());
            lines += n;
            files += 1;
        }
        eprintln!("corpora: {files} files, {lines} lines, no mismatch");
    }

    /// Every ASCII string of up to three characters, and longer ones over the characters that matter.
    #[test]
    fn tokenize_fast_path_matches_reference_exhaustive_ascii() {
        let all: Vec<char> = (0u8..128).map(char::from).collect();
        let key: Vec<char> = "aZ0_'\":.,;- \t\n\r\x0b!\0".chars().collect();
        let mixed: Vec<char> = "a1_'.,: \n\r\t-é\u{301}\u{200d}\u{a0}’😀".chars().collect();
        let mut total = 0;
        for (alphabet, max_len) in [(&all, 3), (&key, 5), (&mixed, 5)] {
            let (n, bad) = mismatches(all_strings(alphabet, max_len).iter().map(String::as_str));
            assert_eq!(bad, 0);
            total += n;
        }
        eprintln!("exhaustive: {total} strings, no mismatch");
    }

    fn all_strings(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut level = vec![String::new()];
        let mut out = level.clone();
        for _ in 0..max_len {
            level = level.iter().flat_map(|s| alphabet.iter().map(move |&c| format!("{s}{c}"))).collect();
            out.extend(level.iter().cloned());
        }
        out
    }

    #[test]
    fn tokenize_fast_path_matches_reference_fuzz() {
        // ASCII letters, digits, every ASCII punctuation mark, whitespace and control bytes, weighted
        // towards prose, plus the non-ASCII characters that exercise the other word-break rules.
        let mut alphabet: Vec<&str> = Vec::new();
        let letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for _ in 0..3 {
            alphabet.extend(letters.split("").filter(|s| !s.is_empty()));
        }
        alphabet.extend("0123456789".split("").filter(|s| !s.is_empty()));
        let punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
        assert_eq!(punct.len(), (0u8..128).filter(u8::is_ascii_punctuation).count());
        alphabet.extend(punct.split("").filter(|s| !s.is_empty()));
        alphabet.extend([
            " ", " ", " ", " ", " ", " ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\0", "\x1f", "\x7f",
        ]);
        alphabet.extend([
            "é",
            "É",
            "’",
            "‘",
            "“",
            "”",
            "—",
            "–",
            "…",
            "\u{301}",
            "\u{200d}",
            "\u{200b}",
            "\u{ad}",
            "\u{a0}",
            "\u{2009}",
            "\u{3000}",
            "\u{85}",
            "\u{2028}",
            "😀",
            "👍",
            "\u{1f3fd}",
            "\u{fe0f}",
            "🇺",
            "🇸",
            "🇺🇸",
            "א",
            "ש",
            "\u{5b8}",
            "中",
            "ア",
            "ｱ",
            "\u{feff}",
            "٣",
            "٫",
            "·",
            "©",
            "½",
        ]);
        let mut rng = crate::test_support::XorShift::new(0x9E37_79B9_7F4A_7C15);
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        let (mut n, mut bad) = (0, 0);
        for _ in 0..300_000 {
            let s = rng.string_of(&alphabet, 41);
            n += 1;
            if !agrees(&s, &mut fast, &mut slow) {
                bad += 1;
                if bad <= 5 {
                    eprintln!("mismatch on {s:?}:\n fast {fast:?}\n slow {slow:?}");
                }
            }
        }
        eprintln!("fuzz: {n} strings, {bad} mismatches");
        assert_eq!(bad, 0);
    }

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn keeps_case_and_inner_dots() {
        assert_eq!(
            texts("Senior A.S. and U.S. officials don't agree."),
            ["Senior", "A.S", ".", "and", "U.S", ".", "officials", "don't", "agree", "."]
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
    fn offsets_are_32_bit_and_stop_at_the_limit() {
        assert_eq!(std::mem::size_of::<Token>(), 12);
        // A line starting 5 bytes before the limit keeps the token that ends on it.
        let mut out = Vec::new();
        tokenize_into("hello world", MAX_TEXT - 5, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].start(), out[0].end()), (MAX_TEXT - 5, MAX_TEXT));
        // Past the limit nothing is tokenised, and a multi-byte character is never split.
        tokenize_into("hello", MAX_TEXT, &mut out);
        assert!(out.is_empty());
        tokenize_into("a\u{e9}b", MAX_TEXT - 2, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].start(), out[0].end()), (MAX_TEXT - 2, MAX_TEXT - 1));
    }

    #[test]
    fn offsets_slice_the_input() {
        let s = "Ünïcödé  «quoted» — text\u{0}\u{feff} ok";
        for t in tokenize(s) {
            assert!(s.is_char_boundary(t.start()) && s.is_char_boundary(t.end()));
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
        // Typographic double quotes are the corpora's straight one.
        for q in ["\u{201c}", "\u{201d}", "\u{201e}", "\u{201f}"] {
            assert_eq!(normalize(q), "\"");
        }
        // Hyphens, dashes and the minus sign are the corpora's hyphen-minus.
        for d in ["\u{2010}", "\u{2011}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}"] {
            assert_eq!(normalize(d), "-");
        }
        assert_eq!(normalize("well\u{2011}known"), "well-known");
    }
}
