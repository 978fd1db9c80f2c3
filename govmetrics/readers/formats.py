"""Pick the reader for an input by extension and content."""

from __future__ import annotations

from .base import InputError
from .text import DecodeError, decode_bytes


def to_text(name: str, data: bytes, encoding: str | None = None) -> str:
    try:
        return decode_bytes(data, encoding)
    except DecodeError as e:
        raise InputError(f"{name}: {e}") from None
