"""Identity functions that refuse a transformation, and the `unvmap_*`
reductions. Messages and exception classes are Equinox 0.13.8's."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx
import equinox.internal as eqxi

X = jnp.array([1.0, 2.0])


def test_nondifferentiable() -> None:
    out = eqxi.nondifferentiable((X, 1, "a"))
    assert out[1:] == (1, "a")
    np.testing.assert_array_equal(out[0], X)
    np.testing.assert_array_equal(jax.vmap(eqxi.nondifferentiable)(X), X)
    grad_other = jax.grad(lambda x, y: (eqxi.nondifferentiable(y) * x).sum())(X, X)
    np.testing.assert_array_equal(grad_other, X)
    default = "Unexpected tangent. This operation cannot be autodifferentiated."
    with pytest.raises(RuntimeError, match=default):
        jax.grad(lambda x: eqxi.nondifferentiable(x).sum())(X)
    with pytest.raises(RuntimeError, match=default):
        jax.jvp(eqxi.nondifferentiable, (X,), (X,))
    with pytest.raises(RuntimeError, match=r"Unexpected tangent\. foo cannot be"):
        jax.grad(lambda x: eqxi.nondifferentiable(x, name="foo").sum())(X)
    with pytest.raises(RuntimeError, match=r"^custom"):
        jax.grad(lambda x: eqxi.nondifferentiable(x, msg="custom").sum())(X)


def test_nondifferentiable_backward() -> None:
    primal, tangent = jax.jvp(eqxi.nondifferentiable_backward, (X,), (X,))
    np.testing.assert_array_equal(primal, X)
    np.testing.assert_array_equal(tangent, X)
    np.testing.assert_array_equal(jax.vmap(eqxi.nondifferentiable_backward)(X), X)
    default = "Unexpected cotangent. This operation cannot be reverse-mode autodifferentiated."
    with pytest.raises(RuntimeError, match=default):
        jax.grad(lambda x: eqxi.nondifferentiable_backward(x).sum())(X)
    # Symbolic (default): any cotangent at all is an error, even a zero one.
    with pytest.raises(RuntimeError, match=default):
        jax.grad(lambda x: (eqxi.nondifferentiable_backward(x) * 0).sum() + x.sum())(X)
    with pytest.raises(RuntimeError, match=r"Unexpected cotangent\. foo cannot be"):
        jax.grad(lambda x: eqxi.nondifferentiable_backward(x, name="foo").sum())(X)
    # symbolic=False: checked at run time, zero cotangents pass.
    grad = jax.grad(
        lambda x: (
            (eqxi.nondifferentiable_backward(x, symbolic=False) * 0).sum() + x.sum()
        )
    )(X)
    np.testing.assert_array_equal(grad, [1.0, 1.0])
    with pytest.raises(eqx.EquinoxRuntimeError, match="cannot be reverse-mode"):
        jax.grad(
            lambda x: eqxi.nondifferentiable_backward((x, x), symbolic=False)[0].sum()
        )(X)


def test_nonbatchable() -> None:
    np.testing.assert_array_equal(eqxi.nonbatchable(X), X)
    default = (
        "Unexpected batch tracer. This operation cannot be vmap'd. This is probably "
        "an internal error in the library you are using."
    )
    with pytest.raises(ValueError, match=default):
        jax.vmap(eqxi.nonbatchable)(X)
    with pytest.raises(ValueError, match="foo cannot be vmap'd"):
        jax.vmap(lambda x: eqxi.nonbatchable(x, name="foo"))(X)
    # Unbatched inside vmap: fine.
    out = jax.vmap(lambda y: eqxi.nonbatchable(X) + y)(X)
    np.testing.assert_array_equal(out, [[2.0, 3.0], [3.0, 4.0]])
    same = jnp.array([[1.0, 2.0], [1.0, 2.0]])
    constant = jax.vmap(
        lambda y: eqxi.nonbatchable(y, allow_constant_across_batch=True)
    )(same)
    np.testing.assert_array_equal(constant, same)
    with pytest.raises(eqx.EquinoxRuntimeError):
        jax.vmap(lambda y: eqxi.nonbatchable(y, allow_constant_across_batch=True))(
            jnp.array([[1.0, 2.0], [1.0, 3.0]])
        )
    with pytest.raises(
        NotImplementedError, match="Differentiation rule for 'nonbatchable'"
    ):
        jax.grad(lambda x: eqxi.nonbatchable(x).sum())(X)


def test_nontraceable() -> None:
    np.testing.assert_array_equal(eqxi.nontraceable(X), X)
    np.testing.assert_array_equal(jax.jit(eqxi.nontraceable)(X), X)
    with pytest.raises(
        RuntimeError, match="Detected batching of nontraceable operation"
    ):
        jax.vmap(eqxi.nontraceable)(X)
    with pytest.raises(
        RuntimeError, match="Detected differentiation of nontraceable operation"
    ):
        jax.grad(lambda x: eqxi.nontraceable(x).sum())(X)
    with pytest.raises(RuntimeError, match="Detected differentiation of foo"):
        jax.grad(lambda x: eqxi.nontraceable(x, name="foo").sum())(X)


def test_primitives_appear_in_jaxprs() -> None:
    def names(fn: Any) -> list[str]:
        return [str(e.primitive) for e in jax.make_jaxpr(fn)(X).eqns]

    assert names(eqxi.nondifferentiable_backward) == ["nondifferentiable_backward"]
    assert names(eqxi.nonbatchable) == ["nonbatchable"]
    assert names(eqxi.nontraceable) == ["nontraceable"]
    assert eqxi.nonbatchable_p.name == "nonbatchable"


def test_unvmap() -> None:
    flags = jnp.array([False, True])
    assert bool(eqxi.unvmap_any(flags)) is True
    assert bool(eqxi.unvmap_all(flags)) is False
    assert int(eqxi.unvmap_max(jnp.array([1, 5, 2]))) == 5
    np.testing.assert_array_equal(jax.vmap(eqxi.unvmap_any)(flags), [True, True])
    np.testing.assert_array_equal(jax.vmap(eqxi.unvmap_all)(flags), [False, False])
    np.testing.assert_array_equal(
        jax.vmap(eqxi.unvmap_max)(jnp.array([1, 7, 3])), [7, 7, 7]
    )
    np.testing.assert_array_equal(
        jax.vmap(eqxi.unvmap_max)(jnp.array([1.0, 7.0, 3.0])), [7.0, 7.0, 7.0]
    )
    nested = jax.vmap(jax.vmap(eqxi.unvmap_any))(
        jnp.array([[False, True], [False, False]])
    )
    np.testing.assert_array_equal(nested, [[True, True], [True, True]])
    assert bool(eqxi.unvmap_any(True)) and int(eqxi.unvmap_max(3)) == 3
    assert bool(eqxi.unvmap_any(jnp.array([0.0, 1.0])))
    assert not bool(eqxi.unvmap_any(jnp.zeros(0, bool)))
    assert bool(eqxi.unvmap_all(jnp.zeros(0, bool)))
    assert [str(e.primitive) for e in jax.make_jaxpr(eqxi.unvmap_any)(flags).eqns] == [
        "unvmap_any"
    ]
    with pytest.raises(
        NotImplementedError, match="Differentiation rule for 'unvmap_max'"
    ):
        jax.grad(eqxi.unvmap_max)(2.0)
