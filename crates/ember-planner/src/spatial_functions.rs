//! Plans Spark's geospatial functions: `st_geomfromwkb(wkb[, srid])`,
//! `st_geogfromwkb(wkb)`, `st_asbinary(geo[, endianness])`, `st_srid(geo)`
//! and `st_setsrid(geo, srid)`. An `INT` literal SRID fixes the result's
//! type (`GEOMETRY(4326)`) and is checked while planning; any other SRID
//! gives `GEOMETRY(ANY)`, checked row by row.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use ember_functions::cast::spark_cast;
use ember_functions::spatial;
use ember_types::spatial::{ANY_SRID, GEOGRAPHY_DEFAULT_SRID, SpatialKind, check_srid, spatial_type};

use crate::call_names::call_name;
use crate::error::Result;
use crate::functions::wrong_args;
use crate::input_types::{cannot_cast, unexpected_input_type};
use crate::plan::Planner;

/// The parameter type Spark names for a spatial argument.
const SPATIAL: &str = "(\"GEOGRAPHY\" or \"GEOMETRY\")";

impl Planner<'_> {
    /// Plans `function` if it is one of Spark's geospatial functions; `None`
    /// for other names or argument counts.
    pub(crate) fn plan_spatial_function(
        &self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let (fits, expected) = match function {
            "st_geomfromwkb" | "st_asbinary" => ((1..=2).contains(&args.len()), "[1, 2]"),
            "st_geogfromwkb" | "st_srid" => (args.len() == 1, "1"),
            "st_setsrid" => (args.len() == 2, "2"),
            _ => return Ok(None),
        };
        if !fits {
            return Err(wrong_args(function, args.len(), expected));
        }
        let mut names = names.to_vec();
        let mut args = args.to_vec();
        match (function, args.len()) {
            ("st_geomfromwkb", 1) => {
                args.push(lit(0i32));
                names.push("0".into());
            }
            ("st_asbinary", 1) => {
                args.push(lit("NDR"));
                names.push("NDR".into());
            }
            _ => {}
        }
        let sql = call_name(function, &names);
        let first = self.type_of(&args[0], input)?;
        let expr = match function {
            "st_geomfromwkb" | "st_geogfromwkb" => {
                if !matches!(first, DataType::Binary | DataType::Utf8 | DataType::Null) {
                    return Err(unexpected_input_type(&sql, 0, "\"BINARY\"", &names[0], &first));
                }
                let kind = if function == "st_geomfromwkb" { SpatialKind::Geometry } else { SpatialKind::Geography };
                let srid = args.get(1).cloned().unwrap_or(lit(GEOGRAPHY_DEFAULT_SRID));
                let (return_type, srid) = self.srid_argument(kind, srid)?;
                spatial::from_wkb(kind, return_type, args[0].clone(), srid)
            }
            "st_srid" if first == DataType::Null => datafusion::logical_expr::cast(args[0].clone(), DataType::Int32),
            "st_asbinary" if first == DataType::Null => datafusion::logical_expr::cast(args[0].clone(), DataType::Binary),
            _ => {
                let Some((kind, _)) = ember_types::spatial_of(&first) else {
                    return Err(unexpected_input_type(&sql, 0, SPATIAL, &names[0], &first));
                };
                let geo = args[0].clone();
                match function {
                    "st_srid" => spatial::srid(geo),
                    "st_asbinary" => spatial::as_binary(geo, args[1].clone()),
                    _ => {
                        let (return_type, srid) = self.srid_argument(kind, args[1].clone())?;
                        spatial::set_srid(kind, return_type, geo, srid)
                    }
                }
            }
        };
        Ok(Some((expr, sql)))
    }

    /// `DATATYPE_MISMATCH.INVALID_ORDERING_TYPE` for a comparison
    /// (`function`, e.g. `=`) of spatial values, which Spark neither
    /// compares nor orders.
    pub(crate) fn check_spatial_comparison(&self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<()> {
        if args.len() != 2 || !matches!(function, "==" | "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "<=>") {
            return Ok(());
        }
        for arg in args {
            let t = self.type_of(arg, input)?;
            if ember_types::spatial_of(&t).is_some() {
                let symbol = match function {
                    "==" => "=",
                    "<>" => "!=",
                    other => other,
                };
                let sql = format!("({} {symbol} {})", names[0], names[1]);
                return Err(crate::plan::invalid_ordering_type(&sql, symbol, &t));
            }
        }
        Ok(())
    }

    /// The result type an SRID argument gives a value of `kind` and the SRID
    /// as an `INT`: an `INT` literal is checked now and fixes the type.
    fn srid_argument(&self, kind: SpatialKind, srid: Expr) -> Result<(DataType, Expr)> {
        match &srid {
            Expr::Literal(ScalarValue::Int32(Some(value)), _) => {
                let value = check_srid(kind, i64::from(*value)).map_err(ember_errors::from_type_error)?;
                Ok((spatial_type(kind, value), srid))
            }
            _ => Ok((spatial_type(kind, ANY_SRID), spark_cast(srid, DataType::Int32, self.cast_mode()))),
        }
    }
}

/// `CAST` from or to a spatial type: a value keeps its kind's SRID or goes
/// to `ANY`, and crosses between `GEOMETRY` and `GEOGRAPHY` only with the
/// same fixed SRID; nothing else casts (`CAST_WITHOUT_SUGGESTION`). `None`
/// when neither side is spatial (or the value is an untyped NULL).
pub(crate) fn cast_spatial(expr: &Expr, source: &DataType, target: &DataType, sql: &str) -> Result<Option<Expr>> {
    let (from, to) = (ember_types::spatial_of(source), ember_types::spatial_of(target));
    if (from.is_none() && to.is_none()) || source == &DataType::Null {
        return Ok(None);
    }
    let allowed = match (from, to) {
        (Some((from_kind, from_srid)), Some((to_kind, to_srid))) if from_kind == to_kind => to_srid == from_srid || to_srid == ANY_SRID,
        (Some((_, from_srid)), Some((_, to_srid))) => from_srid == to_srid && from_srid != ANY_SRID,
        _ => false,
    };
    if !allowed {
        return Err(cannot_cast(sql, source, target));
    }
    Ok(Some(if source == target { expr.clone() } else { spatial::retag(expr.clone(), target.clone()) }))
}
