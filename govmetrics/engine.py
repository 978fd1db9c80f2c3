"""The fast matching path: one Hyperscan scan finds where every rule may match, each rule's
own `regex` pattern confirms the candidates and gives the exact matches.

A pass of the `regex` module costs ~40 ns per character and rule; Hyperscan runs all rules
in one pass over the UTF-8 bytes. The matches stay exactly those of a `finditer` over the
whole text (the pre-filter path, `prefilter.py`, gives the same), because:

- each rule's Hyperscan expression is derived from the rule's own parse tree and accepts a
  superset of what the rule consumes: look-arounds and boundaries are dropped, atomic
  groups and lazy or possessive repeats become plain ones, long bounded repeats lose their
  upper bound, and every character class is spelt out as the code points `regex` itself
  says it matches. A positive look-behind before all the match consumes is kept as a
  required prefix, a positive look-ahead after it as a required suffix (a rule such as
  `(?<=受教育年限…)[0-9]+年` then has a candidate where that context is, not at every number).
  So every match of the rule ends where Hyperscan reports an end, or up to the suffix's
  width before it (only end offsets are used: Hyperscan's start-of-match mode drops
  matches and rejects large patterns);
- the candidates are confirmed in order by `pattern.search` from the latest of: the end of
  the previous confirmed match (where `finditer` would go on), the start of the piece of
  text the candidate lies in (the pieces are cut at the separators the rule can neither
  consume nor look at, see `prefilter.py`), the candidate's end minus the rule's longest
  match (and suffix), and the start of the run of characters of the rule's alphabet (what
  it can consume) that ends at the candidate: a number rule's match of unbounded width
  cannot start before the Chinese text around it, so its search starts next to it. A
  match that starts earlier ends before the candidate, so an earlier candidate has found
  it already; a candidate whose last character is outside the alphabet ends no match. With a suffix, several matches may report the
  same end: the candidate is searched again from the end of the match it gave. The search
  window reaches one character past its piece, as the pre-filter's does, so the engine
  reads exactly what a whole-text pass reads. A search that finds nothing clears every
  candidate up to the end of its window.

Whatever this module cannot do falls back to the pre-filter path, never to other output:
a rule whose pattern it cannot translate or Hyperscan cannot compile (per rule), a text
that is not valid UTF-8 or a scan that fails (per document), Hyperscan missing or unable
to load (everywhere). `GOVMETRICS_HYPERSCAN=0` turns the fast path off.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import weakref
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import regex

from .diskcache import sha1
from .prefilter import _SEARCH_FLAGS, _first, _parse, separators_of

# Bounded repeats longer than this lose their bound: Hyperscan's database would grow with
# it (and may refuse the pattern); unbounded accepts more, which only adds candidates.
_MAX_BOUND = 4
# An alphabet larger than this (code points) gives no start bound: ~1000 covers the digits,
# the numerals and the unit words of a number rule, while a class of all Han characters
# (~100 000) would make every run of Chinese text a possible match.
_MAX_ALPHABET = 5000
_MAX_CODEPOINT = 0x10FFFF
_MAX_BMP = 0xFFFF
_SURROGATES = (0xD800, 0xDFFF)  # no UTF-8 text holds them: left out of every class


class _Untranslatable(Exception):
    """The pattern uses something the translation does not model: the rule is confirmed
    by the pre-filter path instead."""


def enabled() -> bool:
    """The fast path is on unless GOVMETRICS_HYPERSCAN is set to 0/false/no/off."""
    return os.environ.get("GOVMETRICS_HYPERSCAN", "1").strip().lower() not in ("0", "false", "no", "off")


# --- translation: a rule's parse tree -> a Hyperscan expression accepting a superset -------

Ranges = list[tuple[int, int]]  # sorted, disjoint, inclusive code point intervals


def _normalise(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _complement(ranges: Ranges) -> Ranges:
    out: Ranges = []
    nxt = 0
    for a, b in _normalise(ranges):
        if a > nxt:
            out.append((nxt, a - 1))
        nxt = b + 1
    if nxt <= _MAX_CODEPOINT:
        out.append((nxt, _MAX_CODEPOINT))
    return out


def _intersect(x: Ranges, y: Ranges) -> Ranges:
    return _complement(_complement(x) + _complement(y))


@lru_cache(maxsize=1)
def _all_codepoints() -> str:
    return "".join(map(chr, range(_MAX_CODEPOINT + 1)))


@lru_cache(maxsize=256)
def _property_ranges(value: int) -> tuple[tuple[int, int], ...]:
    """The code points a `regex` property (\\p{…} as the parser encodes it) matches, found by
    `regex` itself over every code point, so the set is the engine's own."""
    from regex import _regex_core as core

    name, values = core.PROPERTY_NAMES[value >> 16]
    pattern = regex.compile(rf"\p{{{name}={values[value & 0xFFFF]}}}+")
    return tuple((m.start(), m.end() - 1) for m in pattern.finditer(_all_codepoints()))


def _char_ranges(node: Any) -> Ranges:
    """The exact code points a one-character node matches."""
    t = type(node).__name__
    if getattr(node, "case_flags", 0):
        raise _Untranslatable("case-insensitive")
    if t == "Character":
        ranges = [(node.value, node.value)]
    elif t == "Range":
        ranges = [(node.lower, node.upper)]
    elif t == "Property":
        ranges = list(_property_ranges(node.value))
        # Check the mapping back to a property name on a few code points (regex internals).
        for cp in (0x30, 0x41, 0x4E00, 0x3002, 0xFF10, 0x20):
            inside = any(a <= cp <= b for a, b in ranges)
            if inside != node.matches(cp) ^ (not node.positive):
                raise _Untranslatable("property mapping")
    elif t in ("SetUnion", "SetInter", "SetDiff", "SetSymDiff"):
        parts = [_char_ranges(i) for i in node.items]
        if t == "SetUnion":
            ranges = [r for p in parts for r in p]
        elif t == "SetInter":
            ranges = parts[0]
            for p in parts[1:]:
                ranges = _intersect(ranges, p)
        elif t == "SetDiff":
            ranges = parts[0]
            for p in parts[1:]:
                ranges = _intersect(ranges, _complement(p))
        else:
            ranges = parts[0]
            for p in parts[1:]:
                ranges = _normalise(_intersect(ranges, _complement(p)) + _intersect(p, _complement(ranges)))
    else:
        raise _Untranslatable(t)
    ranges = _normalise(ranges)
    return ranges if node.positive else _complement(ranges)


# Hyperscan's own names for large classes, with `regex`'s spelling of the same class:
# patterns stay short (Hyperscan limits their length, and \d alone is ~70 ranges).
_SHORTHANDS = {"\\p{Han}": r"\p{Han}", "\\p{L}": r"\p{L}", "\\w": r"\w", "\\s": r"\s"}


@cache
def _shorthand(token: str) -> tuple[Ranges, Ranges] | None:
    """(what `regex` matches, what Hyperscan's spelling misses of it) for a shorthand, or
    None when Hyperscan does not take it. The misses are listed alongside, so the class
    stays a superset whatever Unicode version each library has."""
    import hyperscan

    mine = [(m.start(), m.end() - 1) for m in regex.finditer(_SHORTHANDS[token] + "+", _all_codepoints())]
    lo, hi = _SURROGATES
    mine = _widen(_intersect(mine, _complement([(lo, hi)])))
    sample = "".join(chr(c) for a, b in mine for c in range(a, b + 1)).encode("utf-8")
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=[f"[^{token}]".encode()], ids=[0], elements=1,
                   flags=hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE)
    except Exception:  # noqa: BLE001
        return None
    missed: list[int] = []
    db.scan(sample, match_event_handler=lambda _i, _f, to, _fl, _c: missed.append(to))
    # `to` is the byte offset just past a missed character.
    ends = list(accumulate(len(chr(c).encode("utf-8")) for a, b in mine for c in range(a, b + 1)))
    cps = [c for a, b in mine for c in range(a, b + 1)]
    return mine, _normalise([(cps[bisect_left(ends, t)], cps[bisect_left(ends, t)]) for t in missed])


def _subset(small: Ranges, big: Ranges) -> bool:
    return _intersect(small, _complement(big)) == []


@lru_cache(maxsize=1)
def rare_digits() -> Ranges:
    r"""Decimal digits other than 0-9 (Arabic-Indic, Devanagari… in the BMP). Classes leave
    them out, which keeps the automata small (\d in full is ~60 ranges of multi-byte
    characters, 3x the compile time); a text holding one takes the pre-filter path."""
    digits = [(m.start(), m.end() - 1) for m in regex.finditer(r"\d+", _all_codepoints()[:_MAX_BMP + 1])]
    return _intersect(digits, _complement([(0x30, 0x39)]))


def _class(ranges: Ranges) -> str:
    lo, hi = _SURROGATES
    ranges = _intersect(ranges, _complement([(lo, hi), *rare_digits()]))
    if not ranges:
        raise _Untranslatable("empty class")
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    ranges = _widen(ranges)
    outside = _widen(_intersect(_complement(ranges), _complement([(lo, hi)])))
    if len(outside) < len(ranges):  # [^，。；] and the like: say what it does not match
        return "[^" + _spell(outside) + "]" if outside else "[\\x{0}-\\x{10FFFF}]"
    tokens: list[str] = []
    for token in _SHORTHANDS:
        if len(ranges) <= 8:
            break
        known = _shorthand(token)
        if known is None or not _subset(known[0], ranges):
            continue
        mine, missed = known
        tokens.append(token)
        ranges = _normalise(_intersect(ranges, _complement(mine)) + missed)
    return "[" + "".join(tokens) + _spell(_widen(ranges)) + "]"


def _widen(ranges: Ranges) -> Ranges:
    """Only the BMP: a text with a character beyond it takes the pre-filter path (see
    `Engine.candidates`), and the planes' scattered ranges would make the automata large."""
    return [(a, min(b, _MAX_BMP)) for a, b in ranges if a <= _MAX_BMP]


def _spell_class(ranges: Ranges) -> str:
    return "[" + _spell(ranges) + "]"


def _spell(ranges: Ranges) -> str:
    return "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in ranges)


def _char(cp: int) -> str:
    """One code point in an expression: itself when it is a letter (patterns stay short:
    Hyperscan limits their length), else an escape."""
    c = chr(cp)
    return c if cp > 0x7F and c.isalpha() or c.isascii() and c.isalnum() else f"\\x{{{cp:X}}}"


_ZERO_WIDTH = frozenset({
    "StartOfLine", "StartOfLineU", "StartOfString", "EndOfLine", "EndOfLineU", "EndOfString",
    "EndOfStringLine", "EndOfStringLineU", "Boundary", "DefaultBoundary", "StartOfWord", "EndOfWord",
    "DefaultStartOfWord", "DefaultEndOfWord", "LookAround",
})  # not \G (SearchAnchor): it holds where the previous match ended, which a search for a
# candidate does not start from
_CHAR_NODES = frozenset({"Character", "Range", "Property", "SetUnion", "SetInter", "SetDiff", "SetSymDiff"})


_ANCHORS = frozenset({"StartOfLine", "EndOfLine"})  # zero-width, but spelt out


def _droppable(node: Any) -> bool:
    """A zero-width node the translation leaves out (anywhere but at an edge, see below)."""
    return type(node).__name__ in _ZERO_WIDTH and type(node).__name__ not in _ANCHORS


def _width(node: Any) -> int | None:
    from regex import _regex_core as core

    width = node.max_width()
    return None if width >= core.UNLIMITED else int(width)


class _Translation:
    """A rule's parse tree -> a Hyperscan expression. At the edges of a match a look-around
    is kept: a positive look-behind before everything the match consumes becomes a required
    prefix (what it looks at lies right before the match), a positive look-ahead after it a
    required suffix. Only one at each edge: two look-behinds both end where the match starts.
    A prefix leaves the reported ends where they were; a suffix moves them up to ``reach``
    characters past the match's end (None: unbounded)."""

    def __init__(self) -> None:
        self.reach: int | None = 0

    def expr(self, node: Any, lead: bool = False, trail: bool = False) -> str:
        t = type(node).__name__
        if t in _CHAR_NODES:
            return _class(_char_ranges(node))
        if t in ("Any", "AnyAll", "AnyU"):
            return _class([(0, _MAX_CODEPOINT)])  # any character: a superset of each
        if t == "StartOfLine":
            return "^"  # (?m)^: Hyperscan's multi-line ^ holds at the same places
        if t == "EndOfLine":
            return "$"  # (?m)$: before every \n and at the end, as Hyperscan's multi-line $
        if t == "LookAround" and node.positive and (lead if node.behind else trail):
            if node.behind:
                return "(?:" + self.expr(node.subpattern, lead=True) + ")"
            inner = _Translation()
            suffix = inner.expr(node.subpattern, trail=True)
            width = _width(node.subpattern)
            extent = None if width is None or inner.reach is None else width + inner.reach
            self.reach = None if extent is None or self.reach is None else max(self.reach, extent)
            return "(?:" + suffix + ")"
        if t in _ZERO_WIDTH:
            return ""  # dropped: the rest accepts at least what the rule consumes
        if t == "Sequence":
            items = node.items
            run = _run_then_words(items)
            if run:
                # Every string the first item matches is a run of its alphabet: Hyperscan
                # checks such a run back from the words cheaply, while a number pattern
                # before them (digits, numerals, magnitudes) keeps an automaton running at
                # every numeral of the text. The ends stay those of the rule, or more.
                return run + "".join(self.expr(item) for item in items[1:])
            # The item at the trailing edge: the last one but for dropped zero-width ones
            # after it (a positive look-ahead there is the one kept).
            last = len(items) - 1
            while last > 0 and _droppable(items[last]) and not (
                    type(items[last]).__name__ == "LookAround" and items[last].positive and not items[last].behind):
                last -= 1
            out = []
            for k, item in enumerate(items):
                s = self.expr(item, lead=lead, trail=trail and k == last)
                # Still at the leading edge while only dropped zero-width nodes came before.
                lead = lead and not s and _droppable(item)
                out.append(s)
            return "".join(out)
        if t == "Branch":
            return "(?:" + "|".join(self.expr(n, lead, trail) for n in node.branches) + ")"
        if t in ("Group", "Atomic"):
            return "(?:" + self.expr(node.subpattern, lead, trail) + ")"
        if t in ("GreedyRepeat", "LazyRepeat", "PossessiveRepeat"):
            inner = self.expr(node.subpattern)
            if not inner:
                return ""
            lo, hi = node.min_count, node.max_count
            if hi is None or hi > _MAX_BOUND:
                bound = "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
            else:
                bound = f"{{{lo},{hi}}}"
            return f"(?:{inner}){bound}"
        raise _Untranslatable(t)


def _words_length(node: Any) -> int | None:
    """The fewest characters a node made of plain characters only (in sequences,
    alternatives, groups and ? repeats) consumes; None for any other node."""
    t = type(node).__name__
    if t == "Character":
        return None if node.case_flags or not node.positive else 1
    if t == "Sequence":
        lengths = [_words_length(i) for i in node.items]
        return None if None in lengths else sum(lengths)  # type: ignore[arg-type]
    if t == "Branch":
        lengths = [_words_length(b) for b in node.branches]
        return None if None in lengths else min(lengths)  # type: ignore[type-var]
    if t == "Group":
        return _words_length(node.subpattern)
    if t == "GreedyRepeat" and node.min_count == 0 and node.max_count == 1:
        return None if _words_length(node.subpattern) is None else 0
    return None


def _run_then_words(items: list[Any]) -> str:
    """For a sequence of an item of unbounded width then words (plain characters, at least
    one of them required), as in `{NUM}(?:周年|岁)`: a run of the item's alphabet that
    starts with a character the item can start with, which accepts whatever the item
    matches. '' for other sequences, or when the item is not understood (it is then
    translated as it is)."""
    if len(items) < 2 or _width(items[0]) is not None:
        return ""
    lengths = [_words_length(i) for i in items[1:]]
    if None in lengths or not sum(lengths):  # type: ignore[arg-type]
        return ""
    try:
        firsts, empty = _first(items[0])
        run = _class([r for n in firsts for r in _char_ranges(n)]) + _class(_alphabet(items[0])) + "*"
    except Exception:  # noqa: BLE001 — _Untranslatable, or prefilter's _Unknown
        return ""
    return f"(?:{run})?" if empty else run


def translation(pattern: str, flags: int, edges: bool = True) -> tuple[str, int | None] | None:
    """A Hyperscan expression accepting at least every string the pattern consumes, with
    what it looks at around it at the edges (unless ``edges`` is false), and how far past a
    match's end the expression may end (None: unbounded); None when the pattern cannot be
    translated."""
    if flags & _SEARCH_FLAGS:
        return None
    try:
        tr = _Translation()
        return tr.expr(_parse(pattern, flags), lead=edges, trail=edges), tr.reach
    except Exception:  # noqa: BLE001 — not understood, or a `regex` whose internals changed
        return None


def translate(pattern: str, flags: int) -> str | None:
    """The Hyperscan expression of `translation`, or None."""
    got = translation(pattern, flags)
    return got and got[0]


def _max_width(pattern: str, flags: int) -> int | None:
    try:
        return _width(_parse(pattern, flags))
    except Exception:  # noqa: BLE001
        return None


def _alphabet(node: Any) -> Ranges:
    """Every character a match, or a look-ahead after it, may consume: the classes of the
    tree but for those inside look-behinds (which read before the match)."""
    t = type(node).__name__
    if t in _CHAR_NODES:
        return _char_ranges(node)
    if t in ("Any", "AnyAll", "AnyU"):
        return [(0, _MAX_CODEPOINT)]
    if t == "LookAround":
        return [] if node.behind else _alphabet(node.subpattern)
    if t in _ZERO_WIDTH:
        return []
    if t in ("Sequence", "Branch"):
        return _normalise([r for n in (node.items if t == "Sequence" else node.branches) for r in _alphabet(n)])
    if t in ("Group", "Atomic", "GreedyRepeat", "LazyRepeat", "PossessiveRepeat"):
        return _alphabet(node.subpattern)
    raise _Untranslatable(t)


def _alphabet_of(pattern: str, flags: int) -> str:
    """The characters of the rule's alphabet, for the start bound in `confirm`; '' when the
    alphabet is so large (a class of all Han characters, `.`) that its runs are long."""
    try:
        ranges = _alphabet(_parse(pattern, flags))
    except Exception:  # noqa: BLE001 — not understood, or a `regex` whose internals changed
        return ""
    if sum(b - a + 1 for a, b in ranges) > _MAX_ALPHABET:
        return ""
    return "".join(chr(c) for a, b in ranges for c in range(a, b + 1))


@lru_cache(maxsize=256)
def _char_set(chars: str) -> frozenset[str]:
    return frozenset(chars)


# --- the database ----------------------------------------------------------------------------

@dataclass
class RulePlan:
    """What confirming one rule's candidates needs, worked out at load time."""

    separators: str  # characters no match of the rule can consume or look at ('' : none)
    # How far before a reported end a match can start: its longest match, plus how far the
    # expression's look-ahead suffix may reach past it; None when unbounded.
    max_width: int | None
    suffix: bool = False  # some reported ends lie past the match's end (a look-ahead suffix)
    alphabet: str = ""  # see _alphabet_of


@dataclass
class Engine:
    """All translatable rules in one Hyperscan database. Pickles as the serialized database,
    so it travels in the rule-set cache; loaded on first use in each process."""

    plans: dict[int, RulePlan]  # rule index -> plan, for the rules in the database
    serialized: bytes
    untranslated: list[int] = field(default_factory=list)  # rule indexes left to the pre-filter path
    _db: Any = field(default=None, repr=False, compare=False)
    # Scratch space is per thread (Dask runs documents on threads of one process).
    _local: Any = field(default_factory=threading.local, repr=False, compare=False)
    _pid: int = field(default=0, repr=False, compare=False)
    _failed: bool = field(default=False, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {"plans": self.plans, "serialized": self.serialized, "untranslated": self.untranslated}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def _ready(self) -> bool:
        if self._failed:
            return False
        if self._db is None or self._pid != os.getpid():
            try:
                import hyperscan

                self._db = hyperscan.loadb(self.serialized, hyperscan.HS_MODE_BLOCK)
                self._local = threading.local()
                self._pid = os.getpid()
            except Exception:  # noqa: BLE001 — missing module, other platform or version
                self._failed = True
                return False
        return True

    def candidates(self, text: str) -> dict[int, list[int]] | None:
        """Rule index -> candidate end offsets (characters, ascending); None when this text
        cannot be scanned (the caller takes the pre-filter path for the whole document)."""
        if not self._ready():
            return None
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            return None
        ends: dict[int, list[int]] = {i: [] for i in self.plans}
        # The sentinel: a character the classes leave out (a digit other than 0-9, or one
        # beyond the BMP, which the expressions do not cover).
        rare = len(ends) + len(self.untranslated)
        ends[rare] = []

        def on_match(rule: int, _from: int, to: int, _flags: int, _ctx: Any) -> bool | None:
            ends[rule].append(to)
            return True if rule == rare else None  # True stops the scan

        try:
            scratch = getattr(self._local, "scratch", None)
            if scratch is None:
                import hyperscan

                scratch = self._local.scratch = hyperscan.Scratch(self._db)
            self._db.scan(data, match_event_handler=on_match, scratch=scratch)
        except Exception:  # noqa: BLE001 — the pre-filter path for this document
            return None
        if ends.pop(rare):
            return None
        ends = {i: sorted(set(e)) for i, e in ends.items()}
        return ends if len(data) == len(text) else _to_characters(data, ends)


_CONTINUATION = bytes(range(0x80, 0xC0))


def _to_characters(data: bytes, ends: dict[int, list[int]]) -> dict[int, list[int]]:
    """Byte end offsets -> character offsets: one walk over the distinct offsets, counting
    the characters between neighbours (bytes that are not UTF-8 continuation bytes).
    ``ends``: each rule's distinct byte offsets, ascending."""
    char_of: dict[int, int] = {}
    prev_b = prev_c = 0
    for b in sorted(set().union(*ends.values())):
        prev_c += len(data[prev_b:b].translate(None, _CONTINUATION))
        prev_b = b
        char_of[b] = prev_c
    # The map keeps the order: each rule's offsets stay ascending and distinct.
    return {i: list(map(char_of.__getitem__, es)) for i, es in ends.items()}


def build(patterns: list[tuple[str, int]]) -> Engine | None:
    """The engine for compiled rule patterns (source, flags), in rule order; None when
    Hyperscan is missing or no rule can be translated."""
    try:
        import hyperscan
    except Exception:  # noqa: BLE001 — not installed here (an optional, platform-bound wheel)
        return None
    exprs: dict[int, bytes] = {}
    plans: dict[int, RulePlan] = {}

    def add(i: int, pattern: str, flags: int, edges: bool) -> None:
        got = translation(pattern, flags, edges)
        if got and got[0]:
            expr, reach = got
            width = _max_width(pattern, flags)
            exprs[i] = expr.encode("utf-8")
            plans[i] = RulePlan(separators_of(pattern, flags),
                                None if width is None or reach is None else width + reach, reach != 0,
                                _alphabet_of(pattern, flags))

    for i, (pattern, flags) in enumerate(patterns):
        add(i, pattern, flags, edges=True)
    sentinel = {len(patterns): _spell_class([*rare_digits(), (_MAX_BMP + 1, _MAX_CODEPOINT)]).encode("utf-8")}
    db = _compile(hyperscan, {**exprs, **sentinel})
    if db is None:
        # Find the expressions Hyperscan refuses (one that matches the empty string, one too
        # large, one with a ^ after a look-behind's prefix): they are tried without the
        # look-arounds at their edges, else their rules take the pre-filter path.
        for i in list(exprs):
            if _compile(hyperscan, {i: exprs[i]}) is None:
                del exprs[i]
                add(i, *patterns[i], edges=False)
                if i in exprs and _compile(hyperscan, {i: exprs[i]}) is None:
                    del exprs[i]
        db = _compile(hyperscan, {**exprs, **sentinel})
    if db is None:
        return None
    plans = {i: p for i, p in plans.items() if i in exprs}
    return Engine(plans, hyperscan.dumpb(db), [i for i in range(len(patterns)) if i not in exprs])


def _compile(hyperscan: Any, exprs: dict[int, bytes]) -> Any:
    if not exprs:
        return None
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=list(exprs.values()), ids=list(exprs), elements=len(exprs),
                   flags=hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE)
    except Exception:  # noqa: BLE001 — hyperscan.error: an expression it cannot take
        return None
    return db


# --- one engine per rule set, kept on disk ----------------------------------------------------

_ENGINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NOT_YET = object()
# A document shorter than this takes the pre-filter path while no engine is loaded: loading
# one (Hyperscan, ~2 MB of database) costs more than the whole pass over a short text.
SMALL = 5_000
# Characters a rule set has seen before an engine that is not on disk is built: building
# costs seconds, a pre-filter pass ~1 s per million characters.
BUILD_AFTER = 200_000
_seen: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def for_rules(rs: Any, chars: int = 0, build_now: bool = False) -> Engine | None:
    """The engine of a rule set (anything with `.rules`, each with `.compiled`) for a text of
    ``chars`` characters: from memory, else from the disk cache, else built once the rule
    set has seen BUILD_AFTER characters (at once with ``build_now``). None: the pre-filter
    path."""
    got = _ENGINES.get(rs, _NOT_YET)
    if got is not _NOT_YET:
        return got
    seen = _seen[rs] = _seen.get(rs, 0) + chars
    if not build_now and chars < SMALL and seen < BUILD_AFTER:
        return None
    patterns = [(r.compiled.pattern, r.compiled.flags) for r in rs.rules]
    key = _key(patterns)
    if key is None:  # hyperscan missing
        _ENGINES[rs] = None
        return None
    from .diskcache import load_blob, save_blob

    engine = load_blob("engine", key)
    if not isinstance(engine, Engine) or not engine._ready():
        if not build_now and seen < BUILD_AFTER:
            return None
        engine = build(patterns)
        if engine is not None:
            save_blob("engine", key, engine)
    _ENGINES[rs] = engine
    return engine


def _key(patterns: list[tuple[str, int]]) -> str | None:
    """What the database depends on: the rules' patterns, this module and the pre-filter
    analysis (the translation), and the versions of `regex` and Hyperscan."""
    try:
        import hyperscan
    except Exception:  # noqa: BLE001
        return None
    h = sha1()
    for name in ("engine.py", "prefilter.py"):
        with contextlib.suppress(OSError):
            h.update((Path(__file__).parent / name).read_bytes())
    h.update(f"{regex.__version__}|{getattr(hyperscan, '__version__', '')}|{repr(patterns)}".encode())
    return h.hexdigest()


# --- confirmation ----------------------------------------------------------------------------

def reach(plan: RulePlan, ends: list[int], text: str, cuts: list[int]) -> list[int]:
    """For each candidate end, how far back a match ending there can start (its span lies
    within [reach, end]): the end minus the rule's longest match, else (unbounded width)
    the latest of the start of its piece and the start of the run of its alphabet ending
    there (bounds `confirm` starts its search from). The end itself when no match can end
    there (its last character is outside the alphabet). Looser than `confirm`'s start bound
    for a rule of bounded width (it ignores the piece and the alphabet run then) and written
    apart from it (a shared helper per candidate slows `confirm`): the claims-only pass
    depends only on it never being later than a match start, which
    test_reach_is_never_later_than_a_match_start checks."""
    width = plan.max_width
    alphabet = _char_set(plan.alphabet) if plan.alphabet else None
    if width is not None:
        if alphabet is None:
            return [max(e - width, 0) for e in ends]
        return [max(e - width, 0) if text[e - 1] in alphabet else e for e in ends]
    out: list[int] = []
    for e in ends:
        lo = cuts[i - 1] + 1 if cuts and (i := bisect_left(cuts, e - 1)) else 0
        if alphabet:
            k = e
            while k > lo and text[k - 1] in alphabet:
                k -= 1
            lo = k
        out.append(lo)
    return out


def confirm(pattern: regex.Pattern, plan: RulePlan, ends: list[int], text: str, cuts: list[int],
            deadline: float | None, clock: Any) -> list[regex.Match]:
    """The rule's matches, as `pattern.finditer(text)` gives them, from its candidate ends.
    ``cuts``: the positions of the rule's separators in the text (ascending). ``deadline``
    (by ``clock``) stops the pass with TimeoutError; None: an `Alarm` does."""
    out: list[regex.Match] = []
    n = len(text)
    pos = 0  # where finditer would search next
    done = 0  # every candidate end <= done is settled
    width = plan.max_width
    alphabet = _char_set(plan.alphabet) if plan.alphabet else None
    for e in ends:
        while e > pos and e > done:
            if cuts:
                i = bisect_left(cuts, e - 1)  # the piece holding the candidate's last character
                piece = cuts[i - 1] + 1 if i else 0
                window_end = cuts[i] + 1 if i < len(cuts) else n
            else:
                piece, window_end = 0, n
            start = max(pos, piece, e - width if width is not None else 0)
            if alphabet:  # a match reaching e lies in the run of the alphabet ending there
                k = e
                while k > start and text[k - 1] in alphabet:
                    k -= 1
                if k == e:
                    break  # the character before e is none a match consumes: no match ends at e
                start = k
            left = None  # no deadline: an `Alarm` stops the pass
            if deadline is not None:
                left = deadline - clock()
                if left <= 0:
                    raise TimeoutError("regex timed out")
            m = pattern.search(text, start, window_end, timeout=left)
            if m is None:
                done = window_end - 1 if cuts and i < len(cuts) else n
                break
            if m.end() == m.start():  # an empty match: finditer would step on; leave to the old path
                raise EmptyMatch
            out.append(m)
            pos = m.end()
            if not plan.suffix:
                break  # a later match ends at a later candidate
            # With a look-ahead suffix, the next match may report the same end as this one.
    return out


class Alarm:
    """Stops a rule's pass at its deadline by a CPU-time timer (ITIMER_VIRTUAL, SIGVTALRM)
    whose handler raises TimeoutError wherever the pass is (`regex` looks for signals every
    256 steps), instead of a timeout on each search: `regex` then reads the process CPU
    clock, a system call, as each search starts and every 256 steps, a third of the time
    confirming candidates takes. CPU time, as `regex`'s own timeouts count it, so a busy
    machine does not stop a rule; and SIGVTALRM, not SIGALRM, whose wall-clock timer a
    program may be using as a watchdog (`signal.alarm`).

    Only on the main thread (Python runs signal handlers there), where the signal is free
    (its handler the default) and its timer not running, and where setitimer exists;
    `Alarm.get` gives None elsewhere and the searches keep their timeouts. While set,
    nothing in the pass may carry a timeout of its own, so the alarm is the one source of
    TimeoutError and rings at most once. Between a document's passes `pause` lets a signal
    go but leaves the timer running (the next `set` starts it afresh); `clear` stops it."""

    def __init__(self) -> None:
        self.live = False  # a signal that arrives after `clear` or `pause` is let go

    @staticmethod
    @contextlib.contextmanager
    def get() -> Iterator[Alarm | None]:
        if (not hasattr(signal, "setitimer") or not hasattr(signal, "SIGVTALRM")
                or threading.current_thread() is not threading.main_thread()
                or signal.getsignal(signal.SIGVTALRM) is not signal.SIG_DFL
                or signal.getitimer(signal.ITIMER_VIRTUAL) != (0.0, 0.0)):
            yield None
            return
        alarm = Alarm()
        signal.signal(signal.SIGVTALRM, alarm._ring)
        try:
            yield alarm
        finally:
            alarm.clear()
            signal.signal(signal.SIGVTALRM, signal.SIG_DFL)

    def _ring(self, _signum: int, _frame: Any) -> None:
        if self.live:
            self.live = False
            raise TimeoutError("regex timed out")

    def set(self, seconds: float) -> None:
        self.live = True
        signal.setitimer(signal.ITIMER_VIRTUAL, max(seconds, 1e-6))

    def pause(self) -> None:
        """Lets a signal go until the next `set`, which starts the timer afresh: between
        the passes of one document the timer is not stopped (a system call, ~2 µs)."""
        self.live = False

    def clear(self) -> None:
        self.live = False
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)


class EmptyMatch(Exception):
    """The rule matched the empty string here (the translation rules that out, so only a
    misjudged pattern gets here): the caller redoes the rule with the pre-filter path."""


__all__ = ["Alarm", "Engine", "RulePlan", "build", "confirm", "enabled", "reach", "translate", "translation"]
