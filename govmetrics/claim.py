"""The Claim record: one row of output (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS = [
    "doc", "doc_date", "start", "end", "line", "text", "value", "unit", "qualifier", "kind",
    "target", "year", "region", "metric", "subject", "sentence", "rule",
]


@dataclass
class Claim:
    doc: str
    doc_date: str  # the document's (article's) own date: 2021-03-01, 2021-03, 2021 or ""
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
    region: str  # the jurisdiction the figure is about (黄埔区, 全国), "" when the text never says
    metric: str
    subject: str
    sentence: str
    rule: str

    def as_dict(self) -> dict:
        # Every field is a scalar: a shallow copy is the whole row (dataclasses.asdict
        # deep-copies field by field, a tenth of the run time on a large corpus).
        return dict(self.__dict__)
