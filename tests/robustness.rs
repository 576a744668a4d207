//! No input makes the pipeline panic, and work per document stays linear and bounded.

use std::time::{Duration, Instant};

use spinscore::pipeline::{Engine, Options, Status};
use spinscore::score::Scorer;
use spinscore::tokenize::tokenize;
use spinscore::{Document, Model};

fn engine() -> Engine<'static> {
    Engine::new(Model::embedded(), Scorer::embedded(), Options::default())
}

/// A small deterministic generator (xorshift) so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "the",
    "The",
    "U.S.",
    "A.S.",
    "U8",
    "Putin",
    "Piffer",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    ".",
    "...",
    "!",
    "?",
    "\"",
    "«",
    "»",
    "—",
    "-",
    "'",
    "’s",
    "1.13bn",
    "$",
    "%",
    "😀",
    "👍🏽",
    "\u{0}",
    "\u{feff}",
    "\u{200b}",
    "é",
    "e\u{301}",
    "日本語",
    "العربية",
    "Leave a Reply",
    "Read Also:",
    "http://x.y/z",
    "<p>",
    "&amp;",
    "\t",
    "ǅ",
    "İ",
    "ß",
    "ﬁ",
];

#[test]
fn random_documents_never_panic_and_offsets_slice() {
    let e = engine();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut docs = Vec::new();
    for i in 0..200 {
        let n = (rng.next() % 400) as usize;
        let text: String = (0..n).map(|_| rng.pick(PIECES)).collect();
        for t in tokenize(&text) {
            assert!(
                text.is_char_boundary(t.start()) && text.is_char_boundary(t.end()) && t.start() < t.end()
            );
        }
        docs.push(Ok(Document::new(format!("r{i}"), format!("s{}", i % 3), text)));
    }
    let texts: Vec<String> =
        docs.iter().map(|d: &Result<Document, _>| d.as_ref().unwrap().text.clone()).collect();
    let reports = e.score_batch(docs, 0);
    assert_eq!(reports.len(), 200);
    for (r, text) in reports.iter().zip(&texts) {
        for ev in &r.evidence {
            let ev = &ev.evidence;
            assert!(ev.start <= ev.end && ev.end <= text.len(), "{ev:?}");
            assert!(text.is_char_boundary(ev.start) && text.is_char_boundary(ev.end));
        }
        if let Some(s) = r.score() {
            assert!((0.0..=100.0).contains(&s));
        }
    }
}

fn timed(text: String) -> (Duration, spinscore::pipeline::Report) {
    let e = engine();
    let t = Instant::now();
    let mut r = e.score_batch(vec![Ok(Document::new("x", "s", text))], 0);
    (t.elapsed(), r.remove(0))
}

#[test]
fn a_50_mb_single_line_is_bounded() {
    let sentence = "the committee said on Tuesday that the new rules would take effect next year ";
    let text = sentence.repeat(50_000_000 / sentence.len());
    let (t, r) = timed(text);
    assert!(t < Duration::from_secs(30), "took {t:?}");
    assert!(r.warnings.iter().any(|w| w.contains("scored on the first")), "{:?}", r.warnings);
    assert_eq!(r.status, Status::Scored);
}

#[test]
fn one_repeated_word_and_symbol_runs_are_linear() {
    for unit in ["buffalo ", "😀", "$%&*", "a.", "\n"] {
        let small = timed(unit.repeat(20_000)).0;
        let big = timed(unit.repeat(200_000)).0;
        // ten times the input may not cost much more than ten times the time (plus noise)
        assert!(big < small * 25 + Duration::from_millis(500), "{unit:?}: {small:?} -> {big:?}");
        assert!(big < Duration::from_secs(20), "{unit:?}: {big:?}");
    }
}

/// Two long versions of one text (every other sentence reworded), full of the same words: story
/// clusters compare their sentences through rare words, so ten times the text costs about ten
/// times the time (walking every sentence holding "river" for every sentence was quadratic:
/// 4 s for two 1 MB versions).
#[test]
fn two_long_versions_full_of_the_same_words_compare_linearly() {
    let versions = |n: usize| {
        let (mut a, mut b) = (String::new(), String::new());
        for i in 0..n {
            let s = format!("The river board met Alpha{i} officials at Gamma{} hall. ", i % 97);
            a.push_str(&s);
            if i % 2 == 0 {
                b.push_str(&s);
            } else {
                b.push_str(&format!("Later the river council heard Beta{i} plans on Delta{} road. ", i % 89));
            }
        }
        vec![Ok(Document::new("a", "s", a)), Ok(Document::new("b", "s", b))]
    };
    let e = engine();
    let timed_pair = |n: usize| {
        let t = Instant::now();
        let r = e.score_batch(versions(n), 0);
        assert!(r.iter().all(|r| r.cluster.is_some()), "the versions form a story cluster");
        t.elapsed()
    };
    let small = timed_pair(1_000);
    let big = timed_pair(10_000);
    assert!(big < small * 25 + Duration::from_millis(500), "{small:?} -> {big:?}");
}

/// Removing a page's boilerplate lines by hand barely moves its fluency and entity sub-scores:
/// those families read content lines only.
#[test]
fn boilerplate_removal_keeps_fluency_and_entity_subscores() {
    use spinscore::features::Family;
    use spinscore::features::boilerplate::{LineClass, RepeatIndex};
    let e =
        Engine::new(Model::embedded(), Scorer::embedded(), Options { clusters: false, ..Options::default() });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        let doc = Document::new("d", "s", text.clone());
        let a = e.analyze(&doc, &RepeatIndex::default());
        let kept: Vec<&str> = a
            .lines
            .iter()
            .filter(|l| l.class != LineClass::Boilerplate)
            .map(|l| &text[l.span.start..l.span.end])
            .collect();
        let stripped = Document::new("d", "s", kept.join("\n"));
        let before = e.report(0, &doc, &a);
        let after = e.report(0, &stripped, &e.analyze(&stripped, &RepeatIndex::default()));
        for fam in [Family::Fluency, Family::Entities] {
            let (x, y) = (
                before.scored.as_ref().unwrap().subscores[&fam],
                after.scored.as_ref().unwrap().subscores[&fam],
            );
            assert!((x - y).abs() <= 2.0, "{}: {fam:?} sub-score {x} -> {y}", p.display());
        }
    }
}
