from typing import Any

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx


def test_custom_jvp_rule_is_used_and_nondiff_tangents_are_none() -> None:
    seen: dict[str, Any] = {}

    @eqx.filter_custom_jvp
    def f(x: Array, n: Array, *, scale: float) -> Array:
        return jnp.sin(x) * n * scale

    @f.def_jvp
    def f_jvp(
        primals: tuple[Array, Array], tangents: tuple[Any, Any], *, scale: float
    ) -> tuple[Array, Array]:
        x, n = primals
        tx, tn = tangents
        seen["tn"] = tn
        seen["scale"] = scale
        # Deliberately not the true derivative, to see the rule is used.
        return f(x, n, scale=scale), 10.0 * tx

    x = jnp.array([0.1, 0.2])
    n = jnp.array([1, 2])  # integer: not differentiable
    np.testing.assert_allclose(f(x, n, scale=2.0), jnp.sin(x) * n * 2.0, rtol=1e-6)
    g = jax.grad(lambda x: f(x, n, scale=2.0).sum())(x)
    np.testing.assert_allclose(g, [10.0, 10.0])
    assert seen["tn"] is None
    assert seen["scale"] == 2.0
    # Under jit and vmap too.
    g_jit = eqx.filter_jit(jax.grad(lambda x: f(x, n, scale=1.0).sum()))(x)
    np.testing.assert_allclose(g_jit, [10.0, 10.0])
    batched = jax.vmap(lambda x: f(x, n, scale=1.0))(jnp.ones((3, 2)))
    assert batched.shape == (3, 2)


def test_custom_jvp_without_rule() -> None:
    @eqx.filter_custom_jvp
    def f(x: Array) -> Array:
        return x

    with pytest.raises(RuntimeError, match="def_jvp"):
        f(jnp.ones(2))


class Params(eqx.Module):
    a: Array
    b: Array
    label: str = eqx.field(static=True)


def test_custom_vjp_rule_perturbed_and_grads() -> None:
    seen: dict[str, Any] = {}

    @eqx.filter_custom_vjp
    def f(params: Params, x: Array, power: int) -> Array:
        return (params.a * x) ** power + params.b

    @f.def_fwd
    def f_fwd(perturbed: Any, params: Params, x: Array, power: int) -> Any:
        seen["perturbed"] = perturbed
        return f(params, x, power), params.a * x

    @f.def_bwd
    def f_bwd(
        residuals: Array,
        grad: Array,
        perturbed: Any,
        params: Params,
        x: Array,
        power: int,
    ) -> Params:
        seen["label"] = params.label
        da = jnp.sum(grad * power * residuals ** (power - 1) * x)
        # None means a zero cotangent for `b`; unflatten skips __init__'s checks.
        result: Params = jtu.tree_structure(params).unflatten([da * 100.0, None])
        return result

    params = Params(jnp.array(2.0), jnp.array(1.0), "p")
    x = jnp.array([1.0, 3.0])
    np.testing.assert_allclose(f(params, x, 2), (2.0 * x) ** 2 + 1.0)
    grads = eqx.filter_grad(lambda p: f(p, x, 2).sum())(params)
    expected_da = jnp.sum(2 * (2.0 * x) * x)
    np.testing.assert_allclose(grads.a, 100.0 * expected_da, rtol=1e-6)
    np.testing.assert_allclose(grads.b, 0.0)  # None in the rule means zero
    assert seen["label"] == "p"
    assert seen["perturbed"].a is True and seen["perturbed"].b is True
    # Only differentiating w.r.t. `a`: `b` is reported as not perturbed.
    jax.grad(lambda a: f(Params(a, jnp.array(1.0), "p"), x, 2).sum())(jnp.array(2.0))
    assert seen["perturbed"].a is True and seen["perturbed"].b is False


def test_custom_vjp_rejects_differentiating_other_args() -> None:
    @eqx.filter_custom_vjp
    def f(v: Array, other: dict[str, Array]) -> Array:
        return v * other["w"]

    @f.def_fwd
    def f_fwd(perturbed: Any, v: Array, other: dict[str, Array]) -> Any:
        return f(v, other), None

    @f.def_bwd
    def f_bwd(
        res: Any, g: Array, perturbed: Any, v: Array, other: dict[str, Array]
    ) -> Array:
        return g * other["w"]

    np.testing.assert_allclose(
        jax.grad(lambda v: f(v, {"w": jnp.array(3.0)}))(1.0), 3.0
    )
    with pytest.raises(RuntimeError, match=r"args\[0\]\['w'\] is being differentiated"):
        jax.grad(lambda w: f(jnp.array(1.0), {"w": w}))(jnp.array(3.0))


def test_custom_vjp_bad_bwd_structure() -> None:
    @eqx.filter_custom_vjp
    def f(v: tuple[Array, Array]) -> Array:
        return v[0] * v[1]

    @f.def_fwd
    def f_fwd(perturbed: Any, v: tuple[Array, Array]) -> Any:
        return f(v), None

    @f.def_bwd
    def f_bwd(res: Any, g: Array, perturbed: Any, v: tuple[Array, Array]) -> Any:
        return g  # wrong: should be a pair

    with pytest.raises(ValueError, match="structure of vjp_arg"):
        jax.grad(lambda a: f((a, jnp.array(2.0))))(jnp.array(1.0))
