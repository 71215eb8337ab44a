"""Support vector machines on the bundled data: a kernel SVC (SMO solver,
RBF kernel) on digits and a linear SVM on breast cancer, with test accuracy,
the support set and the fit time."""
from ..datasets import load_breast_cancer, load_digits
from ..model_selection import train_test_split
from ..pipeline import make_pipeline
from ..preprocessing import StandardScaler
from ..svm import SVC, LinearSVC
from ._timing import best_of


def run(print_fn=print):
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X / 16.0, y, random_state=0, stratify=y)
    t, svc = best_of(lambda: SVC(C=10, gamma="scale").fit(Xtr, ytr))
    print_fn(f"SVC (RBF kernel, C=10) on digits ({len(ytr)} training images, 10 classes, "
             f"45 one-vs-one problems): test accuracy {svc.score(Xte, yte):.3f}, "
             f"{len(svc.support_)} support vectors, fit {t * 1e3:.0f} ms")
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0, stratify=y)
    t, lin = best_of(lambda: make_pipeline(StandardScaler(), LinearSVC(C=0.1)).fit(Xtr, ytr))
    print_fn(f"LinearSVC (scaled, C=0.1) on breast cancer: test accuracy "
             f"{lin.score(Xte, yte):.3f}, fit {t * 1e3:.1f} ms")
