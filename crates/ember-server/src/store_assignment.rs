//! Spark's store assignment: which values `INSERT` may write into a column
//! of another type (`spark.sql.storeAssignmentPolicy`: `ANSI`, the default,
//! `STRICT` or `LEGACY`), with Spark's `INCOMPATIBLE_DATA_FOR_TABLE.*`
//! errors, and the overflow of such a cast as `CAST_OVERFLOW_IN_TABLE_INSERT`.

use arrow::datatypes::{DataType, Field};
use ember_planner::error::quote_identifier;
use ember_planner::{ErrorKind, SparkError};

use crate::session::Session;
pub use ember_planner::store_assignment::Policy;
use ember_planner::store_assignment::{can_assign, same_type};

/// The session's `spark.sql.storeAssignmentPolicy`.
pub fn policy(session: &Session) -> Policy {
    let value = session.conf.read().unwrap_or_else(|e| e.into_inner()).get("spark.sql.storeAssignmentPolicy");
    match value.map(|v| v.to_uppercase()).as_deref() {
        Some("STRICT") => Policy::Strict,
        Some("LEGACY") => Policy::Legacy,
        _ => Policy::Ansi,
    }
}

/// Checks that values of type `from` may be stored in `column` (of type `to`)
/// of `table` (its quoted, qualified name).
pub fn check(policy: Policy, table: &str, column: &str, from: &DataType, to: &DataType) -> Result<(), SparkError> {
    if policy == Policy::Legacy {
        return Ok(());
    }
    check_at(policy, table, &quote_identifier(column), from, to)
}

fn check_at(policy: Policy, table: &str, path: &str, from: &DataType, to: &DataType) -> Result<(), SparkError> {
    use DataType::*;
    match (from, to) {
        (Null, _) => Ok(()),
        (List(f) | LargeList(f), List(t) | LargeList(t)) => check_at(policy, table, &format!("{path}.`element`"), f.data_type(), t.data_type()),
        (Map(f, _), Map(t, _)) => {
            let (Struct(f), Struct(t)) = (f.data_type(), t.data_type()) else { return Ok(()) };
            check_at(policy, table, &format!("{path}.`key`"), f[0].data_type(), t[0].data_type())?;
            check_at(policy, table, &format!("{path}.`value`"), f[1].data_type(), t[1].data_type())
        }
        (Struct(f), Struct(t)) => check_struct(policy, table, path, f.iter().map(|x| x.as_ref()), t.iter().map(|x| x.as_ref())),
        _ if can_assign(policy, from, to) => Ok(()),
        _ => Err(incompatible(
            "CANNOT_SAFELY_CAST",
            &format!("Cannot safely cast {path} \"{}\" to \"{}\".", ember_types::sql_string(from), ember_types::sql_string(to)),
            &[
                ("tableName", table.to_string()),
                ("colName", path.to_string()),
                ("srcType", format!("\"{}\"", ember_types::sql_string(from))),
                ("targetType", format!("\"{}\"", ember_types::sql_string(to))),
            ],
        )),
    }
}

/// Struct fields are matched by name: every target field needs data, and
/// the data may have no other fields.
fn check_struct<'a>(
    policy: Policy,
    table: &str,
    path: &str,
    from: impl Iterator<Item = &'a Field> + Clone,
    to: impl Iterator<Item = &'a Field> + Clone,
) -> Result<(), SparkError> {
    for target in to.clone() {
        let field_path = format!("{path}.{}", quote_identifier(target.name()));
        let Some(source) = from.clone().find(|f| f.name().eq_ignore_ascii_case(target.name())) else {
            return Err(incompatible(
                "CANNOT_FIND_DATA",
                &format!("Cannot find data for the output column {field_path}."),
                &[("tableName", table.to_string()), ("colName", field_path.clone())],
            ));
        };
        check_at(policy, table, &field_path, source.data_type(), target.data_type())?;
    }
    let extra: Vec<String> =
        from.filter(|f| !to.clone().any(|t| t.name().eq_ignore_ascii_case(f.name()))).map(|f| quote_identifier(f.name())).collect();
    if extra.is_empty() {
        return Ok(());
    }
    let extra = extra.join(", ");
    Err(incompatible(
        "EXTRA_STRUCT_FIELDS",
        &format!("Cannot write extra fields {extra} to the struct {path}."),
        &[("tableName", table.to_string()), ("colName", path.to_string()), ("extraFields", extra.clone())],
    ))
}

/// `[INCOMPATIBLE_DATA_FOR_TABLE.<reason>]`.
pub fn incompatible(reason: &str, detail: &str, parameters: &[(&str, String)]) -> SparkError {
    let table = parameters.iter().find(|(k, _)| *k == "tableName").map(|(_, v)| v.as_str()).unwrap_or_default();
    SparkError::new(
        ErrorKind::Analysis,
        &format!("INCOMPATIBLE_DATA_FOR_TABLE.{reason}"),
        "KD000",
        format!("Cannot write incompatible data for the table {table}: {detail}"),
        parameters,
    )
}

/// One column an `INSERT` casts: its name, the data's type and the column's.
pub struct AssignedColumn {
    pub name: String,
    pub from: DataType,
    pub to: DataType,
}

/// An overflow raised while casting the data of `columns` into a table
/// becomes Spark's `CAST_OVERFLOW_IN_TABLE_INSERT`, naming the column.
pub fn overflow_in_insert(error: SparkError, columns: &[AssignedColumn]) -> SparkError {
    let is_overflow = error.error_class == "CAST_OVERFLOW" || error.error_class.starts_with("NUMERIC_VALUE_OUT_OF_RANGE");
    if !is_overflow {
        return error;
    }
    let parameter = |key: &str| error.parameters.get(key).map(|v| v.trim_matches('"').to_string());
    let target_matches = |column: &&AssignedColumn| match (parameter("targetType"), &column.to) {
        (Some(target), to) => ember_types::sql_string(to) == target,
        (None, DataType::Decimal128(p, s)) => parameter("precision") == Some(p.to_string()) && parameter("scale") == Some(s.to_string()),
        (None, _) => false,
    };
    let source_matches = |column: &&AssignedColumn| parameter("sourceType").is_none_or(|source| ember_types::sql_string(&column.from) == source);
    let Some(column) = columns.iter().filter(|c| !same_type(&c.from, &c.to)).find(|c| target_matches(c) && source_matches(c)) else {
        return error;
    };
    let (name, source, target) =
        (quote_identifier(&column.name), ember_types::sql_string(&column.from), ember_types::sql_string(&column.to));
    SparkError::new(
        ErrorKind::Arithmetic,
        "CAST_OVERFLOW_IN_TABLE_INSERT",
        "22003",
        format!("Fail to assign a value of \"{source}\" type to the \"{target}\" type column or variable {name} due to an overflow. Use `try_cast` on the input value to tolerate overflow and return NULL instead."),
        &[("sourceType", format!("\"{source}\"")), ("targetType", format!("\"{target}\"")), ("columnName", name.clone())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn class(policy: Policy, from: &DataType, to: &DataType) -> Option<String> {
        check(policy, "`t`", "c", from, to).err().map(|e| e.error_class)
    }

    #[test]
    fn ansi_allows_numbers_strings_and_datetimes() {
        use DataType::*;
        assert_eq!(class(Policy::Ansi, &Int64, &Int32), None);
        assert_eq!(class(Policy::Ansi, &Float64, &Decimal128(5, 2)), None);
        assert_eq!(class(Policy::Ansi, &Boolean, &Utf8), None);
        assert_eq!(class(Policy::Ansi, &Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into())), &Date32), None);
        assert_eq!(class(Policy::Ansi, &Utf8, &Int32).as_deref(), Some("INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST"));
        assert_eq!(class(Policy::Ansi, &Boolean, &Int32).as_deref(), Some("INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST"));
        assert_eq!(class(Policy::Legacy, &Utf8, &Int32), None);
        assert_eq!(class(Policy::Strict, &Int64, &Int32).as_deref(), Some("INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST"));
        assert_eq!(class(Policy::Strict, &Int32, &Int64), None);
    }

    #[test]
    fn nested_types_name_the_failing_part() {
        use DataType::*;
        let list = |t: DataType| List(Arc::new(Field::new("item", t, true)));
        let err = check(Policy::Ansi, "`t`", "a", &list(Utf8), &list(Int32)).unwrap_err();
        assert_eq!(err.parameters["colName"], "`a`.`element`");
        let st = |fields: &[(&str, DataType)]| Struct(fields.iter().map(|(n, t)| Field::new(*n, t.clone(), true)).collect());
        let target = st(&[("x", Int32), ("y", Utf8)]);
        let err = check(Policy::Ansi, "`t`", "s", &st(&[("x", Int32)]), &target).unwrap_err();
        assert_eq!((err.error_class.as_str(), err.parameters["colName"].as_str()), ("INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA", "`s`.`y`"));
        let err = check(Policy::Ansi, "`t`", "s", &st(&[("x", Int32), ("y", Int32), ("z", Int32)]), &target).unwrap_err();
        assert_eq!(err.parameters["extraFields"], "`z`");
    }

    #[test]
    fn overflows_name_the_column() {
        let columns = [AssignedColumn { name: "i".into(), from: DataType::Int64, to: DataType::Int32 }];
        let err = overflow_in_insert(SparkError::cast_overflow("3000000000L", "BIGINT", "INT"), &columns);
        assert_eq!((err.error_class.as_str(), err.parameters["columnName"].as_str()), ("CAST_OVERFLOW_IN_TABLE_INSERT", "`i`"));
    }
}
