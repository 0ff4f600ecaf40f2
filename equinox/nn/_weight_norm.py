"""`WeightNorm`: reparametrise a layer's weight as magnitude times direction."""

import operator
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray, Shaped

from .._field import field
from .._module import Module
from .._tree_at import tree_at
from ._sequential import call_layer

_Layer = TypeVar("_Layer", bound=Callable[..., Any])


# jax leaves `norm` partially untyped; this alias gives it the signature used here.
_linalg_norm = cast(Callable[..., Array], jnp.linalg.norm)  # pyright: ignore[reportUnknownMemberType]  # see above


def _norm(w: Array) -> Array:
    # `jnp.linalg.norm` (not a hand-written sqrt-sum): Equinox's rounding.
    return _linalg_norm(w, keepdims=True)


def _norm_except(w: Array, axis: int | None) -> Array:
    """The L2 norm over every axis but `axis` (all of them if None), keepdims."""
    if axis is None:
        return _norm(w)
    norms: Array = jax.vmap(_norm, in_axes=axis, out_axes=axis)(w)
    return norms


def layer_weight(wrapper: str, layer: Any, weight_name: object) -> Array:
    """`layer.<weight_name>` as a floating-point array, or a clear error."""
    if not isinstance(weight_name, str):
        raise TypeError(f"{wrapper}: `weight_name` must be a str, got {weight_name!r}.")
    weight = getattr(layer, weight_name, None)
    if not isinstance(weight, Array) or not jnp.issubdtype(weight.dtype, jnp.floating):
        raise ValueError(
            f"{wrapper}: `layer.{weight_name}` must be a floating-point JAX array, "
            f"got {type(weight).__name__} from {type(layer).__name__}."
        )
    return weight


def _check_axis(axis: object, ndim: int, shape: tuple[int, ...]) -> int:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"WeightNorm: `axis` must be an int or None, got {axis!r}.")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"WeightNorm: `axis` {axis} is out of range for a weight of shape {shape}."
        )
    return axis % ndim


class WeightNorm(Module, Generic[_Layer]):
    """Wraps a layer so that its weight is `g * v / ||v||`.

    `v` (stored as the wrapped layer's weight) gives the direction and `g` the
    magnitude; both are trained. The norm is taken over every axis except
    `axis` (over all axes if `axis=None`); `g` starts at that norm of the
    original weight, so the wrapped layer initially computes the same thing.
    """

    layer: _Layer
    g: Float[Array, "*g_shape"]
    weight_name: str = field(static=True)
    axis: int | None = field(static=True)

    def __init__(
        self, layer: _Layer, weight_name: str = "weight", axis: int | None = 0
    ) -> None:
        weight = layer_weight("WeightNorm", layer, weight_name)
        if axis is not None:
            axis = _check_axis(axis, weight.ndim, weight.shape)
        self.layer = layer
        self.weight_name = weight_name
        self.axis = axis
        self.g = _norm_except(weight, axis)

    @property
    def weight(self) -> Float[Array, "..."]:
        """The effective weight `g * v / ||v||`."""
        v: Array = getattr(self.layer, self.weight_name)
        return self.g * v / _norm_except(v, self.axis)

    def __call__(
        self, x: Shaped[Array, "..."], *, key: PRNGKeyArray | None = None
    ) -> Shaped[Array, "..."]:
        """Calls the wrapped layer with the effective weight."""
        layer = tree_at(operator.attrgetter(self.weight_name), self.layer, self.weight)
        out: Array = call_layer(layer, x, key)
        return out
