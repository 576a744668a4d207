//! Which documents of a batch are versions of one story.
//!
//! Each document's anchors (the names and numbers a spinner keeps, and for a text with few names
//! its rare words too) are weighted by rarity in the reference text; MinHash signatures over
//! them, bucketed by band, give candidate pairs in time near-linear in the batch; a pair is kept
//! when its anchors are alike by weighted Jaccard and the two share a sentence; union-find makes
//! the clusters.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::align::{AlignScratch, MAX_CANDIDATE_POSTINGS, POSTINGS_RESERVE, Postings, best_aligned, overlap};
use super::{Member, fnv1a, is_function_word, mix, sentence_starts, stem};
use crate::lexicon::Lexicon;
use crate::tokenize::{TokenKind, normalize_with};

/// Tuning of clustering.
pub(super) const MINHASHES: usize = 32;
pub(super) const ROWS_PER_BAND: usize = 2;
/// Bands of a signature.
pub(super) const BANDS: usize = MINHASHES / ROWS_PER_BAND;
pub(super) const MAX_ANCHORS: usize = 256;
pub(super) const MAX_BUCKET: usize = 64;
/// Weighted Jaccard of anchor sets at or above which two documents tell the same story.
pub const SAME_STORY: f64 = 0.3;
/// Two versions of a story share at least this many anchors: short unrelated documents with a
/// handful of anchors can pass [`SAME_STORY`] on two or three rare words ("switched", "lights").
pub(super) const MIN_SHARED: usize = 4;
/// Names rarer than this many per million tokens of reference text count as anchors.
pub(super) const ANCHOR_PER_MILLION: f64 = 100.0;
/// Lower-case words rarer than this many per million tokens count as word anchors
/// ([`Anchors::words`]).
pub(super) const WORD_ANCHOR_PER_MILLION: f64 = 10.0;
/// Documents with fewer names and numbers than this get word anchors too.
pub(super) const WORD_ANCHORS_BELOW: usize = 16;
/// Two versions of a story have at least one pair of sentences whose content words overlap
/// this much (Jaccard). Different stories about one event or topic share names ("Clarke",
/// "Belmarsh"; "Jesus", "Bible"), not sentences: on the dev BBC originals their best sentence
/// pairs reach 0.18-0.22, while the seeds' weakest version has 0.50 and generated garblings
/// (half the words spun) 0.71 or more.
pub(super) const SAME_VERSION_SENTENCE: f64 = 0.35;
/// Sentences with fewer content words than this ("Show More", datelines) are not compared.
pub(super) const MIN_SENTENCE_WORDS: usize = 3;

/// A document's anchors, two ways: each a set of (hash, weight), sorted by hash, at most 256
/// (the rarest), weighted by rarity in the reference text.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    /// What a spinner keeps: names (capitalised words that are not sentence-initial and not
    /// common words) and numbers as written.
    pub names: Vec<(u64, f64)>,
    /// The names and numbers with the document's rare lower-case words ([`Anchors::words`]);
    /// empty when they would be the names alone.
    with_words: Vec<(u64, f64)>,
}

impl Anchors {
    /// The names and numbers with the document's rare lower-case words (five letters or more,
    /// under 10 per million words of reference text): what a light edit or a round trip keeps
    /// of a text with few names (fiction, essays), where the names alone cannot tell its
    /// versions. The names alone in a document with 16 of them or more.
    pub fn words(&self) -> &[(u64, f64)] {
        if self.with_words.is_empty() { &self.names } else { &self.with_words }
    }

    /// How alike two documents' anchors are: the larger of the two sets' rarity-weighted
    /// Jaccard similarities.
    pub fn similarity(&self, other: &Anchors) -> f64 {
        weighted_jaccard(&self.names, &other.names).max(weighted_jaccard(self.words(), other.words()))
    }

    /// Whether two documents may tell one story: either set at least [`SAME_STORY`] alike, with
    /// at least [`MIN_SHARED`] anchors in common.
    fn same_story(&self, other: &Anchors) -> bool {
        let close = |a: &[(u64, f64)], b: &[(u64, f64)]| {
            weighted_jaccard(a, b) >= SAME_STORY && shared(a, b) >= MIN_SHARED
        };
        close(&self.names, &other.names) || close(self.words(), other.words())
    }
}

/// A document's [`Anchors`]. Word anchors are looked for only in a document with fewer than 16
/// names and numbers: the versions of one with more share enough names to be found by them.
pub fn anchors(lex: &dyn Lexicon, m: &Member<'_>) -> Anchors {
    let total = lex.total_tokens().max(1) as f64;
    let starts = sentence_starts(m);
    let mut seen: FxHashMap<u64, f64> = FxHashMap::default();
    let mut common: FxHashSet<u64> = FxHashSet::default();
    // Normalised forms are written here (a capitalised word always changes: no allocation).
    let mut buf = String::new();
    // The weight of a word type rarer than `per_million`, or `None` (remembered in `common`):
    // a type is looked up once, its weight depending on the type alone.
    let rare = |n: &str, key: u64, per_million: f64, common: &mut FxHashSet<u64>| {
        let c = lex.normalized_count(n) as f64;
        if c * 1e6 / total > per_million {
            common.insert(key);
            return None;
        }
        Some((total / (c + 1.0)).ln().max(1.0))
    };
    for (i, t) in m.tokens.iter().enumerate() {
        let s = t.text(m.text);
        let (key, weight) = match t.kind {
            // Numbers as written (not folded): dates, sums, counts.
            // Short numbers ("12") recur across unrelated texts; long ones ("1.13bn", "3:35",
            // "2035") identify a story.
            TokenKind::Number if s.len() >= 2 => {
                (fnv1a(s), (2.0 + 2.0 * s.len() as f64).min((total / 10.0).ln()))
            }
            // Words of one or two letters ("Af", a formula placeholder many learned texts
            // share; initials) say nothing about which story a text tells.
            // (The three tests are pure: the cheapest, most selective first.)
            TokenKind::Word
                if s.chars().next().is_some_and(char::is_uppercase)
                    && !starts[i]
                    && s.chars().nth(2).is_some() =>
            {
                let n = normalize_with(stem(s), &mut buf);
                let key = fnv1a(n);
                if seen.contains_key(&key) || common.contains(&key) {
                    continue;
                }
                let Some(w) = rare(n, key, ANCHOR_PER_MILLION, &mut common) else { continue };
                (key, w)
            }
            _ => continue,
        };
        seen.insert(key, weight);
    }
    let rarest = |mut v: Vec<(u64, f64)>| {
        if v.len() > MAX_ANCHORS {
            // keep the rarest; ties by hash for determinism
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(MAX_ANCHORS);
        }
        v.sort_by_key(|a| a.0);
        v
    };
    let names = rarest(seen.iter().map(|(&k, &w)| (k, w)).collect());
    if names.len() >= WORD_ANCHORS_BELOW {
        return Anchors { names, with_words: Vec::new() };
    }
    // Lower-case words of five letters or more that the reference text rarely has (a word
    // also written as a name counts once, as the name).
    let mut common_words: FxHashSet<u64> = FxHashSet::default();
    for t in m.tokens {
        let s = t.text(m.text);
        if t.kind != TokenKind::Word || s.len() < 5 || !s.chars().next().is_some_and(char::is_lowercase) {
            continue;
        }
        let n = normalize_with(stem(s), &mut buf);
        let key = fnv1a(n);
        if seen.contains_key(&key) || common_words.contains(&key) {
            continue;
        }
        if let Some(w) = rare(n, key, WORD_ANCHOR_PER_MILLION, &mut common_words) {
            seen.insert(key, w);
        }
    }
    Anchors { names, with_words: rarest(seen.into_iter().collect()) }
}

/// How alike two documents' anchors are ([`Anchors::similarity`], what clustering thresholds).
pub fn similarity(lex: &dyn Lexicon, a: &Member<'_>, b: &Member<'_>) -> f64 {
    anchors(lex, a).similarity(&anchors(lex, b))
}

/// Rarity-weighted overlap coefficient: shared anchor weight over the smaller set's weight.
pub fn weighted_overlap(a: &[(u64, f64)], b: &[(u64, f64)]) -> f64 {
    let wa: f64 = a.iter().map(|x| x.1).sum();
    let wb: f64 = b.iter().map(|x| x.1).sum();
    let j = weighted_jaccard(a, b);
    // inter = j * union and union = wa + wb - inter  =>  inter = j (wa + wb) / (1 + j)
    let inter = j * (wa + wb) / (1.0 + j);
    if wa.min(wb) > 0.0 { inter / wa.min(wb) } else { 0.0 }
}

/// Number of anchors two sorted anchor sets have in common.
pub(super) fn shared(a: &[(u64, f64)], b: &[(u64, f64)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    n
}

pub(super) fn weighted_jaccard(a: &[(u64, f64)], b: &[(u64, f64)]) -> f64 {
    let (mut i, mut j) = (0, 0);
    let (mut inter, mut union) = (0.0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Equal => {
                inter += a[i].1;
                union += a[i].1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                union += a[i].1;
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                union += b[j].1;
                j += 1;
            }
        }
    }
    union += a[i..].iter().map(|x| x.1).sum::<f64>() + b[j..].iter().map(|x| x.1).sum::<f64>();
    if union > 0.0 { inter / union } else { 0.0 }
}

pub(super) fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Joins the sets of `a` and `b` in a union-find forest; the lower-numbered root stays the root.
pub(super) fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    parent[ra.max(rb)] = ra.min(rb);
}

/// [`find`] over a union-find forest kept as a map (absent = its own root), halving paths.
pub(super) fn find_in(parent: &mut FxHashMap<usize, usize>, mut x: usize) -> usize {
    while let Some(&p) = parent.get(&x) {
        let Some(&g) = parent.get(&p) else { return p };
        parent.insert(x, g);
        x = g;
    }
    x
}

/// The MinHash signature of an anchor set.
pub(super) fn signature(set: &[(u64, f64)]) -> Vec<u64> {
    (0..MINHASHES)
        .map(|k| {
            set.iter()
                .map(|(h, _)| mix(h ^ (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)))
                .min()
                .unwrap_or(0)
        })
        .collect()
}

/// A document's story keys for [`crate::batching::plan`]: the bands of its anchor sets' MinHash
/// signatures, as [`cluster`] buckets them (truncated to 32 bits), computed on the whole text.
/// Documents sharing a key are candidate versions of one story. The names' bands come first and
/// the words' after them ([`Anchors`]), each at a fixed place, since `plan` matches keys band by
/// band; a document with words but too few names holds keys of its own text in the names'
/// places (equal only for a copy of it). Empty when the document has too few anchors to tell
/// its story.
pub fn story_bands(lex: &dyn Lexicon, text: &str) -> Vec<u32> {
    let mut tokens = crate::tokenize::tokenize(text);
    crate::links::fold_links(text, &mut tokens);
    let sentences = crate::segment::sentences(text, &tokens);
    let m = Member { text, tokens: &tokens, sentences: &sentences, disfluency: None, roundtrip: None };
    let sigs = signatures(&anchors(lex, &m));
    let mut out: Vec<u32> = Vec::with_capacity(2 * BANDS);
    for (kind, sig) in &sigs {
        if *kind == 1 && out.is_empty() {
            let own = fnv1a(text);
            out.extend((0..BANDS as u64).map(|b| mix(own ^ b) as u32));
        }
        out.extend(band_keys(*kind, sig).map(|k| k as u32));
    }
    out
}

/// A MinHash signature with the kind of anchor set it is of (0 names, 1 words).
pub(super) type Signature = (u64, Vec<u64>);

/// The MinHash signatures of a document's anchor sets that have enough anchors to tell a
/// story (five), each with its kind (0 names, 1 words); the words' only when they add to the
/// names.
pub(super) fn signatures(a: &Anchors) -> Vec<Signature> {
    let mut out = Vec::with_capacity(2);
    if a.names.len() >= 5 {
        out.push((0, signature(&a.names)));
    }
    if a.words().len() >= 5 && a.words().len() > a.names.len() {
        out.push((1, signature(a.words())));
    }
    out
}

/// The bucket keys of a signature's bands, distinct per kind of anchor set.
pub(super) fn band_keys(kind: u64, sig: &[u64]) -> impl Iterator<Item = u64> + '_ {
    sig.chunks(ROWS_PER_BAND).map(move |rows| mix(band_key(rows) ^ kind))
}

/// The bucket key of one band of a signature.
pub(super) fn band_key(rows: &[u64]) -> u64 {
    rows.iter().fold(0u64, |acc, r| mix(acc ^ r))
}

/// Groups the members into story clusters; returns, per member, the index of its cluster's
/// first member (`None` when it has no other version in the batch).
pub fn cluster(lex: &dyn Lexicon, members: &[Option<Member<'_>>]) -> Vec<Option<usize>> {
    cluster_with_anchors(lex, members).0
}

pub(super) fn cluster_with_anchors(
    lex: &dyn Lexicon,
    members: &[Option<Member<'_>>],
) -> (Vec<Option<usize>>, Vec<Anchors>) {
    // Anchors and signatures are per document: computed in parallel, used in input order.
    let (sets, sigs): (Vec<Anchors>, Vec<Vec<Signature>>) = members
        .par_iter()
        .map(|m| {
            let set = m.as_ref().map(|m| anchors(lex, m)).unwrap_or_default();
            let sigs = signatures(&set);
            (set, sigs)
        })
        .unzip();
    let mut buckets: FxHashMap<(usize, u64), Vec<usize>> = FxHashMap::default();
    for (i, sigs) in sigs.iter().enumerate() {
        for (kind, sig) in sigs {
            for (band, key) in band_keys(*kind, sig).enumerate() {
                buckets.entry((band, key)).or_default().push(i);
            }
        }
    }
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for docs in buckets.values() {
        if docs.len() < 2 || docs.len() > MAX_BUCKET {
            continue;
        }
        for (x, &a) in docs.iter().enumerate() {
            for &b in &docs[x + 1..] {
                candidates.push((a.min(b), a.max(b)));
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let candidates: Vec<(usize, usize)> =
        candidates.into_par_iter().filter(|&(a, b)| sets[a].same_story(&sets[b])).collect();
    // Sentence content words of the documents that still have a candidate (usually few).
    let mut involved: Vec<usize> = candidates.iter().flat_map(|&(a, b)| [a, b]).collect();
    involved.sort_unstable();
    involved.dedup();
    let computed: Vec<SentenceWords> = involved
        .par_iter()
        .map(|&i| members[i].as_ref().map(|m| sentence_words(lex, m)).unwrap_or_default())
        .collect();
    let mut words: Vec<SentenceWords> = vec![Vec::new(); members.len()];
    for (&i, w) in involved.iter().zip(computed) {
        words[i] = w;
    }
    // Clusters are the connected parts of the graph of candidate pairs that share a sentence
    // version. A pair whose documents are already joined needs no check (the edge would change
    // nothing): the pairs are checked in order within each connected part of the candidate
    // graph, the parts in parallel; the result does not depend on the order.
    let mut parent: Vec<usize> = (0..members.len()).collect();
    for &(a, b) in &candidates {
        union(&mut parent, a, b);
    }
    let mut parts: FxHashMap<usize, Vec<(usize, usize)>> = FxHashMap::default();
    for &(a, b) in &candidates {
        parts.entry(find(&mut parent, a)).or_default().push((a, b));
    }
    let mut parts: Vec<Vec<(usize, usize)>> = parts.into_values().collect();
    parts.sort_unstable();
    let joined: Vec<Vec<(usize, usize)>> = parts
        .into_par_iter()
        .map(|edges| {
            let mut local: FxHashMap<usize, usize> = FxHashMap::default();
            let mut kept = Vec::new();
            for (a, b) in edges {
                let (ra, rb) = (find_in(&mut local, a), find_in(&mut local, b));
                if ra != rb && shares_a_version(&words[a], &words[b]) {
                    local.insert(ra.max(rb), ra.min(rb));
                    kept.push((a, b));
                }
            }
            kept
        })
        .collect();
    let mut parent: Vec<usize> = (0..members.len()).collect();
    for (a, b) in joined.into_iter().flatten() {
        union(&mut parent, a, b);
    }
    let roots: Vec<usize> = (0..members.len()).map(|i| find(&mut parent, i)).collect();
    let mut size: FxHashMap<usize, usize> = FxHashMap::default();
    for &r in &roots {
        *size.entry(r).or_default() += 1;
    }
    (roots.iter().map(|&r| (size[&r] > 1).then_some(r)).collect(), sets)
}

/// Per sentence, the hashes of its distinct content words (sorted); sentences with fewer than
/// [`MIN_SENTENCE_WORDS`] are left out.
pub(super) type SentenceWords = Vec<Vec<u64>>;

/// The [`SentenceWords`] of `m`.
///
/// Each sentence's content words are its normalised word tokens less function words, since two
/// sentences sharing "the", "of" and "said" are not versions of each other. Words are normalised
/// into one reused buffer, and the function-word test (a reference look-up) is asked once per
/// word type of the member, remembered by the word's hash.
pub(super) fn sentence_words(lex: &dyn Lexicon, m: &Member<'_>) -> SentenceWords {
    let mut buf = String::new();
    // Sized for a text's usual share of distinct words (about one token in two, up to
    // [`POSTINGS_RESERVE`]), not grown from empty.
    let mut function: FxHashMap<u64, bool> =
        FxHashMap::with_capacity_and_hasher((m.tokens.len() / 2).min(POSTINGS_RESERVE), Default::default());
    m.sentences
        .iter()
        .filter_map(|s| {
            let toks = m.tokens.get(s.first..s.last)?;
            let mut v: Vec<u64> = Vec::with_capacity(toks.len());
            for t in toks.iter().filter(|t| t.is_wordlike()) {
                let w = normalize_with(t.text(m.text), &mut buf);
                let h = fnv1a(w);
                if !*function.entry(h).or_insert_with(|| is_function_word(lex, w)) {
                    v.push(h);
                }
            }
            v.sort_unstable();
            v.dedup();
            (v.len() >= MIN_SENTENCE_WORDS).then_some(v)
        })
        .collect()
}

/// The best content-word Jaccard over the pairs of a sentence of `a` and one of `b` that share
/// a word at most [`MAX_CANDIDATE_POSTINGS`] sentences of `b` use (0 when there is none): every
/// pair when `b` has no more sentences than that: [`best_aligned`] of each sentence of `a`.
/// Clustering asks only whether it reaches [`SAME_VERSION_SENTENCE`] ([`shares_a_version`]).
#[cfg(test)]
pub(super) fn sentence_support(a: &SentenceWords, b: &SentenceWords) -> f64 {
    let index = Postings::build(b.iter().map(Vec::as_slice));
    let mut scratch = AlignScratch::new(b.len());
    a.iter()
        .filter_map(|s| best_aligned(s, |k| &b[k], &index, &mut scratch))
        .fold(0.0, |best, (o, _)| best.max(o))
}

/// Whether `sentence_support(a, b)` reaches [`SAME_VERSION_SENTENCE`]: some candidate pair of
/// sentences does, so the first one found answers.
///
/// Versions of a story mostly keep their sentences in order, so the pairs at the same place
/// are tried first, by a merge each, before `b` is indexed: when `b` has no more than
/// [`MAX_CANDIDATE_POSTINGS`] sentences, any pair sharing a word is a candidate, and a pair
/// reaching the threshold shares one. Clustering checks about one pair of versions per member
/// of a cluster; most of them answer at their first sentence.
pub(super) fn shares_a_version(a: &SentenceWords, b: &SentenceWords) -> bool {
    if b.len() <= MAX_CANDIDATE_POSTINGS
        && a.iter().zip(b).any(|(x, y)| overlap(x, y) >= SAME_VERSION_SENTENCE)
    {
        return true;
    }
    let index = Postings::build(b.iter().map(Vec::as_slice));
    let mut scratch = AlignScratch::new(b.len());
    a.iter().any(|s| {
        best_aligned(s, |k| &b[k], &index, &mut scratch).is_some_and(|(o, _)| o >= SAME_VERSION_SENTENCE)
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{A, B, Flat, random_sets, run};
    use super::*;
    use crate::segment::{SentenceSpan, sentences};
    use crate::test_support::XorShift;
    use crate::tokenize::{Token, tokenize};

    /// Another story about the same event: the same names and numbers, none of the sentences.
    const FOLLOW_UP: &str = "Steven Pifer spent the weekend with students at Stanford discussing arms control. Ukraine was his theme. NATO members, he argued, should listen more. Russian diplomats arriving in Geneva face a long January. Senior staff expect U.S. envoys by the 10th.";

    const NAMELESS: &str = "He walked slowly through the silent meadow toward the crumbling stone wall. The pockets of his jacket bulged with heavy grenades. A sudden decisiveness seized him near the ancient chestnut tree. He stumbled twice before reaching the narrow wooden bridge.";
    const NAMELESS_EDITED: &str = "He walked slowly through the silent meadow toward the crumbling stone wall. The pockets of his coat bulged with weighty grenades. A sudden decisiveness seized him near the ancient chestnut tree. He stumbled twice before reaching the narrow wooden bridge.";
    const NAMELESS_OTHER: &str = "Fresh bread rises best in a warm kitchen corner overnight. Bakers prefer coarse flour and patient kneading. Butter should soften before folding into layers. Ovens need steady heat.";

    #[test]
    fn versions_of_a_text_without_names_cluster_by_their_rare_words() {
        let r = run(&[NAMELESS, NAMELESS_OTHER, NAMELESS_EDITED]);
        let c: Vec<_> =
            r.iter().map(|x| x.as_ref().unwrap().cluster.as_ref().map(|c| (c.first, c.size))).collect();
        assert_eq!(c, [Some((0, 2)), None, Some((0, 2))]);
        let toks = tokenize(NAMELESS);
        let sents = sentences(NAMELESS, &toks);
        let m =
            Member { text: NAMELESS, tokens: &toks, sentences: &sents, disfluency: None, roundtrip: None };
        let a = anchors(&Flat, &m);
        assert!(a.names.is_empty() && a.words().len() >= 10, "{a:?}");
    }

    #[test]
    fn story_keys_of_word_anchors_sit_at_the_same_places_with_or_without_names() {
        // The same text with five names added: names' keys only in the second, words' keys in
        // both, where `plan` can match them.
        let named = format!("{NAMELESS} They met Alderton, Birchley, Cedarwick, Dunmore and Elsworth there.");
        let (a, b) = (story_bands(&Flat, NAMELESS), story_bands(&Flat, &named));
        assert_eq!((a.len(), b.len()), (2 * BANDS, 2 * BANDS));
        assert!((0..BANDS).all(|i| a[i] != b[i]));
        assert!((BANDS..2 * BANDS).any(|i| a[i] == b[i]), "{a:?} {b:?}");
        assert!(story_bands(&Flat, "Too short.").is_empty());
    }

    #[test]
    fn a_document_with_many_names_gets_no_word_anchors() {
        let text = format!(
            "They met Alderton, Birchley, Cedarwick, Dunmore, Elsworth, Fairbank, Glenrothes, Hartwell, \
             Ingleby, Jarrow, Kesteven, Lydford, Marlow, Netherby, Oakham, Pershore, Quarley, Rushden, \
             Selby and Thirsk. {NAMELESS}"
        );
        let toks = tokenize(&text);
        let sents = sentences(&text, &toks);
        let m = Member { text: &text, tokens: &toks, sentences: &sents, disfluency: None, roundtrip: None };
        let a = anchors(&Flat, &m);
        assert!(a.names.len() >= WORD_ANCHORS_BELOW);
        assert_eq!(a.words(), a.names);
    }

    #[test]
    fn same_names_without_a_shared_sentence_are_different_stories() {
        let r = run(&[A, FOLLOW_UP]);
        assert!(r.iter().all(|x| x.as_ref().unwrap().cluster.is_none()));
        // The anchors alone would have joined them.
        let toks: Vec<Vec<Token>> = [A, FOLLOW_UP].iter().map(|t| tokenize(t)).collect();
        let sents: Vec<Vec<SentenceSpan>> =
            [A, FOLLOW_UP].iter().zip(&toks).map(|(t, k)| sentences(t, k)).collect();
        let m = |i: usize| Member {
            text: [A, FOLLOW_UP][i],
            tokens: &toks[i],
            sentences: &sents[i],
            disfluency: None,
            roundtrip: None,
        };
        let (a, b) = (anchors(&Flat, &m(0)), anchors(&Flat, &m(1)));
        assert!(a.same_story(&b));
        let (wa, wb) = (sentence_words(&Flat, &m(0)), sentence_words(&Flat, &m(1)));
        assert!(sentence_support(&wa, &wb) < SAME_VERSION_SENTENCE);
        let wc = sentence_words(
            &Flat,
            &Member {
                text: B,
                tokens: &tokenize(B),
                sentences: &sentences(B, &tokenize(B)),
                disfluency: None,
                roundtrip: None,
            },
        );
        assert!(sentence_support(&wa, &wc) >= SAME_VERSION_SENTENCE);
    }

    #[test]
    fn sentence_support_is_the_best_sentence_jaccard() {
        let a: SentenceWords = vec![vec![1, 2, 3, 4], vec![7, 8, 9]];
        let b: SentenceWords = vec![vec![1, 2, 5], vec![7, 8, 9, 10]];
        // {7,8,9} against {7,8,9,10}: 3/4; {1,2,3,4} against {1,2,5}: 2/5.
        assert!((sentence_support(&a, &b) - 0.75).abs() < 1e-12);
        assert_eq!(sentence_support(&a, &Vec::new()), 0.0);
        assert_eq!(sentence_support(&Vec::new(), &b), 0.0);
    }

    #[test]
    fn shares_a_version_is_sentence_support_at_the_threshold() {
        let mut rng = XorShift::new(13);
        let mut seen = [0usize; 2];
        for round in 0..300 {
            // Small vocabularies make common words and pairs at the threshold; more than 64
            // sentences leave the same-place pairs untried.
            let vocab = [20, 200, 1000][round % 3];
            let (na, nb) = ([5, 40, 90][round % 3], [8, 50, 70][(round / 3) % 3]);
            let wide = |v: Vec<Vec<u32>>| -> SentenceWords {
                v.into_iter().map(|s| s.into_iter().map(|x| u64::from(x) * 0x9e37_79b9).collect()).collect()
            };
            let a = wide(random_sets(&mut rng, na, vocab));
            let b = wide(random_sets(&mut rng, nb, vocab));
            let want = sentence_support(&a, &b) >= SAME_VERSION_SENTENCE;
            assert_eq!(shares_a_version(&a, &b), want, "round {round}");
            seen[usize::from(want)] += 1;
        }
        // Both answers come up.
        assert!(seen[0] > 20 && seen[1] > 20, "{seen:?}");
    }

    #[test]
    fn map_forest_finds_roots_and_halves_paths() {
        let mut parent: FxHashMap<usize, usize> = [(9, 7), (7, 4), (4, 2), (2, 0)].into_iter().collect();
        assert_eq!(find_in(&mut parent, 9), 0);
        assert_eq!(find_in(&mut parent, 3), 3);
        assert_eq!(find_in(&mut parent, 0), 0);
        // 9 now points at least two steps further up.
        assert!(matches!(parent.get(&9), Some(&4) | Some(&2) | Some(&0)));
        assert_eq!(find_in(&mut parent, 7), 0);
    }
}
