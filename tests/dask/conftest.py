"""A distributed.LocalCluster shared by the fastml.dask tests: two worker
processes with one thread each, loopback only (dashboard on a random loopback
port); started once per
module and closed after it. Everything skips cleanly without dask."""
import os

import pytest

pytest.importorskip("dask")
pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                       worker_dashboard_address=None)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def large_enabled():
    return os.environ.get("FASTML_DASK_LARGE", "") not in ("", "0")
