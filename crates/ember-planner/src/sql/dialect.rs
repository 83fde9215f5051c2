//! The SQL dialect Ember parses: sqlparser's Spark dialect, plus the units of
//! ANSI interval types (`CAST(x AS INTERVAL HOUR TO SECOND)`, `x::interval
//! day`), which that dialect does not read.

use std::any::TypeId;

use datafusion::sql::sqlparser::ast::Expr;
use datafusion::sql::sqlparser::dialect::{Dialect, SparkSqlDialect};
use datafusion::sql::sqlparser::parser::{Parser, ParserError};

/// sqlparser's [`SparkSqlDialect`] that also reads interval types' units.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct EmberDialect;

const SPARK: SparkSqlDialect = SparkSqlDialect;

impl Dialect for EmberDialect {
    /// The parser's checks for the Spark dialect apply to this one.
    fn dialect(&self) -> TypeId {
        TypeId::of::<SparkSqlDialect>()
    }

    fn supports_interval_options(&self) -> bool {
        true
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        SPARK.is_delimited_identifier_start(ch)
    }

    fn is_identifier_start(&self, ch: char) -> bool {
        SPARK.is_identifier_start(ch)
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        SPARK.is_identifier_part(ch)
    }

    fn supports_filter_during_aggregation(&self) -> bool {
        SPARK.supports_filter_during_aggregation()
    }

    fn supports_group_by_expr(&self) -> bool {
        SPARK.supports_group_by_expr()
    }

    fn supports_group_by_with_modifier(&self) -> bool {
        SPARK.supports_group_by_with_modifier()
    }

    /// `trim(a, b)`: Spark's function form, `TRIM(BOTH a FROM b)`.
    fn supports_comma_separated_trim(&self) -> bool {
        true
    }

    fn supports_lambda_functions(&self) -> bool {
        SPARK.supports_lambda_functions()
    }

    fn supports_select_wildcard_except(&self) -> bool {
        SPARK.supports_select_wildcard_except()
    }

    fn supports_struct_literal(&self) -> bool {
        SPARK.supports_struct_literal()
    }

    fn supports_nested_comments(&self) -> bool {
        SPARK.supports_nested_comments()
    }

    fn supports_create_table_using(&self) -> bool {
        SPARK.supports_create_table_using()
    }

    fn supports_long_type_as_bigint(&self) -> bool {
        SPARK.supports_long_type_as_bigint()
    }

    fn supports_values_as_table_factor(&self) -> bool {
        SPARK.supports_values_as_table_factor()
    }

    fn require_interval_qualifier(&self) -> bool {
        SPARK.require_interval_qualifier()
    }

    fn supports_bang_not_operator(&self) -> bool {
        SPARK.supports_bang_not_operator()
    }

    fn supports_select_item_multi_column_alias(&self) -> bool {
        SPARK.supports_select_item_multi_column_alias()
    }

    fn supports_cte_without_as(&self) -> bool {
        SPARK.supports_cte_without_as()
    }

    fn supports_map_literal_with_angle_brackets(&self) -> bool {
        SPARK.supports_map_literal_with_angle_brackets()
    }

    fn parse_infix(&self, parser: &mut Parser, expr: &Expr, precedence: u8) -> Option<Result<Expr, ParserError>> {
        SPARK.parse_infix(parser, expr, precedence)
    }
}
