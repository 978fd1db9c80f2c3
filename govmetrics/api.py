"""The library entry points over files: documents in, claims (or a DataFrame) out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .claim import COLUMNS, Claim
from .extractor import extract_text
from .readers import InputError, iter_inputs, read_document
from .rules import RuleSet, cached_ruleset

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class RunReport:
    """What happened to the inputs of a run: the CLI turns it into the exit status."""

    skipped: list[str] = field(default_factory=list)
    read: int = 0


def _extract_one(name: str, encoding: str | None, rs: RuleSet, warn: Callable[[str], None]) -> list[Claim]:
    doc = read_document(name, encoding)
    return extract_text(doc.text, doc=doc.name, rules=rs, warn=warn)


def iter_claims(
    paths: Iterable[str],
    rules: Iterable[str | Path] = (),
    encoding: str | None = None,
    warn: Callable[[str], None] | None = None,
    report: RunReport | None = None,
) -> Iterator[Claim]:
    """Claims of every input in order; unreadable inputs are reported through ``warn``."""
    rs = cached_ruleset(tuple(str(r) for r in rules))
    warn = warn or (lambda msg: None)
    report = report if report is not None else RunReport()
    for item in iter_inputs(list(paths)):
        if isinstance(item, InputError):
            warn(str(item))
            report.skipped.append(str(item))
            continue
        try:
            claims = _extract_one(item, encoding, rs, warn)
        except InputError as e:
            warn(f"skipped {e}")
            report.skipped.append(str(e))
            continue
        report.read += 1
        yield from claims


def to_frame(claims: Iterable[Claim]) -> pd.DataFrame:
    import pandas as pd

    rows = [c.as_dict() for c in claims]
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["target"] = df["target"].astype(bool)
    return df


def extract(paths: str | Iterable[str], rules: Iterable[str | Path] = (), encoding: str | None = None) -> pd.DataFrame:
    """Extract claims from files/directories into a DataFrame with the CSV's columns."""
    if isinstance(paths, str | Path):
        paths = [str(paths)]
    return to_frame(iter_claims([str(p) for p in paths], rules, encoding))
