//! `explain()` as Spark prints it: the physical plan that runs, each
//! DataFusion operator under Spark's name and with Spark's arguments
//! (`Project [id#3L]`, `HashAggregate(keys=[…], functions=[partial_sum(…)])`,
//! `Exchange hashpartitioning(k#1L, 2)`, `FileScan parquet […]`), columns as
//! Spark references them (`name#id`), in Spark's tree layout: the
//! whole-stage codegen marks (`*(1)`) of the pipelined operators, or
//! `AdaptiveSparkPlan isFinalPlan=false` over a plan with exchanges, and
//! the numbered operator list of the formatted mode.

mod attributes;
mod expressions;
mod file_scan;
mod grouping_expressions;
mod logical;
mod physical;
mod statistics;
mod window;

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::ExecutionPlan;

pub use attributes::Attributes;
pub use expressions::COMPUTED_DISTINCT_ARGUMENT;
pub use physical::spark_operator_name;

/// One of Spark's operators in a printed plan.
#[derive(Debug, Clone)]
pub struct SparkNode {
    /// Spark's name of the operator (`Project`, `Exchange`, `Scan parquet `).
    pub name: String,
    /// Its line in the simple mode.
    pub line: String,
    /// Its line in the extended mode, where it differs.
    pub verbose_line: Option<String>,
    /// Its label in the formatted mode's tree, where it is more than its
    /// name (a join's type and build side).
    pub formatted_name: Option<String>,
    /// Its output columns, as the operators above it read them.
    pub output: Vec<String>,
    /// Its output columns as the formatted mode lists them, where the
    /// operators above read some as expressions (DataFusion's common
    /// subexpressions, folded into them as Spark computes them in place).
    pub listed_output: Option<Vec<String>>,
    /// What the formatted mode lists as its output, where it differs (a
    /// projection's expressions).
    pub formatted_output: Option<Vec<String>>,
    /// The formatted mode's lines about it after its input.
    pub details: Vec<String>,
    /// A partial aggregation's input columns (its final aggregation's arguments).
    pub aggregate_input: Option<Vec<String>>,
    /// The whole-stage codegen stage it runs in.
    pub stage: Option<usize>,
    /// Its inputs.
    pub children: Vec<SparkNode>,
    /// The plans Spark prints inside it (an in-memory scan's relation, the
    /// relation's cached plan), each with its own codegen stages.
    pub inner: Vec<SparkNode>,
}

impl SparkNode {
    /// An operator with its line and output.
    pub fn new(name: &str, line: String, output: Vec<String>, children: Vec<SparkNode>) -> Self {
        SparkNode {
            name: name.to_string(),
            line,
            verbose_line: None,
            formatted_name: None,
            output,
            listed_output: None,
            formatted_output: None,
            details: Vec::new(),
            aggregate_input: None,
            stage: None,
            children,
            inner: Vec::new(),
        }
    }

    /// The nearest partial aggregation's input columns in this subtree.
    fn aggregate_input(&self) -> Option<Vec<String>> {
        self.aggregate_input.clone().or_else(|| self.children.iter().find_map(SparkNode::aggregate_input))
    }

    fn any(&self, test: &dyn Fn(&SparkNode) -> bool) -> bool {
        test(self) || self.children.iter().any(|c| c.any(test))
    }

    /// Whether Spark compiles the operator into a whole-stage codegen stage.
    fn supports_codegen(&self) -> bool {
        // A union of batches of columns stays columnar, outside code generation.
        if columnar(self) {
            return false;
        }
        matches!(
            self.name.as_str(),
            "Project" | "Filter" | "HashAggregate" | "Range" | "Sort" | "BroadcastHashJoin" | "ShuffledHashJoin" | "SortMergeJoin"
                | "Generate" | "Expand" | "Union" | "LocalTableScan" | "ColumnarToRow"
        )
    }
}

/// Whether a Spark operator's name is an aggregation's.
pub(crate) fn is_aggregate(name: &str) -> bool {
    matches!(name, "HashAggregate" | "ObjectHashAggregate")
}

/// `[a, b]`.
pub(crate) fn list(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

/// A query's plans printed as Spark prints them.
pub struct SparkPlans {
    attributes: Attributes,
    /// `spark.sql.shuffle.partitions`: the partitions of Spark's exchanges.
    shuffle_partitions: usize,
}

impl SparkPlans {
    /// Plans whose internal columns (`#13`) have these Spark names, their
    /// exchanges into `shuffle_partitions` (`spark.sql.shuffle.partitions`).
    pub fn new(spark_names: HashMap<String, String>, shuffle_partitions: usize) -> Self {
        SparkPlans { attributes: Attributes::new(spark_names), shuffle_partitions }
    }

    /// The physical plan as Spark's operators ([`physical_tree`]).
    pub fn physical(&self, plan: &Arc<dyn ExecutionPlan>) -> SparkNode {
        physical_tree(&self.attributes, self.shuffle_partitions, plan)
    }

    /// A logical plan as Spark prints it.
    pub fn logical(&self, plan: &LogicalPlan) -> String {
        logical::text(plan, &self.attributes, self.shuffle_partitions, false)
    }

    /// A logical plan as Spark's cost mode prints it, each operator with its
    /// estimated `Statistics(sizeInBytes=…)`.
    pub fn logical_with_statistics(&self, plan: &LogicalPlan) -> String {
        logical::text(plan, &self.attributes, self.shuffle_partitions, true)
    }
}

/// A physical plan as Spark's operators, with `AdaptiveSparkPlan` on top
/// when it has exchanges or an operator that requires a distribution of its
/// input (aggregates, windows, shuffled joins), as Spark applies adaptive
/// execution then; else with its codegen stages numbered.
pub(crate) fn physical_tree(attributes: &Attributes, shuffle_partitions: usize, plan: &Arc<dyn ExecutionPlan>) -> SparkNode {
    let mut root = physical::Converter::new(attributes, shuffle_partitions).root(plan);
    grouping_expressions::pull_out(&mut root, attributes);
    let adaptive = |n: &SparkNode| {
        n.name.ends_with("Exchange") || is_aggregate(&n.name) || matches!(n.name.as_str(), "Window" | "SortMergeJoin" | "ShuffledHashJoin")
    };
    if root.any(&adaptive) {
        let output = root.output.clone();
        return SparkNode::new("AdaptiveSparkPlan", "AdaptiveSparkPlan isFinalPlan=false".into(), output, vec![root]);
    }
    let mut root = with_row_conversions(root);
    number_stages(&mut root);
    root
}

/// The plan with Spark's `ColumnarToRow` over each scan that reads
/// batches of columns (`Batched: true`), where Spark's rows start: Ember
/// stays columnar, but a plan Spark runs without adaptive execution prints
/// these transitions (an adaptive plan adds them only when it runs).
fn with_row_conversions(mut node: SparkNode) -> SparkNode {
    if columnar(&node) {
        let output = node.output.clone();
        return SparkNode::new("ColumnarToRow", "ColumnarToRow".into(), output, vec![node]);
    }
    node.children = std::mem::take(&mut node.children).into_iter().map(with_row_conversions).collect();
    node
}

/// Whether Spark's operator gives batches of columns: a batched scan, or a
/// union of such operators.
fn columnar(node: &SparkNode) -> bool {
    match node.name.as_str() {
        "Union" => !node.children.is_empty() && node.children.iter().all(columnar),
        name => name.starts_with("Scan ") && node.line.contains(" Batched: true"),
    }
}

/// Spark's codegen stages: maximal groups of connected operators that
/// support codegen, numbered children first.
fn number_stages(root: &mut SparkNode) {
    fn mark(node: &mut SparkNode, parent_in_stage: bool, counter: &mut usize) -> bool {
        let starts = node.supports_codegen() && !parent_in_stage && node.name != "LocalTableScan";
        let in_stage = node.supports_codegen() && (parent_in_stage || starts);
        let cuts = cuts_stage(node);
        for child in &mut node.children {
            mark(child, in_stage && !cuts, counter);
        }
        if starts {
            *counter += 1;
            node.stage = Some(*counter);
        }
        in_stage
    }
    fn spread(node: &mut SparkNode, stage: Option<usize>) {
        let cuts = cuts_stage(node);
        if node.stage.is_none() && node.supports_codegen() {
            node.stage = stage;
        }
        let own = node.stage;
        for child in &mut node.children {
            spread(child, if cuts { None } else { own });
        }
    }
    mark(root, false, &mut 0);
    spread(root, None);
}

/// Whether an operator's inputs run outside its codegen stage: a shuffled
/// join's sides, and the batches of columns a `ColumnarToRow` reads.
fn cuts_stage(node: &SparkNode) -> bool {
    matches!(node.name.as_str(), "SortMergeJoin" | "ShuffledHashJoin" | "ColumnarToRow")
}

/// The tree of operator lines (`verbose`: the extended mode's lines).
pub fn tree_text(root: &SparkNode, verbose: bool) -> String {
    let mut out = String::new();
    write_tree(root, &mut Vec::new(), &mut out, &|node| {
        let line = if verbose { node.verbose_line.as_ref().unwrap_or(&node.line) } else { &node.line };
        match node.stage {
            Some(stage) => format!("*({stage}) {line}"),
            None => line.clone(),
        }
    });
    out
}

fn write_tree(node: &SparkNode, last: &mut Vec<bool>, out: &mut String, line: &dyn Fn(&SparkNode) -> String) {
    if let Some((is_last, above)) = last.split_last() {
        for &ancestor_last in above {
            out.push_str(if ancestor_last { "   " } else { ":  " });
        }
        out.push_str(if *is_last { "+- " } else { ":- " });
    }
    out.push_str(&line(node));
    out.push('\n');
    // Spark prints inner plans two levels deeper, before the inputs.
    let inner = node.inner.len();
    for (i, plan) in node.inner.iter().enumerate() {
        last.extend([node.children.is_empty(), i + 1 == inner]);
        write_tree(plan, last, out, line);
        last.truncate(last.len() - 2);
    }
    let count = node.children.len();
    for (i, child) in node.children.iter().enumerate() {
        last.push(i + 1 == count);
        write_tree(child, last, out, line);
        last.pop();
    }
}

/// Spark's formatted mode: the tree of numbered operators, then each
/// operator's output, input and arguments under its number.
pub fn formatted_text(root: &SparkNode) -> String {
    let mut numbered: Vec<&SparkNode> = Vec::new();
    number_operators(root, &mut numbered);
    let id = |node: &SparkNode| numbered.iter().position(|n| std::ptr::eq(*n, node)).map_or(0, |i| i + 1);
    let mut out = String::from("== Physical Plan ==\n");
    write_tree(root, &mut Vec::new(), &mut out, &|node| {
        let star = if node.stage.is_some() { "* " } else { "" };
        format!("{star}{} ({})", node.formatted_name.as_ref().unwrap_or(&node.name), id(node))
    });
    out.push_str("\n\n");
    for (i, node) in numbered.iter().enumerate() {
        let codegen = node.stage.map(|s| format!(" [codegen id : {s}]")).unwrap_or_default();
        out.push_str(&format!("({}) {}{codegen}\n", i + 1, node.name));
        for line in operator_details(node) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// Numbers operators children first, as Spark does (leaves get the lowest
/// numbers), the plans inside an operator right after it.
fn number_operators<'a>(node: &'a SparkNode, numbered: &mut Vec<&'a SparkNode>) {
    for child in &node.children {
        number_operators(child, numbered);
    }
    numbered.push(node);
    for plan in &node.inner {
        number_operators(plan, numbered);
    }
}

/// The formatted mode's lines about one operator.
fn operator_details(node: &SparkNode) -> Vec<String> {
    let columns = |label: &str, items: &[String]| fields(label, items);
    let arguments = node.line.strip_prefix(node.name.trim_end()).map(str::trim_start).unwrap_or(&node.line);
    let mut lines = Vec::new();
    match node.children.as_slice() {
        // A cached relation lists its columns and storage level.
        [] if node.name == "InMemoryRelation" => lines.push(format!("Arguments: {arguments}")),
        [] => {
            lines.push(columns("Output", node.listed_output.as_ref().unwrap_or(&node.output)));
            match node.name.as_str() {
                "Range" => lines.push(format!("Arguments: {}", splits_as_option(&node.line))),
                _ if !node.details.is_empty() => lines.extend(node.details.iter().cloned()),
                _ => lines.push(format!("Arguments: {arguments}")),
            }
        }
        [_] if node.name == "AdaptiveSparkPlan" => {
            lines.push(columns("Output", &node.output));
            lines.push(format!("Arguments: {arguments}"));
        }
        [child] => {
            if let Some(items) = &node.formatted_output {
                lines.push(columns("Output", items));
            }
            lines.push(columns("Input", child.listed_output.as_ref().unwrap_or(&child.output)));
            if !node.details.is_empty() {
                lines.extend(node.details.iter().cloned());
            } else if node.formatted_output.is_none() && !arguments.is_empty() {
                lines.push(format!("Arguments: {arguments}"));
            }
        }
        _ if !node.details.is_empty() => lines.extend(node.details.iter().cloned()),
        _ if node.name != "Union" && !arguments.is_empty() => lines.push(format!("Arguments: {arguments}")),
        _ => {}
    }
    lines
}

/// A labelled list of the formatted mode: `Keys [1]: [k#1L]`, `Functions: []`.
pub(crate) fn fields(label: &str, items: &[String]) -> String {
    match items.len() {
        0 => format!("{label}: []"),
        n => format!("{label} [{n}]: {}", list(items.iter().cloned())),
    }
}

/// A `Range` line with its splits as the logical plan prints them (`splits=Some(2)`).
fn splits_as_option(line: &str) -> String {
    match line.rsplit_once("splits=") {
        Some((head, tail)) => format!("{head}splits=Some({})", tail.trim_end_matches(')')) + ")",
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str, line: &str) -> SparkNode {
        SparkNode::new(name, line.to_string(), vec!["id#0L".to_string()], vec![])
    }

    #[test]
    fn pipelined_operators_share_a_codegen_stage() {
        let range = leaf("Range", "Range (0, 10, step=1, splits=2)");
        let filter = SparkNode::new("Filter", "Filter (id#0L > 3)".into(), vec!["id#0L".into()], vec![range]);
        let mut root = SparkNode::new("CollectLimit", "CollectLimit 3".into(), vec!["id#0L".into()], vec![filter]);
        number_stages(&mut root);
        assert_eq!(
            tree_text(&root, false),
            "CollectLimit 3\n+- *(1) Filter (id#0L > 3)\n   +- *(1) Range (0, 10, step=1, splits=2)\n"
        );
        let formatted = formatted_text(&root);
        assert!(formatted.starts_with("== Physical Plan ==\nCollectLimit (3)\n+- * Filter (2)\n   +- * Range (1)\n\n\n(1) Range [codegen id : 1]\nOutput [1]: [id#0L]\nArguments: Range (0, 10, step=1, splits=Some(2))\n"), "{formatted}");
        assert!(formatted.contains("(2) Filter [codegen id : 1]\nInput [1]: [id#0L]\n"));
    }

    #[test]
    fn siblings_print_with_spark_branches() {
        let union = SparkNode::new("Union", "Union".into(), vec![], vec![leaf("Range", "Range a"), leaf("Range", "Range b")]);
        assert_eq!(tree_text(&union, false), "Union\n:- Range a\n+- Range b\n");
    }
}
