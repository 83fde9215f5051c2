//! Spark's rendering of single values as text.
//!
//! Two flavours share one implementation:
//!
//! * [`pretty_strings`] is Spark 4's `ToPrettyString`, the expression `Dataset.show()` wraps
//!   around every column: nulls print as `NULL` (also inside arrays, maps and structs), binary
//!   prints as space separated upper-case hex in brackets (`[01 02]`) and decimals always use
//!   plain notation.
//! * [`cast_strings`] is `CAST(x AS STRING)` with Spark 4's defaults (ANSI mode): a top-level
//!   null stays null, nested nulls print as `null`, binary is decoded as UTF-8.
//!
//! The Arrow types map to Spark types as Ember uses them: `Int8`..`Int64` are tinyint..bigint,
//! `Float32`/`Float64` float/double, `Decimal*` decimal, `Utf8*` string, `Binary*` binary,
//! `Date32` date, `Timestamp(_, Some(tz))` timestamp (rendered in `tz`), `Timestamp(_, None)`
//! timestamp_ntz, `Duration` interval day to second, `Interval(YearMonth)` interval year to
//! month, `Interval(MonthDayNano)` calendar interval, `List` array, `Map` map, `Struct` struct
//! and `Null` void. A few neighbouring Arrow types are accepted as their nearest Spark type
//! (unsigned integers, `Float16`, `Date64`, `Time32`/`Time64` as Spark's TIME, other list and
//! binary layouts, dictionaries); unions and run-end encoded arrays are rejected.

use std::fmt::Write as _;

use arrow::array::timezone::Tz;
use arrow::array::{Array, ArrowPrimitiveType, AsArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{
    DataType, Date32Type, Field, Date64Type, Decimal32Type, Decimal64Type, Decimal128Type, Decimal256Type,
    DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType, DurationSecondType,
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    IntervalDayTimeType, IntervalMonthDayNanoType, IntervalUnit, IntervalYearMonthType,
    Time32MillisecondType, Time32SecondType, Time64MicrosecondType, Time64NanosecondType, TimeUnit,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use chrono::{DateTime, Offset, TimeZone};
use ember_types::IntervalFields;

/// Errors raised while rendering values or frames as Spark text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DisplayError {
    /// The Arrow type has no Spark text rendering (for example unions or run-end encoding).
    #[error("cannot render values of Arrow type {0} as Spark text")]
    UnsupportedType(DataType),
    /// A timestamp column carries a time zone that is neither an IANA name nor an offset.
    #[error("invalid time zone {tz:?} on a timestamp column: {message}")]
    InvalidTimeZone {
        /// The time zone string found in the Arrow type.
        tz: String,
        /// Why it could not be used.
        message: String,
    },
    /// Vertical display of a frame that has rows but no columns; Spark fails here too
    /// (`java.lang.UnsupportedOperationException: empty.max`).
    #[error("cannot show rows of a frame without columns vertically (empty.max)")]
    VerticalWithoutColumns,
}

/// Renders every value of `array` as Spark's `show()` prints it (Spark 4 `ToPrettyString`).
///
/// Nulls become `"NULL"`, at the top level and inside arrays, maps and structs; the result has
/// exactly `array.len()` entries. Strings are returned as they are: escaping of control
/// characters and truncation belong to [`crate::show`].
pub fn pretty_strings(array: &dyn Array) -> Result<Vec<String>, DisplayError> {
    pretty_strings_with(array, None)
}

/// [`pretty_strings`] of an ANSI interval array written in the given units.
pub fn pretty_strings_with(
    array: &dyn Array,
    interval: Option<IntervalFields>,
) -> Result<Vec<String>, DisplayError> {
    let node = Node::new(array, Style { interval, ..Style::PRETTY })?;
    Ok((0..array.len())
        .map(|i| {
            let mut out = String::new();
            node.write_or_null(i, &mut out, Style::PRETTY.null);
            out
        })
        .collect())
}

/// Renders every value of `array` as Spark's `CAST(x AS STRING)` does with its default (ANSI)
/// settings.
///
/// A null value stays `None`; nulls nested in arrays, maps and structs print as `null`; binary
/// values are decoded as UTF-8 (invalid sequences become U+FFFD, where Spark would keep the raw
/// bytes); decimals use plain notation. Everything else renders as in [`pretty_strings`].
pub fn cast_strings(array: &dyn Array) -> Result<Vec<Option<String>>, DisplayError> {
    cast_strings_with(array, None)
}

/// [`cast_strings`] of an ANSI interval array written in the given units.
pub fn cast_strings_with(
    array: &dyn Array,
    interval: Option<IntervalFields>,
) -> Result<Vec<Option<String>>, DisplayError> {
    let node = Node::new(array, Style { interval, ..Style::CAST })?;
    Ok((0..array.len())
        .map(|i| {
            (!node.is_null(i)).then(|| {
                let mut out = String::new();
                (node.write)(i, &mut out);
                out
            })
        })
        .collect())
}

/// The differences between `ToPrettyString` and `Cast`.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Text for a null nested in an array, map or struct.
    null: &'static str,
    /// Binary as `[0A 0B]` (true) or decoded as UTF-8 (false).
    hex_binary: bool,
    /// The units of an ANSI interval (nested ones take those their field records).
    interval: Option<IntervalFields>,
}

impl Style {
    const PRETTY: Style = Style {
        null: "NULL",
        hex_binary: true,
        interval: None,
    };
    const CAST: Style = Style {
        null: "null",
        hex_binary: false,
        interval: None,
    };

    /// This style for the children of a nested value.
    fn nested(self) -> Style {
        Style { interval: None, ..self }
    }
}

/// Appends the text of the (non-null) value at an index.
type WriteFn<'a> = Box<dyn Fn(usize, &mut String) + 'a>;

/// A renderer for one array, built once and then applied per index.
struct Node<'a> {
    /// Logical nulls of the array (covers `NullArray` and dictionaries).
    nulls: Option<NullBuffer>,
    /// Writes a value known not to be null.
    write: WriteFn<'a>,
}

impl<'a> Node<'a> {
    fn is_null(&self, i: usize) -> bool {
        self.nulls.as_ref().is_some_and(|n| n.is_null(i))
    }

    fn write_or_null(&self, i: usize, out: &mut String, null: &str) {
        if self.is_null(i) {
            out.push_str(null);
        } else {
            (self.write)(i, out);
        }
    }

    fn new(array: &'a dyn Array, style: Style) -> Result<Self, DisplayError> {
        Ok(Node {
            nulls: array.logical_nulls(),
            write: writer(array, style)?,
        })
    }

    /// A renderer for values of `field`, written as the JVM writes them
    /// when it holds a UDT whose text Ember knows.
    fn of_field(array: &'a dyn Array, field: &Field, style: Style) -> Result<Self, DisplayError> {
        let style = Style { interval: IntervalFields::of(field), ..style };
        let Some(texts) = crate::ml_vectors::udt_texts(field, array) else { return Node::new(array, style) };
        let texts = texts?;
        Ok(Node {
            nulls: array.logical_nulls(),
            write: Box::new(move |i, out: &mut String| out.push_str(texts[i].as_deref().unwrap_or_default())),
        })
    }
}

/// Builds the value writer for `array` (recursively for nested types).
fn writer<'a>(array: &'a dyn Array, style: Style) -> Result<WriteFn<'a>, DisplayError> {
    macro_rules! display {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            Box::new(move |i, out: &mut String| {
                let _ = write!(out, "{}", a.value(i));
            })
        }};
    }
    macro_rules! with {
        ($t:ty, $f:expr) => {{
            let a = array.as_primitive::<$t>();
            let f = $f;
            Box::new(move |i, out: &mut String| f(a.value(i), out))
        }};
    }
    macro_rules! decimal {
        ($t:ty, $scale:expr) => {{
            let a = array.as_primitive::<$t>();
            let scale = *$scale;
            Box::new(move |i, out: &mut String| {
                write_plain_decimal(&a.value(i).to_string(), i32::from(scale), out)
            })
        }};
    }
    macro_rules! bytes {
        ($a:expr) => {{
            let a = $a;
            Box::new(move |i, out: &mut String| write_binary(a.value(i), style, out))
        }};
    }
    let w: WriteFn<'a> = match array.data_type() {
        DataType::Null => Box::new(|_, _: &mut String| {}),
        DataType::Boolean => {
            let a = array.as_boolean();
            Box::new(move |i, out: &mut String| {
                out.push_str(if a.value(i) { "true" } else { "false" })
            })
        }
        DataType::Int8 => display!(Int8Type),
        DataType::Int16 => display!(Int16Type),
        DataType::Int32 => display!(Int32Type),
        DataType::Int64 => display!(Int64Type),
        DataType::UInt8 => display!(UInt8Type),
        DataType::UInt16 => display!(UInt16Type),
        DataType::UInt32 => display!(UInt32Type),
        DataType::UInt64 => display!(UInt64Type),
        DataType::Float16 => with!(
            Float16Type,
            |v: <Float16Type as ArrowPrimitiveType>::Native, out: &mut String| {
                write_java_float(v.to_f32(), out)
            }
        ),
        DataType::Float32 => with!(Float32Type, write_java_float),
        DataType::Float64 => with!(Float64Type, write_java_double),
        DataType::Decimal32(_, s) => decimal!(Decimal32Type, s),
        DataType::Decimal64(_, s) => decimal!(Decimal64Type, s),
        DataType::Decimal128(_, s) => decimal!(Decimal128Type, s),
        DataType::Decimal256(_, s) => decimal!(Decimal256Type, s),
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            Box::new(move |i, out: &mut String| out.push_str(a.value(i)))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            Box::new(move |i, out: &mut String| out.push_str(a.value(i)))
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            Box::new(move |i, out: &mut String| out.push_str(a.value(i)))
        }
        DataType::Binary => bytes!(array.as_binary::<i32>()),
        DataType::LargeBinary => bytes!(array.as_binary::<i64>()),
        DataType::BinaryView => bytes!(array.as_binary_view()),
        DataType::FixedSizeBinary(_) => bytes!(array.as_fixed_size_binary()),
        DataType::Date32 => with!(Date32Type, |d: i32, out: &mut String| {
            write_date(i64::from(d), out)
        }),
        DataType::Date64 => with!(Date64Type, |ms: i64, out: &mut String| {
            write_date(ms.div_euclid(MILLIS_PER_DAY), out)
        }),
        DataType::Time32(TimeUnit::Second) => {
            with!(Time32SecondType, |s: i32, out: &mut String| {
                write_time(i64::from(s) * NANOS_PER_SECOND, out)
            })
        }
        DataType::Time32(TimeUnit::Millisecond) => {
            with!(Time32MillisecondType, |ms: i32, out: &mut String| {
                write_time(i64::from(ms) * 1_000_000, out)
            })
        }
        DataType::Time64(TimeUnit::Microsecond) => {
            with!(Time64MicrosecondType, |us: i64, out: &mut String| {
                write_time(us.saturating_mul(1_000), out)
            })
        }
        DataType::Time64(TimeUnit::Nanosecond) => with!(Time64NanosecondType, write_time),
        DataType::Timestamp(unit, tz) => {
            let tz = match tz {
                None => None,
                Some(name) => {
                    Some(
                        name.parse::<Tz>()
                            .map_err(|e| DisplayError::InvalidTimeZone {
                                tz: name.to_string(),
                                message: e.to_string(),
                            })?,
                    )
                }
            };
            let nanos_per_unit = match unit {
                TimeUnit::Second => NANOS_PER_SECOND,
                TimeUnit::Millisecond => 1_000_000,
                TimeUnit::Microsecond => 1_000,
                TimeUnit::Nanosecond => 1,
            };
            let f = move |v: i64, out: &mut String| {
                write_timestamp(v, nanos_per_unit, tz.as_ref(), out)
            };
            match unit {
                TimeUnit::Second => with!(TimestampSecondType, f),
                TimeUnit::Millisecond => with!(TimestampMillisecondType, f),
                TimeUnit::Microsecond => with!(TimestampMicrosecondType, f),
                TimeUnit::Nanosecond => with!(TimestampNanosecondType, f),
            }
        }
        DataType::Duration(unit) => {
            let fields = style.interval.unwrap_or(IntervalFields::DAY_TO_SECOND);
            let f = move |micros: i128, out: &mut String| write_day_time_interval(micros, fields, out);
            match unit {
                TimeUnit::Second => with!(DurationSecondType, move |v: i64, out: &mut String| f(
                    i128::from(v) * 1_000_000,
                    out
                )),
                TimeUnit::Millisecond => {
                    with!(DurationMillisecondType, move |v: i64, out: &mut String| f(
                        i128::from(v) * 1_000,
                        out
                    ))
                }
                TimeUnit::Microsecond => {
                    with!(DurationMicrosecondType, move |v: i64, out: &mut String| f(
                        i128::from(v),
                        out
                    ))
                }
                TimeUnit::Nanosecond => {
                    with!(DurationNanosecondType, move |v: i64, out: &mut String| f(
                        i128::from(v / 1_000),
                        out
                    ))
                }
            }
        }
        DataType::Interval(IntervalUnit::YearMonth) => {
            let fields = style.interval.unwrap_or(IntervalFields::YEAR_TO_MONTH);
            with!(IntervalYearMonthType, move |months: i32, out: &mut String| {
                write_year_month_interval(months, fields, out)
            })
        }
        DataType::Interval(IntervalUnit::DayTime) => with!(
            IntervalDayTimeType,
            |v: arrow::datatypes::IntervalDayTime, out: &mut String| {
                write_calendar_interval(0, v.days, i64::from(v.milliseconds) * 1_000, out)
            }
        ),
        DataType::Interval(IntervalUnit::MonthDayNano) => with!(
            IntervalMonthDayNanoType,
            |v: arrow::datatypes::IntervalMonthDayNano, out: &mut String| {
                write_calendar_interval(v.months, v.days, v.nanoseconds / 1_000, out)
            }
        ),
        DataType::List(element) => {
            let a = array.as_list::<i32>();
            let offsets = a.value_offsets();
            sequence(Node::of_field(a.values().as_ref(), element, style.nested())?, style.nested(), move |i| {
                (offsets[i] as usize, offsets[i + 1] as usize)
            })?
        }
        DataType::LargeList(_) => {
            let a = array.as_list::<i64>();
            let offsets = a.value_offsets();
            sequence(Node::new(a.values().as_ref(), style.nested())?, style.nested(), move |i| {
                (offsets[i] as usize, offsets[i + 1] as usize)
            })?
        }
        DataType::ListView(_) => {
            let a = array.as_list_view::<i32>();
            let (offsets, sizes) = (a.offsets(), a.sizes());
            sequence(Node::new(a.values().as_ref(), style.nested())?, style.nested(), move |i| {
                let start = offsets[i] as usize;
                (start, start + sizes[i] as usize)
            })?
        }
        DataType::LargeListView(_) => {
            let a = array.as_list_view::<i64>();
            let (offsets, sizes) = (a.offsets(), a.sizes());
            sequence(Node::new(a.values().as_ref(), style.nested())?, style.nested(), move |i| {
                let start = offsets[i] as usize;
                (start, start + sizes[i] as usize)
            })?
        }
        DataType::FixedSizeList(_, _) => {
            let a = array.as_fixed_size_list();
            let len = a.value_length() as usize;
            sequence(Node::new(a.values().as_ref(), style.nested())?, style.nested(), move |i| {
                let start = a.value_offset(i) as usize;
                (start, start + len)
            })?
        }
        DataType::Map(_, _) => {
            let a = array.as_map();
            let offsets = a.value_offsets();
            let entries = a.entries_fields();
            let keys = Node::of_field(a.keys().as_ref(), entries.0, style.nested())?;
            let values = Node::of_field(a.values().as_ref(), entries.1, style.nested())?;
            Box::new(move |i, out: &mut String| {
                out.push('{');
                for (n, j) in (offsets[i] as usize..offsets[i + 1] as usize).enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    keys.write_or_null(j, out, style.null);
                    out.push_str(" -> ");
                    values.write_or_null(j, out, style.null);
                }
                out.push('}');
            })
        }
        DataType::Struct(fields) if ember_types::spatial::spatial_of_fields(fields).is_some() => {
            let a = array.as_struct();
            Box::new(move |i, out: &mut String| out.push_str(&crate::spatial::display_text(a, i)))
        }
        DataType::Struct(fields) if ember_types::is_variant_fields(fields) => {
            let a = array.as_struct();
            Box::new(move |i, out: &mut String| out.push_str(&crate::variant::display_json(a, i)))
        }
        DataType::Struct(_) => {
            let a = array.as_struct();
            let fields = a
                .columns()
                .iter()
                .zip(a.fields())
                .map(|(c, f)| Node::of_field(c.as_ref(), f, style.nested()))
                .collect::<Result<Vec<_>, _>>()?;
            Box::new(move |i, out: &mut String| {
                out.push('{');
                for (n, field) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    field.write_or_null(i, out, style.null);
                }
                out.push('}');
            })
        }
        DataType::Dictionary(_, _) => {
            let a = array.as_any_dictionary();
            let keys = a.normalized_keys();
            let values = writer(a.values().as_ref(), style)?;
            // Null keys and keys pointing at null values are covered by the logical nulls.
            Box::new(move |i, out: &mut String| values(keys[i], out))
        }
        other => return Err(DisplayError::UnsupportedType(other.clone())),
    };
    Ok(w)
}

/// Writer for array-like values: `[e1, e2, NULL]`; `range` gives the element index range.
fn sequence<'a>(
    elements: Node<'a>,
    style: Style,
    range: impl Fn(usize) -> (usize, usize) + 'a,
) -> Result<WriteFn<'a>, DisplayError> {
    Ok(Box::new(move |i, out: &mut String| {
        let (start, end) = range(i);
        out.push('[');
        for j in start..end {
            if j > start {
                out.push_str(", ");
            }
            elements.write_or_null(j, out, style.null);
        }
        out.push(']');
    }))
}

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
const MILLIS_PER_DAY: i64 = 86_400_000;
const MICROS_PER_SECOND: i128 = 1_000_000;
const MICROS_PER_MINUTE: i128 = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR: i128 = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY: i128 = 24 * MICROS_PER_HOUR;

/// Binary: `[0A FF]` for `show()` (Spark's default `binaryOutputStyle`), UTF-8 for casts.
fn write_binary(bytes: &[u8], style: Style, out: &mut String) {
    if style.hex_binary {
        out.push('[');
        for (n, b) in bytes.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            let _ = write!(out, "{b:02X}");
        }
        out.push(']');
    } else {
        out.push_str(&String::from_utf8_lossy(bytes));
    }
}

/// Java's `BigDecimal.toPlainString` for an unscaled integer given in decimal (`-123`) and a
/// scale: exactly `scale` fraction digits.
fn write_plain_decimal(unscaled: &str, scale: i32, out: &mut String) {
    let (negative, digits) = match unscaled.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, unscaled),
    };
    if negative {
        out.push('-');
    }
    if scale <= 0 {
        out.push_str(digits);
        if digits != "0" {
            out.extend(std::iter::repeat_n('0', scale.unsigned_abs() as usize));
        }
        return;
    }
    let scale = scale as usize;
    if digits.len() <= scale {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(digits);
    } else {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
}

/// Java's `Double.toString`: shortest round-trip digits, plain for 1e-3 <= |v| < 1e7, else
/// `d.dddE[-]n`.
pub(crate) fn write_java_double(v: f64, out: &mut String) {
    write_java_floating(
        v.is_nan(),
        v.is_infinite(),
        v == 0.0,
        v.is_sign_negative(),
        &format!("{:e}", v.abs()),
        |digits| {
            let closest = format!("{:.*e}", digits - 1, v.abs());
            (closest.parse::<f64>().ok() == Some(v.abs())).then_some(closest)
        },
        out,
    )
}

/// Java's `Float.toString`, the `f32` counterpart of [`write_java_double`].
pub(crate) fn write_java_float(v: f32, out: &mut String) {
    write_java_floating(
        v.is_nan(),
        v.is_infinite(),
        v == 0.0,
        v.is_sign_negative(),
        &format!("{:e}", v.abs()),
        |digits| {
            let closest = format!("{:.*e}", digits - 1, v.abs());
            (closest.parse::<f32>().ok() == Some(v.abs())).then_some(closest)
        },
        out,
    )
}

/// Shared layout of Java's floating point `toString` (the JDK 19+ specification).
///
/// `shortest` is Rust's `{:e}` of the magnitude: the shortest digit count that round-trips.
/// Java prints at least two significant digits and, among the decimals of that length that
/// round-trip, picks the one closest to the exact value, ties to even (`4.9E-324`, not
/// `5.0E-324`; `-1425673.2` for the float `-1425673.25`). `closest(n)` returns the magnitude
/// correctly rounded to `n` significant digits (Rust rounds ties to even) if it round-trips.
fn write_java_floating(
    nan: bool,
    infinite: bool,
    zero: bool,
    negative: bool,
    shortest: &str,
    closest: impl Fn(usize) -> Option<String>,
    out: &mut String,
) {
    if nan {
        out.push_str("NaN");
        return;
    }
    if negative {
        out.push('-');
    }
    if infinite {
        out.push_str("Infinity");
        return;
    }
    if zero {
        out.push_str("0.0");
        return;
    }
    let split = |s: &str| -> (String, i32) {
        let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        (digits, exp.parse().unwrap_or(0))
    };
    let (mut digits, mut exp) = split(shortest);
    if let Some(closest) = closest(digits.len().max(2)) {
        (digits, exp) = split(&closest);
        while digits.len() > 1 && digits.ends_with('0') {
            digits.pop();
        }
    }
    if (-3..7).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
        let _ = write!(out, "E{exp}");
    }
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `yyyy-MM-dd` as Java's `ISO_LOCAL_DATE` prints it: `0000`, `-0001`, `+10000`.
fn write_date(days: i64, out: &mut String) {
    let (year, month, day) = civil_from_days(days);
    if year > 9999 {
        let _ = write!(out, "+{year}");
    } else if year >= 0 {
        let _ = write!(out, "{year:04}");
    } else {
        let _ = write!(out, "-{:04}", year.unsigned_abs());
    }
    let _ = write!(out, "-{month:02}-{day:02}");
}

/// `HH:mm:ss[.fraction]` of a nanosecond of the day, fraction without trailing zeros.
fn write_time(nanos_of_day: i64, out: &mut String) {
    let nanos_of_day = nanos_of_day.rem_euclid(SECONDS_PER_DAY * NANOS_PER_SECOND);
    let secs = nanos_of_day / NANOS_PER_SECOND;
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        secs / 3_600,
        secs / 60 % 60,
        secs % 60
    );
    write_fraction(nanos_of_day % NANOS_PER_SECOND, out);
}

/// `.ddddddddd` with trailing zeros removed; nothing for zero.
fn write_fraction(nanos: i64, out: &mut String) {
    if nanos != 0 {
        let digits = format!("{nanos:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// Instants far outside chrono's range use the zone offset at this distance (about 190,000
/// years) from the epoch; zone rules do not change out there.
const OFFSET_LOOKUP_LIMIT_SECONDS: i64 = 6_000_000_000_000;

/// Offset of `tz` from UTC, in seconds, at the instant `epoch_seconds`.
fn utc_offset_seconds(tz: &Tz, epoch_seconds: i64) -> i64 {
    let clamped = epoch_seconds.clamp(-OFFSET_LOOKUP_LIMIT_SECONDS, OFFSET_LOOKUP_LIMIT_SECONDS);
    DateTime::from_timestamp(clamped, 0).map_or(0, |utc| {
        i64::from(
            tz.offset_from_utc_datetime(&utc.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    })
}

/// `yyyy-MM-dd HH:mm:ss[.fraction]`, in `tz` when given (Spark's fraction formatter).
fn write_timestamp(value: i64, nanos_per_unit: i64, tz: Option<&Tz>, out: &mut String) {
    let units_per_second = NANOS_PER_SECOND / nanos_per_unit;
    let mut seconds = value.div_euclid(units_per_second);
    let nanos = value.rem_euclid(units_per_second) * nanos_per_unit;
    if let Some(tz) = tz {
        seconds += utc_offset_seconds(tz, seconds);
    }
    write_date(seconds.div_euclid(SECONDS_PER_DAY), out);
    out.push(' ');
    write_time(
        seconds.rem_euclid(SECONDS_PER_DAY) * NANOS_PER_SECOND + nanos,
        out,
    );
}

/// `BigDecimal.valueOf(micros, 6).stripTrailingZeros.toPlainString` for a non-negative value.
fn write_seconds(micros: u128, out: &mut String) {
    let whole = micros / MICROS_PER_SECOND as u128;
    let frac = micros % MICROS_PER_SECOND as u128;
    let _ = write!(out, "{whole}");
    if frac != 0 {
        let digits = format!("{frac:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// Spark's ANSI day-time interval string in the given units: `INTERVAL '-1 02:03:04.5' DAY TO
/// SECOND`, `INTERVAL '05' HOUR`, `INTERVAL '90' MINUTE`. The leading unit holds everything
/// above it (`INTERVAL '26:03' HOUR TO MINUTE`) and, but for days, has two digits at least;
/// units below the last are dropped.
fn write_day_time_interval(micros: i128, fields: IntervalFields, out: &mut String) {
    out.push_str("INTERVAL '");
    if micros < 0 {
        out.push('-');
    }
    let rest = micros.unsigned_abs();
    let unit_micros = [
        MICROS_PER_DAY as u128,
        MICROS_PER_HOUR as u128,
        MICROS_PER_MINUTE as u128,
        MICROS_PER_SECOND as u128,
    ];
    let (start, end) = (usize::from(fields.start), usize::from(fields.end));
    for (unit, &size) in unit_micros.iter().enumerate().take(end + 1).skip(start) {
        let value = if unit == start { rest / size } else { rest % unit_micros[unit - 1] / size };
        match unit {
            1 if unit > start => out.push(' '),
            2 | 3 if unit > start => out.push(':'),
            _ => {}
        }
        if unit == 3 {
            let seconds = if unit == start { rest } else { rest % unit_micros[2] };
            if seconds < 10 * size {
                out.push('0');
            }
            write_seconds(seconds, out);
        } else if unit == 0 {
            let _ = write!(out, "{value}");
        } else {
            let _ = write!(out, "{value:02}");
        }
    }
    let _ = write!(out, "' {}", fields.units(false));
}

/// Spark's ANSI year-month interval string in the given units: `INTERVAL '-1-2' YEAR TO
/// MONTH`, `INTERVAL '14' MONTH`, `INTERVAL '-2' YEAR`.
fn write_year_month_interval(months: i32, fields: IntervalFields, out: &mut String) {
    let sign = if months < 0 { "-" } else { "" };
    let abs = months.unsigned_abs();
    let _ = match (fields.start, fields.end) {
        (0, 0) => write!(out, "INTERVAL '{sign}{}' YEAR", abs / 12),
        (1, 1) => write!(out, "INTERVAL '{sign}{abs}' MONTH"),
        _ => write!(out, "INTERVAL '{sign}{}-{}' YEAR TO MONTH", abs / 12, abs % 12),
    };
}

/// Spark's `CalendarInterval.toString`: `1 years 2 months 3 days 4 hours 5 minutes 6.5 seconds`.
fn write_calendar_interval(months: i32, days: i32, micros: i64, out: &mut String) {
    if months == 0 && days == 0 && micros == 0 {
        out.push_str("0 seconds");
        return;
    }
    let start = out.len();
    let unit = |value: i64, name: &str, out: &mut String| {
        if value != 0 {
            if out.len() > start {
                out.push(' ');
            }
            let _ = write!(out, "{value} {name}");
        }
    };
    if months != 0 {
        unit(i64::from(months / 12), "years", out);
        unit(i64::from(months % 12), "months", out);
    }
    unit(i64::from(days), "days", out);
    if micros != 0 {
        let micros = i128::from(micros);
        unit((micros / MICROS_PER_HOUR) as i64, "hours", out);
        unit(
            (micros % MICROS_PER_HOUR / MICROS_PER_MINUTE) as i64,
            "minutes",
            out,
        );
        let seconds = micros % MICROS_PER_MINUTE;
        if seconds != 0 {
            if out.len() > start {
                out.push(' ');
            }
            if seconds < 0 {
                out.push('-');
            }
            write_seconds(seconds.unsigned_abs(), out);
            out.push_str(" seconds");
        }
    }
}

#[cfg(test)]
mod tests {
    //! Every expected string below was printed by Apache Spark 4.3.0 (Spark Connect, session
    //! time zone UTC unless stated) for the equivalent SQL value.

    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, BinaryArray, BooleanArray, Date32Array, Decimal128Array,
        DurationMicrosecondArray, FixedSizeListArray, Float32Array, Float64Array, Int8Array,
        Int16Array, Int32Array, Int32Builder, Int64Array, IntervalMonthDayNanoArray,
        IntervalYearMonthArray, LargeStringArray, ListArray, ListBuilder, MapBuilder, NullArray,
        StringArray, StringBuilder, StringDictionaryBuilder, StringViewArray, StructArray,
        Time64MicrosecondArray, TimestampMicrosecondArray,
    };
    use arrow::datatypes::{Field, Fields, Int32Type, IntervalMonthDayNano};

    use super::*;

    fn pretty(array: &dyn Array) -> Vec<String> {
        pretty_strings(array).unwrap()
    }

    #[test]
    fn doubles_print_like_java() {
        // select 1.0D, 1.0E10D, 1.0E-5D, 'NaN', 'Infinity', '-Infinity', 0.1D, 1.2345678E7D, ...
        let values = [
            (1.0, "1.0"),
            (1.0e10, "1.0E10"),
            (1.0e-5, "1.0E-5"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (0.1, "0.1"),
            (1.2345678e7, "1.2345678E7"),
            (0.001, "0.001"),
            (1.0e7, "1.0E7"),
            (9999999.0, "9999999.0"),
            (123456789.0, "1.23456789E8"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (5e-324, "4.9E-324"),
            (1.7976931348623157e308, "1.7976931348623157E308"),
            (0.00099, "9.9E-4"),
            (1.0 / 3.0, "0.3333333333333333"),
            (100.0, "100.0"),
            (2.2250738585072014e-308, "2.2250738585072014E-308"),
            (-1234.5, "-1234.5"),
        ];
        let array = Float64Array::from(values.iter().map(|v| v.0).collect::<Vec<_>>());
        let expected: Vec<_> = values.iter().map(|v| v.1.to_string()).collect();
        assert_eq!(pretty(&array), expected);
    }

    #[test]
    fn floats_print_like_java() {
        // select cast(1.0 as float), cast(1.0E10 as float), ...
        let values = [
            (1.0f32, "1.0"),
            (1.0e10, "1.0E10"),
            (1.0e-5, "1.0E-5"),
            (0.1, "0.1"),
            (1.4e-45, "1.4E-45"),
            (3.4028235e38, "3.4028235E38"),
            (1.2345678e7, "1.2345678E7"),
            (16777216.0, "1.6777216E7"),
            (0.001, "0.001"),
            (1.0e-10, "1.0E-10"),
            (3.3, "3.3"),
            (f32::NAN, "NaN"),
            (f32::NEG_INFINITY, "-Infinity"),
        ];
        let array = Float32Array::from(values.iter().map(|v| v.0).collect::<Vec<_>>());
        let expected: Vec<_> = values.iter().map(|v| v.1.to_string()).collect();
        assert_eq!(pretty(&array), expected);
    }

    #[test]
    fn decimals_keep_their_scale() {
        let cases: [(i128, u8, i8, &str); 8] = [
            (150, 3, 2, "1.50"),                         // 1.50
            (0, 20, 10, "0.0000000000"),                 // cast(0 as decimal(20,10))
            (-1, 3, 3, "-0.001"),                        // -0.001
            (-150000, 10, 5, "-1.50000"),                // cast(-1.5 as decimal(10,5))
            (100000000, 38, 18, "0.000000000100000000"), // cast(1e-10 as decimal(38,18))
            (0, 1, 1, "0.0"),                            // 0.0
            (5, 5, 0, "5"),                              // cast(5 as decimal(5,0))
            (
                12345678901234567890123456789012345678,
                38,
                0,
                "12345678901234567890123456789012345678",
            ),
        ];
        for (value, precision, scale, expected) in cases {
            let array = Decimal128Array::from(vec![value])
                .with_precision_and_scale(precision, scale)
                .unwrap();
            assert_eq!(pretty(&array), vec![expected.to_string()]);
            assert_eq!(
                cast_strings(&array).unwrap(),
                vec![Some(expected.to_string())]
            );
        }
    }

    #[test]
    fn integers_booleans_strings_and_void() {
        // select null, cast(null as int), true, false, cast(1 as tinyint), ...
        assert_eq!(pretty(&NullArray::new(2)), vec!["NULL", "NULL"]);
        assert_eq!(cast_strings(&NullArray::new(1)).unwrap(), vec![None]);
        assert_eq!(
            pretty(&Int32Array::from(vec![None, Some(2147483647)])),
            vec!["NULL", "2147483647"]
        );
        assert_eq!(
            pretty(&BooleanArray::from(vec![true, false])),
            vec!["true", "false"]
        );
        assert_eq!(pretty(&Int8Array::from(vec![1])), vec!["1"]);
        assert_eq!(pretty(&Int16Array::from(vec![-2])), vec!["-2"]);
        assert_eq!(
            pretty(&Int64Array::from(vec![i64::MIN])),
            vec!["-9223372036854775808"]
        );
        assert_eq!(pretty(&StringArray::from(vec!["", "x"])), vec!["", "x"]);
        assert_eq!(pretty(&LargeStringArray::from(vec!["x"])), vec!["x"]);
        assert_eq!(
            pretty(&StringViewArray::from(vec![Some("x"), None])),
            vec!["x", "NULL"]
        );
    }

    #[test]
    fn dates_use_iso_years() {
        // date'2024-01-01', date'0001-01-01', date'1582-10-10', date'9999-12-31',
        // make_date(-1,1,1), make_date(0,1,1), date_add(date'9999-12-31', 1), date'0100-03-04',
        // date_from_unix_date(2147483647), date_from_unix_date(-2147483648),
        // date_from_unix_date(-719529)
        let days = [
            19723,
            -719162,
            -141432,
            2932896,
            -719893,
            -719528,
            2932897,
            -682941,
            i32::MAX,
            i32::MIN,
            -719529,
        ];
        assert_eq!(
            pretty(&Date32Array::from(days.to_vec())),
            vec![
                "2024-01-01",
                "0001-01-01",
                "1582-10-10",
                "9999-12-31",
                "-0001-01-01",
                "0000-01-01",
                "+10000-01-01",
                "0100-03-04",
                "+5881580-07-11",
                "-5877641-06-23",
                "-0001-12-31",
            ]
        );
    }

    #[test]
    fn timestamps_drop_trailing_fraction_zeros() {
        // timestamp'2024-01-01 10:00:00.5', ...'10:00:00', ...'10:00:00.123456',
        // ...'10:00:00.000001', timestamp'1969-12-31 23:59:59.999999',
        // timestamp'0001-01-01 00:00:00', timestamp'1500-06-01 12:00:00.1',
        // timestamp_micros(253402300800000000), timestamp_micros(-62198755200000000),
        // timestamp_micros(i64::MAX), timestamp_micros(i64::MIN)
        let micros = vec![
            1704103200500000,
            1704103200000000,
            1704103200123456,
            1704103200000001,
            -1,
            -62135596800000000,
            -14818679999900000,
            253402300800000000,
            -62198755200000000,
            i64::MAX,
            i64::MIN,
        ];
        let expected = vec![
            "2024-01-01 10:00:00.5",
            "2024-01-01 10:00:00",
            "2024-01-01 10:00:00.123456",
            "2024-01-01 10:00:00.000001",
            "1969-12-31 23:59:59.999999",
            "0001-01-01 00:00:00",
            "1500-06-01 12:00:00.1",
            "+10000-01-01 00:00:00",
            "-0001-01-01 00:00:00",
            "+294247-01-10 04:00:54.775807",
            "-290308-12-21 19:59:05.224192",
        ];
        let utc = TimestampMicrosecondArray::from(micros.clone()).with_timezone("UTC");
        assert_eq!(pretty(&utc), expected);
        // timestamp_ntz renders the same wall clock.
        let ntz = TimestampMicrosecondArray::from(micros);
        assert_eq!(pretty(&ntz), expected);
    }

    #[test]
    fn timestamps_render_in_their_time_zone() {
        // spark.sql.session.timeZone=America/Los_Angeles: timestamp_micros(0),
        // timestamp_micros(-2208988800000000), DST edges of 2024, timestamp_micros(253402300799999999)
        let la = TimestampMicrosecondArray::from(vec![
            0,
            -2208988800000000,
            1710064799000000,
            1710064800000000,
            1730624400000000,
            1730628000000000,
            253402300799999999,
        ])
        .with_timezone("America/Los_Angeles");
        assert_eq!(
            pretty(&la),
            vec![
                "1969-12-31 16:00:00",
                "1899-12-31 16:00:00",
                "2024-03-10 01:59:59",
                "2024-03-10 03:00:00",
                "2024-11-03 01:00:00",
                "2024-11-03 02:00:00",
                "9999-12-31 15:59:59.999999",
            ]
        );
        // Asia/Kolkata, including its 1900 local mean time offset of +05:21:10.
        let kolkata = TimestampMicrosecondArray::from(vec![0, -2208988800000000])
            .with_timezone("Asia/Kolkata");
        assert_eq!(
            pretty(&kolkata),
            vec!["1970-01-01 05:30:00", "1900-01-01 05:21:10"]
        );
        let offset = TimestampMicrosecondArray::from(vec![0]).with_timezone("+05:30");
        assert_eq!(pretty(&offset), vec!["1970-01-01 05:30:00"]);
        let bad = TimestampMicrosecondArray::from(vec![0]).with_timezone("Mars/Olympus");
        assert!(matches!(
            pretty_strings(&bad),
            Err(DisplayError::InvalidTimeZone { .. })
        ));
    }

    #[test]
    fn times_print_as_spark_time() {
        // select time'12:34:56.5', time'00:00:00', time'23:59:59.999999'
        let times = Time64MicrosecondArray::from(vec![45296500000, 0, 86399999999]);
        assert_eq!(
            pretty(&times),
            vec!["12:34:56.5", "00:00:00", "23:59:59.999999"]
        );
    }

    #[test]
    fn day_time_intervals() {
        // interval '1 2:3:4.5' day to second, '-1 2:3:4.5', '0 0:0:0', '0 0:0:10',
        // '0 0:0:9.000001', '100 23:59:59.999999', '-0 0:0:0.1',
        // make_dt_interval(106751991, 4, 0, 54.775807) and the minimum
        let day = 86_400_000_000i64;
        let micros = vec![
            day + 7_384_500_000,
            -(day + 7_384_500_000),
            0,
            10_000_000,
            9_000_001,
            100 * day + 86_399_999_999,
            -100_000,
            i64::MAX,
            i64::MIN,
        ];
        assert_eq!(
            pretty(&DurationMicrosecondArray::from(micros)),
            vec![
                "INTERVAL '1 02:03:04.5' DAY TO SECOND",
                "INTERVAL '-1 02:03:04.5' DAY TO SECOND",
                "INTERVAL '0 00:00:00' DAY TO SECOND",
                "INTERVAL '0 00:00:10' DAY TO SECOND",
                "INTERVAL '0 00:00:09.000001' DAY TO SECOND",
                "INTERVAL '100 23:59:59.999999' DAY TO SECOND",
                "INTERVAL '-0 00:00:00.1' DAY TO SECOND",
                "INTERVAL '106751991 04:00:54.775807' DAY TO SECOND",
                "INTERVAL '-106751991 04:00:54.775808' DAY TO SECOND",
            ]
        );
    }

    #[test]
    fn day_time_intervals_in_their_units() {
        // SELECT INTERVAL '5.5' SECOND, '26:03:04.5' HOUR TO SECOND, '26:03' HOUR TO MINUTE,
        // '-1 2' DAY TO HOUR, '1 2:3' DAY TO MINUTE, '100:4.25' MINUTE TO SECOND, '0' HOUR,
        // '-0.000001' SECOND, '5' HOUR, '90' MINUTE, '-7' DAY
        let (hour, minute, second) = (3_600_000_000_i64, 60_000_000_i64, 1_000_000_i64);
        let cases = [
            (5 * second + 500_000, (3, 3), "INTERVAL '05.5' SECOND"),
            (26 * hour + 3 * minute + 4_500_000, (1, 3), "INTERVAL '26:03:04.5' HOUR TO SECOND"),
            (26 * hour + 3 * minute, (1, 2), "INTERVAL '26:03' HOUR TO MINUTE"),
            (-26 * hour, (0, 1), "INTERVAL '-1 02' DAY TO HOUR"),
            (26 * hour + 3 * minute, (0, 2), "INTERVAL '1 02:03' DAY TO MINUTE"),
            (100 * minute + 4_250_000, (2, 3), "INTERVAL '100:04.25' MINUTE TO SECOND"),
            (0, (1, 1), "INTERVAL '00' HOUR"),
            (-1, (3, 3), "INTERVAL '-00.000001' SECOND"),
            (5 * hour, (1, 1), "INTERVAL '05' HOUR"),
            (90 * minute, (2, 2), "INTERVAL '90' MINUTE"),
            (-7 * 24 * hour, (0, 0), "INTERVAL '-7' DAY"),
        ];
        for (micros, (start, end), expected) in cases {
            let fields = IntervalFields::new(start, end, false);
            let array = DurationMicrosecondArray::from(vec![micros]);
            assert_eq!(pretty_strings_with(&array, fields).unwrap(), vec![expected]);
        }
    }

    #[test]
    fn year_month_intervals_in_their_units() {
        let array = IntervalYearMonthArray::from(vec![14, -24]);
        let month = IntervalFields::new(1, 1, true);
        let year = IntervalFields::new(0, 0, true);
        assert_eq!(pretty_strings_with(&array, month).unwrap(), ["INTERVAL '14' MONTH", "INTERVAL '-24' MONTH"]);
        assert_eq!(pretty_strings_with(&array, year).unwrap(), ["INTERVAL '1' YEAR", "INTERVAL '-2' YEAR"]);
    }

    #[test]
    fn year_month_intervals() {
        // interval '1-2' year to month, '-1-2', '0-0', '-0-11',
        // make_ym_interval(-178956970, -8), make_ym_interval(178956970, 7)
        let months = IntervalYearMonthArray::from(vec![14, -14, 0, -11, i32::MIN, i32::MAX]);
        assert_eq!(
            pretty(&months),
            vec![
                "INTERVAL '1-2' YEAR TO MONTH",
                "INTERVAL '-1-2' YEAR TO MONTH",
                "INTERVAL '0-0' YEAR TO MONTH",
                "INTERVAL '-0-11' YEAR TO MONTH",
                "INTERVAL '-178956970-8' YEAR TO MONTH",
                "INTERVAL '178956970-7' YEAR TO MONTH",
            ]
        );
    }

    #[test]
    fn calendar_intervals() {
        // make_interval(1,2,0,3,4,5,6.5), make_interval(0,0,0,0,0,0,0),
        // make_interval(0,-14,0,-3,-4,-5,-6.000001), make_interval(0,0,1,0,0,0,0),
        // make_interval(0,0,0,0,0,0,0.5), make_interval(0,0,0,0,25,0,0)
        let nanos = |micros: i64| micros * 1_000;
        let values = vec![
            IntervalMonthDayNano::new(14, 3, nanos(14_706_500_000)),
            IntervalMonthDayNano::new(0, 0, 0),
            IntervalMonthDayNano::new(-14, -3, nanos(-14_706_000_001)),
            IntervalMonthDayNano::new(0, 7, 0),
            IntervalMonthDayNano::new(0, 0, nanos(500_000)),
            IntervalMonthDayNano::new(0, 0, nanos(90_000_000_000)),
        ];
        assert_eq!(
            pretty(&IntervalMonthDayNanoArray::from(values)),
            vec![
                "1 years 2 months 3 days 4 hours 5 minutes 6.5 seconds",
                "0 seconds",
                "-1 years -2 months -3 days -4 hours -5 minutes -6.000001 seconds",
                "7 days",
                "0.5 seconds",
                "25 hours",
            ]
        );
    }

    #[test]
    fn binary_is_hex_for_show_and_utf8_for_cast() {
        // select X'', X'0102FF', cast(null as binary), X'00AB'
        let binary = BinaryArray::from(vec![
            Some(&b""[..]),
            Some(&[1u8, 2, 255][..]),
            None,
            Some(&[0u8, 0xAB][..]),
        ]);
        assert_eq!(pretty(&binary), vec!["[]", "[01 02 FF]", "NULL", "[00 AB]"]);
        // cast(X'0102' as string)
        let utf8 = BinaryArray::from(vec![Some(&[1u8, 2][..]), None]);
        assert_eq!(
            cast_strings(&utf8).unwrap(),
            vec![Some("\u{1}\u{2}".to_string()), None]
        );
    }

    fn int_list(rows: Vec<Option<Vec<Option<i32>>>>) -> ListArray {
        ListArray::from_iter_primitive::<Int32Type, _, _>(rows)
    }

    #[test]
    fn arrays() {
        // array(1,null), array(), cast(null as array<int>), array(cast(null as int))
        let a = int_list(vec![
            Some(vec![Some(1), None]),
            Some(vec![]),
            None,
            Some(vec![None]),
        ]);
        assert_eq!(pretty(&a), vec!["[1, NULL]", "[]", "NULL", "[NULL]"]);
        assert_eq!(
            cast_strings(&a).unwrap(),
            vec![
                Some("[1, null]".to_string()),
                Some("[]".to_string()),
                None,
                Some("[null]".to_string()),
            ]
        );
        // array(array(1,2), null, array())
        let mut nested = ListBuilder::new(ListBuilder::new(Int32Builder::new()));
        nested.values().values().append_slice(&[1, 2]);
        nested.values().append(true);
        nested.values().append(false);
        nested.values().append(true);
        nested.append(true);
        assert_eq!(pretty(&nested.finish()), vec!["[[1, 2], NULL, []]"]);
        // array('a', null, '')
        let mut strings = ListBuilder::new(StringBuilder::new());
        strings.values().append_value("a");
        strings.values().append_null();
        strings.values().append_value("");
        strings.append(true);
        assert_eq!(pretty(&strings.finish()), vec!["[a, NULL, ]"]);
        // array(X'41', null)
        let binaries = Arc::new(BinaryArray::from(vec![Some(&b"A"[..]), None])) as ArrayRef;
        let list = ListArray::new(
            Arc::new(Field::new_list_field(DataType::Binary, true)),
            arrow::buffer::OffsetBuffer::from_lengths([2]),
            binaries,
            None,
        );
        assert_eq!(pretty(&list), vec!["[[41], NULL]"]);
        // cast(array(X'4142', null) as string)
        let binaries = Arc::new(BinaryArray::from(vec![Some(&b"AB"[..]), None])) as ArrayRef;
        let list = ListArray::new(
            Arc::new(Field::new_list_field(DataType::Binary, true)),
            arrow::buffer::OffsetBuffer::from_lengths([2]),
            binaries,
            None,
        );
        assert_eq!(
            cast_strings(&list).unwrap(),
            vec![Some("[AB, null]".to_string())]
        );
        // Slices keep their offsets.
        let sliced = a.slice(1, 3);
        assert_eq!(pretty(&sliced), vec!["[]", "NULL", "[NULL]"]);
        // Fixed size lists render as arrays.
        let fixed = FixedSizeListArray::from_iter_primitive::<Int32Type, _, _>(
            vec![Some(vec![Some(1), None]), None],
            2,
        );
        assert_eq!(pretty(&fixed), vec!["[1, NULL]", "NULL"]);
    }

    #[test]
    fn maps() {
        // map('a',1,'b',null), map(), cast(null as map<string,int>)
        let mut builder = MapBuilder::new(None, StringBuilder::new(), Int32Builder::new());
        builder.keys().append_value("a");
        builder.values().append_value(1);
        builder.keys().append_value("b");
        builder.values().append_null();
        builder.append(true).unwrap();
        builder.append(true).unwrap();
        builder.append(false).unwrap();
        let map = builder.finish();
        assert_eq!(pretty(&map), vec!["{a -> 1, b -> NULL}", "{}", "NULL"]);
        assert_eq!(
            cast_strings(&map).unwrap(),
            vec![
                Some("{a -> 1, b -> null}".to_string()),
                Some("{}".to_string()),
                None
            ]
        );
    }

    fn struct_x_y(x: Vec<Option<i32>>, y: Vec<Option<&str>>) -> StructArray {
        StructArray::from(vec![
            (
                Arc::new(Field::new("x", DataType::Int32, true)),
                Arc::new(Int32Array::from(x)) as ArrayRef,
            ),
            (
                Arc::new(Field::new("y", DataType::Utf8, true)),
                Arc::new(StringArray::from(y)) as ArrayRef,
            ),
        ])
    }

    #[test]
    fn structs() {
        // named_struct('x',1,'y',null), named_struct('x',null,'y','b'), named_struct('x',1,'y','b')
        let s = struct_x_y(
            vec![Some(1), None, Some(1)],
            vec![None, Some("b"), Some("b")],
        );
        assert_eq!(pretty(&s), vec!["{1, NULL}", "{NULL, b}", "{1, b}"]);
        assert_eq!(
            cast_strings(&s).unwrap(),
            vec![
                Some("{1, null}".to_string()),
                Some("{null, b}".to_string()),
                Some("{1, b}".to_string()),
            ]
        );
        // struct()
        let empty = StructArray::new_empty_fields(1, None);
        assert_eq!(pretty(&empty), vec!["{}"]);
        // A null struct is NULL at the top level.
        let with_null = StructArray::new(
            s.fields().clone(),
            s.columns().to_vec(),
            Some(NullBuffer::from(vec![true, false, true])),
        );
        assert_eq!(pretty(&with_null), vec!["{1, NULL}", "NULL", "{1, b}"]);
    }

    #[test]
    fn deeply_nested() {
        // array(named_struct('x', map('k', array(1.5D))))
        let mut inner = MapBuilder::new(
            None,
            StringBuilder::new(),
            ListBuilder::new(arrow::array::Float64Builder::new()),
        );
        inner.keys().append_value("k");
        inner.values().values().append_value(1.5);
        inner.values().append(true);
        inner.append(true).unwrap();
        let map = Arc::new(inner.finish()) as ArrayRef;
        let st = StructArray::from(vec![(
            Arc::new(Field::new("x", map.data_type().clone(), true)),
            map,
        )]);
        let list = ListArray::new(
            Arc::new(Field::new_list_field(st.data_type().clone(), true)),
            arrow::buffer::OffsetBuffer::from_lengths([1]),
            Arc::new(st),
            None,
        );
        assert_eq!(pretty(&list), vec!["[{{k -> [1.5]}}]"]);
        // map(1, named_struct('a', null)): pretty and cast
        let st = StructArray::from(vec![(
            Arc::new(Field::new("a", DataType::Null, true)),
            Arc::new(NullArray::new(1)) as ArrayRef,
        )]);
        let map = arrow::array::MapArray::new(
            Arc::new(Field::new(
                "entries",
                DataType::Struct(Fields::from(vec![
                    Field::new("key", DataType::Int32, false),
                    Field::new("value", st.data_type().clone(), true),
                ])),
                false,
            )),
            arrow::buffer::OffsetBuffer::from_lengths([1]),
            StructArray::from(vec![
                (
                    Arc::new(Field::new("key", DataType::Int32, false)),
                    Arc::new(Int32Array::from(vec![1])) as ArrayRef,
                ),
                (
                    Arc::new(Field::new("value", st.data_type().clone(), true)),
                    Arc::new(st) as ArrayRef,
                ),
            ]),
            None,
            false,
        );
        assert_eq!(pretty(&map), vec!["{1 -> {NULL}}"]);
        assert_eq!(
            cast_strings(&map).unwrap(),
            vec![Some("{1 -> {null}}".to_string())]
        );
    }

    #[test]
    fn dictionaries_are_decoded() {
        let mut builder = StringDictionaryBuilder::<Int32Type>::new();
        builder.append_value("a");
        builder.append_null();
        builder.append_value("a");
        assert_eq!(pretty(&builder.finish()), vec!["a", "NULL", "a"]);
    }

    #[test]
    fn cast_matches_spark() {
        // cast(1.0E10D as string), cast(date'2024-01-01' as string),
        // cast(timestamp'2024-01-01 10:00:00.5' as string),
        // cast(interval '1 2:3:4.5' day to second as string),
        // cast(interval '1-2' year to month as string), cast(true as string)
        let d = Float64Array::from(vec![Some(1.0e10), None]);
        assert_eq!(
            cast_strings(&d).unwrap(),
            vec![Some("1.0E10".to_string()), None]
        );
        let date = Date32Array::from(vec![19723]);
        assert_eq!(
            cast_strings(&date).unwrap(),
            vec![Some("2024-01-01".to_string())]
        );
        let ts = TimestampMicrosecondArray::from(vec![1704103200500000]).with_timezone("UTC");
        assert_eq!(
            cast_strings(&ts).unwrap(),
            vec![Some("2024-01-01 10:00:00.5".to_string())]
        );
        let dt = DurationMicrosecondArray::from(vec![93_784_500_000]);
        assert_eq!(
            cast_strings(&dt).unwrap(),
            vec![Some("INTERVAL '1 02:03:04.5' DAY TO SECOND".to_string())]
        );
        let ym = IntervalYearMonthArray::from(vec![14]);
        assert_eq!(
            cast_strings(&ym).unwrap(),
            vec![Some("INTERVAL '1-2' YEAR TO MONTH".to_string())]
        );
        let b = BooleanArray::from(vec![true]);
        assert_eq!(cast_strings(&b).unwrap(), vec![Some("true".to_string())]);
        // cast(array(array(1,null)) as string), cast(array(1.0E10D, 'NaN') as string)
        let mut nested = ListBuilder::new(ListBuilder::new(Int32Builder::new()));
        nested.values().values().append_value(1);
        nested.values().values().append_null();
        nested.values().append(true);
        nested.append(true);
        assert_eq!(
            cast_strings(&nested.finish()).unwrap(),
            vec![Some("[[1, null]]".to_string())]
        );
        let mut doubles = ListBuilder::new(arrow::array::Float64Builder::new());
        doubles.values().append_slice(&[1.0e10, f64::NAN]);
        doubles.append(true);
        assert_eq!(
            cast_strings(&doubles.finish()).unwrap(),
            vec![Some("[1.0E10, NaN]".to_string())]
        );
    }

    #[test]
    fn unsupported_types_are_errors() {
        let union = arrow::array::UnionArray::try_new(
            arrow::datatypes::UnionFields::try_new(
                vec![0],
                vec![Field::new("a", DataType::Int32, true)],
            )
            .unwrap(),
            vec![0i8].into(),
            None,
            vec![Arc::new(Int32Array::from(vec![1])) as ArrayRef],
        )
        .unwrap();
        assert!(matches!(
            pretty_strings(&union),
            Err(DisplayError::UnsupportedType(DataType::Union(..)))
        ));
    }
}
