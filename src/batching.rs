//! Plans batches so that versions of one story are scored together.
//!
//! Story clusters are found within a batch. Read in input order, a large input is cut into
//! consecutive batches, and versions of one story far apart in it (a shuffled data set, a feed
//! of several sites) never meet. When the input can be read twice, a first pass gives each
//! record a few story keys (bands of MinHash signatures of its rare names and numbers, and of
//! its rare words when it has few names,
//! [`crate::features::consensus::story_bands`]) and [`plan`] packs records sharing a key into
//! the same batch; batches keep input order inside, and an input that fits one batch is one
//! batch, as before.

/// What the plan needs of one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Bytes of text it will be scored on, or its units' or lines' worth when more
    /// ([`batch_cost`](crate::pipeline::cost::batch_cost); 0 for a record without a document).
    pub bytes: usize,
    /// Its story keys, one per band (empty: too few anchors to tell its story).
    pub bands: Vec<u32>,
}

/// A key shared by more documents than this says nothing about one story (it is ignored).
const MAX_BUCKET: usize = 64;

/// Splits `entries` (in input order) into batches of at most `batch` records and about
/// `max_bytes` bytes of text, keeping records that share a story key together where the limits
/// allow. Each batch lists record indices in increasing order; every record is in one batch.
pub fn plan(entries: &[Entry], batch: usize, max_bytes: usize) -> Vec<Vec<usize>> {
    let batch = batch.max(1);
    let n = entries.len();
    // (band, key, record), sorted: equal keys of a band are adjacent.
    let mut keys: Vec<(u32, u32, u32)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        for (band, &k) in e.bands.iter().enumerate() {
            keys.push((band as u32, k, i as u32));
        }
    }
    keys.sort_unstable();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut size: Vec<usize> = vec![1; n];
    let mut bytes: Vec<usize> = entries.iter().map(|e| e.bytes).collect();
    for run in keys.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        if run.len() < 2 || run.len() > MAX_BUCKET {
            continue;
        }
        for pair in run.windows(2) {
            let (a, b) = (find(&mut parent, pair[0].2 as usize), find(&mut parent, pair[1].2 as usize));
            // A group that would not fit in one batch is left apart (it would be cut anyway).
            if a != b && size[a] + size[b] <= batch && bytes[a] + bytes[b] <= max_bytes {
                let (root, child) = (a.min(b), a.max(b));
                parent[child] = root;
                size[root] += size[child];
                bytes[root] += bytes[child];
            }
        }
    }
    drop(keys);
    // Groups in the order of their first record (a root is its group's smallest index).
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        let r = find(&mut parent, i);
        members[r].push(i);
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut current_bytes = 0;
    for (root, group) in members.into_iter().enumerate() {
        if group.is_empty() {
            continue;
        }
        let group_bytes = bytes[root];
        // As when batches are read in order: a batch closes once it holds `batch` records or
        // `max_bytes` of text; a group that would overflow it starts the next one.
        let full = current.len() >= batch || current_bytes >= max_bytes;
        let overflows = group.len() > 1
            && (current.len() + group.len() > batch || current_bytes + group_bytes > max_bytes);
        if !current.is_empty() && (full || overflows) {
            current.sort_unstable();
            out.push(std::mem::take(&mut current));
            current_bytes = 0;
        }
        current.extend_from_slice(&group);
        current_bytes += group_bytes;
    }
    if !current.is_empty() {
        current.sort_unstable();
        out.push(current);
    }
    out
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(bytes: usize, bands: &[u32]) -> Entry {
        Entry { bytes, bands: bands.to_vec() }
    }

    #[test]
    fn without_shared_keys_batches_are_consecutive_as_when_read_in_order() {
        let entries: Vec<Entry> = (0..7).map(|i| e(10, &[i, 100 + i])).collect();
        assert_eq!(plan(&entries, 3, 1000), vec![vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
        // The byte limit closes a batch once reached.
        assert_eq!(plan(&entries, 10, 25), vec![vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
        // Everything fits: one batch, in input order.
        assert_eq!(plan(&entries, 10, 1000), vec![(0..7).collect::<Vec<_>>()]);
        assert!(plan(&[], 3, 10).is_empty());
    }

    #[test]
    fn versions_far_apart_share_a_batch() {
        // 0, 4 and 6 share a key in band 1 (not band 0); 2 and 5 in band 0.
        let entries = vec![
            e(10, &[1, 50]),
            e(10, &[2, 51]),
            e(10, &[3, 52]),
            e(10, &[4, 53]),
            e(10, &[5, 50]),
            e(10, &[3, 54]),
            e(10, &[6, 50]),
            e(10, &[]),
        ];
        let b = plan(&entries, 4, 1000);
        assert_eq!(b, vec![vec![0, 1, 4, 6], vec![2, 3, 5, 7]]);
        let mut all: Vec<usize> = b.concat();
        all.sort_unstable();
        assert_eq!(all, (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn a_group_never_exceeds_a_batch_and_common_keys_are_ignored() {
        // Ten records share one key: joined up to the batch size only.
        let entries: Vec<Entry> = (0..10).map(|_| e(1, &[7])).collect();
        for b in plan(&entries, 4, 1000) {
            assert!(b.len() <= 4, "{b:?}");
        }
        // A key on more than MAX_BUCKET records joins nothing: records 0, 2, 4 ... share it,
        // with other records between them.
        let interleaved = |sharing: usize| -> Vec<Entry> {
            (0..2 * sharing).map(|i| if i % 2 == 0 { e(1, &[7]) } else { e(1, &[1000 + i as u32]) }).collect()
        };
        assert_eq!(plan(&interleaved(MAX_BUCKET), 2, 1000)[0], vec![0, 2]);
        assert_eq!(plan(&interleaved(MAX_BUCKET + 1), 2, 1000)[0], vec![0, 1]);
    }
}
