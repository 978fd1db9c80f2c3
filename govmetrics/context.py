"""Attach context to a matched quantity: kind and sign, target, year (metric and subject: attribute.py).

Everything here reads the cue-word tables from the rule files (cues.yaml,
metrics.yaml); the functions hold only the order in which evidence is weighed:
the clause before the number, then the sentence, then the paragraph, the section
heading and finally the article's own date (SPEC §4a).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from .numbers import parse_number, parse_quantity
from .patterns import alternation, compiled, shared_char, word_search
from .rules import RuleSet, derived
from .segment import YEAR, year_value

# The marks that end a clause (none needs escaping in a character class). attribute.py splits
# clauses by them too, and takes a clause's start after the last of them as clause_start does.
CLAUSE_BREAKS = "，,；;：:！!？?。"
_CLAUSE_BREAK = compiled(f"[{CLAUSE_BREAKS}]")
_LAST_CLAUSE_BREAK = compiled(f"(?r)[{CLAUSE_BREAKS}]")  # searched backwards: the break nearest before
_YEAR_TOKEN = compiled(
    r"(?<![\d])(到|至|截至|截止|从|由|在|于)?\s*(" + YEAR + r")(?![\d])"
    r"(?:\s*[-—–~～至到]\s*((?:1[89]|20)\d\d))?\s*年(?!代)(以来)?"
)


# (start, end, year, how) of each year mention of a sentence, relative to its start.
Mentions = tuple[tuple[int, int, int, str], ...]


@dataclass(eq=False, repr=False)  # hashed by identity: one per rule set, a key of per-sentence caches
class Cues:
    up: regex.Pattern
    down: regex.Pattern
    # The words of up, down, growth_rate_end, the flow words and change_of_stock's last part: what
    # kind_and_sign tests its core against by str.endswith (the core never ends with a newline,
    # before which $ would also match).
    up_words: tuple[str, ...]
    down_words: tuple[str, ...]
    flow_words: tuple[str, ...]
    growth_rate_words: tuple[str, ...]
    stock_nouns: tuple[str, ...]
    up_any: regex.Pattern
    down_any: regex.Pattern
    level_after: tuple[str, ...]
    growth_context: regex.Pattern
    share: regex.Pattern
    share_sentence: regex.Pattern
    share_after: tuple[str, ...]
    whole_area: tuple[str, ...]
    share_of_growth: regex.Pattern
    growth_rate: regex.Pattern
    growth_rate_end: regex.Pattern
    change_goal_end: regex.Pattern
    rate: tuple[str, ...]
    # The goal and result cues are read before every figure (word_search: the stdlib engine).
    target: re.Pattern
    target_not: re.Pattern
    result: re.Pattern
    money: regex.Pattern
    relative: dict[str, int]
    relative_re: re.Pattern  # (word_search: sought in every sentence with figures that holds 年)
    century: dict[str, int]
    century_re: regex.Pattern
    plans: dict[str, int]
    plans_re: regex.Pattern
    plan_as_period: regex.Pattern  # right after a plan name: the plan as a span of years
    plan_period_opener: regex.Pattern  # right after a plan name opening a sentence: the plan frames what follows
    # A character every word of the list holds (年, 世, 五): a text without it holds none.
    relative_char: str
    century_char: str
    plans_char: str
    qual_gov: dict[str, str]
    under_review: frozenset[str]
    gov_re: re.Pattern | None  # (word_search, as the goal cues)
    gov_not: regex.Pattern | None
    figure: regex.Pattern
    ba_object: regex.Pattern | None
    estimate: frozenset[str]
    change_of_stock: regex.Pattern  # a change verb, then a stock noun right before the number
    fillers: regex.Pattern  # words between a change verb and the number (cues.kind_fillers)
    soft_fillers: regex.Pattern
    # Their words: a tail that ends with none of them (and with no space) has none to take.
    filler_words: tuple[str, ...]
    soft_filler_words: tuple[str, ...]
    goal_quoted: regex.Pattern
    goal_name: str  # what a goal quoted for a finished year must be called (cues.goal_quote_name)
    goal_after: regex.Pattern


_BA = "将"  # what cues.ba_object opens with (将 before its object: 把)


@derived
def cues_for(rs: RuleSet) -> Cues:
    c = rs.data.get("cues", {})
    rel = {k: int(v) for k, v in rs.data.get("relative_years", {}).items()}
    plans = {k: int(v) for k, v in rs.data.get("five_year_plans", {}).items()}
    gov = {w: q for q, ws in rs.data.get("governing", {}).items() for w in ws}
    return Cues(
        up=compiled(f"(?:{alternation(c.get('growth_up', []))})$"),
        up_any=compiled(alternation(c.get("growth_up", []))),
        down_any=compiled(alternation(c.get("growth_down", []))),
        down=compiled(f"(?:{alternation(c.get('growth_down', []))})$"),
        up_words=tuple(c.get("growth_up", [])),
        down_words=tuple(c.get("growth_down", [])),
        flow_words=tuple(c.get("flow_words", [])),
        growth_rate_words=tuple(c.get("growth_rate_words", [])),
        stock_nouns=tuple(c.get("stock_nouns", [])),
        level_after=tuple(sorted(c.get("level_after_change", []), key=len, reverse=True)),
        growth_context=compiled(alternation(c.get("growth_context", []))),
        share=compiled(alternation(c.get("share", []))),
        share_sentence=compiled(alternation(c.get("share_sentence", []))),
        share_after=tuple(c.get("share_after", [])),
        whole_area=tuple(c.get("whole_area", [])),
        share_of_growth=compiled(r"对[^，,。；;]{0,16}增长的?(?:" + alternation(c.get("share_of_growth", [])) + ")"),
        growth_rate=compiled(alternation(c.get("growth_rate_words", []))),
        growth_rate_end=compiled(f"(?:{alternation(c.get('growth_rate_words', []))})$"),
        change_goal_end=compiled(f"(?:的)?(?:{alternation(c.get('change_goal_words', []))})+$"),
        rate=tuple(c.get("rate_words", [])),
        target=word_search(c.get("target", [])),
        target_not=word_search(c.get("target_not", [])),
        result=word_search(c.get("result", [])),
        money=compiled(alternation(c.get("money_context", []))),
        relative=rel,
        relative_re=word_search(rel),
        century={k: int(v) for k, v in rs.data.get("century_years", {}).items()},
        century_re=compiled(alternation(list(rs.data.get("century_years", {})))),
        plans=plans,
        relative_char=shared_char(list(rel)),
        century_char=shared_char(list(rs.data.get("century_years", {}))),
        plans_char=shared_char(list(plans)),
        # “七五”普法 is a campaign, not the plan: the plan name must be followed by a plan word.
        plans_re=compiled(r"(?<![一二三四五六七八九十])(?:" + alternation(list(plans)) + r")(?=[”\"]?(?:"
                          + alternation(c.get("plan_name_followers", []) + c.get("plan_as_period", [])) + "))"),
        plan_as_period=compiled(f"[”\"]?(?:{alternation(c.get('plan_as_period', []))})"),
        plan_period_opener=compiled(f"[”\"]?(?:{alternation(c.get('plan_period_openers', []))})"),
        qual_gov=gov,
        under_review=frozenset(c.get("year_under_review", [])),
        gov_re=word_search(gov) if gov else None,
        gov_not=compiled(alternation(c["governing_not"])) if c.get("governing_not") else None,
        estimate=frozenset(c.get("estimate_words", [])),
        ba_object=regex.compile(
            _BA + r"(?=[\d一二两三四五六七八九十百千万]|" + alternation(c["ba_object_starts"]) + ")") if c.get("ba_object_starts") else None,
        # A figure with its magnitude, unit and trailing qualifier (7.5%左右, 101条以上).
        figure=compiled(
            r"(?:\d[\d.,]*|[一二两三四五六七八九十百千万亿]{2,})[万亿千百十]*"
            + f"(?:{alternation(list(rs.units))})?[%‰]?(?:以上|以下|左右|以内|多|余)?"
        ),
        change_of_stock=compiled(
            f"(?P<verb>{alternation(c.get('growth_up', []) + c.get('growth_down', []))})"
            f"[^\\d，,；;。、]{{0,10}}(?:{alternation(c.get('stock_nouns', []))})$"),
        fillers=compiled(f"(?:{alternation(c.get('kind_fillers', []))}|\\s)+$"),
        soft_fillers=compiled(f"(?:{alternation(c.get('kind_soft_fillers', []))}|\\s)+$"),
        filler_words=tuple(c.get("kind_fillers", [])),
        soft_filler_words=tuple(c.get("kind_soft_fillers", [])),
        goal_quoted=compiled(f"(?:{alternation(c.get('goal_quote_words', []))})[^，,。]{{0,12}}$"),
        goal_name=str(c.get("goal_quote_name", "")),
        goal_after=compiled(
            f"[^，,。；;]{{0,6}}?(?:的)?(?:{alternation(c.get('goal_after_words', []))})?(?:{alternation(c.get('goal_after_head', []))})"
        ),
    )


def clause_start(text: str, sent_start: int, pos: int) -> int:
    """Start of the clause that holds ``pos`` (after the last ，；： before it)."""
    m = _LAST_CLAUSE_BREAK.search(text, sent_start, pos)
    return m.end() if m else sent_start


class Sentence:
    """What the figures of one sentence share, read once for all of them: the years it mentions
    (a sentence holds two figures on average)."""

    __slots__ = ("start", "end", "_mentions")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end
        self._mentions: dict[tuple[int | None, str], Mentions] = {}

    def mentions(self, text: str, cues: Cues, doc_year: int | None, genre: str) -> Mentions:
        """The year mentions of the sentence (_sentence_mentions), by the article's year and genre.
        ``cues`` is no part of the memo's key: a Sentence belongs to one document read with one
        rule set (extractor._Doc), so it is always read with the same cues."""
        key = (doc_year, genre)
        found = self._mentions.get(key)
        if found is None:
            found = self._mentions[key] = _sentence_mentions(text[self.start:self.end], cues, doc_year, genre)
        return found


_WITHIN_YEARS = compiled(r"(?<![\d一二三四五六七八九十])([一二三四五六七八九十]{1,3}|\d{1,2})年(?:内|之内|以内|时间里)")
_YEARS_PAST = compiled(r"(?<![\d一二三四五六七八九十的])(?:[一二三四五六七八九十]{1,3}|\d{1,2})多?年(?:间|来|以来)")
_COMPARED = compiled(r"(?:比|较)(?:上年|去年|上年同期|上一年|(?:" + YEAR + r")年)|同比")
_FROM_VALUE = compiled(r"(?:由|从)(" + YEAR + r")年(?:的|底|末)?$")
_PREVIOUS_YEAR = ("上年", "上一年")
_FROM_PREVIOUS_YEAR = compiled(r"(?:由|从)(?:上年|上一年)(?:的|底|末)?[^，,。；;\d〇零一二三四五六七八九十百千万亿]{0,4}$")
_BASE_VALUE = compiled(r"(?:比|较|同|与)(" + YEAR + r")年(?:的|末|底)?$")
_FULL_YEAR = compiled(r"全年")
# Most year patterns here need this character (_YEAR_TOKEN, _WITHIN_YEARS, _YEARS_PAST, _FULL_YEAR,
# _BASE_VALUE, _FROM_VALUE, _FROM_PREVIOUS_YEAR): a text without it is not scanned with them
# (a third of the sentences with figures, most of the words right before a figure).
_NIAN = "年"
# And the characters the patterns searched before every figure open with: a text that holds none
# of them is not searched (a regex call costs ~1.8 µs, most of these searches find nothing).
_COMPARED_OPENERS = frozenset("比较同与")  # _BASE_VALUE
_FROM_OPENERS = frozenset("由从")  # _FROM_VALUE, _FROM_PREVIOUS_YEAR
_THIS_OPENERS = ("这", "此")  # _THIS_PERIOD
_SHARE_OF_GROWTH_OPENER = "对"  # cues.share_of_growth
_PAIR_JOINERS = "和与及、"  # what _PAIR_JOIN takes after the spaces it opens with
# Of the patterns searched in every sentence with figures (_mentions): characters one of which
# each match holds, besides 年.
_WITHIN_YEARS_ENDS = "内时"  # 八年内, 三年时间里
_YEARS_PAST_ENDS = "来间"  # 三年来, 十七年间
_TO = ("到", "至")  # what opens a year written out as a deadline (group 1 of _YEAR_TOKEN)
_CLAUSE_END = compiled(r"[，,；;。]")


def kind_and_sign(prefix: str, unit: str, rule_kind: str, cues: Cues, prev_kind: tuple[str, int] | None,
                  sentence_prefix: str = "", second_of_range: bool = False, after: str = "") -> tuple[str, int]:
    """Decide level/growth/share/rank and the sign from the text just before the number
    (and, for a part spent on something, right after it: 财政支出的80%用于民生)."""
    if rule_kind == "rank":
        return "rank", 1
    if rule_kind == "growth":
        return "growth", 1
    if unit in ("%", "‰") and (after.startswith(cues.share_after)
                               or _SHARE_OF_GROWTH_OPENER in prefix and cues.share_of_growth.search(prefix)):
        return "share", 1
    tail = prefix.rstrip()
    # Enumerations (分别增长8.2%、10.1%) inherit from the previous number of the clause.
    if prev_kind and (second_of_range or tail.endswith(("、", "和", "及", "与")) or not tail):
        return prev_kind
    # The tail without its fillers; as the fillers take spaces too, it ends with none, so the
    # end-anchored word tests on it are str.endswith (a regex call each cost more). The tail
    # ends with no space either, so the fillers take something only when it ends with one of
    # their words (one in ten tails); each sub tries the words at every character.
    core = cues.fillers.sub("", tail) if tail.endswith(cues.filler_words) else tail
    if core.endswith(cues.flow_words):
        # 新增就业23.4万人 is the flow itself; 比去年新增3637元 is a change against last year.
        return ("growth", 1) if _COMPARED.search(tail) else ("level", 1)
    # 下降为27.5%: a change verb with 为 names the level reached (but 增长达8% is a growth).
    soft = cues.soft_fillers.sub("", tail) if tail.endswith(cues.soft_filler_words) else tail
    if soft.endswith(("为", "是")) and cues.growth_rate_end.search(soft[:-1]):
        return "growth", 1  # 增速为-6.8%: a growth rate names a growth (its sign is the number's)
    if soft.endswith(("为", "是")) and cues.change_goal_end.search(soft[:-1]):
        # 经济增长预期目标为7%左右: the goal of a change is a change.
        head = cues.change_goal_end.sub("", soft[:-1])
        if cues.growth_rate_end.search(head) or cues.up.search(head):
            return "growth", 1
        if cues.down.search(head):
            return "growth", -1
    if soft.endswith("为") and (cues.up.search(soft[:-1]) or cues.down.search(soft[:-1])):
        shared = cues.share.search(prefix) or (unit == "%" and cues.share_sentence.search(sentence_prefix))
        return ("share", 1) if shared else ("level", 1)
    for w in cues.level_after if core.endswith(cues.level_after) else ():
        if core.endswith(w):
            before = cues.fillers.sub("", core[: -len(w)])
            if cues.up.search(before) or cues.down.search(before) or not before:
                if unit in ("%", "‰") and any(not m.group().endswith(cues.rate)
                                              for m in cues.growth_rate.finditer(before)):
                    # 涨幅回落到2.6%, 增长幅度由…回落到27.8%: the level a growth rate reaches is a
                    # growth (a named rate such as 自然增长率 stays a level).
                    return "growth", 1
                shared = cues.share.search(prefix) or (unit == "%" and cues.share_sentence.search(sentence_prefix))
                return ("share", 1) if shared else ("level", 1)
    if core.endswith(cues.stock_nouns) and (cut := cues.change_of_stock.search(core)) is not None:
        # 减少政府支出债务6.53亿元, 减少农村贫困人口1000万人: a verb, then the stock it changes,
        # then the amount: a change of that stock (a relief such as 降低企业税负… stays a level).
        return "growth", -1 if cues.down_any.fullmatch(cut.group("verb")) else 1
    if core.endswith(cues.down_words):
        return "growth", -1
    if core.endswith(cues.up_words):
        return "growth", 1
    if rule_kind == "share":
        return "share", 1
    if unit in ("个百分点", "倍"):
        sign = -1 if _last_change_is_down(prefix, cues) else 1
        return "growth", sign
    if unit in ("%", "‰") and core.endswith(cues.whole_area):
        return "share", 1  # 担负全省70%以上的检测任务: a part of the whole area's
    if unit == "%" and core.endswith(cues.rate) and not core.endswith(cues.growth_rate_words) \
            and not cues.share.search(prefix):
        return "level", 1  # 登记失业率2.53% names a rate, whatever growth the sentence spoke of
    if unit == "%" and cues.growth_rate.search(sentence_prefix) and not cues.share.search(prefix):
        return "growth", 1
    if unit == "%" and (cues.share.search(prefix) or cues.share_sentence.search(sentence_prefix)):
        return "share", 1
    if unit == "%" and cues.growth_context.search(prefix) and not any(r in prefix[-8:] for r in cues.rate):
        return "growth", -1 if _last_change_is_down(prefix, cues) else 1
    return "level", 1


def _last_change_is_down(prefix: str, cues: Cues) -> bool:
    """Whether the change verb nearest before the number is a decline."""
    down = max((m.end() for m in cues.down_any.finditer(prefix)), default=-1)
    up = max((m.end() for m in cues.up_any.finditer(prefix)), default=-1)
    return down > up


def _years_before(mentions: Mentions, pos: int) -> list[tuple[int, int, str]]:
    """(position, year, how) of the mentions of a sentence that end before ``pos`` (relative to
    its start): those a reading of the sentence up to the number finds."""
    return [(a, y, how) for a, b, y, how in mentions if b <= pos]


def _sentence_mentions(sentence: str, cues: Cues, doc_year: int | None, genre: str = "") -> Mentions:
    return tuple(_mentions(sentence, cues, doc_year, genre))


def _mentions(text: str, cues: Cues, doc_year: int | None, genre: str = "") -> list[tuple[int, int, int, str]]:
    """(start, end, year, how) for every year mention in ``text``. In a statistical communiqué
    ``doc_year`` is the year it reports on, and a review up to "the year just ended" is that year."""
    review_year = doc_year if genre == "communique" else (doc_year - 1 if doc_year else None)
    years_written = _NIAN in text
    out = _year_tokens(text, doc_year)
    for m in cues.plans_re.finditer(text) if cues.plans_char in text else ():
        out.append((m.start(), m.end(), cues.plans[m.group()], "plan"))
    if doc_year:
        out += _deadline_words(text, cues, doc_year)
        for m in _YEARS_PAST.finditer(text) if years_written and _holds_any(text, _YEARS_PAST_ENDS) else ():
            out.append((m.start(), m.end(), review_year, "at"))  # 十七年间 / 三年来: up to the year just ended
        for m in cues.relative_re.finditer(text) if cues.relative_char in text else ():
            if _is_comparison_base(text, m.start()):
                continue
            if m.group() in _PREVIOUS_YEAR and text[max(0, m.start() - 1):m.start()] in ("由", "从"):
                # 由上年的58.6%回落到27.8%, 由上年下降2.3%转为增长8.5%: 上年 is the year before the
                # one spoken of, the start of the change (dated by year_of), not the time of the
                # sentence's other figures.
                continue
            out.append((m.start(), m.end(), relative_year(m.group(), doc_year, genre, cues), "relative"))
        year_ends = {e for _, e, _, how in out if how in ("at", "to", "from")}
        for m in _FULL_YEAR.finditer(text) if _FULL_YEAR.pattern in text else ():  # (a plain word)
            if m.start() in year_ends:
                continue  # 2012年全年: the year just named
            out.append((m.start(), m.end(), -1, "full_year"))  # resolved by the caller against the section
    out.sort(key=_mention_order)
    return out


def _holds_any(text: str, chars: str) -> bool:
    """Whether the text holds one of the characters."""
    return any(c in text for c in chars)


def _mention_order(t: tuple[int, int, int, str]) -> tuple[int, int, str]:
    return t[0], t[2], t[3]


def _deadlines(text: str, cues: Cues, doc_year: int | None) -> list[tuple[int, int, int, str]]:
    """The "to" mentions of ``_mentions(text, …)`` (到2025年, 八年内, 本世纪末), in the same
    order, without looking for the other kinds."""
    if _NIAN not in text and cues.century_char not in text:
        return []  # what every kind needs (most texts after a number): no search can find one
    # A "to" year opens with 到 or 至 (_TO): without either, no year written out is one.
    out = [t for t in _year_tokens(text, doc_year) if t[3] == "to"] if _TO[0] in text or _TO[1] in text else []
    if doc_year:
        out += _deadline_words(text, cues, doc_year)
    out.sort(key=_mention_order)
    return out


def _year_tokens(text: str, doc_year: int | None) -> list[tuple[int, int, int, str]]:
    """The years written out (2019年, 到一九八五年, 2019年以来) as mentions (how: at, to or from)."""
    out: list[tuple[int, int, int, str]] = []
    if _NIAN not in text:
        return out
    for m in _YEAR_TOKEN.finditer(text):
        if _in_label(text, m.start()):
            continue
        y = year_value(m.group(3) or m.group(2))
        if y is None or _is_comparison_base(text, m.start()):
            continue
        how = "to" if m.group(1) in _TO else ("from" if m.group(1) in ("从", "由") else "at")
        if m.group(4) and doc_year and doc_year > y:
            y = doc_year  # 2019年以来: the period runs to the document's own year
        out.append((m.start(), m.end(), y, how))
    return out


def _deadline_words(text: str, cues: Cues, doc_year: int) -> list[tuple[int, int, int, str]]:
    """Deadlines counted from the document's year (八年内, 本世纪末) as "to" mentions."""
    out: list[tuple[int, int, int, str]] = []
    for m in _WITHIN_YEARS.finditer(text) if _NIAN in text and _holds_any(text, _WITHIN_YEARS_ENDS) else ():
        n = parse_number(m.group(1))
        if n and 1 < n <= 30:
            out.append((m.start(), m.end(), doc_year + int(n) - 1, "to"))  # 八年内: this year and seven more
    for m in cues.century_re.finditer(text) if cues.century_char in text else ():
        out.append((m.start(), m.end(), doc_year // 100 * 100 + cues.century[m.group()], "to"))
    return out


_MONTH_AFTER = compiled(r"\s*(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月")


_CLAUSE_OPEN = compiled(r"(?:^|[，,；;：:])\s*$")
_TIME_CLAUSE_END = compiled(r"(?:后|以后|之后|时|期间|以来|前|以前|之前)\s*$")


def topic_year(text: str) -> int | None:
    """The year a sentence without figures is about, when it has exactly one and states it
    as the topic of a clause (鄧輝在報告中說，2018年涪城全区经济社会发展取得显著成效。): it
    introduces the figures that follow. Not a year named in passing (接近1979年的水平), an
    event's date (2019年6月, 1998年发生特大洪水后，…), a deadline (提出到2020年…目标) or a
    span (1984年末至1985年)."""
    if _NIAN not in text:
        return None  # no year token
    found: set[int] = set()
    topic = None
    for m in _YEAR_TOKEN.finditer(text):
        y = year_value(m.group(3) or m.group(2))
        if not y or _in_label(text, m.start()):
            continue
        found.add(y)
        if m.group(1) or m.group(3) or _is_comparison_base(text, m.start()) or _MONTH_AFTER.match(text, m.end()):
            continue
        if not _CLAUSE_OPEN.search(text, 0, m.start()):
            continue
        clause = _CLAUSE_BREAK.search(text, m.end())
        if _TIME_CLAUSE_END.search(text, m.end(), clause.start() if clause else len(text)):
            continue
        topic = y
    return topic if len(found) == 1 else None


def relative_year(word: str, doc_year: int, genre: str, cues: Cues) -> int:
    """The year a relative word (今年, 去年, 一年来) names in an article of ``doc_year``."""
    if word in cues.under_review:
        return doc_year if genre == "communique" else doc_year - 1
    return doc_year + cues.relative[word]


def _in_label(text: str, pos: int) -> bool:
    """Inside a 【…】 tag (【2022年黄埔区招商】): a label of the page, not a date of the figure."""
    return text.rfind("【", 0, pos) > text.rfind("】", 0, pos)


def _is_comparison_base(text: str, pos: int) -> bool:
    """比去年, 较2019年, 与上年相比: the year named is the base of a comparison, not the figure's."""
    return text[max(0, pos - 2):pos].endswith(("比", "较", "与", "同", "于", "按", "相当于"))


@dataclass(slots=True)
class Frame:
    """Where a number sits: the text around it and the years in force."""

    sentence: tuple[int, int]
    clause_start: int
    doc_year: int | None
    section_year: int | None
    section_mode: str
    paragraph_year: int | None
    early_in_year: bool = False  # the document is dated in its year's first months (work reports)
    year_stated: bool = False  # set by year_of: the sentence itself names the year
    year_from_doc: bool = False  # set by year_of: only the document's own date gave the year
    number_end: int = 0
    is_base: bool = False  # set by year_of: the number is a comparison base (比1980年的…)
    assumed_review: bool = False  # the section is the review a report is assumed to open with
    genre: str = ""  # the article's genre (segment.Article.genre)
    late_in_year: bool = False  # the article is dated in the last months of its year (year-end reports)
    paragraph_mode: str = ""  # "goal" / "result" when an earlier sentence opened that frame
    paragraph_why: str = ""  # which earlier sentence opened the frame
    after_year: int | None = None  # set by year_of: the starting year of a from–to this number ends
    period_text: str = ""  # the frame's opening words and the section heading (过去五年, “十一五”期间)
    doc_why: str = ""  # what the document's year was read from
    year_why: str = ""  # set by year_of: the evidence that decided the year
    target_why: str = ""  # set by is_target: the evidence that decided the target flag
    # The year mentions of the sentence (Sentence.mentions); None: year_of reads them off the
    # sentence itself.
    mentions: Mentions | None = None


def year_of(text: str, pos: int, frame: Frame, cues: Cues, order_in_from_to: int | None,
            kind: str = "") -> int | None:
    """The year of the number at ``pos``; ``frame.year_why`` says which evidence won."""
    y = _year_of(text, pos, frame, cues, order_in_from_to, kind)
    after, doc = frame.after_year, frame.doc_year
    if after is not None and (y is None or y <= after) and doc and doc > after:
        # 由1954年的4%上升到5% in a report early in 1956 reviewing 1955: the year just ended;
        # 将由1955年的46%上升到47.2%: a goal, the document's year.
        goal = cues.target.search(cues.target_not.sub(lambda m: "\u3000" * len(m.group()), text[frame.clause_start:pos]))
        end = doc - 1 if frame.early_in_year and not goal and doc - 1 > after else doc
        frame.year_why = f"after the starting year {after}: {'the year before the document' if end < doc else 'the document year'}"
        return end
    return y


def _year_of(text: str, pos: int, frame: Frame, cues: Cues, order_in_from_to: int | None,
             kind: str = "") -> int | None:
    s0, s1 = frame.sentence
    lo = max(s0, pos - 12)
    window = text[lo:pos]
    year_word = _NIAN in window  # which _BASE_VALUE, _FROM_PREVIOUS_YEAR and _FROM_VALUE need
    base = _BASE_VALUE.search(text, lo, pos) if year_word and not _COMPARED_OPENERS.isdisjoint(window) else None
    # 比一九八○年的七千一百五十九亿元 is the base value; 比2010年翻一番 is a change against it.
    if base and year_value(base.group(1)) and kind != "growth":
        # 比一九八○年的七千一百五十九亿元: the number is the base value, of the year named.
        frame.year_stated = frame.is_base = True
        frame.year_why = f"the number is the comparison base {base.group()}"
        return year_value(base.group(1))
    from_word = year_word and not _FROM_OPENERS.isdisjoint(window)
    prev = _FROM_PREVIOUS_YEAR.search(text, lo, pos) if from_word else None
    if prev and frame.doc_year:
        # 由上年下降2.3%转为增长8.5%: the number right after 由上年 is that year's value.
        review = frame.doc_year if frame.genre == "communique" else frame.doc_year - 1
        spoken = frame.paragraph_year or frame.section_year or review
        frame.year_stated = True
        frame.year_why = f"the value of the year before the one spoken of ({spoken}): {prev.group()}"
        return spoken - 1
    start = _FROM_VALUE.search(text, lo, pos) if from_word else None
    if start and year_value(start.group(1)):
        # 由一九四九年的百分之二十八点八…: the number right after a starting year is its value.
        frame.year_stated = True
        frame.year_why = f"the value of the starting year: {start.group()}"
        return year_value(start.group(1))
    said = frame.mentions
    if said is None:
        said = _sentence_mentions(text[s0:s1], cues, frame.doc_year, frame.genre)
    mentions = _years_before(said, pos - s0)
    if order_in_from_to != 0:
        # 从2017年2148家增至2819家、增长31.2%: a starting year that opens a from–to of values in
        # the number's own clause dates only the start value (从1978年到1985年 is a period).
        c = frame.clause_start - s0
        kept: list[tuple[int, int, str]] = []
        dropped: list[tuple[int, int, str]] = []
        for m in mentions:
            from_to = m[2] == "from" and m[0] >= c and not any(o[2] == "to" and 0 < o[0] - m[0] <= 12 for o in mentions)
            (dropped if from_to else kept).append(m)
        frame.after_year = max(m[1] for m in dropped) if dropped else None
        mentions = kept
    frame.year_stated = bool(mentions)
    if mentions:
        def said(m: tuple[int, int, str]) -> str:
            return text[s0 + m[0]:s0 + m[0] + 12].split("，")[0]

        # 从2.1%提高到2.5% with 从2015年…到2020年: the first number takes the start year.
        froms = [m for m in mentions if m[2] == "from"]
        if order_in_from_to == 0 and froms:
            frame.year_why = f"start of a from–to: {said(froms[-1])}"
            return froms[-1][1]
        if order_in_from_to == 0 and (b := _last_base_year(text, s0, pos)):
            # 1986年同1978年相比，国民生产总值由3480亿元增加到…: the base year is the start.
            frame.year_why = f"start of a from–to against {b}"
            return b
        if order_in_from_to == 0:
            # 过去五年，城镇化率从52.6%提高到58.5% (2018 report): the start is where the period began.
            n = period_length(text[s0:pos], cues)
            end = next((m[1] for m in reversed(mentions) if m[1] > 0), None)
            if n and end:
                frame.year_why = f"start of a from–to over a period of {n} years ending {end}"
                return end - n
        in_clause = [m for m in mentions if s0 + m[0] >= frame.clause_start]
        # A year in the number's own clause wins; else the one the sentence opens with;
        # else the nearest before it.
        if in_clause:
            chosen, where = in_clause[-1], "in its clause"
        elif mentions[0][0] <= 4:
            # 从1974年到1976年 / 1979年至1983年: a period is dated by its last year.
            period = len(mentions) > 1 and mentions[1][2] == "to" and mentions[1][0] - mentions[0][0] <= 8
            chosen, where = (mentions[1] if period else mentions[0]), "the sentence opens with"
        else:
            chosen, where = mentions[-1], "nearest before it in the sentence"
        y = chosen[1]
        if y == -1:  # 全年: the year of the section, else the one just reported on
            frame.year_why = "全年 in the sentence: the year of the section, frame or document"
            y = frame.section_year or frame.paragraph_year or frame.doc_year
            if order_in_from_to == 0 and y:
                frame.year_why = "start of a from–to in a year: the year before"
                return y - 1
            return y
        if order_in_from_to == 0 and chosen[2] in ("at", "relative"):
            frame.year_why = f"start of a from–to in {y} ({said(chosen)}): the year before"
            return y - 1
        frame.year_why = f"{where}: {said(chosen)}"
        return y
    # Nothing before the number: a deadline later in the sentence (…十二个基地，八年内使…;
    # …，到2025年…) dates a goal.
    later = _deadlines(text[pos:s1], cues, frame.doc_year) if order_in_from_to is None else []
    if later and (frame.doc_year is None or later[0][2] >= frame.doc_year):
        frame.year_stated = True
        frame.year_why = f"a deadline later in the sentence: {text[pos + later[0][0]:pos + later[0][0] + 10]}"
        return later[0][2]
    if (order_in_from_to is None and any(text.find(c, s0, pos) >= 0 for c in _THIS_OPENERS)
            and (this := _THIS_PERIOD.search(text, s0, pos))):
        end = _period_named_before(text, max(0, s0 - 2000), s0, this.group(1), frame.doc_year, cues)
        if end is not None:
            frame.year_stated = True
            frame.year_why = f"{this.group()} refers back to a period ending {end}"
            return end
    if order_in_from_to == 0 and (frame.paragraph_year or frame.section_year):
        end = frame.paragraph_year or frame.section_year
        n = period_length(frame.period_text, cues) or 1
        frame.year_why = (f"start of a from–to over a period of {n} years ending {end}" if n > 1
                          else "start of a from–to: the year before the frame's")
        return end - n  # the start of the change: the year before the frame, or before its period
    if frame.paragraph_year:
        frame.year_why = frame.paragraph_why or "an earlier sentence's frame"
        return frame.paragraph_year
    if frame.section_year:
        frame.year_why = ("the review of the year before that the report opens with" if frame.assumed_review
                          else "the section heading")
        return frame.section_year
    frame.year_from_doc = True
    frame.year_why = (f"the document's own year ({frame.doc_why or 'no other evidence'})" if frame.doc_year
                      else "none: neither the text nor the document names a year")
    return frame.doc_year


_PERIOD = compiled(
    r"(?:过去|这|近|此前)([两二三四五六七八九十]|\d{1,2})年|(?<![\d一二三四五六七八九十])([两二三四五六七八九十]|\d{1,2})多?年(?:来|以来|间|中|里)"
)


def period_length(text: str, cues: Cues) -> int | None:
    """How many years a review period named in ``text`` spans (过去五年, 十年来, “十一五”期间: a
    plan is five years); None when none is named."""
    last = None
    for m in _PERIOD.finditer(text):
        n = parse_number(m.group(1) or m.group(2))
        if n and 1 < n <= 30:
            last = (m.start(), int(n))
    for m in cues.plans_re.finditer(text):
        if cues.plan_as_period.match(text, m.end()) and (last is None or m.start() > last[0]):
            last = (m.start(), 5)
    return last[1] if last else None


_BASE_YEAR = compiled(r"(?:比|较|同|与)(" + YEAR + r")年")


def _last_base_year(text: str, lo: int, hi: int) -> int | None:
    found = list(_BASE_YEAR.finditer(text, lo, hi))
    return year_value(found[-1].group(1)) if found else None


_THIS_PERIOD = compiled(r"(?:这|此)([两二三四五六七八九十]|\d{1,2})年(?:里|中|内|间|来|之内|时间里)?")
_SPAN = compiled(r"(" + YEAR + r")年?(?:到|至|—|-|–|～|~)(" + YEAR + r")年")


def _period_named_before(text: str, lo: int, hi: int, n_text: str, doc_year: int | None,
                         cues: Cues) -> int | None:
    """The end year of the last period of ``n_text`` years named in ``text[lo:hi]`` (从一九七六年
    到一九八五年是关键的十年 … 在这十年里: 1985); None when no such period is named."""
    n = parse_number(n_text)
    if not n or n < 2:
        return None
    best: tuple[int, int] | None = None
    for m in _SPAN.finditer(text, lo, hi):
        a, b = year_value(m.group(1)), year_value(m.group(2))
        if a and b and b - a + 1 == n or a and b and b - a == n:
            best = (m.start(), b)
    if doc_year:
        for m in cues.relative_re.finditer(text, lo, hi):
            if n_text in m.group() and (best is None or m.start() > best[0]):
                best = (m.start(), doc_year + cues.relative[m.group()])
    return best[1] if best else None


def is_target(text: str, pos: int, frame: Frame, year: int | None, cues: Cues) -> bool:
    """Whether the number is a goal; ``frame.target_why`` says which evidence won."""
    s0, _ = frame.sentence
    if frame.is_base:
        frame.target_why = "a comparison base is where things stood"
        return False
    if year is not None and frame.doc_year is not None and year > frame.doc_year:
        frame.target_why = f"{year} is after the document's year {frame.doc_year}"
        return True
    finished = year is not None and frame.doc_year is not None and year < frame.doc_year
    # The cues before the number are read only when they can decide (not for most finished
    # years), and once.
    before = None
    if finished and frame.assumed_review and not frame.year_stated:
        before = _cue_text(text, s0, pos, cues)
    if finished and not (before is not None and cues.target.search(before)):
        # A figure for a finished year is a result, even if it was forecast (预计), unless quoted
        # as a goal (sought only where goal_name, 目标, comes before it: the cue text can hold it only then).
        named = bool(cues.goal_name) and text.find(cues.goal_name, s0, pos) >= 0  # no name: no quoted goal
        goal_quoted = cues.goal_quoted.search(text[frame.clause_start:pos]) if named else None
        if goal_quoted and before is None:
            before = _cue_text(text, s0, pos, cues)
        quoted = bool(goal_quoted and cues.goal_name in before)
        frame.target_why = (f"a goal quoted for a finished year: {goal_quoted.group()}" if quoted
                            else f"{year} is before the document's year {frame.doc_year}: a result")
        return quoted
    if before is None:
        before = _cue_text(text, s0, pos, cues)
    # The cue nearest the number decides (力争…累计超100名 is a goal; 计划…已完成 a result).
    results = list(cues.result.finditer(before))
    targets = list(cues.target.finditer(before))
    # finditer's matches of the (non-empty) cue words do not overlap: the last one ends last.
    last_result = results[-1].end() if results else -1
    last_target = targets[-1].end() if targets else -1
    if last_result >= last_target and last_result >= 0:
        frame.target_why = f"result cue nearest before it: {results[-1].group()}"
        return False
    if last_target >= 0:
        cue = targets[-1].group()
        if cue in cues.estimate and frame.late_in_year and (year is None or year == frame.doc_year):
            # 全年预计实现… in a report given at the end of its year: a preliminary result (SPEC §4a).
            frame.target_why = f"{cue} in a report given at the end of {frame.doc_year}: a preliminary result"
            return False
        frame.target_why = f"goal cue nearest before it: {cue}"
        return True
    if m := cues.goal_after.match(text, pos=frame.number_end):
        frame.target_why = f"a goal named right after it: {m.group()}"
        return True  # 实现…翻两番的宏伟目标: the goal is named right after the number
    if frame.paragraph_mode and not frame.year_stated:
        frame.target_why = f"{frame.paragraph_mode} frame: {frame.paragraph_why}"
        return frame.paragraph_mode == "goal"  # 到“十四五”末，…要达到…。其中，…: the goal frame goes on
    if frame.early_in_year and frame.year_stated and year is not None and year == frame.doc_year:
        frame.target_why = "a report given early in its year speaks of that year as a plan"
        return True
    frame.target_why = f"the section is a {frame.section_mode}" if frame.section_mode else "no goal cue: a result"
    return frame.section_mode == "plan"


def _cue_text(text: str, s0: int, pos: int, cues: Cues) -> str:
    """The sentence up to the number as the goal and result cues are read in: words that merely
    contain a cue (主要, 要求) blanked out, and 将 before its object (将15个部门382项事项…: 把,
    no future)."""
    before = cues.target_not.sub(lambda m: "\u3000" * len(m.group()), text[s0:pos])
    if cues.ba_object is None or _BA not in before:
        return before
    return cues.ba_object.sub(lambda m: "\u3000" * len(m.group()), before)


_PAIR_JOIN = compiled(r"\s*(?:和|与|及|、)\s*")
_PAIR_QUALIFIERS = ("左右", "以上", "以下", "以内")


def pair_qualifier(text: str, end: int, cues: Cues, rs: RuleSet) -> str:
    """A qualifier after the second of a coordinated pair applies to both (分别增长5%和7.5%左右:
    both approx): the qualifier of the figure joined right after this one, if it has one."""
    c = text[end:end + 1]
    if c not in _PAIR_JOINERS and not c.isspace():
        return ""  # (most figures) no join: what _PAIR_JOIN's spaces take is a subset of str.isspace
    j = _PAIR_JOIN.match(text, end)
    if not j:
        return ""
    f = cues.figure.match(text, j.end())
    if not f or not f.group():
        return ""
    if not f.group().endswith(_PAIR_QUALIFIERS):
        return ""  # 多/余 inside the second number (7.5万多) are its own
    q = parse_quantity(f.group(), rs)
    return q.qualifier if q is not None else ""


def qualifier_from_context(text: str, sent_start: int, pos: int, cues: Cues) -> str:
    """A governing qualifier further back in the clause (大约…一千亿元、二千八百万吨)."""
    if cues.gov_re is None:
        return ""
    window = text[sent_start:pos]
    if not cues.gov_re.search(window):
        return ""  # none at all (most clauses); blanking the words below only takes some away
    if cues.gov_not is not None:
        window = cues.gov_not.sub(lambda m: "\u3000" * len(m.group()), window)  # 节约 is not 约
    found = list(cues.gov_re.finditer(window))
    if found:
        between = window[found[-1].end():]
        if not _CLAUSE_END.search(between):
            return cues.qual_gov[found[-1].group()]
    return ""
