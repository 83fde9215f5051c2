//! The tables and views a query's text names, for checks made before a
//! query runs (a view that would refer to itself).

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast;

/// The names (as their parts) of the tables and views `sql` reads, other
/// than its own common table expressions; empty when it does not parse.
pub fn referenced_tables(sql: &str) -> Vec<Vec<String>> {
    let Ok((mut parser, _)) = super::parser(sql) else { return Vec::new() };
    let Ok(query) = parser.parse_query() else { return Vec::new() };
    let mut ctes = Vec::new();
    collect_ctes(&query, &mut ctes);
    let mut names = Vec::new();
    let _ = ast::visit_relations(&query, |name| {
        let parts: Vec<String> = name.0.iter().filter_map(|part| part.as_ident().map(|i| i.value.clone())).collect();
        let is_cte = matches!(parts.as_slice(), [single] if ctes.iter().any(|c| c.eq_ignore_ascii_case(single)));
        if !is_cte && !names.contains(&parts) {
            names.push(parts);
        }
        ControlFlow::<()>::Continue(())
    });
    names
}

/// The names of the common table expressions `query` (and its nested queries) define.
fn collect_ctes(query: &ast::Query, names: &mut Vec<String>) {
    if let Some(with) = &query.with {
        for cte in &with.cte_tables {
            names.push(cte.alias.name.value.clone());
            collect_ctes(&cte.query, names);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tables_but_not_ctes() {
        assert_eq!(referenced_tables("SELECT * FROM db.t JOIN u ON true"), [vec!["db".to_string(), "t".to_string()], vec!["u".to_string()]]);
        assert_eq!(referenced_tables("WITH v AS (SELECT * FROM t) SELECT * FROM v"), [vec!["t".to_string()]]);
        assert!(referenced_tables("not sql").is_empty());
    }
}
