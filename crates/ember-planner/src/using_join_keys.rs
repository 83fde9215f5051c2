//! The key columns of both sides of a USING join, as Spark keeps them: the
//! join outputs one key column (the left key for an inner or left join, the
//! right key for a right join, their coalesce for a full join), and the side
//! keys it does not stand for stay reachable. A select, filter, sort,
//! aggregate, `withColumns` or join condition over such a join (also through
//! other selects, filters, sorts and limits) sees those keys as hidden
//! columns: references by DataFrame (`df2["k"]`, `df["b.k"]`), qualified
//! names (`b.k`) and qualified stars (`b.*`) find them, plain names and `*`
//! do not, and they are dropped from the output.

use std::collections::HashSet;

use datafusion::common::Column;
use datafusion::logical_expr::{Expr, JoinType, LogicalPlan, LogicalPlanBuilder, col};
use ember_protocol::connect;

use crate::error::Result;
use crate::plan::{Planner, project_plan};

/// The sides' key columns behind a USING join's output key column.
#[derive(Debug, Clone)]
pub(crate) struct UsingJoinKey {
    pub(crate) left: String,
    pub(crate) right: String,
    pub(crate) join_type: JoinType,
}

impl UsingJoinKey {
    /// The side keys that the output key column does not stand for.
    fn hidden(&self) -> Vec<&String> {
        match self.join_type {
            JoinType::Inner | JoinType::Left => vec![&self.right],
            JoinType::Right => vec![&self.left],
            JoinType::Full => vec![&self.left, &self.right],
            _ => vec![],
        }
    }

    /// Whether a DataFrame reference to the side whose key is `side` may
    /// resolve to the output key column.
    pub(crate) fn stands_for(&self, side: &str) -> bool {
        match self.join_type {
            JoinType::LeftSemi | JoinType::LeftAnti => side == self.left,
            _ => !self.hidden().iter().any(|hidden| hidden.as_str() == side),
        }
    }
}

impl Planner<'_> {
    /// Whether `side_key` is a key that a USING join below the DataFrame
    /// with plan id `id` hid (`df["b.k"]` of `df = a.join(b.alias("b"), "k")`).
    pub(crate) fn hidden_by_join_of(&self, side_key: &str, id: i64) -> bool {
        self.using_join_keys
            .iter()
            .any(|(output_key, key)| key.hidden().iter().any(|hidden| *hidden == side_key) && self.info(output_key).plan_ids.contains(&id))
    }

    /// Resolves `resolve` with the side keys selects picked visible to
    /// names, as Spark finds USING join keys among all output columns.
    pub(crate) fn with_selected_keys_visible<T>(&mut self, resolve: impl FnOnce(&mut Self) -> T) -> T {
        let hidden = std::mem::take(&mut self.hidden_columns_by_name);
        let result = resolve(self);
        self.hidden_columns_by_name = hidden;
        result
    }

    /// Plans a select; the hidden columns of its input are hidden only while
    /// its expressions resolve.
    pub(crate) fn plan_select(&mut self, project: &connect::Project) -> Result<LogicalPlan> {
        let outer_hidden = std::mem::take(&mut self.hidden_columns);
        let outer_reads = std::mem::take(&mut self.side_keys_read_by_name);
        let planned = match &project.input {
            Some(input) => self
                .plan_relation(input)
                .and_then(|input| self.carry_hidden_keys(input))
                .and_then(|input| self.project(input, &project.expressions)),
            None => LogicalPlanBuilder::empty(true).build().map_err(Into::into).and_then(|input| self.project(input, &project.expressions)),
        };
        let hidden = std::mem::replace(&mut self.hidden_columns, outer_hidden);
        let read_by_name = std::mem::replace(&mut self.side_keys_read_by_name, outer_reads);
        self.keep_selected_keys_hidden(planned?, &hidden, &read_by_name)
    }

    /// A side key the select picked stays hidden from names (Spark's
    /// qualified-access-only columns) but for USING join keys: it becomes a
    /// column of its own, which DataFrame references to its side find only
    /// when no other column answers them. One read by a qualified name is
    /// marked as Spark marks it (`{"__metadata_col": name}`).
    fn keep_selected_keys_hidden(&mut self, plan: LogicalPlan, hidden: &HashSet<String>, read_by_name: &HashSet<String>) -> Result<LogicalPlan> {
        let LogicalPlan::Projection(projection) = &plan else { return Ok(plan) };
        if hidden.is_empty() || !projection.expr.iter().any(|e| matches!(e, Expr::Column(c) if hidden.contains(&c.name))) {
            return Ok(plan);
        }
        let mut exprs = Vec::with_capacity(projection.expr.len());
        for expr in &projection.expr {
            match expr {
                Expr::Column(c) if hidden.contains(&c.name) => {
                    let mut info = self.info(&c.name);
                    let side_plan_ids = std::mem::take(&mut info.plan_ids);
                    let renamed = self.new_column(&info.name);
                    let metadata = read_by_name.contains(&c.name).then(|| format!(r#"{{"__metadata_col":"{}"}}"#, info.name.replace('"', r#"\""#)));
                    self.columns.insert(renamed.clone(), info);
                    self.using_key_plan_ids.insert(renamed.clone(), side_plan_ids);
                    self.hidden_columns_by_name.insert(renamed.clone());
                    exprs.push(match metadata {
                        Some(json) => crate::column_metadata::alias_with_spark_metadata(expr.clone(), renamed, &json),
                        None => expr.clone().alias(renamed),
                    });
                }
                other => exprs.push(other.clone()),
            }
        }
        Ok(project_plan(projection.input.as_ref().clone(), exprs)?)
    }

    /// Plans `operator` (a filter, a sort, an aggregate or a `withColumns`)
    /// over `input` with the side keys of the USING outer joins below it as
    /// hidden columns, then drops them, as Spark resolves `df2["key"]` there
    /// by adding the missing key through the plan and projecting it away.
    pub(crate) fn with_hidden_keys(
        &mut self,
        input: LogicalPlan,
        operator: impl FnOnce(&mut Self, LogicalPlan) -> Result<LogicalPlan>,
    ) -> Result<LogicalPlan> {
        self.dropping_carried_keys(|planner| planner.carry_hidden_keys(input).and_then(|input| operator(planner, input)))
    }

    /// Plans a join (`join`) of `left` and `right` whose condition sees the
    /// side keys hidden below either input (`s.join(w, s["x"] == w["b.k"])`).
    pub(crate) fn join_with_hidden_keys(
        &mut self,
        left: LogicalPlan,
        right: LogicalPlan,
        join: impl FnOnce(&mut Self, LogicalPlan, LogicalPlan) -> Result<LogicalPlan>,
    ) -> Result<LogicalPlan> {
        self.dropping_carried_keys(|planner| {
            let left = planner.carry_hidden_keys(left)?;
            let right = planner.carry_hidden_keys(right)?;
            join(planner, left, right)
        })
    }

    /// `plan`'s result without the hidden keys it carried.
    fn dropping_carried_keys(&mut self, plan: impl FnOnce(&mut Self) -> Result<LogicalPlan>) -> Result<LogicalPlan> {
        let outer_hidden = std::mem::take(&mut self.hidden_columns);
        let operated = plan(self);
        let hidden = std::mem::replace(&mut self.hidden_columns, outer_hidden);
        let operated = operated?;
        if !operated.schema().columns().iter().any(|c| hidden.contains(&c.name)) {
            return Ok(operated);
        }
        let kept = operated.schema().columns().into_iter().filter(|c| !hidden.contains(&c.name)).map(Expr::Column).collect();
        Ok(project_plan(operated, kept)?)
    }

    /// `plan` with the side keys of the USING outer joins below it that its
    /// output lacks carried up to its output, each recorded as hidden.
    fn carry_hidden_keys(&mut self, plan: LogicalPlan) -> Result<LogicalPlan> {
        if self.using_join_keys.values().all(|key| key.hidden().is_empty()) {
            return Ok(plan);
        }
        match self.carried_keys(&plan)? {
            Some((carried, keys)) => {
                self.hidden_columns.extend(keys);
                Ok(carried)
            }
            None => Ok(plan),
        }
    }

    /// The side keys hidden below `plan` and `plan` carrying them, when
    /// projections, filters, sorts and limits lead from it to a USING outer
    /// join; a projection passes them on as extra columns.
    fn carried_keys(&self, plan: &LogicalPlan) -> Result<Option<(LogicalPlan, Vec<String>)>> {
        match plan {
            LogicalPlan::Projection(projection) => {
                let below = self.carried_keys(&projection.input)?;
                let input = below.as_ref().map_or(projection.input.as_ref(), |(carried, _)| carried);
                let mut keys = below.as_ref().map(|(_, keys)| keys.clone()).unwrap_or_default();
                for hidden in self.using_join_keys.values().flat_map(UsingJoinKey::hidden) {
                    if input.schema().has_column_with_unqualified_name(hidden) && !keys.contains(hidden) {
                        keys.push(hidden.clone());
                    }
                }
                keys.retain(|key| !projection.schema.has_column_with_unqualified_name(key));
                if keys.is_empty() {
                    return Ok(None);
                }
                let mut exprs = projection.expr.clone();
                exprs.extend(keys.iter().map(|key| col(Column::new_unqualified(key))));
                Ok(Some((project_plan(input.clone(), exprs)?, keys)))
            }
            LogicalPlan::Filter(_) | LogicalPlan::Sort(_) | LogicalPlan::Limit(_) => {
                let Some((input, keys)) = self.carried_keys(plan.inputs()[0])? else { return Ok(None) };
                Ok(Some((plan.with_new_exprs(plan.expressions(), vec![input])?, keys)))
            }
            _ => Ok(None),
        }
    }
}
