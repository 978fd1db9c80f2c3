"""Write claims as CSV, JSON, JSON Lines or a terminal table; atomic file output."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from typing import IO

FORMATS = ("table", "csv", "tsv", "json", "jsonl", "xlsx", "parquet")
# Output file extensions and the format each means.
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
              ".xlsx": "xlsx", ".parquet": "parquet"}


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() and abs(v) < 1e17 else repr(v)
    return str(v)


# One encoder for every row: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _json_value(v: object) -> object:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e17:
        return int(v)
    return v


def write_rows(rows: Iterable[dict], columns: list[str], fmt: str, out: IO, bom: bool = False,
               table_columns: list[str] | None = None, required: Iterable[str] = (),
               rank: list[str] | None = None) -> int:
    """Stream ``rows`` to ``out``; returns the number written.

    ``columns`` are the fields written, in order. The terminal table shows only
    ``table_columns`` (default: the most useful claim columns present in ``columns``);
    ``required`` columns never give way on a narrow terminal; ``rank`` lists the others
    most useful first (default: ``_KEEP_ORDER``). ``xlsx`` and ``parquet``
    need a binary ``out``."""
    n = 0
    if fmt in ("csv", "tsv"):
        if bom:
            out.write("\ufeff")
        w = csv.writer(out, lineterminator="\n", delimiter="\t" if fmt == "tsv" else ",")
        w.writerow(columns)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in columns])
            n += 1
    elif fmt == "jsonl":
        for r in rows:
            out.write(_JSON.encode({c: _json_value(r.get(c)) for c in columns}) + "\n")
            n += 1
    elif fmt == "json":
        out.write("[")
        for r in rows:
            out.write(("\n" if n == 0 else ",\n") + _JSON.encode({c: _json_value(r.get(c)) for c in columns}))
            n += 1
        out.write("\n]\n" if n else "]\n")
    elif fmt == "xlsx":
        n = _xlsx(rows, columns, out)
    elif fmt == "parquet":
        n = _parquet(rows, columns, out)
    elif fmt == "table":
        cols = table_columns or [c for c in TABLE_COLUMNS if c in columns] or columns
        n = _table(rows, cols, out, required=set(required), rank=rank)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return n


# ---------------------------------------------------------------------------- binary formats

# Extra that provides the module each binary format needs (pip install 'govmetrics[EXTRA]').
BINARY_FORMATS = {"xlsx": ("openpyxl", "xlsx"), "parquet": ("pyarrow", "parquet")}
_INT_COLUMNS = {"start", "end", "line", "year", "priority", "examples"}
_FLOAT_COLUMNS = {"value", "old_value", "new_value"}
_BOOL_COLUMNS = {"target"}
# Excel refuses control characters in cells and more than 32767 characters in one.
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_MAX_CELL = 32767


def missing_extra(fmt: str) -> str | None:
    """The install hint when the module ``fmt`` needs is missing, else None."""
    if fmt not in BINARY_FORMATS:
        return None
    module, extra = BINARY_FORMATS[fmt]
    import importlib.util

    if importlib.util.find_spec(module) is None:
        return f"writing {fmt} needs {module}: pip install 'govmetrics[{extra}]'"
    return None


def _typed(col: str, v: object) -> object:
    """The value of a cell with its own type: numbers as numbers, booleans as booleans."""
    if v is None or v == "":
        return None if col in _INT_COLUMNS | _FLOAT_COLUMNS | _BOOL_COLUMNS else ""
    if col in _BOOL_COLUMNS:
        return v if isinstance(v, bool) else str(v).lower() == "true"
    if col in _INT_COLUMNS and not isinstance(v, bool):
        try:
            return int(v)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return str(v)
    if col in _FLOAT_COLUMNS:
        try:
            return float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(v)
    return v if isinstance(v, bool | int | float) else str(v)


def _xlsx(rows: Iterable[dict], columns: list[str], out: IO[bytes]) -> int:
    """One sheet, typed cells, the header row frozen and bold; streamed (write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    wb.properties.creator = "govmetrics"
    ws = wb.create_sheet("claims")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    n = 0
    for r in rows:
        cells = []
        for c in columns:
            v = _typed(c, r.get(c))
            if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
                v = int(v)
            if isinstance(v, str):
                v = _EXCEL_ILLEGAL.sub(" ", v)[:_EXCEL_MAX_CELL]
            cells.append(v)
        ws.append(cells)
        n += 1
    wb.save(out)
    return n


def _parquet(rows: Iterable[dict], columns: list[str], out: IO[bytes]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def arrow_type(c: str):
        if c in _INT_COLUMNS:
            return pa.int64()
        if c in _FLOAT_COLUMNS:
            return pa.float64()
        if c in _BOOL_COLUMNS:
            return pa.bool_()
        return pa.string()

    schema = pa.schema([(c, arrow_type(c)) for c in columns], metadata={b"created_by": b"govmetrics"})
    data: dict[str, list] = {c: [] for c in columns}
    n = 0
    for r in rows:
        for c in columns:
            v = _typed(c, r.get(c))
            if schema.field(c).type == pa.string() and v is not None:
                v = str(v) if not isinstance(v, bool) else ("true" if v else "false")
            data[c].append(v)
        n += 1
    pq.write_table(pa.table(data, schema=schema), out)
    return n


def read_table(path: str) -> list[dict]:
    """Rows of a .xlsx (first sheet, header in row 1) or .parquet file, as dicts."""
    if path.lower().endswith(".parquet"):
        hint = missing_extra("parquet")
        if hint:
            raise ValueError(hint.replace("writing", "reading"))
        import pyarrow.parquet as pq

        try:
            return pq.read_table(path).to_pylist()
        except Exception as e:  # noqa: BLE001 - pyarrow raises many kinds for a bad file
            raise ValueError(str(e).splitlines()[0] if str(e) else type(e).__name__) from None
    hint = missing_extra("xlsx")
    if hint:
        raise ValueError(hint.replace("writing", "reading"))
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - zipfile / openpyxl errors
        raise ValueError(str(e).splitlines()[0] if str(e) else type(e).__name__) from None
    it = wb.worksheets[0].iter_rows(values_only=True)
    header = [str(h) if h is not None else "" for h in next(it, ())]
    rows = [{h: ("" if v is None else v) for h, v in zip(header, row, strict=False)} for row in it]
    wb.close()
    return rows


# ---------------------------------------------------------------------------- --scale

# Money units a reader may ask for (--scale) and their size in 元.
SCALES = {"元": 1.0, "万元": 1e4, "亿元": 1e8}


def scale_rows(rows: Iterable[dict], scale: str) -> Iterator[dict]:
    """Rows with money (unit 元) expressed in ``scale`` (万元, 亿元): value (and a diff's
    old_value/new_value) divided, unit renamed, so each row stays self-describing."""
    factor = SCALES[scale]
    for r in rows:
        if factor != 1.0 and r.get("unit") == "元":
            r = dict(r)
            for c in ("value", "old_value", "new_value"):
                v = r.get(c)
                if isinstance(v, int | float) and not isinstance(v, bool):
                    r[c] = _round(v / factor)
            r["unit"] = scale
        yield r


def _round(x: float) -> float:
    """Hide the binary noise of the division (3600亿 / 1e8 = 3600.0000000000005)."""
    return float(f"{x:.12g}")


# ---------------------------------------------------------------------------- terminal table

_NUMERIC = {"start", "end", "line", "value", "year", "old_value", "new_value", "priority", "examples"}
TABLE_COLUMNS = ["doc", "line", "text", "value", "unit", "qualifier", "kind", "target", "year", "region", "metric",
                 "subject"]
_QUAL_SIGN = {"exact": "", "approx": "≈", "more_than": ">", "at_least": "≥", "less_than": "<", "at_most": "≤"}
# Long free text: wraps on several lines and takes the width left over.
_WRAP = {"text", "sentence", "subject", "aliases", "name", "old_text", "new_text", "reason", "description"}
# The order in which columns give way on a narrow terminal (first listed = kept longest).
_KEEP_ORDER = ["change", "id", "text", "value", "old_value", "new_value", "unit", "doc", "kind", "year", "metric",
               "target", "qualifier", "region", "line", "subject", "name", "aliases", "old_text", "new_text", "sentence"]
_VALUE_COLUMNS = ("value", "old_value", "new_value")
# Widest a cell of a non-wrapping column is shown (longer is cut with …).
_MAX_NOWRAP = {"doc": 24, "file": 32}
_MIN_WRAP = 8
# A wrapping column this wide or less keeps its whole width before a dropped column comes back.
_SHORT_TEXT = 12


def _plain_number(v: float) -> str:
    if float(v).is_integer():
        return f"{int(v):,}"
    s = repr(float(v))
    decimals = len(s.split(".")[1]) if "." in s and "e" not in s else 6
    return f"{v:,.{min(decimals, 6)}f}"


def _value_strings(values: list[object]) -> list[str]:
    """One notation for the whole column: plain digits with separators when every
    value is short that way, else scientific for all."""
    nums = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    plain = [_plain_number(v) for v in nums]
    scientific = bool(plain) and max(len(p) for p in plain) > 21
    out = []
    for v in values:
        if isinstance(v, int | float) and not isinstance(v, bool):
            out.append(f"{v:.3e}" if scientific else _plain_number(v))
        else:
            out.append(_cell(v))
    return out


def _table_cell(col: str, v: object) -> str:
    """A compact rendering for reading in a terminal (CSV/JSON keep full values)."""
    if col == "doc":
        return os.path.basename(str(v or ""))
    if col == "qualifier":
        return _QUAL_SIGN.get(str(v), str(v or ""))
    if col == "target":
        return "target" if v else ""
    if col == "status":  # `track`: met / missed at a glance
        return _STATUS_MARK.get(str(v), _cell(v))
    return _cell(v)


_STATUS_MARK = {"met": "✓ met", "missed": "✗ missed", "pending": "… pending", "no_target": "· no target"}


def _plan(cols: list[str], natural: dict[str, int], width: int, required: set[str],
          rank: list[str] | None = None) -> tuple[list[str], dict[str, int]]:
    """Which columns to show and how wide, for a terminal ``width`` characters wide.

    Every column gets its natural width when all fit. Otherwise wrapping columns shrink
    (to ``_MIN_WRAP``), then the least useful columns are dropped, never a required one;
    the width left over goes to the wrapping columns."""
    def minimum(c: str) -> int:
        return min(natural[c], _MIN_WRAP) if c in _WRAP else natural[c]

    def overhead(n: int) -> int:
        return 3 * n + 1  # a border and two padding spaces per column, and the right edge

    order = rank or _KEEP_ORDER
    rank = [c for c in order if c in cols] + [c for c in cols if c not in order]
    shown = list(cols)
    while sum(minimum(c) for c in shown) + overhead(len(shown)) > width:
        droppable = [c for c in reversed(rank) if c in shown and c not in required]
        if not droppable:
            break
        shown.remove(droppable[0])
    def comfortable(c: str) -> int:  # short texts are not squeezed to make room for another column
        return min(natural[c], _SHORT_TEXT) if c in _WRAP else natural[c]

    for c in rank:  # a smaller column dropped on the way may still fit
        if c not in shown and sum(comfortable(x) for x in shown) + minimum(c) + overhead(len(shown) + 1) <= width:
            shown.append(c)
    shown = [c for c in cols if c in shown]
    widths = {c: natural[c] for c in shown}
    if sum(widths.values()) + overhead(len(shown)) <= width:
        return shown, widths
    wrap = [c for c in shown if c in _WRAP]
    for c in wrap:
        widths[c] = minimum(c)
    spare = width - overhead(len(shown)) - sum(widths.values())
    # Water-filling: short texts get their whole width, the longest share what is left
    # equally (a sentence column takes the rest of the line and wraps).
    waiting = sorted(wrap, key=lambda c: natural[c] - widths[c])
    while waiting and spare > 0:
        share = spare // len(waiting)
        c = waiting[0]
        lack = natural[c] - widths[c]
        if lack <= share:
            widths[c] += lack
            spare -= lack
            waiting.pop(0)
            continue
        for i, c in enumerate(waiting):  # nobody left who fits whole: equal shares
            widths[c] += share + (1 if i < spare - share * len(waiting) else 0)
        break
    return shown, widths


def _table(rows: Iterable[dict], cols: list[str], out: IO[str], required: set[str] | None = None,
           width: int | None = None, rank: list[str] | None = None) -> int:
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    rows = list(rows)
    required = set(required or ())
    if "doc" in cols and len({r.get("doc") for r in rows}) > 1:
        required.add("doc")  # rows of several documents must stay distinguishable
    elif "doc" in cols:
        rank = [c for c in (rank or _KEEP_ORDER) if c != "doc"] + ["doc"]  # one document: its name says little
    for c in ("change", "old_value", "new_value", "id"):
        if c in cols:
            required.add(c)
    if "metric" in cols and "aliases" in cols:
        required.add("metric")  # the catalogue: the id is what the user types
    if not required & set(cols):
        required |= {c for c in ("text", "value", "unit") if c in cols}
    console = Console(file=out, soft_wrap=False, width=width)
    cells: dict[str, list[str]] = {}
    for c in cols:
        if c in _VALUE_COLUMNS:
            cells[c] = _value_strings([r.get(c) for r in rows])
        else:
            cells[c] = [_table_cell(c, r.get(c)) for r in rows]
    header = {c: "q" if c == "qualifier" else c for c in cols}
    natural = {}
    for c in cols:
        longest = max((cell_len(x) for x in cells[c]), default=0)
        natural[c] = max(cell_len(header[c]), min(longest, _MAX_NOWRAP.get(c, longest)))
    shown, widths = _plan(cols, natural, console.width, required, rank)
    table = Table(show_lines=False, header_style="bold", box=box.HEAVY_HEAD)
    for c in shown:
        table.add_column(header[c], justify="right" if c in _NUMERIC else "left",
                         no_wrap=c not in _WRAP, overflow="fold" if c in _WRAP else "ellipsis",
                         width=widths[c])
    for i in range(len(rows)):
        table.add_row(*[cells[c][i] for c in shown])
    console.print(table)
    return len(rows)


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


def _plain_write_mode(path: str) -> int:
    """The permission bits a plain open(path, "w") would leave: the existing file's
    when it is replaced, else 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it: put it straight back
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_output(path: str, encoding: str = "utf-8", binary: bool = False) -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    On any error or interruption the temporary file is removed and an existing file
    at ``path`` is left untouched. The result has the mode a plain write would give
    (mkstemp's 0600 is only for the temporary file)."""
    import tempfile  # only here: with shutil, bz2, lzma and random it costs ~3 ms at start-up

    directory = os.path.dirname(os.path.abspath(path))
    mode = _plain_write_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=".govmetrics-", suffix=".tmp", dir=directory)
    try:
        fh_ctx = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline="")
        with fh_ctx as fh:
            yield fh
            fh.flush()
            os.fchmod(fh.fileno(), mode)
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
