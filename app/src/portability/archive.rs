//! The archive's container: a ZIP of JSON documents and stored files with `manifest.json`, written
//! last, listing every other entry's SHA-256 and size. Reading checks the whole archive before
//! anything uses it: a truncated file has no ZIP directory, a damaged entry fails its CRC or its
//! checksum, an entry the manifest does not list (or one it lists but is not there) is refused.
use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufReader, BufWriter, Read, Seek, Write},
    path::Path,
};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zip::{write::SimpleFileOptions, CompressionMethod, ZipArchive, ZipWriter};

/// What the manifest's `format` says, so a stray ZIP is told apart from an archive.
pub const FORMAT: &str = "supervision-portal/agency-archive";
/// The container's own version (the schema's is [`Manifest::schema`]).
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The last database migration of the portal that wrote it.
    pub schema: String,
    pub agency_id: Uuid,
    pub agency_name: String,
    pub exported_at: String,
    /// Rows per table, in import order.
    pub tables: Vec<(String, usize)>,
    /// Stored files the agency's records name but the store no longer had.
    pub missing_files: Vec<String>,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// Why an archive cannot be read; each names what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot read {0}")]
    Io(String),
    #[error("the archive is damaged or truncated: {0}")]
    Damaged(String),
    #[error("not an agency archive: {0}")]
    Foreign(String),
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes an archive entry by entry; [`finish`](Self::finish) adds the manifest.
pub struct Writer {
    zip: ZipWriter<BufWriter<File>>,
    entries: Vec<Entry>,
}

impl Writer {
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let file = File::create(path)?;
        Ok(Writer { zip: ZipWriter::new(BufWriter::new(file)), entries: Vec::new() })
    }

    fn io(e: impl std::fmt::Display) -> std::io::Error {
        std::io::Error::other(e.to_string())
    }

    /// A JSON document, compressed.
    pub fn json(&mut self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(true);
        self.zip.start_file(path, opts).map_err(Self::io)?;
        self.zip.write_all(bytes)?;
        self.entries.push(Entry { path: path.to_string(), sha256: sha(bytes), size: bytes.len() as u64 });
        Ok(())
    }

    /// A stored file, copied as it is (documents and dumps are mostly compressed already).
    pub fn file(&mut self, path: &str, from: &Path) -> std::io::Result<()> {
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).large_file(true);
        self.zip.start_file(path, opts).map_err(Self::io)?;
        let mut src = BufReader::new(File::open(from)?);
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = src.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            self.zip.write_all(&buf[..n])?;
            size += n as u64;
        }
        self.entries.push(Entry { path: path.to_string(), sha256: hex::encode(hasher.finalize()), size });
        Ok(())
    }

    /// Writes the manifest (with every entry written so far) and closes the archive.
    pub fn finish(mut self, mut manifest: Manifest) -> std::io::Result<Manifest> {
        manifest.entries = std::mem::take(&mut self.entries);
        let bytes = serde_json::to_vec_pretty(&manifest).map_err(Self::io)?;
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        self.zip.start_file(MANIFEST, opts).map_err(Self::io)?;
        self.zip.write_all(&bytes)?;
        let mut out = self.zip.finish().map_err(Self::io)?;
        out.flush()?;
        out.get_ref().sync_all()?;
        Ok(manifest)
    }
}

/// An archive whose every entry matched its manifest when it was opened.
pub struct Checked<R: Read + Seek> {
    zip: ZipArchive<R>,
    pub manifest: Manifest,
}

/// Opens `path` and checks it whole: the container, the manifest, and every entry's checksum.
pub fn open(path: &Path) -> Result<Checked<BufReader<File>>, ArchiveError> {
    let file = File::open(path).map_err(|e| ArchiveError::Io(format!("{}: {e}", path.display())))?;
    check(BufReader::new(file))
}

pub fn check<R: Read + Seek>(reader: R) -> Result<Checked<R>, ArchiveError> {
    let mut zip = ZipArchive::new(reader).map_err(|e| ArchiveError::Damaged(format!("not a readable ZIP ({e})")))?;
    let manifest: Manifest = {
        let mut m = zip
            .by_name(MANIFEST)
            .map_err(|_| ArchiveError::Foreign(format!("it has no {MANIFEST}")))?;
        let mut bytes = Vec::new();
        m.read_to_end(&mut bytes).map_err(|e| ArchiveError::Damaged(format!("{MANIFEST}: {e}")))?;
        serde_json::from_slice(&bytes).map_err(|e| ArchiveError::Foreign(format!("{MANIFEST} cannot be read: {e}")))?
    };
    if manifest.format != FORMAT {
        return Err(ArchiveError::Foreign(format!("its format is {:?}, not {FORMAT:?}", manifest.format)));
    }
    if manifest.format_version > FORMAT_VERSION {
        return Err(ArchiveError::Foreign(format!(
            "its container version {} is newer than this portal's ({FORMAT_VERSION})",
            manifest.format_version
        )));
    }
    let listed: BTreeMap<&str, &Entry> = manifest.entries.iter().map(|e| (e.path.as_str(), e)).collect();
    for i in 0..zip.len() {
        let name = zip.by_index(i).map_err(|e| ArchiveError::Damaged(e.to_string()))?.name().map(|n| n.to_string());
        let name = name.map_err(|e| ArchiveError::Damaged(e.to_string()))?;
        if name != MANIFEST && !listed.contains_key(name.as_str()) {
            return Err(ArchiveError::Damaged(format!("{name} is in the archive but not in its manifest")));
        }
    }
    for entry in &manifest.entries {
        let mut f = zip
            .by_name(&entry.path)
            .map_err(|_| ArchiveError::Damaged(format!("{} is in the manifest but not in the archive", entry.path)))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(|e| ArchiveError::Damaged(format!("{}: {e}", entry.path)))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
        }
        let got = hex::encode(hasher.finalize());
        if got != entry.sha256 || size != entry.size {
            return Err(ArchiveError::Damaged(format!(
                "{}: its SHA-256 is {got} ({size} bytes) where the manifest says {} ({} bytes)",
                entry.path, entry.sha256, entry.size
            )));
        }
    }
    Ok(Checked { zip, manifest })
}

impl<R: Read + Seek> Checked<R> {
    /// An entry's bytes, checked again against the manifest as they are read.
    pub fn read(&mut self, path: &str) -> Result<Vec<u8>, ArchiveError> {
        let entry = self
            .manifest
            .entries
            .iter()
            .find(|e| e.path == path)
            .ok_or_else(|| ArchiveError::Damaged(format!("{path} is not in the manifest")))?;
        let mut f = self.zip.by_name(path).map_err(|e| ArchiveError::Damaged(format!("{path}: {e}")))?;
        let mut bytes = Vec::with_capacity(entry.size.min(1 << 30) as usize);
        f.read_to_end(&mut bytes).map_err(|e| ArchiveError::Damaged(format!("{path}: {e}")))?;
        if sha(&bytes) != entry.sha256 {
            return Err(ArchiveError::Damaged(format!("{path} changed while it was read")));
        }
        Ok(bytes)
    }

    pub fn has(&self, path: &str) -> bool {
        self.manifest.entries.iter().any(|e| e.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            schema: "m1".into(),
            agency_id: Uuid::nil(),
            agency_name: "A".into(),
            exported_at: "2026-12-07T00:00:00Z".into(),
            tables: vec![],
            missing_files: vec![],
            entries: vec![],
        }
    }

    fn written(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("a.zip");
        let mut w = Writer::create(&path).unwrap();
        w.json("data/t.json", b"[{\"a\":1}]").unwrap();
        std::fs::write(dir.join("f"), b"file bytes").unwrap();
        w.file("files/x", &dir.join("f")).unwrap();
        w.finish(manifest()).unwrap();
        path
    }

    fn tmp() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("archive-test-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn an_archive_reads_back_what_was_written() {
        let d = tmp();
        let mut c = open(&written(&d)).unwrap();
        assert_eq!(c.manifest.entries.len(), 2);
        assert_eq!(c.read("files/x").unwrap(), b"file bytes");
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_truncated_archive_is_refused() {
        let d = tmp();
        let path = written(&d);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(matches!(open(&path), Err(ArchiveError::Damaged(_))));
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_changed_byte_is_found() {
        let d = tmp();
        let path = written(&d);
        let mut bytes = std::fs::read(&path).unwrap();
        // The stored file's bytes are kept as they are: change one of them.
        let at = bytes.windows(10).position(|w| w == b"file bytes").unwrap();
        bytes[at] = b'F';
        std::fs::write(&path, &bytes).unwrap();
        let err = open(&path).err().expect("refused");
        assert!(matches!(err, ArchiveError::Damaged(_)), "{err}");
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_zip_that_is_not_an_archive_is_refused() {
        let d = tmp();
        let path = d.join("other.zip");
        let mut z = ZipWriter::new(File::create(&path).unwrap());
        z.start_file("readme.txt", SimpleFileOptions::default()).unwrap();
        z.write_all(b"hello").unwrap();
        z.finish().unwrap();
        assert!(matches!(open(&path), Err(ArchiveError::Foreign(_))));
        std::fs::remove_dir_all(d).unwrap();
    }
}
