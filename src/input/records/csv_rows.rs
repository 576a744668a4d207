//! CSV input: the columns named by the configuration, one record a row (a ragged or
//! unreadable row is an error row naming its line).

use super::*;
use crate::input::Decoding;
use crate::input::encoding::decode;

/// A CSV reader's input, counting the bytes pulled since the reader last gave a record and
/// failing once they pass `cap`: a field whose opening quote never closes would otherwise make
/// the rest of the input one record, held in memory whole (the reader buffers 8 KiB ahead, so
/// the cap is met within that). It also follows the quoting as the reader parses it, so that
/// a quote still open at the end of the input (the rest of the file read as one field, with
/// no error from the reader) is known.
pub(crate) struct CappedRecords<R> {
    inner: R,
    since: u64,
    cap: u64,
    /// Whether the cap was passed (the reader's error is then this one).
    pub(crate) tripped: bool,
    quoting: Quoting,
    /// Bytes pulled in all.
    total: u64,
    /// The input ended inside a quoted field.
    open_at_end: bool,
}

impl<R: Read> CappedRecords<R> {
    pub(crate) fn new(inner: R, cap: usize, delimiter: u8) -> Self {
        CappedRecords {
            inner,
            since: 0,
            cap: cap as u64,
            tripped: false,
            quoting: Quoting::new(delimiter),
            total: 0,
            open_at_end: false,
        }
    }

    /// Starts counting for the next record.
    fn next_record(&mut self) {
        self.since = 0;
    }

    /// The line the record the reader gave last starts on (taken once per record, in order).
    pub(crate) fn take_start_line(&mut self) -> Option<u64> {
        self.quoting.starts.pop_front()
    }

    /// Whether the record that ends at byte `end` is the one whose quoted field never closed:
    /// the input ended inside it, and it ends where the input does.
    fn left_open(&self, end: u64) -> bool {
        self.open_at_end && end == self.total
    }
}

impl<R: Read> Read for CappedRecords<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.since > self.cap {
            self.tripped = true;
            return Err(std::io::Error::other("CSV record over the cap"));
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.open_at_end = self.quoting.in_quotes();
        }
        self.since += n as u64;
        self.total += n as u64;
        self.quoting.feed(&buf[..n]);
        Ok(n)
    }
}

/// Where a CSV parser is in a field, as the `csv` crate's reader parses (quotes open a field
/// only at its start; `""` inside a quoted field is a quote; `\r` and `\n` end a record, and
/// empty lines are skipped). It also notes the line each record starts on: the reader's own
/// positions point at the line end before a record when one is left over (the `\n` of a
/// `\r\n`, or empty lines), one or more lines early.
struct Quoting {
    delimiter: u8,
    state: QuoteState,
    /// `\n` bytes seen.
    newlines: u64,
    /// The first lines of the records begun and not yet taken, in order.
    starts: std::collections::VecDeque<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    /// Before a record: line ends are skipped.
    Record,
    /// At the start of a field.
    Start,
    /// In an unquoted field: quotes are data.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote in a quoted field: it closes the field, or a second quote follows.
    QuoteInQuoted,
}

impl Quoting {
    fn new(delimiter: u8) -> Self {
        Quoting { delimiter, state: QuoteState::Record, newlines: 0, starts: Default::default() }
    }

    fn feed(&mut self, bytes: &[u8]) {
        use QuoteState::*;
        let d = self.delimiter;
        for &b in bytes {
            if self.state == Record && b != b'\n' && b != b'\r' {
                self.starts.push_back(self.newlines + 1);
                self.state = Start;
            }
            self.state = match (self.state, b) {
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (Start | QuoteInQuoted, b'"') => Quoted,
                (_, b'\n' | b'\r') => Record,
                (_, b) if b == d => Start,
                _ => Unquoted,
            };
            self.newlines += u64::from(b == b'\n');
        }
    }

    fn in_quotes(&self) -> bool {
        self.state == QuoteState::Quoted
    }
}

/// The message of a CSV record longer than `cap` bytes.
fn overlong_csv(cap: usize) -> String {
    format!(
        "CSV record longer than {cap} bytes (a quoted field never closed?): the rest of the file is not read"
    )
}

pub(super) struct CsvColumns {
    pub(super) id: Option<usize>,
    pub(super) text: Option<usize>,
    pub(super) html: Option<usize>,
    pub(super) source: Option<usize>,
    pub(super) url: Option<usize>,
}

/// The column of a CSV header named `name` (a byte order mark and surrounding white space
/// ignored), as `score` and `train` look a field up.
pub fn csv_column(headers: &csv::ByteRecord, name: &str) -> Option<usize> {
    headers.iter().position(|h| {
        let h = String::from_utf8_lossy(h);
        h.trim_start_matches('\u{feff}').trim() == name
    })
}

/// Field delimiters a CSV header is sniffed for: a comma, a semicolon (spreadsheets in locales
/// that write decimal commas) and a tab (`.tsv`).
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// The field delimiter of a CSV file that starts with `head`: whichever of `,`, `;` and tab
/// occurs most often outside double quotes in its first line (a comma when none does).
pub fn csv_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
            counts[i] += 1;
        }
    }
    // The first of the most frequent: a comma wins a tie.
    let best = (0..DELIMITERS.len()).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    DELIMITERS[best]
}

/// [`csv_delimiter`] of the file at `path` (its first 64 KiB, decompressed if gzip).
pub fn csv_delimiter_of(path: &Path) -> std::io::Result<u8> {
    let mut head = Vec::new();
    open_decoded(path)?.take(1 << 16).read_to_end(&mut head)?;
    Ok(csv_delimiter(&head))
}

/// A CSV reader of `r` with delimiter `delimiter`, rows of any width, the first row a header
/// when `headers`.
pub(crate) fn csv_reader<R: Read>(r: R, delimiter: u8, headers: bool) -> csv::Reader<R> {
    csv::ReaderBuilder::new().flexible(true).has_headers(headers).delimiter(delimiter).from_reader(r)
}

impl RecordReader {
    pub(super) fn next_csv(&mut self) -> Option<Record> {
        let State::Csv { reader, .. } = &mut self.state else {
            return None;
        };
        let mut rec = csv::ByteRecord::new();
        reader.get_mut().next_record();
        let starts = reader.position().line();
        match reader.read_byte_record(&mut rec) {
            Ok(false) => {
                self.state = State::Done;
                None
            }
            Err(_) if reader.get_ref().tripped => {
                // The record begun and not given: its first line.
                let line = reader.get_mut().take_start_line().unwrap_or(starts);
                self.state = State::Done;
                self.last_at = None;
                Some(self.error(line, None, None, overlong_csv(self.cfg.max_record_bytes), Raw::File))
            }
            Err(e) => {
                let line = reader.get_mut().take_start_line().or(e.position().map(|p| p.line())).unwrap_or(0);
                self.state = State::Done;
                self.last_at = None;
                Some(self.error(line, None, None, format!("CSV: {e}"), Raw::File))
            }
            Ok(true) => {
                let (n, at) = rec.position().map_or((0, None), |p| (p.line(), Some(p.byte())));
                let n = reader.get_mut().take_start_line().unwrap_or(n);
                self.last_at = if self.file == "-" { None } else { at };
                let open = reader.get_ref().left_open(reader.position().byte());
                let State::Csv { cols, width, .. } = &self.state else {
                    return None;
                };
                let record = self.csv_record(n, rec, cols, *width);
                if !open {
                    return Some(record);
                }
                // Not scored: its text runs on through every row after it. The error row keeps
                // the id and the raw record (what `filter` writes to its rejects), and is not
                // read again by offset: a reader started at the row could not tell it is open.
                self.last_at = None;
                let msg = format!(
                    "CSV: a quoted field in this row never closes: line {n} to the end of the file was read as \
                     this one row; not scored"
                );
                Some(match record.doc {
                    Ok(d) => self.error(n, Some(d.id), Some(d.source), msg, record.raw),
                    Err(e) => self.error(n, e.id, e.source, msg, record.raw),
                })
            }
        }
    }

    /// The columns of the fields this reader looks for, by the CSV header.
    pub(super) fn csv_columns(&self, headers: &csv::ByteRecord) -> CsvColumns {
        let find = |name: &str| csv_column(headers, name);
        CsvColumns {
            id: find(&self.cfg.id_field),
            text: find(&self.cfg.text_field),
            html: find(&self.cfg.html_field),
            source: find(&self.cfg.source_field),
            url: find(&self.cfg.url_field),
        }
    }

    /// The record (or error row) of CSV row `rec` on line `n`.
    fn csv_record(&self, n: u64, rec: csv::ByteRecord, cols: &CsvColumns, width: usize) -> Record {
        let field = |i: Option<usize>| -> Option<(String, Decoding)> {
            let b = rec.get(i?)?;
            Some(decode(b.to_vec()))
        };
        let (id, source) = (field(cols.id), field(cols.source));
        let url = field(cols.url);
        let text = field(cols.text);
        let html = field(cols.html);
        let id = id.map(|x| x.0).filter(|s| !s.is_empty()).unwrap_or_else(|| format!("{}:{}", self.file, n));
        let source = source
            .map(|x| x.0)
            .filter(|s| !s.is_empty())
            .or_else(|| url.and_then(|(u, _)| url_host(&u).map(str::to_string)))
            .unwrap_or_else(|| self.parent.clone());
        if rec.len() != width {
            let msg = format!("ragged row: {} fields, header has {}", rec.len(), width);
            return self.error(n, Some(id), Some(source), msg, Raw::Csv(rec));
        }
        let mut page_warning = None;
        let (text, decoding) = match (text, html) {
            (Some((t, decoding)), _) if cols.text.is_some() && crate::input::html::looks_like_page(&t) => {
                let (t, warning) = page_text(t);
                page_warning = Some(warning);
                (t, decoding)
            }
            (Some(t), _) if cols.text.is_some() => t,
            (_, Some((h, decoding))) => match crate::input::html::extract_main_text(&h) {
                Ok(t) => (t, decoding),
                Err(e) => return self.error(n, Some(id), Some(source), format!("HTML: {e}"), Raw::Csv(rec)),
            },
            _ => {
                // The header's other columns, widest in this row first.
                let header = self.csv_header.as_ref();
                let mut cells: Vec<(String, usize)> = header
                    .map(|h| {
                        h.iter()
                            .enumerate()
                            .filter(|&(i, _)| {
                                Some(i) != cols.id && Some(i) != cols.source && Some(i) != cols.url
                            })
                            .map(|(i, name)| {
                                let name = String::from_utf8_lossy(name)
                                    .trim_start_matches('\u{feff}')
                                    .trim()
                                    .to_string();
                                (name, rec.get(i).map_or(0, <[u8]>::len))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                cells.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let msg = missing_text_msg(&self.cfg.text_field, cells.iter().map(|(k, _)| k.as_str()));
                return self.error(n, Some(id), Some(source), msg, Raw::Csv(rec));
            }
        };
        let total = text.len();
        let (text, cut) = as_read_cut(text, self.cfg.max_text_bytes, total);
        let mut doc = Document { id, source, text, origin: self.origin(n), warnings: Vec::new() };
        doc.warnings.extend(decoding.warning().map(str::to_string));
        doc.warnings.extend(page_warning);
        doc.warnings.extend(cut);
        Record { doc: Ok(doc), raw: Raw::Csv(rec) }
    }

    /// [`RecordReader::record_at`] for a CSV file: the header is read once, then each row from
    /// its offset.
    pub(super) fn csv_record_at(&mut self, offset: u64, line: u64) -> Record {
        if self.random_csv.is_none() {
            let headers = csv_delimiter_of(&self.path).and_then(|delimiter| {
                let f = CappedRecords::new(File::open(&self.path)?, self.cfg.max_record_bytes, delimiter);
                let mut rdr = csv_reader(f, delimiter, true);
                let h = rdr.byte_headers().cloned().map_err(std::io::Error::other)?;
                Ok((h, delimiter))
            });
            match headers {
                Ok((h, delimiter)) => {
                    self.random_csv = Some((self.csv_columns(&h), h.len(), delimiter));
                    // Error rows name the header's columns as a first reading does.
                    self.csv_header = Some(h);
                }
                Err(e) => return self.error(line, None, None, format!("cannot read: {e}"), Raw::File),
            }
        }
        let delimiter = self.random_csv.as_ref().map_or(b',', |c| c.2);
        let cap = self.cfg.max_record_bytes;
        let f = match self.random_at(offset) {
            Ok(f) => f,
            Err(e) => return self.error(line, None, None, format!("cannot read: {e}"), Raw::File),
        };
        let mut rec = csv::ByteRecord::new();
        let mut rdr = csv_reader(CappedRecords::new(f, cap, delimiter), delimiter, false);
        let read = rdr.read_byte_record(&mut rec);
        let tripped = rdr.get_ref().tripped;
        drop(rdr);
        match (read, &self.random_csv) {
            (Ok(true), Some((cols, width, _))) => self.csv_record(line, rec, cols, *width),
            (Err(_), _) if tripped => self.error(line, None, None, overlong_csv(cap), Raw::File),
            (Err(e), _) => self.error(line, None, None, format!("CSV: {e}"), Raw::File),
            _ => self.error(line, None, None, "record not found (input changed?)", Raw::File),
        }
    }

    /// The CSV header of this input, once the first record has been asked for (CSV only; still
    /// there after the last record).
    pub fn csv_headers(&self) -> Option<&csv::ByteRecord> {
        self.csv_header.as_ref()
    }
}
