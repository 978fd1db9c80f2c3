"""Find input files and read them as text (encodings detected, `--encoding` overrides)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class InputError(Exception):
    """An input could not be read. str() names the file and the problem."""


@dataclass
class Document:
    name: str  # the path as the user gave it (or under a directory they gave); '-' for stdin
    text: str


def iter_inputs(paths: list[str]) -> Iterator[str | InputError]:
    """Expand directories (recursively, sorted) and globs; yield paths or errors, in order."""
    import glob

    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            found = sorted(f for f in path.rglob("*") if not f.name.startswith(".") and (f.is_file() or f.is_symlink()))
            for f in found:
                if f.is_file():
                    yield str(f)
                elif not f.exists():  # a symbolic link whose target is gone: say so, do not skip silently
                    yield InputError(f"{f}: broken symbolic link (its target {_link_target(f)} does not exist)")
        elif path.exists():
            yield p
        elif any(c in p for c in "*?["):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                yield InputError(f"{p}: no file matches this pattern")
            for m in matches:
                if Path(m).is_file():
                    yield m
                elif Path(m).is_symlink() and not Path(m).exists():
                    yield InputError(f"{m}: broken symbolic link (its target {_link_target(Path(m))} does not exist)")
        elif path.is_symlink():
            yield InputError(f"{p}: broken symbolic link (its target {_link_target(path)} does not exist)")
        else:
            yield InputError(f"{p}: no such file or directory")


def _link_target(path: Path) -> str:
    import os

    try:
        return os.readlink(path)
    except OSError:
        return "?"


def read_bytes(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory") from None
    except OSError as e:
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None


def read_document(name: str, encoding: str | None = None) -> Document:
    """Read one input as text; raise InputError for anything that is not a readable document."""
    from .formats import to_text

    data = read_bytes(name)
    return Document(display_name(name), to_text(name, data, encoding))


def display_name(name: str) -> str:
    """The name as text any writer accepts: undecodable bytes of a file name become U+FFFD."""
    if not any("\ud800" <= c <= "\udfff" for c in name):
        return name
    import os

    try:
        return os.fsencode(name).decode("utf-8", errors="replace")
    except (UnicodeError, ValueError):
        return name.encode("utf-8", errors="replace").decode("utf-8")
