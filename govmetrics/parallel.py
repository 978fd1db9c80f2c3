"""Extract files in worker processes and in this one, streaming claims back in input order.

One pool per run, started once, of ``jobs - 1`` worker processes: this process extracts
files too instead of waiting for them (it would otherwise idle while the workers run and
compete with them for the CPUs only to unpickle and write). With the ``fork`` start method
the workers inherit the compiled rules and the tables this process built before starting
them; each takes one file at a time. The files are handed out in input order: the pool is
kept busy with up to two files per worker, refilled as each of its files finishes (not only
when this process is between two files of its own, which left a worker idle while this
process extracted a long one), and this process takes the next one whenever it is free, so
each process ends up with the share of files its time allows. (Files handed to the pool
stay there: ProcessPoolExecutor marks a file running as it queues it for a worker, so it
can no longer be cancelled and taken back.) At most ``window`` files are in flight; each
file's claims are yielded as soon as it and every file before it are done, so the output
is byte-identical to a one-process run and memory does not grow with the number of files.
Warnings raised while extracting a file (rule timeouts) are collected and replayed through
``warn`` when that file's claims are yielded; unreadable files are reported exactly as in a
one-process run and the run goes on.
"""

from __future__ import annotations

import contextlib
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
    def ready(self) -> bool:
        return self.error is not None or self.outcome is not None or (self.future is not None and self.future.done())


class _Feeder:
    """The queued files, taken in input order by this process (``take``) or handed to the
    pool (``feed``), which is kept ``depth`` files deep. The pool is fed from this thread
    and, as each of its files finishes, from the pool's result thread (a done callback): a
    worker gets its next file at once instead of idling until this process has finished
    extracting a long one."""

    def __init__(self, start: Callable[[], ProcessPoolExecutor], depth: int, encoding: str | None) -> None:
        import threading

        self.queued: deque[_Slot] = deque()
        self.executor: ProcessPoolExecutor | None = None
        self._start, self._depth, self._encoding = start, depth, encoding
        self._in_pool = 0
        self._stopped = False
        # Reentrant: a future that is done already runs its callback at once, in this thread.
        self._lock = threading.RLock()

    def put(self, slot: _Slot) -> None:
        with self._lock:
            self.queued.append(slot)

    def take(self) -> _Slot | None:
        with self._lock:
            return self.queued.popleft() if self.queued else None

    def feed(self) -> None:
        with self._lock:
            while self._in_pool < self._depth and self.queued and not self._stopped:
                slot = self.queued[0]
                if self.executor is None:
                    self.executor = self._start()
                slot.future = self.executor.submit(_work, slot.name, self._encoding, slot.text)
                self.queued.popleft()
                self._in_pool += 1
                slot.future.add_done_callback(self._done)

    def _done(self, _future: Future) -> None:
        with self._lock:
            self._in_pool -= 1
            # A broken pool: the next feed in this process's own thread raises it.
            with contextlib.suppress(Exception):
                self.feed()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def iter_claims_parallel(
    items: Iterable[object],
    rules_key: tuple[str, ...],
    rs: RuleSet,
    encoding: str | None,
    warn: Warn,
    report: RunReport,
    jobs: int,
    window: int | None = None,
) -> Iterator[Claim]:
    """Claims of ``items`` (paths or InputError, from ``iter_inputs``) extracted by ``jobs``
    processes: this one and ``jobs - 1`` workers. ``rs`` is the rule set of ``rules_key``
    (the key is what a worker started without fork loads it by)."""
    from .normalize import prepare
    from .readers import InputError, read_document

    workers = max(1, jobs - 1)
    window = window or 4 * jobs
    source = iter(items)
    pending: deque[_Slot] = deque()  # in input order

    def start() -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        prepare()  # built once here, before the workers fork, instead of in each
        return ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                   initializer=_init_worker, initargs=(rules_key,))

    # Up to two files per worker in the pool: one running and one waiting, sent ahead.
    feeder = _Feeder(start, 2 * workers, encoding)

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
                    slot = slot_for(item)
                    pending.append(slot)
                    if slot.error is None:
                        feeder.put(slot)
            mine = feeder.take()  # the next file is this process's own; the pool gets the ones after it
            feeder.feed()
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
        feeder.stop()
