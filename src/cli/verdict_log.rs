//! What `filter`'s first pass learns about each record, kept on disk in record order for the
//! second pass: held in memory, it grew with the feed (538 MB for 3 million short records).
//!
//! Reports come in batch order, not record order, so a verdict that arrives before its
//! predecessors waits in memory (at most one plan window of them) until they have come; then
//! each is appended to a temporary file, read back in the same order.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

use spinscore::score::Verdict as Label;

/// What pass one learned about a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub score: Option<f64>,
    pub boilerplate: Option<f64>,
    pub verdict: Option<Label>,
    /// The record's source, numbered in the order sources were first seen (0 for every record
    /// when `filter` does not rank sources).
    pub source: u32,
    pub outcome: Outcome,
}

/// Whether a record was scored, and why not.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Scored,
    Unscored(String),
    Error(String),
}

/// Bytes a buffered reader or writer moves at a time.
const BUFFER: usize = 1 << 16;

/// Verdicts written in record order, whatever order they are put in.
pub struct VerdictLog {
    /// Verdicts of records after `next`, by record number, waiting for it.
    waiting: BTreeMap<u64, Verdict>,
    /// The record whose verdict is written next.
    next: u64,
    file: BufWriter<File>,
    buf: Vec<u8>,
}

impl VerdictLog {
    /// An empty log in a new temporary file (`TMPDIR`, deleted when dropped).
    pub fn new() -> io::Result<Self> {
        Ok(VerdictLog {
            waiting: BTreeMap::new(),
            next: 0,
            file: BufWriter::with_capacity(BUFFER, tempfile::tempfile()?),
            buf: Vec::new(),
        })
    }

    /// Puts the verdict of record `seq` (numbered from 0 in input order).
    pub fn put(&mut self, seq: u64, v: Verdict) -> io::Result<()> {
        if seq < self.next || self.waiting.contains_key(&seq) {
            return Err(io::Error::other(format!("record {} reported twice", seq + 1)));
        }
        if seq > self.next {
            self.waiting.insert(seq, v);
            return Ok(());
        }
        self.write(&v)?;
        while let Some(v) = self.waiting.remove(&self.next) {
            self.write(&v)?;
        }
        Ok(())
    }

    fn write(&mut self, v: &Verdict) -> io::Result<()> {
        self.buf.clear();
        encode(v, &mut self.buf);
        self.file.write_all(&self.buf)?;
        self.next += 1;
        Ok(())
    }

    /// Verdicts written (the records from the first on that all have one).
    pub fn len(&self) -> u64 {
        self.next
    }

    /// The verdicts, in record order. Fails when a record put has a predecessor that never
    /// came (the input changed while it was read).
    pub fn into_reader(self) -> io::Result<VerdictReader> {
        if !self.waiting.is_empty() {
            let (next, later) = (self.next + 1, self.waiting.len());
            return Err(io::Error::other(format!(
                "no verdict for record {next} ({later} later records have one)"
            )));
        }
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        Ok(VerdictReader { file: BufReader::with_capacity(BUFFER, file), left: self.next, buf: Vec::new() })
    }
}

/// Reads a [`VerdictLog`] back.
pub struct VerdictReader {
    file: BufReader<File>,
    left: u64,
    buf: Vec<u8>,
}

impl VerdictReader {
    /// The next record's verdict, `None` after the last.
    pub fn next_verdict(&mut self) -> io::Result<Option<Verdict>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let mut head = [0u8; HEAD];
        self.file.read_exact(&mut head)?;
        let len = u32::from_le_bytes([head[23], head[24], head[25], head[26]]) as usize;
        self.buf.resize(len, 0);
        self.file.read_exact(&mut self.buf)?;
        decode(&head, &self.buf)
            .map(Some)
            .ok_or_else(|| io::Error::other("temporary verdict file is corrupt"))
    }

    /// Verdicts not read yet.
    pub fn left(&self) -> u64 {
        self.left
    }
}

/// Bytes before a verdict's message: score, boilerplate (8 each), source (4), what is present,
/// label, outcome (1 each), message length (4).
const HEAD: usize = 27;

/// A verdict as logged: [`HEAD`] bytes, then the message of an unscored or unreadable record.
fn encode(v: &Verdict, out: &mut Vec<u8>) {
    let present = u8::from(v.score.is_some()) | (u8::from(v.boilerplate.is_some()) << 1);
    let label = match v.verdict {
        None => 0u8,
        Some(Label::Clean) => 1,
        Some(Label::Suspect) => 2,
        Some(Label::Garbled) => 3,
    };
    let (kind, msg) = match &v.outcome {
        Outcome::Scored => (0u8, ""),
        Outcome::Unscored(m) => (1, m.as_str()),
        Outcome::Error(m) => (2, m.as_str()),
    };
    // A message is a reason or an error line, far below 4 GiB (cut on a character if not).
    let mut end = msg.len().min(u32::MAX as usize);
    while !msg.is_char_boundary(end) {
        end -= 1;
    }
    let msg = &msg[..end];
    out.extend_from_slice(&v.score.unwrap_or(0.0).to_le_bytes());
    out.extend_from_slice(&v.boilerplate.unwrap_or(0.0).to_le_bytes());
    out.extend_from_slice(&v.source.to_le_bytes());
    out.extend_from_slice(&[present, label, kind]);
    out.extend_from_slice(&(msg.len() as u32).to_le_bytes());
    out.extend_from_slice(msg.as_bytes());
}

fn decode(head: &[u8; HEAD], msg: &[u8]) -> Option<Verdict> {
    let f64_at = |i: usize| f64::from_le_bytes(head[i..i + 8].try_into().unwrap_or_default());
    let present = head[20];
    let verdict = match head[21] {
        0 => None,
        1 => Some(Label::Clean),
        2 => Some(Label::Suspect),
        3 => Some(Label::Garbled),
        _ => return None,
    };
    let msg = String::from_utf8(msg.to_vec()).ok()?;
    let outcome = match head[22] {
        0 => Outcome::Scored,
        1 => Outcome::Unscored(msg),
        2 => Outcome::Error(msg),
        _ => return None,
    };
    Some(Verdict {
        score: (present & 1 != 0).then(|| f64_at(0)),
        boilerplate: (present & 2 != 0).then(|| f64_at(8)),
        verdict,
        source: u32::from_le_bytes([head[16], head[17], head[18], head[19]]),
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(i: u64) -> Verdict {
        let outcome = match i % 4 {
            0 | 1 => Outcome::Scored,
            2 => Outcome::Unscored(format!("too short ({i} words) «é»")),
            _ => Outcome::Error(format!("feed.jsonl:{}: malformed JSON: {}", i + 1, "x".repeat(i as usize))),
        };
        let scored = matches!(outcome, Outcome::Scored);
        Verdict {
            score: scored.then_some(i as f64 * 0.37),
            boilerplate: (i % 3 != 0).then(|| 1.0 / (i + 1) as f64),
            verdict: scored.then(|| [Label::Clean, Label::Suspect, Label::Garbled][(i % 3) as usize]),
            source: (i % 7) as u32 * 1_000_003,
            outcome,
        }
    }

    #[test]
    fn verdicts_put_out_of_order_come_back_in_record_order() {
        let mut log = VerdictLog::new().unwrap();
        // Windows of records reported in a scrambled order, as planned batches report them.
        let mut n = 0u64;
        for window in [1u64, 37, 500, 3, 1200] {
            let mut order: Vec<u64> = (n..n + window).collect();
            order.sort_by_key(|&s| (s * 7919) % window);
            for s in order {
                log.put(s, verdict(s)).unwrap();
            }
            n += window;
            assert_eq!(log.len(), n, "a window's verdicts are written once it is whole");
            assert!(log.waiting.is_empty());
        }
        let mut r = log.into_reader().unwrap();
        for i in 0..n {
            assert_eq!(r.left(), n - i);
            assert_eq!(r.next_verdict().unwrap(), Some(verdict(i)), "record {i}");
        }
        assert_eq!(r.next_verdict().unwrap(), None);
        assert_eq!(r.left(), 0);
    }

    #[test]
    fn a_record_reported_twice_or_never_is_an_error() {
        let mut log = VerdictLog::new().unwrap();
        log.put(0, verdict(0)).unwrap();
        assert!(log.put(0, verdict(0)).is_err());
        log.put(2, verdict(2)).unwrap();
        assert!(log.put(2, verdict(2)).is_err());
        assert_eq!(log.len(), 1);
        // Record 1 never came.
        let e = log.into_reader().err().unwrap();
        assert!(e.to_string().contains("no verdict for record 2"), "{e}");
    }

    #[test]
    fn an_empty_log_reads_nothing() {
        let mut r = VerdictLog::new().unwrap().into_reader().unwrap();
        assert_eq!(r.next_verdict().unwrap(), None);
    }

    #[test]
    fn corrupt_bytes_decode_to_none() {
        let mut buf = Vec::new();
        encode(&verdict(2), &mut buf);
        let head: [u8; HEAD] = buf[..HEAD].try_into().unwrap();
        assert_eq!(decode(&head, &buf[HEAD..]), Some(verdict(2)));
        let mut bad = head;
        bad[21] = 9;
        assert_eq!(decode(&bad, &buf[HEAD..]), None);
        let mut bad = head;
        bad[22] = 3;
        assert_eq!(decode(&bad, &buf[HEAD..]), None);
        assert_eq!(decode(&head, &[0xff, 0xfe]), None);
    }
}
