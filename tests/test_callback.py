from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx


def host(tree: dict[str, Any], scale: float) -> tuple[Any, str]:
    assert isinstance(tree["a"], np.ndarray)  # arrays arrive as NumPy
    assert tree["label"] == "lbl"  # static leaves as they are
    return np.asarray(tree["a"]) * scale, "ignored"


def test_pure_callback_under_jit_and_vmap() -> None:
    shape = (jnp.zeros(3), "static-out")  # an array stands for its shape/dtype
    tree = {"a": jnp.arange(3.0), "label": "lbl"}
    out, static = eqx.filter_pure_callback(host, tree, 2.0, result_shape_dtypes=shape)
    np.testing.assert_allclose(out, [0.0, 2.0, 4.0])
    assert static == "static-out"

    @eqx.filter_jit
    def f(a: jax.Array) -> jax.Array:
        r: jax.Array
        r, _ = eqx.filter_pure_callback(
            host, {"a": a, "label": "lbl"}, 3.0, result_shape_dtypes=shape
        )
        return r

    np.testing.assert_allclose(f(jnp.ones(3)), [3.0, 3.0, 3.0])

    def g(a: jax.Array) -> jax.Array:
        r: jax.Array
        r, _ = eqx.filter_pure_callback(
            host,
            {"a": a, "label": "lbl"},
            1.0,
            result_shape_dtypes=shape,
            vmap_method="sequential",
        )
        return r

    np.testing.assert_allclose(jax.vmap(g)(jnp.ones((2, 3))), jnp.ones((2, 3)))


def test_wrong_result_is_a_clear_error() -> None:
    def bad(x: Any) -> Any:  # returns the wrong shape
        return np.ones(4, np.float32)

    with pytest.raises(
        Exception, match=r"shape \(4,\) where result_shape_dtypes says \(3,\)"
    ):
        eqx.filter_pure_callback(bad, jnp.ones(3), result_shape_dtypes=jnp.ones(3))
    with pytest.raises(Exception, match="structure"):
        eqx.filter_pure_callback(
            lambda x: (x, x), jnp.ones(3), result_shape_dtypes=jnp.ones(3)
        )
