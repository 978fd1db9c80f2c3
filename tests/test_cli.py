"""The `govmetrics` command line: extract options, exit status, errors, robustness."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import govmetrics.api
from govmetrics.claim import COLUMNS
from govmetrics.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOVMETRICS = [sys.executable, "-m", "govmetrics.cli"]

REPORT = """2021年政府工作报告

过去一年，全市地区生产总值达到3600亿元，比上年增长8.2%。
一般公共预算收入完成320亿元，增长5.1%。
新增就业23.4万人，城镇登记失业率控制在3.5%以内。
今年主要预期目标是：地区生产总值增长6%以上，城镇新增就业10万人以上。
"""


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def jsonl(result) -> list[dict]:
    return [json.loads(x) for x in result.stdout.splitlines() if x.strip()]


def no_traceback(result) -> bool:
    return "Traceback" not in result.output and not (
        result.exception and not isinstance(result.exception, SystemExit))


@pytest.fixture()
def report(tmp_path):
    p = tmp_path / "report.txt"
    p.write_text(REPORT, encoding="utf-8")
    return p


@pytest.fixture()
def all_rows(report):
    r = run("extract", report, "--format", "jsonl")
    assert r.exit_code == 0, r.output
    rows = jsonl(r)
    assert len(rows) >= 6
    return rows


# ---------------------------------------------------------------------------- start-up


def test_cli_module_imports_nothing_heavy():
    code = ("import sys, govmetrics.cli; "
            "print(','.join(m for m in ('pandas', 'rich', 'regex', 'opencc', 'yaml', 'govmetrics.api') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_is_fast():
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([*GOVMETRICS, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    assert min(times) < 0.5, times  # 0.1 s on an idle machine; leave room for a busy one


@pytest.mark.parametrize("cmd", [[], ["extract"], ["diff"], ["rules"], ["rules", "list"], ["rules", "check"],
                                 ["rules", "test"], ["metrics"], ["explain"], ["text"]])
def test_every_command_has_help(cmd):
    r = run(*cmd, "--help")
    assert r.exit_code == 0 and "Usage:" in r.stdout


# ---------------------------------------------------------------------------- extract filters


def test_metric_filter(report, all_rows):
    r = run("extract", report, "--format", "jsonl", "--metric", "gdp")
    assert r.exit_code == 0
    rows = jsonl(r)
    assert rows == [x for x in all_rows if x["metric"] == "gdp"] and rows
    r = run("extract", report, "--format", "jsonl", "--metric", "gdp,new_urban_jobs")
    assert jsonl(r) == [x for x in all_rows if x["metric"] in ("gdp", "new_urban_jobs")]
    r2 = run("extract", report, "--format", "jsonl", "--metric", "gdp", "--metric", "new_urban_jobs")
    assert r2.stdout == r.stdout


def test_kind_target_actual_year_unit(report, all_rows):
    def sel(*args):
        r = run("extract", report, "--format", "jsonl", *args)
        assert r.exit_code == 0, r.output
        return jsonl(r)

    assert sel("--kind", "growth") == [x for x in all_rows if x["kind"] == "growth"]
    assert sel("--kind", "growth", "--kind", "level") == [x for x in all_rows if x["kind"] in ("growth", "level")]
    targets = sel("--target")
    assert targets == [x for x in all_rows if x["target"]] and targets
    actual = sel("--actual")
    assert actual == [x for x in all_rows if not x["target"]] and actual
    years = {x["year"] for x in all_rows if x["year"] is not None}
    y = min(years)
    assert sel("--year", str(y)) == [x for x in all_rows if x["year"] == y]
    assert sel("--year", f"{y}-{y + 1}") == [x for x in all_rows if x["year"] is not None and y <= x["year"] <= y + 1]
    assert sel("--unit", "元") == [x for x in all_rows if x["unit"] == "元"]
    assert sel("--unit", "元", "--unit", "%") == [x for x in all_rows if x["unit"] in ("元", "%")]


def test_where(report, all_rows):
    r = run("extract", report, "--format", "jsonl", "--where", "value > 1e10 and unit == '元'")
    assert r.exit_code == 0, r.output
    assert jsonl(r) == [x for x in all_rows if x["value"] > 1e10 and x["unit"] == "元"]
    assert jsonl(r)


def test_columns_choose_and_order(report, all_rows):
    r = run("extract", report, "--format", "csv", "--columns", "value,unit,doc")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "value,unit,doc"
    assert len(lines) == len(all_rows) + 1
    r = run("extract", report, "--format", "jsonl", "--columns", "unit,value")
    assert list(jsonl(r)[0]) == ["unit", "value"]
    r = run("extract", report, "--format", "table", "--columns", "sentence,value", env={"COLUMNS": "300"})
    assert r.exit_code == 0 and "sentence" in r.stdout and "subject" not in r.stdout


@pytest.mark.parametrize("args, message", [
    (["--columns", "doc,valu"], "unknown column 'valu'"),
    (["--where", "value >"], "--where"),
    (["--where", "nosuch == 1"], "--where"),
    (["--where", "value + 1"], "not a condition"),
    (["--year", "twenty"], "--year"),
    (["--year", "2025-2021"], "--year"),
    (["--metric", "gpd"], "unknown metric 'gpd'"),
    (["--kind", "levels"], "unknown kind"),
    (["--encoding", "no-such-codec"], "--encoding"),
    (["--jobs", "0"], "--jobs"),
    (["--format", "xml"], "--format"),
])
def test_bad_options_exit_2_with_one_line(report, args, message):
    r = run("extract", report, *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert no_traceback(r)
    assert r.stdout == ""


def test_where_error_in_a_later_batch_is_an_error(tmp_path, monkeypatch):
    from govmetrics.filters import FilterError, WhereFilter

    def boom(self, rows):
        raise FilterError("--where: cannot evaluate 'x': boom")

    monkeypatch.setattr(WhereFilter, "__init__", lambda self, expr: None)
    monkeypatch.setattr(WhereFilter, "mask", boom)
    doc = tmp_path / "a.txt"
    doc.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out.csv"
    r = run("extract", doc, "--where", "x", "-o", out)
    assert r.exit_code == 2 and "boom" in r.stderr and no_traceback(r)
    assert not out.exists() and os.listdir(tmp_path) == ["a.txt"]


# ---------------------------------------------------------------------------- formats and output


def test_format_defaults_and_excel(report, tmp_path):
    r = run("extract", report)
    assert r.exit_code == 0 and r.stdout.startswith(",".join(COLUMNS) + "\n")  # csv when piped
    r = run("extract", report, "-o", tmp_path / "c.jsonl")
    assert r.exit_code == 0
    json.loads((tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()[0])
    r = run("extract", report, "-o", tmp_path / "c.json")
    assert isinstance(json.loads((tmp_path / "c.json").read_text(encoding="utf-8")), list)
    r = run("extract", report, "--excel", "-o", tmp_path / "c.csv")
    assert (tmp_path / "c.csv").read_bytes().startswith(b"\xef\xbb\xbfdoc,doc_date,start,")
    r = run("extract", report, "--excel")
    assert r.stdout_bytes.startswith(b"\xef\xbb\xbfdoc,doc_date,start,")


def test_stdin(report):
    r = run("extract", "-", "--format", "jsonl", input=REPORT)
    assert r.exit_code == 0
    rows = jsonl(r)
    assert rows and {x["doc"] for x in rows} == {"-"}


def test_output_is_byte_identical_across_runs():
    a = subprocess.run([*GOVMETRICS, "extract", str(SEEDS), "--format", "csv"], capture_output=True, check=False)
    b = subprocess.run([*GOVMETRICS, "extract", str(SEEDS), "--format", "csv"], capture_output=True, check=False)
    assert a.returncode == 0, a.stderr.decode()
    assert a.stdout == b.stdout and len(a.stdout) > 1000


def test_jobs_is_passed_through(report, monkeypatch):
    seen = {}
    real = govmetrics.api.iter_claims

    def fake(paths, rules=(), encoding=None, warn=None, report=None, jobs=None):
        seen["jobs"] = jobs
        return real(paths, rules, encoding, warn, report)

    monkeypatch.setattr(govmetrics.api, "iter_claims", fake)
    assert run("extract", report, "--jobs", "3").exit_code == 0
    assert seen["jobs"] == 3
    assert run("extract", report).exit_code == 0
    assert seen["jobs"] == (os.cpu_count() or 1)


def test_jobs_is_not_passed_to_an_iter_claims_without_it(report, monkeypatch):
    real = govmetrics.api.iter_claims

    def old_style(paths, rules=(), encoding=None, warn=None, report=None):
        return real(paths, rules, encoding, warn, report)

    monkeypatch.setattr(govmetrics.api, "iter_claims", old_style)
    assert run("extract", report, "--jobs", "2").exit_code == 0


# ---------------------------------------------------------------------------- exit status and skipped inputs


def test_binary_file_among_good_files(tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "c.txt").write_text(REPORT, encoding="utf-8")
    r = run("extract", tmp_path, "--format", "jsonl")
    assert r.exit_code == 1, r.output
    assert "blob.bin" in r.stderr and "warning" in r.stderr
    assert {Path(x["doc"]).name for x in jsonl(r)} == {"a.txt", "c.txt"}
    assert no_traceback(r)


def test_nonexistent_path_is_named(tmp_path, report):
    r = run("extract", tmp_path / "missing.txt", report, "--format", "jsonl")
    assert r.exit_code == 1
    assert "missing.txt" in r.stderr and "no such file" in r.stderr
    assert jsonl(r)  # the good input was still extracted
    r = run("extract", tmp_path / "nothing*.txt")
    assert r.exit_code == 1 and "nothing*.txt" in r.stderr


def test_all_good_inputs_exit_0(report):
    assert run("extract", report).exit_code == 0


# ---------------------------------------------------------------------------- -o problems


def test_output_into_missing_directory(report, tmp_path):
    r = run("extract", report, "-o", tmp_path / "nodir" / "out.csv")
    assert r.exit_code == 2
    assert "nodir" in r.stderr and "does not exist" in r.stderr and no_traceback(r)


def test_output_under_a_file_or_onto_a_directory(report, tmp_path):
    r = run("extract", report, "-o", report / "out.csv")
    assert r.exit_code == 2 and "not a directory" in r.stderr and no_traceback(r)
    r = run("extract", report, "-o", tmp_path)
    assert r.exit_code == 2 and no_traceback(r)


def test_output_into_read_only_directory(report, tmp_path, monkeypatch):
    # Root may write anywhere, so the denial is simulated where the file would be created.
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    ro = tmp_path / "ro"
    ro.mkdir()
    r = run("extract", report, "-o", ro / "out.csv")
    assert r.exit_code == 2 and "permission denied" in r.stderr.lower() and no_traceback(r)
    assert not (ro / "out.csv").exists()


@pytest.mark.skipif(not os.path.isdir("/sys/kernel"), reason="needs a read-only /sys")
def test_output_into_a_read_only_place(report):
    r = run("extract", report, "-o", "/sys/govmetrics-test.csv")
    assert r.exit_code != 0
    assert "/sys/govmetrics-test.csv" in r.stderr and "cannot write" in r.stderr and no_traceback(r)


# ---------------------------------------------------------------------------- interruption


def _interrupting_iter_claims(exc):
    real = govmetrics.api.iter_claims

    def fake(paths, rules=(), encoding=None, warn=None, report=None, **kw):
        it = real(paths, rules, encoding, warn, report)
        yield next(it)
        raise exc

    return fake


@pytest.mark.parametrize("exc, code", [(KeyboardInterrupt(), 130), (RuntimeError("boom"), 2)])
def test_interrupted_run_leaves_no_partial_output(report, tmp_path, monkeypatch, exc, code):
    monkeypatch.setattr(govmetrics.api, "iter_claims", _interrupting_iter_claims(exc))
    out = tmp_path / "out.csv"
    out.write_text("previous results\n", encoding="utf-8")
    before = sorted(os.listdir(tmp_path))
    r = run("extract", report, "-o", out)
    assert r.exit_code == code, r.output
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert sorted(os.listdir(tmp_path)) == before  # no temporary file left
    assert no_traceback(r)
    new = tmp_path / "new.csv"
    r = run("extract", report, "-o", new)
    assert r.exit_code == code and not new.exists()


def test_sigterm_while_writing_leaves_no_partial_output(tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    text = (SEEDS / "004_b336c947ab320b12.txt").read_bytes()
    for i in range(40):
        (big / f"doc{i:03d}.txt").write_bytes(text)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "claims.csv"
    out.write_text("previous results\n", encoding="utf-8")
    proc = subprocess.Popen([*GOVMETRICS, "extract", str(big), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(p.name.endswith(".tmp") for p in out_dir.iterdir()):
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        assert any(p.name.endswith(".tmp") for p in out_dir.iterdir()), "the run never started writing"
        time.sleep(0.5)
        assert proc.poll() is None, "the run finished before it could be interrupted"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert "Traceback" not in err.decode()
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert [p.name for p in out_dir.iterdir()] == ["claims.csv"]


def test_broken_pipe_is_quiet():
    proc = subprocess.run(f"{sys.executable} -m govmetrics.cli extract '{SEEDS}' | head -1", shell=True,
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.startswith("doc,doc_date,start,")
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr


# ---------------------------------------------------------------------------- text


def test_text_prints_the_decoded_text_exactly(tmp_path):
    raw = "标题\r\n地区生产总值３６００亿元。\n最后一行没有换行"
    p = tmp_path / "gbk.txt"
    p.write_bytes(raw.encode("gb18030"))
    from govmetrics.readers import read_document

    expected = read_document(str(p)).text
    r = run("text", p)
    assert r.exit_code == 0
    assert r.stdout_bytes == expected.encode("utf-8")
    assert not r.stdout_bytes.endswith(b"\n")
    r = run("text", p, "--encoding", "gb18030")
    assert r.stdout_bytes == read_document(str(p), "gb18030").text.encode("utf-8")


def test_text_offsets_index_the_printed_text(report):
    rows = jsonl(run("extract", report, "--format", "jsonl"))
    text = run("text", report).stdout_bytes.decode("utf-8")
    for row in rows:
        assert text[row["start"]:row["end"]] == row["text"]


def test_text_errors(tmp_path):
    r = run("text", tmp_path / "missing.txt")
    assert r.exit_code == 1 and "missing.txt" in r.stderr and no_traceback(r)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 40)
    r = run("text", blob)
    assert r.exit_code == 1 and "blob.bin" in r.stderr and no_traceback(r)
    r = run("text", blob, "--encoding", "nope")
    assert r.exit_code == 2 and "--encoding" in r.stderr
