//! A cluster's sentences for alignment: their word types, numbered per cluster, and each
//! member's alignment with its peers' sentences (how much worse its versions read, which
//! peers speak for its unaligned runs).

use super::*;

/// A sentence for alignment: its byte span, word types and disfluency.
pub(super) struct Sent {
    pub(super) start: usize,
    pub(super) end: usize,
    /// Its content word types as ids of the cluster's [`Interner`], sorted (overlaps by merging,
    /// membership by binary search).
    pub(super) ids: Vec<u32>,
    /// [`ids_hash`] of `ids`: taken once, asked at every alignment with a peer.
    pub(super) ids_hash: u64,
    /// Hash of all its words (function words too) as written, in order: equal for a sentence
    /// copied word for word.
    pub(super) key: u64,
    pub(super) disfluency: Option<f64>,
    /// How much it reads like a machine round trip ([`Member::roundtrip`]).
    pub(super) roundtrip: Option<f64>,
}

impl Sent {
    pub(super) fn has(&self, id: u32) -> bool {
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
    pub(super) hash: fn(&str) -> u64,
    pub(super) ids: FxHashMap<u64, u32>,
    pub(super) collided: FxHashMap<Box<str>, u32>,
    pub(super) text: String,
    pub(super) spans: Vec<(u32, u32)>,
    /// Per word, whether it is a function word ([`is_function_word`]), once asked.
    pub(super) function: Vec<Option<bool>>,
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
    pub(super) fn fx_hash(w: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(w)
    }

    pub(super) fn intern(&mut self, w: &str) -> u32 {
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
    pub(super) fn is_function(&mut self, lex: &dyn Lexicon, id: u32) -> bool {
        let k = id as usize;
        let (a, b) = self.spans[k];
        *self.function[k].get_or_insert_with(|| is_function_word(lex, &self.text[a as usize..b as usize]))
    }

    pub(super) fn get(&self, w: &str) -> Option<u32> {
        match self.ids.get(&(self.hash)(w)) {
            Some(&known) if self.word(known) == w => Some(known),
            Some(_) => self.collided.get(w).copied(),
            None => None,
        }
    }

    /// How many words it holds (ids are below).
    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(super) fn word(&self, id: u32) -> &str {
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
    pub(super) sents: Vec<Vec<Sent>>,
    pub(super) indexes: Vec<Postings<u32>>,
    /// Per member, its first sentence of each content-word set ([`ids_hash`] -> index).
    pub(super) exact: Vec<FxHashMap<u64, u32>>,
}

impl ClusterSentences {
    pub(super) fn new(sents: Vec<Vec<Sent>>) -> ClusterSentences {
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
    pub(super) fn aligned(&self, s: &Sent, j: usize, scratch: &mut AlignScratch) -> Option<(f64, usize)> {
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
    pub(super) relative: Option<f64>,
    /// Share of aligned sentences clearly worse than their other versions.
    pub(super) worse_share: Option<f64>,
    /// How much worse than its other versions its worst sentence reads: the largest median
    /// difference of a sentence with an aligned counterpart, shrunk for short sentences
    /// ([`WORST_PRIOR_WORDS`]; None: nothing aligned).
    pub(super) worst: Option<f64>,
    /// Length-weighted mean disfluency difference over the sentences worded otherwise than
    /// their median other version (None: nothing aligned).
    pub(super) differing: Option<f64>,
    /// Words most aligned versions replace with a synonym of theirs.
    pub(super) synonym_swaps: usize,
    /// Sentences aligned with at least one peer's.
    pub(super) aligned_sentences: usize,
    /// Per sentence of this member, the peers that speak for its wording ([`speakers`]): bit
    /// `k` for `peers[k]`. A peer that lacks a passage (an excerpt, a page that cut a paragraph
    /// or stitched half of the story to another) says nothing about it.
    pub(super) speakers: Vec<u8>,
    /// Byte spans of this member's sentences that read clearly better than every other version
    /// they were aligned with (sorted): where its wording differs from theirs, theirs is the
    /// rewrite (a garble two versions share leaves the original alone in its wording).
    pub(super) leads: Vec<(usize, usize)>,
    pub(super) evidence: Vec<Evidence>,
}
