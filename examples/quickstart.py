"""A first tour of PySpark on Ember.

Run it with:   dev/ember submit examples/quickstart.py
(`ember submit` starts an embedded Ember server and sets SPARK_REMOTE, so the
plain `SparkSession.builder.getOrCreate()` below connects to it.)
"""

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()

# A small DataFrame from local rows, with a DDL schema string.
people = spark.createDataFrame(
    [
        ("Alice", 34, "Paris"),
        ("Bob", 45, "Berlin"),
        ("Carla", 29, "Paris"),
        ("Dmitri", 52, "Lisbon"),
        ("Eve", 23, "Berlin"),
    ],
    "name string, age int, city string",
)
print("People:")
people.show()

# Filter rows and derive a new column.
adults_over_25 = people.filter(F.col("age") > 25).withColumn(
    "age_next_year", F.col("age") + 1
)
print("Older than 25, with next year's age:")
adults_over_25.show()

# Group and aggregate.
by_city = people.groupBy("city").agg(
    F.count("*").alias("people"),
    F.round(F.avg("age"), 1).alias("avg_age"),
)
print("Per city:")
by_city.orderBy("city").show()

# Join with another DataFrame.
countries = spark.createDataFrame(
    [("Paris", "France"), ("Berlin", "Germany"), ("Lisbon", "Portugal")],
    ["city", "country"],
)
print("People with their country:")
people.join(countries, on="city").select("name", "city", "country").orderBy("name").show()

# Plain SQL over a temporary view.
people.createOrReplaceTempView("people")
print("Via SQL:")
spark.sql(
    "SELECT city, max(age) AS oldest FROM people GROUP BY city ORDER BY oldest DESC"
).show()

spark.stop()
