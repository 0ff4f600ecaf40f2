# pyright: strict
"""Shape and dtype bugs inside expressions, between annotations."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, Int

a34 = jnp.zeros((3, 4))
a43 = jnp.ones((4, 3))
v3 = jnp.zeros(3)
v5 = jnp.zeros(5)
i4 = jnp.arange(4)

s1 = a34 + v3  # E: jaxtyping-shape
s2 = a34 @ a34  # E: jaxtyping-shape
s3 = v5 @ a34  # E: jaxtyping-shape
s4 = a34 * jnp.ones((2, 4))  # E: jaxtyping-shape
s5 = jnp.where(v3 > 0, v3, v5)  # E: jaxtyping-shape
s6 = jnp.maximum(a34, a43)  # E: jaxtyping-shape
s7 = a34.reshape(5, -1)  # E: jaxtyping-shape
s8 = a34.reshape(2, 5)  # E: jaxtyping-shape
s9 = a34[0, 0, 0]  # E: jaxtyping-shape
s10 = jnp.squeeze(a34, axis=0)  # E: jaxtyping-shape
s11 = jnp.concatenate([a34, a43])  # E: jaxtyping-shape
s12 = jnp.stack([v3, v5])  # E: jaxtyping-shape
s13 = jnp.sum(a34, axis=2)  # E: jaxtyping-shape
s14 = jnp.transpose(a34, (1, 0, 2))  # E: jaxtyping-shape

ok_rows: Float[Array, "3"] = a34.sum(axis=1)
wrong_rows: Float[Array, "4"] = a34.sum(axis=1)  # E: jaxtyping-shape
kept: Float[Array, "3"] = a34.mean(axis=1, keepdims=True)  # E: jaxtyping-shape
flat: Float[Array, "12"] = a34.reshape(-1)
flat_bad: Float[Array, "12 1"] = a34.ravel()  # E: jaxtyping-shape
tr: Float[Array, "3 4"] = a34.T  # E: jaxtyping-shape
idx: Float[Array, "4"] = a34[:, 0]  # E: jaxtyping-shape
counts: Float[Array, "4"] = i4  # E: jaxtyping-dtype
halves: Int[Array, "4"] = i4 / 2  # E: jaxtyping-dtype
mask: Float[Array, "3 4"] = a34 > 0  # E: jaxtyping-dtype
ints: Float[Array, "3 4"] = a34.astype(jnp.int32)  # E: jaxtyping-dtype
positive: Bool[Array, "3"] = v3 > 0
key = jax.random.key(0)
noise: Float[Array, "3 4"] = jax.random.normal(key, (4, 3))  # E: jaxtyping-shape
