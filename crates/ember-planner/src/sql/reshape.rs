//! SQL's `PIVOT` and `UNPIVOT` clauses after a FROM item, translated to the
//! DataFrame API's pivot aggregation and unpivot relation. Both use every
//! input column the clause does not mention (a lone `*`, see
//! `other_columns`): as grouping columns for `PIVOT`, as ids for `UNPIVOT`.

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, expression::ExprType, expression::literal::LiteralType, relation::RelType};

use super::{alias, attribute, expr, expression, function, rel};
use crate::error::{Result, SparkError};

/// `input PIVOT (aggregate [AS a], … FOR column IN (value [AS v], …))`, or
/// over several columns: `FOR (c1, c2) IN ((v1, v2) [AS v], …)`.
pub(super) fn pivot(
    input: connect::Relation,
    aggregates: &[ast::ExprWithAlias],
    value_column: &[ast::Expr],
    source: &ast::PivotValueSource,
    default_on_null: Option<&ast::Expr>,
) -> Result<connect::Relation> {
    if default_on_null.is_some() {
        // Not Spark's syntax (Snowflake's): Spark's parser stops at DEFAULT.
        return Err(SparkError::parse_syntax("'DEFAULT'", ": missing ')'"));
    }
    let ast::PivotValueSource::List(values) = source else {
        return Err(SparkError::unsupported("PIVOT values that are not a list"));
    };
    let aggregate_expressions = aggregates.iter().map(aliased_expression).collect::<Result<Vec<_>>>()?;
    let (column, pivoted_values) = match value_column {
        [column] => (expression(column)?, single_column_values(values)?),
        columns => several_column_values(columns, values)?,
    };
    // Rename the columns the pivot named by value where Spark names them otherwise.
    let mut renames = Vec::new();
    for value in &pivoted_values {
        let Some(wanted) = &value.name else { continue };
        if aggregates.len() == 1 {
            renames.push((value.label.clone(), wanted.clone()));
        } else {
            for aggregate in aggregates {
                let name = aggregate.alias.as_ref().map_or_else(|| aggregate.expr.to_string(), |a| a.value.clone());
                renames.push((format!("{}_{name}", value.label), format!("{wanted}_{name}")));
            }
        }
    }
    let pivoted = rel(RelType::Aggregate(Box::new(connect::Aggregate {
        input: Some(Box::new(input)),
        group_type: connect::aggregate::GroupType::Pivot as i32,
        grouping_expressions: vec![other_columns()],
        aggregate_expressions,
        pivot: Some(connect::aggregate::Pivot { col: Some(column), values: pivoted_values.into_iter().map(|v| v.literal).collect() }),
        grouping_sets: vec![],
    })));
    if renames.is_empty() {
        return Ok(pivoted);
    }
    Ok(rel(RelType::WithColumnsRenamed(Box::new(connect::WithColumnsRenamed {
        input: Some(Box::new(pivoted)),
        rename_columns_map: Default::default(),
        renames: renames
            .into_iter()
            .map(|(col_name, new_col_name)| connect::with_columns_renamed::Rename { col_name, new_col_name })
            .collect(),
    }))))
}

/// One value of a PIVOT: the literal the pivot matches, the name the pivot
/// gives its column, and the name Spark gives it when that differs.
struct PivotedValue {
    literal: connect::expression::Literal,
    label: String,
    name: Option<String>,
}

fn single_column_values(values: &[ast::ExprWithAlias]) -> Result<Vec<PivotedValue>> {
    values
        .iter()
        .map(|value| {
            let literal = pivot_value(&value.expr)?;
            let label = value_label(&literal);
            let name = value.alias.as_ref().map(|a| a.value.clone());
            let label = match (label, &name) {
                (Some(label), _) => label,
                (None, None) => String::new(),
                (None, Some(_)) => return Err(SparkError::unsupported(format!("an alias for the PIVOT value {}", value.expr))),
            };
            Ok(PivotedValue { literal, label, name })
        })
        .collect()
}

/// A pivot over several columns, as Spark's pivot over the struct of them:
/// the pivot column is the position of the first value tuple the row's
/// columns equal (null-safely), and each position's column is named by the
/// value's alias or, as Spark names a struct value, `{v1, v2}`.
fn several_column_values(columns: &[ast::Expr], values: &[ast::ExprWithAlias]) -> Result<(connect::Expression, Vec<PivotedValue>)> {
    let mut branches = Vec::new();
    let mut pivoted = Vec::new();
    for (position, value) in values.iter().enumerate() {
        let items = match &value.expr {
            ast::Expr::Tuple(items) if items.len() == columns.len() => items,
            other => {
                return Err(SparkError::new(
                    crate::ErrorKind::Analysis,
                    "PIVOT_VALUE_DATA_TYPE_MISMATCH",
                    "42K09",
                    format!("Invalid pivot value '{other}': value data type does not match the pivot columns ({}).", columns.len()),
                    &[("value", other.to_string())],
                ));
            }
        };
        let mut matches = Vec::new();
        let mut texts = Vec::new();
        for (column, item) in columns.iter().zip(items) {
            let literal = pivot_value(item)?;
            texts.push(value_label(&literal).unwrap_or_else(|| item.to_string()));
            matches.push(function("<=>", vec![expression(column)?, expr(ExprType::Literal(literal))]));
        }
        let all_match = matches.into_iter().reduce(|a, b| function("and", vec![a, b])).unwrap_or_else(|| bool_literal(true));
        let key = connect::expression::Literal { literal_type: Some(LiteralType::Integer(position as i32)), ..Default::default() };
        branches.push(all_match);
        branches.push(expr(ExprType::Literal(key.clone())));
        let name = value.alias.as_ref().map_or_else(|| format!("{{{}}}", texts.join(", ")), |a| a.value.clone());
        pivoted.push(PivotedValue { literal: key, label: position.to_string(), name: Some(name) });
    }
    Ok((function("when", branches), pivoted))
}

fn bool_literal(value: bool) -> connect::Expression {
    expr(ExprType::Literal(connect::expression::Literal { literal_type: Some(LiteralType::Boolean(value)), ..Default::default() }))
}

/// The internal column holding the struct of several unpivoted values.
const UNPIVOTED_VALUES: &str = "__unpivoted_values";

/// `input UNPIVOT [INCLUDE|EXCLUDE NULLS] (value FOR name IN (column [AS a], …))`,
/// or into several value columns: `((v1, v2) FOR name IN ((a1, a2) [AS x], …))`.
/// Rows whose values are all NULL are left out unless `INCLUDE NULLS`.
pub(super) fn unpivot(
    input: connect::Relation,
    value: &ast::Expr,
    name: &ast::Ident,
    columns: &[ast::ExprWithAlias],
    null_inclusion: Option<&ast::NullInclusion>,
) -> Result<connect::Relation> {
    let value_columns: Vec<&ast::Ident> = match value {
        ast::Expr::Identifier(column) => vec![column],
        ast::Expr::Tuple(items) => items
            .iter()
            .map(|item| match item {
                ast::Expr::Identifier(column) => Ok(column),
                other => Err(SparkError::parse_syntax(&format!("'{other}'"), "")),
            })
            .collect::<Result<_>>()?,
        other => return Err(SparkError::parse_syntax(&format!("'{other}'"), "")),
    };
    let (values, value_column_name) = match value_columns.as_slice() {
        [single] => (columns.iter().map(aliased_expression).collect::<Result<Vec<_>>>()?, single.value.clone()),
        several => (columns.iter().map(|c| value_struct(several, c)).collect::<Result<Vec<_>>>()?, UNPIVOTED_VALUES.to_string()),
    };
    let mut unpivoted = rel(RelType::Unpivot(Box::new(connect::Unpivot {
        input: Some(Box::new(input)),
        ids: vec![other_columns()],
        values: Some(connect::unpivot::Values { values }),
        variable_column_name: name.value.clone(),
        value_column_name,
    })));
    if value_columns.len() > 1 {
        let fields = value_columns
            .iter()
            .map(|column| connect::expression::Alias {
                expr: Some(Box::new(attribute(&[ast::Ident::new(UNPIVOTED_VALUES), (*column).clone()]))),
                name: vec![column.value.clone()],
                metadata: None,
            })
            .collect();
        let split = rel(RelType::WithColumns(Box::new(connect::WithColumns { input: Some(Box::new(unpivoted)), aliases: fields })));
        unpivoted = rel(RelType::Drop(Box::new(connect::Drop {
            input: Some(Box::new(split)),
            columns: Vec::new(),
            column_names: vec![UNPIVOTED_VALUES.to_string()],
        })));
    }
    if matches!(null_inclusion, Some(ast::NullInclusion::IncludeNulls)) {
        return Ok(unpivoted);
    }
    let any_value = value_columns
        .iter()
        .map(|column| function("isNotNull", vec![attribute(std::slice::from_ref(*column))]))
        .reduce(|a, b| function("or", vec![a, b]))
        .unwrap_or_else(|| bool_literal(true));
    Ok(rel(RelType::Filter(Box::new(connect::Filter { input: Some(Box::new(unpivoted)), condition: Some(any_value) }))))
}

/// One `(a1, a2) [AS x]` of a several-column UNPIVOT as a struct of the
/// value columns, named by its alias or its columns' names joined by `_`.
fn value_struct(value_columns: &[&ast::Ident], column: &ast::ExprWithAlias) -> Result<connect::Expression> {
    let items: Vec<&ast::Expr> = match &column.expr {
        ast::Expr::Tuple(items) => items.iter().collect(),
        single => vec![single],
    };
    if items.len() != value_columns.len() {
        let names = value_columns.len().to_string();
        return Err(SparkError::new(
            crate::ErrorKind::Analysis,
            "UNPIVOT_VALUE_SIZE_MISMATCH",
            "428C4",
            format!("All unpivot value columns must have the same size as there are value column names ({names})."),
            &[("names", names.clone())],
        ));
    }
    let mut arguments = Vec::new();
    for (name, item) in value_columns.iter().zip(&items) {
        arguments.push(expr(ExprType::Literal(connect::expression::Literal {
            literal_type: Some(LiteralType::String(name.value.clone())),
            ..Default::default()
        })));
        arguments.push(expression(item)?);
    }
    let label = match &column.alias {
        Some(alias) => alias.value.clone(),
        None => items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("_"),
    };
    Ok(alias(function("named_struct", arguments), &label))
}

/// The lone `*` that stands for the columns the clause does not mention.
fn other_columns() -> connect::Expression {
    expr(ExprType::UnresolvedStar(connect::expression::UnresolvedStar::default()))
}

fn aliased_expression(item: &ast::ExprWithAlias) -> Result<connect::Expression> {
    let converted = expression(&item.expr)?;
    Ok(match &item.alias {
        Some(name) => alias(converted, &name.value),
        None => converted,
    })
}

/// A PIVOT value, which Spark requires to be a constant.
fn pivot_value(value: &ast::Expr) -> Result<connect::expression::Literal> {
    match expression(value)?.expr_type {
        Some(ExprType::Literal(literal)) => Ok(literal),
        _ => Err(SparkError::new(
            crate::ErrorKind::Analysis,
            "NON_LITERAL_PIVOT_VALUES",
            "42K08",
            format!("Literal expressions required for pivot values, found \"{value}\"."),
            &[("expression", format!("\"{value}\""))],
        )),
    }
}

/// The name the pivot gives a value's column (its text), for the values
/// whose text does not depend on the session.
fn value_label(literal: &connect::expression::Literal) -> Option<String> {
    Some(match literal.literal_type.as_ref()? {
        LiteralType::String(s) => s.clone(),
        LiteralType::Boolean(b) => b.to_string(),
        LiteralType::Byte(n) | LiteralType::Short(n) | LiteralType::Integer(n) => n.to_string(),
        LiteralType::Long(n) => n.to_string(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{SqlArguments, parse_query};
    use super::*;

    fn from_item(sql: &str) -> connect::Relation {
        let Some(RelType::Project(project)) = parse_query(sql, &SqlArguments::default()).unwrap().rel_type else {
            panic!("{sql}: not a projection")
        };
        *project.input.unwrap()
    }

    #[test]
    fn pivot_groups_by_the_other_columns_and_renames_aliased_values() {
        let relation = from_item("SELECT * FROM t PIVOT (sum(a) AS s FOR k IN ('x' AS ex, 'y'))");
        let Some(RelType::WithColumnsRenamed(renamed)) = relation.rel_type else { panic!("no renames") };
        assert_eq!(renamed.renames[0].col_name, "x");
        assert_eq!(renamed.renames[0].new_col_name, "ex");
        let Some(RelType::Aggregate(aggregate)) = renamed.input.unwrap().rel_type else { panic!("no aggregate") };
        assert!(crate::other_columns::is_other_columns(&aggregate.grouping_expressions));
        assert_eq!(aggregate.pivot.unwrap().values.len(), 2);
    }

    #[test]
    fn unpivot_leaves_out_nulls_unless_asked() {
        let excluded = from_item("SELECT * FROM t UNPIVOT (v FOR n IN (a, b))");
        assert!(matches!(excluded.rel_type, Some(RelType::Filter(_))));
        let included = from_item("SELECT * FROM t UNPIVOT INCLUDE NULLS (v FOR n IN (a AS x, b))");
        let Some(RelType::Unpivot(unpivot)) = included.rel_type else { panic!("no unpivot") };
        assert_eq!((unpivot.variable_column_name.as_str(), unpivot.value_column_name.as_str()), ("n", "v"));
        assert!(crate::other_columns::is_other_columns(&unpivot.ids));
    }
}
