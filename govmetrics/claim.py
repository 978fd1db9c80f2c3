"""The Claim record: one row of output (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS = [
    "doc", "start", "end", "line", "text", "value", "unit", "qualifier", "kind",
    "target", "year", "metric", "subject", "sentence", "rule",
]


@dataclass
class Claim:
    doc: str
    start: int
    end: int
    line: int
    text: str
    value: float
    unit: str
    qualifier: str
    kind: str
    target: bool
    year: int | None
    metric: str
    subject: str
    sentence: str
    rule: str

    def as_dict(self) -> dict:
        # Every field is a scalar: a shallow copy is the whole row (dataclasses.asdict
        # deep-copies field by field, a tenth of the run time on a large corpus).
        return dict(self.__dict__)
