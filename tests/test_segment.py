"""Document structure: articles and their dates, sections and their years, sentences."""

from __future__ import annotations

from govmetrics.normalize import normalize
from govmetrics.rules import default_ruleset
from govmetrics.segment import analyse


def _analyse(text: str, name: str = ""):
    return analyse(normalize(text).text, default_ruleset(), name)


def test_dated_article() -> None:
    s = _analyse("会议于2019年12月6日召开。\n全年新增企业100家。")
    assert s.articles[0].year == 2019
    assert not s.articles[0].early


def test_report_reviewing_last_year_is_dated_the_year_after() -> None:
    s = _analyse("各位代表：\n\n刚刚过去的１９８４年，是伟大的一年。\n")
    assert s.articles[0].year == 1985
    assert s.articles[0].early


def test_several_articles_each_with_a_date() -> None:
    text = "-\n第一篇\n2021年3月1日在会议上的报告。\n-\n第二篇\n数据。\n2022-01-25\n"
    s = _analyse(text)
    assert [a.year for a in s.articles if a.year] == [2021, 2022]


def test_section_years_and_modes() -> None:
    text = "一、2018年工作回顾\n\n去年完成很多。\n\n三、2019年政府工作任务\n\n今年要做的。\n"
    s = _analyse(text)
    modes = [(x.year, x.mode) for x in s.sections if x.heading]
    assert (2018, "review") in modes and (2019, "plan") in modes


def test_inline_heading_in_one_long_line() -> None:
    text = "报告。一、“十三五”时期发展成就和2020年主要工作“十三五”时期是关键五年。三、2021年工作安排2021年是开局之年。"
    s = _analyse(text)
    years = {x.year for x in s.sections}
    assert {2020, 2021} <= years


def test_line_broken_mid_sentence_is_one_sentence() -> None:
    text = "我们第一届全国人民代表大会第一次会议，在听了刘少奇同志的报告\n关于宪法草案的报告\n并进行了三天的讨论以后，通过了宪法。\n"
    s = _analyse(text)
    assert len(s.sentences) == 1


def test_year_from_file_name_when_the_text_has_none() -> None:
    s = _analyse("国内生产总值增长百分之八。", "reports/gwr_1995.txt")
    assert s.articles[0].year == 1995


def test_report_title_dates_the_report_over_the_file_name() -> None:
    s = _analyse("2021年政府工作报告\n\n过去一年，一般公共预算收入完成320亿元。\n", "report-2024.txt")
    assert s.articles[0].year == 2021
    assert s.articles[0].early


def test_articles_pasted_without_separators_split_at_headline_and_date() -> None:
    text = (
        "区经济运行情况\n2020-01-15\n全年地区生产总值增长8%。\n\n"
        "新一年工作部署\n2021年3月2日\n今年地区生产总值增长6%左右。\n"
    )
    s = _analyse(text)
    assert [a.year for a in s.articles] == [2020, 2021]


def test_unnamed_top_level_section_that_lays_out_plans_is_a_plan() -> None:
    text = (
        "各位代表：\n\n一、1999年国内工作回顾\n\n去年经济增长了7.1%。\n\n"
        "二、坚持实行扩大内需的方针\n\n今年要继续实施积极的财政政策，要进一步扩大内需，"
        "必须确保投资增长，要努力扩大消费，将继续发行国债，要加强管理。\n"
    )
    s = _analyse(text)
    plan = [x for x in s.sections if x.heading.startswith("二、")]
    assert plan and plan[0].mode == "plan" and plan[0].year == 2000


def test_a_date_in_passing_is_not_the_dateline() -> None:
    s = _analyse("各位代表：\n\n本届政府从1993年3月就职，到现在已经五年了。\n", "gwr_1998.txt")
    assert s.articles[0].year == 1998


# ---------------------------------------------------------------------------- doc_date


def test_article_dates_as_precisely_as_the_text_gives_them() -> None:
    cases = [
        ("2021年3月1日在广州市黄埔区第一届人民代表大会第九次会议上\n各位代表：\n", "2021-03-01"),
        ("政府工作报告\n——2018年12月25日在沅陵县第十七届人民代表大会第三次会议上\n", "2018-12-25"),
        ("蚌埠市统计局\n2025年3月31日\n2024年，全市上下…\n", "2025-03-31"),
        ("某某新闻\n\n2021-09-27 22:49\n来源：澎湃新闻\n", "2021-09-27"),
        ("【黄埔区招商】2021年黄埔区政府工作报告\n各位代表：现在，我代表区人民政府…\n", "2021"),
        ("二〇二一年三月\n全年新增企业100家。\n", "2021-03"),
        ("各位代表：\n\n刚刚过去的１９８４年，是伟大的一年。\n", ""),  # a year worked out is no date
        ("全年新增企业100家。\n", ""),
    ]
    for text, date in cases:
        assert _analyse(text).articles[0].date == date, text


def test_doc_date_is_never_taken_from_the_file_name() -> None:
    s = _analyse("今年全市新增企业100家。", "reports/gwr_2019.txt")
    assert s.articles[0].year == 2019 and s.articles[0].date == ""


def test_each_article_keeps_its_own_date() -> None:
    text = "-\n第一篇\n2021年3月1日在会议上的报告。\n-\n第二篇\n数据。\n2022-01-25\n"
    assert [a.date for a in _analyse(text).articles if a.date] == ["2021-03-01", "2022-01-25"]


def test_sentences_and_inline_headings_from_one_pass_each() -> None:
    # Sentence ends are found once over the text and dealt out to the paragraphs; inline
    # headings at the very start and after a sentence's end are found by two patterns.
    text = "一、回顾\n\n去年增长5%！“很好。”今年\n继续增长。\n\n  \n结束。二、计划今年增长6%？\t三、展望"
    s = analyse(text, default_ruleset(), "")
    spans = [text[a:b] for a, b in s.sentences]
    assert spans == ["一、回顾", "去年增长5%！", "“很好。”", "今年", "继续增长。", "结束。", "二、计划今年增长6%？", "\t三、展望"]
    assert [sec.heading[:2] for sec in s.sections if sec.heading][:1] == ["一、"]


def test_sentence_ends_by_lengths_agree_with_the_end_marks() -> None:
    # analyse adds up the lengths of whole sentences (_SENTENCE.findall); that must give the
    # ends of the runs of end marks (and closing quotes) that a search for them finds.
    import random
    import re
    from itertools import accumulate

    from govmetrics.segment import _SENTENCE

    marks = re.compile(r"[。！？!?]+[”」』)）]*")
    rnd = random.Random(18)
    alphabet = "。！？!?”」』)）\n 甲乙,，"
    texts = ["", "。", "甲", "甲。", "。”甲", "甲！？”」乙\n丙?"]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30))) for _ in range(20000)]
    for t in texts:
        assert list(accumulate(map(len, _SENTENCE.findall(t)))) == [m.end() for m in marks.finditer(t)], t


def _random_texts(pieces: list[str], n: int, seed: int) -> list[str]:
    import random

    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 60))) for _ in range(n)]


def test_sentences_as_one_pass_per_paragraph_finds_them() -> None:
    # analyse reads the sentences off one list of ends (and stops the search at the last end
    # mark): they must be those found paragraph by paragraph over the whole text's ends.
    import bisect
    import re
    from itertools import accumulate

    sentence = re.compile(r"[^。！？!?]*[。！？!?]+[”」』)）]*")
    rs = default_ruleset()
    pieces = ["。", "！", "?", "”", "）", "\n", "\n\n", " ", "国", "增长8%", "一、", "x" * 35, "”。", "。”"]
    for text in _random_texts(pieces, 2000, 5):
        s = analyse(text, rs)
        ends = list(accumulate(map(len, sentence.findall(text))))
        expected: list[tuple[int, int]] = []
        k = 0
        for a, b in s.paragraphs:
            k = bisect.bisect_right(ends, a, k)
            j = bisect.bisect_right(ends, b, k)
            st = a
            if j > k:
                expected.extend(zip([a, *ends[k:j - 1]], ends[k:j], strict=True))
                st = ends[j - 1]
            k = j
            if st < b and text[st:b].strip():
                expected.append((st, b))
        assert s.sentences == (expected or [(0, len(text))]), repr(text)


def test_literal_searches_find_what_the_patterns_find() -> None:
    # The inline headings and the review of last year are sought by a character or a word
    # first: they must be what the patterns themselves find.
    import re

    from govmetrics.segment import _REVIEW_LAST_YEAR, _inline_headings, _review_of_last_year

    inline = re.compile(r"[。！？!?][ \t]*([一二三四五六七八九十]{1,2}、)")
    pieces = ["。", "！", "!", "?", "？", " ", "\t", "一、", "十二、", "二", "、", "2019年", "一九八四年", "工作回顾",
              "的国内工作的回顾", "工作总结", "以来的工作", "刚刚过去的", "年", "回顾"]
    for text in _random_texts(pieces, 3000, 9):
        assert _inline_headings(text) == [m.start(1) for m in inline.finditer(text)], repr(text)
        got, want = _review_of_last_year(text), _REVIEW_LAST_YEAR.search(text[:3000])
        assert (got and got.span()) == (want and want.span()), repr(text)
