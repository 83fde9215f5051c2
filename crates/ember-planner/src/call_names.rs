//! The names Spark gives the columns of function calls: its "pretty" function
//! names (`SQRT`, `LOG`), the default arguments its function builders fill in
//! (`round(x, 0)`, `split(s, ,, -1)`), and its special renderings (`TRIM(BOTH t FROM s)`).

/// Functions whose calls Spark renders with an upper-case name.
const UPPER_CASE: &[&str] = &[
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "cos", "cosh", "cot", "csc",
    "degrees", "e", "exp", "expm1", "floor", "hypot", "log10", "log1p", "log2", "pi", "power", "radians", "sec",
    "signum", "sin", "sinh", "spark_partition_id", "sqrt", "tan", "tanh",
];

/// The format Spark's `unix_timestamp`, `to_unix_timestamp` and `from_unixtime` default to.
pub(crate) const DEFAULT_TIMESTAMP_FORMAT: &str = "yyyy-MM-dd HH:mm:ss";

/// The column name of a call of `function` (lower case, as called) whose
/// arguments render as `args`.
pub(crate) fn call_name(function: &str, args: &[String]) -> String {
    let mut args: Vec<String> = args.to_vec();
    let joined = |args: &[String]| args.join(", ");
    match (function, args.len()) {
        ("log", 1) => return format!("LOG(E(), {})", args[0]),
        ("log", _) => return format!("LOG({})", joined(&args)),
        ("positive", 1) => return format!("(+ {})", args[0]),
        ("~", 1) => return format!("~{}", args[0]),
        ("if", 3) => return format!("(IF({}))", joined(&args)),
        ("dateadd", _) => return format!("date_add({})", joined(&args)),
        ("trim" | "ltrim" | "rtrim", 2) => {
            let side = match function {
                "trim" => "BOTH",
                "ltrim" => "LEADING",
                _ => "TRAILING",
            };
            return format!("TRIM({side} {} FROM {})", args[1], args[0]);
        }
        ("round" | "bround", 1) => args.push("0".into()),
        ("substr" | "substring", 2) => args.push(i32::MAX.to_string()),
        ("locate" | "position", 2) | ("instr", 3) => args.push("1".into()),
        ("split", 2) => args.push("-1".into()),
        ("lpad" | "rpad", 2) => args.push(" ".into()),
        ("replace", 2) => args.push(String::new()),
        ("regexp_replace", 3) | ("regexp_extract" | "regexp_extract_all", 2) => args.push("1".into()),
        ("regexp_instr", 2) => args.push("0".into()),
        ("overlay", 3) => args.push("-1".into()),
        ("sort_array", 1) | ("months_between", 2) => args.push("true".into()),
        ("unix_timestamp" | "to_unix_timestamp" | "from_unixtime", 1) => args.push(DEFAULT_TIMESTAMP_FORMAT.into()),
        ("sentences", 1) => args.extend(["".to_string(), "".to_string()]),
        ("str_to_map", 1) => args.extend([",".to_string(), ":".to_string()]),
        ("str_to_map", 2) => args.push(":".into()),
        ("mask", n @ 1..=4) => args.extend(["X", "x", "n", "NULL"][n - 1..].iter().map(|s| s.to_string())),
        ("listagg" | "string_agg", 1) => args.push("NULL".into()),
        ("hmac", 2) => args.push("SHA-256".into()),
        ("percentile", 2) => args.push("1".into()),
        ("percentile_approx" | "approx_percentile", 2) => args.push(crate::distribution_functions::DEFAULT_ACCURACY.to_string()),
        ("make_interval" | "try_make_interval", n @ 0..=6) => args.extend(["0", "0", "0", "0", "0", "0", "0.000000"][n..].iter().map(|s| s.to_string())),
        ("make_dt_interval", n @ 0..=3) => args.extend(["0", "0", "0", "0.000000"][n..].iter().map(|s| s.to_string())),
        ("make_ym_interval", n @ 0..=1) => args.extend(["0", "0"][n..].iter().map(|s| s.to_string())),
        ("aes_encrypt", n @ 2..=5) => args.extend(["GCM", "DEFAULT", "", ""][n - 2..].iter().map(|s| s.to_string())),
        ("aes_decrypt", n @ 2..=4) => args.extend(["GCM", "DEFAULT", ""][n - 2..].iter().map(|s| s.to_string())),
        ("assert_true", 1) => args.push(format!("'{}' is not true!", args[0])),
        _ => {}
    }
    // `ceil` and `floor` with a scale are another expression, named in lower case.
    let upper = UPPER_CASE.contains(&function) && !(matches!(function, "ceil" | "floor") && args.len() == 2);
    let name = if upper { function.to_uppercase() } else { function.to_string() };
    format!("{name}({})", joined(&args))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(function: &str, args: &[&str]) -> String {
        call_name(function, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn pretty_names_and_defaults() {
        assert_eq!(name("sqrt", &["d"]), "SQRT(d)");
        assert_eq!(name("pow", &["i", "2"]), "pow(i, 2)");
        assert_eq!(name("log", &["d"]), "LOG(E(), d)");
        assert_eq!(name("round", &["d"]), "round(d, 0)");
        assert_eq!(name("ceil", &["d", "1"]), "ceil(d, 1)");
        assert_eq!(name("substr", &["s", "-3"]), "substr(s, -3, 2147483647)");
        assert_eq!(name("split", &["s2", ","]), "split(s2, ,, -1)");
        assert_eq!(name("mask", &["s"]), "mask(s, X, x, n, NULL)");
        assert_eq!(name("mask", &["s", "Y"]), "mask(s, Y, x, n, NULL)");
        assert_eq!(name("trim", &["s2", "a"]), "TRIM(BOTH a FROM s2)");
        assert_eq!(name("unix_timestamp", &["ts"]), "unix_timestamp(ts, yyyy-MM-dd HH:mm:ss)");
        assert_eq!(name("upper", &["s"]), "upper(s)");
    }
}
