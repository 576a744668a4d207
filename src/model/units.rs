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
pub fn for_each_unit(text: &str, tokens: &[Token], mut f: impl FnMut(&str, usize)) {
    // Normalised forms that differ from the token are written here (no allocation per word).
    let mut buf = String::new();
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
                f(&u, i + 1);
                i += 2;
                continue;
            }
        }
        let norm = normalize_with(s, &mut buf);
        if t.kind == TokenKind::Word && norm.len() > 2 && norm.ends_with("'s") {
            f(&norm[..norm.len() - 2], i);
            f("'s", i);
        } else {
            f(norm, i);
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
