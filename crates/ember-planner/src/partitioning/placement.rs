//! `spark_partition_id()` and `monotonically_increasing_id()`: planned as
//! markers, then replaced by a column that a [`PartitionValue`] node
//! appends right below the plan node that uses them.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, Result};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{
    ColumnarValue, Expr, LogicalPlan, LogicalPlanBuilder, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, col,
};

use super::nodes::{PartitionValue, PartitionValueKind};

/// A call that reads the partition of the row it is evaluated on.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PartitionMarker {
    kind: PartitionValueKind,
    signature: Signature,
}

impl PartitionMarker {
    fn function_name(kind: PartitionValueKind) -> &'static str {
        match kind {
            PartitionValueKind::PartitionId => "spark_partition_id",
            PartitionValueKind::MonotonicId => "monotonically_increasing_id",
        }
    }
}

impl ScalarUDFImpl for PartitionMarker {
    fn name(&self) -> &str {
        PartitionMarker::function_name(self.kind)
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

/// The marker call of `kind`, for [`place_partition_values`] to resolve.
pub fn partition_marker(kind: PartitionValueKind) -> Expr {
    let marker = PartitionMarker { kind, signature: Signature::nullary(Volatility::Volatile) };
    Arc::new(ScalarUDF::new_from_impl(marker)).call(vec![])
}

fn marker_kind(expr: &Expr) -> Option<PartitionValueKind> {
    match expr {
        Expr::ScalarFunction(call) => [PartitionValueKind::PartitionId, PartitionValueKind::MonotonicId]
            .into_iter()
            .find(|kind| {
                let function: &dyn std::any::Any = call.func.inner().as_ref();
                function.downcast_ref::<PartitionMarker>().is_some_and(|m| m.kind == *kind)
            }),
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
            return Err(DataFusionError::NotImplemented(format!("{} over a node with several inputs", PartitionMarker::function_name(kinds[0]))));
        };
        let mut input = (*input).clone();
        let mut columns = Vec::new();
        for kind in kinds {
            let name = fresh_name();
            input = PartitionValue::plan(input, kind, name.clone())?;
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
