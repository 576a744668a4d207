//! The per-batch pipeline: classify lines, tokenise content, compute every feature family, score.
//!
//! A batch is scored in parallel with rayon; results come back in input order, so output does
//! not depend on the thread count. Whole inputs stream through in bounded batches
//! ([`Engine::run`], [`Engine::run_planned`]).

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::document::{DocView, Document, Origin};
use crate::features::boilerplate::{self, LineClass, LineInfo, NormLines, RepeatIndex};
use crate::features::consensus::{self, ClusterInfo};
use crate::features::{Evidence, Family, FamilyOutput, Feature, entities, fluency};
use crate::input::RecordError;
use crate::model::{ContrastModel, Model};
use crate::score::{Scored, Scorer};
use crate::segment::{self, SentenceSpan};
use crate::tokenize::{Token, tokenize_into};

pub mod cost;
mod spool;
mod stream;

pub use stream::{BATCH_BYTES, Batch, DEFAULT_BATCH, PLAN_WINDOW, next_batch};

/// Pipeline settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Documents with fewer content words get no score (reason "too short").
    pub min_words: usize,
    /// Evidence items kept per family in a report.
    pub evidence_per_family: usize,
    /// Compare versions of the same story within a batch (story clusters).
    pub clusters: bool,
    /// Documents longer than this many bytes are scored on their first this-many bytes (a
    /// warning says so): work and memory per document stay bounded.
    pub max_doc_bytes: usize,
    /// Queued to run once on every thread of rayon's pool after each batch is scored (by
    /// [`Engine::run`] and [`Engine::run_planned`]; not waited for). The binary hands the
    /// allocator's freed memory back to the system there, so that freeing within a batch can be
    /// lazy and the memory bound still holds.
    pub between_batches: Option<fn()>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_words: 15,
            evidence_per_family: 4,
            clusters: true,
            max_doc_bytes: MAX_DOC_BYTES,
            between_batches: None,
        }
    }
}

/// Default longest text scored per document ([`Options::max_doc_bytes`], and what readers keep
/// of a record's text, [`crate::input::InputConfig::max_text_bytes`]).
pub const MAX_DOC_BYTES: usize = 1 << 20;

/// Why a document has no score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "lowercase")]
pub enum Status {
    /// Scored.
    Scored,
    /// Read fine but not scorable (too short, not English); not a failure.
    Unscored(String),
    /// The record could not be read; a failure.
    Error(String),
}

/// A piece of evidence with the text it points at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRow {
    /// The evidence.
    #[serde(flatten)]
    pub evidence: Evidence,
    /// The span's text (whitespace folded, long spans shortened).
    pub text: String,
}

/// Everything known about one document after scoring: what reports are made of.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Position in the input (0-based), the tie-breaker of every ordering.
    pub seq: u64,
    /// Document id.
    pub id: String,
    /// Source it rolls up under.
    pub source: String,
    /// Where it came from.
    pub origin: Origin,
    /// Scored, unscored (with reason) or error (with message).
    pub status: Status,
    /// Score, verdict, sub-scores and contributions, when scored.
    pub scored: Option<Scored>,
    /// Every feature of every family.
    pub features: Vec<Feature>,
    /// Top evidence per family, strongest first; the families that raise the score most come
    /// first, boilerplate (page furniture, no degradation) last.
    pub evidence: Vec<EvidenceRow>,
    /// Words in content lines.
    pub words: usize,
    /// Share of non-blank characters in boilerplate lines.
    pub boilerplate_ratio: Option<f64>,
    /// Language of the content (ISO 639-3), when identified.
    pub language: Option<&'static str>,
    /// The story cluster the document belongs to, if any.
    pub cluster: Option<ClusterInfo>,
    /// Input warnings (e.g. lossy UTF-8).
    pub warnings: Vec<String>,
}

impl Report {
    /// The score, when scored.
    pub fn score(&self) -> Option<f64> {
        self.scored.as_ref().map(|s| s.score)
    }

    /// An error report for a record that could not be read.
    pub fn from_error(seq: u64, e: &RecordError) -> Report {
        Report {
            seq,
            id: e.id.clone().unwrap_or_else(|| e.origin.to_string()),
            source: e.source.clone().unwrap_or_default(),
            origin: e.origin.clone(),
            status: Status::Error(e.msg.clone()),
            scored: None,
            features: Vec::new(),
            evidence: Vec::new(),
            words: 0,
            boilerplate_ratio: None,
            language: None,
            cluster: None,
            warnings: Vec::new(),
        }
    }
}

/// A document with its lines classified, content tokenised and every family computed: what
/// `explain` shows in full.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every line with its class and reason.
    pub lines: Vec<LineInfo>,
    /// Content tokens.
    pub tokens: Vec<Token>,
    /// Sentences over `tokens`.
    pub sentences: Vec<SentenceSpan>,
    /// Language of the content.
    pub language: Option<&'static str>,
    /// Per family output (features and all evidence).
    pub families: Vec<(Family, FamilyOutput)>,
    /// Words in content lines.
    pub words: usize,
    /// The story cluster, when the batch had other versions of the story.
    pub cluster: Option<ClusterInfo>,
    /// Per sentence, what story clusters compare versions by (from fluency's scores; see
    /// `fluency::analyze_with_sentences`).
    pub sentence_scores: fluency::SentenceScores,
}

impl Analysis {
    /// The prepared view of `text` for the feature families.
    pub fn view<'a>(&'a self, text: &'a str) -> DocView<'a> {
        DocView { text, lines: &self.lines, tokens: &self.tokens, sentences: &self.sentences }
    }

    /// All features of all families.
    pub fn features(&self) -> impl Iterator<Item = &Feature> {
        self.families.iter().flat_map(|(_, o)| o.features.iter())
    }

    /// All evidence of all families.
    pub fn evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.families.iter().flat_map(|(_, o)| o.evidence.iter())
    }
}

/// One record of a batch scored by [`Engine::explain_batch`]: the record, its analysis (`None`
/// when it could not be read) and its report.
#[derive(Debug)]
pub struct Explained {
    /// The record as read (its text cut to [`Options::max_doc_bytes`]), or its read error.
    pub record: Result<Document, RecordError>,
    /// Its analysis.
    pub analysis: Option<Analysis>,
    /// Its report, as `score` writes it.
    pub report: Report,
}

/// The scoring engine: a reference model, a scorer and settings. `Send + Sync`.
pub struct Engine<'m> {
    model: &'m Model,
    roundtrip: Option<&'m ContrastModel>,
    scorer: Scorer,
    opts: Options,
    pool: Option<std::sync::Arc<rayon::ThreadPool>>,
}

impl<'m> Engine<'m> {
    /// An engine over `model` and `scorer`. With the default reference model, the embedded
    /// round-trip model is its contrast ([`ContrastModel::roundtrip_embedded`]); with another, there is
    /// none until [`Engine::with_roundtrip`] gives one.
    pub fn new(model: &'m Model, scorer: Scorer, opts: Options) -> Self {
        let roundtrip = model.is_default().then(ContrastModel::roundtrip_embedded);
        Engine { model, roundtrip, scorer, opts, pool: None }
    }

    /// The same engine scoring on `pool` in [`Engine::run`] and [`Engine::run_planned`]
    /// (without one: rayon's global pool). Output does not depend on the pool's size.
    pub fn with_pool(mut self, pool: std::sync::Arc<rayon::ThreadPool>) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The same engine with `roundtrip` as the round-trip contrast model (`None`: no
    /// `fluency.mt_*` features). It should be trained on machine round trips of the reference
    /// model's own training text.
    pub fn with_roundtrip(mut self, roundtrip: Option<&'m ContrastModel>) -> Self {
        self.roundtrip = roundtrip;
        self
    }

    /// The reference model.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// The round-trip contrast model, if any.
    pub fn roundtrip(&self) -> Option<&'m ContrastModel> {
        self.roundtrip
    }

    /// The scorer.
    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }

    /// The settings.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Classifies, tokenises and computes the per-document families of one document.
    pub fn analyze(&self, doc: &Document, repeats: &RepeatIndex) -> Analysis {
        self.analyze_normalised(doc, repeats, None)
    }

    /// [`Engine::analyze`] given the document's normalised lines from
    /// [`RepeatIndex::build_keeping`] (same result, one normalisation of each line fewer).
    pub fn analyze_normalised(
        &self,
        doc: &Document,
        repeats: &RepeatIndex,
        norms: Option<&NormLines>,
    ) -> Analysis {
        let text = doc.text.as_str();
        let classified = boilerplate::classify_normalised(text, &doc.source, repeats, norms);
        let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
        let mut buf = Vec::new();
        for line in classified.lines.iter().filter(|l| l.class == LineClass::Content) {
            tokenize_into(&text[line.span.start..line.span.end], line.span.start, &mut buf);
            // Web and e-mail addresses are not prose: the model and the entity checks read an
            // aside without it and one in the run of a sentence as one unknown word.
            if classified.may_hold_links {
                crate::links::fold_links(text, &mut buf);
            }
            tokens.extend_from_slice(&buf);
        }
        // A batch keeps every document's tokens until its story clusters are compared: hold
        // no spare capacity (the estimate above, or the doubling past it).
        tokens.shrink_to_fit();
        let sentences = segment::sentences(text, &tokens);
        let words = tokens.iter().filter(|t| t.is_wordlike()).count();
        let mut a = Analysis {
            lines: classified.lines,
            tokens,
            sentences,
            language: classified.language,
            families: Vec::with_capacity(4),
            words,
            cluster: None,
            sentence_scores: fluency::SentenceScores::default(),
        };
        let view = a.view(text);
        let (flu, sentence_scores) = fluency::analyze_with_sentences(self.model, self.roundtrip, &view);
        let ent = entities::analyze(self.model, &view);
        a.sentence_scores = sentence_scores;
        a.families.push((Family::Fluency, flu));
        a.families.push((Family::Entities, ent));
        a.families.push((Family::Boilerplate, classified.output));
        a
    }

    fn unscorable(&self, a: &Analysis) -> Option<String> {
        if let Some(lang) = a.language
            && lang != "eng"
        {
            return Some(format!("not English (language {lang})"));
        }
        if a.words < self.opts.min_words {
            return Some(format!("too short: {} content words (minimum {})", a.words, self.opts.min_words));
        }
        None
    }

    /// Scores one batch of records (documents or read errors), in parallel, returning reports in
    /// input order. `first_seq` numbers the batch's first record.
    pub fn score_batch(&self, records: Vec<Result<Document, RecordError>>, first_seq: u64) -> Vec<Report> {
        let seqs: Vec<u64> = (first_seq..).take(records.len()).collect();
        self.score_batch_numbered(records, &seqs)
    }

    /// [`Engine::score_batch`] for records numbered `seqs` (their places in the whole input,
    /// increasing; one per record), as a planned batch ([`crate::batching`]) holds them.
    pub fn score_batch_numbered(
        &self,
        mut records: Vec<Result<Document, RecordError>>,
        seqs: &[u64],
    ) -> Vec<Report> {
        let analyses = self.analyze_batch(&mut records);
        let mut reports: Vec<Report> = records
            .into_par_iter()
            .zip(analyses)
            .enumerate()
            .map(|(i, (r, a))| self.report_of(seqs.get(i).copied().unwrap_or(i as u64), &r, a.as_ref()))
            .collect();
        mark_likely_originals(&mut reports);
        reports
    }

    /// [`Engine::score_batch`], keeping each record's analysis beside its report (what `explain`
    /// shows): the same analyses, story clusters and reports.
    pub fn explain_batch(
        &self,
        mut records: Vec<Result<Document, RecordError>>,
        first_seq: u64,
    ) -> Vec<Explained> {
        let analyses = self.analyze_batch(&mut records);
        let mut reports: Vec<Report> = records
            .par_iter()
            .zip(&analyses)
            .enumerate()
            .map(|(i, (r, a))| self.report_of(first_seq + i as u64, r, a.as_ref()))
            .collect();
        mark_likely_originals(&mut reports);
        records
            .into_iter()
            .zip(analyses)
            .zip(reports)
            .map(|((record, analysis), report)| Explained { record, analysis, report })
            .collect()
    }

    /// The report of one record of a batch: its analysis's, or its read error's.
    fn report_of(&self, seq: u64, r: &Result<Document, RecordError>, a: Option<&Analysis>) -> Report {
        match (r, a) {
            (Ok(d), Some(a)) => self.report(seq, d, a),
            (Err(e), _) => Report::from_error(seq, e),
            (Ok(d), None) => Report::from_error(
                seq,
                &RecordError {
                    origin: d.origin.clone(),
                    id: Some(d.id.clone()),
                    source: Some(d.source.clone()),
                    msg: "not analysed".into(),
                },
            ),
        }
    }

    /// Analyses one batch (texts cut to [`Options::max_doc_bytes`] first): lines classified
    /// against the batch's repeated lines, every family per document in parallel, then story
    /// clusters across the batch. `None` for a record that could not be read.
    fn analyze_batch(&self, records: &mut [Result<Document, RecordError>]) -> Vec<Option<Analysis>> {
        for d in records.iter_mut().flatten() {
            d.cut_text(self.opts.max_doc_bytes);
        }
        let docs: Vec<&Document> = records.iter().filter_map(|r| r.as_ref().ok()).collect();
        // The index normalises every line; classification reuses those lines.
        let (repeats, norms) =
            RepeatIndex::build_keeping(docs.iter().map(|d| (d.source.as_str(), d.text.as_str())));
        drop(docs);
        let mut next_norms = norms.iter();
        let doc_norms: Vec<Option<&NormLines>> =
            records.iter().map(|r| r.as_ref().ok().and_then(|_| next_norms.next())).collect();
        // Longest documents first, so that the pass does not end on one long document while the
        // other threads wait; the analyses are put back in input order.
        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(records[i].as_ref().map_or(0, |d| d.text.len())));
        let computed: Vec<Option<Analysis>> = order
            .par_iter()
            .map(|&i| records[i].as_ref().ok().map(|d| self.analyze_normalised(d, &repeats, doc_norms[i])))
            .collect();
        let mut analyses: Vec<Option<Analysis>> = (0..records.len()).map(|_| None).collect();
        for (i, a) in order.into_iter().zip(computed) {
            analyses[i] = a;
        }
        drop(doc_norms);
        drop(norms);
        if self.opts.clusters {
            let inputs: Vec<Option<consensus::Member<'_>>> = records
                .iter()
                .zip(&analyses)
                .map(|(r, a)| match (r, a) {
                    (Ok(d), Some(a)) if self.unscorable(a).is_none() => Some(consensus::Member {
                        text: &d.text,
                        tokens: &a.tokens,
                        sentences: &a.sentences,
                        disfluency: Some(&a.sentence_scores.disfluency),
                        roundtrip: Some(&a.sentence_scores.roundtrip),
                    }),
                    _ => None,
                })
                .collect();
            let results = consensus::analyze_batch(self.model, &inputs);
            for (a, res) in analyses.iter_mut().zip(results) {
                if let (Some(a), Some(out)) = (a.as_mut(), res) {
                    a.families.push((Family::Consensus, out.output));
                    a.cluster = out.cluster.map(|mut c| {
                        if let Some(Ok(d)) = records.get(c.first) {
                            c.id = d.id.clone();
                        }
                        c
                    });
                }
            }
        }
        analyses
    }

    /// Builds the report of an analysed document.
    pub fn report(&self, seq: u64, doc: &Document, a: &Analysis) -> Report {
        let boilerplate_ratio = a
            .families
            .iter()
            .find(|(f, _)| *f == Family::Boilerplate)
            .and_then(|(_, o)| o.get("boilerplate.ratio"));
        let (status, scored) = match self.unscorable(a) {
            Some(reason) => (Status::Unscored(reason), None),
            None => (Status::Scored, Some(self.scorer.score(a.features()))),
        };
        let mut evidence = Vec::new();
        // Evidence of the families that raise the score most first; boilerplate (page furniture,
        // which does not make a document degraded) after all of them, so that the first rows a
        // table or CSV shows are the evidence behind the score.
        let mut order: Vec<Family> = a.families.iter().map(|(f, _)| *f).collect();
        if let Some(s) = &scored {
            order.sort_by(|x, y| {
                let cx = s.contributions.get(x).copied().unwrap_or(0.0);
                let cy = s.contributions.get(y).copied().unwrap_or(0.0);
                (*x == Family::Boilerplate).cmp(&(*y == Family::Boilerplate)).then(cy.total_cmp(&cx))
            });
        }
        for fam in order {
            let Some((_, out)) = a.families.iter().find(|(f, _)| *f == fam) else {
                continue;
            };
            for e in top_evidence(&out.evidence, self.opts.evidence_per_family) {
                evidence.push(EvidenceRow { evidence: e.clone(), text: snippet(&doc.text, e.start, e.end) });
            }
        }
        Report {
            seq,
            id: doc.id.clone(),
            source: doc.source.clone(),
            origin: doc.origin.clone(),
            status,
            scored,
            features: a.features().copied().collect(),
            evidence,
            words: a.words,
            boilerplate_ratio,
            language: a.language,
            cluster: a.cluster.clone(),
            warnings: doc.warnings.clone(),
        }
    }
}

/// Marks each story cluster's likely original: its scored member with the lowest score (the
/// version all the evidence, including the comparison with the others, finds least degraded),
/// ties to the earliest in the batch.
fn mark_likely_originals(reports: &mut [Report]) {
    let mut best: FxHashMap<usize, (f64, usize)> = FxHashMap::default();
    for (i, r) in reports.iter().enumerate() {
        if let (Some(c), Some(s)) = (&r.cluster, &r.scored) {
            let e = best.entry(c.first).or_insert((s.score, i));
            if s.score < e.0 {
                *e = (s.score, i);
            }
        }
    }
    for (i, r) in reports.iter_mut().enumerate() {
        if let Some(c) = r.cluster.as_mut() {
            c.likely_original = best.get(&c.first).is_some_and(|&(_, j)| j == i);
        }
    }
}

/// The `k` pieces of evidence a report shows for one family: the strongest of each kind first
/// (four confident-context swaps should not hide the one article mismatch), then the strongest
/// of the rest; strongest first, ties to the earlier span.
fn top_evidence(ev: &[Evidence], k: usize) -> Vec<&Evidence> {
    let mut ev: Vec<&Evidence> = ev.iter().collect();
    ev.sort_by(|x, y| y.strength.total_cmp(&x.strength).then(x.start.cmp(&y.start)));
    let mut kinds: Vec<&str> = Vec::new();
    let (mut first, mut rest): (Vec<&Evidence>, Vec<&Evidence>) = (Vec::new(), Vec::new());
    for e in ev {
        if kinds.contains(&e.kind) {
            rest.push(e);
        } else {
            kinds.push(e.kind);
            first.push(e);
        }
    }
    first.truncate(k);
    let more = k - first.len();
    first.extend(rest.into_iter().take(more));
    first.sort_by(|x, y| y.strength.total_cmp(&x.strength).then(x.start.cmp(&y.start)));
    first
}

/// Maximum characters of an evidence snippet.
const SNIPPET_CHARS: usize = 80;

/// The text of `start..end` with whitespace folded and at most `SNIPPET_CHARS` characters.
pub fn snippet(text: &str, start: usize, end: usize) -> String {
    let s = text.get(start..end.min(text.len())).unwrap_or("");
    let mut out = String::new();
    let mut n = 0;
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            n += 1;
            space = false;
        }
        if n >= SNIPPET_CHARS {
            out.push('…');
            break;
        }
        out.push(c);
        n += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &'static str, start: usize, strength: f64) -> Evidence {
        Evidence {
            family: Family::Fluency,
            kind,
            start,
            end: start + 1,
            strength,
            note: String::new(),
            suggestion: None,
        }
    }

    #[test]
    fn top_evidence_shows_each_kind_then_the_strongest() {
        let all = [
            ev("swap", 0, 5.0),
            ev("swap", 10, 4.9),
            ev("swap", 20, 4.8),
            ev("swap", 30, 4.7),
            ev("article", 40, 3.5),
            ev("span", 50, 1.0),
        ];
        let got: Vec<(&str, usize)> = top_evidence(&all, 4).iter().map(|e| (e.kind, e.start)).collect();
        assert_eq!(got, [("swap", 0), ("swap", 10), ("article", 40), ("span", 50)]);
        let got: Vec<usize> = top_evidence(&all, 2).iter().map(|e| e.start).collect();
        assert_eq!(got, [0, 40]);
        assert!(top_evidence(&[], 4).is_empty());
        assert_eq!(top_evidence(&all, 10).len(), all.len());
    }
}
