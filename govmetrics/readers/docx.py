"""DOCX: body paragraphs and tables in document order, read with python-docx.

Each paragraph is a line; each table row is a line of tab-separated cells (a cell merged
across columns or rows is written once, empty cells keep their place). Page headers,
footers and comments are not read: they are page boilerplate.
"""

from __future__ import annotations

import io

_MISSING_EXTRA = "reading DOCX needs the 'docx' extra: pip install 'govmetrics[docx]'"


def docx_to_text(data: bytes, name: str) -> str:
    from .base import InputError

    try:
        import docx
    except ImportError:
        raise InputError(f"{name}: {_MISSING_EXTRA}") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - zip/XML errors of many kinds
        raise InputError(f"{name}: not a readable .docx file: {str(e) or type(e).__name__}") from None
    lines: list[str] = []
    _walk(document, lines)
    return "".join(line + "\n" for line in lines)


def _walk(container, lines: list[str]) -> None:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            _table(block, lines)
        else:
            _add(block.text, lines)


def _table(table, lines: list[str]) -> None:
    """One line per row, cells separated by a tab. A cell merged across columns is written
    once and followed by empty cells; a cell merged down rows is empty below its first row
    (as HTML with colspan/rowspan reads), so tables.py aligns every format the same way."""
    seen: set[int] = set()
    keep = []  # hold the elements so that their ids stay unique
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            tc = cell._tc
            if id(tc) in seen:  # merged cells repeat the same <w:tc>
                cells.append("")
                continue
            seen.add(id(tc))
            keep.append(tc)
            parts: list[str] = []
            _walk(cell, parts)
            cells.append(" ".join(parts))
        filled = [c for c in cells if c]
        if len(filled) >= 2 or (filled and len(cells) >= 2 and max(map(len, filled)) <= 40):
            while not cells[-1]:
                cells.pop()
            lines.append("\t".join(cells))
        else:
            lines.extend(filled)  # a layout table: its text, one line per cell


def _add(text: str, lines: list[str]) -> None:
    for part in text.replace("\r", "\n").split("\n"):
        part = part.strip()
        if part:
            lines.append(part)
