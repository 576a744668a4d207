//! The surface table: the surface fst's UTF-8 keys and counts in an open-addressing hash table
//! whose 32-byte slots hold keys of up to 16 bytes inline, so a look-up compares the whole key
//! in the slot it probes (one cache line, no call to `memcmp`, no pointer to a boxed key).
//! Longer keys are compared in the key arena. Answers are exact: a slot matches only a key of
//! the same length and bytes, whatever the hash. Every key is also kept, in insertion order, in
//! one string (the arena), so iteration yields `&str`s without checking their UTF-8 again.

/// Keys up to this many bytes are stored in their slot.
const INLINE: usize = 16;

/// `Slot::meta` of a long key: this bit with the hash's upper bits (never a short key's
/// length + 1).
const LONG: u64 = 1 << 63;

/// One slot: an inline key (zero-padded) or a long key's offset and length in the arena, its count,
/// and `meta` (0 empty, `len + 1` for an inline key, [`LONG`] | hash bits for a long one).
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    key: [u8; INLINE],
    count: u64,
    meta: u64,
}

impl Slot {
    #[inline(always)]
    fn word(&self, i: usize) -> u64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&self.key[8 * i..8 * i + 8]);
        u64::from_le_bytes(a)
    }
}

/// Keys [`SurfaceTable::get_many`] looks up together.
const BATCH: usize = 16;

/// What a look-up needs of a key: a short key's words and the hash.
#[derive(Clone, Copy, Default)]
struct Probe {
    w0: u64,
    w1: u64,
    h: u64,
}

impl Probe {
    #[inline(always)]
    fn of(key: &[u8]) -> Probe {
        if key.len() > INLINE {
            Probe { w0: 0, w1: 0, h: super::format::hash_bytes(key) }
        } else {
            let (w0, w1) = short_words(key);
            Probe { w0, w1, h: short_hash(w0, w1, key.len()) }
        }
    }
}

/// Surface forms and their counts (see the module comment).
#[derive(Default)]
pub(crate) struct SurfaceTable {
    /// A power of two of slots, at least one of them empty.
    slots: Box<[Slot]>,
    /// `64 - log2(slots.len())`: a hash's home slot is its top bits.
    shift: u32,
    /// Every key, one after another, in insertion order (long keys are compared here).
    arena: String,
    /// End of each key in `arena` and its count, in insertion order.
    entries: Vec<(usize, u64)>,
    len: usize,
}

/// Little-endian `u64` of up to eight bytes, zero-padded (no loop, no `memcpy` call).
#[inline(always)]
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as u64;
    if n >= 8 {
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    } else if n >= 4 {
        // Two overlapping reads: the bytes they share are equal, so OR keeps them.
        u32_at(0) | (u32_at(n - 4) << (8 * (n - 4)))
    } else if n > 0 {
        b[0] as u64 | (b[n / 2] as u64) << (8 * (n / 2)) | (b[n - 1] as u64) << (8 * (n - 1))
    } else {
        0
    }
}

/// A short key (at most [`INLINE`] bytes) as two zero-padded little-endian words.
#[inline(always)]
fn short_words(b: &[u8]) -> (u64, u64) {
    if b.len() <= 8 { (load_le(b), 0) } else { (load_le(&b[..8]), load_le(&b[8..])) }
}

/// The hash of a short key from its words and length (a folded multiply).
#[inline(always)]
fn short_hash(w0: u64, w1: u64, len: usize) -> u64 {
    const K0: u64 = 0x9E37_79B9_7F4A_7C15;
    const K1: u64 = 0xD6E8_FEB8_6659_FD93;
    let p = ((w0 ^ K0) as u128).wrapping_mul((w1 ^ K1 ^ len as u64) as u128);
    let h = (p as u64) ^ ((p >> 64) as u64);
    h.wrapping_mul(K0) ^ (h >> 29)
}

impl SurfaceTable {
    /// The table of the UTF-8 keys of `map` (other keys cannot be asked for by a `&str`).
    pub fn from_fst(map: &fst::Map<&[u8]>) -> SurfaceTable {
        use fst::Streamer;
        // The count the fst records is only sized from when its bytes could hold that many
        // keys (each key ends at a state of its own, at least a byte): a crafted file claiming
        // more cannot make the table allocate beyond its size.
        let mut t = SurfaceTable::with_capacity(map.len().min(map.as_fst().as_bytes().len()));
        let mut stream = map.stream();
        while let Some((k, v)) = stream.next() {
            if let Ok(k) = std::str::from_utf8(k) {
                t.insert(k, v);
            }
        }
        t.arena.shrink_to_fit();
        t
    }

    fn with_capacity(n: usize) -> SurfaceTable {
        // Load at most 2/3; at least one slot stays empty, which ends every probe.
        let slots = (n.saturating_add(n / 2).saturating_add(1)).next_power_of_two().max(16);
        SurfaceTable {
            slots: vec![Slot::default(); slots].into_boxed_slice(),
            shift: 64 - slots.trailing_zeros(),
            arena: String::new(),
            entries: Vec::with_capacity(n),
            len: 0,
        }
    }

    /// Number of keys.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Adds `key` (not yet present) with `count`; a key that would fill the last empty slot
    /// is dropped (never for a table sized by [`SurfaceTable::with_capacity`]).
    fn insert(&mut self, key: &str, count: u64) {
        if self.len + 1 >= self.slots.len() {
            return;
        }
        let at = self.arena.len();
        self.arena.push_str(key);
        self.entries.push((self.arena.len(), count));
        let key = key.as_bytes();
        let Probe { w0, w1, h } = Probe::of(key);
        let (meta, bytes) = if key.len() <= INLINE {
            let mut b = [0u8; INLINE];
            b[..8].copy_from_slice(&w0.to_le_bytes());
            b[8..].copy_from_slice(&w1.to_le_bytes());
            (key.len() as u64 + 1, b)
        } else {
            let mut b = [0u8; INLINE];
            b[..8].copy_from_slice(&(at as u64).to_le_bytes());
            b[8..].copy_from_slice(&(key.len() as u64).to_le_bytes());
            (LONG | (h >> 1), b)
        };
        let mask = self.slots.len() - 1;
        let mut i = (h >> self.shift) as usize & mask;
        while self.slots[i].meta != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { key: bytes, count, meta };
        self.len += 1;
    }

    /// The count of `key` (0 when absent).
    #[inline]
    pub fn get(&self, key: &str) -> u64 {
        let key = key.as_bytes();
        self.get_probed(key, &Probe::of(key))
    }

    /// The counts of `keys`, written to the same positions of `out` (pairs past the shorter
    /// of the two are left alone). The home slots of up to [`BATCH`] keys are asked for
    /// before the first is compared, so their cache misses overlap.
    pub fn get_many(&self, keys: &[&str], out: &mut [u64]) {
        let n = keys.len().min(out.len());
        let (keys, out) = (&keys[..n], &mut out[..n]);
        if n <= 2 {
            // A pair (`Ctx::namey`): no batch buffer to fill.
            self.get_batch::<2>(keys, out);
            return;
        }
        for (ks, os) in keys.chunks(BATCH).zip(out.chunks_mut(BATCH)) {
            self.get_batch::<BATCH>(ks, os);
        }
    }

    /// [`SurfaceTable::get_many`] of at most `N` keys (`out` as long as `keys`).
    #[inline(always)]
    fn get_batch<const N: usize>(&self, keys: &[&str], out: &mut [u64]) {
        let mut ps = [Probe::default(); N];
        for (p, k) in ps.iter_mut().zip(keys) {
            *p = Probe::of(k.as_bytes());
            self.prefetch(p.h);
        }
        for ((o, k), p) in out.iter_mut().zip(keys).zip(&ps) {
            *o = self.get_probed(k.as_bytes(), p);
        }
    }

    /// The count of `key`, whose [`Probe::of`] is `p`.
    #[inline(always)]
    fn get_probed(&self, key: &[u8], p: &Probe) -> u64 {
        if key.len() > INLINE {
            return self.get_long(key, p.h);
        }
        let meta = key.len() as u64 + 1;
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = (p.h >> self.shift) as usize & mask;
        for _ in 0..self.slots.len() {
            let s = &self.slots[i];
            if s.meta == meta && s.word(0) == p.w0 && s.word(1) == p.w1 {
                return s.count;
            }
            if s.meta == 0 {
                return 0;
            }
            i = (i + 1) & mask;
        }
        0
    }

    /// Brings the home slot of hash `h` towards the cache (a hint: no effect on answers).
    #[inline(always)]
    fn prefetch(&self, h: u64) {
        let mask = self.slots.len().wrapping_sub(1);
        #[cfg(target_arch = "x86_64")]
        if let Some(s) = self.slots.get((h >> self.shift) as usize & mask) {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: a prefetch is a hint that never faults or changes memory, and SSE is part
            // of the x86-64 baseline; the pointer is to a live slot anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(s).cast::<i8>()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (h, mask);
    }

    #[cold]
    fn get_long(&self, key: &[u8], h: u64) -> u64 {
        let meta = LONG | (h >> 1);
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = (h >> self.shift) as usize & mask;
        for _ in 0..self.slots.len() {
            let s = &self.slots[i];
            if s.meta == meta && self.long_key(s) == Some(key) {
                return s.count;
            }
            if s.meta == 0 {
                return 0;
            }
            i = (i + 1) & mask;
        }
        0
    }

    /// The arena bytes of a long key's slot.
    fn long_key(&self, s: &Slot) -> Option<&[u8]> {
        let (at, n) = (s.word(0) as usize, s.word(1) as usize);
        self.arena.as_bytes().get(at..at.checked_add(n)?)
    }

    /// Every key with its count, in insertion order (the fst's key order for
    /// [`SurfaceTable::from_fst`]).
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        let starts = std::iter::once(0).chain(self.entries.iter().map(|&(end, _)| end));
        starts
            .zip(&self.entries)
            .filter_map(|(start, &(end, count))| Some((self.arena.get(start..end)?, count)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fst_of(keys: &[(&[u8], u64)]) -> Vec<u8> {
        let mut keys = keys.to_vec();
        keys.sort();
        let mut b = fst::MapBuilder::memory();
        for (k, v) in keys {
            b.insert(k, v).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn fst_get(map: &fst::Map<&[u8]>, s: &str) -> u64 {
        map.get(s).unwrap_or(0)
    }

    #[test]
    fn load_le_is_the_padded_bytes() {
        let b: Vec<u8> = (1..=16).collect();
        for n in 0..=16 {
            let mut a = [0u8; 16];
            a[..n].copy_from_slice(&b[..n]);
            let (w0, w1) = short_words(&b[..n]);
            assert_eq!(w0, u64::from_le_bytes(a[..8].try_into().unwrap()), "{n}");
            assert_eq!(w1, u64::from_le_bytes(a[8..].try_into().unwrap()), "{n}");
        }
    }

    #[test]
    fn answers_like_the_fst_on_the_default_model() {
        let m = super::super::Model::embedded();
        let bytes = m.section(super::super::format::SURFACE);
        let map = fst::Map::new(bytes).unwrap();
        let t = SurfaceTable::from_fst(&map);
        let mut all = Vec::new();
        {
            use fst::Streamer;
            let mut s = map.stream();
            while let Some((k, v)) = s.next() {
                all.push((k.to_vec(), v));
            }
        }
        assert!(all.len() > 30_000, "{}", all.len());
        let utf8 = all.iter().filter(|(k, _)| std::str::from_utf8(k).is_ok()).count();
        assert_eq!(t.len(), utf8);
        // Every key; then variants of every key, mostly absent.
        let mut asked = 0usize;
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        for (k, v) in &all {
            let Ok(k) = std::str::from_utf8(k) else { continue };
            assert_eq!(t.get(k), *v, "{k:?}");
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let cut = k.char_indices().map(|(i, _)| i).nth(1 + (rng % 4) as usize).unwrap_or(k.len());
            let mut cs = k.chars();
            let cap: String = cs.next().into_iter().flat_map(char::to_uppercase).chain(cs).collect();
            for v in [
                k.to_lowercase(),
                k.to_uppercase(),
                k.to_ascii_uppercase(),
                cap,
                format!("{k}x"),
                format!("{k}\0"),
                format!("{k}s"),
                format!("x{k}"),
                format!("{k}{k}"),
                k[..cut].to_string(),
                k[cut..].to_string(),
                k.chars().rev().collect(),
                k.replace('e', "é"),
            ] {
                assert_eq!(t.get(&v), fst_get(&map, &v), "{v:?}");
                asked += 1;
            }
        }
        // Random strings of every length up to 40 over a small alphabet (with non-ASCII).
        let alphabet: Vec<char> = "aeinrstAESTé’'. -\0ß日".chars().collect();
        for len in 0..=40 {
            for _ in 0..500 {
                let s: String = (0..len)
                    .map(|_| {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        alphabet[(rng % alphabet.len() as u64) as usize]
                    })
                    .collect();
                assert_eq!(t.get(&s), fst_get(&map, &s), "{s:?}");
                asked += 1;
            }
        }
        assert_eq!(t.get(""), fst_get(&map, ""));
        assert!(asked > 400_000, "{asked}");
        // Iteration gives every UTF-8 key once, with its count.
        let mut it: Vec<(String, u64)> = t.iter().map(|(k, n)| (k.to_string(), n)).collect();
        it.sort();
        let want: Vec<(String, u64)> =
            all.iter().filter_map(|(k, v)| Some((std::str::from_utf8(k).ok()?.to_string(), *v))).collect();
        assert_eq!(it, want);
    }

    #[test]
    fn get_many_equals_get_at_every_batch_size() {
        let m = super::super::Model::embedded();
        let map = fst::Map::new(m.section(super::super::format::SURFACE)).unwrap();
        let t = SurfaceTable::from_fst(&map);
        let words: Vec<String> = t
            .iter()
            .step_by(97)
            .flat_map(|(k, _)| {
                [
                    k.to_string(),
                    k.to_uppercase(),
                    format!("{k}{k}{k}"),
                    k.chars().take(k.chars().count() / 2).collect(),
                ]
            })
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        assert!(words.len() > 1000);
        for n in [0, 1, 2, 3, 15, 16, 17, 33, words.len()] {
            for start in [0, 5, 301] {
                let keys = &words[start.min(words.len())..(start + n).min(words.len())];
                let mut out = vec![u64::MAX; keys.len() + 2];
                t.get_many(keys, &mut out);
                for (k, o) in keys.iter().zip(&out) {
                    assert_eq!(*o, t.get(k), "{k:?}");
                }
                // Entries past the keys are left alone; a short `out` takes what fits.
                assert_eq!(out[keys.len()..], [u64::MAX; 2]);
                if !keys.is_empty() {
                    let mut short = vec![u64::MAX; keys.len() - 1];
                    t.get_many(keys, &mut short);
                    assert!(short.iter().zip(keys).all(|(o, k)| *o == t.get(k)));
                }
            }
        }
    }

    #[test]
    fn long_empty_non_utf8_and_big_counts() {
        let long = "Internationalisation-of-the-Things";
        let keys: &[(&[u8], u64)] = &[
            (b"", 3),
            (b"a", 1),
            (b"a\0", 2),
            (b"abcdefgh", 5),
            (b"abcdefgh\0", 6),
            (b"abcdefghijklmnop", 7),
            (b"abcdefghijklmnopq", 8),
            (long.as_bytes(), u64::MAX),
            (b"\xff\xfe", 9),
            ("Zürich".as_bytes(), 10),
        ];
        let bytes = fst_of(keys);
        let map = fst::Map::new(&bytes[..]).unwrap();
        let t = SurfaceTable::from_fst(&map);
        assert_eq!(t.len(), keys.len() - 1);
        for (k, v) in keys {
            if let Ok(s) = std::str::from_utf8(k) {
                assert_eq!(t.get(s), *v, "{s:?}");
            }
        }
        for s in [
            "b",
            "abcdefg",
            "abcdefgh\0\0",
            "abcdefghijklmno",
            "abcdefghijklmnopqr",
            "Internationalisation-of-the-Thing",
            "Internationalisation-of-the-Thingz",
            "\u{fffd}",
            "Zurich",
        ] {
            assert_eq!(t.get(s), fst_get(&map, s), "{s:?}");
        }
        // In the fst's order, the UTF-8 keys only.
        let it: Vec<(&str, u64)> = t.iter().collect();
        let mut want: Vec<(&str, u64)> =
            keys.iter().filter_map(|(k, v)| Some((std::str::from_utf8(k).ok()?, *v))).collect();
        want.sort_unstable();
        assert_eq!(it, want);
        assert_eq!(it.len(), keys.len() - 1);
        assert_eq!(it[0], ("", 3));
        // The empty table answers 0.
        let e = SurfaceTable::default();
        assert_eq!((e.get(""), e.get("a"), e.get(long), e.iter().count()), (0, 0, 0, 0));
    }
}
