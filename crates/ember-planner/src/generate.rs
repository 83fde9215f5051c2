//! Spark's generators in a select list: `explode` and `explode_outer` of an
//! array (one row per element, column `col`) or a map (one row per entry,
//! columns `key` and `value`), planned as DataFusion's unnest.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, ScalarValue, UnnestOptions};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit, when};
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::{Result, SparkError};
use crate::plan::{ColumnInfo, Planner, fresh_name, project_plan};

/// A generator call among select items: its name, argument and aliases.
fn generator_call(item: &connect::Expression) -> Option<(&str, &connect::Expression, Vec<String>)> {
    match item.expr_type.as_ref()? {
        ExprType::Alias(alias) => {
            let (name, argument, _) = generator_call(alias.expr.as_deref()?)?;
            Some((name, argument, alias.name.clone()))
        }
        ExprType::UnresolvedFunction(f) if matches!(f.function_name.to_lowercase().as_str(), "explode" | "explode_outer") => {
            let [argument] = f.arguments.as_slice() else { return None };
            let name = if f.function_name.eq_ignore_ascii_case("explode") { "explode" } else { "explode_outer" };
            Some((name, argument, vec![]))
        }
        _ => None,
    }
}

impl Planner<'_> {
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
        let Some(position) = items.iter().position(|item| generator_call(item).is_some()) else {
            return Ok(None);
        };
        let (function, argument, aliases) = generator_call(&items[position]).unwrap_or_else(|| unreachable!("found"));
        let (collection, _) = self.plan_expr(argument, input)?;
        let collection_type = self.type_of(&collection, input)?;
        let (mut generated, outputs, nullable) = match &collection_type {
            DataType::List(element) | DataType::LargeList(element) => (collection, vec!["col"], vec![element.is_nullable()]),
            DataType::Map(entries, _) => {
                let value_nullable = match entries.data_type() {
                    DataType::Struct(fields) => fields.get(1).is_none_or(|f| f.is_nullable()),
                    _ => true,
                };
                let entries = datafusion::functions_nested::expr_fn::map_entries(collection);
                (entries, vec!["key", "value"], vec![false, value_nullable])
            }
            other => {
                return Err(SparkError::unsupported(format!(
                    "{function} of {}",
                    ember_types::simple_string(other)
                )));
            }
        };
        let names: Vec<String> = if aliases.is_empty() { outputs.iter().map(|s| s.to_string()).collect() } else { aliases };
        if names.len() != outputs.len() {
            return Err(SparkError::illegal_argument(format!(
                "{function} gives {} columns but {} aliases were given",
                outputs.len(),
                names.len()
            )));
        }
        let outer = function == "explode_outer";
        if outer {
            // Spark's outer explode gives one NULL row for an empty collection too.
            let list_type = self.type_of(&generated, input)?;
            let empty = datafusion::functions_nested::expr_fn::cardinality(generated.clone()).eq(lit(0u64));
            generated = when(empty, Expr::Literal(ScalarValue::try_from(&list_type)?, None)).otherwise(generated)?;
        }
        let element = fresh_name();
        let mut columns: Vec<Expr> = input.schema().fields().iter().map(|f| Expr::Column(Column::new_unqualified(f.name()))).collect();
        columns.push(generated.alias(&element));
        let unnested = LogicalPlanBuilder::from(project_plan(input.clone(), columns)?)
            .unnest_column_with_options(Column::new_unqualified(&element), UnnestOptions::new().with_preserve_nulls(outer))?
            .build()?;
        let element = Expr::Column(Column::new_unqualified(&element));
        let mut generated_columns: Vec<Expr> = if outputs.len() == 1 {
            vec![element]
        } else {
            outputs.iter().map(|field| datafusion::functions::core::expr_fn::get_field(element.clone(), *field)).collect()
        };
        // Elements that cannot be NULL give a non-nullable column (not so for
        // an outer explode); the COALESCE only tells DataFusion so.
        for (column, nullable) in generated_columns.iter_mut().zip(nullable) {
            if !outer && !nullable {
                let default = ScalarValue::new_default(&self.type_of(column, &unnested)?)?;
                *column = datafusion::functions::core::expr_fn::coalesce(vec![column.clone(), lit(default)]);
            }
        }
        let mut exprs = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if i == position {
                for (expr, name) in generated_columns.iter().zip(&names) {
                    let internal = fresh_name();
                    self.columns.insert(internal.clone(), ColumnInfo { name: name.clone(), ..Default::default() });
                    exprs.push(expr.clone().alias(internal));
                }
                continue;
            }
            for (expr, name, generated_name) in self.plan_select_item(item, &unnested)? {
                let internal = fresh_name();
                self.columns.insert(internal.clone(), ColumnInfo { name, generated_name, ..Default::default() });
                exprs.push(expr.alias(internal));
            }
        }
        Ok(Some(project_plan(unnested, exprs)?))
    }
}
