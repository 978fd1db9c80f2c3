"""HTML, PDF and DOCX inputs: the body text's claims, nothing from the page furniture."""

from __future__ import annotations

import pytest

from govmetrics.api import RunReport, iter_claims
from govmetrics.extractor import extract_text
from govmetrics.readers import InputError, read_document

BODY = [
    "2023年全区地区生产总值达到3600亿元，同比增长5.2%。",
    "全年城镇新增就业2.3万人，规模以上工业增加值增长6.1%。",
    "全区高新技术企业达到2800家，研发经费投入强度达到3.5%。",
]


def _triples(claims):
    return [(c.text, c.value, c.unit) for c in claims]


def _check_offsets(path: str):
    doc = read_document(path)
    claims = list(iter_claims([path]))
    assert claims, "no claim at all"
    for c in claims:
        assert doc.text[c.start:c.end] == c.text
    assert read_document(path).text == doc.text  # deterministic
    return doc, claims


def _body_claims(lines=BODY):
    return _triples(extract_text("\n".join(lines) + "\n"))


def _values(claims):
    return {(c.value, c.unit) for c in claims}


# ---------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>某区2023年经济运行情况_某区人民政府网站</title>
<style>.menu {{ width: 960px; }}</style>
<script>var stats = {{gdp: "8888亿元", growth: "增长9.9%"}}; document.write("增长7.7%");</script>
</head>
<body>
<div class="top-nav"><ul>
  <li><a href="/">首页</a></li><li><a href="/zw">政务公开</a></li>
  <li><a href="/xm">2022年120个重点项目</a></li><li><a href="/bs">办事服务</a></li>
</ul></div>
<nav><a href="/a">机构设置</a> <a href="/b">投资4500亿元项目库</a></nav>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/tj">统计数据</a></div>
<div id="zoom" class="article-content">
<h1>某区2023年经济运行情况</h1>
<p>&nbsp;&nbsp;&nbsp;&nbsp;{p0}</p>
<p>{p1a}
{p1b}</p>
<p>{p2}</p>
<script type="text/javascript">var hits = "访问量增长66.6%";</script>
</div>
<aside><h3>热点</h3><p>全省粮食产量增长8.8%</p></aside>
<form><input name="q" value="搜索"><button>搜索 3000家</button></form>
<div class="footer"><p>版权所有 &copy; 2024 某区人民政府 &amp; 某区政务服务数据管理局</p>
<p>网站标识码4401120001 粤ICP备05079753号-1 电话：020-82111111</p></div>
</body></html>
"""


def _page(charset="utf-8"):
    p1 = BODY[1]
    return PAGE.format(charset=charset, p0=BODY[0], p1a=p1[:16], p1b=p1[16:], p2=BODY[2].replace("，", "&#65292;"))


def test_html_body_claims_only(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(_page(), encoding="utf-8")
    doc, claims = _check_offsets(str(path))
    assert _triples(claims) == _body_claims()
    values = _values(claims)
    assert (3.6e11, "元") in values and (5.2, "%") in values
    for bad in ("8888", "9.9", "7.7", "66.6", "8.8", "4500", "120个", "3000", "ICP", "82111111", "搜索"):
        assert bad not in doc.text, bad


def test_html_text_layout(tmp_path):
    path = tmp_path / "report.htm"
    path.write_text(_page(), encoding="utf-8")
    text = read_document(str(path)).text
    lines = text.splitlines()
    assert lines[0] == "某区2023年经济运行情况"
    # entities decoded, &nbsp; indentation stripped, a source line break between
    # Chinese characters is no space
    assert lines[1:] == BODY
    assert "\xa0" not in text and "&" not in text


def test_html_tables_and_br(tmp_path):
    path = tmp_path / "t.html"
    path.write_text(
        "<html><body><p>第一行<br>第二行</p><table><tr><th>指标</th><th>数值</th></tr>"
        "<tr><td>社会消费品零售总额</td><td>1200亿元</td></tr></table><pre>a\nb</pre></body></html>",
        encoding="utf-8",
    )
    assert read_document(str(path)).text == "第一行\n第二行\n指标\t数值\n社会消费品零售总额\t1200亿元\na\nb\n"


def test_html_sniffed_in_txt_and_stdin(tmp_path, monkeypatch):
    import io
    import sys

    path = tmp_path / "saved-page.txt"
    path.write_text(_page(), encoding="utf-8")
    assert read_document(str(path)).text.splitlines()[1:] == BODY
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(_page().encode("utf-8"))))
    assert read_document("-").text.splitlines()[1:] == BODY


@pytest.mark.parametrize("enc,label", [("gb18030", "gb2312"), ("gbk", "GBK"), ("utf-8", "utf-8"),
                                       ("gb18030", "iso-8859-1"), ("utf-16", "utf-8")])
def test_html_encodings(tmp_path, enc, label):
    path = tmp_path / "page.html"
    path.write_bytes(_page(label).encode(enc))
    assert read_document(str(path)).text.splitlines()[1:] == BODY


def test_html_meta_http_equiv(tmp_path):
    page = _page().replace('<meta charset="utf-8">',
                           '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    path = tmp_path / "page.shtml"
    path.write_bytes(page.encode("gb18030"))
    assert read_document(str(path)).text.splitlines()[1:] == BODY


def test_html_wrong_label_falls_back_to_detection(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(_page("utf-8").encode("gb18030"))  # says UTF-8, is GB18030
    assert read_document(str(path)).text.splitlines()[1:] == BODY


def test_html_deep_nesting_and_broken_markup(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 3000 + BODY[0] + "<p>未闭合<b>粗体" + "</body>", encoding="utf-8")
    text = read_document(str(path)).text
    assert text.splitlines()[0] == BODY[0]


# ---------------------------------------------------------------- PDF

def _make_pdf(path, paragraphs, lines_per_page=8, header=True):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    text_width = 14 * 12  # 14 Chinese characters of 12pt a line

    lines = []
    for para in paragraphs:
        cur = ""
        for ch in para:
            if pdfmetrics.stringWidth(cur + ch, "STSong-Light", 12) > text_width:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        lines.append(cur)
    c = canvas.Canvas(str(path), pagesize=A4)
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    for n, page in enumerate(pages, 1):
        if header:
            c.setFont("STSong-Light", 9)
            c.drawString(72, height - 40, f"某某区人民政府公报 2024年第{n + 2}期")
        c.setFont("STSong-Light", 12)
        y = height - 100
        for line in page:
            c.drawString(72, y, line)
            y -= 18
        if header:
            c.setFont("STSong-Light", 9)
            c.drawCentredString(width / 2, 30, f"- {n} -")
        c.showPage()
    c.save()
    return len(pages)


PDF_BODY = [
    "一、经济运行",
    BODY[0] + BODY[1],
    "二、创新发展",
    BODY[2] + "全年居民人均可支配收入达到65000元，增长5.8%。",
]


def test_pdf_body_claims_only(tmp_path):
    path = tmp_path / "report.pdf"
    assert _make_pdf(path, PDF_BODY, lines_per_page=4) >= 3
    doc, claims = _check_offsets(str(path))
    # lines broken mid-sentence (and across pages) are joined back; headings stay apart
    assert doc.text == "\n".join(PDF_BODY) + "\n"
    assert _triples(claims) == _body_claims(PDF_BODY)
    assert (3.6e11, "元") in _values(claims) and (5.2, "%") in _values(claims)
    assert "公报" not in doc.text and "- 1 -" not in doc.text


def test_pdf_single_page_no_running_header(tmp_path):
    path = tmp_path / "one.pdf"
    _make_pdf(path, BODY, header=False)
    assert read_document(str(path)).text == "\n".join(BODY) + "\n"


def test_pdf_scanned_has_no_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(InputError, match=r"scan.pdf: no text layer \(scanned PDF\?\); OCR is not supported"):
        read_document(str(path))
    report = RunReport()
    with pytest.warns(UserWarning, match="scan.pdf"):  # the API never skips silently
        assert list(iter_claims([str(path)], report=report)) == []
    assert report.skipped


def test_pdf_broken_and_misnamed(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage garbage \x00\x01")
    with pytest.raises(InputError, match="bad.pdf"):
        read_document(str(bad))
    fake = tmp_path / "fake.pdf"
    fake.write_text("这不是PDF", encoding="utf-8")
    with pytest.raises(InputError, match="fake.pdf: not a PDF"):
        read_document(str(fake))
    # a real PDF with a .txt name is read as PDF
    real = tmp_path / "really-a-pdf.txt"
    _make_pdf(real, BODY, header=False)
    assert read_document(str(real)).text == "\n".join(BODY) + "\n"


# ---------------------------------------------------------------- DOCX

def _make_docx(path):
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "某区统计局 第12期 2024年增长99%"
    d.sections[0].footer.paragraphs[0].text = "第1页 共3页"
    d.add_heading("某区2023年经济运行情况", 1)
    d.add_paragraph(BODY[0])
    table = d.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "主要指标"
    table.cell(1, 0).text = "社会消费品零售总额"
    table.cell(1, 1).text = "1200亿元"
    table.cell(2, 0).text = "固定资产投资"
    table.cell(2, 1).text = "增长8.5%"
    d.add_paragraph(BODY[1])
    d.add_paragraph(BODY[2])
    d.save(str(path))


def test_docx_paragraphs_and_tables(tmp_path):
    path = tmp_path / "report.docx"
    _make_docx(path)
    doc, claims = _check_offsets(str(path))
    # A table row is one line of tab-separated cells (tables.py reads them as a table).
    expected_lines = ["某区2023年经济运行情况", BODY[0], "主要指标", "社会消费品零售总额\t1200亿元",
                      "固定资产投资\t增长8.5%", BODY[1], BODY[2]]
    assert doc.text == "\n".join(expected_lines) + "\n"
    assert _triples(claims) == _triples(extract_text(doc.text))
    values = _values(claims)
    assert {(3.6e11, "元"), (5.2, "%"), (1.2e11, "元")} <= values
    assert "99" not in doc.text and "第1页" not in doc.text


def test_docx_misnamed_and_broken(tmp_path):
    path = tmp_path / "report.bin"
    _make_docx(path)
    assert BODY[0] in read_document(str(path)).text  # sniffed by content
    fake = tmp_path / "fake.docx"
    fake.write_text("纯文本", encoding="utf-8")
    with pytest.raises(InputError, match="fake.docx: not a Word .docx file"):
        read_document(str(fake))
    import zipfile

    z = tmp_path / "archive.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.txt", "增长5%")
    with pytest.raises(InputError, match="archive.zip: binary file, not text"):
        read_document(str(z))
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputError, match=r"old.doc: the old Word .doc format is not supported"):
        read_document(str(old))


# ---------------------------------------------------------------- missing extras

@pytest.mark.parametrize("kind,module,extra", [("pdf", "pdfplumber", "pdf"), ("docx", "docx", "docx"),
                                               ("html", "selectolax.lexbor", "html")])
def test_missing_extra_is_a_clear_error(tmp_path, monkeypatch, kind, module, extra):
    import sys

    path = tmp_path / f"doc.{kind}"
    if kind == "pdf":
        _make_pdf(path, BODY, header=False)
    elif kind == "docx":
        _make_docx(path)
    else:
        path.write_text(_page(), encoding="utf-8")
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    label = {"pdf": "PDF", "docx": "DOCX", "html": "HTML"}[kind]
    with pytest.raises(InputError) as e:
        read_document(str(path))
    assert str(e.value) == f"{path}: reading {label} needs the '{extra}' extra: pip install 'govmetrics[{extra}]'"


def test_html_class_names_are_not_over_matched(tmp_path):
    path = tmp_path / "classes.html"
    path.write_text(
        '<html><body><div class="header"><a href="/">首页</a><span>某区人民政府</span></div>'
        '<header><h1>某区2023年经济运行情况</h1><p>发布时间：2024-01-20</p></header>'
        '<div class="position-relative border-bottom"><p>' + BODY[0] + "</p></div>"
        '<div class="bottom_box">粤ICP备05079753号</div><div id="foot">联系电话 020-82111111</div>'
        '<ul class="mainNav"><li>机构</li></ul></body></html>',
        encoding="utf-8",
    )
    assert read_document(str(path)).text == "某区2023年经济运行情况\n发布时间：2024-01-20\n" + BODY[0] + "\n"
