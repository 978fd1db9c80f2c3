"""Table-driven tests for the numeral and quantity parser (cases in tests/data/numbers_cases.yaml)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

import govmetrics
from govmetrics import Quantity, parse_number, parse_quantities, parse_quantity

CASES = yaml.safe_load((Path(__file__).parent / "data" / "numbers_cases.yaml").read_text(encoding="utf-8"))


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize(("text", "expected"), CASES["number"], ids=[str(c[0]) or "<empty>" for c in CASES["number"]])
def test_parse_number(text: str, expected: float | None) -> None:
    got = parse_number(text)
    if expected is None:
        assert got is None
    else:
        assert got is not None and _close(got, expected), got


def _quantity_ids(cases: list) -> list[str]:
    return [str(c[0]) or "<empty>" for c in cases]


@pytest.mark.parametrize("case", CASES["quantity"], ids=_quantity_ids(CASES["quantity"]))
def test_parse_quantity(case: list) -> None:
    text, value, *rest = case
    got = parse_quantity(text)
    if value is None:
        assert got is None
        return
    unit, qualifier, kind = (rest + ["", "exact", ""][len(rest):])[:3]
    assert got is not None, text
    assert _close(got.value, value), got
    assert (got.unit, got.qualifier) == (unit, qualifier), got
    if kind:
        assert got.kind == kind, got


@pytest.mark.parametrize("case", CASES["quantities"], ids=_quantity_ids(CASES["quantities"]))
def test_parse_quantities(case: list) -> None:
    text, expected = case
    got = parse_quantities(text)
    assert len(got) == len(expected), got
    for q, (value, unit, *qual) in zip(got, expected, strict=True):
        assert _close(q.value, value), got
        assert q.unit == unit, got
        if qual:
            assert q.qualifier == qual[0], got


def test_public_api() -> None:
    assert govmetrics.parse_quantity is parse_quantity
    q = govmetrics.parse_quantity("超3600亿元")
    assert q == Quantity(3.6e11, "元", "more_than", "")
    assert set(Quantity.__dataclass_fields__) == {"value", "unit", "qualifier", "kind"}


@pytest.mark.parametrize("bad", [None, 3, b"12"])
def test_non_strings_are_not_numbers(bad: object) -> None:
    assert parse_number(bad) is None  # type: ignore[arg-type]
    assert parse_quantity(bad) is None  # type: ignore[arg-type]
    assert parse_quantities(bad) == []  # type: ignore[arg-type]


def test_vocabulary_comes_from_rules(tmp_path: Path) -> None:
    """A digit, magnitude, unit and qualifier added in a rule file are understood."""
    (tmp_path / "extra.yaml").write_text(
        "digits:\n  廿: 20\nmagnitudes:\n  京: 10000000000000000\nunits:\n  枚: 枚\n"
        "qualifiers:\n  approx:\n    before: [差不多]\n",
        encoding="utf-8",
    )
    rs = govmetrics.load_ruleset([tmp_path])
    assert parse_number("一京", rs) == 1e16
    q = parse_quantity("差不多3万枚", rs)
    assert q == Quantity(30000.0, "枚", "approx", "")


def test_numeral_quick_reject_agrees_with_the_tokeniser() -> None:
    # _numeral gives up at once on a text whose last character no numeral can end with;
    # the tokeniser must fail on every such text too.
    from govmetrics.numbers import _clean, _drop_classifier, _tokens, vocab

    v = vocab()
    chars = sorted(v.numeral_chars | set("0123456789.%亿万元吨个倍多余来点-+负正半百") | set(v.char_tokens))
    for a in chars:
        for b in chars:
            for s in (a + b, "1" + a + b, a + "万" + b):
                t = _drop_classifier(_clean(s), v)
                if t and t[-1] not in v.numeral_ends:
                    assert not _tokens(t, v) and t not in v.whole_words, s


def test_plain_arabic_shortcut_agrees_with_the_tokens() -> None:
    # _numeral reads a plain Arabic number (12, 12.5, .5, up to 28 characters) without the
    # token machinery: its value must be the one the tokens give, to the last bit of the float.
    import random
    from decimal import localcontext

    from govmetrics.numbers import _int_value, _numeral, _tokens, vocab

    v = vocab()
    rnd = random.Random(18)
    texts = ["0", "00", "0.0", ".5", "2023", "12.5", "0.10", "9" * 28, "1" + "0" * 27, "1." + "7" * 26]
    for _ in range(20000):
        whole = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 16)))
        frac = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 11)))
        texts.append(whole + ("." + frac if frac else "") if whole or frac else "7")
    for s in texts:
        for sign, text in ((1, s), (-1, "-" + s)):
            with localcontext() as ctx:
                ctx.prec = 40
                toks = _tokens(s, v)
                slow = sign * _int_value(toks, "".join(k for k, _, _ in toks))
            got = _numeral(text, v)
            assert got is not None and got[1] == "" and got[0] == slow, text
            assert repr(float(got[0])) == repr(float(slow)), text


def test_a_numeral_is_read_once_per_text() -> None:
    # _numeral keeps what _read_numeral gives for a text (the same numeral recurs across the
    # surfaces of a corpus: 3600亿 in 3600亿元 and 约3600亿元): the kept answer, None included, is
    # the answer, and the memo is cleared when full.
    from govmetrics.memo import SIZE
    from govmetrics.numbers import _numeral, _read_numeral, vocab

    v = vocab()
    for t in ["3600亿", "三千六百", "八千万吨", "1,234.5万", "负1.1", "一千多万", "两个亿", "万", "", "元"]:
        first = _numeral(t, v)
        assert t in v.numerals and _numeral(t, v) == first == _read_numeral(t, v), t
    v.numerals.update((f"x{i}", None) for i in range(SIZE))
    assert _numeral("七", v) is not None and set(v.numerals) == {"七"}


def test_vocab_follows_the_rule_set() -> None:
    # vocab() remembers the last rule set asked about by identity: another rule set gets its own.
    import dataclasses

    from govmetrics.numbers import vocab
    from govmetrics.rules import default_ruleset

    rs = default_ruleset()
    other = dataclasses.replace(rs, data={**rs.data, "digits": {**rs.data["digits"], "〸": 10}})
    assert vocab(rs) is vocab(rs) is vocab()
    assert "〸" in vocab(other).digits and "〸" not in vocab(rs).digits
    assert vocab(other) is vocab(other) is not vocab(rs)
