"""Regions: the jurisdiction each figure is about (SPEC §2 `region`).

A document (or each article of a pasted file) is about the place its title, dateline or
opening names together with an institution (`2021年3月1日在广州市黄埔区第一届人民代表大会…`,
`长顺县统计局`, `中共广州市黄埔区委…`); a national document (我代表国务院…, 中华人民共和国2019年…)
is about `全国`. When the opening names no institution, the whole-area words the text uses
(全区, 全省 …) give the level, and the first place of that level in the opening — else the one
the article names most — gives the name. A figure whose own clause opens with another place
the document knows (`其中广州市…`) is about that place.

Place names are recognised by their level word (省, 市, 县, 区, 镇 …) from the data in
`rules/regions.yaml`; apart from the provinces, no list of places is needed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

import regex

from .patterns import alternation, compiled, word_search
from .rules import RuleSet, derived

_HEAD = 400  # characters of an article's opening searched for its title and dateline
_OPENING = 200  # characters of an opening whose first place is the article's, lacking a dateline
_TAIL = 200  # characters of an article's end searched for a signature


class _Article(Protocol):
    start: int
    end: int
    region: str


@dataclass(frozen=True, eq=False, repr=False)  # one per rule set: no generated methods it never uses
class RegionRules:
    national: str
    national_re: regex.Pattern  # a national cue
    chain_re: regex.Pattern  # a chain of place names after a word boundary
    anchored_re: regex.Pattern  # ... followed by the name of an institution
    anchored_end_re: regex.Pattern  # how each anchored chain ends: a level word before the institution
    part_re: regex.Pattern  # one place name inside a chain
    level_re: re.Pattern  # any level word: every place name ends with one, so a chain holds one
    whole: dict[str, str]  # 全省 -> 省
    whole_re: re.Pattern
    levels: tuple[str, ...]  # level words, longest first
    not_places: frozenset[str]
    not_place_endings: tuple[str, ...]
    provinces: frozenset[str]
    named_with_parent: frozenset[str]
    list_re: regex.Pattern  # a list of places before 分别
    list_groups: dict[str, str]
    joiner_re: regex.Pattern


def _chars(words: list[str]) -> str:
    return "".join(regex.escape(w) for w in words)


@derived
def region_rules(rs: RuleSet) -> RegionRules:
    d = rs.data.get("regions", {})
    longest = int(d.get("max_name", 6))
    levels: dict[str, tuple[int, int]] = {}
    for k, v in d.get("levels", {}).items():
        lo, hi = (v[0], v[1]) if isinstance(v, list) else (v, longest)
        levels[str(k)] = (int(lo), int(hi))
    inner = _chars(d.get("not_inside", []))  # 省市县区: never inside a name
    stop = inner + _chars(d.get("not_inside_name", []))  # 和, 在 …: may open a name only
    first_char = rf"[\p{{Han}}--[{inner}]]" if inner else r"\p{Han}"
    name_char = rf"[\p{{Han}}--[{stop}]]" if stop else r"\p{Han}"
    after = _chars(d.get("not_followed_by", []))
    not_after = rf"(?![{after}])" if after else ""
    # One name and its level word. The name is lazy, so a chain splits at the first level word
    # that leaves a name of the level's minimum length (广州市黄埔区 → 广州市 + 黄埔区).
    by_size: dict[tuple[int, int], list[str]] = {}
    for word, size in levels.items():
        by_size.setdefault(size, []).append(word)
    part = "(?:" + "|".join(
        rf"{first_char}{name_char}{{{lo - 1},{hi - 1}}}?(?:{alternation(words, none='')}){not_after}"
        for (lo, hi), words in sorted(by_size.items())
    ) + ")"
    whole = {str(k): str(v) for k, v in d.get("whole", {}).items()}
    before = alternation(d.get("before", []) + list(whole))
    # A name starts after a non-Han character, a line start or a `before` word (记者从株洲市…),
    # past any further `before` words and the end of a date (2021年3月1日在广州市…: 日 and 在
    # are not part of the name; 日照市 is one).
    chain = rf"(?<=^|[^\p{{Han}}]|{before})(?:[年月日号]|{before})*((?:{part}){{1,4}})"
    anchors = "|".join(d.get("anchors", [])) or "(?!)"
    institution = rf"(?=\s*(?:(?:19|20)\d\d\s*年)?\s*(?:{anchors}))"  # right after the chain
    anchored = chain + institution
    flags = regex.M | regex.V1
    groups = {str(k): str(v or "") for k, v in d.get("list_groups", {}).items()}
    joiners = alternation(d.get("list_joiners", []), none="、")
    name = rf"[\p{{Han}}--[{stop}]]{{1,{longest + 2}}}?"
    count = r"(?:[一二三四五六七八九十两]|\d+)个?"
    list_re = (rf"(?:其中|全年|今年|去年|当年)?(?P<names>{name}(?:(?:{joiners}){name})+)(?:等)?"
               rf"(?:{count})?(?P<group>{alternation(list(groups))})?")
    return RegionRules(
        national=str(d.get("national", "全国")),
        national_re=compiled("|".join(d.get("national_cues", [])) or "(?!)", flags),
        chain_re=compiled(chain, flags),
        anchored_re=compiled(anchored, flags),
        anchored_end_re=compiled(f"(?:{alternation(list(levels))}){institution}", flags),
        part_re=compiled(part, flags),
        level_re=word_search(list(levels)),
        whole=whole,
        whole_re=word_search(list(whole)),
        levels=tuple(sorted(levels, key=len, reverse=True)),
        not_places=frozenset(d.get("not_places", [])),
        not_place_endings=tuple(d.get("not_place_endings", [])),
        provinces=frozenset(d.get("provinces", [])),
        named_with_parent=frozenset(d.get("named_with_parent", [])),
        list_re=compiled(list_re, flags),
        list_groups=groups,
        joiner_re=compiled(joiners),
    )


def _not_place(name: str, rr: RegionRules) -> bool:
    return name in rr.not_places or name.endswith(rr.not_place_endings)


def _parts(chain: str, rr: RegionRules) -> list[str]:
    return [p for p in rr.part_re.findall(chain) if not _not_place(p, rr)]


def _local_name(parts: list[str], rr: RegionRules) -> str:
    """The most local part of a chain (广州市黄埔区 → 黄埔区), with its city in front where the
    city is one whose districts are named with it (上海市黄浦区: rules `named_with_parent`)."""
    if len(parts) > 1 and parts[-2] in rr.named_with_parent:
        return parts[-2] + parts[-1]
    return parts[-1]


def _level(name: str, rr: RegionRules) -> str:
    return next((lv for lv in rr.levels if name.endswith(lv)), "")


def _places_in(text: str, start: int, end: int, rr: RegionRules) -> list[tuple[int, str]]:
    """Every place name in text[start:end] with its position, in order."""
    out = []
    for m in rr.chain_re.finditer(text, start, end):
        pos = m.start(1)
        for p in rr.part_re.findall(m.group(1)):
            if not _not_place(p, rr):
                out.append((pos, p))
            pos += len(p)
    return out


def _anchored_chains(text: str, start: int, end: int, rr: RegionRules) -> list[regex.Match]:
    """The place chains text[start:end] names with an institution (as finditer gives them).
    The pattern costs about a microsecond per character and most openings hold none: as a
    chain ends with a level word right before the institution, a plain search for that
    rules them out first."""
    if not rr.anchored_end_re.search(text, start, end):
        return []
    return list(rr.anchored_re.finditer(text, start, end))


def article_region(text: str, start: int, end: int, rr: RegionRules,
                   chains: list[regex.Match] | None = None) -> str:
    """The jurisdiction an article is about, '' when the text never says. ``chains``: the
    anchored chains of its opening (title and dateline), when already read."""
    head_end = min(end, start + _HEAD)
    if chains is None:
        chains = _anchored_chains(text, start, head_end, rr)
    first_local = None
    for m in chains:
        parts = _parts(m.group(1), rr)
        if parts:
            first_local = (m.start(), _local_name(parts, rr))  # 广州市黄埔区 → 黄埔区
            break
    if first_local and rr.named_with_parent:
        # A title may name the district alone (2021年黄浦区政府工作报告) and the dateline in
        # full (在上海市黄浦区第二届…): the fuller name of the same place wins.
        for m in chains:
            parts = _parts(m.group(1), rr)
            if len(parts) > 1 and parts[-1] == first_local[1]:
                first_local = (first_local[0], _local_name(parts, rr))
                break
    national = rr.national_re.search(text, start, head_end)
    if national and (first_local is None or national.start() < first_local[0]):
        return rr.national
    if first_local:
        return first_local[1]
    # A signature at the end (长顺县统计局 / 2017年5月20日) names the author as a dateline would.
    for m in _anchored_chains(text, max(start, end - _TAIL), end, rr):
        parts = _parts(m.group(1), rr)
        if parts:
            return _local_name(parts, rr)
    if rr.national_re.search(text, start, end):
        return rr.national  # a national report whose opening was cut or says little (我代表国务院 later)
    # No dateline or title. The whole-area words (全区, 全省 …) say which level the article is about.
    places = _places_in(text, start, end, rr)
    body = text[start:end]
    wholes = [lv for lv, _ in Counter(rr.whole[m.group()] for m in rr.whole_re.finditer(body)).most_common()]
    opening = [p for pos, p in places if pos < start + _OPENING]
    for level in wholes:
        # The first place of that level in the opening (黄埔区、广州开发区是…) …
        first = next((p for p in opening if _level(p, rr) == level), None)
        if first:
            return first
    for level in wholes:
        # … else the one of that level the article names most (全省 … 浙江省生产总值…).
        counted = Counter(p for _, p in places if _level(p, rr) == level)
        if counted:
            first_seen = {p: i for i, (_, p) in reversed(list(enumerate(places)))}
            return max(counted, key=lambda p: (counted[p], body.count(p[: -len(level)]), -first_seen[p]))
    # No whole-area word either: the place the article repeats (孟州市 … 孟州 … 孟州).
    scored = sorted(((body.count(p), body.count(p[: -len(_level(p, rr))] or p), -pos, p) for pos, p in places),
                    reverse=True)
    if scored and (scored[0][0] >= 2 or scored[0][1] >= 3):
        return scored[0][3]
    return ""


def set_article_regions(text: str, articles: list[_Article], rs: RuleSet) -> frozenset[str]:
    """Fill `region` of every article of a segmented document; return the names the document
    shows to be places (its articles' places, the chains of their datelines, the provinces)."""
    rr = region_rules(rs)
    known: set[str] = set(rr.provinces)
    for art in articles:
        chains = _anchored_chains(text, art.start, min(art.end, art.start + _HEAD), rr)  # read once for both
        art.region = article_region(text, art.start, art.end, rr, chains)
        if art.region:
            known.add(art.region)
        for m in chains:
            known.update(_parts(m.group(1), rr))
    return frozenset(known)


def clause_region(text: str, clause_start: int, number_start: int, default: str, rs: RuleSet,
                  places: frozenset[str] = frozenset(), sentence_start: int | None = None) -> str:
    """A place that opens the figure's own clause (其中广州市…) overrides the document's, when
    the document shows it is a place (a bare 全年区… is a word and a level word, no place).
    A whole-area word of another level opening the clause (全省公布的5家 in a district's
    report) stands for the place of that level the sentence names before it."""
    rr = region_rules(rs)
    if sentence_start is not None:
        listed = _listed_place(text, sentence_start, number_start, rr)
        if listed:
            return listed
    while clause_start < number_start and text[clause_start].isspace():
        clause_start += 1
    # A clause without a level word opens with no place (~95% of them): a plain search of the
    # words spares the chain pattern, whose failing match costs several µs per figure.
    m = rr.level_re.search(text, clause_start, number_start) and rr.chain_re.match(text, clause_start, number_start)
    if m:
        parts = _parts(m.group(1), rr)
        if parts and parts[-1] in places:
            return parts[-1]
    w = rr.whole_re.match(text, clause_start, number_start)
    if w and default and rr.whole[w.group()] != _level(default, rr):
        level = rr.whole[w.group()]
        start = clause_start if sentence_start is None else sentence_start
        named = [p for _, p in _places_in(text, start, clause_start, rr) if _level(p, rr) == level and p in places]
        if named:
            return named[-1]
    return default


_NUMBER = compiled(r"\d+(?:\.\d+)?")
_FENBIE = "分别"


def _listed_place(text: str, sentence_start: int, number_start: int, rr: RegionRules) -> str:
    """The place a 分别 pairs with this figure: 香洲、金湾和斗门三个行政区分别实现…863.48亿元、
    351.27亿元和188.49亿元 → 香洲区, 金湾区, 斗门区 in turn (and again for a second 分别 list)."""
    last = text.rfind(_FENBIE, sentence_start, number_start) - sentence_start  # (in the prefix)
    if last < 0:
        return ""  # no 分别 list before the figure (nearly every figure): no prefix to copy
    prefix = text[sentence_start:number_start]
    if last < max(prefix.rfind(c) for c in "，,；;"):
        return ""  # the figure is not in the clause of a 分别 list
    # Which figure of the list after the last 分别 this is.
    index = len(_NUMBER.findall(prefix, last + len(_FENBIE)))
    pos = last
    while pos >= 0:
        cut = max(prefix.rfind(c, 0, pos) for c in "，,；;：:。！？")
        m = rr.list_re.fullmatch(prefix, cut + 1, pos)
        if m:
            names = [n for n in rr.joiner_re.split(m.group("names")) if n]
            level = rr.list_groups.get(m.group("group") or "", "")
            places = [n if _level(n, rr) else (n + level if level else "") for n in names]
            if ((m.group("group") or all(_level(n, rr) for n in names)) and all(places)
                    and not any(_not_place(p, rr) for p in places) and index < len(places)):
                return places[index]
            return ""
        pos = prefix.rfind(_FENBIE, 0, pos)
    return ""


__all__ = ["RegionRules", "region_rules", "article_region", "set_article_regions", "clause_region"]
