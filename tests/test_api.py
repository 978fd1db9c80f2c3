"""The library entry points over files: extract() and iter_claims()."""

from __future__ import annotations

from pathlib import Path

import pytest

import govmetrics
from govmetrics import api
from govmetrics.claim import COLUMNS

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_extract_returns_a_frame_with_the_csv_columns() -> None:
    df = govmetrics.extract([str(SEEDS)], jobs=1)
    assert list(df.columns) == COLUMNS
    assert len(df) > 300
    assert df["target"].dtype == bool


def test_one_failing_document_is_skipped_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "a_good.txt"
    bad = tmp_path / "b_bad.txt"
    good.write_text("新增就业23.4万人。", encoding="utf-8")
    bad.write_text("触发错误的文档，增长8%。", encoding="utf-8")
    real = api.extract_text

    def flaky(text: str, *args, **kwargs):
        if "触发错误" in text:
            raise RuntimeError("boom")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(api, "extract_text", flaky)
    warnings: list[str] = []
    report = api.RunReport()
    claims = list(api.iter_claims([str(good), str(bad)], warn=warnings.append, report=report, jobs=1))
    assert [c.text for c in claims] == ["23.4万人"]
    assert report.read == 1 and len(report.skipped) == 1
    assert "b_bad.txt" in warnings[0] and "RuntimeError: boom" in warnings[0]


# ---------------------------------------------------------------------------- issue 17: never skip silently


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("新增就业23.4万人。", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return tmp_path


def test_extract_warns_for_each_skipped_file(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with pytest.warns(api.SkippedInputWarning, match=r"logo\.png.*binary"):
        df = govmetrics.extract(folder, jobs=1)
    assert list(df["text"]) == ["23.4万人"]
    with pytest.warns(api.SkippedInputWarning, match=r"missing\.txt: no such file"):
        govmetrics.extract([folder / "a.txt", folder / "missing.txt"], jobs=1)


def test_extract_raises_on_request(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with pytest.raises(govmetrics.InputError, match=r"logo\.png"):
        govmetrics.extract(folder, errors="raise")
    with pytest.raises(ValueError, match="errors"):
        govmetrics.extract(folder, errors="loud")


def test_extract_can_ignore_on_request(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    df = govmetrics.extract(_folder(tmp_path), errors="ignore", jobs=1)
    assert len(df) == 1 and not [w for w in recwarn if issubclass(w.category, api.SkippedInputWarning)]


RULE = "rules: [{id: pilot_count, pattern: '{NUM}个(?=试点)', unit: 个, priority: 5}]\n"


def test_extract_text_and_extract_take_the_same_rules(tmp_path: Path) -> None:
    rules_file = tmp_path / "mine.yaml"
    rules_file.write_text(RULE, encoding="utf-8")
    doc = tmp_path / "d.txt"
    doc.write_text("新增12个试点。", encoding="utf-8")
    loaded = govmetrics.load_ruleset([rules_file])
    for rules in (str(rules_file), rules_file, [rules_file], loaded):
        claims = govmetrics.extract_text("新增12个试点。", rules=rules)
        assert [(c.value, c.rule) for c in claims] == [(12, "pilot_count")], rules
        df = govmetrics.extract(doc, rules=rules, jobs=1)
        assert list(df["rule"]) == ["pilot_count"], rules
