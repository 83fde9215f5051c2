//! Object stores (`s3a://`, `s3://`, `s3n://`, `gs://`, `abfss://`,
//! `abfs://`, `wasbs://`, `wasb://`) through the `object_store` crate. Reads fetch the objects under
//! the given paths into a local mirror that the file readers scan; writes run
//! the local writer into a staging folder, upload its files under the
//! destination's hidden `_temporary/<job>/` prefix, copy them into place, and
//! put `_SUCCESS` last.

mod commit;
mod location;
mod mirror;
mod stores;

pub use commit::write;
pub use location::Location;
pub use mirror::{localize, mirror_path};

/// Whether `path` names an object store rather than the local file system.
pub fn is_remote(path: &str) -> bool {
    location::scheme_of(path).is_some_and(location::is_object_store_scheme)
}
