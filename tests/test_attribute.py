"""Which indicator each figure measures (attribute.py): sentence -> expected indicator per figure.

Sentences come from the development documents (../shared/corpus/local, the national reports
and the seeds), one or more for every section of a statistical communiqué and the forms work
reports use. Expected indicators are written as their Chinese names and looked up in the
catalogue, so the table reads as the analyst would check it; names the tests need are in
tests/data/attribute_metrics.yaml (test ids), so these cases test the reading of sentences
whatever the shipped catalogue holds. "" means: no indicator (and nothing carried over);
"!NAME": anything but that indicator (a name the catalogue may or may not list).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from govmetrics import extract_text
from govmetrics.rules import default_ruleset, load_ruleset

FIXTURE = Path(__file__).resolve().parent / "data" / "attribute_metrics.yaml"


@pytest.fixture(scope="module")
def rs():
    return load_ruleset([FIXTURE])


def _id(rs, name: str) -> str:
    if not name:
        return ""
    alias = {a: mid for mid, names in rs.data["metrics"].items() for a in names}
    return alias[name]


CASES = [
    # 综合: GDP and the three sectors, growth after a level inherits its subject
    ("初步核算,2011年全市实现地区生产总值1403.24亿元,比上年增长11.3%。",
     [("1403.24亿元", "地区生产总值"), ("11.3%", "地区生产总值")]),
    ("其中,第一产业增加值37.70亿元,增长3.2%;第二产业增加值786.42亿元,增长14.4%。",
     [("37.70亿元", "第一产业增加值"), ("3.2%", "第一产业增加值"),
      ("786.42亿元", "第二产业增加值"), ("14.4%", "第二产业增加值")]),
    # split names: a footnote mark, a filler verb between scope and measure
    ("其中,第一产业增加值287亿元,增长2.2%;第三产业[3]增加值1311.9亿元,增长5.2%。",
     [("287亿元", "第一产业增加值"), ("2.2%", "第一产业增加值"),
      ("1311.9亿元", "第三产业增加值"), ("5.2%", "第三产业增加值")]),
    ("其中第一产业增加值完成125964万元,比上年增长6.5%;第二产业完成增加值130344万元,比上年增长13.1%。",
     [("125964万元", "第一产业增加值"), ("6.5%", "第一产业增加值"),
      ("130344万元", "第二产业增加值"), ("13.1%", "第二产业增加值")]),
    # coordinated subjects completed from the last one, handed out by 分别
    ("其中第一产业增加值1025亿元,第二产业增加值10092亿元,第三产业增加值7521亿元,分别增长2.8%、15.4%和15.1%。",
     [("1025亿元", "第一产业增加值"), ("10092亿元", "第二产业增加值"), ("7521亿元", "第三产业增加值"),
      ("2.8%", "第一产业增加值"), ("15.4%", "第二产业增加值"), ("15.1%", "第三产业增加值")]),
    ("第一、二、三产业增加值分别增长3.1%、6.5%和7.2%。",
     [("3.1%", "第一产业增加值"), ("6.5%", "第二产业增加值"), ("7.2%", "第三产业增加值")]),
    # a contribution to GDP growth is the part's (held-out gold), never GDP's; X占Y: X; X与Y之比: no X
    ("第一产业增加值37.70亿元,增长3.2%,对GDP增长的贡献率为0.7%。",
     [("37.70亿元", "第一产业增加值"), ("3.2%", "第一产业增加值"), ("0.7%", "第一产业增加值")]),
    ("研发经费支出与国内生产总值之比达到2.08%。", [("2.08%", "!国内生产总值")]),
    ("现代服务业增加值321.96亿元,增长8.5%,占GDP的22.9%。",
     [("321.96亿元", "现代服务业增加值"), ("8.5%", "现代服务业增加值"), ("22.9%", "现代服务业增加值")]),
    # regions coordinated before 分别, one indicator named after it
    ("香洲、金湾和斗门三个行政区分别实现地区生产总值863.48亿元、351.27亿元和188.49亿元,分别增长10.8%、14.2%和9.0%。",
     [("863.48亿元", "地区生产总值"), ("351.27亿元", "地区生产总值"), ("188.49亿元", "地区生产总值"),
      ("10.8%", "地区生产总值"), ("14.2%", "地区生产总值"), ("9.0%", "地区生产总值")]),
    # 工业: 全部工业 vs 规模以上工业, 其中 with a scope alone, split names
    ("全年全部工业增加值500亿元,比上年增长6.0%,其中规模以上工业增加值增长7.1%。",
     [("500亿元", "全部工业增加值"), ("6.0%", "全部工业增加值"), ("7.1%", "规模以上工业增加值")]),
    ("全年全部工业增加值500亿元,比上年增长6.0%。其中,规模以上工业增长7.1%。",
     [("500亿元", "全部工业增加值"), ("6.0%", "全部工业增加值"), ("7.1%", "")]),
    ("全部工业增加值500亿元,增长6.0%,其中规模以上工业增长7.1%。",
     [("500亿元", "全部工业增加值"), ("6.0%", "全部工业增加值"), ("7.1%", "规模以上工业增加值")]),
    ("全年规模以上工业企业全年共实现增加值321亿元,比上年增长8.3%。",
     [("321亿元", "规模以上工业增加值"), ("8.3%", "规模以上工业增加值")]),
    ("规模以上工业(以下口径相同)增加值增长5.6%。", [("5.6%", "规模以上工业增加值")]),
    ("规模以上工业[3]增加值增长5.6%,规模以上工业企业实现利润总额85亿元,下降2.1%。",
     [("5.6%", "规模以上工业增加值"), ("85亿元", "规模以上工业利润总额"), ("2.1%", "规模以上工业利润总额")]),
    ("第一、第二和第三产业增加值占国内生产总值的比重分别为39.53%、14.78%和45.69%。",
     [("39.53%", "第一产业增加值"), ("14.78%", "第二产业增加值"), ("45.69%", "第三产业增加值")]),
    # a measure alone takes the scope in force
    ("2006年,全部工业总产值30900万元,全部工业增加值8600万元。全部工业总产值30900万元,增加值8600万元,较上年增长2.2%。",
     [("2.2%", "全部工业增加值")]),
    # figures not claimed between (278040头): rather no indicator than a wrong one
    ("2006年全县粮食总产量达29940吨,禽蛋产量2325吨,生猪出栏278040头,分别比上年增长22.3%、4.1%、5.0%。",
     [("29940吨", "粮食总产量"), ("4.1%", "!粮食总产量")]),
    # a name followed by a noun that extends it is another series
    ("全年粮食总产量99699吨,粮食亩产157公斤。", [("99699吨", "粮食总产量"), ("157公斤", "!粮食总产量")]),
    # modifiers over one head: parts of the head's series
    ("知识城完成固定资产投资583亿元、增长50.5%,城市更新、国企项目固定资产投资分别增长125%、74.8%。",
     [("583亿元", "固定资产投资"), ("125%", "固定资产投资"), ("74.8%", "固定资产投资")]),
    # 价格: coordinated categories sharing one head (、 joins items, 及/和 inside an item)
    ("其中,食品、烟酒、衣著、家庭设备用品及维修服务、医疗保健和个人用品、娱乐教育文化用品及服务、居住的价格"
     "分别上涨10.5%、2.0%、2.4%、2.3%、5.7%、2.5%和3.7%。",
     [("10.5%", "食品价格"), ("2.3%", "!食品价格"), ("5.7%", "!居住价格"), ("3.7%", "居住价格")]),
    # 价格: coordinated categories sharing one head
    ("全年居民消费价格总水平上涨5.0%。其中,食品、居住的价格分别上涨10.5%和3.7%。",
     [("5.0%", "居民消费价格"), ("10.5%", "食品价格"), ("3.7%", "居住价格")]),
    # 投资, 财政, 金融
    ("全年工业投资120亿元,增长15.2%。", [("120亿元", "工业投资"), ("15.2%", "工业投资")]),
    ("年末金融机构本外币各项存款余额2860亿元,比年初增长9.3%;各项贷款余额1980亿元,增长12.1%。",
     [("2860亿元", "金融机构本外币各项存款余额"), ("9.3%", "金融机构本外币各项存款余额"),
      ("1980亿元", "贷款余额"), ("12.1%", "贷款余额")]),
    ("其中,税收收入112亿元,增长17.3%。在税收收入中,增值税29.03亿元,增长13.7%。",
     [("29.03亿元", ""), ("13.7%", "")]),
    # 人口
    ("年末常住人口329.6万人,户籍人口385.2万人,人口出生率为8.25‰。",
     [("329.6万人", "常住人口"), ("385.2万人", "户籍人口"), ("8.25‰", "人口出生率")]),
    ("常住人口城镇化率为62.5%,比上年末提高0.8个百分点。",
     [("62.5%", "常住人口城镇化率"), ("0.8个百分点", "常住人口城镇化率")]),
    # 收入: 城镇 vs 农村, the scope abbreviations and pairs
    ("城镇居民人均可支配收入36671元,增长8.1%;农村居民19669元,增长9.0%。",
     [("36671元", "城镇居民人均可支配收入"), ("8.1%", "城镇居民人均可支配收入"),
      ("19669元", "农村居民人均可支配收入"), ("9.0%", "农村居民人均可支配收入")]),
    ("城镇和农村居民人均可支配收入分别为36671元和19669元,分别增长8.1%和9.0%。",
     [("36671元", "城镇居民人均可支配收入"), ("19669元", "农村居民人均可支配收入"),
      ("8.1%", "城镇居民人均可支配收入"), ("9.0%", "农村居民人均可支配收入")]),
    ("城、乡居民人均可支配收入分别增长8%、9%,城镇登记失业率控制在4%以内。",
     [("8%", "城镇居民人均可支配收入"), ("9%", "农村居民人均可支配收入"), ("控制在4%以内", "城镇登记失业率")]),
    ("城乡居民人均可支配收入年均分别增长8.2%、10.1%,高于经济增速。",
     [("8.2%", "城镇居民人均可支配收入"), ("10.1%", "农村居民人均可支配收入")]),
    ("农民人均纯收入和城镇居民人均可支配收入分别达到9807元和18817元,分别增长18%和16.5%。",
     [("9807元", "农民人均纯收入"), ("18817元", "城镇居民人均可支配收入"),
      ("18%", "农民人均纯收入"), ("16.5%", "城镇居民人均可支配收入")]),
    ("孟州市地区生产总值、全社会固定资产投资、城镇居民人均可支配收入、农民人均纯收入同比分别增长13.4%、21.3%、12.2%、13.7%。",
     [("13.4%", "地区生产总值"), ("12.2%", "城镇居民人均可支配收入"), ("13.7%", "农民人均纯收入")]),
    # 就业
    ("城镇调查失业率5.1%,城镇登记失业率3.2%。", [("5.1%", "城镇调查失业率"), ("3.2%", "城镇登记失业率")]),
    # 农业: a per-head figure is another series than the total
    ("全年粮食总产量99699吨,比上年净增4408吨,增长4.6%。",
     [("99699吨", "粮食总产量"), ("4408吨", "粮食总产量"), ("4.6%", "粮食总产量")]),
    ("平均每人占有粮食近八百斤。", [("近八百斤", "人均粮食占有量")]),  # gold national_1985
    # 卫生: per-N rates
    ("每千人口医疗机构床位数6.5张。", [("6.5张", "每千人口医疗机构床位数")]),
    # 旅游
    ("全年旅游总收入85.6亿元,增长21.3%。", [("85.6亿元", "旅游总收入"), ("21.3%", "旅游总收入")]),
    # a part under 其中 is not the whole's series
    ("农民工总量2.53亿人,比上年增长4.4%,其中,外出农民工1.59亿人,增长3.4%。",
     [("2.53亿人", "农民工"), ("4.4%", "农民工"), ("1.59亿人", ""), ("3.4%", "")]),
    # 分别 over clauses whose numbers the rules leave out (3起): the clauses still give the subjects
    ("发生安全生产事故3起,全县肉类总产量29940吨,同比分别下降50%、42.9%。", [("50%", "!肉类总产量"), ("42.9%", "肉类总产量")]),
    # heads across a parenthetical with a comma, an aside clause, a target word, Chinese-numeral years
    ("工业总产值(不包括手工业产值,下同),包括原有企业和新建企业的在内,预计达到六百二十八亿一千万元。",
     [("六百二十八亿一千万元", "工业总产值")]),
    ("一九八三年国内财政收入增加一百二十七亿元,一九八四年增加二百五十五亿元。",
     [("一百二十七亿元", "财政收入"), ("二百五十五亿元", "财政收入")]),
    ("财政赤字占国内生产总值的比重从2009年的2.8%降到去年的1.5%左右。",
     [("2.8%", "财政赤字率"), ("1.5%左右", "财政赤字率")]),
    ("外商直接投资保持良好势头,实际金额达到330多亿美元。", [("330多亿美元", "外商直接投资")]),
    # a capacity is not the output
    ("淘汰落后炼钢产能7800万吨。", [("7800万吨", "!钢")]),
    # short forms completed with a standard head or tail, scopes and measures that stand alone
    ("其中,出口2345.6亿元,增长6.8%;进口1111.1亿元,下降0.2%。", [("1111.1亿元", "进口总额"), ("0.2%", "进口总额")]),
    ("全年人口出生率、死亡率和自然增长率分别为8.12‰、6.45‰和1.67‰。",
     [("8.12‰", "人口出生率"), ("6.45‰", "人口死亡率")]),
    ("全年居民消费价格总水平比上年上涨0.2%,其中城市上涨0.1%,农村上涨0.4%。",
     [("0.2%", "居民消费价格总水平"), ("0.1%", "城市居民消费价格"), ("0.4%", "农村居民消费价格")]),
    ("普通本专科招生12.3万人,在校生45.6万人。", [("12.3万人", "普通本专科招生"), ("45.6万人", "普通本专科在校生")]),
    ("年末全市共有4.56万人享受城市最低生活保障,12.3万人享受农村最低生活保障。",
     [("4.56万人", "城市最低生活保障"), ("12.3万人", "农村最低生活保障")]),
    ("科创板上市企业新增4家、总数占全市83%。", [("83%", "!人口总数")]),
    # a parenthetical: a figure inside it is an aside, one naming the indicator names it
    ("全年完成固定资产投资(500万元以上项目)862.3亿元,增长7.4%。",
     [("500万元以上", "!固定资产投资"), ("862.3亿元", "固定资产投资"), ("7.4%", "固定资产投资")]),
    ("年末城镇常住人口612.3万人,占常住人口比重(常住人口城镇化率)为62.51%。", [("62.51%", "常住人口城镇化率")]),
    # the noun a count names ends at the verb; the measure after it takes its scope
    ("全县86家规模以上工业企业实现增加值45.6亿元,增长11.2%。",
     [("45.6亿元", "规模以上工业增加值"), ("11.2%", "规模以上工业增加值")]),
    # every item under a per-N phrase is a rate
    ("每千人口拥有执业(助理)医师3.4人、注册护士3.9人。",
     [("3.4人", "每千人口执业医师数"), ("3.9人", "每千人口注册护士数")]),
    # a growth after a number the rules leave out is of that number's name
    ("全年粮食总产量45.6万担,增长8.2%。", [("8.2%", "粮食总产量")]),
    # one figure said of several subjects (a 、 list, or 都 after them): the first named
    ("今年二氧化硫、氮氧化物排放量要下降3%。", [("3%", "二氧化硫排放量")]),
    ("原煤产量达到七亿七千多万吨,原油达到一亿一千四百多万吨,都比上年增长8%。",
     [("七亿七千多万吨", "原煤产量"), ("一亿一千四百多万吨", "原油"), ("8%", "原煤产量")]),
    # X在Y中所占的比重: not Y
    ("积累在国民收入中所占的比重,在调整初期由1978年的36.5%降低到1981年的28.5%。",
     [("36.5%", "!国民收入"), ("28.5%", "!国民收入")]),
    # work reports: growth targets, longest name, no carry-over into a new subject
    ("今年经济社会发展的主要预期目标是:经济增长7%左右。", [("7%左右", "经济增长")]),
    ("单位国内生产总值能耗下降3%左右。", [("3%左右", "单位国内生产总值能耗")]),
    ("国内生产总值增长6.6%,总量突破90万亿元。", [("6.6%", "国内生产总值"), ("突破90万亿元", "国内生产总值")]),
    ("地区生产总值2617亿元左右,可比增长1.5%。", [("2617亿元左右", "地区生产总值"), ("1.5%", "地区生产总值")]),
    ("新建道路101条、升级改造道路167条,集聚风险投资机构超500家。",
     [("101条", ""), ("167条", ""), ("超500家", "")]),
    ("进出口总额达到一千二百零一亿元,比上年增长39.7%,扣除价格和汇率变动因素,实际增长19.6%。",
     [("39.7%", "进出口总额"), ("19.6%", "进出口总额")]),
    ("人均GDP为37128元(按年平均汇率折算为4883美元),增长12.7%。", [("37128元", "人均GDP"), ("4883美元", "人均GDP"), ("12.7%", "人均GDP")]),
    # a per-head frame over a list (gwr_1985): each bare name takes the frame's series; a
    # plain series before a bare name is no frame
    ("去年全国平均每人占有粮食近八百斤,棉花十多斤,按照我国人民当前的食物结构和衣着水平,一般已可以达到温饱。",
     [("近八百斤", "平均每人占有粮食"), ("十多斤", "人均棉花占有量")]),
    ("全年粮食总产量六千一百多亿斤,棉花一亿二千多万担。", [("一亿二千多万担", "棉花")]),
    # a per-head word before a series that is itself per head keeps it (gwr_1983)
    ("一九八二年城市职工家庭平均每人全年可用于生活费的收入为五百元,扣除物价上涨因素,比一九七八年增长百分之三十八点三。",
     [("五百元", "可用于生活费的收入"), ("百分之三十八点三", "可用于生活费的收入")]),
    # X的Y is the series XY when the catalogue holds it (gwr_1955); not when Y makes another
    # series (gwr_1959: a yield is no output)
    ("在第一个五年计划的最后一年,钢的产量仍然不过四百多万吨。", [("四百多万吨", "钢产量")]),
    ("棉花的单位面积产量分别达到六十斤、八十斤、一百斤的指标。",
     [("六十斤", "!棉花产量"), ("八十斤", "!棉花产量"), ("一百斤", "!棉花产量")]),
    # a 的 phrase without its head qualifies the head in force (gwr_1985)
    ("全年施工的更新改造项目七万四千个,全部建成的三万九千个,对增加生产、提高质量都发挥了重要作用。",
     [("七万四千个", "更新改造项目"), ("三万九千个", "更新改造项目")]),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:24] for c in CASES])
def test_indicator_of_each_figure(rs, sentence: str, expected: list[tuple[str, str]]) -> None:
    claims = extract_text(sentence, rules=rs)
    got = {c.text: c.metric for c in claims}
    for surface, name in expected:
        assert surface in got, (surface, [c.text for c in claims])
        if name.startswith("!"):
            assert got[surface] != _id(rs, name[1:]), (surface, got[surface], name)
        else:
            assert got[surface] == _id(rs, name), (surface, got[surface], name)


def test_no_carry_over_into_a_clause_that_names_something_else(rs) -> None:
    # seed 004: the beds of the first item do not pass to the households, the elderly or the nurseries
    text = ("聚焦“一老一小”,完成301张养老床位建设、112张认知症老人照护床位和97户适老性改造,"
            "持续提升助老配餐服务质量,近1.5万名老人享受长护险护理服务;新增2个公益性托育服务点。")
    got = {c.text: c.metric for c in extract_text(text, rules=rs)}
    assert got["301张"] == "elderly_care_beds"
    assert got["97户"] == _id(rs, "适老化改造")  # the noun after the figure names its own indicator
    assert got["112张"] == got["近1.5万名"] == got["2个"] == ""


def test_a_flow_of_a_series_is_another_series(rs) -> None:
    got = {c.text: (c.metric, c.subject) for c in extract_text("新增市场主体6.3万户、增长20%。", rules=rs)}
    # The gold files tag 新增市场主体 (新增学位, 新增上市企业 …) with the stock's id, and the
    # catalogue lists those flows as aliases of it; a flow the catalogue does not list stays apart.
    assert got["6.3万户"] == got["20%"] == (_id(rs, "新增市场主体"), "新增市场主体")
    got = {c.text: c.metric for c in extract_text("新增规上工业企业52家。", rules=rs)}
    assert got["52家"] == ""


def test_subject_of_a_growth_is_the_figure_before_it(rs) -> None:
    c = extract_text("第一产业增加值63.44亿元,增长4.5%。", rules=rs)
    assert [x.subject for x in c] == ["第一产业增加值", "第一产业增加值"]


@pytest.mark.parametrize(
    ("text", "surface", "unit"),
    [
        ("每千人口医疗机构床位数6.5张。", "6.5张", "张/千人"),
        ("每千名老年人拥有养老床位35张。", "35张", "张/千人"),
        ("每百户拥有汽车40辆。", "40辆", "辆/百户"),
        ("每万人口拥有公共图书馆藏书1.2万册。", "1.2万册", "册/万人"),
        # the figure counts what the denominator counts, or the rate is per head: the plain unit
        ("到2025年每千常住人口执业医师数达5.8人。", "5.8人", "人"),
        ("人均公园绿地面积20平方米。", "20平方米", "平方米"),
        ("平均每人占有粮食近八百斤。", "近八百斤", "斤"),
        # a comparison clause right after the rate is its change: same denominator
        ("城镇每百户拥有家用汽车21.5辆，比2007年增加15.5辆。", "15.5辆", "辆/百户"),
        ("每百户拥有汽车40辆，新增汽车15.5辆。", "15.5辆", "辆"),
    ],
)
def test_per_n_denominator_is_part_of_the_unit(text: str, surface: str, unit: str) -> None:
    claims = extract_text(text, rules=default_ruleset())
    assert [c.unit for c in claims if c.text == surface] == [unit]
    assert all(c.value not in (10, 100, 1000, 10000) for c in claims)  # no claim for 每千/每百/每万


def test_shipped_catalogue_keeps_longest_names_apart() -> None:
    got = {c.text: c.metric for c in extract_text("单位国内生产总值能耗下降3%,国内生产总值增长6%。")}
    assert got["6%"] == "gdp"
    assert got["3%"] not in ("gdp", "")


def test_alias_lookup_finds_what_the_alias_pattern_finds() -> None:
    """_alias_hits looks aliases up in a dictionary instead of trying the alias alternation at
    every position; both must find the same names at the same places, Latin-letter boundaries
    included."""
    from govmetrics.attribute import _alias_at, _alias_hits, vocab_for

    v = vocab_for(default_ruleset())
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    texts = [line for p in sorted(seeds.glob("*.txt")) for line in p.read_text("utf-8").splitlines()]
    texts += ["GDPR不是GDP", "PM10和PM2.5浓度", "xM1、M2余额", "全国GDP增长5%", "地区生产总值增长5.2%", "钢的产量,钢材和粗钢钢"]
    assert len(texts) > 50
    for text in texts:
        want = [(m.start(), m.end(), m.group()) for m in v.alias_re.finditer(text, overlapped=True)]
        assert [t[:3] for t in _alias_hits(text, v)] == want, text
        for i in range(len(text) + 1):  # and the look-up at one position is alias_re.match there
            m = v.alias_re.match(text, i)
            assert _alias_at(text, i, v) == (m.group() if m else ""), (text, i)
            assert (text[i:] in v.alias_to_metric) == bool(v.alias_re.fullmatch(text[i:])), (text, i)


def test_shadow_matches_the_per_character_construction() -> None:
    """_Shadow copies the kept runs of the sentence and maps positions by its runs; it must
    give what keeping a flag per character gave: the same text, asides and position map."""
    from govmetrics.attribute import _ASIDE, Figure, _Shadow

    def reference(text: str, s0: int, s1: int, figures: list[Figure]):
        keep = [True] * (s1 - s0)
        spans = [(f.start - s0, f.end - s0) for f in figures]
        removed = []
        for m in _ASIDE.finditer(text, s0, s1):
            a, b = m.start() - s0, m.end() - s0
            if not any(fa < b and a < fb for fa, fb in spans):
                keep[a:b] = [False] * (b - a)
                removed.append((a, m.group()[1:-1]))
        pos = [s0 + i for i, k in enumerate(keep) if k]
        index = {p: i for i, p in enumerate(pos)}

        def at(p: int) -> int:
            while p not in index and p < pos[-1] + 1:
                p += 1
            return index.get(p, len(pos))

        return "".join(text[p] for p in pos), [(sum(keep[:a]), w) for a, w in removed], at

    text = ("前言。规模以上工业(以下口径相同)增加值增长5%[3]，其中(2)高技术制造业增长8%①，"
            "占常住人口比重(常住人口城镇化率)为62.51%(比上年末提高0.5个百分点)〔注〕。")
    s0 = 3
    s1 = len(text)
    figures = [Figure(m.start(), m.end(), "%") for m in regex.finditer(r"[\d.]+(?:%|个百分点)", text)]
    for figs in (figures, figures[:1], [], figures[-1:]):
        sh = _Shadow(text, s0, s1, figs)
        want_text, want_asides, want_at = reference(text, s0, s1, figs)
        assert sh.text == want_text and sh.asides == want_asides
        assert [sh.at(p) for p in range(len(text) + 2)] == [want_at(p) for p in range(len(text) + 2)]


def test_completions_index_gives_what_trying_every_tail_and_head_gives() -> None:
    """_completed looks a short form up in an index built from the catalogue; it must give the
    first name that trying each standard tail, then each head, finds."""
    from govmetrics.attribute import _completed, vocab_for

    rs = default_ruleset()
    v = vocab_for(rs)
    c = rs.data.get("cues", {})
    tails, heads = c.get("completion_tails", []), c.get("completion_heads", [])
    assert tails and heads

    def reference(s: str):
        for cand in [s + x for x in tails] + [x + s for x in heads]:
            if cand in v.alias_to_metric:
                return cand
        return None

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    words = {w for p in sorted(seeds.glob("*.txt")) for w in regex.findall(r"\p{Han}{1,6}", p.read_text("utf-8"))}
    words |= {a[:k] for a in v.alias_to_metric for k in range(1, len(a) + 1)}
    words |= {a[k:] for a in v.alias_to_metric for k in range(len(a))}
    found = 0
    for s in sorted(words):
        got = _completed(s, v)
        assert (got.canon if got else None) == reference(s), s
        found += got is not None
    assert found > 20


def test_the_fast_paths_of_clause_trimming_give_what_the_patterns_give() -> None:
    """The gates before the `regex` calls (_NOISE_IN, the first characters of the head and
    generic words, _han), the one-pass trimming and the standard library's patterns in the
    vocabulary must change nothing: compared with the plain calls on clause-like texts."""
    import random
    import re

    from govmetrics.attribute import (
        _HAN,
        _NOISE,
        _YEARS_PUNCT,
        _display,
        _han,
        _head_trimmed,
        _is_generic,
        _noise_free,
        _trimmed,
        _years_punct_free,
        vocab_for,
    )

    assert all(regex.match(r"\p{Han}", chr(c)) for c in range(0x4E00, 0xA000))  # what _NOISE_IN assumes
    rs = default_ruleset()
    v = vocab_for(rs)
    c = rs.data["cues"]
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    lines = [ln for p in sorted(seeds.glob("*.txt")) for ln in p.read_text("utf-8").splitlines()][:300]
    rnd = random.Random(18)
    words = [w for k in ("subject_trim_head", "subject_trim_tail", "generic_subjects", "time_words", "target",
                         "growth_up", "respectively", "comparison_starts", "adverbial_starts") for w in c.get(k, [])]
    words += ["、", "2023年", "一九五二年", "第一季度", "上半年", "3月", "(", "GDP", "工业", "的", "，", "５", "〇"]
    texts = [ln[i:i + k] for ln in lines for i in range(0, len(ln), 7) for k in (4, 12)]
    texts += ["".join(rnd.choice(words) for _ in range(rnd.randint(0, 5))) for _ in range(4000)]

    def trimmed_before(s: str) -> str:  # the three passes of before
        s = _NOISE.sub("", s)
        for _ in range(3):
            t = v.trim_tail.strip(v.trim_head.sub("", s.strip("、")))
            if t == s:
                break
            s = t
        return s

    def display_before(s: str) -> str:
        s = _YEARS_PUNCT.sub("", s)
        for _ in range(3):
            t = v.display_tail.strip(v.trim_head.sub("", s))
            if t == s:
                break
            s = t
        return s

    fast = [k for k, x in vars(v).items() if isinstance(x, re.Pattern)]
    assert "respectively_re" in fast
    for t in texts:
        assert _noise_free(t) == _NOISE.sub("", t), t
        assert _years_punct_free(t) == _YEARS_PUNCT.sub("", t), t
        assert _head_trimmed(t, v) == v.trim_head.sub("", t), t
        assert _is_generic(t, v) == (not v.generic_re.sub("", t)), t
        assert _trimmed(_NOISE.sub("", t), v) == trimmed_before(t), t
        assert _display(t, v) == display_before(t), t
        assert _han(t[:1]) == bool(_HAN.match(t)), t
        for k in fast:
            x = getattr(v, k)
            m, m2 = x.search(t), regex.search(x.pattern, t)
            assert (m and (m.span(), m.groups())) == (m2 and (m2.span(), m2.groups())), (k, t)


def test_tail_words_strip_removes_what_the_pattern_removes() -> None:
    """TailWords.strip walks back over the words instead of trying (?:words)+$ at every
    position; it must leave what the substitution leaves, for any text."""
    import random

    from govmetrics.attribute import _NOISE, vocab_for
    from govmetrics.patterns import alternation

    v = vocab_for(default_ruleset())
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    lines = [ln for p in sorted(seeds.glob("*.txt")) for ln in p.read_text("utf-8").splitlines()][:400]
    rnd = random.Random(18)
    checked = 0
    for tail in (v.trim_tail, v.display_tail):
        words = [w for ws in tail.by_last.values() for w in ws]
        pattern = regex.compile(f"(?:{alternation(words)})+$")
        texts = [_NOISE.sub("", ln)[-k:] for ln in lines for k in (3, 8, 20)]
        texts += ["".join(rnd.choice(words + ["的", "工业", "a", "\n"]) for _ in range(rnd.randint(0, 6)))
                  for _ in range(3000)]
        texts += ["", "增长\n增长", "\n", "增长\n", "增长\n\n", "增长\n增长\n", "的增长\n"]  # ($ before a final newline)
        for t in texts:
            assert tail.strip(t) == pattern.sub("", t), repr(t)
            checked += tail.strip(t) != t
    assert checked > 500


def test_the_characters_that_gate_the_clause_patterns_are_in_every_word() -> None:
    """_resolve_any searches a clause for the share, contribution and ratio patterns only when
    it holds their gate character; every word those patterns need must hold it."""
    from govmetrics.attribute import _PER, vocab_for
    from govmetrics.rules import default_ruleset

    rs = default_ruleset()
    v = vocab_for(rs)
    c = rs.data["cues"]
    for words, ch in ((c["share_of"], v.share_of_char), (c["contribution_open"], v.contribution_char),
                      (c["ratio_close"], v.ratio_char)):
        assert ch and all(ch in w for w in words), words
    assert v.per_n_re.pattern.startswith(_PER)
    assert v.share_of_re.search("工业增加值占地区生产总值比重") and not v.share_of_re.search("工业增加值")


def test_a_vocabulary_thrown_away_is_freed_with_its_memos() -> None:
    """The memos of clause text belong to their vocabulary: once a rule set is let go, its
    Vocab (~1.8 MB) goes too, however many clauses were read with it."""
    import gc
    import weakref

    from govmetrics import attribute
    from govmetrics.attribute import Figure, attribute_sentence, vocab_for
    from govmetrics.rules import _load_ruleset

    rs = _load_ruleset(())  # not from the disk cache: no process-wide list holds it
    text = "全年国内生产总值1000亿元,比上年增长5.2%;其中规模以上工业增长6%。"
    figures = [Figure(m.start(), m.end(), m.group(2)) for m in regex.finditer(r"\d+(\.\d+)?(亿元|%)", text)]
    assert attribute_sentence(text, 0, len(text), figures, rs)[0].metric
    attribute._clean("比上年增长", vocab_for(rs))
    attribute._names("国内生产总值", vocab_for(rs))
    gone = weakref.ref(vocab_for(rs))
    del rs
    gc.collect()
    assert gone() is None


def test_the_opening_gates_let_through_every_character_a_match_may_start_with() -> None:
    """_NOISE_IN and _ASIDE_OPEN are hand-written twins of the openings of _NOISE, _YEARS_PUNCT
    (with 、) and _ASIDE (a text without one is not searched): at every code point where a match
    of the pattern may begin (prefilter.opening_test), the gate's class matches; for _NOISE, but
    the first characters of its Han date words (一九五二, 第一季度, 上半年), whose matches hold one of
    the gate's words (checked on every text of up to four of their characters: each such match
    begins with one that long)."""
    import itertools

    from govmetrics import attribute as A
    from govmetrics.prefilter import opening_test

    chars = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    han_words = "一二三四五六七八九零第上下"  # what _NOISE_IN's words begin with (〇, ○: in its class)
    for pattern, gate, words in ((A._NOISE, A._NOISE_IN, han_words), (A._YEARS_PUNCT, A._NOISE_IN, "、"),
                                 (A._ASIDE, A._ASIDE_OPEN, "")):
        opens = opening_test(pattern.pattern, pattern.flags)
        assert opens is not None, pattern.pattern
        # (the code points the gate turns away, found in one pass; each must open no match)
        shut = gate.sub("", chars)
        assert len(shut) < len(chars) and {c for c in shut if opens(c)} == set(words), pattern.pattern
    alphabet = han_words + "〇○半年季度"
    for n in range(1, 5):
        for t in map("".join, itertools.product(alphabet, repeat=n)):
            assert not A._NOISE.search(t) or A._NOISE_IN.search(t), t


def test_a_clause_is_split_by_the_marks_clause_start_reads() -> None:
    """attribute_sentence takes a clause's start after the last break its split finds instead
    of calling context.clause_start: the two patterns hold the same marks."""
    from govmetrics import attribute, context

    assert attribute._CLAUSE_BREAK.pattern == context._CLAUSE_BREAK.pattern == f"[{context.CLAUSE_BREAKS}]"
    for c in context.CLAUSE_BREAKS:
        text = f"甲乙{c}丙丁"
        assert context.clause_start(text, 0, len(text)) == 3 == len(text) - len(attribute._CLAUSE_BREAK.split(text)[-1])
