//! The values `format_string`/`printf` hand to Java's `Formatter` in Spark
//! are its internal ones: a DATE is its day number, a TIMESTAMP its
//! microseconds, a DECIMAL its text, a NULL prints `null`. With a constant
//! format, a DOUBLE taken by `%s` prints as Java prints it (`1.0E10`) and one
//! taken by `%f` rounds its shortest digits half up, and a value its
//! conversion does not take (`%d` of a DOUBLE) fails as in Java. Arrays,
//! maps, structs and binaries print as Spark's internal objects do.

use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, LogicalPlan, cast};
use ember_functions::cast::{CastMode, spark_cast};
use ember_functions::java_format::{conversion_mismatch, half_up, internal_text, java_class, specifiers, takes};

use crate::error::Result;
use crate::plan::Planner;

impl Planner<'_> {
    /// Rewrites the value arguments of a `format_string` call (`args[0]` is
    /// the format) to what Spark formats.
    pub(crate) fn java_format_arguments(&self, args: &mut [Expr], input: &LogicalPlan) -> Result<()> {
        let Some((format, values)) = args.split_first_mut() else { return Ok(()) };
        let specifiers = crate::functions::folded_string(format).flatten().and_then(|f| specifiers(&f)).unwrap_or_default();
        for (index, value) in values.iter_mut().enumerate() {
            let conversions: Vec<_> = specifiers.iter().filter(|s| s.argument == index).collect();
            let only = |wanted: &[char]| !conversions.is_empty() && conversions.iter().all(|s| wanted.contains(&s.conversion));
            let data_type = self.type_of(value, input)?;
            if let Some(refused) = conversions.iter().find(|s| !takes(s.conversion, &data_type)) {
                let message = format!("{} != {}", refused.reported(), java_class(&data_type));
                *value = conversion_mismatch(value.clone(), &message);
                continue;
            }
            *value = match data_type {
                DataType::Null => cast(value.clone(), DataType::Int64),
                DataType::Date32 => cast(value.clone(), DataType::Int32),
                DataType::Timestamp(..) => cast(value.clone(), DataType::Int64),
                DataType::Decimal128(..) | DataType::Decimal256(..) => spark_cast(value.clone(), DataType::Utf8, CastMode::Legacy),
                DataType::List(_) | DataType::Map(..) | DataType::Struct(_) | DataType::Binary | DataType::BinaryView | DataType::LargeBinary => {
                    internal_text(value.clone())
                }
                DataType::Float32 | DataType::Float64 if only(&['s', 'S']) => spark_cast(value.clone(), DataType::Utf8, CastMode::Legacy),
                DataType::Float32 | DataType::Float64 if only(&['f']) && conversions.windows(2).all(|w| w[0].precision == w[1].precision) => {
                    half_up(cast(value.clone(), DataType::Float64), conversions[0].precision.unwrap_or(6))
                }
                _ => continue,
            };
        }
        Ok(())
    }
}
