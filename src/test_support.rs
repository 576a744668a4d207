//! Helpers shared by unit tests across modules.

/// A deterministic xorshift64 generator for tests that compare a fast path with its
/// definition on many pseudo-random inputs.
pub(crate) struct XorShift(u64);

impl XorShift {
    /// A generator starting from `seed` (not zero: xorshift stays at zero).
    pub(crate) fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }

    /// The next pseudo-random value.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// The next value below `n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A string of fewer than `len_below` pieces drawn from `pieces` (not empty).
    pub(crate) fn string_of(&mut self, pieces: &[&str], len_below: usize) -> String {
        let len = self.below(len_below);
        (0..len).map(|_| pieces[self.below(pieces.len())]).collect()
    }
}
