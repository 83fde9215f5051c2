//! Spark's `schema_of_variant` and `schema_of_variant_agg`: the SQL type
//! of a variant value (`OBJECT<a: BIGINT, …>`, `ARRAY<…>`, `VOID` for JSON
//! `null`), with the types of array elements and of the rows of a group
//! merged as Spark merges them: integers and decimals widen to a decimal
//! (a DOUBLE past 38 digits), numbers with a DOUBLE to DOUBLE, objects
//! field by field, and anything else that differs to `VARIANT`.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray, StructArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};
use serde_json::{Value as Json, json};

use crate::kernel_udf::KernelUdf;
use crate::variant_binary::{self, ValueKind};

const MAX_PRECISION: u32 = 38;

/// The type of a variant value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariantSchema {
    Void,
    Boolean,
    Bigint,
    Double,
    Float,
    /// Precision and scale.
    Decimal(u32, u32),
    String,
    Object(BTreeMap<String, VariantSchema>),
    Array(Box<VariantSchema>),
    /// Values of different types.
    Variant,
}

/// A decimal's type as Spark derives it: trailing fraction zeros dropped,
/// at least as many digits as the scale.
fn decimal_type(mut unscaled: i128, mut scale: i64) -> VariantSchema {
    while unscaled != 0 && unscaled % 10 == 0 {
        unscaled /= 10;
        scale -= 1;
    }
    let digits = unscaled.unsigned_abs().checked_ilog10().map_or(1, |d| d + 1) as i64;
    let (precision, scale) = if scale < 0 { (digits - scale, 0) } else { (digits.max(scale), scale) };
    VariantSchema::Decimal(precision as u32, scale as u32)
}

/// A decimal's precision and scale for merging, integers counted as DECIMAL(20,0).
fn as_decimal(schema: &VariantSchema) -> Option<(u32, u32)> {
    match schema {
        VariantSchema::Bigint => Some((20, 0)),
        VariantSchema::Decimal(p, s) => Some((*p, *s)),
        _ => None,
    }
}

impl VariantSchema {
    /// The type of the variant value `value` with key dictionary `metadata`;
    /// `None` for malformed bytes.
    pub fn of(value: &[u8], metadata: &[u8]) -> Option<VariantSchema> {
        Some(match variant_binary::kind(value)? {
            ValueKind::Null => VariantSchema::Void,
            ValueKind::Boolean => VariantSchema::Boolean,
            ValueKind::Integer => VariantSchema::Bigint,
            ValueKind::Double => VariantSchema::Double,
            ValueKind::Float => VariantSchema::Float,
            ValueKind::Decimal(unscaled, scale) => decimal_type(unscaled, i64::from(scale)),
            ValueKind::String => VariantSchema::String,
            ValueKind::Other => VariantSchema::Variant,
            ValueKind::Object => {
                let fields = variant_binary::entries(value, metadata)?.into_iter();
                VariantSchema::Object(fields.map(|(key, v)| Some((key?.to_string(), Self::of(v, metadata)?))).collect::<Option<_>>()?)
            }
            ValueKind::Array => {
                let elements = variant_binary::entries(value, metadata)?;
                let merged = elements.into_iter().try_fold(VariantSchema::Void, |acc, (_, v)| Some(acc.merge(Self::of(v, metadata)?)))?;
                VariantSchema::Array(Box::new(merged))
            }
        })
    }

    /// The common type of `self` and `other`.
    pub fn merge(self, other: VariantSchema) -> VariantSchema {
        use VariantSchema::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Void, x) | (x, Void) => x,
            (Object(mut a), Object(b)) => {
                for (key, schema) in b {
                    let merged = match a.remove(&key) {
                        Some(existing) => existing.merge(schema),
                        None => schema,
                    };
                    a.insert(key, merged);
                }
                Object(a)
            }
            (Array(a), Array(b)) => Array(Box::new(a.merge(*b))),
            (Double, x) | (x, Double) if as_decimal(&x).is_some() => Double,
            (a, b) => match (as_decimal(&a), as_decimal(&b)) {
                (Some((p1, s1)), Some((p2, s2))) => {
                    let scale = s1.max(s2);
                    let precision = (p1 - s1).max(p2 - s2) + scale;
                    if precision > MAX_PRECISION { Double } else { Decimal(precision, scale) }
                }
                _ => Variant,
            },
        }
    }

    /// The type as `schema_of_variant` writes it.
    pub fn render(&self) -> String {
        match self {
            VariantSchema::Void => "VOID".into(),
            VariantSchema::Boolean => "BOOLEAN".into(),
            VariantSchema::Bigint => "BIGINT".into(),
            VariantSchema::Double => "DOUBLE".into(),
            VariantSchema::Float => "FLOAT".into(),
            VariantSchema::Decimal(p, s) => format!("DECIMAL({p},{s})"),
            VariantSchema::String => "STRING".into(),
            VariantSchema::Variant => "VARIANT".into(),
            VariantSchema::Array(element) => format!("ARRAY<{}>", element.render()),
            VariantSchema::Object(fields) => {
                let fields = fields.iter().map(|(k, v)| format!("{}: {}", quote_if_needed(k), v.render())).collect::<Vec<_>>();
                format!("OBJECT<{}>", fields.join(", "))
            }
        }
    }

    /// A JSON form of the type, the state of `schema_of_variant_agg`.
    fn to_state(&self) -> Json {
        match self {
            VariantSchema::Decimal(p, s) => json!({ "decimal": [p, s] }),
            VariantSchema::Array(element) => json!({ "array": element.to_state() }),
            VariantSchema::Object(fields) => json!({ "object": fields.iter().map(|(k, v)| (k.clone(), v.to_state())).collect::<serde_json::Map<_, _>>() }),
            other => Json::String(other.render()),
        }
    }

    fn from_state(state: &Json) -> Option<VariantSchema> {
        Some(match state {
            Json::String(name) => match name.as_str() {
                "VOID" => VariantSchema::Void,
                "BOOLEAN" => VariantSchema::Boolean,
                "BIGINT" => VariantSchema::Bigint,
                "DOUBLE" => VariantSchema::Double,
                "FLOAT" => VariantSchema::Float,
                "STRING" => VariantSchema::String,
                _ => VariantSchema::Variant,
            },
            Json::Object(map) => match map.iter().next()? {
                (tag, Json::Array(ps)) if tag == "decimal" => VariantSchema::Decimal(ps.first()?.as_u64()? as u32, ps.get(1)?.as_u64()? as u32),
                (tag, element) if tag == "array" => VariantSchema::Array(Box::new(Self::from_state(element)?)),
                (_, Json::Object(fields)) => {
                    VariantSchema::Object(fields.iter().map(|(k, v)| Some((k.clone(), Self::from_state(v)?))).collect::<Option<_>>()?)
                }
                _ => return None,
            },
            _ => return None,
        })
    }
}

/// A field name as Spark writes it in a type: backquoted unless it is made
/// of letters, digits and underscores (and not only digits).
fn quote_if_needed(name: &str) -> String {
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.chars().all(|c| c.is_ascii_digit());
    if plain { name.to_string() } else { format!("`{}`", name.replace('`', "``")) }
}

/// The schema of row `i` of a variant array (`None` for NULL).
fn schema_at(variants: &StructArray, i: usize) -> Result<Option<VariantSchema>> {
    if variants.is_null(i) {
        return Ok(None);
    }
    let (value, metadata) = (variants.column(0).as_binary::<i32>().value(i), variants.column(1).as_binary::<i32>().value(i));
    VariantSchema::of(value, metadata).map(Some).ok_or_else(crate::variant::malformed_variant)
}

/// `schema_of_variant(variant)`.
pub fn schema_of_variant(variant: Expr) -> Expr {
    KernelUdf::call_null_intolerant("schema_of_variant", DataType::Utf8, schema_kernel, "", vec![variant])
}

fn schema_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let variants = args[0].as_struct();
    let schemas = (0..variants.len()).map(|i| Ok(schema_at(variants, i)?.map(|s| s.render())));
    Ok(Arc::new(schemas.collect::<Result<StringArray>>()?))
}

/// The `schema_of_variant_agg` aggregate: the merged type of a group's
/// variants (`VOID` when there are none).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SchemaOfVariantAgg {
    signature: Signature,
}

impl SchemaOfVariantAgg {
    /// The aggregate call over `variant`.
    pub fn call(variant: Expr) -> Expr {
        let udaf = Arc::new(AggregateUDF::new_from_impl(SchemaOfVariantAgg { signature: Signature::any(1, Volatility::Immutable) }));
        Expr::AggregateFunction(AggregateFunction::new_udf(udaf, vec![variant], false, None, vec![], None))
    }
}

impl AggregateUDFImpl for SchemaOfVariantAgg {
    fn name(&self) -> &str {
        "schema_of_variant_agg"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn is_nullable(&self) -> bool {
        false
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(MergedSchema(VariantSchema::Void)))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(format_state_name(args.name, "schema"), DataType::Utf8, false))])
    }
}

/// The merged type of the variants seen so far.
#[derive(Debug)]
struct MergedSchema(VariantSchema);

impl MergedSchema {
    fn absorb(&mut self, schema: VariantSchema) {
        self.0 = std::mem::replace(&mut self.0, VariantSchema::Void).merge(schema);
    }
}

impl Accumulator for MergedSchema {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let variants = values[0].as_struct();
        for i in 0..variants.len() {
            if let Some(schema) = schema_at(variants, i)? {
                self.absorb(schema);
            }
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for state in states[0].as_string::<i32>().iter().flatten() {
            let schema = serde_json::from_str(state).ok().and_then(|json| VariantSchema::from_state(&json)).unwrap_or(VariantSchema::Variant);
            self.absorb(schema);
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Utf8(Some(self.0.to_state().to_string()))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Utf8(Some(self.0.render())))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: &str) -> String {
        let v = variant_binary::parse_json(json).unwrap();
        VariantSchema::of(&v.value, &v.metadata).unwrap().render()
    }

    #[test]
    fn types_match_spark() {
        assert_eq!(
            schema(r#"{"a":1,"b":[1,2.5,"x"],"c":{"d":null,"e":true},"f":1.5e10,"g":12345678901234567890}"#),
            "OBJECT<a: BIGINT, b: ARRAY<VARIANT>, c: OBJECT<d: VOID, e: BOOLEAN>, f: DOUBLE, g: DECIMAL(20,0)>"
        );
        assert_eq!(schema("[0.05]"), "ARRAY<DECIMAL(2,2)>");
        assert_eq!(schema("[-1.50]"), "ARRAY<DECIMAL(2,1)>");
        assert_eq!(schema("[100.0]"), "ARRAY<DECIMAL(3,0)>");
        assert_eq!(schema("[1, 2.5]"), "ARRAY<DECIMAL(21,1)>");
        assert_eq!(schema("[1, null]"), "ARRAY<BIGINT>");
        assert_eq!(schema("[1.5, 1e2]"), "ARRAY<DOUBLE>");
        assert_eq!(schema("[12345678901234567890123456789012345678, 0.1]"), "ARRAY<DOUBLE>");
        assert_eq!(schema(r#"[{"b":1},{"a":"x","b":null}]"#), "ARRAY<OBJECT<a: STRING, b: BIGINT>>");
        assert_eq!(schema(r#"{"a b":1,"c`d":2}"#), "OBJECT<`a b`: BIGINT, `c``d`: BIGINT>");
        assert_eq!(schema("[]"), "ARRAY<VOID>");
        assert_eq!(schema("{}"), "OBJECT<>");
    }

    #[test]
    fn aggregate_state_round_trips() {
        let v = variant_binary::parse_json(r#"{"a":[1.25],"b":{"c":"x"},"d":null}"#).unwrap();
        let schema = VariantSchema::of(&v.value, &v.metadata).unwrap();
        assert_eq!(VariantSchema::from_state(&schema.to_state()), Some(schema));
    }
}
