//! Spark's `array`, `map` and `named_struct`: DataFusion's functions with
//! Spark's nullability. The result is never NULL, and an element, map value
//! or struct field is nullable only when an input to it is.

use std::sync::Arc;

use arrow::array::{Array, ArrayData, ArrayRef, make_array};
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
};

/// Which value a [`SparkConstructor`] builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    /// `array(e1, e2, …)`.
    Array,
    /// `map(keys_array, values_array)`.
    Map,
    /// `named_struct(name1, value1, …)`.
    Struct,
}

/// `array(elements…)`.
pub fn array(elements: Vec<Expr>) -> Expr {
    wrap(datafusion::functions_nested::make_array::make_array_udf(), Shape::Array).call(elements)
}

/// `map(k1, v1, k2, v2, …)` from its keys and values.
pub fn map(keys: Vec<Expr>, values: Vec<Expr>) -> Expr {
    wrap(datafusion::functions_nested::map::map_udf(), Shape::Map).call(vec![array(keys), array(values)])
}

/// `named_struct(name1, value1, …)`.
pub fn named_struct(names_and_values: Vec<Expr>) -> Expr {
    wrap(datafusion::functions::core::named_struct(), Shape::Struct).call(names_and_values)
}

fn wrap(inner: Arc<ScalarUDF>, shape: Shape) -> ScalarUDF {
    ScalarUDF::new_from_impl(SparkConstructor { inner, shape })
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkConstructor {
    inner: Arc<ScalarUDF>,
    shape: Shape,
}

impl SparkConstructor {
    /// The inner function's result type with Spark's nested nullability.
    fn spark_type(&self, inner: &DataType, args: &[FieldRef]) -> DataType {
        match (self.shape, inner) {
            (Shape::Array, DataType::List(element)) => {
                let nullable = args.iter().any(|a| a.is_nullable() || a.data_type() == &DataType::Null);
                DataType::List(Arc::new(element.as_ref().clone().with_nullable(nullable)))
            }
            (Shape::Map, DataType::Map(entries, sorted)) => {
                let values_nullable = match args.get(1).map(|a| a.data_type()) {
                    Some(DataType::List(element)) => element.is_nullable(),
                    _ => true,
                };
                let DataType::Struct(kv) = entries.data_type() else { return inner.clone() };
                let fields: Vec<Field> = kv
                    .iter()
                    .enumerate()
                    .map(|(i, f)| f.as_ref().clone().with_nullable(i == 1 && values_nullable))
                    .collect();
                let entries = entries.as_ref().clone().with_data_type(DataType::Struct(fields.into()));
                DataType::Map(Arc::new(entries), *sorted)
            }
            (Shape::Struct, DataType::Struct(fields)) => {
                let fields: Vec<Field> = fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let value = args.get(2 * i + 1);
                        let field = f.as_ref().clone().with_nullable(value.is_none_or(|a| a.is_nullable()));
                        // A user-defined type stays one inside the struct.
                        match value {
                            Some(value) => ember_types::UserDefinedType::carry(field, value),
                            None => field,
                        }
                    })
                    .collect();
                DataType::Struct(fields.into())
            }
            _ => inner.clone(),
        }
    }
}

/// Relabels `array` with an equivalent type that differs only in nested nullability.
fn retype(array: ArrayRef, data_type: &DataType) -> Result<ArrayRef> {
    if array.data_type() == data_type {
        return Ok(array);
    }
    Ok(make_array(retype_data(array.to_data(), data_type)?))
}

fn retype_data(data: ArrayData, data_type: &DataType) -> Result<ArrayData> {
    let children = match data_type {
        DataType::List(field) | DataType::LargeList(field) | DataType::Map(field, _) => {
            vec![retype_data(data.child_data()[0].clone(), field.data_type())?]
        }
        DataType::Struct(fields) => data
            .child_data()
            .iter()
            .zip(fields.iter())
            .map(|(child, field)| retype_data(child.clone(), field.data_type()))
            .collect::<Result<_>>()?,
        _ => data.child_data().to_vec(),
    };
    Ok(data.into_builder().data_type(data_type.clone()).child_data(children).build()?)
}

impl ScalarUDFImpl for SparkConstructor {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn signature(&self) -> &Signature {
        self.inner.signature()
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let arg_fields = args.arg_fields;
        let inner = self.inner.return_field_from_args(args)?;
        let data_type = self.spark_type(inner.data_type(), arg_fields);
        Ok(Arc::new(Field::new(self.name(), data_type, false)))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let declared = args.return_field.data_type().clone();
        // The implementation itself: `ScalarUDF` would check its result against our type.
        match self.inner.inner().invoke_with_args(args)? {
            ColumnarValue::Array(array) => Ok(ColumnarValue::Array(retype(array, &declared)?)),
            ColumnarValue::Scalar(scalar) => {
                let array = retype(scalar.to_array()?, &declared)?;
                Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&array, 0)?))
            }
        }
    }
}
