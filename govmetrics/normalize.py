"""Normalise decoded text for matching while keeping a map back to the original.

Every character of the normalised text remembers the span of original characters it
came from, so a match in the normalised text can be reported with offsets into the
document exactly as it was decoded (SPEC §2: ``original[start:end] == text``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

# Pinyin annotation after a character, as in 區(qū): letters with tone marks only.
_PINYIN = regex.compile(r"(?<=\p{Han})[(（]\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿêɑ]{1,7}\s*[)）]")
_HSPACE = regex.compile(r"[ \t\u00a0\u3000\u2002-\u200b\ufeff]+")
# Characters that make horizontal whitespace next to them removable.
_GLUE = regex.compile(r"[\p{Han}\d%‰.,，。、；：:;（）()“”]")
_HAN = regex.compile(r"\p{Han}")
_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿")
_NUMERALS_SPACED = "零〇一二两三四五六七八九十百千万亿余多几"

# Full-width ASCII range maps to ASCII by a fixed offset; a few others by table.
_EXTRA = {"\u3000": " ", "．": ".", "％": "%", "﹪": "%", "‧": ".", "﹒": "."}


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, per character, the original [start, end) it stands for."""

    text: str
    starts: list[int]
    ends: list[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) back to the original text."""
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC  # lazy: loading dictionaries costs ~0.1 s

    return OpenCC("t2s")


def _to_simplified(text: str) -> str:
    """Traditional → Simplified, character for character so offsets stay valid."""
    if not text or not _HAN.search(text):
        return text
    cc = _converter()
    out = cc.convert(text)
    if len(out) == len(text):
        return out
    # A phrase mapping changed the length: fall back to one character at a time.
    return "".join(c2 if len(c2 := cc.convert(c)) == 1 else c for c in text)


def _width(c: str) -> str:
    o = ord(c)
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    return _EXTRA.get(c, c)


def _removable_space(text: str, a: int, b: int) -> bool:
    """Whitespace text[a:b] inside a run of Chinese or numbers: drop it (`4000 亿元`)."""
    if a == 0 or b >= len(text):
        return False
    left, right = text[a - 1], text[b]
    if left == "\n" or right == "\n":
        return False
    # A number and its unit or qualifier (`4000 亿元`, `突破 4000`, `8% 以上`), digits spaced
    # one by one (`1 9 9 3 年`, `十 余 万`); spaces between words are left alone.
    if left.isdigit() and left.isascii() or left in "%‰." or right.isdigit() and right.isascii() or right == ".":
        return bool(_GLUE.match(left) and _GLUE.match(right))
    return left in _NUMERALS_SPACED and right in _NUMERALS_SPACED + "年"


def normalize(text: str) -> Normalized:
    """Return the matching form of ``text`` with its offset map."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    drop: dict[int, int] = {}  # start -> end of spans removed entirely
    attach: dict[int, int] = {}  # pinyin spans: glued to the character before them
    for m in _PINYIN.finditer(text):
        attach[m.start()] = m.end()
    for m in _HSPACE.finditer(text):
        if m.start() not in attach and _removable_space(text, m.start(), m.end()):
            drop[m.start()] = m.end()
    simple = _to_simplified(text)
    i, n = 0, len(text)
    while i < n:
        if i in attach:
            if ends:
                ends[-1] = attach[i]
            i = attach[i]
            continue
        if i in drop:
            i = drop[i]
            continue
        chars.append(_width(simple[i]))
        starts.append(i)
        ends.append(i + 1)
        i += 1
    return Normalized("".join(chars), starts, ends)


def line_of(text: str, offset: int, _cache: dict | None = None) -> int:
    """1-based line number of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1


def has_numeral(s: str) -> bool:
    return any(c.isdigit() or c in _NUMERALS for c in s)
