//! Aggregates over the distribution of a numeric column: Spark's exact
//! `percentile`, `percentile_approx` (Spark's quantile summaries) and
//! `histogram_numeric`; and `mode` of any type ([`mode`]). Values are read
//! as DOUBLE (dates as days, timestamps as microseconds) and answers are
//! converted back to the type Spark gives.

mod histogram;
pub mod mode;
mod quantile_summaries;

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, ListArray, StructArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Float64Type, Int64Type, IntervalUnit};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};
use ember_errors::{ErrorKind, SparkError};

pub use histogram::NumericHistogram;
pub use quantile_summaries::QuantileSummaries;

/// What a distribution aggregate answers, with its literal parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// `percentile(value, percentages[, frequency])`: exact, interpolated
    /// DOUBLEs; `discrete`: `percentile_disc`, the first value whose
    /// cumulative fraction reaches the percentage, counted from the largest
    /// value when `descending`.
    Percentile { percentages: Vec<f64>, array: bool, discrete: bool, descending: bool },
    /// `percentile_approx(value, percentages, accuracy)`: values of the input type.
    ApproxPercentile { percentages: Vec<f64>, array: bool, accuracy: i64 },
    /// `histogram_numeric(value, bins)`: (x, y) pairs, x of the input type.
    Histogram { bins: usize },
}

impl Eq for Distribution {}

impl std::hash::Hash for Distribution {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        format!("{self:?}").hash(state);
    }
}

/// A distribution aggregate as a DataFusion aggregate function. Its
/// arguments are the value as DOUBLE (and, for `percentile`, an optional
/// BIGINT frequency); `value_type` is the type answers are given in.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct DistributionAggregate {
    name: &'static str,
    distribution: Distribution,
    value_type: DataType,
    signature: Signature,
}

impl DistributionAggregate {
    /// The aggregate call `name(args)` computing `distribution`.
    pub fn call(name: &'static str, distribution: Distribution, value_type: DataType, args: Vec<Expr>) -> Expr {
        let signature = Signature::any(args.len(), Volatility::Immutable);
        let udaf = AggregateUDF::new_from_impl(DistributionAggregate { name, distribution, value_type, signature });
        Expr::AggregateFunction(AggregateFunction::new_udf(Arc::new(udaf), args, false, None, vec![], None))
    }

    /// What it answers, with its literal parameters.
    pub fn distribution(&self) -> &Distribution {
        &self.distribution
    }

    fn histogram_fields(&self) -> Fields {
        Fields::from(vec![Field::new("x", self.value_type.clone(), true), Field::new("y", DataType::Float64, true)])
    }
}

impl AggregateUDFImpl for DistributionAggregate {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        let list = |item: Field| DataType::List(Arc::new(item));
        Ok(match &self.distribution {
            Distribution::Percentile { array: false, .. } => percentile_type(&self.value_type),
            Distribution::Percentile { array: true, .. } => list(Field::new_list_field(percentile_type(&self.value_type), false)),
            Distribution::ApproxPercentile { array: false, .. } => self.value_type.clone(),
            Distribution::ApproxPercentile { array: true, .. } => list(Field::new_list_field(self.value_type.clone(), false)),
            Distribution::Histogram { .. } => list(Field::new_list_field(DataType::Struct(self.histogram_fields()), true)),
        })
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let values = match &self.distribution {
            Distribution::Percentile { .. } => Values::Counts(BTreeMap::new()),
            Distribution::ApproxPercentile { accuracy, .. } => Values::Summary(QuantileSummaries::new(1.0 / *accuracy as f64)),
            Distribution::Histogram { bins } => Values::Histogram(NumericHistogram::new(*bins)),
        };
        let fields = self.histogram_fields();
        Ok(Box::new(DistributionAccumulator { distribution: self.distribution.clone(), value_type: self.value_type.clone(), fields, values }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(format_state_name(args.name, "values"), DataType::Binary, true))])
    }
}

/// The values seen so far, in the form the aggregate needs.
#[derive(Debug)]
enum Values {
    /// Each distinct value (by its bits, ordered by value) with its frequency.
    Counts(BTreeMap<OrderedValue, i64>),
    Summary(QuantileSummaries),
    Histogram(NumericHistogram),
}

/// A DOUBLE ordered as Spark orders them (NaN last, -0.0 equal to 0.0).
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedValue(f64);

impl Eq for OrderedValue {}

impl PartialOrd for OrderedValue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedValue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let normal = |v: f64| if v == 0.0 { 0.0 } else { v };
        normal(self.0).total_cmp(&normal(other.0))
    }
}

#[derive(Debug)]
struct DistributionAccumulator {
    distribution: Distribution,
    value_type: DataType,
    fields: Fields,
    values: Values,
}

/// Spark's `NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION` for a negative `percentile` frequency.
fn negative_frequency(frequency: i64) -> datafusion::common::DataFusionError {
    SparkError::new(
        ErrorKind::IllegalArgument,
        "NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION",
        "22003",
        format!("Found the negative value in \"boundreference()\": {frequency}L, but expected a positive integral value."),
        &[("frequencyExpression", "\"boundreference()\"".into()), ("negativeValue", format!("{frequency}L"))],
    )
    .into_datafusion()
}

impl Accumulator for DistributionAccumulator {
    fn update_batch(&mut self, args: &[ArrayRef]) -> Result<()> {
        let values = args[0].as_primitive::<Float64Type>();
        let frequencies = args.get(1).map(|f| f.as_primitive::<Int64Type>());
        for row in 0..values.len() {
            if values.is_null(row) {
                continue;
            }
            let value = values.value(row);
            match &mut self.values {
                Values::Counts(counts) => {
                    let frequency = match frequencies {
                        Some(f) if f.is_null(row) => continue,
                        Some(f) => f.value(row),
                        None => 1,
                    };
                    if frequency < 0 {
                        return Err(negative_frequency(frequency));
                    }
                    if frequency > 0 {
                        *counts.entry(OrderedValue(value)).or_default() += frequency;
                    }
                }
                Values::Summary(summary) => summary.insert(value),
                Values::Histogram(histogram) => histogram.add(value),
            }
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for bytes in states[0].as_binary::<i32>().iter().flatten() {
            match &mut self.values {
                Values::Counts(counts) => {
                    for (value, count) in pairs(bytes) {
                        *counts.entry(OrderedValue(value)).or_default() += count.to_bits() as i64;
                    }
                }
                Values::Summary(summary) => {
                    let mut other = QuantileSummaries::from_bytes(bytes)
                        .ok_or_else(|| datafusion::common::DataFusionError::Internal("a malformed quantile summary".into()))?;
                    summary.merge(&mut other);
                }
                Values::Histogram(histogram) => histogram.merge(&pairs(bytes).collect::<Vec<_>>()),
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let to_bytes = |pairs: &mut dyn Iterator<Item = (f64, f64)>| {
            pairs.flat_map(|(a, b)| a.to_le_bytes().into_iter().chain(b.to_le_bytes())).collect::<Vec<u8>>()
        };
        let bytes = match &mut self.values {
            Values::Counts(counts) => to_bytes(&mut counts.iter().map(|(v, c)| (v.0, f64::from_bits(*c as u64)))),
            Values::Summary(summary) => summary.to_bytes(),
            Values::Histogram(histogram) => to_bytes(&mut histogram.bins().iter().copied()),
        };
        Ok(vec![ScalarValue::Binary(Some(bytes))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let answers: Option<Vec<f64>> = match (&mut self.values, &self.distribution) {
            (Values::Counts(counts), Distribution::Percentile { percentages, discrete: false, .. }) => exact_percentiles(counts, percentages),
            (Values::Counts(counts), Distribution::Percentile { percentages, descending, .. }) => discrete_percentiles(counts, percentages, *descending),
            (Values::Summary(summary), Distribution::ApproxPercentile { percentages, .. }) => summary.query(percentages),
            (Values::Histogram(histogram), _) => {
                let bins = histogram.bins().to_vec();
                return self.histogram_result(bins);
            }
            _ => None,
        };
        // No values, or an empty array of percentages: NULL, as Spark.
        let Some(answers) = answers.filter(|a| !a.is_empty()) else {
            return ScalarValue::try_from(&self.return_type());
        };
        let (item_type, array) = match &self.distribution {
            Distribution::Percentile { array, .. } => (percentile_type(&self.value_type), *array),
            Distribution::ApproxPercentile { array, .. } => (self.value_type.clone(), *array),
            Distribution::Histogram { .. } => unreachable!("answered above"),
        };
        let items = from_doubles(answers, &item_type)?;
        if array {
            let field = Arc::new(Field::new_list_field(item_type, false));
            let list = ListArray::try_new(field, OffsetBuffer::from_lengths([items.len()]), items, None)?;
            Ok(ScalarValue::List(Arc::new(list)))
        } else {
            ScalarValue::try_from_array(&items, 0)
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + match &self.values {
                Values::Counts(counts) => counts.len() * 48,
                Values::Summary(summary) => summary.size(),
                Values::Histogram(histogram) => histogram.bins().len() * 16,
            }
    }
}

impl DistributionAccumulator {
    fn return_type(&self) -> DataType {
        let udaf = DistributionAggregate {
            name: "",
            distribution: self.distribution.clone(),
            value_type: self.value_type.clone(),
            signature: Signature::any(0, Volatility::Immutable),
        };
        udaf.return_type(&[]).unwrap_or(DataType::Null)
    }

    fn histogram_result(&self, bins: Vec<(f64, f64)>) -> Result<ScalarValue> {
        if bins.is_empty() {
            return ScalarValue::try_from(&self.return_type());
        }
        let x = from_doubles(bins.iter().map(|b| b.0).collect(), &self.value_type)?;
        let y: ArrayRef = Arc::new(Float64Array::from(bins.iter().map(|b| b.1).collect::<Vec<_>>()));
        let items = Arc::new(StructArray::try_new(self.fields.clone(), vec![x, y], None)?);
        let field = Arc::new(Field::new_list_field(DataType::Struct(self.fields.clone()), true));
        let list = ListArray::try_new(field, OffsetBuffer::from_lengths([items.len()]), items, None)?;
        Ok(ScalarValue::List(Arc::new(list)))
    }
}

/// The (f64, f64) pairs of a partial state.
fn pairs(bytes: &[u8]) -> impl Iterator<Item = (f64, f64)> + '_ {
    bytes.chunks_exact(16).map(|pair| {
        let word = |at: usize| f64::from_le_bytes(pair[at..at + 8].try_into().unwrap_or_default());
        (word(0), word(8))
    })
}

/// Spark's exact percentile: the value at position `p * (n - 1)` of the
/// sorted values (counting frequencies), interpolated linearly between the
/// values either side (`low + fraction * (high - low)`, as Spark 4); `None`
/// without values.
fn exact_percentiles(counts: &BTreeMap<OrderedValue, i64>, percentages: &[f64]) -> Option<Vec<f64>> {
    let mut accumulated = Vec::with_capacity(counts.len());
    let mut total = 0i64;
    for (value, count) in counts {
        total += count;
        accumulated.push((value.0, total));
    }
    if total == 0 {
        return None;
    }
    // The first value whose accumulated count reaches `position + 1`.
    let at = |position: i64| {
        let index = accumulated.partition_point(|(_, count)| *count < position + 1);
        accumulated[index.min(accumulated.len() - 1)].0
    };
    let answers = percentages
        .iter()
        .map(|p| {
            let position = (total - 1) as f64 * p;
            let (lower, higher) = (position.floor() as i64, position.ceil() as i64);
            let (low, high) = (at(lower), at(higher));
            if lower == higher || low == high {
                low
            } else {
                low + (position - lower as f64) * (high - low)
            }
        })
        .collect();
    Some(answers)
}

/// The SQL standard's discrete percentile: the first value (from the
/// smallest, or the largest when `descending`) whose cumulative fraction of
/// the values reaches `p`; `None` without values.
fn discrete_percentiles(counts: &BTreeMap<OrderedValue, i64>, percentages: &[f64], descending: bool) -> Option<Vec<f64>> {
    let total: i64 = counts.values().sum();
    if total == 0 {
        return None;
    }
    let answers = percentages
        .iter()
        .map(|p| {
            let rank = ((p * total as f64).ceil() as i64).max(1);
            let rank = if descending { total - rank + 1 } else { rank };
            let mut seen = 0;
            counts.iter().find(|(_, count)| {
                seen += **count;
                seen >= rank
            })
            .map_or(f64::NAN, |(value, _)| value.0)
        })
        .collect();
    Some(answers)
}

/// The type of exact percentiles of values of `value_type`: ANSI intervals
/// of the widest units, DOUBLE for numbers.
fn percentile_type(value_type: &DataType) -> DataType {
    match value_type {
        DataType::Duration(_) | DataType::Interval(IntervalUnit::YearMonth) => value_type.clone(),
        _ => DataType::Float64,
    }
}

/// DOUBLE answers as values of `target` (dates from days, timestamps and
/// day-time intervals from microseconds, year-month intervals from months,
/// integers truncated).
pub fn from_doubles(values: Vec<f64>, target: &DataType) -> Result<ArrayRef> {
    let doubles: ArrayRef = Arc::new(Float64Array::from(values));
    let through = match target {
        DataType::Date32 | DataType::Interval(IntervalUnit::YearMonth) => Some(DataType::Int32),
        DataType::Timestamp(..) | DataType::Duration(_) => Some(DataType::Int64),
        _ => None,
    };
    match through {
        Some(integer) => Ok(cast(&cast(&doubles, &integer)?, target)?),
        None => Ok(cast(&doubles, target)?),
    }
}

/// The DOUBLE form of a value a distribution aggregate reads: dates as
/// days, timestamps as microseconds, numbers as themselves; `None` for
/// types they do not read.
pub fn as_double_type(value_type: &DataType) -> Option<DataType> {
    match value_type {
        DataType::Date32 | DataType::Interval(IntervalUnit::YearMonth) => Some(DataType::Int32),
        DataType::Timestamp(..) | DataType::Duration(_) => Some(DataType::Int64),
        t if t.is_numeric() => Some(DataType::Float64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(values: &[(f64, i64)]) -> BTreeMap<OrderedValue, i64> {
        values.iter().map(|(v, c)| (OrderedValue(*v), *c)).collect()
    }

    #[test]
    fn exact_percentiles_interpolate() {
        let c = counts(&[(1.0, 1), (2.0, 1), (4.0, 1), (10.0, 1)]);
        assert_eq!(exact_percentiles(&c, &[0.0, 0.5, 1.0]), Some(vec![1.0, 3.0, 10.0]));
        let weighted = counts(&[(1.0, 1), (2.0, 3), (10.0, 2)]);
        assert_eq!(exact_percentiles(&weighted, &[0.25, 0.75]), Some(vec![2.0, 8.0]));
        assert_eq!(exact_percentiles(&BTreeMap::new(), &[0.5]), None);
    }

    #[test]
    fn discrete_percentiles_count_from_either_end() {
        let c = counts(&[(1.0, 1), (2.0, 2), (4.0, 2), (10.0, 1)]);
        assert_eq!(discrete_percentiles(&c, &[0.0, 0.25, 0.5, 1.0], false), Some(vec![1.0, 2.0, 2.0, 10.0]));
        assert_eq!(discrete_percentiles(&c, &[0.7, 0.5], true), Some(vec![2.0, 4.0]));
    }

    #[test]
    fn answers_take_the_input_type() {
        let dates = from_doubles(vec![19_000.0], &DataType::Date32).unwrap();
        assert_eq!(dates.data_type(), &DataType::Date32);
        let ints = from_doubles(vec![7.0], &DataType::Int32).unwrap();
        assert_eq!(ints.as_primitive::<datafusion::arrow::datatypes::Int32Type>().value(0), 7);
    }
}
