//! Avro object container files through the `arrow-avro` crate, with the
//! type mapping of Spark's `spark-avro` package: the Spark schema of a file
//! (or of an `avroSchema` reader schema), its rows in Spark's types, and a
//! writer producing the Avro schema Spark writes (`topLevelRecord`, nullable
//! columns as `[type, "null"]` unions, decimals as `fixed`, dates and
//! timestamps as logical types).

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use arrow_avro::reader::{Reader, ReaderBuilder};
use arrow_avro::schema::{AvroSchema, FingerprintAlgorithm, SCHEMA_METADATA_KEY};
use arrow_avro::writer::format::AvroBinaryFormat;
use arrow_avro::writer::{Encoder, WriterBuilder};
use ember_errors::SparkError;
use serde_json::{Value, json};

use crate::avro_container::Container;
use crate::bad_records::failed_read_file;
use crate::conform::{cast_batch, conform};
use crate::options::Options;
use crate::paths::qualified;
use crate::writers::Codec;

/// The reader options of an Avro read.
#[derive(Debug, Clone, Default)]
pub struct AvroReadOptions {
    /// `avroSchema`: a reader schema (JSON) the files' records are resolved to.
    pub reader_schema: Option<String>,
    /// `ignoreCorruptFiles`: skip files that do not decode.
    pub ignore_corrupt: bool,
}

/// The Spark columns of the Avro file at `path` (of the reader schema when
/// one is given).
pub fn schema(path: &Path, options: &AvroReadOptions) -> Result<Vec<Field>, SparkError> {
    let reader = open(path, options)?;
    reader.schema().fields().iter().map(|f| spark_field(f)).collect()
}

/// The rows of the Avro file at `path`, in `schema` (columns matched by
/// name; a column the file lacks reads as NULL). A file that does not decode
/// is skipped under `ignoreCorruptFiles`, else `[FAILED_READ_FILE.NO_HINT]`.
pub fn read(path: &Path, schema: &SchemaRef, options: &AvroReadOptions) -> Result<Vec<RecordBatch>, SparkError> {
    let decoded = open(path, options).and_then(|reader| {
        reader.collect::<Result<Vec<RecordBatch>, _>>().map_err(|_| failed_read_file(&qualified(path)))
    });
    match decoded {
        Ok(batches) => batches.iter().map(|batch| conform(&spark_batch(batch)?, schema)).collect(),
        Err(_) if options.ignore_corrupt && path.exists() => Ok(Vec::new()),
        Err(err) => Err(err),
    }
}

fn open(path: &Path, options: &AvroReadOptions) -> Result<Reader<BufReader<File>>, SparkError> {
    let file = File::open(path).map_err(|_| failed_read_file(&qualified(path)))?;
    let mut builder = ReaderBuilder::new();
    if let Some(json) = &options.reader_schema {
        builder = builder.with_reader_schema(AvroSchema::new(json.clone()));
    }
    builder.build(BufReader::new(file)).map_err(|err| match &options.reader_schema {
        Some(_) if err.to_string().to_lowercase().contains("schema") => invalid_avro_schema(&err.to_string()),
        _ => failed_read_file(&qualified(path)),
    })
}

/// A bad `avroSchema` option, as Spark's Avro parser rejects it.
fn invalid_avro_schema(reason: &str) -> SparkError {
    SparkError::illegal_argument(format!("Invalid avroSchema: {reason}"))
}

/// `field` in Spark's type: enums as strings, `fixed` as binary, timestamps
/// in microseconds (`timestamp-*` as `timestamp`, `local-timestamp-*` as
/// `timestamp_ntz`), every level nullable as Spark reads files.
fn spark_field(field: &Field) -> Result<Field, SparkError> {
    Ok(Field::new(field.name(), spark_type(field.data_type(), field.name())?, true))
}

fn spark_type(data_type: &DataType, name: &str) -> Result<DataType, SparkError> {
    Ok(match data_type {
        DataType::Dictionary(_, values) => spark_type(values, name)?,
        DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
        DataType::FixedSizeBinary(_) | DataType::LargeBinary | DataType::BinaryView => DataType::Binary,
        DataType::Timestamp(_, Some(_)) => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        DataType::Timestamp(_, None) => DataType::Timestamp(TimeUnit::Microsecond, None),
        DataType::Time32(_) => DataType::Int32,
        DataType::Time64(_) => DataType::Int64,
        DataType::List(item) | DataType::LargeList(item) => {
            DataType::List(Arc::new(Field::new("element", spark_type(item.data_type(), name)?, true)))
        }
        DataType::Map(entries, sorted) => {
            let DataType::Struct(kv) = entries.data_type() else { return Ok(data_type.clone()) };
            let key = Field::new("key", spark_type(kv[0].data_type(), name)?, false);
            let value = Field::new("value", spark_type(kv[1].data_type(), name)?, true);
            let entries = Field::new("entries", DataType::Struct(Fields::from(vec![key, value])), false);
            DataType::Map(Arc::new(entries), *sorted)
        }
        DataType::Struct(fields) => {
            DataType::Struct(fields.iter().map(|f| spark_field(f)).collect::<Result<Vec<_>, _>>()?.into())
        }
        DataType::Union(_, _) | DataType::Interval(_) | DataType::Duration(_) | DataType::Null => {
            return Err(SparkError::unsupported(format!("reading the Avro type of column {name} ({data_type})")));
        }
        other => other.clone(),
    })
}

/// `batch` with its columns cast to Spark's types.
fn spark_batch(batch: &RecordBatch) -> Result<RecordBatch, SparkError> {
    let fields = batch.schema().fields().iter().map(|f| spark_field(f)).collect::<Result<Vec<_>, _>>()?;
    cast_batch(batch, &Arc::new(Schema::new(fields)))
}

/// The writer options of an Avro write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvroWriteOptions {
    /// `recordName` (default `topLevelRecord`).
    pub record_name: String,
    /// `recordNamespace` (default none).
    pub record_namespace: String,
    /// `avroSchema`: the output schema (JSON) instead of the one derived from the columns.
    pub schema: Option<String>,
}

impl AvroWriteOptions {
    /// The options among the writer's.
    pub fn parse(options: &Options) -> Self {
        AvroWriteOptions {
            record_name: options.get("recordName").unwrap_or("topLevelRecord").to_string(),
            record_namespace: options.get("recordNamespace").unwrap_or("").to_string(),
            schema: options.get("avroSchema").map(str::to_string),
        }
    }
}

/// Avro's codec for the `compression` option (Spark's default: snappy).
pub fn codec(name: Option<&str>) -> Result<Codec, SparkError> {
    match name.map(str::to_lowercase).as_deref() {
        None | Some("snappy") => Ok(Codec::Snappy),
        Some("uncompressed") => Ok(Codec::None),
        Some("deflate") => Ok(Codec::Deflate),
        Some("bzip2") => Ok(Codec::Bzip2),
        Some("zstandard") => Ok(Codec::Zstd),
        Some("xz") => Err(SparkError::unsupported("the xz codec for avro files")),
        Some(other) => Err(crate::writers::codec_not_available(other, AVAILABLE)),
    }
}

const AVAILABLE: &str = "uncompressed, deflate, snappy, bzip2, xz, zstandard";

/// The Avro schema Spark writes for rows of `schema`: a record named
/// `recordName` whose fields carry the columns' types.
pub fn avro_schema(schema: &Schema, options: &AvroWriteOptions) -> Result<Value, SparkError> {
    let fields = Fields::from(schema.fields().iter().map(|f| f.as_ref().clone()).collect::<Vec<_>>());
    avro_type(&DataType::Struct(fields), false, &options.record_name, &options.record_namespace)
}

fn avro_type(data_type: &DataType, nullable: bool, name: &str, namespace: &str) -> Result<Value, SparkError> {
    let qualified_name = if namespace.is_empty() { name.to_string() } else { format!("{namespace}.{name}") };
    let plain = match data_type {
        DataType::Null => return Ok(json!("null")),
        DataType::Boolean => json!("boolean"),
        DataType::Int8 | DataType::Int16 | DataType::Int32 => json!("int"),
        DataType::Int64 => json!("long"),
        DataType::Float32 => json!("float"),
        DataType::Float64 => json!("double"),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => json!("string"),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => json!("bytes"),
        DataType::Date32 => json!({"type": "int", "logicalType": "date"}),
        DataType::Timestamp(_, Some(_)) => json!({"type": "long", "logicalType": "timestamp-micros"}),
        DataType::Timestamp(_, None) => json!({"type": "long", "logicalType": "local-timestamp-micros"}),
        DataType::Decimal128(precision, scale) => json!({
            "type": "fixed",
            "name": format!("{qualified_name}.fixed"),
            "size": decimal_bytes(*precision),
            "logicalType": "decimal",
            "precision": precision,
            "scale": scale,
        }),
        DataType::List(item) | DataType::LargeList(item) => {
            json!({"type": "array", "items": avro_type(item.data_type(), item.is_nullable(), name, namespace)?})
        }
        DataType::Map(entries, _) => {
            let DataType::Struct(kv) = entries.data_type() else { return Err(unwritable(data_type)) };
            if !matches!(kv[0].data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
                return Err(unwritable(data_type));
            }
            json!({"type": "map", "values": avro_type(kv[1].data_type(), kv[1].is_nullable(), name, namespace)?})
        }
        DataType::Struct(fields) => {
            let fields = fields
                .iter()
                .map(|f| Ok(json!({"name": f.name(), "type": avro_type(f.data_type(), f.is_nullable(), f.name(), &qualified_name)?})))
                .collect::<Result<Vec<Value>, SparkError>>()?;
            let mut record = json!({"type": "record", "name": name, "fields": fields});
            if !namespace.is_empty() {
                record["namespace"] = json!(namespace);
            }
            record
        }
        other => return Err(unwritable(other)),
    };
    Ok(if nullable { json!([plain, "null"]) } else { plain })
}

/// The fewest bytes holding every unscaled value of `precision` digits.
fn decimal_bytes(precision: u8) -> usize {
    (1..=16).find(|bytes| 2f64.powi(8 * *bytes as i32 - 1) >= 10f64.powi(precision as i32)).unwrap_or(16)
}

fn unwritable(data_type: &DataType) -> SparkError {
    SparkError::unsupported(format!("writing {} columns to avro files", ember_types::simple_string(data_type)))
}

/// `data_type` as the Avro encoder takes it: small integers as `int`, string
/// and binary views as plain arrays, timestamps as UTC instants.
fn writable_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Int8 | DataType::Int16 => DataType::Int32,
        DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
        DataType::BinaryView | DataType::LargeBinary => DataType::Binary,
        DataType::Timestamp(_, Some(_)) => DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into())),
        DataType::Timestamp(_, None) => DataType::Timestamp(TimeUnit::Microsecond, None),
        DataType::List(item) => DataType::List(Arc::new(item.as_ref().clone().with_data_type(writable_type(item.data_type())))),
        DataType::Map(entries, sorted) => DataType::Map(
            Arc::new(entries.as_ref().clone().with_data_type(writable_type(entries.data_type()))),
            *sorted,
        ),
        DataType::Struct(fields) => DataType::Struct(
            fields.iter().map(|f| f.as_ref().clone().with_data_type(writable_type(f.data_type()))).collect::<Vec<_>>().into(),
        ),
        other => other.clone(),
    }
}

/// Checks that rows of `schema` can be written (and that `avroSchema`, if
/// given, parses).
pub fn check_writable(schema: &Schema, options: &AvroWriteOptions) -> Result<(), SparkError> {
    avro_schema(schema, options)?;
    if let Some(json) = &options.schema {
        AvroSchema::new(json.clone())
            .fingerprint(FingerprintAlgorithm::Rabin)
            .map_err(|e| invalid_avro_schema(&e.to_string()))?;
    }
    Ok(())
}

/// An Avro file being written: records encoded by `arrow-avro`, laid out
/// in the container by [`crate::avro_container`].
pub struct AvroFile {
    encoder: Encoder,
    container: Container<BufWriter<File>>,
    schema: SchemaRef,
}

impl AvroFile {
    /// Creates the file for rows of `schema` (checked with [`check_writable`]).
    pub fn create(file: File, schema: &Schema, codec: Codec, options: &AvroWriteOptions) -> Result<Self, SparkError> {
        let avro = match &options.schema {
            Some(json) => json.clone(),
            None => avro_schema(schema, options)?.to_string(),
        };
        let fields: Vec<Field> =
            schema.fields().iter().map(|f| f.as_ref().clone().with_data_type(writable_type(f.data_type()))).collect();
        let metadata = [(SCHEMA_METADATA_KEY.to_string(), avro.clone())].into_iter().collect();
        let schema = Arc::new(Schema::new_with_metadata(fields, metadata));
        let encoder = WriterBuilder::new(schema.as_ref().clone())
            .build_encoder::<AvroBinaryFormat>()
            .map_err(|e| SparkError::illegal_argument(format!("Cannot write Avro files with this schema: {e}")))?;
        let container = Container::start(BufWriter::new(file), &avro, codec)?;
        Ok(AvroFile { encoder, container, schema })
    }

    /// Appends `batch`'s rows as one block.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), SparkError> {
        let batch = cast_batch(batch, &self.schema)?;
        self.encoder.encode(&batch).map_err(|e| crate::errors::io("avro", e))?;
        let rows = self.encoder.flush();
        self.container.write_block(rows.len(), rows.bytes())
    }

    /// Flushes the file.
    pub fn finish(self) -> Result<(), SparkError> {
        self.container.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Decimal128Array, Int32Array, StringArray};

    fn options() -> AvroWriteOptions {
        AvroWriteOptions::parse(&Options::default())
    }

    #[test]
    fn spark_avro_schema() {
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("d", DataType::Decimal128(5, 2), true),
            Field::new("s", DataType::Struct(vec![Field::new("x", DataType::Date32, true)].into()), true),
        ]);
        let avro = avro_schema(&schema, &options()).unwrap();
        assert_eq!(avro["name"], "topLevelRecord");
        assert_eq!(avro["fields"][0]["type"], "long");
        assert_eq!(avro["fields"][1]["type"][0]["name"], "topLevelRecord.d.fixed");
        assert_eq!(avro["fields"][1]["type"][0]["size"], 3);
        assert_eq!(avro["fields"][1]["type"][1], "null");
        assert_eq!(avro["fields"][2]["type"][0]["namespace"], "topLevelRecord");
        assert_eq!(avro["fields"][2]["type"][0]["fields"][0]["type"][0]["logicalType"], "date");
    }

    #[test]
    fn decimal_sizes() {
        assert_eq!(decimal_bytes(1), 1);
        assert_eq!(decimal_bytes(2), 1);
        assert_eq!(decimal_bytes(3), 2);
        assert_eq!(decimal_bytes(10), 5);
        assert_eq!(decimal_bytes(38), 16);
    }

    #[test]
    fn writes_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.avro");
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int32, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("d", DataType::Decimal128(5, 2), true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int32Array::from(vec![Some(1), None])),
                Arc::new(StringArray::from(vec![Some("x"), None])),
                Arc::new(Decimal128Array::from(vec![Some(12345), None]).with_precision_and_scale(5, 2).unwrap()),
            ],
        )
        .unwrap();
        let mut file = AvroFile::create(File::create(&path).unwrap(), &schema, codec(None).unwrap(), &options()).unwrap();
        file.write(&batch).unwrap();
        file.finish().unwrap();
        let read_options = AvroReadOptions::default();
        let fields = super::schema(&path, &read_options).unwrap();
        assert_eq!(fields.iter().map(|f| f.name().as_str()).collect::<Vec<_>>(), ["id", "s", "d"]);
        assert_eq!(fields[2].data_type(), &DataType::Decimal128(5, 2));
        let read = read(&path, &schema, &read_options).unwrap();
        assert_eq!(read.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
    }

    #[test]
    fn codecs_as_spark_names_them() {
        assert_eq!(codec(Some("zstandard")).unwrap(), Codec::Zstd);
        assert_eq!(codec(Some("uncompressed")).unwrap(), Codec::None);
        assert_eq!(codec(Some("gzip")).unwrap_err().error_class, "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION");
    }

    #[test]
    fn corrupt_file_fails_or_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.avro");
        std::fs::write(&path, b"not avro").unwrap();
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int32, true)]));
        let err = read(&path, &schema, &AvroReadOptions::default()).unwrap_err();
        assert_eq!(err.error_class, "FAILED_READ_FILE.NO_HINT");
        let skipping = AvroReadOptions { ignore_corrupt: true, ..Default::default() };
        assert!(read(&path, &schema, &skipping).unwrap().is_empty());
    }
}
