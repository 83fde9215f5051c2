//! `sql_keywords()`: Spark 4.3's SQL keywords and whether each is reserved
//! (`sql_keywords.tsv`, recorded from Spark's own table function with
//! `spark.sql.ansi.enforceReservedKeywords`; without it none is reserved).

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::logical_expr::LogicalPlan;

use crate::error::Result;
use crate::plan::Planner;

/// One `KEYWORD\treserved` line per keyword, in Spark's order; `reserved`
/// as under `spark.sql.ansi.enforceReservedKeywords`.
const KEYWORDS: &str = include_str!("sql_keywords.tsv");

impl Planner<'_> {
    /// The rows of `sql_keywords()`: `keyword`, `reserved`.
    pub(crate) fn sql_keywords(&mut self) -> Result<LogicalPlan> {
        let (keywords, reserved): (Vec<&str>, Vec<bool>) =
            KEYWORDS.lines().filter_map(|line| line.split_once('\t')).map(|(keyword, reserved)| (keyword, reserved == "true" && self.config.enforce_reserved_keywords)).unzip();
        let schema = Arc::new(Schema::new(vec![Field::new("keyword", DataType::Utf8, false), Field::new("reserved", DataType::Boolean, false)]));
        let columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from(keywords)), Arc::new(BooleanArray::from(reserved))];
        let batch = RecordBatch::try_new(schema.clone(), columns)?;
        self.batches_relation(vec![batch], Some(schema), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_has_a_keyword_and_a_flag() {
        assert!(KEYWORDS.lines().count() > 400);
        assert!(KEYWORDS.lines().all(|line| matches!(line.split_once('\t'), Some((k, "true" | "false")) if !k.is_empty())));
        assert!(KEYWORDS.lines().any(|line| line == "SELECT\ttrue"));
    }
}
