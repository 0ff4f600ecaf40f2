"""`RotaryPositionalEmbedding`: rotary position embeddings (RoPE)."""

import jax.numpy as jnp
import numpy as np
from jax.typing import DTypeLike
from jaxtyping import Array, Float, Num, PRNGKeyArray

from .._field import field
from .._module import Module
from ._param_init import check_positive_int, floating_dtype


def _check_theta(theta: object) -> float:
    if isinstance(theta, bool) or not isinstance(theta, int | float) or theta <= 0:
        raise ValueError(
            "RotaryPositionalEmbedding: `theta` must be a positive float, got "
            f"{theta!r}."
        )
    return float(theta)


class RotaryPositionalEmbedding(Module):
    """Rotates pairs of features by an angle proportional to the position.

    For an input of shape `(seq_length, embedding_size)` with
    `half = embedding_size // 2`, feature `j < half` of position `p` is paired
    with feature `j + half` and the pair is rotated by the angle
    `p * theta ** (-2j / embedding_size)`:
    `out[:half] = x[:half] cos - x[half:] sin`,
    `out[half:] = x[half:] cos + x[:half] sin`.

    Typically applied per head to queries and keys, e.g. inside the
    `process_heads` callback of `MultiheadAttention`:
    `jax.vmap(rope, in_axes=1, out_axes=1)(query_heads)`. It has no
    parameters; `dtype` is that in which the angles are computed.
    """

    embedding_size: int = field(static=True)
    theta: float = field(static=True)
    dtype: np.dtype[np.floating] = field(static=True)

    def __init__(
        self,
        embedding_size: int,
        theta: float = 10_000.0,
        dtype: DTypeLike | None = None,
    ) -> None:
        size = check_positive_int(
            "RotaryPositionalEmbedding", "embedding_size", embedding_size
        )
        if size % 2 != 0:
            raise ValueError(
                "RotaryPositionalEmbedding: `embedding_size` must be even (features "
                f"are rotated in pairs), got {size}."
            )
        self.embedding_size = size
        self.theta = _check_theta(theta)
        self.dtype = floating_dtype("RotaryPositionalEmbedding", dtype)

    @staticmethod
    def precompute_freqs_cis(
        embedding_size: int, end: int, theta: float, dtype: DTypeLike
    ) -> tuple[Float[Array, "end half_size"], Float[Array, "end half_size"]]:
        """The cosines and sines of the angles `p * theta ** (-2j / size)` for
        positions `p < end` and `j < embedding_size // 2`, in `dtype`."""
        half = embedding_size // 2
        inv_freq = theta ** (-jnp.arange(0, half, dtype=dtype) * 2 / embedding_size)
        positions = jnp.arange(end, dtype=dtype)
        angles = jnp.outer(positions, inv_freq)
        return jnp.cos(angles), jnp.sin(angles)

    def __call__(
        self,
        x: Num[Array, "seq_length embedding_size"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Num[Array, "seq_length embedding_size"]:
        """Rotates `x`; `key` is unused."""
        del key
        if x.ndim != 2 or x.shape[1] != self.embedding_size:
            raise ValueError(
                "RotaryPositionalEmbedding: expected an input of shape (seq_length, "
                f"embedding_size={self.embedding_size}), got shape {x.shape}."
            )
        half = self.embedding_size // 2
        cos, sin = self.precompute_freqs_cis(
            self.embedding_size, x.shape[0], self.theta, self.dtype
        )
        cos, sin = cos.astype(x.dtype), sin.astype(x.dtype)
        first, second = x[:, :half], x[:, half:]
        return jnp.concatenate(
            [first * cos - second * sin, second * cos + first * sin], axis=-1
        )
