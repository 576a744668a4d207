//! British and American spellings of one word, written one way.
//!
//! The same rules as `scripts/synonyms_tsv.py`'s `spelling_key` (which keeps such pairs out of
//! the synonym table): "Amphitheatre" and "Amphitheater", "Labour" and "Labor", "organise" and
//! "organize" share a key, so a document that spells a name both ways is not taken for one
//! whose entity was mangled.

/// `word` lower-cased with its British/American spelling differences written one way:
/// digraphs ("aesthetic", "foetal"), -our ("colour"), doubled l ("travelled"), -mme
/// ("programme"), -ogue ("catalogue"), -ence ("defence"), -ise/-yse ("organise", "analyse"),
/// -re ("centre"), -t pasts ("burnt"). Non-ASCII letters are only lower-cased.
pub fn spelling_key(word: &str) -> String {
    let mut w = word.to_lowercase();
    for (from, to) in
        [("ae", "e"), ("oe", "e"), ("ou", "o"), ("ll", "l"), ("mme", "m"), ("ogue", "og"), ("ence", "ense")]
    {
        if w.contains(from) {
            w = w.replace(from, to);
        }
    }
    let w = ise_to_ize(&w);
    let stem_end = |suffix: &str| w.strip_suffix(suffix);
    if let Some(stem) = stem_end("tre") {
        format!("{stem}ter")
    } else if let Some(stem) = stem_end("tres") {
        format!("{stem}ters")
    } else if let Some(stem) = stem_end("tred") {
        format!("{stem}tered")
    } else if let Some(stem) = stem_end("tring") {
        format!("{stem}tering")
    } else if let Some(stem) = stem_end("t").filter(|s| !s.is_empty() && !s.ends_with('e')) {
        format!("{stem}ed")
    } else {
        w
    }
}

/// "is"/"ys" before a, e, i or u written with z (non-overlapping, left to right).
fn ise_to_ize(w: &str) -> String {
    let b = w.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if i + 2 < b.len()
            && matches!(b[i], b'i' | b'y')
            && b[i + 1] == b's'
            && matches!(b[i + 2], b'a' | b'e' | b'i' | b'u')
        {
            out.extend_from_slice(&[b[i], b'z', b[i + 2]]);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| w.to_string())
}

#[cfg(test)]
mod tests {
    use super::spelling_key;

    #[test]
    fn british_and_american_spellings_share_a_key() {
        for (a, b) in [
            ("Amphitheatre", "Amphitheater"),
            ("Centre", "Center"),
            ("Labour", "Labor"),
            ("organised", "organized"),
            ("analyse", "analyze"),
            ("defence", "defense"),
            ("travelled", "traveled"),
            ("programme", "program"),
            ("catalogue", "catalog"),
            ("foetal", "fetal"),
            ("burnt", "burned"),
            ("centres", "centers"),
        ] {
            assert_eq!(spelling_key(a), spelling_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn other_words_keep_different_keys() {
        for (a, b) in [
            ("Pifer", "Piffer"),
            ("Peifer", "Pifer"),
            ("Karmanau", "Karmanov"),
            ("Putin", "Puton"),
            ("meet", "meat"),
        ] {
            assert_ne!(spelling_key(a), spelling_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn non_ascii_words_are_kept() {
        assert_eq!(spelling_key("Zelenskyy"), "zelenskyy");
        assert_eq!(spelling_key("Ærø"), "ærø");
        assert_eq!(spelling_key("Łódź"), "łódź");
    }
}
