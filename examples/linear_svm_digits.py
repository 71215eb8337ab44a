"""Linear classifiers on the digits: a null-accuracy baseline, then LinearSVC
(liblinear's problem, fastml's compiled coordinate descent), the perceptron,
linear / quadratic discriminant analysis and one-vs-rest / one-vs-one
logistic regression, each with its test accuracy and fit time; when
scikit-learn is installed, its LinearSVC on the same split for comparison.

Run: python examples/linear_svm_digits.py
"""
import time
import warnings

from fastml.datasets import load_digits
from fastml.discriminant_analysis import (LinearDiscriminantAnalysis,
                                          QuadraticDiscriminantAnalysis)
from fastml.dummy import DummyClassifier
from fastml.linear_model import LogisticRegression, Perceptron
from fastml.model_selection import train_test_split
from fastml.multiclass import OneVsOneClassifier, OneVsRestClassifier
from fastml.preprocessing import StandardScaler
from fastml.svm import LinearSVC


def _timed(model, X_tr, y_tr, X_te, y_te):
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_tr, y_tr)
    return model.score(X_te, y_te), time.perf_counter() - t0


def main(print_fn=print):
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0,
                                              stratify=y)
    sc = StandardScaler().fit(X_tr)
    X_tr, X_te = sc.transform(X_tr), sc.transform(X_te)
    models = {
        "DummyClassifier (most frequent)": DummyClassifier(strategy="most_frequent"),
        "LinearSVC (squared hinge, primal)": LinearSVC(random_state=0),
        "LinearSVC (hinge, dual CD)": LinearSVC(loss="hinge", dual=True, random_state=0),
        "LinearSVC (L1 penalty)": LinearSVC(penalty="l1", dual=False, C=0.1, random_state=0),
        "Perceptron": Perceptron(random_state=0),
        "LinearDiscriminantAnalysis (lsqr, auto shrinkage)":
            LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto"),
        "QuadraticDiscriminantAnalysis (reg_param=0.5)":
            QuadraticDiscriminantAnalysis(reg_param=0.5),
        "OneVsRest(LogisticRegression)": OneVsRestClassifier(LogisticRegression(), n_jobs=2),
        "OneVsOne(LogisticRegression)": OneVsOneClassifier(LogisticRegression(), n_jobs=2),
    }
    results = {}
    for name, model in models.items():
        acc, sec = _timed(model, X_tr, y_tr, X_te, y_te)
        results[name] = acc
        print_fn(f"{name:52s} test accuracy {acc:.3f}  fit {sec:.3f} s")
    try:
        from sklearn.svm import LinearSVC as SkLinearSVC
    except ImportError:
        return results
    acc, sec = _timed(SkLinearSVC(random_state=0), X_tr, y_tr, X_te, y_te)
    ours = results["LinearSVC (squared hinge, primal)"]
    print_fn(f"{'scikit-learn LinearSVC (liblinear)':52s} test accuracy {acc:.3f}  fit "
             f"{sec:.3f} s  (fastml - scikit-learn: {100 * (ours - acc):+.1f} points)")
    return results


if __name__ == "__main__":
    main()
