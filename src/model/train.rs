//! Training a reference model from clean running text: interpolated modified Kneser-Ney
//! trigrams (Chen & Goodman 1998) over [`super::units`], count pruning, a vocabulary limit, and
//! a case-kept surface vocabulary. Everything is sorted before it is written, so the same input
//! gives the same bytes.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::format::*;
use super::units::for_each_unit;
use crate::input::{InputFormat, csv_column, expand_paths, extract_main_text, format_of};
use crate::segment;
use crate::tokenize::{Token, TokenKind, tokenize_into};
use crate::{Error, Result};

/// Training options.
#[derive(Debug, Clone, Serialize)]
pub struct TrainConfig {
    /// Units seen fewer times become `<unk>`.
    pub vocab_min_count: u32,
    /// Keep at most this many units (most frequent first); `None` = no limit.
    pub vocab_limit: Option<usize>,
    /// Bigrams seen fewer times are not stored (unless they are a stored trigram's context).
    pub bigram_min_count: u32,
    /// Trigrams seen fewer times are not stored.
    pub trigram_min_count: u32,
    /// Surface forms (case kept) seen fewer times are left out of the surface vocabulary.
    pub surface_min_count: u32,
    /// The text field of JSONL records and the text column of CSV files.
    pub jsonl_field: String,
    /// Write a contrast-only model ([`super::ContrastModel`]): no word strings, counts, best
    /// continuations or surface forms, only what the round-trip contrast scores with.
    pub contrast_only: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            vocab_min_count: 1,
            vocab_limit: None,
            bigram_min_count: 1,
            trigram_min_count: 2,
            surface_min_count: 2,
            jsonl_field: "text".into(),
            contrast_only: false,
        }
    }
}

const SENT: u32 = u32::MAX;

/// Accumulates text, then builds the model bytes.
pub struct Trainer {
    cfg: TrainConfig,
    interner: HashMap<String, u32>,
    words: Vec<String>,
    counts: Vec<u64>,
    seq: Vec<u32>,
    surface: HashMap<String, u64>,
    sources: Vec<String>,
    tokens: Vec<Token>,
    /// Records (or whole files) that gave no text, each naming its file and line.
    skipped: Vec<Error>,
}

impl Trainer {
    /// A trainer with these options.
    pub fn new(cfg: TrainConfig) -> Self {
        Trainer {
            cfg,
            interner: HashMap::new(),
            words: Vec::new(),
            counts: Vec::new(),
            seq: Vec::new(),
            surface: HashMap::new(),
            sources: Vec::new(),
            tokens: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Adds running text (one or more lines; each line is cut into sentences).
    pub fn add_text(&mut self, text: &str) {
        let mut toks = std::mem::take(&mut self.tokens);
        for line in segment::lines(text) {
            let s = &text[line.start..line.end];
            tokenize_into(s, 0, &mut toks);
            if toks.is_empty() {
                continue;
            }
            for t in &toks {
                if matches!(t.kind, TokenKind::Word | TokenKind::Number) {
                    let w = t.text(s);
                    match self.surface.get_mut(w) {
                        Some(c) => *c += 1,
                        None => {
                            self.surface.insert(w.to_string(), 1);
                        }
                    }
                }
            }
            for sent in segment::sentences(s, &toks) {
                let span = &toks[sent.first..sent.last];
                let before = self.seq.len();
                for_each_unit(s, span, |u, _| {
                    let id = match self.interner.get(u) {
                        Some(&id) => id,
                        None => {
                            let id = self.words.len() as u32;
                            self.interner.insert(u.to_string(), id);
                            self.words.push(u.to_string());
                            self.counts.push(0);
                            id
                        }
                    };
                    self.counts[id as usize] += 1;
                    self.seq.push(id);
                });
                if self.seq.len() > before {
                    self.seq.push(SENT);
                }
            }
        }
        self.tokens = toks;
    }

    /// Adds a file (read as `score` reads it: see `add_file`) or a directory, walked as `score`
    /// walks one ([`expand_paths`]: its files of a document or record extension recursively, in
    /// sorted order, each once, hidden files and other files left out).
    pub fn add_path(&mut self, path: &Path) -> Result<()> {
        let (files, _) = expand_paths(&[path.to_path_buf()])?;
        for file in files {
            self.add_file(&file)?;
        }
        Ok(())
    }

    /// Adds one file, read as `score` reads it ([`format_of`]; gzip decompressed): JSONL
    /// (`.jsonl`, `.ndjson`, `.json`; one record a line, or a JSON array of records) and CSV
    /// (`.csv`, `.tsv`, with a header row) give the configured text field of each record, HTML
    /// pages (`.html`, `.htm`, `.xhtml`) and web archives (`.warc`, `.wet`) their main text,
    /// anything else (and `-`, standard input) is plain text. A record without the field, a line that is not JSON, a CSV
    /// file without the column or a page with no main content is skipped and kept as an error
    /// naming the file and line ([`Trainer::skipped`]): training text goes missing loudly, and the
    /// rest is still read. A file that cannot be read is an error.
    fn add_file(&mut self, path: &Path) -> Result<()> {
        self.sources.push(path.display().to_string());
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
                .map_err(|e| Error::io(path, e))?;
            self.add_text(&String::from_utf8_lossy(&bytes));
            return Ok(());
        }
        let rec = |line: u64, msg: String| Error::Record { file: path.display().to_string(), line, msg };
        let json_lines = || crate::input::is_json_lines(path).map_err(|e| Error::io(path, e));
        match format_of(path) {
            Some(InputFormat::Jsonl) if !json_lines()? => {
                // A JSON array of records (or indented ones): element by element, as `score`
                // reads it, each record's whole text.
                let cfg = crate::input::InputConfig {
                    format: InputFormat::Jsonl,
                    text_field: self.cfg.jsonl_field.clone(),
                    max_text_bytes: usize::MAX,
                    ..Default::default()
                };
                for r in crate::input::RecordReader::new(path, std::sync::Arc::new(cfg)) {
                    match r.doc {
                        Ok(d) => self.add_text(&d.text),
                        Err(e) => self.skipped.push(rec(e.origin.line, e.msg)),
                    }
                }
            }
            Some(InputFormat::Jsonl) => {
                let f = crate::input::open_decoded(path).map_err(|e| Error::io(path, e))?;
                let field = self.cfg.jsonl_field.clone();
                for (n, line) in f.split(b'\n').enumerate() {
                    let line = line.map_err(|e| Error::io(path, e))?;
                    // A byte order mark starts the file (or one joined on with `cat`), not a record.
                    let line = String::from_utf8_lossy(line.strip_prefix(crate::input::BOM).unwrap_or(&line));
                    if line.trim().is_empty() {
                        continue;
                    }
                    let v: serde_json::Value = match serde_json::from_str(&line) {
                        Ok(v) => v,
                        Err(e) => {
                            self.skipped.push(rec(n as u64 + 1, format!("not JSON: {e}")));
                            continue;
                        }
                    };
                    match v.get(&field).and_then(|t| t.as_str()) {
                        Some(t) => self.add_text(t),
                        None => self.skipped.push(rec(n as u64 + 1, format!("no string field {field:?}"))),
                    }
                }
            }
            Some(InputFormat::Csv) => {
                let delimiter = crate::input::csv_delimiter_of(path).map_err(|e| Error::io(path, e))?;
                let f = crate::input::open_decoded(path).map_err(|e| Error::io(path, e))?;
                let mut rdr = crate::input::csv_reader(f, delimiter, true);
                let header = match rdr.byte_headers() {
                    Ok(h) => h,
                    Err(e) => {
                        self.skipped.push(rec(1, format!("cannot read CSV header: {e}")));
                        return Ok(());
                    }
                };
                let Some(col) = csv_column(header, &self.cfg.jsonl_field) else {
                    let msg = format!("no column {:?} in the CSV header: file skipped", self.cfg.jsonl_field);
                    self.skipped.push(rec(1, msg));
                    return Ok(());
                };
                let mut row = csv::ByteRecord::new();
                loop {
                    match rdr.read_byte_record(&mut row) {
                        Ok(false) => break,
                        Ok(true) => {}
                        Err(e) => {
                            // The reader cannot resynchronise after a malformed record: the rest
                            // of the file is left out, and said so.
                            let line = e.position().map_or(0, |p| p.line());
                            self.skipped
                                .push(rec(line, format!("bad CSV record, rest of the file skipped: {e}")));
                            break;
                        }
                    }
                    match row.get(col) {
                        Some(t) => self.add_text(&String::from_utf8_lossy(t)),
                        None => {
                            let line = row.position().map_or(0, |p| p.line());
                            self.skipped.push(rec(line, format!("no {:?} cell", self.cfg.jsonl_field)));
                        }
                    }
                }
            }
            Some(InputFormat::Warc) => {
                // Each page of the archive, read as `score` reads it.
                let cfg = crate::input::InputConfig { format: InputFormat::Warc, ..Default::default() };
                for r in crate::input::RecordReader::new(path, std::sync::Arc::new(cfg)) {
                    match r.doc {
                        Ok(d) => self.add_text(&d.text),
                        Err(e) => self.skipped.push(rec(e.origin.line, e.msg)),
                    }
                }
            }
            Some(InputFormat::Html) => {
                let bytes = read_decoded(path)?;
                match extract_main_text(&String::from_utf8_lossy(&bytes)) {
                    Ok(text) => self.add_text(&text),
                    Err(e) => self.skipped.push(rec(0, e.to_string())),
                }
            }
            _ => {
                let bytes = read_decoded(path)?;
                self.add_text(&String::from_utf8_lossy(&bytes));
            }
        }
        Ok(())
    }

    /// The records (or whole files) read so far that gave no text, each an error naming its file
    /// and line.
    pub fn skipped(&self) -> &[Error] {
        &self.skipped
    }

    /// Builds the model bytes; fails when no text was added (a model of nothing scores nothing).
    pub fn finish(self) -> Result<Vec<u8>> {
        if self.seq.is_empty() {
            return Err(no_text(&self.sources));
        }
        build(self)
    }
}

/// The error for training on no text (no input, empty ones, or only whitespace), naming `inputs`.
fn no_text(inputs: &[impl std::fmt::Display]) -> Error {
    if inputs.is_empty() {
        return Error::Config("no text to train on".into());
    }
    let names: Vec<String> = inputs.iter().map(|p| p.to_string()).collect();
    Error::Config(format!("{}: no text to train on (empty, or only whitespace)", names.join(", ")))
}

/// A trained model and what its inputs could not give.
#[derive(Debug)]
pub struct Trained {
    /// The model file's bytes.
    pub bytes: Vec<u8>,
    /// Records (or whole files) skipped, each an error naming its file and line.
    pub skipped: Vec<Error>,
}

/// Trains on `paths` (files, or directories walked as `score` walks them: [`expand_paths`]);
/// fails, naming them, when they hold no text.
pub fn train_paths(paths: &[PathBuf], cfg: &TrainConfig) -> Result<Trained> {
    let (files, _) = expand_paths(paths)?;
    train_files(paths, &files, cfg)
}

/// Trains on `files`, the files [`expand_paths`] found for `inputs` (so that a caller can list
/// the ones it skipped first); fails, naming `inputs`, when the files hold no text, and on a
/// file that cannot be read. Records that give no text are skipped and listed.
pub fn train_files(inputs: &[PathBuf], files: &[PathBuf], cfg: &TrainConfig) -> Result<Trained> {
    let mut t = Trainer::new(cfg.clone());
    for f in files {
        t.add_file(f)?;
    }
    if t.seq.is_empty() {
        return Err(no_text(&inputs.iter().map(|p| p.display()).collect::<Vec<_>>()));
    }
    let skipped = std::mem::take(&mut t.skipped);
    Ok(Trained { bytes: t.finish()?, skipped })
}

/// Modified Kneser-Ney discounts D1, D2, D3+ from counts-of-counts.
fn discounts(counts: impl Iterator<Item = u64>) -> [f64; 3] {
    let mut t = [0f64; 5];
    for c in counts {
        if (1..=4).contains(&c) {
            t[c as usize] += 1.0;
        }
    }
    if t[1] == 0.0 || t[2] == 0.0 || t[3] == 0.0 || t[4] == 0.0 {
        return [0.5, 1.0, 1.5];
    }
    let y = t[1] / (t[1] + 2.0 * t[2]);
    let d = [1.0 - 2.0 * y * t[2] / t[1], 2.0 - 3.0 * y * t[3] / t[2], 3.0 - 4.0 * y * t[4] / t[3]];
    let mut out = [0.5, 1.0, 1.5];
    for k in 0..3 {
        if d[k] > 0.0 && d[k] < (k + 1) as f64 {
            out[k] = d[k];
        }
    }
    out
}

#[inline]
fn disc(d: &[f64; 3], c: u64) -> f64 {
    match c {
        0 => 0.0,
        1 => d[0],
        2 => d[1],
        _ => d[2],
    }
}

/// Sorts keys and counts runs.
fn run_counts(mut keys: Vec<u64>) -> Vec<(u64, u64)> {
    keys.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::new();
    for k in keys {
        match out.last_mut() {
            Some((lk, c)) if *lk == k => *c += 1,
            _ => out.push((k, 1)),
        }
    }
    out
}

/// Interpolated estimate for one history's continuations: returns gamma and fills probs.
fn estimate(conts: &[(u64, u64)], d: &[f64; 3], lower: impl Fn(u64) -> f64, out: &mut Vec<f64>) -> f64 {
    let denom: f64 = conts.iter().map(|c| c.1 as f64).sum();
    let mut n = [0f64; 3];
    for c in conts {
        n[(c.1.min(3) - 1) as usize] += 1.0;
    }
    let gamma = (d[0] * n[0] + d[1] * n[1] + d[2] * n[2]) / denom;
    out.clear();
    for c in conts {
        out.push((c.1 as f64 - disc(d, c.1)) / denom + gamma * lower(c.0));
    }
    gamma
}

#[derive(Serialize)]
struct Meta<'a> {
    format: &'static str,
    smoothing: &'static str,
    config: &'a TrainConfig,
    sources: &'a [String],
    sentences: u64,
    units: u64,
    discounts: [[f64; 3]; 3],
}

fn build(t: Trainer) -> Result<Vec<u8>> {
    let cfg = &t.cfg;
    // 1. Vocabulary: specials, then units by count (desc) and bytes (asc).
    let mut order: Vec<u32> =
        (0..t.words.len() as u32).filter(|&i| t.counts[i as usize] >= cfg.vocab_min_count as u64).collect();
    order.sort_by(|&a, &b| {
        t.counts[b as usize]
            .cmp(&t.counts[a as usize])
            .then_with(|| t.words[a as usize].cmp(&t.words[b as usize]))
    });
    let limit = cfg.vocab_limit.unwrap_or(usize::MAX).min(MAX_VOCAB - SPECIALS.len());
    order.truncate(limit);
    let mut remap = vec![UNK; t.words.len()];
    let mut vocab: Vec<&str> = SPECIALS.to_vec();
    for (k, &tmp) in order.iter().enumerate() {
        remap[tmp as usize] = (k + SPECIALS.len()) as u32;
        vocab.push(&t.words[tmp as usize]);
    }
    let v = vocab.len();

    // 2. Raw counts.
    let mut uni = vec![0u64; v];
    let mut bi_keys = Vec::with_capacity(t.seq.len() + 1024);
    let mut tri_keys = Vec::with_capacity(t.seq.len());
    let mut sentences = 0u64;
    let mut units = 0u64;
    let mut prev2 = BOS as u64;
    let mut prev1 = BOS as u64;
    let mut at_start = true;
    for &x in &t.seq {
        let w = if x == SENT { EOS } else { remap[x as usize] } as u64;
        uni[w as usize] += 1;
        bi_keys.push((prev1 << ID_BITS) | w);
        if !at_start {
            tri_keys.push((prev2 << (2 * ID_BITS)) | (prev1 << ID_BITS) | w);
        }
        if x == SENT {
            sentences += 1;
            prev2 = BOS as u64;
            prev1 = BOS as u64;
            at_start = true;
        } else {
            units += 1;
            prev2 = prev1;
            prev1 = w;
            at_start = false;
        }
    }
    uni[BOS as usize] = sentences;
    let bigrams = run_counts(bi_keys);
    let trigrams = run_counts(tri_keys);

    // 3. Adjusted (continuation) counts for the lower orders.
    let suffixes = run_counts(trigrams.iter().map(|&(k, _)| k & BI_MASK).collect());
    let mut a2: Vec<u64> = Vec::with_capacity(bigrams.len());
    {
        let mut j = 0;
        for &(k, c) in &bigrams {
            if (k >> ID_BITS) == BOS as u64 {
                a2.push(c);
                continue;
            }
            while j < suffixes.len() && suffixes[j].0 < k {
                j += 1;
            }
            a2.push(if j < suffixes.len() && suffixes[j].0 == k { suffixes[j].1 } else { c });
        }
    }
    let mut a1 = vec![0u64; v];
    for &(k, _) in &bigrams {
        a1[(k & ID_MASK) as usize] += 1;
    }
    a1[BOS as usize] = 0;

    let d1 = discounts(a1.iter().copied().filter(|&c| c > 0));
    let d2 = discounts(a2.iter().copied());
    let d3 = discounts(trigrams.iter().map(|t| t.1));

    // 4. Unigrams: discounted continuation counts interpolated with the uniform distribution.
    let total1: f64 = a1.iter().sum::<u64>() as f64;
    let mut n1 = [0f64; 3];
    for &c in &a1 {
        if c > 0 {
            n1[(c.min(3) - 1) as usize] += 1.0;
        }
    }
    let gamma0 = if total1 > 0.0 { (d1[0] * n1[0] + d1[1] * n1[1] + d1[2] * n1[2]) / total1 } else { 1.0 };
    let uniform = 1.0 / (v - 1) as f64; // every unit but <s>
    let p1: Vec<f64> = a1
        .iter()
        .map(|&c| {
            let disc_part = if total1 > 0.0 { (c as f64 - disc(&d1, c)) / total1 } else { 0.0 };
            disc_part + gamma0 * uniform
        })
        .collect();

    // 5. Bigrams, grouped by history.
    let mut p2 = vec![0f64; bigrams.len()];
    let mut bo1 = vec![1f64; v];
    let mut buf = Vec::new();
    let mut i = 0;
    while i < bigrams.len() {
        let h = bigrams[i].0 >> ID_BITS;
        let mut j = i;
        while j < bigrams.len() && bigrams[j].0 >> ID_BITS == h {
            j += 1;
        }
        let conts: Vec<(u64, u64)> = (i..j).map(|x| (bigrams[x].0 & ID_MASK, a2[x])).collect();
        bo1[h as usize] = estimate(&conts, &d2, |w| p1[w as usize], &mut buf);
        p2[i..j].copy_from_slice(&buf);
        i = j;
    }
    let p2_of = |key: u64| -> f64 {
        match bigrams.binary_search_by_key(&key, |b| b.0) {
            Ok(x) => p2[x],
            Err(_) => bo1[(key >> ID_BITS) as usize] * p1[(key & ID_MASK) as usize],
        }
    };

    // 6. Trigrams, grouped by history.
    let mut p3 = vec![0f64; trigrams.len()];
    let mut bo2: HashMap<u64, f64> = HashMap::new();
    let mut i = 0;
    while i < trigrams.len() {
        let h = trigrams[i].0 >> ID_BITS;
        let mut j = i;
        while j < trigrams.len() && trigrams[j].0 >> ID_BITS == h {
            j += 1;
        }
        let vctx = (h & ID_MASK) << ID_BITS;
        let conts: Vec<(u64, u64)> = (i..j).map(|x| (trigrams[x].0 & ID_MASK, trigrams[x].1)).collect();
        let g = estimate(&conts, &d3, |w| p2_of(vctx | w), &mut buf);
        bo2.insert(h, g);
        p3[i..j].copy_from_slice(&buf);
        i = j;
    }

    // 7. Pruning and best continuations.
    let kept_tri: Vec<usize> =
        (0..trigrams.len()).filter(|&x| trigrams[x].1 >= cfg.trigram_min_count as u64).collect();
    let tri_ctx: std::collections::HashSet<u64> =
        kept_tri.iter().map(|&x| trigrams[x].0 >> ID_BITS).collect();
    let mut best2: HashMap<u64, (f64, u64)> = HashMap::new();
    for &x in &kept_tri {
        let (k, w) = (trigrams[x].0 >> ID_BITS, trigrams[x].0 & ID_MASK);
        if w == UNK as u64 {
            continue;
        }
        let e = best2.entry(k).or_insert((0.0, 0));
        if p3[x] > e.0 {
            *e = (p3[x], w);
        }
    }
    let kept_bi: Vec<usize> = (0..bigrams.len())
        .filter(|&x| bigrams[x].1 >= cfg.bigram_min_count as u64 || tri_ctx.contains(&bigrams[x].0))
        .collect();
    let mut best1: Vec<(f64, u64)> = vec![(0.0, 0); v];
    for &x in &kept_bi {
        let (h, w) = (bigrams[x].0 >> ID_BITS, bigrams[x].0 & ID_MASK);
        if w != UNK as u64 && p2[x] > best1[h as usize].0 {
            best1[h as usize] = (p2[x], w);
        }
    }

    // 8. Layout.
    let contrast = cfg.contrast_only;
    let mut sections: Vec<Vec<u8>> = vec![Vec::new(); N_SECTIONS];
    if !contrast {
        let (strings, offsets) = sections.split_at_mut(OFFSETS);
        let strings = &mut strings[STRINGS];
        let offsets = &mut offsets[0];
        offsets.extend_from_slice(&0u32.to_le_bytes());
        for w in &vocab {
            strings.extend_from_slice(w.as_bytes());
            let end = u32::try_from(strings.len())
                .map_err(|_| Error::Config("vocabulary strings exceed 4 GiB".into()))?;
            offsets.extend_from_slice(&end.to_le_bytes());
        }
    }
    sections[VOCAB_HASH] = vocab_table(&vocab)?;
    {
        let u = &mut sections[UNIGRAMS];
        for id in 0..v {
            let (logp, backoff) = (quantize(p1[id].log10()), quantize(bo1[id].log10()));
            if contrast {
                u.extend_from_slice(&logp.to_le_bytes());
                u.extend_from_slice(&backoff.to_le_bytes());
                continue;
            }
            let count = u32::try_from(uni[id]).unwrap_or(u32::MAX);
            u.extend_from_slice(&count.to_le_bytes());
            u.extend_from_slice(&logp.to_le_bytes());
            u.extend_from_slice(&backoff.to_le_bytes());
            u.extend_from_slice(&quantize(best1[id].0.log10()).to_le_bytes());
            // Relative frequency (the SLOR normaliser); <unk> gets its smoothed probability.
            let freq = if uni[id] > 0 && id != UNK as usize {
                (uni[id] as f64 / units.max(1) as f64).log10()
            } else {
                p1[id].log10()
            };
            u.extend_from_slice(&quantize(freq).to_le_bytes());
            u.extend_from_slice(&(best1[id].1 as u32).to_le_bytes());
        }
    }
    let bi_entries: Vec<BiEntry> = kept_bi
        .iter()
        .map(|&x| {
            let key = bigrams[x].0;
            let best = best2.get(&key).copied().unwrap_or((0.0, 0));
            BiEntry {
                key,
                has_trigrams: tri_ctx.contains(&key),
                logp: quantize(p2[x].log10()),
                backoff: quantize(bo2.get(&key).copied().unwrap_or(1.0).log10()),
                best_logp: quantize(best.0.log10()),
                best: best.1 as u32,
            }
        })
        .collect();
    sections[BIGRAMS] = bigram_table(&bi_entries, contrast);
    let tri_entries: Vec<(u64, u16)> =
        kept_tri.iter().map(|&x| (trigrams[x].0, quantize(p3[x].log10()))).collect();
    sections[TRIGRAMS] = trigram_table(&tri_entries)?;
    let mut surface: Vec<(&String, &u64)> = if contrast {
        Vec::new()
    } else {
        t.surface.iter().filter(|(_, c)| **c >= cfg.surface_min_count as u64).collect()
    };
    surface.sort();
    if !contrast {
        let mut b = fst::MapBuilder::memory();
        for (k, c) in &surface {
            b.insert(k.as_bytes(), **c).map_err(|e| Error::Config(format!("surface fst: {e}")))?;
        }
        sections[SURFACE] = b.into_inner().map_err(|e| Error::Config(format!("surface fst: {e}")))?;
    }
    let meta = Meta {
        format: "spinscore trigram model",
        smoothing: "interpolated modified Kneser-Ney",
        config: cfg,
        sources: &t.sources,
        sentences,
        units,
        discounts: [d1, d2, d3],
    };
    sections[META] = serde_json::to_vec(&meta).map_err(|e| Error::Config(e.to_string()))?;

    let figures = Figures {
        kind: if contrast { KIND_CONTRAST } else { KIND_FULL },
        total_tokens: units,
        vocab: v as u64,
        bigrams: kept_bi.len() as u64,
        trigrams: kept_tri.len() as u64,
        surface: surface.len() as u64,
    };
    Ok(assemble(&figures, &sections))
}

/// The header figures of a model file.
pub(crate) struct Figures {
    pub kind: u32,
    pub total_tokens: u64,
    pub vocab: u64,
    pub bigrams: u64,
    pub trigrams: u64,
    pub surface: u64,
}

/// The file: header (with the checksum) and the sections, each 8-byte aligned.
pub(crate) fn assemble(f: &Figures, sections: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0u8; HEADER_LEN];
    out[..8].copy_from_slice(&MAGIC);
    let put32 = |o: &mut Vec<u8>, at: usize, x: u32| o[at..at + 4].copy_from_slice(&x.to_le_bytes());
    let put64 = |o: &mut Vec<u8>, at: usize, x: u64| o[at..at + 8].copy_from_slice(&x.to_le_bytes());
    put32(&mut out, field::VERSION, VERSION);
    put32(&mut out, field::ORDER, 3);
    put32(&mut out, field::NORM, NORM_ID);
    put32(&mut out, field::N_SECTIONS, N_SECTIONS as u32);
    put32(&mut out, field::KIND, f.kind);
    put64(&mut out, field::TOTAL_TOKENS, f.total_tokens);
    put64(&mut out, field::VOCAB, f.vocab);
    put64(&mut out, field::BIGRAMS, f.bigrams);
    put64(&mut out, field::TRIGRAMS, f.trigrams);
    put64(&mut out, field::SURFACE, f.surface);
    for (i, s) in sections.iter().enumerate() {
        while out.len() % 8 != 0 {
            out.push(0);
        }
        let off = out.len() as u64;
        put64(&mut out, SECTION_TABLE + 16 * i, off);
        put64(&mut out, SECTION_TABLE + 16 * i + 8, s.len() as u64);
        out.extend_from_slice(s);
    }
    let sum = checksum(&out[HEADER_LEN..]);
    put64(&mut out, field::CHECKSUM, sum);
    out
}

/// The vocabulary table of `vocab` (word `i` has id `i`), inserted in id order. Refuses a
/// vocabulary where one word's fingerprint would be found before another's own slot (two words
/// in one probe run with the same low 43 hash bits: odds about 2^-43 per such pair).
fn vocab_table(vocab: &[&str]) -> Result<Vec<u8>> {
    let hashes: Vec<u64> = vocab.iter().map(|w| vocab_hash(w.as_bytes())).collect();
    vocab_table_hashed(&hashes).map_err(|(a, b)| {
        Error::Config(format!(
            "vocabulary hash fingerprint collision between {:?} and {:?}",
            vocab[a], vocab[b]
        ))
    })
}

/// [`vocab_table`] of the words' hashes; `Err((a, b))` when word `b`'s look-up would find
/// word `a`.
pub(crate) fn vocab_table_hashed(hashes: &[u64]) -> std::result::Result<Vec<u8>, (usize, usize)> {
    const _: () = assert!(VOCAB_REC == 8);
    let entries: Vec<(u64, u64)> =
        hashes.iter().enumerate().map(|(id, &h)| (h, vocab_slot(h, id as u32))).collect();
    fingerprint_table(&entries, |k| k >> ID_BITS, vocab_fp)
}

/// A bigram to store.
pub(crate) struct BiEntry {
    pub key: u64,
    pub has_trigrams: bool,
    pub logp: u16,
    pub backoff: u16,
    pub best_logp: u16,
    pub best: u32,
}

/// The bigram table of `entries` (in key order), full or contrast-only slots.
pub(crate) fn bigram_table(entries: &[BiEntry], contrast: bool) -> Vec<u8> {
    let slots = slots_for(entries.len());
    let rec = if contrast { BI_REC_C } else { BI_REC };
    let mut table = vec![0xFFu8; slots * rec];
    let empty = |t: &[u8], s: usize| t[s * rec..s * rec + 6].iter().all(|&b| b == 0xFF);
    for e in entries {
        let mut s = home(mix64(e.key), slots);
        while !empty(&table, s) {
            s = next_slot(s, slots);
        }
        let o = s * rec;
        if contrast {
            table[o..o + 6].copy_from_slice(&bi_slot_c(e.key, e.has_trigrams).to_le_bytes()[..6]);
            table[o + 6..o + 8].copy_from_slice(&e.logp.to_le_bytes());
            table[o + 8..o + 10].copy_from_slice(&e.backoff.to_le_bytes());
        } else {
            table[o..o + 8].copy_from_slice(&bi_slot(e.key, e.has_trigrams, e.best).to_le_bytes());
            table[o + 8..o + 10].copy_from_slice(&e.logp.to_le_bytes());
            table[o + 10..o + 12].copy_from_slice(&e.backoff.to_le_bytes());
            table[o + 12..o + 14].copy_from_slice(&e.best_logp.to_le_bytes());
        }
    }
    table
}

/// The trigram table of `entries` (packed key, quantised logp; in key order). Refuses a table
/// where one trigram's fingerprint would be found before another's own slot.
fn trigram_table(entries: &[(u64, u16)]) -> Result<Vec<u8>> {
    let hashed: Vec<(u64, u16)> = entries.iter().map(|&(key, q)| (mix64(key), q)).collect();
    trigram_table_hashed(&hashed).map_err(|(a, b)| {
        Error::Config(format!(
            "trigram fingerprint collision between keys {:#x} and {:#x}",
            entries[a].0, entries[b].0
        ))
    })
}

/// [`trigram_table`] of the keys' hashes (`mix64(key)`, quantised logp); `Err((a, b))` when
/// entry `b`'s look-up would find entry `a`.
pub(crate) fn trigram_table_hashed(entries: &[(u64, u16)]) -> std::result::Result<Vec<u8>, (usize, usize)> {
    const _: () = assert!(TRI_REC == 8);
    let fp_mask = (1u64 << TRI_FP_BITS) - 1;
    let slots: Vec<(u64, u64)> = entries.iter().map(|&(h, q)| (h, tri_slot(h, q))).collect();
    fingerprint_table(&slots, |k| k & fp_mask, tri_fp)
}

/// The whole file at `path`, decompressed when it is gzip.
fn read_decoded(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    crate::input::open_decoded(path)
        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
        .map_err(|e| Error::io(path, e))?;
    Ok(bytes)
}
