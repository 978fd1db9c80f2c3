"""One bounded memo of work on texts (numerals, clauses): the same texts recur within and
across the documents of a run, and each is read several times.

The memo is a plain dict kept by its owner (a vocabulary built per rule set), so it goes
with it and can be emptied when the owner is pickled; it is cleared when full, which
bounds the memory of long runs without the bookkeeping of an LRU."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

SIZE = 1 << 14  # how many texts a memo holds before it is cleared

T = TypeVar("T")
_UNSEEN = object()  # no entry (None may be a result: "no numeral")


def remembered(memo: dict[str, Any], work: Callable[[str, Any], T], text: str, arg: Any) -> T:
    """``work(text, arg)``, kept in ``memo`` by ``text`` (``arg``, the memo's owner, is the
    same for every call on one memo), which is cleared when full."""
    hit = memo.get(text, _UNSEEN)
    if hit is _UNSEEN:
        if len(memo) >= SIZE:
            memo.clear()  # bound the memory of long runs
        hit = memo[text] = work(text, arg)
    return hit
