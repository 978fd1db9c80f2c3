"""The `govmetrics` command: a thin layer over the library.

Only click is imported at start-up; every command imports what it needs (pandas, rich,
regex, opencc …) when it runs, so `govmetrics --help` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

from . import __version__

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
KINDS = ("level", "growth", "share", "rank")
FORMATS = ("table", "csv", "tsv", "json", "jsonl", "xlsx", "parquet")
SCALE_UNITS = ("元", "万元", "亿元")
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


def _exit_now(code: int) -> None:
    """Exit once a command has finished: the exit handlers run and stdout and stderr are
    flushed as at a normal exit, but the interpreter is not torn down — freeing every
    object one at a time costs ~40 ms after a large run, for nothing. A normal exit where
    something may still be running (a thread, a worker process) that it would wait for."""
    import atexit
    import threading

    mp = sys.modules.get("multiprocessing")
    if threading.active_count() > 1 or (mp is not None and mp.active_children()):
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): quietly, like other Unix tools
        pass
    except (OSError, ValueError):
        sys.exit(code)  # let the normal exit report it
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


class _Terminated(KeyboardInterrupt):
    """Raised by the SIGTERM handler so that `finally` blocks (atomic output) run."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess test
    raise _Terminated()


def _usage_error(e: click.ClickException) -> None:
    """A click usage error as the other errors read: `govmetrics: error: …` and a hint."""
    no_args = getattr(click.exceptions, "NoArgsIsHelpError", None)
    if no_args is not None and isinstance(e, no_args):  # `govmetrics` alone: the help, as asked
        click.echo(e.format_message())
        sys.exit(EXIT_OK)
    msg = e.format_message().rstrip(".")
    msg = msg[:1].lower() + msg[1:] if msg[:2] != msg[:2].upper() else msg
    click.echo(f"govmetrics: error: {msg}", err=True)
    ctx = getattr(e, "ctx", None)
    if ctx is not None:
        path = " ".join(["govmetrics", *ctx.command_path.split()[1:]])
        click.echo(f"govmetrics: hint: see '{path} --help'", err=True)
    sys.exit(e.exit_code)


class _Group(click.Group):
    """Turns interruptions, broken pipes and unexpected errors into one line on stderr
    and an exit status, never a traceback (GOVMETRICS_DEBUG=1 shows it)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as e:
            _usage_error(e)
        except click.exceptions.Abort:
            click.echo("govmetrics: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except SystemExit as e:  # how a command that sets its exit status ends
            if args is None and isinstance(e.code, int):  # the command line (a test runner passes arguments)
                _exit_now(e.code)
            raise
        code = rv if isinstance(rv, int) else EXIT_OK  # a command that returned
        if args is None:
            _exit_now(code)
        sys.exit(code)

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
    """Options shared by every command that prints rows (format, output file, scale)."""
    f = click.option("--format", "fmt", type=click.Choice(FORMATS),
                     help="Output format [default: table on a terminal, csv when piped; "
                          "with -o, from the file's extension].")(f)
    f = click.option("-o", "--output", type=click.Path(dir_okay=False),
                     help="Write to this file (atomically: a temporary file, then rename). The extension "
                          "picks the format: .csv .tsv .json .jsonl .xlsx .parquet.")(f)
    f = click.option("--excel", is_flag=True, help="CSV (or TSV) with a UTF-8 byte-order mark, for Excel.")(f)
    f = click.option("--scale", type=click.Choice(SCALE_UNITS), metavar="UNIT",
                     help="Money in this unit: 元, 万元 or 亿元 (value divided, unit renamed, for claims in 元).")(f)
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
    """The output format from --format, -o's extension and --excel; a combination that
    cannot be honoured is a usage error (one line), never a file in the wrong format."""
    from .writers import EXTENSIONS, missing_extra

    ext = os.path.splitext(output)[1].lower() if output else ""
    by_ext = EXTENSIONS.get(ext) if ext else None
    if output and ext and by_ext is None and fmt is None:
        known = " ".join(sorted(EXTENSIONS))
        _fail(f"{output}: unsupported output extension {ext} (supported: {known}; or give --format)")
    if fmt and by_ext and fmt != by_ext:
        _fail(f"--format {fmt} does not match the extension of {output} ({by_ext}); use one or the other")
    chosen = fmt or by_ext or ("csv" if output or excel else None)
    if excel:
        if chosen not in ("csv", "tsv", "xlsx"):
            _fail(f"--excel is CSV with a byte-order mark: it cannot be combined with {chosen} output")
        chosen = chosen or "csv"
    if chosen is None:
        chosen = "table" if sys.stdout.isatty() else "csv"
    if chosen in ("xlsx", "parquet"):
        hint = missing_extra(chosen)
        if hint:
            _fail(hint)
        if not output and sys.stdout.isatty():
            _fail(f"{chosen} is a binary format: write it to a file with -o FILE.{chosen}")
    return chosen


def _check_output(output: str | None) -> None:
    if output:
        from .writers import check_output_path

        problem = check_output_path(output)
        if problem:
            _fail(f"{output}: cannot write: {problem}")


def emit(rows, columns: list[str], fmt: str | None, output: str | None, excel: bool,
         table_columns: list[str] | None = None, scale: str | None = None, required=(), rank=None) -> int:
    """Write rows to stdout or atomically to a file; return the count."""
    from .writers import atomic_output, scale_rows, utf8_stdout, write_rows

    fmt = _resolve_format(fmt, output, excel)
    if scale:
        rows = scale_rows(rows, scale)
    binary = fmt in ("xlsx", "parquet")
    kw = {"bom": excel, "table_columns": table_columns, "required": required, "rank": rank}
    if output:
        _check_output(output)
        try:
            with atomic_output(output, binary=binary) as fh:
                return write_rows(rows, columns, fmt, fh, **kw)
        except FileNotFoundError:
            _fail(f"{output}: cannot write: the directory {os.path.dirname(output) or '.'} does not exist")
        except PermissionError:
            _fail(f"{output}: cannot write: permission denied")
        except IsADirectoryError:
            _fail(f"{output}: cannot write: is a directory")
        except OSError as e:
            _fail(f"{output}: cannot write: {e.strerror or e}")
    if fmt == "table":
        return write_rows(rows, columns, fmt, sys.stdout, **kw)
    if binary:
        sys.stdout.flush()
        buf = getattr(sys.stdout, "buffer", None)
        if buf is None:
            _fail(f"{fmt} output needs a binary stdout: use -o FILE")
        n = write_rows(rows, columns, fmt, buf, **kw)
        buf.flush()
        return n
    with utf8_stdout() as out:
        return write_rows(rows, columns, fmt, out, **kw)


def _load_rules(rules: tuple[str, ...]):
    import gc

    from .rules import RuleError, cached_ruleset

    # A run makes ~10^6 short-lived objects and few cycles: collecting the youngest generation
    # every 20000 allocations instead of 700 costs ~15 ms instead of ~50 ms on the national
    # corpus, with the same peak memory. Set by the command line only, never by the library.
    gc.set_threshold(20_000, 10, 10)
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


def _iter_claims_kwargs(jobs: int | None, progress=None) -> dict:
    """``jobs=`` and ``progress=`` for api.iter_claims, those this version of the library accepts."""
    import inspect

    from .api import iter_claims

    params = inspect.signature(iter_claims).parameters
    kw: dict = {}
    if "jobs" in params:
        kw["jobs"] = jobs if jobs else (os.cpu_count() or 1)
    if progress is not None and "progress" in params:
        kw["progress"] = progress
    return kw


# ---------------------------------------------------------------------------- extract


def filter_options(f):
    """The claim filters shared by extract and diff."""
    f = click.option("--metric", "metrics", multiple=True, metavar="ID",
                     help="Only claims about this metric (repeatable; or comma-separated).")(f)
    f = click.option("--kind", "kinds", multiple=True, metavar="KIND",
                     help="Only this kind: level, growth, share, rank (repeatable; or comma-separated).")(f)
    f = click.option("--target", "target", is_flag=True, default=False,
                     help="Only goals and plans.")(f)
    f = click.option("--actual", "actual", is_flag=True, default=False,
                     help="Only reported results.")(f)
    f = click.option("--year", metavar="YEAR|FROM-TO",
                     help="Only claims about this year or range of years (2025, 2021-2025).")(f)
    f = click.option("--unit", "units", multiple=True, metavar="UNIT",
                     help="Only claims in this unit: a base unit (元, %, 人) or one as written (亿元, 万人, percent); "
                          "repeatable, or comma-separated.")(f)
    return f


def _row_filter(rs, metrics, kinds, target, actual, year, units):
    from .filters import FilterError, make_row_filter

    if target and actual:
        _fail("--target and --actual exclude each other: give one (or neither for both)")
    wanted = True if target else (False if actual else None)
    try:
        from .catalogue import Catalogue

        return make_row_filter(metrics, kinds, wanted, year, units, catalogue=Catalogue.of(rs), unit_table=rs.units,
                               magnitudes=(*(rs.data.get("magnitudes") or {}), "千", "百", "十"))
    except FilterError as e:
        _fail(str(e))


def _inputs(paths: tuple[str, ...], command: str) -> list[str]:
    """PATHS, or stdin when none is given and stdin is not a terminal."""
    if paths:
        return list(paths)
    if sys.stdin is None or sys.stdin.isatty():
        _fail(f"no input: give files or directories, or pipe a document into `govmetrics {command}`\n"
              f"govmetrics: hint: see 'govmetrics {command} --help'")
    return ["-"]


@main.command()
@click.argument("paths", nargs=-1, required=False)
@output_options
@rules_option
@click.option("--encoding", metavar="ENC", help="Decode inputs with this encoding instead of detecting it.")
@filter_options
@click.option("--where", metavar="EXPR",
              help="Only claims for which this pandas expression is true, e.g. \"value > 1e10 and unit == '元'\".")
@click.option("--columns", metavar="COL,...", help="Write only these columns, in this order.")
@jobs_option
@click.option("--scheduler", metavar="ADDRESS",
              help="Extract on a running Dask cluster (tcp://host:8786): one task per document, same output. Needs the dask extra.")
def extract(paths, fmt, output, excel, scale, rules, encoding, metrics, kinds, target, actual, year, units, where,
            columns, jobs, scheduler) -> None:
    """Extract claims from files, directories (recursive), globs or - (stdin).
    With no PATHS, reads stdin when it is not a terminal.

    \b
    Examples:
      govmetrics extract seeds/
      govmetrics extract reports/ > claims.csv
      cat report.txt | govmetrics extract
      govmetrics extract report.txt --format jsonl -o claims.jsonl
      govmetrics extract reports/ -o claims.xlsx --scale 亿元
      govmetrics extract reports/ --metric gdp --year 2021-2025 --target
      govmetrics extract reports/ --where "value > 1e10 and unit == '元'" --columns doc,value,unit,text

    Exit status: 0 every input read, 1 some input skipped (named in a warning),
    2 usage or rule-file error."""
    from .filters import FilterError, WhereFilter, filter_rows, parse_columns

    paths = _inputs(paths, "extract")
    _check_encoding(encoding)
    rs = _load_rules(rules)
    row_filter = _row_filter(rs, metrics, kinds, target, actual, year, units)
    try:
        cols = parse_columns(columns)
        where_filter = WhereFilter(where) if where is not None else None
    except FilterError as e:
        _fail(str(e))
    _resolve_format(fmt, output, excel)
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
    table_cols = cols if columns else None
    try:
        with _progress(files) as bar:
            if scheduler:
                claims = _cluster_claims(files, scheduler, rules, encoding, report)
            else:
                claims = iter_claims(files, rules, encoding, _warn, report, **_iter_claims_kwargs(jobs, bar.follow))
            rows = filter_rows((bar.advance(c).as_dict() for c in claims), row_filter, where_filter)
            emit(rows, cols, fmt, output, excel, table_columns=table_cols, scale=scale,
                 required=table_cols or ())
    except FilterError as e:
        _fail(str(e))
    sys.exit(EXIT_SKIPPED if report.skipped else EXIT_OK)


def _cluster_claims(files: list[str], address: str, rules: tuple[str, ...], encoding: str | None, report):
    """Claims of ``files`` extracted on the Dask cluster at ``address`` (govmetrics/dask.py)."""
    try:
        from distributed import Client

        from .dask import iter_claims_on_cluster
    except ImportError:
        _fail("--scheduler needs the dask extra: pip install 'govmetrics[dask]'")
    from .api import _documents

    try:
        client = Client(address)  # waits distributed.comm.timeouts.connect (dask config)
    except Exception as e:  # noqa: BLE001 - any connection problem: one line, no traceback
        _fail(f"--scheduler: cannot reach a Dask scheduler at {address!r}: {type(e).__name__}: {e}")
    rules = tuple(str(r) for r in rules)
    return iter_claims_on_cluster(_documents(files, _warn, report), client, rules, encoding, _warn, report)


class _progress:
    """Progress on stderr when it is a terminal; nothing otherwise (pipes stay clean).

    Runs over many files get a bar that moves on when claims of a later file appear; a
    single large file gets a line with the characters worked through and the claims so
    far (``follow`` hands the extractor its callback)."""

    def __init__(self, files: list[str]) -> None:
        self.files = files
        self.bar = None
        self.index = {f: i for i, f in reversed(list(enumerate(files)))}
        self.done = 0
        self.on_terminal = sys.stderr is not None and sys.stderr.isatty()

    def __enter__(self):
        global _warn_console
        if len(self.files) >= PROGRESS_MIN_FILES and self.on_terminal:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("extract", total=len(self.files))
            self.bar.start()
            _warn_console = self.bar.console
        return self

    def advance(self, claim):
        if self.bar is not None:
            i = self.index.get(claim.doc)
            if i is not None and i > self.done:
                self.done = i
                self.bar.update(self.task, completed=i)
        return claim

    def follow(self, path: str):
        """A callback for one large file extracted in this process, or None."""
        if self.bar is not None or not self.on_terminal or path == "-":
            return None
        try:
            size = os.path.getsize(path)
        except OSError:
            return None
        try:
            threshold = int(os.environ.get("GOVMETRICS_PROGRESS_BYTES", LARGE_FILE_BYTES))
        except ValueError:
            threshold = LARGE_FILE_BYTES
        if size < threshold:
            return None
        return _FileProgress(os.path.basename(path))

    def __exit__(self, *exc) -> None:
        global _warn_console
        if self.bar is not None:
            self.bar.update(self.task, completed=len(self.files))
            self.bar.stop()
            _warn_console = None


# A single file at least this large shows its own progress line (on a terminal);
# GOVMETRICS_PROGRESS_BYTES overrides it.
LARGE_FILE_BYTES = 2_000_000


class _FileProgress:
    """`name: 41% of 5,123,456 characters, 812 claims` on stderr, redrawn in place at most
    ten times a second and cleared at the end."""

    def __init__(self, name: str) -> None:
        import time

        self.name = name
        self.clock = time.monotonic
        self.last = 0.0
        self.width = 0

    def __call__(self, done: int, total: int, claims: int) -> None:
        now = self.clock()
        finished = done >= total
        if not finished and now - self.last < 0.1:
            return
        self.last = now
        if finished:
            sys.stderr.write("\r" + " " * self.width + "\r")
        else:
            pct = 100 * done // max(total, 1)
            line = f"{self.name}: {pct}% of {total:,} characters, {claims:,} claims"
            self.width = max(self.width, len(line) + 2)
            sys.stderr.write("\r" + line.ljust(self.width))
        sys.stderr.flush()


# ---------------------------------------------------------------------------- diff


@main.command()
@click.argument("old")
@click.argument("new")
@output_options
@rules_option
@click.option("--encoding", metavar="ENC", help="Decode documents with this encoding instead of detecting it.")
@filter_options
@jobs_option
def diff(old, new, fmt, output, excel, scale, rules, encoding, metrics, kinds, target, actual, year, units,
         jobs) -> None:
    """Show how the claims changed between OLD and NEW.

    OLD and NEW are files written by `govmetrics extract` (CSV, TSV, JSON, JSON Lines,
    .xlsx, .parquet) or documents / directories, which are extracted first. One row per
    difference: added, removed or changed. The filters of `extract` choose which claims
    are compared.

    \b
    Examples:
      govmetrics diff claims-2024.csv claims-2025.csv
      govmetrics diff reports-old/ reports-new/ --format jsonl -o changes.jsonl
      govmetrics diff old/ new/ --metric gdp --actual

    Exit status: 0 no differences and every input read; 1 differences (even when some
    input was skipped: each is named in a warning); 2 no differences found but some
    input was skipped, or a side cannot be read, or a usage error."""
    from .diff import DIFF_COLUMNS, DIFF_KEEP_ORDER, DIFF_TABLE_COLUMNS, DiffError, diff_claims, load_side

    _check_encoding(encoding)
    rs = _load_rules(rules)
    row_filter = _row_filter(rs, metrics, kinds, target, actual, year, units)
    _resolve_format(fmt, output, excel)
    _check_output(output)
    kwargs = _iter_claims_kwargs(jobs)
    try:
        a = load_side(old, rules, encoding, _warn, kwargs.get("jobs"))
        b = load_side(new, rules, encoding, _warn, kwargs.get("jobs"))
    except DiffError as e:
        _fail(str(e))
    if row_filter:
        a.rows = [r for r in a.rows if row_filter(r)]
        b.rows = [r for r in b.rows if row_filter(r)]
    rows = diff_claims(a.rows, b.rows)
    emit(iter(rows), DIFF_COLUMNS, fmt, output, excel, table_columns=DIFF_TABLE_COLUMNS, scale=scale,
         required=("change", "old_value", "new_value"), rank=DIFF_KEEP_ORDER)
    if rows:
        sys.exit(1)
    sys.exit(EXIT_USAGE if a.skipped or b.skipped else EXIT_OK)


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
    """Validate the shipped rules and the given rule files; every error is reported, each
    naming file, line and rule.

    \b
    Examples:
      govmetrics rules check --rules my_rules.yaml

    Exit status: 0 valid, 2 an error (printed on stderr)."""
    from .rules import RuleError, load_ruleset
    from .ruletools import describe_rule_error, display_path, pattern_start_problem

    problems: list[str] = []
    try:
        rs = load_ruleset([str(r) for r in rules], problems=problems)
    except RuleError as e:  # a missing file or directory: nothing to go on with
        _fail(describe_rule_error(str(e)))
    problems = [describe_rule_error(p) for p in problems]
    for r in rs.rules:
        for i, ex in enumerate(r.examples, start=1):
            if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
                problems.append(f"{display_path(r.file)}:{r.line} (rule {r.id}): example {i} needs a 'text' string")
            elif not isinstance(ex.get("claims", []), list):
                problems.append(f"{display_path(r.file)}:{r.line} (rule {r.id}): example {i}: 'claims' must be a list")
        start = pattern_start_problem(r, rs)
        if start:
            problems.append(start)
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
    # The id is the key of the listing: shown whole, the names and aliases wrap.
    emit(iter(rows), METRIC_COLUMNS, fmt, None, False, table_columns=METRIC_COLUMNS, required=("metric",))


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


# ---------------------------------------------------------------------------- track


@main.command()
@click.argument("paths", nargs=-1, required=False)
@click.option("--metric", "metrics", multiple=True, metavar="ID",
              help="Only this indicator: an id, a group prefix or a Chinese name (repeatable; or comma-separated).")
@click.option("--region", "regions", multiple=True, metavar="NAME",
              help="Only this region, as the `region` column names it (全国, 黄埔区); repeatable.")
@click.option("--year", metavar="YEAR|FROM-TO", help="Only these years (2024, 1992-2024).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Only this kind: level, growth, share, rank (repeatable; or comma-separated).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: table on a terminal, csv when piped; with -o, from the file's extension].")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file (atomically). The extension picks the format.")
@click.option("--excel", is_flag=True, help="CSV (or TSV) with a UTF-8 byte-order mark, for Excel.")
@click.option("--plot", "plot", type=click.Path(dir_okay=False), metavar="FILE.png|FILE.svg",
              help="Also draw, per indicator, the target band and the outcome line over the years (needs matplotlib).")
@rules_option
@click.option("--encoding", metavar="ENC", help="Decode inputs with this encoding instead of detecting it.")
@jobs_option
def track(paths, metrics, regions, year, kinds, fmt, output, excel, plot, rules, encoding, jobs) -> None:
    """Targets against outcomes: for each region, indicator, kind and year, the target
    set for that year and the outcome reported for it later, with met / missed / pending
    / no_target. PATHS are documents, directories, globs, or files written by
    `govmetrics extract`.

    \b
    Examples:
      govmetrics track reports/national --metric gdp --kind growth
      govmetrics track reports/ --region 黄埔区 --year 2016-2024 -o track.csv
      govmetrics extract reports/ -o claims.jsonl && govmetrics track claims.jsonl --plot gdp.png

    Exit status: 0 every input read, 1 some input skipped, 2 usage or rule-file error."""
    from .api import RunReport
    from .filters import FilterError, parse_years, split_list
    from .tracking import KINDS as _KINDS
    from .tracking import TRACK_COLUMNS, TRACK_TABLE_COLUMNS, claim_rows, track_rows

    paths = _inputs(paths, "track")
    _check_encoding(encoding)
    rs = _load_rules(rules)
    try:
        years = parse_years(year)
    except FilterError as e:
        _fail(str(e))
    wanted_kinds = split_list(kinds)
    for k in wanted_kinds:
        if k not in _KINDS:
            _fail(f"--kind: unknown kind {k!r} (known: {', '.join(_KINDS)})")
    from .catalogue import Catalogue

    cat = Catalogue.of(rs)
    wanted_metrics = split_list(metrics)
    for m in wanted_metrics:
        if cat.id_for(m) is None and not any(i == m or i.startswith(m + ".") for i in cat.ids()):
            _fail(f"--metric: unknown metric {m!r} (see `govmetrics metrics` for the catalogue)")
    if plot:
        from .plot import plot_available

        if os.path.splitext(plot)[1].lower() not in (".png", ".svg"):
            _fail(f"{plot}: --plot writes .png or .svg files")
        hint = plot_available()
        if hint:
            _fail(hint)
        _check_output(plot)
    _resolve_format(fmt, output, excel)
    _check_output(output)
    report = RunReport()
    rows = claim_rows(paths, rules, encoding, jobs, _warn, report)
    out = track_rows(rows, rs, wanted_metrics, split_list(regions), years, wanted_kinds)
    if plot:
        from .plot import PlotError, plot_track

        try:
            plot_track(out, plot, {m: cat.name(m) for m in {r["metric"] for r in out}})
        except PlotError as e:
            _fail(str(e))
    emit(iter(out), TRACK_COLUMNS, fmt, output, excel, table_columns=TRACK_TABLE_COLUMNS,
         required=("year", "status"), rank=TRACK_TABLE_COLUMNS)
    sys.exit(EXIT_SKIPPED if report.skipped else EXIT_OK)


def _stdout():
    from .writers import utf8_stdout

    return utf8_stdout()


if __name__ == "__main__":  # pragma: no cover
    main()
