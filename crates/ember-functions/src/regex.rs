//! Spark's regular-expression functions (`split`, `regexp_replace`,
//! `regexp_extract`, `regexp_extract_all`, `regexp_substr`, `regexp_instr`)
//! with Java's semantics where they differ from DataFusion's: every match is
//! replaced, `$1` group references, Java's `split` limits, empty strings
//! instead of NULL when nothing matches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int32Array, ListBuilder, StringArray, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{DataFusionError, Result, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, cast,
};
use regex::Regex;

/// One of Spark's regular-expression functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegexFunction {
    /// `split(str, regex[, limit])`
    Split,
    /// `regexp_replace(str, regex, replacement[, position])`
    Replace,
    /// `regexp_extract(str, regex[, group])`
    Extract,
    /// `regexp_extract_all(str, regex[, group])`
    ExtractAll,
    /// `regexp_substr(str, regex)`
    Substr,
    /// `regexp_instr(str, regex[, group])`
    Instr,
}

impl RegexFunction {
    /// The function of a Spark name called with `arity` arguments.
    pub fn of(name: &str, arity: usize) -> Option<Self> {
        Some(match (name, arity) {
            ("split", 2 | 3) => Self::Split,
            ("regexp_replace", 3 | 4) => Self::Replace,
            ("regexp_extract", 2 | 3) => Self::Extract,
            ("regexp_extract_all", 2 | 3) => Self::ExtractAll,
            ("regexp_substr", 2) => Self::Substr,
            ("regexp_instr", 2 | 3) => Self::Instr,
            _ => return None,
        })
    }

    /// A call on `args`: strings first, then INT options (cast as needed).
    pub fn call(self, args: Vec<Expr>) -> Expr {
        let args = args
            .into_iter()
            .enumerate()
            .map(|(i, arg)| {
                let string_arg = i < 2 || (self == Self::Replace && i == 2);
                cast(arg, if string_arg { DataType::Utf8 } else { DataType::Int32 })
            })
            .collect();
        let udf = SparkRegex { function: self, signature: Signature::variadic_any(Volatility::Immutable), cache: RegexCache::default() };
        Arc::new(ScalarUDF::new_from_impl(udf)).call(args)
    }

    fn name(self) -> &'static str {
        match self {
            Self::Split => "split",
            Self::Replace => "regexp_replace",
            Self::Extract => "regexp_extract",
            Self::ExtractAll => "regexp_extract_all",
            Self::Substr => "regexp_substr",
            Self::Instr => "regexp_instr",
        }
    }

    fn return_type(self) -> DataType {
        // A group that did not take part in a match is NULL; split parts never are.
        let strings = DataType::List(Arc::new(Field::new("item", DataType::Utf8, self == Self::ExtractAll)));
        match self {
            Self::Split | Self::ExtractAll => strings,
            Self::Instr => DataType::Int32,
            _ => DataType::Utf8,
        }
    }
}

/// Compiled patterns by text: most calls use one constant pattern.
#[derive(Debug, Default)]
struct RegexCache(Mutex<HashMap<String, Arc<Regex>>>);

impl RegexCache {
    fn get(&self, pattern: &str) -> Result<Arc<Regex>> {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(regex) = cache.get(pattern) {
            return Ok(regex.clone());
        }
        let regex = Arc::new(Regex::new(pattern).map_err(|e| {
            DataFusionError::Execution(format!(
                "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` is invalid: '{pattern}'. {e}"
            ))
        })?);
        cache.insert(pattern.to_string(), regex.clone());
        Ok(regex)
    }
}

#[derive(Debug)]
struct SparkRegex {
    function: RegexFunction,
    signature: Signature,
    cache: RegexCache,
}

impl PartialEq for SparkRegex {
    fn eq(&self, other: &Self) -> bool {
        self.function == other.function
    }
}
impl Eq for SparkRegex {}
impl std::hash::Hash for SparkRegex {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.function.hash(state);
    }
}

impl ScalarUDFImpl for SparkRegex {
    fn name(&self) -> &str {
        self.function.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.function.return_type())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        // `regexp_substr` is NULL when nothing matches.
        let nullable = self.function == RegexFunction::Substr || args.arg_fields.iter().any(|f| f.is_nullable());
        Ok(Arc::new(Field::new(self.name(), self.function.return_type(), nullable)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = args.args.iter().map(|a| a.to_array(rows)).collect::<Result<Vec<_>>>()?;
        let result = self.evaluate(&arrays, rows)?;
        Ok(if scalar { ColumnarValue::Scalar(ScalarValue::try_from_array(&result, 0)?) } else { ColumnarValue::Array(result) })
    }
}

impl SparkRegex {
    fn evaluate(&self, arrays: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
        let strings = |i: usize| arrays[i].as_string::<i32>();
        let ints = |i: usize| arrays.get(i).map(|a| a.as_primitive::<datafusion::arrow::datatypes::Int32Type>());
        let (text, pattern) = (strings(0), strings(1));
        let row_regex = |row: usize| -> Result<Option<(Arc<Regex>, &str)>> {
            if text.is_null(row) || pattern.is_null(row) {
                return Ok(None);
            }
            Ok(Some((self.cache.get(pattern.value(row))?, text.value(row))))
        };
        let option = |i: usize, row: usize, default: i32| ints(i).map_or(Some(default), |a| (!a.is_null(row)).then(|| a.value(row)));
        match self.function {
            RegexFunction::Split | RegexFunction::ExtractAll => {
                let DataType::List(field) = self.function.return_type() else { unreachable!("a list") };
                let mut builder = ListBuilder::new(StringBuilder::new()).with_field(field);
                for row in 0..rows {
                    let (Some((regex, value)), Some(n)) = (row_regex(row)?, option(2, row, if self.function == RegexFunction::Split { -1 } else { 1 })) else {
                        builder.append_null();
                        continue;
                    };
                    let parts = if self.function == RegexFunction::Split { java_split(&regex, value, n) } else { extract_all(&regex, value, n)? };
                    builder.values().extend(parts.into_iter().map(Some));
                    builder.append(true);
                }
                Ok(Arc::new(builder.finish()))
            }
            RegexFunction::Instr => {
                let mut result = Vec::with_capacity(rows);
                for row in 0..rows {
                    result.push(row_regex(row)?.map(|(regex, value)| {
                        regex.find(value).map_or(0, |m| value[..m.start()].chars().count() as i32 + 1)
                    }));
                }
                Ok(Arc::new(Int32Array::from(result)))
            }
            RegexFunction::Replace => {
                let replacement = strings(2);
                let mut result = Vec::with_capacity(rows);
                for row in 0..rows {
                    let (Some((regex, value)), false, Some(position)) = (row_regex(row)?, replacement.is_null(row), option(3, row, 1)) else {
                        result.push(None);
                        continue;
                    };
                    if position < 1 {
                        return exec_err!("[INVALID_PARAMETER_VALUE.REGEX_POSITION] position must be positive, got {position}");
                    }
                    let split = value.char_indices().nth(position as usize - 1).map_or(value.len(), |(i, _)| i);
                    let replaced = regex.replace_all(&value[split..], java_replacement(replacement.value(row)).as_str());
                    result.push(Some(format!("{}{replaced}", &value[..split])));
                }
                Ok(Arc::new(StringArray::from(result)))
            }
            RegexFunction::Extract | RegexFunction::Substr => {
                let mut result = Vec::with_capacity(rows);
                for row in 0..rows {
                    let Some((regex, value)) = row_regex(row)? else {
                        result.push(None);
                        continue;
                    };
                    if self.function == RegexFunction::Substr {
                        result.push(regex.find(value).map(|m| m.as_str().to_string()));
                        continue;
                    }
                    let Some(group) = option(2, row, 1) else {
                        result.push(None);
                        continue;
                    };
                    // As Spark, the group index is checked only when the pattern matches.
                    let found = match regex.captures(value) {
                        Some(captures) => {
                            check_group(&regex, group, "regexp_extract")?;
                            captures.get(group as usize).map_or("", |m| m.as_str()).to_string()
                        }
                        None => String::new(),
                    };
                    result.push(Some(found));
                }
                Ok(Arc::new(StringArray::from(result)))
            }
        }
    }
}

/// `[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX]` unless `group` is one of
/// the pattern's groups (0 being the whole match).
fn check_group(regex: &Regex, group: i32, function: &str) -> Result<()> {
    let groups = regex.captures_len() as i32 - 1;
    if group < 0 || group > groups {
        return Err(ember_errors::SparkError::new(
            ember_errors::ErrorKind::Runtime,
            "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX",
            "22023",
            format!(
                "The value of parameter(s) `idx` in `{function}` is invalid: Expects group index between 0 and {groups}, but got {group}."
            ),
            &[
                ("parameter", "`idx`".to_string()),
                ("functionName", format!("`{function}`")),
                ("groupCount", groups.to_string()),
                ("groupIndex", group.to_string()),
            ],
        )
        .into_datafusion());
    }
    Ok(())
}

fn extract_all(regex: &Regex, value: &str, group: i32) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for captures in regex.captures_iter(value) {
        check_group(regex, group, "regexp_extract_all")?;
        found.push(captures.get(group as usize).map_or("", |m| m.as_str()).to_string());
    }
    Ok(found)
}

/// Java's `String.split(regex, limit)` as Spark calls it (limit <= 0: no
/// limit, trailing empty strings kept); a zero-width match at either end
/// splits nothing off.
fn java_split(regex: &Regex, value: &str, limit: i32) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    for m in regex.find_iter(value) {
        if limit > 0 && parts.len() as i32 == limit - 1 {
            break;
        }
        if m.start() == m.end() && (m.start() == 0 || m.start() == value.len()) {
            continue;
        }
        parts.push(value[start..m.start()].to_string());
        start = m.end();
    }
    parts.push(value[start..].to_string());
    parts
}

/// A Java replacement string (`$1`, `\$`) in the regex crate's syntax.
fn java_replacement(replacement: &str) -> String {
    let mut out = String::with_capacity(replacement.len());
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('$') => out.push_str("$$"),
                Some(other) => out.push(other),
                None => {}
            },
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                out.push_str(&format!("${{{digits}}}"));
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_follows_java() {
        let comma = Regex::new(",").unwrap();
        assert_eq!(java_split(&comma, "a,b,,c,", -1), ["a", "b", "", "c", ""]);
        assert_eq!(java_split(&comma, "a,b,,c", 2), ["a", "b,,c"]);
        assert_eq!(java_split(&Regex::new("").unwrap(), "abc", -1), ["a", "b", "c"]);
    }

    #[test]
    fn replacement_syntax() {
        assert_eq!(java_replacement("$1-x"), "${1}-x");
        assert_eq!(java_replacement("\\$5"), "$$5");
    }
}
