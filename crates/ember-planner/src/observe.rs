//! `observe`: the Connect relation `CollectMetrics`. Its rows pass through
//! unchanged; its metrics are an aggregation over the same input that the
//! server runs after the query and sends back as observed metrics.

use datafusion::logical_expr::LogicalPlan;
use ember_protocol::connect;

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::Planner;

/// A named set of metrics over a query's input.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The observation's name (`Observation("x")` or `observe("x", ...)`).
    pub name: String,
    /// The plan id of the `CollectMetrics` relation.
    pub plan_id: i64,
    /// The metrics' names, in order.
    pub keys: Vec<String>,
    /// One row: the metrics' values.
    pub plan: LogicalPlan,
}

impl Planner<'_> {
    /// Plans `observe(name, metrics…)`: the input itself, remembering the
    /// aggregation of its metrics.
    pub(crate) fn collect_metrics(&mut self, metrics: &connect::CollectMetrics, plan_id: Option<i64>) -> Result<LogicalPlan> {
        let input = self.input(&metrics.input)?;
        let plan_id = plan_id.unwrap_or(0);
        if let Some(seen) = self.observations.iter().find(|o| o.name == metrics.name) {
            // The same observation met twice (a self-join) is computed once.
            if seen.plan_id == plan_id {
                return Ok(input);
            }
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "DUPLICATED_METRICS_NAME",
                "42710",
                format!(
                    "The metric name is not unique: {}. The same name cannot be used for metrics with different results. \
                     However multiple instances of metrics with with same result and name are allowed (e.g. self-joins).",
                    metrics.name
                ),
                &[("metricName", metrics.name.clone())],
            ));
        }
        let mut outputs = Vec::new();
        for expression in &metrics.metrics {
            outputs.push(self.plan_expr(expression, &input)?);
        }
        let keys = outputs.iter().map(|(_, name)| name.clone()).collect();
        let generated = vec![false; outputs.len()];
        let plan = self.aggregate_outputs(input.clone(), Vec::new(), outputs, &generated)?;
        self.observations.push(Observation { name: metrics.name.clone(), plan_id, keys, plan });
        Ok(input)
    }
}
