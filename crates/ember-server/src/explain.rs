//! `df.explain(mode)`: Ember's plans as Spark prints them, in Spark's
//! section layout (see `ember_planner::explain`).

use datafusion::physical_plan::ExecutionPlan;
use ember_planner::PlannedQuery;
use ember_planner::SparkError;
use ember_planner::explain::{SparkNode, SparkPlans, formatted_text, tree_text};
use ember_protocol::connect::analyze_plan_request::explain::ExplainMode;

use crate::session::Session;

/// The explain text of a planned query in `mode` (Spark's `ExplainMode` number).
pub fn explain(session: &Session, planned: &PlannedQuery, mode: i32) -> Result<String, SparkError> {
    let state = session.ctx.state();
    let optimized = state.optimize(&planned.plan)?;
    let optimized = futures::executor::block_on(ember_planner::local_fold::fold_local_rows(&optimized, &state))?;
    // Planned as it is: the folded relations keep the columns of what they replace.
    let physical: std::sync::Arc<dyn ExecutionPlan> = futures::executor::block_on(state.query_planner().create_physical_plan(&optimized, &state))?;
    let shuffle_partitions = session.conf.read().unwrap_or_else(|e| e.into_inner()).planner_config().shuffle_partitions;
    let plans = SparkPlans::new(planned.column_names.clone(), shuffle_partitions);
    let root = plans.physical(&physical);
    let mode = ExplainMode::try_from(mode).unwrap_or(ExplainMode::Simple);
    Ok(match mode {
        ExplainMode::Extended => format!(
            "== Parsed Logical Plan ==\n{}\n== Analyzed Logical Plan ==\n{}\n{}\n== Optimized Logical Plan ==\n{}\n== Physical Plan ==\n{}",
            under_hints(&planned.hints, &plans.logical(&planned.plan)),
            output_line(planned),
            plans.logical(&planned.plan),
            plans.logical(&optimized),
            tree_text(&root, true),
        ),
        ExplainMode::Cost => format!(
            "== Optimized Logical Plan ==\n{}\n== Physical Plan ==\n{}\n",
            plans.logical_with_statistics(&optimized),
            tree_text(&root, false)
        ),
        ExplainMode::Codegen => codegen(&root),
        ExplainMode::Formatted => formatted_text(&root),
        _ => format!("== Physical Plan ==\n{}\n", tree_text(&root, false)),
    })
}

/// The parsed plan: the hints met, each over the next, over the plan.
fn under_hints(hints: &[String], plan: &str) -> String {
    let mut out = String::new();
    for (depth, line) in hints.iter().map(String::as_str).chain(plan.lines()).enumerate() {
        let depth = depth.min(hints.len());
        let prefix = match (depth, line.starts_with([' ', ':', '+'])) {
            (0, _) => String::new(),
            (d, true) => "   ".repeat(d),
            (d, false) => format!("{}+- ", "   ".repeat(d - 1)),
        };
        out.push_str(&format!("{prefix}{line}\n"));
    }
    out
}

/// Spark's line above the analyzed plan: `name: type, …`.
fn output_line(planned: &PlannedQuery) -> String {
    planned
        .spark_schema()
        .fields()
        .iter()
        .map(|f| format!("{}: {}", f.name(), ember_types::simple_string(f.data_type())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Spark's codegen mode: each pipelined stage's operators. Ember runs them
/// vectorized over Arrow batches, so no stage has generated code.
fn codegen(root: &SparkNode) -> String {
    fn stage_roots<'a>(node: &'a SparkNode, parent: Option<usize>, roots: &mut Vec<&'a SparkNode>) {
        if node.stage.is_some() && node.stage != parent {
            roots.push(node);
        }
        for child in &node.children {
            stage_roots(child, node.stage, roots);
        }
    }
    let mut roots = Vec::new();
    stage_roots(root, None, &mut roots);
    roots.sort_by_key(|n| n.stage);
    let mut out = format!("Found {} WholeStageCodegen subtrees.\n", roots.len());
    for (i, stage) in roots.iter().enumerate() {
        out.push_str(&format!(
            "== Subtree {} / {} ==\n{}\nGenerated code:\nNone: Ember runs these operators vectorized over Arrow batches.\n\n",
            i + 1,
            roots.len(),
            tree_text(stage, false)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_nest_over_the_parsed_plan() {
        let hints = ["'UnresolvedHint a, []".to_string(), "'UnresolvedHint b, []".to_string()];
        assert_eq!(
            under_hints(&hints, "Project [x#1]\n+- Range (0, 1, step=1, splits=Some(1))\n"),
            "'UnresolvedHint a, []\n+- 'UnresolvedHint b, []\n   +- Project [x#1]\n      +- Range (0, 1, step=1, splits=Some(1))\n"
        );
        assert_eq!(under_hints(&[], "Range (0, 1, step=1, splits=Some(1))\n"), "Range (0, 1, step=1, splits=Some(1))\n");
    }
}
