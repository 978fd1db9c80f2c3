"""Targets against outcomes across reports: `govmetrics track` and `govmetrics.track()`.

(The module is `tracking`, not `track`: a submodule of that name would shadow the
`govmetrics.track` function once imported.)

For each (region, metric, kind, unit, year, basis) the target set for that year and the
outcome reported for it later make one row. `basis` keeps apart what a year's own report
sets for the year (`annual`), a plan's average rate over its period (`average`: 十四五 年均
增长…, dated to the plan's last year) and a change over several years against a base year
(`cumulative`: 比2010年翻一番, 五年内增长44%).

Choosing among statements (SPEC is silent; these are the decisions):
- target: the year's own report first (the document whose own year is the target's year),
  then the latest earlier document (a plan), then the earliest later one (a target quoted
  back: 略低于8%的预定目标); in that document, its first statement. Two figures joined as a
  range (6%－6.5%, 百分之八至九) are one target with a low and a high end.
- outcome: a result stated after the year ended or in its last quarter (an estimate, 全年预计…,
  in a document of the year's last quarter is one even when read as a goal); a final
  statement wins over a preliminary one (预计, 初步核算), then the latest document, then the
  first statement in it.
- status: `met` / `missed`; `pending` when no outcome is reported yet; `no_target` when
  an outcome has no target. Targets with 以上/不低于 or no qualifier are met at or above
  (at or below for indicators where lower is better, `better: lower` in metrics.yaml); a
  range is met at or above its low end (at or below its high end); 以内/不超过 are met at or
  below; 左右 is met within the indicator's `tolerance` on the side that is bad for it.
- gap: outcome minus the bound that decides (the low end, or the high end when lower is
  better; the cap for 以内).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from .rules import RuleSet, default_ruleset, derived

if TYPE_CHECKING:
    import pandas as pd

TRACK_COLUMNS = [
    "region", "metric", "kind", "year", "basis", "unit",
    "target_low", "target_high", "target_qualifier", "target_text", "target_doc", "target_line",
    "outcome", "outcome_text", "outcome_doc", "outcome_line", "status", "gap",
]
# What the terminal table shows, most useful first (the CSV/JSON carry every column).
TRACK_TABLE_COLUMNS = ["year", "basis", "status", "target_text", "outcome_text", "gap", "region", "metric", "kind",
                       "target_doc", "outcome_doc"]
STATUSES = ("met", "missed", "pending", "no_target")
KINDS = ("level", "growth", "share", "rank")
_CAPS = ("at_most", "less_than")  # 以内, 不超过, 低于: an upper bound whatever the direction
_DEFAULT_TOLERANCE = 0.0


@dataclass(frozen=True)
class TrackRules:
    average: tuple[str, ...]
    cumulative: regex.Pattern
    preliminary: tuple[str, ...]
    economy_metric: str
    economy_re: regex.Pattern
    range_between: regex.Pattern


@derived
def track_rules(rs: RuleSet) -> TrackRules:
    d = rs.data.get("track", {})
    econ = d.get("economy_growth", {}) or {}
    return TrackRules(
        average=tuple(d.get("average", [])),
        cumulative=regex.compile("|".join(d.get("cumulative", [])) or "(?!)"),
        preliminary=tuple(d.get("preliminary", [])),
        economy_metric=str(econ.get("metric", "")),
        economy_re=regex.compile(str(econ.get("pattern") or "(?!)")),
        range_between=regex.compile("|".join(d.get("range_between", [])) or "(?!)"),
    )


# ---------------------------------------------------------------------------- one claim


@dataclass
class _Claim:
    row: dict
    order: int  # position in the input, for "first statement"
    prefix: str  # the sentence before the figure
    clause: str  # the figure's clause before it
    metric: str
    basis: str
    preliminary: bool
    doc_year: int | None = None
    range_start: _Claim | None = None  # the low end, when this claim closes a range


def _locate(row: dict) -> tuple[str, str]:
    """The sentence before the figure, and the figure's own clause before it."""
    sentence = str(row.get("sentence") or "")
    text = str(row.get("text") or "")
    i = sentence.find(text) if text else -1
    if i < 0:
        # Traditional or spaced-out surfaces are not in the Simplified sentence verbatim: the
        # digits of the value are (8 ．8 ％ → 8.8); else take the whole sentence.
        digits = regex.sub(r"\s+", "", text)
        i = sentence.find(digits) if digits else -1
    prefix = sentence[:i] if i >= 0 else sentence
    cut = max(prefix.rfind(c) for c in "，,；;：:。")
    return prefix, prefix[cut + 1:]


def _names_economy_growth(prefix: str, clause: str, tr: TrackRules) -> bool:
    """经济增长速度8% / 经济增长预期目标为7%左右 / 经济增长速度的宏观调控目标，定为百分之八至九."""
    if tr.economy_re.search(clause):
        return True
    # The clause is only a verb (定为, 为): the subject ends the clause before.
    before = prefix[: len(prefix) - len(clause)].rstrip("，,；;：: ")
    return len(clause.strip()) <= 3 and bool(tr.economy_re.search(before))


def _prepare(row: dict, order: int, tr: TrackRules) -> _Claim:
    prefix, clause = _locate(row)
    metric = str(row.get("metric") or "")
    if (metric in ("", tr.economy_metric) and tr.economy_metric and row.get("unit") == "%"
            and row.get("kind") in ("growth", "level")
            and _names_economy_growth(prefix, clause, tr)):
        # A rate of the economy's growth is the growth of its output (经济增长预期为7%左右 is
        # read as a level by the extractor: 增长…为 names the rate reached).
        metric = tr.economy_metric
        row = {**row, "kind": "growth"}
    if any(w in clause for w in tr.average):
        basis = "average"
    elif tr.cumulative.search(prefix):
        basis = "cumulative"
    else:
        basis = "annual"
    prelim = any(w in prefix for w in tr.preliminary)
    if row.get("target") and prelim and _late_in_year(row):
        # 全年预计实现地区生产总值170.98亿元 in a report of 2018-12-25: an estimate of the year
        # nearly over is its (preliminary) outcome, not a goal.
        row = {**row, "target": False}
    return _Claim(row, order, prefix, clause, metric, basis, prelim and not row.get("target"))


def _late_in_year(row: dict) -> bool:
    """Whether the document is dated in the last quarter of the claim's year or later."""
    date = str(row.get("doc_date") or "")
    year = _year(row.get("year"))
    if year is None or len(date) < 7 or not date[:4].isdigit() or not date[5:7].isdigit():
        return False
    return (int(date[:4]), int(date[5:7])) >= (year, 10)


def _closes_range(first: _Claim, second: _Claim, tr: TrackRules) -> bool:
    """Whether ``second`` is the high end of a range that ``first`` opens (6%－6.5%, 百分之八至九)."""
    if first.row.get("doc") != second.row.get("doc") or first.row.get("sentence") != second.row.get("sentence"):
        return False
    sentence = str(first.row.get("sentence") or "")
    t1, t2 = str(first.row.get("text") or ""), str(second.row.get("text") or "")
    i = sentence.find(t1) if t1 else -1
    if i < 0 or not t2:
        return False
    rest = sentence[i + len(t1):]
    m = tr.range_between.match(rest)
    return bool(m) and rest[m.end():].startswith(t2)


def _join_ranges(claims: list[_Claim], tr: TrackRules) -> None:
    """The high end of a range is about what its low end is about (定为百分之八至九: 九 too)."""
    for a, b in zip(claims, claims[1:], strict=False):
        if b.metric in ("", a.metric) and _closes_range(a, b, tr):
            b.metric, b.basis = a.metric, a.basis
            b.row = {**b.row, "kind": a.row.get("kind")}
            b.range_start = a


def _year(v: Any) -> int | None:
    if v is None or v == "":
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else int(f)  # NaN (pandas' missing year) is no year


def _doc_years(claims: list[_Claim]) -> dict[str, int | None]:
    """The own year of each undated document (claims without `doc_date`): the year after the
    results it reports most (a report of March 2019 reviews 2018), else its targets' year.
    A claim with a date takes its year from it (per article: a file may hold several)."""
    results: dict[str, Counter] = defaultdict(Counter)
    targets: dict[str, Counter] = defaultdict(Counter)
    for c in claims:
        if _date_year(c.row) is not None:
            continue
        y = _year(c.row.get("year"))
        if y is not None:
            (targets if c.row.get("target") else results)[str(c.row.get("doc") or "")][y] += 1
    out: dict[str, int | None] = {}
    for doc in {str(c.row.get("doc") or "") for c in claims}:
        if results[doc]:
            out[doc] = results[doc].most_common(1)[0][0] + 1
        elif targets[doc]:
            out[doc] = targets[doc].most_common(1)[0][0]
        else:
            out[doc] = None
    return out


def _date_year(row: dict) -> int | None:
    date = str(row.get("doc_date") or "")
    return int(date[:4]) if date[:4].isdigit() else None


# ---------------------------------------------------------------------------- choosing


def _target_rank(c: _Claim, year: int) -> tuple:
    dy = c.doc_year
    if dy is None:
        return (3, 0, c.order)
    if dy == year:
        return (0, 0, c.order)  # the year's own report
    if dy < year:
        return (1, -dy, c.order)  # a plan set earlier: the latest
    return (2, dy, c.order)  # quoted back later: the earliest


def _outcome_rank(c: _Claim) -> tuple:
    return (c.preliminary, -(c.doc_year or 0), c.order)


def _range_end(first: _Claim, claims: list[_Claim]) -> _Claim | None:
    """The claim that closes a range opened by ``first`` (6%－6.5%), if any."""
    return next((c for c in claims if c.range_start is first), None)


def _status(info: Any, qualifier: str, low: float, high: float, outcome: float | None) -> tuple[str, float | None]:
    if outcome is None:
        return "pending", None
    better = getattr(info, "better", "higher") or "higher"
    tol = getattr(info, "tolerance", None)
    tol = float(tol) if tol is not None else _DEFAULT_TOLERANCE
    slack = tol if qualifier == "approx" else 0.0
    if qualifier in _CAPS:
        bound = high
        ok = outcome <= bound + 1e-9
    elif better == "lower":
        bound = high
        ok = outcome <= bound + slack + 1e-9
    else:
        bound = low
        ok = outcome >= bound - slack - 1e-9
    return ("met" if ok else "missed"), _round(outcome - bound)


def _round(v: float) -> float:
    return float(f"{round(v, 6):.12g}")


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


# ---------------------------------------------------------------------------- public


def track_rows(rows: Iterable[dict], rs: RuleSet | None = None, metrics: Iterable[str] = (),
               regions: Iterable[str] = (), years: tuple[int, int] | None = None,
               kinds: Iterable[str] = ()) -> list[dict]:
    """Target/outcome rows (TRACK_COLUMNS) from claim rows (the columns of `extract`)."""
    rs = rs or default_ruleset()
    tr = track_rules(rs)
    from .catalogue import Catalogue, in_group

    cat = Catalogue.of(rs)
    wanted_metrics = [cat.id_for(m) or m for m in metrics]
    wanted_regions = set(regions)
    wanted_kinds = set(kinds)
    claims = [_prepare(r, i, tr) for i, r in enumerate(rows)]
    _join_ranges(claims, tr)
    years_of = _doc_years(claims)
    groups: dict[tuple, list[_Claim]] = defaultdict(list)
    for c in claims:
        c.doc_year = _date_year(c.row)
        if c.doc_year is None:
            c.doc_year = years_of.get(str(c.row.get("doc") or ""))
        year = _year(c.row.get("year"))
        if not c.metric or year is None or _num(c.row.get("value")) is None:
            continue
        if wanted_metrics and not any(in_group(c.metric, m) for m in wanted_metrics):
            continue
        region = str(c.row.get("region") or "")
        kind = str(c.row.get("kind") or "")
        if wanted_regions and region not in wanted_regions or wanted_kinds and kind not in wanted_kinds:
            continue
        if years and not years[0] <= year <= years[1]:
            continue
        if not c.row.get("target") and c.doc_year is not None and c.doc_year <= year and not _late_in_year(c.row):
            continue  # a result for a year not over when the document was written: no outcome
        if c.basis == "annual" and kind == "growth" and c.row.get("target") and c.doc_year and c.doc_year <= year - 2:
            c.basis = "cumulative"  # a growth set years ahead without 年均: over the whole plan
        key = (region, c.metric, kind, str(c.row.get("unit") or ""), year, c.basis)
        groups[key].append(c)
    out = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2], k[4], _BASES.index(k[5]), k[3])):
        out.append(_row(key, groups[key], cat, tr))
    return out


_BASES = ("annual", "average", "cumulative")


def _row(key: tuple, claims: list[_Claim], cat: Any, tr: TrackRules) -> dict:
    region, metric, kind, unit, year, basis = key
    # A range's high end is read with its low end, never as a target of its own.
    targets = sorted((c for c in claims if c.row.get("target") and c.range_start is None),
                     key=lambda c: _target_rank(c, year))
    outcomes = sorted((c for c in claims if not c.row.get("target")), key=_outcome_rank)
    row: dict[str, Any] = {
        "region": region, "metric": metric, "kind": kind, "year": year, "basis": basis, "unit": unit,
        "target_low": None, "target_high": None, "target_qualifier": "", "target_text": "",
        "target_doc": "", "target_line": None,
        "outcome": None, "outcome_text": "", "outcome_doc": "", "outcome_line": None,
        "status": "no_target", "gap": None,
    }
    outcome = outcomes[0] if outcomes else None
    if outcome is not None:
        row.update(outcome=_num(outcome.row.get("value")), outcome_text=str(outcome.row.get("text") or ""),
                   outcome_doc=str(outcome.row.get("doc") or ""), outcome_line=_year(outcome.row.get("line")))
    if not targets:
        return row
    first = targets[0]
    low = high = _num(first.row.get("value"))
    qualifier = str(first.row.get("qualifier") or "exact")
    text = str(first.row.get("text") or "")
    end = _range_end(first, claims)
    if end is not None:
        v2 = _num(end.row.get("value"))
        low, high = min(low, v2), max(low, v2)
        q2 = str(end.row.get("qualifier") or "exact")
        qualifier = q2 if qualifier == "exact" else qualifier  # 6%-7%左右: the qualifier of the pair
        sentence = str(first.row.get("sentence") or "")
        i = sentence.find(text)
        j = sentence.find(str(end.row.get("text") or ""), i + len(text))
        text = sentence[i:j + len(str(end.row.get("text") or ""))] if i >= 0 and j >= 0 else text
    row.update(target_low=low, target_high=high, target_qualifier=qualifier, target_text=text,
               target_doc=str(first.row.get("doc") or ""), target_line=_year(first.row.get("line")))
    info = cat.info.get(metric)
    row["status"], row["gap"] = _status(info, qualifier, low, high, row["outcome"])
    return row


def track(source: Any, rules: Iterable[str | Path] = (), metric: str | Iterable[str] | None = None,
          region: str | Iterable[str] | None = None, year: int | tuple[int, int] | str | None = None,
          kind: str | Iterable[str] | None = None, encoding: str | None = None, jobs: int | None = None) -> pd.DataFrame:
    """Targets against outcomes as a DataFrame (TRACK_COLUMNS).

    ``source`` is a path, a list of paths (documents, directories, or files written by
    `govmetrics extract`), or a DataFrame of claims with the columns of `extract`."""
    import pandas as pd

    from .rules import cached_ruleset

    rs = cached_ruleset(tuple(str(r) for r in rules))
    rows = claim_rows(source, rules, encoding, jobs)
    out = track_rows(rows, rs, _as_list(metric), _as_list(region), _year_range(year), _as_list(kind))
    df = pd.DataFrame(out, columns=TRACK_COLUMNS)
    for c in ("year", "target_line", "outcome_line"):
        df[c] = df[c].astype("Int64")
    for c in ("target_low", "target_high", "outcome", "gap"):
        df[c] = df[c].astype("float64")
    return df


def claim_rows(source: Any, rules: Iterable[str | Path] = (), encoding: str | None = None,
               jobs: int | None = None, warn: Any = None, report: Any = None) -> list[dict]:
    """Claim rows from a DataFrame, claims files written by `extract`, or documents."""
    if hasattr(source, "to_dict") and hasattr(source, "columns"):
        records = source.to_dict("records")
        return [{k: (None if _is_missing(v) else v) for k, v in r.items()} for r in records]
    paths = [str(source)] if isinstance(source, str | Path) else [str(p) for p in source]
    from .api import iter_claims
    from .diff import read_claims_file

    rows: list[dict] = []
    docs: list[str] = []
    for p in paths:
        got = read_claims_file(p) if p != "-" and Path(p).is_file() else None
        if got is not None:
            rows.extend(got)
        else:
            docs.append(p)
    if docs:
        kw = {"jobs": jobs} if jobs is not None else {}
        rows.extend(c.as_dict() for c in iter_claims(docs, tuple(str(r) for r in rules), encoding, warn, report, **kw))
    return rows


def _is_missing(v: Any) -> bool:
    try:
        return v is None or v != v or type(v).__name__ == "NAType"
    except (TypeError, ValueError):
        return False


def _as_list(v: str | Iterable[str] | None) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [x.strip() for x in v.split(",") if x.strip()]
    return [str(x) for x in v]


def _year_range(year: int | tuple[int, int] | str | None) -> tuple[int, int] | None:
    if year is None or year == "":
        return None
    if isinstance(year, int):
        return (year, year)
    if isinstance(year, tuple):
        return (int(year[0]), int(year[1]))
    from .filters import parse_years

    return parse_years(str(year))


__all__ = ["TRACK_COLUMNS", "TRACK_TABLE_COLUMNS", "STATUSES", "KINDS", "track", "track_rows", "claim_rows", "track_rules"]
