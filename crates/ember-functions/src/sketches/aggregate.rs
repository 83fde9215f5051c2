//! One DataFusion aggregate for every sketch-building Spark aggregate: the
//! partial state between stages is the serialized sketch (NULL while a
//! group has seen no input), and the result is the sketch as BINARY.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};

use super::{bitmap, count_min, hll, kll, theta, tuple};

/// Which sketch an aggregate builds, with its literal parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SketchKind {
    /// `kll_sketch_agg_*` (from values) or `kll_merge_agg_*` (from sketches).
    Kll(kll::KllAggregate),
    /// `theta_sketch_agg`, `theta_union_agg`, `theta_intersection_agg`.
    Theta(theta::ThetaAggregate),
    /// `tuple_sketch_agg_*`, `tuple_union_agg_*`, `tuple_intersection_agg_*`.
    Tuple(tuple::TupleAggregate),
    /// `hll_sketch_agg`, `hll_union_agg`.
    Hll(hll::HllAggregate),
    /// `count_min_sketch`.
    CountMin(count_min::CountMinParameters),
    /// `bitmap_construct_agg`, `bitmap_or_agg`, `bitmap_and_agg`.
    Bitmap(bitmap::BitmapAggregate),
}

/// A group's sketch while it is built.
pub(crate) trait SketchState: std::fmt::Debug + Send + Sync {
    /// Adds the rows of the aggregate's argument arrays.
    fn update(&mut self, args: &[ArrayRef]) -> Result<()>;
    /// Folds in another partial state (a serialized sketch of the same kind).
    fn merge(&mut self, sketch: &[u8]) -> Result<()>;
    /// The partial state; `None` while nothing was added.
    fn partial(&mut self) -> Result<Option<Vec<u8>>>;
    /// The aggregate's result.
    fn result(&mut self) -> Result<Vec<u8>>;
    /// An estimate of the memory the sketch holds, in bytes.
    fn size(&self) -> usize;
}

/// A Spark sketch aggregate as a DataFusion aggregate function.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SketchAggregate {
    name: &'static str,
    kind: SketchKind,
    signature: Signature,
}

impl SketchAggregate {
    /// The aggregate call `name(args)` building `kind`; `args` are the
    /// columns the sketch reads (its literal parameters live in `kind`).
    pub fn call(name: &'static str, kind: SketchKind, args: Vec<Expr>) -> Expr {
        let signature = Signature::any(args.len(), Volatility::Immutable);
        let udaf = Arc::new(AggregateUDF::new_from_impl(SketchAggregate { name, kind, signature }));
        Expr::AggregateFunction(AggregateFunction::new_udf(udaf, args, false, None, vec![], None))
    }

    fn state(&self) -> Box<dyn SketchState> {
        match &self.kind {
            SketchKind::Kll(kind) => kind.state(self.name),
            SketchKind::Theta(kind) => kind.state(self.name),
            SketchKind::Tuple(kind) => kind.state(self.name),
            SketchKind::Hll(kind) => kind.state(self.name),
            SketchKind::CountMin(parameters) => parameters.state(),
            SketchKind::Bitmap(kind) => kind.state(),
        }
    }
}

impl AggregateUDFImpl for SketchAggregate {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Binary)
    }

    fn is_nullable(&self) -> bool {
        false
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(SketchAccumulator(self.state())))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(format_state_name(args.name, "sketch"), DataType::Binary, true))])
    }
}

#[derive(Debug)]
struct SketchAccumulator(Box<dyn SketchState>);

impl Accumulator for SketchAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.0.update(values)
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for sketch in states[0].as_binary::<i32>().iter().flatten() {
            self.0.merge(sketch)?;
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Binary(self.0.partial()?)])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Binary(Some(self.0.result()?)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.0.size()
    }
}

/// The rows of a BINARY argument (sketches given to a merging aggregate or
/// a scalar sketch function), `None` for NULL.
pub(crate) fn binary_rows(array: &ArrayRef) -> Result<Vec<Option<&[u8]>>> {
    match array.data_type() {
        DataType::Binary => Ok(array.as_binary::<i32>().iter().collect()),
        DataType::LargeBinary => Ok(array.as_binary::<i64>().iter().collect()),
        DataType::BinaryView => Ok(array.as_binary_view().iter().collect()),
        DataType::Null => Ok(vec![None; array.len()]),
        other => Err(datafusion::common::DataFusionError::Plan(format!("a sketch must be BINARY, not {other}"))),
    }
}
