"""Tables (SPEC §3a): find the tables in a document's text and read every numeric data cell
as a claim, with its unit and kind from the column header (or the unit line above the table),
its subject and metric from the row label read with the caption, and its year from a year
column or row, else the caption, else the document.

Layouts found, all on the decoded text the readers give (HTML, DOCX and PDF tables arrive as
rows of tab-separated cells):

- rows of cells separated by ``|``, tabs or runs of two or more spaces, under one or two
  header rows (a header cell spanning several columns is followed by empty cells, or by
  nothing at the end of the row);
- one cell per line, cells separated by lines holding only ``|`` (rows then inferred from
  the run of labels and numbers), or each cell ending with `` |`` and a bare ``|`` ending a row;
- one cell per line with nothing between: a run of short lines where labels and numbers
  alternate regularly after the header cells.

Lines are split into cells on the original text, so offsets are exact; each cell's text is
normalised on its own (Traditional → Simplified, pinyin annotations and spaces inside numbers
removed), so ``區(qū)`` and ``1 9 9 3`` read as in prose. Everything a domain expert edits is
in ``rules/tables.yaml``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import regex

from .claim import Claim
from .normalize import Normalized, normalize, readable
from .numbers import parse_quantities
from .patterns import compiled, compiled_re
from .rules import RuleSet, derived

RULE_ID = "table_cell"

_PIPE_SPLIT = compiled(r"[|｜│┃]")
_SEPARATOR = compiled_re(r"[|｜│┃\t \u3000\u00a0]")  # the stdlib scans a plain class faster
# What str.isspace accepts but the line break: [^\S\n], spelled out as a plain class, which the
# stdlib scans ~3x faster than [|｜│┃]|[^\S\n] (test_tables checks the two agree).
_SPACE_NOT_NEWLINE = "\t\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A pipe or whitespace other than the line break, and the rest of its line.
_ODD_LINE = compiled_re(f"[|｜│┃{_SPACE_NOT_NEWLINE}][^\n]*")
_PLAIN_SPLIT = compiled(r"(?<=\S) (?=\S)")
_RULE_LINE = compiled(r"^[\s|｜│┃+:\-=—─━┼├┤┌┐└┘┬┴╋╬═╪╫]*[\-=—─━═]{3,}[\s|｜│┃+:\-=—─━┼├┤┌┐└┘┬┴╋╬═╪╫]*$")
_TAB_SPLIT = compiled(r"\t")
_SPACE_SPLIT = compiled(r"(?:[ \u00a0]{2,}|\u3000+[ \u00a0\u3000]*|[ \u00a0]\u3000[ \u00a0\u3000]*)")
_NUMBER = compiled(r"^(?P<sign>[+\-−－]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?P<pct>%|‰)?$")
_FOOTNOTE = compiled(r"(?:\[\d{1,2}\]|[（(]\d{1,2}[)）]|[*＊※]+|注\d)$")
_LEAD_MARK = compiled(r"^[#＃*＊△▲·\-]+")
_YEAR_CELL = compiled(r"^((?:1[89]|20)\d\d)\s*年?(?:末|底|度)?$")
_YEAR_IN = compiled(r"(?<!\d)((?:1[89]|20)\d\d)(?!\d)\s*(?:[-—–~～至到]\s*((?:1[89]|20)\d\d)\s*)?年")
_PARENS = compiled(r"[(（]([^()（）]*)[)）]")
_NUMBERING = compiled(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d))")
_TABLE_NO = compiled(r"^(?:附)?[表图]\s*[\d一二三四五六七八九十]+(?:[-.－]\d+)?(?:\s+|[:：、.]\s*)")
_SENTENCE_END = compiled(r"[。！？!?；;]\s*$")

_SPACES = compiled(r"[\s\u3000]+")
_CLAUSE_PUNCT = compiled(r"[，。；,;]")
_ONE_HAN = compiled(r"\p{Han}")
_DIGIT = compiled(r"\d")
_BLANKISH = compiled(r"[?？\s|｜]+")

_MAX_CELL = 40  # characters: a longer "cell" is prose
_MAX_CAPTION = 60


# ---------------------------------------------------------------- vocabulary


# This module's records are compared by identity and never printed: without generated
# __eq__/__repr__ (__hash__) methods, whose source Python compiles at every start, each
# costs ~0.1-0.5 ms less to create (the same below).
@dataclass(frozen=True, eq=False, repr=False)
class Vocab:
    """The table words of a rule set (growth, share, index, target …)."""

    growth: tuple[str, ...]
    share: tuple[str, ...]
    index: tuple[str, ...]
    target: tuple[str, ...]
    measures: tuple[str, ...]
    corner: frozenset[str]
    dimensions: frozenset[str]
    places: frozenset[str]
    implied_parts: tuple[str, ...]
    count_units: tuple[str, ...]
    names_by_dimension: dict[str, dict[str, str]]
    breakdown_forms: dict[str, tuple[str, ...]]
    year_labels: frozenset[str]
    change_in_cell: regex.Pattern  # 增长8.5% in a cell: a change, its sign from the word
    cell_down: frozenset[str]
    unit_line: regex.Pattern  # 单位：万元 on a line of its own
    unit_in: regex.Pattern  # …（单位：万元） inside a caption or header
    unit_column: frozenset[str]
    serial_column: frozenset[str]
    total_labels: frozenset[str]
    label_prefixes: tuple[str, ...]
    placeholders: frozenset[str]
    parts: tuple[tuple[str, str], ...]
    ratio_parts: tuple[tuple[str, tuple[str, ...]], ...]
    aliases: dict[str, str]  # Chinese name → metric id
    rs: RuleSet


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted({str(w) for w in words}, key=lambda w: (-len(w), w)))


@derived
def vocab_for(rs: RuleSet) -> Vocab:
    t = rs.data.get("tables", {})
    metrics = rs.data.get("metrics", {})
    aliases: dict[str, str] = {}
    for mid, names in metrics.items():
        if isinstance(names, dict):  # the catalogue's richer form
            names = names.get("aliases", [])
        for a in names or []:
            aliases[str(a)] = mid
    parts = t.get("parts", {}) or {}
    unit_words = "|".join(map(regex.escape, _longest_first(t.get("unit_column", []) or ["单位"])))
    ratio = t.get("ratio_parts", {}) or {}
    return Vocab(
        growth=_longest_first(t.get("growth", [])),
        share=_longest_first(t.get("share", [])),
        index=_longest_first(t.get("index", [])),
        target=_longest_first(t.get("target", [])),
        measures=_longest_first(t.get("measures", [])),
        corner=frozenset(_squash(w) for w in t.get("corner", [])),
        dimensions=frozenset(_squash(w) for w in [*t.get("dimensions", []), *t.get("places", [])]),
        places=frozenset(_squash(w) for w in t.get("places", [])),
        implied_parts=tuple(t.get("implied_parts", [])),
        count_units=tuple(t.get("count_units", [])),
        year_labels=frozenset(_squash(w) for w in t.get("year_labels", [])),
        change_in_cell=compiled("^(?:" + "|".join(map(regex.escape, _longest_first(
            [*t.get("cell_up", []), *t.get("cell_down", [])]))) + ")") if t.get("cell_up") or t.get("cell_down")
        else compiled("(?!)"),
        cell_down=frozenset(t.get("cell_down", [])),
        unit_line=compiled(r"^\s*(?:" + unit_words + r")\s*[:：]?\s*(\S{1,8})\s*$"),
        unit_in=compiled(r"(?:" + unit_words + r")\s*[:：]\s*([^\s,，;；)）]{1,8})"),
        breakdown_forms={str(k): tuple(v) if isinstance(v, list) else (str(v),)
                         for k, v in (t.get("breakdown_forms", {}) or {}).items()},
        names_by_dimension={_squash(str(k)): {str(a): str(b) for a, b in (v or {}).items()}
                            for k, v in (t.get("names_by_dimension", {}) or {}).items()},
        unit_column=frozenset(t.get("unit_column", [])),
        serial_column=frozenset(t.get("serial_column", [])),
        total_labels=frozenset(t.get("total_labels", [])),
        label_prefixes=_longest_first(t.get("label_prefixes", [])),
        placeholders=frozenset(t.get("placeholders", [])),
        parts=tuple(sorted(((str(k), str(v)) for k, v in parts.items()), key=lambda kv: -len(kv[0]))),
        ratio_parts=tuple(sorted(((str(k), tuple(v)) for k, v in ratio.items()), key=lambda kv: -len(kv[0]))),
        aliases=aliases,
        rs=rs,
    )


_LIST_KEYS = frozenset(("growth", "share", "index", "target", "measures", "corner", "dimensions", "year_labels",
                        "places", "unit_column", "serial_column", "total_labels", "label_prefixes", "placeholders",
                        "cell_up", "cell_down", "implied_parts", "count_units"))
_MAP_KEYS = frozenset(("parts", "ratio_parts", "names_by_dimension", "breakdown_forms"))


def check_tables(body: Any, where: str) -> list[str]:
    """Problems of a rule file's `tables` section, one message each (empty when it is fine)."""
    if not isinstance(body, dict):
        return [f"{where}: section 'tables' must be a mapping"]
    line = body.get("__line__", "")
    at = f"{where.rsplit(':', 1)[0]}:{line}" if line else where
    out = []
    for key, value in body.items():
        if key == "__line__":
            continue
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(w, (str, int)) for w in value):
                out.append(f"{at}: tables.{key} must be a list of words")
        elif key in _MAP_KEYS:
            if not isinstance(value, dict):
                out.append(f"{at}: tables.{key} must be a mapping")
        else:
            known = ", ".join(sorted(_LIST_KEYS | _MAP_KEYS))
            out.append(f"{at}: unknown key tables.{key} (known: {known})")
    return out


def _short_cell(text: str) -> bool:
    """Short enough for a cell and without ，/。 (prose has them)."""
    return len(text) <= _MAX_CELL and "，" not in text and "。" not in text


def _squash(s: str) -> str:
    """A name without spaces (headers are often spaced out: 指 标, 全 省)."""
    return _SPACES.sub("", s)


# ---------------------------------------------------------------- cells and rows


@dataclass(eq=False, repr=False)
class Cell:
    """One cell of a table."""

    a: int  # original offsets of the cell's text (stripped)
    b: int
    text: str  # normalised, spaces squashed out
    norm: Normalized | None = None  # the cell's own normalisation (offsets relative to a)


@dataclass(eq=False, repr=False)
class Row:
    """One data row of a table."""

    cells: list[Cell]
    start: int  # original offsets of the line(s)
    end: int


@dataclass(eq=False, repr=False)
class Table:
    """A table found in the text: its header rows, data rows, caption and unit line."""

    header: list[list[Cell]]
    rows: list[Row]
    caption: str = ""
    unit_line: str = ""
    layout: str = ""
    line_start: int = 0  # original offset where the table (its first header row) starts
    cut_off: bool = False  # the text ends inside the last row


def _cell(original: str, a: int, b: int) -> Cell:
    while a < b and original[a] in " \t\u00a0\u3000|｜":
        a += 1
    while b > a and original[b - 1] in " \t\u00a0\u3000|｜\r":
        b -= 1
    raw = original[a:b]
    if not raw:
        return Cell(a, a, "")
    norm = normalize(raw)
    return Cell(a, b, _squash(norm.text), norm)


class _Lines(list[tuple[int, int]]):
    """The [start, end) of each line of ``original``, with what find_tables asks of a line
    again and again (from several starts, by both layouts) worked out once: whether a
    separator stands within its text (only such a line can be cut into cells) and its cells
    (``split``)."""

    def __init__(self, original: str) -> None:
        super().__init__()
        self.original = original
        # The lines a table can start at: those with a separator within their text (a row for
        # _row_table) and the short lines without ，/。 (a cell for _vertical_table). From any
        # other line both give up at once, so find_tables skips it without asking them.
        self.starts: list[int] = []
        self._cells: dict[int, tuple[str, list[tuple[int, int]]] | None] = {}
        self._rows: set[int] = set()  # the lines with a separator within their text
        # A line without whitespace or pipes is its own text stripped: only its length and
        # its ，/。 decide, without the strips and the search below.
        odd = [m.start() for m in _ODD_LINE.finditer(original)]  # one in each line holding any
        k = pos = 0
        for i, piece in enumerate(original.split("\n")):
            end = pos + len(piece)
            self.append((pos, end))
            if k < len(odd) and odd[k] <= end:
                k += 1
                core = piece.strip(" \u00a0\u3000\r")
                if core and _SEPARATOR.search(core):
                    self._rows.add(i)
                    self.starts.append(i)
                elif core and _short_cell(core.strip()):
                    self.starts.append(i)
            elif piece and _short_cell(piece):
                self.starts.append(i)
            pos = end + 1

    def split(self, j: int, plain: bool = True) -> tuple[str, list[tuple[int, int]]] | None:
        """Line ``j``'s cells (see _split); without ``plain``, single spaces separate none."""
        if j not in self._rows:
            return None  # _split finds no separator within the line's text
        if j in self._cells:
            cells = self._cells[j]
        else:
            cells = self._cells[j] = _split(self.original, *self[j])
        return None if not plain and cells is not None and cells[0] == "plain" else cells


def _split(original: str, a: int, b: int) -> tuple[str, list[tuple[int, int]]] | None:
    """The cells of one line: ('pipe'|'tab'|'space'|'plain', spans), or None when it is no row."""
    if b - a > 600:
        return None  # a paragraph, not a row
    line = original[a:b]
    if not _SEPARATOR.search(line):
        return None  # no separator at all: the common case of prose, decided at once
    stripped = line.strip()
    if not stripped or len(stripped) > 400 or _TABLE_NO.match(stripped):
        return None  # (表3  2023年…: a caption, whatever spaces it holds)
    lead = a + (len(line) - len(line.lstrip()))
    end = lead + len(stripped)
    for kind, pat in (("pipe", _PIPE_SPLIT), ("tab", _TAB_SPLIT), ("space", _SPACE_SPLIT), ("plain", _PLAIN_SPLIT)):
        if kind == "tab":
            # Leading tabs are empty cells (an empty corner cell), not indentation.
            kept = line.strip(" \u00a0\u3000\r")
            if kept:
                lead = a + line.index(kept)
                end = lead + len(kept)
        seps = list(pat.finditer(original, lead, end))
        if not seps:
            continue
        spans = []
        pos = lead
        for m in seps:
            spans.append((pos, m.start()))
            pos = m.end()
        spans.append((pos, end))
        if kind == "pipe":
            # A leading / trailing pipe closes the row: no cell beyond it.
            if spans and not original[spans[0][0]:spans[0][1]].strip():
                spans = spans[1:]
            if spans and not original[spans[-1][0]:spans[-1][1]].strip():
                spans = spans[:-1]
        if kind == "plain":
            # Single spaces (a PDF's text layer): short cells only, no sentence punctuation;
            # the rows of such a table must hold nothing but figures after the label (_shape).
            texts = [original[x:y] for x, y in spans]
            if len(spans) > 12 or max(map(len, texts)) > 20 or _CLAUSE_PUNCT.search(stripped):
                return None
        if kind == "space":
            # A label spaced out to the column's width (全  市, 指    标): single characters
            # before the first real cell are one cell.
            k = 0
            while k < len(spans) and _ONE_HAN.fullmatch(original[spans[k][0]:spans[k][1]]):
                k += 1
            if k >= 2:
                spans = [(spans[0][0], spans[k - 1][1]), *spans[k:]]
        if len(spans) >= 2:
            return kind, spans
        return None
    return None


def _numeric(text: str, vocab: Vocab) -> bool:
    return _read_number(text, vocab) is not None


def _read_number(text: str, vocab: Vocab) -> tuple[float, int, int, str, int] | None:
    """A cell holding one figure: (value, start, end, unit-in-cell, change sign) in the cell's
    normalised text (without spaces); None for labels, placeholders and empty cells."""
    t = text
    if not t or t in vocab.placeholders:
        return None
    fn = _FOOTNOTE.search(t)
    core_end = fn.start() if fn else len(t)
    m = _NUMBER.match(t[:core_end])
    if m:
        sign = -1.0 if m.group("sign") in ("-", "−", "－") else 1.0
        value = float(m.group("num").replace(",", "")) * sign
        return value, m.start("sign") if m.group("sign") else m.start("num"), m.end(), m.group("pct") or "", 0
    if len(t) > 16:
        return None
    change = vocab.change_in_cell.match(t)
    rest = t[change.end():] if change else t
    qs = parse_quantities(rest, vocab.rs)
    if len(qs) != 1 or not qs[0].unit or not _DIGIT.search(rest):
        return None
    off = change.end() if change else 0
    sign = (-1 if change.group() in vocab.cell_down else 1) if change else 0
    return qs[0].value, off, len(t), qs[0].unit, sign




def find_tables(original: str, vocab: Vocab) -> list[Table]:
    """Every table in the text, in document order."""
    lines = _Lines(original)
    tables: list[Table] = []
    starts = lines.starts
    i = 0
    n = len(lines)
    while i < n:
        k = bisect.bisect_left(starts, i)
        if k == len(starts):
            break
        i = starts[k]  # the lines before can start no table
        t, nxt = _row_table(original, lines, i, vocab) or _vertical_table(original, lines, i, vocab)
        if t is not None:
            tables.append(t)
        i = max(nxt, i + 1)
    return tables


def _row_table(original: str, lines: _Lines, i: int, vocab: Vocab) -> tuple[Table | None, int] | None:
    """A table of rows starting at line ``i``: (table, next line); (None, next line) past a
    run of rows that holds no table; None when line ``i`` is no row."""
    first = lines.split(i)
    if first is None:
        return None
    kind = first[0]
    rows: list[Row] = []
    j = i
    while j < len(lines):
        a, b = lines[j]
        if rows and _RULE_LINE.match(original[a:b]):
            j += 1  # a ruled line (|---|---|, +----+): part of the table's drawing
            continue
        if not original[a:b].strip():
            # A blank line inside a table: go on only when the next line is a row of the same kind.
            if j + 1 < len(lines) and (s := lines.split(j + 1)) and s[0] == kind and rows:
                j += 1
                continue
            break
        s = lines.split(j)
        if s is None or s[0] != kind:
            break
        cells = [_cell(original, x, y) for x, y in s[1]]
        if any(len(c.text) > _MAX_CELL for c in cells):
            break
        rows.append(Row(cells, a, b))
        j += 1
    if len(rows) < 2:
        return None
    table = _shape(rows, vocab, kind)
    if table is None:
        return None, j
    first = next(k for k in range(i, j) if lines[k][0] == table.line_start)
    _caption(original, lines, first, table, vocab)
    return table, j


def _shape(rows: list[Row], vocab: Vocab, layout: str) -> Table | None:
    """Split rows into header rows and data rows; None when no row holds a figure."""
    if all(len(r.cells) > 2 and not r.cells[0].text for r in rows):
        rows = [Row(r.cells[1:], r.start, r.end) for r in rows]  # every row indented by a tab
    def is_data(r: Row) -> bool:
        nums = [c for c in r.cells[1:] if _numeric(c.text, vocab)]
        if not nums:
            return False
        if layout == "plain" and len(nums) < len([c for c in r.cells[1:] if c.text not in vocab.placeholders]):
            return False  # single spaces separate words too: a row must be label + figures
        # A header of years (| 指标 | 2021 | 2022 |) is no data row.
        return not all(_YEAR_CELL.match(c.text) for c in r.cells[1:] if c.text)

    first_data = next((k for k, r in enumerate(rows) if is_data(r)), None)
    if first_data is None:
        return None
    heads = rows[:first_data][-2:]
    if layout == "plain":
        # Words are spaced too: only a last line of as many cells as the data is a header.
        width = max(len(r.cells) for r in rows[first_data:])
        heads = [r for r in heads[-1:] if len(r.cells) in (width - 1, width)]
    header = [r.cells for r in heads]
    data = [r for r in rows[first_data:]]
    # Rows after the data that are no data (notes) end the table.
    while data and not is_data(data[-1]):
        data.pop()
    if not data:
        return None
    return Table(header, data, layout=layout, line_start=(heads[0] if heads else data[0]).start)


def _caption(original: str, lines: list[tuple[int, int]], i: int, table: Table, vocab: Vocab) -> None:
    """The caption and the unit line: the short lines right above the table."""
    k = i - 1
    seen = 0
    while k >= 0 and seen < 3:
        a, b = lines[k]
        raw = original[a:b].strip()
        k -= 1
        if not raw or _BLANKISH.fullmatch(raw) or _RULE_LINE.match(raw):
            continue
        seen += 1
        text = " ".join(normalize(_TABLE_NO.sub("", raw)).text.split())
        um = vocab.unit_line.match(_squash(text).strip("()（）"))
        if um and not table.unit_line:
            table.unit_line = um.group(1)
            continue
        if len(text) > _MAX_CAPTION or _SENTENCE_END.search(text) or "，" in raw or "," in text.rstrip(")"):
            break
        table.caption = text
        um = vocab.unit_in.search(text)
        if um and not table.unit_line:
            table.unit_line = um.group(1)
        break


# ---------------------------------------------------------------- one cell per line


def _vertical_table(original: str, lines: _Lines, i: int, vocab: Vocab) -> tuple[Table | None, int]:
    """Cells one per line: separated by bare ``|`` lines, ending with `` |``, or bare. Without
    a table, the line to go on from (past a run of short lines that holds none)."""
    items: list[tuple[str, int, int]] = []  # ('sep', a, b) or ('cell', a, b) or ('end', a, b)
    j = i
    piped = False
    while j < len(lines):
        a, b = lines[j]
        raw = original[a:b].strip()
        if raw in ("|", "｜"):
            items.append(("sep", a, b))
            piped = True
        elif raw and (lines.split(j, plain=False) is not None or (
                lines.split(j) is not None and j + 1 < len(lines) and lines.split(j + 1))):
            break  # a row of several cells (two rows of single-spaced cells): a row table starts here
        elif raw and _short_cell(raw) and not _SENTENCE_END.search(raw):
            items.append(("end" if raw[-1] in "|｜" else "cell", a, b))
            piped = piped or raw[-1] in "|｜"
        elif not raw and items and j + 1 < len(lines) and original[slice(*lines[j + 1])].strip():
            pass  # a blank line inside the run
        else:
            break
        j += 1
    run_end = max(j, i + 1)
    if not items:
        return None, i + 1
    if piped:
        # Short lines before the first pipe are the caption, not cells.
        first = next(k for k, it in enumerate(items) if it[0] != "cell")
        items = items[first:]
        i = bisect.bisect_right([ln[0] for ln in lines], items[0][1]) - 1
    cells_n = sum(1 for it in items if it[0] != "sep")
    if cells_n < 4:
        return None, run_end
    ends = sum(1 for it in items if it[0] == "end")
    rows: list[list[Cell]] = []
    if ends >= cells_n * 0.6:
        # Every cell ends with " |"; a bare "|" ends a row.
        cur: list[Cell] = []
        for kind, a, b in items:
            if kind == "sep":
                if cur:
                    rows.append(cur)
                cur = []
            else:
                cur.append(_cell(original, a, b))
        if cur:
            rows.append(cur)
        row_objs = [Row(r, r[0].a, r[-1].b) for r in rows if r]
        if len(row_objs) < 2:
            return None, run_end
        table = _shape(row_objs, vocab, "column")
        if table is None:
            return None, run_end
        last = table.rows[-1].end
        nxt = next((k for k in range(i, len(lines)) if lines[k][0] > last), len(lines))
        _caption(original, lines, i, table, vocab)
        return table, nxt
    if not piped and cells_n < 6:
        return None, run_end
    seq: list[Cell] = []
    for k, (kind, a, b) in enumerate(items):
        if kind != "sep":
            seq.append(_cell(original, a, b))
        elif k and items[k - 1][0] == "sep" and seq:
            seq.append(Cell(a, a, ""))  # two separators in a row: an empty cell
    built = _infer_rows(seq, vocab, bare=not piped)
    if built is None:
        return None, run_end
    header, data, first_index = built
    table = Table(header, data, layout="column", line_start=(header[0][0].a if header and header[0] else data[0].start))
    # The caption is the line above the first cell used.
    first_line = bisect.bisect_right([ln[0] for ln in lines], seq[first_index].a) - 1
    _caption(original, lines, first_line, table, vocab)
    last = data[-1].end
    nxt = next((k for k in range(i, len(lines)) if lines[k][0] > last), len(lines))
    return table, nxt


def _infer_rows(seq: list[Cell], vocab: Vocab, bare: bool) -> tuple[list[list[Cell]], list[Row], int] | None:
    """Rows of a cell sequence with no row marks: after the header cells, a label and then
    as many numbers as there are columns, again and again."""
    f = next((k for k, c in enumerate(seq) if k >= 1 and _numeric(c.text, vocab) and not _numeric(seq[k - 1].text, vocab)), None)
    if f is None:
        return None
    k = 0
    while f + k < len(seq) and (_numeric(seq[f + k].text, vocab) or not seq[f + k].text):
        k += 1
    while k > 1 and not seq[f + k - 1].text:
        k -= 1  # the run ends with its last figure
    # A unit column (指标 / 单位 / 1-12月 / 同比增长): each label is followed by its unit.
    lead = 2 if f >= 2 and not _numeric(seq[f - 2].text, vocab) and any(
        _squash(c.text) in vocab.unit_column for c in seq[:f - 2]) else 1
    width = k + lead
    rows: list[Row] = []
    p = f - lead
    while p + width <= len(seq):
        chunk = seq[p:p + width]
        if _numeric(chunk[0].text, vocab) and not _YEAR_CELL.match(chunk[0].text):
            break
        if lead == 2 and (_numeric(chunk[1].text, vocab) or len(chunk[1].text) > 8):
            break  # no unit after the label
        if not all(_numeric(c.text, vocab) or c.text in vocab.placeholders or not c.text for c in chunk[lead:]):
            break
        rows.append(Row(chunk, chunk[0].a, chunk[-1].b))
        p += width
    if len(rows) < (2 if bare else 1):
        return None
    before = seq[:f - lead]
    if len(before) >= width and _squash(before[-width].text) in vocab.corner:
        head = before[-width:]
    elif lead == 1 and len(before) >= k:
        head = [Cell(before[-k].a, before[-k].a, ""), *before[-k:]]
    else:
        return None
    if bare and not any(_header_info(c.text, vocab).says_something for c in head[1:]) and not head[0].text:
        return None  # a run of short lines that is no table
    first_index = seq.index(head[1]) if not head[0].text else seq.index(head[0])
    return [head], rows, first_index


# ---------------------------------------------------------------- headers


@dataclass(eq=False, repr=False)
class HeaderInfo:
    """What a header cell says: its unit, kind, year and the name left over."""

    text: str = ""
    unit_word: str = ""  # 亿元, %, 万人 …
    kind: str = ""  # growth | share | level (index) | ''
    year: int | None = None
    name: str = ""  # what remains: 第一产业, 现价, 全省, 户数 …
    target: bool = False
    says_something: bool = False


def _unit_of_word(word: str, rs: RuleSet) -> tuple[str, float] | None:
    """(base unit, factor) of a unit word (亿元 → 元, 1e8), or None when it is none."""
    word = word.strip()
    if not word:
        return None
    if word in ("%", "％"):
        return "%", 1.0
    qs = parse_quantities("1" + word, rs)
    if len(qs) == 1 and qs[0].unit:
        return qs[0].unit, qs[0].value
    return None


def _header_info(text: str, vocab: Vocab) -> HeaderInfo:
    rs = vocab.rs
    h = HeaderInfo(text=text)
    rest = text
    for m in list(_PARENS.finditer(text)):
        inner = m.group(1).replace("单位:", "").replace("单位：", "").strip()
        if _unit_of_word(inner, rs):
            h.unit_word = inner
            rest = rest.replace(m.group(), "")
        elif any(w in inner for w in vocab.index):
            h.kind = "level"
            h.unit_word = "%"
            rest = rest.replace(m.group(), "")
    if not h.unit_word:
        um = vocab.unit_in.search(rest)
        if um and _unit_of_word(um.group(1), rs):
            h.unit_word = um.group(1)
            rest = rest[:um.start()] + rest[um.end():]
    if not h.unit_word and rest.endswith(("%", "％")):
        h.unit_word = "%"
        rest = rest[:-1]
    y = _YEAR_CELL.match(rest) or _YEAR_IN.search(rest)
    if y:
        h.year = int(y.group(2) if y.lastindex and y.lastindex >= 2 and y.group(2) else y.group(1))
        rest = rest.replace(y.group(), "")
    if any(w in rest for w in vocab.index) or "=100" in text:
        h.kind, h.unit_word = "level", h.unit_word or "%"
    elif any(w in rest for w in vocab.growth):
        h.kind = "growth"
    elif any(w in rest for w in vocab.share):
        h.kind = "share"
    h.target = any(w in rest for w in vocab.target)
    for w in (*vocab.growth, *vocab.share, *vocab.measures):
        if w in rest and len(w) >= 2:
            rest = rest.replace(w, "")
    rest = rest.strip("()（）:：,，、 %")
    # A corner word glued to the first header (a PDF line 指标绝对数(亿元)) names nothing.
    for w in sorted(vocab.corner, key=len, reverse=True):
        if rest.startswith(w) and rest != text:
            rest = rest[len(w):]
            break
    h.name = rest
    if not h.unit_word and rest.endswith("数") and len(rest) >= 2:
        # 户数 → 户, 人数 → 人, 人口数 → 人: a count of the thing named.
        stem = rest[:-1]
        counted = rs.data.get("count_nouns", {}).get(stem)
        if counted or _unit_of_word(stem, rs):
            h.unit_word = counted or stem
    h.says_something = bool(h.unit_word or h.kind or h.year)
    return h


# ---------------------------------------------------------------- claims


@dataclass(eq=False, repr=False)
class TableCellClaim:
    """A claim read from a table cell, and how it was read."""

    claim: Claim
    how: str


class TableClaims(list):
    """The claims of a document's table cells; ``headers`` holds the original spans of the
    tables' header rows, unit lines and label cells, where no prose claim belongs."""

    def __init__(self, cells=(), headers=()) -> None:
        super().__init__(cells)
        self.headers: list[tuple[int, int]] = list(headers)


@dataclass(eq=False, repr=False)
class _Column:
    """A column of a table and the header cells above it."""

    index: int
    headers: list[HeaderInfo] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " / ".join(h.text for h in self.headers if h.text)

    def first(self, attr: str):
        for h in reversed(self.headers):  # the lowest header row is the most specific
            v = getattr(h, attr)
            if v:
                return v
        return None


def _columns(table: Table, width: int, vocab: Vocab) -> list[_Column]:
    cols = [_Column(j) for j in range(width)]
    if not table.header:
        return cols
    rows = [[c.text for c in r] for r in table.header]
    if len(rows) == 1 and len(rows[0]) == width - 1 and _squash(rows[0][0]) not in vocab.corner:
        rows[0] = ["", *rows[0]]  # one header cell short, and no corner word: the corner is empty
    # The first header row: a cell followed by empty cells (or by nothing) spans them.
    top = rows[0] + [""] * max(0, width - len(rows[0]))
    top = top[:width]
    spans: list[int] = []
    owner = [0] * width
    for j in range(width):
        if top[j] or j == 0:
            owner[j] = j
        else:
            owner[j] = owner[j - 1]
            spans.append(j)
    multi = sorted({j for j in range(width) if owner.count(owner[j]) > 1})
    for j in range(width):
        cols[j].headers.append(_header_info(top[owner[j]], vocab))
    for extra in rows[1:]:
        cells = [t for t in extra]
        while cells and not cells[-1]:
            cells.pop()
        placed: dict[int, str] = {}
        if len(cells) == width:
            placed = {j: t for j, t in enumerate(cells) if t}
        else:
            texts = [t for t in cells if t]
            if len(texts) == len(multi):
                placed = dict(zip(multi, texts, strict=True))
            else:
                placed = {width - len(texts) + i: t for i, t in enumerate(texts) if width - len(texts) + i >= 0}
        for j, t in placed.items():
            cols[j].headers.append(_header_info(t, vocab))
    return cols


def _clean_label(text: str, vocab: Vocab) -> tuple[str, str, bool]:
    """(name, unit word in brackets, is a part) of a row label: 其中:第一产业 → 第一产业, part."""
    t = _squash(text)
    part = False
    changed = True
    while changed and t:
        changed = False
        for p in vocab.label_prefixes:
            if t.startswith(p) and len(t) > len(p):
                t = t[len(p):].lstrip(":：")
                part = changed = True
                break
    t = _NUMBERING.sub("", t)
    t = _LEAD_MARK.sub("", t)
    t = _FOOTNOTE.sub("", t)
    unit = ""
    for m in list(_PARENS.finditer(t)):
        inner = m.group(1).replace("单位:", "").replace("单位：", "")
        if _unit_of_word(inner, vocab.rs):
            unit = inner
            t = t.replace(m.group(), "")
    return t.strip(), unit, part


def _caption_year(caption: str) -> int | None:
    ys = [int(m.group(2) or m.group(1)) for m in _YEAR_IN.finditer(caption)]
    return ys[-1] if ys else None


def _caption_kind(caption: str, vocab: Vocab) -> str:
    rest = caption
    for w in vocab.measures:
        rest = rest.replace(w, "")
    share = any(w in rest for w in vocab.share)
    growth = any(w in rest for w in vocab.growth)
    if share and not growth:
        return "share"
    if growth and not share:
        return "growth"
    return ""


def _caption_subject(caption: str, vocab: Vocab) -> str:
    """The indicator a caption names (2024年全市地区生产总值及其增长速度 → 地区生产总值)."""
    best = ""
    for alias in vocab.aliases:
        if alias in caption and len(alias) > len(best):
            best = alias
    return best


def _part_suffix(caption: str, vocab: Vocab) -> str:
    for word, suffix in vocab.parts:
        if word in caption:
            return suffix
    return ""


def _metric(name: str, vocab: Vocab) -> str:
    key = name.replace("、", "")
    if key in vocab.aliases:
        return vocab.aliases[key]
    return ""


def _contained_metric(name: str, vocab: Vocab) -> str:
    """The longest catalogue name inside ``name`` (居民消费价格总指数 → 居民消费价格)."""
    key = name.replace("、", "")
    best = ""
    for alias in vocab.aliases:
        if len(alias) >= 4 and alias in key and len(alias) > len(best) and len(alias) * 3 >= len(key) * 2:
            best = alias
    return vocab.aliases[best] if best else ""


def _indicator(base: str, caption: str, vocab: Vocab, named: bool = False, parent: str = "") -> tuple[str, str, str]:
    """(subject, metric, how) for a name read with the caption: the part's own name (第一产业
    under a caption on 地区生产总值 → 第一产业增加值; 城镇居民 under 人均可支配收入 →
    城镇居民人均可支配收入) when the catalogue knows it, else the name alone."""
    key = base.replace("、", "")
    if named and (m := _metric(key, vocab)):
        return key, m, "row name"  # a full name given by rules/tables.yaml (names_by_dimension)
    suffix = _part_suffix(caption, vocab)
    whole = _caption_subject(caption, vocab)
    candidates = []
    if suffix and suffix not in key:
        candidates.append((key + suffix, f"row name + '{suffix}' from the caption"))
    if whole and whole not in key and not any(key.endswith(w) for w in (suffix, whole) if w):
        candidates.append((key + whole, f"row name + '{whole}' from the caption"))
    if parent and parent != key:
        # 其中:男性 under 常住人口 → 男性常住人口, 男性人口 (the catalogue says which exists).
        candidates += [(key + parent[-k:], f"row name + '{parent[-k:]}' from the row '{parent}' it is part of")
                       for k in range(len(parent), 1, -1)]
    for name, how in candidates:
        if m := _metric(name, vocab):
            return name, m, how
    # The name alone: a short name (第一产业) under a caption on something else (固定资产投资)
    # would name another series, so it counts only for the caption's own whole.
    own = _metric(key, vocab)
    parts_of = [w for w, _ in vocab.parts if w in caption]
    topic = _metric(whole, vocab) if whole else ""
    if own and (not candidates or not topic or own.split(".")[0] == topic.split(".")[0]
                or any(w in key for w in parts_of) or (whole and whole in key)):
        return key, own, "row name"
    if not own:
        # An industry named alone in a table of indicators (规模以上工业 | 亿元 | 88.64) stands
        # for its value added when the catalogue knows that name (implied_parts).
        for word in vocab.implied_parts:
            if not key.endswith(word) and (m := _metric(key + word, vocab)):
                return key + word, m, f"row name + '{word}' (implied)"
    name, how = candidates[0] if candidates else (key, "row name")
    return name, ("" if candidates else _contained_metric(name, vocab)), how


def read_table(table: Table, rs: RuleSet, vocab: Vocab, doc_year: int | None) -> list[tuple[int, int, dict, str]]:
    """(original start, original end, fields, how) for every numeric data cell of a table."""
    width = max(len(r.cells) for r in table.rows)
    cols = _columns(table, width, vocab)
    caption = table.caption
    serial = {j for j, c in enumerate(cols) if any(_squash(h.text) in vocab.serial_column for h in c.headers)}
    firsts = [r.cells[0].text for r in table.rows if len(r.cells) > 1]
    seconds = [r.cells[1].text for r in table.rows if len(r.cells) > 1]
    if width > 2 and firsts and all(regex.fullmatch(r"\d{1,3}[.、]?", t) for t in firsts) and sum(
            not _numeric(t, vocab) for t in seconds) * 2 > len(seconds):
        serial.add(0)  # 1, 2, 3 … before the labels: serial numbers without a header
    label_col = 1 if 0 in serial and width > 2 else 0
    label_head = _squash(cols[label_col].headers[0].text) if cols[label_col].headers else ""
    unit_col = next((j for j, c in enumerate(cols) if j != label_col
                     and any(_squash(h.text) in vocab.unit_column for h in c.headers)), None)
    label_is_year = label_head in vocab.year_labels or all(
        _YEAR_CELL.match(r.cells[label_col].text) for r in table.rows if len(r.cells) > label_col)
    dimension = label_is_year or label_head in vocab.dimensions
    cap_year = _caption_year(caption)
    cap_kind = _caption_kind(caption, vocab)
    cap_subject = _caption_subject(caption, vocab)
    cap_target = any(w in caption for w in vocab.target)
    cap_index = any(w in caption for w in vocab.index)  # (上年=100): every cell is an index
    # Rows of a kind that changes what the columns mean (派出所: household-register counts).
    labels = [r.cells[label_col].text for r in table.rows if len(r.cells) > label_col]
    rename = [(key, names) for key, names in vocab.names_by_dimension.items()
              if label_head == key or any(lb.endswith(key) for lb in labels)]
    first_unit = regex.split(r"[、,，/;；]", table.unit_line)[0] if table.unit_line else ""
    table_unit = first_unit if first_unit and _unit_of_word(first_unit, rs) else ""
    # Labels indented under a row (  城镇居民 under 全体居民人均可支配收入) are its parts.
    indents = [r.cells[label_col].a - r.start for r in table.rows if len(r.cells) > label_col]
    base_indent = min(indents) if indents else 0
    indented = any(i > base_indent for i in indents)
    in_group, parent = False, ""
    out = []
    for row in table.rows:
        cells = row.cells
        if row is table.rows[-1] and table.cut_off:
            cells = cells[:-1]  # the text ends inside this row: its last figure is cut off
        if len(cells) > width:
            cells = [c for c in cells if c.text]
        if len(cells) <= label_col:
            continue
        label_cell = cells[label_col]
        label, label_unit, part = _clean_label(label_cell.text, vocab)
        if indented and label not in vocab.total_labels:
            # With indentation, a row is part of the one above only when it is indented itself.
            part = part or label_cell.a - row.start > base_indent
            in_group = False
        # Rows under 其中: are parts of the last row above them that names an indicator.
        in_group = part or in_group
        if not part and not in_group and _metric(label, vocab):
            parent = label
        elif not part and in_group and _metric(label, vocab) and not parent:
            parent = label
        row_year = None
        ym = _YEAR_CELL.match(label_cell.text)
        if ym and (label_is_year or dimension):
            row_year = int(ym.group(1))
        row_unit = label_unit
        if unit_col is not None and unit_col < len(cells) and cells[unit_col].text:
            row_unit = cells[unit_col].text
        for j, cell in enumerate(cells):
            if j == label_col or j in serial or j == unit_col or j >= width:
                continue
            num = _read_number(cell.text, vocab)
            if num is None:
                continue
            value, s0, s1, cell_unit, cell_sign = num
            col = cols[j]
            col_unit = col.first("unit_word") or ""
            col_kind = col.first("kind") or ""
            unit_src = ""
            if cell_unit:
                unit_word, unit_src = cell_unit, "the cell"
            elif col_unit:
                unit_word, unit_src = col_unit, f"column header '{col.text}'"
            elif row_unit and col_kind not in ("growth", "share"):
                unit_word, unit_src = row_unit, f"row '{label_cell.text}'"
            elif col_kind in ("growth", "share"):
                unit_word, unit_src = "%", f"column header '{col.text}' ({col_kind})"
            elif table_unit:
                unit_word, unit_src = table_unit, f"unit line '单位：{table_unit}'"
            elif cap_index:
                unit_word, unit_src = "%", f"caption '{caption}' (an index)"
            elif cap_kind:
                unit_word, unit_src = "%", f"caption '{caption}' ({cap_kind})"
            else:
                continue  # a bare number with no unit anywhere: no claim
            if cell_unit and cell_unit != "%" and not cell_unit.startswith(("%", "‰")):
                base, factor = cell_unit, 1.0  # parse_quantities already folded the magnitude
            else:
                bu = _unit_of_word(unit_word, rs)
                count = next((w for w in vocab.count_units if unit_word.endswith(w)), "")
                if count and unit_src.startswith("row") and (mag := _unit_of_word(unit_word[:-len(count)] + "个", rs)):
                    bu = count, mag[1]  # 集成电路 | 亿块: pieces, not 元 (count_units)
                if bu is None:
                    continue
                base, factor = bu
            kind_src = ""
            if col_kind:
                kind, kind_src = col_kind, f"column header '{col.text}'"
            elif cell_sign:
                kind, kind_src = "growth", "the cell"
            elif cap_index and base == "%":
                kind, kind_src = "level", f"caption '{caption}' (an index)"
            elif base == "%" and cap_kind:
                kind, kind_src = cap_kind, f"caption '{caption}'"
            else:
                kind, kind_src = "level", "default (no change, share or index word in header or caption)"
            if kind == "growth" and cell_sign < 0:
                value = -abs(value)
            year, year_src = None, ""
            col_year = col.first("year")
            if col_year:
                year, year_src = col_year, f"column header '{col.text}'"
            elif row_year:
                year, year_src = row_year, f"row label '{label_cell.text}'"
            elif cap_year:
                year, year_src = cap_year, "the caption"
            else:
                year, year_src = doc_year, "the document"
            # What is measured: the row label, unless the labels are years or places; then
            # the column header names it.
            variants = []
            breakdown = []
            renamed = ""
            if dimension:
                names = [h.name for h in col.headers if h.name]
                left = j - 1
                while not names and left > label_col:
                    # 增长(%) after 地区生产总值(亿元): the growth of the column before.
                    names = [h.name for h in cols[left].headers if h.name and not h.year]
                    left -= 1
                base_name = names[0] if names else (cap_subject or "")
                renamed = next((names_by[base_name] for key, names_by in rename if base_name in names_by), "")
                name_src = f"column header '{col.text}'"
                if renamed:
                    name_src += f" ('{base_name}' by rows of {rename[0][0]} = '{renamed}')"
                    base_name = renamed
                # A sub-column (男, 女, 城镇) is another series; a total (合计) is the column itself.
                breakdown = [n for n in names[1:] if n not in vocab.total_labels]
                variants = list(breakdown)
                if not label_is_year and label:
                    variants.append(label)
            else:
                if label in vocab.total_labels and cap_subject:
                    base_name = cap_subject
                    name_src = f"total row '{label}' = the caption's '{cap_subject}'"
                else:
                    base_name = label
                    name_src = f"row label '{label_cell.text}'"
                variants = [h.name for h in col.headers if h.name and not h.year]
                # A column of a breakdown (城市, 农村 beside 全市) is its own series.
                breakdown = [v for v in variants if v in vocab.breakdown_forms]
            if not base_name:
                continue
            subject, metric, ind_how = _indicator(base_name, caption, vocab, named=bool(dimension and renamed),
                                                  parent=parent if in_group and not dimension else "")
            if "caption" in ind_how:
                name_src += f" + '{_part_suffix(caption, vocab)}' from the caption '{caption}'"
            if not metric and cap_subject and not dimension and base_name == cap_subject:
                metric = _metric(cap_subject, vocab)
            if breakdown or variants:
                # A breakdown (男, 城市) is its own series: the catalogue's id for it when it has
                # one; a breakdown of a column header otherwise has none.
                forms = [f for v in (breakdown or variants) for f in (v, *vocab.breakdown_forms.get(v, ()))]
                whole = cap_subject and metric and metric == _metric(cap_subject, vocab)  # the caption's own row
                bases = dict.fromkeys([subject, base_name, *([cap_subject] if whole else [])])
                own = next((m for f in forms for sb in bases for n in (f"{sb}({f})", f"{f}{sb}")
                            if (m := _metric(n, vocab))), "")
                metric = own or ("" if breakdown else metric)
            variants = [v for v in dict.fromkeys(variants) if v not in subject]
            if variants:
                subject += "(" + ",".join(variants) + ")"
            target = cap_target or any(h.target for h in col.headers)
            a, b = _cell_span(cell, s0, s1)
            # Rows of places (派出所, 乡镇): the figure is about the place the row names.
            region = label if label_head in vocab.places and label and label not in vocab.total_labels else ""
            fields = dict(value=_clean(value * factor), unit=base, kind=kind, year=year, metric=metric,
                          subject=subject[:40], target=target, region=region)
            how = (f"table cell: value and unit from {unit_src} ({unit_word}), kind {kind} from {kind_src}; "
                   f"subject from {name_src}; year from {year_src}")
            out.append((a, b, fields, how))
    return out


def _cell_span(cell: Cell, s0: int, s1: int) -> tuple[int, int]:
    """Original offsets of characters [s0, s1) of a cell's squashed normalised text."""
    norm = cell.norm
    if norm is None:
        return cell.a, cell.b
    # The squashed text dropped spaces: map squashed positions to the normalised text.
    pos = [k for k, ch in enumerate(norm.text) if not ch.isspace() and ch != "\u3000"]
    if s1 <= s0 or s1 > len(pos):
        return cell.a, cell.b
    a, b = norm.original_span(pos[s0], pos[s1 - 1] + 1)
    return cell.a + a, cell.a + b


def _clean(v: float) -> float:
    r = round(v, 6)
    return float(f"{r:.12g}")


def table_claims(original: str, rs: RuleSet, doc: str, article_at: Callable[[int], Any],
                 line_of: Callable[[int], int]) -> TableClaims:
    """Every numeric data cell of every table in ``original`` as a claim (rule ``table_cell``)."""
    if "|" not in original and "｜" not in original and "\t" not in original and "  " not in original \
            and "\u3000" not in original and "\n" not in original:
        return TableClaims()
    vocab = vocab_for(rs)
    out = TableClaims()
    for table in find_tables(original, vocab):
        _check_cut_off(original, table)
        # Header cells and units are no claims: nothing the prose rules find there is kept.
        out.headers += [(c.a, c.b) for row in table.header for c in row if c.b > c.a]
        # … nor the labels of its rows (年末常住人口(万人): no 万人 = 10000 人).
        labels = [(c.a, c.b) for row in table.rows for c in row.cells
                         if c.b > c.a and not _numeric(c.text, vocab)]
        out.headers += labels
        article = article_at(table.line_start)  # segment.Article: year, date, region
        for a, b, f, how in read_table(table, rs, vocab, article.year):
            row = next((r for r in table.rows if r.start <= a < r.end + 1), None)
            sentence = readable(normalize(original[row.start:row.end]).simplified) if row else ""
            if table.caption:
                sentence = f"{table.caption}: {sentence}"
            claim = Claim(doc=doc, doc_date=article.date, start=a, end=b, line=line_of(a), text=original[a:b],
                          value=f["value"], unit=f["unit"], qualifier="exact", kind=f["kind"],
                          target=bool(f["target"]), year=f["year"], region=f["region"] or article.region,
                          metric=f["metric"], subject=f["subject"], sentence=sentence, rule=RULE_ID)
            out.append(TableCellClaim(claim, how))
    return out


def _check_cut_off(original: str, table: Table) -> None:
    """A document that stops inside the table's last row (no line end after it, fewer cells
    than the other rows or without their closing |) was cut off: that row's last figure is
    unknown."""
    last = table.rows[-1]
    if last.end < len(original.rstrip(" \t")) or original.endswith("\n"):
        return
    widths = [len(r.cells) for r in table.rows[:-1]] or [len(last.cells)]
    tail = original[last.end - 1:last.end] if last.end else ""
    closed = sum(1 for r in table.rows[:-1] if original[r.end - 1:r.end] in ("|", "｜"))
    table.cut_off = len(last.cells) < max(widths) or (closed > len(table.rows[:-1]) // 2 and tail not in ("|", "｜"))


def merge(prose: list[Claim], cells: list[TableCellClaim]) -> list[Claim]:
    """Prose claims plus table claims; a prose claim on a table cell gives way to the cell's,
    and one in a table's header cells is dropped."""
    headers = getattr(cells, "headers", [])
    if not cells and not headers:
        return prose
    spans = sorted([(c.claim.start, c.claim.end) for c in cells] + list(headers))
    starts = [s for s, _ in spans]

    def covered(c: Claim) -> bool:
        i = bisect.bisect_right(starts, c.end) - 1
        while i >= 0 and spans[i][1] > c.start - 64:
            s, e = spans[i]
            if s < c.end and c.start < e:
                return True
            i -= 1
        return False

    merged = [c for c in prose if not covered(c)] + [c.claim for c in cells]
    merged.sort(key=lambda c: (c.start, c.end))
    return merged


def name_ratio_parts(claims: list[Claim], original: str, rs: RuleSet) -> list[Claim]:
    """Parts of a ratio (三次产业结构为10.4:48.6:41.0) get the names of the parts, in order; a
    ratio whose parts do not make a whole (1:2:3, about 100 in all) is no set of shares."""
    vocab = vocab_for(rs)
    runs: dict[int, list[Claim]] = {}
    for c in claims:
        if c.rule != "ratio_of_parts":
            continue
        # Which part: the ratio separators in the run of figures just before the claim.
        k = c.start
        while k > 0 and (original[k - 1].isdigit() or original[k - 1] in ".:：∶ "):
            k -= 1
        runs.setdefault(k, []).append(c)
        idx = sum(original[k:c.start].count(s) for s in ":：∶")
        before = normalize(original[max(0, k - 120):k]).text
        before = before[max(before.rfind("。"), before.rfind("\n")) + 1:]
        for word, parts in vocab.ratio_parts:
            if word in before and idx < len(parts):
                c.subject = parts[idx]
                c.metric = _metric(parts[idx], vocab) or c.metric
                break
    drop = {id(c) for run in runs.values() if abs(sum(c.value for c in run) - 100) > 1.5 for c in run}
    return [c for c in claims if id(c) not in drop] if drop else claims


__all__ = ["RULE_ID", "Table", "TableCellClaim", "TableClaims", "check_tables", "find_tables", "merge", "name_ratio_parts", "read_table",
           "table_claims", "vocab_for"]
