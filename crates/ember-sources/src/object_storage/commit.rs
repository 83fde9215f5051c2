//! Writes to object stores. The local writer produces the job's files in a
//! local staging folder; they are uploaded under the destination's hidden
//! `_temporary/<job>/` prefix, and only when every upload succeeded copied
//! into place. Then an overwrite deletes the old objects (all of them, or
//! those of the partition folders written under dynamic overwrite), and
//! `_SUCCESS` is put last. A failure before the copy leaves the destination
//! as it was.

use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use bytes::Bytes;
use datafusion::execution::context::SessionState;
use datafusion::logical_expr::LogicalPlan;
use ember_errors::SparkError;
use futures::TryStreamExt;
use object_store::buffered::BufWriter;
use object_store::{ObjectMeta, ObjectStoreExt, PutPayload};
use tokio::io::AsyncWriteExt;

use super::location::{Location, store_error};
use crate::errors;
use crate::write::{STAGING_DIR, SaveMode, WriteRequest};

/// Runs `request`'s write of `plan` into the object store at `location`.
pub async fn write(
    state: &SessionState,
    plan: LogicalPlan,
    schema: SchemaRef,
    request: &WriteRequest,
    location: Location,
) -> Result<(), SparkError> {
    let existing = existing_objects(&location).await?;
    let existed = !existing.is_empty();
    match request.mode {
        SaveMode::ErrorIfExists if existed => return Err(errors::path_already_exists(&location.uri)),
        SaveMode::Ignore if existed => return Ok(()),
        _ => {}
    }
    let job = uuid::Uuid::new_v4().to_string();
    let local = std::env::temp_dir().join("ember-object-staging").join(&job);
    let local_request = WriteRequest {
        path: local.to_string_lossy().to_string(),
        mode: SaveMode::ErrorIfExists,
        ..request.clone()
    };
    let result = async {
        crate::write::write_local(state, plan, schema, &local_request).await?;
        let files = job_files(&local)?;
        let staged = location.child_key(&format!("{STAGING_DIR}/{job}"));
        upload_all(&location, &local, &files, &staged).await?;
        publish(&location, &files, &staged, &existing, request).await
    }
    .await;
    let _ = std::fs::remove_dir_all(&local);
    if result.is_err() {
        remove_prefix(&location, &location.child_key(&format!("{STAGING_DIR}/{job}"))).await;
    }
    result
}

/// The objects now under the destination (its staging prefix aside), or the
/// object at exactly its key.
async fn existing_objects(location: &Location) -> Result<Vec<ObjectMeta>, SparkError> {
    let prefix = (!location.key.is_empty()).then(|| Location::object(&location.key)).transpose()?;
    let staging = location.child_key(STAGING_DIR);
    let listed: Vec<ObjectMeta> =
        location.store.list(prefix.as_ref()).try_collect().await.map_err(|e| store_error(&location.uri, e))?;
    let mut objects: Vec<ObjectMeta> =
        listed.into_iter().filter(|meta| !meta.location.as_ref().starts_with(&format!("{staging}/"))).collect();
    if objects.is_empty() && !location.key.is_empty() {
        match location.store.head(&Location::object(&location.key)?).await {
            Ok(meta) => objects.push(meta),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(store_error(&location.uri, e)),
        }
    }
    Ok(objects)
}

/// The job's files under the local staging folder, as `/`-separated paths
/// relative to it (`_SUCCESS` aside: it is put last, after the copy).
fn job_files(root: &Path) -> Result<Vec<String>, SparkError> {
    fn walk(root: &Path, folder: &Path, out: &mut Vec<String>) -> Result<(), SparkError> {
        let entries = std::fs::read_dir(folder).map_err(|e| errors::io(&folder.display().to_string(), e))?;
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                walk(root, &path, out)?;
            } else if path.file_name().is_some_and(|n| n != "_SUCCESS") {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                out.push(relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(root, root, &mut files)?;
    Ok(files)
}

/// Uploads each local file to `<staged>/<relative path>`.
async fn upload_all(location: &Location, local: &Path, files: &[String], staged: &str) -> Result<(), SparkError> {
    for file in files {
        let key = format!("{staged}/{file}");
        let uri = location.uri_of(&key);
        let mut writer = BufWriter::new(location.store.clone(), Location::object(&key)?);
        let path = local.join(file);
        let mut source = std::fs::File::open(&path).map_err(|e| errors::io(&path.display().to_string(), e))?;
        let mut chunk = vec![0u8; 8 << 20];
        loop {
            let read = std::io::Read::read(&mut source, &mut chunk).map_err(|e| errors::io(&path.display().to_string(), e))?;
            if read == 0 {
                break;
            }
            writer.put(Bytes::copy_from_slice(&chunk[..read])).await.map_err(|e| store_error(&uri, e))?;
        }
        writer.shutdown().await.map_err(|e| store_error(&uri, e))?;
    }
    Ok(())
}

/// Copies the staged files into place, removes what the save mode replaces,
/// and puts `_SUCCESS`.
async fn publish(
    location: &Location,
    files: &[String],
    staged: &str,
    existing: &[ObjectMeta],
    request: &WriteRequest,
) -> Result<(), SparkError> {
    for file in files {
        let from = Location::object(&format!("{staged}/{file}"))?;
        let to = Location::object(&location.child_key(file))?;
        location.store.copy(&from, &to).await.map_err(|e| store_error(&location.uri_of(to.as_ref()), e))?;
    }
    remove_prefix(location, staged).await;
    if request.mode == SaveMode::Overwrite {
        let written_folders: Vec<String> = files.iter().filter_map(|f| f.rsplit_once('/').map(|(dir, _)| format!("{dir}/"))).collect();
        let dynamic = request.dynamic_overwrite();
        for meta in existing {
            let key = meta.location.as_ref();
            let relative = key.strip_prefix(&location.key).unwrap_or(key).trim_start_matches('/');
            let replaced = !dynamic || written_folders.iter().any(|folder| relative.starts_with(folder.as_str()));
            if replaced && !files.iter().any(|f| f == relative) {
                location.store.delete(&meta.location).await.map_err(|e| store_error(&location.uri_of(key), e))?;
            }
        }
    }
    let success = Location::object(&location.child_key("_SUCCESS"))?;
    location.store.put(&success, PutPayload::new()).await.map_err(|e| store_error(&location.uri, e))?;
    Ok(())
}

/// Deletes every object under `prefix`, ignoring failures (cleanup).
async fn remove_prefix(location: &Location, prefix: &str) {
    let Ok(path) = Location::object(prefix) else { return };
    let Ok(objects) = location.store.list(Some(&path)).try_collect::<Vec<_>>().await else { return };
    for meta in objects {
        let _ = location.store.delete(&meta.location).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use object_store::ObjectStore;
    use object_store::memory::InMemory;

    use super::*;
    use crate::options::Options;

    fn location(store: Arc<InMemory>) -> Location {
        Location { uri: "s3a://b/t".into(), scheme: "s3a".into(), authority: "b".into(), key: "t".into(), store }
    }

    fn request(mode: SaveMode, partition_by: &[&str], dynamic: bool) -> WriteRequest {
        let conf: Vec<(String, String)> = if dynamic {
            vec![("spark.sql.sources.partitionOverwriteMode".into(), "dynamic".into())]
        } else {
            Vec::new()
        };
        WriteRequest {
            format: "csv".into(),
            path: "s3a://b/t".into(),
            mode,
            partition_by: partition_by.iter().map(|p| p.to_string()).collect(),
            options: Options::default(),
            session_conf: Options::new(conf.iter().map(|(k, v)| (k, v))),
            buckets: None,
        }
    }

    async fn keys(store: &InMemory) -> Vec<String> {
        let mut keys: Vec<String> =
            store.list(None).map_ok(|m| m.location.to_string()).try_collect().await.unwrap();
        keys.sort();
        keys
    }

    async fn run(location: &Location, files: &[&str], request: &WriteRequest) {
        let local = tempfile::tempdir().unwrap();
        for file in files {
            let path = local.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "1\n").unwrap();
        }
        let existing = existing_objects(location).await.unwrap();
        let names = job_files(local.path()).unwrap();
        upload_all(location, local.path(), &names, "t/_temporary/job").await.unwrap();
        publish(location, &names, "t/_temporary/job", &existing, request).await.unwrap();
    }

    #[tokio::test]
    async fn overwrite_replaces_old_objects_and_puts_success_last() {
        let store = Arc::new(InMemory::new());
        let location = location(store.clone());
        run(&location, &["part-0-old.csv"], &request(SaveMode::Append, &[], false)).await;
        run(&location, &["part-0-new.csv"], &request(SaveMode::Overwrite, &[], false)).await;
        assert_eq!(keys(&store).await, ["t/_SUCCESS", "t/part-0-new.csv"]);
    }

    #[tokio::test]
    async fn dynamic_overwrite_keeps_other_partitions() {
        let store = Arc::new(InMemory::new());
        let location = location(store.clone());
        run(&location, &["p=a/part-0.csv", "p=b/part-0.csv"], &request(SaveMode::Append, &["p"], false)).await;
        run(&location, &["p=b/part-1.csv"], &request(SaveMode::Overwrite, &["p"], true)).await;
        assert_eq!(keys(&store).await, ["t/_SUCCESS", "t/p=a/part-0.csv", "t/p=b/part-1.csv"]);
    }
}
