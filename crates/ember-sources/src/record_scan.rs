//! Scans of text files parsed record by record (CSV, JSON): a table whose
//! physical scan reads, decodes and parses each file when the query runs,
//! so bad records surface as Spark's errors at execution and a projection
//! decides which fields are parsed (as Spark's column pruning does).

use std::fmt;
use std::io::Read;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::Result;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, TableType};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties};
use ember_errors::SparkError;
use futures::StreamExt;

use crate::bad_records;
use crate::compression;
use crate::file_failures::FileFailures;
use crate::file_splits::{self, Split, SplitSettings};
use crate::input_file_columns::{FileColumn, append_columns, extended_schema};
use crate::paths::{InputFile, file_uri};
use crate::text_encoding::Charset;

/// A text format parsed record by record.
pub trait RecordFormat: fmt::Debug + Send + Sync {
    /// The format's name in plans (`csv`, `json`).
    fn name(&self) -> &'static str;

    /// Parses one file's text into the `required` columns of `schema`
    /// (indexes into it); `file` names the file in errors.
    fn parse(&self, text: &str, schema: &SchemaRef, required: &[usize], file: &str) -> Result<RecordBatch, SparkError>;

    /// Parses the lines of a split that starts after the file's beginning
    /// (CSV: no header line there).
    fn parse_continuation(&self, text: &str, schema: &SchemaRef, required: &[usize], file: &str) -> Result<RecordBatch, SparkError> {
        self.parse(text, schema, required, file)
    }

    /// Whether records are single lines ending in `\n`, so files can be
    /// split between lines.
    fn line_delimited(&self) -> bool;
}

/// Files of one record format, as a table.
#[derive(Debug, Clone)]
pub struct RecordFiles {
    /// The files (each read in full by one task).
    pub files: Vec<InputFile>,
    /// Every column the files can give, the corrupt-record column included.
    pub schema: SchemaRef,
    /// The parser.
    pub format: Arc<dyn RecordFormat>,
    /// The files' charset.
    pub charset: Charset,
    /// The index of the corrupt-record column, if the schema has one.
    pub corrupt_column: Option<usize>,
    /// Which unreadable files are skipped.
    pub failures: FileFailures,
    /// How files are cut and packed into read partitions.
    pub splits: SplitSettings,
    /// Per-row file values given after the schema's columns, with their names.
    pub file_columns: Vec<(FileColumn, String)>,
}

impl RecordFiles {
    /// The files, as `file:///…` URIs.
    pub fn uris(&self) -> Vec<String> {
        self.files.iter().map(|f| file_uri(&f.path)).collect()
    }
}

#[async_trait]
impl TableProvider for RecordFiles {
    fn schema(&self) -> SchemaRef {
        extended_schema(&self.schema, &self.file_columns)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let width = self.schema.fields().len();
        let projection: Vec<usize> = match projection {
            Some(columns) => columns.clone(),
            None => (0..width + self.file_columns.len()).collect(),
        };
        let required: Vec<usize> = projection.iter().copied().filter(|&i| i < width).collect();
        let file_columns: Vec<(FileColumn, String)> =
            projection.iter().filter(|&&i| i >= width).map(|&i| self.file_columns[i - width].clone()).collect();
        if projection.iter().enumerate().any(|(at, &i)| i >= width && at < required.len()) {
            return Err(DataFusionError::Internal("file values projected before data columns".into()));
        }
        if self.corrupt_column.is_some() && projection.len() == 1 && Some(projection[0]) == self.corrupt_column {
            return Err(bad_records::query_only_corrupt_record_column().into_datafusion());
        }
        let parallelism = state.config().target_partitions();
        Ok(Arc::new(RecordFilesExec::new(self, required, file_columns, parallelism)?))
    }
}

/// The physical scan: partitions of file splits, planned as Spark plans them.
#[derive(Debug)]
pub struct RecordFilesExec {
    files: Vec<InputFile>,
    partitions: Vec<Vec<Split>>,
    reader: Arc<FileReader>,
    properties: Arc<PlanProperties>,
}

/// What a scan task needs to read one file.
#[derive(Debug)]
struct FileReader {
    schema: SchemaRef,
    required: Vec<usize>,
    /// The required columns of the files.
    parsed: SchemaRef,
    /// Per-row file values appended to them.
    file_columns: Vec<FileColumn>,
    /// The parsed columns and the file values.
    output: SchemaRef,
    format: Arc<dyn RecordFormat>,
    charset: Charset,
    failures: FileFailures,
}

impl RecordFilesExec {
    /// The record format's name (`csv`, `json`, `xml`).
    pub fn format_name(&self) -> &'static str {
        self.reader.format.name()
    }

    /// The files it reads.
    pub fn files(&self) -> &[InputFile] {
        &self.files
    }

    /// The columns it parses from the files (Spark's `ReadSchema`).
    pub fn read_schema(&self) -> &SchemaRef {
        &self.reader.parsed
    }

    fn new(table: &RecordFiles, required: Vec<usize>, file_columns: Vec<(FileColumn, String)>, parallelism: usize) -> Result<Self> {
        let parsed = Arc::new(table.schema.project(&required)?);
        let output = extended_schema(&parsed, &file_columns);
        let line_delimited = table.format.line_delimited() && table.charset.is_ascii_compatible();
        let sizes: Vec<(u64, bool)> =
            table.files.iter().map(|f| (f.size, line_delimited && !compression::is_compressed(&f.path))).collect();
        let partitions = file_splits::partitions(&sizes, &table.splits, parallelism);
        let properties = PlanProperties::new(
            EquivalenceProperties::new(output.clone()),
            Partitioning::UnknownPartitioning(partitions.len().max(1)),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        let reader = FileReader {
            schema: table.schema.clone(),
            required,
            parsed,
            file_columns: file_columns.into_iter().map(|(column, _)| column).collect(),
            output,
            format: table.format.clone(),
            charset: table.charset,
            failures: table.failures.clone(),
        };
        Ok(RecordFilesExec { files: table.files.clone(), partitions, reader: Arc::new(reader), properties: Arc::new(properties) })
    }
}

impl FileReader {
    /// Reads and parses one split of `file` (no rows for a skipped file),
    /// with the file values asked for.
    fn read(&self, file: &InputFile, split: Split) -> Result<RecordBatch, SparkError> {
        let uri = file_uri(&file.path);
        let batch = self.parse(file, split, &uri)?;
        if self.file_columns.is_empty() {
            return Ok(batch);
        }
        let length = split.end - split.start;
        let values = self
            .file_columns
            .iter()
            .map(|column| column.array(&uri, split.start, length, batch.num_rows()))
            .collect::<Result<Vec<_>>>()?;
        Ok(append_columns(&batch, values, self.output.clone())?)
    }

    fn parse(&self, file: &InputFile, split: Split, uri: &str) -> Result<RecordBatch, SparkError> {
        let whole = split.whole || (split.start == 0 && split.end >= file.size);
        let bytes = if whole { read_bytes(file) } else { file_splits::read_lines(&file.path, split.start, split.end) };
        match bytes {
            Ok(bytes) => {
                let text = self.charset.decode(&bytes);
                if split.start == 0 {
                    self.format.parse(&text, &self.schema, &self.required, uri)
                } else {
                    self.format.parse_continuation(&text, &self.schema, &self.required, uri)
                }
            }
            Err(err) => {
                let missing = err.kind() == std::io::ErrorKind::NotFound;
                let error = if missing { bad_records::file_not_exist(uri) } else { bad_records::failed_read_file(uri) };
                if !self.failures.skips(missing) {
                    return Err(error);
                }
                let mut cause = error;
                if !missing {
                    cause.message.push_str(&err.to_string());
                }
                self.failures.skip(uri, &cause)?;
                Ok(RecordBatch::new_empty(self.parsed.clone()))
            }
        }
    }
}

fn read_bytes(file: &InputFile) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut reader = compression::open(&file.path).map_err(|e| {
        if file.path.exists() { std::io::Error::other(e.message) } else { std::io::ErrorKind::NotFound.into() }
    })?;
    reader.read_to_end(&mut bytes)?;
    Ok(bytes)
}

impl DisplayAs for RecordFilesExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let names: Vec<String> = self.reader.output.fields().iter().map(|f| f.name().clone()).collect();
        write!(
            f,
            "FileScan {} [{}] files={} partitions={}",
            self.reader.format.name(),
            names.join(","),
            self.files.len(),
            self.partitions.len()
        )
    }
}

impl ExecutionPlan for RecordFilesExec {
    fn name(&self) -> &str {
        "RecordFilesExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        Vec::new()
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.is_empty() {
            Ok(self)
        } else {
            Err(DataFusionError::Internal("RecordFilesExec has no children".into()))
        }
    }

    fn execute(&self, partition: usize, _context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let output = self.reader.output.clone();
        let Some(splits) = self.partitions.get(partition).cloned() else {
            let empty = Ok(RecordBatch::new_empty(output.clone()));
            return Ok(Box::pin(RecordBatchStreamAdapter::new(output, futures::stream::iter([empty]).boxed())));
        };
        let reader = self.reader.clone();
        let files = self.files.clone();
        let batches = futures::stream::iter(splits).then(move |split| {
            let reader = reader.clone();
            let file = files[split.file].clone();
            async move {
                tokio::task::spawn_blocking(move || reader.read(&file, split))
                    .await
                    .map_err(|e| DataFusionError::External(Box::new(e)))?
                    .map_err(SparkError::into_datafusion)
            }
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(output, batches.boxed())))
    }
}
