"""Plain text: detect the encoding (BOMs, UTF-8, then charset-normalizer for GB18030/Big5)."""

from __future__ import annotations

import codecs

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can tell."""


def looks_binary(data: bytes) -> bool:
    if any(data.startswith(b) for b, _ in _BOMS):
        return False
    head = data[:4096]
    if b"\x00" in head:
        return True
    ctrl = sum(1 for c in head if c < 9 or 13 < c < 32)
    return bool(head) and ctrl / len(head) > 0.05


def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Decode ``data`` to str; raise DecodeError when it is binary or undecodable."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise DecodeError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as e:
            raise DecodeError(f"not valid {encoding}: {e.reason} at byte {e.start}") from None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc)
    if looks_binary(data):
        raise DecodeError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for enc in _guess(data):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise DecodeError("cannot tell the text encoding (try --encoding)")


def _guess(data: bytes) -> list[str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "gbk", "big5hkscs"]).best()
    out = []
    if best is not None:
        enc = best.encoding
        out.append("gb18030" if enc in ("gbk", "gb2312") else enc)
    # A document that decodes as GB18030 with mostly common Han characters is the usual case.
    out += ["gb18030", "big5"]
    return out
