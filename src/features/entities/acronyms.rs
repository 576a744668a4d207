//! Acronyms that the reference vocabulary does not know but that sit one letter from a frequent
//! acronym of the same shape ("A.S." ~ "U.S.", "M.S." ~ "U.S."), and letter-digit tokens in prose
//! that are a frequent acronym with a letter turned into a look-alike digit ("U8" ~ "US").
//! Legitimate letter-digit names (G7, U2, MP3, B2B, 4G) stay quiet unless a frequent acronym is
//! exactly one look-alike digit-for-letter away.

use rustc_hash::FxHashMap as HashMap;

use super::acronym_forms::Forms;
use super::context::{Ctx, fact, is_capitalised};
use super::{evidence, kinds};
use crate::features::Evidence;

/// Most distinct surfaces looked up with `near_misses` per document (bounds the work).
const MAX_QUERIES: usize = 256;
/// The known acronym must be at least this many times more frequent than the suspect.
const DOMINANCE: u64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Single capitals joined by dots: "U.S", "A.S", "U.K".
    Dotted,
    /// Two to five capitals: "US", "NATO".
    Caps,
    /// Capitals and digits, starting with a capital: "U8", "G7", "MP3".
    LetterDigit,
}

fn shape(w: &str) -> Option<Shape> {
    // Every shape starts with an ASCII capital (a dotted one's first part is one): most tokens
    // are ruled out by their first byte, before counting and searching.
    if !w.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
        return None;
    }
    let n = w.chars().count();
    if (3..=7).contains(&n) && w.contains('.') {
        let ok = w.split('.').all(|p| {
            let mut cs = p.chars();
            cs.next().is_some_and(|c| c.is_ascii_uppercase()) && cs.next().is_none()
        });
        return ok.then_some(Shape::Dotted);
    }
    if !(2..=5).contains(&n) || !w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return None;
    }
    let digits = w.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        Some(Shape::Caps)
    } else if n <= 4 && w.starts_with(|c: char| c.is_ascii_uppercase()) {
        Some(Shape::LetterDigit)
    } else {
        None
    }
}

/// The candidate differs from `w` in exactly one character position, in the way `sh` allows.
fn fits(sh: Shape, w: &str, cand: &str) -> bool {
    let a: Vec<char> = w.chars().collect();
    let b: Vec<char> = cand.chars().collect();
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    if diff.len() != 1 {
        return false;
    }
    let k = diff[0];
    match sh {
        Shape::Dotted => shape(cand) == Some(Shape::Dotted),
        Shape::Caps => shape(cand) == Some(Shape::Caps),
        Shape::LetterDigit => {
            a[k].is_ascii_digit() && b[k].is_ascii_uppercase() && b.iter().all(char::is_ascii_uppercase)
        }
    }
}

/// Flags acronyms one letter or a look-alike digit from a frequent reference acronym, then those
/// the document itself writes otherwise ([`Forms`]).
pub(super) fn find<'a>(ctx: &Ctx<'a>, ev: &mut Vec<Evidence>) {
    let mut forms = Forms::new();
    let mut cache: HashMap<&str, Option<(String, u64, u64)>> = HashMap::default();
    for i in 0..ctx.toks.len() {
        // Every shape starts with an ASCII capital, so only words with an upper-case initial; and
        // a capitalised word ("Said", "Éric") has no shape (no dot, digit or second capital)
        // and is no acronym form ([`Forms::note`] wants a capital, digit or dot second).
        if ctx.facts[i] & (fact::UPPER_INITIAL | fact::CAP) != fact::UPPER_INITIAL {
            continue;
        }
        let w = ctx.tok(i);
        let sh = shape(w);
        // Initials before a name ("J.S. Bach", "A.S Byatt") are not acronyms.
        if sh == Some(Shape::Dotted) && initials(ctx, i) {
            continue;
        }
        let form = forms.note(ctx, i);
        let Some(sh) = sh else { continue };
        // Bare capitals ("WEF" ~ "WWF", "JD" ~ "AD") are too dense a space to call one letter off
        // a near miss: measured on clean BBC text they were nearly all real acronyms.
        if sh == Shape::Caps {
            continue;
        }
        if sh != Shape::Dotted && !ctx.has(i, fact::PROSE) {
            continue;
        }
        // An all-caps common word is emphasis or a heading ("READ", "NOT"), not an acronym.
        if sh == Shape::Caps && ctx.lex.surface_count(&w.to_lowercase()) >= super::context::FREQUENT_MIN {
            continue;
        }
        let hit = if let Some(h) = cache.get(w) {
            h.clone()
        } else {
            if cache.len() >= MAX_QUERIES {
                continue;
            }
            let h = lookup(ctx, sh, w);
            cache.insert(w, h.clone());
            h
        };
        let Some((cand, best, own)) = hit else {
            continue;
        };
        if let Some(k) = form {
            forms.flagged(k);
        }
        let t = ctx.toks[i];
        // Take the acronym's closing dot into the span when it is attached.
        let (end, shown, sugg) = match ctx.attached(i) {
            Some(k) if sh == Shape::Dotted && ctx.tok(k) == "." => {
                (ctx.toks[k].end(), format!("{w}."), format!("{cand}."))
            }
            _ => (t.end(), w.to_string(), cand.clone()),
        };
        let (kind, what) = match sh {
            Shape::LetterDigit => (kinds::ACRONYM_GARBLE, "letter-digit garble of"),
            _ => (kinds::ACRONYM_NEAR_MISS, "one letter from"),
        };
        let strength = ((best + 1) as f64 / (own + 1) as f64).log10();
        let note = format!(
            "\u{201c}{shown}\u{201d} ({own}\u{d7} in the reference) is a {what} \u{201c}{sugg}\u{201d} ({best}\u{d7})"
        );
        ev.push(evidence(kind, t.start(), end, strength, note, Some(sugg)));
    }
    forms.find(ctx, ev);
}

/// Token `i`, a dotted form, is a name's initials: a name follows ("J.S. Bach", "A.S Byatt").
fn initials(ctx: &Ctx<'_>, i: usize) -> bool {
    let mut j = ctx.next_adjacent(i);
    if let Some(k) = j
        && ctx.tok(k) == "."
    {
        j = ctx.next_adjacent(k);
    }
    j.is_some_and(|k| is_capitalised(ctx.tok(k)) && ctx.namey(ctx.tok(k)))
}

/// The digit in `w` stands where `cand` has a letter it resembles ("U8" / "US", "B0B" / "BOB").
fn digits_look_alike(w: &str, cand: &str) -> bool {
    w.chars().zip(cand.chars()).filter(|(a, b)| a != b).all(|(d, l)| looks_alike(d, l))
}

/// Digit `d` resembles capital `l` ("8" / "S").
pub(super) fn looks_alike(d: char, l: char) -> bool {
    matches!(
        (d, l),
        ('0', 'O' | 'D' | 'Q')
            | ('1', 'I' | 'L' | 'T')
            | ('2', 'Z')
            | ('3', 'E' | 'B')
            | ('4', 'A')
            | ('5', 'S')
            | ('6', 'G' | 'B')
            | ('7', 'T')
            | ('8', 'B' | 'S')
            | ('9', 'G' | 'P')
    )
}

/// Every string that [`fits`] could accept for `w`: one character replaced by a capital letter
/// (for a letter-digit form, a digit by a letter). [`fits`] only accepts same-length strings
/// differing in one position, so this covers all of them with a few dozen exact look-ups instead
/// of a Levenshtein search of the vocabulary.
fn substitutions(sh: Shape, w: &str, mut each: impl FnMut(&str)) {
    let chars: Vec<char> = w.chars().collect();
    let mut cand = String::with_capacity(w.len());
    for k in 0..chars.len() {
        let replaceable = match sh {
            Shape::LetterDigit => chars[k].is_ascii_digit(),
            _ => chars[k].is_ascii_uppercase(),
        };
        if !replaceable {
            continue;
        }
        for l in 'A'..='Z' {
            if l == chars[k] {
                continue;
            }
            cand.clear();
            cand.extend(chars[..k].iter().copied().chain([l]).chain(chars[k + 1..].iter().copied()));
            each(&cand);
        }
    }
}

/// The frequent acronym `w` is a near miss of, with its count and `w`'s own count.
fn lookup(ctx: &Ctx<'_>, sh: Shape, w: &str) -> Option<(String, u64, u64)> {
    let own = ctx.count(w);
    if own >= ctx.frequent {
        return None;
    }
    // The dotted house style of an acronym the reference writes without dots ("U.K." where it
    // has "UK") is not a near miss; "A.S." stays one (the reference writes "as", never "AS").
    if sh == Shape::Dotted {
        let bare: String = w.chars().filter(|&c| c != '.').collect();
        if ctx.count(&bare) >= ctx.frequent {
            return None;
        }
    }
    let mut found: Option<(String, u64)> = None;
    substitutions(sh, w, |c| {
        if fits(sh, w, c) && (sh != Shape::LetterDigit || digits_look_alike(w, c)) {
            let n = ctx.lex.surface_count(c);
            if n > 0 && found.as_ref().is_none_or(|(b, bn)| n > *bn || (n == *bn && c < b.as_str())) {
                found = Some((c.to_string(), n));
            }
        }
    });
    let (cand, best) = found?;
    (best >= ctx.frequent && own.saturating_mul(DOMINANCE) < best).then_some((cand, best, own))
}

#[cfg(test)]
mod tests {
    use super::super::kinds;
    use super::super::test_support::{flags, reference, run, strings_of};
    use super::*;

    #[test]
    fn capitalised_words_have_no_shape_and_are_no_acronym_form() {
        // `find` skips capitalised words: no shape, and `Forms::note` rules them out by their
        // second byte.
        let alphabet =
            ["A", "a", "Z", "s", "1", ".", "'", "\u{c9}", "\u{e9}", "\u{3a3}", "\u{3c3}", "\u{df}", ""];
        let mut n = 0;
        for w in strings_of(&alphabet, 4).iter().filter(|w| is_capitalised(w)) {
            n += 1;
            assert_eq!(shape(w), None, "{w:?}");
            let second = w.as_bytes()[1];
            assert!(!(second.is_ascii_uppercase() || second.is_ascii_digit() || second == b'.'), "{w:?}");
        }
        assert!(n > 100, "{n}");
    }

    #[test]
    fn first_byte_test_changes_no_shape() {
        // The definition without the first-byte test, on every string of up to four characters
        // over an alphabet that exercises each branch.
        fn reference(w: &str) -> Option<Shape> {
            let n = w.chars().count();
            if (3..=7).contains(&n) && w.contains('.') {
                let ok = w.split('.').all(|p| {
                    let mut cs = p.chars();
                    cs.next().is_some_and(|c| c.is_ascii_uppercase()) && cs.next().is_none()
                });
                return ok.then_some(Shape::Dotted);
            }
            if !(2..=5).contains(&n) || !w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                return None;
            }
            let digits = w.chars().filter(char::is_ascii_digit).count();
            if digits == 0 {
                Some(Shape::Caps)
            } else if n <= 4 && w.starts_with(|c: char| c.is_ascii_uppercase()) {
                Some(Shape::LetterDigit)
            } else {
                None
            }
        }
        let alphabet = ["A", "U", "s", ".", "8", "É", "é", "-", ""];
        let mut all = strings_of(&alphabet, 4);
        all.extend(["U.S.A.", "A.B.C.D", "MP3", "G7", "NATO", "U.S", "Ü.S."].map(String::from));
        for w in &all {
            assert_eq!(shape(w), reference(w), "{w:?}");
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("A.S"), Some(Shape::Dotted));
        assert_eq!(shape("U.S.A"), Some(Shape::Dotted));
        assert_eq!(shape("Mr.S"), None);
        assert_eq!(shape("NATO"), Some(Shape::Caps));
        assert_eq!(shape("U8"), Some(Shape::LetterDigit));
        assert_eq!(shape("MP3"), Some(Shape::LetterDigit));
        assert_eq!(shape("Us"), None);
        assert!(fits(Shape::LetterDigit, "U8", "US"));
        assert!(!fits(Shape::LetterDigit, "U8", "U"));
        assert!(fits(Shape::Dotted, "A.S", "U.S"));
        assert!(!fits(Shape::Dotted, "A.S", "A.S.A"));
    }

    #[test]
    fn dotted_near_misses() {
        let lex = reference();
        let t = "The talks between Senior A.S. and Russian officials were set, the movement A.S .. \
                 and Russia would act as M.S. Will if it is over.";
        let out = run(&lex, t);
        let f = flags(t, &out.evidence);
        let acr: Vec<_> = f.iter().filter(|x| x.0 == kinds::ACRONYM_NEAR_MISS).collect();
        assert_eq!(
            acr,
            [
                &(kinds::ACRONYM_NEAR_MISS, "A.S.", Some("U.S.")),
                &(kinds::ACRONYM_NEAR_MISS, "A.S", Some("U.S")),
                &(kinds::ACRONYM_NEAR_MISS, "M.S.", Some("U.S.")),
            ]
        );
    }

    #[test]
    fn known_acronyms_initials_and_legit_codes_are_quiet() {
        let lex = reference();
        let t = "The U.S. and the U.N. said that the G7 and MP3 and B2B and WEF deals were over, and \
                 J.S. Bach was on the UK list in 4G and F-16 and COVID-19 news. The U.K. agreed.";
        let out = run(&lex, t);
        let f = flags(t, &out.evidence);
        assert!(f.iter().all(|x| x.0 != kinds::ACRONYM_NEAR_MISS && x.0 != kinds::ACRONYM_GARBLE), "{f:?}");
    }

    #[test]
    fn letter_digit_garble() {
        let lex = reference();
        let t = "The officials said that U8 and allies will be at the talks with the others.";
        let out = run(&lex, t);
        assert_eq!(flags(t, &out.evidence), [(kinds::ACRONYM_GARBLE, "U8", Some("US"))]);
        // Not in a headline.
        let t = "U8 Allies Meet\n";
        assert!(run(&lex, t).evidence.is_empty());
        // "2" does not look like "S": the band U2 is not a garble of US.
        let t = "The officials said that U2 and allies will be at the talks with the others.";
        assert!(run(&lex, t).evidence.is_empty());
    }
}
