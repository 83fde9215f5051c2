//! Spark's vector functions over `ARRAY<FLOAT>`: `vector_inner_product`,
//! `vector_cosine_similarity`, `vector_l2_distance`, `vector_norm` and
//! `vector_normalize`. A NULL vector or a NULL element gives NULL; vectors
//! of different lengths raise `VECTOR_DIMENSION_MISMATCH`. Sums run in
//! DOUBLE and the result is rounded to FLOAT once.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float32Array, Float32Builder, ListArray, ListBuilder};
use datafusion::arrow::datatypes::{DataType, Float32Type};
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// A function of two vectors giving one FLOAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairMeasure {
    InnerProduct,
    CosineSimilarity,
    L2Distance,
}

impl PairMeasure {
    /// Spark's name of the function.
    pub fn name(self) -> &'static str {
        match self {
            PairMeasure::InnerProduct => "vector_inner_product",
            PairMeasure::CosineSimilarity => "vector_cosine_similarity",
            PairMeasure::L2Distance => "vector_l2_distance",
        }
    }

    /// The measure of `left` and `right` (same length); NULL for a cosine
    /// with a zero vector.
    fn measure(self, left: &[f32], right: &[f32]) -> Option<f32> {
        let pairs = || left.iter().zip(right).map(|(&l, &r)| (f64::from(l), f64::from(r)));
        let value = match self {
            PairMeasure::InnerProduct => total(pairs().map(|(l, r)| l * r)),
            PairMeasure::L2Distance => total(pairs().map(|(l, r)| (l - r) * (l - r))).sqrt(),
            PairMeasure::CosineSimilarity => {
                let norms = norm(left, 2.0) * norm(right, 2.0);
                if norms == 0.0 {
                    return None;
                }
                total(pairs().map(|(l, r)| l * r)) / norms
            }
        };
        Some(value as f32)
    }
}

/// The call `measure(left, right)` on two `ARRAY<FLOAT>` expressions.
pub fn pair_measure(measure: PairMeasure, left: Expr, right: Expr) -> Expr {
    let kernel = match measure {
        PairMeasure::InnerProduct => inner_product_kernel,
        PairMeasure::CosineSimilarity => cosine_similarity_kernel,
        PairMeasure::L2Distance => l2_distance_kernel,
    };
    KernelUdf::call(measure.name(), DataType::Float32, kernel, "", vec![left, right])
}

fn inner_product_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    pair_kernel(PairMeasure::InnerProduct, args)
}

fn cosine_similarity_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    pair_kernel(PairMeasure::CosineSimilarity, args)
}

fn l2_distance_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    pair_kernel(PairMeasure::L2Distance, args)
}

fn pair_kernel(measure: PairMeasure, args: &[ArrayRef]) -> Result<ArrayRef> {
    let (left, right) = (args[0].as_list::<i32>(), args[1].as_list::<i32>());
    let values = (0..left.len()).map(|i| {
        let (Some(l), Some(r)) = (vector_at(left, i), vector_at(right, i)) else {
            return Ok(None);
        };
        match (l, r) {
            (Some(l), Some(r)) if l.len() != r.len() => Err(dimension_mismatch(measure.name(), l.len(), r.len())),
            (Some(l), Some(r)) => Ok(measure.measure(&l, &r)),
            _ => Ok(None),
        }
    });
    Ok(Arc::new(values.collect::<Result<Float32Array>>()?))
}

/// Row `i` of a list of floats: `None` for a NULL row, `Some(None)` for a
/// vector holding a NULL element.
pub(crate) fn vector_at(vectors: &ListArray, i: usize) -> Option<Option<Vec<f32>>> {
    if vectors.is_null(i) {
        return None;
    }
    let row = vectors.value(i);
    let floats = row.as_primitive::<Float32Type>();
    Some((floats.null_count() == 0).then(|| floats.values().to_vec()))
}

/// `VECTOR_DIMENSION_MISMATCH` for vectors of lengths `left` and `right`.
pub(crate) fn dimension_mismatch(function: &str, left: usize, right: usize) -> DataFusionError {
    SparkError::new(
        ErrorKind::Runtime,
        "VECTOR_DIMENSION_MISMATCH",
        "22000",
        format!("Vectors passed to `{function}` must have the same dimension, but got {left} and {right}."),
        &[("functionName", format!("`{function}`")), ("leftDim", left.to_string()), ("rightDim", right.to_string())],
    )
    .into_datafusion()
}

/// The sum of `values`, 0 (not Rust's -0) when there are none.
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |sum, x| sum + x)
}

/// The `degree`-norm of `v` (1, 2 or infinity, checked by the caller).
fn norm(v: &[f32], degree: f32) -> f64 {
    let magnitudes = v.iter().map(|x| f64::from(x.abs()));
    if degree == 1.0 {
        total(magnitudes)
    } else if degree == 2.0 {
        total(magnitudes.map(|x| x * x)).sqrt()
    } else {
        magnitudes.fold(0.0, f64::max)
    }
}

/// Whether Spark accepts `degree` for `vector_norm`/`vector_normalize`.
fn valid_degree(degree: f32) -> bool {
    degree == 1.0 || degree == 2.0 || degree == f32::INFINITY
}

fn invalid_degree(function: &str, degree: f32) -> DataFusionError {
    let shown = format!("{degree:?}");
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_VECTOR_NORM_DEGREE",
        "22023",
        format!("For the `{function}` function, degree must be 1.0, 2.0, or float('inf'), but got {shown}."),
        &[("functionName", format!("`{function}`")), ("degree", shown.clone())],
    )
    .into_datafusion()
}

/// `vector_norm(vector, degree)` (`degree` a FLOAT).
pub fn vector_norm(vector: Expr, degree: Expr) -> Expr {
    KernelUdf::call("vector_norm", DataType::Float32, norm_kernel, "", vec![vector, degree])
}

/// `vector_normalize(vector, degree)`: the vector divided by its norm; NULL
/// for a zero vector.
pub fn vector_normalize(vector: Expr, degree: Expr) -> Expr {
    KernelUdf::call("vector_normalize", ember_types::array_type(DataType::Float32, true), normalize_kernel, "", vec![vector, degree])
}

/// Each row's vector (without NULL elements) and degree, checked.
fn with_degrees<'a>(function: &'a str, args: &'a [ArrayRef]) -> impl Iterator<Item = Result<Option<(Vec<f32>, f32)>>> + 'a {
    let (vectors, degrees) = (args[0].as_list::<i32>(), args[1].as_primitive::<Float32Type>());
    (0..vectors.len()).map(move |i| {
        let (Some(Some(v)), true) = (vector_at(vectors, i), degrees.is_valid(i)) else {
            return Ok(None);
        };
        let degree = degrees.value(i);
        if valid_degree(degree) { Ok(Some((v, degree))) } else { Err(invalid_degree(function, degree)) }
    })
}

fn norm_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let norms = with_degrees("vector_norm", args).map(|row| Ok(row?.map(|(v, degree)| norm(&v, degree) as f32)));
    Ok(Arc::new(norms.collect::<Result<Float32Array>>()?))
}

fn normalize_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let DataType::List(item) = ember_types::array_type(DataType::Float32, true) else { unreachable!("an array type is a list") };
    let mut out = ListBuilder::new(Float32Builder::new()).with_field(item);
    for row in with_degrees("vector_normalize", args) {
        match row? {
            Some((v, degree)) if v.is_empty() || norm(&v, degree) != 0.0 => {
                let n = norm(&v, degree);
                out.values().extend(v.iter().map(|x| Some((f64::from(*x) / n) as f32)));
                out.append(true);
            }
            _ => out.append(false),
        }
    }
    Ok(Arc::new(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_match_spark_examples() {
        assert_eq!(PairMeasure::InnerProduct.measure(&[1.0, 2.0], &[3.0, 4.0]), Some(11.0));
        assert_eq!(PairMeasure::CosineSimilarity.measure(&[1.0, 2.0], &[2.0, 4.0]), Some(1.0));
        assert_eq!(PairMeasure::CosineSimilarity.measure(&[0.0, 0.0], &[2.0, 4.0]), None);
        assert_eq!(PairMeasure::L2Distance.measure(&[1.0, 2.0], &[3.0, 4.0]), Some(8f64.sqrt() as f32));
        assert!(PairMeasure::L2Distance.measure(&[], &[]).is_some_and(|d| d == 0.0 && d.is_sign_positive()));
    }

    #[test]
    fn norms_of_each_degree() {
        assert_eq!(norm(&[3.0, -4.0], 1.0), 7.0);
        assert_eq!(norm(&[3.0, -4.0], 2.0), 5.0);
        assert_eq!(norm(&[3.0, -4.0], f32::INFINITY), 4.0);
        assert!(valid_degree(f32::INFINITY) && !valid_degree(2.5) && !valid_degree(0.0));
    }
}
