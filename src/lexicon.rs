//! What the entity family needs to know about the reference vocabulary, as a trait so the
//! family can be tested on small lexicons and run on the reference model.

/// Case-preserving vocabulary statistics of clean reference text.
pub trait Lexicon: Sync {
    /// How often this exact surface form (case kept, e.g. "U.S", "Pifer") occurs in the
    /// reference text; 0 when unseen.
    fn surface_count(&self, surface: &str) -> u64;

    /// How often the normalised form (see [`crate::tokenize::normalize`]) occurs.
    fn normalized_count(&self, norm: &str) -> u64;

    /// Surface forms (case kept) within Levenshtein distance `max_edits` of `surface`, with
    /// their counts, most frequent first. Exact match excluded. Used to find the likely original
    /// of a near miss ("A.S" -> "U.S").
    fn near_misses(&self, surface: &str, max_edits: u32) -> Vec<(String, u64)>;

    /// Total number of tokens the counts were taken from (for turning counts into rates).
    fn total_tokens(&self) -> u64;

    /// How often the bigram of two normalised words occurs in the reference text (0 when unseen
    /// or pruned).
    fn bigram_count(&self, first: &str, second: &str) -> u64;
}
