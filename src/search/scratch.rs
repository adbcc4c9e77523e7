//! Temporary index folders (`$TMPDIR/helpcenter-index-*`): each is owned by the process that made
//! it through a lock file it holds for as long as the index lives, and the folders of processes
//! that died without removing theirs (killed outright) are swept before a new one is made.
//!
//! The owner's lock is an advisory `flock` on `owner.lock` inside the folder, which the kernel
//! releases when the owner exits however it exits; a pid check alone could be fooled by a reused
//! pid. The lock file is created and locked under another name and only then renamed into place,
//! so a sweeper never finds an unlocked `owner.lock` of a live owner. A folder without one (still
//! being made, or made by an older build) is left alone: only a provably abandoned folder is
//! removed, never a live replica's.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Prefix of a temporary index folder's name.
const PREFIX: &str = "helpcenter-index-";
/// The owner's lock file inside the folder.
const LOCK_FILE: &str = "owner.lock";
/// The lock file's name while it is being created and locked.
const LOCK_FILE_NEW: &str = "owner.lock.new";

/// A temporary index folder, removed when dropped (after the index reading it, which its owner
/// drops first); its lock is held until then.
#[derive(Debug)]
pub(crate) struct ScratchDir {
    dir: tempfile::TempDir,
    /// Held (locked) for the folder's life; released by the kernel if the process dies.
    _lock: File,
}

impl ScratchDir {
    /// Sweeps abandoned folders under `root`, then makes a new one there, locked by this process.
    pub(crate) fn create_in(root: &Path) -> std::io::Result<ScratchDir> {
        for removed in sweep(root) {
            tracing::info!(
                folder = %removed.display(),
                "removed a temporary search index folder left by a process that has ended"
            );
        }
        let dir = tempfile::Builder::new().prefix(PREFIX).tempdir_in(root)?;
        let staged = dir.path().join(LOCK_FILE_NEW);
        let lock = File::create(&staged)?;
        lock.try_lock()?;
        std::fs::rename(&staged, dir.path().join(LOCK_FILE))?;
        Ok(ScratchDir { dir, _lock: lock })
    }

    /// Where the folder is.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Removes every temporary index folder under `root` whose owner has ended (its lock file can be
/// locked); returns the folders removed. Anything it cannot read or remove is left as it is.
pub(crate) fn sweep(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let owned_by_us = entry.file_name().to_str().is_some_and(|name| {
            name.starts_with(PREFIX) && entry.file_type().is_ok_and(|kind| kind.is_dir())
        });
        if !owned_by_us {
            continue;
        }
        let folder = entry.path();
        // No lock file: still being made, or not made by this code; either way not ours to judge.
        let Ok(lock) = File::open(folder.join(LOCK_FILE)) else {
            continue;
        };
        // Held by a live owner: leave it. Locked here, its owner is gone; removed while locked, so
        // a second sweeper at the same moment skips it.
        if lock.try_lock().is_err() {
            continue;
        }
        match std::fs::remove_dir_all(&folder) {
            Ok(()) => removed.push(folder),
            Err(error) => tracing::warn!(
                folder = %folder.display(),
                %error,
                "cannot remove an abandoned temporary search index folder"
            ),
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder as a process killed outright leaves it: its lock file, no longer held.
    fn abandoned(root: &Path) -> PathBuf {
        let scratch = ScratchDir::create_in(root).expect("creates");
        let path = scratch.dir.keep();
        // `keep` gave the folder up; dropping the lock's handle is what the kernel does on a kill.
        drop(scratch._lock);
        path
    }

    #[test]
    fn abandoned_folders_are_swept_and_live_ones_kept() {
        let root = tempfile::tempdir().expect("root");
        let live = ScratchDir::create_in(root.path()).expect("creates");
        let left = abandoned(root.path());
        std::fs::write(left.join("meta.json"), "{}").expect("writes");
        // Being made by another process (no lock file yet), and someone else's folder.
        let unlocked = root.path().join(format!("{PREFIX}being-made"));
        std::fs::create_dir(&unlocked).expect("creates");
        let other = root.path().join("not-ours");
        std::fs::create_dir(&other).expect("creates");
        let second = ScratchDir::create_in(root.path()).expect("creates");
        assert!(!left.exists(), "the abandoned folder is swept");
        assert!(
            live.path().join(LOCK_FILE).exists(),
            "a live folder is kept"
        );
        assert!(second.path().join(LOCK_FILE).exists());
        assert!(unlocked.exists() && other.exists());
        assert_eq!(sweep(root.path()), Vec::<PathBuf>::new());
        let live_path = live.path().to_path_buf();
        drop(live);
        assert!(
            !live_path.exists(),
            "a dropped folder is removed by its owner"
        );
        assert!(second.path().exists());
    }

    #[test]
    fn a_folder_killed_with_its_process_is_swept() {
        let root = tempfile::tempdir().expect("root");
        let folder = root.path().join(format!("{PREFIX}killed"));
        std::fs::create_dir(&folder).expect("creates");
        // Another process holds the lock, as an owner does, and is killed outright.
        let mut owner = std::process::Command::new("sh")
            .args(["-c", "exec 9>\"$1\" && flock 9 && exec sleep 60", "sh"])
            .arg(folder.join(LOCK_FILE))
            .spawn()
            .expect("sh runs");
        let held = (0..200).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(10));
            File::open(folder.join(LOCK_FILE)).is_ok_and(|file| file.try_lock().is_err())
        });
        assert!(held, "the other process took the lock");
        assert!(sweep(root.path()).is_empty(), "a live owner's folder stays");
        assert!(folder.exists());
        owner.kill().expect("kills");
        owner.wait().expect("waits");
        assert_eq!(sweep(root.path()), vec![folder.clone()]);
        assert!(!folder.exists());
    }
}
