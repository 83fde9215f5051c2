//! Spark's bitmap aggregates over 4 KiB bitmaps (32,768 bits, bit `i` in
//! byte `i / 8` at `1 << (i % 8)`): `bitmap_construct_agg` sets the bits of
//! the given positions, `bitmap_or_agg` and `bitmap_and_agg` combine
//! bitmaps (a shorter input has no bits set past its end).

use datafusion::arrow::array::{ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{DataFusionError, Result};
use ember_errors::{ErrorKind, SparkError};

use super::aggregate::{SketchState, binary_rows};

/// Bytes in a bitmap.
pub const BITMAP_BYTES: usize = 4096;

/// How a bitmap aggregate builds its bitmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BitmapAggregate {
    /// `bitmap_construct_agg(position)`.
    Construct,
    /// `bitmap_or_agg(bitmap)`.
    Or,
    /// `bitmap_and_agg(bitmap)`.
    And,
}

impl BitmapAggregate {
    pub(crate) fn state(&self) -> Box<dyn SketchState> {
        let fill = if *self == BitmapAggregate::And { 0xFF } else { 0 };
        Box::new(BitmapState { kind: *self, bits: vec![fill; BITMAP_BYTES] })
    }
}

/// Spark's `INVALID_BITMAP_POSITION`: a position outside the bitmap.
fn invalid_position(position: i64) -> DataFusionError {
    SparkError::new(
        ErrorKind::ArrayIndexOutOfBounds,
        "INVALID_BITMAP_POSITION",
        "22003",
        format!(
            "The 0-indexed bitmap position {position} is out of bounds. The bitmap has {} bits ({BITMAP_BYTES} bytes).",
            BITMAP_BYTES * 8
        ),
        &[("bitPosition", position.to_string()), ("bitmapNumBytes", BITMAP_BYTES.to_string()), ("bitmapNumBits", (BITMAP_BYTES * 8).to_string())],
    )
    .into_datafusion()
}

#[derive(Debug)]
struct BitmapState {
    kind: BitmapAggregate,
    bits: Vec<u8>,
}

impl SketchState for BitmapState {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        if self.kind != BitmapAggregate::Construct {
            for bitmap in binary_rows(&args[0])?.into_iter().flatten() {
                self.merge(bitmap)?;
            }
            return Ok(());
        }
        let positions = cast(&args[0], &DataType::Int64)?;
        for position in positions.as_primitive::<Int64Type>().iter().flatten() {
            let Some(bit) = usize::try_from(position).ok().filter(|p| *p < BITMAP_BYTES * 8) else {
                return Err(invalid_position(position));
            };
            self.bits[bit / 8] |= 1 << (bit % 8);
        }
        Ok(())
    }

    fn merge(&mut self, bitmap: &[u8]) -> Result<()> {
        // A shorter bitmap has no bits set past its end.
        let padded = bitmap.iter().copied().chain(std::iter::repeat(0));
        for (mine, theirs) in self.bits.iter_mut().zip(padded) {
            if self.kind == BitmapAggregate::And {
                *mine &= theirs;
            } else {
                *mine |= theirs;
            }
        }
        Ok(())
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(Some(self.bits.clone()))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        Ok(self.bits.clone())
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + BITMAP_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int64Array;
    use std::sync::Arc;

    #[test]
    fn sets_and_combines_bits() {
        let mut construct = BitmapAggregate::Construct.state();
        construct.update(&[Arc::new(Int64Array::from(vec![Some(0), None, Some(9)])) as ArrayRef]).unwrap();
        let bits = construct.result().unwrap();
        assert_eq!(&bits[..2], &[1, 2]);
        assert!(construct.update(&[Arc::new(Int64Array::from(vec![32768])) as ArrayRef]).is_err());
        let mut and = BitmapAggregate::And.state();
        and.merge(&bits).unwrap();
        and.merge(&[3]).unwrap();
        assert_eq!(&and.result().unwrap()[..2], &[1, 0]);
    }
}
