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


def _tokens_by_character(s, v):
    """The tokeniser as it was, one character at a time: the reference for _tokens' one pass."""
    from decimal import Decimal

    from govmetrics.numbers import _ARABIC

    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isdigit() or c == ".":
            m = _ARABIC.match(s, i)
            if not m or not (digits := m.group()).isascii():
                return None
            out.append(("a", Decimal(digits), digits))
            i = m.end()
            continue
        if (toks := v.char_tokens.get(c)) is not None:
            out.extend(toks)
            i += 1
            continue
        for w, _ in v.mag_words_at.get(c, ()):
            if s.startswith(w, i):
                out.append(("m", Decimal(v.mags[w]), w))
                i += len(w)
                break
        else:
            return None
    return out


def test_one_pass_tokens_agree_with_reading_character_by_character() -> None:
    import random

    from govmetrics.numbers import _tokens, vocab

    v = vocab()
    alphabet = sorted(set(v.char_tokens) | set("".join(v.mags)) | set("0123456789..元%个 \n٣²①"))
    rnd = random.Random(18)
    texts = [a + b for a in alphabet for b in alphabet]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 9))) for _ in range(30000)]
    texts += ["1.2.3", "5.", ".5万", "万亿", "3万万亿", "12٣", ".٣", "亿亿亿", "两千零二十三万"]
    for t in texts:
        assert _tokens(t, v) == _tokens_by_character(t, v), t


def _assert_read_as_the_tokens_read(texts: list[str], minus: str) -> None:
    """Each text (and ``minus`` + text) reads through _numeral's shortcuts as the token machinery
    reads it, to the last bit of the float."""
    from decimal import localcontext

    from govmetrics.numbers import _int_value, _numeral, _tokens, vocab

    v = vocab()
    for s in texts:
        for sign, text in ((1, s), (-1, minus + s)):
            with localcontext() as ctx:
                ctx.prec = 40
                toks = _tokens(s, v)
                slow = sign * _int_value(toks, "".join(k for k, _, _ in toks))
            got = _numeral(text, v)
            assert got is not None and got[1] == "" and got[0] == slow, text
            assert repr(float(got[0])) == repr(float(slow)), text


def test_arabic_with_a_magnitude_shortcut_agrees_with_the_tokens() -> None:
    # _read_numeral reads an Arabic number with one magnitude word (1500亿, 2.8万) without the
    # token machinery: its value must be the one the tokens give, to the last bit of the float.
    import random

    from govmetrics.numbers import vocab

    mags = sorted(vocab().mags)
    rnd = random.Random(18)
    texts = []
    for _ in range(20000):
        whole = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 8)))
        frac = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 4)))
        num = whole + ("." + frac if frac else "") if whole or frac else "7"
        texts.append(num + rnd.choice(mags))
    _assert_read_as_the_tokens_read(texts, "负")


def test_every_special_form_holds_one_of_its_cues() -> None:
    # _special returns at once for a surface holding none of _SPECIAL_CUES (nor a half word):
    # each form it reads must still be read.
    from govmetrics.numbers import _special, vocab

    v = vocab()
    forms = ["三又二分之一", "1又1/2", "翻两番", "翻番", "翻了一番", "百分之五", "千分之三", "三分之一",
             "1/3", "第一", "第3位", "首位", "万亿级", "每月4万片", "每平方公里127.53亿元", "5元/吨",
             *v.half, *v.half_more]
    for s in forms:
        assert _special(s, v, "exact") is not None, s


def test_a_piece_of_a_cleaned_surface_reads_as_the_raw_text_would() -> None:
    # _split_number_unit reads the pieces of a surface that _parse_one cleaned (width, spaces,
    # thousands commas) and took the classifiers out of, without doing that again
    # (_surface_numeral): every piece must read as _read_numeral reads it.
    import random

    from govmetrics.numbers import (
        _clean,
        _drop_classifier,
        _read_clean_numeral,
        _read_numeral,
        _surface_numeral,
        vocab,
    )

    v = vocab()
    alphabet = list("0123456789.,，一二两三十百千万亿个多余点元吨 \u3000１２％") + ["万亿", "两个亿"]
    rnd = random.Random(18)
    for _ in range(4000):
        s = _drop_classifier(_clean("".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 10)))), v)
        for i in range(len(s)):
            for j in range(i + 1, len(s) + 1):
                piece = s[i:j]
                assert _surface_numeral(piece, v) == _read_numeral(piece, v), piece
                if "," not in piece and "，" not in piece:
                    assert _read_clean_numeral(piece, v) == _read_numeral(piece, v), piece


def test_plain_arabic_shortcut_agrees_with_the_tokens() -> None:
    # _numeral reads a plain Arabic number (12, 12.5, .5, up to 28 characters) without the
    # token machinery: its value must be the one the tokens give, to the last bit of the float.
    import random

    rnd = random.Random(18)
    texts = ["0", "00", "0.0", ".5", "2023", "12.5", "0.10", "9" * 28, "1" + "0" * 27, "1." + "7" * 26]
    for _ in range(20000):
        whole = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 16)))
        frac = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 11)))
        texts.append(whole + ("." + frac if frac else "") if whole or frac else "7")
    _assert_read_as_the_tokens_read(texts, "-")


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
