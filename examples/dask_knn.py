"""Exact kNN on a dask cluster gives single-machine fastml's answer, bit for bit.

Starts a 2-worker LocalCluster (loopback), fits fastml.dask.NearestNeighbors on
a dask array of 200 000 x 8 points in 8 partitions (one uneven, one empty),
queries 5 000 points and compares with fastml.neighbors.NearestNeighbors on the
same data in memory. On a real cluster replace the LocalCluster by
Client("tcp://scheduler:8786") (docs/dask.md).
"""
import time

import numpy as np


def main():
    import dask.array as da
    from distributed import Client, LocalCluster

    import fastml.dask as fd
    from fastml.neighbors import NearestNeighbors

    rng = np.random.default_rng(0)
    centers = rng.standard_normal((32, 8)) * 5
    X = centers[rng.integers(0, 32, 200_000)] + rng.standard_normal((200_000, 8))
    Q = centers[rng.integers(0, 32, 5_000)] + rng.standard_normal((5_000, 8))
    chunks = (40_000, 30_000, 0, 25_000, 30_000, 25_000, 25_000, 25_000)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster):
        Xd = da.from_array(X, chunks=(chunks, 8)).persist()
        t = time.perf_counter()
        dist, ind = fd.NearestNeighbors(n_neighbors=10).fit(Xd).kneighbors(Q)
        t_dask = time.perf_counter() - t
    t = time.perf_counter()
    d0, i0 = NearestNeighbors(n_neighbors=10).fit(X).kneighbors(Q)
    t_one = time.perf_counter() - t
    same = np.array_equal(dist, d0) and np.array_equal(ind, i0)
    print(f"fastml.dask kNN (2 workers) {t_dask:.2f} s, fastml in memory {t_one:.2f} s; "
          f"identical neighbours and distances: {same}")


if __name__ == "__main__":
    main()
