//! `collations()`: the collations Ember knows, with the columns Spark 4.3's
//! table function has. Ember has no ICU collations, so only the built-in
//! UTF-8 ones are listed.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::logical_expr::LogicalPlan;

use crate::error::Result;
use crate::plan::Planner;

/// (name, case sensitivity) of each collation Ember knows.
const COLLATIONS: &[(&str, &str)] = &[("UTF8_BINARY", "CASE_SENSITIVE"), ("UTF8_LCASE", "CASE_INSENSITIVE")];

/// The columns of `collations()`, as Spark names them: (name, nullable).
const COLUMNS: &[(&str, bool)] = &[
    ("CATALOG", false),
    ("SCHEMA", false),
    ("NAME", false),
    ("LANGUAGE", true),
    ("COUNTRY", true),
    ("ACCENT_SENSITIVITY", false),
    ("CASE_SENSITIVITY", false),
    ("PAD_ATTRIBUTE", false),
    ("ICU_VERSION", true),
];

impl Planner<'_> {
    /// The rows of `collations()`.
    pub(crate) fn collations(&mut self) -> Result<LogicalPlan> {
        let schema = Arc::new(Schema::new(COLUMNS.iter().map(|(name, nullable)| Field::new(*name, DataType::Utf8, *nullable)).collect::<Vec<_>>()));
        let column = |value: fn(&(&'static str, &'static str)) -> Option<&'static str>| -> ArrayRef {
            Arc::new(COLLATIONS.iter().map(|c| value(c)).collect::<StringArray>())
        };
        let columns = vec![
            column(|_| Some("SYSTEM")),
            column(|_| Some("BUILTIN")),
            column(|&(name, _)| Some(name)),
            column(|_| None),
            column(|_| None),
            column(|_| Some("ACCENT_SENSITIVE")),
            column(|&(_, case)| Some(case)),
            column(|_| Some("NO_PAD")),
            column(|_| None),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns)?;
        self.batches_relation(vec![batch], Some(schema), None)
    }
}
