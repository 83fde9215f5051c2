//! Spark's JSON string functions: `get_json_object`, `json_array_length`
//! and `json_object_keys`. Invalid JSON gives NULL, as in Spark. Values are
//! re-emitted as Spark's JSON generator writes them: compact, keys in their
//! original order, fractional numbers as Java doubles (`1.50` → `1.5`,
//! `1e3` → `1000.0`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int32Array, ListBuilder, StringArray, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

/// A parsed JSON value that keeps the order of object keys.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Parses one JSON document (surrounding whitespace allowed).
fn parse(text: &str) -> Option<Json> {
    let mut parser = Parser { bytes: text.as_bytes(), at: 0 };
    let value = parser.value()?;
    parser.skip_whitespace();
    (parser.at == parser.bytes.len()).then_some(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn skip_whitespace(&mut self) {
        while self.bytes.get(self.at).is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Option<Json> {
        self.bytes[self.at..].starts_with(word.as_bytes()).then(|| {
            self.at += word.len();
            value
        })
    }

    fn value(&mut self) -> Option<Json> {
        self.skip_whitespace();
        match *self.bytes.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut fields = Vec::new();
                if self.eat(b'}') {
                    return Some(Json::Object(fields));
                }
                loop {
                    self.skip_whitespace();
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    fields.push((key, self.value()?));
                    if self.eat(b'}') {
                        return Some(Json::Object(fields));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(Json::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.eat(b']') {
                        return Some(Json::Array(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(b)) {
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        text.parse::<f64>().ok()?;
        Some(Json::Number(text.to_string()))
    }

    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at;
        self.at += 1;
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => {
                    let raw = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
                    return serde_json::from_str(raw).ok();
                }
                _ => {}
            }
        }
        None
    }
}

/// A number as Jackson writes it back: integers as written, others as a
/// Java `double` (`Double.toString`).
fn number_text(text: &str) -> String {
    let integral = !text.contains(['.', 'e', 'E']);
    if integral {
        return text.to_string();
    }
    let value: f64 = text.parse().unwrap_or(f64::NAN);
    let magnitude = value.abs();
    if value == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let plain = format!("{value}");
        if plain.contains('.') { plain } else { format!("{plain}.0") }
    } else {
        let scientific = format!("{value:e}");
        let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
        format!("{mantissa}E{exponent}")
    }
}

/// Compact JSON text of a value.
fn write(value: &Json, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&number_text(n)),
        Json::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Json::Object(fields) => {
            out.push('{');
            for (i, (key, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).unwrap_or_default());
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
    }
}

/// One step of a Spark JSON path.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
    Wildcard,
}

/// Parses `$`, `.name`, `['name']`, `[n]` and `[*]` steps.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            let name = &after[..end];
            steps.push(if name == "*" { Step::Wildcard } else { Step::Key(name.to_string()) });
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("['") {
            let end = after.find("']")?;
            steps.push(Step::Key(after[..end].to_string()));
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = after[..end].trim();
            steps.push(if inside == "*" { Step::Wildcard } else { Step::Index(inside.parse().ok()?) });
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// The values `steps` select in `value`, in document order.
fn select<'a>(value: &'a Json, steps: &[Step], out: &mut Vec<&'a Json>) {
    let Some((step, rest)) = steps.split_first() else {
        out.push(value);
        return;
    };
    match (step, value) {
        (Step::Key(key), Json::Object(fields)) => {
            if let Some((_, v)) = fields.iter().find(|(k, _)| k == key) {
                select(v, rest, out);
            }
        }
        (Step::Index(i), Json::Array(items)) => {
            if let Some(v) = items.get(*i) {
                select(v, rest, out);
            }
        }
        (Step::Wildcard, Json::Array(items)) => {
            for item in items {
                select(item, rest, out);
            }
        }
        _ => {}
    }
}

/// `get_json_object(json, path)` of one value.
fn get_json_object(json: &str, path: &str) -> Option<String> {
    let steps = parse_path(path)?;
    let value = parse(json)?;
    let mut found = Vec::new();
    select(&value, &steps, &mut found);
    let mut out = String::new();
    match found.as_slice() {
        [] | [Json::Null] => return None,
        [Json::String(s)] => return Some(s.clone()),
        [single] => write(single, &mut out),
        many => write(&Json::Array(many.iter().map(|v| (*v).clone()).collect()), &mut out),
    }
    Some(out)
}

/// Which JSON function a [`SparkJson`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonFunction {
    /// `get_json_object(json, path)`: STRING.
    GetJsonObject,
    /// `json_array_length(json)`: INT, NULL unless an array.
    JsonArrayLength,
    /// `json_object_keys(json)`: ARRAY<STRING>, NULL unless an object.
    JsonObjectKeys,
}

impl JsonFunction {
    /// The function of this Spark name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "get_json_object" => Self::GetJsonObject,
            "json_array_length" => Self::JsonArrayLength,
            "json_object_keys" => Self::JsonObjectKeys,
            _ => return None,
        })
    }

    /// How many arguments it takes.
    pub fn arity(self) -> usize {
        if self == Self::GetJsonObject { 2 } else { 1 }
    }
}

/// A Spark JSON string function over STRING arguments.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SparkJson {
    function: JsonFunction,
    signature: Signature,
}

impl SparkJson {
    /// The call `function(args)`; the arguments are cast to STRING.
    pub fn call(function: JsonFunction, args: Vec<Expr>) -> Expr {
        let udf = SparkJson { function, signature: Signature::any(function.arity(), Volatility::Immutable) };
        let args = args.into_iter().map(|a| datafusion::logical_expr::cast(a, DataType::Utf8)).collect();
        ScalarUDF::new_from_impl(udf).call(args)
    }
}

impl ScalarUDFImpl for SparkJson {
    fn name(&self) -> &str {
        match self.function {
            JsonFunction::GetJsonObject => "get_json_object",
            JsonFunction::JsonArrayLength => "json_array_length",
            JsonFunction::JsonObjectKeys => "json_object_keys",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(match self.function {
            JsonFunction::GetJsonObject => DataType::Utf8,
            JsonFunction::JsonArrayLength => DataType::Int32,
            JsonFunction::JsonObjectKeys => DataType::List(Arc::new(Field::new("element", DataType::Utf8, true))),
        })
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = args.args.iter().map(|a| a.to_array(rows)).collect::<Result<Vec<_>>>()?;
        let Some(json) = arrays[0].as_string_opt::<i32>() else {
            return exec_err!("{} expects a string", self.name());
        };
        let result: ArrayRef = match self.function {
            JsonFunction::GetJsonObject => {
                let Some(path) = arrays[1].as_string_opt::<i32>() else {
                    return exec_err!("get_json_object expects a string path");
                };
                let values: StringArray = json
                    .iter()
                    .zip(path.iter())
                    .map(|(j, p)| j.zip(p).and_then(|(j, p)| get_json_object(j, p)))
                    .collect();
                Arc::new(values)
            }
            JsonFunction::JsonArrayLength => {
                let lengths: Int32Array = json
                    .iter()
                    .map(|j| match j.and_then(parse) {
                        Some(Json::Array(items)) => Some(items.len() as i32),
                        _ => None,
                    })
                    .collect();
                Arc::new(lengths)
            }
            JsonFunction::JsonObjectKeys => {
                let mut keys = ListBuilder::new(StringBuilder::new()).with_field(Field::new("element", DataType::Utf8, true));
                for j in json.iter() {
                    match j.and_then(parse) {
                        Some(Json::Object(fields)) => {
                            for (key, _) in fields {
                                keys.values().append_value(key);
                            }
                            keys.append(true);
                        }
                        _ => keys.append(false),
                    }
                }
                Arc::new(keys.finish())
            }
        };
        debug_assert_eq!(result.len(), rows);
        Ok(ColumnarValue::Array(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_json_object_follows_paths() {
        let doc = r#"{"a": 1, "b": [1, 2], "x": {"z": 1.50, "y": "s"}, "n": null}"#;
        assert_eq!(get_json_object(doc, "$.a").as_deref(), Some("1"));
        assert_eq!(get_json_object(doc, "$.b").as_deref(), Some("[1,2]"));
        assert_eq!(get_json_object(doc, "$.b[1]").as_deref(), Some("2"));
        assert_eq!(get_json_object(doc, "$.x").as_deref(), Some(r#"{"z":1.5,"y":"s"}"#));
        assert_eq!(get_json_object(doc, "$['x'].y").as_deref(), Some("s"));
        assert_eq!(get_json_object(doc, "$.n"), None);
        assert_eq!(get_json_object(doc, "$.missing"), None);
        assert_eq!(get_json_object("not json", "$"), None);
        assert_eq!(get_json_object(r#"{"x": [{"a":1},{"a":2}]}"#, "$.x[*].a").as_deref(), Some("[1,2]"));
    }

    #[test]
    fn numbers_are_written_as_java_doubles() {
        assert_eq!(number_text("1e3"), "1000.0");
        assert_eq!(number_text("1.50"), "1.5");
        assert_eq!(number_text("12"), "12");
        assert_eq!(number_text("1e20"), "1.0E20");
        assert_eq!(number_text("0.0001"), "1.0E-4");
    }
}
