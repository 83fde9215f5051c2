//! The column types of a set operation's inputs: Spark's error when a
//! column has no common type on both sides.

use datafusion::arrow::datatypes::{DataType, Field};

use crate::error::SparkError;

/// Whether no value of one type can stand for the other: an array, map,
/// struct, day-time or year-month interval against another kind of type,
/// or structs whose fields differ in number or names (Spark lets structs
/// inside arrays differ in names).
/// Other pairs without a wider type are cast to the first input's type.
pub(crate) fn incompatible(a: &DataType, b: &DataType) -> bool {
    use DataType::*;
    let kind = |t: &DataType| match t {
        List(_) | LargeList(_) | FixedSizeList(..) => 1,
        Map(..) => 2,
        Struct(_) => 3,
        Duration(_) => 4,
        Interval(_) => 5,
        _ => 0,
    };
    match (a, b) {
        (Struct(x), Struct(y)) => {
            x.len() != y.len()
                || x.iter().zip(y.iter()).any(|(f, g)| !f.name().eq_ignore_ascii_case(g.name()) || incompatible(f.data_type(), g.data_type()))
        }
        _ => kind(a) != kind(b),
    }
}

/// The SQL name of a column's type, an ANSI interval's with its units.
fn sql_type(field: &Field) -> String {
    match ember_types::IntervalFields::of(field) {
        Some(units) => format!("INTERVAL {}", units.units(!matches!(field.data_type(), DataType::Duration(_)))),
        None => ember_types::sql_string(field.data_type()),
    }
}

/// `[INCOMPATIBLE_COLUMN_TYPE]`: column `index` (0-based) of the second
/// input of `operator` has the type of `second`, which does not combine with the
/// first input's `first`.
pub(crate) fn incompatible_column_type(operator: &str, index: usize, first: &Field, second: &Field) -> SparkError {
    let column = crate::input_types::ordinal(index);
    let (type1, type2) = (format!("\"{}\"", sql_type(second)), format!("\"{}\"", sql_type(first)));
    SparkError::new(
        crate::ErrorKind::Analysis,
        "INCOMPATIBLE_COLUMN_TYPE",
        "42825",
        format!("{operator} can only be performed on tables with compatible column types. The {column} column of the second table is {type1} type which is not compatible with {type2} at the same column of the first table."),
        &[
            ("operator", operator.to_string()),
            ("columnOrdinalNumber", column.clone()),
            ("tableOrdinalNumber", "second".to_string()),
            ("dataType1", type1.clone()),
            ("dataType2", type2.clone()),
            ("hint", String::new()),
        ],
    )
}
