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
