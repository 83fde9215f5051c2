//! JSON Lines: Spark's schema inference (fields sorted by name, integers as
//! bigint, fractions as double, conflicts widened to string).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};

use arrow::datatypes::{DataType, Field, Fields};
use ember_errors::SparkError;
use serde_json::Value;

use crate::{compression, errors};
use crate::paths::{InputFile, qualified};

/// A JSON value's type during inference.
#[derive(Debug, Clone, PartialEq)]
enum Inferred {
    Null,
    Boolean,
    Long,
    Decimal(u8),
    Double,
    String,
    Array(Box<Inferred>),
    Struct(BTreeMap<String, Inferred>),
}

impl Inferred {
    fn of(value: &Value) -> Inferred {
        match value {
            Value::Null => Inferred::Null,
            Value::Bool(_) => Inferred::Boolean,
            Value::Number(n) if n.is_i64() => Inferred::Long,
            Value::Number(n) if n.is_u64() => Inferred::Decimal(20),
            Value::Number(_) => Inferred::Double,
            Value::String(_) => Inferred::String,
            Value::Array(items) => {
                Inferred::Array(Box::new(items.iter().map(Inferred::of).fold(Inferred::Null, Inferred::merge)))
            }
            Value::Object(map) => Inferred::Struct(map.iter().map(|(k, v)| (k.clone(), Inferred::of(v))).collect()),
        }
    }

    /// Spark's `JsonInferSchema.compatibleType`.
    fn merge(self, other: Inferred) -> Inferred {
        use Inferred::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Null, x) | (x, Null) => x,
            (Long, Decimal(p)) | (Decimal(p), Long) => Decimal(p.max(20)),
            (Decimal(p), Decimal(q)) => Decimal(p.max(q)),
            (Long | Decimal(_), Double) | (Double, Long | Decimal(_)) => Double,
            (Array(a), Array(b)) => Array(Box::new(a.merge(*b))),
            (Struct(mut a), Struct(b)) => {
                for (name, t) in b {
                    let merged = match a.remove(&name) {
                        Some(existing) => existing.merge(t),
                        None => t,
                    };
                    a.insert(name, merged);
                }
                Struct(a)
            }
            _ => String,
        }
    }

    fn data_type(self) -> DataType {
        match self {
            Inferred::Null | Inferred::String => DataType::Utf8,
            Inferred::Boolean => DataType::Boolean,
            Inferred::Long => DataType::Int64,
            Inferred::Decimal(p) => DataType::Decimal128(p, 0),
            Inferred::Double => DataType::Float64,
            Inferred::Array(element) => ember_types::array_type(element.data_type(), true),
            Inferred::Struct(fields) => DataType::Struct(struct_fields(fields)),
        }
    }
}

fn struct_fields(fields: BTreeMap<String, Inferred>) -> Fields {
    fields.into_iter().map(|(name, t)| Field::new(name, t.data_type(), true)).collect()
}

/// The schema Spark infers from JSON Lines files: the union of the top-level
/// objects' fields, sorted by name, all nullable.
pub fn infer_schema(files: &[InputFile]) -> Result<Vec<Field>, SparkError> {
    let mut top = BTreeMap::new();
    for file in files {
        for line in BufReader::new(compression::open(&file.path)?).lines() {
            let line = line.map_err(|e| errors::io(&qualified(&file.path), e))?;
            if line.trim().is_empty() {
                continue;
            }
            if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&line) {
                let Inferred::Struct(merged) =
                    Inferred::Struct(std::mem::take(&mut top)).merge(Inferred::of(&Value::Object(map)))
                else {
                    unreachable!("two structs merge into a struct")
                };
                top = merged;
            }
        }
    }
    Ok(struct_fields(top).iter().map(|f| f.as_ref().clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_sorted_widened_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "{\"b\": 1, \"a\": \"x\"}\n{\"b\": 1.5, \"c\": [1, null], \"d\": {\"z\": true, \"y\": null}}\n\n").unwrap();
        let fields = infer_schema(&[InputFile { path: path.clone(), size: 0, root: path }]).unwrap();
        let names: Vec<_> = fields.iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(fields[1].data_type(), &DataType::Float64);
        assert_eq!(fields[2].data_type(), &ember_types::array_type(DataType::Int64, true));
        let DataType::Struct(inner) = fields[3].data_type() else { panic!("struct expected") };
        assert_eq!(inner[0].name(), "y");
        assert_eq!(inner[0].data_type(), &DataType::Utf8);
    }

    #[test]
    fn conflicting_types_become_string() {
        assert_eq!(Inferred::Long.merge(Inferred::Boolean), Inferred::String);
        assert_eq!(Inferred::Long.merge(Inferred::Decimal(25)), Inferred::Decimal(25));
    }
}
