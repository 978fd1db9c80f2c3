"""How often govmetrics' numeral parser agrees with cn2an's own test cases.

cn2an ships its unit tests inside its wheel. Fetch and unpack it, then point this script
at the test file (cn2an is never a dependency of govmetrics):

    pip download --no-deps -d /tmp/cn2an cn2an && unzip -o -q /tmp/cn2an/cn2an-*.whl -d /tmp/cn2an/w
    .venv/bin/python bench/cn2an_agreement.py /tmp/cn2an/w/cn2an/cn2an_test.py

It reads the `smart` and `direct` input → number tables from the test's setUp (the
forms a real document may hold) and prints the agreement and every disagreement.
"""

from __future__ import annotations

import math
import sys

import govmetrics


def load_cases(path: str) -> dict[str, float]:
    src = open(path, encoding="utf-8").read()
    body = src[src.index("def setUp"):src.index("def test_cn2an")]
    ns: dict = {}
    exec("class T:\n    " + body.replace("\n", "\n    "), ns)  # noqa: S102 - a trusted test table
    t = ns["T"]()
    try:
        t.setUp()
    except Exception:  # noqa: BLE001 - setUp also builds cn2an objects we do not need
        pass
    cases: dict[str, float] = {}
    for name in ("smart_data_dict", "direct_data_dict"):
        cases.update(getattr(t, name, {}))
    return cases


def main(path: str) -> None:
    cases = load_cases(path)
    fails = []
    for text, want in cases.items():
        got = govmetrics.parse_number(text)
        if got is None:
            q = govmetrics.parse_quantity(text)
            got = q.value if q else None
        if got is None or not math.isclose(got, float(want), rel_tol=1e-9, abs_tol=1e-12):
            fails.append((text, want, got))
    ok = len(cases) - len(fails)
    print(f"cn2an cases: {ok}/{len(cases)} agree ({ok / len(cases):.1%})")
    for f in fails:
        print("  disagree:", f)


if __name__ == "__main__":
    main(sys.argv[1])
