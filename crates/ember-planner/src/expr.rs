//! Expressions: Spark Connect `Expression` messages to DataFusion `Expr`s,
//! each with the output name Spark would give it.

use datafusion::arrow::datatypes::{DataType, Field};
use std::sync::Arc;

use datafusion::common::{Column, ScalarValue};
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::logical_expr::expr::{Exists, InSubquery};
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan, Subquery, lit};
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::{ErrorKind, Result, SparkError};
use ember_functions::cast::{CastMode, spark_cast, spark_cast_in_units};
use ember_functions::kernel_udf::KernelUdf;
use ember_functions::ml_vectors::{is_known_jvm_udt, udt_to_string};
use ember_types::{IntervalFields, UserDefinedType};

use crate::names::{same_name, split_name_parts};
use crate::plan::Planner;
use crate::spatial_functions::cast_spatial;

impl Planner<'_> {
    /// Plans an item of a select list; a star expands to several columns.
    pub(crate) fn plan_select_item(
        &mut self,
        expression: &connect::Expression,
        input: &LogicalPlan,
    ) -> Result<Vec<(Expr, String, bool)>> {
        match &expression.expr_type {
            Some(ExprType::UnresolvedStar(star)) => Ok(self
                .expand_star(star.unparsed_target.as_deref(), star.plan_id, input)?
                .into_iter()
                .map(|(e, n)| (e, n, false))
                .collect()),
            Some(ExprType::UnresolvedRegex(regex)) => {
                Ok(self.expand_column_regex(regex, input)?.into_iter().map(|(e, n)| (e, n, false)).collect())
            }
            Some(ExprType::ExpressionString(s)) => {
                let parsed = crate::sql::parse_select_item(&s.expression)?;
                self.plan_select_item(&parsed, input)
            }
            Some(ExprType::UnresolvedFunction(f)) if f.function_name == crate::sql::STAR_EXCEPT => self.star_except(&f.arguments, input),
            _ => {
                let (expr, name) = self.plan_expr(expression, input)?;
                let generated = gets_generated_alias(expression) || casts_nested_field(expression, &expr);
                Ok(vec![(expr, name, generated)])
            }
        }
    }

    /// `* EXCEPT (a, s.f, …)`: the star's columns but those named; a struct
    /// column some of whose fields are named is rebuilt without them.
    fn star_except(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<Vec<(Expr, String, bool)>> {
        let (star, left_out) = arguments.split_first().ok_or_else(|| SparkError::internal("EXCEPT without a star"))?;
        let mut paths: Vec<(Expr, Vec<String>)> = Vec::new();
        for column in left_out {
            let (mut base, mut fields) = (self.plan_expr(column, input)?.0, Vec::new());
            while let Some((of, field)) = nested_field(&base) {
                fields.insert(0, field.to_string());
                base = of.clone();
            }
            paths.push((base, fields));
        }
        let overlapping = paths.iter().enumerate().any(|(i, (base, fields))| {
            paths.iter().enumerate().any(|(j, (other, other_fields))| i != j && base == other && other_fields.starts_with(fields))
        });
        if overlapping {
            let names: Vec<String> = left_out
                .iter()
                .map(|c| match &c.expr_type {
                    Some(ExprType::UnresolvedAttribute(a)) => split_name_parts(&a.unparsed_identifier).join("."),
                    _ => String::new(),
                })
                .collect();
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "EXCEPT_OVERLAPPING_COLUMNS",
                "42702",
                format!("Columns in an EXCEPT list must be distinct and non-overlapping, but got ({}).", names.join(", ")),
                &[("columns", names.join(", "))],
            ));
        }
        let mut kept = Vec::new();
        for (column, name, generated) in self.plan_select_item(star, input)? {
            let left_out_fields: Vec<&[String]> = paths.iter().filter(|(base, _)| *base == column).map(|(_, fields)| fields.as_slice()).collect();
            if left_out_fields.iter().any(|fields| fields.is_empty()) {
                continue;
            }
            let column = if left_out_fields.is_empty() {
                column
            } else {
                let data_type = self.type_of(&column, input)?;
                without_fields(column, &data_type, &left_out_fields)
            };
            kept.push((column, name, generated));
        }
        Ok(kept)
    }

    fn expand_star(&mut self, target: Option<&str>, plan_id: Option<i64>, input: &LogicalPlan) -> Result<Vec<(Expr, String)>> {
        let qualifier = target.map(|t| t.trim_end_matches(".*").to_string());
        let mut out = Vec::new();
        let mut depths = Vec::new();
        // A USING join's hidden side keys are part of `t.*` and `df["*"]`, first, as in Spark.
        let (side_keys, visible): (Vec<_>, Vec<_>) = input.schema().fields().iter().partition(|f| self.hidden_columns.contains(f.name()));
        let side_keys = if qualifier.is_some() || plan_id.is_some() { side_keys } else { Vec::new() };
        for field in side_keys.into_iter().chain(visible) {
            let info = self.info(field.name());
            if let Some(id) = plan_id {
                // A key a USING join merged away stands for `df`'s key.
                let merged_key = self.using_key_plan_ids.get(field.name()).is_some_and(|ids| ids.contains(&id));
                if !info.plan_ids.contains(&id) && !merged_key {
                    continue;
                }
                // Side keys did not pass through the relations above their join: no depth.
                let side_key = self.hidden_columns.contains(field.name());
                depths.push(if info.plan_ids.contains(&id) && !side_key { self.plan_id_depth(field.name(), id) } else { 0 });
            }
            if let Some(q) = &qualifier {
                let matches = info.qualifier.as_deref().is_some_and(|iq| same_name(iq, q, self.config.case_sensitive));
                if !matches {
                    continue;
                }
                if self.hidden_columns.contains(field.name()) {
                    self.side_keys_read_by_name.insert(field.name().clone());
                }
            }
            out.push((Expr::Column(Column::new_unqualified(field.name())), info.name));
        }
        if let Some(id) = plan_id {
            // Of a DataFrame met on both sides of a join, the relation
            // nearest the input; the same relation on both sides is ambiguous.
            let nearest = depths.iter().copied().filter(|d| *d > 0).min().unwrap_or(0);
            out = out.into_iter().zip(depths).filter(|(_, d)| *d == 0 || *d == nearest).map(|(c, _)| c).collect();
            let expected = self.plan_outputs.get(&id).map_or(1, Vec::len);
            if out.len() > expected {
                return Err(ambiguous_dataframe_column("unresolveddataframestar()"));
            }
            // `df["*"]` needs every column of `df` still in the input.
            if out.len() < expected && !input.schema().fields().is_empty() {
                return Err(crate::reshape::dataframe_column_error("unresolveddataframestar()"));
            }
        }
        if out.is_empty() {
            if let Some(q) = qualifier {
                if let Some(fields) = self.expand_struct_star(&q, input)? {
                    return Ok(fields);
                }
                // `t.*` of an enclosing query (`SELECT t1.*, t2.* FROM t2` in a lateral subquery).
                if let Some(outer) = self.outer_inputs.last().cloned() {
                    for (qualifier, field) in outer.schema().iter() {
                        let info = self.info(field.name());
                        if info.qualifier.as_deref().is_some_and(|iq| same_name(iq, &q, self.config.case_sensitive)) {
                            let column = Column::new(qualifier.cloned(), field.name());
                            out.push((Expr::OuterReferenceColumn(Arc::clone(field), column), info.name));
                        }
                    }
                    if !out.is_empty() {
                        return Ok(out);
                    }
                }
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "CANNOT_RESOLVE_STAR_EXPAND",
                    "42704",
                    format!("Cannot resolve `{q}`.* given input columns {}.", self.spark_names(input).join(", ")),
                    &[("targetString", format!("`{q}`")), ("columns", self.spark_names(input).join(", "))],
                ));
            }
        }
        Ok(out)
    }

    /// `s.*` where `s` is no relation's name but a column (or nested field):
    /// the fields of the struct it holds; `None` when it is no column either.
    fn expand_struct_star(&mut self, target: &str, input: &LogicalPlan) -> Result<Option<Vec<(Expr, String)>>> {
        let Ok((expr, _)) = self.resolve_column_name(target, None, input) else { return Ok(None) };
        match self.type_of(&expr, input)? {
            DataType::Struct(fields) => Ok(Some(
                fields.iter().map(|f| (datafusion::functions::core::expr_fn::get_field(expr.clone(), f.name().as_str()), f.name().clone())).collect(),
            )),
            _ => {
                let parts = format!("List({})", split_name_parts(target).join(", "));
                Err(SparkError::new(
                    ErrorKind::Analysis,
                    "_LEGACY_ERROR_TEMP_1050",
                    "",
                    format!("Can only star expand struct data types. Attribute: `{parts}`."),
                    &[("attributes", parts)],
                ))
            }
        }
    }

    /// Plans an expression over `input`; returns it with Spark's name for it.
    pub(crate) fn plan_expr(&mut self, expression: &connect::Expression, input: &LogicalPlan) -> Result<(Expr, String)> {
        self.expression_depth += 1;
        let planned = self.plan_expr_with_origin(expression, input);
        self.expression_depth -= 1;
        planned
    }

    fn plan_expr_with_origin(&mut self, expression: &connect::Expression, input: &LogicalPlan) -> Result<(Expr, String)> {
        let Some(context) = crate::expression_origins::origin_context(expression) else {
            return self.plan_expr_in_context(expression, input);
        };
        // Errors found while planning name the expression's origin; those
        // it may raise while running are attached once the query fails.
        let planned = self.plan_expr_in_context(expression, input).map_err(|e| e.with_query_context(&context))?;
        self.expression_origins.note(context, expression);
        Ok(planned)
    }

    fn plan_expr_in_context(&mut self, expression: &connect::Expression, input: &LogicalPlan) -> Result<(Expr, String)> {
        let expr_type = expression
            .expr_type
            .as_ref()
            .ok_or_else(|| SparkError::illegal_argument("expression without a type"))?;
        match expr_type {
            ExprType::Literal(literal) => {
                let (value, name) = crate::literal::literal_to_scalar(literal, &self.config.time_zone)?;
                Ok((Expr::Literal(value, crate::literal::literal_metadata(literal)), name))
            }
            ExprType::UnresolvedAttribute(attr) => self.resolve_column_name(&attr.unparsed_identifier, attr.plan_id, input),
            ExprType::UnresolvedNamedLambdaVariable(variable) => self
                .resolve_lambda_variable(&variable.name_parts.join("."), input)?
                .ok_or_else(|| SparkError::unresolved_column(&variable.name_parts.join("."), &[])),
            ExprType::Alias(alias) => {
                let inner = alias.expr.as_deref().ok_or_else(|| SparkError::illegal_argument("alias without an expression"))?;
                let (expr, _) = self.plan_expr(inner, input)?;
                if alias.name.len() != 1 {
                    return Err(SparkError::unsupported("multi-part aliases"));
                }
                Ok((crate::column_metadata::with_spark_metadata(expr, alias.metadata.as_deref()), alias.name[0].clone()))
            }
            ExprType::ExpressionString(s) => {
                let parsed = crate::sql::parse_expression(&s.expression)?;
                self.plan_expr(&parsed, input)
            }
            ExprType::Cast(c) => self.plan_cast(c, input),
            ExprType::UnresolvedFunction(f) => {
                // SQL resolves these names in the function registries only (its calls say `is_internal: false`).
                if f.is_internal.is_none() {
                    crate::functions::reject_partition_transform(&f.function_name, &f.arguments, self.catalog)?;
                }
                self.plan_function(&f.function_name, &f.arguments, f.is_distinct, input)
            }
            ExprType::CallFunction(f) => self.plan_function(&f.function_name, &f.arguments, false, input),
            ExprType::UnresolvedExtractValue(extract) => {
                let child = extract.child.as_deref().ok_or_else(|| SparkError::illegal_argument("extract without a child"))?;
                let extraction =
                    extract.extraction.as_deref().ok_or_else(|| SparkError::illegal_argument("extract without a key"))?;
                let (base, base_name) = self.plan_expr(child, input)?;
                let (key, key_name) = self.plan_expr(extraction, input)?;
                self.extract_value(base, &base_name, key, &key_name, input)
            }
            ExprType::UnresolvedStar(_) => Err(invalid_star_usage("expression")),
            ExprType::SubqueryExpression(subquery) => self.plan_subquery(subquery, input),
            ExprType::Window(window) => self.plan_window(window, input),
            ExprType::CommonInlineUserDefinedFunction(udf) => self.plan_inline_udf(udf, input),
            ExprType::UpdateFields(update) => self.plan_update_fields(update, input),
            ExprType::SortOrder(order) => {
                let child = order.child.as_deref().ok_or_else(|| SparkError::illegal_argument("sort order without a child"))?;
                self.plan_expr(child, input)
            }
            other => {
                let debug = format!("{other:?}");
                Err(SparkError::unsupported(format!("expression {}", debug.split('(').next().unwrap_or("unknown"))))
            }
        }
    }

    /// Resolves a (possibly qualified, possibly nested) column name.
    pub(crate) fn resolve_column_name(&mut self, name: &str, plan_id: Option<i64>, input: &LogicalPlan) -> Result<(Expr, String)> {
        if let Some(variable) = self.resolve_lambda_variable(name, input)? {
            return Ok(variable);
        }
        let parts = split_name_parts(name);
        let case_sensitive = self.config.case_sensitive;
        // (internal name, number of name parts consumed); the second pass
        // (`hidden`) looks at USING join keys: by DataFrame, the keys the join
        // merged away; by name, the side keys a select picked.
        let matching = |hidden: bool| {
            let mut candidates: Vec<(String, usize)> = Vec::new();
            for field in input.schema().fields() {
                let info = self.info(field.name());
                let qualified = parts.len() >= 2
                    && info.qualifier.as_deref().is_some_and(|q| same_name(q, &parts[0], case_sensitive))
                    && same_name(&info.name, &parts[1], case_sensitive);
                let side_key = self.hidden_columns.contains(field.name());
                let by_name_hidden = side_key || (!hidden && self.hidden_columns_by_name.contains(field.name()));
                // A USING join's hidden side key answers its qualified name.
                if plan_id.is_none() && by_name_hidden && !(side_key && qualified) {
                    continue;
                }
                if let Some(id) = plan_id {
                    let ids = if hidden { self.using_key_plan_ids.get(field.name()) } else { Some(&info.plan_ids) };
                    let through_join = !hidden && side_key && qualified && self.hidden_by_join_of(field.name(), id);
                    if !ids.is_some_and(|ids| ids.contains(&id)) && !through_join {
                        continue;
                    }
                }
                if qualified {
                    candidates.push((field.name().clone(), 2));
                } else if same_name(&info.name, &parts[0], case_sensitive) {
                    candidates.push((field.name().clone(), 1));
                }
            }
            candidates
        };
        let mut candidates = matching(false);
        if candidates.is_empty() {
            candidates = matching(true);
        }
        if let (true, Some(id)) = (candidates.len() > 1, plan_id) {
            // A DataFrame met on both sides of a self-join: as Spark does,
            // take the columns of its relation nearest the input.
            let depths: Vec<usize> = candidates.iter().map(|(c, _)| self.plan_id_depth(c, id)).collect();
            let nearest = depths.iter().copied().min().unwrap_or(0);
            candidates = candidates.into_iter().zip(depths).filter(|(_, d)| *d == nearest).map(|(c, _)| c).collect();
        }
        // Prefer a qualified match over a struct-field reading of the same name.
        if candidates.iter().any(|(_, used)| *used == 2) {
            candidates.retain(|(_, used)| *used == 2);
        }
        let foreign = |id: &i64| self.zipped_plan_ids.contains(id) || !self.plan_outputs.contains_key(id);
        if candidates.is_empty() && plan_id.as_ref().is_some_and(foreign) {
            return Err(crate::reshape::dataframe_column_error(name));
        }
        if let (true, Some(id)) = (candidates.is_empty(), plan_id) {
            // The DataFrame is in the query but its column is not in this
            // input: strict resolution fails unless an enclosing query has
            // it; lenient resolution falls back to the name.
            let in_outer_query = self.outer_inputs.iter().any(|outer| self.carries_plan_id(outer, id));
            if self.config.strict_dataframe_columns && !in_outer_query {
                return Err(crate::reshape::dataframe_column_error(name));
            }
            return self.resolve_column_name(name, None, input).map_err(|e| {
                if e.error_class.starts_with("UNRESOLVED_COLUMN") { crate::reshape::dataframe_column_error(name) } else { e }
            });
        }
        if candidates.is_empty() {
            if let Some(outer) = self.resolve_outer_column(name)? {
                return Ok(outer);
            }
        }
        match candidates.len() {
            0 => {
                let names = self.spark_names(input);
                Err(SparkError::unresolved_column(name, &suggestions(name, &names)))
            }
            1 => {
                let (internal, used) = candidates.remove(0);
                if used == 2 && self.hidden_columns.contains(&internal) {
                    self.side_keys_read_by_name.insert(internal.clone());
                }
                let mut expr = Expr::Column(Column::new_unqualified(&internal));
                let mut out_name = parts[used - 1].clone();
                for field in &parts[used..] {
                    expr = self.struct_field(expr, field, input)?;
                    out_name = field.clone();
                }
                Ok((expr, out_name))
            }
            _ => Err(SparkError::new(
                ErrorKind::Analysis,
                "AMBIGUOUS_REFERENCE",
                "42704",
                format!(
                    "Reference {} is ambiguous, could be: [{}].",
                    crate::error::quote_name_parts(name),
                    candidates.iter().map(|(c, _)| self.display_column(c)).collect::<Vec<_>>().join(", ")
                ),
                &[
                    ("name", crate::error::quote_name_parts(name)),
                    (
                        "referenceNames",
                        format!("[{}]", candidates.iter().map(|(c, _)| self.display_column(c)).collect::<Vec<_>>().join(", ")),
                    ),
                ],
            )),
        }
    }

    /// How many relations up from the relation with plan id `id` a column
    /// has passed through (its plan ids are listed innermost first).
    fn plan_id_depth(&self, internal: &str, id: i64) -> usize {
        let ids = self.info(internal).plan_ids;
        ids.iter().position(|i| *i == id).map_or(usize::MAX, |at| ids.len() - at)
    }

    /// Whether a column of `plan` comes from the DataFrame with plan id `id`.
    fn carries_plan_id(&self, plan: &LogicalPlan, id: i64) -> bool {
        plan.schema().fields().iter().any(|f| self.info(f.name()).plan_ids.contains(&id))
    }

    /// Resolves `name` in the inputs of the enclosing queries, innermost
    /// first, as a correlated (outer) reference.
    fn resolve_outer_column(&mut self, name: &str) -> Result<Option<(Expr, String)>> {
        let Some(outer) = self.outer_inputs.pop() else { return Ok(None) };
        let resolved = self.resolve_column_name(name, None, &outer);
        self.outer_inputs.push(outer.clone());
        let Ok((expr, out_name)) = resolved else { return Ok(None) };
        let outer_reference = expr.transform(|e| {
            Ok(match e {
                Expr::Column(column) => {
                    let field = outer.schema().field_with_unqualified_name(&column.name)?;
                    Transformed::yes(Expr::OuterReferenceColumn(Arc::clone(field), column))
                }
                other => Transformed::no(other),
            })
        })?;
        Ok(Some((outer_reference.data, out_name)))
    }

    /// A scalar, `EXISTS` or `IN` subquery over a relation of `WithRelations`.
    fn plan_subquery(&mut self, subquery: &connect::SubqueryExpression, input: &LogicalPlan) -> Result<(Expr, String)> {
        use connect::subquery_expression::SubqueryType;
        let relation = self.references.get(&subquery.plan_id).cloned().ok_or_else(|| {
            SparkError::illegal_argument(format!("subquery refers to unknown plan id {}", subquery.plan_id))
        })?;
        self.outer_inputs.push(input.clone());
        let planned = self.plan_relation(&relation);
        self.outer_inputs.pop();
        let mut plan = planned?;
        if SubqueryType::try_from(subquery.subquery_type) == Ok(SubqueryType::Scalar) {
            // Spark's scalar subquery is nullable: no row gives NULL.
            let columns = plan.schema().columns().into_iter().map(|c| crate::nullable::as_nullable(Expr::Column(c.clone())).alias(c.name));
            plan = crate::plan::project_plan(plan, columns.collect())?;
            let correlated = !plan.all_out_ref_exprs().is_empty();
            plan = crate::scalar_subquery::at_most_one_row(plan, correlated)?;
        }
        let outer_ref_columns = plan.all_out_ref_exprs();
        let plan_subquery = Subquery { subquery: Arc::new(plan), outer_ref_columns, spans: Default::default() };
        match SubqueryType::try_from(subquery.subquery_type).unwrap_or(SubqueryType::Unknown) {
            SubqueryType::Scalar => Ok((Expr::ScalarSubquery(plan_subquery), "scalarsubquery()".to_string())),
            SubqueryType::Exists => Ok((Expr::Exists(Exists::new(plan_subquery, false)), "exists()".to_string())),
            SubqueryType::In => {
                let [value] = subquery.in_subquery_values.as_slice() else {
                    return Err(SparkError::unsupported("IN subqueries of several values"));
                };
                let (value, value_name) = self.plan_expr(value, input)?;
                let expr = Expr::InSubquery(InSubquery::new(Box::new(value), plan_subquery, false));
                Ok((expr, format!("({value_name} IN (listquery()))")))
            }
            other => Err(SparkError::unsupported(format!("{} subqueries", other.as_str_name()))),
        }
    }

    fn display_column(&self, internal: &str) -> String {
        let info = self.info(internal);
        match info.qualifier {
            Some(q) => format!("`{q}`.`{}`", info.name),
            None => format!("`{}`", info.name),
        }
    }

    /// Spark's name for a reference to a nested field inside a larger
    /// expression: its whole path (`st.d`), where the field selected on its
    /// own is named after itself alone; `None` when `expr` is no field of a
    /// column.
    pub(crate) fn field_path(&self, expr: &Expr) -> Option<String> {
        let (base, field) = nested_field(expr)?;
        let base = match base {
            Expr::Column(c) => self.info(&c.name).name,
            nested => self.field_path(nested)?,
        };
        Some(format!("{base}.{field}"))
    }

    pub(crate) fn struct_field(&self, base: Expr, field: &str, input: &LogicalPlan) -> Result<Expr> {
        match self.type_of(&base, input)? {
            DataType::Struct(fields) => {
                let found = fields
                    .iter()
                    .find(|f| same_name(f.name(), field, self.config.case_sensitive))
                    .ok_or_else(|| crate::update_fields::field_not_found(field, &fields))?;
                Ok(datafusion::functions::core::expr_fn::get_field(base, found.name().as_str()))
            }
            other => {
                // Spark names the value it cannot read a field of (`"x"`, `"x.z"`).
                let base = match &base {
                    Expr::Column(c) => self.info(&c.name).name,
                    nested => self.field_path(nested).unwrap_or_else(|| field.to_string()),
                };
                let other = ember_types::simple_string(&other).to_uppercase();
                Err(SparkError::new(
                    ErrorKind::Analysis,
                    "INVALID_EXTRACT_BASE_FIELD_TYPE",
                    "42000",
                    format!("Can't extract a value from \"{base}\". Need a complex type [STRUCT, ARRAY, MAP] but got \"{other}\"."),
                    &[("base", format!("\"{base}\"")), ("other", format!("\"{other}\""))],
                ))
            }
        }
    }

    fn extract_value(&mut self, base: Expr, base_name: &str, key: Expr, key_name: &str, input: &LogicalPlan) -> Result<(Expr, String)> {
        let name = format!("{base_name}[{key_name}]");
        match self.type_of(&base, input)? {
            DataType::Struct(_) => {
                let Expr::Literal(value, _) = &key else {
                    return Err(SparkError::illegal_argument("struct fields are extracted by name"));
                };
                // Spark names an extracted field after its whole path (`s.y.z`).
                let field = value.to_string();
                Ok((self.struct_field(base, &field, input)?, format!("{base_name}.{field}")))
            }
            DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => {
                let access = ember_functions::collections::ElementAccess::Subscript { ansi: self.config.ansi };
                Ok((self.element_access(access, base, key, input)?, name))
            }
            map_type @ DataType::Map(..) => Ok((crate::collection_functions::map_value(base, key, &map_type), name)),
            _ => Err(SparkError::new(
                ErrorKind::Analysis,
                "INVALID_EXTRACT_BASE_FIELD_TYPE",
                "42000",
                format!("Can't extract a value from {base_name}. Need a complex type [STRUCT, ARRAY, MAP]."),
                &[("base", format!("\"{base_name}\""))],
            )),
        }
    }

    fn plan_cast(&mut self, c: &connect::expression::Cast, input: &LogicalPlan) -> Result<(Expr, String)> {
        use connect::expression::cast::{CastToType, EvalMode};
        let child = c.expr.as_deref().ok_or_else(|| SparkError::illegal_argument("cast without an expression"))?;
        let (expr, name) = self.plan_expr(child, input)?;
        let tz = &self.config.time_zone;
        // The target as a protocol type, which keeps an ANSI interval's units (`interval hour`).
        let target_proto = match &c.cast_to_type {
            Some(CastToType::Type(t)) => t.clone(),
            Some(CastToType::TypeStr(s)) => ember_types::parse_ddl_type_proto(s, tz).map_err(crate::error::from_type_error)?,
            None => return Err(SparkError::illegal_argument("cast without a target type")),
        };
        let target = self.type_from_proto(&target_proto)?;
        let target_units = ember_types::interval_fields_of(&target_proto);
        let target_sql = match ember_functions::interval_casts::IntervalType::of(&target, target_units) {
            Some(interval) => interval.sql_name(),
            None => ember_types::simple_string(&target).to_uppercase(),
        };
        let mode = match EvalMode::try_from(c.eval_mode).unwrap_or(EvalMode::Unspecified) {
            EvalMode::Try => CastMode::Try,
            EvalMode::Ansi => CastMode::Ansi,
            EvalMode::Legacy => CastMode::Legacy,
            EvalMode::Unspecified if self.config.ansi => CastMode::Ansi,
            EvalMode::Unspecified => CastMode::Legacy,
        };
        let cast = if mode == CastMode::Try { "TRY_CAST" } else { "CAST" };
        let out_name = match (&child.expr_type, sql_timestamp_literal(c)) {
            // Spark names a relation's own cast of a column after the column.
            (Some(ExprType::UnresolvedAttribute(_)), _) if self.field_path(&expr).is_none() && self.expression_depth == 1 => name.clone(),
            (Some(ExprType::UnresolvedAttribute(_)), _) => {
                let path = self.field_path(&expr).unwrap_or_else(|| name.clone());
                format!("{cast}({path} AS {target_sql})")
            }
            (_, Some(wall_clock)) => crate::literal::timestamp_literal_name(wall_clock, &self.config.time_zone),
            _ => format!("{cast}({name} AS {target_sql})"),
        };
        let target_udt = match &c.cast_to_type {
            Some(CastToType::Type(t)) => UserDefinedType::of_proto(Some(t)),
            _ => None,
        };
        let (_, source_field) = expr.to_field(input.schema())?;
        if let Some(planned) = cast_udt(&expr, &source_field, target_udt.as_ref(), &target, &name, mode)? {
            return Ok((planned, out_name));
        }
        let source = self.type_of(&expr, input)?;
        // Spark names a cast of a variant to an array, map or struct after the variant.
        let variant_name = if matches!(target, DataType::List(_) | DataType::Map(..) | DataType::Struct(_)) { &name } else { &out_name };
        if let Some(planned) = self.cast_variant(&expr, &target, mode, variant_name, input)? {
            return Ok((planned, variant_name.clone()));
        }
        if let Some(planned) = self.cast_to_variant(&expr, &source, &target, &out_name)? {
            return Ok((planned, out_name));
        }
        if let Some(planned) = cast_spatial(&expr, &source, &target, &out_name)? {
            return Ok((planned, out_name));
        }
        // Spark names a cast to a nested type by its input alone.
        let rejected_sql = if is_nested(&target) { name.clone() } else { format!("{cast}({name} AS {target_sql})") };
        if ember_functions::interval_casts::can_cast(&source, &target) == Some(false) {
            let quoted = |text: String| format!("\"{text}\"");
            let target_text = if is_nested(&target) { ember_types::sql_string(&target) } else { target_sql };
            return Err(crate::input_types::cannot_cast_text(&rejected_sql, quoted(ember_types::field_sql_string(&source_field)), quoted(target_text)));
        }
        if let Some(rejection) = cast_rejection(&source, &target, mode) {
            return Err(crate::input_types::rejected_cast(&rejected_sql, &source, &target, rejection));
        }
        if !ntz_cast_allowed(&source, &target) {
            // Spark names the cast itself, or only its input when the types are nested.
            let sql = match (&source, &target) {
                (DataType::Timestamp(_, None), _) | (_, DataType::Timestamp(_, None)) => {
                    format!("{cast}({name} AS {})", ember_types::sql_string(&target))
                }
                _ => name,
            };
            return Err(crate::input_types::cannot_cast(&sql, &source, &target));
        }
        let target_fields = ember_functions::interval_casts::IntervalType::of(&target, target_units).map(|t| t.fields);
        let planned = match expr {
            // A cast of an integral literal is no literal to Spark's decimal arithmetic,
            // which types it by its type rather than its digits (`CAST(1 AS INT) * 1.5`).
            Expr::Literal(..) if source == target && ember_functions::cast::is_integral(&target) => Expr::Cast(datafusion::logical_expr::Cast::new(Box::new(expr), target)),
            expr if source == target && IntervalFields::of(&source_field) == target_fields => expr,
            expr => spark_cast_in_units(expr, target, target_units, mode),
        };
        Ok((planned, out_name))
    }
}

fn is_nested(t: &DataType) -> bool {
    matches!(t, DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_))
}

/// How Spark's analyzer words a cast it rejects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CastRejection {
    /// `CAST_WITHOUT_SUGGESTION`.
    Plain,
    /// `CAST_WITH_CONF_SUGGESTION`: only the legacy (non-ANSI) cast has it.
    LegacyOnly,
    /// `CAST_WITH_FUNC_SUGGESTION`: the function that converts instead.
    UseFunction(&'static str),
}

/// Spark's check of a cast from `source` to `target` evaluated in `mode`:
/// why it is rejected, or `None` when Spark has it. ANSI and `TRY` casts
/// have no casts of dates to booleans or numbers, of booleans to and from
/// timestamps, nor of integers to binaries; no cast has numbers or booleans
/// to dates.
pub(crate) fn cast_rejection(source: &DataType, target: &DataType, mode: CastMode) -> Option<CastRejection> {
    let numeric = ember_functions::cast::is_numeric;
    let zoned = |t: &DataType| matches!(t, DataType::Timestamp(_, Some(_)));
    let legacy = spark_casts_between(source, target) && !((numeric(source) || *source == DataType::Boolean) && *target == DataType::Date32);
    let legacy_only = (*source == DataType::Date32 && (numeric(target) || *target == DataType::Boolean))
        || (zoned(source) && *target == DataType::Boolean)
        || (*source == DataType::Boolean && zoned(target))
        || (ember_functions::cast::is_integral(source) && *target == DataType::Binary);
    match mode {
        CastMode::Legacy if legacy => None,
        CastMode::Legacy => Some(CastRejection::Plain),
        _ if legacy && !legacy_only => None,
        _ if numeric(source) && *target == DataType::Date32 => Some(CastRejection::UseFunction("`DATE_FROM_UNIX_DATE`")),
        _ if *source == DataType::Date32 && numeric(target) => Some(CastRejection::UseFunction("`UNIX_DATE`")),
        CastMode::Ansi if legacy => Some(CastRejection::LegacyOnly),
        _ => Some(CastRejection::Plain),
    }
}

/// Whether Spark has a cast between the kinds of `source` and `target` as far
/// as nested values and binaries go: a nested value casts to STRING or a
/// value of its own kind only (anything to and from a VARIANT), a binary to
/// no number, boolean or datetime, and no such value but an integer to a binary.
fn spark_casts_between(source: &DataType, target: &DataType) -> bool {
    let binary = |t: &DataType| matches!(t, DataType::Binary | DataType::LargeBinary | DataType::BinaryView);
    let number_or_datetime = |t: &DataType| t.is_numeric() || matches!(t, DataType::Boolean | DataType::Date32 | DataType::Timestamp(..));
    let same_kind = matches!(
        (source, target),
        (DataType::List(_) | DataType::LargeList(_), DataType::List(_) | DataType::LargeList(_)) | (DataType::Map(..), DataType::Map(..)) | (DataType::Struct(_), DataType::Struct(_))
    );
    let variant = |t: &DataType| matches!(t, DataType::Struct(fields) if ember_types::is_variant_fields(fields));
    if source == &DataType::Null || same_kind || variant(source) || variant(target) {
        return true;
    }
    if is_nested(source) {
        return ember_functions::cast::is_string(target);
    }
    if is_nested(target) {
        return false;
    }
    !(binary(source) && number_or_datetime(target)) && !(binary(target) && number_or_datetime(source) && !ember_functions::cast::is_integral(source))
}

/// Whether Spark casts `source` to `target` as far as `TIMESTAMP_NTZ` goes:
/// one comes only from text, dates, timestamps and times (or NULL) and goes
/// only to those (and to variants, planned before); arrays, maps and structs
/// cast element by element.
fn ntz_cast_allowed(source: &DataType, target: &DataType) -> bool {
    let is_ntz = |t: &DataType| matches!(t, DataType::Timestamp(_, None));
    let is_datetime_or_text = |t: &DataType| ember_functions::cast::is_string(t) || matches!(t, DataType::Date32 | DataType::Timestamp(..) | DataType::Time64(_));
    match (source, target) {
        (DataType::Null, _) => true,
        (s, t) if is_ntz(s) || is_ntz(t) => s == t || (is_datetime_or_text(s) && is_datetime_or_text(t)),
        (DataType::List(s) | DataType::LargeList(s), DataType::List(t) | DataType::LargeList(t)) => ntz_cast_allowed(s.data_type(), t.data_type()),
        (DataType::Map(s, _), DataType::Map(t, _)) => ntz_cast_allowed(s.data_type(), t.data_type()),
        (DataType::Struct(s), DataType::Struct(t)) => s.len() != t.len() || s.iter().zip(t.iter()).all(|(s, t)| ntz_cast_allowed(s.data_type(), t.data_type())),
        _ => true,
    }
}

/// A cast from or to a UDT as Spark allows them: to the same UDT (nothing
/// to do) or to STRING (the text of the UDT's JVM class when Ember knows it,
/// else its SQL type's); others fail. `None` when neither side is a UDT.
fn cast_udt(expr: &Expr, source: &Field, target_udt: Option<&UserDefinedType>, target: &DataType, name: &str, mode: CastMode) -> Result<Option<Expr>> {
    let source_udt = UserDefinedType::of(source);
    match (source_udt, target_udt) {
        (None, None) => Ok(None),
        (Some(from), Some(to)) if (&from.class, &from.py_class) == (&to.class, &to.py_class) => Ok(Some(expr.clone())),
        (Some(from), None) if *target == DataType::Utf8 => Ok(Some(match from.class.as_deref().filter(|class| is_known_jvm_udt(class)) {
            Some(class) => KernelUdf::call("udt_to_string", DataType::Utf8, udt_to_string, class, vec![expr.clone()]),
            None => spark_cast(expr.clone(), DataType::Utf8, mode),
        })),
        (from, to) => {
            let text = |udt: bool, dt: &DataType| match (udt, ember_types::sql_string(dt)) {
                (true, sql) => format!("UDT(\"{sql}\")"),
                (false, sql) => format!("\"{sql}\""),
            };
            let sql = if to.is_some() { format!("CAST({name} AS {})", ember_types::sql_string(target)) } else { name.to_string() };
            Err(crate::input_types::cannot_cast_text(&sql, text(from.is_some(), source.data_type()), text(to.is_some(), target)))
        }
    }
}

/// `[INVALID_USAGE_OF_STAR_OR_REGEX]`: a star where `context` (Spark's
/// pretty name of the expression or operator) takes none.
pub(crate) fn invalid_star_usage(context: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "INVALID_USAGE_OF_STAR_OR_REGEX",
        "42000",
        format!("Invalid usage of '*' in {context}."),
        &[("elem", "'*'".to_string()), ("prettyName", context.to_string())],
    )
}

/// The struct `value` of type `data_type` rebuilt without the nested fields
/// at `paths` (each a field name, then the names within it).
fn without_fields(value: Expr, data_type: &DataType, paths: &[&[String]]) -> Expr {
    let DataType::Struct(fields) = data_type else { return value };
    let mut arguments = Vec::new();
    for field in fields {
        let within: Vec<&[String]> = paths.iter().filter(|p| p.first() == Some(field.name())).map(|p| &p[1..]).collect();
        if within.iter().any(|rest| rest.is_empty()) {
            continue;
        }
        let read = datafusion::functions::core::expr_fn::get_field(value.clone(), field.name().as_str());
        arguments.push(lit(field.name().as_str()));
        arguments.push(if within.is_empty() { read } else { without_fields(read, field.data_type(), &within) });
    }
    if arguments.is_empty() {
        let empty = datafusion::arrow::array::StructArray::new_empty_fields(1, None);
        return lit(ScalarValue::Struct(Arc::new(empty)));
    }
    ember_functions::constructors::named_struct(arguments)
}

/// The struct and the field name of a field access planned by
/// [`Planner::struct_field`].
pub(crate) fn nested_field(expr: &Expr) -> Option<(&Expr, &str)> {
    match expr {
        Expr::ScalarFunction(f) if f.func.name() == "get_field" => match f.args.as_slice() {
            [base, Expr::Literal(datafusion::common::ScalarValue::Utf8(Some(field)), _)] => Some((base, field.as_str())),
            _ => None,
        },
        _ => None,
    }
}

/// The wall-clock time of SQL's `TIMESTAMP '…'` when `cast` is how the SQL
/// parser writes it: an ANSI cast of a TIMESTAMP_NTZ literal to the
/// TIMESTAMP proto type.
fn sql_timestamp_literal(cast: &connect::expression::Cast) -> Option<i64> {
    use connect::expression::cast::{CastToType, EvalMode};
    use connect::expression::literal::LiteralType;
    let to_timestamp = matches!(&cast.cast_to_type, Some(CastToType::Type(connect::DataType { kind: Some(connect::data_type::Kind::Timestamp(_)) })));
    if !to_timestamp || cast.eval_mode != EvalMode::Ansi as i32 {
        return None;
    }
    match cast.expr.as_deref().and_then(|e| e.expr_type.as_ref()) {
        Some(ExprType::Literal(connect::expression::Literal { literal_type: Some(LiteralType::TimestampNtz(micros)), .. })) => Some(*micros),
        _ => None,
    }
}

/// `AMBIGUOUS_COLUMN_REFERENCE`: a reference to a DataFrame that a join met
/// on both of its sides.
fn ambiguous_dataframe_column(name: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "AMBIGUOUS_COLUMN_REFERENCE",
        "42702",
        format!(
            "Column \"{name}\" is ambiguous. It's because you joined several DataFrame together, and some of these DataFrames are the same. This column points to one of the DataFrames but Spark is unable to figure out which one. Please alias the DataFrames with different names via `DataFrame.alias` before joining them, and specify the column using qualified name, e.g. `df.alias(\"a\").join(df.alias(\"b\"), col(\"a.id\") > col(\"b.id\"))`."
        ),
        &[("name", format!("\"{name}\""))],
    )
}

/// Whether Spark names this unaliased select item itself and marks the name
/// with `__autoGeneratedAlias` (its `ResolveAliases` rule): everything but
/// columns, literals, field or element extraction from columns, and casts of
/// columns.
pub(crate) fn gets_generated_alias(expression: &connect::Expression) -> bool {
    fn extracts_from_column(e: &connect::Expression) -> bool {
        match &e.expr_type {
            Some(ExprType::UnresolvedAttribute(_)) => true,
            Some(ExprType::UnresolvedExtractValue(x)) => x.child.as_deref().is_some_and(extracts_from_column),
            _ => false,
        }
    }
    match &expression.expr_type {
        Some(ExprType::Alias(_) | ExprType::Literal(_) | ExprType::UnresolvedStar(_) | ExprType::UnresolvedRegex(_)) => false,
        Some(ExprType::Cast(c)) => {
            sql_timestamp_literal(c).is_none() && !c.expr.as_deref().is_some_and(|e| matches!(e.expr_type, Some(ExprType::UnresolvedAttribute(_))))
        }
        // Spark's `ResolveWindowTime` names `window_time(w)` itself.
        Some(ExprType::UnresolvedFunction(f)) if f.function_name.eq_ignore_ascii_case("window_time") => false,
        _ => !extracts_from_column(expression),
    }
}

/// Whether `expression` is a cast of a column reference that `planned`
/// reads a nested field for: Spark names it after the cast and marks the
/// name as generated, unlike a cast of a column.
fn casts_nested_field(expression: &connect::Expression, planned: &Expr) -> bool {
    let Some(ExprType::Cast(c)) = &expression.expr_type else { return false };
    let of_attribute = c.expr.as_deref().is_some_and(|e| matches!(e.expr_type, Some(ExprType::UnresolvedAttribute(_))));
    let cast_child = match planned {
        Expr::ScalarFunction(f) => f.args.first().unwrap_or(planned),
        other => other,
    };
    of_attribute && (nested_field(planned).is_some() || nested_field(cast_child).is_some())
}

/// Spark's proposal list: close candidates (edit distance within
/// [`SUGGESTION_DISTANCE`]) first, by distance, then the rest in schema order.
pub fn suggestions(name: &str, candidates: &[String]) -> Vec<String> {
    let target = split_name_parts(name).pop().unwrap_or_default();
    let mut scored: Vec<(usize, &String)> = candidates
        .iter()
        .map(|c| {
            let distance = levenshtein(&target, c);
            (if distance <= SUGGESTION_DISTANCE { distance } else { usize::MAX }, c)
        })
        .collect();
    scored.sort_by_key(|(d, _)| *d);
    scored.into_iter().take(5).map(|(_, c)| c.clone()).collect()
}

/// Edit distance beyond which Spark ranks candidates no closer than others.
const SUGGESTION_DISTANCE: usize = 2;

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_ordered_by_similarity() {
        let names = vec!["alpha".to_string(), "beta".to_string(), "alps".to_string()];
        assert_eq!(suggestions("alp", &names), vec!["alps", "alpha", "beta"]);
        let names = vec!["id".to_string(), "name".to_string(), "value".to_string()];
        assert_eq!(suggestions("valu", &names), vec!["value", "id", "name"]);
    }
}
