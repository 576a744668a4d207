//! Capitalisation breaks: a common lower-case word capitalised in the middle of a prose sentence
//! ("TimeWarner Said it", "the U.S. And his allies", "act as M.S. Will if"), and a name the
//! reference only knows capitalised written in lower case ("in america"), or an acronym it only
//! knows in capitals ("copd").

use rustc_hash::{FxHashMap, FxHashSet};

use super::context::{Ctx, fact, is_acronym_shape, strip_possessive};
use super::{evidence, kinds};
use crate::features::Evidence;
use crate::tokenize::TokenKind;

/// The capitalised form must make up less than 1/`CAP_SHARE` of the lower-case form's count.
const CAP_SHARE: u64 = 20;

/// A word whose lower-case form is this many times the "frequent" floor counts as a function
/// word for the rules above (about 0.1% of running text: "is", "said", "will", "and").
const FUNCTION_WORD: u64 = 100;

const HONORIFICS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "Lord", "Lady", "St", "Prof", "Rev", "Gen", "Capt", "Col", "Sgt",
    "Lt", "Mt", "Saint", "Father", "Sister", "Brother",
];

/// Flags the capitalisation breaks of `ctx`; returns the lower-case prose words (token indices,
/// in order) whose form the reference never writes, which the misspelling check examines.
pub(super) fn find(ctx: &Ctx<'_>, ev: &mut Vec<Evidence>) -> Vec<usize> {
    let mut unknown = Vec::new();
    let n = ctx.toks.len();
    let facts = &ctx.facts[..];
    let is_word = |i: usize| facts[i] & fact::WORD != 0;
    let prose_word = |f: u8| f & (fact::WORD | fact::PROSE) == fact::WORD | fact::PROSE;
    let mid_capital = |f: u8| f & (fact::CAP | fact::OPENS) == fact::CAP;
    // One pass gathers what the rules below need (the sets and counts are complete before any
    // rule is applied):
    // - capitalised forms the document itself uses inside a name ("Will Smith", "Current TV");
    // - capitalised forms used mid-sentence more than once: a deliberate name or title ("Sky",
    //   "Sound of Music"), not a slip;
    // - the mid-sentence capitals of prose, which the first rule examines;
    // - the lower-case prose words the last rule asks about (those not glued to a URL or
    //   handle), whose reference counts are then asked in one batch: the reference model
    //   overlaps the look-ups' cache misses.
    let mut in_names: FxHashSet<&str> = FxHashSet::default();
    let mut mid: FxHashMap<&str, u32> = FxHashMap::default();
    let mut mid_at = Vec::new();
    let (mut lower_at, mut lower_words) = (Vec::new(), Vec::new());
    for (i, &f) in facts.iter().enumerate() {
        if f & fact::CAP != 0 {
            if let Some(k) = ctx.next_adjacent(i)
                && facts[k] & fact::CAP != 0
                && ctx.namey(ctx.tok(k))
            {
                in_names.insert(ctx.tok(i));
            }
            if mid_capital(f) {
                *mid.entry(ctx.tok(i)).or_default() += 1;
                if prose_word(f) {
                    mid_at.push(i);
                }
            }
        } else if prose_word(f) && f & fact::LOWER_WORD != 0 && !glued(ctx, i) {
            // (Not capitalised, so not a mid-sentence capital.)
            lower_at.push(i);
            lower_words.push(ctx.tok(i));
        }
    }
    let mut lower_counts = vec![0; lower_words.len()];
    ctx.lex.surface_counts(&lower_words, &mut lower_counts);

    // Each token is flagged at most once, so flagging the capitals first and then the lower-case
    // words leaves the family's sorted evidence as a pass in document order would.
    for &i in &mid_at {
        let w = ctx.tok(i);
        // Inside a capitalised run it is part of a name ("New Year", "Brookings Institution").
        // So is a capitalised word after a figure ("60 Minutes", "Pier 1 Imports").
        let prev_word = (i > 0 && is_word(i - 1)).then(|| ctx.tok(i - 1));
        let after_capital = i > 0
            && (ctx.toks[i - 1].kind == TokenKind::Number
                || (prev_word.is_some() && facts[i - 1] & fact::CAP_STEM != 0));
        // A title-case phrase has another capital close by ("Secrets and Lies", "Timetable
        // for Action"); acronyms before it do not count ("the U.S. And his allies").
        let title_ahead = (i + 1..(i + 4).min(n))
            .any(|k| facts[k] & (fact::UPPER_INITIAL | fact::OPENS) == fact::UPPER_INITIAL);
        let title_behind =
            (i.saturating_sub(3)..i).any(|k| facts[k] & (fact::CAP_STEM | fact::OPENS) == fact::CAP_STEM);
        // The checks below are pure, so the cheap ones go first and the reference look-ups
        // are made only for the words that are left.
        if title_ahead
            || mid.get(w).copied().unwrap_or(0) > 1
            || in_names.contains(w)
            || follows_honorific(ctx, i)
        {
            continue;
        }
        let Some(k) = ctx.next_adjacent(i) else {
            continue;
        };
        if !is_word(k) || !(facts[k] & fact::LOWER_INITIAL != 0 || is_acronym_shape(ctx.tok(k))) {
            continue;
        }
        // A very frequent word (a function word, "said") right after a proper name is not
        // part of it: "Yukos Is being", "TimeWarner Said it" (but "New Year" is a name).
        let lower = w.to_lowercase();
        let lc = ctx.count(&lower);
        if after_capital || title_behind {
            let function_word = lc >= ctx.frequent.saturating_mul(FUNCTION_WORD);
            let after_name = prev_word.is_some_and(|p| {
                let p = strip_possessive(p);
                ctx.namey(p) || p.chars().skip(1).any(char::is_uppercase)
            });
            if !(function_word && after_name) {
                continue; // inside a capitalised run
            }
        }
        let cc = ctx.count(w);
        if lc >= ctx.frequent && cc.saturating_mul(CAP_SHARE) < lc {
            let t = ctx.toks[i];
            let note = format!(
                "\u{201c}{w}\u{201d} capitalised mid-sentence; the reference writes \u{201c}{lower}\u{201d} {lc}\u{d7} and \u{201c}{w}\u{201d} {cc}\u{d7}"
            );
            let strength = ((lc + 1) as f64 / (cc + 1) as f64).log10() / 2.0;
            ev.push(evidence(kinds::CASE_BREAK, t.start(), t.end(), strength, note, Some(lower)));
        }
    }
    for ((&i, &w), &known) in lower_at.iter().zip(&lower_words).zip(&lower_counts) {
        if known > 0 {
            continue;
        }
        unknown.push(i);
        let all = ctx.lex.normalized_count(w);
        // The reference writes (nearly) only this form of the word.
        let only = |c: u64| c >= ctx.frequent && c.saturating_mul(10) >= all.saturating_mul(9);
        let mut cs = w.chars();
        let cap: String = cs.next().into_iter().flat_map(char::to_uppercase).chain(cs).collect();
        let cc = ctx.lex.surface_count(&cap);
        let hit = if only(cc) {
            Some((cap, cc, kinds::LOWERCASED_NAME, ""))
        } else if w.len() <= 5 {
            // An acronym written in lower case ("copd", "nato").
            let caps = w.to_ascii_uppercase();
            let ac = ctx.lex.surface_count(&caps);
            only(ac).then_some((caps, ac, kinds::ACRONYM_NEAR_MISS, "the acronym "))
        } else {
            None
        };
        if let Some((form, c, kind, what)) = hit {
            let t = ctx.toks[i];
            let note = format!(
                "\u{201c}{w}\u{201d} in lower case; the reference only writes {what}\u{201c}{form}\u{201d} ({c}\u{d7})"
            );
            let strength = ((c + 1) as f64).log10() / 2.0;
            ev.push(evidence(kind, t.start(), t.end(), strength, note, Some(form)));
        }
    }
    unknown
}

/// Preceded by an honorific, with or without its dot ("Mr Said", "Dr. Will").
fn follows_honorific(ctx: &Ctx<'_>, i: usize) -> bool {
    let mut j = i;
    while j > 0 && i - j < 2 {
        j -= 1;
        let t = ctx.tok(j);
        if t == "." {
            continue;
        }
        return HONORIFICS.contains(&t);
    }
    false
}

/// Part of a URL, e-mail address, handle or hashtag: glued to `@ # / . _` on either side.
fn glued(ctx: &Ctx<'_>, i: usize) -> bool {
    let t = ctx.toks[i];
    let before = i > 0
        && ctx.toks[i - 1].end() == t.start()
        && !matches!(ctx.tok(i - 1), "(" | "\"" | "\u{201c}" | "'" | "\u{2018}");
    let after = ctx.toks.get(i + 1).is_some_and(|n| {
        n.start() == t.end() && matches!(ctx.tok(i + 1), "@" | "/" | "#" | "_" | "." | ":") && {
            // "america." at a sentence end is fine; "example.com" is not.
            ctx.toks
                .get(i + 2)
                .is_some_and(|m| m.start() == ctx.toks[i + 1].end() && m.kind == TokenKind::Word)
        }
    });
    before || after
}

#[cfg(test)]
mod tests {
    use super::super::kinds;
    use super::super::test_support::{flags, reference, run};

    #[test]
    fn capitalised_common_words_mid_sentence() {
        let lex = reference();
        let t = "The officials said that the U.S. And his allies in America will act as they Said it was.";
        let out = run(&lex, t);
        let f = flags(t, &out.evidence);
        assert!(f.contains(&(kinds::CASE_BREAK, "And", Some("and"))), "{f:?}");
        assert!(f.contains(&(kinds::CASE_BREAK, "Said", Some("said"))), "{f:?}");
    }

    #[test]
    fn headlines_sentence_starts_names_and_quotes_are_quiet() {
        let lex = reference();
        for t in [
            "Officials Said To Be Ready For The Talks With Allies\n",
            "It was over. And then the officials said that it was.",
            "The officials said that Mr Said was at the talks with his allies.",
            "The officials said: \u{201c}Will it be over for them at the talks?\u{201d}",
            "The officials said that Will Smith and Will were at the talks with allies.",
            "The officials said that the film Secrets and Lies was on at the talks.",
            "The officials said that the Sky was on, and the Sky deal was done.",
            "The officials said that 60 Minutes and the Timetable for Action were on.",
            "The officials said that the New Year holiday is over.",
        ] {
            let out = run(&lex, t);
            assert!(out.evidence.is_empty(), "{t}: {:?}", flags(t, &out.evidence));
        }
    }

    #[test]
    fn capitals_and_lower_cased_names_are_flagged_in_document_order() {
        let lex = reference();
        let t = "The officials said that the talks in america will be over. The officials said that \
                 the U.S. And his allies in america will act as they Said it was.";
        let out = run(&lex, t);
        assert_eq!(
            flags(t, &out.evidence),
            [
                (kinds::LOWERCASED_NAME, "america", Some("America")),
                (kinds::CASE_BREAK, "And", Some("and")),
                (kinds::LOWERCASED_NAME, "america", Some("America")),
                (kinds::CASE_BREAK, "Said", Some("said")),
            ]
        );
    }

    #[test]
    fn lowercased_known_name() {
        let lex = reference();
        let t = "The officials said that the talks in america will be over by then.";
        let out = run(&lex, t);
        assert_eq!(flags(t, &out.evidence), [(kinds::LOWERCASED_NAME, "america", Some("America"))]);
        let mut lex = reference();
        for _ in 0..40 {
            lex.add_text("NATO and the allies. ");
        }
        let t = "The officials said that the nato talks will be over by then.";
        let out = run(&lex, t);
        assert_eq!(flags(t, &out.evidence), [(kinds::ACRONYM_NEAR_MISS, "nato", Some("NATO"))]);
        let t = "The officials said that the site www.america.com and @america will be over.";
        assert!(run(&lex, t).evidence.is_empty(), "{:?}", flags(t, &run(&lex, t).evidence));
    }
}
