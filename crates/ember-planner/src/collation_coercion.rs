//! Spark's collation rules for operators over strings: the operands of a comparison are
//! compared under one collation, chosen by strength. An explicit `COLLATE` wins (two
//! different ones fail with `COLLATION_MISMATCH.EXPLICIT`); else the collation of the
//! expressions over columns (two different ones leave it indeterminate,
//! `INDETERMINATE_COLLATION_IN_EXPRESSION`); literals take the others' collation.

use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_types::Collation;

use crate::error::{Result, SparkError};
use crate::plan::Planner;

/// How strongly an operand's collation binds, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    /// A literal or other expression without columns.
    Default,
    /// An expression over columns.
    Implicit,
    /// `COLLATE`.
    Explicit,
}

fn strength(expr: &Expr) -> Strength {
    match expr {
        Expr::Alias(alias) => strength(&alias.expr),
        Expr::ScalarFunction(f) if f.func.name() == "collate" => Strength::Explicit,
        _ if expr.column_refs().is_empty() => Strength::Default,
        _ => Strength::Implicit,
    }
}

impl Planner<'_> {
    /// The collation the string `args` of an operator or function (`rendered` as Spark names
    /// it) work under, when it is not `UTF8_BINARY`; string literals among them are renamed as
    /// Spark names them then (`'x' collate UNICODE_CI`).
    pub(crate) fn common_collation(&self, args: &[Expr], names: &mut [String], rendered: &str, input: &LogicalPlan) -> Result<Option<Collation>> {
        let mut operands = Vec::new();
        for (i, arg) in args.iter().enumerate() {
            if let Some(collation) = self.collation_of(arg, input)? {
                operands.push((i, collation, strength(arg)));
            }
        }
        if operands.iter().all(|(_, c, _)| c.is_binary()) {
            return Ok(None);
        }
        let strongest = operands.iter().map(|(_, _, s)| *s).max().unwrap_or(Strength::Default);
        let mut candidates: Vec<Collation> = Vec::new();
        for (_, collation, s) in &operands {
            if *s == strongest && !candidates.contains(collation) {
                candidates.push(*collation);
            }
        }
        let collation = match (candidates.as_slice(), strongest) {
            ([only], _) => *only,
            (_, Strength::Explicit) => {
                let types = candidates.iter().map(|c| format!("\"{}\"", c.type_sql())).collect::<Vec<_>>().join(", ");
                return Err(SparkError::new(
                    crate::ErrorKind::Analysis,
                    "COLLATION_MISMATCH.EXPLICIT",
                    "42P21",
                    format!("Could not determine which collation to use for string functions and operators. Error occurred due to the mismatch between explicit collations: [{types}]. Decide on a single explicit collation and remove others."),
                    &[("explicitTypes", types)],
                ));
            }
            _ => {
                let expr = format!("\"{rendered}\"");
                return Err(SparkError::new(
                    crate::ErrorKind::Analysis,
                    "INDETERMINATE_COLLATION_IN_EXPRESSION",
                    "42P22",
                    format!("Data type of {expr} has indeterminate collation. Use COLLATE clause to set the collation explicitly."),
                    &[("expr", expr)],
                ));
            }
        };
        if collation.is_binary() {
            return Ok(None);
        }
        for (i, _, s) in operands {
            if let (Strength::Default, Expr::Literal(ScalarValue::Utf8(Some(text)), _)) = (s, &args[i]) {
                names[i] = format!("'{text}' collate {}", collation.name());
            }
        }
        Ok(Some(collation))
    }

    /// Makes the string operands of a comparison (`rendered` as Spark names it) compare under
    /// their common collation: collation keys when it is not `UTF8_BINARY`.
    pub(crate) fn collate_operands(&self, args: &mut [Expr], names: &mut [String], rendered: &str, input: &LogicalPlan) -> Result<()> {
        if let Some(collation) = self.common_collation(args, names, rendered, input)? {
            for arg in args.iter_mut() {
                if self.collation_of(arg, input)?.is_some() {
                    *arg = ember_functions::collation::collation_key(arg.clone(), collation);
                }
            }
        }
        Ok(())
    }
}
