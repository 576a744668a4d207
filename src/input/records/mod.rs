//! Streaming readers that turn one input file into [`Record`]s.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::encoding::{Utf16Reader, decode_file, is_utf16};
use super::json_record::{self, Parsed, TextField};
use super::walk::format_of;
use super::{InputConfig, InputFormat, Raw, Record, RecordError, url_host};
use crate::document::{Document, Origin, cut_warning};

mod csv_rows;
mod http;
mod json_array;
mod jsonl;
mod reread;
mod warc;

use csv_rows::CsvColumns;
pub(crate) use csv_rows::csv_reader;
pub use csv_rows::{csv_column, csv_delimiter, csv_delimiter_of};

/// The UTF-8 byte order mark: it starts an input (or a JSONL line: a file joined on with `cat`),
/// not its first record.
pub const BOM: &[u8] = b"\xef\xbb\xbf";

/// Bytes sniffed for NUL to call a text file binary.
const BINARY_SNIFF: usize = 8192;

/// Default largest record read ([`InputConfig::max_record_bytes`]): a JSONL line, a CSV row, a
/// web archive record or its decoded page, or a whole text/HTML file. A longer one becomes an
/// error row (the reader skips to the next line or record), so one giant record cannot exhaust
/// memory.
pub const MAX_RECORD_BYTES: usize = 64 << 20;

enum State {
    /// Not opened yet.
    Pending,
    Jsonl {
        reader: Box<dyn BufRead + Send>,
        line: u64,
        buf: Vec<u8>,
        /// Bytes of the input consumed so far.
        pos: u64,
        /// Whether a line other than a blank one was read: an input without one is empty.
        any: bool,
    },
    Csv {
        /// Boxed: the reader and its input's state are a few hundred bytes.
        reader: Box<csv::Reader<csv_rows::CappedRecords<Box<dyn Read + Send>>>>,
        cols: CsvColumns,
        width: usize,
    },
    /// A web archive: its pages, record by record.
    Warc {
        reader: Box<dyn BufRead + Send>,
        scan: warc::WarcScan,
    },
    /// A JSON array of records (a `.json` export), or indented records: read element by element.
    JsonArray {
        reader: Box<dyn BufRead + Send>,
        scan: json_array::ArrayScan,
        buf: Vec<u8>,
        /// Whether an element was read: an input without one is empty.
        any: bool,
    },
    Done,
}

/// Reads the records of one input file (or standard input for `-`).
pub struct RecordReader {
    path: PathBuf,
    file: String,
    parent: String,
    cfg: Arc<InputConfig>,
    state: State,
    /// Where the last record returned starts (byte offset), when it can be read again.
    last_at: Option<u64>,
    /// The file opened for [`RecordReader::record_at`].
    random: Option<reread::Reread>,
    /// A CSV file's columns, width and delimiter, for [`RecordReader::record_at`].
    random_csv: Option<(CsvColumns, usize, u8)>,
    /// A CSV file's header, once read (kept after the last record).
    csv_header: Option<csv::ByteRecord>,
    /// Whether a JSON input is an array of records or indented ones, once known.
    json_array: Option<bool>,
    /// Whether the input was decompressed or transcoded from UTF-16 (known once it is
    /// opened): its records are then not read again by offset.
    transcoded: bool,
    /// Whether the input can be read again at all (a regular file: [`readable_twice`]).
    rereadable: bool,
}

impl RecordReader {
    /// A reader for `path`; nothing is opened until the first record is asked for.
    pub fn new(path: &Path, cfg: Arc<InputConfig>) -> Self {
        let file = path.display().to_string();
        let parent = if file == "-" {
            "-".to_string()
        } else {
            path.parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| ".".to_string())
        };
        RecordReader {
            path: path.to_path_buf(),
            file,
            parent,
            cfg,
            state: State::Pending,
            last_at: None,
            random: None,
            random_csv: None,
            csv_header: None,
            json_array: None,
            transcoded: false,
            rereadable: readable_twice(path),
        }
    }

    fn origin(&self, line: u64) -> Origin {
        Origin { file: self.file.clone(), line }
    }

    fn error(
        &self,
        line: u64,
        id: Option<String>,
        source: Option<String>,
        msg: impl Into<String>,
        raw: Raw,
    ) -> Record {
        // A record too broken to name its source (a JSONL line that is not JSON) is rolled up
        // where a record of this file without a source field would be, not under "".
        let source = Some(source.unwrap_or_else(|| self.parent.clone()));
        Record { doc: Err(RecordError { origin: self.origin(line), id, source, msg: msg.into() }), raw }
    }

    fn open(&mut self) -> Option<Record> {
        let stdin = self.file == "-";
        let opened: std::io::Result<Box<dyn BufRead + Send>> = if stdin {
            Ok(Box::new(BufReader::with_capacity(1 << 16, std::io::stdin())))
        } else {
            File::open(&self.path)
                .map(|f| Box::new(BufReader::with_capacity(1 << 16, f)) as Box<dyn BufRead + Send>)
        };
        let mut reader = match opened.and_then(decoded) {
            Ok((reader, transcoded)) => {
                self.transcoded = transcoded;
                reader
            }
            Err(e) => {
                self.state = State::Done;
                return Some(self.error(0, None, None, format!("cannot read: {e}"), Raw::File));
            }
        };
        let mut format = self.cfg.format;
        if format == InputFormat::Auto {
            format = if stdin {
                match sniff_first_byte(&mut reader) {
                    Ok(Some(b'{' | b'[')) => InputFormat::Jsonl,
                    Ok(Some(b'W'))
                        if reader.fill_buf().is_ok_and(|b| b.trim_ascii_start().starts_with(b"WARC/")) =>
                    {
                        InputFormat::Warc
                    }
                    Ok(_) => InputFormat::Text,
                    Err(e) => {
                        self.state = State::Done;
                        return Some(self.error(0, None, None, format!("cannot read: {e}"), Raw::File));
                    }
                }
            } else {
                format_of(&self.path).unwrap_or(InputFormat::Text)
            };
        }
        match format {
            InputFormat::Jsonl
                if let Some(layout) = reader
                    .fill_buf()
                    .ok()
                    .map(json_array::layout)
                    .filter(|&l| l != json_array::JsonLayout::Lines) =>
            {
                let scan = json_array::ArrayScan::new(layout);
                self.state = State::JsonArray { reader, scan, buf: Vec::new(), any: false };
                None
            }
            InputFormat::Warc => {
                self.state = State::Warc { reader, scan: warc::WarcScan::new() };
                None
            }
            InputFormat::Jsonl => {
                self.state = State::Jsonl { reader, line: 0, buf: Vec::new(), pos: 0, any: false };
                None
            }
            InputFormat::Csv => {
                let delimiter = reader.fill_buf().map_or(b',', csv_delimiter);
                let cap = self.cfg.max_record_bytes;
                let capped =
                    csv_rows::CappedRecords::new(Box::new(reader) as Box<dyn Read + Send>, cap, delimiter);
                let mut rdr = csv_reader(capped, delimiter, true);
                let headers = rdr.byte_headers().cloned();
                // The header is the first record begun: its line is not a row's.
                rdr.get_mut().take_start_line();
                let headers = match headers {
                    Ok(h) => h,
                    Err(_) if rdr.get_ref().tripped => {
                        self.state = State::Done;
                        let msg = format!(
                            "CSV header longer than {cap} bytes (a quoted field never closed?): not read"
                        );
                        return Some(self.error(1, None, None, msg, Raw::File));
                    }
                    Err(e) => {
                        self.state = State::Done;
                        return Some(self.error(
                            1,
                            None,
                            None,
                            format!("cannot read CSV header: {e}"),
                            Raw::File,
                        ));
                    }
                };
                let cols = self.csv_columns(&headers);
                if headers.is_empty() {
                    self.state = State::Done;
                    return Some(self.empty_file());
                }
                self.state = State::Csv { reader: Box::new(rdr), cols, width: headers.len() };
                self.csv_header = Some(headers);
                None
            }
            InputFormat::Text | InputFormat::Html | InputFormat::Auto => {
                self.state = State::Done;
                // A whole file is read again from its start (not standard input).
                self.last_at = (!stdin).then_some(0);
                let cap = self.cfg.max_record_bytes;
                // Sized to the file when its length is known (a file read as it is stored), so
                // the buffer never doubles past it: a 66 MB file peaked at 108 MB, now 77 MB.
                let known = if stdin || self.transcoded {
                    0
                } else {
                    std::fs::metadata(&self.path).map_or(0, |m| m.len())
                };
                let mut bytes = Vec::with_capacity(usize::try_from(known).unwrap_or(usize::MAX).min(cap) + 1);
                if let Err(e) = reader.by_ref().take(cap as u64 + 1).read_to_end(&mut bytes) {
                    return Some(self.error(0, None, None, format!("cannot read: {e}"), Raw::File));
                }
                if bytes.len() > cap {
                    let msg = format!("file longer than {cap} bytes: not read");
                    return Some(self.error(
                        0,
                        Some(self.file.clone()),
                        Some(self.parent.clone()),
                        msg,
                        Raw::File,
                    ));
                }
                Some(self.whole_file(bytes, format == InputFormat::Html))
            }
        }
    }

    /// The error row of a record longer than the cap (`--max-record-mib`) on line `line`.
    fn overlong(&self, line: u64, id: Option<String>, source: Option<String>) -> Record {
        let msg = format!("record longer than {} bytes: not read", self.cfg.max_record_bytes);
        self.error(line, id, source, msg, Raw::File)
    }

    /// The error row of an input with nothing in it but whitespace (blank lines, a byte order
    /// mark), whatever its format: a text file, a record file or standard input. Its one row
    /// (line 0, the file as id) is how a run shows that an input gave nothing, as an unreadable
    /// one does; a record file with a CSV header and no rows is not empty.
    fn empty_file(&self) -> Record {
        self.error(0, Some(self.file.clone()), Some(self.parent.clone()), "empty file", Raw::File)
    }

    fn whole_file(&self, bytes: Vec<u8>, html: bool) -> Record {
        let id = self.file.clone();
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return self.empty_file();
        }
        if !is_utf16(&bytes) && memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some() {
            return self.error(
                0,
                Some(id),
                Some(self.parent.clone()),
                "binary file (NUL bytes), not text",
                Raw::File,
            );
        }
        let (mut text, decoding) = decode_file(bytes);
        if text.trim().is_empty() {
            return self.empty_file(); // UTF-16 with nothing but whitespace
        }
        let mut page_warning = None;
        if !html && self.cfg.format == InputFormat::Auto && super::html::looks_like_page(&text) {
            let (t, warning) = page_text(text);
            text = t;
            page_warning = Some(warning);
        } else if html {
            match super::html::extract_main_text(&text) {
                Ok(t) => text = t,
                Err(e) => {
                    return self.error(
                        0,
                        Some(id),
                        Some(self.parent.clone()),
                        format!("HTML: {e}"),
                        Raw::File,
                    );
                }
            }
        }
        let total = text.len();
        let (text, cut) = as_read_cut(text, self.cfg.max_text_bytes, total);
        let mut doc =
            Document { id, source: self.parent.clone(), text, origin: self.origin(0), warnings: Vec::new() };
        doc.warnings.extend(decoding.warning().map(str::to_string));
        doc.warnings.extend(page_warning);
        doc.warnings.extend(cut);
        Record { doc: Ok(doc), raw: Raw::File }
    }

    /// Where the record last returned by `next` starts, when [`RecordReader::record_at`] can
    /// read it again: a JSONL line of a file (its byte offset) or a whole file (0). `None` for
    /// standard input and pipes, gzip and UTF-16 files, CSV records and read failures.
    pub fn last_offset(&self) -> Option<u64> {
        // Standard input and pipes give their content once; a compressed or UTF-16 file's
        // offsets are in its decoded text: neither is read again.
        self.last_at.filter(|_| self.rereadable && !self.transcoded)
    }

    /// Reads again the record that starts at byte `offset` on line `line` (as given by
    /// [`RecordReader::last_offset`] and the record's origin): the same record `next` gave.
    pub fn record_at(&mut self, offset: u64, line: u64) -> Record {
        let format = match self.cfg.format {
            InputFormat::Auto => format_of(&self.path).unwrap_or(InputFormat::Text),
            f => f,
        };
        match format {
            InputFormat::Jsonl if self.is_json_array() => self.json_array_record_at(offset, line),
            InputFormat::Jsonl => self.jsonl_record_at(offset, line),
            InputFormat::Csv => self.csv_record_at(offset, line),
            _ => {
                let mut again = RecordReader::new(&self.path, self.cfg.clone());
                again.next().unwrap_or_else(|| self.error(line, None, None, "record not found", Raw::File))
            }
        }
    }

    /// Whether this reader's file is a JSON array of records or indented ones (asked of its
    /// first bytes once).
    fn is_json_array(&mut self) -> bool {
        if let Some(a) = self.json_array {
            return a;
        }
        let a = self
            .random_at(0)
            .and_then(|f| f.fill_buf().map(|head| json_array::layout(head) != json_array::JsonLayout::Lines))
            .unwrap_or(false);
        self.json_array = Some(a);
        a
    }

    /// The file opened for reading records again (on first use), placed at `offset`.
    fn random_at(&mut self, offset: u64) -> std::io::Result<&mut BufReader<reread::Tracked>> {
        if self.random.is_none() {
            self.random = Some(reread::Reread::open(&self.path)?);
        }
        self.random.as_mut().ok_or_else(|| std::io::Error::other("not open"))?.at(offset)
    }
}

fn sniff_first_byte(r: &mut Box<dyn BufRead + Send>) -> std::io::Result<Option<u8>> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        // A byte order mark is looked past (and left for the reader of the format to drop).
        let skip = if buf.starts_with(BOM) { BOM.len() } else { 0 };
        match buf[skip..].iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => return Ok(Some(buf[skip + i])),
            None => {
                // Whitespace only so far: it is not content, but keep it out of a JSONL parse
                // only if the format turns out to be JSONL; text keeps it (harmless).
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

impl Iterator for RecordReader {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            match self.state {
                State::Pending => {
                    if let Some(r) = self.open() {
                        return Some(r);
                    }
                }
                State::Jsonl { .. } => return self.next_jsonl(),
                State::JsonArray { .. } => return self.next_json_array(),
                State::Warc { .. } => return self.next_warc(),
                State::Csv { .. } => return self.next_csv(),
                State::Done => return None,
            }
        }
    }
}

/// The error message of a record without the text field `field`, naming the fields it has
/// that could hold its text (`candidates`, the likeliest first; at most four are named).
fn missing_text_msg<'a>(field: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let named: Vec<&str> = candidates.filter(|c| !c.is_empty()).take(4).collect();
    if named.is_empty() {
        format!("missing text field '{field}'")
    } else {
        format!("missing text field '{field}' (it has {}: pick one with --text-field)", named.join(", "))
    }
}

/// Whether the JSON file at `path` holds one record a line (JSONL), not a JSON array of
/// records or indented ones (its first 64 KiB are looked at).
pub(crate) fn is_json_lines(path: &Path) -> std::io::Result<bool> {
    let mut head = Vec::new();
    open_decoded(path)?.take(1 << 16).read_to_end(&mut head)?;
    Ok(json_array::layout(&head) == json_array::JsonLayout::Lines)
}

/// gzip's magic bytes: a compressed input starts with them.
const GZIP_MAGIC: &[u8] = b"\x1f\x8b";

/// `reader`, decompressed when it starts with gzip's magic bytes (one member or several, as
/// `cat a.gz b.gz` makes), then read as UTF-8 when it starts with a UTF-16 byte order mark
/// ([`Utf16Reader`]); the flag says whether either was done (byte offsets are then not the
/// input's).
fn decoded(mut reader: Box<dyn BufRead + Send>) -> std::io::Result<(Box<dyn BufRead + Send>, bool)> {
    let mut changed = false;
    if reader.fill_buf()?.starts_with(GZIP_MAGIC) {
        let gz = flate2::bufread::MultiGzDecoder::new(reader);
        reader = Box::new(BufReader::with_capacity(1 << 16, gz));
        changed = true;
    }
    if reader.fill_buf().is_ok_and(is_utf16) {
        reader = Box::new(BufReader::with_capacity(1 << 16, Utf16Reader::new(reader)?));
        changed = true;
    }
    Ok((reader, changed))
}

/// The file at `path` opened for reading its text: decompressed when it is gzip, read as UTF-8
/// when it is UTF-16.
pub fn open_decoded(path: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    let file = Box::new(BufReader::with_capacity(1 << 16, File::open(path)?));
    Ok(decoded(file)?.0)
}

/// False for inputs that give their content once: standard input (`-`) and paths that are not
/// regular files (a named pipe, `<(command)`, a device). A path that cannot be looked up counts
/// as a file: reading it gives its error row.
pub fn readable_twice(path: &Path) -> bool {
    path.as_os_str() != "-" && std::fs::metadata(path).map_or(true, |m| m.is_file())
}

/// Records of several inputs, one after another.
pub struct RecordReaders {
    files: Vec<PathBuf>,
    next_file: usize,
    cfg: Arc<InputConfig>,
    current: Option<RecordReader>,
    /// The reader [`RecordReaders::read_at`] last used, and its file's index.
    random: Option<(u32, RecordReader)>,
}

/// Where a record is, to read it again ([`RecordReaders::read_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locator {
    /// Index of the input file.
    pub file: u32,
    /// Byte offset of the record in it (0 for a whole file).
    pub offset: u64,
    /// The record's line (its origin's).
    pub line: u64,
}

impl RecordReaders {
    /// Reads `files` in order with the given settings.
    pub fn new(files: Vec<PathBuf>, cfg: InputConfig) -> Self {
        RecordReaders { files, next_file: 0, cfg: Arc::new(cfg), current: None, random: None }
    }

    /// The input files, in the order they are read.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The next record and, when it can be read again, where it is.
    pub fn next_located(&mut self) -> Option<(Record, Option<Locator>)> {
        loop {
            if let Some(r) = self.current.as_mut() {
                if let Some(rec) = r.next() {
                    let file = (self.next_file - 1) as u32;
                    let line = match &rec.doc {
                        Ok(d) => d.origin.line,
                        Err(e) => e.origin.line,
                    };
                    let at = r.last_offset().map(|offset| Locator { file, offset, line });
                    return Some((rec, at));
                }
            }
            let path = self.files.get(self.next_file)?;
            self.current = Some(RecordReader::new(path, self.cfg.clone()));
            self.next_file += 1;
        }
    }

    /// Reads again the record at `at` (from [`RecordReaders::next_located`]).
    pub fn read_at(&mut self, at: Locator) -> Record {
        if self.random.as_ref().is_some_and(|(f, _)| *f != at.file) {
            self.random = None;
        }
        // The reader (its open file) is kept while records of the same file follow.
        let (files, cfg) = (&self.files, &self.cfg);
        let (_, r) = self.random.get_or_insert_with(|| {
            let path = files.get(at.file as usize).map_or(Path::new(""), PathBuf::as_path);
            (at.file, RecordReader::new(path, cfg.clone()))
        });
        r.record_at(at.offset, at.line)
    }
}

impl Iterator for RecordReaders {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        self.next_located().map(|(r, _)| r)
    }
}

/// `text` (the first part of a field or file of `total` bytes) cut to `max` bytes, then
/// [`as_read`], with the warning of a cut when the field or file was longer than what is kept.
/// Cut first, so the repairs never copy more than is scored; the warning gives the lengths
/// as read, so a text the repairs shorten is not called cut.
fn as_read_cut(mut text: String, max: usize, total: usize) -> (String, Option<String>) {
    let total = total.max(text.len());
    let kept = super::cut_at(&text, max).len();
    if kept < text.len() {
        // The buffer the whole file was read into goes too: a document held for its batch
        // keeps its text, not the file's capacity.
        text.truncate(kept);
        text.shrink_to_fit();
    }
    (as_read(text), (kept < total).then(|| cut_warning(kept, total)))
}

/// `text` as it is read: a JSON string body read as its text ([`super::escapes`]), mojibake
/// repaired ([`super::mojibake`]), line breaks written as `\n`
/// ([`super::line_breaks`]), HTML character references decoded ([`super::char_refs`]),
/// ligatures written out ([`super::ligatures`]), soft hyphens and stray zero-width characters
/// dropped ([`super::invisible`]), stray HTML tags read outside a whole page ([`super::tags`]),
/// hard-wrapped paragraphs joined ([`super::unwrap`]) and Markdown syntax read as text
/// ([`super::markdown`]); `text` itself (no copy) when none applies. Paragraphs are joined as
/// they were laid out, list markers and all, so a wrapped item or link reads whole.
fn as_read(text: String) -> String {
    let text = super::escapes::decode(&text).unwrap_or(text);
    let text = super::mojibake::repair(&text).unwrap_or(text);
    let text = super::line_breaks::normalize(&text).unwrap_or(text);
    let text = super::char_refs::decode(&text).unwrap_or(text);
    let text = super::ligatures::expand(&text).unwrap_or(text);
    let text = super::invisible::drop_invisible(&text).unwrap_or(text);
    // A whole page here was read as text on request (`--input-format text`): its markup stays.
    let text =
        if super::html::looks_like_page(&text) { text } else { super::tags::strip(&text).unwrap_or(text) };
    let text = super::unwrap::unwrap(&text).unwrap_or(text);
    super::markdown::strip(&text).unwrap_or(text)
}

/// The text of a record or file that [`super::html::looks_like_page`] takes for an HTML page:
/// its main content, extracted as from an HTML input, and the warning saying so; or, when no
/// content can be extracted, the text as it is with a warning that says why (nothing is lost).
fn page_text(text: String) -> (String, String) {
    match super::html::extract_main_text(&text) {
        Ok(t) => (t, "the text is an HTML page: its main content was extracted and scored".to_string()),
        Err(e) => {
            (text, format!("the text looks like an HTML page, but extraction failed ({e}): scored as it is"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{CP1252_WARNING, LOSSY_WARNING};

    /// Every record of a file named `name` holding `content`, read with the default settings.
    pub(super) fn read(name: &str, content: &[u8]) -> Vec<Record> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(name);
        std::fs::write(&p, content).unwrap();
        RecordReader::new(&p, Arc::new(InputConfig::default())).collect()
    }

    #[test]
    fn wrapped_paragraphs_are_joined_before_markdown_is_read() {
        // Wrapped at 72 columns as laid out, the item's marker and the link's target included:
        // the item's first line is too long for "the" only with its marker, and the link spans
        // two lines.
        let text = "The festival opened on Thursday in Bangkok, where organisers asked all\n\
                    guests to give what they could to the relief funds set up in the city.\n\
                    \n\
                    \u{20}- The Bangkok International Film Festival got under way on Thursday in\n\
                    the Thai capital, and [the organisers\n\
                    said](https://example.com/festival) that tickets go to charity.";
        let want = "The festival opened on Thursday in Bangkok, where organisers asked all guests to give \
                    what they could to the relief funds set up in the city.\n\n\
                    The Bangkok International Film Festival got under way on Thursday in the Thai capital, \
                    and the organisers said that tickets go to charity.";
        assert_eq!(as_read(text.to_string()), want);
    }

    #[test]
    fn csv_rows_are_named_by_the_line_they_start_on() {
        // The csv crate's positions point at a leftover line end: the `\n` of a `\r\n`, or
        // empty lines before a row, so they named a line one or more too early.
        let d = tempfile::tempdir().unwrap();
        let lines = |body: &str| -> Vec<(String, u64)> {
            let p = d.path().join("rows.csv");
            std::fs::write(&p, body).unwrap();
            RecordReader::new(&p, Arc::new(InputConfig::default()))
                .map(|r| r.doc.map(|d| (d.id, d.origin.line)).unwrap_or_else(|e| ("!".into(), e.origin.line)))
                .collect()
        };
        let want = |v: &[(&str, u64)]| v.iter().map(|&(i, l)| (i.to_string(), l)).collect::<Vec<_>>();
        assert_eq!(
            lines("id,text\r\na,one\r\nb,two\r\nc,\"three\r\nlines\"\r\nd,four\r\n"),
            want(&[("a", 2), ("b", 3), ("c", 4), ("d", 6)])
        );
        assert_eq!(lines("id,text\na,one\n\nb,two\n\n\r\nc,three"), want(&[("a", 2), ("b", 4), ("c", 7)]));
        // An error row too: a ragged row after an empty line.
        assert_eq!(lines("id,text\r\n\r\nx\r\na,one\r\n"), want(&[("!", 3), ("a", 4)]));
    }

    #[test]
    fn a_csv_quote_that_never_closes_stops_at_the_cap() {
        // Without a cap the rest of the file would be one field of row 2, held whole.
        let d = tempfile::tempdir().unwrap();
        let cfg = Arc::new(InputConfig { max_record_bytes: 1000, ..InputConfig::default() });
        let p = d.path().join("feed.csv");
        let rest = "more words, and a line\n".repeat(5000);
        std::fs::write(&p, format!("id,text\na,first row\nb,\"never closed\n{rest}")).unwrap();
        let recs: Vec<Record> = RecordReader::new(&p, cfg.clone()).collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].doc.as_ref().unwrap().id, "a");
        let e = recs[1].doc.as_ref().unwrap_err();
        assert_eq!(e.origin.line, 3);
        assert!(
            e.msg.starts_with("CSV record longer than 1000 bytes (a quoted field never closed?)"),
            "{}",
            e.msg
        );
        // With `\r\n` line ends the row is named by its own line too.
        let crlf = d.path().join("crlf.csv");
        std::fs::write(&crlf, format!("id,text\r\na,first row\r\nb,\"never closed\r\n{rest}")).unwrap();
        let recs: Vec<Record> = RecordReader::new(&crlf, cfg.clone()).collect();
        assert_eq!(recs[1].doc.as_ref().unwrap_err().origin.line, 3);
        // The same in the header.
        let q = d.path().join("header.csv");
        std::fs::write(&q, format!("id,\"text\n{rest}")).unwrap();
        let recs: Vec<Record> = RecordReader::new(&q, cfg.clone()).collect();
        assert_eq!(recs.len(), 1);
        let e = recs[0].doc.as_ref().unwrap_err();
        assert!(e.msg.starts_with("CSV header longer than 1000 bytes"), "{}", e.msg);
        // Under the cap, a quote still open at the end of the file: the rows it swallowed are
        // one error row (with its id and raw record), not a silently scored document.
        let t = d.path().join("open.csv");
        std::fs::write(&t, "id,text\na,first row\nb,\"never closed\nc,third\nd,fourth\n").unwrap();
        let recs: Vec<Record> = RecordReader::new(&t, cfg.clone()).collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].doc.as_ref().unwrap().id, "a");
        let e = recs[1].doc.as_ref().unwrap_err();
        assert_eq!((e.origin.line, e.id.as_deref()), (3, Some("b")));
        assert!(
            e.msg.starts_with("CSV: a quoted field in this row never closes: line 3 to the end"),
            "{}",
            e.msg
        );
        assert!(matches!(&recs[1].raw, Raw::Csv(r) if r.get(1).unwrap().ends_with(b"d,fourth\n")));
        // Quotes inside unquoted fields are data, and a quoted last field may end the file.
        let u = d.path().join("quotes.csv");
        std::fs::write(&u, "id,text\na,a 5\" screen\nb,\"said \"\"hi\"\"\"").unwrap();
        let recs: Vec<Record> = RecordReader::new(&u, cfg.clone()).collect();
        let texts: Vec<&str> = recs.iter().map(|r| r.doc.as_ref().unwrap().text.as_str()).collect();
        assert_eq!(texts, ["a 5\" screen", "said \"hi\""]);
        // A quoted field of many lines under the cap is one record, as before.
        let r = d.path().join("ok.csv");
        std::fs::write(&r, "id,text\na,\"one\ntwo\nthree\"\nb,four\n").unwrap();
        let recs: Vec<Record> = RecordReader::new(&r, cfg).collect();
        let texts: Vec<&str> = recs.iter().map(|r| r.doc.as_ref().unwrap().text.as_str()).collect();
        assert_eq!(texts, ["one\ntwo\nthree", "four"]);
    }

    #[test]
    fn overlong_records_are_error_rows_and_reading_goes_on() {
        let d = tempfile::tempdir().unwrap();
        let cfg = Arc::new(InputConfig { max_record_bytes: 64, ..InputConfig::default() });
        let p = d.path().join("feed.jsonl");
        let long = format!("{{\"id\":\"b\",\"text\":\"{}\"}}", "word ".repeat(40));
        std::fs::write(
            &p,
            format!("{{\"id\":\"a\",\"text\":\"short\"}}\n{long}\n{{\"id\":\"c\",\"text\":\"x\"}}\n"),
        )
        .unwrap();
        let recs: Vec<Record> = RecordReader::new(&p, cfg.clone()).collect();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].doc.as_ref().unwrap().id, "a");
        let e = recs[1].doc.as_ref().unwrap_err();
        assert_eq!(e.origin.line, 2);
        assert!(e.msg.contains("record longer than 64 bytes"), "{}", e.msg);
        assert_eq!(recs[2].doc.as_ref().unwrap().origin.line, 3);
        // A whole text file over the cap is one error row too.
        let t = d.path().join("page.txt");
        std::fs::write(&t, "word ".repeat(40)).unwrap();
        let recs: Vec<Record> = RecordReader::new(&t, cfg).collect();
        assert!(recs[0].doc.as_ref().unwrap_err().msg.contains("file longer than 64 bytes"));
    }

    #[test]
    fn long_texts_are_cut_as_read_in_every_format_with_the_warning() {
        let d = tempfile::tempdir().unwrap();
        let cfg = Arc::new(InputConfig { max_text_bytes: 10, ..InputConfig::default() });
        let text = "caf\u{e9} au lait, s'il vous pla\u{ee}t"; // 31 bytes, "é" at 3..5
        let files = [
            ("a.jsonl", serde_json::json!({"id": "a", "text": text}).to_string()),
            ("b.csv", format!("id,text\nb,\"{text}\"\n")),
            ("c.txt", text.to_string()),
        ];
        for (name, content) in files {
            let p = d.path().join(name);
            std::fs::write(&p, content).unwrap();
            let recs: Vec<Record> = RecordReader::new(&p, cfg.clone()).collect();
            let doc = recs[0].doc.as_ref().unwrap();
            assert_eq!(doc.text, "caf\u{e9} au l", "{name}");
            assert_eq!(doc.warnings, ["scored on the first 10 of 31 bytes"], "{name}");
        }
        // A cut document holds its text, not the buffer its file or record was read into.
        let long = "word ".repeat(20_000);
        let files = [
            ("big.jsonl", serde_json::json!({"id": "a", "text": long}).to_string()),
            ("big.csv", format!("id,text\nb,\"{long}\"\n")),
            ("big.txt", long.clone()),
        ];
        for (name, content) in files {
            let p = d.path().join(name);
            std::fs::write(&p, content).unwrap();
            let recs: Vec<Record> = RecordReader::new(&p, cfg.clone()).collect();
            let doc = recs[0].doc.as_ref().unwrap();
            assert!(doc.text.len() <= 10, "{name}: {:?}", doc.text);
            assert!(doc.text.capacity() < 1024, "{name}: {}", doc.text.capacity());
        }
        // Cut to a character boundary: 4 bytes would split "é".
        let cfg = Arc::new(InputConfig { max_text_bytes: 4, ..InputConfig::default() });
        let p = d.path().join("a.jsonl");
        let recs: Vec<Record> = RecordReader::new(&p, cfg).collect();
        assert_eq!(recs[0].doc.as_ref().unwrap().text, "caf");
        // Raw records are written back whole (`filter`).
        let Raw::Json(raw) = &recs[0].raw else { panic!("a JSONL record") };
        assert_eq!(
            std::str::from_utf8(raw).unwrap(),
            serde_json::json!({"id": "a", "text": text}).to_string()
        );
    }

    #[test]
    fn located_records_read_again_are_the_same_records() {
        let d = tempfile::tempdir().unwrap();
        let cfg = InputConfig { max_record_bytes: 80, ..InputConfig::default() };
        let long = format!("{{\"id\":\"long\",\"text\":\"{}\"}}", "word ".repeat(30));
        let jsonl = d.path().join("a.jsonl");
        std::fs::write(
            &jsonl,
            format!("{{\"id\":\"a\",\"text\":\"one\"}}\r\n\n  \nnot json\n{long}\n{{\"id\":\"b\",\"text\":\"two\"}}"),
        )
        .unwrap();
        let txt = d.path().join("b.txt");
        std::fs::write(&txt, "A whole file.").unwrap();
        let csv = d.path().join("c.csv");
        std::fs::write(&csv, "id,text\nc,three\nd,\"four,\nlines\"\ne\n").unwrap();
        let files = vec![jsonl.clone(), txt.clone(), csv.clone()];
        let mut readers = RecordReaders::new(files.clone(), cfg.clone());
        let mut first = Vec::new();
        while let Some(x) = readers.next_located() {
            first.push(x);
        }
        let located: Vec<Option<Locator>> = first.iter().map(|(_, at)| *at).collect();
        assert_eq!(
            located,
            [
                Some(Locator { file: 0, offset: 0, line: 1 }),
                // 23 bytes and CRLF, then an empty and a blank line.
                Some(Locator { file: 0, offset: 29, line: 4 }),
                Some(Locator { file: 0, offset: 38, line: 5 }),
                Some(Locator { file: 0, offset: 38 + long.len() as u64 + 1, line: 6 }),
                Some(Locator { file: 1, offset: 0, line: 0 }),
                // CSV rows after the header; a quoted field over two lines; a ragged row.
                Some(Locator { file: 2, offset: 8, line: 2 }),
                Some(Locator { file: 2, offset: 16, line: 3 }),
                Some(Locator { file: 2, offset: 32, line: 5 }),
            ]
        );
        assert!(first[7].0.doc.as_ref().unwrap_err().msg.contains("ragged row"));
        // Read again in another order, from a reader that read nothing in order.
        let mut again = RecordReaders::new(files, cfg);
        for k in [4, 6, 3, 0, 7, 2, 5, 1] {
            let (rec, at) = &first[k];
            let r = again.read_at(at.unwrap());
            assert_eq!(r.doc, rec.doc, "record {k}");
            assert_eq!(r.raw, rec.raw, "record {k}");
        }
    }

    #[test]
    fn jsonl_records_and_errors_keep_line_numbers() {
        let recs = read(
            "feed.jsonl",
            b"{\"id\":\"a\",\"text\":\"hello\",\"url\":\"https://x.org/1\"}\n\nnot json\n{\"id\":7,\"body\":\"x\"}\n[1]\n",
        );
        assert_eq!(recs.len(), 4);
        let a = recs[0].doc.as_ref().unwrap();
        assert_eq!((a.id.as_str(), a.source.as_str(), a.origin.line), ("a", "x.org", 1));
        let e = recs[1].doc.as_ref().unwrap_err();
        assert_eq!(e.origin.line, 3);
        assert!(e.msg.contains("malformed JSON"));
        // Too broken to name a source: the file's default source, which the next record (valid
        // JSON without a source field) also gets, not "".
        let next = recs[2].doc.as_ref().unwrap_err();
        assert!(e.source.as_deref().is_some_and(|s| !s.is_empty()), "{:?}", e.source);
        assert_eq!(e.source, next.source);
        let e = recs[2].doc.as_ref().unwrap_err();
        assert_eq!((e.origin.line, e.id.as_deref()), (4, Some("7")));
        assert!(e.msg.contains("missing text field 'text'"));
        assert!(recs[3].doc.as_ref().unwrap_err().msg.contains("not a JSON object"));
        assert_eq!(
            recs[0].raw,
            Raw::Json(b"{\"id\":\"a\",\"text\":\"hello\",\"url\":\"https://x.org/1\"}".to_vec())
        );
    }

    #[test]
    fn a_byte_order_mark_before_the_first_jsonl_record_is_not_part_of_it() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("bom.jsonl");
        std::fs::write(&p, b"\xef\xbb\xbf{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}\n")
            .unwrap();
        let mut readers = RecordReaders::new(vec![p], InputConfig::default());
        let (first, at) = readers.next_located().unwrap();
        assert_eq!(first.doc.as_ref().unwrap().id, "a");
        assert_eq!(first.raw, Raw::Json(b"{\"id\":\"a\",\"text\":\"x\"}".to_vec()));
        let again = readers.read_at(at.unwrap());
        assert_eq!((again.doc, again.raw), (first.doc, first.raw));
        assert_eq!(readers.next().unwrap().doc.unwrap().id, "b");
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_files_are_read_decompressed_and_not_by_offset() {
        let jsonl = b"{\"id\":\"a\",\"text\":\"x\"}\nnot json\n{\"id\":\"b\",\"text\":\"y\"}\n";
        let plain = read("f.jsonl", jsonl);
        // Two members joined (`cat a.gz b.gz`) read as one stream.
        let mut two = gzip(&jsonl[..22]);
        two.extend(gzip(&jsonl[22..]));
        for (name, bytes) in [("f.jsonl.gz", gzip(jsonl)), ("g.jsonl.gz", two)] {
            let got = read(name, &bytes);
            assert_eq!(got.len(), 3, "{name}");
            for (g, p) in got.iter().zip(&plain) {
                assert_eq!(
                    (&g.raw, g.doc.as_ref().map(|d| &d.text).ok()),
                    (&p.raw, p.doc.as_ref().map(|d| &d.text).ok())
                );
            }
        }
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.jsonl.gz");
        std::fs::write(&p, gzip(jsonl)).unwrap();
        assert_eq!(format_of(&p), Some(InputFormat::Jsonl));
        assert!(readable_twice(&p));
        let mut readers = RecordReaders::new(vec![p], InputConfig::default());
        assert!(readers.next_located().is_some_and(|(_, at)| at.is_none()));
        // A text file and a CSV file, compressed.
        let t = read("a.txt.gz", &gzip("The talks went on.\n".as_bytes()));
        assert_eq!(t[0].doc.as_ref().unwrap().text, "The talks went on.\n");
        let c = read("a.csv.gz", &gzip(b"id;text\nk;hello there\n"));
        assert_eq!(c[0].doc.as_ref().unwrap().text, "hello there");
        // A corrupt stream is an error row where it breaks.
        let mut bad = gzip(jsonl);
        let n = bad.len();
        bad.truncate(n - 12);
        let got = read("bad.jsonl.gz", &bad);
        assert!(
            got.last().unwrap().doc.as_ref().unwrap_err().msg.starts_with("cannot read"),
            "{:?}",
            got.last()
        );
    }

    #[test]
    fn a_missing_text_field_error_names_the_fields_that_could_hold_it() {
        let d = tempfile::tempdir().unwrap();
        for (name, content, want) in [
            (
                "f.jsonl",
                &b"{\"id\":\"a\",\"title\":\"Talks\",\"content\":\"The president spoke.\",\"n\":3}\n"[..],
                "missing text field 'text' (it has content, title: pick one with --text-field)",
            ),
            ("n.jsonl", b"{\"id\":\"a\",\"n\":3}\n", "missing text field 'text'"),
            (
                "f.csv",
                b"id,headline,body,source\na,Talks,The president spoke.,s\n",
                "missing text field 'text' (it has body, headline: pick one with --text-field)",
            ),
        ] {
            let p = d.path().join(name);
            std::fs::write(&p, content).unwrap();
            let mut readers = RecordReaders::new(vec![p], InputConfig::default());
            let (rec, at) = readers.next_located().unwrap();
            assert_eq!(rec.doc.as_ref().unwrap_err().msg, want, "{name}");
            // Read again (a fresh reader of the file), the row says the same.
            let again = readers.read_at(at.unwrap());
            assert_eq!(again.doc.unwrap_err().msg, want, "{name}");
        }
    }

    #[test]
    fn a_byte_order_mark_starting_any_jsonl_line_is_dropped() {
        // Two files joined with `cat`, the second starting with a mark.
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("joined.jsonl");
        std::fs::write(
            &p,
            b"{\"id\":\"a\",\"text\":\"x\"}\n\xef\xbb\xbf{\"id\":\"b\",\"text\":\"y\"}\r\n\xef\xbb\xbf\n{\"id\":\"c\",\"text\":\"z\"}\n",
        )
        .unwrap();
        let mut readers = RecordReaders::new(vec![p], InputConfig::default());
        let mut got = Vec::new();
        while let Some(x) = readers.next_located() {
            got.push(x);
        }
        let ids: Vec<&str> = got.iter().map(|(r, _)| r.doc.as_ref().unwrap().id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(got[1].0.raw, Raw::Json(b"{\"id\":\"b\",\"text\":\"y\"}".to_vec()));
        assert_eq!(got[2].0.doc.as_ref().unwrap().origin.line, 4, "a line of only a mark is blank");
        // Read again from its offset (the mark's), the record is the same.
        let again = readers.read_at(got[1].1.unwrap());
        assert_eq!((again.doc, again.raw), (got[1].0.doc.clone(), got[1].0.raw.clone()));
    }

    #[test]
    fn csv_delimiters_are_sniffed_from_the_header() {
        assert_eq!(csv_delimiter(b"id,text,source\na;b;c;d;e\n"), b',');
        assert_eq!(csv_delimiter(b"\xef\xbb\xbfid;text;source\n"), b';');
        assert_eq!(csv_delimiter(b"id\ttext\n"), b'\t');
        // Delimiters inside a quoted header name do not count; a tie or none is a comma.
        assert_eq!(csv_delimiter(b"\"id,no,yes\";text\n"), b';');
        assert_eq!(csv_delimiter(b"id;text,source\n"), b',');
        assert_eq!(csv_delimiter(b"text"), b',');
        assert_eq!(csv_delimiter(b""), b',');
    }

    #[test]
    fn semicolon_and_tab_files_are_read_and_read_again() {
        let d = tempfile::tempdir().unwrap();
        for (name, content) in [
            ("s.csv", &b"id;text;source\na;\"hello; world\";s1\nb;bye, now;s2\n"[..]),
            ("t.tsv", &b"id\ttext\tsource\na\thello; world\ts1\nb\tbye, now\ts2\n"[..]),
        ] {
            let p = d.path().join(name);
            std::fs::write(&p, content).unwrap();
            let mut readers = RecordReaders::new(vec![p], InputConfig::default());
            let mut got = Vec::new();
            while let Some(x) = readers.next_located() {
                got.push(x);
            }
            let docs: Vec<(&str, &str, &str)> = got
                .iter()
                .map(|(r, _)| {
                    let d = r.doc.as_ref().unwrap();
                    (d.id.as_str(), d.text.as_str(), d.source.as_str())
                })
                .collect();
            assert_eq!(docs, [("a", "hello; world", "s1"), ("b", "bye, now", "s2")], "{name}");
            let again = readers.read_at(got[1].1.unwrap());
            assert_eq!((again.doc, again.raw), (got[1].0.doc.clone(), got[1].0.raw.clone()), "{name}");
        }
    }

    #[test]
    fn csv_ragged_rows_are_errors_and_reading_continues() {
        let recs = read("feed.csv", b"id,text,source\na,hello world,s1\nb,only two\nc,\"multi\nline\",s2\n");
        assert_eq!(recs.len(), 3);
        assert!(recs[0].doc.is_ok());
        let e = recs[1].doc.as_ref().unwrap_err();
        assert_eq!(e.origin.line, 3);
        assert!(e.msg.contains("ragged row"));
        let c = recs[2].doc.as_ref().unwrap();
        assert_eq!((c.text.as_str(), c.source.as_str()), ("multi\nline", "s2"));
    }

    #[test]
    fn text_files_empty_binary_lossy() {
        assert!(read("e.txt", b"  \n").first().unwrap().doc.as_ref().unwrap_err().msg.contains("empty"));
        assert!(read("b.txt", b"ab\0cd").first().unwrap().doc.as_ref().unwrap_err().msg.contains("binary"));
        let r = read("l.txt", b"caf\xe9 ok");
        let d = r[0].doc.as_ref().unwrap();
        assert_eq!((d.text.as_str(), &d.warnings[..]), ("café ok", &[CP1252_WARNING.to_string()][..]));
        assert_eq!(d.origin.line, 0);
        let r = read("m.txt", "café \u{2019}".bytes().chain([0xff]).collect::<Vec<u8>>().as_slice());
        let d = r[0].doc.as_ref().unwrap();
        assert_eq!(
            (d.text.as_str(), &d.warnings[..]),
            ("café \u{2019}\u{fffd}", &[LOSSY_WARNING.to_string()][..])
        );
    }

    #[test]
    fn utf16_files_are_read_as_their_utf8_twins() {
        let utf16 = |s: &str| -> Vec<u8> {
            let mut b = crate::input::encoding::UTF16_LE_BOM.to_vec();
            b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
            b
        };
        let r = read("u.txt", &utf16("Don’t panic.\nThe call lasted 50 minutes."));
        let d = r[0].doc.as_ref().unwrap();
        assert_eq!(d.text, "Don’t panic.\nThe call lasted 50 minutes.");
        assert!(d.warnings.is_empty());
        let e = read("w.txt", &utf16(" \n "));
        assert!(e[0].doc.as_ref().unwrap_err().msg.contains("empty"));
        // Record files are read as their UTF-8 twins, line by line, and not by offset.
        let jsonl = "{\"id\":\"a\",\"text\":\"Zürich’s café.\"}\n\n{\"id\":\"b\",\"text\":\"y 😀\"}\n";
        let csv_text = "id,text\r\na,\"Zürich’s \"\"café\"\".\"\r\nb,y 😀\r\n";
        for (name, text) in [("f.jsonl", jsonl), ("f.csv", csv_text), ("f.tsv", &csv_text.replace(',', "\t"))]
        {
            let d = tempfile::tempdir().unwrap();
            let p = d.path().join(name);
            std::fs::write(&p, utf16(text)).unwrap();
            let plain = d.path().join(format!("plain-{name}"));
            std::fs::write(&plain, text).unwrap();
            let docs = |p: &Path| -> Vec<(String, String, u64, bool)> {
                let mut r = RecordReader::new(p, Arc::new(InputConfig::default()));
                std::iter::from_fn(|| {
                    let rec = r.next()?;
                    let at = r.last_offset().is_some();
                    let d = rec.doc.unwrap();
                    Some((d.id, d.text, d.origin.line, at))
                })
                .collect()
            };
            let got = docs(&p);
            let plain_docs = docs(&plain);
            // The plain file's records can be read again by offset; the UTF-16 one's cannot.
            assert!(plain_docs.iter().all(|d| d.3), "{name}");
            let want: Vec<_> = plain_docs.into_iter().map(|(i, t, l, _)| (i, t, l, false)).collect();
            assert_eq!(got, want, "{name}");
            assert_eq!(got.len(), 2, "{name}");
        }
    }

    #[test]
    fn windows_1252_records() {
        let recs = read("f.jsonl", b"{\"id\":\"a\",\"text\":\"It\x92s \x93here\x94\"}\n");
        let d = recs[0].doc.as_ref().unwrap();
        assert_eq!((d.text.as_str(), &d.warnings[..]), ("It’s “here”", &[CP1252_WARNING.to_string()][..]));
        let recs = read("f.csv", b"id,text\na,It\x92s here\n");
        let d = recs[0].doc.as_ref().unwrap();
        assert_eq!((d.text.as_str(), &d.warnings[..]), ("It’s here", &[CP1252_WARNING.to_string()][..]));
    }

    #[test]
    fn an_empty_input_is_one_error_row_whatever_its_format() {
        let cases: [(&str, &[u8]); 7] = [
            ("e.txt", b""),
            ("e.html", b" \n"),
            ("e.csv", b""),
            ("e.jsonl", b""),
            ("blank.jsonl", b"\n  \r\n\t\n"),
            ("bom.jsonl", b"\xef\xbb\xbf\n"),
            ("e.ndjson", b""),
        ];
        for (name, content) in cases {
            let recs = read(name, content);
            assert_eq!(recs.len(), 1, "{name}");
            let e = recs[0].doc.as_ref().unwrap_err();
            assert_eq!(e.msg, "empty file", "{name}");
            assert_eq!(e.origin.line, 0, "{name}");
            assert!(e.id.as_deref().is_some_and(|id| id.ends_with(name)), "{name}: {:?}", e.id);
        }
        // Records, or a header with no rows, are not empty.
        assert!(read("h.csv", b"id,text\n").is_empty());
        assert_eq!(read("one.jsonl", b"\n{\"text\":\"x\"}\n").len(), 1);
    }

    #[test]
    fn unreadable_path_is_one_error_record() {
        let recs: Vec<_> =
            RecordReader::new(Path::new("/nonexistent/x.txt"), Arc::new(InputConfig::default())).collect();
        assert_eq!(recs.len(), 1);
        assert!(recs[0].doc.as_ref().unwrap_err().msg.contains("cannot read"));
    }
}
