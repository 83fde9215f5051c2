//! `collations()`: the collations Spark 4.3 offers (see [`ember_types::collation`]), with
//! the columns Spark's table function has.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::logical_expr::LogicalPlan;
use ember_types::collation::{COLLATION_CATALOG, COLLATION_SCHEMA, ICU_LOCALES, ICU_VERSION};
use ember_types::{Collation, CollationFamily};

use crate::error::Result;
use crate::plan::Planner;

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

/// Every collation in Spark's order: the UTF-8 ones, then the ICU ones sorted by name.
fn all_collations() -> Vec<Collation> {
    let utf8 = |family, rtrim| Collation { family, case_insensitive: false, accent_insensitive: false, rtrim };
    let mut icu = Vec::new();
    for locale in 0..ICU_LOCALES.len() {
        for bits in 0..8u8 {
            icu.push(Collation { family: CollationFamily::Icu(locale), case_insensitive: bits & 1 != 0, accent_insensitive: bits & 2 != 0, rtrim: bits & 4 != 0 });
        }
    }
    icu.sort_by_cached_key(Collation::name);
    let mut all = vec![utf8(CollationFamily::Utf8Binary, false), utf8(CollationFamily::Utf8Lcase, false), utf8(CollationFamily::Utf8Binary, true), utf8(CollationFamily::Utf8Lcase, true)];
    all.extend(icu);
    all
}

impl Planner<'_> {
    /// The rows of `collations()`.
    pub(crate) fn collations(&mut self) -> Result<LogicalPlan> {
        let schema = Arc::new(Schema::new(COLUMNS.iter().map(|(name, nullable)| Field::new(*name, DataType::Utf8, *nullable)).collect::<Vec<_>>()));
        let all = all_collations();
        let column = |value: &dyn Fn(&Collation) -> Option<String>| -> ArrayRef { Arc::new(all.iter().map(value).collect::<StringArray>()) };
        let locale = |c: &Collation| match c.family {
            CollationFamily::Icu(locale) => Some(ICU_LOCALES[locale]),
            _ => None,
        };
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let sensitivity = |insensitive: bool, what: &str| Some(format!("{what}_{}", if insensitive { "INSENSITIVE" } else { "SENSITIVE" }));
        let columns = vec![
            column(&|_| Some(COLLATION_CATALOG.to_string())),
            column(&|_| Some(COLLATION_SCHEMA.to_string())),
            column(&|c| Some(c.name())),
            column(&|c| locale(c).and_then(|(_, _, language, _)| non_empty(language))),
            column(&|c| locale(c).and_then(|(_, _, _, country)| non_empty(country))),
            column(&|c| sensitivity(c.accent_insensitive, "ACCENT")),
            column(&|c| sensitivity(c.is_case_insensitive(), "CASE")),
            column(&|c| Some(if c.rtrim { "RTRIM" } else { "NO_PAD" }.to_string())),
            column(&|c| locale(c).map(|_| ICU_VERSION.to_string())),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns)?;
        self.batches_relation(vec![batch], Some(schema), None)
    }
}
