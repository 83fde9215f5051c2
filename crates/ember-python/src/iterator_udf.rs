//! Scalar iterator UDFs (`pandas_udf` and `arrow_udf` over
//! `Iterator[…]`) as Spark runs them: the function gets one iterator over
//! a whole partition's rows, in batches of
//! `spark.sql.execution.arrow.maxRecordsPerBatch`, so it may read several
//! batches before it yields (and pyspark's worker checks that it read them
//! all and returned as many rows). A physical rule takes each such call out
//! of its projection into an [`IteratorUdfExec`] below it, which appends the
//! call's result to its input's columns.

use std::fmt;
use std::sync::Arc;

use arrow::array::{RecordBatch, RecordBatchOptions};
use arrow::compute::concat_batches;
use arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode, TreeNodeRecursion};
use datafusion::common::Result;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr, ScalarFunctionExpr};
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::projection::{ProjectionExec, ProjectionExpr};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, PlanProperties};
use ember_errors::SparkError;
use futures::{StreamExt, TryStreamExt};

use crate::udf::PythonScalarUdf;

/// The iterator UDF `expr` calls, if it is such a call.
fn iterator_udf(expr: &Arc<dyn PhysicalExpr>) -> Option<(&ScalarFunctionExpr, &PythonScalarUdf)> {
    let call = expr.downcast_ref::<ScalarFunctionExpr>()?;
    let function: &dyn std::any::Any = call.fun().inner().as_ref();
    function.downcast_ref::<PythonScalarUdf>().filter(|udf| udf.is_iterator()).map(|udf| (call, udf))
}

/// An iterator UDF call inside `exprs` whose arguments call none.
fn innermost_call(exprs: &[ProjectionExpr]) -> Option<Arc<dyn PhysicalExpr>> {
    let mut found = None;
    for projected in exprs {
        projected
            .expr
            .apply(|e| {
                if iterator_udf(e).is_some() && !e.children().iter().any(|a| a.exists(|n| Ok(iterator_udf(n).is_some())).unwrap_or(false)) {
                    found = Some(e.clone());
                    return Ok(TreeNodeRecursion::Stop);
                }
                Ok(TreeNodeRecursion::Continue)
            })
            .ok()?;
        if found.is_some() {
            break;
        }
    }
    found
}

/// The physical rule moving iterator UDF calls out of projections.
#[derive(Debug, Default)]
pub struct IteratorUdfs;

impl PhysicalOptimizerRule for IteratorUdfs {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, _: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(projection) = node.downcast_ref::<ProjectionExec>() else { return Ok(Transformed::no(node)) };
            let mut exprs = projection.expr().to_vec();
            let mut input = projection.input().clone();
            let mut changed = false;
            while let Some(call) = innermost_call(&exprs) {
                let index = input.schema().fields().len();
                let name = format!("__iterator_udf_{index}");
                let column: Arc<dyn PhysicalExpr> = Arc::new(Column::new(&name, index));
                input = Arc::new(IteratorUdfExec::new(input, call.clone(), name)?);
                exprs = exprs
                    .into_iter()
                    .map(|p| {
                        let expr = p.expr.transform_down(|e| Ok(if e.eq(&call) { Transformed::yes(column.clone()) } else { Transformed::no(e) })).data()?;
                        Ok(ProjectionExpr { expr, alias: p.alias })
                    })
                    .collect::<Result<_>>()?;
                changed = true;
            }
            if !changed {
                return Ok(Transformed::no(node));
            }
            let rewritten = ProjectionExec::try_new_with_schema_metadata(exprs, input, &projection.schema())?;
            Ok(Transformed::yes(Arc::new(rewritten) as Arc<dyn ExecutionPlan>))
        })
        .data()
    }

    fn name(&self) -> &str {
        "iterator_udfs"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// The physical node: its input's columns and one iterator UDF call's
/// result, the call seeing each partition as one iterator.
#[derive(Debug)]
pub(crate) struct IteratorUdfExec {
    input: Arc<dyn ExecutionPlan>,
    /// The call (a [`ScalarFunctionExpr`] of a [`PythonScalarUdf`]) on the input's columns.
    call: Arc<dyn PhysicalExpr>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl IteratorUdfExec {
    fn new(input: Arc<dyn ExecutionPlan>, call: Arc<dyn PhysicalExpr>, name: String) -> Result<Self> {
        let input_schema = input.schema();
        let result = Field::new(name, call.data_type(&input_schema)?, true);
        let schema = Arc::new(Schema::new(input_schema.fields().iter().cloned().chain([Arc::new(result)]).collect::<Vec<_>>()));
        let properties = Arc::new(PlanProperties::new(
            EquivalenceProperties::new(schema.clone()),
            input.output_partitioning().clone(),
            EmissionType::Final,
            Boundedness::Bounded,
        ));
        Ok(IteratorUdfExec { input, call, schema, properties })
    }

    /// Runs the call on all of a partition's `batches` in one worker call.
    fn run(call: &Arc<dyn PhysicalExpr>, schema: &SchemaRef, batches: Vec<RecordBatch>, partition: usize) -> Result<Vec<RecordBatch>, SparkError> {
        let Some((function, udf)) = iterator_udf(call) else { return Err(SparkError::internal("not an iterator UDF call")) };
        let Some(first) = batches.first() else { return Ok(Vec::new()) };
        let input = concat_batches(&first.schema(), &batches)?;
        let rows = input.num_rows();
        if rows == 0 {
            return Ok(Vec::new());
        }
        let arguments = function.args().iter().map(|a| a.evaluate(&input)?.into_array(rows)).collect::<Result<Vec<_>>>()?;
        let fields: Vec<Field> = arguments.iter().enumerate().map(|(i, a)| Field::new(format!("_{i}"), a.data_type().clone(), true)).collect();
        let arguments = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arguments, &RecordBatchOptions::new().with_row_count(Some(rows)))?;
        let result = udf.call_python_in_partition(&udf.slices(&arguments), partition)?;
        let columns = input.columns().iter().cloned().chain([result]).collect();
        Ok(vec![RecordBatch::try_new(schema.clone(), columns)?])
    }
}

impl DisplayAs for IteratorUdfExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "IteratorUdfExec: {}", self.call)
    }
}

impl ExecutionPlan for IteratorUdfExec {
    fn name(&self) -> &str {
        "IteratorUdfExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![true]
    }

    fn apply_expressions(&self, f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        f(&self.call)
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let input = children.pop().ok_or_else(|| DataFusionError::Internal("IteratorUdfExec needs its input".into()))?;
        let name = self.schema.fields().last().map(|f| f.name().clone()).unwrap_or_default();
        Ok(Arc::new(IteratorUdfExec::new(input, self.call.clone(), name)?))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let input = self.input.execute(partition, context)?;
        let (call, schema) = (self.call.clone(), self.schema.clone());
        let result = futures::stream::once(async move {
            let batches: Vec<RecordBatch> = input.try_collect().await?;
            tokio::task::spawn_blocking(move || IteratorUdfExec::run(&call, &schema, batches, partition))
                .await
                .map_err(|e| DataFusionError::External(Box::new(e)))?
                .map_err(SparkError::into_datafusion)
        })
        .map_ok(|batches| futures::stream::iter(batches.into_iter().map(Ok)))
        .try_flatten()
        .boxed();
        Ok(Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), result)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;
    use arrow::datatypes::DataType;
    use datafusion::logical_expr::ScalarUDF;
    use datafusion::physical_plan::test::TestMemoryExec;

    use crate::PythonFunction;

    /// `SELECT f(f(id))` (or `f(id)`) over one batch, `f` of `eval_type`.
    fn projection(eval_type: i32, nested: bool) -> Arc<dyn ExecutionPlan> {
        let function = PythonFunction { name: "f".into(), eval_type, command: Arc::new(Vec::new()), python_ver: "3.11".into(), deterministic: true };
        let udf = Arc::new(ScalarUDF::new_from_impl(PythonScalarUdf::new(
            function,
            vec![DataType::Int64],
            String::new(),
            Field::new("", DataType::Int64, true),
            Vec::new(),
            10,
        )));
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![1, 2]))]).unwrap();
        let input = TestMemoryExec::try_new_exec(&[vec![batch]], schema.clone(), None).unwrap();
        let config = Arc::new(ConfigOptions::default());
        let call = |arg| Arc::new(ScalarFunctionExpr::try_new(udf.clone(), vec![arg], &schema, config.clone()).unwrap()) as Arc<dyn PhysicalExpr>;
        let inner = call(Arc::new(Column::new("id", 0)));
        let expr = if nested { call(inner) } else { inner };
        Arc::new(ProjectionExec::try_new(vec![ProjectionExpr { expr, alias: "r".into() }], input).unwrap())
    }

    fn operators(plan: &Arc<dyn ExecutionPlan>) -> Vec<String> {
        let mut names = vec![plan.name().to_string()];
        if let Some(child) = plan.children().first() {
            names.extend(operators(child));
        }
        names
    }

    #[test]
    fn iterator_udfs_leave_projections_for_their_own_operators_innermost_first() {
        let rewritten = IteratorUdfs.optimize(projection(204, true), &ConfigOptions::default()).unwrap();
        assert_eq!(operators(&rewritten)[..3], ["ProjectionExec", "IteratorUdfExec", "IteratorUdfExec"]);
        assert_eq!(rewritten.schema().fields().len(), 1);
        let Some(outer) = rewritten.children()[0].downcast_ref::<IteratorUdfExec>().map(|e| e.call.to_string()) else { panic!("no iterator node") };
        assert!(outer.contains("__iterator_udf_1"), "{outer}");
        let scalar = IteratorUdfs.optimize(projection(200, false), &ConfigOptions::default()).unwrap();
        assert_eq!(operators(&scalar)[..2], ["ProjectionExec", "DataSourceExec"]);
    }
}
