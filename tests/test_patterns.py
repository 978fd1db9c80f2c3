"""The compiled-pattern cache (govmetrics/patterns.py): what one process compiles, the next
loads, and any trouble with the cache file means compiling as before."""

from __future__ import annotations

import re
from re import _compiler

import regex

from govmetrics import patterns


def _fresh(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    fixed, derived = patterns._Store("patterns"), patterns._Store("patterns-derived")
    monkeypatch.setattr(patterns, "_fixed", fixed)
    monkeypatch.setattr(patterns, "_derived", derived)
    monkeypatch.setattr(patterns, "_fixed_re", patterns._Store("patterns-re", re.compile))


def test_a_pattern_compiled_once_is_loaded_by_the_next_process(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    p = patterns.compiled(r"(?<=增长)\d+(?:\.\d+)?%", regex.V1)
    assert p.search("增长8.2%").group() == "8.2%"
    patterns._fixed.save()  # what the process does at exit
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
    patterns._fixed.save()
    for f in tmp_path.glob("patterns-*.pickle"):
        f.write_bytes(b"not a pickle")
    _fresh(monkeypatch, tmp_path)
    assert patterns.compiled(r"\d+亿").search("3亿").group() == "3亿"


def test_an_entry_no_saving_run_asks_for_ages_out(monkeypatch, tmp_path):
    # Each run here compiles a new pattern (so it writes the file) and asks for "kept" but not
    # for "stale": the MAX_AGE runs after the one that asked for it last still load it, the
    # next one does not.
    _fresh(monkeypatch, tmp_path)
    patterns.compiled("stale")
    patterns.compiled("kept")
    patterns._fixed.save()
    for run in range(patterns.MAX_AGE + 1):
        _fresh(monkeypatch, tmp_path)
        patterns.compiled("kept")
        patterns.compiled(f"new{run}")
        assert ("stale", 0) in patterns._fixed.known, run
        patterns._fixed.save()
    _fresh(monkeypatch, tmp_path)
    patterns.compiled("kept")
    known, age = patterns._fixed.known, patterns._fixed.age
    assert ("kept", 0) in known and ("stale", 0) not in known
    assert age[("kept", 0)] == 0 and age[("new0", 0)] == patterns.MAX_AGE


def test_patterns_of_derived_values_are_kept_apart_and_read_only_when_asked_for(monkeypatch, tmp_path):
    # A rule set's derived values are saved with it: the patterns compiled while working them
    # out go to a file of their own, which a start that finds those values cached never reads.
    _fresh(monkeypatch, tmp_path)
    patterns.compiled("module")
    with patterns.for_derived():
        patterns.compiled("from a rule set")
    assert patterns.compiled("after") is patterns._fixed.known[("after", 0)]
    patterns._fixed.save()
    patterns._derived.save()
    _fresh(monkeypatch, tmp_path)
    patterns.compiled("module")
    assert set(patterns._fixed.known) == {("module", 0), ("after", 0)} and patterns._derived.known is None
    with patterns.for_derived():
        patterns.compiled("from a rule set")
    assert set(patterns._derived.known) == {("from a rule set", 0)} and not patterns._derived.added


def test_a_stdlib_pattern_is_loaded_by_the_next_process_without_compiling(monkeypatch, tmp_path):
    sources = [("[至到~～\\-—－–、]", 0), (r"(?P<y>(?:19|20)\d\d)年(?:底|末)?", 0), ("gdp|cpi", re.I),
               ("[" + "".join(chr(c) for c in range(0x4E00, 0x4E00 + 3000, 3)) + "]", 0)]
    _fresh(monkeypatch, tmp_path)
    first = [patterns.compiled_re(s, f) for s, f in sources]
    patterns._fixed_re.save()
    _fresh(monkeypatch, tmp_path)
    re.purge()  # (re's own in-process cache would hide a compile)
    with monkeypatch.context() as m:
        m.setattr(_compiler, "compile", lambda *a, **k: (_ for _ in ()).throw(AssertionError("compiled again")))
        again = [patterns.compiled_re(s, f) for s, f in sources]
    for (s, f), p, q in zip(sources, first, again, strict=True):
        assert q == re.compile(s, f) == p  # equal source, flags and compiled code
    assert again[1].search("到2025年底").group("y") == "2025" and again[2].match("GDP")


def test_another_threads_patterns_stay_fixed_while_one_works_out_derived_values(monkeypatch, tmp_path):
    import threading

    _fresh(monkeypatch, tmp_path)
    inside, done = threading.Event(), threading.Event()

    def deriving() -> None:
        with patterns.for_derived():
            patterns.compiled("派生")
            inside.set()
            done.wait(5)

    worker = threading.Thread(target=deriving)
    worker.start()
    assert inside.wait(5)
    patterns.compiled("固定")  # this thread is not within for_derived()
    done.set()
    worker.join()
    assert ("固定", 0) in patterns._fixed.known and ("固定", 0) not in (patterns._derived.known or {})
    assert ("派生", 0) in patterns._derived.known
