"""Readers: turn an input path into the decoded text that claim offsets index.

One module per input kind; `read_document` picks by extension and content.
"""

from __future__ import annotations

from .base import Document, InputError, iter_inputs, read_document

__all__ = ["Document", "InputError", "iter_inputs", "read_document"]
