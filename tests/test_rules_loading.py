"""User rule files: loading, validation messages (file, line, rule id), and the tools
`govmetrics rules list|check|test`, `metrics`, `explain`."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from govmetrics import extract_text
from govmetrics.cli import main
from govmetrics.rules import RuleError, load_ruleset
from govmetrics.ruletools import check_example, describe_rule_error, explain, value_matches


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------------------- loading


def test_smallest_rule_file_loads_and_its_matches_carry_its_id(tmp_path):
    p = write(tmp_path, "mine.yaml", "rules: [{id: my_rule, pattern: '{NUM}吨/年'}]\n")
    rs = load_ruleset([p])
    assert rs.rule("my_rule").file == str(p)
    claims = extract_text("新建炼化项目产能500万吨/年。", rules=rs)
    assert [(c.rule, c.value, c.unit, c.text) for c in claims] == [("my_rule", 5e6, "吨/年", "500万吨/年")]
    # Without the user's rule the shipped ones see only 500万吨.
    assert [c.rule for c in extract_text("新建炼化项目产能500万吨/年。")] != ["my_rule"]


def test_smallest_rule_file_through_the_cli(tmp_path):
    rules = write(tmp_path, "mine.yaml", "rules: [{id: my_rule, pattern: '{NUM}吨/年'}]\n")
    doc = write(tmp_path, "doc.txt", "新建炼化项目产能500万吨/年。\n")
    r = run("extract", doc, "--rules", rules, "--format", "jsonl", "--columns", "text,value,rule")
    assert r.exit_code == 0, r.output
    assert [json.loads(x) for x in r.stdout.splitlines()] == [{"text": "500万吨/年", "value": 5000000, "rule": "my_rule"}]


BROKEN = {
    "broken_yaml": ("rules:\n  - id: first\n    pattern: '{NUM}a'\n  - id: second\n    pattern: [unclosed\n",
                    r"broken_yaml\.yaml:\d+ \(in or after rule second", "YAML"),
    "unknown_field": ("rules:\n  - id: first\n    pattern: '{NUM}a'\n  - id: second\n    pattern: 'b'\n    colour: red\n",
                      r"unknown_field\.yaml:4 \(rule second\)", "colour"),
    "bad_regex": ("rules:\n  - id: first\n    pattern: '{NUM}a'\n  - id: second\n    pattern: '(abc'\n",
                  r"bad_regex\.yaml:4 \(rule second\)", "bad regex"),
    "bad_action": ("rules:\n  - id: second\n    pattern: 'a'\n    action: keep\n",
                   r"bad_action\.yaml:2 \(rule second\)", "action"),
    "no_id": ("rules:\n  - pattern: 'a'\n", r"no_id\.yaml:2", "id"),
    "duplicate_id": ("rules:\n  - id: same\n    pattern: '{NUM}a'\n  - id: same\n    pattern: '{NUM}b'\n",
                     r"duplicate_id\.yaml:4 \(rule same\)", "duplicate rule id"),
    "unknown_fragment": ("rules:\n  - id: second\n    pattern: '{NOPE}'\n",
                         r"unknown_fragment\.yaml:2 \(rule second\)", "NOPE"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_rule_files_name_file_line_and_rule(tmp_path, name):
    text, where, what = BROKEN[name]
    p = write(tmp_path, f"{name}.yaml", text)
    with pytest.raises(RuleError) as e:
        load_ruleset([p])
    msg = describe_rule_error(str(e.value))
    assert what in msg
    assert __import__("re").search(where, msg), msg
    doc = write(tmp_path, "doc.txt", "地区生产总值3600亿元。\n")
    for args in (["extract", doc, "--rules", p], ["rules", "check", "--rules", p], ["rules", "test", "--rules", p],
                 ["rules", "list", "--rules", p], ["metrics", "--rules", p], ["diff", doc, doc, "--rules", p]):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
        err = r.stderr.strip()
        assert len(err.splitlines()) == 1 and err.startswith("govmetrics: error: ")
        assert __import__("re").search(where, err), err


def test_same_id_in_another_file_replaces_the_earlier_rule(tmp_path):
    # Across files a repeated id is how a user file overrides a rule; only within one file is it an error.
    a = write(tmp_path, "a.yaml", "rules: [{id: same, pattern: '{NUM}吨/年'}]\n")
    b = write(tmp_path, "b.yaml", "rules: [{id: same, pattern: '{NUM}桶/日'}]\n")
    rs = load_ruleset([a, b])
    assert [r.pattern for r in rs.rules if r.id == "same"] == ["{NUM}桶/日"]


def test_missing_rules_path(tmp_path):
    r = run("extract", write(tmp_path, "d.txt", "x"), "--rules", tmp_path / "nope")
    assert r.exit_code == 2 and "nope" in r.stderr and "no such" in r.stderr


def test_catastrophic_backtracking_rule_is_stopped(tmp_path):
    rules = write(tmp_path, "evil.yaml", "rules: [{id: evil, pattern: '(a+)+$'}]\n")
    doc = write(tmp_path, "evil.txt", "a" * 5000 + "!\n地区生产总值3600亿元。\n")
    t0 = time.monotonic()
    r = run("extract", doc, "--rules", rules, "--format", "jsonl")
    elapsed = time.monotonic() - t0
    assert elapsed < 20, elapsed
    assert "evil" in r.stderr and "Traceback" not in r.output
    assert r.exit_code in (0, 1)
    assert any(json.loads(x)["value"] == 3.6e11 for x in r.stdout.splitlines())  # the other rules still ran


# ---------------------------------------------------------------------------- rules check / list / metrics


def test_rules_check_ok(tmp_path):
    r = run("rules", "check")
    assert r.exit_code == 0 and r.stdout.startswith("ok: ")
    p = write(tmp_path, "mine.yaml", "rules: [{id: my_rule, pattern: '{NUM}x'}]\n")
    assert run("rules", "check", "--rules", p).exit_code == 0


def test_rules_check_malformed_example(tmp_path):
    p = write(tmp_path, "mine.yaml", "rules:\n  - id: my_rule\n    pattern: 'x'\n    examples: [{claims: []}]\n")
    r = run("rules", "check", "--rules", p)
    assert r.exit_code == 2 and "mine.yaml:2 (rule my_rule)" in r.stderr and "example 1" in r.stderr


def test_rules_list(tmp_path):
    p = write(tmp_path, "mine.yaml", "rules: [{id: my_rule, pattern: 'x', action: skip, reason: mine}]\n")
    r = run("rules", "list", "--rules", p, "--format", "jsonl")
    assert r.exit_code == 0
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert {"id", "file", "line", "action"} <= set(rows[0])
    ids = {row["id"]: row for row in rows}
    assert "quantity" in ids and ids["quantity"]["file"].endswith("patterns.yaml")
    assert ids["my_rule"]["action"] == "skip" and ids["my_rule"]["file"].endswith("mine.yaml")
    assert ids["my_rule"]["reason"] == "mine" and ids["my_rule"]["line"] == 1
    r = run("rules", "list", "--format", "table", env={"COLUMNS": "200"})
    assert r.exit_code == 0 and "quantity" in r.stdout


def test_metrics_catalogue(tmp_path):
    r = run("metrics", "--format", "json")
    assert r.exit_code == 0
    rows = {row["metric"]: row["aliases"] for row in json.loads(r.stdout)}
    assert "地区生产总值" in rows["gdp"] and "GDP" in rows["gdp"]
    for mid in ("gdp", "fiscal_revenue", "budget_revenue", "new_urban_jobs", "poverty"):
        assert mid in rows
    p = write(tmp_path, "m.yaml", "metrics:\n  reservoirs: [水库, 水库数量]\n")
    r = run("metrics", "--rules", p, "--format", "csv")
    assert "reservoirs,,水库、水库数量" in r.stdout  # old list form: no English name
    # A user metric can then be used as a filter.
    doc = write(tmp_path, "d.txt", "全市水库数量达到120座。\n")
    r = run("extract", doc, "--rules", p, "--metric", "reservoirs", "--format", "jsonl")
    assert r.exit_code == 0


# ---------------------------------------------------------------------------- rules test


def test_rules_test_shipped():
    r = run("rules", "test")
    assert r.exit_code in (0, 1)
    assert "examples," in r.stdout.splitlines()[-1]


def test_rules_test_reports_failures(tmp_path):
    p = write(tmp_path, "mine.yaml", """rules:
  - id: my_rule
    pattern: '{NUM}吨/年'
    examples:
      - text: 产能500万吨/年
        claims: [{value: 5000000, unit: 吨/年}]
      - text: 产能500万吨/年
        claims: [{value: 13}]
      - text: 产能500万吨/年
        claims: []
""")
    r = run("rules", "test", "--rules", p, "-v")
    assert r.exit_code == 1
    out = r.stdout
    assert "ok    " in out and "example 1" in out
    assert "FAIL  " in out and "mine.yaml:2 (rule my_rule, example 2)" in out
    assert "expected {value: 13}" in out
    assert "(rule my_rule, example 3)" in out and "expected no claim" in out
    assert len([x for x in out.splitlines() if x.startswith("FAIL") and "mine.yaml" in x]) == 2
    assert out.splitlines()[-1].endswith(" failed")


def test_rules_test_all_pass(tmp_path):
    p = write(tmp_path, "mine.yaml", """rules:
  - id: my_rule
    pattern: '{NUM}吨/年'
    examples:
      - text: 产能500万吨/年
        claims: [{value: 5000000, unit: 吨/年, rule: my_rule}]
""")
    from govmetrics.rules import load_ruleset as load

    rs = load([p])
    assert check_example(rs.rule("my_rule"), 1, rs.rule("my_rule").examples[0], rs).ok


def test_value_matches_rounding():
    assert value_matches(66.67, 66.666667)
    assert value_matches(3.6e11, 360000000000.0)
    assert value_matches(66.7, 66.666667)  # rounded to the one decimal written
    assert not value_matches(12, 13)
    assert not value_matches(12, None)


# ---------------------------------------------------------------------------- explain


def test_explain_lists_claims_skips_and_unmatched_numbers():
    ex = explain("十九届四中全会以来，地区生产总值超3600亿元，完成3项。编号77", load_ruleset())
    assert ex.normalized.startswith("十九届四中全会")
    assert any(c["text"] == "超3600亿元" and c["rule"] and c["rule_file"] for c in ex.claims)
    reasons = {u["text"]: (u["rule"], u["reason"]) for u in ex.unreported}
    assert any(rule == "meeting_ordinal" for rule, _ in reasons.values())
    assert reasons.get("77") == ("", "no rule matched (no unit)")


def test_explain_cli():
    r = run("explain", "地区生产总值超3600亿元，比上年增长8.2%。十九届四中全会")
    assert r.exit_code == 0
    out = r.stdout
    assert "normalised text:" in out and "claims (2):" in out
    assert "rule quantity" in out and "patterns.yaml:" in out
    assert "meeting_ordinal" in out and "ordinal in the name of a meeting" in out
    r = run("explain", "-", input="共有77\n")
    assert r.exit_code == 0 and "no rule matched (no unit)" in r.stdout


# ---------------------------------------------------------------------------- issue 17: rules check


def check_errors(tmp_path, text) -> list[str]:
    p = write(tmp_path, "mine.yaml", text)
    r = run("rules", "check", "--rules", p)
    lines = r.stderr.strip().splitlines()
    assert r.exit_code == (2 if lines else 0), r.output
    assert all(x.startswith("govmetrics: error: ") for x in lines)
    return lines


def test_metric_aliases_as_a_string_is_an_error(tmp_path):
    # `gdp: 地区生产总值` used to become six one-character aliases.
    for text in ("metrics:\n  my_gdp: 地区生产总值\n", "metrics:\n  my_gdp: {name: GDP, aliases: 地区生产总值}\n"):
        lines = check_errors(tmp_path, text)
        assert len(lines) == 1 and "mine.yaml:2 (metric my_gdp)" in lines[0] and "must be a list" in lines[0]


def test_both_metric_forms_are_valid(tmp_path):
    text = ("metrics:\n  my_gdp: [地区生产总值, GDP]\n"
            "  my_rate:\n    name: A rate\n    aliases: [某某率]\n    better: lower\n    tolerance: 0.5\n")
    assert check_errors(tmp_path, text) == []


def test_needs_naming_an_unknown_list_is_an_error(tmp_path):
    lines = check_errors(tmp_path, "rules:\n  - id: mine\n    pattern: '{NUM}个'\n    needs: rank_contxt\n")
    assert len(lines) == 1 and "(rule mine)" in lines[0] and "rank_contxt" in lines[0] and "rank_context" in lines[0]
    with pytest.raises(RuleError, match="rank_contxt"):
        load_ruleset([tmp_path / "mine.yaml"])


@pytest.mark.parametrize("text", [
    "rules:\n  - id: mine\n    pattern: '地区生产总值{NUM}亿元'\n",  # static: a literal word first
    "rules:\n  - id: mine\n    pattern: '(?:地区)?生产总值{NUM}亿元'\n    examples:\n"
    "      - text: 地区生产总值3600亿元\n        claims: [{value: 360000000000}]\n",  # on its example
])
def test_claim_pattern_starting_before_the_number_is_reported(tmp_path, text):
    lines = check_errors(tmp_path, text)
    assert len(lines) == 1 and "(rule mine)" in lines[0] and "start at the number" in lines[0]


def test_patterns_that_start_at_the_number_pass(tmp_path):
    text = ("rules:\n  - id: a\n    pattern: '(?<=生产总值){NUM}亿元'\n"
            "  - id: b\n    pattern: '{QPRE}?{NUM}个(?=试点)'\n    unit: 个\n"
            "  - id: c\n    pattern: '{NUM}吨/年'\n    examples:\n      - text: 产能500万吨/年\n"
            "        claims: [{value: 5000000}]\n")
    assert check_errors(tmp_path, text) == []
    assert check_errors(tmp_path, "rules:\n  - id: s\n    pattern: '十九届'\n    action: skip\n") == []


def test_regex_error_points_into_the_users_own_pattern(tmp_path):
    lines = check_errors(tmp_path, "rules:\n  - id: mine\n    pattern: '{NUM}个[试点'\n")
    assert len(lines) == 1  # the set is never closed: the end of what the user wrote, not of {NUM} expanded
    assert "position 9 of the pattern: {NUM}个[试点⟦here⟧" in lines[0], lines[0]
    lines = check_errors(tmp_path, "rules:\n  - id: mine\n    pattern: '{NUM}个*+?试点'\n")
    assert len(lines) == 1 and "position 8 of the pattern: {NUM}个*+⟦here⟧?试点" in lines[0], lines[0]


def test_every_error_of_a_file_is_reported(tmp_path):
    text = ("metrics:\n  my_gdp: 地区生产总值\n"
            "rules:\n"
            "  - id: one\n    pattern: '{NUM}(个'\n"
            "  - id: two\n    pattern: '{NUM}个'\n    colour: red\n"
            "  - id: three\n    pattern: '{NOPE}个'\n"
            "  - id: four\n    pattern: '{NUM}个'\n    needs: nothing\n"
            "  - id: five\n    pattern: '{NUM}个'\n"
            "bogus_section: {}\n")
    lines = check_errors(tmp_path, text)
    joined = "\n".join(lines)
    for what in ("my_gdp", "rule one", "rule two", "NOPE", "rule four", "bogus_section"):
        assert what in joined, what
    assert "rule five" not in joined
    assert len(lines) == 6
