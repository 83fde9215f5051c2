//! Python UDFs in expressions: `CommonInlineUserDefinedFunction` calls and
//! calls of functions registered with `spark.udf.register`.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::logical_expr::{Expr, LogicalPlan, ScalarUDF};
use ember_protocol::connect::{self, common_inline_user_defined_function::Function};
use datafusion::common::DFSchema;
use datafusion::logical_expr::Extension;
use datafusion::logical_expr::{AggregateUDF, ExprSchemable, cast};
use ember_python::{
    GroupMapCall, GroupMapInPython, MapCall, MapInPython, PythonAggregateUdf, PythonFunction, PythonScalarUdf,
    is_aggregate_eval_type, is_cogrouped_map_eval_type, is_grouped_map_eval_type, is_map_eval_type, is_scalar_eval_type,
};

use crate::error::{Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans an inline UDF call: its arguments, then the call.
    pub(crate) fn plan_inline_udf(
        &mut self,
        udf: &connect::CommonInlineUserDefinedFunction,
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        self.plan_python_udf_call(udf, &udf.arguments, input)
    }

    /// Plans a Python UDF call's arguments, positional or named
    /// (`f(a => id)`, `f(a=col("id"))`), then the call.
    pub(crate) fn plan_python_udf_call(
        &mut self,
        udf: &connect::CommonInlineUserDefinedFunction,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        use connect::expression::ExprType;
        let mut args = Vec::with_capacity(arguments.len());
        let mut names = Vec::with_capacity(arguments.len());
        let mut keywords: Vec<Option<String>> = Vec::with_capacity(arguments.len());
        for argument in arguments {
            let (keyword, value) = match &argument.expr_type {
                Some(ExprType::NamedArgumentExpression(named)) => {
                    let value = named.value.as_deref().ok_or_else(|| SparkError::illegal_argument("a named argument without a value"))?;
                    (Some(named.key.clone()), value)
                }
                _ => (None, argument),
            };
            check_argument_order(&udf.function_name, &keywords, keyword.as_deref())?;
            let (expr, name) = self.plan_expr(value, input)?;
            args.push(expr);
            names.push(match &keyword {
                Some(key) => format!("{key} => {name}"),
                None => name,
            });
            keywords.push(keyword);
        }
        self.call_python_udf_with_keywords(udf, args, &names, keywords, input)
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
        let keywords = vec![None; args.len()];
        self.call_python_udf_with_keywords(udf, args, names, keywords, input)
    }

    /// Calls a Python UDF on planned arguments, those with a keyword passed
    /// by name.
    fn call_python_udf_with_keywords(
        &mut self,
        udf: &connect::CommonInlineUserDefinedFunction,
        args: Vec<Expr>,
        names: &[String],
        keywords: Vec<Option<String>>,
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let Some(Function::PythonUdf(python)) = &udf.function else {
            return Err(SparkError::unsupported("user-defined functions other than Python UDFs"));
        };
        let aggregate = is_aggregate_eval_type(python.eval_type);
        if !is_scalar_eval_type(python.eval_type) && !aggregate {
            return Err(SparkError::unsupported(format!("Python UDFs of eval type {} in expressions", python.eval_type)));
        }
        let output = python.output_type.as_ref().ok_or_else(|| SparkError::illegal_argument("Python UDF without an output type"))?;
        let return_field = ember_types::field_from_proto("", output, true, &self.config.time_zone).map_err(crate::error::from_type_error)?;
        self.check_decimal_scales(return_field.data_type())?;
        let return_type = return_field.data_type().clone();
        let input_fields = args.iter().map(|a| Ok(a.to_field(input.schema())?.1)).collect::<Result<Vec<_>>>()?;
        let input_types: Vec<DataType> = input_fields.iter().map(|f| f.data_type().clone()).collect();
        // The worker reads the arguments as their UDTs' objects.
        let input_struct = DataType::Struct(Fields::from(
            input_fields
                .iter()
                .enumerate()
                .map(|(i, f)| ember_types::UserDefinedType::carry(Field::new(format!("_{i}"), f.data_type().clone(), true), f))
                .collect::<Vec<_>>(),
        ));
        let input_type_json = ember_types::to_json_type(&input_struct).map_err(crate::error::from_type_error)?;
        let function = python_function(udf, python);
        let name = format!("{}({})", udf.function_name, names.join(", "));
        let positional = keywords.iter().all(Option::is_none);
        if aggregate {
            let udaf = PythonAggregateUdf::new(function, input_types, input_type_json, return_type, self.config.python_runner_conf.clone())
                .with_keywords(keywords);
            return Ok((AggregateUDF::new_from_impl(udaf).call(args), name));
        }
        let scalar = PythonScalarUdf::new(
            function,
            input_types,
            input_type_json,
            return_field,
            self.config.python_runner_conf.clone(),
            self.config.arrow_max_records_per_batch,
        )
        .with_keywords(keywords);
        // A UDF whose one argument is a UDF of the same kind runs chained
        // after it in one Python call, as Spark evaluates such calls.
        if let ([Expr::ScalarFunction(inner_call)], true) = (args.as_slice(), positional) {
            let inner: &dyn std::any::Any = inner_call.func.inner().as_ref();
            if let Some(chained) = inner.downcast_ref::<PythonScalarUdf>().and_then(|inner| scalar.clone().chained_after(inner)) {
                return Ok((ScalarUDF::new_from_impl(chained).call(inner_call.args.clone()), name));
            }
        }
        let expr = ScalarUDF::new_from_impl(scalar).call(args);
        let expr = match ember_types::proto::collation_of(output).map_err(crate::error::from_type_error)? {
            Some(collation) => ember_functions::collation::with_collation(expr, collation),
            None => expr,
        };
        Ok((expr, name))
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
        let DataType::Struct(fields) = self.type_from_proto(output)? else {
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
            table_function: None,
            data_source: None,
        };
        let schema = Arc::new(DFSchema::from_unqualified_fields(fields, Default::default())?);
        Ok(LogicalPlan::Extension(Extension { node: Arc::new(MapInPython { input, call, schema }) }))
    }

    /// A table function called by name (`SELECT * FROM f(…)`): one the
    /// session registered with `spark.udtf.register`.
    pub(crate) fn registered_table_function(&mut self, call: &connect::UnresolvedTableValuedFunction) -> Result<LogicalPlan> {
        let function = self.registered_python_table_function(call)?;
        self.python_table_function(&function)
    }

    /// `groupBy().applyInPandas` / `applyInArrow`: each group's rows through
    /// the function, giving the columns of its declared struct type.
    pub(crate) fn group_map(&mut self, map: &connect::GroupMap) -> Result<LogicalPlan> {
        if map.is_map_groups_with_state.unwrap_or(false) || map.transform_with_state_info.is_some() {
            return Err(SparkError::unsupported("applyInPandasWithState and transformWithState"));
        }
        let input = self.input(&map.input)?;
        let udf = map.func.as_ref().ok_or_else(|| SparkError::illegal_argument("GroupMap without a function"))?;
        let (side, names) = self.keyed_input(input, &map.grouping_expressions, None)?;
        self.group_map_plan(udf, vec![side], vec![names], map.grouping_expressions.len(), is_grouped_map_eval_type)
    }

    /// Cogrouped `applyInPandas` / `applyInArrow`: the rows of both inputs
    /// with equal keys through the function, one call per key.
    pub(crate) fn co_group_map(&mut self, map: &connect::CoGroupMap) -> Result<LogicalPlan> {
        if map.input_grouping_expressions.len() != map.other_grouping_expressions.len() {
            return Err(SparkError::illegal_argument("cogroup with different numbers of grouping columns"));
        }
        let udf = map.func.as_ref().ok_or_else(|| SparkError::illegal_argument("CoGroupMap without a function"))?;
        let left = self.input(&map.input)?;
        let (left, left_names) = self.keyed_input(left, &map.input_grouping_expressions, None)?;
        let key_types: Vec<DataType> =
            left.schema().fields().iter().take(map.input_grouping_expressions.len()).map(|f| f.data_type().clone()).collect();
        let right = self.input(&map.other)?;
        let (right, right_names) = self.keyed_input(right, &map.other_grouping_expressions, Some(&key_types))?;
        let key_count = key_types.len();
        self.group_map_plan(udf, vec![left, right], vec![left_names, right_names], key_count, is_cogrouped_map_eval_type)
    }

    /// The input with the grouping keys (cast to `key_types` if given) as
    /// its first columns, and the Spark names of its columns. A time window
    /// key (`window(ts, "5 days")`) groups each row into each of its windows.
    fn keyed_input(
        &mut self,
        input: LogicalPlan,
        grouping: &[connect::Expression],
        key_types: Option<&[DataType]>,
    ) -> Result<(LogicalPlan, Vec<String>)> {
        let value_names = self.spark_names(&input);
        let values: Vec<Expr> = input.schema().columns().into_iter().map(Expr::Column).collect();
        let (keyed, grouping) = match self.with_time_window(&input, &[grouping], true)? {
            Some((windowed, mut lists, _)) => (windowed, lists.pop().unwrap_or_default()),
            None => (input, grouping.to_vec()),
        };
        let mut exprs = Vec::new();
        let mut names = Vec::new();
        for (i, expression) in grouping.iter().enumerate() {
            let (mut expr, name) = self.plan_expr(expression, &keyed)?;
            if let Some(target) = key_types.and_then(|t| t.get(i)) {
                if &expr.get_type(keyed.schema())? != target {
                    expr = cast(expr, target.clone());
                }
            }
            exprs.push(expr.alias(crate::plan::fresh_name()));
            names.push(name);
        }
        names.extend(value_names);
        exprs.extend(values);
        Ok((crate::plan::project_plan(keyed, exprs)?, names))
    }

    fn group_map_plan(
        &mut self,
        udf: &connect::CommonInlineUserDefinedFunction,
        inputs: Vec<LogicalPlan>,
        input_names: Vec<Vec<String>>,
        key_count: usize,
        accepts: fn(i32) -> bool,
    ) -> Result<LogicalPlan> {
        let Some(Function::PythonUdf(python)) = &udf.function else {
            return Err(SparkError::unsupported("applyInPandas with a function that is not Python"));
        };
        if !accepts(python.eval_type) {
            return Err(SparkError::unsupported(format!("grouped map with Python eval type {}", python.eval_type)));
        }
        let output = python.output_type.as_ref().ok_or_else(|| SparkError::illegal_argument("Python UDF without an output type"))?;
        let DataType::Struct(fields) = self.type_from_proto(output)? else {
            return Err(SparkError::illegal_argument("the schema of applyInPandas/applyInArrow must be a struct"));
        };
        let first_fields: Fields =
            inputs[0].schema().fields().iter().zip(&input_names[0]).map(|(f, name)| f.as_ref().clone().with_name(name)).collect();
        let call = GroupMapCall {
            function: python_function(udf, python),
            runner_conf: self.config.python_runner_conf.clone(),
            key_count,
            input_names,
            input_type_json: ember_types::to_json_type(&DataType::Struct(first_fields)).map_err(crate::error::from_type_error)?,
            max_records_per_batch: self.config.arrow_max_records_per_batch,
        };
        let schema = Arc::new(DFSchema::from_unqualified_fields(fields, Default::default())?);
        Ok(LogicalPlan::Extension(Extension { node: Arc::new(GroupMapInPython { inputs, call, schema }) }))
    }
}

/// Spark's checks of named arguments: no positional argument after a named
/// one (`UNEXPECTED_POSITIONAL_ARGUMENT`), no name twice
/// (`DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT.DOUBLE_NAMED_ARGUMENT_REFERENCE`).
pub(crate) fn check_argument_order(routine: &str, before: &[Option<String>], keyword: Option<&str>) -> Result<()> {
    use crate::error::ErrorKind;
    let quote = |name: &str| format!("`{name}`");
    match keyword {
        None => match before.iter().rev().flatten().next() {
            Some(named) => Err(SparkError::new(
                ErrorKind::Analysis,
                "UNEXPECTED_POSITIONAL_ARGUMENT",
                "4274K",
                format!(
                    "Cannot invoke routine {} because it contains positional argument(s) following the named argument assigned to {}; please rearrange them so the positional arguments come first and then retry the query again.",
                    quote(routine),
                    quote(named)
                ),
                &[("parameterName", quote(named)), ("routineName", quote(routine))],
            )),
            None => Ok(()),
        },
        Some(key) if before.iter().flatten().any(|k| k == key) => Err(SparkError::new(
            ErrorKind::Analysis,
            "DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT.DOUBLE_NAMED_ARGUMENT_REFERENCE",
            "4274K",
            format!(
                "Call to routine {} is invalid because it includes multiple argument assignments to the same parameter name {}. More than one named argument referred to the same parameter. Please assign a value only once.",
                quote(routine),
                quote(key)
            ),
            &[("parameterName", quote(key)), ("routineName", quote(routine))],
        )),
        Some(_) => Ok(()),
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
