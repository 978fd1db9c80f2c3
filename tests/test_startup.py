"""A lean start: `govmetrics extract` on a short file with the rules in the cache folder
imports nothing it does not need (issue 18: no multiprocessing, concurrent.futures or
yaml for --jobs 1 on cached rules; pandas, rich and Hyperscan only when needed)."""

from __future__ import annotations

import os
import subprocess
import sys

NOT_NEEDED = ["multiprocessing", "concurrent.futures", "yaml", "pandas", "rich", "hyperscan", "numpy", "zipfile"]


def _imported(args: list[str], env: dict[str, str]) -> set[str]:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "govmetrics", *args],
                       capture_output=True, text=True, env=env, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    return {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}


def test_a_short_extraction_on_cached_rules_imports_only_what_it_needs(tmp_path):
    doc = tmp_path / "one.txt"
    doc.write_text("2020年地区生产总值增长8.2%。", encoding="utf-8")
    env = dict(os.environ, GOVMETRICS_CACHE_DIR=str(tmp_path / "cache"))
    first = _imported(["extract", str(doc), "--jobs", "1", "--format", "csv"], env)  # fills the cache
    assert "yaml" in first  # the rule files were read
    again = _imported(["extract", str(doc), "--jobs", "1", "--format", "csv"], env)
    assert "govmetrics.extractor" in again
    assert sorted(m for m in NOT_NEEDED if m in again) == []


def test_help_imports_no_part_of_the_pipeline(tmp_path):
    env = dict(os.environ, GOVMETRICS_CACHE_DIR=str(tmp_path / "cache"))
    got = _imported(["--help"], env)
    assert not {"regex", "govmetrics.rules", "govmetrics.extractor", "yaml", "pandas"} & got


def test_the_command_line_collects_garbage_less_often_but_the_library_leaves_it_alone(tmp_path):
    import gc

    from click.testing import CliRunner

    from govmetrics.cli import main
    from govmetrics.extractor import extract_text

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        extract_text("2023年GDP增长5.2%。")
        assert gc.get_threshold() == (700, 10, 10)
        doc = tmp_path / "a.txt"
        doc.write_text("2023年GDP增长5.2%。", encoding="utf-8")
        assert CliRunner().invoke(main, ["extract", str(doc), "--format", "jsonl"]).exit_code == 0
        assert gc.get_threshold()[0] == 20_000
    finally:
        gc.set_threshold(*before)
