//! Reading cached relations in plans: a relation the session has cached is
//! replaced by a scan of its stored rows, and a checkpointed relation
//! (`CachedRemoteRelation`) is read by its id.

use std::sync::Arc;

use datafusion::common::Column;
use datafusion::datasource::provider_as_source;
use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder, col};

use crate::cache::{CacheEntry, CachedRelation, plan_key};
use crate::error::{Result, SparkError};
use crate::plan::{ColumnInfo, Planner, fresh_name};

impl Planner<'_> {
    /// `plan` itself, or a scan of the session's cache when it holds `plan`.
    pub(crate) fn read_cached(&mut self, plan: LogicalPlan) -> Result<LogicalPlan> {
        if !self.catalog.caches_anything() {
            return Ok(plan);
        }
        let placed = crate::partitioning::place_partition_values(plan.clone(), &mut fresh_name, self.aggregation_shuffle())?;
        let key = plan_key(&placed, &self.spark_names(&placed));
        match self.catalog.cached(&key) {
            Some(entry) => self.scan_entry(&entry, &plan),
            None => Ok(plan),
        }
    }

    /// A scan of `entry` whose columns take the internal names of `plan`'s.
    fn scan_entry(&mut self, entry: &Arc<CacheEntry>, plan: &LogicalPlan) -> Result<LogicalPlan> {
        let provider = Arc::new(CachedRelation(entry.clone()));
        let scan = LogicalPlanBuilder::scan(datafusion::common::TableReference::bare(entry.table_name()), provider_as_source(provider), None)?.build()?;
        let columns = scan
            .schema()
            .fields()
            .iter()
            .zip(plan.schema().fields())
            .map(|(cached, current)| col(Column::new_unqualified(cached.name())).alias(current.name()))
            .collect::<Vec<_>>();
        Ok(LogicalPlanBuilder::from(scan).project(columns)?.build()?)
    }

    /// A checkpointed relation, by the id its checkpoint returned.
    pub(crate) fn cached_remote_relation(&mut self, relation: &ember_protocol::connect::CachedRemoteRelation) -> Result<LogicalPlan> {
        let entry = self.catalog.checkpoint(&relation.relation_id).ok_or_else(|| {
            SparkError::new(
                crate::ErrorKind::Analysis,
                "INVALID_HANDLE.SESSION_NOT_FOUND",
                "HY000",
                format!("The handle {} is invalid. Cached relation not found.", relation.relation_id),
                &[("handle", relation.relation_id.clone())],
            )
        })?;
        let provider = Arc::new(CachedRelation(entry.clone()));
        let scan = LogicalPlanBuilder::scan(datafusion::common::TableReference::bare(entry.table_name()), provider_as_source(provider), None)?.build()?;
        let mut columns = Vec::new();
        for (field, name) in scan.schema().fields().iter().zip(&entry.names) {
            let internal = fresh_name();
            self.columns.insert(internal.clone(), ColumnInfo { name: name.clone(), ..Default::default() });
            columns.push(col(Column::new_unqualified(field.name())).alias(internal));
        }
        Ok(LogicalPlanBuilder::from(scan).project(columns)?.build()?)
    }
}
