//! Spark's HLL sketch functions (`hll_sketch_agg`, `hll_union_agg`,
//! `hll_sketch_estimate`, `hll_union`): argument checks, literal parameters
//! and Spark's column names (defaults spelled out), planned onto
//! `ember_functions::sketches::hll`.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_functions::kernel_udf::KernelUdf;
use ember_functions::sketches::hll::{self, HllAggregate};
use ember_functions::sketches::{SketchAggregate, SketchKind};

use crate::call_names::call_name;
use crate::error::{ErrorKind, Result, SparkError};
use crate::input_types::unexpected_input_type;
use crate::plan::Planner;
use crate::sketch_functions::{is_binary, literal_int, not_a_literal};

/// A literal boolean parameter, `false` when absent.
fn literal_flag(arg: Option<&Expr>, function: &str, parameter: &str) -> Result<bool> {
    match arg {
        None => Ok(false),
        Some(Expr::Literal(ScalarValue::Boolean(Some(flag)), _)) => Ok(*flag),
        Some(_) => Err(not_a_literal(function, parameter)),
    }
}

impl Planner<'_> {
    /// Plans `function` (lower case) if it is an HLL sketch function; `None` leaves it to the others.
    pub(crate) fn plan_hll_function(&mut self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<Option<(Expr, String)>> {
        let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
        let mut shown = names.to_vec();
        let sketch_arg = |i: usize, name: &str| {
            if is_binary(&types[i]) { Ok(()) } else { Err(unexpected_input_type(name, i, "\"BINARY\"", &names[i], &types[i])) }
        };
        let planned = match (function, args.len()) {
            ("hll_sketch_agg", 1 | 2) => {
                let lg = match args.get(1) {
                    None => i64::from(hll::DEFAULT_LG_CONFIG_K),
                    Some(lg) => literal_int(lg).ok_or_else(|| not_a_literal(function, "lgConfigK"))?,
                };
                shown.truncate(1);
                shown.push(lg.to_string());
                let name = call_name(function, &shown);
                let accepted = matches!(types[0], DataType::Int32 | DataType::Int64 | DataType::Null | DataType::Binary | DataType::BinaryView)
                    || ember_functions::cast::is_string(&types[0]);
                if !accepted {
                    return Err(unexpected_input_type(&name, 0, "(\"INT\" or \"BIGINT\" or \"STRING\" or \"BINARY\")", &names[0], &types[0]));
                }
                if !hll::valid_lg_config_k(lg) {
                    return Err(SparkError::new(
                        ErrorKind::Runtime,
                        "HLL_INVALID_LG_K",
                        "22546",
                        format!("Invalid call to `{function}`; the `lgConfigK` value must be between 4 and 21, inclusive: {lg}."),
                        &[("function", format!("`{function}`")), ("min", "4".into()), ("max", "21".into()), ("value", lg.to_string())],
                    ));
                }
                let kind = SketchKind::Hll(HllAggregate::Build { lg_config_k: lg as u8 });
                (SketchAggregate::call("hll_sketch_agg", kind, vec![args[0].clone()]), name)
            }
            ("hll_union_agg", 1 | 2) => {
                let allow = literal_flag(args.get(1), function, "allowDifferentLgConfigK")?;
                shown.truncate(1);
                shown.push(allow.to_string());
                let name = call_name(function, &shown);
                sketch_arg(0, &name)?;
                let kind = SketchKind::Hll(HllAggregate::Union { allow_different_lg_config_k: allow });
                (SketchAggregate::call("hll_union_agg", kind, vec![args[0].clone()]), name)
            }
            ("hll_union", 2 | 3) => {
                let allow = literal_flag(args.get(2), function, "allowDifferentLgConfigK")?;
                shown.truncate(2);
                shown.push(allow.to_string());
                let name = call_name(function, &shown);
                sketch_arg(0, &name)?;
                sketch_arg(1, &name)?;
                (KernelUdf::call_null_intolerant("hll_union", DataType::Binary, hll::union, &allow.to_string(), args[..2].to_vec()), name)
            }
            ("hll_sketch_estimate", 1) => {
                let name = call_name(function, names);
                sketch_arg(0, &name)?;
                (KernelUdf::call_null_intolerant("hll_sketch_estimate", DataType::Int64, hll::estimate, "", args.to_vec()), name)
            }
            _ => return Ok(None),
        };
        Ok(Some(planned))
    }
}
