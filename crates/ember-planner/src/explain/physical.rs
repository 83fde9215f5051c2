//! The physical plan that runs, as Spark's operators: each DataFusion
//! operator under Spark's name with Spark's arguments, the operators
//! Spark has no counterpart for (batch coalescing, cooperative yielding,
//! round-robin spreading, column renames) folded away.

use std::sync::Arc;

use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::physical_plan::FileScanConfig;
use datafusion::datasource::source::DataSourceExec;
use datafusion::physical_expr::expressions::{Column, IsNotNullExpr};
use datafusion::physical_expr::split_conjunction;
use datafusion::physical_plan::aggregates::{AggregateExec, AggregateMode};
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::coop::CooperativeExec;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::filter::FilterExec;
use ember_sources::RecordFilesExec;
use datafusion::physical_plan::joins::utils::JoinFilter;
use datafusion::physical_plan::limit::{GlobalLimitExec, LocalLimitExec};
use datafusion::physical_plan::placeholder_row::PlaceholderRowExec;
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::union::{InterleaveExec, UnionExec};
use datafusion::physical_plan::unnest::UnnestExec;
use datafusion::physical_plan::windows::{BoundedWindowAggExec, WindowAggExec};
use datafusion::physical_plan::{DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, Partitioning};

use super::attributes::Attributes;
use super::expressions::{COMPUTED_DISTINCT_ARGUMENT, DISTINCT_ARGUMENT, aggregate_text, sort_text, text};
use super::file_scan::FileScan;
use super::window::window_text;
use super::{SparkNode, fields, list};
use crate::cache::{InMemoryTableScanExec, storage_level_text};
use crate::join_strategy::{JoinExpressions, JoinInput, SparkJoinExec};
use crate::partitioning::{OrderedConcatExec, PartitionSortExec, Router, ShuffleExec};

/// The names a parent wants its input's columns printed under, by index
/// (the internal names of the renames folded into it).
type Wanted = Vec<Option<String>>;

/// Converts a physical plan to Spark's operators.
pub struct Converter<'a> {
    attributes: &'a Attributes,
    /// `spark.sql.shuffle.partitions`: the partitions of Spark's exchanges
    /// that a distribution requires.
    shuffle_partitions: usize,
    /// The limit that Spark's `CollectLimit` at the root runs, by address.
    collect_limit: std::cell::Cell<usize>,
    /// The aggregations by grouping sets that expand rows for several
    /// `DISTINCT` aggregates (Spark's `gid`), by address.
    distinct_expansions: std::collections::HashSet<usize>,
    /// Spark's `gid` of each of their grouping ids.
    distinct_group_ids: std::cell::RefCell<std::collections::HashMap<u64, u64>>,
}

impl<'a> Converter<'a> {
    /// A converter printing columns with `attributes` and required exchanges into `shuffle_partitions`.
    pub fn new(attributes: &'a Attributes, shuffle_partitions: usize) -> Self {
        Converter { attributes, shuffle_partitions, collect_limit: std::cell::Cell::new(0), distinct_expansions: Default::default(), distinct_group_ids: Default::default() }
    }

    /// The Spark operators of the plan's root.
    pub fn root(mut self, plan: &Arc<dyn ExecutionPlan>) -> SparkNode {
        self.distinct_expansions = distinct_expansions(plan);
        let plan = without_final_merge(plan);
        let mut node = plan.clone();
        while let Some(projection) = node.downcast_ref::<ProjectionExec>() {
            node = projection.input().clone();
        }
        // A limit at the root (or the merge of the partitions' first rows): Spark's `CollectLimit`.
        if node.is::<GlobalLimitExec>() || node.downcast_ref::<CoalescePartitionsExec>().is_some_and(|m| m.fetch().is_some()) {
            self.collect_limit.set(address(&node));
        }
        let converted = self.convert(&plan, &vec![]);
        // A limit DataFusion gave the single scan it reads: Spark's `CollectLimit` at the root.
        match node.downcast_ref::<DataSourceExec>().and_then(|s| s.data_source().downcast_ref::<FileScanConfig>()).and_then(|c| c.limit) {
            Some(limit) if node.output_partitioning().partition_count() == 1 => {
                let output = converted.output.clone();
                SparkNode::new("CollectLimit", format!("CollectLimit {limit}"), output, vec![converted])
            }
            _ => converted,
        }
    }

    fn outputs(&self, plan: &Arc<dyn ExecutionPlan>, wanted: &Wanted) -> Vec<String> {
        self.attributes.references(&plan.schema(), wanted)
    }

    fn node(&self, plan: &Arc<dyn ExecutionPlan>, wanted: &Wanted, name: &str, line: String, children: Vec<SparkNode>) -> SparkNode {
        SparkNode::new(name, line, self.outputs(plan, wanted), children)
    }

    /// The Spark operators of `plan`, its output columns printed as `wanted`.
    fn convert(&self, plan: &Arc<dyn ExecutionPlan>, wanted: &Wanted) -> SparkNode {
        if plan.is::<CooperativeExec>() {
            return self.convert(plan.children()[0], wanted);
        }
        if let Some(filter) = plan.downcast_ref::<FilterExec>() {
            let reads_hidden = datafusion::physical_expr::utils::collect_columns(filter.predicate()).iter().any(|c| super::attributes::hidden(c.name()));
            if reads_hidden {
                return self.convert(filter.input(), wanted);
            }
        }
        if let Some(node) = self.computing_file_scan(plan, wanted) {
            return node;
        }
        // SQL's `VALUES` of several rows (a union of one-row projections,
        // sorted back into the written order): Spark's local relation.
        if self.is_values_list(plan) {
            let output: Vec<String> = self.outputs(plan, wanted).into_iter().filter(|name| !name.starts_with(crate::sql::VALUES_ROW)).collect();
            return SparkNode::new("LocalTableScan", format!("LocalTableScan {}", list(output.clone())), output, vec![]);
        }
        if let Some(repartition) = plan.downcast_ref::<RepartitionExec>() {
            return self.repartition(plan, repartition, wanted);
        }
        if let Some(shuffle) = plan.downcast_ref::<ShuffleExec>() {
            return self.shuffle(plan, shuffle, wanted);
        }
        if let Some(projection) = plan.downcast_ref::<ProjectionExec>() {
            return self.projection(plan, projection, wanted);
        }
        if let Some(limit) = plan.downcast_ref::<GlobalLimitExec>().filter(|_| address(plan) == self.collect_limit.get()) {
            let child = self.convert(&without_local_limit(limit.input()), wanted);
            let fetch = limit.fetch().map_or("-1".to_string(), |f| f.to_string());
            let line = match limit.skip() {
                0 => format!("CollectLimit {fetch}"),
                skip => format!("CollectLimit {fetch}, {skip}"),
            };
            return self.node(plan, wanted, "CollectLimit", line, vec![child]);
        }
        if let Some((merge, fetch)) = plan.downcast_ref::<CoalescePartitionsExec>().filter(|_| address(plan) == self.collect_limit.get()).and_then(|m| Some((m, m.fetch()?))) {
            let child = self.convert(merge.input(), wanted);
            return self.node(plan, wanted, "CollectLimit", format!("CollectLimit {fetch}"), vec![child]);
        }
        if let Some(join) = plan.downcast_ref::<SparkJoinExec>() {
            return self.join(plan, join, wanted);
        }
        if let Some(unnest) = plan.downcast_ref::<UnnestExec>() {
            return self.generate(plan, unnest, wanted);
        }
        let pass = self.passed_through(plan, wanted);
        let mut children: Vec<SparkNode> = plan.children().iter().map(|c| self.convert(c, &pass)).collect();
        if plan.is::<SortPreservingMergeExec>() {
            // Sorting each partition (or keeping its first rows) and merging them is one global sort (or top-N).
            let partial = |c: &SparkNode| (c.name == "Sort" && c.line.ends_with(", false, 0")) || c.name == "TakeOrderedAndProject";
            children = children.into_iter().flat_map(|c| if partial(&c) { c.children } else { vec![c] }).collect();
        }
        let inputs = children.first().map(|c| c.output.clone()).unwrap_or_default();
        if self.distinct_expansions.contains(&address(plan)) {
            // Spark's `gid` tells the rows expanded for each DISTINCT argument apart.
            self.attributes.rename(datafusion::logical_expr::Aggregate::INTERNAL_GROUPING_ID, "gid", &datafusion::arrow::datatypes::DataType::Int32);
        }
        if let Some(aggregate) = plan.downcast_ref::<AggregateExec>() {
            // Grouping by a distinct aggregate's argument: Spark groups by the column itself, or
            // names a computed argument as it prints (`(k#1L + 1)#5L`).
            // A key that is a column keeps its reference in the output, as Spark's.
            for (i, (expr, name)) in aggregate.group_expr().expr().iter().enumerate() {
                if expr.is::<Column>() {
                    let reference = text(expr.as_ref(), &inputs);
                    if let Some(Some(output)) = wanted.get(i) {
                        self.attributes.alias(output, &reference);
                    }
                    self.attributes.alias(name, &reference);
                } else if name == DISTINCT_ARGUMENT {
                    let data_type = expr.data_type(&aggregate.input().schema()).unwrap_or(datafusion::arrow::datatypes::DataType::Null);
                    self.attributes.rename(name, &text(expr.as_ref(), &inputs), &data_type);
                }
            }
        }
        let (name, line) = self.operator(plan, &inputs, &children, wanted);
        let mut node = self.node(plan, wanted, &name, line, children);
        if let Some(aggregate) = plan.downcast_ref::<AggregateExec>() {
            self.aggregate_details(&mut node, aggregate, &inputs, None);
            if expands(aggregate) {
                let input = node.children.pop().unwrap_or_else(|| SparkNode::new("", String::new(), vec![], vec![]));
                let spark_ids = self.distinct_expansions.contains(&address(plan)).then(|| distinct_group_ids(aggregate));
                if let Some(ids) = &spark_ids {
                    self.distinct_group_ids.borrow_mut().extend(ids.iter().map(|(&id, &spark)| (id, spark)));
                }
                node.children = vec![expand(aggregate, input, &node.output, spark_ids.as_ref())];
            }
        }
        if let Some(window) = plan.downcast_ref::<BoundedWindowAggExec>() {
            self.window_input(window.window_expr(), &mut node);
        }
        if let Some(window) = plan.downcast_ref::<WindowAggExec>() {
            self.window_input(window.window_expr(), &mut node);
        }
        if node.name == "Sort" {
            if let Some(order) = plan.downcast_ref::<SortExec>().map(|s| s.expr().to_vec()).or_else(|| plan.downcast_ref::<SortPreservingMergeExec>().map(|m| m.expr().to_vec())) {
                self.sort_input(&mut node, &order);
            }
        }
        if let Some(filter) = plan.downcast_ref::<FilterExec>() {
            node.details = vec![format!("Condition : {}", text(filter.predicate().as_ref(), &inputs))];
            // Spark lists a filter's conjuncts as the data filters of the record scan below it.
            if let (Some(records), [scan]) = (record_scan_below(filter.input()), node.children.as_mut_slice()) {
                let file_scan = FileScan::of_records(records, &scan.output, Some(filter.predicate()));
                scan.line = file_scan.line(&scan.output);
                scan.details = file_scan.details();
            }
            // Spark pushes a filter's conjuncts into the in-memory scan below it, which lists them.
            if let [scan] = node.children.as_mut_slice() {
                if scan.name == "InMemoryTableScan" && !scan.inner.is_empty() {
                    let conjuncts = split_conjunction(filter.predicate()).into_iter().map(|c| text(c.as_ref(), &inputs));
                    scan.line = format!("{}, {}", scan.line, list(conjuncts));
                }
            }
        }
        if let Some(config) = plan.downcast_ref::<DataSourceExec>().and_then(|s| s.data_source().downcast_ref::<FileScanConfig>()) {
            node.details = FileScan::of(config, &node.output, self.attributes).details();
        }
        if let Some(scan) = plan.downcast_ref::<RecordFilesExec>() {
            node.details = FileScan::of_records(scan, &node.output, None).details();
        }
        if let Some(scan) = plan.downcast_ref::<InMemoryTableScanExec>().filter(|s| !s.entry().checkpoint) {
            self.in_memory_relation(&mut node, scan);
        }
        // A filter that drops columns: Spark's filter keeps them, a `Project` above picks.
        if plan.downcast_ref::<FilterExec>().is_some_and(|f| f.projection().is_some()) && node.output != inputs {
            let picked = std::mem::replace(&mut node.output, inputs);
            let mut project = SparkNode::new("Project", format!("Project {}", list(picked.clone())), picked.clone(), vec![node]);
            project.formatted_output = Some(picked);
            return project;
        }
        node
    }

    /// A file scan that computes its output from the file's columns (a
    /// projection DataFusion moved into it) as Spark's: a `Project` over
    /// the scan of the columns it reads.
    fn computing_file_scan(&self, plan: &Arc<dyn ExecutionPlan>, wanted: &Wanted) -> Option<SparkNode> {
        let config = plan.downcast_ref::<DataSourceExec>()?.data_source().downcast_ref::<FileScanConfig>()?;
        let projection = config.file_source().projection()?;
        let table = config.file_source().table_schema().table_schema().clone();
        let computes = projection.iter().any(|p| match p.expr.downcast_ref::<Column>() {
            Some(column) => self.attributes.name(&p.alias) != column.name(),
            None => true,
        });
        if !computes {
            return None;
        }
        let mut read: Vec<usize> = projection.iter().flat_map(|p| datafusion::physical_expr::utils::collect_columns(&p.expr)).map(|c| c.index()).collect();
        read.sort_unstable();
        read.dedup();
        let output = self.outputs(plan, wanted);
        // A column passed through prints as the output does, one renamed or computed on under the file's name.
        let passed = |i: usize, name: &str| {
            projection.iter().zip(&output).find_map(|(p, reference)| {
                let column = p.expr.downcast_ref::<Column>().filter(|c| c.index() == i && self.attributes.name(&p.alias) == name)?;
                Some((column, reference.clone()))
            })
        };
        let table_inputs: Vec<String> = table
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| passed(i, f.name()).map_or_else(|| self.attributes.own_reference(f.name(), f.data_type()), |(_, reference)| reference))
            .collect();
        let scan_output: Vec<String> = read.iter().map(|&i| table_inputs[i].clone()).collect();
        let fields: datafusion::arrow::datatypes::Fields = read.iter().map(|&i| table.fields()[i].clone()).collect();
        let scan = FileScan::reading(config, fields, &scan_output, self.attributes);
        let mut scan_node = SparkNode::new(&format!("Scan {} ", scan.format), scan.line(&scan_output), scan_output, vec![]);
        scan_node.details = scan.details();
        let items: Vec<String> = projection
            .iter()
            .zip(&output)
            .map(|(p, reference)| {
                let value = text(p.expr.as_ref(), &table_inputs);
                if value == *reference { value } else { format!("{value} AS {reference}") }
            })
            .collect();
        let mut project = SparkNode::new("Project", format!("Project {}", list(items.clone())), output, vec![scan_node]);
        project.formatted_output = Some(items);
        Some(project)
    }

    /// An in-memory scan as Spark prints it: its relation (with the
    /// storage level) inside it, and the relation's cached plan inside that.
    fn in_memory_relation(&self, node: &mut SparkNode, scan: &InMemoryTableScanExec) {
        let Some(cached) = scan.cached_plan() else { return };
        // The relation's columns have the names it was cached with.
        for (internal, name) in scan.entry().column_names() {
            self.attributes.know(internal, name);
        }
        let plan = super::physical_tree(self.attributes, self.shuffle_partitions, &cached);
        // A scan of all the relation's columns names them as the relation does.
        let output = if scan.schema().fields().len() == cached.schema().fields().len() { node.output.clone() } else { plan.output.clone() };
        let line = format!("InMemoryRelation {}, {}", list(output.iter().cloned()), storage_level_text(&scan.entry().level));
        node.line = format!("InMemoryTableScan {}", list(node.output.iter().cloned()));
        node.verbose_line = None;
        let mut relation = SparkNode::new("InMemoryRelation", line, output, vec![]);
        relation.inner = vec![plan];
        node.inner = vec![relation];
    }

    /// What a single-input operator that passes its input's columns on wants them printed as.
    fn passed_through(&self, plan: &Arc<dyn ExecutionPlan>, wanted: &Wanted) -> Wanted {
        let children = plan.children();
        let [child] = children.as_slice() else { return vec![] };
        let same = child.schema().fields().iter().map(|f| f.name()).eq(plan.schema().fields().iter().map(|f| f.name()));
        if same { wanted.clone() } else { vec![] }
    }

    /// Spark's name and line for an operator without its own handling above.
    fn operator(&self, plan: &Arc<dyn ExecutionPlan>, inputs: &[String], children: &[SparkNode], wanted: &Wanted) -> (String, String) {
        let sorts = |order: &[datafusion::physical_expr::PhysicalSortExpr]| list(order.iter().map(|s| sort_text(s, inputs)));
        if let Some(filter) = plan.downcast_ref::<FilterExec>() {
            return ("Filter".into(), format!("Filter {}", text(filter.predicate().as_ref(), inputs)));
        }
        if let Some(aggregate) = plan.downcast_ref::<AggregateExec>() {
            let (keys, functions) = self.aggregate_parts(aggregate, inputs, children);
            // Spark's object aggregates (`collect_list`, `percentile`, …) run in an `ObjectHashAggregate`.
            let object = aggregate.aggr_expr().iter().any(|a| super::expressions::object_aggregate_name(a).is_some());
            let name = if object { "ObjectHashAggregate" } else { "HashAggregate" };
            return (name.into(), format!("{name}(keys={}, functions={})", list(keys), list(functions)));
        }
        if let Some(merge) = plan.downcast_ref::<SortPreservingMergeExec>() {
            return match merge.fetch() {
                Some(limit) => {
                    let output = self.outputs(plan, wanted);
                    ("TakeOrderedAndProject".into(), format!("TakeOrderedAndProject(limit={limit}, orderBy={}, output=[{}])", sorts(merge.expr()), output.join(",")))
                }
                None => ("Sort".into(), format!("Sort {}, true, 0", sorts(merge.expr()))),
            };
        }
        if let Some(sort) = plan.downcast_ref::<SortExec>() {
            let global = !sort.preserve_partitioning() || sort.input().output_partitioning().partition_count() == 1;
            return match sort.fetch() {
                Some(limit) if global => {
                    let output = self.outputs(plan, wanted);
                    ("TakeOrderedAndProject".into(), format!("TakeOrderedAndProject(limit={limit}, orderBy={}, output=[{}])", sorts(sort.expr()), output.join(",")))
                }
                _ => ("Sort".into(), format!("Sort {}, {global}, 0", sorts(sort.expr()))),
            };
        }
        if let Some(sort) = plan.downcast_ref::<PartitionSortExec>() {
            return ("Sort".into(), format!("Sort {}, false, 0", sorts(sort.order())));
        }
        if let Some(limit) = plan.downcast_ref::<GlobalLimitExec>() {
            let fetch = limit.fetch().map_or("-1".to_string(), |f| f.to_string());
            return ("GlobalLimit".into(), format!("GlobalLimit {fetch}, {}", limit.skip()));
        }
        if let Some(limit) = plan.downcast_ref::<LocalLimitExec>() {
            return ("LocalLimit".into(), format!("LocalLimit {}", limit.fetch()));
        }
        if plan.is::<CoalescePartitionsExec>() || plan.is::<OrderedConcatExec>() {
            return ("Exchange".into(), self.exchange("SinglePartition".into(), "ENSURE_REQUIREMENTS"));
        }
        if plan.is::<UnionExec>() || plan.is::<InterleaveExec>() {
            return ("Union".into(), "Union".into());
        }
        if plan.name() == "SparkRangeExec" {
            return ("Range".into(), verbose(plan));
        }
        if let Some(source) = plan.downcast_ref::<DataSourceExec>() {
            let output = self.outputs(plan, wanted);
            if let Some(memory) = source.data_source().downcast_ref::<MemorySourceConfig>() {
                let empty = memory.partitions().iter().flatten().all(|b| b.num_rows() == 0);
                let line = if empty { format!("LocalTableScan <empty>, {}", list(output)) } else { format!("LocalTableScan {}", list(output)) };
                return ("LocalTableScan".into(), line);
            }
            if let Some(config) = source.data_source().downcast_ref::<FileScanConfig>() {
                let scan = FileScan::of(config, &output, self.attributes);
                return (format!("Scan {} ", scan.format), scan.line(&output));
            }
        }
        if let Some(records) = plan.downcast_ref::<RecordFilesExec>() {
            let output = self.outputs(plan, wanted);
            let scan = FileScan::of_records(records, &output, None);
            return (format!("Scan {} ", scan.format), scan.line(&output));
        }
        if plan.is::<EmptyExec>() {
            return ("LocalTableScan".into(), format!("LocalTableScan <empty>, {}", list(self.outputs(plan, wanted))));
        }
        if plan.is::<PlaceholderRowExec>() {
            return ("Scan OneRowRelation".into(), "Scan OneRowRelation[]".into());
        }
        if let Some(window) = plan.downcast_ref::<BoundedWindowAggExec>() {
            return ("Window".into(), window_text(window.window_expr(), &self.outputs(plan, wanted), inputs));
        }
        if let Some(window) = plan.downcast_ref::<WindowAggExec>() {
            return ("Window".into(), window_text(window.window_expr(), &self.outputs(plan, wanted), inputs));
        }
        let line = verbose(plan);
        if plan.name() == "InMemoryTableScanExec" {
            // Its own line lists its internal column names: Spark's references instead.
            let (head, rest) = line.split_once(" [").and_then(|(head, tail)| Some((head, tail.split_once(']')?.1))).unwrap_or((&line, ""));
            let name = head.to_string();
            return (name.clone(), format!("{name} {}{rest}", list(self.outputs(plan, wanted))));
        }
        (plan.name().trim_end_matches("Exec").to_string(), line)
    }

    /// Spark's hash partitioning by `keys` a distribution requires.
    fn hash_partitioning(&self, keys: impl Iterator<Item = String>) -> String {
        format!("hashpartitioning({}, {})", keys.collect::<Vec<_>>().join(", "), self.shuffle_partitions)
    }

    /// Spark's `Exchange` a distribution requires, over `child`.
    fn required_exchange(&self, partitioning: String, child: SparkNode) -> SparkNode {
        let output = child.output.clone();
        SparkNode::new("Exchange", self.exchange(partitioning, "ENSURE_REQUIREMENTS"), output, vec![child])
    }

    /// A window's input as Spark distributes and sorts it: rows with the
    /// same partition keys in one partition (an `Exchange` by their hash,
    /// or into a single partition without keys), each partition sorted by
    /// the keys (ascending, nulls first) and the window's order. Ember sorts
    /// all rows at once where they are in one partition.
    fn window_input(&self, window: &[Arc<dyn datafusion::physical_expr::window::WindowExpr>], node: &mut SparkNode) {
        let (Some(first), [input]) = (window.first(), node.children.as_mut_slice()) else { return };
        let columns = input.output.clone();
        let keys: Vec<String> = first.partition_by().iter().map(|e| text(e.as_ref(), &columns)).collect();
        let order: Vec<String> = keys.iter().map(|k| format!("{k} ASC NULLS FIRST")).chain(first.order_by().iter().map(|s| sort_text(s, &columns))).collect();
        let sorted = input.name == "Sort";
        let mut rows = if sorted { input.children.pop().unwrap_or_else(|| input.clone()) } else { input.clone() };
        // Not the exchange by ranges of a global sort: the window's sort is per partition.
        if rows.line.starts_with("Exchange rangepartitioning(") {
            rows = rows.children.pop().unwrap_or(rows);
        }
        if rows.name != "Exchange" {
            let partitioning = if keys.is_empty() { "SinglePartition".to_string() } else { self.hash_partitioning(keys.iter().cloned()) };
            rows = self.required_exchange(partitioning, rows);
        }
        *input = match order.is_empty() {
            true => rows,
            false => SparkNode::new("Sort", format!("Sort {}, false, 0", list(order)), columns, vec![rows]),
        };
    }

    /// A global sort's input as Spark distributes it: an `Exchange` by
    /// ranges of the sort keys, unless the rows are in one partition.
    fn sort_input(&self, node: &mut SparkNode, order: &[datafusion::physical_expr::PhysicalSortExpr]) {
        let [input] = node.children.as_mut_slice() else { return };
        let single = |n: &SparkNode| n.name == "Exchange" || (super::is_aggregate(&n.name) && n.line.contains("Aggregate(keys=[],"));
        if !node.line.ends_with(", true, 0") || single(input) {
            return;
        }
        let ranges = order.iter().map(|s| sort_text(s, &input.output)).collect::<Vec<_>>().join(", ");
        let partitioning = format!("rangepartitioning({ranges}, {})", self.shuffle_partitions);
        *input = self.required_exchange(partitioning, input.clone());
    }

    fn exchange(&self, partitioning: String, origin: &str) -> String {
        format!("Exchange {partitioning}, {origin}, [plan_id={}]", self.attributes.fresh_id())
    }

    /// A repartition: Spark's `Exchange` when it moves rows by key or into
    /// one partition; folded when it only spreads batches over threads.
    fn repartition(&self, plan: &Arc<dyn ExecutionPlan>, repartition: &RepartitionExec, wanted: &Wanted) -> SparkNode {
        let child = self.convert(repartition.input(), wanted);
        let partitioning = match repartition.partitioning() {
            // Spark's exchange into `spark.sql.shuffle.partitions` (Ember hashes into as many partitions as it runs threads).
            Partitioning::Hash(keys, _) => self.hash_partitioning(keys.iter().map(|k| text(k.as_ref(), &child.output))),
            Partitioning::UnknownPartitioning(1) => "SinglePartition".to_string(),
            _ => return child,
        };
        let line = self.exchange(partitioning, "ENSURE_REQUIREMENTS");
        self.node(plan, wanted, "Exchange", line, vec![child])
    }

    /// `repartition`'s shuffle: Spark's `Exchange … REPARTITION_BY_NUM`
    /// (`REBALANCE_PARTITIONS_BY_…` for a `REBALANCE` hint's).
    fn shuffle(&self, plan: &Arc<dyn ExecutionPlan>, shuffle: &ShuffleExec, wanted: &Wanted) -> SparkNode {
        let child = self.convert(plan.children()[0], wanted);
        let n = shuffle.partitions();
        let partitioning = match shuffle.router() {
            Router::RoundRobin { .. } => format!("RoundRobinPartitioning({n})"),
            Router::Hash(partition) => format!("hashpartitioning({}, {n})", hashed_columns(partition.as_ref(), &child.output).join(", ")),
            Router::Range(order) => format!("rangepartitioning({}, {n})", order.iter().map(|s| sort_text(s, &child.output)).collect::<Vec<_>>().join(", ")),
            // Local rows cut into Spark's slices: part of Spark's LocalTableScan.
            Router::Slices => return child,
        };
        let origin = match shuffle.router() {
            _ if !shuffle.is_rebalance() => "REPARTITION_BY_NUM",
            Router::RoundRobin { .. } => "REBALANCE_PARTITIONS_BY_NONE",
            _ => "REBALANCE_PARTITIONS_BY_COL",
        };
        let line = self.exchange(partitioning, origin);
        self.node(plan, wanted, "Exchange", line, vec![child])
    }

    /// A projection: folded when it only renames its input's columns (the
    /// input's columns then print under its names), else Spark's `Project`.
    /// `plan` below the operators that only move its rows between partitions
    /// (or put a `VALUES` list's rows back in their order).
    fn without_exchanges<'p>(&self, plan: &'p Arc<dyn ExecutionPlan>) -> &'p Arc<dyn ExecutionPlan> {
        let mut node = plan;
        loop {
            if let Some(input) = self.values_order_input(node) {
                node = input;
            } else if node.is::<CooperativeExec>()
                || node.is::<RepartitionExec>()
                || node.is::<CoalescePartitionsExec>()
                || node.is::<ShuffleExec>()
                || node.is::<OrderedConcatExec>()
            {
                node = node.children()[0];
            } else {
                return node;
            }
        }
    }

    /// Whether `plan` is the union of one-row projections (each over Spark's
    /// `OneRowRelation`) that SQL's `VALUES` of several rows is planned as.
    fn is_values_list(&self, plan: &Arc<dyn ExecutionPlan>) -> bool {
        let mut union = self.without_exchanges(plan);
        // Projections of the whole list (DataFusion's over the union) are the list's columns.
        while let Some(projection) = union.downcast_ref::<ProjectionExec>() {
            union = self.without_exchanges(projection.input());
        }
        union.is::<UnionExec>()
            && union.children().iter().all(|child| {
                self.without_exchanges(child).downcast_ref::<ProjectionExec>().is_some_and(|projection| projection.input().is::<PlaceholderRowExec>())
            })
    }

    /// The input of `plan` when it sorts a `VALUES` list's rows back into
    /// their written order (a sort, or a merge of sorted partitions, by its
    /// hidden row number).
    fn values_order_input<'p>(&self, plan: &'p Arc<dyn ExecutionPlan>) -> Option<&'p Arc<dyn ExecutionPlan>> {
        let (keys, input): (Vec<&datafusion::physical_expr::PhysicalSortExpr>, _) = if let Some(sort) = plan.downcast_ref::<SortExec>() {
            (sort.expr().iter().collect(), sort.input())
        } else if let Some(merge) = plan.downcast_ref::<SortPreservingMergeExec>() {
            (merge.expr().iter().collect(), merge.input())
        } else if let Some(sort) = plan.downcast_ref::<PartitionSortExec>() {
            (sort.order().iter().collect(), plan.children()[0])
        } else {
            return None;
        };
        let by_row_number = matches!(keys.as_slice(), [key] if key.expr.downcast_ref::<Column>().is_some_and(|c| self.attributes.name(c.name()) == crate::sql::VALUES_ROW));
        by_row_number.then_some(input)
    }

    fn projection(&self, plan: &Arc<dyn ExecutionPlan>, projection: &ProjectionExec, wanted: &Wanted) -> SparkNode {
        let input = projection.input();
        if let Some(node) = self.common_subexpressions(projection, wanted) {
            return node;
        }
        let mut child_wanted: Wanted = vec![None; input.schema().fields().len()];
        for (i, expr) in projection.expr().iter().enumerate() {
            let target = wanted.get(i).cloned().flatten().unwrap_or_else(|| expr.alias.clone());
            // A column of a source (a file's) given another name: Spark's `Project` renames it.
            if renames_file_column(input, expr, &target, self.attributes) {
                continue;
            }
            if let Some(column) = renamed_column(expr.expr.as_ref()).or_else(|| retyped_aggregate_result(input, expr.expr.as_ref())) {
                self.attributes.learn(column.name(), &target);
            }
            // A window function's result retyped to Spark's type of it (a rank's int) keeps its name too.
            let retyped = cast_operand(expr.expr.as_ref())
                .and_then(|o| o.downcast_ref::<Column>())
                .filter(|c| window_result(input, c.index()) && self.attributes.name(c.name()) == self.attributes.name(&target));
            if let Some(column) = expr.expr.downcast_ref::<Column>().or(retyped).or_else(|| retyped_aggregate_result(input, expr.expr.as_ref())) {
                let name = wanted.get(i).cloned().flatten().unwrap_or_else(|| expr.alias.clone());
                if let Some(slot) = child_wanted.get_mut(column.index()).filter(|slot| slot.is_none()) {
                    *slot = Some(name);
                }
            }
        }
        let mut child = self.convert(input, &child_wanted);
        // A computed argument of several DISTINCT aggregates: Spark names it as it prints.
        for expr in projection.expr().iter().filter(|e| e.alias.starts_with(COMPUTED_DISTINCT_ARGUMENT)) {
            let data_type = expr.expr.data_type(&input.schema()).unwrap_or(datafusion::arrow::datatypes::DataType::Null);
            self.attributes.rename(&expr.alias, &text(expr.expr.as_ref(), &child.output), &data_type);
        }
        let output = self.outputs(plan, wanted);
        if output == child.output {
            return child;
        }
        // Spark's aggregation by grouping sets leaves its grouping id out itself.
        if let (Some(aggregate), Some(at)) = (input.downcast_ref::<AggregateExec>(), input.downcast_ref::<AggregateExec>().and_then(grouping_id_position)) {
            let picked: Option<Vec<usize>> = projection.expr().iter().map(|e| e.expr.downcast_ref::<Column>().map(Column::index)).collect();
            let others: Vec<usize> = (0..input.schema().fields().len()).filter(|&i| i != at).collect();
            if picked == Some(others) && super::is_aggregate(&child.name) {
                let inputs = child.children.first().map(|c| c.output.clone()).unwrap_or_default();
                self.aggregate_details(&mut child, aggregate, &inputs, Some(at));
                return child;
            }
        }
        let items: Vec<String> = projection
            .expr()
            .iter()
            .zip(&output)
            .map(|(expr, reference)| {
                let value = text(expr.expr.as_ref(), &child.output);
                // A column cast to the type Spark gives it (a rank's int) reads as the column.
                let retyped = cast_operand(expr.expr.as_ref())
                    .and_then(|o| o.downcast_ref::<Column>())
                    .is_some_and(|c| window_result(input, c.index()) && text(c, &child.output) == *reference)
                    // (an unsigned count reads without the `L` of the BIGINT it is retyped to)
                    || retyped_aggregate_result(input, expr.expr.as_ref()).is_some_and(|c| text(c, &child.output).trim_end_matches('L') == reference.trim_end_matches('L'));
                if value == *reference || retyped { reference.clone() } else { format!("{value} AS {reference}") }
            })
            .collect();
        if items == child.output {
            return child;
        }
        // Only retyping the aggregation's results: the aggregation gives them so itself.
        if items == output && input.is::<AggregateExec>() && items.len() == child.output.len() {
            child.output = items;
            return child;
        }
        // Spark's top-N computes the projection above it itself.
        if child.name == "TakeOrderedAndProject" {
            if let Some((head, _)) = child.line.rsplit_once(", output=[") {
                child.output = self.outputs(plan, wanted);
                child.line = format!("{head}, output=[{}])", child.output.join(","));
                return child;
            }
        }
        // Over the columns a filter keeps, one `Project` (Spark collapses projections).
        if child.name == "Project" && child.formatted_output.as_ref() == Some(&child.output) && child.children.len() == 1 {
            child = child.children.remove(0);
        }
        let mut node = self.node(plan, wanted, "Project", format!("Project {}", list(items.clone())), vec![child]);
        node.formatted_output = Some(items);
        node
    }

    /// DataFusion's common subexpressions computed once below the operators
    /// that read them (`(id + 1) AS __common_expr_1` beside the columns it
    /// passes on): folded away, each read as its expression, where Spark
    /// computes it in place (`sum((id#0L + 1))`).
    fn common_subexpressions(&self, projection: &ProjectionExec, wanted: &Wanted) -> Option<SparkNode> {
        let common = |e: &datafusion::physical_plan::projection::ProjectionExpr| e.alias.starts_with("__common_expr_");
        if !projection.expr().iter().any(common) || !projection.expr().iter().all(|e| common(e) || e.expr.is::<Column>()) {
            return None;
        }
        let input = projection.input();
        let mut child_wanted: Wanted = vec![None; input.schema().fields().len()];
        for (i, expr) in projection.expr().iter().enumerate() {
            if let (Some(column), Some(name)) = (expr.expr.downcast_ref::<Column>(), wanted.get(i).cloned().flatten()) {
                child_wanted[column.index()].get_or_insert(name);
            }
        }
        let mut child = self.convert(input, &child_wanted);
        let read_as = projection.expr().iter().map(|e| text(e.expr.as_ref(), &child.output)).collect();
        child.listed_output.get_or_insert_with(|| child.output.clone());
        child.output = read_as;
        Some(child)
    }

    /// The join as Spark's operator over its inputs in Spark's order.
    fn join(&self, plan: &Arc<dyn ExecutionPlan>, join: &SparkJoinExec, wanted: &Wanted) -> SparkNode {
        let mut children = Vec::new();
        let mut side_outputs = vec![Vec::new(), Vec::new()];
        let swapped = join.annotation().swapped;
        for (position, (how, input)) in join.spark_inputs().into_iter().enumerate() {
            let side = if swapped { 1 - position } else { position };
            let converted = self.convert(&input, &vec![]);
            side_outputs[side] = converted.output.clone();
            children.push(match how {
                JoinInput::Broadcast => {
                    let line = format!("{}, [plan_id={}]", join.broadcast_exchange_line(&BoundKeys(&input, self.attributes)), self.attributes.fresh_id());
                    SparkNode::new("BroadcastExchange", line, converted.output.clone(), vec![converted])
                }
                _ => converted,
            });
        }
        let references = SideReferences { outputs: &side_outputs, keys: Default::default(), condition: Default::default() };
        let line = join.spark_line_with(&references);
        // The formatted mode's lines, in Spark's sides.
        let [mut left, mut right] = references.keys.take();
        if swapped {
            std::mem::swap(&mut left, &mut right);
        }
        if join.annotation().sort_merge && join.strategy_name() == "SortMergeJoin" {
            // Spark sorts each side by its keys where Ember hashes one of them.
            children = children.into_iter().zip([&left, &right]).map(|(child, keys)| sorted_by_keys(child, keys)).collect();
        }
        let mut node = self.node(plan, wanted, join.strategy_name(), line, children);
        let strategy = join.strategy_name();
        let join_type = join.join_type_name();
        let build = if swapped { "BuildRight" } else { "BuildLeft" };
        node.formatted_name = Some(match strategy {
            "SortMergeJoin" => format!("{strategy} {join_type}"),
            "CartesianProduct" => strategy.to_string(),
            _ => format!("{strategy} {join_type} {build}"),
        });
        if matches!(strategy, "BroadcastHashJoin" | "ShuffledHashJoin" | "SortMergeJoin") {
            node.details = vec![fields("Left keys", &left), fields("Right keys", &right)];
        }
        node.details.push(format!("Join type: {join_type}"));
        node.details.push(format!("Join condition: {}", references.condition.take().unwrap_or_else(|| "None".to_string())));
        node
    }

    fn aggregate_parts(&self, aggregate: &AggregateExec, inputs: &[String], children: &[SparkNode]) -> (Vec<String>, Vec<String>) {
        let partial = matches!(aggregate.mode(), AggregateMode::Partial);
        let keys = if expands(aggregate) {
            // Grouped by the expanded rows' keys and grouping id.
            let key_count = aggregate.group_expr().expr().len() + 1;
            self.attributes.references(&aggregate.schema(), &[])[..key_count].to_vec()
        } else {
            self.keys(aggregate, inputs, partial)
        };
        // A final aggregation's arguments are the partial aggregation's inputs.
        let argument_inputs = match partial {
            true => inputs.to_vec(),
            false => children.iter().find_map(SparkNode::aggregate_input).unwrap_or_else(|| inputs.to_vec()),
        };
        let functions = aggregate
            .aggr_expr()
            .iter()
            .zip(aggregate.filter_expr().iter().chain(std::iter::repeat(&None)))
            .filter(|(a, _)| !super::attributes::hidden(a.name()))
            .map(|(a, filter)| match filter.as_ref().filter(|_| partial) {
                Some(filter) => format!("{} FILTER (WHERE {})", aggregate_text(a, &argument_inputs, partial), self.filter_text(filter.as_ref(), inputs)),
                None => aggregate_text(a, &argument_inputs, partial),
            })
            .collect();
        (keys, functions)
    }

    /// An aggregate's filter; a test of the grouping id of rows expanded
    /// for `DISTINCT` aggregates compares Spark's `gid`.
    fn filter_text(&self, filter: &dyn datafusion::physical_expr::PhysicalExpr, inputs: &[String]) -> String {
        let is_grouping_id = |e: &Arc<dyn datafusion::physical_expr::PhysicalExpr>| e.downcast_ref::<Column>().is_some_and(|c| c.name() == datafusion::logical_expr::Aggregate::INTERNAL_GROUPING_ID);
        let compared = filter.downcast_ref::<datafusion::physical_expr::expressions::BinaryExpr>().filter(|b| *b.op() == datafusion::logical_expr::Operator::Eq && is_grouping_id(b.left()));
        let id = compared.and_then(|b| b.right().downcast_ref::<datafusion::physical_expr::expressions::Literal>()).and_then(|l| l.value().cast_to(&datafusion::arrow::datatypes::DataType::UInt64).ok());
        match (compared, id) {
            (Some(compared), Some(datafusion::common::ScalarValue::UInt64(Some(id)))) if self.distinct_group_ids.borrow().contains_key(&id) => {
                format!("({} = {})", text(compared.left().as_ref(), inputs), self.distinct_group_ids.borrow()[&id])
            }
            _ => text(filter, inputs),
        }
    }

    /// An aggregation's grouping keys over `inputs`.
    fn keys(&self, aggregate: &AggregateExec, inputs: &[String], partial: bool) -> Vec<String> {
        aggregate
            .group_expr()
            .expr()
            .iter()
            .map(|(expr, name)| {
                let value = text(expr.as_ref(), inputs);
                let reference = self.attributes.reference(name, &expr.data_type(&aggregate.input().schema()).unwrap_or(datafusion::arrow::datatypes::DataType::Null));
                // A key column only renamed (same Spark name) reads as the key, as in Spark.
                let renamed = expr.is::<Column>() && value.split('#').next() == reference.split('#').next();
                if partial && value != reference && !renamed { format!("{value} AS {reference}") } else { reference }
            })
            .collect()
    }

    /// The aggregation's lines of the extended and formatted modes; `hidden`:
    /// the output column it leaves out (an aggregation by grouping sets
    /// leaves out its grouping id).
    fn aggregate_details(&self, node: &mut SparkNode, aggregate: &AggregateExec, inputs: &[String], hidden: Option<usize>) {
        let (keys, functions) = self.aggregate_parts(aggregate, inputs, &node.children);
        if matches!(aggregate.mode(), AggregateMode::Partial) {
            node.aggregate_input = Some(inputs.to_vec());
        }
        // The aggregation's own results: a partial one's states, a final one's values.
        let results = &node.output[keys.len().min(node.output.len())..];
        let attributes: Vec<String> = match aggregate.mode() {
            AggregateMode::Partial => results.to_vec(),
            _ => functions.iter().zip(results).map(|(f, r)| format!("{f}#{}", r.rsplit('#').next().unwrap_or_default())).collect(),
        };
        let mut results = results_of(aggregate, &node.output, &attributes);
        if let Some(at) = hidden.filter(|&at| at < results.len() && at < node.output.len()) {
            results.remove(at);
            node.output.remove(at);
        }
        node.verbose_line = Some(format!("{}, output={})", node.line.trim_end_matches(')'), list(node.output.clone())));
        node.details = vec![
            fields("Keys", &keys),
            fields("Functions", &functions),
            fields("Aggregate Attributes", &attributes),
            fields("Results", &results),
        ];
    }

    /// An unnest as Spark's `Generate explode(…), [kept columns], outer,
    /// [generated]`, the array it explodes inlined from the projection below.
    fn generate(&self, plan: &Arc<dyn ExecutionPlan>, unnest: &UnnestExec, wanted: &Wanted) -> SparkNode {
        let mut child = self.convert(unnest.input(), &vec![]);
        let inputs = child.output.clone();
        let exploded: Vec<usize> = unnest.list_column_indices().iter().map(|l| l.index_in_input_schema).collect();
        let mut arrays: Vec<String> = exploded.iter().map(|&i| inputs.get(i).cloned().unwrap_or_default()).collect();
        if let (Some(items), [below]) = (child.formatted_output.clone(), child.children.as_slice()) {
            for (array, &i) in arrays.iter_mut().zip(&exploded) {
                if let Some((expr, _)) = items.get(i).and_then(|item| item.split_once(" AS ")) {
                    *array = expr.to_string();
                }
            }
            let kept: Vec<String> = items.iter().enumerate().filter(|(i, _)| !exploded.contains(i)).map(|(_, item)| item.clone()).collect();
            // Spark's Generate computes the arrays and keeps the columns it needs itself.
            if kept.iter().all(|item| below.output.contains(item)) {
                child = below.clone();
            }
        }
        let output = self.outputs(plan, wanted);
        let generator = arrays.iter().map(|a| format!("explode({a})")).collect::<Vec<_>>().join(", ");
        let kept: Vec<String> = inputs.iter().enumerate().filter(|(i, _)| !exploded.contains(i)).map(|(_, r)| r.clone()).collect();
        let generated: Vec<String> = output.iter().enumerate().filter(|(i, _)| exploded.contains(i)).map(|(_, r)| r.clone()).collect();
        // Spark leaves the list of kept columns out when it is empty.
        let kept = if kept.is_empty() { String::new() } else { format!("{}, ", list(kept)) };
        let line = format!("Generate {generator}, {kept}{}, {}", unnest.options().preserve_nulls(), list(generated));
        SparkNode::new("Generate", line, output, vec![child])
    }
}

/// Whether a partial aggregation groups by grouping sets: Spark first
/// expands each row into one per set (an `Expand`), which DataFusion's
/// aggregation does as it reads its input.
fn expands(aggregate: &AggregateExec) -> bool {
    matches!(aggregate.mode(), AggregateMode::Partial) && aggregate.group_expr().has_grouping_set()
}

/// Where a final aggregation by grouping sets outputs its grouping id.
fn grouping_id_position(aggregate: &AggregateExec) -> Option<usize> {
    if matches!(aggregate.mode(), AggregateMode::Partial) {
        return None;
    }
    aggregate.group_expr().expr().iter().position(|(_, name)| name == datafusion::logical_expr::Aggregate::INTERNAL_GROUPING_ID)
}

/// The aggregations by grouping sets in `plan` that expand rows for
/// several `DISTINCT` aggregates: under an aggregation whose aggregates
/// are filtered by the grouping id, by address (see `RewriteDistinctAggregates`).
fn distinct_expansions(plan: &Arc<dyn ExecutionPlan>) -> std::collections::HashSet<usize> {
    fn reads_grouping_id(aggregate: &AggregateExec) -> bool {
        aggregate.filter_expr().iter().flatten().any(|f| {
            let mut found = false;
            let _ = datafusion::common::tree_node::TreeNode::apply(f, |e| {
                found |= e.downcast_ref::<Column>().is_some_and(|c| c.name() == datafusion::logical_expr::Aggregate::INTERNAL_GROUPING_ID);
                Ok(datafusion::common::tree_node::TreeNodeRecursion::Continue)
            });
            found
        })
    }
    fn walk(plan: &Arc<dyn ExecutionPlan>, found: &mut std::collections::HashSet<usize>) {
        if let Some(aggregate) = plan.downcast_ref::<AggregateExec>().filter(|a| reads_grouping_id(a)) {
            // The expansion's aggregations below, down to the partial one that expands.
            let mut below = aggregate.input().clone();
            loop {
                if let Some(inner) = below.downcast_ref::<AggregateExec>().filter(|a| a.group_expr().has_grouping_set()) {
                    found.insert(address(&below));
                    if expands(inner) {
                        break;
                    }
                }
                let Some(next) = below.children().first().map(|c| (*c).clone()) else { break };
                below = next;
            }
        }
        for child in plan.children() {
            walk(child, found);
        }
    }
    let mut found = std::collections::HashSet::new();
    walk(plan, &mut found);
    found
}

/// Spark's `gid` of each grouping id of rows expanded for `DISTINCT`
/// aggregates: 0 for the rows of the other aggregates (no argument kept),
/// else the kept argument's place among the arguments, from 1.
fn distinct_group_ids(aggregate: &AggregateExec) -> std::collections::HashMap<u64, u64> {
    let groups = aggregate.group_expr().groups();
    let arguments: Vec<usize> = (0..aggregate.group_expr().expr().len()).filter(|&k| groups.iter().any(|nulls| nulls[k])).collect();
    groups
        .iter()
        .map(|nulls| {
            let id = nulls.iter().fold(0u64, |id, &null| (id << 1) | u64::from(null));
            let kept = arguments.iter().position(|&k| !nulls[k]).map_or(0, |place| place as u64 + 1);
            (id, kept)
        })
        .collect()
}

/// Spark's `Expand` under a partial aggregation by grouping sets: for each
/// set, the input's other columns, the set's keys (`null` for the others)
/// and its grouping id (`spark_ids`: Spark's `gid` of the rows expanded
/// for `DISTINCT` aggregates, in its order); `output` is the aggregation's
/// (keys, grouping id, …).
fn expand(aggregate: &AggregateExec, mut input: SparkNode, output: &[String], spark_ids: Option<&std::collections::HashMap<u64, u64>>) -> SparkNode {
    let group_by = aggregate.group_expr();
    let keys: Vec<String> = group_by.expr().iter().map(|(expr, _)| text(expr.as_ref(), &input.output)).collect();
    let passed: Vec<String> = input.output.iter().filter(|c| !keys.contains(c)).cloned().collect();
    // Spark computes the keys in its rows: a projection computing them folds into them.
    let mut values = keys.clone();
    if let (Some(items), [_]) = (input.formatted_output.clone().filter(|_| input.name == "Project" && spark_ids.is_some()), input.children.as_slice()) {
        let computed: Vec<(String, String)> = items.iter().filter_map(|item| item.rsplit_once(" AS ")).map(|(value, reference)| (reference.to_string(), value.to_string())).collect();
        if computed.iter().all(|(reference, _)| keys.contains(reference)) {
            for value in &mut values {
                if let Some((_, computed)) = computed.iter().find(|(reference, _)| reference == value) {
                    *value = computed.clone();
                }
            }
            input = input.children.pop().unwrap_or(input);
        }
    }
    let mut sets: Vec<(u64, &Vec<bool>)> = group_by.groups().iter().map(|nulls| (nulls.iter().fold(0u64, |id, &null| (id << 1) | u64::from(null)), nulls)).collect();
    // Spark lists a rollup's or cube's sets by grouping id (DataFusion in its own order).
    let mut ids: Vec<u64> = sets.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    let n = keys.len() as u32;
    let cube = ids.iter().copied().eq(0..1u64 << n);
    let rollup = ids.iter().copied().eq((0..=n).map(|i| (1u64 << i) - 1));
    if let Some(spark_ids) = spark_ids {
        sets = sets.into_iter().map(|(id, nulls)| (spark_ids.get(&id).copied().unwrap_or(id), nulls)).collect();
        sets.sort_by_key(|(id, _)| *id);
    } else if cube || rollup {
        sets.sort_by_key(|(id, _)| *id);
    }
    let rows = sets.into_iter().map(|(id, nulls)| {
        let values = values.iter().zip(nulls).map(|(key, &null)| if null { "null".to_string() } else { key.clone() });
        list(passed.iter().cloned().chain(values).chain([id.to_string()]))
    });
    let expanded: Vec<String> = passed.iter().cloned().chain(output.iter().take(keys.len() + 1).cloned()).collect();
    let line = format!("Expand {}, {}", list(rows), list(expanded.clone()));
    SparkNode::new("Expand", line, expanded, vec![input])
}

/// A sort-merge join's input as Spark sorts it within partitions: by its join keys, ascending.
fn sorted_by_keys(input: SparkNode, keys: &[String]) -> SparkNode {
    let order = list(keys.iter().map(|k| format!("{k} ASC NULLS FIRST")));
    SparkNode::new("Sort", format!("Sort {order}, false, 0"), input.output.clone(), vec![input])
}

/// An aggregation's results: a partial one's output, a final one's keys
/// and each aggregate's value named as its output (`sum(k#1L)#5L AS s#5L`).
fn results_of(aggregate: &AggregateExec, output: &[String], attributes: &[String]) -> Vec<String> {
    if matches!(aggregate.mode(), AggregateMode::Partial) {
        return output.to_vec();
    }
    let keys = output.len().saturating_sub(attributes.len());
    output[..keys].iter().cloned().chain(attributes.iter().zip(&output[keys..]).map(|(a, o)| format!("{a} AS {o}"))).collect()
}

/// A join's keys and condition over its sides' columns, remembering them
/// (keys by the join's input) for the formatted mode.
struct SideReferences<'a> {
    outputs: &'a [Vec<String>],
    keys: std::cell::RefCell<[Vec<String>; 2]>,
    condition: std::cell::RefCell<Option<String>>,
}

impl JoinExpressions for SideReferences<'_> {
    fn key(&self, key: &dyn datafusion::physical_expr::PhysicalExpr, side: usize) -> String {
        let found = text(key, &self.outputs[side]);
        self.keys.borrow_mut()[side].push(found.clone());
        found
    }

    fn condition(&self, filter: &JoinFilter) -> String {
        let found = self.filter_text(filter);
        *self.condition.borrow_mut() = Some(found.clone());
        found
    }
}

impl SideReferences<'_> {
    fn filter_text(&self, filter: &JoinFilter) -> String {
        let inputs: Vec<String> = filter
            .column_indices()
            .iter()
            .map(|c| {
                let side = if c.side == datafusion::common::JoinSide::Right { 1 } else { 0 };
                self.outputs[side].get(c.index).cloned().unwrap_or_default()
            })
            .collect();
        text(filter.expression().as_ref(), &inputs)
    }
}

/// A broadcast side's keys bound to its columns: `input[0, bigint, false]`.
struct BoundKeys<'a>(&'a Arc<dyn ExecutionPlan>, &'a Attributes);

impl JoinExpressions for BoundKeys<'_> {
    fn key(&self, key: &dyn datafusion::physical_expr::PhysicalExpr, _: usize) -> String {
        let schema = self.0.schema();
        let checked = checked_not_null(self.0, self.1);
        let bound: Vec<String> = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| format!("input[{i}, {}, {}]", ember_types::simple_string(f.data_type()), f.is_nullable() && !checked.contains(&i)))
            .collect();
        text(key, &bound)
    }

    fn condition(&self, filter: &JoinFilter) -> String {
        filter.expression().to_string()
    }
}

/// The output columns of a filter at the top of `plan` that it checks with
/// Whether the projection `expr` of `input` gives a file's column another
/// name than `target`'s (Spark prints such a rename as a `Project`).
fn renames_file_column(input: &Arc<dyn ExecutionPlan>, expr: &datafusion::physical_expr::projection::ProjectionExpr, target: &str, attributes: &Attributes) -> bool {
    over_file_scan(input) && expr.expr.downcast_ref::<Column>().is_some_and(|c| !c.name().starts_with('#') && c.name() != attributes.name(target))
}

/// Whether `plan` is a file scan, perhaps under filters.
fn over_file_scan(plan: &Arc<dyn ExecutionPlan>) -> bool {
    let through = plan.is::<CooperativeExec>()
        || plan.is::<FilterExec>()
        || plan.downcast_ref::<RepartitionExec>().is_some_and(|r| !matches!(r.partitioning(), Partitioning::Hash(..)));
    if through {
        return over_file_scan(plan.children()[0]);
    }
    plan.is::<RecordFilesExec>() || plan.downcast_ref::<DataSourceExec>().is_some_and(|s| s.data_source().downcast_ref::<FileScanConfig>().is_some())
}

/// The record scan `plan` reads, through what Spark has no operator for.
fn record_scan_below(plan: &Arc<dyn ExecutionPlan>) -> Option<&RecordFilesExec> {
    if plan.is::<CooperativeExec>() || plan.downcast_ref::<RepartitionExec>().is_some_and(|r| !matches!(r.partitioning(), Partitioning::Hash(..))) {
        return record_scan_below(plan.children()[0]);
    }
    plan.downcast_ref::<RecordFilesExec>()
}

/// `isnotnull(…)`: Spark's filter marks them not nullable.
fn checked_not_null(plan: &Arc<dyn ExecutionPlan>, attributes: &Attributes) -> Vec<usize> {
    if plan.is::<CooperativeExec>() || plan.downcast_ref::<RepartitionExec>().is_some_and(|r| !matches!(r.partitioning(), Partitioning::Hash(..))) {
        return checked_not_null(plan.children()[0], attributes);
    }
    // Columns only picked or renamed are the filter's (Spark has no such projection), unless
    // the projection renames a file's column (Spark's `Project` keeps the column's own nullability).
    if let Some(projection) = plan.downcast_ref::<ProjectionExec>() {
        let picked: Option<Vec<usize>> = projection.expr().iter().map(|e| e.expr.downcast_ref::<Column>().map(Column::index)).collect();
        let Some(picked) = picked else { return vec![] };
        if projection.expr().iter().any(|e| renames_file_column(projection.input(), e, &e.alias, attributes)) {
            return vec![];
        }
        let checked = checked_not_null(projection.input(), attributes);
        return picked.iter().enumerate().filter(|(_, i)| checked.contains(i)).map(|(position, _)| position).collect();
    }
    let Some(filter) = plan.downcast_ref::<FilterExec>() else { return vec![] };
    let checked = split_conjunction(filter.predicate()).into_iter().filter_map(|c| c.downcast_ref::<IsNotNullExpr>()?.arg().downcast_ref::<Column>().map(Column::index));
    match filter.projection() {
        Some(projection) => checked.filter_map(|i| projection.iter().position(|&p| p == i)).collect(),
        None => checked.collect(),
    }
}

/// The columns a partition number is the hash of (`pmod(hash(a, b), n)`).
fn hashed_columns(partition: &dyn datafusion::physical_expr::PhysicalExpr, inputs: &[String]) -> Vec<String> {
    fn find(expr: &dyn datafusion::physical_expr::PhysicalExpr, inputs: &[String]) -> Option<Vec<String>> {
        match expr.downcast_ref::<datafusion::physical_expr::ScalarFunctionExpr>() {
            Some(function) if function.name().contains("hash") => Some(function.args().iter().map(|a| text(a.as_ref(), inputs)).collect()),
            _ => expr.children().into_iter().find_map(|c| find(c.as_ref(), inputs)),
        }
    }
    find(partition, inputs).unwrap_or_else(|| vec![text(partition, inputs)])
}

/// Whether the column at `index` of `plan`'s output is a window function's result.
fn window_result(plan: &Arc<dyn ExecutionPlan>, index: usize) -> bool {
    // Through filters that keep all their columns (a filter on a rank).
    let kept = |p: &Arc<dyn ExecutionPlan>| p.is::<CooperativeExec>() || p.downcast_ref::<FilterExec>().is_some_and(|f| f.projection().is_none());
    let mut plan = plan;
    while kept(plan) {
        plan = plan.children()[0];
    }
    (plan.is::<BoundedWindowAggExec>() || plan.is::<WindowAggExec>()) && plan.children().first().is_some_and(|input| index >= input.schema().fields().len())
}

/// The aggregation's result a projection right above it only casts or
/// gives a literal for NULL (the planner's typing of `collect_list` and
/// the like): Spark's aggregation gives the result so itself.
fn retyped_aggregate_result<'a>(input: &Arc<dyn ExecutionPlan>, expr: &'a dyn datafusion::physical_expr::PhysicalExpr) -> Option<&'a Column> {
    if !input.is::<AggregateExec>() || expr.is::<Column>() {
        return None;
    }
    let mut operand = expr;
    loop {
        if let Some(inner) = cast_operand(operand) {
            operand = inner.as_ref();
            continue;
        }
        // DataFusion's `coalesce(x, constant)`: `CASE WHEN x IS NOT NULL THEN x ELSE constant END`.
        let case = operand.downcast_ref::<datafusion::physical_expr::expressions::CaseExpr>().filter(|case| case.expr().is_none());
        match case.map(|case| (case.when_then_expr(), case.else_expr())) {
            Some(([(when, then)], Some(otherwise)))
                if when.downcast_ref::<datafusion::physical_expr::expressions::IsNotNullExpr>().is_some_and(|w| w.arg().as_ref() == then.as_ref())
                    && datafusion::physical_expr::utils::collect_columns(otherwise).is_empty() =>
            {
                operand = then.as_ref();
            }
            _ => return operand.downcast_ref::<Column>(),
        }
    }
}

/// What a cast (DataFusion's or Ember's Spark cast) converts.
fn cast_operand(expr: &dyn datafusion::physical_expr::PhysicalExpr) -> Option<&Arc<dyn datafusion::physical_expr::PhysicalExpr>> {
    if let Some(cast) = expr.downcast_ref::<datafusion::physical_expr::expressions::CastExpr>() {
        return Some(cast.expr());
    }
    match expr.downcast_ref::<datafusion::physical_expr::ScalarFunctionExpr>() {
        Some(function) if matches!(function.name(), "cast" | "spark_cast") => function.args().first(),
        _ => None,
    }
}

/// The column an expression only renames or casts.
fn renamed_column(expr: &dyn datafusion::physical_expr::PhysicalExpr) -> Option<&Column> {
    match expr.downcast_ref::<datafusion::physical_expr::expressions::CastExpr>() {
        Some(cast) => cast.expr().downcast_ref::<Column>(),
        None => expr.downcast_ref::<Column>(),
    }
}

fn address(plan: &Arc<dyn ExecutionPlan>) -> usize {
    Arc::as_ptr(plan) as *const () as usize
}

/// The plan without the merge of its partitions at the top (Spark collects
/// every partition without an operator).
fn without_final_merge(plan: &Arc<dyn ExecutionPlan>) -> Arc<dyn ExecutionPlan> {
    match (plan.downcast_ref::<CoalescePartitionsExec>(), plan.downcast_ref::<OrderedConcatExec>()) {
        (Some(merge), _) if merge.fetch().is_none() => merge.input().clone(),
        (_, Some(concat)) => concat.input().clone(),
        _ => plan.clone(),
    }
}

/// A limit's input without the per-partition limit and merge under it
/// (Spark's `CollectLimit` does both).
fn without_local_limit(plan: &Arc<dyn ExecutionPlan>) -> Arc<dyn ExecutionPlan> {
    let mut node = plan.clone();
    loop {
        let next = if let Some(merge) = node.downcast_ref::<CoalescePartitionsExec>() {
            merge.input().clone()
        } else if let Some(concat) = node.downcast_ref::<OrderedConcatExec>() {
            concat.input().clone()
        } else if let Some(local) = node.downcast_ref::<LocalLimitExec>() {
            local.input().clone()
        } else {
            return node;
        };
        node = next;
    }
}

/// An operator's own line, as DataFusion's verbose plans print it.
fn verbose(plan: &Arc<dyn ExecutionPlan>) -> String {
    struct Verbose<'a>(&'a dyn ExecutionPlan);
    impl std::fmt::Display for Verbose<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            self.0.fmt_as(DisplayFormatType::Verbose, f)
        }
    }
    Verbose(plan.as_ref()).to_string()
}

/// Spark's name of the operator `plan` runs as (`HashAggregate` for an
/// aggregation, `Exchange` for a shuffle), as the metrics of an executed
/// plan name them; DataFusion's name, without `Exec`, for the others.
pub fn spark_operator_name(plan: &Arc<dyn ExecutionPlan>) -> String {
    let name = if plan.is::<AggregateExec>() {
        "HashAggregate"
    } else if plan.is::<FilterExec>() {
        "Filter"
    } else if plan.is::<ProjectionExec>() {
        "Project"
    } else if plan.is::<SortExec>() || plan.is::<SortPreservingMergeExec>() {
        "Sort"
    } else if plan.is::<GlobalLimitExec>() {
        "GlobalLimit"
    } else if plan.is::<LocalLimitExec>() {
        "LocalLimit"
    } else if plan.is::<CoalescePartitionsExec>() || plan.is::<OrderedConcatExec>() || plan.is::<RepartitionExec>() || plan.is::<ShuffleExec>() {
        "Exchange"
    } else if plan.is::<UnionExec>() || plan.is::<InterleaveExec>() {
        "Union"
    } else if plan.is::<BoundedWindowAggExec>() || plan.is::<WindowAggExec>() {
        "Window"
    } else if plan.is::<EmptyExec>() || plan.downcast_ref::<DataSourceExec>().is_some_and(|s| s.data_source().downcast_ref::<MemorySourceConfig>().is_some()) {
        "LocalTableScan"
    } else if plan.is::<PlaceholderRowExec>() {
        "Scan OneRowRelation"
    } else if plan.name() == "SparkRangeExec" {
        "Range"
    } else {
        return plan.name().trim_end_matches("Exec").to_string();
    };
    name.to_string()
}

