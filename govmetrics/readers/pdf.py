"""PDF: the text layer, read with pdfplumber (pdfminer.six underneath).

pdfplumber gives each text line with its position, which is what the clean-up needs:

- running headers and footers (a line at the top or bottom of most pages, the same
  once digits are ignored) and bare page numbers (``- 3 -``, ``第3页 共10页``) are dropped;
- a line broken mid-sentence joins the next one (Chinese needs no space; two Latin
  words or numbers get one). A line ends a paragraph when it ends with 。！？；： (or
  those followed by a closing quote/bracket), when it stops well short of the right
  margin, or when it is a heading (``一、…``, ``（二）…``, ``第三章…``);
- spaces pdfminer puts between two Chinese characters of a spaced-out line are removed;
- ruled tables (pdfplumber's table finder) become one line per row, cells separated by a
  tab (a cell spanning columns is followed by empty cells), as HTML and DOCX tables do.

A PDF with no text layer (a scan) is an error: OCR is not supported.
"""

from __future__ import annotations

import io
from collections import Counter

import regex

_MISSING_EXTRA = "reading PDF needs the 'pdf' extra: pip install 'govmetrics[pdf]'"

_TERMINAL = "。！？；：!?;:…"
_CLOSERS = "”’」』）)】》\"'"
_PAGE_NUMBER = regex.compile(
    r"^[\s\-—–_·•]*(?:第\s*\d+\s*页(?:\s*[/／,，]?\s*共\s*\d+\s*页)?|[Pp]age\s*\d+(?:\s*(?:of|/)\s*\d+)?"
    r"|\d{1,4}(?:\s*[/／]\s*\d{1,4})?|[-—–]\s*\d{1,4}\s*[-—–]|[IVXLivxl]{1,6})[\s\-—–_·•]*$"
)
_HEADING = regex.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十百\d]+[章节部分篇条]"
    r"|\d{1,2}[、．]|\d{1,2}\.\d{1,2}\s)"
)
_CJK_SPACE = regex.compile(r"(?<=[\p{Han}\u3000-\u303f\uff00-\uffef])[ \u00a0]+(?=[\p{Han}\u3000-\u303f\uff00-\uffef])")
_CID = regex.compile(r"\(cid:\d+\)")
_FIGURES_ROW = regex.compile(r"^[^\s\d][^\s]{0,30}(?: [+\-−]?\d[\d,.]*%?){1,12}$")
_LATIN_END = regex.compile(r"[A-Za-z0-9%,.;:!?]$")
_LATIN_START = regex.compile(r"^[A-Za-z0-9]")


class _Line:
    __slots__ = ("text", "x0", "x1", "size", "row")

    def __init__(self, text: str, x0: float, x1: float, size: float, row: bool = False):
        self.text, self.x0, self.x1, self.size = text, x0, x1, size
        self.row = row  # a table row: cells separated by tabs, never joined to other lines


def pdf_to_text(data: bytes, name: str) -> str:
    from .base import InputError

    try:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError:
        raise InputError(f"{name}: {_MISSING_EXTRA}") from None
    try:
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError:  # pragma: no cover - older pdfminer
        PDFPasswordIncorrect = PDFSyntaxError  # noqa: N806

    pages: list[list[_Line]] = []
    cid_chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                lines = []
                page = page.dedupe_chars()
                tables = _tables(page)
                placed: list[tuple[float, _Line]] = []
                for ln in page.extract_text_lines(return_chars=True, strip=True):
                    if any(_inside(ln, bbox) for bbox, _rows in tables):
                        continue  # read below as a table row
                    text = ln["text"]
                    n_cid = len(_CID.findall(text))
                    if n_cid:
                        cid_chars += n_cid
                        text = _CID.sub("", text)
                    text = _CJK_SPACE.sub("", text).strip()
                    if not text:
                        continue
                    chars = ln.get("chars") or []
                    size = max((c.get("size", 0) for c in chars), default=0.0) or 10.0
                    placed.append((float(ln["top"]), _Line(text, float(ln["x0"]), float(ln["x1"]), float(size))))
                for bbox, rows in tables:
                    for k, (top, cells) in enumerate(rows):
                        placed.append((top + k * 1e-6, _Line("\t".join(cells), bbox[0], bbox[2], 10.0, row=True)))
                placed.sort(key=lambda t: t[0])
                lines = [ln for _top, ln in placed]
                pages.append(lines)
                page.close()
    except PDFPasswordIncorrect:
        raise InputError(f"{name}: the PDF is encrypted with a password") from None
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds of errors on broken files
        msg = str(e) or type(e).__name__
        raise InputError(f"{name}: not a readable PDF: {msg}") from None
    n_chars = sum(len(ln.text) for p in pages for ln in p)
    if n_chars == 0:
        if cid_chars:
            raise InputError(f"{name}: the PDF's fonts have no Unicode mapping; its text cannot be read")
        if not pages:
            return ""
        raise InputError(f"{name}: no text layer (scanned PDF?); OCR is not supported")
    if cid_chars > n_chars:
        raise InputError(f"{name}: the PDF's fonts have no Unicode mapping; its text cannot be read")
    return join_lines(drop_running_lines(pages))


def _tables(page) -> list[tuple[tuple[float, float, float, float], list[tuple[float, list[str]]]]]:
    """The page's ruled tables (pdfplumber's table finder): bbox and rows of cell texts, each
    row with its top. A cell spanning several columns is followed by empty cells."""
    out = []
    if not (page.lines or page.rects):
        return []  # no ruling on the page: no table the finder could see (and it costs time)
    try:
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - a table finder failure leaves the page as plain lines
        return []
    for t in found:
        rows = []
        for row in t.rows:
            cells = []
            for box in row.cells:
                if box is None:
                    cells.append("")
                    continue
                text = page.within_bbox(box).extract_text() or ""
                cells.append(_CJK_SPACE.sub("", " ".join(_CID.sub("", text).split())))
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                top = min((b[1] for b in row.cells if b is not None), default=t.bbox[1])
                rows.append((float(top), cells))
        if len(rows) >= 2 and max(len(c) for _, c in rows) >= 2:
            out.append((t.bbox, rows))
    return out


def _inside(ln: dict, bbox: tuple[float, float, float, float]) -> bool:
    mid = (float(ln["top"]) + float(ln["bottom"])) / 2
    return bbox[1] <= mid <= bbox[3] and float(ln["x0"]) >= bbox[0] - 2 and float(ln["x1"]) <= bbox[2] + 2


def drop_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Remove running headers/footers and page numbers from the top and bottom of pages."""
    def key(s: str) -> str:
        return regex.sub(r"\d+", "#", regex.sub(r"\s+", "", s))

    edge = 2
    counts: Counter[str] = Counter()
    for lines in pages:
        seen = {key(ln.text) for ln in lines[:edge] + lines[-edge:]}
        counts.update(seen)
    threshold = max(2, (len(pages) + 1) // 2)
    running = {k for k, n in counts.items() if n >= threshold} if len(pages) >= 2 else set()
    out = []
    for lines in pages:
        n = len(lines)
        kept = []
        for i, ln in enumerate(lines):
            at_edge = i < edge or i >= n - edge
            if at_edge and not ln.row and (key(ln.text) in running or _PAGE_NUMBER.match(ln.text)):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def join_lines(pages: list[list[_Line]]) -> str:
    """Rejoin lines broken inside sentences; one paragraph per output line."""
    lines = [ln for p in pages for ln in p]
    if not lines:
        return ""
    right = _right_margin(lines)
    left = min(ln.x0 for ln in lines)
    width = max(right - left, 1.0)
    paragraphs: list[str] = []
    current = ""
    for i, ln in enumerate(lines):
        text = ln.text
        if ln.row:
            if current:
                paragraphs.append(current)
                current = ""
            paragraphs.append(text)
            continue
        if current and _HEADING.match(text):
            paragraphs.append(current)
            current = ""
        current = _glue(current, text) if current else text
        last = text.rstrip(_CLOSERS) or text
        ends = last[-1] in _TERMINAL
        short = (ln.x1 - left) < width - 2.5 * ln.size and (ln.x1 - left) < 0.85 * width
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        heading = bool(_HEADING.match(text)) and len(text) <= 40 and not ends
        # A row of an unruled table (a label and figures, single spaces) is a line of its own.
        row = bool(_FIGURES_ROW.match(text)) or (nxt is not None and bool(_FIGURES_ROW.match(nxt.text)))
        if ends or short or heading or row or nxt is None:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs) + "\n"


def _right_margin(lines: list[_Line]) -> float:
    """The x where full lines end: a high quantile of line ends (robust to a few wide lines)."""
    lines = [ln for ln in lines if not ln.row] or lines
    ends = sorted(ln.x1 for ln in lines if len(ln.text) >= 8) or sorted(ln.x1 for ln in lines)
    return ends[min(len(ends) - 1, int(0.9 * len(ends)))]


def _glue(a: str, b: str) -> str:
    """Join two pieces of a broken line: Chinese and split numbers need no space, words do."""
    if _LATIN_END.search(a) and _LATIN_START.match(b) and not (a[-1].isdigit() and b[0].isdigit()):
        return a + " " + b
    return a + b
