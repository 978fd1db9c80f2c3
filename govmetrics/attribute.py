"""Which indicator each figure measures: read a sentence once, left to right, into
subjects and the figures that belong to them.

The decisions, in the order they are weighed for one figure (README "How a metric is chosen"):

1. The words since the previous figure, in the figure's own clause, name its subject: the
   longest catalogue name there (单位国内生产总值能耗, not 国内生产总值), read in a shadow of
   the sentence without parentheticals and footnote marks (规模以上工业(以下口径相同)增加值,
   规模以上工业[3]增加值), where a scope and a measure separated by filler words compose a name
   (规模以上工业企业实现增加值 → 规模以上工业增加值). X占Y的比重 measures X.
2. A scope alone (其中规模以上工业增长B%, 农村居民19669元) takes the measure of the subject in
   force; coordinated subjects before 分别 (第一、二、三产业增加值, 城镇和农村居民人均可支配收入)
   complete each other and go to the figures one by one.
3. A clause that names something of its own that the catalogue does not know (集聚风险投资
   机构超500家, 新增市场主体, 97户适老性改造) gets no metric: nothing carries over into it.
4. A clause that names nothing (,增长4.5%; 总量突破90万亿元) inherits the subject in force:
   the previous figure's, or one named in an earlier clause of the sentence.

Per-N denominators (每千人口…6.5张 → 张/千人) are decided here too, as they are read off the
same clause. The vocabulary is YAML (rules/subjects.yaml, the catalogue in rules/metrics.yaml).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import regex

from .catalogue import alias_alternation
from .context import CLAUSE_BREAKS, clause_start
from .memo import remembered
from .patterns import alternation, compiled, compiled_re, shared_char, word_search
from .rules import RuleSet, derived

# Parentheticals and footnote marks that may split a name (规模以上工业(以下口径相同)增加值,
# 规模以上工业[3]增加值, 增加值①): structure of the text, not vocabulary.
_ASIDE = compiled(r"\([^()]{0,40}\)|\[[^\[\]]{0,6}\]|〔[^〔〕]{0,6}〕|[\u2460-\u2473\u00b9\u00b2\u00b3\u2070-\u2079]")
# The characters an aside begins with: most sentences hold none. Plain character classes are
# searched ~3x faster by the standard library's engine than by `regex`.
_ASIDE_OPEN = compiled_re("[(\\[〔\u2460-\u2473\u00b9\u00b2\u00b3\u2070-\u2079]")
_YEARS_PUNCT = compiled(r"(?:1[89]|20)\d\d年(?:底|末|初)?|[^\p{Han}A-Za-z0-9]")
# (The standard library's: see _ASIDE_OPEN.) The marks of context.clause_start: a clause's start
# is read off a split by them (attribute_sentence's c0).
_CLAUSE_BREAK = compiled_re(f"[{CLAUSE_BREAKS}]")
# A text without one of these holds no _NOISE match: a character that is no Latin letter, not
# of the CJK block (all of it \p{Han}: tested) and no 、, or the Han words of a date (一九五二,
# 第一季度, 上半年). Most clauses hold none, and this search costs a third of a `regex` call. (A class
# of the words' first characters let through 比上年, 一是, 、: ~half the clauses searched, nearly all
# with nothing to take out.)
_NOISE_IN = compiled_re("[^A-Za-z\u4e00-\u9fff、]|[一二三四五六七八九〇零○]{4}|[一二三四]季度|[上下]半年")
_NOISE = compiled(r"(?:(?:(?:1[89]|20)\d\d|[一二三四五六七八九〇零○]{4})(?:年(?:底|末|初|全年)?)?(?:到|至)?|\d+月份?|第?[一二三四]季度|上半年|下半年|[^\p{Han}A-Za-z0-9、])")
_DIGIT = compiled(r"\d")
_YEAR_WORD = compiled(r"(?:(?:1[89]|20)\d\d|[一二三四五六七八九〇零○]{4})年(?:底|末|初|全年)?")
_NUMERAL = compiled(r"\d|[一二两三四五六七八九十百千万]{2,}")
_HAN = compiled(r"\p{Han}")
_POSSESSIVE = compiled(r"[^的]{0,4}的")  # X的Y: up to four characters, then 的
_HAN_RUN = compiled(r"[\p{Han}A-Za-z]+?(?=[、和及与]|[^\p{Han}A-Za-z]|$)")


_PER = "每"  # what vocab.per_n_re opens with (每千人口)
_ASCII_BEFORE = compiled(r"[A-Za-z0-9.]")  # the boundaries of catalogue.alias_alternation
_ASCII_AFTER = compiled(r"[A-Za-z0-9]")


def _lengths_by_prefix(aliases: dict[str, str]) -> dict[str, tuple[int, ...]]:
    """The lengths of the aliases that begin with each two characters, longest first, with 1
    when the first character is an alias itself (a one-character alias is a key of its own too):
    the lengths to try at a position are one look-up."""
    lens: dict[str, set[int]] = {}
    for a in aliases:
        if a:
            lens.setdefault(a[:2], set()).add(len(a))
    for k, ls in lens.items():
        if len(k) == 2 and k[0] in lens:
            ls.add(1)
    return {k: tuple(sorted(ls, reverse=True)) for k, ls in lens.items()}


def _completions(aliases: dict[str, str], tails: tuple[str, ...], heads: tuple[str, ...]) -> dict[str, str]:
    """Short form -> the catalogue name it completes to with a standard tail or head (进口 →
    进口总额, 死亡率 → 人口死亡率): the first that is a name of the tails, then the heads, in
    their order. Only the forms some name is made of can complete."""
    forms = {a[:len(a) - len(t)] for a in aliases for t in tails if a.endswith(t) and len(a) > len(t)}
    forms |= {a[len(h):] for a in aliases for h in heads if a.startswith(h) and len(a) > len(h)}
    out: dict[str, str] = {}
    for s in forms:
        for cand in itertools.chain((s + t for t in tails), (h + s for h in heads)):
            if cand in aliases:
                out[s] = cand
                break
    return out


def _aliases_of(aliases: dict[str, str]) -> dict[str, list[str]]:
    """Metric id -> its aliases in catalogue order, in one pass (a scan of all aliases per id
    cost ~25 ms at every start)."""
    out: dict[str, list[str]] = {}
    for a, mid in aliases.items():
        out.setdefault(mid, []).append(a)
    return out


@dataclass(frozen=True)
class TailWords:
    """A tail of a text made of some words, any number of them: ``(?:w1|w2…)+$``. The pattern
    tried at every position was the cost of trimming a subject; ``strip`` walks back from the
    end over the words instead (by their last character)."""

    by_last: dict[str, tuple[str, ...]]  # last character -> the words that end with it

    @classmethod
    def of(cls, words: list[str]) -> TailWords:
        by_last: dict[str, list[str]] = {}
        for w in dict.fromkeys(words):
            if w:
                by_last.setdefault(w[-1], []).append(w)
        return cls({k: tuple(ws) for k, ws in by_last.items()})

    def strip(self, text: str) -> str:
        """``regex.sub("(?:w1|w2…)+$", "", text)``: the text without the longest tail made of the
        words (before a final newline, where ``$`` matches too; the texts trimmed hold none)."""
        last = text[-1:]
        if last not in self.by_last:
            if last == "\n" and text[-2:-1] in self.by_last:
                # ``$`` matches before a final newline too (the texts trimmed hold none: no cost)
                return self.strip(text[:-1]) + last
            return text  # no word ends where the text does
        cut = len(text)
        todo, seen = [cut], {cut}
        while todo:  # every position from which the rest is made of words
            q = todo.pop()
            for w in self.by_last.get(text[q - 1:q], ()):
                if text.endswith(w, 0, q) and q - len(w) not in seen:
                    seen.add(q - len(w))
                    todo.append(q - len(w))
                    cut = min(cut, q - len(w))
        return text[:cut]


@dataclass(frozen=True)
class Figure:
    """A number to attribute: its span in the normalised text and its unit."""

    start: int
    end: int
    unit: str
    counted: str = ""  # the counted noun a rule took as the unit (6069万农民)


@dataclass
class Attribution:
    metric: str
    subject: str
    unit: str


class Subj(NamedTuple):  # (a tuple: made ~3x faster than a frozen dataclass, ~7k per corpus)
    metric: str
    name: str  # the subject phrase as the text words it
    canon: str = ""  # the catalogue name it was read as (for composing scope + measure)


@dataclass(eq=False, repr=False)  # one per rule set: no generated methods it never uses
class Vocab:
    alias_re: regex.Pattern
    alias_to_metric: dict[str, str]
    scope_re: regex.Pattern
    scope_firsts: frozenset[str]  # what the scopes begin with
    scope_lasts: frozenset[str]  # … and end with
    filler_re: regex.Pattern
    any_filler_re: re.Pattern  # one filler word anywhere: the clauses without one compose no name
    pairs: dict[str, list[str]]
    pairs_re: regex.Pattern
    respectively_re: re.Pattern
    coord_re: regex.Pattern
    share_of_re: regex.Pattern
    share_of_not: tuple[str, ...]
    per_head_re: re.Pattern
    all_re: re.Pattern
    contribution_re: regex.Pattern
    ratio_re: re.Pattern
    share_form: tuple[str, ...]
    noun_break_re: regex.Pattern
    completions: dict[str, str]  # short form -> the catalogue name (_completions)
    object_verbs_re: regex.Pattern
    generic_re: regex.Pattern
    generic_firsts: frozenset[str]  # what the generic words begin with
    flow_ids: frozenset[str]  # ids with a flow alias (新建高标准农田): their flows are theirs
    sub_series_re: re.Pattern
    share_whole_re: regex.Pattern
    modifier_re: re.Pattern
    adverbial_re: re.Pattern
    extension_re: re.Pattern
    abbrev: dict[str, str]
    not_after_re: regex.Pattern
    trim_head: regex.Pattern
    trim_head_firsts: frozenset[str]  # what the words of trim_head begin with (most texts begin otherwise)
    trim_tail: TailWords
    display_tail: TailWords  # the subject's own words keep 增速, 比重 (一季度GDP增速)
    comparison_re: re.Pattern
    generic: frozenset[str]
    per_n_re: regex.Pattern
    per_n_nouns: dict[str, str]
    per_n_plain: frozenset[str]
    per_n_change_re: regex.Pattern
    per_head_ids: frozenset[str]  # series measured per head (人均可支配收入): a per-head word keeps them
    aliases_of: dict[str, list[str]]
    possessed_modifier_re: regex.Pattern
    # A character every match of the pattern holds ('' when none: no gate): a clause without
    # it is not searched (most clauses hold none).
    share_of_char: str
    contribution_char: str
    ratio_char: str
    by_prefix: dict[str, list[str]] = field(default_factory=dict)  # scope -> aliases that start with it
    # first two characters (one, for a one-character alias) -> the lengths of the aliases there,
    # a one-character alias's 1 included (_lengths_by_prefix)
    alias_lens: dict[str, tuple[int, ...]] = field(default_factory=dict)
    alias_firsts: frozenset[str] = frozenset()  # the characters an alias begins with
    # Memos of clause text (_trimmed, _names): clauses recur within a document and across
    # documents (比上年增长), and a clause is read several times per figure and per sentence.
    # Kept on the vocabulary, so they go with it (a rule set thrown away frees them), bounded
    # (memo.remembered), and never pickled with the rule set (__getstate__).
    trimmed_memo: dict[str, str] = field(default_factory=dict, repr=False)
    names_memo: dict[str, tuple[tuple[int, int, str, str], ...]] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict:
        # Kept on disk with the rule set (rules.derived): the memos are document text and stay behind.
        return {k: {} if k.endswith("_memo") else x for k, x in self.__dict__.items()}


@derived
def vocab_for(rs: RuleSet) -> Vocab:
    c = rs.data.get("cues", {})
    alias: dict[str, str] = {}
    for mid, names in rs.data.get("metrics", {}).items():
        for a in names if isinstance(names, list) else []:
            alias[str(a)] = mid  # a later file's alias wins: user rules come last
    scopes = tuple(sorted(set(c.get("scopes", [])), key=len, reverse=True))
    by_prefix = {s: sorted((a for a in alias if a.startswith(s) and a != s), key=len, reverse=True) for s in scopes}
    pairs = {k: list(v) for k, v in (c.get("scope_pairs") or {}).items()}
    nouns = {str(k): str(v) for k, v in (c.get("per_n_nouns") or {}).items()}
    mags = c.get("per_n_magnitudes", []) or ["千"]
    head_words = (c.get("subject_trim_head", []) + c.get("target", []) + list(rs.data.get("relative_years", {}))
                  + c.get("time_words", []))
    return Vocab(
        alias_re=compiled(alias_alternation(alias)),
        alias_lens=_lengths_by_prefix(alias),
        alias_firsts=frozenset(a[0] for a in alias if a),
        alias_to_metric=alias,
        scope_re=compiled(alternation(list(scopes))),
        scope_firsts=frozenset(x[0] for x in scopes if x),
        scope_lasts=frozenset(x[-1] for x in scopes if x),
        filler_re=compiled(f"(?:{alternation(c.get('name_fillers', []))})*"),
        any_filler_re=word_search(c.get("name_fillers", [])),
        pairs=pairs,
        pairs_re=compiled(alternation(list(pairs))),
        respectively_re=word_search(c.get("respectively", [])),
        coord_re=compiled(alternation(c.get("coordinators", []))),
        share_of_re=compiled(alternation(c.get("share_of", []))),
        share_of_not=tuple(c.get("share_of_not", [])),
        extension_re=word_search(c.get("name_extensions", [])),
        modifier_re=re.compile(f"(?:{alternation(c.get('series_modifiers', []), re.escape)})$"),
        share_whole_re=compiled(
            f"(?:{alternation(c.get('share_whole_open', []))})[^,，]*?(?:{alternation(c.get('share_whole_close', []))})$"
        ),
        sub_series_re=word_search(c.get("sub_series", [])),
        flow_ids=frozenset(mid for a, mid in alias.items() if any(a.startswith(m) for m in c.get("series_modifiers", []))),
        generic_re=compiled(alternation(c.get("generic_subjects", []))),
        generic_firsts=frozenset(w[0] for w in c.get("generic_subjects", []) if w),
        completions=_completions(alias, tuple(c.get("completion_tails", [])), tuple(c.get("completion_heads", []))),
        object_verbs_re=compiled(f"^(?:{alternation(c.get('object_verbs', []))})"),
        noun_break_re=compiled(alternation(c.get("noun_breaks", []))),
        contribution_re=compiled(
            f"^(?:{alternation(c.get('contribution_open', []))}).*(?:{alternation(c.get('contribution_heads', []))})"
        ),
        ratio_re=re.compile(
            f"(?:{alternation(c.get('ratio_open', []), re.escape)})(.+?)(?:{alternation(c.get('ratio_close', []), re.escape)})"
        ),
        share_form=tuple(c.get("ratio_as_share", ["占", "比重"]))[:2],
        all_re=word_search(c.get("all_words", [])),
        adverbial_re=re.compile(f"^(?:{alternation(c.get('adverbial_starts', []), re.escape)})"),
        per_head_re=word_search(c.get("per_head_words", [])),
        abbrev={str(k): str(x) for k, x in (c.get("scope_abbreviations") or {}).items()},
        not_after_re=compiled(
            alternation(c.get("not_counted_after", []) + c.get("growth_up", []) + c.get("growth_down", [])
                 + c.get("target", []) + c.get("result", []))
        ),
        trim_head=compiled("^(?:" + alternation(head_words) + ")+"),
        trim_head_firsts=frozenset(w[0] for w in head_words if w),
        display_tail=TailWords.of(c.get("subject_trim_tail", [])),
        trim_tail=TailWords.of(
            c.get("subject_trim_tail", []) + c.get("growth_up", []) + c.get("growth_down", [])
            + c.get("growth_context", []) + c.get("level_after_change", []) + c.get("target", [])
            + list(rs.data.get("relative_years", {})) + c.get("time_words", [])
        ),
        comparison_re=re.compile(f"^(?:{alternation(c.get('comparison_starts', []), re.escape)})"),
        generic=frozenset(c.get("generic_subjects", [])),
        per_n_re=compiled(f"{_PER}({alternation(mags)})(?:名|个|位)?({alternation(list(nouns))})"),
        per_n_nouns=nouns,
        per_n_plain=frozenset(c.get("per_n_plain_units", [])),
        per_n_change_re=compiled(f"^(?:{alternation(c.get('per_n_change_starts', []))})"),
        per_head_ids=frozenset(mid for a, mid in alias.items() if any(w in a for w in c.get("per_head_words", []))),
        share_of_char=shared_char(c.get("share_of", [])),
        contribution_char=shared_char(c.get("contribution_open", [])),
        ratio_char=shared_char(c.get("ratio_close", [])),
        possessed_modifier_re=compiled(f"^(?:{alternation(c.get('possessed_modifiers', []))})"),
        aliases_of=_aliases_of(alias),
        by_prefix=by_prefix,
    )


class _Shadow:
    """The sentence without parentheticals and footnote marks that hold no figure, with a
    map from each shadow position back to the text (by the runs of text kept)."""

    def __init__(self, text: str, s0: int, s1: int, figures: list[Figure]) -> None:
        # (shadow position, words) of each parenthetical taken out (常住人口城镇化率)
        self.asides: list[tuple[int, str]] = []
        pieces: list[str] = []
        self._starts: list[int] = []  # the text start of each run kept, ascending
        self._ends: list[int] = []  # … its end
        self._shadow: list[int] = []  # … and its start in the shadow
        n = 0  # the shadow's length so far
        kept = s0  # the end of the text copied so far
        for m in _ASIDE.finditer(text, s0, s1) if _ASIDE_OPEN.search(text, s0, s1) else ():
            a, b = m.span()
            if not any(f.start < b and a < f.end for f in figures):
                self.asides.append((n + a - kept, m.group()[1:-1]))
                pieces.append(text[kept:a])
                n = self._run(kept, a, n)
                kept = b
        pieces.append(text[kept:s1])
        self._run(kept, s1, n)
        self.text = "".join(pieces)

    def _run(self, a: int, b: int, n: int) -> int:
        if b > a:
            self._starts.append(a)
            self._ends.append(b)
            self._shadow.append(n)
        return n + b - a

    def at(self, p: int) -> int:
        """Shadow index of text position ``p`` (kept positions only; else the next kept one):
        how many kept positions lie before it."""
        k = bisect.bisect_right(self._starts, p) - 1
        if k < 0:
            return 0
        return self._shadow[k] + min(p - self._starts[k], self._ends[k] - self._starts[k])

    def spans(self, figures: list[Figure]) -> list[tuple[int, int]]:
        """The shadow span of each figure: ``at`` of its ends."""
        if len(self._starts) == 1:
            # One run kept (nothing taken out: most sentences): ``at`` is a shift within it.
            s, e, z = self._starts[0], self._ends[0], self._shadow[0]
            if figures and figures[0].start >= s and all(f.end <= e for f in figures):  # (in order)
                return [(z + f.start - s, z + f.end - s) for f in figures]
        return [(self.at(f.start), self.at(f.end)) for f in figures]


def attribute_sentence(text: str, s0: int, s1: int, figures: list[Figure], rs: RuleSet) -> list[Attribution]:
    """Metric, subject and unit of each figure of the sentence ``text[s0:s1]`` (figures in order)."""
    v = vocab_for(rs)
    sh = _Shadow(text, s0, s1, figures)
    st = sh.text
    spans = sh.spans(figures)
    out: list[Attribution] = []
    governing: list[Subj] = []  # the subject(s) in force
    turn = 0  # which of several coordinated subjects the next figure takes
    history: list[Subj] = []  # the subject each figure so far was given
    prev_end = 0
    parens = "(" in st  # (else no figure stands in one)
    for k, (f, (a, b)) in enumerate(zip(figures, spans, strict=True)):
        lead = st[prev_end:a]
        if ")" in lead and "(" not in lead[: lead.rfind(")")]:
            lead = lead[lead.rfind(")") + 1:]  # the rest of a parenthetical the last figure stood in
        in_paren = parens and st.rfind("(", 0, a) > st.rfind(")", 0, a)
        clauses = _CLAUSE_BREAK.split(lead)
        own_clause = clauses[-1]
        new_clause = len(clauses) > 1 or k == 0
        # Inside a parenthetical (按年平均汇率折算为4883美元) only a catalogue name is news.
        aside = own_clause.rfind("(") > own_clause.rfind(")")
        found = _resolve(own_clause, governing, v, named_only=aside and bool(governing))
        if found is None:
            # Nothing named in the figure's own clause: an earlier clause without a figure
            # may name it (国内生产总值,按可比价格计算,增长6.6%); one that names nothing in the
            # catalogue (扣除价格因素) is an aside, unless nothing else is in force.
            for cl in reversed(clauses[:-1]):
                if _DIGIT.search(_noise_free(cl)):
                    # 生猪出栏278040头: a name with a number the rules left out is that number's;
                    # a growth right after it (…45.6万头,增长8.2%) is of that name too.
                    if v.respectively_re.search(own_clause):
                        continue
                    num = _NUMERAL.search(_YEAR_WORD.sub("", cl))
                    head = _YEAR_WORD.sub("", cl)[: num.start()] if num else ""
                    found = _resolve(head, governing, v)
                    break
                found = _resolve(cl, governing, v, named_only=bool(governing))
                if found is not None:
                    break
        # The clause's start: after the last break in the words read, if they hold one.
        c0 = a - len(own_clause) if len(clauses) > 1 else clause_start(st, 0, a)
        named = [w for p, w in sh.asides if c0 <= p <= a and w in v.alias_to_metric] if sh.asides else None
        if named:
            # 占常住人口比重(常住人口城镇化率)为62.51%: the parenthetical names the indicator.
            found = [Subj(v.alias_to_metric[named[-1]], named[-1], named[-1])]
        after = st[b:b + 24]
        counted = _counted_after(after, f, v)
        resp = bool(v.respectively_re.search(own_clause))
        if found is not None and len(found) > 1 and len(found) != _figures_in_clause(spans, k, st):
            if _figures_in_clause(spans, k, st) == 1 and not resp:
                found = found[:1]  # 二氧化硫、氮氧化物排放量要下降3%: one figure for both, the first named
            else:
                # As many subjects as figures, or the coordination was misread: none rather than a wrong one.
                found = [Subj("", x.name) for x in found]
        if (found is not None and len(found) == 1 and found[0].metric and governing
                and v.sub_series_re.search(lead) and found[0].metric == governing[-1].metric):
            # 农民工2.53亿人…,其中,外出农民工1.59亿人: a part under 其中 is not the whole's series.
            found = [Subj("", found[0].name)]
        if in_paren:
            outer = _resolve(lead[: lead.rfind("(")], governing, v) if "(" in lead else None
            if outer is not None and any(x.metric for x in outer):
                governing, turn = outer, 0  # 完成固定资产投资(500万元以上项目)862.3亿元: named before the aside
            # A figure inside a parenthetical (500万元以上项目, 折算为4883美元) is an aside: it
            # leaves the subject in force as it was.
            aside_subj = counted if counted is not None else (found[0] if found else None)
            if aside_subj is None:
                aside_subj = governing[min(turn, len(governing) - 1)] if governing else Subj("", "")
            per = _per_n_phrases(st[c0:a], v)
            out.append(Attribution(aside_subj.metric, aside_subj.name[-30:], _per_n_unit(per, f.unit, v)))
            prev_end = b
            continue
        if found is not None and (not counted or found[0].metric):
            governing, turn = found, 0
        elif counted is not None:
            governing, turn = [counted], 0
        elif found is None and v.all_re.search(own_clause) and len(_distinct(history)) > 1:
            # 原煤产量…,原油…,都比上年增长8%: one figure said of all, the first named.
            governing, turn = _distinct(history)[:1], 0
        elif resp and len(governing) == 1 and _figures_in_clause(spans, k, st) > 1:
            # 第一产业增加值a亿元,第二产业增加值b亿元,…,分别增长x%、y%: the subjects of the
            # figures before, in their order.
            n = _figures_in_clause(spans, k, st)
            recent = _distinct(history)
            # Too few subjects before (a figure the rules do not claim): none rather than a wrong one.
            # One subject for all the figures before (香洲、金湾和斗门…地区生产总值a、b、c): it stays.
            if len(recent) < n:
                # 发生安全生产事故3起,死亡4人,同比分别下降50%、42.9%: a figure the rules leave out
                # still has its clause; the clauses with numbers before give the subjects.
                numbered = _numbered_clauses(st[:c0], v)
                if len(numbered) >= n:
                    recent = numbered
            if len(recent) >= n and len(recent) > 1:
                governing, turn = recent[-n:], 0
            elif len(recent) > 1:
                governing, turn = [Subj("", "")], 0  # too few subjects before: none rather than a wrong one
        elif new_clause and len(governing) > 1:
            # 分别为X和Y,(分别)增长a和b: the list starts again in a new clause with several figures.
            many = resp or _figures_in_clause(spans, k, st) > 1
            if not many:
                governing, turn = [Subj("", governing[-1].name)], 0
            else:
                turn = 0
        if not governing:
            subj = Subj("", "")
        else:
            subj = governing[min(turn, len(governing) - 1)]
            turn += 1
        words = st[c0:a]  # the figure's clause up to it
        unit = f.unit
        per = _per_n_phrases(words, v)
        if per:  # 每千人口…: a rate per N (else neither the subject nor the unit changes)
            subj = _per_n_series(subj, per, v)
            unit = _per_n_unit(per, f.unit, v)
        history.append(subj)
        if out and unit == f.unit and out[-1].unit.startswith(unit + "/") and v.per_n_change_re.match(words.strip()):
            unit = out[-1].unit  # 每百户…21.5辆，比2007年增加15.5辆: the change of that rate (辆/百户)
        out.append(Attribution(subj.metric, subj.name[-30:], unit))
        # The noun a figure counts is its own: the next figure's words start after it.
        prev_end = b + (len(counted.name) if counted is not None and not f.counted and governing == [counted] else 0)
    return out


def _per_n_phrases(words: str, v: Vocab) -> list[regex.Match]:
    """The per-N phrases (每千人口) in ``words``, in order: none without 每 (nearly every clause)."""
    return list(v.per_n_re.finditer(words)) if _PER in words else []


def _per_n_series(subj: Subj, per_n: list[regex.Match], v: Vocab) -> Subj:
    """每千人口拥有执业医师3.4人、注册护士3.9人: every item under a per-N phrase (the first of
    ``per_n``, _per_n_phrases of the words before the figure) is a rate, the catalogue's
    每千人口注册护士数 or no id (not 注册护士)."""
    if not subj.metric or subj.canon.startswith("每") or not per_n:
        return subj
    per = per_n[0].group()
    for cand in (per + subj.canon + "数", per + subj.canon):
        if cand in v.alias_to_metric:
            return Subj(v.alias_to_metric[cand], cand, cand)
    return Subj("", per + subj.canon)


def _numbered_clauses(text: str, v: Vocab) -> list[Subj]:
    """The subject of each clause of ``text`` that holds a number (claimed or not): the words
    before its first number."""
    out: list[Subj] = []
    for cl in _CLAUSE_BREAK.split(text):
        cl = _YEAR_WORD.sub("", cl)
        m = _NUMERAL.search(cl)
        if not m:
            continue
        found = _resolve_any(cl[:m.start()], out, v) or [Subj("", "")]
        out.append(found[-1])
    return out


def _distinct(history: list[Subj]) -> list[Subj]:
    """The subjects of the figures so far, each run of one subject once."""
    return [s for i, s in enumerate(history) if i == 0 or s != history[i - 1]]


def _figures_in_clause(spans: list[tuple[int, int]], k: int, st: str) -> int:
    """How many figures share figure ``k``'s clause from it on."""
    n = 1
    for j in range(k + 1, len(spans)):
        if _CLAUSE_BREAK.search(st, spans[j - 1][1], spans[j][0]):
            break
        n += 1
    return n


def _counted_after(after: str, f: Figure, v: Vocab) -> Subj | None:
    """The noun a figure counts, right after it (完成301张养老床位建设, 97户适老性改造)."""
    if f.counted:
        return Subj(v.alias_to_metric[f.counted], f.counted) if f.counted in v.alias_to_metric else None
    if f.unit in v.per_n_plain or not _han(after[:1]) or v.not_after_re.match(after):
        return None  # (most figures are followed by punctuation: the first test that fails)
    m = _HAN_RUN.match(after)
    if not m:
        return None
    noun = m.group()
    cut = v.noun_break_re.search(noun, 1)
    if cut:
        noun = noun[: cut.start()]  # 86家规模以上工业企业实现增加值: the noun ends at the verb
    verb = v.object_verbs_re.match(noun)  # 4.56万人享受城市最低生活保障: the object names it
    obj = noun[verb.end():] if verb else noun
    a = _alias_at(obj, 0, v)
    if a:
        return Subj(v.alias_to_metric[a], noun, a)
    done = _completed(obj, v)
    if done is not None and verb:
        return Subj(done.metric, noun, done.canon)
    return Subj("", noun, noun)


def _noise_free(s: str) -> str:
    """``_NOISE.sub("", s)``, not tried on a text that holds no match (_NOISE_IN)."""
    return _NOISE.sub("", s) if _NOISE_IN.search(s) else s


def _years_punct_free(s: str) -> str:
    """``_YEARS_PUNCT.sub("", s)``, not tried on a text that holds no match: its matches begin
    with a digit or a character of its class, which _NOISE_IN's class holds too, but for 、.
    (One gate: compiling a class of this size costs ~1.5 ms per process.)"""
    return _YEARS_PUNCT.sub("", s) if _NOISE_IN.search(s) or "、" in s else s


@lru_cache(maxsize=4096)
def _han(ch: str) -> bool:
    """``_HAN.match(ch)``, per character (most are punctuation: a `regex` call each)."""
    return _HAN.match(ch) is not None


def _clean(s: str, v: Vocab) -> str:
    """The words of a clause without years, punctuation, verbs and other trimmings."""
    return _trimmed(_noise_free(s), v)


def _trimmed(plain: str, v: Vocab) -> str:
    """``_clean`` of a clause without years and punctuation (``_NOISE`` taken out), remembered
    in ``v.trimmed_memo``."""
    return remembered(v.trimmed_memo, _trim, plain, v)


def _trim(plain: str, v: Vocab) -> str:
    """The head and tail words of ``plain`` trimmed, at its ends (and again after a 、 an end leaves)."""
    s = plain
    for _ in range(3):
        t = v.trim_tail.strip(_head_trimmed(s.strip("、"), v))
        # Another pass changes nothing unless it has a 、 to strip at an end: the head words do
        # not match where they stopped matching, and the tail is cut as far as it goes.
        if t == s or not (t.startswith("、") or t.endswith("、")):
            return t
        s = t
    return s


def _display(clause: str, v: Vocab) -> str:
    """The subject as the clause words it (一季度GDP增速), trimmed of verbs and years (one pass
    is all: see _trimmed; no 、 is left to strip)."""
    return v.display_tail.strip(_head_trimmed(_years_punct_free(clause), v))


def _head_trimmed(s: str, v: Vocab) -> str:
    """``v.trim_head.sub("", s)``, not tried on a text that begins with no head word's character."""
    return v.trim_head.sub("", s) if s[:1] in v.trim_head_firsts else s


def _resolve(clause: str, governing: list[Subj], v: Vocab, named_only: bool = False) -> list[Subj] | None:
    """The subject(s) a clause names before its figure; None when it names nothing (or,
    with ``named_only``, nothing the catalogue knows)."""
    found = _resolve_any(clause, governing, v)
    if named_only and found is not None and not any(s.metric for s in found):
        return None
    return found


def _resolve_any(clause: str, governing: list[Subj], v: Vocab) -> list[Subj] | None:
    if not clause:
        return None  # (what the steps below find in no words: the most frequent clause)
    plain = _noise_free(clause)  # the clause without years and punctuation (kept in step with it)
    if v.contribution_char in plain and v.contribution_re.search(plain):
        return None  # (第一产业增加值…,)对GDP增长的贡献率为0.7%: the part in force contributes
    ratio = v.ratio_re.search(clause) if v.ratio_char in clause else None
    if ratio:
        # 研发经费支出与国内生产总值之比: the catalogue's X占Y比重 if it has one, else no id (a ratio is
        # neither X nor Y).
        as_share = clause[: ratio.start()] + v.share_form[0] + ratio.group(1) + v.share_form[1]
        named = _names(as_share, v)
        if named and named[-1][0] <= ratio.start() and named[-1][1] >= ratio.start() + 1:
            return [Subj(named[-1][3], _display(clause, v), named[-1][2])]
        return [Subj("", _display(clause, v))]
    r = v.respectively_re.search(clause)
    m = v.share_of_re.search(clause) if v.share_of_char in clause else None
    if m and not _is_share_of_not(clause, m.start(), v) and not any(
        a < m.start() < b for a, b, _, _ in _names(clause, v)
    ):
        clause = clause[:m.start()]  # X占Y的比重: X (unless the catalogue names the share itself)
        whole = v.share_whole_re.search(clause)
        if whole:
            clause = clause[:whole.start()]  # X在Y中所占的比重: X
        plain = _noise_free(clause)
    if r and not _names(clause[r.end():], v):
        # 第一、二、三产业增加值分别增长…; but 香洲、金湾和斗门分别实现地区生产总值…: one name for all.
        listed = _coordinated(_clean(clause[:r.start()], v), v)
        if listed:
            return listed
    names = _names(clause, v)
    if names and not r and "、" in clause[:names[-1][0]]:
        listed = _coordinated(_clean(clause[: names[-1][1]], v), v)
        if len(listed) > 1 and all(x.metric for x in listed):
            return listed  # 二氧化硫、氮氧化物排放量: each a series of its own
    if names:
        start, end, name, mid = names[-1]
        head = _possessed(clause[end:], v, name)
        if head is not None:
            return [head]  # 对GDP增长的贡献率: the 贡献率, not GDP
        pre = _noise_free(clause[:start])
        mod = v.modifier_re.search(pre)
        if mod and mid not in v.flow_ids:
            return [Subj("", mod.group() + name)]  # 新增规上工业企业: a flow the catalogue does not list
        per = _per_n_phrases(pre, v)
        if per:
            rate = _per_n_series(Subj(mid, name, name), per, v)
            if rate.metric:
                return [rate]  # 每千人口拥有执业医师3.4人 → 每千人口执业医师数
        if (v.per_head_re.search(pre) and mid not in v.per_head_ids) or per:
            # 平均每人占有粮食, 每千人口…床位: a rate per head, another series (the clause's words:
            # _clean(clause, v), of which plain is the first step)
            return [Subj("", _trimmed(plain, v))]
        post = _noise_free(clause[end:])
        if v.extension_re.match(post):
            return [Subj("", _display(clause, v))]  # 粮食亩产, 固定资产投资项目: a longer name, another series
        if governing and not pre and not post:
            framed = _in_frame(name, mid, governing[-1], v)
            if framed is not None:
                return [framed]  # 平均每人占有粮食近八百斤,棉花十多斤: the frame holds over the list
        # 全部工业总产值 with only 工业总产值 in the catalogue: the scope stays part of the name
        # read, so a measure alone after it (增加值8600万元) composes with 全部工业.
        lead = next((pre[-i:] for i in range(min(6, len(pre)), 0, -1)
                     if pre[-i] in v.scope_firsts and (sc := v.scope_re.match(pre[-i:] + name)) and sc.end() > i), "")
        return [Subj(mid, _display(clause, v) or name, lead + name)]
    # A scope alone: the measure of the subject in force (其中规模以上工业增长9%).
    s = _trimmed(plain, v)  # _clean(clause, v): plain is made again wherever clause is cut (X占Y的比重)
    sm = v.scope_re.search(s) if governing and s[-1:] in v.scope_lasts else None  # (a scope ending s)
    if sm and sm.end() == len(s):
        comp = _compose(sm.group(), governing[-1].canon, v)
        if comp:
            return [comp]
        return [Subj("", s)]
    if s and governing and governing[-1].canon:
        # A measure alone: the scope of the subject in force (全部工业总产值…,增加值8600万元).
        canon = governing[-1].canon
        raw = plain.strip("、")
        for form in dict.fromkeys((s, raw)):
            for i in range(len(canon) - 1, 0, -1):  # 普通本专科招生…,在校生 → 普通本专科在校生
                if canon[:i] + form in v.alias_to_metric:
                    return [Subj(v.alias_to_metric[canon[:i] + form], canon[:i] + form, canon[:i] + form)]
    if governing and governing[-1].metric and plain.endswith("的"):
        # 全年施工的更新改造项目七万四千个,全部建成的三万九千个: a 的 phrase without its head
        # qualifies the head in force.
        return [Subj(governing[-1].metric, _display(clause, v) + governing[-1].canon, governing[-1].canon)]
    generic = _is_generic(s, v)
    done = _completed(s, v) if not generic else None  # 总数 is no 人口总数
    if done is not None:
        return [done]
    if not s or generic or v.comparison_re.match(s) or v.adverbial_re.match(plain):
        return None  # 扣除价格因素, 在调整初期, 按可比价格计算: no subject of its own
    return [Subj("", s)]


def _in_frame(name: str, mid: str, held: Subj, v: Vocab) -> Subj | None:
    """A bare name after a framed series (平均每人占有粮食…, 棉花…): the frame's series with the
    first item swapped for this one (人均粮食占有量 → 人均棉花占有量), if the catalogue holds it.
    Only a per-head frame distributes over a list; a plain series before a bare name is no frame."""
    if not held.metric or held.metric == mid or not v.per_head_re.search(held.canon):
        return None
    inner = [m.group() for m in v.alias_re.finditer(held.canon, overlapped=True)
             if m.group() != held.canon and v.alias_to_metric[m.group()] != held.metric]
    for x in sorted(set(inner), key=len, reverse=True):
        for a in v.aliases_of.get(held.metric, []):
            cand = a.replace(x, name)
            if x in a and cand in v.alias_to_metric and v.alias_to_metric[cand] != mid:
                return Subj(v.alias_to_metric[cand], cand, cand)
    return None


def _completed(s: str, v: Vocab) -> Subj | None:
    """A short form the catalogue holds with a standard head or tail (进口 → 进口总额,
    死亡率 → 人口死亡率, 医院 → 医院数, 手机 → 手机产量)."""
    cand = v.completions.get(s)
    return Subj(v.alias_to_metric[cand], s, cand) if cand else None


def _is_generic(s: str, v: Vocab) -> bool:
    """Made of generic words only (实际金额, 总量, 增长速度): names nothing of its own."""
    if not s or s[0] not in v.generic_firsts:
        return not s  # (a text that begins with no generic word keeps its first character)
    return not v.generic_re.sub("", s)


def _possessed(rest: str, v: Vocab, name: str = "") -> Subj | None:
    """X的Y: the head noun Y after a name, when it names something of its own (not 的增速);
    X的Y that the catalogue holds as XY is that series (钢的产量 → 钢产量, 粮食的年平均产量 →
    粮食产量; but 棉花的单位面积产量 is no 棉花产量)."""
    m = _POSSESSIVE.match(rest) if "的" in rest[:5] else None  # (the pattern needs a 的 there)
    if not m:
        return None
    head = _clean(rest[m.end():], v)
    if m.end() == 1 and head:
        bare = v.possessed_modifier_re.sub("", head)
        for cand in dict.fromkeys((name + head, name + bare)):
            whole = _alias_at(cand, 0, v)  # 钢的产量仍然不过…: the name may end before the clause
            if len(whole) > len(name) and not v.extension_re.match(cand, len(whole)):
                return Subj(v.alias_to_metric[whole], name + "的" + head, whole)
    if not head or v.comparison_re.match(head) or any(head.startswith(g) for g in v.generic):
        return None  # 粮食产量平均每年的增长速度: still the 粮食产量
    a = head if head in v.alias_to_metric else ""  # what v.alias_re.fullmatch(head) finds
    return Subj(v.alias_to_metric.get(a, ""), head, a)


def _is_share_of_not(clause: str, pos: int, v: Vocab) -> bool:
    return any(clause.startswith(w, pos) for w in v.share_of_not)


def _names(clause: str, v: Vocab) -> tuple[tuple[int, int, str, str], ...]:
    """Catalogue names in ``clause``, leftmost-longest, as (start, end, name, metric id),
    including names whose scope and measure are split by filler words (remembered: a tuple,
    which its callers share)."""
    return remembered(v.names_memo, _find_names, clause, v)


def _alias_at(s: str, i: int, v: Vocab) -> str:
    """The alias ``v.alias_re.match(s, i)`` finds, '' if none: the longest alias there (the
    alternation is longest first), with the same Latin-letter boundaries as
    ``catalogue.alias_alternation``, by dictionary look-ups; trying the whole alternation at a
    position costs ~10 µs."""
    # The lengths of the aliases that begin here, longest first (the two characters here are
    # no alias's first two: those of a one-character alias).
    lens = v.alias_lens.get(s[i:i + 2]) or v.alias_lens.get(s[i:i + 1])
    if not lens:
        return ""
    ch = s[i]
    if ch.isascii() and ch.isalnum() and i and _ASCII_BEFORE.match(s[i - 1]):
        return ""  # M1 not inside PM10
    n = len(s)
    aliases = v.alias_to_metric
    for length in lens:
        end = i + length
        if end > n or (w := s[i:end]) not in aliases:
            continue
        last = w[-1]
        if last.isascii() and last.isalnum() and end < n and _ASCII_AFTER.match(s[end]):
            continue  # GDP not inside GDPR
        return w
    return ""


def _alias_hits(clause: str, v: Vocab) -> list[tuple[int, int, str, str]]:
    """What ``v.alias_re.finditer(clause, overlapped=True)`` finds: the alias at each start.
    Trying the whole alternation at every position was the costliest step of attribution."""
    found: list[tuple[int, int, str, str]] = []
    firsts = v.alias_firsts  # half the characters begin none: no slice and look-up for them
    starts = v.alias_lens
    for i, ch in enumerate(clause):
        if ch in firsts and (clause[i:i + 2] in starts or ch in starts) and (w := _alias_at(clause, i, v)):
            found.append((i, i + len(w), w, v.alias_to_metric[w]))
    return found


def _find_names(clause: str, v: Vocab) -> tuple[tuple[int, int, str, str], ...]:
    found = _alias_hits(clause, v)
    # A scope and a measure split by filler words: not without a filler (most clauses).
    scopes = v.scope_re.finditer(clause, overlapped=True) if v.any_filler_re.search(clause) else ()
    for m in scopes:
        scope = m.group()
        rest = v.by_prefix.get(scope)
        if not rest:
            continue
        p = v.filler_re.match(clause, m.end()).end()
        if p == m.end():
            continue  # no filler: the plain alias search sees this name already
        for alias in rest:
            if clause.startswith(alias[len(scope):], p):
                found.append((m.start(), p + len(alias) - len(scope), alias, v.alias_to_metric[alias]))
                break
    if len(found) < 2:
        return tuple(found)  # (most clauses: nothing to order)
    # The longest names first (全社会研发经费投入强度: 研发经费投入强度, not 全社会研发经费),
    # then whatever does not overlap them, in text order.
    found.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
    out: list[tuple[int, int, str, str]] = []
    for t in found:
        if all(t[1] <= o[0] or t[0] >= o[1] for o in out):
            out.append(t)
    return tuple(sorted(out))


def _compose(scope: str, governing_name: str, v: Vocab) -> Subj | None:
    """Scope + the measure of the name in force: 农村居民 + (城镇居民)人均可支配收入."""
    n = len(governing_name)
    for j in range(n, 0, -1):  # 农村 + 居民消费价格(总水平): the measure may drop a tail too
        for i in range(0, j):
            name = scope + governing_name[i:j]
            if name in v.alias_to_metric:
                return Subj(v.alias_to_metric[name], name, name)
    return None


def _coordinated(phrase: str, v: Vocab) -> list[Subj]:
    """Coordinated subjects before 分别, each completed from the last one's head:
    第一、二、三产业增加值 → 第一/第二/第三产业增加值; 城镇和农村居民人均可支配收入 →
    城镇居民…/农村居民…; 城乡居民人均可支配收入 → 城镇居民…, 农村居民…."""
    # 食品、居住的价格: the 的 of a shared head is no part of the names (食品价格, 居住价格).
    if "、" in phrase:
        # 家庭设备用品及维修服务、医疗保健和个人用品、居住: 、 joins the items; 和/及 only the last two.
        items = phrase.split("、")
        parts = items[:-1] + v.coord_re.split(items[-1])
    else:
        parts = v.coord_re.split(phrase)
    parts = [p.replace("的", "") for p in parts if p]
    if not parts:
        return []
    if len(parts) == 1:
        m = v.pairs_re.search(parts[0])
        if not m:
            return []
        head, tail = parts[0][:m.start()], parts[0][m.end():]
        parts = [head + x + tail for x in v.pairs[m.group()]]
        return [_whole(p, v) for p in parts]
    # 城、乡居民人均可支配收入: one-character scopes stand for 城镇, 农村.
    abbreviated = any(p in v.abbrev for p in parts)
    parts = [v.abbrev[p[0]] + p[1:] if p[0] in v.abbrev and abbreviated else p for p in parts]
    last = parts[-1]
    first = parts[0]
    out: list[Subj] = []
    completed_any = False
    for i, p in enumerate(parts):
        if i == len(parts) - 1:
            cands = [p] + ([first[: len(first) - len(p)] + p] if len(p) < len(first) else [])
            cands += [first[:1] + p] if not first.startswith(p[:1]) else []
        else:
            prefix = first[: len(first) - len(p)] if len(p) < len(first) else ""
            cands = [p] + [p + last[j:] for j in range(1, len(last))]
            if prefix:
                cands += [prefix + p + last[j:] for j in range(0, len(last))]
        if i > 0:
            # 人口出生率、死亡率和自然增长率: a later item takes the first one's head word (人口).
            cands += [first[:k] + p for k in range(1, len(first))]
        hit = next((c for c in cands if c in v.alias_to_metric), None)
        if hit is None:
            own = _names(p, v)
            if own and own[-1][1] == len(p):
                hit = own[-1][2]  # 孟州市地区生产总值、全社会固定资产投资…: each names its own
        if hit and i < len(parts) - 1 and hit != p:
            completed_any = True
        out.append(Subj(v.alias_to_metric[hit], hit, hit) if hit else Subj("", p))
    if not completed_any and len(parts) > 1 and out[-1].metric and not _names(parts[0], v):
        # 城市更新、国企项目固定资产投资: modifiers of one head; each a part of the head's series,
        # which the catalogue holds under the head's id (固定资产投资(城市更新)).
        head = out[-1]
        return [Subj(head.metric, p + head.canon, head.canon) for p in parts[:-1]] + [head]
    return out


def _whole(name: str, v: Vocab) -> Subj:
    names = _names(name, v)
    if len(names) == 1 and names[0][:2] == (0, len(name)):
        return Subj(names[0][3], names[0][2], names[0][2])
    return Subj("", name)


def _per_n_unit(per_n: list[regex.Match], unit: str, v: Vocab) -> str:
    """每千人口…6.5张 → 张/千人 (the last of ``per_n``, _per_n_phrases of the words before the
    figure); a figure counting what the denominator counts (每千常住人口执业医师数5.8人) keeps
    its plain unit, as does a rate (%, 个百分点)."""
    if not unit or "/" in unit or unit in v.per_n_plain or not per_n:
        return unit
    m = per_n[-1]
    base = v.per_n_nouns[m.group(2)]
    if base == unit:
        return unit
    return f"{unit}/{m.group(1)}{base}"
