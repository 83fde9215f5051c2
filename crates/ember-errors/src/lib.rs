//! Spark-style errors: an error class, its message parameters and SQLSTATE,
//! and the JVM exception class that PySpark maps to its own exception types.

use std::collections::BTreeMap;
use std::fmt;

use datafusion::arrow::error::ArrowError;
use datafusion::error::DataFusionError;

mod query_context;

pub use query_context::QueryContext;

/// The family of a Spark exception; decides which PySpark exception the
/// client raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `AnalysisException`: names, types and plans that do not resolve.
    Analysis,
    /// `ParseException`: SQL text that does not parse.
    Parse,
    /// `ArithmeticException`: overflow, division by zero.
    Arithmetic,
    /// `NumberFormatException`: casts of malformed strings.
    NumberFormat,
    /// `DateTimeException`: invalid dates and times.
    DateTime,
    /// `IllegalArgumentException`: bad arguments to an API.
    IllegalArgument,
    /// `SparkNoSuchElementException`: e.g. an unknown config key.
    NoSuchElement,
    /// `UnsupportedOperationException`: something Ember does not do (yet).
    Unsupported,
    /// `TempTableAlreadyExistsException`.
    TempTableAlreadyExists,
    /// `SparkRuntimeException`: other failures while a query runs.
    Runtime,
    /// `SparkArrayIndexOutOfBoundsException`: an array index out of range.
    ArrayIndexOutOfBounds,
    /// `SparkClassNotFoundException`: e.g. an unknown data source.
    ClassNotFound,
    /// A query stopped by an interrupt.
    Interrupted,
    /// `PythonException`: user code in a Python UDF raised.
    Python,
    /// A plain `java.lang.RuntimeException` without an error class, as a
    /// few of Spark's functions (the XPath family) raise.
    JavaRuntime,
    /// `SparkUpgradeException`: behaviour that changed since an older Spark
    /// (e.g. datetime patterns Spark 2 read and Spark 3+ refuses).
    Upgrade,
    /// `InvalidPlanInput`: a Connect plan the server refuses before analysis
    /// (e.g. a UDTF whose declared return type is not a struct).
    InvalidPlanInput,
    /// Anything else: `SparkException` with `INTERNAL_ERROR`.
    Internal,
}

impl ErrorKind {
    /// The JVM class hierarchy Spark reports for this kind, most specific first.
    pub fn classes(self) -> &'static [&'static str] {
        match self {
            ErrorKind::Analysis => &["org.apache.spark.sql.AnalysisException"],
            ErrorKind::Parse => &[
                "org.apache.spark.sql.catalyst.parser.ParseException",
                "org.apache.spark.sql.AnalysisException",
            ],
            ErrorKind::Arithmetic => &[
                "org.apache.spark.SparkArithmeticException",
                "java.lang.ArithmeticException",
            ],
            ErrorKind::NumberFormat => &[
                "org.apache.spark.SparkNumberFormatException",
                "java.lang.NumberFormatException",
                "java.lang.IllegalArgumentException",
            ],
            ErrorKind::DateTime => &[
                "org.apache.spark.SparkDateTimeException",
                "java.time.DateTimeException",
            ],
            ErrorKind::IllegalArgument => &[
                "org.apache.spark.SparkIllegalArgumentException",
                "java.lang.IllegalArgumentException",
            ],
            ErrorKind::NoSuchElement => &[
                "org.apache.spark.SparkNoSuchElementException",
                "java.util.NoSuchElementException",
            ],
            ErrorKind::Unsupported => &[
                "org.apache.spark.SparkUnsupportedOperationException",
                "java.lang.UnsupportedOperationException",
            ],
            ErrorKind::TempTableAlreadyExists => &[
                "org.apache.spark.sql.catalyst.analysis.TempTableAlreadyExistsException",
                "org.apache.spark.sql.AnalysisException",
            ],
            ErrorKind::Runtime => &["org.apache.spark.SparkRuntimeException"],
            ErrorKind::ArrayIndexOutOfBounds => &[
                "org.apache.spark.SparkArrayIndexOutOfBoundsException",
                "java.lang.ArrayIndexOutOfBoundsException",
            ],
            ErrorKind::ClassNotFound => &[
                "org.apache.spark.SparkClassNotFoundException",
                "java.lang.ClassNotFoundException",
            ],
            ErrorKind::Interrupted => &["org.apache.spark.SparkInterruptedException"],
            ErrorKind::Python => &["org.apache.spark.api.python.PythonException", "java.lang.RuntimeException"],
            ErrorKind::JavaRuntime => &["java.lang.RuntimeException"],
            ErrorKind::Upgrade => &["org.apache.spark.SparkUpgradeException", "java.lang.RuntimeException"],
            ErrorKind::InvalidPlanInput => &["org.apache.spark.sql.connect.common.InvalidPlanInput"],
            ErrorKind::Internal => &["org.apache.spark.SparkException"],
        }
    }
}

/// An error as Spark reports it.
#[derive(Debug, Clone)]
pub struct SparkError {
    /// Which exception the client sees.
    pub kind: ErrorKind,
    /// Spark's error class (condition), e.g. `UNRESOLVED_COLUMN.WITH_SUGGESTION`.
    pub error_class: String,
    /// The message parameters, as Spark names them.
    pub parameters: BTreeMap<String, String>,
    /// The SQLSTATE of the error class.
    pub sql_state: String,
    /// The rendered message, without the class prefix.
    pub message: String,
    /// Where in the user's query the error arose (empty when unknown).
    pub query_contexts: Vec<QueryContext>,
}

/// Result type of the planner.
pub type Result<T, E = SparkError> = std::result::Result<T, E>;

impl SparkError {
    /// Builds an error from its parts.
    pub fn new(
        kind: ErrorKind,
        error_class: &str,
        sql_state: &str,
        message: impl Into<String>,
        parameters: &[(&str, String)],
    ) -> Self {
        SparkError {
            kind,
            error_class: error_class.to_string(),
            parameters: parameters
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            sql_state: sql_state.to_string(),
            message: message.into(),
            query_contexts: Vec::new(),
        }
    }

    /// The error with `context` as its query context, unless it has one
    /// already (the innermost expression's context wins). Internal errors
    /// get none: they are Ember's, not the query's.
    pub fn with_query_context(mut self, context: &QueryContext) -> Self {
        if self.query_contexts.is_empty() && self.kind != ErrorKind::Internal {
            self.query_contexts.push(context.clone());
        }
        self
    }

    /// The full message followed by the summary of each query context, as
    /// Spark's `getMessage` renders it.
    pub fn message_with_context(&self) -> String {
        let mut message = self.full_message();
        for context in &self.query_contexts {
            message.push('\n');
            message.push_str(&context.summary());
        }
        message
    }

    /// `[COLUMN_ALREADY_EXISTS]`: `name` is already a column of the result.
    pub fn column_already_exists(name: &str) -> Self {
        let quoted = quote_identifier(name);
        Self::new(
            ErrorKind::Analysis,
            "COLUMN_ALREADY_EXISTS",
            "42711",
            format!("The column {quoted} already exists. Choose another name or rename the existing column."),
            &[("columnName", quoted.clone())],
        )
    }

    /// `[UNRESOLVED_COLUMN.*]`: a column name that matches nothing in `candidates`.
    pub fn unresolved_column(name: &str, candidates: &[String]) -> Self {
        let object_name = quote_name_parts(name);
        if candidates.is_empty() {
            return Self::new(
                ErrorKind::Analysis,
                "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
                "42703",
                format!("A column, variable, or function parameter with name {object_name} cannot be resolved."),
                &[("objectName", object_name.clone())],
            );
        }
        let proposal = candidates
            .iter()
            .map(|c| quote_identifier(c))
            .collect::<Vec<_>>()
            .join(", ");
        Self::new(
            ErrorKind::Analysis,
            "UNRESOLVED_COLUMN.WITH_SUGGESTION",
            "42703",
            format!(
                "A column, variable, or function parameter with name {object_name} cannot be resolved. Did you mean one of the following? [{proposal}]."
            ),
            &[("objectName", object_name.clone()), ("proposal", proposal.clone())],
        )
    }

    /// `[UNRESOLVED_ROUTINE]`: no function called `name` (as written, unquoted).
    pub fn unresolved_routine(name: &str) -> Self {
        Self::new(
            ErrorKind::Analysis,
            "UNRESOLVED_ROUTINE",
            "42883",
            format!("Cannot resolve routine `{name}` on search path {SEARCH_PATH}."),
            &[("routineName", format!("`{name}`")), ("searchPath", SEARCH_PATH.to_string())],
        )
    }

    /// `[CANNOT_LOAD_FUNCTION_CLASS]`: Spark's error for a function whose
    /// JVM class is not on its classpath (`function` quoted as written).
    pub fn cannot_load_function_class(class_name: &str, function: &str) -> Self {
        Self::new(
            ErrorKind::Analysis,
            "CANNOT_LOAD_FUNCTION_CLASS",
            "46103",
            format!("Cannot load class {class_name} when registering the function {function}, please make sure it is on the classpath."),
            &[("className", class_name.to_string()), ("functionName", function.to_string())],
        )
    }

    /// `[TABLE_OR_VIEW_NOT_FOUND]`.
    pub fn table_not_found(name: &str) -> Self {
        let relation_name = quote_name_parts(name);
        Self::new(
            ErrorKind::Analysis,
            "TABLE_OR_VIEW_NOT_FOUND",
            "42P01",
            format!(
                "The table or view {relation_name} cannot be found. Verify the spelling and correctness of the schema and catalog.\nIf you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS."
            ),
            &[("relationName", relation_name.clone()), ("searchPath", SEARCH_PATH.to_string())],
        )
    }

    /// `[PARSE_SYNTAX_ERROR]` at `error` (the offending token) with an optional hint.
    pub fn parse_syntax(error: &str, hint: &str) -> Self {
        Self::new(
            ErrorKind::Parse,
            "PARSE_SYNTAX_ERROR",
            "42601",
            format!("Syntax error at or near {error}{hint}."),
            &[("error", error.to_string()), ("hint", hint.to_string())],
        )
    }

    /// `[DIVIDE_BY_ZERO]` under ANSI mode.
    pub fn divide_by_zero() -> Self {
        Self::new(
            ErrorKind::Arithmetic,
            "DIVIDE_BY_ZERO",
            "22012",
            "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
            &[("config", "\"spark.sql.ansi.enabled\"".to_string())],
        )
    }

    /// `[REMAINDER_BY_ZERO]` under ANSI mode.
    pub fn remainder_by_zero() -> Self {
        Self::new(
            ErrorKind::Arithmetic,
            "REMAINDER_BY_ZERO",
            "22012",
            "Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
            &[("config", "\"spark.sql.ansi.enabled\"".to_string())],
        )
    }

    /// `[CAST_OVERFLOW]`: `value` (a SQL literal) does not fit `target`.
    pub fn cast_overflow(value: &str, source: &str, target: &str) -> Self {
        Self::new(
            ErrorKind::Arithmetic,
            "CAST_OVERFLOW",
            "22003",
            format!(
                "The value {value} of the type \"{source}\" cannot be cast to \"{target}\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead."
            ),
            &[
                ("ansiConfig", "\"spark.sql.ansi.enabled\"".to_string()),
                ("sourceType", format!("\"{source}\"")),
                ("targetType", format!("\"{target}\"")),
                ("value", value.to_string()),
            ],
        )
    }

    /// `[CAST_INVALID_INPUT]`: `value` (already rendered as a SQL literal) of
    /// `source` type cannot be cast to `target` (Spark type names, upper case).
    pub fn cast_invalid_input(value: &str, source: &str, target: &str) -> Self {
        Self::new(
            ErrorKind::NumberFormat,
            "CAST_INVALID_INPUT",
            "22018",
            format!(
                "The value {value} of the type \"{source}\" cannot be cast to \"{target}\" because it is malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate malformed input and return NULL instead."
            ),
            &[
                ("ansiConfig", "\"spark.sql.ansi.enabled\"".to_string()),
                ("expression", value.to_string()),
                ("sourceType", format!("\"{source}\"")),
                ("targetType", format!("\"{target}\"")),
            ],
        )
    }

    /// `[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION]`: `value` does not fit
    /// `DECIMAL(precision, scale)` under ANSI mode.
    pub fn numeric_value_out_of_range(value: &str, precision: u8, scale: i8) -> Self {
        Self::new(
            ErrorKind::Arithmetic,
            "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
            "22003",
            format!(
                "{value} cannot be represented as Decimal({precision}, {scale}). If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and return NULL instead."
            ),
            &[
                ("value", value.to_string()),
                ("precision", precision.to_string()),
                ("scale", scale.to_string()),
                ("config", "\"spark.sql.ansi.enabled\"".to_string()),
            ],
        )
    }

    /// The same error reported as another exception family.
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// `[SQL_CONF_NOT_FOUND]` for an unknown config key.
    pub fn config_not_found(key: &str) -> Self {
        Self::new(
            ErrorKind::NoSuchElement,
            "SQL_CONF_NOT_FOUND",
            "42K0I",
            format!("The SQL config \"{key}\" cannot be found. Please verify that the config exists."),
            &[("sqlConf", format!("\"{key}\""))],
        )
    }

    /// `[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS]`.
    pub fn temp_view_exists(name: &str) -> Self {
        let relation_name = quote_name_parts(name);
        Self::new(
            ErrorKind::TempTableAlreadyExists,
            "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS",
            "42P07",
            format!("Cannot create the temporary view {relation_name} because it already exists.\nChoose a different name, drop or replace the existing view,  or add the IF NOT EXISTS clause to tolerate pre-existing views."),
            &[("relationName", relation_name.clone())],
        )
    }

    /// `[UNSUPPORTED_FEATURE]`-style error for what Ember does not support yet.
    pub fn unsupported(what: impl Into<String>) -> Self {
        let what = what.into();
        Self::new(
            ErrorKind::Unsupported,
            "UNSUPPORTED_FEATURE.EMBER",
            "0A000",
            format!("The feature is not supported by Ember yet: {what}."),
            &[("feature", what.clone())],
        )
    }

    /// `[NULL_MAP_KEY]`: a map built with a NULL key.
    pub fn null_map_key() -> Self {
        Self::new(ErrorKind::Runtime, "NULL_MAP_KEY", "2200E", "Cannot use null as map key.", &[])
    }

    /// `[DUPLICATED_MAP_KEY]`: a map built with `key` twice, under Spark's
    /// default `spark.sql.mapKeyDedupPolicy`.
    pub fn duplicated_map_key(key: &str) -> Self {
        Self::new(
            ErrorKind::Runtime,
            "DUPLICATED_MAP_KEY",
            "23505",
            format!(
                "Duplicate map key {key} was found, please check the input data.\nIf you want to remove the duplicated keys, you can set \"spark.sql.mapKeyDedupPolicy\" to \"LAST_WIN\" so that the key inserted at last takes precedence."
            ),
            &[("key", key.to_string()), ("mapKeyDedupPolicy", "\"spark.sql.mapKeyDedupPolicy\"".to_string())],
        )
    }

    /// `[NON_FOLDABLE_ARGUMENT]`: `function`'s `parameter` must be a constant
    /// of `param_type` (as Spark writes it: `"INT"`).
    pub fn non_foldable_argument(function: &str, parameter: &str, param_type: &str) -> Self {
        Self::new(
            ErrorKind::Analysis,
            "NON_FOLDABLE_ARGUMENT",
            "42K08",
            format!(
                "The function `{function}` requires the parameter `{parameter}` to be a foldable expression of the type {param_type}, but the actual argument is a non-foldable."
            ),
            &[("funcName", format!("`{function}`")), ("paramName", format!("`{parameter}`")), ("paramType", param_type.to_string())],
        )
    }

    /// A failed Scala `require`: a bare Java `IllegalArgumentException`
    /// "requirement failed: `message`", without an error class.
    pub fn requirement_failed(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::IllegalArgument, "", "", format!("requirement failed: {message}"), &[])
    }

    /// `[INVALID_PARAMETER_VALUE]`-style error for bad arguments.
    pub fn illegal_argument(message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            ErrorKind::IllegalArgument,
            "INVALID_PARAMETER_VALUE.EMBER",
            "22023",
            message.clone(),
            &[("message", message)],
        )
    }

    /// `[INTERNAL_ERROR]`: a bug or an unexpected engine failure.
    pub fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            ErrorKind::Internal,
            "INTERNAL_ERROR",
            "XX000",
            message.clone(),
            &[("message", message)],
        )
    }

    /// `[OPERATION_CANCELED]`: the query was interrupted.
    pub fn interrupted() -> Self {
        Self::new(
            ErrorKind::Interrupted,
            "OPERATION_CANCELED",
            "HY008",
            "Operation has been canceled.",
            &[],
        )
    }

    /// The full message as Spark renders it: `[CLASS] message SQLSTATE: xxxxx`
    /// (legacy error classes have no SQLSTATE; an error without a class is
    /// its message alone).
    pub fn full_message(&self) -> String {
        match self.sql_state.as_str() {
            // A plain Java exception Spark raises has no error class.
            _ if self.error_class.is_empty() => self.message.clone(),
            // Spark leaves the class out of its legacy errors' messages.
            "" if self.error_class.starts_with("_LEGACY_ERROR_") => self.message.clone(),
            "" => format!("[{}] {}", self.error_class, self.message),
            state => format!("[{}] {} SQLSTATE: {state}", self.error_class, self.message),
        }
    }

    /// Wraps the error so that it survives a trip through DataFusion.
    pub fn into_datafusion(self) -> DataFusionError {
        DataFusionError::External(Box::new(self))
    }

    /// Recovers a Spark error from a DataFusion error, mapping the engine's
    /// own failures to Spark's error classes where they correspond.
    pub fn from_datafusion(err: DataFusionError) -> Self {
        match err {
            DataFusionError::External(e) => match e.downcast::<SparkError>() {
                Ok(spark) => *spark,
                Err(other) => match other.downcast::<DataFusionError>() {
                    Ok(df) => Self::from_datafusion(*df),
                    Err(other) => Self::internal(other.to_string()),
                },
            },
            DataFusionError::Context(_, inner) => Self::from_datafusion(*inner),
            DataFusionError::Shared(shared) => match shared.as_ref() {
                DataFusionError::External(e) => match e.downcast_ref::<SparkError>() {
                    Some(spark) => spark.clone(),
                    None => Self::internal(shared.to_string()),
                },
                other => Self::internal(other.to_string()),
            },
            DataFusionError::ArrowError(arrow, _) => Self::from_arrow(*arrow),
            DataFusionError::Execution(msg) if msg.contains("cancel") => Self::interrupted(),
            DataFusionError::Plan(msg) | DataFusionError::Execution(msg) => {
                if msg.contains("Divide by zero") {
                    Self::divide_by_zero()
                } else if msg == "map key cannot be null" {
                    Self::null_map_key()
                } else if let Some(key) = msg.strip_prefix("[DUPLICATED_MAP_KEY] Duplicate map key '").and_then(|rest| rest.split_once("' was found")) {
                    // datafusion-spark's own wording of Spark's error.
                    Self::duplicated_map_key(key.0)
                } else {
                    Self::internal(msg)
                }
            }
            other => Self::internal(other.to_string()),
        }
    }

    fn from_arrow(err: ArrowError) -> Self {
        match err {
            ArrowError::DivideByZero => Self::divide_by_zero(),
            ArrowError::ExternalError(e) => match e.downcast::<SparkError>() {
                Ok(spark) => *spark,
                Err(other) => Self::internal(other.to_string()),
            },
            ArrowError::ArithmeticOverflow(msg) => Self::new(
                ErrorKind::Arithmetic,
                "ARITHMETIC_OVERFLOW",
                "22003",
                format!("{msg}. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error."),
                &[
                    ("message", msg.clone()),
                    ("alternative", String::new()),
                    ("config", "\"spark.sql.ansi.enabled\"".to_string()),
                ],
            ),
            other => Self::internal(other.to_string()),
        }
    }
}

impl fmt::Display for SparkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full_message())
    }
}

impl std::error::Error for SparkError {}

impl From<DataFusionError> for SparkError {
    fn from(err: DataFusionError) -> Self {
        Self::from_datafusion(err)
    }
}

impl From<ArrowError> for SparkError {
    fn from(err: ArrowError) -> Self {
        Self::from_arrow(err)
    }
}

/// The function and table search path Spark reports.
pub const SEARCH_PATH: &str = "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]";

/// Quotes one identifier with backticks, as Spark's `toSQLId` does.
pub fn quote_identifier(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Quotes a dotted multi-part name part by part (`a.b` → `` `a`.`b` ``).
pub fn quote_name_parts(name: &str) -> String {
    ember_types::names::split_name_parts(name)
        .iter()
        .map(|p| quote_identifier(p))
        .collect::<Vec<_>>()
        .join(".")
}

/// Converts a type or DDL error into Spark's error.
pub fn from_type_error(err: ember_types::TypeError) -> SparkError {
    SparkError {
        kind: match err {
            _ if err.is_parse_error() => ErrorKind::Parse,
            // Spark checks SRIDs when it builds the type, outside analysis.
            ember_types::TypeError::InvalidSrid { .. } => ErrorKind::IllegalArgument,
            // A plain `SparkException`, as Spark's collation lookup raises it.
            ember_types::TypeError::InvalidCollation { .. } => ErrorKind::Internal,
            _ => ErrorKind::Analysis,
        },
        error_class: err.error_class().to_string(),
        parameters: err.message_parameters(),
        sql_state: err.sql_state().to_string(),
        message: err.message(),
        query_contexts: Vec::new(),
    }
}
