//! Gives a computed ANSI interval the units (fields) Spark types it with
//! (`interval hour`, `interval hour to minute`): a call that returns its
//! argument unchanged, its result field carrying the units in the metadata
//! Ember keeps them in (see [`ember_types::IntervalFields`]). The same call
//! types strings with a collation ([`crate::collation::with_collation`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_types::IntervalFields;

/// `interval` typed with `fields`.
pub fn with_interval_fields(interval: Expr, fields: IntervalFields) -> Expr {
    with_type_tags("interval_fields", interval, fields.metadata())
}

/// `expr` unchanged, its result field carrying `tags` (Ember's metadata for what
/// Spark types beside the Arrow type: interval units, a collation) and no other
/// metadata; `name` names the call.
pub fn with_type_tags(name: &'static str, expr: Expr, tags: HashMap<String, String>) -> Expr {
    let udf = WithTypeTags { name, tags: tags.into_iter().collect(), signature: Signature::any(1, Volatility::Immutable) };
    ScalarUDF::new_from_impl(udf).call(vec![expr])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct WithTypeTags {
    name: &'static str,
    tags: BTreeMap<String, String>,
    signature: Signature,
}

impl ScalarUDFImpl for WithTypeTags {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        Ok(args[0].clone())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let input = &args.arg_fields[0];
        let tags = self.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        Ok(Arc::new(Field::new(self.name(), input.data_type().clone(), input.is_nullable()).with_metadata(tags)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        match args.args.into_iter().next() {
            Some(value) => Ok(value),
            None => exec_err!("{} takes one argument", self.name),
        }
    }
}

/// `expr`, an array, map or struct, with its children typed with the ANSI
/// interval units `children` gives by position (an array's element; a map's
/// key and value; a struct's fields); `None` leaves a child as it is.
/// `data_type` is the type of `expr`.
pub fn with_nested_interval_fields(expr: Expr, data_type: &DataType, children: &[Option<IntervalFields>]) -> Expr {
    let target = nested_type_with_interval_fields(data_type, children);
    with_nested_type(expr, data_type, target)
}

/// `data_type`, an array, map or struct, with its children typed with the
/// ANSI interval units `children` gives by position, as
/// [`with_nested_interval_fields`] types a value.
pub fn nested_type_with_interval_fields(data_type: &DataType, children: &[Option<IntervalFields>]) -> DataType {
    let tag = |field: &FieldRef, units: Option<&Option<IntervalFields>>| -> FieldRef {
        match units.copied().flatten() {
            Some(units) if IntervalFields::of(field).is_some() => {
                let mut metadata = field.metadata().clone();
                metadata.extend(units.metadata());
                Arc::new(field.as_ref().clone().with_metadata(metadata))
            }
            _ => field.clone(),
        }
    };
    match data_type {
        DataType::List(element) => DataType::List(tag(element, children.first())),
        DataType::LargeList(element) => DataType::LargeList(tag(element, children.first())),
        DataType::Map(entries, sorted) => match entries.data_type() {
            DataType::Struct(pair) => {
                let pair = pair.iter().enumerate().map(|(i, f)| tag(f, children.get(i))).collect();
                DataType::Map(Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(pair))), *sorted)
            }
            _ => data_type.clone(),
        },
        DataType::Struct(fields) => DataType::Struct(fields.iter().enumerate().map(|(i, f)| tag(f, children.get(i))).collect()),
        _ => data_type.clone(),
    }
}

/// `expr`, of the nested `data_type`, retyped as `target`: the same type but
/// for the metadata or nullability of fields inside it (interval units,
/// collations), or a type of the same layout ([`intervals_as_integers`]).
pub fn with_nested_type(expr: Expr, data_type: &DataType, target: DataType) -> Expr {
    if target == *data_type {
        return expr;
    }
    ScalarUDF::new_from_impl(NestedTypeTags { target, signature: Signature::any(1, Volatility::Immutable) }).call(vec![expr])
}

/// The units of the ANSI intervals a nested type holds directly: an array's
/// element; a map's key and value; a struct's fields (`None` for other
/// children and when the type is not nested).
pub fn nested_interval_fields(data_type: &DataType) -> Vec<Option<IntervalFields>> {
    let units = |f: &FieldRef| IntervalFields::of(f).filter(|_| f.metadata().contains_key(ember_types::INTERVAL_FIELDS_KEY));
    match data_type {
        DataType::List(element) | DataType::LargeList(element) => vec![units(element)],
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(pair) => pair.iter().map(units).collect(),
            _ => Vec::new(),
        },
        DataType::Struct(fields) => fields.iter().map(units).collect(),
        _ => Vec::new(),
    }
}

/// A value retyped to `target`, a type that differs from its own only in the
/// metadata of its children's fields.
#[derive(Debug, PartialEq, Eq, Hash)]
struct NestedTypeTags {
    target: DataType,
    signature: Signature,
}

impl ScalarUDFImpl for NestedTypeTags {
    fn name(&self) -> &str {
        "nested_type_tags"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(self.target.clone())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let input = &args.arg_fields[0];
        Ok(Arc::new(Field::new(self.name(), self.target.clone(), input.is_nullable()).with_metadata(input.metadata().clone())))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        // The same buffers under the new type (Arrow's cast keeps a type that differs only in metadata).
        let retype = |array: &datafusion::arrow::array::ArrayRef| -> Result<datafusion::arrow::array::ArrayRef> {
            Ok(datafusion::arrow::array::make_array(retyped(array.to_data(), &self.target)?))
        };
        match args.args.into_iter().next() {
            Some(ColumnarValue::Array(array)) => Ok(ColumnarValue::Array(retype(&array)?)),
            // A nested scalar made from an array loses its fields' metadata: stay an array.
            Some(ColumnarValue::Scalar(scalar)) => Ok(ColumnarValue::Array(retype(&scalar.to_array_of_size(args.number_rows)?)?)),
            None => exec_err!("nested_type_tags takes one argument"),
        }
    }
}

/// `data` typed as `target`, a type of the same layout whose fields may carry
/// other metadata; children are retyped to match.
fn retyped(data: datafusion::arrow::array::ArrayData, target: &DataType) -> Result<datafusion::arrow::array::ArrayData> {
    let child_types: Vec<DataType> = match target {
        DataType::List(f) | DataType::LargeList(f) | DataType::Map(f, _) => vec![f.data_type().clone()],
        DataType::Struct(fields) => fields.iter().map(|f| f.data_type().clone()).collect(),
        _ => Vec::new(),
    };
    let children = if child_types.len() == data.child_data().len() {
        data.child_data().iter().zip(&child_types).map(|(child, t)| retyped(child.clone(), t)).collect::<Result<Vec<_>>>()?
    } else {
        data.child_data().to_vec()
    };
    Ok(data.into_builder().data_type(target.clone()).child_data(children).build()?)
}

/// `data_type` with its ANSI intervals, at any depth, read as the integers
/// they hold (a day-time interval's microseconds as a BIGINT, a year-month
/// interval's months as an INT), as Spark hashes them.
pub fn intervals_as_integers(data_type: &DataType) -> DataType {
    let of_field = |field: &FieldRef| -> FieldRef { Arc::new(field.as_ref().clone().with_data_type(intervals_as_integers(field.data_type()))) };
    match data_type {
        DataType::Duration(_) => DataType::Int64,
        DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth) => DataType::Int32,
        DataType::List(element) => DataType::List(of_field(element)),
        DataType::LargeList(element) => DataType::LargeList(of_field(element)),
        DataType::Map(entries, sorted) => DataType::Map(of_field(entries), *sorted),
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(of_field).collect()),
        other => other.clone(),
    }
}

/// `data_type` without the ANSI interval units of the fields inside it (at
/// any depth): the type DataFusion's nested functions give their results,
/// which do not carry field metadata through.
pub fn without_nested_interval_units(data_type: &DataType) -> DataType {
    let strip = |field: &FieldRef| -> FieldRef {
        let mut metadata = field.metadata().clone();
        metadata.remove(ember_types::INTERVAL_FIELDS_KEY);
        Arc::new(field.as_ref().clone().with_data_type(without_nested_interval_units(field.data_type())).with_metadata(metadata))
    };
    match data_type {
        DataType::List(element) => DataType::List(strip(element)),
        DataType::LargeList(element) => DataType::LargeList(strip(element)),
        DataType::Map(entries, sorted) => DataType::Map(strip(entries), *sorted),
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(strip).collect()),
        other => other.clone(),
    }
}

/// `data_type` with the ANSI interval units of the fields at the same
/// places in `model`, a type of the same shape but for nullability, field
/// names and metadata (fields of `model` without units leave them off);
/// `None` when the shapes differ.
pub fn with_units_of_model(data_type: &DataType, model: &DataType) -> Option<DataType> {
    let field_like = |field: &FieldRef, model: &FieldRef| -> Option<FieldRef> {
        let mut metadata = field.metadata().clone();
        metadata.remove(ember_types::INTERVAL_FIELDS_KEY);
        if let Some(units) = model.metadata().get(ember_types::INTERVAL_FIELDS_KEY) {
            metadata.insert(ember_types::INTERVAL_FIELDS_KEY.to_string(), units.clone());
        }
        let data_type = with_units_of_model(field.data_type(), model.data_type())?;
        Some(Arc::new(field.as_ref().clone().with_data_type(data_type).with_metadata(metadata)))
    };
    Some(match (data_type, model) {
        (DataType::List(x), DataType::List(y)) => DataType::List(field_like(x, y)?),
        (DataType::LargeList(x), DataType::LargeList(y)) => DataType::LargeList(field_like(x, y)?),
        (DataType::Map(x, sorted), DataType::Map(y, _)) => DataType::Map(field_like(x, y)?, *sorted),
        (DataType::Struct(xs), DataType::Struct(ys)) if xs.len() == ys.len() => {
            DataType::Struct(xs.iter().zip(ys.iter()).map(|(x, y)| field_like(x, y)).collect::<Option<_>>()?)
        }
        (DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_), _) => return None,
        (a, b) if a == b => a.clone(),
        _ => return None,
    })
}

/// The type of `a` and `b` (the same but for nested interval units) with the
/// ANSI intervals inside them taking the units of both (`array<interval
/// hour>` and `array<interval minute>` give `array<interval hour to
/// minute>`); a field without units has the widest. `None` when the types
/// differ otherwise.
pub fn widen_nested_units(a: &DataType, b: &DataType) -> Option<DataType> {
    if without_nested_interval_units(a) != without_nested_interval_units(b) {
        return None;
    }
    let widen = |x: &FieldRef, y: &FieldRef| -> Option<FieldRef> {
        let data_type = widen_nested_units(x.data_type(), y.data_type())?;
        let field = x.as_ref().clone().with_data_type(data_type);
        Some(Arc::new(match (IntervalFields::of(x), IntervalFields::of(y)) {
            (Some(p), Some(q)) => {
                let units = IntervalFields { start: p.start.min(q.start), end: p.end.max(q.end) };
                let mut metadata = field.metadata().clone();
                metadata.extend(units.metadata());
                field.with_metadata(metadata)
            }
            _ => field,
        }))
    };
    Some(match (a, b) {
        (DataType::List(x), DataType::List(y)) => DataType::List(widen(x, y)?),
        (DataType::LargeList(x), DataType::LargeList(y)) => DataType::LargeList(widen(x, y)?),
        (DataType::Map(x, sorted), DataType::Map(y, _)) => DataType::Map(widen(x, y)?, *sorted),
        (DataType::Struct(xs), DataType::Struct(ys)) => DataType::Struct(xs.iter().zip(ys.iter()).map(|(x, y)| widen(x, y)).collect::<Option<_>>()?),
        _ => a.clone(),
    })
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::datatypes::TimeUnit;

    use super::*;

    fn array_of(units: Option<IntervalFields>) -> DataType {
        let element = Field::new_list_field(DataType::Duration(TimeUnit::Microsecond), true);
        DataType::List(Arc::new(match units {
            Some(units) => element.with_metadata(units.metadata()),
            None => element,
        }))
    }

    #[test]
    fn nested_units_are_taken_off_and_widened() {
        let hour = array_of(IntervalFields::new(1, 1, false));
        let minute = array_of(IntervalFields::new(2, 2, false));
        assert_eq!(without_nested_interval_units(&hour), array_of(None));
        assert_eq!(nested_interval_fields(&hour), vec![IntervalFields::new(1, 1, false)]);
        assert_eq!(widen_nested_units(&hour, &minute), Some(array_of(IntervalFields::new(1, 2, false))));
        assert_eq!(widen_nested_units(&hour, &DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true)))), None);
    }

    #[test]
    fn units_are_taken_from_a_model_of_the_same_shape() {
        let hour = array_of(IntervalFields::new(1, 1, false));
        let plain_non_null = DataType::List(Arc::new(Field::new("element", DataType::Duration(TimeUnit::Microsecond), false)));
        let typed = with_units_of_model(&plain_non_null, &hour).expect("same shape");
        let DataType::List(element) = &typed else { panic!("a list") };
        assert!(!element.is_nullable());
        assert_eq!(nested_interval_fields(&typed), vec![IntervalFields::new(1, 1, false)]);
        assert_eq!(with_units_of_model(&DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true))), &hour), None);
    }

    #[test]
    fn intervals_read_as_integers() {
        let struct_type = DataType::Struct(vec![Field::new("m", DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth), true)].into());
        assert_eq!(intervals_as_integers(&array_of(None)), DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true))));
        assert_eq!(intervals_as_integers(&struct_type), DataType::Struct(vec![Field::new("m", DataType::Int32, true)].into()));
    }
}
