# pyright: strict
"""Inferred dtype families and shapes, asserted with assert_type.

Under mypy with the equinox plugin, `assert_type` also compares the inferred
dtype family and shape with the annotation's; pyright compares the plain types.
"""

from typing import assert_type

import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, Float32, Inexact, Int, Int32, Num

import equinox as eqx

key = jax.random.key(0)
a = jnp.zeros((3, 4))
v = jnp.ones(4)
i = jnp.arange(5)

assert_type(a, Float[Array, "3 4"])
assert_type(jnp.zeros(3, dtype=jnp.float32), Float32[Array, "3"])
assert_type(jnp.eye(2), Float[Array, "2 2"])
assert_type(jnp.linspace(0.0, 1.0, 5), Float[Array, "5"])
assert_type(jax.random.normal(key, (2, 3)), Float[Array, "2 3"])
assert_type(jax.random.randint(key, (4,), 0, 9), Int[Array, "4"])
assert_type(jnp.asarray([[1, 2], [3, 4]]), Int[Array, "2 2"])
assert_type(jnp.ones_like(a), Float[Array, "3 4"])
assert_type(i, Int[Array, "5"])

assert_type(a + v, Float[Array, "3 4"])
assert_type(a @ v, Float[Array, "3"])
assert_type(a.T @ a, Float[Array, "4 4"])
assert_type(a > 0, Bool[Array, "3 4"])
assert_type(i * 2.5, Float[Array, "5"])
assert_type(i / 2, Float[Array, "5"])
assert_type(i + 1, Int[Array, "5"])
assert_type(jnp.tanh(a), Float[Array, "3 4"])
assert_type(jax.nn.relu(v), Float[Array, "4"])
assert_type(jnp.where(a > 0, a, 0.0), Float[Array, "3 4"])

assert_type(a.reshape(-1), Float[Array, "12"])
assert_type(a.reshape(2, -1), Float[Array, "2 6"])
assert_type(a[None], Float[Array, "1 3 4"])
assert_type(a[:, None], Float[Array, "3 1 4"])
assert_type(a[0], Float[Array, "4"])
assert_type(a[1:3], Float[Array, "2 4"])
assert_type(a[..., 0], Float[Array, "3"])
assert_type(jnp.expand_dims(v, 0), Float[Array, "1 4"])
assert_type(jnp.squeeze(a[None], axis=0), Float[Array, "3 4"])
assert_type(jnp.transpose(a), Float[Array, "4 3"])
assert_type(jnp.concatenate([a, a]), Float[Array, "6 4"])
assert_type(jnp.stack([v, v], axis=1), Float[Array, "4 2"])
assert_type(a.sum(axis=0), Float[Array, "4"])
assert_type(a.mean(axis=1, keepdims=True), Float[Array, "3 1"])
assert_type(jnp.argmax(a, axis=1), Int[Array, "3"])
assert_type(a.astype(jnp.int32), Int32[Array, "3 4"])
assert_type(jnp.sum(a > 0), Int[Array, ""])

# Splits: every part's shape; unpacked names and indexed parts get their own.
left, right = jnp.split(a, 2, axis=1)
first, rest = jnp.split(a, [1])
chunks = jnp.array_split(i, 2)  # sizes 3 and 2
assert_type(left, Float[Array, "3 2"])
assert_type(right, Float[Array, "3 2"])
assert_type(first, Float[Array, "1 4"])
assert_type(rest, Float[Array, "2 4"])
assert_type(chunks[0], Int[Array, "3"])
assert_type(chunks[1], Int[Array, "2"])
assert_type(jnp.hsplit(a, 4)[0], Float[Array, "3 1"])


def method_view(x: Float[Array, "n d"], w: Float[Array, "d k"]) -> None:
    assert_type(x @ w, Float[Array, "n k"])
    assert_type(x.T, Float[Array, "d n"])
    assert_type(x[:, :, None], Float[Array, "n d 1"])


linear = eqx.nn.Linear(4, 2, key=key)
assert_type(linear(v), Inexact[Array, "2"])
# Another object's field: the sizes its construction bound, not the names.
assert_type(linear.weight, Inexact[Array, "2 4"])
assert_type(jax.vmap(linear)(a), Inexact[Array, "3 2"])


def centred(x: Float[Array, "d"], c: Float[Array, "d"]) -> Float[Array, "d"]:
    return x - c


def moments(x: Float[Array, "d"]) -> tuple[Float[Array, ""], Float[Array, "d"]]:
    return jnp.mean(x), x - jnp.mean(x)


# vmap with one in_axes entry per argument, and one out_axes entry per output.
assert_type(jax.vmap(centred, in_axes=(0, None))(a, v), Float[Array, "3 4"])
assert_type(jax.vmap(centred, (1, None))(a, jnp.zeros(3)), Float[Array, "4 3"])
assert_type(eqx.filter_vmap(centred, in_axes=(None, 0))(v, a), Float[Array, "3 4"])
means, columns = jax.vmap(moments, out_axes=(0, 1))(a)
assert_type(means, Float[Array, "3"])
assert_type(columns, Float[Array, "4 3"])
assert_type(eqx.nn.MLP(4, 3, 8, 2, key=key)(v), Float[Array, "3"])
unknown = jnp.zeros(int("3"))
assert_type(unknown, Float[Array, "..."])  # a size known only at run time

# Normalisation layers: the input's shape, bound by the constructor.
layer_norm = eqx.nn.LayerNorm(4)
rms_norm = eqx.nn.RMSNorm((2, 4))
assert_type(layer_norm(jnp.zeros(4)), Num[Array, "4"])
assert_type(rms_norm(jnp.zeros((2, 4))), Num[Array, "2 4"])
