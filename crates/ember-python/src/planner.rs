//! Physical planning of Ember's Python plan nodes.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::Session;
use datafusion::common::Result;
use datafusion::execution::context::QueryPlanner;
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::{LogicalPlan, UserDefinedLogicalNode};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_planner::{DefaultPhysicalPlanner, ExtensionPlanner, PhysicalPlanner};

use crate::group::{GroupMapInPython, GroupMapInPythonExec};
use crate::map::{MapInPython, MapInPythonExec};

/// Plans [`MapInPython`] and [`GroupMapInPython`] nodes.
pub struct PythonExtensionPlanner;

#[async_trait]
impl ExtensionPlanner for PythonExtensionPlanner {
    async fn plan_extension(
        &self,
        _planner: &dyn PhysicalPlanner,
        node: &dyn UserDefinedLogicalNode,
        _logical_inputs: &[&LogicalPlan],
        physical_inputs: &[Arc<dyn ExecutionPlan>],
        _session_state: &dyn Session,
        _planning_ctx: &PhysicalPlanningContext,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        if let (Some(map), [input]) = (node.as_any().downcast_ref::<MapInPython>(), physical_inputs) {
            let schema = Arc::new(map.schema.as_arrow().clone());
            return Ok(Some(Arc::new(MapInPythonExec::new(input.clone(), Arc::new(map.call.clone()), schema))));
        }
        if let Some(group) = node.as_any().downcast_ref::<GroupMapInPython>() {
            let schema = Arc::new(group.schema.as_arrow().clone());
            let exec = GroupMapInPythonExec::new(physical_inputs.to_vec(), Arc::new(group.call.clone()), schema);
            return Ok(Some(Arc::new(exec)));
        }
        Ok(None)
    }
}

/// DataFusion's planner, also planning Ember's Python plan nodes.
#[derive(Debug)]
pub struct PythonQueryPlanner;

#[async_trait]
impl QueryPlanner for PythonQueryPlanner {
    async fn create_physical_plan(&self, plan: &LogicalPlan, state: &dyn Session) -> Result<Arc<dyn ExecutionPlan>> {
        DefaultPhysicalPlanner::with_extension_planners(vec![Arc::new(PythonExtensionPlanner)])
            .create_physical_plan(plan, state)
            .await
    }
}
