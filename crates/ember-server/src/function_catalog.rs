//! The functions a session can call, as `SHOW FUNCTIONS`, `DESCRIBE
//! FUNCTION`, `CREATE TEMPORARY FUNCTION` and `spark.catalog`'s
//! `listFunctions`/`getFunction`/`functionExists` see them.
//!
//! The built-in functions are the names of Spark 4.3's function registry
//! (`spark_functions.json`: name and class, recorded from Spark's
//! `listFunctions`) that Ember's planner resolves: a function exists when
//! a call of it plans, so the answers cover exactly the functions Ember has.
//! The session's functions are those registered with `spark.udf.register`;
//! persistent ones (`CREATE FUNCTION`) are stored in the warehouse.

use std::sync::{Arc, OnceLock};

use arrow::array::{ArrayRef, BooleanArray, ListBuilder, RecordBatch, StringArray, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema};
use ember_planner::{ErrorKind, SparkError};
use ember_protocol::connect::{self, expression::ExprType, relation::RelType};

use crate::session::Session;
use crate::sql_commands::matches_pattern;

/// Spark 4.3's built-in functions: `[name, class (null for syntax)]`.
const SPARK_FUNCTIONS: &str = include_str!("spark_functions.json");

/// The usage text of every function: Spark's texts are its documentation,
/// which Ember does not carry; `N/A.` is what Spark shows for a function
/// without one.
const NO_USAGE: &str = "N/A.";

/// The class Spark shows for a function registered from Python.
const PYTHON_FUNCTION_CLASS: &str = "org.apache.spark.sql.execution.python.UserDefinedPythonFunction";

/// Where a function comes from.
#[derive(Debug, Clone, PartialEq)]
enum Origin {
    Builtin,
    /// Registered in the session (`spark.udf.register`).
    Registered,
    /// `CREATE FUNCTION` in this database.
    Persistent(String),
}

/// One function as the catalog describes it.
#[derive(Debug, Clone, PartialEq)]
struct FunctionInfo {
    name: String,
    class_name: Option<String>,
    origin: Origin,
}

impl FunctionInfo {
    fn persistent(function: ember_catalog::Function) -> Self {
        FunctionInfo { name: function.name, class_name: Some(function.class_name), origin: Origin::Persistent(function.database) }
    }

    /// The name `SHOW FUNCTIONS` and `DESCRIBE FUNCTION` give it.
    fn qualified_name(&self) -> String {
        match &self.origin {
            Origin::Builtin | Origin::Registered => self.name.clone(),
            Origin::Persistent(database) => format!("spark_catalog.{database}.{}", self.name),
        }
    }
}

/// `spark.catalog.functionExists(name[, db])`: a qualified name names a
/// persistent function; an unqualified one any function of the session.
pub fn catalog_function_exists(session: &Session, name: &[String]) -> Result<bool, SparkError> {
    match name {
        [single] => Ok(function_exists(session, single) || persistent_function(session, name)?.is_some()),
        _ => Ok(persistent_function(session, name)?.is_some()),
    }
}

/// The persistent function `name` (`f`, `db.f` or `spark_catalog.db.f`) names, if any.
fn persistent_function(session: &Session, name: &[String]) -> Result<Option<ember_catalog::Function>, SparkError> {
    let (database, function) = match name {
        [function] => (session.current_database(), function),
        [database, function] | [_, database, function] => (crate::sql_commands::database_name(database), function),
        _ => return Ok(None),
    };
    session.warehouse.function(&database, &function.to_lowercase())
}

/// Drops the persistent function `name`; whether it existed.
pub fn drop_persistent_function(session: &Session, name: &[String]) -> Result<bool, SparkError> {
    match persistent_function(session, name)? {
        Some(function) => session.warehouse.drop_function(&function).map(|()| true),
        None => Ok(false),
    }
}

/// Whether `name` is a function a query of this session can call: a call
/// of it with up to three arguments resolves to something other than
/// `UNRESOLVED_ROUTINE` (some functions are only recognised with the
/// arguments they take).
pub fn function_exists(session: &Session, name: &str) -> bool {
    let one = connect::Expression {
        common: None,
        expr_type: Some(ExprType::Literal(connect::expression::Literal {
            data_type: None,
            literal_type: Some(connect::expression::literal::LiteralType::Integer(1)),
        })),
    };
    let call = |arguments: Vec<connect::Expression>| connect::Expression {
        common: None,
        expr_type: Some(ExprType::UnresolvedFunction(connect::expression::UnresolvedFunction {
            function_name: name.to_string(),
            arguments,
            ..Default::default()
        })),
    };
    if (0..=6).any(|count| resolves(session, call(vec![one.clone(); count]))) {
        return true;
    }
    // Some functions are only recognised with arguments of their types, or
    // as window functions; a lambda fails for unknown names too, so the
    // higher-order forms must plan.
    let word = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let probe = |form: &str| ember_planner::sql::parse_expression(&form.replace("{f}", name)).ok();
    let higher_order = ["{f}(array(1), x -> true)", "{f}(array(1), 0, (a, x) -> a)", "{f}(map(1, 1), (k, v) -> true)", "{f}(array(1), array(1), (x, y) -> x)", "{f}(map(1, 1), map(1, 1), (k, a, b) -> k)"];
    let typed = [
        "{f}() OVER (ORDER BY 1)", "{f}(1) OVER (ORDER BY 1)", "{f}(array(1))", "{f}(array(1), 1)", "{f}(array(1), array(1))",
        "{f}(map(1, 1), 1)", "{f}('a')", "{f}('a', 'a')", "{f}('a', 'a', 'a')",
    ];
    word && (higher_order.iter().filter_map(|form| probe(form)).any(|call| plan_probe(session, call).is_ok_and(|planned| planned.is_ok()))
        || typed.iter().filter_map(|form| probe(form)).any(|call| resolves(session, call)))
}

/// Whether planning `call` finds its function. Any other failure (wrong
/// arguments) still found it, and so does a panic while planning a call
/// with unfitting arguments (a planner bug).
fn resolves(session: &Session, call: connect::Expression) -> bool {
    !matches!(plan_probe(session, call), Ok(Err(SparkError { error_class, .. })) if error_class == "UNRESOLVED_ROUTINE")
}

/// Plans `SELECT call`; `Err` when planning panicked.
fn plan_probe(session: &Session, call: connect::Expression) -> std::thread::Result<Result<(), SparkError>> {
    let probe = connect::Relation {
        common: None,
        rel_type: Some(RelType::Project(Box::new(connect::Project { input: None, expressions: vec![call] }))),
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::execute::plan(session, &probe).map(|_| ())))
}

/// `SPARK_FUNCTIONS` read: `(name, class)` pairs sorted by name.
fn recorded_functions() -> Vec<(String, Option<String>)> {
    serde_json::from_str(SPARK_FUNCTIONS).unwrap_or_default()
}

/// Spark's built-in functions that Ember has, by name. Operators that are
/// only SQL syntax (`!=`, `<>`, `||`, `CASE`; no class) are kept: the SQL
/// parser takes them. Computed once per server (built-ins never change).
fn builtin_functions(session: &Session) -> &'static [FunctionInfo] {
    static BUILTINS: OnceLock<Vec<FunctionInfo>> = OnceLock::new();
    BUILTINS.get_or_init(|| {
        recorded_functions()
            .into_iter()
            .filter(|(name, class_name)| class_name.is_none() || function_exists(session, name))
            .map(|(name, class_name)| FunctionInfo { name, class_name, origin: Origin::Builtin })
            .collect()
    })
}

/// The session's registered functions.
fn registered_functions(session: &Session) -> Vec<FunctionInfo> {
    session
        .function_names()
        .into_iter()
        .map(|name| FunctionInfo { name, class_name: Some(PYTHON_FUNCTION_CLASS.to_string()), origin: Origin::Registered })
        .collect()
}

/// The functions `SHOW [USER|SYSTEM|ALL] FUNCTIONS` lists (`scope` upper
/// case) with the persistent ones of `database` (the current one when
/// `None`), matching `pattern`, sorted by the name shown.
fn listed(session: &Session, scope: Option<&str>, database: Option<String>, pattern: Option<&str>) -> Result<Vec<FunctionInfo>, SparkError> {
    let mut functions: Vec<FunctionInfo> = Vec::new();
    if scope != Some("USER") {
        functions.extend(builtin_functions(session).iter().cloned());
    }
    if scope != Some("SYSTEM") {
        functions.extend(registered_functions(session));
        let database = database.unwrap_or_else(|| session.current_database());
        session.warehouse.existing_database(&database)?;
        functions.extend(session.warehouse.functions(&database)?.into_iter().map(FunctionInfo::persistent));
    }
    functions.retain(|f| pattern.is_none_or(|p| matches_pattern(p, &f.name)));
    functions.sort_by_key(FunctionInfo::qualified_name);
    functions.dedup_by(|a, b| a.qualified_name() == b.qualified_name());
    Ok(functions)
}

/// The function `name` resolves to: a registered one first (as Spark's
/// temporary functions shadow built-ins), then a built-in, then a
/// persistent one; a qualified name only a persistent one.
fn lookup(session: &Session, name: &[String]) -> Result<FunctionInfo, SparkError> {
    let found = match name {
        [single] => registered_functions(session)
            .into_iter()
            .find(|f| f.name.eq_ignore_ascii_case(single))
            .or_else(|| builtin_functions(session).iter().find(|f| f.name.eq_ignore_ascii_case(single)).cloned()),
        _ => None,
    };
    match found {
        Some(function) => Ok(function),
        None => persistent_function(session, name)?
            .map(FunctionInfo::persistent)
            .ok_or_else(|| SparkError::unresolved_routine(&name.join("."))),
    }
}

/// `SHOW [USER|SYSTEM|ALL] FUNCTIONS [IN db] [[LIKE] 'pattern']`: one `function` column.
pub fn show_functions(session: &Session, scope: Option<&str>, database: Option<String>, pattern: Option<&str>) -> Result<RecordBatch, SparkError> {
    let names: Vec<String> = listed(session, scope, database, pattern)?.iter().map(FunctionInfo::qualified_name).collect();
    let schema = Arc::new(Schema::new(vec![Field::new("function", DataType::Utf8, false)]));
    Ok(RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(names)) as ArrayRef])?)
}

/// `DESCRIBE FUNCTION [EXTENDED] name`: rows of `function_desc`. Ember has
/// no extended usage (examples) for built-ins, so `EXTENDED` adds a row
/// only for registered functions, as Spark's "No example/argument" text.
pub fn describe_function(session: &Session, name: &[String], extended: bool) -> Result<RecordBatch, SparkError> {
    let function = lookup(session, name)?;
    let shown_name = match function.origin {
        Origin::Registered => format!("spark_catalog.session.{}", function.name),
        _ => function.qualified_name(),
    };
    let mut rows = vec![
        format!("Function: {shown_name}"),
        format!("Class: {}", function.class_name.clone().unwrap_or_else(|| "N/A.".to_string())),
        format!("Usage: {NO_USAGE}"),
    ];
    if extended && function.origin == Origin::Registered {
        rows.push(format!("Extended Usage:\n    No example/argument for {}.\n", function.name));
    }
    let schema = Arc::new(Schema::new(vec![Field::new("function_desc", DataType::Utf8, false)]));
    Ok(RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(rows)) as ArrayRef])?)
}

/// The options of `CREATE FUNCTION`.
pub struct CreateFunction<'a> {
    pub temporary: bool,
    pub or_replace: bool,
    pub if_not_exists: bool,
    pub class_name: &'a str,
}

/// `CREATE [OR REPLACE] [TEMPORARY] FUNCTION [IF NOT EXISTS] name AS 'class'`.
/// A persistent function is stored (Spark does not load its class until it
/// is called). Ember runs no JVM classes, so a temporary function fails as
/// Spark's does for a class it cannot load, after the name checks.
pub fn create_function(session: &Session, name: &[String], create: CreateFunction) -> Result<(), SparkError> {
    let [qualifier @ .., function] = name else { return Err(SparkError::unresolved_routine("")) };
    if !create.temporary {
        let database = match qualifier {
            [] => session.current_database(),
            [.., database] => crate::sql_commands::database_name(database),
        };
        let stored = ember_catalog::Function { database, name: function.to_lowercase(), class_name: create.class_name.to_string(), version: 0 };
        return match session.warehouse.create_function(&stored, create.or_replace) {
            Err(e) if create.if_not_exists && e.error_class == "ROUTINE_ALREADY_EXISTS" => Ok(()),
            result => result,
        };
    }
    if !qualifier.is_empty() {
        let qualifier = ember_planner::error::quote_name_parts(&qualifier.join("."));
        return Err(SparkError::new(
            ErrorKind::Parse,
            "INVALID_TEMP_OBJ_QUALIFIER",
            "42602",
            format!("Temporary FUNCTION `{function}` cannot be qualified with {qualifier}. Temporary objects can only be qualified with SESSION or SYSTEM.SESSION."),
            &[("objectName", format!("`{function}`")), ("objectType", "FUNCTION".to_string()), ("qualifier", qualifier.clone())],
        ));
    }
    if !create.or_replace && registered_functions(session).iter().any(|f| f.name.eq_ignore_ascii_case(function)) {
        return Err(ember_catalog::errors::routine_already_exists(&format!("`{function}`")));
    }
    Err(SparkError::cannot_load_function_class(create.class_name, &format!("`{function}`")))
}

/// `spark.catalog.listFunctions([db[, pattern]])`: every function of the
/// session, with the persistent ones of `database` (else the current one).
pub fn list_functions(session: &Session, database: Option<String>, pattern: Option<&str>) -> Result<RecordBatch, SparkError> {
    functions_batch(&listed(session, None, database, pattern)?)
}

/// `spark.catalog.getFunction(name)`.
pub fn get_function(session: &Session, name: &[String]) -> Result<RecordBatch, SparkError> {
    functions_batch(&[lookup(session, name)?])
}

/// Rows of name, catalog, namespace, description, className, isTemporary:
/// only persistent functions have a catalog and namespace.
fn functions_batch(functions: &[FunctionInfo]) -> Result<RecordBatch, SparkError> {
    let element = Arc::new(Field::new("element", DataType::Utf8, true));
    let schema = Arc::new(Schema::new(vec![
        Field::new("name", DataType::Utf8, true),
        Field::new("catalog", DataType::Utf8, true),
        Field::new("namespace", DataType::List(element.clone()), true),
        Field::new("description", DataType::Utf8, true),
        Field::new("className", DataType::Utf8, true),
        Field::new("isTemporary", DataType::Boolean, false),
    ]));
    let database = |f: &FunctionInfo| match &f.origin {
        Origin::Persistent(database) => Some(database.clone()),
        _ => None,
    };
    let mut namespaces = ListBuilder::new(StringBuilder::new()).with_field(element);
    for function in functions {
        match database(function) {
            Some(database) => {
                namespaces.values().append_value(database);
                namespaces.append(true);
            }
            None => namespaces.append(false),
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(functions.iter().map(|f| f.name.as_str()))),
        Arc::new(StringArray::from(functions.iter().map(|f| database(f).map(|_| "spark_catalog")).collect::<Vec<_>>())),
        Arc::new(namespaces.finish()),
        Arc::new(StringArray::from_iter_values(functions.iter().map(|_| NO_USAGE))),
        Arc::new(StringArray::from(functions.iter().map(|f| f.class_name.clone()).collect::<Vec<_>>())),
        Arc::new(BooleanArray::from(functions.iter().map(|f| database(f).is_none()).collect::<Vec<_>>())),
    ];
    Ok(RecordBatch::try_new(schema, columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_functions_parse() {
        let entries = recorded_functions();
        assert!(entries.len() > 500);
        assert!(entries.iter().any(|(name, class)| name == "abs" && class.as_deref() == Some("org.apache.spark.sql.catalyst.expressions.Abs")));
        assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
