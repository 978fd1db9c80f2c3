"""Where the time goes: one process, the corpus in memory, each stage timed on its own.

    .venv/bin/python bench/phases.py [FOLDER_OR_FILE] [-n RUNS]

Prints the best of RUNS (CPU seconds of this process; the start-up is the wall time of a
fresh interpreter that imports govmetrics and loads the rules, from the disk cache once
warm) for: start-up, normalising, segmenting, rule matching (every rule's matches plus
overlap resolution) and the whole per-document extraction — both with the Hyperscan path
and with the pre-filter path — and writing JSON Lines. The difference between the whole
extraction and its first three stages is the per-claim work (numeral parsing and
context). These repeated passes find the process's memos filled; "first pass (fresh
process)" is one pass in a new interpreter, as a run makes it (the best of RUNS). Times are
in-process, so they add up to less than `bench/run.py`'s whole-process figure by the
interpreter's own start and the writing.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_CORPORA, corpus_files  # noqa: E402


def _best_wall(fn, runs: int) -> float:
    """Best wall time of ``runs`` calls (for the start-up, which runs in a child process)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _best_interleaved(stages: dict, runs: int) -> dict[str, float]:
    """Best CPU time of each stage, the stages taking turns: a slow spell of the machine
    then hits every stage alike instead of one of them, so the stages add up."""
    best = dict.fromkeys(stages, float("inf"))
    for _ in range(runs):
        for name, fn in stages.items():
            t = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, help="folder (or file) [default: the national corpus, else seeds/]")
    ap.add_argument("-n", type=int, default=3, help="runs per stage; the best is kept")
    args = ap.parse_args()
    root = args.corpus or next((c for c in DEFAULT_CORPORA if c.exists()), DEFAULT_CORPORA[-1])
    files = corpus_files(root.resolve())
    startup = _best_wall(lambda: subprocess.run(
        [sys.executable, "-c", "from govmetrics.rules import default_ruleset; import govmetrics.extractor; default_ruleset()"],
        check=True, cwd=ROOT), args.n)

    cold = min(_cold_pass(files) for _ in range(args.n))

    from govmetrics import engine
    from govmetrics.claim import COLUMNS
    from govmetrics.extractor import extract_text, find_matches
    from govmetrics.normalize import normalize
    from govmetrics.readers import read_document
    from govmetrics.rules import default_ruleset
    from govmetrics.segment import analyse
    from govmetrics.writers import write_rows

    rs = default_ruleset()
    texts = [read_document(str(f), None).text for f in files]
    norms = [normalize(t).text for t in texts]
    rows: list = []
    fast = engine.for_rules(rs, build_now=True) is not None  # from the disk cache, else built now

    def extract_all(on: bool) -> None:
        with _fast_path(on):
            rows[:] = [c.as_dict() for t, f in zip(texts, files, strict=True) for c in extract_text(t, str(f), rs)]

    extract_all(fast)  # the rows to write
    stages = {"start-up (fresh process)": startup, **_best_interleaved({
        "normalise": lambda: [normalize(t) for t in texts],
        "segment": lambda: [analyse(t, rs) for t in norms],
        "rule matching, pre-filter": lambda: [find_matches(t, rs, fast=False, claims_only=True) for t in norms],
        "rule matching, Hyperscan": lambda: [find_matches(t, rs, fast=True, claims_only=True) for t in norms],
        "whole extraction, pre-filter": lambda: extract_all(False),
        "whole extraction, Hyperscan": lambda: extract_all(True),
        "write JSON Lines": lambda: write_rows(iter(rows), COLUMNS, "jsonl", io.StringIO()),
    } if fast else {
        "normalise": lambda: [normalize(t) for t in texts],
        "segment": lambda: [analyse(t, rs) for t in norms],
        "rule matching, pre-filter": lambda: [find_matches(t, rs, fast=False, claims_only=True) for t in norms],
        "whole extraction, pre-filter": lambda: extract_all(False),
        "write JSON Lines": lambda: write_rows(iter(rows), COLUMNS, "jsonl", io.StringIO()),
    }, args.n)}
    stages["whole extraction, first pass (fresh process)"] = cold
    chars = sum(map(len, texts))
    print(f"{len(files)} files, {chars:,} characters, {len(rows):,} claims; best of {args.n}"
          + ("" if fast else " (no Hyperscan here: the pre-filter path only)"))
    for name, t in stages.items():
        print(f"  {name:46s} {t:6.2f} s")
    for path in ("pre-filter", "Hyperscan") if fast else ("pre-filter",):
        rest = (stages[f"whole extraction, {path}"] - stages["normalise"] - stages["segment"]
                - stages[f"rule matching, {path}"])
        print(f"  {'per-claim work (rest), ' + path:46s} {rest:6.2f} s")


# One pass over the files in a fresh interpreter, as a run makes it: the memos that later
# passes of this process find filled (parsed surfaces, clauses read) start empty there.
_COLD = """
import sys, time
from govmetrics.extractor import extract_text
from govmetrics.readers import read_document
from govmetrics.rules import default_ruleset
rs = default_ruleset()
texts = [read_document(f, None).text for f in sys.argv[1:]]
t = time.process_time()
for f, text in zip(sys.argv[1:], texts):
    extract_text(text, f, rs)
print(time.process_time() - t)
"""


def _cold_pass(files: list[Path]) -> float:
    """CPU seconds of one extraction pass over ``files`` in a fresh process (Hyperscan path)."""
    out = subprocess.run([sys.executable, "-c", _COLD, *map(str, files)], check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout
    return float(out.split()[-1])


class _fast_path:
    """GOVMETRICS_HYPERSCAN set for a block: extract_text takes the path it says."""

    def __init__(self, on: bool) -> None:
        self.on = on

    def __enter__(self) -> None:
        import os

        self.old = os.environ.get("GOVMETRICS_HYPERSCAN")
        os.environ["GOVMETRICS_HYPERSCAN"] = "1" if self.on else "0"

    def __exit__(self, *exc: object) -> None:
        import os

        if self.old is None:
            os.environ.pop("GOVMETRICS_HYPERSCAN", None)
        else:
            os.environ["GOVMETRICS_HYPERSCAN"] = self.old


if __name__ == "__main__":
    main()
