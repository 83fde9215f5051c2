//! The key columns of both sides of a USING outer join, as Spark keeps them:
//! the join outputs one key column (the left key for a left join, the right
//! key for a right join, their coalesce for a full join), and `df["key"]`
//! of a side whose key is not that column reads the side's own key. A
//! select, filter, sort or `withColumns` right over such a join sees those keys as hidden
//! columns: references by DataFrame find them, names and `*` do not, and
//! they are dropped from the output.

use std::collections::HashSet;

use datafusion::common::Column;
use datafusion::logical_expr::{Expr, JoinType, LogicalPlan, LogicalPlanBuilder, col};
use ember_protocol::connect::{self, relation::RelType};

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
    /// Whether names pass over a column.
    pub(crate) fn is_hidden(&self, column: &str) -> bool {
        self.hidden_columns.contains(column) || self.hidden_columns_by_name.contains(column)
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
        let planned = match &project.input {
            Some(input) => self.select_input(input).and_then(|input| self.project(input, &project.expressions)),
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

    /// Plans `operator` (a filter, a sort or a `withColumns`) right over a USING outer join
    /// with the sides' keys as hidden columns, then drops them, as Spark
    /// resolves `df2["key"]` there by adding the missing key and projecting it
    /// away; `None` when `input` is no USING join.
    pub(crate) fn over_using_join(
        &mut self,
        input: &Option<Box<connect::Relation>>,
        operator: &impl Fn(&mut Self, LogicalPlan) -> Result<LogicalPlan>,
    ) -> Result<Option<LogicalPlan>> {
        let Some(relation) = input.as_deref().filter(|r| matches!(&r.rel_type, Some(RelType::Join(join)) if !join.using_columns.is_empty()))
        else {
            return Ok(None);
        };
        let outer_hidden = std::mem::take(&mut self.hidden_columns);
        let operated = self.select_input(relation).and_then(|plan| operator(self, plan));
        let hidden = std::mem::replace(&mut self.hidden_columns, outer_hidden);
        let operated = operated?;
        if hidden.is_empty() {
            return Ok(Some(operated));
        }
        let kept = operated.schema().columns().into_iter().filter(|c| !hidden.contains(&c.name)).map(Expr::Column).collect();
        Ok(Some(project_plan(operated, kept)?))
    }

    /// The input of a select: over a USING outer join, with the sides' keys
    /// as hidden columns.
    fn select_input(&mut self, relation: &connect::Relation) -> Result<LogicalPlan> {
        let planned = self.plan_relation(relation)?;
        let using_join = matches!(&relation.rel_type, Some(RelType::Join(join)) if !join.using_columns.is_empty());
        let LogicalPlan::Projection(projection) = &planned else { return Ok(planned) };
        if !using_join {
            return Ok(planned);
        }
        let joined = projection.input.schema();
        let mut exprs = projection.expr.clone();
        for field in projection.schema.fields() {
            let Some(key) = self.using_join_keys.get(field.name()).cloned() else { continue };
            for hidden in key.hidden() {
                if joined.has_column_with_unqualified_name(hidden) && !projection.schema.has_column_with_unqualified_name(hidden) {
                    exprs.push(col(Column::new_unqualified(hidden)));
                    self.hidden_columns.insert(hidden.clone());
                }
            }
        }
        if exprs.len() == projection.expr.len() {
            return Ok(planned);
        }
        Ok(project_plan(projection.input.as_ref().clone(), exprs)?)
    }
}
