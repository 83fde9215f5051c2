//! `Column.withField` and `Column.dropFields` (Spark Connect's
//! `UpdateFields`): a struct rebuilt with one field (possibly nested, as
//! `a.b.c`) added, replaced or dropped. A NULL struct stays NULL.

use datafusion::arrow::datatypes::{DataType, Fields};
use datafusion::functions::core::expr_fn::get_field;
use datafusion::logical_expr::expr_rewriter::normalize_col;
use datafusion::logical_expr::{Expr, LogicalPlan, lit, when};
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::{ErrorKind, Result, SparkError};
use crate::names::{same_name, split_name_parts};
use crate::plan::Planner;

/// What happens to the field the path names.
enum FieldUpdate {
    /// Add it (at the end) or replace it (in place) with this value.
    Set(Expr),
    /// Drop it; a missing field is left alone.
    Drop,
}

impl Planner<'_> {
    /// Plans an `UpdateFields` expression. Spark names a chain of them on one
    /// struct as one call listing every change:
    /// `update_fields(a, WithField(3), dropfield())`.
    pub(crate) fn plan_update_fields(
        &mut self,
        update: &connect::expression::UpdateFields,
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let (rebuilt, root, root_name, changes) = self.update_chain(update, input)?;
        let expr = when(root.is_not_null(), rebuilt).end()?;
        // The struct is read several times: qualified references keep
        // DataFusion's common-subexpression elimination from clashing with
        // the input's qualified columns.
        let expr = normalize_col(expr, input)?;
        Ok((expr, format!("update_fields({root_name}, {})", changes.join(", "))))
    }

    /// The updated struct (not yet NULL where the original is), the struct
    /// the chain starts from and its name, and the names of the changes in
    /// order. Each change rebuilds the previous one's struct, so fields keep
    /// their nullability along the chain.
    fn update_chain(
        &mut self,
        update: &connect::expression::UpdateFields,
        input: &LogicalPlan,
    ) -> Result<(Expr, Expr, String, Vec<String>)> {
        let struct_expression =
            update.struct_expression.as_deref().ok_or_else(|| SparkError::illegal_argument("withField without a struct"))?;
        let (base, root, root_name, mut changes) = match &struct_expression.expr_type {
            Some(ExprType::UpdateFields(inner)) => self.update_chain(inner, input)?,
            _ => {
                let (base, name) = self.plan_expr(struct_expression, input)?;
                (base.clone(), base, name, Vec::new())
            }
        };
        let path = split_name_parts(&update.field_name);
        let (change, leaf_name) = match update.value_expression.as_deref() {
            Some(value) => {
                let (value, value_name) = self.plan_expr(value, input)?;
                (FieldUpdate::Set(value), format!("WithField({value_name})"))
            }
            None => (FieldUpdate::Drop, "dropfield()".to_string()),
        };
        changes.push(change_name(&root_name, &path, leaf_name));
        let base_type = self.type_of(&base, input)?;
        let DataType::Struct(fields) = &base_type else {
            return Err(not_a_struct(&format!("update_fields({root_name}, {})", changes.join(", ")), &root_name, &base_type));
        };
        let sql_expr = format!("update_fields({root_name}, {})", changes.join(", "));
        let rebuilt = self.rebuild_struct(base, fields, &path, change, &sql_expr)?;
        Ok((rebuilt, root, root_name, changes))
    }

    /// `base` (of the struct type `fields`) with the field at `path` changed.
    /// `sql_expr` names the whole update in errors.
    fn rebuild_struct(&self, base: Expr, fields: &Fields, path: &[String], change: FieldUpdate, sql_expr: &str) -> Result<Expr> {
        let (head, rest) = path.split_first().ok_or_else(|| SparkError::illegal_argument("withField with an empty field name"))?;
        let case_sensitive = self.config.case_sensitive;
        let matches = |name: &str| same_name(name, head, case_sensitive);
        let mut out: Vec<(String, Expr)> = Vec::new();
        let mut change = Some(change);
        let mut found = false;
        for field in fields.iter() {
            let current = get_field(base.clone(), field.name().as_str());
            if !matches(field.name()) {
                out.push((field.name().clone(), current));
                continue;
            }
            found = true;
            if !rest.is_empty() {
                let DataType::Struct(inner) = field.data_type() else {
                    return Err(not_a_struct(sql_expr, field.name(), field.data_type()));
                };
                let nested = self.rebuild_struct(current.clone(), inner, rest, take_change(&mut change)?, sql_expr)?;
                out.push((head.clone(), when(current.is_not_null(), nested).end()?));
            } else if let Some(FieldUpdate::Set(value)) = &change {
                out.push((head.clone(), value.clone()));
            }
        }
        if !found {
            match (change, rest.is_empty()) {
                (Some(FieldUpdate::Set(value)), true) => out.push((head.clone(), value)),
                (Some(FieldUpdate::Drop), _) => {}
                _ => return Err(field_not_found(head, fields)),
            }
        }
        if out.is_empty() {
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "DATATYPE_MISMATCH.CANNOT_DROP_ALL_FIELDS",
                "42K09",
                format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: Cannot drop all fields in struct."),
                &[("sqlExpr", format!("\"{sql_expr}\""))],
            ));
        }
        Ok(ember_functions::constructors::named_struct(out.into_iter().flat_map(|(name, value)| [lit(name), value]).collect()))
    }
}

/// Spark's name of a change at `path` of the struct named `base`: a nested
/// field is a `WithField` of the updated nested struct.
fn change_name(base: &str, path: &[String], leaf: String) -> String {
    match path {
        [head, rest @ ..] if !rest.is_empty() => {
            let nested = format!("{base}.{head}");
            let inner = change_name(&nested, rest, leaf);
            format!("WithField(update_fields({nested}, {inner}))")
        }
        _ => leaf,
    }
}

/// The change, once: a path names at most one nested struct to descend into.
fn take_change(change: &mut Option<FieldUpdate>) -> Result<FieldUpdate> {
    change.take().ok_or_else(|| SparkError::illegal_argument("a struct has two fields of the same name on the path"))
}

/// `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`: `update_fields` of a value
/// named `name` that is no struct.
fn not_a_struct(sql_expr: &str, name: &str, data_type: &DataType) -> SparkError {
    let type_name = ember_types::sql_string(data_type);
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
        "42K09",
        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: The first parameter requires the \"STRUCT\" type, however \"{name}\" has the type \"{type_name}\"."),
        &[
            ("sqlExpr", format!("\"{sql_expr}\"")),
            ("paramIndex", "first".to_string()),
            ("requiredType", "\"STRUCT\"".to_string()),
            ("inputSql", format!("\"{name}\"")),
            ("inputType", format!("\"{type_name}\"")),
        ],
    )
}

/// `FIELD_NOT_FOUND`: `field` is none of the struct's `fields`.
pub(crate) fn field_not_found(field: &str, fields: &Fields) -> SparkError {
    let names = fields.iter().map(|f| format!("`{}`", f.name())).collect::<Vec<_>>().join(", ");
    SparkError::new(
        ErrorKind::Analysis,
        "FIELD_NOT_FOUND",
        "42704",
        format!("No such struct field `{field}` in {names}."),
        &[("fieldName", format!("`{field}`")), ("fields", names)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_changes_are_named_as_spark_names_them() {
        let path = vec!["d".to_string(), "g".to_string()];
        assert_eq!(change_name("a", &path, "WithField(x)".into()), "WithField(update_fields(a.d, WithField(x)))");
        assert_eq!(change_name("a", &path[..1], "dropfield()".into()), "dropfield()");
    }

    #[test]
    fn a_change_is_taken_once() {
        let mut change = Some(FieldUpdate::Drop);
        assert!(take_change(&mut change).is_ok());
        assert!(take_change(&mut change).is_err());
    }

    #[test]
    fn errors_carry_spark_classes() {
        assert_eq!(not_a_struct("update_fields(a, dropfield())", "a", &DataType::Int32).error_class, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
        let fields = Fields::from(vec![datafusion::arrow::datatypes::Field::new("b", DataType::Int32, true)]);
        let err = field_not_found("x", &fields);
        assert_eq!(err.error_class, "FIELD_NOT_FOUND");
        assert!(err.message.contains("`b`"), "{}", err.message);
    }
}
