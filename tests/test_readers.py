"""Plain-text inputs: encodings, binary files, empty and missing files, broken bytes."""

from __future__ import annotations

import os
import sys

import pytest

from govmetrics.api import RunReport, iter_claims
from govmetrics.readers import InputError, read_document
from govmetrics.readers.text import clean_text, decode_bytes

SIMPLIFIED = (
    "2023年全区地区生产总值达到3600亿元，同比增长5.2%。\n"
    "全年城镇新增就业2.3万人，规模以上工业增加值增长6.1%。\n"
    "全区高新技术企业达到2800家，研发经费投入强度达到3.5%。\n"
)
TRADITIONAL = (
    "2023年全區地區生產總值達到3600億元，同比增長5.2%。\n"
    "全年城鎮新增就業2.3萬人，規模以上工業增加值增長6.1%。\n"
    "全區高新技術企業達到2800家，研發經費投入強度達到3.5%。\n"
)


def _key(claims):
    return [(c.start, c.end, c.text, c.value, c.unit, c.metric) for c in claims]


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk"])
def test_simplified_encodings_give_the_same_text_and_claims(tmp_path, enc):
    ref = tmp_path / "ref.txt"
    ref.write_text(SIMPLIFIED, encoding="utf-8")
    path = tmp_path / f"doc-{enc}.txt"
    path.write_bytes(SIMPLIFIED.encode(enc))
    assert read_document(str(path)).text == SIMPLIFIED
    got = list(iter_claims([str(path)]))
    assert got and _key(got) == _key(iter_claims([str(ref)]))
    assert {(3.6e11, "元"), (5.2, "%")} <= {(c.value, c.unit) for c in got}


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "utf-16", "big5", "gb18030"])
def test_traditional_encodings_give_the_same_claims(tmp_path, enc):
    ref = tmp_path / "ref.txt"
    ref.write_text(TRADITIONAL, encoding="utf-8")
    path = tmp_path / f"trad-{enc}.txt"
    path.write_bytes(TRADITIONAL.encode(enc))
    assert read_document(str(path)).text == TRADITIONAL
    got = list(iter_claims([str(path)]))
    assert got and _key(got) == _key(iter_claims([str(ref)]))
    assert {(3.6e11, "元"), (5.2, "%")} <= {(c.value, c.unit) for c in got}
    for c in got:
        assert TRADITIONAL[c.start:c.end] == c.text


def test_encoding_override(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(SIMPLIFIED.encode("gbk"))
    assert read_document(str(path), "gbk").text == SIMPLIFIED
    assert read_document(str(path), "GB2312").text == SIMPLIFIED
    with pytest.raises(InputError, match="doc.txt: not valid utf-8"):
        read_document(str(path), "utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        read_document(str(path), "no-such-codec")
    latin = read_document(str(path), "latin-1").text  # forced: wrong but no crash
    assert len(latin) == len(SIMPLIFIED.encode("gbk"))


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(range(256)) * 4
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + bytes(range(256)) * 4


@pytest.mark.parametrize("data,name", [(PNG, "image.png"), (ELF, "program"), (PNG, "looks-like-text.txt")])
def test_binary_files_are_input_errors(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as e:
        read_document(str(path))
    assert str(e.value) == f"{path}: binary file, not text"
    report = RunReport()
    warnings = []
    good = tmp_path / "good.txt"
    good.write_text(SIMPLIFIED, encoding="utf-8")
    claims = list(iter_claims([str(path), str(good)], warn=warnings.append, report=report))
    assert claims and all(c.doc == str(good) for c in claims)  # the run goes on
    assert report.skipped and str(path) in warnings[0]


def test_empty_file_has_no_claims(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_document(str(path)).text == ""
    report = RunReport()
    assert list(iter_claims([str(path)], report=report)) == []
    assert not report.skipped and report.read == 1
    for name in ("empty.html", "blank.txt"):
        p = tmp_path / name
        p.write_bytes(b"" if name.endswith("html") else b"  \n\n")
        assert list(iter_claims([str(p)])) == []


def test_missing_and_unreadable_paths(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError, match="nope.txt"):
        read_document(str(missing))
    report = RunReport()
    with pytest.warns(UserWarning, match="nope.txt"):  # the API never skips silently
        assert list(iter_claims([str(missing)], report=report)) == []
    assert report.skipped and "nope.txt" in report.skipped[0]
    with pytest.raises(InputError, match="is a directory"):
        read_document(str(tmp_path))
    if os.name == "posix" and os.geteuid() != 0:
        locked = tmp_path / "locked.txt"
        locked.write_text(SIMPLIFIED, encoding="utf-8")
        locked.chmod(0)
        with pytest.raises(InputError, match="locked.txt: permission denied"):
            read_document(str(locked))


def test_broken_bytes_never_crash(tmp_path):
    # a stray byte inside UTF-8: still UTF-8, one U+FFFD, not mojibake everywhere
    data = SIMPLIFIED.encode("utf-8")
    path = tmp_path / "stray.txt"
    path.write_bytes(data[:7] + b"\xff" + data[7:])
    text = read_document(str(path)).text
    assert text.count("\ufffd") == 1 and text.replace("\ufffd", "") == SIMPLIFIED
    path.write_bytes(data[:30] + b"\xff" + data[30:])  # inside a character: that one is lost
    text = read_document(str(path)).text
    assert text.startswith(SIMPLIFIED[:10]) and text.endswith(SIMPLIFIED[13:])
    assert list(iter_claims([str(path)]))
    # a UTF-16 file with a lone surrogate, and one cut in the middle of a code unit
    u16 = tmp_path / "u16.txt"
    u16.write_bytes("\ufeff".encode("utf-16-le") + b"\x00\xd8" + SIMPLIFIED.encode("utf-16-le") + b"\x41")
    text = read_document(str(u16)).text
    assert SIMPLIFIED in text
    text.encode("utf-8")  # encodable: no lone surrogates
    # a lone surrogate from a character reference in HTML
    page = tmp_path / "s.html"
    page.write_text("<html><body><p>&#xD800;增长5.2%</p></body></html>", encoding="utf-8")
    read_document(str(page)).text.encode("utf-8")
    # random bytes: an InputError or text, never another exception
    import random

    rnd = random.Random(7)
    for i in range(30):
        blob = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400)))
        p = tmp_path / f"r{i}.txt"
        p.write_bytes(blob)
        try:
            read_document(str(p)).text.encode("utf-8")
        except InputError:
            pass


def test_clean_text_keeps_length():
    s = "a\ud800b\udfffc"
    assert clean_text(s) == "a\ufffdb\ufffdc"
    assert clean_text("正常") == "正常"


def test_decode_bytes_detects_without_bom():
    assert decode_bytes(SIMPLIFIED.encode("utf-16-le")) == SIMPLIFIED
    assert decode_bytes(TRADITIONAL.encode("big5")) == TRADITIONAL
    assert decode_bytes(b"") == ""


def test_stdin(monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SIMPLIFIED.encode("gb18030"))))
    doc = read_document("-")
    assert doc.name == "-" and doc.text == SIMPLIFIED


def test_help_does_not_import_heavy_libraries():
    import subprocess

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from govmetrics.cli import main\n"
        "CliRunner().invoke(main, ['--help'])\n"
        "import govmetrics.readers.formats\n"
        "bad = [m for m in ('pdfplumber', 'pdfminer', 'docx', 'selectolax', 'lxml') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in names")
def test_undecodable_file_name(tmp_path):
    raw = os.path.join(os.fsencode(str(tmp_path)), b"report-\xff.txt")
    with open(raw, "wb") as fh:
        fh.write(SIMPLIFIED.encode("utf-8"))
    name = os.fsdecode(raw)
    doc = read_document(name)
    assert doc.text == SIMPLIFIED
    doc.name.encode("utf-8")  # writable: no lone surrogates
    claims = list(iter_claims([str(tmp_path)]))
    assert claims and all("\ufffd" in c.doc for c in claims)
