"""DataFrame.na: drop, fill and replace in their argument forms (relations DropNa, FillNa, NAReplace)."""

import pytest


@pytest.fixture
def frame(spark):
    return spark.createDataFrame(
        [
            (1, "alice", 34.5, True, 10),
            (2, None, None, None, None),
            (None, "carla", float("nan"), False, 30),
            (4, None, 52.0, None, 40),
            (None, None, None, None, None),
        ],
        "id int, name string, score double, ok boolean, n long",
    )


def test_dropna_any(frame, golden):
    golden.check_df(frame.dropna())


def test_dropna_all(frame, golden):
    golden.check_df(frame.na.drop(how="all"))


def test_dropna_thresh(frame, golden):
    golden.check_df(frame.dropna(thresh=3))


def test_dropna_subset(frame, golden):
    golden.check_df(frame.na.drop(subset=["id", "name"]))


def test_dropna_subset_string(frame, golden):
    golden.check_df(frame.dropna("any", subset="name"))


def test_fillna_int(frame, golden):
    golden.check_df(frame.fillna(0))


def test_fillna_double(frame, golden):
    golden.check_df(frame.na.fill(1.5))


def test_fillna_string(frame, golden):
    golden.check_df(frame.fillna("unknown"))


def test_fillna_bool(frame, golden):
    golden.check_df(frame.fillna(True))


def test_fillna_subset(frame, golden):
    golden.check_df(frame.fillna(7, subset=["id"]))


def test_fillna_dict(frame, golden):
    golden.check_df(frame.fillna({"id": 0, "name": "n/a", "score": 0.25, "ok": False}))


def test_replace_scalar(frame, golden):
    golden.check_df(frame.replace(10, 11))


def test_replace_list(frame, golden):
    golden.check_df(frame.na.replace(["alice", "carla"], ["ALICE", "CARLA"]))


def test_replace_dict_subset(frame, golden):
    golden.check_df(frame.replace({34.5: 35.0, 52.0: 0.0}, subset=["score"]))


def test_replace_with_none(frame, golden):
    golden.check_df(frame.replace("alice", None))


def test_replace_single_value_for_list(frame, golden):
    golden.check_df(frame.replace(["alice", "carla"], "x", "name"))


def test_fillna_string_skips_other_types_in_subset(frame, golden):
    golden.check_df(frame.fillna("x", subset=["id", "name"]))


def test_fillna_double_into_long_and_int(frame, golden):
    golden.check_df(frame.select("id", "n").fillna(2.7))


def test_replace_booleans(frame, golden):
    golden.check_df(frame.replace(True, False))


def test_replace_dict_to_none(frame, golden):
    golden.check_df(frame.na.replace({"alice": None, "carla": "C"}))


def test_dropna_thresh_zero_keeps_all(frame, golden):
    golden.check_df(frame.dropna(thresh=0))


def test_replace_nan_and_infinity_leaves_other_columns(spark, golden):
    import decimal
    df = spark.createDataFrame([(1, 1.5, decimal.Decimal("1.10")), (3, float("nan"), None), (4, float("inf"), decimal.Decimal("-3.30"))], "id int, d double, m decimal(38,2)")
    golden.check_df(df.na.replace(float("nan"), 0.0), "nan")
    golden.check_df(df.na.replace(float("inf"), 7.0), "infinity")
