"""The normaliser: matching form plus an exact map back to the original text."""

from __future__ import annotations

import pytest

from govmetrics.normalize import normalize


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("１９９６年增长９．７％", "1996年增长9.7%"),
        ("地區生產總值", "地区生产总值"),
        ("區(qū)域", "区域"),
        ("突破 4000 亿元", "突破4000亿元"),
        ("1 9 9 3 年", "1993年"),
        ("十 余 万", "十余万"),
        ("经开区五指标全国第一 广州黄埔", "经开区五指标全国第一 广州黄埔"),
        ("GDP 4000", "GDP 4000"),
        # a middle dot between digits is a decimal point (1999 report); elsewhere a name separator
        ("全年增长19·5%", "全年增长19.5%"),
        ("中国·上海", "中国·上海"),
        ("第2·3条", "第2.3条"),
    ],
)
def test_matching_form(original: str, expected: str) -> None:
    assert normalize(original).text == expected


@pytest.mark.parametrize(
    "original",
    ["8.5個(gè)小時(shí)", "突破 4000 亿元", "１．３７万亿斤", "a\u3000b 1 9 9 3 年", "", "區(qū)"],
)
def test_offsets_map_back(original: str) -> None:
    n = normalize(original)
    assert len(n.starts) == len(n.text) == len(n.ends)
    for i in range(len(n.text)):
        for j in range(i + 1, len(n.text) + 1):
            a, b = n.original_span(i, j)
            assert 0 <= a < b <= len(original)
    if n.text:
        a, b = n.original_span(0, len(n.text))
        # the whole normalised text maps onto a span that starts and ends on kept characters
        assert normalize(original[a:b]).text.strip() == n.text.strip()


def test_pinyin_is_glued_to_its_character() -> None:
    original = "8.5個(gè)小時(shí)"
    n = normalize(original)
    assert n.text == "8.5个小时"
    a, b = n.original_span(0, len(n.text))
    assert original[a:b] == original


def test_space_before_a_full_width_dot_is_inside_the_number() -> None:
    assert normalize("达到1 ．1 亿门").text == "达到1.1亿门"


def test_a_line_of_zero_width_characters_inside_a_number_joins_it() -> None:
    # Web copies of the 2017 work report: 国内生产总值达到74.4\n\u200b\n万亿元
    original = "国内生产总值达到74.4\n\u200b\n万亿元，增长6.7%。\n\u200b\n下一段"
    n = normalize(original)
    assert n.text.startswith("国内生产总值达到74.4万亿元")
    assert "。\n\u200b\n下一段" in n.text  # after a finished sentence it stays a paragraph break
    a, b = n.original_span(8, 15)
    assert original[a:b] == "74.4\n\u200b\n万亿元"


def test_unchanged_by_normalize_is_never_wrong() -> None:
    # The shortcut that lets numeral parsing skip normalising a snippet again: whenever it
    # says "unchanged", normalize() must indeed give the text back, for every BMP character
    # alone, between digits and between Han characters.
    from govmetrics.normalize import unchanged_by_normalize

    for o in range(0x10000):
        if 0xD800 <= o <= 0xDFFF:
            continue
        c = chr(o)
        for s in (c, f"1{c}1", f"中{c}国"):
            if unchanged_by_normalize(s):
                assert normalize(s).text == s, hex(o)
    assert unchanged_by_normalize("增长8.5%")
    assert not unchanged_by_normalize("增長8.5%")
    assert not unchanged_by_normalize("4000 亿元")


def test_t2s_shortcut_converts_as_opencc_does() -> None:
    # Texts without a phrase entry go through the character table instead of OpenCC's
    # converter; with and without phrases, separators included, the result must not differ.
    import random

    from govmetrics.normalize import _convert, _converter, _t2s_filter

    cc, flt = _converter(), _t2s_filter()
    assert flt is not None and flt.by_char is not None  # the shipped tables have the shape it needs
    keys = [k for group in cc._dict_chain_data for _, _, table in group for k in table]
    rnd = random.Random(18)
    for _ in range(2000):
        text = "".join(rnd.choice(keys) if rnd.random() < 0.6 else rnd.choice("的是在，。 —1") for _ in range(rnd.randint(1, 12)))
        assert _convert(cc, text, flt) == cc.convert(text), text
    assert _convert(cc, "乾隆年間的乾燥", flt) == cc.convert("乾隆年間的乾燥")
    # A long Traditional text: only the pieces with a phrase (反覆, 藉口) go through OpenCC.
    text = "我們反覆研究，決定不找藉口。\n" * 20 + "經濟發展——這是關鍵；國內生產總值增長８．５％。" * 30
    assert _convert(cc, text, flt) == cc.convert(text)


def test_offset_map_reads_like_a_list() -> None:
    import bisect

    from govmetrics.normalize import OffsetMap

    m = OffsetMap([0, 3, 4], [0, 2, 5], 6)  # 0 1 2 | 5 | 9 10
    assert list(m) == [0, 1, 2, 5, 9, 10]
    assert m[-1] == 10 and m[1:4] == [1, 2, 5] and len(m) == 6
    assert bisect.bisect_right(m, 6) == 4
    with pytest.raises(IndexError):
        m[6]


def test_t2s_filter_finds_phrases_around_anchors_as_one_pass_would() -> None:
    import random

    from govmetrics.normalize import _t2s_filter

    flt = _t2s_filter()
    assert flt is not None and flt.phrases
    rnd = random.Random(11)
    filler = "的一不明回覆藉瞭沈阳示重反，。 "
    for _ in range(3000):
        text = "".join(rnd.choice(flt.phrases) if rnd.random() < 0.1 else rnd.choice(filler) for _ in range(rnd.randint(0, 30)))
        plain = bool(flt.chars.search(text)) or bool(flt._phrases_re.search(text))
        assert flt.may_change(text) == plain, text


def test_whole_text_scans_find_what_finditer_finds() -> None:
    # normalize looks for whitespace runs and pinyin one character at a time (fast literal
    # searches): they must be the runs and annotations one finditer over the text finds.
    import random

    import regex

    from govmetrics.normalize import _HSPACE_CHARS, _PINYIN, _hspace_runs, _pinyin_spans

    rnd = random.Random(3)
    pieces = [*_HSPACE_CHARS, "\n", "區", "国", "a", "qū", "x1", "(", "（", ")", "）", "( qu )", "\x1c", "5"]
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    hspace = regex.compile(r"[ \t\u00a0\u3000\u2002-\u200b\ufeff]+")
    for text in texts:
        assert _hspace_runs(text) == [m.span() for m in hspace.finditer(text)], repr(text)
        assert _pinyin_spans(text) == [m.span() for m in _PINYIN.finditer(text)], repr(text)


def test_t2s_tables_come_back_from_the_disk_cache_as_built(tmp_path, monkeypatch) -> None:
    # The filter's tables are kept on disk, keyed by OpenCC's t2s configuration, the
    # dictionaries it names and OpenCC's code that reads them: a filter made from the saved
    # tables is the one built afresh.
    from govmetrics import diskcache, normalize

    monkeypatch.setenv("GOVMETRICS_CACHE_DIR", str(tmp_path))
    seen: list[list[str]] = []
    signature = diskcache.code_signature
    monkeypatch.setattr(diskcache, "code_signature",
                        lambda files, *v, **k: seen.append([p.name for p in files]) or signature(files, *v, **k))
    normalize._t2s_filter.cache_clear()
    try:
        built = normalize._t2s_filter()
        assert list(tmp_path.glob("t2s-*.pickle")) and len(seen) == 1
        assert seen[0][:3] == ["t2s.json", "TSPhrases.txt", "TSCharacters.txt"] and seen[0][-1] == "normalize.py"
        assert "opencc.py" in seen[0][3:-1]
        normalize._t2s_filter.cache_clear()
        monkeypatch.setattr(normalize, "_t2s_tables", lambda: pytest.fail("not read from the cache"))
        loaded = normalize._t2s_filter()
    finally:
        normalize._t2s_filter.cache_clear()
    assert built is not None and loaded is not None and loaded is not built
    assert loaded.chars.pattern == built.chars.pattern and loaded.phrases == built.phrases
    assert loaded._anchors == built._anchors and loaded.by_char is not None and built.by_char is not None
    assert loaded.by_char._table == built.by_char._table and loaded.by_char._phrase_re.pattern == built.by_char._phrase_re.pattern


def test_a_short_text_is_searched_for_all_anchors_at_once() -> None:
    # may_change looks for the phrase anchors of a short text (a figure's surface) with one
    # search of their class: it must answer as the one find per anchor of a long text does.
    from govmetrics.normalize import _t2s_filter

    flt = _t2s_filter()
    if flt is None:
        pytest.skip("no OpenCC")
    for p in flt.phrases:
        assert flt.may_change(p) and flt.may_change("增长" + p + "5%"), p
    for t in ["增长5%", "3600亿元", "覆盖率", "瞭望", "沈阳", "凭藉", "反覆", "", *flt._anchors]:
        assert flt.may_change(t) == flt.may_change(t + "。" * 64), t
