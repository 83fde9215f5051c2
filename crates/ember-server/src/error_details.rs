//! Errors whose details the client fetches with `FetchErrorDetails`: an
//! error with query contexts is kept here under an id that its status
//! carries (`errorId`), as Spark Connect keeps them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, OnceLock};

use ember_planner::{QueryContext, SparkError};
use ember_protocol::connect::fetch_error_details_response as details;

/// How many undelivered errors are kept; older ones are dropped first.
const KEPT_ERRORS: usize = 256;

#[derive(Default)]
struct Store {
    errors: HashMap<String, (Vec<String>, SparkError)>,
    order: VecDeque<String>,
}

fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(Default::default)
}

/// Keeps `err` (with its exception class hierarchy) for one fetch; returns its id.
pub fn keep(classes: Vec<String>, err: &SparkError) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let mut store = store().lock().unwrap_or_else(|e| e.into_inner());
    if store.order.len() >= KEPT_ERRORS {
        if let Some(oldest) = store.order.pop_front() {
            store.errors.remove(&oldest);
        }
    }
    store.errors.insert(id.clone(), (classes, err.clone()));
    store.order.push_back(id.clone());
    id
}

/// The details of the error kept under `id`, once: the error with its
/// class, parameters, SQLSTATE and query contexts.
pub fn take(id: &str) -> Option<details::Error> {
    let mut store = store().lock().unwrap_or_else(|e| e.into_inner());
    let (classes, err) = store.errors.remove(id)?;
    store.order.retain(|kept| kept != id);
    Some(error_details(classes, &err))
}

/// `err` as the client reads an error's details: its exception `classes`,
/// message, class, parameters, SQLSTATE and query contexts.
pub fn error_details(classes: Vec<String>, err: &SparkError) -> details::Error {
    details::Error {
        error_type_hierarchy: classes,
        message: err.message_with_context(),
        stack_trace: vec![],
        cause_idx: None,
        spark_throwable: Some(details::SparkThrowable {
            error_class: (!err.error_class.is_empty()).then(|| err.error_class.clone()),
            message_parameters: err.parameters.clone().into_iter().collect(),
            query_contexts: err.query_contexts.iter().map(query_context).collect(),
            sql_state: (!err.sql_state.is_empty()).then(|| err.sql_state.clone()),
            breaking_change_info: None,
        }),
    }
}

fn query_context(context: &QueryContext) -> details::QueryContext {
    use details::query_context::ContextType;
    let summary = context.summary();
    match context {
        QueryContext::DataFrame { fragment, call_site } => details::QueryContext {
            context_type: ContextType::Dataframe as i32,
            fragment: fragment.clone(),
            call_site: call_site.clone(),
            summary,
            ..Default::default()
        },
        QueryContext::Sql { start_index, stop_index, .. } => details::QueryContext {
            context_type: ContextType::Sql as i32,
            start_index: *start_index as i32,
            stop_index: *stop_index as i32,
            fragment: context.fragment(),
            summary,
            ..Default::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_error_is_fetched_once_with_its_contexts() {
        let err = SparkError::divide_by_zero()
            .with_query_context(&QueryContext::DataFrame { fragment: "__truediv__".into(), call_site: "a.py:1".into() });
        let id = keep(vec!["org.apache.spark.SparkArithmeticException".into()], &err);
        let fetched = take(&id).expect("kept");
        let throwable = fetched.spark_throwable.expect("throwable");
        assert_eq!(throwable.error_class.as_deref(), Some("DIVIDE_BY_ZERO"));
        assert_eq!(throwable.query_contexts[0].fragment, "__truediv__");
        assert!(fetched.message.contains("== DataFrame =="));
        assert!(take(&id).is_none());
    }
}
