"""`spark.catalog.functionExists` for built-in functions and registered UDFs."""


def test_function_exists(spark, golden):
    spark.udf.register("plus_one_udf", lambda x: x + 1, "int")
    names = ["abs", "ABS", "upper", "explode", "count", "date_add", "plus_one_udf", "no_such_function"]
    golden.check("exists", {name: spark.catalog.functionExists(name) for name in names})
    spark.sql("DROP TEMPORARY FUNCTION plus_one_udf")
    golden.check("dropped", spark.catalog.functionExists("plus_one_udf"))


def test_show_functions(spark, golden):
    spark.udf.register("plus_one_udf", lambda x: x + 1, "int")
    try:
        golden.check_df(spark.sql("SHOW FUNCTIONS LIKE 'abs'"), "like")
        golden.check_df(spark.sql("SHOW FUNCTIONS 'array_*|upper'"), "alternatives")
        golden.check_df(spark.sql("SHOW SYSTEM FUNCTIONS LIKE 'date_*'"), "system")
        golden.check_df(spark.sql("SHOW USER FUNCTIONS LIKE 'plus*'"), "user")
        golden.check_df(spark.sql("SHOW ALL FUNCTIONS LIKE 'plus*'"), "all")
        golden.check_df(spark.sql("SHOW SYSTEM FUNCTIONS LIKE 'plus*'"), "system_without_udfs")
    finally:
        spark.sql("DROP TEMPORARY FUNCTION plus_one_udf")


def test_describe_function(spark, golden):
    # Name and class; Ember does not carry Spark's usage texts (its documentation).
    for query, name in [("DESCRIBE FUNCTION abs", "builtin"), ("DESC FUNCTION `+`", "operator"),
                        ("DESCRIBE FUNCTION 'upper'", "quoted")]:
        golden.check(name, [r.function_desc for r in spark.sql(query).collect()[:2]])
    spark.udf.register("plus_one_udf", lambda x: x + 1, "int")
    try:
        # Spark's class of a Python UDF is a JVM lambda's generated name.
        rows = [r.function_desc for r in spark.sql("DESCRIBE FUNCTION EXTENDED plus_one_udf").collect()]
        golden.check("udf", [rows[0], rows[2], rows[3]])
    finally:
        spark.sql("DROP TEMPORARY FUNCTION plus_one_udf")
    golden.check_error(lambda: spark.sql("DESCRIBE FUNCTION no_such_function").collect(), "unknown")


def test_create_temporary_function(spark, golden):
    golden.check_error(lambda: spark.sql("CREATE TEMPORARY FUNCTION f1 AS 'com.example.NoSuch'"), "class_not_found")
    spark.udf.register("plus_one_udf", lambda x: x + 1, "int")
    try:
        golden.check_error(lambda: spark.sql("CREATE TEMPORARY FUNCTION plus_one_udf AS 'com.example.NoSuch'"), "exists")
        golden.check_error(
            lambda: spark.sql("CREATE TEMPORARY FUNCTION default.f2 AS 'com.example.NoSuch'"), "with_database"
        )
        golden.check("still_registered", spark.sql("SELECT plus_one_udf(1) AS v").first().v)
    finally:
        spark.sql("DROP TEMPORARY FUNCTION IF EXISTS plus_one_udf")


def test_list_and_get_functions(spark, golden):
    spark.udf.register("plus_one_udf", lambda x: x + 1, "int")
    try:
        functions = {f.name: f for f in spark.catalog.listFunctions()}
        golden.check(
            "listed",
            {name: name in functions for name in ["abs", "+", "like", "to_date", "current_database", "plus_one_udf", "no_such"]},
        )
        # Every field but the description: Ember does not carry Spark's usage texts.
        without_description = lambda f: [f.name, f.catalog, f.namespace, f.className, f.isTemporary]
        golden.check("plus", without_description(functions["+"]))
        golden.check("pattern", sorted(f.name for f in spark.catalog.listFunctions(pattern="array_*")))
        golden.check("none", spark.catalog.listFunctions(pattern="*not_existing_func*"))
        golden.check("abs", without_description(spark.catalog.getFunction("abs")))
        udf = spark.catalog.getFunction("plus_one_udf")
        golden.check("udf", [udf.name, udf.catalog, udf.namespace, udf.description, udf.isTemporary])
        golden.check_error(lambda: spark.catalog.getFunction("no_such_function"), "unknown")
    finally:
        spark.sql("DROP TEMPORARY FUNCTION plus_one_udf")


def test_persistent_functions(spark, golden):
    """`CREATE FUNCTION … AS 'class'` is stored without loading the class;
    calling it fails as the class is not on the classpath."""
    try:
        spark.sql("CREATE FUNCTION pf1 AS 'com.example.A'")
        golden.check_error(lambda: spark.sql("CREATE FUNCTION pf1 AS 'com.example.B'"), "already_exists")
        spark.sql("CREATE FUNCTION IF NOT EXISTS pf1 AS 'com.example.B'")
        spark.sql("CREATE OR REPLACE FUNCTION pf1 AS 'com.example.C'")
        golden.check_df(spark.sql("DESCRIBE FUNCTION pf1"), "describe")
        golden.check_df(spark.sql("SHOW USER FUNCTIONS LIKE 'pf*'"), "show")
        golden.check_error(lambda: spark.sql("SELECT pf1(1)").collect(), "call")
        golden.check_error(lambda: spark.sql("CREATE FUNCTION nodb.pf2 AS 'x'"), "no_database")
        names = ["pf1", "default.pf1", "spark_catalog.default.pf1", "abs", "default.abs"]
        golden.check("exists", {name: spark.catalog.functionExists(name) for name in names})
        golden.check("get", list(spark.catalog.getFunction("spark_catalog.default.pf1")))
        golden.check("listed", [list(f) for f in spark.catalog.listFunctions(pattern="pf*")])
        golden.check_error(lambda: spark.catalog.listFunctions("does_not_exist"), "list_unknown_database")
        spark.sql("DROP FUNCTION pf1")
        golden.check_error(lambda: spark.sql("DROP FUNCTION pf1"), "dropped")
        golden.check("after_drop", spark.catalog.functionExists("pf1"))
    finally:
        spark.sql("DROP FUNCTION IF EXISTS pf1")
