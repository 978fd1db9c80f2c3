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


# ---------------------------------------------------------------- 5. frames across sentences
FUCHENG = (
    "【香港商报网讯】2月19日，绵阳市涪城区第六届人民代表大会第四次会议开幕，代区长邓辉作政府工作报告。\n"
    "邓辉在报告中说，2018年涪城全区经济社会发展取得显著成效。区属地区生产总值达到379.95亿元、增长9.3%；"
    "全社会固定资产投资207.11亿元、增长13.1%。\n"
    "邓辉在报告中提出了2019年经济社会发展主要预期目标：区属地区生产总值增长9%，全社会固定资产投资增长18%。\n"
)


@pytest.mark.parametrize(
    ("surface", "nth", "year", "target"),
    [
        ("379.95亿元", 0, 2018, False),  # framed by the figure-free sentence about 2018
        ("13.1%", 0, 2018, False),
        ("9%", 0, 2019, True),  # the goals paragraph below is a goal for 2019
        ("18%", 0, 2019, True),
    ],
)
def test_news_result_and_goal_frames(surface: str, nth: int, year: int, target: bool) -> None:
    c = [c for c in extract_text(FUCHENG, doc="news_fucheng_2019.txt") if c.text == surface][nth]
    assert (c.year, c.target) == (year, target)


GOAL_FRAME = (
    "2021年3月1日\n今年全县地区生产总值增长6%。"
    "到“十四五”末，全县地区生产总值要达到300亿元。其中，第一产业年均增长3%以上，"
    "第二产业年均增长8%以上。同时，城镇化率达到60%以上。\n"
    "2020年，全县城镇化率为55.2%。\n"
)


@pytest.mark.parametrize(
    ("surface", "year", "target"),
    [
        ("300亿元", 2025, True),
        ("3%以上", 2025, True),  # 其中，…: the goal frame goes on
        ("8%以上", 2025, True),
        ("60%以上", 2025, True),  # 同时，…: still the same frame
        ("55.2%", 2020, False),  # a new paragraph opened by a past year: results again
    ],
)
def test_goal_frame_persists_until_a_result_frame(surface: str, year: int, target: bool) -> None:
    c = one(GOAL_FRAME, surface)
    assert (c.year, c.target) == (year, target)


@pytest.mark.parametrize(
    "sentence",
    [
        "接近1979年的水平。",  # a year named in passing
        "2019年6月，就全面启动规划编制工作。",  # the date of an event
        "1998年发生特大洪水后，总结实施了封山植树。",  # a time clause
        "提出到2020年我国控制温室气体排放行动目标。",  # a deadline
        "把1984年末至1985年一度出现的经济过热现象初步调整过来。",  # a span
    ],
)
def test_figure_free_sentences_that_frame_nothing(sentence: str) -> None:
    from govmetrics.context import topic_year

    assert topic_year(sentence) is None
    assert topic_year("邓辉在报告中说，2018年涪城全区经济社会发展取得显著成效。") == 2018


def test_explain_names_the_evidence() -> None:
    from govmetrics.rules import default_ruleset
    from govmetrics.ruletools import explain

    ex = explain(FUCHENG, default_ruleset())
    row = next(c for c in ex.claims if c["text"] == "379.95亿元")
    assert "2018年涪城" in row["year_why"]
    goal = next(c for c in ex.claims if c["text"] == "18%")
    assert "目标" in goal["target_why"] or "预期" in goal["target_why"]


# ---------------------------------------------------------------- 2. comparison bases are not the year
@pytest.mark.parametrize(
    ("text", "surface", "year", "target"),
    [
        ("2016年3月5日\n到2020年国内生产总值和城乡居民人均收入比2010年翻一番。", "翻一番", 2020, True),
        ("1957年6月26日\n1956年工业总产值比1949年增长了79%。", "79%", 1956, False),
        # the number right after the base year is the base value, of that year
        ("1985年3月27日\n工农业总产值比一九八○年的七千一百五十九亿元增长百分之二十一。", "七千一百五十九亿元", 1980, False),
        # 这十年 refers back to the period named before it (gwr_1978)
        ("1978年2月26日\n从一九七六年到一九八五年是关键的十年。\n\n按照十年规划，在这十年里，"
         "要建立稳固的农业基础，农业主要作业机械化水平达到百分之八十五以上。", "百分之八十五以上", 1985, True),
    ],
)
def test_comparison_bases_and_periods(text: str, surface: str, year: int, target: bool) -> None:
    c = one(text, surface)
    assert (c.year, c.target) == (year, target)


# ---------------------------------------------------------------- 6. kinds (SPEC §4a)
@pytest.mark.parametrize(
    ("text", "surface", "kind", "qualifier"),
    [
        ("高新技术产业增加值占比达到45.2%。", "45.2%", "share", "exact"),
        ("民营经济比重提高到55%。", "55%", "share", "exact"),
        ("2003年到2007年，中央财政对地方的转移支付累计4.25万亿元，87%用于支持中西部地区。", "87%", "share", "exact"),
        ("最终消费支出对经济增长的贡献率为35.0%。", "35.0%", "share", "exact"),
        ("科技进步贡献率提高到58.5%。", "58.5%", "level", "exact"),  # a named rate alone is a level
        ("消费拉动经济增长2.4个百分点。", "2.4个百分点", "growth", "exact"),
        ("城乡居民人均可支配收入分别增长5%和7.5%左右。", "5%", "growth", "approx"),
        ("城乡居民人均可支配收入分别增长5%和7.5%左右。", "7.5%左右", "growth", "approx"),
        ("全年人均地区生产总值达28322元，比去年新增3637元，增长12.7%。", "3637元", "growth", "exact"),
        ("新增就业23.4万人。", "23.4万人", "level", "exact"),
        ("争取明年节约标准煤700万到800万吨。", "800万吨", "level", "exact"),  # 节约 holds no 约
        # The level a growth rate reaches is a growth (gwr_1981, gwr_2013); a named rate stays a level.
        ("要求工农业总产值的增长速度由今年预计的3%提高到4%。", "4%", "growth", "exact"),
        ("去年居民消费价格涨幅回落到2.6%。", "2.6%", "growth", "exact"),
        ("1979年人口自然增长率由上年的1.2%下降到1.17%。", "1.17%", "level", "exact"),
        # X与Y之比 in percent is a part over a whole: a share (gwr_2014).
        ("研究与试验发展经费支出与国内生产总值之比超过2%。", "超过2%", "share", "more_than"),
    ],
)
def test_kinds_and_pair_qualifiers(text: str, surface: str, kind: str, qualifier: str) -> None:
    c = one(text, surface)
    assert (c.kind, c.qualifier) == (kind, qualifier)


# ---------------------------------------------------------------- 3. period-aware from–to
@pytest.mark.parametrize(
    ("text", "first", "second", "years"),
    [
        # gwr_2018: the period is stated in the sentence
        ("2018年3月5日\n过去五年，城镇化率从52.6%提高到58.5%。\n", "52.6%", "58.5%", (2012, 2017)),
        # … or by the sentence that opened the paragraph
        ("2018年3月5日\n五年来，经济结构出现重大变革。城镇化率从52.6%提高到58.5%。\n", "52.6%", "58.5%", (2012, 2017)),
        # gwr_1998: 五年来 in a 1998 report runs 1993–1997
        ("1998年3月5日\n五年来，我国年进出口总额由1655亿美元增加到3251亿美元。\n", "1655亿美元", "3251亿美元", (1992, 1997)),
        # a five-year plan named as a period
        ("2011年3月5日\n“十一五”时期，我国取得了巨大成就。城镇化率从43%提高到47.5%。\n", "43%", "47.5%", (2005, 2010)),
        # no period: the start is the year before
        ("2021年3月1日\n2020年，城镇化率从60.6%提高到61.4%。\n", "60.6%", "61.4%", (2019, 2020)),
    ],
)
def test_from_to_over_a_stated_period(text: str, first: str, second: str, years: tuple[int, int]) -> None:
    assert (one(text, first).year, one(text, second).year) == years


def test_from_to_against_a_base_year() -> None:
    # gwr_1987: the comparison base is where the change started
    text = "1987年3月25日\n１９８６年同１９７８年相比，国民生产总值由３４８０亿元增加到９３８０亿元。\n"
    assert (one(text, "３４８０亿元").year, one(text, "９３８０亿元").year) == (1978, 1986)


# ---------------------------------------------------------------- 7. counts and magnitudes without a digit
@pytest.mark.parametrize(
    ("text", "surface", "value", "unit", "qualifier"),
    [
        ("超6000万农民受益。", "超6000万", 6e7, "人", "more_than"),
        ("1000多万贫困人口脱贫。", "1000多万", 1e7, "人", "more_than"),
        ("约3000万城镇职工参保。", "约3000万", 3e7, "人", "approx"),
        ("五千五百七十五万农村贫困人口实现脱贫。", "五千五百七十五万", 5.575e7, "人", "exact"),
        ("地区生产总值突破万亿元大关。", "突破万亿元", 1e12, "元", "more_than"),
        ("进出口总额超千亿美元。", "超千亿美元", 1e11, "美元", "more_than"),
        ("带动逾百万人就业。", "逾百万人", 1e6, "人", "more_than"),
        ("吸引新台币177.1亿元投资。", "新台币177.1亿元", 1.771e10, "新台币", "exact"),
        ("年收入3000元（含）以上的农户。", "3000元（含）以上", 3000, "元", "at_least"),
        ("去年投资两个亿元。", "两个亿元", 2e8, "元", "exact"),
        ("完成率达到三成半。", "三成半", 35, "%", "exact"),
    ],
)
def test_counts_and_magnitudes(text: str, surface: str, value: float, unit: str, qualifier: str) -> None:
    c = one(text, surface)
    assert (c.value, c.unit, c.qualifier) == (value, unit, qualifier)


def test_a_per_unit_base_is_no_figure() -> None:
    assert [c.text for c in extract_text("万元生产总值能耗下降3%。")] == ["3%"]


# ---------------------------------------------------------------- 9. Party and plenary documents
PARTY = (
    "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗\n"
    "——在中国共产党第二十次全国代表大会上的报告\n（二〇二二年十月十六日）\n\n同志们：\n\n"
    "十年来，我国经济实力实现历史性跃升。国内生产总值从五十四万亿元增长到一百一十四万亿元，"
    "我国经济总量占世界经济的比重达百分之十八点五，提高七点二个百分点。\n\n"
    "到二〇三五年，我国发展的总体目标是：人均国内生产总值迈上新的大台阶，城镇化率达到百分之七十以上。\n\n"
    "全党全军全国各族人民信心百倍，斗志昂扬。\n"
)


@pytest.mark.parametrize(
    ("surface", "kind", "year", "target"),
    [
        ("五十四万亿元", "level", 2011, False),  # the start of 十年来 (to 2021, the year before the date)
        ("一百一十四万亿元", "level", 2021, False),
        ("百分之十八点五", "share", 2021, False),
        ("七点二个百分点", "growth", 2021, False),
        ("百分之七十以上", "level", 2035, True),  # a goal to 二〇三五年
    ],
)
def test_party_congress_report(surface: str, kind: str, year: int, target: bool) -> None:
    c = one(PARTY, surface)
    assert (c.kind, c.year, c.target) == (kind, year, target)


def test_party_document_genre_date_and_idioms() -> None:
    from govmetrics.normalize import normalize
    from govmetrics.rules import default_ruleset
    from govmetrics.segment import analyse

    art = analyse(normalize(PARTY).text, default_ruleset()).articles[0]
    assert (art.genre, art.year) == ("party", 2022)
    assert not [c for c in extract_text(PARTY) if "百倍" in c.text]  # 信心百倍 is no claim


@pytest.mark.parametrize(
    ("text", "surface", "year", "target"),
    [
        # seeds 003: 从2017年2148家增至2819家 in a 2020 text: the starting year dates only the start
        ("2020年12月1日\n今年，全市规上文化企业从2017年2148家增至2819家、增长31.2%。", "2148家", 2017, False),
        ("2020年12月1日\n今年，全市规上文化企业从2017年2148家增至2819家、增长31.2%。", "2819家", 2020, False),
        ("2020年12月1日\n今年，全市规上文化企业从2017年2148家增至2819家、增长31.2%。", "31.2%", 2020, False),
        # gwr_1982: a goal for 1985 from the level of 1980
        ("1982年12月10日\n第六个五年计划规定，到一九八五年全日制高等学校招生数将从一九八○年的二十八万人增加到四十万人。",
         "二十八万人", 1980, False),
        ("1982年12月10日\n第六个五年计划规定，到一九八五年全日制高等学校招生数将从一九八○年的二十八万人增加到四十万人。",
         "四十万人", 1985, True),
        # a period 从…到… still dates what follows it by its end
        ("1978年2月26日\n从一九七八年到一九八五年八年间，我国农业总产值每年要增长百分之四到五。", "百分之四", 1985, True),
    ],
)
def test_a_starting_year_dates_only_the_start(text: str, surface: str, year: int, target: bool) -> None:
    c = one(text, surface)
    assert (c.year, c.target) == (year, target)


def test_a_goal_headline_leaves_the_results_below_it_alone() -> None:
    # news about a work report given early in 2013: the body's results are 2012's, not goals
    text = ("五莲县确定2013年经济社会发展主要预期目标\n2013-01-10\n\n"
            "近日，五莲县县长作政府工作报告。全县生产总值达到163亿元，增长13%。其中，第一产业增加值20亿元，增长4%。\n\n"
            "今年的主要预期目标是：生产总值增长13%。\n")
    claims = extract_text(text)
    results = [(c.text, c.year, c.target) for c in claims[:4]]
    assert results == [("163亿元", 2012, False), ("13%", 2012, False), ("20亿元", 2012, False), ("4%", 2012, False)]
    assert (claims[4].year, claims[4].target) == (2013, True)


@pytest.mark.parametrize(
    ("text", "surface", "target"),
    [
        # seeds 002: 将 before its object is 把 (a past action), no goal
        ("2020年，建成限时办结政策兑现系统，将15个部门382项兑现事项集成服务，平均兑现时间只用10.5个工作日。",
         "10.5个工作日", False),
        ("明年将新建学校15所。", "15所", True),  # 将 before a verb is the future
    ],
)
def test_jiang_as_object_marker_is_no_goal(text: str, surface: str, target: bool) -> None:
    assert one(text, surface).target is target


@pytest.mark.parametrize(
    ("text", "surface", "kind"),
    [
        ("广州高新区独占4家，担负全省70%以上的检测任务。", "70%以上", "share"),  # seeds 002
        ("今年把试点的范围扩大到全国40%的县。", "40%", "share"),  # gwr_2006
        ("前三季度GDP增速转负为正、增长1%，城镇新增就业21.14万人，登记失业率2.53%。", "2.53%", "level"),  # seeds 003
        ("全县有林地面积276万亩，森林覆盖率达54%。", "54%", "level"),  # a rate named 率 is a level (SPEC §4a)
    ],
)
def test_whole_area_shares_and_named_rates(text: str, surface: str, kind: str) -> None:
    assert one(text, surface).kind == kind


@pytest.mark.parametrize(
    ("head", "target"),
    [
        ("政府工作报告\n——2018年12月25日在沅陵县第十七届人民代表大会第三次会议上\n", False),  # year-end: a result
        ("政府工作报告\n——2018年3月5日在沅陵县第十七届人民代表大会第一次会议上\n", True),  # early: a forecast
    ],
)
def test_estimate_in_a_year_end_report_is_a_result(head: str, target: bool) -> None:
    c = one(head + "各位代表：\n今年，全年预计实现地区生产总值170.98亿元。\n", "170.98亿元")
    assert (c.year, c.target) == (2018, target)


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [
        ("棉花达到三千二百八十万担。", "三千二百八十万担", 3.28e7, "担"),  # gwr_1958
        ("发电量由三千亿度增加到四千零七十三亿度。", "三千亿度", 3e11, "度"),  # gwr_1986
        ("木材约五百二十万立方公尺。", "约五百二十万立方公尺", 5.2e6, "立方米"),
        ("生猪出栏278040头。", "278040头", 278040, "头"),  # tjgb_zhenba_2006
        ("全县共发生安全生产事故3起。", "3起", 3, "起"),  # gzbg_yuanling_2018
        ("全年降低企业税负5700多亿元。", "5700多亿元", 5.7e11, "元"),  # 负 of 税负 is no sign (gwr_2017)
    ],
)
def test_held_out_units_and_signs(text: str, surface: str, value: float, unit: str) -> None:
    c = one(text, surface)
    assert (c.value, c.unit) == (value, unit)


def test_words_holding_unit_characters_are_no_claims() -> None:
    assert extract_text("引进百度阿波罗项目，主席两度访欧，坚持抓两头。") == []


def test_a_price_rise_is_a_growth() -> None:
    # gwr_1995: 涨幅 names a rate of change
    assert one("商品零售物价涨幅仍然高达百分之二十一点七。", "百分之二十一点七").kind == "growth"


# ---------------------------------------------------------------- 由上年…到/转为…: the start is the year before
REPORT_2009 = "政府工作报告\n2009年3月5日\n一、2008年工作回顾\n"
REPORT_2007_PLAN = "政府工作报告\n2007年3月5日\n二、2007年工作总体部署\n"
COMMUNIQUE_2016 = "2016年国民经济和社会发展统计公报\n长顺县统计局\n发布时间：2017-05-20\n"


@pytest.mark.parametrize(
    ("text", "surface", "year", "target"),
    [
        (REPORT_2009 + "城镇居民基本医疗保险试点城市由上年的88个增加到317个。", "88个", 2007, False),  # gwr_2009
        (REPORT_2009 + "城镇居民基本医疗保险试点城市由上年的88个增加到317个。", "317个", 2008, False),
        (REPORT_2007_PLAN + "为此中央财政支出将由上年18亿元增加到95亿元。", "18亿元", 2006, False),  # gwr_2007
        (REPORT_2007_PLAN + "为此中央财政支出将由上年18亿元增加到95亿元。", "95亿元", 2007, True),
        # a change of state (转为) ends a from–to like 到; a communiqué on 2016 speaks of 2016
        (COMMUNIQUE_2016 + "规模以上工业企业利润由上年下降4.0%转为增长10.3%。", "4.0%", 2015, False),
        (COMMUNIQUE_2016 + "规模以上工业企业利润由上年下降4.0%转为增长10.3%。", "10.3%", 2016, False),
        (COMMUNIQUE_2016 + "人口自然增长率由上年的5.1‰下降到4.9‰。", "4.9‰", 2016, False),
    ],
)
def test_from_the_previous_year(text: str, surface: str, year: int, target: bool) -> None:
    c = one(text, surface)
    assert (c.year, c.target) == (year, target)


# ---------------------------------------------------------------- a change of a stock named after its verb
@pytest.mark.parametrize(
    ("text", "surface", "kind", "value"),
    [
        ("今年再减少农村贫困人口1000万人以上。", "1000万人以上", "growth", -1e7),  # gwr_2014
        ("削减财政赤字450亿元。", "450亿元", "growth", -4.5e10),  # gwr_2008
        # a burden relieved is the amount of the relief, a level (gwr_2019 gold: 减轻…负担近2万亿元)
        ("全年减轻企业税收和社保缴费负担近2万亿元。", "近2万亿元", "level", 2e12),
        ("减轻农民负担20亿元。", "20亿元", "level", 2e9),
    ],
)
def test_a_change_of_a_stock(text: str, surface: str, kind: str, value: float) -> None:
    c = one(text, surface)
    assert (c.kind, c.value) == (kind, value)
