//! Python table functions (`udtf`) called as tables: the arguments
//! (positional or named, `a => 10`), the output schema (declared, or from
//! the function's static `analyze` method) and the plan node that calls it.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, new_null_array};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Schema};
use datafusion::common::DFSchema;
use datafusion::execution::context::ExecutionProps;
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::common::Column;
use datafusion::logical_expr::{Expr, ExprSchemable, Extension, LogicalPlan, LogicalPlanBuilder, SortExpr};
use datafusion::functions_window::expr_fn::row_number;
use datafusion::physical_expr::create_physical_expr;
use ember_protocol::connect::{self, expression::ExprType};
use ember_types::UserDefinedType;
use ember_python::{
    AnalyzeArgument, MapCall, MapInPython, PythonFunction, SelectedColumn, TableFunctionCall, UdtfAnalysis, analyze_table_function,
    argument_values, is_table_function_eval_type,
};

use crate::error::{ErrorKind, Result, SparkError, from_type_error};
use crate::plan::{ColumnInfo, Planner};

/// One planned argument of a table function call.
struct Argument {
    /// The keyword of a named argument.
    keyword: Option<String>,
    expr: Expr,
    /// Its type, with the UDT it holds in the metadata.
    field: FieldRef,
    /// Whether it is the table argument (each row as a struct).
    table: bool,
}

/// How the table argument's rows reach the function.
#[derive(Default)]
struct TableArgumentPlan {
    /// Positions of the partitioning values appended to each row.
    partition_child_indexes: Vec<usize>,
    /// Whether the rows must arrive in one partition, in the planned order.
    ordered: bool,
    /// The order: by the PARTITION BY values, then the ORDER BY expressions.
    sort: Vec<SortExpr>,
}

impl Planner<'_> {
    /// A Python table function (`udtf`) called as a table: its rows for
    /// the (constant) arguments, then those of `terminate`.
    pub(crate) fn python_table_function(&mut self, call: &connect::CommonInlineUserDefinedTableFunction) -> Result<LogicalPlan> {
        let one_row = LogicalPlanBuilder::empty(true).build()?;
        self.table_function_plan(call, one_row, None)
    }

    /// `left, LATERAL f(left.x)` / `left.lateralJoin(f(...))`: each row of
    /// `left` beside each row the table function gives for it (the rows of
    /// `terminate` beside the last row of each partition) that meets the
    /// join condition; with `outer` (`LEFT JOIN LATERAL … ON …`), a row of
    /// `left` without any such row is kept once, beside nulls. As in Spark,
    /// an outer join without a condition keeps only rows with output.
    pub(crate) fn python_lateral_join(&mut self, join: &connect::LateralJoin, outer: bool) -> Result<LogicalPlan> {
        use connect::relation::RelType;
        use connect::join::JoinType;
        let mut right = join.right.as_deref().ok_or_else(|| SparkError::illegal_argument("LateralJoin without a right side"))?;
        let mut alias = None;
        if let Some(RelType::SubqueryAlias(subquery)) = &right.rel_type {
            alias = Some(subquery.alias.clone());
            right = subquery.input.as_deref().ok_or_else(|| SparkError::illegal_argument("SubqueryAlias without an input"))?;
        }
        let call = match &right.rel_type {
            Some(RelType::CommonInlineUserDefinedTableFunction(call)) => call.clone(),
            Some(RelType::UnresolvedTableValuedFunction(call)) => self.registered_python_table_function(call)?,
            _ => return Err(SparkError::unsupported("LATERAL with anything but a Python table function")),
        };
        if is_arrow_udtf(&call) {
            return Err(SparkError::new(
                crate::error::ErrorKind::Analysis,
                "LATERAL_JOIN_WITH_ARROW_UDTF_UNSUPPORTED",
                "0A000",
                "LATERAL JOIN with Arrow-optimized user-defined table functions (UDTFs) is not supported. Arrow UDTFs cannot be used on the right-hand side of a lateral join.",
                &[],
            ));
        }
        if !table_arguments(&call.arguments)?.is_empty() {
            if outer || join.join_condition.is_some() {
                return Err(SparkError::unsupported("outer or conditional lateral joins with a table function's TABLE argument"));
            }
            // The function sees its table argument, not the left's rows:
            // its rows beside each row of the left.
            let cross = connect::Join { left: join.left.clone(), right: join.right.clone(), join_type: JoinType::Cross as i32, ..Default::default() };
            return self.plan_relation(&connect::Relation { common: None, rel_type: Some(RelType::Join(Box::new(cross))) });
        }
        let left = self.input(&join.left)?;
        if !outer || join.join_condition.is_none() {
            let applied = self.table_function_plan(&call, left, Some(alias))?;
            return self.lateral_condition(applied, join.join_condition.as_ref());
        }
        // Each left row numbered, so that the rows the function gives (and
        // the condition keeps) can be outer-joined back to it.
        let row_id = crate::plan::fresh_name();
        let numbered = LogicalPlanBuilder::from(left).window(vec![row_number().alias(&row_id)])?.build()?;
        let left_width = numbered.schema().fields().len();
        let applied = self.table_function_plan(&call, numbered.clone(), Some(alias))?;
        let applied = self.lateral_condition(applied, join.join_condition.as_ref())?;
        let matched_id = crate::plan::fresh_name();
        let own: Vec<Expr> = applied.schema().columns().into_iter().skip(left_width).map(Expr::Column).collect();
        let mut right_columns = vec![Expr::Column(Column::new_unqualified(&row_id)).alias(&matched_id)];
        right_columns.extend(own.iter().cloned());
        let matched = crate::plan::project_plan(applied, right_columns)?;
        let on = Expr::Column(Column::new_unqualified(&row_id)).eq(Expr::Column(Column::new_unqualified(&matched_id)));
        let joined = LogicalPlanBuilder::from(numbered.clone()).join_on(matched, datafusion::common::JoinType::Left, vec![on])?.build()?;
        let mut output: Vec<Expr> = numbered.schema().columns().into_iter().filter(|c| c.name != row_id).map(Expr::Column).collect();
        output.extend(own);
        Ok(crate::plan::project_plan(joined, output)?)
    }

    /// The rows of a lateral join that meet its condition (all without one).
    fn lateral_condition(&mut self, applied: LogicalPlan, condition: Option<&connect::Expression>) -> Result<LogicalPlan> {
        let Some(condition) = condition else { return Ok(applied) };
        let (condition, _) = self.plan_expr(condition, &applied)?;
        Ok(LogicalPlanBuilder::from(applied).filter(condition)?.build()?)
    }

    /// Whether `right`, the right side of a lateral join, calls a Python table function.
    pub(crate) fn calls_python_table_function(&self, right: Option<&connect::Relation>) -> bool {
        use connect::relation::RelType;
        let mut right = right;
        if let Some(RelType::SubqueryAlias(subquery)) = right.and_then(|r| r.rel_type.as_ref()) {
            right = subquery.input.as_deref();
        }
        match right.and_then(|r| r.rel_type.as_ref()) {
            Some(RelType::CommonInlineUserDefinedTableFunction(_)) => true,
            Some(RelType::UnresolvedTableValuedFunction(call)) => self.catalog.python_table_function(&call.function_name).is_some(),
            _ => false,
        }
    }

    /// A table function called by name: one the session registered with
    /// `spark.udtf.register`, given the call's arguments.
    pub(crate) fn registered_python_table_function(
        &mut self,
        call: &connect::UnresolvedTableValuedFunction,
    ) -> Result<connect::CommonInlineUserDefinedTableFunction> {
        let Some(mut function) = self.catalog.python_table_function(&call.function_name) else {
            return Err(SparkError::unsupported(format!("table function {}", call.function_name.to_lowercase())));
        };
        function.arguments = call.arguments.clone();
        Ok(function)
    }

    /// The function called on each row of `input`: alone (`lateral` is
    /// `None`), or beside the input's columns, its own qualified by the
    /// lateral alias if there is one.
    fn table_function_plan(
        &mut self,
        call: &connect::CommonInlineUserDefinedTableFunction,
        input: LogicalPlan,
        lateral: Option<Option<String>>,
    ) -> Result<LogicalPlan> {
        use connect::common_inline_user_defined_table_function::Function as TableFunction;
        let Some(TableFunction::PythonUdtf(python)) = &call.function else {
            return Err(SparkError::unsupported("user-defined table functions other than Python UDTFs"));
        };
        if !is_table_function_eval_type(python.eval_type) {
            return Err(SparkError::unsupported(format!("Python UDTFs of eval type {}", python.eval_type)));
        }
        let mut keywords: Vec<Option<String>> = Vec::with_capacity(call.arguments.len());
        for argument in &call.arguments {
            let (keyword, _) = split_keyword(argument)?;
            crate::python_udf::check_argument_order(&call.function_name, &keywords, keyword.as_deref())?;
            keywords.push(keyword);
        }
        let tables = table_arguments(&call.arguments)?;
        if tables.len() > 1 && !self.multiple_table_arguments_allowed() {
            return Err(too_many_table_arguments(tables.len()));
        }
        let table = tables.first().copied().filter(|_| tables.len() == 1);
        let (mut input, mut arguments, mut table_plan) = match table {
            _ if lateral.is_some() && !tables.is_empty() => return Err(SparkError::unsupported("TABLE arguments in lateral calls")),
            Some(subquery) => self.table_argument_call(&call.arguments, subquery, &[])?,
            None if tables.len() > 1 => self.table_arguments_call(&call.arguments)?,
            None => {
                let arguments = self.table_function_arguments(&call.arguments, &input)?;
                (input, arguments, TableArgumentPlan::default())
            }
        };
        let function = PythonFunction {
            name: call.function_name.clone(),
            eval_type: python.eval_type,
            command: Arc::new(python.command.clone()),
            python_ver: python.python_ver.clone(),
            deterministic: call.deterministic,
        };
        let to_json = |t: &DataType| ember_types::to_json_type(t).map_err(from_type_error);
        let arguments_type = |arguments: &[Argument]| {
            let fields: Fields = arguments.iter().enumerate().map(|(i, a)| UserDefinedType::carry(Field::new(format!("_{i}"), a.field.data_type().clone(), true), &a.field)).collect();
            to_json(&DataType::Struct(fields))
        };
        let mut input_type_json = arguments_type(&arguments)?;
        let (return_type, analyze_result) = match &python.return_type {
            Some(return_type) => (ember_types::from_proto(return_type, &self.config.time_zone).map_err(from_type_error)?, None),
            None => {
                let analysis = self.analyze_call(&function, &arguments, &input_type_json)?;
                if let Some(subquery) = table.filter(|_| analysis.requires_table_layout()) {
                    // The table argument again, laid out as `analyze` asked.
                    let mut laid_out = subquery.clone();
                    laid_out.table_arg_options = Some(analyzed_layout(&call.function_name, subquery, &analysis)?);
                    (input, arguments, table_plan) = self.table_argument_call(&call.arguments, &laid_out, &analysis.select)?;
                    input_type_json = arguments_type(&arguments)?;
                }
                let schema = ember_types::json::parse_json_type(&analysis.schema, &self.config.time_zone).map_err(from_type_error)?;
                (schema, Some(Arc::new(analysis.pickled_result)))
            }
        };
        let DataType::Struct(fields) = &return_type else {
            let rendered = ember_types::sql_string(&return_type);
            return Err(SparkError::new(
                ErrorKind::InvalidPlanInput,
                "INVALID_SCHEMA_TYPE_NON_STRUCT",
                "42K09",
                format!("Invalid schema type. Expect a struct type, but got \"{rendered}\"."),
                &[("dataType", format!("\"{rendered}\""))],
            ));
        };
        let passed_through = if lateral.is_some() { input.schema().fields().len() } else { 0 };
        let table_function = TableFunctionCall {
            return_type_json: to_json(&return_type)?,
            argument_count: arguments.len(),
            keyword_arguments: arguments
                .iter()
                .enumerate()
                .filter_map(|(i, a)| a.keyword.clone().map(|k| (k, i)))
                .collect(),
            analyze_result,
            passed_through,
            partition_child_indexes: table_plan.partition_child_indexes,
            ordered: table_plan.ordered,
            table_arguments: arguments.iter().enumerate().filter(|(_, a)| a.table).map(|(i, _)| i).collect(),
        };
        let mut projection: Vec<Expr> = Vec::new();
        let mut input_names: Vec<String> = Vec::new();
        if lateral.is_some() {
            projection.extend(input.schema().columns().into_iter().map(Expr::Column));
            input_names.extend((0..passed_through).map(|i| format!("_left{i}")));
        }
        for (i, argument) in arguments.into_iter().enumerate() {
            projection.push(argument.expr.alias(crate::plan::fresh_name()));
            input_names.push(format!("_{i}"));
        }
        // The sort keys are hidden columns after the arguments (pyspark reads
        // only the arguments' columns); the rows are sorted by them.
        let mut hidden_sort = Vec::with_capacity(table_plan.sort.len());
        for (i, key) in table_plan.sort.into_iter().enumerate() {
            let hidden = crate::plan::fresh_name();
            projection.push(key.expr.clone().alias(&hidden));
            input_names.push(format!("_sort{i}"));
            hidden_sort.push(SortExpr { expr: Expr::Column(Column::new_unqualified(hidden)), ..key });
        }
        let schema = match &lateral {
            // Beside the outer columns, the function's get fresh internal
            // names carrying their Spark names and the lateral alias.
            Some(alias) => {
                let own: Fields = fields
                    .iter()
                    .map(|field| {
                        let internal = crate::plan::fresh_name();
                        let info = ColumnInfo { name: field.name().clone(), qualifier: alias.clone(), ..Default::default() };
                        self.columns.insert(internal.clone(), info);
                        Arc::new(field.as_ref().clone().with_name(internal))
                    })
                    .collect();
                input.schema().as_ref().clone().join(&DFSchema::from_unqualified_fields(own, Default::default())?)?
            }
            None => DFSchema::from_unqualified_fields(fields.clone(), Default::default())?,
        };
        let mut input = crate::plan::project_plan(input, projection)?;
        if !hidden_sort.is_empty() {
            input = LogicalPlanBuilder::from(input).sort(hidden_sort)?.build()?;
        }
        let map = MapCall {
            function,
            input_names,
            input_type_json,
            runner_conf: self.config.python_runner_conf.clone(),
            table_function: Some(table_function),
            data_source: None,
        };
        Ok(LogicalPlan::Extension(Extension { node: Arc::new(MapInPython { input, call: map, schema: Arc::new(schema) }) }))
    }

    /// A call with a table argument (`f(df.asTable())`): the table's plan
    /// (sorted by its PARTITION BY and ORDER BY expressions when it has
    /// them), the arguments planned over it, the table one being each row
    /// (or its `select`ed columns, when `analyze` chose some) as a struct
    /// with the partitioning values appended.
    fn table_argument_call(
        &mut self,
        arguments: &[connect::Expression],
        subquery: &connect::SubqueryExpression,
        select: &[SelectedColumn],
    ) -> Result<(LogicalPlan, Vec<Argument>, TableArgumentPlan)> {
        let relation = self.references.get(&subquery.plan_id).cloned().ok_or_else(|| {
            SparkError::illegal_argument(format!("table argument refers to unknown plan id {}", subquery.plan_id))
        })?;
        let table = self.plan_relation(&relation)?;
        let options = subquery.table_arg_options.clone().unwrap_or_default();
        let names = self.spark_names(&table);
        let mut fields: Vec<Expr> = Vec::new();
        if select.is_empty() {
            for (column, name) in table.schema().columns().into_iter().zip(&names) {
                fields.push(datafusion::logical_expr::lit(name.clone()));
                fields.push(Expr::Column(column));
            }
        }
        for selected in select {
            let (expr, _) = self.plan_expr(&crate::sql::parse_expression(&selected.name)?, &table)?;
            let name = if selected.alias.is_empty() { &selected.name } else { &selected.alias };
            fields.push(datafusion::logical_expr::lit(name.clone()));
            fields.push(expr);
        }
        let field_count = fields.len() / 2;
        let mut plan = TableArgumentPlan::default();
        for (i, partition) in options.partition_spec.iter().enumerate() {
            let (expr, _) = self.plan_expr(partition, &table)?;
            plan.partition_child_indexes.push(field_count + i);
            fields.push(datafusion::logical_expr::lit(format!("partition_by_{i}")));
            fields.push(expr.clone());
            plan.sort.push(expr.sort(true, true));
        }
        for order in &options.order_spec {
            plan.sort.push(self.sort_order(order, &table)?);
        }
        plan.ordered = !plan.sort.is_empty() || options.with_single_partition.unwrap_or(false);
        let row = ember_functions::constructors::named_struct(fields);
        let mut planned = Vec::with_capacity(arguments.len());
        for argument in arguments {
            let (keyword, value) = split_keyword(argument)?;
            if matches!(&value.expr_type, Some(ExprType::SubqueryExpression(_))) {
                let (_, field) = row.to_field(table.schema())?;
                planned.push(Argument { keyword, expr: row.clone(), field, table: true });
            } else {
                let (expr, _) = self.plan_expr(value, &table)?;
                let (_, field) = expr.to_field(table.schema())?;
                planned.push(Argument { keyword, expr, field, table: false });
            }
        }
        Ok((table, planned, plan))
    }

    /// A call with several table arguments (allowed by
    /// `spark.sql.tvf.allowMultipleTableArguments.enabled`): the function is
    /// called on each combination of their rows (their cross join), each
    /// table argument a row of its table.
    fn table_arguments_call(&mut self, arguments: &[connect::Expression]) -> Result<(LogicalPlan, Vec<Argument>, TableArgumentPlan)> {
        let mut joined: Option<LogicalPlan> = None;
        let mut rows: Vec<Option<Expr>> = Vec::with_capacity(arguments.len());
        for argument in arguments {
            let (_, value) = split_keyword(argument)?;
            let Some(ExprType::SubqueryExpression(subquery)) = &value.expr_type else {
                rows.push(None);
                continue;
            };
            let options = subquery.table_arg_options.clone().unwrap_or_default();
            if !options.partition_spec.is_empty() || !options.order_spec.is_empty() || options.with_single_partition.unwrap_or(false) {
                return Err(SparkError::unsupported("partitioning or ordering several table arguments"));
            }
            let relation = self.references.get(&subquery.plan_id).cloned().ok_or_else(|| {
                SparkError::illegal_argument(format!("table argument refers to unknown plan id {}", subquery.plan_id))
            })?;
            let table = self.plan_relation(&relation)?;
            // Fresh names, so that the tables' columns do not clash in the join.
            let names = self.spark_names(&table);
            let mut renamed = Vec::with_capacity(names.len());
            let mut fields = Vec::with_capacity(2 * names.len());
            for (column, name) in table.schema().columns().into_iter().zip(names) {
                let fresh = crate::plan::fresh_name();
                renamed.push(Expr::Column(column).alias(&fresh));
                fields.push(datafusion::logical_expr::lit(name));
                fields.push(Expr::Column(Column::new_unqualified(fresh)));
            }
            let table = crate::plan::project_plan(table, renamed)?;
            joined = Some(match joined {
                None => table,
                Some(left) => LogicalPlanBuilder::from(left).cross_join(table)?.build()?,
            });
            rows.push(Some(ember_functions::constructors::named_struct(fields)));
        }
        let joined = joined.ok_or_else(|| SparkError::illegal_argument("a call without table arguments"))?;
        let mut planned = Vec::with_capacity(arguments.len());
        for (argument, row) in arguments.iter().zip(rows) {
            let (keyword, value) = split_keyword(argument)?;
            let (expr, table) = match row {
                Some(row) => (row, true),
                None => (self.plan_expr(value, &joined)?.0, false),
            };
            let (_, field) = expr.to_field(joined.schema())?;
            planned.push(Argument { keyword, expr, field, table });
        }
        Ok((joined, planned, TableArgumentPlan::default()))
    }

    /// `spark.sql.tvf.allowMultipleTableArguments.enabled`.
    fn multiple_table_arguments_allowed(&self) -> bool {
        self.config.python_runner_conf.iter().any(|(k, v)| k == MULTIPLE_TABLE_ARGUMENTS && v.eq_ignore_ascii_case("true"))
    }

    /// The call's arguments planned over `input`; named ones (`a => 10`)
    /// keep their keyword.
    fn table_function_arguments(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<Vec<Argument>> {
        arguments
            .iter()
            .map(|argument| {
                let (keyword, value) = split_keyword(argument)?;
                let (expr, _) = self.plan_expr(value, input)?;
                let (_, field) = expr.to_field(input.schema())?;
                Ok(Argument { keyword, expr, field, table: false })
            })
            .collect()
    }

    /// Runs the function's `analyze` method: the values of the constant
    /// arguments are computed here, the others are described by type only.
    fn analyze_call(
        &mut self,
        function: &PythonFunction,
        arguments: &[Argument],
        input_type_json: &str,
    ) -> Result<ember_python::UdtfAnalysis> {
        let one_row = LogicalPlanBuilder::empty(true).build()?;
        let constant: Vec<bool> =
            arguments.iter().map(|a| !a.table && a.expr.column_refs().is_empty() && !a.expr.is_volatile()).collect();
        let values = arguments
            .iter()
            .zip(&constant)
            .map(|(a, constant)| if *constant { constant_value(&a.expr, &one_row) } else { Ok(new_null_array(a.field.data_type(), 1)) })
            .collect::<Result<Vec<_>>>()?;
        let described: Vec<AnalyzeArgument> = arguments
            .iter()
            .zip(constant)
            .map(|(a, constant)| AnalyzeArgument { name: a.keyword.clone(), constant: constant && !a.table, table: a.table })
            .collect();
        analyze_table_function(function, &described, &argument_values(values)?, input_type_json, &self.config.python_runner_conf)
    }
}

/// The table argument's options with the partitioning and order `analyze`
/// asked for; Spark refuses a call that partitions the table itself then.
fn analyzed_layout(
    function_name: &str,
    subquery: &connect::SubqueryExpression,
    analysis: &UdtfAnalysis,
) -> Result<connect::subquery_expression::TableArgOptions> {
    let mut options = subquery.table_arg_options.clone().unwrap_or_default();
    let partitions = analysis.with_single_partition || !analysis.partition_by.is_empty();
    if partitions {
        if options.with_single_partition.unwrap_or(false) || !options.partition_spec.is_empty() {
            let metadata = "specified its own required partitioning of the input table";
            let call = "specified the WITH SINGLE PARTITION or PARTITION BY clause; please remove these clauses and retry the query again.";
            return Err(SparkError::new(
                crate::error::ErrorKind::Analysis,
                "TABLE_VALUED_FUNCTION_REQUIRED_METADATA_INCOMPATIBLE_WITH_CALL",
                "22023",
                format!("Failed to evaluate the table function {function_name} because its table metadata {metadata}, but the function call {call}"),
                &[("functionName", function_name.to_string()), ("requestedMetadata", metadata.to_string()), ("invalidFunctionCallProperty", call.to_string())],
            ));
        }
        options.with_single_partition = Some(analysis.with_single_partition);
        options.partition_spec = analysis.partition_by.iter().map(|name| crate::sql::parse_expression(name)).collect::<Result<_>>()?;
    }
    if !analysis.order_by.is_empty() {
        use connect::expression::sort_order::{NullOrdering, SortDirection};
        options.order_spec = analysis
            .order_by
            .iter()
            .map(|column| {
                let nulls_first = column.nulls_first.unwrap_or(column.ascending);
                Ok(connect::expression::SortOrder {
                    child: Some(Box::new(crate::sql::parse_expression(&column.name)?)),
                    direction: if column.ascending { SortDirection::Ascending } else { SortDirection::Descending } as i32,
                    null_ordering: if nulls_first { NullOrdering::SortNullsFirst } else { NullOrdering::SortNullsLast } as i32,
                })
            })
            .collect::<Result<_>>()?;
    }
    Ok(options)
}

/// Whether the call is of an `arrow_udtf` (PySpark's `SQL_ARROW_UDTF`).
fn is_arrow_udtf(call: &connect::CommonInlineUserDefinedTableFunction) -> bool {
    use connect::common_inline_user_defined_table_function::Function as TableFunction;
    matches!(&call.function, Some(TableFunction::PythonUdtf(python)) if python.eval_type == 302)
}

/// An argument's keyword (`a => …`) and value expression.
fn split_keyword(argument: &connect::Expression) -> Result<(Option<String>, &connect::Expression)> {
    match &argument.expr_type {
        Some(ExprType::NamedArgumentExpression(named)) => {
            let value = named.value.as_deref().ok_or_else(|| SparkError::illegal_argument("a named argument without a value"))?;
            Ok((Some(named.key.clone()), value))
        }
        _ => Ok((None, argument)),
    }
}

/// The session setting that lets a call have several table arguments.
const MULTIPLE_TABLE_ARGUMENTS: &str = "spark.sql.tvf.allowMultipleTableArguments.enabled";

/// The call's table arguments (`df.asTable()`, `TABLE(t)`).
fn table_arguments(arguments: &[connect::Expression]) -> Result<Vec<&connect::SubqueryExpression>> {
    use connect::subquery_expression::SubqueryType;
    let mut tables = Vec::new();
    for argument in arguments {
        if let (_, connect::Expression { expr_type: Some(ExprType::SubqueryExpression(subquery)), .. }) = split_keyword(argument)? {
            if subquery.subquery_type == SubqueryType::TableArg as i32 {
                tables.push(subquery);
            }
        }
    }
    Ok(tables)
}

/// Spark's error for a call with several table arguments when they are not allowed.
fn too_many_table_arguments(count: usize) -> SparkError {
    SparkError::new(
        crate::error::ErrorKind::Analysis,
        "TABLE_VALUED_FUNCTION_TOO_MANY_TABLE_ARGUMENTS",
        "54023",
        format!("There are too many table arguments for table-valued function. It allows one table argument, but got: {count}. If you want to allow it, please set \"spark.sql.allowMultipleTableArguments.enabled\" to \"true\""),
        &[("num", count.to_string())],
    )
}

/// The value of an expression over a plan of one row and no columns.
pub(crate) fn constant_value(expr: &Expr, one_row: &LogicalPlan) -> Result<ArrayRef> {
    let empty = RecordBatch::try_new_with_options(Arc::new(Schema::empty()), vec![], &RecordBatchOptions::new().with_row_count(Some(1)))?;
    let physical = create_physical_expr(expr, one_row.schema(), &ExecutionProps::new(), &PhysicalPlanningContext::default())?;
    Ok(physical.evaluate(&empty)?.into_array(1)?)
}
