//! Hard-wrapped paragraphs (plain-text exports, mail, feeds wrapped at 72 or 80 columns): the
//! lines of one paragraph are joined back into one line when a document is read. A line break
//! ends a sentence (`segment::sentences`) and is where the boilerplate classifier cuts, so a
//! wrapped paragraph read as it is falls apart into fragments: the first 150 clean BBC
//! originals wrapped at 72 columns scored 7.7 points higher on average (up to 30).
//!
//! A block (lines between blank lines) is wrapped prose on its own evidence when it is what a
//! greedy wrap makes (each line but the last is too long to take the next line's first word
//! within the width of the block's longest line), that width is [`MIN_WRAP`] to [`MAX_WRAP`]
//! characters, and a line continues a sentence in lower case. Once a document has such a block,
//! every block that the same greedy wrap could have made at that width is joined too (a
//! paragraph whose lines all start with names). A list of titles or links, a menu of short lines
//! and text whose paragraphs already are lines are left alone. Widths are counted in characters
//! and in bytes, and a block either count finds wrapped is joined: tools such as `fold` wrap by
//! bytes, and a line with curly quotes or accents then looks too short to be wrapped when its
//! characters are counted.

/// Longest line of a wrapped paragraph (columns of the widest common wraps, with slack).
pub(super) const MAX_WRAP: usize = 100;
/// A block whose longest line is shorter is a list or a menu, not wrapped prose.
const MIN_WRAP: usize = 40;

/// `text` with its hard-wrapped paragraphs on one line each, or `None` when it has none (no
/// copy is made).
pub fn unwrap(text: &str) -> Option<String> {
    // Text without line breaks has nothing to join.
    if !text.contains('\n') {
        return None;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    // Blocks of non-blank lines, as line index ranges.
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        blocks.push(start..i);
    }
    // The width of the blocks that are wrapped prose on their own evidence; a block the same
    // wrap made whose lines all start with capitals ("Sergei\nRyabkov ... Wendy\nSherman.") is
    // taken at that width.
    // By each count, the width of the blocks it finds wrapped (bytes count as characters do in
    // ASCII text).
    let measures: &[Measure] =
        if text.is_ascii() { &[Measure::Chars] } else { &[Measure::Chars, Measure::Bytes] };
    let widths: Vec<(Measure, usize)> = measures
        .iter()
        .filter_map(|&m| {
            let wrapped = blocks.iter().filter(|b| is_wrapped(&lines[(*b).clone()], m));
            Some((m, wrapped.map(|b| longest(&lines[b.clone()], m)).max()?))
        })
        .collect();
    if widths.is_empty() {
        return None;
    }
    let mut joins = vec![false; lines.len()];
    for b in blocks {
        let block = &lines[b.clone()];
        let made_by = |&(m, width): &(Measure, usize)| longest(block, m) <= width && greedy(block, width, m);
        if block.len() >= 2 && widths.iter().any(made_by) {
            joins[b.start..b.end - 1].fill(true);
        }
    }
    let mut out = String::with_capacity(text.len());
    for (k, line) in lines.iter().enumerate() {
        let mut piece = *line;
        if k > 0 && joins[k - 1] {
            piece = piece.trim_start();
        }
        if joins[k] {
            out.push_str(piece.trim_end());
            out.push(' ');
        } else {
            out.push_str(piece);
            if k + 1 < lines.len() {
                out.push('\n');
            }
        }
    }
    Some(out)
}

/// How a wrap counted a line's width.
#[derive(Clone, Copy)]
enum Measure {
    Chars,
    Bytes,
}

impl Measure {
    /// Width of `s` by this count.
    fn of(self, s: &str) -> usize {
        match self {
            Measure::Chars => s.chars().count(),
            Measure::Bytes => s.len(),
        }
    }
}

/// Width of a line, without the whitespace around it.
fn len(line: &str, m: Measure) -> usize {
    m.of(line.trim())
}

/// Width of the longest line of `block`.
fn longest(block: &[&str], m: Measure) -> usize {
    block.iter().map(|l| len(l, m)).max().unwrap_or(0)
}

/// Whether a greedy wrap at `width` made `block`: every line but the last would have overflowed
/// with the next line's first word.
fn greedy(block: &[&str], width: usize, m: Measure) -> bool {
    block.windows(2).all(|w| {
        let next_word = w[1].split_whitespace().next().map_or(0, |x| m.of(x));
        len(w[0], m) + 1 + next_word > width
    })
}

/// Whether the non-blank lines of `block` are one hard-wrapped paragraph on their own evidence:
/// a greedy wrap at the width of its longest line, [`MIN_WRAP`] to [`MAX_WRAP`] wide, of prose
/// (a line continues a sentence in lower case).
fn is_wrapped(block: &[&str], m: Measure) -> bool {
    if block.len() < 2 {
        return false;
    }
    let width = longest(block, m);
    (MIN_WRAP..=MAX_WRAP).contains(&width)
        && greedy(block, width, m)
        && block[1..].iter().any(|l| l.trim_start().chars().next().is_some_and(char::is_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARA: &str = "The White House said the call began in the afternoon and lasted for almost an hour, \
                        according to officials who briefed reporters on condition of anonymity. Both sides \
                        described the talks as frank and said they would meet again in January.";

    fn wrap(text: &str, width: usize) -> String {
        wrap_by(text, width, str::len)
    }

    /// A greedy wrap at `width` as `measure` counts it.
    fn wrap_by(text: &str, width: usize, measure: fn(&str) -> usize) -> String {
        let mut out = String::new();
        let mut line = String::new();
        for w in text.split(' ') {
            if !line.is_empty() && measure(&line) + 1 + measure(w) > width {
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(w);
        }
        out + &line
    }

    #[test]
    fn wrapped_paragraphs_are_joined_and_blank_lines_kept() {
        for width in [60, 72, 80] {
            let text = format!("Title of the story\n\n{}\n\n{}\n", wrap(PARA, width), wrap(PARA, width));
            let got = unwrap(&text).expect("wrapped");
            assert_eq!(got, format!("Title of the story\n\n{PARA}\n\n{PARA}\n"), "{width}");
        }
        // Windows line ends: the \r goes with the joined break.
        let crlf = wrap(PARA, 72).replace('\n', "\r\n");
        assert_eq!(unwrap(&crlf).as_deref(), Some(PARA));
    }

    #[test]
    fn a_wrap_counted_in_characters_or_in_bytes_is_joined() {
        // Every "a" two bytes long: a wrap by bytes (as `fold` makes) leaves lines that look too
        // short to be wrapped when their characters are counted.
        let para = PARA.replace('a', "\u{e1}");
        let chars = |s: &str| s.chars().count();
        for measure in [str::len as fn(&str) -> usize, chars] {
            let text = format!("{}\n\n{}", wrap_by(&para, 72, measure), wrap_by(&para, 72, measure));
            assert_eq!(unwrap(&text), Some(format!("{para}\n\n{para}")));
        }
        let by_bytes = wrap_by(&para, 72, str::len);
        assert!(!is_wrapped(&by_bytes.split('\n').collect::<Vec<_>>(), Measure::Chars), "{by_bytes}");
    }

    #[test]
    fn lists_menus_and_paragraph_lines_are_left_alone() {
        let links = "Biden and Putin to talk again as tensions rise\nRussia says talks with NATO were frank\n\
                     Ukraine asks allies for more air defence systems\nMarkets fall as oil prices climb again";
        let menu = "Home\nWorld\nBusiness\nSport";
        let paragraphs = format!("{PARA}\n{PARA}\n{PARA}");
        let one = "just one line of text";
        for text in [links, menu, paragraphs.as_str(), one, "", "\n\n"] {
            assert_eq!(unwrap(text), None, "{text:?}");
        }
        // In a wrapped document, a paragraph whose lines all start with capitals is joined at
        // the document's width; a list of titles there is not.
        let names = "The Russian delegation will be led by Deputy Foreign Minister Sergei\n\
                     Ryabkov and the US delegation by Deputy Secretary of State Wendy\nSherman.";
        let doc = format!("{}\n\n{names}\n\n{links}", wrap(PARA, 72));
        let want = format!("{PARA}\n\n{}\n\n{links}", names.replace('\n', " "));
        assert_eq!(unwrap(&doc), Some(want));
        assert_eq!(unwrap(names), None, "no lower-case continuation: no evidence on its own");
        // A wrapped paragraph beside a list: only the paragraph is joined.
        let mixed = format!("{}\n\n{links}", wrap(PARA, 72));
        assert_eq!(unwrap(&mixed), Some(format!("{PARA}\n\n{links}")));
    }
}
