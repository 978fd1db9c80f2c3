"""Normalise decoded text for matching while keeping a map back to the original.

Every character of the normalised text remembers the span of original characters it
came from, so a match in the normalised text can be reported with offsets into the
document exactly as it was decoded (SPEC §2: ``original[start:end] == text``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate

from .patterns import compiled, compiled_re

# Pinyin annotation after a character, as in 區(qū): letters with tone marks only.
_PINYIN_OPENS = "(（"  # the brackets it opens with (no escaping needed in a character class)
_PINYIN = compiled(r"(?<=\p{Han})[" + _PINYIN_OPENS + r"]\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿêɑ]{1,7}\s*[)）]")
_HSPACE_CHARS = " \t\u00a0\u3000" + "".join(map(chr, range(0x2002, 0x200C))) + "\ufeff"
_HSPACE_CLASS = f"[{re.escape(_HSPACE_CHARS)}]"
_HSPACE = compiled_re(_HSPACE_CLASS + "+")
# Whole-text scans search for one character at a time: both regex engines test a character
# class at every character of a Chinese text, ~20 times slower than a search for a character.
# The first character of a run of horizontal whitespace, a pattern for each character
# (compiled when a text first holds that character: most never occur).
@lru_cache(maxsize=len(_HSPACE_CHARS))
def _hspace_run_start(c: str) -> re.Pattern:
    return compiled_re(re.escape(c) + f"(?<!{_HSPACE_CLASS}.)")


_OPEN_BRACKETS = tuple(compiled_re(re.escape(c)) for c in _PINYIN_OPENS)  # where _PINYIN may match
# A line holding only zero-width characters, cutting a word or number in two (web copies:
# `国内生产总值达到74.4\n\u200b\n万亿元`): the text runs on across it. After a sentence's end
# it is an ordinary paragraph break and stays.
_INVISIBLE_LINE = compiled(r"(?<=[^\s。！？!?；;：:”」』])\n[ \t\u3000]*[\u200b\u200c\u200d\u2060\ufeff]+[ \t\u3000]*\n(?=\S)")
# Characters that make horizontal whitespace next to them removable.
_GLUE = compiled(r"[\p{Han}\d%‰.,，。、；：:;（）()“”]")
_HAN = compiled(r"\p{Han}")
_NUMERALS_SPACED = "零〇一二两三四五六七八九十百千万亿余多几"

# Full-width ASCII range maps to ASCII by a fixed offset; a few others by table.
_EXTRA = {"\u3000": " ", "．": ".", "％": "%", "﹪": "%", "‧": ".", "﹒": "."}


class OffsetMap(Sequence[int]):
    """A non-decreasing integer sequence stored as runs of consecutive values.

    Item ``i`` is ``i + shift[k]`` for the last run ``k`` with ``at[k] <= i``. A document
    loses a few dozen spans in normalisation at most, so its map is a few dozen runs
    instead of one integer per character (building those took ~30 ms on the national corpus).
    """

    __slots__ = ("_at", "_len", "_shift")

    def __init__(self, at: list[int], shift: list[int], length: int) -> None:
        self._at, self._shift, self._len = at, shift, length

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        return i + self._shift[bisect_right(self._at, i) - 1]


# Compared by identity and never printed: no generated __eq__/__hash__/__repr__, whose
# source Python compiles at every start.
@dataclass(frozen=True, eq=False, repr=False)
class Normalized:
    """Normalised text plus, per character, the original [start, end) it stands for."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    simplified: str = ""  # the original converted to Simplified, character for character

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) back to the original text."""
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC  # lazy: loading dictionaries costs ~0.1 s

    return OpenCC("t2s")


class _T2SFilter:
    """Tells, cheaply, that OpenCC t2s would leave a text unchanged.

    Built from the converter's own tables: ``chars`` matches every character that a
    one-character entry changes (and anything beyond the BMP); ``phrases`` are the
    multi-character entries that change something although none of their characters
    is in ``chars`` (反覆 → 反复). Many of them start with common characters (不, 一, 明),
    so they are looked for only around a few rare characters that every one of them holds
    (覆, 藉, 瞭: "anchors").
    A text that holds no such character and no such phrase converts to itself, since
    every entry OpenCC can apply either maps to itself or is one of those.
    """

    def __init__(self, chars, phrases: tuple[str, ...], by_char: _ByChar | None = None) -> None:
        self.chars = chars
        self.phrases = phrases
        self.by_char = by_char
        # Anchors: for each phrase not yet covered, its character shared by most phrases.
        shared = Counter(c for p in phrases for c in set(p))
        anchors: set[str] = set()
        for p in phrases:
            if anchors.isdisjoint(p):
                anchors.add(max(p, key=lambda c: (shared[c], c)))
        self._anchors = "".join(sorted(anchors))
        self._longest = max(map(len, phrases), default=0)

    @cached_property
    def _phrases_re(self) -> re.Pattern:
        # Compiled when first needed: most texts hold no anchor, so most runs never need it.
        return compiled_re("|".join(map(re.escape, self.phrases)))

    @cached_property
    def _any_anchor(self) -> re.Pattern:
        return compiled_re(f"[{re.escape(self._anchors)}]" if self._anchors else "(?!)")

    def may_change(self, text: str) -> bool:
        if self.chars.search(text):
            return True
        if len(text) < 64 and not self._any_anchor.search(text):
            return False  # a short text (a figure's surface): one search for all anchors, not one each
        # Each anchor sought on its own: most texts hold none, and a search for one character
        # scans a long text far faster than a search for a class of them.
        for anchor in self._anchors:
            at = text.find(anchor)
            while at >= 0:
                # A phrase holding this anchor lies within `longest` characters of it.
                if self._phrases_re.search(text, max(0, at - self._longest + 1), at + self._longest):
                    return True
                at = text.find(anchor, at + 1)
        return False


class _ByChar:
    """OpenCC's conversion, with OpenCC itself only for the pieces that hold a phrase entry.

    The shipped t2s chain is one group: phrase tables, then a table of single characters.
    OpenCC's pure-Python converter replaces the longest phrase found anywhere in a piece (a
    run between separators) and recurses on both sides (slow: a Traditional document takes
    ~50 ms); a piece holding no phrase entry at all is left to the character table, which
    maps each character on its own. The separators are kept out of the table, so all the
    text outside the pieces with a phrase converts by one substitution per run.
    """

    def __init__(self, phrase_keys: list[str], table: dict[str, str], changing: re.Pattern) -> None:
        self._phrase_keys = phrase_keys
        self._table = table
        # Only characters that may change are visited (str.translate would look up every one);
        # those outside the table (separators) stay as they are.
        self._changing = changing

    @cached_property
    def _phrase_re(self) -> re.Pattern | None:
        # Compiled when a text is converted: most runs meet no Traditional text at all.
        return compiled_re("|".join(map(re.escape, sorted(self._phrase_keys)))) if self._phrase_keys else None

    def _sub(self, text: str) -> str:
        table = self._table
        return self._changing.sub(lambda m: table.get(m[0], m[0]), text)

    def convert(self, text: str, separator: re.Pattern, opencc: Callable[[str], str]) -> str:
        """``text`` converted; ``opencc`` converts one piece as OpenCC does."""
        hits = list(self._phrase_re.finditer(text)) if self._phrase_re is not None else []
        if not hits:
            return self._sub(text)  # no phrase entry anywhere: one pass
        parts = separator.split(text)  # even: pieces; odd: separators
        at = list(accumulate(map(len, parts), initial=0))  # parts[i] is text[at[i]:at[i + 1]]
        # Every piece a phrase entry occurs in meets a hit (an entry holds no separator).
        with_phrase: set[int] = set()
        for m in hits:
            with_phrase.update(range(bisect_right(at, m.start()) - 1, bisect_left(at, m.end())))
        out: list[str] = []
        done = 0  # text before this is converted
        for i in sorted(i for i in with_phrase if i % 2 == 0):
            out += [self._sub(text[done:at[i]]), opencc(parts[i])]
            done = at[i + 1]
        out.append(self._sub(text[done:]))
        return "".join(out)


# What the filter is made of, worked out from OpenCC's t2s tables: the characters a
# one-character entry changes, the phrases (see _T2SFilter) and, when the chain has the
# shape _ByChar needs, its phrase keys and character table.
_T2STables = tuple[str, tuple[str, ...], tuple[list[str], dict[str, str]] | None]


def _by_char(chain, separator: re.Pattern) -> tuple[list[str], dict[str, str]] | None:
    """The phrase keys and character table of the shortcut for ``chain``, or None when its
    shape is another."""
    if len(chain) != 1 or not chain[0]:
        return None
    *phrase_tables, (longest, shortest, chars) = chain[0]
    if longest != 1 or shortest != 1:
        return None
    # The keys that are separators, found in one pass over all keys (a match holds only separators).
    seps = {c for m in separator.findall("".join(chars)) for c in m}
    table = {k: v.split(" ")[0] for k, v in chars.items() if k not in seps}
    if any(not v for v in table.values()):
        return None  # OpenCC treats an empty value as no match: keep its own behaviour
    return [k for _, _, t in phrase_tables for k in t], table


def _char_class(chars) -> re.Pattern:
    # Characters beyond the BMP go in as one range: a class of BMP characters only
    # compiles to a bitmap and scans ~100x faster.
    bmp = re.escape("".join(sorted(c for c in chars if ord(c) <= 0xFFFF)))  # escapes each character
    return compiled_re("[" + bmp + "\U00010000-\U0010ffff]")


def _t2s_tables() -> _T2STables | None:
    """The filter's tables, from OpenCC's t2s dictionaries; None when they cannot be read."""
    try:
        cc = _converter()
        chain = cc._dict_chain_data
        entries = [(key, value.split(" ")[0]) for group in chain
                   for _longest, _shortest, table in group for key, value in table.items()]
        changing = [(k, v) for k, v in entries if k != v]
        chars = {k for k, _ in changing if len(k) == 1}
        by_char = _by_char(chain, cc.split_chars_re)
    except (AttributeError, TypeError, ValueError):  # another OpenCC implementation
        return None
    phrases = tuple(sorted({k for k, _ in changing if len(k) != 1 and not any(c in chars for c in k)}))
    return "".join(sorted(chars)), phrases, by_char


def _t2s_key() -> str | None:
    """The disk-cache key of the tables: OpenCC's t2s configuration and the dictionaries it
    names (read without importing OpenCC), and this module's code."""
    import json
    from importlib.util import find_spec
    from pathlib import Path

    from .diskcache import code_signature

    try:
        spec = find_spec("opencc")
        folder = Path(next(iter(spec.submodule_search_locations or ())))  # type: ignore[union-attr]
        config = folder / "config" / "t2s.json"
        names: list[str] = []

        def files(node: object) -> None:  # every "file" entry, at any depth
            if isinstance(node, dict):
                if isinstance(node.get("file"), str):
                    names.append(node["file"])
                for v in node.values():
                    files(v)
            elif isinstance(node, list):
                for v in node:
                    files(v)

        files(json.loads(config.read_text(encoding="utf-8")).get("conversion_chain"))
    except (AttributeError, ImportError, OSError, StopIteration, ValueError):
        return None
    # This module makes the tables from what OpenCC's code reads of its files: an edit
    # elsewhere in this package keeps them, a new OpenCC (files or code) does not.
    return code_signature([config, *(folder / "dictionary" / n for n in names), *sorted(folder.glob("*.py")),
                           Path(__file__)], "t2s", package=False)


@lru_cache(maxsize=1)
def _t2s_filter() -> _T2SFilter | None:
    """The filter for the t2s tables, or None when they cannot be read (then convert all).
    Its tables are kept in the disk cache: working them out loads OpenCC's dictionaries
    (~15 ms per process, when most documents need no conversion at all)."""
    from .diskcache import cached

    key = _t2s_key()
    tables = cached("t2s", key, _t2s_tables) if key is not None else _t2s_tables()
    if tables is None:
        return None
    chars, phrases, by_char = tables
    chars_re = _char_class(chars)
    return _T2SFilter(chars_re, phrases, _ByChar(*by_char, chars_re) if by_char is not None else None)


def prepare() -> None:
    """Build the tables normalize() makes on first use now: worker processes forked after
    this share them instead of each building its own."""
    _t2s_filter()


def _convert(cc, text: str, flt: _T2SFilter | None) -> str:
    """``cc.convert(text)``, skipping the separator-delimited pieces it would leave alone."""
    split = getattr(cc, "split_chars_re", None)
    chain = getattr(cc, "_dict_chain_data", None)
    if flt is None or split is None or chain is None or not hasattr(cc, "_convert"):
        return cc.convert(text)
    if flt.by_char is not None:
        return flt.by_char.convert(text, split, lambda piece: cc._convert(piece, chain))
    parts = split.split(text)
    for i in range(0, len(parts), 2):  # even: text pieces; odd: separators, kept as they are
        if flt.may_change(parts[i]):
            parts[i] = cc._convert(parts[i], chain)
    return "".join(parts)


def _to_simplified(text: str) -> str:
    """Traditional → Simplified, character for character so offsets stay valid."""
    if not text or not _HAN.search(text):
        return text
    flt = _t2s_filter()
    if flt is not None and not flt.may_change(text):
        return text  # nothing Traditional: the common case, no conversion at all
    cc = _converter()
    out = _convert(cc, text, flt)
    if len(out) == len(text):
        return out
    # A phrase mapping changed the length: fall back to one character at a time.
    return "".join(c2 if len(c2 := cc.convert(c)) == 1 else c for c in text)


def _width(c: str) -> str:
    o = ord(c)
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    return _EXTRA.get(c, c)


_WIDTH_TABLE = {o: _width(chr(o)) for o in [*range(0xFF01, 0xFF5F), *map(ord, _EXTRA)]}
_WIDE = compiled_re("[" + "".join(re.escape(chr(o)) for o in sorted(_WIDTH_TABLE)) + "]")


_MIDDOT_DECIMAL = compiled(r"(?<=\d)[·•](?=\d)")


def _widen(s: str) -> str:
    """``_width`` over every character of ``s`` (one character for one)."""
    pos = 0
    while m := _WIDE.search(s, pos):  # a few distinct characters: replace beats translate 3x
        s = s.replace(m[0], _WIDTH_TABLE[ord(m[0])])
        pos = m.start()  # none before it: every earlier one is replaced already
    if "·" in s or "•" in s:
        s = _MIDDOT_DECIMAL.sub(".", s)  # 增长19·5%: a middle dot between digits is a decimal point
    return s


def _hspace_runs(text: str) -> list[tuple[int, int]]:
    """The runs of horizontal whitespace in ``text``, in order (those _HSPACE.finditer finds)."""
    starts = sorted(m.start() for c in _HSPACE_CHARS if c in text for m in _hspace_run_start(c).finditer(text))
    return [_HSPACE.match(text, a).span() for a in starts]


def _pinyin_spans(text: str) -> list[tuple[int, int]]:
    """The pinyin annotations in ``text``, in order (those _PINYIN.finditer finds): tried only
    at the opening brackets."""
    spans: list[tuple[int, int]] = []
    end = 0
    for at in sorted(m.start() for p in _OPEN_BRACKETS for m in p.finditer(text)):
        if at >= end and (m := _PINYIN.match(text, at)):
            spans.append(m.span())
            end = m.end()
    return spans


def _removable_space(text: str, a: int, b: int) -> bool:
    """Whitespace text[a:b] inside a run of Chinese or numbers: drop it (`4000 亿元`)."""
    if a == 0 or b >= len(text):
        return False
    left, right = _width(text[a - 1]), _width(text[b])  # １ ．１ decides like 1 .1
    if left == "\n" or right == "\n":
        return False
    # A number and its unit or qualifier (`4000 亿元`, `突破 4000`, `8% 以上`), digits spaced
    # one by one (`1 9 9 3 年`, `十 余 万`); spaces between words are left alone.
    if left.isdigit() and left.isascii() or left in "%‰." or right.isdigit() and right.isascii() or right == ".":
        return bool(_GLUE.match(left) and _GLUE.match(right))
    return left in _NUMERALS_SPACED and right in _NUMERALS_SPACED + "年"


def normalize(text: str) -> Normalized:
    """Return the matching form of ``text`` with its offset map.

    ``starts``/``ends`` are compact integer sequences (a ``range`` when nothing was
    removed, else an ``OffsetMap``), not lists: a 10 MB document would otherwise need
    hundreds of megabytes of int objects for its offset map.
    """
    events: list[tuple[int, int, bool]] = []  # (start, end, is_pinyin) of spans removed
    attach: set[int] = set()  # pinyin spans: glued to the character before them
    if any(c in text for c in _PINYIN_OPENS):
        for a, b in _pinyin_spans(text):
            attach.add(a)
            events.append((a, b, True))
    if "\u200b" in text or "\ufeff" in text or "\u2060" in text or "\u200c" in text or "\u200d" in text:
        events.extend((m.start(), m.end(), False) for m in _INVISIBLE_LINE.finditer(text))
    for a, b in _hspace_runs(text):
        if a not in attach and _removable_space(text, a, b):
            events.append((a, b, False))  # dropped entirely
    simple = _to_simplified(text)
    n = len(text)
    if not events:
        return Normalized(_widen(simple), range(n), range(1, n + 1), simple)
    events.sort()
    events.append((n, n, False))  # an empty last event: the kept tail is recorded by the loop
    pieces: list[str] = []
    # Runs of kept characters: normalised index `at` onwards maps to original index + shift.
    at: list[int] = []
    starts: list[int] = []
    ends_at: list[int] = []
    ends: list[int] = []
    size = pos = 0  # characters kept so far; original position reached
    for a, b, pinyin in events:
        if a < pos:  # inside a span already skipped
            continue
        if a > pos:
            pieces.append(simple[pos:a])
            at.append(size)
            starts.append(pos - size)
            ends_at.append(size)
            ends.append(pos + 1 - size)
            size += a - pos
        if pinyin and size:  # the character before the annotation ends after it
            if ends_at[-1] != size - 1:
                ends_at.append(size - 1)
                ends.append(0)
            ends[-1] = b - (size - 1)
        pos = b
    return Normalized(_widen("".join(pieces)), OffsetMap(at, starts, size), OffsetMap(ends_at, ends, size), simple)


# Every character normalize() can drop or replace other than the Traditional ones: the
# whitespace and zero-width characters it may remove, the brackets of a pinyin annotation,
# the full-width forms and the middle dots it rewrites.
_TOUCHED = compiled_re(
    "[ \t\u00a0\u3000\u2002-\u200d\u2060\ufeff(（·•" + "".join(re.escape(chr(o)) for o in sorted(_WIDTH_TABLE)) + "]"
)


def unchanged_by_normalize(text: str) -> bool:
    """Cheaply tell that ``normalize(text).text == text`` (False: it may differ).

    Pieces of text that was normalised already (a figure's surface) usually hold none of
    the characters normalize() touches, so they need not be normalised again."""
    if _TOUCHED.search(text):
        return False
    flt = _t2s_filter()
    return flt is not None and not flt.may_change(text)


@lru_cache(maxsize=4096)  # several claims share a sentence
def readable(simplified: str) -> str:
    """A piece of the (Simplified) original for people to read: pinyin annotations dropped,
    whitespace collapsed, its own punctuation and digits kept (，not ,)."""
    if "(" in simplified or "（" in simplified:  # _PINYIN_OPENS, spelled out: this runs per sentence
        simplified = _PINYIN.sub("", simplified)
    return " ".join(simplified.split())
