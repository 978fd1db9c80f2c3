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


def write_rows(rows: Iterable[dict], columns: list[str], fmt: str, out: IO[str], bom: bool = False) -> int:
    """Stream ``rows`` to ``out``; returns the number written."""
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
        n = _table(rows, columns, out)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return n


TABLE_COLUMNS = ["doc", "line", "text", "value", "unit", "qualifier", "kind", "target", "year", "metric", "subject"]


def _table(rows: Iterable[dict], columns: list[str], out: IO[str]) -> int:
    from rich.console import Console
    from rich.table import Table

    cols = [c for c in TABLE_COLUMNS if c in columns] or columns
    table = Table(show_lines=False, header_style="bold")
    for c in cols:
        table.add_column(c, overflow="fold", justify="right" if c in ("line", "value", "year") else "left")
    n = 0
    for r in rows:
        vals = [_cell(r.get(c)) for c in cols]
        if "doc" in cols:
            vals[cols.index("doc")] = os.path.basename(vals[cols.index("doc")])
        table.add_row(*vals)
        n += 1
    Console(file=out, soft_wrap=False).print(table)
    return n


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
