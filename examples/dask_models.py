"""KMeans, linear models and PCA on a dask cluster vs single-machine fastml.

Starts a 2-worker LocalCluster (loopback), fits fastml.dask's KMeans (from
given centres, and with k-means++ seeding), LinearRegression, LogisticRegression and PCA on a dask
DataFrame of 100 000 rows and prints how far each result is from
single-machine fastml on the same data; then predicts over the dask DataFrame
with ParallelPostFit.
"""
import numpy as np


def main():
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    import fastml.cluster as fc
    import fastml.dask as fd
    import fastml.decomposition as fdec
    import fastml.linear_model as flm

    rng = np.random.default_rng(0)
    n, p = 100_000, 6
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2, p) + rng.uniform(-3, 3, p)
    w = rng.standard_normal(p)
    y_r = X @ w + 0.1 * rng.standard_normal(n)
    y_c = (X @ w + rng.standard_normal(n) > np.median(X @ w)).astype(int)
    cols = [f"x{i}" for i in range(p)]
    df = pd.DataFrame(X, columns=cols)
    ddf = dd.from_pandas(df, npartitions=8)
    yr = dd.from_pandas(pd.Series(y_r), npartitions=8)
    yc = dd.from_pandas(pd.Series(y_c), npartitions=8)
    C0 = X[:5]
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster):
        km = fd.KMeans(5, init=C0).fit(ddf)
        lr = fd.LinearRegression().fit(ddf, yr)
        lg = fd.LogisticRegression(tol=1e-12, max_iter=500).fit(ddf, yc)
        km_pp = fd.KMeans(5, init="k-means++", random_state=0).fit(ddf)
        pca = fd.PCA(3).fit(ddf)
        post = fd.ParallelPostFit(flm.LogisticRegression()).fit(df, y_c)
        pred = post.predict(ddf).compute().to_numpy()
    ref_km = fc.KMeans(5, init=C0, n_init=1).fit(df)
    ref_lr = flm.LinearRegression().fit(df, y_r)
    # the optimum: single-machine exact Newton (single-machine L-BFGS stops ~1e-8
    # short of it on its relative-decrease rule; fastml.dask finishes with Newton)
    ref_lg = flm.LogisticRegression(solver="newton-cholesky", tol=1e-12).fit(df, y_c)
    ref_pp = fc.KMeans(5, init="k-means++", n_init=1, random_state=0).fit(df)
    ref_pca = fdec.PCA(3).fit(df)

    def rel(a, b):
        return float(np.abs(np.asarray(a) - b).max() / np.abs(b).max())

    print(f"KMeans inertia rel diff {abs(km.inertia_ - ref_km.inertia_) / ref_km.inertia_:.1e}"
          f" | LinearRegression coef {rel(lr.coef_, ref_lr.coef_):.1e}"
          f" | k-means++ inertia rel diff "
          f"{abs(km_pp.inertia_ - ref_pp.inertia_) / ref_pp.inertia_:.1e}"
          f" | LogisticRegression coef {rel(lg.coef_, ref_lg.coef_):.1e}"
          f" | PCA components {rel(pca.components_, ref_pca.components_):.1e}"
          f" | ParallelPostFit predictions equal: "
          f"{np.array_equal(pred, flm.LogisticRegression().fit(df, y_c).predict(df))}")


if __name__ == "__main__":
    main()
