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

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::{Evidence, Family, FamilyOutput, Feature};
use crate::lexicon::Lexicon;
use crate::segment::SentenceSpan;
use crate::tokenize::{Token, TokenKind, normalize};

/// A document taking part in clustering.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// Its text.
    pub text: &'a str,
    /// Its content tokens.
    pub tokens: &'a [Token],
    /// Its sentences.
    pub sentences: &'a [SentenceSpan],
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
    /// True for the version closest to the consensus: the likely original.
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
];

/// Tuning of clustering.
const MINHASHES: usize = 32;
const ROWS_PER_BAND: usize = 2;
const MAX_ANCHORS: usize = 256;
const MAX_BUCKET: usize = 64;
/// Weighted Jaccard of anchor sets at or above which two documents tell the same story.
pub const SAME_STORY: f64 = 0.2;
/// Two versions of a story share at least this many anchors: short unrelated documents with a
/// handful of anchors can pass [`SAME_STORY`] on two or three rare words ("switched", "lights").
const MIN_SHARED: usize = 4;
/// Words rarer than this many per million tokens of reference text count as anchors.
const ANCHOR_PER_MILLION: f64 = 30.0;

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

/// A document's anchors: (hash, weight), sorted by hash, at most [`MAX_ANCHORS`].
fn anchors(lex: &dyn Lexicon, m: &Member<'_>) -> Vec<(u64, f64)> {
    let total = lex.total_tokens().max(1) as f64;
    let mut seen: FxHashMap<u64, f64> = FxHashMap::default();
    let mut common: FxHashSet<u64> = FxHashSet::default();
    for t in m.tokens {
        let s = t.text(m.text);
        let (key, weight) = match t.kind {
            // Numbers as written (not folded): dates, sums, counts.
            TokenKind::Number if s.len() >= 2 => (fnv1a(s), 8.0),
            TokenKind::Word if s.chars().count() >= 3 => {
                let n = normalize(s);
                let key = fnv1a(&n);
                // A word type is looked up once: its weight depends on the type alone, and a
                // frequent type is remembered as such.
                if seen.contains_key(&key) || common.contains(&key) {
                    continue;
                }
                let c = lex.normalized_count(&n) as f64;
                if c * 1e6 / total > ANCHOR_PER_MILLION {
                    common.insert(key);
                    continue;
                }
                (key, (total / (c + 1.0)).ln().max(1.0))
            }
            _ => continue,
        };
        seen.insert(key, weight);
    }
    let mut v: Vec<(u64, f64)> = seen.into_iter().collect();
    if v.len() > MAX_ANCHORS {
        // keep the rarest; ties by hash for determinism
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(MAX_ANCHORS);
    }
    v.sort_by_key(|a| a.0);
    v
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

/// A document's anchor set: (hash, weight), sorted by hash.
type Anchors = Vec<(u64, f64)>;

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

/// Groups the members into story clusters; returns, per member, the index of its cluster's
/// first member (`None` when it has no other version in the batch).
pub fn cluster(lex: &dyn Lexicon, members: &[Option<Member<'_>>]) -> Vec<Option<usize>> {
    // Anchors and signatures are per document: computed in parallel, used in input order.
    let (sets, sigs): (Vec<Anchors>, Vec<Option<Vec<u64>>>) = members
        .par_iter()
        .map(|m| {
            let set = m.as_ref().map(|m| anchors(lex, m)).unwrap_or_default();
            let sig = (set.len() >= 5).then(|| signature(&set));
            (set, sig)
        })
        .unzip();
    let mut buckets: FxHashMap<(usize, u64), Vec<usize>> = FxHashMap::default();
    for (i, sig) in sigs.iter().enumerate() {
        let Some(sig) = sig else { continue };
        for (band, rows) in sig.chunks(ROWS_PER_BAND).enumerate() {
            let key = rows.iter().fold(0u64, |acc, r| mix(acc ^ r));
            buckets.entry((band, key)).or_default().push(i);
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
    let mut parent: Vec<usize> = (0..members.len()).collect();
    for (a, b) in candidates {
        if weighted_jaccard(&sets[a], &sets[b]) >= SAME_STORY && shared(&sets[a], &sets[b]) >= MIN_SHARED {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let roots: Vec<usize> = (0..members.len()).map(|i| find(&mut parent, i)).collect();
    let mut size: HashMap<usize, usize> = HashMap::new();
    for &r in &roots {
        *size.entry(r).or_default() += 1;
    }
    roots.iter().map(|&r| (size[&r] > 1).then_some(r)).collect()
}

/// Per-member word data for comparisons within a cluster.
struct Profile<'a> {
    /// Normalised content words, in order, with their token index.
    words: Vec<(String, usize)>,
    /// Distinct entity-like surface forms (capitalised words, acronyms), with first token index.
    surfaces: HashMap<&'a str, usize>,
}

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

fn profile<'a>(lex: &dyn Lexicon, m: &Member<'a>) -> Profile<'a> {
    let mut words = Vec::new();
    let mut surfaces = HashMap::new();
    let starts: HashSet<usize> = m.sentences.iter().map(|s| s.first).collect();
    for (i, t) in m.tokens.iter().enumerate() {
        if !t.is_wordlike() {
            continue;
        }
        let s = t.text(m.text);
        words.push((normalize(s).into_owned(), i));
        let st = stem(s);
        if !starts.contains(&i) && is_entity_like(st) && !is_common_word(lex, st) {
            surfaces.entry(st).or_insert(i);
        }
    }
    Profile { words, surfaces }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Clusters the batch and computes consensus features per member (`None` in, `None` out).
pub fn analyze_batch(lex: &dyn Lexicon, members: &[Option<Member<'_>>]) -> Vec<Option<MemberResult>> {
    let clusters = cluster(lex, members);
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
    let mut by_cluster: HashMap<usize, Vec<usize>> = HashMap::new();
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
            let ms: Vec<Member<'_>> = by_cluster[first].iter().filter_map(|&i| members[i]).collect();
            compare(lex, &ms, *first)
        })
        .collect();
    for (first, results) in keys.iter().zip(compared) {
        for (&i, r) in by_cluster[first].iter().zip(results) {
            out[i] = Some(r);
        }
    }
    out
}

/// Compares the members of one cluster.
fn compare(lex: &dyn Lexicon, ms: &[Member<'_>], first: usize) -> Vec<MemberResult> {
    let n = ms.len();
    let profiles: Vec<Profile<'_>> = ms.iter().map(|m| profile(lex, m)).collect();
    // In how many members each word type and each bigram occurs.
    let mut word_df: HashMap<&str, usize> = HashMap::new();
    let mut bigram_df: HashMap<(&str, &str), usize> = HashMap::new();
    let mut surface_df: HashMap<&str, usize> = HashMap::new();
    for p in &profiles {
        let types: HashSet<&str> = p.words.iter().map(|(w, _)| w.as_str()).collect();
        for t in types {
            *word_df.entry(t).or_default() += 1;
        }
        let bigrams: HashSet<(&str, &str)> =
            p.words.windows(2).map(|w| (w[0].0.as_str(), w[1].0.as_str())).collect();
        for b in bigrams {
            *bigram_df.entry(b).or_default() += 1;
        }
        for s in p.surfaces.keys() {
            *surface_df.entry(s).or_default() += 1;
        }
    }
    let majority = (n / 2 + 1).max(2);
    let mut majority_forms: Vec<(&str, usize)> =
        surface_df.iter().filter(|(_, c)| **c >= majority).map(|(s, c)| (*s, *c)).collect();
    majority_forms.sort();

    let mut rows = Vec::with_capacity(n);
    for (m, p) in ms.iter().zip(&profiles) {
        let words = p.words.len().max(1) as f64;
        let unique = p.words.iter().filter(|(w, _)| word_df.get(w.as_str()) == Some(&1)).count();
        let deviation = unique as f64 / words;
        let mut unattested = 0usize;
        let mut evidence = Vec::new();
        for w in p.words.windows(2) {
            let key = (w[0].0.as_str(), w[1].0.as_str());
            if bigram_df.get(&key) == Some(&1) && lex.bigram_count(key.0, key.1) == 0 {
                unattested += 1;
            }
        }
        let rate = 100.0 * unattested as f64 / (p.words.len().saturating_sub(1).max(1)) as f64;
        let mut disagreements = 0usize;
        let mut odd: Vec<(&str, usize)> = p.surfaces.iter().map(|(s, i)| (*s, *i)).collect();
        odd.sort_by_key(|x| x.1);
        for (s, ti) in odd {
            if surface_df.get(s) != Some(&1) || majority_forms.is_empty() {
                continue;
            }
            let len = s.chars().count();
            let max_edits = if len <= 4 { 1 } else { 2 };
            let best = majority_forms
                .iter()
                .filter(|(f, _)| f.chars().count().abs_diff(len) <= max_edits)
                .map(|(f, c)| (edit_distance(s, f), *c, *f))
                .filter(|(d, _, _)| *d >= 1 && *d <= max_edits)
                .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
            if let Some((_, count, form)) = best {
                // A different word that merely looks alike ("May"/"Mar") needs the letters to line
                // up with case: compare lower-cased too.
                if s.to_lowercase() == form.to_lowercase() {
                    continue;
                }
                disagreements += 1;
                let t = m.tokens[ti];
                let mut end = t.start + s.len();
                let mut suggestion = form.to_string();
                if m.text[end..].starts_with('.') && s.contains('.') {
                    end += 1;
                    suggestion.push('.');
                }
                evidence.push(Evidence {
                    family: Family::Consensus,
                    kind: "spelling-differs-from-cluster",
                    start: t.start,
                    end,
                    strength: count as f64 / n as f64,
                    note: format!("{count} of {n} versions of this story write {form:?}"),
                    suggestion: Some(suggestion),
                });
            }
        }
        rows.push((deviation, rate, disagreements, evidence));
    }
    let min_rate = rows.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
    let original = (0..n)
        .min_by(|&a, &b| {
            (rows[a].1 + 100.0 * rows[a].0).total_cmp(&(rows[b].1 + 100.0 * rows[b].0)).then(a.cmp(&b))
        })
        .unwrap_or(0);
    rows.into_iter()
        .zip(&profiles)
        .enumerate()
        .map(|(i, ((deviation, rate, dis, evidence), p))| {
            let words = p.words.len().max(1) as f64;
            MemberResult {
                output: FamilyOutput {
                    features: vec![
                        Feature::new("consensus.deviation", deviation),
                        Feature::new("consensus.unattested_rate", rate),
                        Feature::new("consensus.unattested_excess", rate - min_rate),
                        Feature::new("consensus.entity_disagreements", 100.0 * dis as f64 / words),
                    ],
                    evidence,
                },
                cluster: Some(ClusterInfo {
                    id: String::new(),
                    first,
                    size: n,
                    deviation,
                    likely_original: i == original,
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::sentences;
    use crate::tokenize::tokenize;

    struct Flat;
    impl Lexicon for Flat {
        fn surface_count(&self, _: &str) -> u64 {
            0
        }
        fn normalized_count(&self, w: &str) -> u64 {
            if matches!(w, "the" | "a" | "and" | "of" | "to" | "in" | "said" | "was") { 50_000 } else { 1 }
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
        let toks: Vec<Vec<Token>> = texts.iter().map(|t| tokenize(t)).collect();
        let sents: Vec<Vec<SentenceSpan>> = texts.iter().zip(&toks).map(|(t, k)| sentences(t, k)).collect();
        let members: Vec<Option<Member<'_>>> = (0..texts.len())
            .map(|i| Some(Member { text: texts[i], tokens: &toks[i], sentences: &sents[i] }))
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
    }

    #[test]
    fn edit_distance_counts_chars() {
        assert_eq!(edit_distance("Pifer", "Piffer"), 1);
        assert_eq!(edit_distance("A.S", "U.S"), 1);
        assert_eq!(edit_distance("é", "e"), 1);
    }
}
