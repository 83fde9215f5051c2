"""`spark.catalog.listCatalogs` and `setCurrentCatalog`: the session catalog only."""


def test_list_catalogs(spark, golden):
    golden.check("all", [repr(c) for c in spark.catalog.listCatalogs()])
    golden.check("matching", [repr(c) for c in spark.catalog.listCatalogs("spark*")])
    golden.check("none", [repr(c) for c in spark.catalog.listCatalogs("nothing*")])


def test_set_current_catalog(spark, golden):
    spark.catalog.setCurrentCatalog("spark_catalog")
    golden.check("current", spark.catalog.currentCatalog())
    golden.check_error(lambda: spark.catalog.setCurrentCatalog("missing_catalog"), "missing")
