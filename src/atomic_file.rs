//! The one way this program writes a file others may read while it runs or after a crash: to a
//! temporary file in the same folder, flushed to disk, renamed over the target (`tempfile`'s
//! `persist`), then the folder's entry made durable.

use std::io::Write;
use std::path::Path;

/// Writes `target` whole or not at all: a reader sees the old file or the new one, never a torn
/// one, and after `Ok` the new file survives a crash. `write` fills the temporary file.
pub fn write(
    target: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let folder = match target.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    // Dot-named, so folder scans that look for finished files never pick it up; removed on drop
    // if anything below fails.
    let mut temporary = tempfile::Builder::new()
        .prefix(".helpcenter-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    write(temporary.as_file_mut())?;
    temporary.as_file_mut().flush()?;
    temporary.as_file().sync_all()?;
    temporary.persist(target).map_err(|error| error.error)?;
    sync_dir(folder)
}

/// Makes the entries of `folder` (new files, renames) durable.
#[cfg(unix)]
pub fn sync_dir(folder: &Path) -> std::io::Result<()> {
    std::fs::File::open(folder)?.sync_all()
}

/// Directory entries need no sync outside Unix (and cannot be opened as files on Windows).
#[cfg(not(unix))]
pub fn sync_dir(_folder: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temporary_behind() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let target = folder.path().join("kept.bin");
        write(&target, |file| file.write_all(b"first")).expect("written");
        write(&target, |file| file.write_all(b"second")).expect("replaced");
        assert_eq!(std::fs::read(&target).expect("readable"), b"second");
        let failed = write(&target, |file| {
            file.write_all(b"torn")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(
            std::fs::read(&target).expect("readable"),
            b"second",
            "old file kept"
        );
        let names: Vec<String> = std::fs::read_dir(folder.path())
            .expect("listable")
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["kept.bin".to_string()]);
    }
}
