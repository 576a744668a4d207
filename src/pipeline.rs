//! The per-batch pipeline: classify lines, tokenise content, compute every feature family, score.
//!
//! A batch is scored in parallel with rayon; results come back in input order, so output does
//! not depend on the thread count.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::batching;
use crate::document::{DocView, Document, Origin};
use crate::features::boilerplate::{self, LineClass, LineInfo, NormLines, RepeatIndex};
use crate::features::consensus::{self, ClusterInfo};
use crate::features::{Evidence, Family, FamilyOutput, Feature, entities, fluency};
use crate::input::{Locator, Record, RecordError, RecordReaders};
use crate::model::{ContrastModel, Model};
use crate::score::{Scored, Scorer};
use crate::segment::{self, SentenceSpan};
use crate::tokenize::{Token, tokenize_into};

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

/// Text bytes per batch at most (besides the record count), to bound memory: a batch's analyses
/// (tokens, lines, features) take about seven times its text, and with the reader thread one
/// more batch is held while the current one is scored.
pub const BATCH_BYTES: usize = 16 << 20;

/// Records scored per batch by default: large enough to keep both cores busy and to find story
/// clusters, small enough to bound memory.
pub const DEFAULT_BATCH: usize = 2048;

impl Engine<'_> {
    /// Streams `records` through the engine in batches of `batch` records, calling `each` with
    /// every report and its raw record, in input order. Stops at the first error `each` returns.
    ///
    /// Batches are scored on the engine's pool ([`Engine::with_pool`]), or else on rayon's
    /// global pool (a pool installed around this call is not used: give it to the engine).
    /// With more than one thread, the next batch is read (and parsed) on a reader thread while
    /// the current one is scored: at most one batch waits, so memory stays bounded. Output does
    /// not depend on the pool's size.
    pub fn run<I, E>(
        &self,
        records: I,
        batch: usize,
        mut each: impl FnMut(Report, crate::input::Raw) -> Result<(), E>,
    ) -> Result<(), E>
    where
        I: IntoIterator<Item = crate::input::Record>,
        I::IntoIter: Send,
    {
        let mut iter = records.into_iter();
        let max_doc = self.opts.max_doc_bytes;
        let mut seq = 0u64;
        let load = move || {
            let (docs, raws) = next_batch(&mut iter, batch, max_doc)?;
            let first = seq;
            seq += docs.len() as u64;
            Some((docs, raws, first))
        };
        let score = |(docs, raws, first): (Vec<_>, Vec<_>, u64)| -> Vec<(Report, crate::input::Raw)> {
            self.score_batch(docs, first).into_iter().zip(raws).collect()
        };
        pipelined(self.pool.as_deref(), load, score, self.opts.between_batches, |(rep, raw)| each(rep, raw))
    }
}

/// Batches read by `load`, scored by `score` and handed one by one to `emit`, as a pipeline:
/// with more than one thread, while one batch's results are handed over (here), the next batch
/// is scored (on a thread of its own, which gives the work to rayon's pool) and the one after
/// is read (on another). Serial work between batches (writing reports) then no longer leaves
/// the pool idle. With one thread, each batch is read, scored and handed over in turn. Results
/// come in batch order either way. An error from `emit` stops the pipeline. Scoring runs on
/// `pool`, or without one on rayon's global pool.
fn pipelined<B: Send, R: Send, E>(
    pool: Option<&rayon::ThreadPool>,
    mut load: impl FnMut() -> Option<B> + Send,
    score: impl Fn(B) -> Vec<R> + Sync,
    between: Option<fn()>,
    mut emit: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let score = |b| {
        let results = match pool {
            Some(pool) => pool.install(|| score(b)),
            None => score(b),
        };
        if let Some(f) = between {
            // Queued, not waited for: a worker blocked outside rayon cannot stall the pipeline.
            match pool {
                Some(pool) => pool.spawn_broadcast(move |_| f()),
                None => rayon::spawn_broadcast(move |_| f()),
            }
        }
        results
    };
    let threads = pool.map_or_else(rayon::current_num_threads, rayon::ThreadPool::current_num_threads);
    if threads <= 1 {
        while let Some(b) = load() {
            score(b).into_iter().try_for_each(&mut emit)?;
        }
        return Ok(());
    }
    std::thread::scope(|s| {
        // Rendezvous channels: each stage holds at most one finished batch while it waits.
        let (loaded_tx, loaded) = std::sync::mpsc::sync_channel::<B>(0);
        let (scored_tx, scored) = std::sync::mpsc::sync_channel::<Vec<R>>(0);
        s.spawn(move || {
            while let Some(b) = load() {
                if loaded_tx.send(b).is_err() {
                    break; // the consumer stopped
                }
            }
        });
        let score = &score;
        s.spawn(move || {
            for b in loaded {
                if scored_tx.send(score(b)).is_err() {
                    break;
                }
            }
        });
        for results in scored {
            results.into_iter().try_for_each(&mut emit)?;
        }
        Ok(())
    })
}

/// Records read by the first pass of [`Engine::run_planned`] before their batches are planned
/// and scored: bounds the plan's memory (about 150 bytes a record) and how far apart two
/// versions of a story may be to meet.
pub const PLAN_WINDOW: usize = 1 << 17;

/// A record read in the first pass, and where to read it again (`None`: it cannot be).
type Located = (Record, Option<Locator>);

/// A record of the plan's window: where to read it again, or the record itself when it cannot
/// be read again (an error row).
enum Slot {
    At(Locator),
    Held(Record),
}

impl Engine<'_> {
    /// Like [`Engine::run`], for inputs that can be read twice ([`RecordReaders::rereadable`]):
    /// a first pass gives every record story keys ([`consensus::story_bands`]), [`PLAN_WINDOW`]
    /// records at a time, and the records are then read again and scored in planned batches
    /// ([`batching::plan`]), so that versions of one story far apart in the input are compared.
    /// An input that fits one batch is scored exactly as by [`Engine::run`]. `each` is called
    /// in batch order, which is not input order when batches were planned: each report carries
    /// its place in the input (`seq`). Raw records are not kept (use [`Engine::run`] to write
    /// records back).
    pub fn run_planned<E>(
        &self,
        readers: &mut RecordReaders,
        batch: usize,
        mut each: impl FnMut(Report) -> Result<(), E>,
    ) -> Result<(), E> {
        let batch = batch.max(1);
        let max_doc = self.opts.max_doc_bytes;
        // The first batch is read as `run` reads it: an input that ends within it is scored as
        // that one batch, with no second reading.
        let mut head = Vec::new();
        let mut head_bytes = 0;
        while head.len() < batch && head_bytes < BATCH_BYTES {
            let Some(located) = read_cut(readers, max_doc) else {
                let docs = head.into_iter().map(|(r, _): (Record, _)| r.doc).collect();
                let reports = match self.pool.as_deref() {
                    Some(pool) => pool.install(|| self.score_batch(docs, 0)),
                    None => self.score_batch(docs, 0),
                };
                for rep in reports {
                    each(rep)?;
                }
                return Ok(());
            };
            head_bytes += located.0.doc.as_ref().map_or(0, |d| d.text.len());
            head.push(located);
        }
        let mut head = head.into_iter();
        let mut first_seq = 0u64;
        loop {
            let (slots, entries) = self.plan_window(&mut head, readers);
            if slots.is_empty() {
                return Ok(());
            }
            let plan = batching::plan(&entries, batch, BATCH_BYTES);
            drop(entries);
            let n = slots.len() as u64;
            self.score_planned(readers, slots, plan, first_seq, &mut each)?;
            first_seq += n;
        }
    }

    /// The first pass over one window: up to [`PLAN_WINDOW`] records (the `head` first), where
    /// each is and its story keys, computed a chunk at a time while the next chunk is read
    /// ([`pipelined`]).
    fn plan_window(
        &self,
        head: &mut (impl Iterator<Item = Located> + Send),
        readers: &mut RecordReaders,
    ) -> (Vec<Option<Slot>>, Vec<batching::Entry>) {
        let max_doc = self.opts.max_doc_bytes;
        let mut slots: Vec<Option<Slot>> = Vec::new();
        let mut entries: Vec<batching::Entry> = Vec::new();
        // Chunks of at most a default batch of documents or a batch's text.
        let mut next_chunk = |start: usize| -> Vec<Located> {
            let (mut chunk, mut bytes) = (Vec::new(), 0);
            while start + chunk.len() < PLAN_WINDOW && chunk.len() < DEFAULT_BATCH && bytes < BATCH_BYTES {
                let Some(located) = head.next().or_else(|| read_cut(readers, max_doc)) else { break };
                bytes += located.0.doc.as_ref().map_or(0, |d| d.text.len());
                chunk.push(located);
            }
            chunk
        };
        let mut start = 0;
        let load = move || {
            let chunk = next_chunk(start);
            start += chunk.len();
            (!chunk.is_empty()).then_some(chunk)
        };
        let keys = |chunk: Vec<Located>| -> Vec<(Located, Vec<u32>)> {
            let keys: Vec<Vec<u32>> = chunk
                .par_iter()
                .map(|(r, _)| {
                    r.doc.as_ref().map(|d| consensus::story_bands(self.model, &d.text)).unwrap_or_default()
                })
                .collect();
            chunk.into_iter().zip(keys).collect()
        };
        let take = |((rec, at), bands): (Located, Vec<u32>)| {
            let bytes = rec.doc.as_ref().map_or(0, |d| d.text.len());
            entries.push(batching::Entry { bytes, bands });
            slots.push(Some(match at {
                Some(at) => Slot::At(at),
                None => Slot::Held(rec),
            }));
            Ok::<(), std::convert::Infallible>(())
        };
        // Nothing in `take` fails.
        let Ok(()) = pipelined(self.pool.as_deref(), load, keys, self.opts.between_batches, take);
        (slots, entries)
    }

    /// The second pass over one window: its records read again in planned batches and scored
    /// ([`pipelined`]).
    fn score_planned<E>(
        &self,
        readers: &mut RecordReaders,
        mut slots: Vec<Option<Slot>>,
        plan: Vec<Vec<usize>>,
        first_seq: u64,
        each: &mut impl FnMut(Report) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut load = move |members: Vec<usize>| {
            let mut docs = Vec::with_capacity(members.len());
            let mut seqs = Vec::with_capacity(members.len());
            for i in members {
                let rec = match slots.get_mut(i).and_then(Option::take) {
                    Some(Slot::At(at)) => readers.read_at(at),
                    Some(Slot::Held(r)) => r,
                    None => continue, // every record is in one batch only
                };
                docs.push(rec.doc);
                seqs.push(first_seq + i as u64);
            }
            (docs, seqs)
        };
        let mut plan = plan.into_iter();
        pipelined(
            self.pool.as_deref(),
            move || plan.next().map(&mut load),
            |(docs, seqs): (Vec<Result<Document, RecordError>>, Vec<u64>)| {
                self.score_batch_numbered(docs, &seqs)
            },
            self.opts.between_batches,
            each,
        )
    }
}

/// The next record, its text cut to `max_doc` bytes and its raw form dropped (a JSONL line can
/// be tens of MB), and where it is.
fn read_cut(readers: &mut RecordReaders, max_doc: usize) -> Option<Located> {
    readers.next_located().map(|(mut rec, at)| {
        if let Ok(d) = &mut rec.doc {
            d.cut_text(max_doc);
        }
        rec.raw = crate::input::Raw::File;
        (rec, at)
    })
}

/// One batch of records and their raw forms.
pub type Batch = (Vec<Result<Document, RecordError>>, Vec<crate::input::Raw>);

/// The next batch: up to `batch` records and [`BATCH_BYTES`] of text (each document counted up
/// to `max_doc` bytes); `None` at the end of the input. The batches [`Engine::run`] scores.
pub fn next_batch(
    iter: &mut impl Iterator<Item = crate::input::Record>,
    batch: usize,
    max_doc: usize,
) -> Option<Batch> {
    let mut docs = Vec::with_capacity(batch.min(DEFAULT_BATCH));
    let mut raws = Vec::with_capacity(batch.min(DEFAULT_BATCH));
    let mut bytes = 0;
    while docs.len() < batch.max(1) && bytes < BATCH_BYTES {
        let Some(mut r) = iter.next() else { break };
        // Cut as soon as read, so a batch of huge records holds only what will be scored.
        if let Ok(d) = &mut r.doc {
            d.cut_text(max_doc);
        }
        bytes += r.doc.as_ref().map_or(0, |d| d.text.len());
        docs.push(r.doc);
        raws.push(r.raw);
    }
    (!docs.is_empty()).then_some((docs, raws))
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
    fn pipelined_runs_the_between_batches_hook_on_every_pool_thread_after_each_batch() {
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        fn count() {
            CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        // The global pool: with more than one thread the scoring stage (a thread of its own)
        // gives its work to it.
        let mut next = 0u32;
        let load = move || (next < 7).then(|| (next..next + 1, next += 1).0);
        let mut got = Vec::new();
        let r: Result<(), ()> = pipelined(
            None,
            load,
            |b| b.collect::<Vec<u32>>(),
            Some(count),
            |x| {
                got.push(x);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(got, (0..7).collect::<Vec<_>>());
        // Queued on every thread of the pool after each batch: they all run, soon.
        let expected = 7 * rayon::current_num_threads();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while CALLS.load(std::sync::atomic::Ordering::SeqCst) < expected
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(CALLS.load(std::sync::atomic::Ordering::SeqCst), expected);
    }

    #[test]
    fn an_engine_given_a_pool_scores_there_and_as_on_the_global_pool() {
        static THREADS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        fn note_thread() {
            let name = std::thread::current().name().unwrap_or("").to_string();
            THREADS.lock().unwrap().push(name);
        }
        let texts: Vec<String> = (0..9)
            .map(|i| {
                format!(
                    "Record {i}: the minister said on Tuesday that the talks in Geneva would go on. \
                     Officials from both sides met for {} hours and agreed to meet again next week.",
                    i + 2
                )
            })
            .collect();
        let records = || {
            texts.iter().enumerate().map(|(i, t)| Record {
                doc: Ok(Document::new(format!("d{i}"), "test", t.clone())),
                raw: crate::input::Raw::File,
            })
        };
        let scores = |engine: &Engine| {
            let mut got = Vec::new();
            let r: Result<(), ()> = engine.run(records(), 2, |rep, _| {
                got.push((rep.id.clone(), rep.score()));
                Ok(())
            });
            assert!(r.is_ok());
            got
        };
        let global = scores(&Engine::new(Model::embedded(), Scorer::embedded(), Options::default()));
        assert_eq!(global.len(), texts.len());
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("engine-pool-{i}"))
                .build()
                .unwrap();
            let opts = Options { between_batches: Some(note_thread), ..Options::default() };
            let engine =
                Engine::new(Model::embedded(), Scorer::embedded(), opts).with_pool(std::sync::Arc::new(pool));
            assert_eq!(scores(&engine), global, "{threads} threads");
            // Five batches, each followed by the hook on every thread of the engine's pool.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            while THREADS.lock().unwrap().len() < 5 * threads && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            let seen = std::mem::take(&mut *THREADS.lock().unwrap());
            assert_eq!(seen.len(), 5 * threads, "{threads} threads");
            assert!(seen.iter().all(|n| n.starts_with("engine-pool-")), "{seen:?}");
        }
    }

    #[test]
    fn pipelined_hands_results_over_in_batch_order_and_stops_at_an_error() {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                let mut next = 0u32;
                let load = move || (next < 50).then(|| (next..next + 3, next += 3).0);
                // Later batches scored faster: order must come from the pipeline, not timing.
                let score = |b: std::ops::Range<u32>| -> Vec<u32> {
                    std::thread::sleep(std::time::Duration::from_micros(u64::from(60 - b.start)));
                    b.map(|x| x * 2).collect()
                };
                let mut got = Vec::new();
                let r: Result<(), ()> = pipelined(None, load, score, None, |x| {
                    got.push(x);
                    Ok(())
                });
                assert!(r.is_ok());
                assert_eq!(got, (0..51).map(|x| x * 2).collect::<Vec<_>>(), "{threads} threads");

                // An error stops reading and scoring; nothing after it is handed over.
                let mut read = 0u32;
                let load = || (read < 1_000_000).then(|| (read..read + 1, read += 1).0);
                let mut seen = 0;
                let r = pipelined(
                    None,
                    load,
                    |b| b.collect::<Vec<u32>>(),
                    None,
                    |x| {
                        seen += 1;
                        if x == 5 { Err(x) } else { Ok(()) }
                    },
                );
                assert_eq!(r, Err(5));
                assert_eq!(seen, 6);
                assert!(read < 10, "{threads} threads: read on to {read} after the error");
            });
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
