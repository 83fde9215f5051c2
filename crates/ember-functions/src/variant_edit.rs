//! Spark's functions that change a variant: `variant_set`, `variant_insert`,
//! `variant_delete`, `variant_array_append`, `variant_strip_nulls` (and the
//! `try_` forms, NULL instead of an error), and the conversion of SQL values
//! to variants they and `to_variant_object` need (structs and string-keyed
//! maps become objects, arrays arrays, numbers, strings and booleans their
//! variant scalars).

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, StringArray};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimeUnit,
    TimestampMicrosecondType,
};
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;
use crate::variant::{malformed_variant, variant_array};
use crate::variant_binary::{self, PathStep, Scalar, Tree, Variant};

/// An edit of a variant at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// `variant_set`: replace the value, creating missing steps when asked.
    Set { create_missing: bool },
    /// `variant_insert`: add a new field or array element.
    Insert,
    /// `variant_array_append`: add an element to the array at the path.
    Append,
}

/// Why an edit failed, as Spark reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum EditError {
    /// The path does not parse or names no target.
    InvalidPath,
    /// A step does not fit the value at `at`.
    TypeMismatch { at: String },
    /// The field to insert exists.
    DuplicateKey(String),
}

impl EditError {
    fn into_datafusion(self, function: &str, path: &str) -> DataFusionError {
        let (class, message, parameters) = match self {
            EditError::InvalidPath => (
                "INVALID_VARIANT_PATH",
                format!(
                    "The path '{path}' is not a valid `{function}` target.\nA valid path should start with `$` and is followed by segments like `[123]`, `.name`, `['name']`, or `[\"name\"]`."
                ),
                vec![("path", path.to_string()), ("functionName", format!("`{function}`"))],
            ),
            EditError::TypeMismatch { at } => (
                "VARIANT_PATH_TYPE_MISMATCH",
                format!("The path '{path}' is incompatible with the variant value at '{at}' in `{function}`."),
                vec![("path", path.to_string()), ("failedAt", at), ("functionName", format!("`{function}`"))],
            ),
            EditError::DuplicateKey(key) => (
                "VARIANT_DUPLICATE_KEY",
                format!("Failed to build variant because of a duplicate object key `{key}`."),
                vec![("key", key)],
            ),
        };
        SparkError::new(ErrorKind::Runtime, class, "22023", message, &parameters).into_datafusion()
    }
}

/// The path text of the first `n` steps.
fn prefix(steps: &[PathStep], n: usize) -> String {
    steps[..n].iter().fold("$".to_string(), |mut text, step| {
        match step {
            PathStep::Key(key) => text.push_str(&format!(".{key}")),
            PathStep::Index(i) => text.push_str(&format!("[{i}]")),
        }
        text
    })
}

/// A value holding `value` at `steps` below it (objects for keys, arrays
/// padded with nulls for indexes).
fn nested(steps: &[PathStep], value: Tree) -> Tree {
    steps.iter().rev().fold(value, |inner, step| match step {
        PathStep::Key(key) => Tree::Object(vec![(key.clone(), inner)]),
        PathStep::Index(i) => {
            let mut elements = vec![Tree::null(); *i];
            elements.push(inner);
            Tree::Array(elements)
        }
    })
}

/// Applies `edit` of `value` at `steps` to `tree`.
fn apply(tree: &mut Tree, steps: &[PathStep], edit: Edit, value: Tree) -> Result<(), EditError> {
    if steps.is_empty() && edit != Edit::Append {
        return Err(EditError::InvalidPath);
    }
    let create = matches!(edit, Edit::Set { create_missing: true } | Edit::Insert);
    let mut node = tree;
    let last = steps.len().saturating_sub(1);
    for (depth, step) in steps.iter().enumerate() {
        let at_last = depth == last && edit != Edit::Append;
        let mismatch = || EditError::TypeMismatch { at: prefix(steps, depth) };
        node = match (node, step) {
            (Tree::Object(fields), PathStep::Key(key)) => match fields.iter().position(|(k, _)| k == key) {
                Some(_) if at_last && edit == Edit::Insert => return Err(EditError::DuplicateKey(key.clone())),
                Some(i) if at_last => {
                    fields[i].1 = value;
                    return Ok(());
                }
                Some(i) => &mut fields[i].1,
                None if create => {
                    fields.push((key.clone(), nested(&steps[depth + 1..], value)));
                    return Ok(());
                }
                None => return Ok(()),
            },
            (Tree::Array(elements), PathStep::Index(i)) => {
                let i = *i;
                if at_last && edit == Edit::Insert && i <= elements.len() {
                    elements.insert(i, value);
                    return Ok(());
                }
                if i < elements.len() {
                    if at_last {
                        elements[i] = value;
                        return Ok(());
                    }
                    &mut elements[i]
                } else if create {
                    elements.resize(i, Tree::null());
                    elements.push(nested(&steps[depth + 1..], value));
                    return Ok(());
                } else {
                    return Ok(());
                }
            }
            _ => return Err(mismatch()),
        };
    }
    // Only an append reaches here, at the target.
    match node {
        Tree::Array(elements) => {
            elements.push(value);
            Ok(())
        }
        _ => Err(EditError::TypeMismatch { at: prefix(steps, steps.len()) }),
    }
}

/// Removes the value at `steps`; missing values and mismatched steps are
/// left alone.
fn delete(tree: &mut Tree, steps: &[PathStep]) -> Result<(), EditError> {
    let Some((last, parents)) = steps.split_last() else { return Err(EditError::InvalidPath) };
    let mut node = tree;
    for step in parents {
        node = match (node, step) {
            (Tree::Object(fields), PathStep::Key(key)) => match fields.iter_mut().find(|(k, _)| k == key) {
                Some((_, child)) => child,
                None => return Ok(()),
            },
            (Tree::Array(elements), PathStep::Index(i)) if *i < elements.len() => &mut elements[*i],
            _ => return Ok(()),
        };
    }
    match (node, last) {
        (Tree::Object(fields), PathStep::Key(key)) => fields.retain(|(k, _)| k != key),
        (Tree::Array(elements), PathStep::Index(i)) if *i < elements.len() => {
            elements.remove(*i);
        }
        _ => {}
    }
    Ok(())
}

/// Drops null object fields (and null array elements with `arrays`), deeply.
fn strip_nulls(tree: &mut Tree, arrays: bool) {
    match tree {
        Tree::Object(fields) => {
            fields.retain(|(_, v)| !v.is_null());
            fields.iter_mut().for_each(|(_, v)| strip_nulls(v, arrays));
        }
        Tree::Array(elements) => {
            if arrays {
                elements.retain(|v| !v.is_null());
            }
            elements.iter_mut().for_each(|v| strip_nulls(v, arrays));
        }
        Tree::Scalar(_) => {}
    }
}

/// The tree of row `i` of a variant array; `None` for NULL.
fn tree_at(variants: &ArrayRef, i: usize) -> Result<Option<Tree>> {
    let variants = variants.as_struct();
    if variants.is_null(i) {
        return Ok(None);
    }
    let (value, metadata) = (variants.column(0).as_binary::<i32>().value(i), variants.column(1).as_binary::<i32>().value(i));
    Tree::decode(value, metadata).map(Some).ok_or_else(malformed_variant)
}

fn encoded(tree: &Tree) -> Result<Variant, EditError> {
    tree.encode().map_err(EditError::DuplicateKey)
}

/// The context of an edit kernel: whether it is a `try_` form, the
/// function's name, and the edit (so that calls differing only in it are
/// different expressions).
fn context(function: &str, is_try: bool, edit: Edit) -> String {
    format!("{}{function}/{edit:?}", if is_try { "try:" } else { "" })
}

/// The function's name and whether it is a `try_` form, from a [`context`].
fn parse_context(context: &str) -> (&str, bool) {
    let context = context.split_once('/').map_or(context, |(function, _)| function);
    match context.strip_prefix("try:") {
        Some(function) => (function, true),
        None => (context, false),
    }
}

/// Runs `edit` on each row's variant (given the row and the path text; it
/// answers whether the row has a result); errors give NULL in a `try_` form.
fn edit_rows(
    args: &[ArrayRef],
    context: &str,
    edit: impl Fn(&mut Tree, usize, &str) -> Result<bool, EditError>,
) -> Result<ArrayRef> {
    let (function, is_try) = parse_context(context);
    let paths = args.get(1).map(|p| p.as_string::<i32>());
    let mut out = Vec::with_capacity(args[0].len());
    for i in 0..args[0].len() {
        let path = match paths {
            // `variant_delete` skips a NULL path; the other edits give NULL.
            Some(paths) if paths.is_null(i) => {
                let keep = function == "variant_delete";
                out.push(if keep { tree_at(&args[0], i)?.map(|t| encoded(&t)).transpose().map_err(|e| e.into_datafusion(function, ""))? } else { None });
                continue;
            }
            Some(paths) => paths.value(i),
            None => "",
        };
        let Some(mut tree) = tree_at(&args[0], i)? else {
            out.push(None);
            continue;
        };
        match edit(&mut tree, i, path).and_then(|kept| kept.then(|| encoded(&tree)).transpose()) {
            Ok(variant) => out.push(variant),
            Err(_) if is_try => out.push(None),
            Err(e) => return Err(e.into_datafusion(function, path)),
        }
    }
    variant_array(out)
}

fn steps_of(path: &str) -> Result<Vec<PathStep>, EditError> {
    variant_binary::parse_path(path).ok_or(EditError::InvalidPath)
}

/// `variant_set`/`variant_insert`/`variant_array_append(variant, path, value)`
/// (`value` a variant, see [`to_variant`]); `is_try` for the `try_` forms.
pub fn edit(function: &'static str, edit: Edit, is_try: bool, variant: Expr, path: Expr, value: Expr) -> Expr {
    let kernel = match edit {
        Edit::Set { create_missing: true } => set_kernel,
        Edit::Set { create_missing: false } => replace_kernel,
        Edit::Insert => insert_kernel,
        Edit::Append => append_kernel,
    };
    KernelUdf::call(function, ember_types::variant_type(), kernel, &context(function, is_try, edit), vec![variant, path, value])
}

fn edit_kernel(args: &[ArrayRef], context: &str, kind: Edit) -> Result<ArrayRef> {
    edit_rows(args, context, |tree, i, path| {
        // A NULL value gives NULL, as in Spark.
        let Some(value) = tree_at(&args[2], i).map_err(|_| EditError::InvalidPath)? else { return Ok(false) };
        apply(tree, &steps_of(path)?, kind, value).map(|()| true)
    })
}

fn set_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    edit_kernel(args, context, Edit::Set { create_missing: true })
}

fn replace_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    edit_kernel(args, context, Edit::Set { create_missing: false })
}

fn insert_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    edit_kernel(args, context, Edit::Insert)
}

fn append_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    edit_kernel(args, context, Edit::Append)
}

/// `variant_delete(variant, path)` for one path.
pub fn delete_path(variant: Expr, path: Expr) -> Expr {
    KernelUdf::call("variant_delete", ember_types::variant_type(), delete_kernel, "variant_delete", vec![variant, path])
}

fn delete_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    edit_rows(args, context, |tree, _, path| delete(tree, &steps_of(path)?).map(|()| true))
}

/// `variant_strip_nulls(variant, include_arrays)` (`include_arrays` a BOOLEAN).
pub fn strip_nulls_call(variant: Expr, include_arrays: Expr) -> Expr {
    KernelUdf::call("variant_strip_nulls", ember_types::variant_type(), strip_nulls_kernel, "variant_strip_nulls", vec![variant, include_arrays])
}

fn strip_nulls_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let flags: &BooleanArray = args[1].as_boolean();
    let mut out = Vec::with_capacity(args[0].len());
    for i in 0..args[0].len() {
        out.push(match (tree_at(&args[0], i)?, flags.is_valid(i)) {
            (Some(mut tree), true) => {
                strip_nulls(&mut tree, flags.value(i));
                Some(encoded(&tree).map_err(|e| e.into_datafusion("variant_strip_nulls", "$"))?)
            }
            _ => None,
        });
    }
    variant_array(out)
}

/// Whether Spark converts values of type `t` to variants (`objects`: also
/// structs and maps, as `to_variant_object` does).
pub fn converts_to_variant(t: &DataType, objects: bool) -> bool {
    match t {
        DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(..)
        | DataType::Utf8
        | DataType::Binary
        | DataType::Date32
        | DataType::Timestamp(TimeUnit::Microsecond, _) => true,
        DataType::Struct(fields) if ember_types::is_variant_fields(fields) => true,
        DataType::List(item) => converts_to_variant(item.data_type(), objects),
        DataType::Struct(fields) => objects && fields.iter().all(|f| converts_to_variant(f.data_type(), objects)),
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if objects && kv.len() == 2 => {
                crate::cast::is_string(kv[0].data_type()) && converts_to_variant(kv[1].data_type(), objects)
            }
            _ => false,
        },
        _ => false,
    }
}

/// `value` (of a type [`converts_to_variant`] accepts) as a variant; a SQL
/// NULL gives a SQL NULL.
pub fn to_variant(value: Expr) -> Expr {
    KernelUdf::call("to_variant", ember_types::variant_type(), to_variant_kernel, "", vec![value])
}

fn to_variant_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let values = &args[0];
    let rows = (0..values.len()).map(|i| {
        if values.is_null(i) || values.data_type() == &DataType::Null {
            return Ok(None);
        }
        encoded(&tree_of(values, i)?).map(Some).map_err(|e| e.into_datafusion("to_variant_object", "$"))
    });
    variant_array(rows.collect::<Result<Vec<_>>>()?)
}

fn unsupported(t: &DataType) -> DataFusionError {
    SparkError::unsupported(format!("a {} value as a variant", ember_types::sql_string(t))).into_datafusion()
}

/// Row `i` of `values` (not NULL) as a tree; NULL elements and fields become JSON `null`.
fn tree_of(values: &ArrayRef, i: usize) -> Result<Tree> {
    if values.is_null(i) {
        return Ok(Tree::null());
    }
    let scalar = |s: Scalar| Ok(Tree::Scalar(s.encode()));
    match values.data_type() {
        DataType::Null => Ok(Tree::null()),
        DataType::Boolean => scalar(Scalar::Boolean(values.as_boolean().value(i))),
        DataType::Int8 => scalar(Scalar::Integer(values.as_primitive::<Int8Type>().value(i).into())),
        DataType::Int16 => scalar(Scalar::Integer(values.as_primitive::<Int16Type>().value(i).into())),
        DataType::Int32 => scalar(Scalar::Integer(values.as_primitive::<Int32Type>().value(i).into())),
        DataType::Int64 => scalar(Scalar::Integer(values.as_primitive::<Int64Type>().value(i))),
        DataType::Float32 => scalar(Scalar::Float(values.as_primitive::<Float32Type>().value(i))),
        DataType::Float64 => scalar(Scalar::Double(values.as_primitive::<Float64Type>().value(i))),
        DataType::Decimal128(_, scale) => {
            // The width follows the value's own digits and scale, not its type's precision.
            let unscaled = values.as_primitive::<Decimal128Type>().value(i);
            let scale = (*scale).max(0) as u8;
            let digits = unscaled.unsigned_abs().checked_ilog10().map_or(1, |d| d + 1) as u8;
            scalar(Scalar::Decimal(unscaled, scale, digits.max(scale)))
        }
        DataType::Utf8 => scalar(Scalar::String(values.as_string::<i32>().value(i))),
        DataType::Binary => scalar(Scalar::Binary(values.as_binary::<i32>().value(i))),
        DataType::Date32 => scalar(Scalar::Date(values.as_primitive::<Date32Type>().value(i))),
        DataType::Timestamp(TimeUnit::Microsecond, zone) => {
            let micros = values.as_primitive::<TimestampMicrosecondType>().value(i);
            scalar(if zone.is_some() { Scalar::Timestamp(micros) } else { Scalar::TimestampNtz(micros) })
        }
        DataType::Struct(fields) if ember_types::is_variant_fields(fields) => Ok(tree_at(values, i)?.unwrap_or_else(Tree::null)),
        DataType::List(_) => {
            let elements = values.as_list::<i32>().value(i);
            Ok(Tree::Array((0..elements.len()).map(|j| tree_of(&elements, j)).collect::<Result<_>>()?))
        }
        DataType::Struct(fields) => {
            let row = values.as_struct();
            let fields = fields.iter().zip(row.columns()).map(|(f, column)| Ok((f.name().clone(), tree_of(column, i)?)));
            Ok(Tree::Object(fields.collect::<Result<_>>()?))
        }
        DataType::Map(..) => {
            let entries = values.as_map().value(i);
            let keys: &StringArray = entries.column(0).as_string::<i32>();
            let values = entries.column(1);
            Ok(Tree::Object((0..keys.len()).map(|j| Ok((keys.value(j).to_string(), tree_of(values, j)?))).collect::<Result<_>>()?))
        }
        other => Err(unsupported(other)),
    }
}

/// `to_variant_object(value)`: a struct, map or array as a variant.
pub fn to_variant_object(value: Expr) -> Expr {
    KernelUdf::call("to_variant_object", ember_types::variant_type(), to_variant_kernel, "", vec![value])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(json: &str) -> Tree {
        let v = variant_binary::parse_json(json).unwrap();
        Tree::decode(&v.value, &v.metadata).unwrap()
    }

    fn json(tree: &Tree) -> String {
        let v = tree.encode().unwrap();
        variant_binary::to_json(&v.value, &v.metadata).unwrap()
    }

    fn edited(text: &str, path: &str, kind: Edit, value: &str) -> Result<String, EditError> {
        let mut t = tree(text);
        apply(&mut t, &steps_of(path)?, kind, tree(value))?;
        Ok(json(&t))
    }

    const SET: Edit = Edit::Set { create_missing: true };

    #[test]
    fn set_creates_missing_steps() {
        assert_eq!(edited(r#"{"a":1,"b":{"c":2}}"#, "$.b.c", SET, "5").unwrap(), r#"{"a":1,"b":{"c":5}}"#);
        assert_eq!(edited(r#"{"a":1}"#, "$.x.y", SET, "5").unwrap(), r#"{"a":1,"x":{"y":5}}"#);
        assert_eq!(edited("[1,2]", "$[5]", SET, "9").unwrap(), "[1,2,null,null,null,9]");
        assert_eq!(edited(r#"{"a":1}"#, "$.x[1]", SET, "5").unwrap(), r#"{"a":1,"x":[null,5]}"#);
        assert_eq!(edited(r#"{"a":1}"#, "$.b", Edit::Set { create_missing: false }, "2").unwrap(), r#"{"a":1}"#);
        assert_eq!(edited("1", "$.a", SET, "2"), Err(EditError::TypeMismatch { at: "$".into() }));
        assert_eq!(edited("1", "$", SET, "2"), Err(EditError::InvalidPath));
    }

    #[test]
    fn insert_append_delete_and_strip() {
        assert_eq!(edited("[1,2]", "$[0]", Edit::Insert, "0").unwrap(), "[0,1,2]");
        assert_eq!(edited(r#"{"a":1}"#, "$.a", Edit::Insert, "2"), Err(EditError::DuplicateKey("a".into())));
        assert_eq!(edited(r#"{"a":[1]}"#, "$.a", Edit::Append, "2").unwrap(), r#"{"a":[1,2]}"#);
        assert_eq!(edited(r#"{"a":1}"#, "$.b", Edit::Append, "2").unwrap(), r#"{"a":1}"#);
        assert_eq!(edited(r#"{"a":1}"#, "$.a", Edit::Append, "2"), Err(EditError::TypeMismatch { at: "$.a".into() }));
        let mut t = tree(r#"{"a":1,"b":[1,2,3]}"#);
        delete(&mut t, &steps_of("$.b[1]").unwrap()).unwrap();
        delete(&mut t, &steps_of("$.a").unwrap()).unwrap();
        assert_eq!(json(&t), r#"{"b":[1,3]}"#);
        let mut t = tree(r#"{"a":null,"b":[null,{"c":null}]}"#);
        strip_nulls(&mut t, false);
        assert_eq!(json(&t), r#"{"b":[null,{}]}"#);
    }
}
