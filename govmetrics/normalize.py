"""Normalise decoded text for matching while keeping a map back to the original.

Every character of the normalised text remembers the span of original characters it
came from, so a match in the normalised text can be reported with offsets into the
document exactly as it was decoded (SPEC §2: ``original[start:end] == text``).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .patterns import compiled

# Pinyin annotation after a character, as in 區(qū): letters with tone marks only.
_PINYIN = compiled(r"(?<=\p{Han})[(（]\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿêɑ]{1,7}\s*[)）]")
_HSPACE = compiled(r"[ \t\u00a0\u3000\u2002-\u200b\ufeff]+")
# Characters that make horizontal whitespace next to them removable.
# A line holding only zero-width characters, cutting a word or number in two (web copies:
# `国内生产总值达到74.4\n\u200b\n万亿元`): the text runs on across it. After a sentence's end
# it is an ordinary paragraph break and stays.
_INVISIBLE_LINE = compiled(r"(?<=[^\s。！？!?；;：:”」』])\n[ \t\u3000]*[\u200b\u200c\u200d\u2060\ufeff]+[ \t\u3000]*\n(?=\S)")
_GLUE = compiled(r"[\p{Han}\d%‰.,，。、；：:;（）()“”]")
_HAN = compiled(r"\p{Han}")
_NUMERALS_SPACED = "零〇一二两三四五六七八九十百千万亿余多几"

# Full-width ASCII range maps to ASCII by a fixed offset; a few others by table.
_EXTRA = {"\u3000": " ", "．": ".", "％": "%", "﹪": "%", "‧": ".", "﹒": "."}


@dataclass(frozen=True)
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
    is in ``chars`` (反覆 → 反复), found by one alternation pass.
    A text that holds no such character and no such phrase converts to itself, since
    every entry OpenCC can apply either maps to itself or is one of those.
    """

    def __init__(self, chars, phrases: tuple[str, ...]) -> None:
        self.chars = chars
        self.phrases = phrases
        # One pass finds any of the phrases (a loop of `in` tests reads the text once each).
        self._phrases_re = re.compile("|".join(map(re.escape, phrases))) if phrases else None

    def may_change(self, text: str) -> bool:
        if self.chars.search(text):
            return True
        return self._phrases_re is not None and bool(self._phrases_re.search(text))


def _char_class(chars) -> re.Pattern:
    # Characters beyond the BMP go in as one range: a class of BMP characters only
    # compiles to a bitmap and scans ~100x faster.
    bmp = "".join(re.escape(c) for c in sorted(chars) if ord(c) <= 0xFFFF)
    return re.compile("[" + bmp + "\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _t2s_filter() -> _T2SFilter | None:
    """The filter for the t2s tables, or None when they cannot be read (then convert all)."""
    try:
        entries = [(key, value.split(" ")[0]) for group in _converter()._dict_chain_data
                   for _longest, _shortest, table in group for key, value in table.items()]
    except (AttributeError, TypeError, ValueError):  # another OpenCC implementation
        return None
    changing = [(k, v) for k, v in entries if k != v]
    chars = {k for k, _ in changing if len(k) == 1}
    phrases = tuple(sorted({k for k, _ in changing if len(k) != 1 and not any(c in chars for c in k)}))
    return _T2SFilter(_char_class(chars), phrases)


def _convert(cc, text: str, flt: _T2SFilter | None) -> str:
    """``cc.convert(text)``, skipping the separator-delimited pieces it would leave alone."""
    split = getattr(cc, "split_chars_re", None)
    chain = getattr(cc, "_dict_chain_data", None)
    if flt is None or split is None or chain is None or not hasattr(cc, "_convert"):
        return cc.convert(text)
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
_WIDE = re.compile("[" + "".join(re.escape(chr(o)) for o in sorted(_WIDTH_TABLE)) + "]")


_MIDDOT_DECIMAL = compiled(r"(?<=\d)[·•](?=\d)")


def _widen(s: str) -> str:
    """``_width`` over every character of ``s`` (one character for one)."""
    for c in set(_WIDE.findall(s)):  # a few distinct characters: replace beats translate 3x
        s = s.replace(c, _WIDTH_TABLE[ord(c)])
    if "·" in s or "•" in s:
        s = _MIDDOT_DECIMAL.sub(".", s)  # 增长19·5%: a middle dot between digits is a decimal point
    return s


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
    removed, else an ``array``), not lists: a 10 MB document would otherwise need
    hundreds of megabytes of int objects for its offset map.
    """
    events: list[tuple[int, int, bool]] = []  # (start, end, is_pinyin) of spans removed
    attach: set[int] = set()  # pinyin spans: glued to the character before them
    if "(" in text or "（" in text:
        for m in _PINYIN.finditer(text):
            attach.add(m.start())
            events.append((m.start(), m.end(), True))
    if "\u200b" in text or "\ufeff" in text or "\u2060" in text or "\u200c" in text or "\u200d" in text:
        events.extend((m.start(), m.end(), False) for m in _INVISIBLE_LINE.finditer(text))
    for m in _HSPACE.finditer(text):
        if m.start() not in attach and _removable_space(text, m.start(), m.end()):
            events.append((m.start(), m.end(), False))  # dropped entirely
    simple = _to_simplified(text)
    n = len(text)
    if not events:
        return Normalized(_widen(simple), range(n), range(1, n + 1), simple)
    events.sort()
    pieces: list[str] = []
    starts = array("q")
    ends = array("q")
    pos = 0
    for a, b, pinyin in events:
        if a < pos:  # inside a span already skipped
            continue
        if a > pos:
            pieces.append(simple[pos:a])
            starts.extend(range(pos, a))
            ends.extend(range(pos + 1, a + 1))
        if pinyin and ends:
            ends[-1] = b
        pos = b
    if pos < n:
        pieces.append(simple[pos:])
        starts.extend(range(pos, n))
        ends.extend(range(pos + 1, n + 1))
    return Normalized(_widen("".join(pieces)), starts, ends, simple)


# Every character normalize() can drop or replace other than the Traditional ones: the
# whitespace and zero-width characters it may remove, the brackets of a pinyin annotation,
# the full-width forms and the middle dots it rewrites.
_TOUCHED = re.compile(
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
    return " ".join(_PINYIN.sub("", simplified).split())
