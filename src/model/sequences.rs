//! Resolving and scoring a document's sequences (its sentences) in one pass: each unit's
//! vocabulary slots are asked for [`VOCAB_AHEAD`] units before its id is resolved, and its
//! n-gram slots [`PREFETCH_AHEAD`] units before it is scored, across sequence ends, under the
//! reference model and the round-trip contrast model together. The ids and scores are exactly
//! those of [`Model::word_id_hashed`], [`Model::score_sequence`] and
//! [`ContrastModel::score_logp`] on each sequence alone.

use std::ops::Range;

use super::format::{BOS, EOS, UNK};
use super::{ContrastModel, Model, PREFETCH_AHEAD, UnitHash, UnitProb};

/// Units ahead of scoring whose vocabulary slots are asked for (their ids are resolved
/// [`PREFETCH_AHEAD`] units ahead, so a slot has that many units of work to arrive).
const VOCAB_AHEAD: usize = 2 * PREFETCH_AHEAD;

/// Positions whose key hashes the resolution keeps for the scoring, [`PREFETCH_AHEAD`] behind
/// it (a power of two above that, so a position's entry is not written again before it is
/// read).
const HASH_RING: usize = (PREFETCH_AHEAD + 1).next_power_of_two();

/// The placeholder score at each sequence's first position (`BOS`, which is not scored).
pub const NOT_SCORED: UnitProb =
    UnitProb { logp: 0.0, unigram: 0.0, ctx_best_logp: 0.0, ctx_best: 0, hit: 0, count: 0 };

/// A document's sequences resolved and scored ([`resolve_and_score`]), laid end to end: each
/// sequence of `n` units is `[BOS, w1, ..., wn, EOS]` in `ids` (and in `mt_ids` under the
/// round-trip model), and `probs` / `mt_logp` hold the score of the unit at the same index
/// ([`NOT_SCORED`] / `0.0` at each `BOS`). `mt_ids` and `mt_logp` are empty without a round-trip
/// model.
#[derive(Debug, Default)]
pub struct Scored {
    /// Ids under the reference model.
    pub ids: Vec<u32>,
    /// Ids under the round-trip model.
    pub mt_ids: Vec<u32>,
    /// [`Model::score_sequence`] of each sequence, at the index of its unit.
    pub probs: Vec<UnitProb>,
    /// [`ContrastModel::score_logp`] of each sequence, at the index of its unit.
    pub mt_logp: Vec<f32>,
}

/// A position in the sequences laid end to end: sequence `seq`, place `j` in its
/// `[BOS, w1, ..., wn, EOS]`. The sequence's first unit and length are kept with it (read once
/// per sequence, not at every step of the three walks).
#[derive(Clone, Copy)]
struct Cursor {
    seq: usize,
    j: usize,
    /// `seqs[seq].start` and `seqs[seq].len()`.
    start: usize,
    len: usize,
    /// Past the last sequence.
    end: bool,
}

/// What is at a [`Cursor`].
enum At {
    /// A sequence start.
    Bos,
    /// A unit, with the index of its hash.
    Unit(usize),
    /// A sequence end.
    Eos,
    /// Past the last sequence.
    End,
}

impl Cursor {
    /// The first position of `seqs`.
    fn new(seqs: &[Range<usize>]) -> Cursor {
        let mut c = Cursor { seq: 0, j: 0, start: 0, len: 0, end: true };
        c.load(seqs);
        c
    }

    /// Reads sequence `seq` of `seqs` (or marks the cursor past the last).
    #[inline(always)]
    fn load(&mut self, seqs: &[Range<usize>]) {
        match seqs.get(self.seq) {
            Some(r) => (self.start, self.len, self.end) = (r.start, r.len(), false),
            None => (self.len, self.end) = (0, true),
        }
    }

    #[inline(always)]
    fn at(&self) -> At {
        // A unit (`j` in `1..=len`) first, the commonest; `len` is 0 past the last sequence.
        if self.j.wrapping_sub(1) < self.len {
            At::Unit(self.start + self.j - 1)
        } else if self.end {
            At::End
        } else if self.j == 0 {
            At::Bos
        } else {
            At::Eos
        }
    }

    #[inline(always)]
    fn advance(&mut self, seqs: &[Range<usize>]) {
        self.j += 1;
        if self.j >= self.len + 2 && !self.end {
            self.seq += 1;
            self.j = 0;
            self.load(seqs);
        }
    }
}

/// Resolves the units of `seqs` (ranges of `hashes`, each unit's [`super::format::vocab_hash`])
/// under `model` and `rt`, and scores each sequence, into `out` (cleared first): exactly the ids
/// of [`Model::word_id_hashed`] / [`ContrastModel::word_id_hashed`] and the scores of
/// [`Model::score_sequence`] / [`ContrastModel::score_logp`] on each `[BOS, ids..., EOS]`
/// alone. A range past the end of `hashes` resolves its missing units as unknown.
pub fn resolve_and_score(
    model: &Model,
    rt: Option<&ContrastModel>,
    hashes: &[u64],
    seqs: &[Range<usize>],
    out: &mut Scored,
) {
    let total: usize = seqs.iter().map(|r| r.len() + 2).sum();
    model.count_scored(total as u64);
    if let Some(rt) = rt {
        rt.count_scored(total as u64);
    }
    let Scored { ids, mt_ids, probs, mt_logp } = out;
    ids.clear();
    mt_ids.clear();
    probs.clear();
    mt_logp.clear();
    ids.reserve(total);
    probs.reserve(total);
    if rt.is_some() {
        mt_ids.reserve(total);
        mt_logp.reserve(total);
    }
    // Each model's tables sliced once for the document (after `count_scored`, which may have
    // built its filters).
    let t = model.tables();
    let t_mt = rt.map(ContrastModel::tables);
    let t_mt = t_mt.as_ref();
    // Three walks over the same positions: vocabulary hints, id resolution (with n-gram hints)
    // and scoring, each ahead of the next.
    let (mut hint, mut resolve, mut score) = (Cursor::new(seqs), Cursor::new(seqs), Cursor::new(seqs));
    let hash = |k: usize| hashes.get(k).copied();
    let hint_step = |c: &mut Cursor| {
        if let At::Unit(k) = c.at()
            && let Some(h) = hash(k)
        {
            t.prefetch_word(h);
            if let Some(t_mt) = t_mt {
                t_mt.prefetch_word(h);
            }
        }
        c.advance(seqs);
    };
    // The bigram hashes of the last unit resolved (under each model): the next unit's context.
    let mut ctx_hash = (0u64, 0u64);
    // The key hashes of the positions resolved and not yet scored (under each model), at
    // their position modulo `HASH_RING`.
    let mut ring = [[UnitHash::default(); 2]; HASH_RING];
    let mut resolve_step =
        |c: &mut Cursor, ids: &mut Vec<u32>, mt_ids: &mut Vec<u32>, ring: &mut [[UnitHash; 2]; HASH_RING]| {
            let (id, mt) = match c.at() {
                At::End => return,
                At::Bos => (BOS, BOS),
                At::Eos => (EOS, EOS),
                At::Unit(k) => match hash(k) {
                    Some(h) => (t.word_id(h), t_mt.map_or(UNK, |t_mt| t_mt.word_id(h))),
                    None => (UNK, UNK),
                },
            };
            ids.push(id);
            if t_mt.is_some() {
                mt_ids.push(mt);
            }
            // The n-gram slots this unit will be scored on (none for a sequence start).
            let n = ids.len();
            if c.j >= 1 {
                let at = &mut ring[(n - 1) % HASH_RING];
                let u = (c.j >= 2).then(|| (ids[n - 3], ctx_hash.0));
                at[0] = t.prefetch_unit(u, ids[n - 2], id);
                ctx_hash.0 = at[0].bi;
                if let Some(t_mt) = t_mt {
                    let u = (c.j >= 2).then(|| (mt_ids[n - 3], ctx_hash.1));
                    at[1] = t_mt.prefetch_unit(u, mt_ids[n - 2], mt);
                    ctx_hash.1 = at[1].bi;
                }
            }
            c.advance(seqs);
        };
    let mut st = Model::seq_start(&t, BOS);
    let mut st_mt = t_mt.map(|t_mt| ContrastModel::seq_start(t_mt, BOS));
    // One loop for the walks' head start and the scoring (one call site each, so the steps are
    // inlined): the hints run `VOCAB_AHEAD` positions ahead of the scoring, the resolution
    // `PREFETCH_AHEAD`.
    for q in 0..total + VOCAB_AHEAD {
        hint_step(&mut hint);
        if q < VOCAB_AHEAD - PREFETCH_AHEAD {
            continue;
        }
        resolve_step(&mut resolve, ids, mt_ids, &mut ring);
        let Some(p) = q.checked_sub(VOCAB_AHEAD) else { continue };
        let j = score.j;
        if j == 0 {
            // A sequence start: its first unit is the context of the next.
            st = Model::seq_start(&t, ids[p]);
            probs.push(NOT_SCORED);
            if let Some(t_mt) = t_mt {
                st_mt = Some(ContrastModel::seq_start(t_mt, mt_ids[p]));
                mt_logp.push(0.0);
            }
        } else {
            // The key hashes of this unit's hint (the position was resolved `PREFETCH_AHEAD`
            // steps ago).
            let [h, h_mt] = ring[p % HASH_RING];
            let s0 = p - j;
            probs.push(Model::seq_step_hashed(&t, &mut st, &ids[s0..], j, h));
            if let (Some(t_mt), Some(st_mt)) = (t_mt, st_mt.as_mut()) {
                mt_logp.push(ContrastModel::seq_step_hashed(t_mt, st_mt, &mt_ids[s0..], j, h_mt));
            }
        }
        score.advance(seqs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format::vocab_hash;

    fn bits(v: &[UnitProb]) -> Vec<(u32, u32, u32, u32, u8, u32)> {
        v.iter()
            .map(|p| {
                (p.logp.to_bits(), p.unigram.to_bits(), p.ctx_best_logp.to_bits(), p.ctx_best, p.hit, p.count)
            })
            .collect()
    }

    #[test]
    fn resolving_and_scoring_together_equals_each_sequence_alone() {
        let m = Model::embedded();
        let c = ContrastModel::roundtrip_embedded();
        let words = "the cat sat on the mat and glorbish zyxqv of of said 's monday 0000 , . the talks";
        let hashes: Vec<u64> = words.split(' ').map(|w| vocab_hash(w.as_bytes())).collect();
        let n = hashes.len();
        // Empty, one-unit, overlapping, repeated and out-of-range sequences, at every length of
        // a document (so the walks' look-ahead runs off the end at every offset).
        let all: Vec<Range<usize>> = vec![
            0..3,
            3..3,
            5..6,
            0..n,
            2..9,
            Range { start: 9, end: 2 },
            n - 2..n + 2,
            n + 5..n + 7,
            7..8,
            4..n,
            1..2,
            1..2,
        ];
        for k in 0..=all.len() {
            let seqs = &all[..k];
            for rt in [None, Some(c)] {
                let mut out = Scored::default();
                out.ids.push(7);
                resolve_and_score(m, rt, &hashes, seqs, &mut out);
                let total: usize = seqs.iter().map(|r| r.len() + 2).sum();
                assert_eq!(out.ids.len(), total);
                assert_eq!(out.probs.len(), total);
                assert_eq!(out.mt_ids.len(), if rt.is_some() { total } else { 0 });
                assert_eq!(out.mt_logp.len(), out.mt_ids.len());
                let mut at = 0;
                for r in seqs {
                    let unit = |k: usize| hashes.get(k).copied();
                    let mut ids = vec![BOS];
                    ids.extend(r.clone().map(|k| unit(k).map_or(UNK, |h| m.word_id_hashed(h))));
                    ids.push(EOS);
                    let span = at..at + ids.len();
                    assert_eq!(&out.ids[span.clone()], &ids[..]);
                    let mut alone = Vec::new();
                    m.score_sequence(&ids, &mut alone);
                    assert_eq!(out.probs[at], NOT_SCORED);
                    assert_eq!(bits(&out.probs[at + 1..span.end]), bits(&alone));
                    if let Some(c) = rt {
                        let mut mt = vec![BOS];
                        mt.extend(r.clone().map(|k| unit(k).map_or(UNK, |h| c.word_id_hashed(h))));
                        mt.push(EOS);
                        assert_eq!(&out.mt_ids[span.clone()], &mt[..]);
                        let mut alone = Vec::new();
                        c.score_logp(&mt, &mut alone);
                        let got: Vec<u32> =
                            out.mt_logp[at + 1..span.end].iter().map(|x| x.to_bits()).collect();
                        assert_eq!(got, alone.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
                    }
                    at = span.end;
                }
            }
        }
    }
}
