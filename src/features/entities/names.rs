//! Names: one name spelled several ways in the document ("Stephen Peifer" ... "Piffer"), and
//! unknown capitalised names one edit from a frequent entity of the reference vocabulary.
//!
//! Capitalised name-like types are grouped by a phonetic key; only types sharing a key are
//! compared (groups are capped), so the work is linear in the document. Legitimate variants stay
//! quiet: possessives are stripped, a form that extends another ("Zelensky"/"Zelenskyy",
//! "Obama"/"Obamas", "Russia"/"Russian") or differs only in its last letter is an inflection or
//! a transliteration, and two forms both known to the reference are two names.

use rustc_hash::FxHashMap as HashMap;

use super::context::{Ctx, fact, is_capitalised, strip_possessive};
use super::phonetic::{NameIndex, is_variant, phonetic_key, same_key_neighbours_where, variant_alphabet};
use super::{evidence, kinds};
use crate::features::Evidence;
use crate::lexicon::levenshtein_within;
use crate::spelling::spelling_key;

/// Most distinct name types considered per document.
const MAX_TYPES: usize = 4000;
/// Most types compared pairwise within one phonetic group.
const MAX_GROUP: usize = 12;
/// An entity near miss must be this many times more frequent than the "frequent" floor.
const ENTITY_FREQUENT: u64 = 5;
/// Most entity near-miss look-ups per document.
const MAX_QUERIES: usize = 200;

struct NameType<'a> {
    form: &'a str,
    /// Name-like capitalised neighbours (first names before, surnames after), which tell two
    /// people apart ("Mirco Antenucci" and "Marco Rossi").
    mates: Mates<'a>,
    /// Token indices where it occurs.
    at: Occurrences,
    known: u64,
}

/// A word shaped like a name with a capital inside ("D'Arcy", "O'Gara", "McDonald",
/// "DiCaprio"), possibly possessive: capitalised, letters and apostrophes only, ending in a
/// lower-case letter once a possessive ending is stripped. Not capitalised in the sense of
/// [`super::context::is_capitalised`], but as telling a mate as any surname.
fn has_inner_capital(w: &str) -> bool {
    let w = strip_possessive(w);
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase)
        && w.chars().next_back().is_some_and(char::is_lowercase)
        && cs.all(|c| c.is_alphabetic() || c == '\'' || c == '\u{2019}')
        && w.chars().skip(1).any(char::is_uppercase)
}

/// Most mates kept per name type.
const MAX_MATES: usize = 8;

/// A name type's mates, in the order first seen, held inline (no allocation per type).
#[derive(Default)]
struct Mates<'a> {
    forms: [&'a str; MAX_MATES],
    len: usize,
}

impl<'a> Mates<'a> {
    fn as_slice(&self) -> &[&'a str] {
        &self.forms[..self.len]
    }

    /// Adds `m` (nothing when full).
    fn push(&mut self, m: &'a str) {
        if let Some(slot) = self.forms.get_mut(self.len) {
            *slot = m;
            self.len += 1;
        }
    }
}

/// The token indices of a name type, in order: the first held inline, the others in a vector
/// that allocates only for a type seen twice (most types occur once).
struct Occurrences {
    first: usize,
    rest: Vec<usize>,
}

impl Occurrences {
    fn new(first: usize) -> Self {
        Occurrences { first, rest: Vec::new() }
    }

    fn push(&mut self, i: usize) {
        self.rest.push(i);
    }

    fn len(&self) -> usize {
        1 + self.rest.len()
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.first).chain(self.rest.iter().copied())
    }
}

/// Two spellings that are legitimately different: an extension (inflection, transliteration
/// with an extra final letter), a difference in the last letter only, two known names, or the
/// British and American spellings of one word ("Amphitheatre", "Amphitheater").
fn legit_pair((x, x_known): (&str, u64), (y, y_known): (&str, u64)) -> bool {
    if x_known > 0 && y_known > 0 {
        return true;
    }
    if x.starts_with(y) || y.starts_with(x) {
        return true;
    }
    let common = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
    let shorter = x.chars().count().min(y.chars().count());
    // The allocating test last: most pairs are settled above.
    common + 1 >= shorter || spelling_key(x) == spelling_key(y)
}

/// A name spelling the reference writes this often is a real spelling (not one of its own
/// typos), and outranks a variant it never writes however often the document repeats that.
const KNOWN_NAME: u64 = 3;

/// The name-type index's mark of a form that is not a name (`Ctx::namey` is false).
const NOT_A_NAME: usize = usize::MAX;

fn find_root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

pub(super) fn find(ctx: &Ctx<'_>, ev: &mut Vec<Evidence>) {
    // Collect name-like types.
    let mut types: Vec<NameType<'_>> = Vec::new();
    // Form -> its type, or [`NOT_A_NAME`] once `namey` said no. Either answers `namey` for a
    // mate the document already met as a form.
    let mut index: HashMap<&str, usize> = HashMap::default();
    for i in 0..ctx.toks.len() {
        // A word token, capitalised once a possessive ending is stripped.
        if !ctx.has(i, fact::CAP_STEM) {
            continue;
        }
        let form = strip_possessive(ctx.tok(i));
        if form.chars().count() < 4 || !form.chars().all(char::is_alphabetic) {
            continue;
        }
        let k = match index.get(form) {
            Some(&NOT_A_NAME) => continue,
            Some(&k) => {
                types[k].at.push(i);
                k
            }
            None => {
                if types.len() >= MAX_TYPES {
                    continue;
                }
                if !ctx.namey(form) {
                    index.insert(form, NOT_A_NAME);
                    continue;
                }
                index.insert(form, types.len());
                let known = ctx.count(form);
                types.push(NameType { form, mates: Mates::default(), at: Occurrences::new(i), known });
                types.len() - 1
            }
        };
        let before = (i > 0 && ctx.next_adjacent(i - 1) == Some(i)).then(|| i - 1);
        for j in [before, ctx.next_adjacent(i)].into_iter().flatten() {
            // Most neighbours are lower-case words: the token's facts rule them out first.
            let capital = ctx.has(j, fact::CAP_STEM)
                || (ctx.has(j, fact::UPPER_INITIAL) && has_inner_capital(ctx.tok(j)));
            if !capital {
                continue;
            }
            let m = strip_possessive(ctx.tok(j));
            // The pure tests first: `namey` is a look-up (and the outcome is the same).
            if types[k].mates.len >= MAX_MATES || types[k].mates.as_slice().contains(&m) {
                continue;
            }
            // A form of a type is namey, one marked not a name is not.
            let namey = match index.get(m) {
                Some(&t) => t != NOT_A_NAME,
                None => ctx.namey(m),
            };
            if namey {
                types[k].mates.push(m);
            }
        }
    }

    // Group by phonetic key, compare within groups, join variants.
    let mut groups: HashMap<String, Vec<usize>> = HashMap::default();
    for (k, t) in types.iter().enumerate() {
        let g = groups.entry(phonetic_key(t.form)).or_default();
        if g.len() < MAX_GROUP {
            g.push(k);
        }
    }
    let mut parent: Vec<usize> = (0..types.len()).collect();
    let mut in_cluster = vec![false; types.len()];
    // In key order; a group of one type has no pair to compare (most groups).
    let mut pairs: Vec<(&String, &Vec<usize>)> = groups.iter().filter(|(_, g)| g.len() > 1).collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (_, g) in pairs {
        for (x, &a) in g.iter().enumerate() {
            for &b in &g[x + 1..] {
                let (ta, tb) = (&types[a], &types[b]);
                let short = ta.form.chars().count().min(tb.form.chars().count());
                let max = if short >= 5 { 2 } else { 1 };
                // Different first names or surnames beside them: two people.
                let (ma, mb) = (ta.mates.as_slice(), tb.mates.as_slice());
                let two_people = !ma.is_empty() && !mb.is_empty() && !ma.iter().any(|m| mb.contains(m));
                if two_people
                    || levenshtein_within(ta.form, tb.form, max).is_none()
                    || legit_pair((ta.form, ta.known), (tb.form, tb.known))
                {
                    continue;
                }
                let (ra, rb) = (find_root(&mut parent, a), find_root(&mut parent, b));
                parent[ra] = rb;
                in_cluster[a] = true;
                in_cluster[b] = true;
            }
        }
    }
    let mut clusters: HashMap<usize, Vec<usize>> = HashMap::default();
    for (k, _) in in_cluster.iter().enumerate().filter(|x| *x.1) {
        let r = find_root(&mut parent, k);
        clusters.entry(r).or_default().push(k);
    }
    let mut clusters: Vec<Vec<usize>> = clusters.into_values().collect();
    clusters.sort();
    for members in clusters {
        // Canonical: a spelling the reference writes (the others it does not: two known
        // spellings are no pair), then a plausible one, then the most frequent in the document,
        // then the best known, then the first seen. A copy that misspelt "Amsterdam" twice and
        // kept it once is still wrong twice; among spellings the reference does not write, one
        // whose edit brought in a letter sequence English spelling almost never has ("Claiure"
        // against "Claure") is the garble.
        let any_known = members.iter().any(|&k| types[k].known >= KNOWN_NAME);
        let trigrams = if any_known { None } else { ctx.lex.letter_trigrams() };
        let implausible: Vec<bool> = members
            .iter()
            .map(|&k| {
                trigrams.is_some_and(|lt| {
                    members.iter().any(|&m| {
                        m != k
                            && lt.rare_gain(types[k].form, types[m].form).is_some()
                            && lt.rare_gain(types[m].form, types[k].form).is_none()
                    })
                })
            })
            .collect();
        // What makes a spelling canonical; equal levels are a tie (no majority to go by).
        let level = |x: usize| {
            let t = &types[members[x]];
            (t.known >= KNOWN_NAME, !implausible[x], t.at.len(), t.known)
        };
        let first_seen = |x: usize| std::cmp::Reverse(types[members[x]].at.first);
        let Some(best) = (0..members.len()).max_by_key(|&x| (level(x), first_seen(x))) else {
            continue;
        };
        let c = &types[members[best]];
        let top = level(best);
        let tied = (0..members.len()).filter(|&x| level(x) == top).count();
        for (x, &k) in members.iter().enumerate() {
            let t = &types[k];
            let tie = level(x) == top;
            if tie && tied == 1 {
                continue; // a clear canonical form is not itself suspicious
            }
            let spellings: Vec<String> = members
                .iter()
                .filter(|&&m| m != k)
                .map(|&m| format!("\u{201c}{}\u{201d}", types[m].form))
                .collect();
            let note = format!(
                "\u{201c}{}\u{201d} ({}\u{d7} here) is spelled {} elsewhere in the document",
                t.form,
                t.at.len(),
                spellings.join(", ")
            );
            // With no majority the document cannot tell which spelling is right.
            let sugg = (!tie).then(|| c.form.to_string());
            let strength = if tie { 1.0 } else { 1.5 };
            for i in t.at.iter() {
                let tok = ctx.toks[i];
                let end = tok.start() + t.form.len();
                ev.push(evidence(
                    kinds::NAME_VARIANT,
                    tok.start(),
                    end,
                    strength,
                    note.clone(),
                    sugg.clone(),
                ));
            }
        }
    }

    // Unknown names one edit from a known reference entity: a one-off spelling of a frequent
    // entity, or any spelling of a merely "frequent" one when the edit brings in a letter
    // sequence English spelling almost never has ("Brtain", "Gaullle").
    // The letter-trigram table is built at the first candidate that needs it; a lexicon without
    // one finds no implausible spellings.
    let common = ctx.frequent.saturating_mul(ENTITY_FREQUENT);
    let floor = ctx.frequent;
    let mut queries = 0usize;
    for (k, t) in types.iter().enumerate() {
        // A plausible spelling the document repeats is meant ("Davos" is not "Davis").
        let one_off = t.at.len() == 1;
        if in_cluster[k] || t.known > 0 || t.form.chars().count() < 5 {
            continue;
        }
        if queries >= MAX_QUERIES {
            break;
        }
        queries += 1;
        let key = phonetic_key(t.form);
        // (candidate, count, the rare trigram its respelling brought in, if that is the reason)
        let mut best: Option<(String, u64, Option<String>)> = None;
        // The best candidate is the maximum of (count, reverse form) over the candidates that
        // pass the tests below, whatever order they come in.
        let mut consider = |c: &str, n: u64| {
            if n < floor
                || best.as_ref().is_some_and(|(b, bn, _)| n < *bn || (n == *bn && c >= b.as_str()))
                || !is_capitalised(c)
                || !ctx.namey(c)
                || legit_pair((t.form, t.known), (c, 0))
            {
                return;
            }
            if one_off && n >= common {
                best = Some((c.to_string(), n, None));
            } else if let Some(rare) = ctx.lex.letter_trigrams().and_then(|l| l.rare_gain(t.form, c)) {
                best = Some((c.to_string(), n, Some(rare)));
            }
        };
        match ctx.lex.name_index().filter(|_| floor >= NameIndex::MIN_COUNT) {
            // The index lists every capitalised form counted at least `MIN_COUNT` times with
            // this key; the variants the enumeration below would make are picked out of it.
            Some(index) => {
                // The form's characters and its variant alphabet are made for the first
                // candidate that needs them: most keys list no form of a length one edit away.
                let len = t.form.chars().count();
                let mut made: Option<(Vec<char>, Vec<char>)> = None;
                for (c, n) in index.get(&key) {
                    // `is_variant`'s own length test first.
                    if *n < floor || len.abs_diff(c.chars().count()) > 1 {
                        continue;
                    }
                    let (chars, alphabet) = made.get_or_insert_with(|| {
                        let chars: Vec<char> = t.form.chars().collect();
                        let alphabet = variant_alphabet(&chars, &key);
                        (chars, alphabet)
                    });
                    if is_variant(chars, alphabet, c) {
                        consider(c, *n);
                    }
                }
            }
            // Nearly all variants are unknown: the count (a hash probe) rules them out before
            // their phonetic key is computed.
            None => same_key_neighbours_where(
                t.form,
                &key,
                |c| ctx.lex.surface_count(c) >= floor,
                |c| consider(c, ctx.lex.surface_count(c)),
            ),
        }
        let Some((cand, n, rare)) = best else { continue };
        let note = match rare {
            None => format!(
                "\u{201c}{}\u{201d} is unknown to the reference; \u{201c}{cand}\u{201d} occurs {n}\u{d7}",
                t.form
            ),
            Some(tri) => format!(
                "\u{201c}{}\u{201d} ({}\u{d7} here) is unknown to the reference and spelled unlike English \
                 (\u{201c}{tri}\u{201d}); \u{201c}{cand}\u{201d} occurs {n}\u{d7}",
                t.form,
                t.at.len()
            ),
        };
        let strength = ((n + 1) as f64).log10() / 2.0;
        for i in t.at.iter() {
            let tok = ctx.toks[i];
            ev.push(evidence(
                kinds::ENTITY_NEAR_MISS,
                tok.start(),
                tok.start() + t.form.len(),
                strength,
                note.clone(),
                Some(cand.clone()),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds;
    use super::super::test_support::{flags, reference, run};
    use super::*;
    use crate::lexicon::{CountLexicon, Lexicon};

    #[test]
    fn occurrences_and_mates_keep_order_and_bounds() {
        let mut at = Occurrences::new(7);
        assert_eq!((at.len(), at.iter().collect::<Vec<_>>()), (1, vec![7]));
        at.push(9);
        at.push(12);
        assert_eq!((at.len(), at.iter().collect::<Vec<_>>()), (3, vec![7, 9, 12]));
        let mut mates = Mates::default();
        assert!(mates.as_slice().is_empty());
        let names = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"];
        for n in names {
            mates.push(n);
        }
        assert_eq!(mates.as_slice(), &names[..MAX_MATES]);
    }

    #[test]
    fn one_name_spelled_several_ways() {
        let lex = reference();
        let t = "Stephen Peifer said that it was over. \u{201c}No,\u{201d} Current Piffer says.";
        let out = run(&lex, t);
        let f = flags(t, &out.evidence);
        let names: Vec<_> = f.iter().filter(|x| x.0 == kinds::NAME_VARIANT).map(|x| x.1).collect();
        assert_eq!(names, ["Peifer", "Piffer"], "{f:?}");
        // A majority form is canonical and suggested.
        let t = "Steven Pifer said that. Pifer was there. Then Piffer said it, and Pifer’s aide left.";
        let out = run(&lex, t);
        let f = flags(t, &out.evidence);
        assert_eq!(
            f.iter().filter(|x| x.0 == kinds::NAME_VARIANT).collect::<Vec<_>>(),
            [&(kinds::NAME_VARIANT, "Piffer", Some("Pifer"))]
        );
    }

    #[test]
    fn a_spelling_the_reference_writes_outranks_a_repeated_garble() {
        // The copy misspelt the city twice and kept it once: the document's majority is wrong.
        let model = crate::model::Model::embedded();
        assert!(model.surface_count("Amsterdam") >= KNOWN_NAME && model.surface_count("Amsterddam") == 0);
        let t = "The fair opened in Amsterddam on Monday. Amsterdam hotels were full, and the \
                 Amsterddam mayor said visitors were welcome.";
        only_variant_flagged(model, t, "Amsterddam", "Amsterdam");
    }

    /// The name-variant flags of `t` all point at `wrong`, suggesting `right` (and there are some).
    fn only_variant_flagged(model: &crate::model::Model, t: &str, wrong: &str, right: &str) {
        let out = run(model, t);
        let f = flags(t, &out.evidence);
        let variants: Vec<_> = f.iter().filter(|x| x.0 == kinds::NAME_VARIANT).collect();
        assert!(!variants.is_empty(), "{f:?}");
        assert!(variants.iter().all(|x| x.1 == wrong && x.2 == Some(right)), "{f:?}");
    }

    #[test]
    fn among_unknown_spellings_a_plausible_one_outranks_a_repeated_implausible_one() {
        let model = crate::model::Model::embedded();
        assert_eq!((model.surface_count("Claure"), model.surface_count("Claiure")), (0, 0));
        let t = "Marcelo Claiure left the board on Friday. Claure had joined in 2018, and \
                 Claiure said he would stay on as an adviser.";
        only_variant_flagged(model, t, "Claiure", "Claure");
    }

    #[test]
    fn british_and_american_spellings_of_a_name_stay_quiet() {
        // Venue names in a tour list, spelled both ways (the default model knows one form).
        let model = crate::model::Model::embedded();
        let t = "June 9 at Coral Sky Amphitheatre. June 23 at the Veterans United Amphitheater. \
                 June 24 at Jiffy Lube Live. July 30 at Ruoff Music Center. August 2 at DTE Music Centre.";
        let out = run(model, t);
        let f = flags(t, &out.evidence);
        assert!(f.iter().all(|x| x.0 != kinds::NAME_VARIANT), "{f:?}");
        // A misspelling of the same kind of name is still found.
        let t = "June 9 at Coral Sky Amphitheatre. June 23 at the Veterans United Amphithaetre.";
        let out = run(model, t);
        let f = flags(t, &out.evidence);
        assert!(f.iter().any(|x| x.0 == kinds::NAME_VARIANT), "{f:?}");
    }

    #[test]
    fn legitimate_variants_stay_quiet() {
        let lex = reference();
        let t = "Zelensky met Zelenskyy officials. Obama and the Obamas, Russia and Russian aides, \
                 Stephen and Steven, Putin’s plan and Putin said. Clinton and the Clintons. \
                 Mirco Antenucci and Marco Bellini played. The Shoreline Amphitheatre and the \
                 Veterans Amphitheater, the Labour Party and the Labor Party.";
        let out = run(&lex, t);
        let f = flags(t, &out.evidence);
        assert!(f.iter().all(|x| x.0 != kinds::NAME_VARIANT), "{f:?}");
    }

    #[test]
    fn surnames_with_a_capital_inside_tell_two_people_apart() {
        // BBC sport: two players, "Geordan Murphy" and "Gordon D'Arcy", not one name respelt.
        let model = crate::model::Model::embedded();
        for (a, b) in [("Murphy", "D'Arcy"), ("McDonald", "Stringer"), ("O\u{2019}Gara", "Hickie")] {
            let t = format!(
                "The captain set up tries for Geordan {a} and Peter Stringer. Late on he joined \
                 centre partner Gordon {b} on the sidelines."
            );
            let out = run(model, &t);
            let f = flags(&t, &out.evidence);
            assert!(f.iter().all(|x| x.0 != kinds::NAME_VARIANT), "{a} / {b}: {f:?}");
        }
        // One surname beside both spellings is still one person.
        let t = "The captain set up tries for Geordan D'Arcy. Late on he joined Gordon D'Arcy.";
        let out = run(model, t);
        assert!(flags(t, &out.evidence).iter().any(|x| x.0 == kinds::NAME_VARIANT));
        for w in ["D'Arcy", "O\u{2019}Gara", "McDonald", "DiCaprio", "McDonald's"] {
            assert!(has_inner_capital(w), "{w}");
        }
        for w in ["Murphy", "NATO", "U.S.", "D'", "McD", "iPhone", "Mc-Donald"] {
            assert!(!has_inner_capital(w), "{w}");
        }
    }

    #[test]
    fn entity_near_miss() {
        let mut lex = reference();
        for _ in 0..120 {
            lex.add_text("Kennedy spoke. ");
        }
        let t = "The officials said that Kenedy will be at the talks in the capital.";
        let out = run(&lex, t);
        assert_eq!(flags(t, &out.evidence), [(kinds::ENTITY_NEAR_MISS, "Kenedy", Some("Kennedy"))]);
        // Extensions and unrelated unknown names are quiet.
        let t = "The officials said that Kennedys and Littman will be at the talks.";
        assert!(run(&lex, t).evidence.is_empty());
        let empty = CountLexicon::new();
        assert!(run(&empty, "Kenedy said that it was so.").evidence.is_empty());
    }

    #[test]
    fn implausible_respelling_of_a_known_name() {
        // "Britain" and "Davis" are known but not frequent enough (30 < 100) for the one-off
        // rule; a few dozen words give the letter-trigram table its common sequences.
        let mut lex = reference();
        for _ in 0..30 {
            lex.add_text("Britain and Davis. ");
        }
        lex.add_text(
            "british bring brick bright brown train certain again plain tan than man plan \
             avos bavos cavos lavos navos dance dark day davit",
        );
        // Repeated, and spelled with "brt", which no reference form has: flagged each time.
        let t = "The officials said that Brtain will be ready, and Brtain is at the talks.";
        let out = run(&lex, t);
        let f = flags(t, &out.evidence);
        assert_eq!(f, [(kinds::ENTITY_NEAR_MISS, "Brtain", Some("Britain")); 2], "{f:?}");
        assert!(out.evidence[0].note.contains("\u{201c}brt\u{201d}"), "{}", out.evidence[0].note);
        // A plausible spelling is meant, even one edit from a known name ("Davos" / "Davis"),
        // and a one-off plausible near miss of a name below the one-off floor is quiet too.
        for t in [
            "The officials said that Davos will be ready, and Davos is at the talks.",
            "The officials said that Davos will be at the talks.",
            "The officials said that Britan will be at the talks.",
        ] {
            assert!(run(&lex, t).evidence.is_empty(), "{t}: {:?}", flags(t, &run(&lex, t).evidence));
        }
        // Without letter trigrams (a lexicon that keeps none) the rule is off.
        struct NoLetters(CountLexicon);
        impl Lexicon for NoLetters {
            fn surface_count(&self, s: &str) -> u64 {
                self.0.surface_count(s)
            }
            fn normalized_count(&self, s: &str) -> u64 {
                self.0.normalized_count(s)
            }
            fn near_misses(&self, s: &str, k: u32) -> Vec<(String, u64)> {
                self.0.near_misses(s, k)
            }
            fn total_tokens(&self) -> u64 {
                self.0.total_tokens()
            }
            fn bigram_count(&self, a: &str, b: &str) -> u64 {
                self.0.bigram_count(a, b)
            }
        }
        let t = "The officials said that Brtain will be ready, and Brtain is at the talks.";
        assert!(run(&NoLetters(lex), t).evidence.is_empty());
    }
}
