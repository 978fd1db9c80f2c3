"""The cache of derived data: it only ever saves time, whatever state its file is in."""

from __future__ import annotations

import json
import pickle
from unittest.mock import patch

import pytest

from govmetrics import diskcache
from govmetrics.diskcache import JsonCache, cache_dir
from govmetrics.prefilter import scope_of, scopes_for
from govmetrics.rules import default_ruleset


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path / "c"))
    return tmp_path / "c"


def test_round_trip(folder):
    c = JsonCache("t", "v1")
    c.put("k", [1, "亿"])
    c.save()
    assert JsonCache("t", "v1").get("k") == [1, "亿"]


def test_another_signature_starts_empty(folder):
    c = JsonCache("t", "v1")
    c.put("k", 1)
    c.save()
    assert JsonCache("t", "v2").get("k") is None


def test_a_corrupt_file_is_ignored_and_replaced(folder):
    folder.mkdir()
    (folder / "t.json").write_text("{not json", encoding="utf-8")
    c = JsonCache("t", "v1")
    assert c.get("k") is None
    c.put("k", 2)
    c.save()
    assert json.loads((folder / "t.json").read_text(encoding="utf-8"))["entries"] == {"k": 2}
    assert [p.name for p in folder.iterdir()] == ["t.json"]  # no temporary file left


def test_an_overgrown_cache_starts_over_from_this_run(folder, monkeypatch):
    monkeypatch.setattr("govmetrics.diskcache.MAX_ENTRIES", 3)
    c = JsonCache("t", "v1")
    for k in "abcd":
        c.put(k, 1)
    c.save()
    assert len(JsonCache("t", "v1").entries) == 4  # all from this run: kept
    c = JsonCache("t", "v1")
    c.put("e", 2)
    c.save()
    assert JsonCache("t", "v1").entries == {"e": 2}


def test_an_unwritable_place_means_no_cache_and_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(blocker / "sub"))  # a folder under a file
    c = JsonCache("t", "v1")
    c.put("k", 1)
    c.save()
    assert c.get("k") == 1


def test_empty_setting_turns_the_cache_off(monkeypatch):
    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", "")
    assert cache_dir() is None
    c = JsonCache("t", "v1")
    c.put("k", 1)
    c.save()  # nowhere to write: nothing happens


def test_prefilters_from_the_cache_equal_the_analysis(folder):
    pairs = [(r.compiled.pattern, r.compiled.flags) for r in default_ruleset().rules]
    cold = scopes_for(pairs)
    assert (folder / "prefilter.json").exists()
    warm = scopes_for(pairs)
    assert warm == cold == [scope_of(p, f) for p, f in pairs]


def test_malformed_prefilter_entries_are_worked_out_again(folder):
    pairs = [(r.compiled.pattern, r.compiled.flags) for r in default_ruleset().rules]
    scopes_for(pairs)
    path = folder / "prefilter.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    for k in stored["entries"]:
        stored["entries"][k] = [1, ["亿"]]  # right signature, wrong shape
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert scopes_for(pairs) == [scope_of(p, f) for p, f in pairs]


def test_a_compiled_rule_set_is_loaded_from_the_cache_until_a_rule_file_changes(tmp_path, monkeypatch):
    from govmetrics import rules

    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules:\n  - {id: mine, pattern: '\\d+亿', unit: 元}\n", encoding="utf-8")
    first = rules.load_ruleset([mine])
    assert list(tmp_path.glob("ruleset-*.pickle"))
    with patch.object(rules, "_load_ruleset", side_effect=AssertionError("compiled again")):
        again = rules.load_ruleset([mine])
    assert again is not first and again.rule("mine").compiled.pattern == first.rule("mine").compiled.pattern
    assert again.rule("mine").user and again.rule("mine").scope == first.rule("mine").scope
    mine.write_text("rules:\n  - {id: mine, pattern: '\\d+万', unit: 元}\n", encoding="utf-8")
    assert rules.load_ruleset([mine]).rule("mine").compiled.search("3万")  # an edit is read


def test_rules_check_never_uses_the_cache(tmp_path, monkeypatch):
    from govmetrics import rules

    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    rules.load_ruleset(())
    with patch.object(rules, "_load_ruleset", wraps=rules._load_ruleset) as spy:
        problems: list[str] = []
        rules.load_ruleset((), problems)
    assert spy.called and problems == []


def test_values_derived_from_a_rule_set_are_kept_with_it_but_no_document_text(tmp_path, monkeypatch):
    from govmetrics import attribute, rules
    from govmetrics.extractor import extract_text

    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules:\n  - {id: mine, pattern: '\\d+亿', unit: 元}\n", encoding="utf-8")
    first = rules.load_ruleset([mine])
    assert first.cache_key and not first.derived
    assert extract_text("全年国内生产总值增长5.2%。", rules=first)[0].metric == "gdp"
    name = "govmetrics.attribute.vocab_for"
    assert attribute.vocab_for(first) is first.derived[name]  # built once per rule set
    clause = "鲲鹏扶摇直上增长"  # a clause read in this process: its memos stay behind
    attribute._clean(clause, first.derived[name])
    attribute._names(clause, first.derived[name])
    assert first.derived[name].trimmed_memo and first.derived[name].names_memo
    assert "鲲鹏".encode() not in pickle.dumps(first.derived[name])
    rules._save_grown()  # what happens at exit
    again = rules.load_ruleset([mine])
    assert again is not first and name in again.derived
    assert again.derived[name].trimmed_memo == {} and again.derived[name].names_memo == {}
    assert attribute.vocab_for(again) is again.derived[name]
    assert extract_text("全年国内生产总值增长5.2%。", rules=again)[0].metric == "gdp"


def test_a_rule_set_loaded_for_rules_check_is_never_written_back(tmp_path, monkeypatch):
    from govmetrics import attribute, rules

    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    checked = rules.load_ruleset((), [])
    attribute.vocab_for(checked)
    assert checked.cache_key is None and checked not in rules._grown


def test_a_signature_without_the_package_ignores_edits_elsewhere(tmp_path, monkeypatch):
    from govmetrics import diskcache

    f = tmp_path / "data.txt"
    f.write_text("x", encoding="utf-8")
    before = (diskcache.code_signature([f], "v"), diskcache.code_signature([f], "v", package=False))
    monkeypatch.setattr(diskcache, "_package_stamp", lambda: b"another module edited")
    assert diskcache.code_signature([f], "v") != before[0]
    assert diskcache.code_signature([f], "v", package=False) == before[1]
    f.write_text("y", encoding="utf-8")
    assert diskcache.code_signature([f], "v", package=False) != before[1]


def test_pruning_keeps_each_names_own_files(folder, monkeypatch):
    # "patterns" and "patterns-derived" are two names: saving many of one never drops the other's.
    from govmetrics import diskcache

    monkeypatch.setattr(diskcache, "MAX_BLOBS", 2)
    diskcache.save_blob("patterns-derived", "k", [1])
    for i in range(4):
        diskcache.save_blob("patterns", f"k{i}", [i])
    assert diskcache.load_blob("patterns-derived", "k") == [1]
    assert len(list(folder.glob("patterns-" + "?" * 20 + ".pickle"))) == 2


def test_stdlib_patterns_in_a_blob_are_kept_with_their_compiled_code(folder, monkeypatch):
    import re
    from re import _compiler

    value = {"words": re.compile("增长|下降|(?P<r>提高)"), "class": re.compile(r"[\u4e00-\u9fff]+", re.M),
             "bytes": re.compile(rb"<html", re.I)}
    diskcache.save_blob("t", "k", value)
    re.purge()
    with monkeypatch.context() as m:
        m.setattr(_compiler, "compile", lambda *a, **k: (_ for _ in ()).throw(AssertionError("compiled again")))
        got = diskcache.load_blob("t", "k")
    assert got == value  # patterns compare source, flags and compiled code
    assert got["words"].search("同比提高").group("r") == "提高" and got["bytes"].match(b"<HTML")


def test_a_pattern_whose_code_cannot_be_worked_out_is_pickled_as_usual(folder, monkeypatch):
    import re

    monkeypatch.setattr(diskcache, "_sre_arguments", lambda p: None)
    diskcache.save_blob("t", "k", [re.compile("亿元|万元")])
    assert diskcache.load_blob("t", "k") == [re.compile("亿元|万元")]


def test_code_that_does_not_rebuild_the_same_pattern_is_not_kept(monkeypatch):
    import _sre
    import re

    mine, other = re.compile("亿元"), re.compile("something else")
    assert diskcache._sre_arguments(mine) is not None
    monkeypatch.setattr(_sre, "compile", lambda *a: other)
    assert diskcache._sre_arguments(mine) is None
