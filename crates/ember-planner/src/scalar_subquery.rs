//! Spark fails a query whose scalar subquery returns more than one row
//! (`SCALAR_SUBQUERY_TOO_MANY_ROWS`); DataFusion would join every row, or
//! refuse a correlated subquery that is not aggregated. A subquery that may
//! return several rows is therefore aggregated: its value when it has at
//! most one row, the error when it has more.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::functions_aggregate::count::count_all;
use datafusion::functions_aggregate::first_last::first_value;
use datafusion::logical_expr::{
    ColumnarValue, Expr, LogicalPlan, LogicalPlanBuilder, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, col, lit,
    when,
};

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::fresh_name;

/// `plan`, a scalar subquery, failing when it returns several rows.
/// `correlated` picks Spark's exception class for the failure.
pub(crate) fn at_most_one_row(plan: LogicalPlan, correlated: bool) -> Result<LogicalPlan> {
    if returns_one_row(&plan) {
        return Ok(plan);
    }
    let rows = fresh_name();
    let columns = plan.schema().columns();
    let mut aggregates = vec![count_all().alias(&rows)];
    let values: Vec<String> = columns.iter().map(|_| fresh_name()).collect();
    for (column, value) in columns.iter().zip(&values) {
        aggregates.push(first_value(Expr::Column(column.clone()), vec![]).alias(value));
    }
    let aggregated = LogicalPlanBuilder::from(plan).aggregate(Vec::<Expr>::new(), aggregates)?.build()?;
    let too_many = col(rows.as_str()).gt(lit(1i64));
    let guarded = columns
        .iter()
        .zip(&values)
        .map(|(column, value)| {
            let failure = TooManyRows::call(col(rows.as_str()), correlated);
            Ok(when(too_many.clone(), failure).otherwise(col(value.as_str()))?.alias(column.name.clone()))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(crate::plan::project_plan(aggregated, guarded)?)
}

/// Whether `plan` is a global aggregation (under projections and aliases).
fn returns_one_row(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Aggregate(aggregate) => aggregate.group_expr.is_empty(),
        LogicalPlan::Projection(projection) => returns_one_row(&projection.input),
        LogicalPlan::SubqueryAlias(alias) => returns_one_row(&alias.input),
        _ => false,
    }
}

/// `[SCALAR_SUBQUERY_TOO_MANY_ROWS]`: Spark raises it as a `SparkException`
/// for an uncorrelated subquery, a `SparkRuntimeException` for a correlated one.
fn too_many_rows(correlated: bool) -> SparkError {
    SparkError::new(
        if correlated { ErrorKind::Runtime } else { ErrorKind::Internal },
        "SCALAR_SUBQUERY_TOO_MANY_ROWS",
        "21000",
        "More than one row returned by a subquery used as an expression.",
        &[],
    )
}

/// Fails with `too_many_rows` when evaluated on any row.
#[derive(Debug, PartialEq, Eq, Hash)]
struct TooManyRows {
    signature: Signature,
    correlated: bool,
}

impl TooManyRows {
    /// Volatile, so that planning never folds it into a constant error.
    fn call(rows: Expr, correlated: bool) -> Expr {
        ScalarUDF::new_from_impl(TooManyRows { signature: Signature::any(1, Volatility::Volatile), correlated }).call(vec![rows])
    }
}

impl ScalarUDFImpl for TooManyRows {
    fn name(&self) -> &str {
        "scalar_subquery_too_many_rows"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> datafusion::common::Result<DataType> {
        Ok(DataType::Null)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> datafusion::common::Result<ColumnarValue> {
        if args.number_rows == 0 {
            return Ok(ColumnarValue::Scalar(ScalarValue::Null));
        }
        Err(too_many_rows(self.correlated).into_datafusion())
    }
}
