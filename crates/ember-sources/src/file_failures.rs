//! Files that cannot be read: skipped under `ignoreMissingFiles` /
//! `ignoreCorruptFiles`, or skipped and recorded under `badRecordsPath`;
//! otherwise the read fails.

use std::sync::Arc;

use arrow::array::RecordBatch;
use ember_errors::{ErrorKind, SparkError};

use crate::bad_records_log::BadRecordsLog;
use crate::paths::{InputFile, file_uri};

/// How one read treats files it cannot read.
#[derive(Debug, Clone, Default)]
pub struct FileFailures {
    /// `ignoreCorruptFiles`: skip files that fail to read or decompress.
    pub ignore_corrupt: bool,
    /// `ignoreMissingFiles`: skip files deleted after they were listed.
    pub ignore_missing: bool,
    /// `badRecordsPath`: skip every unreadable file and record it.
    pub log: Option<Arc<BadRecordsLog>>,
}

impl FileFailures {
    /// Whether a file that failed to read (`missing`: it is gone) is skipped.
    pub fn skips(&self, missing: bool) -> bool {
        self.log.is_some() || if missing { self.ignore_missing } else { self.ignore_corrupt }
    }

    /// Skips the file at `uri` that failed with `error`: recorded under
    /// `badRecordsPath` when set.
    pub fn skip(&self, uri: &str, error: &SparkError) -> Result<(), SparkError> {
        match &self.log {
            Some(log) => log.bad_file(uri, &reason(error)),
            None => Ok(()),
        }
    }

    /// Each file's rows by `read`; a file that fails is skipped (no rows)
    /// when these rules say so. Bad arguments (a wrong reader schema) still
    /// fail the read.
    pub fn read_each(
        &self,
        files: &[InputFile],
        read: impl Fn(&InputFile) -> Result<Vec<RecordBatch>, SparkError>,
    ) -> Result<Vec<Vec<RecordBatch>>, SparkError> {
        files
            .iter()
            .map(|file| match read(file) {
                Err(error) if error.kind != ErrorKind::IllegalArgument && self.skips(!file.path.exists()) => {
                    self.skip(&file_uri(&file.path), &error)?;
                    Ok(Vec::new())
                }
                result => result,
            })
            .collect()
    }
}

/// The `reason` recorded for a file: the error's message, after its class
/// when Spark has one for it.
fn reason(error: &SparkError) -> String {
    if error.error_class.is_empty() || error.error_class == "INTERNAL_ERROR" {
        error.message.clone()
    } else {
        format!("[{}] {}", error.error_class, error.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Options;

    #[test]
    fn flags_choose_what_is_skipped() {
        let corrupt = FileFailures { ignore_corrupt: true, ..Default::default() };
        assert!(corrupt.skips(false) && !corrupt.skips(true));
        let missing = FileFailures { ignore_missing: true, ..Default::default() };
        assert!(missing.skips(true) && !missing.skips(false));
    }

    #[test]
    fn a_log_skips_and_records_every_unreadable_file() {
        let dir = tempfile::tempdir().unwrap();
        let pairs = [("badRecordsPath".to_string(), dir.path().display().to_string())];
        let log = BadRecordsLog::from_options(&Options::new(pairs.iter().map(|(k, v)| (k, v))), &Options::default()).unwrap();
        let failures = FileFailures { log, ..Default::default() };
        let gone = dir.path().join("gone.orc");
        let files = [InputFile { path: gone.clone(), size: 1, root: gone.clone() }];
        let rows = failures.read_each(&files, |_| Err(SparkError::internal("broken"))).unwrap();
        assert_eq!(rows, vec![Vec::<RecordBatch>::new()]);
        let bad_args = failures.read_each(&files, |_| Err(SparkError::illegal_argument("bad schema")));
        assert!(bad_args.is_err());
        let stamp = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
        let file = std::fs::read_dir(stamp.join("bad_files")).unwrap().next().unwrap().unwrap().path();
        let line: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        assert_eq!(line["path"], format!("file://{}", gone.display()));
        assert!(line["reason"].as_str().unwrap().contains("broken"));
    }
}
