//! The executed plan's operators with their metrics, sent after a query's
//! rows as Spark sends them (`df.executionInfo.metrics` on the client).
//! The operators are DataFusion's, under Spark's names where Spark has them
//! (`HashAggregate`, `Exchange`, `Project`).

use std::sync::Arc;

use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::metrics::MetricValue;
use ember_protocol::connect::execute_plan_response::{Metrics, metrics};

/// Every operator of `physical`, numbered from the root down, with its parent's number.
pub fn plan_metrics(physical: &Arc<dyn ExecutionPlan>) -> Metrics {
    let mut objects = Vec::new();
    collect(physical, 0, &mut objects);
    Metrics { metrics: objects }
}

fn collect(node: &Arc<dyn ExecutionPlan>, parent: i64, out: &mut Vec<metrics::MetricObject>) {
    let id = out.len() as i64 + 1;
    let execution_metrics = node
        .metrics()
        .map(|set| {
            set.aggregate_by_name()
                .iter()
                .map(|metric| {
                    let value = metric.value();
                    let name = value.name().to_string();
                    let metric_type = if matches!(value, MetricValue::ElapsedCompute(_) | MetricValue::Time { .. }) { "nsTiming" } else { "sum" };
                    let reported = metrics::MetricValue { name: name.clone(), value: value.as_usize() as i64, metric_type: metric_type.to_string() };
                    (name, reported)
                })
                .collect()
        })
        .unwrap_or_default();
    out.push(metrics::MetricObject { name: ember_planner::explain::spark_operator_name(node), plan_id: id, parent, execution_metrics });
    for child in node.children() {
        collect(child, id, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    #[tokio::test]
    async fn every_operator_is_reported_under_its_parent() {
        let ctx = SessionContext::new();
        let df = ctx.sql("select a, count(*) from (values (1), (2), (1)) t(a) group by a").await.unwrap();
        let physical = df.create_physical_plan().await.unwrap();
        datafusion::physical_plan::collect(physical.clone(), ctx.task_ctx()).await.unwrap();
        let reported = plan_metrics(&physical).metrics;
        assert_eq!(reported[0].parent, 0);
        assert!(reported.iter().skip(1).all(|m| m.parent >= 1 && m.parent < m.plan_id));
        assert!(reported.iter().any(|m| m.execution_metrics.contains_key("output_rows")));
    }
}
