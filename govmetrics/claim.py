"""The Claim record: one row of output (SPEC §2)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
        return asdict(self)
