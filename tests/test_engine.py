"""The Hyperscan path: its expressions accept everything the rules match, its confirmed
matches equal a whole `finditer` pass and the pre-filter path, and whatever it cannot do
falls back to the pre-filter path."""

from __future__ import annotations

import builtins
import signal
import threading
from functools import lru_cache
from pathlib import Path
from unittest.mock import patch

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govmetrics import engine
from govmetrics.extractor import find_matches
from govmetrics.normalize import normalize
from govmetrics.prefilter import TextIndex
from govmetrics.readers import read_document
from govmetrics.rules import default_ruleset, load_ruleset

from .test_prefilter import ALPHABET, EDGE_PATTERNS

hyperscan = pytest.importorskip("hyperscan")  # a Linux x86-64 dependency; CI always has it

ROOT = Path(__file__).resolve().parent.parent
# The development corpora sit beside the repository (../shared), or beside the folder of
# worktrees (../../shared) in the workspace.
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared")


@lru_cache(maxsize=256)
def one_rule_engine(pattern: str) -> tuple[regex.Pattern, engine.Engine]:
    p = regex.compile(pattern, regex.V1)
    eng = engine.build([(p.pattern, p.flags)])
    assert eng is not None and 0 in eng.plans, pattern
    return p, eng


def engine_spans(pattern: str, text: str) -> list[tuple[int, int]] | None:
    """The rule's matches by the Hyperscan path; None when the text takes the other path."""
    p, eng = one_rule_engine(pattern)
    ends = eng.candidates(text)
    if ends is None:
        return None
    plan = eng.plans[0]
    cuts = TextIndex(text).cuts(plan.separators) if plan.separators else []
    return [m.span() for m in engine.confirm(p, plan, ends[0], text, cuts, 60.0, lambda: 0.0)]


# The pre-filter's edge patterns, and more that test the translation: classes by property,
# set operations, negated sets, bounded repeats longer than the kept bound, atomic groups,
# possessive and lazy repeats, line anchors, optional tails (several ends per match).
PATTERNS = [*EDGE_PATTERNS,
            r"\p{Han}{2,}\d", r"[\p{Han}--[亿万]]+\d", r"[^\d\s。]{1,9}元", r"(?>\d+)亿", r"\d++万?",
            r"\d+?亿", r"x{0,30}\d", r"(?m)^\s*[一二]、", r"\d+(?:亿|万)?(?:元)?", r"[\w]+亿", r"\D{3}\d",
            r"(?<=\p{Han})\d", r"\d(?!\d)", r".亿", r"(?s).亿",
            # look-arounds at the edges, kept as a prefix or suffix
            r"(?<=亿)\d+", r"(?<=[亿万]|^)\d", r"\d+(?=亿元)", r"(?:(?<=万)\d|\d(?=亿))", r"(?<!\d)(?<=x)\d+",
            r"\d(?=亿)(?!元)", r"(?<=(?<=a)x)\d", r"(?<=亿)(?<=1亿)\d", r"\d+(?=亿|万元)(?=\D)",
            r"(?<=a\d{0,3})\d(?=\d*亿)", r"\d(?=(?=亿)亿(?=元))", r"(?m)(?<=\n)^\d", r"(?<=\d)亿(?=元|$)",
            r"(?<=a)\d+?(?=\d)", r"\d(?=亿(?<=1亿))", r"(?:(?<=a)1|2)(?=亿)?",
            # a number then words: the number becomes a run of its alphabet opening with a
            # character the number can open with (nullable: the run is optional)
            r"(?:(?<![\d.])\d+(?:\.\d+)?|[一二三十]+)(?:个(?=[万亿]))?万?(?:周年|岁)", r"[一二]*(?:个月|天)(?:前)?",
            r"(?:\d+|[一二]+)万?(?:元|万元)(?:以上)?(?!\d)"]
HARD_ALPHABET = ALPHABET + "٣𠀀１é"


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=400), st.sampled_from(PATTERNS))
def test_hyperscan_matching_equals_one_pass(text, pattern):
    p = regex.compile(pattern, regex.V1)
    assert engine_spans(pattern, text) == [m.span() for m in p.finditer(text)]


def _reach_is_before_each_match(p: regex.Pattern, eng: engine.Engine, i: int, text: str) -> None:
    """`engine.reach` never later than the start of a match ending at its end: the claims-only
    pass confirms a rule only where reach places its candidates' spans."""
    ends = eng.candidates(text)
    if ends is None or not ends.get(i):
        return
    plan = eng.plans[i]
    cuts = TextIndex(text).cuts(plan.separators) if plan.separators else []
    ms = engine.confirm(p, plan, ends[i], text, cuts, 60.0, lambda: 0.0)
    for m, lo in zip(ms, engine.reach(plan, [m.end() for m in ms], text, cuts), strict=True):
        assert lo <= m.start(), (p.pattern, text, m.span(), lo)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=300), st.sampled_from(PATTERNS))
def test_reach_is_never_later_than_a_match_start(text, pattern):
    p, eng = one_rule_engine(pattern)
    _reach_is_before_each_match(p, eng, 0, text)


REACH_TOKENS = ["人口", "居民", "第", "1", "3", "万", "亿", "元", "%", "个", "增长", "超", "不超过", "年", "，", "。",
                "\n", "、", "（", "）", "十四五", "达到", "下降", "a", " "]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REACH_TOKENS), max_size=150).map("".join))
def test_reach_is_never_later_than_a_match_start_for_the_rules(text):
    rs = default_ruleset()
    eng = engine.for_rules(rs, build_now=True)
    assert eng is not None
    for i in eng.plans:
        _reach_is_before_each_match(rs.rules[i].compiled, eng, i, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=HARD_ALPHABET, max_size=200), st.sampled_from(PATTERNS))
def test_texts_the_expressions_do_not_cover_take_the_other_path(text, pattern):
    got = engine_spans(pattern, text)
    if got is None:  # a digit other than 0-9 or a character beyond the BMP
        assert any(c in text for c in "٣𠀀１")
    else:
        assert got == [m.span() for m in regex.compile(pattern, regex.V1).finditer(text)]


@pytest.mark.parametrize(("pattern", "accepted"), [
    (r"(?<=增长)\d+%", "增长12%"),  # a leading look-behind: a required prefix
    (r"\d+(?=亿)", "12亿"),  # a trailing look-ahead: a required suffix
    (r"(?<!增长)\d+%", "12%"),  # a negative one is dropped
    (r"\d(?<=1)\d", "12"),  # as is one inside the match
    (r"(?<=增长)(?<=长)\d", "增长1"),  # as is a second one at the same edge
    (r"(?:(?<=增长)|(?<=[为是]))\d+(?!亿)(?=元|万)(?!\d)", "为12元"),  # one per branch
    (r"\b\d+\b", "12"),  # boundaries dropped
    (r"(?>a|ab)c", "abc"),  # an atomic group can refuse this; its translation accepts it
    (r"a{2,40}", "a" * 40),  # a long bound loses its upper limit
    (r"[\p{Han}&&[^亿]]", "万"),
    (r"\d", "٣") ,  # left out of the class, the document check catches it instead
    (r"(?:(?<![\d.])\d+|[一二]+)(?:个(?=[万亿]))?万?岁", "一二万岁"),  # a number then words: a run
])
def test_translation_accepts_at_least_the_consumed_text(pattern, accepted):
    p = regex.compile(pattern, regex.V1)
    expr = engine.translate(p.pattern, p.flags)
    assert expr is not None
    if "٣" in accepted:
        assert "٣" not in expr
        return
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[expr.encode()], ids=[0], elements=1,
               flags=hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE)
    ends: list[int] = []
    db.scan(accepted.encode(), match_event_handler=lambda _i, _f, to, _fl, _c: ends.append(to))
    assert len(accepted.encode()) in ends


def test_a_number_before_words_becomes_a_run_of_its_alphabet():
    # Its first character from the number's openings, then any of its characters: Hyperscan
    # checks such a run cheaply where the number's own automaton would run at every numeral.
    p = regex.compile(r"(?:\d+|[一二]+)万?(?:周年|岁)", regex.V1)
    assert engine.translate(p.pattern, p.flags) == "[0-9一二][0-9一二]*(?:万){0,1}(?:周年|岁)"
    p = regex.compile(r"\d+万?\d", regex.V1)  # no words after it: translated as it is
    assert "*" not in engine.translate(p.pattern, p.flags)


@pytest.mark.parametrize("pattern", [r"(亿)\1", r"(?i)yi", r"(?r)\d+亿", r"(?:亿){e<=1}", r"(a)?(?(1)b|c)", r"[１-９]亿", r"\G\d"])
def test_what_the_translation_does_not_model_is_left_to_the_prefilter_path(pattern):
    p = regex.compile(pattern, regex.V1)
    assert engine.translate(p.pattern, p.flags) is None


def test_a_rule_hyperscan_refuses_is_confirmed_the_old_way():
    eng = engine.build([(r"\d+亿", regex.V1), (r"x*", regex.V1)])  # x* matches the empty string
    assert eng is not None and list(eng.plans) == [0] and eng.untranslated == [1]


def _documents() -> list[tuple[str, str]]:
    files = sorted((ROOT / "seeds").iterdir())
    for folder in (SHARED / "corpus" / "national", SHARED / "corpus" / "local"):
        if folder.is_dir():  # beside the repo in the workspace and CI
            files += sorted(p for p in folder.iterdir() if p.is_file())
    return [(f.name, normalize(read_document(str(f), None).text).text) for f in files if f.is_file()]


def _key(ms):
    return [(m.start, m.end, m.rule.id, m.m.span() if m.m else None) for m in ms]


def test_both_paths_give_identical_matches_on_seeds_and_corpora():
    rs = default_ruleset()
    eng = engine.for_rules(rs, build_now=True)
    assert eng is not None and len(eng.plans) >= len(rs.rules) - 3, eng.untranslated
    docs = _documents()
    assert len(docs) >= (64 if SHARED.is_dir() else 5)
    for name, text in docs:
        assert _key(find_matches(text, rs, fast=True)) == _key(find_matches(text, rs, fast=False)), name


def test_without_hyperscan_everything_takes_the_prefilter_path():
    real_import = builtins.__import__

    def no_hyperscan(name, *args, **kwargs):
        if name == "hyperscan":
            raise ImportError("no hyperscan here")
        return real_import(name, *args, **kwargs)

    rs = load_ruleset(())  # a rule set of its own: no engine in memory yet
    text = "地区生产总值超3600亿元，增长8.2%。" * 400
    with patch.object(builtins, "__import__", no_hyperscan):
        assert engine.build([(r"\d+亿", regex.V1)]) is None
        assert engine.for_rules(rs, len(text), build_now=True) is None
        assert _key(find_matches(text, rs, fast=True)) == _key(find_matches(text, rs, fast=False))


def test_a_database_that_cannot_load_means_the_prefilter_path():
    eng = engine.build([(r"\d+亿", regex.V1)])
    broken = engine.Engine(eng.plans, b"not a database", eng.untranslated)
    assert broken.candidates("3亿") is None


class _Rules:
    """The least a rule set needs for the engine: rules with a compiled pattern."""

    def __init__(self, *patterns: str) -> None:
        self.rules = [type("R", (), {"compiled": regex.compile(p, regex.V1)})() for p in patterns]


def test_the_database_is_kept_on_disk_and_found_by_another_process(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    first = engine.for_rules(_Rules(r"\d+亿", r"\d+%"), build_now=True)
    assert first is not None and list(tmp_path.glob("engine-*.pickle"))
    with patch.object(engine, "build", side_effect=AssertionError("built again")):
        again = engine.for_rules(_Rules(r"\d+亿", r"\d+%"), engine.SMALL)  # as a new process would
        assert engine.for_rules(_Rules(r"\d+亿"), engine.SMALL) is None  # other rules: not built yet
    assert again is not None and again.serialized == first.serialized


def test_an_engine_is_built_once_enough_text_was_seen(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    rs = _Rules(r"\d+亿")
    assert engine.for_rules(rs, engine.SMALL) is None
    assert engine.for_rules(rs, engine.BUILD_AFTER) is not None


def test_short_documents_do_not_load_the_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    rs = load_ruleset(())
    with patch.object(engine, "_key", side_effect=AssertionError("engine looked up")):
        assert engine.for_rules(rs, 100) is None


def test_the_switch_turns_the_fast_path_off(monkeypatch):
    monkeypatch.setenv("GOVMETRICS_HYPERSCAN", "0")
    assert not engine.enabled()
    with patch.object(engine, "for_rules", side_effect=AssertionError("engine used")):
        find_matches("增长8.2%", default_ruleset())


def test_threads_scan_with_their_own_scratch_space():
    from concurrent.futures import ThreadPoolExecutor

    eng = engine.build([(r"\d+亿", regex.V1)])
    texts = [("增长3亿元。" * 2000) + str(i) + "亿" for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(eng.candidates, texts))
    assert all(g is not None and g[0][-1] == len(t) for g, t in zip(got, texts, strict=True))


@pytest.mark.parametrize(("pattern", "alphabet"), [
    (r"(?<=增长)\d+(?:\.\d+)?%", ".%"),  # a look-behind reads before the match: left out
    (r"\d+(?=亿元)", "亿元"),  # a look-ahead suffix lies in the run too
    (r"[一二三]+(?!万)", "一二三万"),
])
def test_the_alphabet_holds_what_a_match_consumes(pattern, alphabet):
    p = regex.compile(pattern, regex.V1)
    got = engine._alphabet_of(p.pattern, p.flags)
    assert set(alphabet) <= set(got) and not set("增长x") & set(got)


def test_no_alphabet_for_a_rule_consuming_any_han_character():
    assert engine._alphabet_of(r"\p{Han}{2}\d", regex.V1) == ""
    assert engine._alphabet_of(r"第.{1,3}次", regex.V1) == ""


def test_a_runaway_rule_is_stopped_by_the_alarm_and_the_others_keep_their_matches(tmp_path):
    (tmp_path / "evil.yaml").write_text("rules: [{id: evil, pattern: '(a+)+$'}]\n", encoding="utf-8")
    rs = load_ruleset([tmp_path])
    text = "a" * 5000 + "!\n地区生产总值3600亿元。\n" * 3
    warnings: list[str] = []
    with patch("govmetrics.extractor.PATTERN_TIMEOUT", 0.3):
        got = find_matches(text, rs, warnings.append, fast=True)
    assert len(warnings) == 1 and "evil" in warnings[0]
    assert any(text[m.start:m.end] == "3600亿元" for m in got)
    assert signal.getsignal(signal.SIGVTALRM) is signal.SIG_DFL and signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)


def test_the_alarm_is_only_used_where_it_can_ring():
    got: list[object] = []

    def look() -> None:
        with engine.Alarm.get() as alarm:
            got.append(alarm)

    t = threading.Thread(target=look)
    t.start()
    t.join()
    assert got == [None]  # signal handlers run on the main thread only
    previous = signal.signal(signal.SIGVTALRM, lambda *_: None)
    try:
        with engine.Alarm.get() as alarm:
            assert alarm is None  # SIGVTALRM belongs to someone else
    finally:
        signal.signal(signal.SIGVTALRM, previous)
    signal.setitimer(signal.ITIMER_VIRTUAL, 100)  # someone's CPU-time timer is running
    try:
        with engine.Alarm.get() as alarm:
            assert alarm is None
        assert signal.getitimer(signal.ITIMER_VIRTUAL)[0] > 0  # and keeps running
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)


def test_a_watchdog_on_the_wall_clock_survives_extraction():
    signal.setitimer(signal.ITIMER_REAL, 600)  # `signal.alarm(600)` of a cron script
    try:
        find_matches("地区生产总值3600亿元。", default_ruleset(), fast=True)
        assert 590 < signal.getitimer(signal.ITIMER_REAL)[0] <= 600
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def test_the_alarm_rings_once_and_not_after_it_is_cleared():
    with engine.Alarm.get() as alarm:
        assert alarm is not None
        alarm.set(60)
        with pytest.raises(TimeoutError):
            alarm._ring(signal.SIGVTALRM, None)
        alarm._ring(signal.SIGVTALRM, None)  # rung already: a second signal is let go
        alarm.set(60)
        alarm.pause()
        alarm._ring(signal.SIGVTALRM, None)  # a signal arriving after pause() is let go
        assert signal.getitimer(signal.ITIMER_VIRTUAL)[0] > 0  # the timer still runs
        alarm.set(60)
        with pytest.raises(TimeoutError):
            alarm._ring(signal.SIGVTALRM, None)  # set() again: it rings
        alarm.set(60)
        alarm.clear()
        alarm._ring(signal.SIGVTALRM, None)  # a signal arriving just after clear() is let go
        assert signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)
    assert signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)


# Skip rules that link up by overlaps: 甲+乙 (the longest) hides 乙+\d, which would hide the
# claim after it (甲甲甲甲甲甲甲甲甲乙|乙乙乙乙乙乙乙3|600亿元): the claim is kept only if both are found.
CHAIN_RULES = """rules:
  - {id: chain_w, pattern: '甲+乙', action: skip}
  - {id: chain_x, pattern: '乙+\\d', action: skip}
  - {id: chain_far, pattern: '丙{2,5}', action: skip}
"""


@pytest.fixture(scope="module")
def chain_rs(tmp_path_factory):
    d = tmp_path_factory.mktemp("chain")
    (d / "chain.yaml").write_text(CHAIN_RULES, encoding="utf-8")
    rs = load_ruleset([d])
    assert engine.for_rules(rs, build_now=True) is not None
    return rs


def _claims(ms):
    return [k for k, m in zip(_key(ms), ms, strict=True) if m.rule.action == "claim"]


def test_claims_only_follows_chains_of_overlapping_skips(chain_rs):
    rs = chain_rs
    text = "甲甲甲甲甲甲甲甲甲乙乙乙乙乙乙乙乙3600亿元。丙丙丙增长5%。"
    full = find_matches(text, rs, fast=True)
    assert [text[m.start:m.end] for m in full] == ["甲甲甲甲甲甲甲甲甲乙", "3600亿元", "丙丙丙", "5%"]
    assert "3600亿元" not in [text[m.start:m.end] for m in find_matches(text[9:], rs, fast=True)]
    assert _claims(find_matches(text, rs, fast=True, claims_only=True)) == _claims(full)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="甲乙丙36亿元%增长一个。，\n", max_size=300))
def test_claims_only_keeps_the_claims_of_a_full_pass(chain_rs, text):
    rs = chain_rs
    full = _claims(find_matches(text, rs, fast=True))
    assert _claims(find_matches(text, rs, fast=True, claims_only=True)) == full
    assert _claims(find_matches(text, rs, fast=False)) == full  # the pre-filter path: always a full pass


def test_claims_only_keeps_the_claims_on_seeds_and_corpora():
    rs = default_ruleset()
    for name, text in _documents():
        assert _claims(find_matches(text, rs, fast=True, claims_only=True)) == _claims(find_matches(text, rs, fast=True)), name


NEEDS_TOKENS = ["人口", "居民", "排名", "全国", "第", "1", "3", "万", "亿", "元", "人", "减少", "增长", "超",
                "。", "，", "\n", "资金", "投资", "位", "首位", "的", "年"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(NEEDS_TOKENS), max_size=120).map("".join))
def test_rules_that_need_a_cue_are_confirmed_near_one_with_the_same_matches(text):
    rs = default_ruleset()
    assert engine.for_rules(rs, build_now=True) is not None
    want = _key(find_matches(text, rs, fast=False))
    assert _key(find_matches(text, rs, fast=True)) == want
    assert _claims(find_matches(text, rs, fast=True, claims_only=True)) == [k for k in want if k[2] in {
        r.id for r in rs.rules if r.action == "claim"}]


def test_the_cue_gate_looks_back_past_a_leading_qualifier(tmp_path):
    # The claim takes in the qualifier before its number (不超过3个 starts at 不), and its cue
    # must be within 20 characters before that start: 19 characters before 不, but 22
    # before the 3 where the candidate's own span starts. The gate must look back the
    # qualifier's length further, or the Hyperscan path drops a claim the other path keeps.
    (tmp_path / "r.yaml").write_text(
        "cues:\n  mycue: [戊]\nrules:\n  - {id: c_needs, pattern: '\\d个', needs: mycue, priority: 2, unit: 个}\n",
        encoding="utf-8")
    rs = load_ruleset([tmp_path])
    assert engine.for_rules(rs, build_now=True) is not None
    text = "戊" + "甲" * 18 + "不超过3个。"
    for fast in (False, True):
        got = [(m.start, m.end) for m in find_matches(text, rs, fast=fast) if m.rule.id == "c_needs"]
        assert got == [(19, 24)], fast


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 48), st.integers(0, 60), st.integers(1, 12)), max_size=40))
def test_overlaps_resolve_as_by_the_tuple_key(spans):
    from govmetrics.extractor import Match, _resolved

    rs = default_ruleset()
    found = [[] for _ in rs.rules]
    for i, a, n in sorted(spans):
        if not found[i] or found[i][-1].end <= a:  # a rule's own matches do not overlap
            found[i].append(Match(a, a + n, rs.rules[i], None))
    matches = [f for fs in found for f in fs]
    order = sorted(range(len(matches)), key=lambda k: (
        matches[k].start - matches[k].end,
        (-matches[k].rule.priority, not matches[k].rule.user, matches[k].rule.action != "skip"), matches[k].start))
    kept: list = []
    for k in order:
        f = matches[k]
        if all(f.end <= g.start or g.end <= f.start for g in kept):
            kept.append(f)
    assert _resolved(found, 80, rs) == sorted(kept, key=lambda f: f.start)


def test_overlaps_of_the_same_length_and_tier_keep_the_earlier_start():
    from govmetrics.extractor import Match, _resolved

    rs = default_ruleset()
    tier = [(-r.priority, not r.user, r.action != "skip") for r in rs.rules]
    i, j = next((i, j) for j in range(len(rs.rules)) for i in range(j) if tier[i] == tier[j])
    found = [[] for _ in rs.rules]
    found[i] = [Match(5, 9, rs.rules[i], None)]  # the earlier rule, starting later
    found[j] = [Match(3, 7, rs.rules[j], None)]  # the later rule, starting first: it is kept
    assert [(m.start, m.end, m.rule.id) for m in _resolved(found, 20, rs)] == [(3, 7, rs.rules[j].id)]
