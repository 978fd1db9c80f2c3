"""A 10 MB document extracts within 1 GB of memory (measured in a child process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys
from pathlib import Path
seeds = Path(sys.argv[1])
# Simplified seeds (the Traditional one would only measure OpenCC).
parts = [(seeds / n).read_text(encoding="utf-8") for n in ("001_c2c7d1486e3858ae.txt", "003_8b0f3b1922eb543b.txt", "004_b336c947ab320b12.txt")]
unit = "\n\n".join(parts)
text = "\n\n".join([unit] * (10_000_000 // len(unit.encode("utf-8")) + 1))
size = len(text.encode("utf-8"))
from govmetrics.extractor import extract_text
claims = extract_text(text, doc="big.txt")
ok = all(text[c.start:c.end] == c.text for c in claims)
print(json.dumps({"bytes": size, "claims": len(claims), "offsets_ok": ok,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def test_10mb_document_within_1gb():
    r = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "seeds")], capture_output=True, text=True,
                       cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["bytes"] >= 10_000_000
    assert out["claims"] > 10_000
    assert out["offsets_ok"]
    assert out["maxrss_kb"] < 1024 * 1024, f"peak memory {out['maxrss_kb'] / 1024:.0f} MB"
