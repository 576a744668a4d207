//! Streaming: records read, scored and handed over in bounded batches, the next batch read
//! and scored while the last one's reports are written, and planned batches that bring the
//! versions of a story together wherever they are in the input.

use rayon::prelude::*;

use super::{Engine, Report, cost};
use crate::batching;
use crate::document::{Document, Origin};
use crate::features::consensus;
use crate::input::{Locator, Record, RecordError, RecordReaders};
use crate::pipeline::spool::{DocSpool, Spooled};

/// Text bytes per batch at most (besides the record count), to bound memory: a batch's analyses
/// (tokens, lines, features) take about seven times its text, and with the reader thread one
/// more batch is held while the current one is scored. Text denser in units or lines than prose
/// counts by them, long ids and sources by their bytes ([`cost::doc_cost`]).
pub const BATCH_BYTES: usize = 10 << 20;

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

/// A record of the plan's window: where to read it again, where its document was spooled (an
/// input that cannot be read again by offset), or the record itself (an error row).
enum Slot {
    At(Locator),
    Spooled(Spooled, Origin),
    Held(Record),
}

impl Engine<'_> {
    /// Like [`Engine::run`], in planned batches: a first pass gives every record story keys
    /// ([`consensus::story_bands`]), [`PLAN_WINDOW`] records at a time, and the records are
    /// then read again (by offset, or from a temporary file for inputs that cannot be read
    /// again, such as standard input, gzip and web archives: `spool.rs`) and scored in
    /// planned batches ([`batching::plan`]), so that versions of one story far apart in the
    /// input are compared.
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
            head_bytes += located.0.doc.as_ref().map_or(0, cost::doc_cost);
            head.push(located);
        }
        let mut head = head.into_iter();
        let mut first_seq = 0u64;
        let mut spool = DocSpool::new();
        loop {
            let (slots, entries) = self.plan_window(&mut head, readers, &mut spool);
            if slots.is_empty() {
                return Ok(());
            }
            let plan = batching::plan(&entries, batch, BATCH_BYTES);
            drop(entries);
            let n = slots.len() as u64;
            self.score_planned(readers, &mut spool, slots, plan, first_seq, &mut each)?;
            first_seq += n;
            // A spool that cannot be emptied keeps growing; its documents are still read back.
            if !spool.is_empty() {
                let _ = spool.rewind();
            }
        }
    }

    /// The first pass over one window: up to [`PLAN_WINDOW`] records (the `head` first), where
    /// each is and its story keys, computed a chunk at a time while the next chunk is read
    /// ([`pipelined`]). A document that cannot be read again by offset is written to `spool`.
    fn plan_window(
        &self,
        head: &mut (impl Iterator<Item = Located> + Send),
        readers: &mut RecordReaders,
        spool: &mut DocSpool,
    ) -> (Vec<Option<Slot>>, Vec<batching::Entry>) {
        let max_doc = self.opts.max_doc_bytes;
        let mut slots: Vec<Option<Slot>> = Vec::new();
        let mut entries: Vec<batching::Entry> = Vec::new();
        // Chunks of at most a default batch of documents or a batch's text, each record with
        // its cost (the plan's entry takes it too).
        let mut next_chunk = |start: usize| -> Vec<(Located, usize)> {
            let (mut chunk, mut bytes) = (Vec::new(), 0);
            while start + chunk.len() < PLAN_WINDOW && chunk.len() < DEFAULT_BATCH && bytes < BATCH_BYTES {
                let Some(located) = head.next().or_else(|| read_cut(readers, max_doc)) else { break };
                let cost = located.0.doc.as_ref().map_or(0, cost::doc_cost);
                bytes += cost;
                chunk.push((located, cost));
            }
            chunk
        };
        let mut start = 0;
        let load = move || {
            let chunk = next_chunk(start);
            start += chunk.len();
            (!chunk.is_empty()).then_some(chunk)
        };
        let keys = |chunk: Vec<(Located, usize)>| -> Vec<((Located, usize), Vec<u32>)> {
            let keys: Vec<Vec<u32>> = chunk
                .par_iter()
                .map(|((r, _), _)| {
                    r.doc.as_ref().map(|d| consensus::story_bands(self.model, &d.text)).unwrap_or_default()
                })
                .collect();
            chunk.into_iter().zip(keys).collect()
        };
        let take = |(((rec, at), bytes), bands): ((Located, usize), Vec<u32>)| {
            entries.push(batching::Entry { bytes, bands });
            slots.push(Some(match (at, rec.doc) {
                (Some(at), _) => Slot::At(at),
                (None, Ok(mut doc)) => match spool.put(&doc) {
                    Ok(s) => Slot::Spooled(s, doc.origin),
                    Err(e) => {
                        // No temporary file: held in memory (bounded by the window), and said so.
                        doc.warnings.push(spool_warning(&e));
                        Slot::Held(Record { doc: Ok(doc), raw: rec.raw })
                    }
                },
                (None, doc) => Slot::Held(Record { doc, raw: rec.raw }),
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
        spool: &mut DocSpool,
        mut slots: Vec<Option<Slot>>,
        plan: Vec<Vec<usize>>,
        first_seq: u64,
        each: &mut impl FnMut(Report) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut load = move |members: Vec<usize>| {
            let mut docs = Vec::with_capacity(members.len());
            let mut seqs = Vec::with_capacity(members.len());
            for i in members {
                let doc = match slots.get_mut(i).and_then(Option::take) {
                    Some(Slot::At(at)) => readers.read_at(at).doc,
                    Some(Slot::Spooled(at, origin)) => spool.get(at).map_err(|e| RecordError {
                        origin,
                        id: None,
                        source: None,
                        msg: format!("could not read the record back from its temporary file: {e}"),
                    }),
                    Some(Slot::Held(r)) => r.doc,
                    None => continue, // every record is in one batch only
                };
                docs.push(doc);
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

/// The warning of a document that could not be spooled (`e`) and is held in memory instead.
fn spool_warning(e: &std::io::Error) -> String {
    format!(
        "no temporary file for planned batches ({e}): held in memory; set TMPDIR to a writable \
         directory, or use --in-order-batches, to bound memory"
    )
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

/// The next batch: up to `batch` records and [`BATCH_BYTES`] of text (each document cut to
/// `max_doc` bytes and counted by [`cost::doc_cost`]); `None` at the end of the input. The
/// batches [`Engine::run`] scores.
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
        bytes += r.doc.as_ref().map_or(0, cost::doc_cost);
        docs.push(r.doc);
        raws.push(r.raw);
    }
    (!docs.is_empty()).then_some((docs, raws))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Model;
    use crate::pipeline::Options;
    use crate::score::Scorer;

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
}
