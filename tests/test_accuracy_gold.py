"""Accuracy on the other gold files (national reports and local documents), copied with their
documents into tests/data/gold so CI gates them without ../shared. Scored with the copy of the
shared scorer, through the shipped catalogue as `score.py --catalogue` does. The thresholds are
this round's acceptance figures (issues 13–16), a little below what main measures, so a
regression fails CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import govmetrics
from govmetrics.catalogue import Catalogue
from govmetrics.rules import load_ruleset
from tests import gold_score

DATA = Path(__file__).resolve().parent / "data" / "gold"
DOCS = DATA / "docs"
CORE = Path(__file__).resolve().parent / "data" / "core_indicators.txt"


def _catalogue() -> dict[str, str]:
    return dict(Catalogue.of(load_ruleset()).alias_to_id)


def _score(gold_files: list[Path]) -> dict:
    gold = []
    for g in gold_files:
        gold += [json.loads(line) for line in g.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = sorted({g["doc"] for g in gold})
    pred = []
    for name in docs:
        text = (DOCS / name).read_text(encoding="utf-8")
        pred += [c.as_dict() for c in govmetrics.extract_text(text, doc=name)]
    gold, scopes = gold_score.split_scopes(gold)
    # As the scorer does: where a gold file annotates only part of a document, only claims
    # inside that part are scored.
    pred = [p for p in pred if p["doc"] not in scopes
            or scopes[p["doc"]][0] <= p["start"] < scopes[p["doc"]][1]]
    res, _ = gold_score.score(gold, pred, catalogue=_catalogue(), core=gold_score.load_core(str(CORE)))
    return res


@pytest.fixture(scope="module")
def local() -> dict:
    return _score(sorted((DATA / "local").glob("*.jsonl")))


@pytest.fixture(scope="module", params=["national_2019", "national_1985", "national_1978"])
def national(request: pytest.FixtureRequest) -> tuple[str, dict]:
    return request.param, _score([DATA / f"{request.param}.jsonl"])


def test_local_claims_and_tables(local: dict) -> None:
    assert local["f1"] >= 0.97, local["f1"]
    recall, n = local["table_recall"]
    assert n >= 60 and recall >= 0.95, local["table_recall"]


@pytest.mark.parametrize("field", ["year", "kind", "target", "indicator", "region"])
def test_local_fields(local: dict, field: str) -> None:
    floor = {"indicator": 0.90, "region": 0.95}.get(field, 0.96)
    acc, n = local[f"{field}_acc"]
    assert n > 100 and acc >= floor, (field, acc, n)


def test_national_claims(national: tuple[str, dict]) -> None:
    name, res = national
    assert res["f1"] >= 0.97, (name, res["f1"])


@pytest.mark.parametrize("field", ["year", "kind", "target", "indicator", "region"])
def test_national_fields(national: tuple[str, dict], field: str) -> None:
    name, res = national
    floor = {"indicator": 0.85, "region": 0.85}.get(field, 0.95)
    acc, n = res[f"{field}_acc"]
    assert n >= 10 and acc >= floor, (name, field, acc, n)
