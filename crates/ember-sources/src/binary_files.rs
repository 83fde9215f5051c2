//! The `binaryFile` source: one row per file with its path, modification
//! time, length and bytes (Spark's fixed schema).

use std::sync::Arc;

use arrow::array::{ArrayRef, BinaryArray, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::catalog::MemTable;
use ember_errors::SparkError;

use crate::errors;
use crate::paths::{InputFile, file_uri, qualified};

/// `path`, `modificationTime`, `length`, `content`.
pub fn schema() -> Vec<Field> {
    vec![
        Field::new("path", DataType::Utf8, true),
        Field::new("modificationTime", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), true),
        Field::new("length", DataType::Int64, true),
        Field::new("content", DataType::Binary, true),
    ]
}

/// The files as rows in `schema` (empty files left out: Spark plans no
/// read of them) (this source's, in Spark's types), read now.
pub fn table(files: &[InputFile], schema: &[Field]) -> Result<MemTable, SparkError> {
    let mut paths = Vec::new();
    let mut modified = Vec::new();
    let mut lengths = Vec::new();
    let mut contents = Vec::new();
    for file in files {
        let meta = std::fs::metadata(&file.path).map_err(|e| errors::io(&qualified(&file.path), e))?;
        if meta.len() == 0 {
            continue;
        }
        let time = meta.modified().map_err(|e| errors::io(&qualified(&file.path), e))?;
        let micros = match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => after.as_micros() as i64,
            Err(before) => -(before.duration().as_micros() as i64),
        };
        paths.push(file_uri(&file.path).replacen("file://", "file:", 1));
        modified.push(micros - micros % 1000);
        lengths.push(meta.len() as i64);
        contents.push(std::fs::read(&file.path).map_err(|e| errors::io(&qualified(&file.path), e))?);
    }
    let schema = Arc::new(Schema::new(schema.to_vec()));
    let modified: ArrayRef = Arc::new(TimestampMicrosecondArray::from(modified).with_timezone("UTC"));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(paths)),
        cast(&modified, schema.field(1).data_type())?,
        Arc::new(Int64Array::from(lengths)),
        Arc::new(BinaryArray::from_iter_values(contents)),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns)?;
    Ok(MemTable::try_new(schema, vec![vec![batch]])?)
}

#[cfg(test)]
mod tests {
    use datafusion::datasource::TableProvider;

    use super::*;

    #[test]
    fn one_row_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        std::fs::write(&path, [1u8, 2, 3]).unwrap();
        let file = InputFile { path: path.clone(), size: 3, root: dir.path().to_path_buf() };
        let table = table(&[file], &schema()).unwrap();
        assert_eq!(table.schema().fields().len(), 4);
    }
}
