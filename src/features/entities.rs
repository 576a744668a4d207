//! Entity mangling signals: corrupted acronyms ("A.S." for "U.S."), one name spelled several
//! ways ("Peifer" ... "Piffer"), names that sit one edit from a frequent known entity,
//! capitalisation breaks ("TimeWarner Said", a lower-cased "america"), changed number
//! magnitudes ("$1.13bn" ... "1.13 trillion"), words obfuscated with look-alike or invisible
//! characters ("gоvernment" with a Cyrillic "о"), spinner templates left in the text
//! ("{said|stated}") and common words misspelled by a typing slip ("goverment").
//!
//! Everything works on the case- and punctuation-preserving tokens of the content lines and on
//! the reference vocabulary behind [`Lexicon`]. Work is linear in the document: each token costs
//! a bounded number of hash look-ups, lexicon near-miss searches are made once per distinct
//! candidate surface and capped per document, and name clustering compares only types that share
//! a phonetic key, in capped groups.

mod acronym_forms;
mod acronyms;
mod casing;
mod context;
mod misspellings;
mod names;
mod numbers;
mod obfuscation;
mod phonetic;
mod spelling;
mod templates;

use super::{Evidence, Family, FamilyOutput, Feature};
use crate::document::DocView;
use crate::lexicon::Lexicon;
use context::Ctx;
pub use misspellings::SlipIndex;
pub(crate) use misspellings::one_slip;
pub use phonetic::NameIndex;
pub use spelling::LetterTrigrams;

/// Evidence kinds this family emits.
pub mod kinds {
    /// A dotted or all-caps acronym unknown to the reference vocabulary, one letter from a
    /// frequent one ("A.S." ~ "U.S.").
    pub const ACRONYM_NEAR_MISS: &str = "acronym-near-miss";
    /// A letter-digit token in prose that is a frequent acronym with a letter turned into a digit
    /// ("U8" ~ "US").
    pub const ACRONYM_GARBLE: &str = "acronym-garble";
    /// One name spelled several ways in the document.
    pub const NAME_VARIANT: &str = "name-variant";
    /// An unknown capitalised name one edit from a frequent entity of the reference vocabulary.
    pub const ENTITY_NEAR_MISS: &str = "entity-near-miss";
    /// A common lower-case word capitalised mid-sentence ("TimeWarner Said it").
    pub const CASE_BREAK: &str = "case-break";
    /// A name the reference vocabulary only knows capitalised, written in lower case.
    pub const LOWERCASED_NAME: &str = "lowercased-name";
    /// One figure given with different magnitudes or currencies in the document.
    pub const NUMBER_GARBLE: &str = "number-garble";
    /// A word written with Cyrillic or Greek look-alike letters or invisible characters.
    pub const OBFUSCATED: &str = "obfuscated";
    /// A spinner's template left unpicked in the text ("{said|stated}").
    pub const SPIN_TEMPLATE: &str = "spin-template";
    /// A lower-case word unknown to the reference, one typing slip from a frequent word that
    /// fits its neighbours ("goverment" ~ "government").
    pub const MISSPELLED: &str = "misspelled";
}

/// Feature names, in output order.
pub mod names_of_features {
    /// Content words the family read.
    pub const WORDS: &str = "entities.words";
    /// All flags (evidence items).
    pub const FLAGS: &str = "entities.flags";
    /// All flags per 100 content words.
    pub const FLAG_RATE: &str = "entities.flag_rate";
    /// Acronym near misses and letter-digit garbles per 100 content words.
    pub const ACRONYM_RATE: &str = "entities.acronym_rate";
    /// Name-variant and entity-near-miss flags per 100 content words.
    pub const NAME_RATE: &str = "entities.name_rate";
    /// Case breaks and lower-cased names per 100 content words.
    pub const CASE_RATE: &str = "entities.case_rate";
    /// Number garbles per 100 content words.
    pub const NUMBER_RATE: &str = "entities.number_rate";
    /// Obfuscated words per 100 content words.
    pub const OBFUSCATION_RATE: &str = "entities.obfuscation_rate";
    /// Spinner templates left in the text per 100 content words.
    pub const TEMPLATE_RATE: &str = "entities.template_rate";
    /// Misspelled common words per 100 content words.
    pub const MISSPELLING_RATE: &str = "entities.misspelling_rate";
    /// Largest evidence strength (0 when nothing was flagged).
    pub const MAX_STRENGTH: &str = "entities.max_strength";
    /// Sum of evidence strengths per 100 content words.
    pub const STRENGTH_RATE: &str = "entities.strength_rate";
}

/// Entity features and evidence for one document.
///
/// Features (see [`names_of_features`]) are rates per 100 content words, so they compare across
/// document lengths, plus the raw flag count; they are `None` for a document without words.
/// Evidence items carry byte spans in `doc.text`, a kind from [`kinds`] and, where one can be
/// guessed, the likely original as `suggestion`.
pub fn analyze(lex: &dyn Lexicon, doc: &DocView<'_>) -> FamilyOutput {
    let ctx = Ctx::new(lex, doc);
    let mut ev: Vec<Evidence> = Vec::new();
    acronyms::find(&ctx, &mut ev);
    names::find(&ctx, &mut ev);
    let unknown_lower = casing::find(&ctx, &mut ev);
    numbers::find(&ctx, &mut ev);
    obfuscation::find(&ctx, &mut ev);
    templates::find(&ctx, &mut ev);
    misspellings::find(&ctx, &unknown_lower, &mut ev);
    ev.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)).then(a.kind.cmp(b.kind)));
    ev.dedup_by(|a, b| a.start == b.start && a.end == b.end);

    use names_of_features as n;
    let words = ctx.words as f64;
    let count = |ks: &[&str]| ev.iter().filter(|e| ks.contains(&e.kind)).count() as f64;
    let rate = |name: &'static str, c: f64| {
        if ctx.words == 0 { Feature::missing(name) } else { Feature::new(name, 100.0 * c / words) }
    };
    let strength_sum: f64 = ev.iter().map(|e| e.strength).sum();
    let max_strength = ev.iter().map(|e| e.strength).fold(0.0, f64::max);
    let features = vec![
        Feature::new(n::WORDS, words),
        Feature::new(n::FLAGS, ev.len() as f64),
        rate(n::FLAG_RATE, ev.len() as f64),
        rate(n::ACRONYM_RATE, count(&[kinds::ACRONYM_NEAR_MISS, kinds::ACRONYM_GARBLE])),
        rate(n::NAME_RATE, count(&[kinds::NAME_VARIANT, kinds::ENTITY_NEAR_MISS])),
        rate(n::CASE_RATE, count(&[kinds::CASE_BREAK, kinds::LOWERCASED_NAME])),
        rate(n::NUMBER_RATE, count(&[kinds::NUMBER_GARBLE])),
        rate(n::OBFUSCATION_RATE, count(&[kinds::OBFUSCATED])),
        rate(n::TEMPLATE_RATE, count(&[kinds::SPIN_TEMPLATE])),
        rate(n::MISSPELLING_RATE, count(&[kinds::MISSPELLED])),
        Feature::new(n::MAX_STRENGTH, max_strength),
        rate(n::STRENGTH_RATE, strength_sum),
    ];
    FamilyOutput { features, evidence: ev }
}

/// Builds one evidence item of this family.
fn evidence(
    kind: &'static str,
    start: usize,
    end: usize,
    strength: f64,
    note: String,
    suggestion: Option<String>,
) -> Evidence {
    Evidence { family: Family::Entities, kind, start, end, strength, note, suggestion }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::document::DocView;
    use crate::features::boilerplate::{LineClass, LineInfo};
    use crate::features::{Evidence, FamilyOutput};
    use crate::lexicon::CountLexicon;
    use crate::segment::{lines, sentences};
    use crate::tokenize::tokenize;

    /// Every string of `len` pieces of `alphabet` (an empty piece makes the shorter strings too),
    /// for tests that check a fast path against its definition exhaustively.
    pub fn strings_of(alphabet: &[&str], len: usize) -> Vec<String> {
        (0..len).fold(vec![String::new()], |all, _| {
            all.iter().flat_map(|w| alphabet.iter().map(move |a| format!("{w}{a}"))).collect()
        })
    }

    /// A small reference text with the frequencies the signals rely on.
    pub fn reference() -> CountLexicon {
        let mut lex = CountLexicon::new();
        let common = "the officials said that it will be a current and his allies in the is \
                      of to was for on as with by he they at from this have not are but or an ";
        for _ in 0..100 {
            lex.add_text(common);
        }
        for _ in 0..40 {
            lex.add_text("The U.S. and US and the U.N. and UK met in America with Washington. US and U.S. ");
        }
        for _ in 0..3 {
            lex.add_text("And then. Will it? Said he. Current events. Stephen and Steven. ");
        }
        lex
    }

    /// Runs the family on `text`, all lines content.
    pub fn run(lex: &dyn crate::lexicon::Lexicon, text: &str) -> FamilyOutput {
        let toks = tokenize(text);
        let sents = sentences(text, &toks);
        let ls: Vec<LineInfo> = lines(text)
            .into_iter()
            .map(|span| LineInfo { span, class: LineClass::Content, reason: "content" })
            .collect();
        let doc = DocView { text, lines: &ls, tokens: &toks, sentences: &sents };
        super::analyze(lex, &doc)
    }

    /// `(kind, flagged text, suggestion)` of each evidence item.
    pub fn flags<'a>(text: &'a str, ev: &'a [Evidence]) -> Vec<(&'static str, &'a str, Option<&'a str>)> {
        ev.iter().map(|e| (e.kind, &text[e.start..e.end], e.suggestion.as_deref())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{flags, reference, run};
    use super::*;

    #[test]
    fn clean_text_is_quiet_and_features_are_rates() {
        let lex = reference();
        let text = "The U.S. officials said that it will be a current deal. His allies in America \
                    met officials from Washington.";
        let out = run(&lex, text);
        assert!(out.evidence.is_empty(), "{:?}", flags(text, &out.evidence));
        assert_eq!(out.get(names_of_features::FLAG_RATE), Some(0.0));
        assert!(out.get(names_of_features::WORDS).unwrap() > 10.0);
    }

    #[test]
    fn empty_and_odd_inputs_do_not_panic() {
        let lex = reference();
        for text in ["", " ", "😀😀 😀", "A.", "...", "U8", "$", "1.13bn trillion", "Ünï Ünï Ünï"]
        {
            let out = run(&lex, text);
            assert!(out.evidence.iter().all(|e| e.start <= e.end && e.end <= text.len()));
        }
        let out = run(&lex, "");
        assert_eq!(out.get(names_of_features::FLAG_RATE), None);
        let long = "Peifer Piffer Pifer ".repeat(20_000);
        let out = run(&lex, &long);
        assert!(out.evidence.len() < 100_000);
        let one = "word ".repeat(50_000);
        assert!(run(&lex, &one).evidence.is_empty());
    }

    #[test]
    fn seed_sentences_are_flagged() {
        let lex = reference();
        let text = "Ahead of the talks between Senior A.S. and Russian officials, the officials \
                    said that the U8 and allies will be ready. Stephen Peifer said that. \
                    \u{201c}It is over.\u{201d} Current Piffer says.";
        let out = run(&lex, text);
        let f = flags(text, &out.evidence);
        assert!(f.contains(&(kinds::ACRONYM_NEAR_MISS, "A.S.", Some("U.S."))), "{f:?}");
        assert!(f.contains(&(kinds::ACRONYM_GARBLE, "U8", Some("US"))), "{f:?}");
        assert!(f.iter().any(|x| x.0 == kinds::NAME_VARIANT && x.1 == "Piffer"), "{f:?}");
        assert!(out.get(names_of_features::FLAG_RATE).unwrap() > 0.0);
    }
}
