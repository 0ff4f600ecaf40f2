import jax
import jax.numpy as jnp
from jax.extend.core import ClosedJaxpr
from jaxtyping import Array

import equinox as eqx


class Model(eqx.Module):
    w: Array
    b: Array
    act: object

    def __call__(self, x: Array) -> Array:
        return jnp.tanh(self.w @ x + self.b)


def test_jaxpr_inputs_are_array_leaves() -> None:
    model = Model(jnp.ones((2, 3)), jnp.zeros(2), jnp.tanh)

    def f(m: Model, x: Array, n: int) -> tuple[Array, int, str]:
        return m(x) * n, n, "s"

    jaxpr, out_struct, out_static = eqx.filter_make_jaxpr(f)(model, jnp.ones(3), 4)
    assert isinstance(jaxpr, ClosedJaxpr)
    assert len(jaxpr.jaxpr.invars) == 3  # w, b, x
    assert "tanh" in str(jaxpr)
    assert isinstance(out_struct[0], jax.ShapeDtypeStruct)
    assert out_struct[0].shape == (2,)
    assert out_struct[1] is None and out_struct[2] is None
    assert out_static[0] is None and out_static[1] == 4 and out_static[2] == "s"
    (out,) = jax.core.eval_jaxpr(
        jaxpr.jaxpr, jaxpr.consts, model.w, model.b, jnp.ones(3)
    )
    assert bool(jnp.allclose(out, model(jnp.ones(3)) * 4))


class _Scale(eqx.Module):
    weight: jax.Array

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.weight * x


def test_wrapper_is_a_module_over_the_function() -> None:
    # Measured under Equinox 0.13.8: a `_MakeJaxpr` Module with field `fn`.
    model = _Scale(jnp.ones(2))
    wrapped = eqx.filter_make_jaxpr(model)
    assert isinstance(wrapped, eqx.Module)
    assert type(wrapped).__name__ == "_MakeJaxpr"
    (leaf,) = jax.tree_util.tree_leaves(wrapped)
    assert leaf is model.weight
    assert wrapped == eqx.filter_make_jaxpr(model)


def test_arrays_of_the_function_are_constants() -> None:
    # Equinox 0.13.8: 1 input and 1 constant for a module called on one
    # array; 2 inputs and no constant when the module is an argument.
    model = _Scale(jnp.ones(2))
    jaxpr, _, _ = eqx.filter_make_jaxpr(model)(jnp.ones(2))
    assert (len(jaxpr.jaxpr.invars), len(jaxpr.jaxpr.constvars)) == (1, 1)
    jaxpr, _, _ = eqx.filter_make_jaxpr(lambda m, x: m(x))(model, jnp.ones(2))
    assert (len(jaxpr.jaxpr.invars), len(jaxpr.jaxpr.constvars)) == (2, 0)
