"""Recurrent cells: `GRUCell` and `LSTMCell`. Each call advances one step;
scan over a sequence with `jax.lax.scan`."""

import math
from collections.abc import Callable, Sized
from typing import cast

import jax
import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, Float, Num, PRNGKeyArray

from .._field import field
from .._module import Module
from ._param_init import check_positive_int, floating_dtype, uniform


def _check_vector(layer: str, name: str, x: Array, size: int, what: str) -> None:
    if x.shape != (size,):
        raise ValueError(
            f"{layer}: expected `{name}` of shape ({size},) ({what}; one unbatched "
            f"example, batch with jax.vmap), got shape {x.shape}."
        )


def _pair(hidden: object, size: int) -> tuple[Array, Array]:
    what = type(hidden).__name__
    if not isinstance(hidden, tuple) or len(cast(Sized, hidden)) != 2:
        raise TypeError(
            "LSTMCell: `hidden` must be a pair (h, c) of arrays of shape "
            f"({size},), got {what}."
        )
    return cast(tuple[Array, Array], hidden)


def _sizes(layer: str, input_size: int, hidden_size: int) -> tuple[int, int]:
    return (
        check_positive_int(layer, "input_size", input_size),
        check_positive_int(layer, "hidden_size", hidden_size),
    )


def _uniform_draw(
    layer: str, hidden_size: int, dtype: DTypeLike | None
) -> Callable[[PRNGKeyArray, tuple[int, ...]], Array]:
    """Draws parameters of a given shape, uniform in ±1/sqrt(hidden_size)."""
    param_dtype = floating_dtype(layer, dtype)
    limit = 1 / math.sqrt(hidden_size)
    return lambda key, shape: uniform(key, shape, limit, param_dtype)


class GRUCell(Module):
    """One step of a gated recurrent unit.

    With `W_ih x + b = (i_r, i_z, i_n)` and `W_hh h = (h_r, h_z, h_n)`:
    `r = sigmoid(i_r + h_r)`, `z = sigmoid(i_z + h_z)`,
    `n = tanh(i_n + r * (h_n + b_n))`, and the new hidden state is
    `(1 - z) * n + z * h`. All parameters are drawn uniformly from
    ±1/sqrt(hidden_size).
    """

    weight_ih: Float[Array, "gates_hidden input_size"]
    weight_hh: Float[Array, "gates_hidden hidden_size"]
    bias: Float[Array, "gates_hidden"] | None
    bias_n: Float[Array, "hidden_size"] | None
    input_size: int = field(static=True)
    hidden_size: int = field(static=True)
    use_bias: bool = field(static=True)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        use_bias: bool = True,
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        self.input_size, self.hidden_size = _sizes("GRUCell", input_size, hidden_size)
        self.use_bias = bool(use_bias)
        draw = _uniform_draw("GRUCell", self.hidden_size, dtype)
        k_ih, k_hh, k_b, k_bn = jax.random.split(key, 4)
        gates = 3 * self.hidden_size
        self.weight_ih = draw(k_ih, (gates, self.input_size))
        self.weight_hh = draw(k_hh, (gates, self.hidden_size))
        if self.use_bias:
            self.bias = draw(k_b, (gates,))
            self.bias_n = draw(k_bn, (self.hidden_size,))
        else:
            self.bias = None
            self.bias_n = None

    def __call__(
        self,
        input: Num[Array, "input_size"],
        hidden: Num[Array, "hidden_size"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Float[Array, "hidden_size"]:
        """The next hidden state; `key` is unused."""
        del key
        _check_vector("GRUCell", "input", input, self.input_size, "input_size")
        _check_vector("GRUCell", "hidden", hidden, self.hidden_size, "hidden_size")
        i_gates = self.weight_ih @ input
        if self.bias is not None:
            i_gates = i_gates + self.bias
        h_gates = self.weight_hh @ hidden
        i_r, i_z, i_n = jnp.split(i_gates, 3)
        h_r, h_z, h_n = jnp.split(h_gates, 3)
        reset = jax.nn.sigmoid(i_r + h_r)
        update = jax.nn.sigmoid(i_z + h_z)
        if self.bias_n is not None:
            h_n = h_n + self.bias_n
        new = jnp.tanh(i_n + reset * h_n)
        return new + update * (hidden - new)


class LSTMCell(Module):
    """One step of a long short-term memory cell.

    With `W_ih x + W_hh h + b = (i, f, g, o)` (input, forget, cell, output
    gates): `c' = sigmoid(f) * c + sigmoid(i) * tanh(g)` and
    `h' = sigmoid(o) * tanh(c')`. The hidden state is the pair `(h, c)`. All
    parameters are drawn uniformly from ±1/sqrt(hidden_size).
    """

    weight_ih: Float[Array, "gates_hidden input_size"]
    weight_hh: Float[Array, "gates_hidden hidden_size"]
    bias: Float[Array, "gates_hidden"] | None
    input_size: int = field(static=True)
    hidden_size: int = field(static=True)
    use_bias: bool = field(static=True)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        use_bias: bool = True,
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        self.input_size, self.hidden_size = _sizes("LSTMCell", input_size, hidden_size)
        self.use_bias = bool(use_bias)
        draw = _uniform_draw("LSTMCell", self.hidden_size, dtype)
        k_ih, k_hh, k_b = jax.random.split(key, 3)
        gates = 4 * self.hidden_size
        self.weight_ih = draw(k_ih, (gates, self.input_size))
        self.weight_hh = draw(k_hh, (gates, self.hidden_size))
        self.bias = draw(k_b, (gates,)) if self.use_bias else None

    def __call__(
        self,
        input: Num[Array, "input_size"],
        hidden: tuple[Num[Array, "hidden_size"], Num[Array, "hidden_size"]],
        *,
        key: PRNGKeyArray | None = None,
    ) -> tuple[Float[Array, "hidden_size"], Float[Array, "hidden_size"]]:
        """The next `(h, c)`; `key` is unused."""
        del key
        _check_vector("LSTMCell", "input", input, self.input_size, "input_size")
        h, c = _pair(hidden, self.hidden_size)
        _check_vector("LSTMCell", "hidden[0] (h)", h, self.hidden_size, "hidden_size")
        _check_vector("LSTMCell", "hidden[1] (c)", c, self.hidden_size, "hidden_size")
        lin = self.weight_ih @ input + self.weight_hh @ h
        if self.bias is not None:
            lin = lin + self.bias
        i, f, g, o = jnp.split(lin, 4)
        c_new = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h_new = jax.nn.sigmoid(o) * jnp.tanh(c_new)
        return h_new, c_new
