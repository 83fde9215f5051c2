//! User-defined types (a Python `UserDefinedType` such as
//! `pyspark.ml.linalg.VectorUDT`): Ember keeps a UDT column as its SQL type
//! and records the UDT's classes in the field's metadata, so that the
//! schemas it sends back name the UDT and the client turns the values into
//! the UDT's objects again.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields};
use ember_protocol::connect;
use ember_protocol::connect::data_type::{self as pdt, Kind};
use serde_json::{Map, Value};

/// Field metadata key holding a UDT's classes as a JSON object.
pub const UDT_METADATA_KEY: &str = "spark.udt";

/// The classes of a UDT, under the names Spark's JSON gives them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserDefinedType {
    /// The JVM class (`class`).
    pub class: Option<String>,
    /// The Python class (`pyClass`).
    pub py_class: Option<String>,
    /// The pickled Python class of a Python-only UDT (`serializedClass`).
    pub serialized_class: Option<String>,
}

/// The Python classes Spark's JVM UDTs name (their `pyUDT`): Spark keeps
/// the JVM class's, whatever Python class the client gave.
const JVM_PYTHON_CLASSES: [(&str, &str); 5] = [
    ("org.apache.spark.ml.linalg.VectorUDT", "pyspark.ml.linalg.VectorUDT"),
    ("org.apache.spark.ml.linalg.MatrixUDT", "pyspark.ml.linalg.MatrixUDT"),
    ("org.apache.spark.mllib.linalg.VectorUDT", "pyspark.mllib.linalg.VectorUDT"),
    ("org.apache.spark.mllib.linalg.MatrixUDT", "pyspark.mllib.linalg.MatrixUDT"),
    ("org.apache.spark.sql.test.ExamplePointUDT", "pyspark.testing.objects.ExamplePointUDT"),
];

impl UserDefinedType {
    const KEYS: [&'static str; 3] = ["class", "pyClass", "serializedClass"];

    /// The UDT of these classes, with the Python class a JVM UDT Ember
    /// knows names.
    fn new(class: Option<String>, py_class: Option<String>, serialized_class: Option<String>) -> Self {
        let known = class.as_deref().and_then(|class| JVM_PYTHON_CLASSES.iter().find(|(jvm, _)| *jvm == class));
        let py_class = known.map(|(_, python)| python.to_string()).or(py_class);
        Self { class, py_class, serialized_class }
    }

    /// The classes of Spark's JSON form `{"type":"udt","class":…,"pyClass":…,"sqlType":…}`.
    pub fn from_json(obj: &Map<String, Value>) -> Self {
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_string);
        Self::new(text(Self::KEYS[0]), text(Self::KEYS[1]), text(Self::KEYS[2]))
    }

    /// The classes of a Spark Connect UDT type.
    pub fn from_proto(udt: &pdt::Udt) -> Self {
        Self::new(udt.jvm_class.clone(), udt.python_class.clone(), udt.serialized_python_class.clone())
    }

    /// The UDT a Spark Connect type is, if it is one.
    pub fn of_proto(dt: Option<&connect::DataType>) -> Option<Self> {
        match dt?.kind.as_ref()? {
            Kind::Udt(udt) => Some(Self::from_proto(udt)),
            _ => None,
        }
    }

    /// The UDT a type of Spark's JSON is, if it is one.
    pub fn of_json(value: Option<&Value>) -> Option<Self> {
        match value? {
            Value::Object(obj) if obj.get("type").and_then(Value::as_str) == Some("udt") => Some(Self::from_json(obj)),
            _ => None,
        }
    }

    /// The UDT a field's metadata records, if any.
    pub fn of(field: &Field) -> Option<Self> {
        let text = field.metadata().get(UDT_METADATA_KEY)?;
        match serde_json::from_str(text).ok()? {
            Value::Object(obj) => Some(Self::from_json(&obj)),
            _ => None,
        }
    }

    /// `field` (of the UDT's SQL type) marked as holding this UDT.
    pub fn tag(&self, field: Field) -> Field {
        let mut metadata = field.metadata().clone();
        metadata.insert(UDT_METADATA_KEY.to_string(), Value::Object(self.members()).to_string());
        field.with_metadata(metadata)
    }

    /// `field` marked as holding `udt`, if any.
    pub fn tag_with(field: Field, udt: Option<&Self>) -> Field {
        match udt {
            Some(udt) => udt.tag(field),
            None => field,
        }
    }

    /// `dt` with its array element, or its map key and value, marked as
    /// holding the UDTs given (`second` is a map's value).
    pub fn tag_children(dt: DataType, first: Option<&Self>, second: Option<&Self>) -> DataType {
        match dt {
            DataType::List(element) => DataType::List(Arc::new(Self::tag_with(element.as_ref().clone(), first))),
            DataType::Map(entries, sorted) => {
                let DataType::Struct(pair) = entries.data_type() else { return DataType::Map(entries, sorted) };
                let pair: Fields = pair.iter().zip([first, second]).map(|(f, udt)| Self::tag_with(f.as_ref().clone(), udt)).collect();
                DataType::Map(Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(pair))), sorted)
            }
            other => other,
        }
    }

    /// Whether a field inside `dt` (an array's element, a map's key or
    /// value, a struct's field, at any depth) holds a UDT.
    pub fn is_inside(dt: &DataType) -> bool {
        let holds = |field: &Field| Self::of(field).is_some() || Self::is_inside(field.data_type());
        match dt {
            DataType::List(element) | DataType::LargeList(element) | DataType::FixedSizeList(element, _) => holds(element),
            DataType::Map(entries, _) => holds(entries),
            DataType::Struct(fields) => fields.iter().any(|f| holds(f)),
            _ => false,
        }
    }

    /// `field` marked with the UDT `from` holds, if any.
    pub fn carry(field: Field, from: &Field) -> Field {
        Self::tag_with(field, Self::of(from).as_ref())
    }

    /// The Spark Connect type of this UDT over `sql_type`.
    pub fn to_proto(&self, sql_type: connect::DataType) -> connect::DataType {
        connect::DataType {
            kind: Some(Kind::Udt(Box::new(pdt::Udt {
                r#type: "udt".to_string(),
                jvm_class: self.class.clone(),
                python_class: self.py_class.clone(),
                serialized_python_class: self.serialized_class.clone(),
                sql_type: Some(Box::new(sql_type)),
            }))),
        }
    }

    /// Spark's JSON of this UDT over `sql_type_json`, members in Spark's order.
    pub fn to_json(&self, sql_type_json: &str) -> String {
        let members: String = self.members().iter().map(|(key, value)| format!(",{}:{value}", Value::String(key.clone()))).collect();
        format!("{{\"type\":\"udt\"{members},\"sqlType\":{sql_type_json}}}")
    }

    fn members(&self) -> Map<String, Value> {
        Self::KEYS
            .iter()
            .zip([&self.class, &self.py_class, &self.serialized_class])
            .filter_map(|(key, value)| Some((key.to_string(), Value::String(value.clone()?))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_travel_in_field_metadata_and_back_to_json() {
        let udt = UserDefinedType { class: None, py_class: Some("m.PointUDT".into()), serialized_class: Some("gAN".into()) };
        let field = udt.tag(Field::new("p", DataType::Float64, true));
        assert_eq!(UserDefinedType::of(&field), Some(udt.clone()));
        assert_eq!(udt.to_json("\"double\""), r#"{"type":"udt","pyClass":"m.PointUDT","serializedClass":"gAN","sqlType":"double"}"#);
        assert_eq!(UserDefinedType::of(&Field::new("q", DataType::Int32, true)), None);
        let points = UserDefinedType::tag_children(DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true))), Some(&udt), None);
        assert!(UserDefinedType::is_inside(&points) && !UserDefinedType::is_inside(&DataType::Float64));
        let point = serde_json::json!({"class": "org.apache.spark.sql.test.ExamplePointUDT", "pyClass": "pyspark.sql.tests.ExamplePointUDT"});
        assert_eq!(UserDefinedType::from_json(point.as_object().unwrap()).py_class.as_deref(), Some("pyspark.testing.objects.ExamplePointUDT"));
    }
}
