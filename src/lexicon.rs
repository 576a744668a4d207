//! What the entity family needs to know about the reference vocabulary, as a trait so the
//! family can be tested on small lexicons and run on the reference model; [`CountLexicon`] is
//! the in-memory implementation counted from plain text.

/// Case-preserving vocabulary statistics of clean reference text.
pub trait Lexicon: Sync {
    /// How often this exact surface form (case kept, e.g. "U.S", "Pifer") occurs in the
    /// reference text; 0 when unseen.
    fn surface_count(&self, surface: &str) -> u64;

    /// [`Lexicon::surface_count`] of each of `surfaces`, written to the same position of `out`
    /// (pairs past the shorter of the two are left alone). The reference model overlaps the
    /// look-ups' cache misses; the answers are the same.
    fn surface_counts(&self, surfaces: &[&str], out: &mut [u64]) {
        for (o, s) in out.iter_mut().zip(surfaces) {
            *o = self.surface_count(s);
        }
    }

    /// How often the normalised form (see [`crate::tokenize::normalize`]) occurs.
    fn normalized_count(&self, norm: &str) -> u64;

    /// Surface forms (case kept) within Levenshtein distance `max_edits` of `surface`, with
    /// their counts, most frequent first. Exact match excluded. Used to find the likely original
    /// of a near miss ("A.S" -> "U.S").
    fn near_misses(&self, surface: &str, max_edits: u32) -> Vec<(String, u64)>;

    /// Total number of tokens the counts were taken from (for turning counts into rates).
    fn total_tokens(&self) -> u64;

    /// How often the bigram of two normalised words occurs in the reference text (0 when unseen
    /// or pruned).
    fn bigram_count(&self, first: &str, second: &str) -> u64;

    /// The capitalised surface forms counted at least [`NameIndex::MIN_COUNT`] times, grouped by
    /// the entity family's phonetic key, with their [`Lexicon::surface_count`]s, when the
    /// lexicon keeps such an index (the reference model builds one at the first call). `None`
    /// (the default) makes the entity family enumerate each query's variants instead, with the
    /// same result.
    fn name_index(&self) -> Option<&NameIndex> {
        None
    }

    /// The lower-case words counted at least [`SlipIndex::MIN_COUNT`] times, indexed for the
    /// misspelling check's one-slip search, when the lexicon keeps such an index (the reference
    /// model builds one at the first call). `None` (the default) makes the check ask
    /// [`Lexicon::near_misses`] instead, with the same result.
    fn slip_index(&self) -> Option<&SlipIndex> {
        None
    }

    /// Letter-trigram counts over the distinct surface forms, when the lexicon keeps them (built
    /// at the first call). `None` (the default) turns off the entity family's implausible-
    /// spelling test, which needs them.
    fn letter_trigrams(&self) -> Option<&LetterTrigrams> {
        None
    }
}

use std::collections::HashMap;
use std::sync::OnceLock;

pub use crate::features::entities::{LetterTrigrams, NameIndex, SlipIndex};
use crate::tokenize::{normalize, tokenize};

/// Levenshtein distance between `a` and `b` counted in characters, or `None` when it exceeds
/// `max`. Runs in `O(len(a) * (2 * max + 1))`, so it is cheap for the small bounds used here.
pub fn levenshtein_within(a: &str, b: &str, max: u32) -> Option<u32> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    levenshtein_within_chars(&a, &b, max as usize, &mut Vec::new()).map(|d| d as u32)
}

/// [`levenshtein_within`] on characters already split, with `rows` as work space (nothing is
/// allocated once it has grown): for callers comparing one form with many.
pub fn levenshtein_within_chars(a: &[char], b: &[char], max: usize, rows: &mut Vec<usize>) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Full DP row by row, but only the band |i - j| <= max is computed; cells outside hold max+1.
    let big = max + 1;
    let w = b.len() + 1;
    rows.clear();
    rows.extend((0..w).map(|j| j.min(big)));
    rows.resize(2 * w, big);
    let (mut prev, mut cur) = rows.split_at_mut(w);
    for i in 1..=a.len() {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(b.len());
        cur.fill(big);
        cur[0] = i.min(big);
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let v = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1).min(big);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// Largest edit distance the deletion index of [`CountLexicon`] answers; larger requests fall
/// back to a scan of all surface forms.
const INDEX_EDITS: u32 = 2;
/// Surface forms longer than this (in characters) are not put in the deletion index; they are
/// almost never entity near misses and would blow up its size.
const INDEX_MAX_CHARS: usize = 24;

/// An in-memory [`Lexicon`] counted from plain text: case-preserving surface forms and their
/// normalised forms, with a deletion-neighbourhood index (as in SymSpell) for near misses.
///
/// Good for tests, small reference vocabularies and tools; the shipped reference model
/// implements [`Lexicon`] from its own on-disk layout.
///
/// ```
/// use spinscore::lexicon::{CountLexicon, Lexicon};
/// let lex = CountLexicon::from_text("The U.S. and the U.K. met. The U.S. agreed.");
/// assert_eq!(lex.surface_count("U.S"), 2);
/// assert_eq!(lex.near_misses("A.S", 1), vec![("U.S".to_string(), 2)]);
/// ```
#[derive(Debug, Default)]
pub struct CountLexicon {
    surfaces: HashMap<String, u64>,
    normalized: HashMap<String, u64>,
    bigrams: HashMap<(String, String), u64>,
    total: u64,
    index: OnceLock<DeletionIndex>,
    letters: OnceLock<LetterTrigrams>,
}

/// Sorted `(hash of a deletion variant, surface id)` pairs, plus the surfaces by id.
#[derive(Debug, Default)]
struct DeletionIndex {
    entries: Vec<(u64, u32)>,
    words: Vec<(String, u64)>,
}

fn hash_str(s: &str) -> u64 {
    // FNV-1a: stable across runs and platforms, fast on short strings.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Every string obtained from `word` by deleting up to `max` characters (including `word`
/// itself), passed to `f` (duplicates possible).
fn deletions(word: &str, max: u32, f: &mut dyn FnMut(&str)) {
    fn rec(chars: &[char], from: usize, left: u32, buf: &mut String, f: &mut dyn FnMut(&str)) {
        if left == 0 {
            return;
        }
        for i in from..chars.len() {
            buf.clear();
            buf.extend(chars[..i].iter().chain(&chars[i + 1..]));
            f(buf);
            let next: Vec<char> = buf.chars().collect();
            let mut b2 = String::new();
            rec(&next, i, left - 1, &mut b2, f);
        }
    }
    f(word);
    let chars: Vec<char> = word.chars().collect();
    let mut buf = String::new();
    rec(&chars, 0, max, &mut buf, f);
}

impl CountLexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Self::default()
    }

    /// A lexicon counted from `text` (see [`CountLexicon::add_text`]).
    pub fn from_text(text: &str) -> Self {
        let mut lex = Self::new();
        lex.add_text(text);
        lex
    }

    /// Counts the words and numbers of `text` with the crate's tokenizer, so surfaces look the
    /// way the entity family sees them ("U.S" without its final dot, "Putin’s").
    pub fn add_text(&mut self, text: &str) {
        let mut prev: Option<String> = None;
        for t in tokenize(text) {
            if t.is_wordlike() {
                let s = t.text(text);
                self.add_surface(s, 1);
                let norm = normalize(s).into_owned();
                if let Some(p) = prev.take() {
                    *self.bigrams.entry((p, norm.clone())).or_insert(0) += 1;
                }
                prev = Some(norm);
            }
        }
    }

    /// Adds `count` occurrences of one surface form.
    pub fn add_surface(&mut self, surface: &str, count: u64) {
        if count == 0 || surface.is_empty() {
            return;
        }
        *self.surfaces.entry(surface.to_string()).or_insert(0) += count;
        *self.normalized.entry(normalize(surface).into_owned()).or_insert(0) += count;
        self.total += count;
        self.index = OnceLock::new();
        self.letters = OnceLock::new();
    }

    /// Number of distinct surface forms.
    pub fn len(&self) -> usize {
        self.surfaces.len()
    }

    /// True when nothing has been counted.
    pub fn is_empty(&self) -> bool {
        self.surfaces.is_empty()
    }

    fn index(&self) -> &DeletionIndex {
        self.index.get_or_init(|| {
            let mut words: Vec<(String, u64)> = self
                .surfaces
                .iter()
                .filter(|(w, _)| w.chars().count() <= INDEX_MAX_CHARS)
                .map(|(w, &c)| (w.clone(), c))
                .collect();
            words.sort_unstable();
            let mut entries = Vec::new();
            for (id, (w, _)) in words.iter().enumerate() {
                let start = entries.len();
                deletions(w, INDEX_EDITS, &mut |d| entries.push((hash_str(d), id as u32)));
                entries[start..].sort_unstable();
                let mut k = start;
                for i in start..entries.len() {
                    if i == start || entries[i] != entries[k - 1] {
                        entries[k] = entries[i];
                        k += 1;
                    }
                }
                entries.truncate(k);
            }
            entries.sort_unstable();
            DeletionIndex { entries, words }
        })
    }
}

impl Lexicon for CountLexicon {
    fn surface_count(&self, surface: &str) -> u64 {
        self.surfaces.get(surface).copied().unwrap_or(0)
    }

    fn normalized_count(&self, norm: &str) -> u64 {
        self.normalized.get(norm).copied().unwrap_or(0)
    }

    fn bigram_count(&self, first: &str, second: &str) -> u64 {
        self.bigrams.get(&(first.to_string(), second.to_string())).copied().unwrap_or(0)
    }

    fn near_misses(&self, surface: &str, max_edits: u32) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = Vec::new();
        if max_edits == 0 || surface.is_empty() {
            return out;
        }
        if max_edits > INDEX_EDITS || surface.chars().count() > INDEX_MAX_CHARS + 2 {
            for (w, &c) in &self.surfaces {
                if w != surface && levenshtein_within(surface, w, max_edits).is_some() {
                    out.push((w.clone(), c));
                }
            }
        } else {
            let idx = self.index();
            let mut ids: Vec<u32> = Vec::new();
            deletions(surface, max_edits, &mut |d| {
                let h = hash_str(d);
                let from = idx.entries.partition_point(|e| e.0 < h);
                ids.extend(idx.entries[from..].iter().take_while(|e| e.0 == h).map(|e| e.1));
            });
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                let (w, c) = &idx.words[id as usize];
                if w != surface && levenshtein_within(surface, w, max_edits).is_some() {
                    out.push((w.clone(), *c));
                }
            }
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    fn total_tokens(&self) -> u64 {
        self.total
    }

    fn letter_trigrams(&self) -> Option<&LetterTrigrams> {
        Some(self.letters.get_or_init(|| LetterTrigrams::build(self.surfaces.keys().map(String::as_str))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_levenshtein_agrees_with_the_full_table() {
        fn full(a: &[char], b: &[char]) -> usize {
            let mut prev: Vec<usize> = (0..=b.len()).collect();
            for (i, ca) in a.iter().enumerate() {
                let mut cur = vec![i + 1; b.len() + 1];
                for (j, cb) in b.iter().enumerate() {
                    cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + usize::from(ca != cb));
                }
                prev = cur;
            }
            prev[b.len()]
        }
        let words = [
            "", "a", "U.S", "A.S.", "U8", "Pifer", "Piffer", "Peifer", "Steven", "Stephen", "Kármán",
            "Karman",
        ];
        let mut rows = Vec::new();
        for a in words {
            for b in words {
                let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let d = full(&ac, &bc);
                for max in 0..4 {
                    let want = (d <= max).then_some(d);
                    assert_eq!(levenshtein_within_chars(&ac, &bc, max, &mut rows), want, "{a:?} {b:?} {max}");
                    assert_eq!(levenshtein_within(a, b, max as u32), want.map(|d| d as u32));
                }
            }
        }
    }

    #[test]
    fn levenshtein_bounds() {
        assert_eq!(levenshtein_within("Peifer", "Piffer", 2), Some(2));
        assert_eq!(levenshtein_within("Peifer", "Piffer", 1), None);
        assert_eq!(levenshtein_within("A.S", "U.S", 1), Some(1));
        assert_eq!(levenshtein_within("", "ab", 2), Some(2));
        assert_eq!(levenshtein_within("abc", "abc", 0), Some(0));
        assert_eq!(levenshtein_within("Zelensky", "Zelenskyy", 1), Some(1));
        assert_eq!(levenshtein_within("kitten", "sitting", 3), Some(3));
        assert_eq!(levenshtein_within("kitten", "sitting", 2), None);
        assert_eq!(levenshtein_within("😀a", "a", 1), Some(1));
    }

    #[test]
    fn counts_surfaces_and_normalised_forms() {
        let lex = CountLexicon::from_text("The U.S. said the US. Putin’s plan, Putin said.");
        assert_eq!(lex.surface_count("U.S"), 1);
        assert_eq!(lex.surface_count("US"), 1);
        assert_eq!(lex.surface_count("the"), 1);
        assert_eq!(lex.normalized_count("the"), 2);
        assert_eq!(lex.surface_count("Putin’s"), 1);
        assert_eq!(lex.normalized_count("putin's"), 1);
        assert_eq!(lex.total_tokens(), 9);
    }

    #[test]
    fn near_misses_match_brute_force() {
        let text = "Pifer Piffer Peifer Pfeiffer paper piper Steven Stephen U.S U.S U.K A.M \
                    Zelensky Zelenskyy Obama Osama ab abc abcd 😀x";
        let lex = CountLexicon::from_text(text);
        for q in ["Pifer", "A.S", "Zelensky", "Obana", "a", "abd", "x", "Stefen", "😀y"] {
            for k in 1..=2 {
                let fast = lex.near_misses(q, k);
                let mut slow: Vec<(String, u64)> = lex
                    .surfaces
                    .iter()
                    .filter(|(w, _)| w.as_str() != q && levenshtein_within(q, w, k).is_some())
                    .map(|(w, &c)| (w.clone(), c))
                    .collect();
                slow.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                assert_eq!(fast, slow, "query {q} k {k}");
            }
        }
        assert_eq!(lex.near_misses("A.S", 1)[0], ("U.S".to_string(), 2));
        assert!(lex.near_misses("Pifer", 0).is_empty());
    }
}
