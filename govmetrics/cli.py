"""The `govmetrics` command: a thin layer over the library."""

from __future__ import annotations

import sys

import click

from . import __version__

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2


def _warn(msg: str) -> None:
    click.echo(f"govmetrics: warning: {msg}", err=True)


def _fail(msg: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"govmetrics: error: {msg}", err=True)
    sys.exit(code)


def output_options(f):
    """Options shared by every command that prints rows (format, output file)."""
    f = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl"]),
                     help="Output format [default: table on a terminal, csv when piped].")(f)
    f = click.option("-o", "--output", type=click.Path(dir_okay=False),
                     help="Write to this file (atomically: a temporary file, then rename).")(f)
    f = click.option("--excel", is_flag=True, help="CSV with a UTF-8 byte-order mark, for Excel.")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govmetrics")
def main() -> None:
    """Extract quantitative claims (values, units, years, targets, metrics) from
    Chinese government documents."""


def _resolve_format(fmt: str | None, output: str | None, excel: bool) -> str:
    if excel:
        return "csv"
    if fmt:
        return fmt
    if output:
        ext = output.rsplit(".", 1)[-1].lower()
        return {"json": "json", "jsonl": "jsonl", "ndjson": "jsonl"}.get(ext, "csv")
    return "table" if sys.stdout.isatty() else "csv"


def emit(rows, columns: list[str], fmt: str | None, output: str | None, excel: bool) -> int:
    """Write rows to stdout or atomically to a file; return the count."""
    from .writers import atomic_output, write_rows

    fmt = _resolve_format(fmt, output, excel)
    if output:
        try:
            with atomic_output(output) as fh:
                return write_rows(rows, columns, fmt, fh, bom=excel)
        except FileNotFoundError:
            _fail(f"{output}: cannot write: the directory does not exist")
        except PermissionError:
            _fail(f"{output}: cannot write: permission denied")
        except IsADirectoryError:
            _fail(f"{output}: cannot write: is a directory")
        except OSError as e:
            _fail(f"{output}: cannot write: {e.strerror or e}")
    return write_rows(rows, columns, fmt, sys.stdout, bom=excel)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@output_options
@click.option("--rules", "rules", multiple=True, type=click.Path(exists=False),
              help="Extra rule file or directory (repeatable), loaded after the shipped rules.")
@click.option("--encoding", help="Decode inputs with this encoding instead of detecting it.")
def extract(paths, fmt, output, excel, rules, encoding) -> None:
    """Extract claims from files, directories (recursive), globs or - (stdin).

    \b
    Examples:
      govmetrics extract seeds/
      govmetrics extract reports/ > claims.csv
      govmetrics extract report.txt --format jsonl -o claims.jsonl
    """
    from .api import RunReport, iter_claims
    from .claim import COLUMNS
    from .rules import RuleError, cached_ruleset

    try:
        cached_ruleset(tuple(rules))
    except RuleError as e:
        _fail(str(e))
    report = RunReport()
    rows = (c.as_dict() for c in iter_claims(paths, rules, encoding, _warn, report))
    emit(rows, COLUMNS, fmt, output, excel)
    sys.exit(EXIT_SKIPPED if report.skipped else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
