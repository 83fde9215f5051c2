//! Spark's JSON column functions built on the JSON reader: `from_json`
//! (a string column parsed into a struct, array or map with the reader's
//! conversions and parse modes) and `schema_of_json`.

use std::hash::{Hash, Hasher};
use arrow::array::{Array, AsArray};
use arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_errors::{ErrorKind, SparkError};

use crate::bad_records::ParseMode;
use crate::cells::{Cell, to_array};
use crate::json::infer_value_type;
use crate::json_records::{JsonReadOptions, JsonRecords};
use crate::json_syntax::{self, Kind, Value};
use crate::options::Options;

/// The options of a JSON function call, as the client sent them.
pub type OptionPairs = Vec<(String, String)>;

/// `from_json(json, schema, options)`: one JSON document per row, read as
/// `schema` (a struct, array or map type).
#[derive(Debug)]
pub struct FromJson {
    schema: DataType,
    pairs: OptionPairs,
    records: JsonRecords,
    signature: Signature,
}

impl PartialEq for FromJson {
    fn eq(&self, other: &Self) -> bool {
        self.schema == other.schema && self.pairs == other.pairs && self.records.time_zone == other.records.time_zone
    }
}

impl Eq for FromJson {}

impl Hash for FromJson {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.schema.hash(state);
        self.pairs.hash(state);
        self.records.time_zone.hash(state);
    }
}

impl FromJson {
    /// The call `from_json(json)`; fails on options Spark rejects or a
    /// schema that is not a struct, array or map.
    pub fn call(json: Expr, schema: DataType, pairs: OptionPairs, time_zone: &str) -> Result<Expr, SparkError> {
        if !matches!(schema, DataType::Struct(_) | DataType::List(_) | DataType::Map(..)) {
            return Err(invalid_json_schema(&schema));
        }
        let options = JsonReadOptions::parse(&Options::new(pairs.iter().map(|(k, v)| (k, v))))?;
        let corrupt_column = match &schema {
            DataType::Struct(fields) => fields.iter().position(|f| f.name() == &options.bad_records.corrupt_column),
            _ => None,
        };
        let records = JsonRecords { options, corrupt_column, time_zone: time_zone.to_string() };
        let udf = FromJson { schema, pairs, records, signature: Signature::any(1, Volatility::Immutable) };
        Ok(ScalarUDF::new_from_impl(udf).call(vec![datafusion::logical_expr::cast(json, DataType::Utf8)]))
    }

    /// One row's value; `Err` with the partial value when the record is malformed.
    fn read(&self, text: &str) -> Result<Cell, Cell> {
        let parsed = json_syntax::parse(text, &self.records.options.syntax);
        let mut bad = false;
        match &self.schema {
            DataType::Struct(fields) => {
                let Some(value @ Value { kind: Kind::Object(_), .. }) = parsed.as_ref() else {
                    return Err(self.with_corrupt_text(Cell::Struct(vec![Cell::Null; fields.len()]), text));
                };
                let cell = self.records.convert(value, &self.schema, None, &mut bad);
                if bad { Err(self.with_corrupt_text(cell, text)) } else { Ok(cell) }
            }
            DataType::List(item) => {
                let Some(value) = parsed.as_ref() else { return Err(Cell::Null) };
                let cell = match (&value.kind, item.data_type()) {
                    (Kind::Object(_), DataType::Struct(_)) => {
                        Cell::List(vec![self.records.convert(value, item.data_type(), ember_types::IntervalFields::of(item), &mut bad)])
                    }
                    _ => self.records.convert(value, &self.schema, None, &mut bad),
                };
                // Bad fields inside the elements stay NULL (partial results).
                if cell == Cell::Null { Err(Cell::Null) } else { Ok(cell) }
            }
            _ => {
                let Some(value @ Value { kind: Kind::Object(_), .. }) = parsed.as_ref() else { return Err(Cell::Null) };
                let cell = self.records.convert(value, &self.schema, None, &mut bad);
                if bad || cell == Cell::Null { Err(Cell::Null) } else { Ok(cell) }
            }
        }
    }

    /// A struct with the record's text in its corrupt-record field, if it has one.
    fn with_corrupt_text(&self, cell: Cell, text: &str) -> Cell {
        match (cell, self.records.corrupt_column) {
            (Cell::Struct(mut values), Some(index)) => {
                values[index] = Cell::Text(text.to_string());
                Cell::Struct(values)
            }
            (cell, _) => cell,
        }
    }
}

impl ScalarUDFImpl for FromJson {
    fn name(&self) -> &str {
        "from_json"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(self.schema.clone())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let Some(texts) = array.as_string_opt::<i32>() else { return exec_err!("from_json expects a string") };
        let fail_fast = self.records.options.bad_records.mode == ParseMode::FailFast;
        let mut cells = Vec::with_capacity(texts.len());
        for text in texts.iter() {
            let refuses = self.records.options.datetimes.refuses_parsing();
            if let Some(value) = text.filter(|_| refuses).and_then(|t| json_syntax::parse(t, &self.records.options.syntax)) {
                self.records.check_patterns(&value, &self.schema).map_err(SparkError::into_datafusion)?;
            }
            cells.push(match text.map(|t| self.read(t)) {
                None => Cell::Null,
                Some(Ok(cell)) => cell,
                Some(Err(_)) if fail_fast => return Err(malformed_record(&self.schema).into_datafusion()),
                Some(Err(partial)) => partial,
            });
        }
        Ok(ColumnarValue::Array(to_array(cells, &self.schema)?))
    }
}

/// `schema_of_json(json, options)` of a constant document: its type in DDL
/// (`STRUCT<a: BIGINT>`).
pub fn schema_of_json(json: &str, pairs: &OptionPairs) -> Result<String, SparkError> {
    let options = JsonReadOptions::parse(&Options::new(pairs.iter().map(|(k, v)| (k, v))))?;
    let data_type = match json_syntax::parse(json, &options.syntax) {
        Some(value) => infer_value_type(&value, &options),
        None if options.bad_records.mode == ParseMode::FailFast => return Err(malformed_record(&DataType::Utf8)),
        None => DataType::Utf8,
    };
    Ok(ember_types::display::sql_string(&data_type))
}

/// `[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA]`: `from_json` reads only structs, arrays and maps.
fn invalid_json_schema(schema: &DataType) -> SparkError {
    let rendered = ember_types::display::sql_string(schema);
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.INVALID_JSON_SCHEMA",
        "42K09",
        format!("Cannot resolve \"from_json\" due to data type mismatch: Input schema \"{rendered}\" must be a struct, an array, a map or a variant."),
        &[("sqlExpr", "\"from_json\"".to_string()), ("schema", format!("\"{rendered}\""))],
    )
}

/// `[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION]` of a FAILFAST `from_json`.
fn malformed_record(schema: &DataType) -> SparkError {
    let bad_record = match schema {
        DataType::Struct(fields) => format!("[{}]", vec!["null"; fields.len()].join(",")),
        _ => "null".to_string(),
    };
    SparkError::new(
        ErrorKind::Internal,
        "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
        "22023",
        format!("Malformed records are detected in record parsing: {bad_record}.\nParse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'."),
        &[("failFastMode", "FAILFAST".to_string()), ("badRecord", bad_record)],
    )
}

/// The column name Spark gives a `from_json` call: `from_json(json)`, or
/// `entries` for a map schema.
pub fn from_json_name(schema: &DataType, json_name: &str) -> String {
    match schema {
        DataType::Map(..) => "entries".to_string(),
        _ => format!("from_json({json_name})"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, StringArray};
    use arrow::datatypes::{Field, Fields};
    use datafusion::config::ConfigOptions;

    use super::*;

    fn run(schema: DataType, pairs: &[(&str, &str)], texts: Vec<Option<&str>>) -> Result<ArrayRef> {
        let pairs: OptionPairs = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let Expr::ScalarFunction(call) = FromJson::call(datafusion::prelude::lit("x"), schema.clone(), pairs, "UTC").unwrap() else {
            panic!("a UDF call expected")
        };
        let input: ArrayRef = Arc::new(StringArray::from(texts));
        let rows = input.len();
        let args = ScalarFunctionArgs {
            args: vec![ColumnarValue::Array(input)],
            arg_fields: vec![Arc::new(Field::new("x", DataType::Utf8, true))],
            number_rows: rows,
            return_field: Arc::new(Field::new("r", schema, true)),
            config_options: Arc::new(ConfigOptions::default()),
        };
        call.func.invoke_with_args(args)?.to_array(rows)
    }

    fn struct_ab() -> DataType {
        DataType::Struct(Fields::from(vec![Field::new("a", DataType::Int32, true), Field::new("b", DataType::Utf8, true)]))
    }

    #[test]
    fn permissive_keeps_partial_structs() {
        let result = run(struct_ab(), &[], vec![Some(r#"{"a": 1, "b": "x"}"#), None, Some("bad"), Some(r#"{"a": "s", "b": 2}"#)]).unwrap();
        let structs = result.as_struct();
        assert!(structs.is_valid(0) && structs.is_null(1) && structs.is_valid(2));
        assert_eq!(structs.column(0).as_primitive::<arrow::datatypes::Int32Type>().value(0), 1);
        assert!(structs.column(0).is_null(3));
        assert_eq!(structs.column(1).as_string::<i32>().value(3), "2");
    }

    #[test]
    fn failfast_fails_on_malformed_records() {
        let error = run(struct_ab(), &[("mode", "FAILFAST")], vec![Some("bad")]).unwrap_err();
        assert!(error.to_string().contains("MALFORMED_RECORD_IN_PARSING"));
    }

    #[test]
    fn schema_of_json_writes_ddl() {
        let doc = r#"{"a": 1, "b": [1.5], "c": {"z": "s", "a": null}}"#;
        assert_eq!(schema_of_json(doc, &vec![]).unwrap(), "STRUCT<a: BIGINT, b: ARRAY<DOUBLE>, c: STRUCT<a: STRING, z: STRING>>");
        let decimals = vec![("prefersDecimal".to_string(), "true".to_string())];
        assert_eq!(schema_of_json(r#"{"a": 1.5}"#, &decimals).unwrap(), "STRUCT<a: DECIMAL(2,1)>");
    }
}
