//! Spark's verdict on the operand types of the binary arithmetic and bitwise
//! operators (`+ - * / % div & | ^`, `mod`, `pmod` and the `try_` forms):
//! first Spark's rewrites of date, timestamp and interval arithmetic into
//! `date_add`, timestamp and interval functions (whose own parameter checks
//! then apply), then the implicit casts of an operator's operands and its
//! check that they share an accepted type (`BINARY_OP_DIFF_TYPES`,
//! `BINARY_OP_WRONG_TYPE`). Only the verdict is given here: operands that
//! pass are planned by the operators themselves.

use datafusion::arrow::datatypes::{DataType, FieldRef, IntervalUnit, TimeUnit};

use crate::error::{ErrorKind, Result, SparkError};
use crate::input_types::{binary_op_diff_types_named, unexpected_input_type_named};

/// The required type Spark names for a timestamp operand.
const TIMESTAMP_REQUIRED: &str =
    "(\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\" or \"(TIMESTAMP_LTZ(P) OR TIMESTAMP_NTZ(P) WITH P IN [7, 9])\")";
/// The required type of `date_add`/`date_sub`'s number of days.
const DAYS_REQUIRED: &str = "(\"INT\" or \"SMALLINT\" or \"TINYINT\")";

/// An operator as Spark's analyzer sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Operator {
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    IntegralDivide,
    Bitwise,
}

/// What an operand is to the operators.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    Null,
    Integral,
    Fractional,
    Decimal,
    String,
    Boolean,
    Date,
    Timestamp,
    Binary,
    DayTime,
    YearMonth,
    Calendar,
    Nested,
    /// Types these rules leave to the operators (TIME, ...).
    Unchecked,
}

fn class_of(data_type: &DataType) -> Class {
    match data_type {
        DataType::Null => Class::Null,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => Class::Integral,
        DataType::Float32 | DataType::Float64 => Class::Fractional,
        DataType::Decimal128(..) | DataType::Decimal256(..) => Class::Decimal,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Class::String,
        DataType::Boolean => Class::Boolean,
        DataType::Date32 | DataType::Date64 => Class::Date,
        DataType::Timestamp(..) => Class::Timestamp,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => Class::Binary,
        DataType::Duration(TimeUnit::Microsecond) => Class::DayTime,
        DataType::Interval(IntervalUnit::YearMonth) => Class::YearMonth,
        DataType::Interval(IntervalUnit::MonthDayNano) => Class::Calendar,
        DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_) => Class::Nested,
        _ => Class::Unchecked,
    }
}

fn is_numeric(class: Class) -> bool {
    matches!(class, Class::Integral | Class::Fractional | Class::Decimal)
}

/// One operand: its class, its type as Spark names it and its SQL text.
#[derive(Debug, Clone)]
struct Operand<'a> {
    class: Class,
    type_name: String,
    sql: &'a str,
    /// The decimal an integer is in decimal arithmetic (an integral
    /// literal's has just its digits).
    as_decimal: Option<DataType>,
}

impl<'a> Operand<'a> {
    fn quoted_type(&self) -> String {
        format!("\"{}\"", self.type_name)
    }

    /// The operand after an implicit cast to `class`, named `type_name`.
    fn cast_to(&self, class: Class, type_name: &str) -> Operand<'a> {
        Operand { class, type_name: type_name.to_string(), sql: self.sql, as_decimal: None }
    }

    /// An integer as `div` takes it: a BIGINT.
    fn integer_as_bigint(self) -> Operand<'a> {
        match self.class {
            Class::Integral => self.cast_to(Class::Integral, "BIGINT"),
            _ => self,
        }
    }
}

impl Operator {
    /// The operator of `function` (lower case) and how Spark writes a call of it.
    fn of(function: &str) -> Option<(Self, &'static str)> {
        Some(match function {
            "+" | "try_add" => (Operator::Add, "+"),
            "-" | "try_subtract" => (Operator::Subtract, "-"),
            "*" | "try_multiply" => (Operator::Multiply, "*"),
            "/" | "try_divide" => (Operator::Divide, "/"),
            "%" | "try_mod" => (Operator::Remainder, "%"),
            "mod" => (Operator::Remainder, "mod"),
            "pmod" => (Operator::Remainder, "pmod"),
            "div" => (Operator::IntegralDivide, "div"),
            "&" => (Operator::Bitwise, "&"),
            "|" => (Operator::Bitwise, "|"),
            "^" => (Operator::Bitwise, "^"),
            _ => return None,
        })
    }

    fn accepts(self, class: Class) -> bool {
        match self {
            Operator::Add | Operator::Subtract => {
                is_numeric(class) || matches!(class, Class::DayTime | Class::YearMonth | Class::Calendar)
            }
            Operator::Multiply | Operator::Divide | Operator::Remainder => is_numeric(class),
            Operator::IntegralDivide => matches!(class, Class::Integral | Class::Decimal | Class::DayTime | Class::YearMonth),
            Operator::Bitwise => class == Class::Integral,
        }
    }

    /// The accepted types as `BINARY_OP_WRONG_TYPE` names them.
    fn required(self) -> &'static str {
        match self {
            Operator::Add | Operator::Subtract => {
                "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")"
            }
            Operator::Multiply | Operator::Remainder => "\"NUMERIC\"",
            Operator::Divide => "(\"DOUBLE\" or \"DECIMAL\")",
            Operator::IntegralDivide => "(\"BIGINT\" or \"DECIMAL\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\")",
            Operator::Bitwise => "\"INTEGRAL\"",
        }
    }
}

/// Checks the operands of the binary operator `function` (lower case; other
/// functions pass) as Spark does; `names` are the operands' SQL texts and
/// `operand(i)` gives operand `i`'s field and, for an integral literal, its
/// digits (read only for operators). Under non-ANSI mode a string operand
/// is left to the operator (legacy coercion casts strings to numbers).
pub(crate) fn check_operands(
    function: &str,
    names: &[String],
    operand: impl Fn(usize) -> Result<(FieldRef, Option<u8>)>,
    ansi: bool,
) -> Result<()> {
    let (Some((operator, symbol)), [left_sql, right_sql]) = (Operator::of(function), names) else { return Ok(()) };
    let described = |i: usize, sql| -> Result<Operand> {
        let (field, digits) = operand(i)?;
        Ok(Operand {
            class: class_of(field.data_type()),
            type_name: ember_types::field_sql_string(&field),
            sql,
            as_decimal: ember_functions::arithmetic::integral_as_decimal(field.data_type(), digits),
        })
    };
    let (left, right) = (described(0, left_sql.as_str())?, described(1, right_sql.as_str())?);
    if [left.class, right.class].contains(&Class::Unchecked) || (!ansi && [left.class, right.class].contains(&Class::String)) {
        return Ok(());
    }
    let check = Check { operator, symbol, left: &left, right: &right };
    match operator {
        Operator::Add => check.add(),
        Operator::Subtract => check.subtract(),
        Operator::Multiply => check.multiply(),
        Operator::Divide => check.divide(),
        _ => check.plain(left.clone(), right.clone()),
    }
}

struct Check<'a> {
    operator: Operator,
    symbol: &'static str,
    left: &'a Operand<'a>,
    right: &'a Operand<'a>,
}

/// Whether an operand can stand where Spark wants a timestamp (dates,
/// strings and NULL are cast to one).
fn timestamp_like(class: Class) -> bool {
    matches!(class, Class::Timestamp | Class::Date | Class::String | Class::Null)
}

/// Whether an operand can stand where Spark wants a number (strings are cast).
fn number_like(class: Class) -> bool {
    is_numeric(class) || matches!(class, Class::String | Class::Null)
}

fn ansi_interval(class: Class) -> bool {
    matches!(class, Class::DayTime | Class::YearMonth)
}

impl Check<'_> {
    fn operator_sql(&self) -> String {
        match self.symbol {
            "mod" | "pmod" => format!("{}({}, {})", self.symbol, self.left.sql, self.right.sql),
            symbol => format!("({} {symbol} {})", self.left.sql, self.right.sql),
        }
    }

    /// `timestamp + interval`: Spark's `TimeAdd`, written `sql`, wants a timestamp.
    fn time_add(&self, timestamp: &Operand, sql: String) -> Result<()> {
        if timestamp_like(timestamp.class) {
            return Ok(());
        }
        Err(unexpected_input_type_named(&sql, 0, TIMESTAMP_REQUIRED, timestamp.sql, &timestamp.quoted_type()))
    }

    /// `date_add(date, days)` / `date_sub(date, days)` want a day count of at most INT.
    fn date_shift(&self, function: &str, date: &Operand, days: &Operand) -> Result<()> {
        let small_integer = matches!(days.type_name.as_str(), "INT" | "SMALLINT" | "TINYINT");
        if small_integer || days.class == Class::Null {
            return Ok(());
        }
        let sql = format!("{function}({}, {})", date.sql, days.sql);
        Err(unexpected_input_type_named(&sql, 1, DAYS_REQUIRED, days.sql, &days.quoted_type()))
    }

    /// An interval scaled by a number: the number is the second parameter of `sql`.
    fn interval_scale(&self, number: &Operand, sql: String) -> Result<()> {
        if number_like(number.class) {
            return Ok(());
        }
        Err(unexpected_input_type_named(&sql, 1, "\"NUMERIC\"", number.sql, &number.quoted_type()))
    }

    fn add(&self) -> Result<()> {
        use Class::*;
        let (l, r) = (self.left, self.right);
        let time_add_sql = |t: &Operand, i: &Operand| format!("{} + {}", t.sql, i.sql);
        match (l.class, r.class) {
            (Date, DayTime | YearMonth | Calendar) | (DayTime | YearMonth | Calendar, Date) => Ok(()),
            (Timestamp, YearMonth) | (YearMonth, Timestamp) | (Calendar, Calendar) | (DayTime, DayTime) => Ok(()),
            (Null, DayTime | YearMonth | Timestamp) | (DayTime | YearMonth | Timestamp, Null) => Ok(()),
            (_, Calendar | DayTime) => self.time_add(l, time_add_sql(l, r)),
            (Calendar | DayTime, _) => self.time_add(r, time_add_sql(r, l)),
            (Date, other) if other != String => self.date_shift("date_add", l, r),
            (other, Date) if other != String => self.date_shift("date_add", r, l),
            // A string beside a date is read as a date: `date_add(date, date)`.
            (String, Date) | (Date, String) => {
                let days = r.cast_to(Date, "DATE");
                self.date_shift("date_add", l, &days)
            }
            _ => self.plain(l.clone(), r.clone()),
        }
    }

    fn subtract(&self) -> Result<()> {
        use Class::*;
        let (l, r) = (self.left, self.right);
        match (l.class, r.class) {
            (Date, DayTime | YearMonth | Calendar) | (Timestamp, YearMonth) | (Calendar, Calendar) | (DayTime, DayTime) => Ok(()),
            (Null, DayTime | YearMonth) | (DayTime | YearMonth, Null) => Ok(()),
            (_, Calendar | DayTime) => self.time_add(l, format!("{} + (- {})", l.sql, r.sql)),
            (Timestamp, _) | (_, Timestamp) => {
                for (index, side) in [l, r].into_iter().enumerate() {
                    if !timestamp_like(side.class) {
                        return Err(unexpected_input_type_named(&self.operator_sql(), index, TIMESTAMP_REQUIRED, side.sql, &side.quoted_type()));
                    }
                }
                Ok(())
            }
            (_, Date) if matches!(l.class, Date | String | Null) => Ok(()),
            (_, Date) => Err(unexpected_input_type_named(&self.operator_sql(), 0, "\"DATE\"", l.sql, &l.quoted_type())),
            (Date, String) => Ok(()),
            (Date, _) => self.date_shift("date_sub", l, r),
            _ => self.plain(l.clone(), r.clone()),
        }
    }

    fn multiply(&self) -> Result<()> {
        use Class::*;
        let (l, r) = (self.left, self.right);
        match (l.class, r.class) {
            (Calendar, _) | (_, Calendar) => Ok(()),
            (YearMonth, _) => self.interval_scale(r, format!("({} * {})", l.sql, r.sql)),
            (_, YearMonth) => self.interval_scale(l, format!("({} * {})", r.sql, l.sql)),
            (DayTime, _) => self.interval_scale(r, format!("({} * {})", l.sql, r.sql)),
            (_, DayTime) => self.interval_scale(l, format!("({} * {})", r.sql, l.sql)),
            _ => self.plain(l.clone(), r.clone()),
        }
    }

    fn divide(&self) -> Result<()> {
        let (l, r) = (self.left, self.right);
        match l.class {
            Class::Calendar => Ok(()),
            class if ansi_interval(class) => self.interval_scale(r, format!("({} / {})", l.sql, r.sql)),
            _ => self.plain(l.clone(), r.clone()),
        }
    }

    /// The operator itself: implicit casts, then one accepted type for both.
    fn plain(&self, mut l: Operand, mut r: Operand) -> Result<()> {
        use Class::*;
        let op = self.operator;
        match (l.class, r.class) {
            (String, String) | (String, Null) | (Null, String) => return Err(self.wrong_type("STRING")),
            (String, other) | (other, String) if is_numeric(other) => {
                let (class, name) = if other == Integral { (Integral, "BIGINT") } else { (Fractional, "DOUBLE") };
                if l.class == String {
                    l = l.cast_to(class, name);
                } else {
                    r = r.cast_to(class, name);
                }
            }
            (String, Boolean | Date | Timestamp | Binary) => return Err(self.wrong_type(&r.type_name)),
            (Boolean | Date | Timestamp | Binary, String) => return Err(self.wrong_type(&l.type_name)),
            (Null, Null) => return Ok(()),
            (Null, other) | (other, Null) => {
                return match op.accepts(other) {
                    true => Ok(()),
                    false => Err(self.diff_types(&l, &r)),
                };
            }
            _ => {}
        }
        if is_numeric(l.class) && is_numeric(r.class) {
            return self.numbers(l, r);
        }
        let (l, r) = match op {
            Operator::IntegralDivide => (l.integer_as_bigint(), r.integer_as_bigint()),
            _ => (l, r),
        };
        if l.class == r.class && op.accepts(l.class) {
            return Ok(());
        }
        if l.type_name == r.type_name {
            return Err(self.wrong_type(&l.type_name));
        }
        Err(self.diff_types(&l, &r))
    }

    /// Two numbers: a decimal beside a floating-point number is a DOUBLE, an
    /// integer beside a decimal a decimal of its digits, as Spark's decimal
    /// rules cast them; `div` and the bitwise operators then want integers
    /// (or decimals) on both sides.
    fn numbers(&self, l: Operand, r: Operand) -> Result<()> {
        use Class::*;
        let decimal_digits = |o: &Operand| o.as_decimal.as_ref().map(ember_types::sql_string).unwrap_or_default();
        let (l, r) = match (l.class, r.class) {
            (Decimal, Fractional) => (l.cast_to(Fractional, "DOUBLE"), r),
            (Fractional, Decimal) => (l.clone(), r.cast_to(Fractional, "DOUBLE")),
            (Integral, Decimal) => (l.cast_to(Decimal, &decimal_digits(&l)), r),
            (Decimal, Integral) => (l.clone(), r.cast_to(Decimal, &decimal_digits(&r))),
            _ => (l, r),
        };
        match self.operator {
            Operator::IntegralDivide => {
                if l.class != Fractional && r.class != Fractional {
                    return Ok(());
                }
                let (l, r) = (l.integer_as_bigint(), r.integer_as_bigint());
                match l.type_name == r.type_name {
                    true => Err(self.wrong_type(&l.type_name)),
                    false => Err(self.diff_types(&l, &r)),
                }
            }
            Operator::Bitwise => {
                if l.class == Integral && r.class == Integral {
                    return Ok(());
                }
                match l.type_name == r.type_name {
                    true => Err(self.wrong_type(&l.type_name)),
                    false => Err(self.diff_types(&l, &r)),
                }
            }
            _ => Ok(()),
        }
    }

    fn wrong_type(&self, actual: &str) -> SparkError {
        let sql = self.operator_sql();
        let required = self.operator.required();
        SparkError::new(
            ErrorKind::Analysis,
            "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE",
            "42K09",
            format!("Cannot resolve \"{sql}\" due to data type mismatch: the binary operator requires the input type {required}, not \"{actual}\"."),
            &[("sqlExpr", format!("\"{sql}\"")), ("inputType", required.to_string()), ("actualDataType", format!("\"{actual}\""))],
        )
    }

    fn diff_types(&self, l: &Operand, r: &Operand) -> SparkError {
        binary_op_diff_types_named(&self.operator_sql(), &l.quoted_type(), &r.quoted_type())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(function: &str, left: DataType, right: DataType) -> std::result::Result<(), String> {
        let names = ["l".to_string(), "r".to_string()];
        let fields = [left, right].map(|t| std::sync::Arc::new(datafusion::arrow::datatypes::Field::new("x", t, true)));
        check_operands(function, &names, |i| Ok((fields[i].clone(), None)), true).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_pass_and_other_types_differ() {
        assert!(verdict("+", DataType::Int32, DataType::Decimal128(10, 2)).is_ok());
        let err = verdict("+", DataType::Boolean, DataType::Int32).unwrap_err();
        assert!(err.contains("BINARY_OP_DIFF_TYPES") && err.contains("(\"BOOLEAN\" and \"INT\")"), "{err}");
    }

    #[test]
    fn a_string_beside_a_string_is_the_wrong_type() {
        let err = verdict("*", DataType::Utf8, DataType::Null).unwrap_err();
        assert!(err.contains("BINARY_OP_WRONG_TYPE") && err.contains("not \"STRING\""), "{err}");
    }

    #[test]
    fn dates_shift_by_small_integers_only() {
        assert!(verdict("+", DataType::Date32, DataType::Int32).is_ok());
        let err = verdict("-", DataType::Date32, DataType::Int64).unwrap_err();
        assert!(err.contains("date_sub(l, r)") && err.contains("\"BIGINT\""), "{err}");
    }

    #[test]
    fn integral_division_names_integers_bigint() {
        let err = verdict("div", DataType::Int32, DataType::Float64).unwrap_err();
        assert!(err.contains("(\"BIGINT\" and \"DOUBLE\")"), "{err}");
        let err = verdict("&", DataType::Int32, DataType::Decimal128(10, 2)).unwrap_err();
        assert!(err.contains("(\"DECIMAL(10,0)\" and \"DECIMAL(10,2)\")"), "{err}");
    }
}
