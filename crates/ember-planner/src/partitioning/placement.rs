//! `spark_partition_id()` and `monotonically_increasing_id()`, and
//! `input_file_name()` with `input_file_block_start()`/`_length()`: planned
//! as markers, then replaced by a column appended right below the plan node
//! that uses them (by a [`PartitionValue`] node, or by the file scans).

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, Result};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{
    ColumnarValue, Expr, LogicalPlan, LogicalPlanBuilder, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, col,
};

use ember_sources::input_file_columns::FileColumn;

use super::nodes::{PartitionValue, PartitionValueKind};

/// What a marker reads of the row it is evaluated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RowValue {
    Partition(PartitionValueKind),
    File(FileColumn),
}

impl RowValue {
    fn function_name(self) -> &'static str {
        match self {
            RowValue::Partition(PartitionValueKind::PartitionId) => "spark_partition_id",
            RowValue::Partition(PartitionValueKind::MonotonicId) => "monotonically_increasing_id",
            RowValue::Partition(PartitionValueKind::SeededDraw(_, draw)) => draw.function_name(),
            RowValue::Partition(PartitionValueKind::PoissonCount { .. }) => "sample",
            RowValue::File(column) => column.function_name(),
        }
    }

    fn data_type(self) -> DataType {
        match self {
            RowValue::Partition(kind) => kind.data_type(),
            RowValue::File(column) => column.data_type(),
        }
    }

    /// `input` with this value appended as column `name`.
    fn append(self, input: LogicalPlan, name: String) -> Result<LogicalPlan> {
        match self {
            RowValue::Partition(kind) => PartitionValue::plan(input, kind, name),
            RowValue::File(column) => crate::input_file::with_file_column(input, column, &name),
        }
    }
}

/// A call that reads the partition or the file of the row it is evaluated on.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PartitionMarker {
    kind: RowValue,
    signature: Signature,
}

impl ScalarUDFImpl for PartitionMarker {
    fn name(&self) -> &str {
        self.kind.function_name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.kind.data_type())
    }

    fn return_field_from_args(&self, _args: datafusion::logical_expr::ReturnFieldArgs) -> Result<datafusion::arrow::datatypes::FieldRef> {
        Ok(Arc::new(datafusion::arrow::datatypes::Field::new(self.name(), self.kind.data_type(), false)))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Err(DataFusionError::Internal(format!("{}() was not placed on a partitioned input", self.name())))
    }
}

fn marker(kind: RowValue) -> Expr {
    let marker = PartitionMarker { kind, signature: Signature::nullary(Volatility::Volatile) };
    Arc::new(ScalarUDF::new_from_impl(marker)).call(vec![])
}

/// The marker call of `kind`, for [`place_partition_values`] to resolve.
pub fn partition_marker(kind: PartitionValueKind) -> Expr {
    marker(RowValue::Partition(kind))
}

/// The marker call of a row's file value, for [`place_partition_values`] to resolve.
pub fn file_marker(column: FileColumn) -> Expr {
    marker(RowValue::File(column))
}

fn marker_kind(expr: &Expr) -> Option<RowValue> {
    match expr {
        Expr::ScalarFunction(call) => {
            let function: &dyn std::any::Any = call.func.inner().as_ref();
            function.downcast_ref::<PartitionMarker>().map(|m| m.kind)
        }
        _ => None,
    }
}

/// Replaces every partition marker in `plan` by a column of a
/// [`PartitionValue`] node under the node that holds the marker.
pub fn place_partition_values(plan: LogicalPlan, fresh_name: &mut dyn FnMut() -> String) -> Result<LogicalPlan> {
    plan.transform_up(|node| {
        let mut kinds = Vec::new();
        node.apply_expressions(|e| {
            e.apply(|sub| {
                if let Some(kind) = marker_kind(sub).filter(|k| !kinds.contains(k)) {
                    kinds.push(kind);
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })?;
        if kinds.is_empty() {
            return Ok(Transformed::no(node));
        }
        let inputs = node.inputs();
        let [input] = inputs.as_slice() else {
            return Err(DataFusionError::NotImplemented(format!("{} over a node with several inputs", kinds[0].function_name())));
        };
        let mut input = (*input).clone();
        let mut columns = Vec::new();
        for kind in kinds {
            let name = fresh_name();
            input = kind.append(input, name.clone())?;
            columns.push((kind, name));
        }
        let keeps_names = matches!(node, LogicalPlan::Projection(_) | LogicalPlan::Aggregate(_));
        let exprs = node
            .expressions()
            .into_iter()
            .map(|expr| {
                let original = expr.schema_name().to_string();
                let replaced = expr
                    .transform_up(|sub| {
                        Ok(match marker_kind(&sub).and_then(|k| columns.iter().find(|(kind, _)| *kind == k)) {
                            Some((_, name)) => Transformed::yes(col(Column::new_unqualified(name))),
                            None => Transformed::no(sub),
                        })
                    })?
                    .data;
                let renamed = keeps_names && replaced.schema_name().to_string() != original;
                Ok(if renamed { replaced.alias(original) } else { replaced })
            })
            .collect::<Result<Vec<_>>>()?;
        let old_width = node.schema().fields().len();
        let rebuilt = node.with_new_exprs(exprs, vec![input])?;
        if rebuilt.schema().fields().len() == old_width {
            return Ok(Transformed::yes(rebuilt));
        }
        // A node that passes its input through (a filter) would show the appended columns.
        let kept: Vec<Expr> = rebuilt.schema().columns().into_iter().take(old_width).map(Expr::Column).collect();
        Ok(Transformed::yes(LogicalPlanBuilder::from(rebuilt).project(kept)?.build()?))
    })
    .map(|t| t.data)
}
