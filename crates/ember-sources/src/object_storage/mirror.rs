//! Reads from object stores: the objects under each path are fetched into a
//! local mirror (`$TMPDIR/ember-object-cache/<scheme>/<bucket>/<key>`) kept in
//! step with the store (changed objects fetched again, deleted ones removed),
//! and the file readers scan the mirror.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use ember_errors::SparkError;
use futures::{StreamExt, TryStreamExt};
use object_store::{ObjectMeta, ObjectStoreExt};

use crate::blocking;
use super::location::{Location, store_error};
use crate::errors;
use crate::options::Options;
use crate::paths::is_hidden;

/// How many objects are fetched at once.
const PARALLEL_FETCHES: usize = 8;

/// `paths` with each object-store path replaced by its local mirror, fetched
/// first; local paths are kept as given. A path with no object under it
/// raises `[PATH_NOT_FOUND]`.
pub fn localize(paths: &[String], conf: &Options) -> Result<Vec<String>, SparkError> {
    paths
        .iter()
        .map(|path| match Location::parse(path, conf)? {
            Some(location) => blocking::run(mirror(location)).map(|p| p.to_string_lossy().to_string()),
            None => Ok(path.clone()),
        })
        .collect()
}

/// The local mirror of `path` without fetching anything (`path` itself
/// when it is local).
pub fn mirror_path(path: &str, conf: &Options) -> Result<String, SparkError> {
    Ok(match Location::parse(path, conf)? {
        Some(location) => local_of(&location, &location.key).to_string_lossy().to_string(),
        None => path.to_string(),
    })
}

/// The local folder mirroring object-store locations.
fn cache_root() -> PathBuf {
    std::env::var_os("EMBER_OBJECT_CACHE").map(PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join("ember-object-cache"))
}

/// The mirror of `key` in `location`'s bucket.
fn local_of(location: &Location, key: &str) -> PathBuf {
    let family = match location.scheme.as_str() {
        "s3a" | "s3n" => "s3",
        other => other,
    };
    cache_root().join(family).join(&location.authority).join(key)
}

/// Brings the mirror of `location` up to date; its local path.
async fn mirror(location: Location) -> Result<PathBuf, SparkError> {
    let prefix = literal_prefix(&location.key);
    let listed: Vec<ObjectMeta> = {
        let prefix_path = (!prefix.is_empty()).then(|| Location::object(&prefix)).transpose()?;
        location.store.list(prefix_path.as_ref()).try_collect().await.map_err(|e| store_error(&location.uri, e))?
    };
    let visible: Vec<&ObjectMeta> = listed.iter().filter(|meta| !hidden_below(&prefix, meta.location.as_ref())).collect();
    if visible.is_empty() {
        return match single_object(&location, &prefix).await? {
            Some(meta) => {
                fetch(&location, &meta, &local_of(&location, &prefix)).await?;
                Ok(local_of(&location, &location.key))
            }
            None => Err(errors::path_not_found(&location.uri)),
        };
    }
    let wanted: HashSet<PathBuf> = visible.iter().map(|meta| local_of(&location, meta.location.as_ref())).collect();
    let fetches: Vec<(ObjectMeta, PathBuf)> =
        visible.iter().map(|meta| ((*meta).clone(), local_of(&location, meta.location.as_ref()))).collect();
    futures::stream::iter(fetches)
        .map(|(meta, local)| {
            let location = location.clone();
            async move { fetch(&location, &meta, &local).await }
        })
        .buffer_unordered(PARALLEL_FETCHES)
        .try_collect::<Vec<()>>()
        .await?;
    remove_stale(&local_of(&location, &prefix), &wanted);
    Ok(local_of(&location, &location.key))
}

/// The object at exactly `key`, if there is one.
async fn single_object(location: &Location, key: &str) -> Result<Option<ObjectMeta>, SparkError> {
    if key.is_empty() {
        return Ok(None);
    }
    match location.store.head(&Location::object(key)?).await {
        Ok(meta) => Ok(Some(meta)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(store_error(&location.uri, e)),
    }
}

/// The leading components of `key` without glob characters (what to list).
fn literal_prefix(key: &str) -> String {
    key.split('/').take_while(|part| !part.contains(['*', '?', '[', '{'])).collect::<Vec<_>>().join("/")
}

/// Whether a listed key has a hidden component (`_SUCCESS`, `_temporary`,
/// `.x`) below the listed prefix, as Spark skips such files.
fn hidden_below(prefix: &str, key: &str) -> bool {
    let relative = if prefix.is_empty() { key } else { key.strip_prefix(prefix).unwrap_or(key).trim_start_matches('/') };
    relative.split('/').any(is_hidden)
}

/// Fetches `meta`'s object to `local` unless the mirror already holds it
/// (same size and modification time); written aside and renamed into place.
async fn fetch(location: &Location, meta: &ObjectMeta, local: impl AsRef<Path>) -> Result<(), SparkError> {
    let local = local.as_ref();
    let modified = SystemTime::from(meta.last_modified);
    if let Ok(existing) = std::fs::metadata(local) {
        if existing.is_file() && existing.len() == meta.size && existing.modified().ok() == Some(modified) {
            return Ok(());
        }
    }
    let uri = location.uri_of(meta.location.as_ref());
    let local_error = |e: std::io::Error| errors::io(&local.display().to_string(), e);
    let folder = local.parent().unwrap_or(Path::new("/"));
    if local.is_dir() {
        std::fs::remove_dir_all(local).map_err(local_error)?;
    }
    std::fs::create_dir_all(folder).map_err(local_error)?;
    let partial = folder.join(format!(".{}.fetching", uuid::Uuid::new_v4()));
    let mut file = std::fs::File::create(&partial).map_err(local_error)?;
    let mut body = location.store.get(&meta.location).await.map_err(|e| store_error(&uri, e))?.into_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| store_error(&uri, e))?;
        file.write_all(&chunk).map_err(local_error)?;
    }
    file.set_modified(modified).map_err(local_error)?;
    drop(file);
    std::fs::rename(&partial, local).map_err(local_error)
}

/// Removes mirrored files under `folder` whose objects are gone.
fn remove_stale(folder: &Path, wanted: &HashSet<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_stale(&path, wanted);
            if std::fs::read_dir(&path).is_ok_and(|mut rest| rest.next().is_none()) {
                let _ = std::fs::remove_dir(&path);
            }
        } else if !wanted.contains(&path) && !path.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".fetching")) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_up_to_the_first_glob() {
        assert_eq!(literal_prefix("data/2024/*.csv"), "data/2024");
        assert_eq!(literal_prefix("data/p=1"), "data/p=1");
        assert_eq!(literal_prefix("*"), "");
    }

    #[test]
    fn skips_hidden_objects_below_the_prefix() {
        assert!(hidden_below("t", "t/_SUCCESS"));
        assert!(hidden_below("t", "t/_temporary/0/part-0.csv"));
        assert!(!hidden_below("_t", "_t/part-0.csv"));
        assert!(!hidden_below("t", "t/p=1/part-0.csv"));
    }

    #[test]
    fn stale_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let keep = dir.path().join("a/keep.csv");
        let gone = dir.path().join("b/gone.csv");
        for file in [&keep, &gone] {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, "1").unwrap();
        }
        remove_stale(dir.path(), &HashSet::from([keep.clone()]));
        assert!(keep.exists());
        assert!(!gone.exists() && !dir.path().join("b").exists());
    }
}
