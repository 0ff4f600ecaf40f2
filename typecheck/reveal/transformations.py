# pyright: strict
"""Types of the filtered transformations: parameters and return types survive
`filter_jit`, `filter_vmap`, `filter_pmap`, `filter_checkpoint`; gradients
have the type of what they differentiate."""

from collections.abc import Callable
from typing import assert_type

import jax
import jax.numpy as jnp
from jax.extend.core import ClosedJaxpr
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class Linear(eqx.Module):
    weight: Float[Array, "o i"]
    bias: Float[Array, " o"]

    def __init__(self, size: int, *, key: PRNGKeyArray) -> None:
        self.weight = jax.random.normal(key, (size, size))
        self.bias = jnp.zeros(size)

    def __call__(self, x: Array) -> Array:
        return self.weight @ x + self.bias

    def scaled(self, x: Array, factor: float) -> Array:
        return factor * self(x)


class Model(eqx.Module):
    layers: tuple[Linear, ...]

    def __call__(self, x: Array) -> Array:
        for layer in self.layers:
            x = layer(x)
        return x


key = jax.random.key(0)
model = Model((Linear(3, key=key), Linear(3, key=key)))
x = jnp.ones(3)


def loss(model: Model, x: Array, y: Array) -> Array:
    return jnp.mean((model(x) - y) ** 2)


def loss_aux(model: Model, x: Array) -> tuple[Array, dict[str, Array]]:
    out = model(x)
    return jnp.sum(out), {"out": out}


def step(model: Model, x: Array, *, lr: float = 0.1) -> tuple[Model, float]:
    return model, lr


# --------------------------------------------------------------- filter_jit
jit_step = eqx.filter_jit(step)
assert_type(jit_step(model, x), tuple[Model, float])
assert_type(jit_step(model, x, lr=0.5), tuple[Model, float])
jit_step_donating = eqx.filter_jit(donate="all")(step)
assert_type(jit_step_donating(model, x), tuple[Model, float])


@eqx.filter_jit
def decorated(model: Model, x: Array) -> Array:
    return model(x)


assert_type(decorated(model, x), Array)


@eqx.filter_jit(donate="all-except-first")
def decorated_factory(model: Model, x: Array) -> Model:
    return model


assert_type(decorated_factory(model, x), Model)

# Bound methods and callable modules keep their signatures.
assert_type(eqx.filter_jit(model.layers[0].scaled)(x, 2.0), Array)
assert_type(eqx.filter_jit(model)(x), Array)
# Ahead-of-time compilation keeps them too.
compiled = eqx.filter_jit(loss).lower(model, x, x).compile()
assert_type(compiled(model, x, x), Array)
assert_type(eqx.filter_jit(loss).lower(model, x, x).as_text(), str)


class WithJitMethod(eqx.Module):
    scale: Array

    @eqx.filter_jit
    def apply(self, x: Array) -> Array:
        return self.scale * x


assert_type(WithJitMethod(jnp.ones(())).apply(x), Array)

# ---------------------------------------------------------------- gradients
grads = eqx.filter_grad(loss)(model, x, x)
assert_type(grads, Model)
assert_type(grads.layers[0].weight, Array)
grads_aux = eqx.filter_grad(loss_aux, has_aux=True)(model, x)
assert_type(grads_aux, tuple[Model, dict[str, Array]])
value, grads2 = eqx.filter_value_and_grad(loss)(model, x, x)
assert_type(value, Array)
assert_type(grads2, Model)
(value2, aux), grads3 = eqx.filter_value_and_grad(loss_aux, has_aux=True)(model, x)
assert_type(value2, Array)
assert_type(aux, dict[str, Array])
assert_type(grads3, Model)


@eqx.filter_grad
def decorated_grad(model: Model, x: Array) -> Array:
    return jnp.sum(model(x))


assert_type(decorated_grad(model, x), Model)


@eqx.filter_value_and_grad(has_aux=True)
def decorated_value_and_grad(model: Model, x: Array) -> tuple[Array, int]:
    return jnp.sum(model(x)), 3


assert_type(decorated_value_and_grad(model, x), tuple[tuple[Array, int], Model])

# ------------------------------------------------------------------ jvp/vjp
out, tangent_out = eqx.filter_jvp(model, (x,), (x,))
assert_type(out, Array)
assert_type(tangent_out, Array)
jvp_out, jvp_tangent, jvp_aux = eqx.filter_jvp(
    loss_aux, (model, x), (None, x), has_aux=True
)
assert_type(jvp_out, Array)
assert_type(jvp_tangent, Array)
assert_type(jvp_aux, dict[str, Array])
vjp_out, vjp_fn = eqx.filter_vjp(loss, model, x, x)
assert_type(vjp_out, Array)
assert_type(vjp_fn, Callable[[Array], tuple[Model, Array, Array]])
assert_type(vjp_fn(jnp.ones(()))[0], Model)
vjp_out2, vjp_fn2, vjp_aux = eqx.filter_vjp(loss_aux, model, x, has_aux=True)
assert_type(vjp_out2, Array)
assert_type(vjp_aux, dict[str, Array])
assert_type(vjp_fn2, Callable[[Array], tuple[Model, Array]])
jacobian_fn = eqx.filter_jacfwd(loss)
jacobian_fn(model, x, x)
eqx.filter_jacrev(loss)(model, x, x)
eqx.filter_hessian(loss)(model, x, x)

# ------------------------------------------------------------ vmap and pmap
batched = eqx.filter_vmap(model)
assert_type(batched(x), Array)
batched_loss = eqx.filter_vmap(loss, in_axes=(None, 0, 0))
assert_type(batched_loss(model, x, x), Array)


@eqx.filter_vmap(in_axes=(eqx.if_array(0), None), axis_name="batch")
def ensemble_call(model: Model, x: Array) -> Array:
    return model(x)


assert_type(ensemble_call(model, x), Array)


def make(key: PRNGKeyArray) -> Linear:
    return Linear(3, key=key)


ensemble = eqx.filter_vmap(make)(jax.random.split(key, 4))
assert_type(ensemble, Linear)
assert_type(eqx.filter_pmap(loss)(model, x, x), Array)
assert_type(eqx.filter_pmap(axis_name="i")(loss)(model, x, x), Array)
assert_type(eqx.if_array(0)(x), int | None)

# ------------------------------------------------------------ the others
assert_type(eqx.filter_eval_shape(make, key), Linear)
assert_type(eqx.filter_eval_shape(Model, (Linear(3, key=key),)), Model)
jaxpr, out_struct, out_static = eqx.filter_make_jaxpr(loss)(model, x, x)
assert_type(jaxpr, ClosedJaxpr)
checkpointed = eqx.filter_checkpoint(loss)
assert_type(checkpointed(model, x, x), Array)
assert_type(eqx.filter_checkpoint(policy=None)(loss)(model, x, x), Array)
converted = eqx.filter_closure_convert(model, x)
assert_type(converted(x), Array)


def shard(sharding: jax.sharding.Sharding) -> None:
    assert_type(eqx.filter_shard(model, sharding), Model)


def host_fn(a: Array, scale: float) -> Array:
    return a * scale


assert_type(
    eqx.filter_pure_callback(host_fn, x, 2.0, result_shape_dtypes=x),
    Array,
)


@eqx.filter_custom_jvp
def custom_jvp_fn(a: Array, b: Array) -> Array:
    return a * b


@custom_jvp_fn.def_jvp
def custom_jvp_rule(
    primals: tuple[Array, Array], tangents: tuple[Array | None, Array | None]
) -> tuple[Array, Array]:
    a, b = primals
    return custom_jvp_fn(a, b), jnp.zeros_like(a)


assert_type(custom_jvp_fn(x, x), Array)


@eqx.filter_custom_vjp
def custom_vjp_fn(vjp_arg: Model, x: Array) -> Array:
    return vjp_arg(x)


@custom_vjp_fn.def_fwd
def custom_vjp_fwd(perturbed: object, vjp_arg: Model, x: Array) -> tuple[Array, None]:
    return custom_vjp_fn(vjp_arg, x), None


@custom_vjp_fn.def_bwd
def custom_vjp_bwd(
    residuals: None, grad_obj: Array, perturbed: object, vjp_arg: Model, x: Array
) -> Model:
    return vjp_arg


assert_type(custom_vjp_fn(model, x), Array)
