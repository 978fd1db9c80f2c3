"""Property tests: numerals round-trip, the parsers never raise, extraction invariants hold."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govmetrics
from govmetrics import parse_number, parse_quantities, parse_quantity

DIGITS = "零一二三四五六七八九"
FINANCIAL = "零壹贰叁肆伍陆柒捌玖"
SMALL = ["", "十", "百", "千"]
FIN_SMALL = ["", "拾", "佰", "仟"]
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _section(n: int, digits: str, small: list[str], leading: bool) -> str:
    """0 < n < 10000 as Chinese, e.g. 3056 → 三千零五十六. `leading`: nothing precedes it."""
    out, zero = [], False
    for pos in (3, 2, 1, 0):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        if not (pos == 1 and d == 1 and leading and not out):  # 十二, not 一十二, when leading
            out.append(digits[d])
        out.append(small[pos])
    return "".join(out)


def to_chinese(n: int, financial: bool = False) -> str:
    """A non-negative integer below 10^20 written with 万/亿/万亿 sections."""
    digits, small = (FINANCIAL, FIN_SMALL) if financial else (DIGITS, SMALL)
    if n == 0:
        return digits[0]
    mags = [(10**12, "万亿"), (10**8, "亿"), (10**4, "万"), (1, "")]
    out: list[str] = []
    pending_zero = False
    for size, word in mags:
        part = n // size if size == 10**12 else n // size % 10**4
        if part == 0:
            if out:
                pending_zero = True
            continue
        if out and (pending_zero or part < 1000):
            out.append(digits[0])
        pending_zero = False
        if size == 10**12 and part >= 10**4:
            out.append(to_chinese(part, financial))
        else:
            out.append(_section(part, digits, small, leading=not out))
        out.append(word)
    return "".join(out)


def test_formatter_examples() -> None:
    assert to_chinese(101) == "一百零一"
    assert to_chinese(12) == "十二"
    assert to_chinese(100010000) == "一亿零一万"
    assert to_chinese(150006355) == "一亿五千万六千三百五十五"
    assert to_chinese(100000101) == "一亿零一百零一"
    assert to_chinese(10**16) == "一万万亿"


@FAST
@given(st.integers(min_value=0, max_value=10**16), st.booleans())
def test_chinese_integers_round_trip(n: int, financial: bool) -> None:
    text = to_chinese(n, financial)
    assert parse_number(text) == float(n), text


@FAST
@given(st.integers(min_value=0, max_value=10**16))
def test_arabic_integers_round_trip(n: int) -> None:
    assert parse_number(str(n)) == float(n)
    assert parse_number(f"{n:,}") == float(n)


@FAST
@given(st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False, allow_infinity=False))
def test_chinese_decimals_round_trip(d: Decimal) -> None:
    whole, frac = divmod(d, 1)
    frac_digits = format(d, "f").partition(".")[2]
    text = to_chinese(int(whole))
    if frac_digits:
        text += "点" + "".join(DIGITS[int(c)] for c in frac_digits)
    got = parse_number(text)
    assert got is not None and math.isclose(got, float(d), rel_tol=1e-12, abs_tol=1e-12), text


@FAST
@given(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
       st.sampled_from(["", "万", "亿", "万亿"]))
def test_arabic_decimals_with_magnitude(d: Decimal, mag: str) -> None:
    factor = {"": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}[mag]
    got = parse_number(format(d, "f") + mag)
    assert got is not None and math.isclose(got, float(d * factor), rel_tol=1e-12, abs_tol=1e-9)


@FAST
@given(st.integers(min_value=1, max_value=10**12), st.sampled_from(["元", "万元", "亿美元", "%", "万吨"]))
def test_quantity_units(n: int, unit: str) -> None:
    q = parse_quantity(f"约{n}{unit}")
    assert q is not None and q.qualifier == "approx"
    assert q.unit == {"元": "元", "万元": "元", "亿美元": "美元", "%": "%", "万吨": "吨"}[unit]


@FAST
@given(st.text())
def test_parsers_never_raise(text: str) -> None:
    parse_number(text)
    q = parse_quantity(text)
    assert q is None or math.isfinite(q.value)
    for q in parse_quantities(text):
        assert math.isfinite(q.value)


NUMERIC = st.text(alphabet="0123456789.,，-%‰万亿千百十零一二两三四五六七八九点多余几约超近以上左右元美倍成分之每月/第", max_size=20)


@FAST
@given(NUMERIC)
def test_parsers_never_raise_on_numeric_soup(text: str) -> None:
    parse_number(text)
    q = parse_quantity(text)
    assert q is None or math.isfinite(q.value)
    for q in parse_quantities(text):
        assert math.isfinite(q.value)


# ----------------------------------------------------------------------------- extraction

CHINESE_DOC = st.text(
    alphabet=st.sampled_from(list("增长下降提高到约超过近以上左右亿万元美元个家项人%．.0123456789，。；、\n 年全市地区生产总值百分之三十一二两千成倍第每月")),
    max_size=300,
)
ANY_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=200),
    CHINESE_DOC,
    st.builds(lambda a, b: a + "\ud800" + b, CHINESE_DOC, CHINESE_DOC),
    st.builds(lambda s, n: s * n, CHINESE_DOC, st.integers(min_value=1, max_value=10)),
    st.builds(lambda s: "增长" + "1" * 1000 + s, CHINESE_DOC),
)


def _check_claims(text: str) -> None:
    claims = govmetrics.extract_text(text)
    for c in claims:
        assert text[c.start:c.end] == c.text, (c.start, c.end, c.text)
        assert math.isfinite(c.value), c
    again = govmetrics.extract_text(text)
    assert [c.__dict__ for c in claims] == [c.__dict__ for c in again]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_extract_text_invariants(text: str) -> None:
    _check_claims(text)
