"""govmetrics.catalogue and the catalogue schema of rules/metrics.yaml: loading (new and old
form), uniqueness, coverage of the standard indicators, look-ups, --metric filtering and
`govmetrics metrics` output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from govmetrics.catalogue import Catalogue, Hit, group_of, in_group, parent_of
from govmetrics.cli import main
from govmetrics.filters import FilterError, make_row_filter
from govmetrics.rules import default_ruleset, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "rules" / "metrics.yaml"
# Headline ids of earlier versions (SPEC §5) stay valid ids.
OLD_IDS = (
    "gdp gdp_per_capita industrial_output industrial_value_added fiscal_revenue budget_revenue "
    "budget_expenditure fixed_asset_investment retail_sales commodity_sales exports foreign_trade "
    "foreign_investment rd_intensity high_tech_enterprises listed_companies market_entities new_urban_jobs "
    "unemployment_rate disposable_income cpi school_places hospital_beds elderly_care_beds "
    "green_space_per_capita high_level_talent tax_cut grain_output fiscal_deficit special_bonds "
    "urbanization_rate energy_intensity forex_reserves poverty"
).split()


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.of(default_ruleset())


# ---------------------------------------------------------------------------- the shipped file


def _raw_entries() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["metrics"]


def test_every_shipped_entry_has_the_new_form_and_an_english_name():
    for mid, spec in _raw_entries().items():
        assert isinstance(spec, dict), f"{mid}: use {{name, aliases}}"
        assert set(spec) <= {"name", "aliases", "better", "tolerance"}, mid
        assert isinstance(spec.get("name"), str) and spec["name"].strip(), f"{mid}: no English name"
        assert spec["name"].isascii(), f"{mid}: the name is the English name"
        assert isinstance(spec.get("aliases"), list) and spec["aliases"], f"{mid}: no aliases"
        assert spec.get("better", "higher") in ("higher", "lower"), mid
        assert isinstance(spec.get("tolerance", 0), int | float), mid


def test_ids_are_dotted_lower_case_words():
    import re

    for mid in _raw_entries():
        assert re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*", mid), mid


def test_no_alias_names_two_indicators():
    seen: dict[str, str] = {}
    for mid, spec in _raw_entries().items():
        for a in spec["aliases"]:
            assert isinstance(a, str) and a.strip() == a and a, f"{mid}: bad alias {a!r}"
            assert a not in seen or seen[a] == mid, f"{a!r} names both {seen.get(a)} and {mid}"
            seen[a] = mid
    # And within one entry no alias is listed twice.
    for mid, spec in _raw_entries().items():
        assert len(spec["aliases"]) == len(set(spec["aliases"])), mid


def test_old_headline_ids_stay_valid(cat):
    for mid in OLD_IDS:
        assert mid in cat, mid


# ---------------------------------------------------------------------------- loading


def test_ruleset_keeps_the_id_to_aliases_view_and_adds_the_details():
    rs = default_ruleset()
    assert isinstance(rs.metrics, dict) and rs.metrics is rs.data["metrics"]
    assert "地区生产总值" in rs.metrics["gdp"]
    info = rs.metric_info["gdp"]
    assert info.name and info.better == "higher" and info.group == "gdp"
    assert list(rs.metric_info) == list(rs.metrics)


def test_user_file_in_old_list_form_adds_ids_and_aliases(tmp_path):
    p = write(tmp_path, "m.yaml", "metrics:\n  reservoirs: [水库, 水库数量]\n  gdp: [本地生产总值]\n")
    rs = load_ruleset([p])
    assert rs.metrics["reservoirs"] == ["水库", "水库数量"]
    assert rs.metric_info["reservoirs"].name == ""
    # An old-form entry for a shipped id adds its aliases and keeps the English name.
    assert "本地生产总值" in rs.metrics["gdp"] and "地区生产总值" in rs.metrics["gdp"]
    assert rs.metric_info["gdp"].name == default_ruleset().metric_info["gdp"].name


def test_user_file_in_new_form_sets_name_and_track_settings(tmp_path):
    p = write(tmp_path, "m.yaml", """metrics:
  water.reservoirs:
    name: Reservoirs
    aliases: [水库]
    better: lower
    tolerance: 0.5
""")
    m = load_ruleset([p]).metric_info["water.reservoirs"]
    assert (m.name, m.aliases, m.better, m.tolerance, m.group) == ("Reservoirs", ["水库"], "lower", 0.5, "water")


@pytest.mark.parametrize("body", [
    "  odd: 水库\n",                     # a lone string: one alias
    "  odd: 12\n",                       # a number
    "  odd:\n",                          # nothing
    "  odd: {name: Odd}\n",              # no aliases
    "  odd: {aliases: 水库, better: up, tolerance: much}\n",  # wrong types
    "  odd: [水库, [x], {a: b}, true]\n",  # non-string items
])
def test_malformed_entries_do_not_crash_the_loader(tmp_path, body):
    # Rejecting them is `rules check`'s job; loading reads what makes sense.
    rs = load_ruleset([write(tmp_path, "m.yaml", "metrics:\n" + body)])
    m = rs.metric_info["odd"]
    assert all(isinstance(a, str) for a in m.aliases)
    assert m.better in ("higher", "lower")
    assert rs.metrics["odd"] == m.aliases


# ---------------------------------------------------------------------------- look-ups


def test_id_path_helpers():
    assert group_of("value_added.primary") == "value_added" and group_of("gdp") == "gdp"
    assert parent_of("a.b.c") == "a.b" and parent_of("gdp") == ""
    assert in_group("industrial_value_added.above_scale", "industrial_value_added")
    assert in_group("gdp", "gdp")
    assert not in_group("gdp_per_capita", "gdp")  # a group is a whole dotted step


def test_id_for_exact_names(cat):
    assert cat.id_for("地区生产总值") == "gdp"
    assert cat.id_for(" GDP ") == "gdp"
    assert cat.id_for("gdp") == "gdp"  # an id names itself
    assert cat.id_for("生产") is None  # only whole names


def test_find_longest_alias_with_position(cat):
    text = "全市地区生产总值增长8.2%"
    hit = cat.find(text)
    assert hit == Hit("gdp", "地区生产总值", 2, 8)
    assert text[hit.start:hit.end] == hit.alias
    assert cat.find("今年天气很好") is None
    # The longest alias wins over one inside it (人均地区生产总值, not 地区生产总值).
    assert cat.find("人均地区生产总值达到9万元").id == "gdp_per_capita"


def test_find_all_and_last(cat):
    text = "地区生产总值增长6%，一般公共预算收入增长5%"
    hits = cat.find_all(text)
    assert [h.id for h in hits] == ["gdp", "budget_revenue"]
    assert cat.last(text).id == "budget_revenue"
    assert cat.last("没有指标") is None


def test_name_and_group(cat):
    assert cat.name("gdp") == default_ruleset().metric_info["gdp"].name != ""
    assert cat.name("no_such_id") == ""
    assert cat.group("value_added.primary") == "value_added"


def test_resolve_id_prefix_and_alias():
    rs = load_ruleset([write_tmp("""metrics:
  output: {name: Output, aliases: [产值]}
  output.farm: {name: Farm output, aliases: [农业产值]}
  output.farm.crops: {name: Crop output, aliases: [种植业产值]}
  outputs_other: {name: Other, aliases: [其他]}
  sector_va.primary: {name: VA primary, aliases: [本地一产增加值]}
""")])
    cat = Catalogue.of(rs)
    assert cat.resolve("output") == ("output", "output.farm", "output.farm.crops")
    assert cat.resolve("output.farm") == ("output.farm", "output.farm.crops")
    assert cat.resolve("output.farm.*") == cat.resolve("output.farm.") == ("output.farm", "output.farm.crops")
    assert cat.resolve("sector_va") == ("sector_va.primary",)  # a group that is no id itself
    assert cat.resolve("农业产值") == ("output.farm", "output.farm.crops")  # an alias: its id and below
    assert cat.resolve("本地一产增加值") == ("sector_va.primary",)
    assert cat.resolve("outp") == () and cat.resolve("") == ()


def write_tmp(text: str) -> Path:
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="gm-cat-"))
    p = d / "m.yaml"
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------------------- --metric filtering


def _row(metric: str) -> dict:
    return {"metric": metric, "kind": "level", "target": False, "year": 2020, "unit": "元"}


def test_metric_filter_by_id_group_and_alias(cat):
    f = make_row_filter(["gdp"], catalogue=cat)
    assert f(_row("gdp")) and not f(_row("gdp_per_capita")) and not f(_row(""))
    f = make_row_filter(["地区生产总值"], catalogue=cat)
    assert f(_row("gdp")) and not f(_row("cpi"))
    f = make_row_filter(["GDP,居民消费价格"], catalogue=cat)
    assert f(_row("gdp")) and f(_row("cpi"))


def test_metric_filter_group_prefix_finds_every_series(tmp_path):
    rs = load_ruleset([write(tmp_path, "m.yaml", """metrics:
  ind: {name: Industry, aliases: [全部工业增加值]}
  ind.above_scale: {name: Above scale, aliases: [规上工业增加值]}
""")])
    f = make_row_filter(["ind"], catalogue=Catalogue.of(rs))
    assert f(_row("ind")) and f(_row("ind.above_scale")) and not f(_row("gdp"))
    f = make_row_filter(["ind.above_scale"], catalogue=Catalogue.of(rs))
    assert f(_row("ind.above_scale")) and not f(_row("ind"))


def test_metric_filter_unknown_value_is_one_clear_error(cat):
    with pytest.raises(FilterError, match=r"--metric: unknown metric 'gpd' \(did you mean .*gdp"):
        make_row_filter(["gpd"], catalogue=cat)


def test_extract_metric_option_takes_an_alias(tmp_path):
    doc = write(tmp_path, "r.txt", "全市地区生产总值3600亿元，一般公共预算收入320亿元。\n")
    r = run("extract", doc, "--metric", "地区生产总值", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["metric"] for x in rows] == ["gdp"]
    r = run("extract", doc, "--metric", "no_such_thing")
    assert r.exit_code == 2 and "unknown metric 'no_such_thing'" in r.output


# ---------------------------------------------------------------------------- `govmetrics metrics`


def test_metrics_json_shape():
    r = run("metrics", "--format", "json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert rows and all(list(x) == ["metric", "name", "aliases"] for x in rows)
    assert all(isinstance(x["aliases"], list) and all(isinstance(a, str) for a in x["aliases"]) for x in rows)
    by_id = {x["metric"]: x for x in rows}
    assert "地区生产总值" in by_id["gdp"]["aliases"] and by_id["gdp"]["name"]
    assert [x["metric"] for x in rows] == list(default_ruleset().metric_info)  # file order


def test_metrics_csv_and_table():
    r = run("metrics", "--format", "csv")
    assert r.exit_code == 0
    header, first = r.stdout.splitlines()[:2]
    assert header == "metric,name,aliases"
    assert first.startswith("gdp,") and "、" in first
    r = run("metrics", "--format", "table", env={"COLUMNS": "60"})
    assert r.exit_code == 0
    longest = max(default_ruleset().metric_info, key=len)
    assert longest in r.stdout  # the id is shown whole even on a narrow terminal


# ---------------------------------------------------------------------------- coverage of the indicator system


def test_catalogue_holds_at_least_300_indicators_each_with_an_english_name(cat):
    assert len(cat) >= 300
    assert all(cat.name(mid) for mid in cat.ids())


def test_every_standard_indicator_name_is_an_alias(cat):
    # tests/data/core_indicators.txt is a copy of ../shared/eval/core_indicators.txt: the full
    # statistical names any catalogue of communiqués and work reports must hold.
    lines = (Path(__file__).parent / "data" / "core_indicators.txt").read_text(encoding="utf-8").splitlines()
    names = [x.strip() for x in lines if x.strip() and not x.startswith("#")]
    assert len(names) > 100
    missing = [n for n in names if n not in cat.alias_to_id]
    assert not missing, missing


# Different series are different ids (SPEC §5); the old headline id is the whole series.
SERIES = [
    ("全部工业增加值", "industrial_value_added"),
    ("规模以上工业增加值", "industrial_value_added.above_scale"),
    ("规上工业增加值", "industrial_value_added.above_scale"),
    ("工业总产值", "industrial_output"),
    ("规模以上工业总产值", "industrial_output.above_scale"),
    ("全体居民人均可支配收入", "disposable_income"),
    ("城镇居民人均可支配收入", "disposable_income.urban"),
    ("农村居民人均可支配收入", "disposable_income.rural"),
    ("农村居民人均纯收入", "rural_net_income"),
    ("城镇登记失业率", "unemployment_rate"),
    ("城镇调查失业率", "unemployment_rate.surveyed"),
    ("常住人口城镇化率", "urbanization_rate"),
    ("户籍人口城镇化率", "urbanization_rate.registered"),
    ("常住人口", "population.resident"),
    ("户籍人口", "population.registered"),
    ("单位国内生产总值能耗", "energy_intensity"),
    ("国内生产总值", "gdp"),
    ("实际使用外资", "foreign_investment"),
    ("合同利用外资", "foreign_investment.contracted"),
    ("财政赤字", "fiscal_deficit"),
    ("财政赤字率", "fiscal_deficit.rate"),
    ("研发经费投入强度", "rd_intensity"),
    ("研究与试验发展经费支出", "rd_expenditure"),
    ("第一产业增加值", "value_added.primary"),
    ("农林牧渔业增加值", "value_added.agriculture"),
    ("农林牧渔业总产值", "agri_output"),
    ("规模以上工业企业利润总额", "industry_above_scale.profit"),
    ("房地产开发投资", "fixed_asset_investment.real_estate"),
    ("居民消费价格", "cpi"),
    ("工业生产者出厂价格", "price.producer"),
    ("金融机构本外币存款余额", "deposits"),
]


@pytest.mark.parametrize(("name", "mid"), SERIES)
def test_full_statistical_names_name_their_own_series(cat, name, mid):
    assert cat.id_for(name) == mid


# Sentences from the development communiqués (../shared/corpus/local): the longest alias found.
SENTENCES = [
    ("初步核算，全年地区生产总值(GDP)2313亿元，比上年增长5.2%", "gdp"),
    ("其中，第一产业增加值287亿元，增长2.2%", "value_added.primary"),
    ("人均地区生产总值70908元，比上年增长5.9%", "gdp_per_capita"),
    ("全县居民消费价格上涨2.2%，其中居住价格上涨3.2%", "cpi"),
    ("工业品出厂价格上涨2.78%", "price.producer"),
    ("原材料、燃料、动力购进价格上涨5.3%", "price.producer_purchase"),
    ("实现农林牧渔业总产值72776万元", "agri_output"),
    ("2006年全县肉类总产量达29940吨", "meat_output"),
    ("生猪出栏278040头", "livestock.slaughtered.pigs"),
    ("年末拥有农业机械总动力45761千瓦", "agri_machinery_power"),
    ("全县有林地面积276万亩，森林覆盖率达54%", "forest_coverage"),
    ("全年地方财政一般预算收入143.41亿元", "budget_revenue"),
    ("年末全省从业人员3250万人", "employment"),
    ("城镇登记失业率控制在4.2%以内", "unemployment_rate"),
]


@pytest.mark.parametrize(("sentence", "mid"), SENTENCES)
def test_find_names_the_indicator_of_communique_sentences(cat, sentence, mid):
    assert cat.find(sentence).id == mid


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("PM10年平均浓度上升", []),  # M1 (narrow money) is not inside PM10
        ("M1余额增长", ["m1"]),
        ("GDPR合规", []),
        ("全市GDP增长", ["gdp"]),
    ],
)
def test_latin_aliases_match_only_as_whole_tokens(cat, text: str, ids: list[str]) -> None:
    found = [h.id for h in cat.find_all(text) if h.alias.isascii()]
    assert found == ids
