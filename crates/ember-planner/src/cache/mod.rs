//! Cached relations (`cache()`, `persist()`, `CACHE TABLE`, checkpoints):
//! computed by the first action that needs them, then read from memory or
//! local disk by every later plan that contains them.

mod key;
mod relation;
mod store;

pub use key::{local_relation_name, plan_key};
pub use relation::{CacheEntry, CachedRelation, InMemoryTableScanExec, renamed_cache_entry, storage_level_text};
