//! KLL quantile sketches of BIGINT, FLOAT and DOUBLE values: the
//! aggregates `kll_sketch_agg_*` and `kll_merge_agg_*` and the scalar
//! functions `kll_sketch_get_n_*`, `_get_quantile_*`, `_get_rank_*`,
//! `_merge_*` and `_to_string_*`. Ranks are inclusive, as Spark's.

use std::fmt::Debug;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float32Type, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue};
use datasketches::common::SearchCriteria;
use datasketches::kll::{KllFloat, KllSketch, KllValue};

use super::aggregate::{SketchState, binary_rows};
use super::{Family, invalid_rank, invalid_sketch};

/// Spark's default `k`.
pub const DEFAULT_K: u16 = 200;

/// The item type of a KLL sketch: the `_bigint`, `_float` or `_double` of its functions' names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KllItemType {
    Bigint,
    Float,
    Double,
}

impl KllItemType {
    /// The type of the items of a sketch named by `suffix` (`bigint`, `float`, `double`).
    pub fn from_suffix(suffix: &str) -> Option<Self> {
        match suffix {
            "bigint" => Some(KllItemType::Bigint),
            "float" => Some(KllItemType::Float),
            "double" => Some(KllItemType::Double),
            _ => None,
        }
    }

    /// The Arrow type of the items (what `get_quantile` returns).
    pub fn data_type(self) -> DataType {
        match self {
            KllItemType::Bigint => DataType::Int64,
            KllItemType::Float => DataType::Float32,
            KllItemType::Double => DataType::Float64,
        }
    }
}

/// A KLL aggregate: from values, or (`merge`) from sketches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KllAggregate {
    pub item: KllItemType,
    pub k: u16,
    pub merge: bool,
}

impl KllAggregate {
    pub(crate) fn state(&self, name: &'static str) -> Box<dyn SketchState> {
        match self.item {
            KllItemType::Bigint => Box::new(KllState::<i64>::new(name, self)),
            KllItemType::Float => Box::new(KllState::<KllFloat<f32>>::new(name, self)),
            KllItemType::Double => Box::new(KllState::<KllFloat<f64>>::new(name, self)),
        }
    }
}

/// Whether `k` is a size Spark accepts for a KLL sketch.
pub fn valid_k(k: i64) -> bool {
    (8..=65535).contains(&k)
}

/// An item type of Spark's KLL sketches.
pub trait KllItem: KllValue + Ord + Clone + Send + Sync + Debug + 'static {
    /// The Arrow type of the items.
    const ARROW: DataType;
    /// The name of the Java sketch class, shown by `kll_sketch_to_string_*`.
    const JAVA_NAME: &'static str;
    /// The rows of `array` (cast to the item type); NULL and NaN are `None`.
    fn read(array: &ArrayRef) -> Result<Vec<Option<Self>>>;
    /// An item as a Spark value.
    fn scalar(item: Option<Self>) -> ScalarValue;
    /// An item as Java prints it.
    fn java_text(&self) -> String;
}

impl KllItem for i64 {
    const ARROW: DataType = DataType::Int64;
    const JAVA_NAME: &'static str = "KllLongsSketch";
    fn read(array: &ArrayRef) -> Result<Vec<Option<Self>>> {
        Ok(cast(array, &DataType::Int64)?.as_primitive::<Int64Type>().iter().collect())
    }
    fn scalar(item: Option<Self>) -> ScalarValue {
        ScalarValue::Int64(item)
    }
    fn java_text(&self) -> String {
        self.to_string()
    }
}

impl KllItem for KllFloat<f32> {
    const ARROW: DataType = DataType::Float32;
    const JAVA_NAME: &'static str = "KllFloatsSketch";
    fn read(array: &ArrayRef) -> Result<Vec<Option<Self>>> {
        let floats = cast(array, &DataType::Float32)?;
        Ok(floats.as_primitive::<Float32Type>().iter().map(|v| v.and_then(|v| KllFloat::<f32>::new(v).ok())).collect())
    }
    fn scalar(item: Option<Self>) -> ScalarValue {
        ScalarValue::Float32(item.map(KllFloat::into_inner))
    }
    fn java_text(&self) -> String {
        java_double_text(f64::from(**self))
    }
}

impl KllItem for KllFloat<f64> {
    const ARROW: DataType = DataType::Float64;
    const JAVA_NAME: &'static str = "KllDoublesSketch";
    fn read(array: &ArrayRef) -> Result<Vec<Option<Self>>> {
        let doubles = cast(array, &DataType::Float64)?;
        Ok(doubles.as_primitive::<Float64Type>().iter().map(|v| v.and_then(|v| KllFloat::<f64>::new(v).ok())).collect())
    }
    fn scalar(item: Option<Self>) -> ScalarValue {
        ScalarValue::Float64(item.map(KllFloat::into_inner))
    }
    fn java_text(&self) -> String {
        java_double_text(**self)
    }
}

/// A finite whole number with Java's `.0`.
fn java_double_text(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e7 { format!("{v:.1}") } else { v.to_string() }
}

fn read_sketch<T: KllItem>(function: &str, bytes: &[u8]) -> Result<KllSketch<T>> {
    KllSketch::<T>::deserialize(bytes).map_err(|_| invalid_sketch(Family::Kll, function))
}

#[derive(Debug)]
struct KllState<T: KllItem> {
    name: &'static str,
    sketch: KllSketch<T>,
    merge: bool,
}

impl<T: KllItem> KllState<T> {
    fn new(name: &'static str, aggregate: &KllAggregate) -> Self {
        let sketch = KllSketch::new(aggregate.k).unwrap_or_default();
        KllState { name, sketch, merge: aggregate.merge }
    }
}

impl<T: KllItem> SketchState for KllState<T> {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        if self.merge {
            for bytes in binary_rows(&args[0])?.into_iter().flatten() {
                self.merge(bytes)?;
            }
        } else {
            T::read(&args[0])?.into_iter().flatten().for_each(|item| self.sketch.update(item));
        }
        Ok(())
    }

    fn merge(&mut self, sketch: &[u8]) -> Result<()> {
        let other = read_sketch::<T>(self.name, sketch)?;
        self.sketch.merge(&other).map_err(|_| invalid_sketch(Family::Kll, self.name))
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(Some(self.sketch.serialize()))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        Ok(self.sketch.serialize())
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.sketch.num_retained() * std::mem::size_of::<T>()
    }
}

/// Applies `f` to each row's sketch, NULL where the sketch is.
fn per_sketch<T: KllItem>(
    function: &str,
    sketches: &ArrayRef,
    null: ScalarValue,
    mut f: impl FnMut(usize, KllSketch<T>) -> Result<ScalarValue>,
) -> Result<ArrayRef> {
    let values = binary_rows(sketches)?
        .into_iter()
        .enumerate()
        .map(|(row, bytes)| match bytes {
            Some(bytes) => f(row, read_sketch::<T>(function, bytes)?),
            None => Ok(null.clone()),
        })
        .collect::<Result<Vec<_>>>()?;
    if values.is_empty() {
        return Ok(datafusion::arrow::array::new_empty_array(&null.data_type()));
    }
    ScalarValue::iter_to_array(values)
}

/// `kll_sketch_get_n_*(sketch)`: how many values the sketch saw.
pub fn get_n<T: KllItemMarker>(args: &[ArrayRef], function: &str) -> Result<ArrayRef> {
    per_sketch::<T::Item>(function, &args[0], ScalarValue::Int64(None), |_, s| Ok(ScalarValue::Int64(Some(s.n() as i64))))
}

/// `kll_sketch_merge_*(left, right)`: one sketch of both inputs.
pub fn merge<T: KllItemMarker>(args: &[ArrayRef], function: &str) -> Result<ArrayRef> {
    let right = binary_rows(&args[1])?;
    per_sketch::<T::Item>(function, &args[0], ScalarValue::Binary(None), |row, mut left| match right[row] {
        Some(bytes) => {
            let other = read_sketch::<T::Item>(function, bytes)?;
            left.merge(&other).map_err(|_| invalid_sketch(Family::Kll, function))?;
            Ok(ScalarValue::Binary(Some(left.serialize())))
        }
        None => Ok(ScalarValue::Binary(None)),
    })
}

/// The per-row argument of `get_quantile`/`get_rank`: one value or an array of them.
fn per_row_values<V>(
    array: &ArrayRef,
    read: impl Fn(&ArrayRef) -> Result<Vec<Option<V>>>,
) -> Result<Vec<Option<Vec<Option<V>>>>> {
    match array.data_type() {
        DataType::List(_) => {
            let lists = array.as_list::<i32>();
            (0..lists.len())
                .map(|row| if lists.is_null(row) { Ok(None) } else { read(&lists.value(row)).map(Some) })
                .collect()
        }
        _ => Ok(read(array)?.into_iter().map(|v| v.map(|v| vec![Some(v)])).collect()),
    }
}

/// Either one result or, for an array argument, an array of results (without NULLs, as Spark types it).
fn one_or_list(is_list: bool, items: Vec<ScalarValue>, item_type: &DataType) -> ScalarValue {
    if is_list {
        ScalarValue::List(ScalarValue::new_list(&items, item_type, false))
    } else {
        items.into_iter().next().unwrap_or(ScalarValue::Null)
    }
}

fn null_of(is_list: bool, item_type: &DataType) -> Result<ScalarValue> {
    if is_list {
        ScalarValue::try_from(&DataType::List(Arc::new(Field::new_list_field(item_type.clone(), false))))
    } else {
        ScalarValue::try_from(item_type)
    }
}

/// `kll_sketch_get_quantile_*(sketch, rank)`: the item at a normalized
/// rank in [0, 1] (or at each of an array of ranks).
pub fn get_quantile<T: KllItemMarker>(args: &[ArrayRef], function: &str) -> Result<ArrayRef> {
    let is_list = matches!(args[1].data_type(), DataType::List(_));
    let ranks = per_row_values(&args[1], |a| Ok(cast(a, &DataType::Float64)?.as_primitive::<Float64Type>().iter().collect()))?;
    let item_type = <T::Item as KllItem>::ARROW;
    per_sketch::<T::Item>(function, &args[0], null_of(is_list, &item_type)?, |row, sketch| {
        let Some(ranks) = &ranks[row] else { return null_of(is_list, &item_type) };
        let mut items = Vec::with_capacity(ranks.len());
        for rank in ranks {
            let Some(rank) = rank else {
                items.push(<T::Item as KllItem>::scalar(None));
                continue;
            };
            if !(0.0..=1.0).contains(rank) {
                return Err(invalid_rank(function));
            }
            // Java's sketch refuses quantiles of an empty sketch.
            let item = sketch.quantile(*rank, SearchCriteria::Inclusive).ok().flatten().ok_or_else(|| invalid_sketch(Family::Kll, function))?;
            items.push(<T::Item as KllItem>::scalar(Some(item)));
        }
        Ok(one_or_list(is_list, items, &item_type))
    })
}

/// `kll_sketch_get_rank_*(sketch, item)`: the normalized inclusive rank of
/// an item (or of each of an array of items).
pub fn get_rank<T: KllItemMarker>(args: &[ArrayRef], function: &str) -> Result<ArrayRef> {
    let is_list = matches!(args[1].data_type(), DataType::List(_));
    let items = per_row_values(&args[1], <T::Item as KllItem>::read)?;
    per_sketch::<T::Item>(function, &args[0], null_of(is_list, &DataType::Float64)?, |row, sketch| {
        let Some(items) = &items[row] else { return null_of(is_list, &DataType::Float64) };
        let mut ranks = Vec::with_capacity(items.len());
        for item in items {
            let rank = match item {
                Some(item) => Some(sketch.rank(item, SearchCriteria::Inclusive).ok_or_else(|| invalid_sketch(Family::Kll, function))?),
                None => None,
            };
            ranks.push(ScalarValue::Float64(rank));
        }
        Ok(one_or_list(is_list, ranks, &DataType::Float64))
    })
}

/// `kll_sketch_to_string_*(sketch)`: a summary of the sketch in the layout
/// of the Java sketch's `toString()` (its storage details left out).
pub fn to_string<T: KllItemMarker>(args: &[ArrayRef], function: &str) -> Result<ArrayRef> {
    per_sketch::<T::Item>(function, &args[0], ScalarValue::Utf8(None), |_, sketch| {
        let line = |name: &str, value: String| format!("   {name:<23}: {value}\n");
        let mut text = format!("\n### Kll{} Summary:\n", <T::Item as KllItem>::JAVA_NAME);
        text += &line("K", sketch.k().to_string());
        text += &line("Dynamic min K", sketch.min_k().to_string());
        text += &line("M", "8".to_string());
        text += &line("N", sketch.n().to_string());
        text += &line("Epsilon", format!("{:.3}%", sketch.normalized_rank_error() * 100.0));
        text += &line("Epsilon PMF", format!("{:.3}%", sketch.normalized_pmf_error() * 100.0));
        text += &line("Empty", sketch.is_empty().to_string());
        text += &line("Estimation Mode", sketch.is_estimation_mode().to_string());
        text += &line("Retained Items", sketch.num_retained().to_string());
        text += &line("Compact Storage Bytes", sketch.serialize().len().to_string());
        let item = |i: Option<&T::Item>| i.map_or_else(|| "NaN".to_string(), KllItem::java_text);
        text += &line("Min Item", item(sketch.min_item()));
        text += &line("Max Item", item(sketch.max_item()));
        text += "### End sketch summary\n";
        Ok(ScalarValue::Utf8(Some(text)))
    })
}

/// Names an item type for the kernels above, which are plain functions.
pub trait KllItemMarker {
    type Item: KllItem;
}

/// BIGINT items.
pub struct Bigint;
/// FLOAT items.
pub struct Float;
/// DOUBLE items.
pub struct Double;

impl KllItemMarker for Bigint {
    type Item = i64;
}
impl KllItemMarker for Float {
    type Item = KllFloat<f32>;
}
impl KllItemMarker for Double {
    type Item = KllFloat<f64>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{BinaryArray, Float64Array, Int64Array};

    fn sketch_of(values: &[i64]) -> ArrayRef {
        let mut sketch = KllSketch::<i64>::new(DEFAULT_K).unwrap();
        values.iter().for_each(|v| sketch.update(*v));
        Arc::new(BinaryArray::from(vec![Some(sketch.serialize().as_slice()), None]))
    }

    #[test]
    fn inclusive_ranks_and_quantiles_of_few_values_are_exact() {
        let sketch = sketch_of(&[1, 2, 3]);
        let ranks: ArrayRef = Arc::new(Float64Array::from(vec![0.5, 0.5]));
        let quantiles = get_quantile::<Bigint>(&[sketch.clone(), ranks], "q").unwrap();
        assert_eq!(quantiles.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), vec![Some(2), None]);
        let items: ArrayRef = Arc::new(Int64Array::from(vec![2, 2]));
        let ranks = get_rank::<Bigint>(&[sketch.clone(), items], "r").unwrap();
        assert_eq!(ranks.as_primitive::<Float64Type>().value(0), 2.0 / 3.0);
        let n = get_n::<Bigint>(&[sketch], "n").unwrap();
        assert_eq!(n.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), vec![Some(3), None]);
    }

    #[test]
    fn a_rank_outside_zero_to_one_is_an_error() {
        let ranks: ArrayRef = Arc::new(Float64Array::from(vec![1.5, 0.0]));
        assert!(get_quantile::<Bigint>(&[sketch_of(&[1]), ranks], "q").is_err());
    }

    #[test]
    fn bytes_match_the_java_library() {
        // kll_sketch_agg_bigint of 1, 2, 3 on Spark 4.3.
        let spark = [
            5u8, 1, 15, 0, 200, 0, 8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 200, 0, 1, 0, 197, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0,
            0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
        ];
        let ours = sketch_of(&[1, 2, 3]);
        let ours = ours.as_binary::<i32>().value(0);
        assert_eq!(ours.len(), spark.len());
        assert_eq!(ours[..24], spark[..24]);
    }

    #[test]
    fn garbage_is_not_a_sketch() {
        let garbage: ArrayRef = Arc::new(BinaryArray::from(vec![Some(&b"xyz"[..])]));
        assert!(get_n::<Bigint>(&[garbage], "n").is_err());
    }
}
