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


# ---------------------------------------------------------------- 4. genres: statistical communiqués
BENGBU_HEAD = (
    "2024年安徽省蚌埠市人民政府国民经济和社会发展统计公报(2025年更新)\n蚌埠市统计局\n2025年3月31日\n"
    "2024年，在市委、市政府的坚强领导下，全市上下经济社会发展持续回升向好。\n一、综合\n"
)


@pytest.mark.parametrize(
    ("body", "surface", "year", "target"),
    [
        ("初步核算，全年地区生产总值(GDP)2313亿元，比上年增长5.2%。", "2313亿元", 2024, False),
        ("初步核算，全年地区生产总值(GDP)2313亿元，比上年增长5.2%。", "5.2%", 2024, False),
        ("年末全市户籍人口383.2万人。", "383.2万人", 2024, False),
        ("一年来，全市新增城镇就业5.1万人。", "5.1万人", 2024, False),
    ],
)
def test_communique_reports_its_own_year(body: str, surface: str, year: int, target: bool) -> None:
    c = one(BENGBU_HEAD + body, surface)
    assert (c.year, c.target) == (year, target)


@pytest.mark.parametrize(
    ("head", "year"),
    [
        # no title: a statistics bureau and a publication date, then the year it opens with
        ("珠海市统计局\n国家统计局珠海调查队\n2012年3月19日\n2011年，珠海市经济平稳较快发展。\n", 2011),
        # a page stamp of a later year
        ("2016年国民经济和社会发展统计公报\n长顺县统计局\n发布时间：2017-05-20\n", 2016),
    ],
)
def test_communique_year_from_title_or_opening(head: str, year: int) -> None:
    c = one(head + "全年地区生产总值实现100亿元。", "100亿元")
    assert (c.year, c.target) == (year, False)


def test_year_before_full_year() -> None:
    # news_wulian_2013: 2012年全年 is 2012, and a preliminary estimate of a finished year is a result
    text = ("近日，五莲县县长杜江涛作政府工作报告，回顾了2012年的政府工作。\n"
            "经初步预计，五莲县2012年全年实现生产总值163亿元，比上年增长13%。\n")
    c = one(text, "163亿元")
    assert (c.year, c.target) == (2012, False)
