//! The units the language model counts and scores: normalised tokens, with the clitics of
//! tokenised corpora ("father 's") and of running text ("father's") brought to one form
//! ("father" + "'s"). Training and scoring both go through [`for_each_unit`].

use crate::tokenize::{Token, TokenKind, normalize_with};

const CLITICS: [&str; 7] = ["s", "re", "ve", "ll", "d", "m", "t"];

fn is_apostrophe(s: &str) -> bool {
    matches!(s, "'" | "\u{2019}" | "\u{2018}" | "\u{02BC}")
}

/// Calls `f(unit, token_index)` for each LM unit of `tokens` (which index into `text`), in order.
/// `token_index` is the token the unit comes from (for byte offsets of evidence).
pub fn for_each_unit(text: &str, tokens: &[Token], f: impl FnMut(&str, usize)) {
    /// A closure as a [`UnitSink`].
    struct Calls<F>(F);
    impl<F: FnMut(&str, usize)> UnitSink for Calls<F> {
        fn unit(&mut self, unit: &str, token_index: usize, _: Token) {
            (self.0)(unit, token_index);
        }
    }
    for_each_unit_with(text, tokens, &mut String::new(), &mut Calls(f));
}

/// What [`for_each_unit_with`] gives each unit to. A caller's own type (rather than a closure)
/// can mark its `unit` `#[inline(always)]`, which inlines it at each of the walk's calls (a
/// closure called from several places is left a function, with a call per unit).
pub trait UnitSink {
    /// One unit: its text, the index of its token in the slice, and the token.
    fn unit(&mut self, unit: &str, token_index: usize, token: Token);
}

/// [`for_each_unit`] with a buffer of the caller's for the normalised forms that differ from
/// their token (one buffer for many calls grows once, not once per call), giving each unit to
/// `sink` with its token.
pub fn for_each_unit_with(text: &str, tokens: &[Token], buf: &mut String, sink: &mut impl UnitSink) {
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let s = t.text(text);
        if t.kind == TokenKind::Punct
            && is_apostrophe(s)
            && let Some(n) = tokens.get(i + 1)
            && n.start() == t.end()
            && n.kind == TokenKind::Word
        {
            let w = n.text(text);
            if CLITICS.iter().any(|c| c.eq_ignore_ascii_case(w)) {
                let mut u = String::with_capacity(w.len() + 1);
                u.push('\'');
                u.push_str(&w.to_ascii_lowercase());
                sink.unit(&u, i + 1, *n);
                i += 2;
                continue;
            }
        }
        let norm = normalize_with(s, buf);
        if t.kind == TokenKind::Word && norm.len() > 2 && norm.ends_with("'s") {
            sink.unit(&norm[..norm.len() - 2], i, t);
            sink.unit("'s", i, t);
        } else {
            sink.unit(norm, i, t);
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    fn units(s: &str) -> Vec<String> {
        let toks = tokenize(s);
        let mut v = Vec::new();
        for_each_unit(s, &toks, |u, _| v.push(u.to_string()));
        v
    }

    #[test]
    fn clitics_agree_between_tokenised_and_running_text() {
        assert_eq!(units("Putin’s father 's call"), ["putin", "'s", "father", "'s", "call"]);
        assert_eq!(units("it 's 1961"), ["it", "'s", "0000"]);
    }
}
