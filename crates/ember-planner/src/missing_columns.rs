//! Spark's recovery of columns that a filter or a sort reads but the
//! projection right below it dropped (`df.select("i").where(col("t") > x)`,
//! `df.select(df.v).sort(df.id)`): the projection keeps its input's columns
//! for the filter or sort, and a projection on top drops them again.

use std::collections::HashSet;

use datafusion::common::Column;
use datafusion::logical_expr::{LogicalPlan, col};
use ember_protocol::connect::{self, relation::RelType};

use crate::error::{Result, SparkError};
use crate::plan::{Planner, project_plan};

impl Planner<'_> {
    /// Plans `input` and `operator` over it, recovering the columns
    /// `operator` reads from below a projection that dropped them.
    pub(crate) fn with_missing_columns(
        &mut self,
        input: &Option<Box<connect::Relation>>,
        operator: impl Fn(&mut Self, LogicalPlan) -> Result<LogicalPlan>,
    ) -> Result<LogicalPlan> {
        let planned = self.input(input)?;
        let err = match self.with_hidden_keys(planned, &operator) {
            Ok(plan) => return Ok(plan),
            Err(err) => err,
        };
        match self.widened_projection(input.as_deref(), &err)? {
            Some((widened, kept)) => {
                let operated = operator(self, widened).map_err(|_| err)?;
                Ok(project_plan(operated, kept.iter().map(|name| col(Column::new_unqualified(name))).collect())?)
            }
            None => Err(err),
        }
    }

    /// When `err` is an unresolved column and `relation` a plain projection:
    /// the projection widened with its input's other columns, and the
    /// projection's own columns.
    fn widened_projection(&mut self, relation: Option<&connect::Relation>, err: &SparkError) -> Result<Option<(LogicalPlan, Vec<String>)>> {
        let unresolved = err.error_class.starts_with("UNRESOLVED_COLUMN") || err.error_class == "CANNOT_RESOLVE_DATAFRAME_COLUMN";
        let Some(relation) = relation.filter(|r| unresolved && matches!(r.rel_type, Some(RelType::Project(_)))) else {
            return Ok(None);
        };
        let LogicalPlan::Projection(projection) = self.plan_relation(relation)? else { return Ok(None) };
        let kept: Vec<String> = projection.schema.fields().iter().map(|f| f.name().clone()).collect();
        let named: HashSet<&String> = kept.iter().collect();
        let mut exprs = projection.expr.clone();
        for field in projection.input.schema().fields() {
            if !named.contains(field.name()) {
                exprs.push(col(Column::new_unqualified(field.name())));
            }
        }
        Ok(Some((project_plan(projection.input.as_ref().clone(), exprs)?, kept)))
    }
}
