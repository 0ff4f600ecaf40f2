"""Primitives with pytree rules (`filter_primitive_*`, `create_vprim`).
The example is checked under every transformation; the figures agree with
the same program run on Equinox 0.13.8."""

from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.extend.core import Primitive
from jax.interpreters import ad, batching, mlir

import equinox.internal as eqxi

scale_p: Any = Primitive("scale")  # untyped JAX API
scale_p.multiple_results = True


def _impl(x: Any, n: Any, tag: str) -> dict[str, Any]:
    return {"y": x * n, "tag": tag}


def _abstract(x: Any, n: Any, tag: str) -> dict[str, Any]:
    return {"y": jax.core.ShapedArray(x.shape, x.dtype), "tag": tag}


def _scale(x: Any, n: Any, tag: str) -> Any:
    return eqxi.filter_primitive_bind(scale_p, x, n, tag)


def _jvp(primals: Any, tangents: Any) -> Any:
    x, n, tag = primals
    tx, _, _ = tangents
    return _scale(x, n, tag), {
        "y": None if tx is None else _scale(tx, n, tag)["y"],
        "tag": None,
    }


def _transpose(inputs: Any, cts: Any) -> Any:
    x, n, tag = inputs
    assert cast(Any, ad).is_undefined_primal(x)
    ct = cts["y"]
    return (None if ct is None else _scale(ct, n, tag)["y"], None, None)


def _batch(inputs: Any, axes: Any) -> Any:
    x, n, tag = inputs
    return _scale(x, n, tag), {"y": axes[0], "tag": None}


scale_p.def_impl(eqxi.filter_primitive_def(_impl))
scale_p.def_abstract_eval(eqxi.filter_primitive_def(_abstract))
ad.primitive_jvps[scale_p] = eqxi.filter_primitive_jvp(_jvp)
ad.primitive_transposes[scale_p] = eqxi.filter_primitive_transpose(_transpose)
batching.primitive_batchers[scale_p] = eqxi.filter_primitive_batching(_batch)
mlir.register_lowering(
    scale_p, mlir.lower_fun(eqxi.filter_primitive_def(_impl), multiple_results=True)
)


def _y(x: Any) -> Any:
    return _scale(x, 3.0, "tag")["y"]


def test_static_outputs_pass_through() -> None:
    out = _scale(jnp.array([1.0, 2.0]), 3.0, "tag")
    assert out["tag"] == "tag"
    np.testing.assert_allclose(out["y"], [3.0, 6.0])


def test_transformations() -> None:
    x = jnp.array([1.0, 2.0])
    xs = jnp.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(jax.jit(_y)(x), [3.0, 6.0])
    np.testing.assert_allclose(jax.grad(lambda v: _y(v).sum())(x), [3.0, 3.0])
    np.testing.assert_allclose(jax.jit(jax.grad(lambda v: _y(v).sum()))(x), [3.0, 3.0])
    np.testing.assert_allclose(jax.vmap(_y)(xs), [[3.0, 6.0], [9.0, 12.0]])
    np.testing.assert_allclose(
        jax.vmap(jax.grad(lambda v: _y(v).sum()))(xs), [[3.0, 3.0], [3.0, 3.0]]
    )
    (transposed,) = jax.linear_transpose(_y, jnp.ones(2))(jnp.array([1.0, 1.0]))
    np.testing.assert_allclose(transposed, [3.0, 3.0])
    assert [str(e.primitive) for e in jax.make_jaxpr(_y)(x).eqns] == ["scale"]


def test_requires_multiple_results() -> None:
    with pytest.raises(AssertionError, match="multiple_results"):
        eqxi.filter_primitive_bind(Primitive("single"), jnp.ones(2))


def test_create_vprim_batches_automatically() -> None:
    vp: Primitive = eqxi.create_vprim(
        "vscale",
        eqxi.filter_primitive_def(lambda x, n: x * n),
        eqxi.filter_primitive_def(lambda x, n: jax.core.ShapedArray(x.shape, x.dtype)),
        eqxi.filter_primitive_jvp(
            lambda p, t: (
                eqxi.filter_primitive_bind(vp, *p),
                None if t[0] is None else eqxi.filter_primitive_bind(vp, t[0], p[1]),
            )
        ),
        eqxi.filter_primitive_transpose(
            lambda i, c: (eqxi.filter_primitive_bind(vp, c, i[1]), None)
        ),
    )

    def f(x: Any) -> Any:
        return eqxi.filter_primitive_bind(vp, x, 2.0)

    xs = jnp.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(f(jnp.array([1.0, 2.0])), [2.0, 4.0])
    np.testing.assert_allclose(jax.vmap(f)(xs), [[2.0, 4.0], [6.0, 8.0]])
    np.testing.assert_allclose(
        jax.grad(lambda x: f(x).sum())(jnp.array([1.0, 2.0])), [2.0, 2.0]
    )
    np.testing.assert_allclose(
        jax.vmap(jax.grad(lambda x: f(x).sum()))(xs), [[2.0, 2.0], [2.0, 2.0]]
    )


def test_materialise_zeros() -> None:
    np.testing.assert_array_equal(eqxi.materialise_zeros(jnp.ones(2), None), [0.0, 0.0])
    assert eqxi.materialise_zeros((jnp.ones(2), 3), (None, None))[1] is None
    struct = cast(Any, jax.ShapeDtypeStruct)((2,), jnp.float32)
    np.testing.assert_array_equal(
        eqxi.materialise_zeros(struct, None, allow_struct=True), [0.0, 0.0]
    )
    assert eqxi.materialise_zeros(struct, None) is None
    ints = eqxi.materialise_zeros(jnp.ones(2, int), None)
    assert ints.dtype == jax.dtypes.float0 and ints.shape == (2,)
    np.testing.assert_array_equal(
        eqxi.materialise_zeros(jnp.ones(2), jnp.full(2, 3.0)), [3.0, 3.0]
    )
