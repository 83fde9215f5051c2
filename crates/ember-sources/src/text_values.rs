//! Values as Spark's CSV and JSON writers print them: Spark's cast to string,
//! except dates and timestamps, which follow the writers' default
//! `dateFormat` (`yyyy-MM-dd`) and `timestampFormat`
//! (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`).

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, TimeUnit, TimestampMicrosecondType};
use chrono::{DateTime, Offset, TimeZone};
use ember_errors::SparkError;

/// The column printed as the file writers print it.
pub fn column_strings(array: &ArrayRef) -> Result<Vec<Option<String>>, SparkError> {
    match array.data_type() {
        DataType::Timestamp(TimeUnit::Microsecond, tz) => {
            let micros = array.as_primitive::<TimestampMicrosecondType>();
            let zone = match tz {
                Some(name) => Some(name.parse::<chrono_tz::Tz>().map_err(|e| SparkError::internal(e.to_string()))?),
                None => None,
            };
            Ok((0..micros.len())
                .map(|i| micros.is_valid(i).then(|| format_timestamp(micros.value(i), zone.as_ref())))
                .collect())
        }
        _ => ember_functions::display::cast_strings(array.as_ref()).map_err(|e| SparkError::internal(e.to_string())),
    }
}

/// `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in `zone`, or without the offset for a
/// timestamp without time zone.
fn format_timestamp(micros: i64, zone: Option<&chrono_tz::Tz>) -> String {
    let utc = DateTime::from_timestamp_micros(micros).unwrap_or_default();
    match zone {
        None => utc.naive_utc().format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
        Some(zone) => {
            let local = zone.from_utc_datetime(&utc.naive_utc());
            let offset = local.offset().fix().local_minus_utc();
            let suffix = if offset == 0 {
                "Z".to_string()
            } else {
                let sign = if offset < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", offset.abs() / 3600, offset.abs() % 3600 / 60)
            };
            format!("{}{suffix}", local.format("%Y-%m-%dT%H:%M:%S%.3f"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_writers_format() {
        let utc: chrono_tz::Tz = "UTC".parse().unwrap();
        let paris: chrono_tz::Tz = "Europe/Paris".parse().unwrap();
        assert_eq!(format_timestamp(1_577_872_800_000_000, Some(&utc)), "2020-01-01T10:00:00.000Z");
        assert_eq!(format_timestamp(1_577_872_800_123_000, Some(&paris)), "2020-01-01T11:00:00.123+01:00");
        assert_eq!(format_timestamp(0, None), "1970-01-01T00:00:00.000");
    }
}
