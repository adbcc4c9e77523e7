//! The loaded content kept beside the search index (`--index-dir`), so a restart of a big site
//! skips rendering every article again.
//!
//! Loading a big site is nearly all Markdown rendering, HTML sanitising and deflating; reading the
//! same `Site` back from one file skips all of that. The file is named by a key over the running program ([`build_id`]) and the digest of every
//! content file, so it is only ever read by the program that wrote it, for exactly the content it
//! was written from: deciding costs reading and hashing the content files, never parsing them.
//!
//! Written to a temporary name and renamed into place, with a CRC-32 of its payload checked on
//! reading: a torn or damaged file is logged and ignored (the content is loaded from its files, as
//! without a cache), never served. The checksum guards against damage, not against an adversary
//! (who could write the folder could write a matching checksum of any kind), and the file's name
//! already says which program and content it is for; CRC-32 (SSE 4.2 / PCLMUL, tens of GB/s)
//! rather than SHA-256, which took about 7 % of a 100k-article restart on this 337 MB payload.
//! Only files this code names (`content-*.bin`) are ever removed.

use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::digest::{build_id, hex};

use super::error::ContentError;
use super::load::load_articles;
use super::site::Site;
use super::sources::{Sources, digest_each};

/// Bump when the cached form of `Site` changes shape in a way the program's own hash would not
/// show (it always does today: the key includes the executable's hash; this is belt and braces).
const CACHE_FORMAT: u32 = 3;
/// Prefix of a cache file's name (followed by the key in hex and `.bin`).
const PREFIX: &str = "content-";
/// What the file starts with, before the payload's CRC-32 (4 bytes, little-endian) and the
/// payload.
const MAGIC: &[u8; 16] = b"helpcenter site\0";

/// Where a loaded `Site` came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// Read back from the cache.
    Reused,
    /// Loaded from the content files, and the cache written.
    Written,
    /// Loaded from the content files; the cache could not be written (logged).
    Unwritable,
}

impl CacheUse {
    /// `reused`, `written` or `unwritable`, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheUse::Reused => "reused",
            CacheUse::Written => "written",
            CacheUse::Unwritable => "unwritable",
        }
    }
}

/// The cache file for content with digest `digest`, read by this program.
fn cache_path(cache_dir: &Path, digest: &[u8; 32]) -> PathBuf {
    let mut hasher = Sha256::new();
    hasher.update(b"helpcenter content cache\0");
    hasher.update(CACHE_FORMAT.to_le_bytes());
    hasher.update(build_id());
    hasher.update(digest);
    let key: [u8; 32] = hasher.finalize().into();
    cache_dir.join(format!("{PREFIX}{}.bin", hex(&key)))
}

impl Site {
    /// [`Site::load`] through the cache in `cache_dir`: the `Site` saved there by this program for
    /// exactly this content when there is one, otherwise loaded from the files and saved. Problems
    /// with the cache are logged and never fatal; content errors are reported as by `Site::load`.
    pub fn load_cached(dir: &Path, cache_dir: &Path) -> Result<(Site, CacheUse), ContentError> {
        let started = Instant::now();
        let (sources, article_paths) = Sources::read_settings(dir)?;
        // Deciding needs the digest of every content file. Meanwhile the cache file already in the
        // folder (there is one at most, see `remove_others`) is read and decoded, so a restart
        // waits for the longer of the two rather than both; what it decoded is used only when it
        // is the very file the digest names and holds that content, as any file read later is.
        let (digests, early) = rayon::join(
            || digest_each(&article_paths),
            || only_cache_file(cache_dir).map(|path| (read_cache(&path), path)),
        );
        let digest = sources.digest(digests?);
        let path = cache_path(cache_dir, &digest);
        let read = match early {
            Some((read, early_path)) if early_path == path => Some(read),
            // Another version's file: dropped before anything else is read or loaded.
            _ => path.exists().then(|| read_cache(&path)),
        };
        if let Some(read) = read {
            let checked = read.and_then(|site| {
                if site.source_digest == digest {
                    Ok(site)
                } else {
                    Err("it holds other content".to_string())
                }
            });
            match checked {
                Ok(site) => {
                    tracing::info!(
                        path = %path.display(),
                        ms = started.elapsed().as_millis() as u64,
                        "content read from the cache"
                    );
                    return Ok((site, CacheUse::Reused));
                }
                Err(problem) => tracing::warn!(
                    path = %path.display(),
                    "ignoring the content cache ({problem}); loading the content files"
                ),
            }
        }
        let site = load_articles(&sources, &article_paths)?;
        // The digest of what was parsed: a file edited since the first pass is keyed by its new
        // text, so the cache never pairs a key with other content.
        let path = cache_path(cache_dir, &site.source_digest);
        match write_cache(cache_dir, &path, &site) {
            Ok(bytes) => {
                tracing::info!(path = %path.display(), mb = bytes >> 20, "content cache written");
                remove_others(cache_dir, &path);
                Ok((site, CacheUse::Written))
            }
            Err(error) => {
                tracing::warn!(
                    dir = %cache_dir.display(),
                    %error,
                    "cannot write the content cache; the next start loads the content files again"
                );
                Ok((site, CacheUse::Unwritable))
            }
        }
    }
}

/// Reads a cache file back, checking its checksum (the caller checks which content it holds).
fn read_cache(path: &Path) -> Result<Site, String> {
    let bytes = std::fs::read(path).map_err(|error| error.to_string())?;
    let (magic, rest) = bytes
        .split_at_checked(MAGIC.len())
        .ok_or("the file is too short")?;
    let (checksum, payload) = rest.split_at_checked(4).ok_or("the file is too short")?;
    if magic != MAGIC {
        return Err("not a content cache".to_string());
    }
    // Checked while the payload is decoded, on another core; a damaged payload decodes to an
    // error or to a Site that is dropped unused.
    let (intact, site) = rayon::join(
        || crc32fast::hash(payload).to_le_bytes() == checksum,
        || postcard::from_bytes::<Site>(payload),
    );
    if !intact {
        return Err("its checksum does not match: the file is damaged".to_string());
    }
    site.map_err(|error| error.to_string())
}

/// The cache file in `cache_dir` when there is exactly one.
fn only_cache_file(cache_dir: &Path) -> Option<PathBuf> {
    let mut found = std::fs::read_dir(cache_dir)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| is_cache_file(path));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// Whether `path` is named as this code names cache files.
fn is_cache_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with(PREFIX) && name.ends_with(".bin"))
}

/// Writes `site` to `path` atomically ([`crate::atomic_file`]); returns the bytes written.
///
/// The payload is encoded straight into the file, its checksum computed on the way and written
/// into its place after: encoding a big site into one buffer first held it twice over beside the
/// site (the buffer doubling as it grew), which made a first start with a new `--index-dir` the
/// biggest peak of all (1.8 GB at 100,000 articles, README "Search speed (issue 14)").
fn write_cache(cache_dir: &Path, path: &Path, site: &Site) -> std::io::Result<usize> {
    std::fs::create_dir_all(cache_dir)?;
    let mut written = 0;
    crate::atomic_file::write(path, |file| {
        file.write_all(MAGIC)?;
        file.write_all(&[0; 4])?;
        let payload = Checksummed {
            file: &mut *file,
            hasher: crc32fast::Hasher::new(),
            bytes: 0,
        };
        let payload = postcard::to_io(site, BufWriter::with_capacity(1 << 20, payload))
            .map_err(std::io::Error::other)?
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        written = payload.bytes;
        let checksum = payload.hasher.finalize();
        file.seek(SeekFrom::Start(MAGIC.len() as u64))?;
        file.write_all(&checksum.to_le_bytes())
    })?;
    Ok(written)
}

/// A writer passing bytes on to a file, with their CRC-32 and count.
struct Checksummed<'f> {
    file: &'f mut std::fs::File,
    hasher: crc32fast::Hasher,
    bytes: usize,
}

impl Write for Checksummed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Removes cache files other than `keep` (other content versions, other builds).
fn remove_others(cache_dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(cache_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if is_cache_file(&path)
            && path != keep
            && let Err(error) = std::fs::remove_file(&path)
        {
            tracing::warn!(path = %path.display(), %error, "cannot remove an old content cache");
        }
    }
}
