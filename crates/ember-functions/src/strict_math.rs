//! Java's `StrictMath`: the fdlibm 5.3 algorithms, bit for bit, for the
//! functions whose Spark implementation calls `StrictMath` (or `Math`
//! methods the JVM leaves to `StrictMath`), where the platform's libm can
//! differ in the last bit.
//!
//! `exp`, `expm1`, `log1p`, `pow`, `asin`, `acos` and `atan` come from the
//! `libm` crate, whose versions of them follow fdlibm's algorithms; `log`,
//! `log10`, `cosh`, `sinh`, `tanh`, `cbrt`, `hypot` and `atan2` (where
//! `libm` rounds differently or uses other algorithms) are fdlibm's,
//! written here from its published description.

/// The high 32 bits of a double.
fn high(x: f64) -> i32 {
    (x.to_bits() >> 32) as i32
}

/// The low 32 bits of a double.
fn low(x: f64) -> u32 {
    x.to_bits() as u32
}

/// `x` with its high 32 bits replaced.
fn with_high(x: f64, high: i32) -> f64 {
    f64::from_bits((u64::from(high as u32) << 32) | u64::from(low(x)))
}

/// `x` with its low 32 bits replaced.
fn with_low(x: f64, low: u32) -> f64 {
    f64::from_bits((x.to_bits() & 0xffff_ffff_0000_0000) | u64::from(low))
}

/// The double whose high 32 bits are `high` and whose low bits are zero.
fn from_high(high: i32) -> f64 {
    with_high(0.0, high)
}

/// `StrictMath.exp`.
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// `StrictMath.expm1`.
pub fn expm1(x: f64) -> f64 {
    libm::expm1(x)
}

/// fdlibm's common start of `log` and `log10`: `Err` with the result for
/// zero, negative, infinite and NaN inputs; else `x` (a subnormal scaled by
/// 2^54), its high word and the binary exponent found so far.
fn log_reduce(x: f64) -> Result<(f64, i32, i32), f64> {
    const TWO54: f64 = 18014398509481984.0;
    let mut x = x;
    let mut hx = high(x);
    let mut k: i32 = 0;
    if hx < 0x0010_0000 {
        if ((hx & 0x7fff_ffff) as u32 | low(x)) == 0 {
            return Err(f64::NEG_INFINITY);
        }
        if hx < 0 {
            return Err(f64::NAN);
        }
        k -= 54;
        x *= TWO54;
        hx = high(x);
    }
    if hx >= 0x7ff0_0000 {
        return Err(x + x);
    }
    k += (hx >> 20) - 1023;
    Ok((x, hx, k))
}

/// `StrictMath.log`: `k·ln(2) + ln(1 + f)` for `x = 2^k · (1 + f)`,
/// `1 + f` in [sqrt(2)/2, sqrt(2)), `ln(1 + f)` from `s = f / (2 + f)` by
/// a polynomial in `s²`, ln(2) in two parts.
pub fn log(x: f64) -> f64 {
    let ln2_hi = f64::from_bits(0x3fe6_2e42_fee0_0000);
    let ln2_lo = f64::from_bits(0x3dea_39ef_3579_3c76);
    let lg = [
        f64::from_bits(0x3fe5_5555_5555_5593),
        f64::from_bits(0x3fd9_9999_9997_fa04),
        f64::from_bits(0x3fd2_4924_9422_9359),
        f64::from_bits(0x3fcc_71c5_1d8e_78af),
        f64::from_bits(0x3fc7_4664_96cb_03de),
        f64::from_bits(0x3fc3_9a09_d078_c69f),
        f64::from_bits(0x3fc2_f112_df3e_5244),
    ];
    let (mut x, mut hx, mut k) = match log_reduce(x) {
        Ok(reduced) => reduced,
        Err(special) => return special,
    };
    hx &= 0x000f_ffff;
    let i = (hx + 0x95f64) & 0x0010_0000;
    x = with_high(x, hx | (i ^ 0x3ff0_0000));
    k += i >> 20;
    let f = x - 1.0;
    let dk = f64::from(k);
    if (0x000f_ffff & (2 + hx)) < 3 {
        // |f| < 2^-20
        if f == 0.0 {
            return if k == 0 { 0.0 } else { dk * ln2_hi + dk * ln2_lo };
        }
        let r = f * f * (0.5 - 0.33333333333333333 * f);
        return if k == 0 { f - r } else { dk * ln2_hi - ((r - dk * ln2_lo) - f) };
    }
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (lg[1] + w * (lg[3] + w * lg[5]));
    let t2 = z * (lg[0] + w * (lg[2] + w * (lg[4] + w * lg[6])));
    let r = t2 + t1;
    if (hx - 0x6147a) | (0x6b851 - hx) > 0 {
        let hfsq = 0.5 * f * f;
        if k == 0 { f - (hfsq - s * (hfsq + r)) } else { dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f) }
    } else if k == 0 {
        f - s * (f - r)
    } else {
        dk * ln2_hi - ((s * (f - r) - dk * ln2_lo) - f)
    }
}

/// `StrictMath.log1p`.
pub fn log1p(x: f64) -> f64 {
    libm::log1p(x)
}

/// `StrictMath.pow`.
pub fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// `StrictMath.asin`.
pub fn asin(x: f64) -> f64 {
    libm::asin(x)
}

/// `StrictMath.acos`.
pub fn acos(x: f64) -> f64 {
    libm::acos(x)
}

/// `StrictMath.atan`.
pub fn atan(x: f64) -> f64 {
    libm::atan(x)
}

/// `StrictMath.atan2`: `atan(|y / x|)` moved to the quadrant of `(x, y)`,
/// with fdlibm's answers for zeros, infinities and ratios past 2^±60.
pub fn atan2(y: f64, x: f64) -> f64 {
    let pi_o_4 = f64::from_bits(0x3fe9_21fb_5444_2d18);
    let pi_o_2 = f64::from_bits(0x3ff9_21fb_5444_2d18);
    let pi = f64::from_bits(0x4009_21fb_5444_2d18);
    let pi_lo = f64::from_bits(0x3ca1_a626_3314_5c07);
    if x.is_nan() || y.is_nan() {
        return x + y;
    }
    if x == 1.0 {
        return atan(y);
    }
    let (hx, hy) = (high(x), high(y));
    let (ix, iy) = (hx & 0x7fff_ffff, hy & 0x7fff_ffff);
    // 2·sign(x) + sign(y)
    let m = ((hy >> 31) & 1) | ((hx >> 30) & 2);
    if y == 0.0 {
        return match m {
            0 | 1 => y,
            2 => pi,
            _ => -pi,
        };
    }
    if x == 0.0 {
        return if hy < 0 { -pi_o_2 } else { pi_o_2 };
    }
    if x.is_infinite() {
        return match (y.is_infinite(), m) {
            (true, 0) => pi_o_4,
            (true, 1) => -pi_o_4,
            (true, 2) => 3.0 * pi_o_4,
            (true, _) => -3.0 * pi_o_4,
            (false, 0) => 0.0,
            (false, 1) => -0.0,
            (false, 2) => pi,
            (false, _) => -pi,
        };
    }
    if y.is_infinite() {
        return if hy < 0 { -pi_o_2 } else { pi_o_2 };
    }
    let k = (iy - ix) >> 20;
    let z = if k > 60 {
        pi_o_2 + 0.5 * pi_lo
    } else if hx < 0 && k < -60 {
        0.0
    } else {
        atan((y / x).abs())
    };
    match m {
        0 => z,
        1 => -z,
        2 => pi - (z - pi_lo),
        _ => (z - pi_lo) - pi,
    }
}

/// The high word of the largest `|x|` whose `cosh`/`sinh` is finite, and
/// the low word at that high word.
const OVERFLOW_HIGH: i32 = 0x4086_33ce;
const OVERFLOW_LOW: u32 = 0x8fb9_f87d;
/// The high word of ln(f64::MAX).
const LN_MAX_HIGH: i32 = 0x4086_2e42;
/// The high word of 22, past which `e^-|x|` no longer matters.
const TWENTY_TWO_HIGH: i32 = 0x4036_0000;

fn below_overflow(ix: i32, x: f64) -> bool {
    ix < OVERFLOW_HIGH || (ix == OVERFLOW_HIGH && low(x) <= OVERFLOW_LOW)
}

/// `StrictMath.cosh`: from `expm1` near 0, `(e^|x| + e^-|x|) / 2` up to
/// 22, `e^|x| / 2` beyond (as `(e^(|x|/2) / 2) · e^(|x|/2)` near overflow).
pub fn cosh(x: f64) -> f64 {
    let ix = high(x) & 0x7fff_ffff;
    if ix >= 0x7ff0_0000 {
        return x * x;
    }
    let a = x.abs();
    if ix < 0x3fd6_2e43 {
        // |x| < ln(2) / 2
        let t = expm1(a);
        let w = 1.0 + t;
        if ix < 0x3c80_0000 {
            return w;
        }
        return 1.0 + (t * t) / (w + w);
    }
    if ix < TWENTY_TWO_HIGH {
        let t = exp(a);
        return 0.5 * t + 0.5 / t;
    }
    if ix < LN_MAX_HIGH {
        return 0.5 * exp(a);
    }
    if below_overflow(ix, x) {
        let w = exp(0.5 * a);
        let t = 0.5 * w;
        return t * w;
    }
    f64::INFINITY
}

/// `StrictMath.sinh`: from `expm1` up to 22, `±e^|x| / 2` beyond.
pub fn sinh(x: f64) -> f64 {
    let jx = high(x);
    let ix = jx & 0x7fff_ffff;
    if ix >= 0x7ff0_0000 {
        return x + x;
    }
    let h = if jx < 0 { -0.5 } else { 0.5 };
    let a = x.abs();
    if ix < TWENTY_TWO_HIGH {
        if ix < 0x3e30_0000 {
            // |x| < 2^-28: sinh(x) is x.
            return x;
        }
        let t = expm1(a);
        if ix < 0x3ff0_0000 {
            return h * (2.0 * t - t * t / (t + 1.0));
        }
        return h * (t + t / (t + 1.0));
    }
    if ix < LN_MAX_HIGH {
        return h * exp(a);
    }
    if below_overflow(ix, x) {
        let w = exp(0.5 * a);
        let t = h * w;
        return t * w;
    }
    x * f64::INFINITY
}

/// `StrictMath.tanh`: from `expm1(±2|x|)` below 22, ±1 beyond.
pub fn tanh(x: f64) -> f64 {
    let jx = high(x);
    let ix = jx & 0x7fff_ffff;
    if ix >= 0x7ff0_0000 {
        return if jx >= 0 { 1.0 / x + 1.0 } else { 1.0 / x - 1.0 };
    }
    let z = if ix < TWENTY_TWO_HIGH {
        if ix < 0x3c80_0000 {
            // |x| < 2^-55
            return x * (1.0 + x);
        }
        if ix >= 0x3ff0_0000 {
            let t = expm1(2.0 * x.abs());
            1.0 - 2.0 / (t + 2.0)
        } else {
            let t = expm1(-2.0 * x.abs());
            -t / (t + 2.0)
        }
    } else {
        1.0
    };
    if jx >= 0 { z } else { -z }
}

/// `StrictMath.log10`: `n·log10(2) + log10(m)` for `x = 2^n · m`, with
/// log10(2) in two parts.
pub fn log10(x: f64) -> f64 {
    let ivln10 = f64::from_bits(0x3fdb_cb7b_1526_e50e);
    let log10_2hi = f64::from_bits(0x3fd3_4413_509f_6000);
    let log10_2lo = f64::from_bits(0x3d59_fef3_11f1_2b36);
    let (mut x, mut hx, k) = match log_reduce(x) {
        Ok(reduced) => reduced,
        Err(special) => return special,
    };
    let i = ((k as u32) & 0x8000_0000) >> 31;
    hx = (hx & 0x000f_ffff) | ((0x3ff - i as i32) << 20);
    let y = f64::from(k + i as i32);
    x = with_high(x, hx);
    let z = y * log10_2lo + ivln10 * log(x);
    z + y * log10_2hi
}

/// `StrictMath.cbrt`: a 5-bit estimate from the exponent, refined to 23
/// bits by a rational approximation, then to 53 bits by one Newton step.
pub fn cbrt(x: f64) -> f64 {
    const B1: u32 = 715_094_163;
    const B2: u32 = 696_219_795;
    const C: f64 = 5.42857142857142815906e-01;
    const D: f64 = -7.05306122448979611050e-01;
    const E: f64 = 1.41428571428571436819e+00;
    const F: f64 = 1.60714285714285720630e+00;
    const G: f64 = 3.57142857142857150787e-01;
    let hx_signed = high(x);
    let sign = (hx_signed as u32) & 0x8000_0000;
    let hx = (hx_signed as u32) ^ sign;
    if hx >= 0x7ff0_0000 {
        return x + x;
    }
    if (hx | low(x)) == 0 {
        return x;
    }
    let x = with_high(x, hx as i32);
    let mut t = if hx < 0x0010_0000 {
        let t = from_high(0x4350_0000) * x;
        with_high(t, ((high(t) as u32) / 3 + B2) as i32)
    } else {
        from_high((hx / 3 + B1) as i32)
    };
    let r = t * t / x;
    let s = C + r * t;
    t *= G + F / (s + E + D / s);
    t = with_high(with_low(t, 0), high(t) + 1);
    let s = t * t;
    let r = x / s;
    let w = t + t;
    let r = (r - t) / (w + r);
    t += t * r;
    with_high(t, ((high(t) as u32) | sign) as i32)
}

/// `StrictMath.hypot`: `sqrt(x² + y²)` without undue overflow or
/// underflow, the squares split into high and low parts.
pub fn hypot(x: f64, y: f64) -> f64 {
    let (mut ha, mut hb) = (high(x) & 0x7fff_ffff, high(y) & 0x7fff_ffff);
    let (mut a, mut b) = if hb > ha {
        std::mem::swap(&mut ha, &mut hb);
        (y, x)
    } else {
        (x, y)
    };
    a = with_high(a, ha);
    b = with_high(b, hb);
    if ha - hb > 0x03c0_0000 {
        // a / b > 2^60
        return a + b;
    }
    let mut k: i32 = 0;
    if ha > 0x5f30_0000 {
        // a > 2^500
        if ha >= 0x7ff0_0000 {
            let mut w = a + b;
            if ((ha & 0x000f_ffff) as u32 | low(a)) == 0 {
                w = a;
            }
            if ((hb ^ 0x7ff0_0000) as u32 | low(b)) == 0 {
                w = b;
            }
            return w;
        }
        ha -= 0x2580_0000;
        hb -= 0x2580_0000;
        k += 600;
        a = with_high(a, ha);
        b = with_high(b, hb);
    }
    if hb < 0x20b0_0000 {
        // b < 2^-500
        if hb <= 0x000f_ffff {
            if (hb as u32 | low(b)) == 0 {
                return a;
            }
            let t1 = from_high(0x7fd0_0000);
            b *= t1;
            a *= t1;
            k -= 1022;
        } else {
            ha += 0x2580_0000;
            hb += 0x2580_0000;
            k -= 600;
            a = with_high(a, ha);
            b = with_high(b, hb);
        }
    }
    let mut w = a - b;
    if w > b {
        let t1 = from_high(ha);
        let t2 = a - t1;
        w = (t1 * t1 - (b * (-b) - t2 * (a + t1))).sqrt();
    } else {
        a += a;
        let y1 = from_high(hb);
        let y2 = b - y1;
        let t1 = from_high(ha + 0x0010_0000);
        let t2 = a - t1;
        w = (t1 * y1 - (w * (-w) - (t1 * y2 + t2 * b))).sqrt();
    }
    if k != 0 {
        let t1 = with_high(1.0, high(1.0) + (k << 20));
        return t1 * w;
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results of Java 17's `StrictMath` (bits of the double) on edge and
    /// random values, written by a Java program.
    #[test]
    fn matches_java_strict_math_bit_for_bit() {
        let cases: &[(&str, fn(f64) -> f64, f64, u64)] = JAVA_CASES;
        for &(name, f, x, bits) in cases {
            assert_eq!(f(x).to_bits(), bits, "{name}({x:e}) = {:e}, Java: {:e}", f(x), f64::from_bits(bits));
        }
        for &(x, y, bits) in JAVA_HYPOT {
            assert_eq!(hypot(x, y).to_bits(), bits, "hypot({x:e}, {y:e})");
        }
        for &(x, y, bits) in JAVA_POW {
            assert_eq!(pow(x, y).to_bits(), bits, "pow({x:e}, {y:e})");
        }
        for &(y, x, bits) in JAVA_ATAN2 {
            assert_eq!(atan2(y, x).to_bits(), bits, "atan2({y:e}, {x:e})");
        }
    }

    #[test]
    fn edge_values() {
        assert_eq!(cosh(0.0), 1.0);
        assert_eq!(cosh(f64::NEG_INFINITY), f64::INFINITY);
        assert_eq!(cosh(1000.0), f64::INFINITY);
        assert!(cosh(f64::NAN).is_nan());
        assert_eq!(sinh(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(sinh(-1000.0), f64::NEG_INFINITY);
        assert_eq!(tanh(f64::INFINITY), 1.0);
        assert_eq!(tanh(-30.0), -1.0);
        assert_eq!(log10(0.0), f64::NEG_INFINITY);
        assert!(log10(-1.0).is_nan());
        assert_eq!(log10(1000.0), 3.0);
        assert_eq!(cbrt(-27.0), -3.0);
        assert_eq!(cbrt(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(hypot(3.0, 4.0), 5.0);
        assert_eq!(hypot(f64::NAN, f64::INFINITY), f64::INFINITY);
        assert_eq!(hypot(0.0, 0.0), 0.0);
    }

    include!("strict_math_cases.rs");
}
