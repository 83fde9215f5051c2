//! Python UDFs in expressions: `CommonInlineUserDefinedFunction` calls and
//! calls of functions registered with `spark.udf.register`.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::logical_expr::{Expr, LogicalPlan, ScalarUDF};
use ember_protocol::connect::{self, common_inline_user_defined_function::Function};
use ember_python::{PythonFunction, PythonScalarUdf, is_scalar_eval_type};

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
        let function = PythonFunction {
            name: udf.function_name.clone(),
            eval_type: python.eval_type,
            command: Arc::new(python.command.clone()),
            python_ver: python.python_ver.clone(),
            deterministic: udf.deterministic,
        };
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
}
