//! Which versions each member of a cluster is compared with: its closest distinct versions,
//! one per group of copies.

use super::*;

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
