"""`govmetrics track`: targets against outcomes across reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govmetrics.cli import main
from govmetrics.tracking import TRACK_COLUMNS, track, track_rows

DATA = Path(__file__).resolve().parent / "data" / "track"
NATIONAL = DATA / "national"  # excerpts of the national work reports (the GDP paragraphs and headings)
REFERENCE = json.loads((DATA / "national_gdp_growth.json").read_text(encoding="utf-8"))["years"]


def run(*args: object, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)


@pytest.fixture(scope="module")
def national() -> dict[int, dict]:
    r = run("track", NATIONAL, "--metric", "gdp", "--kind", "growth", "--year", "1992-2024", "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)
    annual = [x for x in rows if x["basis"] == "annual" and x["unit"] == "%"]
    assert len({x["year"] for x in annual}) == len(annual)  # one yearly row per year
    return {x["year"]: x for x in annual}


@pytest.mark.parametrize("ref", REFERENCE, ids=lambda r: str(r["year"]))
def test_national_gdp_growth_against_the_hand_checked_reference(national: dict[int, dict], ref: dict) -> None:
    got = national.get(ref["year"])
    if ref["status"] is None:
        assert got is None
        return
    assert got is not None and got["status"] == ref["status"]
    if "target_low" in ref:
        assert (got["target_low"], got["target_high"], got["target_qualifier"]) == (
            ref["target_low"], ref["target_high"], ref["target_qualifier"])
        assert Path(got["target_doc"]).name == ref["target_doc"]
    else:
        assert got["target_low"] is None
    if "outcome" in ref:
        assert got["outcome"] == ref["outcome"] and Path(got["outcome_doc"]).name == ref["outcome_doc"]
    else:
        assert got["outcome"] is None


def test_reference_years_with_target_and_outcome() -> None:
    both = [r["year"] for r in REFERENCE if r["status"] in ("met", "missed")]
    assert len(both) == 19 and [r["year"] for r in REFERENCE if r["status"] == "missed"] == [1998]


def test_plan_average_targets_are_rows_of_their_own(national: dict[int, dict]) -> None:
    r = run("track", NATIONAL, "--metric", "gdp", "--kind", "growth", "--year", "2005", "--format", "json")
    rows = {x["basis"]: x for x in json.loads(r.stdout) if x["unit"] == "%"}
    # 十五 (2001-2005): 年均 7%左右, set in 2001; the 2006 report: 年均增长9.5%.
    assert rows["average"]["target_low"] == 7 and rows["average"]["outcome"] == 9.5
    assert rows["average"]["status"] == "met"
    assert rows["annual"]["target_low"] == 8 and rows["annual"]["outcome"] == 9.9  # the year's own report wins


# ---------------------------------------------------------------------------- the rules, on claim rows


def claim(value, year, target, doc="r.txt", text=None, sentence=None, qualifier="exact", metric="gdp",
          kind="growth", unit="%", region="全国", doc_date="", line=1):
    text = text or f"{value:g}%"
    return {"doc": doc, "doc_date": doc_date, "start": 0, "end": 1, "line": line, "text": text, "value": value,
            "unit": unit, "qualifier": qualifier, "kind": kind, "target": target, "year": year, "region": region,
            "metric": metric, "subject": "", "sentence": sentence or f"国内生产总值增长{text}。", "rule": "percent"}


STATUS_CASES = [
    # (metric, target value, qualifier, outcome, status, gap)
    ("gdp", 7.5, "approx", 7.4, "met", -0.1),  # 左右: within the tolerance (0.5)
    ("gdp", 7.5, "approx", 6.9, "missed", -0.6),
    ("gdp", 8.0, "exact", 7.8, "missed", -0.2),  # no qualifier: met at or above
    ("gdp", 6.0, "more_than", 6.0, "met", 0.0),
    ("cpi", 3.0, "approx", 2.0, "met", -1.0),  # lower is better for prices
    ("cpi", 3.0, "exact", 3.2, "missed", 0.2),
    ("unemployment_rate", 4.5, "at_most", 4.0, "met", -0.5),  # 以内: a cap
    ("unemployment_rate", 4.5, "at_most", 4.6, "missed", 0.1),
]


@pytest.mark.parametrize(("metric", "value", "qualifier", "outcome", "status", "gap"), STATUS_CASES)
def test_status_by_qualifier_and_direction(metric, value, qualifier, outcome, status, gap) -> None:
    rows = [claim(value, 2014, True, "2014.txt", qualifier=qualifier, metric=metric),
            claim(outcome, 2014, False, "2015.txt", metric=metric),
            claim(1.0, 2014, False, "2015.txt", metric="retail_sales")]  # the next year's report
    out = [r for r in track_rows(rows) if r["metric"] == metric]
    assert len(out) == 1 and (out[0]["status"], out[0]["gap"]) == (status, gap)


def test_a_range_gives_low_and_high() -> None:
    s = "今年经济社会发展的主要预期目标是：国内生产总值增长6%－6.5%；城镇新增就业1100万人以上。"
    rows = [claim(6, 2019, True, "2019.txt", text="6%", sentence=s), claim(6.5, 2019, True, "2019.txt", text="6.5%", sentence=s),
            claim(6.6, 2019, False, "2020.txt")]
    (r,) = track_rows(rows)
    assert (r["target_low"], r["target_high"], r["target_text"], r["status"]) == (6, 6.5, "6%－6.5%", "met")


def test_pending_and_no_target() -> None:
    rows = [claim(5.5, 2022, True, "2022.txt"), claim(5.2, 2023, False, "2024.txt")]
    out = {r["year"]: r["status"] for r in track_rows(rows)}
    assert out == {2022: "pending", 2023: "no_target"}


def test_the_latest_outcome_wins_over_a_preliminary_one() -> None:
    rows = [claim(10, 2018, True, "plan.txt", doc_date="2018-01-20"),
            claim(8.5, 2018, False, "report.txt", sentence="预计全年地区生产总值增长8.5%。", doc_date="2018-12-25"),
            claim(8.1, 2018, False, "communique.txt", sentence="全年地区生产总值增长8.1%。", doc_date="2019-03-20")]
    (r,) = track_rows(rows)
    assert (r["outcome"], r["outcome_doc"], r["status"]) == (8.1, "communique.txt", "missed")


def test_an_estimate_late_in_the_year_is_a_preliminary_outcome() -> None:
    s = "全年预计实现地区生产总值170.98亿元，增长8%。"
    rows = [claim(9, 2018, True, "plan.txt", doc_date="2018-01-10"),
            claim(8, 2018, True, "report.txt", sentence=s, text="8%", doc_date="2018-12-25")]
    (r,) = track_rows(rows)
    assert (r["target_low"], r["outcome"], r["outcome_doc"], r["status"]) == (9, 8, "report.txt", "missed")
    # Said early in the year, 预计 is a forecast: a target.
    rows[1]["doc_date"] = "2018-03-01"
    (r,) = track_rows(rows)
    assert r["outcome"] is None


def test_the_years_own_report_wins_over_a_target_quoted_later() -> None:
    rows = [claim(8, 1998, True, "1998.txt", doc_date="1998-03-05"),
            claim(7.5, 1998, True, "1999.txt", sentence="比上年增长7.8%，虽然略低于7.5%的预定目标。", doc_date="1999-03-05"),
            claim(7.8, 1998, False, "1999.txt", doc_date="1999-03-05")]
    (r,) = track_rows(rows)
    assert (r["target_low"], r["target_doc"], r["status"]) == (8, "1998.txt", "missed")


def test_a_result_dated_before_its_year_ended_is_no_outcome() -> None:
    rows = [claim(6, 2021, True, "2021.txt", doc_date="2021-03-05"),
            claim(7, 2021, False, "2021.txt", doc_date="2021-03-05")]
    (r,) = track_rows(rows)
    assert r["status"] == "pending"


def test_economy_growth_names_gdp() -> None:
    rows = [claim(8, 1998, True, "1998.txt", metric="", text="8%", sentence="今年国民经济宏观调控的主要目标是：经济增长速度8%，商品零售价格涨幅控制在3%以内。"),
            claim(30, 2016, False, "2017.txt", metric="", kind="level", text="超过30%",
                  sentence="对全球经济增长的贡献率超过30%。")]
    out = track_rows(rows)
    assert [(r["year"], r["metric"], r["target_low"]) for r in out] == [(1998, "gdp", 8)]


def test_filters_region_year_and_kind() -> None:
    rows = [claim(8, 2020, True, region="黄埔区"), claim(6, 2020, True, region="全国"),
            claim(6, 2021, True, region="全国"), claim(100, 2021, True, kind="level", unit="元")]
    assert {r["region"] for r in track_rows(rows, regions=["黄埔区"])} == {"黄埔区"}
    assert {r["year"] for r in track_rows(rows, years=(2021, 2021))} == {2021}
    assert {r["kind"] for r in track_rows(rows, kinds=["level"])} == {"level"}


# ---------------------------------------------------------------------------- API and command


def test_api_takes_paths_or_a_claims_frame() -> None:
    import govmetrics

    df = govmetrics.track(str(NATIONAL / "gwr_2018.txt"), metric="gdp")
    assert list(df.columns) == TRACK_COLUMNS
    claims = govmetrics.extract([str(NATIONAL / "gwr_2018.txt"), str(NATIONAL / "gwr_2019.txt")])
    df2 = track(claims, metric="gdp", kind="growth", year=2018)
    row = df2[(df2["basis"] == "annual") & (df2["unit"] == "%")].iloc[0]
    assert (row["target_low"], row["outcome"], row["status"]) == (6.5, 6.6, "met")


def test_command_reads_extract_output_too(tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    r = run("extract", NATIONAL / "gwr_2018.txt", NATIONAL / "gwr_2019.txt", "-o", claims)
    assert r.exit_code == 0
    r = run("track", claims, "--metric", "gdp", "--kind", "growth", "--year", "2018", "--format", "csv")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == ",".join(TRACK_COLUMNS)
    assert any(",2018,annual,%,6.5,6.5,approx," in ln and ln.endswith(",met,0.1") for ln in lines[1:])


def test_terminal_table_marks_met_and_missed() -> None:
    r = run("track", NATIONAL / "gwr_1998.txt", NATIONAL / "gwr_1999.txt", "--metric", "gdp", "--year", "1998",
            "--format", "table", env={"COLUMNS": "160"})
    assert r.exit_code == 0 and "✗ missed" in r.stdout


def test_bad_options_are_one_line_errors(tmp_path: Path) -> None:
    r = run("track", NATIONAL, "--metric", "no_such_metric")
    assert r.exit_code == 2 and "unknown metric" in r.stderr and "Traceback" not in r.stderr
    r = run("track", NATIONAL, "--plot", tmp_path / "chart.pdf")
    assert r.exit_code == 2 and ".png or .svg" in r.stderr
    r = run("track", NATIONAL, "--kind", "speed")
    assert r.exit_code == 2 and "unknown kind" in r.stderr


@pytest.mark.parametrize("ext", ["png", "svg"])
def test_plot_draws_target_band_and_outcome_line(tmp_path: Path, ext: str) -> None:
    chart = tmp_path / f"gdp.{ext}"
    r = run("track", NATIONAL, "--metric", "gdp", "--kind", "growth", "--plot", chart, "--format", "csv")
    assert r.exit_code == 0, r.stderr
    data = chart.read_bytes()
    assert data.startswith(b"\x89PNG") if ext == "png" else b"<svg" in data[:2000]
    if ext == "svg":  # the same input draws the same picture (cron jobs diff it)
        again = tmp_path / "again.svg"
        run("track", NATIONAL, "--metric", "gdp", "--kind", "growth", "--plot", again, "--format", "csv")
        assert again.read_bytes() == data


def test_help() -> None:
    r = run("track", "--help")
    assert r.exit_code == 0 and "--plot" in r.stdout and "--region" in r.stdout


def test_stdin_document() -> None:
    text = ("政府工作报告\n——2019年1月10日在某某县第十七届人民代表大会第三次会议上\n"
            "一、2018年工作回顾\n全县地区生产总值增长8.5%。\n二、2019年工作安排\n今年全县地区生产总值增长8%左右。\n")
    r = run("track", "-", "--metric", "gdp", "--format", "json", input=text)
    assert r.exit_code == 0, r.stderr
    rows = {x["year"]: x for x in json.loads(r.stdout)}
    assert rows[2019]["status"] == "pending" and rows[2019]["region"] == "某某县"
    assert rows[2018]["status"] == "no_target" and rows[2018]["outcome"] == 8.5


def test_articles_of_one_file_are_dated_each() -> None:
    # Seed 004: the district's report of 2021-03-01 sets 地区生产总值增长10%左右 for 2021; an
    # article of 2022-01-25 in the same file gives the (preliminary) outcome, 增长8%以上.
    seed = Path(__file__).resolve().parent.parent / "seeds" / "004_b336c947ab320b12.txt"
    df = track(str(seed), metric="gdp", kind="growth", region="黄埔区", year=2021)
    (row,) = df.to_dict("records")
    assert (row["target_low"], row["target_qualifier"], row["outcome"], row["status"]) == (10, "approx", 8, "missed")
    assert row["outcome_line"] > row["target_line"]


BASIS = [
    # (sentence, figure, basis)
    ("今年国内生产总值增长7.5%左右。", "7.5%左右", "annual"),
    ("“十四五”时期，地区生产总值年均增长8%左右。", "8%左右", "average"),
    ("国民生产总值五年平均每年增长百分之七点九。", "百分之七点九", "average"),
    ("2007年，国内生产总值比2002年增长65.5%。", "65.5%", "cumulative"),
    ("2005年与2000年相比，国内生产总值增长57.3%。", "57.3%", "cumulative"),
    ("五年内国民生产总值增长百分之四十四。", "百分之四十四", "cumulative"),
    ("国内生产总值比上年增长9.1%。", "9.1%", "annual"),
]


@pytest.mark.parametrize(("sentence", "surface", "basis"), BASIS)
def test_basis_from_the_sentence(sentence: str, surface: str, basis: str) -> None:
    (r,) = track_rows([claim(1.0, 2020, True, text=surface, sentence=sentence)])
    assert r["basis"] == basis


def test_a_growth_set_years_ahead_without_an_average_is_over_the_whole_plan() -> None:
    # 今后五年，单位国内生产总值用水量…分别下降23% in a report of 2016: no yearly target for 2020.
    rows = [claim(-23, 2020, True, "2016.txt", doc_date="2016-03-05", text="23%", sentence="2020年前下降23%。")]
    (r,) = track_rows(rows)
    assert r["basis"] == "cumulative"
