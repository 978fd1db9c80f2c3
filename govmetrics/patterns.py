"""Compiled `regex` patterns kept across processes: the one helper modules use for their
fixed patterns and for patterns built from a rule set (cue lists, place names…).

    from .patterns import compiled
    _YEAR = compiled(r"(?:19|20)\\d\\d")

Compiling ~100 such patterns costs ~0.1 s at every start, a good part of a short run;
unpickling them costs a few milliseconds (a pickled `regex` pattern carries its compiled
code). The patterns are kept in one file of the cache folder (see `diskcache.py`), keyed
by the Python and `regex` versions and each pattern's own source and flags, so a changed
pattern is simply a new entry. New entries are written once, when the process ends. Any
trouble with the file means compiling, as without it.
"""

from __future__ import annotations

import atexit
import sys
from typing import Any

import regex

# Entries kept at most: patterns built from edited rule files leave old ones behind.
MAX_ENTRIES = 4000

_known: dict[tuple[str | bytes, int], Any] | None = None
_added = False


def _key() -> str:
    return f"{sys.version}|{regex.__version__}"


def compiled(source: str | bytes, flags: int = 0) -> regex.Pattern:
    """``regex.compile(source, flags)``, from the cache when an earlier process compiled it."""
    global _known, _added
    if _known is None:
        _known = _load()
    key = (source, int(flags))
    got = _known.get(key)
    if got is None:
        got = _known[key] = regex.compile(source, flags)
        if not _added:
            _added = True
            atexit.register(_save)
    return got


def _load() -> dict[tuple[str | bytes, int], Any]:
    from .diskcache import load_blob

    stored = load_blob("patterns", _key())
    return stored if isinstance(stored, dict) else {}


def _save() -> None:
    global _known, _added
    from .diskcache import save_blob

    if _known is None or not _added:
        return
    if len(_known) > MAX_ENTRIES:
        _known = dict(list(_known.items())[-MAX_ENTRIES // 2:])
    save_blob("patterns", _key(), _known)
    _added = False


__all__ = ["compiled"]
