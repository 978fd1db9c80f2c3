"""The per-document extractor: what is and is not a claim, offsets, determinism."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from govmetrics import extract_text
from govmetrics.claim import COLUMNS

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@pytest.mark.parametrize(
    "text",
    [
        "会议于2019年12月6日召开。",
        "2021-09-27 22:49 来源:澎湃新闻",
        "深入学习贯彻党的十九届四中全会精神。",
        "在“四个出新出彩”中奋勇争先，打造“黄金10条”。",
        "开通地铁10号线，PM2.5浓度下降，5G基站建设。",
        "庆祝建党100周年。",
        "七大重点任务，五个方面，三项工程。",
        "粤ICP备12345678号-1 版权所有 © 2021",
        "进一步统一思想，一切为了群众。",
        "“十四五”时期是关键五年。",
        "实施三年行动，五年来成效显著。",
        "以一倍多的努力推进。",
    ],
)
def test_not_claims(text: str) -> None:
    assert extract_text(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("地区生产总值超3600亿元", [(3.6e11, "元", "more_than")]),
        ("引资12亿到15亿美元", [(1.2e9, "美元", "exact"), (1.5e9, "美元", "exact")]),
        ("从110个工作日压减至13个工作日", [(110, "工作日", "exact"), (13, "工作日", "exact")]),
        ("从110个工作日压减至13个", [(110, "工作日", "exact"), (13, "工作日", "exact")]),
        ("转移6069万农民", [(6.069e7, "人", "exact")]),
        ("每平方公里127.53亿元", [(1.2753e10, "元/平方公里", "exact")]),
        ("产能提升至每月4万片", [(40000, "片/月", "exact")]),
        ("粮食总产量保持在1.3万亿斤以上", [(1.3e12, "斤", "more_than")]),
        ("资助学生近1亿人次", [(1e8, "人次", "less_than")]),
        ("增长百分之十八点五", [(18.5, "%", "exact")]),
        ("占全省的2/3", [(66.67, "%", "exact")]),
        ("出生率为7.52‰", [(7.52, "‰", "exact")]),
        # recall on the held-out national reports: doubling, ranks, counts after their noun,
        # per-day rates, lengths in years
        ("两项资金合计比一九八○年增加了一倍", [(1, "倍", "exact")]),
        ("国内生产总值跃升到世界第二位", [(2, "位", "exact")]),
        ("新增第四代移动通信用户3.4亿", [(3.4e8, "户", "exact")]),
        ("参加新型农村合作医疗的人口8.14亿", [(8.14e8, "人", "exact")]),
        ("平均每天新增1.5万户", [(15000, "户/天", "exact")]),
        ("每年增加42亿元", [(4.2e9, "元", "exact")]),
        ("劳动年龄人口平均受教育年限提高到11.3年", [(11.3, "年", "exact")]),
        ("棉花达到三千二百八十万担", [(3.28e7, "担", "exact")]),
        ("电力增产了二十四亿度", [(2.4e9, "度", "exact")]),
        ("木材约五百二十万立方公尺", [(5.2e6, "立方米", "approx")]),
        ("生猪出栏278040头", [(278040, "头", "exact")]),
        ("发生安全生产事故3起", [(3, "起", "exact")]),
        ("全年降低企业税负5700多亿元", [(5.7e11, "元", "more_than")]),
        # old units of the 1950s–80s reports, counts after a people noun
        ("纺锭二十三万枚", [(2.3e5, "枚", "exact")]),
        ("棉布增加了二千零五十万匹", [(2.05e7, "匹", "exact")]),
        ("完成土方14亿多公方", [(1.4e9, "立方米", "more_than")]),
        ("拖拉机由778标准台增加到2,377标准台", [(778, "标准台", "exact"), (2377, "标准台", "exact")]),
        ("内燃机2,000万马力", [(2e7, "马力", "exact")]),
        ("功率为7,000瓩", [(7000, "千瓦", "exact")]),
        ("新增轮船四十万载重吨", [(4e5, "载重吨", "exact")]),
        ("全年增长19·5%", [(19.5, "%", "exact")]),
        ("参保人数增加7359万", [(7.359e7, "人", "exact")]),
        ("使农村1.5亿中小学生受益", [(1.5e8, "人", "exact")]),
    ],
)
def test_claims(text: str, expected: list[tuple]) -> None:
    got = [(c.value, c.unit, c.qualifier) for c in extract_text(text)]
    assert got == expected


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_offsets_index_the_original_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    claims = extract_text(text, doc=path.name)
    assert claims
    for c in claims:
        assert text[c.start:c.end] == c.text
        assert c.line == text.count("\n", 0, c.start) + 1
    assert claims == sorted(claims, key=lambda c: (c.start, c.end))


def test_same_input_same_output() -> None:
    text = SEEDS[-1].read_text(encoding="utf-8")
    assert extract_text(text) == extract_text(text)


def test_claim_fields_are_the_spec_columns() -> None:
    c = extract_text("新增就业23.4万人")[0]
    assert list(c.as_dict()) == COLUMNS


def test_boilerplate_yields_nothing() -> None:
    page = "- 联系我们\n- 企业入驻\n版权所有：广州市黄埔区人民政府 粤ICP备05000000号\n联系电话：020-82111111\n"
    assert extract_text(page) == []


def test_rate_unit_carries_to_the_end_of_a_from_to_pair() -> None:
    got = [(c.value, c.unit) for c in extract_text("基础养老金最低标准从每月70元提高到88元。")]
    assert got == [(70, "元/月"), (88, "元/月")]


def test_a_user_rule_wins_a_tie_with_a_shipped_rule(tmp_path: Path) -> None:
    from govmetrics.rules import load_ruleset

    (tmp_path / "mine.yaml").write_text("rules: [{id: my_tons, pattern: '{NUM}万吨'}]\n", encoding="utf-8")
    rs = load_ruleset([tmp_path])
    claims = extract_text("钢产量500万吨。", rules=rs)
    assert [(c.rule, c.value, c.unit) for c in claims] == [("my_tons", 5e6, "吨")]


def test_neighbouring_digits_joined_by_a_pause_mark_are_a_range() -> None:
    got = [(c.value, c.unit, c.year) for c in extract_text("各位代表：\n刚刚过去的1977年。\n八年内使商品粮比现在增加两、三倍。")]
    assert got == [(2, "倍", 1985), (3, "倍", 1985)]


def test_a_quarter_century_is_a_time_span_not_a_share() -> None:
    assert extract_text("在今后不到四分之一世纪的时间内实现四个现代化。") == []


def test_a_rule_whose_context_is_missing_does_not_hide_another() -> None:
    # bare 亿 is money only near money words; near people words it counts people
    got = [(c.value, c.unit, c.rule) for c in extract_text("我国60岁以上人口已达2.5亿。")]
    assert got == [(2.5e8, "人", "bare_magnitude_people")]


def test_a_user_unit_is_used_by_the_shipped_patterns(tmp_path: Path) -> None:
    from govmetrics.rules import load_ruleset

    (tmp_path / "units.yaml").write_text("units:\n  艘次: 艘次\n", encoding="utf-8")
    claims = extract_text("全年靠泊大型邮轮120艘次。", rules=load_ruleset([tmp_path]))
    assert [(c.value, c.unit) for c in claims] == [(120, "艘次")]


@pytest.mark.parametrize(
    "text",
    ["加快推进天河区第二人民医院建设。", "从5个方面进行科研攻关。", "制定实施《坚决落实“两个维护”十二项制度机制意见》。", "打造全市唯一一家区级平台。"],
)
def test_ordinals_titles_and_structure_are_not_claims(text: str) -> None:
    assert extract_text(text) == []


def test_sentence_keeps_its_own_punctuation_in_simplified() -> None:
    c = extract_text("全區地區生產總值超3600億元，同比增長8%。")[0]
    assert c.sentence == "全区地区生产总值超3600亿元，同比增长8%。"


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_frame_year_walk_is_remembered_without_changing_it(path: Path) -> None:
    """frame remembers the last year-opening (or list-item) sentence; the answer must be
    the one a plain walk back over the sentences gives, for every sentence of the document
    (a figure-free sentence about one year frames the rest of its paragraph)."""
    from govmetrics.extractor import _LIST_ITEM, _Doc, find_matches
    from govmetrics.normalize import normalize
    from govmetrics.rules import default_ruleset
    from govmetrics.segment import analyse

    rs = default_ruleset()
    text = path.read_text(encoding="utf-8")
    norm = normalize(text)
    doc = _Doc(text, norm, analyse(norm.text, rs), rs, path.name)
    doc.claim_starts = [m.start for m in find_matches(norm.text, rs) if m.rule.action == "claim"]
    st = doc.struct

    def plain_walk(pos: int) -> int | None:
        art, section = st.article_at(pos), st.section_at(pos)
        floor = max(art.start, section.start if section else 0, pos - 1500)
        i = st.sentence_index(pos) - 1
        para0 = st.paragraph_at(pos)[0]
        while i >= 0 and st.sentences[i][0] >= floor:
            if st.sentences[i][0] >= para0 and doc._framing_year(i) is not None:
                return doc._framing_year(i)
            if doc.lead_year(i) is not None:
                return doc.lead_year(i)
            if _LIST_ITEM.match(doc.text, st.sentences[i][0]):
                return None
            i -= 1
        p0, p1 = st.paragraph_at(pos)
        headline = p1 - p0 <= 45 and doc.text[p0:p1].rstrip()[-1:] not in "。！？!?；;"
        if pos - art.start < 200 and not section and headline:  # a headline: the first frame after it
            for j in range(st.sentence_index(pos) + 1, len(st.sentences)):
                a = st.sentences[j][0]
                if a >= art.end or a - art.start > 600:
                    break
                if doc.lead_year(j) is not None:
                    return doc.lead_year(j)
        return None

    positions = [a + (b - a) // 2 for a, b in st.sentences]
    assert len(positions) > 10
    for pos in reversed(positions):  # out of order, so the memo is filled from the end first
        assert doc.frame(pos)[0] == plain_walk(pos)
    # The figures of a sentence share a remembered frame: every position of the text gets what a
    # document that never answered another position gives.
    for pos in range(0, len(doc.text), 7):
        fresh = _Doc(text, norm, st, rs, path.name)
        fresh.claim_starts = doc.claim_starts
        assert doc.frame(pos) == fresh.frame(pos), pos


def test_plan_opening_agrees_with_a_search_of_the_whole_sentence() -> None:
    """_plan_opening searches a sentence for its first plan name only when a plan follows the
    opening filler; it must give what the search of every sentence gave."""
    from govmetrics.extractor import _OPENING_FILLER, _Doc
    from govmetrics.normalize import normalize
    from govmetrics.rules import default_ruleset
    from govmetrics.segment import analyse

    rs = default_ruleset()
    lines = ["“十四五”时期，全区GDP增长6%。", "到“十四五”末，达到8%。", " 在 “十三五”期间，增长7%。",
             "截至“十二五”末，达到9%。", "“七五”普法，“十一五”规划纲要把…", "全区在“十三五”时期增长5%。",
             "到到“十四五”末，…", "“ 十四五”时期", "  ", "至", "十四五”以来，增长"]
    lines += [ln for p in SEEDS for ln in p.read_text(encoding="utf-8").splitlines()]
    text = "\n".join(lines)
    norm = normalize(text)
    doc = _Doc(text, norm, analyse(norm.text, rs), rs, "t")
    opened = 0
    for a, b in doc.struct.sentences:
        first = doc.cues.plans_re.search(doc.text, a, b)
        got = doc._plan_opening(a, b)
        if first and _OPENING_FILLER.fullmatch(doc.text[a:first.start()]):
            assert got == first.span(), doc.text[a:b]
            opened += 1
        else:
            assert got is None, doc.text[a:b]
    assert opened >= 4
    # What the anchored match relies on: the filler takes no character of a plan name's start.
    assert all(_OPENING_FILLER.match(name).end() == 0 for name in doc.cues.plans)


def test_frame_opening_guard_only_skips_sentences_without_a_lead_year() -> None:
    """_find_lead_year (and the walk back to a marker) first tries one pattern that accepts
    whatever its three searches (and _LIST_ITEM) can find; with that test always passing it
    must give the same year for every sentence, and the same list items must pass it."""
    import regex as re_

    from govmetrics.extractor import _LIST_ITEM, _Doc
    from govmetrics.normalize import normalize
    from govmetrics.rules import default_ruleset
    from govmetrics.segment import analyse

    rs = default_ruleset()
    lines = ["一是加强管理。", " 二是增长5%。", "十二是…", "2020年，全区GDP增长6%。", "  今年，增长5%。",
             "\u3000\u3000过去五年，增长7%。", "一、综合 2019年，增长", "到“十四五”末，达到8%。", "截至2020年底，达到9%。", "\x1c今年，增长", "“十一五”期间，增长"]
    lines += [ln for p in SEEDS for ln in p.read_text(encoding="utf-8").splitlines()]
    text = "\n".join(lines)
    norm = normalize(text)
    guarded = _Doc(text, norm, analyse(norm.text, rs), rs, "t")
    plain = _Doc(text, norm, guarded.struct, rs, "t")
    plain._may_mark = re_.compile("")  # always passes
    plain._mark_opens = defaultdict(lambda: True)  # and so does the test of its first character
    years = [guarded.lead_year(i) for i in range(len(guarded.struct.sentences))]
    assert years == [plain.lead_year(i) for i in range(len(plain.struct.sentences))]
    assert sum(y is not None for y in years) >= 20
    items = [_LIST_ITEM.match(guarded.text, a) is not None for a, _ in guarded.struct.sentences]
    assert sum(items) >= 3
    starts = [a for a, _ in guarded.struct.sentences]
    assert all(guarded._may_open_mark(a) for a, item in zip(starts, items, strict=True) if item)


def test_the_mark_test_after_the_opening_spaces_passes_wherever_the_pattern_matches() -> None:
    """_may_open_mark tries _may_mark after the spaces a sentence opens with: at every
    position of the seeds and of made-up openings where the pattern matches, it must pass."""
    from govmetrics.extractor import _Doc
    from govmetrics.normalize import normalize
    from govmetrics.rules import default_ruleset
    from govmetrics.segment import analyse

    rs = default_ruleset()
    spaces = ["", " ", "  ", "\t", "\u3000\u3000", "\x1c", " \x1c ", "\n  "]
    openings = ["2020年，", "一、综合 2019年，", "在2020年，", "到“十四五”末，", "“十一五”期间，", " “十四五”时期，",
                "今年，", "过去五年，", "一是", "十二是", "截至2020年底，"]
    text = "\n".join([s + o for s in spaces for o in openings] + [p.read_text(encoding="utf-8") for p in SEEDS])
    norm = normalize(text)
    doc = _Doc(text, norm, analyse(norm.text, rs), rs, "t")
    matched = 0
    for pos in range(len(doc.text)):
        if doc._may_mark.match(doc.text, pos):
            assert doc._may_open_mark(pos), doc.text[pos:pos + 20]
            matched += 1
    assert matched > 100


def test_the_first_character_test_rules_out_only_positions_where_no_match_starts() -> None:
    """_may_open_mark tries _may_mark only where its first character can open a match
    (prefilter.opening_test): at every position of the seeds and of made-up openings the
    look-up must not rule out a position where the pattern matches."""
    from govmetrics.context import cues_for
    from govmetrics.extractor import _may_mark, _Opens
    from govmetrics.prefilter import opening_test
    from govmetrics.rules import default_ruleset

    assert opening_test(r"(?:)") is None and opening_test(r"x|") is None  # may match empty
    assert opening_test(r"(?i)a") is None  # not modelled
    test = opening_test(r"(?<!q)[\s\x1c]*(?:今年|\d)")
    assert test is not None and [c for c in "q今年 \x1c1a" if test(c)] == ["今", " ", "\x1c", "1"]
    pattern = _may_mark(cues_for(default_ruleset()))
    opens = _Opens(pattern)
    assert opens.test is not None and not opens[""]
    text = "\n".join(["一是加强管理。", " 二是增长5%。", "2020年，", "\u3000今年，", "\x1c今年，", "到“十四五”末，", "“十一五”期间，"]
                     + [p.read_text(encoding="utf-8") for p in SEEDS])
    ruled_out = 0
    for pos in range(len(text) + 1):
        if not opens[text[pos:pos + 1]]:
            assert pattern.match(text, pos) is None, text[pos:pos + 20]
            ruled_out += 1
    assert ruled_out > len(text) // 2


def test_clean_takes_whole_numbers_as_the_rounding_gives_them() -> None:
    """_clean returns a whole number under 10**12 as it is: what rounding to 6 places and
    printing 12 digits gives it (and -0.0 stays -0.0)."""
    import random

    from govmetrics.extractor import _clean

    def reference(v: float) -> float:
        return float(f"{round(v, 6):.12g}")

    rnd = random.Random(18)
    values = [float(rnd.randint(-10**13, 10**13)) for _ in range(20000)]
    values += [float(i) for i in range(-300, 300)] + [-0.0, 0.0, 1e12 - 1, -(1e12 - 1), 1e12, 0.1 * 3, 8.2, 2.5e13 + 0.5]
    values += [rnd.uniform(-1e6, 1e6) for _ in range(2000)]
    for v in values:
        assert repr(_clean(v)) == repr(reference(v)), v
