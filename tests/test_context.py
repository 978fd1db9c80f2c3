"""Kind, sign, target, year and metric decided from the words around a number (SPEC §4a)."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from govmetrics import extract_text


def one(text: str, surface: str):
    hits = [c for c in extract_text(text) if c.text == surface]
    assert hits, (surface, [c.text for c in extract_text(text)])
    return hits[0]


@pytest.mark.parametrize(
    ("text", "surface", "kind", "value"),
    [
        ("2020年全区地区生产总值比上年增长8.2%。", "8.2%", "growth", 8.2),
        ("单位国内生产总值能耗下降3.1%。", "3.1%", "growth", -3.1),
        ("总投资压减7.8亿元。", "7.8亿元", "growth", -7.8e8),
        ("科技进步贡献率提高到58.5%。", "58.5%", "level", 58.5),
        ("新增就业23.4万人。", "23.4万人", "level", 234000),
        ("实际使用外资占全省72.6%。", "72.6%", "share", 72.6),
        ("城镇调查失业率5.5%左右。", "5.5%左右", "level", 5.5),
        ("营商环境指数排名全国第1。", "第1", "rank", 1),
        ("资产规模翻两番。", "翻两番", "growth", 4),
        ("城乡居民人均可支配收入年均分别增长8.2%、10.1%。", "10.1%", "growth", 10.1),
    ],
)
def test_kind_and_sign(text: str, surface: str, kind: str, value: float) -> None:
    c = one(text, surface)
    assert (c.kind, c.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "surface", "target"),
    [
        ("2019年12月6日召开。到2025年，地区生产总值达到5000亿元。", "5000亿元", True),
        ("2019年12月6日召开。力争高新技术企业超3000家。", "超3000家", True),
        ("2022-01-25\n2021年，黄埔区预计地区生产总值突破4000亿元。", "突破4000亿元", False),
        ("2019年12月6日召开。今年新增上市企业10家。", "10家", False),
    ],
)
def test_target(text: str, surface: str, target: bool) -> None:
    assert one(text, surface).target is target


def test_years_from_sentence_section_and_document() -> None:
    text = (
        "2021年3月1日在会议上的报告\n"
        "一、2020年工作回顾\n\n全年地区生产总值超3600亿元。\n\n"
        "三、2021年工作安排\n\n新增学位2.8万个。到2025年，高新技术企业超5000家。\n"
    )
    assert one(text, "超3600亿元").year == 2020
    assert one(text, "2.8万个").year == 2021
    assert one(text, "超5000家").year == 2025


def test_from_to_pair_takes_start_and_end_years() -> None:
    c = extract_text("关税总水平由2017年的9.8%降至2018年的7.5%。")
    assert [(x.value, x.year, x.kind) for x in c] == [(9.8, 2017, "level"), (7.5, 2018, "level")]


def test_comparison_base_is_not_the_year() -> None:
    text = "各位代表：\n一、2018年工作回顾\n\n三、2019年政府工作任务\n\n今年拟安排地方政府专项债券2.15万亿元，比去年增加8000亿元。\n"
    assert one(text, "8000亿元").year == 2019


@pytest.mark.parametrize(
    ("text", "surface", "metric"),
    [
        ("国内生产总值增长6.6%，总量突破90万亿元。", "突破90万亿元", "gdp"),
        ("规模以上工业总产值超8000亿元。", "超8000亿元", "industrial_output.above_scale"),  # a series of its own (SPEC §5)
        ("外汇储备保持在3万亿美元以上。", "3万亿美元以上", "forex_reserves"),
        ("新建道路101条。", "101条", ""),
    ],
)
def test_metric(text: str, surface: str, metric: str) -> None:
    assert one(text, surface).metric == metric


def test_deadline_after_the_number_dates_a_goal() -> None:
    text = "各位代表：\n刚刚过去的1977年。\n要抓好十二个大面积商品粮基地，八年内使它们提供的商品粮增加两、三倍。\n"
    assert one(text, "十二个").year == 1984 + 1


def test_a_span_of_years_up_to_now_ends_last_year() -> None:
    text = "各位代表：\n刚刚过去的1977年。\n大庆原油产量在十七年间平均每年增长百分之二十八。\n"
    c = one(text, "百分之二十八")
    assert (c.year, c.target) == (1977, False)


def test_subject_of_an_enumerated_figure_is_its_own_item() -> None:
    text = "新建道路101条、升级改造道路167条，集聚风险投资机构超500家。"
    assert one(text, "167条").subject == "升级改造道路"
    assert one(text, "超500家").metric == ""


@pytest.mark.parametrize(
    ("text", "surface", "kind", "value"),
    [("个体手工业者的产值将下降为27.5%。", "27.5%", "level", 27.5), ("粮食产量增长达8%。", "8%", "growth", 8),
     ("城镇登记失业率下降为3.5%。", "3.5%", "level", 3.5),
     # The goal or forecast of a change is a change (rules/cues.yaml change_goal_words).
     ("今年经济增长预期目标为7%左右，这是必要的。", "7%左右", "growth", 7),
     ("居民消费价格涨幅预期目标为3%左右。", "3%左右", "growth", 3),
     ("单位国内生产总值能耗降低目标为3%左右。", "3%左右", "growth", -3)],
)
def test_change_verb_with_wei_names_the_level(text: str, surface: str, kind: str, value: float) -> None:
    c = one(text, surface)
    assert (c.kind, c.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "surface", "metric"),
    [
        ("钢增长28%，硫酸增长9%。", "9%", ""),
        ("研发经费支出占地区生产总值比重达5%。", "5%", "rd_intensity"),
        ("完成301张养老床位建设。", "301张", "elderly_care_beds"),
        ("地区生产总值2617亿元左右，可比增长1.5%。", "1.5%", "gdp"),
    ],
)
def test_metric_carries_over_only_to_clauses_without_their_own_subject(text: str, surface: str, metric: str) -> None:
    assert one(text, surface).metric == metric


def test_a_comparison_base_value_is_dated_and_a_result() -> None:
    text = "各位代表：\n到一九八五年，工农业总产值达到八千七百一十亿元，比一九八○年的七千一百五十九亿元增加一千五百五十一亿元。\n"
    c = one(text, "七千一百五十九亿元")
    assert (c.year, c.target) == (1980, False)


def test_year_mentions_of_a_sentence_serve_every_number_in_it() -> None:
    """year_of finds the year mentions of a whole sentence once and keeps those that end
    before the number; that must equal reading the sentence only up to the number."""
    from govmetrics.context import Sentence, _mentions, _years_before, cues_for
    from govmetrics.rules import default_ruleset

    cues = cues_for(default_ruleset())
    sentences = [
        "到2025年，全区地区生产总值达到5000亿元，比2020年增长50%，2021—2025年年均增长8%以上。",
        "过去五年，三年内新增就业120万人，“十四五”规划期间累计投资2万亿元，全年增长6%。",
        "与上年相比，2019年以来减少1386万人，今年力争再减少1000万人以上。",
    ]
    checked = 0
    for s in sentences:
        for m in regex.finditer(r"\d+", s):
            for doc_year in (None, 2021):
                alone = [(a, y, how) for a, _, y, how in _mentions(s[:m.start()], cues, doc_year, "")]
                mentions = Sentence(0, len(s)).mentions(s, cues, doc_year, "")
                assert _years_before(mentions, m.start()) == alone
                checked += 1
    assert checked > 20


def test_a_frame_built_without_the_mentions_reads_them_off_its_sentence() -> None:
    """Frame.mentions is what extraction passes in, read once per sentence; a Frame built
    without it (None) still sees the sentence's years, as one given them does."""
    from govmetrics.context import Frame, Sentence, cues_for, year_of
    from govmetrics.rules import default_ruleset

    cues = cues_for(default_ruleset())
    s = "全年地区生产总值达到5000亿元，比2020年增长8%，到2025年达到6000亿元。"
    def frame(end: int, **kw) -> Frame:
        return Frame(sentence=(0, len(s)), clause_start=0, doc_year=2022, section_year=None, section_mode="",
                     paragraph_year=None, number_end=end, **kw)

    for m in regex.finditer(r"\d+亿元|\d+%", s):
        bare, given = frame(m.end()), frame(m.end(), mentions=Sentence(0, len(s)).mentions(s, cues, 2022, ""))
        assert bare.mentions is None
        assert year_of(s, m.start(), bare, cues, None) == year_of(s, m.start(), given, cues, None)
        assert (bare.year_stated, bare.year_why) == (given.year_stated, given.year_why)
    assert given.year_stated and "2025" in given.year_why


def test_deadlines_are_the_to_mentions() -> None:
    """year_of looks for a deadline after a number with _deadlines, which finds only the "to"
    mentions; they must be those _mentions finds, in its order."""
    from govmetrics.context import _deadlines, _mentions, cues_for
    from govmetrics.rules import default_ruleset

    cues = cues_for(default_ruleset())
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    texts = [ln for p in sorted(seeds.glob("*.txt")) for ln in p.read_text("utf-8").splitlines()]
    texts += ["到2025年，八年内使…，本世纪末达到，至2030年，从2020年到2025年", "截至2020年底【到2022年】本世纪内"]
    # The gates: no 年 and no century word; a year without 到/至 before it; a range with 至.
    texts += ["增长8%，达到本世纪末的水平", "本世纪中叶", "增长8%", "2019年增长8%，八年内", "2019至2020年", "1978—至1985年"]
    found = 0
    for t in texts:
        for doc_year in (None, 1985, 2021):
            want = [m for m in _mentions(t, cues, doc_year) if m[3] == "to"]
            assert _deadlines(t, cues, doc_year) == want, t
            found += len(want)
    assert found > 10


def test_year_word_lists_share_the_character_they_are_gated_by() -> None:
    """_mentions searches the plan, relative-year and century words only in a text holding
    the character every one of them holds."""
    from govmetrics.context import cues_for
    from govmetrics.patterns import shared_char
    from govmetrics.rules import default_ruleset

    rs = default_ruleset()
    cues = cues_for(rs)
    for key, ch in (("five_year_plans", cues.plans_char), ("relative_years", cues.relative_char),
                    ("century_years", cues.century_char)):
        words = list(rs.data[key])
        assert ch and all(ch in w for w in words), key
    assert shared_char(["今年", "去年"]) == "年"
    assert shared_char(["今年", "本世纪"]) == ""  # nothing shared: no gate ('' is in every text)
    assert shared_char([]) == ""


def test_the_core_of_a_prefix_is_tested_by_endswith_as_by_the_end_patterns() -> None:
    """kind_and_sign tests the prefix without its fillers with str.endswith instead of the
    end-anchored patterns: the same verdicts on every prefix of the seed sentences (the core
    never ends with a newline, before which $ matches too)."""
    from govmetrics.context import cues_for
    from govmetrics.normalize import normalize
    from govmetrics.patterns import alternation
    from govmetrics.rules import default_ruleset

    cues = cues_for(default_ruleset())
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    tails = {"增长\n", "新增 \n", "增长了", "", "\n"}
    for path in sorted(seeds.glob("*.txt"))[:6]:
        t = normalize(path.read_text(encoding="utf-8")).text
        tails.update(t[max(0, i - 12):i] for i in range(1, len(t), 2))
    tested = 0
    for prefix in tails:
        core = cues.fillers.sub("", prefix.rstrip())
        assert not core[-1:].isspace()
        # The fillers take nothing from a tail that ends with none of their words.
        for pattern, words in ((cues.fillers, cues.filler_words), (cues.soft_fillers, cues.soft_filler_words)):
            tail = prefix.rstrip()
            assert tail.endswith(words) or pattern.sub("", tail) == tail, prefix
        for pattern, words in ((cues.up, cues.up_words), (cues.down, cues.down_words),
                               (regex.compile(f"(?:{alternation(list(cues.flow_words))})$"), cues.flow_words), (cues.growth_rate_end, cues.growth_rate_words)):
            assert (pattern.search(core) is not None) == core.endswith(words), (prefix, core)
            tested += core.endswith(words)
        if cues.change_of_stock.search(core):
            assert core.endswith(cues.stock_nouns)
    assert tested > 100


def test_every_plan_word_of_the_rules_names_a_plan() -> None:
    """The words after a plan's name that make it the plan come from rules/cues.yaml
    (plan_name_followers and plan_as_period): a word added there is read; 普法 is none."""
    from govmetrics.context import cues_for, period_length
    from govmetrics.rules import default_ruleset

    rs = default_ruleset()
    cues, c = cues_for(rs), rs.data["cues"]
    assert c["plan_as_period"] and c["plan_name_followers"]
    for plan in rs.data["five_year_plans"]:
        for w in c["plan_name_followers"] + c["plan_as_period"]:
            for text in (f"{plan}{w}", f"“{plan}”{w}"):
                assert cues.plans_re.search(text), text
        assert not cues.plans_re.search(f"“{plan}”普法")
    for w in c["plan_as_period"]:
        assert period_length(f"“十一五”{w}", cues) == 5, w


def test_every_plan_period_opener_of_the_rules_opens_a_frame() -> None:
    """A sentence that opens with a plan named as a period (“十四五”时期，…; 到“十四五”末，…) frames
    what follows; the words that make it a period come from rules/cues.yaml
    (plan_period_openers): each one the plan name's look-ahead accepts opens a frame, a plan
    named as a document (规划纲要) none."""
    from govmetrics.extractor import _Doc
    from govmetrics.normalize import normalize
    from govmetrics.rules import default_ruleset
    from govmetrics.segment import analyse

    rs = default_ruleset()
    c = rs.data["cues"]
    assert c["plan_period_openers"]
    cases = [(plan, w, f"{opening}{plan}{q}{w}，全区增长5%。")
             for plan in rs.data["five_year_plans"] for w in c["plan_period_openers"] + ["规划纲要"]
             for opening, q in (("", ""), ("到“", "”"), (" 在“", "”"))]
    text = "\n".join(line for _, _, line in cases)
    norm = normalize(text)
    doc = _Doc(text, norm, analyse(norm.text, rs), rs, "t")
    assert len(doc.struct.sentences) == len(cases)  # one sentence a line
    framed = 0
    for i, (plan, w, line) in enumerate(cases):
        named = doc.cues.plans_re.search(f"{plan}{w}") is not None  # a plan name only with a follower
        want = rs.data["five_year_plans"][plan] if named and w in c["plan_period_openers"] else None
        assert doc.lead_year(i) == want, line
        framed += want is not None
    assert framed >= len(rs.data["five_year_plans"]) * 3 * 5


def test_an_empty_word_of_a_list_is_left_out_of_its_pattern() -> None:
    """An empty word would match everywhere; the first-character gates of the same lists
    (words[0]) leave it out, so the patterns do too."""
    from govmetrics.patterns import alternation

    assert alternation(["", "目标", "预期目标"]) == "预期目标|目标"
    assert alternation([""]) == alternation([]) == "(?!)"
    assert alternation([], none="") == ""  # (the place patterns supply their own fallback)
    assert not regex.search(alternation(["", "目标"]), "增长5%")


def test_the_name_a_goal_quoted_for_a_finished_year_needs_comes_from_the_rules() -> None:
    from govmetrics.context import cues_for
    from govmetrics.rules import default_ruleset

    rs = default_ruleset()
    c = rs.data["cues"]
    assert cues_for(rs).goal_name == c["goal_quote_name"] == "目标" and c["goal_quote_name"] in c["goal_quote_words"]


def test_word_searches_find_what_the_regex_alternation_finds() -> None:
    """The goal, result and governing cues are searched with the stdlib engine (word_search): over
    the seeds (and with the blanking sub is_target applies) they must find what the `regex`
    alternation of the same words finds."""
    import regex

    from govmetrics.patterns import alternation, word_search
    from govmetrics.rules import default_ruleset

    rs = default_ruleset()
    c = rs.data.get("cues", {})
    lists = [c.get("target", []), c.get("target_not", []), c.get("result", []),
             [w for ws in rs.data.get("governing", {}).values() for w in ws], list(rs.data.get("relative_years", {})),
             ["a.b", "a*", "(", "", "\\"], []]
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    texts = [p.read_text("utf-8") for p in sorted(seeds.glob("*.txt"))] + ["a.b a*b (\\ aab", ""]
    found = 0
    for words in lists:
        ours, theirs = word_search(words), regex.compile(alternation(words))
        for t in texts:
            spans = [m.span() for m in theirs.finditer(t)]
            assert [m.span() for m in ours.finditer(t)] == spans
            assert ours.sub(lambda m: "\u3000" * len(m.group()), t) == theirs.sub(lambda m: "\u3000" * len(m.group()), t)
            found += len(spans)
    assert found > 100


def test_without_a_goal_name_no_figure_of_a_finished_year_counts_as_a_quoted_goal(monkeypatch) -> None:
    # An empty goal_quote_name must not make every quoted-goal wording count (an empty word is
    # in every text): the figure for the finished year stays a result.
    import dataclasses

    from govmetrics import context, extractor

    text = "政府工作报告\n2021年3月5日\n过去一年，我们完成了全年主要目标任务。2020年预期目标是国内生产总值增长6%左右。"
    [named] = [c for c in extractor.extract_text(text, "gwr_2021.txt") if c.text == "6%左右"]
    assert named.year == 2020 and named.target is True
    cues_for = context.cues_for
    monkeypatch.setattr(extractor, "cues_for", lambda rs: dataclasses.replace(cues_for(rs), goal_name=""))
    [unnamed] = [c for c in extractor.extract_text(text, "gwr_2021.txt") if c.text == "6%左右"]
    assert unnamed.year == 2020 and unnamed.target is False


def test_the_characters_a_search_is_skipped_without_are_ones_its_pattern_needs() -> None:
    """The searches before every figure are skipped where a character their pattern needs is
    missing (_COMPARED_OPENERS, _FROM_OPENERS, _THIS_OPENERS, _SHARE_OF_GROWTH_OPENER); each
    gate must be a set of characters every match holds one of (prefilter's analysis of the
    pattern, without its end anchor, which it does not model and which adds no character).
    _PAIR_JOIN's match must open with one of _PAIR_JOINERS or a space (str.isspace)."""
    from govmetrics import context as C
    from govmetrics.prefilter import _parse, _required
    from govmetrics.rules import default_ruleset

    cues = C.cues_for(default_ruleset())
    gates = [(C._BASE_VALUE, C._COMPARED_OPENERS), (C._FROM_VALUE, C._FROM_OPENERS),
             (C._FROM_PREVIOUS_YEAR, C._FROM_OPENERS), (C._THIS_PERIOD, frozenset(C._THIS_OPENERS)),
             (cues.share_of_growth, frozenset(C._SHARE_OF_GROWTH_OPENER)),
             (C._WITHIN_YEARS, frozenset(C._WITHIN_YEARS_ENDS)), (C._YEARS_PAST, frozenset(C._YEARS_PAST_ENDS))]
    for pattern, chars in gates:
        source = pattern.pattern.removesuffix("$")
        assert any(clause <= chars for clause in _required(_parse(source, pattern.flags))), source
    assert regex.escape(C._FULL_YEAR.pattern) == C._FULL_YEAR.pattern  # a plain word: sought with `in`
    opening = [chr(c) for c in range(0x10000) if C._PAIR_JOIN.match(chr(c) + "和")]
    assert opening and all(c in C._PAIR_JOINERS or c.isspace() for c in opening)
    rs = default_ruleset()
    assert C.pair_qualifier("增长5%和7.5%左右", 4, cues, rs) == "approx"
    assert C.pair_qualifier("增长5% 和 7.5%以上", 4, cues, rs) == C.pair_qualifier("增长5%\u3000和7.5%以上", 4, cues, rs) == "more_than"
