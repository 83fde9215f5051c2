//! A cached relation: the plan it caches, its storage level, and its rows
//! once an action has computed them; read through an in-memory table scan.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::Result;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::TableType;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, Partitioning, PlanProperties};
use ember_protocol::connect::StorageLevel;
use futures::TryStreamExt;

use super::store::{SharedStore, Stored};

/// One cached relation of a session.
#[derive(Debug)]
pub struct CacheEntry {
    /// A number unique in the server, naming the relation in plans.
    pub id: u64,
    /// Where the rows may be kept.
    pub level: StorageLevel,
    /// The Spark names of the relation's columns.
    pub names: Vec<String>,
    /// Whether the entry is a checkpoint (Spark reads those as an `ExistingRDD`).
    pub checkpoint: bool,
    source: LogicalPlan,
    schema: SchemaRef,
    stored: tokio::sync::Mutex<Option<SharedStore>>,
    /// The physical plan the stored rows came from, which `explain` shows.
    computed_by: std::sync::Mutex<Option<Arc<dyn ExecutionPlan>>>,
}

impl CacheEntry {
    /// An entry caching `source` (not computed yet).
    pub fn new(id: u64, source: LogicalPlan, names: Vec<String>, level: StorageLevel, checkpoint: bool) -> Self {
        let schema = Arc::new(source.schema().as_arrow().clone());
        CacheEntry { id, level, names, checkpoint, source, schema, stored: tokio::sync::Mutex::new(None), computed_by: std::sync::Mutex::new(None) }
    }

    /// Each column's internal name with its Spark name.
    pub fn column_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.schema.fields().iter().map(|f| f.name().as_str()).zip(self.names.iter().map(String::as_str))
    }

    /// The physical plan that computed the stored rows, once an action has.
    pub fn computed_by(&self) -> Option<Arc<dyn ExecutionPlan>> {
        self.computed_by.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The name scans of the entry carry in plans.
    pub fn table_name(&self) -> String {
        let kind = if self.checkpoint { "ExistingRDD" } else { "InMemoryRelation" };
        format!("{kind}_{}", self.id)
    }

    /// The stored rows, computing and storing them first if no action has.
    pub async fn materialize(&self, state: &dyn Session) -> Result<SharedStore> {
        let kept = self.stored.lock().await.clone();
        if let Some(stored) = kept {
            return Ok(stored);
        }
        let source = state.create_physical_plan(&self.source).await?;
        self.store(source, state.task_ctx()).await
    }

    async fn store(&self, source: Arc<dyn ExecutionPlan>, context: Arc<TaskContext>) -> Result<SharedStore> {
        let mut slot = self.stored.lock().await;
        if let Some(stored) = slot.clone() {
            return Ok(stored);
        }
        let reads = (0..source.output_partitioning().partition_count()).map(|p| {
            let stream = source.execute(p, context.clone());
            async move { stream?.try_collect::<Vec<RecordBatch>>().await }
        });
        let partitions = futures::future::try_join_all(reads).await?;
        let stored = Arc::new(Stored::keep(partitions, &self.schema, &self.level, &context, &self.table_name())?);
        *slot = Some(stored.clone());
        *self.computed_by.lock().unwrap_or_else(|e| e.into_inner()) = Some(source);
        Ok(stored)
    }

    /// Where the rows are now: memory, disk, recomputed, or not computed yet.
    pub fn location(&self) -> &'static str {
        match self.stored.try_lock().ok().and_then(|s| s.clone()) {
            Some(stored) => stored.location(),
            None => "not computed",
        }
    }
}

/// The table provider over a [`CacheEntry`].
#[derive(Debug)]
pub struct CachedRelation(pub Arc<CacheEntry>);

#[async_trait]
impl TableProvider for CachedRelation {
    fn schema(&self) -> SchemaRef {
        self.0.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Temporary
    }

    async fn scan(&self, state: &dyn Session, projection: Option<&Vec<usize>>, _filters: &[Expr], _limit: Option<usize>) -> Result<Arc<dyn ExecutionPlan>> {
        let entry = self.0.clone();
        let stored = entry.stored.lock().await.clone();
        let source = match &stored {
            Some(s) if !matches!(**s, Stored::Dropped { .. }) => None,
            _ => Some(state.create_physical_plan(&entry.source).await?),
        };
        let partitions = match (&stored, &source) {
            (Some(s), _) => s.partitions(),
            (None, Some(source)) => source.output_partitioning().partition_count(),
            (None, None) => 1,
        };
        let projection = projection.cloned().unwrap_or_else(|| (0..entry.schema.fields().len()).collect());
        Ok(Arc::new(InMemoryTableScanExec::new(entry, source, projection, partitions)))
    }
}

/// Reads a cached relation, computing and storing it on first use.
#[derive(Debug)]
pub struct InMemoryTableScanExec {
    entry: Arc<CacheEntry>,
    source: Option<Arc<dyn ExecutionPlan>>,
    projection: Vec<usize>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl InMemoryTableScanExec {
    fn new(entry: Arc<CacheEntry>, source: Option<Arc<dyn ExecutionPlan>>, projection: Vec<usize>, partitions: usize) -> Self {
        let schema = Arc::new(entry.schema.project(&projection).unwrap_or_else(|_| entry.schema.as_ref().clone()));
        let properties = Arc::new(PlanProperties::new(
            EquivalenceProperties::new(schema.clone()),
            Partitioning::UnknownPartitioning(partitions.max(1)),
            EmissionType::Final,
            Boundedness::Bounded,
        ));
        InMemoryTableScanExec { entry, source, projection, schema, properties }
    }
}

impl InMemoryTableScanExec {
    /// The cached relation's entry.
    pub fn entry(&self) -> &Arc<CacheEntry> {
        &self.entry
    }

    /// The physical plan computing the relation's rows (which computed them,
    /// once stored), as Spark shows it under `InMemoryRelation`.
    pub fn cached_plan(&self) -> Option<Arc<dyn ExecutionPlan>> {
        self.source.clone().or_else(|| self.entry.computed_by())
    }
}

/// Spark's text for a storage level: `StorageLevel(disk, memory, deserialized, 1 replicas)`.
pub fn storage_level_text(level: &StorageLevel) -> String {
    let mut flags = Vec::new();
    if level.use_disk {
        flags.push("disk");
    }
    if level.use_memory {
        flags.push("memory");
    }
    if level.use_off_heap {
        flags.push("offheap");
    }
    if level.deserialized {
        flags.push("deserialized");
    }
    format!("StorageLevel({}{} replicas)", flags.iter().map(|f| format!("{f}, ")).collect::<String>(), level.replication)
}

impl DisplayAs for InMemoryTableScanExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let columns: Vec<&str> = self.schema.fields().iter().map(|f| f.name().as_str()).collect();
        if self.entry.checkpoint {
            return write!(f, "Scan ExistingRDD [{}]", columns.join(", "));
        }
        write!(f, "InMemoryTableScan [{}], {}", columns.join(", "), storage_level_text(&self.entry.level))
    }
}

impl ExecutionPlan for InMemoryTableScanExec {
    fn name(&self) -> &str {
        "InMemoryTableScanExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.is_empty() { Ok(self) } else { Err(DataFusionError::Internal("an in-memory scan has no inputs".into())) }
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let (entry, source, projection, schema) = (self.entry.clone(), self.source.clone(), self.projection.clone(), self.schema.clone());
        let rows = futures::stream::once(async move {
            let kept = entry.stored.lock().await.clone();
            let stored = match (kept, &source) {
                (Some(stored), _) => stored,
                (None, Some(source)) => entry.store(source.clone(), context.clone()).await?,
                (None, None) => return Err(DataFusionError::Internal("a cached relation lost its rows".into())),
            };
            let batches = match (stored.read(partition)?, source) {
                (Some(batches), _) => batches,
                (None, Some(source)) => source.execute(partition, context)?.try_collect().await?,
                (None, None) => Vec::new(),
            };
            let projected = batches.iter().map(|b| Ok(b.project(&projection)?)).collect::<Vec<Result<RecordBatch>>>();
            Ok(futures::stream::iter(projected))
        })
        .try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, rows)))
    }
}

/// The cached relation a plan merely renames, column by column in order
/// (a cached relation as plans read it, or a read of a cached view), if any.
pub fn renamed_cache_entry(plan: &LogicalPlan) -> Option<Arc<CacheEntry>> {
    match plan {
        LogicalPlan::Projection(projection) => {
            let input = projection.input.schema();
            let renames = projection.expr.len() == input.fields().len()
                && projection.expr.iter().enumerate().all(|(i, e)| match e.clone().unalias() {
                    Expr::Column(c) => input.index_of_column(&c).ok() == Some(i),
                    _ => false,
                });
            if renames { renamed_cache_entry(&projection.input) } else { None }
        }
        LogicalPlan::SubqueryAlias(alias) => renamed_cache_entry(&alias.input),
        LogicalPlan::TableScan(scan) => {
            let provider = datafusion::datasource::source_as_provider(&scan.source).ok()?;
            provider.downcast_ref::<CachedRelation>().map(|c| c.0.clone())
        }
        _ => None,
    }
}
