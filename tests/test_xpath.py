"""Spark's XPath functions: xpath (node values: NULL for elements),
xpath_string, xpath_boolean and the numeric forms with Java's conversions
(NaN, truncation, saturation), NULL and empty documents, and Spark's errors
for a non-string document and a path that is not a constant."""

from pyspark.sql import functions as F

DOC = "<a><b k='1'>b1</b><b k='2'>b2</b><c>3.7</c><d>-1.5</d><e>1e20</e><f>70000</f><g>x</g></a>"


def docs(spark):
    return spark.createDataFrame([(DOC,), ("",), (None,)], "x string")


def test_xpath_node_values(spark, golden):
    golden.check_df(
        docs(spark).select(
            F.xpath("x", F.lit("a/b/text()")),
            F.xpath("x", F.lit("a/b")),
            F.xpath("x", F.lit("a/b/@k")),
            F.xpath("x", F.lit("a/z/text()")),
        )
    )


def test_xpath_string_and_boolean(spark, golden):
    golden.check_df(
        docs(spark).select(
            F.xpath_string("x", F.lit("a/b")),
            F.xpath_string("x", F.lit("a/z")),
            F.xpath_string("x", F.lit("a/b[2]/@k")),
            F.xpath_string("x", F.lit("count(a/b)")),
            F.xpath_string("x", F.lit("name(a/*[3])")),
            F.xpath_boolean("x", F.lit("a/b")),
            F.xpath_boolean("x", F.lit("a/c = 3.7")),
            F.xpath_boolean("x", F.lit("a/z")),
        )
    )


def test_xpath_numbers(spark, golden):
    df = docs(spark)
    golden.check_df(
        df.select(
            F.xpath_int("x", F.lit("sum(a/b/@k)")),
            F.xpath_int("x", F.lit("a/c")),
            F.xpath_int("x", F.lit("a/d")),
            F.xpath_int("x", F.lit("a/e")),
            F.xpath_long("x", F.lit("a/c * 1000000000000")),
            F.xpath_short("x", F.lit("a/f")),
            F.xpath_int("x", F.lit("a/f * 100000")),
            F.xpath_float("x", F.lit("a/c")),
            F.xpath_double("x", F.lit("a/g")),
            F.xpath_number("x", F.lit("a/d div 0")),
            F.xpath_double("x", F.lit("a/z")),
        )
    )
    golden.check_df(spark.sql("SELECT xpath_int('<a>1</a>', 'a'), xpath_string('<a>1</a>', NULL), xpath(NULL, 'a')"), "sql")


def test_xpath_errors(spark, golden):
    df = spark.createDataFrame([("<a>1</a>", "a")], "x string, p string")
    golden.check_error(lambda: df.select(F.xpath_string("x", "p")).collect(), "path_column")
    golden.check_error(lambda: df.select(F.xpath_int(F.lit(1), F.lit("a"))).collect(), "int_document")
