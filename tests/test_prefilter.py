"""The rule pre-filter: what it derives from a pattern, and that filtered matching finds
exactly what one pass over the whole text finds."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govmetrics import prefilter
from govmetrics.extractor import _rule_matches
from govmetrics.normalize import normalize
from govmetrics.prefilter import SEPARATORS, TextIndex, scope_of, windows
from govmetrics.readers import read_document
from govmetrics.rules import default_ruleset

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "national"


def scope(pattern: str):
    p = regex.compile(pattern, regex.V1)
    return scope_of(p.pattern, p.flags)


def spans(pattern: regex.Pattern, text: str, timeout: float = 30.0) -> list[tuple[int, int]]:
    s = scope_of(pattern.pattern, pattern.flags)
    return [m.span() for m in _rule_matches(pattern, s, text, timeout, TextIndex(text))]


def test_required_character_becomes_the_anchor():
    s = scope(r"\d+(?:\.\d+)?亿")
    assert s is not None and s.anchors[0] == "亿" and s.separators == SEPARATORS


def test_alternatives_give_the_union_of_their_characters():
    assert scope(r"\d+(?:万亿|亿)").anchors[0] == "亿"
    assert scope(r"\d+(?:万|亿)元").anchors[:2] == ("元", "万亿")


def test_no_filter_when_some_match_needs_no_listed_character():
    assert scope(r"\d+亿?") is None  # optional
    assert scope(r"亿|\d+") is None  # one alternative needs only a digit (\d is not listed)
    assert scope(r"\p{Han}+") is None


def test_separators_are_the_breaks_no_part_of_the_pattern_can_consume():
    assert "\n" not in scope(r"亿\s*元").separators  # \s consumes a line break
    assert "。" not in scope(r"(?<=。)\d+亿").separators  # nor may a look-behind
    ahead = scope(r"亿(?=[^，\n]*。)").separators
    assert "。" not in ahead and "\n" in ahead  # nor a look-ahead
    assert scope(r"[^，]{0,5}亿") is None  # consumes every break: nowhere to cut


def test_no_filter_for_what_a_cut_text_would_change_or_the_analysis_does_not_model():
    assert scope(r"亿$") is None  # end of text (a scan that stops early would see a false end)
    assert scope(r"亿\Z") is None
    assert scope(r"(?i)亿x") is None  # case-insensitive
    assert scope(r"(?:亿){e<=1}") is None  # fuzzy
    assert scope(r"(亿)\1") is None  # back-reference
    assert scope(r"(?r)\d+亿") is None  # searched right to left: other matches, other order
    assert scope(r"(?p)\d+亿") is None  # POSIX: the longest match overall
    assert scope(r"(?w)1\b") is None  # Unicode word breaks look past a neighbouring ；
    assert scope(r"(?a)亿\P{P}+") is None  # ASCII: \P{P} matches 。
    assert scope(r"亿(?a:\P{P})+") is None  # … also when scoped


# Counterexamples a review found before the flags above were excluded: each gave other
# matches (or another order) with the filter than a whole pass.
REVIEW_CASES = [
    (r"(?a)亿\P{P}+", "亿。x"),
    (r"(?a)[^\p{Po}a]1", "éé？é；1é\r1a"),
    (r"(?w)1\B", "1；2"),
    (r"(?w)1\b", "1；2"),
    (r"(?w)[1亿]\b", "亿1；2"),
    (r"(?r)亿", "亿。" + "x" * 70 + "。亿"),
    (r"亿(?a:[^\p{Po}])+", "亿。x"),
]


@pytest.mark.parametrize(("pattern", "text"), REVIEW_CASES)
def test_review_counterexamples_now_match_a_whole_pass(pattern, text):
    p = regex.compile(pattern, regex.V1)
    with always_filter():
        assert spans(p, text) == [m.span() for m in p.finditer(text)]


def test_dense_anchors_scan_everything():
    s = scope(r"\d+亿")
    assert windows(TextIndex("1亿" * 500), s) is None
    sparse = "这是一段没有数字的文字。" * 300 + "3亿。"
    ranges = windows(TextIndex(sparse), s)
    assert ranges == [(len(sparse) - 3, len(sparse))]


def test_a_runaway_pattern_inside_a_window_still_times_out():
    p = regex.compile(r"(?:a|a)+亿b", regex.V1)
    assert scope_of(p.pattern, p.flags) is not None
    text = "。" * 2000 + "a" * 40 + "亿ab。"  # a window (b is in it), and no match
    with pytest.raises(TimeoutError):
        spans(p, text, timeout=0.2)


# Patterns that test every edge of the argument: look-arounds and boundaries reading the
# characters just outside a piece, line anchors, alternatives, repeats, empty-able parts.
EDGE_PATTERNS = [
    r"\d+亿",
    r"(?<![\d亿])\d+亿(?!元)",
    r"(?<=。)\d*亿",
    r"亿(?=\n)",
    r"(?m)^亿\d*",
    r"(?m)亿$",
    r"\b亿\d",
    r"(?:万|亿)+\d{0,2}",
    r"[亿万][^。\n！？；]{0,3}",
    r"\d[\d亿]*亿\s?",
    r"(?<!\n)亿",
    r"a?亿|万a",
    r"(?x) \d + 亿  # verbose",
    r"\m亿\M",
]
ALPHABET = "亿万元1 2a\n\r。！？；x"


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=400), st.sampled_from(EDGE_PATTERNS))
def test_filtered_matching_equals_one_pass(text, pattern):
    p = regex.compile(pattern, regex.V1)
    with always_filter():  # short texts are dense in anchors: make the filter work anyway
        assert spans(p, text) == [m.span() for m in p.finditer(text)]


def always_filter():
    return patch.multiple(prefilter, _DENSE=0, _MOST=2.0)


def test_edge_patterns_are_all_filtered():
    for pattern in EDGE_PATTERNS:
        s = scope(pattern)
        assert s is not None, pattern
        with always_filter():
            assert windows(TextIndex("x。1亿\n万a"), s) is not None, pattern


def _documents() -> list[tuple[str, str]]:
    files = sorted((ROOT / "seeds").iterdir())
    if CORPUS.is_dir():  # beside the repo in CI and in the workspace
        files += sorted(CORPUS.glob("*.txt"))
    return [(f.name, normalize(read_document(str(f), None).text).text) for f in files if f.is_file()]


def test_every_shipped_rule_matches_as_one_pass_would_on_real_documents():
    docs = _documents()
    assert len(docs) >= 5
    for rule in default_ruleset().rules:
        p = rule.compiled
        for name, text in docs:
            assert spans(p, text) == [m.span() for m in p.finditer(text)], (rule.id, name)


def test_the_analysis_understands_most_shipped_rules():
    # A guard on the `regex` internals the analysis reads: if they change, the filter
    # quietly turns off (still correct, only slower) — this says so out loud.
    filtered = [r.id for r in default_ruleset().rules if scope_of(r.compiled.pattern, r.compiled.flags)]
    assert len(filtered) >= 30, filtered


CLASSES = [r"\S", r"\W", r"\w", r"\D", r"[^，]", r"\p{P}", r"\P{P}", r"\p{Po}", r"[^\p{Po}]", r"\P{Han}",
           r"[[:^punct:]]", r"[[:graph:]]", r"[\p{P}--[。]]", r"[^\s\d]", r"[\p{Han}&&[^一]]", r"[！-？]", r"\pL"]


@pytest.mark.parametrize("source", CLASSES)
def test_the_parsers_verdict_on_separators_agrees_with_the_engine(source):
    # The analysis asks the parsed nodes whether they match a separator; `fullmatch` is the
    # engine's own answer, so a `regex` release where the two part ways fails here.
    p = regex.compile(source, regex.V1)
    verdict = prefilter._consumable(prefilter._parse(p.pattern, p.flags), SEPARATORS)
    assert verdict == {sep for sep in SEPARATORS if p.fullmatch(sep)}, source
