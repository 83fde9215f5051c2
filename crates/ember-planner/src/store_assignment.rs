//! Spark's store assignment rules: which values of one type may be stored
//! as another (`spark.sql.storeAssignmentPolicy`), shared by `INSERT` and
//! `DataFrame.to(schema)` (which always follows the ANSI policy).

use datafusion::arrow::datatypes::DataType;

/// `spark.sql.storeAssignmentPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Numeric to numeric, anything atomic to string, datetimes among themselves.
    Ansi,
    /// Only casts that cannot lose information (Spark's "up-casts").
    Strict,
    /// Any cast Spark can make.
    Legacy,
}

/// Whether a value of the atomic type `from` may be stored as `to` under `policy`.
pub fn can_assign(policy: Policy, from: &DataType, to: &DataType) -> bool {
    same_type(from, to) || allowed(policy, from, to)
}

/// Whether two Arrow types are one Spark type.
pub fn same_type(a: &DataType, b: &DataType) -> bool {
    use DataType::*;
    match (a, b) {
        (Utf8 | LargeUtf8 | Utf8View, Utf8 | LargeUtf8 | Utf8View) => true,
        (Binary | LargeBinary | BinaryView, Binary | LargeBinary | BinaryView) => true,
        (Timestamp(_, x), Timestamp(_, y)) => x.is_some() == y.is_some(),
        _ => a == b,
    }
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_numeric(t: &DataType) -> bool {
    t.is_numeric()
}

fn is_datetime(t: &DataType) -> bool {
    matches!(t, DataType::Date32 | DataType::Timestamp(..))
}

fn is_nested(t: &DataType) -> bool {
    t.is_nested()
}

fn allowed(policy: Policy, from: &DataType, to: &DataType) -> bool {
    if is_string(to) {
        return !is_nested(from);
    }
    match policy {
        Policy::Legacy => true,
        Policy::Ansi => (is_numeric(from) && is_numeric(to)) || (is_datetime(from) && is_datetime(to)),
        Policy::Strict => up_cast(from, to),
    }
}

/// Spark's `Cast.canUpCast` for atomic types: casts that keep every value.
fn up_cast(from: &DataType, to: &DataType) -> bool {
    use DataType::*;
    let rank = |t: &DataType| match t {
        Int8 => Some(0),
        Int16 => Some(1),
        Int32 => Some(2),
        Int64 => Some(3),
        Float32 => Some(4),
        Float64 => Some(5),
        _ => None,
    };
    // The decimal that holds every value of an integral type.
    let integral_digits = |t: &DataType| match t {
        Int8 => Some(3),
        Int16 => Some(5),
        Int32 => Some(10),
        Int64 => Some(20),
        _ => None,
    };
    match (from, to) {
        (Decimal128(p1, s1), Decimal128(p2, s2)) => s2 >= s1 && (*p2 as i16 - *s2 as i16) >= (*p1 as i16 - *s1 as i16),
        (f, Decimal128(p, s)) => integral_digits(f).is_some_and(|digits| (*p as i16 - *s as i16) >= digits),
        (Decimal128(p, s), t) => *s == 0 && integral_digits(t).is_some_and(|digits| (*p as i16) < digits),
        (Date32, Timestamp(..)) => true,
        (Timestamp(..), Timestamp(..)) => true,
        (f, t) => matches!((rank(f), rank(t)), (Some(a), Some(b)) if a <= b),
    }
}
