"""Parse numerals and quantities: `三千六百亿元` → 3.6e11 元.

All vocabulary (digits, magnitudes, units, currency words, qualifier words) comes from
the rule files (`rules/numbers.yaml`, `rules/units.yaml`, `rules/qualifiers.yaml`);
this module holds only the mechanism. The extractor uses the same functions.

Public API:

- ``parse_number(text) -> float | None``: a bare numeral (`三千六百亿`, `1.2万亿`,
  `一九八三`, `1,234.5万`, `负1.1`, `一千多万`).
- ``parse_quantity(text) -> Quantity | None``: one quantity with its base unit and
  qualifier (`超3600亿元`, `百分之八点二`, `翻两番`, `每月4万片`, `123元1角1分`).
- ``parse_quantities(text) -> list[Quantity]``: a quantity or a range (`12亿到15亿美元`,
  `5-8%`, `两到三万`); the first half takes the unit (and the magnitude, when it has
  none) of the second.

Values are computed with `decimal.Decimal` and converted to float once, so
`1.37万亿` is exactly 1.37e12 and integers up to 10^16 survive.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache

import regex

from .memo import remembered
from .normalize import normalize, unchanged_by_normalize
from .patterns import compiled, compiled_re
from .rules import RuleSet, default_ruleset


@dataclass(frozen=True)
class Quantity:
    """A parsed quantity: its value in the base unit, the unit, a qualifier and a kind."""

    value: float
    unit: str = ""
    qualifier: str = "exact"
    kind: str = ""  # "" unless the form itself fixes it (rank, growth for 翻一番, share for 2/3)


_ARABIC = compiled(r"\d+(?:\.\d+)?|\.\d+")
_SPACE = compiled(r"\s+")
_THOUSANDS = compiled(r"(?<=\d)[,，](?=\d{3}(?!\d))")
# 、 joins two neighbouring digits into a range only between single Chinese digits (两、三倍).
_RANGE_CHARS = compiled_re("[至到~～\\-—－–、]")  # what _RANGE_SEP needs: most snippets have none
_RANGE_SEP = compiled(
    r"(?<=[^\s至到~～\-—－–])(?:至|到|~|～|-|—|－|–)(?=.)|(?<=^[一二两三四五六七八九])、(?=[一二两三四五六七八九])"
)


_HALF_WIDTH = {o: o - 0xFEE0 for o in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_FULL_WIDTH = compiled_re("[\uff01-\uff5e\u3000]")


class _Vocab:
    """Lookup tables built once per rule set."""

    def __init__(self, rs: RuleSet) -> None:
        digits = rs.data["digits"]
        self.digits: dict[str, int] = {k: int(x) for k, x in digits.items() if len(k) == 1}
        self.whole_words: dict[str, int] = {k: int(x) for k, x in digits.items() if len(k) > 1}
        self.small: dict[str, int] = {k: int(x) for k, x in rs.data["small_units"].items()}
        self.mags: dict[str, int] = {k: int(x) for k, x in rs.data["magnitudes"].items()}
        self.mag_words = sorted(self.mags, key=len, reverse=True)
        self.big_mag_chars = set("".join(self.mags))
        self.units: dict[str, tuple[str, float]] = rs.units
        # Each unit's factor as the Decimal a value is multiplied by (made once, not per figure).
        self.unit_factors: dict[str, Decimal] = {w: Decimal(str(f)) for w, (_, f) in self.units.items()}
        self.unit_words = sorted(self.units, key=len, reverse=True)
        # Units that begin with a numeral character keep it (5千米 is 5 千米, 3万千瓦 is 3e4 千瓦).
        self.numeral_units = [w for w in self.unit_words if w[0] in self.small]
        self.money: dict[str, Decimal] = {
            k: Decimal(str(x)) for k, x in rs.data.get("money_subunits", {}).items()
        }
        self.money_words = sorted(self.money, key=len, reverse=True)
        self.count_nouns: dict[str, str] = rs.data.get("count_nouns", {})
        self.count_noun_words = sorted(self.count_nouns, key=len, reverse=True)
        words = rs.data.get("words", {})
        self.vague_more = set(words.get("NUM_VAGUE_MORE", ["多", "余", "几"]))
        self.vague_approx = set(words.get("NUM_VAGUE_APPROX", []))
        self.negative = sorted(words.get("NUM_NEGATIVE", ["负", "-"]), key=len, reverse=True)
        self.positive = sorted(words.get("NUM_POSITIVE", ["+"]), key=len, reverse=True)
        self.half = set(words.get("HALF_WORDS", []))
        self.half_more = set(words.get("HALF_MORE_WORDS", []))
        self.per_verbs = sorted(words.get("PER_VERBS", []), key=len, reverse=True)
        self.per_words = sorted(set(words.get("PER_WORDS", [])) | set(self.units), key=len, reverse=True)
        self.currency_prefix = sorted(words.get("CURRENCY_PREFIX", []), key=len, reverse=True)
        self.money_end = sorted(words.get("MONEY_END", []), key=len, reverse=True)
        self.not_numbers = set(words.get("NOT_A_NUMBER", []))
        self.mag_classifiers = tuple(words.get("MAGNITUDE_CLASSIFIERS", []))
        self.currency_names = sorted(words.get("CURRENCY_NAMES", []), key=len, reverse=True)
        self.currency_prefix = sorted(set(self.currency_prefix) | set(self.currency_names), key=len, reverse=True)
        quals = rs.data["qualifiers"]
        self.q_before = sorted(
            ((w, q) for q, d in quals.items() for w in d.get("before", [])), key=lambda x: -len(x[0])
        )
        self.q_after = sorted(
            ((w, q) for q, d in quals.items() for w in d.get("after", [])), key=lambda x: -len(x[0])
        )
        # The same lists by the character a word must start (end) with, longest first as
        # above: a parse looks only at the few words that can match, not at all of them.
        self.q_before_at = _bucket(self.q_before, 0)
        self.q_after_at = _bucket(self.q_after, -1)
        self.mag_words_at = _bucket([(w, w) for w in self.mag_words], 0)
        self.numeral_chars = set(self.digits) | set(self.small) | self.big_mag_chars | {"点"}
        self.numeral_units_at = _words_at(self.numeral_units, -1)
        self.money_end_at = _words_at(self.money_end, -1)
        self.count_nouns_at = _words_at(self.count_noun_words, -1)
        self.negative_at = _words_at(self.negative, 0)
        self.positive_at = _words_at(self.positive, 0)
        self.per_words_at = _words_at(self.per_words, 0)
        self.per_verbs_at = _words_at(self.per_verbs, 0)
        self.currency_prefix_at = _words_at(self.currency_prefix, 0)
        self.currency_names_at = _words_at(self.currency_names, -1)
        self.char_tokens = _char_tokens(self)
        # _tokens' pieces: an ASCII number (any other digit is no token), a magnitude word (one
        # that begins with a one-character token never reads as one: that token comes first),
        # any one character; and the tokens of each piece but the numbers.
        digit_like = {c for c in self.char_tokens if c.isdigit() or c == "."}  # (read as numbers)
        mag_pieces = [w for w in self.mag_words if w[0] not in self.char_tokens and not w[0].isdigit() and w[0] != "."]
        self.token_re = re.compile(
            "|".join([r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+", *map(re.escape, mag_pieces), "."]), re.S)
        self.piece_tokens: dict[str, tuple[_Tok, ...]] = {
            c: t for c, t in self.char_tokens.items() if c not in digit_like} | {
            w: (("m", Decimal(self.mags[w]), w),) for w in mag_pieces}
        # An Arabic number of up to 11 characters and one magnitude word (1500亿, 2.8万: a
        # quarter of all numerals), read without the token machinery (_read_numeral): the
        # words the tokens read as a magnitude (none begins with a one-character token), of
        # up to 17 digits, so that the product has at most 28: exact in the default context.
        quick_mags = [w for w in self.mag_words if w[0] not in self.char_tokens and self.mags[w] < 10**17]
        self.arabic_mag = re.compile(
            r"([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(" + "|".join(map(re.escape, quick_mags)) + ")") if quick_mags else None
        self.mag_values: dict[str, Decimal] = {w: Decimal(self.mags[w]) for w in quick_mags}
        self.unit_and_mag_chars = "".join(self.small) + "".join(self.big_mag_chars)  # for rstrip
        # The characters a numeral can end with: its last token is an Arabic number, a
        # one-character word or a magnitude word (or it is a whole word such as 半百).
        self.numeral_ends = set("0123456789") | set(self.char_tokens) | {
            w[-1] for w in [*self.mag_words, *self.whole_words] if w}
        # _numeral's memo of numeral texts (memo.remembered): it lives with the vocabulary,
        # which is built per process (never pickled) and only for the last few rule sets.
        self.numerals: dict[str, tuple[Decimal, str] | None] = {}


def _bucket(pairs: list[tuple[str, str]], at: int) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for w, x in pairs:
        out.setdefault(w[at], []).append((w, x))
    return out


def _words_at(words: list[str], at: int) -> dict[str, list[str]]:
    """``words`` by their first (at=0) or last (at=-1) character, in their order (longest
    first): a text is tried only against the words it can start (end) with."""
    out: dict[str, list[str]] = {}
    for w in words:
        if w:
            out.setdefault(w[at], []).append(w)
    return out


@lru_cache(maxsize=8)
def _vocab_for(rs_id: int, rs: RuleSet) -> _Vocab:
    return _Vocab(rs)


_last: tuple[RuleSet, _Vocab] | None = None  # the rule set of the last call and its vocabulary


def vocab(rs: RuleSet | None = None) -> _Vocab:
    global _last
    rs = rs or default_ruleset()
    last = _last
    if last is not None and last[0] is rs:
        return last[1]  # (nearly every call: no hashing of the rule set, whose __hash__ is Python)
    v = _vocab_for(id(rs), rs)
    _last = rs, v
    return v


# ----------------------------------------------------------------------------- numerals

# Token kinds: a = Arabic number, n = Chinese digit 1-9, z = zero, u = 十/百/千,
# m = 万/亿/兆…, p = 点, v = vague marker.
_Tok = tuple[str, Decimal, str]


def _clean(text: str) -> str:
    # Full-width ASCII → ASCII (１．３７ → 1.37, ％ → %); ideographic space → space (only
    # when there is one: translate is slow on Chinese).
    s = text.translate(_HALF_WIDTH) if _FULL_WIDTH.search(text) else text
    # Every whitespace character but the space is unprintable: most snippets skip both passes.
    if " " in s or not s.isprintable():
        s = _SPACE.sub("", s)
    return _THOUSANDS.sub("", s) if "," in s or "，" in s else s


@lru_cache(maxsize=8)
def _classifier_re(words: tuple[str, ...], mags: tuple[str, ...]) -> regex.Pattern | None:
    if not words or not mags:
        return None
    alt = "|".join(regex.escape(w) for w in words)
    mag = "|".join(regex.escape(m) for m in sorted(mags, key=len, reverse=True))
    return compiled(r"(?<=[\d零〇一二两三四五六七八九十百千几多余])(?:" + alt + r")(?=(?:" + mag + r"))")


def _drop_classifier(s: str, v: _Vocab) -> str:
    """两个亿 → 两亿, 十几个亿 → 十几亿: a classifier between a numeral and its magnitude."""
    if not v.mag_classifiers or v.mag_classifiers[0] not in s:
        return s
    r = _classifier_re(v.mag_classifiers, tuple(v.mags))
    return r.sub("", s) if r is not None else s


def _tokens(s: str, v: _Vocab) -> list[_Tok] | None:
    """The tokens of a numeral text, None if it holds something else: one pass of
    ``v.token_re`` splits it into ASCII numbers, magnitude words and single characters, and
    each piece is looked up (``v.piece_tokens``), not tried character by character."""
    out: list[_Tok] = []
    for piece in v.token_re.findall(s):
        toks = v.piece_tokens.get(piece)
        if toks is None:
            if piece[0] not in _ASCII_NUMBER_START or piece == ".":
                return None  # no token: any other digit (٣, ²) or character, or a lone point
            toks = (("a", Decimal(piece), piece),)
        out += toks
    return out


_ASCII_NUMBER_START = frozenset("0123456789.")


def _char_tokens(v: _Vocab) -> dict[str, tuple[_Tok, ...]]:
    """The tokens each one-character word stands for: digits, 十/百/千, 点, vague markers."""
    out: dict[str, tuple[_Tok, ...]] = {}
    for c in [*v.digits, *v.small, "点", *v.vague_more, *v.vague_approx]:
        if c in out:
            continue  # the first reading listed wins
        if c in v.digits:
            d = v.digits[c]
            if d >= 10:  # 廿 = 二十: a digit and 十
                out[c] = (("n", Decimal(d // 10), c), ("u", Decimal(10), c))
            else:
                out[c] = (("z" if d == 0 else "n", Decimal(d), c),)
        elif c in v.small:
            out[c] = (("u", Decimal(v.small[c]), c),)
        elif c == "点":
            out[c] = (("p", Decimal(0), c),)
        else:
            out[c] = (("v", Decimal(0), c),)
    return out


_ZERO, _ONE, _ABOVE_UNITS = Decimal(0), Decimal(1), Decimal(10**9)  # Decimals are immutable: shared


def _int_value(toks: list[_Tok], kinds: str) -> Decimal | None:
    """Value of an integer numeral (Arabic literals allowed: `3千万`, `200亿零四千230`);
    ``kinds``: the kinds of its tokens, one character each."""
    if not toks:
        return None
    if not kinds.strip("nz"):
        # Positional digits: 一九八三, 二〇二五, 一一 (cn2an `一一` = 11).
        return Decimal("".join(str(int(x)) for _, x, _ in toks))
    if kinds[0] == "m" and kinds.strip("m"):
        return None  # 万一, 亿元…: a magnitude cannot open a numeral followed by more
    total = section = last_unit = _ZERO
    current: Decimal | None = None
    max_mag = _ONE
    last_small = _ABOVE_UNITS  # the last small unit inside this section (order check)
    # last_unit: the unit or magnitude just before a trailing digit (一百二, 三万五)
    abbrev_ok = False
    prev = "^"
    any_literal = bool(kinds.strip("m"))  # a, n, z or u among them (no p or v here)
    for k, x, text in toks:
        if k in "anz":
            if prev in "anz" and not (prev == "z" and k != "z"):
                return None  # two literals side by side outside positional form: 一二十
            if k == "z":
                last_unit = _ZERO
                abbrev_ok = False
                prev = k
                continue
            current = x
            abbrev_ok = prev in "um" and last_unit > 1 and (k == "n" or (len(text) == 1 and text != "0"))
            prev = k
        elif k == "u":
            if current is None:
                # 三百十五 = 315: 十 right after 百 stands for 一十; 十百 is no numeral.
                if prev not in "^mz" and not (prev == "u" and x == 10 and last_small == 100):
                    return None
                current = _ONE
            if x >= last_small:
                return None  # units out of order inside a section: 十百, 百千
            section += current * x
            last_small = x
            current = None
            last_unit = x
            abbrev_ok = False
            prev = k
        elif k == "m":
            part = section + (current or 0)
            if part == 0 and total == 0 and not any_literal:
                part = _ONE  # a bare magnitude stands for one of itself: 万, 万亿
            if x >= max_mag:
                total = (total + part) * x
                max_mag = x
            else:
                total += part * x
            section, current = _ZERO, None
            last_small = _ABOVE_UNITS
            last_unit = x
            abbrev_ok = False
            prev = k
    if current is not None:
        if abbrev_ok:
            current *= last_unit / 10  # abbreviated tail: 一百二 = 120, 三万五 = 35000
        section += current
    return total + section


def _numeral(text: str, v: _Vocab) -> tuple[Decimal, str] | None:
    """(value, vague qualifier '' / 'more_than' / 'approx') of a numeral, else None; read once
    per text (_read_numeral, kept in ``v.numerals``): the same numeral recurs across the
    surfaces of a corpus (3600亿 in 3600亿元, 约3600亿元, 3600亿美元), and a surface's numeral
    is what most of its parse costs. (Read in the decimal context of its first reading: the
    default one, the extractor's.)"""
    return remembered(v.numerals, _read_numeral, text, v)


def _surface_numeral(text: str, v: _Vocab) -> tuple[Decimal, str] | None:
    """``_numeral`` of a piece of a surface that _parse_one cleaned and took the classifiers out of
    (_split_number_unit's texts): read without doing that again, which changes nothing in such a
    piece but a thousands comma at its edge (the 1,234 of 1,2345), so not one with a comma. (The
    memo is _numeral's: the same reading of the same text.)"""
    if "," in text or "，" in text:
        return _numeral(text, v)
    return remembered(v.numerals, _read_clean_numeral, text, v)


def _read_numeral(text: str, v: _Vocab) -> tuple[Decimal, str] | None:
    return _read_clean_numeral(_drop_classifier(_clean(text), v), v)


def _read_clean_numeral(s: str, v: _Vocab) -> tuple[Decimal, str] | None:
    """_read_numeral of a text that cleaning and taking out classifiers leave as it is."""
    if not s or s[-1] not in v.numeral_ends:
        return None  # 八千万吨: a unit after it, no numeral (the common miss, decided at once)
    if s in v.whole_words:
        return Decimal(v.whole_words[s]), ""
    sign = 1
    for w in v.negative_at.get(s[0], ()):
        if s.startswith(w) and len(s) > len(w):
            sign, s = -1, s[len(w):]
            break
    else:
        for w in v.positive_at.get(s[0], ()):
            if s.startswith(w) and len(s) > len(w):
                s = s[len(w):]
                break
    if s in v.whole_words:
        return sign * Decimal(v.whole_words[s]), ""
    if len(s) <= 28 and s.isascii() and _ARABIC.fullmatch(s):
        # A plain Arabic number (a third of all numerals): its one token's value, exact in
        # the default 28-digit context, without the token and section machinery below.
        return sign * Decimal(s), ""
    if len(s) <= 12 and v.arabic_mag and (am := v.arabic_mag.fullmatch(s)):
        # 1500亿: what its tokens (a number, a magnitude) give, (0 + 1500) × 10^8 in _int_value.
        return sign * Decimal(am[1]) * v.mag_values[am[2]], ""
    toks = _tokens(s, v)
    if not toks:
        return None
    kinds = "".join([t[0] for t in toks])
    # Vague markers: never first; 多/余/几 after a digit, unit or magnitude.
    vague = ""
    if kinds[0] == "v":
        return None
    if "v" in kinds:
        kept: list[_Tok] = []
        for i, t in enumerate(toks):
            if t[0] == "v":
                if toks[i - 1][0] in "vp" or vague:
                    return None
                vague = "approx" if t[2] in v.vague_approx else "more_than"
            else:
                kept.append(t)
        toks = kept
        kinds = kinds.replace("v", "")
    # kinds.strip("mp") is empty unless a literal (a, n, z, u) is among them.
    if not kinds.strip("mp") and kinds.strip("m"):
        return None  # no literal, and not magnitudes alone (万, 万亿)
    if kinds.count("p") > 1:
        return None
    try:
        with localcontext() as ctx:
            ctx.prec = 40
            if (at := kinds.find("p")) >= 0:
                head, tail = toks[:at], toks[at + 1:]
                if not head or not tail:
                    return None
                # Digits after 点 (Chinese, or Arabic: 一百点123), then magnitudes only.
                j = 0
                frac = ""
                while j < len(tail) and tail[j][0] in "nza":
                    if tail[j][0] == "a" and not tail[j][2].isdigit():
                        return None
                    frac += tail[j][2] if tail[j][0] == "a" else str(int(tail[j][1]))
                    j += 1
                mags = tail[j:]
                if not frac or kinds[at + 1 + j:].strip("m"):  # magnitudes only after the digits
                    return None
                whole = _int_value(head, kinds[:at])
                if whole is None or whole != whole.to_integral_value():
                    return None
                val = Decimal(f"{int(whole)}.{frac}")
                for _, m, _ in mags:
                    val *= m
            else:
                val = _int_value(toks, kinds)
                if val is None:
                    return None
            return sign * val, vague
    except (InvalidOperation, ValueError):
        return None


def _to_float(d: Decimal) -> float:
    f = float(d)
    return 0.0 if f == 0 else f


def parse_number(text: str, rs: RuleSet | None = None) -> float | None:
    """Parse a bare numeral (`三千六百亿`, `1.2万亿`, `一九八三`, `1,234.5万`); None if it is none.

    Vague markers are dropped (`一千多万` → 1e7); parse_quantity reports them as a qualifier.
    """
    if not isinstance(text, str):
        return None
    v = vocab(rs)
    r = _numeral(text, v)
    if r is None and "又" in text and (mixed := _mixed(_clean(text), v)) is not None and not mixed[1]:
        return _to_float(mixed[0])
    return _to_float(r[0]) if r else None


# ----------------------------------------------------------------------------- quantities

_FAN = compiled(r"^翻(?:了)?(.*?)番$")
_FRACTION_CN = compiled(r"^(.+?)分之(.+)$")
_MIXED = compiled(r"^(.+?)又(?:(.+?)分之([零〇一二两三四五六七八九十百千\d.]+)|(\d+)/(\d+))(.*)$")
_FRACTION = compiled(r"^(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")
_RANK = compiled(r"^(?:第(.+?)(?:位|名)?|首位)$")


def _percent_of(numr: Decimal, den: Decimal) -> float:
    """numr/den as a percentage: exact when it terminates within 6 decimals, else 2 decimals."""
    from fractions import Fraction  # here: few documents hold a fraction, every start would import it

    p = Fraction(numr) * 100 / Fraction(den)
    for places in range(7):
        if (p * 10**places).denominator == 1:
            return float(p)
    return round(float(p), 2)


def _strip_qualifiers(s: str, v: _Vocab) -> tuple[str, str]:
    if s[:1] not in v.q_before_at and s[-1:] not in v.q_after_at:
        return s, "exact"  # no qualifier word begins or ends it (most surfaces)
    qual = "exact"
    stripped = True
    while stripped:  # stacked words (约超过100万): the one next to the number wins
        stripped = False
        for w, q in v.q_before_at.get(s[:1], ()):
            if s.startswith(w) and len(s) > len(w):
                s, qual, stripped = s[len(w):], q, True
                break
    for w, q in v.q_after_at.get(s[-1:], ()):
        if s.endswith(w) and len(s) > len(w):
            s, qual = s[: -len(w)], q
            break
    return s, qual


def _join_qual(qual: str, vague: str) -> str:
    return vague if vague and qual == "exact" else qual


def _split_number_unit(s: str, v: _Vocab) -> tuple[Decimal, str, str, str] | None:
    """A numeral followed by a known unit (or nothing); ``s`` is a piece of a surface that
    _parse_one cleaned (see _surface_numeral).

    Returns (value in the base unit, base unit, vague qualifier, numeral text) or None.
    A unit that begins with a numeral character wins over reading that character as
    a magnitude (`5千米` → 5 千米, `300万千瓦` → 3e6 千瓦).
    """
    for w in v.numeral_units_at.get(s[-1:], ()):
        if s.endswith(w) and len(s) > len(w):
            r = _surface_numeral(s[: -len(w)], v)
            if r is not None:
                return r[0] * v.unit_factors[w], v.units[w][0], r[1], s[: -len(w)]
    # (s is a piece of a cleaned surface: _read_clean_numeral's first test, whether s can end
    # a numeral, decides at once for nearly every surface, which ends in a unit.)
    r = _surface_numeral(s, v) if s[-1:] in v.numeral_ends else None
    if r is not None:
        return r[0], "", r[1], s
    for cut in range(len(s) - 1, 0, -1):  # the longest numeral whose remainder is a unit
        tail = s[cut:]
        if tail in v.units:
            head = s[:cut]
            r = _surface_numeral(head, v)
            if r is not None:
                return r[0] * v.unit_factors[tail], v.units[tail][0], r[1], head
    return None


def _approx_pair(num_text: str, v: _Vocab) -> bool:
    """Two neighbouring digits side by side (两三, 七八) followed by units: an estimate."""
    core = num_text.rstrip(v.unit_and_mag_chars)
    if len(core) != 2 or not all(c in v.digits for c in core):
        return False
    a, b = v.digits[core[0]], v.digits[core[1]]
    return 1 <= a and b == a + 1


def _money(s: str, v: _Vocab) -> tuple[Decimal, str] | None:
    """`123元1角1分`, `六十四万零一百四十三元一角七分`, `十块三毛`, `五块五`, `三毛五`, `3分`."""
    for w in v.money_end_at.get(s[-1:], ()):
        if s.endswith(w) and len(s) > len(w):
            r = _money_seq(s[: -len(w)], v)
            if r is not None:
                return r
    return _money_seq(s, v)


def _money_seq(s: str, v: _Vocab) -> tuple[Decimal, str] | None:
    pos, total, last, vague, seen = 0, Decimal(0), Decimal(10**9), "", 0
    while pos < len(s):
        hit = None
        for i in range(pos + 1, len(s)):
            for w in v.money_words:
                if s.startswith(w, i):
                    hit = (i, w)
                    break
            if hit:
                break
        if hit is None:
            break
        i, w = hit
        r = _numeral(s[pos:i], v)
        if r is None or v.money[w] >= last or (seen and (r[0] < 0 or r[0] >= 10)):
            return None
        if r[1]:
            if seen:
                return None
            vague = r[1]
        total += r[0] * v.money[w]
        last = v.money[w]
        pos = i + len(w)
        seen += 1
    if not seen:
        return None
    rest = s[pos:]
    if rest:
        # A bare digit after a denomination is the next one down: 五块五 = 5.5, 三毛五 = 0.35.
        if len(rest) != 1 or last <= Decimal("0.01"):
            return None
        r = _numeral(rest, v)
        if r is None or r[1] or not 0 < r[0] < 10:
            return None
        total += r[0] * last / 10
    return total, vague


def parse_quantity(text: str, rs: RuleSet | None = None) -> Quantity | None:
    """Parse one quantity (`超3600亿元`, `百分之八点二`, `翻两番`, `每月4万片`); None if none."""
    return _parse_one(text, vocab(rs))


def _parse_one(text: str, v: _Vocab, cleaned: bool = False) -> Quantity | None:
    """parse_quantity with the rule set's vocabulary at hand; ``cleaned``: ``text`` is known
    to be its own ``_clean(_simplify(…))`` (parse_quantities made it so), not done again."""
    if not isinstance(text, str) or not text or not text.strip():
        return None
    s = _drop_classifier(text if cleaned else _clean(_simplify(text)), v)
    if not s or s in v.not_numbers:
        return None
    try:
        q = _quantity(s, v)
    except (InvalidOperation, ValueError, OverflowError, ZeroDivisionError):
        return None
    if q is None or not math.isfinite(q.value):
        return None
    return q


def _simplify(text: str) -> str:
    """The normalised form of ``text``; most snippets come from normalised text already."""
    return text if unchanged_by_normalize(text) else _renormalized(text)


@lru_cache(maxsize=65536)  # the same snippets (8.2%, 1万个) recur across a corpus
def _renormalized(text: str) -> str:
    try:
        return normalize(text).text
    except Exception:  # noqa: BLE001 - e.g. lone surrogates the converter rejects
        return text


def _quantity(s: str, v: _Vocab) -> Quantity | None:
    s, qual = _strip_qualifiers(s, v)
    # 5000元欧元, 五元日币: a currency after the amount, with a redundant 元 before it (a 元
    # before the last character: most surfaces hold none, or only the last).
    for w in v.currency_names_at.get(s[-1:], ()) if "元" in s[:-1] else ():
        if s.endswith("元" + w) and len(s) > len(w) + 1:
            s = s[: -len(w) - 1] + w
            break
    # 人民币100元 / ¥100 / $5: a currency before the figure.
    prefix_unit = ""
    for w in v.currency_prefix_at.get(s[:1], ()):
        if s.startswith(w) and len(s) > len(w):
            s, prefix_unit = s[len(w):], v.units.get(w, ("元", 1.0))[0]
            s, qual2 = _strip_qualifiers(s, v)
            qual = qual2 if qual2 != "exact" else qual
            break
    q = _special(s, v, qual)
    if q is None:
        q = _plain(s, v, qual)
    if q is None:
        # 负百分之五, -5%: a sign before a form that _special handles.
        for w in v.negative_at.get(s[:1], ()):
            if s.startswith(w) and len(s) > len(w):
                inner = _special(s[len(w):], v, qual)
                if inner is not None:
                    q = Quantity(-inner.value, inner.unit, inner.qualifier, inner.kind)
                break
    if q is None:
        return None
    if prefix_unit:
        if not q.unit or q.unit == "元":
            # 港币两千九百六十元, 新台币177.1亿元: the 元 only repeats the currency named first.
            q = Quantity(q.value, prefix_unit, q.qualifier, q.kind)
        elif q.unit != prefix_unit:
            return None if q.unit in ("%", "‰", "倍", "个百分点") else q
    return q


def _mixed(s: str, v: _Vocab) -> tuple[Decimal, str] | None:
    """三又二分之一 = 3.5, 1又1/2 = 1.5: a whole number and a fraction; (value, the rest)."""
    m = _MIXED.match(s)
    if not m:
        return None
    whole = _numeral(m.group(1), v)
    if whole is None or whole[1] or whole[0] < 0:
        return None
    if m.group(2) is not None:
        den, numr = _numeral(m.group(2), v), _numeral(m.group(3), v)
    else:
        numr, den = _numeral(m.group(4), v), _numeral(m.group(5), v)
    if not den or not numr or den[0] <= 0 or den[1] or numr[1]:
        return None
    return whole[0] + numr[0] / den[0], m.group(6)


# What each form _special reads holds, in its order: 又, 翻…, 分之 (百分之, 千分之, 三分之一), a
# slash, 第…/首位, …级, 每…; with the half words, a surface without one is none of them (most).
_SPECIAL_CUES = compiled_re(r"又|^翻|分之|/|^[第首]|级\Z|^每")


def _special(s: str, v: _Vocab, qual: str) -> Quantity | None:
    if not _SPECIAL_CUES.search(s) and s not in v.half and s not in v.half_more:
        return None
    if "又" in s and (mixed := _mixed(s, v)) is not None:
        value, rest = mixed
        if not rest:
            return Quantity(_to_float(value), "", qual)
        if rest in v.units:
            return Quantity(_to_float(value * v.unit_factors[rest]), v.units[rest][0], qual)
        return None
    if s.startswith("翻") and (m := _FAN.match(s)):
        if m.group(1) == "":
            return Quantity(2.0, "倍", qual, "growth")  # 翻番
        n = parse_number(m.group(1))
        return Quantity(2.0 ** n, "倍", qual, "growth") if n and 0 < n < 64 else None
    if s in v.half:
        return Quantity(50.0, "%", qual, "share")
    if s in v.half_more:
        return Quantity(50.0, "%", "more_than" if qual == "exact" else qual, "share")
    if s.startswith("百分之"):
        r = _split_number_unit(s[3:], v)
        if r and not r[1]:
            return Quantity(_to_float(r[0]), "%", _join_qual(qual, r[2]))
        return None
    if s.startswith("千分之"):
        r = _split_number_unit(s[3:], v)
        if r and not r[1]:
            return Quantity(_to_float(r[0]), "‰", _join_qual(qual, r[2]))
        return None
    if "分之" in s and (m := _FRACTION_CN.match(s)):
        den, numr = _numeral(m.group(1), v), _numeral(m.group(2), v)
        if den and numr and den[0] > 0 and not den[1]:
            return Quantity(_percent_of(numr[0], den[0]), "%", _join_qual(qual, numr[1]), "share")
        return None
    if "/" in s and (m := _FRACTION.match(s)):
        numr, den = Decimal(m.group(1)), Decimal(m.group(2))
        if den:
            return Quantity(_percent_of(numr, den), "%", qual, "share")
        return None
    if s[:1] in ("第", "首") and (m := _RANK.match(s)):
        if m.group(0) == "首位":
            return Quantity(1.0, "位", qual, "rank")
        r = _numeral(m.group(1), v)
        return Quantity(_to_float(r[0]), "位", qual, "rank") if r is not None and not r[1] else None
    if s.endswith("级") and len(s) > 1:
        # 万亿级, 千亿级: a bracket of money at least that large.
        inner = _plain(s[:-1], v, qual)
        if inner and not inner.unit:
            return Quantity(inner.value, "元", "at_least")
    if s.startswith("每") and len(s) > 1:
        return _per(s[1:], v, qual)
    if "/" in s:
        num_part, _, per = s.rpartition("/")
        if num_part and (per in v.units or per in v.per_words):
            inner = _plain(num_part, v, qual)
            if inner is None:
                m = _money(num_part, v)
                inner = Quantity(_to_float(m[0]), "元", _join_qual(qual, m[1])) if m else None
            if inner and inner.unit and inner.unit not in ("%", "‰"):
                return Quantity(inner.value, f"{inner.unit}/{v.units.get(per, (per, 1))[0]}", inner.qualifier)
    return None


def _per(rest: str, v: _Vocab, qual: str) -> Quantity | None:
    """`每平方公里127.53亿元` → 元/平方公里; `每月4万片` → 片/月; `每斤提高3分` → 元/斤."""
    for w in v.per_words_at.get(rest[:1], ()):
        if rest.startswith(w) and len(rest) > len(w):
            body = rest[len(w):]
            for verb in v.per_verbs_at.get(body[:1], ()):
                if body.startswith(verb) and len(body) > len(verb):
                    body = body[len(verb):]
                    break
            body, q2 = _strip_qualifiers(body, v)
            inner = _plain(body, v, q2 if q2 != "exact" else qual)
            if inner is None:
                m = _money(body, v)
                if m is None:
                    continue
                inner = Quantity(_to_float(m[0]), "元", _join_qual(q2 if q2 != "exact" else qual, m[1]))
            if not inner.unit or inner.unit in ("%", "‰"):
                continue
            per = v.units[w][0] if w in v.units else w
            return Quantity(inner.value, f"{inner.unit}/{per}", inner.qualifier)
    return None


def _plain(s: str, v: _Vocab, qual: str) -> Quantity | None:
    # 八成, 9成, 八成五 (85 %), 三成多, 三成半 (35 %), 半成 (5 %).
    if s == "半成":
        return Quantity(5.0, "%", qual, "share")
    if (at := s.find("成")) > 0:
        head, tail = s[:at], s[at + 1:]
        if tail == "半":
            tail = "5"
        r = _numeral(head, v)
        if r is not None and 0 <= r[0] <= 10:
            val, vague = r[0] * 10, r[1]
            if tail in v.vague_more:
                vague, tail = "more_than", ""
            if tail:
                t = _numeral(tail, v)
                if t is None or t[1] or not 0 <= t[0] < 10 or t[0] != t[0].to_integral_value():
                    return None
                val += t[0]
            return Quantity(_to_float(val), "%", _join_qual(qual, vague), "share")
    r = _split_number_unit(s, v)
    if r is not None:
        value, unit, vague, num_text = r
        if _approx_pair(num_text, v):
            return None  # 一两个, 七八成, 三四万: an estimate between two numbers, not 12/78/34
        return Quantity(_to_float(value), unit, _join_qual(qual, vague))
    m = _money(s, v)
    if m is not None:
        return Quantity(_to_float(m[0]), "元", _join_qual(qual, m[1]))
    for noun in v.count_nouns_at.get(s[-1:], ()):
        if s.endswith(noun) and len(s) > len(noun):
            r2 = _split_number_unit(s[: -len(noun)], v)
            if r2 and not r2[1]:
                return Quantity(_to_float(r2[0]), v.count_nouns[noun], _join_qual(qual, r2[2]))
    return None


# ----------------------------------------------------------------------------- ranges


def parse_quantities(text: str, rs: RuleSet | None = None) -> list[Quantity]:
    """Parse a quantity or a range (`12亿到15亿美元`, `5-8%`, `两到三万`): the first takes the
    unit (and magnitude, when it has none) of the second."""
    if not isinstance(text, str) or not text.strip():
        return []
    v = vocab(rs)
    s = _clean(_simplify(text))
    for m in _RANGE_SEP.finditer(s) if _RANGE_CHARS.search(s) else ():
        a, b = s[: m.start()], s[m.end():]
        second = _parse_one(b, v)
        if second is None:
            continue
        first = _first_of_range(a, b, second, v)
        if first is not None:
            if first.unit and not second.unit and first.unit in ("%", "‰"):
                # 百分之四到五: the second half of a spelled percentage shares its unit.
                second = Quantity(second.value, first.unit, second.qualifier, second.kind)
            return [first, second]
    # s == text: text is unchanged by _clean(_simplify(…)), so s is too.
    q = _parse_one(s, v, cleaned=s == text)
    return [q] if q else []


def _first_of_range(a: str, b: str, second: Quantity, v: _Vocab) -> Quantity | None:
    """The first half of a range, borrowing what it lacks from the second."""
    first = _parse_one(a, v)
    if first is not None and first.unit and first.kind != "rank":
        return first
    suffix_mag, unit_tail = _range_tail(b, v)
    a_core, a_qual = _strip_qualifiers(a, v)
    candidates = []
    has_big = any(c in v.big_mag_chars for c in a_core)
    has_small = any(c in v.small for c in a_core)
    mag = ""
    if suffix_mag:
        big = "".join(c for c in suffix_mag if c in v.big_mag_chars)
        if not has_big and not has_small:
            mag = suffix_mag
        elif not has_big:
            mag = suffix_mag[suffix_mag.find(big[0]):] if big else ""
    if mag or unit_tail:
        candidates.append(a + mag + unit_tail)
    if unit_tail and mag:
        candidates.append(a + unit_tail)
    for cand in candidates:
        q = _parse_one(cand, v)
        if q is not None and q.unit == second.unit:
            return q
    if first is not None and not second.unit:
        return first
    return None


def _range_tail(b: str, v: _Vocab) -> tuple[str, str]:
    """(magnitude suffix of the numeral, unit text) of the second half of a range."""
    core, _ = _strip_qualifiers(b, v)
    for w in v.currency_prefix_at.get(core[:1], ()):
        if core.startswith(w):
            core = core[len(w):]
            break
    r = _split_number_unit(core, v)
    if r is not None:
        num_text = r[3]
        unit_tail = core[len(num_text):]
    else:
        # 百分之…, 每…: no borrowing of those forms beyond the unit itself.
        num_text, unit_tail = core, ""
        if core.endswith("%"):
            num_text, unit_tail = core[:-1], "%"
    i = len(num_text)
    while i > 0 and (num_text[i - 1] in v.small or num_text[i - 1] in v.big_mag_chars
                     or num_text[i - 1] in v.vague_more):
        i -= 1
    mags = "".join(c for c in num_text[i:] if c not in v.vague_more)
    if i == 0:
        # No digit before the units (十万): the leading 十/百/千 is the value itself, so
        # only the big magnitudes are borrowed (五到十万元 → 五万元).
        mags = "".join(c for c in mags[1:] if c in v.big_mag_chars)
    return mags, unit_tail
