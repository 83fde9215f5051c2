//! SQL's `PIVOT` and `UNPIVOT` clauses after a FROM item, translated to the
//! DataFrame API's pivot aggregation and unpivot relation. Both use every
//! input column the clause does not mention (a lone `*`, see
//! `other_columns`): as grouping columns for `PIVOT`, as ids for `UNPIVOT`.

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, expression::ExprType, expression::literal::LiteralType, relation::RelType};

use super::{alias, attribute, expr, expression, function, rel};
use crate::error::{Result, SparkError};

/// `input PIVOT (aggregate [AS a], … FOR column IN (value [AS v], …))`.
pub(super) fn pivot(
    input: connect::Relation,
    aggregates: &[ast::ExprWithAlias],
    value_column: &[ast::Expr],
    source: &ast::PivotValueSource,
    default_on_null: Option<&ast::Expr>,
) -> Result<connect::Relation> {
    if default_on_null.is_some() {
        return Err(SparkError::unsupported("PIVOT … DEFAULT ON NULL"));
    }
    let [column] = value_column else { return Err(SparkError::unsupported("PIVOT over several columns")) };
    let ast::PivotValueSource::List(values) = source else {
        return Err(SparkError::unsupported("PIVOT values that are not a list"));
    };
    let aggregate_expressions = aggregates.iter().map(aliased_expression).collect::<Result<Vec<_>>>()?;
    let literals = values.iter().map(|v| pivot_value(&v.expr)).collect::<Result<Vec<_>>>()?;
    // Aliased values name their columns: rename the columns the values' text named.
    let mut renames = Vec::new();
    for (value, literal) in values.iter().zip(&literals) {
        let Some(value_alias) = &value.alias else { continue };
        let label = value_label(literal).ok_or_else(|| SparkError::unsupported(format!("an alias for the PIVOT value {}", value.expr)))?;
        if aggregates.len() == 1 {
            renames.push((label, value_alias.value.clone()));
        } else {
            for aggregate in aggregates {
                let name = aggregate.alias.as_ref().map_or_else(|| aggregate.expr.to_string(), |a| a.value.clone());
                renames.push((format!("{label}_{name}"), format!("{}_{name}", value_alias.value)));
            }
        }
    }
    let pivoted = rel(RelType::Aggregate(Box::new(connect::Aggregate {
        input: Some(Box::new(input)),
        group_type: connect::aggregate::GroupType::Pivot as i32,
        grouping_expressions: vec![other_columns()],
        aggregate_expressions,
        pivot: Some(connect::aggregate::Pivot { col: Some(expression(column)?), values: literals }),
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

/// `input UNPIVOT [INCLUDE|EXCLUDE NULLS] (value FOR name IN (column [AS a], …))`;
/// rows whose value is NULL are left out unless `INCLUDE NULLS`.
pub(super) fn unpivot(
    input: connect::Relation,
    value: &ast::Expr,
    name: &ast::Ident,
    columns: &[ast::ExprWithAlias],
    null_inclusion: Option<&ast::NullInclusion>,
) -> Result<connect::Relation> {
    let ast::Expr::Identifier(value_column) = value else {
        return Err(SparkError::unsupported("UNPIVOT into several value columns"));
    };
    let values = columns.iter().map(aliased_expression).collect::<Result<Vec<_>>>()?;
    let unpivoted = rel(RelType::Unpivot(Box::new(connect::Unpivot {
        input: Some(Box::new(input)),
        ids: vec![other_columns()],
        values: Some(connect::unpivot::Values { values }),
        variable_column_name: name.value.clone(),
        value_column_name: value_column.value.clone(),
    })));
    if matches!(null_inclusion, Some(ast::NullInclusion::IncludeNulls)) {
        return Ok(unpivoted);
    }
    Ok(rel(RelType::Filter(Box::new(connect::Filter {
        input: Some(Box::new(unpivoted)),
        condition: Some(function("isNotNull", vec![attribute(std::slice::from_ref(value_column))])),
    }))))
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
