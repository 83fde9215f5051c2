//! Spark's higher-order functions: `transform`, `filter`, `exists`,
//! `forall`, `aggregate`, `zip_with`, `map_filter`, `transform_keys`,
//! `transform_values`, `map_zip_with` and `array_sort` with a comparator.
//!
//! One DataFusion [`HigherOrderUDFImpl`] serves them all. The planner works
//! out the lambdas' parameters and the result type (it plans the lambda
//! bodies against those parameters), so the function only evaluates.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, BooleanBuilder, Int32Array, ListArray, MapArray, StructArray, UInt32Array,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::{concat, filter as filter_array, take, take_arrays};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::expr::{HigherOrderFunction, Lambda};
use datafusion::logical_expr::{
    ColumnarValue, Expr, HigherOrderFunctionArgs, HigherOrderReturnFieldArgs, HigherOrderSignature, HigherOrderUDF,
    HigherOrderUDFImpl, LambdaArgument, LambdaParametersProgress, ValueOrLambda, Volatility,
};
use ember_errors::{ErrorKind, SparkError};

/// Which Spark function a [`SparkHigherOrder`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HigherOrderKind {
    /// `transform(arr, x -> …)` / `(x, i) -> …`.
    Transform,
    /// `filter(arr, x -> …)` / `(x, i) -> …`.
    Filter,
    /// `exists(arr, x -> …)`, with three-valued logic.
    Exists,
    /// `forall(arr, x -> …)`, with three-valued logic.
    Forall,
    /// `aggregate(arr, zero, (acc, x) -> …, acc -> …)` (also `reduce`).
    Aggregate,
    /// `zip_with(a, b, (x, y) -> …)`: the shorter array is padded with nulls.
    ZipWith,
    /// `map_filter(m, (k, v) -> …)`.
    MapFilter,
    /// `transform_keys(m, (k, v) -> …)`.
    TransformKeys,
    /// `transform_values(m, (k, v) -> …)`.
    TransformValues,
    /// `map_zip_with(m1, m2, (k, v1, v2) -> …)` over the union of the keys.
    MapZipWith,
    /// `array_sort(arr, (l, r) -> …)` with a comparator returning an integer.
    ArraySort,
}

impl HigherOrderKind {
    /// The Spark function of this name, if it is a higher-order one.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "transform" => Self::Transform,
            "filter" => Self::Filter,
            "exists" => Self::Exists,
            "forall" => Self::Forall,
            "aggregate" | "reduce" => Self::Aggregate,
            "zip_with" => Self::ZipWith,
            "map_filter" => Self::MapFilter,
            "transform_keys" => Self::TransformKeys,
            "transform_values" => Self::TransformValues,
            "map_zip_with" => Self::MapZipWith,
            "array_sort" => Self::ArraySort,
            _ => return None,
        })
    }

    /// How many value arguments precede the lambdas.
    pub fn value_count(self) -> usize {
        match self {
            Self::Aggregate | Self::ZipWith | Self::MapZipWith => 2,
            _ => 1,
        }
    }
}

/// A Spark higher-order function, with its lambdas' parameters and its
/// result already resolved by the planner.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SparkHigherOrder {
    kind: HigherOrderKind,
    name: String,
    parameters: Vec<Vec<FieldRef>>,
    return_field: FieldRef,
    signature: HigherOrderSignature,
}

impl SparkHigherOrder {
    /// The call `name(values…, lambdas…)`. `parameters` holds each lambda's
    /// parameter fields (all it may declare, in order); the lambdas'
    /// variables must carry those same fields.
    pub fn call(
        kind: HigherOrderKind,
        name: &str,
        parameters: Vec<Vec<FieldRef>>,
        return_type: DataType,
        args: Vec<Expr>,
    ) -> Expr {
        let udf = SparkHigherOrder {
            kind,
            name: name.to_string(),
            parameters,
            return_field: Arc::new(Field::new("", return_type, true)),
            signature: HigherOrderSignature::variadic_any(Volatility::Immutable),
        };
        Expr::HigherOrderFunction(HigherOrderFunction::new(Arc::new(HigherOrderUDF::new_from_impl(udf)), args))
    }

    /// The parameter fields of lambda number `lambda_index`, given the value
    /// arguments' types (`aggregate`'s accumulator has its zero's type).
    pub fn lambda_parameters(kind: HigherOrderKind, values: &[DataType], lambda_index: usize) -> Option<Vec<FieldRef>> {
        let element = |t: &DataType| match t {
            DataType::List(f) => Some(Arc::clone(f)),
            _ => None,
        };
        let entries = |t: &DataType| match t {
            DataType::Map(entries, _) => match entries.data_type() {
                DataType::Struct(kv) if kv.len() == 2 => Some((Arc::clone(&kv[0]), Arc::clone(&kv[1]))),
                _ => None,
            },
            _ => None,
        };
        let field = |t: &DataType, nullable: bool| Arc::new(Field::new("", t.clone(), nullable));
        // A nullable copy keeps the field's metadata (ANSI interval units).
        let nullable = |f: &FieldRef| Arc::new(f.as_ref().clone().with_nullable(true));
        let index = field(&DataType::Int32, false);
        Some(match kind {
            HigherOrderKind::Transform | HigherOrderKind::Filter => vec![element(&values[0])?, index],
            HigherOrderKind::Exists | HigherOrderKind::Forall => vec![element(&values[0])?],
            HigherOrderKind::ArraySort => {
                let e = element(&values[0])?;
                vec![Arc::clone(&e), e]
            }
            HigherOrderKind::Aggregate if lambda_index == 0 => vec![field(&values[1], true), element(&values[0])?],
            HigherOrderKind::Aggregate => vec![field(&values[1], true)],
            HigherOrderKind::ZipWith => vec![nullable(&element(&values[0])?), nullable(&element(&values[1])?)],
            HigherOrderKind::MapFilter | HigherOrderKind::TransformKeys | HigherOrderKind::TransformValues => {
                let (k, v) = entries(&values[0])?;
                vec![k, v]
            }
            HigherOrderKind::MapZipWith => {
                let (k, v1) = entries(&values[0])?;
                let (_, v2) = entries(&values[1])?;
                vec![k, nullable(&v1), nullable(&v2)]
            }
        })
    }
}

/// A lambda expression with these parameter names.
pub fn lambda(names: Vec<String>, body: Expr) -> Expr {
    Expr::Lambda(Lambda::new(names, body))
}

impl HigherOrderUDFImpl for SparkHigherOrder {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &HigherOrderSignature {
        &self.signature
    }

    fn coerce_value_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(arg_types.to_vec())
    }

    fn lambda_parameters(
        &self,
        _step: usize,
        _fields: &[ValueOrLambda<FieldRef, Option<FieldRef>>],
    ) -> Result<LambdaParametersProgress> {
        Ok(LambdaParametersProgress::Complete(self.parameters.clone()))
    }

    /// Spark's nullability: that of the collections (`aggregate`: its array),
    /// and for `exists`, `forall` and `aggregate` also the last lambda's.
    fn return_field_from_args(&self, args: HigherOrderReturnFieldArgs) -> Result<FieldRef> {
        let collections = match self.kind {
            HigherOrderKind::ZipWith | HigherOrderKind::MapZipWith => 2,
            _ => 1,
        };
        let mut nullable = args
            .arg_fields
            .iter()
            .filter_map(|a| match a {
                ValueOrLambda::Value(f) => Some(f.is_nullable()),
                ValueOrLambda::Lambda(_) => None,
            })
            .take(collections)
            .any(|n| n);
        if matches!(self.kind, HigherOrderKind::Exists | HigherOrderKind::Forall | HigherOrderKind::Aggregate) {
            nullable |= matches!(args.arg_fields.last(), Some(ValueOrLambda::Lambda(f)) if f.is_nullable());
        }
        Ok(Arc::new(self.return_field.as_ref().clone().with_nullable(nullable)))
    }

    fn invoke_with_args(&self, args: HigherOrderFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let mut values = Vec::new();
        let mut lambdas = Vec::new();
        for arg in &args.args {
            match arg {
                ValueOrLambda::Value(v) => values.push(v.to_array(rows)?),
                ValueOrLambda::Lambda(l) => lambdas.push(l),
            }
        }
        let return_type = self.return_field.data_type();
        let result = match self.kind {
            HigherOrderKind::Transform => transform(&values[0], lambdas[0], return_type)?,
            HigherOrderKind::Filter => filter(&values[0], lambdas[0])?,
            HigherOrderKind::Exists => quantify(&values[0], lambdas[0], true)?,
            HigherOrderKind::Forall => quantify(&values[0], lambdas[0], false)?,
            HigherOrderKind::Aggregate => aggregate(&values[0], &values[1], lambdas[0], lambdas[1])?,
            HigherOrderKind::ZipWith => zip_with(&values[0], &values[1], lambdas[0], return_type)?,
            HigherOrderKind::MapFilter => map_filter(&values[0], lambdas[0])?,
            HigherOrderKind::TransformKeys => map_transform(&values[0], lambdas[0], return_type, true)?,
            HigherOrderKind::TransformValues => map_transform(&values[0], lambdas[0], return_type, false)?,
            HigherOrderKind::MapZipWith => map_zip_with(&values[0], &values[1], lambdas[0], return_type)?,
            HigherOrderKind::ArraySort => sort_with(&values[0], lambdas[0])?,
        };
        Ok(ColumnarValue::Array(result))
    }
}

/// The elements of a list array (only those its rows cover), with the
/// offsets rebased to start at 0.
fn elements(list: &ListArray) -> (ArrayRef, Vec<i32>) {
    let offsets = list.value_offsets();
    let first = offsets[0];
    let last = offsets[offsets.len() - 1];
    let values = list.values().slice(first as usize, (last - first) as usize);
    (values, offsets.iter().map(|o| o - first).collect())
}

/// For each element, the row it belongs to: how captured columns spread.
fn owning_rows(offsets: &[i32]) -> UInt32Array {
    let mut rows = Vec::with_capacity(offsets[offsets.len() - 1] as usize);
    for (row, pair) in offsets.windows(2).enumerate() {
        rows.extend(std::iter::repeat_n(row as u32, (pair[1] - pair[0]) as usize));
    }
    UInt32Array::from(rows)
}

/// For each element, its 0-based position inside its row's array.
fn positions(offsets: &[i32]) -> Int32Array {
    let mut out = Vec::with_capacity(offsets[offsets.len() - 1] as usize);
    for pair in offsets.windows(2) {
        out.extend(0..pair[1] - pair[0]);
    }
    Int32Array::from(out)
}

/// Evaluates `lambda` with `params` (one array per parameter, all of the
/// same length), spreading captured columns by `rows`.
fn evaluate(lambda: &LambdaArgument, params: &[ArrayRef], rows: &UInt32Array) -> Result<ArrayRef> {
    let len = params.first().map_or(rows.len(), |p| p.len());
    let closures: Vec<Box<dyn Fn() -> Result<ArrayRef> + '_>> =
        params.iter().map(|p| Box::new(move || Ok(Arc::clone(p))) as Box<dyn Fn() -> Result<ArrayRef>>).collect();
    let refs: Vec<&dyn Fn() -> Result<ArrayRef>> = closures.iter().map(|c| c.as_ref()).collect();
    lambda.evaluate(&refs, |captured| Ok(take_arrays(captured, rows, None)?))?.into_array(len)
}

fn as_list(array: &ArrayRef) -> Result<&ListArray> {
    match array.as_list_opt::<i32>() {
        Some(list) => Ok(list),
        None => exec_err!("expected an array, got {}", array.data_type()),
    }
}

fn as_map(array: &ArrayRef) -> Result<&MapArray> {
    match array.as_map_opt() {
        Some(map) => Ok(map),
        None => exec_err!("expected a map, got {}", array.data_type()),
    }
}

fn list_field(return_type: &DataType) -> Result<FieldRef> {
    match return_type {
        DataType::List(f) => Ok(Arc::clone(f)),
        other => exec_err!("expected an array result type, got {other}"),
    }
}

fn transform(array: &ArrayRef, lambda: &LambdaArgument, return_type: &DataType) -> Result<ArrayRef> {
    let list = as_list(array)?;
    let (values, offsets) = elements(list);
    let params = [values, Arc::new(positions(&offsets)) as ArrayRef];
    let mapped = evaluate(lambda, &params, &owning_rows(&offsets))?;
    let field = list_field(return_type)?;
    let mapped = if mapped.data_type() == field.data_type() { mapped } else { datafusion::arrow::compute::cast(&mapped, field.data_type())? };
    Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::new(offsets.into()), mapped, list.nulls().cloned())?))
}

/// A boolean lambda result with NULL read as false.
fn truthy(result: &ArrayRef) -> BooleanArray {
    let result = result.as_boolean();
    result.iter().map(|b| Some(b == Some(true))).collect()
}

fn filter(array: &ArrayRef, lambda: &LambdaArgument) -> Result<ArrayRef> {
    let list = as_list(array)?;
    let (values, offsets) = elements(list);
    let params = [Arc::clone(&values), Arc::new(positions(&offsets)) as ArrayRef];
    let keep = truthy(&evaluate(lambda, &params, &owning_rows(&offsets))?);
    let mut new_offsets = vec![0i32];
    for pair in offsets.windows(2) {
        let kept = (pair[0]..pair[1]).filter(|&i| keep.value(i as usize)).count() as i32;
        new_offsets.push(new_offsets[new_offsets.len() - 1] + kept);
    }
    let kept = filter_array(&values, &keep)?;
    let DataType::List(field) = list.data_type() else { unreachable!("a list") };
    Ok(Arc::new(ListArray::try_new(Arc::clone(field), OffsetBuffer::new(new_offsets.into()), kept, list.nulls().cloned())?))
}

/// `exists` (`any == true`) or `forall` (`any == false`) with Spark's
/// three-valued logic: an undecided array holding a NULL result is NULL.
fn quantify(array: &ArrayRef, lambda: &LambdaArgument, any: bool) -> Result<ArrayRef> {
    let list = as_list(array)?;
    let (values, offsets) = elements(list);
    let result = evaluate(lambda, &[values], &owning_rows(&offsets))?;
    let result = result.as_boolean();
    let mut out = BooleanBuilder::with_capacity(list.len());
    for (row, pair) in offsets.windows(2).enumerate() {
        if list.is_null(row) {
            out.append_null();
            continue;
        }
        let mut saw_null = false;
        let mut decided = false;
        for i in pair[0]..pair[1] {
            match result.is_valid(i as usize).then(|| result.value(i as usize)) {
                Some(b) if b == any => {
                    decided = true;
                    break;
                }
                Some(_) => {}
                None => saw_null = true,
            }
        }
        if decided {
            out.append_value(any);
        } else if saw_null {
            out.append_null();
        } else {
            out.append_value(!any);
        }
    }
    Ok(Arc::new(out.finish()))
}

/// Replaces the values of `base` at the rows in `rows` with `updates` (one
/// per listed row, in order).
fn scatter(base: &ArrayRef, rows: &[u32], updates: &ArrayRef) -> Result<ArrayRef> {
    let combined = concat(&[base.as_ref(), updates.as_ref()])?;
    let mut indices: Vec<u32> = (0..base.len() as u32).collect();
    for (i, &row) in rows.iter().enumerate() {
        indices[row as usize] = (base.len() + i) as u32;
    }
    Ok(take(&combined, &UInt32Array::from(indices), None)?)
}

/// Folds each array from `zero` with `merge`, step by step over all rows at
/// once, then applies `finish`; a NULL array gives NULL.
fn aggregate(array: &ArrayRef, zero: &ArrayRef, merge: &LambdaArgument, finish: &LambdaArgument) -> Result<ArrayRef> {
    let list = as_list(array)?;
    let (values, offsets) = elements(list);
    let longest = offsets.windows(2).map(|p| p[1] - p[0]).max().unwrap_or(0);
    let mut acc = Arc::clone(zero);
    for step in 0..longest {
        let active: Vec<u32> = (0..list.len())
            .filter(|&r| list.is_valid(r) && offsets[r + 1] - offsets[r] > step)
            .map(|r| r as u32)
            .collect();
        let active = UInt32Array::from(active);
        let element_indices: UInt32Array = active.values().iter().map(|&r| (offsets[r as usize] + step) as u32).collect();
        let params = [take(&acc, &active, None)?, take(&values, &element_indices, None)?];
        let merged = evaluate(merge, &params, &active)?;
        let merged = if merged.data_type() == acc.data_type() { merged } else { datafusion::arrow::compute::cast(&merged, acc.data_type())? };
        acc = scatter(&acc, active.values(), &merged)?;
    }
    let all_rows = UInt32Array::from((0..list.len() as u32).collect::<Vec<_>>());
    let finished = evaluate(finish, &[acc], &all_rows)?;
    if list.null_count() == 0 {
        return Ok(finished);
    }
    Ok(datafusion::arrow::compute::nullif(&finished, &datafusion::arrow::compute::is_null(list)?)?)
}

fn zip_with(left: &ArrayRef, right: &ArrayRef, lambda: &LambdaArgument, return_type: &DataType) -> Result<ArrayRef> {
    let (a, b) = (as_list(left)?, as_list(right)?);
    let (a_values, a_offsets) = elements(a);
    let (b_values, b_offsets) = elements(b);
    let mut offsets = vec![0i32];
    let (mut a_take, mut b_take, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    let nulls = NullBuffer::union(a.nulls(), b.nulls());
    for row in 0..a.len() {
        let valid = nulls.as_ref().is_none_or(|n| n.is_valid(row));
        let (a_len, b_len) = (a_offsets[row + 1] - a_offsets[row], b_offsets[row + 1] - b_offsets[row]);
        let len = if valid { a_len.max(b_len) } else { 0 };
        for i in 0..len {
            a_take.push((i < a_len).then(|| (a_offsets[row] + i) as u32));
            b_take.push((i < b_len).then(|| (b_offsets[row] + i) as u32));
            rows.push(row as u32);
        }
        offsets.push(offsets[row] + len);
    }
    let params = [
        take(&a_values, &UInt32Array::from(a_take), None)?,
        take(&b_values, &UInt32Array::from(b_take), None)?,
    ];
    let zipped = evaluate(lambda, &params, &UInt32Array::from(rows))?;
    let field = list_field(return_type)?;
    Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::new(offsets.into()), zipped, nulls)?))
}

/// A map's entries (only those its rows cover) with rebased offsets.
fn map_entries(map: &MapArray) -> (ArrayRef, ArrayRef, Vec<i32>) {
    let offsets = map.value_offsets();
    let first = offsets[0] as usize;
    let len = (offsets[offsets.len() - 1] as usize) - first;
    let entries = map.entries().slice(first, len);
    (Arc::clone(entries.column(0)), Arc::clone(entries.column(1)), offsets.iter().map(|o| o - first as i32).collect())
}

/// A map of `return_type` from its entries' `keys` and `values` and row `offsets`.
pub(crate) fn new_map(return_type: &DataType, offsets: Vec<i32>, keys: ArrayRef, values: ArrayRef, nulls: Option<NullBuffer>) -> Result<ArrayRef> {
    let DataType::Map(entries_field, sorted) = return_type else {
        return exec_err!("expected a map result type, got {return_type}");
    };
    let DataType::Struct(fields) = entries_field.data_type() else {
        return exec_err!("map entries must be a struct");
    };
    let cast_to = |a: ArrayRef, f: &FieldRef| -> Result<ArrayRef> {
        Ok(if a.data_type() == f.data_type() { a } else { datafusion::arrow::compute::cast(&a, f.data_type())? })
    };
    let entries = StructArray::try_new(fields.clone(), vec![cast_to(keys, &fields[0])?, cast_to(values, &fields[1])?], None)?;
    Ok(Arc::new(MapArray::try_new(Arc::clone(entries_field), OffsetBuffer::new(offsets.into()), entries, nulls, *sorted)?))
}

fn map_filter(array: &ArrayRef, lambda: &LambdaArgument) -> Result<ArrayRef> {
    let map = as_map(array)?;
    let (keys, values, offsets) = map_entries(map);
    let keep = truthy(&evaluate(lambda, &[Arc::clone(&keys), Arc::clone(&values)], &owning_rows(&offsets))?);
    let mut new_offsets = vec![0i32];
    for pair in offsets.windows(2) {
        let kept = (pair[0]..pair[1]).filter(|&i| keep.value(i as usize)).count() as i32;
        new_offsets.push(new_offsets[new_offsets.len() - 1] + kept);
    }
    let keys = filter_array(&keys, &keep)?;
    let values = filter_array(&values, &keep)?;
    new_map(map.data_type(), new_offsets, keys, values, map.nulls().cloned())
}

/// `transform_keys` (new keys: never NULL, never repeated within a map) or
/// `transform_values`.
fn map_transform(array: &ArrayRef, lambda: &LambdaArgument, return_type: &DataType, keys_change: bool) -> Result<ArrayRef> {
    let map = as_map(array)?;
    let (keys, values, offsets) = map_entries(map);
    let result = evaluate(lambda, &[Arc::clone(&keys), Arc::clone(&values)], &owning_rows(&offsets))?;
    if !keys_change {
        return new_map(return_type, offsets, keys, result, map.nulls().cloned());
    }
    if result.logical_null_count() > 0 {
        return Err(null_map_key());
    }
    ensure_unique_keys(&offsets, &result)?;
    new_map(return_type, offsets, result, values, map.nulls().cloned())
}

/// Spark's `DUPLICATED_MAP_KEY` error when a map (rows of `keys` between
/// consecutive `offsets`) repeats a key.
pub(crate) fn ensure_unique_keys(offsets: &[i32], keys: &ArrayRef) -> Result<()> {
    for pair in offsets.windows(2) {
        let mut seen = HashSet::new();
        for i in pair[0]..pair[1] {
            let key = ScalarValue::try_from_array(keys, i as usize)?;
            if !seen.insert(key.clone()) {
                return Err(duplicated_map_key(&key));
            }
        }
    }
    Ok(())
}

fn null_map_key() -> datafusion::error::DataFusionError {
    SparkError::null_map_key().into_datafusion()
}

fn duplicated_map_key(key: &ScalarValue) -> datafusion::error::DataFusionError {
    SparkError::duplicated_map_key(&key.to_string()).into_datafusion()
}

/// `map_zip_with`: for each key of either map (the first map's keys first,
/// then the second's new ones), the lambda over the key and both values
/// (NULL where a map lacks the key).
fn map_zip_with(left: &ArrayRef, right: &ArrayRef, lambda: &LambdaArgument, return_type: &DataType) -> Result<ArrayRef> {
    let (a, b) = (as_map(left)?, as_map(right)?);
    let (a_keys, a_values, a_offsets) = map_entries(a);
    let (b_keys, b_values, b_offsets) = map_entries(b);
    let nulls = NullBuffer::union(a.nulls(), b.nulls());
    let all_keys = concat(&[a_keys.as_ref(), b_keys.as_ref()])?;
    let (mut key_take, mut a_take, mut b_take, mut rows) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut offsets = vec![0i32];
    for row in 0..a.len() {
        let start = key_take.len();
        if nulls.as_ref().is_none_or(|n| n.is_valid(row)) {
            let b_range: Vec<(ScalarValue, u32)> = (b_offsets[row]..b_offsets[row + 1])
                .map(|i| Ok((ScalarValue::try_from_array(&b_keys, i as usize)?, i as u32)))
                .collect::<Result<_>>()?;
            let mut matched = HashSet::new();
            for i in a_offsets[row]..a_offsets[row + 1] {
                let key = ScalarValue::try_from_array(&a_keys, i as usize)?;
                let found = b_range.iter().find(|(k, _)| k == &key).map(|(_, j)| *j);
                if let Some(j) = found {
                    matched.insert(j);
                }
                key_take.push(i as u32);
                a_take.push(Some(i as u32));
                b_take.push(found);
            }
            for (_, j) in b_range.iter().filter(|(_, j)| !matched.contains(j)) {
                key_take.push(a_keys.len() as u32 + j);
                a_take.push(None);
                b_take.push(Some(*j));
            }
        }
        rows.extend(std::iter::repeat_n(row as u32, key_take.len() - start));
        offsets.push(key_take.len() as i32);
    }
    let keys = take(&all_keys, &UInt32Array::from(key_take), None)?;
    let params = [
        Arc::clone(&keys),
        take(&a_values, &UInt32Array::from(a_take), None)?,
        take(&b_values, &UInt32Array::from(b_take), None)?,
    ];
    let values = evaluate(lambda, &params, &UInt32Array::from(rows))?;
    new_map(return_type, offsets, keys, values, nulls)
}

/// Sorts each array with a comparator lambda (negative, zero or positive);
/// the comparator runs on one pair at a time.
fn sort_with(array: &ArrayRef, lambda: &LambdaArgument) -> Result<ArrayRef> {
    let list = as_list(array)?;
    let (values, offsets) = elements(list);
    let mut order: Vec<u32> = Vec::with_capacity(values.len());
    let mut failure = None;
    for (row, pair) in offsets.windows(2).enumerate() {
        let mut indices: Vec<u32> = (pair[0] as u32..pair[1] as u32).collect();
        let row_index = UInt32Array::from(vec![row as u32]);
        indices.sort_by(|&l, &r| {
            if failure.is_some() {
                return Ordering::Equal;
            }
            let compare = || -> Result<Ordering> {
                let params = [values.slice(l as usize, 1), values.slice(r as usize, 1)];
                let result = evaluate(lambda, &params, &row_index)?;
                let result = datafusion::arrow::compute::cast(&result, &DataType::Int64)?;
                let result = result.as_primitive::<datafusion::arrow::datatypes::Int64Type>();
                if result.is_null(0) {
                    return Err(SparkError::new(
                        ErrorKind::Runtime,
                        "COMPARATOR_RETURNS_NULL",
                        "22004",
                        "The comparator has returned a NULL for a comparison between elements.",
                        &[],
                    )
                    .into_datafusion());
                }
                Ok(result.value(0).cmp(&0))
            };
            compare().unwrap_or_else(|e| {
                failure = Some(e);
                Ordering::Equal
            })
        });
        order.extend(indices);
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let sorted = take(&values, &UInt32Array::from(order), None)?;
    let DataType::List(field) = list.data_type() else { unreachable!("a list") };
    Ok(Arc::new(ListArray::try_new(Arc::clone(field), OffsetBuffer::new(offsets.into()), sorted, list.nulls().cloned())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_rows_follow_offsets() {
        let offsets = [0, 2, 2, 5];
        assert_eq!(positions(&offsets).values().to_vec(), vec![0, 1, 0, 1, 2]);
        assert_eq!(owning_rows(&offsets).values().to_vec(), vec![0, 0, 2, 2, 2]);
    }

    #[test]
    fn scatter_replaces_listed_rows() {
        let base: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3]));
        let updates: ArrayRef = Arc::new(Int32Array::from(vec![20]));
        let out = scatter(&base, &[1], &updates).unwrap();
        assert_eq!(out.as_primitive::<datafusion::arrow::datatypes::Int32Type>().values().to_vec(), vec![1, 20, 3]);
    }

    #[test]
    fn names_map_to_kinds() {
        assert_eq!(HigherOrderKind::from_name("reduce"), Some(HigherOrderKind::Aggregate));
        assert_eq!(HigherOrderKind::from_name("upper"), None);
        assert_eq!(HigherOrderKind::ZipWith.value_count(), 2);
    }
}
