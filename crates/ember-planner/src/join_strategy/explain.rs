//! The physical plan's text for `explain()`: DataFusion's indented operator
//! lines, except that each join Ember planned reads as Spark's (its
//! strategy, keys, type and build side), over its inputs in Spark's order
//! with Spark's `BroadcastExchange`, `Exchange hashpartitioning` and `Sort`
//! lines where Spark's plan has them.

use std::fmt;
use std::sync::Arc;

use datafusion::physical_plan::{DisplayFormatType, ExecutionPlan};

use super::spark_join::{JoinInput, broadcast_exchange_line, input_operator_line};
use super::SparkJoinExec;

/// The indented text of a physical plan, one operator a line.
pub fn plan_text(plan: &Arc<dyn ExecutionPlan>) -> String {
    let mut lines = Vec::new();
    write_plan(plan, 0, &mut lines);
    lines.join("\n")
}

fn write_plan(plan: &Arc<dyn ExecutionPlan>, depth: usize, lines: &mut Vec<String>) {
    let indent = "  ".repeat(depth);
    let Some(join) = plan.downcast_ref::<SparkJoinExec>() else {
        lines.push(format!("{indent}{}", Verbose(plan.as_ref())));
        for child in plan.children() {
            write_plan(child, depth + 1, lines);
        }
        return;
    };
    lines.push(format!("{indent}{}", join.spark_line()));
    for (how, input) in join.spark_inputs() {
        match how {
            JoinInput::Broadcast => {
                lines.push(format!("{indent}  {}", broadcast_exchange_line(join)));
                write_plan(&input, depth + 2, lines);
            }
            JoinInput::Shuffled => write_shuffled(&input, depth + 1, lines),
            JoinInput::Streamed => write_plan(&input, depth + 1, lines),
        }
    }
}

/// A shuffled join input: its sort and hash repartition as Spark names them.
fn write_shuffled(plan: &Arc<dyn ExecutionPlan>, depth: usize, lines: &mut Vec<String>) {
    match input_operator_line(plan.as_ref()) {
        Some(line) => {
            lines.push(format!("{}{line}", "  ".repeat(depth)));
            for child in plan.children() {
                write_shuffled(child, depth + 1, lines);
            }
        }
        None => write_plan(plan, depth, lines),
    }
}

/// An operator's own line, as DataFusion's verbose plans print it.
struct Verbose<'a>(&'a dyn ExecutionPlan);

impl fmt::Display for Verbose<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.fmt_as(DisplayFormatType::Verbose, f)
    }
}
