//! Reshaping relations: `Unpivot` (`unpivot`/`melt`), `Transpose` and `Zip`
//! (two frames' columns side by side, row by row).

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::common::tree_node::TreeNode;
use datafusion::common::{Column, JoinType, ScalarValue, UnnestOptions};
use datafusion::logical_expr::type_coercion::binary::type_union_resolution;
use datafusion::functions::expr_fn::coalesce;
use datafusion::functions_nested::expr_fn::make_array;
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, cast, col, lit};
use ember_functions::cast::{CastMode, spark_cast};
use ember_protocol::connect;

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::{ColumnInfo, Planner, fresh_name, project_plan};

/// Spark Connect's error for a `df.col` reference that its plan no longer has.
pub(crate) fn dataframe_column_error(name: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "CANNOT_RESOLVE_DATAFRAME_COLUMN",
        "42704",
        format!(
            "Cannot resolve dataframe column \"{name}\". It's probably because of illegal references like `df1.select(df2.col(\"a\"))`."
        ),
        &[("name", format!("\"{name}\""))],
    )
}

/// Spark's least common type of `types` (numbers widen; strings, dates
/// and other types only meet their own kind), or the first pair without one.
/// No types at all (a transpose of the index column alone) give strings.
fn least_common_type(types: &[DataType]) -> std::result::Result<DataType, (DataType, DataType)> {
    let Some(first) = types.first() else { return Ok(DataType::Utf8) };
    let mut common = first.clone();
    for next in &types[1..] {
        common = match (&common, next) {
            (a, b) if a == b => common.clone(),
            (DataType::Null, b) => b.clone(),
            (_, DataType::Null) => common.clone(),
            (a, b) if a.is_numeric() && b.is_numeric() => {
                type_union_resolution(&[a.clone(), b.clone()]).ok_or_else(|| (a.clone(), b.clone()))?
            }
            (a, b) => return Err((a.clone(), b.clone())),
        };
    }
    Ok(common)
}

/// Spark's error for an index column `transpose` cannot use.
fn invalid_index(reason: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "TRANSPOSE_INVALID_INDEX_COLUMN",
        "42804",
        format!("Invalid index column for TRANSPOSE because: {reason}"),
        &[("reason", reason.to_string())],
    )
}

/// A type as Spark's Scala `DataType.toString` writes it (`ArrayType(StringType,true)`).
fn scala_type_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "StringType".to_string(),
        DataType::Int8 => "ByteType".to_string(),
        DataType::Int16 => "ShortType".to_string(),
        DataType::Int32 => "IntegerType".to_string(),
        DataType::Int64 => "LongType".to_string(),
        DataType::Float32 => "FloatType".to_string(),
        DataType::Float64 => "DoubleType".to_string(),
        DataType::Boolean => "BooleanType".to_string(),
        DataType::Date32 => "DateType".to_string(),
        DataType::Timestamp(_, Some(_)) => "TimestampType".to_string(),
        DataType::Timestamp(_, None) => "TimestampNTZType".to_string(),
        DataType::Binary | DataType::LargeBinary => "BinaryType".to_string(),
        DataType::Decimal128(p, s) => format!("DecimalType({p},{s})"),
        DataType::Null => "NullType".to_string(),
        DataType::List(f) | DataType::LargeList(f) => format!("ArrayType({},{})", scala_type_name(f.data_type()), f.is_nullable()),
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => format!(
                "MapType({},{},{})",
                scala_type_name(kv[0].data_type()),
                scala_type_name(kv[1].data_type()),
                kv[1].is_nullable()
            ),
            other => other.to_string(),
        },
        DataType::Struct(fields) => format!(
            "StructType({})",
            fields
                .iter()
                .map(|f| format!("StructField({},{},{})", f.name(), scala_type_name(f.data_type()), f.is_nullable()))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

impl Planner<'_> {
    /// `unpivot(ids, values, variable, value)`: one row per input row and
    /// value column, with the column's name and its value (in the values'
    /// least common type). Without values, every non-id column is one.
    pub(crate) fn unpivot(&mut self, unpivot: &connect::Unpivot) -> Result<LogicalPlan> {
        let input = self.input(&unpivot.input)?;
        let implicit_ids = crate::other_columns::is_other_columns(&unpivot.ids);
        let mut ids = Vec::new();
        if !implicit_ids {
            for expression in &unpivot.ids {
                ids.push(self.plan_expr(expression, &input)?);
            }
        }
        let values: Vec<(Expr, String)> = match &unpivot.values {
            Some(values) => values.values.iter().map(|v| self.plan_expr(v, &input)).collect::<Result<_>>()?,
            None => self
                .columns_of(&input)
                .into_iter()
                .filter(|(expr, _)| !ids.iter().any(|(id, _)| id == expr))
                .map(|(expr, info)| (expr, info.name))
                .collect(),
        };
        if implicit_ids {
            ids = self.other_columns(&input, &values.iter().map(|(e, _)| e).collect::<Vec<_>>());
        }
        // The planned ids and values the client wrote, with what it wrote.
        let written_ids = if implicit_ids { &[][..] } else { &unpivot.ids[..] };
        let written_values = unpivot.values.as_ref().map_or(&[][..], |v| &v.values[..]);
        let mut written = written_ids.iter().zip(&ids).chain(written_values.iter().zip(&values));
        if let Some((origin, _)) = written.find(|(_, (expr, _))| has_predicate_subquery(expr)) {
            let columns = ids.iter().chain(&values).map(|(_, name)| name.clone()).collect::<Vec<_>>().join(", ");
            let outputs = [unpivot.variable_column_name.clone(), unpivot.value_column_name.clone()];
            let tree_node = format!("Expand [[{columns}]], [{}]\n", ids.iter().map(|(_, n)| n.clone()).chain(outputs).collect::<Vec<_>>().join(", "));
            let error = SparkError::new(
                ErrorKind::Analysis,
                "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.UNSUPPORTED_IN_EXISTS_SUBQUERY",
                "0A000",
                format!("Unsupported subquery expression: IN/EXISTS predicate subqueries can only be used in filters, joins, aggregations, window functions, projections, and UPDATE/MERGE/DELETE commands:\n{tree_node}"),
                &[("treeNode", tree_node.clone())],
            );
            return Err(match crate::expression_origins::origin_context(origin) {
                Some(context) => error.with_query_context(&context),
                None => error,
            });
        }
        if values.is_empty() {
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "UNPIVOT_REQUIRES_VALUE_COLUMNS",
                "42K0A",
                "At least one value column needs to be specified for UNPIVOT, all columns specified as ids.",
                &[],
            ));
        }
        let types = values.iter().map(|(e, _)| e.get_type(input.schema())).collect::<datafusion::common::Result<Vec<_>>>()?;
        let values_nullable = values.iter().map(|(e, _)| e.nullable(input.schema())).collect::<datafusion::common::Result<Vec<_>>>()?.contains(&true);
        let names: Vec<String> = values.iter().map(|(_, n)| n.clone()).collect();
        let value_type = least_common_type(&types).map_err(|_| {
            let listed = values
                .iter()
                .zip(&types)
                .map(|((_, name), t)| format!("\"{}\" ({})", ember_types::sql_string(t), crate::error::quote_identifier(name)))
                .collect::<Vec<_>>()
                .join(", ");
            SparkError::new(
                ErrorKind::Analysis,
                "UNPIVOT_VALUE_DATA_TYPE_MISMATCH",
                "42K09",
                format!("Unpivot value columns must share a least common type, some types do not: [{listed}]."),
                &[("types", listed.clone())],
            )
        })?;
        let (variable_list, value_list) = (fresh_name(), fresh_name());
        let mut columns = Vec::new();
        let mut outputs = Vec::new();
        for (expr, name) in ids {
            let internal = self.new_column(&name);
            columns.push(expr.alias(&internal));
            outputs.push(col(Column::new_unqualified(&internal)));
        }
        columns.push(make_array(names.iter().map(|n| lit(n.as_str())).collect()).alias(&variable_list));
        columns.push(make_array(values.into_iter().map(|(e, _)| cast(e, value_type.clone())).collect()).alias(&value_list));
        let unnested = LogicalPlanBuilder::from(project_plan(input, columns)?)
            .unnest_columns_with_options(
                vec![Column::new_unqualified(&variable_list), Column::new_unqualified(&value_list)],
                UnnestOptions::new().with_preserve_nulls(false),
            )?
            .build()?;
        // The variable column always holds a name (Spark declares it not nullable).
        let variable = self.new_column(&unpivot.variable_column_name);
        outputs.push(coalesce(vec![col(Column::new_unqualified(&variable_list)), lit("")]).alias(&variable));
        let value = self.new_column(&unpivot.value_column_name);
        // Not nullable when no value column is, as Spark declares it.
        let value_column = col(Column::new_unqualified(&value_list));
        let value_column = if values_nullable { value_column } else { crate::nullable::as_non_nullable(value_column) };
        outputs.push(value_column.alias(&value));
        Ok(project_plan(unnested, outputs)?)
    }

    /// `transpose(index)`: the index column's values (the first column by
    /// default), as strings in ascending order, become the columns; the
    /// other columns become rows named in a `key` column. Computed eagerly,
    /// as the output columns depend on the data.
    pub(crate) fn transpose(&mut self, transpose: &connect::Transpose) -> Result<LogicalPlan> {
        let input = self.input(&transpose.input)?;
        let columns = self.columns_of(&input);
        let index = match transpose.index_columns.first() {
            Some(expression) => self.plan_expr(expression, &input)?.0,
            None => columns.first().map(|(e, _)| e.clone()).ok_or_else(|| SparkError::illegal_argument("transpose of a frame without columns"))?,
        };
        if !matches!(index, Expr::Column(_)) {
            return Err(invalid_index("Index column must be an atomic attribute"));
        }
        let index_type = index.get_type(input.schema())?;
        if matches!(index_type, DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_)) {
            return Err(invalid_index(&format!("Index column must be of atomic type, but found: {}", scala_type_name(&index_type))));
        }
        let values: Vec<(Expr, ColumnInfo)> = columns.into_iter().filter(|(e, _)| *e != index).collect();
        let types = values.iter().map(|(e, _)| e.get_type(input.schema())).collect::<datafusion::common::Result<Vec<_>>>()?;
        let names: Vec<String> = values.iter().map(|(_, info)| info.name.clone()).collect();
        let value_type = least_common_type(&types).map_err(|(first, second)| {
            SparkError::new(
                ErrorKind::Analysis,
                "TRANSPOSE_NO_LEAST_COMMON_TYPE",
                "42K09",
                format!(
                    "Transpose requires non-index columns to share a least common type, but \"{}\" and \"{}\" do not.",
                    ember_types::sql_string(&first),
                    ember_types::sql_string(&second)
                ),
                &[
                    ("dt1", format!("\"{}\"", ember_types::sql_string(&first))),
                    ("dt2", format!("\"{}\"", ember_types::sql_string(&second))),
                ],
            )
        })?;
        let index_name = fresh_name();
        let mut projected = vec![spark_cast(index.clone(), DataType::Utf8, CastMode::Ansi).alias(&index_name)];
        projected.extend(values.iter().map(|(e, _)| cast(e.clone(), value_type.clone()).alias(fresh_name())));
        let ordered = LogicalPlanBuilder::from(input)
            .filter(index.clone().is_not_null())?
            .sort(vec![index.sort(true, true)])?
            .build()?;
        let max_values = self.config.transpose_max_values;
        let limited = LogicalPlanBuilder::from(project_plan(ordered, projected)?).limit(0, Some(max_values + 1))?.build()?;
        let rows = self.collect_now(limited)?;
        if rows.iter().map(|b| b.num_rows()).sum::<usize>() > max_values {
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "TRANSPOSE_EXCEED_ROW_LIMIT",
                "54006",
                format!(
                    "Number of rows exceeds the allowed limit of {max_values} for TRANSPOSE. \
                     If this was intended, set spark.sql.transposeMaxValues to at least the current row count."
                ),
                &[("maxValues", max_values.to_string()), ("config", "spark.sql.transposeMaxValues".to_string())],
            ));
        }
        let mut fields = vec![Field::new("key", DataType::Utf8, false)];
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(StringArray::from(names.clone()))];
        for batch in &rows {
            let labels = batch.column(0).as_any().downcast_ref::<StringArray>().ok_or_else(|| SparkError::internal("transpose labels are not strings"))?;
            for row in 0..batch.num_rows() {
                fields.push(Field::new(labels.value(row), value_type.clone(), true));
                let cells = (1..batch.num_columns())
                    .map(|c| ScalarValue::try_from_array(batch.column(c), row))
                    .collect::<datafusion::common::Result<Vec<_>>>()?;
                arrays.push(if cells.is_empty() {
                    datafusion::arrow::array::new_empty_array(&value_type)
                } else {
                    ScalarValue::iter_to_array(cells)?
                });
            }
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), arrays)?;
        self.batches_relation(vec![batch], Some(schema), None)
    }

    /// `zip(other)`: the columns of both frames side by side, the n-th row
    /// of one beside the n-th row of the other. As in Spark Connect, the
    /// sides' columns can no longer be referenced through the sides (only
    /// a bare `range` side keeps its identity).
    pub(crate) fn zip(&mut self, zip: &connect::Zip) -> Result<LogicalPlan> {
        let left = self.input(&zip.left)?;
        let right = self.input(&zip.right)?;
        let (left, left_position) = self.numbered(left, zip.left.as_deref())?;
        let (right, right_position) = self.numbered(right, zip.right.as_deref())?;
        let outputs: Vec<Expr> = left
            .schema()
            .fields()
            .iter()
            .chain(right.schema().fields().iter())
            .filter(|f| *f.name() != left_position && *f.name() != right_position)
            .map(|f| col(Column::new_unqualified(f.name())))
            .collect();
        let joined = LogicalPlanBuilder::from(left)
            .join(
                right,
                JoinType::Inner,
                (vec![Column::new_unqualified(&left_position)], vec![Column::new_unqualified(&right_position)]),
                None,
            )?
            .sort(vec![col(Column::new_unqualified(&left_position)).sort(true, false)])?
            .build()?;
        Ok(project_plan(joined, outputs)?)
    }

    /// A zip side under fresh column names, with the row position beside
    /// them; unless the side is a bare `range`, its columns lose the plan
    /// ids they could be referenced by.
    fn numbered(&mut self, input: LogicalPlan, side: Option<&connect::Relation>) -> Result<(LogicalPlan, String)> {
        let mut columns = self.columns_of(&input);
        let bare_range = side.is_some_and(|s| matches!(s.rel_type, Some(connect::relation::RelType::Range(_))));
        if !bare_range {
            if let Some(id) = side.and_then(|s| s.common.as_ref()).and_then(|c| c.plan_id) {
                self.zipped_plan_ids.insert(id);
            }
            for (_, info) in columns.iter_mut() {
                self.zipped_plan_ids.extend(info.plan_ids.drain(..));
            }
        }
        let renamed = self.project_infos(input, columns)?;
        let position = fresh_name();
        let numbered = LogicalPlanBuilder::from(renamed).window(vec![row_number().alias(&position)])?.build()?;
        Ok((numbered, position))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_common_types_widen_numbers_only() {
        assert_eq!(least_common_type(&[DataType::Int32, DataType::Float64]), Ok(DataType::Float64));
        assert_eq!(least_common_type(&[DataType::Null, DataType::Utf8]), Ok(DataType::Utf8));
        assert_eq!(least_common_type(&[]), Ok(DataType::Utf8));
        assert_eq!(least_common_type(&[DataType::Utf8, DataType::Int64]), Err((DataType::Utf8, DataType::Int64)));
    }

    #[test]
    fn scala_names_of_nested_types() {
        let list = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
        assert_eq!(scala_type_name(&list), "ArrayType(StringType,true)");
    }
}

/// Whether `expr` holds an `EXISTS` or `IN` subquery, which Spark allows
/// only where rows are filtered, joined, aggregated or projected.
fn has_predicate_subquery(expr: &Expr) -> bool {
    expr.exists(|e| Ok(matches!(e, Expr::Exists(_) | Expr::InSubquery(_)))).unwrap_or(false)
}
