"""`PReLU`: a leaky ReLU whose negative slope is learned."""

import jax.numpy as jnp
import numpy as np
from jax.typing import DTypeLike
from jaxtyping import Array, ArrayLike, Float, Num, PRNGKeyArray

from .._module import Module
from ._param_init import floating_dtype


class PReLU(Module):
    """`x` where `x >= 0`, else `negative_slope * x`.

    `init_alpha` is a scalar (one slope shared by every element) or an array
    that broadcasts against the input without changing its shape, e.g. `(C, 1,
    1)` for one slope per channel of a `(C, H, W)` input.
    """

    negative_slope: Float[Array, "*slope_shape"]

    def __init__(
        self, init_alpha: float | ArrayLike = 0.25, dtype: DTypeLike | None = None
    ) -> None:
        self.negative_slope = jnp.asarray(init_alpha, floating_dtype("PReLU", dtype))

    def __call__(
        self, x: Num[Array, "*shape"], *, key: PRNGKeyArray | None = None
    ) -> Float[Array, "*shape"]:
        """Applies the activation elementwise; `key` is unused."""
        del key
        slope = self.negative_slope
        try:
            fits = np.broadcast_shapes(x.shape, slope.shape) == x.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"PReLU: `negative_slope` of shape {slope.shape} does not "
                f"broadcast against the input of shape {x.shape} without "
                "changing it."
            )
        return jnp.where(x >= 0, x, slope * x)
