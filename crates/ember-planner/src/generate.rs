//! Spark's generators in a select list: `explode`, `explode_outer`,
//! `posexplode` and `posexplode_outer` of an array (one row per element,
//! columns `pos` and `col`) or a map (one row per entry, `pos`, `key` and
//! `value`), and `inline`/`inline_outer` of an array of structs (one column
//! per field), planned as DataFusion's unnest (positions as a parallel list).
//! `stack` and `json_tuple` build their rows as an array of structs and are
//! inlined the same way (see [`crate::generator_rows`]).

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Column, ScalarValue, UnnestOptions};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, cast, lit, when};
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::{Result, SparkError};
use crate::plan::{ColumnInfo, Planner, fresh_name, project_plan};

/// The generators, in a select list and as table-valued functions.
pub(crate) const GENERATORS: [&str; 10] = [
    "explode",
    "explode_outer",
    "posexplode",
    "posexplode_outer",
    "inline",
    "inline_outer",
    "stack",
    "json_tuple",
    "variant_explode",
    "variant_explode_outer",
];

/// Generators of several arguments whose rows are built as structs.
const TABULATED: [&str; 2] = ["stack", "json_tuple"];

/// `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE` for `explode`/`posexplode` of
/// no array or map, `inline` of no array of structs (`_outer` forms alike).
fn check_generated_type(function: &str, argument: &str, input: &DataType, inline: bool) -> Result<()> {
    let fits = match input {
        DataType::List(element) | DataType::LargeList(element) => !inline || matches!(element.data_type(), DataType::Struct(_)),
        DataType::Map(..) => !inline,
        _ => false,
    };
    if fits {
        return Ok(());
    }
    let required = if inline { "\"ARRAY<STRUCT>\"" } else { "(\"ARRAY\" or \"MAP\")" };
    let sql = format!("\"{}({argument})\"", function.trim_end_matches("_outer"));
    let input_type = format!("\"{}\"", ember_types::sql_string(input));
    Err(SparkError::new(
        crate::error::ErrorKind::Analysis,
        "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
        "42K09",
        format!("Cannot resolve {sql} due to data type mismatch: The first parameter requires the {required} type, however \"{argument}\" has the type {input_type}."),
        &[("sqlExpr", sql.clone()), ("paramIndex", "first".to_string()), ("requiredType", required.to_string()), ("inputSql", format!("\"{argument}\"")), ("inputType", input_type)],
    ))
}

fn not_generable(function: &str, input: &DataType) -> SparkError {
    SparkError::unsupported(format!("{function} of {}", ember_types::simple_string(input)))
}

/// The alias metadata marking a generator of `LATERAL VIEW generator(…) view`.
const LATERAL_VIEW_PREFIX: &str = "{\"ember.lateralView\":\"";

/// The metadata of a generator's alias naming its lateral view, whose name
/// qualifies the generated columns (`t.x`).
pub(crate) fn lateral_view_metadata(view: &str) -> String {
    format!("{LATERAL_VIEW_PREFIX}{}\"}}", view.replace(['"', '\\'], ""))
}

/// The lateral view named by a generator alias's metadata.
fn lateral_view_name(metadata: Option<&String>) -> Option<String> {
    metadata?.strip_prefix(LATERAL_VIEW_PREFIX)?.strip_suffix("\"}").map(str::to_string)
}

/// A generator call among select items: its name, arguments and aliases.
fn generator_call(item: &connect::Expression) -> Option<(&str, &[connect::Expression], Vec<String>)> {
    match item.expr_type.as_ref()? {
        ExprType::Alias(alias) => {
            let (name, arguments, _) = generator_call(alias.expr.as_deref()?)?;
            Some((name, arguments, alias.name.clone()))
        }
        ExprType::UnresolvedFunction(f) => {
            let name = GENERATORS.iter().find(|g| f.function_name.eq_ignore_ascii_case(g))?;
            if !TABULATED.contains(name) && f.arguments.len() != 1 {
                return None;
            }
            Some((name, f.arguments.as_slice(), vec![]))
        }
        _ => None,
    }
}

/// Whether `item` calls a generator (possibly under an alias).
pub(crate) fn is_generator_call(item: &connect::Expression) -> bool {
    generator_call(item).is_some()
}

impl Planner<'_> {
    /// `withColumn(name, explode(…))` adding a new column: the input's
    /// columns beside the generated one, as `select("*", explode(…).alias(name))`.
    pub(crate) fn with_generated_column(
        &mut self,
        input: &LogicalPlan,
        aliases: &[connect::expression::Alias],
    ) -> Result<Option<LogicalPlan>> {
        let [alias] = aliases else { return Ok(None) };
        let item = connect::Expression { common: None, expr_type: Some(ExprType::Alias(Box::new(alias.clone()))) };
        let name = alias.name.first().cloned().unwrap_or_default();
        let exists = input.schema().fields().iter().any(|f| self.info(f.name()).name.eq_ignore_ascii_case(&name));
        if generator_call(&item).is_none() || exists {
            return Ok(None);
        }
        let star = connect::Expression {
            common: None,
            expr_type: Some(ExprType::UnresolvedStar(connect::expression::UnresolvedStar::default())),
        };
        self.project_with_generator(input, &[star, item])
    }

    /// Plans a select list holding a generator; `None` when it holds none.
    pub(crate) fn project_with_generator(
        &mut self,
        input: &LogicalPlan,
        expressions: &[connect::Expression],
    ) -> Result<Option<LogicalPlan>> {
        let items = expressions
            .iter()
            .map(|e| match &e.expr_type {
                Some(ExprType::ExpressionString(s)) => crate::sql::parse_select_item(&s.expression),
                _ => Ok(e.clone()),
            })
            .collect::<Result<Vec<_>>>()?;
        let positions: Vec<usize> = items.iter().enumerate().filter(|(_, item)| generator_call(item).is_some()).map(|(i, _)| i).collect();
        if positions.is_empty() {
            return Ok(None);
        }
        // Several generators multiply: each one's rows for every row of the
        // ones before it, as Spark nests one Generate per generator.
        let mut unnested = input.clone();
        let mut generated = Vec::with_capacity(positions.len());
        for &position in &positions {
            let (plan, columns) = self.generate(unnested, input, &items[position])?;
            unnested = plan;
            generated.push(columns);
        }
        // The other items see the input's columns (a `*` must not expand to
        // the unnested lists); they are computed over the unnested rows.
        let input_columns = input.schema().fields().iter().map(|f| Expr::Column(Column::new_unqualified(f.name()))).collect();
        let visible = project_plan(unnested.clone(), input_columns)?;
        let mut generated = generated.into_iter();
        let mut exprs = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if positions.contains(&i) {
                let GeneratedColumns { columns, names, view } = generated.next().unwrap_or_else(|| unreachable!("one per generator"));
                for (expr, name) in columns.into_iter().zip(names) {
                    let internal = fresh_name();
                    self.columns.insert(internal.clone(), ColumnInfo { name, qualifier: view.clone(), ..Default::default() });
                    exprs.push(expr.alias(internal));
                }
                continue;
            }
            for (expr, name, generated_name) in self.plan_select_item(item, &visible)? {
                let internal = fresh_name();
                self.columns.insert(internal.clone(), ColumnInfo { name, generated_name, ..Default::default() });
                exprs.push(expr.alias(internal));
            }
        }
        Ok(Some(project_plan(unnested, exprs)?))
    }

    /// Unnests the generator `item` (planned over `input`) beside the columns
    /// of `current`, which holds `input`'s columns and earlier generators'.
    fn generate(&mut self, current: LogicalPlan, input: &LogicalPlan, item: &connect::Expression) -> Result<(LogicalPlan, GeneratedColumns)> {
        let (function, arguments, aliases) = generator_call(item).ok_or_else(|| SparkError::internal("not a generator"))?;
        let view = match &item.expr_type {
            Some(ExprType::Alias(alias)) => lateral_view_name(alias.metadata.as_ref()),
            _ => None,
        };
        let tabulated = match function {
            "stack" => Some(self.stack_rows(arguments, input)?),
            "json_tuple" => Some(self.json_tuple_rows(arguments, input)?),
            _ => None,
        };
        let (collection, argument_name) = match &tabulated {
            Some(rows) => (rows.clone(), String::new()),
            None => self.plan_expr(&arguments[0], input)?,
        };
        let variant_explode = function.starts_with("variant_explode");
        let collection = if variant_explode { self.variant_explode_rows(function, collection, &argument_name, input)? } else { collection };
        let collection_type = self.type_of(&collection, input)?;
        let inline = function.starts_with("inline") || variant_explode || tabulated.is_some();
        if tabulated.is_none() && !variant_explode {
            check_generated_type(function, &argument_name, &collection_type, inline)?;
        }
        // The units of the ANSI intervals each generated column holds: DataFusion's
        // unnesting and map entries do not carry them, so the collection is
        // generated without them and its columns typed with them again below.
        let output_units = match &collection_type {
            DataType::List(element) if inline => ember_functions::interval_fields::nested_interval_fields(element.data_type()),
            other => ember_functions::interval_fields::nested_interval_fields(other),
        };
        // The types of the generated columns with the units of intervals nested deeper.
        let output_types = match &collection_type {
            DataType::List(element) | DataType::LargeList(element) if inline => match element.data_type() {
                DataType::Struct(fields) => fields.iter().map(|f| f.data_type().clone()).collect(),
                _ => Vec::new(),
            },
            DataType::List(element) | DataType::LargeList(element) => vec![element.data_type().clone()],
            DataType::Map(entries, _) => match entries.data_type() {
                DataType::Struct(pair) => pair.iter().map(|f| f.data_type().clone()).collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let plain_type = ember_functions::interval_fields::without_nested_interval_units(&collection_type);
        let (collection, collection_type) = if plain_type == collection_type {
            (collection, collection_type)
        } else {
            (ember_functions::interval_fields::with_nested_type(collection, &collection_type, plain_type.clone()), plain_type)
        };
        // The generated columns, whether each may be NULL, and whether they
        // are fields of each element (map entries, inlined structs).
        let element_nullable = match &collection_type {
            DataType::List(element) | DataType::LargeList(element) => element.is_nullable(),
            _ => false,
        };
        let (mut generated, mut outputs, mut nullable, fields) = match &collection_type {
            DataType::List(element) if tabulated.is_some() => match element.data_type() {
                // Spark's stack and json_tuple columns are all nullable.
                DataType::Struct(struct_fields) => {
                    let names = struct_fields.iter().map(|f| f.name().clone()).collect();
                    (collection, names, vec![true; struct_fields.len()], true)
                }
                other => return Err(not_generable(function, other)),
            },
            DataType::List(element) | DataType::LargeList(element) if inline => match element.data_type() {
                DataType::Struct(struct_fields) => {
                    let names = struct_fields.iter().map(|f| f.name().clone()).collect();
                    let nullable = struct_fields.iter().map(|f| f.is_nullable() || element.is_nullable()).collect();
                    (collection, names, nullable, true)
                }
                other => return Err(not_generable(function, other)),
            },
            DataType::List(element) | DataType::LargeList(element) => {
                (collection, vec!["col".to_string()], vec![element.is_nullable()], false)
            }
            DataType::Map(entries, sorted) if !inline => {
                let value_nullable = match entries.data_type() {
                    DataType::Struct(fields) => fields.get(1).is_none_or(|f| f.is_nullable()),
                    _ => true,
                };
                let entries = ember_functions::map_entries::map_entries(collection, &DataType::Map(entries.clone(), *sorted))
                    .ok_or_else(|| not_generable(function, &DataType::Map(entries.clone(), *sorted)))?;
                (entries, vec!["key".to_string(), "value".to_string()], vec![false, value_nullable], true)
            }
            other => return Err(not_generable(function, other)),
        };
        let with_position = function.starts_with("pos");
        if with_position {
            outputs.insert(0, "pos".to_string());
            nullable.insert(0, false);
        }
        let names: Vec<String> = if aliases.is_empty() { outputs.clone() } else { aliases };
        if names.len() != outputs.len() {
            return Err(SparkError::new(
                crate::error::ErrorKind::Analysis,
                "UDTF_ALIAS_NUMBER_MISMATCH",
                "42802",
                "The number of aliases supplied in the AS clause does not match the number of columns output by the UDTF.",
                &[("aliasesSize", outputs.len().to_string()), ("aliasesNames", names.join(","))],
            ));
        }
        let outer = function.ends_with("_outer");
        if outer {
            // Spark's outer explode gives one NULL row for an empty collection too.
            let list_type = self.type_of(&generated, input)?;
            let empty = datafusion::functions_nested::expr_fn::cardinality(generated.clone()).eq(lit(0u64));
            generated = when(empty, Expr::Literal(ScalarValue::try_from(&list_type)?, None)).otherwise(generated)?;
        }
        let (element, positions_name) = (fresh_name(), fresh_name());
        let mut columns: Vec<Expr> = current.schema().fields().iter().map(|f| Expr::Column(Column::new_unqualified(f.name()))).collect();
        let mut unnest = vec![Column::new_unqualified(&element)];
        if with_position {
            // Positions 0..n as a list unnested beside the elements.
            let count = cast(datafusion::functions_nested::expr_fn::cardinality(generated.clone()), DataType::Int64);
            let positions = datafusion::functions_nested::expr_fn::range(lit(0i64), count, lit(1i64));
            let int_list = DataType::List(Arc::new(Field::new("item", DataType::Int32, true)));
            columns.push(cast(positions, int_list).alias(&positions_name));
            unnest.push(Column::new_unqualified(&positions_name));
        }
        columns.push(generated.alias(&element));
        let unnested = LogicalPlanBuilder::from(project_plan(current, columns)?)
            .unnest_columns_with_options(unnest, UnnestOptions::new().with_preserve_nulls(outer))?
            .build()?;
        let element = Expr::Column(Column::new_unqualified(&element));
        let mut generated_columns: Vec<Expr> = if fields {
            let names = &outputs[usize::from(with_position)..];
            let mut columns = Vec::with_capacity(names.len());
            for field in names {
                let value = datafusion::functions::core::expr_fn::get_field(element.clone(), field.as_str());
                // A NULL struct element inlines to NULL fields (get_field
                // would read the struct's hidden child values).
                columns.push(if element_nullable {
                    let null = ScalarValue::try_from(&self.type_of(&value, &unnested)?)?;
                    when(element.clone().is_null(), Expr::Literal(null, None)).otherwise(value)?
                } else {
                    value
                });
            }
            columns
        } else {
            vec![element]
        };
        if with_position {
            generated_columns.insert(0, Expr::Column(Column::new_unqualified(&positions_name)));
        }
        // Elements that cannot be NULL give a non-nullable column (not so for
        // an outer explode); the COALESCE only tells DataFusion so.
        for (column, nullable) in generated_columns.iter_mut().zip(nullable) {
            if !outer && !nullable {
                let column_type = self.type_of(column, &unnested)?;
                *column = if holds_map(&column_type) {
                    // DataFusion's default map value is not a valid map.
                    crate::nullable::as_non_nullable(column.clone())
                } else {
                    datafusion::functions::core::expr_fn::coalesce(vec![column.clone(), lit(ScalarValue::new_default(&column_type)?)])
                };
            }
        }
        let unit_columns = generated_columns.iter_mut().skip(usize::from(with_position));
        for ((column, units), model) in unit_columns.zip(&output_units).zip(&output_types) {
            if let Some(units) = units {
                *column = ember_functions::interval_fields::with_interval_fields(column.clone(), *units);
            }
            let column_type = self.type_of(column, &unnested)?;
            if let Some(typed) = ember_functions::interval_fields::with_units_of_model(&column_type, model).filter(|t| *t != column_type) {
                *column = ember_functions::interval_fields::with_nested_type(column.clone(), &column_type, typed);
            }
        }
        Ok((unnested, GeneratedColumns { columns: generated_columns, names, view }))
    }
}

/// The columns one generator adds, their names and their lateral view.
struct GeneratedColumns {
    columns: Vec<Expr>,
    names: Vec<String>,
    view: Option<String>,
}

impl Planner<'_> {
    /// `withColumns` with a generator among the new columns: a select of the
    /// input's columns (replaced ones in place) and the new ones after them.
    pub(crate) fn with_generated_columns(
        &mut self,
        input: LogicalPlan,
        aliases: &[connect::expression::Alias],
    ) -> Result<LogicalPlan> {
        let named = |alias: &connect::expression::Alias| alias.name.first().cloned().unwrap_or_default();
        let aliased = |alias: &connect::expression::Alias| connect::Expression {
            expr_type: Some(ExprType::Alias(Box::new(alias.clone()))),
            ..Default::default()
        };
        let case_sensitive = self.config.case_sensitive;
        let same = |a: &str, b: &str| if case_sensitive { a == b } else { a.eq_ignore_ascii_case(b) };
        let mut used = vec![false; aliases.len()];
        let mut items = Vec::new();
        for field in input.schema().fields() {
            let name = self.info(field.name()).name;
            match aliases.iter().position(|a| same(&named(a), &name)) {
                Some(i) => {
                    used[i] = true;
                    items.push(aliased(&aliases[i]));
                }
                None => items.push(connect::Expression {
                    expr_type: Some(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
                        unparsed_identifier: format!("`{}`", name.replace('`', "``")),
                        ..Default::default()
                    })),
                    ..Default::default()
                }),
            }
        }
        items.extend(aliases.iter().zip(&used).filter(|(_, used)| !**used).map(|(a, _)| aliased(a)));
        self.project_with_generator(&input, &items)?
            .ok_or_else(|| SparkError::internal("withColumns lost its generator"))
    }
}

/// Whether `data_type` is or holds a map (at any depth), which Spark can
/// neither order nor hash by default.
pub(crate) fn holds_map(data_type: &DataType) -> bool {
    match data_type {
        DataType::Map(..) => true,
        DataType::List(element) | DataType::LargeList(element) | DataType::FixedSizeList(element, _) | DataType::ListView(element) | DataType::LargeListView(element) => {
            holds_map(element.data_type())
        }
        DataType::Struct(fields) => fields.iter().any(|f| holds_map(f.data_type())),
        _ => false,
    }
}
