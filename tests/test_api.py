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
