//! Python UDFs in expressions: `CommonInlineUserDefinedFunction` calls and
//! calls of functions registered with `spark.udf.register`.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::logical_expr::{Expr, LogicalPlan, ScalarUDF};
use ember_protocol::connect::{self, common_inline_user_defined_function::Function};
use datafusion::common::DFSchema;
use datafusion::logical_expr::Extension;
use ember_python::{MapCall, MapInPython, PythonFunction, PythonScalarUdf, is_map_eval_type, is_scalar_eval_type};

use crate::error::{Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans an inline UDF call: its arguments, then the call.
    pub(crate) fn plan_inline_udf(
        &mut self,
        udf: &connect::CommonInlineUserDefinedFunction,
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let mut args = Vec::with_capacity(udf.arguments.len());
        let mut names = Vec::with_capacity(udf.arguments.len());
        for argument in &udf.arguments {
            let (expr, name) = self.plan_expr(argument, input)?;
            args.push(expr);
            names.push(name);
        }
        self.call_python_udf(udf, args, &names, input)
    }

    /// Calls a Python UDF on planned arguments; Spark names the result
    /// `name(arg, …)`.
    pub(crate) fn call_python_udf(
        &mut self,
        udf: &connect::CommonInlineUserDefinedFunction,
        args: Vec<Expr>,
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let Some(Function::PythonUdf(python)) = &udf.function else {
            return Err(SparkError::unsupported("user-defined functions other than Python UDFs"));
        };
        if !is_scalar_eval_type(python.eval_type) {
            return Err(SparkError::unsupported(format!("Python UDFs of eval type {} in expressions", python.eval_type)));
        }
        let output = python.output_type.as_ref().ok_or_else(|| SparkError::illegal_argument("Python UDF without an output type"))?;
        let return_type = ember_types::from_proto(output, &self.config.time_zone).map_err(crate::error::from_type_error)?;
        let input_types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
        let input_struct = DataType::Struct(Fields::from(
            input_types.iter().enumerate().map(|(i, t)| Field::new(format!("_{i}"), t.clone(), true)).collect::<Vec<_>>(),
        ));
        let input_type_json = ember_types::to_json_type(&input_struct).map_err(crate::error::from_type_error)?;
        let function = python_function(udf, python);
        let scalar = PythonScalarUdf::new(
            function,
            input_types,
            input_type_json,
            return_type,
            self.config.python_runner_conf.clone(),
            self.config.arrow_max_records_per_batch,
        );
        let expr = ScalarUDF::new_from_impl(scalar).call(args);
        Ok((expr, format!("{}({})", udf.function_name, names.join(", "))))
    }

    /// `mapInPandas` / `mapInArrow`: the input's rows through the function,
    /// giving the columns of its declared struct type.
    pub(crate) fn map_partitions(&mut self, map: &connect::MapPartitions) -> Result<LogicalPlan> {
        let input = self.input(&map.input)?;
        let udf = map.func.as_ref().ok_or_else(|| SparkError::illegal_argument("MapPartitions without a function"))?;
        let Some(Function::PythonUdf(python)) = &udf.function else {
            return Err(SparkError::unsupported("mapInPandas with a function that is not Python"));
        };
        if !is_map_eval_type(python.eval_type) {
            return Err(SparkError::unsupported(format!("MapPartitions with Python eval type {}", python.eval_type)));
        }
        let output = python.output_type.as_ref().ok_or_else(|| SparkError::illegal_argument("Python UDF without an output type"))?;
        let DataType::Struct(fields) = ember_types::from_proto(output, &self.config.time_zone).map_err(crate::error::from_type_error)? else {
            return Err(SparkError::illegal_argument("the schema of mapInPandas/mapInArrow must be a struct"));
        };
        let input_names = self.spark_names(&input);
        let input_fields: Fields =
            input.schema().fields().iter().zip(&input_names).map(|(f, name)| f.as_ref().clone().with_name(name)).collect();
        let input_struct = DataType::Struct(input_fields);
        let call = MapCall {
            function: python_function(udf, python),
            input_type_json: ember_types::to_json_type(&input_struct).map_err(crate::error::from_type_error)?,
            runner_conf: self.config.python_runner_conf.clone(),
            input_names,
        };
        let schema = Arc::new(DFSchema::from_unqualified_fields(fields, Default::default())?);
        Ok(LogicalPlan::Extension(Extension { node: Arc::new(MapInPython { input, call, schema }) }))
    }
}

fn python_function(udf: &connect::CommonInlineUserDefinedFunction, python: &connect::PythonUdf) -> PythonFunction {
    PythonFunction {
        name: udf.function_name.clone(),
        eval_type: python.eval_type,
        command: Arc::new(python.command.clone()),
        python_ver: python.python_ver.clone(),
        deterministic: udf.deterministic,
    }
}
