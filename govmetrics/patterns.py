"""Compiled `regex` patterns kept across processes: the one helper modules use for their
fixed patterns and for patterns built from a rule set (cue lists, place names…).

    from .patterns import compiled
    _YEAR = compiled(r"(?:19|20)\\d\\d")

Compiling ~100 such patterns costs ~0.1 s at every start, a good part of a short run;
unpickling them costs a few milliseconds (a pickled `regex` pattern carries its compiled
code). The patterns are kept in one file of the cache folder (see `diskcache.py`), keyed
by the Python and `regex` versions and each pattern's own source and flags, so a changed
pattern is simply a new entry. New entries are written once, when the process ends; an
entry no run has asked for in the last MAX_AGE runs that wrote the file is dropped then.
Patterns compiled for a rule set's derived values live in a second file, read only when
those values are worked out again (see `for_derived`). Any trouble with a file means
compiling, as without it.

`compiled_re` is the same for the stdlib `re` engine (faster than `regex` on plain
character classes and word lists): its patterns go to a third file with their compiled
code (see diskcache._Pickler), ~0.1–0.3 ms saved per pattern at every start.
"""

from __future__ import annotations

import atexit
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import regex

# Entries kept at most: patterns built from edited rule files leave old ones behind.
MAX_ENTRIES = 4000
# An entry that none of this many runs saving the file has used is dropped: the patterns of
# edited rule files and of older versions would otherwise be loaded at every start, for good.
MAX_AGE = 8

Key = tuple[str | bytes, int]


class _Store:
    """The entries of one cache file, read when first asked for, written at exit when this
    process added any."""

    def __init__(self, name: str, compile: Callable[[str | bytes, int], Any] = regex.compile) -> None:
        self.name = name
        self.compile = compile
        self.known: dict[Key, Any] | None = None
        self.age: dict[Key, int] = {}  # per entry read from the file: the saving runs since one used it
        self.used: set[Key] = set()  # the entries this process asked for
        self.added = False

    def get(self, key: Key) -> Any:
        if self.known is None:
            self.known = self._load()
        self.used.add(key)
        got = self.known.get(key)
        if got is None:
            got = self.known[key] = self.compile(*key)
            if not self.added:
                self.added = True
                atexit.register(self.save)
        return got

    def _load(self) -> dict[Key, Any]:
        from .diskcache import load_blob

        stored = load_blob(self.name, _key())
        try:
            ages = {k: age for k, (_, age) in stored.items()}
            known = {k: pattern for k, (pattern, _) in stored.items()}
        except (AttributeError, TypeError, ValueError):  # none, or not a file of ours
            return {}
        self.age.update(ages)
        return known

    def save(self) -> None:
        from .diskcache import save_blob

        if self.known is None or not self.added:
            return
        entries = {k: (p, 0 if k in self.used else self.age.get(k, 0) + 1) for k, p in self.known.items()}
        kept = {k: v for k, v in entries.items() if v[1] <= MAX_AGE}
        if len(kept) > MAX_ENTRIES:  # the ones used most recently
            kept = dict(sorted(kept.items(), key=lambda kv: kv[1][1])[:MAX_ENTRIES])
        save_blob(self.name, _key(), kept)
        self.added = False


# Patterns asked for while a rule set's derived values are worked out (rules.derived) go to
# their own file: they are needed again only when those values are rebuilt, so they are kept
# apart from the module patterns every start reads.
_fixed, _derived = _Store("patterns"), _Store("patterns-derived")
# Whether this thread (or task) is within for_derived(): a module global would send another
# thread's fixed patterns to the derived file meanwhile.
_deriving: ContextVar[bool] = ContextVar("govmetrics_deriving", default=False)
# Fixed patterns for the stdlib engine (`re` scans plain classes and word lists faster than
# `regex`); the cache keeps their compiled code (diskcache._Pickler).
_fixed_re = _Store("patterns-re", re.compile)


def _key() -> str:
    return f"{sys.version}|{regex.__version__}|aged, split"  # (the files hold entries with their age)


def compiled(source: str | bytes, flags: int = 0) -> regex.Pattern:
    """``regex.compile(source, flags)``, from the cache when an earlier process compiled it."""
    return (_derived if _deriving.get() else _fixed).get((source, int(flags)))


def compiled_re(source: str, flags: int = 0) -> re.Pattern:
    """``re.compile(source, flags)``, from the cache when an earlier process compiled it."""
    return _fixed_re.get((source, int(flags)))


@contextmanager
def for_derived() -> Iterator[None]:
    """Patterns compiled within, in this thread, go to the store of derived values (see above)."""
    token = _deriving.set(True)
    try:
        yield
    finally:
        _deriving.reset(token)


# Building patterns from the word lists of the rule files (cue words, units, place levels).

def alternation(words: Iterable[str], escape: Callable[[str], str] = regex.escape, none: str = "(?!)") -> str:
    """The words as an alternation, longest first; an empty word is dropped (it would match
    everywhere, and the first-character gates built from the same lists leave it out); no
    words: ``none`` (by default a pattern that matches nothing)."""
    return "|".join(escape(w) for w in sorted(set(words) - {""}, key=lambda w: (-len(w), w))) or none


def word_search(words: Iterable[str]) -> re.Pattern:
    """A search for any of the words: what compiled(alternation(words)) finds (a plain
    alternation of words means the same to both engines), with the stdlib engine, which skips
    ahead to where one of their first characters is. The cue lists searched in the text before
    every figure are read 2-5 times faster so (most of these searches find nothing), for a
    compilation of well under a millisecond in each process."""
    return re.compile(alternation(words, re.escape))


def shared_char(words: list[str]) -> str:
    """A character every word holds, '' if none (``'' in text`` always holds): a text without
    it need not be searched for the words."""
    common = set.intersection(*map(set, words)) if words else set()
    return min(common) if common else ""


__all__ = ["alternation", "compiled", "compiled_re", "for_derived", "shared_char", "word_search"]
