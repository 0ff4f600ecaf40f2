"""`eqx.debug.announce_transform`."""

from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


def _run(fn_maker: str) -> list[str]:
    messages: list[str] = []

    def f(x: Array) -> Array:
        y = eqx.debug.announce_transform(x, name="x", announce=messages.append)
        return jnp.sin(y)

    x = jnp.array(1.0)
    xs = jnp.array([1.0, 2.0])
    if fn_maker == "eager":
        f(x)
    elif fn_maker == "jit":
        jax.jit(f)(x)
    elif fn_maker == "grad":
        jax.grad(f)(x)
    elif fn_maker == "jit-grad":
        jax.jit(jax.grad(f))(x)
    elif fn_maker == "vmap":
        jax.vmap(f)(xs)
    elif fn_maker == "jvp":
        jax.jvp(f, (x,), (x,))
    return messages


def test_announcements() -> None:
    assert _run("eager") == []
    assert _run("jit") == ["x:lowering"]
    assert _run("jvp") == ["x:jvp"]
    assert _run("grad") == ["x:jvp", "x:jvp:transpose"]
    assert _run("jit-grad") == ["x:jvp", "x:jvp:transpose", "x:jvp:transpose:lowering"]
    assert _run("vmap") == ["x:vmap"]


def test_identity_on_pytrees() -> None:
    tree: dict[str, Any] = {"a": jnp.arange(3.0), "b": "static"}
    out = eqx.debug.announce_transform(tree, announce=lambda _: None)
    assert out["b"] == "static"
    assert jnp.array_equal(out["a"], tree["a"])
    grad = jax.grad(
        lambda t: jnp.sum(eqx.debug.announce_transform(t, announce=lambda _: None) ** 2)
    )(tree["a"])
    assert jnp.array_equal(grad, 2 * tree["a"])


def test_intermediates_track_the_primal_too() -> None:
    messages: list[str] = []

    def f(x: Array) -> Array:
        y = eqx.debug.announce_transform(
            x, name="p", intermediates=True, announce=messages.append
        )
        return jnp.sin(y)

    jax.jit(jax.grad(f))(jnp.array(1.0))
    assert "p:jvp:lowering" in messages  # the primal output reached lowering
    assert "p:jvp:transpose:lowering" in messages
