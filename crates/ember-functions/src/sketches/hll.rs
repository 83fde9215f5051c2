//! Spark's HyperLogLog sketch functions over Apache DataSketches HLL
//! sketches of type HLL_8: `hll_sketch_agg(value, lgConfigK)`,
//! `hll_union_agg(sketch, allowDifferentLgConfigK)`,
//! `hll_sketch_estimate(sketch)` and `hll_union(left, right,
//! allowDifferentLgConfigK)`. Values are hashed as the Java library hashes
//! them (integers as one `long`, strings and binaries as their bytes, empty
//! ones not counted); results pass through a union, as Spark's do, so
//! estimates come from the same estimator.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BinaryArray, Int64Array};
use datafusion::common::{DataFusionError, Result};
use datasketches::hll::{HllSketch, HllType, HllUnion};
use ember_errors::{ErrorKind, SparkError};

use super::aggregate::{SketchState, binary_rows};
use super::keys::for_each_key;

/// The default `lgConfigK` of `hll_sketch_agg`.
pub const DEFAULT_LG_CONFIG_K: u8 = 12;

/// Whether `lg_k` is an `lgConfigK` Spark accepts.
pub fn valid_lg_config_k(lg_k: i64) -> bool {
    (4..=21).contains(&lg_k)
}

/// How an HLL aggregate builds its sketch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HllAggregate {
    /// `hll_sketch_agg`: a sketch of the values.
    Build { lg_config_k: u8 },
    /// `hll_union_agg`: the union of the sketches.
    Union { allow_different_lg_config_k: bool },
}

impl HllAggregate {
    pub(crate) fn state(&self, name: &'static str) -> Box<dyn SketchState> {
        match *self {
            HllAggregate::Build { lg_config_k } => Box::new(BuildState {
                name,
                sketch: HllSketch::new(lg_config_k, HllType::Hll8).unwrap_or_else(|_| unreachable!("lgConfigK checked when planned")),
                union: None,
            }),
            HllAggregate::Union { allow_different_lg_config_k } => {
                Box::new(UnionState { name, allow_different: allow_different_lg_config_k, union: None })
            }
        }
    }
}

/// Spark's `HLL_INVALID_INPUT_SKETCH_BUFFER`.
fn invalid_sketch(function: &str) -> DataFusionError {
    SparkError::new(
        ErrorKind::Runtime,
        "HLL_INVALID_INPUT_SKETCH_BUFFER",
        "22546",
        format!("Invalid call to {function}; only valid HLL sketch buffers are supported as inputs (such as those produced by the `hll_sketch_agg` function)."),
        &[("function", format!("`{function}`"))],
    )
    .into_datafusion()
}

/// Spark's `HLL_UNION_DIFFERENT_LG_K`.
fn different_lg_k(function: &str, left: u8, right: u8) -> DataFusionError {
    SparkError::new(
        ErrorKind::Runtime,
        "HLL_UNION_DIFFERENT_LG_K",
        "22000",
        format!("Sketches have different `lgConfigK` values: {left} and {right}. Set the `allowDifferentLgConfigK` parameter to true to call `{function}` with different `lgConfigK` values."),
        &[("left", left.to_string()), ("right", right.to_string()), ("function", format!("`{function}`"))],
    )
    .into_datafusion()
}

fn read_sketch(function: &str, bytes: &[u8]) -> Result<HllSketch> {
    HllSketch::deserialize(bytes).map_err(|_| invalid_sketch(function))
}

/// The union of `sketches` as a serialized HLL_8 sketch, the union's size
/// that of the first sketch (or `lg_max_k`).
fn union_bytes(lg_max_k: u8, sketches: &[&HllSketch]) -> Result<Vec<u8>> {
    let mut union = HllUnion::new(lg_max_k).map_err(|e| DataFusionError::Internal(e.to_string()))?;
    sketches.iter().for_each(|s| union.update(s));
    Ok(updatable(union.to_sketch(HllType::Hll8).serialize()))
}

/// A serialized sketch in the Java library's updatable image, which Spark's
/// `toUpdatableByteArray` writes: the compact flag cleared and a LIST
/// sketch's coupons padded to its array size (SET sketches keep the
/// compact image, which Spark reads as well).
fn updatable(mut bytes: Vec<u8>) -> Vec<u8> {
    const COMPACT_FLAG: u8 = 0x08;
    const LIST_MODE: u8 = 0;
    const HLL_MODE: u8 = 2;
    if bytes.len() < 8 {
        return bytes;
    }
    match bytes[7] & 0x03 {
        LIST_MODE => {
            bytes[5] &= !COMPACT_FLAG;
            let size = 8 + 4 * (1usize << bytes[4]);
            if bytes.len() < size {
                bytes.resize(size, 0);
            }
        }
        HLL_MODE => bytes[5] &= !COMPACT_FLAG,
        _ => {}
    }
    bytes
}

#[derive(Debug)]
struct BuildState {
    name: &'static str,
    sketch: HllSketch,
    /// The partial sketches merged in, once there are any.
    union: Option<HllUnion>,
}

impl SketchState for BuildState {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        for_each_key(&args[0], |_, key| self.sketch.update(key))
    }

    fn merge(&mut self, bytes: &[u8]) -> Result<()> {
        let other = read_sketch(self.name, bytes)?;
        let lg = self.sketch.lg_config_k();
        let union = match &mut self.union {
            Some(union) => union,
            None => self.union.insert(HllUnion::new(lg).map_err(|e| DataFusionError::Internal(e.to_string()))?),
        };
        union.update(&other);
        Ok(())
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(Some(self.result()?))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        let lg = self.sketch.lg_config_k();
        match &self.union {
            Some(union) => union_bytes(lg, &[&self.sketch, &union.to_sketch(HllType::Hll8)]),
            None => union_bytes(lg, &[&self.sketch]),
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.sketch.estimated_size() + self.union.as_ref().map_or(0, |u| u.estimated_size())
    }
}

#[derive(Debug)]
struct UnionState {
    name: &'static str,
    allow_different: bool,
    /// The union and the `lgConfigK` of its first sketch, once there is one.
    union: Option<(HllUnion, u8)>,
}

impl SketchState for UnionState {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        for bytes in binary_rows(&args[0])?.into_iter().flatten() {
            self.merge(bytes)?;
        }
        Ok(())
    }

    fn merge(&mut self, bytes: &[u8]) -> Result<()> {
        let sketch = read_sketch(self.name, bytes)?;
        let lg = sketch.lg_config_k();
        let (union, first_lg) = match &mut self.union {
            Some(union) => union,
            None => self.union.insert((HllUnion::new(lg).map_err(|e| DataFusionError::Internal(e.to_string()))?, lg)),
        };
        if !self.allow_different && *first_lg != lg {
            return Err(different_lg_k(self.name, *first_lg, lg));
        }
        union.update(&sketch);
        Ok(())
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(self.union.as_ref().map(|(union, _)| union.to_sketch(HllType::Hll8).serialize()))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        match &self.union {
            Some((union, _)) => Ok(updatable(union.to_sketch(HllType::Hll8).serialize())),
            None => union_bytes(DEFAULT_LG_CONFIG_K, &[]),
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.union.as_ref().map_or(0, |(u, _)| u.estimated_size())
    }
}

/// `hll_sketch_estimate(sketch)`: the estimated number of distinct values, rounded.
pub fn estimate(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let rows = binary_rows(&args[0])?
        .into_iter()
        .map(|b| b.map(|b| read_sketch("hll_sketch_estimate", b).map(|s| s.estimate().round() as i64)).transpose())
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(Int64Array::from(rows)))
}

/// `hll_union(left, right, allowDifferentLgConfigK)`; the context is the flag.
pub fn union(args: &[ArrayRef], allow_different: &str) -> Result<ArrayRef> {
    let (left, right) = (binary_rows(&args[0])?, binary_rows(&args[1])?);
    let rows = left
        .into_iter()
        .zip(right)
        .map(|(l, r)| match (l, r) {
            (Some(l), Some(r)) => {
                let (l, r) = (read_sketch("hll_union", l)?, read_sketch("hll_union", r)?);
                let (lg_l, lg_r) = (l.lg_config_k(), r.lg_config_k());
                if allow_different != "true" && lg_l != lg_r {
                    return Err(different_lg_k("hll_union", lg_l, lg_r));
                }
                union_bytes(lg_l.min(lg_r), &[&l, &r]).map(Some)
            }
            _ => Ok(None),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(BinaryArray::from_iter(rows)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{AsArray, Int32Array};
    use datafusion::arrow::datatypes::Int64Type;

    fn built(values: Vec<i32>, lg_config_k: u8) -> ArrayRef {
        let mut state = HllAggregate::Build { lg_config_k }.state("hll_sketch_agg");
        state.update(&[Arc::new(Int32Array::from(values)) as ArrayRef]).unwrap();
        Arc::new(BinaryArray::from(vec![Some(state.result().unwrap().as_slice())]))
    }

    #[test]
    fn counts_and_unites() {
        let count = |array: ArrayRef| estimate(&[array], "").unwrap().as_primitive::<Int64Type>().value(0);
        let (a, b) = (built(vec![1, 2, 2, 3], 12), built(vec![3, 4], 10));
        assert_eq!(count(a.clone()), 3);
        // LIST image of three coupons padded to eight, as Java's updatable image.
        assert_eq!(a.as_binary::<i32>().value(0).len(), 8 + 4 * 8);
        assert_eq!(count(union(&[a.clone(), b.clone()], "true").unwrap()), 4);
        assert!(union(&[a, b], "false").is_err());
        assert!(estimate(&[Arc::new(BinaryArray::from(vec![Some(&[1u8, 2][..])]))], "").is_err());
    }
}
