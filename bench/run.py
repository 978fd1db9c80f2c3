#!/usr/bin/env python3
"""Throughput benchmark: govmetrics against a regex floor and JioNLP's extract_money.

Every figure is the median whole-process wall time of N runs (a subprocess each:
interpreter start, imports and reading the files included), over the same files. The tools
take turns round by round, and each ratio is also given as the median of the rounds' own
ratios, which a shared machine's drifting load disturbs least.

    python bench/run.py                      # ../shared/corpus/national if present, else seeds/
    python bench/run.py CORPUS_DIR -n 5      # any folder, 5 runs each
    python bench/run.py --jobs 1,2           # govmetrics at several --jobs values
    python bench/run.py --no-stages          # skip the stage table (bench/phases.py)

govmetrics runs with the fast matching path (Hyperscan, govmetrics/engine.py) and, as
"pre-filter", with it turned off (GOVMETRICS_HYPERSCAN=0), so the ratios are given both
ways. Children run without PYTHONDONTWRITEBYTECODE, as an installed tool would (compiled
bytecode cached), and with the user's cache folder (compiled rules, the Hyperscan
database), warmed by one untimed run each.

See bench/README.md for what is measured and the targets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# ../shared beside the repository, or beside the folder of worktrees in the workspace.
DEFAULT_CORPORA = [REPO.parent / "shared" / "corpus" / "national", REPO.parent.parent / "shared" / "corpus" / "national",
                   REPO / "seeds"]

# The floor: start Python, read the files, one compiled `regex` pass finding numbers.
FLOOR = r"""
import sys, regex
NUM = regex.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+")
n = 0
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    text = open(path, encoding="utf-8", errors="replace").read()
    n += sum(1 for _ in NUM.finditer(text))
print(n)
"""

# JioNLP's money extractor over the same files (an optional extra: pip install jionlp).
JIONLP = r"""
import sys, jionlp
n = 0
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    text = open(path, encoding="utf-8", errors="replace").read()
    n += len(jionlp.ner.extract_money(text))
print(n)
"""


def corpus_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


def count_chars(files: list[Path]) -> int:
    """Characters of the decoded documents (as govmetrics reads them)."""
    sys.path.insert(0, str(REPO))
    from govmetrics.readers import InputError, read_document

    total = 0
    for f in files:
        try:
            total += len(read_document(str(f)).text)
        except InputError:
            pass
    return total


def has_jionlp(python: str) -> bool:
    r = subprocess.run([python, "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('jionlp') is None)"],
                       capture_output=True)
    return r.returncode == 0


def govmetrics_cmd(python: str, root: Path, jobs: int | None) -> list[str]:
    exe = Path(python).with_name("govmetrics")
    base = [str(exe)] if exe.exists() else [python, "-c", "from govmetrics.cli import main; main()"]
    cmd = [*base, "extract", str(root), "--format", "jsonl"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return cmd


OFF = "GOVMETRICS_HYPERSCAN=0 "  # a tool label's prefix: run with the fast path off


def _env(label: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if label.startswith(OFF):
        env["GOVMETRICS_HYPERSCAN"] = "0"
    return env


def timed_once(cmd: list[str], label: str = "") -> float:
    """Wall time of one run of ``cmd`` (stdout discarded; a failure aborts)."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=_env(label))
    elapsed = time.perf_counter() - t0
    if r.returncode not in (0, 1):  # 1: some input skipped, still a full run
        sys.exit(f"bench: {' '.join(cmd[:3])} … failed ({r.returncode}):\n{r.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def round_robin(tools: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """``runs`` rounds, each running every tool once in turn: a slow spell of a shared
    machine then falls on all tools alike instead of on one tool's block of runs."""
    times: dict[str, list[float]] = {label: [] for label in tools}
    for label, cmd in tools.items():
        timed_once(cmd, label)  # warm-up: bytecode, rule and engine caches, file system cache
    for _ in range(runs):
        for label, cmd in tools.items():
            times[label].append(timed_once(cmd, label))
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, help="folder (or file) to extract [default: the national corpus, else seeds/]")
    ap.add_argument("-n", "--runs", type=int, default=3, help="runs per tool; the median is reported [3]")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values for govmetrics [1,2]")
    ap.add_argument("--python", default=sys.executable, help="interpreter with govmetrics (and jionlp) installed")
    ap.add_argument("--no-jionlp", action="store_true", help="skip JioNLP even when installed")
    ap.add_argument("--jionlp-python", help="interpreter with jionlp installed, when not --python's")
    ap.add_argument("--no-stages", action="store_true", help="skip the stage table (bench/phases.py)")
    ap.add_argument("--fast-only", action="store_true", help="govmetrics with the fast path only (not also off)")
    args = ap.parse_args(argv)

    root = args.corpus or next((c for c in DEFAULT_CORPORA if c.exists()), DEFAULT_CORPORA[-1])
    root = root.resolve()
    files = corpus_files(root)
    if not files:
        sys.exit(f"bench: no files under {root}")
    chars = count_chars(files)
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    print(f"corpus: {root} ({len(files)} files, {chars:,} characters); median of {args.runs} runs, whole process")
    print(f"at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {os.getloadavg()[0]:.1f}")
    print(f"python: {args.python}; cpus: {os.cpu_count()}")

    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.txt"
        listing.write_text("\n".join(str(f) for f in files), encoding="utf-8")
        tools = {f"govmetrics --jobs {j}": govmetrics_cmd(args.python, root, j) for j in jobs}
        if not args.fast_only:
            tools.update({f"{OFF}--jobs {j}": govmetrics_cmd(args.python, root, j) for j in jobs})
        tools["floor (regex pass)"] = [args.python, "-c", FLOOR, str(listing)]
        jio_python = args.jionlp_python or args.python
        jio = not args.no_jionlp and has_jionlp(jio_python)
        if jio:
            tools["JioNLP extract_money"] = [jio_python, "-c", JIONLP, str(listing)]
        times = round_robin(tools, args.runs)
        one_line = Path(tmp) / "one.txt"
        one_line.write_text("2023年全市地区生产总值增长5.2%。\n", encoding="utf-8")
        exe = govmetrics_cmd(args.python, root, None)[:-4]  # the program, without `extract ROOT --format jsonl`
        starts = round_robin({"extract, one-line file": [*exe, "extract", str(one_line), "--format", "jsonl"],
                              "--help": [*exe, "--help"]}, max(args.runs, 5))
    results = {label: statistics.median(ts) for label, ts in times.items()}
    for label, ts in times.items():
        med = results[label]
        print(f"  {label:<32} {med:7.2f} s  {chars / med:>12,.0f} chars/s   runs: {', '.join(f'{t:.2f}' for t in ts)}")
    if not jio:
        print("  JioNLP extract_money   skipped (not installed: pip install jionlp)")
    for label, target in (("extract, one-line file", 0.2), ("--help", 0.1)):
        ts = starts[label]
        print(f"  govmetrics {label:<21} {statistics.median(ts):7.2f} s  (target <= {target} s)"
              f"   runs: {', '.join(f'{t:.2f}' for t in ts)}")

    jio_label = "JioNLP extract_money" if jio else None
    prefixes = ["govmetrics "] + ([] if args.fast_only else [OFF])
    for prefix in prefixes:
        path = "fast path (Hyperscan)" if prefix == "govmetrics " else "fast path off (pre-filter)"
        print(f"ratios, {path} (time; lower is better for govmetrics): of the medians, and [median of each round's ratio]")
        first = f"{prefix}--jobs {jobs[0]}"
        g1 = results[first]

        def paired(other: str, first: str = first) -> float:
            # The median of the ratios within each round: robust to the machine's load drifting.
            return statistics.median(a / b for a, b in zip(times[first], times[other], strict=True))

        floor = "floor (regex pass)"
        print(f"  govmetrics/floor   = {g1 / results[floor]:6.2f}x  [{paired(floor):6.2f}x]   (target <= 15x, --jobs {jobs[0]})")
        if jio_label:
            print(f"  govmetrics/JioNLP  = {g1 / results[jio_label]:6.2f}x  [{paired(jio_label):6.2f}x]   (target <= 1.2x, --jobs {jobs[0]})")
        for j in jobs[1:]:
            other = f"{prefix}--jobs {j}"
            print(f"  speed-up --jobs {j} over --jobs {jobs[0]} = {g1 / results[other]:5.2f}x  [{paired(other):5.2f}x]"
                  "   (target >= 1.5x)")
            if jio_label:
                print(f"  --jobs {j}: govmetrics/JioNLP = {results[other] / results[jio_label]:6.2f}x"
                      f"  [{paired(jio_label, other):6.2f}x]   (target <= 0.9x)")
    if not args.fast_only:
        for j in jobs:
            on, off = f"govmetrics --jobs {j}", f"{OFF}--jobs {j}"
            ratio = statistics.median(a / b for a, b in zip(times[off], times[on], strict=True))
            print(f"  fast path on vs off, --jobs {j}: {results[off] / results[on]:5.2f}x faster  [{ratio:5.2f}x]")
    if not args.no_stages:
        print("stages (bench/phases.py, in one process):", flush=True)
        subprocess.run([args.python, str(REPO / "bench" / "phases.py"), str(root), "-n", str(args.runs)],
                       cwd=REPO, env=_env(""), check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
