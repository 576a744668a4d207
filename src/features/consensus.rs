//! Story clusters: the versions of one story in a batch, and how far each deviates from what the
//! other versions agree on.
//!
//! Clustering keys on what spinners keep (names, numbers, rare words): each document's "anchor"
//! set is its rarest word types and its numbers, weighted by rarity in the reference model.
//! MinHash signatures over anchors, banded LSH for candidate pairs (near-linear in batch size),
//! then weighted Jaccard on the anchor sets decides; union-find makes clusters.
//!
//! Within a cluster every member is compared with the others: words and bigrams no other version
//! has, bigrams that neither the other versions nor the reference model attest, and entity
//! spellings that differ from the spelling most versions use ("A.S." where the others have
//! "U.S."). A fluent independent rewrite differs from the others too, but in attested English;
//! a spun copy differs in unattested word pairs.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::entities::one_slip;
use super::{Evidence, Family, FamilyOutput, Feature};
use crate::lexicon::Lexicon;
use crate::metrics::median;
use crate::segment::SentenceSpan;
use crate::synonyms::Synonyms;
use crate::tokenize::{Token, TokenKind, normalize, normalize_with};

/// A document taking part in clustering.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// Its text.
    pub text: &'a str,
    /// Its content tokens.
    pub tokens: &'a [Token],
    /// Its sentences.
    pub sentences: &'a [SentenceSpan],
    /// Per sentence, its disfluency when already computed (the model's
    /// [`SentenceFluency::disfluency`] of it); `None`: computed here.
    pub disfluency: Option<&'a [Option<f64>]>,
    /// Per sentence, how much it reads like a machine round trip (fluency's
    /// [`SentenceScores::roundtrip`](crate::features::fluency::SentenceScores)); `None`: versions
    /// are compared by disfluency alone.
    pub roundtrip: Option<&'a [Option<f64>]>,
}

/// A document's place in a story cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterInfo {
    /// Cluster id: the id of its first member in input order (filled in by the pipeline).
    pub id: String,
    /// Index in the batch of the cluster's first member.
    #[serde(skip)]
    pub first: usize,
    /// Number of documents in the cluster.
    pub size: usize,
    /// Share of this version's words that no other version has (0 = none).
    pub deviation: f64,
    /// True for the likely original: the cluster's least degraded version by its score (all
    /// evidence, including this comparison), ties to the earliest. Set by the pipeline once
    /// the batch is scored.
    pub likely_original: bool,
}

/// Consensus output for one member.
#[derive(Debug, Clone, Default)]
pub struct MemberResult {
    /// Features (`consensus.*`, missing when the document has no cluster) and evidence.
    pub output: FamilyOutput,
    /// Its cluster.
    pub cluster: Option<ClusterInfo>,
}

/// Feature names of the family; all missing when a document has no cluster.
pub const FEATURES: &[&str] = &[
    "consensus.deviation",
    "consensus.unattested_rate",
    "consensus.unattested_excess",
    "consensus.entity_disagreements",
    "consensus.relative_disfluency",
    "consensus.differing_disfluency",
    "consensus.worse_share",
    "consensus.worst_sentence",
    "consensus.synonym_swaps",
];

/// What the consensus family needs of the reference model besides the [`Lexicon`]: how fluent a
/// span of tokens reads, so that two wordings of one sentence can be compared.
pub trait SentenceFluency {
    /// Mean rarity-normalised surprisal of the known words of `tokens` (indices into `text`);
    /// higher = less fluent. `None` when no word is scorable.
    fn disfluency(&self, text: &str, tokens: &[Token]) -> Option<f64>;
}

impl SentenceFluency for crate::model::Model {
    fn disfluency(&self, text: &str, tokens: &[Token]) -> Option<f64> {
        use crate::features::fluency::{band_z_mean, disfluency_counts};
        use crate::model::format::{BOS, EOS};
        let mut ids = vec![BOS];
        let mut counted = Vec::new();
        crate::model::units::for_each_unit(text, tokens, |u, i| {
            let id = self.word_id(u);
            ids.push(id);
            counted.push(disfluency_counts(text, tokens[i], i > 0, id));
        });
        ids.push(EOS);
        let mut probs = Vec::with_capacity(ids.len());
        self.score_sequence(&ids, &mut probs);
        band_z_mean(counted.into_iter().zip(&probs))
    }
}

/// The model consensus compares versions with.
pub trait ConsensusModel: Lexicon + SentenceFluency {}
impl<T: Lexicon + SentenceFluency> ConsensusModel for T {}

/// Two sentences are versions of each other when this share of their word types is shared.
const SAME_SENTENCE: f64 = 0.45;
/// Prior weight (content words) and count (sentences) of "no difference" in relative fluency.
const PRIOR_WORDS: f64 = 60.0;
const PRIOR_SENTENCES: f64 = 4.0;
/// Prior weight (content words) of "no difference" in the disfluency of differing sentences.
const DIFFERING_PRIOR_WORDS: f64 = 20.0;
/// Prior of the worst sentence's difference, in content words.
const WORST_PRIOR_WORDS: f64 = 6.0;
/// A spelling seen this often in the reference text is a word of its own, not a garble.
const KNOWN_SURFACE: u64 = 3;
/// A peer speaks for a run of a member's sentences that align with none of its own when its
/// unaligned sentences in the same place have at least this share of the run's content words
/// ([`speakers`]): a rewording of the run, not a passage it lacks.
const OUTSIDE_SHARED: f64 = 0.2;
/// A peer in which under this share of a member's sentences have a loose counterpart (content
/// words overlapping by [`UNRELATED_SENTENCE`]) tells the story otherwise (another site's report
/// of the same event sharing a quote or two) and speaks for none of the member's wording.
const LOOSE_SHARE: f64 = 0.25;

/// A sentence leads its other versions when it reads better than each of them by more than
/// this (disfluency per word; "clearly worse" evidence starts at 0.15 the other way).
const LEAD_MARGIN: f64 = 0.15;

/// How much the difference in round-trip contrast (log10 ratio per unit) counts next to the
/// difference in disfluency when two versions of a sentence are compared (relative disfluency,
/// "worse than other versions", lead sentences). Chosen among 0.5, 1, 1.5 and 2 by refitting
/// on the generated data (EVALUATION.md, "Versions compared by round-trip likeness too").
const ROUNDTRIP_WEIGHT: f64 = 1.0;

/// Tuning of clustering.
const MINHASHES: usize = 32;
const ROWS_PER_BAND: usize = 2;
/// Bands of a signature.
const BANDS: usize = MINHASHES / ROWS_PER_BAND;
const MAX_ANCHORS: usize = 256;
const MAX_BUCKET: usize = 64;
/// Weighted Jaccard of anchor sets at or above which two documents tell the same story.
pub const SAME_STORY: f64 = 0.3;
/// Two versions of a story share at least this many anchors: short unrelated documents with a
/// handful of anchors can pass [`SAME_STORY`] on two or three rare words ("switched", "lights").
const MIN_SHARED: usize = 4;
/// Names rarer than this many per million tokens of reference text count as anchors.
const ANCHOR_PER_MILLION: f64 = 100.0;
/// Lower-case words rarer than this many per million tokens count as word anchors
/// ([`Anchors::words`]).
const WORD_ANCHOR_PER_MILLION: f64 = 10.0;
/// Documents with fewer names and numbers than this get word anchors too.
const WORD_ANCHORS_BELOW: usize = 16;
/// Two versions of a story have at least one pair of sentences whose content words overlap
/// this much (Jaccard). Different stories about one event or topic share names ("Clarke",
/// "Belmarsh"; "Jesus", "Bible"), not sentences: on the dev BBC originals their best sentence
/// pairs reach 0.18-0.22, while the seeds' weakest version has 0.50 and generated garblings
/// (half the words spun) 0.71 or more.
const SAME_VERSION_SENTENCE: f64 = 0.35;
/// Sentences with fewer content words than this ("Show More", datelines) are not compared.
const MIN_SENTENCE_WORDS: usize = 3;

fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

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

/// Per token of `m`: it opens a sentence (a flag per token instead of a hash set of indices,
/// which cost a SipHash per word token).
fn sentence_starts(m: &Member<'_>) -> Vec<bool> {
    let mut starts = vec![false; m.tokens.len()];
    for s in m.sentences {
        if let Some(x) = starts.get_mut(s.first) {
            *x = true;
        }
    }
    starts
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
fn shared(a: &[(u64, f64)], b: &[(u64, f64)]) -> usize {
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

fn weighted_jaccard(a: &[(u64, f64)], b: &[(u64, f64)]) -> f64 {
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

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Joins the sets of `a` and `b` in a union-find forest; the lower-numbered root stays the root.
fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    parent[ra.max(rb)] = ra.min(rb);
}

/// [`find`] over a union-find forest kept as a map (absent = its own root), halving paths.
fn find_in(parent: &mut FxHashMap<usize, usize>, mut x: usize) -> usize {
    while let Some(&p) = parent.get(&x) {
        let Some(&g) = parent.get(&p) else { return p };
        parent.insert(x, g);
        x = g;
    }
    x
}

/// The MinHash signature of an anchor set.
fn signature(set: &[(u64, f64)]) -> Vec<u64> {
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
type Signature = (u64, Vec<u64>);

/// The MinHash signatures of a document's anchor sets that have enough anchors to tell a
/// story (five), each with its kind (0 names, 1 words); the words' only when they add to the
/// names.
fn signatures(a: &Anchors) -> Vec<Signature> {
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
fn band_keys(kind: u64, sig: &[u64]) -> impl Iterator<Item = u64> + '_ {
    sig.chunks(ROWS_PER_BAND).map(move |rows| mix(band_key(rows) ^ kind))
}

/// The bucket key of one band of a signature.
fn band_key(rows: &[u64]) -> u64 {
    rows.iter().fold(0u64, |acc, r| mix(acc ^ r))
}

/// Groups the members into story clusters; returns, per member, the index of its cluster's
/// first member (`None` when it has no other version in the batch).
pub fn cluster(lex: &dyn Lexicon, members: &[Option<Member<'_>>]) -> Vec<Option<usize>> {
    cluster_with_anchors(lex, members).0
}

fn cluster_with_anchors(
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
type SentenceWords = Vec<Vec<u64>>;

/// The [`SentenceWords`] of `m`.
///
/// Each sentence's content words are its normalised word tokens less function words, since two
/// sentences sharing "the", "of" and "said" are not versions of each other. Words are normalised
/// into one reused buffer, and the function-word test (a reference look-up) is asked once per
/// word type of the member, remembered by the word's hash.
fn sentence_words(lex: &dyn Lexicon, m: &Member<'_>) -> SentenceWords {
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

/// Most keys a [`Postings`] map is sized for before it is built: a long text's postings are
/// mostly repeats of fewer keys, and its map grows past this as needed.
const POSTINGS_RESERVE: usize = 1 << 14;

/// An inverted index of sets: per key, the indices of the sets that hold it (rising), all in one
/// array (no vector per key).
struct Postings<K> {
    /// Per key, its postings' start and end in `flat`.
    spans: FxHashMap<K, (u32, u32)>,
    flat: Vec<u32>,
}

impl<K: Copy + Eq + std::hash::Hash> Postings<K> {
    /// The index of `sets`, each a list of distinct keys (a key repeated in one set would be
    /// posted twice).
    fn build<'s>(sets: impl Iterator<Item = &'s [K]> + Clone) -> Postings<K>
    where
        K: 's,
    {
        // Count each key's postings, lay the keys out end to end, then fill in set order. The
        // map is sized for every posting a key of its own (no growth on the way), up to
        // [`POSTINGS_RESERVE`] keys.
        let postings: usize = sets.clone().map(<[K]>::len).sum();
        let mut spans: FxHashMap<K, (u32, u32)> =
            FxHashMap::with_capacity_and_hasher(postings.min(POSTINGS_RESERVE), Default::default());
        let mut total = 0usize;
        for set in sets.clone() {
            for &key in set {
                spans.entry(key).or_insert((0, 0)).1 += 1;
                total += 1;
            }
        }
        let mut at = 0u32;
        for span in spans.values_mut() {
            let n = span.1;
            *span = (at, at);
            at += n;
        }
        let mut flat = vec![0u32; total];
        for (k, set) in sets.enumerate() {
            for key in set {
                if let Some(span) = spans.get_mut(key) {
                    flat[span.1 as usize] = k as u32;
                    span.1 += 1;
                }
            }
        }
        Postings { spans, flat }
    }

    /// The sets holding `key`, in order.
    fn get(&self, key: &K) -> &[u32] {
        self.spans.get(key).map_or(&[], |&(a, b)| &self.flat[a as usize..b as usize])
    }
}

/// The best content-word Jaccard over the pairs of a sentence of `a` and one of `b` that share
/// a word at most [`MAX_CANDIDATE_POSTINGS`] sentences of `b` use (0 when there is none): every
/// pair when `b` has no more sentences than that: [`best_aligned`] of each sentence of `a`.
/// Clustering asks only whether it reaches [`SAME_VERSION_SENTENCE`] ([`shares_a_version`]).
#[cfg(test)]
fn sentence_support(a: &SentenceWords, b: &SentenceWords) -> f64 {
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
fn shares_a_version(a: &SentenceWords, b: &SentenceWords) -> bool {
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

/// Per-member word data for comparisons within a cluster.
struct Profile<'a> {
    /// Normalised words (as ids of the cluster's [`Interner`]), in order, with their token index.
    words: Vec<(u32, usize)>,
    /// Per sentence of the member, the hash of its word tokens' texts as written, in order
    /// ([`Sent::key`]). Kept per sentence, not per word: a cluster of twenty 1 MB versions held
    /// 29 MB of per-word hashes until its sentences were built.
    keys: Vec<u64>,
    /// Distinct entity-like surface forms (capitalised words, acronyms), with first token index.
    surfaces: FxHashMap<&'a str, usize>,
}

/// What [`profile`] needs of a spelling (a word token's text as written), worked out at its
/// first occurrence in a cluster and reused at every other: the versions of a story write
/// mostly the same words, so most tokens are found here by one hash of their text instead of
/// being normalised, numbered and tested again.
#[derive(Clone, Copy)]
struct Spelling {
    /// Its normalised form's id in the cluster's [`Interner`].
    id: u32,
    /// [`fnv1a`] of the text as written.
    written: u64,
    /// Whether its [`stem`] is an entity-like surface and no common word ([`is_entity_like`],
    /// [`is_common_word`]), once asked (only for tokens that open no sentence).
    entity: Option<bool>,
}

/// A cluster's [`Spelling`]s by their text.
type Spellings<'a> = FxHashMap<&'a str, Spelling>;

fn is_entity_like(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_uppercase())
        || (s.chars().any(|c| c.is_ascii_digit()) && s.chars().any(|c| c.is_alphabetic()))
}

/// The form compared across versions: possessive endings dropped ("Peskov's" -> "Peskov").
fn stem(s: &str) -> &str {
    s.strip_suffix("'s").or_else(|| s.strip_suffix("\u{2019}s")).unwrap_or(s)
}

/// Capitalised frequent words ("There", "The") are not entities.
fn is_common_word(lex: &dyn Lexicon, s: &str) -> bool {
    let per_million = lex.normalized_count(&normalize(s)) as f64 * 1e6 / lex.total_tokens().max(1) as f64;
    per_million > 100.0
}

/// Member `m`'s [`Profile`]; `spellings` are the cluster's so far (the words are numbered in
/// the order they first occur, as if each token were normalised and interned).
fn profile<'a>(
    lex: &dyn Lexicon,
    m: &Member<'a>,
    interner: &mut Interner,
    spellings: &mut Spellings<'a>,
) -> Profile<'a> {
    // At most one word a token: sized once, not grown push by push.
    let mut words = Vec::with_capacity(m.tokens.len());
    let mut written = Vec::with_capacity(m.tokens.len());
    let mut surfaces = FxHashMap::default();
    let starts = sentence_starts(m);
    let mut buf = String::new();
    for (i, t) in m.tokens.iter().enumerate() {
        if !t.is_wordlike() {
            continue;
        }
        let s = t.text(m.text);
        let sp = spellings.entry(s).or_insert_with(|| Spelling {
            id: interner.intern(normalize_with(s, &mut buf)),
            written: fnv1a(s),
            entity: None,
        });
        words.push((sp.id, i));
        written.push(sp.written);
        if !starts[i]
            && *sp.entity.get_or_insert_with(|| {
                let st = stem(s);
                is_entity_like(st) && !is_common_word(lex, st)
            })
        {
            surfaces.entry(stem(s)).or_insert(i);
        }
    }
    // Each sentence's word tokens' hashes, folded in order.
    let keys = m
        .sentences
        .iter()
        .map(|s| {
            let from = words.partition_point(|&(_, t)| t < s.first);
            let to = from + words[from..].partition_point(|&(_, t)| t < s.last);
            written[from..to].iter().fold(0u64, |h, &w| mix(h ^ w))
        })
        .collect();
    Profile { words, keys, surfaces }
}

/// Clusters the batch and computes consensus features per member (`None` in, `None` out).
pub fn analyze_batch(lex: &dyn ConsensusModel, members: &[Option<Member<'_>>]) -> Vec<Option<MemberResult>> {
    let (clusters, sets) = cluster_with_anchors(lex as &dyn Lexicon, members);
    let mut out: Vec<Option<MemberResult>> = members
        .iter()
        .map(|m| {
            m.map(|_| MemberResult {
                output: FamilyOutput {
                    features: FEATURES.iter().map(|n| Feature::missing(n)).collect(),
                    evidence: Vec::new(),
                },
                cluster: None,
            })
        })
        .collect();
    let mut by_cluster: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (i, c) in clusters.iter().enumerate() {
        if let Some(c) = c {
            by_cluster.entry(*c).or_default().push(i);
        }
    }
    let mut keys: Vec<usize> = by_cluster.keys().copied().collect();
    keys.sort_unstable();
    // Clusters are compared independently (in parallel) and written back in key order.
    let compared: Vec<Vec<MemberResult>> = keys
        .par_iter()
        .map(|first| {
            let idx = &by_cluster[first];
            let ms: Vec<Member<'_>> = idx.iter().filter_map(|&i| members[i]).collect();
            let anchors: Vec<&Anchors> = idx.iter().map(|&i| &sets[i]).collect();
            compare(lex, &ms, &anchors, *first)
        })
        .collect();
    for (first, results) in keys.iter().zip(compared) {
        for (&i, r) in by_cluster[first].iter().zip(results) {
            out[i] = Some(r);
        }
    }
    out
}

/// Most peers a member is compared with (its most similar distinct versions). Four give the
/// same rankings as sixteen on every generated and dev set (a majority of two is still a
/// majority), and the comparison's cost grows with the number of peers: the bench corpus's
/// clusters of sixteen versions took a fifth of the run more with sixteen.
const MAX_PEERS: usize = 4;
// Each sentence keeps its speaking peers in the bits of a byte ([`Aligned::speakers`]).
const _: () = assert!(MAX_PEERS <= 8);

/// Each member's peers: the other members whose anchor similarity is at least half its best
/// similarity (and at least [`SAME_STORY`]), most similar first, one member per group of copies
/// (`copies`, [`copy_groups`]) and none of its own. A cluster chained through related stories
/// then still compares each version with its own closest versions, and a version republished
/// many times counts once.
fn peers(anchors: &[&Anchors], copies: &[usize]) -> Vec<Vec<usize>> {
    let n = anchors.len();
    let mut sims = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in i + 1..n {
            let s = anchors[i].similarity(anchors[j]);
            sims[i][j] = s;
            sims[j][i] = s;
        }
    }
    (0..n)
        .map(|i| {
            let other = |j: &usize| copies[*j] != copies[i];
            let best = (0..n).filter(other).map(|j| sims[i][j]).fold(0.0, f64::max);
            let floor = SAME_STORY.max(0.5 * best);
            let mut p: Vec<usize> = (0..n).filter(|j| other(j) && sims[i][*j] >= floor).collect();
            p.sort_by(|&a, &b| sims[i][b].total_cmp(&sims[i][a]).then(a.cmp(&b)));
            let mut seen = FxHashSet::default();
            p.retain(|&j| seen.insert(copies[j]));
            p.truncate(MAX_PEERS);
            p
        })
        .collect()
}

/// Share of a version's content words that must lie in sentences another version has word for
/// word for the two to be copies of one version.
const COPY_SHARE: f64 = 0.8;
/// A sentence sharing less than this of its word types with every sentence of another version
/// has no counterpart there (page furniture, an added paragraph); a heavily garbled rewrite of a
/// sentence still shares more.
const UNRELATED_SENTENCE: f64 = 0.2;

/// Per member, the lowest-numbered member of its group of copies. Two members are copies of one
/// version when most of each one's content words ([`COPY_SHARE`]) lie in sentences the other
/// has word for word, and no other sentence of either has a version in the other (a sentence
/// with no counterpart is page furniture or an added paragraph; a reworded one, however lightly,
/// makes two versions). Syndication and mirror sites republish one version many times: counted
/// as many voices, a spinner's copies would outvote the original.
fn copy_groups(cs: &ClusterSentences) -> Vec<usize> {
    let n = cs.sents.len();
    let keys: Vec<FxHashSet<u64>> = cs.sents.iter().map(|ss| ss.iter().map(|s| s.key).collect()).collect();
    let totals: Vec<usize> = cs.sents.iter().map(|ss| ss.iter().map(|s| s.ids.len()).sum()).collect();
    let mut scratch = AlignScratch::new(cs.sents.iter().map(Vec::len).max().unwrap_or(0));
    // Whether all of `a`'s sentences that `b` lacks word for word lack a version in `b`, and the
    // ones it has hold most of `a`'s content words.
    let mut covered = |a: usize, b: usize| {
        let shared: usize =
            cs.sents[a].iter().filter(|s| keys[b].contains(&s.key)).map(|s| s.ids.len()).sum();
        totals[a] > 0
            && shared as f64 >= COPY_SHARE * totals[a] as f64
            && cs.sents[a]
                .iter()
                .filter(|s| !s.ids.is_empty() && !keys[b].contains(&s.key))
                .all(|s| cs.aligned(s, b, &mut scratch).is_none_or(|(ov, _)| ov < UNRELATED_SENTENCE))
    };
    let mut parent: Vec<usize> = (0..n).collect();
    for a in 0..n {
        for b in a + 1..n {
            if find(&mut parent, a) != find(&mut parent, b) && covered(a, b) && covered(b, a) {
                union(&mut parent, a, b);
            }
        }
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
}

/// One member's comparison with its peers.
struct Row {
    deviation: f64,
    rate: f64,
    disagreements: usize,
    evidence: Vec<Evidence>,
    relative: Option<f64>,
    differing: Option<f64>,
    worse_share: Option<f64>,
    worst: Option<f64>,
    synonym_swaps: Option<usize>,
}

/// A sentence for alignment: its byte span, word types and disfluency.
struct Sent {
    start: usize,
    end: usize,
    /// Its content word types as ids of the cluster's [`Interner`], sorted (overlaps by merging,
    /// membership by binary search).
    ids: Vec<u32>,
    /// [`ids_hash`] of `ids`: taken once, asked at every alignment with a peer.
    ids_hash: u64,
    /// Hash of all its words (function words too) as written, in order: equal for a sentence
    /// copied word for word.
    key: u64,
    disfluency: Option<f64>,
    /// How much it reads like a machine round trip ([`Member::roundtrip`]).
    roundtrip: Option<f64>,
}

impl Sent {
    fn has(&self, id: u32) -> bool {
        self.ids.binary_search(&id).is_ok()
    }
}

/// The word types of one cluster's sentences, numbered.
///
/// The words are kept end to end in one string (`text`, `spans`), found by their 64-bit hash
/// (`ids`) and checked against the stored text; a word whose hash another word already has (in
/// practice never) is kept in `collided` by its text. One allocation per growth of the string,
/// none per word.
struct Interner {
    /// The words' hash: [`Interner::fx_hash`] (tests give a colliding one).
    hash: fn(&str) -> u64,
    ids: FxHashMap<u64, u32>,
    collided: FxHashMap<Box<str>, u32>,
    text: String,
    spans: Vec<(u32, u32)>,
    /// Per word, whether it is a function word ([`is_function_word`]), once asked.
    function: Vec<Option<bool>>,
}

impl Default for Interner {
    fn default() -> Interner {
        Interner {
            hash: Interner::fx_hash,
            ids: FxHashMap::default(),
            collided: FxHashMap::default(),
            text: String::new(),
            spans: Vec::new(),
            function: Vec::new(),
        }
    }
}

impl Interner {
    fn fx_hash(w: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(w)
    }

    fn intern(&mut self, w: &str) -> u32 {
        let h = (self.hash)(w);
        let id = self.spans.len() as u32;
        match self.ids.get(&h) {
            Some(&known) if self.word(known) == w => return known,
            Some(_) => match self.collided.get(w) {
                Some(&c) => return c,
                None => {
                    self.collided.insert(w.into(), id);
                }
            },
            None => {
                self.ids.insert(h, id);
            }
        }
        let start = self.text.len() as u32;
        self.text.push_str(w);
        self.spans.push((start, self.text.len() as u32));
        self.function.push(None);
        id
    }

    /// Whether word `id` is a function word, asked of `lex` once per word.
    fn is_function(&mut self, lex: &dyn Lexicon, id: u32) -> bool {
        let k = id as usize;
        let (a, b) = self.spans[k];
        *self.function[k].get_or_insert_with(|| is_function_word(lex, &self.text[a as usize..b as usize]))
    }

    fn get(&self, w: &str) -> Option<u32> {
        match self.ids.get(&(self.hash)(w)) {
            Some(&known) if self.word(known) == w => Some(known),
            Some(_) => self.collided.get(w).copied(),
            None => None,
        }
    }

    /// How many words it holds (ids are below).
    fn len(&self) -> usize {
        self.spans.len()
    }

    fn word(&self, id: u32) -> &str {
        let (a, b) = self.spans[id as usize];
        &self.text[a as usize..b as usize]
    }
}

/// The member's sentences for alignment. `p` is its profile (every word token's id in token
/// order, each sentence's key), so each token is normalised and hashed once.
fn sentence_profiles(
    lex: &dyn ConsensusModel,
    m: &Member<'_>,
    p: &Profile<'_>,
    interner: &mut Interner,
) -> Vec<Sent> {
    let words = &p.words;
    let headline = headline_tokens(m);
    m.sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| s.first < s.last && s.last <= m.tokens.len())
        .map(|(si, s)| {
            let toks = &m.tokens[s.first..s.last];
            // Its content words (function words left out, as in `sentence_words`), from the
            // profile.
            let from = words.partition_point(|&(_, t)| t < s.first);
            let to = from + words[from..].partition_point(|&(_, t)| t < s.last);
            let key = p.keys[si];
            let mut ids: Vec<u32> = Vec::with_capacity(to - from);
            ids.extend(
                words[from..to]
                    .iter()
                    .map(|&(id, _)| id)
                    .filter(|&id| !interner.is_function(lex as &dyn Lexicon, id)),
            );
            ids.sort_unstable();
            ids.dedup();
            // Headlines, captions and datelines are telegraphic by design: only full sentences
            // (ending in . ! ? or a closing quote) are compared for fluency, and no headline,
            // even one that asks a question.
            let full = s.last > headline
                && toks.iter().rev().take(3).any(|t| matches!(t.text(m.text), "." | "!" | "?"));
            Sent {
                start: toks[0].start(),
                end: toks[toks.len() - 1].end(),
                ids_hash: ids_hash(&ids),
                ids,
                key,
                disfluency: match (full, m.disfluency) {
                    (false, _) => None,
                    (true, Some(known)) => known.get(si).copied().flatten(),
                    (true, None) => lex.disfluency(m.text, toks),
                },
                roundtrip: if full { m.roundtrip.and_then(|r| r.get(si).copied().flatten()) } else { None },
            }
        })
        .collect()
}

/// Words more frequent than this per million tokens of reference text are function words here.
const FUNCTION_PER_MILLION: f64 = 1000.0;

fn is_function_word(lex: &dyn Lexicon, norm: &str) -> bool {
    lex.normalized_count(norm) as f64 * 1e6 / lex.total_tokens().max(1) as f64 > FUNCTION_PER_MILLION
}

/// Jaccard overlap of two sentences' word types (sorted, distinct), by merging them.
fn overlap<T: Ord>(a: &[T], b: &[T]) -> f64 {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    jaccard(inter, a.len(), b.len())
}

/// Jaccard overlap of two sets of `a` and `b` elements that share `inter` (0 for two empty sets).
fn jaccard(inter: usize, a: usize, b: usize) -> f64 {
    let union = a + b - inter;
    if union == 0 { 0.0 } else { inter as f64 / union as f64 }
}

/// Work space of [`best_aligned`], sized to the most sentences a member of the cluster has.
struct AlignScratch {
    /// Per peer sentence, whether it is already a candidate of the sentence at hand.
    seen: Vec<bool>,
    candidates: Vec<usize>,
}

impl AlignScratch {
    fn new(sentences: usize) -> AlignScratch {
        AlignScratch { seen: vec![false; sentences], candidates: Vec::new() }
    }
}

/// A word in more of a peer's sentences than this makes none of them an alignment candidate.
const MAX_CANDIDATE_POSTINGS: usize = 64;

/// The peer sentence most like the sentence of word types `ids` (sorted, distinct) and its
/// Jaccard overlap ([`overlap`]; ties to the earlier sentence). Candidates are the peer's
/// sentences sharing a word that at most [`MAX_CANDIDATE_POSTINGS`] of them use (found through
/// `index`, the peer's sentences by word; `peer(k)` is sentence `k`'s sorted words); each
/// candidate's overlap is a merge of the two sorted sets. A word in many sentences is never
/// walked: two long versions full of the same words ("river", "board") align in time linear in
/// their length. Leaves `scratch` clear.
fn best_aligned<'p, K: Copy + Eq + std::hash::Hash + Ord + 'p>(
    ids: &[K],
    peer: impl Fn(usize) -> &'p [K],
    index: &Postings<K>,
    scratch: &mut AlignScratch,
) -> Option<(f64, usize)> {
    let AlignScratch { seen, candidates } = scratch;
    for w in ids {
        let ks = index.get(w);
        if ks.len() > MAX_CANDIDATE_POSTINGS {
            continue;
        }
        for &k in ks {
            let k = k as usize;
            if !seen[k] {
                seen[k] = true;
                candidates.push(k);
            }
        }
    }
    let best = candidates
        .iter()
        .map(|&k| (overlap(ids, peer(k)), k))
        .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
    for &k in candidates.iter() {
        seen[k] = false;
    }
    candidates.clear();
    best
}

/// Longest headline, in word tokens.
const HEADLINE_WORDS: usize = 16;

/// One past the last token of the member's headline (0 when it has none): a first sentence of
/// at most [`HEADLINE_WORDS`] words that ends a line with no full stop, colon or semicolon
/// ("Kirwan demands Italy consistency", "Could Yukos be a blessing in disguise?"). Headlines
/// stack nouns that running text rarely puts side by side, and a machine rewrite of one
/// ("consistency of Italy") uses pairs it often does; a headline written in title case
/// ("Is An 'Oxygen Bar' In Delhi Offering Fresh Air?") reads to the model as a row of names.
fn headline_tokens(m: &Member<'_>) -> usize {
    let Some(s) = m.sentences.first() else { return 0 };
    let toks = &m.tokens[s.first.min(s.last)..s.last];
    let Some(last) = toks.last() else { return 0 };
    let words = toks.iter().filter(|t| t.is_wordlike()).count();
    let rest = &m.text[last.end()..];
    let ends_line = rest.trim_start_matches([' ', '\t']).starts_with(['\n', '\r']);
    let text = m.text[toks[0].start()..last.end()].trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')']);
    if words == 0 || words > HEADLINE_WORDS || !ends_line || text.ends_with(['.', ':', ';']) {
        return 0;
    }
    s.last
}

/// Per sentence of a member, whether its best counterpart in one peer (`best`: overlap and
/// the peer's sentence) is a loose one in the same place: overlap at least
/// [`UNRELATED_SENTENCE`] but under [`SAME_SENTENCE`], the counterpart aligned with no other
/// sentence, and lying strictly between the peer sentences aligned (at [`SAME_SENTENCE`]) with
/// the nearest aligned sentences before and after it. A peer with no aligned sentence has no
/// place to go by: nothing is in place.
fn in_place_counterparts(best: &[Option<(f64, usize)>]) -> Vec<bool> {
    let strict = |b: &Option<(f64, usize)>| b.filter(|&(ov, _)| ov >= SAME_SENTENCE).map(|(_, k)| k);
    let taken: FxHashSet<usize> = best.iter().filter_map(strict).collect();
    let mut out = vec![false; best.len()];
    if taken.is_empty() {
        return out;
    }
    // The peer sentence aligned with the nearest aligned sentence after each position.
    let mut next = vec![None; best.len()];
    let mut after = None;
    for a in (0..best.len()).rev() {
        next[a] = after;
        if let Some(k) = strict(&best[a]) {
            after = Some(k);
        }
    }
    let mut before: Option<usize> = None;
    for (a, b) in best.iter().enumerate() {
        if let Some(k) = strict(b) {
            before = Some(k);
            continue;
        }
        let Some((ov, k)) = *b else { continue };
        out[a] = ov >= UNRELATED_SENTENCE
            && !taken.contains(&k)
            && before.is_none_or(|p| k > p)
            && next[a].is_none_or(|n| k < n);
    }
    out
}

/// Aligns member `i`'s sentences with each peer's (best word-type overlap, at least
/// [`SAME_SENTENCE`]; an identical sentence counts as a difference of 0) and compares fluency.
/// Each sentence gets the median over peers of this version's disfluency minus the peer's, plus
/// how much more it reads like a round trip ([`roundtrip_difference`]; positive = reads worse
/// than the other versions of the same sentence); the features are the
/// length-weighted mean of those medians and the share of sentences clearly worse. Comparing one
/// content in two wordings cancels topic and vocabulary; the median keeps a garble that two
/// versions share (one MT system at two fractions) from hiding behind the one peer that has it.
/// The same alignment counts the words most aligned versions replace with a synonym. A sentence
/// garbled past alignment is compared with its loose counterpart in the same place
/// ([`in_place_counterparts`]) too, once some sentence aligns; such a comparison never makes
/// the sentence a lead.
fn align_with_peers(
    lex: &dyn ConsensusModel,
    m: &Member<'_>,
    cluster: &ClusterSentences,
    scratch: &mut AlignScratch,
    interner: &Interner,
    i: usize,
    peers: &[usize],
) -> Aligned {
    let sents = &cluster.sents;
    let mine = &sents[i];
    let syn = Synonyms::embedded();
    let mut diffs: Vec<Vec<f64>> = vec![Vec::new(); mine.len()];
    // The same differences against loose counterparts in place (compared, never a lead).
    let mut loose_diffs: Vec<Vec<f64>> = vec![Vec::new(); mine.len()];
    // Per sentence of mine: the peer sentences aligned with it, and per word of mine the
    // synonym peers have in its place (how many peers, which synonym).
    let mut aligned_with: Vec<Vec<(usize, usize)>> = vec![Vec::new(); mine.len()];
    // (how many peers, the synonym, the word's id)
    let mut replaced: FxHashMap<WordAt<'_>, (usize, &str, u32)> = FxHashMap::default();
    // Per peer: this member's sentences compared, and those with a loose counterpart there.
    let mut loose = vec![(0usize, 0usize); peers.len()];
    let mut best: Vec<Option<(f64, usize)>> = Vec::with_capacity(mine.len());
    for (&j, loose) in peers.iter().zip(&mut loose) {
        best.clear();
        best.extend(mine.iter().map(|s| if s.ids.len() < 3 { None } else { cluster.aligned(s, j, scratch) }));
        let in_place = in_place_counterparts(&best);
        for (a, s) in mine.iter().enumerate() {
            if s.ids.len() < 3 {
                continue;
            }
            loose.0 += 1;
            let Some((ov, k)) = best[a] else { continue };
            if ov >= UNRELATED_SENTENCE {
                loose.1 += 1;
            }
            if ov < SAME_SENTENCE {
                // A sentence reworded or garbled past alignment, with a loose counterpart in the
                // same place of the peer (between the peer's sentences aligned with its
                // neighbours): its fluency is still compared with that counterpart's.
                if in_place[a] {
                    let other = &sents[j][k];
                    if let (Some(da), Some(db)) = (s.disfluency, other.disfluency) {
                        loose_diffs[a].push(da - db + roundtrip_difference(s, other));
                    }
                }
                continue;
            }
            let other = &sents[j][k];
            aligned_with[a].push((j, k));
            if ov < 0.999 {
                for &id in s.ids.iter().filter(|&&id| !other.has(id)) {
                    let w = interner.word(id);
                    let in_other = |c: &str| interner.get(c).is_some_and(|c| other.has(c) && !s.has(c));
                    if let Some(sy) = syn.of(w).find(|c| in_other(c)) {
                        let e = replaced.entry((a, w)).or_insert((0, sy, id));
                        e.0 += 1;
                    }
                }
            }
            let (Some(da), Some(db)) = (s.disfluency, other.disfluency) else { continue };
            // Only a sentence copied word for word is no difference: the same content words in
            // another order or with other function words ("range the of new vehicles") are.
            diffs[a].push(if s.key == other.key { 0.0 } else { da - db + roundtrip_difference(s, other) });
        }
    }
    let mut synonym_swaps = 0usize;
    let mut evidence = Vec::new();
    // Keys are distinct: the order is the keys' (the ids ride along).
    let mut replaced: Vec<(WordAt<'_>, (usize, &str, u32))> = replaced.into_iter().collect();
    replaced.sort_unstable();
    for ((a, w), (n, sy, id)) in replaced {
        let al = &aligned_with[a];
        let support = al.iter().filter(|&&(j, k)| sents[j][k].has(id)).count();
        // Most aligned versions have the synonym where this one has the word; without a
        // majority to go by (one or two versions), the spinner's pick is the rarer word.
        let majority = n > support && 2 * n >= al.len();
        let rarer = lex.normalized_count(w) < lex.normalized_count(sy);
        if !(majority && (al.len() >= 3 || rarer)) {
            continue;
        }
        let s = &mine[a];
        // Tokens are in text order: start at the sentence's first.
        let from = m.tokens.partition_point(|t| t.start() < s.start);
        let mut words = m.tokens[from..].iter().take_while(|t| t.end() <= s.end).filter(|t| t.is_wordlike());
        let at = words.clone().find(|t| normalize(t.text(m.text)) == w);
        // A capitalised word inside the sentence is a name ("Antony" against "Anthony" Blinken):
        // which spelling is right is the spelling check's question, not a synonym swap.
        let opening = words.next().map(|t| t.start());
        if at.is_some_and(|t| Some(t.start()) != opening && t.text(m.text).starts_with(char::is_uppercase)) {
            continue;
        }
        synonym_swaps += 1;
        if let Some(t) = at {
            evidence.push(Evidence {
                family: Family::Consensus,
                kind: "synonym-differs-from-cluster",
                start: t.start(),
                end: t.end(),
                strength: n as f64 / (al.len() as f64 + 1.0),
                note: format!("{n} of {} other versions of this sentence have its synonym {sy:?}", al.len()),
                suggestion: Some(sy.to_string()),
            });
        }
    }
    let (mut sum, mut weight, mut worse, mut aligned) = (0.0, 0.0, 0usize, 0usize);
    let (mut dsum, mut dweight) = (0.0, 0.0);
    let mut worst = f64::NEG_INFINITY;
    let mut leads = Vec::new();
    // Some sentence compared with an aligned (not only a loose) counterpart.
    let any_aligned = diffs.iter().any(|d| !d.is_empty());
    for (a, (d, l)) in diffs.iter_mut().zip(&loose_diffs).enumerate() {
        // A lead reads clearly better than every aligned version (`median` sorts `d`).
        if median(d).is_some() && d[d.len() - 1] < -LEAD_MARGIN {
            leads.push((mine[a].start, mine[a].end));
        }
        let strict = !d.is_empty();
        d.extend_from_slice(l);
        let Some(med) = median(d) else { continue };
        let w = mine[a].ids.len() as f64;
        sum += med * w;
        weight += w;
        if med != 0.0 {
            dsum += med * w;
            dweight += w;
        }
        aligned += 1;
        // A short sentence's mean moves a lot with one word: shrunk towards 0. Only sentences
        // with an aligned counterpart: a loose one may be another sentence of a passage the
        // peer lacks.
        if strict {
            worst = worst.max(med * w / (w + WORST_PRIOR_WORDS));
        }
        if med > 0.15 {
            worse += 1;
            let s = &mine[a];
            evidence.push(Evidence {
                family: Family::Consensus,
                kind: "worse-than-other-versions",
                start: s.start,
                end: s.end.min(m.text.len()),
                strength: med,
                note: format!("reads worse than the other versions of this sentence ({} compared)", d.len()),
                suggestion: None,
            });
        }
    }
    let aligned_sentences = aligned_with.iter().filter(|a| !a.is_empty()).count();
    let speakers = speakers(cluster, i, peers, &aligned_with, &loose);
    evidence.sort_by(|x, y| y.strength.total_cmp(&x.strength).then(x.start.cmp(&y.start)));
    evidence.truncate(8);
    leads.sort_unstable();
    // Only loose counterparts: the peers tell the story otherwise (see `compare_member`).
    if !any_aligned {
        return Aligned {
            relative: None,
            worse_share: None,
            worst: None,
            differing: None,
            synonym_swaps,
            aligned_sentences,
            speakers,
            leads,
            evidence,
        };
    }
    // Shrunk towards 0 (no difference) by a prior worth a few sentences, so one loosely aligned
    // sentence cannot make a large difference alone.
    Aligned {
        relative: Some(sum / (weight + PRIOR_WORDS)),
        worse_share: Some(worse as f64 / (aligned as f64 + PRIOR_SENTENCES)),
        worst: Some(worst),
        differing: Some(dsum / (dweight + DIFFERING_PRIOR_WORDS)),
        synonym_swaps,
        aligned_sentences,
        speakers,
        leads,
        evidence,
    }
}

/// Which of member `i`'s sentences each peer speaks for ([`Aligned::speakers`]): bit `k` of a
/// sentence's byte is set when `peers[k]` does. `aligned_with` holds, per sentence of `i`, the
/// peer sentences aligned with it; `loose`, per peer, how many of `i`'s sentences were compared
/// with its sentences and how many had a loose counterpart there.
///
/// A peer in which under [`LOOSE_SHARE`] of the sentences have a loose counterpart tells the
/// story otherwise and speaks for none. Otherwise it speaks for the sentences aligned with its
/// own, and for each run of sentences between them (or before the first, or after the last)
/// when its own sentences in the same place, aligned with none of `i`'s, have at least
/// [`OUTSIDE_SHARED`] of the run's content words: there it has a rewording of the run. When it
/// has nothing there, or other material (the other story of a stitched page), the run is a
/// passage the peer lacks: a paragraph a republisher cut or an update added, the half of the
/// story an excerpt leaves out.
fn speakers(
    cluster: &ClusterSentences,
    i: usize,
    peers: &[usize],
    aligned_with: &[Vec<(usize, usize)>],
    loose: &[(usize, usize)],
) -> Vec<u8> {
    let mine = &cluster.sents[i];
    let mut out = vec![0u8; mine.len()];
    for (pk, (&j, &(compared, matched_loosely))) in peers.iter().zip(loose).enumerate() {
        if (matched_loosely as f64) < LOOSE_SHARE * compared as f64 {
            continue;
        }
        let bit = 1u8 << pk;
        let theirs = cluster.sents[j].len();
        // Per sentence of mine, the peer sentence aligned with it.
        let anchor = |a: usize| aligned_with[a].iter().find(|&&(p, _)| p == j).map(|&(_, k)| k);
        let mut matched = vec![false; theirs];
        for k in (0..mine.len()).filter_map(anchor) {
            matched[k] = true;
        }
        let mut a = 0;
        let mut prev: Option<usize> = None;
        while a < mine.len() {
            if let Some(k) = anchor(a) {
                out[a] |= bit;
                prev = Some(k);
                a += 1;
                continue;
            }
            let run = a..(a..mine.len()).find(|&b| anchor(b).is_some()).unwrap_or(mine.len());
            a = run.end;
            // The peer's sentences in the same place: between the anchors around the run.
            let next = mine.get(run.end).and_then(|_| anchor(run.end));
            let (lo, hi) = match (prev, next) {
                (Some(p), Some(n)) => (p.min(n) + 1, p.max(n)),
                (Some(p), None) => (p + 1, theirs),
                (None, Some(n)) => (0, n),
                (None, None) => (0, theirs),
            };
            // Whether a word is in one of those sentences: its postings rise, so from the first
            // at `lo`, a bounded number of them (a word in every sentence of a long page must
            // not make this quadratic).
            let in_gap = |id: &u32| {
                let posts = cluster.indexes[j].get(id);
                let from = posts.partition_point(|&k| (k as usize) < lo);
                posts[from..]
                    .iter()
                    .take(MAX_CANDIDATE_POSTINGS)
                    .take_while(|&&k| (k as usize) < hi)
                    .any(|&k| !matched[k as usize])
            };
            let (mut words, mut shared) = (0usize, 0usize);
            for s in &mine[run.clone()] {
                words += s.ids.len();
                shared += s.ids.iter().filter(|id| in_gap(id)).count();
            }
            let speaks = if words == 0 {
                (lo..hi).take(MAX_CANDIDATE_POSTINGS).any(|k| !matched[k])
            } else {
                shared as f64 >= OUTSIDE_SHARED * words as f64
            };
            if speaks {
                for x in &mut out[run] {
                    *x |= bit;
                }
            }
        }
    }
    out
}

/// How much more `mine` reads like a machine round trip than `other`, another version of it
/// ([`ROUNDTRIP_WEIGHT`] times the difference of their [`Sent::roundtrip`]; 0 when either has
/// none). Added to their disfluency difference: a sentence shared by two versions that one MT
/// system garbled reads little worse to the reference model alone, but reads like a round trip.
fn roundtrip_difference(mine: &Sent, other: &Sent) -> f64 {
    match (mine.roundtrip, other.roundtrip) {
        (Some(a), Some(b)) => ROUNDTRIP_WEIGHT * (a - b),
        _ => 0.0,
    }
}

/// The sentences of a cluster's members, for alignment: per member its sentences and their
/// inverted index by word id (built once, used with every member it is a peer of).
struct ClusterSentences {
    sents: Vec<Vec<Sent>>,
    indexes: Vec<Postings<u32>>,
    /// Per member, its first sentence of each content-word set ([`ids_hash`] -> index).
    exact: Vec<FxHashMap<u64, u32>>,
}

impl ClusterSentences {
    fn new(sents: Vec<Vec<Sent>>) -> ClusterSentences {
        let indexes = sents.iter().map(|ss| Postings::build(ss.iter().map(|s| s.ids.as_slice()))).collect();
        let exact = sents
            .iter()
            .map(|ss| {
                let mut first = FxHashMap::default();
                for (k, s) in ss.iter().enumerate().filter(|(_, s)| !s.ids.is_empty()) {
                    first.entry(s.ids_hash).or_insert(k as u32);
                }
                first
            })
            .collect();
        ClusterSentences { sents, indexes, exact }
    }

    /// [`best_aligned`] of sentence `s`'s words in member `j`'s sentences, exactly, without
    /// counting postings when `j` has a sentence of the same content words (copies and light
    /// rewrites share most sentences): that sentence's overlap is 1, the best there is, and the
    /// first such sentence is the one the tie rule picks, provided one of the words is rare
    /// enough to make it a candidate.
    fn aligned(&self, s: &Sent, j: usize, scratch: &mut AlignScratch) -> Option<(f64, usize)> {
        let (peer, index) = (&self.sents[j], &self.indexes[j]);
        let ids = s.ids.as_slice();
        if !ids.is_empty()
            && let Some(&k) = self.exact[j].get(&s.ids_hash)
            && peer[k as usize].ids == ids
            && ids.iter().any(|w| index.get(w).len() <= MAX_CANDIDATE_POSTINGS)
        {
            return Some((1.0, k as usize));
        }
        best_aligned(ids, |k| &peer[k].ids, index, scratch)
    }
}

/// A hash of a sentence's content-word set (sorted ids).
fn ids_hash(ids: &[u32]) -> u64 {
    ids.iter().fold(0u64, |h, &id| mix(h ^ u64::from(id)))
}

/// A content word of one of a member's sentences: (sentence index, normalised word).
type WordAt<'a> = (usize, &'a str);

/// What sentence alignment with the peers gives one member.
struct Aligned {
    /// Length-weighted mean of per-sentence disfluency differences (None: nothing aligned).
    relative: Option<f64>,
    /// Share of aligned sentences clearly worse than their other versions.
    worse_share: Option<f64>,
    /// How much worse than its other versions its worst sentence reads: the largest median
    /// difference of a sentence with an aligned counterpart, shrunk for short sentences
    /// ([`WORST_PRIOR_WORDS`]; None: nothing aligned).
    worst: Option<f64>,
    /// Length-weighted mean disfluency difference over the sentences worded otherwise than
    /// their median other version (None: nothing aligned).
    differing: Option<f64>,
    /// Words most aligned versions replace with a synonym of theirs.
    synonym_swaps: usize,
    /// Sentences aligned with at least one peer's.
    aligned_sentences: usize,
    /// Per sentence of this member, the peers that speak for its wording ([`speakers`]): bit
    /// `k` for `peers[k]`. A peer that lacks a passage (an excerpt, a page that cut a paragraph
    /// or stitched half of the story to another) says nothing about it.
    speakers: Vec<u8>,
    /// Byte spans of this member's sentences that read clearly better than every other version
    /// they were aligned with (sorted): where its wording differs from theirs, theirs is the
    /// rewrite (a garble two versions share leaves the original alone in its wording).
    leads: Vec<(usize, usize)>,
    evidence: Vec<Evidence>,
}

/// What one member has, for comparisons with its peers: its distinct words (interner ids), and
/// its word pairs as ids of the cluster's numbering of pairs, in order and distinct (sorted).
struct Sets {
    words: Vec<u32>,
    pairs: Vec<u32>,
    distinct_pairs: Vec<u32>,
}

impl Sets {
    /// `seen` is work space, all false (left so).
    fn new(p: &Profile<'_>, pair_ids: &mut FxHashMap<(u32, u32), u32>, seen: &mut Vec<bool>) -> Sets {
        let words = distinct(p.words.iter().map(|w| w.0), seen);
        let pairs: Vec<u32> = p
            .words
            .windows(2)
            .map(|w| {
                let next = pair_ids.len() as u32;
                *pair_ids.entry((w[0].0, w[1].0)).or_insert(next)
            })
            .collect();
        let distinct_pairs = distinct(pairs.iter().copied(), seen);
        Sets { words, pairs, distinct_pairs }
    }
}

/// The distinct ids of `ids`, in order of first occurrence (what the counts of [`Support`]
/// need: no sort). `seen` is work space, all false, left so.
fn distinct(ids: impl Iterator<Item = u32>, seen: &mut Vec<bool>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let k = id as usize;
        if k >= seen.len() {
            seen.resize(k + 1, false);
        }
        if !seen[k] {
            seen[k] = true;
            out.push(id);
        }
    }
    for &id in &out {
        seen[id as usize] = false;
    }
    out
}

/// How many of a member's peers have each word and each word pair: counts in arrays indexed by
/// the cluster's ids, filled from the peers' distinct words and pairs and cleared the same way
/// (time linear in the peers' sizes; no hashing per look-up).
struct Support {
    words: Vec<u32>,
    pairs: Vec<u32>,
}

impl Support {
    fn count(&mut self, peers: &[usize], sets: &[Sets]) {
        for &j in peers {
            for &w in &sets[j].words {
                self.words[w as usize] += 1;
            }
            for &b in &sets[j].distinct_pairs {
                self.pairs[b as usize] += 1;
            }
        }
    }

    fn clear(&mut self, peers: &[usize], sets: &[Sets]) {
        for &j in peers {
            for &w in &sets[j].words {
                self.words[w as usize] = 0;
            }
            for &b in &sets[j].distinct_pairs {
                self.pairs[b as usize] = 0;
            }
        }
    }
}

/// Lower-case words of `m` (profile `p`) that no peer has and the reference never writes, each one
/// typing slip ([`one_slip`]: a letter added, dropped or changed, or two neighbours swapped) from
/// a word most peers have: `(token index, that word, how many peers have it)`, in text order.
/// `support` counts the peers having each word.
fn slipped_words<'i>(
    lex: &dyn ConsensusModel,
    m: &Member<'_>,
    p: &Profile<'_>,
    peers: &[usize],
    sets: &[Sets],
    interner: &'i Interner,
    support: &[u32],
) -> Vec<(usize, &'i str, usize)> {
    let majority = peers.len().div_ceil(2).max(2);
    let mut out = Vec::new();
    let mut seen: FxHashSet<u32> = FxHashSet::default();
    // Words most peers have (id, text), once a word needs them.
    let mut forms: Option<Vec<(u32, &str)>> = None;
    for &(w, ti) in &p.words {
        if support[w as usize] != 0 || !seen.insert(w) {
            continue;
        }
        let text = m.tokens[ti].text(m.text);
        // A word of the language (in the reference or the word list) is another word, not a slip
        // ("loops" against two round trips' "loop").
        if text.len() < 5
            || !text.bytes().all(|b| b.is_ascii_lowercase())
            || lex.normalized_count(text) != 0
            || crate::dictionary::Dictionary::embedded().contains(text)
        {
            continue;
        }
        let forms = forms.get_or_insert_with(|| {
            let mut ids: Vec<u32> = peers
                .iter()
                .flat_map(|&j| sets[j].words.iter().copied())
                .filter(|&v| support[v as usize] as usize >= majority)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.into_iter()
                .map(|v| (v, interner.word(v)))
                .filter(|(_, f)| f.len() >= 4 && f.bytes().all(|b| b.is_ascii_lowercase()))
                .collect()
        });
        if let Some(&(v, f)) = forms.iter().find(|(_, f)| one_slip(text.as_bytes(), f.as_bytes())) {
            out.push((ti, f, support[v as usize] as usize));
        }
    }
    out
}

/// The buckets of a word's characters (bit `c mod 64` for character `c`): a lower bound on the
/// edit distance of two words, with no table. A bucket one word has and the other lacks holds a
/// character of the first that the second lacks, and every such character's occurrences must be
/// deleted or substituted, an edit each; so the edit distance is at least the number of such
/// buckets, either way round.
fn char_buckets(chars: &[char]) -> u64 {
    chars.iter().fold(0, |m, &c| m | 1 << (u32::from(c) % 64))
}

/// "Spelling differs from the cluster" evidence over `start..end`: `count` of the `group`
/// closest versions write `form` (suggested as `suggestion`).
fn spelling_evidence(
    start: usize,
    end: usize,
    form: &str,
    suggestion: String,
    count: usize,
    group: usize,
) -> Evidence {
    Evidence {
        family: Family::Consensus,
        kind: "spelling-differs-from-cluster",
        start,
        end,
        strength: count as f64 / group as f64,
        note: format!("{count} of the {group} closest versions of this story write {form:?}"),
        suggestion: Some(suggestion),
    }
}

/// Compares the members of one cluster, each with its peers (in parallel over members: one
/// large cluster must not hold up a batch on one thread).
fn compare(
    lex: &dyn ConsensusModel,
    ms: &[Member<'_>],
    anchors: &[&Anchors],
    first: usize,
) -> Vec<MemberResult> {
    let n = ms.len();
    let mut interner = Interner::default();
    let mut spellings = Spellings::default();
    let profiles: Vec<Profile<'_>> =
        ms.iter().map(|m| profile(lex as &dyn Lexicon, m, &mut interner, &mut spellings)).collect();
    drop(spellings);
    let sentences = ClusterSentences::new(
        ms.iter().zip(&profiles).map(|(m, p)| sentence_profiles(lex, m, p, &mut interner)).collect(),
    );
    let mut pair_ids: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let mut seen = Vec::new();
    let sets: Vec<Sets> = profiles.iter().map(|p| Sets::new(p, &mut pair_ids, &mut seen)).collect();
    let copies = copy_groups(&sentences);
    let cx = ClusterData {
        lex,
        ms,
        profiles,
        sentences,
        sets,
        pair_count: pair_ids.len(),
        interner,
        peers: peers(anchors, &copies),
    };
    let rows: Vec<Option<Row>> = (0..n)
        .into_par_iter()
        .with_min_len(4)
        .map_init(|| MemberScratch::new(&cx), |scratch, i| compare_member(&cx, i, scratch))
        .collect();
    let peer_lists = cx.peers;
    let profiles = cx.profiles;
    let rates: Vec<Option<f64>> = rows.iter().map(|r| r.as_ref().map(|r| r.rate)).collect();
    let mut out = Vec::with_capacity(n);
    for (i, row) in rows.into_iter().enumerate() {
        let Some(Row {
            deviation,
            rate,
            disagreements: dis,
            evidence,
            relative,
            differing,
            worse_share,
            worst,
            synonym_swaps,
        }) = row
        else {
            out.push(MemberResult {
                output: FamilyOutput {
                    features: FEATURES.iter().map(|n| Feature::missing(n)).collect(),
                    evidence: Vec::new(),
                },
                cluster: Some(ClusterInfo {
                    id: String::new(),
                    first,
                    size: n,
                    deviation: 0.0,
                    likely_original: false,
                }),
            });
            continue;
        };
        let min_rate = peer_lists[i].iter().filter_map(|&j| rates[j]).fold(rate, f64::min);
        let words = profiles[i].words.len().max(1) as f64;
        out.push(MemberResult {
            output: FamilyOutput {
                features: vec![
                    Feature::new("consensus.deviation", deviation),
                    Feature::new("consensus.unattested_rate", rate),
                    Feature::new("consensus.unattested_excess", rate - min_rate),
                    Feature::new("consensus.entity_disagreements", 100.0 * dis as f64 / words),
                    relative.map_or(Feature::missing("consensus.relative_disfluency"), |x| {
                        Feature::new("consensus.relative_disfluency", x)
                    }),
                    differing.map_or(Feature::missing("consensus.differing_disfluency"), |x| {
                        Feature::new("consensus.differing_disfluency", x)
                    }),
                    worse_share.map_or(Feature::missing("consensus.worse_share"), |x| {
                        Feature::new("consensus.worse_share", x)
                    }),
                    worst.map_or(Feature::missing("consensus.worst_sentence"), |x| {
                        Feature::new("consensus.worst_sentence", x)
                    }),
                    synonym_swaps.map_or(Feature::missing("consensus.synonym_swaps"), |x| {
                        Feature::new("consensus.synonym_swaps", 100.0 * x as f64 / words)
                    }),
                ],
                evidence,
            },
            cluster: Some(ClusterInfo {
                id: String::new(),
                first,
                size: n,
                deviation,
                likely_original: false,
            }),
        });
    }
    out
}

/// What a cluster's members share for their comparisons, built once per cluster.
struct ClusterData<'c, 'a> {
    lex: &'c dyn ConsensusModel,
    ms: &'c [Member<'a>],
    profiles: Vec<Profile<'a>>,
    sentences: ClusterSentences,
    sets: Vec<Sets>,
    /// How many word pairs the cluster's numbering holds.
    pair_count: usize,
    interner: Interner,
    /// Per member, its peers ([`peers`]).
    peers: Vec<Vec<usize>>,
}

/// One thread's work space for member comparisons: peer support counts, the model's answers
/// about word pairs (a cache: every thread gets the same answers), sentence alignment.
struct MemberScratch {
    support: Support,
    attested: Vec<Option<bool>>,
    align: AlignScratch,
}

impl MemberScratch {
    fn new(cx: &ClusterData<'_, '_>) -> MemberScratch {
        MemberScratch {
            support: Support { words: vec![0; cx.interner.len()], pairs: vec![0; cx.pair_count] },
            attested: vec![None; cx.pair_count],
            align: AlignScratch::new(cx.sentences.sents.iter().map(Vec::len).max().unwrap_or(0)),
        }
    }
}

/// Member `i`'s comparison with its peers (`None` without peers).
fn compare_member(cx: &ClusterData<'_, '_>, i: usize, scratch: &mut MemberScratch) -> Option<Row> {
    let ClusterData { lex, ms, profiles, sentences, sets, interner, peers, .. } = cx;
    let lex = *lex;
    let MemberScratch { support, attested, align } = scratch;
    let (m, p, peers) = (&ms[i], &profiles[i], &peers[i]);
    if peers.is_empty() {
        return None;
    }
    let words = p.words.len().max(1) as f64;
    support.count(peers, sets);
    // A word or word pair is in the minority when fewer than half of the peers have it.
    let minority = |support: usize| 2 * support < peers.len();
    let unique = p.words.iter().filter(|(w, _)| minority(support.words[*w as usize] as usize)).count();
    let deviation = unique as f64 / words;
    // Word pairs the reference model does not attest, and how many peers lack each: the rate
    // is the mean over peers of the share of pairs neither that peer nor the model has. A
    // garble shared by two versions (one MT system, two fractions) still counts against
    // both when compared with every other version. Pairs in this member's lead sentences
    // (it reads clearly better there than every other version) are left out: there the
    // others share a garble, and the original's own wording is what no peer attests.
    let mut al = align_with_peers(lex, m, sentences, align, interner, i, peers);
    // A token inside one of this member's lead sentences.
    let in_lead = |ti: usize| {
        let at = m.tokens[ti].start();
        let k = al.leads.partition_point(|&(start, _)| start <= at);
        k > 0 && at < al.leads[k - 1].1
    };
    // The peers speaking for the sentence at byte `at` (one before the first sentence speaks
    // for the words before it), bit `k` for `peers[k]`. The word pairs come in text order, so a
    // cursor over the sentences (sorted by start) finds it: `below` is how many of them start
    // at or before the last `at` asked (searched for again should `at` ever go back).
    let mine = &sentences.sents[i];
    let mut below = 0usize;
    let mut speaking = |at: usize| {
        if below > 0 && mine[below - 1].start > at {
            below = mine.partition_point(|s| s.start <= at);
        }
        while below < mine.len() && mine[below].start <= at {
            below += 1;
        }
        al.speakers.get(below.saturating_sub(1)).copied().unwrap_or(0)
    };
    // Summed over peers: the pairs each peer lacks that the model does not attest, and the
    // pairs each peer speaks for (those in sentences it speaks for).
    let (mut lacking, mut counted) = (0usize, 0usize);
    // Tokens of a headline: there the reference's running text is no judge of a word pair.
    let headline = headline_tokens(m);
    // The distinct pairs of peers that lack part of this member, built when first asked.
    let mut peer_pairs: Vec<Option<FxHashSet<u32>>> = vec![None; peers.len()];
    for (w, &b) in p.words.windows(2).zip(&sets[i].pairs) {
        let speakers = speaking(m.tokens[w[1].1].start());
        let covers = |k: usize| speakers & (1 << k) != 0;
        let covering = (0..peers.len()).filter(|&k| covers(k)).count();
        counted += covering;
        if covering == 0 || in_lead(w[1].1) {
            continue;
        }
        // Peers first: a pair every peer has needs no model look-up.
        let have = support.pairs[b as usize] as usize;
        if have == peers.len()
            || (w[1].1 >= headline
                && *attested[b as usize].get_or_insert_with(|| {
                    lex.bigram_count(interner.word(w[0].0), interner.word(w[1].0)) != 0
                }))
        {
            continue;
        }
        if covering == peers.len() {
            lacking += peers.len() - have;
            continue;
        }
        for (k, &j) in peers.iter().enumerate() {
            if covers(k)
                && !peer_pairs[k]
                    .get_or_insert_with(|| sets[j].distinct_pairs.iter().copied().collect())
                    .contains(&b)
            {
                lacking += 1;
            }
        }
    }
    let slips = slipped_words(lex, m, p, peers, sets, interner, &support.words);
    support.clear(peers, sets);
    // Every peer tells the story otherwise: as with no full sentence aligned, below.
    if counted == 0 {
        return None;
    }
    let rate = 100.0 * lacking as f64 / counted as f64;
    // Spellings most of this member's versions agree on.
    let group = peers.len() + 1;
    // A spelling several other versions share (at least two, and a third of them) against one
    // no other version uses.
    let majority = peers.len().div_ceil(3).max(2);
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for &j in peers {
        for s in profiles[j].surfaces.keys() {
            *counts.entry(s).or_default() += 1;
        }
    }
    let mut majority_forms: Vec<(&str, usize)> = counts.into_iter().filter(|(_, c)| *c >= majority).collect();
    majority_forms.sort();
    // The forms' characters and their [`char_buckets`], once a surface needs them.
    let mut form_chars: Vec<(Vec<char>, u64)> = Vec::new();
    let mut chars: Vec<char> = Vec::new();
    let mut table: Vec<usize> = Vec::new();
    let mut disagreements = slips.len();
    let mut evidence: Vec<Evidence> = slips
        .into_iter()
        .map(|(ti, form, count)| {
            let t = m.tokens[ti];
            spelling_evidence(t.start(), t.end(), form, form.to_string(), count, group)
        })
        .collect();
    let mut odd: Vec<(&str, usize)> = p.surfaces.iter().map(|(s, i)| (*s, *i)).collect();
    odd.sort_by_key(|x| x.1);
    for (s, ti) in odd {
        if majority_forms.is_empty() || peers.iter().any(|&j| profiles[j].surfaces.contains_key(s)) {
            continue;
        }
        // A word clean text uses ("Tuesday", "Ukrainians") is another word, not a misspelling.
        if lex.surface_count(s) >= KNOWN_SURFACE {
            continue;
        }
        chars.clear();
        chars.extend(s.chars());
        let max_edits = if chars.len() <= 4 { 1 } else { 2 };
        if form_chars.is_empty() {
            form_chars = majority_forms
                .iter()
                .map(|(f, _)| {
                    let fc: Vec<char> = f.chars().collect();
                    let buckets = char_buckets(&fc);
                    (fc, buckets)
                })
                .collect();
        }
        let buckets = char_buckets(&chars);
        let best = majority_forms
            .iter()
            .zip(&form_chars)
            .filter_map(|((f, c), (fc, fb))| {
                // Each bucket one side has and the other lacks takes an edit of its own.
                if (buckets & !fb).count_ones() as usize > max_edits
                    || (fb & !buckets).count_ones() as usize > max_edits
                {
                    return None;
                }
                let d = crate::lexicon::levenshtein_within_chars(&chars, fc, max_edits, &mut table)?;
                (d >= 1).then_some((d, *c, *f))
            })
            .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        let Some((_, count, form)) = best else { continue };
        if s.to_lowercase() == form.to_lowercase() {
            continue;
        }
        disagreements += 1;
        let t = m.tokens[ti];
        let mut end = t.start() + s.len();
        let mut suggestion = form.to_string();
        if m.text[end..].starts_with('.') && s.contains('.') {
            end += 1;
            suggestion.push('.');
        }
        evidence.push(spelling_evidence(t.start(), end, form, suggestion, count, group));
    }
    evidence.append(&mut al.evidence);
    // A version none of whose full sentences aligns with a peer's (a paraphrase of the whole
    // story, an independent report, captions) differs from its peers' words throughout, not
    // where it was garbled: the comparison says nothing about it, and it is scored as if it had
    // no other version (its cluster is still reported).
    al.relative?;
    Some(Row {
        deviation,
        rate,
        disagreements,
        evidence,
        relative: al.relative,
        differing: al.differing,
        worse_share: al.worse_share,
        worst: al.worst,
        synonym_swaps: (al.aligned_sentences > 0).then_some(al.synonym_swaps),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::sentences;
    use crate::test_support::XorShift;
    use crate::tokenize::tokenize;
    use std::collections::HashSet;

    struct Flat;
    impl SentenceFluency for Flat {
        fn disfluency(&self, text: &str, tokens: &[Token]) -> Option<f64> {
            let words: Vec<&str> = tokens.iter().filter(|t| t.is_wordlike()).map(|t| t.text(text)).collect();
            // Odd words, and a function word out of place ("range the of new vehicles").
            let odd = words.iter().filter(|w| matches!(**w, "bully" | "assemble" | "erstwhile")).count()
                + 2 * words.windows(2).filter(|p| p == &["the", "of"]).count();
            (!words.is_empty()).then(|| odd as f64 / words.len() as f64)
        }
    }
    impl Lexicon for Flat {
        fn surface_count(&self, _: &str) -> u64 {
            0
        }
        fn normalized_count(&self, w: &str) -> u64 {
            match w {
                "the" | "a" | "and" | "of" | "to" | "in" | "said" | "was" => 50_000,
                // Words the tests' reference never writes: a slip, and a word of the language.
                "matetred" | "matters" => 0,
                _ => 1,
            }
        }
        fn near_misses(&self, _: &str, _: u32) -> Vec<(String, u64)> {
            Vec::new()
        }
        fn total_tokens(&self) -> u64 {
            1_000_000
        }
        fn bigram_count(&self, a: &str, b: &str) -> u64 {
            u64::from(matches!((a, b), ("said", "the") | ("of", "the")))
        }
    }

    fn run(texts: &[&str]) -> Vec<Option<MemberResult>> {
        run_with(texts, &[])
    }

    /// [`run`], with each member's per-sentence round-trip contrast when `contrast` has one.
    fn run_with(texts: &[&str], contrast: &[Vec<Option<f64>>]) -> Vec<Option<MemberResult>> {
        let toks: Vec<Vec<Token>> = texts.iter().map(|t| tokenize(t)).collect();
        let sents: Vec<Vec<SentenceSpan>> = texts.iter().zip(&toks).map(|(t, k)| sentences(t, k)).collect();
        let members: Vec<Option<Member<'_>>> = (0..texts.len())
            .map(|i| {
                Some(Member {
                    text: texts[i],
                    tokens: &toks[i],
                    sentences: &sents[i],
                    disfluency: None,
                    roundtrip: contrast.get(i).map(Vec::as_slice),
                })
            })
            .collect();
        analyze_batch(&Flat, &members)
    }

    const A: &str = "Senior U.S. and Russian officials will meet in Geneva on January 10, said Steven Pifer, a former ambassador. Pifer said the talks in Geneva mattered for Ukraine and NATO.";
    const B: &str = "Senior U.S. and Russian officials meet in Geneva on January 10, Steven Pifer, a former ambassador, said. Pifer added the Geneva talks matter for Ukraine and NATO.";
    const C: &str = "Senior A.S. and Russian officials bully assemble in Geneva on January 10, said Steven Piffer, a erstwhile ambassador. Piffer said the negotiations in Geneva mattered for Ukraine and NATO.";
    const OTHER: &str = "The football club signed a goalkeeper from Brazil for 12 million pounds on Tuesday, the manager confirmed at a press conference in Manchester.";

    #[test]
    fn versions_cluster_and_unrelated_stays_alone() {
        let r = run(&[A, B, C, OTHER]);
        let c: Vec<_> =
            r.iter().map(|x| x.as_ref().unwrap().cluster.as_ref().map(|c| (c.first, c.size))).collect();
        assert_eq!(c, [Some((0, 3)), Some((0, 3)), Some((0, 3)), None]);
        assert!(r[3].as_ref().unwrap().output.features.iter().all(|f| f.value.is_none()));
    }

    #[test]
    fn the_odd_spelling_is_evidence_with_the_majority_reading() {
        let r = run(&[A, B, C]);
        let c = r[2].as_ref().unwrap();
        let ev: Vec<_> =
            c.output.evidence.iter().map(|e| (&C[e.start..e.end], e.suggestion.as_deref())).collect();
        assert!(ev.contains(&("A.S.", Some("U.S."))), "{ev:?}");
        assert!(ev.contains(&("Piffer", Some("Pifer"))), "{ev:?}");
        assert!(r[0].as_ref().unwrap().output.evidence.is_empty());
        let dev = |i: usize| r[i].as_ref().unwrap().output.get("consensus.unattested_rate").unwrap();
        assert!(dev(2) > dev(0) && dev(2) > dev(1));
        assert!(!r[2].as_ref().unwrap().cluster.as_ref().unwrap().likely_original);
        let rel = |i: usize| r[i].as_ref().unwrap().output.get("consensus.relative_disfluency").unwrap();
        assert!(rel(2) > 0.0 && rel(2) > rel(0) && rel(2) > rel(1), "{} {} {}", rel(0), rel(1), rel(2));
        assert!(r[2].as_ref().unwrap().output.evidence.iter().any(|e| e.kind == "worse-than-other-versions"));
    }

    #[test]
    fn one_damaged_sentence_counts_undiluted_by_the_shared_ones() {
        // Four sentences in common, one of them damaged in the copy: relative disfluency
        // averages the difference over every aligned sentence, the differing one over the
        // damaged sentence alone (both shrunk by their priors).
        let story = "Senior U.S. and Russian officials will meet in Geneva on January 10, said Steven Pifer, a former ambassador. \
                     Pifer said the talks in Geneva mattered for Ukraine and NATO. \
                     The White House said the president would speak with European leaders before the meeting. \
                     Officials in Moscow said they expected written answers to their proposals.";
        let damaged = story.replace(
            "Pifer said the talks in Geneva mattered for Ukraine and NATO.",
            "Pifer said the negotiations in Geneva bully mattered for the Ukraine and NATO erstwhile.",
        );
        let r = run(&[story, &damaged]);
        let get = |i: usize, f: &str| r[i].as_ref().unwrap().output.get(f).unwrap();
        let (rel, diff) = (get(1, "consensus.relative_disfluency"), get(1, "consensus.differing_disfluency"));
        assert!(diff > rel && rel > 0.0, "{rel} {diff}");
        assert!(get(0, "consensus.differing_disfluency") < 0.0);
        // The damaged sentence is the copy's worst, the original's reads better than its copy.
        let (worst, orig) = (get(1, "consensus.worst_sentence"), get(0, "consensus.worst_sentence"));
        assert!(worst > diff && orig <= 0.0, "{worst} {orig}");
    }

    #[test]
    fn a_question_headline_is_not_compared_for_fluency() {
        // Two versions differ only in their headline, a question: headlines are telegraphic
        // (or title case, a row of names to the model), so the model's reading of one is no
        // judge of the other, and neither version reads worse for it.
        let body = FLOOD[..5].join(" ");
        let story = format!("Is An Oxygen Bar In Riverton Offering Fresh Air?\n\n{body}");
        let copy = format!("Is the of oxygen bar the in Riverton offering air fresh?\n\n{body}");
        let r = run(&[&story, &copy]);
        for (i, m) in r.iter().enumerate() {
            let out = &m.as_ref().unwrap().output;
            assert_eq!(out.get("consensus.worst_sentence"), Some(0.0), "version {i}");
            assert_eq!(out.get("consensus.worse_share"), Some(0.0), "version {i}");
            assert!(out.evidence.iter().all(|e| e.kind != "worse-than-other-versions"), "version {i}");
        }
    }

    #[test]
    fn a_sentence_reordered_with_the_same_content_words_is_compared() {
        // Word order and function words are all that differ: the content words are the same, the
        // sentences are not, and the copy's reads worse.
        let sentence = "Volunteers from Northgate filled sandbags outside of the Riverton library.";
        let story = FLOOD[..5].join(" ").replace(FLOOD[2], sentence);
        let copy = story.replace(sentence, &sentence.replace(" of the ", " the of "));
        let r = run(&[&story, &copy]);
        let get = |i: usize, f: &str| r[i].as_ref().unwrap().output.get(f).unwrap();
        assert!(get(1, "consensus.worse_share") > 0.0, "{}", get(1, "consensus.worse_share"));
        assert!(get(1, "consensus.differing_disfluency") > 0.0);
        assert!(get(0, "consensus.differing_disfluency") < 0.0);
    }

    #[test]
    fn a_sentence_garbled_past_alignment_is_compared_with_its_counterpart_in_place() {
        // The copy rewrites one sentence so far (half its content words) that it no longer
        // aligns; between two aligned neighbours it is still compared with the original's
        // sentence there, and reads worse.
        let story = FLOOD[..5].join(" ");
        let garbled =
            "Volunteers of Northgate assemble bully erstwhile sacks beside the Riverton bibliotheca.";
        let copy = story.replace(FLOOD[2], garbled);
        let r = run(&[&story, &copy]);
        let get = |i: usize, f: &str| r[i].as_ref().unwrap().output.get(f).unwrap();
        assert!(get(1, "consensus.worse_share") > 0.0, "{}", get(1, "consensus.worse_share"));
        assert!(get(1, "consensus.differing_disfluency") > 0.0);
        assert_eq!(get(0, "consensus.worse_share"), 0.0);
        // A loose counterpart is not enough for the worst sentence (it may be another sentence
        // of a passage the peer lacks): the copy's aligned sentences are the original's.
        assert_eq!(get(1, "consensus.worst_sentence"), 0.0);
        let ev = &r[1].as_ref().unwrap().output.evidence;
        assert!(
            ev.iter().any(|e| e.kind == "worse-than-other-versions" && &copy[e.start..e.end] == garbled),
            "{ev:?}"
        );
    }

    #[test]
    fn a_headline_is_a_short_first_line_without_a_full_stop() {
        let head = |text: &str| {
            let toks = tokenize(text);
            let sents = sentences(text, &toks);
            let m = Member { text, tokens: &toks, sentences: &sents, disfluency: None, roundtrip: None };
            let n = headline_tokens(&m);
            toks[..n].iter().map(|t| t.text(text)).collect::<Vec<_>>().join(" ")
        };
        assert_eq!(
            head("Kirwan demands Italy consistency\n\nThe coach said so."),
            "Kirwan demands Italy consistency"
        );
        assert_eq!(
            head("Vouchers 'to cut winter deaths'\nBody text here."),
            "Vouchers ' to cut winter deaths '"
        );
        // A question or an exclamation is one.
        assert_eq!(
            head("Could Yukos be a blessing in disguise?\nBody."),
            "Could Yukos be a blessing in disguise ?"
        );
        // A first sentence that ends with a full stop, runs on, or is too long is no headline.
        assert_eq!(head("The coach said so.\nMore text."), "");
        assert_eq!(head("Read on:\nMore text."), "");
        assert_eq!(head("The coach said so and then left"), "");
        let long = format!("{}\n\nBody.", ["word"; 17].join(" "));
        assert_eq!(head(&long), "");
        assert_eq!(head(""), "");
    }

    #[test]
    fn loose_counterparts_count_only_in_place() {
        let f = |b: &[Option<(f64, usize)>]| in_place_counterparts(b);
        let (al, lo, un) = (1.0, 0.3, 0.1);
        // Between the counterparts of its neighbours, before the first and after the last.
        assert_eq!(f(&[Some((al, 0)), Some((lo, 1)), Some((al, 2))]), [false, true, false]);
        assert_eq!(f(&[Some((lo, 0)), Some((al, 1))]), [true, false]);
        assert_eq!(f(&[Some((al, 0)), Some((lo, 1))]), [false, true]);
        // Out of place, aligned with another sentence, too loose, or no aligned sentence at all.
        assert_eq!(f(&[Some((al, 0)), Some((lo, 3)), Some((al, 2))]), [false; 3]);
        assert_eq!(f(&[Some((al, 0)), Some((lo, 2)), Some((al, 2))]), [false; 3]);
        assert_eq!(f(&[Some((al, 0)), Some((un, 1)), Some((al, 2))]), [false; 3]);
        assert_eq!(f(&[Some((lo, 0)), None, Some((lo, 2))]), [false; 3]);
    }

    /// Eight sentences of one story and eight of another, for partial copies.
    const FLOOD: [&str; 8] = [
        "Heavy rain flooded Riverton on Monday, said Mayor Alma Quist.",
        "Quist said the Ellery bridge closed after water covered its deck.",
        "Volunteers from Northgate filled sandbags outside the Riverton library.",
        "The Hallam weather office expects more rain across the valley on Wednesday.",
        "Farmers near Ostby moved cattle to higher fields before dawn.",
        "The Ellery school opened its gym as a shelter for forty families.",
        "Power cuts left Northgate and Ostby dark for six hours overnight.",
        "Quist thanked crews from Hallam who cleared fallen trees from roads.",
    ];
    const MATCH: [&str; 8] = [
        "Dunmore Rovers beat Castlebay United three goals to one on Saturday.",
        "Striker Pavel Okonjo scored twice before the break at Fenwick Park.",
        "Castlebay coach Ilse Brandt blamed a tired defence for the early goals.",
        "Okonjo has now scored nine league goals for Dunmore this season.",
        "A late header from Teodor Vasko gave Castlebay brief hope of a comeback.",
        "Brandt said her squad would rest before the cup tie in Wexley.",
        "Dunmore climbed to second place behind Wexley Athletic after the win.",
        "Fenwick Park sold out for the first time since the stadium reopened.",
    ];

    #[test]
    fn a_passage_a_version_lacks_does_not_count_against_the_others() {
        let flood = FLOOD.join(" ");
        let matchday = MATCH.join(" ");
        let stitched = [&FLOOD[..4], &MATCH[4..]].concat().join(" ");
        let excerpt = FLOOD[..4].join(" ");
        let rate = |r: &[Option<MemberResult>], i: usize| {
            r[i].as_ref().unwrap().output.get("consensus.unattested_rate").unwrap()
        };
        // The stitched page has a version of the flood story's first half only: the second half
        // is not "a wording no other version has". Nor is the excerpt's missing half.
        let r = run(&[&flood, &stitched, &matchday]);
        assert!(rate(&r, 0) < 30.0, "{}", rate(&r, 0));
        assert!(rate(&r, 2) < 30.0, "{}", rate(&r, 2));
        let r = run(&[&flood, &excerpt]);
        assert!(rate(&r, 0) < 30.0, "{}", rate(&r, 0));
        // Nor two paragraphs an update added (or a republisher cut) in the middle.
        let early = [&FLOOD[..3], &FLOOD[5..]].concat().join(" ");
        let r = run(&[&flood, &early]);
        assert!(rate(&r, 0) < 10.0, "{}", rate(&r, 0));
        // A version whose last sentences were rewritten past alignment still has most of their
        // words: it speaks for the whole story, and the rewording counts.
        let mut reworded = FLOOD;
        reworded[5] = "A shelter for forty families was opened in the gym of the Ellery school.";
        reworded[6] = "For six hours overnight Northgate and Ostby stayed dark after power cuts.";
        reworded[7] = "Crews from Hallam, whom Quist thanked, cleared roads of fallen trees.";
        let r = run(&[&flood, &reworded.join(" ")]);
        assert!(rate(&r, 1) > 20.0, "{}", rate(&r, 1));
    }

    #[test]
    fn another_report_of_the_event_sharing_a_quote_says_nothing_of_the_wording() {
        // Another site's report: the same people and places, one sentence in common, the rest
        // its own. Neither wording is a rewrite of the other.
        let report = [
            "Riverton residents spent the day bailing out basements and muddy cellars with buckets.",
            "Quist said the Ellery bridge closed after water covered its deck.",
            "Insurance adjusters in Northgate expect claims to climb through coming weeks.",
            "Shop owners along Ostby high street swept brown sludge from their doorways.",
            "Emergency managers from Hallam asked motorists to avoid rural lanes until further notice.",
            "Alma Quist urged neighbours to check on elderly relatives living alone.",
        ]
        .join(" ");
        let r = run(&[&FLOOD.join(" "), &report]);
        for m in &r {
            let m = m.as_ref().unwrap();
            assert_eq!(m.cluster.as_ref().map(|c| c.size), Some(2), "the reports tell one story");
            assert!(m.output.features.iter().all(|f| f.value.is_none()), "{:?}", m.output.features);
        }
        // A rewrite of the story sentence by sentence is compared.
        let mut spun = FLOOD;
        spun[0] = "Heavy rain inundated Riverton on Monday, said Mayor Alma Quist.";
        spun[2] = "Volunteers from Northgate packed sandbags outside the Riverton library.";
        spun[4] = "Farmers close to Ostby shifted cattle to higher pastures before sunrise.";
        let r = run(&[&FLOOD.join(" "), &spun.join(" ")]);
        assert!(r[1].as_ref().unwrap().output.get("consensus.unattested_rate").is_some());
    }

    #[test]
    fn a_typing_slip_the_other_versions_do_not_make_is_a_disagreement() {
        // Two versions write "mattered"; the third slipped.
        let second = A.replace("former", "onetime");
        let slipped = A.replace("mattered", "matetred");
        let r = run(&[A, &second, &slipped]);
        let c = r[2].as_ref().unwrap();
        let ev: Vec<_> =
            c.output.evidence.iter().map(|e| (&slipped[e.start..e.end], e.suggestion.as_deref())).collect();
        assert!(ev.contains(&("matetred", Some("mattered"))), "{ev:?}");
        assert!(c.output.get("consensus.entity_disagreements").unwrap() > 0.0);
        // A word of the language written otherwise by the others ("matters") is no slip.
        let other_word = A.replace("mattered", "matters");
        let r = run(&[A, &second, &other_word]);
        assert_eq!(r[2].as_ref().unwrap().output.get("consensus.entity_disagreements"), Some(0.0));
    }

    #[test]
    fn a_version_with_no_full_sentence_to_compare_gets_no_comparison() {
        // The story as lines without sentence ends (captions, a list): a version of it, but no
        // full sentence of it can be compared with another version's.
        let lines = "Senior U.S. and Russian officials meet in Geneva on January 10, Steven Pifer, a former ambassador, says\n\
                     Pifer adds the talks in Geneva matter for Ukraine and NATO";
        let r = run(&[A, B, lines]);
        let c = r[2].as_ref().unwrap();
        assert_eq!(c.cluster.as_ref().map(|c| c.size), Some(3), "still a version of the story");
        assert!(c.output.features.iter().all(|f| f.value.is_none()), "{:?}", c.output.features);
        assert!(r[0].as_ref().unwrap().output.get("consensus.relative_disfluency").is_some());
    }

    #[test]
    fn versions_are_compared_by_round_trip_likeness_too() {
        // The second sentence reworded: the reference model (here `Flat`) finds both wordings
        // equally fluent, but the rewrite reads like a machine round trip.
        let rewrite = "Senior U.S. and Russian officials will meet in Geneva on January 10, said Steven Pifer, a former ambassador. Pifer said the conversations in Geneva were important for Ukraine and NATO.";
        let contrast = [vec![Some(-0.05), Some(-0.05)], vec![Some(-0.05), Some(0.35)]];
        let relative = |contrast: &[Vec<Option<f64>>]| {
            let r = run_with(&[A, rewrite], contrast);
            let rel = |i: usize| r[i].as_ref().unwrap().output.get("consensus.relative_disfluency").unwrap();
            (rel(0), rel(1))
        };
        assert_eq!(relative(&[]), (0.0, 0.0));
        let (orig, rt) = relative(&contrast);
        assert!(orig < 0.0 && rt > 0.0, "{orig} {rt}");
    }

    #[test]
    fn a_garble_two_versions_share_does_not_make_the_original_odd() {
        // One MT system at two fractions of a text: the 25% version's garbled sentence is the
        // 100% version's word for word, so by attestation the original is the odd one out in
        // that sentence. It reads better than both there, so its wording counts as the
        // original's, not as unattested.
        let orig = A;
        let garbled = "Pifer bully the assemble in Geneva erstwhile for Ukraine and NATO.";
        let quarter = format!("{} {garbled}", A.split(". ").next().unwrap().to_string() + ".");
        let whole = format!(
            "Senior U.S. and Russian officials bully meet in Geneva on January 10, assemble Steven Pifer, a erstwhile ambassador. {garbled}"
        );
        let r = run(&[orig, &quarter, &whole]);
        assert!(r.iter().all(|m| m.as_ref().unwrap().cluster.as_ref().is_some_and(|c| c.size == 3)));
        let excess = |i: usize| r[i].as_ref().unwrap().output.get("consensus.unattested_excess").unwrap();
        assert_eq!(excess(0), 0.0, "the original has the least unattested wording");
        assert!(excess(1) > 0.0 && excess(2) > 0.0, "{} {}", excess(1), excess(2));
    }

    /// Copy groups ([`copy_groups`]) of one cluster of `texts`.
    fn groups(texts: &[&str]) -> Vec<usize> {
        let toks: Vec<Vec<Token>> = texts.iter().map(|t| tokenize(t)).collect();
        let sents: Vec<Vec<SentenceSpan>> = texts.iter().zip(&toks).map(|(t, k)| sentences(t, k)).collect();
        let ms: Vec<Member<'_>> = (0..texts.len())
            .map(|i| Member {
                text: texts[i],
                tokens: &toks[i],
                sentences: &sents[i],
                disfluency: None,
                roundtrip: None,
            })
            .collect();
        let mut interner = Interner::default();
        let mut spellings = Spellings::default();
        let profiles: Vec<Profile<'_>> =
            ms.iter().map(|m| profile(&Flat, m, &mut interner, &mut spellings)).collect();
        copy_groups(&ClusterSentences::new(
            ms.iter().zip(&profiles).map(|(m, p)| sentence_profiles(&Flat, m, p, &mut interner)).collect(),
        ))
    }

    #[test]
    fn copies_differ_in_page_furniture_only() {
        let mirror = format!("Leave a Reply\n{A}\nShow More");
        let reworded = A.replace("mattered", "counted");
        let recased = A.replace("Russian officials", "Russian Officials");
        let gutted = A.split(". ").next().unwrap().to_string() + ".";
        assert_eq!(
            groups(&[A, C, &mirror, C, &reworded, &recased, &gutted, &reworded]),
            [0, 1, 0, 1, 4, 5, 6, 4]
        );
    }

    #[test]
    fn copies_of_one_version_are_one_voice() {
        // Three copies of the spun version would outvote the two others; counted once, each
        // version's comparison is the one of three distinct versions.
        let mirror = format!("Leave a Reply\n{C}\nShow More");
        let many = run(&[A, B, C, C, &mirror]);
        let three = run(&[A, B, C]);
        let features = |r: &Option<MemberResult>| r.as_ref().unwrap().output.features.clone();
        for i in 0..3 {
            assert_eq!(features(&many[i]), features(&three[i]), "version {i}");
        }
        assert_eq!(features(&many[3]), features(&three[2]));
        assert_eq!(many[0].as_ref().unwrap().cluster.as_ref().unwrap().size, 5);
    }

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
    fn char_buckets_bound_the_edit_distance_from_below() {
        let mut rng = XorShift::new(3);
        let alphabet: Vec<char> = "abcdeABC\u{e9}\u{3a3}@\u{80}\u{c0}".chars().collect();
        let mut table = Vec::new();
        for _ in 0..3000 {
            let mut word = || -> Vec<char> {
                let n = rng.below(7);
                (0..n).map(|_| alphabet[rng.below(alphabet.len())]).collect()
            };
            let (a, b) = (word(), word());
            let d = crate::lexicon::levenshtein_within_chars(&a, &b, 8, &mut table).unwrap();
            let (x, y) = (char_buckets(&a), char_buckets(&b));
            assert!(
                (x & !y).count_ones() as usize <= d && (y & !x).count_ones() as usize <= d,
                "{a:?} {b:?}"
            );
        }
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

    /// A sentence of content words `ids` (sorted, distinct) for the alignment tests.
    fn sent(ids: Vec<u32>) -> Sent {
        Sent { start: 0, end: 0, ids_hash: ids_hash(&ids), ids, key: 0, disfluency: None, roundtrip: None }
    }

    /// `n` sorted sets of distinct ids below `vocab`, of 0 to 11 ids each.
    fn random_sets(rng: &mut XorShift, n: usize, vocab: u64) -> Vec<Vec<u32>> {
        (0..n)
            .map(|_| {
                let len = rng.below(12);
                let mut v: Vec<u32> = (0..len).map(|_| (rng.next() % vocab) as u32).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect()
    }

    #[test]
    fn postings_list_the_sets_holding_each_key_in_order() {
        let sets: Vec<Vec<u32>> = vec![vec![1, 2, 3], vec![], vec![2, 9], vec![3, 2, 7]];
        let p = Postings::build(sets.iter().map(Vec::as_slice));
        assert_eq!(p.get(&2), &[0, 2, 3]);
        assert_eq!(p.get(&3), &[0, 3]);
        assert_eq!(p.get(&9), &[2]);
        assert!(p.get(&4).is_empty());
        let empty = Postings::<u64>::build(std::iter::empty());
        assert!(empty.get(&1).is_empty());
        // Against a scan, on random sets.
        let mut rng = XorShift::new(7);
        for _ in 0..50 {
            let sets = random_sets(&mut rng, 30, 40);
            let p = Postings::build(sets.iter().map(Vec::as_slice));
            for key in 0..45u32 {
                let want: Vec<u32> =
                    (0..sets.len() as u32).filter(|&k| sets[k as usize].contains(&key)).collect();
                assert_eq!(p.get(&key), want.as_slice(), "key {key}");
            }
        }
    }

    #[test]
    fn best_aligned_is_the_best_merge_overlap_among_rare_word_candidates() {
        let mut rng = XorShift::new(11);
        for round in 0..200 {
            // A small vocabulary makes some words common to more than 64 sentences.
            let vocab = [8, 30, 400][round % 3];
            let peer: Vec<Sent> = random_sets(&mut rng, 150, vocab).into_iter().map(sent).collect();
            let index = Postings::build(peer.iter().map(|s| s.ids.as_slice()));
            let mut scratch = AlignScratch::new(peer.len());
            for ids in random_sets(&mut rng, 20, vocab) {
                // The definition: candidates share a word at most 64 peer sentences hold; the
                // best merge overlap wins, ties to the earlier sentence.
                let rare = |w: &u32| peer.iter().filter(|s| s.ids.contains(w)).count() <= 64;
                let want = (0..peer.len())
                    .filter(|&k| ids.iter().any(|w| rare(w) && peer[k].ids.contains(w)))
                    .map(|k| (overlap(&ids, &peer[k].ids), k))
                    .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
                let got = best_aligned(&ids, |k| &peer[k].ids, &index, &mut scratch);
                assert_eq!(
                    got.map(|(o, k)| (o.to_bits(), k)),
                    want.map(|(o, k)| (o.to_bits(), k)),
                    "{ids:?}"
                );
                assert!(scratch.candidates.is_empty() && scratch.seen.iter().all(|&b| !b));
            }
        }
    }

    #[test]
    fn aligned_with_its_shortcut_equals_best_aligned() {
        let mut rng = XorShift::new(5);
        for round in 0..200 {
            let vocab = [6, 30, 400][round % 3];
            let mut sets = random_sets(&mut rng, 120, vocab);
            // Repeated sentences: the shortcut must pick the first.
            let copies: Vec<Vec<u32>> = sets.iter().step_by(7).cloned().collect();
            sets.extend(copies);
            let peer: Vec<Sent> = sets.iter().map(|ids| sent(ids.clone())).collect();
            let index = Postings::build(peer.iter().map(|s| s.ids.as_slice()));
            let cs = ClusterSentences::new(vec![peer]);
            let mut scratch = AlignScratch::new(cs.sents[0].len());
            // Queries: the peer's own sentences (exact matches), then unrelated ones.
            let mut queries = sets.clone();
            queries.extend(random_sets(&mut rng, 20, vocab));
            queries.push(Vec::new());
            for ids in queries {
                let want = best_aligned(&ids, |k| &cs.sents[0][k].ids, &index, &mut scratch);
                let got = cs.aligned(&sent(ids.clone()), 0, &mut scratch);
                assert_eq!(
                    got.map(|(o, k)| (o.to_bits(), k)),
                    want.map(|(o, k)| (o.to_bits(), k)),
                    "{ids:?}"
                );
            }
        }
    }

    #[test]
    fn distinct_keeps_first_occurrences_and_clears_its_work_space() {
        let mut seen = vec![false; 3];
        assert_eq!(distinct([4, 1, 4, 0, 1, 9].into_iter(), &mut seen), [4, 1, 0, 9]);
        assert!(seen.len() >= 10 && seen.iter().all(|&b| !b));
        assert!(distinct(std::iter::empty(), &mut seen).is_empty());
    }

    #[test]
    fn interner_numbers_words_and_survives_hash_collisions() {
        let words = ["peskov", "said", "", "kremlin", "said", "\u{e9}t\u{e9}", "peskov"];
        for hash in [Interner::fx_hash as fn(&str) -> u64, |_: &str| 42, |w: &str| w.len() as u64 % 2] {
            let mut it = Interner { hash, ..Interner::default() };
            let ids: Vec<u32> = words.iter().map(|w| it.intern(w)).collect();
            assert_eq!(ids, [0, 1, 2, 3, 1, 4, 0]);
            for (w, id) in words.iter().zip(&ids) {
                assert_eq!(it.word(*id), *w);
                assert_eq!(it.get(w), Some(*id));
            }
            assert_eq!(it.get("tass"), None);
            assert_eq!(it.get("peskov's"), None);
        }
    }

    #[test]
    fn sentence_starts_flag_the_first_token_of_each_sentence() {
        let toks = tokenize(A);
        let sents = sentences(A, &toks);
        let m = Member { text: A, tokens: &toks, sentences: &sents, disfluency: None, roundtrip: None };
        let set: HashSet<usize> = sents.iter().map(|s| s.first).collect();
        let flags = sentence_starts(&m);
        assert_eq!(flags.len(), toks.len());
        assert!(set.len() > 1);
        for (i, &f) in flags.iter().enumerate() {
            assert_eq!(f, set.contains(&i), "token {i}");
        }
        // A span past the tokens (never looked at) is ignored.
        let odd = [SentenceSpan { first: toks.len() + 3, last: toks.len() + 4 }];
        assert!(
            !sentence_starts(&Member {
                text: A,
                tokens: &toks,
                sentences: &odd,
                disfluency: None,
                roundtrip: None
            })
            .contains(&true)
        );
    }

    #[test]
    fn a_name_spelt_otherwise_is_no_synonym_swap() {
        let syn = Synonyms::embedded();
        assert!(syn.of("antony").any(|c| c == "anthony"), "the table holds the names as synonyms");
        assert!(syn.of("determination").any(|c| c == "decision"));
        let v = "Officials in Geneva said Secretary of State Anthony Blinken made a decision on January 10 with Ukraine and NATO. Blinken met Dmitry Peskov in Geneva on Tuesday.";
        let x = v.replace("Anthony", "Antony").replace("decision", "determination");
        // Three versions of it (copies would count once).
        let (v2, v3) = (
            v.replace("Tuesday", "Monday"),
            v.replace("Officials in Geneva said", "Officials said in Geneva"),
        );
        let r = run(&[v, &v2, &v3, &x]);
        assert!(r.iter().all(|m| m.as_ref().unwrap().cluster.as_ref().is_some_and(|c| c.size == 4)));
        let out = &r[3].as_ref().unwrap().output;
        let swaps: Vec<&str> = out
            .evidence
            .iter()
            .filter(|e| e.kind == "synonym-differs-from-cluster")
            .map(|e| &x[e.start..e.end])
            .collect();
        assert_eq!(swaps, ["determination"]);
        let words = x.split_whitespace().count() as f64;
        let rate = out.get("consensus.synonym_swaps").unwrap();
        assert!((rate - 100.0 / words).abs() < 0.5 * 100.0 / words, "one swap counted: {rate}");
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
