//! `modifiedBefore` / `modifiedAfter`: keep only files whose modification
//! time is before or after a local timestamp (`YYYY-MM-DDTHH:mm:ss` in the
//! session time zone).

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::TimeZone;
use ember_errors::{ErrorKind, SparkError};
use ember_functions::cast::parse_timestamp_ntz;

use crate::options::Options;
use crate::paths::InputFile;

/// The modification-time bounds of one read, in microseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModifiedFilter {
    before: Option<i64>,
    after: Option<i64>,
}

impl ModifiedFilter {
    /// The read's bounds; `None` when neither option is set.
    pub fn from_options(options: &Options, session_tz: &str) -> Result<Option<Self>, SparkError> {
        let bound = |key: &str| -> Result<Option<i64>, SparkError> {
            let Some(text) = options.get(key) else { return Ok(None) };
            to_instant(text, session_tz).map(Some).ok_or_else(|| invalid_timestamp(&key.to_lowercase(), text))
        };
        let filter = ModifiedFilter { before: bound("modifiedBefore")?, after: bound("modifiedAfter")? };
        Ok((filter.before.is_some() || filter.after.is_some()).then_some(filter))
    }

    /// Whether `file` was modified inside the bounds.
    pub fn keeps(&self, file: &InputFile) -> bool {
        let Some(modified) = std::fs::metadata(&file.path).and_then(|m| m.modified()).ok().and_then(micros) else {
            return false;
        };
        self.before.is_none_or(|b| modified < b) && self.after.is_none_or(|a| modified > a)
    }
}

fn micros(time: SystemTime) -> Option<i64> {
    time.duration_since(UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_micros()).ok())
}

/// A local timestamp in `zone` as an instant.
fn to_instant(text: &str, zone: &str) -> Option<i64> {
    let local = parse_timestamp_ntz(text)?;
    let naive = chrono::DateTime::from_timestamp_micros(local)?.naive_utc();
    let zone: chrono_tz::Tz = zone.parse().ok()?;
    Some(zone.from_local_datetime(&naive).earliest()?.timestamp_micros())
}

fn invalid_timestamp(strategy: &str, text: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "_LEGACY_ERROR_TEMP_1294",
        "",
        format!("The timestamp provided for the '{strategy}' option is invalid. The expected format is 'YYYY-MM-DDTHH:mm:ss', but the provided timestamp: {text}."),
        &[("strategy", strategy.to_string()), ("timeString", text.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(pairs: &[(&str, &str)]) -> Options {
        let owned: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Options::new(owned.iter().map(|(k, v)| (k, v)))
    }

    #[test]
    fn bounds_in_the_zone() {
        let filter = ModifiedFilter::from_options(&options(&[("modifiedAfter", "2020-01-01T01:00:00")]), "Europe/Paris")
            .unwrap()
            .unwrap();
        assert_eq!(filter.after, Some(1_577_836_800_000_000));
        assert!(ModifiedFilter::from_options(&options(&[]), "UTC").unwrap().is_none());
        let err = ModifiedFilter::from_options(&options(&[("modifiedBefore", "junk")]), "UTC").unwrap_err();
        assert_eq!(err.parameters["strategy"], "modifiedbefore");
    }

    #[test]
    fn keeps_files_by_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "x\n").unwrap();
        let file = InputFile { path: path.clone(), size: 2, root: path };
        let after_2020 = ModifiedFilter { before: None, after: Some(1_577_836_800_000_000) };
        assert!(after_2020.keeps(&file));
        let before_2020 = ModifiedFilter { before: Some(1_577_836_800_000_000), after: None };
        assert!(!before_2020.keeps(&file));
    }
}
