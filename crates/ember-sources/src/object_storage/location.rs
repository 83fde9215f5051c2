//! A path in an object store: its scheme, bucket (or container) and key.

use std::sync::Arc;

use ember_errors::SparkError;
use object_store::ObjectStore;
use object_store::path::Path as ObjectPath;

use super::stores;
use crate::options::Options;

/// The schemes Ember reads and writes through object stores.
const SCHEMES: &[&str] = &["s3a", "s3", "s3n", "gs", "abfss", "abfs", "wasbs", "wasb"];

/// The scheme of a URI-like path (`s3a` of `s3a://b/k`).
pub(crate) fn scheme_of(path: &str) -> Option<&str> {
    path.split_once("://").map(|(scheme, _)| scheme).filter(|s| !s.is_empty() && !s.contains('/'))
}

/// Whether Ember reaches `scheme` through an object store.
pub(crate) fn is_object_store_scheme(scheme: &str) -> bool {
    SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme))
}

/// One object-store path with the store that holds it.
#[derive(Debug, Clone)]
pub struct Location {
    /// The URI as the user wrote it, without a trailing `/` (for messages).
    pub uri: String,
    /// The scheme, lower case.
    pub scheme: String,
    /// The bucket (S3, GCS) or `container@account...` (Azure).
    pub authority: String,
    /// The key under the bucket, without leading or trailing `/`.
    pub key: String,
    /// The store holding the bucket.
    pub store: Arc<dyn ObjectStore>,
}

impl Location {
    /// Parses `path`; `None` when it is not an object-store path. The store is
    /// configured from `conf` (`spark.hadoop.*`) and the environment.
    pub fn parse(path: &str, conf: &Options) -> Result<Option<Location>, SparkError> {
        let Some(scheme) = scheme_of(path).filter(|s| is_object_store_scheme(s)) else { return Ok(None) };
        let scheme = scheme.to_lowercase();
        let rest = &path[scheme.len() + 3..];
        let (authority, key) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.is_empty() {
            return Err(SparkError::illegal_argument(format!("no bucket in the path {path}")));
        }
        let store = stores::build(&scheme, authority, conf)?;
        Ok(Some(Location {
            uri: path.trim_end_matches('/').to_string(),
            scheme,
            authority: authority.to_string(),
            key: key.trim_matches('/').to_string(),
            store,
        }))
    }

    /// The object path of `key` (a key under the bucket).
    pub fn object(key: &str) -> Result<ObjectPath, SparkError> {
        ObjectPath::parse(key).map_err(|e| SparkError::illegal_argument(format!("invalid object key {key}: {e}")))
    }

    /// The key of `relative` under this location's key.
    pub fn child_key(&self, relative: &str) -> String {
        match (self.key.is_empty(), relative.is_empty()) {
            (true, _) => relative.to_string(),
            (false, true) => self.key.clone(),
            (false, false) => format!("{}/{relative}", self.key),
        }
    }

    /// The URI of `key` in this location's bucket.
    pub fn uri_of(&self, key: &str) -> String {
        format!("{}://{}/{key}", self.scheme, self.authority)
    }
}

/// An object-store failure while touching `uri`.
pub(crate) fn store_error(uri: &str, err: impl std::fmt::Display) -> SparkError {
    crate::errors::io(uri, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_object_store_schemes() {
        assert_eq!(scheme_of("s3a://bucket/key"), Some("s3a"));
        assert_eq!(scheme_of("/tmp/x"), None);
        assert!(is_object_store_scheme("S3A"));
        assert!(!is_object_store_scheme("file"));
        assert!(!is_object_store_scheme("hdfs"));
    }

    #[test]
    fn splits_bucket_and_key() {
        let conf = Options::default();
        let location = Location::parse("s3a://bucket/a/b/", &conf).unwrap().unwrap();
        assert_eq!((location.authority.as_str(), location.key.as_str()), ("bucket", "a/b"));
        assert_eq!(location.child_key("c.csv"), "a/b/c.csv");
        assert_eq!(location.uri, "s3a://bucket/a/b");
        assert!(Location::parse("/tmp/x", &conf).unwrap().is_none());
        assert!(Location::parse("s3a:///key", &conf).is_err());
    }
}
