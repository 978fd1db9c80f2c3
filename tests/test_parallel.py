"""jobs=: the same claims, warnings and skipped inputs as a one-process run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govmetrics.api import RunReport, iter_claims
from govmetrics.parallel import resolve_jobs
from govmetrics.rules import default_ruleset

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _run(paths, jobs, **kw):
    warnings: list[str] = []
    report = RunReport()
    rows = [c.as_dict() for c in iter_claims([str(p) for p in paths], warn=warnings.append, report=report, jobs=jobs, **kw)]
    return rows, warnings, report


def test_jobs_2_gives_identical_output_on_seeds():
    one = _run([SEEDS], 1)
    two = _run([SEEDS], 2)
    assert one[0] == two[0]
    assert one[0], "the seeds hold claims"
    assert one[1] == two[1]
    assert (one[2].read, one[2].skipped) == (two[2].read, two[2].skipped)


def test_order_is_input_order_not_completion_order():
    files = sorted(SEEDS.iterdir(), key=lambda p: -p.stat().st_size)  # biggest first
    rows, _, _ = _run(files, 2)
    docs = [r["doc"] for r in rows]
    firsts = list(dict.fromkeys(docs))
    assert firsts == [str(f) for f in files if str(f) in firsts]
    assert rows == _run(files, 1)[0]


def test_skipped_inputs_reported_and_run_goes_on(tmp_path):
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 20)
    paths = [SEEDS / "000_fbbfb8504cf151c7.txt", tmp_path / "missing.txt", binary, SEEDS / "001_c2c7d1486e3858ae.txt"]
    one = _run(paths, 1)
    two = _run(paths, 2)
    assert one[0] == two[0]
    assert one[1] == two[1]
    assert len(two[2].skipped) == 2 and two[2].read == 2
    assert any("missing.txt" in w for w in two[1]) and any("blob.bin" in w for w in two[1])
    assert {r["doc"] for r in two[0]} == {str(paths[0]), str(paths[3])}


def test_many_files_stream_through_a_bounded_window(tmp_path):
    text = (SEEDS / "001_c2c7d1486e3858ae.txt").read_text(encoding="utf-8")
    for i in range(12):
        (tmp_path / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")
    gen = iter_claims([str(tmp_path)], jobs=2)
    first = next(gen)  # streamed: available before the run ends
    assert first.doc.endswith("doc00.txt")
    gen.close()  # stopping early shuts the pool down cleanly
    assert _run([tmp_path], 2)[0] == _run([tmp_path], 1)[0]


def test_rules_option_reaches_the_workers(tmp_path):
    rules = tmp_path / "extra.yaml"
    rules.write_text("rules:\n  - id: my_skip_all_percent\n    action: skip\n    priority: 99\n    pattern: '\\d+(?:\\.\\d+)?%'\n",
                     encoding="utf-8")
    base = _run([SEEDS], 2)[0]
    one = _run([SEEDS], 1, rules=[str(rules)])[0]
    two = _run([SEEDS], 2, rules=[str(rules)])[0]
    assert one == two
    assert len(two) < len(base)


def test_resolve_jobs():
    assert resolve_jobs(None) == (os.cpu_count() or 1)
    assert resolve_jobs(3) == 3
    with pytest.raises(ValueError):
        resolve_jobs(-1)


def test_claims_cross_from_the_workers_as_tuples_of_their_fields():
    from govmetrics.claim import Claim
    from govmetrics.extractor import extract_text
    from govmetrics.parallel import _fields

    claims = extract_text("2023年国内生产总值增长5.2%，城镇新增就业1244万人。", doc="a.txt")
    assert claims and [Claim(*_fields(c)) for c in claims] == claims


def test_this_process_extracts_files_too_and_any_window_keeps_the_order(tmp_path, monkeypatch):
    # jobs=2 is this process and one worker: each extracts files (the worker, forked after
    # the patch, reports its own pid too); however narrow the window, the claims come in input order.
    from govmetrics import parallel

    text = (SEEDS / "001_c2c7d1486e3858ae.txt").read_text(encoding="utf-8")
    for i in range(8):
        (tmp_path / f"doc{i:02d}.txt").write_text(text.replace("。", "。" * (i + 1), 1), encoding="utf-8")
    extract = parallel._extract

    def traced(name, encoding, text, rs):
        status, result, warnings = extract(name, encoding, text, rs)
        return status, result, [*warnings, f"pid {os.getpid()}"]

    monkeypatch.setattr(parallel, "_extract", traced)
    one = _run([tmp_path], 1)[0]
    for window in (1, 2, 3, None):
        warnings: list[str] = []
        report = RunReport()
        items = sorted(str(p) for p in tmp_path.iterdir())
        rows = [c.as_dict() for c in parallel.iter_claims_parallel(items, (), default_ruleset(), None, warnings.append, report, 2, window)]
        assert rows == one and report.read == 8
        pids = {w for w in warnings if w.startswith("pid ")}
        assert f"pid {os.getpid()}" in pids and (len(pids) == 2) == (window != 1), window  # window 1: no pool


def test_an_error_in_a_file_is_raised_in_its_turn_after_the_claims_before_it(tmp_path, monkeypatch):
    # Whichever process extracts the failing file, the claims of every file before it are out
    # first, as in a one-process run that stops there.
    from govmetrics import parallel

    text = (SEEDS / "001_c2c7d1486e3858ae.txt").read_text(encoding="utf-8")
    for i in range(6):
        (tmp_path / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")
    extract = parallel._extract

    def failing(name, encoding, text, rs):
        if name.endswith("doc03.txt"):
            raise RuntimeError("a bug")
        return extract(name, encoding, text, rs)

    monkeypatch.setattr(parallel, "_extract", failing)
    per_file = len(_run([tmp_path / "doc00.txt"], 1)[0])
    for window in (1, 2, None):
        docs: list[str] = []
        items = sorted(str(p) for p in tmp_path.iterdir())
        with pytest.raises(RuntimeError, match="a bug"):
            for c in parallel.iter_claims_parallel(items, (), default_ruleset(), None, lambda _w: None, RunReport(), 2, window):
                docs.append(Path(c.doc).name)
        assert docs == [f"doc{i:02d}.txt" for i in range(3) for _ in range(per_file)], window


def test_the_pool_is_refilled_while_this_process_extracts_a_long_file(tmp_path, monkeypatch):
    # This process's first file lasts until the worker has done every other file: the pool
    # must be fed as its files finish, not only when this process is between two files.
    import time

    from govmetrics import parallel

    text = (SEEDS / "001_c2c7d1486e3858ae.txt").read_text(encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(6):
        (docs / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")
    done = tmp_path / "done"
    done.mkdir()
    me = os.getpid()
    extract = parallel._extract

    def slow_first(name, encoding, text, rs):
        if os.getpid() == me and name.endswith("doc00.txt"):
            deadline = time.monotonic() + 30
            while len(list(done.iterdir())) < 5 and time.monotonic() < deadline:
                time.sleep(0.01)
        out = extract(name, encoding, text, rs)
        if os.getpid() != me:
            (done / Path(name).name).touch()
        return out

    monkeypatch.setattr(parallel, "_extract", slow_first)
    items = sorted(str(p) for p in docs.iterdir())
    rows = [c.as_dict() for c in parallel.iter_claims_parallel(items, (), default_ruleset(), None, lambda _w: None, RunReport(), 2)]
    assert sorted(p.name for p in done.iterdir()) == [f"doc{i:02d}.txt" for i in range(1, 6)]
    assert rows == _run([docs], 1)[0]
