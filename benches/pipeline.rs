//! Throughput of each pipeline stage, in bytes per second of document text.
//!
//! Text: the five seed republications in data/seeds (real scraped pages, boilerplate included).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use spinscore::Model;
use spinscore::document::{DocView, Document};
use spinscore::features::boilerplate::{self, LineClass, RepeatIndex};
use spinscore::features::{consensus, entities, fluency};
use spinscore::pipeline::{Engine, Options};
use spinscore::score::Scorer;
use spinscore::segment::sentences;
use spinscore::tokenize::{tokenize, tokenize_into};

fn seeds() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

fn bench(c: &mut Criterion) {
    let texts = seeds();
    let all = texts.join("\n\n");
    let bytes = all.len() as u64;
    let model = Model::embedded();

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("tokenize", |b| b.iter(|| tokenize(black_box(&all))));
    let toks = tokenize(&all);
    g.bench_function("sentences", |b| b.iter(|| sentences(black_box(&all), black_box(&toks))));
    let repeats = RepeatIndex::build([("s", all.as_str())]);
    g.bench_function("boilerplate", |b| b.iter(|| boilerplate::classify(black_box(&all), "s", &repeats)));
    let classified = boilerplate::classify(&all, "s", &repeats);
    let mut content = Vec::new();
    let mut buf = Vec::new();
    for l in classified.lines.iter().filter(|l| l.class == LineClass::Content) {
        tokenize_into(&all[l.span.start..l.span.end], l.span.start, &mut buf);
        content.extend_from_slice(&buf);
    }
    let sents = sentences(&all, &content);
    let view = DocView { text: &all, lines: &classified.lines, tokens: &content, sentences: &sents };
    g.bench_function("fluency", |b| b.iter(|| fluency::analyze(model, black_box(&view))));
    g.bench_function("entities", |b| b.iter(|| entities::analyze(model, black_box(&view))));
    g.finish();

    // Consensus over the five versions of one story (clustering plus comparison).
    let per: Vec<(Vec<_>, Vec<_>)> = texts
        .iter()
        .map(|t| {
            let k = tokenize(t);
            let s = sentences(t, &k);
            (k, s)
        })
        .collect();
    let members: Vec<Option<consensus::Member<'_>>> = texts
        .iter()
        .zip(&per)
        .map(|(t, (k, s))| Some(consensus::Member { text: t, tokens: k, sentences: s }))
        .collect();
    let mut g = c.benchmark_group("consensus");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("five_versions", |b| b.iter(|| consensus::analyze_batch(model, black_box(&members))));
    g.finish();

    // The whole per-document path: boilerplate, tokens, every family, score.
    let engine = Engine::new(model, Scorer::embedded(), Options::default());
    let mut g = c.benchmark_group("score");
    for clusters in [false, true] {
        let engine = Engine::new(model, Scorer::embedded(), Options { clusters, ..Options::default() });
        g.throughput(Throughput::Bytes(bytes));
        g.bench_with_input(
            BenchmarkId::new("batch_of_seeds", if clusters { "clusters" } else { "alone" }),
            &texts,
            |b, t| {
                b.iter(|| {
                    let docs = t
                        .iter()
                        .enumerate()
                        .map(|(i, x)| Ok(Document::new(i.to_string(), "s", x.clone())))
                        .collect();
                    engine.score_batch(docs, 0)
                })
            },
        );
    }
    g.finish();
    drop(engine);
}

criterion_group!(benches, bench);
criterion_main!(benches);
