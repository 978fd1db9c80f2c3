"""The compiled-pattern cache (govmetrics/patterns.py): what one process compiles, the next
loads, and any trouble with the cache file means compiling as before."""

from __future__ import annotations

import regex

from govmetrics import patterns


def _fresh(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(patterns, "_known", None)
    monkeypatch.setattr(patterns, "_added", False)


def test_a_pattern_compiled_once_is_loaded_by_the_next_process(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    p = patterns.compiled(r"(?<=增长)\d+(?:\.\d+)?%", regex.V1)
    assert p.search("增长8.2%").group() == "8.2%"
    patterns._save()  # what the process does at exit
    _fresh(monkeypatch, tmp_path)
    with monkeypatch.context() as m:
        m.setattr(regex, "compile", lambda *a, **k: (_ for _ in ()).throw(AssertionError("compiled again")))
        again = patterns.compiled(r"(?<=增长)\d+(?:\.\d+)?%", regex.V1)
    assert again.search("增长8.2%").group() == "8.2%" and again.flags == p.flags


def test_flags_and_bytes_patterns_are_separate_entries(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    assert patterns.compiled("a", regex.I).match("A")
    assert not patterns.compiled("a").match("A")
    assert patterns.compiled(rb"<html", regex.I).match(b"<HTML")


def test_a_corrupt_cache_file_means_compiling(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    patterns.compiled(r"\d+亿")
    patterns._save()
    for f in tmp_path.glob("patterns-*.pickle"):
        f.write_bytes(b"not a pickle")
    _fresh(monkeypatch, tmp_path)
    assert patterns.compiled(r"\d+亿").search("3亿").group() == "3亿"
