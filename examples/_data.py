"""scikit-learn's bundled digits (no download), as typed NumPy arrays."""

from typing import Any

import numpy as np
from jaxtyping import Float, Int
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

Images = Float[np.ndarray, "n 8 8"]
Labels = Int[np.ndarray, " n"]


def digits() -> tuple[Images, Labels]:
    """The 1797 images scaled to [0, 1], and their labels 0-9."""
    # sklearn is untyped: its `Bunch` is read through `Any`.
    bunch: Any = load_digits()
    images = (np.asarray(bunch.images) / 16.0).astype(np.float32)
    labels = np.asarray(bunch.target).astype(np.int32)
    return images, labels


def split_digits() -> tuple[Images, Labels, Images, Labels]:
    """A stratified 75/25 split: train images/labels, then test ones."""
    images, labels = digits()
    parts: list[Any] = train_test_split(
        images, labels, test_size=0.25, stratify=labels, random_state=0
    )
    x_train, x_test, y_train, y_test = (np.asarray(p) for p in parts)
    return x_train, y_train, x_test, y_test
