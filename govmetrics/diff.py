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
import difflib
import io
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .claim import COLUMNS

DIFF_COLUMNS = [
    "change", "doc", "metric", "subject", "kind", "target", "year", "region", "unit",
    "old_value", "new_value", "old_text", "new_text",
]
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
    if "value" not in raw or "doc" not in raw:
        raise DiffError(f"{where}: not a claims file (the columns 'doc' and 'value' are needed)")
    try:
        value = float(raw["value"])
    except (TypeError, ValueError):
        raise DiffError(f"{where}: value {raw['value']!r} is not a number") from None
    row = {c: raw.get(c, "") for c in COLUMNS}
    row.update(
        value=value,
        start=_int(raw.get("start")),
        end=_int(raw.get("end")),
        line=_int(raw.get("line")),
        target=_bool(raw.get("target", False)),
        year=_year(raw.get("year")),
    )
    for c in ("doc", "doc_date", "text", "unit", "qualifier", "kind", "region", "metric", "subject", "sentence", "rule"):
        row[c] = "" if row[c] is None else str(row[c])
    return row


def _sniff(data: bytes) -> str | None:
    """'csv', 'json' or 'jsonl' when ``data`` looks like `extract` output, else None."""
    try:
        head = data[:65536].decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            head = data[:65532].decode("utf-8-sig")  # cut in the middle of a character
        except UnicodeDecodeError:
            return None
    stripped = head.lstrip()
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0]
        try:
            obj = json.loads(first)
        except ValueError:
            return None
        return "jsonl" if isinstance(obj, dict) and "value" in obj else None
    first_line = head.split("\n", 1)[0].strip("\r")
    header = next(csv.reader([first_line]), [])
    if "doc" in header and "value" in header:
        return "csv"
    return None


def read_claims_file(path: str, data: bytes | None = None) -> list[dict] | None:
    """The claim rows of an `extract` output file, or None when ``path`` is not one."""
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise DiffError(f"{path}: cannot read: {e.strerror or e}") from None
    kind = _sniff(data)
    if kind is None:
        return None
    text = data.decode("utf-8-sig", errors="replace")
    rows: list[dict] = []
    if kind == "csv":
        for i, raw in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
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
    return {
        "change": change,
        "doc": doc,
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
