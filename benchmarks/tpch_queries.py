"""The 22 TPC-H queries, twice: Spark SQL text and the PySpark DataFrame API.

Both follow the query definitions of the TPC-H specification (section 2.4)
with its validation substitution parameters. Q15's view is a common table
expression; Q11's FRACTION is 0.0001 / SF as the specification says, so the
queries are built for a scale factor. The SQL uses syntax that Spark, DuckDB
and DataFusion all accept (``date '...' + interval '3' month``,
``substring(s, 1, 2)``), so every engine runs the same text.

The DataFrame versions take ``t``, a function from a table name to a
DataFrame, and ``F``, the ``pyspark.sql.functions`` module; they run on any
PySpark session (classic or Spark Connect).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable

QUERY_NUMBERS = list(range(1, 23))


def fraction(scale: float) -> str:
    """Q11's FRACTION (0.0001 / SF) as a decimal literal."""
    return f"{Decimal('0.0001') / Decimal(f'{scale:g}'):f}"


def sql_queries(scale: float) -> dict[int, str]:
    """Query number -> Spark SQL text for a scale factor."""
    return {n: " ".join(text.format(fraction=fraction(scale)).split()) for n, text in _SQL.items()}


_SQL = {
    1: """
select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty,
       sum(l_extendedprice) as sum_base_price,
       sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
       sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
       avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price,
       avg(l_discount) as avg_disc, count(*) as count_order
from lineitem
where l_shipdate <= date '1998-12-01' - interval '90' day
group by l_returnflag, l_linestatus
order by l_returnflag, l_linestatus""",
    2: """
select s_acctbal, s_name, n_name, p_partkey, p_mfgr, s_address, s_phone, s_comment
from part, supplier, partsupp, nation, region
where p_partkey = ps_partkey and s_suppkey = ps_suppkey and p_size = 15
  and p_type like '%BRASS' and s_nationkey = n_nationkey
  and n_regionkey = r_regionkey and r_name = 'EUROPE'
  and ps_supplycost = (
    select min(ps_supplycost) from partsupp, supplier, nation, region
    where p_partkey = ps_partkey and s_suppkey = ps_suppkey
      and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'EUROPE')
order by s_acctbal desc, n_name, s_name, p_partkey
limit 100""",
    3: """
select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue,
       o_orderdate, o_shippriority
from customer, orders, lineitem
where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey
  and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15'
group by l_orderkey, o_orderdate, o_shippriority
order by revenue desc, o_orderdate
limit 10""",
    4: """
select o_orderpriority, count(*) as order_count
from orders
where o_orderdate >= date '1993-07-01'
  and o_orderdate < date '1993-07-01' + interval '3' month
  and exists (select * from lineitem
              where l_orderkey = o_orderkey and l_commitdate < l_receiptdate)
group by o_orderpriority
order by o_orderpriority""",
    5: """
select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue
from customer, orders, lineitem, supplier, nation, region
where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey
  and c_nationkey = s_nationkey and s_nationkey = n_nationkey
  and n_regionkey = r_regionkey and r_name = 'ASIA'
  and o_orderdate >= date '1994-01-01'
  and o_orderdate < date '1994-01-01' + interval '1' year
group by n_name
order by revenue desc""",
    6: """
select sum(l_extendedprice * l_discount) as revenue
from lineitem
where l_shipdate >= date '1994-01-01'
  and l_shipdate < date '1994-01-01' + interval '1' year
  and l_discount between 0.06 - 0.01 and 0.06 + 0.01
  and l_quantity < 24""",
    7: """
select supp_nation, cust_nation, l_year, sum(volume) as revenue
from (
  select n1.n_name as supp_nation, n2.n_name as cust_nation,
         extract(year from l_shipdate) as l_year,
         l_extendedprice * (1 - l_discount) as volume
  from supplier, lineitem, orders, customer, nation n1, nation n2
  where s_suppkey = l_suppkey and o_orderkey = l_orderkey and c_custkey = o_custkey
    and s_nationkey = n1.n_nationkey and c_nationkey = n2.n_nationkey
    and ((n1.n_name = 'FRANCE' and n2.n_name = 'GERMANY')
      or (n1.n_name = 'GERMANY' and n2.n_name = 'FRANCE'))
    and l_shipdate between date '1995-01-01' and date '1996-12-31') as shipping
group by supp_nation, cust_nation, l_year
order by supp_nation, cust_nation, l_year""",
    8: """
select o_year, sum(case when nation = 'BRAZIL' then volume else 0 end) / sum(volume) as mkt_share
from (
  select extract(year from o_orderdate) as o_year,
         l_extendedprice * (1 - l_discount) as volume, n2.n_name as nation
  from part, supplier, lineitem, orders, customer, nation n1, nation n2, region
  where p_partkey = l_partkey and s_suppkey = l_suppkey and l_orderkey = o_orderkey
    and o_custkey = c_custkey and c_nationkey = n1.n_nationkey
    and n1.n_regionkey = r_regionkey and r_name = 'AMERICA'
    and s_nationkey = n2.n_nationkey
    and o_orderdate between date '1995-01-01' and date '1996-12-31'
    and p_type = 'ECONOMY ANODIZED STEEL') as all_nations
group by o_year
order by o_year""",
    9: """
select nation, o_year, sum(amount) as sum_profit
from (
  select n_name as nation, extract(year from o_orderdate) as o_year,
         l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity as amount
  from part, supplier, lineitem, partsupp, orders, nation
  where s_suppkey = l_suppkey and ps_suppkey = l_suppkey and ps_partkey = l_partkey
    and p_partkey = l_partkey and o_orderkey = l_orderkey and s_nationkey = n_nationkey
    and p_name like '%green%') as profit
group by nation, o_year
order by nation, o_year desc""",
    10: """
select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue,
       c_acctbal, n_name, c_address, c_phone, c_comment
from customer, orders, lineitem, nation
where c_custkey = o_custkey and l_orderkey = o_orderkey
  and o_orderdate >= date '1993-10-01'
  and o_orderdate < date '1993-10-01' + interval '3' month
  and l_returnflag = 'R' and c_nationkey = n_nationkey
group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
order by revenue desc
limit 20""",
    11: """
select ps_partkey, sum(ps_supplycost * ps_availqty) as value
from partsupp, supplier, nation
where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'GERMANY'
group by ps_partkey
having sum(ps_supplycost * ps_availqty) > (
  select sum(ps_supplycost * ps_availqty) * {fraction}
  from partsupp, supplier, nation
  where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'GERMANY')
order by value desc""",
    12: """
select l_shipmode,
       sum(case when o_orderpriority = '1-URGENT' or o_orderpriority = '2-HIGH'
                then 1 else 0 end) as high_line_count,
       sum(case when o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH'
                then 1 else 0 end) as low_line_count
from orders, lineitem
where o_orderkey = l_orderkey and l_shipmode in ('MAIL', 'SHIP')
  and l_commitdate < l_receiptdate and l_shipdate < l_commitdate
  and l_receiptdate >= date '1994-01-01'
  and l_receiptdate < date '1994-01-01' + interval '1' year
group by l_shipmode
order by l_shipmode""",
    13: """
select c_count, count(*) as custdist
from (
  select c_custkey, count(o_orderkey) as c_count
  from customer left outer join orders
    on c_custkey = o_custkey and o_comment not like '%special%requests%'
  group by c_custkey) as c_orders
group by c_count
order by custdist desc, c_count desc""",
    14: """
select 100.00 * sum(case when p_type like 'PROMO%'
                         then l_extendedprice * (1 - l_discount) else 0 end)
       / sum(l_extendedprice * (1 - l_discount)) as promo_revenue
from lineitem, part
where l_partkey = p_partkey and l_shipdate >= date '1995-09-01'
  and l_shipdate < date '1995-09-01' + interval '1' month""",
    15: """
with revenue0 as (
  select l_suppkey as supplier_no, sum(l_extendedprice * (1 - l_discount)) as total_revenue
  from lineitem
  where l_shipdate >= date '1996-01-01'
    and l_shipdate < date '1996-01-01' + interval '3' month
  group by l_suppkey)
select s_suppkey, s_name, s_address, s_phone, total_revenue
from supplier, revenue0
where s_suppkey = supplier_no
  and total_revenue = (select max(total_revenue) from revenue0)
order by s_suppkey""",
    16: """
select p_brand, p_type, p_size, count(distinct ps_suppkey) as supplier_cnt
from partsupp, part
where p_partkey = ps_partkey and p_brand <> 'Brand#45'
  and p_type not like 'MEDIUM POLISHED%'
  and p_size in (49, 14, 23, 45, 19, 3, 36, 9)
  and ps_suppkey not in (select s_suppkey from supplier
                         where s_comment like '%Customer%Complaints%')
group by p_brand, p_type, p_size
order by supplier_cnt desc, p_brand, p_type, p_size""",
    17: """
select sum(l_extendedprice) / 7.0 as avg_yearly
from lineitem, part
where p_partkey = l_partkey and p_brand = 'Brand#23' and p_container = 'MED BOX'
  and l_quantity < (select 0.2 * avg(l_quantity) from lineitem where l_partkey = p_partkey)""",
    18: """
select c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity) as sum_qty
from customer, orders, lineitem
where o_orderkey in (select l_orderkey from lineitem
                     group by l_orderkey having sum(l_quantity) > 300)
  and c_custkey = o_custkey and o_orderkey = l_orderkey
group by c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice
order by o_totalprice desc, o_orderdate
limit 100""",
    19: """
select sum(l_extendedprice * (1 - l_discount)) as revenue
from lineitem, part
where (p_partkey = l_partkey and p_brand = 'Brand#12'
       and p_container in ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG')
       and l_quantity >= 1 and l_quantity <= 1 + 10 and p_size between 1 and 5
       and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON')
   or (p_partkey = l_partkey and p_brand = 'Brand#23'
       and p_container in ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK')
       and l_quantity >= 10 and l_quantity <= 10 + 10 and p_size between 1 and 10
       and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON')
   or (p_partkey = l_partkey and p_brand = 'Brand#34'
       and p_container in ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG')
       and l_quantity >= 20 and l_quantity <= 20 + 10 and p_size between 1 and 15
       and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON')""",
    20: """
select s_name, s_address
from supplier, nation
where s_suppkey in (
    select ps_suppkey from partsupp
    where ps_partkey in (select p_partkey from part where p_name like 'forest%')
      and ps_availqty > (
        select 0.5 * sum(l_quantity) from lineitem
        where l_partkey = ps_partkey and l_suppkey = ps_suppkey
          and l_shipdate >= date '1994-01-01'
          and l_shipdate < date '1994-01-01' + interval '1' year))
  and s_nationkey = n_nationkey and n_name = 'CANADA'
order by s_name""",
    21: """
select s_name, count(*) as numwait
from supplier, lineitem l1, orders, nation
where s_suppkey = l1.l_suppkey and o_orderkey = l1.l_orderkey and o_orderstatus = 'F'
  and l1.l_receiptdate > l1.l_commitdate
  and exists (select * from lineitem l2
              where l2.l_orderkey = l1.l_orderkey and l2.l_suppkey <> l1.l_suppkey)
  and not exists (select * from lineitem l3
                  where l3.l_orderkey = l1.l_orderkey and l3.l_suppkey <> l1.l_suppkey
                    and l3.l_receiptdate > l3.l_commitdate)
  and s_nationkey = n_nationkey and n_name = 'SAUDI ARABIA'
group by s_name
order by numwait desc, s_name
limit 100""",
    22: """
select cntrycode, count(*) as numcust, sum(c_acctbal) as totacctbal
from (
  select substring(c_phone, 1, 2) as cntrycode, c_acctbal
  from customer
  where substring(c_phone, 1, 2) in ('13', '31', '23', '29', '30', '18', '17')
    and c_acctbal > (
      select avg(c_acctbal) from customer
      where c_acctbal > 0.00
        and substring(c_phone, 1, 2) in ('13', '31', '23', '29', '30', '18', '17'))
    and not exists (select * from orders where o_custkey = c_custkey)) as custsale
group by cntrycode
order by cntrycode""",
}


# --------------------------------------------------------------------------
# DataFrame API
# --------------------------------------------------------------------------

Table = Callable[[str], object]


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def _revenue(F):
    return F.col("l_extendedprice") * (1 - F.col("l_discount"))


def _count(F):
    return F.count(F.lit(1))


def df_q1(t: Table, F, scale: float):
    cutoff = _date("1998-12-01") - dt.timedelta(days=90)
    charge = _revenue(F) * (1 + F.col("l_tax"))
    return (t("lineitem").filter(F.col("l_shipdate") <= F.lit(cutoff))
            .groupBy("l_returnflag", "l_linestatus")
            .agg(F.sum("l_quantity").alias("sum_qty"),
                 F.sum("l_extendedprice").alias("sum_base_price"),
                 F.sum(_revenue(F)).alias("sum_disc_price"),
                 F.sum(charge).alias("sum_charge"),
                 F.avg("l_quantity").alias("avg_qty"),
                 F.avg("l_extendedprice").alias("avg_price"),
                 F.avg("l_discount").alias("avg_disc"),
                 _count(F).alias("count_order"))
            .orderBy("l_returnflag", "l_linestatus"))


def df_q2(t: Table, F, scale: float):
    europe = (t("region").filter(F.col("r_name") == "EUROPE")
              .join(t("nation"), F.col("r_regionkey") == F.col("n_regionkey"))
              .join(t("supplier"), F.col("n_nationkey") == F.col("s_nationkey")))
    offers = t("partsupp").join(europe, F.col("ps_suppkey") == F.col("s_suppkey"))
    cheapest = (offers.groupBy("ps_partkey").agg(F.min("ps_supplycost").alias("min_cost"))
                .withColumnRenamed("ps_partkey", "min_partkey"))
    brass = t("part").filter((F.col("p_size") == 15) & F.col("p_type").endswith("BRASS"))
    return (brass.join(offers, F.col("p_partkey") == F.col("ps_partkey"))
            .join(cheapest, (F.col("p_partkey") == F.col("min_partkey"))
                  & (F.col("ps_supplycost") == F.col("min_cost")))
            .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr",
                    "s_address", "s_phone", "s_comment")
            .orderBy(F.desc("s_acctbal"), "n_name", "s_name", "p_partkey")
            .limit(100))


def df_q3(t: Table, F, scale: float):
    day = F.lit(_date("1995-03-15"))
    return (t("customer").filter(F.col("c_mktsegment") == "BUILDING")
            .join(t("orders").filter(F.col("o_orderdate") < day),
                  F.col("c_custkey") == F.col("o_custkey"))
            .join(t("lineitem").filter(F.col("l_shipdate") > day),
                  F.col("l_orderkey") == F.col("o_orderkey"))
            .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
            .agg(F.sum(_revenue(F)).alias("revenue"))
            .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
            .orderBy(F.desc("revenue"), "o_orderdate")
            .limit(10))


def df_q4(t: Table, F, scale: float):
    start = _date("1993-07-01")
    late = t("lineitem").filter(F.col("l_commitdate") < F.col("l_receiptdate"))
    return (t("orders")
            .filter((F.col("o_orderdate") >= F.lit(start))
                    & (F.col("o_orderdate") < F.lit(_add_months(start, 3))))
            .join(late, F.col("o_orderkey") == F.col("l_orderkey"), "left_semi")
            .groupBy("o_orderpriority").agg(_count(F).alias("order_count"))
            .orderBy("o_orderpriority"))


def df_q5(t: Table, F, scale: float):
    start = _date("1994-01-01")
    orders = t("orders").filter((F.col("o_orderdate") >= F.lit(start))
                                & (F.col("o_orderdate") < F.lit(_add_months(start, 12))))
    return (t("region").filter(F.col("r_name") == "ASIA")
            .join(t("nation"), F.col("r_regionkey") == F.col("n_regionkey"))
            .join(t("supplier"), F.col("n_nationkey") == F.col("s_nationkey"))
            .join(t("lineitem"), F.col("s_suppkey") == F.col("l_suppkey"))
            .join(orders, F.col("l_orderkey") == F.col("o_orderkey"))
            .join(t("customer"), (F.col("o_custkey") == F.col("c_custkey"))
                  & (F.col("c_nationkey") == F.col("s_nationkey")))
            .groupBy("n_name").agg(F.sum(_revenue(F)).alias("revenue"))
            .orderBy(F.desc("revenue")))


def df_q6(t: Table, F, scale: float):
    start = _date("1994-01-01")
    return (t("lineitem")
            .filter((F.col("l_shipdate") >= F.lit(start))
                    & (F.col("l_shipdate") < F.lit(_add_months(start, 12)))
                    & F.col("l_discount").between(Decimal("0.05"), Decimal("0.07"))
                    & (F.col("l_quantity") < 24))
            .agg(F.sum(F.col("l_extendedprice") * F.col("l_discount")).alias("revenue")))


def df_q7(t: Table, F, scale: float):
    supp_nation = t("nation").select(F.col("n_nationkey").alias("supp_nationkey"),
                                     F.col("n_name").alias("supp_nation"))
    cust_nation = t("nation").select(F.col("n_nationkey").alias("cust_nationkey"),
                                     F.col("n_name").alias("cust_nation"))
    pair = (((F.col("supp_nation") == "FRANCE") & (F.col("cust_nation") == "GERMANY"))
            | ((F.col("supp_nation") == "GERMANY") & (F.col("cust_nation") == "FRANCE")))
    return (t("lineitem")
            .filter(F.col("l_shipdate").between(_date("1995-01-01"), _date("1996-12-31")))
            .join(t("supplier"), F.col("s_suppkey") == F.col("l_suppkey"))
            .join(t("orders"), F.col("o_orderkey") == F.col("l_orderkey"))
            .join(t("customer"), F.col("c_custkey") == F.col("o_custkey"))
            .join(supp_nation, F.col("s_nationkey") == F.col("supp_nationkey"))
            .join(cust_nation, F.col("c_nationkey") == F.col("cust_nationkey"))
            .filter(pair)
            .select("supp_nation", "cust_nation", F.year("l_shipdate").alias("l_year"),
                    _revenue(F).alias("volume"))
            .groupBy("supp_nation", "cust_nation", "l_year")
            .agg(F.sum("volume").alias("revenue"))
            .orderBy("supp_nation", "cust_nation", "l_year"))


def df_q8(t: Table, F, scale: float):
    cust_nation = t("nation").select(F.col("n_nationkey").alias("cust_nationkey"),
                                     F.col("n_regionkey").alias("cust_regionkey"))
    supp_nation = t("nation").select(F.col("n_nationkey").alias("supp_nationkey"),
                                     F.col("n_name").alias("nation"))
    orders = t("orders").filter(
        F.col("o_orderdate").between(_date("1995-01-01"), _date("1996-12-31")))
    brazil = F.when(F.col("nation") == "BRAZIL", F.col("volume")).otherwise(0)
    return (t("part").filter(F.col("p_type") == "ECONOMY ANODIZED STEEL")
            .join(t("lineitem"), F.col("p_partkey") == F.col("l_partkey"))
            .join(t("supplier"), F.col("s_suppkey") == F.col("l_suppkey"))
            .join(orders, F.col("l_orderkey") == F.col("o_orderkey"))
            .join(t("customer"), F.col("o_custkey") == F.col("c_custkey"))
            .join(cust_nation, F.col("c_nationkey") == F.col("cust_nationkey"))
            .join(t("region").filter(F.col("r_name") == "AMERICA"),
                  F.col("cust_regionkey") == F.col("r_regionkey"))
            .join(supp_nation, F.col("s_nationkey") == F.col("supp_nationkey"))
            .select(F.year("o_orderdate").alias("o_year"), _revenue(F).alias("volume"), "nation")
            .groupBy("o_year")
            .agg((F.sum(brazil) / F.sum("volume")).alias("mkt_share"))
            .orderBy("o_year"))


def df_q9(t: Table, F, scale: float):
    amount = _revenue(F) - F.col("ps_supplycost") * F.col("l_quantity")
    return (t("part").filter(F.col("p_name").contains("green"))
            .join(t("lineitem"), F.col("p_partkey") == F.col("l_partkey"))
            .join(t("supplier"), F.col("s_suppkey") == F.col("l_suppkey"))
            .join(t("partsupp"), (F.col("ps_suppkey") == F.col("l_suppkey"))
                  & (F.col("ps_partkey") == F.col("l_partkey")))
            .join(t("orders"), F.col("o_orderkey") == F.col("l_orderkey"))
            .join(t("nation"), F.col("s_nationkey") == F.col("n_nationkey"))
            .select(F.col("n_name").alias("nation"), F.year("o_orderdate").alias("o_year"),
                    amount.alias("amount"))
            .groupBy("nation", "o_year").agg(F.sum("amount").alias("sum_profit"))
            .orderBy("nation", F.desc("o_year")))


def df_q10(t: Table, F, scale: float):
    start = _date("1993-10-01")
    orders = t("orders").filter((F.col("o_orderdate") >= F.lit(start))
                                & (F.col("o_orderdate") < F.lit(_add_months(start, 3))))
    return (t("customer")
            .join(orders, F.col("c_custkey") == F.col("o_custkey"))
            .join(t("lineitem").filter(F.col("l_returnflag") == "R"),
                  F.col("l_orderkey") == F.col("o_orderkey"))
            .join(t("nation"), F.col("c_nationkey") == F.col("n_nationkey"))
            .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name",
                     "c_address", "c_comment")
            .agg(F.sum(_revenue(F)).alias("revenue"))
            .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name",
                    "c_address", "c_phone", "c_comment")
            .orderBy(F.desc("revenue"))
            .limit(20))


def df_q11(t: Table, F, scale: float):
    german = (t("partsupp")
              .join(t("supplier"), F.col("ps_suppkey") == F.col("s_suppkey"))
              .join(t("nation").filter(F.col("n_name") == "GERMANY"),
                    F.col("s_nationkey") == F.col("n_nationkey"))
              .select("ps_partkey", (F.col("ps_supplycost") * F.col("ps_availqty")).alias("v")))
    threshold = german.agg(
        (F.sum("v") * F.lit(Decimal(fraction(scale)))).alias("threshold"))
    return (german.groupBy("ps_partkey").agg(F.sum("v").alias("value"))
            .crossJoin(threshold)
            .filter(F.col("value") > F.col("threshold"))
            .select("ps_partkey", "value")
            .orderBy(F.desc("value")))


def df_q12(t: Table, F, scale: float):
    start = _date("1994-01-01")
    high = F.col("o_orderpriority").isin("1-URGENT", "2-HIGH")
    lines = t("lineitem").filter(
        F.col("l_shipmode").isin("MAIL", "SHIP")
        & (F.col("l_commitdate") < F.col("l_receiptdate"))
        & (F.col("l_shipdate") < F.col("l_commitdate"))
        & (F.col("l_receiptdate") >= F.lit(start))
        & (F.col("l_receiptdate") < F.lit(_add_months(start, 12))))
    return (lines.join(t("orders"), F.col("o_orderkey") == F.col("l_orderkey"))
            .groupBy("l_shipmode")
            .agg(F.sum(F.when(high, 1).otherwise(0)).alias("high_line_count"),
                 F.sum(F.when(~high, 1).otherwise(0)).alias("low_line_count"))
            .orderBy("l_shipmode"))


def df_q13(t: Table, F, scale: float):
    orders = t("orders").filter(~F.col("o_comment").like("%special%requests%"))
    return (t("customer").join(orders, F.col("c_custkey") == F.col("o_custkey"), "left")
            .groupBy("c_custkey").agg(F.count("o_orderkey").alias("c_count"))
            .groupBy("c_count").agg(_count(F).alias("custdist"))
            .orderBy(F.desc("custdist"), F.desc("c_count")))


def df_q14(t: Table, F, scale: float):
    start = _date("1995-09-01")
    promo = F.when(F.col("p_type").startswith("PROMO"), _revenue(F)).otherwise(0)
    return (t("lineitem")
            .filter((F.col("l_shipdate") >= F.lit(start))
                    & (F.col("l_shipdate") < F.lit(_add_months(start, 1))))
            .join(t("part"), F.col("l_partkey") == F.col("p_partkey"))
            .agg((F.lit(Decimal("100.00")) * F.sum(promo) / F.sum(_revenue(F)))
                 .alias("promo_revenue")))


def df_q15(t: Table, F, scale: float):
    start = _date("1996-01-01")
    revenue = (t("lineitem")
               .filter((F.col("l_shipdate") >= F.lit(start))
                       & (F.col("l_shipdate") < F.lit(_add_months(start, 3))))
               .groupBy("l_suppkey").agg(F.sum(_revenue(F)).alias("total_revenue")))
    top = revenue.agg(F.max("total_revenue").alias("max_revenue"))
    return (t("supplier").join(revenue, F.col("s_suppkey") == F.col("l_suppkey"))
            .join(top, F.col("total_revenue") == F.col("max_revenue"))
            .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
            .orderBy("s_suppkey"))


def df_q16(t: Table, F, scale: float):
    complaints = (t("supplier").filter(F.col("s_comment").like("%Customer%Complaints%"))
                  .select("s_suppkey"))
    parts = t("part").filter((F.col("p_brand") != "Brand#45")
                             & ~F.col("p_type").startswith("MEDIUM POLISHED")
                             & F.col("p_size").isin(49, 14, 23, 45, 19, 3, 36, 9))
    return (parts.join(t("partsupp"), F.col("p_partkey") == F.col("ps_partkey"))
            .join(complaints, F.col("ps_suppkey") == F.col("s_suppkey"), "left_anti")
            .groupBy("p_brand", "p_type", "p_size")
            .agg(F.countDistinct("ps_suppkey").alias("supplier_cnt"))
            .orderBy(F.desc("supplier_cnt"), "p_brand", "p_type", "p_size"))


def df_q17(t: Table, F, scale: float):
    parts = t("part").filter((F.col("p_brand") == "Brand#23")
                             & (F.col("p_container") == "MED BOX"))
    small = (t("lineitem").groupBy("l_partkey")
             .agg((F.lit(Decimal("0.2")) * F.avg("l_quantity")).alias("small_quantity"))
             .withColumnRenamed("l_partkey", "small_partkey"))
    return (parts.join(t("lineitem"), F.col("p_partkey") == F.col("l_partkey"))
            .join(small, F.col("small_partkey") == F.col("p_partkey"))
            .filter(F.col("l_quantity") < F.col("small_quantity"))
            .agg((F.sum("l_extendedprice") / F.lit(Decimal("7.0"))).alias("avg_yearly")))


def df_q18(t: Table, F, scale: float):
    big = (t("lineitem").groupBy("l_orderkey").agg(F.sum("l_quantity").alias("total_qty"))
           .filter(F.col("total_qty") > 300)
           .select(F.col("l_orderkey").alias("big_orderkey")))
    return (t("orders").join(big, F.col("o_orderkey") == F.col("big_orderkey"), "left_semi")
            .join(t("customer"), F.col("c_custkey") == F.col("o_custkey"))
            .join(t("lineitem"), F.col("o_orderkey") == F.col("l_orderkey"))
            .groupBy("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
            .agg(F.sum("l_quantity").alias("sum_qty"))
            .orderBy(F.desc("o_totalprice"), "o_orderdate")
            .limit(100))


def df_q19(t: Table, F, scale: float):
    def kind(brand: str, containers: list[str], quantity: int, max_size: int):
        return ((F.col("p_brand") == brand) & F.col("p_container").isin(*containers)
                & (F.col("l_quantity") >= quantity) & (F.col("l_quantity") <= quantity + 10)
                & F.col("p_size").between(1, max_size))

    wanted = (kind("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 5)
              | kind("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], 10, 10)
              | kind("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], 20, 15))
    return (t("lineitem")
            .filter(F.col("l_shipmode").isin("AIR", "AIR REG")
                    & (F.col("l_shipinstruct") == "DELIVER IN PERSON"))
            .join(t("part"), F.col("p_partkey") == F.col("l_partkey"))
            .filter(wanted)
            .agg(F.sum(_revenue(F)).alias("revenue")))


def df_q20(t: Table, F, scale: float):
    start = _date("1994-01-01")
    shipped = (t("lineitem")
               .filter((F.col("l_shipdate") >= F.lit(start))
                       & (F.col("l_shipdate") < F.lit(_add_months(start, 12))))
               .groupBy("l_partkey", "l_suppkey")
               .agg((F.lit(Decimal("0.5")) * F.sum("l_quantity")).alias("half_qty")))
    forest = t("part").filter(F.col("p_name").startswith("forest")).select("p_partkey")
    offers = (t("partsupp")
              .join(forest, F.col("ps_partkey") == F.col("p_partkey"), "left_semi")
              .join(shipped, (F.col("ps_partkey") == F.col("l_partkey"))
                    & (F.col("ps_suppkey") == F.col("l_suppkey")))
              .filter(F.col("ps_availqty") > F.col("half_qty"))
              .select("ps_suppkey"))
    return (t("supplier")
            .join(t("nation").filter(F.col("n_name") == "CANADA"),
                  F.col("s_nationkey") == F.col("n_nationkey"))
            .join(offers, F.col("s_suppkey") == F.col("ps_suppkey"), "left_semi")
            .select("s_name", "s_address")
            .orderBy("s_name"))


def df_q21(t: Table, F, scale: float):
    late = F.col("l_receiptdate") > F.col("l_commitdate")
    others = t("lineitem").select(F.col("l_orderkey").alias("l2_orderkey"),
                                  F.col("l_suppkey").alias("l2_suppkey"))
    late_others = t("lineitem").filter(late).select(F.col("l_orderkey").alias("l3_orderkey"),
                                                    F.col("l_suppkey").alias("l3_suppkey"))
    return (t("supplier")
            .join(t("nation").filter(F.col("n_name") == "SAUDI ARABIA"),
                  F.col("s_nationkey") == F.col("n_nationkey"))
            .join(t("lineitem").filter(late), F.col("s_suppkey") == F.col("l_suppkey"))
            .join(t("orders").filter(F.col("o_orderstatus") == "F"),
                  F.col("o_orderkey") == F.col("l_orderkey"))
            .join(others, (F.col("l2_orderkey") == F.col("l_orderkey"))
                  & (F.col("l2_suppkey") != F.col("l_suppkey")), "left_semi")
            .join(late_others, (F.col("l3_orderkey") == F.col("l_orderkey"))
                  & (F.col("l3_suppkey") != F.col("l_suppkey")), "left_anti")
            .groupBy("s_name").agg(_count(F).alias("numwait"))
            .orderBy(F.desc("numwait"), "s_name")
            .limit(100))


def df_q22(t: Table, F, scale: float):
    codes = ["13", "31", "23", "29", "30", "18", "17"]
    candidates = (t("customer")
                  .select(F.substring("c_phone", 1, 2).alias("cntrycode"),
                          "c_acctbal", "c_custkey")
                  .filter(F.col("cntrycode").isin(*codes)))
    average = (candidates.filter(F.col("c_acctbal") > 0)
               .agg(F.avg("c_acctbal").alias("avg_acctbal")))
    return (candidates
            .join(t("orders"), F.col("c_custkey") == F.col("o_custkey"), "left_anti")
            .crossJoin(average)
            .filter(F.col("c_acctbal") > F.col("avg_acctbal"))
            .groupBy("cntrycode")
            .agg(_count(F).alias("numcust"), F.sum("c_acctbal").alias("totacctbal"))
            .orderBy("cntrycode"))


DATAFRAME_QUERIES = {n: globals()[f"df_q{n}"] for n in QUERY_NUMBERS}
"""Query number -> function ``(t, F, scale) -> DataFrame``."""
