"""`MLP`: a stack of `Linear` layers with an activation between them."""

from collections.abc import Callable
from typing import Literal

import jax
import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, Float, Num, PRNGKeyArray

from .._field import field
from .._module import Module
from ._linear import Linear
from ._param_init import check_nonnegative_int, check_positive_int


def _identity(x: Array) -> Array:
    return x


class MLP(Module):
    """A multi-layer perceptron on one example.

    `depth` is the number of hidden layers (0 gives a single `Linear`), each of
    `width_size` units followed by `activation`; `final_activation` follows the
    output layer. The activations are fields (not static) so that learnable
    ones, e.g. `PReLU()`, are trained with the rest of the model.

    `scan=True` keeps the `depth - 1` hidden-to-hidden layers as one `Linear`
    whose arrays are stacked along a leading axis (layers are then
    `(first, stacked, last)`, as in Equinox) and runs them with
    `jax.lax.scan`: one layer to compile instead of `depth - 1`.
    """

    layers: tuple[Linear, ...]
    activation: Callable[[Array], Array]
    final_activation: Callable[[Array], Array]
    in_size: int | Literal["scalar"] = field(static=True)
    out_size: int | Literal["scalar"] = field(static=True)
    width_size: int = field(static=True)
    depth: int = field(static=True)
    use_bias: bool = field(static=True)
    use_final_bias: bool = field(static=True)
    scan: bool = field(static=True)

    def __init__(
        self,
        in_size: int | Literal["scalar"],
        out_size: int | Literal["scalar"],
        width_size: int,
        depth: int,
        activation: Callable[[Array], Array] = jax.nn.relu,
        final_activation: Callable[[Array], Array] = _identity,
        use_bias: bool = True,
        use_final_bias: bool = True,
        dtype: DTypeLike | None = None,
        *,
        scan: bool = False,
        key: PRNGKeyArray,
    ) -> None:
        self.depth = check_nonnegative_int("MLP", "depth", depth)
        self.width_size = check_positive_int("MLP", "width_size", width_size)
        for name, value in (
            ("activation", activation),
            ("final_activation", final_activation),
        ):
            if not callable(value):
                raise TypeError(f"MLP: `{name}` must be callable, got {value!r}.")
        keys = jax.random.split(key, self.depth + 1)
        hidden: list[int | Literal["scalar"]] = [self.width_size] * self.depth
        ins: list[int | Literal["scalar"]] = [in_size, *hidden]
        outs: list[int | Literal["scalar"]] = [*hidden, out_size]
        biases = [use_bias] * self.depth + [use_final_bias]
        layers = [
            Linear(i, o, use_bias=b, dtype=dtype, key=k)
            for i, o, b, k in zip(ins, outs, biases, keys, strict=True)
        ]
        self.scan = bool(scan)
        if self.scan and self.depth > 0:
            middle = _stack(layers[1:-1], layers[0], self.width_size, key)
            layers = [layers[0], middle, layers[-1]]
        self.layers = tuple(layers)
        self.in_size = self.layers[0].in_features
        self.out_size = self.layers[-1].out_features
        self.activation = activation
        self.final_activation = final_activation
        self.use_bias = bool(use_bias)
        self.use_final_bias = bool(use_final_bias)

    def __call__(
        self,
        x: Num[Array, "in_size"] | Num[Array, ""],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Float[Array, "out_size"] | Float[Array, ""]:
        """Applies the network; `key` is unused."""
        del key
        if self.scan and self.depth > 0:
            x = self.activation(self.layers[0](x))

            def step(h: Array, layer: Linear) -> tuple[Array, None]:
                return self.activation(layer(h)), None

            x, _ = jax.lax.scan(step, x, self.layers[1])
        else:
            for layer in self.layers[:-1]:
                x = self.activation(layer(x))
        return self.final_activation(self.layers[-1](x))


def _stack(
    layers: list[Linear], first: Linear, width: int, key: PRNGKeyArray
) -> Linear:
    """The hidden-to-hidden layers as one `Linear` with stacked arrays (a
    leading axis of length `depth - 1`, possibly 0)."""
    if layers:
        stacked: Linear = jax.tree.map(lambda *xs: jnp.stack(xs), *layers)
        return stacked
    dtype = first.weight.dtype
    template = Linear(width, width, first.use_bias, dtype, key=key)

    def no_layers(a: Array) -> Array:
        return jnp.zeros((0, *a.shape), a.dtype)

    empty: Linear = jax.tree.map(no_layers, template)
    return empty
