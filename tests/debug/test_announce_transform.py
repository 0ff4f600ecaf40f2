"""`eqx.debug.announce_transform`.

Every expected list of messages was measured on Equinox 0.13.8 (same JAX) as
a black box and is written down here as data.
"""

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx

_X = jnp.array(1.0)
_XS = jnp.array([1.0, 2.0])


def _messages(
    run: Callable[[Callable[[Array], Array]], object],
    name: str | None = "x",
    intermediates: bool = False,
) -> list[str]:
    messages: list[str] = []

    def f(x: Array) -> Array:
        y = eqx.debug.announce_transform(
            x, name=name, intermediates=intermediates, announce=messages.append
        )
        return jnp.sin(y)

    run(f)
    return messages


_CASES: dict[str, tuple[Callable[[Callable[[Array], Array]], object], list[str]]] = {
    "eager": (lambda f: f(_X), ["(x) impl"]),
    "jit": (lambda f: jax.jit(f)(_X), ["(x) abstract", "(x) mlir"]),
    "vmap": (lambda f: jax.vmap(f)(_XS), ["(x) vmap:impl"]),
    "jvp": (
        lambda f: jax.jvp(f, (_X,), (_X,)),
        ["(x) jvp_p:impl", "(x) jvp_t:impl"],
    ),
    "grad": (
        lambda f: jax.grad(f)(_X),
        [
            "(x) jvp_p:impl",
            "(x) jvp_t:abstract",
            "(x) jvp_t:abstract",
            "(x) jvp_t:transpose:impl",
        ],
    ),
    "jit-grad": (
        lambda f: jax.jit(jax.grad(f))(_X),
        [
            "(x) jvp_p:abstract",
            "(x) jvp_t:abstract",
            "(x) jvp_t:abstract",
            "(x) jvp_t:transpose:abstract",
            "(x) jvp_p:mlir",
            "(x) jvp_t:transpose:mlir",
        ],
    ),
    "jit-vmap": (
        lambda f: jax.jit(jax.vmap(f))(_XS),
        ["(x) vmap:abstract", "(x) vmap:mlir"],
    ),
    "vmap-jit": (
        lambda f: jax.vmap(jax.jit(f))(_XS),
        ["(x) abstract", "(x) vmap:abstract", "(x) vmap:mlir"],
    ),
    "vmap-grad": (
        lambda f: jax.vmap(jax.grad(f))(_XS),
        [
            "(x) jvp_p:vmap:impl",
            "(x) jvp_t:abstract",
            "(x) jvp_t:abstract",
            "(x) jvp_t:transpose:vmap:impl",
        ],
    ),
    "hessian": (
        lambda f: jax.hessian(f)(_X),
        [
            "(x) jvp_p:jvp_p:impl",
            "(x) jvp_p:jvp_t:vmap:impl",
            "(x) jvp_t:abstract",
            "(x) jvp_t:abstract",
            "(x) jvp_t:transpose:vmap:jvp_p:impl",
            "(x) jvp_t:transpose:vmap:jvp_t:vmap:impl",
        ],
    ),
    "eval_shape": (lambda f: jax.eval_shape(f, _X), ["(x) abstract"]),
    "filter_jit": (lambda f: eqx.filter_jit(f)(_XS), ["(x) abstract", "(x) mlir"]),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_messages_match_equinox(case: str) -> None:
    run, expected = _CASES[case]
    assert _messages(run) == expected


def test_without_a_name_and_with_intermediates() -> None:
    assert _messages(lambda f: jax.jit(f)(_X), name=None) == ["abstract", "mlir"]
    jit_vmap = _messages(lambda f: jax.jit(jax.vmap(f))(_XS), intermediates=True)
    assert jit_vmap == ["(x) vmap", "(x) vmap:abstract", "(x) vmap:mlir"]
    jvp = _messages(lambda f: jax.jvp(f, (_X,), (_X,)), intermediates=True)
    assert jvp == ["(x) jvp", "(x) jvp_p:impl", "(x) jvp_t:impl"]
    grad = _messages(lambda f: jax.grad(f)(_X), intermediates=True)
    assert grad == [
        "(x) jvp",
        "(x) jvp_p:impl",
        "(x) jvp_t:abstract",
        "(x) jvp_t:abstract",
        "(x) jvp_t:transpose",
        "(x) jvp_t:transpose:impl",
    ]


def test_one_announcement_for_all_leaves_and_none_without_arrays() -> None:
    messages: list[str] = []
    eqx.debug.announce_transform(
        (jnp.ones(1), jnp.ones(2)), name="t", announce=messages.append
    )
    eqx.debug.announce_transform("s", name=3, announce=messages.append)
    assert messages == ["(t) impl", "(3) impl"]


def test_only_arrays_are_carried() -> None:
    quiet: Callable[[str], object] = lambda _: None  # noqa: E731
    jaxpr = jax.make_jaxpr(
        lambda x, y: eqx.debug.announce_transform(
            (x, y, 2.0, np.ones(2)), announce=quiet
        )
    )(1.0, 2)
    (equation,) = jaxpr.eqns
    assert equation.primitive.name == "announce_jaxpr"
    assert len(equation.invars) == 3  # x, y and the NumPy array; not 2.0
    assert type(eqx.debug.announce_transform(1.0, announce=quiet)) is float


def test_identity_on_pytrees_and_gradients() -> None:
    quiet: Callable[[str], object] = lambda _: None  # noqa: E731
    tree: dict[str, Any] = {"a": jnp.arange(3.0), "b": "static"}
    out = eqx.debug.announce_transform(tree, announce=quiet)
    assert out["b"] == "static"
    assert jnp.array_equal(out["a"], tree["a"])
    grad = jax.grad(
        lambda t: jnp.sum(eqx.debug.announce_transform(t, announce=quiet) ** 2)
    )(tree["a"])
    assert jnp.array_equal(grad, 2 * tree["a"])
    # Gradients reaching two arrays (Equinox raises TypeError here).
    gx, gy = jax.grad(
        lambda x, y: jnp.sum(
            jnp.stack(eqx.debug.announce_transform((x, y), announce=quiet)) ** 2
        ),
        argnums=(0, 1),
    )(1.0, 2.0)
    assert (float(gx), float(gy)) == (2.0, 4.0)
