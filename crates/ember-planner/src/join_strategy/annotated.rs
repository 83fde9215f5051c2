//! [`Annotated`]: an operator that passes its input through unchanged and
//! only tells plans something about it (a join hint over a relation, the
//! Spark strategy over a join).

use std::fmt;
use std::sync::Arc;

use datafusion::common::Result;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::statistics::{ChildStats, StatisticsArgs};
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, Statistics};

/// What an [`Annotated`] operator tells about its input.
pub trait Annotation: fmt::Debug + Clone + Send + Sync + 'static {
    /// The operator's name over `input`.
    fn name(&self, input: &Arc<dyn ExecutionPlan>) -> &'static str;
    /// The operator's line in plans.
    fn line(&self, input: &Arc<dyn ExecutionPlan>) -> String;
}

/// Its input, with an annotation.
#[derive(Debug)]
pub struct Annotated<A> {
    input: Arc<dyn ExecutionPlan>,
    annotation: A,
}

impl<A> Annotated<A> {
    /// `input` with `annotation`.
    pub fn new(input: Arc<dyn ExecutionPlan>, annotation: A) -> Self {
        Annotated { input, annotation }
    }

    /// The annotated input.
    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }

    /// What the operator tells about its input.
    pub fn annotation(&self) -> &A {
        &self.annotation
    }
}

impl<A: Annotation> DisplayAs for Annotated<A> {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.annotation.line(&self.input))
    }
}

impl<A: Annotation> ExecutionPlan for Annotated<A> {
    fn name(&self) -> &str {
        self.annotation.name(&self.input)
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![true]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let input = children.into_iter().next().ok_or_else(|| DataFusionError::Internal("an annotated operator needs its input".into()))?;
        Ok(Arc::new(Annotated { input, annotation: self.annotation.clone() }))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        self.input.execute(partition, context)
    }

    fn child_stats_requests(&self, partition: Option<usize>) -> Vec<ChildStats> {
        vec![ChildStats::At(partition)]
    }

    fn statistics_from_inputs(&self, input_stats: &[Arc<Statistics>], _args: &StatisticsArgs) -> Result<Arc<Statistics>> {
        Ok(input_stats.first().cloned().unwrap_or_else(|| Arc::new(Statistics::new_unknown(&self.schema()))))
    }
}
