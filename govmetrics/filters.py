"""Row filters for `govmetrics extract`: --metric, --kind, --target/--actual, --year,
--unit, --where and --columns.

Everything except --where works on one claim row (a dict with the COLUMNS keys) at a
time, so output still streams. --where is a pandas expression; it is evaluated once per
document (a batch of consecutive rows with the same ``doc``), never per row, and pandas
is imported only when it is used.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .claim import COLUMNS

if TYPE_CHECKING:
    from .catalogue import Catalogue

KINDS = ("level", "growth", "share", "rank")
_MAGNITUDES_DEFAULT = ("万亿", "亿", "万", "千", "百", "十")


class FilterError(ValueError):
    """A filter option is invalid. str() is a one-line message naming the option."""


def split_list(values: Iterable[str]) -> list[str]:
    """Repeatable options that also accept commas: ('gdp,cpi', 'exports') -> [gdp, cpi, exports]."""
    out: list[str] = []
    for v in values:
        for item in str(v).split(","):
            item = item.strip()
            if item and item not in out:
                out.append(item)
    return out


def parse_years(spec: str | None) -> tuple[int, int] | None:
    """'2025' -> (2025, 2025); '2021-2025' -> (2021, 2025); None -> None."""
    if spec is None:
        return None
    s = str(spec).strip().replace("–", "-").replace("—", "-").replace("..", "-")
    parts = s.split("-")
    try:
        if len(parts) == 1:
            lo = hi = int(parts[0])
        elif len(parts) == 2:
            lo, hi = int(parts[0]), int(parts[1])
        else:
            raise ValueError
    except ValueError:
        raise FilterError(f"--year: expected a year (2025) or a range (2021-2025), not {spec!r}") from None
    if lo > hi:
        raise FilterError(f"--year: the range {spec!r} ends before it starts")
    return lo, hi


def parse_columns(spec: str | None, available: Sequence[str] = COLUMNS) -> list[str]:
    """'doc,value,unit' -> ['doc', 'value', 'unit'], checked against the known columns."""
    if spec is None:
        return list(available)
    cols = [c.strip() for c in str(spec).split(",") if c.strip()]
    if not cols:
        raise FilterError("--columns: no column given")
    for c in cols:
        if c not in available:
            raise FilterError(f"--columns: unknown column {c!r} (known: {','.join(available)})")
    dup = [c for c in cols if cols.count(c) > 1]
    if dup:
        raise FilterError(f"--columns: column {dup[0]!r} is listed twice")
    return cols


@dataclass(frozen=True)
class RowFilter:
    """The per-row filters. An empty tuple / None means "no condition"."""

    metrics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    target: bool | None = None
    years: tuple[int, int] | None = None
    units: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.metrics or self.kinds or self.target is not None or self.years or self.units)

    def __call__(self, row: dict) -> bool:
        if self.metrics and row.get("metric") not in self.metrics:
            return False
        if self.kinds and row.get("kind") not in self.kinds:
            return False
        if self.target is not None and bool(row.get("target")) != self.target:
            return False
        if self.years:
            y = row.get("year")
            if y is None or y == "" or not (self.years[0] <= int(y) <= self.years[1]):
                return False
        return not (self.units and row.get("unit") not in self.units)


def make_row_filter(
    metrics: Iterable[str] = (),
    kinds: Iterable[str] = (),
    target: bool | None = None,
    year: str | None = None,
    units: Iterable[str] = (),
    known_metrics: Iterable[str] | None = None,
    catalogue: Catalogue | None = None,
    unit_table: Mapping[str, tuple[str, float]] | None = None,
    magnitudes: Iterable[str] = _MAGNITUDES_DEFAULT,
) -> RowFilter:
    """Build and validate a RowFilter from the CLI's option values.

    With a ``catalogue``, each --metric value may be an id, a group prefix (`value_added`,
    `industrial_value_added` with its dotted children) or any Chinese alias; it is expanded
    to the ids it selects. Without one, values are ids checked against ``known_metrics``."""
    ms = split_list(metrics)
    if catalogue is not None:
        ids: list[str] = []
        for m in ms:
            found = catalogue.resolve(m)
            if not found:
                close = catalogue.suggest(m)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise FilterError(f"--metric: unknown metric {m!r}{hint}: give an id, a group prefix or an alias "
                                  "(see `govmetrics metrics`)")
            ids.extend(i for i in found if i not in ids)
        ms = ids
    elif known_metrics is not None:
        known = set(known_metrics)
        for m in ms:
            if m not in known:
                raise FilterError(f"--metric: unknown metric {m!r} (see `govmetrics metrics` for the catalogue)")
    ks = split_list(kinds)
    for k in ks:
        if k not in KINDS:
            raise FilterError(f"--kind: unknown kind {k!r} (known: {', '.join(KINDS)})")
    us = split_list(units)
    if unit_table is not None:
        us = list(dict.fromkeys(base_unit(u, unit_table, magnitudes) for u in us))
    return RowFilter(tuple(ms), tuple(ks), target, parse_years(year), tuple(us))


# Names for the percent sign a user may type on a keyboard without it.
_UNIT_WORDS = {"percent": "%", "pct": "%", "percentage": "%", "％": "%", "pp": "个百分点", "permille": "‰"}
_MAGNITUDES = _MAGNITUDES_DEFAULT


def base_unit(word: str, unit_table: Mapping[str, tuple[str, float]],
              magnitudes: Iterable[str] = _MAGNITUDES) -> str:
    """The base unit claims carry for a unit as a user types it: 亿元 → 元, 万人 → 人,
    percent → %, 元/人 → 元/人. Raise FilterError for a unit the rules do not know."""
    w = _UNIT_WORDS.get(word.strip().lower(), word.strip())
    bases = {b for b, _ in unit_table.values()}

    def one(part: str) -> str | None:
        if part in bases:
            return part
        if part in unit_table:
            return unit_table[part][0]
        for m in sorted(magnitudes, key=len, reverse=True):  # 亿元, 万人, 万吨: a magnitude, then a unit
            if part.startswith(m) and len(part) > len(m):
                rest = one(part[len(m):])
                if rest:
                    return rest
        return None

    if "/" in w:
        parts = [one(x) or (x if x and not x[0].isdigit() else None) for x in w.split("/")]
        if parts[0] and all(parts):
            return "/".join(parts)  # type: ignore[arg-type]
    found = one(w)
    if found is None:
        common = ", ".join(["元", "%", "个百分点", "人", "万元 (= 元)", "percent (= %)"])
        raise FilterError(f"--unit: unknown unit {word!r} (units are those of the rules, e.g. {common})")
    return found


# ---------------------------------------------------------------------------- --where


def _frame(rows: list[dict]) -> Any:
    import pandas as pd

    df = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("start", "end", "line"):
        df[c] = df[c].astype("int64")
    df["value"] = df["value"].astype("float64")
    df["target"] = df["target"].astype(bool)
    df["year"] = df["year"].astype("Int64")
    return df


_SAMPLE = {
    "doc": "a.txt", "doc_date": "2021-03-01", "start": 0, "end": 1, "line": 1, "text": "1个", "value": 1.0, "unit": "个",
    "qualifier": "exact", "kind": "level", "target": False, "year": 2020, "region": "黄埔区",
    "metric": "gdp", "subject": "", "sentence": "", "rule": "quantity",
}


_BOOL_WORDS = {"true": "True", "false": "False", "yes": "True", "no": "False", "1": "True", "0": "False"}
_TARGET_CMP = re.compile(r"""\b(target\s*(?:==|!=)\s*)(['"]?)(true|false|yes|no|1|0)\2(?![\w.])""", re.I)
_CMP_TARGET = re.compile(r"""(?<![\w.])(['"]?)(true|false|yes|no)\1(\s*(?:==|!=)\s*target\b)""", re.I)


def _booleans(expr: str) -> str:
    """``target == 'true'`` (as CSV writes it), ``target == true``, ``target == 1``: the
    boolean the column holds, so the comparison means what the user meant."""
    expr = _TARGET_CMP.sub(lambda m: m.group(1) + _BOOL_WORDS[m.group(3).lower()], expr)
    return _CMP_TARGET.sub(lambda m: _BOOL_WORDS[m.group(2).lower()] + m.group(3), expr)


class WhereFilter:
    """A pandas boolean expression over the claim columns, e.g. ``value > 1e10 and unit == '元'``."""

    def __init__(self, expr: str) -> None:
        self.expr = _booleans(expr.strip())
        if not self.expr:
            raise FilterError("--where: empty expression")
        # Fail at start-up, not half-way through a run: try the expression on sample rows
        # (one with a year, one without) with the real column types.
        self.mask([_SAMPLE, {**_SAMPLE, "year": None, "target": True}])

    def mask(self, rows: list[dict]) -> list[bool]:
        if not rows:
            return []
        df = _frame(rows)
        try:
            res = df.eval(self.expr, engine="python")
        except Exception as e:  # pandas raises many kinds: SyntaxError, UndefinedVariableError, TypeError …
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise FilterError(f"--where: cannot evaluate {self.expr!r}: {msg}") from None
        if isinstance(res, bool) or type(res).__name__ == "bool_":
            return [bool(res)] * len(rows)
        import pandas as pd

        if not isinstance(res, pd.Series) or len(res) != len(rows):
            raise FilterError(f"--where: {self.expr!r} is not a condition (it must give true or false for each claim)")
        if res.dtype == object or not (pd.api.types.is_bool_dtype(res.dtype)):
            raise FilterError(f"--where: {self.expr!r} is not a condition (it must give true or false for each claim)")
        return [bool(v) for v in res.fillna(False)]

    def apply(self, rows: list[dict]) -> list[dict]:
        return [r for r, keep in zip(rows, self.mask(rows), strict=True) if keep]


def filter_rows(
    rows: Iterable[dict],
    row_filter: Callable[[dict], bool] | None = None,
    where: WhereFilter | None = None,
) -> Iterator[dict]:
    """Apply the per-row filter as rows stream by, then --where per document batch."""
    if row_filter:
        rows = (r for r in rows if row_filter(r))
    if where is None:
        yield from rows
        return
    for _, batch in itertools.groupby(rows, key=lambda r: r.get("doc")):
        yield from where.apply(list(batch))
