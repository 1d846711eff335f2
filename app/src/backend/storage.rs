//! The one storage interface for uploaded files: streamed to a temporary file while hashed, then
//! placed under their SHA-256 (content-addressed, so the same bytes are stored once).
use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
};

use sha2::{Digest, Sha256};
use tokio::{fs, sync::mpsc, task::JoinHandle};
use tokio_util::bytes::Bytes;

/// How many leading bytes are kept for content sniffing.
const HEAD_BYTES: usize = 8192;

/// A local directory of files named by their hash: `<root>/<aa>/<bb>/<sha256>`.
#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

/// Why bytes could not be taken in.
#[derive(Debug, thiserror::Error)]
pub enum IncomingError {
    #[error("larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("storage: {0}")]
    Io(#[from] std::io::Error),
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileStore { root: root.into() }
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Where the bytes with this hash live (the hash is checked to be hex, so it cannot walk the tree).
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        (sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| self.root.join(&sha256[0..2]).join(&sha256[2..4]).join(sha256))
    }

    /// Takes in bytes already in memory (demo data, a test's file) as an upload takes them.
    pub async fn receive(&self, bytes: &[u8]) -> Result<Received, IncomingError> {
        let mut incoming = self.begin(bytes.len() as u64).await?;
        incoming.write(Bytes::copy_from_slice(bytes)).await?;
        incoming.finish().await
    }

    /// Starts taking in one file of at most `limit` bytes.
    pub async fn begin(&self, limit: u64) -> Result<Incoming, IncomingError> {
        let dir = self.tmp_dir();
        fs::create_dir_all(&dir).await?;
        let path = dir.join(format!("{}.part", uuid::Uuid::new_v4()));
        let file = fs::File::create(&path).await?.into_std().await;
        // Three stages at once: this task takes chunks off the network, one thread hashes them,
        // another writes them. Chunks travel in batches of about a megabyte (shared, not copied),
        // so the threads are woken a few hundred times per 200 MB, not tens of thousands; the
        // queues are bounded, so a slow disk slows the sender instead of filling memory.
        let (write_tx, write_rx) = mpsc::channel::<Batch>(QUEUE);
        let (hash_tx, hash_rx) = mpsc::channel::<Batch>(QUEUE);
        Ok(Incoming {
            guard: TempGuard(Some(path)),
            stages: Some(Stages {
                write_tx,
                hash_tx,
                writer: tokio::task::spawn_blocking(move || write_batches(file, write_rx)),
                hasher: tokio::task::spawn_blocking(move || hash_batches(hash_rx)),
            }),
            batch: Vec::new(),
            batch_len: 0,
            size: 0,
            head: Vec::new(),
            limit,
        })
    }

    /// Moves a completely received file to its place; says whether this call created it there.
    pub async fn place(&self, mut received: Received) -> std::io::Result<Placed> {
        let Some(target) = self.path_of(&received.sha256) else {
            return Err(std::io::Error::other("not a sha-256"));
        };
        let tmp = received.guard.0.take().ok_or_else(|| std::io::Error::other("already placed"))?;
        // The same bytes are already stored: mark them as just used (the sweeper spares a file
        // touched within its grace period), then drop this copy. If the sweeper took them away
        // meanwhile, this copy takes their place.
        if touch(&target).await {
            fs::remove_file(&tmp).await?;
            return Ok(Placed { sha256: received.sha256, created: false });
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).await?;
        }
        fs::rename(&tmp, &target).await?;
        Ok(Placed { sha256: received.sha256, created: true })
    }

    /// Removes what nothing needs: stored files that no row references and that nobody placed
    /// or reused within `grace`, and partial uploads not written to within `grace` (a crash
    /// mid-upload leaves them). A file is first moved aside, then checked again — still
    /// unreferenced, not touched since — so an upload reusing the same bytes at that very
    /// moment either touched it first (and it is put back) or finds it gone and stores its own.
    pub async fn sweep<F, Fut>(&self, grace: std::time::Duration, is_referenced: F) -> std::io::Result<Swept>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = std::io::Result<bool>>,
    {
        let mut swept = Swept::default();
        let cutoff = std::time::SystemTime::now().checked_sub(grace).unwrap_or(std::time::UNIX_EPOCH);
        let old = |meta: &std::fs::Metadata| meta.modified().map(|m| m < cutoff).unwrap_or(false);
        for path in self.tmp_files() {
            let is_part = path.extension().is_some_and(|e| e == "part");
            if let Ok(meta) = fs::metadata(&path).await {
                if (is_part || path.extension().is_some_and(|e| e == "sweep")) && old(&meta) {
                    fs::remove_file(&path).await?;
                    swept.partial_uploads += 1;
                }
            }
        }
        for first in read_dirs(&self.root).await? {
            if first.file_name().is_some_and(|n| n == "tmp") {
                continue;
            }
            for second in read_dirs(&first).await? {
                let mut entries = fs::read_dir(&second).await?;
                while let Some(entry) = entries.next_entry().await? {
                    let path = entry.path();
                    let Some(sha) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
                        continue;
                    };
                    if self.path_of(&sha).as_deref() != Some(path.as_path()) {
                        continue;
                    }
                    let Ok(meta) = entry.metadata().await else { continue };
                    if !old(&meta) || is_referenced(sha.clone()).await? {
                        continue;
                    }
                    // Aside first (atomic), then the checks again on what was moved.
                    let aside = self.tmp_dir().join(format!("{sha}.{}.sweep", uuid::Uuid::new_v4().simple()));
                    fs::create_dir_all(self.tmp_dir()).await?;
                    if fs::rename(&path, &aside).await.is_err() {
                        continue;
                    }
                    let still_old = fs::metadata(&aside).await.map(|m| old(&m)).unwrap_or(false);
                    if still_old && !is_referenced(sha.clone()).await? {
                        fs::remove_file(&aside).await?;
                        swept.files += 1;
                    } else if fs::try_exists(&path).await? {
                        // An upload stored the same bytes again meanwhile.
                        fs::remove_file(&aside).await?;
                    } else {
                        fs::rename(&aside, &path).await?;
                    }
                }
            }
        }
        Ok(swept)
    }

    pub async fn open(&self, sha256: &str) -> std::io::Result<fs::File> {
        let path =
            self.path_of(sha256).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not a sha-256"))?;
        fs::File::open(path).await
    }

    /// The SHA-256 of the bytes stored under `sha256`, read again from the disk: what a
    /// verification compares, so bytes damaged in the store are found, not trusted by their name.
    pub async fn digest(&self, sha256: &str) -> std::io::Result<String> {
        let path =
            self.path_of(sha256).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not a sha-256"))?;
        tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut file = std::fs::File::open(path)?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
            }
            Ok(hex::encode(hasher.finalize()))
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// Temporary files left by a crash mid-upload; none should outlive a request.
    pub fn tmp_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.tmp_dir())
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// What a sweep removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub files: u64,
    pub partial_uploads: u64,
}

/// The subdirectories of `dir` (none if it does not exist).
async fn read_dirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut entries = match fs::read_dir(dir).await {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    while let Some(entry) = entries.next_entry().await? {
        if entry.file_type().await?.is_dir() {
            out.push(entry.path());
        }
    }
    Ok(out)
}

/// Sets a stored file's modification time to now; false if it is not there.
async fn touch(path: &Path) -> bool {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// Deletes the temporary file unless it was placed: an upload cut off half-way leaves nothing.
#[derive(Debug)]
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Chunks handed to the hashing and writing threads together.
type Batch = Arc<Vec<Bytes>>;
/// Bytes gathered before a batch is handed over.
const BATCH_BYTES: usize = 1024 * 1024;
/// Batches waiting for each thread.
const QUEUE: usize = 4;

fn write_batches(mut file: std::fs::File, mut rx: mpsc::Receiver<Batch>) -> std::io::Result<std::fs::File> {
    while let Some(batch) = rx.blocking_recv() {
        write_all_vectored(&mut file, &batch)?;
    }
    Ok(file)
}

/// Writes the chunks in order with as few system calls as the kernel allows (one `writev` per
/// batch of a megabyte, where one `write` per chunk made dozens), resuming after short writes.
fn write_all_vectored(out: &mut impl Write, chunks: &[Bytes]) -> std::io::Result<()> {
    let (mut first, mut offset) = (0, 0);
    loop {
        // Past what is written and past empty chunks (a call with nothing to write returns 0).
        while first < chunks.len() && offset == chunks[first].len() {
            (first, offset) = (first + 1, 0);
        }
        if first == chunks.len() {
            return Ok(());
        }
        let slices: Vec<std::io::IoSlice<'_>> = std::iter::once(&chunks[first][offset..])
            .chain(chunks[first + 1..].iter().map(|c| &c[..]))
            .map(std::io::IoSlice::new)
            // The kernel takes at most 1,024 slices a call (IOV_MAX); tiny chunks could make more.
            .take(1024)
            .collect();
        let mut written = match out.write_vectored(&slices) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        while first < chunks.len() && written >= chunks[first].len() - offset {
            written -= chunks[first].len() - offset;
            (first, offset) = (first + 1, 0);
        }
        offset += written;
    }
}

fn hash_batches(mut rx: mpsc::Receiver<Batch>) -> String {
    let mut hasher = Sha256::new();
    while let Some(batch) = rx.blocking_recv() {
        for chunk in batch.iter() {
            hasher.update(chunk);
        }
    }
    hex::encode(hasher.finalize())
}

/// The two threads of an upload and their queues.
#[derive(Debug)]
struct Stages {
    write_tx: mpsc::Sender<Batch>,
    hash_tx: mpsc::Sender<Batch>,
    writer: JoinHandle<std::io::Result<std::fs::File>>,
    hasher: JoinHandle<String>,
}

fn stage_error(e: tokio::task::JoinError) -> IncomingError {
    IncomingError::Io(std::io::Error::other(format!("upload stage: {e}")))
}

/// A file being received.
#[derive(Debug)]
pub struct Incoming {
    guard: TempGuard,
    stages: Option<Stages>,
    batch: Vec<Bytes>,
    batch_len: usize,
    size: u64,
    head: Vec<u8>,
    limit: u64,
}

impl Incoming {
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), IncomingError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(IncomingError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.batch_len += chunk.len();
        self.batch.push(chunk);
        if self.batch_len >= BATCH_BYTES {
            self.hand_over().await?;
        }
        Ok(())
    }

    /// Hands the gathered chunks to both threads.
    async fn hand_over(&mut self) -> Result<(), IncomingError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch: Batch = Arc::new(std::mem::take(&mut self.batch));
        self.batch_len = 0;
        let Some(stages) = &self.stages else {
            return Err(IncomingError::Io(std::io::Error::other("the upload already ended")));
        };
        let sent = stages.hash_tx.send(batch.clone()).await.is_ok() && stages.write_tx.send(batch).await.is_ok();
        if !sent {
            // A thread stopped: the writer's error says why.
            return Err(match self.ended().await {
                Err(e) => e,
                Ok(_) => IncomingError::Io(std::io::Error::other("an upload stage stopped")),
            });
        }
        Ok(())
    }

    /// Closes the queues and waits for both threads: the written file and the hash.
    async fn ended(&mut self) -> Result<(std::fs::File, String), IncomingError> {
        let stages =
            self.stages.take().ok_or_else(|| IncomingError::Io(std::io::Error::other("the upload already ended")))?;
        drop(stages.write_tx);
        drop(stages.hash_tx);
        let file = stages.writer.await.map_err(stage_error)??;
        let sha256 = stages.hasher.await.map_err(stage_error)?;
        Ok((file, sha256))
    }

    /// Waits until every byte is written and hashed, and gives the hash; the temporary file is
    /// still removed if never placed. The bytes reach the disk in the background from here: like
    /// the database's own commits (SQLite runs with synchronous=NORMAL), an accepted file survives
    /// the portal's crash at once and a power loss once the disk has caught up (well under a
    /// second for 200 MB), which keeps an upload at the page cache's speed instead of the disk's.
    pub async fn finish(mut self) -> Result<Received, IncomingError> {
        self.hand_over().await?;
        let (file, sha256) = self.ended().await?;
        tokio::task::spawn_blocking(move || {
            if let Err(e) = file.sync_all() {
                tracing::warn!(error = %e, "could not flush an uploaded file to disk");
            }
        });
        Ok(Received { guard: self.guard, sha256, size: self.size, head: self.head })
    }
}

/// A file completely received, not yet placed.
#[derive(Debug)]
pub struct Received {
    guard: TempGuard,
    pub sha256: String,
    pub size: u64,
    /// The first bytes, for sniffing the type.
    pub head: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Placed {
    pub sha256: String,
    pub created: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (FileStore, PathBuf) {
        let dir = std::env::temp_dir().join(format!("portal-store-{}", uuid::Uuid::new_v4()));
        (FileStore::new(&dir), dir)
    }

    /// A writer that takes at most `max` bytes per call, the way a kernel may cut a writev short.
    struct Short {
        out: Vec<u8>,
        max: usize,
        calls: usize,
    }

    impl Write for Short {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.write_vectored(&[std::io::IoSlice::new(buf)])
        }
        fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
            self.calls += 1;
            let mut n = 0;
            for b in bufs {
                let take = (self.max - n).min(b.len());
                self.out.extend_from_slice(&b[..take]);
                n += take;
                if n == self.max {
                    break;
                }
            }
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn vectored_writes_resume_after_short_writes_in_order() {
        // Some empty, as a parser may hand over.
        let chunks: Vec<Bytes> = (0..50u8).map(|i| Bytes::from(vec![i; i as usize % 7])).collect();
        let want: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
        for max in [1, 3, 5, 8, 64, 10_000] {
            let mut w = Short { out: Vec::new(), max, calls: 0 };
            write_all_vectored(&mut w, &chunks).unwrap();
            assert_eq!(w.out, want, "max {max}");
            assert_eq!(w.calls, want.len().div_ceil(max), "max {max}: one call per {max} bytes");
        }
        let mut zero = Short { out: Vec::new(), max: 0, calls: 0 };
        assert_eq!(write_all_vectored(&mut zero, &chunks).unwrap_err().kind(), std::io::ErrorKind::WriteZero);
        // More chunks than one call may carry still all arrive.
        let many: Vec<Bytes> = (0..3000u32).map(|i| Bytes::from(i.to_le_bytes().to_vec())).collect();
        let mut w = Short { out: Vec::new(), max: usize::MAX, calls: 0 };
        write_all_vectored(&mut w, &many).unwrap();
        assert_eq!(w.out.len(), 12_000);
        assert_eq!(w.calls, 3, "1,024 slices a call");
    }

    #[tokio::test]
    async fn a_file_is_hashed_while_written_and_stored_once_under_its_hash() {
        let (store, dir) = store();
        let mut a = store.begin(1024).await.unwrap();
        a.write(Bytes::from_static(b"hello ")).await.unwrap();
        a.write(Bytes::from_static(b"world")).await.unwrap();
        let a = a.finish().await.unwrap();
        // sha256("hello world")
        assert_eq!(a.sha256, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
        assert_eq!(a.size, 11);
        let placed = store.place(a).await.unwrap();
        assert!(placed.created);
        let mut b = store.begin(1024).await.unwrap();
        b.write(Bytes::from_static(b"hello world")).await.unwrap();
        let placed = store.place(b.finish().await.unwrap()).await.unwrap();
        assert!(!placed.created, "the same bytes are stored once");
        assert!(store.tmp_files().is_empty());
        let bytes = std::fs::read(store.path_of(&placed.sha256).unwrap()).unwrap();
        assert_eq!(bytes, b"hello world");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn the_limit_is_exact_and_an_abandoned_file_leaves_nothing() {
        let (store, dir) = store();
        let mut exact = store.begin(4).await.unwrap();
        exact.write(Bytes::from_static(b"1234")).await.unwrap();
        let mut over = store.begin(4).await.unwrap();
        over.write(Bytes::from_static(b"12")).await.unwrap();
        assert!(matches!(over.write(Bytes::from_static(b"345")).await, Err(IncomingError::TooLarge { limit: 4 })));
        assert_eq!(store.tmp_files().len(), 2);
        drop(over);
        drop(exact);
        assert!(store.tmp_files().is_empty(), "dropped uploads remove their temporary files");
        assert_eq!(store.path_of("../../etc/passwd"), None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    async fn stored(store: &FileStore, bytes: &'static [u8]) -> String {
        let mut a = store.begin(1024).await.unwrap();
        a.write(Bytes::from_static(bytes)).await.unwrap();
        store.place(a.finish().await.unwrap()).await.unwrap().sha256
    }

    fn age(path: &Path, secs: u64) {
        let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(secs)).unwrap();
    }

    #[tokio::test]
    async fn the_sweeper_takes_only_what_nothing_needs_after_its_grace() {
        let (store, dir) = store();
        let grace = std::time::Duration::from_secs(3600);
        let orphan = stored(&store, b"orphaned by a failed transaction").await;
        let kept = stored(&store, b"referenced by a committed version").await;
        let fresh = stored(&store, b"placed a moment ago, not yet committed").await;
        let reused = stored(&store, b"old, but an upload of the same bytes just came").await;
        for sha in [&orphan, &kept, &reused] {
            age(&store.path_of(sha).unwrap(), 7200);
        }
        // The reuse touches the stored copy (its own copy is dropped).
        assert_eq!(stored(&store, b"old, but an upload of the same bytes just came").await, reused);
        // What a crash mid-upload leaves, and an upload still being written.
        std::fs::write(dir.join("tmp").join("crashed.part"), b"half").unwrap();
        age(&dir.join("tmp").join("crashed.part"), 7200);
        std::fs::write(dir.join("tmp").join("writing.part"), b"now").unwrap();
        let referenced = kept.clone();
        let swept = store
            .sweep(grace, |sha| {
                let referenced = referenced.clone();
                async move { Ok(sha == referenced) }
            })
            .await
            .unwrap();
        assert_eq!(swept, Swept { files: 1, partial_uploads: 1 });
        assert!(!store.path_of(&orphan).unwrap().exists());
        for sha in [&kept, &fresh, &reused] {
            assert!(store.path_of(sha).unwrap().exists(), "{sha} kept");
        }
        let left: Vec<_> = store.tmp_files();
        assert_eq!(left, vec![dir.join("tmp").join("writing.part")]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
