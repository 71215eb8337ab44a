"""Ensembling on breast cancer: bagging, voting and stacking vs single models.

The cheatsheet's "Ensembling" section in one script: a single decision tree,
bagged trees, a soft-voting ensemble and a stacked ensemble (out-of-fold
probabilities into a logistic regression), each scored by 5-fold
cross-validated accuracy; the last line compares fastml's stacking with
scikit-learn's on the same folds when scikit-learn is installed.

Run: python examples/stacking_ensembles.py
"""
import time

from fastml.datasets import load_breast_cancer
from fastml.ensemble import BaggingClassifier, StackingClassifier, VotingClassifier
from fastml.linear_model import LogisticRegression
from fastml.model_selection import StratifiedKFold, cross_val_score
from fastml.naive_bayes import GaussianNB
from fastml.pipeline import make_pipeline
from fastml.preprocessing import StandardScaler
from fastml.tree import DecisionTreeClassifier


def models():
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    tree = DecisionTreeClassifier(max_depth=4, random_state=0)
    members = [("lr", lr), ("tree", tree), ("nb", GaussianNB())]
    return {
        "tree": tree,
        "bagged trees (50)": BaggingClassifier(DecisionTreeClassifier(random_state=0),
                                               n_estimators=50, random_state=0, n_jobs=2),
        "soft voting": VotingClassifier(members, voting="soft", n_jobs=2),
        "stacking": StackingClassifier(members, final_estimator=LogisticRegression(),
                                       cv=5, n_jobs=2),
    }


def main(print_fn=print):
    X, y = load_breast_cancer(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    scores = {}
    for name, model in models().items():
        t = time.perf_counter()
        scores[name] = cross_val_score(model, X, y, cv=cv).mean()
        print_fn(f"{name:18s} accuracy {scores[name]:.4f}  ({time.perf_counter() - t:.1f} s)")
    try:
        from sklearn.ensemble import StackingClassifier as SkStacking
        from sklearn.linear_model import LogisticRegression as SkLR
        from sklearn.naive_bayes import GaussianNB as SkNB
        from sklearn.pipeline import make_pipeline as sk_pipe
        from sklearn.preprocessing import StandardScaler as SkScaler
        from sklearn.tree import DecisionTreeClassifier as SkTree
    except ImportError:
        return scores
    sk = SkStacking([("lr", sk_pipe(SkScaler(), SkLR(max_iter=1000))),
                     ("tree", SkTree(max_depth=4, random_state=0)), ("nb", SkNB())],
                    final_estimator=SkLR(), cv=5)
    sk_score = cross_val_score(sk, X, y, cv=cv).mean()
    print_fn(f"stacking accuracy: fastml {scores['stacking']:.4f} vs scikit-learn "
             f"{sk_score:.4f}")
    scores["sklearn stacking"] = sk_score
    return scores


if __name__ == "__main__":
    main()
