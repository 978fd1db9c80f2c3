"""`govmetrics diff` and govmetrics.diff: claims matched by what they say, not where."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from govmetrics.cli import main
from govmetrics.diff import DIFF_COLUMNS, DiffError, diff_claims, load_side, read_claims_file

OLD = """2021年政府工作报告

过去一年，全市地区生产总值达到3600亿元，比上年增长8.2%。
一般公共预算收入完成320亿元，增长5.1%。
新增就业23.4万人，城镇登记失业率控制在3.5%以内。
全年新建学校12所，新增学位2.8万个。
"""

# One sentence inserted at the top, one value changed (320 -> 330), one claim removed
# (失业率), one added (养老床位).
NEW = """2021年政府工作报告

各位代表，这是新插入的一句话，没有数字。
过去一年，全市地区生产总值达到3600亿元，比上年增长8.2%。
一般公共预算收入完成330亿元，增长5.1%。
新增就业23.4万人。
全年新建学校12所，新增学位2.8万个，新增养老床位1500张。
"""


@pytest.fixture()
def versions(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "report.txt").write_text(OLD, encoding="utf-8")
    (tmp_path / "new" / "report.txt").write_text(NEW, encoding="utf-8")
    return tmp_path


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def changes(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_new_version_gives_one_added_one_changed_one_removed(versions):
    r = run("diff", versions / "old" / "report.txt", versions / "new" / "report.txt", "--format", "jsonl")
    assert r.exit_code == 1, r.output
    rows = changes(r)
    assert sorted(row["change"] for row in rows) == ["added", "changed", "removed"]
    by = {row["change"]: row for row in rows}
    assert by["changed"]["metric"] == "budget_revenue"
    assert (by["changed"]["old_value"], by["changed"]["new_value"]) == (3.2e10, 3.3e10)
    assert (by["changed"]["old_text"], by["changed"]["new_text"]) == ("320亿元", "330亿元")
    assert by["removed"]["metric"] == "unemployment_rate"
    assert by["removed"]["old_value"] == 3.5 and by["removed"]["new_value"] is None
    assert by["added"]["unit"] == "张" and by["added"]["new_value"] == 1500 and by["added"]["old_value"] is None
    assert list(rows[0]) == DIFF_COLUMNS


def test_identical_inputs_give_no_rows_and_exit_0(versions):
    doc = versions / "old" / "report.txt"
    r = run("diff", doc, doc, "--format", "jsonl")
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    r = run("diff", doc, doc, "--format", "csv")
    assert r.exit_code == 0
    assert r.stdout == ",".join(DIFF_COLUMNS) + "\n"


def test_directories_are_paired_by_base_name(versions):
    r = run("diff", versions / "old", versions / "new", "--format", "jsonl")
    assert r.exit_code == 1
    rows = changes(r)
    assert sorted(row["change"] for row in rows) == ["added", "changed", "removed"]
    assert {row["doc"] for row in rows} == {"report.txt"}


def test_single_documents_with_different_names_are_compared(tmp_path):
    (tmp_path / "report-v1.txt").write_text(OLD, encoding="utf-8")
    (tmp_path / "report-v2.txt").write_text(NEW, encoding="utf-8")
    r = run("diff", tmp_path / "report-v1.txt", tmp_path / "report-v2.txt", "--format", "jsonl")
    assert r.exit_code == 1
    rows = changes(r)
    assert sorted(row["change"] for row in rows) == ["added", "changed", "removed"]
    assert {row["doc"] for row in rows} == {"report-v2.txt"}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_extract_output_files_are_read_back(versions, fmt):
    for side in ("old", "new"):
        r = run("extract", versions / side / "report.txt", "--format", fmt, "-o", versions / f"{side}.{fmt}")
        assert r.exit_code == 0, r.output
    r = run("diff", versions / f"old.{fmt}", versions / f"new.{fmt}", "--format", "jsonl")
    assert r.exit_code == 1, r.output
    assert sorted(row["change"] for row in changes(r)) == ["added", "changed", "removed"]
    # An output file against the documents it came from: no difference.
    r = run("diff", versions / f"old.{fmt}", versions / "old" / "report.txt")
    assert r.exit_code == 0, r.output


def test_excel_csv_is_read_back(versions):
    r = run("extract", versions / "old" / "report.txt", "--excel", "-o", versions / "old.csv")
    assert r.exit_code == 0
    assert (versions / "old.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    r = run("diff", versions / "old.csv", versions / "old" / "report.txt")
    assert r.exit_code == 0, r.output


def test_output_file_and_table(versions):
    out = versions / "changes.csv"
    r = run("diff", versions / "old", versions / "new", "-o", out)
    assert r.exit_code == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(DIFF_COLUMNS) and len(lines) == 4
    r = run("diff", versions / "old", versions / "new", "--format", "table", env={"COLUMNS": "250"})
    assert r.exit_code == 1 and "changed" in r.stdout and "330亿元" in r.stdout


def test_output_is_byte_identical_across_runs(versions):
    a = run("diff", versions / "old", versions / "new", "--format", "csv").stdout_bytes
    b = run("diff", versions / "old", versions / "new", "--format", "csv").stdout_bytes
    assert a == b


def test_missing_side_is_trouble(versions):
    r = run("diff", versions / "nope.csv", versions / "new")
    assert r.exit_code == 2
    assert "nope.csv" in r.stderr and "Traceback" not in r.output


def test_skipped_input_does_not_hide_the_differences(versions):
    # issue 17 (1): one logo.png in the folder made diff exit 2 although rows were written,
    # and `[ $? -eq 1 ] && mail` never fired.
    (versions / "new" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    r = run("diff", versions / "old", versions / "new", "--format", "jsonl")
    assert r.exit_code == 1, r.output
    assert sorted(row["change"] for row in changes(r)) == ["added", "changed", "removed"]
    assert "logo.png" in r.stderr and r.stderr.startswith("govmetrics: warning: ")


def test_skipped_input_without_differences_is_trouble(versions):
    # No difference found, but a skipped file may hide one: not a clean 0.
    (versions / "old2").mkdir()
    (versions / "old2" / "report.txt").write_text(OLD, encoding="utf-8")
    (versions / "old2" / "blob.bin").write_bytes(bytes(range(256)) * 20)
    r = run("diff", versions / "old", versions / "old2", "--format", "jsonl")
    assert r.exit_code == 2
    assert "blob.bin" in r.stderr and r.stdout == ""


# ---------------------------------------------------------------------------- library


def claim(value, metric="gdp", start=0, doc="a.txt", unit="元", year=2020, kind="level", text=None, **kw):
    return {"doc": doc, "doc_date": "", "start": start, "end": start + 1, "line": 1, "text": text or f"{value}{unit}",
            "value": value, "unit": unit, "qualifier": kw.get("qualifier", "exact"), "kind": kind,
            "target": kw.get("target", False), "year": year, "region": kw.get("region", ""), "metric": metric,
            "subject": kw.get("subject", ""), "sentence": "", "rule": "quantity"}


def test_region_is_part_of_the_key_when_both_sides_have_one():
    old = [claim(5, region="广州市", start=0), claim(7, region="黄埔区", start=10)]
    new = [claim(7, region="黄埔区", start=0)]
    rows = diff_claims(old, new)
    assert [(r["change"], r["region"], r["old_value"]) for r in rows] == [("removed", "广州市", 5)]
    # A file written before the region column existed pairs up by the other fields.
    rows = diff_claims([claim(7, start=0)], new)
    assert rows == []


def test_position_does_not_matter():
    old = [claim(1, start=10), claim(2, metric="cpi", unit="%", start=20)]
    new = [claim(1, start=500), claim(2, metric="cpi", unit="%", start=900)]
    assert diff_claims(old, new) == []


def test_order_among_equal_claims_is_aligned():
    # Three claims with the same key; the middle one is removed: only it is reported.
    old = [claim(1, start=1), claim(2, start=2), claim(3, start=3)]
    new = [claim(1, start=1), claim(3, start=3)]
    rows = diff_claims(old, new)
    assert [(r["change"], r["old_value"], r["new_value"]) for r in rows] == [("removed", 2, None)]
    # ... and a changed value in the middle is one changed row.
    rows = diff_claims(old, [claim(1), claim(5), claim(3)])
    assert [(r["change"], r["old_value"], r["new_value"]) for r in rows] == [("changed", 2, 5)]


def test_key_fields_separate_claims():
    old = [claim(1, year=2020), claim(1, year=2021, target=True)]
    new = [claim(1, year=2020), claim(1, year=2025, target=True)]
    rows = diff_claims(old, new)
    assert sorted(r["change"] for r in rows) == ["added", "removed"]


def test_subject_is_used_when_there_is_no_metric():
    old = [claim(12, metric="", unit="所", subject="新建学校")]
    new = [claim(13, metric="", unit="所", subject="新建学校")]
    assert [r["change"] for r in diff_claims(old, new)] == ["changed"]
    new = [claim(12, metric="", unit="所", subject="新建医院")]
    assert sorted(r["change"] for r in diff_claims(old, new)) == ["added", "removed"]


def test_qualifier_change_is_a_change():
    rows = diff_claims([claim(5)], [claim(5, qualifier="more_than")])
    assert [r["change"] for r in rows] == ["changed"]


def test_rows_come_in_document_order():
    old = [claim(1, metric="a", start=1), claim(2, metric="b", start=2), claim(3, metric="c", start=3)]
    new = [claim(0, metric="z", start=0), claim(1, metric="a", start=1), claim(9, metric="b", start=2),
           claim(7, metric="y", start=3)]
    rows = diff_claims(old, new)
    assert [(r["change"], r["metric"]) for r in rows] == [
        ("added", "z"), ("changed", "b"), ("added", "y"), ("removed", "c")]


def test_read_claims_file_detects_formats(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("地区生产总值3600亿元", encoding="utf-8")
    assert read_claims_file(str(p)) is None  # a document, not a claims file
    p.write_text("doc,value,unit,year,target\na.txt,1.5,%,,true\n", encoding="utf-8")
    rows = read_claims_file(str(p))
    assert rows[0]["value"] == 1.5 and rows[0]["year"] is None and rows[0]["target"] is True
    p.write_text('{"doc": "a.txt", "value": 2, "unit": "元", "year": 2020}\n', encoding="utf-8")
    assert read_claims_file(str(p))[0]["year"] == 2020
    p.write_text('{"doc": "a.txt", "value": 2}\n{broken\n', encoding="utf-8")
    with pytest.raises(DiffError, match=r"x.txt:2"):
        read_claims_file(str(p))
    p.write_text("doc,value\na.txt,abc\n", encoding="utf-8")
    with pytest.raises(DiffError, match="not a number"):
        read_claims_file(str(p))


def test_load_side_missing(tmp_path):
    with pytest.raises(DiffError, match="no such file"):
        load_side(str(tmp_path / "missing"))


# ---------------------------------------------------------------------------- issue 17: claims files


def _extract_csv(versions, side: str, path) -> None:
    r = run("extract", versions / side / "report.txt", "-o", path)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_claims_csv_in_any_common_encoding_is_recognised(versions, encoding):
    # Excel on Chinese Windows saves a CSV as GBK: it used to be read as a document
    # and its own numbers reported as hundreds of changes.
    _extract_csv(versions, "old", versions / "old.csv")
    text = (versions / "old.csv").read_text(encoding="utf-8")
    (versions / "saved.csv").write_bytes(text.encode(encoding))
    r = run("diff", versions / "saved.csv", versions / "old" / "report.txt", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    assert r.stdout == ""


@pytest.mark.parametrize("columns", ["text,value,unit,kind,year,metric,subject", "doc,value"])
def test_claims_csv_with_few_columns_is_recognised(versions, columns):
    for side in ("old", "new"):
        r = run("extract", versions / side / "report.txt", "--columns", columns, "-o", versions / f"{side}.csv")
        assert r.exit_code == 0
    r = run("diff", versions / "old.csv", versions / "new.csv", "--format", "jsonl")
    assert r.exit_code == 1, r.output
    assert len(changes(r)) <= 6  # the claims' changes, not every number of the CSV text


def test_a_csv_that_is_not_a_claims_file_is_an_error(versions):
    (versions / "budget.csv").write_text("项目,2020,2021\n收入,320,330\n支出,500,520\n", encoding="utf-8")
    r = run("diff", versions / "budget.csv", versions / "new" / "report.txt")
    assert r.exit_code == 2
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and "budget.csv" in err and "not a claims file" in err


def test_a_diff_output_is_not_taken_for_claims(versions):
    r = run("diff", versions / "old", versions / "new", "-o", versions / "changes.csv")
    assert r.exit_code == 1
    r = run("diff", versions / "changes.csv", versions / "new")
    assert r.exit_code == 2 and "diff output" in r.stderr


def test_own_output_in_the_input_folder_is_ignored_with_a_warning(versions):
    # `govmetrics extract reports/ -o reports/claims.csv` in cron: the next run must not read
    # its own output as a document.
    before = run("diff", versions / "old", versions / "new", "--format", "jsonl")
    r = run("extract", versions / "new", "-o", versions / "new" / "claims.csv")
    assert r.exit_code == 0
    r = run("extract", versions / "new", "--format", "jsonl")
    assert r.exit_code == 0, r.output  # ignored, not skipped
    assert "claims.csv" in r.stderr and "ignored" in r.stderr
    assert {row["doc"] for row in changes(r)} == {str(versions / "new" / "report.txt")}
    r = run("diff", versions / "old", versions / "new", "--format", "jsonl")
    assert r.exit_code == 1 and changes(r) == changes(before)


@pytest.mark.parametrize("ext", ["xlsx", "parquet"])
def test_binary_claims_files_are_read_back(versions, ext):
    pytest.importorskip("openpyxl" if ext == "xlsx" else "pyarrow")
    for side in ("old", "new"):
        assert run("extract", versions / side / "report.txt", "-o", versions / f"{side}.{ext}").exit_code == 0
    r = run("diff", versions / f"old.{ext}", versions / f"new.{ext}", "--format", "jsonl")
    assert r.exit_code == 1, r.output
    assert sorted(row["change"] for row in changes(r)) == ["added", "changed", "removed"]


def test_scaled_claims_file_diffs_against_documents(versions):
    assert run("extract", versions / "old" / "report.txt", "--scale", "亿元", "-o", versions / "old.csv").exit_code == 0
    assert "320,亿元" in (versions / "old.csv").read_text(encoding="utf-8")
    r = run("diff", versions / "old.csv", versions / "old" / "report.txt")
    assert r.exit_code == 0, r.output


# ---------------------------------------------------------------------------- issue 17: filters, line, sentence


def test_diff_shows_line_and_sentence(versions):
    rows = changes(run("diff", versions / "old", versions / "new", "--format", "jsonl"))
    by = {row["change"]: row for row in rows}
    assert by["changed"]["line"] == 5 and "330亿元" in by["changed"]["sentence"]  # where it is now
    assert by["removed"]["line"] == 5 and "3.5%" in by["removed"]["sentence"]  # where it was
    assert by["added"]["line"] == 7 and "养老床位" in by["added"]["sentence"]


@pytest.mark.parametrize("args, expect", [
    (["--unit", "%"], ["removed"]),
    (["--unit", "亿元"], ["changed"]),
    (["--kind", "growth"], []),
    (["--year", "2021"], ["added"]),
    (["--target"], ["added"]),
    (["--actual"], ["changed", "removed"]),
])
def test_diff_takes_the_filters_of_extract(versions, args, expect):
    r = run("diff", versions / "old", versions / "new", "--format", "jsonl", *args)
    assert sorted(row["change"] for row in changes(r)) == expect
    assert r.exit_code == (1 if expect else 0)


def test_diff_filter_errors(versions):
    r = run("diff", versions / "old", versions / "new", "--target", "--actual")
    assert r.exit_code == 2 and r.stderr.startswith("govmetrics: error: ")
    assert run("diff", versions / "old", versions / "new", "--kind", "nope").exit_code == 2


def test_own_binary_outputs_in_the_input_folder_are_ignored(versions):
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("pyarrow")
    for ext in ("xlsx", "parquet"):
        assert run("extract", versions / "new", "-o", versions / "new" / f"claims.{ext}").exit_code == 0
    openpyxl.Workbook().save(versions / "new" / "someone-elses.xlsx")
    r = run("extract", versions / "new", "--format", "jsonl")
    assert r.exit_code == 1  # the other spreadsheet is no document: skipped
    assert "ignored" in r.stderr and "claims.xlsx" in r.stderr and "claims.parquet" in r.stderr
    assert "skipped" in r.stderr and "someone-elses.xlsx" in r.stderr
