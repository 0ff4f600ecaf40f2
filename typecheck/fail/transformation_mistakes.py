# pyright: strict
"""Mistakes the filtered transformations' types catch: wrong arguments to a
jitted/vmapped/checkpointed function, misuse of gradients."""

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Linear(eqx.Module):
    weight: Array
    bias: Array

    def __call__(self, x: Array) -> Array:
        return self.weight @ x + self.bias


def loss(model: Linear, x: Array, y: Array) -> Array:
    return jnp.mean((model(x) - y) ** 2)


def loss_aux(model: Linear, x: Array) -> tuple[Array, int]:
    return jnp.sum(model(x)), 1


model = Linear(jnp.ones((2, 2)), jnp.zeros(2))
x = jnp.ones(2)

# filter_jit keeps the parameters: wrong type, missing and unknown arguments.
jitted = eqx.filter_jit(loss)
jitted(model, x, "y")  # E: arg-type; pyright: reportArgumentType
jitted(model, x)  # E: call-arg; pyright: reportCallIssue
jitted(model, x, x, z=1)  # E: call-arg; pyright: reportCallIssue
eqx.filter_jit(donate="every")  # E: call-overload; pyright: reportArgumentType
compiled = jitted.lower(model, x, x).compile()
compiled(model, x, 3)  # E: arg-type; pyright: reportArgumentType
wrong_result: int = jitted(model, x, x)  # E: assignment; pyright: reportAssignmentType

# The gradient is a Linear: misspelt fields are errors.
grads = eqx.filter_grad(loss)(model, x, x)
grads.weigth  # E: attr-defined; pyright: reportAttributeAccessIssue, reportUnknownMemberType
not_a_model: Array = grads  # E: assignment; pyright: reportAssignmentType
eqx.filter_grad(loss)(model, x)  # E: call-arg; pyright: reportCallIssue
value, grads2 = eqx.filter_value_and_grad(loss)(model, x, x)
grads2.bais  # E: attr-defined; pyright: reportAttributeAccessIssue, reportUnknownMemberType
(value_aux, aux), grads3 = eqx.filter_value_and_grad(loss_aux, has_aux=True)(model, x)
aux_str: str = aux  # E: assignment; pyright: reportAssignmentType
# has_aux=True needs a function returning a pair.
g = eqx.filter_grad
g(loss, has_aux=True)  # E: call-overload; pyright: reportCallIssue,reportArgumentType

# filter_vmap / filter_pmap / filter_checkpoint keep the parameters too.
eqx.filter_vmap(loss)(model, x, None)  # E: arg-type; pyright: reportArgumentType
eqx.filter_pmap(loss)(model)  # E: call-arg; pyright: reportCallIssue
eqx.filter_checkpoint(loss)(model, x, 1.0)  # E: arg-type; pyright: reportArgumentType
eqx.filter_vmap(in_axes=0)(loss)(x, x, x)  # E: arg-type; pyright: reportArgumentType

# filter_vjp: the primals must match the function's parameters.
eqx.filter_vjp(loss, model, x)  # E: call-arg, arg-type; pyright: reportArgumentType
out, vjp_fn = eqx.filter_vjp(loss, model, x, x)
vjp_fn("cotangent")  # E: arg-type; pyright: reportArgumentType

# filter_eval_shape keeps the function's parameters.
eqx.filter_eval_shape(loss, model, x, y="y")  # E: arg-type; pyright: reportArgumentType
eqx.if_array("0")  # E: arg-type; pyright: reportArgumentType
