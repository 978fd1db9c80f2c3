"""govmetrics on a Dask cluster: each document is one task, read and extracted on a worker.

    from govmetrics.dask import extract_bag
    df = extract_bag(["reports/", "s3://bucket/reports/*.html"])   # a dask DataFrame
    df.to_parquet("claims/")                                          # or .compute()

Needs the `dask` extra (`pip install 'govmetrics[dask]'`: dask[dataframe] and distributed).
A URL is read with fsspec (s3://, gcs://, http(s)://… with that filesystem's package), a
local path as by `govmetrics extract` (folders recursively, globs). The worker reads the
document itself, so only the names travel. The rows are exactly those of
`govmetrics extract --jobs 1` over the same inputs, in the same order, with the CSV's
columns.

The unit of work is `document_claims(source)`: one document in, its claims out (as
records, plus the warnings the CLI would print). It is all a Spark job needs too — see
the README ("Running on a cluster") for `mapInPandas`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .api import SkippedInputWarning
from .readers import InputError

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

    from .api import RunReport
    from .claim import Claim

Warn = Callable[[str], None]


def is_url(source: str) -> bool:
    return "://" in source


def expand(paths_or_urls: Iterable[str]) -> list[str | InputError]:
    """The documents named: local inputs as `govmetrics extract` expands them, URLs with
    glob characters through their fsspec filesystem; a name that gives nothing becomes an
    InputError, reported in its place like the CLI does."""
    from .readers import iter_inputs

    out: list[str | InputError] = []
    local: list[str] = []

    def flush() -> None:
        out.extend(iter_inputs(local))
        local.clear()

    for source in paths_or_urls:
        source = str(source)
        if not is_url(source):
            local.append(source)
            continue
        flush()
        if any(c in source for c in "*?["):
            import fsspec

            fs, _, found = fsspec.get_fs_token_paths(source)
            if not found:
                out.append(InputError(f"{source}: no such file or directory"))
            out.extend(fs.unstrip_protocol(p) for p in sorted(found))
        else:
            out.append(source)
    flush()
    return out


def read_source(source: str, encoding: str | None = None) -> tuple[str, str]:
    """(name, decoded text) of a local path or an fsspec URL; InputError when unreadable."""
    from .readers import read_document

    if not is_url(source):
        doc = read_document(source, encoding)
        return doc.name, doc.text
    from .readers.formats import to_text

    try:
        import fsspec

        with fsspec.open(source, "rb") as fh:
            data = fh.read()
    except ImportError as e:
        raise InputError(f"{source}: cannot read: {e} (a URL needs fsspec and its filesystem's package)") from None
    except Exception as e:  # noqa: BLE001 - any filesystem's own error: this document is skipped
        raise InputError(f"{source}: cannot read: {type(e).__name__}: {e}") from None
    return source, to_text(source, data, encoding)


def document_claims(source: str, rules: tuple[str, ...] = (), encoding: str | None = None
                    ) -> tuple[list[Claim] | None, list[str]]:
    """The per-document function: read ``source`` (path or URL) here, extract it.

    Returns (claims, warnings): claims None when the document was skipped, the warnings
    being the lines `govmetrics extract` prints for it (``skipped NAME: why`` among them).
    ``rules``: extra rule files or folders, as paths readable where this runs."""
    from .api import extract_document
    from .rules import cached_ruleset

    found: list[str] = []
    try:
        rs = cached_ruleset(tuple(rules))  # compiled once per worker process (or loaded from its cache)
        name, text = read_source(source, encoding)
        return extract_document(name, encoding, rs, found.append, text), found
    except InputError as e:
        found.append(f"skipped {e}")
        return None, found


def _meta() -> pd.DataFrame:
    """The empty frame with the columns and dtypes of every partition: those `to_frame`
    gives a real claim (a document without claims gives this frame itself)."""
    from .api import to_frame
    from .extractor import extract_text

    return to_frame(extract_text("增长8.2%")).iloc[:0]


def _frame(claims: list[Claim] | None) -> pd.DataFrame:
    from .api import to_frame

    return to_frame(claims) if claims else _meta()


def _document_frame(source: str, rules: tuple[str, ...], encoding: str | None, errors: str) -> pd.DataFrame:
    claims, found = document_claims(source, rules, encoding)
    for line in found:
        if claims is None and errors == "raise":
            raise InputError(line.removeprefix("skipped "))
        if errors == "warn":
            warnings.warn(line, SkippedInputWarning, stacklevel=2)
    return _frame(claims)


def extract_bag(paths_or_urls: Iterable[str] | str, rules: Iterable[str] = (), encoding: str | None = None,
                errors: str = "warn") -> dd.DataFrame:
    """A dask DataFrame of the claims of every document: one partition (one task) per
    document, read and extracted on the worker; the CSV's columns, rows in input order.

    A document that cannot be read gives no rows and, with ``errors="warn"``, a
    ``SkippedInputWarning`` where the task runs (the CLI's ``skipped NAME: why`` line);
    ``errors="raise"`` fails the computation naming it. Names that match nothing are
    reported here, at once, the same way."""
    import dask
    import dask.dataframe as dd

    from .api import ERRORS

    if errors not in ERRORS:
        raise ValueError(f"errors must be one of {', '.join(ERRORS)}, not {errors!r}")
    if isinstance(paths_or_urls, str):
        paths_or_urls = [paths_or_urls]
    rules = tuple(str(r) for r in rules)
    parts = []
    for item in expand(paths_or_urls):
        if isinstance(item, InputError):
            if errors == "raise":
                raise item
            if errors == "warn":
                warnings.warn(str(item), SkippedInputWarning, stacklevel=2)
            continue
        # The key names everything the task's result depends on, errors too: a cluster still
        # holding a warn run's empty frame for a document must not hand it to a raise run.
        parts.append(dask.delayed(_document_frame, pure=True)(
            item, rules, encoding, errors, dask_key_name=f"govmetrics-{_token(item, rules, encoding, errors)}"))
    if not parts:
        return dd.from_pandas(_meta(), npartitions=1)
    return dd.from_delayed(parts, meta=_meta(), verify_meta=False)


def _token(*parts: Any) -> str:
    import hashlib

    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def iter_claims_on_cluster(items: Iterable[str | InputError], client: Any, rules: tuple[str, ...],
                           encoding: str | None, warn: Warn, report: RunReport,
                           window: int | None = None) -> Iterator[Claim]:
    """`govmetrics extract --scheduler ADDRESS`: claims of ``items`` (from ``iter_inputs``)
    extracted on a running Dask cluster (a `distributed.Client`, closed at the end), streamed
    back in input order with the warnings and the report of a one-process run. Standard
    input is read and extracted here."""
    from collections import deque

    from .api import extract_document
    from .readers import read_document
    from .rules import cached_ruleset

    try:
        window = window or max(4, 2 * sum(client.nthreads().values()))
        pending: deque[Any] = deque()

        def drain() -> Iterator[Claim]:
            kind, payload = pending.popleft()
            if kind == "error":
                warn(str(payload))
                report.skipped.append(str(payload))
                return
            claims, found = payload.result() if kind == "job" else payload
            for line in found:
                warn(line)
            if claims is None:
                report.skipped.append(found[-1].removeprefix("skipped "))
                return
            report.read += 1
            yield from claims

        for item in items:
            if isinstance(item, InputError):
                pending.append(("error", item))
            elif str(item) == "-":  # stdin belongs to this process
                found: list[str] = []
                try:
                    doc = read_document("-", encoding)
                    claims = extract_document(doc.name, encoding, cached_ruleset(rules), found.append, doc.text)
                except InputError as e:
                    claims = None
                    found.append(f"skipped {e}")
                pending.append(("done", (claims, found)))
            else:
                pending.append(("job", client.submit(document_claims, str(item), rules, encoding, pure=False)))
            while len(pending) > window:
                yield from drain()
        while pending:
            yield from drain()
    finally:
        client.close()


__all__ = ["document_claims", "expand", "extract_bag", "iter_claims_on_cluster", "read_source"]
