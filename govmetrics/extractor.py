"""The per-document extractor: text in, claims out. Pure: no I/O, no global state
beyond the compiled rule set."""

from __future__ import annotations

import bisect
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter
from pathlib import Path

import regex

from . import engine
from .attribute import Figure, attribute_sentence
from .claim import Claim
from .context import (
    Cues,
    Frame,
    Sentence,
    clause_start,
    cues_for,
    is_target,
    kind_and_sign,
    pair_qualifier,
    qualifier_from_context,
    relative_year,
    topic_year,
    year_of,
)
from .engine import Engine
from .normalize import Normalized, normalize, readable
from .numbers import Quantity, parse_quantities
from .patterns import compiled, word_search
from .prefilter import Scope, TextIndex, opening_test, windows
from .region import clause_region, set_article_regions
from .rules import PATTERN_TIMEOUT, Rule, RuleSet, default_ruleset, derived
from .segment import YEAR, Article, Section, Structure, analyse, year_value

Warn = Callable[[str], None]

_LEAD_YEAR = compiled(
    r"\s*(?:[一二三四五六七八九十]{1,2}、[^，,。；;\d]{2,24}?)?(?:在|到|截至|截止|至)?\s*(" + YEAR + r")\s*年(?:底|末|初|以来|上半年|前三季度|1-\d+月)?\s*(?:[,，]|数据显示|以来)"
)


_GROUP_NAME = compiled(r"q\d+")
_REST_OF_CLAUSE = compiled(r"[^，,。；;]*")
_FROM_BEFORE = compiled(r"(?:从|由)[^，,。；;从由]{0,14}$")
_FROM_TO_BEFORE = compiled(r"(?:从|由)[^，,。；;]*(?:到|至)[^，,。；;]*$")
_LIST_ITEM = compiled(r"\s*[一二三四五六七八九十]{1,2}是")
_DEADLINE_OPENING = compiled(r"[\s“\"]*(?:到|至)")
_OPENING_FILLER = compiled(r"[ “\"]*(?:到|至|在|截至)?[ “\"]*")
_SPACES = compiled(r"[\s\x1c-\x1f]*")  # what str.isspace takes (and more)


@lru_cache(maxsize=8)
def _filler_then_plan(cues: Cues) -> regex.Pattern:
    """A plan name (group `plan`) right after the opening filler (the filler's every ending is
    tried)."""
    return compiled(f"(?:{_OPENING_FILLER.pattern})(?P<plan>{cues.plans_re.pattern})")


@lru_cache(maxsize=8)
def _may_mark(cues: Cues) -> regex.Pattern:
    """Whatever _Doc._find_lead_year finds at a sentence's start, or a list item (一是…), and
    more: one anchored test that rules out its three searches (and _LIST_ITEM) for nearly every
    sentence. Matched without an end, so each branch accepts at least what its own search
    does (the year search ends at the sentence's end, the relative word is sought after the
    spaces str.isspace skips)."""
    return compiled(f"(?:{_LEAD_YEAR.pattern})|(?:{_OPENING_FILLER.pattern})(?:{cues.plans_re.pattern})"
                    f"|{_SPACES.pattern}(?:{cues.relative_re.pattern})|(?:{_LIST_ITEM.pattern})")


class _Opens(dict[str, bool]):
    """Character -> whether a match of a pattern can start with it (prefilter.opening_test),
    worked out on first use: a dictionary look-up rules out most positions without a call of
    the pattern."""

    def __init__(self, pattern: regex.Pattern) -> None:
        super().__init__()
        self.test = opening_test(pattern.pattern, pattern.flags)

    def __missing__(self, c: str) -> bool:
        ok = self[c] = bool(c) and (self.test is None or self.test(c))  # "": the text's end
        return ok


@lru_cache(maxsize=8)
def _mark_opens(cues: Cues) -> _Opens:
    return _Opens(_may_mark(cues))


@dataclass(slots=True)
class Match:
    start: int  # normalised offsets
    end: int
    rule: Rule
    m: regex.Match | None


_NEEDS_WITHIN = 20  # characters before a match where its `needs` cue must be


def _needs_met(text: str, start: int, rule: Rule, rs: RuleSet) -> bool:
    """A rule's `needs` cue must be close before the match, in the same sentence. Checked
    before overlaps are resolved, so a rule whose context is missing never hides another."""
    near = text[max(0, start - _NEEDS_WITHIN):start]
    cut = max(near.rfind(c) for c in "。！？!?\n")
    cue = _cue_searches(rs)[rule.needs]  # the search `_near_cues` gates candidates with
    return cue is not None and cue.search(near, cut + 1) is not None


@derived
def _cue_searches(rs: RuleSet) -> dict[str, re.Pattern | None]:
    """For each cue list a rule `needs`: a search for any of its words (None: no words)."""
    cues = rs.data.get("cues", {})
    return {r.needs: word_search(cues[r.needs]) if cues.get(r.needs) else None for r in rs.rules if r.needs}


@derived
def _leading_qualifiers(rs: RuleSet) -> tuple[int, frozenset[str], frozenset[str]]:
    """The longest qualifier word, the words, and the characters they end with."""
    words = {w for d in rs.data.get("qualifiers", {}).values() for w in d.get("before", [])}
    return max(map(len, words), default=0), frozenset(words), frozenset(w[-1] for w in words)


def _with_leading_qualifier(text: str, start: int, rs: RuleSet) -> int:
    """Extend a claim back over a qualifier word that ends where its number starts (超3600亿元)."""
    longest, words, last = _leading_qualifiers(rs)
    if not start or text[start - 1] not in last:
        return start  # the common case: no word can end here
    for n in range(min(longest, start), 0, -1):
        if text[start - n:start] in words:
            return start - n
    return start


def find_matches(text: str, rs: RuleSet, warn: Warn | None = None, doc: str = "-",
                 fast: bool | None = None, claims_only: bool = False) -> list[Match]:
    """Every rule's matches over the normalised text, overlaps resolved (longest wins).
    ``fast``: use the Hyperscan path (`engine.py`) when it is available; None follows
    GOVMETRICS_HYPERSCAN (on by default). Both paths give the same matches.
    ``claims_only``: the claims kept are those of a full pass, but other rules' matches are
    only looked for where they may change which claims are kept (`_near_claims`). The one
    exception: a rule that runs out of time loses all its matches in a full pass, while a
    claims-only pass may never search the slow stretch and keep the rule's other matches
    (a skip rule's match then hides a claim the full pass keeps).

    On the Hyperscan path some rules' candidates are confirmed only in some stretches of
    the text: each candidate end's matches lie within [`engine.reach`, end], and spans
    linked by overlaps make a stretch. A stretch starts at or after the end of everything
    before it. In a pass over every candidate, a search from an earlier stretch that is
    not searched here can find a match lying in a later stretch; the search from the later
    stretch's first candidate finds the same match: it starts no later than the match
    (`engine.reach` is never later than a match start), and nothing matches between the
    two search starts, or the earlier search would have found that first. So each stretch
    searched has the matches of the full pass. A rule that `needs` a cue is confirmed
    where one is near (`_near_cues`), in either mode."""
    # The regex timeout covers a whole pass, so it grows with the text: a normal pass costs
    # ~0.2 s per million characters; 5 s per million leaves room for a slow machine while a
    # runaway pattern is still stopped within seconds.
    timeout = PATTERN_TIMEOUT + 5e-6 * len(text)
    index = TextIndex(text)
    hits = _candidates(text, rs, fast)
    found: list[list[Match]] = [[] for _ in rs.rules]
    with engine.Alarm.get() as alarm:
        later: dict[int, list[int]] = {}  # skip rules' candidates, confirmed after the claims
        if hits is not None:
            eng, ends = hits[0], dict(hits[1])
            for i, rule in enumerate(rs.rules):
                if i in ends and rule.needs:
                    ends[i] = _near_cues(text, rule, rs, eng, i, ends[i], index)
                if claims_only and i in ends and rule.action != "claim":
                    later[i] = ends[i]
            hits = eng, ends
        for i, rule in enumerate(rs.rules):
            if i not in later:
                found[i] = _confirmed(i, rule, text, rs, timeout, alarm, index, hits, warn, doc)
        if later:
            assert hits is not None
            near = _near_claims(text, found, hits[0], later, index)
            for i in later:
                found[i] = _confirmed(i, rs.rules[i], text, rs, timeout, alarm, index, (hits[0], near), warn, doc)
    return _resolved(found, len(text) + 1, rs)


def _resolved(found: list[list[Match]], size: int, rs: RuleSet) -> list[Match]:
    """The matches kept, by start: longest first; on a tie the higher priority, then the
    user's rule, then a skip rule, then the earlier rule (``found`` is in rule order).
    ``size``: more than any offset (the text's length + 1)."""
    tiers = [(-r.priority, not r.user, r.action != "skip") for r in rs.rules]
    rank = {t: k for k, t in enumerate(sorted(set(tiers)))}
    n = len(rank)
    matches: list[Match] = []
    keys: list[int] = []
    for fs, tier in zip(found, tiers, strict=True):
        # The key as one int (ints sort several times faster than tuples): the length
        # from longest to shortest, the rank, the start.
        r = rank[tier]
        matches += fs
        keys += [((size - f.end + f.start) * n + r) * size + f.start for f in fs]
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Match] = []
    for k in sorted(range(len(matches)), key=keys.__getitem__):  # stable, as a sort of `matches` by key
        f = matches[k]
        i = bisect.bisect_left(starts, f.start)
        if i > 0 and ends[i - 1] > f.start:
            continue
        if i < len(starts) and starts[i] < f.end:
            continue
        starts.insert(i, f.start)
        ends.insert(i, f.end)
        kept.append(f)
    kept.sort(key=attrgetter("start"))
    return kept


Hits = tuple[Engine, dict[int, list[int]]]  # the engine, each rule's candidate ends


def _confirmed(i: int, rule: Rule, text: str, rs: RuleSet, timeout: float, alarm: engine.Alarm | None,
               index: TextIndex, hits: Hits | None, warn: Warn | None, doc: str) -> list[Match]:
    """Rule ``i``'s matches as claims see them (a qualifier word before a claim taken in,
    `needs` checked); none when the rule runs out of time (and a warning)."""
    if hits is not None and i in hits[1] and not hits[1][i]:
        return []  # no candidate: nothing to confirm
    claim = rule.action == "claim"
    out: list[Match] = []
    try:
        if alarm:
            alarm.set(timeout)
        for m in _matches_of(i, rule, text, None if alarm else timeout, index, hits):
            a, b = m.span()
            start = _with_leading_qualifier(text, a, rs) if claim else a
            if b > start and (not rule.needs or _needs_met(text, start, rule, rs)):
                out.append(Match(start, b, rule, m))
        if alarm:
            alarm.pause()  # inside the try: the alarm may ring before it is paused
    except TimeoutError:
        if warn:
            warn(f"{doc}: rule {rule.id!r} ({rule.file}) stopped after {timeout:.3g}s (catastrophic backtracking?); its matches in this document are dropped")
        return []
    return out


def _reach(text: str, eng: Engine, i: int, ends: list[int], index: TextIndex) -> list[int]:
    plan = eng.plans[i]
    return engine.reach(plan, ends, text, index.cuts(plan.separators) if plan.separators else [])


def _near_cues(text: str, rule: Rule, rs: RuleSet, eng: Engine, i: int, ends: list[int],
               index: TextIndex) -> list[int]:
    """The candidate ends of rule ``i``, which `needs` a cue, in the stretches of its own
    spans (see `find_matches`) with a cue word close enough before: elsewhere no match
    meets the need."""
    cue = _cue_searches(rs)[rule.needs]
    if cue is None:
        return []
    before = _leading_qualifiers(rs)[0] + _NEEDS_WITHIN  # how far before a match its cue may lie
    out: list[int] = []
    stretch: list[int] = []
    first = last = -1  # the stretch's span
    for lo, e in zip(_reach(text, eng, i, ends, index), ends, strict=True):
        if lo >= e:
            continue  # no match ends here
        if lo >= last:  # a new stretch
            if stretch and cue.search(text, max(0, first - before), last):
                out += stretch
            stretch = []
            first = lo
        stretch.append(e)
        last = e
    if stretch and cue.search(text, max(0, first - before), last):
        out += stretch
    return out


def _near_claims(text: str, found: list[list[Match]], eng: Engine, ends: dict[int, list[int]],
                 index: TextIndex) -> dict[int, list[int]]:
    """The candidate ends (of the rules in ``ends``, not confirmed yet) whose matches may
    change which claims are kept: those in a stretch (see `find_matches`) that the claim
    matches found, the other matches found and these candidates' spans link by overlaps,
    and that holds a claim match. Overlap resolution keeps or drops a match looking only at
    the matches that overlap it, so a group of matches linked by overlaps is resolved on
    its own, and a group without a claim changes no claim."""
    # Every span as one int that sorts by start, then end: ((start * size + end) * tags + tag),
    # tag 0 for a claim match, 1 for another match, 2 + i for a candidate of rule i.
    size = len(text) + 1
    tags = 2 + len(found)
    items = [(f.start * size + f.end) * tags + (f.rule.action != "claim") for fs in found for f in fs]
    for i, es in ends.items():
        items += [(lo * size + e) * tags + 2 + i for lo, e in zip(_reach(text, eng, i, es, index), es, strict=True) if lo < e]
    items.sort()
    out: dict[int, list[int]] = {i: [] for i in ends}
    stretch: list[tuple[int, int]] = []  # the candidates in the stretch so far
    last = -1  # its end
    claim = False
    for item in items:
        span, tag = divmod(item, tags)
        a, b = divmod(span, size)
        if a >= last:  # a new stretch
            if claim:
                for i, e in stretch:
                    out[i].append(e)
            stretch.clear()
            claim = False
        if b > last:
            last = b
        if tag >= 2:
            stretch.append((tag - 2, b))
        elif tag == 0:
            claim = True
    if claim:
        for i, e in stretch:
            out[i].append(e)
    for es in out.values():
        es.sort()  # by end (they came by start)
    return out


def _candidates(text: str, rs: RuleSet, fast: bool | None) -> Hits | None:
    """The Hyperscan candidates of every rule in the engine, or None for the pre-filter path."""
    if fast is False or fast is None and not engine.enabled():
        return None
    eng = engine.for_rules(rs, len(text), build_now=bool(fast))
    if eng is None:
        return None
    ends = eng.candidates(text)
    return None if ends is None else (eng, ends)


def _matches_of(i: int, rule: Rule, text: str, timeout: float | None, index: TextIndex,
                hits: Hits | None) -> list[regex.Match] | Iterator[regex.Match]:
    """Rule ``i``'s matches: confirmed Hyperscan candidates, else the pre-filter path.
    ``timeout``: None when an `engine.Alarm` stops the pass instead."""
    if hits is not None and i in hits[1]:
        plan = hits[0].plans[i]
        cuts = index.cuts(plan.separators) if plan.separators else []
        try:
            return engine.confirm(rule.compiled, plan, hits[1][i], text, cuts,
                                  None if timeout is None else time.perf_counter() + timeout, time.perf_counter)
        except engine.EmptyMatch:
            pass
    return _rule_matches(rule.compiled, rule.scope, text, timeout, index)


def _rule_matches(pattern: regex.Pattern, scope: Scope | None, text: str, timeout: float | None,
                  index: TextIndex) -> Iterator[regex.Match]:
    """A rule's matches, as one `finditer` over the whole text would give them; only the
    parts of the text the rule's pre-filter allows are scanned. `timeout` covers them all
    (None: an `engine.Alarm` does)."""
    ranges = windows(index, scope) if scope else None
    if ranges is None:
        yield from pattern.finditer(text, timeout=timeout)
        return
    deadline = None if timeout is None else time.perf_counter() + timeout
    for pos, endpos in ranges:
        left = None
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("regex timed out")
        yield from pattern.finditer(text, pos, endpos, timeout=left)


@lru_cache(maxsize=256)
def _figure_groups(pattern: regex.Pattern) -> tuple[str, ...]:
    """A pattern's named groups q1, q2 … in the order _pieces reads them (few rules have any)."""
    return tuple(sorted(k for k in pattern.groupindex if _GROUP_NAME.fullmatch(k)))


def _pieces(match: Match) -> list[tuple[int, int]]:
    """The spans that each become a claim: named groups q1, q2 … or the whole match."""
    m = match.m
    if m is not None and (groups := _figure_groups(m.re)):
        spans = [span for g in groups if (span := m.span(g))[0] >= 0]
        if spans:
            # Qualifier words before the first / after the last group belong to them.
            spans[0] = (match.start, spans[0][1])
            spans[-1] = (spans[-1][0], match.end)
            return spans
    return [(match.start, match.end)]


@lru_cache(maxsize=65536)  # the same surfaces (8%, 1万个) recur across documents
def _parse(surface: str, rs: RuleSet) -> tuple[Quantity, ...]:
    return tuple(parse_quantities(surface, rs))


def _parsed(text: str, match: Match, rs: RuleSet) -> tuple[list[tuple[int, int]], list[Quantity | None]]:
    """A claim match's figure spans and their quantities (nothing for other matches)."""
    if match.rule.action != "claim":
        return [], []
    spans = _pieces(match)
    return spans, _quantities(text, spans, rs)


def _quantities(text: str, spans: list[tuple[int, int]], rs: RuleSet) -> list[Quantity | None]:
    if len(spans) == 1:
        qs = _parse(text[spans[0][0]:spans[0][1]], rs)
        return [qs[0] if qs else None]
    joined = _parse(text[spans[0][0]:spans[-1][1]], rs)
    if len(joined) == len(spans):
        return list(joined)
    return [(_parse(text[a:b], rs) or (None,))[0] for a, b in spans]


class _Doc:
    """Per-document state shared by the claims of one document."""

    def __init__(self, original: str, norm: Normalized, struct: Structure, rs: RuleSet, doc: str) -> None:
        self.original = original
        self.norm = norm
        self.text = norm.text
        self.struct = struct
        self.rs = rs
        self.doc = doc
        self.cues = cues_for(rs)
        self._filler_then_plan = _filler_then_plan(self.cues)
        self._may_mark = _may_mark(self.cues)
        self._mark_opens = _mark_opens(self.cues)
        # The offset after each newline, from the lengths of the lines (a match object per line cost twice as much).
        self._line_starts = [0, *accumulate(len(line) + 1 for line in original.split("\n")[:-1])]
        self._lead_years: dict[int, int | None] = {}
        self._framing: dict[int, int | None] = {}
        self.claim_starts: list[int] = []  # starts of the claim matches, set by extract_text
        self.evidence: dict[tuple[int, int], dict[str, str]] | None = None  # for `explain`
        self._markers: dict[int, int] = {}
        self._frames: dict[tuple, tuple[int | None, str, str, str]] = {}
        self._sentences: dict[int, Sentence] = {}  # sentence start -> what its figures share
        self._article_facts: dict[int, tuple[str, bool]] = {}  # article start -> (doc_why, late_in_year)
        self._sentence_texts: dict[int, str] = {}  # sentence start -> sentence_text
        self.places: frozenset[str] = frozenset()  # names the document shows to be places

    def lead_year(self, i: int) -> int | None:
        """The year sentence ``i`` opens with (2020年，…), which frames what follows it;
        worked out on first use, as only sentences near a number are ever asked about."""
        if i not in self._lead_years:
            a, b = self.struct.sentences[i]
            # Nothing _find_lead_year seeks can match where _may_open_mark fails (nearly every sentence).
            self._lead_years[i] = self._find_lead_year(a, b) if self._may_open_mark(a) else None
        return self._lead_years[i]

    def _find_lead_year(self, a: int, b: int) -> int | None:
        """The lead year of the sentence text[a:b], where _may_open_mark(a) passes."""
        m = _LEAD_YEAR.match(self.text, a, b)
        if m:
            return year_value(m.group(1)) or None
        # A plan named as a period at the start (“十四五”时期，…; 到“十四五”末，…), not as a
        # document (“十一五”规划纲要把…).
        plan = self._plan_opening(a, b)
        if plan and self.cues.plan_period_opener.match(self.text, plan[1]):
            return self.cues.plans[self.text[plan[0]:plan[1]]]  # “十四五”时期，… / 到“十四五”末，… frames what follows
        p = a
        while p < b and self.text[p].isspace():
            p += 1
        m = self.cues.relative_re.match(self.text, p)
        art = self.struct.article_at(a)
        if m and art.year:
            return relative_year(m.group(), art.year, art.genre, self.cues)  # 过去五年，… / 今年，…
        return None

    def _may_open_mark(self, a: int) -> bool:
        """Whether _may_mark matches at ``a``; most sentences open with a character no match of
        it can start with, which one look-up tells. Every branch of _may_mark opens with the
        spaces it takes (or fewer), so it is tried after those a sentence opens with (a
        paragraph's indent): the character after them rules out most of these sentences too,
        and the match does not try each split of the spaces between its optional parts."""
        text = self.text
        if text[a:a + 1].isspace():
            a = _SPACES.match(text, a).end()
        return self._mark_opens[text[a:a + 1]] and self._may_mark.match(text, a) is not None

    def _plan_opening(self, a: int, b: int) -> tuple[int, int] | None:
        """The span of the sentence's first plan name when only the opening filler stands before
        it (“十四五”时期…; 到“十四五”末…), else None: the plan the anchored match finds after the
        filler (no plan name starts with a filler character, so none comes before it)."""
        m = self._filler_then_plan.match(self.text, a, b)
        return m.span("plan") if m else None

    def _framing_year(self, i: int) -> int | None:
        """The one year a sentence without figures speaks of (2018年涪城全区经济社会发展取得显著
        成效。): it introduces the figures that follow it in its paragraph."""
        if i not in self._framing:
            a, b = self.struct.sentences[i]
            k = bisect.bisect_left(self.claim_starts, a)
            y = None
            if not (k < len(self.claim_starts) and self.claim_starts[k] < b):
                y = topic_year(self.text[a:b])
                doc_year = self.struct.article_at(a).year
                if y is not None and doc_year is not None and y > doc_year:
                    y = None  # a later year without figures announces a goal; it dates nothing after it
            self._framing[i] = y
        return self._framing[i]

    def _mode(self, i: int, year: int | None) -> str:
        """Whether the frame sentence ``i`` opens is a goal or a result: a deadline it opens with
        (到“十四五”末，…; 到2025年，…) or a year after the article's is a goal, a year before it
        a result; anything else leaves the sentences that follow to their own cues."""
        a, b = self.struct.sentences[i]
        art = self.struct.article_at(a)
        if art.genre == "communique" or year is None or art.year is None:
            return ""  # a communiqué reports results; 围绕年初目标 names no goal of its own
        if _DEADLINE_OPENING.match(self.text, a, b) and year >= art.year:
            return "goal"
        if year != art.year:
            return "goal" if year > art.year else "result"
        return ""

    def sentence_text(self, s0: int, s1: int) -> str:
        """The sentence of the output (simplified, readable), made once for all its figures."""
        t = self._sentence_texts.get(s0)
        if t is None:
            t = self._sentence_texts[s0] = readable(self.norm.simplified[slice(*self.norm.original_span(s0, s1))])
        return t

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset)

    def _marker_at_or_before(self, i: int) -> int:
        """The last sentence at or before ``i`` that opens with a year or a list item (一是…),
        -1 if none; remembered, since every number walks back over the same sentences."""
        walked = []
        while i >= 0:
            if i in self._markers:
                i = self._markers[i]
                break
            walked.append(i)
            a, b = self.struct.sentences[i]
            if self._may_open_mark(a):  # (else neither a lead year nor a list item: most sentences)
                if i not in self._lead_years:
                    self._lead_years[i] = self._find_lead_year(a, b)  # what lead_year(i) gives
                if self._lead_years[i] is not None or _LIST_ITEM.match(self.text, a):
                    break
            i -= 1
        for j in walked:
            self._markers[j] = i
        return i

    def sentence(self, start: int, end: int) -> Sentence:
        """What the figures of the sentence text[start:end] share, made on its first figure."""
        s = self._sentences.get(start)
        if s is None:
            s = self._sentences[start] = Sentence(start, end)
        return s

    def article_facts(self, art: Article) -> tuple[str, bool]:
        """What the figures of an article take from its date: what dated it, and whether late in its year."""
        facts = self._article_facts.get(art.start)
        if facts is None:
            why = f"{art.genre or 'document'} dated by {art.year_evidence}" if art.year_evidence else ""
            facts = self._article_facts[art.start] = (why, _late_in_year(art.date))
        return facts

    def frame(self, pos: int, where: tuple[int, Article, Section | None] | None = None
              ) -> tuple[int | None, str, str, str]:
        """(year, mode, evidence, opening text) of the frame an earlier sentence opened (2020年，…; 到“十四五”
        末，…), carried forward: never across a section heading or a new list item (一是…), and a
        few sentences back at most (web text may hold a whole report on one line). A sentence
        without figures that names one year frames the rest of its paragraph. A headline takes
        the first frame of its article. Mode is "goal", "result" or "". ``where``: the sentence
        index, article and section of ``pos``, when the caller has looked them up."""
        if where is None:
            where = self.struct.sentence_index(pos), self.struct.article_at(pos), self.struct.section_at(pos)
        idx, art, section = where
        floor = max(art.start, section.start if section else 0, pos - 1500)
        para = self.struct.paragraph_at(pos)
        # The walk below reads pos only through these (the floor only against sentence starts),
        # so the figures of one sentence share its answer.
        key = (idx, bisect.bisect_left(self.struct.sentence_starts, floor), para, art.start, section is None,
               pos - art.start < 200)
        found = self._frames.get(key)
        if found is None:
            found = self._frames[key] = self._walk_frame(pos, art, section, floor, idx, para)
        return found

    def _walk_frame(self, pos: int, art: Article, section: Section | None, floor: int, idx: int,
                    para: tuple[int, int]) -> tuple[int | None, str, str, str]:
        i = self._marker_at_or_before(idx - 1)
        para0, para1 = para
        for j in range(idx - 1, max(i, -1), -1):
            a = self.struct.sentences[j][0]
            if a < max(para0, floor):
                break
            if (y := self._framing_year(j)) is not None:
                return y, "", f"sentence without figures: {self._snippet(j)}", self._opening(j)
        if i >= 0 and self.struct.sentences[i][0] >= floor:
            y = self.lead_year(i)  # None when the marker is a list item
            if y is None:
                return None, "", "", ""
            # The year carries on; goal or result only within the paragraph that opened it.
            mode = self._mode(i, y) if self.struct.sentences[i][0] >= para0 else ""
            return y, mode, f"frame opened by: {self._snippet(i)}", self._opening(i)
        headline = para1 - para0 <= 45 and self.text[para0:para1].rstrip()[-1:] not in "。！？!?；;"
        if pos - art.start < 200 and not section and headline:
            for j in range(idx + 1, len(self.struct.sentences)):
                a, _ = self.struct.sentences[j]
                if a >= art.end or a - art.start > 600:
                    break
                if (y := self.lead_year(j)) is not None:
                    return y, "", f"headline: first frame of the article: {self._snippet(j)}", self._opening(j)
        return None, "", "", ""

    def _opening(self, i: int) -> str:
        """Sentence ``i`` up to its first figure: the words that open its frame (过去五年，…)."""
        a, b = self.struct.sentences[i]
        k = bisect.bisect_left(self.claim_starts, a)
        return self.text[a:self.claim_starts[k] if k < len(self.claim_starts) and self.claim_starts[k] < b else b]

    def _snippet(self, i: int) -> str:
        a, b = self.struct.sentences[i]
        t = self.text[a:b].strip()
        return t if len(t) <= 24 else t[:24] + "…"


def extract_text(text: str, doc: str = "-", rules: RuleSet | str | Path | Iterable[str | Path] | None = None,
                 warn: Warn | None = None, progress: Callable[[int, int, int], None] | None = None,
                 evidence: dict[tuple[int, int], dict[str, str]] | None = None) -> list[Claim]:
    """Extract every quantitative claim from one document's decoded text.

    ``rules`` is a loaded RuleSet, or extra rule files/directories (as ``extract``
    takes them) added to the shipped rules. ``progress(done, total, claims)`` is called
    as the text is worked through (characters done of total, claims so far). ``evidence``,
    when given, receives for each claim's (start, end) why its year and target flag were chosen."""
    rs = _as_ruleset(rules)
    if not text:
        return []
    norm = normalize(text)
    struct = analyse(norm.text, rs, doc)
    places = set_article_regions(norm.text, struct.articles, rs)
    d = _Doc(text, norm, struct, rs, doc)
    d.places = places
    d.evidence = evidence
    matches = find_matches(norm.text, rs, warn, doc, claims_only=True)
    d.claim_starts = [m.start for m in matches if m.rule.action == "claim"]
    claims: list[Claim] = []
    figures: list[tuple[Claim, Figure]] = []  # normalised spans, for the attribution pass
    prev: tuple[int, str, int, str] | None = None  # (clause start, kind, sign, unit) of the last claim
    if progress is not None:
        progress(0, len(norm.text), 0)
    # Every figure's numerals parsed in one run before the per-claim work: the parser stays
    # warm in the CPU caches (~50-100 ms less on the national corpus than between the claims).
    parsed = [_parsed(norm.text, m, rs) for m in matches]
    for match, (spans, quantities) in zip(matches, parsed, strict=True):
        if progress is not None:
            progress(match.start, len(norm.text), len(claims))
        if match.rule.action != "claim":
            continue
        unit_word = (match.m.groupdict().get("u") or "") if match.m is not None else ""
        if unit_word and len(spans) == 1 and quantities[0] is None:
            # The unit word (group `u`) is no unit the parser knows (70岁左右): parse without it.
            u0, u1 = match.m.span("u")
            a, b = spans[0]
            if a <= u0 and u1 <= b:
                quantities = [(_parse(norm.text[a:u0] + norm.text[u1:b], rs) or (None,))[0]]
        for idx, (q, (a, b)) in enumerate(zip(quantities, spans, strict=True)):
            claim = _claim(d, match.rule, q, a, b, prev, idx if len(spans) > 1 else None, unit_word)
            if claim is not None:
                claims.append(claim[0])
                figures.append((claim[0], Figure(a, b, claim[0].unit, unit_word)))
                prev = claim[1]
    _attribute(d, figures)
    claims.sort(key=lambda c: (c.start, c.end))
    claims = _with_tables(claims, d)
    if progress is not None:
        progress(len(norm.text), len(norm.text), len(claims))
    return claims


def _with_tables(claims: list[Claim], d: _Doc) -> list[Claim]:
    """Add the claims of table cells (tables.py); a prose claim on a cell gives way to it."""
    from .tables import merge, name_ratio_parts, table_claims

    claims = name_ratio_parts(claims, d.original, d.rs)
    starts = d.norm.starts

    def article_at(orig: int):
        return d.struct.article_at(max(0, min(bisect.bisect_right(starts, orig) - 1, len(d.text) - 1)))

    cells = table_claims(d.original, d.rs, d.doc, article_at, d.line)
    if d.evidence is not None:
        for cell in cells:  # how the cell was read, for `explain`
            d.evidence[(cell.claim.start, cell.claim.end)] = {"table": cell.how}
    return merge(claims, cells)


def _as_ruleset(rules: RuleSet | str | Path | Iterable[str | Path] | None) -> RuleSet:
    """A RuleSet from what the API accepts: a RuleSet, None (the shipped rules), or rule
    files/directories loaded after the shipped rules."""
    if rules is None:
        return default_ruleset()
    if isinstance(rules, RuleSet):
        return rules
    from .rules import cached_ruleset

    paths = [rules] if isinstance(rules, str | Path) else list(rules)
    return cached_ruleset(tuple(str(p) for p in paths))


def _attribute(d: _Doc, figures: list[tuple[Claim, Figure]]) -> None:
    """Metric, subject and per-N unit of every claim, one sentence at a time (attribute.py)."""
    by_sentence: dict[tuple[int, int], list[tuple[Claim, Figure]]] = {}
    for c, f in figures:
        by_sentence.setdefault(d.struct.sentence_at(f.start), []).append((c, f))
    for (s0, s1), items in by_sentence.items():
        items.sort(key=lambda t: t[1].start)
        for (c, _), att in zip(items, attribute_sentence(d.text, s0, s1, [f for _, f in items], d.rs), strict=True):
            c.metric, c.subject, c.unit = att.metric, att.subject, att.unit


@derived
def _counted_with_ge(rs: RuleSet) -> frozenset[str]:
    """Base units written with the classifier 个 in front (个工作日, 个月, 个百分点)."""
    return frozenset(base for word, (base, _) in rs.units.items() if word.startswith("个") and len(word) > 1)


def _unit_word(rs: RuleSet, word: str) -> str:
    """The unit a rule's named group `u` stands for (6069万农民 → 人)."""
    if not word:
        return ""
    return rs.data.get("count_nouns", {}).get(word) or rs.units.get(word, ("", 1.0))[0]


def _claim(d: _Doc, rule: Rule, q: Quantity | None, a: int, b: int,
           prev: tuple[int, str, int, str] | None, order: int | None,
           match_unit: str = "") -> tuple[Claim, tuple[int, str, int, str]] | None:
    if q is None:
        return None
    unit = q.unit or _unit_word(d.rs, match_unit) or rule.unit
    if not unit or not math.isfinite(q.value):
        return None
    text = d.text
    cues = d.cues
    si = d.struct.sentence_index(a)
    s0, s1 = d.struct.sentences[si]
    sentence = d.sentence(s0, s1)
    c0 = clause_start(text, s0, a)
    clause_prefix = text[c0:a]
    prev_kind = (prev[1], prev[2]) if prev and (prev[0] == c0 or order == 1) else None
    kind, sign = kind_and_sign(clause_prefix, unit, rule.kind or q.kind, cues, prev_kind, text[s0:a], order == 1,
                               text[b:b + 4])
    qualifier = rule.qualifier or q.qualifier
    if qualifier == "exact":
        qualifier = qualifier_from_context(text, c0, a, cues) or pair_qualifier(text, b, cues, d.rs) or "exact"
    # 从X提高到Y: which end of the pair this number is.
    from_to = None
    if order is None and ("从" in clause_prefix or "由" in clause_prefix):  # what both patterns open with
        after = _REST_OF_CLAUSE.match(text, pos=b).group()
        if _FROM_BEFORE.search(clause_prefix) and ("到" in after or "至" in after):
            from_to = 0
        elif _FROM_TO_BEFORE.search(clause_prefix):
            from_to = 1
    section = d.struct.section_at(a)
    article = d.struct.article_at(a)
    frame_year, frame_mode, frame_why, frame_opening = d.frame(a, (si, article, section))
    doc_why, late_in_year = d.article_facts(article)
    frame = Frame(
        sentence=(s0, s1),
        clause_start=c0,
        doc_year=article.year,
        section_year=section.year if section else None,
        section_mode=section.mode if section else "",
        paragraph_year=frame_year,
        paragraph_mode=frame_mode,
        paragraph_why=frame_why,
        period_text=frame_opening + "\n" + (section.heading if section else ""),
        doc_why=doc_why,
        early_in_year=article.early,
        assumed_review=bool(section and not section.heading),
        number_end=b,
        genre=article.genre,
        late_in_year=late_in_year,
        mentions=sentence.mentions(text, cues, article.year, article.genre),
    )
    if from_to == 1 and prev and prev[0] == c0:
        if prev[3].startswith(unit + "/"):
            unit = prev[3]  # 从每月70元提高到88元: the rate's unit carries to the end value
        elif unit == "个" and prev[3] in _counted_with_ge(d.rs):
            unit = prev[3]  # 从110个工作日压减至13个: the bare 个 stands for 个工作日
    year = year_of(text, a, frame, cues, from_to, kind)
    target = rule.target if rule.target is not None else is_target(text, a, frame, year, cues)
    if rule.target is not None:
        frame.target_why = f"rule {rule.id} sets target: {str(rule.target).lower()}"
    if from_to == 0 and not frame.year_stated:
        target = False  # the starting point of a change (从…提高到…) is where things stood
        frame.target_why = "the start of a from–to is where things stood"
    if target and (frame.year_from_doc and not frame.early_in_year or frame.assumed_review and not frame.year_stated):
        year = None  # a goal with no year of its own: the document's date does not say when
        frame.year_why = "a goal that names no year: the document's date does not say when"
    value = q.value * sign if kind == "growth" else q.value
    oa, ob = d.norm.original_span(a, b)
    if d.evidence is not None:
        d.evidence[(oa, ob)] = {"year": frame.year_why, "target": frame.target_why}
    surface = d.original[oa:ob]
    claim = Claim(
        doc=d.doc,
        doc_date=article.date,
        start=oa,
        end=ob,
        line=d.line(oa),
        text=surface,
        value=_clean(value),
        unit=unit,
        qualifier=qualifier,
        kind=kind,
        target=bool(target),
        year=year,
        region=clause_region(text, c0, a, article.region, d.rs, d.places, s0),
        metric="",  # metric and subject: attribute.py reads the whole sentence (_attribute)
        subject="",
        sentence=d.sentence_text(s0, s1),
        rule=rule.id,
    )
    return claim, (c0, kind, sign, unit)


def _late_in_year(date: str) -> bool:
    """Dated in November or December (2018-12-25): a year-end report speaks of a year nearly over."""
    return len(date) >= 7 and date[5:7].isdigit() and int(date[5:7]) >= 11


def _clean(v: float) -> float:
    """Round away binary noise (0.1 * 3) so output is stable and readable."""
    if v.is_integer() and -1e12 < v < 1e12:
        return float(v)  # what the rounding below gives a whole number of at most 12 digits (~3/4 of all)
    r = round(v, 6)
    return float(f"{r:.12g}")


def explain_text(text: str, rules: RuleSet | None = None) -> tuple[str, list[Match]]:
    """The normalised text and every match (claims and skips), for `govmetrics explain`."""
    rs = rules or default_ruleset()
    norm = normalize(text)
    return norm.text, find_matches(norm.text, rs)


__all__ = ["extract_text", "explain_text", "find_matches", "normalize"]
