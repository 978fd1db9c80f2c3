"""Compare two sets of claims: `govmetrics diff OLD NEW`.

Each side is a file written by `govmetrics extract` (CSV, JSON or JSON Lines, detected
from its content) or documents / directories, which are extracted first.

Claims are matched by what they say, not where they sit: the document's base name, the
metric (or the subject when there is no metric), kind, target, year, region and unit make
the key (region only when both sides carry one: files written before the column existed
still pair up); among claims with the same key their order decides (aligned like diff(1) aligns
lines, so one claim removed from the middle does not shift the others). A paragraph
inserted above unchanged claims therefore changes nothing. Two claims with the same key
and position whose value or qualifier differ are a ``changed`` row.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .claim import COLUMNS
from .writers import SCALES

DIFF_COLUMNS = [
    "change", "doc", "line", "metric", "subject", "kind", "target", "year", "region", "unit",
    "old_value", "new_value", "old_text", "new_text", "sentence",
]
# The terminal table: the change and the two values always show; the sentence gets what is left.
DIFF_TABLE_COLUMNS = ["change", "doc", "line", "metric", "subject", "kind", "year", "region", "unit",
                      "old_value", "new_value", "old_text", "new_text", "sentence"]
# On a narrow terminal the columns give way in the reverse of this order.
DIFF_KEEP_ORDER = ["change", "old_value", "new_value", "unit", "subject", "metric", "doc", "year", "new_text",
                   "old_text", "kind", "line", "region", "sentence"]
KEY_FIELDS = ("doc", "what", "kind", "target", "year", "region", "unit")


class DiffError(Exception):
    """A side of the diff cannot be read. str() names the file and the problem."""


@dataclass
class Side:
    """The claims of one side, in document order, and what went wrong reading it."""

    rows: list[dict]
    source: str  # "claims" (an extract output file) or "documents"
    skipped: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- loading


def _bool(v: object) -> bool:
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() in ("true", "1", "yes", "t")


def _year(v: object) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        return int(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _int(v: object) -> int:
    try:
        return int(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _normalise_row(raw: dict, where: str) -> dict:
    """A claim row read from a file, with native types (as `extract` produces them)."""
    if "value" not in raw:
        raise DiffError(f"{where}: not a claims file (the column 'value' is needed)")
    try:
        value = float(raw["value"])
    except (TypeError, ValueError):
        raise DiffError(f"{where}: value {raw['value']!r} is not a number") from None
    row = {c: raw.get(c, "") for c in COLUMNS}
    # A file written with --scale holds money in 万元/亿元: back to 元, as documents give it.
    unit = str(raw.get("unit") or "")
    if unit in SCALES:
        value, unit = value * SCALES[unit], "元"
    row.update(
        value=value,
        unit=unit,
        start=_int(raw.get("start")),
        end=_int(raw.get("end")),
        line=_int(raw.get("line")),
        target=_bool(raw.get("target", False)),
        year=_year(raw.get("year")),
    )
    for c in ("doc", "doc_date", "text", "unit", "qualifier", "kind", "region", "metric", "subject", "sentence", "rule"):
        row[c] = "" if row[c] is None else str(row[c])
    return row


# Extensions of the files `extract` and `diff` write: such a file is never a document.
OUTPUT_EXTENSIONS = (".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".xlsx", ".parquet")
# Columns only a diff output has.
_DIFF_ONLY = {"change", "old_value", "new_value", "old_text", "new_text"}


def _decode_head(data: bytes) -> str | None:
    """The first 64 KiB as text in the encodings claims files come in: UTF-8 (with or
    without a byte-order mark), UTF-16 with a BOM, GB18030 (Excel on Chinese Windows)."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    for enc in ("utf-8-sig", "gb18030"):
        for cut in (0, 1, 2, 3):  # the 64 KiB may end in the middle of a character
            try:
                return head[: len(head) - cut].decode(enc)
            except UnicodeDecodeError:
                continue
    return None


def decode_claims(data: bytes) -> str:
    """A whole claims file as text (same encodings as ``_decode_head``)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _header_kind(names: Iterable[str]) -> str | None:
    """'claims' or 'diff' when these column names are those govmetrics writes, else None.

    A claims file has a ``value`` column and at least one other claim column; every
    column it has is a claim column (columns added by a later version are tolerated
    when ``value`` and ``doc`` are both there)."""
    cols = {str(n).strip() for n in names}
    if {"change", "old_value", "new_value"} <= cols:
        return "diff"
    if "value" not in cols or cols & _DIFF_ONLY:
        return None
    known = cols & set(COLUMNS)
    if len(known) >= 2 and (known == cols or "doc" in cols):
        return "claims"
    return None


def sniff_claims(data: bytes) -> tuple[str, str] | None:
    """(format, kind) when ``data`` is a file govmetrics wrote: format 'csv', 'tsv',
    'json' or 'jsonl'; kind 'claims' or 'diff'. None otherwise."""
    head = _decode_head(data)
    if head is None:
        return None
    stripped = head.lstrip()
    if stripped.startswith("["):
        m = re.match(r"\[\s*(\{.*?\})\s*(?:,|\]|$)", stripped, re.S)
        obj = None
        if m:
            try:
                obj = json.loads(m.group(1))
            except ValueError:
                obj = None
        if stripped.rstrip() == "[]":
            return ("json", "claims")
        kind = _header_kind(obj) if isinstance(obj, dict) else None
        return ("json", kind) if kind else None
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0]
        try:
            obj = json.loads(first)
        except ValueError:
            return None
        kind = _header_kind(obj) if isinstance(obj, dict) else None
        return ("jsonl", kind) if kind else None
    first_line = head.split("\n", 1)[0].strip("\r")
    for fmt, delim in (("tsv", "\t"), ("csv", ",")):
        if delim in first_line:
            kind = _header_kind(next(csv.reader([first_line], delimiter=delim), []))
            if kind:
                return fmt, kind
    return None


def _sniff(data: bytes) -> str | None:
    """'csv', 'tsv', 'json' or 'jsonl' when ``data`` is a claims file, else None."""
    found = sniff_claims(data)
    return found[0] if found and found[1] == "claims" else None


def _has_extension(path: str, exts: Iterable[str]) -> bool:
    return str(path).lower().endswith(tuple(exts))


def read_claims_file(path: str, data: bytes | None = None) -> list[dict] | None:
    """The claim rows of an `extract` output file, or None when ``path`` is not one.

    A ``.xlsx`` or ``.parquet`` file is read as claims (it cannot be a document); a
    diff output, or a CSV/JSON table that is not a claims file, is a DiffError."""
    if _has_extension(path, (".xlsx", ".parquet")):
        from .writers import read_table

        try:
            raw_rows = read_table(path)
        except (ValueError, OSError) as e:
            raise DiffError(f"{path}: cannot read: {e}") from None
        if raw_rows and _header_kind(raw_rows[0]) != "claims":
            raise DiffError(f"{path}: not a claims file (a claims file has the columns written by "
                            "`govmetrics extract`, at least 'value')")
        return [_normalise_row(r, f"{path}: row {i}") for i, r in enumerate(raw_rows, start=2)]
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise DiffError(f"{path}: cannot read: {e.strerror or e}") from None
    found = sniff_claims(data)
    if found is not None and found[1] == "diff":
        raise DiffError(f"{path}: this is a diff output, not claims: compare the claims files "
                        "(or documents) it was made from")
    if found is None:
        if _has_extension(path, OUTPUT_EXTENSIONS):
            raise DiffError(f"{path}: not a claims file: a claims file is written by `govmetrics extract` "
                            "(CSV, TSV, JSON, JSON Lines, .xlsx or .parquet with at least a 'value' column)")
        return None
    kind = found[0]
    text = decode_claims(data)
    rows: list[dict] = []
    if kind in ("csv", "tsv"):
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if kind == "tsv" else ",")
        for i, raw in enumerate(reader, start=2):
            rows.append(_normalise_row(raw, f"{path}:{i}"))
    elif kind == "jsonl":
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise DiffError(f"{path}:{i}: not valid JSON: {e.msg}") from None
            if not isinstance(obj, dict):
                raise DiffError(f"{path}:{i}: expected a JSON object per line")
            rows.append(_normalise_row(obj, f"{path}:{i}"))
    else:
        try:
            objs = json.loads(text)
        except ValueError as e:
            raise DiffError(f"{path}: not valid JSON: {e}") from None
        if not isinstance(objs, list) or not all(isinstance(o, dict) for o in objs):
            raise DiffError(f"{path}: expected a JSON array of claim objects")
        rows.extend(_normalise_row(o, f"{path}: item {i}") for i, o in enumerate(objs, start=1))
    return rows


def _binary_written_by_us(path: str) -> bool:
    """An .xlsx whose document properties name govmetrics as creator, or a .parquet whose
    footer metadata does (both set by writers.py)."""
    try:
        if path.lower().endswith(".xlsx"):
            import zipfile

            with zipfile.ZipFile(path) as z:
                return re.search(rb"<dc:creator[^>]*>govmetrics</dc:creator>", z.read("docProps/core.xml")) is not None
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 65536))
            tail = fh.read()
        return tail.endswith(b"PAR1") and b"govmetrics" in tail
    except (OSError, KeyError, ValueError, Exception):  # noqa: BLE001 - a damaged file is no output of ours
        return False


def is_govmetrics_output(path: str) -> str | None:
    """Why ``path`` (met while walking a directory of documents) is a file govmetrics
    wrote and not a document ('a claims file', 'a diff output'), else None. Only files
    with an output extension are looked at, and only their first 64 KiB."""
    if not _has_extension(path, OUTPUT_EXTENSIONS):
        return None
    if _has_extension(path, (".xlsx", ".parquet")):
        return "a claims file" if _binary_written_by_us(path) else None
    try:
        with open(path, "rb") as fh:
            data = fh.read(65536)
    except OSError:
        return None
    found = sniff_claims(data)
    if found is None:
        return None
    return "a claims file" if found[1] == "claims" else "a diff output"


def load_side(
    path: str,
    rules: Iterable[str] = (),
    encoding: str | None = None,
    warn: Callable[[str], None] | None = None,
    jobs: int | None = None,
) -> Side:
    """Claims of one side: read from an `extract` output file, or extracted from documents."""
    warn = warn or (lambda msg: None)
    p = Path(path)
    if path != "-" and p.is_file():
        rows = read_claims_file(path)
        if rows is not None:
            return Side(rows, "claims")
    elif path != "-" and not p.exists() and not any(c in path for c in "*?["):
        raise DiffError(f"{path}: no such file or directory")
    import inspect

    from .api import RunReport, iter_claims

    report = RunReport()
    kwargs = {"jobs": jobs} if jobs is not None and "jobs" in inspect.signature(iter_claims).parameters else {}
    rows = [c.as_dict() for c in iter_claims([path], tuple(rules), encoding, warn, report, **kwargs)]
    return Side(rows, "documents", list(report.skipped))


# ---------------------------------------------------------------------------- matching


def _doc_name(row: dict) -> str:
    d = str(row.get("doc") or "")
    return os.path.basename(d.rstrip("/\\")) or d


def _key(row: dict, doc: str, regions: bool = True) -> tuple:
    what = row.get("metric") or row.get("subject") or ""
    region = (row.get("region") or "") if regions else ""
    return (doc, what, row.get("kind") or "", bool(row.get("target")), row.get("year"), region, row.get("unit") or "")


def _same(a: dict, b: dict) -> bool:
    return _value_eq(a.get("value"), b.get("value")) and (a.get("qualifier") or "") == (b.get("qualifier") or "")


def _value_eq(a: object, b: object) -> bool:
    try:
        fa, fb = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b
    return fa == fb or abs(fa - fb) <= 1e-9 * max(abs(fa), abs(fb))


def _payload(row: dict) -> tuple:
    v = row.get("value")
    try:
        v = round(float(v), 9)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        pass
    return (v, row.get("qualifier") or "")


def _out(change: str, doc: str, old: dict | None, new: dict | None) -> dict:
    ref = new if old is None else old
    ref_new = old if new is None else new
    # line and sentence: where to look, in the newer version when the claim is still there
    return {
        "change": change,
        "doc": doc,
        "line": ref_new.get("line") or None,
        "metric": ref.get("metric") or "",
        "subject": ref.get("subject") or "",
        "kind": ref.get("kind") or "",
        "target": bool(ref.get("target")),
        "year": ref.get("year"),
        "region": ref.get("region") or "",
        "unit": ref.get("unit") or "",
        "old_value": None if old is None else old.get("value"),
        "new_value": None if new is None else new.get("value"),
        "old_text": "" if old is None else old.get("text") or "",
        "new_text": "" if new is None else new.get("text") or "",
        "sentence": ref_new.get("sentence") or "",
    }


def diff_claims(old: list[dict], new: list[dict]) -> list[dict]:
    """One row per difference (added / removed / changed), in document order.

    When each side holds exactly one document they are compared whatever their names
    (report-2024.txt against report-2025.txt); otherwise documents are paired by base name."""
    old_docs = list(dict.fromkeys(_doc_name(r) for r in old))
    new_docs = list(dict.fromkeys(_doc_name(r) for r in new))
    rename: dict[str, str] = {}
    if len(old_docs) == 1 and len(new_docs) == 1 and old_docs != new_docs:
        rename = {old_docs[0]: new_docs[0]}

    def doc_of(r: dict) -> str:
        d = _doc_name(r)
        return rename.get(d, d)

    # Within each document, stable document order (by start, then position in the input).
    def ordered(rows: list[dict]) -> dict[str, list[dict]]:
        by_doc: dict[str, list[tuple[int, int, dict]]] = defaultdict(list)
        for i, r in enumerate(rows):
            by_doc[doc_of(r)].append((_int(r.get("start")), i, r))
        return {d: [r for _, _, r in sorted(v, key=lambda t: (t[0], t[1]))] for d, v in by_doc.items()}

    old_by_doc, new_by_doc = ordered(old), ordered(new)
    docs = list(dict.fromkeys([*(doc_of(r) for r in old), *(doc_of(r) for r in new)]))
    # A side written before the region column existed has none: then region is no part of the key.
    regions = any(r.get("region") for r in old) and any(r.get("region") for r in new)
    out: list[dict] = []
    for doc in docs:
        out.extend(_diff_doc(doc, old_by_doc.get(doc, []), new_by_doc.get(doc, []), regions))
    return out


def _diff_doc(doc: str, old: list[dict], new: list[dict], regions: bool = True) -> list[dict]:
    import difflib  # here: `extract` imports this module (to spot its own output among the inputs)

    old_groups: dict[tuple, list[int]] = defaultdict(list)
    new_groups: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(old):
        old_groups[_key(r, doc, regions)].append(i)
    for j, r in enumerate(new):
        new_groups[_key(r, doc, regions)].append(j)
    match_of_new: dict[int, int] = {}  # new index -> old index, for claims on both sides
    rows: list[tuple[tuple, dict]] = []
    added: list[int] = []
    for key in dict.fromkeys([*old_groups, *new_groups]):
        oi, ni = old_groups.get(key, []), new_groups.get(key, [])
        sm = difflib.SequenceMatcher(None, [_payload(old[i]) for i in oi], [_payload(new[j]) for j in ni], autojunk=False)
        for tag, a0, a1, b0, b1 in sm.get_opcodes():
            if tag == "equal":
                for a, b in zip(range(a0, a1), range(b0, b1), strict=True):
                    match_of_new[ni[b]] = oi[a]
                continue
            pairs = min(a1 - a0, b1 - b0) if tag == "replace" else 0
            for k in range(pairs):
                o, n = old[oi[a0 + k]], new[ni[b0 + k]]
                match_of_new[ni[b0 + k]] = oi[a0 + k]
                if not _same(o, n):
                    rows.append(((oi[a0 + k], 0, 0), _out("changed", doc, o, n)))
            for a in range(a0 + pairs, a1):
                rows.append(((oi[a], 0, 0), _out("removed", doc, old[oi[a]], None)))
            added.extend(ni[b] for b in range(b0 + pairs, b1))
    # An added claim goes right after the old claim that its nearest matched predecessor
    # in the new document corresponds to.
    added_set = set(added)
    anchor = -1
    for j in range(len(new)):
        if j in match_of_new:
            anchor = match_of_new[j]
        elif j in added_set:
            rows.append(((anchor, 1, j), _out("added", doc, None, new[j])))
    rows.sort(key=lambda t: t[0])
    return [r for _, r in rows]
