"""Document structure on the normalised text: articles, sections, paragraphs, sentences.

Each unit is a [start, end) span of the normalised text plus what the context stage
needs from it: the article's own date, a section's year and whether it is a review
(results) or a plan (targets).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

import regex

from .numbers import parse_number
from .patterns import compiled, compiled_re
from .rules import RuleSet

# The marks that end a sentence, and the closing quotes and brackets that stay with it.
_END_MARKS = "。！？!?"
_CLOSING = "”」』)）"
_TERMINAL = _END_MARKS + "；;：:”」』"
# A line of hyphens (or of 3+ other rule characters) separates pasted articles; a lone "——"
# is Chinese punctuation that a line break cut off, not a separator.
_SEPARATOR = compiled(r"(?m)^[ \t]*(?:-+|[—=*_#·]{3,})[ \t]*$")
# A year in digits or in Chinese numerals (1983, 一九八三): every year pattern builds on it.
YEAR = r"(?:1[89]|20)\d\d|[一二三四五六七八九〇零○]{4}"
_FULL_DATE = compiled(
    r"(" + YEAR + r")\s*(?:年|[-/.])\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*(?:月|[-/.])"
    r"(?:\s*(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号]?)?"
)
_YEAR = compiled(r"(?<![\d])(" + YEAR + r")(?![\d])\s*年(?!代)")
_HEADING_MARK = compiled(
    r"^\s*(?:[一二三四五六七八九十]+[、.]|第[一二三四五六七八九十]+[部分章节、，,]|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[、.](?!\d)|[-•·]\s)"
)
_REVIEW_LAST_YEAR = compiled(
    r"(" + YEAR + r")年(?:的?(?:国内)?工作的?回顾|工作总结|以来的工作)|刚刚过去的(" + YEAR + r")年"
)
_REVIEW_WORDS = ("回顾", "工作总结", "以来的工作", "刚刚过去的")  # every match of it holds one
_TOP_HEADING = compiled(r"\s*[一二三四五六七八九十]{1,2}、")
# At the start of the text or after a sentence's end: patterns led by one character each (the
# stdlib scans for a character far faster than for a class, or an alternation with ^).
_INLINE_HEADINGS = tuple((c, compiled_re(re.escape(c) + r"[ \t]*([一二三四五六七八九十]{1,2}、)")) for c in _END_MARKS)
_OPENING_HEADING = compiled_re(r"[ \t]*([一二三四五六七八九十]{1,2}、)")
_REPORT_TITLE = compiled(r"((?:19|20)\d\d)年[\p{Han}]{0,12}政府工作报告")
_WORK_REPORT = compiled(r"\s*(?:-\s*)?各位代表")
# A sentence up to and with its end marks (and closing quotes): back to back from the text's
# start, so their lengths add up to the ends of the marks (findall makes no match objects).
_SENTENCE = compiled_re(f"[^{_END_MARKS}]*[{_END_MARKS}]+[{_CLOSING}]*")
_CLOSERS = compiled_re(f"[{_CLOSING}]*")
_FILENAME_YEAR = compiled(r"(?<!\d)((?:19[5-9]|20[0-4])\d)(?!\d)")


@lru_cache(maxsize=4096)
def year_value(s: str) -> int | None:
    v = parse_number(s)
    return int(v) if v is not None and 1600 <= v <= 2100 else None


# Compared by identity and never printed: no generated __eq__/__repr__, whose source
# Python compiles at every start (the same for Article and Structure).
@dataclass(eq=False, repr=False)
class Section:
    """A headed section of an article: its heading, year and mode (plan / review)."""

    start: int
    end: int
    heading: str
    year: int | None
    mode: str  # "plan", "review" or ""


@dataclass(eq=False, repr=False)
class Article:
    """One article of a document (a file may hold several), with its year and genre."""

    start: int
    end: int
    year: int | None
    early: bool = False  # dated in the first months of its year, as work reports are
    reviews_last_year: bool = False  # opens by reviewing the year before (刚刚过去的1984年)
    genre: str = ""  # "news", "communique", "party", "work_report" or "" (see rules/genres.yaml)
    published: int | None = None  # the year of the date on the page, when it differs from `year`
    year_evidence: str = ""  # what the article's year was read from (shown by `explain`)
    date: str = ""  # its own date as precisely as the text gives it: 2021-03-01, 2021-03, 2021
    region: str = ""  # the jurisdiction it is about (filled by the region stage)


@dataclass(eq=False, repr=False)
class Structure:
    """The units of a normalised text: sentences, paragraphs, articles, sections."""

    text: str
    sentences: list[tuple[int, int]]
    paragraphs: list[tuple[int, int]]
    articles: list[Article]
    sections: list[Section]
    sentence_starts: list[int] = field(default_factory=list)  # of `sentences`, for bisect
    _para_starts: list[int] = field(default_factory=list)
    _sec_starts: list[int] = field(default_factory=list)
    _art_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._art_starts = [a.start for a in self.articles]
        self.sentence_starts = [s for s, _ in self.sentences]
        self._sec_starts = [s.start for s in self.sections]
        self._para_starts = [s for s, _ in self.paragraphs]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        return self.sentences[max(i, 0)]

    def sentence_index(self, pos: int) -> int:
        return max(bisect.bisect_right(self.sentence_starts, pos) - 1, 0)

    def paragraph_at(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._para_starts, pos) - 1
        return self.paragraphs[max(i, 0)]

    def article_at(self, pos: int) -> Article:
        i = bisect.bisect_right(self._art_starts, pos) - 1
        return self.articles[max(i, 0)]

    def section_at(self, pos: int) -> Section | None:
        """The latest-starting section that holds ``pos`` (sections may nest: the assumed
        opening review holds the headings inside it)."""
        i = bisect.bisect_right(self._sec_starts, pos) - 1
        while i >= 0:
            s = self.sections[i]
            if s.start <= pos < s.end:
                return s
            i -= 1
        return None


def _lines(raw: list[str]) -> list[tuple[int, int]]:
    """The [start, end) of each line, from the text split at line breaks."""
    out, pos = [], 0
    for line in raw:
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _is_heading(s: str, prev_ended: bool, next_blank: bool) -> bool:
    """A short line (``s``: stripped) without closing punctuation: marked (一、…), or standing
    alone between a finished sentence and a blank line. Otherwise it is a sentence broken
    across lines."""
    if not s or len(s) > 45:
        return False
    if _HEADING_MARK.match(s):
        return s[-1] not in _END_MARKS and s[-1] not in "；;"
    return prev_ended and next_blank and s[-1] not in _TERMINAL + "，,、"


def analyse(text: str, rs: RuleSet, doc_name: str = "") -> Structure:
    """Split normalised ``text`` into its units."""
    raw = text.split("\n")  # the text of each line
    lines = _lines(raw)
    stripped = [line.strip() for line in raw]
    # Paragraphs: lines joined where a sentence runs on across a line break.
    paragraphs: list[tuple[int, int]] = []
    cur_start = None
    prev_ended = True
    headings: list[tuple[int, int]] = []
    for i, (a, b) in enumerate(lines):
        s = stripped[i]
        if not s:
            if cur_start is not None:
                paragraphs.append((cur_start, lines[i - 1][1]))
                cur_start = None
            prev_ended = True
            continue
        nxt_s = stripped[i + 1] if i + 1 < len(lines) else ""
        heading = _is_heading(s, prev_ended, not nxt_s)
        if heading:
            headings.append((a, b))
        if cur_start is None:
            cur_start = a
        ends = s[-1] in _TERMINAL or heading or len(s) < 30 and prev_ended
        runs_on = not ends and nxt_s and not _HEADING_MARK.match(raw[i + 1])
        if not runs_on:
            paragraphs.append((cur_start, b))
            cur_start = None
        prev_ended = bool(ends)
    if cur_start is not None:
        paragraphs.append((cur_start, len(text)))
    if not paragraphs:
        paragraphs = [(0, len(text))]
    sentences: list[tuple[int, int]] = []
    # Sentence ends in one pass: an end (its marks and closing quotes) lies within a line,
    # so within one paragraph. The pass stops after the last end mark and its closing quotes:
    # beyond them a search would fail at every position, each time after a scan to the
    # text's end (quadratic in the length of a text's tail without an end mark).
    last = max(map(text.rfind, _END_MARKS))
    stop = _CLOSERS.match(text, last + 1).end() if last >= 0 else 0
    ends = list(accumulate(map(len, _SENTENCE.findall(text, 0, stop))))
    # A sentence starts where the one before ends, or where its paragraph starts (the first of
    # each paragraph is set below): the sentences are read off in one zip, interrupted only by
    # the text after a paragraph's last end mark. Each of them holds its end mark, so none is
    # blank; inside a paragraph a line break is a run-on (the paragraph split kept real breaks).
    starts = [0, *ends[:-1]] if ends else []
    k = done = 0
    for a, b in paragraphs:
        k = bisect.bisect_right(ends, a, k)
        j = bisect.bisect_right(ends, b, k)
        st = a
        if j > k:
            starts[k] = a
            st = ends[j - 1]
        k = j
        if st < b and text[st:b].strip():
            sentences += zip(starts[done:j], ends[done:j], strict=True)
            sentences.append((st, b))
            done = j
    sentences += zip(starts[done:], ends[done:], strict=True)
    if not sentences:
        sentences = [(0, len(text))]
    articles = _articles(text, lines, stripped, doc_name, rs.data.get("cues", {}))
    # Headings run into their paragraph in text copied from web pages (一、2020年工作回顾2020年是…):
    # take the first few characters after a top-level marker that opens a sentence.
    found = {a: text[a:b].strip() for a, b in headings}
    opening = _OPENING_HEADING.match(text)
    for a in ([opening.start(1)] if opening else []) + _inline_headings(text):
        if not any(h <= a < h + len(t) + 1 for h, t in found.items()):
            found[a] = text[a : a + 30].split("。")[0]
    sections = _sections(text, sorted(found.items()), rs, articles)
    return Structure(text, sentences, paragraphs, articles, sections)




def _inline_headings(text: str) -> list[int]:
    """Where a top-level marker (一、) opens a sentence after another's end, in order."""
    return sorted(m.start(1) for c, p in _INLINE_HEADINGS if c in text for m in p.finditer(text))


def _articles(text: str, lines: list[tuple[int, int]], stripped: list[str], doc_name: str,
              cues: dict | None = None) -> list[Article]:
    """``stripped``: the text of each line, stripped."""
    cues = cues or {}
    # A separator line is one of rule characters (and spaces) only: test the lines that start with one.
    seps = [a for (a, b), s in zip(lines, stripped, strict=True) if s and s[0] in "-—=*_#·" and _SEPARATOR.fullmatch(text, a, b)]
    if not seps:
        seps = _headline_cuts(text, lines, stripped)
    cuts = [0] + seps + [len(text)]
    arts: list[Article] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if b <= a:
            continue
        body = text[a:b]
        review = _review_of_last_year(body)
        year, early, evidence, date = _article_dating(body, review)
        reviews = bool(review) and year is not None
        genre = _genre(body, cues)
        if _WORK_REPORT.match(body):
            # 各位代表：… a work report, delivered at the congress early in its year.
            early, reviews = True, True
        if genre == "news" and early and any(w in body[:300] for w in cues.get("genre_work_report", [])):
            reviews = True  # news of a work report given early in the year: it reviews the year before
        art = Article(a, b, year, early, reviews, genre, None, evidence, date)
        if genre == "communique":
            _communique_frame(art, body)
        arts.append(art)
    if not arts:
        arts = [Article(0, len(text), None)]
    fallback = None
    m = _FILENAME_YEAR.search(doc_name.rsplit("/", 1)[-1]) if doc_name else None
    if m:
        fallback = int(m.group(1))
    for art in arts:
        if art.year is None:
            art.year = fallback or _latest_year_mentioned(text[art.start:art.end])
            art.year_evidence = "file name" if fallback else "latest year mentioned"
    return arts


def _genre(body: str, cues: dict) -> str:
    """The article's genre from the words of its first lines (rules/genres.yaml)."""
    head = body[:300]
    for genre in ("news", "communique", "party", "work_report"):
        if any(w in head for w in cues.get(f"genre_{genre}", [])):
            return genre
    return ""


_COMMUNIQUE_TITLE = compiled(r"(" + YEAR + r")\s*年[^\n。]{0,40}?统计公报")
_OPENING_YEAR = compiled(r"\s*(" + YEAR + r")\s*年\s*(?:[,，是]|全年|末|以来)")


def _communique_frame(art: Article, body: str) -> None:
    """A statistical communiqué on year Y reports Y: Y is the year of its title (2024年…统计
    公报) or of the sentence it opens with (2011年，珠海市…), else the year before its date.
    The date on the page is only when it was published: it dates no figure and makes no
    result a plan."""
    m = _COMMUNIQUE_TITLE.search(body[:300])
    how = "communiqué title"
    if not m:
        for line in body[:800].split("\n"):
            m = _OPENING_YEAR.match(line)
            if m:
                how = "communiqué opening sentence"
                break
    year = year_value(m.group(1)) if m else None
    if year is None and art.year is not None:
        year, how = art.year - 1, "communiqué published the year after"
    if year is None:
        return
    if art.year is not None and art.year != year:
        art.published = art.year
    art.year, art.early, art.reviews_last_year, art.year_evidence = year, False, False, how


_MENTION = compiled(r"(?<![\d到])(?<!(?<!截)至)((?:19|20)\d\d)\s*年(底|末|全年)?(?![前代])")


def _latest_year_mentioned(body: str) -> int | None:
    """An undated article is written no earlier than the latest year it reports on;
    a year reported as finished (截至2019年底, 2019年全年) puts it in the next one."""
    best = None
    for m in _MENTION.finditer(body):
        y = int(m.group(1)) + (1 if m.group(2) else 0)
        best = y if best is None or y > best else best
    return best


_DATE_LINE = compiled(
    r"[ \t]*(?:(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}|(?:19|20)\d\d年\d{1,2}月\d{1,2}日)(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[ \t]*$"
)


def _headline_cuts(text: str, lines: list[tuple[int, int]], stripped: list[str]) -> list[int]:
    """Articles pasted one after another without separators: a new one starts at a short
    headline followed (after blank lines) by a line holding only a date."""
    cuts: list[int] = []
    last = -1  # the last line with text
    for i, (a, b) in enumerate(lines):
        s = stripped[i]
        if not s:
            continue
        # A date line starts with the year (19xx, 20xx) after its spaces.
        if s[:2] in ("19", "20") and last >= 0 and _DATE_LINE.fullmatch(text, a, b):
            head = stripped[last]
            if head and len(head) <= 40 and head[-1] not in _TERMINAL + "，,、" and lines[last][0] > 0:
                cuts.append(lines[last][0])
        last = i
    return cuts


def _date_text(m: regex.Match) -> str:
    """A _FULL_DATE match as an ISO date, as precise as it is written (2021-03-01, 2021-03)."""
    year, month = year_value(m.group(1)), parse_number(m.group(2))
    if not year or not month or not 1 <= month <= 12:
        return str(year) if year else ""
    day = parse_number(m.group(3)) if m.group(3) else None
    if day and 1 <= day <= 31:
        return f"{year:04d}-{int(month):02d}-{int(day):02d}"
    return f"{year:04d}-{int(month):02d}"


def _dateline(head: str) -> regex.Match | None:
    """The first full date in an article's head that dates the text: a dateline has a day
    (2019年12月6日, 2021-09-27) or a line of its own; 从1993年3月就职 is history."""
    for m in _FULL_DATE.finditer(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        line_end = head.find("\n", m.end())
        line = head[line_start:line_end if line_end >= 0 else len(head)]
        if (m.group(3) or len(line.strip()) - len(m.group(0)) <= 8) and year_value(m.group(1)):
            return m
    return None


def _review_of_last_year(body: str) -> regex.Match | None:
    """_REVIEW_LAST_YEAR in the article's first 3000 characters. Each of its forms holds one
    of _REVIEW_WORDS, so they are looked for first (far faster than a search of the pattern)."""
    head = body[:3000]
    return _REVIEW_LAST_YEAR.search(head) if any(w in head for w in _REVIEW_WORDS) else None


def _page_stamp(body: str) -> regex.Match | None:
    """A full date on one of the article's last three non-empty lines, with little else on it."""
    tail = [ln for ln in body.rstrip().rsplit("\n", 3)[-3:] if ln.strip()]
    for ln in reversed(tail):
        m = _FULL_DATE.search(ln)
        if m and len(ln.strip()) - len(m.group(0)) <= 8 and year_value(m.group(1)):
            return m
    return None


def _article_dating(body: str, review: regex.Match | None) -> tuple[int | None, bool, str, str]:
    """The article's own year, whether it is dated early in that year, what the year was read
    from, and its date as the text gives it ("" when it gives none: a year worked out is no
    date). Both come from a full date near the top (the dateline or the meeting the report was
    given at), else the report's title (2021年黄埔区政府工作报告: delivered early that year),
    else a page stamp at the end; the year from ``review``, the article's review of the year
    before (_review_of_last_year), ahead of the title."""
    head = body[:400]
    if m := _dateline(head):
        month = parse_number(m.group(2)) or 12
        return year_value(m.group(1)), month <= 4, "date at the top", _date_text(m)
    title = _REPORT_TITLE.search(head)
    title_year = year_value(title.group(1)) if title else None
    stamp = None if title_year else _page_stamp(body)
    date = title.group(1) if title and title_year else _date_text(stamp) if stamp else ""
    if review and (y := year_value(review.group(1) or review.group(2))):
        return y + 1, True, "review of the year before", date
    if title_year:
        return title_year, True, "report title", date
    if stamp:
        return year_value(stamp.group(1)), False, "date at the end", date
    return None, False, "", date


@lru_cache(maxsize=8)
def _plan_names(names: tuple[str, ...]) -> regex.Pattern:
    alt = "|".join(regex.escape(n) for n in sorted(names, key=len, reverse=True))
    return compiled(f"(?<![一二三四五六七八九十])({alt})(?:”|时期|规划)")


def _sections(text: str, headings: list[tuple[int, str]], rs: RuleSet, articles: list[Article]) -> list[Section]:
    cues = rs.data.get("cues", {})
    plan_words = cues.get("plan_headings", [])
    review_words = cues.get("review_headings", [])
    plans = rs.data.get("five_year_plans", {})
    out: list[Section] = []
    for a, h in headings:
        if _FULL_DATE.search(h):
            continue  # a dateline, not a section
        year = None
        m = _YEAR.search(h)
        if m:
            year = year_value(m.group(1))
        mode = ""
        if any(w in h for w in plan_words):
            mode = "plan"
        elif any(w in h for w in review_words):
            mode = "review"
        if year is None:
            named = [int(plans[m.group(1)]) for m in _plan_names(tuple(plans)).finditer(h)]
            if named:
                # 十三五时期发展成就和十四五时期主要目标任务: a plan section looks to the later plan.
                year = max(named) if mode == "plan" else min(named)
        if year is None and not mode and _TOP_HEADING.match(h):
            # 二、坚持实行扩大内需的方针: a top-level heading that names no year or mode; its
            # body decides whether it lays out plans (要, 将, 继续 …) or reports results (了, 已).
            body = text[a:a + 1500]
            plan_votes = sum(body.count(w) for w in cues.get("plan_words", []))
            result_votes = sum(body.count(w) for w in cues.get("result_words", []))
            if plan_votes > 2 * result_votes + 3:
                mode = "plan"
        if year is None and not mode:
            continue
        art = next((x for x in articles if x.start <= a < x.end), None)
        if year is None and art and art.year:
            rel = [(w, int(off)) for w, off in rs.data.get("relative_years", {}).items() if w in h]
            if rel:
                year = art.year + max(rel, key=lambda x: len(x[0]))[1]
        if not mode and year is not None and art and art.year and art.early:
            # In a report given early in its year, a section about that year (or later) is its plan.
            mode = "plan" if year >= art.year else "review"
        if year is None and mode == "review":
            year = art.year - 1 if art and art.year and art.early else None
        if year is None and mode == "plan":
            year = art.year if art and art.early else None
        out.append(Section(a, len(text), h, year, mode))
    # A report that opens by reviewing last year speaks of that year until its first plan section.
    for art in articles:
        if art.reviews_last_year and art.year and not any(x.start <= art.start + 200 and x.year for x in out):
            first_plan = min((x.start for x in out if x.mode == "plan" and art.start <= x.start < art.end), default=art.end)
            out.append(Section(art.start, first_plan, "", art.year - 1, "review"))
    out.sort(key=lambda x: x.start)
    # A section runs until the next section heading or the end of its article.
    for i, s in enumerate(out):
        if not s.heading:
            continue  # the opening review keeps its own end
        nxt = out[i + 1].start if i + 1 < len(out) else len(text)
        art_end = next((x.end for x in articles if x.start <= s.start < x.end), len(text))
        s.end = min(nxt, art_end)
    return out
