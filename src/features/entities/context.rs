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

/// Shared, read-only view of one document for the signals.
pub(super) struct Ctx<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    pub lex: &'a dyn Lexicon,
    /// Per token: it opens a sentence or a clause that may start with a capital (after an
    /// opening quote, colon, bracket or dash).
    pub opens: Vec<bool>,
    /// Per token: the sentence it belongs to reads as prose (enough words, mostly lower case),
    /// as opposed to a headline, a title-case line or a list.
    pub prose: Vec<bool>,
    /// Per token: a word token that [`is_capitalised`] ("Said", not "US" or "said").
    pub cap: Vec<bool>,
    /// Per token: a word token capitalised once a possessive ending is stripped
    /// ([`strip_possessive`]: "Putin’s").
    pub cap_stem: Vec<bool>,
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
        let mut opens = vec![false; n];
        let mut prose = vec![false; n];
        // Sentences as given; tokens outside any sentence stay non-prose openers.
        let mut covered = vec![false; n];
        for s in doc.sentences {
            let first = s.first.min(n);
            let last = s.last.min(n);
            if first >= last {
                continue;
            }
            let range = first..last;
            let mut words = 0usize;
            let mut capital = 0usize;
            let mut seen_word = false;
            for i in range.clone() {
                covered[i] = true;
                let t = toks[i];
                if t.is_wordlike() && !seen_word {
                    opens[i] = true;
                    seen_word = true;
                } else if i > first && t.kind == TokenKind::Word && opens_clause(toks, i - 1, text) {
                    opens[i] = true;
                }
                if t.kind == TokenKind::Word {
                    words += 1;
                    if !opens[i] && t.text(text).chars().next().is_some_and(char::is_uppercase) {
                        capital += 1;
                    }
                }
            }
            let is_prose = words >= 6 && capital * 10 <= words * 4;
            for p in &mut prose[range] {
                *p = is_prose;
            }
        }
        for i in 0..n {
            if !covered[i] {
                opens[i] = true;
            }
        }
        // The signals ask these of most tokens, several times each: computed once.
        let mut cap = vec![false; n];
        let mut cap_stem = vec![false; n];
        for (i, t) in toks.iter().enumerate() {
            if t.kind == TokenKind::Word {
                let w = t.text(text);
                cap[i] = is_capitalised(w);
                let stem = strip_possessive(w);
                cap_stem[i] = if stem.len() == w.len() { cap[i] } else { is_capitalised(stem) };
            }
        }
        let words = toks.iter().filter(|t| t.kind == TokenKind::Word).count();
        let total = lex.total_tokens() as f64;
        let frequent = ((total * FREQUENT_PER_MILLION / 1e6) as u64).max(FREQUENT_MIN);
        Ctx { text, toks, lex, opens, prose, cap, cap_stem, words, frequent }
    }

    /// Text of token `i`.
    pub fn tok(&self, i: usize) -> &'a str {
        self.toks[i].text(self.text)
    }

    /// The next token, if it follows `i` after nothing but spaces (no line break).
    pub fn next_adjacent(&self, i: usize) -> Option<usize> {
        let j = i + 1;
        let t = self.toks.get(j)?;
        let gap = self.text.get(self.toks[i].end()..t.start())?;
        (!gap.contains('\n')).then_some(j)
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
        let own = self.count(w);
        if w.len() <= buf.len() && w.is_ascii() {
            let b = &mut buf[..w.len()];
            b.copy_from_slice(w.as_bytes());
            b.make_ascii_lowercase();
            self.count(std::str::from_utf8(b).unwrap_or(w)) <= own
        } else {
            self.count(&w.to_lowercase()) <= own
        }
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
    use super::{Ctx, is_capitalised, strip_possessive};
    use crate::document::DocView;
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
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    for d in alphabet {
                        let w = format!("{a}{b}{c}{d}");
                        assert_eq!(strip_possessive(&w), reference(&w), "{w:?}");
                    }
                }
            }
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
            assert_eq!(ctx.cap[i], word && is_capitalised(w), "{w}");
            assert_eq!(ctx.cap_stem[i], word && is_capitalised(strip_possessive(w)), "{w}");
            caps += usize::from(ctx.cap[i]);
            stems += usize::from(ctx.cap_stem[i]);
        }
        assert!(caps >= 3 && stems > caps, "{caps} {stems}");
    }

    #[test]
    fn is_capitalised_fast_path_matches_the_definition() {
        let reference = |w: &str| {
            let mut cs = w.chars();
            cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase) && w.chars().count() >= 2
        };
        let alphabet =
            ["A", "a", "Z", "z", "1", "-", "\u{c9}", "\u{e9}", "\u{df}", "\u{3a3}", "\u{3c3}", "'", ""];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    let w = format!("{a}{b}{c}");
                    assert_eq!(is_capitalised(&w), reference(&w), "{w:?}");
                }
            }
        }
    }
}
