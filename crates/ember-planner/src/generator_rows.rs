//! The rows of Spark's `stack` and `json_tuple` generators, built as an
//! array of structs for [`crate::generate`] to inline: `stack(n, v1, v2, …)`
//! spreads its values over `n` rows of columns `col0, col1, …` (missing
//! cells NULL); `json_tuple(json, f1, f2, …)` gives one row of columns
//! `c0, c1, …`, each the top-level field's value as text.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::type_coercion::binary::type_union_resolution;
use datafusion::logical_expr::{Expr, LogicalPlan, cast, lit};
use ember_functions::json::{JsonFunction, SparkJson};
use ember_protocol::connect;

use crate::error::{ErrorKind, Result, SparkError};
use crate::functions::wrong_args;
use crate::json_functions::constant_string;
use crate::plan::Planner;

/// An array of structs with the given field names, one struct per row.
fn struct_rows(rows: Vec<Vec<Expr>>, names: &[String]) -> Expr {
    let structs = rows
        .into_iter()
        .map(|cells| {
            let pairs = names.iter().zip(cells).flat_map(|(name, cell)| [lit(name.as_str()), cell]).collect();
            datafusion::functions::core::expr_fn::named_struct(pairs)
        })
        .collect();
    datafusion::functions_nested::expr_fn::make_array(structs)
}

/// Spark's `STACK_COLUMN_DIFF_TYPES`: the values of a column must have one
/// type (NULLs aside, which take it); `names` are the call's argument names.
fn check_stack_column_types(values: &[(Expr, DataType)], columns: usize, names: &[String]) -> Result<()> {
    let family = |t: &DataType| match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => DataType::Binary,
        other => other.clone(),
    };
    for column in 0..columns {
        let typed = || values.iter().enumerate().skip(column).step_by(columns).filter(|(_, (_, t))| *t != DataType::Null);
        let Some((first, (_, first_type))) = typed().next() else { continue };
        let Some((other, (_, other_type))) = typed().find(|(_, (_, t))| !family(t).equals_datatype(&family(first_type))) else { continue };
        let (left_type, right_type) = (format!("\"{}\"", ember_types::sql_string(first_type)), format!("\"{}\"", ember_types::sql_string(other_type)));
        let sql = format!("\"stack({})\"", names.join(", "));
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "DATATYPE_MISMATCH.STACK_COLUMN_DIFF_TYPES",
            "42K09",
            format!("Cannot resolve {sql} due to data type mismatch: The data type of the column ({column}) do not have the same type: {left_type} ({}) <> {right_type} ({}).", first + 1, other + 1),
            &[
                ("sqlExpr", sql.clone()),
                ("columnIndex", column.to_string()),
                ("leftParamIndex", (first + 1).to_string()),
                ("leftType", left_type),
                ("rightParamIndex", (other + 1).to_string()),
                ("rightType", right_type),
            ],
        ));
    }
    Ok(())
}

impl Planner<'_> {
    /// `stack(n, values…)` as an array of `n` structs.
    pub(crate) fn stack_rows(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<Expr> {
        if arguments.len() < 2 {
            return Err(wrong_args("stack", arguments.len(), "> 1"));
        }
        let (count, count_name) = self.plan_expr(&arguments[0], input)?;
        let rows = match count {
            Expr::Literal(ScalarValue::Int32(Some(n)), _) if n > 0 => n as usize,
            Expr::Literal(ScalarValue::Int64(Some(n)), _) if n > 0 => n as usize,
            _ => {
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                    "42K09",
                    "Cannot resolve \"stack\" due to data type mismatch: the input n should be a foldable \"INT\" expression.",
                    &[("inputName", "`n`".to_string()), ("inputType", "\"INT\"".to_string())],
                ));
            }
        };
        let mut values = Vec::with_capacity(arguments.len() - 1);
        let mut names = vec![count_name];
        for argument in &arguments[1..] {
            let (value, name) = self.plan_expr(argument, input)?;
            let value_type = self.type_of(&value, input)?;
            values.push((value, value_type));
            names.push(name);
        }
        let columns = values.len().div_ceil(rows);
        check_stack_column_types(&values, columns, &names)?;
        let mut column_types = Vec::with_capacity(columns);
        for column in 0..columns {
            let types: Vec<DataType> = values.iter().skip(column).step_by(columns).map(|(_, t)| t.clone()).collect();
            // The types agree (checked above) up to nested nullability.
            let common = type_union_resolution(&types).ok_or_else(|| SparkError::internal("stack values of one type without a common type"))?;
            column_types.push(common);
        }
        let names: Vec<String> = (0..columns).map(|i| format!("col{i}")).collect();
        let cells = (0..rows)
            .map(|row| {
                (0..columns)
                    .map(|column| {
                        let target = column_types[column].clone();
                        match values.get(row * columns + column) {
                            Some((value, _)) => cast(value.clone(), target),
                            None => cast(lit(ScalarValue::Null), target),
                        }
                    })
                    .collect()
            })
            .collect();
        Ok(struct_rows(cells, &names))
    }

    /// `json_tuple(json, fields…)` as an array of one struct.
    pub(crate) fn json_tuple_rows(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<Expr> {
        if arguments.len() < 2 {
            return Err(wrong_args("json_tuple", arguments.len(), "> 1"));
        }
        let planned = arguments.iter().map(|argument| self.plan_expr(argument, input)).collect::<Result<Vec<_>>>()?;
        for (expr, _) in &planned {
            if !ember_functions::cast::is_string(&self.type_of(expr, input)?) {
                let names: Vec<&str> = planned.iter().map(|(_, name)| name.as_str()).collect();
                let sql = format!("json_tuple({})", names.join(", "));
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "DATATYPE_MISMATCH.NON_STRING_TYPE",
                    "42K09",
                    format!("Cannot resolve \"{sql}\" due to data type mismatch: all arguments of the function `json_tuple` must be strings."),
                    &[("sqlExpr", format!("\"{sql}\"")), ("funcName", "`json_tuple`".to_string())],
                ));
            }
        }
        let json = planned[0].0.clone();
        let mut cells = Vec::with_capacity(arguments.len() - 1);
        for (field, _) in &planned[1..] {
            let cell = match constant_string(field) {
                Some(name) => {
                    let path = format!("$['{name}']");
                    SparkJson::call(JsonFunction::GetJsonObject, vec![json.clone(), lit(path)])
                }
                None => cast(lit(ScalarValue::Null), DataType::Utf8),
            };
            cells.push(cell);
        }
        let names: Vec<String> = (0..cells.len()).map(|i| format!("c{i}")).collect();
        Ok(struct_rows(vec![cells], &names))
    }
}
