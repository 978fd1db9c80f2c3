"""govmetrics.filters: per-claim filters, --where per document batch, --columns."""

from __future__ import annotations

import pytest

from govmetrics.claim import COLUMNS
from govmetrics.filters import (
    FilterError,
    RowFilter,
    WhereFilter,
    filter_rows,
    make_row_filter,
    parse_columns,
    parse_years,
    split_list,
)


def row(**kw):
    base = {"doc": "a.txt", "doc_date": "2021", "start": 0, "end": 4, "line": 1, "text": "8.2%", "value": 8.2,
            "unit": "%", "qualifier": "exact", "kind": "growth", "target": False, "year": 2020, "region": "全国", "metric": "gdp",
            "subject": "地区生产总值", "sentence": "", "rule": "percent"}
    base.update(kw)
    return base


def test_parse_years():
    assert parse_years(None) is None
    assert parse_years("2025") == (2025, 2025)
    assert parse_years("2021-2025") == (2021, 2025)
    assert parse_years(" 2021–2025 ") == (2021, 2025)
    for bad in ("20x5", "2025-2021", "2021-2022-2023", ""):
        with pytest.raises(FilterError, match="--year"):
            parse_years(bad)


def test_parse_columns():
    assert parse_columns(None) == COLUMNS
    assert parse_columns("value, doc,unit") == ["value", "doc", "unit"]
    with pytest.raises(FilterError, match="unknown column 'valu'"):
        parse_columns("doc,valu")
    with pytest.raises(FilterError, match="twice"):
        parse_columns("doc,doc")
    with pytest.raises(FilterError):
        parse_columns(",")


def test_split_list():
    assert split_list(["gdp,cpi", "exports", "gdp"]) == ["gdp", "cpi", "exports"]


def test_row_filter_conditions():
    assert not RowFilter()  # no condition at all
    assert RowFilter(metrics=("gdp",))(row())
    assert not RowFilter(metrics=("cpi",))(row())
    assert RowFilter(kinds=("growth", "share"))(row())
    assert not RowFilter(kinds=("level",))(row())
    assert RowFilter(target=False)(row()) and not RowFilter(target=True)(row())
    assert RowFilter(years=(2019, 2021))(row()) and not RowFilter(years=(2021, 2025))(row())
    assert not RowFilter(years=(2019, 2021))(row(year=None))
    assert RowFilter(units=("%", "元"))(row()) and not RowFilter(units=("元",))(row())


def test_make_row_filter_validates():
    f = make_row_filter(["gdp,cpi"], ["growth"], True, "2021-2025", ["元"], known_metrics=["gdp", "cpi"])
    assert f == RowFilter(("gdp", "cpi"), ("growth",), True, (2021, 2025), ("元",))
    with pytest.raises(FilterError, match="unknown metric 'gpd'"):
        make_row_filter(["gpd"], known_metrics=["gdp"])
    with pytest.raises(FilterError, match="unknown kind"):
        make_row_filter(kinds=["levels"])


def test_where_filter():
    w = WhereFilter("value > 1e10 and unit == '元'")
    rows = [row(value=3.6e11, unit="元"), row(value=5.0, unit="元"), row()]
    assert w.apply(rows) == [rows[0]]
    assert WhereFilter("year >= 2021").apply([row(year=None), row(year=2021)]) == [row(year=2021)]
    assert WhereFilter("target").apply([row(target=True), row()]) == [row(target=True)]
    assert WhereFilter("metric in ['gdp', 'cpi']").apply([row(), row(metric="")]) == [row()]
    assert WhereFilter('subject.str.contains("总值")').apply([row(), row(subject="x")]) == [row()]
    assert WhereFilter("1 > 0").apply([row(), row()]) == [row(), row()]


@pytest.mark.parametrize("expr, message", [
    ("value >", "cannot evaluate"),
    ("nosuchcolumn > 1", "cannot evaluate"),
    ("value > 'abc'", "cannot evaluate"),
    ("value + 1", "not a condition"),
    ("   ", "empty"),
])
def test_bad_where_is_rejected_up_front(expr, message):
    with pytest.raises(FilterError, match=message):
        WhereFilter(expr)


def test_filter_rows_streams_and_batches_where_per_document(monkeypatch):
    calls = []
    w = WhereFilter("value > 1")
    real = w.mask

    def spy(rows):
        calls.append([r["doc"] for r in rows])
        return real(rows)

    monkeypatch.setattr(w, "mask", spy)
    rows = [row(doc="a", value=2), row(doc="a", value=0), row(doc="b", value=3), row(doc="b", value=5, unit="元")]
    out = list(filter_rows(iter(rows), RowFilter(units=("%",)), w))
    assert out == [rows[0], rows[2]]
    assert calls == [["a", "a"], ["b"]]  # one evaluation per document


def test_filter_rows_without_where_is_lazy():
    def gen():
        yield row(value=1)
        raise AssertionError("read too far")

    it = filter_rows(gen(), RowFilter(kinds=("growth",)))
    assert next(it)["value"] == 1


# ---------------------------------------------------------------------------- issue 17: units and booleans


def test_base_unit_takes_surface_units():
    from govmetrics.filters import base_unit
    from govmetrics.rules import default_ruleset

    rs = default_ruleset()
    cases = {"亿元": "元", "万元": "元", "万人": "人", "percent": "%", "pct": "%", "％": "%", "元": "元",
             "百分点": "个百分点", "万吨": "吨", "元/人": "元/人", "亿美元": "美元", "床": "张"}
    for word, base in cases.items():
        assert base_unit(word, rs.units) == base, word
    with pytest.raises(FilterError, match="bananas"):
        base_unit("bananas", rs.units)


def test_where_reads_booleans_as_written_in_csv():
    rows = [row(target=True), row(target=False)]
    for expr in ("target == 'true'", 'target == "True"', "target == true", "target != 'false'", "target == 1"):
        assert WhereFilter(expr).mask(rows) == [True, False], expr
    assert WhereFilter("target == 'false' and value > 0").mask(rows) == [False, True]
