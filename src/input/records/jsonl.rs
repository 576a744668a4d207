//! JSON Lines input: one record a line, read with a cap on its length (a longer line is an
//! error row and reading goes on), parsed into a document or an error row naming the line.

use super::*;
use crate::input::encoding::decode_ref;

/// Lines of a file longer than this are measured before they are read on, so that their buffer
/// is allocated once at its size: grown by doubling, a 60 MB line held its old and new buffers
/// (96 MB) at the last step.
const MEASURE_LINES_FROM: usize = 1 << 20;

/// Bytes from offset `from` of the file at `path` through the next `\n` (or to the end of the
/// file); `None` when it cannot be read.
fn line_rest(path: &Path, from: u64) -> Option<u64> {
    let mut f = File::open(path).ok()?;
    f.seek(std::io::SeekFrom::Start(from)).ok()?;
    let mut chunk = vec![0u8; 1 << 18];
    let mut n = 0u64;
    loop {
        let k = match f.read(&mut chunk) {
            Ok(0) => return Some(n),
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if let Some(i) = memchr::memchr(b'\n', &chunk[..k]) {
            return Some(n + i as u64 + 1);
        }
        n += k as u64;
    }
}

/// `r`'s buffered bytes, filled when empty (empty at the end of the input); an interrupted read
/// is tried again.
pub(super) fn fill(r: &mut dyn BufRead) -> std::io::Result<&[u8]> {
    loop {
        match r.fill_buf() {
            // At the end: not asked again (a terminal would wait for a second end of input).
            Ok([]) => return Ok(&[]),
            // Bytes are buffered: asking again returns them without reading.
            Ok(_) => return r.fill_buf(),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Reads one line (through `\n`) into `buf`, keeping at most `cap` bytes of it; the rest of an
/// overlong line is consumed and dropped. Returns the bytes consumed and whether it was cut.
/// `file`: the file `reader` reads and the offset where the line starts, when it can be read
/// on its own too: a line longer than [`MEASURE_LINES_FROM`] is then measured there first and
/// `buf` reserved at its size (what is read is the same either way).
pub(super) fn read_line_capped(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
    mut file: Option<(&Path, u64)>,
) -> std::io::Result<(usize, bool)> {
    let (mut consumed, mut cut) = (0, false);
    loop {
        let available = fill(reader)?;
        if available.is_empty() {
            return Ok((consumed, cut));
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let room = cap.saturating_sub(buf.len());
        if take > room {
            cut = true;
        }
        if !done && buf.len() + take > MEASURE_LINES_FROM {
            if let Some(rest) = file.take().and_then(|(path, start)| line_rest(path, start + consumed as u64))
            {
                // The line's kept length, never more than the cap whatever the file now says.
                let whole = usize::try_from(consumed as u64 + rest).unwrap_or(usize::MAX).min(cap);
                buf.reserve_exact(whole.saturating_sub(buf.len()));
            }
        }
        buf.extend_from_slice(&available[..take.min(room)]);
        reader.consume(take);
        consumed += take;
        if done {
            return Ok((consumed, cut));
        }
    }
}

/// What one JSONL line gives.
enum Line {
    /// The end of the input.
    End,
    /// A blank line (skipped).
    Blank,
    /// A record (or an error row for it).
    Record(Record),
    /// The input cannot be read further.
    Failed(Record),
}

impl RecordReader {
    pub(super) fn next_jsonl(&mut self) -> Option<Record> {
        loop {
            let State::Jsonl { reader, line, buf, pos, .. } = &mut self.state else {
                return None;
            };
            buf.clear();
            *line += 1;
            let n = *line;
            let start = *pos;
            let file = (self.file != "-").then_some((self.path.as_path(), start));
            let read = read_line_capped(reader.as_mut(), buf, self.cfg.max_record_bytes, file);
            if let Ok((consumed, _)) = read {
                *pos += consumed as u64;
            }
            let mut buf = std::mem::take(buf);
            match self.line_record(n, read, &mut buf) {
                Line::End => {
                    let empty = matches!(self.state, State::Jsonl { any: false, .. });
                    self.state = State::Done;
                    return empty.then(|| self.empty_file());
                }
                Line::Failed(r) => {
                    self.state = State::Done;
                    self.last_at = None;
                    return Some(r);
                }
                Line::Blank => {
                    if let State::Jsonl { buf: b, .. } = &mut self.state {
                        *b = buf; // keep the buffer's capacity for the next line
                    }
                }
                Line::Record(r) => {
                    if let State::Jsonl { any, .. } = &mut self.state {
                        *any = true;
                    }
                    self.last_at = Some(start);
                    return Some(r);
                }
            }
        }
    }

    /// What one line read by [`read_line_capped`] into `buf` gives.
    fn line_record(&self, n: u64, read: std::io::Result<(usize, bool)>, buf: &mut Vec<u8>) -> Line {
        match read {
            Ok((0, _)) => return Line::End,
            Ok((_, false)) => {}
            Ok((_, true)) => {
                buf.clear();
                return Line::Record(self.overlong(n, None, None));
            }
            Err(e) => return Line::Failed(self.error(n, None, None, format!("cannot read: {e}"), Raw::File)),
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        // A byte order mark starts the input, not the first record (CSV and text drop it too);
        // one that starts a later line starts a file joined on (`cat a.jsonl b.jsonl`).
        if buf.starts_with(BOM) {
            buf.drain(..BOM.len());
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            return Line::Blank;
        }
        Line::Record(self.parse_json(n, std::mem::take(buf)))
    }

    /// [`RecordReader::record_at`] for a JSONL file: the line at `offset`, read again.
    pub(super) fn jsonl_record_at(&mut self, offset: u64, line: u64) -> Record {
        let cap = self.cfg.max_record_bytes;
        let path = self.path.clone();
        let mut buf = Vec::new();
        let read = match self.random_at(offset) {
            Ok(f) => read_line_capped(f, &mut buf, cap, Some((path.as_path(), offset))),
            Err(e) => Err(e),
        };
        match self.line_record(line, read, &mut buf) {
            Line::Record(r) | Line::Failed(r) => r,
            Line::End | Line::Blank => {
                self.error(line, None, None, "record not found (input changed?)", Raw::File)
            }
        }
    }

    pub(super) fn parse_json(&self, n: u64, raw_bytes: Vec<u8>) -> Record {
        let cfg = &self.cfg;
        let (line_text, decoding) = decode_ref(&raw_bytes);
        let parsed = json_record::parse(line_text.as_bytes(), &cfg.text_field, cfg.max_text_bytes);
        drop(line_text);
        let raw = Raw::Json(raw_bytes);
        let (obj, text_field) = match parsed {
            Ok(Parsed::Object(m, t)) => (m, t),
            Ok(Parsed::NotObject) => return self.error(n, None, None, "not a JSON object", raw),
            Err(e) => return self.error(n, None, None, format!("malformed JSON: {e}"), raw),
        };
        let get_str = |name: &str| -> Option<String> {
            match obj.get(name)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(x) => Some(x.to_string()),
                _ => None,
            }
        };
        let id = get_str(&cfg.id_field).unwrap_or_else(|| format!("{}:{}", self.file, n));
        let source = get_str(&cfg.source_field)
            .filter(|s| !s.is_empty())
            .or_else(|| get_str(&cfg.url_field).and_then(|u| url_host(&u).map(str::to_string)))
            .unwrap_or_else(|| self.parent.clone());
        let mut page_warnings = Vec::new();
        let (text, total) = match (text_field, obj.get(&cfg.html_field)) {
            (TextField::Text { text, total }, _) if crate::input::html::looks_like_page(&text) => {
                // A page is cut where it was read, before its text is extracted.
                page_warnings.extend((total > text.len()).then(|| cut_warning(text.len(), total)));
                let (text, warning) = page_text(text);
                page_warnings.push(warning);
                (text, 0)
            }
            (TextField::Text { text, total }, _) => (text, total),
            (TextField::NotString, _) => {
                return self.error(
                    n,
                    Some(id),
                    Some(source),
                    format!("field '{}' is not a string", cfg.text_field),
                    raw,
                );
            }
            (TextField::Missing, Some(Value::String(h))) => match crate::input::html::extract_main_text(h) {
                Ok(t) => (t, 0),
                Err(e) => return self.error(n, Some(id), Some(source), format!("HTML: {e}"), raw),
            },
            (TextField::Missing, _) => {
                // The string fields, longest first: the text is likely the longest.
                let mut strings: Vec<(&str, usize)> = obj
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.as_str(), s.len())))
                    .filter(|&(k, _)| k != cfg.id_field)
                    .collect();
                strings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                let msg = missing_text_msg(&cfg.text_field, strings.into_iter().map(|(k, _)| k));
                return self.error(n, Some(id), Some(source), msg, raw);
            }
        };
        let (text, cut) = as_read_cut(text, cfg.max_text_bytes, total);
        let mut doc = Document { id, source, text, origin: self.origin(n), warnings: Vec::new() };
        doc.warnings.extend(decoding.warning().map(str::to_string));
        doc.warnings.extend(page_warnings);
        doc.warnings.extend(cut);
        Record { doc: Ok(doc), raw }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines_keep_at_most_the_cap_and_consume_the_rest() {
        let mut r = std::io::BufReader::with_capacity(4, &b"abcdefghij\nxy\nlast"[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut r, &mut buf, 5, None).unwrap(), (11, true));
        assert_eq!(buf, b"abcde");
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 5, None).unwrap(), (3, false));
        assert_eq!(buf, b"xy\n");
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 5, None).unwrap(), (4, false));
        assert_eq!(buf, b"last");
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 5, None).unwrap(), (0, false));
    }

    #[test]
    fn long_lines_of_files_are_measured_and_read_into_a_buffer_of_their_size() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("long.jsonl");
        let long = 3 * MEASURE_LINES_FROM + 7;
        let mut content = b"short\n".to_vec();
        content.extend((0..long).map(|i| b'a' + (i % 26) as u8));
        content.extend_from_slice(b"\ntail");
        std::fs::write(&p, &content).unwrap();
        for cap in [usize::MAX, 2 * MEASURE_LINES_FROM] {
            let mut measured = std::io::BufReader::with_capacity(1 << 16, File::open(&p).unwrap());
            let mut plain = std::io::BufReader::with_capacity(1 << 16, &content[..]);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let mut at = 0u64;
            for _ in 0..3 {
                a.clear();
                b.clear();
                let got = read_line_capped(&mut measured, &mut a, cap, Some((p.as_path(), at))).unwrap();
                assert_eq!(got, read_line_capped(&mut plain, &mut b, cap, None).unwrap());
                assert_eq!(a, b);
                at += got.0 as u64;
            }
        }
        // One allocation of the line's size (doubling would leave 4 MiB of capacity).
        let mut r = std::io::BufReader::with_capacity(1 << 16, File::open(&p).unwrap());
        let mut buf = Vec::new();
        read_line_capped(&mut r, &mut buf, usize::MAX, Some((p.as_path(), 0))).unwrap();
        buf = Vec::new();
        let (n, cut) = read_line_capped(&mut r, &mut buf, usize::MAX, Some((p.as_path(), 6))).unwrap();
        assert_eq!((n, cut, buf.len()), (long + 1, false, long + 1));
        assert!(buf.capacity() < long + (1 << 16), "capacity {}", buf.capacity());
    }
}
