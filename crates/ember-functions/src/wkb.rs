//! Well-known binary (WKB, OGC Simple Features) read as Spark's
//! geospatial functions read it: points, line strings, polygons, their
//! multi forms and collections, in 2D, Z, M and ZM (ISO type codes), checked
//! as Spark checks them (closed rings, finite coordinates, longitudes and
//! latitudes in range for a geography), and written back in either byte
//! order. Bytes after the geometry are ignored.

/// Why WKB does not parse: Spark's message and the byte offset it names.
#[derive(Debug, Clone, PartialEq)]
pub struct WkbError {
    /// The message, e.g. `Ring is not closed`.
    pub message: String,
    /// The offset in the input the message refers to.
    pub position: usize,
}

/// The shortest WKB: a byte order and a type.
const HEADER_LEN: usize = 5;

/// The geometry type codes (without dimensions).
const POINT: u32 = 1;
const LINE_STRING: u32 = 2;
const POLYGON: u32 = 3;
const MULTI_POINT: u32 = 4;
const MULTI_LINE_STRING: u32 = 5;
const MULTI_POLYGON: u32 = 6;
const COLLECTION: u32 = 7;

/// Reads `wkb` (a geography's when `geography`) and writes the same geometry
/// in little-endian (`big_endian` false) or big-endian byte order.
pub fn transcode(wkb: &[u8], geography: bool, big_endian: bool) -> Result<Vec<u8>, WkbError> {
    if wkb.is_empty() {
        return Err(error("WKB data is empty or null", 0));
    }
    if wkb.len() < HEADER_LEN {
        return Err(error("Unexpected end of WKB buffer", 0));
    }
    let mut transcoder = Transcoder { input: wkb, pos: 0, input_big_endian: false, geography, big_endian, out: Vec::with_capacity(wkb.len()) };
    transcoder.geometry(None)?;
    Ok(transcoder.out)
}

fn error(message: impl Into<String>, position: usize) -> WkbError {
    WkbError { message: message.into(), position }
}

struct Transcoder<'a> {
    input: &'a [u8],
    pos: usize,
    /// The byte order of the geometry being read (each nested one has its own).
    input_big_endian: bool,
    geography: bool,
    big_endian: bool,
    out: Vec<u8>,
}

impl Transcoder<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], WkbError> {
        let bytes = self.input.get(self.pos..self.pos + N).ok_or_else(|| error("Unexpected end of WKB buffer", self.pos))?;
        self.pos += N;
        let mut array: [u8; N] = bytes.try_into().unwrap_or_else(|_| unreachable!("N bytes were taken"));
        if self.input_big_endian {
            array.reverse();
        }
        Ok(array)
    }

    fn write<const N: usize>(&mut self, mut le_bytes: [u8; N]) {
        if self.big_endian {
            le_bytes.reverse();
        }
        self.out.extend_from_slice(&le_bytes);
    }

    fn read_u32(&mut self) -> Result<u32, WkbError> {
        self.take::<4>().map(u32::from_le_bytes)
    }

    /// A count of `name` whose elements take at least `element_len` bytes each.
    fn count(&mut self, name: &str, element_len: usize) -> Result<usize, WkbError> {
        let at = self.pos;
        let count = self.read_u32()? as i32;
        if count < 0 {
            return Err(error(format!("Invalid count for {name}: {count}"), at));
        }
        let count = count as usize;
        if count.saturating_mul(element_len) > self.input.len() - self.pos {
            return Err(error(format!("Invalid count for {name}: exceeds remaining bytes"), at));
        }
        self.write((count as u32).to_le_bytes());
        Ok(count)
    }

    /// One geometry with its header; `dims` is the enclosing geometry's
    /// dimension code (a nested geometry must have the same). Returns the
    /// base type code.
    fn geometry(&mut self, dims: Option<u32>) -> Result<u32, WkbError> {
        let order_at = self.pos;
        let order = *self.input.get(self.pos).ok_or_else(|| error("Unexpected end of WKB buffer", self.pos))?;
        self.input_big_endian = match order {
            0 => true,
            1 => false,
            other => return Err(error(format!("Invalid byte order {other}"), order_at)),
        };
        self.pos += 1;
        let type_at = self.pos;
        let code = self.read_u32()?;
        let (base, dimension) = (code % 1000, code / 1000);
        let valid = (code as i32) >= 0 && (POINT..=COLLECTION).contains(&base) && dimension <= 3 && dims.is_none_or(|d| d == dimension);
        if !valid {
            return Err(error(format!("Invalid or unsupported type {}", code as i32), type_at));
        }
        self.out.push(u8::from(!self.big_endian));
        self.write(code.to_le_bytes());
        let ordinates = 2 + [0, 1, 1, 2][dimension as usize];
        match base {
            POINT => self.point(ordinates, true).map(|_| ()),
            LINE_STRING => self.line_string(ordinates),
            POLYGON => self.polygon(ordinates),
            _ => self.members(base, dimension),
        }?;
        Ok(base)
    }

    /// The geometries of a multi geometry or a collection.
    fn members(&mut self, base: u32, dimension: u32) -> Result<(), WkbError> {
        let (name, expected) = match base {
            MULTI_POINT => ("MultiPoint points", Some((POINT, "Expected Point in MultiPoint"))),
            MULTI_LINE_STRING => ("MultiLineString line strings", Some((LINE_STRING, "Expected LineString in MultiLineString"))),
            MULTI_POLYGON => ("MultiPolygon polygons", Some((POLYGON, "Expected Polygon in MultiPolygon"))),
            _ => ("GeometryCollection geometries", None),
        };
        let count = self.count(name, HEADER_LEN)?;
        for _ in 0..count {
            let member = self.geometry(Some(dimension))?;
            if let Some((_, message)) = expected.filter(|(want, _)| *want != member) {
                return Err(error(message, self.pos));
            }
        }
        Ok(())
    }

    /// A point's ordinates; with `allow_empty` NaN stands for an empty point.
    fn point(&mut self, ordinates: usize, allow_empty: bool) -> Result<(f64, f64), WkbError> {
        let start = self.pos;
        let mut xy = (0.0, 0.0);
        for i in 0..ordinates {
            let at = self.pos;
            let bytes = self.take::<8>()?;
            let value = f64::from_le_bytes(bytes);
            if value.is_infinite() || (value.is_nan() && !allow_empty) {
                return Err(error("Invalid coordinate value found", at));
            }
            self.write(bytes);
            match i {
                0 => xy.0 = value,
                1 => xy.1 = value,
                _ => {}
            }
        }
        let (lon, lat) = xy;
        let out_of_range = !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat);
        if self.geography && !lon.is_nan() && !lat.is_nan() && out_of_range {
            return Err(error("Invalid coordinate value found", start));
        }
        Ok(xy)
    }

    fn line_string(&mut self, ordinates: usize) -> Result<(), WkbError> {
        let at = self.pos;
        let count = self.count("LineString points", ordinates * 8)?;
        if count == 1 {
            return Err(error("Too few points in linestring", at));
        }
        for _ in 0..count {
            self.point(ordinates, false)?;
        }
        Ok(())
    }

    fn polygon(&mut self, ordinates: usize) -> Result<(), WkbError> {
        let rings = self.count("polygon rings", 4)?;
        for _ in 0..rings {
            let at = self.pos;
            let count = self.count("ring points", ordinates * 8)?;
            if count < 4 {
                return Err(error("Too few points in ring", at));
            }
            let first = self.point(ordinates, false)?;
            let mut last = first;
            for _ in 1..count {
                last = self.point(ordinates, false)?;
            }
            if first != last {
                return Err(error("Ring is not closed", at));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64, y: f64) -> Vec<u8> {
        let mut wkb = vec![1, 1, 0, 0, 0];
        wkb.extend(x.to_le_bytes());
        wkb.extend(y.to_le_bytes());
        wkb
    }

    fn fails(wkb: &[u8], geography: bool) -> (String, usize) {
        let e = transcode(wkb, geography, false).unwrap_err();
        (e.message, e.position)
    }

    #[test]
    fn points_round_trip_in_both_byte_orders() {
        let le = point(1.0, 2.0);
        let be = transcode(&le, false, true).unwrap();
        assert_eq!(be, [&[0u8, 0, 0, 0, 1][..], &1.0f64.to_be_bytes(), &2.0f64.to_be_bytes()].concat());
        assert_eq!(transcode(&be, false, false).unwrap(), le);
        let mut trailing = le.clone();
        trailing.push(0);
        assert_eq!(transcode(&trailing, false, false).unwrap(), le);
        assert!(transcode(&point(f64::NAN, f64::NAN), true, false).is_ok());
    }

    #[test]
    fn malformed_input_fails_as_in_spark() {
        assert_eq!(fails(&[], false), ("WKB data is empty or null".into(), 0));
        assert_eq!(fails(&[1, 2], false), ("Unexpected end of WKB buffer".into(), 0));
        assert_eq!(fails(&[2, 1, 0, 0, 0], false), ("Invalid byte order 2".into(), 0));
        assert_eq!(fails(&[1, 8, 0, 0, 0], false), ("Invalid or unsupported type 8".into(), 1));
        assert_eq!(fails(&point(1.0, 2.0)[..18], false), ("Unexpected end of WKB buffer".into(), 13));
        assert_eq!(fails(&point(f64::INFINITY, 2.0), false), ("Invalid coordinate value found".into(), 5));
        assert_eq!(fails(&point(200.0, 10.0), true), ("Invalid coordinate value found".into(), 5));
        assert!(transcode(&point(200.0, 10.0), false, false).is_ok());
        let line = [&[1u8, 2, 0, 0, 0, 1, 0, 0, 0][..], &1.0f64.to_le_bytes(), &2.0f64.to_le_bytes()].concat();
        assert_eq!(fails(&line, false), ("Too few points in linestring".into(), 5));
        assert_eq!(fails(&[1, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], false), ("Invalid count for LineString points: -1".into(), 5));
        assert_eq!(fails(&[1, 2, 0, 0, 0, 0xe8, 3, 0, 0], false), ("Invalid count for LineString points: exceeds remaining bytes".into(), 5));
    }

    #[test]
    fn rings_must_be_closed_and_long_enough() {
        let ring = |points: &[(f64, f64)]| {
            let mut wkb = vec![1, 3, 0, 0, 0, 1, 0, 0, 0];
            wkb.extend((points.len() as u32).to_le_bytes());
            for (x, y) in points {
                wkb.extend(x.to_le_bytes());
                wkb.extend(y.to_le_bytes());
            }
            wkb
        };
        let square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)];
        assert!(transcode(&ring(&square), false, false).is_ok());
        assert_eq!(fails(&ring(&square[..3]), false), ("Too few points in ring".into(), 9));
        let open = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];
        assert_eq!(fails(&ring(&open), false), ("Ring is not closed".into(), 9));
    }

    #[test]
    fn members_keep_their_kind_and_dimensions() {
        let mut multi = vec![1, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0xe9, 3, 0, 0];
        multi.extend([0u8; 24]);
        assert_eq!(fails(&multi, false), ("Invalid or unsupported type 1001".into(), 10));
        let mut wrong = vec![1, 4, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0];
        wrong.truncate(18);
        assert_eq!(fails(&wrong, false), ("Expected Point in MultiPoint".into(), 18));
    }
}
