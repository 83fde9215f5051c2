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
