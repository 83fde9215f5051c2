//! Spark's `asNullable`: a type with every nested field, element and map
//! value nullable, as Spark stores the schema of a table created from a query.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};

/// `field` and everything inside it nullable (map keys stay non-null, as in Spark).
pub fn as_nullable(field: &Field) -> Field {
    field.clone().with_nullable(true).with_data_type(nullable_inside(field.data_type()))
}

fn nullable_inside(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(|f| as_nullable(f)).collect()),
        DataType::List(element) => DataType::List(Arc::new(as_nullable(element))),
        DataType::LargeList(element) => DataType::LargeList(Arc::new(as_nullable(element))),
        DataType::Map(entries, sorted) => {
            let DataType::Struct(kv) = entries.data_type() else { return data_type.clone() };
            let key = kv[0].as_ref().clone().with_data_type(nullable_inside(kv[0].data_type()));
            let entries = entries.as_ref().clone().with_data_type(DataType::Struct(vec![key, as_nullable(&kv[1])].into()));
            DataType::Map(Arc::new(entries), *sorted)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{array_type, map_type};

    #[test]
    fn nested_fields_become_nullable_but_map_keys() {
        let inner = DataType::Struct(vec![Field::new("x", DataType::Int32, false)].into());
        let field = Field::new("m", map_type(DataType::Utf8, array_type(inner, false), false), false);
        let expected = map_type(
            DataType::Utf8,
            array_type(DataType::Struct(vec![Field::new("x", DataType::Int32, true)].into()), true),
            true,
        );
        assert_eq!(as_nullable(&field), Field::new("m", expected, true));
    }
}
