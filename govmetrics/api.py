"""The library entry points over files: documents in, claims (or a DataFrame) out."""

from __future__ import annotations

import warnings
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
    ignored: list[str] = field(default_factory=list)  # files govmetrics wrote, met among the inputs


def extract_document(name: str, encoding: str | None, rs: RuleSet, warn: Callable[[str], None],
                     text: str | None = None, progress: Callable[[int, int, int], None] | None = None) -> list[Claim]:
    """Read and extract one input. Any failure, ours included, becomes an InputError naming
    the file, so one bad document is skipped with a warning and never stops a cron run."""
    doc_name = name
    try:
        if text is None:
            doc = read_document(name, encoding)
            text, doc_name = doc.text, doc.name
        return extract_text(text, doc=doc_name, rules=rs, warn=warn, progress=progress)
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - isolate the document, report it, go on
        raise InputError(f"{name}: internal error while extracting ({type(e).__name__}: {e}); please report it") from None



class SkippedInputWarning(UserWarning):
    """An input was skipped (unreadable, not a document); the message names it and says why."""


def _python_warn(msg: str) -> None:
    warnings.warn(msg, SkippedInputWarning, stacklevel=4)


ERRORS = ("warn", "raise", "ignore")


def _rules_key(rules: RuleSet | str | Path | Iterable[str | Path] | None) -> tuple[str, ...] | RuleSet:
    if rules is None:
        return ()
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, str | Path):
        return (str(rules),)
    return tuple(str(r) for r in rules)


def _documents(items: Iterable[str | InputError], warn: Callable[[str], None],
               report: RunReport) -> Iterator[str | InputError]:
    """``items`` less the files govmetrics itself wrote (a claims file in the folder being
    read, e.g. from `-o reports/claims.csv`): those are named in a warning and left out
    without counting as skipped, so a cron run over its own output folder stays clean."""
    from .diff import is_govmetrics_output

    for item in items:
        if not isinstance(item, InputError) and item != "-":
            why = is_govmetrics_output(item)
            if why:
                warn(f"ignored {item}: {why} written by govmetrics, not a document")
                report.ignored.append(item)
                continue
        yield item


def iter_claims(
    paths: Iterable[str],
    rules: RuleSet | str | Path | Iterable[str | Path] | None = (),
    encoding: str | None = None,
    warn: Callable[[str], None] | None = None,
    report: RunReport | None = None,
    jobs: int | None = None,
    errors: str = "warn",
    progress: Callable[[str], Callable[[int, int, int], None] | None] | None = None,
) -> Iterator[Claim]:
    """Claims of every input in order; unreadable inputs are reported through ``warn``
    (default: a Python ``SkippedInputWarning`` naming the file and why).

    ``rules`` is a loaded RuleSet or extra rule files/directories. ``errors="raise"``
    raises InputError at the first input that cannot be read instead of skipping it;
    ``errors="ignore"`` skips silently. ``jobs`` processes extract files in parallel:
    this one and ``jobs - 1`` workers (default: one per CPU; 1 runs everything in this
    process; a RuleSet object always runs here). ``progress(path)`` may return a callback
    that follows the extraction of that file (only when no worker processes run). The
    output, the warnings and ``report`` are the same for any ``jobs``; claims stream out
    as files finish, in input order.
    """
    from .parallel import resolve_jobs

    if errors not in ERRORS:
        raise ValueError(f"errors must be one of {', '.join(ERRORS)}, not {errors!r}")
    key = _rules_key(rules)
    rs = key if isinstance(key, RuleSet) else cached_ruleset(key)
    if errors == "ignore":
        warn = lambda msg: None  # noqa: E731
    warn = warn or _python_warn
    report = report if report is not None else RunReport()
    # errors="raise" and a RuleSet object run here: the first failure stops the run; an
    # object cannot be handed to worker processes by name.
    jobs = 1 if isinstance(key, RuleSet) or errors == "raise" else resolve_jobs(jobs)
    items = _documents(iter_inputs(list(paths)), warn, report)
    if jobs > 1:
        head = list(islice(items, 2))
        items = chain(head, items)
        if sum(not isinstance(x, InputError) for x in head) > 1:  # one file: no pool
            from .parallel import iter_claims_parallel

            yield from iter_claims_parallel(items, key, rs, encoding, warn, report, jobs)  # type: ignore[arg-type]
            return
    for item in items:
        if isinstance(item, InputError):
            if errors == "raise":
                raise item
            warn(str(item))
            report.skipped.append(str(item))
            continue
        try:
            claims = extract_document(item, encoding, rs, warn, progress=progress(item) if progress else None)
        except InputError as e:
            if errors == "raise":
                raise
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


def extract(paths: str | Path | Iterable[str | Path], rules: RuleSet | str | Path | Iterable[str | Path] | None = (),
            encoding: str | None = None, jobs: int | None = None, errors: str = "warn") -> pd.DataFrame:
    """Extract claims from files/directories into a DataFrame with the CSV's columns.

    An input that cannot be read is skipped with a ``SkippedInputWarning`` naming it
    and the reason (``errors="warn"``), raises InputError (``errors="raise"``) or is
    skipped silently (``errors="ignore"``)."""
    if isinstance(paths, str | Path):
        paths = [str(paths)]
    return to_frame(iter_claims([str(p) for p in paths], rules, encoding, jobs=jobs, errors=errors))
