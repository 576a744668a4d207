//! Misspelled common words: a lower-case word of prose that the reference vocabulary does not
//! know, one typing slip (a letter dropped, added, changed, or two swapped) from a frequent word
//! that fits the words around it ("the goverment said" -> "government", "recieve the" ->
//! "receive"). Character noise of this kind comes from careless rewriting, OCR and tools that
//! perturb letters to hide a copy; edited text has almost none.
//!
//! A real word the reference text lacks ("tonne", "gamers") is not a slip: a word in the
//! English word list ([`Dictionary`]), or the plural of a word it or the reference knows, is
//! left alone. A new word of the language the list lacks
//! too ("tweets", "emailed") is rarely one slip from a frequent word with its first letter kept
//! and fitting the same neighbours: the slip must leave the first letter alone, and the frequent
//! word must form a pair the reference has with the word before or after. British and American
//! spellings of one word are not slips.
//!
//! Work is linear in the document and nothing is asked of words the reference writes: the casing
//! check's batch of counts picks out the unknown ones, and at most [`MAX_QUERIES`] distinct
//! unknown words a document get a (bounded) near-miss search.

use rustc_hash::FxHashMap;

use super::context::{Ctx, FREQUENT_MIN, fact};
use super::{evidence, kinds};
use crate::dictionary::Dictionary;
use crate::features::Evidence;
use crate::spelling::spelling_key;

/// Most distinct unknown words searched for a near miss per document (bounds the work).
pub(super) const MAX_QUERIES: usize = 200;
/// Shortest word examined: a slip in a shorter one usually makes another word.
const MIN_CHARS: usize = 5;
/// Strength of a misspelled word: that of a name variant, less than an obfuscated word. A slip
/// is also what a hurried writer makes, and clean pages hold a few: stronger, one slip would
/// outweigh a page's other evidence (and raise the point past which `entities.max_strength`
/// counts, which spinner templates and obfuscated words rely on).
pub(super) const STRENGTH: f64 = 1.0;

/// Flags the misspelled common words of `ctx` among `unknown`: the lower-case prose words
/// (token indices) whose form the reference never writes, as the casing check finds them.
pub(super) fn find(ctx: &Ctx<'_>, unknown: &[usize], ev: &mut Vec<Evidence>) {
    // Per distinct word: its likely intended word, once decided.
    let mut decided: FxHashMap<&str, Option<(String, u64)>> = FxHashMap::default();
    let mut queries = 0usize;
    for &i in unknown {
        let w = ctx.tok(i);
        if w.len() < MIN_CHARS || !w.bytes().all(|b| b.is_ascii_lowercase()) {
            continue;
        }
        if let Some(None) = decided.get(w) {
            continue; // known, or no slip of a frequent word
        }
        let (prev, next) = (neighbour(ctx, i, false), neighbour(ctx, i, true));
        let hit = match decided.get(w) {
            Some(known) => known.clone(),
            None => {
                let found = if ctx.lex.normalized_count(w) > 0
                    || queries >= MAX_QUERIES
                    || Dictionary::embedded().contains(w)
                    || is_variant_spelling(ctx, w)
                    || is_plural_of_known(ctx, w)
                {
                    None
                } else {
                    queries += 1;
                    intended(ctx, w, prev, next)
                };
                decided.insert(w, found.clone());
                found
            }
        };
        let Some((cand, n)) = hit else { continue };
        // Each occurrence is judged in its own place: the intended word must fit here too.
        if !fits(ctx, &cand, prev, next) {
            continue;
        }
        let t = ctx.toks[i];
        let note = format!(
            "\u{201c}{w}\u{201d} is unknown to the reference, one slip from \u{201c}{cand}\u{201d} ({n}\u{d7}), which fits here"
        );
        ev.push(evidence(kinds::MISSPELLED, t.start(), t.end(), STRENGTH, note, Some(cand)));
    }
}

/// The frequent lower-case words of a lexicon by their one-letter deletions (SymSpell's
/// symmetric delete): two words one slip apart share a deletion, or one is a deletion of the
/// other, so a query looks up its own deletions instead of searching the vocabulary. Built once
/// per lexicon ([`crate::lexicon::Lexicon::slip_index`]).
///
/// The hashes of every word and of each of its deletions are grouped into buckets by their top
/// bits (a counting sort: two passes, no comparisons), about one hash a bucket; a query scans
/// the bucket of each of its own hashes. Equal hashes are what a candidate needs, and every
/// candidate is then checked with `one_slip`, so which words share a bucket changes nothing.
#[derive(Debug, Default)]
pub struct SlipIndex {
    words: Vec<(Box<str>, u64)>,
    /// Bucket of a hash: its [`bucket_bits`] mixed, shifted right by this much.
    shift: u32,
    /// `starts[b]..starts[b + 1]` are bucket `b`'s entries in `hashes` and `ids`.
    starts: Vec<u32>,
    /// Hash of a word or one of its deletions ([`each_deletion`]), by bucket.
    hashes: Vec<u64>,
    /// The word (index into `words`) of each entry of `hashes`.
    ids: Vec<u32>,
}

/// The bits that pick a hash's bucket: `h` mixed (a multiply spreads its low bits upwards), to
/// be shifted right to the bucket count.
#[inline]
fn bucket_bits(h: u64) -> u64 {
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl SlipIndex {
    /// Words counted fewer times are left out (the floor of "frequent").
    pub const MIN_COUNT: u64 = FREQUENT_MIN;

    /// The index of `surfaces` (each surface form once, with its count): its lower-case ASCII
    /// words counted at least [`SlipIndex::MIN_COUNT`] times.
    pub fn build<'s>(surfaces: impl IntoIterator<Item = (&'s str, u64)>) -> SlipIndex {
        let mut words: Vec<(Box<str>, u64)> = surfaces
            .into_iter()
            .filter(|(w, n)| {
                *n >= Self::MIN_COUNT && !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())
            })
            .map(|(w, n)| (w.into(), n))
            .collect();
        words.sort_unstable();
        words.dedup_by(|a, b| a.0 == b.0);
        // Every (hash, word) pair once, then placed bucket by bucket.
        let total: usize = words.iter().map(|(w, _)| w.len() + 1).sum();
        let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(total);
        for (id, (w, _)) in words.iter().enumerate() {
            each_deletion(w, |h| pairs.push((h, id as u32)));
        }
        let bits = total.max(2).next_power_of_two().trailing_zeros();
        let shift = 64 - bits;
        let bucket = |h: u64| (bucket_bits(h) >> shift) as usize;
        let mut starts = vec![0u32; (1usize << bits) + 1];
        for &(h, _) in &pairs {
            starts[bucket(h) + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        let (mut hashes, mut ids) = (vec![0u64; pairs.len()], vec![0u32; pairs.len()]);
        for &(h, id) in &pairs {
            let at = &mut next[bucket(h)];
            hashes[*at as usize] = h;
            ids[*at as usize] = id;
            *at += 1;
        }
        SlipIndex { words, shift, starts, hashes, ids }
    }

    /// The indexed words one slip from `w` (a letter dropped, added or changed, or two
    /// neighbouring letters swapped), with their counts, in index order.
    pub fn slips(&self, w: &str) -> Vec<(&str, u64)> {
        let mut found: Vec<u32> = Vec::new();
        if self.hashes.is_empty() {
            return Vec::new();
        }
        each_deletion(w, |h| {
            let b = (bucket_bits(h) >> self.shift) as usize;
            let (from, to) = (self.starts[b] as usize, self.starts[b + 1] as usize);
            for (&k, &id) in self.hashes[from..to].iter().zip(&self.ids[from..to]) {
                if k == h {
                    found.push(id);
                }
            }
        });
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|id| &self.words[id as usize])
            .filter(|(c, _)| one_slip(w.as_bytes(), c.as_bytes()))
            .map(|(c, n)| (&**c, *n))
            .collect()
    }

    /// Number of words indexed.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when no word is indexed.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Calls `f` with the hash of `w` and of each string made by deleting one of its bytes (in
/// order: `w`, then without byte 0, 1, ...). Each deletion is made from the one before by
/// changing one byte, in a stack buffer for words of up to 65 bytes (deletions of up to 64).
fn each_deletion(w: &str, mut f: impl FnMut(u64)) {
    use std::hash::BuildHasher;
    let hasher = rustc_hash::FxBuildHasher;
    let b = w.as_bytes();
    f(hasher.hash_one(b));
    let Some(last) = b.len().checked_sub(1) else {
        return;
    };
    let mut stack = [0u8; 64];
    let mut long = Vec::new();
    let d: &mut [u8] = if last <= stack.len() {
        &mut stack[..last]
    } else {
        long.resize(last, 0);
        &mut long
    };
    // Without byte 0; then without byte i is without byte i - 1 with b[i - 1] put back at i - 1.
    d.copy_from_slice(&b[1..]);
    f(hasher.hash_one(&*d));
    for i in 1..b.len() {
        d[i - 1] = b[i - 1];
        f(hasher.hash_one(&*d));
    }
}

/// Whether `a` and `b` differ by exactly one slip: one byte dropped, added or changed, or two
/// neighbouring bytes swapped.
pub(crate) fn one_slip(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diff.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => {
            let p = short.iter().zip(long).take_while(|(x, y)| x == y).count();
            short[p..] == long[p + 1..]
        }
        _ => false,
    }
}

/// The lower-case word next to token `i` (after it when `after`) in the same line, if it is one.
fn neighbour<'a>(ctx: &Ctx<'a>, i: usize, after: bool) -> Option<&'a str> {
    let j = if after {
        ctx.next_adjacent(i)?
    } else {
        let j = i.checked_sub(1)?;
        ctx.next_adjacent(j).filter(|&k| k == i).map(|_| j)?
    };
    let w = ctx.tok(j);
    (ctx.has(j, fact::WORD) && w.bytes().all(|b| b.is_ascii_lowercase())).then_some(w)
}

/// Whether the reference has `cand` next to the neighbouring words.
fn fits(ctx: &Ctx<'_>, cand: &str, prev: Option<&str>, next: Option<&str>) -> bool {
    prev.is_some_and(|p| ctx.lex.bigram_count(p, cand) > 0)
        || next.is_some_and(|n| ctx.lex.bigram_count(cand, n) > 0)
}

/// "colour" for "color", "organise" for "organize": a spelling the reference knows in its other
/// form.
fn is_variant_spelling(ctx: &Ctx<'_>, w: &str) -> bool {
    let key = spelling_key(w);
    key != w && ctx.lex.normalized_count(&key) > 0
}

/// "gamers", "borrowings", "boxes": the plural (or third person) of a word the reference or the
/// word list knows. The list leaves some plurals out ("gamer" is in it, "gamers" is not), and an
/// added final "s" is not a slip of the word it inflects. A doubled final "s" ("newss") is not a
/// plural, and "-es" only follows "s", "x", "z", "ch" and "sh".
fn is_plural_of_known(ctx: &Ctx<'_>, w: &str) -> bool {
    let known = |stem: &str| ctx.lex.normalized_count(stem) > 0 || Dictionary::embedded().contains(stem);
    let Some(stem) = w.strip_suffix('s') else { return false };
    if stem.ends_with('s') {
        return false;
    }
    if known(stem) {
        return true;
    }
    stem.strip_suffix('e')
        .is_some_and(|base| ["s", "x", "z", "ch", "sh"].iter().any(|end| base.ends_with(end)) && known(base))
}

/// The frequent word one slip from `w` (first letter kept) that fits its neighbours, the most
/// frequent if several do, with its count.
fn intended(ctx: &Ctx<'_>, w: &str, prev: Option<&str>, next: Option<&str>) -> Option<(String, u64)> {
    let first = w.as_bytes()[0];
    let mut best: Option<(String, u64)> = None;
    let mut consider = |c: &str, n: u64| {
        if n < ctx.frequent
            || c.as_bytes().first() != Some(&first)
            || !c.bytes().all(|b| b.is_ascii_lowercase())
            || best.as_ref().is_some_and(|(b, bn)| n < *bn || (n == *bn && c >= b.as_str()))
            || !fits(ctx, c, prev, next)
        {
            return;
        }
        best = Some((c.to_string(), n));
    };
    if let Some(index) = ctx.lex.slip_index() {
        for (c, n) in index.slips(w) {
            consider(c, n);
        }
        return best;
    }
    // Without an index: deletions, insertions and substitutions, then two neighbouring letters
    // swapped ("recieve"), the first left in place.
    for (c, n) in ctx.lex.near_misses(w, 1) {
        consider(&c, n);
    }
    let mut b = w.as_bytes().to_vec();
    for j in 1..b.len() - 1 {
        if b[j] == b[j + 1] {
            continue;
        }
        b.swap(j, j + 1);
        if let Ok(s) = std::str::from_utf8(&b) {
            consider(s, ctx.count(s));
        }
        b.swap(j, j + 1);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::super::kinds;
    use super::super::test_support::{flags, reference, run};
    use crate::lexicon::CountLexicon;

    /// The entity tests' reference plus frequent words in the contexts the tests use.
    fn lexicon() -> CountLexicon {
        let mut lex = reference();
        for _ in 0..30 {
            lex.add_text("the government would receive the proposals, the color of the sweets was fine. ");
        }
        lex
    }

    #[test]
    fn each_deletion_hashes_the_word_then_each_deletion_in_order() {
        use std::hash::BuildHasher;
        let h = |b: &[u8]| rustc_hash::FxBuildHasher.hash_one(b);
        let long = "abcdefghij".repeat(8);
        for w in ["", "a", "ab", "aab", "goverment", &long[..64], &long[..65], &long] {
            let b = w.as_bytes();
            let want: Vec<u64> = std::iter::once(h(b))
                .chain((0..b.len()).map(|i| h(&[&b[..i], &b[i + 1..]].concat())))
                .collect();
            let mut got = Vec::new();
            super::each_deletion(w, |x| got.push(x));
            assert_eq!(got, want, "{w}");
        }
    }

    #[test]
    fn slip_index_answers_like_a_scan_of_its_words() {
        use super::{SlipIndex, one_slip};
        let long = "abcdefghij".repeat(8);
        let words = [
            "a",
            "b",
            "ab",
            "ba",
            "abc",
            "acb",
            "abd",
            "cat",
            "cut",
            "cats",
            "act",
            "goverment",
            "government",
            "govrenment",
            "aaaa",
            "aaa",
            "aaab",
            &long[..64],
            &long[..65],
            "Cap",
            "x1",
        ];
        let index = SlipIndex::build(words.iter().map(|w| (*w, SlipIndex::MIN_COUNT)));
        let mut indexed: Vec<&str> =
            words.iter().copied().filter(|w| w.bytes().all(|b| b.is_ascii_lowercase())).collect();
        indexed.sort_unstable();
        indexed.dedup();
        assert_eq!(index.len(), indexed.len());
        let long66 = format!("{}x", &long[..65]);
        for q in words.iter().copied().chain(["", "z", "gvernment", "aa", "abcd", &long66]) {
            let want: Vec<(&str, u64)> = indexed
                .iter()
                .filter(|c| one_slip(q.as_bytes(), c.as_bytes()))
                .map(|c| (*c, SlipIndex::MIN_COUNT))
                .collect();
            assert_eq!(index.slips(q), want, "{q}");
        }
        assert!(SlipIndex::build(std::iter::empty()).slips("cat").is_empty());
        assert!(SlipIndex::default().slips("cat").is_empty());
    }

    #[test]
    fn one_slip_is_one_edit_or_one_swap() {
        use super::one_slip;
        let yes = [
            ("goverment", "government"),
            ("recieve", "receive"),
            ("cat", "cut"),
            ("cat", "cats"),
            ("at", "a"),
        ];
        for (a, b) in yes {
            assert!(one_slip(a.as_bytes(), b.as_bytes()) && one_slip(b.as_bytes(), a.as_bytes()), "{a} {b}");
        }
        let no = [
            ("cat", "cat"),
            ("cat", "dog"),
            ("abcd", "badc"),
            ("cat", "act "),
            ("form", "from "),
            ("ab", "abcd"),
        ];
        for (a, b) in no {
            assert!(!one_slip(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
    }

    #[test]
    fn slip_index_finds_what_near_misses_and_swaps_find_on_the_default_model() {
        use super::SlipIndex;
        use crate::lexicon::Lexicon;
        let m = crate::model::Model::embedded();
        let index = m.slip_index().unwrap();
        assert!(index.len() > 5_000, "{}", index.len());
        for w in
            ["goverment", "recieve", "teh", "officals", "presdient", "wolrd", "hte", "minsiter", "xqzv", "a"]
        {
            let mut want: Vec<(String, u64)> = m
                .near_misses(w, 1)
                .into_iter()
                .chain((0..w.len().saturating_sub(1)).filter_map(|j| {
                    let mut b = w.as_bytes().to_vec();
                    b.swap(j, j + 1);
                    let c = String::from_utf8(b).ok()?;
                    (c != w).then(|| (c.clone(), m.surface_count(&c)))
                }))
                .filter(|(c, n)| *n >= SlipIndex::MIN_COUNT && c.bytes().all(|b| b.is_ascii_lowercase()))
                .collect();
            want.sort();
            want.dedup();
            let mut got: Vec<(String, u64)> =
                index.slips(w).into_iter().map(|(c, n)| (c.to_string(), n)).collect();
            got.sort();
            assert_eq!(got, want, "{w}");
        }
    }

    #[test]
    fn slips_in_common_words_are_flagged_with_the_intended_word() {
        let lex = lexicon();
        let text = "The officials said that the goverment would meet the Russian officials in \
                    Geneva, and the officials said they would recieve the proposals there.";
        let out = run(&lex, text);
        let f = flags(text, &out.evidence);
        let slips: Vec<_> = f.iter().filter(|x| x.0 == kinds::MISSPELLED).collect();
        assert!(slips.iter().any(|x| x.1 == "goverment" && x.2 == Some("government")), "{f:?}");
        assert!(slips.iter().any(|x| x.1 == "recieve" && x.2 == Some("receive")), "{f:?}");
        assert_eq!(slips.len(), 2, "{f:?}");
    }

    #[test]
    fn plurals_of_known_words_are_not_slips() {
        let mut lex = lexicon();
        for _ in 0..30 {
            lex.add_text("the borrowing of the bank rose, and the church of the town and the news of it. ");
        }
        // "borrowings" is "borrowing" with an "s" added: a plural, not a slip; "churches"
        // likewise. A doubled final "s" is still a slip.
        let text = "The officials said that the borrowings of the bank rose, and the churches of \
                    the town met.";
        let out = run(&lex, text);
        assert!(flags(text, &out.evidence).iter().all(|x| x.0 != kinds::MISSPELLED), "{:?}", out.evidence);
        let text = "The officials said that the newss of the bank rose.";
        let out = run(&lex, text);
        let f = flags(text, &out.evidence);
        assert!(f.iter().any(|x| x.0 == kinds::MISSPELLED && x.1 == "newss"), "{f:?}");
    }

    #[test]
    fn new_words_variants_and_names_stay_quiet() {
        let lex = lexicon();
        // An unknown word with no frequent neighbour, a slip in the first letter ("tweets" is
        // not "sweets"), a British spelling of a known word, a capitalised name, a frequent word
        // that does not fit its neighbours, and a headline are not slips.
        let text = "The officials said that the zorblax would meet the Russian officials in \
                    Geneva, and the officials said the tweets and the colour of the talks were \
                    Goverment matters. The officials said that it will be a governmet.\n\
                    Officials meet goverment";
        let out = run(&lex, text);
        let f = flags(text, &out.evidence);
        assert!(f.iter().all(|x| x.0 != kinds::MISSPELLED), "{f:?}");
    }
}
