"""Extract files in worker processes, streaming claims back in input order.

One pool per run, started once: each worker compiles the rule set once (with the
``fork`` start method it inherits the parent's already compiled rules), then takes
one file at a time. The parent keeps at most ``window`` files in flight and yields
each file's claims as soon as it and every file before it are done, so the output is
byte-identical to a one-process run and memory does not grow with the number of
files. Warnings raised while extracting a file (rule timeouts) are collected in the
worker and replayed through ``warn`` when that file's claims are yielded; unreadable
files are reported exactly as in a one-process run and the run goes on.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

# multiprocessing and concurrent.futures are imported when a pool starts: a --jobs 1 run
# never pays for them (~15 ms of start-up).
if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .api import RunReport
    from .claim import Claim

Warn = Callable[[str], None]

_rules_key: tuple[str, ...] = ()


def default_jobs() -> int:
    """Worker processes when the caller does not say: one per CPU."""
    return os.cpu_count() or 1


def resolve_jobs(jobs: int | None) -> int:
    if jobs is None or jobs == 0:
        return default_jobs()
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        raise ValueError(f"jobs must be a positive integer or None, not {jobs!r}")
    return jobs


def _init_worker(rules_key: tuple[str, ...]) -> None:
    global _rules_key
    from .rules import cached_ruleset

    _rules_key = rules_key
    cached_ruleset(rules_key)  # compiled once per worker (a no-op after fork)


def _work(name: str, encoding: str | None, text: str | None) -> tuple[str, object, list[str]]:
    """Extract one input in a worker: ("ok", claims, warnings) or ("skipped", message, warnings)."""
    from .api import extract_document
    from .readers import InputError
    from .rules import cached_ruleset

    warnings: list[str] = []
    rs = cached_ruleset(_rules_key)
    try:
        return "ok", extract_document(name, encoding, rs, warnings.append, text), warnings
    except InputError as e:
        return "skipped", str(e), warnings


def _context():
    import multiprocessing

    # fork: workers start in milliseconds and share the compiled rules; elsewhere spawn.
    if sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def iter_claims_parallel(
    items: Iterable[object],
    rules_key: tuple[str, ...],
    encoding: str | None,
    warn: Warn,
    report: RunReport,
    jobs: int,
    window: int | None = None,
) -> Iterator[Claim]:
    """Claims of ``items`` (paths or InputError, from ``iter_inputs``) extracted by ``jobs`` processes."""
    from .readers import InputError, read_document

    window = window or 2 * jobs
    # ("error", message), ("skip", message) or ("job", Future), in input order
    pending: deque[tuple[str, object]] = deque()
    executor: ProcessPoolExecutor | None = None

    def drain_one() -> Iterator[Claim]:
        kind, payload = pending.popleft()
        if kind == "error":  # an input that does not exist: reported as iter_claims does
            warn(str(payload))
            report.skipped.append(str(payload))
            return
        if kind == "skip":  # stdin that could not be decoded
            warn(f"skipped {payload}")
            report.skipped.append(str(payload))
            return
        status, result, warnings = payload.result()  # type: ignore[union-attr]
        for w in warnings:
            warn(w)
        if status == "skipped":
            warn(f"skipped {result}")
            report.skipped.append(str(result))
            return
        report.read += 1
        yield from result  # type: ignore[misc]

    try:
        for item in items:
            if isinstance(item, InputError):
                pending.append(("error", str(item)))
            else:
                name = str(item)
                text = None
                if name == "-":  # stdin belongs to this process: read it here
                    try:
                        text = read_document(name, encoding).text
                    except InputError as e:
                        pending.append(("skip", str(e)))
                        continue
                if executor is None:
                    from concurrent.futures import ProcessPoolExecutor

                    executor = ProcessPoolExecutor(
                        max_workers=jobs, mp_context=_context(),
                        initializer=_init_worker, initargs=(rules_key,),
                    )
                fut: Future = executor.submit(_work, name, encoding, text)
                pending.append(("job", fut))
            while len(pending) > window or (pending and pending[0][0] != "job"):
                yield from drain_one()
        while pending:
            yield from drain_one()
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
