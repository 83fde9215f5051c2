//! Logical plans as Spark prints them: `Project [id#0L, (id#0L * 2) AS
//! d#1L]`, `Filter (id#0L > 5)`, `Aggregate [k#2L], [k#2L, sum(id#0L) AS
//! sum(id)#3L]`, `Relation [id#0L,name#1] parquet`, with the renames of
//! Ember's internal columns folded into the columns they rename.

use datafusion::common::{DFSchema, ScalarValue};
use datafusion::datasource::source_as_provider;
use datafusion::logical_expr::expr::{AggregateFunction, Alias, WindowFunction};
use datafusion::logical_expr::{BinaryExpr, Expr, LogicalPlan, Operator, SortExpr};

use super::attributes::Attributes;
use crate::partitioning::{Rebalance, RepartitionScheme, SparkRepartition};
use super::expressions::{function_text, literal_text};
use super::{SparkNode, list, tree_text};

/// The plan's tree of operator lines (`statistics`: each with Spark's size estimate).
/// `shuffle_partitions`: the partitions of the exchanges in a cached relation's physical plan.
pub fn text(plan: &LogicalPlan, attributes: &Attributes, shuffle_partitions: usize, statistics: bool) -> String {
    tree_text(&Logical { attributes, shuffle_partitions, statistics, filtered: Default::default() }.convert(plan, &vec![]), false)
}

type Wanted = Vec<Option<String>>;

struct Logical<'a> {
    attributes: &'a Attributes,
    shuffle_partitions: usize,
    statistics: bool,
    /// Whether the operator converted next is a filter's input.
    filtered: std::cell::Cell<bool>,
}

impl Logical<'_> {
    fn outputs(&self, plan: &LogicalPlan, wanted: &Wanted) -> Vec<String> {
        self.attributes.references(plan.schema().as_arrow(), wanted)
    }

    fn convert(&self, plan: &LogicalPlan, wanted: &Wanted) -> SparkNode {
        let filtered = self.filtered.replace(false);
        let mut node = self.operator(plan, wanted);
        // A folded rename's input already carries its statistics.
        if !node.line.contains(", Statistics(") {
            node.line.push_str(&self.statistics_suffix(plan));
        }
        // Spark reads all of a file's columns and picks the ones used above its filters.
        let pruned = match plan {
            LogicalPlan::Filter(filter) => pruned_file_scan(&filter.input),
            scan if !filtered => pruned_file_scan(scan),
            _ => None,
        };
        if let Some(scan) = pruned {
            // A column renamed above reads under the file's name, renamed by the projection.
            let output = node.output.clone();
            let items = scan.projected_schema.fields().iter().zip(&output).map(|(f, reference)| match self.file_column(f, reference) {
                own if own == *reference => own,
                own => format!("{own} AS {reference}"),
            });
            let line = format!("Project {}{}", list(items), self.statistics_suffix(plan));
            node = SparkNode::new("Project", line, output, vec![node]);
        }
        node
    }

    /// A file's column as the relation reads it: as `reference` where that
    /// has the column's name, else under its own name.
    fn file_column(&self, field: &datafusion::arrow::datatypes::Field, reference: &str) -> String {
        match reference.split('#').next() == Some(field.name().as_str()) {
            true => reference.to_string(),
            false => self.attributes.own_reference(field.name(), field.data_type()),
        }
    }

    fn operator(&self, plan: &LogicalPlan, wanted: &Wanted) -> SparkNode {
        if let LogicalPlan::Projection(projection) = plan {
            return self.projection(plan, projection, wanted);
        }
        if let LogicalPlan::Filter(filter) = plan {
            if super::attributes::reads_hidden(&filter.predicate) {
                return self.convert(&filter.input, wanted);
            }
        }
        let inputs = plan.inputs();
        self.filtered.set(matches!(plan, LogicalPlan::Filter(_)));
        let pass: Wanted = match inputs.as_slice() {
            [child] if child.schema().fields().iter().map(|f| f.name()).eq(plan.schema().fields().iter().map(|f| f.name())) => wanted.clone(),
            _ => vec![],
        };
        let mut children: Vec<SparkNode> = inputs.iter().map(|c| self.convert(c, &pass)).collect();
        let scope = Scope { schemas: inputs.iter().map(|c| c.schema().as_ref()).collect(), outputs: children.iter().map(|c| c.output.clone()).collect(), attributes: self.attributes };
        let output = self.outputs(plan, wanted);
        let line = match plan {
            LogicalPlan::Filter(filter) => format!("Filter {}", scope.text(&filter.predicate)),
            LogicalPlan::Aggregate(aggregate) if grouping_set(aggregate).is_some() => {
                return self.expanded_aggregate(aggregate, output, children, &scope);
            }
            LogicalPlan::Aggregate(aggregate) => {
                let keys: Vec<String> = aggregate.group_expr.iter().map(|e| scope.text(e)).collect();
                let results = aggregate.group_expr.iter().chain(&aggregate.aggr_expr).zip(&output).map(|(e, reference)| match e {
                    // A key only renamed (same Spark name) reads as the key.
                    Expr::Alias(Alias { expr, .. }) if !same_name(&scope.text(expr), reference) => format!("{} AS {reference}", scope.text(expr)),
                    Expr::Alias(_) => reference.clone(),
                    other => scope.text(other),
                });
                // Spark leaves an empty list of keys out.
                match keys.is_empty() {
                    true => format!("Aggregate {}", list(results)),
                    false => format!("Aggregate {}, {}", list(keys.into_iter().map(|k| k.split(" AS ").next().unwrap_or_default().to_string())), list(results)),
                }
            }
            LogicalPlan::Sort(sort) => {
                let line = format!("Sort {}, true", list(sort.expr.iter().map(|s| scope.sort(s))));
                let Some(fetch) = sort.fetch else { return SparkNode::new("Sort", line, output, children) };
                // A sort with a limit folded in: Spark's limit over its sort.
                let input_statistics = self.statistics_suffix(&sort.input);
                let sorted = SparkNode::new("Sort", format!("{line}{input_statistics}"), output.clone(), children);
                let local = SparkNode::new("LocalLimit", format!("LocalLimit {fetch}{input_statistics}"), output.clone(), vec![sorted]);
                return SparkNode::new("GlobalLimit", format!("GlobalLimit {fetch}"), output, vec![local]);
            }
            LogicalPlan::Limit(limit) => {
                let fetch = limit.fetch.as_deref().map(|f| scope.text(f)).unwrap_or_else(|| "-1".into());
                match limit.skip.as_deref() {
                    Some(Expr::Literal(ScalarValue::Int64(Some(skip)), _)) if *skip > 0 => format!("Offset {skip}"),
                    _ => {
                        let local = SparkNode::new("LocalLimit", format!("LocalLimit {fetch}{}", self.statistics_suffix(&limit.input)), output.clone(), children);
                        return SparkNode::new("GlobalLimit", format!("GlobalLimit {fetch}"), output, vec![local]);
                    }
                }
            }
            LogicalPlan::Join(join) => {
                let mut conditions: Vec<String> = join.on.iter().map(|(l, r)| format!("({} = {})", scope.text(l), scope.text(r))).collect();
                conditions.extend(join.filter.iter().map(|f| scope.text(f)));
                let join_type = format!("{:?}", join.join_type).replace("Left", "LeftOuter").replace("Right", "RightOuter").replace("Full", "FullOuter").replace("OuterSemi", "Semi").replace("OuterAnti", "Anti");
                let mut line = match conditions.into_iter().reduce(|all, next| format!("({all} AND {next})")) {
                    None => format!("Join {join_type}"),
                    Some(condition) => format!("Join {join_type}, {condition}"),
                };
                // Spark's optimizer moves a side's join hint into the join.
                for (child, side) in children.iter_mut().zip(["leftHint", "rightHint"]) {
                    if let Some(strategy) = child.line.strip_prefix("ResolvedHint ").map(str::to_string) {
                        line.push_str(&format!(", {side}={}", strategy.split(", Statistics(").next().unwrap_or_default()));
                        *child = child.children.pop().unwrap_or_else(|| child.clone());
                    }
                }
                line
            }
            LogicalPlan::Union(_) => "Union false, false".to_string(),
            LogicalPlan::Distinct(_) => "Distinct".to_string(),
            // DataFusion's name for a decorrelated subquery: Spark has no such alias.
            LogicalPlan::SubqueryAlias(alias) if alias.alias.table().starts_with("__correlated_sq_") && !children.is_empty() => return children.remove(0),
            LogicalPlan::SubqueryAlias(alias) => format!("SubqueryAlias {}", alias.alias),
            LogicalPlan::Window(window) => {
                let calls = list(window.window_expr.iter().zip(output.iter().rev().take(window.window_expr.len()).rev()).map(|(e, r)| format!("{} AS {r}", scope.text(&e.clone().unalias()))));
                // Then the partition keys and the order, where there are any.
                let keys = match window.window_expr.first().map(|e| e.clone().unalias()) {
                    Some(Expr::WindowFunction(function)) => {
                        let partition: Vec<String> = function.params.partition_by.iter().map(|e| scope.text(e)).collect();
                        let order: Vec<String> = function.params.order_by.iter().map(|s| scope.sort(s)).collect();
                        [partition, order].into_iter().filter(|k| !k.is_empty()).map(|k| format!(", {}", list(k))).collect::<String>()
                    }
                    _ => String::new(),
                };
                format!("Window {calls}{keys}")
            }
            LogicalPlan::TableScan(scan) => {
                let line = self.relation(scan, &output);
                let name = line.split([' ', ':']).next().unwrap_or_default().to_string();
                let mut node = SparkNode::new(&name, line, output, children);
                self.cached_relation(scan, &mut node);
                return node;
            }
            LogicalPlan::EmptyRelation(empty) if empty.produce_one_row => "OneRowRelation".to_string(),
            LogicalPlan::EmptyRelation(_) => format!("LocalRelation <empty>, {}", list(output.clone())),
            LogicalPlan::Values(_) => format!("LocalRelation {}", list(output.clone())),
            LogicalPlan::Extension(extension) if extension.node.as_any().is::<SparkRepartition>() => {
                let repartition = extension.node.as_any().downcast_ref::<SparkRepartition>().expect("checked");
                let n = repartition.partitions;
                match (&repartition.scheme, repartition.rebalance) {
                    (RepartitionScheme::Hash(partition), Some(Rebalance { numbered: true })) => format!("RebalancePartitions [{}], {n}", hash_keys_text(partition, &scope)),
                    (RepartitionScheme::Hash(partition), Some(_)) => format!("RebalancePartitions [{}]", hash_keys_text(partition, &scope)),
                    (_, Some(Rebalance { numbered: true })) => format!("RebalancePartitions {n}"),
                    (_, Some(_)) => "RebalancePartitions".to_string(),
                    (RepartitionScheme::RoundRobin { .. }, None) => format!("Repartition {n}, true"),
                    (RepartitionScheme::Coalesce, None) => format!("Repartition {n}, false"),
                    (RepartitionScheme::Hash(partition), None) => format!("RepartitionByExpression [{}], {n}", hash_keys_text(partition, &scope)),
                    (RepartitionScheme::Range(order), None) => format!("RepartitionByExpression {}, {n}", list(order.iter().map(|o| scope.sort(o)))),
                    // Local rows cut into Spark's slices: part of Spark's LocalRelation.
                    (RepartitionScheme::Slices, None) => return children.remove(0),
                }
            }
            LogicalPlan::Unnest(_) => format!("Generate explode, {}", list(output.clone())),
            other => other.display().to_string(),
        };
        let name = line.split([' ', ':']).next().unwrap_or_default().to_string();
        SparkNode::new(&name, line, output, children)
    }

    /// An aggregation by grouping sets as Spark's: grouped by the keys and
    /// the grouping id, over an `Expand` of each row into one per set (the
    /// input's other columns, the set's keys, `null` for the others, and
    /// the set's id), its results without the grouping id.
    fn expanded_aggregate(&self, aggregate: &datafusion::logical_expr::Aggregate, mut output: Vec<String>, children: Vec<SparkNode>, scope: &Scope) -> SparkNode {
        let Some(sets) = grouping_set(aggregate) else { return SparkNode::new("Aggregate", String::new(), output, children) };
        let exprs = sets.distinct_expr();
        let key_texts: Vec<String> = exprs.iter().map(|e| scope.text(e)).collect();
        let keys: Vec<String> = output[..=exprs.len()].to_vec();
        let mut masks: Vec<Vec<bool>> = match sets {
            datafusion::logical_expr::GroupingSet::Rollup(e) => (0..=e.len()).rev().map(|kept| (0..e.len()).map(|i| i >= kept).collect()).collect(),
            datafusion::logical_expr::GroupingSet::Cube(e) => (0..1u64 << e.len()).map(|id| (0..e.len()).map(|i| id >> (e.len() - 1 - i) & 1 == 1).collect()).collect(),
            datafusion::logical_expr::GroupingSet::GroupingSets(list) => list.iter().map(|set| exprs.iter().map(|e| !set.contains(e)).collect()).collect(),
        };
        masks.retain(|m| m.len() == exprs.len());
        let input = children.into_iter().next();
        let input_output = input.as_ref().map(|i| i.output.clone()).unwrap_or_default();
        let passed: Vec<String> = input_output.iter().filter(|c| !key_texts.contains(c)).cloned().collect();
        let rows = masks.iter().map(|nulls| {
            let id = nulls.iter().fold(0u64, |id, &null| (id << 1) | u64::from(null));
            let values = key_texts.iter().zip(nulls).map(|(key, &null)| if null { "null".to_string() } else { key.clone() });
            list(passed.iter().cloned().chain(values).chain([id.to_string()]))
        });
        let expanded: Vec<String> = passed.iter().cloned().chain(keys.iter().cloned()).collect();
        let expand_line = format!("Expand {}, {}", list(rows), list(expanded.clone()));
        let expand = SparkNode::new("Expand", expand_line, expanded, input.into_iter().collect());
        output.remove(exprs.len());
        let shown = aggregate.aggr_expr.iter().filter(|e| !super::attributes::hidden(&e.schema_name().to_string()));
        let results = output[..exprs.len()].iter().cloned().chain(shown.zip(&output[exprs.len()..]).map(|(e, reference)| match e {
            Expr::Alias(Alias { expr, .. }) => format!("{} AS {reference}", scope.text(expr)),
            other => scope.text(other),
        }));
        let line = format!("Aggregate {}, {}", list(keys), list(results));
        SparkNode::new("Aggregate", line, output, vec![expand])
    }

    /// `, Statistics(…)` of `plan` in the cost mode, else nothing.
    fn statistics_suffix(&self, plan: &LogicalPlan) -> String {
        match (self.statistics, super::statistics::estimate(plan)) {
            (true, Some(statistics)) => format!(", {}", statistics.text()),
            _ => String::new(),
        }
    }

    /// A projection: folded when it only renames its input's columns.
    fn projection(&self, plan: &LogicalPlan, projection: &datafusion::logical_expr::Projection, wanted: &Wanted) -> SparkNode {
        let input = projection.input.as_ref();
        let mut child_wanted: Wanted = vec![None; input.schema().fields().len()];
        for (i, expr) in projection.expr.iter().enumerate() {
            let (column, alias) = match expr {
                Expr::Column(c) => (c, None),
                Expr::Alias(Alias { expr, name, .. }) => match expr.as_ref() {
                    Expr::Column(c) => (c, Some(name.clone())),
                    _ => continue,
                },
                _ => continue,
            };
            let name = wanted.get(i).cloned().flatten().or(alias).unwrap_or_else(|| column.name.clone());
            if let Some(slot) = input.schema().maybe_index_of_column(column).and_then(|index| child_wanted.get_mut(index)).filter(|s| s.is_none()) {
                *slot = Some(name);
            }
        }
        let mut child = self.convert(input, &child_wanted);
        let output = self.outputs(plan, wanted);
        if output == child.output {
            return child;
        }
        // An aggregation by grouping sets leaves its grouping id out itself.
        if let LogicalPlan::Aggregate(aggregate) = input {
            let at = aggregate.group_expr.first().and_then(|g| match g {
                Expr::GroupingSet(sets) => Some(sets.distinct_expr().len()),
                _ => None,
            });
            let picked: Option<Vec<usize>> = projection.expr.iter().map(|e| match e {
                Expr::Column(c) => input.schema().maybe_index_of_column(c),
                _ => None,
            }).collect();
            if let (Some(at), Some(picked)) = (at, picked) {
                if picked.into_iter().eq((0..input.schema().fields().len()).filter(|&i| i != at)) {
                    child.output = output;
                    return child;
                }
            }
        }
        let scope = Scope { schemas: vec![input.schema().as_ref()], outputs: vec![child.output.clone()], attributes: self.attributes };
        let items: Vec<String> = projection
            .expr
            .iter()
            .zip(&output)
            .map(|(expr, reference)| {
                let expr = match expr {
                    Expr::Alias(Alias { expr, .. }) => expr.as_ref(),
                    other => other,
                };
                let value = scope.text(expr);
                // A window function's result retyped to Spark's type of it (a rank's int) reads as the result.
                let operand = match expr {
                    Expr::Cast(cast) => Some(cast.expr.as_ref()),
                    Expr::ScalarFunction(f) if matches!(f.name(), "cast" | "spark_cast") => f.args.first(),
                    _ => None,
                };
                let retyped = match (operand, input) {
                    (Some(Expr::Column(c)), LogicalPlan::Window(window)) => {
                        input.schema().maybe_index_of_column(c).is_some_and(|i| i >= window.input.schema().fields().len()) && same_name(&scope.text(&Expr::Column(c.clone())), reference)
                    }
                    _ => false,
                };
                if value == *reference || retyped { reference.clone() } else { format!("{value} AS {reference}") }
            })
            .collect();
        SparkNode::new("Project", format!("Project {}", list(items)), output, vec![child])
    }

    /// A cached relation as Spark prints it: with its storage level, and the
    /// physical plan that computed its rows (once an action has) inside it.
    fn cached_relation(&self, scan: &datafusion::logical_expr::TableScan, node: &mut SparkNode) {
        let provider = source_as_provider(&scan.source).ok();
        let Some(cached) = provider.as_ref().and_then(|p| p.downcast_ref::<crate::cache::CachedRelation>()) else { return };
        if cached.0.checkpoint {
            return;
        }
        node.line = format!("{}, {}", node.line, crate::cache::storage_level_text(&cached.0.level));
        if let Some(plan) = cached.0.computed_by() {
            node.inner = vec![super::physical_tree(self.attributes, self.shuffle_partitions, &plan)];
        }
    }

    /// A table scan as Spark's relation: `Range (…)`, `LocalRelation […]`,
    /// `Relation […] parquet`.
    fn relation(&self, scan: &datafusion::logical_expr::TableScan, output: &[String]) -> String {
        let name = scan.table_name.table();
        if let Some(range) = name.strip_prefix("Range ") {
            return match range.rsplit_once("splits=") {
                Some((head, splits)) => format!("Range {head}splits=Some({})", splits.trim_end_matches(')')) + ")",
                None => format!("Range {range}"),
            };
        }
        if name.starts_with("InMemoryRelation") {
            return format!("InMemoryRelation {}", list(output.iter().cloned()));
        }
        if name.starts_with("local_") {
            return format!("LocalRelation {}", list(output.iter().cloned()));
        }
        let format = source_as_provider(&scan.source)
            .ok()
            .and_then(|p| ember_sources::listing_of(p.as_ref()).map(|t| t.options().format.get_ext()))
            .unwrap_or_else(|| name.to_string());
        // All the file's columns, those read under the names they have above.
        let columns: Vec<String> = match (&scan.projection, pruned_file_scan_of(scan)) {
            (Some(projection), true) => scan
                .source
                .schema()
                .fields()
                .iter()
                .enumerate()
                .map(|(i, f)| match projection.iter().position(|&p| p == i).and_then(|at| output.get(at)) {
                    Some(reference) => self.file_column(f, reference),
                    None => self.attributes.own_reference(f.name(), f.data_type()),
                })
                .collect(),
            _ => output.to_vec(),
        };
        format!("Relation [{}] {format}", columns.join(","))
    }
}

/// Whether two references name the same Spark name (`v#3`, `v#7`).
fn same_name(a: &str, b: &str) -> bool {
    a.split('#').next() == b.split('#').next() && a.contains('#') && b.contains('#')
}

/// The scan of some of a file's columns that `plan` is.
fn pruned_file_scan(plan: &LogicalPlan) -> Option<&datafusion::logical_expr::TableScan> {
    match plan {
        LogicalPlan::TableScan(scan) if pruned_file_scan_of(scan) => Some(scan),
        _ => None,
    }
}

/// Whether a scan reads some of a file's columns.
fn pruned_file_scan_of(scan: &datafusion::logical_expr::TableScan) -> bool {
    let name = scan.table_name.table();
    let file = !(name.starts_with("Range ") || name.starts_with("InMemoryRelation") || name.starts_with("local_"));
    file && scan.projection.as_ref().is_some_and(|p| p.len() < scan.source.schema().fields().len())
}

/// The grouping sets an aggregation groups by (`ROLLUP`, `CUBE`, `GROUPING SETS`).
fn grouping_set(aggregate: &datafusion::logical_expr::Aggregate) -> Option<&datafusion::logical_expr::GroupingSet> {
    match aggregate.group_expr.as_slice() {
        [Expr::GroupingSet(sets)] => Some(sets),
        _ => None,
    }
}

/// The columns an operator's expressions see: its inputs' columns.
/// The keys of a hash repartition's partition expression (Ember's
/// `pmod(hash(keys), n)`) as Spark lists them; the expression itself when
/// it is another one.
fn hash_keys_text(partition: &Expr, scope: &Scope) -> String {
    let modulo = |e: &Expr| match e {
        Expr::BinaryExpr(BinaryExpr { left, op: Operator::Modulo, .. }) => Some(left.as_ref().clone()),
        _ => None,
    };
    let plus = |e: &Expr| match e {
        Expr::BinaryExpr(BinaryExpr { left, op: Operator::Plus, .. }) => Some(left.as_ref().clone()),
        _ => None,
    };
    match modulo(partition).as_ref().and_then(plus).as_ref().and_then(modulo) {
        Some(Expr::ScalarFunction(hash)) if hash.func.name() == "hash" => hash.args.iter().map(|k| scope.text(k)).collect::<Vec<_>>().join(", "),
        _ => scope.text(partition),
    }
}

struct Scope<'a> {
    schemas: Vec<&'a DFSchema>,
    outputs: Vec<Vec<String>>,
    attributes: &'a Attributes,
}

impl Scope<'_> {
    fn column(&self, column: &datafusion::common::Column) -> String {
        for (schema, outputs) in self.schemas.iter().zip(&self.outputs) {
            if let Some(i) = schema.maybe_index_of_column(column) {
                if let Some(reference) = outputs.get(i) {
                    return reference.clone();
                }
            }
        }
        self.attributes.name(&column.name)
    }

    fn sort(&self, sort: &SortExpr) -> String {
        let direction = if sort.asc { "ASC" } else { "DESC" };
        let nulls = if sort.nulls_first { "NULLS FIRST" } else { "NULLS LAST" };
        format!("{} {direction} {nulls}", self.text(&sort.expr))
    }

    fn text(&self, expr: &Expr) -> String {
        let each = |args: &[Expr]| args.iter().map(|a| self.text(a)).collect::<Vec<_>>();
        match expr {
            Expr::Column(c) => self.column(c),
            Expr::Literal(value, _) => literal_text(value),
            Expr::Alias(Alias { expr, name, .. }) => format!("{} AS {}", self.text(expr), self.attributes.name(name)),
            Expr::BinaryExpr(BinaryExpr { left, op, right }) => {
                let (l, r) = (self.text(left), self.text(right));
                match op {
                    Operator::NotEq => format!("NOT ({l} = {r})"),
                    Operator::IsNotDistinctFrom => format!("({l} <=> {r})"),
                    Operator::IsDistinctFrom => format!("NOT ({l} <=> {r})"),
                    op => format!("({l} {op} {r})"),
                }
            }
            Expr::IsNotNull(e) => format!("isnotnull({})", self.text(e)),
            Expr::IsNull(e) => format!("isnull({})", self.text(e)),
            Expr::Not(e) => format!("NOT {}", self.text(e)),
            Expr::Negative(e) => format!("-{}", self.text(e)),
            Expr::Case(case) if case.expr.is_none() && case.when_then_expr.iter().all(|(when, then)| matches!(when.as_ref(), Expr::IsNotNull(e) if e == then)) => {
                // DataFusion's form of `coalesce`.
                let values = case.when_then_expr.iter().map(|(_, then)| self.text(then)).chain(case.else_expr.iter().map(|e| self.text(e)));
                format!("coalesce({})", values.collect::<Vec<_>>().join(", "))
            }
            Expr::Case(case) => {
                let mut out = String::from("CASE");
                if let Some(operand) = &case.expr {
                    out.push_str(&format!(" {}", self.text(operand)));
                }
                for (when, then) in &case.when_then_expr {
                    out.push_str(&format!(" WHEN {} THEN {}", self.text(when), self.text(then)));
                }
                if let Some(otherwise) = &case.else_expr {
                    out.push_str(&format!(" ELSE {}", self.text(otherwise)));
                }
                out + " END"
            }
            Expr::Cast(c) => format!("cast({} as {})", self.text(&c.expr), ember_types::simple_string(c.field.data_type())),
            Expr::TryCast(c) => format!("try_cast({} as {})", self.text(&c.expr), ember_types::simple_string(c.field.data_type())),
            Expr::ScalarFunction(f) => function_text(f.name(), &each(&f.args)),
            Expr::AggregateFunction(AggregateFunction { func, params }) => {
                let distinct = if params.distinct { "distinct " } else { "" };
                format!("{}({distinct}{})", func.name().to_ascii_lowercase(), each(&params.args).join(", "))
            }
            Expr::WindowFunction(window) => {
                let WindowFunction { fun, params } = window.as_ref();
                let frame = super::window::frame_text(&params.window_frame);
                let spec: Vec<String> = each(&params.partition_by).into_iter().chain(params.order_by.iter().map(|s| self.sort(s))).chain([frame]).collect();
                let name = fun.name().to_ascii_lowercase();
                // Spark's ranking functions take the window's order keys as their arguments.
                let args = match name.as_str() {
                    "rank" | "dense_rank" | "percent_rank" if params.args.is_empty() => params.order_by.iter().map(|s| self.text(&s.expr)).collect(),
                    _ => each(&params.args),
                };
                format!("{name}({}) windowspecdefinition({})", args.join(", "), spec.join(", "))
            }
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    use datafusion::logical_expr::{LogicalPlanBuilder, col, lit};

    #[test]
    fn renames_fold_into_the_columns_they_rename() {
        let values = LogicalPlanBuilder::values(vec![vec![lit(1i64)], vec![lit(2i64)]]).unwrap().build().unwrap();
        let plan = LogicalPlanBuilder::from(values)
            .project(vec![col("column1").alias("#1")])
            .unwrap()
            .filter(col("#1").gt(lit(1i64)))
            .unwrap()
            .project(vec![(col("#1") * lit(2i64)).alias("#2")])
            .unwrap()
            .build()
            .unwrap();
        let attributes = Attributes::new(HashMap::from([("#1".to_string(), "id".to_string()), ("#2".to_string(), "twice".to_string())]));
        assert_eq!(
            text(&plan, &attributes, 200, false),
            "Project [(id#1L * 2) AS twice#2L]\n+- Filter (id#1L > 1)\n   +- LocalRelation [id#1L]\n"
        );
    }
}
