"""The `govmetrics` command: a thin layer over the library.

Only click is imported at start-up; every command imports what it needs (pandas, rich,
regex, opencc …) when it runs, so `govmetrics --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import click

from . import __version__

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
KINDS = ("level", "growth", "share", "rank")
FORMATS = ("table", "csv", "json", "jsonl")
# Show a progress bar (on a terminal) from this many input files on.
PROGRESS_MIN_FILES = 20

# While a progress bar is on screen, warnings go through its console so they do not
# tear it; otherwise straight to stderr.
_warn_console = None


def _warn(msg: str) -> None:
    line = f"govmetrics: warning: {msg}"
    if _warn_console is not None:
        _warn_console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        click.echo(line, err=True)


def _fail(msg: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"govmetrics: error: {msg}", err=True)
    sys.exit(code)


class _Terminated(KeyboardInterrupt):
    """Raised by the SIGTERM handler so that `finally` blocks (atomic output) run."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess test
    raise _Terminated()


class _Group(click.Group):
    """Turns interruptions, broken pipes and unexpected errors into one line on stderr
    and an exit status, never a traceback (GOVMETRICS_DEBUG=1 shows it)."""

    def invoke(self, ctx: click.Context):
        import signal

        old = None
        try:
            old = signal.signal(signal.SIGTERM, _on_sigterm)
        except (ValueError, OSError):  # not the main thread
            old = None
        try:
            return super().invoke(ctx)
        except _Terminated:
            click.echo("govmetrics: terminated", err=True)
            sys.exit(EXIT_TERMINATED)
        except KeyboardInterrupt:
            click.echo("govmetrics: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, like other Unix tools.
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass
            sys.exit(EXIT_OK)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as e:
            if os.environ.get("GOVMETRICS_DEBUG"):
                raise
            msg = str(e).splitlines()[0] if str(e) else ""
            _fail(f"internal error: {type(e).__name__}: {msg} (set GOVMETRICS_DEBUG=1 for details)")
        finally:
            if old is not None:
                try:
                    signal.signal(signal.SIGTERM, old)
                except (ValueError, OSError):
                    pass


def output_options(f):
    """Options shared by every command that prints rows (format, output file)."""
    f = click.option("--format", "fmt", type=click.Choice(FORMATS),
                     help="Output format [default: table on a terminal, csv when piped; "
                          "with -o, from the file's extension].")(f)
    f = click.option("-o", "--output", type=click.Path(dir_okay=False),
                     help="Write to this file (atomically: a temporary file, then rename).")(f)
    f = click.option("--excel", is_flag=True, help="CSV with a UTF-8 byte-order mark, for Excel.")(f)
    return f


def rules_option(f):
    return click.option("--rules", "rules", multiple=True, type=click.Path(exists=False), metavar="PATH",
                        help="Extra rule file or directory (repeatable), loaded after the shipped rules.")(f)


def jobs_option(f):
    return click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
                        help="Documents processed in parallel [default: number of CPUs].")(f)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govmetrics")
def main() -> None:
    """Extract quantitative claims (values, units, years, targets, metrics) from
    Chinese government documents.

    Run `govmetrics COMMAND --help` for a command's options; docs/cli.md has the
    full reference."""


def _resolve_format(fmt: str | None, output: str | None, excel: bool) -> str:
    if excel:
        return "csv"
    if fmt:
        return fmt
    if output:
        ext = output.rsplit(".", 1)[-1].lower()
        return {"json": "json", "jsonl": "jsonl", "ndjson": "jsonl"}.get(ext, "csv")
    return "table" if sys.stdout.isatty() else "csv"


def _check_output(output: str | None) -> None:
    if output:
        from .writers import check_output_path

        problem = check_output_path(output)
        if problem:
            _fail(f"{output}: cannot write: {problem}")


def emit(rows, columns: list[str], fmt: str | None, output: str | None, excel: bool,
         table_columns: list[str] | None = None, widths: dict[str, tuple[int, int]] | None = None) -> int:
    """Write rows to stdout or atomically to a file; return the count."""
    from .writers import atomic_output, utf8_stdout, write_rows

    fmt = _resolve_format(fmt, output, excel)
    if output:
        _check_output(output)
        try:
            with atomic_output(output) as fh:
                return write_rows(rows, columns, fmt, fh, bom=excel, table_columns=table_columns)
        except FileNotFoundError:
            _fail(f"{output}: cannot write: the directory {os.path.dirname(output) or '.'} does not exist")
        except PermissionError:
            _fail(f"{output}: cannot write: permission denied")
        except IsADirectoryError:
            _fail(f"{output}: cannot write: is a directory")
        except OSError as e:
            _fail(f"{output}: cannot write: {e.strerror or e}")
    if fmt == "table":
        return write_rows(rows, columns, fmt, sys.stdout, bom=excel, table_columns=table_columns,
                          widths=widths)
    with utf8_stdout() as out:
        return write_rows(rows, columns, fmt, out, bom=excel, table_columns=table_columns)


def _load_rules(rules: tuple[str, ...]):
    from .rules import RuleError, cached_ruleset

    try:
        return cached_ruleset(tuple(str(r) for r in rules))
    except RuleError as e:
        from .ruletools import describe_rule_error

        _fail(describe_rule_error(str(e)))


def _check_encoding(encoding: str | None) -> None:
    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            _fail(f"--encoding: unknown encoding {encoding!r}")


def _iter_claims_kwargs(jobs: int | None) -> dict:
    """``jobs=`` for api.iter_claims, only if this version of the library accepts it."""
    import inspect

    from .api import iter_claims

    if "jobs" not in inspect.signature(iter_claims).parameters:
        return {}
    return {"jobs": jobs if jobs else (os.cpu_count() or 1)}


# ---------------------------------------------------------------------------- extract


@main.command()
@click.argument("paths", nargs=-1, required=True)
@output_options
@rules_option
@click.option("--encoding", metavar="ENC", help="Decode inputs with this encoding instead of detecting it.")
@click.option("--metric", "metrics", multiple=True, metavar="ID",
              help="Only claims about this metric: an id, a group prefix (value_added) or a Chinese "
                   "alias (repeatable; or comma-separated).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Only this kind: level, growth, share, rank (repeatable; or comma-separated).")
@click.option("--target/--actual", "target", default=None,
              help="Only goals and plans (--target) or only reported results (--actual).")
@click.option("--year", metavar="YEAR|FROM-TO", help="Only claims about this year or range of years (2025, 2021-2025).")
@click.option("--unit", "units", multiple=True, metavar="UNIT",
              help="Only claims in this base unit, e.g. 元, %, 人 (repeatable; or comma-separated).")
@click.option("--where", metavar="EXPR",
              help="Only claims for which this pandas expression is true, e.g. \"value > 1e10 and unit == '元'\".")
@click.option("--columns", metavar="COL,...", help="Write only these columns, in this order.")
@jobs_option
def extract(paths, fmt, output, excel, rules, encoding, metrics, kinds, target, year, units, where, columns,
            jobs) -> None:
    """Extract claims from files, directories (recursive), globs or - (stdin).

    \b
    Examples:
      govmetrics extract seeds/
      govmetrics extract reports/ > claims.csv
      govmetrics extract report.txt --format jsonl -o claims.jsonl
      govmetrics extract reports/ --metric gdp --year 2021-2025 --target
      govmetrics extract reports/ --where "value > 1e10 and unit == '元'" --columns doc,value,unit,text

    Exit status: 0 every input read, 1 some input skipped (named in a warning),
    2 usage or rule-file error."""
    from .filters import FilterError, WhereFilter, filter_rows, make_row_filter, parse_columns

    _check_encoding(encoding)
    rs = _load_rules(rules)
    try:
        from .catalogue import Catalogue

        row_filter = make_row_filter(metrics, kinds, target, year, units, catalogue=Catalogue.of(rs))
        cols = parse_columns(columns)
        where_filter = WhereFilter(where) if where is not None else None
    except FilterError as e:
        _fail(str(e))
    _check_output(output)

    from .api import RunReport, iter_claims
    from .readers import InputError, iter_inputs

    report = RunReport()
    files: list[str] = []
    for item in iter_inputs(list(paths)):
        if isinstance(item, InputError):
            _warn(str(item))
            report.skipped.append(str(item))
        else:
            files.append(item)
    claims = iter_claims(files, rules, encoding, _warn, report, **_iter_claims_kwargs(jobs))
    table_cols = cols if columns else None
    try:
        with _progress(files) as advance:
            rows = filter_rows((advance(c).as_dict() for c in claims), row_filter, where_filter)
            emit(rows, cols, fmt, output, excel, table_columns=table_cols)
    except FilterError as e:
        _fail(str(e))
    sys.exit(EXIT_SKIPPED if report.skipped else EXIT_OK)


class _progress:
    """A rich progress bar on stderr for long runs on a terminal; a no-op otherwise.

    Used as ``with _progress(files) as advance: … advance(claim) …``: it moves on when
    claims of a later file appear."""

    def __init__(self, files: list[str]) -> None:
        self.files = files
        self.bar = None
        self.index = {f: i for i, f in reversed(list(enumerate(files)))}
        self.done = 0

    def __enter__(self):
        global _warn_console
        if len(self.files) >= PROGRESS_MIN_FILES and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("extract", total=len(self.files))
            self.bar.start()
            _warn_console = self.bar.console
        return self.advance

    def advance(self, claim):
        if self.bar is not None:
            i = self.index.get(claim.doc)
            if i is not None and i > self.done:
                self.done = i
                self.bar.update(self.task, completed=i)
        return claim

    def __exit__(self, *exc) -> None:
        global _warn_console
        if self.bar is not None:
            self.bar.update(self.task, completed=len(self.files))
            self.bar.stop()
            _warn_console = None


# ---------------------------------------------------------------------------- diff


@main.command()
@click.argument("old")
@click.argument("new")
@output_options
@rules_option
@click.option("--encoding", metavar="ENC", help="Decode documents with this encoding instead of detecting it.")
@jobs_option
def diff(old, new, fmt, output, excel, rules, encoding, jobs) -> None:
    """Show how the claims changed between OLD and NEW.

    OLD and NEW are files written by `govmetrics extract` (CSV, JSON or JSON Lines) or
    documents / directories, which are extracted first. One row per difference:
    added, removed or changed.

    \b
    Examples:
      govmetrics diff claims-2024.csv claims-2025.csv
      govmetrics diff reports-old/ reports-new/ --format jsonl -o changes.jsonl

    Exit status: 0 no differences, 1 differences, 2 trouble."""
    from .diff import DIFF_COLUMNS, DiffError, diff_claims, load_side

    _check_encoding(encoding)
    _load_rules(rules)
    _check_output(output)
    kwargs = _iter_claims_kwargs(jobs)
    try:
        a = load_side(old, rules, encoding, _warn, kwargs.get("jobs"))
        b = load_side(new, rules, encoding, _warn, kwargs.get("jobs"))
    except DiffError as e:
        _fail(str(e))
    rows = diff_claims(a.rows, b.rows)
    emit(iter(rows), DIFF_COLUMNS, fmt, output, excel, table_columns=DIFF_COLUMNS)
    if a.skipped or b.skipped:
        sys.exit(EXIT_USAGE)
    sys.exit(1 if rows else EXIT_OK)


# ---------------------------------------------------------------------------- rule tools


def _format_option(f):
    return click.option("--format", "fmt", type=click.Choice(FORMATS),
                        help="Output format [default: table on a terminal, csv when piped].")(f)


@main.group("rules", cls=_Group)
def rules_group() -> None:
    """List, check and test rule files."""


@rules_group.command("list")
@rules_option
@_format_option
def rules_list(rules, fmt) -> None:
    """Every rule in effect: file, line, id, action, kind, unit, priority, examples, reason.

    \b
    Examples:
      govmetrics rules list
      govmetrics rules list --rules my_rules/ --format csv
    """
    from .ruletools import RULE_COLUMNS, rule_rows

    rs = _load_rules(rules)
    emit(iter(rule_rows(rs)), RULE_COLUMNS, fmt, None, False, table_columns=RULE_COLUMNS)


@rules_group.command("check")
@rules_option
def rules_check(rules) -> None:
    """Validate the shipped rules and the given rule files; errors name file, line and rule.

    \b
    Examples:
      govmetrics rules check --rules my_rules.yaml

    Exit status: 0 valid, 2 an error (printed on stderr)."""
    from .rules import RuleError, load_ruleset
    from .ruletools import describe_rule_error, display_path

    try:
        rs = load_ruleset([str(r) for r in rules])
    except RuleError as e:
        _fail(describe_rule_error(str(e)))

    problems = []
    for r in rs.rules:
        for i, ex in enumerate(r.examples, start=1):
            if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
                problems.append(f"{display_path(r.file)}:{r.line} (rule {r.id}): example {i} needs a 'text' string")
            elif not isinstance(ex.get("claims", []), list):
                problems.append(f"{display_path(r.file)}:{r.line} (rule {r.id}): example {i}: 'claims' must be a list")
    for p in problems:
        click.echo(f"govmetrics: error: {p}", err=True)
    if problems:
        sys.exit(EXIT_USAGE)
    n_ex = sum(len(r.examples) for r in rs.rules)
    click.echo(f"ok: {len(rs.rules)} rules, {n_ex} examples in {len(rs.files)} files")


@rules_group.command("test")
@rules_option
@click.option("-v", "--verbose", is_flag=True, help="Also list the examples that pass.")
def rules_test(rules, verbose) -> None:
    """Run every rule's `examples:` through the extractor and report those that fail.

    \b
    Examples:
      govmetrics rules test
      govmetrics rules test --rules my_rules/ -v

    Exit status: 0 all pass, 1 some fail, 2 the rules do not load."""
    from .ruletools import run_examples

    rs = _load_rules(rules)
    results = run_examples(rs)
    failed = [r for r in results if not r.ok]
    for r in results:
        if r.ok:
            if verbose:
                click.echo(f"ok    {r.where}: {r.text}")
            continue
        click.echo(f"FAIL  {r.where}: {r.text}")
        for p in r.problems:
            click.echo(f"      {p}")
    click.echo(f"{len(results)} examples, {len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else EXIT_OK)


@main.command()
@rules_option
@_format_option
def metrics(rules, fmt) -> None:
    """The indicator catalogue: ids, English names and the Chinese aliases that name them.

    \b
    Examples:
      govmetrics metrics
      govmetrics metrics --rules my_metrics.yaml --format json
    """
    from .ruletools import METRIC_COLUMNS, metric_rows

    rs = _load_rules(rules)
    fmt = _resolve_format(fmt, None, False)
    rows = metric_rows(rs, aliases_as_list=fmt in ("json", "jsonl"))
    # The id is the key of the listing: shown whole, the names and aliases give way.
    longest = max((len(r["metric"]) for r in rows), default=6)
    emit(iter(rows), METRIC_COLUMNS, fmt, None, False, table_columns=METRIC_COLUMNS,
         widths={"metric": (longest, longest), "name": (10, 40)})


@main.command()
@click.argument("text")
@rules_option
def explain(text, rules) -> None:
    """Show what the extractor does with TEXT (or - to read stdin): the normalised text,
    each claim with the rule that produced it, and every number seen but not reported,
    with the reason.

    \b
    Examples:
      govmetrics explain "地区生产总值超3600亿元，比上年增长8.2%"
      echo "十九届四中全会" | govmetrics explain -
    """
    from .ruletools import explain as explain_text
    from .ruletools import format_explanation

    rs = _load_rules(rules)
    if text == "-":
        text = sys.stdin.read()
    with _stdout() as out:
        out.write(format_explanation(explain_text(text, rs)))


@main.command("text")
@click.argument("file")
@click.option("--encoding", metavar="ENC", help="Decode with this encoding instead of detecting it.")
def text_cmd(file, encoding) -> None:
    """Print the decoded text of FILE exactly as the claim offsets index it
    (`start`/`end` count characters of this text).

    \b
    Examples:
      govmetrics text report.txt > report.utf8.txt
      govmetrics text old-report.txt --encoding gb18030
    """
    from .readers import InputError, read_document

    _check_encoding(encoding)
    try:
        doc = read_document(file, encoding)
    except InputError as e:
        _fail(str(e), EXIT_SKIPPED)
    except LookupError:
        _fail(f"--encoding: unknown encoding {encoding!r}")
    with _stdout() as out:
        out.write(doc.text)


def _stdout():
    from .writers import utf8_stdout

    return utf8_stdout()


if __name__ == "__main__":  # pragma: no cover
    main()
