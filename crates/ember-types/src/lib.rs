//! Spark SQL data types as Ember represents them: Arrow [`DataType`]s with a
//! fixed mapping to Spark types (see [`mapping`] for the table), and the
//! forms Spark writes types in:
//!
//! - the Spark Connect protobuf message ([`from_proto`], [`to_proto`],
//!   [`schema_to_proto`]),
//! - `simpleString` and `sql` ([`simple_string`], [`sql_string`]),
//! - Spark's JSON schema format ([`parse_json_type`], [`to_json_type`]),
//! - DDL ([`parse_ddl_type`], [`parse_ddl_schema`], [`parse_ddl`],
//!   [`parse_schema_string`]).
//!
//! Errors are [`TypeError`]s carrying Spark's error class, message
//! parameters and SQLSTATE, so a server can report them as Spark does.
//!
//! [`DataType`]: arrow::datatypes::DataType

#![warn(missing_docs)]

pub mod collation;
pub mod ddl;
pub mod display;
pub mod error;
pub mod interval;
pub mod json;
pub mod mapping;
pub mod names;
pub mod nullability;
pub mod proto;
pub mod spatial;
mod srs_registry;
pub mod udt;

pub use collation::{COLLATION_KEY, Collation, CollationFamily};
pub use ddl::{parse_ddl, parse_ddl_proto, parse_ddl_schema, parse_ddl_type, parse_ddl_type_proto, parse_schema_string};
pub use display::{field_simple_string, field_sql_string, quote_if_needed, simple_string, sql_string};
pub use error::{ComplexKind, ParseContext, Position, TypeError, TypeErrorKind};
pub use interval::{INTERVAL_FIELDS_KEY, IntervalFields};
pub use nullability::as_nullable;
pub use json::{json_value_to_type, parse_json_type, to_json_type};
pub use mapping::{
    MAX_DECIMAL_PRECISION, SPARK_METADATA_KEY, array_type, calendar_interval_type,
    check_negative_scales, day_time_interval_type, decimal_type, field_comment, field_metadata_json, map_type,
    struct_field, TIME_PRECISION, VARIANT_MARKER_KEY, is_variant_fields, time_type, variant_type, timestamp_ntz_type, timestamp_type, year_month_interval_type,
};
pub use spatial::{ANY_SRID, SpatialKind, spatial_of, spatial_type};
pub use proto::{field_from_proto, interval_fields_of, from_proto, schema_to_proto, to_proto};
pub use udt::{UDT_METADATA_KEY, UserDefinedType};

/// `field` with the type tags `from` records beside its Arrow type: ANSI interval units, a
/// user-defined type and a string collation.
pub fn carry_type_tags(field: arrow::datatypes::Field, from: &arrow::datatypes::Field) -> arrow::datatypes::Field {
    let field = UserDefinedType::carry(IntervalFields::carry(field, from), from);
    match Collation::of(from) {
        Some(collation) if Collation::of(&field).is_some() => collation.tag(field),
        _ => field,
    }
}
