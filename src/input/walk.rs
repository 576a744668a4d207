//! Expanding command-line paths into input files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::InputFormat;
use crate::error::{Error, Result};

/// A file found under a directory and skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub why: Skip,
}

/// Why a file found under a directory was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Its extension is not one of a document or a record file.
    NotADocument,
    /// It is not a regular file: a named pipe (opening one waits for a writer, maybe forever),
    /// a socket or a device (or a symbolic link to one). Given by name, one is read.
    NotAFile,
    /// It is a file already among the inputs, reached again through a symbolic link (a
    /// `current -> 2024-05` link beside `2024-05`): read once.
    SameFile,
}

/// The format a file is read as, from its extension (after `.gz`'s: a gzip-compressed file is
/// read decompressed); `None` when it is not an input.
pub fn format_of(path: &Path) -> Option<InputFormat> {
    let mut ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if ext == "gz" {
        // `feed.jsonl.gz`: the format is the extension before the compression's.
        ext = Path::new(path.file_stem()?).extension()?.to_str()?.to_ascii_lowercase();
    }
    match ext.as_str() {
        "txt" | "md" | "text" => Some(InputFormat::Text),
        "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
        "csv" | "tsv" => Some(InputFormat::Csv),
        "html" | "htm" | "xhtml" => Some(InputFormat::Html),
        "warc" | "wet" => Some(InputFormat::Warc),
        _ => None,
    }
}

/// Expands paths: files are kept as given (whatever their extension or kind, they were asked
/// for), directories are walked recursively in sorted order keeping regular files with a known
/// extension, each file once: one a walk reaches again through a symbolic link (as an earlier
/// input, resolved) is skipped, and so are named pipes, sockets and devices. Returns the inputs
/// and the skipped files. `-` stands for standard input.
pub fn expand_paths(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<SkippedFile>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for p in paths {
        if p.as_os_str() == "-" {
            files.push(p.clone());
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
        if meta.is_dir() {
            let entries = read_sorted(p).map_err(|e| Error::io(p, e))?;
            let mut found = Vec::new();
            walk(p, entries, &mut Vec::new(), &mut found, &mut skipped);
            for f in found {
                let again = std::fs::canonicalize(&f).is_ok_and(|c| !seen.insert(c));
                if again {
                    skipped.push(SkippedFile { path: f, why: Skip::SameFile });
                } else {
                    files.push(f);
                }
            }
        } else {
            if let Ok(c) = std::fs::canonicalize(p) {
                seen.insert(c);
            }
            files.push(p.clone());
        }
    }
    Ok((files, skipped))
}

/// The entries of `dir`, sorted.
fn read_sorted(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    Ok(entries)
}

/// Walks the `entries` of `dir`. `above`: the directories being walked around it (resolved), so
/// that a symbolic link back to one of them is not followed (it would list the same files
/// again, up to the system's limit on links in a path, and two such links in one directory
/// doubled the walk at every level). A subdirectory that cannot be listed is kept as an input
/// so that reading it reports the error, as an unreadable file is.
fn walk(
    dir: &Path,
    entries: Vec<PathBuf>,
    above: &mut Vec<PathBuf>,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<SkippedFile>,
) {
    let here = std::fs::canonicalize(dir).ok();
    if let Some(h) = &here {
        above.push(h.clone());
    }
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                if std::fs::canonicalize(&path).is_ok_and(|c| above.contains(&c)) {
                    continue;
                }
                match read_sorted(&path) {
                    Ok(inner) => walk(&path, inner, above, files, skipped),
                    Err(_) => files.push(path),
                }
            }
            // Never opened: a named pipe would wait for a writer.
            Ok(m) if !m.is_file() => skipped.push(SkippedFile { path, why: Skip::NotAFile }),
            Ok(_) if format_of(&path).is_some() => files.push(path),
            // Unreadable entries are kept so that reading them reports the error.
            Err(_) => files.push(path),
            Ok(_) => skipped.push(SkippedFile { path, why: Skip::NotADocument }),
        }
    }
    if here.is_some() {
        above.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_and_skips_unknown() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("b.txt"), "x").unwrap();
        std::fs::write(d.path().join("a.md"), "x").unwrap();
        std::fs::write(d.path().join("sub/c.jsonl"), "").unwrap();
        std::fs::write(d.path().join("img.png"), "x").unwrap();
        std::fs::write(d.path().join(".hidden.txt"), "x").unwrap();
        let (files, skipped) = expand_paths(&[d.path().to_path_buf()]).unwrap();
        let names: Vec<_> = files.iter().map(|p| p.strip_prefix(d.path()).unwrap().to_owned()).collect();
        assert_eq!(names, [PathBuf::from("a.md"), "b.txt".into(), "sub/c.jsonl".into()]);
        assert_eq!(skipped.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_again_through_a_directory_link_is_read_once() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("2024-05")).unwrap();
        std::fs::write(d.path().join("2024-05/a.jsonl"), "{}").unwrap();
        std::fs::write(d.path().join("notes.bin"), "x").unwrap();
        std::os::unix::fs::symlink("2024-05", d.path().join("current")).unwrap();
        let (files, skipped) = expand_paths(&[d.path().to_path_buf()]).unwrap();
        assert_eq!(files, [d.path().join("2024-05/a.jsonl")]);
        let why: Vec<(PathBuf, Skip)> = skipped.into_iter().map(|s| (s.path, s.why)).collect();
        assert!(why.contains(&(d.path().join("current/a.jsonl"), Skip::SameFile)), "{why:?}");
        assert!(why.contains(&(d.path().join("notes.bin"), Skip::NotADocument)), "{why:?}");
        // A file given by name stays as given, and a walk does not read it again.
        let given = d.path().join("2024-05/a.jsonl");
        let (files, _) = expand_paths(&[given.clone(), d.path().to_path_buf(), given.clone()]).unwrap();
        assert_eq!(files, [given.clone(), given]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_directories_that_loop_are_walked_once() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("a.txt"), "x").unwrap();
        std::fs::write(d.path().join("sub/b.txt"), "x").unwrap();
        std::os::unix::fs::symlink("..", d.path().join("sub/up")).unwrap();
        std::os::unix::fs::symlink(".", d.path().join("sub/here")).unwrap();
        let (files, _) = expand_paths(&[d.path().to_path_buf()]).unwrap();
        let names: Vec<_> = files.iter().map(|p| p.strip_prefix(d.path()).unwrap().to_owned()).collect();
        assert_eq!(names, [PathBuf::from("a.txt"), "sub/b.txt".into()]);
    }

    #[cfg(unix)]
    #[test]
    fn pipes_sockets_and_devices_in_a_directory_are_skipped_not_inputs() {
        // Opening a named pipe waits for a writer: a walk that kept one never finished.
        use std::ffi::CString;
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.txt"), "x").unwrap();
        for name in ["feed.jsonl", "pipe"] {
            let c = CString::new(d.path().join(name).to_str().unwrap()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        }
        let _socket = std::os::unix::net::UnixListener::bind(d.path().join("socket.txt")).unwrap();
        std::os::unix::fs::symlink("/dev/null", d.path().join("null.txt")).unwrap();
        let (files, skipped) = expand_paths(&[d.path().to_path_buf()]).unwrap();
        assert_eq!(files, [d.path().join("a.txt")]);
        let mut why: Vec<(PathBuf, Skip)> = skipped.into_iter().map(|s| (s.path, s.why)).collect();
        why.sort_by(|a, b| a.0.cmp(&b.0));
        let names = ["feed.jsonl", "null.txt", "pipe", "socket.txt"];
        assert_eq!(why, names.map(|n| (d.path().join(n), Skip::NotAFile)));
        // Given by name, a pipe is an input (`<(command)`, a FIFO a writer is waiting on).
        let fifo = d.path().join("feed.jsonl");
        assert_eq!(expand_paths(std::slice::from_ref(&fifo)).unwrap().0, [fifo]);
    }

    #[test]
    fn missing_path_is_an_error() {
        assert!(expand_paths(&[PathBuf::from("/nonexistent/xyz")]).is_err());
    }
}
