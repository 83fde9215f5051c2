"""Scalar functions of pyspark.sql.functions at their edges, as the function
sweep found them (tools/function_sweep): negative lengths and positions,
units and formats given as columns, numbers where strings or datetimes are
expected, Spark's result types and names; and the scalars Ember added after
it: session facts, base32, hmac, UTF-8 validation, jaro_winkler_similarity,
sentences, try_mod, collations."""

import datetime

from pyspark.sql import functions as F

from conftest import check_sql_outcomes, requires_client, sql_outcome


def test_chr_and_pads(spark, golden):
    golden.check_df(spark.sql("SELECT chr(-3), chr(65), chr(321), chr(0), chr(NULL)"))
    golden.check_df(
        spark.sql("SELECT lpad('ab', -3), rpad('ab', -3), lpad('ab', 5, ''), rpad('ab', 0), lpad('abc', 2), rpad('abc', 5, 'xy'), lpad('a', NULL)"),
        "pads",
    )


def test_formats_and_units_from_columns(spark, golden):
    golden.check_df(spark.sql("SELECT s, date_format(DATE'2024-02-29', s) FROM VALUES ('yyyy'), ('MM-dd'), (NULL) AS t(s)"), ordered=False)
    golden.check_df(
        spark.sql(
            "SELECT s, date_trunc(s, DATE'2024-02-29') a, trunc(DATE'2024-02-29', s) b "
            "FROM VALUES ('YEAR'), ('mm'), ('week'), ('QUARTER'), ('hour'), ('DD'), ('bogus'), (NULL) AS t(s)"
        ),
        "trunc",
        ordered=False,
    )
    df = spark.createDataFrame([(1, "2024-02-29"), (-3, None)], "i int, s string")
    golden.check_df(df.select(F.date_format(F.to_date("s"), F.col("i")), F.to_char(F.to_date("s"), F.lit("yyyy"))), "api")


def test_numbers_where_strings_are_expected(spark, golden):
    golden.check_df(spark.sql("SELECT format_string(1, 2), printf(1.5), format_string('%d-%s', 1, 'a'), unbase64(12), unbase64('YWI=')"))


def test_now_and_today_types(spark, golden):
    df = spark.sql("SELECT now() a, current_timestamp() b, localtimestamp() c, current_date() d, curdate() e")
    golden.check("schema", [(f.name, f.dataType.simpleString(), f.nullable) for f in df.schema.fields])
    golden.check_df(spark.sql("SELECT typeof(now()), typeof(localtimestamp()), now() IS NULL, current_date() IS NULL"), "typeof")


def test_nvl2_last_day_overlay(spark, golden):
    golden.check_df(spark.sql("SELECT nvl2('a', 1, 2), nvl2(NULL, 1, 2.5), nvl2(NULL, 'x', NULL)"))
    times = spark.createDataFrame([(datetime.datetime(2024, 2, 10, 10),), (None,)], "t timestamp")
    golden.check_df(times.select(F.last_day("t"), F.last_day(F.lit("2024-02-10"))), "last_day")
    golden.check_df(
        spark.sql(
            "SELECT overlay('Spark SQL', 'ANSI ', -3), overlay('Spark SQL' PLACING '_' FROM 0), "
            "overlay('Spark SQL', 'x', -1, 2), overlay('abc', 'x', 10), overlay('abc', 'xyz', 2, 0), overlay(NULL, 'x', 1)"
        ),
        "overlay",
    )


def test_regexp_extract_group_index(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT regexp_extract('abc', 'a(b)', 2)").collect())
    golden.check_error(lambda: spark.sql("SELECT regexp_extract_all('abc', 'a(b)', -1)").collect(), "all")


def test_datetime_conversions_of_numbers(spark, golden):
    times = spark.createDataFrame([(datetime.datetime(2024, 1, 2, 3, 4, 5),), (None,)], "t timestamp")
    golden.check_df(times.select(F.to_char("t", F.lit("yyyy HH")), F.expr("to_varchar(t, 'yyyy')"), F.expr("to_char(DATE'2024-02-29', 'yyyy')")))
    golden.check_df(
        spark.sql("SELECT to_timestamp(1), to_timestamp(-3), to_timestamp(1L), to_timestamp_ltz(1), try_to_timestamp(1), try_to_date(1), try_to_date(1.5D)"),
        "numbers",
    )
    df = spark.createDataFrame([(1,), (-3,), (None,)], "i int")
    golden.check_df(df.select(F.to_timestamp("i"), F.expr("try_to_date(i)")), "api")


def test_make_date(spark, golden):
    golden.check_df(spark.sql("SELECT make_date(2024, 2, 29), make_date(NULL, 1, 1)"))
    golden.check_error(lambda: spark.sql("SELECT make_date(2024, 13, 1)").collect(), "month")
    golden.check_error(lambda: spark.sql("SELECT make_date(2024, 2, 30)").collect(), "day")


def test_struct_results(spark, golden):
    golden.check_df(spark.sql("SELECT arrays_zip(array(1, 2), array('a')), arrays_zip(array(1))"))
    df = spark.createDataFrame([([1, 2], ["x"]), (None, ["y"])], "a array<int>, b array<string>")
    golden.check_df(df.select(F.arrays_zip("a", "b"), F.arrays_zip("b", F.array(F.lit(1)))), "columns")
    golden.check_df(spark.sql("SELECT named_struct()"), "named_struct")


def test_session_facts(spark, golden):
    golden.check_df(spark.sql("SELECT current_catalog(), current_database(), current_schema(), current_path()"))
    golden.check_df(spark.sql("SELECT collation('abc'), collate('abc', 'UTF8_BINARY'), input_file_block_start(), input_file_block_length()"), "misc")


def test_base32_hmac_and_utf8(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT to_base32('abc'), to_base32(x'00ff'), to_base32(NULL), from_base32('MFRGG==='), from_base32('mf RGG!'), "
            "from_base32('MFRG=GA'), from_base32('3'), from_base32(12)"
        )
    )
    golden.check_df(
        spark.sql("SELECT hex(hmac('key', 'msg')), hex(hmac('key', 'msg', 'SHA256')), hex(hmac(x'00', x'00', 'SHA512')), hmac(NULL, 'a')"),
        "hmac",
    )
    golden.check_error(lambda: spark.sql("SELECT hmac('', 'msg')").collect(), "hmac_empty_key")
    golden.check_df(spark.sql("SELECT validate_utf8('abc'), try_validate_utf8(x'80'), try_validate_utf8('abc'), validate_utf8(NULL)"), "utf8")
    golden.check_error(lambda: spark.sql("SELECT validate_utf8(x'80')").collect(), "invalid_utf8")


def test_jaro_winkler_and_sentences(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT jaro_winkler_similarity('Spark', 'Sparkle') a, jaro_winkler_similarity('', '') b, "
            "jaro_winkler_similarity('MARTHA', 'MARHTA') c, jaro_winkler_similarity('DIXON', 'DICKSONX') d, "
            "jaro_winkler_similarity('ab', 'ba') e, jaro_winkler_similarity('héllo', 'hello') f, jaro_winkler_similarity('a', NULL) g"
        )
    )
    golden.check_df(
        spark.sql(
            "SELECT sentences('Hello world. how are you? I am fine!') a, sentences('') b, sentences(NULL) c, "
            "sentences('don''t stop 3.14 e.g. the U.S. now.') d, sentences('a,b;c  d.e f', 'en', 'US') e"
        ),
        "sentences",
    )


def test_try_mod(spark, golden):
    golden.check_df(spark.sql("SELECT try_mod(7, 0), try_mod(-7, 2), try_mod(7.5, 2), try_mod(7L, 0L), try_mod(7.5D, 0D), try_mod(-7, 0.0)"))
    df = spark.createDataFrame([(7, 0), (-7, 2), (None, 1)], "a int, b int")
    golden.check_df(df.select(F.try_mod("a", "b")), "api")


def test_nullability_of_greatest_least_and_sorts(spark, golden):
    df = spark.createDataFrame([(1, None), (2, 5)], "a int not null, b int")
    # `greatest`/`least` skip NULLs: nullable only when every argument is.
    golden.check_df(df.select(F.greatest("a", "b").alias("g1"), F.least("a", F.lit(3)).alias("l1"),
                              F.greatest("b", F.lit(None).cast("int")).alias("g2"), F.least("b", "a").alias("l2")), "greatest_least")
    sorted_lists = df.groupBy().agg(F.sort_array(F.collect_list("a")).alias("s"), F.sort_array(F.collect_list("b"), False).alias("d"),
                                    F.array_sort(F.collect_set("a")).alias("t"))
    golden.check_df(sorted_lists, "sorted_lists")
    golden.check_df(df.select(F.sort_array(F.array("a", "b")).alias("s"), F.sort_array(F.when(df.b > 2, F.array("a"))).alias("n")),
                    "sorted_arrays")


def test_typeof_of_an_aggregate(spark, golden):
    df = spark.createDataFrame([(1,), (2,)], "x int")
    df.createOrReplaceTempView("typeof_aggregate_t")
    # The query still aggregates its input to one row.
    golden.check_df(df.select(F.typeof(F.sum("x"))), "dataframe")
    golden.check_df(spark.sql("SELECT typeof(sum(x)) FROM typeof_aggregate_t"), "sql")
    golden.check_df(spark.sql("SELECT typeof(avg(x)), typeof(count(x) + 1) FROM typeof_aggregate_t"), "sql_expressions")


def test_null_arguments_take_the_parameter_type(spark, golden):
    calls = ["year(NULL)", "month(NULL)", "hour(NULL)", "minute(NULL)", "second(NULL)", "dayofweek(NULL)", "quarter(NULL)",
             "weekofyear(NULL)", "hex(NULL)", "sum(NULL)", "-NULL", "from_unixtime(1, NULL)"]
    golden.check_df(spark.sql("SELECT " + ", ".join(calls)))


def test_nullifzero_compares_as_spark(spark, golden):
    golden.check_df(spark.sql("SELECT nullifzero(0) a, nullifzero(1.5) b, nullifzero('0') c, nullifzero(NULL) d"))
    golden.check_error(lambda: spark.sql("SELECT nullifzero(map('a', 1))").collect(), "map")
    golden.check_error(lambda: spark.sql("SELECT nullifzero(true)").collect(), "boolean")


def test_binary_lengths_and_integer_arguments_cast_as_spark(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT bit_length(X'0102') a, octet_length(X'0102') b, octet_length(CAST(NULL AS BINARY)) c, "
            "add_months(DATE'2016-08-31', CAST(1 AS BIGINT)) d, factorial(CAST(3 AS BIGINT)) e, char(NULL) f, "
            "slice(array(1, 2, 3), 2L, 1L) g"
        )
    )


def test_untyped_nulls_in_array_functions(spark, golden):
    golden.check_df(spark.sql("SELECT arrays_zip(NULL, array(1)) a, arrays_zip(array(1), NULL) b, arrays_zip(NULL) c, shuffle(NULL) d"))


def test_to_timestamp_of_booleans_and_binaries_reads_their_text(spark, golden):
    golden.check_df(spark.sql("SELECT to_timestamp(X'323032302d30312d3031') a, try_to_timestamp(true) b, to_timestamp_ltz(X'323032302d30312d3031') c"))
    golden.check_error(lambda: spark.sql("SELECT to_timestamp(true)").collect(), "boolean")
    golden.check_error(lambda: spark.sql("SELECT to_timestamp_ltz(false)").collect(), "boolean_ltz")


def test_to_binary_format_is_a_literal_of_four(spark, golden):
    golden.check_df(spark.sql("SELECT to_binary('616263', 'HEX') a, to_binary('abc', NULL) b, try_to_binary('abc', 'utf-8') c"))
    # try_to_binary gives NULL for an unknown atomic format, and fails like to_binary for the rest.
    golden.check_df(spark.sql("SELECT try_to_binary('abc', 1) a, try_to_binary('abc', 'bogus') b, try_to_binary('abc', true) c"), "try")
    for name, format in {"number": "1", "unknown": "'bogus'", "boolean": "true"}.items():
        golden.check_error(lambda: spark.sql(f"SELECT to_binary('abc', {format})").collect(), name)
    for name, format in {"array": "array('hex')", "map": "map('a', 'b')"}.items():
        golden.check_error(lambda: spark.sql(f"SELECT try_to_binary('abc', {format})").collect(), name)
    golden.check_error(lambda: spark.sql("SELECT to_binary('abc', s) FROM VALUES ('hex') AS t(s)").collect(), "column")


def test_format_string_prints_nested_values_as_spark_holds_them(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT format_string('%s', a) a, format_string('%s', s) b, printf('%s|%10s|', map('k', array(1)), array(1)) c, "
            "format_string('%s %d', array(1.5D, NULL), 3) d, format_string('%s %s', array(DATE'2020-01-01', NULL), array(CAST(0.1 AS FLOAT), 1.0E10F)) e, "
            "format_string('%s', X'0102') LIKE '[B@%' f "
            "FROM VALUES (array('x', 'y'), named_struct('a', 1, 'b', 'x')) AS t(a, s)"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT format_string('%d', array(1))").collect(), "array_as_integer")


def test_decode_as_a_case(spark, golden):
    """decode(expr, search, result, …[, default]): NULL matches NULL, and
    without a default the NULL default is a STRING that takes part in the type."""
    golden.check_df(
        spark.sql(
            "SELECT decode(NULL, NULL, 'n', 'd') a, decode(2, 1, 'a', 2, 'b') b, decode(3, 1, 'a') c, decode('2', 2, 1.5, 3, 2) d, "
            "decode(1, 1, 'x', 'y') e, decode(2, 2, 1.5, 2) f, decode(1, 1, 2) g, decode(1, 1, true) h, decode(X'616263', 'utf-8') i"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT decode(1, 1, array(1))").collect(), "array_without_default")


def test_null_formats_and_scalar_misuses(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT to_date('2020-01-01', NULL) a, to_timestamp('2020', NULL) b, try_to_date(1, NULL) c, schema_of_variant_agg(NULL) d, "
            "typeof(CASE WHEN true THEN true ELSE 'x' END) e, typeof(CASE WHEN true THEN X'01' ELSE 'x' END) f, split('a,b,c', ',', 2) g"
        )
    )
    for name, call in {"range": "range(1)", "sql_keywords": "sql_keywords()", "split_limit": "split('abc', 'b', 'abc')", "regexp_instr_index": "regexp_instr('abc', 'b', 'abc')"}.items():
        golden.check_error(lambda: spark.sql(f"SELECT {call}").collect(), name)


def test_trims_take_the_characters_first(spark, golden):
    """ltrim/rtrim/trim of two arguments are (trimStr, str), from SQL and from the DataFrame API."""
    golden.check_df(
        spark.sql(
            "SELECT ltrim('xxa', 'x') a, ltrim('x', 'xxa') b, rtrim('x', 'axx') c, btrim('xxaxx', 'x') d, "
            "TRIM(LEADING 'x' FROM 'xxa') e, TRIM(BOTH 'x' FROM 'xxaxx') f, TRIM('  a  ') g"
        )
    )
    df = spark.createDataFrame([("xxaxx",)], "c string")
    golden.check_df(df.select(F.ltrim("c", F.lit("x")), F.rtrim("c", F.lit("x")), F.trim("c", F.lit("x")), F.ltrim("c")), "dataframe")


def test_first_and_any_value_take_ignore_nulls(spark, golden):
    golden.check_df(spark.sql("SELECT any_value(NULL, true) a, first_value(1, false) b, last_value(2, true) c, first(3, true) d"))
    golden.check_error(lambda: spark.sql("SELECT first_value(1, 2)").collect(), "first_value")
    golden.check_error(lambda: spark.sql("SELECT any_value(1, 'abc')").collect(), "any_value")


def test_instr_with_start_and_occurrence(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT instr('abcabcabc', 'bc', 3), instr('aaaa', 'aa', 1, 2), instr('aaaa', 'aa', -1, 2), instr('abcabc', 'abc', -2), "
            "instr('abc', 'a', -4), instr('abc', 'b', 0), instr('abc', '', 0), instr('héllo wörld ö', 'ö', -1), "
            "instr('abc', 'b', NULL), instr(NULL, 'b', 1, 0), instr('abc', 'b', 2L), instr(1, 'b', 1, 1)"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT instr('abc', 'b', 1, 0)").collect(), "occurrence")
    golden.check_error(lambda: spark.sql("SELECT instr('abc', 'b', true)").collect(), "start_type")
    golden.check_error(lambda: spark.sql("SELECT instr('abc', 'b', 1, 1, 1)").collect(), "arity")


@requires_client("4.3")
def test_instr_api_with_start_and_occurrence(spark, golden):
    df = spark.createDataFrame([("aabcdb",), ("xyz",), (None,)], "s string")
    golden.check_df(df.select(F.instr("s", "b", 1, 2), F.instr(df.s, "b", -1), F.instr("s", F.lit("b"), F.lit(3))))


def test_ceil_and_floor_scale_checks(spark, golden):
    golden.check_df(
        spark.sql("SELECT ceil('1.55', 1), floor(NULL, 1), ceil(1.5F, 1), ceil(5L, -1), floor(1.55, 1 + 1), ceil(1.5, 40), floor(1.5, -40)")
    )
    for name, sql in [
        ("bigint_scale", "SELECT ceil(1.55, 1L)"),
        ("null_scale", "SELECT floor(X'0102', NULL)"),
        ("column_scale", "SELECT ceil(1.5, x) FROM VALUES (1) t(x)"),
        ("boolean_value", "SELECT ceiling(true, 1)"),
        ("interval_value", "SELECT floor(INTERVAL '1' DAY, 1)"),
        ("string_value", "SELECT ceil('abc', 1)"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_untyped_nulls_and_argument_types(spark, golden):
    queries = [
        "SELECT make_timestamp(DATE'2020-01-01', NULL, NULL), make_timestamp_ntz(DATE'2020-01-01', NULL)",
        "SELECT unix_timestamp('abc', NULL), to_unix_timestamp('2020-01-01', NULL)",
        "SELECT array_join(NULL, NULL), array_join(NULL, 'a', 'b')",
        "SELECT array_join(NULL, NULL, 1)",
        "SELECT array_position(NULL, 1)",
        "SELECT array_prepend(NULL, 1)",
        "SELECT collect_set(NULL), collect_list(NULL), array_agg(NULL)",
        "SELECT bitmap_count(NULL)",
        "SELECT map(NULL, 1)",
        "SELECT transform_keys(map('k', 1), (k, v) -> NULL)",
        "SELECT arrays_zip(), arrays_zip(array(1), array('a'))",
        "SELECT arrays_zip(array(1, 2), array(1, 2), 1)",
        "SELECT mask('abc', 'X', 1)",
        "SELECT luhn_check(true), luhn_check(X'01'), luhn_check(DATE'2020-01-01')",
        "SELECT luhn_check(array(1))",
        "SELECT overlay('abc', 'x', true)",
        "SELECT overlay('abc', 'abc', 'abc')",
        "SELECT json_tuple(1, 'a')",
        "SELECT max_by(1, 1, 'abc')",
        "SELECT parse_url('http://a/b?x=1', 'QUERY', 1)",
        "SELECT sign(INTERVAL '-1' YEAR), signum(INTERVAL '0' DAY), sign(INTERVAL '1 02:00:00' DAY TO SECOND)",
        "SELECT percentile_cont(1)",
    ]
    check_sql_outcomes(spark, golden, queries)


def test_function_forms_and_null_arguments(spark, golden):
    queries = [
        "SELECT trim('abc', 'abc'), trim('xxaxx', 'x'), trim(BOTH 'x' FROM 'xxaxx'), trim('  a  ')",
        "SELECT unix_timestamp() > 1700000000",
        "SELECT sort_array(array(2, 1), NULL), to_number(NULL, NULL), try_to_number(NULL, NULL)",
        "SELECT to_timestamp_ntz('2020-01-01 10:00', 'yyyy-MM-dd HH:mm'), to_timestamp_ntz(DATE'2020-01-01', 'yyyy'), to_timestamp_ntz(NULL, 'abc')",
        "SELECT to_timestamp_ntz('x', 'yyyy')",
        "SELECT to_timestamp(NULL, 'abc'), to_date(NULL, 'abc')",
        "SELECT map_concat(), typeof(map_concat())",
    ]
    check_sql_outcomes(spark, golden, queries)
    df = spark.createDataFrame([("2020-01-01 10:00",), (None,)], "s string")
    golden.check_df(df.select(F.to_timestamp_ntz("s", F.lit("yyyy-MM-dd HH:mm"))), "api")


def test_results_as_spark_types_them(spark, golden):
    queries = [
        "SELECT typeof(1.5F + 1), 1.5F * 2Y, typeof(coalesce(1.5F, 1)), typeof(array(1.5F, 1)), typeof(greatest(1.5F, 2S)), typeof(1.5F + 1.5F)",
        "SELECT cos(CAST(1.5 AS FLOAT)), sin(1.5F), degrees(1.5F), radians(1.5F), signum(1.5F), zeroifnull(1.5F)",
        "SELECT positive('12'), positive(NULL), bit_and(NULL), bit_or(NULL), bit_xor(NULL)",
        "SELECT positive(true)",
        "SELECT initcap('hello-world foo_bar a.b  x'), initcap('ÉCOLE élan'), initcap('{\"a\":1}')",
        "SELECT levenshtein('abc', 'abd', NULL), regexp_instr('abc', 'b', NULL), regexp_instr('abcd', 'b', 3), locate('b', 'abc', NULL), position('b', 'abc', NULL)",
        "SELECT reverse(X'010203'), max_by('abc', NULL), min_by('abc', NULL)",
    ]
    check_sql_outcomes(spark, golden, queries)


def test_float_arithmetic_is_float_without_ansi(spark, golden):
    from conftest import conf

    with conf(spark, "spark.sql.ansi.enabled", "false"):
        sql = "SELECT typeof(1.5F + 1), typeof(coalesce(1.5F, 1)), 1.5F * 2Y"
        golden.check("legacy", sql_outcome(spark, sql))


def test_concat_kinds_soundex_nullifzero_and_duplicate_keys(spark, golden):
    queries = [
        "SELECT concat(array(1), NULL)",
        "SELECT concat('abc', array(1, 2))",
        "SELECT concat(array(1), array(2)), concat('a', 1, NULL), concat(X'01', X'02')",
        "SELECT nullifzero('abc')",
        "SELECT nullifzero('12'), nullifzero(0), nullifzero(NULL), nullif(1, 1), nullif('a', 'b')",
        "SELECT str_to_map('a:1,a:2')",
        "SELECT soundex(1)",
        "SELECT soundex('Robert'), soundex(NULL)",
    ]
    check_sql_outcomes(spark, golden, queries)


def test_like_with_an_escape_character(spark, golden):
    queries = [
        "SELECT like('a_c', 'a!_c', '!'), ilike('A_C', 'a!_c', '!'), 'a%c' LIKE 'a!%c' ESCAPE '!', 'abc' ILIKE 'A%' ESCAPE '!', 'a_c' NOT LIKE 'a!_c' ESCAPE '!'",
        "SELECT like('a\\\\b', 'a\\\\b', '!'), like('a!b', 'a!!b', '!'), like('x%', '%!%', '!')",
        "SELECT like(x, 'a!_c', '!') FROM VALUES ('a_c'), ('abc') t(x)",
        "SELECT 'abc' LIKE 'abc' ESCAPE 'xy'",
        "SELECT like('abc', 'abc', 'xy')",
        "SELECT like('abc', 'a%', NULL)",
        "SELECT like('a!b', 'a!b', '!')",
    ]
    check_sql_outcomes(spark, golden, queries)
    df = spark.createDataFrame([("a_c",), ("abc",)], "s string")
    golden.check_df(df.select(F.like("s", F.lit("a!_c"), F.lit("!")), F.ilike("s", F.lit("A%"))), "api")


def test_timestampadd_and_timestampdiff_units(spark, golden):
    from conftest import conf

    queries = [
        "SELECT timestampadd(DAY, 1, TIMESTAMP'2024-03-09 02:30:00'), timestampadd(HOUR, 24, TIMESTAMP'2024-03-09 02:30:00'), "
        "timestampadd(MONTH, 1, DATE'2024-01-31'), timestampadd(QUARTER, 1, TIMESTAMP_NTZ'2024-11-30 10:00:00'), "
        "timestampadd(YEAR, -1, TIMESTAMP'2024-02-29 00:00:00'), timestampadd(WEEK, 2, DATE'2024-01-01'), "
        "timestampadd(MILLISECOND, 1500, TIMESTAMP'2024-01-01 00:00:00'), dateadd(DAYOFYEAR, 3, DATE'2024-01-01')",
        "SELECT timestampdiff(DAY, TIMESTAMP'2024-03-09 03:00:00', TIMESTAMP'2024-03-10 02:59:00'), "
        "timestampdiff(HOUR, TIMESTAMP'2024-03-09 03:00:00', TIMESTAMP'2024-03-10 03:00:00'), timestampdiff(MONTH, DATE'2024-01-31', DATE'2024-02-29'), "
        "timestampdiff(MONTH, TIMESTAMP'2024-01-31 10:00:00', TIMESTAMP'2024-02-29 09:00:00'), timestampdiff(YEAR, DATE'2020-02-29', DATE'2024-02-28'), "
        "timestampdiff(QUARTER, DATE'2024-01-15', DATE'2023-10-16'), timestampdiff(WEEK, DATE'2024-01-01', DATE'2024-01-14'), "
        "datediff(MICROSECOND, TIMESTAMP_NTZ'2024-01-01 00:00:00', TIMESTAMP_NTZ'2024-01-01 00:00:01')",
        "SELECT typeof(timestampadd(DAY, 1, DATE'2024-01-01')), typeof(timestampadd(DAY, 1, TIMESTAMP_NTZ'2024-01-01 00:00:00')), "
        "typeof(timestampdiff(DAY, TIMESTAMP_NTZ'2024-01-01 00:00:00', DATE'2024-01-02'))",
        "SELECT timestampadd(DAY, 3000000000, DATE'2024-01-01')",
        "SELECT date_diff(day, DATE'2024-01-01', DATE'2024-03-01'), date_add(Month, 1, DATE'2024-01-31'), timestampadd(DAY, 1.5, DATE'2024-01-01'), "
        "timestampadd(DAY, NULL, DATE'2024-01-01'), timestampdiff(SECOND, NULL, DATE'2024-01-01')",
    ]
    with conf(spark, "spark.sql.session.timeZone", "America/Los_Angeles"):
        check_sql_outcomes(spark, golden, queries)
    df = spark.createDataFrame([(datetime.datetime(2024, 1, 31, 10, 0), datetime.date(2024, 3, 1), 2)], "t timestamp, d date, n int")
    golden.check_df(df.select(F.timestamp_add("day", F.col("n"), "t"), F.timestamp_add("MONTH", F.lit(1), "t"), F.timestamp_diff("WEEK", "t", "d")), "api")
    golden.check_error(lambda: df.select(F.timestamp_diff("fortnight", "t", "d")).collect(), "unit")


def test_week_based_patterns_and_nth_value_flags(spark, golden):
    queries = [
        "SELECT to_date('2020', 'YYYY')",
        "SELECT date_format(TIMESTAMP'2020-01-01 00:00:00', 'yyyy-ww')",
        "SELECT to_date('2020', 'e')",
        "SELECT date_format(TIMESTAMP'2020-01-01 00:00:00', 'abc')",
        "SELECT to_date('2020', 'true')",
        "SELECT to_date('2020', 'u')",
        "SELECT nth_value(1, 1, 'abc')",
        "SELECT get(map('k', 1), 1)",
    ]
    check_sql_outcomes(spark, golden, queries)


def test_pattern_letters_as_spark_reads_them(spark, golden):
    from conftest import conf

    queries = [
        "SELECT date_format(TIMESTAMP'2020-05-01 00:00:00', 'Q'), date_format(TIMESTAMP'2020-05-01 00:00:00', 'QQ'), "
        "date_format(TIMESTAMP'2020-05-01 00:00:00', 'QQQ'), date_format(TIMESTAMP'2020-05-01 00:00:00', 'QQQQ'), "
        "date_format(TIMESTAMP'2020-05-01 00:00:00', 'q'), date_format(TIMESTAMP'2020-05-01 00:00:00', 'qqq')",
        "SELECT date_format(TIMESTAMP'2020-05-01 00:00:00', 'O'), date_format(TIMESTAMP'2020-05-01 00:00:00', 'OOOO')",
        "SELECT to_date('2020 2', 'yyyy q')",
        "SELECT to_date('2020', 'b')",
        "SELECT date_format(TIMESTAMP'2020-05-01 00:00:00', 'yyyy A')",
    ]
    with conf(spark, "spark.sql.session.timeZone", "Asia/Kolkata"):
        check_sql_outcomes(spark, golden, queries)


def test_error_parameters_of_charsets_algorithms_and_joins(spark, golden):
    queries = [
        "SELECT encode('abc', 'x')",
        "SELECT decode(X'01', 'x')",
        "SELECT hmac('abc', 'abc', TIMESTAMP'2020-01-01 01:02:03')",
        "SELECT array_join(1, ',')",
    ]
    check_sql_outcomes(spark, golden, queries)


def test_interval_casts_unit_arities_and_widened_inserts(spark, golden):
    queries = [
        "SELECT binary(INTERVAL '1' DAY)",
        "SELECT boolean(INTERVAL '1' YEAR)",
        "SELECT date_add(NULL, NULL, NULL)",
        "SELECT zeroifnull(INTERVAL '1' DAY)",
        "SELECT listagg('abc', map('k', 1))",
        "SELECT listagg(x, 1) FROM VALUES ('a'), ('b') t(x)",
        "SELECT variant_strip_nulls(NULL, 'abc')",
        "SELECT array_insert(array(1, 2), 1, 1.5D), array_insert(array(1, 2), 2, 3)",
        "SELECT validate_utf8(TIMESTAMP'2020-01-01 01:02:03'), make_valid_utf8(1.5D)",
    ]
    check_sql_outcomes(spark, golden, queries)


def test_null_literals_fold_null_intolerant_calls(spark, golden):
    queries = [
        "SELECT pow(NULL, 'abc'), atan2('abc', NULL), lpad('abc', 'abc', NULL), substr('abc', 'abc', NULL), make_date('abc', 'abc', NULL), "
        "date_add('abc', NULL), levenshtein('abc', NULL, 'abc'), instr('abc', NULL, 'abc')",
        "SELECT typeof(pow(NULL, 2)), upper(NULL), length(CAST(NULL AS STRING)), round(NULL, 2), concat('a', NULL), abs(NULL)",
    ]
    check_sql_outcomes(spark, golden, queries)


def test_substring_needs_a_position(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT substr('abc')").collect())
    golden.check_df(spark.sql("SELECT substring('abc' FROM 2), substring('abc' FROM 2 FOR 1), substr('abc', 2)"), "forms")
