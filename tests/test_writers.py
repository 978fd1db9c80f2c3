"""govmetrics.writers: formats, byte-stable output, atomic files."""

from __future__ import annotations

import io
import json
import os

import pytest

from govmetrics.claim import COLUMNS
from govmetrics.writers import atomic_output, check_output_path, rows_to_string, write_rows

ROWS = [
    {"doc": "a.txt", "doc_date": "2021-03-01", "start": 3, "end": 10, "line": 1, "text": "超3600亿元", "value": 3.6e11,
     "unit": "元", "qualifier": "more_than", "kind": "level", "target": False, "year": 2020, "region": "黄埔区", "metric": "gdp",
     "subject": "地区生产总值", "sentence": "地区生产总值超3600亿元, 增长8.2%。", "rule": "quantity"},
    {"doc": "a.txt", "doc_date": "", "start": 14, "end": 18, "line": 1, "text": "8.2%", "value": 8.2, "unit": "%",
     "qualifier": "exact", "kind": "growth", "target": True, "year": None, "region": "", "metric": "", "subject": "",
     "sentence": "s", "rule": "percent"},
]


def test_csv():
    s = rows_to_string(ROWS, COLUMNS, "csv")
    lines = s.split("\n")
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("a.txt,2021-03-01,3,10,1,超3600亿元,360000000000,元,more_than,level,false,2020,黄埔区,gdp,")
    assert '"地区生产总值超3600亿元, 增长8.2%。"' in lines[1]
    assert lines[2] == "a.txt,,14,18,1,8.2%,8.2,%,exact,growth,true,,,,,s,percent"
    assert s.endswith("\n") and "\r" not in s


def test_csv_bom_and_column_choice():
    buf = io.StringIO()
    assert write_rows(ROWS, ["value", "doc"], "csv", buf, bom=True) == 2
    assert buf.getvalue() == "\ufeffvalue,doc\n360000000000,a.txt\n8.2,a.txt\n"


def test_jsonl_and_json_have_native_types():
    lines = rows_to_string(ROWS, COLUMNS, "jsonl").splitlines()
    first = json.loads(lines[0])
    assert list(first) == COLUMNS
    assert first["value"] == 360000000000 and isinstance(first["value"], int)
    assert json.loads(lines[1])["year"] is None and json.loads(lines[1])["target"] is True
    assert "超3600亿元" in lines[0]  # not \u-escaped
    assert json.loads(rows_to_string(ROWS, COLUMNS, "json")) == [json.loads(x) for x in lines]
    assert rows_to_string([], COLUMNS, "json") == "[]\n"
    assert rows_to_string([], COLUMNS, "jsonl") == ""


def test_output_is_stable():
    assert rows_to_string(ROWS, COLUMNS, "csv") == rows_to_string(list(ROWS), COLUMNS, "csv")


def test_table_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    s = rows_to_string(ROWS, COLUMNS, "table")
    assert "超3600亿元" in s and "sentence" not in s  # the default table leaves the long columns out
    buf = io.StringIO()
    write_rows(ROWS, ["value", "sentence"], "table", buf, table_columns=["value", "sentence"])
    assert "sentence" in buf.getvalue() and "value" in buf.getvalue()


def test_unknown_format():
    with pytest.raises(ValueError):
        rows_to_string(ROWS, COLUMNS, "xml")


def test_atomic_output_replaces_on_success(tmp_path):
    p = tmp_path / "out.csv"
    p.write_text("old", encoding="utf-8")
    with atomic_output(str(p)) as fh:
        fh.write("new")
        assert p.read_text(encoding="utf-8") == "old"  # not replaced until done
    assert p.read_text(encoding="utf-8") == "new"
    assert os.listdir(tmp_path) == ["out.csv"]


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt, SystemExit])
def test_atomic_output_interrupted_in_the_row_generator(tmp_path, exc):
    p = tmp_path / "out.csv"
    p.write_text("old", encoding="utf-8")

    def rows():
        yield ROWS[0]
        raise exc()

    with pytest.raises(exc), atomic_output(str(p)) as fh:
        write_rows(rows(), COLUMNS, "csv", fh)
    assert p.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.csv"]  # no temporary file left
    q = tmp_path / "fresh.csv"
    with pytest.raises(exc), atomic_output(str(q)) as fh:
        write_rows(rows(), COLUMNS, "csv", fh)
    assert not q.exists()


def test_check_output_path(tmp_path):
    assert check_output_path(str(tmp_path / "x.csv")) is None
    assert "does not exist" in check_output_path(str(tmp_path / "nodir" / "x.csv"))
    assert check_output_path(str(tmp_path)) == "is a directory"
    (tmp_path / "file").write_text("x")
    assert "not a directory" in check_output_path(str(tmp_path / "file" / "x.csv"))
