"""Where a rule can match: an exact pre-filter derived from the rule's own pattern.

The `regex` module tries a pattern at every position of the text; for a rule with a large
first-character set that costs ~40 ns per character, and it is most of the extraction time.
Many rules cannot match without one of a few characters (亿, 届, %…) and cannot cross a
sentence break. For such a rule the text is cut at the characters it can never consume
(neither in the match nor in a look-around), and the rule runs only over the pieces that
hold one of its required characters. The matches are exactly those of a pass over the whole
text:

- every match contains an anchor character, so it lies in a piece that holds one;
- no match or look-around consumes a separator, so it lies within one piece, and scanning
  from a piece's start finds what a scan from the text's start finds there (the previous
  match ended in an earlier piece);
- the scan of a run of pieces stops one character after its last piece (`endpos`), so the
  engine sees every character it could read: it can only read past a separator by
  consuming it. Patterns that test for the end of the text (`\\Z`, `$` without MULTILINE)
  would see a false end there, so they get no filter.

The analysis reads the pattern's parse tree from `regex`'s own parser, so it agrees with
the engine on what the pattern means. Anything it does not know (a node type, case-
insensitive matching, a fuzzy match, the (?r) (?p) (?w) (?a) flags…) gives no filter: the
rule then scans the whole text, as every rule did before.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

import regex

from .diskcache import JsonCache, sha1
from .patterns import compiled_re

# Candidate separators: line and sentence breaks. A rule is cut at those it cannot consume.
SEPARATORS = "\n。！？；"
# An anchor set larger than this is not worth a search of its own: the rule scans everything.
MAX_ANCHORS = 12
# Runs of pieces closer than this are scanned as one.
_GAP = 64
# Anchors more frequent than one per this many characters, or runs covering more than this
# share of the text, leave too little to skip: the rule scans everything.
_DENSE = 40
_MOST = 0.6
# Anchor sets kept per rule (smallest first); the rarest in a text is used, but the smallest
# is taken without counting the others when it is at most one per this many characters.
_MAX_TRIES = 3
_CLEARLY_SPARSE = 400
# Conjunctive-normal-form clauses kept while combining alternatives (any subset is sound).
_MAX_CLAUSES = 8

# Flags the analysis does not model, found by review with counterexamples: (?r) searches
# from the end backwards (matches in another order), (?p) for the longest match overall,
# (?w) uses Unicode word-break rules whose \b looks past a neighbouring ；, and (?a) makes
# negated properties match every non-ASCII character while the parser's own `matches`
# answers in Unicode terms. Fuzzy matching (BESTMATCH/ENHANCEMATCH) is left out anyway.
_SEARCH_FLAGS = (regex.REVERSE | regex.POSIX | regex.WORD | regex.ASCII
                 | regex.BESTMATCH | regex.ENHANCEMATCH)

# Zero-width nodes that read only the characters next to their position. The "Default…"
# boundaries and the "…U" line ends of (?w) are left out (see above).
_ZERO_WIDTH = frozenset({"StartOfLine", "StartOfString", "EndOfLine", "Boundary", "StartOfWord", "EndOfWord"})
_CHAR_NODES = frozenset({"Character", "Range", "Property", "SetUnion", "SetInter", "SetDiff", "SetSymDiff"})
_REPEATS = frozenset({"GreedyRepeat", "LazyRepeat", "PossessiveRepeat"})
_WRAPPERS = frozenset({"Group", "Atomic"})


class _Unknown(Exception):
    """The pattern uses something the analysis does not model: no filter."""


@dataclass(frozen=True)
class Scope:
    separators: str  # characters no match (nor look-around) of the rule can consume
    anchors: tuple[str, ...]  # character sets; every match contains a character of each


def _parse(pattern: str, flags: int) -> Any:
    from regex import _regex_core as core  # the engine's own parser (private, so guarded)

    source = core.Source(pattern)
    info = core.Info(flags, source.char_type, {})
    source.ignore_space = bool(info.flags & core.VERBOSE)
    tree = core._parse_pattern(source, info)
    if not source.at_end():
        raise _Unknown("unparsed tail")
    return tree


def _name(node: Any) -> str:
    return type(node).__name__


def _consumable(node: Any, chars: str) -> set[str]:
    """The characters of `chars` that `node` (look-arounds included) might consume."""
    t = _name(node)
    if _has_ascii_part(node) if t in _CHAR_NODES else getattr(node, "encoding", 0) == _ascii_encoding():
        raise _Unknown("ASCII-only (?a:…) part")  # see _SEARCH_FLAGS
    if t in _CHAR_NODES:
        if node.case_flags:
            return set(chars)
        return {c for c in chars if node.matches(ord(c))}
    if t in _ZERO_WIDTH:
        return set()
    if t == "Sequence":
        return set().union(*(_consumable(n, chars) for n in node.items))
    if t == "Branch":
        return set().union(*(_consumable(n, chars) for n in node.branches))
    if t in _REPEATS or t in _WRAPPERS or t == "LookAround":
        return _consumable(node.subpattern, chars)
    raise _Unknown(t)


def _ascii_encoding() -> int:
    from regex import _regex_core as core

    return core.ASCII_ENCODING


def _has_ascii_part(node: Any) -> bool:
    return getattr(node, "encoding", 0) == _ascii_encoding() or any(
        _has_ascii_part(i) for i in getattr(node, "items", None) or ())


def _char_set(node: Any) -> frozenset[str] | None:
    """The characters a one-character node matches, when it is a small positive set."""
    t = _name(node)
    if node.case_flags or not node.positive:
        return None
    if t == "Character":
        return frozenset(chr(node.value))
    if t == "Range":
        return frozenset(map(chr, range(node.lower, node.upper + 1))) if node.upper - node.lower < 64 else None
    if t == "SetUnion":
        out: set[str] = set()
        for item in node.items:
            s = _char_set(item) if _name(item) in _CHAR_NODES else None
            if s is None:
                return None
            out |= s
        return frozenset(out)
    return None  # properties (\d, \p{Han}) and set operations: too large to list


def _simplify(clauses: list[frozenset[str]]) -> list[frozenset[str]]:
    kept: list[frozenset[str]] = []
    for c in sorted(set(clauses), key=len):
        if not any(k <= c for k in kept):
            kept.append(c)
    return kept[:_MAX_CLAUSES]


def _required(node: Any) -> list[frozenset[str]]:
    """Clauses (sets of characters) such that every match contains a character of each."""
    t = _name(node)
    if t in _CHAR_NODES:
        s = _char_set(node)
        return [s] if s else []
    if t in _ZERO_WIDTH or t == "LookAround":
        return []
    if t == "Sequence":
        return _simplify([c for n in node.items for c in _required(n)])
    if t == "Branch":
        acc: list[frozenset[str]] | None = None
        for n in node.branches:
            r = _required(n)
            if not r:
                return []
            acc = r if acc is None else _simplify([a | b for a, b in product(acc, r)])
        return acc or []
    if t in _REPEATS:
        return _required(node.subpattern) if node.min_count >= 1 else []
    if t in _WRAPPERS:
        return _required(node.subpattern)
    raise _Unknown(t)


def scopes_for(patterns: list[tuple[str, int]]) -> list[Scope | None]:
    """The pre-filters for (pattern source, flags) pairs, from the disk cache when it has
    them (parsing every rule again costs ~0.25 s per process)."""
    signature = _signature()
    cache = JsonCache("prefilter", signature) if signature else None
    out: list[Scope | None] = []
    for pattern, flags in patterns:
        key = sha1(f"{flags}\0{pattern}".encode()).hexdigest()
        scope = _decode(cache.get(key, False)) if cache else False
        if scope is False:
            scope = scope_of(pattern, flags)
            if cache:
                cache.put(key, scope and [scope.separators, list(scope.anchors)])
        out.append(scope)
    if cache:
        cache.save()
    return out


def _decode(stored: Any) -> Scope | None | bool:
    """A cached entry back into a Scope (None: no filter); False when missing or malformed."""
    if stored is None:
        return None
    if (isinstance(stored, list) and len(stored) == 2 and isinstance(stored[0], str) and stored[0]
            and isinstance(stored[1], list) and stored[1] and all(isinstance(a, str) and a for a in stored[1])):
        return Scope(stored[0], tuple(stored[1]))
    return False


@lru_cache(maxsize=1)
def _signature() -> str | None:
    # The analysis is this file's code run on `regex`'s parser: a change to either redoes it.
    try:
        return f"{regex.__version__}:{sha1(Path(__file__).read_bytes()).hexdigest()}"
    except (OSError, AttributeError):  # no source to read (a frozen build): no cache
        return None


@lru_cache(maxsize=512)
def separators_of(pattern: str, flags: int) -> str:
    """The characters of SEPARATORS that no match of the pattern (nor a look-around) can
    consume; '' when the analysis does not understand the pattern."""
    if flags & _SEARCH_FLAGS:
        return ""  # see _SEARCH_FLAGS
    try:
        tree = _parse(pattern, flags)
        return "".join(c for c in SEPARATORS if c not in _consumable(tree, SEPARATORS))
    except Exception:  # noqa: BLE001 — not understood, or a `regex` whose internals changed
        return ""


@lru_cache(maxsize=512)
def scope_of(pattern: str, flags: int) -> Scope | None:
    """The pre-filter for a compiled pattern's source and flags, or None to scan everything."""
    separators = separators_of(pattern, flags)
    if not separators:
        return None
    try:
        clauses = _required(_parse(pattern, flags))
    except Exception:  # noqa: BLE001 — not understood, or a `regex` whose internals changed
        return None  # no filter: the rule scans the whole text
    small = sorted(("".join(sorted(c)) for c in clauses if len(c) <= MAX_ANCHORS), key=lambda a: (len(a), a))
    if not separators or not small:
        return None
    return Scope(separators, tuple(small[:_MAX_TRIES]))


class TextIndex:
    """What the pre-filter needs to know about one text, worked out once and shared by the
    rules: where the separators are, how often a character occurs and where."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._cuts: dict[str, list[int]] = {}
        self._count: dict[str, int] = {}
        self._at: dict[str, list[int]] = {}

    def cuts(self, separators: str) -> list[int]:
        """Positions of the separators, ascending."""
        got = self._cuts.get(separators)
        if got is None:
            got = self._cuts[separators] = self.at(separators)
        return got

    def count(self, chars: str) -> int:
        total = 0
        for c in chars:
            n = self._count.get(c)
            if n is None:
                n = self._count[c] = self.text.count(c)
            total += n
        return total

    def at(self, chars: str) -> list[int]:
        """Positions of the characters, ascending."""
        out: list[int] = []
        for c in chars:
            got = self._at.get(c)
            if got is None:
                # A literal search runs at C speed (~1 ms per million characters); only the
                # hits cost Python time.
                got = self._at[c] = [m.start() for m in compiled_re(re.escape(c)).finditer(self.text)]
            out += got
        out.sort()
        return out


def windows(index: TextIndex, scope: Scope) -> list[tuple[int, int]] | None:
    """(pos, endpos) ranges to scan: the runs of pieces that hold an anchor character, each
    with the separator after it; None when the anchors are so common in this text that one
    pass over all of it is cheaper."""
    n = len(index.text)
    anchors = scope.anchors[0]
    if index.count(anchors) * _CLEARLY_SPARSE > n and len(scope.anchors) > 1:
        anchors = min(scope.anchors, key=index.count)  # the rarest set in this text
    if index.count(anchors) * _DENSE > n:
        return None
    cuts = index.cuts(scope.separators)
    out: list[tuple[int, int]] = []
    covered = 0
    last = -1
    for p in index.at(anchors):
        if p < last:
            continue  # in the piece just taken
        i = bisect.bisect_left(cuts, p)
        start = cuts[i - 1] + 1 if i else 0
        last = end = cuts[i] + 1 if i < len(cuts) else n  # the piece and its separator
        # A short gap is scanned rather than paying for another call (~4 µs, the price of
        # scanning some 60 characters): the gap holds no anchor, so no match either.
        if out and start - out[-1][1] < _GAP:
            covered += end - out[-1][1]
            out[-1] = (out[-1][0], end)
        else:
            covered += end - start
            out.append((start, end))
    return None if covered > _MOST * n else out


def _first(node: Any) -> tuple[list[Any], bool]:
    """The one-character nodes that may consume a match's first character, and whether the
    node may match the empty string."""
    t = _name(node)
    if t in _CHAR_NODES:
        if node.case_flags or _has_ascii_part(node):
            raise _Unknown("case-insensitive or ASCII-only character")
        return [node], False
    if t in _ZERO_WIDTH or t == "LookAround":
        return [], True
    if t == "Sequence":
        out: list[Any] = []
        for n in node.items:
            nodes, empty = _first(n)
            out += nodes
            if not empty:
                return out, False
        return out, True
    if t == "Branch":
        out, empty = [], False
        for n in node.branches:
            nodes, e = _first(n)
            out += nodes
            empty = empty or e
        return out, empty
    if t in _REPEATS:
        nodes, empty = _first(node.subpattern)
        return nodes, empty or node.min_count == 0
    if t in _WRAPPERS:
        return _first(node.subpattern)
    raise _Unknown(t)


def opening_test(pattern: str, flags: int = 0) -> Callable[[str], bool] | None:
    """A test of the character at a position that a match of the pattern there needs: a
    character it rejects opens no match. None when the pattern may match the empty string or
    the analysis does not understand it."""
    if flags & _SEARCH_FLAGS:
        return None
    try:
        nodes, empty = _first(_parse(pattern, flags))
    except Exception:  # noqa: BLE001 — not understood, or a `regex` whose internals changed
        return None
    if empty:
        return None
    return lambda c: any(n.matches(ord(c)) for n in nodes)
