//! Each member of a story cluster compared with its closest versions: words and word pairs no
//! other version and no reference text attests, entity spellings that differ from the
//! majority's, typing slips and synonyms the others do not share, and how much worse (or more
//! like a machine round trip) its sentences read than their aligned versions.

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
/// ([`speakers`]): a rewording of the run, not a passage it lacks.
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

/// Per-member word data for comparisons within a cluster.
pub(super) struct Profile<'a> {
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
pub(super) struct Spelling {
    /// Its normalised form's id in the cluster's [`Interner`].
    id: u32,
    /// [`fnv1a`] of the text as written.
    written: u64,
    /// Whether its [`stem`] is an entity-like surface and no common word ([`is_entity_like`],
    /// [`is_common_word`]), once asked (only for tokens that open no sentence).
    entity: Option<bool>,
}

/// A cluster's [`Spelling`]s by their text.
pub(super) type Spellings<'a> = FxHashMap<&'a str, Spelling>;

pub(super) fn is_entity_like(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_uppercase())
        || (s.chars().any(|c| c.is_ascii_digit()) && s.chars().any(|c| c.is_alphabetic()))
}

/// Capitalised frequent words ("There", "The") are not entities.
pub(super) fn is_common_word(lex: &dyn Lexicon, s: &str) -> bool {
    let per_million = lex.normalized_count(&normalize(s)) as f64 * 1e6 / lex.total_tokens().max(1) as f64;
    per_million > 100.0
}

/// Member `m`'s [`Profile`]; `spellings` are the cluster's so far (the words are numbered in
/// the order they first occur, as if each token were normalised and interned).
pub(super) fn profile<'a>(
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

/// Most peers a member is compared with (its most similar distinct versions). Four give the
/// same rankings as sixteen on every generated and dev set (a majority of two is still a
/// majority), and the comparison's cost grows with the number of peers: the bench corpus's
/// clusters of sixteen versions took a fifth of the run more with sixteen.
pub(super) const MAX_PEERS: usize = 4;
// Each sentence keeps its speaking peers in the bits of a byte ([`Aligned::speakers`]).
const _: () = assert!(MAX_PEERS <= 8);

/// Each member's peers: the other members whose anchor similarity is at least half its best
/// similarity (and at least [`SAME_STORY`]), most similar first, one member per group of copies
/// (`copies`, [`copy_groups`]) and none of its own. A cluster chained through related stories
/// then still compares each version with its own closest versions, and a version republished
/// many times counts once.
pub(super) fn peers(anchors: &[&Anchors], copies: &[usize]) -> Vec<Vec<usize>> {
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
pub(super) const COPY_SHARE: f64 = 0.8;
/// A sentence sharing less than this of its word types with every sentence of another version
/// has no counterpart there (page furniture, an added paragraph); a heavily garbled rewrite of a
/// sentence still shares more.
pub(super) const UNRELATED_SENTENCE: f64 = 0.2;

/// Per member, the lowest-numbered member of its group of copies. Two members are copies of one
/// version when most of each one's content words ([`COPY_SHARE`]) lie in sentences the other
/// has word for word, and no other sentence of either has a version in the other (a sentence
/// with no counterpart is page furniture or an added paragraph; a reworded one, however lightly,
/// makes two versions). Syndication and mirror sites republish one version many times: counted
/// as many voices, a spinner's copies would outvote the original.
pub(super) fn copy_groups(cs: &ClusterSentences) -> Vec<usize> {
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

/// A sentence for alignment: its byte span, word types and disfluency.
pub(super) struct Sent {
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
pub(super) struct Interner {
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
pub(super) fn sentence_profiles(
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

/// Longest headline, in word tokens.
pub(super) const HEADLINE_WORDS: usize = 16;

/// One past the last token of the member's headline (0 when it has none): a first sentence of
/// at most [`HEADLINE_WORDS`] words that ends a line with no full stop, colon or semicolon
/// ("Kirwan demands Italy consistency", "Could Yukos be a blessing in disguise?"). Headlines
/// stack nouns that running text rarely puts side by side, and a machine rewrite of one
/// ("consistency of Italy") uses pairs it often does; a headline written in title case
/// ("Is An 'Oxygen Bar' In Delhi Offering Fresh Air?") reads to the model as a row of names.
pub(super) fn headline_tokens(m: &Member<'_>) -> usize {
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
pub(super) fn align_with_peers(
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
pub(super) fn speakers(
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
pub(super) fn roundtrip_difference(mine: &Sent, other: &Sent) -> f64 {
    match (mine.roundtrip, other.roundtrip) {
        (Some(a), Some(b)) => ROUNDTRIP_WEIGHT * (a - b),
        _ => 0.0,
    }
}

/// The sentences of a cluster's members, for alignment: per member its sentences and their
/// inverted index by word id (built once, used with every member it is a peer of).
pub(super) struct ClusterSentences {
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
pub(super) fn ids_hash(ids: &[u32]) -> u64 {
    ids.iter().fold(0u64, |h, &id| mix(h ^ u64::from(id)))
}

/// A content word of one of a member's sentences: (sentence index, normalised word).
pub(super) type WordAt<'a> = (usize, &'a str);

/// What sentence alignment with the peers gives one member.
pub(super) struct Aligned {
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

/// Lower-case words of `m` (profile `p`) that no peer has and the reference never writes, each one
/// typing slip ([`one_slip`]: a letter added, dropped or changed, or two neighbours swapped) from
/// a word most peers have: `(token index, that word, how many peers have it)`, in text order.
/// `support` counts the peers having each word.
pub(super) fn slipped_words<'i>(
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
pub(super) fn char_buckets(chars: &[char]) -> u64 {
    chars.iter().fold(0, |m, &c| m | 1 << (u32::from(c) % 64))
}

/// "Spelling differs from the cluster" evidence over `start..end`: `count` of the `group`
/// closest versions write `form` (suggested as `suggestion`).
pub(super) fn spelling_evidence(
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
