"""Tables (SPEC §3a): every layout and format of the same table gives the same claims.

Fixtures are built here for each text layout (| rows, tabs, runs of spaces, one cell per
line) and each format (HTML, DOCX, PDF); the annotated tables of four local statistical
communiqués (tests/data/tables, from ../shared/gold/local) are checked cell by cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govmetrics import extract_text
from govmetrics.readers import read_document
from govmetrics.rules import default_ruleset
from govmetrics.tables import find_tables, vocab_for

DATA = Path(__file__).parent / "data" / "tables"

CAPTION = "2022年全市地区生产总值及增速"
HEADER = ["指标", "绝对数(亿元)", "比上年增长(%)"]
ROWS = [
    ["地区生产总值", "609.91", "5.2"],
    ["其中:第一产业", "60.50", "-1.3"],
    ["第二产业", "250.10", "6.0"],
    ["第三产业", "299.31", "5.1"],
]
PROSE = "全年地区生产总值609.91亿元，比上年增长5.2%。"

# (value, unit, kind, subject, year) of the table above, in order.
EXPECTED = [
    (6.0991e10, "元", "level", "地区生产总值", 2022),
    (5.2, "%", "growth", "地区生产总值", 2022),
    (6.05e9, "元", "level", "第一产业增加值", 2022),
    (-1.3, "%", "growth", "第一产业增加值", 2022),
    (2.501e10, "元", "level", "第二产业增加值", 2022),
    (6.0, "%", "growth", "第二产业增加值", 2022),
    (2.9931e10, "元", "level", "第三产业增加值", 2022),
    (5.1, "%", "growth", "第三产业增加值", 2022),
]


def _table_rows(claims):
    return [(c.value, c.unit, c.kind, c.subject, c.year) for c in claims if c.rule == "table_cell"]


def _fields(claims):
    """What must agree across formats: value, unit, kind, metric, year (and the subject)."""
    return [(c.value, c.unit, c.kind, c.metric, c.year, c.subject) for c in claims if c.rule == "table_cell"]


def _check_offsets(text, claims):
    for c in claims:
        assert text[c.start:c.end] == c.text, c


def _pipe_text():
    lines = [CAPTION, "| " + " | ".join(HEADER) + " |"] + ["| " + " | ".join(r) + " |" for r in ROWS]
    return PROSE + "\n" + "\n".join(lines) + "\n"


def _tab_text():
    return PROSE + "\n" + "\n".join([CAPTION, "\t".join(HEADER)] + ["\t".join(r) for r in ROWS]) + "\n"


def _space_text():
    return PROSE + "\n" + "\n".join([CAPTION, "    ".join(HEADER)] + ["   ".join(r) for r in ROWS]) + "\n"


def _column_text_pipes():
    cells = [*HEADER[1:]] + [c for r in ROWS for c in r]  # no corner cell, as scraped pages give
    return PROSE + "\n" + CAPTION + "\n" + "".join(f"|\n{c}\n" for c in cells) + "|\n"


def _column_text_cell_ends():
    rows = [HEADER, *ROWS]
    body = "".join("|\n" + "".join(f"{c} |\n" for c in r) for r in rows)
    return PROSE + "\n" + CAPTION + "\n" + body + "|\n"


def _column_text_bare():
    cells = [*HEADER] + [c for r in ROWS for c in r]
    return PROSE + "\n" + CAPTION + "\n" + "".join(f"{c}\n" for c in cells)


@pytest.mark.parametrize("make", [_pipe_text, _tab_text, _space_text, _column_text_pipes,
                                  _column_text_cell_ends, _column_text_bare])
def test_every_text_layout_gives_the_table_claims(make):
    text = make()
    claims = extract_text(text)
    _check_offsets(text, claims)
    assert _table_rows(claims) == EXPECTED
    # The prose sentence is untouched: its two claims are still there, from prose rules.
    prose = [c for c in claims if c.rule != "table_cell"]
    assert [(c.text, c.kind) for c in prose] == [("609.91亿元", "level"), ("5.2%", "growth")]
    # `text` is the cell's own characters.
    assert [c.text for c in claims if c.rule == "table_cell"][:4] == ["609.91", "5.2", "60.50", "-1.3"]


TWO = [(6.0991e10, "元", "level", 2022, "gdp"), (5.2, "%", "growth", 2022, "gdp"),
       (5.01e9, "元", "level", 2022, "budget_revenue"), (-3.0, "%", "growth", 2022, "budget_revenue")]


@pytest.mark.parametrize("text", [
    # Markdown, with its rule line under the header.
    "2022年主要指标\n| 指标 | 绝对数(亿元) | 比上年增长(%) |\n|---|---:|---:|\n"
    "| 地区生产总值 | 609.91 | 5.2 |\n| 一般公共预算收入 | 50.1 | -3.0 |\n",
    # Box drawing, the caption above the frame.
    "表2 2022年主要指标\n┌────┬────┐\n│ 指标 │ 绝对数(亿元) │ 比上年增长(%) │\n├────┼────┤\n"
    "│ 地区生产总值 │ 609.91 │ 5.2 │\n│ 一般公共预算收入 │ 50.1 │ -3.0 │\n└────┴────┘\n",
    # Single spaces (a PDF text layer without ruling).
    "2022年主要指标\n指标 绝对数(亿元) 比上年增长(%)\n地区生产总值 609.91 5.2\n一般公共预算收入 50.1 -3.0\n",
    # One cell per line, rows separated by blank lines.
    "2022年主要指标\n指标\n绝对数(亿元)\n比上年增长(%)\n\n地区生产总值\n609.91\n5.2\n\n一般公共预算收入\n50.1\n-3.0\n",
    # The unit on a line of its own, the kind from the header.
    "2022年主要指标\n单位：亿元\n指标    绝对数    比上年增长(%)\n地区生产总值    609.91    5.2\n"
    "一般公共预算收入    50.1    -3.0\n",
])
def test_more_layouts(text):
    claims = extract_text(text)
    _check_offsets(text, claims)
    assert [(c.value, c.unit, c.kind, c.year, c.metric) for c in claims] == TWO


def test_years_over_measures_and_units_in_labels():
    text = ("主要经济指标\n| 指标 | 2021年 | | 2022年 | |\n| 绝对数(亿元) | 增长(%) | 绝对数(亿元) | 增长(%) |\n"
            "| 地区生产总值 | 580.1 | 6.1 | 609.91 | 5.2 |\n")
    assert [(c.value, c.kind, c.year) for c in extract_text(text)] == [
        (5.801e10, "level", 2021), (6.1, "growth", 2021), (6.0991e10, "level", 2022), (5.2, "growth", 2022)]
    text = ("2022年主要农产品产量\n| 产品 | 产量 | 比上年增长(%) |\n| 粮食(万吨) | 123.4 | 2.1 |\n"
            "| 猪肉(万吨) | 10.2 | -5.0 |\n")
    assert [(c.value, c.unit, c.kind, c.metric, c.subject) for c in extract_text(text)] == [
        (1.234e6, "吨", "level", "grain_output", "粮食产量"), (2.1, "%", "growth", "grain_output", "粮食产量"),
        (1.02e5, "吨", "level", "meat_output.pork", "猪肉产量"), (-5.0, "%", "growth", "meat_output.pork", "猪肉产量")]


@pytest.mark.parametrize("text,expected", [
    # Serial numbers without a header, units in the labels.
    ("2022年主要指标\n| 1 | 地区生产总值(亿元) | 609.91 |\n| 2 | 粮食产量(万吨) | 12.3 |\n",
     [(6.0991e10, "元", "level", 2022, "地区生产总值"), (1.23e5, "吨", "level", 2022, "粮食产量")]),
    # A unit line in brackets naming two units (the first is the figures').
    ("2022年主要指标\n（单位：亿元、%）\n指标\t绝对数\t增长\n地区生产总值\t609.91\t5.2\n",
     [(6.0991e10, "元", "level", 2022, "地区生产总值"), (5.2, "%", "growth", 2022, "地区生产总值")]),
    # Year rows; a growth column names nothing: it is the growth of the column before.
    ("2018-2022年地区生产总值及增速\n| 年份 | 地区生产总值(亿元) | 增长(%) |\n| 2021 | 580.1 | 6.1 |\n",
     [(5.801e10, "元", "level", 2021, "地区生产总值"), (6.1, "%", "growth", 2021, "地区生产总值")]),
    # Every row indented by a tab.
    ("2022年主要指标\n\t指标\t绝对数(亿元)\n\t地区生产总值\t609.91\n\t工业\t200.1\n",
     [(6.0991e10, "元", "level", 2022, "地区生产总值"), (2.001e10, "元", "level", 2022, "工业增加值")]),
])
def test_serials_unit_lines_growth_columns_indents(text, expected):
    assert [(c.value, c.unit, c.kind, c.year, c.subject) for c in extract_text(text)] == expected


def test_html_spans_read_like_the_text_form(tmp_path):
    text = ("2022年年末人口数及其构成\n| 地区 | 户数 | 人口数(人) | ||\n| 合计 | 男 | 女 | ||\n"
            "| 合计 | 113438 | 250748 | 122346 | 128402 |\n")
    path = tmp_path / "t.html"
    path.write_text("<p>2022年年末人口数及其构成</p><table><tr><th rowspan=2>地区</th><th rowspan=2>户数</th>"
                    "<th colspan=3>人口数(人)</th></tr><tr><th>合计</th><th>男</th><th>女</th></tr>"
                    "<tr><td>合计</td><td>113438</td><td>250748</td><td>122346</td><td>128402</td></tr></table>",
                    encoding="utf-8")
    doc = read_document(str(path))
    assert _fields(extract_text(doc.text)) == _fields(extract_text(text))
    assert len(_fields(extract_text(text))) == 4


def test_traditional_with_pinyin_cells_keep_original_offsets():
    text = ("2024年全市地區(qū)生產(chǎn)總值及其增長(zhǎng)速度\n"
            "| 指????標(biāo) | 絕對(duì)數(shù)(億元) | 比上年增長(zhǎng)% |\n"
            "| 地區(qū)生產(chǎn)總值 | 2313.0 | 5.2 |\n"
            "| 其中:第一產(chǎn)業(yè) | 287.0 | 2.2 |\n")
    claims = extract_text(text)
    _check_offsets(text, claims)
    assert _table_rows(claims) == [
        (2.313e11, "元", "level", "地区生产总值", 2024), (5.2, "%", "growth", "地区生产总值", 2024),
        (2.87e10, "元", "level", "第一产业增加值", 2024), (2.2, "%", "growth", "第一产业增加值", 2024),
    ]


def test_two_header_rows_with_a_spanning_cell():
    text = ("2022年年末人口数及其构成\n"
            "| 地区 | 户数 | 人口数(人) | ||\n"
            "| 合计 | 男 | 女 | ||\n"
            "| 合计 | 113438 | 250748 | 122346 | 128402 |\n"
            "| 站前派出所 | 12256 | 23948 | 11534 | 12414 |\n")
    claims = [c for c in extract_text(text) if c.rule == "table_cell"]
    assert [(c.value, c.unit) for c in claims[:4]] == [(113438, "户"), (250748, "人"), (122346, "人"), (128402, "人")]
    assert all(c.year == 2022 and c.kind == "level" for c in claims)
    # The labels are places: the column headers name what is counted; counts by police
    # station are household-register figures (rules/tables.yaml names_by_dimension).
    assert claims[2].subject.startswith("户籍人口(男") and claims[4].subject == "户籍户数(站前派出所)"
    assert claims[4].region == "站前派出所" and claims[0].region == ""


def test_year_rows_and_share_from_the_caption():
    text = ("2018-2022年三次产业增加值占地区生产总值比重\n"
            "| 年份 | 第一产业(%) | 第二产业(%) | 第三产业(%) |\n"
            "| 2018 | 2.5 | 30.3 | 67.2 |\n"
            "| 2022 | 2.6 | 31.9 | 65.5 |\n")
    claims = extract_text(text)
    assert [(c.value, c.kind, c.year, c.subject) for c in claims] == [
        (2.5, "share", 2018, "第一产业增加值"), (30.3, "share", 2018, "第二产业增加值"),
        (67.2, "share", 2018, "第三产业增加值"), (2.6, "share", 2022, "第一产业增加值"),
        (31.9, "share", 2022, "第二产业增加值"), (65.5, "share", 2022, "第三产业增加值"),
    ]
    # Year labels are no claims.
    assert not any(c.text in ("2018", "2022") for c in claims)


def test_year_column_headers_unit_line_and_unit_column():
    text = ("主要农产品产量\n单位：万吨\n"
            "指标\t2021年\t2022年\n粮食\t120.5\t123.4\n油料\t8.1\t8.3\n")
    claims = extract_text(text)
    assert [(c.value, c.unit, c.year, c.metric) for c in claims] == [
        (1.205e6, "吨", 2021, "grain_output"), (1.234e6, "吨", 2022, "grain_output"),
        (8.1e4, "吨", 2021, "crop_output.oilseed"), (8.3e4, "吨", 2022, "crop_output.oilseed"),
    ]  # 油料 is in the catalogue
    text = ("2023年主要指标\n"
            "| 序号 | 指标 | 单位 | 绝对数 | 比上年增长(%) |\n"
            "| 1 | 粮食产量 | 万吨 | 123.4 | 2.1 |\n"
            "| 2 | 高新技术企业 | 家 | 56 | 12.0 |\n")
    claims = extract_text(text)
    assert [(c.value, c.unit, c.kind, c.year, c.metric) for c in claims] == [
        (1.234e6, "吨", "level", 2023, "grain_output"), (2.1, "%", "growth", 2023, "grain_output"),
        (56, "家", "level", 2023, "high_tech_enterprises"), (12.0, "%", "growth", 2023, "high_tech_enterprises"),
    ]  # serial numbers and unit labels are no claims


def test_index_table_from_scraped_columns():
    text = ("表1 2007年居民消费价格变动情况(上年=100)\n|\n全 省\n|\n城 市\n|\n农 村\n|\n"
            "居民消费价格总指数\n|\n104.2\n|\n103.9\n|\n104.4\n|\n食品\n|\n111.0\n|\n110.1\n|\n111.8\n|\n")
    claims = extract_text(text)
    assert [(c.value, c.unit, c.kind, c.year) for c in claims] == [
        (104.2, "%", "level", 2007), (103.9, "%", "level", 2007), (104.4, "%", "level", 2007),
        (111.0, "%", "level", 2007), (110.1, "%", "level", 2007), (111.8, "%", "level", 2007),
    ]
    assert claims[0].metric == "cpi" and claims[1].subject == "居民消费价格总指数(城市)"


def test_scraped_columns_with_an_empty_cell():
    text = ("表1 2007年居民消费价格变动情况(上年=100)\n|\n全 省\n|\n城 市\n|\n农 村\n|\n"
            "居民消费价格总指数\n|\n104.2\n|\n103.9\n|\n104.4\n|\n食品\n|\n111.0\n|\n\n|\n111.8\n|\n"
            "衣着\n|\n99.8\n|\n100.8\n|\n98.8\n|\n")
    claims = extract_text(text)
    assert [c.text for c in claims] == ["104.2", "103.9", "104.4", "111.0", "111.8", "99.8", "100.8", "98.8"]
    assert claims[4].subject.endswith("(农村)")


def test_html_cells_holding_paragraphs_stay_on_their_row(tmp_path):
    path = tmp_path / "t.html"
    path.write_text("<p>2022年主要指标</p><table><tr><td><p>指标</p></td><td><p>绝对数</p><p>(亿元)</p></td></tr>"
                    "<tr><td><p>地区生产总值</p></td><td><p>609.91</p></td></tr></table>", encoding="utf-8")
    doc = read_document(str(path))
    assert doc.text == "2022年主要指标\n指标\t绝对数 (亿元)\n地区生产总值\t609.91\n"
    assert [(c.value, c.unit) for c in extract_text(doc.text)] == [(6.0991e10, "元")]


def test_cut_off_last_row_is_not_read():
    text = "2024年全市地区生产总值\n| 指标 | 绝对数(亿元) |\n| 工业 | 526.3 |\n| 建筑业 | 18"
    assert [c.text for c in extract_text(text)] == ["526.3"]


@pytest.mark.parametrize("text", [
    "全年完成投资  120亿元，增长8%。\n会议指出  要加快发展。\n",  # double spaces in prose
    "一、综合\n二、农业\n三、工业\n四、建筑业\n五、交通\n六、旅游\n",  # short lines, no numbers
    "联系电话：\t0552-1234567\n邮编：\t233000\n",  # a contact block
    "第一章\n第二章\n2021\n2022\n2023\n2024\n",  # years alone on lines
])
def test_prose_and_short_lines_are_no_tables(text):
    assert [c for c in extract_text(text) if c.rule == "table_cell"] == []


def test_ratio_of_parts():
    claims = extract_text("初步核算，2024年三次产业结构由上年的13.2:32.3:54.5调整为12.4:30.9:56.7。")
    assert [(c.value, c.unit, c.kind, c.subject) for c in claims] == [
        (13.2, "%", "share", "第一产业增加值"), (32.3, "%", "share", "第二产业增加值"),
        (54.5, "%", "share", "第三产业增加值"), (12.4, "%", "share", "第一产业增加值"),
        (30.9, "%", "share", "第二产业增加值"), (56.7, "%", "share", "第三产业增加值"),
    ]
    assert [c.text for c in extract_text("会议于10:30:45开始。")] == []
    assert [c.text for c in extract_text("三种产品的产量结构为1:2:3。")] == []  # no parts of a whole


# ---------------------------------------------------------------- formats


def _html(path: Path) -> None:
    head = "".join(f"<th>{h}</th>" for h in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in ROWS)
    path.write_text(f"<html><body><p>{PROSE}</p><p>{CAPTION}</p><table><tr>{head}</tr>{body}</table>"
                    "</body></html>", encoding="utf-8")


def _docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph(PROSE)
    d.add_paragraph(CAPTION)
    table = d.add_table(rows=len(ROWS) + 1, cols=len(HEADER))
    for j, h in enumerate(HEADER):
        table.cell(0, j).text = h
    for i, r in enumerate(ROWS, 1):
        for j, c in enumerate(r):
            table.cell(i, j).text = c
    d.save(str(path))


def _pdf_unruled(path: Path) -> None:
    _pdf(path, ruled=False)


def _pdf(path: Path, ruled: bool = True) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16)
    table = Table([HEADER, *ROWS])
    grid = [("GRID", (0, 0), (-1, -1), 0.5, "black")] if ruled else []
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 10),
                               *grid]))
    SimpleDocTemplate(str(path), pagesize=A4).build(
        [Paragraph(PROSE, style), Spacer(1, 8), Paragraph(CAPTION, style), Spacer(1, 4), table])


@pytest.mark.parametrize("make,name", [(_html, "t.html"), (_docx, "t.docx"), (_pdf, "t.pdf"),
                                       (_pdf_unruled, "unruled.pdf")])
def test_html_docx_pdf_give_the_same_claims_as_the_text_form(tmp_path, make, name):
    path = tmp_path / name
    make(path)
    doc = read_document(str(path))
    claims = extract_text(doc.text, doc=str(path))
    _check_offsets(doc.text, claims)
    assert _fields(claims) == _fields(extract_text(_pipe_text()))
    assert _table_rows(claims) == EXPECTED


def test_readers_write_table_rows_with_tabs(tmp_path):
    path = tmp_path / "t.html"
    path.write_text("<table><tr><td></td><th colspan=2>人口数(人)</th></tr>"
                    "<tr><td>合计</td><td>10</td><td>20</td></tr></table>", encoding="utf-8")
    assert read_document(str(path)).text == "\t人口数(人)\n合计\t10\t20\n"


# ---------------------------------------------------------------- annotated local tables


def _gold():
    return [json.loads(line) for line in (DATA / "gold_tables.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("docname", sorted({g["doc"] for g in _gold()}))
def test_annotated_local_tables(docname):
    text = (DATA / docname).read_text(encoding="utf-8")
    claims = [c for c in extract_text(text, doc=docname) if c.rule == "table_cell"]
    got = {(c.start, c.end): c for c in claims}
    gold = [g for g in _gold() if g["doc"] == docname]
    for g in gold:
        c = got.get((g["start"], g["end"]))
        assert c is not None, f"missed {g['text']} at {g['start']}"
        assert (c.value, c.unit, c.kind, c.year) == pytest.approx((g["value"], g["unit"], g["kind"], g["year"])) or (
            c.value == pytest.approx(g["value"]) and (c.unit, c.kind, c.year) == (g["unit"], g["kind"], g["year"])), g
    # No cell claim that the annotators did not see (truncated cells, header units, years).
    spans = {(g["start"], g["end"]) for g in gold}
    assert [c.text for c in claims if (c.start, c.end) not in spans] == []


def test_find_tables_layouts():
    rs = default_ruleset()
    v = vocab_for(rs)
    layouts = {t.layout for f in DATA.glob("*.txt") for t in find_tables(f.read_text(encoding="utf-8"), v)}
    assert layouts == {"pipe", "column"}


def test_explain_shows_how_a_cell_was_read():
    from govmetrics.ruletools import explain, format_explanation

    out = format_explanation(explain(_pipe_text(), default_ruleset()))
    assert "rule table_cell" in out
    assert "value and unit from column header '比上年增长(%)' (%), kind growth from column header" in out
    assert "subject from row label '其中:第一产业' + '增加值' from the caption '2022年全市地区生产总值及增速'" in out
    assert "year from the caption" in out
    # Cells read as claims are not listed as numbers left unreported.
    assert "609.91  [" not in out.split("numbers seen but not reported")[1]


def test_a_bad_tables_section_is_a_clear_error(tmp_path):
    from govmetrics.rules import RuleError, load_ruleset

    (tmp_path / "t.yaml").write_text("tables:\n  growth: 增长\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"t\.yaml:2: tables\.growth must be a list of words"):
        load_ruleset([tmp_path])
    (tmp_path / "t.yaml").write_text("tables:\n  growth: [增减变化]\n  parts: {产量: 产量}\n", encoding="utf-8")
    rs = load_ruleset([tmp_path])  # a user's words add to the shipped ones
    assert "增减变化" in vocab_for(rs).growth and "比上年增长" in vocab_for(rs).growth


def test_parts_are_named_by_the_caption_or_not_at_all(tmp_path):
    from govmetrics.rules import load_ruleset

    (tmp_path / "m.yaml").write_text(
        "metrics:\n"
        "  t_va_primary: {name: Primary VA, aliases: [第一产业增加值, 第一产业]}\n"
        "  t_fai_primary: {name: Primary FAI, aliases: [第一产业投资]}\n"
        "  t_income_urban: {name: Urban income, aliases: [城镇居民人均可支配收入]}\n", encoding="utf-8")
    rs = load_ruleset([tmp_path])
    text = "2022年分产业固定资产投资增长速度\n| 产业 | 比上年增长(%) |\n| 第一产业 | 5.2 |\n| 第二产业 | 3.1 |\n"
    claims = extract_text(text, rules=rs)
    # 第一产业 in an investment table is 第一产业投资, never the industry's value added.
    assert [(c.subject, c.metric) for c in claims][0] == ("第一产业投资", "t_fai_primary")
    assert claims[1].subject == "第二产业投资" and not claims[1].metric.startswith(("value_added", "t_va"))
    text = ("2022年居民人均可支配收入\n| 指标 | 绝对数(元) | 比上年增长(%) |\n| 城镇居民 | 45000 | 4.8 |\n"
            "| 第一产业 | 100 | 1.0 |\n")
    claims = extract_text(text, rules=rs)
    assert [(c.subject, c.metric) for c in claims][:2] == [("城镇居民人均可支配收入", "t_income_urban")] * 2


def test_parts_under_a_parent_row_and_no_claims_in_headers(tmp_path):
    from govmetrics.rules import load_ruleset

    (tmp_path / "m.yaml").write_text(
        "metrics:\n"
        "  population.t_resident: {name: Resident population, aliases: [常住人口]}\n"
        "  population.t_urban: {name: Urban population, aliases: [城镇人口, 城镇常住人口]}\n"
        "  population.t_male: {name: Male population, aliases: [男性人口]}\n", encoding="utf-8")
    rs = load_ruleset([tmp_path])
    rural = vocab_for(rs).aliases.get("乡村常住人口", "")  # the shipped catalogue's id, if any
    text = ("2022年年末人口数及其构成\n| 指标 | 年末数(万人) | 比重(%) |\n| 常住人口 | 329.6 | 100.0 |\n"
            "| 其中:城镇 | 200.1 | 60.7 |\n| 乡村 | 129.5 | 39.3 |\n| 其中:男性 | 167.0 | 50.7 |\n")
    claims = extract_text(text, rules=rs)
    # 万人 in the header is a unit label, no claim.
    assert [(c.text, c.unit, c.kind, c.metric, c.subject) for c in claims[::2]] == [
        ("329.6", "人", "level", "population.t_resident", "常住人口"),
        ("200.1", "人", "level", "population.t_urban", "城镇常住人口"),
        ("129.5", "人", "level", rural, "乡村常住人口"), ("167.0", "人", "level", "population.t_male", "男性人口")]
    assert all(c.rule == "table_cell" for c in claims)


# Layouts of the held-out table set (/work/tools/heldout_tables): (text, expected
# (value, unit, kind, year, metric, region) of every table cell).
HELD_OUT_LAYOUTS = [
    # Labels spaced out to the column's width (全  市) in a table of places; a unit line with
    # two units; full-width minus; a placeholder cell.
    ("2023年各县（市、区）主要指标\n单位：亿元、%\n县（市、区）    地区生产总值    比上年增长\n"
     "全  市          1523.46         5.1\n西湖县          186.73          －3.2\n青石县          95.42           —\n",
     [(1.52346e11, "元", "level", 2023, "gdp", ""), (5.1, "%", "growth", 2023, "gdp", ""),
      (1.8673e10, "元", "level", 2023, "gdp", "西湖县"), (-3.2, "%", "growth", 2023, "gdp", "西湖县"),
      (9.542e9, "元", "level", 2023, "gdp", "青石县")]),
    # A numbered caption spaced from its title (表3  …) over a table with a unit column:
    # the caption is no header row, the unit column gives each row's unit.
    ("表3  2023年主要工业产品产量及其增长速度\n产品名称      单位      产量      比上年增长(%)\n"
     "纱            万吨      2234.0    -2.0\n汽车          万辆      3011.3    9.3\n"
     "发电量        亿千瓦小时  94564.4  6.9\n集成电路      亿块      3514.4    6.9\n",
     [(2.234e7, "吨", "level", 2023, "product_output.cotton_yarn", ""),
      (-2.0, "%", "growth", 2023, "product_output.cotton_yarn", ""),
      (3.0113e7, "辆", "level", 2023, "product_output.cars", ""), (9.3, "%", "growth", 2023, "product_output.cars", ""),
      (9.45644e12, "千瓦时", "level", 2023, "power_generation", ""), (6.9, "%", "growth", 2023, "power_generation", ""),
      # 块 in a unit column counts pieces (count_units), not 元.
      (3.5144e11, "块", "level", 2023, "product_output.integrated_circuits", ""),
      (6.9, "%", "growth", 2023, "product_output.integrated_circuits", "")]),
    # One cell per line with a unit column, footnote marks and # sub-rows; an industry named
    # alone is its value added (implied_parts).
    ("2023年全县主要经济指标\n\n指标\n单位\n1-12月\n同比增长(%)\n地区生产总值\n亿元\n268.53\n5.9\n"
     "规模以上工业[3]\n亿元\n88.64\n7.2\n#高技术制造业\n亿元\n12.30\n15.6\n固定资产投资\n亿元\n—\n-6.5\n",
     [(2.6853e10, "元", "level", 2023, "gdp", ""), (5.9, "%", "growth", 2023, "gdp", ""),
      (8.864e9, "元", "level", 2023, "industrial_value_added.above_scale", ""),
      (7.2, "%", "growth", 2023, "industrial_value_added.above_scale", ""),
      (1.23e9, "元", "level", 2023, "industrial_value_added.high_tech", ""),
      (15.6, "%", "growth", 2023, "industrial_value_added.high_tech", ""),
      (-6.5, "%", "growth", 2023, "fixed_asset_investment", "")]),
    # Indented labels are parts of the row above (no 其中:); an unindented row ends the group.
    ("2023年城乡居民收支情况\n\n指    标                    绝对数（元）    比上年增长（%）\n"
     "全体居民人均可支配收入      32156           6.1\n  城镇居民                  45012           5.2\n"
     "全体居民人均消费支出        22480           8.3\n",
     [(32156.0, "元", "level", 2023, "disposable_income", ""), (6.1, "%", "growth", 2023, "disposable_income", ""),
      (45012.0, "元", "level", 2023, "disposable_income.urban", ""),
      (5.2, "%", "growth", 2023, "disposable_income.urban", ""),
      (22480.0, "元", "level", 2023, "consumption_expenditure", ""),
      (8.3, "%", "growth", 2023, "consumption_expenditure", "")]),
    # Breakdown columns (城市, 农村) are series of their own: the catalogue's id or none.
    ("2023年居民消费价格指数（上年=100）\n\n类别                  全市        城市        农村\n"
     "居民消费价格总指数    100.3       100.4       100.1\n衣着                  101.5       101.7       101.0\n",
     [(100.3, "%", "level", 2023, "cpi", ""), (100.4, "%", "level", 2023, "cpi.urban", ""),
      (100.1, "%", "level", 2023, "cpi.rural", ""), (101.5, "%", "level", 2023, "cpi.clothing", ""),
      (101.7, "%", "level", 2023, "", ""), (101.0, "%", "level", 2023, "", "")]),
]


@pytest.mark.parametrize("text,expected", HELD_OUT_LAYOUTS)
def test_held_out_layouts(text, expected):
    claims = [c for c in extract_text(text) if c.rule == "table_cell"]
    _check_offsets(text, claims)
    got = [(c.value, c.unit, c.kind, c.year, c.metric, c.region) for c in claims]
    assert [g[1:] for g in got] == [e[1:] for e in expected]
    assert [g[0] for g in got] == pytest.approx([e[0] for e in expected])


def test_no_prose_claims_in_row_labels():
    # The unit in a row label (年末常住人口(万人)) is no figure of 10000 人.
    text = ("2019-2022年主要经济指标\n指标\t2021年\t2022年\n地区生产总值(亿元)\t175.40\t182.06\n"
            "年末常住人口(万人)\t17.20\t17.11\n")
    claims = extract_text(text)
    assert [c.rule for c in claims] == ["table_cell"] * 4
    assert [c.value for c in claims] == pytest.approx([1.754e10, 1.8206e10, 1.72e5, 1.711e5])


def test_lines_skipped_by_find_tables_start_no_table() -> None:
    # find_tables asks only the lines _Lines.starts lists; every other line must be one from
    # which both layouts give up at once (no row, no cell run), or a table would be lost.
    import random

    from govmetrics.tables import _Lines, _row_table, _split, _vertical_table

    vocab = vocab_for(default_ruleset())
    rnd = random.Random(7)
    words = ["指标", "2023", "12.5", "|", "｜", "\t", " ", "  ", "\u3000", "\u2003", "\r", "增长8%", "，", "。",
             "单位：亿元", "x" * 45, "\n", "\n"]
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]
    texts += ["".join(rnd.choice(words) for _ in range(rnd.randint(5, 60))) for _ in range(400)]
    for text in texts:
        lines = _Lines(text)
        kept = set(lines.starts)
        for i in range(len(lines)):
            # A line without a separator within its text is never cut (_Lines.split does not ask).
            assert lines.split(i) == _split(text, *lines[i]), repr(text[slice(*lines[i])])
            if i not in kept:
                assert _row_table(text, lines, i, vocab) is None, repr(text[slice(*lines[i])])
                assert _vertical_table(text, lines, i, vocab) == (None, i + 1), repr(text[slice(*lines[i])])


def test_odd_line_class_is_whitespace_and_pipes() -> None:
    # _Lines reads a line without a match of _ODD_LINE as its own stripped text: the class
    # must hold every character str.strip() removes (but the line break) and the pipes.
    from govmetrics.tables import _ODD_LINE

    held = {chr(c) for c in range(0x110000) if _ODD_LINE.match(chr(c))}
    assert held == {chr(c) for c in range(0x110000) if chr(c).isspace() and c != 10} | set("|｜│┃")


def test_the_spelled_out_whitespace_class_is_whitespace_but_the_line_break():
    import re
    import sys

    from govmetrics.tables import _SPACE_NOT_NEWLINE

    spelled, meant = re.compile(f"[{_SPACE_NOT_NEWLINE}]"), re.compile(r"[^\S\n]")
    every = [chr(o) for o in range(sys.maxunicode + 1)]
    assert [c for c in every if spelled.match(c)] == [c for c in every if meant.match(c)]
