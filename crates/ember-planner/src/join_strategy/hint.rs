//! The marker a join strategy hint leaves over its relation: a logical node
//! that optimizations see through, planned as a pass-through operator that
//! [`super::JoinStrategies`] reads and removes.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::Session;
use datafusion::common::{DFSchemaRef, Result};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::{Expr, Extension, LogicalPlan, UserDefinedLogicalNode, UserDefinedLogicalNodeCore};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_planner::{ExtensionPlanner, PhysicalPlanner};

use super::JoinStrategyHint;
use super::annotated::{Annotated, Annotation};

/// A relation with a join strategy hint (Spark's `ResolvedHint`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JoinHint {
    /// The hinted relation.
    pub input: LogicalPlan,
    /// The strategy asked for.
    pub strategy: JoinStrategyHint,
}

impl JoinHint {
    /// `input` with the hint, as a logical plan.
    pub fn plan(input: LogicalPlan, strategy: JoinStrategyHint) -> LogicalPlan {
        LogicalPlan::Extension(Extension { node: Arc::new(JoinHint { input, strategy }) })
    }
}

impl PartialOrd for JoinHint {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self == other).then_some(Ordering::Equal)
    }
}

impl UserDefinedLogicalNodeCore for JoinHint {
    fn name(&self) -> &str {
        "JoinHint"
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.input]
    }

    fn schema(&self) -> &DFSchemaRef {
        self.input.schema()
    }

    fn expressions(&self) -> Vec<Expr> {
        vec![]
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "ResolvedHint (strategy={})", self.strategy.spark_name())
    }

    fn with_exprs_and_inputs(&self, _exprs: Vec<Expr>, mut inputs: Vec<LogicalPlan>) -> Result<Self> {
        let input = inputs.pop().ok_or_else(|| DataFusionError::Internal("a join hint needs its input".into()))?;
        Ok(JoinHint { input, strategy: self.strategy })
    }

    /// Filters pass through: the hint belongs to the relation, not its rows.
    fn prevent_predicate_push_down_columns(&self) -> HashSet<String> {
        HashSet::new()
    }

    /// Needs only the columns its parent needs.
    fn necessary_children_exprs(&self, output_columns: &[usize]) -> Option<Vec<Vec<usize>>> {
        Some(vec![output_columns.to_vec()])
    }

    fn supports_limit_pushdown(&self) -> bool {
        true
    }
}

/// [`JoinHint`] in a physical plan: its input unchanged.
pub type JoinHintExec = Annotated<JoinStrategyHint>;

impl Annotation for JoinStrategyHint {
    fn name(&self, _input: &Arc<dyn ExecutionPlan>) -> &'static str {
        "JoinHintExec"
    }

    fn line(&self, _input: &Arc<dyn ExecutionPlan>) -> String {
        format!("JoinHintExec: strategy={}", self.spark_name())
    }
}

/// Plans [`JoinHint`] nodes.
#[derive(Debug)]
pub struct JoinHintPlanner;

#[async_trait]
impl ExtensionPlanner for JoinHintPlanner {
    async fn plan_extension(
        &self,
        _planner: &dyn PhysicalPlanner,
        node: &dyn UserDefinedLogicalNode,
        _logical_inputs: &[&LogicalPlan],
        physical_inputs: &[Arc<dyn ExecutionPlan>],
        _session_state: &dyn Session,
        _planning_ctx: &PhysicalPlanningContext,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        match (node.as_any().downcast_ref::<JoinHint>(), physical_inputs) {
            (Some(hint), [input]) => Ok(Some(Arc::new(JoinHintExec::new(input.clone(), hint.strategy)))),
            _ => Ok(None),
        }
    }
}
