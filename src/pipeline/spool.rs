//! Documents kept on disk between the two passes of planned batches, for inputs that cannot be
//! read again by offset (gzip, web archives): the first pass writes each document as it was
//! read to a temporary file, the second reads it back. Memory stays bounded whatever the input,
//! and a compressed file is scored exactly as the same file uncompressed.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

use crate::document::{Document, Origin};

/// Where a spooled document is: its byte offset in the spool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spooled(u64);

/// A temporary file of documents, written during one window's first pass and read back in its
/// second ([`DocSpool::rewind`] between windows empties it). Created when first needed, in the
/// system's temporary directory (`TMPDIR`), and deleted when dropped (or when the process ends).
#[derive(Default)]
pub struct DocSpool {
    file: Option<BufWriter<File>>,
    /// Bytes written since the last rewind.
    end: u64,
    /// Whether the writer was flushed and the file is read (the second pass).
    reading: bool,
    /// Set by a failed write or rewind: where the file stands is then unknown, so nothing more
    /// is written (what was spooled before is still read back).
    broken: bool,
    buf: Vec<u8>,
}

impl DocSpool {
    /// An empty spool (no file yet).
    pub fn new() -> Self {
        DocSpool::default()
    }

    /// Appends `doc`, returning where it is.
    pub fn put(&mut self, doc: &Document) -> std::io::Result<Spooled> {
        if self.reading {
            return Err(std::io::Error::other("spool written while it is read"));
        }
        if self.broken {
            return Err(std::io::Error::other("an earlier write to the temporary file failed"));
        }
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(BufWriter::with_capacity(1 << 16, tempfile::tempfile()?)),
        };
        self.buf.clear();
        encode(doc, &mut self.buf);
        if let Err(e) = file.write_all(&self.buf) {
            // Part of the record may be in the file: later offsets would be wrong.
            self.broken = true;
            return Err(e);
        }
        let at = Spooled(self.end);
        self.end += self.buf.len() as u64;
        Ok(at)
    }

    /// Reads back the document at `at`.
    pub fn get(&mut self, at: Spooled) -> std::io::Result<Document> {
        let Some(w) = &mut self.file else {
            return Err(std::io::Error::other("nothing was spooled"));
        };
        if !self.reading {
            w.flush()?;
            self.reading = true;
        }
        let file = w.get_mut();
        file.seek(SeekFrom::Start(at.0))?;
        let mut len = [0u8; 8];
        file.read_exact(&mut len)?;
        let len = u64::from_le_bytes(len);
        if at.0.saturating_add(len) > self.end {
            return Err(std::io::Error::other("spooled record past the end of the spool"));
        }
        self.buf.clear();
        self.buf.try_reserve(len as usize).map_err(std::io::Error::other)?;
        file.take(len).read_to_end(&mut self.buf)?;
        decode(&self.buf).ok_or_else(|| std::io::Error::other("spooled record is corrupt"))
    }

    /// Empties the spool for the next window (the file is kept and truncated). On failure
    /// nothing more is written to it ([`DocSpool::put`] fails).
    pub fn rewind(&mut self) -> std::io::Result<()> {
        self.end = 0;
        self.reading = false;
        let Some(w) = &mut self.file else { return Ok(()) };
        // Unflushed bytes of an unread window are dropped with the rest.
        let done = w.flush().and_then(|()| w.get_mut().set_len(0)).and_then(|()| w.get_mut().rewind());
        if done.is_err() {
            self.broken = true;
        }
        done
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.end == 0
    }
}

/// A document as spooled: its length (8 bytes, little-endian), the line (8 bytes), then
/// id, source, text, file and each warning, each as its length (8 bytes) and bytes.
fn encode(doc: &Document, out: &mut Vec<u8>) {
    out.extend_from_slice(&[0u8; 8]);
    out.extend_from_slice(&doc.origin.line.to_le_bytes());
    let strings = [&doc.id, &doc.source, &doc.text, &doc.origin.file].into_iter().chain(&doc.warnings);
    for s in strings {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    let len = (out.len() - 8) as u64;
    out[..8].copy_from_slice(&len.to_le_bytes());
}

/// The document of [`encode`]'s bytes after the length, or `None` when they are not one.
fn decode(mut b: &[u8]) -> Option<Document> {
    let u64_ = |b: &mut &[u8]| -> Option<u64> {
        let (head, rest) = b.split_first_chunk::<8>()?;
        *b = rest;
        Some(u64::from_le_bytes(*head))
    };
    let line = u64_(&mut b)?;
    let mut strings = Vec::with_capacity(4);
    while !b.is_empty() {
        let n = usize::try_from(u64_(&mut b)?).ok()?;
        if n > b.len() {
            return None;
        }
        let (s, rest) = b.split_at(n);
        strings.push(String::from_utf8(s.to_vec()).ok()?);
        b = rest;
    }
    if strings.len() < 4 {
        return None;
    }
    let warnings = strings.split_off(4);
    let [id, source, text, file]: [String; 4] = strings.try_into().ok()?;
    Some(Document { id, source, text, origin: Origin { file, line }, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: usize, text: &str, warnings: &[&str]) -> Document {
        Document {
            id: format!("id-{i} «é»"),
            source: if i % 2 == 0 { String::new() } else { format!("site{i}.example") },
            text: text.to_string(),
            origin: Origin { file: "feed.jsonl.gz".into(), line: i as u64 * 7 },
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn documents_come_back_as_they_were_put_in_any_order_and_across_rewinds() {
        let mut spool = DocSpool::new();
        assert!(spool.is_empty());
        for round in 0..3 {
            let docs: Vec<Document> = (0..50)
                .map(|i| {
                    let text = "Officials met in Geneva. 😀 ".repeat(i * (round + 1));
                    doc(i, &text, if i % 3 == 0 { &["cut", ""] } else { &[] })
                })
                .collect();
            let at: Vec<Spooled> = docs.iter().map(|d| spool.put(d).unwrap()).collect();
            assert!(!spool.is_empty());
            // Read back out of order, one twice.
            for &i in [49usize, 0, 17, 17, 3, 48].iter().chain(&(0..50).collect::<Vec<_>>()) {
                let got = spool.get(at[i]).unwrap();
                assert_eq!(got.id, docs[i].id);
                assert_eq!(got.source, docs[i].source);
                assert_eq!(got.text, docs[i].text);
                assert_eq!(got.origin, docs[i].origin);
                assert_eq!(got.warnings, docs[i].warnings);
            }
            // Written while read: refused, nothing lost.
            assert!(spool.put(&docs[0]).is_err());
            spool.rewind().unwrap();
            assert!(spool.is_empty());
        }
    }

    #[test]
    fn a_broken_spool_refuses_writes_and_still_reads_what_it_holds() {
        let mut spool = DocSpool::new();
        let at = spool.put(&doc(1, "Kept before the failure.", &[])).unwrap();
        spool.broken = true;
        assert!(spool.put(&doc(2, "Refused.", &[])).is_err());
        assert_eq!(spool.get(at).unwrap().text, "Kept before the failure.");
    }

    #[test]
    fn a_bad_place_or_an_empty_spool_is_an_error_not_a_panic() {
        let mut spool = DocSpool::new();
        assert!(spool.get(Spooled(0)).is_err());
        let at = spool.put(&doc(1, "Some text.", &[])).unwrap();
        assert!(spool.get(Spooled(at.0 + 3)).is_err());
        assert!(spool.get(Spooled(u64::MAX - 2)).is_err());
        assert_eq!(spool.get(at).unwrap().text, "Some text.");
    }

    #[test]
    fn truncated_or_invalid_encodings_decode_to_none() {
        let mut buf = Vec::new();
        encode(&doc(2, "Text here.", &["w"]), &mut buf);
        assert!(decode(&buf[8..]).is_some());
        for cut in 8..buf.len() - 1 {
            // Every cut short of the end loses a field or part of one.
            let d = decode(&buf[8..cut]);
            assert!(d.is_none() || d.unwrap().warnings.is_empty(), "cut at {cut}");
        }
        let mut bad = buf.clone();
        let at = bad.len() - 1;
        bad[at] = 0xff;
        assert!(decode(&bad[8..]).is_none());
    }
}
