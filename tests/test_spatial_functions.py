"""Spark 4.3's GEOMETRY(srid)/GEOGRAPHY(srid) types and the geospatial
functions st_geomfromwkb, st_geogfromwkb, st_asbinary, st_srid and
st_setsrid: WKB of every geometry kind and byte order, SRIDs fixed by a
literal or carried per row (ANY), casts between the spatial types, show()
text, and Spark's errors for malformed WKB, unknown SRIDs, endianness and
argument types."""

import struct

from pyspark.sql import functions as F

from conftest import requires_client

pytestmark = requires_client("4.1")


def point(x, y, big_endian=False):
    order = ">" if big_endian else "<"
    return bytes([0 if big_endian else 1]) + struct.pack(order + "Idd", 1, x, y)


def wkb(code, *parts):
    return b"\x01" + struct.pack("<I", code) + b"".join(parts)


LINE = wkb(2, struct.pack("<I4d", 2, 1.0, 2.0, 3.0, 4.0))
SQUARE = wkb(3, struct.pack("<II8d", 1, 4, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0))
MULTI = wkb(4, struct.pack("<I", 2), point(1.0, 2.0), point(3.0, 4.0, big_endian=True))
COLLECTION = wkb(7, struct.pack("<I", 2), point(1.0, 2.0), LINE)
POINT_Z = wkb(1001, struct.pack("<3d", 1.0, 2.0, 3.0))
EMPTY_POINT = point(float("nan"), float("nan"))


def shapes(spark):
    rows = [
        (1, point(1.0, 2.0)),
        (2, point(1.0, 2.0, big_endian=True)),
        (3, LINE),
        (4, SQUARE),
        (5, MULTI),
        (6, COLLECTION),
        (7, POINT_Z),
        (8, EMPTY_POINT),
        (9, point(1.0, 2.0) + b"\x00\x00"),
        (10, None),
    ]
    return spark.createDataFrame(rows, "id int, wkb binary")


def test_from_wkb_and_back(spark, golden):
    df = shapes(spark).select(
        "id", F.st_geomfromwkb("wkb").alias("g"), F.st_geogfromwkb("wkb").alias("h")
    )
    golden.check_df(df.orderBy("id"), "values")
    golden.check_df(
        df.select(
            "id",
            F.st_srid("g"),
            F.st_srid("h"),
            F.st_asbinary("g"),
            F.st_asbinary("h", F.lit("XDR")),
            F.st_asbinary("g", F.lit("ndr")),
        ).orderBy("id"),
        "binary",
    )


def test_srid_arguments(spark, golden):
    df = shapes(spark).where("id <= 2").withColumn(
        "s", F.when(F.col("id") == 1, F.lit(3857)).otherwise(F.lit(2154))
    )
    golden.check_df(
        df.select(
            "id",
            F.st_geomfromwkb("wkb", 4326),
            F.st_srid(F.st_geomfromwkb("wkb", "s")),
            F.st_srid(F.st_setsrid(F.st_geomfromwkb("wkb"), "s")),
            F.st_setsrid(F.st_geogfromwkb("wkb"), 4326),
            F.st_setsrid(F.st_geomfromwkb("wkb"), 3857),
        ).orderBy("id"),
        "columns",
    )
    golden.check_df(
        spark.sql(
            "SELECT typeof(st_setsrid(st_geomfromwkb(w), s)) AS any_srid, "
            "st_setsrid(st_geomfromwkb(w), CAST(NULL AS INT)) AS null_srid, "
            "st_srid(st_geomfromwkb(w, '4326')) AS text_srid, "
            "typeof(st_geogfromwkb(w)) AS geography "
            "FROM VALUES (X'0101000000000000000000F03F0000000000000040', 4326) AS t(w, s)"
        ),
        "sql",
    )


def test_types_in_sql(spark, golden):
    p = "X'0101000000000000000000F03F0000000000000040'"
    golden.check_df(
        spark.sql(
            f"SELECT CAST(NULL AS GEOMETRY(4326)) AS a, CAST(NULL AS GEOGRAPHY(4326)) AS b, "
            f"CAST(NULL AS GEOMETRY(ANY)) AS c, CAST(st_geomfromwkb({p}) AS GEOMETRY(ANY)) AS d, "
            f"CAST(st_geogfromwkb({p}) AS GEOMETRY(4326)) AS e, "
            f"CAST(st_geomfromwkb({p}, 4326) AS GEOGRAPHY(4326)) AS f, "
            f"st_srid(NULL) AS g, st_asbinary(NULL) AS h"
        ),
        "casts",
    )
    golden.check_df(
        spark.sql(
            f"SELECT array(st_geomfromwkb({p})) AS a, named_struct('x', st_geogfromwkb({p})) AS b, "
            f"typeof(CAST(NULL AS GEOGRAPHY(ANY))) AS c"
        ),
        "nested",
    )
    golden.check_df(
        spark.sql(
            f"SELECT st_srid(g) AS s FROM (SELECT st_geomfromwkb({p}, 3857) AS g "
            f"UNION ALL SELECT st_geomfromwkb({p}, 4326)) ORDER BY s"
        ),
        "union",
    )


def test_malformed_wkb(spark, golden):
    cases = {
        "empty": "X''",
        "short": "X'0102'",
        "byte_order": "X'0201000000000000000000F03F0000000000000040'",
        "type": "X'010800000000000000000000000000000000000000'",
        "truncated": "X'0101000000000000000000F03F0000000000'",
        "infinite": "X'0101000000000000000000F07F0000000000000040'",
        "one_point_line": "X'010200000001000000000000000000F03F0000000000000040'",
        "negative_count": "X'0102000000FFFFFFFF'",
        "count_too_large": "X'0102000000E8030000'",
        "open_ring": "X'01030000000100000004000000"
        + "0000000000000000" * 2
        + "000000000000F03F0000000000000000"
        + "000000000000F03F000000000000F03F"
        + "0000000000000000000000000000F03F'",
        "line_in_multipoint": "X'010400000001000000010200000002000000"
        + "000000000000F03F0000000000000040"
        + "00000000000008400000000000001040'",
        "mixed_dimensions": "X'01040000000100000001E9030000"
        + "000000000000F03F00000000000000400000000000000840'",
    }
    for name, literal in cases.items():
        golden.check_error(lambda: spark.sql(f"SELECT st_geomfromwkb({literal})").collect(), name)
    out_of_range = "X'010100000000000000000069400000000000002440'"
    golden.check_error(lambda: spark.sql(f"SELECT st_geogfromwkb({out_of_range})").collect(), "longitude")
    golden.check_df(spark.sql(f"SELECT st_asbinary(st_geomfromwkb({out_of_range})) AS planar"), "planar")


def test_srid_and_endianness_errors(spark, golden):
    p = "X'0101000000000000000000F03F0000000000000040'"
    golden.check_error(lambda: spark.sql(f"SELECT st_geomfromwkb({p}, 12345)").collect(), "unknown_srid")
    golden.check_error(lambda: spark.sql(f"SELECT st_setsrid(st_geomfromwkb({p}), -1)").collect(), "negative_srid")
    golden.check_error(lambda: spark.sql(f"SELECT st_setsrid(st_geogfromwkb({p}), 3857)").collect(), "planar_geography")
    golden.check_error(
        lambda: spark.sql(f"SELECT st_setsrid(st_geomfromwkb({p}), s) FROM VALUES (4326), (1) AS t(s)").collect(),
        "row_srid",
    )
    golden.check_error(lambda: spark.sql("SELECT CAST(NULL AS GEOGRAPHY(0))").collect(), "ddl_srid")
    golden.check_error(lambda: spark.sql(f"SELECT st_asbinary(st_geomfromwkb({p}), 'XDR ')").collect(), "endianness")


def test_argument_type_errors(spark, golden):
    p = "X'0101000000000000000000F03F0000000000000040'"
    golden.check_error(lambda: spark.sql("SELECT st_srid(X'01')").collect(), "srid_of_binary")
    golden.check_error(lambda: spark.sql("SELECT st_geomfromwkb(1)").collect(), "wkb_of_int")
    golden.check_error(lambda: spark.sql(f"SELECT st_geogfromwkb({p}, 4326)").collect(), "geography_srid")
    golden.check_error(lambda: spark.sql(f"SELECT CAST(st_geomfromwkb({p}) AS STRING)").collect(), "to_string")
    golden.check_error(lambda: spark.sql(f"SELECT CAST(st_geomfromwkb({p}) AS GEOMETRY(4326))").collect(), "other_srid")
    golden.check_error(lambda: spark.sql(f"SELECT CAST(st_geogfromwkb({p}) AS GEOMETRY(ANY))").collect(), "to_any_geometry")
    golden.check_error(lambda: spark.sql(f"SELECT st_geomfromwkb({p}) = st_geomfromwkb({p})").collect(), "equality")


def test_local_data_srids_are_checked(spark, golden):
    """Values handed to createDataFrame must carry their column type's SRID
    (or, for ANY, one valid for their kind), in nested columns too; NULLs pass."""
    from pyspark.sql.types import Geography, Geometry

    p = point(17.0, 7.0)
    golden.check_error(
        lambda: spark.createDataFrame([(1, Geometry.fromWKB(p, 0))], "id INT, g GEOMETRY(4326)").collect(),
        "geometry_mismatch",
    )
    golden.check_error(
        lambda: spark.createDataFrame([(1, Geography.fromWKB(p, 0))], "id INT, g GEOGRAPHY(4326)").schema,
        "geography_mismatch_at_analysis",
    )
    golden.check_error(
        lambda: spark.createDataFrame([(1, [Geometry.fromWKB(p, 0)])], "id INT, g ARRAY<GEOMETRY(4326)>").collect(),
        "nested_mismatch",
    )
    golden.check_error(
        lambda: spark.createDataFrame(
            [(1, Geometry.fromWKB(p, 0)), (2, Geometry.fromWKB(p, 1))], "id INT, g GEOMETRY(ANY)"
        ).collect(),
        "any_invalid_srid",
    )
    golden.check_error(
        lambda: spark.createDataFrame([(1, Geography.fromWKB(p, 3857))], "id INT, g GEOGRAPHY(ANY)").select("id").collect(),
        "any_planar_geography",
    )
    df = spark.createDataFrame(
        [(1, Geometry.fromWKB(p, 3857), None), (2, Geometry.fromWKB(p, 0), Geography.fromWKB(p, 4326))],
        "id INT, g GEOMETRY(ANY), h GEOGRAPHY(4326)",
    )
    golden.check_df(df.select("id", F.st_srid("g"), F.st_srid("h"), F.st_asbinary("g")), "valid")
