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

impl Planner<'_> {
    /// `stack(n, values…)` as an array of `n` structs.
    pub(crate) fn stack_rows(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<Expr> {
        if arguments.len() < 2 {
            return Err(wrong_args("stack", arguments.len(), "> 1"));
        }
        let (count, _) = self.plan_expr(&arguments[0], input)?;
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
        for argument in &arguments[1..] {
            let (value, _) = self.plan_expr(argument, input)?;
            let value_type = self.type_of(&value, input)?;
            values.push((value, value_type));
        }
        let columns = values.len().div_ceil(rows);
        let mut column_types = Vec::with_capacity(columns);
        for column in 0..columns {
            let types: Vec<DataType> = values.iter().skip(column).step_by(columns).map(|(_, t)| t.clone()).collect();
            let common = type_union_resolution(&types).ok_or_else(|| {
                SparkError::new(
                    ErrorKind::Analysis,
                    "DATATYPE_MISMATCH.STACK_COLUMN_DIFF_TYPES",
                    "42K09",
                    format!("Cannot resolve \"stack\" due to data type mismatch: The data type of the column ({column}) do not have the same type."),
                    &[("columnIndex", column.to_string())],
                )
            })?;
            column_types.push(if common == DataType::Null { DataType::Utf8 } else { common });
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
        let (json, _) = self.plan_expr(&arguments[0], input)?;
        let mut cells = Vec::with_capacity(arguments.len() - 1);
        for argument in &arguments[1..] {
            let (field, _) = self.plan_expr(argument, input)?;
            let cell = match constant_string(&field) {
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
