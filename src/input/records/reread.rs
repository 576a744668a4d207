//! The file a reader opens to read records again by offset (planned batches read each record
//! twice). Records are asked for mostly in file order, so a record that starts in the bytes
//! already buffered is read from them: seeking a `BufReader` always drops its buffer, which cost
//! a 64 KiB read for every record, a hundred times the bytes of a short one.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Bytes read from the file at a time.
const CAPACITY: usize = 1 << 16;

/// A file that knows its position without asking the system.
pub(super) struct Tracked {
    file: File,
    /// The offset the next read starts at.
    pos: u64,
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Tracked {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        // On failure the position is unknown: ask again.
        match self.file.seek(to) {
            Ok(p) => {
                self.pos = p;
                Ok(p)
            }
            Err(e) => {
                self.pos = self.file.stream_position()?;
                Err(e)
            }
        }
    }
}

/// A buffered file read again at given offsets.
pub(super) struct Reread {
    reader: BufReader<Tracked>,
}

impl Reread {
    /// Opens `path`.
    pub(super) fn open(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        Ok(Reread { reader: BufReader::with_capacity(CAPACITY, Tracked { file, pos: 0 }) })
    }

    /// The reader, placed at `offset`: within the buffer when the offset is buffered (read
    /// already, or next), else by a seek that refills it.
    pub(super) fn at(&mut self, offset: u64) -> io::Result<&mut BufReader<Tracked>> {
        let r = &mut self.reader;
        // Where the next byte returned comes from: the file's position less what is buffered.
        let here = r.get_ref().pos.saturating_sub(r.buffer().len() as u64);
        match i64::try_from(offset as i128 - here as i128) {
            Ok(delta) => r.seek_relative(delta)?,
            Err(_) => {
                r.seek(SeekFrom::Start(offset))?;
            }
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, Write};

    /// The bytes from `offset` through the next newline.
    fn line_at(r: &mut Reread, offset: u64) -> Vec<u8> {
        let mut out = Vec::new();
        r.at(offset).unwrap().read_until(b'\n', &mut out).unwrap();
        out
    }

    #[test]
    fn any_offset_in_any_order_reads_the_bytes_there() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let mut starts = Vec::new();
        let mut lines = Vec::new();
        let mut at = 0u64;
        for i in 0..6000 {
            // Lines of varied length, some longer than the buffer.
            let len = if i % 997 == 0 { CAPACITY * 2 + 13 } else { 5 + (i * 37) % 300 };
            let line = format!("{i}:{}\n", "x".repeat(len));
            starts.push(at);
            at += line.len() as u64;
            lines.push(line.into_bytes());
            f.write_all(lines.last().unwrap()).unwrap();
        }
        f.flush().unwrap();
        let mut r = Reread::open(f.path()).unwrap();
        // In order, backwards, jumping, repeated, and in order again.
        let order: Vec<usize> = (0..6000)
            .chain((0..6000).rev())
            .chain((0..6000).map(|i| (i * 4391) % 6000))
            .chain([7, 7, 7, 5999, 0, 0])
            .chain(0..6000)
            .collect();
        for i in order {
            assert_eq!(line_at(&mut r, starts[i]), lines[i], "line {i}");
        }
        // Past the end: nothing to read, not an error; an absurd offset is an error or empty.
        assert!(line_at(&mut r, at).is_empty());
        assert!(r.at(u64::MAX).is_err() || line_at(&mut r, u64::MAX).is_empty());
        assert_eq!(line_at(&mut r, starts[3]), lines[3]);
    }

    #[test]
    fn records_read_in_order_cost_one_read_per_buffer_not_per_record() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let mut starts = Vec::new();
        let mut at = 0u64;
        for i in 0..20_000 {
            let line = format!("{{\"id\":\"r{i}\",\"text\":\"short\"}}\n");
            starts.push(at);
            at += line.len() as u64;
            f.write_all(line.as_bytes()).unwrap();
        }
        f.flush().unwrap();
        let mut r = Reread::open(f.path()).unwrap();
        let mut read = 0u64;
        for &s in &starts {
            let before = r.reader.get_ref().pos;
            line_at(&mut r, s);
            read += r.reader.get_ref().pos.saturating_sub(before);
        }
        // Every byte read from the file once (the old way read 64 KiB per record).
        assert_eq!(read, at);
    }
}
