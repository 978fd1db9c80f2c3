"""Every `examples:` entry of the shipped rules, one parametrised test each.

An example lists the claims its text must give (only the fields written are compared;
`claims: []` means no claim at all). `govmetrics rules test` runs the same checks."""

from __future__ import annotations

import pytest

from govmetrics.rules import default_ruleset
from govmetrics.ruletools import check_example, iter_examples

EXAMPLES = iter_examples(default_ruleset())


def test_the_shipped_rules_have_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(
    "rule, index, example", EXAMPLES,
    ids=[f"{r.id}-{i}" for r, i, _ in EXAMPLES],
)
def test_rule_example(rule, index, example):
    result = check_example(rule, index, example, default_ruleset())
    assert result.ok, f"{result.where}: {result.text}\n" + "\n".join(result.problems)
