# pyright: strict
"""Fields read through `self` keep the method's names: mixing them is caught,
as is a field of a constructed layer whose sizes its construction bound."""

import jax
from jaxtyping import Array, Float

import equinox as eqx


class Dense(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]

    def input_bias(self, previous: "Dense") -> Float[Array, "in"]:
        return self.bias  # E: jaxtyping-names

    def squared(self) -> Float[Array, "out in"]:
        return self.weight @ self.weight  # E: jaxtyping-names

    def transposed(self, x: Float[Array, "in"]) -> Float[Array, "out"]:
        return self.weight.T @ x  # E: jaxtyping-names

    def row_sums(self) -> Float[Array, "in"]:
        return self.weight.sum(axis=1)  # E: jaxtyping-names

    def shifted(self, other: "Dense") -> Float[Array, "out"]:
        return self.weight[0] * other.bias.sum()  # E: jaxtyping-names


linear = eqx.nn.Linear(3, 4, key=jax.random.key(0))
weight: Float[Array, "3 4"] = linear.weight  # E: jaxtyping-shape
row: Float[Array, "4"] = linear.weight[0]  # E: jaxtyping-shape
