//! The `binaryFile` source: one row per file with its path, modification
//! time, length and bytes (Spark's fixed schema).

use std::sync::Arc;

use arrow::array::{ArrayRef, BinaryArray, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, SchemaRef, TimeUnit};
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

/// The file's row in `schema` (this source's, in Spark's types), read
/// now; an empty file gives none (Spark plans no read of it).
pub fn file_row(file: &InputFile, schema: &SchemaRef) -> Result<Vec<RecordBatch>, SparkError> {
    let meta = std::fs::metadata(&file.path).map_err(|e| errors::io(&qualified(&file.path), e))?;
    if meta.len() == 0 {
        return Ok(Vec::new());
    }
    let time = meta.modified().map_err(|e| errors::io(&qualified(&file.path), e))?;
    let micros = match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => after.as_micros() as i64,
        Err(before) => -(before.duration().as_micros() as i64),
    };
    let content = std::fs::read(&file.path).map_err(|e| errors::io(&qualified(&file.path), e))?;
    let modified: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![micros - micros % 1000]).with_timezone("UTC"));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![file_uri(&file.path).replacen("file://", "file:", 1)])),
        cast(&modified, schema.field(1).data_type())?,
        Arc::new(Int64Array::from(vec![meta.len() as i64])),
        Arc::new(BinaryArray::from_iter_values([content])),
    ];
    Ok(vec![RecordBatch::try_new(schema.clone(), columns)?])
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::Schema;

    use super::*;

    #[test]
    fn one_row_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        std::fs::write(&path, [1u8, 2, 3]).unwrap();
        let file = InputFile { path: path.clone(), size: 3, root: dir.path().to_path_buf() };
        let empty = InputFile { path: dir.path().join("empty.bin"), size: 0, root: dir.path().to_path_buf() };
        std::fs::write(&empty.path, []).unwrap();
        let schema = Arc::new(Schema::new(schema()));
        let rows = [file, empty].iter().map(|f| file_row(f, &schema).unwrap()).collect::<Vec<_>>();
        assert_eq!(rows.iter().map(Vec::len).collect::<Vec<_>>(), [1, 0]);
        assert_eq!(rows[0][0].num_columns(), 4);
    }
}
