"""filter_vmap (and filter_pmap on the one CPU device; the multi-device cases
are in test_sharding.py)."""

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Linear(eqx.Module):
    weight: Array
    bias: Array
    activation: Callable[[Array], Array]
    size: int = eqx.field(static=True)

    def __init__(self, size: int, *, key: PRNGKeyArray) -> None:
        self.weight = jax.random.normal(key, (size, size))
        self.bias = jnp.zeros(size)
        self.activation = jnp.tanh
        self.size = size

    def __call__(self, x: Array) -> Array:
        return self.activation(self.weight @ x + self.bias)


KEYS = jax.random.split(jax.random.key(0), 4)


def test_matches_jax_vmap() -> None:
    xs = jnp.arange(12.0).reshape(4, 3)
    model = Linear(3, key=KEYS[0])
    out = eqx.filter_vmap(lambda m, x: m(x), in_axes=(None, 0))(model, xs)
    expected = jax.vmap(lambda x: jnp.tanh(model.weight @ x + model.bias))(xs)
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_default_maps_arrays_and_passes_statics() -> None:
    def f(x: Array, n: int, name: str) -> tuple[Array, int, str]:
        return x * n, n, name

    out, n, name = eqx.filter_vmap(f)(jnp.arange(4.0), 3, "s")
    np.testing.assert_allclose(out, [0.0, 3.0, 6.0, 9.0])
    assert n == 3 and name == "s"


def test_constructor_builds_an_ensemble() -> None:
    ensemble = eqx.filter_vmap(lambda k: Linear(3, key=k))(KEYS)
    assert isinstance(ensemble, Linear)
    assert ensemble.weight.shape == (4, 3, 3)
    assert ensemble.bias.shape == (4, 3)
    # Non-array fields stay unbatched.
    assert ensemble.activation is jnp.tanh
    assert ensemble.size == 3
    np.testing.assert_allclose(ensemble.weight[2], Linear(3, key=KEYS[2]).weight)

    @eqx.filter_vmap(in_axes=(eqx.if_array(0), None))
    def evaluate(model: Linear, x: Array) -> Array:
        return model(x)

    out = evaluate(ensemble, jnp.ones(3))
    assert out.shape == (4, 3)
    np.testing.assert_allclose(out[1], Linear(3, key=KEYS[1])(jnp.ones(3)), rtol=1e-6)


def test_vmapping_a_callable_module_leaves_its_arrays_unmapped() -> None:
    model = Linear(3, key=KEYS[0])
    out = eqx.filter_vmap(model)(jnp.ones((5, 3)))
    assert out.shape == (5, 3)
    np.testing.assert_allclose(out[0], model(jnp.ones(3)), rtol=1e-6)


def test_in_axes_prefix_and_other_axes() -> None:
    tree = {"a": jnp.ones((2, 5)), "b": jnp.ones(3)}
    out = eqx.filter_vmap(
        lambda t: t["a"].sum() + t["b"].sum(), in_axes=({"a": 1, "b": None},)
    )(tree)
    np.testing.assert_allclose(out, jnp.full(5, 5.0))
    # A list of per-argument specs works like a tuple.
    out2 = eqx.filter_vmap(lambda a, b: a + b, in_axes=[0, None])(jnp.ones((3, 2)), 1.0)
    np.testing.assert_allclose(out2, jnp.full((3, 2), 2.0))
    # A callable spec decides per leaf.
    only_matrices = eqx.filter_vmap(
        lambda a, b: a.sum() + b.sum(),
        in_axes=lambda leaf: 0 if jnp.ndim(leaf) == 2 else None,
    )
    np.testing.assert_allclose(
        only_matrices(jnp.ones((4, 2)), jnp.ones(3)), jnp.full(4, 5.0)
    )


def test_out_axes() -> None:
    xs = jnp.arange(6.0).reshape(3, 2)
    out = eqx.filter_vmap(lambda x: jnp.outer(x, x), out_axes=2)(xs)
    np.testing.assert_allclose(
        out, jnp.moveaxis(jax.vmap(lambda x: jnp.outer(x, x))(xs), 0, 2)
    )
    out_neg = eqx.filter_vmap(lambda x: x * 2, out_axes=-1)(xs)
    np.testing.assert_allclose(out_neg, (xs * 2).T)
    # None for an output that does not depend on the mapped axis.
    mapped, same = eqx.filter_vmap(
        lambda x, c: (x + c, c * 2), in_axes=(0, None), out_axes=(0, None)
    )(xs, jnp.ones(2))
    assert mapped.shape == (3, 2) and same.shape == (2,)


def test_axis_name_and_size() -> None:
    def centre(x: Array) -> Array:
        mean: Array = jax.lax.pmean(x, "b")  # type: ignore[no-untyped-call]  # jax leaves pmean untyped
        return x - mean

    out = eqx.filter_vmap(centre, axis_name="b")(jnp.arange(4.0))
    np.testing.assert_allclose(out, jnp.arange(4.0) - 1.5)
    ones = eqx.filter_vmap(lambda: jnp.ones(2), axis_size=3)()
    assert ones.shape == (3, 2)


def test_nested_and_under_jit_and_grad() -> None:
    xs = jnp.ones((2, 3, 4))
    nested = eqx.filter_vmap(eqx.filter_vmap(lambda x: x.sum()))(xs)
    np.testing.assert_allclose(nested, jnp.full((2, 3), 4.0))
    jitted = eqx.filter_jit(eqx.filter_vmap(lambda x: x.sum()))(xs)
    np.testing.assert_allclose(jitted, jnp.full(2, 12.0))
    g = jax.grad(lambda w: eqx.filter_vmap(lambda x: (w * x).sum())(xs[0]).sum())(2.0)
    np.testing.assert_allclose(g, 12.0)


def test_errors() -> None:
    with pytest.raises(ValueError, match=r"tuple of length 1 .* 2 positional"):
        eqx.filter_vmap(lambda a, b: a, in_axes=(0,))(jnp.ones(2), jnp.ones(2))  # type: ignore[jaxtyping-shape]  # wrong on purpose (the plugin sees it too)
    with pytest.raises(
        ValueError, match=r"in_axes for args\[0\]: axis 2 is out of range"
    ):
        eqx.filter_vmap(lambda a: a, in_axes=2)(jnp.ones((2, 3)))
    with pytest.raises(
        ValueError, match=r"args\[0\] has size 2, args\[1\]\['x'\] has size 3"
    ):
        eqx.filter_vmap(lambda a, b: a)(jnp.ones(2), {"x": jnp.ones(3)})
    # Nothing mapped and no axis_size: fine for non-array outputs (as in
    # Equinox), an error for array outputs that need a mapped axis.
    assert eqx.filter_vmap(lambda n: n)(3) == 3
    with pytest.raises(ValueError, match="pass axis_size"):
        eqx.filter_vmap(lambda n: jnp.ones(2) * n)(3)
    with pytest.raises(ValueError, match=r"in_axes must be .* pytree prefix"):
        eqx.filter_vmap(lambda t: t, in_axes=({"a": 0},))({"b": jnp.ones(2)})
    with pytest.raises(
        ValueError, match=r"in_axes for args\[0\]: an axis must be an int"
    ):
        eqx.filter_vmap(lambda a: a, in_axes="0")(jnp.ones(2))
    with pytest.raises(TypeError, match="needs an int axis"):
        eqx.if_array(1.5)  # type: ignore[arg-type]  # the mistake under test


def test_if_array() -> None:
    spec = eqx.if_array(1)
    assert spec(jnp.ones(2)) == 1
    assert spec(np.ones(2)) == 1
    assert spec(3.0) is None
    assert spec == eqx.if_array(1) and hash(spec) == hash(eqx.if_array(1))
    assert repr(spec) == "if_array(axis=1)"  # as Equinox prints it


def test_pmap_single_device() -> None:
    n = jax.device_count()
    out = eqx.filter_pmap(lambda x, s: x * s)(jnp.ones((n, 3)), 2.0)
    np.testing.assert_allclose(out, jnp.full((n, 3), 2.0))
