//! Versioned JSON files, changed atomically and safely under concurrency.
//!
//! * `create`: the new content goes to a temporary file in the same folder,
//!   which is then hard-linked to its final name; linking fails if the name
//!   exists, so of two creators exactly one wins.
//! * `replace` and `remove`: under the entry's lock file (created
//!   exclusively, held for a few file operations), the entry is re-read and
//!   its `version` compared with the one the change was based on; a
//!   mismatch means another writer got there first and the change fails.
//!   A replacement is a rename over the old file, so readers see the old or
//!   the new content, never a part.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use ember_errors::SparkError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::errors;

/// How long a writer waits for another one's lock.
const LOCK_WAIT: Duration = Duration::from_secs(5);
/// A lock older than this was left by a writer that died; it is broken.
const STALE_LOCK: Duration = Duration::from_secs(60);

/// Whether a create found the name taken.
#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    Yes,
    AlreadyExists,
}

/// Reads an entry, if it exists.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, SparkError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| errors::io(&path.display().to_string(), e)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(errors::io(&path.display().to_string(), e)),
    }
}

/// Reads every entry of a folder (`*.json`), sorted by file name.
pub fn read_all<T: DeserializeOwned>(folder: &Path) -> Result<Vec<T>, SparkError> {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(errors::io(&folder.display().to_string(), e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    // An entry removed between listing and reading is simply gone.
    Ok(paths.iter().map(|p| read(p)).collect::<Result<Vec<Option<T>>, _>>()?.into_iter().flatten().collect())
}

/// Creates an entry unless its name is taken.
pub fn create<T: Serialize>(path: &Path, value: &T) -> Result<Created, SparkError> {
    let temp = write_temp(path, value)?;
    let linked = fs::hard_link(&temp, path);
    let _ = fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(Created::Yes),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(Created::AlreadyExists),
        Err(e) => Err(errors::io(&path.display().to_string(), e)),
    }
}

/// Replaces an entry whose current version must still be `expected`.
pub fn replace<T: Serialize + DeserializeOwned>(
    path: &Path,
    value: &T,
    expected: u64,
    version_of: impl Fn(&T) -> u64,
) -> Result<(), SparkError> {
    let temp = write_temp(path, value)?;
    let result = with_lock(path, || {
        check_version(path, expected, &version_of)?;
        fs::rename(&temp, path).map_err(|e| errors::io(&path.display().to_string(), e))
    });
    let _ = fs::remove_file(&temp);
    result
}

/// Removes an entry whose current version must still be `expected`.
pub fn remove<T: DeserializeOwned>(path: &Path, expected: u64, version_of: impl Fn(&T) -> u64) -> Result<(), SparkError> {
    with_lock(path, || {
        check_version(path, expected, &version_of)?;
        fs::remove_file(path).map_err(|e| errors::io(&path.display().to_string(), e))
    })
}

fn check_version<T: DeserializeOwned>(path: &Path, expected: u64, version_of: &impl Fn(&T) -> u64) -> Result<(), SparkError> {
    match read::<T>(path)? {
        Some(current) if version_of(&current) == expected => Ok(()),
        _ => Err(errors::concurrent_change(&entry_name(path))),
    }
}

fn entry_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Writes `value` to a fresh temporary file beside `path` and syncs it.
fn write_temp<T: Serialize>(path: &Path, value: &T) -> Result<PathBuf, SparkError> {
    let folder = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(|e| errors::io(&folder.display().to_string(), e))?;
    let temp = folder.join(format!(".{}.{}.tmp", entry_name(path), uuid::Uuid::new_v4()));
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| errors::io(&path.display().to_string(), e))?;
    let written = fs::File::create(&temp).and_then(|mut file| {
        file.write_all(&bytes)?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(errors::io(&temp.display().to_string(), e));
    }
    Ok(temp)
}

/// Runs `change` holding the entry's lock file.
fn with_lock<R>(path: &Path, change: impl FnOnce() -> Result<R, SparkError>) -> Result<R, SparkError> {
    let lock = path.with_extension("json.lock");
    let started = Instant::now();
    loop {
        match fs::OpenOptions::new().write(true).create_new(true).open(&lock) {
            Ok(_) => break,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                if is_stale(&lock) {
                    let _ = fs::remove_file(&lock);
                } else if started.elapsed() > LOCK_WAIT {
                    return Err(errors::concurrent_change(&entry_name(path)));
                } else {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            Err(e) => return Err(errors::io(&lock.display().to_string(), e)),
        }
    }
    let result = change();
    let _ = fs::remove_file(&lock);
    result
}

fn is_stale(lock: &Path) -> bool {
    fs::metadata(lock)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .is_some_and(|age| age > STALE_LOCK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Entry {
        value: i32,
        version: u64,
    }

    #[test]
    fn create_is_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        assert_eq!(create(&path, &Entry { value: 1, version: 0 }).unwrap(), Created::Yes);
        assert_eq!(create(&path, &Entry { value: 2, version: 0 }).unwrap(), Created::AlreadyExists);
        assert_eq!(read::<Entry>(&path).unwrap(), Some(Entry { value: 1, version: 0 }));
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_stale_replace_fails_and_keeps_the_winner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        create(&path, &Entry { value: 1, version: 0 }).unwrap();
        replace(&path, &Entry { value: 2, version: 1 }, 0, |e: &Entry| e.version).unwrap();
        // A writer that read version 0 before the change above loses.
        let lost = replace(&path, &Entry { value: 3, version: 1 }, 0, |e: &Entry| e.version).unwrap_err();
        assert_eq!(lost.error_class, "CONCURRENT_CATALOG_CHANGE");
        assert_eq!(read::<Entry>(&path).unwrap(), Some(Entry { value: 2, version: 1 }));
        let lost = remove(&path, 0, |e: &Entry| e.version).unwrap_err();
        assert_eq!(lost.error_class, "CONCURRENT_CATALOG_CHANGE");
        remove(&path, 1, |e: &Entry| e.version).unwrap();
        assert_eq!(read::<Entry>(&path).unwrap(), None);
    }

    #[test]
    fn concurrent_creators_have_one_winner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        let wins: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let path = path.clone();
                    s.spawn(move || create(&path, &Entry { value: i, version: 0 }).unwrap() == Created::Yes)
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap() as usize).sum()
        });
        assert_eq!(wins, 1);
    }
}
