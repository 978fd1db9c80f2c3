"""Tools for rule writers: list rules, show the metric catalogue, check rule files, run
the rules' own examples, and explain what the extractor did with a piece of text.

Used by `govmetrics rules list|check|test`, `govmetrics metrics` and `govmetrics explain`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .claim import Claim
    from .rules import Rule, RuleSet

RULE_COLUMNS = ["file", "line", "id", "action", "kind", "unit", "priority", "examples", "reason"]
METRIC_COLUMNS = ["metric", "name", "aliases"]
EXAMPLE_FIELDS = ("value", "unit", "kind", "qualifier", "metric", "target", "year", "text", "subject", "rule")


def display_path(path: str | Path) -> str:
    """A rule file's path as the user will recognise it: relative to the current
    directory when below it, else relative to the shipped rules' parent, else as is."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    try:
        from .rules import shipped_rules_dir

        base = shipped_rules_dir().resolve()
        return str(Path(base.name) / p.resolve().relative_to(base))
    except (ValueError, Exception):  # noqa: BLE001 - best effort only
        return str(p)


def describe_rule_error(message: str) -> str:
    """A RuleError message, with the rule named when the YAML could not even be parsed:
    the nearest ``id:`` at or above the line of the error, read from the raw file."""
    import re

    m = re.match(r"^(.*?):(\d+): YAML error", message)
    if not m or "(rule " in message:
        return message
    try:
        lines = Path(m.group(1)).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return message
    for i in range(min(int(m.group(2)), len(lines)) - 1, -1, -1):
        ids = re.findall(r"(?:^|[\s{,-])id\s*:\s*['\"]?([\w.-]+)", lines[i])
        if ids:
            where = f"{m.group(1)}:{m.group(2)} (in or after rule {ids[-1]}, line {i + 1})"
            return where + message[m.end() - len(": YAML error"):]
        if re.match(r"^\S", lines[i]):  # a top-level section: no rule above in this section
            break
    return message


# ---------------------------------------------------------------------------- list / metrics


def rule_rows(rs: RuleSet) -> list[dict]:
    """One row per rule in the effective rule set (a user rule with a shipped id replaces it)."""
    return [
        {
            "file": display_path(r.file),
            "line": r.line,
            "id": r.id,
            "action": r.action,
            "kind": r.kind,
            "unit": r.unit,
            "priority": r.priority,
            "examples": len(r.examples),
            "reason": r.reason,
        }
        for r in rs.rules
    ]


def metric_rows(rs: RuleSet, aliases_as_list: bool = False) -> list[dict]:
    """The catalogue: one row per id with its English name and aliases, in file order.
    Aliases are a list (JSON) or joined with 、 (CSV, table)."""
    return [
        {"metric": mid, "name": m.name,
         "aliases": list(m.aliases) if aliases_as_list else "、".join(m.aliases)}
        for mid, m in rs.metric_info.items()
    ]


# ---------------------------------------------------------------------------- rules test


@dataclass
class ExampleResult:
    rule: Rule
    index: int  # 1-based, among the rule's examples
    text: str
    expected: list[dict] | None  # None when the example itself is malformed
    got: list[dict]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def where(self) -> str:
        return f"{display_path(self.rule.file)}:{self.rule.line} (rule {self.rule.id}, example {self.index})"


def iter_examples(rs: RuleSet) -> list[tuple[Rule, int, Any]]:
    """Every (rule, 1-based index, raw example) of the rule set, in rule order."""
    return [(r, i, ex) for r in rs.rules for i, ex in enumerate(r.examples, start=1)]


def _decimals(x: float) -> int:
    s = repr(float(x))
    if "e" in s or "E" in s:
        return -1
    frac = s.split(".", 1)[1] if "." in s else ""
    return 0 if frac == "0" else len(frac)


def value_matches(expected: Any, got: Any) -> bool:
    """Equal, or equal when ``got`` is rounded to the decimals written in the example (2/3 → 66.67)."""
    try:
        e, g = float(expected), float(got)
    except (TypeError, ValueError):
        return False
    if math.isclose(e, g, rel_tol=1e-9, abs_tol=1e-12):
        return True
    d = _decimals(e)
    return d >= 0 and round(g, d) == e


def field_matches(name: str, expected: Any, got: Any) -> bool:
    if name == "value":
        return value_matches(expected, got)
    if name == "target":
        return bool(expected) == bool(got) if isinstance(expected, bool) else str(expected).lower() == str(got).lower()
    if name == "year":
        return (expected in (None, "") and got is None) or (got is not None and str(expected) == str(got))
    return ("" if expected is None else str(expected)) == ("" if got is None else str(got))


def _brief(c: dict) -> str:
    keys = ("value", "unit", "kind", "qualifier", "metric", "target", "year", "rule")
    return "{" + ", ".join(f"{k}: {c.get(k)!r}" for k in keys if k in c) + "}"


def check_example(rule: Rule, index: int, example: Any, rs: RuleSet) -> ExampleResult:
    """Run one example through the extractor and compare the fields it gives."""
    from .extractor import extract_text

    if not isinstance(example, dict) or not isinstance(example.get("text"), str):
        return ExampleResult(rule, index, str(example), None, [], ["an example needs a 'text' string and a 'claims' list"])
    text = example["text"]
    expected = example.get("claims")
    if expected is None:
        expected = []
    if not isinstance(expected, list) or not all(isinstance(c, dict) for c in expected):
        return ExampleResult(rule, index, text, None, [], ["'claims' must be a list of mappings"])
    bad = sorted({k for c in expected for k in c if k not in EXAMPLE_FIELDS})
    if bad:
        return ExampleResult(rule, index, text, expected, [],
                             [f"unknown field(s) {', '.join(bad)} in 'claims' (known: {', '.join(EXAMPLE_FIELDS)})"])
    warnings: list[str] = []
    try:
        claims: list[Claim] = extract_text(text, doc="-", rules=rs, warn=warnings.append)
    except Exception as e:  # noqa: BLE001 - an extractor crash is a failed example, reported
        return ExampleResult(rule, index, text, expected, [], [f"the extractor failed: {type(e).__name__}: {e}"])
    got = [c.as_dict() for c in claims]
    res = ExampleResult(rule, index, text, expected, got)
    res.problems.extend(warnings)
    if not expected:
        if got:
            res.problems.append("expected no claim, got " + "; ".join(_brief(c) for c in got))
        return res
    unused = list(range(len(got)))
    for exp in expected:
        hit = next((i for i in unused if all(field_matches(k, v, got[i].get(k)) for k, v in exp.items())), None)
        if hit is None:
            res.problems.append(f"expected {_brief(exp)}, got " + ("; ".join(_brief(c) for c in got) or "no claim"))
        else:
            unused.remove(hit)
    return res


def run_examples(rs: RuleSet) -> list[ExampleResult]:
    return [check_example(r, i, ex, rs) for r, i, ex in iter_examples(rs)]


# ---------------------------------------------------------------------------- explain


@dataclass
class Explanation:
    normalized: str
    claims: list[dict]  # claim rows, each with rule_file (file:line of its rule)
    unreported: list[dict]  # {text, start, end, rule, reason}: numbers seen, not reported


NUMBER_PATTERN = r"\d+(?:\.\d+)?|[零〇○一二两三四五六七八九十百千万亿]+"


def explain(text: str, rs: RuleSet) -> Explanation:
    """What the extractor does with ``text``: the normalised text, each claim with its
    rule, and every number it saw but did not report, with the reason."""
    import regex

    from .extractor import explain_text, extract_text
    from .normalize import normalize

    norm_text, matches = explain_text(text, rs)
    norm = normalize(text)
    evidence: dict[tuple[int, int], dict[str, str]] = {}
    claims = extract_text(text, doc="-", rules=rs, evidence=evidence)
    by_id = {r.id: r for r in rs.rules}
    claim_rows = []
    for c in claims:
        row = c.as_dict()
        r = by_id.get(c.rule)
        row["rule_file"] = f"{display_path(r.file)}:{r.line}" if r else ""
        if c.rule == "table_cell":
            row["rule_file"] = "govmetrics/tables.py, words in rules/tables.yaml"
        why = evidence.get((c.start, c.end), {})
        row["year_why"], row["target_why"] = why.get("year", ""), why.get("target", "")
        row["table_why"] = why.get("table", "")  # a table cell: which header, label and caption
        claim_rows.append(row)
    claim_spans = [(c.start, c.end) for c in claims]

    def orig(a: int, b: int) -> tuple[int, int]:
        if norm.text == norm_text and b > a:
            return norm.original_span(a, b)
        return a, b

    def reported(a: int, b: int) -> bool:
        oa, ob = orig(a, b)
        return any(s < ob and oa < e for s, e in claim_spans)

    unreported: list[dict] = []
    covered: list[tuple[int, int]] = []
    for m in matches:
        covered.append((m.start, m.end))
        surface = norm_text[m.start:m.end]
        if m.rule.action == "skip":
            unreported.append({"text": surface, "start": m.start, "end": m.end, "rule": m.rule.id,
                               "reason": m.rule.reason or "skip rule"})
        elif not reported(m.start, m.end):
            why = "matched but no claim was made"
            if m.rule.needs:
                why += f" (the rule needs a '{m.rule.needs}' word earlier in the sentence)"
            elif not m.rule.unit:
                why += " (no unit, or the number could not be read)"
            unreported.append({"text": surface, "start": m.start, "end": m.end, "rule": m.rule.id, "reason": why})
    for m in regex.finditer(NUMBER_PATTERN, norm_text):
        a, b = m.span()
        if any(s < b and a < e for s, e in covered) or reported(a, b):
            continue  # a rule's match, or a table cell read as a claim
        unreported.append({"text": m.group(), "start": a, "end": b, "rule": "", "reason": "no rule matched (no unit)"})
    unreported.sort(key=lambda u: (u["start"], u["end"]))
    return Explanation(norm_text, claim_rows, unreported)


def format_explanation(ex: Explanation) -> str:
    lines = ["normalised text:", "  " + ex.normalized.replace("\n", "\n  "), ""]
    lines.append(f"claims ({len(ex.claims)}):")
    for c in ex.claims:
        year = "" if c["year"] is None else c["year"]
        lines.append(
            f"  {c['text']}  value={_num(c['value'])} unit={c['unit']} kind={c['kind']} "
            f"qualifier={c['qualifier']} target={'true' if c['target'] else 'false'} year={year} "
            f"metric={c['metric']} subject={c['subject']}"
        )
        lines.append(f"      rule {c['rule']} ({c['rule_file']})")
        if c.get("table_why"):
            lines.append(f"      {c['table_why']}")
        if c.get("year_why"):
            lines.append(f"      year: {c['year_why']}")
        if c.get("target_why"):
            lines.append(f"      target: {c['target_why']}")
    if not ex.claims:
        lines.append("  (none)")
    lines.append("")
    lines.append(f"numbers seen but not reported ({len(ex.unreported)}):")
    for u in ex.unreported:
        by = f"rule {u['rule']}: " if u["rule"] else ""
        lines.append(f"  {u['text']}  [{u['start']}:{u['end']}]  {by}{u['reason']}")
    if not ex.unreported:
        lines.append("  (none)")
    return "\n".join(lines) + "\n"


def _num(v: float) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e17:
        return str(int(v))
    return repr(v)


__all__ = [
    "RULE_COLUMNS", "METRIC_COLUMNS", "rule_rows", "metric_rows", "run_examples", "check_example",
    "iter_examples", "explain", "format_explanation", "display_path",
]


# ---------------------------------------------------------------------------- rules check

# Text a number can start with, to tell whether a fragment at the head of a pattern
# begins at the number (NUM, CN_INT, QPRE …) or before it.
_NUMBER_PROBES = ("1", "12", "0.5", "一", "十", "两", "半", "百", "千", "万", "零", "〇", "第1", "约1", "近1",
                  "超过1", "不到1", "逾1", "１", "-1", "+1", "负1")


def _head(pattern: str) -> str:
    """The pattern less what cannot consume text at its start: ``^``, opening groups and
    lookarounds (a lookbehind is the sanctioned way to require context)."""
    i = 0
    while i < len(pattern):
        if pattern.startswith("^", i):
            i += 1
        elif pattern.startswith(("(?<=", "(?<!", "(?=", "(?!"), i):
            depth, j = 0, i
            while j < len(pattern):
                if pattern[j] == "\\":
                    j += 2
                    continue
                depth += pattern[j] == "("
                depth -= pattern[j] == ")"
                j += 1
                if depth == 0:
                    break
            i = j
        elif pattern.startswith("(?:", i):
            i += 3
        elif pattern.startswith("(?P<", i) or pattern.startswith("(?<", i):
            i = pattern.index(">", i) + 1
        elif pattern.startswith("(", i) and not pattern.startswith("(?", i):
            i += 1
        else:
            break
    return pattern[i:]


def pattern_start_problem(rule: Rule, rs: RuleSet) -> str | None:
    """Why a claim rule's pattern starts before the number (its match would be parsed as
    a number from its first character, fail, and hide the rules it overlaps), or None.

    Looked at statically (a literal word, or a fragment that cannot start a number, at the
    head of the pattern) and on the rule's own examples (a match that does not parse)."""
    import regex

    from .numbers import parse_quantities

    if rule.action != "claim" or regex.search(r"\(\?P?<q\d", rule.pattern):
        return None  # q1/q2 groups mark the numbers themselves
    texts = [ex["text"] for ex in rule.examples if isinstance(ex, dict) and isinstance(ex.get("text"), str)]
    if texts and rule.compiled is not None:
        for text in texts:
            for mt in rule.compiled.finditer(text):
                surface = mt.group(0)
                if "u" in mt.groupdict() and mt.span("u")[0] >= 0:  # the extractor parses without a `u` word
                    u0, u1 = mt.span("u")
                    surface = text[mt.start():u0] + text[u1:mt.end()]
                if not list(parse_quantities(surface, rs)) and not list(parse_quantities(mt.group(0), rs)):
                    return (f"{display_path(rule.file)}:{rule.line} (rule {rule.id}): matches {mt.group(0)!r} in "
                            "its example, which does not read as a number: a claim pattern must start at the "
                            "number and end with its unit (words before it go in a lookbehind (?<=…) or `needs:`, "
                            "words after it in a lookahead (?=…))")
        return None
    head = _head(rule.pattern)
    bad_start = None
    m = regex.match(r"\{([A-Z][A-Z0-9_]*)\}", head)
    if m:
        frag = rs.fragments.get(m.group(1))
        if frag is not None:
            try:
                compiled = regex.compile(_expand_fragment(frag, rs), regex.V1)
            except regex.error:
                compiled = None
            if compiled is not None and not any(compiled.match(p) for p in _NUMBER_PROBES):
                bad_start = "{" + m.group(1) + "}"
    else:
        lit = regex.match(r"[^\[\](){}\\.?*+|^$]*", head).group(0)
        nxt = head[len(lit):len(lit) + 2]
        if lit and (nxt[:1] in ("?", "*") or regex.match(r"\{\d", nxt)):
            lit = lit[:-1]  # the last character is made optional or repeated
        if lit and not any(list(parse_quantities(lit + probe, rs)) for probe in ("12", "12个", "12亿元", "两番")):
            bad_start = lit
    if bad_start:
        return (f"{display_path(rule.file)}:{rule.line} (rule {rule.id}): the claim pattern starts before the "
                f"number ({bad_start!r}); a claim pattern must start at the number: put the words before it in a "
                "lookbehind (?<=…) or use `needs:`")
    return None


def _expand_fragment(frag: str, rs: RuleSet) -> str:
    from .rules import _expand

    return _expand(frag, rs.fragments, "fragment")
