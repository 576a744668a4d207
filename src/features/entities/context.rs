//! What every entity signal needs: per-token sentence position, which sentences read as prose,
//! and lexicon look-ups with the frequency floors that turn counts into "known" and "frequent".

use crate::document::DocView;
use crate::lexicon::Lexicon;
use crate::tokenize::{Token, TokenKind};

/// A surface is "frequent" in the reference when its count reaches this many per million
/// tokens (and at least [`FREQUENT_MIN`]).
const FREQUENT_PER_MILLION: f64 = 10.0;
/// Absolute floor for "frequent", so tiny lexicons do not call every seen word frequent.
pub(super) const FREQUENT_MIN: u64 = 20;

/// Per-token facts, the bits of [`Ctx::facts`]. The word-shape bits are set on word tokens
/// only.
pub(super) mod fact {
    /// A word token.
    pub const WORD: u8 = 1;
    /// A word whose first character is upper case (`char::is_uppercase`).
    pub const UPPER_INITIAL: u8 = 2;
    /// A word whose first character is lower case (`char::is_lowercase`).
    pub const LOWER_INITIAL: u8 = 4;
    /// A word that [`is_capitalised`](super::is_capitalised) ("Said", not "US" or "said").
    pub const CAP: u8 = 8;
    /// A word capitalised once a possessive ending is stripped
    /// ([`strip_possessive`](super::strip_possessive): "Putin’s").
    pub const CAP_STEM: u8 = 16;
    /// A word of at least four characters, all lower case ("america").
    pub const LOWER_WORD: u8 = 32;
    /// The token opens a sentence or a clause that may start with a capital (after an opening
    /// quote, colon, bracket or dash).
    pub const OPENS: u8 = 64;
    /// The sentence the token belongs to reads as prose (enough words, mostly lower case), as
    /// opposed to a headline, a title-case line or a list.
    pub const PROSE: u8 = 128;
}

/// Shared, read-only view of one document for the signals.
pub(super) struct Ctx<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    pub lex: &'a dyn Lexicon,
    /// Per token: its [`fact`] bits. The signals ask these of most tokens, several times each,
    /// so they are computed once, in one pass over the words.
    pub facts: Vec<u8>,
    /// Word tokens read.
    pub words: usize,
    /// Reference count from which a surface counts as frequent.
    pub frequent: u64,
}

impl<'a> Ctx<'a> {
    pub fn new(lex: &'a dyn Lexicon, doc: &DocView<'a>) -> Self {
        let toks = doc.tokens;
        let text = doc.text;
        let n = toks.len();
        let mut words = 0usize;
        let mut facts: Vec<u8> = toks
            .iter()
            .map(|t| {
                if t.kind != TokenKind::Word {
                    return 0;
                }
                words += 1;
                // Most words are an ASCII letter and lower-case ASCII letters, told on the bytes.
                lower_rest_facts(&text.as_bytes()[t.start()..t.end()])
                    .unwrap_or_else(|| word_facts(t.text(text)))
            })
            .collect();
        // Sentences as given; tokens outside any sentence stay non-prose openers.
        let mut covered = vec![false; n];
        for s in doc.sentences {
            let first = s.first.min(n);
            let last = s.last.min(n);
            if first >= last {
                continue;
            }
            let range = first..last;
            let mut sentence_words = 0usize;
            let mut capital = 0usize;
            let mut seen_word = false;
            // The sentence's tokens with their facts and coverage, as slices (no index checks).
            let sentence =
                toks[range.clone()].iter().zip(&mut facts[range.clone()]).zip(&mut covered[range.clone()]);
            for (i, ((t, f), covered)) in (first..).zip(sentence) {
                *covered = true;
                let opens = if t.is_wordlike() && !seen_word {
                    seen_word = true;
                    true
                } else {
                    i > first && t.kind == TokenKind::Word && opens_clause(toks, i - 1, text)
                };
                if opens {
                    *f |= fact::OPENS;
                }
                // An upper-case initial is a word's.
                sentence_words += usize::from(*f & fact::WORD != 0);
                capital += usize::from(*f & (fact::OPENS | fact::UPPER_INITIAL) == fact::UPPER_INITIAL);
            }
            // Set or cleared: the last sentence covering a token decides.
            let prose =
                if sentence_words >= 6 && capital * 10 <= sentence_words * 4 { fact::PROSE } else { 0 };
            for f in &mut facts[range] {
                *f = (*f & !fact::PROSE) | prose;
            }
        }
        for (f, covered) in facts.iter_mut().zip(covered) {
            if !covered {
                *f |= fact::OPENS;
            }
        }
        let total = lex.total_tokens() as f64;
        let frequent = ((total * FREQUENT_PER_MILLION / 1e6) as u64).max(FREQUENT_MIN);
        Ctx { text, toks, lex, facts, words, frequent }
    }

    /// True when token `i` has every bit of `bits` ([`fact`]).
    #[inline]
    pub fn has(&self, i: usize, bits: u8) -> bool {
        self.facts[i] & bits == bits
    }

    /// Text of token `i`.
    pub fn tok(&self, i: usize) -> &'a str {
        self.toks[i].text(self.text)
    }

    /// The next token, if it follows `i` after nothing but spaces (no line break).
    pub fn next_adjacent(&self, i: usize) -> Option<usize> {
        let j = i + 1;
        let t = self.toks.get(j)?;
        // On bytes: a 0x0a byte in UTF-8 text is always a line feed.
        let gap = self.text.as_bytes().get(self.toks[i].end()..t.start())?;
        (!gap.contains(&b'\n')).then_some(j)
    }

    /// The next token, if it is glued to `i` (no space between).
    pub fn attached(&self, i: usize) -> Option<usize> {
        let t = self.toks.get(i + 1)?;
        (t.start() == self.toks[i].end()).then_some(i + 1)
    }

    /// True when `w` reads as a name rather than a capitalised common word: its lower-case form
    /// is no more frequent in the reference than the capitalised one ("Bach", "Minister", but not
    /// "Will" or "Current").
    pub fn namey(&self, w: &str) -> bool {
        if !w.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        let mut buf = [0u8; 32];
        let owned;
        let lower = if w.len() <= buf.len() && w.is_ascii() {
            let b = &mut buf[..w.len()];
            b.copy_from_slice(w.as_bytes());
            b.make_ascii_lowercase();
            std::str::from_utf8(b).unwrap_or(w)
        } else {
            owned = w.to_lowercase();
            &owned
        };
        // Both in one call: the reference model overlaps the two look-ups' cache misses.
        let mut n = [0; 2];
        self.lex.surface_counts(&[w, lower], &mut n);
        n[1] <= n[0]
    }

    /// The reference count of surface `w` ([`Lexicon::surface_count`]). The reference model
    /// answers from an in-memory hash table, as fast as a per-document memo would.
    #[inline]
    pub fn count(&self, w: &str) -> u64 {
        self.lex.surface_count(w)
    }
}

/// Tokens after which a capital is expected anyway. A full stop the segmenter did not treat as a
/// sentence end opens a clause unless it closes an acronym ("the U.S. And his allies" is a break,
/// "Mr. Said" is not).
fn opens_clause(toks: &[Token], p: usize, text: &str) -> bool {
    let prev = toks[p];
    match prev.kind {
        TokenKind::Punct => match prev.text(text) {
            "." => !(p > 0 && toks[p - 1].end() == prev.start() && is_acronym_shape(toks[p - 1].text(text))),
            t => matches!(
                t,
                "\"" | "\u{201c}"
                    | "\u{2018}"
                    | "'"
                    | "\u{00ab}"
                    | "("
                    | "["
                    | "{"
                    | ":"
                    | "-"
                    | "\u{2013}"
                    | "\u{2014}"
                    | "\u{2026}"
                    | "!"
                    | "?"
                    | "/"
                    | "|"
            ),
        },
        TokenKind::Symbol => true,
        _ => false,
    }
}

/// All capitals with optional inner dots, two letters or more: "US", "U.S", "NATO".
pub(super) fn is_acronym_shape(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && w.chars().all(|c| c.is_uppercase() || c == '.')
}

/// The word-shape [`fact`] bits of a word token's text (with [`fact::WORD`]): what the
/// definitions say ([`is_capitalised`], [`strip_possessive`], `char::is_uppercase` and
/// `char::is_lowercase` of the first character, at least four characters all lower case), ASCII
/// words decided on their bytes in one pass.
pub(super) fn word_facts(w: &str) -> u8 {
    let mut f = fact::WORD;
    let b = w.as_bytes();
    // One pass over most words: a rest of lower-case ASCII letters is ASCII.
    let ascii = |first: u8, rest: &[u8], rest_lower: bool| first < 0x80 && (rest_lower || rest.is_ascii());
    if let Some((&first, rest)) = b.split_first()
        && let rest_lower = rest.iter().all(u8::is_ascii_lowercase)
        && ascii(first, rest, rest_lower)
    {
        if first.is_ascii_uppercase() {
            f |= fact::UPPER_INITIAL;
            if rest_lower && !rest.is_empty() {
                f |= fact::CAP;
            }
        } else if first.is_ascii_lowercase() {
            f |= fact::LOWER_INITIAL;
            if rest_lower && b.len() >= 4 {
                f |= fact::LOWER_WORD;
            }
        }
    } else {
        let first = w.chars().next();
        if first.is_some_and(char::is_uppercase) {
            f |= fact::UPPER_INITIAL;
        }
        if first.is_some_and(char::is_lowercase) {
            f |= fact::LOWER_INITIAL;
            if w.chars().count() >= 4 && w.chars().all(char::is_lowercase) {
                f |= fact::LOWER_WORD;
            }
        }
        if is_capitalised(w) {
            f |= fact::CAP;
        }
    }
    let stem = strip_possessive(w);
    let cap_stem = if stem.len() == w.len() { f & fact::CAP != 0 } else { is_capitalised(stem) };
    if cap_stem {
        f |= fact::CAP_STEM;
    }
    f
}

/// [`word_facts`] of a word of ASCII bytes whose first byte is ASCII and whose others are all
/// lower-case ASCII letters ("said", "Said", "a", "'s"), and `None` for any other word. Such a
/// word has no possessive ending to strip (no apostrophe), so its stem facts are its own.
#[inline]
fn lower_rest_facts(b: &[u8]) -> Option<u8> {
    let (&first, rest) = b.split_first()?;
    if first >= 0x80 || !all_ascii_lower(rest) {
        return None;
    }
    Some(if first.is_ascii_uppercase() {
        let cap = if rest.is_empty() { 0 } else { fact::CAP | fact::CAP_STEM };
        fact::WORD | fact::UPPER_INITIAL | cap
    } else if first.is_ascii_lowercase() {
        let long = if b.len() >= 4 { fact::LOWER_WORD } else { 0 };
        fact::WORD | fact::LOWER_INITIAL | long
    } else {
        fact::WORD
    })
}

/// True when every byte of `b` is a lower-case ASCII letter (`a`-`z`; true for no bytes),
/// eight bytes at a time: the bytes are read as `u64` words (a short slice in two overlapping
/// loads, or padded with `a`) and tested with carry-free byte-wise additions.
#[inline]
fn all_ascii_lower(b: &[u8]) -> bool {
    /// Every byte of `x` is in `a`-`z`.
    #[inline(always)]
    fn lower8(x: u64) -> bool {
        const HIGH: u64 = 0x8080_8080_8080_8080;
        const ONES: u64 = 0x0101_0101_0101_0101;
        // For bytes below 0x80 neither addition carries into the next byte: a byte's high bit
        // is then set by the first when it is at least `a`, by the second when above `z`.
        let at_least_a = x.wrapping_add(ONES * u64::from(0x80 - b'a'));
        let above_z = x.wrapping_add(ONES * u64::from(0x80 - b'z' - 1));
        x & HIGH == 0 && at_least_a & !above_z & HIGH == HIGH
    }
    /// The eight bytes of `b` from `i`, little-endian.
    #[inline(always)]
    fn u64_at(b: &[u8], i: usize) -> u64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(a)
    }
    /// The four bytes of `b` from `i`, little-endian.
    #[inline(always)]
    fn u32_at(b: &[u8], i: usize) -> u64 {
        let mut a = [0u8; 4];
        a.copy_from_slice(&b[i..i + 4]);
        u64::from(u32::from_le_bytes(a))
    }
    let n = b.len();
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if !lower8(u64_at(b, i)) {
                return false;
            }
            i += 8;
        }
        lower8(u64_at(b, n - 8))
    } else if n >= 4 {
        lower8(u32_at(b, 0) | u32_at(b, n - 4) << 32)
    } else if n > 0 {
        // Three bytes that cover the word (some twice), then five `a`s.
        const PAD: u64 = 0x61_6161_6161 << 24;
        lower8(u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16 | PAD)
    } else {
        true
    }
}

/// First character upper case, all others lower case letters ("Said", "Ünïon").
pub(super) fn is_capitalised(w: &str) -> bool {
    // ASCII fast path (most calls): no decoding, and most words fail on their first byte.
    let b = w.as_bytes();
    if let Some((&first, rest)) = b.split_first()
        && first < 0x80
    {
        if !first.is_ascii_uppercase() {
            return false;
        }
        if rest.is_ascii() {
            return !rest.is_empty() && rest.iter().all(u8::is_ascii_lowercase);
        }
    }
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase) && w.chars().count() >= 2
}

/// Strips an English possessive ("Putin’s" -> "Putin", "Jones'" -> "Jones").
pub(super) fn strip_possessive(w: &str) -> &str {
    // Every ending below ends in `s`, `'` or the last byte of `’` (most words end otherwise).
    if !matches!(w.as_bytes().last(), Some(b's' | b'\'' | 0x99)) {
        return w;
    }
    for suf in ["'s", "\u{2019}s", "'", "\u{2019}"] {
        if let Some(s) = w.strip_suffix(suf)
            && !s.is_empty()
        {
            return s;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::{Ctx, fact, is_capitalised, opens_clause, strip_possessive, word_facts};
    use crate::document::DocView;
    use crate::features::entities::test_support::strings_of;
    use crate::lexicon::CountLexicon;
    use crate::tokenize::{TokenKind, tokenize};

    #[test]
    fn strip_possessive_last_byte_test_changes_nothing() {
        let reference = |w: &str| -> String {
            for suf in ["'s", "\u{2019}s", "'", "\u{2019}"] {
                if let Some(s) = w.strip_suffix(suf)
                    && !s.is_empty()
                {
                    return s.to_string();
                }
            }
            w.to_string()
        };
        let alphabet = ["a", "s", "S", "'", "\u{2019}", "\u{2018}", "\u{99}", "\u{199}", "é", ""];
        for w in strings_of(&alphabet, 4) {
            assert_eq!(strip_possessive(&w), reference(&w), "{w:?}");
        }
    }

    #[test]
    fn per_token_capital_flags_match_the_definitions() {
        let text = "Putin’s aide said that Jones' car and the US. Ünïon met O'Neil's ÉCOLE 12 Said s's \
                    A Ab’s ’s Zelensky's said.";
        let toks = tokenize(text);
        let sents = crate::segment::sentences(text, &toks);
        let doc = DocView { text, lines: &[], tokens: &toks, sentences: &sents };
        let lex = CountLexicon::new();
        let ctx = Ctx::new(&lex, &doc);
        let (mut caps, mut stems) = (0, 0);
        for (i, t) in toks.iter().enumerate() {
            let word = t.kind == TokenKind::Word;
            let w = t.text(text);
            assert_eq!(ctx.has(i, fact::WORD), word, "{w}");
            assert_eq!(ctx.has(i, fact::CAP), word && is_capitalised(w), "{w}");
            assert_eq!(ctx.has(i, fact::CAP_STEM), word && is_capitalised(strip_possessive(w)), "{w}");
            caps += usize::from(ctx.has(i, fact::CAP));
            stems += usize::from(ctx.has(i, fact::CAP_STEM));
        }
        assert!(caps >= 3 && stems > caps, "{caps} {stems}");
    }

    /// The word-shape facts as the signals computed them before [`word_facts`].
    fn word_facts_reference(w: &str) -> u8 {
        let lower_word = if w.is_ascii() {
            w.len() >= 4 && w.bytes().all(|b| b.is_ascii_lowercase())
        } else {
            w.chars().count() >= 4 && w.chars().all(char::is_lowercase)
        };
        let bit = |on: bool, b: u8| if on { b } else { 0 };
        fact::WORD
            | bit(w.starts_with(char::is_uppercase), fact::UPPER_INITIAL)
            | bit(w.starts_with(char::is_lowercase), fact::LOWER_INITIAL)
            | bit(is_capitalised(w), fact::CAP)
            | bit(is_capitalised(strip_possessive(w)), fact::CAP_STEM)
            | bit(lower_word, fact::LOWER_WORD)
    }

    #[test]
    fn all_ascii_lower_matches_the_byte_test() {
        use super::all_ascii_lower;
        // Every length to 20 with one odd byte at every position, and random strings.
        let odd = [b'a' - 1, b'z' + 1, b'A', b'Z', b'0', b'\'', 0x80, 0xc3, 0xff, 0, b'a', b'z'];
        for n in 0..=20 {
            let base: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(all_ascii_lower(&base), "{n}");
            for at in 0..n {
                for &o in &odd {
                    let mut w = base.clone();
                    w[at] = o;
                    assert_eq!(all_ascii_lower(&w), w.iter().all(u8::is_ascii_lowercase), "{w:?}");
                }
            }
        }
        let mut rng = crate::test_support::XorShift::new(0x2545_f491_4f6c_dd1d);
        for n in 0..40_000usize {
            let mut w = Vec::new();
            for _ in 0..(n % 23) {
                let x = rng.next();
                // Mostly lower-case letters, sometimes any byte.
                w.push(if x % 7 == 0 { (x >> 8) as u8 } else { b'a' + (x >> 8) as u8 % 26 });
            }
            assert_eq!(all_ascii_lower(&w), w.iter().all(u8::is_ascii_lowercase), "{w:?}");
        }
    }

    #[test]
    fn lower_rest_facts_are_the_word_facts() {
        use super::lower_rest_facts;
        let alphabet = ["A", "a", "Z", "z", "s", "1", "'", "\u{2019}", "\u{e9}", "\u{c9}", "-", "."];
        let mut n = 0;
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    for d in ["", "a", "s", "'", "abcdefghij", "Abcdefghij"] {
                        let w = format!("{a}{b}{c}{d}");
                        if let Some(f) = lower_rest_facts(w.as_bytes()) {
                            assert_eq!(f, word_facts(&w), "{w:?}");
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 100, "{n}");
        assert_eq!(lower_rest_facts(b""), None);
        assert_eq!(lower_rest_facts("said".as_bytes()), Some(word_facts("said")));
        assert_eq!(lower_rest_facts("Said".as_bytes()), Some(word_facts("Said")));
        assert_eq!(lower_rest_facts("Jones'".as_bytes()), None);
        assert_eq!(lower_rest_facts("\u{c9}cole".as_bytes()), None);
    }

    #[test]
    fn word_facts_match_the_definitions() {
        // Every string of up to four characters over an alphabet that exercises each branch:
        // ASCII and non-ASCII capitals and small letters, a letter that is neither (CJK), digits,
        // apostrophes and possessive endings, a combining mark, an emoji.
        let alphabet = [
            "A",
            "a",
            "Z",
            "s",
            "1",
            "'",
            "\u{2019}",
            "\u{c9}",
            "\u{e9}",
            "\u{df}",
            "\u{3a3}",
            "\u{3c3}",
            "\u{4e2d}",
            "\u{301}",
            "\u{1f600}",
            ".",
            "",
        ];
        let all = strings_of(&alphabet, 4);
        for w in &all {
            assert_eq!(word_facts(w), word_facts_reference(w), "{w:?}");
        }
        assert!(all.len() > 80_000);
        for w in [
            "america",
            "America",
            "Putin\u{2019}s",
            "Jones'",
            "\u{dc}n\u{ef}on",
            "\u{c9}COLE",
            "O'Neil's",
            "",
        ] {
            assert_eq!(word_facts(w), word_facts_reference(w), "{w:?}");
        }
    }

    #[test]
    fn sentence_facts_match_the_per_sentence_definition() {
        let text = "Officials Said To Be Ready For The Talks With Allies\nThe officials said: \u{201c}Will it be \
                    over?\u{201d} And then the U.S. And his allies met in America (Kyiv) \u{2014} Ünïon. \
                    short one. \u{c9}mile and \u{e9}mile said that it was over for them all.";
        let toks = tokenize(text);
        let sents = crate::segment::sentences(text, &toks);
        let doc = DocView { text, lines: &[], tokens: &toks, sentences: &sents };
        let lex = CountLexicon::new();
        let ctx = Ctx::new(&lex, &doc);
        // The definition: per sentence, openers (first word-like token, a word after a clause
        // opener) and prose (6+ words, at most 40% capitalised away from openers).
        let n = toks.len();
        let mut opens = vec![true; n];
        let mut prose = vec![false; n];
        for s in &sents {
            let mut seen = false;
            let (mut words, mut capital) = (0, 0);
            for i in s.first..s.last {
                let t = toks[i];
                opens[i] = false;
                if t.is_wordlike() && !seen {
                    opens[i] = true;
                    seen = true;
                } else if i > s.first && t.kind == TokenKind::Word && opens_clause(&toks, i - 1, text) {
                    opens[i] = true;
                }
                if t.kind == TokenKind::Word {
                    words += 1;
                    if !opens[i] && t.text(text).starts_with(char::is_uppercase) {
                        capital += 1;
                    }
                }
            }
            let p = words >= 6 && capital * 10 <= words * 4;
            prose[s.first..s.last].iter_mut().for_each(|x| *x = p);
        }
        assert!(prose.iter().any(|&p| p) && prose.iter().any(|&p| !p));
        for i in 0..n {
            assert_eq!(ctx.has(i, fact::OPENS), opens[i], "{i} {}", ctx.tok(i));
            assert_eq!(ctx.has(i, fact::PROSE), prose[i], "{i} {}", ctx.tok(i));
        }
        assert_eq!(ctx.words, toks.iter().filter(|t| t.kind == TokenKind::Word).count());
    }

    #[test]
    fn is_capitalised_fast_path_matches_the_definition() {
        let reference = |w: &str| {
            let mut cs = w.chars();
            cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase) && w.chars().count() >= 2
        };
        let alphabet =
            ["A", "a", "Z", "z", "1", "-", "\u{c9}", "\u{e9}", "\u{df}", "\u{3a3}", "\u{3c3}", "'", ""];
        for w in strings_of(&alphabet, 3) {
            assert_eq!(is_capitalised(&w), reference(&w), "{w:?}");
        }
    }
}
