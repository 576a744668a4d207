//! Ranking metrics with the definitions of `../shared/eval/evaluate.py`: AUC of garbled against
//! clean documents, pair accuracy within groups, mean Kendall tau-b inside groups.

use std::collections::BTreeMap;

use serde::Serialize;

/// The median of `values` (the mean of the middle two for an even count), sorting them in place;
/// `None` when empty. `f32` values (the source roll-up keeps scores so) are widened exactly, so
/// they sort as they would as `f32`.
pub(crate) fn median<T: Copy + Into<f64>>(values: &mut [T]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| (*a).into().total_cmp(&(*b).into()));
    let n = values.len();
    let at = |i: usize| -> f64 { values[i].into() };
    Some(if n % 2 == 1 { at(n / 2) } else { 0.5 * (at(n / 2 - 1) + at(n / 2)) })
}

/// One labelled, scored document.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// Group (versions of one text), if any.
    pub group: Option<String>,
    /// `Some(true)` garbled, `Some(false)` clean, `None` unlabelled.
    pub garbled: Option<bool>,
    /// Degradation (higher = more degraded), if given.
    pub degradation: Option<f64>,
    /// Kind of document (for per-kind figures).
    pub kind: String,
    /// The score, or `None` if the document was not scored.
    pub score: Option<f64>,
}

/// Figures for a set of documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Documents.
    pub docs: usize,
    /// Share with a finite score.
    pub coverage: f64,
    /// P(score garbled > score clean), ties half.
    pub auc: Option<f64>,
    /// Pairs with different degradation within groups.
    pub pairs: usize,
    /// Share of those pairs ordered right (ties half).
    pub pair_acc: Option<f64>,
    /// Groups with 3+ distinct degradations.
    pub groups_tau: usize,
    /// Mean Kendall tau-b over those groups.
    pub tau: Option<f64>,
}

/// AUC of `pos` against `neg` (ties count half).
pub fn auc(pos: &[f64], neg: &[f64]) -> Option<f64> {
    if pos.is_empty() || neg.is_empty() {
        return None;
    }
    let mut n = neg.to_vec();
    n.sort_by(f64::total_cmp);
    let mut total = 0.0;
    for &p in pos {
        let lo = n.partition_point(|&x| x < p);
        let hi = n.partition_point(|&x| x <= p);
        total += lo as f64 + 0.5 * (hi - lo) as f64;
    }
    Some(total / (pos.len() * n.len()) as f64)
}

/// Kendall tau-b of two equally long sequences.
pub fn kendall_tau_b(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let (mut c, mut d, mut tx, mut ty) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..xs.len() {
        for j in i + 1..xs.len() {
            let dx = xs[i] - xs[j];
            let dy = ys[i] - ys[j];
            if dx == 0.0 && dy == 0.0 {
                continue;
            }
            if dx == 0.0 {
                tx += 1;
            } else if dy == 0.0 {
                ty += 1;
            } else if dx * dy > 0.0 {
                c += 1;
            } else {
                d += 1;
            }
        }
    }
    let denom = (((c + d + tx) * (c + d + ty)) as f64).sqrt();
    (denom > 0.0).then(|| (c - d) as f64 / denom)
}

/// Computes the figures for `docs`.
pub fn metrics(docs: &[&Labelled]) -> Metrics {
    let scored: Vec<&&Labelled> = docs.iter().filter(|d| d.score.is_some_and(f64::is_finite)).collect();
    let pos: Vec<f64> = scored.iter().filter(|d| d.garbled == Some(true)).filter_map(|d| d.score).collect();
    let neg: Vec<f64> = scored.iter().filter(|d| d.garbled == Some(false)).filter_map(|d| d.score).collect();
    let mut groups: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for d in &scored {
        if let (Some(g), Some(deg), Some(s)) = (&d.group, d.degradation, d.score) {
            groups.entry(g.as_str()).or_default().push((deg, s));
        }
    }
    let (mut right, mut total) = (0.0, 0usize);
    let mut taus = Vec::new();
    for members in groups.values() {
        for i in 0..members.len() {
            for j in i + 1..members.len() {
                let ((da, sa), (db, sb)) = (members[i], members[j]);
                if da == db {
                    continue;
                }
                total += 1;
                if sa == sb {
                    right += 0.5;
                } else if (da - db) * (sa - sb) > 0.0 {
                    right += 1.0;
                }
            }
        }
        let mut distinct: Vec<f64> = members.iter().map(|m| m.0).collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        if distinct.len() >= 3 {
            let (xs, ys): (Vec<f64>, Vec<f64>) = members.iter().copied().unzip();
            if let Some(t) = kendall_tau_b(&xs, &ys) {
                taus.push(t);
            }
        }
    }
    Metrics {
        docs: docs.len(),
        coverage: if docs.is_empty() { 0.0 } else { scored.len() as f64 / docs.len() as f64 },
        auc: auc(&pos, &neg),
        pairs: total,
        pair_acc: (total > 0).then(|| right / total as f64),
        groups_tau: taus.len(),
        tau: (!taus.is_empty()).then(|| taus.iter().sum::<f64>() / taus.len() as f64),
    }
}

/// Figures per kind, each kind judged together with the clean documents of its groups (as
/// evaluate.py does), plus `ALL`.
pub fn metrics_by_kind(docs: &[Labelled]) -> BTreeMap<String, Metrics> {
    let mut by_kind: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_kind.entry(d.kind.as_str()).or_default().push(i);
    }
    let mut clean_by_group: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        if d.garbled == Some(false)
            && let Some(g) = &d.group
        {
            clean_by_group.entry(g.as_str()).or_default().push(i);
        }
    }
    let mut out = BTreeMap::new();
    for (kind, members) in &by_kind {
        let mut idx = members.clone();
        if !members.iter().all(|&i| docs[i].garbled == Some(false)) {
            let mut groups: Vec<&str> = members.iter().filter_map(|&i| docs[i].group.as_deref()).collect();
            groups.sort();
            groups.dedup();
            for g in groups {
                for &c in clean_by_group.get(g).into_iter().flatten() {
                    if !idx.contains(&c) {
                        idx.push(c);
                    }
                }
            }
        }
        let refs: Vec<&Labelled> = idx.iter().map(|&i| &docs[i]).collect();
        out.insert(kind.to_string(), metrics(&refs));
    }
    let all: Vec<&Labelled> = docs.iter().collect();
    out.insert("ALL".to_string(), metrics(&all));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median::<f64>(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        let mut v = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(median(&mut v), Some(2.5));
        assert_eq!(v, [1.0, 2.0, 3.0, 4.0], "sorted in place");
    }

    fn doc(group: &str, garbled: bool, deg: f64, score: f64) -> Labelled {
        Labelled {
            group: Some(group.into()),
            garbled: Some(garbled),
            degradation: Some(deg),
            kind: "k".into(),
            score: Some(score),
        }
    }

    #[test]
    fn auc_counts_ties_half() {
        assert_eq!(auc(&[2.0, 3.0], &[1.0]), Some(1.0));
        assert_eq!(auc(&[1.0], &[1.0]), Some(0.5));
        assert_eq!(auc(&[], &[1.0]), None);
    }

    #[test]
    fn pairs_and_tau() {
        let docs = [doc("g", false, 0.0, 1.0), doc("g", true, 1.0, 2.0), doc("g", true, 3.0, 1.5)];
        let refs: Vec<&Labelled> = docs.iter().collect();
        let m = metrics(&refs);
        assert_eq!(m.pairs, 3);
        assert!((m.pair_acc.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.groups_tau, 1);
        assert!((m.tau.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn kinds_include_their_clean_originals() {
        let mut a = doc("g", false, 0.0, 1.0);
        a.kind = "orig".into();
        let mut b = doc("g", true, 1.0, 2.0);
        b.kind = "spun".into();
        let m = metrics_by_kind(&[a, b]);
        assert_eq!(m["spun"].docs, 2);
        assert_eq!(m["spun"].auc, Some(1.0));
        assert_eq!(m["orig"].docs, 1);
    }
}
