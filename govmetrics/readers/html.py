"""HTML: the visible main text of a web page, one block per line.

Parsed with selectolax's Lexbor backend (an HTML5-conformant parser written in C):
entities are decoded by the parser, broken markup is repaired the way browsers do.
Boilerplate is dropped: ``<script>``, ``<style>``, forms, ``<nav>``, ``<aside>``,
page-level ``<header>``/``<footer>``, elements whose role, class or id says they are
navigation, menus, breadcrumbs, footers or copyright lines, and link lists (menus
written as plain ``<ul>`` of links). Block elements (p, div, li, h1-h6, br, tr...)
end a line; table cells in a row are separated by a tab (an empty cell keeps its place,
a cell spanning n columns is followed by n-1 empty cells, so tables.py can align them).

The result is a pure function of the input string, so claim offsets are stable.
"""

from __future__ import annotations

import regex

from ..patterns import compiled
from .text import DecodeError, canonical_encoding, decode_bytes

_MISSING_EXTRA = "reading HTML needs the 'html' extra: pip install 'govmetrics[html]'"

# Never rendered, or never content.
_DROP_TAGS = frozenset(
    "head title script style noscript template nav aside form iframe frame frameset svg math canvas "
    "button select option optgroup textarea input label object embed menu dialog map area audio video "
    "source track picture img meta link base".split()
)
_BLOCK_TAGS = frozenset(
    "address article blockquote body caption center dd details dir div dl dt fieldset figcaption figure "
    "footer h1 h2 h3 h4 h5 h6 header hgroup hr html li main ol p pre section summary table tbody thead "
    "tfoot ul tr".split()
)
_CELL_TAGS = frozenset(("td", "th"))
_CONTAINERS = frozenset(("html", "body", "main", "article"))
_BOILER_ROLES = frozenset(
    "navigation banner contentinfo complementary menu menubar search dialog toolbar alert".split()
)
# Words in class/id naming boilerplate. Chinese sites: dh/daohang (导航), wzdh (网站导航), bq/banquan (版权),
# dqwz/weizhi (当前位置). A word of the first set counts anywhere in a class name ("main-nav", "navList");
# one of the second set only as the whole name or its first word ("bottom", "foot_box", "header-wrap"), so
# that utility classes like "border-bottom" or "position-relative" do not count.
_BOILER_WORDS = frozenset(
    "nav navbar navigation navlist subnav topnav mainnav menu menus menubar breadcrumb breadcrumbs crumb "
    "crumbs footer copyright sidebar toolbar topbar share sharing pagination pager advert advertisement "
    "curpos weizhi dqwz daohang wzdh banquan".split()
)
_BOILER_NAMES = frozenset(
    "foot bottom location position dh bq login search skip ads ad related social header head masthead top "
    "banner logo".split()
)
_NAME_TAILS = frozenset(
    "box wrap wrapper bar area con cont container inner main div part links list line nr bg fixed".split()
)
_HEADER_NAMES = frozenset(("header", "head", "masthead", "top", "banner", "logo"))
_WORD_SPLIT = compiled(r"[^a-z0-9]+")
_CELL = "\x1f"  # stands for a cell boundary until whitespace is collapsed
_LINE = "\x1e"  # stands for a line break made by markup (a block's edge, <br>)
_WS = compiled(r"[ \t\n\r\f\v\u00a0\u3000\u2002-\u200b\u202f\u205f\ufeff]+")
_WIDE = compiled(r"[\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303f\uff00-\uffef]")

_META_CHARSET = compiled(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", regex.I)
_XML_ENCODING = compiled(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", regex.I)
_HTML_START = compiled(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>/]", regex.I | regex.S
)
_HTML_ANYWHERE = compiled(r"<(?:html|body|head)[\s>]", regex.I)
_CLOSING_TAG = compiled(r"</(?:p|div|span|a|td|li|table|body|html|h[1-6])\s*>", regex.I)
_SINGLE_BYTE_WESTERN = frozenset(("ascii", "latin_1", "iso8859-1", "cp1252", "iso8859-15"))


def looks_like_html(head: str) -> bool:
    """Whether a document's first few KB are HTML markup (whatever its file name says)."""
    head = head[:8192].lstrip("\ufeff")
    if _HTML_START.match(head[:2048]):
        return True
    return bool(_HTML_ANYWHERE.search(head[:2048])) and len(_CLOSING_TAG.findall(head)) >= 3


def looks_like_html_bytes(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head[:64]:  # UTF-16/32: decide after decoding
        return False
    return looks_like_html(head.decode("latin-1"))


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode HTML bytes: ``--encoding``, else a BOM, else ``<meta charset>``, else detection."""
    if encoding or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data, encoding)
    m = _META_CHARSET.search(data[:4096]) or _XML_ENCODING.search(data[:1024])
    if m:
        enc = canonical_encoding(m.group(1).decode("ascii", "replace"))
        # Pages labelled Latin-1 or ASCII are very often GBK in fact: detect those.
        if enc and enc not in _SINGLE_BYTE_WESTERN and not enc.startswith(("utf_16", "utf-16", "utf_32")):
            try:
                return data.decode(enc)
            except (UnicodeDecodeError, LookupError):
                pass  # a wrong label: fall back to detection
    try:
        return decode_bytes(data)
    except DecodeError:
        raise


def html_to_text(source: str, name: str = "") -> str:
    """The visible body text of an HTML document, one block per line."""
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        from .base import InputError

        raise InputError(f"{name}: {_MISSING_EXTRA}") from None
    tree = LexborHTMLParser(source)
    root = tree.root
    if root is None:
        return ""
    el = _convert(root)
    _drop_boilerplate(el, total=_stats(el)[0])
    out: list[str] = []
    _emit(el, out)
    return _finish("".join(out))


class _El:
    __slots__ = ("tag", "attrs", "children", "chars", "link_chars", "links")

    def __init__(self, tag: str, attrs: dict[str, str | None]):
        self.tag = tag
        self.attrs = attrs
        self.children: list[_El | str] = []
        self.chars = 0
        self.link_chars = 0
        self.links = 0


def _convert(root) -> _El:
    """Copy the selectolax tree into plain Python objects (iteratively: pages can nest deeply)."""
    top = _El(root.tag or "html", _attrs(root))
    stack = [(root, top)]
    while stack:
        node, el = stack.pop()
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                text = child.text_content
                if text:
                    el.children.append(text)
            elif tag and not tag.startswith(("-", "_", "!")):
                tag = tag.lower()
                sub = _El(tag, _attrs(child))
                el.children.append(sub)
                if tag not in ("script", "style", "template", "noscript"):
                    stack.append((child, sub))
    return top


def _attrs(node) -> dict[str, str | None]:
    try:
        return dict(node.attributes)
    except Exception:  # noqa: BLE001 - attribute decoding of broken markup
        return {}


def _stats(el: _El) -> tuple[int, int, int]:
    """Fill in, bottom-up, the count of visible characters, characters in links, and links."""
    order: list[_El] = []
    stack = [el]
    while stack:
        e = stack.pop()
        order.append(e)
        stack.extend(c for c in e.children if isinstance(c, _El))
    for e in reversed(order):
        chars = link_chars = links = 0
        for c in e.children:
            if isinstance(c, str):
                chars += len(_WS.sub("", c))
            elif c.tag not in ("script", "style", "template", "noscript"):
                chars += c.chars
                link_chars += c.link_chars
                links += c.links
        if e.tag == "a":
            link_chars = chars
            links += 1
        e.chars, e.link_chars, e.links = chars, link_chars, links
    return el.chars, el.link_chars, el.links


def _words(el: _El) -> tuple[set[str], set[str]]:
    """(every word of the class names and id, the leading words of names that are only that word)."""
    words: set[str] = set()
    names: set[str] = set()
    for key in ("class", "id"):
        v = el.attrs.get(key)
        if not v:
            continue
        for name in v.split():
            # split "mainNav" as well as "main-nav"
            parts = [w for w in _WORD_SPLIT.split(regex.sub(r"(?<=[a-z])(?=[A-Z])", "-", name).lower()) if w]
            words.update(parts)
            if parts and all(p in _NAME_TAILS or p.isdigit() for p in parts[1:]):
                names.add(parts[0])
    return words, names


def _has_heading(el: _El) -> bool:
    stack = [el]
    while stack:
        e = stack.pop()
        if e.tag in ("h1", "h2"):
            return True
        stack.extend(c for c in e.children if isinstance(c, _El))
    return False


def _banner(el: _El) -> bool:
    """A page header: links and logos rather than an article title and its date line."""
    return not _has_heading(el) or el.link_chars >= 0.3 * max(el.chars, 1)


def _is_boilerplate(el: _El, in_article: bool, total: int) -> bool:
    tag = el.tag
    if tag in _DROP_TAGS:
        return True
    attrs = el.attrs
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    if tag in _CONTAINERS:
        return False
    if tag == "footer" or (tag == "header" and not in_article and _banner(el)):
        return True
    # Never drop by class/role a block that holds most of the page's text: that is the article.
    big = el.chars > 200 and el.chars > 0.5 * total
    if big:
        return False
    if (attrs.get("role") or "").lower() in _BOILER_ROLES:
        return True
    words, names = _words(el)
    if words & _BOILER_WORDS:
        return True
    header = names & _HEADER_NAMES
    if (names - _HEADER_NAMES) & _BOILER_NAMES:
        return True
    if header and not in_article and _banner(el):
        return True
    # A menu written as a list of links: mostly link text, several links.
    if tag in ("ul", "ol", "dl", "div", "table", "p", "section", "span", "td", "tr") and el.links >= 3:
        if el.link_chars >= 0.7 * max(el.chars, 1):
            return True
    return False


def _drop_boilerplate(top: _El, total: int) -> None:
    stack: list[tuple[_El, bool]] = [(top, False)]
    while stack:
        el, in_article = stack.pop()
        inside = in_article or el.tag in ("article", "main") or (el.attrs.get("role") or "") == "main"
        kept: list[_El | str] = []
        for c in el.children:
            if isinstance(c, str):
                kept.append(c)
            elif not _is_boilerplate(c, inside, total):
                kept.append(c)
                stack.append((c, inside))
        el.children = kept


def _emit(top: _El, out: list[str]) -> None:
    """Pre-order walk (iterative); structural breaks are written as _LINE / _CELL marks.
    Inside a table cell, paragraphs and line breaks are spaces: a cell stays on its row's
    line (Word-exported pages put a <p> in every cell)."""
    stack: list[tuple[_El | str | None, bool, bool, str]] = [(top, False, False, "")]
    while stack:
        item, in_pre, in_cell, mark = stack.pop()
        if item is None:
            out.append(mark)
            continue
        if isinstance(item, str):
            text = item.replace(_LINE, " ").replace(_CELL, " ")
            if in_pre:
                text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", " " if in_cell else _LINE)
            out.append(text)
            continue
        tag = item.tag
        if tag in ("br", "hr"):
            out.append(" " if in_cell else _LINE)
            continue
        if tag in ("table", "tr"):
            in_cell = False  # a table nested in a cell has rows of its own
        if tag in _BLOCK_TAGS:
            brk = " " if in_cell else _LINE
            out.append(brk)
            stack.append((None, False, False, brk))
        elif tag in _CELL_TAGS:
            # A cell spanning n columns is followed by n-1 empty cells, so columns stay aligned.
            stack.append((None, False, False, _CELL * _colspan(item)))
            in_cell = True
        pre = in_pre or tag in ("pre", "textarea", "listing", "plaintext")
        stack.extend((c, pre, in_cell, "") for c in reversed(item.children))


def _colspan(el: _El) -> int:
    try:
        return max(1, min(int((el.attrs.get("colspan") or "1").strip()), 50))
    except ValueError:
        return 1


def _collapse(match: regex.Match) -> str:
    run = match.group(0)
    s = match.string
    a, b = match.start(), match.end()
    if ("\n" in run or "\r" in run) and a > 0 and b < len(s):
        # A source line break next to a Chinese character is not a space.
        if _WIDE.match(s[a - 1]) or _WIDE.match(s[b]):
            return ""
    return " "


def _finish(raw: str) -> str:
    lines = []
    for block in raw.split(_LINE):
        # Inside a block every whitespace run (source newlines too) is one space.
        text = _WS.sub(_collapse, block)
        cells = [c.strip() for c in text.split(_CELL)]
        filled = [c for c in cells if c]
        if len(filled) >= 2 or (filled and len(cells) > 2 and max(map(len, filled)) <= 40):
            # A table row: empty cells keep their place (columns stay aligned), trailing ones go.
            while cells and not cells[-1]:
                cells.pop()
            line = "\t".join(cells)
        else:
            line = "".join(cells)
        if line:
            lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")
