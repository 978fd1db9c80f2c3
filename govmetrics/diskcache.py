"""A small JSON file in the user's cache folder for derived data that is slow to work out
(the rule pre-filters: ~0.25 s of parsing per process). It only ever saves time: a missing,
unreadable, stale or corrupt file is ignored and rebuilt, and a folder that cannot be
written to just means no cache. Written atomically, so concurrent runs never see half a file.

Location: $GOVMETRICS_CACHE_DIR, else $XDG_CACHE_HOME/govmetrics, else ~/.cache/govmetrics.
GOVMETRICS_CACHE_DIR set to an empty string turns the cache off.
"""

from __future__ import annotations

import _sre
import contextlib
import io
import os
import pickle
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

try:  # CPython's own SHA-1: importing hashlib loads OpenSSL, ~3 ms at every start, for the same digests
    from _sha1 import sha1
except ImportError:  # a Python built without it
    from hashlib import sha1


def cache_dir() -> Path | None:
    explicit = os.environ.get("GOVMETRICS_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "govmetrics"


# More entries than this (rule authors editing patterns leave old ones behind): start over
# from what this run put in.
MAX_ENTRIES = 5000


class JsonCache:
    """Key → JSON value. Entries made under another `signature` (code or library version)
    are dropped on load."""

    def __init__(self, name: str, signature: str) -> None:
        folder = cache_dir()
        self.path = folder / f"{name}.json" if folder else None
        self.signature = signature
        self.entries: dict[str, Any] = {}
        self.fresh: dict[str, Any] = {}  # put by this run
        self.dirty = False
        if self.path is not None:
            import json

            with contextlib.suppress(OSError, ValueError):
                stored = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(stored, dict) and stored.get("signature") == signature and isinstance(stored.get("entries"), dict):
                    self.entries = stored["entries"]

    def get(self, key: str, default: Any = None) -> Any:
        return self.entries.get(key, default)

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = self.fresh[key] = value
        self.dirty = True

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        self.dirty = False
        if len(self.entries) > MAX_ENTRIES:
            self.entries = dict(self.fresh)
        import json
        import tempfile

        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({"signature": self.signature, "entries": self.entries}, fh, ensure_ascii=False)
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)  # gone after a successful replace; left behind only on failure


# Binary entries (compiled rule sets, the Hyperscan database, the stores of compiled patterns,
# the t2s tables): one pickle file
# per name and key, the key stored inside and checked on load. Only this program writes
# these files, in the user's own cache folder; anything unexpected is ignored and rebuilt.
MAX_BLOBS = 24  # files per name kept (the most recently used)


def _blob_path(name: str, key: str) -> Path | None:
    folder = cache_dir()
    return folder / f"{name}-{sha1(key.encode()).hexdigest()[:20]}.pickle" if folder else None


def _sre_arguments(pattern: re.Pattern) -> tuple | None:
    """What ``re.compile`` hands to ``_sre.compile`` for this pattern (its compiled code
    among them), or None. Worked out with the stdlib's own parser and code generator (the
    same steps in Python 3.10–3.13) and kept only when the pattern they build is equal to
    ``pattern`` (a Pattern compares its flags, source and compiled code)."""
    try:
        try:
            from re import _compiler, _parser
        except ImportError:  # Python 3.10
            import sre_compile as _compiler  # type: ignore[no-redef]
            import sre_parse as _parser  # type: ignore[no-redef]
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        groups = parsed.state.groupdict
        names: list[str | None] = [None] * parsed.state.groups
        for group_name, i in groups.items():
            names[i] = group_name
        code = [int(c) for c in _compiler._code(parsed, pattern.flags)]  # (opcodes are named int subclasses)
        args = (pattern.pattern, pattern.flags | parsed.state.flags, code,
                parsed.state.groups - 1, dict(groups), tuple(names))
        return args if _sre.compile(*args) == pattern else None
    except Exception:  # noqa: BLE001 - another Python's internals: pickle it the usual way
        return None


def _rebuilt_pattern(*args: Any) -> re.Pattern:
    """A stdlib pattern from its compiled code (see _Pickler); compiled afresh if that fails."""
    try:
        return _sre.compile(*args)
    except Exception:  # noqa: BLE001 - the file's key names this Python, but stay safe
        return re.compile(args[0], args[1])


class _Pickler(pickle.Pickler):
    """Pickles stdlib `re` patterns with their compiled code: the usual pickle keeps only the
    source and compiles it again on load (~15 ms per start for the rule set's 20 word-list
    patterns); rebuilding from the code takes microseconds. The cache keys hold the
    Python version, so the code is only ever read by the Python that made it. (`regex`
    patterns already pickle their compiled code.)"""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is re.Pattern and (args := _sre_arguments(obj)) is not None:
            return _rebuilt_pattern, args
        return NotImplemented


def load_blob(name: str, key: str) -> Any:
    """The object saved under (name, key), or None."""
    path = _blob_path(name, key)
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            stored_key, value = pickle.load(fh)  # noqa: S301 - our own file in our own cache
    except Exception:  # noqa: BLE001 - missing, truncated, from another version: rebuild
        return None
    if stored_key != key:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when old files are pruned
    return value


def save_blob(name: str, key: str, value: Any) -> None:
    path = _blob_path(name, key)
    if path is None:
        return
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((key, value))
        data = buffer.getvalue()
    except Exception:  # noqa: BLE001 - something in it does not pickle: no cache
        return
    import tempfile  # imported here: a run that only reads the cache never needs it

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        # This name's files only: "patterns-" must not take in "patterns-derived-…".
        mine = path.parent.glob(f"{name}-{'?' * 20}.pickle")
        old = sorted(mine, key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[MAX_BLOBS:]:
            stale.unlink()


def cached(name: str, key: str, build: Callable[[], Any]) -> Any:
    """The one helper for compiled objects kept across processes (rule sets with their
    compiled patterns, the Hyperscan database, the t2s tables): the object saved under (name, key), else
    ``build()``, saved for the next process. An error in ``build`` propagates unsaved."""
    got = load_blob(name, key)
    if got is not None:
        return got
    value = build()
    save_blob(name, key, value)
    return value


def code_signature(files: list[Path], *versions: str, package: bool = True) -> str | None:
    """A key for data derived from ``files`` by this package's code: their paths and
    contents, every module of the package (size and modification time), the Python
    version and ``versions``. None when a file cannot be read (no cache then). Without
    ``package``, the modules are left out: data made by one module lists it among ``files``
    (then a change elsewhere does not make it again)."""
    import sys

    h = sha1(f"{sys.version}|{'|'.join(versions)}".encode())
    try:
        for f in files:
            h.update(f"\0{Path(f).resolve()}\0".encode())
            h.update(Path(f).read_bytes())
        if package:
            h.update(_package_stamp())
    except OSError:
        return None
    return h.hexdigest()


@lru_cache(maxsize=1)
def _package_stamp() -> bytes:
    """Every module of the package, by name, size and modification time: read once per
    process (the rule set and the t2s tables are keyed by it)."""
    return "".join(f"\0{m.name}:{(st := m.stat()).st_size}:{st.st_mtime_ns}"
                   for m in sorted(Path(__file__).parent.rglob("*.py"))).encode()
