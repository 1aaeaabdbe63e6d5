"""The data of the Vectorization card: scikit-learn's bundled
diabetes set (442 patients, 10 features, no download), each feature
standardized, with a first column of ones for the intercept."""

import numpy as np
from sklearn.datasets import load_diabetes


def diabetes() -> tuple[np.ndarray, np.ndarray]:
    """X of shape (442, 11): [1, standardized features];
    y of shape (442,): disease progression."""
    data = load_diabetes()
    features = (data.data - data.data.mean(axis=0)) / data.data.std(axis=0)
    x = np.hstack([np.ones((len(features), 1)), features])
    return x, data.target.astype(np.float64)
