//! Spark's check of argument types before a call is planned: an argument that
//! cannot be implicitly cast to what the function takes fails the query with
//! `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`, naming the parameter.

use datafusion::arrow::datatypes::DataType;

use crate::error::{ErrorKind, Result, SparkError};

/// A kind of collection a parameter takes; other types never cast to it.
#[derive(Debug, Clone, Copy)]
enum Collection {
    Array,
    Map,
    ArrayOrMap,
}

impl Collection {
    fn accepts(self, t: &DataType) -> bool {
        let array = matches!(t, DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..));
        let map = matches!(t, DataType::Map(..));
        matches!(t, DataType::Null)
            || match self {
                Collection::Array => array,
                Collection::Map => map,
                Collection::ArrayOrMap => array || map,
            }
    }

    /// The required type as Spark's messages write it.
    fn required(self) -> &'static str {
        match self {
            Collection::Array => "\"ARRAY\"",
            Collection::Map => "\"MAP\"",
            Collection::ArrayOrMap => "(\"ARRAY\" or \"MAP\")",
        }
    }
}

/// The collection the first parameter of `function` takes, if it takes one.
fn first_parameter(function: &str) -> Option<Collection> {
    Some(match function {
        "array_contains" | "array_position" | "array_remove" | "array_distinct" | "array_max" | "array_min"
        | "sort_array" | "array_join" | "array_compact" | "array_append" | "array_prepend" | "array_insert"
        | "slice" | "shuffle" => Collection::Array,
        "map_keys" | "map_values" | "map_entries" | "map_contains_key" => Collection::Map,
        "size" | "cardinality" | "element_at" => Collection::ArrayOrMap,
        _ => return None,
    })
}

/// Checks the argument types of a call of `function` (lower case), rendered as
/// `sql_expr`, whose arguments are named `names`; `type_of` gives an argument's type.
pub(crate) fn check_arguments(
    function: &str,
    sql_expr: &str,
    names: &[String],
    type_of: impl Fn(usize) -> Result<DataType>,
) -> Result<()> {
    let Some(collection) = first_parameter(function).filter(|_| !names.is_empty()) else {
        return Ok(());
    };
    let first = type_of(0)?;
    if collection.accepts(&first) {
        Ok(())
    } else {
        Err(unexpected_input_type(sql_expr, 0, collection.required(), &names[0], &first))
    }
}

pub(crate) fn ordinal(index: usize) -> &'static str {
    ["first", "second", "third", "fourth", "fifth"].get(index).copied().unwrap_or("next")
}

/// `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE` for argument `index` of `sql_expr`.
pub(crate) fn unexpected_input_type(
    sql_expr: &str,
    index: usize,
    required: &str,
    input_sql: &str,
    got: &DataType,
) -> SparkError {
    let input_type = format!("\"{}\"", ember_types::sql_string(got));
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
        "42K09",
        format!(
            "Cannot resolve \"{sql_expr}\" due to data type mismatch: The {} parameter requires the {required} type, however \"{input_sql}\" has the type {input_type}.",
            ordinal(index)
        ),
        &[
            ("sqlExpr", format!("\"{sql_expr}\"")),
            ("paramIndex", ordinal(index).to_string()),
            ("requiredType", required.to_string()),
            ("inputSql", format!("\"{input_sql}\"")),
            ("inputType", input_type),
        ],
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::datatypes::Field;

    use super::*;

    #[test]
    fn a_number_is_not_an_array() {
        let err = check_arguments("array_contains", "array_contains(1, 1)", &["1".into(), "1".into()], |_| {
            Ok(DataType::Int32)
        })
        .unwrap_err();
        assert_eq!(err.error_class, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
        assert_eq!(err.parameters["paramIndex"], "first");
        assert_eq!(err.parameters["requiredType"], "\"ARRAY\"");
        assert_eq!(err.parameters["inputType"], "\"INT\"");
    }

    #[test]
    fn arrays_maps_and_nulls_pass() {
        let list = DataType::List(Arc::new(Field::new("element", DataType::Int32, true)));
        let names = ["a".to_string()];
        assert!(check_arguments("size", "size(a)", &names, |_| Ok(list.clone())).is_ok());
        assert!(check_arguments("array_max", "array_max(a)", &names, |_| Ok(DataType::Null)).is_ok());
        assert!(check_arguments("map_keys", "map_keys(a)", &names, |_| Ok(list.clone())).is_err());
        assert!(check_arguments("upper", "upper(a)", &names, |_| Ok(DataType::Int32)).is_ok());
    }
}

/// `DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION`: Spark has no cast from
/// `source` to `target` (`sql` is the cast's text).
pub(crate) fn cannot_cast(sql: &str, source: &DataType, target: &DataType) -> SparkError {
    cannot_cast_text(sql, format!("\"{}\"", ember_types::sql_string(source)), format!("\"{}\"", ember_types::sql_string(target)))
}

/// [`cannot_cast`] with the types' texts as Spark quotes them (`"INT"`,
/// `UDT("ARRAY<DOUBLE>")`).
pub(crate) fn cannot_cast_text(sql: &str, source: String, target: String) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
        "42K09",
        format!("Cannot resolve \"{sql}\" due to data type mismatch: cannot cast {source} to {target}."),
        &[("sqlExpr", format!("\"{sql}\"")), ("srcType", source.clone()), ("targetType", target.clone())],
    )
}
