//! `SET PATH = …` (with `spark.sql.path.enabled`): the SQL path that
//! `current_path()` shows. Ember resolves names as with the default path.

use ember_planner::{ErrorKind, SparkError};

use crate::session::Session;

/// Where the session's path is kept (its settings), when not the default.
pub const PATH_KEY: &str = "spark.ember.sqlPath";

/// The text after `PATH =` when `statement` (after `SET`) sets the path.
pub fn path_value(statement: &str) -> Option<&str> {
    let rest = statement.get(..4).filter(|w| w.eq_ignore_ascii_case("path")).map(|_| &statement[4..])?;
    rest.trim_start().strip_prefix('=').map(str::trim)
}

/// Sets the session's path: `DEFAULT_PATH`, `SYSTEM_PATH` or schema names.
pub fn set_path(session: &Session, value: &str) -> Result<(), SparkError> {
    let mut conf = session.conf.write().unwrap_or_else(|e| e.into_inner());
    if !conf.get("spark.sql.path.enabled").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "UNSUPPORTED_FEATURE.SET_PATH_WHEN_DISABLED",
            "0A000",
            "The feature is not supported: SET PATH is disabled. Set spark.sql.path.enabled to true to enable it.",
            &[("config", "spark.sql.path.enabled".to_string())],
        ));
    }
    let entries: Vec<String> = value
        .split(',')
        .map(|entry| match entry.trim() {
            e if e.eq_ignore_ascii_case("SYSTEM_PATH") => "system.builtin".to_string(),
            e => e.to_string(),
        })
        .collect();
    match entries.as_slice() {
        [only] if only.eq_ignore_ascii_case("DEFAULT_PATH") => conf.unset(PATH_KEY),
        _ => conf.set(PATH_KEY, &entries.join(","))?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_set_path() {
        assert_eq!(path_value("PATH = a.b, c.d"), Some("a.b, c.d"));
        assert_eq!(path_value("path=DEFAULT_PATH"), Some("DEFAULT_PATH"));
        assert_eq!(path_value("pathological=1"), None);
        assert_eq!(path_value("spark.sql.x=1"), None);
    }
}
