//! What a document costs to analyse, and the bounds that keep it linear and in memory.
//!
//! Analysis memory grows with a document's units (words, punctuation marks, symbols) and lines,
//! not its bytes: English prose has one unit every 4-5 bytes and a line every 30 or more, a run
//! of ASCII symbols one unit every byte. A 1 MiB line of `#$%*@!` took 100 MB while being
//! analysed and kept 20 MB for its batch, against 5 MB and 7.5 MB for 1 MiB of prose, so twelve
//! of them at two threads peaked at 435 MB; twelve 1 MiB pages of one-word lines, 879 MB. A
//! document is therefore also cut at [`MAX_DOC_UNITS`] units and [`MAX_DOC_LINES`] lines, and
//! batches are filled by [`batch_cost`], which counts dense text by its units or lines. These
//! leave prose as it was: no dev, generated or bench document reaches any of the bounds.

/// Most units analysed per document: about 1 MiB of the densest prose (4 bytes a unit), a third
/// of that of symbols.
pub const MAX_DOC_UNITS: usize = 320_000;

/// Most lines analysed per document: more than 1 MiB of the shortest lines pages have (28 bytes
/// on average), and a fifth of what a page of one-word lines cut to 1 MiB had (analysing
/// 320,000 lines took 80 MB).
pub const MAX_DOC_LINES: usize = 65_536;

/// Bytes of batch budget a line takes ([`batch_cost`]): under half the average line of the
/// shortest-lined pages, so that they cost their bytes.
pub const LINE_BYTES: usize = 16;

/// Bytes of batch budget a unit takes ([`batch_cost`]): below prose's 4-5 bytes a unit, so that
/// prose costs its bytes.
pub const UNIT_BYTES: usize = 3;

/// Where a unit starts, by byte: an ASCII letter or digit after a byte that is neither (a word),
/// any other printable ASCII byte (punctuation, symbols), and the lead byte of a three- or
/// four-byte character (emoji, CJK, box drawing, typographic quotes: one unit each). Two-byte
/// characters (accented Latin, Greek, Cyrillic letters) continue a word like ASCII letters.
#[inline]
fn starts_unit(prev_word: bool, b: u8) -> (bool, bool) {
    match b {
        b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | 0xC0..=0xDF => (!prev_word, true),
        0x80..=0xBF => (false, prev_word),
        0xE0..=0xFF => (true, false),
        b'!'..=b'~' => (true, false),
        _ => (false, false),
    }
}

/// The byte length of `text`'s first `max` units: `text.len()` when it has no more (always a
/// character boundary, the start of the next unit).
pub fn units_prefix(text: &str, max: usize) -> usize {
    let mut n = 0;
    let mut word = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        let (start, w) = starts_unit(word, b);
        word = w;
        if start {
            if n == max {
                return i;
            }
            n += 1;
        }
    }
    text.len()
}

/// How many units `text` has (see [`units_prefix`]).
pub fn units(text: &str) -> usize {
    let mut n = 0;
    let mut word = false;
    for &b in text.as_bytes() {
        let (start, w) = starts_unit(word, b);
        word = w;
        n += usize::from(start);
    }
    n
}

/// What `text` takes of a batch's [`BATCH_BYTES`](super::BATCH_BYTES): its bytes, or
/// [`UNIT_BYTES`] a unit or [`LINE_BYTES`] a line when that is more (text denser in units or
/// lines than any prose). Units are estimated here by the bytes that start or end one whatever
/// comes before: spaces, ASCII punctuation and symbols, and the lead bytes of three- and
/// four-byte characters. That is [`units`] give or take a unit a line, and a pass of
/// comparisons the compiler vectorises.
pub fn batch_cost(text: &str) -> usize {
    // Counted in byte lanes, 255 bytes at a time (a lane's count cannot overflow).
    let (marks, lines) = text
        .as_bytes()
        .chunks(255)
        .map(|chunk| {
            let (mut marks, mut lines) = (0u8, 0u8);
            for &b in chunk {
                let letter = (b | 0x20).wrapping_sub(b'a') < 26;
                let digit = b.wrapping_sub(b'0') < 10;
                let printable = b.wrapping_sub(b' ') < 95;
                marks += u8::from(printable & !letter & !digit | (b >= 0xE0));
                lines += u8::from(b == b'\n');
            }
            (usize::from(marks), usize::from(lines))
        })
        .fold((0, 0), |(m, l), (a, b)| (m + a, l + b));
    text.len().max(UNIT_BYTES * marks).max(LINE_BYTES * lines)
}

/// Id and source bytes a document carries without counting in its batch (a long URL): within
/// this, batches are filled by text alone.
pub const FREE_METADATA: usize = 1024;

/// What document `d` takes of a batch's [`BATCH_BYTES`](super::BATCH_BYTES): its text's
/// [`batch_cost`], plus its id and source when together they are longer than
/// [`FREE_METADATA`] (a feed whose id field held whole pages, 4 MB each, peaked at 431 MB).
pub fn doc_cost(d: &crate::document::Document) -> usize {
    let meta = d.id.len() + d.source.len();
    batch_cost(&d.text) + if meta > FREE_METADATA { meta } else { 0 }
}

/// The byte length of `text`'s first `max` lines (line breaks included): `text.len()` when it
/// has no more.
pub fn lines_prefix(text: &str, max: usize) -> usize {
    if max == 0 {
        return 0;
    }
    memchr::memchr_iter(b'\n', text.as_bytes()).nth(max - 1).map_or(text.len(), |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_words_marks_and_wide_characters() {
        assert_eq!(units("The cat's 3 mats."), 7); // The cat ' s 3 mats .
        assert_eq!(units("café naïve"), 2);
        assert_eq!(units("#$%*@!"), 6);
        assert_eq!(units("😀🎉✨ “quoted”"), 6);
        assert_eq!(units(" \n\t "), 0);
        assert_eq!(units(""), 0);
    }

    #[test]
    fn prefixes_end_at_a_unit_start() {
        let t = "a “b” c";
        assert_eq!(units_prefix(t, 0), 0);
        assert_eq!(&t[..units_prefix(t, 1)], "a ");
        assert_eq!(&t[..units_prefix(t, 2)], "a “");
        assert_eq!(&t[..units_prefix(t, 3)], "a “b");
        assert_eq!(&t[..units_prefix(t, 4)], "a “b” ");
        assert_eq!(units_prefix(t, 5), t.len());
        assert_eq!(units_prefix(t, 99), t.len());
        for max in 0..8 {
            let cut = units_prefix("é😀x#yé", max);
            assert!("é😀x#yé".is_char_boundary(cut), "{max}");
        }
    }

    #[test]
    fn prose_costs_its_bytes_and_symbols_their_units() {
        let prose = "Officials said on Tuesday that the talks, held in Geneva, would resume. ";
        assert_eq!(batch_cost(prose), prose.len());
        let symbols = "#$%*@!".repeat(100);
        assert_eq!(batch_cost(&symbols), 3 * symbols.len());
        assert_eq!(batch_cost(""), 0);
    }

    #[test]
    fn dense_documents_are_cut_at_the_unit_bound_and_prose_by_bytes_only() {
        use crate::document::Document;
        let mut d = Document::new("s", "x", "#$%*@!".repeat(100_000));
        d.cut_text(1 << 20);
        assert_eq!(d.text.len(), MAX_DOC_UNITS);
        assert_eq!(d.warnings, [format!("scored on the first {MAX_DOC_UNITS} of 600000 bytes")]);
        let prose = "Officials said on Tuesday that the talks would resume in Geneva. ".repeat(9_000);
        let mut d = Document::new("p", "x", prose.clone());
        d.cut_text(1 << 20);
        assert_eq!((d.text.len(), d.warnings.len()), (prose.len(), 0));
        d.cut_text(1000);
        assert_eq!(d.text.len(), 1000);
    }

    #[test]
    fn batches_of_dense_documents_hold_fewer_of_them() {
        use crate::input::{Raw, Record};
        let batch_of = |text: String| {
            let recs = (0..40).map(|i| Record {
                doc: Ok(crate::document::Document::new(i.to_string(), "x", text.clone())),
                raw: Raw::File,
            });
            let (docs, _) = super::super::next_batch(&mut recs.into_iter(), 1000, 1 << 20).unwrap();
            docs.len()
        };
        // 1 MiB of prose a document: ten make a batch; symbols (cut to MAX_DOC_UNITS bytes)
        // count three bytes a unit: eleven of a third of the size.
        let prose = "Officials said the talks would resume. ".repeat(27_000);
        assert_eq!(batch_of(prose), 10);
        assert_eq!(batch_of("#$%*@!".repeat(200_000)), 11);
    }

    #[test]
    fn line_prefixes_keep_whole_lines() {
        assert_eq!(lines_prefix("a\nb\nc", 0), 0);
        assert_eq!(lines_prefix("a\nb\nc", 1), 2);
        assert_eq!(lines_prefix("a\nb\nc", 2), 4);
        assert_eq!(lines_prefix("a\nb\nc", 3), 5);
        assert_eq!(lines_prefix("a\nb\n", 2), 4);
        let mut d = crate::document::Document::new("l", "x", "a\n".repeat(100_000));
        d.cut_text(1 << 20);
        assert_eq!(d.text.len(), 2 * MAX_DOC_LINES);
        assert_eq!(d.warnings, [format!("scored on the first {} of 200000 bytes", 2 * MAX_DOC_LINES)]);
        // A page of short lines costs its lines.
        assert_eq!(batch_cost(&"ab\n".repeat(10)), 16 * 10);
    }

    #[test]
    fn long_ids_and_sources_count_in_full_and_short_ones_not_at_all() {
        use crate::document::Document;
        let text = "Officials said the talks would resume.";
        assert_eq!(doc_cost(&Document::new("https://example.com/a/b", "example.com", text)), text.len());
        let long = "x".repeat(FREE_METADATA);
        assert_eq!(doc_cost(&Document::new(long.clone(), "s", text)), text.len() + FREE_METADATA + 1);
    }
}
