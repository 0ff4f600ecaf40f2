from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx


class Model(eqx.Module):
    weight: Array
    bias: Array
    steps: Array  # an integer array: not differentiated
    activation: Callable[[Array], Array]
    name: str = eqx.field(static=True)

    def __call__(self, x: Array) -> Array:
        return self.activation(self.weight @ x + self.bias) * self.steps

    def loss(self, x: Array) -> Array:
        return jnp.sum(self(x) ** 2)


def make_model() -> Model:
    k1, k2 = jax.random.split(jax.random.key(0))
    return Model(
        jax.random.normal(k1, (3, 3)),
        jax.random.normal(k2, (3,)),
        jnp.array(2),
        jnp.tanh,
        "m",
    )


def loss(model: Model, x: Array) -> Array:
    return jnp.sum(model(x) ** 2)


def plain_loss(weight: Array, bias: Array, x: Array) -> Array:
    return jnp.sum((jnp.tanh(weight @ x + bias) * 2) ** 2)


X = jnp.array([0.5, -1.0, 2.0])


def test_filter_grad_matches_jax_grad() -> None:
    model = make_model()
    grads = eqx.filter_grad(loss)(model, X)
    gw, gb = jax.grad(plain_loss, argnums=(0, 1))(model.weight, model.bias, X)
    assert isinstance(grads, Model)
    np.testing.assert_allclose(grads.weight, gw, rtol=1e-5)
    np.testing.assert_allclose(grads.bias, gb, rtol=1e-5)
    # Integer arrays and non-array leaves are not differentiated.
    assert grads.steps is None
    assert grads.activation is None
    assert grads.name == "m"  # static fields live in the treedef


def test_filter_value_and_grad() -> None:
    model = make_model()
    value, grads = eqx.filter_value_and_grad(loss)(model, X)
    np.testing.assert_allclose(value, plain_loss(model.weight, model.bias, X))
    np.testing.assert_allclose(
        grads.weight, jax.grad(plain_loss)(model.weight, model.bias, X), rtol=1e-5
    )


def test_has_aux() -> None:
    model = make_model()

    def with_aux(m: Model, x: Array) -> tuple[Array, dict[str, Any]]:
        out = m(x)
        return jnp.sum(out**2), {"out": out, "tag": "t"}

    grads, aux = eqx.filter_grad(with_aux, has_aux=True)(model, X)
    np.testing.assert_allclose(grads.bias, eqx.filter_grad(loss)(model, X).bias)
    assert aux["tag"] == "t"
    np.testing.assert_allclose(aux["out"], model(X))
    (value, aux2), grads2 = eqx.filter_value_and_grad(with_aux, has_aux=True)(model, X)
    np.testing.assert_allclose(value, loss(model, X), rtol=1e-6)
    assert aux2["tag"] == "t"
    assert grads2.steps is None


def test_decorator_forms_and_methods() -> None:
    model = make_model()

    @eqx.filter_grad
    def g1(m: Model, x: Array) -> Array:
        return loss(m, x)

    @eqx.filter_value_and_grad(has_aux=True)
    def g2(m: Model, x: Array) -> tuple[Array, int]:
        return loss(m, x), 7

    np.testing.assert_allclose(g1(model, X).weight, g2(model, X)[1].weight)
    assert g2(model, X)[0][1] == 7
    # A bound method is differentiated with respect to its first argument.
    gx = eqx.filter_grad(model.loss)(X)
    np.testing.assert_allclose(
        gx, jax.grad(plain_loss, argnums=2)(model.weight, model.bias, X), rtol=1e-5
    )

    class Decorated(eqx.Module):
        w: Array

        @eqx.filter_grad
        def grad_of_self(self, x: Array) -> Array:
            return jnp.sum(self.w * x)

    grads = Decorated(jnp.ones(3)).grad_of_self(X)
    np.testing.assert_allclose(grads.w, X)


def test_grad_of_python_float_leaf_is_none() -> None:
    grads = eqx.filter_grad(lambda t, x: t[0] * x.sum())((2.0, jnp.ones(2)), X)
    assert grads[0] is None
    np.testing.assert_allclose(grads[1], jnp.zeros(2))


def test_non_scalar_loss_error() -> None:
    with pytest.raises(TypeError, match=r"must return a scalar array.*shape \(3,\)"):
        eqx.filter_grad(lambda m, x: m(x))(make_model(), X)
    with pytest.raises(TypeError, match="has_aux=True"):
        eqx.filter_grad(lambda m, x: loss(m, x), has_aux=True)(make_model(), X)  # type: ignore[call-overload]  # the mistake under test


def test_filter_jvp() -> None:
    def fn(x: Array, n: int, scale: float) -> tuple[Array, Array, str]:
        return jnp.sin(x) * scale * n, jnp.arange(3), "out"

    x = jnp.array([0.1, 0.2, 0.3])
    tx = jnp.array([1.0, 0.0, 2.0])
    (out, ints, s), (t_out, t_ints, t_s) = eqx.filter_jvp(
        fn, (x, 3, 2.0), (tx, None, 0.5)
    )
    expected, expected_t = jax.jvp(
        lambda x, scale: jnp.sin(x) * scale * 3, (x, 2.0), (tx, 0.5)
    )
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    np.testing.assert_allclose(t_out, expected_t, rtol=1e-6)
    assert s == "out" and t_s is None and t_ints is None
    np.testing.assert_array_equal(ints, jnp.arange(3))
    # A None tangent for a float primal is a symbolic zero, and so is every
    # output tangent then (None), as in Equinox 0.13.8.
    _, (t_zero, _, _) = eqx.filter_jvp(fn, (x, 3, 2.0), (None, None, None))
    assert t_zero is None


def test_filter_jvp_has_aux_and_kwargs() -> None:
    def fn(x: Array, *, power: int) -> tuple[Array, str]:
        return x**power, "aux"

    out, t_out, aux = eqx.filter_jvp(
        fn, (jnp.array(2.0),), (1.0,), has_aux=True, power=3
    )
    np.testing.assert_allclose(out, 8.0)
    np.testing.assert_allclose(t_out, 12.0)
    assert aux == "aux"


def test_filter_jvp_errors() -> None:
    with pytest.raises(ValueError, match=r"tangent for primal leaf 0 has shape \(2,\)"):
        eqx.filter_jvp(jnp.sin, (jnp.ones(3),), (jnp.ones(2),))
    with pytest.raises(TypeError, match="not a floating-point array"):
        eqx.filter_jvp(lambda i: i, (jnp.arange(3),), (jnp.ones(3),))
    with pytest.raises(ValueError, match="structure of primals"):
        eqx.filter_jvp(lambda a, b: a, (jnp.ones(3), jnp.ones(3)), (jnp.ones(3),))


def test_filter_vjp() -> None:
    model = make_model()
    out, vjp_fn = eqx.filter_vjp(lambda m, x: m(x), model, X)
    np.testing.assert_allclose(out, model(X))
    ct = jnp.array([1.0, 2.0, 3.0])
    g_model, g_x = vjp_fn(ct)
    _, plain_vjp = jax.vjp(
        lambda w, b, x: jnp.tanh(w @ x + b) * 2, model.weight, model.bias, X
    )
    gw, gb, gx = plain_vjp(ct)
    np.testing.assert_allclose(g_model.weight, gw, rtol=1e-5)
    np.testing.assert_allclose(g_model.bias, gb, rtol=1e-5)
    np.testing.assert_allclose(g_x, gx, rtol=1e-5)
    assert g_model.steps is None and g_model.activation is None


def test_filter_vjp_has_aux_and_mixed_outputs() -> None:
    def fn(x: Array) -> tuple[tuple[Array, Array, str], int]:
        return (x * 2, jnp.arange(2), "s"), 5

    out, vjp_fn, aux = eqx.filter_vjp(fn, jnp.ones(2), has_aux=True)
    assert aux == 5 and out[2] == "s"
    # Cotangents use None where an output has none (typed as the output).
    (g,) = vjp_fn((jnp.ones(2), None, None))  # type: ignore[arg-type]  # None cotangents
    np.testing.assert_allclose(g, [2.0, 2.0])
    with pytest.raises(ValueError, match="structure of the output"):
        vjp_fn(jnp.ones(2))  # type: ignore[arg-type]  # the mistake under test


def _jacobian_fn(t: dict[str, Array], k: int) -> Array:
    return jnp.sin(t["a"]) * k + t["b"] ** 2


def test_jacfwd_jacrev() -> None:
    tree = {"a": jnp.array([0.1, 0.2]), "b": jnp.array([1.0, 2.0]), "i": jnp.arange(2)}
    expected = jax.jacfwd(lambda a, b: jnp.sin(a) * 3 + b**2, argnums=(0, 1))(
        tree["a"], tree["b"]
    )
    for jac in (eqx.filter_jacfwd, eqx.filter_jacrev):
        result = jac(_jacobian_fn)(tree, 3)
        np.testing.assert_allclose(result["a"], expected[0], rtol=1e-6)
        np.testing.assert_allclose(result["b"], expected[1], rtol=1e-6)
        assert result["i"] is None


def test_jacobian_has_aux() -> None:
    jac, aux = eqx.filter_jacrev(lambda x: (x**2, "aux"), has_aux=True)(jnp.ones(2))
    assert aux == "aux"
    np.testing.assert_allclose(jac, 2 * jnp.eye(2))


def test_jacobian_decorator_factories() -> None:
    @eqx.filter_jacfwd(has_aux=True)
    def f(x: Array) -> tuple[Array, int]:
        return x**2, 1

    @eqx.filter_hessian(has_aux=False)
    def h(x: Array) -> Array:
        return jnp.sum(x**3)

    jac, aux = f(jnp.ones(2))
    np.testing.assert_allclose(jac, 2 * jnp.eye(2))
    assert aux == 1
    np.testing.assert_allclose(h(jnp.ones(2)), 6 * jnp.eye(2))
    np.testing.assert_allclose(eqx.filter_jacrev()(jnp.sin)(jnp.zeros(2)), jnp.eye(2))


def test_hessian() -> None:
    def f(x: Array) -> Array:
        return jnp.sum(x**3) + x[0] * x[1]

    x = jnp.array([1.0, 2.0])
    np.testing.assert_allclose(eqx.filter_hessian(f)(x), jax.hessian(f)(x), rtol=1e-6)


def test_transformations_compose_under_jit() -> None:
    model = make_model()
    grads = eqx.filter_jit(eqx.filter_grad(loss))(model, X)
    np.testing.assert_allclose(
        grads.weight, eqx.filter_grad(loss)(model, X).weight, rtol=1e-5
    )
    assert grads.activation is None
