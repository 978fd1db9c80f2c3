"""The library entry points over files: documents in, claims (or a DataFrame) out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
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


def extract_document(name: str, encoding: str | None, rs: RuleSet, warn: Callable[[str], None],
                     text: str | None = None) -> list[Claim]:
    """Read and extract one input. Any failure, ours included, becomes an InputError naming
    the file, so one bad document is skipped with a warning and never stops a cron run."""
    doc_name = name
    try:
        if text is None:
            doc = read_document(name, encoding)
            text, doc_name = doc.text, doc.name
        return extract_text(text, doc=doc_name, rules=rs, warn=warn)
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - isolate the document, report it, go on
        raise InputError(f"{name}: internal error while extracting ({type(e).__name__}: {e}); please report it") from None



def iter_claims(
    paths: Iterable[str],
    rules: Iterable[str | Path] = (),
    encoding: str | None = None,
    warn: Callable[[str], None] | None = None,
    report: RunReport | None = None,
    jobs: int | None = None,
) -> Iterator[Claim]:
    """Claims of every input in order; unreadable inputs are reported through ``warn``.

    ``jobs`` worker processes extract files in parallel (default: one per CPU; 1 runs
    everything in this process). The output, the warnings and ``report`` are the same
    for any ``jobs``; claims stream out as files finish, in input order.
    """
    from .parallel import resolve_jobs

    rules_key = tuple(str(r) for r in rules)
    rs = cached_ruleset(rules_key)
    warn = warn or (lambda msg: None)
    report = report if report is not None else RunReport()
    jobs = resolve_jobs(jobs)
    items = iter_inputs(list(paths))
    if jobs > 1:
        head = list(islice(items, 2))
        items = chain(head, items)
        if sum(not isinstance(x, InputError) for x in head) > 1:  # one file: no pool
            from .parallel import iter_claims_parallel

            yield from iter_claims_parallel(items, rules_key, encoding, warn, report, jobs)
            return
    for item in items:
        if isinstance(item, InputError):
            warn(str(item))
            report.skipped.append(str(item))
            continue
        try:
            claims = extract_document(item, encoding, rs, warn)
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


def extract(paths: str | Iterable[str], rules: Iterable[str | Path] = (), encoding: str | None = None,
            jobs: int | None = None) -> pd.DataFrame:
    """Extract claims from files/directories into a DataFrame with the CSV's columns."""
    if isinstance(paths, str | Path):
        paths = [str(paths)]
    return to_frame(iter_claims([str(p) for p in paths], rules, encoding, jobs=jobs))
