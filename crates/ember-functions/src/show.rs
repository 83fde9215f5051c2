//! Spark's text and HTML layouts of a whole frame: `Dataset.showString` (what `df.show()`
//! prints) and `Dataset.htmlString` (what `df._repr_html_()` returns with
//! `spark.sql.repl.eagerEval.enabled`).
//!
//! Widths follow Spark, which measures strings in UTF-16 code units and counts East Asian
//! full-width characters twice (`Utils.stringHalfWidth`); truncation cuts UTF-16 code units, and
//! a surrogate pair cut in half shows as `?`, as it does when Spark sends such a string.

use arrow::record_batch::RecordBatch;

use crate::display::{DisplayError, pretty_strings_with};
use ember_types::IntervalFields;

/// Spark's minimum column width in the table and vertical layouts.
const MINIMUM_COLUMN_WIDTH: usize = 3;

/// Renders `batch` exactly like Spark's `Dataset.showString(num_rows, truncate, vertical)`.
///
/// `batch` holds the first rows of the frame, at most `num_rows + 1` of them; when it has more
/// than `num_rows` rows only `num_rows` are shown and the footer `only showing top N rows` is
/// added. `truncate == 0` disables truncation and left-aligns cells; `truncate > 0` cuts longer
/// cells (to `truncate` characters, the last three replaced by `...` when `truncate >= 4`) and
/// right-aligns them. `vertical` selects the `-RECORD 0---` layout, which prints `(0 rows)` for
/// an empty frame and, like Spark, fails with [`DisplayError::VerticalWithoutColumns`] for a
/// frame with rows but no columns. Column headers are the field names, never truncated. As in
/// Spark 4.3, the footer and `(0 rows)` are not followed by a newline, while every table line
/// is.
pub fn show_string(
    batch: &RecordBatch,
    num_rows: usize,
    truncate: usize,
    vertical: bool,
) -> Result<String, DisplayError> {
    let (header, rows, has_more) = cells(batch, num_rows, truncate)?;
    let mut sb = String::new();
    if !vertical {
        let mut widths = vec![MINIMUM_COLUMN_WIDTH; header.len()];
        for row in std::iter::once(&header).chain(&rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.width);
            }
        }
        // Scala's `addString(sb, "+", "+", "+\n")`: "++" even without columns.
        let dashes: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let sep = format!("+{}+\n", dashes.join("+"));
        let line = |row: &[Cell], sb: &mut String| {
            sb.push('|');
            for (n, (cell, width)) in row.iter().zip(&widths).enumerate() {
                if n > 0 {
                    sb.push('|');
                }
                let pad = " ".repeat(width - cell.width);
                if truncate > 0 {
                    sb.push_str(&pad);
                    sb.push_str(&cell.text);
                } else {
                    sb.push_str(&cell.text);
                    sb.push_str(&pad);
                }
            }
            sb.push_str("|\n");
        };
        sb.push_str(&sep);
        line(&header, &mut sb);
        sb.push_str(&sep);
        for row in &rows {
            line(row, &mut sb);
        }
        sb.push_str(&sep);
    } else {
        let name_width = header
            .iter()
            .map(|c| c.width)
            .fold(MINIMUM_COLUMN_WIDTH, usize::max);
        let mut data_width = MINIMUM_COLUMN_WIDTH;
        for row in &rows {
            let widest = row
                .iter()
                .map(|c| c.width)
                .max()
                .ok_or(DisplayError::VerticalWithoutColumns)?;
            data_width = data_width.max(widest);
        }
        for (i, row) in rows.iter().enumerate() {
            let record = format!("-RECORD {i}");
            let dashes = (name_width + data_width + 5).saturating_sub(record.len());
            sb.push_str(&record);
            sb.push_str(&"-".repeat(dashes));
            sb.push('\n');
            for (name, cell) in header.iter().zip(row) {
                sb.push(' ');
                sb.push_str(&name.text);
                sb.push_str(&" ".repeat(name_width - name.width));
                sb.push_str(" | ");
                sb.push_str(&cell.text);
                sb.push_str(&" ".repeat(data_width - cell.width));
                sb.push_str(" \n");
            }
        }
    }
    if vertical && rows.is_empty() {
        sb.push_str("(0 rows)");
    } else if has_more {
        sb.push_str(&footer(num_rows));
    }
    Ok(sb)
}

/// Renders `batch` exactly like Spark's `Dataset.htmlString(num_rows, truncate)`.
///
/// Rows, truncation and the footer work as in [`show_string`]; every header and cell is
/// escaped with HTML 4 entities (`StringEscapeUtils.escapeHtml4`: `"`, `&`, `<`, `>`, Latin-1
/// and the other named HTML 4 characters; `'` is left alone).
pub fn html_string(
    batch: &RecordBatch,
    num_rows: usize,
    truncate: usize,
) -> Result<String, DisplayError> {
    let (header, rows, has_more) = cells(batch, num_rows, truncate)?;
    let mut sb = String::from("<table border='1'>\n");
    let line = |row: &[Cell], tag: &str, sb: &mut String| {
        sb.push_str("<tr><");
        sb.push_str(tag);
        sb.push('>');
        for (n, cell) in row.iter().enumerate() {
            if n > 0 {
                sb.push_str("</");
                sb.push_str(tag);
                sb.push_str("><");
                sb.push_str(tag);
                sb.push('>');
            }
            escape_html4(&cell.text, sb);
        }
        sb.push_str("</");
        sb.push_str(tag);
        sb.push_str("></tr>\n");
    };
    line(&header, "th", &mut sb);
    for row in &rows {
        line(row, "td", &mut sb);
    }
    sb.push_str("</table>\n");
    if has_more {
        sb.push_str(&footer(num_rows));
        sb.push('\n');
    }
    Ok(sb)
}

/// `only showing top N row(s)`.
fn footer(num_rows: usize) -> String {
    let noun = if num_rows == 1 { "row" } else { "rows" };
    format!("only showing top {num_rows} {noun}")
}

/// A displayed cell and its width in half-width units.
struct Cell {
    text: String,
    width: usize,
}

impl Cell {
    fn new(text: String) -> Self {
        let width = half_width(&text);
        Cell { text, width }
    }
}

/// Header cells, the shown rows and whether rows were left out (Spark's `getRows`).
type Cells = (Vec<Cell>, Vec<Vec<Cell>>, bool);

fn cells(batch: &RecordBatch, num_rows: usize, truncate: usize) -> Result<Cells, DisplayError> {
    let header = batch
        .schema()
        .fields()
        .iter()
        .map(|f| Cell::new(escape_meta_characters(f.name())))
        .collect();
    let shown = batch.num_rows().min(num_rows);
    let schema = batch.schema();
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(c, f)| {
            let shown = c.slice(0, shown);
            match crate::ml_vectors::udt_texts(f, shown.as_ref()) {
                Some(texts) => Ok(texts?.into_iter().map(|text| text.unwrap_or_else(|| "NULL".to_string())).collect()),
                None => pretty_strings_with(shown.as_ref(), IntervalFields::of(f)),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rows = (0..shown)
        .map(|r| {
            columns
                .iter()
                .map(|c| Cell::new(truncate_cell(escape_meta_characters(&c[r]), truncate)))
                .collect()
        })
        .collect();
    Ok((header, rows, batch.num_rows() > num_rows))
}

/// Spark's `SchemaUtils.escapeMetaCharacters`: control characters that would break the layout
/// become backslash escapes.
fn escape_meta_characters(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0C}' => out.push_str("\\f"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0B}' => out.push_str("\\v"),
            '\u{07}' => out.push_str("\\a"),
            c => out.push(c),
        }
    }
    out
}

/// Spark's cell truncation, counted in UTF-16 code units like Java's `String.substring`.
fn truncate_cell(s: String, truncate: usize) -> String {
    if truncate == 0 || s.encode_utf16().count() <= truncate {
        return s;
    }
    let keep = if truncate < 4 { truncate } else { truncate - 3 };
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let units = c.len_utf16();
        if used + units > keep {
            if used < keep {
                // Half a surrogate pair; Spark's UTF-8 encoder turns it into '?'.
                out.push('?');
            }
            break;
        }
        out.push(c);
        used += units;
    }
    if truncate >= 4 {
        out.push_str("...");
    }
    out
}

/// Spark's `Utils.stringHalfWidth`: UTF-16 length plus one per full-width character.
fn half_width(s: &str) -> usize {
    s.chars()
        .map(|c| c.len_utf16() + usize::from(is_full_width(c)))
        .sum()
}

/// The character ranges of Spark's `Utils.fullWidthRegex`.
fn is_full_width(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE10}'..='\u{FE19}'
        | '\u{FE30}'..='\u{FE6F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}')
}

/// Commons Text `StringEscapeUtils.escapeHtml4`.
fn escape_html4(s: &str, out: &mut String) {
    for c in s.chars() {
        match HTML4_ENTITIES.binary_search_by_key(&c, |&(ch, _)| ch) {
            Ok(i) => {
                out.push('&');
                out.push_str(HTML4_ENTITIES[i].1);
                out.push(';');
            }
            Err(_) => out.push(c),
        }
    }
}

/// The 252 named character references of HTML 4.01, sorted by character: what
/// `escapeHtml4` replaces (checked character by character against Spark's `htmlString`).
const HTML4_ENTITIES: [(char, &str); 252] = [
    ('\u{22}', "quot"),
    ('\u{26}', "amp"),
    ('\u{3C}', "lt"),
    ('\u{3E}', "gt"),
    ('\u{A0}', "nbsp"),
    ('\u{A1}', "iexcl"),
    ('\u{A2}', "cent"),
    ('\u{A3}', "pound"),
    ('\u{A4}', "curren"),
    ('\u{A5}', "yen"),
    ('\u{A6}', "brvbar"),
    ('\u{A7}', "sect"),
    ('\u{A8}', "uml"),
    ('\u{A9}', "copy"),
    ('\u{AA}', "ordf"),
    ('\u{AB}', "laquo"),
    ('\u{AC}', "not"),
    ('\u{AD}', "shy"),
    ('\u{AE}', "reg"),
    ('\u{AF}', "macr"),
    ('\u{B0}', "deg"),
    ('\u{B1}', "plusmn"),
    ('\u{B2}', "sup2"),
    ('\u{B3}', "sup3"),
    ('\u{B4}', "acute"),
    ('\u{B5}', "micro"),
    ('\u{B6}', "para"),
    ('\u{B7}', "middot"),
    ('\u{B8}', "cedil"),
    ('\u{B9}', "sup1"),
    ('\u{BA}', "ordm"),
    ('\u{BB}', "raquo"),
    ('\u{BC}', "frac14"),
    ('\u{BD}', "frac12"),
    ('\u{BE}', "frac34"),
    ('\u{BF}', "iquest"),
    ('\u{C0}', "Agrave"),
    ('\u{C1}', "Aacute"),
    ('\u{C2}', "Acirc"),
    ('\u{C3}', "Atilde"),
    ('\u{C4}', "Auml"),
    ('\u{C5}', "Aring"),
    ('\u{C6}', "AElig"),
    ('\u{C7}', "Ccedil"),
    ('\u{C8}', "Egrave"),
    ('\u{C9}', "Eacute"),
    ('\u{CA}', "Ecirc"),
    ('\u{CB}', "Euml"),
    ('\u{CC}', "Igrave"),
    ('\u{CD}', "Iacute"),
    ('\u{CE}', "Icirc"),
    ('\u{CF}', "Iuml"),
    ('\u{D0}', "ETH"),
    ('\u{D1}', "Ntilde"),
    ('\u{D2}', "Ograve"),
    ('\u{D3}', "Oacute"),
    ('\u{D4}', "Ocirc"),
    ('\u{D5}', "Otilde"),
    ('\u{D6}', "Ouml"),
    ('\u{D7}', "times"),
    ('\u{D8}', "Oslash"),
    ('\u{D9}', "Ugrave"),
    ('\u{DA}', "Uacute"),
    ('\u{DB}', "Ucirc"),
    ('\u{DC}', "Uuml"),
    ('\u{DD}', "Yacute"),
    ('\u{DE}', "THORN"),
    ('\u{DF}', "szlig"),
    ('\u{E0}', "agrave"),
    ('\u{E1}', "aacute"),
    ('\u{E2}', "acirc"),
    ('\u{E3}', "atilde"),
    ('\u{E4}', "auml"),
    ('\u{E5}', "aring"),
    ('\u{E6}', "aelig"),
    ('\u{E7}', "ccedil"),
    ('\u{E8}', "egrave"),
    ('\u{E9}', "eacute"),
    ('\u{EA}', "ecirc"),
    ('\u{EB}', "euml"),
    ('\u{EC}', "igrave"),
    ('\u{ED}', "iacute"),
    ('\u{EE}', "icirc"),
    ('\u{EF}', "iuml"),
    ('\u{F0}', "eth"),
    ('\u{F1}', "ntilde"),
    ('\u{F2}', "ograve"),
    ('\u{F3}', "oacute"),
    ('\u{F4}', "ocirc"),
    ('\u{F5}', "otilde"),
    ('\u{F6}', "ouml"),
    ('\u{F7}', "divide"),
    ('\u{F8}', "oslash"),
    ('\u{F9}', "ugrave"),
    ('\u{FA}', "uacute"),
    ('\u{FB}', "ucirc"),
    ('\u{FC}', "uuml"),
    ('\u{FD}', "yacute"),
    ('\u{FE}', "thorn"),
    ('\u{FF}', "yuml"),
    ('\u{152}', "OElig"),
    ('\u{153}', "oelig"),
    ('\u{160}', "Scaron"),
    ('\u{161}', "scaron"),
    ('\u{178}', "Yuml"),
    ('\u{192}', "fnof"),
    ('\u{2C6}', "circ"),
    ('\u{2DC}', "tilde"),
    ('\u{391}', "Alpha"),
    ('\u{392}', "Beta"),
    ('\u{393}', "Gamma"),
    ('\u{394}', "Delta"),
    ('\u{395}', "Epsilon"),
    ('\u{396}', "Zeta"),
    ('\u{397}', "Eta"),
    ('\u{398}', "Theta"),
    ('\u{399}', "Iota"),
    ('\u{39A}', "Kappa"),
    ('\u{39B}', "Lambda"),
    ('\u{39C}', "Mu"),
    ('\u{39D}', "Nu"),
    ('\u{39E}', "Xi"),
    ('\u{39F}', "Omicron"),
    ('\u{3A0}', "Pi"),
    ('\u{3A1}', "Rho"),
    ('\u{3A3}', "Sigma"),
    ('\u{3A4}', "Tau"),
    ('\u{3A5}', "Upsilon"),
    ('\u{3A6}', "Phi"),
    ('\u{3A7}', "Chi"),
    ('\u{3A8}', "Psi"),
    ('\u{3A9}', "Omega"),
    ('\u{3B1}', "alpha"),
    ('\u{3B2}', "beta"),
    ('\u{3B3}', "gamma"),
    ('\u{3B4}', "delta"),
    ('\u{3B5}', "epsilon"),
    ('\u{3B6}', "zeta"),
    ('\u{3B7}', "eta"),
    ('\u{3B8}', "theta"),
    ('\u{3B9}', "iota"),
    ('\u{3BA}', "kappa"),
    ('\u{3BB}', "lambda"),
    ('\u{3BC}', "mu"),
    ('\u{3BD}', "nu"),
    ('\u{3BE}', "xi"),
    ('\u{3BF}', "omicron"),
    ('\u{3C0}', "pi"),
    ('\u{3C1}', "rho"),
    ('\u{3C2}', "sigmaf"),
    ('\u{3C3}', "sigma"),
    ('\u{3C4}', "tau"),
    ('\u{3C5}', "upsilon"),
    ('\u{3C6}', "phi"),
    ('\u{3C7}', "chi"),
    ('\u{3C8}', "psi"),
    ('\u{3C9}', "omega"),
    ('\u{3D1}', "thetasym"),
    ('\u{3D2}', "upsih"),
    ('\u{3D6}', "piv"),
    ('\u{2002}', "ensp"),
    ('\u{2003}', "emsp"),
    ('\u{2009}', "thinsp"),
    ('\u{200C}', "zwnj"),
    ('\u{200D}', "zwj"),
    ('\u{200E}', "lrm"),
    ('\u{200F}', "rlm"),
    ('\u{2013}', "ndash"),
    ('\u{2014}', "mdash"),
    ('\u{2018}', "lsquo"),
    ('\u{2019}', "rsquo"),
    ('\u{201A}', "sbquo"),
    ('\u{201C}', "ldquo"),
    ('\u{201D}', "rdquo"),
    ('\u{201E}', "bdquo"),
    ('\u{2020}', "dagger"),
    ('\u{2021}', "Dagger"),
    ('\u{2022}', "bull"),
    ('\u{2026}', "hellip"),
    ('\u{2030}', "permil"),
    ('\u{2032}', "prime"),
    ('\u{2033}', "Prime"),
    ('\u{2039}', "lsaquo"),
    ('\u{203A}', "rsaquo"),
    ('\u{203E}', "oline"),
    ('\u{2044}', "frasl"),
    ('\u{20AC}', "euro"),
    ('\u{2111}', "image"),
    ('\u{2118}', "weierp"),
    ('\u{211C}', "real"),
    ('\u{2122}', "trade"),
    ('\u{2135}', "alefsym"),
    ('\u{2190}', "larr"),
    ('\u{2191}', "uarr"),
    ('\u{2192}', "rarr"),
    ('\u{2193}', "darr"),
    ('\u{2194}', "harr"),
    ('\u{21B5}', "crarr"),
    ('\u{21D0}', "lArr"),
    ('\u{21D1}', "uArr"),
    ('\u{21D2}', "rArr"),
    ('\u{21D3}', "dArr"),
    ('\u{21D4}', "hArr"),
    ('\u{2200}', "forall"),
    ('\u{2202}', "part"),
    ('\u{2203}', "exist"),
    ('\u{2205}', "empty"),
    ('\u{2207}', "nabla"),
    ('\u{2208}', "isin"),
    ('\u{2209}', "notin"),
    ('\u{220B}', "ni"),
    ('\u{220F}', "prod"),
    ('\u{2211}', "sum"),
    ('\u{2212}', "minus"),
    ('\u{2217}', "lowast"),
    ('\u{221A}', "radic"),
    ('\u{221D}', "prop"),
    ('\u{221E}', "infin"),
    ('\u{2220}', "ang"),
    ('\u{2227}', "and"),
    ('\u{2228}', "or"),
    ('\u{2229}', "cap"),
    ('\u{222A}', "cup"),
    ('\u{222B}', "int"),
    ('\u{2234}', "there4"),
    ('\u{223C}', "sim"),
    ('\u{2245}', "cong"),
    ('\u{2248}', "asymp"),
    ('\u{2260}', "ne"),
    ('\u{2261}', "equiv"),
    ('\u{2264}', "le"),
    ('\u{2265}', "ge"),
    ('\u{2282}', "sub"),
    ('\u{2283}', "sup"),
    ('\u{2284}', "nsub"),
    ('\u{2286}', "sube"),
    ('\u{2287}', "supe"),
    ('\u{2295}', "oplus"),
    ('\u{2297}', "otimes"),
    ('\u{22A5}', "perp"),
    ('\u{22C5}', "sdot"),
    ('\u{2308}', "lceil"),
    ('\u{2309}', "rceil"),
    ('\u{230A}', "lfloor"),
    ('\u{230B}', "rfloor"),
    ('\u{2329}', "lang"),
    ('\u{232A}', "rang"),
    ('\u{25CA}', "loz"),
    ('\u{2660}', "spades"),
    ('\u{2663}', "clubs"),
    ('\u{2665}', "hearts"),
    ('\u{2666}', "diams"),
];

#[cfg(test)]
mod tests {
    //! The expected outputs were printed by Apache Spark 4.3.0 over Spark Connect
    //! (`df._show_string(n, truncate, vertical)` and `df._repr_html_()` with
    //! `spark.sql.repl.eagerEval.*` set), for the frames rebuilt here as record batches.

    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, BinaryArray, Decimal128Array, DurationMicrosecondArray, Float64Array, Int32Array,
        Int32Builder, Int64Array, ListArray, MapBuilder, StringArray, StringBuilder, StructArray,
        TimestampMicrosecondArray,
    };
    use arrow::datatypes::{DataType, Field, Int32Type, Schema};
    use arrow::record_batch::RecordBatchOptions;

    use super::*;

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, array)| Field::new(*name, array.data_type().clone(), true))
            .collect();
        RecordBatch::try_new(
            Arc::new(Schema::new(fields)),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .unwrap()
    }

    /// `select 1.0E10 d, array(1,null) a, map('a',1) m, named_struct('x',1,'y','b') st,
    /// X'0102' b, timestamp'2024-01-01 10:00:00.5' t, interval '1 2:3:4.5' day to second i`
    fn example() -> RecordBatch {
        let mut map = MapBuilder::new(None, StringBuilder::new(), Int32Builder::new());
        map.keys().append_value("a");
        map.values().append_value(1);
        map.append(true).unwrap();
        let st = StructArray::from(vec![
            (
                Arc::new(Field::new("x", DataType::Int32, false)),
                Arc::new(Int32Array::from(vec![1])) as ArrayRef,
            ),
            (
                Arc::new(Field::new("y", DataType::Utf8, false)),
                Arc::new(StringArray::from(vec!["b"])) as ArrayRef,
            ),
        ]);
        batch(vec![
            ("d", Arc::new(Float64Array::from(vec![1.0e10]))),
            (
                "a",
                Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
                    Some(vec![Some(1), None]),
                ])),
            ),
            ("m", Arc::new(map.finish())),
            ("st", Arc::new(st)),
            ("b", Arc::new(BinaryArray::from(vec![&[1u8, 2][..]]))),
            (
                "t",
                Arc::new(
                    TimestampMicrosecondArray::from(vec![1704103200500000]).with_timezone("UTC"),
                ),
            ),
            (
                "i",
                Arc::new(DurationMicrosecondArray::from(vec![93_784_500_000])),
            ),
        ])
    }

    /// `select * from values (...) as t(s, 名前)`: truncation, wide characters, escapes.
    fn strings() -> RecordBatch {
        batch(vec![
            (
                "s",
                Arc::new(StringArray::from(vec![
                    Some("abcdefghijklmnopqrstuvwxyz"),
                    Some("short"),
                    Some(""),
                    None,
                    Some("ab"),
                    Some("abcd"),
                    Some("日本語テキスト"),
                    Some("a\tb\nc"),
                    Some("x<y & \"z\" 'q'"),
                    Some("😀😀x"),
                ])),
            ),
            (
                "名前",
                Arc::new(Int32Array::from(vec![
                    Some(1),
                    Some(22),
                    Some(333),
                    None,
                    Some(4),
                    Some(5),
                    Some(6),
                    Some(7),
                    Some(8),
                    Some(9),
                ])),
            ),
        ])
    }

    /// The first `rows` rows of `spark.range(5)`.
    fn range(rows: i64) -> RecordBatch {
        batch(vec![(
            "id",
            Arc::new(Int64Array::from((0..rows).collect::<Vec<_>>())),
        )])
    }

    /// `select 1 a, 'x' bb, 1.5 a where false`
    fn empty() -> RecordBatch {
        batch(vec![
            ("a", Arc::new(Int32Array::from(Vec::<i32>::new()))),
            ("bb", Arc::new(StringArray::from(Vec::<&str>::new()))),
            (
                "a",
                Arc::new(
                    Decimal128Array::from(Vec::<i128>::new())
                        .with_precision_and_scale(2, 1)
                        .unwrap(),
                ),
            ),
        ])
    }

    /// `spark.range(rows).select()`
    fn no_columns(rows: usize) -> RecordBatch {
        RecordBatch::try_new_with_options(
            Arc::new(Schema::empty()),
            vec![],
            &RecordBatchOptions::new().with_row_count(Some(rows)),
        )
        .unwrap()
    }

    /// `select 1 a, 22 a, 'x\ty' `c\nd`, 'w' `<h&>``
    fn duplicates() -> RecordBatch {
        batch(vec![
            ("a", Arc::new(Int32Array::from(vec![1]))),
            ("a", Arc::new(Int32Array::from(vec![22]))),
            ("c\nd", Arc::new(StringArray::from(vec!["x\ty"]))),
            ("<h&>", Arc::new(StringArray::from(vec!["w"]))),
        ])
    }

    /// `select 1 a_very_long_column_name_here, 'abcdefghijklmnopqrstuvwxyz0123' b`
    fn long_header() -> RecordBatch {
        batch(vec![
            (
                "a_very_long_column_name_here",
                Arc::new(Int32Array::from(vec![1])),
            ),
            (
                "b",
                Arc::new(StringArray::from(vec!["abcdefghijklmnopqrstuvwxyz0123"])),
            ),
        ])
    }

    /// One row of text full of HTML 4 entities, with an entity in a column name.
    fn entities() -> RecordBatch {
        batch(vec![
            (
                "é&<>",
                Arc::new(StringArray::from(vec![
                    "café <b> & \"q\" 'a' Æ Ω ∀ € ™ ‘x’ — …",
                ])),
            ),
            ("v", Arc::new(StringArray::from(vec!["x\u{a0}y"]))),
        ])
    }

    #[test]
    fn example_frame() {
        let b = example();
        assert_eq!(show_string(&b, 20, 20, false).unwrap(), BRIEF_T20);
        assert_eq!(show_string(&b, 20, 0, true).unwrap(), BRIEF_T0_VERTICAL);
        assert_eq!(html_string(&b, 20, 20).unwrap(), BRIEF_HTML);
    }

    #[test]
    fn truncation_widths_and_wide_characters() {
        let b = strings();
        for (truncate, expected) in [
            (0, STRINGS_T0),
            (1, STRINGS_T1),
            (2, STRINGS_T2),
            (3, STRINGS_T3),
            (4, STRINGS_T4),
            (5, STRINGS_T5),
            (10, STRINGS_T10),
            (20, STRINGS_T20),
        ] {
            assert_eq!(
                show_string(&b, 20, truncate, false).unwrap(),
                expected,
                "truncate {truncate}"
            );
        }
        assert_eq!(show_string(&b, 20, 0, true).unwrap(), STRINGS_T0_VERTICAL);
        assert_eq!(show_string(&b, 20, 5, true).unwrap(), STRINGS_T5_VERTICAL);
        assert_eq!(html_string(&b, 20, 20).unwrap(), STRINGS_HTML_T20);
        assert_eq!(html_string(&b, 20, 0).unwrap(), STRINGS_HTML_T0);
        assert_eq!(html_string(&b, 20, 5).unwrap(), STRINGS_HTML_T5);
    }

    #[test]
    fn footer() {
        // The caller passes at most num_rows + 1 rows.
        assert_eq!(show_string(&range(4), 3, 20, false).unwrap(), RANGE_N3);
        assert_eq!(show_string(&range(2), 1, 20, false).unwrap(), RANGE_N1);
        assert_eq!(show_string(&range(1), 0, 20, false).unwrap(), RANGE_N0);
        assert_eq!(
            show_string(&range(4), 3, 20, true).unwrap(),
            RANGE_N3_VERTICAL
        );
        assert_eq!(
            show_string(&range(2), 1, 20, true).unwrap(),
            RANGE_N1_VERTICAL
        );
        assert_eq!(
            show_string(&range(1), 0, 20, true).unwrap(),
            RANGE_N0_VERTICAL
        );
        assert_eq!(show_string(&range(5), 5, 20, false).unwrap(), RANGE_N5);
        assert_eq!(html_string(&range(4), 3, 20).unwrap(), RANGE_HTML_N3);
        assert_eq!(html_string(&range(2), 1, 20).unwrap(), RANGE_HTML_N1);
        assert_eq!(html_string(&range(1), 0, 20).unwrap(), RANGE_HTML_N0);
        // Extra rows beyond num_rows + 1 change nothing.
        assert_eq!(show_string(&range(5), 3, 20, false).unwrap(), RANGE_N3);
    }

    #[test]
    fn empty_frame() {
        let b = empty();
        assert_eq!(show_string(&b, 20, 20, false).unwrap(), EMPTY_T20);
        assert_eq!(show_string(&b, 20, 0, false).unwrap(), EMPTY_T0);
        assert_eq!(show_string(&b, 20, 20, true).unwrap(), EMPTY_VERTICAL);
        assert_eq!(html_string(&b, 20, 20).unwrap(), EMPTY_HTML);
    }

    #[test]
    fn frame_without_columns() {
        let b = no_columns(3);
        assert_eq!(show_string(&b, 20, 20, false).unwrap(), NO_COLUMNS);
        assert_eq!(show_string(&b, 20, 0, false).unwrap(), NO_COLUMNS_T0);
        assert_eq!(show_string(&b, 2, 20, false).unwrap(), NO_COLUMNS_N2);
        assert_eq!(html_string(&b, 20, 20).unwrap(), NO_COLUMNS_HTML);
        // Spark: java.lang.UnsupportedOperationException: empty.max
        assert_eq!(
            show_string(&b, 20, 20, true),
            Err(DisplayError::VerticalWithoutColumns)
        );
        let b = no_columns(0);
        assert_eq!(show_string(&b, 20, 20, false).unwrap(), NO_COLUMNS_NO_ROWS);
        assert_eq!(
            show_string(&b, 20, 20, true).unwrap(),
            NO_COLUMNS_NO_ROWS_VERTICAL
        );
        assert_eq!(html_string(&b, 20, 20).unwrap(), NO_COLUMNS_NO_ROWS_HTML);
    }

    #[test]
    fn duplicate_and_escaped_headers() {
        let b = duplicates();
        assert_eq!(show_string(&b, 20, 20, false).unwrap(), DUPLICATES);
        assert_eq!(show_string(&b, 20, 20, true).unwrap(), DUPLICATES_VERTICAL);
        assert_eq!(html_string(&b, 20, 20).unwrap(), DUPLICATES_HTML);
    }

    #[test]
    fn headers_are_not_truncated() {
        let b = long_header();
        assert_eq!(show_string(&b, 20, 3, false).unwrap(), LONG_HEADER_T3);
        assert_eq!(
            show_string(&b, 20, 3, true).unwrap(),
            LONG_HEADER_T3_VERTICAL
        );
        assert_eq!(html_string(&b, 20, 3).unwrap(), LONG_HEADER_HTML_T3);
    }

    #[test]
    fn html_escaping() {
        let b = entities();
        assert_eq!(html_string(&b, 20, 0).unwrap(), ENTITIES_HTML_T0);
        assert_eq!(html_string(&b, 20, 10).unwrap(), ENTITIES_HTML_T10);
        assert_eq!(show_string(&b, 20, 0, false).unwrap(), ENTITIES_T0);
    }

    #[test]
    fn html_entity_table_is_sorted_and_complete() {
        assert!(HTML4_ENTITIES.windows(2).all(|w| w[0].0 < w[1].0));
        let mut escaped = String::new();
        escape_html4(
            "'\u{9F}\u{A0}\u{FF}\u{152}\u{3D1}\u{2665}\u{1F600}",
            &mut escaped,
        );
        assert_eq!(
            escaped,
            "'\u{9F}&nbsp;&yuml;&OElig;&thetasym;&hearts;\u{1F600}"
        );
    }

    #[test]
    fn half_widths_match_spark() {
        // Column widths Spark gave a cell of four copies of each character.
        let measured = [
            (0x10FF, 4),
            (0x1100, 8),
            (0x115F, 8),
            (0x1160, 4),
            (0x2E7F, 4),
            (0x2E80, 8),
            (0x3042, 8),
            (0xA4CF, 8),
            (0xA4D0, 4),
            (0xABFF, 4),
            (0xAC00, 8),
            (0xD7A3, 8),
            (0xD7A4, 4),
            (0xF8FF, 4),
            (0xF900, 8),
            (0xFAFF, 8),
            (0xFB00, 4),
            (0xFE0F, 4),
            (0xFE10, 8),
            (0xFE19, 8),
            (0xFE1A, 4),
            (0xFE2F, 4),
            (0xFE30, 8),
            (0xFE6F, 8),
            (0xFE70, 4),
            (0xFEFF, 4),
            (0xFF00, 8),
            (0xFF60, 8),
            (0xFF61, 4),
            (0xFFDF, 4),
            (0xFFE0, 8),
            (0xFFE6, 8),
            (0xFFE7, 4),
            (0x20000, 8),
            (0x1F600, 8),
            (0xE9, 4),
            (0x300, 4),
        ];
        for (code, width) in measured {
            let c = char::from_u32(code).unwrap();
            assert_eq!(half_width(&c.to_string().repeat(4)), width, "U+{code:04X}");
        }
    }

    /// `_show_string(20, 20, False)` of the example frame.
    const BRIEF_T20: &str = r#"+------+---------+--------+------+-------+--------------------+--------------------+
|     d|        a|       m|    st|      b|                   t|                   i|
+------+---------+--------+------+-------+--------------------+--------------------+
|1.0E10|[1, NULL]|{a -> 1}|{1, b}|[01 02]|2024-01-01 10:00:...|INTERVAL '1 02:03...|
+------+---------+--------+------+-------+--------------------+--------------------+
"#;

    /// `_show_string(20, 0, True)` of the example frame.
    const BRIEF_T0_VERTICAL: &str = r#"-RECORD 0------------------------------------
 d   | 1.0E10                                
 a   | [1, NULL]                             
 m   | {a -> 1}                              
 st  | {1, b}                                
 b   | [01 02]                               
 t   | 2024-01-01 10:00:00.5                 
 i   | INTERVAL '1 02:03:04.5' DAY TO SECOND 
"#;

    /// `_repr_html_()` (20 rows, truncate 20) of the example frame.
    const BRIEF_HTML: &str = r#"<table border='1'>
<tr><th>d</th><th>a</th><th>m</th><th>st</th><th>b</th><th>t</th><th>i</th></tr>
<tr><td>1.0E10</td><td>[1, NULL]</td><td>{a -&gt; 1}</td><td>{1, b}</td><td>[01 02]</td><td>2024-01-01 10:00:...</td><td>INTERVAL '1 02:03...</td></tr>
</table>
"#;

    /// Strings frame, truncate 0.
    const STRINGS_T0: &str = r#"+--------------------------+----+
|s                         |名前|
+--------------------------+----+
|abcdefghijklmnopqrstuvwxyz|1   |
|short                     |22  |
|                          |333 |
|NULL                      |NULL|
|ab                        |4   |
|abcd                      |5   |
|日本語テキスト            |6   |
|a\tb\nc                   |7   |
|x<y & "z" 'q'             |8   |
|😀😀x                     |9   |
+--------------------------+----+
"#;

    /// Strings frame, truncate 1.
    const STRINGS_T1: &str = r#"+---+----+
|  s|名前|
+---+----+
|  a|   1|
|  s|   2|
|   |   3|
|  N|   N|
|  a|   4|
|  a|   5|
| 日|   6|
|  a|   7|
|  x|   8|
|  ?|   9|
+---+----+
"#;

    /// Strings frame, truncate 2.
    const STRINGS_T2: &str = r#"+----+----+
|   s|名前|
+----+----+
|  ab|   1|
|  sh|  22|
|    |  33|
|  NU|  NU|
|  ab|   4|
|  ab|   5|
|日本|   6|
|  a\|   7|
|  x<|   8|
|  😀|   9|
+----+----+
"#;

    /// Strings frame, truncate 3.
    const STRINGS_T3: &str = r#"+------+----+
|     s|名前|
+------+----+
|   abc|   1|
|   sho|  22|
|      | 333|
|   NUL| NUL|
|    ab|   4|
|   abc|   5|
|日本語|   6|
|   a\t|   7|
|   x<y|   8|
|   😀?|   9|
+------+----+
"#;

    /// Strings frame, truncate 4.
    const STRINGS_T4: &str = r#"+-----+----+
|    s|名前|
+-----+----+
| a...|   1|
| s...|  22|
|     | 333|
| NULL|NULL|
|   ab|   4|
| abcd|   5|
|日...|   6|
| a...|   7|
| x...|   8|
| ?...|   9|
+-----+----+
"#;

    /// Strings frame, truncate 5.
    const STRINGS_T5: &str = r#"+-------+----+
|      s|名前|
+-------+----+
|  ab...|   1|
|  short|  22|
|       | 333|
|   NULL|NULL|
|     ab|   4|
|   abcd|   5|
|日本...|   6|
|  a\...|   7|
|  x<...|   8|
|  😀😀x|   9|
+-------+----+
"#;

    /// Strings frame, truncate 10.
    const STRINGS_T10: &str = r#"+--------------+----+
|             s|名前|
+--------------+----+
|    abcdefg...|   1|
|         short|  22|
|              | 333|
|          NULL|NULL|
|            ab|   4|
|          abcd|   5|
|日本語テキスト|   6|
|       a\tb\nc|   7|
|    x<y & "...|   8|
|         😀😀x|   9|
+--------------+----+
"#;

    /// Strings frame, truncate 20.
    const STRINGS_T20: &str = r#"+--------------------+----+
|                   s|名前|
+--------------------+----+
|abcdefghijklmnopq...|   1|
|               short|  22|
|                    | 333|
|                NULL|NULL|
|                  ab|   4|
|                abcd|   5|
|      日本語テキスト|   6|
|             a\tb\nc|   7|
|       x<y & "z" 'q'|   8|
|               😀😀x|   9|
+--------------------+----+
"#;

    /// Strings frame, truncate 0, vertical.
    const STRINGS_T0_VERTICAL: &str = r#"-RECORD 0--------------------------
 s    | abcdefghijklmnopqrstuvwxyz 
 名前 | 1                          
-RECORD 1--------------------------
 s    | short                      
 名前 | 22                         
-RECORD 2--------------------------
 s    |                            
 名前 | 333                        
-RECORD 3--------------------------
 s    | NULL                       
 名前 | NULL                       
-RECORD 4--------------------------
 s    | ab                         
 名前 | 4                          
-RECORD 5--------------------------
 s    | abcd                       
 名前 | 5                          
-RECORD 6--------------------------
 s    | 日本語テキスト             
 名前 | 6                          
-RECORD 7--------------------------
 s    | a\tb\nc                    
 名前 | 7                          
-RECORD 8--------------------------
 s    | x<y & "z" 'q'              
 名前 | 8                          
-RECORD 9--------------------------
 s    | 😀😀x                      
 名前 | 9                          
"#;

    /// Strings frame, truncate 5, vertical.
    const STRINGS_T5_VERTICAL: &str = r#"-RECORD 0-------
 s    | ab...   
 名前 | 1       
-RECORD 1-------
 s    | short   
 名前 | 22      
-RECORD 2-------
 s    |         
 名前 | 333     
-RECORD 3-------
 s    | NULL    
 名前 | NULL    
-RECORD 4-------
 s    | ab      
 名前 | 4       
-RECORD 5-------
 s    | abcd    
 名前 | 5       
-RECORD 6-------
 s    | 日本... 
 名前 | 6       
-RECORD 7-------
 s    | a\...   
 名前 | 7       
-RECORD 8-------
 s    | x<...   
 名前 | 8       
-RECORD 9-------
 s    | 😀😀x   
 名前 | 9       
"#;

    /// Strings frame as HTML, truncate 20.
    const STRINGS_HTML_T20: &str = r#"<table border='1'>
<tr><th>s</th><th>名前</th></tr>
<tr><td>abcdefghijklmnopq...</td><td>1</td></tr>
<tr><td>short</td><td>22</td></tr>
<tr><td></td><td>333</td></tr>
<tr><td>NULL</td><td>NULL</td></tr>
<tr><td>ab</td><td>4</td></tr>
<tr><td>abcd</td><td>5</td></tr>
<tr><td>日本語テキスト</td><td>6</td></tr>
<tr><td>a\tb\nc</td><td>7</td></tr>
<tr><td>x&lt;y &amp; &quot;z&quot; 'q'</td><td>8</td></tr>
<tr><td>😀😀x</td><td>9</td></tr>
</table>
"#;

    /// Strings frame as HTML, truncate 0.
    const STRINGS_HTML_T0: &str = r#"<table border='1'>
<tr><th>s</th><th>名前</th></tr>
<tr><td>abcdefghijklmnopqrstuvwxyz</td><td>1</td></tr>
<tr><td>short</td><td>22</td></tr>
<tr><td></td><td>333</td></tr>
<tr><td>NULL</td><td>NULL</td></tr>
<tr><td>ab</td><td>4</td></tr>
<tr><td>abcd</td><td>5</td></tr>
<tr><td>日本語テキスト</td><td>6</td></tr>
<tr><td>a\tb\nc</td><td>7</td></tr>
<tr><td>x&lt;y &amp; &quot;z&quot; 'q'</td><td>8</td></tr>
<tr><td>😀😀x</td><td>9</td></tr>
</table>
"#;

    /// Strings frame as HTML, truncate 5.
    const STRINGS_HTML_T5: &str = r#"<table border='1'>
<tr><th>s</th><th>名前</th></tr>
<tr><td>ab...</td><td>1</td></tr>
<tr><td>short</td><td>22</td></tr>
<tr><td></td><td>333</td></tr>
<tr><td>NULL</td><td>NULL</td></tr>
<tr><td>ab</td><td>4</td></tr>
<tr><td>abcd</td><td>5</td></tr>
<tr><td>日本...</td><td>6</td></tr>
<tr><td>a\...</td><td>7</td></tr>
<tr><td>x&lt;...</td><td>8</td></tr>
<tr><td>😀😀x</td><td>9</td></tr>
</table>
"#;

    /// `spark.range(5)` shown with 3 rows.
    const RANGE_N3: &str = r#"+---+
| id|
+---+
|  0|
|  1|
|  2|
+---+
only showing top 3 rows"#;

    /// `spark.range(5)` shown vertically with 3 rows.
    const RANGE_N3_VERTICAL: &str = r#"-RECORD 0--
 id  | 0   
-RECORD 1--
 id  | 1   
-RECORD 2--
 id  | 2   
only showing top 3 rows"#;

    /// `spark.range(5)` as HTML with 3 rows.
    const RANGE_HTML_N3: &str = r#"<table border='1'>
<tr><th>id</th></tr>
<tr><td>0</td></tr>
<tr><td>1</td></tr>
<tr><td>2</td></tr>
</table>
only showing top 3 rows
"#;

    /// `spark.range(5)` shown with 1 rows.
    const RANGE_N1: &str = r#"+---+
| id|
+---+
|  0|
+---+
only showing top 1 row"#;

    /// `spark.range(5)` shown vertically with 1 rows.
    const RANGE_N1_VERTICAL: &str = r#"-RECORD 0--
 id  | 0   
only showing top 1 row"#;

    /// `spark.range(5)` as HTML with 1 rows.
    const RANGE_HTML_N1: &str = r#"<table border='1'>
<tr><th>id</th></tr>
<tr><td>0</td></tr>
</table>
only showing top 1 row
"#;

    /// `spark.range(5)` shown with 0 rows.
    const RANGE_N0: &str = r#"+---+
| id|
+---+
+---+
only showing top 0 rows"#;

    /// `spark.range(5)` shown vertically with 0 rows.
    const RANGE_N0_VERTICAL: &str = r#"(0 rows)"#;

    /// `spark.range(5)` as HTML with 0 rows.
    const RANGE_HTML_N0: &str = r#"<table border='1'>
<tr><th>id</th></tr>
</table>
only showing top 0 rows
"#;

    /// `spark.range(5)` shown with 5 rows (no footer).
    const RANGE_N5: &str = r#"+---+
| id|
+---+
|  0|
|  1|
|  2|
|  3|
|  4|
+---+
"#;

    /// Empty frame with columns a, bb, a.
    const EMPTY_T20: &str = r#"+---+---+---+
|  a| bb|  a|
+---+---+---+
+---+---+---+
"#;

    /// Empty frame, truncate 0.
    const EMPTY_T0: &str = r#"+---+---+---+
|a  |bb |a  |
+---+---+---+
+---+---+---+
"#;

    /// Empty frame, vertical.
    const EMPTY_VERTICAL: &str = r#"(0 rows)"#;

    /// Empty frame as HTML.
    const EMPTY_HTML: &str = r#"<table border='1'>
<tr><th>a</th><th>bb</th><th>a</th></tr>
</table>
"#;

    /// Three rows without columns (`spark.range(3).select()`).
    const NO_COLUMNS: &str = r#"++
||
++
||
||
||
++
"#;

    /// Three rows without columns, truncate 0.
    const NO_COLUMNS_T0: &str = r#"++
||
++
||
||
||
++
"#;

    /// Three rows without columns, 2 shown.
    const NO_COLUMNS_N2: &str = r#"++
||
++
||
||
++
only showing top 2 rows"#;

    /// Three rows without columns as HTML.
    const NO_COLUMNS_HTML: &str = r#"<table border='1'>
<tr><th></th></tr>
<tr><td></td></tr>
<tr><td></td></tr>
<tr><td></td></tr>
</table>
"#;

    /// No rows, no columns.
    const NO_COLUMNS_NO_ROWS: &str = r#"++
||
++
++
"#;

    /// No rows, no columns, vertical.
    const NO_COLUMNS_NO_ROWS_VERTICAL: &str = r#"(0 rows)"#;

    /// No rows, no columns, as HTML.
    const NO_COLUMNS_NO_ROWS_HTML: &str = r#"<table border='1'>
<tr><th></th></tr>
</table>
"#;

    /// Duplicate and escaped column names.
    const DUPLICATES: &str = r#"+---+---+----+----+
|  a|  a|c\nd|<h&>|
+---+---+----+----+
|  1| 22|x\ty|   w|
+---+---+----+----+
"#;

    /// Duplicate and escaped column names, vertical.
    const DUPLICATES_VERTICAL: &str = r#"-RECORD 0----
 a    | 1    
 a    | 22   
 c\nd | x\ty 
 <h&> | w    
"#;

    /// Duplicate and escaped column names as HTML.
    const DUPLICATES_HTML: &str = r#"<table border='1'>
<tr><th>a</th><th>a</th><th>c\nd</th><th>&lt;h&amp;&gt;</th></tr>
<tr><td>1</td><td>22</td><td>x\ty</td><td>w</td></tr>
</table>
"#;

    /// Headers are never truncated (truncate 3).
    const LONG_HEADER_T3: &str = r#"+----------------------------+---+
|a_very_long_column_name_here|  b|
+----------------------------+---+
|                           1|abc|
+----------------------------+---+
"#;

    /// Headers are never truncated (truncate 3, vertical).
    const LONG_HEADER_T3_VERTICAL: &str = r#"-RECORD 0---------------------------
 a_very_long_column_name_here | 1   
 b                            | abc 
"#;

    /// Headers are never truncated (HTML, truncate 3).
    const LONG_HEADER_HTML_T3: &str = r#"<table border='1'>
<tr><th>a_very_long_column_name_here</th><th>b</th></tr>
<tr><td>1</td><td>abc</td></tr>
</table>
"#;

    /// HTML 4 entities.
    const ENTITIES_HTML_T0: &str = r#"<table border='1'>
<tr><th>&eacute;&amp;&lt;&gt;</th><th>v</th></tr>
<tr><td>caf&eacute; &lt;b&gt; &amp; &quot;q&quot; 'a' &AElig; &Omega; &forall; &euro; &trade; &lsquo;x&rsquo; &mdash; &hellip;</td><td>x&nbsp;y</td></tr>
</table>
"#;

    /// HTML 4 entities after truncation.
    const ENTITIES_HTML_T10: &str = r#"<table border='1'>
<tr><th>&eacute;&amp;&lt;&gt;</th><th>v</th></tr>
<tr><td>caf&eacute; &lt;b...</td><td>x&nbsp;y</td></tr>
</table>
"#;

    /// The entities frame as text.
    const ENTITIES_T0: &str = r#"+------------------------------------+---+
|é&<>                                |v  |
+------------------------------------+---+
|café <b> & "q" 'a' Æ Ω ∀ € ™ ‘x’ — …|x y|
+------------------------------------+---+
"#;
}
