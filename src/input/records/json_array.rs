//! A JSON array of records (`[{...}, {...}]`, on one line or pretty-printed; what scrapers'
//! JSON exporters write), or pretty-printed records one after another (a `.json` file of one
//! indented object): read element by element, each with the line it starts on, so that a feed
//! of any size streams and a bad element is an error row naming its line.
//!
//! An element is found by its brackets and strings alone, then parsed as a JSONL line is: its
//! line breaks (whitespace between tokens) become spaces, so its raw record is one line. An
//! element left open at the end of the input is one error row, and reading stops there.

use super::jsonl::fill;
use super::*;

/// Where a scan stopped.
enum Scan {
    /// An element was read into the buffer (`cut` when it was longer than the cap), starting
    /// on `line` at byte `pos`.
    Element { cut: bool, line: u64, pos: u64 },
    /// The end of the input came first, every array closed.
    End,
    /// The end of the input came inside an array.
    Unclosed,
    /// The input ended inside the element that starts on this line.
    Unterminated(u64),
    /// A byte that cannot start an element or follow one (`]` expected, `,` or the next one).
    Unexpected(u8),
}

/// Scanner state between calls: the line it is on and the bytes it has consumed.
pub(super) struct ArrayScan {
    /// Line of the next byte (1-based).
    pub(super) line: u64,
    /// Bytes consumed from the start of the input.
    pub(super) pos: u64,
    /// Whether records are elements of arrays (else indented records one after another).
    arrays: bool,
    /// Whether an array is open (its `[` read, its `]` not yet).
    open: bool,
}

impl ArrayScan {
    /// A scan of an input laid out as `layout` from its start.
    pub(super) fn new(layout: JsonLayout) -> Self {
        ArrayScan { line: 1, pos: 0, arrays: layout == JsonLayout::Array, open: false }
    }

    /// A scan from byte `pos` (line `line`) of an element that is known to start there.
    pub(super) fn at(pos: u64, line: u64) -> Self {
        ArrayScan { line, pos, arrays: true, open: true }
    }
}

/// What comes next in the input.
enum Next {
    /// An element starting with this byte (not consumed).
    Element(u8),
    /// The end of the input, every array closed.
    End,
    /// The end of the input inside an array (a truncated export).
    Unclosed,
    /// A byte that cannot come here.
    Unexpected(u8),
}

/// The next byte of `r` without consuming it; `None` at the end.
fn peek(r: &mut dyn BufRead) -> std::io::Result<Option<u8>> {
    Ok(fill(r)?.first().copied())
}

impl ArrayScan {
    fn bump(&mut self, r: &mut dyn BufRead, b: u8) {
        r.consume(1);
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
        }
    }

    /// Skips white space, a byte order mark at the start, the `[` and `]` around elements (more
    /// than one array may follow another: a JSONL file of arrays) and the `,` before an element.
    fn skip_to_element(&mut self, r: &mut dyn BufRead) -> std::io::Result<Next> {
        let mut comma = false;
        loop {
            let Some(b) = peek(r)? else {
                return Ok(if self.arrays && self.open { Next::Unclosed } else { Next::End });
            };
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.bump(r, b),
                0xef if self.pos == 0 => {
                    // A UTF-8 byte order mark starts the input.
                    for _ in 0..BOM.len() {
                        if let Some(x) = peek(r)? {
                            self.bump(r, x);
                        }
                    }
                }
                b'[' if self.arrays && !self.open => {
                    self.open = true;
                    comma = false;
                    self.bump(r, b);
                }
                b']' if self.arrays && self.open => {
                    self.open = false;
                    self.bump(r, b);
                }
                b',' if !comma && (self.open || !self.arrays) => {
                    comma = true;
                    self.bump(r, b);
                }
                b',' | b'}' | b']' => return Ok(Next::Unexpected(b)),
                // Between arrays only an object can start a record (a JSONL line).
                _ if self.arrays && !self.open && b != b'{' => return Ok(Next::Unexpected(b)),
                _ => return Ok(Next::Element(b)),
            }
        }
    }

    /// Reads the next element into `buf` (at most `cap` bytes of it are kept).
    fn element(&mut self, r: &mut dyn BufRead, buf: &mut Vec<u8>, cap: usize) -> std::io::Result<Scan> {
        buf.clear();
        let first = match self.skip_to_element(r)? {
            Next::End => return Ok(Scan::End),
            Next::Unclosed => return Ok(Scan::Unclosed),
            Next::Unexpected(b) => return Ok(Scan::Unexpected(b)),
            Next::Element(b) => b,
        };
        let (line, pos) = (self.line, self.pos);
        let nested = matches!(first, b'{' | b'[');
        let (mut depth, mut in_string, mut escaped, mut cut) = (0usize, false, false, false);
        loop {
            let available = fill(r)?;
            if available.is_empty() {
                // A scalar may end with the input; anything open may not.
                return Ok(if nested || in_string {
                    Scan::Unterminated(line)
                } else {
                    Scan::Element { cut, line, pos }
                });
            }
            let (mut used, mut done, mut closed) = (0, false, false);
            for &b in available {
                if !in_string && !nested && matches!(b, b',' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                    done = true; // the end of a scalar: the byte is left for the next scan
                    break;
                }
                used += 1;
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if !nested {
                            // a string element ends with its closing quote
                            closed = true;
                        }
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                if (nested && depth == 0) || closed {
                    done = true;
                    break;
                }
            }
            let chunk = &available[..used];
            let newlines = memchr::memchr_iter(b'\n', chunk).count() as u64;
            let room = cap.saturating_sub(buf.len());
            if chunk.len() > room {
                cut = true;
            }
            buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            r.consume(used);
            self.pos += used as u64;
            self.line += newlines;
            if done {
                // Line breaks between tokens are white space: the raw record becomes one line.
                for b in buf.iter_mut() {
                    if matches!(*b, b'\n' | b'\r') {
                        *b = b' ';
                    }
                }
                return Ok(Scan::Element { cut, line, pos });
            }
        }
    }
}

impl RecordReader {
    /// The next record of a JSON array input.
    pub(super) fn next_json_array(&mut self) -> Option<Record> {
        let State::JsonArray { reader, scan, buf, any } = &mut self.state else {
            return None;
        };
        let read = scan.element(reader.as_mut(), buf, self.cfg.max_record_bytes);
        let (line_now, any_before) = (scan.line, *any);
        let mut taken = std::mem::take(buf);
        let stop = |this: &mut Self| {
            this.state = State::Done;
            this.last_at = None;
        };
        match read {
            Err(e) => {
                stop(self);
                Some(self.error(line_now, None, None, format!("cannot read: {e}"), Raw::File))
            }
            Ok(Scan::End) => {
                self.state = State::Done;
                (!any_before).then(|| self.empty_file())
            }
            Ok(Scan::Unclosed) => {
                stop(self);
                let msg = "JSON array not closed before the end of the input (a truncated file?)";
                Some(self.error(line_now, None, None, msg, Raw::File))
            }
            Ok(Scan::Unterminated(line)) => {
                stop(self);
                let msg = "JSON array element not closed before the end of the input";
                Some(self.error(line, None, None, msg, Raw::File))
            }
            Ok(Scan::Unexpected(b)) => {
                stop(self);
                let msg =
                    format!("malformed JSON array: unexpected '{}'; the rest is not read", char::from(b));
                Some(self.error(line_now, None, None, msg, Raw::File))
            }
            Ok(Scan::Element { cut, line, pos }) => {
                self.last_at = (self.file != "-").then_some(pos);
                let rec = self.element_record(line, cut, &mut taken);
                if let State::JsonArray { buf, any, .. } = &mut self.state {
                    *any = true;
                    *buf = taken; // keep the buffer's capacity for the next element
                }
                Some(rec)
            }
        }
    }

    /// The record (or error row) of an element read into `buf`, on line `line`.
    fn element_record(&self, line: u64, cut: bool, buf: &mut Vec<u8>) -> Record {
        // As a JSONL line is read: a cut one is an error row.
        if cut {
            return self.overlong(line, None, None);
        }
        self.parse_json(line, std::mem::take(buf))
    }

    /// [`RecordReader::record_at`] for a JSON array (or indented records): the element at
    /// `offset`, read again.
    pub(super) fn json_array_record_at(&mut self, offset: u64, line: u64) -> Record {
        let cap = self.cfg.max_record_bytes;
        let mut buf = Vec::new();
        let read = self.random_at(offset).and_then(|f| ArrayScan::at(offset, line).element(f, &mut buf, cap));
        match read {
            Ok(Scan::Element { cut, .. }) => self.element_record(line, cut, &mut buf),
            Ok(_) => self.error(line, None, None, "record not found (input changed?)", Raw::File),
            Err(e) => self.error(line, None, None, format!("cannot read: {e}"), Raw::File),
        }
    }
}

/// How the records of a JSON input are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JsonLayout {
    /// One record a line (JSONL).
    Lines,
    /// An array of records.
    Array,
    /// Indented records one after another: the first line that is not blank is `{` alone.
    Pretty,
}

/// The layout of a JSON input that starts with `head` (its first buffered bytes; a byte order
/// mark and white space before the first record are looked past).
pub(super) fn layout(head: &[u8]) -> JsonLayout {
    let head = head.strip_prefix(BOM).unwrap_or(head);
    let Some(i) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return JsonLayout::Lines;
    };
    let rest = &head[i..];
    if rest[0] == b'[' {
        return JsonLayout::Array;
    }
    let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    if line.trim_ascii() == b"{" && rest.len() > line.len() {
        return JsonLayout::Pretty;
    }
    JsonLayout::Lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `content` (a file named `name`) with its locator, and each record read
    /// again at its locator.
    fn read_all(name: &str, content: &[u8], cfg: InputConfig) -> Vec<(Record, Option<Record>)> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(name);
        std::fs::write(&p, content).unwrap();
        let mut readers = RecordReaders::new(vec![p], cfg);
        let mut got = Vec::new();
        while let Some(x) = readers.next_located() {
            got.push(x);
        }
        got.into_iter().map(|(r, at)| (r, at.map(|at| readers.read_at(at)))).collect()
    }

    fn summary(recs: &[(Record, Option<Record>)]) -> Vec<(u64, String)> {
        recs.iter()
            .map(|(r, again)| {
                if let Some(a) = again {
                    assert_eq!((&a.doc, &a.raw), (&r.doc, &r.raw), "read again");
                }
                match &r.doc {
                    Ok(d) => (d.origin.line, format!("{}={}", d.id, d.text)),
                    Err(e) => (e.origin.line, format!("error: {}", e.msg)),
                }
            })
            .collect()
    }

    #[test]
    fn arrays_on_one_line_and_pretty_printed() {
        let one = br#"[{"id":"a","text":"x [y] {z}"}, {"id":"b","text":"say \"hi\", ]"}]"#;
        let recs = read_all("one.json", one, InputConfig::default());
        assert_eq!(summary(&recs), [(1, "a=x [y] {z}".into()), (1, "b=say \"hi\", ]".into())]);
        // As a scraper's exporter writes it: one record a line, a comma after each.
        let scrapy = b"[\n{\"id\": \"a\", \"text\": \"x\"},\n{\"id\": \"b\", \"text\": \"y\"}\n]\n";
        let recs = read_all("items.json", scrapy, InputConfig::default());
        assert_eq!(summary(&recs), [(2, "a=x".into()), (3, "b=y".into())]);
        // Indented: each record starts on its own line, and its raw record is one line.
        let pretty = b"\xef\xbb\xbf[\n  {\n    \"id\": \"a\",\n    \"text\": \"x\"\n  },\n  {\n    \"id\": \"b\",\n    \"text\": \"y\"\n  }\n]";
        let recs = read_all("pretty.json", pretty, InputConfig::default());
        assert_eq!(summary(&recs), [(2, "a=x".into()), (6, "b=y".into())]);
        let Raw::Json(raw) = &recs[1].0.raw else { panic!("raw JSON") };
        assert!(!raw.contains(&b'\n') && raw.starts_with(b"{") && raw.ends_with(b"}"));
    }

    #[test]
    fn elements_longer_than_the_read_buffer() {
        // The reader's buffer holds 64 KiB: elements run across several fills.
        let long = "word ".repeat(30_000);
        let content =
            format!("[\"{long}\", {{\"id\":\"a\",\"text\":\"{long}\"}}, {{\"id\":\"b\",\"text\":\"y\"}}]");
        let recs = read_all("long.json", content.as_bytes(), InputConfig::default());
        let got = summary(&recs);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (1, "error: not a JSON object".into()));
        assert_eq!(got[1], (1, format!("a={long}")));
        assert_eq!(got[2], (1, "b=y".into()));
    }

    #[test]
    fn one_array_a_line() {
        let lines = b"[{\"id\":\"a\",\"text\":\"x\"}]\n[{\"id\":\"b\",\"text\":\"y\"}, {\"id\":\"c\",\"text\":\"z\"}]\n";
        let recs = read_all("lines.jsonl", lines, InputConfig::default());
        assert_eq!(summary(&recs), [(1, "a=x".into()), (2, "b=y".into()), (2, "c=z".into())]);
        // Objects between arrays are records too.
        let mixed = b"[{\"id\":\"a\",\"text\":\"x\"}]\n{\"id\":\"b\",\"text\":\"y\"}\n";
        let recs = read_all("mixed.jsonl", mixed, InputConfig::default());
        assert_eq!(summary(&recs), [(1, "a=x".into()), (2, "b=y".into())]);
    }

    #[test]
    fn indented_records_one_after_another() {
        let pretty =
            b"{\n  \"id\": \"a\",\n  \"text\": \"x\"\n}\n{\n  \"id\": \"b\",\n  \"text\": \"y\"\n}\n";
        let recs = read_all("two.json", pretty, InputConfig::default());
        assert_eq!(summary(&recs), [(1, "a=x".into()), (5, "b=y".into())]);
        // A JSONL file is still read by line (its first line is a whole record).
        assert_eq!(layout(b"{\"id\":\"a\"}\n{\"id\":\"b\"}\n"), JsonLayout::Lines);
        assert_eq!(layout(b"  \n{\n"), JsonLayout::Pretty);
        assert_eq!(layout(b"{"), JsonLayout::Lines);
        assert_eq!(layout(b""), JsonLayout::Lines);
    }

    #[test]
    fn bad_elements_are_error_rows_and_reading_goes_on() {
        let content = b"[\n1,\n\"text\",\n{\"id\":\"a\",\"text\":\"x\"},\n{\"id\": oops},\n{\"id\":\"b\",\"text\":\"y\"}\n]";
        let recs = read_all("mixed.json", content, InputConfig::default());
        assert_eq!(
            summary(&recs),
            [
                (2, "error: not a JSON object".into()),
                (3, "error: not a JSON object".into()),
                (4, "a=x".into()),
                (5, "error: malformed JSON: expected value at line 1 column 8".into()),
                (6, "b=y".into()),
            ]
        );
        // An element longer than the cap is an error row; the next is read.
        let cfg = InputConfig { max_record_bytes: 40, ..InputConfig::default() };
        let long =
            format!("[{{\"id\":\"a\",\"text\":\"{}\"}},\n{{\"id\":\"b\",\"text\":\"y\"}}]", "w ".repeat(40));
        let recs = read_all("long.json", long.as_bytes(), cfg);
        assert_eq!(
            summary(&recs),
            [(1, "error: record longer than 40 bytes: not read".into()), (2, "b=y".into())]
        );
    }

    #[test]
    fn broken_arrays_end_with_one_error_row() {
        let open = b"[{\"id\":\"a\",\"text\":\"x\"},\n{\"id\":\"b\",\"text\":\"y\"";
        let recs = read_all("open.json", open, InputConfig::default());
        assert_eq!(
            summary(&recs),
            [
                (1, "a=x".into()),
                (2, "error: JSON array element not closed before the end of the input".into())
            ]
        );
        let stray = b"[{\"id\":\"a\",\"text\":\"x\"}}, {\"id\":\"b\",\"text\":\"y\"}]";
        let recs = read_all("stray.json", stray, InputConfig::default());
        assert_eq!(recs.len(), 2);
        assert!(summary(&recs)[1].1.contains("unexpected '}'"));
        // Cut after a whole element: what was read is kept, and the cut is said.
        let cut = b"[{\"id\":\"a\",\"text\":\"x\"},\n";
        let recs = read_all("cut.json", cut, InputConfig::default());
        assert_eq!(
            summary(&recs),
            [
                (1, "a=x".into()),
                (2, "error: JSON array not closed before the end of the input (a truncated file?)".into())
            ]
        );
        // Something after the array is not dropped unsaid.
        let after = b"[{\"id\":\"a\",\"text\":\"x\"}]\nmore";
        let recs = read_all("after.json", after, InputConfig::default());
        assert_eq!(recs.len(), 2);
        assert!(summary(&recs)[1].1.contains("unexpected 'm'"), "{:?}", summary(&recs));
        for empty in [&b"[]"[..], b" [ \n ] \n"] {
            let recs = read_all("empty.json", empty, InputConfig::default());
            assert_eq!(summary(&recs), [(0, "error: empty file".into())]);
        }
    }
}
