//! Each member of a story cluster compared with its closest versions: words and word pairs no
//! other version and no reference text attests, entity spellings that differ from the
//! majority's, typing slips and synonyms the others do not share, and how much worse (or more
//! like a machine round trip) its sentences read than their aligned versions.

mod closest;
mod sentences;
mod words;

use closest::{copy_groups, peers};
use sentences::{ClusterSentences, Interner, align_with_peers, headline_tokens, sentence_profiles};
use words::{Profile, Spellings, char_buckets, profile, slipped_words, spelling_evidence};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::super::entities::one_slip;
use super::super::{Evidence, Family, FamilyOutput, Feature};
use super::align::{AlignScratch, MAX_CANDIDATE_POSTINGS, Postings, best_aligned, in_place_counterparts};
use super::clusters::{Anchors, SAME_STORY, find, union};
use super::{
    ClusterInfo, ConsensusModel, FEATURES, Member, MemberResult, fnv1a, is_function_word, mix,
    sentence_starts, stem,
};
use crate::lexicon::Lexicon;
use crate::metrics::median;
use crate::synonyms::Synonyms;
use crate::tokenize::{normalize, normalize_with};

/// Two sentences are versions of each other when this share of their word types is shared.
pub(super) const SAME_SENTENCE: f64 = 0.45;
/// Prior weight (content words) and count (sentences) of "no difference" in relative fluency.
pub(super) const PRIOR_WORDS: f64 = 60.0;
pub(super) const PRIOR_SENTENCES: f64 = 4.0;
/// Prior weight (content words) of "no difference" in the disfluency of differing sentences.
pub(super) const DIFFERING_PRIOR_WORDS: f64 = 20.0;
/// Prior of the worst sentence's difference, in content words.
pub(super) const WORST_PRIOR_WORDS: f64 = 6.0;
/// A spelling seen this often in the reference text is a word of its own, not a garble.
pub(super) const KNOWN_SURFACE: u64 = 3;
/// A peer speaks for a run of a member's sentences that align with none of its own when its
/// unaligned sentences in the same place have at least this share of the run's content words
/// ([`sentences::speakers`]): a rewording of the run, not a passage it lacks.
pub(super) const OUTSIDE_SHARED: f64 = 0.2;
/// A peer in which under this share of a member's sentences have a loose counterpart (content
/// words overlapping by [`UNRELATED_SENTENCE`]) tells the story otherwise (another site's report
/// of the same event sharing a quote or two) and speaks for none of the member's wording.
pub(super) const LOOSE_SHARE: f64 = 0.25;

/// A sentence leads its other versions when it reads better than each of them by more than
/// this (disfluency per word; "clearly worse" evidence starts at 0.15 the other way).
pub(super) const LEAD_MARGIN: f64 = 0.15;

/// How much the difference in round-trip contrast (log10 ratio per unit) counts next to the
/// difference in disfluency when two versions of a sentence are compared (relative disfluency,
/// "worse than other versions", lead sentences). Chosen among 0.5, 1, 1.5 and 2 by refitting
/// on the generated data (EVALUATION.md, "Versions compared by round-trip likeness too").
pub(super) const ROUNDTRIP_WEIGHT: f64 = 1.0;

/// Share of a version's content words that must lie in sentences another version has word for
/// word for the two to be copies of one version.
pub(super) const COPY_SHARE: f64 = 0.8;
/// A sentence sharing less than this of its word types with every sentence of another version
/// has no counterpart there (page furniture, an added paragraph); a heavily garbled rewrite of a
/// sentence still shares more.
pub(super) const UNRELATED_SENTENCE: f64 = 0.2;

/// One member's comparison with its peers.
pub(super) struct Row {
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

/// What one member has, for comparisons with its peers: its distinct words (interner ids), and
/// its word pairs as ids of the cluster's numbering of pairs, in order and distinct (sorted).
pub(super) struct Sets {
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
pub(super) fn distinct(ids: impl Iterator<Item = u32>, seen: &mut Vec<bool>) -> Vec<u32> {
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
pub(super) struct Support {
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

/// Compares the members of one cluster, each with its peers (in parallel over members: one
/// large cluster must not hold up a batch on one thread).
pub(super) fn compare(
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
pub(super) struct ClusterData<'c, 'a> {
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
pub(super) struct MemberScratch {
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
pub(super) fn compare_member(cx: &ClusterData<'_, '_>, i: usize, scratch: &mut MemberScratch) -> Option<Row> {
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
    use super::super::tests::{A, B, C, Flat, random_sets, run};
    use super::sentences::{Sent, ids_hash};
    use super::*;
    use crate::segment::SentenceSpan;
    use crate::segment::sentences;
    use crate::test_support::XorShift;
    use crate::tokenize::Token;
    use crate::tokenize::tokenize;

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

    /// A sentence of content words `ids` (sorted, distinct) for the alignment tests.
    fn sent(ids: Vec<u32>) -> Sent {
        Sent { start: 0, end: 0, ids_hash: ids_hash(&ids), ids, key: 0, disfluency: None, roundtrip: None }
    }
}
