//! Tuple sketches: Theta sketches whose entries carry an INT or DOUBLE
//! summary, combined by a mode (`sum`, `min`, `max`, `alwaysone`). The
//! aggregates `tuple_sketch_agg_*`, `tuple_union_agg_*`,
//! `tuple_intersection_agg_*` and the scalar set operations, also with a
//! Theta sketch as the second input (its entries get the mode's identity
//! summary, as in Spark), and `tuple_sketch_estimate_*`/`_summary_*`/`_theta_*`.
//! Summaries serialize as Java's `DoubleSummary`/`IntegerSummary`: the value,
//! then the mode's byte.

use std::fmt::Debug;
use std::marker::PhantomData;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, BinaryArray, Float64Array, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int32Type};
use datafusion::common::Result;
use datasketches::codec::{SketchBytes, SketchSlice};
use datasketches::error::Error as SketchError;
use datasketches::theta::CompactThetaSketch;
use datasketches::tuple::{
    CompactTupleSketch, SummaryCombinePolicy, SummaryPolicy, SummaryUpdatePolicy, TupleANotB, TupleIntersection, TupleSketch,
    TupleSketchBuilder, TupleSummaryValue, TupleUnion, TupleUnionBuilder,
};

use super::aggregate::{SketchState, binary_rows};
use super::keys::for_each_key;
use super::theta::{self, SetOperation};
use super::{Family, invalid_sketch};

/// How summaries of the same key combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryMode {
    Sum,
    Min,
    Max,
    AlwaysOne,
}

impl SummaryMode {
    /// The mode Spark names `name` (`sum`, `min`, `max`, `alwaysone`).
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "sum" => Some(SummaryMode::Sum),
            "min" => Some(SummaryMode::Min),
            "max" => Some(SummaryMode::Max),
            "alwaysone" => Some(SummaryMode::AlwaysOne),
            _ => None,
        }
    }

    /// The mode's name in Spark's calls.
    pub fn name(self) -> &'static str {
        ["sum", "min", "max", "alwaysone"][usize::from(self.byte())]
    }

    /// Java's byte for the mode.
    fn byte(self) -> u8 {
        self as u8
    }

    fn from_byte(byte: u8) -> Self {
        [SummaryMode::Sum, SummaryMode::Min, SummaryMode::Max, SummaryMode::AlwaysOne][usize::from(byte.min(3))]
    }
}

/// The summary type: the `_integer` or `_double` of the functions' names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryType {
    Integer,
    Double,
}

impl SummaryType {
    /// The summary type named by `suffix`.
    pub fn from_suffix(suffix: &str) -> Option<Self> {
        match suffix {
            "integer" => Some(SummaryType::Integer),
            "double" => Some(SummaryType::Double),
            _ => None,
        }
    }

    /// What `tuple_sketch_summary_*` returns: BIGINT or DOUBLE.
    pub fn total_type(self) -> DataType {
        match self {
            SummaryType::Integer => DataType::Int64,
            SummaryType::Double => DataType::Float64,
        }
    }
}

/// A summary value type.
pub trait SummaryNumber: Copy + Debug + PartialOrd + Send + Sync + 'static {
    const ARROW: DataType;
    const ZERO: Self;
    const ONE: Self;
    const LOWEST: Self;
    const HIGHEST: Self;
    fn plus(self, other: Self) -> Self;
    fn write(self, bytes: &mut SketchBytes);
    fn read(cursor: &mut SketchSlice<'_>) -> std::io::Result<Self>;
    /// A column's values (cast to the summary type).
    fn column(array: &ArrayRef) -> Result<Vec<Option<Self>>>;
    fn as_f64(self) -> f64;
}

impl SummaryNumber for i32 {
    const ARROW: DataType = DataType::Int32;
    const ZERO: Self = 0;
    const ONE: Self = 1;
    const LOWEST: Self = i32::MIN;
    const HIGHEST: Self = i32::MAX;
    fn plus(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
    fn write(self, bytes: &mut SketchBytes) {
        bytes.write_i32_le(self)
    }
    fn read(cursor: &mut SketchSlice<'_>) -> std::io::Result<Self> {
        cursor.read_i32_le()
    }
    fn column(array: &ArrayRef) -> Result<Vec<Option<Self>>> {
        Ok(cast(array, &DataType::Int32)?.as_primitive::<Int32Type>().iter().collect())
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl SummaryNumber for f64 {
    const ARROW: DataType = DataType::Float64;
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const LOWEST: Self = f64::NEG_INFINITY;
    const HIGHEST: Self = f64::INFINITY;
    fn plus(self, other: Self) -> Self {
        self + other
    }
    fn write(self, bytes: &mut SketchBytes) {
        bytes.write_f64_le(self)
    }
    fn read(cursor: &mut SketchSlice<'_>) -> std::io::Result<Self> {
        cursor.read_f64_le()
    }
    fn column(array: &ArrayRef) -> Result<Vec<Option<Self>>> {
        Ok(cast(array, &DataType::Float64)?.as_primitive::<Float64Type>().iter().collect())
    }
    fn as_f64(self) -> f64 {
        self
    }
}

/// A summary: its value and mode, as Java serializes them.
#[derive(Debug, Clone, Copy)]
pub struct Summary<T> {
    value: T,
    mode: SummaryMode,
}

impl<T: SummaryNumber> Summary<T> {
    fn identity(mode: SummaryMode) -> Self {
        let value = match mode {
            SummaryMode::Sum => T::ZERO,
            SummaryMode::Min => T::HIGHEST,
            SummaryMode::Max => T::LOWEST,
            SummaryMode::AlwaysOne => T::ONE,
        };
        Summary { value, mode }
    }

    fn fold(&mut self, value: T, mode: SummaryMode) {
        self.value = match mode {
            SummaryMode::Sum => self.value.plus(value),
            SummaryMode::Min if value < self.value => value,
            SummaryMode::Max if value > self.value => value,
            SummaryMode::Min | SummaryMode::Max => self.value,
            SummaryMode::AlwaysOne => T::ONE,
        };
    }
}

impl<T: SummaryNumber> TupleSummaryValue for Summary<T> {
    fn serialize_size(&self) -> usize {
        std::mem::size_of::<T>() + 1
    }

    fn serialize_value(&self, bytes: &mut SketchBytes) {
        self.value.write(bytes);
        bytes.write_u8(self.mode.byte());
    }

    fn deserialize_value(cursor: &mut SketchSlice<'_>) -> Result<Self, SketchError> {
        let truncated = |_| SketchError::new(datasketches::error::ErrorKind::InvalidData, "truncated summary");
        let value = T::read(cursor).map_err(truncated)?;
        let mode = SummaryMode::from_byte(cursor.read_u8().map_err(truncated)?);
        Ok(Summary { value, mode })
    }
}

/// Creates, updates and combines summaries in one mode.
#[derive(Debug, Clone, Copy)]
struct ModePolicy<T> {
    mode: SummaryMode,
    number: PhantomData<T>,
}

impl<T: SummaryNumber> ModePolicy<T> {
    fn new(mode: SummaryMode) -> Self {
        ModePolicy { mode, number: PhantomData }
    }
}

impl<T: SummaryNumber> SummaryPolicy for ModePolicy<T> {
    type Summary = Summary<T>;
    fn create(&self) -> Summary<T> {
        Summary::identity(self.mode)
    }
}

impl<T: SummaryNumber> SummaryUpdatePolicy<T> for ModePolicy<T> {
    fn update(&self, summary: &mut Summary<T>, value: T) {
        summary.fold(value, self.mode)
    }
}

impl<T: SummaryNumber> SummaryCombinePolicy for ModePolicy<T> {
    fn combine(&self, summary: &mut Summary<T>, other: &Summary<T>) {
        summary.fold(other.value, self.mode)
    }
}

/// A Tuple aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TupleAggregate {
    pub summary: SummaryType,
    pub operation: SetOperation,
    pub lg_nom_entries: u8,
    pub mode: SummaryMode,
}

impl TupleAggregate {
    pub(crate) fn state(&self, name: &'static str) -> Box<dyn SketchState> {
        match self.summary {
            SummaryType::Integer => self.typed_state::<i32>(name),
            SummaryType::Double => self.typed_state::<f64>(name),
        }
    }

    fn typed_state<T: SummaryNumber>(&self, name: &'static str) -> Box<dyn SketchState> {
        let policy = ModePolicy::<T>::new(self.mode);
        let union = new_union(policy, self.lg_nom_entries);
        match self.operation {
            SetOperation::Build => {
                let sketch = TupleSketchBuilder::new(policy).lg_k(theta::library_lg(self.lg_nom_entries)).build().unwrap_or_else(|e| panic!("lg checked by the planner: {e}"));
                Box::new(BuildState { name, sketch, union })
            }
            SetOperation::Union => Box::new(UnionState { name, union }),
            SetOperation::Intersection => Box::new(IntersectionState { name, policy, intersection: None }),
        }
    }
}

fn new_union<T: SummaryNumber>(policy: ModePolicy<T>, lg: u8) -> TupleUnion<ModePolicy<T>> {
    TupleUnionBuilder::new(policy).lg_k(theta::library_lg(lg)).build().unwrap_or_else(|e| panic!("lg checked by the planner: {e}"))
}

fn read_sketch<T: SummaryNumber>(function: &str, bytes: &[u8]) -> Result<CompactTupleSketch<Summary<T>>> {
    CompactTupleSketch::deserialize(bytes).map_err(|_| invalid_sketch(Family::Tuple, function))
}

/// A sketch as Spark serializes it: entries in hash order, but not flagged
/// ordered (as Java's compact Tuple sketches are); an empty one carries its
/// seed hash too.
fn bytes_of<T: SummaryNumber>(sketch: &CompactTupleSketch<Summary<T>>) -> Vec<u8> {
    let mut bytes = sketch.serialize();
    bytes[5] &= !FLAG_ORDERED;
    if sketch.is_empty() {
        bytes[6..8].copy_from_slice(&sketch.seed_hash().to_le_bytes());
    }
    bytes
}

const FLAG_ORDERED: u8 = 0x10;

#[derive(Debug)]
struct BuildState<T: SummaryNumber> {
    name: &'static str,
    sketch: TupleSketch<ModePolicy<T>>,
    /// Partial sketches of other partitions.
    union: TupleUnion<ModePolicy<T>>,
}

impl<T: SummaryNumber> BuildState<T> {
    fn compact(&mut self) -> Result<CompactTupleSketch<Summary<T>>> {
        self.union.update(&self.sketch).map_err(|_| invalid_sketch(Family::Tuple, self.name))?;
        self.sketch.reset();
        Ok(self.union.to_sketch(true))
    }
}

impl<T: SummaryNumber> SketchState for BuildState<T> {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        let summaries = T::column(&args[1])?;
        for_each_key(&args[0], |row, key| {
            if let Some(value) = summaries[row] {
                self.sketch.update(key, value);
            }
        })
    }

    fn merge(&mut self, sketch: &[u8]) -> Result<()> {
        let other = read_sketch::<T>(self.name, sketch)?;
        self.union.update(&other).map_err(|_| invalid_sketch(Family::Tuple, self.name))
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(Some(bytes_of(&self.compact()?)))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        Ok(bytes_of(&self.compact()?))
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.sketch.estimated_size() + self.union.estimated_size()
    }
}

#[derive(Debug)]
struct UnionState<T: SummaryNumber> {
    name: &'static str,
    union: TupleUnion<ModePolicy<T>>,
}

impl<T: SummaryNumber> SketchState for UnionState<T> {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        for bytes in binary_rows(&args[0])?.into_iter().flatten() {
            self.merge(bytes)?;
        }
        Ok(())
    }

    fn merge(&mut self, sketch: &[u8]) -> Result<()> {
        let other = read_sketch::<T>(self.name, sketch)?;
        self.union.update(&other).map_err(|_| invalid_sketch(Family::Tuple, self.name))
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(Some(bytes_of(&self.union.to_sketch(true))))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        Ok(bytes_of(&self.union.to_sketch(true)))
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.union.estimated_size()
    }
}

#[derive(Debug)]
struct IntersectionState<T: SummaryNumber> {
    name: &'static str,
    policy: ModePolicy<T>,
    /// `None` until the first sketch.
    intersection: Option<TupleIntersection<ModePolicy<T>>>,
}

impl<T: SummaryNumber> SketchState for IntersectionState<T> {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        for bytes in binary_rows(&args[0])?.into_iter().flatten() {
            self.merge(bytes)?;
        }
        Ok(())
    }

    fn merge(&mut self, sketch: &[u8]) -> Result<()> {
        let other = read_sketch::<T>(self.name, sketch)?;
        let policy = self.policy;
        let intersection = self.intersection.get_or_insert_with(|| TupleIntersection::new(policy));
        intersection.update(&other).map_err(|_| invalid_sketch(Family::Tuple, self.name))
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(self.intersection.as_ref().and_then(|i| i.to_sketch(true)).map(|s| bytes_of(&s)))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        match self.partial()? {
            Some(bytes) => Ok(bytes),
            None => Ok(bytes_of(&new_union(self.policy, theta::DEFAULT_LG_NOM_ENTRIES).to_sketch(true))),
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.intersection.as_ref().map_or(0, TupleIntersection::estimated_size)
    }
}

/// A Theta sketch as a Tuple sketch whose entries carry `summary`.
fn from_theta<T: SummaryNumber>(theta: &CompactThetaSketch, summary: Summary<T>, function: &str) -> Result<CompactTupleSketch<Summary<T>>> {
    if theta.is_empty() {
        return read_sketch::<T>(function, &[1, 3, 9, 1, 0, 0x1e, 0, 0]);
    }
    // The compact Tuple layout: three preamble longs, then (hash, summary) entries.
    let entries: Vec<u64> = theta.iter().map(|e| e.hash()).collect();
    let mut bytes = SketchBytes::with_capacity(24 + entries.len() * (9 + std::mem::size_of::<T>()));
    for byte in [3u8, 3, 9, 1, 0, 0x0a] {
        bytes.write_u8(byte);
    }
    bytes.write_u16_le(theta.seed_hash());
    bytes.write_u32_le(entries.len() as u32);
    bytes.write_u32_le(0);
    bytes.write_u64_le(theta.theta64());
    for hash in entries {
        bytes.write_u64_le(hash);
        summary.serialize_value(&mut bytes);
    }
    read_sketch::<T>(function, &bytes.into_bytes())
}

/// The second input of a binary set operation: a Tuple or a Theta sketch.
fn second_input<T: SummaryNumber>(bytes: &[u8], theta_input: bool, mode: SummaryMode, function: &str) -> Result<CompactTupleSketch<Summary<T>>> {
    if theta_input {
        let theta = theta::read_sketch(function, bytes)?;
        from_theta(&theta, Summary::identity(mode), function)
    } else {
        read_sketch::<T>(function, bytes)
    }
}

/// A binary set operation of Tuple sketches, as a scalar function's parameters.
#[derive(Debug, Clone, Copy)]
struct SetCall<'a> {
    function: &'a str,
    theta_input: bool,
    lg_nom_entries: u8,
    mode: SummaryMode,
}

/// Parses a kernel's context: `function;theta|tuple;lgNomEntries;mode`.
fn set_call(context: &str) -> SetCall<'_> {
    let mut parts = context.split(';');
    let function = parts.next().unwrap_or("tuple");
    let theta_input = parts.next() == Some("theta");
    let lg_nom_entries = parts.next().and_then(|lg| lg.parse().ok()).unwrap_or(theta::DEFAULT_LG_NOM_ENTRIES);
    let mode = parts.next().and_then(SummaryMode::parse).unwrap_or(SummaryMode::Sum);
    SetCall { function, theta_input, lg_nom_entries, mode }
}

/// The context string of a set-operation kernel.
pub fn set_context(function: &str, theta_input: bool, lg_nom_entries: u8, mode: SummaryMode) -> String {
    format!("{function};{};{lg_nom_entries};{}", if theta_input { "theta" } else { "tuple" }, mode.name())
}

fn pairwise<T: SummaryNumber>(
    args: &[ArrayRef],
    call: SetCall<'_>,
    f: impl Fn(&CompactTupleSketch<Summary<T>>, &CompactTupleSketch<Summary<T>>) -> Result<CompactTupleSketch<Summary<T>>>,
) -> Result<ArrayRef> {
    let (left, right) = (binary_rows(&args[0])?, binary_rows(&args[1])?);
    let rows = left
        .iter()
        .zip(&right)
        .map(|(l, r)| match (l, r) {
            (Some(l), Some(r)) => {
                let l = read_sketch::<T>(call.function, l)?;
                let r = second_input::<T>(r, call.theta_input, call.mode, call.function)?;
                Ok(Some(bytes_of(&f(&l, &r)?)))
            }
            _ => Ok(None),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(BinaryArray::from_iter(rows)))
}

/// `tuple_union_*(left, right[, lgNomEntries[, mode]])` and `tuple_union_theta_*`.
pub fn union<T: SummaryNumber>(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let call = set_call(context);
    pairwise::<T>(args, call, |l, r| {
        let mut union = new_union(ModePolicy::<T>::new(call.mode), call.lg_nom_entries);
        union.update(l).and_then(|_| union.update(r)).map_err(|_| invalid_sketch(Family::Tuple, call.function))?;
        Ok(union.to_sketch(true))
    })
}

/// `tuple_intersection_*(left, right[, mode])` and `tuple_intersection_theta_*`.
pub fn intersection<T: SummaryNumber>(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let call = set_call(context);
    pairwise::<T>(args, call, |l, r| {
        let mut intersection = TupleIntersection::new(ModePolicy::<T>::new(call.mode));
        intersection.update(l).and_then(|_| intersection.update(r)).map_err(|_| invalid_sketch(Family::Tuple, call.function))?;
        intersection.to_sketch(true).ok_or_else(|| invalid_sketch(Family::Tuple, call.function))
    })
}

/// `tuple_difference_*(left, right)` and `tuple_difference_theta_*`: the entries of `left` whose keys `right` lacks.
pub fn difference<T: SummaryNumber>(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let call = set_call(context);
    pairwise::<T>(args, call, |l, r| TupleANotB::default().compute(l, r, true).map_err(|_| invalid_sketch(Family::Tuple, call.function)))
}

/// Applies `f` to each row's sketch; NULL where the sketch is.
fn per_sketch<T: SummaryNumber, V>(args: &[ArrayRef], function: &str, f: impl Fn(&CompactTupleSketch<Summary<T>>) -> V) -> Result<Vec<Option<V>>> {
    binary_rows(&args[0])?.into_iter().map(|b| b.map(|b| read_sketch::<T>(function, b).map(|s| f(&s))).transpose()).collect()
}

/// `tuple_sketch_estimate_*(sketch)`: the estimated number of distinct keys.
pub fn estimate<T: SummaryNumber>(args: &[ArrayRef], function: &str) -> Result<ArrayRef> {
    Ok(Arc::new(Float64Array::from(per_sketch::<T, _>(args, function, |s| s.estimate())?)))
}

/// `tuple_sketch_theta_*(sketch)`: the sketch's sampling fraction theta.
pub fn theta<T: SummaryNumber>(args: &[ArrayRef], function: &str) -> Result<ArrayRef> {
    Ok(Arc::new(Float64Array::from(per_sketch::<T, _>(args, function, |s| s.theta())?)))
}

/// `tuple_sketch_summary_*(sketch[, mode])`: the retained summaries
/// combined in `mode` (0 for a sketch without entries); the context is
/// `function;mode`. Integer summaries add up as BIGINT.
pub fn summary<T: SummaryNumber>(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (function, mode) = context.split_once(';').unwrap_or((context, "sum"));
    let mode = SummaryMode::parse(mode).unwrap_or(SummaryMode::Sum);
    let totals = per_sketch::<T, _>(args, function, |s| {
        let mut values = s.iter().map(|e| e.summary().value.as_f64());
        let Some(first) = values.next() else { return 0.0 };
        values.fold(if mode == SummaryMode::AlwaysOne { 1.0 } else { first }, |total, v| match mode {
            SummaryMode::Sum => total + v,
            SummaryMode::Min => total.min(v),
            SummaryMode::Max => total.max(v),
            SummaryMode::AlwaysOne => total + 1.0,
        })
    })?;
    if T::ARROW == DataType::Int32 {
        return Ok(Arc::new(Int64Array::from(totals.into_iter().map(|t| t.map(|t| t as i64)).collect::<Vec<_>>())));
    }
    Ok(Arc::new(Float64Array::from(totals)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int32Array, StringArray};

    fn built<T: SummaryNumber>(keys: ArrayRef, summaries: ArrayRef, mode: SummaryMode) -> ArrayRef {
        let summary = if T::ARROW == DataType::Int32 { SummaryType::Integer } else { SummaryType::Double };
        let aggregate = TupleAggregate { summary, operation: SetOperation::Build, lg_nom_entries: 12, mode };
        let mut state = aggregate.state("tuple_sketch_agg");
        state.update(&[keys, summaries]).unwrap();
        Arc::new(BinaryArray::from(vec![Some(state.result().unwrap().as_slice())]))
    }

    fn ints(values: Vec<Option<i32>>) -> ArrayRef {
        Arc::new(Int32Array::from(values))
    }

    #[test]
    fn bytes_match_the_java_library() {
        // tuple_sketch_agg_double(k, d) of (1, 1.5), (2, 2.5) on Spark 4.3.
        let spark = [
            2u8, 3, 9, 1, 0, 10, 204, 147, 2, 0, 0, 0, 0, 0, 0, 0, 21, 249, 125, 203, 189, 134, 161, 5, 0, 0, 0, 0, 0, 0, 248, 63,
            0, 195, 151, 252, 18, 129, 112, 157, 30, 0, 0, 0, 0, 0, 0, 4, 64, 0,
        ];
        let sketch = built::<f64>(ints(vec![Some(1), Some(2)]), Arc::new(Float64Array::from(vec![1.5, 2.5])), SummaryMode::Sum);
        let ours = sketch.as_binary::<i32>().value(0);
        assert_eq!(ours, spark);
    }

    #[test]
    fn rows_without_a_summary_are_skipped_and_modes_combine() {
        let keys: ArrayRef = Arc::new(StringArray::from(vec!["a", "a", "b", "c"]));
        let sketch = built::<i32>(keys, ints(vec![Some(10), Some(20), Some(30), None]), SummaryMode::Max);
        let count = estimate::<i32>(&[sketch.clone()], "e").unwrap();
        assert_eq!(count.as_primitive::<Float64Type>().value(0), 2.0);
        let total = summary::<i32>(&[sketch], "s;sum").unwrap();
        assert_eq!(total.as_primitive::<datafusion::arrow::datatypes::Int64Type>().value(0), 50);
    }

    #[test]
    fn theta_entries_get_the_identity_summary() {
        let tuple = built::<f64>(ints(vec![Some(1), Some(2)]), Arc::new(Float64Array::from(vec![1.5, 2.5])), SummaryMode::Sum);
        let mut theta_state = theta::ThetaAggregate { operation: SetOperation::Build, lg_nom_entries: 12 }.state("theta_sketch_agg");
        theta_state.update(&[ints(vec![Some(2), Some(3)])]).unwrap();
        let theta: ArrayRef = Arc::new(BinaryArray::from(vec![Some(theta_state.result().unwrap().as_slice())]));
        let united = union::<f64>(&[tuple.clone(), theta.clone()], &set_context("u", true, 12, SummaryMode::Min)).unwrap();
        assert_eq!(estimate::<f64>(&[united.clone()], "e").unwrap().as_primitive::<Float64Type>().value(0), 3.0);
        assert_eq!(summary::<f64>(&[united], "s;min").unwrap().as_primitive::<Float64Type>().value(0), 1.5);
        let common = intersection::<f64>(&[tuple.clone(), theta.clone()], &set_context("i", true, 12, SummaryMode::Sum)).unwrap();
        assert_eq!(summary::<f64>(&[common], "s;sum").unwrap().as_primitive::<Float64Type>().value(0), 2.5);
        let left = difference::<f64>(&[tuple, theta], &set_context("d", true, 12, SummaryMode::Sum)).unwrap();
        assert_eq!(estimate::<f64>(&[left], "e").unwrap().as_primitive::<Float64Type>().value(0), 1.0);
    }
}
