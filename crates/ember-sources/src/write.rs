//! `df.write`: a job that writes one file per output partition (and per
//! partition folder) into a hidden staging folder under the destination, and
//! moves the files into place only once every task has succeeded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, UInt32Array};
use arrow::compute::{cast, take_record_batch};
use arrow::datatypes::{Schema, SchemaRef};
use datafusion::execution::SendableRecordBatchStream;
use datafusion::execution::context::SessionState;
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::execute_stream_partitioned;
use ember_errors::SparkError;
use futures::StreamExt;

use crate::bucketing::{Bucketing, bucket_suffix};
use crate::errors;
use crate::options::Options;
use crate::partition;
use crate::paths::{local_path, qualified};
use crate::writers::{FileSpec, FileWriter, OutputFormat};

/// The staging folder's name under the destination (hidden from readers).
pub const STAGING_DIR: &str = "_temporary";

/// What happens when the destination exists (`DataFrameWriter.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    /// Add files beside the existing ones.
    Append,
    /// Replace the destination's contents.
    Overwrite,
    /// Fail with `[PATH_ALREADY_EXISTS]` (the default).
    ErrorIfExists,
    /// Do nothing.
    Ignore,
}

/// One `df.write...save(path)` request.
#[derive(Debug, Clone)]
pub struct WriteRequest {
    /// The format name.
    pub format: String,
    /// The destination folder.
    pub path: String,
    /// The save mode.
    pub mode: SaveMode,
    /// `partitionBy` columns.
    pub partition_by: Vec<String>,
    /// The writer options.
    pub options: Options,
    /// The session's file source settings (`spark.sql.sources.*`, ...).
    pub session_conf: Options,
    /// `bucketBy`/`sortBy`, if set.
    pub buckets: Option<Bucketing>,
}

impl WriteRequest {
    /// Whether an overwrite replaces only the partitions it writes
    /// (`partitionOverwriteMode=dynamic`, option or session setting).
    pub fn dynamic_overwrite(&self) -> bool {
        let mode = self
            .options
            .get("partitionOverwriteMode")
            .or_else(|| self.session_conf.get("spark.sql.sources.partitionOverwriteMode"));
        mode.is_some_and(|m| m.eq_ignore_ascii_case("dynamic")) && !self.partition_by.is_empty()
    }

    /// `maxRecordsPerFile` (option or `spark.sql.files.maxRecordsPerFile`); 0 is no limit.
    fn max_records_per_file(&self) -> Result<u64, SparkError> {
        let value = self.options.get("maxRecordsPerFile").or_else(|| self.session_conf.get("spark.sql.files.maxRecordsPerFile"));
        match value {
            None => Ok(0),
            Some(text) => text
                .trim()
                .parse::<i64>()
                .map(|v| v.max(0) as u64)
                .map_err(|_| SparkError::illegal_argument(format!("maxRecordsPerFile must be a number, got {text}"))),
        }
    }
}

/// Runs the write of `plan`, whose output columns are named and typed by
/// `schema` (Spark's names and types), to a local folder or an object store.
pub async fn write(state: &SessionState, plan: LogicalPlan, schema: SchemaRef, request: &WriteRequest) -> Result<(), SparkError> {
    match crate::object_storage::Location::parse(&request.path, &request.session_conf)? {
        Some(location) => crate::object_storage::write(state, plan, schema, request, location).await,
        None => write_local(state, plan, schema, request).await,
    }
}

/// The write to a local folder.
pub(crate) async fn write_local(
    state: &SessionState,
    plan: LogicalPlan,
    schema: SchemaRef,
    request: &WriteRequest,
) -> Result<(), SparkError> {
    let spec = FileSpec::new(OutputFormat::from_name(&request.format)?, &request.options)?;
    let destination = local_path(&request.path)?;
    let existed = destination.exists();
    match request.mode {
        SaveMode::ErrorIfExists if existed => return Err(errors::path_already_exists(&qualified(&destination))),
        SaveMode::Ignore if existed => return Ok(()),
        _ => {}
    }
    let (plan, schema) = match &request.buckets {
        Some(buckets) => buckets.plan(plan, &schema, &request.partition_by)?,
        None => (plan, schema),
    };
    let layout = Arc::new(Layout::new(&schema, &request.partition_by, request.buckets.is_some())?);
    spec.check_schema(&layout.data_schema)?;
    let job = uuid::Uuid::new_v4().to_string();
    let staging = destination.join(STAGING_DIR).join(&job);
    std::fs::create_dir_all(&staging).map_err(|e| errors::io(&qualified(&staging), e))?;
    let limits = FileLimits { max_records: request.max_records_per_file()? };
    let result = run_tasks(state, plan, &schema, &layout, &spec, &staging, &job, limits).await;
    let committed = result.and_then(|written| {
        if written == 0 && layout.partition_columns.is_empty() {
            // An empty result still leaves one file, so its schema can be read back.
            FileWriter::create(&staging.join(file_name(0, 0, &job, &spec, None, false)), &layout.data_schema, &spec)?.finish()?;
        }
        let replace = match request.mode {
            SaveMode::Overwrite if existed && request.dynamic_overwrite() => Replace::WrittenPartitions,
            SaveMode::Overwrite if existed => Replace::Everything,
            _ => Replace::Nothing,
        };
        commit(&destination, &staging, replace)
    });
    if committed.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
        remove_if_empty(&destination.join(STAGING_DIR));
        if !existed {
            let _ = std::fs::remove_dir_all(&destination);
        }
    }
    committed
}

/// Spark's file name: `part-00000-<job>-c000.csv` (`.c000` inside partition
/// folders and for buckets, after the bucket: `_00002.c000`; `c001`, ... for
/// the further files of a task under `maxRecordsPerFile`).
fn file_name(task: usize, file: usize, job: &str, spec: &FileSpec, bucket: Option<usize>, partitioned: bool) -> String {
    let separator = if partitioned || bucket.is_some() { '.' } else { '-' };
    format!("part-{task:05}-{job}{}{separator}c{file:03}{}", bucket_suffix(bucket), spec.extension())
}

/// Limits on each output file.
#[derive(Debug, Clone, Copy)]
struct FileLimits {
    /// Rows per file (0: no limit).
    max_records: u64,
}

/// What a commit removes from the destination first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replace {
    /// Nothing (append, or a new destination).
    Nothing,
    /// Everything (a static overwrite).
    Everything,
    /// The partition folders the job wrote (a dynamic overwrite).
    WrittenPartitions,
}

/// Which output columns are data, which name partition folders and which
/// holds the bucket id.
struct Layout {
    data_schema: SchemaRef,
    data_columns: Vec<usize>,
    partition_columns: Vec<(usize, String)>,
    /// The bucket id column (the last), for a bucketed write.
    bucket_column: Option<usize>,
}

/// Where a group of rows goes: a partition folder and a bucket.
type Destination = (PathBuf, Option<usize>);

impl Layout {
    fn new(schema: &SchemaRef, partition_by: &[String], bucketed: bool) -> Result<Self, SparkError> {
        let bucket_column = bucketed.then(|| schema.fields().len() - 1);
        let mut partition_columns = Vec::new();
        for name in partition_by {
            let index = schema
                .fields()
                .iter()
                .position(|f| f.name().eq_ignore_ascii_case(name))
                .ok_or_else(|| partition_column_not_found(name, schema))?;
            partition_columns.push((index, schema.field(index).name().clone()));
        }
        let data_columns: Vec<usize> = (0..schema.fields().len())
            .filter(|i| !partition_columns.iter().any(|(p, _)| p == i) && Some(*i) != bucket_column)
            .collect();
        if data_columns.is_empty() {
            return Err(SparkError::new(
                ember_errors::ErrorKind::Analysis,
                "ALL_PARTITION_COLUMNS_NOT_ALLOWED",
                "KD005",
                "Cannot use all columns for partition columns.",
                &[],
            ));
        }
        let data_schema = Arc::new(schema.project(&data_columns)?);
        Ok(Layout { data_schema, data_columns, partition_columns, bucket_column })
    }

    /// The batch's rows grouped by partition folder (`a=1/b=x`) and bucket,
    /// data columns only.
    fn split(&self, batch: &RecordBatch) -> Result<Vec<(Destination, RecordBatch)>, SparkError> {
        let data = batch.project(&self.data_columns)?;
        if self.partition_columns.is_empty() && self.bucket_column.is_none() {
            return Ok(vec![((PathBuf::new(), None), data)]);
        }
        let buckets = match self.bucket_column {
            Some(index) => Some(
                batch
                    .column(index)
                    .as_any()
                    .downcast_ref::<arrow::array::Int32Array>()
                    .ok_or_else(|| SparkError::internal("bucket ids are not INT"))?
                    .clone(),
            ),
            None => None,
        };
        let values = self
            .partition_columns
            .iter()
            .map(|(index, _)| crate::text_values::column_strings(batch.column(*index)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut groups: Vec<(Destination, Vec<u32>)> = Vec::new();
        let mut index_of: HashMap<Destination, usize> = HashMap::new();
        for row in 0..batch.num_rows() {
            let folder: PathBuf = self
                .partition_columns
                .iter()
                .zip(&values)
                .map(|((_, name), column)| partition::folder(name, column[row].as_deref()))
                .collect();
            let destination = (folder, buckets.as_ref().map(|ids| ids.value(row) as usize));
            let slot = *index_of.entry(destination.clone()).or_insert_with(|| {
                groups.push((destination, Vec::new()));
                groups.len() - 1
            });
            groups[slot].1.push(row as u32);
        }
        groups
            .into_iter()
            .map(|(destination, rows)| Ok((destination, take_record_batch(&data, &UInt32Array::from(rows))?)))
            .collect()
    }
}

fn partition_column_not_found(name: &str, schema: &Schema) -> SparkError {
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    SparkError::new(
        ember_errors::ErrorKind::Analysis,
        "_LEGACY_ERROR_TEMP_1126",
        "",
        format!("Partition column `{name}` not found in schema {}", columns.join(", ")),
        &[("partColumn", name.to_string())],
    )
}

/// Runs one task per output partition; the number of files written.
async fn run_tasks(
    state: &SessionState,
    plan: LogicalPlan,
    schema: &SchemaRef,
    layout: &Arc<Layout>,
    spec: &FileSpec,
    staging: &Path,
    job: &str,
    limits: FileLimits,
) -> Result<usize, SparkError> {
    let physical = state.create_physical_plan(&plan).await?;
    let streams = execute_stream_partitioned(physical, state.task_ctx())?;
    let mut tasks = tokio::task::JoinSet::new();
    for (task, stream) in streams.into_iter().enumerate() {
        let task_context = Task {
            index: task,
            job: job.to_string(),
            schema: schema.clone(),
            layout: layout.clone(),
            spec: spec.clone(),
            staging: staging.to_path_buf(),
            limits,
        };
        tasks.spawn(task_context.run(stream));
    }
    let mut written = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined.map_err(|e| SparkError::internal(format!("write task failed: {e}"))).and_then(|task| task) {
            Ok(files) => written += files,
            Err(error) => {
                // Stop the other tasks and wait for them, so none writes into
                // the staging folder after the caller has removed it.
                tasks.shutdown().await;
                return Err(error);
            }
        }
    }
    Ok(written)
}

/// One write task: the rows of one output partition.
struct Task {
    index: usize,
    job: String,
    schema: SchemaRef,
    layout: Arc<Layout>,
    spec: FileSpec,
    staging: PathBuf,
    limits: FileLimits,
}

/// A task's output in one folder: the open file and how many came before.
struct FolderOutput {
    writer: Option<FileWriter>,
    rows_in_file: u64,
    files: usize,
}

impl Task {
    async fn run(self, mut stream: SendableRecordBatchStream) -> Result<usize, SparkError> {
        let mut outputs: HashMap<Destination, FolderOutput> = HashMap::new();
        while let Some(batch) = stream.next().await {
            let batch = self.spark_batch(&batch?)?;
            if batch.num_rows() == 0 {
                continue;
            }
            for (destination, rows) in self.layout.split(&batch)? {
                let output = outputs.entry(destination.clone()).or_insert(FolderOutput { writer: None, rows_in_file: 0, files: 0 });
                self.write_rows(&destination, output, &rows)?;
            }
        }
        let mut count = 0;
        for (_, output) in outputs {
            count += output.files;
            if let Some(writer) = output.writer {
                writer.finish()?;
            }
        }
        Ok(count)
    }

    /// Writes `rows` into `folder`, starting a new file whenever one holds
    /// `maxRecordsPerFile` rows.
    fn write_rows(&self, (folder, bucket): &Destination, output: &mut FolderOutput, rows: &RecordBatch) -> Result<(), SparkError> {
        let mut offset = 0;
        while offset < rows.num_rows() {
            let room = match self.limits.max_records {
                0 => usize::MAX,
                max => (max - output.rows_in_file) as usize,
            };
            let take = room.min(rows.num_rows() - offset);
            let writer = match &mut output.writer {
                Some(writer) => writer,
                None => {
                    let dir = self.staging.join(folder);
                    std::fs::create_dir_all(&dir).map_err(|e| errors::io(&qualified(&dir), e))?;
                    let partitioned = !self.layout.partition_columns.is_empty();
                    let path = dir.join(file_name(self.index, output.files, &self.job, &self.spec, *bucket, partitioned));
                    output.files += 1;
                    output.rows_in_file = 0;
                    output.writer.insert(FileWriter::create(&path, &self.layout.data_schema, &self.spec)?)
                }
            };
            writer.write(&rows.slice(offset, take))?;
            output.rows_in_file += take as u64;
            offset += take;
            if self.limits.max_records > 0 && output.rows_in_file >= self.limits.max_records {
                if let Some(full) = output.writer.take() {
                    full.finish()?;
                }
            }
        }
        Ok(())
    }

    /// The batch with Spark's column names and types.
    fn spark_batch(&self, batch: &RecordBatch) -> Result<RecordBatch, SparkError> {
        let columns = batch
            .columns()
            .iter()
            .zip(self.schema.fields())
            .map(|(array, field)| {
                if array.data_type() == field.data_type() { Ok(array.clone()) } else { cast(array, field.data_type()) }
            })
            .collect::<Result<Vec<ArrayRef>, _>>()?;
        let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
        Ok(RecordBatch::try_new_with_options(self.schema.clone(), columns, &options)?)
    }
}

/// Moves the staged files into `destination` (after removing what an
/// overwrite replaces) and writes `_SUCCESS` last.
fn commit(destination: &Path, staging: &Path, replace: Replace) -> Result<(), SparkError> {
    match replace {
        Replace::Nothing => {}
        Replace::Everything => {
            for entry in std::fs::read_dir(destination).map_err(|e| errors::io(&qualified(destination), e))? {
                let path = entry.map_err(|e| errors::io(&qualified(destination), e))?.path();
                if path.file_name().is_some_and(|n| n == STAGING_DIR) {
                    continue;
                }
                remove(&path)?;
            }
        }
        Replace::WrittenPartitions => {
            for folder in leaf_folders(staging, staging)? {
                let target = destination.join(&folder);
                if target.exists() {
                    remove(&target)?;
                }
            }
        }
    }
    move_tree(staging, destination)?;
    std::fs::remove_dir_all(staging).map_err(|e| errors::io(&qualified(staging), e))?;
    remove_if_empty(&destination.join(STAGING_DIR));
    let success = destination.join("_SUCCESS");
    std::fs::write(&success, b"").map_err(|e| errors::io(&qualified(&success), e))
}

fn remove(path: &Path) -> Result<(), SparkError> {
    let removed = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
    removed.map_err(|e| errors::io(&qualified(path), e))
}

/// The folders under `dir` that hold files (the partitions a job wrote), relative to `root`.
fn leaf_folders(root: &Path, dir: &Path) -> Result<Vec<PathBuf>, SparkError> {
    let mut found = Vec::new();
    let mut has_files = false;
    for entry in std::fs::read_dir(dir).map_err(|e| errors::io(&qualified(dir), e))? {
        let path = entry.map_err(|e| errors::io(&qualified(dir), e))?.path();
        if path.is_dir() {
            found.extend(leaf_folders(root, &path)?);
        } else {
            has_files = true;
        }
    }
    if has_files && dir != root {
        found.push(dir.strip_prefix(root).unwrap_or(dir).to_path_buf());
    }
    Ok(found)
}

fn move_tree(from: &Path, to: &Path) -> Result<(), SparkError> {
    for entry in std::fs::read_dir(from).map_err(|e| errors::io(&qualified(from), e))? {
        let path = entry.map_err(|e| errors::io(&qualified(from), e))?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| errors::io(&qualified(&target), e))?;
            move_tree(&path, &target)?;
        } else {
            std::fs::rename(&path, &target).map_err(|e| errors::io(&qualified(&target), e))?;
        }
    }
    Ok(())
}

fn remove_if_empty(dir: &Path) {
    let _ = std::fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    fn request(path: &Path, mode: SaveMode, partition_by: &[&str]) -> WriteRequest {
        WriteRequest {
            format: "csv".into(),
            path: path.to_string_lossy().to_string(),
            mode,
            partition_by: partition_by.iter().map(|s| s.to_string()).collect(),
            options: Options::default(),
            session_conf: Options::default(),
            buckets: None,
        }
    }

    async fn run(ctx: &SessionContext, sql: &str, request: &WriteRequest) -> Result<(), SparkError> {
        let df = ctx.sql(sql).await.unwrap();
        let schema = Arc::new(df.schema().as_arrow().clone());
        write(&ctx.state(), df.logical_plan().clone(), schema, request).await
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walk(dir).iter().map(|p| p.strip_prefix(dir).unwrap().display().to_string()).collect();
        names.sort();
        names
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .flat_map(|e| {
                let p = e.unwrap().path();
                if p.is_dir() { walk(&p) } else { vec![p] }
            })
            .collect()
    }

    #[tokio::test]
    async fn modes_and_success_marker() {
        let ctx = SessionContext::new();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run(&ctx, "SELECT 1 AS a", &request(&out, SaveMode::ErrorIfExists, &[])).await.unwrap();
        let files = listing(&out);
        assert_eq!(files.len(), 2, "{files:?}");
        assert_eq!(files[0], "_SUCCESS");
        assert!(files[1].starts_with("part-00000-") && files[1].ends_with("-c000.csv"));
        let err = run(&ctx, "SELECT 1 AS a", &request(&out, SaveMode::ErrorIfExists, &[])).await.unwrap_err();
        assert_eq!(err.error_class, "PATH_ALREADY_EXISTS");
        run(&ctx, "SELECT 2 AS a", &request(&out, SaveMode::Ignore, &[])).await.unwrap();
        run(&ctx, "SELECT 2 AS a", &request(&out, SaveMode::Append, &[])).await.unwrap();
        assert_eq!(listing(&out).len(), 3);
        run(&ctx, "SELECT 3 AS a", &request(&out, SaveMode::Overwrite, &[])).await.unwrap();
        let files = listing(&out);
        assert_eq!(files.len(), 2);
        assert_eq!(std::fs::read_to_string(out.join(&files[1])).unwrap(), "3\n");
    }

    #[tokio::test]
    async fn partition_folders() {
        let ctx = SessionContext::new();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let sql = "SELECT * FROM (VALUES (1, 'a/b'), (2, CAST(NULL AS VARCHAR))) AS t(x, p)";
        run(&ctx, sql, &request(&out, SaveMode::ErrorIfExists, &["p"])).await.unwrap();
        let files = listing(&out);
        assert!(files.iter().any(|f| f.starts_with("p=a%2Fb/part-")), "{files:?}");
        assert!(files.iter().any(|f| f.starts_with("p=__HIVE_DEFAULT_PARTITION__/part-") && f.ends_with(".c000.csv")));
    }

    #[tokio::test]
    async fn failed_overwrite_keeps_old_files() {
        let ctx = SessionContext::new();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run(&ctx, "SELECT 1 AS a", &request(&out, SaveMode::ErrorIfExists, &[])).await.unwrap();
        let before = listing(&out);
        let failing = "SELECT CAST(x AS INT) AS a FROM (VALUES ('1'), ('x')) AS t(x)";
        assert!(run(&ctx, failing, &request(&out, SaveMode::Overwrite, &[])).await.is_err());
        assert_eq!(listing(&out), before);
    }

    #[tokio::test]
    async fn max_records_per_file_starts_new_files() {
        let ctx = SessionContext::new();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut limited = request(&out, SaveMode::ErrorIfExists, &[]);
        limited.options = Options::new([("maxRecordsPerFile".to_string(), "2".to_string())].iter().map(|(k, v)| (k, v)));
        run(&ctx, "SELECT * FROM (VALUES (1), (2), (3)) AS t(a)", &limited).await.unwrap();
        let files = listing(&out);
        assert_eq!(files.len(), 3, "{files:?}");
        assert!(files[1].ends_with("-c000.csv") && files[2].ends_with("-c001.csv"));
    }

    #[tokio::test]
    async fn dynamic_overwrite_replaces_only_written_partitions() {
        let ctx = SessionContext::new();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let sql = "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, p)";
        run(&ctx, sql, &request(&out, SaveMode::ErrorIfExists, &["p"])).await.unwrap();
        let mut dynamic = request(&out, SaveMode::Overwrite, &["p"]);
        dynamic.session_conf = Options::new(
            [("spark.sql.sources.partitionOverwriteMode".to_string(), "dynamic".to_string())].iter().map(|(k, v)| (k, v)),
        );
        run(&ctx, "SELECT 3 AS x, 'b' AS p", &dynamic).await.unwrap();
        let files = listing(&out);
        assert!(files.iter().any(|f| f.starts_with("p=a/")), "{files:?}");
        let b_files: Vec<_> = files.iter().filter(|f| f.starts_with("p=b/")).collect();
        assert_eq!(b_files.len(), 1);
        assert_eq!(std::fs::read_to_string(out.join(b_files[0])).unwrap(), "3\n");
    }
}
