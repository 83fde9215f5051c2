//! `df.explain(mode)`: Ember's plans in Spark's section layout. The plans
//! are DataFusion's (their text is engine-specific); the sections, the
//! analyzed plan's output line and the formatted mode's numbered operators
//! follow Spark.

use std::sync::Arc;

use datafusion::physical_plan::{ExecutionPlan, displayable};
use ember_planner::PlannedQuery;
use ember_planner::SparkError;
use ember_protocol::connect::analyze_plan_request::explain::ExplainMode;

use crate::session::Session;

/// The explain text of a planned query in `mode` (Spark's `ExplainMode` number).
pub fn explain(session: &Session, planned: &PlannedQuery, mode: i32) -> Result<String, SparkError> {
    let state = session.ctx.state();
    let optimized = state.optimize(&planned.plan)?;
    let physical = futures::executor::block_on(state.create_physical_plan(&optimized))?;
    let mode = ExplainMode::try_from(mode).unwrap_or(ExplainMode::Simple);
    Ok(match mode {
        ExplainMode::Extended => format!(
            "== Parsed Logical Plan ==\n{}{}\n\n== Analyzed Logical Plan ==\n{}\n{}\n\n== Optimized Logical Plan ==\n{}\n\n== Physical Plan ==\n{}\n",
            planned.hints.iter().map(|hint| format!("{hint}\n")).collect::<String>(),
            planned.plan.display_indent(),
            output_line(planned),
            planned.plan.display_indent_schema(),
            optimized.display_indent(),
            physical_tree(&physical),
        ),
        ExplainMode::Cost => format!(
            "== Optimized Logical Plan ==\n{}\n\n== Physical Plan ==\n{}\n",
            optimized.display_indent(),
            displayable(physical.as_ref()).set_show_statistics(true).indent(true),
        ),
        ExplainMode::Codegen => "Found 0 WholeStageCodegen subtrees.\n".to_string(),
        ExplainMode::Formatted => formatted(&physical),
        _ => format!("== Physical Plan ==\n{}\n", physical_tree(&physical)),
    })
}

fn physical_tree(physical: &Arc<dyn ExecutionPlan>) -> String {
    ember_planner::join_strategy::plan_text(physical)
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

/// Spark's formatted mode: the operator tree with numbers, then each
/// operator's output and arguments under its number.
fn formatted(physical: &Arc<dyn ExecutionPlan>) -> String {
    let mut numbered = Vec::new();
    number_bottom_up(physical, &mut numbered);
    let mut tree = String::new();
    write_tree(physical, &numbered, 0, &mut tree);
    let mut details = String::new();
    for (id, (node, _)) in numbered.iter().enumerate() {
        let columns: Vec<String> = node.schema().fields().iter().map(|f| f.name().clone()).collect();
        details.push_str(&format!(
            "({}) {}\nOutput [{}]: [{}]\nArguments: {}\n\n",
            id + 1,
            node.name(),
            columns.len(),
            columns.join(", "),
            displayable(node.as_ref()).one_line().to_string().trim_end()
        ));
    }
    format!("== Physical Plan ==\n{tree}\n\n{details}")
}

type Numbered = Vec<(Arc<dyn ExecutionPlan>, usize)>;

/// Numbers operators children first, as Spark does (leaves get the lowest numbers).
fn number_bottom_up(node: &Arc<dyn ExecutionPlan>, numbered: &mut Numbered) {
    for child in node.children() {
        number_bottom_up(child, numbered);
    }
    let address = Arc::as_ptr(node) as *const () as usize;
    numbered.push((node.clone(), address));
}

fn number_of(node: &Arc<dyn ExecutionPlan>, numbered: &Numbered) -> usize {
    let address = Arc::as_ptr(node) as *const () as usize;
    numbered.iter().position(|(_, a)| *a == address).map(|i| i + 1).unwrap_or(0)
}

fn write_tree(node: &Arc<dyn ExecutionPlan>, numbered: &Numbered, depth: usize, out: &mut String) {
    let prefix = if depth == 0 { String::new() } else { format!("{}+- ", "   ".repeat(depth - 1)) };
    out.push_str(&format!("{prefix}{} ({})\n", node.name(), number_of(node, numbered)));
    for child in node.children() {
        write_tree(child, numbered, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    #[tokio::test]
    async fn formatted_numbers_leaves_first_and_lists_every_operator() {
        let ctx = SessionContext::new();
        let df = ctx.sql("select a + 1 as b from (values (1), (2)) t(a) where a > 1").await.unwrap();
        let physical = df.create_physical_plan().await.unwrap();
        let text = formatted(&physical);
        assert!(text.starts_with("== Physical Plan ==\n"));
        let operators = text.lines().take_while(|l| !l.is_empty()).count() - 1;
        for id in 1..=operators {
            assert!(text.contains(&format!("\n({id}) ")), "operator {id} has details in {text}");
        }
        assert!(text.contains("Output [1]: [b]"));
    }
}
