"""Finalisation replaces registered custom primitives by their impl."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import Primitive
from jax.interpreters import mlir

import equinox.internal as eqxi

double_p: Any = Primitive("double_for_finalise")  # untyped JAX API
double_p.def_impl(lambda x: x * 2)
double_p.def_abstract_eval(lambda x: x)
mlir.register_lowering(
    double_p, mlir.lower_fun(lambda x: x * 2, multiple_results=False)
)
eqxi.register_impl_finalisation(double_p)


def _fn(x: Any) -> Any:
    return double_p.bind(x) + 1


def _names(jaxpr: Any) -> list[str]:
    return [str(e.primitive) for e in jaxpr.eqns]


def test_registered() -> None:
    assert double_p in eqxi.primitive_finalisations


def test_finalise_make_jaxpr_removes_the_primitive() -> None:
    plain = jax.make_jaxpr(_fn)(1.0)
    assert "double_for_finalise" in _names(plain.jaxpr)
    final = eqxi.finalise_make_jaxpr(_fn)(1.0)
    assert "double_for_finalise" not in _names(final.jaxpr)
    assert "mul" in _names(final.jaxpr)
    final_jaxpr, shape = eqxi.finalise_make_jaxpr(_fn, return_shape=True)(1.0)
    assert shape.shape == () and "double_for_finalise" not in _names(final_jaxpr.jaxpr)


def test_finalised_functions_compute_the_same() -> None:
    x = jnp.array([1.0, 2.0])
    np.testing.assert_allclose(eqxi.finalise_fn(_fn)(x), [3.0, 5.0])
    closed = jax.make_jaxpr(_fn)(x)
    np.testing.assert_allclose(eqxi.finalise_jaxpr_as_fn(closed)(x)[0], [3.0, 5.0])
    np.testing.assert_allclose(
        eqxi.finalise_eval_jaxpr(closed.jaxpr, closed.consts, x)[0], [3.0, 5.0]
    )
    final = eqxi.finalise_jaxpr(closed)
    assert "double_for_finalise" not in _names(final.jaxpr)
