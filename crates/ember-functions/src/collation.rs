//! Spark's collations at run time: typing a string with a collation, and the keys that
//! compare, group and join collated strings as Spark does. Two strings are equal under a
//! collation exactly when their keys are, and keys sort (as bytes) in the collation's order:
//! ICU collations use the sort keys of ICU4X's collator (the CLDR rules ICU4J applies in
//! Spark), `UTF8_LCASE` the lowercased text, and `_RTRIM` drops trailing spaces first.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, BinaryBuilder};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_types::{Collation, CollationFamily};
use icu_collator::options::{CaseLevel, CollatorOptions, Strength};
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use icu_locale_core::Locale;

/// `expr` (a string) typed with `collation`: the value is unchanged, its field records the
/// collation.
pub fn with_collation(expr: Expr, collation: Collation) -> Expr {
    let tags = collation.tag(Field::new("", DataType::Utf8, true)).metadata().clone();
    crate::interval_fields::with_type_tags("collate", expr, tags)
}

/// The key of `expr` (a string) under `collation` (see the module documentation), as binary.
pub fn collation_key(expr: Expr, collation: Collation) -> Expr {
    ScalarUDF::new_from_impl(CollationKey { collation, signature: Signature::any(1, Volatility::Immutable) }).call(vec![expr])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct CollationKey {
    collation: Collation,
    signature: Signature,
}

impl ScalarUDFImpl for CollationKey {
    fn name(&self) -> &str {
        "collation_key"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Binary)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(self.name(), DataType::Binary, any_nullable(&args))))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let keys = Keys::new(self.collation)?;
        let Some(value) = args.args.into_iter().next() else {
            return exec_err!("collation_key takes one argument");
        };
        let is_scalar = matches!(value, ColumnarValue::Scalar(_));
        let array = value.into_array(1)?;
        let strings = datafusion::arrow::compute::cast(&array, &DataType::Utf8)?;
        let strings = datafusion::common::cast::as_string_array(&strings)?;
        let mut out = BinaryBuilder::with_capacity(strings.len(), strings.value_data().len());
        let mut key = Vec::new();
        for s in strings.iter() {
            match s {
                Some(s) => {
                    key.clear();
                    keys.write(s, &mut key);
                    out.append_value(&key);
                }
                None => out.append_null(),
            }
        }
        let keys: ArrayRef = Arc::new(out.finish());
        Ok(if is_scalar { ColumnarValue::Scalar(datafusion::common::ScalarValue::try_from_array(&keys, 0)?) } else { ColumnarValue::Array(keys) })
    }
}

/// A substring search that honours a collation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchOp {
    /// `contains(s, p)`.
    Contains,
    /// `startswith(s, p)`.
    StartsWith,
    /// `endswith(s, p)`.
    EndsWith,
    /// `instr(s, p)`: the 1-based character position of the first match, 0 for none.
    Instr,
}

/// `op(string, pattern)` under `collation`: a substring matches when it is equal to the
/// pattern under the collation.
pub fn collated_search(op: SearchOp, string: Expr, pattern: Expr, collation: Collation) -> Expr {
    ScalarUDF::new_from_impl(CollatedSearch { op, collation, signature: Signature::any(2, Volatility::Immutable) }).call(vec![string, pattern])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct CollatedSearch {
    op: SearchOp,
    collation: Collation,
    signature: Signature,
}

impl CollatedSearch {
    /// The character span of the first match of `pattern` in `s` that the operation accepts.
    fn first_match(&self, keys: &Keys, s: &str, pattern: &str) -> Option<usize> {
        let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect();
        let equal = |from: usize, to: usize| keys.compare(&s[bounds[from]..bounds[to]], pattern).is_eq();
        let last = bounds.len() - 1;
        match self.op {
            SearchOp::StartsWith => (0..=last).any(|to| equal(0, to)).then_some(0),
            SearchOp::EndsWith => (0..=last).any(|from| equal(from, last)).then_some(0),
            SearchOp::Contains | SearchOp::Instr => (0..=last).find(|&from| (from..=last).any(|to| equal(from, to))),
        }
    }
}

impl ScalarUDFImpl for CollatedSearch {
    fn name(&self) -> &str {
        match self.op {
            SearchOp::Contains => "contains",
            SearchOp::StartsWith => "startswith",
            SearchOp::EndsWith => "endswith",
            SearchOp::Instr => "instr",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(if self.op == SearchOp::Instr { DataType::Int32 } else { DataType::Boolean })
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(self.name(), self.return_type(&[])?, any_nullable(&args))))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let keys = Keys::new(self.collation)?;
        let rows = args.number_rows;
        let is_scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = args.args.into_iter().map(|a| Ok(datafusion::arrow::compute::cast(&a.into_array(rows)?, &DataType::Utf8)?)).collect::<Result<Vec<_>>>()?;
        let strings = datafusion::common::cast::as_string_array(&arrays[0])?;
        let patterns = datafusion::common::cast::as_string_array(&arrays[1])?;
        let found = strings.iter().zip(patterns.iter()).map(|pair| match pair {
            (Some(s), Some(p)) => Some(self.first_match(&keys, s, p)),
            _ => None,
        });
        let out: ArrayRef = if self.op == SearchOp::Instr {
            Arc::new(found.map(|f| f.map(|at| at.map_or(0, |i| i as i32 + 1))).collect::<datafusion::arrow::array::Int32Array>())
        } else {
            Arc::new(found.map(|f| f.map(|at| at.is_some())).collect::<datafusion::arrow::array::BooleanArray>())
        };
        Ok(if is_scalar { ColumnarValue::Scalar(datafusion::common::ScalarValue::try_from_array(&out, 0)?) } else { ColumnarValue::Array(out) })
    }
}

/// Whether a result is nullable: when any argument is.
fn any_nullable(args: &ReturnFieldArgs) -> bool {
    args.arg_fields.iter().any(|f| f.is_nullable())
}

/// Computes the keys of strings under one collation.
pub struct Keys {
    collation: Collation,
    collator: Option<CollatorBorrowed<'static>>,
}

impl Keys {
    /// The key maker of `collation`; fails only if ICU4X lacks the locale's data.
    pub fn new(collation: Collation) -> Result<Keys> {
        Ok(Keys { collation, collator: icu_collator(collation)? })
    }

    /// Appends the key of `s` to `out`.
    pub fn write(&self, s: &str, out: &mut Vec<u8>) {
        let s = if self.collation.rtrim { s.trim_end_matches(' ') } else { s };
        match (&self.collator, self.collation.family) {
            (Some(collator), _) => {
                let Ok(()) = collator.write_sort_key_to(s, out);
            }
            (None, CollationFamily::Utf8Lcase) => out.extend_from_slice(lowercase(s).as_bytes()),
            (None, _) => out.extend_from_slice(s.as_bytes()),
        }
    }

    /// Compares two strings under the collation.
    pub fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        match &self.collator {
            Some(collator) => {
                let trim = |s| if self.collation.rtrim { str::trim_end_matches(s, ' ') } else { s };
                collator.compare(trim(a), trim(b))
            }
            None => {
                let (mut ka, mut kb) = (Vec::new(), Vec::new());
                self.write(a, &mut ka);
                self.write(b, &mut kb);
                ka.cmp(&kb)
            }
        }
    }
}

/// `UTF8_LCASE`'s lowercasing: each code point on its own, as Spark's `lowerCaseCodePoints`.
pub fn lowercase(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// ICU4X's collator for an ICU collation, with the strength Spark gives its specifiers:
/// tertiary when case- and accent-sensitive, secondary for `_CI`, primary for `_AI` (with a
/// case level for `_AI` alone).
fn icu_collator(collation: Collation) -> Result<Option<CollatorBorrowed<'static>>> {
    let Some(tag) = collation.icu_locale() else {
        return Ok(None);
    };
    let locale = Locale::try_from_str(tag).map_err(|e| datafusion::error::DataFusionError::Execution(format!("locale {tag}: {e}")))?;
    let mut options = CollatorOptions::default();
    (options.strength, options.case_level) = match (collation.case_insensitive, collation.accent_insensitive) {
        (false, false) => (Some(Strength::Tertiary), None),
        (false, true) => (Some(Strength::Primary), Some(CaseLevel::On)),
        (true, false) => (Some(Strength::Secondary), None),
        (true, true) => (Some(Strength::Primary), None),
    };
    CollatorBorrowed::try_new(CollatorPreferences::from(&locale), options)
        .map(Some)
        .map_err(|e| datafusion::error::DataFusionError::Execution(format!("collation {}: {e}", collation.name())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, s: &str) -> Vec<u8> {
        let keys = Keys::new(Collation::parse(name).unwrap()).unwrap();
        let mut out = Vec::new();
        keys.write(s, &mut out);
        out
    }

    #[test]
    fn keys_equal_as_collations_compare() {
        assert_eq!(key("UNICODE_CI", "Alice"), key("UNICODE_CI", "alice"));
        assert_ne!(key("UNICODE", "Alice"), key("UNICODE", "alice"));
        assert_ne!(key("UNICODE_CI", "café"), key("UNICODE_CI", "cafe"));
        assert_eq!(key("UNICODE_CI_AI", "Café"), key("UNICODE_CI_AI", "cafe"));
        assert_eq!(key("UTF8_LCASE", "ABC"), key("UTF8_LCASE", "abc"));
        assert_eq!(key("UTF8_BINARY_RTRIM", "a  "), key("UTF8_BINARY_RTRIM", "a"));
        assert_ne!(key("UNICODE_AI", "A"), key("UNICODE_AI", "a"));
        assert_eq!(key("UNICODE_AI", "à"), key("UNICODE_AI", "a"));
        let search = |op, s: &str, p: &str| {
            let search = CollatedSearch { op, collation: Collation::parse("UNICODE_CI").unwrap(), signature: Signature::any(2, Volatility::Immutable) };
            search.first_match(&Keys::new(search.collation).unwrap(), s, p)
        };
        assert_eq!(search(SearchOp::Instr, "Alice", "IC"), Some(2));
        assert_eq!(search(SearchOp::StartsWith, "Alice", "AL"), Some(0));
        assert_eq!(search(SearchOp::EndsWith, "Alice", "AL"), None);
        // Swedish sorts ö after z, German with o.
        assert!(key("sv", "ö") > key("sv", "z"));
        assert!(key("de", "ö") < key("de", "z"));
    }
}
