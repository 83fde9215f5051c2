//! `badRecordsPath` (a Databricks option; open-source Spark ignores it):
//! records that do not parse and files that cannot be read are left out of
//! the read and written, with their file and the reason, as JSON Lines under
//! `<badRecordsPath>/<yyyyMMddTHHmmss>/bad_records/` and `.../bad_files/`.
//!
//! Each write is one new file, whole or absent: a local file is written under
//! a hidden name and renamed into place, an object is put in one request.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ember_errors::SparkError;
use object_store::{ObjectStoreExt, PutPayload};

use crate::blocking;
use crate::errors;
use crate::object_storage::Location;
use crate::options::Options;
use crate::paths;

/// The option naming the folder.
pub const OPTION: &str = "badRecordsPath";

/// Where one read writes what it leaves out.
#[derive(Debug)]
pub struct BadRecordsLog {
    /// `<badRecordsPath>/<timestamp>`, as given (a local path or a URI).
    folder: String,
    /// The store, when the folder is on an object store.
    remote: Option<Location>,
}

/// One record left out of a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord<'a> {
    /// The record's text.
    pub record: &'a str,
    /// Why it was left out.
    pub reason: String,
}

impl BadRecordsLog {
    /// The log of a read with `badRecordsPath` set (`None` without it); its
    /// folder is stamped with the time the read is planned (UTC). Object-store
    /// folders are reached with the session's `spark.hadoop.*` settings.
    pub fn from_options(options: &Options, conf: &Options) -> Result<Option<Arc<BadRecordsLog>>, SparkError> {
        let Some(root) = options.get(OPTION).map(str::trim).filter(|p| !p.is_empty()) else { return Ok(None) };
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        let folder = format!("{}/{stamp}", root.trim_end_matches('/'));
        let remote = Location::parse(&folder, conf)?;
        Ok(Some(Arc::new(BadRecordsLog { folder, remote })))
    }

    /// Writes `records` of `file` (nothing when there are none).
    pub fn bad_records(&self, file: &str, records: &[BadRecord]) -> Result<(), SparkError> {
        if records.is_empty() {
            return Ok(());
        }
        let lines: String = records.iter().map(|r| entry(file, Some(r.record), &r.reason)).collect();
        self.write("bad_records", lines)
    }

    /// Writes that `file` could not be read, and why.
    pub fn bad_file(&self, file: &str, reason: &str) -> Result<(), SparkError> {
        self.write("bad_files", entry(file, None, reason))
    }

    fn write(&self, kind: &str, lines: String) -> Result<(), SparkError> {
        let name = format!("part-{}.json", uuid::Uuid::new_v4());
        match &self.remote {
            Some(location) => {
                let key = location.child_key(&format!("{kind}/{name}"));
                let uri = location.uri_of(&key);
                let object = Location::object(&key)?;
                blocking::run(async {
                    location.store.put(&object, PutPayload::from(lines.into_bytes())).await.map_err(|e| errors::io(&uri, e))?;
                    Ok(())
                })
            }
            None => write_local(&paths::local_path(&self.folder)?.join(kind), &name, lines.as_bytes()),
        }
    }
}

/// One JSON line: `path`, `record` (for bad records) and `reason`.
fn entry(file: &str, record: Option<&str>, reason: &str) -> String {
    let text = |value: &str| serde_json::Value::String(value.to_string()).to_string();
    match record {
        Some(record) => format!("{{\"path\":{},\"record\":{},\"reason\":{}}}\n", text(file), text(record), text(reason)),
        None => format!("{{\"path\":{},\"reason\":{}}}\n", text(file), text(reason)),
    }
}

/// Writes `bytes` to `folder/name` under a hidden name first, synced, then
/// renamed: readers see the whole file or none.
fn write_local(folder: &Path, name: &str, bytes: &[u8]) -> Result<(), SparkError> {
    let failed = |path: &Path, e: std::io::Error| errors::io(&paths::qualified(path), e);
    std::fs::create_dir_all(folder).map_err(|e| failed(folder, e))?;
    let staged: PathBuf = folder.join(format!(".{name}.tmp"));
    let written = std::fs::File::create(&staged).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let target = folder.join(name);
    if let Err(e) = written.and_then(|()| std::fs::rename(&staged, &target)) {
        let _ = std::fs::remove_file(&staged);
        return Err(failed(&target, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_in(dir: &Path) -> Arc<BadRecordsLog> {
        let pairs = [(OPTION.to_string(), format!("file:{}", dir.display()))];
        BadRecordsLog::from_options(&Options::new(pairs.iter().map(|(k, v)| (k, v))), &Options::default()).unwrap().unwrap()
    }

    fn written(dir: &Path, kind: &str) -> Vec<String> {
        let stamps: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(stamps.len(), 1);
        let stamp = stamps[0].file_name().unwrap().to_string_lossy().to_string();
        assert!(chrono::NaiveDateTime::parse_from_str(&stamp, "%Y%m%dT%H%M%S").is_ok(), "{stamp}");
        let mut lines = Vec::new();
        for file in std::fs::read_dir(stamps[0].join(kind)).unwrap() {
            let path = file.unwrap().path();
            assert!(path.file_name().unwrap().to_string_lossy().starts_with("part-"), "{path:?}");
            lines.extend(std::fs::read_to_string(path).unwrap().lines().map(str::to_string));
        }
        lines
    }

    #[test]
    fn writes_json_lines_under_a_timestamped_folder() {
        let dir = tempfile::tempdir().unwrap();
        let log = log_in(dir.path());
        let records = [BadRecord { record: "x,\"b\"", reason: "bad".into() }];
        log.bad_records("file:///in/a.csv", &records).unwrap();
        log.bad_records("file:///in/a.csv", &[]).unwrap();
        log.bad_file("file:///in/b.gz", "corrupt").unwrap();
        assert_eq!(written(dir.path(), "bad_records"), [r#"{"path":"file:///in/a.csv","record":"x,\"b\"","reason":"bad"}"#]);
        assert_eq!(written(dir.path(), "bad_files"), [r#"{"path":"file:///in/b.gz","reason":"corrupt"}"#]);
    }

    #[test]
    fn no_option_no_log_and_nothing_written_without_bad_records() {
        assert!(BadRecordsLog::from_options(&Options::default(), &Options::default()).unwrap().is_none());
        let dir = tempfile::tempdir().unwrap();
        log_in(dir.path()).bad_records("f", &[]).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("blocker"), "a file where the folder should be").unwrap();
        let log = BadRecordsLog { folder: dir.path().join("blocker").to_string_lossy().to_string(), remote: None };
        assert!(log.bad_file("f", "r").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
