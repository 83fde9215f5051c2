//! The start and end fields of Spark's ANSI interval types.
//!
//! Spark's `DayTimeIntervalType(start, end)` and `YearMonthIntervalType(start, end)` name the
//! units an interval is written in (`interval hour`, `interval day to second`); Arrow's
//! `Duration` and `Interval(YearMonth)` have no such fields. Ember keeps them as Arrow field
//! metadata under [`INTERVAL_FIELDS_KEY`]; a field without it has the widest units (`day to
//! second`, `year to month`).

use std::collections::HashMap;

use arrow::datatypes::{DataType, Field, IntervalUnit};

/// Field metadata key holding an interval's fields as `"<start>,<end>"` (Spark's field codes).
pub const INTERVAL_FIELDS_KEY: &str = "ember.interval_fields";

const DAY_TIME_UNITS: [&str; 4] = ["DAY", "HOUR", "MINUTE", "SECOND"];
const YEAR_MONTH_UNITS: [&str; 2] = ["YEAR", "MONTH"];

/// The units of an ANSI interval, as Spark's field codes: day-time intervals use
/// DAY = 0, HOUR = 1, MINUTE = 2, SECOND = 3; year-month intervals YEAR = 0, MONTH = 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntervalFields {
    /// The leading unit.
    pub start: u8,
    /// The trailing unit (`>= start`).
    pub end: u8,
}

impl IntervalFields {
    /// `DAY TO SECOND`, the units of a day-time interval without fields.
    pub const DAY_TO_SECOND: IntervalFields = IntervalFields { start: 0, end: 3 };
    /// `YEAR TO MONTH`, the units of a year-month interval without fields.
    pub const YEAR_TO_MONTH: IntervalFields = IntervalFields { start: 0, end: 1 };

    /// Fields from Spark's codes, if they are valid for the kind of interval.
    pub fn new(start: u8, end: u8, year_month: bool) -> Option<Self> {
        let last = if year_month { 1 } else { 3 };
        (start <= end && end <= last).then_some(IntervalFields { start, end })
    }

    /// The fields of an interval-typed Arrow field: its metadata's, else the widest.
    /// `None` for a field that is not an ANSI interval.
    pub fn of(field: &Field) -> Option<Self> {
        let year_month = match field.data_type() {
            DataType::Duration(_) => false,
            DataType::Interval(IntervalUnit::YearMonth) => true,
            _ => return None,
        };
        Some(Self::from_metadata(field.metadata(), year_month).unwrap_or(Self::widest(year_month)))
    }

    /// The fields stored in `metadata`, when valid for the kind of interval.
    pub fn from_metadata(metadata: &HashMap<String, String>, year_month: bool) -> Option<Self> {
        let (start, end) = metadata.get(INTERVAL_FIELDS_KEY)?.split_once(',')?;
        Self::new(start.parse().ok()?, end.parse().ok()?, year_month)
    }

    /// The widest units of a kind of interval.
    pub fn widest(year_month: bool) -> Self {
        if year_month { Self::YEAR_TO_MONTH } else { Self::DAY_TO_SECOND }
    }

    /// The metadata entry that records these fields.
    pub fn metadata(self) -> HashMap<String, String> {
        HashMap::from([(INTERVAL_FIELDS_KEY.to_string(), format!("{},{}", self.start, self.end))])
    }

    /// `field` with the interval units `source` records in its metadata, if it records any.
    pub fn carry(field: Field, source: &Field) -> Field {
        match source.metadata().get(INTERVAL_FIELDS_KEY) {
            Some(units) => {
                let mut metadata = field.metadata().clone();
                metadata.insert(INTERVAL_FIELDS_KEY.to_string(), units.clone());
                field.with_metadata(metadata)
            }
            None => field,
        }
    }

    /// The units as Spark writes them after a value: `HOUR`, `DAY TO SECOND`, `YEAR TO MONTH`.
    pub fn units(self, year_month: bool) -> String {
        let names: &[&str] = if year_month { &YEAR_MONTH_UNITS } else { &DAY_TIME_UNITS };
        let name = |code: u8| names.get(usize::from(code)).copied().unwrap_or("?");
        if self.start == self.end {
            name(self.start).to_string()
        } else {
            format!("{} TO {}", name(self.start), name(self.end))
        }
    }
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::TimeUnit;

    use super::*;

    #[test]
    fn fields_round_trip_through_metadata() {
        let hour = IntervalFields::new(1, 1, false).unwrap();
        let field = Field::new("h", DataType::Duration(TimeUnit::Microsecond), false)
            .with_metadata(hour.metadata());
        assert_eq!(IntervalFields::of(&field), Some(hour));
        assert_eq!(hour.units(false), "HOUR");
    }

    #[test]
    fn fields_default_to_the_widest_units() {
        let ym = Field::new("m", DataType::Interval(IntervalUnit::YearMonth), true);
        assert_eq!(IntervalFields::of(&ym).unwrap().units(true), "YEAR TO MONTH");
        let dt = Field::new("d", DataType::Duration(TimeUnit::Microsecond), true);
        assert_eq!(IntervalFields::of(&dt).unwrap().units(false), "DAY TO SECOND");
        assert_eq!(IntervalFields::of(&Field::new("i", DataType::Int32, true)), None);
    }

    #[test]
    fn invalid_fields_are_rejected() {
        assert_eq!(IntervalFields::new(2, 1, false), None);
        assert_eq!(IntervalFields::new(0, 2, true), None);
        let bad = Field::new("m", DataType::Interval(IntervalUnit::YearMonth), true)
            .with_metadata(IntervalFields::new(1, 3, false).unwrap().metadata());
        assert_eq!(IntervalFields::of(&bad), Some(IntervalFields::YEAR_TO_MONTH));
    }
}
