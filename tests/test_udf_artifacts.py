"""Python files shipped with `spark.addArtifacts(..., pyfile=True)` (a `.py`
module and a `.zip` package) are importable by that session's UDFs, and by
no other session's."""

import zipfile

from pyspark.sql import functions as F
from pyspark.sql.functions import udf

from conftest import new_session


def test_pyfile_artifacts_are_importable_by_that_sessions_udfs_only(fresh_spark, remote_url, tmp_path, golden):
    module = tmp_path / "ember_artifact_helper.py"
    module.write_text("def answer(x):\n    return x + 41\n")
    archive = tmp_path / "ember_zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("ember_zipped_helper/__init__.py", "def shout(s):\n    return s.upper() + '!'\n")
    fresh_spark.addArtifacts(str(module), pyfile=True)
    fresh_spark.addArtifacts(str(archive), pyfile=True)

    @udf("long")
    def answer(x):
        import ember_artifact_helper

        return ember_artifact_helper.answer(x)

    @udf("string")
    def shout(s):
        import ember_zipped_helper

        return ember_zipped_helper.shout(s)

    golden.check_df(fresh_spark.range(2).select(answer("id").alias("a"), shout(F.lit("hi")).alias("s")))
    other = new_session(remote_url)
    try:
        exc = golden.check_error(lambda: other.range(1).select(answer("id")).collect())
        lines = [line for line in str(exc).rstrip().split("\n") if "SQLSTATE" not in line]
        golden.check("exception_line", lines[-1])
    finally:
        other.stop()


def test_archive_and_file_artifacts_are_seen_by_that_sessions_udfs_only(fresh_spark, remote_url, tmp_path, golden):
    import tarfile

    zipped = tmp_path / "ember_data.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("greeting.txt", "hello from a zip")
        archive.writestr("ember_unzipped_helper.py", "def triple(x):\n    return 3 * x\n")
    tarred = tmp_path / "ember_data.tar.gz"
    inner = tmp_path / "inner.txt"
    inner.write_text("hello from a tarball")
    with tarfile.open(tarred, "w:gz") as archive:
        archive.add(inner, arcname="nested/inner.txt")
    plain = tmp_path / "ember_plain_file.txt"
    plain.write_text("a plain file")
    fresh_spark.addArtifacts(f"{zipped}#unzipped", archive=True)
    fresh_spark.addArtifacts(str(tarred), archive=True)
    fresh_spark.addArtifacts(str(plain), file=True)

    @udf("string")
    def read_shipped(_):
        import os

        from pyspark import SparkFiles

        with open(os.path.join("unzipped", "greeting.txt")) as greeting, open(SparkFiles.get("ember_plain_file.txt")) as plain:
            with open(os.path.join(SparkFiles.getRootDirectory(), "ember_data.tar.gz", "nested", "inner.txt")) as inner:
                return " | ".join([greeting.read(), plain.read(), inner.read()])

    @udf("long")
    def triple(x):
        from unzipped import ember_unzipped_helper

        return ember_unzipped_helper.triple(x)

    golden.check_df(fresh_spark.range(2).select(read_shipped("id").alias("text"), triple("id").alias("tripled")))
    other = new_session(remote_url)
    try:
        exc = golden.check_error(lambda: other.range(1).select(read_shipped("id")).collect(), name="other_session")
        lines = [line for line in str(exc).rstrip().split("\n") if "SQLSTATE" not in line]
        golden.check("other_session_last_line", lines[-1].split(":")[0])
    finally:
        other.stop()
