"""Pick the reader for an input by extension and content.

Content wins over the name: a PDF called ``.txt`` is read as PDF, an HTML page saved
as ``.txt`` (or piped on stdin) as HTML. The name only decides when the content is
ambiguous, and a ``.pdf``/``.docx`` name whose content is not one is an error.
"""

from __future__ import annotations

import io

from .base import InputError
from .text import DecodeError, clean_text, decode_bytes

HTML_EXTENSIONS = frozenset((".html", ".htm", ".xhtml", ".shtml"))


def sniff(name: str, data: bytes) -> str:
    """The kind of a document: 'pdf', 'docx', 'html' or 'text' (binary is found when decoding)."""
    from .html import looks_like_html_bytes

    ext = _extension(name)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return "docx"
        if ext == ".docx":
            raise InputError(f"{name}: not a Word .docx file (a zip archive without word/document.xml)")
        raise InputError(f"{name}: binary file, not text (a zip archive)")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if ext in (".doc", ".docx", ".wps"):
            raise InputError(f"{name}: the old Word .doc format is not supported; save it as .docx")
        raise InputError(f"{name}: binary file, not text")
    if ext == ".pdf":
        raise InputError(f"{name}: not a PDF file (no %PDF header)")
    if ext == ".docx":
        raise InputError(f"{name}: not a Word .docx file")
    if ext in HTML_EXTENSIONS or looks_like_html_bytes(data):
        return "html"
    return "text"


def to_text(name: str, data: bytes, encoding: str | None = None) -> str:
    """The decoded text of a document whatever its format; raise InputError when it has none."""
    kind = sniff(name, data)
    if kind == "pdf":
        from .pdf import pdf_to_text

        return clean_text(pdf_to_text(data, name))
    if kind == "docx":
        from .docx import docx_to_text

        return clean_text(docx_to_text(data, name))
    try:
        if kind == "html":
            from .html import decode_html, html_to_text

            return clean_text(html_to_text(decode_html(data, encoding), name))
        text = decode_bytes(data, encoding)
    except DecodeError as e:
        raise InputError(f"{name}: {e}") from None
    from .html import looks_like_html

    if not looks_like_html(text[:8192]):
        return clean_text(text)
    # UTF-16/32 HTML: only visible once decoded.
    from .html import html_to_text

    return clean_text(html_to_text(text, name))


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > max(name.rfind("/"), name.rfind("\\")) else ""


def _is_docx(data: bytes) -> bool:
    import zipfile  # here: only data that starts like a zip archive needs it (~10 ms to import)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
