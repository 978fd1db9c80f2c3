"""Look-ups in the indicator catalogue (rules/metrics.yaml, SPEC §5).

Ids are dotted paths that compose a group and a measure (`value_added.primary`,
`industry_above_scale.profit`, `income.disposable.urban`). An id is also the group of the
ids below it: `industrial_value_added` holds `industrial_value_added.above_scale`, so a
filter on the group finds every series of it.

    cat = Catalogue.of(ruleset)
    cat.id_for("规模以上工业增加值")      -> "industrial_value_added.above_scale"
    cat.find("全市规模以上工业增加值增长") -> Hit(id, alias, start, end)
    cat.name("gdp")                      -> "Gross domestic product"
    cat.resolve("工业增加值")             -> ("industrial_value_added", "industrial_value_added.above_scale")
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from .patterns import compiled
from .rules import MetricInfo, derived

if TYPE_CHECKING:
    from .rules import RuleSet


def alias_alternation(words: Iterable[str]) -> str:
    """One regex alternative per alias, longest first. An alias that begins or ends with a Latin
    letter or digit (GDP, M1, PM2.5, 5G基站) matches only where the text does not go on with
    another one: M1 is not inside PM10, GDP not inside GDPR."""
    parts = []
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        pre = r"(?<![A-Za-z0-9.])" if w[:1].isascii() and w[:1].isalnum() else ""
        post = r"(?![A-Za-z0-9])" if w[-1:].isascii() and w[-1:].isalnum() else ""
        parts.append(f"{pre}{regex.escape(w)}{post}")
    return "|".join(parts) or "(?!)"


@dataclass(frozen=True, slots=True)
class Hit:
    """An alias found in a text: the id it names and where it stands."""

    id: str
    alias: str
    start: int
    end: int


def group_of(mid: str) -> str:
    """The top-level group of an id: `value_added.primary` -> `value_added`; `gdp` -> `gdp`."""
    return mid.split(".", 1)[0]


def parent_of(mid: str) -> str:
    """The id one level up (`a.b.c` -> `a.b`); empty for a top-level id."""
    return mid.rpartition(".")[0]


def in_group(mid: str, prefix: str) -> bool:
    """Whether ``mid`` is ``prefix`` itself or one of the ids below it (a whole dotted step)."""
    return mid == prefix or mid.startswith(prefix + ".")


class Catalogue:
    """The indicators of a rule set, with look-ups by id, alias and text."""

    def __init__(self, info: dict[str, MetricInfo]) -> None:
        self.info = info
        # A later id wins a shared alias, as in the matcher (a user file overrides the shipped one).
        self.alias_to_id: dict[str, str] = {a: mid for mid, m in info.items() for a in m.aliases}
        self._re = compiled(alias_alternation(self.alias_to_id))

    @classmethod
    def of(cls, rs: RuleSet) -> Catalogue:
        """The catalogue of a rule set (built once per rule set)."""
        return _catalogue_for(rs)

    def __len__(self) -> int:
        return len(self.info)

    def __contains__(self, mid: object) -> bool:
        return mid in self.info

    def ids(self) -> list[str]:
        return list(self.info)

    def id_for(self, name: str) -> str | None:
        """The id whose alias is exactly ``name`` (or ``name`` when it is an id); else None."""
        name = name.strip()
        if name in self.alias_to_id:
            return self.alias_to_id[name]
        return name if name in self.info else None

    def find_all(self, text: str) -> list[Hit]:
        """Every alias in ``text``, left to right, the longest at each place, not overlapping."""
        return [Hit(self.alias_to_id[m.group()], m.group(), m.start(), m.end()) for m in self._re.finditer(text)]

    def find(self, text: str) -> Hit | None:
        """The longest alias found in ``text`` (the leftmost among equally long ones)."""
        hits = self.find_all(text)
        return max(hits, key=lambda h: (h.end - h.start, -h.start)) if hits else None

    def last(self, text: str) -> Hit | None:
        """The alias that ends last in ``text`` (the name nearest before a figure)."""
        hits = self.find_all(text)
        return hits[-1] if hits else None

    def name(self, mid: str) -> str:
        """The English name of an id; empty when unknown or not given."""
        m = self.info.get(mid)
        return m.name if m else ""

    def aliases(self, mid: str) -> list[str]:
        m = self.info.get(mid)
        return list(m.aliases) if m else []

    def group(self, mid: str) -> str:
        return group_of(mid)

    def members(self, prefix: str) -> tuple[str, ...]:
        """The ids in the group ``prefix`` (the id itself and every id below it), file order."""
        return tuple(mid for mid in self.info if in_group(mid, prefix))

    def resolve(self, value: str) -> tuple[str, ...]:
        """The ids a user's `--metric VALUE` selects: an id or group prefix (with or without a
        trailing `.` / `.*`) selects it and every id below it; an alias selects the id it names
        and the ids below that. Empty when nothing matches."""
        v = value.strip()
        if v.endswith(".*"):
            v = v[:-2]
        v = v.rstrip(".")
        if not v:
            return ()
        found = self.members(v)
        if found:
            return found
        mid = self.alias_to_id.get(v)
        return self.members(mid) if mid else ()

    def suggest(self, value: str, n: int = 3) -> list[str]:
        """Close ids for an unknown --metric value (for the error message)."""
        import difflib

        return difflib.get_close_matches(value, list(self.info), n=n)


@derived
def _catalogue_for(rs: RuleSet) -> Catalogue:
    return Catalogue(rs.metric_info)
