"""Write claims as CSV, JSON, JSON Lines or a terminal table; atomic file output."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

FORMATS = ("table", "csv", "json", "jsonl")


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() and abs(v) < 1e17 else repr(v)
    return str(v)


def _json_value(v: object) -> object:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e17:
        return int(v)
    return v


def write_rows(rows: Iterable[dict], columns: list[str], fmt: str, out: IO[str], bom: bool = False,
               table_columns: list[str] | None = None, widths: dict[str, tuple[int, int]] | None = None) -> int:
    """Stream ``rows`` to ``out``; returns the number written.

    ``columns`` are the fields written, in order. The terminal table shows only
    ``table_columns`` (default: the most useful claim columns present in ``columns``)."""
    n = 0
    if fmt == "csv":
        if bom:
            out.write("\ufeff")
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in columns])
            n += 1
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps({c: _json_value(r.get(c)) for c in columns}, ensure_ascii=False) + "\n")
            n += 1
    elif fmt == "json":
        out.write("[")
        for r in rows:
            out.write(("\n" if n == 0 else ",\n") + json.dumps({c: _json_value(r.get(c)) for c in columns}, ensure_ascii=False))
            n += 1
        out.write("\n]\n" if n else "]\n")
    elif fmt == "table":
        n = _table(rows, table_columns or [c for c in TABLE_COLUMNS if c in columns] or columns, out, widths)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return n


_NUMERIC = {"start", "end", "line", "value", "year", "old_value", "new_value"}
TABLE_COLUMNS = ["doc", "line", "text", "value", "unit", "qualifier", "kind", "target", "year", "metric", "subject"]


_QUAL_SIGN = {"exact": "", "approx": "≈", "more_than": ">", "at_least": "≥", "less_than": "<", "at_most": "≤"}


def _table_cell(col: str, v: object) -> str:
    """A compact, one-line rendering for reading in a terminal (CSV/JSON keep full values)."""
    if col == "doc":
        return os.path.basename(str(v or ""))
    if col == "value" and isinstance(v, float | int) and not isinstance(v, bool):
        return f"{v:,.6g}" if abs(v) < 1e7 else f"{v:.4g}"
    if col == "qualifier":
        return _QUAL_SIGN.get(str(v), str(v or ""))
    if col == "target":
        return "target" if v else ""
    return _cell(v)


# Minimum widths, and the order in which columns give way on a narrow terminal.
_MIN_WIDTH = {"text": 10, "value": 9, "unit": 4, "kind": 6, "year": 4, "target": 6, "qualifier": 1,
              "region": 6, "metric": 10, "line": 4, "subject": 12, "doc": 10, "name": 10}
_KEEP_ORDER = ["text", "value", "unit", "kind", "year", "target", "qualifier", "region", "metric", "line", "subject",
               "doc"]


def _fit(cols: list[str], width: int) -> list[str]:
    """The columns that fit ``width`` (most useful first), in their original order."""
    ranked = [c for c in _KEEP_ORDER if c in cols] + [c for c in cols if c not in _KEEP_ORDER]
    chosen: list[str] = []
    used = 0
    for c in ranked:
        need = _MIN_WIDTH.get(c, 8) + 3
        if chosen and used + need > width:
            continue
        chosen.append(c)
        used += need
    return [c for c in cols if c in chosen]


def _table(rows: Iterable[dict], cols: list[str], out: IO[str], fixed: dict[str, tuple[int, int]] | None = None) -> int:
    """``fixed`` gives columns a (min, max) width of their own (the ids of `govmetrics metrics`)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, soft_wrap=False)
    cols = _fit(cols, console.width)
    table = Table(show_lines=False, header_style="bold")
    fixed = fixed or {}
    widths = {"doc": 24, "subject": 28, "sentence": 40, "metric": 16, "text": 18, "unit": 10, "region": 12}
    for c in cols:
        table.add_column(
            "q" if c == "qualifier" else c,
            justify="right" if c in _NUMERIC else "left",
            # these may shrink (wrap) on a narrow screen; `metrics` lists long alias lists
            no_wrap=c not in ("text", "metric", "subject", "unit", "name", "aliases"),
            overflow="ellipsis",
            min_width=fixed[c][0] if c in fixed else _MIN_WIDTH.get(c),
            max_width=fixed[c][1] if c in fixed else widths.get(c),
        )
    n = 0
    for r in rows:
        table.add_row(*[_table_cell(c, r.get(c)) for c in cols])
        n += 1
    console.print(table)
    return n


def check_output_path(path: str) -> str | None:
    """Why ``path`` cannot be written (a one-line reason), or None when it looks writable.

    Checked before a run starts so that a long extraction does not end in an error."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        return "is a directory"
    if not os.path.exists(directory):
        parent = os.path.dirname(path) or "."
        return f"the directory {parent} does not exist"
    if not os.path.isdir(directory):
        return f"{os.path.dirname(path)} is not a directory"
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"permission denied (cannot create files in {os.path.dirname(path) or '.'})"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "permission denied (the file is read-only)"
    return None


@contextlib.contextmanager
def utf8_stdout() -> Iterator[IO[str]]:
    """stdout as UTF-8 with no newline translation, whatever the locale: the bytes of
    csv/json output are the same on every machine."""
    import sys

    buf = getattr(sys.stdout, "buffer", None)
    if buf is None:  # a plain text stream (tests, IDEs): use it as it is
        yield sys.stdout
        return
    sys.stdout.flush()
    wrapper = io.TextIOWrapper(buf, encoding="utf-8", newline="", write_through=True)
    try:
        yield wrapper
    finally:
        try:
            wrapper.flush()
        finally:
            wrapper.detach()


@contextlib.contextmanager
def atomic_output(path: str, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    On any error or interruption the temporary file is removed and an existing file
    at ``path`` is left untouched."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".govmetrics-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def rows_to_string(rows: Iterable[dict], columns: list[str], fmt: str) -> str:
    buf = io.StringIO()
    write_rows(rows, columns, fmt, buf)
    return buf.getvalue()
