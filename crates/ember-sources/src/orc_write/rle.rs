//! ORC's version-1 run-length encodings: bytes, booleans and integers
//! (the encodings of columns written with the `DIRECT` column encoding).

/// The longest run a control byte can announce (control 127 + 3).
const MAX_RUN: usize = 130;
/// The most literals one control byte can announce.
const MAX_LITERALS: usize = 128;
/// The shortest run worth a control byte of its own.
const MIN_RUN: usize = 3;

/// Appends `value` as a base-128 varint.
pub(super) fn write_varint(out: &mut Vec<u8>, mut value: u128) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// `value` zigzag-encoded, so that small negative numbers stay short.
pub(super) fn zigzag(value: i128) -> u128 {
    ((value << 1) ^ (value >> 127)) as u128
}

/// Byte RLE: runs of one repeated byte and groups of literal bytes.
pub(super) fn encode_bytes(values: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() + values.len() / MAX_LITERALS + 1);
    let mut literals_from = 0;
    let mut at = 0;
    while at < values.len() {
        let run = values[at..].iter().take(MAX_RUN).take_while(|&&b| b == values[at]).count();
        if run >= MIN_RUN {
            byte_literals(&mut out, &values[literals_from..at]);
            out.push((run - MIN_RUN) as u8);
            out.push(values[at]);
            at += run;
            literals_from = at;
        } else {
            at += 1;
        }
    }
    byte_literals(&mut out, &values[literals_from..]);
    out
}

fn byte_literals(out: &mut Vec<u8>, literals: &[u8]) {
    for group in literals.chunks(MAX_LITERALS) {
        out.push((group.len() as i8).wrapping_neg() as u8);
        out.extend_from_slice(group);
    }
}

/// Booleans packed eight to a byte (first value in the high bit), then byte RLE.
pub(super) fn encode_booleans(values: &[bool]) -> Vec<u8> {
    let packed: Vec<u8> = values
        .chunks(8)
        .map(|bits| bits.iter().enumerate().fold(0u8, |byte, (i, &bit)| byte | ((bit as u8) << (7 - i))))
        .collect();
    encode_bytes(&packed)
}

/// Integer RLE v1: runs with a constant step in -128..=127 and groups of
/// literal varints, zigzag-encoded when `signed`.
pub(super) fn encode_integers(values: &[i64], signed: bool) -> Vec<u8> {
    let varint = |out: &mut Vec<u8>, value: i64| {
        let encoded = if signed { zigzag(value as i128) } else { value as u64 as u128 };
        write_varint(out, encoded);
    };
    let mut out = Vec::with_capacity(values.len() * 2);
    let mut literals_from = 0;
    let mut at = 0;
    while at < values.len() {
        let run = run_length(&values[at..]);
        if run >= MIN_RUN {
            integer_literals(&mut out, &values[literals_from..at], varint);
            out.push((run - MIN_RUN) as u8);
            out.push((values[at + 1].wrapping_sub(values[at])) as i8 as u8);
            varint(&mut out, values[at]);
            at += run;
            literals_from = at;
        } else {
            at += 1;
        }
    }
    integer_literals(&mut out, &values[literals_from..], varint);
    out
}

/// How many of `values`, from the first, step by one constant delta that fits a byte.
fn run_length(values: &[i64]) -> usize {
    if values.len() < 2 {
        return values.len();
    }
    let Some(delta) = values[1].checked_sub(values[0]).filter(|d| (-128..=127).contains(d)) else { return 1 };
    1 + values.windows(2).take(MAX_RUN - 1).take_while(|pair| pair[1].checked_sub(pair[0]) == Some(delta)).count()
}

fn integer_literals(out: &mut Vec<u8>, literals: &[i64], varint: impl Fn(&mut Vec<u8>, i64)) {
    for group in literals.chunks(MAX_LITERALS) {
        out.push((group.len() as i8).wrapping_neg() as u8);
        for &value in group {
            varint(out, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_runs_and_literals() {
        assert_eq!(encode_bytes(&[7; 100]), [97, 7]);
        assert_eq!(encode_bytes(&[1, 2, 3]), [0xfd, 1, 2, 3]);
        assert_eq!(encode_bytes(&[1, 5, 5, 5, 5]), [0xff, 1, 1, 5]);
        let long: Vec<u8> = (0..200).map(|i| i as u8).collect();
        assert_eq!(encode_bytes(&long).len(), 202);
        assert_eq!(encode_bytes(&[9; 131]), [127, 9, 0xff, 9]);
    }

    #[test]
    fn booleans_fill_bytes_from_the_high_bit() {
        assert_eq!(encode_booleans(&[true, false, true]), [0xff, 0b1010_0000]);
        assert_eq!(encode_booleans(&[true; 24]), [0, 0xff]);
    }

    #[test]
    fn integer_runs_literals_and_signs() {
        // The ORC specification's examples.
        assert_eq!(encode_integers(&[7; 100], false), [0x61, 0x00, 0x07]);
        assert_eq!(encode_integers(&(1..=100).rev().map(|i| i * 2).collect::<Vec<_>>(), false), [0x61, 0xfe, 0xc8, 0x01]);
        assert_eq!(encode_integers(&[2, 3, 6, 7, 11], false), [0xfb, 0x02, 0x03, 0x06, 0x07, 0x0b]);
        assert_eq!(encode_integers(&[-1, 1], true), [0xfe, 0x01, 0x02]);
        assert_eq!(encode_integers(&[i64::MIN, i64::MAX], true).len(), 1 + 10 + 10);
    }

    #[test]
    fn zigzag_varints() {
        let mut out = Vec::new();
        write_varint(&mut out, zigzag(-64));
        write_varint(&mut out, zigzag(64));
        assert_eq!(out, [0x7f, 0x80, 0x01]);
        assert_eq!(zigzag(i128::MIN), u128::MAX);
    }
}
