//! Reading documents: text files and directories, JSONL and CSV records, standard input.
//!
//! Every input unit becomes a [`Record`]: a document, or an error naming the file and line, so a
//! run never loses a record silently. Record formats also keep the raw record so `filter` can
//! write it back unchanged.

mod char_refs;
mod encoding;
mod escapes;
pub mod html;
mod invisible;
mod json_record;
mod labels;
mod ligatures;
mod line_breaks;
mod markdown;
mod mojibake;
mod records;
mod tags;
mod unwrap;
mod walk;

pub use encoding::{CP1252_WARNING, Decoding, LOSSY_WARNING};
pub use html::extract_main_text;
pub use json_record::cut_at;
pub use labels::read_labels;
pub use records::{
    BOM, Locator, MAX_RECORD_BYTES, RecordReader, RecordReaders, csv_column, csv_delimiter, csv_delimiter_of,
    open_decoded, readable_twice,
};
pub(crate) use records::{csv_reader, is_json_lines};
pub use walk::{Skip, SkippedFile, expand_paths, format_of};

use crate::document::{Document, Origin};

/// The format of an input, chosen by extension or by `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Decide by file extension (`.jsonl`/`.ndjson`/`.json` JSONL, `.csv`/`.tsv` CSV, `.html`/`.htm`
    /// HTML, `.warc`/`.wet` web archive, `.txt`/`.md` text); standard input is sniffed (`{` or `[`
    /// first means JSON, `WARC/` a web archive).
    #[default]
    Auto,
    /// One document per file.
    Text,
    /// One JSON object per line; also a JSON array of objects, or indented objects one after
    /// another (told apart by the first bytes).
    Jsonl,
    /// CSV with a header row; comma, semicolon or tab delimited (sniffed from the header).
    Csv,
    /// One HTML page per file; the main content is extracted.
    Html,
    /// A web archive (WARC, or Common Crawl's WET): its pages, one document each.
    Warc,
}

/// Field names of record formats, and other reading settings.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// Forced format, or `Auto`.
    pub format: InputFormat,
    /// Field holding the record id (default `id`); missing ids become `FILE:LINE`.
    pub id_field: String,
    /// Field holding the text (default `text`).
    pub text_field: String,
    /// Field holding an HTML page to extract text from, used when the text field is absent
    /// (default `html`).
    pub html_field: String,
    /// Field naming the source (default `source`).
    pub source_field: String,
    /// Field holding the URL whose host is the source when there is no source field (default `url`).
    pub url_field: String,
    /// Largest record read (a JSONL line, a CSV row, a web archive record or its decoded page,
    /// a whole file; default [`MAX_RECORD_BYTES`]); a longer one becomes an error row.
    pub max_record_bytes: usize,
    /// Longest text kept of a record (default [`crate::pipeline::MAX_DOC_BYTES`], what is scored);
    /// longer text is cut at a character boundary, with the document's warning. A JSONL record's
    /// text is cut while it is parsed, so a huge record never exists whole as a string.
    pub max_text_bytes: usize,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            format: InputFormat::Auto,
            id_field: "id".into(),
            text_field: "text".into(),
            html_field: "html".into(),
            source_field: "source".into(),
            url_field: "url".into(),
            max_record_bytes: MAX_RECORD_BYTES,
            max_text_bytes: crate::pipeline::MAX_DOC_BYTES,
        }
    }
}

/// The raw form of a record, for writing it back unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw {
    /// A JSONL line, without its line terminator.
    Json(Vec<u8>),
    /// A CSV record's fields.
    Csv(csv::ByteRecord),
    /// A whole file (text or HTML); nothing to write back.
    File,
}

/// A record that could not become a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Where it is.
    pub origin: Origin,
    /// Its id, when one could be read.
    pub id: Option<String>,
    /// Its source, when one could be read.
    pub source: Option<String>,
    /// What is wrong.
    pub msg: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.msg)
    }
}

/// One input unit: a document or an error, plus its raw form.
#[derive(Debug, Clone)]
pub struct Record {
    /// The document, or why there is none.
    pub doc: Result<Document, RecordError>,
    /// The raw record.
    pub raw: Raw,
}

/// The host of a URL (`https://www.example.com/a` -> `www.example.com`), if it has one.
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.trim().split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(url_host("https://www.example.com/a/b?c"), Some("www.example.com"));
        assert_eq!(url_host("http://user@host.org:8080"), Some("host.org"));
        assert_eq!(url_host("example.com/page"), None);
        assert_eq!(url_host("https://"), None);
    }
}
