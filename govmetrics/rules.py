"""Load, validate and compile the YAML rule files under `rules/`.

A rule file is a YAML mapping with any of these sections, merged across files in
load order (the shipped rules first, then each `--rules DIR`):

  fragments   NAME -> regex (or a list of words), referenced as {NAME}
  rules       list of patterns: {id, pattern, action, kind, unit, qualifier, reason, priority, examples}
  units, digits, small_units, magnitudes, money_subunits, count_nouns,
  qualifiers, governing, cues, relative_years, five_year_plans, metrics, words, regions
                 vocabulary tables (see the files themselves)

Errors name the file, the line and the rule id, and raise RuleError; nothing is
compiled lazily, so a bad rule fails at load time, never mid-run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

import regex

from .patterns import compiled
from .prefilter import scopes_for

SECTIONS = {
    "fragments", "rules", "units", "digits", "small_units", "magnitudes", "money_subunits",
    "count_nouns", "qualifiers", "governing", "cues", "relative_years", "century_years", "five_year_plans",
    "metrics", "words", "regions", "tables", "track",
}
RULE_FIELDS = {
    "id", "pattern", "action", "kind", "unit", "qualifier", "reason", "priority", "examples", "target", "needs",
}
ACTIONS = {"claim", "skip"}
KINDS = {"level", "growth", "share", "rank"}
_REF = compiled(r"\{([A-Z][A-Z0-9_]*)\}")
# Patterns run under this many seconds per document (issue: catastrophic backtracking).
PATTERN_TIMEOUT = 2.0


class RuleError(Exception):
    """A rule file is invalid. str() is a one-line message naming file, line and rule."""


@dataclass
class Rule:
    id: str
    pattern: str
    action: str = "claim"
    kind: str = ""
    unit: str = ""
    qualifier: str = ""
    reason: str = ""
    priority: int = 0
    target: bool | None = None
    needs: str = ""  # a cue list that must occur in the clause before the number
    examples: list[dict] = field(default_factory=list)
    file: str = ""
    line: int = 0
    compiled: Any = None  # regex.Pattern
    scope: Any = None  # prefilter.Scope: where the pattern can match; None scans everything
    user: bool = False  # from a --rules file: wins ties against the shipped rules


@dataclass
class MetricInfo:
    """One indicator of the catalogue (rules/metrics.yaml)."""

    id: str
    name: str = ""  # English name; empty for an entry in the old list form
    aliases: list[str] = field(default_factory=list)
    better: str = "higher"  # higher | lower: which way is an improvement (track)
    tolerance: float | None = None  # how far a 左右 target may be missed, in the figure's unit

    @property
    def group(self) -> str:
        """The top-level group of a dotted id (value_added.primary -> value_added)."""
        return self.id.split(".", 1)[0]


@dataclass(eq=False)  # compared and hashed by identity (below)
class RuleSet:
    rules: list[Rule]
    fragments: dict[str, str]
    data: dict[str, Any]
    units: dict[str, tuple[str, float]]
    files: list[str]
    # The catalogue with names and track settings; data["metrics"] keeps id -> aliases.
    metric_info: dict[str, MetricInfo] = field(default_factory=dict)
    # Values worked out from the rules alone (see `derived`), kept with them in the disk cache.
    derived: dict[str, Any] = field(default_factory=dict, repr=False)
    cache_key: str | None = field(default=None, repr=False)  # its entry in the disk cache

    @property
    def metrics(self) -> dict[str, list[str]]:
        """The catalogue as id -> Chinese aliases, in file order."""
        return self.data.get("metrics", {})

    def __hash__(self) -> int:  # identity: rule sets are built once and shared
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


T = TypeVar("T")
_grown: list[RuleSet] = []  # cached rule sets that gained derived values in this process


def derived(build: Callable[[RuleSet], T]) -> Callable[[RuleSet], T]:
    """Decorator for a value worked out from a rule set alone (a module's vocabulary, its
    compiled cue patterns): built once per rule set and kept in ``rs.derived``, which is saved
    with the rule set in the disk cache, so later processes unpickle it instead of building it
    (the attribution vocabulary alone costs ~30 ms per start). The cache key covers the rule
    files and this package's code, so a change to either rebuilds it. Nothing read from a
    document may be saved with them: a memo of document text kept on one stays out of its
    pickle (attribute.Vocab's memos)."""
    name = f"{build.__module__}.{build.__qualname__}"

    @wraps(build)
    def get(rs: RuleSet) -> T:
        try:
            return rs.derived[name]
        except KeyError:
            from .patterns import for_derived

            with for_derived():
                value = rs.derived[name] = build(rs)
            if rs.cache_key is not None and rs not in _grown:
                if not _grown:
                    import atexit

                    atexit.register(_save_grown)
                _grown.append(rs)
            return value

    return get


def _save_grown() -> None:
    """Write the rule sets that gained derived values back to the cache (at exit, once)."""
    from .diskcache import save_blob

    for rs in _grown:
        if rs.cache_key is not None:
            save_blob("ruleset", rs.cache_key, rs)
    _grown.clear()


@lru_cache(maxsize=1)
def _line_loader() -> type:
    """A SafeLoader (libyaml's when present: ~10x faster) that records the source line of
    every mapping as `__line__`. Built on first use: yaml is only imported when a rule
    file is read, never when the compiled rules come from the cache."""
    import yaml

    class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        pass

    def construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict:
        mapping = loader.construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


def _strip_lines(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip_lines(x) for x in obj]
    return obj


def shipped_rules_dir() -> Path:
    """The rules installed with the package, else the repo's top-level `rules/`."""
    here = Path(__file__).resolve().parent
    for cand in (here / "rules", here.parent / "rules"):
        if cand.is_dir():
            return cand
    raise RuleError(f"{here}: the shipped rules directory is missing")


def rule_files(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        d = Path(d)
        if d.is_file():
            files.append(d)
        elif d.is_dir():
            files.extend(sorted(p for p in d.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            raise RuleError(f"{d}: no such rules file or directory")
    return files


def _read(path: Path) -> dict:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(f"{path}: cannot read rule file: {e}") from None
    import yaml

    try:
        doc = yaml.load(raw, Loader=_line_loader())  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise RuleError(f"{path}{where}: YAML error: {problem}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise RuleError(f"{path}:1: a rule file must be a mapping of sections")
    return doc


def _word_alternation(words: list[str]) -> str:
    return "(?:" + "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"


def _expand(pattern: str, fragments: dict[str, str], where: str, seen: tuple[str, ...] = ()) -> str:
    def sub(m: regex.Match) -> str:
        name = m.group(1)
        if name in seen:
            raise RuleError(f"{where}: fragment {{{name}}} refers to itself")
        if name not in fragments:
            raise RuleError(f"{where}: unknown fragment {{{name}}}")
        return "(?:" + _expand(fragments[name], fragments, where, (*seen, name)) + ")"

    return _REF.sub(sub, pattern)


def _units_table(raw: dict, where: str) -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {}
    for word, spec in raw.items():
        if word == "__line__":
            continue
        if isinstance(spec, str):
            out[str(word)] = (spec, 1.0)
        elif isinstance(spec, dict) and "unit" in spec:
            out[str(word)] = (str(spec["unit"]), float(spec.get("factor", 1.0)))
        else:
            raise RuleError(f"{where}: unit {word!r} must be a base unit or {{unit, factor}}")
    return out


def check_metrics(body: Any, where: str) -> list[str]:
    """Problems of a `metrics:` section. An entry is ``id: [alias, ...]`` or
    ``id: {name, aliases: [...], ...}``; a bare string would become one alias per character."""
    if not isinstance(body, dict):
        return [f"{where}: 'metrics' must be a mapping of id -> aliases"]
    problems = []
    line = body.get("__line__", "")
    for mid, spec in body.items():
        if mid == "__line__":
            continue
        at = f"{where.rsplit(':', 1)[0]}:{line}" if line else where
        aliases = spec.get("aliases", []) if isinstance(spec, dict) else spec
        if isinstance(spec, str) or isinstance(aliases, str):
            example = f"{mid}: [{aliases}]" if isinstance(spec, str) else f"aliases: [{aliases}]"
            problems.append(f"{at} (metric {mid}): aliases must be a list, e.g. {example}, not a string")
        elif not isinstance(aliases, list) or not all(isinstance(a, str | int | float) for a in aliases):
            problems.append(f"{at} (metric {mid}): expected a list of aliases or a mapping with 'aliases'")
        if isinstance(spec, dict):
            unknown = set(spec) - {"name", "aliases", "better", "tolerance", "__line__"}
            if unknown:
                problems.append(f"{at} (metric {mid}): unknown field(s) {', '.join(sorted(map(str, unknown)))} "
                                "(known: name, aliases, better, tolerance)")
            if "name" in spec and not isinstance(spec["name"], str):
                problems.append(f"{at} (metric {mid}): name must be a string")
            if spec.get("better", "higher") not in ("higher", "lower"):
                problems.append(f"{at} (metric {mid}): better must be higher or lower, not {spec['better']!r}")
            tol = spec.get("tolerance", 0)
            if isinstance(tol, bool) or not isinstance(tol, int | float):
                problems.append(f"{at} (metric {mid}): tolerance must be a number")
    return problems


def load_ruleset(extra_dirs: list[Path] | tuple = (), problems: list[str] | None = None) -> RuleSet:
    """Load the shipped rules plus the user's; raise RuleError on the first problem.

    The compiled rule set is kept in the disk cache (`diskcache.cached`), keyed by the rule
    files' paths and contents, this package's code and the Python and `regex` versions:
    unpickling it takes milliseconds, compiling the rules ~0.25 s. `rules check` (a
    ``problems`` list) always loads afresh."""
    if problems is not None:
        return _load_ruleset(extra_dirs, problems)
    from .diskcache import cached, code_signature

    files = rule_files([shipped_rules_dir(), *[Path(d) for d in extra_dirs]])
    key = code_signature(files, regex.__version__)
    if key is None:
        return _load_ruleset(extra_dirs, None)
    rs = cached("ruleset", key, lambda: _load_ruleset(extra_dirs, None))
    if not isinstance(rs, RuleSet):
        return _load_ruleset(extra_dirs, None)
    rs.cache_key = key
    return rs


def _load_ruleset(extra_dirs: list[Path] | tuple = (), problems: list[str] | None = None) -> RuleSet:
    """Load the shipped rules plus the user's; raise RuleError on the first problem.

    With a ``problems`` list, every problem found is appended to it instead and loading
    goes on where it can (`rules check` reports them all) and the rules that did load are
    returned."""
    collect = problems is not None
    found: list[str] = problems if problems is not None else []

    def problem(msg: str) -> None:
        if not collect:
            raise RuleError(msg)
        found.append(msg)

    files = rule_files([shipped_rules_dir(), *[Path(d) for d in extra_dirs]])
    data: dict[str, Any] = {}
    fragments: dict[str, str] = {}
    fragment_where: dict[str, str] = {}
    raw_rules: list[tuple[dict, str]] = []
    units: dict[str, tuple[str, float]] = {}
    metric_info: dict[str, MetricInfo] = {}
    for path in files:
        try:
            doc = _read(path)
        except RuleError as e:
            problem(str(e))
            continue
        for section, body in doc.items():
            if section == "__line__":
                continue
            where = f"{path}:{doc['__line__']}"
            if section not in SECTIONS:
                problem(f"{where}: unknown section {section!r} (known: {', '.join(sorted(SECTIONS))})")
                continue
            if section == "metrics" and collect:
                # Extraction reads a malformed entry as far as it makes sense; `rules check` says so.
                for msg in check_metrics(body, where):
                    problem(msg)
            if section == "tables":
                from .tables import check_tables  # the table reader's vocabulary (small hook)

                bad = check_tables(body, where)
                for msg in bad:
                    problem(msg)
                if bad:
                    continue
            if section == "rules":
                if not isinstance(body, list):
                    problem(f"{where}: 'rules' must be a list")
                    continue
                raw_rules.extend((r, str(path)) for r in body)
            elif section == "fragments":
                if not isinstance(body, dict):
                    problem(f"{where}: 'fragments' must be a mapping")
                    continue
                for name, pat in body.items():
                    if name == "__line__":
                        continue
                    if not regex.fullmatch(r"[A-Z][A-Z0-9_]*", str(name)):
                        problem(f"{path}:{body['__line__']}: fragment name {name!r} must be UPPER_CASE")
                        continue
                    fragments[name] = _word_alternation(pat) if isinstance(pat, list) else str(pat)
                    fragment_where[name] = f"{path}:{body['__line__']}"
            elif section == "units":
                try:
                    units.update(_units_table(body, where))
                except RuleError as e:
                    problem(str(e))
            elif section == "metrics" and isinstance(body, dict):
                _merge_metrics(metric_info, body)
            elif isinstance(body, dict):
                merged = data.setdefault(section, {})
                for k, v in _strip_lines(body).items():
                    if isinstance(v, list) and isinstance(merged.get(k), list):
                        merged[k] = merged[k] + [x for x in v if x not in merged[k]]
                    elif isinstance(v, dict) and isinstance(merged.get(k), dict):
                        merged[k] = {**merged[k], **v}
                    else:
                        merged[k] = v
            else:
                problem(f"{where}: section {section!r} must be a mapping")
    # Vocabulary fragments generated from the tables, so patterns and parser agree.
    fragments.setdefault("UNIT", _word_alternation(list(units)))
    q = data.get("qualifiers", {})
    fragments.setdefault("QPRE", _word_alternation([w for d in q.values() for w in d.get("before", [])] or ["约"]))
    fragments.setdefault("QPOST", _word_alternation([w for d in q.values() for w in d.get("after", [])] or ["左右"]))
    fragments.setdefault("COUNT_NOUN", _word_alternation(list(data.get("count_nouns", {})) or ["人口"]))
    # The denominators of per-N rates (每千人口), from cues.per_n_nouns (rules/subjects.yaml).
    fragments.setdefault("PER_N_NOUN", _word_alternation(list(data.get("cues", {}).get("per_n_nouns", {})) or ["人口"]))
    for name, words in data.get("words", {}).items():
        fragments.setdefault(name, _word_alternation(words))
    rules: list[Rule] = []
    seen: dict[tuple[str, str], int] = {}  # (file, rule id) -> line of its first definition
    cues = data.get("cues", {}) or {}
    for r, path in raw_rules:
        try:
            rule = _build_rule(r, path, fragments)
        except RuleError as e:
            problem(_blame_fragment(str(e), fragments, fragment_where))
            continue
        if rule.needs and rule.needs not in cues:
            problem(f"{path}:{rule.line} (rule {rule.id}): needs: unknown cue list {rule.needs!r} "
                    f"(known: {', '.join(sorted(cues))})")
            continue
        first = seen.get((path, rule.id))
        if first is not None:
            # Within one file a repeated id is a slip: the later rule would silently replace the
            # earlier one (across files it is the sanctioned way for a user file to override).
            problem(f"{path}:{rule.line} (rule {rule.id}): duplicate rule id in this file "
                    f"(first defined at line {first}); the later rule would replace the earlier one")
            continue
        seen[(path, rule.id)] = rule.line
        rules.append(rule)
    if found and not collect:
        raise RuleError(found[0])
    for r, scope in zip(rules, scopes_for([(r.compiled.pattern, r.compiled.flags) for r in rules]), strict=True):
        r.scope = scope
    shipped = shipped_rules_dir()
    for r in rules:
        r.user = not Path(r.file).resolve().is_relative_to(shipped.resolve())
    by_id: dict[str, Rule] = {}
    for r in rules:
        by_id[r.id] = r  # a later file's rule replaces an earlier one with the same id
    for sec in ("digits", "small_units", "magnitudes", "qualifiers"):
        if sec not in data:
            problem(f"rules: required section {sec!r} is missing from the shipped rules")
    data["metrics"] = {mid: list(m.aliases) for mid, m in metric_info.items()}
    return RuleSet(list(by_id.values()), fragments, data, units, [str(f) for f in files], metric_info)


def _as_words(v: Any) -> list[str]:
    """Aliases as a list of non-empty strings: a lone string or number is one alias."""
    if v is None or isinstance(v, dict | bool):
        return []
    items = v if isinstance(v, list) else [v]
    return [str(x).strip() for x in items if isinstance(x, str | int | float) and not isinstance(x, bool) and str(x).strip()]


def _merge_metrics(info: dict[str, MetricInfo], body: dict) -> None:
    """Merge one file's `metrics:` section into the catalogue.

    An entry is `id: {name, aliases, better, tolerance}` or the old `id: [alias, ...]`. A later
    file adds aliases to an id it repeats and may set its name and track settings. Malformed
    entries are read as far as they make sense (`rules check` reports them); loading never
    fails on them."""
    for mid, spec in body.items():
        if mid == "__line__":
            continue
        mid = str(mid)
        m = info.setdefault(mid, MetricInfo(mid))
        if isinstance(spec, dict):
            aliases = _as_words(spec.get("aliases"))
            name = spec.get("name")
            if isinstance(name, str) and name.strip():
                m.name = name.strip()
            better = spec.get("better")
            if better in ("higher", "lower"):
                m.better = better
            tol = spec.get("tolerance")
            if isinstance(tol, int | float) and not isinstance(tol, bool):
                m.tolerance = float(tol)
        else:
            aliases = _as_words(spec)
        m.aliases.extend(a for a in aliases if a not in m.aliases)




def _blame_fragment(message: str, fragments: dict[str, str], fragment_where: dict[str, str]) -> str:
    """A 'bad regex' message about a rule whose own pattern is fine: name the broken fragment
    (checked only on failure: compiling every fragment on its own doubles the start-up time)."""
    if "bad regex" not in message or "fragment " in message.split(": bad regex")[0]:
        return message
    for name, pat in fragments.items():
        where = f"{fragment_where.get(name, 'generated')} (fragment {name})"
        try:
            _compile(_expand(pat, fragments, where), where, pat)
        except RuleError as e:
            return str(e)
    return message


def _placeholders(pattern: str) -> str:
    """``pattern`` with each {FRAGMENT} replaced by an atom of the same length, so that a
    regex error's position is a position in the text the user wrote."""
    def atom(m: regex.Match) -> str:
        n = len(m.group(0))
        return "(?:" + "x" * (n - 4) + ")" if n >= 5 else "x" * n

    return _REF.sub(atom, pattern)


def _compile(pattern: str, where: str, own: str | None = None) -> Any:
    """Compile an expanded pattern. On an error, point at the place in ``own`` (the
    pattern as written, fragments unexpanded) when the error is there."""
    try:
        return regex.compile(pattern, regex.V1)
    except (regex.error, RecursionError) as first:
        err: Exception = first
    if own is not None and own != pattern:
        try:
            regex.compile(_placeholders(own), regex.V1)
        except regex.error as e2:
            err = e2
        except RecursionError:
            pass
        else:
            raise RuleError(f"{where}: bad regex in a fragment it uses: {err}") from None
    msg = getattr(err, "msg", None) or str(err)
    pos = getattr(err, "pos", None)
    if pos is not None and own is not None:
        shown = own[:pos] + "⟦here⟧" + own[pos:]
        raise RuleError(f"{where}: bad regex: {msg} at position {pos} of the pattern: {shown}") from None
    raise RuleError(f"{where}: bad regex: {err}") from None


def _build_rule(raw: Any, path: str, fragments: dict[str, str]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{path}: each rule must be a mapping with at least id and pattern")
    line = raw.get("__line__", 0)
    rid = raw.get("id")
    where = f"{path}:{line}" + (f" (rule {rid})" if rid else "")
    unknown = set(raw) - RULE_FIELDS - {"__line__"}
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(RULE_FIELDS))})")
    if not rid or not isinstance(rid, str):
        raise RuleError(f"{where}: rule without an 'id'")
    if not isinstance(raw.get("pattern"), str) or not raw["pattern"]:
        raise RuleError(f"{where}: rule needs a non-empty 'pattern' string")
    action = raw.get("action", "claim")
    if action not in ACTIONS:
        raise RuleError(f"{where}: action must be one of {sorted(ACTIONS)}, not {action!r}")
    kind = raw.get("kind", "") or ""
    if kind and kind not in KINDS:
        raise RuleError(f"{where}: kind must be one of {sorted(KINDS)}, not {kind!r}")
    priority = raw.get("priority", 0)
    if not isinstance(priority, int):
        raise RuleError(f"{where}: priority must be an integer")
    examples = _strip_lines(raw.get("examples", []) or [])
    if not isinstance(examples, list):
        raise RuleError(f"{where}: examples must be a list")
    expanded = _expand(raw["pattern"], fragments, where)
    return Rule(
        id=rid, pattern=raw["pattern"], action=action, kind=kind, unit=str(raw.get("unit", "") or ""),
        qualifier=str(raw.get("qualifier", "") or ""), reason=str(raw.get("reason", "") or ""),
        priority=priority, target=raw.get("target"), needs=str(raw.get("needs", "") or ""), examples=examples, file=path, line=line,
        compiled=_compile(expanded, where, raw["pattern"]),
    )


@lru_cache(maxsize=1)
def default_ruleset() -> RuleSet:
    """The shipped rules, compiled once per process."""
    return load_ruleset(())


@lru_cache(maxsize=16)
def cached_ruleset(extra_dirs: tuple[str, ...]) -> RuleSet:
    return default_ruleset() if not extra_dirs else load_ruleset([Path(d) for d in extra_dirs])
