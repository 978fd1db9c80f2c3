"""Regions: the jurisdiction of a document, of each article, and of a figure (SPEC §2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govmetrics.extractor import extract_text
from govmetrics.normalize import normalize
from govmetrics.region import article_region, region_rules
from govmetrics.rules import default_ruleset

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _region(text: str) -> str:
    t = normalize(text).text
    return article_region(t, 0, len(t), region_rules(default_ruleset()))


# Openings from the development corpora (titles, datelines, first lines) -> the jurisdiction.
OPENINGS = [
    ("2021年3月1日在广州市黄埔区第一届人民代表大会第九次会议上区长陈勇各位代表:", "黄埔区"),
    ("中共广州市黄埔区委一届十次全会暨广州开发区党工委2019年第四次工作会议于2019年12月6日召开。", "黄埔区"),
    ("9月27日\n\n中国共产党广州市天河区\n\n第十次代表大会开幕\n", "天河区"),
    ("政府工作报告\n——2018年12月25日在沅陵县第十七届人民代表大会第三次会议上\n县人民政府县长 周重颜\n", "沅陵县"),
    ("【香港商報網訊】2月19日,綿陽市涪城區第六屆人民代表大會第四次會議在綿陽市委黨校知行堂主會議廳隆重開幕。", "涪城区"),
    ("近日,在日照市五莲县第十七届人民代表大会第二次会议上,五莲县县长杜江涛作政府工作报告", "五莲县"),
    ("2024年安徽省蚌埠市人民政府國民經濟和社會發展統計公報(2025年更新)\n蚌埠市統計局\n", "蚌埠市"),
    ("2016年國民經濟和社會發展統計公報[1]\n長順縣統計局\n2017年5月20日\n", "长顺县"),
    ("2022年四平市鐵西區人民政府國民經濟和社會發展統計公報(2024年更新)\n", "铁西区"),
    ("镇巴县2006年国民经济和社会发展统计公报 2006\n\n选择区域:>>\n\n2006年是我县实现“十一五”规划良好开局的一年。", "镇巴县"),
    ("珠海市统计局\n国家统计局珠海调查队\n2012年3月19日\n2011年,珠海市在党中央、国务院和省委、省政府领导下", "珠海市"),
    ("【黄埔区招商】2021年黄浦区政府工作报告\n2021年1月12日在上海市黄浦区第二届人民代表大会第八次会议上", "上海市黄浦区"),
    ("记者从株洲市统计局获悉，2019年全市地区生产总值增长7.8%。", "株洲市"),
    ("关于宝安区2019年预算执行情况和2020年预算草案的报告", "宝安区"),
    ("南山区2019年经济运行情况\n2019年，全区经济平稳。", "南山区"),
    ("黔南布依族苗族自治州2019年国民经济和社会发展统计公报", "黔南布依族苗族自治州"),
    ("北京市朝阳区人民政府关于2020年工作的报告", "北京市朝阳区"),  # districts of a province-level city keep it
    ("2021年黄浦区政府工作报告\n2021年1月12日在上海市黄浦区第二届人民代表大会第八次会议上", "上海市黄浦区"),
    ("2021年3月1日在广州市黄埔区第一届人民代表大会第七次会议上", "黄埔区"),
    # national documents
    ("各位代表：\n\n现在，我代表国务院，向大会报告政府工作，请予审议。", "全国"),
    ("政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n国务院总理　李　强", "全国"),
    ("中华人民共和国2019年国民经济和社会发展统计公报\n国家统计局\n", "全国"),
    # no dateline: the whole-area words give the level, the opening or the body the name
    ("黄埔区、广州开发区是广州改革开放起步最早的地方。全区上下以改革为动力。全区推动区域发展。", "黄埔区"),
    ("2007年,全省人民在省委、省政府的正确领导下，创新强省。全省生产总值增长。\n表1 浙江省生产总值及其增长速度", "浙江省"),
    ("一、精彩的2012年\n——争先率先全面提速。孟州市地区生产总值增长13.4%，孟州迈向全面小康。孟州成为全省试点。孟州产业集聚。", "孟州市"),
    # a signature at the end
    ("2016年国民经济和社会发展统计公报\n2016年，全县经济平稳增长。广东省援建项目3个。\n\n长顺县统计局\n2017年5月20日\n", "长顺县"),
    # the text never says
    ("全年新增企业100家，增长8%。", ""),
    ("会议强调，要推动区域协调发展，深化市场化改革。", ""),
]


@pytest.mark.parametrize(("text", "region"), OPENINGS)
def test_article_region_from_the_opening(text: str, region: str) -> None:
    assert _region(text) == region


def test_each_article_of_seed_004_has_its_own_region() -> None:
    text = (SEEDS / "004_b336c947ab320b12.txt").read_text(encoding="utf-8")
    claims = extract_text(text, "004")
    guangzhou = text.index("2021年3月1日在广州市黄埔区")
    shanghai = text.index("2021年1月12日在上海市黄浦区")
    customs = text.index("黄埔海关AEO认证企业规模显著扩大")
    in_gz = [c for c in claims if guangzhou <= c.start < shanghai]
    in_sh = [c for c in claims if shanghai <= c.start < customs]
    assert in_gz and in_sh
    assert {c.doc_date for c in in_gz} == {"2021-03-01"} and {c.doc_date for c in in_sh} == {"2021-01-12"}
    # Every figure of the Guangzhou report is about 黄埔区 but the one whose clause names 广州市.
    assert {c.region for c in in_gz} <= {"黄埔区", "广州市"}
    assert sum(c.region == "黄埔区" for c in in_gz) > 0.95 * len(in_gz)
    assert {c.region for c in in_sh} == {"上海市黄浦区"}


CLAUSES = [
    # (text, the figure's text, its region)
    ("2021年3月1日在广州市黄埔区第一届人民代表大会上的报告。全区地区生产总值增长8%。", "8%", "黄埔区"),
    ("2021年3月1日在广州市黄埔区第一届人民代表大会上的报告。其中广州市新增企业500家。", "500家", "广州市"),
    ("长顺县统计局\n全年地区生产总值增长13.1%，占全省比重为1.2%。", "1.2%", "长顺县"),
    ("长顺县统计局\n全年完成区域投资100亿元。", "100亿元", "长顺县"),  # 区域 is no place
    ("长顺县统计局\n广东省新增企业10家。", "10家", "广东省"),  # a province is a place without an institution
    # A whole-area word of another level opening the clause: that level's place in the sentence.
    ("黄埔区人民政府\n广东省入选的产品中，全省公布的5家机构有3家在我区。", "5家", "广东省"),
    ("黄埔区人民政府\n高技术产业产值占全省72.6%。", "72.6%", "黄埔区"),  # a share of the province: still the district's
    ("黄埔区人民政府\n全区新增企业8000家。", "8000家", "黄埔区"),
    # 分别 pairs a list of places with the figures after it, in turn.
    ("珠海市统计局\n香洲、金湾和斗门三个行政区分别实现地区生产总值863.48亿元、351.27亿元和188.49亿元，"
     "分别增长10.8%、14.2%和9.0%。", "351.27亿元", "金湾区"),
    ("珠海市统计局\n香洲、金湾和斗门三个行政区分别实现地区生产总值863.48亿元、351.27亿元和188.49亿元，"
     "分别增长10.8%、14.2%和9.0%。", "9.0%", "斗门区"),
    ("广东省统计局\n广州、深圳两市分别增长6.8%和6.7%。", "6.7%", "深圳市"),
    ("某某市统计局\n全省、全市分别增长6.8%和6.7%。", "6.7%", "某某市"),
    ("某某市统计局\n甲乙区、丙丁区分别获评示范区，全市新增企业100家。", "100家", "某某市"),  # past the list's clause  # no places: whole-area words
    ("某某市统计局\n城镇和农村居民人均可支配收入分别增长8%和9%。", "9%", "某某市"),
    ("某某市统计局\n东部、中部和西部地区分别增长8%、9%和10%。", "10%", "某某市"),  # a group of mixed places
]


@pytest.mark.parametrize(("text", "surface", "region"), CLAUSES)
def test_a_place_opening_the_clause_overrides_the_document(text: str, surface: str, region: str) -> None:
    claims = [c for c in extract_text(text, "t") if c.text == surface]
    assert claims and claims[0].region == region


def test_regions_come_from_the_rule_files(tmp_path: Path) -> None:
    from govmetrics.rules import load_ruleset

    (tmp_path / "places.yaml").write_text("regions:\n  levels:\n    嘎查: 2\n", encoding="utf-8")
    rs = load_ruleset([tmp_path])
    t = "中共巴彦嘎查委员会工作报告\n全年新增牧户10户。"
    assert article_region(t, 0, len(t), region_rules(rs)) == "巴彦嘎查"
    assert _region(t) == ""


def test_a_chain_holds_a_level_word() -> None:
    """clause_region tries the chain pattern only where a level word is (level_re): at every
    position of the seeds, a chain match holds one."""
    rr = region_rules(default_ruleset())
    for path in sorted(SEEDS.glob("*.txt")):
        t = normalize(path.read_text(encoding="utf-8")).text
        for i in range(0, len(t), 3):
            end = min(len(t), i + 40)
            m = rr.chain_re.match(t, i, end)
            if m:
                assert rr.level_re.search(t, i, end), (path.name, t[i:end])


def test_the_anchored_chains_gate_changes_nothing() -> None:
    """_anchored_chains scans with the chain pattern only where anchored_end_re finds a level
    word before an institution: over the openings, the clauses and windows of the seeds it
    gives what a scan of every window gives."""
    from govmetrics.region import _anchored_chains

    rr = region_rules(default_ruleset())
    texts = [normalize(t).text for t, _ in OPENINGS] + [normalize(t).text for t, _, _ in CLAUSES]
    for path in sorted(SEEDS.glob("*.txt")):
        t = normalize(path.read_text(encoding="utf-8")).text
        texts += [t[i:i + 400] for i in range(0, len(t), 97)]
    found = 0
    for t in texts:
        for lo, hi in ((0, len(t)), (0, min(len(t), 200)), (len(t) // 2, len(t))):
            want = [m.span() for m in rr.anchored_re.finditer(t, lo, hi)]
            assert [m.span() for m in _anchored_chains(t, lo, hi, rr)] == want, t[lo:hi]
            found += bool(want)
    assert found > 20  # the gate is tried where chains are, too


def test_level_and_whole_area_searches_find_what_the_regex_alternation_finds() -> None:
    """The level and whole-area words are sought with the stdlib engine (region._words): at
    every position of the seeds they must find what the `regex` alternation finds."""
    import regex

    from govmetrics.patterns import alternation, word_search

    d = default_ruleset().data.get("regions", {})
    texts = [normalize(p.read_text(encoding="utf-8")).text for p in sorted(SEEDS.glob("*.txt"))]
    found = 0
    for words in (list(d.get("levels", {})), list(d.get("whole", {})), ["a.b", "("], []):
        ours, theirs = word_search(words), regex.compile(alternation(words))
        for t in texts:
            assert [m.span() for m in ours.finditer(t)] == [m.span() for m in theirs.finditer(t)]
            for i in range(0, len(t), 5):
                m, n = ours.match(t, i, i + 30), theirs.match(t, i, i + 30)
                assert (m and m.span()) == (n and n.span())
                found += bool(n)
    assert found > 100
