"""Where the time goes: one process, the corpus in memory, each stage timed on its own.

    .venv/bin/python bench/phases.py [FOLDER_OR_FILE] [-n RUNS]

Prints the best of RUNS (CPU seconds of this process; the start-up is the wall time of
a fresh interpreter that imports govmetrics and compiles the rules) for: start-up, normalising, segmenting, rule matching (every rule's pass plus
overlap resolution), the whole per-document extraction, and writing JSON Lines. The
difference between the whole extraction and its first three stages is the per-claim
work (numeral parsing and context). Times are in-process, so they add up to less than
`bench/run.py`'s whole-process figure by the interpreter's own start.
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

    def extract_all() -> None:
        rows[:] = [c.as_dict() for t, f in zip(texts, files, strict=True) for c in extract_text(t, str(f), rs)]

    extract_all()  # the rows to write
    stages = {"start-up (fresh process)": startup, **_best_interleaved({
        "normalise": lambda: [normalize(t) for t in texts],
        "segment": lambda: [analyse(t, rs) for t in norms],
        "rule matching": lambda: [find_matches(t, rs) for t in norms],
        "whole extraction": extract_all,
        "write JSON Lines": lambda: write_rows(iter(rows), COLUMNS, "jsonl", io.StringIO()),
    }, args.n)}
    chars = sum(map(len, texts))
    print(f"{len(files)} files, {chars:,} characters, {len(rows):,} claims; best of {args.n}")
    for name, t in stages.items():
        print(f"  {name:26s} {t:6.2f} s")
    rest = stages["whole extraction"] - stages["normalise"] - stages["segment"] - stages["rule matching"]
    print(f"  {'per-claim work (rest)':26s} {rest:6.2f} s")


if __name__ == "__main__":
    main()
