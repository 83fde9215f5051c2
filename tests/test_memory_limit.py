"""A server started with a small memory limit (`--memory-limit`) still
answers sorts, aggregations and joins bigger than the limit: they spill.

These need the Ember binary, so they are skipped when the suite runs against
another server (EMBER_TEST_REMOTE).
"""

import subprocess

import pytest

from conftest import REMOTE, EmberProcess, ember_binary, new_session

pytestmark = pytest.mark.skipif(
    bool(REMOTE), reason="needs the Ember binary (EMBER_TEST_REMOTE is set)"
)

ROWS = 3_000_000
GROUPS = 1_000_000


@pytest.fixture(scope="module")
def limited_spark(tmp_path_factory):
    """A session on a server whose queries may hold 32 MiB at once."""
    spill = tmp_path_factory.mktemp("spill")
    server = EmberProcess(ember_binary(), ["--memory-limit", "32m", "--local-dir", str(spill)])
    session = new_session(server.url)
    try:
        yield session
    finally:
        session.stop()
        server.terminate()


# Both partitions' sorts fill the limit, and whichever starts second finds
# the pool full: it may still take its first batch, its merge reservation
# comes out of the reserve the spillers cannot touch, and it spills.
def test_sort_bigger_than_the_limit_spills(limited_spark):
    # A full sort of 400k rows of ~100-byte strings (~50 MB).
    n = 400_000
    table = limited_spark.sql(
        f"""
        select k, p from (
            select (id * 7919) % {n} as k, repeat(cast(id as string), 20) as p from range({n})
        ) order by k
        """
    ).toArrow()
    assert table.column("k").to_pylist() == list(range(n))
    ids = [int(p[: len(p) // 20]) for p in table.column("p").to_pylist()]
    assert all(i * 7919 % n == k for k, i in enumerate(ids))


def test_aggregation_bigger_than_the_limit_spills(limited_spark):
    # A million groups, then a small summary of them.
    row = limited_spark.sql(
        f"""
        select count(*) as groups, sum(n) as n, sum(s) as s, max(n) as biggest from (
            select id % {GROUPS} as g, count(*) as n, sum(id) as s
            from range({ROWS}) group by id % {GROUPS}
        )
        """
    ).collect()[0]
    assert (row.groups, row.n, row.s, row.biggest) == (GROUPS, ROWS, ROWS * (ROWS - 1) // 2, 3)


def test_join_bigger_than_the_limit_spills(limited_spark):
    # Under a memory limit joins of two big inputs are sort-merge joins, which spill.
    row = limited_spark.sql(
        f"""
        select count(*) as n, sum(a.id + b.id) as s
        from range({ROWS}) a join range({ROWS}) b on a.id = b.id * 2
        """
    ).collect()[0]
    half = (ROWS + 1) // 2
    assert row.n == half
    assert row.s == sum(3 * i for i in range(half))


def test_small_build_sides_stay_hash_joins(limited_spark):
    # A join whose smaller side is estimated well within the limit stays a
    # hash join (faster; its table cannot spill, but it is small); joins of
    # two big inputs are sort-merge joins, which spill.
    names = limited_spark.createDataFrame([(i, f"n{i}") for i in range(10)], "k long, name string")
    big = limited_spark.range(ROWS)
    small_join = big.join(names, big.id % 10 == names.k).groupBy("name").count()
    plan = small_join._explain_string(mode="simple")
    assert "HashJoin" in plan and "SortMergeJoin" not in plan, plan
    assert sorted(tuple(r) for r in small_join.collect()) == [(f"n{i}", ROWS // 10) for i in range(10)]
    other = limited_spark.range(ROWS).withColumnRenamed("id", "k")
    assert "SortMergeJoin" in big.join(other, big.id == other.k)._explain_string(mode="simple")


def test_invalid_memory_limit_is_refused():
    proc = subprocess.run(
        [str(ember_binary()), "server", "--conf", "spark.driver.memory=lots"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode != 0
    assert "spark.driver.memory" in proc.stderr
