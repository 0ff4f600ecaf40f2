"""PNG figures the examples write next to themselves (small: the docs show
them and the repository keeps them)."""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display needed

import matplotlib.pyplot as pyplot  # after choosing the backend
import numpy as np
from jaxtyping import Float

# matplotlib's annotations leave `**kwargs` untyped, which pyright's strict
# mode reports on every call: this module uses it through `Any`.
plt: Any = pyplot

DPI = 80


def save_curves(
    path: Path,
    curves: Mapping[str, Sequence[float]],
    *,
    title: str,
    xlabel: str = "step",
    ylabel: str = "loss",
    log: bool = False,
) -> None:
    """One line per named curve, against its index."""
    fig, ax = plt.subplots(figsize=(5.0, 3.2), dpi=DPI)
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), np.asarray(values), label=name)
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if len(curves) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def save_image_grid(
    path: Path, images: Float[np.ndarray, "n height width"], *, title: str, columns: int
) -> None:
    """Greyscale images in a grid of `columns` columns."""
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(columns * 0.6, rows * 0.6 + 0.4), dpi=DPI, squeeze=False
    )
    for ax, image in zip(axes.flat, images, strict=False):
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
    for ax in axes.flat:
        ax.set_axis_off()
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
