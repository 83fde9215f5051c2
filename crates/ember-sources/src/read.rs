//! Plans a `spark.read` of files: lists the inputs, settles the schema as
//! Spark does, and scans them with DataFusion's file formats.

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::catalog::{MemTable, TableProvider};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::datasource::provider_as_source;
use datafusion::common::{Column, ScalarValue};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit, when};
use ember_errors::{ErrorKind, SparkError};
use ember_functions::cast::{CastMode, spark_cast};

use crate::csv::{self, CsvReadOptions};
use crate::csv_records::CsvRecords;
use crate::json_records::{JsonReadOptions, JsonRecords};
use crate::file_splits::SplitSettings;
use crate::line_sample::LineSampling;
use crate::modified_filter::ModifiedFilter;
use crate::bad_records_log::BadRecordsLog;
use crate::file_failures::FileFailures;
use crate::record_scan::{RecordFiles, RecordFormat};
use crate::split_listing::{self, SplitListing};
use crate::text_encoding::Charset;
use crate::{compression, discovery, errors, object_storage, parquet_schema};
use crate::input_files::LoadedFiles;
use crate::options::Options;
use crate::paths::{self, InputFile, list_inputs};

/// One `spark.read` request.
#[derive(Debug, Clone)]
pub struct ReadRequest {
    /// The format name (`parquet`, `csv`, `json`, `text`, ...), any case.
    pub format: String,
    /// The user's schema, if given.
    pub schema: Option<Vec<Field>>,
    /// The reader options.
    pub options: Options,
    /// The paths (files, folders or globs).
    pub paths: Vec<String>,
    /// The session time zone (timestamps carry it).
    pub session_tz: String,
    /// The session's file source settings (`spark.sql.files.*`, ...).
    pub session_conf: Options,
}

/// A plan reading the request's files; its columns carry Spark's names and
/// types, all nullable as Spark reads files.
pub fn plan_read(request: &ReadRequest) -> Result<LogicalPlan, SparkError> {
    let format = request.format.to_lowercase();
    if !matches!(format.as_str(), "parquet" | "csv" | "json" | "text" | "orc" | "avro" | "binaryfile" | "xml") {
        return Err(unsupported_format(&format));
    }
    if format == "xml" {
        crate::xml::row_tag(&request.options)?;
    }
    if request.paths.is_empty() {
        return Err(SparkError::illegal_argument("'path' is not specified"));
    }
    let name_filter = paths::name_filter(request.options.get("pathGlobFilter"))?;
    let failures = FileFailures {
        log: BadRecordsLog::from_options(&request.options, &request.session_conf)?,
        ..file_failures(request)?
    };
    let local_paths = object_storage::localize(&request.paths, &request.session_conf)?;
    let mut files = list_inputs(&local_paths, name_filter.as_ref())?;
    if let Some(modified) = ModifiedFilter::from_options(&request.options, &request.session_tz)? {
        files.retain(|file| modified.keeps(file));
    }
    if format == "parquet" {
        files = parquet_schema::usable(files, &failures)?;
    }
    if let Some(base) = request.options.get("basePath") {
        paths::rebase(&mut files, &object_storage::mirror_path(base, &request.session_conf)?)?;
    }
    let partitions = if request.options.bool("recursiveFileLookup", false)? {
        None
    } else {
        discovery::discover(&files, request.schema.as_deref())?
    };
    let partition_names: Vec<&str> =
        partitions.iter().flat_map(|p| p.fields.iter().map(|f| f.name().as_str())).collect();
    let user_schema = request.schema.as_ref().map(|fields| {
        let data_fields: Vec<Field> = fields
            .iter()
            .filter(|f| !partition_names.iter().any(|p| p.eq_ignore_ascii_case(f.name())))
            .cloned()
            .collect();
        nullable(&data_fields)
    });
    let schema = data_schema(&format, &files, request, user_schema)?;
    match partitions {
        None => plan_files(&format, &files, request, &schema, &failures),
        Some(partitions) => {
            let fields = spark_schema(&partitions.fields, &request.session_tz)?;
            partitioned_plan(&files, &partitions.values, &fields, |group| plan_files(&format, group, request, &schema, &failures))
        }
    }
}

/// The data columns' schema (without partition columns), in Spark's types.
fn data_schema(
    format: &str,
    files: &[InputFile],
    request: &ReadRequest,
    user_schema: Option<Vec<Field>>,
) -> Result<Vec<Field>, SparkError> {
    let schema = match (format, user_schema) {
        ("text", _) => vec![Field::new("value", DataType::Utf8, true)],
        ("binaryfile", _) => crate::binary_files::schema(),
        (_, Some(schema)) => schema,
        ("parquet", None) => {
            let merge = parquet_schema::merges(&request.options, &request.session_conf)?;
            with_int96_as_timestamp(parquet_schema::schema(files, merge)?)
        }
        ("orc", None) => crate::orc::schema(&files.first().ok_or_else(|| errors::unable_to_infer_schema("ORC"))?.path)?,
        ("avro", None) => {
            let first = files.first().ok_or_else(|| errors::unable_to_infer_schema("Avro"))?;
            crate::avro::schema(&first.path, &avro_options(request)?)?
        }
        ("xml", None) => crate::xml::infer_files(files, &request.options)?,
        ("csv", None) => csv::infer_schema(files, &CsvReadOptions::parse(&request.options)?, sampling(request)?.as_ref())?,
        (_, None) => crate::json::infer_schema(files, &JsonReadOptions::parse(&request.options)?, sampling(request)?.as_ref())?,
    };
    spark_schema(&schema, &request.session_tz)
}

/// The read's `samplingRatio` for inference.
fn sampling(request: &ReadRequest) -> Result<Option<LineSampling>, SparkError> {
    LineSampling::from_options(&request.options, &request.session_conf)
}

/// A plan reading `files` (of one partition folder, or all) with `schema`;
/// `failures` says which unreadable files are skipped.
fn plan_files(
    format: &str,
    files: &[InputFile],
    request: &ReadRequest,
    schema: &[Field],
    failures: &FileFailures,
) -> Result<LogicalPlan, SparkError> {
    match format {
        "parquet" => {
            let splits = split_listing::spark_read_partitions(&request.session_conf)?
                .then(|| SplitSettings::from_conf(&request.session_conf))
                .transpose()?;
            scan(files, ParquetFormat::default(), with_string_views(schema), splits)
        }
        "csv" => {
            let mut options = CsvReadOptions::parse(&request.options)?;
            options.bad_records.log = failures.log.clone();
            let corrupt_column = options.bad_records.corrupt_index(schema)?;
            let charset = options.charset;
            let format = CsvRecords { options, corrupt_column };
            record_files(files, request, schema, Arc::new(format), charset, corrupt_column, failures)
        }
        "json" => {
            let mut options = JsonReadOptions::parse(&request.options)?;
            options.bad_records.log = failures.log.clone();
            let corrupt_column = options.bad_records.corrupt_index(schema)?;
            let charset = options.charset;
            let format = JsonRecords { options, corrupt_column, time_zone: request.session_tz.clone() };
            record_files(files, request, schema, Arc::new(format), charset, corrupt_column, failures)
        }
        "orc" => read_whole_files(files, schema, failures, crate::orc::read),
        "avro" => {
            let options = avro_options(request)?;
            read_whole_files(files, schema, failures, |path, schema| crate::avro::read(path, schema, &options))
        }
        "xml" => {
            let options = crate::xml::XmlReadOptions::parse(&request.options)?;
            let corrupt_column = schema.iter().position(|f| *f.name() == options.corrupt_column() && f.data_type() == &DataType::Utf8);
            let charset = Charset::from_name(request.options.first_of(&["encoding", "charset"]).unwrap_or("UTF-8"))?;
            record_files(files, request, schema, Arc::new(crate::xml::XmlRecords { options }), charset, corrupt_column, failures)
        }
        "binaryfile" => {
            let schema = Arc::new(Schema::new(schema.to_vec()));
            loaded(files, schema.clone(), failures.read_each(files, |file| crate::binary_files::file_row(file, &schema))?)
        }
        _ => read_text(files, request, failures),
    }
}

/// One plan per partition folder, each with its partition values as
/// constants, in a union: a filter on partition columns folds to `false` on
/// the folders it excludes, and the optimizer drops their scans.
fn partitioned_plan(
    files: &[InputFile],
    values: &[Vec<Option<String>>],
    fields: &[Field],
    plan_group: impl Fn(&[InputFile]) -> Result<LogicalPlan, SparkError>,
) -> Result<LogicalPlan, SparkError> {
    let mut groups: Vec<(&Vec<Option<String>>, Vec<InputFile>)> = Vec::new();
    for (file, file_values) in files.iter().zip(values) {
        match groups.iter_mut().find(|(v, _)| *v == file_values) {
            Some((_, group)) => group.push(file.clone()),
            None => groups.push((file_values, vec![file.clone()])),
        }
    }
    let mut union: Option<LogicalPlanBuilder> = None;
    for (group_values, group) in groups {
        let plan = plan_group(&group)?;
        let mut columns: Vec<Expr> = plan.schema().iter().map(|(q, f)| Expr::Column(Column::from((q, f)))).collect();
        for (field, value) in fields.iter().zip(group_values) {
            let null = lit(ScalarValue::try_from(field.data_type())?);
            let constant = match value {
                // Spark's partition columns are nullable; a bare constant is not,
                // so it becomes `CASE WHEN true THEN value ELSE NULL END`
                // (which the optimizer folds back to the constant).
                Some(text) => when(lit(true), spark_cast(lit(text.clone()), field.data_type().clone(), CastMode::Legacy)).otherwise(null)?,
                None => null,
            };
            columns.push(constant.alias(field.name()));
        }
        let branch = LogicalPlanBuilder::from(plan).project(columns)?.build()?;
        union = Some(match union {
            None => LogicalPlanBuilder::from(branch),
            Some(builder) => builder.union(branch)?,
        });
    }
    match union {
        Some(builder) => Ok(builder.build()?),
        None => Err(SparkError::internal("a partitioned read without files")),
    }
}

fn unsupported_format(format: &str) -> SparkError {
    SparkError::new(
        ErrorKind::ClassNotFound,
        "DATA_SOURCE_NOT_FOUND",
        "42K02",
        format!("Failed to find the data source: {format}. Make sure the provider name is correct and the package is properly registered and compatible with your Spark version."),
        &[("provider", format.to_string())],
    )
}

/// `fields` as Spark reads files: nullable at every depth (`asNullable`).
pub(crate) fn nullable(fields: &[Field]) -> Vec<Field> {
    fields.iter().map(ember_types::as_nullable).collect()
}

/// Spark's Arrow form of each column type (timestamps in the session zone,
/// `element` list items, ...), keeping a column's interval units; fails for
/// types Spark has no name for.
pub(crate) fn spark_schema(fields: &[Field], tz: &str) -> Result<Vec<Field>, SparkError> {
    fields
        .iter()
        .map(|f| {
            let spark = ember_types::to_proto(f.data_type())
                .and_then(|proto| ember_types::from_proto(&proto, tz))
                .map_err(ember_errors::from_type_error)?;
            Ok(ember_types::carry_type_tags(Field::new(f.name(), spark, true), f))
        })
        .collect()
}

/// String columns read as Arrow string views, which the Parquet reader
/// produces without copying and DataFusion's filters, joins and groupings
/// handle fastest. Spark sees `string` either way; results go to the client
/// as plain strings.
fn with_string_views(fields: &[Field]) -> Vec<Field> {
    fields
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 => f.clone().with_data_type(DataType::Utf8View),
            _ => f.clone(),
        })
        .collect()
}

/// Parquet INT96 values (Spark's default timestamp encoding) come out of the
/// reader as nanoseconds without a zone; Spark reads them as `timestamp`.
/// Spark writes no other nanosecond timestamps.
fn with_int96_as_timestamp(fields: Vec<Field>) -> Vec<Field> {
    fields
        .into_iter()
        .map(|f| match f.data_type() {
            DataType::Timestamp(TimeUnit::Nanosecond, None) => {
                let utc = DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC")));
                f.with_data_type(utc)
            }
            _ => f,
        })
        .collect()
}

/// A scan of `files` in `format` with `schema` (an empty relation when no
/// file is left to read), in Spark's read partitions when `splits` are
/// given, else in DataFusion's.
fn scan(
    files: &[InputFile],
    format: impl FileFormat + 'static,
    schema: Vec<Field>,
    splits: Option<SplitSettings>,
) -> Result<LogicalPlan, SparkError> {
    let schema: SchemaRef = Arc::new(Schema::new(schema));
    if files.is_empty() {
        let table = MemTable::try_new(schema, vec![Vec::new()])?;
        return Ok(LogicalPlanBuilder::scan("files", provider_as_source(Arc::new(table)), None)?.build()?);
    }
    let urls = files
        .iter()
        .map(|f| ListingTableUrl::parse(f.path.to_string_lossy()))
        .collect::<datafusion::common::Result<Vec<_>>>()?;
    let options = ListingOptions::new(Arc::new(format)).with_file_extension("");
    let config = ListingTableConfig::new_with_multi_paths(urls).with_listing_options(options).with_schema(schema);
    let listing = ListingTable::try_new(config)?;
    let table: Arc<dyn TableProvider> = match splits {
        Some(splits) => Arc::new(SplitListing::new(listing, splits)),
        None => Arc::new(listing),
    };
    Ok(LogicalPlanBuilder::scan("files", provider_as_source(table), None)?.build()?)
}

/// A table of `files` parsed record by record by `format`.
fn record_files(
    files: &[InputFile],
    request: &ReadRequest,
    schema: &[Field],
    format: Arc<dyn RecordFormat>,
    charset: Charset,
    corrupt_column: Option<usize>,
    failures: &FileFailures,
) -> Result<LogicalPlan, SparkError> {
    let table = RecordFiles {
        files: files.to_vec(),
        schema: Arc::new(Schema::new(schema.to_vec())),
        format,
        charset,
        corrupt_column,
        failures: failures.clone(),
        splits: SplitSettings::from_conf(&request.session_conf)?,
        file_columns: Vec::new(),
    };
    Ok(LogicalPlanBuilder::scan("files", provider_as_source(Arc::new(table)), None)?.build()?)
}

/// `ignoreCorruptFiles` and `ignoreMissingFiles`: the read's options, else
/// the session's `spark.sql.files.*` settings.
fn file_failures(request: &ReadRequest) -> Result<FileFailures, SparkError> {
    let flag = |option: &str, conf: &str| -> Result<bool, SparkError> {
        let default = request.session_conf.bool(conf, false)?;
        request.options.bool(option, default)
    };
    Ok(FileFailures {
        ignore_corrupt: flag("ignoreCorruptFiles", "spark.sql.files.ignoreCorruptFiles")?,
        ignore_missing: flag("ignoreMissingFiles", "spark.sql.files.ignoreMissingFiles")?,
        log: None,
    })
}

/// Text: one `value` row per line (`wholetext`: one row per file).
fn read_text(files: &[InputFile], request: &ReadRequest, failures: &FileFailures) -> Result<LogicalPlan, SparkError> {
    let whole = request.options.bool("wholetext", false)?;
    let separator = request.options.get("lineSep").map(str::to_string);
    let schema = Arc::new(Schema::new(vec![Field::new("value", DataType::Utf8, true)]));
    let per_file = failures.read_each(files, |file| {
        let text = compression::read_to_string(&file.path)?;
        let lines = if whole { vec![text] } else { split_lines(&text, separator.as_deref()) };
        let column: ArrayRef = Arc::new(StringArray::from(lines));
        Ok(vec![RecordBatch::try_new(schema.clone(), vec![column])?])
    })?;
    loaded(files, schema, per_file)
}

/// Every file's rows in `schema`, decoded by `read` when the read is
/// planned (ORC, Avro); unreadable files are skipped as `failures` says.
fn read_whole_files(
    files: &[InputFile],
    schema: &[Field],
    failures: &FileFailures,
    read: impl Fn(&std::path::Path, &SchemaRef) -> Result<Vec<RecordBatch>, SparkError>,
) -> Result<LogicalPlan, SparkError> {
    let schema = Arc::new(Schema::new(schema.to_vec()));
    let per_file = failures.read_each(files, |file| read(&file.path, &schema))?;
    loaded(files, schema, per_file)
}

/// The `avroSchema` and `ignoreCorruptFiles` settings of an Avro read.
fn avro_options(request: &ReadRequest) -> Result<crate::avro::AvroReadOptions, SparkError> {
    Ok(crate::avro::AvroReadOptions {
        reader_schema: request.options.get("avroSchema").map(str::to_string),
        ignore_corrupt: file_failures(request)?.ignore_corrupt,
    })
}

/// A scan of rows already loaded from `files` (each file's batches).
pub(crate) fn loaded(files: &[InputFile], schema: SchemaRef, per_file: Vec<Vec<RecordBatch>>) -> Result<LogicalPlan, SparkError> {
    let loaded = LoadedFiles::new(files, schema, per_file);
    Ok(LogicalPlanBuilder::scan("files", provider_as_source(Arc::new(loaded)), None)?.build()?)
}

/// Splits text into lines as Spark's text source does: on `\n`, `\r\n` or
/// `\r` by default, or on `separator`; no empty line after a final separator.
fn split_lines(text: &str, separator: Option<&str>) -> Vec<String> {
    let mut lines: Vec<String> = match separator {
        Some(sep) if !sep.is_empty() => text.split(sep).map(str::to_string).collect(),
        _ => text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string()).collect(),
    };
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::execution::context::SessionContext;

    #[test]
    fn parquet_strings_become_views() {
        let fields = [Field::new("s", DataType::Utf8, true), Field::new("n", DataType::Int64, true)];
        let types: Vec<DataType> = with_string_views(&fields).iter().map(|f| f.data_type().clone()).collect();
        assert_eq!(types, [DataType::Utf8View, DataType::Int64]);
    }

    #[test]
    fn text_lines() {
        assert_eq!(split_lines("a\r\nb\n\nc\n", None), ["a", "b", "", "c"]);
        assert_eq!(split_lines("a;b", Some(";")), ["a", "b"]);
        assert!(split_lines("", None).is_empty());
    }

    #[tokio::test]
    async fn reads_csv_with_inferred_types() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "id,name\n1,x\n2,\nz,y\n").unwrap();
        let request = ReadRequest {
            format: "CSV".into(),
            schema: None,
            options: Options::new([("header".to_string(), "true".to_string()), ("inferSchema".into(), "true".into())].iter().map(|(k, v)| (k, v))),
            paths: vec![dir.path().to_string_lossy().to_string()],
            session_tz: "UTC".into(),
            session_conf: Options::default(),
        };
        let plan = plan_read(&request).unwrap();
        let ctx = SessionContext::new();
        let batches = ctx.execute_logical_plan(plan).await.unwrap().collect().await.unwrap();
        let text = arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string();
        assert!(text.contains("| id | name |"), "{text}");
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
    }

    #[test]
    fn unknown_format_and_missing_path() {
        let mut request = ReadRequest {
            format: "nope".into(),
            schema: None,
            options: Options::default(),
            paths: vec!["/definitely/not/here".into()],
            session_tz: "UTC".into(),
            session_conf: Options::default(),
        };
        assert_eq!(plan_read(&request).unwrap_err().error_class, "DATA_SOURCE_NOT_FOUND");
        request.format = "json".into();
        assert_eq!(plan_read(&request).unwrap_err().error_class, "PATH_NOT_FOUND");
    }
}
