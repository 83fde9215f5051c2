//! The schema of a Parquet read: the first file's footer, or with
//! `mergeSchema` (option, else `spark.sql.parquet.mergeSchema`) every
//! footer's columns merged as Spark merges them.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, SchemaRef};
use datafusion::parquet::arrow::arrow_reader::ArrowReaderMetadata;
use datafusion::parquet::file::metadata::KeyValue;
use ember_errors::{ErrorKind, SparkError};
use ember_types::UserDefinedType;

use crate::errors;
use crate::options::Options;
use crate::paths::{InputFile, file_uri, qualified};
use crate::bad_records;
use crate::file_failures::FileFailures;

/// Whether the read merges the files' schemas.
pub fn merges(options: &Options, session_conf: &Options) -> Result<bool, SparkError> {
    let default = session_conf.bool("spark.sql.parquet.mergeSchema", false)?;
    options.bool("mergeSchema", default)
}

/// The columns to read from `files`, all nullable.
pub fn schema(files: &[InputFile], merge: bool) -> Result<Vec<Field>, SparkError> {
    let Some(first) = files.first() else { return Err(errors::unable_to_infer_schema("Parquet")) };
    let mut merged = footer(first)?;
    if merge {
        for file in &files[1..] {
            merged = merge_fields(&merged, &footer(file)?)?;
        }
    }
    Ok(merged.into_iter().map(|f| f.with_nullable(true)).collect())
}

/// `ignoreCorruptFiles` and `ignoreMissingFiles` for Parquet: the files
/// whose footer cannot be read, or that are gone, left out.
pub fn usable(files: Vec<InputFile>, failures: &FileFailures) -> Result<Vec<InputFile>, SparkError> {
    let mut kept = Vec::with_capacity(files.len());
    for file in files {
        let missing = !file.path.exists();
        if !failures.skips(missing) {
            kept.push(file);
            continue;
        }
        let uri = file_uri(&file.path);
        match footer(&file) {
            Ok(_) => kept.push(file),
            Err(_) if missing => failures.skip(&uri, &bad_records::file_not_exist(&uri))?,
            Err(error) => failures.skip(&uri, &error)?,
        }
    }
    Ok(kept)
}

fn footer(file: &InputFile) -> Result<Vec<Field>, SparkError> {
    let handle = std::fs::File::open(&file.path).map_err(|e| errors::io(&qualified(&file.path), e))?;
    let metadata = ArrowReaderMetadata::load(&handle, Default::default()).map_err(|e| errors::io(&qualified(&file.path), e))?;
    let spark_row = metadata.metadata().file_metadata().key_value_metadata().and_then(|pairs| {
        pairs.iter().find(|pair| pair.key == SPARK_ROW_METADATA_KEY).and_then(|pair| pair.value.as_deref())
    });
    let spark_fields = match spark_row.and_then(|json| ember_types::parse_json_type(json, "UTC").ok()) {
        Some(DataType::Struct(fields)) => fields,
        _ => Fields::empty(),
    };
    Ok(metadata.schema().fields().iter().map(|f| with_spark_udts(f.as_ref().clone(), &spark_fields)).collect())
}

/// The footer key under which Spark writes a Parquet file's schema as its
/// JSON (UDTs included).
const SPARK_ROW_METADATA_KEY: &str = "org.apache.spark.sql.parquet.row.metadata";

/// The footer entry Spark writes: the schema of the rows as Spark's JSON;
/// `None` for a schema Spark cannot type.
pub fn spark_row_metadata(schema: &SchemaRef) -> Option<KeyValue> {
    let json = ember_types::to_json_type(&DataType::Struct(schema.fields().clone())).ok()?;
    Some(KeyValue::new(SPARK_ROW_METADATA_KEY.to_string(), json))
}

/// A footer column holding the UDTs Spark's schema (`spark_fields`) gives
/// the column of its name, when the two agree on its type.
fn with_spark_udts(field: Field, spark_fields: &Fields) -> Field {
    let Some((_, spark)) = spark_fields.find(field.name()) else { return field };
    let tagged = UserDefinedType::carry(field.clone(), spark);
    if UserDefinedType::is_inside(spark.data_type()) && spark.data_type().equals_datatype(field.data_type()) {
        // Nested UDTs live in the metadata of the type's own fields.
        tagged.with_data_type(spark.data_type().clone())
    } else {
        tagged
    }
}

/// Spark's `StructType.merge`: the left columns (struct columns merged
/// recursively), then the right's new columns; other type conflicts raise
/// `[CANNOT_MERGE_SCHEMAS]`.
fn merge_fields(left: &[Field], right: &[Field]) -> Result<Vec<Field>, SparkError> {
    let mut merged = Vec::with_capacity(left.len());
    for field in left {
        match right.iter().find(|r| r.name() == field.name()) {
            None => merged.push(field.clone()),
            Some(other) if other.data_type() == field.data_type() => merged.push(field.clone()),
            Some(other) => match (field.data_type(), other.data_type()) {
                (DataType::Struct(a), DataType::Struct(b)) => {
                    let a: Vec<Field> = a.iter().map(|f| f.as_ref().clone()).collect();
                    let b: Vec<Field> = b.iter().map(|f| f.as_ref().clone()).collect();
                    let inner = merge_fields(&a, &b)?;
                    merged.push(field.clone().with_data_type(DataType::Struct(Fields::from(inner))));
                }
                _ => return Err(cannot_merge(left, right)),
            },
        }
    }
    merged.extend(right.iter().filter(|r| !left.iter().any(|l| l.name() == r.name())).cloned());
    Ok(merged)
}

fn cannot_merge(left: &[Field], right: &[Field]) -> SparkError {
    let sql = |fields: &[Field]| {
        let fields: Fields = fields.iter().map(|f| Arc::new(f.clone())).collect();
        format!("\"{}\"", ember_types::sql_string(&DataType::Struct(fields)))
    };
    let (left, right) = (sql(left), sql(right));
    SparkError::new(
        ErrorKind::Internal,
        "CANNOT_MERGE_SCHEMAS",
        "42KD9",
        format!("Failed merging schemas:\nInitial schema:\n{left}\nSchema that cannot be merged with the initial schema:\n{right}."),
        &[("left", left), ("right", right)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_and_missing_files_can_be_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.parquet");
        std::fs::write(&bad, "not parquet").unwrap();
        let files = vec![
            InputFile { path: bad, size: 11, root: dir.path().to_path_buf() },
            InputFile { path: dir.path().join("gone.parquet"), size: 1, root: dir.path().to_path_buf() },
        ];
        assert_eq!(usable(files.clone(), &FileFailures::default()).unwrap().len(), 2);
        let missing = FileFailures { ignore_missing: true, ..Default::default() };
        assert_eq!(usable(files.clone(), &missing).unwrap().len(), 1);
        let both = FileFailures { ignore_corrupt: true, ignore_missing: true, log: None };
        assert!(usable(files, &both).unwrap().is_empty());
    }

    #[test]
    fn appends_new_columns_and_rejects_conflicts() {
        let left = [Field::new("id", DataType::Int32, true), Field::new("b", DataType::Utf8, true)];
        let right = [Field::new("id", DataType::Int32, true), Field::new("c", DataType::Float64, true)];
        let names: Vec<String> = merge_fields(&left, &right).unwrap().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["id", "b", "c"]);
        let conflict = [Field::new("id", DataType::Int64, true)];
        assert_eq!(merge_fields(&left, &conflict).unwrap_err().error_class, "CANNOT_MERGE_SCHEMAS");
    }
}
