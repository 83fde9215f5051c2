//! Theta sketches: the aggregates `theta_sketch_agg`, `theta_union_agg`
//! and `theta_intersection_agg` and the scalar functions `theta_union`,
//! `theta_intersection`, `theta_difference` and `theta_sketch_estimate`.
//! Results are compact, ordered sketches in the compressed form Spark writes.

use datafusion::arrow::array::{ArrayRef, BinaryArray, Int64Array};
use datafusion::common::Result;
use datasketches::theta::{CompactThetaSketch, ThetaANotB, ThetaIntersection, ThetaSketch, ThetaSketchBuilder, ThetaUnion, ThetaUnionBuilder};

use super::aggregate::{SketchState, binary_rows};
use super::keys::for_each_key;
use super::{Family, invalid_sketch};

/// Spark's default log2 of the nominal number of entries.
pub const DEFAULT_LG_NOM_ENTRIES: u8 = 12;

/// Whether `lg` is a log2 of nominal entries Spark accepts (4 to 26).
pub fn valid_lg_nom_entries(lg: i64) -> bool {
    (4..=26).contains(&lg)
}

/// How an aggregate combines its input into one sketch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetOperation {
    /// Counts values.
    Build,
    /// Unites sketches.
    Union,
    /// Intersects sketches.
    Intersection,
}

/// A Theta aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThetaAggregate {
    pub operation: SetOperation,
    pub lg_nom_entries: u8,
}

impl ThetaAggregate {
    pub(crate) fn state(&self, name: &'static str) -> Box<dyn SketchState> {
        let union = || new_union(self.lg_nom_entries, name);
        match self.operation {
            SetOperation::Build => Box::new(BuildState { name, sketch: new_sketch(self.lg_nom_entries, name), merged: None }),
            SetOperation::Union => Box::new(UnionState { name, union: union() }),
            SetOperation::Intersection => Box::new(IntersectionState { name, intersection: None }),
        }
    }
}

fn new_sketch(lg: u8, function: &str) -> ThetaSketch {
    ThetaSketchBuilder::default().lg_k(library_lg(lg)).build().unwrap_or_else(|e| panic!("{function}: lg checked by the planner: {e}"))
}

fn new_union(lg: u8, function: &str) -> ThetaUnion {
    ThetaUnionBuilder::default().lg_k(library_lg(lg)).build().unwrap_or_else(|e| panic!("{function}: lg checked by the planner: {e}"))
}

/// Reads a serialized Theta sketch.
pub(crate) fn read_sketch(function: &str, bytes: &[u8]) -> Result<CompactThetaSketch> {
    CompactThetaSketch::deserialize(bytes).map_err(|_| invalid_sketch(Family::Theta, function))
}

/// A sketch as Spark serializes it: compressed where possible, and a
/// sketch of one entry flagged as such (Java's `SINGLEITEM` flag).
pub(crate) fn bytes_of(sketch: &CompactThetaSketch) -> Vec<u8> {
    let mut bytes = sketch.serialize_compressed();
    if bytes.len() > 8 && bytes[0] == 1 && bytes[1] == 3 && bytes[5] & FLAG_EMPTY == 0 {
        bytes[5] |= FLAG_SINGLE_ITEM;
    }
    bytes
}

const FLAG_EMPTY: u8 = 0x04;
const FLAG_SINGLE_ITEM: u8 = 0x20;

/// The log2 of nominal entries the sketch library takes for Spark's `lg`
/// (Spark accepts 4, the library's smallest is 5).
pub(crate) fn library_lg(lg: u8) -> u8 {
    lg.max(5)
}

#[derive(Debug)]
struct BuildState {
    name: &'static str,
    sketch: ThetaSketch,
    /// Partial sketches of other partitions, once there are any.
    merged: Option<ThetaUnion>,
}

impl BuildState {
    fn compact(&mut self) -> CompactThetaSketch {
        match &mut self.merged {
            Some(union) => {
                let _ = union.update(&self.sketch);
                union.to_sketch(true)
            }
            None => self.sketch.compact(true),
        }
    }
}

impl SketchState for BuildState {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        for_each_key(&args[0], |_, key| self.sketch.update(key))
    }

    fn merge(&mut self, sketch: &[u8]) -> Result<()> {
        let other = read_sketch(self.name, sketch)?;
        let lg = self.sketch.lg_k();
        let union = self.merged.get_or_insert_with(|| new_union(lg, self.name));
        union.update(&other).map_err(|_| invalid_sketch(Family::Theta, self.name))
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(Some(bytes_of(&self.compact())))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        Ok(bytes_of(&self.compact()))
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.sketch.estimated_size()
    }
}

#[derive(Debug)]
struct UnionState {
    name: &'static str,
    union: ThetaUnion,
}

impl SketchState for UnionState {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        for bytes in binary_rows(&args[0])?.into_iter().flatten() {
            self.merge(bytes)?;
        }
        Ok(())
    }

    fn merge(&mut self, sketch: &[u8]) -> Result<()> {
        let other = read_sketch(self.name, sketch)?;
        self.union.update(&other).map_err(|_| invalid_sketch(Family::Theta, self.name))
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
struct IntersectionState {
    name: &'static str,
    /// `None` until the first sketch (the intersection of nothing is everything).
    intersection: Option<ThetaIntersection>,
}

impl SketchState for IntersectionState {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        for bytes in binary_rows(&args[0])?.into_iter().flatten() {
            self.merge(bytes)?;
        }
        Ok(())
    }

    fn merge(&mut self, sketch: &[u8]) -> Result<()> {
        let other = read_sketch(self.name, sketch)?;
        let intersection = self.intersection.get_or_insert_with(ThetaIntersection::default);
        intersection.update(&other).map_err(|_| invalid_sketch(Family::Theta, self.name))
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(self.intersection.as_ref().and_then(|i| i.to_sketch(true)).map(|s| bytes_of(&s)))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        match self.partial()? {
            Some(bytes) => Ok(bytes),
            None => Ok(bytes_of(&ThetaSketchBuilder::default().build().map_err(|_| invalid_sketch(Family::Theta, self.name))?.compact(true))),
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.intersection.as_ref().map_or(0, ThetaIntersection::estimated_size)
    }
}

/// Applies `f` to each row's pair of sketches; NULL where either is.
fn pairwise(
    function: &str,
    args: &[ArrayRef],
    mut f: impl FnMut(&CompactThetaSketch, &CompactThetaSketch) -> Result<CompactThetaSketch>,
) -> Result<ArrayRef> {
    let (left, right) = (binary_rows(&args[0])?, binary_rows(&args[1])?);
    let rows = left
        .iter()
        .zip(&right)
        .map(|(l, r)| match (l, r) {
            (Some(l), Some(r)) => Ok(Some(bytes_of(&f(&read_sketch(function, l)?, &read_sketch(function, r)?)?))),
            _ => Ok(None),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(std::sync::Arc::new(BinaryArray::from_iter(rows)))
}

/// `theta_union(left, right[, lgNomEntries])`; the context is lgNomEntries.
pub fn union(args: &[ArrayRef], lg_nom_entries: &str) -> Result<ArrayRef> {
    let lg = lg_nom_entries.parse().unwrap_or(DEFAULT_LG_NOM_ENTRIES);
    pairwise("theta_union", args, |l, r| {
        let mut union = new_union(lg, "theta_union");
        union.update(l).and_then(|_| union.update(r)).map_err(|_| invalid_sketch(Family::Theta, "theta_union"))?;
        Ok(union.to_sketch(true))
    })
}

/// `theta_intersection(left, right)`.
pub fn intersection(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    pairwise("theta_intersection", args, |l, r| {
        let mut intersection = ThetaIntersection::default();
        intersection.update(l).and_then(|_| intersection.update(r)).map_err(|_| invalid_sketch(Family::Theta, "theta_intersection"))?;
        Ok(intersection.to_sketch(true).unwrap_or_else(|| l.clone()))
    })
}

/// `theta_difference(left, right)`: the values of `left` not in `right`.
pub fn difference(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    pairwise("theta_difference", args, |l, r| {
        ThetaANotB::default().compute(l, r, true).map_err(|_| invalid_sketch(Family::Theta, "theta_difference"))
    })
}

/// `theta_sketch_estimate(sketch)`: the estimated number of distinct values, rounded.
pub fn estimate(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let rows = binary_rows(&args[0])?
        .into_iter()
        .map(|b| b.map(|b| read_sketch("theta_sketch_estimate", b).map(|s| s.estimate().round() as i64)).transpose())
        .collect::<Result<Vec<_>>>()?;
    Ok(std::sync::Arc::new(Int64Array::from(rows)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{AsArray, Int32Array, StringArray};
    use datafusion::arrow::datatypes::Int64Type;
    use std::sync::Arc;

    fn built(values: ArrayRef) -> ArrayRef {
        let mut state = ThetaAggregate { operation: SetOperation::Build, lg_nom_entries: 12 }.state("theta_sketch_agg");
        state.update(&[values]).unwrap();
        Arc::new(BinaryArray::from(vec![Some(state.result().unwrap().as_slice())]))
    }

    #[test]
    fn counts_distinct_values_and_combines_sketches() {
        let a = built(Arc::new(Int32Array::from(vec![Some(1), Some(2), Some(2), None, Some(3)])));
        let b = built(Arc::new(Int32Array::from(vec![3, 4])));
        let count = |array: ArrayRef| estimate(&[array], "").unwrap().as_primitive::<Int64Type>().value(0);
        assert_eq!(count(a.clone()), 3);
        assert_eq!(count(union(&[a.clone(), b.clone()], "12").unwrap()), 4);
        assert_eq!(count(intersection(&[a.clone(), b.clone()], "").unwrap()), 1);
        assert_eq!(count(difference(&[a, b], "").unwrap()), 2);
    }

    #[test]
    fn empty_strings_are_not_counted() {
        let a = built(Arc::new(StringArray::from(vec!["", "a", "a"])));
        assert_eq!(estimate(&[a], "").unwrap().as_primitive::<Int64Type>().value(0), 1);
    }

    #[test]
    fn bytes_match_the_java_library() {
        // theta_sketch_agg(k, 12) of INT 1, 2, 3 on Spark 4.3.
        let spark = [
            1u8, 4, 3, 62, 1, 26, 204, 147, 3, 22, 134, 26, 247, 45, 247, 228, 85, 143, 190, 156, 52, 119, 233, 234, 239,
            178, 229, 150, 107, 173, 170, 61, 192,
        ];
        let ours = built(Arc::new(Int32Array::from(vec![1, 2, 3])));
        assert_eq!(ours.as_binary::<i32>().value(0), spark);
    }
}
