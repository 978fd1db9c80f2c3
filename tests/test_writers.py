"""govmetrics.writers: formats, byte-stable output, atomic files."""

from __future__ import annotations

import io
import json
import os
import stat

import pytest
from rich.cells import cell_len

from govmetrics.claim import COLUMNS
from govmetrics.writers import atomic_output, check_output_path, rows_to_string, scale_rows, write_rows

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


# ---------------------------------------------------------------------------- issue 17: files and formats


def test_atomic_output_gives_a_new_file_the_umask_mode(tmp_path):
    p = tmp_path / "new.csv"
    old = os.umask(0o022)
    try:
        with atomic_output(str(p)) as fh:
            fh.write("x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o644  # not mkstemp's 0600


def test_atomic_output_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    p = tmp_path / "shared.csv"
    p.write_text("old\n")
    os.chmod(p, 0o664)
    with atomic_output(str(p)) as fh:
        fh.write("new\n")
    assert p.read_text() == "new\n"
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o664


def test_tsv():
    s = rows_to_string(ROWS, ["doc", "value", "unit", "target"], "tsv")
    assert s.split("\n")[:3] == ["doc\tvalue\tunit\ttarget", "a.txt\t360000000000\t元\tfalse", "a.txt\t8.2\t%\ttrue"]


def test_xlsx_has_one_sheet_typed_cells_and_a_frozen_header(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    p = tmp_path / "claims.xlsx"
    with atomic_output(str(p), binary=True) as fh:
        assert write_rows(ROWS, COLUMNS, "xlsx", fh) == 2
    wb = openpyxl.load_workbook(p)
    assert len(wb.worksheets) == 1
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["value"] == 360000000000 and isinstance(first["value"], int | float)
    assert first["year"] == 2020 and isinstance(first["year"], int)
    assert first["target"] is False and first["start"] == 3
    second = dict(zip(COLUMNS, rows[2], strict=True))
    assert second["value"] == 8.2 and second["year"] is None and second["target"] is True


def test_xlsx_strips_characters_excel_refuses(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    p = tmp_path / "c.xlsx"
    with atomic_output(str(p), binary=True) as fh:
        write_rows([{**ROWS[0], "sentence": "a\x0bb\x01c"}], COLUMNS, "xlsx", fh)
    ws = openpyxl.load_workbook(p).worksheets[0]
    assert list(ws.iter_rows(values_only=True))[1][COLUMNS.index("sentence")] == "a b c"


def test_parquet_has_typed_columns(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    p = tmp_path / "claims.parquet"
    with atomic_output(str(p), binary=True) as fh:
        assert write_rows(ROWS, COLUMNS, "parquet", fh) == 2
    t = pq.read_table(p)
    assert t.column_names == COLUMNS
    assert str(t.schema.field("value").type) == "double"
    assert str(t.schema.field("year").type) == "int64"
    assert str(t.schema.field("target").type) == "bool"
    rows = t.to_pylist()
    assert rows[0]["value"] == 3.6e11 and rows[1]["year"] is None and rows[1]["target"] is True


def test_scale_rows_changes_value_and_unit_of_money_only():
    out = list(scale_rows(ROWS, "亿元"))
    assert out[0]["value"] == 3600 and out[0]["unit"] == "亿元"
    assert out[1] == ROWS[1]  # 8.2% is no money
    assert ROWS[0]["value"] == 3.6e11  # the input rows are not changed
    assert list(scale_rows([{"unit": "元", "old_value": 3.2e10, "new_value": None}], "万元"))[0] == {
        "unit": "万元", "old_value": 3200000, "new_value": None}


# ---------------------------------------------------------------------------- issue 17: terminal widths


def table_at(rows, cols, width, **kw) -> list[str]:
    buf = io.StringIO()
    from govmetrics.writers import _table

    _table(rows, cols, buf, width=width, **kw)
    return buf.getvalue().splitlines()


def test_extract_table_fits_80_columns_and_shows_doc_for_several_documents():
    rows = [{**ROWS[0], "doc": f"reports/report-{i}.txt"} for i in range(2)] + [ROWS[1]]
    cols = ["doc", "line", "text", "value", "unit", "qualifier", "kind", "target", "year", "metric", "subject"]
    lines = table_at(rows, cols, 80)
    assert all(cell_len(x) <= 80 for x in lines)
    assert "doc" in lines[1] and "report-0.txt" in "".join(lines) and "report-1.txt" in "".join(lines)
    # One document: its name gives way first.
    one = table_at([ROWS[0], ROWS[1]], cols, 60)
    assert "doc" not in one[1] and "text" in one[1]


def test_diff_table_keeps_change_and_values_at_80_columns():
    from govmetrics.diff import DIFF_KEEP_ORDER, DIFF_TABLE_COLUMNS

    rows = [{"change": "changed", "doc": "report.txt", "line": 4, "metric": "budget_revenue",
             "subject": "一般公共预算收入", "kind": "level", "year": 2021, "region": "", "unit": "元",
             "old_value": 32000000000.0, "new_value": 33000000000.0, "old_text": "320亿元", "new_text": "330亿元",
             "sentence": "一般公共预算收入完成330亿元，增长5.1%。"}]
    lines = table_at(rows, DIFF_TABLE_COLUMNS, 80, required={"change", "old_value", "new_value"},
                     rank=DIFF_KEEP_ORDER)
    header = lines[1]
    assert all(c in header for c in ("change", "old_value", "new_value"))
    assert "32,000,000,000" in lines[3] and "33,000,000,000" in lines[3]
    assert all(cell_len(x) <= 80 for x in lines)


def test_catalogue_ids_stay_whole_at_80_and_100_columns():
    rows = [{"metric": "industrial_value_added.above_designated_size", "name": "Industrial value added of "
             "enterprises above designated size", "aliases": "、".join(["规模以上工业增加值"] * 6)}]
    for width in (80, 100):
        lines = table_at(rows, ["metric", "name", "aliases"], width, required={"metric"})
        assert "industrial_value_added.above_designated_size" in lines[3], lines
        assert all(cell_len(x) <= width for x in lines)


def test_long_sentence_gets_the_remaining_width_and_wraps():
    sentence = "扎实做好减轻义务教育阶段学生作业负担和校外培训负担工作，" * 6 + "到2025年新增基础教育公办学位2.8万个。"
    rows = [{**ROWS[0], "sentence": sentence}]
    lines = table_at(rows, ["text", "value", "sentence"], 160, required={"text", "value", "sentence"})
    body = "".join(x.strip("│┃ ") for x in lines[3:-1]).replace("│", "").replace(" ", "")
    assert sentence.replace(" ", "") in body  # nothing cut, wrapped over lines
    assert max(cell_len(x) for x in lines) >= 150  # the sentence takes the width left


def test_values_use_one_notation_per_column():
    from govmetrics.writers import _value_strings

    assert _value_strings([3.6e11, 8.2, 12, None]) == ["360,000,000,000", "8.2", "12", ""]
    big = _value_strings([1e22, 3.0])
    assert all("e+" in v for v in big)
