//! User-defined types (a Python `UserDefinedType` such as
//! `pyspark.ml.linalg.VectorUDT`): Ember keeps a UDT column as its SQL type
//! and records the UDT's classes in the field's metadata, so that the
//! schemas it sends back name the UDT and the client turns the values into
//! the UDT's objects again.

use arrow::datatypes::Field;
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

/// The JVM UDTs whose Python class Ember knows (Spark's answer names the
/// Python class the JVM class declares, which the client's own may not be).
const KNOWN_JVM_CLASSES: [&str; 4] = [
    "org.apache.spark.ml.linalg.VectorUDT",
    "org.apache.spark.ml.linalg.MatrixUDT",
    "org.apache.spark.mllib.linalg.VectorUDT",
    "org.apache.spark.mllib.linalg.MatrixUDT",
];

impl UserDefinedType {
    const KEYS: [&'static str; 3] = ["class", "pyClass", "serializedClass"];

    /// Whether Ember keeps this UDT: Spark's ML vectors and matrices. Other
    /// UDTs are read as their SQL type: a JVM one's answer depends on loading
    /// its JVM class, and a Python-only one would need its type kept inside
    /// arrays and maps too (`collect_list` of it fed to a Python UDF).
    pub fn is_kept(&self) -> bool {
        self.class.as_deref().is_some_and(|class| KNOWN_JVM_CLASSES.contains(&class))
    }

    /// The classes of Spark's JSON form `{"type":"udt","class":…,"pyClass":…,"sqlType":…}`.
    pub fn from_json(obj: &Map<String, Value>) -> Self {
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_string);
        Self { class: text(Self::KEYS[0]), py_class: text(Self::KEYS[1]), serialized_class: text(Self::KEYS[2]) }
    }

    /// The classes of a Spark Connect UDT type.
    pub fn from_proto(udt: &pdt::Udt) -> Self {
        Self { class: udt.jvm_class.clone(), py_class: udt.python_class.clone(), serialized_class: udt.serialized_python_class.clone() }
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

    /// `field` marked with the UDT `from` holds, if any.
    pub fn carry(field: Field, from: &Field) -> Field {
        match Self::of(from) {
            Some(udt) => udt.tag(field),
            None => field,
        }
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
    use arrow::datatypes::DataType;

    #[test]
    fn classes_travel_in_field_metadata_and_back_to_json() {
        let udt = UserDefinedType { class: None, py_class: Some("m.PointUDT".into()), serialized_class: Some("gAN".into()) };
        assert!(!udt.is_kept());
        assert!(!UserDefinedType { class: Some("org.example.PointUDT".into()), ..Default::default() }.is_kept());
        assert!(UserDefinedType { class: Some("org.apache.spark.ml.linalg.VectorUDT".into()), ..Default::default() }.is_kept());
        let field = udt.tag(Field::new("p", DataType::Float64, true));
        assert_eq!(UserDefinedType::of(&field), Some(udt.clone()));
        assert_eq!(udt.to_json("\"double\""), r#"{"type":"udt","pyClass":"m.PointUDT","serializedClass":"gAN","sqlType":"double"}"#);
        assert_eq!(UserDefinedType::of(&Field::new("q", DataType::Int32, true)), None);
    }
}
