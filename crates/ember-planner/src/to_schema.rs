//! `DataFrame.to(schema)` (the `ToSchema` relation): the input's columns
//! matched to the schema's fields by name, reordered, cast as the ANSI store
//! assignment allows (an ANSI cast whatever `spark.sql.ansi.enabled` says)
//! and given the schema's nullability and metadata; struct fields are
//! matched by name at every depth. A nullable field the input lacks becomes
//! NULL.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::ScalarValue;
use datafusion::functions::core::expr_fn::get_field;
use datafusion::logical_expr::expr::LambdaVariable;
use datafusion::logical_expr::{Expr, LogicalPlan, lit, when};
use ember_functions::cast::{CastMode, spark_cast};
use ember_functions::higher_order::{HigherOrderKind, SparkHigherOrder, lambda};
use ember_protocol::connect;

use crate::error::{ErrorKind, Result, SparkError, quote_identifier};
use crate::names::same_name;
use crate::nullable::as_nullable;
use crate::plan::{ColumnInfo, Planner};
use crate::store_assignment::{Policy, can_assign, same_type};

impl Planner<'_> {
    /// Plans `ToSchema`: `input` projected onto `schema`.
    pub(crate) fn to_schema(&mut self, to: &connect::ToSchema) -> Result<LogicalPlan> {
        let input = self.input(&to.input)?;
        let schema = to.schema.as_ref().ok_or_else(|| SparkError::illegal_argument("ToSchema without a schema"))?;
        let target = self.type_from_proto(schema)?;
        let DataType::Struct(targets) = target else {
            return Err(SparkError::illegal_argument("ToSchema needs a struct schema"));
        };
        let sources: Vec<(String, Expr, FieldRef)> = input
            .schema()
            .fields()
            .iter()
            .filter(|f| !self.hidden_columns.contains(f.name()))
            .map(|f| (self.info(f.name()).name, Expr::Column(datafusion::common::Column::new_unqualified(f.name())), Arc::clone(f)))
            .collect();
        let reconciler = Reconciler { case_sensitive: self.config.case_sensitive };
        let columns = reconciler
            .reorder(&sources, &targets, &[])?
            .into_iter()
            .zip(targets.iter())
            .map(|(expr, field)| (with_field_metadata(expr, field), ColumnInfo { name: field.name().clone(), ..Default::default() }))
            .collect();
        self.project_infos(input, columns)
    }
}

/// The column with the target field's Spark metadata and collation, if it has them.
fn with_field_metadata(expr: Expr, field: &Field) -> Expr {
    let expr = match ember_types::field_metadata_json(field) {
        Some(json) => crate::column_metadata::with_spark_metadata(expr, Some(json)),
        None => expr,
    };
    match ember_types::Collation::of(field) {
        Some(collation) if !collation.is_binary() => ember_functions::collation::with_collation(expr, collation),
        _ => expr,
    }
}

/// Matches values to a schema's fields by name, at every depth.
struct Reconciler {
    /// `spark.sql.caseSensitive`.
    case_sensitive: bool,
}

impl Reconciler {
    /// One expression per target field, from the source field of its name.
    fn reorder(&self, sources: &[(String, Expr, FieldRef)], targets: &[FieldRef], path: &[String]) -> Result<Vec<Expr>> {
        let mut out = Vec::with_capacity(targets.len());
        for target in targets {
            let matched: Vec<&(String, Expr, FieldRef)> =
                sources.iter().filter(|(name, _, _)| same_name(name, target.name(), self.case_sensitive)).collect();
            let expr = match matched.as_slice() {
                [] if target.is_nullable() => as_nullable(lit(ScalarValue::try_from(target.data_type())?)),
                [] => {
                    let candidates: Vec<String> = sources.iter().map(|(name, _, _)| name.clone()).collect();
                    return Err(missing(target.name(), path, &candidates));
                }
                [(name, expr, source)] => {
                    let mut field_path = path.to_vec();
                    field_path.push(name.clone());
                    self.reconcile(expr.clone(), source, target, &field_path)?
                }
                many => {
                    let mut field_path = path.to_vec();
                    field_path.push(target.name().clone());
                    return Err(SparkError::new(
                        ErrorKind::Analysis,
                        "AMBIGUOUS_COLUMN_OR_FIELD",
                        "42702",
                        format!("Column or field {} is ambiguous and has {} matches.", quoted_path(&field_path), many.len()),
                        &[("name", quoted_path(&field_path)), ("n", many.len().to_string())],
                    ));
                }
            };
            out.push(expr);
        }
        Ok(out)
    }

    /// `expr` (of field `source`) as a value of field `target`.
    fn reconcile(&self, expr: Expr, source: &Field, target: &Field, path: &[String]) -> Result<Expr> {
        if source.is_nullable() && !target.is_nullable() {
            let name = quoted_path(path);
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "NULLABLE_COLUMN_OR_FIELD",
                "42000",
                format!("Column or field {name} is nullable while it's required to be non-nullable."),
                &[("name", name.clone())],
            ));
        }
        let value = match (source.data_type(), target.data_type()) {
            (DataType::Struct(fields), DataType::Struct(targets)) => {
                let sources: Vec<(String, Expr, FieldRef)> =
                    fields.iter().map(|f| (f.name().clone(), get_field(expr.clone(), f.name().as_str()), Arc::clone(f))).collect();
                let values = self.reorder(&sources, targets, path)?;
                let pairs = targets.iter().zip(values).flat_map(|(f, v)| [lit(f.name().as_str()), v]).collect();
                let built = ember_functions::constructors::named_struct(pairs);
                if source.is_nullable() {
                    when(expr.is_null(), lit(ScalarValue::try_from(target.data_type())?)).otherwise(built)?
                } else {
                    built
                }
            }
            (DataType::List(element), DataType::List(target_element)) => {
                if element.is_nullable() && !target_element.is_nullable() {
                    return Err(nullable_element("ARRAY_ELEMENT", "array", "elements", path));
                }
                let mut element_path = path.to_vec();
                element_path.push("element".to_string());
                self.transform(HigherOrderKind::Transform, expr, source.data_type(), element, target_element, target.data_type(), &element_path)?
            }
            (DataType::Map(entries, _), DataType::Map(target_entries, _)) => {
                let (DataType::Struct(kv), DataType::Struct(target_kv)) = (entries.data_type(), target_entries.data_type()) else {
                    return Err(SparkError::internal("a map without key and value fields"));
                };
                if kv[1].is_nullable() && !target_kv[1].is_nullable() {
                    return Err(nullable_element("MAP_VALUE", "map", "values", path));
                }
                let mut key_path = path.to_vec();
                key_path.push("key".to_string());
                let mut value_path = path.to_vec();
                value_path.push("value".to_string());
                let with_keys = DataType::Map(
                    Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(vec![Arc::clone(&target_kv[0]), Arc::clone(&kv[1])].into()))),
                    false,
                );
                let keys = self.transform(HigherOrderKind::TransformKeys, expr, source.data_type(), &kv[0], &target_kv[0], &with_keys, &key_path)?;
                self.transform(HigherOrderKind::TransformValues, keys, &with_keys, &kv[1], &target_kv[1], target.data_type(), &value_path)?
            }
            (from, to) if can_assign(Policy::Ansi, from, to) => {
                if same_type(from, to) { expr } else { spark_cast(expr, to.clone(), CastMode::Ansi) }
            }
            (from, to) => {
                let (name, from, to) = (quoted_path(path), ember_types::sql_string(from), ember_types::sql_string(to));
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "INVALID_COLUMN_OR_FIELD_DATA_TYPE",
                    "42000",
                    format!("Column or field {name} is of type \"{from}\" while it's required to be \"{to}\"."),
                    &[("name", name.clone()), ("type", format!("\"{from}\"")), ("expectedType", format!("\"{to}\""))],
                ));
            }
        };
        Ok(if target.is_nullable() { as_nullable(value) } else { value })
    }

    /// `kind(expr, (parameters) -> reconciled part)`: the part of each
    /// element of `expr` (of type `input`: an array's element, a map's key
    /// or value) reconciled as `target_part`; the whole then has type `result`.
    #[allow(clippy::too_many_arguments)]
    fn transform(
        &self,
        kind: HigherOrderKind,
        expr: Expr,
        input: &DataType,
        part: &FieldRef,
        target_part: &FieldRef,
        result: &DataType,
        path: &[String],
    ) -> Result<Expr> {
        let parameters = SparkHigherOrder::lambda_parameters(kind, std::slice::from_ref(input), 0)
            .ok_or_else(|| SparkError::internal("to(schema): unexpected nested type"))?;
        let variable = |index: usize| Expr::LambdaVariable(LambdaVariable::new(format!("__ember_to_{index}"), Some(Arc::clone(&parameters[index]))));
        let part_index = if kind == HigherOrderKind::TransformValues { 1 } else { 0 };
        let body = self.reconcile(variable(part_index), part, target_part, path)?;
        let names = (0..parameters.len()).map(|i| format!("__ember_to_{i}")).collect();
        let function = match kind {
            HigherOrderKind::Transform => "transform",
            HigherOrderKind::TransformKeys => "transform_keys",
            _ => "transform_values",
        };
        Ok(SparkHigherOrder::call(kind, function, vec![parameters], result.clone(), vec![expr, lambda(names, body)]))
    }
}

/// A field path as Spark quotes it in these errors: `` `s`.`a` ``.
fn quoted_path(path: &[String]) -> String {
    path.iter().map(|p| quote_identifier(p)).collect::<Vec<_>>().join(".")
}

/// `NOT_NULL_CONSTRAINT_VIOLATION.*`: an array or map that may hold NULLs
/// where the schema says it does not.
fn nullable_element(reason: &str, container: &str, parts: &str, path: &[String]) -> SparkError {
    let column = quoted_path(path);
    SparkError::new(
        ErrorKind::Analysis,
        &format!("NOT_NULL_CONSTRAINT_VIOLATION.{reason}"),
        "42000",
        format!("Assigning a NULL is not allowed here. The {container} {column} is defined to contain only {parts} that are NOT NULL."),
        &[("columnPath", column.clone())],
    )
}

/// A non-nullable target field the input lacks: Spark's unresolved column
/// (top level) or field (within a struct).
fn missing(name: &str, path: &[String], candidates: &[String]) -> SparkError {
    if path.is_empty() {
        return SparkError::unresolved_column(name, &crate::suggestions(name, candidates));
    }
    let (field, column) = (quote_identifier(name), quoted_path(path));
    let proposal = crate::suggestions(name, candidates).iter().map(|c| quote_identifier(c)).collect::<Vec<_>>().join(", ");
    SparkError::new(
        ErrorKind::Analysis,
        "UNRESOLVED_FIELD.WITH_SUGGESTION",
        "42703",
        format!("A field with name {field} cannot be resolved with the struct-type column {column}. Did you mean one of the following? [{proposal}]."),
        &[("fieldName", field.clone()), ("columnPath", column.clone()), ("proposal", proposal.clone())],
    )
}
