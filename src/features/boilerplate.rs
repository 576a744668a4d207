//! Boilerplate: separates the article from the page furniture around it, line by line, and
//! measures how much of the document is furniture.
//!
//! Each line (a paragraph in most inputs) is classified in four steps:
//! 1. **Lexicon** ([`patterns`], data in `data/boilerplate-patterns.tsv`): comment forms, share/ad lines,
//!    read-more and related links, bylines, bios, credits, copyright, cookie, newsletter and
//!    donation appeals, date and weather widgets, bare URLs, site self-descriptions.
//! 2. **Language** ([`lang`]): in an English document, a line with enough letters that is not
//!    English (a Spanish comment form) is boilerplate; a document that is not English is
//!    reported in [`Classified::language`].
//! 3. **Repetition** ([`RepeatIndex`]): lines that recur in several documents of the same
//!    source in the batch are template text.
//! 4. **Structure**, in the spirit of jusText, C4 and FineWeb: a line with at least five words,
//!    terminal punctuation and English stopwords (or a long one with many stopwords) is article
//!    text ("good"); link lists (`Home | News | Sport`) are boilerplate; every other line is
//!    "short" and decided by its context: a heading directly above article text, a title just
//!    before the first article line, or a short line between article lines is content; short
//!    lines before the article, after it, or next to boilerplate are boilerplate.
//!
//! Bios and site self-descriptions ("X is a reporter who ...", "N is the fastest emerging news
//! website ...") only count when no article text follows them.
//!
//! Linear in the input; no step panics on any input.

use super::{Evidence, Family, FamilyOutput, Feature};
use crate::segment::{LineSpan, lines};
use serde::Serialize;
use std::borrow::Cow;

pub mod lang;
mod layout;
pub mod patterns;
mod repeat;

pub use repeat::{DEFAULT_MAX_ENTRIES, DEFAULT_MIN_DOCS, MIN_DOC_SHARE, NormLines, RepeatIndex};

use lang::{LineStats, line_stats};
pub(crate) use layout::page_lines;
use patterns::{Patterns, normalize_into};

/// The class of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineClass {
    /// Article text: fluency and entity features read it.
    Content,
    /// Page furniture.
    Boilerplate,
    /// Empty or whitespace only.
    Blank,
    /// An item of a list or table in the article (tour dates, results, specifications): one of
    /// [`LIST_MIN_RUN`] or more short lines in a row without sentence punctuation. Neither prose
    /// nor furniture: no family reads it, and it is not counted as boilerplate.
    List,
}

/// A classified line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineInfo {
    /// Its byte range.
    #[serde(skip)]
    pub span: LineSpan,
    /// Its class.
    pub class: LineClass,
    /// Why: a short stable reason. Content: `content`, `heading`, `title`, `short-in-content`,
    /// `short-tail` (after the article, no furniture among them), `no-context`. Blank: `blank`.
    /// List: `list`. Boilerplate: a lexicon category (`comment-form`, `share`,
    /// `advertisement`, `related-link`, `navigation`, `byline`, `bio`, `credit`, `embed`,
    /// `copyright`, `cookie`, `newsletter`, `donation`, `date`, `weather`, `url`,
    /// `site-description`), or `non-english`, `repeated`, `link-list`, `short-edge` (short line
    /// before or after the article), `short-no-punct` (short line next to boilerplate).
    pub reason: &'static str,
}

/// Result of classifying a document's lines.
#[derive(Debug, Clone, Default)]
pub struct Classified {
    /// Every line with its class.
    pub lines: Vec<LineInfo>,
    /// Language of the content, ISO 639-3 (`eng`), when identified.
    pub language: Option<&'static str>,
    /// Features (`boilerplate.ratio`, ...) and evidence (one per boilerplate line).
    pub output: FamilyOutput,
    /// [`crate::links::may_hold_links`] of the text: false when it holds no web or e-mail
    /// address, so its tokens need no search for them.
    pub may_hold_links: bool,
}

impl Classified {
    /// True when the content was identified as English (or is too short to tell).
    pub fn is_english(&self) -> bool {
        self.language.is_none_or(|l| l == "eng")
    }
}

/// Feature names this family emits, in order.
pub const FEATURES: &[&str] = &[
    "boilerplate.ratio",
    "boilerplate.line_share",
    "boilerplate.lines",
    "boilerplate.content_chars",
    "boilerplate.lexicon",
    "boilerplate.structural",
    "boilerplate.non_english",
    "boilerplate.repeated",
];

/// A line with at least this many words and terminal punctuation can be article text.
const GOOD_MIN_WORDS: usize = 5;
/// ... if at least this share of its words are English stopwords.
const GOOD_MIN_STOPWORDS: f64 = 0.15;
/// A line this long is article text without terminal punctuation if stopword-dense.
const LONG_MIN_WORDS: usize = 15;
const LONG_MIN_STOPWORDS: f64 = 0.25;
/// A "Read more:" label marks the next line as a link if it has at most this many words.
const LINK_TITLE_MAX_WORDS: usize = 25;
/// A document whose article lines recur in other documents of the source for more than this
/// share of their characters is a version of the same story, not a page sharing a template.
const STORY_OVERLAP_SHARE: f64 = 0.3;
/// Leading short lines with at least this many words and a stopword are kept as titles.
const TITLE_MIN_WORDS: usize = 4;
/// Labels of a link to another story that pages put inside the article (`"Read Also: <title>"`),
/// as normalised by the pattern matcher.
const INLINE_LINK_LABELS: &[&str] =
    &["read also", "also read", "read more", "read next", "see also", "related", "must read", "dont miss"];
/// Short article lines in a row (blank lines aside) from which they are a list or table
/// ([`LineClass::List`]). Fewer are headings, captions, a title and its standfirst.
pub const LIST_MIN_RUN: usize = 3;

/// Boilerplate lines given as evidence per reason, the first in the text: more than a report
/// shows of one family, so reports are the same as with every line (`explain` lists each
/// line's class besides).
pub const EVIDENCE_PER_REASON: usize = 64;

/// Provisional class during classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pre {
    Blank,
    Good,
    Short,
    Bad(&'static str),
    /// A weak lexicon hit (bio, site description): bad only if no good line follows.
    Weak(&'static str),
}

struct Facts {
    span: LineSpan,
    stats: LineStats,
    pre: Pre,
    /// A "Read more:" label: the next non-blank line is a link title.
    link_label: bool,
    /// Furniture that pages insert between article paragraphs (an advertisement marker such as
    /// "- Advertisement -" or "Story continues below advertisement", a `"Read Also: <title>"`
    /// link): short lines around it are judged as if it were not there.
    inline_insert: bool,
    /// A related-links heading alone on its line ("Related Posts", "You may also like").
    related_heading: bool,
    /// The line's key in the repeat index (`None` when it has no letter or digit, or when the
    /// index is empty and the key was not computed).
    repeat_key: Option<u64>,
}

/// Classifies each line of `text` (from `source`) as content, boilerplate or blank.
pub fn classify(text: &str, source: &str, repeats: &RepeatIndex) -> Classified {
    classify_normalised(text, source, repeats, None)
}

/// [`classify`] given the document's normalised lines from [`RepeatIndex::build_keeping`] (the
/// same result; the lines are not normalised a second time). Lines past the end of `norms` are
/// normalised here.
pub fn classify_normalised(
    text: &str,
    source: &str,
    repeats: &RepeatIndex,
    norms: Option<&NormLines>,
) -> Classified {
    let pats = Patterns::embedded();
    // The repeat index laid the page out already when it had to be laid out by sentence.
    let (spans, by_sentence): (Cow<'_, [LineSpan]>, bool) = match norms {
        Some(NormLines { sentences: Some(spans), .. }) => (Cow::Borrowed(spans), true),
        Some(_) => (Cow::Owned(lines(text)), false),
        None => {
            let (spans, by_sentence) = page_lines(text);
            (Cow::Owned(spans), by_sentence)
        }
    };
    let mut facts: Vec<Facts> = Vec::with_capacity(spans.len());
    let mut padded = String::new();
    let mut norm_buf = String::new();
    // The repeat index keys lines by their normalisation, the same one the lexicon matches on:
    // each line is normalised once for both.
    let repeat_keys = (!repeats.is_empty()).then(|| RepeatIndex::source_key(source));
    // Lines are searched for web addresses only in a document that may hold one.
    let links = crate::links::may_hold_links(text);

    // Step 1: statistics and lexicon.
    for (line_no, &span) in spans.iter().enumerate() {
        let raw = &text[span.start..span.end];
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            facts.push(Facts {
                span,
                stats: LineStats::default(),
                pre: Pre::Blank,
                link_label: false,
                inline_insert: false,
                related_heading: false,
                repeat_key: None,
            });
            continue;
        }
        let stats = line_stats(trimmed);
        let mut pre = Pre::Short;
        let mut link_label = false;
        let mut inline_insert = false;
        let mut related_heading = false;
        let matched = trimmed.len() <= patterns::MAX_MATCH_BYTES;
        let norm: &str = match norms.and_then(|n| n.get(line_no)) {
            Some(n) => n,
            None => {
                if matched || repeat_keys.is_some() {
                    normalize_into(trimmed, &mut norm_buf);
                }
                &norm_buf
            }
        };
        let repeat_key = repeat_keys.and_then(|sk| RepeatIndex::line_key(sk, norm));
        if matched {
            padded.clear();
            padded.push(' ');
            padded.push_str(norm);
            padded.push(' ');
            if let Some(hit) = pats.find(trimmed, &padded, stats.words) {
                pre = if hit.weak { Pre::Weak(hit.category) } else { Pre::Bad(hit.category) };
                // "Read more:" on its own line: the next line is the link's title.
                link_label = hit.label_only && hit.category == "related-link" && trimmed.ends_with(':');
                related_heading = hit.label_only && hit.category == "related-link";
                inline_insert = match hit.category {
                    "advertisement" => {
                        (stats.words == 1 && !norm.starts_with("sponsor"))
                            || norm.starts_with("advertisement ")
                            || norm.contains("continue")
                    }
                    "related-link" => {
                        !hit.label_only
                            && stats.words >= 4
                            && INLINE_LINK_LABELS.iter().any(|l| norm.starts_with(l))
                    }
                    _ => false,
                };
            }
        }
        // A line's web addresses are not its prose: "Sales rose. (https://...)" is a sentence
        // that ends in punctuation, and the address's words are not among its words (the
        // patterns above still see them: a line that starts with one is the "url" class).
        let prose = if links { crate::links::without_links(trimmed) } else { None };
        let stats = match prose {
            // The line's length still counts whole in the shares.
            Some(prose) if prose.chars().any(char::is_alphanumeric) => {
                LineStats { chars: stats.chars, ..line_stats(&prose) }
            }
            _ => stats,
        };
        if pre == Pre::Short {
            if stats.separators >= 2 && stats.words <= 30 {
                pre = Pre::Bad("link-list");
            } else if is_good(&stats, true) {
                pre = Pre::Good;
            }
        }
        facts.push(Facts { span, stats, pre, link_label, inline_insert, related_heading, repeat_key });
    }
    if by_sentence {
        resolve_short_sentences(text, &mut facts);
    }
    resolve_pending_links(&mut facts);
    resolve_teasers(text, &mut facts, by_sentence);

    // Step 2: language of the document, then foreign lines in an English document.
    let language = lang::document_language(
        facts
            .iter()
            .filter(|f| matches!(f.pre, Pre::Good | Pre::Short) && f.stats.words >= GOOD_MIN_WORDS)
            .map(|f| (&text[f.span.start..f.span.end], &f.stats)),
    );
    let english = language.is_none_or(|l| l == "eng");
    if english {
        for f in facts.iter_mut() {
            if matches!(f.pre, Pre::Good | Pre::Short)
                && lang::foreign_line(text[f.span.start..f.span.end].trim(), &f.stats).is_some()
            {
                f.pre = Pre::Bad("non-english");
            }
        }
    } else {
        // stopwords say nothing in another language: judge by length and punctuation alone
        for f in facts.iter_mut() {
            if f.pre == Pre::Short && is_good(&f.stats, false) {
                f.pre = Pre::Good;
            }
        }
    }

    // Step 3: repetition across the batch. When a good share of the document's article lines
    // recur elsewhere in the source, the document is another version of the same story (a
    // re-post, a rewrite, a duplicate), not a page sharing a template: repetition is ignored.
    if !repeats.is_empty() {
        let mut rep = vec![false; facts.len()];
        let threshold = repeats.threshold(source);
        let (mut rep_good, mut good) = (0usize, 0usize);
        for (i, f) in facts.iter().enumerate() {
            if f.pre == Pre::Blank {
                continue;
            }
            rep[i] = repeats.count_key(f.repeat_key) >= threshold;
            if f.pre == Pre::Good {
                good += f.stats.chars;
                if rep[i] {
                    rep_good += f.stats.chars;
                }
            }
        }
        let same_story = rep_good as f64 > STORY_OVERLAP_SHARE * good as f64;
        if !same_story {
            for (f, r) in facts.iter_mut().zip(rep) {
                if r && matches!(f.pre, Pre::Short | Pre::Weak(_) | Pre::Good) {
                    f.pre = Pre::Bad("repeated");
                }
            }
        }
    }

    // Step 4: weak hits count only where no article text follows.
    let mut good_after = false;
    for f in facts.iter_mut().rev() {
        match f.pre {
            Pre::Good => good_after = true,
            Pre::Weak(cat) => {
                f.pre = if !good_after {
                    Pre::Bad(cat)
                } else if is_good(&f.stats, english) {
                    good_after = true;
                    Pre::Good
                } else {
                    Pre::Short
                };
            }
            _ => {}
        }
    }

    // Step 5: short lines by context.
    let out_lines = resolve_short(&facts);

    let output = features(text, &out_lines, &facts);
    Classified { lines: out_lines, language, output, may_hold_links: links }
}

fn is_good(st: &LineStats, english: bool) -> bool {
    if english {
        (st.terminal && st.words >= GOOD_MIN_WORDS && st.stopword_density() >= GOOD_MIN_STOPWORDS)
            || (st.words >= LONG_MIN_WORDS && st.stopword_density() >= LONG_MIN_STOPWORDS)
    } else {
        (st.terminal && st.words >= GOOD_MIN_WORDS) || st.words >= LONG_MIN_WORDS
    }
}

/// Teasers of other stories under a related-links heading: below "Related Posts", a line cut
/// short with an ellipsis after a title or a date ("Stocks rose on Wednesday as investors…")
/// is the excerpt of a linked story, not article text. The first complete line of text ends
/// the block. Laid out by sentence (`by_sentence`), a teaser's title and date are glued to its
/// excerpt's first sentence, and its excerpt may run over several sentences ("COLUMBIA, S.C.",
/// "(AP) — About a dozen ... on Tuesday…"): a sentence there is a teaser when it or one of the
/// next [`TEASER_AHEAD`] holds an ellipsis.
fn resolve_teasers(text: &str, facts: &mut [Facts], by_sentence: bool) {
    let cut_short = |f: &Facts| ends_with_ellipsis(&text[f.span.start..f.span.end]);
    let mut in_block = false;
    let mut prev: Option<(Pre, bool)> = None;
    for i in 0..facts.len() {
        let f = &facts[i];
        match f.pre {
            Pre::Blank => continue,
            Pre::Bad(_) | Pre::Weak(_) if f.related_heading => in_block = true,
            Pre::Good if in_block => {
                let teaser = if by_sentence {
                    nonblank(&facts[i..])
                        .take(1 + TEASER_AHEAD)
                        .any(|g| holds_ellipsis(&text[g.span.start..g.span.end]))
                } else {
                    matches!(prev, Some((Pre::Short, _)) | Some((Pre::Bad(_) | Pre::Weak(_), false)))
                        && cut_short(f)
                };
                if teaser {
                    facts[i].pre = Pre::Bad("related-link");
                } else {
                    in_block = false;
                }
            }
            _ => {}
        }
        prev = Some((facts[i].pre, facts[i].related_heading));
    }
}

/// In a text laid out by sentence, a short sentence next to article text ("But whose
/// requirements?", "The price wasn't announced.") is article text too, not a heading or a title
/// line: it has two words or more and ends in sentence punctuation, but not in an ellipsis (a
/// teaser cut short).
fn resolve_short_sentences(text: &str, facts: &mut [Facts]) {
    let sentence = |f: &Facts| {
        f.pre == Pre::Short
            && f.stats.terminal
            && f.stats.words >= 2
            && !ends_with_ellipsis(&text[f.span.start..f.span.end])
    };
    for i in 0..facts.len() {
        if !sentence(&facts[i]) {
            continue;
        }
        let near = |j: Option<&Facts>| j.is_some_and(|f| f.pre == Pre::Good);
        let prev = nonblank(&facts[..i]).next_back();
        let next = nonblank(&facts[i + 1..]).next();
        if near(prev) || near(next) {
            facts[i].pre = Pre::Good;
        }
    }
}

/// The lines of `facts` that are not blank, in order (`next_back` for the nearest before a
/// line, `next` for the nearest after it).
fn nonblank(facts: &[Facts]) -> impl DoubleEndedIterator<Item = &Facts> {
    facts.iter().filter(|f| f.pre != Pre::Blank)
}

/// Sentences after a teaser's first one that may still hold its ellipsis, in a text laid out by
/// sentence.
const TEASER_AHEAD: usize = 2;

/// Holds "…" or "..." anywhere ("And that… more", "religious […]").
fn holds_ellipsis(line: &str) -> bool {
    line.contains('…') || line.contains("...")
}

/// Ends with "…", "..." or a bracketed one ("[…]", "[...]").
fn ends_with_ellipsis(line: &str) -> bool {
    let t = line.trim_end().trim_end_matches([']', ')']).trim_end();
    t.ends_with('…') || t.ends_with("...")
}

/// The line after a "Read more:" label is the link's title when it is short enough.
fn resolve_pending_links(facts: &mut [Facts]) {
    let mut pending = false;
    for f in facts.iter_mut() {
        if f.pre == Pre::Blank {
            continue;
        }
        if pending && f.stats.words <= LINK_TITLE_MAX_WORDS && !matches!(f.pre, Pre::Bad(_)) {
            f.pre = Pre::Bad("related-link");
        }
        pending = f.link_label;
    }
}

fn resolve_short(facts: &[Facts]) -> Vec<LineInfo> {
    let n = facts.len();
    let first_good = facts.iter().position(|f| f.pre == Pre::Good);
    let last_good = facts.iter().rposition(|f| f.pre == Pre::Good);
    // next non-blank line's class, and nearest non-short, non-blank class on each side
    let mut next_nonblank: Vec<Option<Pre>> = vec![None; n];
    let mut next_decided: Vec<Option<Pre>> = vec![None; n];
    let (mut nb, mut nd) = (None, None);
    for i in (0..n).rev() {
        next_nonblank[i] = nb;
        next_decided[i] = nd;
        if facts[i].inline_insert {
            continue;
        }
        match facts[i].pre {
            Pre::Blank => {}
            Pre::Short => nb = Some(Pre::Short),
            p => {
                nb = Some(p);
                nd = Some(p);
            }
        }
    }
    // a tail that holds furniture is furniture throughout; a tail of short lines only (team
    // sheets, fixture lists, captions under an article) stays with the article
    let furnished_tail =
        last_good.is_some_and(|lg| facts[lg..].iter().any(|f| matches!(f.pre, Pre::Bad(_) | Pre::Weak(_))));
    // the line right after the article's last good line, when it is a long sentence of running
    // words (an event listing, a run of names: few function words) and furniture only follows
    // it: the article's last paragraph
    let last_paragraph =
        last_good.and_then(|lg| (lg + 1..n).find(|&i| facts[i].pre != Pre::Blank)).filter(|&i| {
            let st = &facts[i].stats;
            facts[i].pre == Pre::Short
                && st.terminal
                && st.words >= LONG_MIN_WORDS
                && 2 * st.lower_initial >= st.words
        });
    // the title: the last short line before the first good line
    let title = first_good.and_then(|fg| (0..fg).rev().find(|&i| facts[i].pre == Pre::Short));

    let mut prev_decided: Option<Pre> = None;
    let mut out = Vec::with_capacity(n);
    for (i, f) in facts.iter().enumerate() {
        let (class, reason) = match f.pre {
            Pre::Blank => (LineClass::Blank, "blank"),
            Pre::Good => (LineClass::Content, "content"),
            Pre::Bad(r) | Pre::Weak(r) => (LineClass::Boilerplate, r),
            Pre::Short => match (first_good, last_good) {
                (Some(fg), Some(lg)) => {
                    if next_nonblank[i] == Some(Pre::Good) {
                        (LineClass::Content, "heading")
                    } else if i < fg {
                        if title == Some(i) || (f.stats.words >= TITLE_MIN_WORDS && f.stats.stopwords > 0) {
                            (LineClass::Content, "title")
                        } else {
                            (LineClass::Boilerplate, "short-edge")
                        }
                    } else if i > lg {
                        if furnished_tail && last_paragraph != Some(i) {
                            (LineClass::Boilerplate, "short-edge")
                        } else {
                            (LineClass::Content, "short-tail")
                        }
                    } else if prev_decided == Some(Pre::Good) && next_decided[i] == Some(Pre::Good) {
                        (LineClass::Content, "short-in-content")
                    } else {
                        (LineClass::Boilerplate, "short-no-punct")
                    }
                }
                _ => (LineClass::Content, "no-context"),
            },
        };
        if !matches!(f.pre, Pre::Blank | Pre::Short) && !f.inline_insert {
            prev_decided = Some(f.pre);
        }
        out.push(LineInfo { span: f.span, class, reason });
    }
    mark_lists(&mut out);
    out
}

/// Runs of at least [`LIST_MIN_RUN`] short article lines (blank lines aside) become
/// [`LineClass::List`]: a tour-date list or a results table is not prose, and its n-grams and
/// names say nothing about a rewrite. The title before the article and a document without any
/// article line keep their lines.
fn mark_lists(out: &mut [LineInfo]) {
    // These reasons are given to short article lines only (`resolve_short`).
    let listy = |l: &LineInfo| matches!(l.reason, "heading" | "short-in-content" | "short-tail");
    let mut run: Vec<usize> = Vec::new();
    for i in 0..=out.len() {
        if i < out.len() && out[i].class == LineClass::Blank {
            continue;
        }
        if i < out.len() && listy(&out[i]) {
            run.push(i);
            continue;
        }
        if run.len() >= LIST_MIN_RUN {
            for &k in &run {
                out[k].class = LineClass::List;
                out[k].reason = "list";
            }
        }
        run.clear();
    }
}

fn features(text: &str, lines: &[LineInfo], facts: &[Facts]) -> FamilyOutput {
    let (mut nonblank_chars, mut bp_chars, mut content_chars) = (0usize, 0usize, 0usize);
    let (mut nonblank_lines, mut bp_lines) = (0usize, 0usize);
    let (mut lexicon, mut structural, mut foreign, mut repeated) = (0usize, 0usize, 0usize, 0usize);
    let mut evidence = Vec::new();
    // Evidence given so far per reason.
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for (l, f) in lines.iter().zip(facts) {
        if l.class == LineClass::Blank {
            continue;
        }
        let chars = f.stats.chars;
        nonblank_chars += chars;
        nonblank_lines += 1;
        if matches!(l.class, LineClass::Content | LineClass::List) {
            content_chars += chars;
            continue;
        }
        bp_chars += chars;
        bp_lines += 1;
        match l.reason {
            "non-english" => foreign += chars,
            "repeated" => repeated += chars,
            "link-list" | "short-edge" | "short-no-punct" => structural += chars,
            _ => lexicon += chars,
        }
        // Lines past the first few of their reason give no evidence (the features count them):
        // a page of 300,000 one-word lines held 40 MB of notes, and a report shows the first
        // of each reason, then the earliest.
        match kinds.iter_mut().find(|(k, _)| *k == l.reason) {
            Some((_, n)) if *n >= EVIDENCE_PER_REASON => continue,
            Some((_, n)) => *n += 1,
            None => kinds.push((l.reason, 1)),
        }
        let line = text[l.span.start..l.span.end].trim();
        let snippet: String = line.chars().take(80).collect();
        let more = if snippet.len() < line.len() { "…" } else { "" };
        evidence.push(Evidence {
            family: Family::Boilerplate,
            kind: l.reason,
            start: l.span.start,
            end: l.span.end,
            strength: 1.0,
            note: format!("boilerplate ({}): \"{snippet}{more}\"", l.reason),
            suggestion: None,
        });
    }
    let share = |x: usize| {
        if nonblank_chars == 0 { 0.0 } else { x as f64 / nonblank_chars as f64 }
    };
    let line_share = if nonblank_lines == 0 { 0.0 } else { bp_lines as f64 / nonblank_lines as f64 };
    FamilyOutput {
        features: vec![
            Feature::new("boilerplate.ratio", share(bp_chars)),
            Feature::new("boilerplate.line_share", line_share),
            Feature::new("boilerplate.lines", bp_lines as f64),
            Feature::new("boilerplate.content_chars", content_chars as f64),
            Feature::new("boilerplate.lexicon", share(lexicon)),
            Feature::new("boilerplate.structural", share(structural)),
            Feature::new("boilerplate.non_english", share(foreign)),
            Feature::new("boilerplate.repeated", share(repeated)),
        ],
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<(String, LineClass, &'static str)> {
        let c = classify(text, "s", &RepeatIndex::default());
        c.lines
            .iter()
            .filter(|l| l.class != LineClass::Blank)
            .map(|l| (text[l.span.start..l.span.end].to_string(), l.class, l.reason))
            .collect()
    }

    fn class_of(text: &str, line: &str) -> (LineClass, &'static str) {
        classes(text)
            .into_iter()
            .find(|(t, _, _)| t == line)
            .map(|(_, c, r)| (c, r))
            .unwrap_or_else(|| panic!("no line {line:?}"))
    }

    const BODY1: &str = "The White House said the call began in the afternoon and lasted for almost an hour.";
    const BODY2: &str =
        "Officials from both countries are expected to meet again in Geneva next month, he said.";
    const BODY3: &str =
        "The United States and its allies have refused to give Russia the guarantees it wants.";

    #[test]
    fn title_line_stays_content() {
        let t = format!("Middle East\n\nBiden and Putin hold a call on Ukraine\n\n{BODY1}\n\n{BODY2}\n");
        assert_eq!(class_of(&t, "Biden and Putin hold a call on Ukraine").0, LineClass::Content);
        assert_eq!(class_of(&t, "Middle East"), (LineClass::Boilerplate, "short-edge"));
        assert_eq!(class_of(&t, BODY1), (LineClass::Content, "content"));
    }

    #[test]
    fn a_line_followed_by_its_address_is_read_by_its_prose() {
        // An address's words do not make a sentence a short line without an ending, nor the
        // title above it the edge of a block of furniture (a clean BBC page read both ways).
        let title = "IMF agrees fresh Turkey funding";
        // Without the address, a sentence (terminal punctuation); with its six words, a line
        // with no ending and too few stopwords to be article text.
        let first = "Turkey has agreed a draft proposal with the International Monetary Fund to borrow \
                     $10bn (£5.19bn), extending its ongoing financial support until 2007. (https://www.example.com/news/808948)";
        let t = format!("{title}\n\n{first}\n\n{BODY2}\n\n{BODY3}\n");
        assert_eq!(class_of(&t, first), (LineClass::Content, "content"));
        assert_eq!(class_of(&t, title).0, LineClass::Content);
        // A line that is only an address, or starts with one, is still furniture.
        let t = format!("{BODY1}\n\n{BODY2}\n\nhttps://www.example.com/news/1\n");
        assert_eq!(class_of(&t, "https://www.example.com/news/1").0, LineClass::Boilerplate);
    }

    #[test]
    fn heading_between_content_stays_content() {
        let t = format!("{BODY1}\n\nFear of invasion\n\n{BODY2}\n\nShort line\nAnother short one\n{BODY3}");
        assert_eq!(class_of(&t, "Fear of invasion"), (LineClass::Content, "heading"));
        assert_eq!(class_of(&t, "Short line"), (LineClass::Content, "short-in-content"));
    }

    #[test]
    fn trailing_short_lines_are_boilerplate() {
        let t = format!("{BODY1}\n{BODY2}\nCedric Blackwater\nLatest Articles\nStay tuned");
        assert_eq!(class_of(&t, "Cedric Blackwater"), (LineClass::Boilerplate, "short-edge"));
        assert_eq!(class_of(&t, "Latest Articles"), (LineClass::Boilerplate, "related-link"));
        assert_eq!(class_of(&t, "Stay tuned"), (LineClass::Boilerplate, "short-edge"));
        // a tail without any furniture (a team sheet) stays with the article
        let t = format!("{BODY1}\n{BODY2}\nChelsea v Birmingham\nWest Ham v Sheff Utd");
        assert_eq!(class_of(&t, "Chelsea v Birmingham"), (LineClass::Content, "short-tail"));
    }

    #[test]
    fn lists_in_the_article_are_neither_prose_nor_furniture() {
        let dates = "June 9 – West Palm Beach, FL @ Coral Sky Amphitheatre\n\nJune 10 – Tampa, FL @ MIDFLORIDA \
                     Amphitheatre\n\nJune 14 – Alpharetta, GA @ Ameris Bank Amphitheatre";
        for t in
            [format!("{BODY1}\n\n{dates}\n\n{BODY2}"), format!("{BODY1}\n\n{BODY2}\n\nTour Dates\n\n{dates}")]
        {
            let c = classify(&t, "s", &RepeatIndex::default());
            assert_eq!(
                class_of(&t, "June 10 – Tampa, FL @ MIDFLORIDA Amphitheatre"),
                (LineClass::List, "list")
            );
            assert_eq!(class_of(&t, BODY2).0, LineClass::Content);
            // Article material: not boilerplate.
            assert_eq!(c.output.get("boilerplate.ratio"), Some(0.0));
        }
        // Two short lines are a heading and a caption, not a list.
        let t = format!("{BODY1}\nA heading\nA subheading\n{BODY2}");
        assert_eq!(class_of(&t, "A heading"), (LineClass::Content, "short-in-content"));
        assert_eq!(class_of(&t, "A subheading"), (LineClass::Content, "heading"));
    }

    #[test]
    fn furniture_inside_the_article_does_not_cut_it() {
        // A short article line followed by an advertisement marker and a "Read Also:" link, then
        // more article: the line is judged as if the inserts were not there.
        let t = format!(
            "{BODY1}\nThis freed up the move of Courtois to Madrid\n- Advertisement -\nRead Also: Protests spread across the region overnight\n{BODY2}"
        );
        assert_eq!(
            class_of(&t, "This freed up the move of Courtois to Madrid"),
            (LineClass::Content, "heading")
        );
        assert_eq!(class_of(&t, "- Advertisement -"), (LineClass::Boilerplate, "advertisement"));
        let t = format!("{BODY1}\nFear of invasion\nAdvertisement - Scroll to continue\n{BODY2}");
        assert_eq!(class_of(&t, "Fear of invasion"), (LineClass::Content, "heading"));
        // A sponsored block is not an insert: the line before it stays furniture.
        let t = format!("{BODY1}\nBuy the new phone for $840\nSponsored\n{BODY2}");
        assert_eq!(class_of(&t, "Buy the new phone for $840"), (LineClass::Boilerplate, "short-no-punct"));
    }

    #[test]
    fn teasers_under_a_related_heading_are_furniture() {
        let teaser = "NEW YORK (AP) — Stocks rose on Wednesday as investors looked past the spread of the \
                      omicron variant, with the S&P 500 heading for another record high as the year winds down…";
        let t = format!(
            "{BODY1}\n{BODY2}\nRelated Posts\nStocks climb as investors shrug off virus worries\nDecember 29, 2021\n{teaser}\nLeave a Reply\n"
        );
        assert_eq!(class_of(&t, teaser), (LineClass::Boilerplate, "related-link"));
        assert_eq!(class_of(&t, BODY2), (LineClass::Content, "content"));
        // A paragraph that happens to end with an ellipsis right under a heading, then the
        // article going on: not a teaser (no title or date before it).
        let cut = "The official said Biden would tell Putin that the diplomatic path remains open, even as \
                   the Russians have deployed some 100,000 troops …";
        let t = format!("{BODY1}\nRelated\n{cut}\n{BODY2}\n");
        assert_eq!(class_of(&t, cut).0, LineClass::Content);
    }

    #[test]
    fn long_last_paragraph_before_the_tail_stays_content() {
        // An event listing: a long sentence with few function words, then related links.
        let listing = "ATTEND a two-day symposium with Olympic dressage rider Steffen Peters, trainer Scott \
                       Hassler, Oct. 28-29, Riveredge, Chesapeake City, MD. VIP meet and greet cocktail hour, \
                       evening reception and lecture, Oct. 26. Limited seating; www.hasslerdressage.com.";
        let t = format!("{BODY1}\n{BODY2}\n{listing}\nRelated: Scientists unveil the first global map\n");
        assert_eq!(class_of(&t, listing), (LineClass::Content, "short-tail"));
        // A long line of numbers and names (few words in lower case) is not a paragraph.
        let portions = "Portion Fix Containers: 1 Green, 1 Purple, 1 Red, 1 Yellow, 1 Blue, 1 tsp.";
        let t = format!("{BODY1}\n{BODY2}\n{portions}\nRelated: Scientists unveil the first global map\n");
        assert_eq!(class_of(&t, portions), (LineClass::Boilerplate, "short-edge"));
        // The same line after the furniture has started is furniture.
        let t = format!("{BODY1}\n{BODY2}\nRelated: Scientists unveil the first global map\n{listing}\n");
        assert_eq!(class_of(&t, listing), (LineClass::Boilerplate, "short-edge"));
    }

    #[test]
    fn short_line_next_to_boilerplate() {
        let t = format!("{BODY1}\nNo news is bad news\nSupport us now\n{BODY2}");
        assert_eq!(class_of(&t, "No news is bad news"), (LineClass::Boilerplate, "short-no-punct"));
        assert_eq!(class_of(&t, "Support us now"), (LineClass::Boilerplate, "donation"));
    }

    #[test]
    fn spanish_comment_form_under_english_article() {
        let t = format!(
            "{BODY1}\n\n{BODY2}\n\n{BODY3}\n\nDeja una respuesta\n\nTu dirección de correo electrónico no será publicada. Los campos obligatorios están marcados con *"
        );
        let c = classify(&t, "s", &RepeatIndex::default());
        assert_eq!(c.language, Some("eng"));
        assert_eq!(class_of(&t, "Deja una respuesta"), (LineClass::Boilerplate, "comment-form"));
        // an unlisted Spanish line is caught by language identification
        let t2 = format!(
            "{BODY1}\n\n{BODY2}\n\nEl presidente habló con su homólogo ruso sobre la crisis de la frontera durante una hora.\n\n{BODY3}"
        );
        let (class, reason) = class_of(
            &t2,
            "El presidente habló con su homólogo ruso sobre la crisis de la frontera durante una hora.",
        );
        assert_eq!((class, reason), (LineClass::Boilerplate, "non-english"));
    }

    #[test]
    fn english_lines_with_names_are_not_foreign() {
        let names =
            "Associated Press writers Dasha Litvinova in Moscow and Juras Karmanov in Kyiv contributed.";
        let t = format!("{BODY1}\n{names}\n{BODY2}");
        assert_eq!(class_of(&t, names).0, LineClass::Content);
    }

    #[test]
    fn non_english_document_reported() {
        let t = "El presidente de Estados Unidos habló con su homólogo ruso sobre la crisis en la frontera de Ucrania.\n\
                 Los dos líderes acordaron seguir conversando en Ginebra el próximo mes, según la Casa Blanca.";
        let c = classify(t, "s", &RepeatIndex::default());
        assert_eq!(c.language, Some("spa"));
        assert!(!c.is_english());
        assert!(c.lines.iter().all(|l| l.class == LineClass::Content));
    }

    #[test]
    fn lexicon_lines() {
        let t = format!(
            "Thursday, July 7, 2022\n-13.7 C\nTitle of the story here\n{BODY1}\nRead Also:  Colleges face legal risks under bill\n{BODY2}\n- Advertisement -\n{BODY3}\nBy harry\nLeave a Reply\nShow More\nBack to top button"
        );
        for (line, reason) in [
            ("Thursday, July 7, 2022", "date"),
            ("-13.7 C", "weather"),
            ("Read Also:  Colleges face legal risks under bill", "related-link"),
            ("- Advertisement -", "advertisement"),
            ("By harry", "byline"),
            ("Leave a Reply", "comment-form"),
            ("Show More", "related-link"),
            ("Back to top button", "navigation"),
        ] {
            assert_eq!(class_of(&t, line), (LineClass::Boilerplate, reason), "{line}");
        }
        assert_eq!(class_of(&t, "Title of the story here").0, LineClass::Content);
    }

    #[test]
    fn read_more_label_marks_next_line() {
        let t = format!(
            "{BODY1}\n\nread more:\nBiden, Putin discuss various topics as crisis subsides\n\nA heading\n\n{BODY2}"
        );
        assert_eq!(
            class_of(&t, "Biden, Putin discuss various topics as crisis subsides"),
            (LineClass::Boilerplate, "related-link")
        );
        assert_eq!(class_of(&t, "A heading"), (LineClass::Content, "heading"));
    }

    #[test]
    fn bio_only_at_the_end() {
        let bio = "Cedric is a journalist with over a decade of experience reporting on local news.";
        let end = format!("{BODY1}\n{BODY2}\n{bio}\nRelated Articles");
        assert_eq!(class_of(&end, bio), (LineClass::Boilerplate, "bio"));
        let middle = format!("{BODY1}\n{bio}\n{BODY2}");
        assert_eq!(class_of(&middle, bio), (LineClass::Content, "content"));
    }

    #[test]
    fn labelled_bio_at_the_end() {
        // Too long for the "About the author" byline label, and not opening with the name.
        let bio = "About the author: Priya Rasmussen is a staff writer at Global Insider Post covering world news and politics.";
        let end = format!("{BODY1}\n{BODY2}\n{bio}\nShare this:");
        assert_eq!(class_of(&end, bio), (LineClass::Boilerplate, "bio"));
        let middle = format!("{BODY1}\n{bio}\n{BODY2}");
        assert_eq!(class_of(&middle, bio), (LineClass::Content, "content"));
    }

    #[test]
    fn link_list() {
        let t = format!("Home | News | Sport | Weather\n{BODY1}\n{BODY2}");
        assert_eq!(class_of(&t, "Home | News | Sport | Weather"), (LineClass::Boilerplate, "link-list"));
    }

    #[test]
    fn repeated_lines_across_a_source() {
        let docs: Vec<String> = ["alpha", "beta", "gamma"]
            .iter()
            .map(|w| {
                format!(
                    "Story {w} is here and it is long enough to be text.\n\
                     The {w} team said on Monday that it was ready for the next round of talks.\n\
                     Check out our partner deals today\n\
                     This article is part of our partner content programme."
                )
            })
            .collect();
        let idx = RepeatIndex::build(docs.iter().map(|d| ("site", d.as_str())));
        let c = classify(&docs[0], "site", &idx);
        let reasons: Vec<_> = c.lines.iter().map(|l| l.reason).collect();
        assert_eq!(reasons, ["content", "content", "repeated", "repeated"]);
        // another source is unaffected
        let c = classify(&docs[0], "other", &idx);
        assert!(c.lines.iter().all(|l| l.class == LineClass::Content));
        // versions of one story (most article lines shared) keep their lines
        let dup = format!("{BODY1}\n{BODY2}");
        let idx = RepeatIndex::build([("s", dup.as_str()), ("s", dup.as_str()), ("s", dup.as_str())]);
        let c = classify(&dup, "s", &idx);
        assert!(c.lines.iter().all(|l| l.class == LineClass::Content));
    }

    #[test]
    fn a_page_run_together_on_one_line_is_read_sentence_by_sentence() {
        let article = "Americans have gone to the polls four times this month to vote in major races. \
            In each case, the president tied himself to the outcome. Instead, voters did the opposite. \
            But why? The price wasn’t announced.";
        let page = format!(
            "Home » News » Daily Post Share on Twitter {article} Read Also: Sales plunged 10 percent last \
             month Tags: Border, Instagram Previous Post A cat who has been missing for Related Posts \
             Show More Leave a Reply Your email address will not be published. Remember Me Log In"
        );
        let c = classify(&page, "s", &RepeatIndex::default());
        let read: Vec<(&str, LineClass)> =
            c.lines.iter().map(|l| (page[l.span.start..l.span.end].trim(), l.class)).collect();
        let content: Vec<&str> = read.iter().filter(|r| r.1 == LineClass::Content).map(|r| r.0).collect();
        assert_eq!(
            content,
            [
                "Americans have gone to the polls four times this month to vote in major races.",
                "In each case, the president tied himself to the outcome.",
                "Instead, voters did the opposite.",
                "But why?",
                "The price wasn’t announced."
            ],
            "{read:?}"
        );
        for furniture in
            ["Share on Twitter", "Tags:", "Previous Post", "Related Posts", "Leave a Reply", "Log In"]
        {
            assert!(read.contains(&(furniture, LineClass::Boilerplate)), "{furniture}: {read:?}");
        }
    }

    #[test]
    fn teasers_under_related_posts_on_one_line_are_furniture() {
        let article = "The council voted on Tuesday to close the old library on Main Street next year. \
            Residents said they would fight the decision in the courts and at the next election. ";
        let page = format!(
            "{article}{article}Related Posts Stocks fell sharply on Wednesday as investors August 25, 2019 \
             Stocks fell sharply on Wednesday as investors weighed the new tariffs. The index lost two \
             percent…  A storm is expected to hit the coast March 4, 2020 A storm is expected to hit \
             the coast by the weekend…"
        );
        let c = classify(&page, "s", &RepeatIndex::default());
        let content: String = c
            .lines
            .iter()
            .filter(|l| l.class == LineClass::Content)
            .map(|l| &page[l.span.start..l.span.end])
            .collect();
        assert_eq!(content.trim_end(), format!("{article}{article}").trim_end(), "{:?}", c.lines);
    }

    #[test]
    fn a_broadcast_page_on_one_line_keeps_its_captions_tweets_and_byline_out() {
        let article = [
            "The promise of the service was high quality visuals streamed to your browser.",
            "Posted on social media by the analysts, the port of the game is not entirely smooth.",
            "Those playing through the recommended device will be treated to a stable experience.",
            "The group state that the two modes are similar to the modes on other consoles.",
            "We called it an incredible feat when it decides to work.",
        ];
        let page = format!(
            "Home / News / The Desk By Fatima Brennan Image source, Getty Images {} (Photo by Elena \
             Ferreira/AFP via Getty Images) {} Image caption, — Digital Foundry (@digitalfoundry) \
             November 18, 2019 {} Preliminary tests reveal an unstable level pic.twitter.com/25d8ec46 \
             {} Advertisement - Scroll to continue {} Disclaimer: The views expressed in this article \
             are those of the author and do not necessarily reflect the views of this site.",
            article[0], article[1], article[2], article[3], article[4]
        );
        let c = classify(&page, "s", &RepeatIndex::default());
        let content: Vec<&str> = c
            .lines
            .iter()
            .filter(|l| l.class == LineClass::Content)
            .map(|l| page[l.span.start..l.span.end].trim())
            .collect();
        assert_eq!(content, article, "{:?}", c.lines);
    }

    #[test]
    fn prose_on_one_line_keeps_every_sentence() {
        let t = "Short one, said the Home Secretary. Comments were closed at the Next Post office. \
                 Reply came there none, and the Related Posts section of the paper was silent. \
                 It broke Twitter’s Terms of Service. Nobody would Read More about it. "
            .repeat(4);
        let c = classify(&t, "s", &RepeatIndex::default());
        assert!(c.lines.len() > 4);
        assert!(c.lines.iter().all(|l| l.class == LineClass::Content), "{:?}", c.lines);
    }

    #[test]
    fn classify_with_the_index_lines_equals_classify() {
        // Documents of one source (so a line repeats), with blank, padded, accented, long and
        // boilerplate lines; the shared corpora as more documents when present.
        let mut docs: Vec<String> = (0..4)
            .map(|i| {
                format!(
                    "  Story {i}: Élan’s   team\t\n\n{BODY1}\nBy Jane O’Neil | 12 May 2024\n \u{a0}Share this\u{a0}\n\
                     {}\nRead more: {i}\n{BODY2}\n\n© 2024 Site\nCheck out our partner deals today\n",
                    "word ".repeat(300 + i)
                )
            })
            .collect();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        if let Ok(t) = std::fs::read_to_string(dir.join("brown.en.txt")) {
            let lines: Vec<&str> = t.lines().take(3000).collect();
            docs.extend(lines.chunks(40).map(|c| c.join("\n")));
        }
        docs.push(String::new());
        for w in ["alpha", "beta", "gamma"] {
            docs.push(format!(
                "Story {w} is here and it is long enough to be text.\n\
                 The {w} team said on Monday that it was ready for the next round of talks.\n\
                 Check out our partner deals today\n\
                 This article is part of our partner content programme."
            ));
        }
        let n = docs.len();
        let source = |i: usize| if i < 4 || i + 3 >= n { "site" } else { "brown" };
        let pairs = || docs.iter().enumerate().map(|(i, d)| (source(i), d.as_str()));
        let (idx, norms) = RepeatIndex::build_keeping(pairs());
        assert_eq!(norms.len(), docs.len());
        let plain = RepeatIndex::build(pairs());
        let mut repeated = 0;
        for ((src, d), n) in pairs().zip(&norms) {
            let want = classify(d, src, &plain);
            let got = classify_normalised(d, src, &idx, Some(n));
            assert_eq!(format!("{got:?}"), format!("{want:?}"));
            repeated += want.lines.iter().filter(|l| l.reason == "repeated").count();
            // fewer stored lines than the text has: the rest are normalised in place
            let short = NormLines::default();
            assert_eq!(format!("{:?}", classify_normalised(d, src, &idx, Some(&short))), format!("{want:?}"));
        }
        assert!(repeated >= 4, "{repeated}");
    }

    #[test]
    fn features_and_evidence() {
        let t = format!("{BODY1}\n\n{BODY2}\n\nLeave a Reply");
        let c = classify(&t, "s", &RepeatIndex::default());
        let ratio = c.output.get("boilerplate.ratio").unwrap();
        let expect = 13.0 / (BODY1.len() + BODY2.len() + 13) as f64;
        assert!((ratio - expect).abs() < 1e-9);
        assert_eq!(c.output.evidence.len(), 1);
        assert_eq!(c.output.evidence[0].kind, "comment-form");
        assert_eq!(&t[c.output.evidence[0].start..c.output.evidence[0].end], "Leave a Reply");
        for name in FEATURES {
            assert!(c.output.features.iter().any(|f| f.name == *name));
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for t in ["", "\n\n\n", "\r\n", "é", "a\u{0301}\n\u{0301}", "...\n???", "© \n |  | \n", "\u{feff}x"]
        {
            let c = classify(t, "", &RepeatIndex::default());
            assert_eq!(c.lines.len(), lines(t).len());
        }
        let long = "word ".repeat(100_000);
        let c = classify(&long, "s", &RepeatIndex::default());
        assert_eq!(c.lines.len(), 1);
    }

    #[test]
    fn no_good_lines_means_no_context() {
        let t = "Just a list\nof short lines\nwithout sentences";
        let c = classify(t, "s", &RepeatIndex::default());
        assert!(c.lines.iter().all(|l| l.reason == "no-context"));
    }
}
