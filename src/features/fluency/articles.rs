//! Indefinite articles that do not agree with the next word: "a atmosphere", "an story".
//!
//! A spinner or a word-for-word rewrite that swaps the noun or adjective after "a"/"an" keeps the
//! article, so the pair no longer agrees in sound; edited text almost never has one (about 0.3
//! per 10,000 words of the clean BBC originals, 4-30 in generated spin, and the seeds'
//! "a atmosphere"). Spelling decides, with the exceptions the spelling rule gets wrong left out
//! ("a one-off", "a European", "an hour", "a university": `u`, `h` and capitalised words are
//! never flagged) and the reference model as a guard: a pair it has seen is not flagged.

use crate::model::Model;
use crate::model::format::UNK;
use crate::segment::SentenceSpan;
use crate::tokenize::{Token, TokenKind, normalize};

/// One mismatch: the article's token index and the article the next word wants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mismatch {
    /// Index of the article token.
    pub tok: usize,
    /// "a" or "an" (lower case).
    pub want: &'static str,
    /// log10 of how much more probable the model finds the agreeing article before the word
    /// (at least 0).
    pub gain: f32,
}

/// The article `next` wants after `article`, if the spelling says `article` is wrong.
pub fn disagrees(article: &str, next: &str) -> Option<&'static str> {
    let mut chars = next.chars();
    let c = chars.next()?;
    // Names, acronyms and numbers ("an FBI", "a UN", "an 8") are left alone, as are one-letter
    // words ("a e" is a list or a formula).
    if !c.is_ascii_lowercase() || chars.next().is_none() {
        return None;
    }
    match article {
        "a" | "A" if matches!(c, 'a' | 'e' | 'i' | 'o') => {
            // Vowel letters that sound like consonants: "a one-off", "a once", "a European".
            let consonant_sound = ["one", "once", "eu", "ewe", "oui"].iter().any(|p| next.starts_with(p));
            (!consonant_sound).then_some("an")
        }
        "an" | "An" | "AN" if !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'h' | 'x') => Some("a"),
        _ => None,
    }
}

/// Every mismatch in `sentences` of `tokens` (over `text`). A capitalised "A"/"An" counts only
/// at the start of a sentence (elsewhere it is a letter: "grade A and").
pub fn find(model: &Model, text: &str, tokens: &[Token], sentences: &[SentenceSpan]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for s in sentences {
        let (first, last) = (s.first.min(tokens.len()), s.last.min(tokens.len()));
        for i in first..last.saturating_sub(1) {
            let (t, n) = (tokens[i], tokens[i + 1]);
            if t.kind != TokenKind::Word || n.kind != TokenKind::Word || t.end() - t.start() > 2 {
                continue;
            }
            let article = t.text(text);
            if i != first && article.starts_with('A') {
                continue;
            }
            // Adjacent only: "a - or an - ..." is not a pair.
            if text[t.end()..n.start()].chars().any(|c| !c.is_whitespace()) {
                continue;
            }
            let next = n.text(text);
            let Some(want) = disagrees(article, next) else { continue };
            let (a, w, x) =
                (model.word_id(&normalize(article)), model.word_id(&normalize(next)), model.word_id(want));
            if a == UNK || x == UNK {
                continue;
            }
            // A pair the clean reference text has seen (twice or more) is English.
            if w != UNK && model.has_bigram(a, w) {
                continue;
            }
            let gain = if w == UNK { 0.0 } else { (model.logp2(x, w) - model.logp2(a, w)).max(0.0) };
            out.push(Mismatch { tok: i, want, gain });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{segment, tokenize};

    fn found(text: &str) -> Vec<(String, &'static str)> {
        let toks = tokenize::tokenize(text);
        let sents = segment::sentences(text, &toks);
        find(Model::embedded(), text, &toks, &sents)
            .into_iter()
            .map(|m| (format!("{} {}", toks[m.tok].text(text), toks[m.tok + 1].text(text)), m.want))
            .collect()
    }

    #[test]
    fn the_spelling_rule() {
        assert_eq!(disagrees("a", "atmosphere"), Some("an"));
        assert_eq!(disagrees("an", "story"), Some("a"));
        assert_eq!(disagrees("An", "year"), Some("a"));
        for (a, w) in [
            ("a", "one-off"),
            ("a", "European"),
            ("a", "university"),
            ("an", "hour"),
            ("an", "FBI"),
            ("an", "x-ray"),
            ("a", "story"),
            ("an", "apple"),
            ("a", "e"),
            ("the", "atmosphere"),
        ] {
            assert_eq!(disagrees(a, w), None, "{a} {w}");
        }
    }

    #[test]
    fn finds_the_seed_garble_and_not_clean_text() {
        let garbled = "Officials hoped for a atmosphere of de-escalation. An year later, an story ran.";
        assert_eq!(
            found(garbled),
            [("a atmosphere".into(), "an"), ("An year".into(), "a"), ("an story".into(), "a")]
        );
        let clean = "A European diplomat said an hour later that a one-off deal with an FBI agent \
                     was a unique chance. Grade A and B pupils met at a university.";
        assert!(found(clean).is_empty(), "{:?}", found(clean));
    }

    #[test]
    fn the_model_guard_and_the_gain() {
        let toks = tokenize::tokenize("They found a atmosphere.");
        let sents = segment::sentences("They found a atmosphere.", &toks);
        let m = find(Model::embedded(), "They found a atmosphere.", &toks, &sents);
        assert_eq!(m.len(), 1);
        assert!(m[0].gain > 0.0, "{m:?}");
    }
}
