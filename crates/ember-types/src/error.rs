//! Errors raised while converting or parsing data types, shaped like Spark's:
//! every error has an error class (condition), message parameters, a
//! SQLSTATE, and, for text that does not parse, the position in that text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The family of a Spark exception, which decides the exception type a
/// client sees (`ParseException`, `ArithmeticException`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeErrorKind {
    /// `ParseException`: type or schema text that does not parse or names an
    /// unknown type. Spark's `ddl_parse` falls back to other grammars only on
    /// this kind.
    Parse,
    /// `AnalysisException`: a type that parses but is not valid.
    Analysis,
    /// `SparkArithmeticException`: e.g. a decimal precision above 38.
    Arithmetic,
    /// `SparkIllegalArgumentException`: e.g. a JSON schema that is not one.
    IllegalArgument,
    /// `SparkUnsupportedOperationException`: a Spark type Ember cannot
    /// represent, or an Arrow type with no Spark equivalent.
    Unsupported,
    /// A plain `SparkException` (e.g. a length out of the 32-bit range).
    Spark,
    /// `SparkException` with `INTERNAL_ERROR`: malformed protocol messages.
    Internal,
}

/// A position in parsed text, as Spark reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 0-based character offset within the line.
    pub pos: usize,
}

/// The text an error was found in, and where in it (if known).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParseContext {
    /// The complete text that was parsed.
    pub command: String,
    /// Where in `command` the error is; `None` when Spark reports the text
    /// without a position.
    pub position: Option<Position>,
}

impl ParseContext {
    /// A context pointing at byte offset `offset` of `command`.
    pub fn at(command: &str, offset: usize) -> Self {
        let offset = offset.min(command.len());
        let before = &command[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let pos = before[line_start..].chars().count();
        ParseContext {
            command: command.to_string(),
            position: Some(Position { line, pos }),
        }
    }

    /// A context that names the text but no position in it.
    pub fn whole(command: &str) -> Self {
        ParseContext {
            command: command.to_string(),
            position: None,
        }
    }

    /// Spark's rendering of the context, appended after `SQLSTATE: xxxxx`:
    /// ` (line 1, pos 3)\n\n== SQL ==\n<text with a caret line>`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match self.position {
            Some(Position { line, pos }) => {
                let _ = write!(out, " (line {line}, pos {pos})\n\n== SQL ==\n");
                let lines: Vec<&str> = self.command.split('\n').collect();
                let split = line.min(lines.len());
                for l in &lines[..split] {
                    out.push_str(l);
                    out.push('\n');
                }
                out.push_str(&"-".repeat(pos));
                out.push_str("^^^\n");
                for l in &lines[split..] {
                    out.push_str(l);
                    out.push('\n');
                }
            }
            None => {
                out.push_str("\n== SQL ==\n");
                out.push_str(&self.command);
            }
        }
        out
    }
}

fn render_opt(context: &Option<ParseContext>) -> String {
    context
        .as_ref()
        .map(ParseContext::render)
        .unwrap_or_default()
}

/// Which complex type is missing its parameters in
/// `INCOMPLETE_TYPE_DEFINITION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComplexKind {
    /// `ARRAY` without `<element>`.
    Array,
    /// `MAP` without `<key, value>`.
    Map,
    /// `STRUCT` without `<fields>`.
    Struct,
}

impl ComplexKind {
    fn sub_class(self) -> &'static str {
        match self {
            ComplexKind::Array => "INCOMPLETE_TYPE_DEFINITION.ARRAY",
            ComplexKind::Map => "INCOMPLETE_TYPE_DEFINITION.MAP",
            ComplexKind::Struct => "INCOMPLETE_TYPE_DEFINITION.STRUCT",
        }
    }

    fn message(self) -> &'static str {
        match self {
            ComplexKind::Array => {
                "Incomplete complex type: The definition of \"ARRAY\" type is incomplete. You must provide an element type. For example: \"ARRAY<INT>\"."
            }
            ComplexKind::Map => {
                "Incomplete complex type: The definition of \"MAP\" type is incomplete. You must provide a key type and a value type. For example: \"MAP<TIMESTAMP, INT>\"."
            }
            ComplexKind::Struct => {
                "Incomplete complex type: The definition of \"STRUCT\" type is incomplete. You must provide at least one field type. For example: \"STRUCT<name STRING, phone DECIMAL(10, 0)>\"."
            }
        }
    }
}

/// An error converting or parsing a data type. `Display` renders Spark's
/// full message (`[CLASS] message SQLSTATE: xxxxx` plus the parse context).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeError {
    /// `PARSE_SYNTAX_ERROR`: the text does not follow the grammar.
    #[error("[PARSE_SYNTAX_ERROR] Syntax error at or near {error}{hint}. SQLSTATE: 42601{}", .context.render())]
    Syntax {
        /// The offending token, quoted (`'<'`), or `end of input`.
        error: String,
        /// Extra detail such as `: extra input 'x'`, or empty.
        hint: String,
        /// Where.
        context: ParseContext,
    },
    /// `PARSE_EMPTY_STATEMENT`: nothing to parse.
    #[error("[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement. SQLSTATE: 42617{}", .context.render())]
    EmptyStatement {
        /// Where.
        context: ParseContext,
    },
    /// `UNSUPPORTED_DATATYPE` in parsed text: an unknown type name.
    #[error("[UNSUPPORTED_DATATYPE] Unsupported data type \"{type_name}\". SQLSTATE: 0A000{}", .context.render())]
    UnsupportedDataType {
        /// The type as Spark prints it, upper case, e.g. `FOO` or `INT(3)`.
        type_name: String,
        /// Where.
        context: ParseContext,
    },
    /// `DATATYPE_MISSING_SIZE`: `CHAR`/`VARCHAR` without a length.
    #[error("[DATATYPE_MISSING_SIZE] DataType \"{type_name}\" requires a length parameter, for example \"{type_name}\"(10). Please specify the length. SQLSTATE: 42K01{}", .context.render())]
    MissingSize {
        /// The type, upper case.
        type_name: String,
        /// Where.
        context: ParseContext,
    },
    /// `INCOMPLETE_TYPE_DEFINITION.*`: `ARRAY`, `MAP` or `STRUCT` alone.
    #[error("[{}] {} SQLSTATE: 42K01{}", .complex.sub_class(), .complex.message(), .context.render())]
    IncompleteType {
        /// Which complex type.
        complex: ComplexKind,
        /// Where.
        context: ParseContext,
    },
    /// `INVALID_IDENTIFIER`: an unquoted field name that needs back quotes.
    #[error("[INVALID_IDENTIFIER] The unquoted identifier {ident} is invalid and must be back quoted as: `{ident}`.\nUnquoted identifiers can only contain ASCII letters ('a' - 'z', 'A' - 'Z'), digits ('0' - '9'), and underbar ('_').\nUnquoted identifiers must also not start with a digit.\nDifferent data sources and meta stores may impose additional restrictions on valid identifiers. SQLSTATE: 42602{}", .context.render())]
    InvalidIdentifier {
        /// The identifier as written.
        ident: String,
        /// Where.
        context: ParseContext,
    },
    /// `DECIMAL_SCALE_EXCEEDS_PRECISION`.
    #[error("[DECIMAL_SCALE_EXCEEDS_PRECISION] Decimal scale ({scale}) cannot be greater than precision ({precision}). SQLSTATE: 22003{}", render_opt(.context))]
    DecimalScaleExceedsPrecision {
        /// The precision as written.
        precision: String,
        /// The scale as written.
        scale: String,
        /// The parsed text, when the type came from text.
        context: Option<ParseContext>,
    },
    /// `DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION`.
    #[error(
        "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision {precision} exceeds max precision 38. SQLSTATE: 22003"
    )]
    DecimalPrecisionExceedsMax {
        /// The precision as written.
        precision: String,
    },
    /// `NEGATIVE_SCALE_DISALLOWED`.
    #[error(
        "[NEGATIVE_SCALE_DISALLOWED] Negative scale is not allowed: '{scale}'. Set the config \"spark.sql.legacy.allowNegativeScaleOfDecimal\" to \"true\" to allow it. SQLSTATE: 0A000"
    )]
    NegativeScale {
        /// The scale.
        scale: String,
    },
    /// `DATATYPE_PARAMETER_VALUE_OUT_OF_RANGE`: e.g. `VARCHAR(99999999999)`.
    #[error(
        "[DATATYPE_PARAMETER_VALUE_OUT_OF_RANGE] The {parameter} value {value} of the {type_name} data type is out of the range of a 32-bit integer. SQLSTATE: 22003"
    )]
    ParameterOutOfRange {
        /// The parameter, e.g. `length`.
        parameter: String,
        /// The type, e.g. `VARCHAR`.
        type_name: String,
        /// The value as written.
        value: String,
    },
    /// `INVALID_TIMESTAMP_PRECISION`: `TIMESTAMP(p)` with p not 6 (or 7-9).
    #[error(
        "[INVALID_TIMESTAMP_PRECISION] The seconds precision {precision} of {type_name} is invalid. Expected an integer in [7, 9] for nanosecond precision; use precision 6 or parameterless {type_name} for the standard microsecond type. SQLSTATE: 22023"
    )]
    InvalidTimestampPrecision {
        /// The precision as written.
        precision: String,
        /// `TIMESTAMP_LTZ` or `TIMESTAMP_NTZ`.
        type_name: String,
    },
    /// `UNSUPPORTED_DATATYPE` outside parsed text: a Spark type Ember cannot
    /// represent in Arrow (e.g. `VARIANT`), or an Arrow type with no Spark
    /// equivalent (e.g. `UInt32`).
    #[error("[UNSUPPORTED_DATATYPE] Unsupported data type \"{type_name}\". SQLSTATE: 0A000")]
    Unsupported {
        /// The type, e.g. `VARIANT` or `UInt32`.
        type_name: String,
    },
    /// `INVALID_JSON_DATA_TYPE`: JSON that is not a Spark type.
    #[error(
        "[INVALID_JSON_DATA_TYPE] Failed to convert the JSON string '{invalid_type}' to a data type. SQLSTATE: 2203G"
    )]
    InvalidJson {
        /// The offending JSON (the whole text when it is not JSON at all).
        invalid_type: String,
    },
    /// `ST_INVALID_SRID_VALUE`: a `GEOMETRY`/`GEOGRAPHY` SRID Spark does not
    /// know.
    #[error(
        "[ST_INVALID_SRID_VALUE] Invalid or unsupported SRID (spatial reference identifier) value: {srid}. SQLSTATE: 22023"
    )]
    InvalidSrid {
        /// The SRID as written.
        srid: String,
    },
    /// `COLLATION_INVALID_NAME`: a collation name Spark does not know.
    #[error(
        "[COLLATION_INVALID_NAME] The value {name} does not represent a correct collation name. Suggested valid collation names: [{proposals}]. SQLSTATE: 42704"
    )]
    InvalidCollation {
        /// The name as written.
        name: String,
        /// Spark's suggestions, comma-separated.
        proposals: String,
    },
    /// `INTERNAL_ERROR`: a malformed protocol message, e.g. no type kind.
    #[error("[INTERNAL_ERROR] {message} SQLSTATE: XX000")]
    InvalidProto {
        /// What is wrong.
        message: String,
    },
}

impl TypeError {
    /// Spark's error class (condition), e.g. `PARSE_SYNTAX_ERROR`.
    pub fn error_class(&self) -> &'static str {
        match self {
            TypeError::Syntax { .. } => "PARSE_SYNTAX_ERROR",
            TypeError::EmptyStatement { .. } => "PARSE_EMPTY_STATEMENT",
            TypeError::UnsupportedDataType { .. } | TypeError::Unsupported { .. } => {
                "UNSUPPORTED_DATATYPE"
            }
            TypeError::MissingSize { .. } => "DATATYPE_MISSING_SIZE",
            TypeError::IncompleteType { complex, .. } => complex.sub_class(),
            TypeError::InvalidIdentifier { .. } => "INVALID_IDENTIFIER",
            TypeError::DecimalScaleExceedsPrecision { .. } => "DECIMAL_SCALE_EXCEEDS_PRECISION",
            TypeError::DecimalPrecisionExceedsMax { .. } => {
                "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION"
            }
            TypeError::NegativeScale { .. } => "NEGATIVE_SCALE_DISALLOWED",
            TypeError::ParameterOutOfRange { .. } => "DATATYPE_PARAMETER_VALUE_OUT_OF_RANGE",
            TypeError::InvalidTimestampPrecision { .. } => "INVALID_TIMESTAMP_PRECISION",
            TypeError::InvalidJson { .. } => "INVALID_JSON_DATA_TYPE",
            TypeError::InvalidProto { .. } => "INTERNAL_ERROR",
            TypeError::InvalidSrid { .. } => "ST_INVALID_SRID_VALUE",
            TypeError::InvalidCollation { .. } => "COLLATION_INVALID_NAME",
        }
    }

    /// The SQLSTATE of the error class.
    pub fn sql_state(&self) -> &'static str {
        match self {
            TypeError::Syntax { .. } => "42601",
            TypeError::EmptyStatement { .. } => "42617",
            TypeError::UnsupportedDataType { .. }
            | TypeError::Unsupported { .. }
            | TypeError::NegativeScale { .. } => "0A000",
            TypeError::MissingSize { .. } | TypeError::IncompleteType { .. } => "42K01",
            TypeError::InvalidIdentifier { .. } => "42602",
            TypeError::DecimalScaleExceedsPrecision { .. }
            | TypeError::DecimalPrecisionExceedsMax { .. }
            | TypeError::ParameterOutOfRange { .. } => "22003",
            TypeError::InvalidTimestampPrecision { .. } | TypeError::InvalidSrid { .. } => "22023",
            TypeError::InvalidJson { .. } => "2203G",
            TypeError::InvalidProto { .. } => "XX000",
            TypeError::InvalidCollation { .. } => "42704",
        }
    }

    /// The message parameters, named as Spark names them (values quoted the
    /// way Spark quotes them, e.g. `typeName` = `"FOO"`).
    pub fn message_parameters(&self) -> BTreeMap<String, String> {
        let pairs: Vec<(&str, String)> = match self {
            TypeError::Syntax { error, hint, .. } => {
                vec![("error", error.clone()), ("hint", hint.clone())]
            }
            TypeError::EmptyStatement { .. } => vec![],
            TypeError::UnsupportedDataType { type_name, .. }
            | TypeError::Unsupported { type_name } => {
                vec![("typeName", format!("\"{type_name}\""))]
            }
            TypeError::MissingSize { type_name, .. } => vec![("type", format!("\"{type_name}\""))],
            TypeError::IncompleteType { complex, .. } => match complex {
                ComplexKind::Array => vec![("elementType", "<INT>".to_string())],
                ComplexKind::Map | ComplexKind::Struct => vec![],
            },
            TypeError::InvalidIdentifier { ident, .. } => vec![("ident", ident.clone())],
            TypeError::DecimalScaleExceedsPrecision {
                precision, scale, ..
            } => vec![("precision", precision.clone()), ("scale", scale.clone())],
            TypeError::DecimalPrecisionExceedsMax { precision } => vec![
                ("precision", precision.clone()),
                ("maxPrecision", "38".to_string()),
            ],
            TypeError::NegativeScale { scale } => {
                vec![("scale", scale.clone()), ("sqlConf", "\"spark.sql.legacy.allowNegativeScaleOfDecimal\"".to_string())]
            }
            TypeError::ParameterOutOfRange {
                parameter,
                type_name,
                value,
            } => vec![
                ("parameter", parameter.clone()),
                ("type", type_name.clone()),
                ("value", value.clone()),
            ],
            TypeError::InvalidTimestampPrecision {
                precision,
                type_name,
            } => vec![
                ("precision", precision.clone()),
                ("type", type_name.clone()),
            ],
            TypeError::InvalidJson { invalid_type } => {
                vec![("invalidType", invalid_type.clone())]
            }
            TypeError::InvalidProto { message } => vec![("message", message.clone())],
            TypeError::InvalidSrid { srid } => vec![("srid", srid.clone())],
            TypeError::InvalidCollation { name, proposals } => vec![("collationName", name.clone()), ("proposals", proposals.clone())],
        };
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// The exception family Spark raises this error as.
    pub fn kind(&self) -> TypeErrorKind {
        match self {
            TypeError::Syntax { .. }
            | TypeError::EmptyStatement { .. }
            | TypeError::UnsupportedDataType { .. }
            | TypeError::MissingSize { .. }
            | TypeError::IncompleteType { .. }
            | TypeError::InvalidIdentifier { .. } => TypeErrorKind::Parse,
            TypeError::DecimalScaleExceedsPrecision { context, .. } => {
                if context.is_some() {
                    TypeErrorKind::Parse
                } else {
                    TypeErrorKind::Analysis
                }
            }
            TypeError::DecimalPrecisionExceedsMax { .. } => TypeErrorKind::Arithmetic,
            TypeError::NegativeScale { .. } | TypeError::Unsupported { .. } => {
                TypeErrorKind::Unsupported
            }
            TypeError::ParameterOutOfRange { .. } | TypeError::InvalidTimestampPrecision { .. } | TypeError::InvalidCollation { .. } => {
                TypeErrorKind::Spark
            }
            TypeError::InvalidJson { .. } | TypeError::InvalidSrid { .. } => TypeErrorKind::IllegalArgument,
            TypeError::InvalidProto { .. } => TypeErrorKind::Internal,
        }
    }

    /// Whether Spark raises this as a `ParseException`.
    pub fn is_parse_error(&self) -> bool {
        self.kind() == TypeErrorKind::Parse
    }

    /// The parsed text and position, for errors found in text.
    pub fn context(&self) -> Option<&ParseContext> {
        match self {
            TypeError::Syntax { context, .. }
            | TypeError::EmptyStatement { context }
            | TypeError::UnsupportedDataType { context, .. }
            | TypeError::MissingSize { context, .. }
            | TypeError::IncompleteType { context, .. }
            | TypeError::InvalidIdentifier { context, .. } => Some(context),
            TypeError::DecimalScaleExceedsPrecision { context, .. } => context.as_ref(),
            _ => None,
        }
    }

    /// The message text alone: no `[CLASS]` prefix, no SQLSTATE, no context.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let without_class = match full.find("] ") {
            Some(i) if full.starts_with('[') => &full[i + 2..],
            _ => full.as_str(),
        };
        match without_class.rfind(" SQLSTATE: ") {
            Some(i) => without_class[..i].to_string(),
            None => without_class.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_renders_caret_under_position() {
        let ctx = ParseContext::at("int, string", 3);
        assert_eq!(ctx.position, Some(Position { line: 1, pos: 3 }));
        assert_eq!(
            ctx.render(),
            " (line 1, pos 3)\n\n== SQL ==\nint, string\n---^^^\n"
        );
    }

    #[test]
    fn context_on_second_line() {
        let text = "a int,\n b foo";
        let ctx = ParseContext::at(text, text.find("foo").unwrap());
        assert_eq!(ctx.position, Some(Position { line: 2, pos: 3 }));
        assert_eq!(
            ctx.render(),
            " (line 2, pos 3)\n\n== SQL ==\na int,\n b foo\n---^^^\n"
        );
        let first = ParseContext::at("a\nb\nc", 0);
        assert_eq!(
            first.render(),
            " (line 1, pos 0)\n\n== SQL ==\na\n^^^\nb\nc\n"
        );
    }

    #[test]
    fn context_counts_characters_not_bytes() {
        let text = "é foo";
        let ctx = ParseContext::at(text, text.find("foo").unwrap());
        assert_eq!(ctx.position, Some(Position { line: 1, pos: 2 }));
    }

    #[test]
    fn syntax_error_renders_like_spark() {
        let err = TypeError::Syntax {
            error: "','".into(),
            hint: String::new(),
            context: ParseContext::at("int, string", 3),
        };
        assert_eq!(
            err.to_string(),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near ','. SQLSTATE: 42601 (line 1, pos 3)\n\n== SQL ==\nint, string\n---^^^\n"
        );
        assert_eq!(err.error_class(), "PARSE_SYNTAX_ERROR");
        assert_eq!(err.sql_state(), "42601");
        assert_eq!(err.message(), "Syntax error at or near ','.");
        assert!(err.is_parse_error());
        let params = err.message_parameters();
        assert_eq!(params["error"], "','");
        assert_eq!(params["hint"], "");
    }

    #[test]
    fn unsupported_type_parameters_are_quoted() {
        let err = TypeError::UnsupportedDataType {
            type_name: "FOO".into(),
            context: ParseContext::at("a foo", 2),
        };
        assert_eq!(err.message_parameters()["typeName"], "\"FOO\"");
        assert_eq!(err.sql_state(), "0A000");
        assert!(err.to_string().starts_with(
            "[UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". SQLSTATE: 0A000 (line 1, pos 2)"
        ));
        assert_eq!(err.message(), "Unsupported data type \"FOO\".");
    }

    #[test]
    fn kinds_and_classes() {
        let arith = TypeError::DecimalPrecisionExceedsMax {
            precision: "40".into(),
        };
        assert_eq!(arith.kind(), TypeErrorKind::Arithmetic);
        assert!(!arith.is_parse_error());
        assert_eq!(arith.message_parameters()["maxPrecision"], "38");
        assert_eq!(
            arith.to_string(),
            "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision 40 exceeds max precision 38. SQLSTATE: 22003"
        );

        let scale = TypeError::DecimalScaleExceedsPrecision {
            precision: "5".into(),
            scale: "6".into(),
            context: Some(ParseContext::whole("decimal(5,6)")),
        };
        assert!(scale.is_parse_error());
        assert_eq!(
            scale.to_string(),
            "[DECIMAL_SCALE_EXCEEDS_PRECISION] Decimal scale (6) cannot be greater than precision (5). SQLSTATE: 22003\n== SQL ==\ndecimal(5,6)"
        );
        let scale_no_ctx = TypeError::DecimalScaleExceedsPrecision {
            precision: "5".into(),
            scale: "6".into(),
            context: None,
        };
        assert_eq!(scale_no_ctx.kind(), TypeErrorKind::Analysis);

        let incomplete = TypeError::IncompleteType {
            complex: ComplexKind::Array,
            context: ParseContext::at("a array", 2),
        };
        assert_eq!(incomplete.error_class(), "INCOMPLETE_TYPE_DEFINITION.ARRAY");
        assert_eq!(incomplete.message_parameters()["elementType"], "<INT>");
        assert!(incomplete.to_string().starts_with(
            "[INCOMPLETE_TYPE_DEFINITION.ARRAY] Incomplete complex type: The definition of \"ARRAY\" type is incomplete."
        ));

        let json = TypeError::InvalidJson {
            invalid_type: "foo".into(),
        };
        assert_eq!(json.kind(), TypeErrorKind::IllegalArgument);
        assert_eq!(
            json.message(),
            "Failed to convert the JSON string 'foo' to a data type."
        );
        assert!(json.context().is_none());

        let proto = TypeError::InvalidProto {
            message: "DataType has no kind.".into(),
        };
        assert_eq!(proto.error_class(), "INTERNAL_ERROR");
        assert_eq!(proto.kind(), TypeErrorKind::Internal);
        assert_eq!(proto.message(), "DataType has no kind.");
    }
}
