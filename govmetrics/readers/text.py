"""Plain text: detect the encoding (BOMs, UTF-8, then charset-normalizer for GB18030/Big5).

Decoding never raises anything but :class:`DecodeError`: a BOM-marked or mostly-UTF-8
file with a few broken bytes decodes with U+FFFD in their place (one character per
bad sequence), so one stray byte does not turn a whole report into mojibake.
"""

from __future__ import annotations

import codecs

import regex

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Encodings a label may name that we read with a superset (WHATWG does the same).
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030", "big5": "big5hkscs", "x-x-big5": "big5hkscs", "cp950": "big5hkscs",
}

# Characters no real text carries: C0 controls except tab/newline/CR/FF, and lone surrogates.
_BAD_CHARS = regex.compile(r"[\ud800-\udfff]")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can tell."""


def canonical_encoding(label: str) -> str | None:
    """Python's name for an encoding label (``GB2312`` → ``gb18030``); None when unknown."""
    label = label.strip().strip("\"'").lower()
    if label in _SUPERSETS:
        return _SUPERSETS[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


# Control bytes other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def looks_binary(data: bytes) -> bool:
    if any(data.startswith(b) for b, _ in _BOMS):
        return False
    head = data[:4096]
    if b"\x00" in head:
        return True
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return bool(head) and ctrl / len(head) > 0.05


def clean_text(text: str) -> str:
    """Replace lone surrogates (which no UTF-8 writer accepts) with U+FFFD; lengths are kept."""
    return _BAD_CHARS.sub("\ufffd", text) if _BAD_CHARS.search(text) else text


def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Decode ``data`` to str; raise DecodeError when it is binary or undecodable."""
    if encoding:
        enc = canonical_encoding(encoding)
        if enc is None:
            raise DecodeError(f"unknown encoding {encoding!r}")
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            raise DecodeError(f"not valid {encoding}: {e.reason} at byte {e.start}") from None
        return text[1:] if text.startswith("\ufeff") else text
    if not data:
        return ""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            # The BOM says what the encoding is: a few broken units become U+FFFD.
            return data.decode(enc, errors="replace")
    enc = _utf16_without_bom(data)
    if enc:
        return data.decode(enc, errors="replace")
    if looks_binary(data):
        raise DecodeError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    for enc in _guess(data):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise DecodeError("cannot tell the text encoding (try --encoding)")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL bytes on one side only (ASCII, newlines)."""
    head = data[:4096]
    if len(head) < 4 or len(data) % 2:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    for zeros, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.2 * half and other <= 0.02 * half:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            ctrl = sum(1 for c in text[:2048] if ord(c) < 32 and c not in "\t\n\r\f")
            if ctrl == 0:
                return enc
    return None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken sequences (a truncated download, one bad byte) is still UTF-8."""
    bad = 0
    good_multibyte = 0
    pos = 0
    limit = max(8, len(data) // 200)
    while pos < len(data):
        try:
            text = data[pos:].decode("utf-8")
            good_multibyte += sum(1 for c in text if ord(c) > 0x7F)
            break
        except UnicodeDecodeError as e:
            good_multibyte += sum(1 for c in data[pos:pos + e.start].decode("utf-8") if ord(c) > 0x7F)
            bad += 1
            if bad > limit:
                return False
            pos += e.end
    return good_multibyte >= 4 * bad


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
