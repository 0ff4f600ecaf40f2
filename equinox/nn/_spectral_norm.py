"""`SpectralNorm`: divide a layer's weight by its largest singular value."""

import math
import operator
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray, Shaped

from .._field import field
from .._tree_at import tree_at
from ._normalisation import check_eps
from ._param_init import check_positive_int
from ._sequential import StatefulLayer, call_layer
from ._stateful import State, StateIndex
from ._weight_norm import layer_weight

_Layer = TypeVar("_Layer", bound=Callable[..., Any])
_UV = tuple[Float[Array, "u_size"], Float[Array, "v_size"]]

# Power iterations run once at construction, so that the first training call
# already starts from a good estimate of the top singular vectors.
_INIT_ITERATIONS = 15


def _as_matrix(weight: Array) -> Array:
    """The weight as `(shape[0], prod(shape[1:]))` (a vector is one row)."""
    return weight.reshape(weight.shape[0], -1) if weight.ndim else weight.reshape(1, 1)


def _power_iterate(
    matrix: Array, u: Array, v: Array, iterations: int, eps: float
) -> tuple[Array, Array]:
    def unit(x: Array) -> Array:
        return x / jnp.maximum(jnp.sqrt(jnp.sum(x * x)), eps)

    # u from v first, then v from u: Equinox's order, so that the same key
    # gives the same estimates.
    for _ in range(iterations):
        u = unit(matrix @ v)
        v = unit(matrix.T @ u)
    return u, v


class SpectralNorm(StatefulLayer, Generic[_Layer]):
    """Wraps a layer so that it uses `weight / sigma`, where `sigma` is the
    largest singular value of the weight (reshaped to `(shape[0], -1)`).

    `sigma` is estimated by power iteration. The singular-vector estimates
    `(u, v)` live in the `State` (build the model with
    `eqx.nn.make_with_state`): every training call runs
    `num_power_iterations` steps and stores them; in inference mode they are
    used as they are. Gradients do not flow through `u`, `v`.
    """

    layer: _Layer
    uv_index: StateIndex[_UV]
    weight_name: str = field(static=True)
    num_power_iterations: int = field(static=True)
    eps: float = field(static=True)
    inference: bool

    def __init__(
        self,
        layer: _Layer,
        weight_name: str = "weight",
        num_power_iterations: int = 1,
        eps: float = 1e-12,
        inference: bool = False,
        *,
        key: PRNGKeyArray,
    ) -> None:
        weight = layer_weight("SpectralNorm", layer, weight_name)
        self.layer = layer
        self.weight_name = weight_name
        self.num_power_iterations = check_positive_int(
            "SpectralNorm", "num_power_iterations", num_power_iterations
        )
        self.eps = check_eps("SpectralNorm", eps)
        self.inference = bool(inference)
        matrix = _as_matrix(jax.lax.stop_gradient(weight))
        u_key, v_key = jax.random.split(key)
        u = jax.random.normal(u_key, (matrix.shape[0],), weight.dtype)
        v = jax.random.normal(v_key, (math.prod(matrix.shape[1:]),), weight.dtype)
        u, v = _power_iterate(matrix, u, v, _INIT_ITERATIONS, self.eps)
        self.uv_index = StateIndex((u, v))

    def __call__(
        self,
        x: Shaped[Array, "..."],
        state: State,
        *,
        key: PRNGKeyArray | None = None,
        inference: bool | None = None,
    ) -> tuple[Shaped[Array, "..."], State]:
        """Calls the wrapped layer with the normalised weight; returns its
        output and the updated state. `inference` overrides the flag for this
        call; `key` is passed on to the layer if it takes one."""
        if inference is None:
            inference = self.inference
        weight: Array = getattr(self.layer, self.weight_name)
        matrix = _as_matrix(weight)
        u, v = state.get(self.uv_index)
        if not inference:
            u, v = _power_iterate(
                jax.lax.stop_gradient(matrix), u, v, self.num_power_iterations, self.eps
            )
            state = state.set(self.uv_index, (u, v))
        sigma = u @ matrix @ v
        layer = tree_at(
            operator.attrgetter(self.weight_name), self.layer, weight / sigma
        )
        out: Array = call_layer(layer, x, key)
        return out, state
