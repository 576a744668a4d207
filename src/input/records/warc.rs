//! Web archives: WARC files as crawlers write them (`wget --warc-file`, Heritrix, Browsertrix)
//! and Common Crawl's WET extracts. A `conversion` record (WET) is a page's text; a `response`
//! record with a successful HTML page is that page, its main text extracted as an `.html` file's
//! is. Other records (requests, metadata, images, redirects) are not documents and are passed
//! over. Each document is named by its page's address and rolled up under its host.
//!
//! A record is framed by its `Content-Length`, so a header that cannot be read ends the input
//! with one error row naming its line: what follows cannot be found again.

use super::http::{BodyError, response_page};
use super::*;
use crate::input::encoding::decode;

/// Longest header block read (a WARC header, or an HTTP header inside a response).
const MAX_HEADER_BYTES: usize = 64 << 10;

/// One archive record's header fields that matter here.
#[derive(Default)]
struct Header {
    kind: String,
    uri: Option<String>,
    record_id: Option<String>,
    length: Option<u64>,
}

/// What reading the next record gave.
enum Next {
    /// A record: its header, the line it starts on, and its block (`None` when it is longer
    /// than the cap or not a kind that can hold a document: it was read past).
    Record(Header, u64, Option<Vec<u8>>, bool),
    /// The end of the input.
    End,
    /// The input cannot be read on: the message and its line.
    Broken(String, u64),
}

/// Reading state between records.
pub(super) struct WarcScan {
    /// Lines consumed (the next line's number is one more).
    line: u64,
    /// Whether a document came from the input.
    pub(super) any: bool,
}

impl WarcScan {
    pub(super) fn new() -> Self {
        WarcScan { line: 0, any: false }
    }

    /// One header line (through `\n`, without the line end), or `None` at the end of the input.
    fn header_line(&mut self, r: &mut dyn BufRead, total: &mut usize) -> std::io::Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        let (n, cut) = jsonl::read_line_capped(r, &mut buf, MAX_HEADER_BYTES, None)?;
        if n == 0 {
            return Ok(None);
        }
        *total += n;
        if cut || *total > MAX_HEADER_BYTES {
            return Err(std::io::Error::other("WARC header longer than 64 KiB"));
        }
        self.line += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        Ok(Some(buf))
    }

    /// Reads the next record; its block is kept when it is a page and at most `cap` bytes.
    fn next(&mut self, r: &mut dyn BufRead, cap: usize) -> Next {
        let mut total = 0;
        // Blank lines between records, then the version line.
        let (first, start) = loop {
            match self.header_line(r, &mut total) {
                Ok(None) => return Next::End,
                Ok(Some(l)) if l.trim_ascii().is_empty() => total = 0,
                Ok(Some(l)) => break (l, self.line),
                Err(e) => return Next::Broken(format!("cannot read: {e}"), self.line + 1),
            }
        };
        if !first.starts_with(b"WARC/") {
            let msg = "not a WARC record header (expected \"WARC/1.0\"); the rest is not read".to_string();
            return Next::Broken(msg, start);
        }
        let mut h = Header::default();
        loop {
            let l = match self.header_line(r, &mut total) {
                Ok(Some(l)) => l,
                Ok(None) => {
                    return Next::Broken("WARC header not ended before the end of the input".into(), start);
                }
                Err(e) => return Next::Broken(format!("cannot read: {e}"), start),
            };
            if l.is_empty() {
                break;
            }
            let l = String::from_utf8_lossy(&l);
            let Some((name, value)) = l.split_once(':') else { continue };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "warc-type" => h.kind = value.to_ascii_lowercase(),
                "warc-target-uri" => h.uri = Some(value.trim_matches(['<', '>']).to_string()),
                "warc-record-id" => h.record_id = Some(value.to_string()),
                "content-length" => h.length = value.parse().ok(),
                _ => {}
            }
        }
        let Some(length) = h.length else {
            return Next::Broken("WARC record without a Content-Length; the rest is not read".into(), start);
        };
        let wanted = matches!(h.kind.as_str(), "conversion" | "response");
        let keep = wanted && length <= cap as u64;
        let mut block = Vec::new();
        let read = if keep {
            r.take(length).read_to_end(&mut block).map(|n| n as u64)
        } else {
            // Read past, counting its lines.
            let mut counter = LineCounter::default();
            std::io::copy(&mut r.take(length), &mut counter).inspect(|_| self.line += counter.0)
        };
        match read {
            Ok(n) if n < length => {
                Next::Broken("WARC record cut short by the end of the input".into(), start)
            }
            Ok(_) => {
                if keep {
                    self.line += memchr::memchr_iter(b'\n', &block).count() as u64;
                }
                let cut = wanted && !keep;
                Next::Record(h, start, keep.then_some(block), cut)
            }
            Err(e) => Next::Broken(format!("cannot read: {e}"), start),
        }
    }
}

/// A sink that counts the line breaks written to it.
#[derive(Default)]
struct LineCounter(u64);

impl std::io::Write for LineCounter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += memchr::memchr_iter(b'\n', b).count() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl RecordReader {
    /// The next document of a web archive.
    pub(super) fn next_warc(&mut self) -> Option<Record> {
        loop {
            let State::Warc { reader, scan } = &mut self.state else {
                return None;
            };
            let next = scan.next(reader.as_mut(), self.cfg.max_record_bytes);
            let any = scan.any;
            match next {
                Next::End => {
                    self.state = State::Done;
                    return (!any).then(|| {
                        let msg = "no documents: no conversion or HTML response records";
                        self.error(0, Some(self.file.clone()), Some(self.parent.clone()), msg, Raw::File)
                    });
                }
                Next::Broken(msg, line) => {
                    self.state = State::Done;
                    return Some(self.error(line, None, None, msg, Raw::File));
                }
                Next::Record(h, line, block, cut) => {
                    if let Some(rec) = self.warc_record(h, line, block, cut) {
                        if let State::Warc { scan, .. } = &mut self.state {
                            scan.any = true;
                        }
                        return Some(rec);
                    }
                }
            }
        }
    }

    /// The record (or error row) of an archive record on `line`; `None` when it holds no page.
    fn warc_record(&self, h: Header, line: u64, block: Option<Vec<u8>>, cut: bool) -> Option<Record> {
        let id = h.uri.clone().or(h.record_id.clone()).unwrap_or_else(|| format!("{}:{line}", self.file));
        let source = h.uri.as_deref().and_then(url_host).map_or_else(|| self.parent.clone(), str::to_string);
        if cut {
            return Some(self.overlong(line, Some(id), Some(source)));
        }
        let block = block?;
        let (text, decoding, page) = match h.kind.as_str() {
            "conversion" => {
                let (t, d) = decode(block);
                (t, d, false)
            }
            "response" => match response_page(&block, self.cfg.max_record_bytes)? {
                Ok(body) => {
                    let (t, d) = decode(body);
                    (t, d, true)
                }
                Err(BodyError::Unreadable(msg)) => {
                    return Some(self.error(line, Some(id), Some(source), msg, Raw::File));
                }
                Err(BodyError::Overlong) => {
                    let msg = format!(
                        "HTTP body longer than {} bytes once decompressed: not read",
                        self.cfg.max_record_bytes
                    );
                    return Some(self.error(line, Some(id), Some(source), msg, Raw::File));
                }
            },
            _ => return None,
        };
        let text = if page {
            match crate::input::html::extract_main_text(&text) {
                Ok(t) => t,
                Err(e) => {
                    return Some(self.error(line, Some(id), Some(source), format!("HTML: {e}"), Raw::File));
                }
            }
        } else {
            text
        };
        let total = text.len();
        let (text, cut) = as_read_cut(text, self.cfg.max_text_bytes, total);
        let mut doc = Document { id, source, text, origin: self.origin(line), warnings: Vec::new() };
        doc.warnings.extend(decoding.warning().map(str::to_string));
        doc.warnings.extend(cut);
        Some(Record { doc: Ok(doc), raw: Raw::File })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::read;
    use super::*;

    /// A WARC record of `kind` for `uri` holding `block`.
    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: <{uri}>\r\nWARC-Record-ID: <urn:uuid:{kind}>\r\n\
             Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut b = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
        b.extend_from_slice(body);
        b
    }

    const PAGE: &str = "<html><head><title>T</title></head><body><nav><a href=\"/\">Home</a></nav>\
        <article><h1>Talks</h1><p>The president spoke for nearly an hour on Thursday about the troops \
        gathered near the border, officials said.</p><p>Both sides agreed to meet again in Geneva \
        next month to continue the talks.</p></article></body></html>";

    #[test]
    fn pages_of_an_archive_are_documents() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(PAGE.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        // The gzip body sent in two chunks.
        let mut chunked = format!("{:x}\r\n", 10).into_bytes();
        chunked.extend_from_slice(&gz[..10]);
        chunked.extend_from_slice(format!("\r\n{:x}\r\n", gz.len() - 10).as_bytes());
        chunked.extend_from_slice(&gz[10..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut warc = Vec::new();
        warc.extend(record("warcinfo", "", b"software: test\r\n"));
        warc.extend(record("request", "https://news.example.com/a", b"GET /a HTTP/1.1\r\n\r\n"));
        warc.extend(record(
            "response",
            "https://news.example.com/a",
            &http("200 OK", "Content-Type: text/html; charset=utf-8\r\n", PAGE.as_bytes()),
        ));
        warc.extend(record(
            "response",
            "https://news.example.com/old",
            &http("301 Moved", "Location: /a\r\n", b""),
        ));
        warc.extend(record(
            "response",
            "https://news.example.com/logo.png",
            &http("200 OK", "Content-Type: image/png\r\n", b"\x89PNG"),
        ));
        warc.extend(record(
            "response",
            "https://blog.example.org/b",
            &http(
                "200 OK",
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
                &chunked,
            ),
        ));
        warc.extend(record(
            "conversion",
            "https://other.example.net/c",
            "Plain text of a page, as WET has it.\n".as_bytes(),
        ));
        let recs = read("crawl.warc", &warc);
        let docs: Vec<(&str, &str, u64)> = recs
            .iter()
            .map(|r| {
                let d = r.doc.as_ref().unwrap();
                (d.id.as_str(), d.source.as_str(), d.origin.line)
            })
            .collect();
        assert_eq!(
            docs,
            [
                ("https://news.example.com/a", "news.example.com", 20),
                ("https://blog.example.org/b", "blog.example.org", 53),
                ("https://other.example.net/c", "other.example.net", 73),
            ]
        );
        for r in &recs[..2] {
            let t = &r.doc.as_ref().unwrap().text;
            assert!(t.contains("The president spoke") && !t.contains("Home") && !t.contains('<'), "{t}");
        }
        assert_eq!(recs[2].doc.as_ref().unwrap().text.trim(), "Plain text of a page, as WET has it.");
        // The same archive compressed, and as a WET file.
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&warc).unwrap();
        let again = read("crawl.warc.gz", &z.finish().unwrap());
        assert_eq!(
            again.iter().map(|r| r.doc.as_ref().unwrap().text.clone()).collect::<Vec<_>>(),
            recs.iter().map(|r| r.doc.as_ref().unwrap().text.clone()).collect::<Vec<_>>()
        );
        assert_eq!(format_of(Path::new("CC-MAIN-1.warc.wet.gz")), Some(InputFormat::Warc));
    }

    #[test]
    fn broken_archives_end_with_one_error_row() {
        let good = record("conversion", "https://a.example/x", b"Some text here.\n");
        // Not an archive at all.
        let recs = read("x.warc", b"hello\nworld\n");
        assert!(recs[0].doc.as_ref().unwrap_err().msg.starts_with("not a WARC record header"));
        // A record cut short: the ones before it are kept.
        let mut cut = good.clone();
        cut.extend_from_slice(&good[..good.len() - 10]);
        let recs = read("cut.warc", &cut);
        assert_eq!(recs.len(), 2);
        assert!(recs[0].doc.is_ok());
        let e = recs[1].doc.as_ref().unwrap_err();
        assert_eq!((e.msg.as_str(), e.origin.line), ("WARC record cut short by the end of the input", 10));
        // No Content-Length.
        let recs = read("nolen.warc", b"WARC/1.0\r\nWARC-Type: conversion\r\n\r\ntext\r\n");
        assert!(recs[0].doc.as_ref().unwrap_err().msg.contains("Content-Length"));
        // Nothing but metadata: one row saying so.
        let recs = read("meta.warc", &record("warcinfo", "", b"software: x\r\n"));
        assert!(recs[0].doc.as_ref().unwrap_err().msg.starts_with("no documents"));
        // A page over the record cap is an error row; reading goes on.
        let big = record("conversion", "https://a.example/big", "word ".repeat(100).as_bytes());
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big.warc");
        std::fs::write(&p, [big, good.clone()].concat()).unwrap();
        let cfg = InputConfig { max_record_bytes: 100, ..InputConfig::default() };
        let recs: Vec<Record> = RecordReader::new(&p, Arc::new(cfg)).collect();
        assert!(recs[0].doc.as_ref().unwrap_err().msg.starts_with("record longer than 100 bytes"));
        assert_eq!(recs[1].doc.as_ref().unwrap().id, "https://a.example/x");
        // A page whose body decompresses past the cap: an error row naming it; reading goes on.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &[b' '; 4096]).unwrap();
        let body =
            http("200 OK", "Content-Type: text/html\r\nContent-Encoding: gzip\r\n", &gz.finish().unwrap());
        assert!(body.len() < 1000);
        let q = d.path().join("bomb.warc");
        std::fs::write(&q, [record("response", "https://a.example/bomb", &body), good.clone()].concat())
            .unwrap();
        let cfg = InputConfig { max_record_bytes: 1000, ..InputConfig::default() };
        let recs: Vec<Record> = RecordReader::new(&q, Arc::new(cfg)).collect();
        let e = recs[0].doc.as_ref().unwrap_err();
        assert_eq!(
            (e.msg.as_str(), e.origin.line, e.id.as_deref()),
            (
                "HTTP body longer than 1000 bytes once decompressed: not read",
                1,
                Some("https://a.example/bomb")
            )
        );
        assert_eq!(recs[1].doc.as_ref().unwrap().id, "https://a.example/x");
        // An archive's pages are not read again by offset.
        let mut readers = RecordReaders::new(vec![p], InputConfig::default());
        while let Some((_, at)) = readers.next_located() {
            assert!(at.is_none());
        }
    }
}
