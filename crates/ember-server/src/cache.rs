//! A session's cached relations (`persist`, `cacheTable`, `CACHE TABLE`)
//! and checkpoints, released with the session.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ember_planner::cache::{CacheEntry, plan_key};
use ember_planner::{PlannedQuery, SparkError};
use ember_protocol::connect::{self, StorageLevel};

use crate::execute::plan;
use crate::session::Session;

static NEXT_ENTRY_ID: AtomicU64 = AtomicU64::new(0);

/// Spark's `cache()` level, MEMORY_AND_DISK.
pub fn memory_and_disk() -> StorageLevel {
    StorageLevel { use_disk: true, use_memory: true, use_off_heap: false, deserialized: true, replication: 1 }
}

/// The level of relations that are not cached, NONE.
pub fn none_level() -> StorageLevel {
    StorageLevel { replication: 1, ..Default::default() }
}

/// The cached relations of one session, by plan key, and its checkpoints, by id.
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, Arc<CacheEntry>>>,
    checkpoints: Mutex<HashMap<String, Arc<CacheEntry>>>,
}

fn entry_for(planned: PlannedQuery, level: StorageLevel, checkpoint: bool) -> Arc<CacheEntry> {
    Arc::new(CacheEntry::new(NEXT_ENTRY_ID.fetch_add(1, Ordering::Relaxed), planned.plan, planned.names, level, checkpoint))
}

impl SessionCache {
    /// Whether any relation is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    /// The cached relation with plan key `key`.
    pub fn get(&self, key: &str) -> Option<Arc<CacheEntry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    /// A checkpoint by id.
    pub fn checkpoint(&self, id: &str) -> Option<Arc<CacheEntry>> {
        self.checkpoints.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    /// Forgets every cached relation (`clearCache`, `CLEAR CACHE`).
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Forgets a checkpoint (`RemoveCachedRemoteRelationCommand`).
    pub fn remove_checkpoint(&self, id: &str) {
        self.checkpoints.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }
}

/// The key under which `relation` is cached in `session`.
pub fn key_of(session: &Session, relation: &connect::Relation) -> Result<String, SparkError> {
    let planned = plan(session, relation)?;
    Ok(plan_key(&planned.plan, &planned.names))
}

/// Caches `relation` at `level`; a relation already cached keeps its level,
/// as in Spark. Returns the entry.
pub fn persist(session: &Session, relation: &connect::Relation, level: StorageLevel) -> Result<Arc<CacheEntry>, SparkError> {
    let planned = plan(session, relation)?;
    if let Some(cached) = ember_planner::cache::renamed_cache_entry(&planned.plan) {
        return Ok(cached);
    }
    let key = plan_key(&planned.plan, &planned.names);
    let mut entries = session.cache.entries.lock().unwrap_or_else(|e| e.into_inner());
    Ok(entries.entry(key).or_insert_with(|| entry_for(planned, level, false)).clone())
}

/// Stops caching `relation`; whether it was cached.
pub fn unpersist(session: &Session, relation: &connect::Relation) -> Result<bool, SparkError> {
    let Some(cached) = cached_entry(session, relation)? else {
        return Ok(false);
    };
    let mut entries = session.cache.entries.lock().unwrap_or_else(|e| e.into_inner());
    entries.retain(|_, entry| !Arc::ptr_eq(entry, &cached));
    Ok(true)
}

/// The storage level of `relation`: NONE when it is not cached.
pub fn storage_level(session: &Session, relation: &connect::Relation) -> Result<StorageLevel, SparkError> {
    Ok(cached_entry(session, relation)?.map(|e| e.level).unwrap_or_else(none_level))
}

/// The cache entry holding `relation`, or one that `relation` only renames
/// (as `spark.table(name)` renames a cached view).
fn cached_entry(session: &Session, relation: &connect::Relation) -> Result<Option<Arc<CacheEntry>>, SparkError> {
    let planned = plan(session, relation)?;
    let key = plan_key(&planned.plan, &planned.names);
    Ok(session.cache.get(&key).or_else(|| ember_planner::cache::renamed_cache_entry(&planned.plan)))
}

/// Computes a cached relation's rows now (an eager `CACHE TABLE`).
pub async fn materialize(session: &Session, entry: &CacheEntry) -> Result<(), SparkError> {
    entry.materialize(&session.ctx.state()).await?;
    Ok(())
}

/// `df.checkpoint()` / `df.localCheckpoint()`: the relation's rows kept
/// under a new id (computed now when eager); returns the id.
pub async fn checkpoint(session: &Session, command: &connect::CheckpointCommand) -> Result<String, SparkError> {
    let relation = command.relation.as_ref().ok_or_else(|| SparkError::illegal_argument("checkpoint without a relation"))?;
    let planned = plan(session, relation)?;
    let entry = entry_for(planned, command.storage_level.unwrap_or_else(memory_and_disk), true);
    if command.eager {
        materialize(session, &entry).await?;
    }
    let id = uuid::Uuid::new_v4().to_string();
    session.cache.checkpoints.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), entry);
    Ok(id)
}

/// Spark's storage levels by name (`StorageLevel.fromString`).
pub fn storage_level_named(name: &str) -> Result<StorageLevel, SparkError> {
    let level = |use_disk, use_memory, use_off_heap, deserialized, replication| StorageLevel {
        use_disk,
        use_memory,
        use_off_heap,
        deserialized,
        replication,
    };
    Ok(match name.to_ascii_uppercase().as_str() {
        "NONE" => level(false, false, false, false, 1),
        "DISK_ONLY" => level(true, false, false, false, 1),
        "DISK_ONLY_2" => level(true, false, false, false, 2),
        "DISK_ONLY_3" => level(true, false, false, false, 3),
        "MEMORY_ONLY" => level(false, true, false, true, 1),
        "MEMORY_ONLY_2" => level(false, true, false, true, 2),
        "MEMORY_ONLY_SER" => level(false, true, false, false, 1),
        "MEMORY_ONLY_SER_2" => level(false, true, false, false, 2),
        "MEMORY_AND_DISK" => level(true, true, false, true, 1),
        "MEMORY_AND_DISK_2" => level(true, true, false, true, 2),
        "MEMORY_AND_DISK_SER" => level(true, true, false, false, 1),
        "MEMORY_AND_DISK_SER_2" => level(true, true, false, false, 2),
        "OFF_HEAP" => level(true, true, true, false, 1),
        _ => return Err(SparkError::illegal_argument(format!("Invalid StorageLevel: {name}"))),
    })
}

/// The relation a table or view name reads: a temporary view's own
/// relation (so that every read of the view finds the cache), or a read of
/// the name, which fails as Spark fails for an unknown name.
fn table_relation(session: &Session, parts: &[String]) -> Result<connect::Relation, SparkError> {
    use ember_planner::Catalog;
    let view = match parts {
        [name] => session.temp_view(name),
        _ => None,
    };
    let found = match view {
        Some(view) => Some(view),
        None => session.table(parts)?.map(|(_, relation)| relation),
    };
    found.ok_or_else(|| SparkError::table_not_found(&parts.join(".")))
}

/// `spark.catalog.cacheTable(name, level)`, and `CACHE [LAZY] TABLE`
/// without a query: eager unless lazy, as the SQL statement is.
pub async fn cache_table(session: &Session, parts: &[String], level: StorageLevel, lazy: bool) -> Result<(), SparkError> {
    let entry = persist(session, &table_relation(session, parts)?, level)?;
    if !lazy {
        materialize(session, &entry).await?;
    }
    Ok(())
}

/// `CACHE [LAZY] TABLE name [OPTIONS (...)] [AS query]`.
pub async fn cache_table_command(
    session: &Session,
    parts: &[String],
    lazy: bool,
    options: &[(String, String)],
    query: Option<connect::Relation>,
) -> Result<(), SparkError> {
    let level = match options.iter().find(|(k, _)| k.eq_ignore_ascii_case("storageLevel")) {
        Some((_, name)) => storage_level_named(name)?,
        None => memory_and_disk(),
    };
    if let Some(query) = query {
        let [name] = parts else {
            return Err(SparkError::illegal_argument(format!("CACHE TABLE AS SELECT needs a one-part name, not {}", parts.join("."))));
        };
        plan(session, &query)?;
        session.create_view(name, query, false)?;
    }
    cache_table(session, parts, level, lazy).await
}

/// `spark.catalog.uncacheTable(name)` and `UNCACHE TABLE [IF EXISTS] name`.
pub fn uncache_table(session: &Session, parts: &[String], if_exists: bool) -> Result<(), SparkError> {
    match table_relation(session, parts) {
        Ok(relation) => unpersist(session, &relation).map(|_| ()),
        Err(_) if if_exists => Ok(()),
        Err(e) => Err(e),
    }
}

/// `REFRESH TABLE name` and `spark.catalog.refreshTable(name)`: a cached
/// table's rows are dropped and cached again lazily at the same level, so
/// the next read sees its files as they are now (as Spark does).
pub fn refresh_table(session: &Session, parts: &[String]) -> Result<(), SparkError> {
    let relation = table_relation(session, parts)?;
    let level = storage_level(session, &relation)?;
    if unpersist(session, &relation)? {
        persist(session, &relation, level)?;
    }
    Ok(())
}

/// `spark.catalog.isCached(name)`.
pub fn is_table_cached(session: &Session, parts: &[String]) -> Result<bool, SparkError> {
    Ok(cached_entry(session, &table_relation(session, parts)?)?.is_some())
}
