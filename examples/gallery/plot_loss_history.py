"""Cost history of gradient descent and a network's training loss

``LossCurveDisplay`` reads ``cost_history_`` (gradient-descent linear models),
``loss_curve_`` (MLPs) or the per-epoch history of a ``fastml.nn`` Trainer.
"""
import matplotlib.pyplot as plt
import numpy as np

from fastml import nn
from fastml.linear_model import LinearRegression
from fastml.nn.training import Trainer
from fastml.plot import LossCurveDisplay

rng = np.random.default_rng(0)
X = rng.standard_normal((400, 2))
y = X @ [2.0, -1.0] + 0.3 + 0.1 * rng.standard_normal(400)

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
gd = LinearRegression(solver="gd", learning_rate=0.1, max_iter=300).fit(X, y)
LossCurveDisplay.from_estimator(gd, log_scale=True, ax=left)
left.set_title("linear regression, batch gradient descent")

Xf, yc = X.astype(np.float32), (X[:, 0] > X[:, 1]).astype(np.int64)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
trainer = Trainer(model, nn.functional.cross_entropy, nn.optim.Adam(model.parameters(), lr=0.01))
trainer.fit((Xf[:300], yc[:300]), epochs=30, val_data=(Xf[300:], yc[300:]), verbose=0)
LossCurveDisplay.from_history(trainer, ax=right)
right.set_title("MLP, Adam: training and validation loss")
plt.show()
