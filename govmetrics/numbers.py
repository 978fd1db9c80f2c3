"""Parse numerals and quantities: `三千六百亿元` → 3.6e11 元.

All vocabulary (digits, magnitudes, units, qualifier words) comes from the rule
files; this module holds only the mechanism. The extractor uses the same functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import regex

from .rules import RuleSet, default_ruleset


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str = ""
    qualifier: str = "exact"
    kind: str = ""  # "" unless the form itself fixes it (rank, growth for 翻一番, share for 2/3)


_ARABIC = regex.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_VAGUE = "多余几来"


class _Vocab:
    """Lookup tables built once per rule set."""

    def __init__(self, rs: RuleSet) -> None:
        self.digits: dict[str, int] = rs.data["digits"]
        self.small: dict[str, int] = rs.data["small_units"]
        self.mags: dict[str, int] = rs.data["magnitudes"]
        self.mag_words = sorted(self.mags, key=len, reverse=True)
        self.units: dict[str, tuple[str, float]] = rs.units
        self.unit_words = sorted(self.units, key=len, reverse=True)
        self.subunits: dict[str, float] = rs.data.get("money_subunits", {})
        self.count_nouns: dict[str, str] = rs.data.get("count_nouns", {})
        quals = rs.data["qualifiers"]
        self.q_before = sorted(
            ((w, q) for q, d in quals.items() for w in d.get("before", [])), key=lambda x: -len(x[0])
        )
        self.q_after = sorted(
            ((w, q) for q, d in quals.items() for w in d.get("after", [])), key=lambda x: -len(x[0])
        )
        self.numeral_chars = set(self.digits) | set(self.small) | set("".join(self.mags)) | set("点零〇")


@lru_cache(maxsize=8)
def _vocab_for(rs_id: int, rs: RuleSet) -> _Vocab:
    return _Vocab(rs)


def vocab(rs: RuleSet | None = None) -> _Vocab:
    rs = rs or default_ruleset()
    return _vocab_for(id(rs), rs)


def _tokens(s: str, v: _Vocab) -> list[tuple[str, float]] | None:
    """Split a numeral into ('n', value) digits/literals, ('u', 10..1000), ('m', 1e4..), ('z', 0), ('p', 0)."""
    out: list[tuple[str, float]] = []
    i = 0
    while i < len(s):
        c = s[i]
        m = _ARABIC.match(s, i)
        if m and (c.isdigit() or c == "." or (c in "+-" and m.end() > i + 1)):
            out.append(("a", float(m.group())))
            i = m.end()
            continue
        if c in "零〇○" and out and out[-1][0] in "um":
            out.append(("z", 0))
        elif c in v.digits:
            out.append(("n", v.digits[c]))
        elif c in v.small:
            out.append(("u", v.small[c]))
        elif c == "点":
            out.append(("p", 0))
        else:
            for w in v.mag_words:
                if s.startswith(w, i):
                    out.append(("m", v.mags[w]))
                    i += len(w)
                    break
            else:
                return None
            continue
        i += 1
    return out


def _positional(digits: list[float]) -> float:
    return float("".join(str(int(d)) for d in digits))


def parse_number(text: str, rs: RuleSet | None = None) -> float | None:
    """Parse a bare numeral (`三千六百亿`, `1.2万亿`, `一九八三`, `1,234.5万`); None if it is none."""
    v = vocab(rs)
    s = regex.sub(r"[\s,，]", "", text)
    neg = False
    if s.startswith(("负", "-", "−")):
        neg, s = True, s[1:]
    if s.startswith("+"):
        s = s[1:]
    if not s:
        return None
    if s == "半百":
        return 50.0
    toks = _tokens(s, v)
    if not toks or not any(k in "anu" for k, _ in toks) and not all(k == "m" for k, _ in toks):
        return None
    # Decimal part written in Chinese: 八点二, 一七二零点一.
    frac = ""
    if any(k == "p" for k, _ in toks):
        at = next(i for i, (k, _) in enumerate(toks) if k == "p")
        tail = toks[at + 1 :]
        if not tail or any(k not in "nz" for k, _ in tail):
            # 点 followed by a magnitude (八点二万) keeps that magnitude: handled below.
            digits_tail = [t for t in tail if t[0] in "nz"]
            mag_tail = [t for t in tail if t[0] == "m"]
            if not digits_tail or len(digits_tail) + len(mag_tail) != len(tail):
                return None
            frac = "".join(str(int(x)) for _, x in digits_tail)
            toks = toks[:at] + mag_tail
            head = _int_value(toks[: len(toks) - len(mag_tail)])
            if head is None:
                return None
            val = float(f"{int(head)}.{frac}")
            for _, m in mag_tail:
                val *= m
            return -val if neg else val
        frac = "".join(str(int(x)) for _, x in tail)
        toks = toks[:at]
    val = _int_value(toks)
    if val is None:
        return None
    if frac:
        val = float(f"{int(val)}.{frac}") if val == int(val) else val
    return -val if neg else val


def _int_value(toks: list[tuple[str, float]]) -> float | None:
    if not toks:
        return None
    kinds = [k for k, _ in toks]
    # Positional digits: 一九八三, 二〇二五 (two or more digits, no units).
    if len(toks) >= 2 and all(k in "nz" for k in kinds):
        return _positional([x for _, x in toks])
    total = 0.0
    section = 0.0
    current: float | None = None
    last_unit = 0.0  # the unit or magnitude just before a trailing digit (一百二, 三万五)
    max_mag = 1.0
    prev = ""
    for k, x in toks:
        if k in "an":
            if current is not None and prev in "an":
                if prev == "n" and k == "n":
                    current = current * 10 + x  # 二十一 handled by units; this is 1百01 style
                else:
                    return None
            else:
                current = x
            if k == "a" and prev in "um" and last_unit and x >= 1 and str(x).endswith(".0"):
                last_unit = 0.0  # `1百01`, `200亿零四千230`: an Arabic tail is literal
            prev = k
        elif k == "u":
            section += (current if current is not None else 1) * x
            current = None
            last_unit = x
            prev = k
        elif k == "m":
            part = section + (current or 0)
            if part == 0 and total == 0:
                part = 1
            if x > max_mag:
                total = (total + part) * x
                max_mag = x
            else:
                total += part * x
            section, current = 0.0, None
            last_unit = x
            prev = k
        elif k == "z":
            last_unit = 0.0
            prev = k
    if current is not None:
        if prev == "n" and last_unit and toks[-2][0] in "um" and current < 10:
            current *= last_unit / 10  # abbreviated tail: 一百二 = 120, 三万五 = 35000
        section += current
    return total + section


# ----------------------------------------------------------------------------- quantities

_FAN = regex.compile(r"^翻(?:了)?([一两二三四五\d])番$")
_FRACTION_CN = regex.compile(r"^(.+?)分之(.+)$")
_FRACTION = regex.compile(r"^(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")
_RANK = regex.compile(r"^(?:第(.+?)(?:位|名)?|首位|首)$")
_PER = regex.compile(r"^每(.+?)$")


def _strip_qualifiers(s: str, v: _Vocab) -> tuple[str, str]:
    qual = "exact"
    for w, q in v.q_before:
        if s.startswith(w) and len(s) > len(w):
            s, qual = s[len(w) :], q
            break
    for w, q in v.q_after:
        if s.endswith(w) and len(s) > len(w):
            rest = s[: -len(w)]
            # 多/余 after a bare number are vague markers; after a unit they qualify too.
            s, qual = rest, q
            break
    return s, qual


def _split_number_unit(s: str, v: _Vocab) -> tuple[float, str, float, bool] | None:
    """Longest numeral prefix whose remainder is a known unit (or nothing).

    Returns (value, base unit, factor applied, vague) or None.
    """
    for cut in range(len(s), 0, -1):
        head, tail = s[:cut], s[cut:]
        vague = False
        core = head
        # Vague markers may sit inside (620多万) or at the end (3万余, 十余).
        if any(c in _VAGUE for c in core[1:]):
            stripped = "".join(c for i, c in enumerate(core) if not (i and c in _VAGUE))
            vague = stripped != core
            core = stripped
        if tail and tail[0] in _VAGUE and not vague:
            tail, vague = tail[1:], True
        num = parse_number(core) if core else None
        if num is None:
            continue
        if not tail:
            return num, "", 1.0, vague
        if tail in v.units:
            unit, factor = v.units[tail]
            return num * factor, unit, factor, vague
        money = _money_tail(num, tail, v)
        if money is not None:
            return money, "元", 1.0, vague
    return None


def _money_tail(num: float, tail: str, v: _Vocab) -> float | None:
    """`123元1角1分`: a value in 元 followed by sub-units."""
    if not tail.startswith(("元", "块")):
        return None
    rest = tail[1:]
    total = num
    for m in regex.finditer(r"(.+?)([角毛分])", rest):
        n = parse_number(m.group(1))
        if n is None:
            return None
        total += n * v.subunits[m.group(2)]
    consumed = "".join(m.group(0) for m in regex.finditer(r"(.+?)([角毛分])", rest))
    if consumed != rest and rest not in ("整", "圆整", "正"):
        return None
    return total


def parse_quantity(text: str, rs: RuleSet | None = None) -> Quantity | None:
    """Parse one quantity (`超3600亿元`, `百分之八点二`, `翻两番`, `每月4万片`); None if none."""
    from .normalize import normalize

    v = vocab(rs)
    if not text or not text.strip():
        return None
    s = regex.sub(r"\s+", "", normalize(text).text)
    s = s.replace("人民币", "") if s not in ("人民币",) else s
    if not s:
        return None
    s, qual = _strip_qualifiers(s, v)
    q = _special(s, v, qual)
    if q is None:
        q = _plain(s, v, qual)
    if q is None or not math.isfinite(q.value):
        return None
    return q


def _special(s: str, v: _Vocab, qual: str) -> Quantity | None:
    if m := _FAN.match(s):
        n = parse_number(m.group(1))
        return Quantity(2.0 ** n, "倍", qual, "growth") if n else None
    if s in ("一半", "半数", "过半", "大半"):
        return Quantity(50.0, "%", "more_than" if s == "过半" else qual, "share")
    if s.startswith("百分之"):
        n = _split_number_unit(s[3:], v)
        if n and not n[1]:
            return Quantity(n[0], "%", "more_than" if n[3] else qual)
        return None
    if s.startswith("千分之"):
        n = parse_number(s[3:])
        return Quantity(n, "‰", qual) if n is not None else None
    if m := _FRACTION_CN.match(s):
        den, numr = parse_number(m.group(1)), parse_number(m.group(2))
        if den and numr is not None:
            return Quantity(round(numr / den * 100, 2), "%", qual, "share")
        return None
    if m := _FRACTION.match(s):
        numr, den = float(m.group(1)), float(m.group(2))
        if den:
            return Quantity(round(numr / den * 100, 2), "%", qual, "share")
        return None
    if m := _RANK.match(s):
        if m.group(0) in ("首位", "首"):
            return Quantity(1.0, "位", qual, "rank")
        n = parse_number(m.group(1))
        return Quantity(n, "位", qual, "rank") if n is not None else None
    if m := _PER.match(s):
        return _per(m.group(1), v, qual)
    if "/" in s:
        num_part, _, per = s.rpartition("/")
        if per in v.units and num_part:
            inner = _plain(num_part, v, qual)
            if inner and inner.unit:
                return Quantity(inner.value, f"{inner.unit}/{v.units[per][0]}", inner.qualifier)
    if s.endswith("级"):
        inner = _plain(s[:-1], v, qual)
        if inner and not inner.unit:
            return Quantity(inner.value, "元", "at_least")
    return None


def _per(rest: str, v: _Vocab, qual: str) -> Quantity | None:
    """`每平方公里127.53亿元` → 元/平方公里; `每月4万片` → 片/月; `每斤3分` → 元/斤."""
    per_words = sorted(set(v.units) | {"月", "日", "年", "人", "斤", "户"}, key=len, reverse=True)
    for w in per_words:
        if rest.startswith(w) and len(rest) > len(w):
            body = rest[len(w) :]
            body = regex.sub(r"^(?:提高|增加|降低|减少|提升|上调|下调)", "", body)
            inner = _plain(body, v, qual)
            if inner is None:
                sub = _subunit(body, v)
                if sub is None:
                    continue
                inner = Quantity(sub, "元", qual)
            if not inner.unit:
                continue
            per = v.units.get(w, (w, 1.0))[0] if w not in ("月", "日", "年") else {"日": "天"}.get(w, w)
            return Quantity(inner.value, f"{inner.unit}/{per}", inner.qualifier)
    return None


def _subunit(body: str, v: _Vocab) -> float | None:
    if body and body[-1] in v.subunits:
        n = parse_number(body[:-1])
        if n is not None:
            return n * v.subunits[body[-1]]
    return None


def _plain(s: str, v: _Vocab, qual: str) -> Quantity | None:
    if s.endswith("成") and len(s) > 1:
        n = _split_number_unit(s[:-1], v)
        if n and not n[1]:
            return Quantity(n[0] * 10, "%", "more_than" if n[3] else qual, "share")
    r = _split_number_unit(s, v)
    if r is None:
        for noun, unit in sorted(v.count_nouns.items(), key=lambda x: -len(x[0])):
            if s.endswith(noun) and len(s) > len(noun):
                r2 = _split_number_unit(s[: -len(noun)], v)
                if r2 and not r2[1]:
                    return Quantity(r2[0], unit, "more_than" if r2[3] and qual == "exact" else qual)
        return None
    value, unit, _, vague = r
    if vague and qual == "exact":
        qual = "more_than"
    return Quantity(value, unit, qual)


def parse_quantities(text: str, rs: RuleSet | None = None) -> list[Quantity]:
    """Parse a quantity or a range (`12亿到15亿美元`, `5-8%`, `两到三万`): the first takes the
    unit (and magnitude, when it has none) of the second."""
    from .normalize import normalize

    s = regex.sub(r"\s+", "", normalize(text).text)
    parts = regex.split(r"(?<=.)(?:至|到|~|～|-|—|－)(?=.)", s, maxsplit=1)
    if len(parts) == 2:
        second = parse_quantity(parts[1], rs)
        first = parse_quantity(parts[0], rs)
        if second is not None:
            if first is None or (not first.unit and second.unit):
                first = _borrow(parts[0], parts[1], second, rs)
            if first is not None:
                if first.unit and not second.unit:  # 百分之四到五: the second shares the first's unit
                    second = Quantity(second.value, first.unit, second.qualifier, second.kind)
                return [first, second]
    q = parse_quantity(s, rs)
    return [q] if q else []


def _borrow(a: str, b: str, second: Quantity, rs: RuleSet | None) -> Quantity | None:
    """Give the first half of a range the unit of the second (两到三万: magnitude too)."""
    v = vocab(rs)
    tail = regex.match(r"^.*?([^\d.]*)$", b).group(1)
    # Drop the leading numeral characters of the tail, keep magnitudes and unit words.
    while tail and tail[0] in v.numeral_chars and tail[0] not in "万亿兆":
        tail = tail[1:]
    unit_only = tail.lstrip("万亿兆")
    has_mag = any(c in "万亿兆" for c in a)
    for cand in ((a + unit_only, a + tail) if has_mag else (a + tail, a + unit_only)):
        q = parse_quantity(cand, rs)
        if q is not None and q.unit == second.unit:
            return q
    return None
