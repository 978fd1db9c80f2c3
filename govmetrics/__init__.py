"""govmetrics: quantitative claims from Chinese government documents.

    >>> import govmetrics
    >>> govmetrics.extract_text("地区生产总值超3600亿元")[0].value
    360000000000.0

Imports are lazy so that `govmetrics --help` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "extract_text": "govmetrics.extractor",
    "extract": "govmetrics.api",
    "iter_claims": "govmetrics.api",
    "SkippedInputWarning": "govmetrics.api",
    "InputError": "govmetrics.readers",
    "Claim": "govmetrics.claim",
    "COLUMNS": "govmetrics.claim",
    "parse_quantity": "govmetrics.numbers",
    "parse_quantities": "govmetrics.numbers",
    "parse_number": "govmetrics.numbers",
    "Quantity": "govmetrics.numbers",
    "load_ruleset": "govmetrics.rules",
    "RuleError": "govmetrics.rules",
    "track": "govmetrics.tracking",
}

if TYPE_CHECKING:  # pragma: no cover
    from .api import SkippedInputWarning, extract, iter_claims
    from .claim import COLUMNS, Claim
    from .extractor import extract_text
    from .numbers import Quantity, parse_number, parse_quantities, parse_quantity
    from .readers import InputError
    from .rules import RuleError, load_ruleset
    from .tracking import track


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'govmetrics' has no attribute {name!r}")


__all__ = [  # noqa: F822 - resolved lazily by __getattr__
    "extract_text", "extract", "iter_claims", "Claim", "COLUMNS", "parse_quantity",
    "parse_quantities", "parse_number", "Quantity", "load_ruleset", "RuleError", "track", "SkippedInputWarning",
    "InputError", "__version__",
]
