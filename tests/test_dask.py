"""govmetrics on a Dask cluster (govmetrics/dask.py): a LocalCluster of two in-process
workers gives exactly the output of a one-process run, failures included."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from govmetrics.api import SkippedInputWarning, extract
from govmetrics.cli import main
from govmetrics.dask import document_claims, expand, extract_bag, read_source

ROOT = Path(__file__).resolve().parent.parent
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), None)
# The national corpus when it sits beside the repository, else the seeds.
CORPUS = SHARED / "corpus" / "national" if SHARED else ROOT / "seeds"


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")  # the dask extra; the test extra has it
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return extract([str(CORPUS)], jobs=1)


def test_extract_bag_equals_a_one_process_run(cluster, reference):
    from distributed import Client

    with Client(cluster) as client:
        bag = extract_bag([str(CORPUS)])
        assert bag.npartitions == len(list(expand([str(CORPUS)])))  # one task per document
        got = client.compute(bag).result().reset_index(drop=True)
    assert list(got.columns) == list(reference.columns)
    pd.testing.assert_frame_equal(got, reference)


def test_extract_on_a_scheduler_writes_what_jobs_1_writes(cluster, tmp_path):
    bad = tmp_path / "binary.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    args = ["extract", str(CORPUS), str(bad), str(tmp_path / "missing.txt"), "--format", "csv"]
    one = CliRunner().invoke(main, [*args, "--jobs", "1"])
    on_cluster = CliRunner().invoke(main, [*args, "--scheduler", cluster.scheduler_address])
    assert one.exit_code == 1  # inputs skipped
    assert (on_cluster.exit_code, on_cluster.stdout, on_cluster.stderr) == (one.exit_code, one.stdout, one.stderr)
    assert "binary.txt" in one.stderr and "missing.txt" in one.stderr


def test_a_document_that_cannot_be_read_is_reported_and_skipped(cluster, tmp_path):
    from distributed import Client

    good = tmp_path / "good.txt"
    good.write_text("2020年地区生产总值超3600亿元。", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    claims, found = document_claims(str(bad))
    assert claims is None and found[-1].startswith(f"skipped {bad}")
    with Client(cluster) as client, warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        got = client.compute(extract_bag([str(good), str(bad)])).result()
        assert got["text"].tolist() == ["超3600亿元"]
        with pytest.raises(Exception, match="bad.txt"):
            client.compute(extract_bag([str(good), str(bad)], errors="raise")).result()


def test_task_keys_differ_by_what_the_result_depends_on(tmp_path):
    # A cluster reuses a result it still holds under the same key: a raise run must not get
    # the empty frame a warn run left for an unreadable document (seen under load).
    doc = tmp_path / "a.txt"
    doc.write_text("全年粮食产量1.37万亿斤。", encoding="utf-8")

    def keys(**kw) -> set:
        return {k for k in extract_bag([str(doc)], **kw).__dask_graph__() if str(k).startswith("govmetrics-")}

    assert keys(errors="warn") == keys(errors="warn")  # the same work: the same key
    assert keys(errors="warn") != keys(errors="raise")
    assert keys(encoding="gb18030") != keys()


def test_missing_names_are_reported_at_once():
    with pytest.warns(SkippedInputWarning, match="nowhere"):
        bag = extract_bag(["nowhere/at/all.txt"])
    assert len(bag.compute()) == 0


def test_urls_are_read_through_fsspec(tmp_path):
    import fsspec

    with fsspec.open("memory://reports/a.txt", "wb") as fh:
        fh.write("全年粮食产量1.37万亿斤。".encode("gb18030"))
    name, text = read_source("memory://reports/a.txt")
    assert name == "memory://reports/a.txt" and "1.37万亿斤" in text
    (url,) = expand(["memory://reports/*.txt"])  # the filesystem's own spelling of the name
    assert read_source(url)[1] == text
    got = extract_bag(["memory://reports/*.txt"]).compute(scheduler="sync")
    assert got["doc"].tolist() == [url] and got["value"].tolist() == [1.37e12]
    with pytest.raises(Exception, match="memory://reports/none.txt"):
        extract_bag(["memory://reports/none.txt"], errors="raise").compute(scheduler="sync")


def test_an_unreachable_scheduler_is_one_line():
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        r = CliRunner().invoke(main, ["extract", str(ROOT / "seeds"), "--scheduler", "tcp://127.0.0.1:9"])
    assert r.exit_code == 2 and "cannot reach a Dask scheduler" in r.stderr
    assert "Traceback" not in r.stderr
