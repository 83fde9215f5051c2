//! The key columns of both sides of a USING outer join, as Spark keeps them:
//! the join outputs one key column (the left key for a left join, the right
//! key for a right join, their coalesce for a full join), and `df["key"]`
//! of a side whose key is not that column reads the side's own key. A
//! select, filter, sort, aggregate or `withColumns` over such a join (also
//! through other selects, filters, sorts and limits) sees those keys as
//! hidden columns: references by DataFrame find them, names and `*` do not,
//! and they are dropped from the output.

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
            JoinType::Left => vec![&self.right],
            JoinType::Right => vec![&self.left],
            JoinType::Full => vec![&self.left, &self.right],
            _ => vec![],
        }
    }

    /// Whether a DataFrame reference to the side whose key is `side` may
    /// resolve to the output key column.
    pub(crate) fn stands_for(&self, side: &str) -> bool {
        !self.hidden().iter().any(|hidden| hidden.as_str() == side)
    }
}

impl Planner<'_> {
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
        let planned = match &project.input {
            Some(input) => self
                .plan_relation(input)
                .and_then(|input| self.carry_hidden_keys(input))
                .and_then(|input| self.project(input, &project.expressions)),
            None => LogicalPlanBuilder::empty(true).build().map_err(Into::into).and_then(|input| self.project(input, &project.expressions)),
        };
        let hidden = std::mem::replace(&mut self.hidden_columns, outer_hidden);
        self.keep_selected_keys_hidden(planned?, &hidden)
    }

    /// A side key the select picked stays hidden from names (Spark's
    /// qualified-access-only columns) but for USING join keys: it becomes a
    /// column of its own, which DataFrame references to its side find only
    /// when no other column answers them.
    fn keep_selected_keys_hidden(&mut self, plan: LogicalPlan, hidden: &HashSet<String>) -> Result<LogicalPlan> {
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
                    self.columns.insert(renamed.clone(), info);
                    self.using_key_plan_ids.insert(renamed.clone(), side_plan_ids);
                    self.hidden_columns_by_name.insert(renamed.clone());
                    exprs.push(expr.clone().alias(renamed));
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
        let outer_hidden = std::mem::take(&mut self.hidden_columns);
        let operated = self.carry_hidden_keys(input).and_then(|input| operator(self, input));
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
                for field in projection.schema.fields() {
                    let Some(key) = self.using_join_keys.get(field.name()) else { continue };
                    for hidden in key.hidden() {
                        if input.schema().has_column_with_unqualified_name(hidden) && !keys.contains(hidden) {
                            keys.push(hidden.clone());
                        }
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
