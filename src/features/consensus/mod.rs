//! Story clusters: the versions of one story in a batch, and how far each deviates from what the
//! other versions agree on.
//!
//! - `clusters`: which documents are versions of one story. Clustering keys on what spinners
//!   keep (names, numbers, rare words): each document's "anchor" set is its rarest word types
//!   and its numbers, weighted by rarity in the reference model. MinHash signatures over
//!   anchors, banded LSH for candidate pairs (near-linear in batch size), then weighted Jaccard
//!   on the anchor sets and a shared sentence decide; union-find makes clusters.
//! - `compare`: within a cluster every member is compared with its closest versions: words and
//!   bigrams no other version has, bigrams that neither the other versions nor the reference
//!   model attest, entity spellings that differ from the spelling most versions use ("A.S."
//!   where the others have "U.S."), and sentences that read worse than their other versions. A
//!   fluent independent rewrite differs from the others too, but in attested English; a spun
//!   copy differs in unattested word pairs.
//! - `align`: the sentence alignment both use (an inverted index of sentences by word, the best
//!   counterpart of a sentence among a peer's).

mod align;
mod clusters;
mod compare;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{FamilyOutput, Feature};
use crate::lexicon::Lexicon;
use crate::segment::SentenceSpan;
use crate::tokenize::Token;
use clusters::cluster_with_anchors;
pub use clusters::{Anchors, SAME_STORY, anchors, cluster, similarity, story_bands, weighted_overlap};
use compare::compare;

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

/// FNV-1a hash of a word as written (anchors, sentence keys).
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64's finaliser: a well-spread 64-bit hash of `z` (MinHash, band keys, sentence keys).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
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

/// The form compared across versions: possessive endings dropped ("Peskov's" -> "Peskov").
fn stem(s: &str) -> &str {
    s.strip_suffix("'s").or_else(|| s.strip_suffix("\u{2019}s")).unwrap_or(s)
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

/// Words more frequent than this per million tokens of reference text are function words here.
const FUNCTION_PER_MILLION: f64 = 1000.0;

/// Whether `norm` (a normalised word) is a function word ([`FUNCTION_PER_MILLION`]): two
/// sentences sharing "the", "of" and "said" are not versions of each other.
fn is_function_word(lex: &dyn Lexicon, norm: &str) -> bool {
    lex.normalized_count(norm) as f64 * 1e6 / lex.total_tokens().max(1) as f64 > FUNCTION_PER_MILLION
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::sentences;
    use crate::test_support::XorShift;
    use crate::tokenize::tokenize;
    use std::collections::HashSet;

    pub(super) struct Flat;
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

    pub(super) fn run(texts: &[&str]) -> Vec<Option<MemberResult>> {
        run_with(texts, &[])
    }

    /// [`run`], with each member's per-sentence round-trip contrast when `contrast` has one.
    pub(super) fn run_with(texts: &[&str], contrast: &[Vec<Option<f64>>]) -> Vec<Option<MemberResult>> {
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

    pub(super) const A: &str = "Senior U.S. and Russian officials will meet in Geneva on January 10, said Steven Pifer, a former ambassador. Pifer said the talks in Geneva mattered for Ukraine and NATO.";
    pub(super) const B: &str = "Senior U.S. and Russian officials meet in Geneva on January 10, Steven Pifer, a former ambassador, said. Pifer added the Geneva talks matter for Ukraine and NATO.";
    pub(super) const C: &str = "Senior A.S. and Russian officials bully assemble in Geneva on January 10, said Steven Piffer, a erstwhile ambassador. Piffer said the negotiations in Geneva mattered for Ukraine and NATO.";
    pub(super) const OTHER: &str = "The football club signed a goalkeeper from Brazil for 12 million pounds on Tuesday, the manager confirmed at a press conference in Manchester.";

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

    /// `n` sorted sets of distinct ids below `vocab`, of 0 to 11 ids each.
    pub(super) fn random_sets(rng: &mut XorShift, n: usize, vocab: u64) -> Vec<Vec<u32>> {
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
}
