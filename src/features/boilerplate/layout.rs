//! A page run together on one line, laid out for line classification: its sentences
//! ([`layout_lines`]), each cut again where a piece of page furniture starts or ends inside it.

use super::lang;
use super::patterns::{Patterns, normalize_into};
use crate::segment::{LineSpan, layout_lines};

/// The lines a page is classified by: its own, or, in a text with no line breaks
/// ([`layout_lines`]), its sentences, each cut again around the furniture found inside it
/// ([`furniture_at`]): "... great again. Tags: Arroyo, Border Previous Post In about 2900 BC
/// ..." reads as "Tags:", "Arroyo, Border", "Previous Post In about 2900 BC ...". Returns the
/// lines and whether they are sentences.
pub(crate) fn page_lines(text: &str) -> (Vec<LineSpan>, bool) {
    let (spans, sentences) = layout_lines(text);
    if !sentences {
        return (spans, false);
    }
    let mut out = Vec::with_capacity(spans.len());
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut norms: Vec<String> = Vec::new();
    for span in spans {
        words.clear();
        let line = &text[span.start..span.end];
        for w in line.split_ascii_whitespace() {
            // `split_ascii_whitespace` gives sub-slices of `line`: their offsets are exact.
            let start = w.as_ptr() as usize - line.as_ptr() as usize;
            words.push((span.start + start, span.start + start + w.len()));
        }
        let mut start = span.start;
        let mut i = 0;
        while i < words.len() {
            let ws = words[i].0;
            match furniture_at(text, &words, i, &mut norms) {
                Some(cut) => {
                    if cut.before && ws > start {
                        out.push(LineSpan { start, end: ws });
                        start = ws;
                    }
                    i += cut.len.max(1);
                    if cut.after && i < words.len() {
                        out.push(LineSpan { start, end: words[i].0 });
                        start = words[i].0;
                    }
                }
                None => i += 1,
            }
        }
        out.push(LineSpan { start, end: span.end });
    }
    (out, true)
}

/// How a sentence is cut around a piece of furniture found at one of its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cut {
    /// A line starts at the word.
    before: bool,
    /// Words the piece spans (at least one).
    len: usize,
    /// Another line starts after the piece.
    after: bool,
}

/// The piece of furniture found at word `i` of a sentence (`words`: byte ranges in `text`):
/// a tweet's attribution ([`tweet_signature`]), a picture link ending an embedded post, a
/// photo credit in brackets ([`credit_aside`]), a picture label ([`picture_label`]) or a
/// phrase of the lexicon ([`furniture_phrase`]). `norms` is scratch space.
fn furniture_at(text: &str, words: &[(usize, usize)], i: usize, norms: &mut Vec<String>) -> Option<Cut> {
    let word = &text[words[i].0..words[i].1];
    match word.as_bytes().first()? {
        // "— Jen Psaki (@PressSec) December 30, 2021"
        b'-' | 0xE2 => tweet_signature(text, words, i),
        // "(Photo by Jane Doe/AFP via Getty Images)"
        b'(' => credit_aside(text, words, i),
        // the end of an embedded post: "We are on it pic.twitter.com/abc123"
        b'p' | b'h' if is_picture_link(word) => Some(Cut { before: false, len: 1, after: true }),
        b'I' | b'M' | b'P' | b'V' => {
            picture_label(text, words, i).or_else(|| furniture_phrase(text, words, i, norms))
        }
        // "Home / News / The Desk By Hannah Brennan Americans have gone ..."
        b'B' => byline_at(text, words, i).or_else(|| furniture_phrase(text, words, i, norms)),
        _ => furniture_phrase(text, words, i, norms),
    }
}

/// A tweet's attribution line run into the text around it: a dash, the author's name, the
/// handle in brackets and, when it follows, the date ("— Jen Psaki (@PressSec) December 30,
/// 2021"). It becomes a line of its own, the lexicon's `embed` line.
fn tweet_signature(text: &str, words: &[(usize, usize)], i: usize) -> Option<Cut> {
    let word_at = |j: usize| &text[words[j].0..words[j].1];
    if !matches!(word_at(i), "-" | "—" | "–") {
        return None;
    }
    let handle = (i + 2..words.len().min(i + 9)).find(|&j| is_handle(word_at(j)))?;
    if (i + 1..handle).any(|j| word_at(j).contains(['(', ')'])) {
        return None;
    }
    let dated = handle + 3 < words.len()
        && word_at(handle + 1).chars().all(char::is_alphabetic)
        && word_at(handle + 2)
            .strip_suffix(',')
            .is_some_and(|d| (1..=2).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
        && word_at(handle + 3).len() == 4
        && word_at(handle + 3).bytes().all(|b| b.is_ascii_digit());
    let end = if dated { handle + 4 } else { handle + 1 };
    Some(Cut { before: true, len: end - i, after: true })
}

/// "(@handle)": a social-media handle in brackets, 1 to 15 letters, digits or underscores.
fn is_handle(word: &str) -> bool {
    word.strip_prefix("(@").and_then(|w| w.strip_suffix(')')).is_some_and(|h| {
        (1..=15).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// A picture or short link that ends an embedded post: `pic.twitter.com/...`, `t.co/...`.
fn is_picture_link(word: &str) -> bool {
    word.starts_with("pic.twitter.com/")
        || word.starts_with("https://t.co/")
        || word.starts_with("http://t.co/")
}

/// Words a bracketed credit may hold, brackets included.
const CREDIT_MAX_WORDS: usize = 12;

/// A photo credit in brackets inside a sentence ("(Photo by Jane Doe/AFP via Getty Images)",
/// "(AP Photo/Evan Vucci)"): a bracket opened at a capital and closed within
/// [`CREDIT_MAX_WORDS`] words whose text the lexicon calls a credit. It becomes a line of its
/// own.
fn credit_aside(text: &str, words: &[(usize, usize)], i: usize) -> Option<Cut> {
    let word_at = |j: usize| &text[words[j].0..words[j].1];
    if !word_at(i)[1..].starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let close = (i..words.len().min(i + CREDIT_MAX_WORDS))
        .find(|&j| word_at(j).trim_end_matches(['.', ',', ';']).ends_with(')'))?;
    let aside = &text[words[i].0..words[close].1];
    let hit = Patterns::embedded().find_text(aside, close + 1 - i, &mut String::new())?;
    (hit.category == "credit").then_some(Cut { before: true, len: close + 1 - i, after: true })
}

/// Words of an agency or photographer's name a picture label's credit may hold.
const LABEL_NAME_MAX_WORDS: usize = 4;

/// A broadcaster's picture label run into the text: "Image source, Getty Images The promise
/// of ..." or "Image caption, Police at the scene ...". A line starts at the label. After
/// "source," or "credit," the credit is the run of capitalised words (or words holding a
/// slash, "AFP/Getty") up to the one that starts the next sentence, a capitalised word
/// followed by a lower-case one ("The promise"), and the text after it starts another line;
/// a caption runs on to the end of its sentence.
fn picture_label(text: &str, words: &[(usize, usize)], i: usize) -> Option<Cut> {
    let word_at = |j: usize| &text[words[j].0..words[j].1];
    if !matches!(word_at(i), "Image" | "Media" | "Picture" | "Video" | "Photo") || i + 1 >= words.len() {
        return None;
    }
    let label = word_at(i + 1);
    if matches!(label, "caption," | "Caption,") {
        return Some(Cut { before: true, len: 2, after: false });
    }
    if !matches!(label, "source," | "Source," | "credit," | "Credit,") {
        return None;
    }
    let capital = |j: usize| word_at(j).starts_with(|c: char| c.is_uppercase() || c.is_numeric());
    let lower = |j: usize| word_at(j).starts_with(|c: char| c.is_lowercase());
    let mut k = i + 2;
    while k < words.len().min(i + 2 + LABEL_NAME_MAX_WORDS) {
        let name = capital(k) || word_at(k).contains('/');
        if !name || (k + 1 < words.len() && lower(k + 1)) {
            break;
        }
        k += 1;
    }
    Some(Cut { before: true, len: k - i, after: k > i + 2 })
}

/// Words of a name a byline run into the text may hold.
const BYLINE_MAX_NAMES: usize = 3;

/// A byline run into the text around it: "By", two or three capitalised names, then the next
/// sentence ("... Trend Hub By Aisha Abernathy WeWork is reportedly ..."). The names end
/// before a capitalised word that starts the sentence (a stopword, "The", or a word followed
/// by a lower-case one, "WeWork is") or a month ("September 2, 2022"). The byline becomes a
/// line of its own. "By Tuesday the ..." and "By Christmas Eve, ..." in prose are not bylines:
/// fewer than two names, or a name followed by punctuation.
fn byline_at(text: &str, words: &[(usize, usize)], i: usize) -> Option<Cut> {
    let word_at = |j: usize| &text[words[j].0..words[j].1];
    if word_at(i) != "By" {
        return None;
    }
    let mut lower = String::new();
    let mut is_name = |w: &str| {
        if !w.starts_with(|c: char| c.is_uppercase())
            || !w.chars().all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-'))
        {
            return false;
        }
        lower.clear();
        lower.extend(w.chars().flat_map(char::to_lowercase));
        !lang::is_stopword(&lower) && !MONTHS.contains(&lower.as_str())
    };
    let starts_lower = |j: usize| word_at(j).starts_with(|c: char| c.is_lowercase());
    let mut k = i + 1;
    while k < words.len().min(i + 1 + BYLINE_MAX_NAMES)
        && is_name(word_at(k))
        && !(k + 1 < words.len() && starts_lower(k + 1))
    {
        k += 1;
    }
    let names = k - (i + 1);
    let next_starts = k < words.len()
        && word_at(k).starts_with(|c: char| c.is_uppercase() || c.is_numeric() || matches!(c, '"' | '“'));
    // an initial ("J.") may end a name; any other full stop or comma ends a sentence or clause
    let clean_end = !word_at(k - 1).ends_with(['.', ',', ';', ':']) || word_at(k - 1).len() == 2;
    (names >= 2 && next_starts && clean_end).then_some(Cut { before: true, len: k - i, after: true })
}

/// Month names, lower case: a date after a byline is not part of the name.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The lexicon phrase that starts at word `i` of a sentence and runs on as furniture does:
/// into a word that starts with a capital, a digit or a quote ("Related Posts There can be",
/// "Read Also: Sales plunged"), or through a colon ("Tags:"). The same words in prose run on
/// in lower case ("violated its Terms of Service by posting") or end a sentence. A whole-line
/// pattern ("Related Posts", "Remember Me") becomes a line of its own; a prefix pattern ("Read
/// Also", "Previous Post") starts one. The words after `i` are normalised (into `norms`) only
/// when word `i` can start a phrase.
fn furniture_phrase(text: &str, words: &[(usize, usize)], i: usize, norms: &mut Vec<String>) -> Option<Cut> {
    let word_at = |j: usize| &text[words[j].0..words[j].1];
    let word = word_at(i);
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let pats = Patterns::embedded();
    let upto = words.len().min(i + pats.phrase_words());
    norms.resize_with(upto - i, String::new);
    normalize_into(word, &mut norms[0]);
    if !pats.starts_phrase(&norms[0]) {
        return None;
    }
    for (n, j) in norms[1..].iter_mut().zip(i + 1..upto) {
        normalize_into(word_at(j), n);
    }
    let (k, whole) = pats.phrase_at(norms, word.ends_with(':')).filter(|&(k, _)| {
        let last = word_at(i + k - 1);
        if last.ends_with(':') {
            return true;
        }
        match words.get(i + k) {
            Some(_) => word_at(i + k)
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_numeric() || matches!(c, '"' | '“' | '‘')),
            None => !last.ends_with(|c: char| c.is_ascii_punctuation()),
        }
    })?;
    Some(Cut { before: true, len: k, after: whole })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let (spans, by_sentence) = page_lines(text);
        assert!(by_sentence);
        spans.iter().map(|s| text[s.start..s.end].trim()).collect()
    }

    const PROSE: &str = "The council voted on Tuesday to close the old library on Main Street next year. \
        Residents said they would fight the decision in the courts and at the next election. \
        The mayor said the building would be sold to pay for a new school on the east side of town.";

    #[test]
    fn a_tweet_run_into_the_text_is_cut_out_with_its_attribution() {
        let t = format!(
            "{PROSE} Preliminary tests show the game runs at an unstable level. — Elena Delacroix \
             (@haddad) September 24, 2019 The group state that the two modes are similar. The mayor \
             was asked about it pic.twitter.com/25d8ec46 It was not the first time."
        );
        let p = pieces(&t);
        assert!(p.contains(&"— Elena Delacroix (@haddad) September 24, 2019"), "{p:?}");
        assert!(p.contains(&"The group state that the two modes are similar."), "{p:?}");
        assert!(p.contains(&"The mayor was asked about it pic.twitter.com/25d8ec46"), "{p:?}");
        assert!(p.contains(&"It was not the first time."), "{p:?}");
    }

    #[test]
    fn picture_labels_and_bracketed_credits_are_cut_out() {
        let t = format!(
            "Image source, Getty Images The promise of the service was smooth play. (Photo by Elena \
             Ferreira/AFP via Getty Images) Posted on social media by the analysts, the port is not \
             smooth. Image source, EPA Tested by: John Milbank. {PROSE}"
        );
        let p = pieces(&t);
        for piece in [
            "Image source, Getty Images",
            "The promise of the service was smooth play.",
            "(Photo by Elena Ferreira/AFP via Getty Images)",
            "Posted on social media by the analysts, the port is not smooth.",
            "Image source, EPA",
            "Tested by: John Milbank.",
        ] {
            assert!(p.contains(&piece), "{piece}: {p:?}");
        }
    }

    #[test]
    fn prose_that_only_looks_like_furniture_is_not_cut() {
        let t = format!(
            "{PROSE} The score was 3 - 1 (Smith scored twice) at the break. Image quality was poor, \
             he said. The pic is not a link. {PROSE}"
        );
        let (spans, _) = page_lines(&t);
        let (sentences, _) = layout_lines(&t);
        assert_eq!(spans, sentences, "{:?}", pieces(&t));
    }

    #[test]
    fn a_byline_run_into_the_first_sentence_is_cut_out() {
        let t =
            format!("Home / News / The Desk By Fatima Brennan The Jupiter moon has plumes. {PROSE} {PROSE}");
        let p = pieces(&t);
        assert!(p.contains(&"By Fatima Brennan"), "{p:?}");
        assert!(p.contains(&"The Jupiter moon has plumes."), "{p:?}");
        let t = format!("Trend Hub By Aisha Abernathy WeWork is being sued. {PROSE} {PROSE}");
        let p = pieces(&t);
        assert!(p.contains(&"By Aisha Abernathy"), "{p:?}");
        let t =
            format!("By Daniel Whitaker September 2, 2022 If you have done it, you know. {PROSE} {PROSE}");
        let p = pieces(&t);
        assert!(p.contains(&"By Daniel Whitaker"), "{p:?}");
        for prose in [
            "By Tuesday the council had voted to close it.",
            "By Christmas Eve, the shops were empty.",
            "By New Year the debt had doubled.",
        ] {
            let t = format!("{PROSE} {prose} {PROSE}");
            assert!(pieces(&t).contains(&prose), "{prose}: {:?}", pieces(&t));
        }
    }

    #[test]
    fn a_phrase_runs_on_past_a_lone_dash() {
        let t = format!("{PROSE} Advertisement - Scroll to continue Interesting to see the result. {PROSE}");
        let p = pieces(&t);
        assert!(p.contains(&"Advertisement - Scroll to continue"), "{p:?}");
        assert!(p.contains(&"Interesting to see the result."), "{p:?}");
    }
}
