//! Names: one name spelled several ways in the document ("Stephen Peifer" ... "Piffer"), and
//! unknown capitalised names one edit from a frequent entity of the reference vocabulary.
//!
//! Capitalised name-like types are grouped by a phonetic key; only types sharing a key are
//! compared (groups are capped), so the work is linear in the document. Legitimate variants stay
//! quiet: possessives are stripped, a form that extends another ("Zelensky"/"Zelenskyy",
//! "Obama"/"Obamas", "Russia"/"Russian") or differs only in its last letter is an inflection or
//! a transliteration, and two forms both known to the reference are two names.

use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashMap;

use super::context::{Ctx, FREQUENT_MIN, fact, is_capitalised, strip_possessive};
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

/// A phonetic key in the spirit of Soundex/Metaphone: first letter kept, then consonant
/// classes with vowels, `h`, `w`, `y` dropped and repeats collapsed ("Peifer", "Piffer" and
/// "Pifer" all give "PFR").
pub(super) fn phonetic_key(w: &str) -> String {
    let mut out = String::new();
    phonetic_key_into(w, &mut Vec::new(), &mut out);
    out
}

/// [`phonetic_key`] into reusable buffers (no allocation once they have grown).
fn phonetic_key_into(w: &str, lower: &mut Vec<char>, out: &mut String) {
    if w.is_ascii() {
        phonetic_key_ascii(w.as_bytes(), out);
    } else {
        phonetic_key_chars(w, lower, out);
    }
}

/// [`phonetic_key_into`] for an ASCII word, on bytes (the same rules: ASCII letters lower- and
/// upper-case one to one).
fn phonetic_key_ascii(w: &[u8], out: &mut String) {
    out.clear();
    let Some(&first) = w.first() else {
        return;
    };
    out.push(char::from(first.to_ascii_uppercase()));
    let mut last: Option<u8> = None;
    let mut i = 1;
    while i < w.len() {
        let c = w[i].to_ascii_lowercase();
        let next = w.get(i + 1).map(u8::to_ascii_lowercase);
        let mapped = match c {
            b'p' if next == Some(b'h') => {
                i += 1;
                Some(b'f')
            }
            b'c' if next == Some(b'k') => {
                i += 1;
                Some(b'k')
            }
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'h' | b'w' => None,
            b'v' => Some(b'f'),
            b'c' | b'q' => Some(b'k'),
            b'z' | b'x' => Some(b's'),
            c if c.is_ascii_alphabetic() => Some(c),
            _ => None,
        };
        if let Some(m) = mapped {
            if last != Some(m) {
                out.push(char::from(m.to_ascii_uppercase()));
            }
            last = Some(m);
        }
        i += 1;
    }
}

/// [`phonetic_key_into`] for any word, char by char.
fn phonetic_key_chars(w: &str, lower: &mut Vec<char>, out: &mut String) {
    out.clear();
    lower.clear();
    // Per-character lower-casing equals `str::to_lowercase` here: a word-initial sigma is not
    // final, and the other characters of a name are already lower case.
    lower.extend(w.chars().flat_map(char::to_lowercase));
    let Some(&first) = lower.first() else {
        return;
    };
    out.extend(first.to_uppercase());
    let mut last: Option<char> = None;
    let mut i = 1;
    while i < lower.len() {
        let c = lower[i];
        let next = lower.get(i + 1).copied();
        let mapped = match c {
            'p' if next == Some('h') => {
                i += 1;
                Some('f')
            }
            'c' if next == Some('k') => {
                i += 1;
                Some('k')
            }
            c => key_class(c),
        };
        if let Some(m) = mapped {
            if last != Some(m) {
                out.extend(m.to_uppercase());
            }
            last = Some(m);
        }
        i += 1;
    }
}

/// The consonant class of a lower-case letter outside the digraphs, `None` for the letters the
/// key drops.
fn key_class(c: char) -> Option<char> {
    match c {
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' | 'w' => None,
        'v' => Some('f'),
        'c' | 'q' => Some('k'),
        'z' | 'x' => Some('s'),
        c if c.is_alphabetic() => Some(c),
        _ => None,
    }
}

/// Every capitalised form one edit (insertion, deletion or substitution of a character, as in
/// Levenshtein distance 1) from the capitalised `form` that has the same phonetic key, each once
/// (the form itself excluded).
///
/// This replaces a Levenshtein-automaton search of the whole reference vocabulary (~140 µs a
/// query on the default model) by about a hundred exact look-ups: the only letters an edit can
/// bring in without changing the key are the ones the key drops, the members of the classes of
/// the key's letters and the digraph openers `p` (`ph`) and `c` (`ck`), so the alphabet tried is
/// small; every variant is still checked against the real key.
#[cfg(test)]
fn same_key_neighbours(form: &str, key: &str, each: impl FnMut(&str)) {
    same_key_neighbours_where(form, key, |_| true, each)
}

/// The letters `same_key_neighbours` inserts and substitutes into `form` (whose phonetic key
/// is `key`), sorted: the letters the key drops, the digraph openers, the members of the classes
/// of the key's letters and of `form`'s letters, and `form`'s own lower-case letters.
fn variant_alphabet(chars: &[char], key: &str) -> Vec<char> {
    let mut alphabet: Vec<char> = vec!['a', 'e', 'i', 'o', 'u', 'y', 'h', 'w', 'p', 'c'];
    let classes: Vec<char> = chars.iter().skip(1).filter_map(|&c| key_class(c)).collect();
    for k in key.chars().skip(1).flat_map(char::to_lowercase).chain(classes) {
        let members: &[char] = match k {
            'f' => &['f', 'v'],
            'k' => &['k', 'c', 'q'],
            's' => &['s', 'z', 'x'],
            _ => &[k],
        };
        alphabet.extend(members.iter().copied().filter(|c| c.is_lowercase()));
    }
    alphabet.extend(chars.iter().skip(1).copied().filter(|c| c.is_lowercase()));
    alphabet.sort_unstable();
    alphabet.dedup();
    alphabet
}

/// True when [`same_key_neighbours_where`] makes the string `cand` from `form` (`chars` are
/// `form`'s characters, `alphabet` is [`variant_alphabet`] of them): one deletion, substitution
/// or insertion at character position 1 or later, an inserted or substituted letter from
/// `alphabet`, and `cand` different from `form`. Decided from `cand` alone, without making the
/// hundreds of variants.
fn is_variant(chars: &[char], alphabet: &[char], cand: &str) -> bool {
    let n = chars.len();
    if n < 2 {
        return false;
    }
    let m = cand.chars().count();
    if m + 1 < n || m > n + 1 {
        return false;
    }
    let mut buf = [' '; 64];
    let long: Vec<char>;
    let g: &[char] = if m <= buf.len() {
        for (b, c) in buf.iter_mut().zip(cand.chars()) {
            *b = c;
        }
        &buf[..m]
    } else {
        long = cand.chars().collect();
        &long
    };
    // Longest common prefix and suffix.
    let p = chars.iter().zip(g).take_while(|(a, b)| a == b).count();
    let s = chars.iter().rev().zip(g.iter().rev()).take_while(|(a, b)| a == b).count();
    let in_alphabet = |c: char| alphabet.binary_search(&c).is_ok();
    if m == n {
        // One substitution at position p >= 1: the strings agree everywhere else.
        p < n && p >= 1 && p + 1 + s >= n && in_alphabet(g[p])
    } else if m + 1 == n {
        // Deletion of chars[i]: g == chars[..i] + chars[i + 1..], i.e. i <= p and
        // n - 1 - i <= s; made only where chars[i] differs from chars[i - 1].
        (n.saturating_sub(1 + s).max(1)..=p.min(n - 1)).any(|i| chars[i] != chars[i - 1])
    } else {
        // Insertion of g[i] before chars[i]: g == chars[..i] + g[i] + chars[i..], i.e. i <= p
        // and n - i <= s; made only where g[i] differs from chars[i - 1].
        (n.saturating_sub(s).max(1)..=p.min(n)).any(|i| g[i] != chars[i - 1] && in_alphabet(g[i]))
    }
}

/// The frequent capitalised surface forms of a lexicon grouped by phonetic key: the entity
/// near-miss search looks a query's key up here and tests the few forms listed, instead of
/// making and looking up every same-key variant of the query (about 3,000 strings a query).
/// Built once per lexicon ([`crate::lexicon::Lexicon::name_index`]).
#[derive(Debug, Default)]
pub struct NameIndex {
    by_key: FxHashMap<Box<str>, Vec<(Box<str>, u64)>>,
}

impl NameIndex {
    /// Forms counted fewer times are left out: the near-miss floor is never below this
    /// (`FREQUENT_MIN`, the floor of an implausible respelling's original).
    pub const MIN_COUNT: u64 = FREQUENT_MIN;

    /// The index of `surfaces` (each surface form once, with its count).
    pub fn build<'s>(surfaces: impl IntoIterator<Item = (&'s str, u64)>) -> NameIndex {
        let mut by_key: FxHashMap<Box<str>, Vec<(Box<str>, u64)>> = FxHashMap::default();
        let (mut lower, mut key) = (Vec::new(), String::new());
        for (form, n) in surfaces {
            if n >= Self::MIN_COUNT && is_capitalised(form) {
                phonetic_key_into(form, &mut lower, &mut key);
                by_key.entry(key.as_str().into()).or_default().push((form.into(), n));
            }
        }
        for forms in by_key.values_mut() {
            forms.sort_unstable();
        }
        NameIndex { by_key }
    }

    /// The forms whose phonetic key is `key`, with their counts (sorted by form).
    pub fn get(&self, key: &str) -> &[(Box<str>, u64)] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }

    /// Number of forms indexed.
    pub fn len(&self) -> usize {
        self.by_key.values().map(Vec::len).sum()
    }

    /// True when no form is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

/// `same_key_neighbours`, with `pre` asked first about each variant: `each` sees only those
/// `pre` accepts (a cheap look-up that rules most variants out before their key is computed).
fn same_key_neighbours_where(
    form: &str,
    key: &str,
    mut pre: impl FnMut(&str) -> bool,
    mut each: impl FnMut(&str),
) {
    let chars: Vec<char> = form.chars().collect();
    if chars.len() < 2 {
        return;
    }
    // Byte offset of each character, and the end.
    let at: Vec<usize> = form.char_indices().map(|(i, _)| i).chain([form.len()]).collect();
    let alphabet = variant_alphabet(&chars, key);

    let (mut cand, mut lower, mut ck) = (String::new(), Vec::new(), String::new());
    let mut try_one = |pre_s: &str, mid: Option<char>, post: &str| {
        cand.clear();
        cand.push_str(pre_s);
        if let Some(m) = mid {
            cand.push(m);
        }
        cand.push_str(post);
        if !pre(&cand) {
            return;
        }
        phonetic_key_into(&cand, &mut lower, &mut ck);
        if ck == key {
            each(&cand);
        }
    };
    // The first character stays: changing it changes the key's first letter or the casing. Each
    // string is made once: a deletion or insertion inside a run of one letter only at its start.
    for i in 1..chars.len() {
        if chars[i] != chars[i - 1] {
            try_one(&form[..at[i]], None, &form[at[i + 1]..]);
        }
        for &a in alphabet.iter().filter(|&&a| a != chars[i]) {
            try_one(&form[..at[i]], Some(a), &form[at[i + 1]..]);
        }
    }
    for i in 1..=chars.len() {
        for &a in alphabet.iter().filter(|&&a| a != chars[i - 1]) {
            try_one(&form[..at[i]], Some(a), &form[at[i]..]);
        }
    }
}

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
    fn ascii_keys_match_the_char_rules() {
        let alphabet = b"aAbcCkhpPHvfqzxsyw1-'rt";
        let (mut lower, mut a, mut b) = (Vec::new(), String::new(), String::new());
        let mut rng = crate::test_support::XorShift::new(0x2545_f491_4f6c_dd1d);
        for n in 0..60_000usize {
            let mut w = Vec::new();
            for _ in 0..(n % 9) {
                w.push(alphabet[rng.below(alphabet.len())]);
            }
            let w = String::from_utf8(w).unwrap_or_default();
            phonetic_key_ascii(w.as_bytes(), &mut a);
            phonetic_key_chars(&w, &mut lower, &mut b);
            assert_eq!(a, b, "{w:?}");
        }
    }

    #[test]
    fn keys() {
        assert_eq!(phonetic_key("Peifer"), "PFR");
        assert_eq!(phonetic_key("Piffer"), "PFR");
        assert_eq!(phonetic_key("Pifer"), "PFR");
        assert_eq!(phonetic_key("Zelensky"), phonetic_key("Zelenskyy"));
        assert_eq!(phonetic_key("Stephen"), phonetic_key("Steven"));
        assert_ne!(phonetic_key("Putin"), phonetic_key("Biden"));
        assert_eq!(phonetic_key(""), "");
        assert_eq!(phonetic_key("Ünïcode😀").chars().next(), Some('Ü'));
    }

    #[test]
    fn same_key_neighbours_match_a_levenshtein_search() {
        // Every capitalised, same-key surface a Levenshtein search finds one edit away is made,
        // and everything made is one edit away, once.
        let names = [
            "Kennedy",
            "Kenedy",
            "Kennedi",
            "Kenndy",
            "Stephen",
            "Stephan",
            "Stepen",
            "Steven",
            "Piffer",
            "Pifer",
            "Peifer",
            "Pfeifer",
            "Pifler",
            "Ahmed",
            "Achmed",
            "Ahmad",
            "Müller",
            "Muller",
            "Mueller",
            "Müler",
            "Zelensky",
            "Zelenskyy",
            "Zelenski",
            "Selensky",
            "Chuck",
            "Chuk",
            "Chucky",
            "Phelps",
            "Pelps",
            "Fhelps",
            "Ressa",
            "Rexa",
            "Resa",
            "Jose",
            "José",
            "Jöse",
            "Aaron",
            "Aron",
            "Arron",
            "Ammon",
            "Amon",
            "Axel",
            "Acel",
            "Azel",
            "Asel",
            "Ackel",
        ];
        let mut lex = CountLexicon::new();
        lex.add_text(&names.join(" "));
        for form in names {
            let key = phonetic_key(form);
            let mut made: Vec<String> = Vec::new();
            same_key_neighbours(form, &key, |c| made.push(c.to_string()));
            let n = made.len();
            made.sort();
            made.dedup();
            assert_eq!(n, made.len(), "{form}: duplicates");
            assert!(!made.iter().any(|c| c == form));
            for c in &made {
                assert_eq!(levenshtein_within(form, c, 1), Some(1), "{form} -> {c}");
                assert_eq!(phonetic_key(c), key);
            }
            for (c, _) in lex.near_misses(form, 1) {
                if is_capitalised(&c) && phonetic_key(&c) == key {
                    assert!(made.contains(&c), "{form}: {c} not made");
                }
            }
        }
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

    /// Every string the enumeration makes from `form` (before the key test), and what
    /// [`same_key_neighbours`] hands on.
    fn enumerated(form: &str) -> (std::collections::HashSet<String>, Vec<String>) {
        let key = phonetic_key(form);
        let mut made = std::collections::HashSet::new();
        let mut passed = Vec::new();
        same_key_neighbours_where(
            form,
            &key,
            |c| {
                made.insert(c.to_string());
                true
            },
            |c| passed.push(c.to_string()),
        );
        (made, passed)
    }

    #[test]
    fn is_variant_is_exactly_the_enumeration() {
        // Every string one or two edits from the form (over letters in and out of the
        // alphabet, and at the first position too) is a variant exactly when it is made.
        let letters = ['a', 'e', 'k', 'c', 'q', 'f', 'v', 'p', 'h', 'r', 'n', 'b', 'x', 'z', 'K', 'ü', 'ß'];
        for form in ["Kennedy", "Stephen", "Peifer", "Aaron", "Müller", "Chuck", "Axel", "Ressa", "Ab", "A"]
        {
            let (made, _) = enumerated(form);
            let chars: Vec<char> = form.chars().collect();
            let alphabet = variant_alphabet(&chars, &phonetic_key(form));
            let mut near: std::collections::HashSet<String> = std::collections::HashSet::new();
            let one = |w: &str| {
                let cs: Vec<char> = w.chars().collect();
                let mut out = Vec::new();
                for i in 0..=cs.len() {
                    if i < cs.len() {
                        out.push(cs[..i].iter().chain(&cs[i + 1..]).collect::<String>());
                    }
                    for &l in &letters {
                        out.push(cs[..i].iter().chain([&l]).chain(&cs[i..]).collect::<String>());
                        if i < cs.len() {
                            out.push(cs[..i].iter().chain([&l]).chain(&cs[i + 1..]).collect::<String>());
                        }
                    }
                }
                out
            };
            for w in one(form) {
                near.extend(one(&w));
                near.insert(w);
            }
            near.insert(form.to_string());
            assert!(near.len() > 100);
            for g in &near {
                assert_eq!(is_variant(&chars, &alphabet, g), made.contains(g), "{form} -> {g}");
            }
            // Nothing made is missed by the test either.
            for g in &made {
                assert!(is_variant(&chars, &alphabet, g), "{form} -> {g}");
            }
        }
    }

    #[test]
    fn name_index_agrees_with_the_enumeration_on_the_default_model() {
        // Queries are one-edit variants of the indexed forms themselves (where the index has
        // something to find): for each, the indexed forms `is_variant` picks must be exactly
        // the capitalised variants the enumeration makes that the model counts at least
        // MIN_COUNT times.
        use crate::model::Model;
        let model = Model::embedded();
        let index = model.name_index().expect("the model keeps a name index");
        assert!(index.len() > 200, "{}", index.len());
        let mut forms: Vec<(&str, u64)> = index.by_key.values().flatten().map(|(f, n)| (&**f, *n)).collect();
        forms.sort_unstable();
        for &(f, n) in &forms {
            assert!(is_capitalised(f) && n >= NameIndex::MIN_COUNT && model.surface_count(f) == n);
        }
        let letters: Vec<char> = ('a'..='z').chain(['ä', 'é', 'ö', 'ü', 'ß']).collect();
        let (mut queries, mut found) = (0usize, 0usize);
        for (f, _) in &forms {
            let cs: Vec<char> = f.chars().collect();
            let mut variants: Vec<String> = Vec::new();
            for i in 1..=cs.len() {
                if i < cs.len() {
                    variants.push(cs[..i].iter().chain(&cs[i + 1..]).collect());
                }
                for &l in &letters {
                    variants.push(cs[..i].iter().chain([&l]).chain(&cs[i..]).collect());
                    if i < cs.len() && cs[i] != l {
                        variants.push(cs[..i].iter().chain([&l]).chain(&cs[i + 1..]).collect());
                    }
                }
            }
            for q in variants {
                let key = phonetic_key(&q);
                if !is_capitalised(&q) || key != phonetic_key(f) {
                    continue;
                }
                queries += 1;
                let mut by_enumeration: Vec<String> = Vec::new();
                same_key_neighbours_where(
                    &q,
                    &key,
                    |c| model.surface_count(c) >= NameIndex::MIN_COUNT,
                    |c| {
                        if is_capitalised(c) {
                            by_enumeration.push(c.to_string());
                        }
                    },
                );
                by_enumeration.sort();
                let chars: Vec<char> = q.chars().collect();
                let alphabet = variant_alphabet(&chars, &key);
                let by_index: Vec<String> = index
                    .get(&key)
                    .iter()
                    .filter(|(c, _)| is_variant(&chars, &alphabet, c))
                    .map(|(c, _)| c.to_string())
                    .collect();
                assert_eq!(by_index, by_enumeration, "{q}");
                found += by_index.len();
            }
        }
        // (At the old MIN_COUNT of 100: 264 indexed forms, 20,413 queries, 20,797 forms found.)
        assert!(queries > 2000 && found >= queries, "{queries} queries, {found} found");
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
