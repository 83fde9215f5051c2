//! Spark aggregates Ember composes from DataFusion's `array_agg`:
//! `max_by`/`min_by` with a count `k`, `collect_union`, and `listagg`/
//! `string_agg` of DISTINCT or BINARY values; and `collect_list`/
//! `collect_set` (also as `array_agg`) typed as Spark types them.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::ScalarValue;
use datafusion::functions_nested::expr_fn::{array_distinct, array_slice, array_to_string, flatten};
use datafusion::logical_expr::expr::{AggregateFunction, Sort};
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan, cast, lit, when};
use ember_functions::binary_join::join_binary;
use ember_functions::kernel_udf::KernelUdf;
use ember_types::UserDefinedType;

use crate::call_names::call_name;
use crate::error::Result;
use crate::plan::Planner;

/// `array_agg(value ORDER BY order) FILTER (WHERE filter)`.
fn array_agg(value: Expr, filter: Expr, order_by: Vec<Sort>) -> Expr {
    let udaf = datafusion::functions_aggregate::array_agg::array_agg_udaf();
    Expr::AggregateFunction(AggregateFunction::new_udf(udaf, vec![value], false, Some(Box::new(filter)), order_by, None))
}

/// A list that is never NULL (empty instead) and, where DataFusion can
/// cast so, typed without NULL elements: Spark's type of collected values.
fn non_null_list(list: Expr, element: &DataType) -> Expr {
    let empty = lit(ScalarValue::List(ScalarValue::new_list(&[], element, false)));
    let list = datafusion::functions::expr_fn::coalesce(vec![list, empty]);
    if element.is_nested() { list } else { cast(list, DataType::List(Arc::new(Field::new_list_field(element.clone(), false)))) }
}

fn is_binary(t: &DataType) -> bool {
    matches!(t, DataType::Binary | DataType::LargeBinary | DataType::BinaryView)
}

impl Planner<'_> {
    /// `list` (the non-NULL values of `element`) with the UDT `element`
    /// holds kept on its elements, as Spark types `collect_list` of a UDT.
    fn keep_element_udt(&self, list: Expr, element: &Expr, input: &LogicalPlan) -> Result<Expr> {
        let (_, field) = element.to_field(input.schema())?;
        let Some(udt) = UserDefinedType::of(&field) else { return Ok(list) };
        Ok(cast(list, DataType::List(Arc::new(udt.tag(Field::new_list_field(field.data_type().clone(), false))))))
    }

    /// Plans `function` (lower case) if it is one of this module's forms; `None` leaves it to the others.
    pub(crate) fn plan_array_aggregate(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        distinct: bool,
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let arg = |i: usize| args[i].clone();
        match (function, args.len(), distinct) {
            ("max_by" | "min_by", 3, false) => {
                let order = vec![Sort::new(arg(1), function == "min_by", false)];
                let top = array_agg(arg(0), arg(1).is_not_null(), order);
                let expr = array_slice(top, lit(1i64), cast(arg(2), DataType::Int64), None);
                Ok(Some((expr, call_name(function, names))))
            }
            ("collect_union", 1, false) => {
                let DataType::List(field) = self.type_of(&args[0], input)? else { return Ok(None) };
                let united = array_distinct(flatten(array_agg(arg(0), arg(0).is_not_null(), vec![])));
                let (compact, _) = self.call_registered("array_compact", vec![united], names, false, input)?;
                let expr = non_null_list(compact, field.data_type());
                Ok(Some((expr, call_name(function, names))))
            }
            ("collect_union respect nulls", 1, false) => {
                // NULL elements are kept (once), NULL arrays still skipped.
                let DataType::List(_) = self.type_of(&args[0], input)? else { return Ok(None) };
                let united = array_distinct(flatten(array_agg(arg(0), arg(0).is_not_null(), vec![])));
                Ok(Some((united, format!("{} RESPECT NULLS", call_name("collect_union", names)))))
            }
            ("collect_list" | "array_agg" | "collect_set", 1, _) => {
                let registered = if function == "collect_set" { "collect_set" } else { "collect_list" };
                let element = self.type_of(&args[0], input)?;
                // Untyped NULLs are collected as (skipped) NULL integers, giving empty arrays of VOID.
                let value = if element == DataType::Null { cast(arg(0), DataType::Int32) } else { arg(0) };
                let collected = if registered == "collect_set" {
                    ember_functions::collect_set::CollectSet::call(value)
                } else {
                    self.call_registered(registered, vec![value], names, distinct, input)?.0
                };
                let name = if distinct { format!("{registered}(DISTINCT {})", names[0]) } else { call_name(registered, names) };
                let list = match element {
                    // Always empty; the aggregate stays in the expression so that the query still aggregates.
                    DataType::Null => {
                        let empty = lit(ScalarValue::List(ScalarValue::new_list(&[], &DataType::Null, false)));
                        when(collected.is_null(), empty.clone()).otherwise(empty)?
                    }
                    _ => self.keep_element_udt(non_null_list(collected, &element), &args[0], input)?,
                };
                Ok(Some((list, name)))
            }
            ("listagg" | "string_agg", 1 | 2, _) => {
                let binary = is_binary(&self.type_of(&args[0], input)?);
                if !distinct && !binary {
                    return Ok(None);
                }
                let separator = args.get(1).cloned().unwrap_or_else(|| lit(ScalarValue::Utf8(None)));
                let value = if binary { arg(0) } else { cast(arg(0), DataType::Utf8) };
                let mut values = array_agg(value, arg(0).is_not_null(), vec![]);
                if distinct {
                    values = array_distinct(values);
                }
                let expr = if binary {
                    let separator = cast(separator, DataType::Binary);
                    KernelUdf::call("listagg", DataType::Binary, join_binary, "", vec![values, separator])
                } else {
                    let separator = datafusion::functions::expr_fn::coalesce(vec![cast(separator, DataType::Utf8), lit("")]);
                    array_to_string(values, separator)
                };
                let separator_name = names.get(1).map_or("NULL", String::as_str);
                let prefix = if distinct { "DISTINCT " } else { "" };
                Ok(Some((expr, format!("{function}({prefix}{}, {separator_name})", names[0]))))
            }
            _ => Ok(None),
        }
    }
}
