//! Acronyms the document itself writes otherwise: within one document, a form that is another
//! form of the document lower-cased ("nato" beside "NATO"), with its dots dropped ("DC" beside
//! "D.C."), with a digit for a letter ("CC8" beside "C.C.B.", "8K" beside "S.K."), with its letters
//! reordered ("OTAN" beside "NATO", three letters or more) or with one letter changed ("EOPD"
//! beside "COPD").
//!
//! The form the document writes more often is taken as meant, or on a tie the one the reference
//! knows when it does not know the other; [`decide`] keeps real pairs of acronyms ("UN" and "US",
//! "BBC" and "BBS") quiet with the reference and document counts.
//!
//! Work stays linear: [`super::acronyms`] notes its candidates here as it meets them (one hash
//! look-up each, at most [`MAX_FORMS`] forms a document), one more pass over the tokens picks up
//! lower-case and digit-initial variants behind a bit-mask test, and the forms are compared
//! pairwise (at most `MAX_FORMS`² cheap comparisons).

use rustc_hash::FxHashMap as HashMap;

use super::context::{Ctx, FREQUENT_MIN, fact};
use super::{evidence, kinds};
use crate::features::Evidence;
use crate::tokenize::TokenKind;

/// Most distinct forms compared per document.
const MAX_FORMS: usize = 48;
/// Most distinct surfaces remembered per document (forms and capitalised common words).
const MAX_SURFACES: usize = 256;
/// Longest form in bytes, as tokenised ("C.C.B.A").
const MAX_LEN: usize = 7;
/// A lower-case form the reference writes this often is an English word ("us", "aids"), not a
/// lower-cased acronym.
const LOWER_WORD_MIN: u64 = 5;
/// An undotted form the reference writes this often is a usual spelling ("DC" for "D.C.").
const UNDOTTED_MIN: u64 = 5;
/// Index in [`Forms::forms`] of a surface that is never compared (a capitalised common word, a
/// lower-case English word).
const IGNORED: usize = usize::MAX;

/// What a form is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Single capitals joined by dots, without the closing dot: "U.S", "C.C.B".
    Dotted,
    /// Two to five capitals: "NATO".
    Caps,
    /// Two to five capitals and digits, at least one of each: "U8", "CC8", "8K".
    Digits,
    /// Two to five lower-case letters: "nato".
    Lower,
    /// Single lower-case letters joined by dots: "u.s".
    LowerDotted,
}

/// How a suspect form differs from the form it is taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    /// "nato" for "NATO", "u.s" for "U.S".
    Lowered,
    /// "DC" for "D.C".
    Undotted,
    /// "CC8" for "C.C.B", "8K" for "S.K".
    Digit,
    /// "OTAN" for "NATO".
    Reordered,
    /// "EOPD" for "COPD".
    Letter,
}

/// One distinct form in the document.
struct Form<'a> {
    surface: &'a str,
    class: Class,
    /// Upper-cased letters and digits, dots dropped: "CCB", "8K".
    key: [u8; MAX_LEN],
    len: usize,
    /// Token indices of its occurrences.
    at: Vec<usize>,
    /// Some occurrence stands in a prose sentence (not only in headlines or lists).
    in_prose: bool,
    /// The reference-vocabulary check of [`super::acronyms`] flagged it already.
    flagged: bool,
}

impl Form<'_> {
    fn key(&self) -> &[u8] {
        &self.key[..self.len]
    }

    fn dotted(&self) -> bool {
        matches!(self.class, Class::Dotted | Class::LowerDotted)
    }

    /// The surface as written in prose, with a dotted form's closing dot.
    fn shown(&self) -> String {
        if self.dotted() { format!("{}.", self.surface) } else { self.surface.to_string() }
    }
}

/// The class of a form whose letters are capitals ("U.S", "NATO", "CC8", "8K").
fn upper_class(w: &str) -> Option<Class> {
    let b = w.as_bytes();
    let n = b.len();
    if !(2..=MAX_LEN).contains(&n) {
        return None;
    }
    if b.contains(&b'.') {
        return dotted(b, u8::is_ascii_uppercase).then_some(Class::Dotted);
    }
    let letters = b.iter().filter(|c| c.is_ascii_uppercase()).count();
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    if n > 5 || letters == 0 || letters + digits != n {
        return None;
    }
    Some(if digits == 0 { Class::Caps } else { Class::Digits })
}

/// The class of a lower-case form ("nato", "u.s").
fn lower_class(w: &str) -> Option<Class> {
    let b = w.as_bytes();
    let n = b.len();
    if !(2..=MAX_LEN).contains(&n) {
        return None;
    }
    if b.contains(&b'.') {
        return dotted(b, u8::is_ascii_lowercase).then_some(Class::LowerDotted);
    }
    (n <= 5 && b.iter().all(u8::is_ascii_lowercase)).then_some(Class::Lower)
}

/// Single letters accepted by `letter` joined by dots: "U.S", "c.c.b".
fn dotted(b: &[u8], letter: fn(&u8) -> bool) -> bool {
    b.len() % 2 == 1 && b.iter().enumerate().all(|(k, c)| if k % 2 == 0 { letter(c) } else { *c == b'.' })
}

/// `x` is `y` with some letters turned into digits, all look-alikes ("U8" / "US") unless the
/// acronym has three letters or more ("6II" / "III").
fn digit_garble(x: &[u8], y: &[u8]) -> bool {
    let mut digits = 0;
    for (&a, &b) in x.iter().zip(y) {
        if a == b {
            continue;
        }
        if !a.is_ascii_digit() || !b.is_ascii_uppercase() {
            return false;
        }
        if y.len() < 3 && !super::acronyms::looks_alike(a as char, b as char) {
            return false;
        }
        digits += 1;
    }
    digits > 0 && x.len() == y.len()
}

/// Units written straight after a number ("8GB", "4K", "12MP", "5G", "3D"), upper-cased.
const UNITS: &[&[u8]] = &[
    b"B", b"D", b"G", b"K", b"M", b"P", b"T", b"V", b"W", b"X", b"CM", b"FPS", b"GB", b"GHZ", b"GW", b"HP",
    b"HZ", b"KB", b"KG", b"KM", b"KW", b"KWH", b"MB", b"MG", b"MHZ", b"MM", b"MP", b"MPH", b"MW", b"PB",
    b"TB",
];

/// `x` (an upper-cased form) is a number and a unit: digits, then one of [`UNITS`].
fn quantity(x: &[u8]) -> bool {
    let digits = x.iter().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && UNITS.contains(&&x[digits..])
}

/// Every digit of `x` resembles the letter `y` has in its place.
fn digits_alike(x: &[u8], y: &[u8]) -> bool {
    x.iter().zip(y).all(|(&a, &b)| a == b || super::acronyms::looks_alike(a as char, b as char))
}

/// The same letters in another order.
fn reordered(x: &[u8], y: &[u8]) -> bool {
    let (mut a, mut b) = ([0u8; MAX_LEN], [0u8; MAX_LEN]);
    a[..x.len()].copy_from_slice(x);
    b[..y.len()].copy_from_slice(y);
    a[..x.len()].sort_unstable();
    b[..y.len()].sort_unstable();
    x != y && a[..x.len()] == b[..y.len()]
}

/// How suspect `s` differs from `b`, when `b` could be what `s` was meant to be.
fn relation(s: &Form<'_>, b: &Form<'_>) -> Option<Rel> {
    if !matches!(b.class, Class::Caps | Class::Dotted) || s.len != b.len {
        return None;
    }
    let (x, y) = (s.key(), b.key());
    match (s.class, b.class) {
        (Class::Lower, Class::Caps) | (Class::LowerDotted, Class::Dotted) => (x == y).then_some(Rel::Lowered),
        (Class::Caps, Class::Dotted) => (x == y).then_some(Rel::Undotted),
        // A number with its unit ("8GB" beside "RGB") is a garble only in look-alike digits
        // ("8K" for "S.K.").
        (Class::Digits, _) => {
            (digit_garble(x, y) && (!quantity(x) || digits_alike(x, y))).then_some(Rel::Digit)
        }
        (Class::Caps, Class::Caps) | (Class::Dotted, Class::Dotted) => {
            let diff = x.iter().zip(y).filter(|(a, b)| a != b).count();
            if diff == 1 && x.len() >= 3 {
                Some(Rel::Letter)
            } else if x.len() >= 3 && reordered(x, y) {
                Some(Rel::Reordered)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Document and reference counts of a suspect form and the form it may stand for.
#[derive(Debug, Clone, Copy)]
struct Counts {
    /// Occurrences of the suspect in the document.
    here: usize,
    /// Occurrences of the other form in the document.
    other_here: usize,
    /// Reference count of the suspect.
    known: u64,
    /// Reference count of the other form.
    other_known: u64,
}

/// Whether a suspect related by `rel` is a corruption of the other form, given the counts and
/// the reference's "frequent" floor; `alike` when a digit-for-letter suspect has only
/// look-alike digits ("8K" / "SK").
///
/// The other form must be the one the document writes more often, or, on a tie or worse, one the
/// reference knows well while it does not know the suspect. A form the reference knows is
/// legitimate. Changed letters and reorderings (the crowded space of real acronyms: "CES" and
/// "CEA", "BBC" and "BBS") ask for a suspect the reference has never seen, and a changed letter
/// for a one-off: a form the document repeats is meant. Two-letter forms are never taken for
/// one another by a changed letter ("UN" and "US"); the reference check covers "A.S." ~ "U.S.".
fn decide(rel: Rel, c: Counts, alike: bool, frequent: u64) -> bool {
    let more = c.other_here > c.here;
    let known_other = c.other_known >= frequent && c.known == 0;
    match rel {
        // The form itself is odd: a tie is enough, and look-alike digits need no majority.
        Rel::Lowered => c.other_here >= c.here || known_other,
        Rel::Digit => c.known < frequent && (alike || c.other_here >= c.here || known_other),
        Rel::Undotted => c.known < UNDOTTED_MIN && more,
        Rel::Reordered => c.known == 0 && (more || known_other),
        Rel::Letter => c.known == 0 && c.here == 1 && (more || known_other),
    }
}

/// The acronym forms of one document, gathered while [`super::acronyms`] reads it.
pub(super) struct Forms<'a> {
    /// Surface to index in `forms`, or [`IGNORED`].
    index: HashMap<&'a str, usize>,
    forms: Vec<Form<'a>>,
    /// Per byte length, bit `c & 31` is set for the first byte `c` of each capital form noted
    /// ("U.S" sets bit 21 of `first[3]`); the lower-case pass only looks up a token whose first
    /// and last bytes (the same bit in either case) have their bits set.
    first: [u32; MAX_LEN + 1],
    /// The same for the last byte.
    last: [u32; MAX_LEN + 1],
}

impl<'a> Forms<'a> {
    pub fn new() -> Self {
        Forms {
            index: HashMap::default(),
            forms: Vec::new(),
            first: [0; MAX_LEN + 1],
            last: [0; MAX_LEN + 1],
        }
    }

    /// Notes token `i`, a word with an upper-case initial, when it is an acronym form; returns
    /// its form's index. Most words ("The", "Said") are ruled out by their length and second byte.
    pub fn note(&mut self, ctx: &Ctx<'a>, i: usize) -> Option<usize> {
        let w = ctx.tok(i);
        let b = w.as_bytes();
        if !(2..=MAX_LEN).contains(&b.len())
            || !(b[1].is_ascii_uppercase() || b[1].is_ascii_digit() || b[1] == b'.')
        {
            return None;
        }
        let k = self.add(ctx, w, upper_class)?;
        self.push(ctx, k, i);
        Some(k)
    }

    /// Records token `i` as an occurrence of form `k`.
    fn push(&mut self, ctx: &Ctx<'a>, k: usize, i: usize) {
        let f = &mut self.forms[k];
        f.at.push(i);
        f.in_prose |= ctx.has(i, fact::PROSE);
    }

    /// Records that the reference-vocabulary check flagged form `k`.
    pub fn flagged(&mut self, k: usize) {
        if let Some(f) = self.forms.get_mut(k) {
            f.flagged = true;
        }
    }

    /// The form of surface `w` (classified by `class`), added when new and there is room; `None`
    /// for a surface that is no form, a common word, or one past the caps.
    fn add(&mut self, ctx: &Ctx<'a>, w: &'a str, class: fn(&str) -> Option<Class>) -> Option<usize> {
        if let Some(&k) = self.index.get(w) {
            return (k != IGNORED).then_some(k);
        }
        if self.index.len() >= MAX_SURFACES {
            return None;
        }
        let cl = class(w)?;
        let common = match cl {
            // An all-caps common word is emphasis or a heading ("READ", "THE"), not an acronym.
            Class::Caps => ctx.count(&w.to_ascii_lowercase()) >= FREQUENT_MIN,
            Class::Lower => ctx.count(w) >= LOWER_WORD_MIN,
            _ => false,
        };
        if common || self.forms.len() >= MAX_FORMS {
            self.index.insert(w, IGNORED);
            return None;
        }
        let mut key = [0u8; MAX_LEN];
        let mut len = 0;
        for &c in w.as_bytes().iter().filter(|&&c| c != b'.') {
            key[len] = c.to_ascii_uppercase();
            len += 1;
        }
        if matches!(cl, Class::Caps | Class::Dotted) {
            let b = w.as_bytes();
            self.first[b.len()] |= 1 << (b[0] & 31);
            self.last[b.len()] |= 1 << (b[b.len() - 1] & 31);
        }
        let k = self.forms.len();
        self.forms.push(Form {
            surface: w,
            class: cl,
            key,
            len,
            at: Vec::new(),
            in_prose: false,
            flagged: false,
        });
        self.index.insert(w, k);
        Some(k)
    }

    /// Picks up the lower-case and digit-initial variants of the noted forms, compares the forms
    /// and flags each occurrence of a form the document writes otherwise.
    pub fn find(mut self, ctx: &Ctx<'a>, ev: &mut Vec<Evidence>) {
        if self.first == [0; MAX_LEN + 1] {
            return; // no capital acronym: nothing to be written otherwise
        }
        let bytes = ctx.text.as_bytes();
        // Hot: one pass over every token, most of them decided by the fact byte and two bit tests.
        for (i, (&f, t)) in ctx.facts.iter().zip(ctx.toks).enumerate() {
            if f & fact::LOWER_INITIAL != 0 {
                let (s, e) = (t.start(), t.end());
                let n = e - s;
                if n > MAX_LEN
                    || self.first[n] & (1 << (bytes[s] & 31)) == 0
                    || self.last[n] & (1 << (bytes[e - 1] & 31)) == 0
                {
                    continue;
                }
                let w = ctx.tok(i);
                // Part of an address, a handle or a tag ("bbc.co.uk/news", "@nato", "#nato").
                let before = s.checked_sub(1).map(|p| bytes[p]);
                let after = bytes.get(e).copied();
                if matches!(before, Some(b'#' | b'@' | b'/' | b'.' | b'_'))
                    || matches!(after, Some(b'/' | b'@' | b'_'))
                {
                    continue;
                }
                let mut up = [0u8; MAX_LEN];
                up[..n].copy_from_slice(w.as_bytes());
                up[..n].make_ascii_uppercase();
                let Ok(up) = std::str::from_utf8(&up[..n]) else { continue };
                if self.index.get(up).is_none_or(|&k| k == IGNORED) {
                    continue;
                }
                if let Some(k) = self.add(ctx, w, lower_class) {
                    self.push(ctx, k, i);
                }
            } else if t.kind == TokenKind::Number
                && t.end() - t.start() <= 5
                && bytes[t.start()..t.end()].iter().any(u8::is_ascii_uppercase)
            {
                let w = ctx.tok(i);
                if let Some(k) = self.add(ctx, w, upper_class)
                    && self.forms[k].class == Class::Digits
                {
                    self.push(ctx, k, i);
                }
            }
        }
        self.compare(ctx, ev);
    }

    /// Compares the forms pairwise and flags the corrupted ones.
    fn compare(&self, ctx: &Ctx<'a>, ev: &mut Vec<Evidence>) {
        let forms = &self.forms;
        let mut known: Vec<Option<u64>> = vec![None; forms.len()];
        let mut count = |k: usize| *known[k].get_or_insert_with(|| ctx.count(forms[k].surface));
        for (s, sf) in forms.iter().enumerate() {
            if sf.flagged || sf.at.is_empty() {
                continue;
            }
            let mut best: Option<(usize, Rel, Counts)> = None;
            for (b, bf) in forms.iter().enumerate() {
                if b == s || bf.at.is_empty() {
                    continue;
                }
                let Some(rel) = relation(sf, bf) else { continue };
                // Capitals taken as meant for a lower-case word must stand in running text: a
                // headline's "EMOJI" is no acronym of the text's "emoji".
                if rel == Rel::Lowered && bf.class == Class::Caps && !bf.in_prose {
                    continue;
                }
                let c = Counts {
                    here: sf.at.len(),
                    other_here: bf.at.len(),
                    known: count(s),
                    other_known: count(b),
                };
                let alike = rel == Rel::Digit && digits_alike(sf.key(), bf.key());
                if !decide(rel, c, alike, ctx.frequent) {
                    continue;
                }
                if matches!(rel, Rel::Letter | Rel::Reordered | Rel::Undotted) && defined(ctx, sf) {
                    continue;
                }
                if best
                    .is_none_or(|(_, _, bc)| (c.other_here, c.other_known) > (bc.other_here, bc.other_known))
                {
                    best = Some((b, rel, c));
                }
            }
            if let Some((b, rel, c)) = best {
                emit(ctx, sf, &forms[b], rel, c, ev);
            } else if let Some(rev) = reversed_known(ctx, sf, count(s)) {
                let c = Counts { here: sf.at.len(), other_here: 0, known: 0, other_known: rev.1 };
                let b = Form { surface: &rev.0, at: Vec::new(), ..*sf };
                emit(ctx, sf, &b, Rel::Reordered, c, ev);
            }
        }
    }
}

/// For capitals `f` of three letters or more that the reference has never seen (`known` times),
/// the reversed acronym and its count when the reference knows it well ("OTAN" / "NATO"): a form
/// the document does not write, but reversal is how mangling reorders letters.
fn reversed_known(ctx: &Ctx<'_>, f: &Form<'_>, known: u64) -> Option<(String, u64)> {
    if f.class != Class::Caps || f.len < 3 || known > 0 {
        return None;
    }
    let mut rev = f.key().to_vec();
    rev.reverse();
    let rev = String::from_utf8(rev).ok()?;
    let n = ctx.count(&rev);
    // Not a palindrome, not a common word in capitals ("POTS" / "STOP").
    (rev != f.surface && n >= ctx.frequent && ctx.count(&rev.to_ascii_lowercase()) < FREQUENT_MIN)
        .then_some((rev, n))
}

/// Some occurrence is introduced as an acronym of its own: in brackets ("bulletin boards
/// (BBS)"), or beside words with its initials ("Fulfilment by Amazon FBA", "FBA (Fulfilment by
/// Amazon)").
fn defined(ctx: &Ctx<'_>, f: &Form<'_>) -> bool {
    let is = |j: usize, p: &str| ctx.toks.get(j).is_some_and(|t| t.text(ctx.text) == p);
    f.at.iter().any(|&i| {
        (i > 0 && is(i - 1, "(") && is(i + 1, ")"))
            || spelled_out(ctx, f.key(), i, true)
            || (is(i + 1, "(") && spelled_out(ctx, f.key(), i + 1, false))
    })
}

/// Short words an expansion skips ("Bureau of Investigation").
const LINKS: [&str; 12] = ["of", "and", "the", "for", "on", "in", "by", "to", "de", "du", "des", "at"];

/// The words next to token `i`, before it (`backwards`) or after it, have the letters of `key`
/// as initials, brackets, hyphens and short linking words that supply no letter aside.
fn spelled_out(ctx: &Ctx<'_>, key: &[u8], i: usize, backwards: bool) -> bool {
    let mut matched = 0;
    let mut j = i;
    for _ in 0..2 * key.len() + 4 {
        if matched == key.len() {
            break;
        }
        j = match if backwards { j.checked_sub(1) } else { j.checked_add(1) } {
            Some(j) => j,
            None => return false,
        };
        let Some(t) = ctx.toks.get(j) else { return false };
        let w = t.text(ctx.text);
        if t.kind != TokenKind::Word {
            if matches!(w, "(" | "-") {
                continue;
            }
            return false;
        }
        let want = if backwards { key[key.len() - 1 - matched] } else { key[matched] };
        if w.as_bytes()[0].eq_ignore_ascii_case(&want) {
            matched += 1;
        } else if !LINKS.iter().any(|l| l.eq_ignore_ascii_case(w)) {
            return false;
        }
    }
    matched == key.len()
}

/// Flags each occurrence of suspect `s`, taken for `b`.
fn emit(ctx: &Ctx<'_>, s: &Form<'_>, b: &Form<'_>, rel: Rel, c: Counts, ev: &mut Vec<Evidence>) {
    let (kind, what) = match rel {
        Rel::Lowered => (kinds::ACRONYM_NEAR_MISS, "lower-cased"),
        Rel::Undotted => (kinds::ACRONYM_NEAR_MISS, "its dots dropped"),
        Rel::Digit => (kinds::ACRONYM_GARBLE, "a digit for a letter"),
        Rel::Reordered => (kinds::ACRONYM_NEAR_MISS, "its letters reordered"),
        Rel::Letter => (kinds::ACRONYM_NEAR_MISS, "one letter changed"),
    };
    let (shown, other) = (s.shown(), b.shown());
    let mut note = if c.other_here == 0 {
        format!("\u{201c}{shown}\u{201d} ({}\u{d7} here) is \u{201c}{other}\u{201d} with {what}", c.here)
    } else {
        format!(
            "\u{201c}{shown}\u{201d} ({}\u{d7} here) is written \u{201c}{other}\u{201d} elsewhere in the document \
             ({}\u{d7}): {what}",
            c.here, c.other_here
        )
    };
    if c.other_here <= c.here {
        note.push_str(&format!(
            "; the reference knows \u{201c}{other}\u{201d} ({}\u{d7}), not \u{201c}{shown}\u{201d}",
            c.other_known
        ));
    }
    // With a majority the document says which form is meant; a tie leans on the reference.
    let strength = if c.other_here > c.here { 1.5 } else { 1.0 };
    for &i in &s.at {
        let t = ctx.toks[i];
        let closing = s.dotted() && ctx.attached(i).is_some_and(|k| ctx.tok(k) == ".");
        let end = if closing { ctx.toks[i + 1].end() } else { t.end() };
        // A dotted suggestion keeps its closing dot unless the suspect was written without one.
        let sugg = if b.dotted() && (closing || !s.dotted()) { other.clone() } else { b.surface.to_string() };
        ev.push(evidence(kind, t.start(), end, strength, note.clone(), Some(sugg)));
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds::{ACRONYM_GARBLE as GARBLE, ACRONYM_NEAR_MISS as NEAR};
    use super::super::test_support::{flags, reference, run};
    use super::*;
    use crate::lexicon::CountLexicon;

    /// The acronym flags of `text` as `(kind, flagged text, suggestion)`.
    fn acronym_flags(lex: &CountLexicon, text: &str) -> Vec<(&'static str, String, Option<String>)> {
        let out = run(lex, text);
        flags(text, &out.evidence)
            .into_iter()
            .filter(|f| f.0 == NEAR || f.0 == GARBLE)
            .map(|(k, w, s)| (k, w.to_string(), s.map(str::to_string)))
            .collect()
    }

    fn has(f: &[(&'static str, String, Option<String>)], kind: &str, w: &str, sugg: &str) -> bool {
        f.iter().any(|x| x.0 == kind && x.1 == w && x.2.as_deref() == Some(sugg))
    }

    #[test]
    fn relations() {
        assert!(digit_garble(b"CC8", b"CCB"));
        assert!(digit_garble(b"8K", b"SK"));
        assert!(digit_garble(b"6II", b"III"), "any digit in three letters or more");
        assert!(!digit_garble(b"U2", b"US"), "two letters need a look-alike digit");
        assert!(!digit_garble(b"CCB", b"CCB"));
        assert!(quantity(b"8GB") && quantity(b"4K") && quantity(b"1080P") && quantity(b"12MP"));
        assert!(!quantity(b"U8") && !quantity(b"6II") && !quantity(b"CC8") && !quantity(b"GB"));
        assert!(reordered(b"OTAN", b"NATO"));
        assert!(!reordered(b"NATO", b"NATO"));
        assert!(!reordered(b"NATA", b"NATO"));
        assert_eq!(upper_class("U.S"), Some(Class::Dotted));
        assert_eq!(upper_class("8K"), Some(Class::Digits));
        assert_eq!(upper_class("NATO"), Some(Class::Caps));
        assert_eq!(upper_class("U.S."), None);
        assert_eq!(upper_class("NATOS"), Some(Class::Caps));
        assert_eq!(upper_class("NATOSX"), None);
        assert_eq!(upper_class("88"), None);
        assert_eq!(lower_class("u.s"), Some(Class::LowerDotted));
        assert_eq!(lower_class("nato"), Some(Class::Lower));
        assert_eq!(lower_class("u.S"), None);
    }

    #[test]
    fn forms_the_document_writes_otherwise_are_flagged() {
        let lex = reference();
        let t = "The officials said that NATO will act. The officials said that NATO is over. \
                 The officials said that OTAN and his allies met. \
                 The officials said that the C.C.B. was over, and that CC8 was with them. \
                 The officials said that the S.K. will be a current deal and that 8K is over. \
                 The officials said that COPD is over, that COPD is current and EOPD is not. \
                 The U.S. officials said that the u.s. allies met, and the nato allies met.";
        let f = acronym_flags(&lex, t);
        assert!(has(&f, NEAR, "OTAN", "NATO"), "{f:?}");
        assert!(has(&f, GARBLE, "CC8", "C.C.B."), "{f:?}");
        assert!(has(&f, GARBLE, "8K", "S.K."), "{f:?}");
        assert!(has(&f, NEAR, "EOPD", "COPD"), "{f:?}");
        assert!(has(&f, NEAR, "u.s.", "U.S."), "{f:?}");
        assert!(has(&f, NEAR, "nato", "NATO"), "{f:?}");
        assert_eq!(f.len(), 6, "the forms taken as meant stay quiet: {f:?}");
        let out = run(&lex, t);
        let e = out.evidence.iter().find(|e| &t[e.start..e.end] == "OTAN").unwrap();
        assert_eq!(
            e.note,
            "\u{201c}OTAN\u{201d} (1\u{d7} here) is written \u{201c}NATO\u{201d} elsewhere in the document (2\u{d7}): \
             its letters reordered"
        );
    }

    #[test]
    fn a_number_with_its_unit_is_not_a_garbled_acronym() {
        // A laptop review: "8GB" of memory beside "RGB" lighting, "4K" beside "UK" and "5G"
        // beside "SG" (look-alike: still flagged, as "8K" for "S.K." is).
        let lex = reference();
        let t = "The keyboard has RGB lighting. The RGB effects can be turned off. It has 8GB of \
                 memory and a 4K screen, sold in the UK. The UK price is high. The SG plan adds 5G.";
        let f = acronym_flags(&lex, t);
        assert!(!f.iter().any(|x| x.1 == "8GB" || x.1 == "4K"), "{f:?}");
        assert!(has(&f, GARBLE, "5G", "SG"), "{f:?}");
    }

    #[test]
    fn a_tie_is_broken_by_the_reference_only() {
        let t = "The officials said that NATO will act, and that OTAN and his allies met.";
        assert!(acronym_flags(&reference(), t).is_empty());
        let mut lex = reference();
        for _ in 0..40 {
            lex.add_text("NATO and the allies. ");
        }
        let f = acronym_flags(&lex, t);
        assert_eq!(f, [(NEAR, "OTAN".to_string(), Some("NATO".to_string()))]);
        // A form the reference knows is legitimate, whatever the document counts.
        let t = "The officials said that OTAN and NATO will act, and that OTAN and his allies met.";
        lex.add_text("OTAN");
        assert!(acronym_flags(&lex, t).is_empty());
    }

    #[test]
    fn a_reversed_acronym_the_reference_knows_is_flagged_alone() {
        let t = "The officials said that OTAN and his allies met, and that OTAN was over.";
        assert!(acronym_flags(&reference(), t).is_empty());
        let mut lex = reference();
        for _ in 0..40 {
            lex.add_text("NATO and the allies. STOP it. stop it. ");
        }
        let f = acronym_flags(&lex, t);
        assert_eq!(f, vec![(NEAR, "OTAN".to_string(), Some("NATO".to_string())); 2]);
        // Not a common word in capitals ("POTS" / "STOP").
        let t = "The officials said that POTS and his allies met, and that it was over.";
        assert!(acronym_flags(&lex, t).is_empty());
    }

    #[test]
    fn real_pairs_one_form_and_headlines_are_quiet() {
        let lex = reference();
        for t in [
            // Two-letter acronyms one letter apart.
            "The officials said that the UN and the US met, that the US and the EU met and that the US was over.",
            // A repeated form is meant: "CEA" beside "CES".
            "At the CES, the CEA said that the CES will be a current deal, and CEA said that the CES and CES met.",
            // Acronyms being introduced.
            "The BBC said that the BBC and the BBC met, and a bulletin board system (BBS) was over.",
            "The FBI said that the FBI was over and that Fulfilment by Amazon FBA will be a current deal.",
            "The FBI said that the FBI was over and that FBA (Fulfilment by Amazon) will be a current deal.",
            // One form only.
            "The officials said that NATO will act. The officials said that NATO and NATO met.",
            // Capitals in a headline over a text with the word in lower case.
            "EMOJI RULES\nThe officials said that the emoji will be a current deal for them.",
            // Common words in capitals, and the same acronym with and without dots where the
            // reference knows both.
            "THE DEAL\nThe officials said that the deal with the U.S. and US was over and the US met.",
            // Addresses and tags.
            "The NATO officials said that the site nato.int and #nato and @nato met.",
        ] {
            let f = acronym_flags(&lex, t);
            assert!(f.is_empty(), "{t}: {f:?}");
        }
    }

    #[test]
    fn odd_inputs_do_not_panic_and_forms_are_capped() {
        let lex = reference();
        for t in [
            "u.s",
            "8K",
            "9",
            "U.S.A.B.C.D",
            "ÜN Ün ün",
            "NATO nato",
            "A.B a.b",
            "(NATO",
            "NATO (",
            "OTAN NATO",
            "8K S.K",
            "AB ab AB BA",
            "CC8 C.C.B",
        ] {
            let out = run(&lex, t);
            assert!(out.evidence.iter().all(|e| e.start <= e.end && e.end <= t.len()), "{t}");
        }
        // Many distinct acronyms: only the first MAX_FORMS are compared, in linear work.
        let mut t = String::from("The officials said that ");
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                t.push_str(&format!("X{}{} and ", a as char, b as char));
            }
        }
        t.push_str("it was over.");
        let out = run(&lex, &t);
        assert!(out.evidence.len() <= MAX_FORMS * 2);
        let long = "The officials said that NATO and OTAN met. ".repeat(5000);
        let f = acronym_flags(&lex, &long);
        assert!(f.is_empty(), "a tie of forms the reference does not know");
    }
}
