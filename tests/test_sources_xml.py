"""XML files: spark.read.xml / df.write.xml, spark.read.xml(df), rowValidationXSDPath.

Every test writes its own data under pytest's tmp_path (the oracle runs on
this machine); goldens never hold those paths.
"""

import glob
import gzip
import os
from datetime import date, datetime
from decimal import Decimal

import pytest
from pyspark.sql import functions as F

from conftest import requires_client
from test_sources import check_error, listing, write_file

PEOPLE = """<?xml version="1.0"?>
<people>
 <person id="1"><name>Al</name><age>25</age></person>
 <person id="2"><name>Bo</name><age>3.5</age><tag>a</tag><tag>b</tag></person>
</people>"""

# One document per case: name -> (text, options).
READS = {
    "attributes_arrays": (PEOPLE, {"rowTag": "person"}),
    "nested_and_empty": ('<root><r><a><b>1</b><c x="y">t</c></a></r><r><a><b>2</b></a><e/></r><r/></root>', {"rowTag": "r"}),
    "value_types": (
        "<rs><r><i>1</i><l>99999999999</l><d>1.5</d><b>true</b><s>  sp  </s><dt>2020-01-02</dt>"
        "<ts>2020-01-02T03:04:05Z</ts><n></n><x>1e3</x></r></rs>",
        {"rowTag": "r"},
    ),
    "cdata_comments_entities": (
        '<rs><r><s><![CDATA[a<b]]></s><!-- c --><t>x &amp; y</t><u>&lt;&#65;&#x42;&apos;&quot;&gt;</u><v a="x&amp;y">t</v></r></rs>',
        {"rowTag": "r"},
    ),
    "rows_at_any_depth": ("<a><b><r><v>1</v></r></b><r><v>2</v></r></a>", {"rowTag": "r"}),
    "row_tag_inside_a_row": ("<rs><r><r>1</r></r></rs>", {"rowTag": "r"}),
    "namespace_prefixes": ('<rs xmlns:p="urn:x"><r><p:a>1</p:a><b p:at="2">3</b></r></rs>', {"rowTag": "r"}),
    "xmlns_attributes": ('<rs><r xmlns="urn:a" xmlns:q="urn:q" q:z="1"><a>1</a></r></rs>', {"rowTag": "r"}),
    "self_closing_rows": ('<rs><r a="1"/><r a="2"></r></rs>', {"rowTag": "r"}),
    "value_only_rows": ("<rs><r>1</r><r>2</r></rs>", {"rowTag": "r"}),
    "attribute_and_text_row": ('<rs><r k="1">hello</r></rs>', {"rowTag": "r"}),
    "empty_rows": ("<rs><r></r><r> </r></rs>", {"rowTag": "r"}),
    "whitespace_and_doctype": (
        '<?xml version="1.0"?>\n<!DOCTYPE rs [<!ENTITY e "ee">]>\n<rs>\n  <r>\n    <a>  1  </a>\n    <b>\n      <c>2</c>\n    </b>\n  </r>\n</rs>',
        {"rowTag": "r"},
    ),
    "arrays_of_structs": ("<rs><r><p><x>1</x></p><p><x>2</x><y>a</y></p></r><r><p><x>3</x></p></r></rs>", {"rowTag": "r"}),
    "exclude_attribute": (PEOPLE, {"rowTag": "person", "excludeAttribute": "true"}),
    "without_inference": (PEOPLE, {"rowTag": "person", "inferSchema": "false"}),
    "prefix_and_value_tag": (PEOPLE, {"rowTag": "person", "attributePrefix": "@", "valueTag": "#v"}),
    "null_value_and_spaces": (
        "<rs><r><i>1</i><s>  sp  </s><n>2</n></r></rs>",
        {"rowTag": "r", "nullValue": "1", "ignoreSurroundingSpaces": "false"},
    ),
    "no_such_row_tag": (PEOPLE, {"rowTag": "nope"}),
    "malformed_stream": ("<rs><r><a>1</a></r><r><a>2</b></r><r><a>3</a></r></rs>", {"rowTag": "r"}),
    "malformed_dropped": ("<rs><r><a>1</a></r><r><a>2</b></r><r><a>3</a></r></rs>", {"rowTag": "r", "mode": "DROPMALFORMED"}),
    "elements_read_as_strings": ("<rs><r><a>1</a></r><r><a><b>2</b><!-- c --><c x=\"1\">&amp;3</c></a></r></rs>", {"rowTag": "r"}),
    "malformed_unclosed": ("<rs><r><a>1</a></r><r><a>x</a></r><r><a>2</a></rs>", {"rowTag": "r"}),
    "text_around_children": (
        "<rs><r><a>1</a>hello<b>2</b>world</r><r>only</r><r>\n  <a>3</a>\n  tail\n</r><r><s>p<a>1</a>q</s></r><r k=\"1\">t<a>1</a>u</r></rs>",
        {"rowTag": "r"},
    ),
    "namespaces_ignored": (
        '<rs xmlns:p="u" xmlns:q="v"><p:r p:k="1"><p:a>1</p:a><q:a>2</q:a><b>3</b></p:r><r xmlns="d" xmlns:p="u"><a>4</a></r></rs>',
        {"rowTag": "r", "ignoreNamespace": "true"},
    ),
    "prefixed_row_tag_with_namespaces_ignored": ('<rs xmlns:p="u"><p:r><a>1</a></p:r></rs>', {"rowTag": "p:r", "ignoreNamespace": "true"}),
}


@pytest.mark.parametrize("case", sorted(READS))
def test_read_xml_infers_and_reads_as_spark(spark, tmp_path, golden, case):
    text, options = READS[case]
    path = write_file(tmp_path / case / "f.xml", text)
    golden.check_df(spark.read.options(**options).xml(os.path.dirname(path)))


def test_read_xml_with_a_schema(spark, tmp_path, golden):
    folder = os.path.dirname(write_file(tmp_path / "s" / "f.xml", READS["arrays_of_structs"][0]))
    golden.check_df(spark.read.xml(folder, rowTag="r", schema="p array<struct<x:int,y:string>>, z string"), "nested")
    bad = os.path.dirname(write_file(tmp_path / "b" / "f.xml", "<rs><r><a>1</a><d>2020-01-02</d></r><r><a>x</a><d>1</d></r></rs>"))
    golden.check_df(spark.read.xml(bad, rowTag="r", schema="a int, d date, _corrupt_record string"), "corrupt_record")
    golden.check_df(spark.read.xml(bad, rowTag="r", schema="a int, d date", mode="DROPMALFORMED"), "dropped")
    check_error(golden, tmp_path, lambda: spark.read.xml(bad, rowTag="r", schema="a int", mode="FAILFAST").collect(), "failfast")


# A value that does not parse ends what Spark reads of its row: the row keeps
# the children before it (a repeated element's earlier items included).
PARTIAL_ROWS = [
    "<r><n>1</n><n>x</n><n>3</n><m>5</m></r>",
    "<r><m>5</m><n>1</n><n>x</n><n>3</n></r>",
    "<r><n>x</n><n>1</n><m>5</m></r>",
    "<r><n>1</n><m>5</m><n>2</n><n>x</n></r>",
    "<r><m>5</m><s><v>1</v><w>x</w></s><n>2</n></r>",
    "<r><p><v>1</v></p><p><v>x</v></p><p><v>2</v></p></r>",
]
PARTIAL_SCHEMA = "n array<int>, m int, s struct<v:int,w:int>, p array<struct<v:int>>, _corrupt_record string"


def test_read_xml_keeps_what_spark_reads_before_a_bad_value(spark, tmp_path, golden):
    folder = os.path.dirname(write_file(tmp_path / "p" / "f.xml", "<rs>" + "".join(PARTIAL_ROWS) + "</rs>"))
    golden.check_df(spark.read.xml(folder, rowTag="r", schema=PARTIAL_SCHEMA).drop("_corrupt_record"), "file")
    golden.check_df(spark.read.xml(folder, rowTag="r", schema=PARTIAL_SCHEMA, mode="DROPMALFORMED"), "dropped")
    strings = spark.createDataFrame([(row,) for row in PARTIAL_ROWS], "x string")
    golden.check_df(strings.select(F.from_xml("x", PARTIAL_SCHEMA).alias("r")), "from_xml")


def test_read_xml_text_around_children_with_a_schema(spark, tmp_path, golden):
    folder = os.path.dirname(write_file(tmp_path / "t" / "f.xml", "<rs><r>1<m>5</m>2</r><r>3</r></rs>"))
    golden.check_df(spark.read.xml(folder, rowTag="r", schema="_VALUE array<int>, m int"), "array")
    golden.check_df(spark.read.xml(folder, rowTag="r", schema="_VALUE string, m int"), "last_piece")


def test_read_xml_wildcard_column_holds_unnamed_children(spark, tmp_path, golden):
    text = '<rs><r k="1"><a>1</a><b>2</b><c><d>3</d></c></r><r><a>4</a></r><r><a>5</a><e>x</e><e>y</e><s><d>6</d><f>7</f></s></r></rs>'
    folder = os.path.dirname(write_file(tmp_path / "w" / "f.xml", text))
    schemas = {
        "last": ("a int, xs_any string", {}),
        "all": ("a int, xs_any array<string>", {}),
        "renamed": ("a int, other string", {"wildcardColName": "other"}),
        "not_a_string": ("a int, xs_any int", {}),
        "nested": ("a int, s struct<d:int, xs_any string>", {}),
    }
    for name, (schema, options) in schemas.items():
        golden.check_df(spark.read.options(rowTag="r", **options).schema(schema).xml(folder), name)


def test_read_xml_failfast_inference_and_missing_row_tag(spark, tmp_path, golden):
    folder = os.path.dirname(write_file(tmp_path / "m" / "f.xml", READS["malformed_stream"][0]))
    golden.check_error(lambda: spark.read.xml(folder, rowTag="r", mode="FAILFAST").schema, "failfast_inference")
    golden.check_error(lambda: spark.read.xml(folder).schema, "read_without_row_tag")
    golden.check_error(lambda: spark.range(1).write.xml(str(tmp_path / "out")), "write_without_row_tag")


def test_read_xml_of_several_files_and_compressed(spark, tmp_path, golden):
    write_file(tmp_path / "two" / "a.xml", "<rs><r><a>1</a></r></rs>")
    write_file(tmp_path / "two" / "b.xml", "<rs><r><a>x</a><b>1</b></r></rs>")
    with gzip.open(tmp_path / "two" / "c.xml.gz", "wt") as f:
        f.write("<rs><r><b>2</b></r></rs>")
    df = spark.read.xml(str(tmp_path / "two"), rowTag="r")
    golden.check_df(df, ordered=False)
    golden.check("files", sorted(os.path.basename(f) for f in df.inputFiles()))


@requires_client("4.1")
def test_read_xml_of_a_dataframe(spark, golden):
    strings = spark.createDataFrame(
        [("<person><name>Alice</name><age>25</age></person>",), (None,),
         ("<people><person><name>Bob</name><age>30</age></person><person><name>Cy</name></person></people>",)],
        "value string",
    )
    golden.check_df(spark.read.option("rowTag", "person").xml(strings), "inferred", ordered=False)
    golden.check_df(spark.read.option("rowTag", "person").xml(strings, schema="name string, age int"), "with_schema", ordered=False)
    golden.check_error(lambda: spark.read.option("rowTag", "p").xml(spark.range(1)).collect(), "not_string")


XSD = """<?xml version="1.0" encoding="UTF-8" ?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="person">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="name" type="xs:string" />
        <xs:element name="age" type="xs:long" />
        <xs:element name="tag" minOccurs="0" maxOccurs="unbounded">
          <xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="a"/><xs:enumeration value="b"/></xs:restriction></xs:simpleType>
        </xs:element>
      </xs:sequence>
      <xs:attribute name="id" type="xs:int" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>"""

XSD_ROWS = (
    '<people><person id="1"><name>A</name><age>1</age></person>'
    '<person id="2"><name>B</name><age>x</age></person>'
    '<person id="3"><age>3</age><name>C</name></person>'
    '<person><name>D</name><age>4</age></person>'
    '<person id="5"><name>E</name><age>5</age><tag>a</tag><tag>c</tag></person>'
    '<person id="6"><name>F</name><age>6</age><tag>b</tag><tag>a</tag></person></people>'
)


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
def test_read_xml_validates_rows_against_an_xsd(spark, tmp_path, golden, mode):
    xsd = write_file(tmp_path / "p.xsd", XSD)
    folder = os.path.dirname(write_file(tmp_path / "v" / "f.xml", XSD_ROWS))
    read = spark.read.options(rowTag="person", rowValidationXSDPath=xsd, mode=mode)
    golden.check_df(read.xml(folder), "inferred")
    golden.check_df(read.xml(folder, schema="name string, age string, _corrupt_record string"), "with_schema")


def written(out):
    """The text of the part files a write left, in name order."""
    texts = []
    for path in sorted(glob.glob(os.path.join(out, "part-*"))):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as f:
            texts.append(f.read())
    return texts


def test_write_xml_as_spark(spark, tmp_path, golden):
    df = spark.createDataFrame(
        [("Hyukjin", 100, [1, 2], {"k": 1}, (1, "x"), None, date(2020, 1, 2), datetime(2020, 1, 2, 3, 4, 5), Decimal("1.50"), 1.5, True, b"ab", [[1, 2], [3]]),
         ("A&<b>", None, None, None, None, "n", None, None, None, None, None, None, None)],
        "name string, age int, arr array<int>, m map<string,int>, st struct<a:int,b:string>, s string, d date, ts timestamp, "
        "dec decimal(5,2), dbl double, b boolean, bin binary, nested array<array<int>>",
    )
    out = str(tmp_path / "people")
    df.coalesce(1).write.xml(out, rootTag="people", rowTag="person")
    golden.check("files", listing(out))
    golden.check("text", written(out))
    golden.check_df(spark.read.xml(out, rowTag="person"), "read_back")


def test_write_xml_options_and_empty_output(spark, tmp_path, golden):
    attrs = str(tmp_path / "attrs")
    spark.createDataFrame([(1, "v", "t", None)], "_id int, _VALUE string, x string, y string").coalesce(1).write.xml(
        attrs, rowTag="r", compression="gzip", nullValue="NULL")
    golden.check("attributes_files", listing(attrs))
    golden.check("attributes_text", written(attrs))
    plain = str(tmp_path / "plain")
    spark.range(2).coalesce(1).write.xml(plain, rowTag="r", declaration="", rootTag="a")
    golden.check("plain_text", written(plain))
    empty = str(tmp_path / "empty")
    spark.range(0).write.xml(empty, rowTag="r")
    golden.check("empty_text", written(empty))
