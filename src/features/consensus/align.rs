//! Sentence alignment between versions of a story: an inverted index of sentences by word, the
//! Jaccard overlap of two sentences' sorted word types by merging, each sentence's best
//! counterpart among a peer's, and loose counterparts that lie in place.

use rustc_hash::{FxHashMap, FxHashSet};

use super::compare::{SAME_SENTENCE, UNRELATED_SENTENCE};

/// Most keys a [`Postings`] map is sized for before it is built: a long text's postings are
/// mostly repeats of fewer keys, and its map grows past this as needed.
pub(super) const POSTINGS_RESERVE: usize = 1 << 14;

/// An inverted index of sets: per key, the indices of the sets that hold it (rising), all in one
/// array (no vector per key).
pub(super) struct Postings<K> {
    /// Per key, its postings' start and end in `flat`.
    spans: FxHashMap<K, (u32, u32)>,
    flat: Vec<u32>,
}

impl<K: Copy + Eq + std::hash::Hash> Postings<K> {
    /// The index of `sets`, each a list of distinct keys (a key repeated in one set would be
    /// posted twice).
    pub(super) fn build<'s>(sets: impl Iterator<Item = &'s [K]> + Clone) -> Postings<K>
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
    pub(super) fn get(&self, key: &K) -> &[u32] {
        self.spans.get(key).map_or(&[], |&(a, b)| &self.flat[a as usize..b as usize])
    }
}

/// Jaccard overlap of two sentences' word types (sorted, distinct), by merging them.
pub(super) fn overlap<T: Ord>(a: &[T], b: &[T]) -> f64 {
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
pub(super) fn jaccard(inter: usize, a: usize, b: usize) -> f64 {
    let union = a + b - inter;
    if union == 0 { 0.0 } else { inter as f64 / union as f64 }
}

/// Work space of [`best_aligned`], sized to the most sentences a member of the cluster has.
pub(super) struct AlignScratch {
    /// Per peer sentence, whether it is already a candidate of the sentence at hand.
    seen: Vec<bool>,
    candidates: Vec<usize>,
}

impl AlignScratch {
    pub(super) fn new(sentences: usize) -> AlignScratch {
        AlignScratch { seen: vec![false; sentences], candidates: Vec::new() }
    }
}

/// A word in more of a peer's sentences than this makes none of them an alignment candidate.
pub(super) const MAX_CANDIDATE_POSTINGS: usize = 64;

/// The peer sentence most like the sentence of word types `ids` (sorted, distinct) and its
/// Jaccard overlap ([`overlap`]; ties to the earlier sentence). Candidates are the peer's
/// sentences sharing a word that at most [`MAX_CANDIDATE_POSTINGS`] of them use (found through
/// `index`, the peer's sentences by word; `peer(k)` is sentence `k`'s sorted words); each
/// candidate's overlap is a merge of the two sorted sets. A word in many sentences is never
/// walked: two long versions full of the same words ("river", "board") align in time linear in
/// their length. Leaves `scratch` clear.
pub(super) fn best_aligned<'p, K: Copy + Eq + std::hash::Hash + Ord + 'p>(
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

/// Per sentence of a member, whether its best counterpart in one peer (`best`: overlap and
/// the peer's sentence) is a loose one in the same place: overlap at least
/// [`UNRELATED_SENTENCE`] but under [`SAME_SENTENCE`], the counterpart aligned with no other
/// sentence, and lying strictly between the peer sentences aligned (at [`SAME_SENTENCE`]) with
/// the nearest aligned sentences before and after it. A peer with no aligned sentence has no
/// place to go by: nothing is in place.
pub(super) fn in_place_counterparts(best: &[Option<(f64, usize)>]) -> Vec<bool> {
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

#[cfg(test)]
mod tests {
    use super::super::tests::random_sets;
    use super::*;
    use crate::test_support::XorShift;

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
            let peer: Vec<Vec<u32>> = random_sets(&mut rng, 150, vocab);
            let index = Postings::build(peer.iter().map(Vec::as_slice));
            let mut scratch = AlignScratch::new(peer.len());
            for ids in random_sets(&mut rng, 20, vocab) {
                // The definition: candidates share a word at most 64 peer sentences hold; the
                // best merge overlap wins, ties to the earlier sentence.
                let rare = |w: &u32| peer.iter().filter(|s| s.contains(w)).count() <= 64;
                let want = (0..peer.len())
                    .filter(|&k| ids.iter().any(|w| rare(w) && peer[k].contains(w)))
                    .map(|k| (overlap(&ids, &peer[k]), k))
                    .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
                let got = best_aligned(&ids, |k| peer[k].as_slice(), &index, &mut scratch);
                assert_eq!(
                    got.map(|(o, k)| (o.to_bits(), k)),
                    want.map(|(o, k)| (o.to_bits(), k)),
                    "{ids:?}"
                );
                assert!(scratch.candidates.is_empty() && scratch.seen.iter().all(|&b| !b));
            }
        }
    }
}
