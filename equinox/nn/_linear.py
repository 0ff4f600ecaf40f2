"""`Linear` (an affine map) and `Identity` (a placeholder layer)."""

from typing import Literal, TypeVar

import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, Inexact, Num, PRNGKeyArray

from .._field import field
from .._module import Module
from ._param_init import (
    check_positive_int,
    fan_in_limit,
    inexact_dtype,
    uniform_weight_and_bias,
)

_T = TypeVar("_T")


def _features(name: str, value: object) -> int | Literal["scalar"]:
    if value == "scalar":
        return "scalar"
    if isinstance(value, str):
        raise ValueError(
            f"Linear: `{name}` must be a positive int or 'scalar', got {value!r}."
        )
    return check_positive_int("Linear", name, value)


class Linear(Module):
    """`y = W x + b` on one example.

    `in_features="scalar"` takes an input of shape `()`; `out_features="scalar"`
    gives an output of shape `()`. Weight and bias are drawn uniformly from
    ±1/sqrt(in_features), from the two halves of `jax.random.split(key)`;
    `dtype` may be floating or complex.
    """

    weight: Inexact[Array, "out_features in_features"]
    bias: Inexact[Array, "out_features"] | None
    in_features: int | Literal["scalar"] = field(static=True)
    out_features: int | Literal["scalar"] = field(static=True)
    use_bias: bool = field(static=True)

    def __init__(
        self,
        in_features: int | Literal["scalar"],
        out_features: int | Literal["scalar"],
        use_bias: bool = True,
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        self.in_features = _features("in_features", in_features)
        self.out_features = _features("out_features", out_features)
        self.use_bias = bool(use_bias)
        param_dtype = inexact_dtype("Linear", dtype)
        n_in = 1 if self.in_features == "scalar" else self.in_features
        n_out = 1 if self.out_features == "scalar" else self.out_features
        self.weight, self.bias = uniform_weight_and_bias(
            key,
            (n_out, n_in),
            (n_out,) if use_bias else None,
            fan_in_limit(n_in),
            param_dtype,
        )

    def __call__(
        self,
        x: Num[Array, "in_features"] | Num[Array, ""],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Inexact[Array, "out_features"] | Inexact[Array, ""]:
        """Applies the layer; `key` is unused and accepted for uniformity."""
        del key
        x = jnp.asarray(x)  # Python and NumPy scalars too, as in Equinox
        expected = () if self.in_features == "scalar" else (self.in_features,)
        if x.shape != expected:
            raise ValueError(
                f"Linear: expected an input of shape {expected} (in_features="
                f"{self.in_features!r}; one unbatched example, batch with "
                f"jax.vmap), got shape {x.shape}."
            )
        y = self.weight @ x.reshape(-1)
        if self.bias is not None:
            y = y + self.bias
        return y[0] if self.out_features == "scalar" else y


class Identity(Module):
    """Returns its input unchanged: a placeholder where a layer is expected.

    Any constructor arguments are accepted and ignored, so that it can stand in
    for a layer built with arguments.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        del args, kwargs

    def __call__(self, x: _T, *, key: PRNGKeyArray | None = None) -> _T:
        """Returns `x`; `key` is unused."""
        del key
        return x
