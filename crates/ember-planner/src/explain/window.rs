//! A window operator as Spark prints it: `Window [row_number()
//! windowspecdefinition(…) AS rn#3], [partition keys], [order]`.

use std::sync::Arc;

use datafusion::common::ScalarValue;
use datafusion::logical_expr::{WindowFrame, WindowFrameBound, WindowFrameUnits};
use datafusion::physical_expr::window::{PlainAggregateWindowExpr, SlidingAggregateWindowExpr, StandardWindowExpr, WindowExpr};

use datafusion::physical_plan::windows::WindowUDFExpr;

use super::expressions::{aggregate_text, literal_text, sort_text, text};
use super::list;

/// The `Window` line of window functions computed over `inputs`, whose
/// results are the last columns of `output`.
pub fn window_text(exprs: &[Arc<dyn WindowExpr>], output: &[String], inputs: &[String]) -> String {
    let Some(first) = exprs.first() else { return "Window [], [], []".to_string() };
    let partition: Vec<String> = first.partition_by().iter().map(|e| text(e.as_ref(), inputs)).collect();
    let order: Vec<String> = first.order_by().iter().map(|s| sort_text(s, inputs)).collect();
    let results = &output[output.len().saturating_sub(exprs.len())..];
    let calls: Vec<String> = exprs.iter().zip(results).map(|(expr, result)| {
        let spec: Vec<String> = partition.iter().chain(&order).cloned().chain([frame_text(expr.get_window_frame())]).collect();
        format!("{} windowspecdefinition({}) AS {result}", function_text(expr.as_ref(), inputs), spec.join(", "))
    }).collect();
    // Spark leaves empty key lists out.
    let keys = [partition, order].into_iter().filter(|k| !k.is_empty()).map(|k| format!(", {}", list(k))).collect::<String>();
    format!("Window {}{keys}", list(calls))
}

/// The window function's call.
fn function_text(expr: &dyn WindowExpr, inputs: &[String]) -> String {
    let any = expr.as_any();
    if let Some(plain) = any.downcast_ref::<PlainAggregateWindowExpr>() {
        return aggregate_text(plain.get_aggregate_expr(), inputs, false);
    }
    if let Some(sliding) = any.downcast_ref::<SlidingAggregateWindowExpr>() {
        return aggregate_text(sliding.get_aggregate_expr(), inputs, false);
    }
    let args: Vec<String> = expr.expressions().iter().map(|e| text(e.as_ref(), inputs)).collect();
    let name = match any.downcast_ref::<StandardWindowExpr>() {
        Some(standard) => {
            let function = standard.get_standard_func_expr();
            match function.as_any().downcast_ref::<WindowUDFExpr>() {
                Some(udf) => udf.fun().name().to_string(),
                None => function.name().to_string(),
            }
        }
        None => expr.name().to_string(),
    };
    let name = name.split('(').next().unwrap_or_default();
    // Spark's ranking functions take the window's order keys as their arguments.
    let args = match name {
        "rank" | "dense_rank" | "percent_rank" if args.is_empty() => expr.order_by().iter().map(|s| text(s.expr.as_ref(), inputs)).collect(),
        _ => args,
    };
    format!("{name}({})", args.join(", "))
}

/// `specifiedwindowframe(RowFrame, unboundedpreceding$(), currentrow$())`.
pub(super) fn frame_text(frame: &WindowFrame) -> String {
    let units = match frame.units {
        WindowFrameUnits::Rows => "RowFrame",
        WindowFrameUnits::Range | WindowFrameUnits::Groups => "RangeFrame",
    };
    format!("specifiedwindowframe({units}, {}, {})", bound_text(&frame.start_bound), bound_text(&frame.end_bound))
}

fn bound_text(bound: &WindowFrameBound) -> String {
    match bound {
        WindowFrameBound::CurrentRow => "currentrow$()".to_string(),
        WindowFrameBound::Preceding(v) if v.is_null() => "unboundedpreceding$()".to_string(),
        WindowFrameBound::Following(v) if v.is_null() => "unboundedfollowing$()".to_string(),
        WindowFrameBound::Preceding(v) => format!("-{}", offset(v)),
        WindowFrameBound::Following(v) => offset(v),
    }
}

fn offset(value: &ScalarValue) -> String {
    literal_text(value)
}
