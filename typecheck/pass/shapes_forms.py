# pyright: strict
"""Every jaxtyping shape form, used correctly: the shape checker stays silent."""

import jax.numpy as jnp
import jaxtyping as jt
from jaxtyping import Array, Float, Int, Shaped
from jaxtyping import Float as F


def fixed(x: Float[Array, "3 4"]) -> Float[Array, "4 3"]:
    return x.T


def named(x: Float[Array, "rows cols"]) -> Float[Array, "cols rows"]:
    return x.T


def anonymous(x: Float[Array, "_ n"]) -> Float[Array, "n"]:
    return x[0]


def anonymous_named(x: Float[Array, "_batch n"]) -> Float[Array, "n"]:
    return x.sum(0)


def ellipsis(x: Float[Array, "..."]) -> Float[Array, "..."]:
    return x * 2


def variadic(x: Float[Array, "*batch n"]) -> Float[Array, "*batch"]:
    return x.sum(-1)


def anonymous_variadic(x: Float[Array, "*_ n"]) -> Float[Array, "n"]:
    return x.reshape(-1, x.shape[-1])[0]


def scalar(x: Float[Array, ""]) -> Float[Array, ""]:
    return x + 1


def broadcastable(x: Float[Array, "#n"], y: Float[Array, "n"]) -> Float[Array, "n"]:
    return x + y


def broadcast_variadic(
    x: Float[Array, "*#batch n"], y: Float[Array, "#*batch n"]
) -> Float[Array, "n"]:
    return (x + y).reshape(-1, x.shape[-1])[0]


def symbolic(x: Float[Array, "n"]) -> Float[Array, "n+1"]:
    return jnp.concatenate([x, jnp.zeros(1)])


def product(x: Float[Array, "a b"]) -> Float[Array, "a*b"]:
    return x.reshape(-1)


def alt_fixed(x: Float[Array, "rows=2 cols=3"]) -> Float[Array, "3"]:
    return x[0]


def opaque(x: Float[Array, "n"], y: Float[Array, "min(n,4)"]) -> Float[Array, "n"]:
    return x


def treepath(x: Float[Array, "?n"]) -> Float[Array, "?n"]:
    return x


def aliased(x: F[Array, "n"], y: jt.Float[Array, "n"]) -> F[Array, "n"]:
    return x + y


def any_dtype(x: Shaped[Array, "n"]) -> Shaped[Array, "n"]:
    return x


a34: Float[Array, "3 4"] = jnp.zeros((3, 4))
a23: Float[Array, "2 3"] = jnp.zeros((2, 3))
a234: Float[Array, "2 3 4"] = jnp.zeros((2, 3, 4))
a3: Float[Array, "3"] = jnp.zeros(3)
a1: Float[Array, "1"] = jnp.zeros(1)
s: Float[Array, ""] = jnp.zeros(())
i3: Int[Array, "3"] = jnp.zeros(3, dtype=jnp.int32)

t: Float[Array, "4 3"] = fixed(a34)
u: Float[Array, "3 2"] = named(a23)
v: Float[Array, "3"] = anonymous(a23)
w: Float[Array, "4"] = anonymous_named(a234.reshape(6, 4))
e: Float[Array, "2 3 4"] = ellipsis(a234)
e0: Float[Array, ""] = ellipsis(s)
b: Float[Array, "2 3"] = variadic(a234)
b0: Float[Array, ""] = variadic(a3)
n: Float[Array, "4"] = anonymous_variadic(a234)
sc: Float[Array, ""] = scalar(s)
bc: Float[Array, "3"] = broadcastable(a1, a3)
bc2: Float[Array, "3"] = broadcastable(a3, a3)
bv: Float[Array, "4"] = broadcast_variadic(a234, jnp.zeros((1, 3, 4)))
g: Float[Array, "4"] = symbolic(a3)
p: Float[Array, "6"] = product(a23)
af: Float[Array, "3"] = alt_fixed(a23)
op: Float[Array, "3"] = opaque(a3, jnp.zeros(3))
tp = treepath(a3)
al: Float[Array, "3"] = aliased(a3, a3)
ad: Shaped[Array, "3"] = any_dtype(i3)
