"""Issue 14: signs, comparison bases, period-aware from–to, genres and goal frames (SPEC §4, §4a).

Sentences are taken or adapted from the development corpora (../shared/corpus, seeds)."""

from __future__ import annotations

import pytest

from govmetrics import extract_text


def one(text: str, surface: str, nth: int = 0):
    hits = [c for c in extract_text(text) if c.text == surface]
    assert len(hits) > nth, (surface, [c.text for c in extract_text(text)])
    return hits[nth]


# ---------------------------------------------------------------- 1. signed numbers
@pytest.mark.parametrize(
    ("text", "surface", "value", "unit", "kind", "subject"),
    [
        ("一季度GDP增速为-6.8%。", "-6.8%", -6.8, "%", "growth", "一季度GDP增速"),
        ("居民消费价格同比增长-0.3%。", "-0.3%", -0.3, "%", "growth", "居民消费价格"),
        ("全年人口自然增长率-0.6‰。", "-0.6‰", -0.6, "‰", "level", "人口自然增长率"),
        ("一季度GDP增速为－6.8%。", "－6.8%", -6.8, "%", "growth", "一季度GDP增速"),
        ("工业品出厂价格增长负1.1%。", "负1.1%", -1.1, "%", "growth", "工业品出厂价格"),
        ("商品零售价格下降-0.3%。", "-0.3%", 0.3, "%", "growth", "商品零售价格"),
        # a hyphen between two numbers is a range, not a sign
        ("粮食产量增长5-8%。", "8%", 8, "%", "growth", None),
    ],
)
def test_signed_numbers(text: str, surface: str, value: float, unit: str, kind: str, subject: str | None) -> None:
    c = one(text, surface)
    assert (c.value, c.unit, c.kind) == (value, unit, kind)
    if subject is not None:
        assert c.subject == subject
    assert text[c.start:c.end] == surface  # the offset map covers the sign
