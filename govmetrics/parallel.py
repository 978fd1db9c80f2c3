"""Extract files in worker processes and in this one, streaming claims back in input order.

One pool per run, started once, of ``jobs - 1`` worker processes: this process extracts
files too instead of waiting for them (it would otherwise idle while the workers run and
compete with them for the CPUs only to unpickle and write). With the ``fork`` start method
the workers inherit the compiled rules and the tables this process built before starting
them; each takes one file at a time. The files are handed out in input order: the pool is
kept busy with up to two files per worker, and this process takes the next one whenever it
is free. (Files handed to the pool stay there: ProcessPoolExecutor marks a file running as
it queues it for a worker, so it can no longer be cancelled and taken back.) At most ``window``
files are in flight; each file's claims are yielded as soon as it and every file before it
are done, so the output is byte-identical to a one-process run and memory does not grow
with the number of files. Warnings raised while extracting a file (rule timeouts) are
collected and replayed through ``warn`` when that file's claims are yielded; unreadable
files are reported exactly as in a one-process run and the run goes on.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from operator import attrgetter
from typing import TYPE_CHECKING

from .claim import Claim

# multiprocessing and concurrent.futures are imported when a pool starts: a --jobs 1 run
# never pays for them (~15 ms of start-up).
if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .api import RunReport
    from .rules import RuleSet

Warn = Callable[[str], None]
# What became of one file: ("ok", claims, warnings), ("skipped", message, warnings), or, for a
# file this process extracted, ("raise", the exception, []) to raise in its turn.
Outcome = tuple[str, object, list[str]]

_rules_key: tuple[str, ...] = ()
# A worker sends each claim back as the tuple of its fields: pickling and unpickling
# Claim objects costs ~3x as much (~50 ms over the national corpus, most of it here).
_fields = attrgetter(*(f.name for f in fields(Claim)))


def default_jobs() -> int:
    """Processes (this one and its workers) when the caller does not say: one per CPU."""
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


def _extract(name: str, encoding: str | None, text: str | None, rs: RuleSet) -> Outcome:
    from .api import extract_document
    from .readers import InputError

    warnings: list[str] = []
    try:
        return "ok", extract_document(name, encoding, rs, warnings.append, text), warnings
    except InputError as e:
        return "skipped", str(e), warnings


def _work(name: str, encoding: str | None, text: str | None) -> Outcome:
    """Extract one input in a worker, its claims as tuples of their fields."""
    from .rules import cached_ruleset

    status, result, warnings = _extract(name, encoding, text, cached_ruleset(_rules_key))
    if status == "ok":
        result = [_fields(c) for c in result]  # type: ignore[attr-defined]
    return status, result, warnings


def _context():
    import multiprocessing

    # fork: workers start in milliseconds and share the compiled rules; elsewhere spawn.
    if sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Slot:
    """One input in flight. A file is queued until this process extracts it (``outcome``)
    or hands it to the pool (``future``); an input that could not be read has its warning
    and the entry for the report's skipped list (``error``)."""

    __slots__ = ("error", "future", "name", "outcome", "text")

    def __init__(self, name: str = "", text: str | None = None, error: tuple[str, str] | None = None) -> None:
        self.name, self.text, self.error = name, text, error
        self.future: Future | None = None
        self.outcome: Outcome | None = None

    @property
    def queued(self) -> bool:
        return self.error is None and self.future is None and self.outcome is None

    @property
    def busy(self) -> bool:
        """In the pool, not finished."""
        return self.future is not None and not self.future.done()

    @property
    def ready(self) -> bool:
        return self.error is not None or self.outcome is not None or (self.future is not None and self.future.done())


def iter_claims_parallel(
    items: Iterable[object],
    rules_key: tuple[str, ...],
    encoding: str | None,
    warn: Warn,
    report: RunReport,
    jobs: int,
    window: int | None = None,
) -> Iterator[Claim]:
    """Claims of ``items`` (paths or InputError, from ``iter_inputs``) extracted by ``jobs``
    processes: this one and ``jobs - 1`` workers."""
    from .normalize import prepare
    from .readers import InputError, read_document
    from .rules import cached_ruleset

    rs = cached_ruleset(rules_key)
    workers = max(1, jobs - 1)
    depth = 2 * workers  # files in the pool at most: one running and one waiting per worker
    window = window or 4 * jobs
    source = iter(items)
    pending: deque[_Slot] = deque()  # in input order
    executor: ProcessPoolExecutor | None = None

    def slot_for(item: object) -> _Slot:
        if isinstance(item, InputError):  # an input that does not exist: reported as iter_claims does
            return _Slot(error=(str(item), str(item)))
        name = str(item)
        if name == "-":  # stdin belongs to this process: read it here
            try:
                return _Slot(name, read_document(name, encoding).text)
            except InputError as e:
                return _Slot(error=(f"skipped {e}", str(e)))
        return _Slot(name)

    def finish(slot: _Slot) -> Iterator[Claim]:
        if slot.error is not None:
            warn(slot.error[0])
            report.skipped.append(slot.error[1])
            return
        if slot.outcome is not None:
            status, result, warnings = slot.outcome
            if status == "raise":  # as a one-process run: the claims of the files before it are out
                raise result  # type: ignore[misc]
        else:
            status, rows, warnings = slot.future.result()  # type: ignore[union-attr]
            result = [Claim(*row) for row in rows] if status == "ok" else rows  # type: ignore[attr-defined]
        for w in warnings:
            warn(w)
        if status == "skipped":
            warn(f"skipped {result}")
            report.skipped.append(str(result))
            return
        report.read += 1
        yield from result  # type: ignore[misc]

    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                item = next(source, None)
                if item is None:
                    exhausted = True
                else:
                    pending.append(slot_for(item))
            queued = [s for s in pending if s.queued]
            mine = queued[0] if queued else None  # the next file is this process's own
            in_pool = sum(s.busy for s in pending)
            for slot in queued[1:depth - in_pool + 1]:
                if executor is None:
                    from concurrent.futures import ProcessPoolExecutor

                    prepare()  # built once here, before the workers fork, instead of in each
                    executor = ProcessPoolExecutor(
                        max_workers=workers, mp_context=_context(),
                        initializer=_init_worker, initargs=(rules_key,),
                    )
                slot.future = executor.submit(_work, slot.name, encoding, slot.text)
            while pending and pending[0].ready:
                yield from finish(pending.popleft())
            if mine is not None:
                try:
                    mine.outcome = _extract(mine.name, encoding, mine.text, rs)
                except Exception as e:  # noqa: BLE001 - raised in its turn, after the files before it
                    mine.outcome = ("raise", e, [])
            elif pending:
                yield from finish(pending.popleft())  # nothing to do here: wait for the pool
            elif exhausted:
                break
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
