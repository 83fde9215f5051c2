//! Spark's spatial types `GEOMETRY(srid)` and `GEOGRAPHY(srid)` (`srid` a
//! spatial reference identifier, or `ANY` for a column whose rows carry
//! different ones).
//!
//! Both travel in Arrow as the PySpark client reads them: a struct of the
//! row's non-null `srid` (`Int32`) and its non-null `wkb` (`Binary`, the
//! geometry as little-endian WKB), the `wkb` field tagged
//! `{"geometry": "true", "srid": "<srid>"}` (or `"geography"`), `-1` for
//! `ANY`.

use std::collections::HashMap;

use arrow::datatypes::{DataType, Field, Fields};

use crate::error::TypeError;
use crate::srs_registry::RUNS;

/// Which of Spark's two spatial types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpatialKind {
    /// `GEOMETRY`: planar coordinates.
    Geometry,
    /// `GEOGRAPHY`: longitude and latitude on the sphere.
    Geography,
}

impl SpatialKind {
    /// The type's lower-case name, also the Arrow metadata key marking it.
    pub fn name(self) -> &'static str {
        match self {
            SpatialKind::Geometry => "geometry",
            SpatialKind::Geography => "geography",
        }
    }
}

/// The SRID of a spatial type whose rows may carry different SRIDs
/// (`GEOMETRY(ANY)`).
pub const ANY_SRID: i32 = -1;

/// The SRID `GEOGRAPHY` values have unless told otherwise (WGS 84,
/// `OGC:CRS84`).
pub const GEOGRAPHY_DEFAULT_SRID: i32 = 4326;

/// The authority naming a spatial reference system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authority {
    Epsg,
    Esri,
}

/// The registered spatial reference system `srid` names: its authority and
/// whether it is geographic.
fn registered(srid: i32) -> Option<(Authority, bool)> {
    let run = RUNS.partition_point(|&(_, last, _, _)| last < srid);
    RUNS.get(run)
        .filter(|&&(first, _, _, _)| first <= srid)
        .map(|&(_, _, authority, geographic)| (authority, geographic))
}

/// Whether Spark accepts `srid` for a value of `kind`: `GEOMETRY` takes 0
/// (no reference system) and every registered SRID, `GEOGRAPHY` the
/// geographic ones.
pub fn is_valid_srid(kind: SpatialKind, srid: i32) -> bool {
    match kind {
        SpatialKind::Geometry => srid == 0 || registered(srid).is_some(),
        SpatialKind::Geography => registered(srid).is_some_and(|(_, geographic)| geographic),
    }
}

/// The coordinate reference system Spark's JSON form of a type names for
/// `srid`: `SRID:0`, `OGC:CRS84` for 4326, `SRID:ANY`, else `EPSG:n` or
/// `ESRI:n`.
pub fn crs_of(srid: i32) -> String {
    match (srid, registered(srid)) {
        (ANY_SRID, _) => "SRID:ANY".into(),
        (0, _) => "SRID:0".into(),
        (GEOGRAPHY_DEFAULT_SRID, _) => "OGC:CRS84".into(),
        (_, Some((Authority::Esri, _))) => format!("ESRI:{srid}"),
        _ => format!("EPSG:{srid}"),
    }
}

/// The SRID a JSON type's coordinate reference system names (the inverse of
/// [`crs_of`]).
pub fn srid_of_crs(crs: &str) -> Option<i32> {
    if crs.eq_ignore_ascii_case("SRID:ANY") {
        return Some(ANY_SRID);
    }
    match crs {
        "SRID:0" => Some(0),
        "OGC:CRS84" => Some(GEOGRAPHY_DEFAULT_SRID),
        _ => {
            let (authority, number) = crs.split_once(':')?;
            let srid: i32 = number.parse().ok()?;
            (crs_of(srid) == crs && registered(srid).is_some() && matches!(authority, "EPSG" | "ESRI")).then_some(srid)
        }
    }
}

/// `ST_INVALID_SRID_VALUE` unless `srid` is one Spark accepts for `kind`.
pub fn check_srid(kind: SpatialKind, srid: i64) -> Result<i32, TypeError> {
    match i32::try_from(srid) {
        Ok(srid) if is_valid_srid(kind, srid) => Ok(srid),
        _ => Err(TypeError::InvalidSrid { srid: srid.to_string() }),
    }
}

/// The Arrow form of `GEOMETRY(srid)` or `GEOGRAPHY(srid)` ([`ANY_SRID`] for
/// `ANY`).
pub fn spatial_type(kind: SpatialKind, srid: i32) -> DataType {
    let tags = HashMap::from([(kind.name().to_string(), "true".to_string()), ("srid".to_string(), srid.to_string())]);
    DataType::Struct(Fields::from(vec![
        Field::new("srid", DataType::Int32, false),
        Field::new("wkb", DataType::Binary, false).with_metadata(tags),
    ]))
}

/// The spatial type and SRID that struct fields of [`spatial_type`] stand
/// for.
pub fn spatial_of_fields(fields: &Fields) -> Option<(SpatialKind, i32)> {
    if fields.len() != 2 || fields[0].name() != "srid" || fields[1].name() != "wkb" {
        return None;
    }
    let tags = fields[1].metadata();
    let kind = [SpatialKind::Geometry, SpatialKind::Geography]
        .into_iter()
        .find(|kind| tags.get(kind.name()).is_some_and(|v| v == "true"))?;
    Some((kind, tags.get("srid")?.parse().ok()?))
}

/// The spatial type and SRID an Arrow type stands for, if it is one.
pub fn spatial_of(dt: &DataType) -> Option<(SpatialKind, i32)> {
    match dt {
        DataType::Struct(fields) => spatial_of_fields(fields),
        _ => None,
    }
}

/// Spark's `simpleString` of a spatial type: `geometry(0)`,
/// `geography(any)`.
pub fn spatial_simple_string(kind: SpatialKind, srid: i32) -> String {
    match srid {
        ANY_SRID => format!("{}(any)", kind.name()),
        _ => format!("{}({srid})", kind.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srids_spark_accepts() {
        for srid in [0, 3857, 4326, 2154, 32601, 2181] {
            assert!(is_valid_srid(SpatialKind::Geometry, srid), "{srid}");
        }
        for srid in [1, -1, 900913, 12345] {
            assert!(!is_valid_srid(SpatialKind::Geometry, srid), "{srid}");
        }
        for srid in [4326, 4269, 3819, 4305] {
            assert!(is_valid_srid(SpatialKind::Geography, srid), "{srid}");
        }
        for srid in [0, 3857, 2154] {
            assert!(!is_valid_srid(SpatialKind::Geography, srid), "{srid}");
        }
        assert!(matches!(check_srid(SpatialKind::Geometry, 1 << 40), Err(TypeError::InvalidSrid { .. })));
        assert!(check_srid(SpatialKind::Geometry, i64::from(ANY_SRID)).is_err());
    }

    #[test]
    fn crs_names_round_trip() {
        for (srid, crs) in [(0, "SRID:0"), (4326, "OGC:CRS84"), (3857, "EPSG:3857"), (2181, "ESRI:2181"), (ANY_SRID, "SRID:ANY")] {
            assert_eq!(crs_of(srid), crs);
            assert_eq!(srid_of_crs(crs), Some(srid));
        }
        assert_eq!(srid_of_crs("EPSG:2181"), None);
        assert_eq!(srid_of_crs("srid:any"), Some(ANY_SRID));
    }

    #[test]
    fn arrow_form_is_what_pyspark_reads() {
        let dt = spatial_type(SpatialKind::Geography, 4326);
        let DataType::Struct(fields) = &dt else { panic!("{dt}") };
        assert_eq!(fields[1].metadata().get("geography").map(String::as_str), Some("true"));
        assert_eq!(fields[1].metadata().get("srid").map(String::as_str), Some("4326"));
        assert_eq!(spatial_of(&dt), Some((SpatialKind::Geography, 4326)));
        assert_eq!(spatial_of(&spatial_type(SpatialKind::Geometry, ANY_SRID)), Some((SpatialKind::Geometry, ANY_SRID)));
        assert_eq!(spatial_simple_string(SpatialKind::Geometry, ANY_SRID), "geometry(any)");
        assert_eq!(spatial_of(&crate::mapping::variant_type()), None);
    }
}
