"""A whole training step with `filter_jit` against hand-written `jax.jit`.

The step is `step(model, opt_state, x, y) -> (model, opt_state, loss)`:
mean-squared loss, gradient, Optax Adam, apply the updates. The Equinox side
holds the model as `eqx.Module`s (static sizes, an activation-function field)
and wraps the step in `eqx.filter_jit`; the baseline holds the same weights in
`jax.tree_util.register_dataclass` pytrees and wraps the same step in
`jax.jit`. Three models / steps:

1. 8-layer width-32 MLP, Optax Adam (its state's `mu`/`nu` are Modules of the
   model's structure on our side). Target: <= 1.05x.
2. The same MLP with a hand-rolled Adam whose whole state is an `eqx.Module`
   (against a registered dataclass): a Module returned *and* an opt_state made
   of Modules, with no Optax containers in between. Target: <= 1.05x.
3. 100 small (width-4) layers, Optax Adam: structure-heavy, so the pytree
   work dominates. Reported against the same 1.05x.

Both sides run in this one process, alternating short batches. Figures are
per step, thread CPU time (`time.thread_time`, the dispatch work itself,
excluding time descheduled on a loaded machine) and wall time; the ratios
printed are of the best batches and of the medians.

Run: `python benchmarks/train_step.py`. Prints a table; asserts nothing.
"""

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import optax
from _mlp import MLP, Linear, PlainLinear, PlainMLP, plain_forward
from _timing import Sample, Stopwatch, block, interleave, ratio
from jaxtyping import Array

import equinox as eqx

TARGET = 1.05
ROUNDS = 15
NUMBER = 50


# --- the Equinox side -------------------------------------------------------


class StaticActivationMLP(MLP):
    """The activation as a static field: no non-array leaf in the step's
    output, so `jax.jit`'s C++ dispatch fast path stays on (see `main`)."""

    activation: Callable[[Array], Array] = eqx.field(static=True)


class AdamState(eqx.Module):
    count: Array
    mu: MLP
    nu: MLP


# --- the hand-written JAX side ----------------------------------------------


@jax.tree_util.register_dataclass
@dataclasses.dataclass
class PlainAdamState:
    count: Array
    mu: PlainMLP
    nu: PlainMLP


# --- models -----------------------------------------------------------------


def make_models(depth: int, width: int, cls: type[MLP] = MLP) -> tuple[MLP, PlainMLP]:
    keys = jax.random.split(jax.random.key(0), depth)
    weights = [jax.random.normal(k, (width, width)) / width**0.5 for k in keys]
    model = cls(
        tuple(Linear(w, jnp.zeros(width), width, width) for w in weights),
        jax.nn.relu,
    )
    plain = PlainMLP(
        tuple(PlainLinear(w, jnp.zeros(width), width, width) for w in weights),
        jax.nn.relu,
    )
    return model, plain


# --- the steps --------------------------------------------------------------

OPTIMISER = optax.adam(1e-3)


def module_loss(model: MLP, x: Array, y: Array) -> Array:
    return jnp.mean((jax.vmap(model)(x) - y) ** 2)


def plain_loss(mlp: PlainMLP, x: Array, y: Array) -> Array:
    return jnp.mean((jax.vmap(functools.partial(plain_forward, mlp))(x) - y) ** 2)


@eqx.filter_jit
def module_step(
    model: MLP, opt_state: optax.OptState, x: Array, y: Array
) -> tuple[MLP, optax.OptState, Array]:
    loss, grads = eqx.filter_value_and_grad(module_loss)(model, x, y)
    updates, opt_state = OPTIMISER.update(
        grads, opt_state, eqx.filter(model, eqx.is_array)
    )
    return eqx.apply_updates(model, updates), opt_state, loss


@jax.jit
def plain_step(
    mlp: PlainMLP, opt_state: optax.OptState, x: Array, y: Array
) -> tuple[PlainMLP, optax.OptState, Array]:
    loss, grads = jax.value_and_grad(plain_loss)(mlp, x, y)
    updates, opt_state = OPTIMISER.update(grads, opt_state, mlp)
    return optax.apply_updates(mlp, updates), opt_state, loss


def _adam(param: Array, grad: Array, mu: Array, nu: Array, count: Array) -> Array:
    mu_hat = mu / (1 - 0.9**count)
    nu_hat = nu / (1 - 0.999**count)
    return param - 1e-3 * mu_hat / (jnp.sqrt(nu_hat) + 1e-8)


@eqx.filter_jit
def module_adam_step(
    model: MLP, state: AdamState, x: Array, y: Array
) -> tuple[MLP, AdamState, Array]:
    loss, grads = eqx.filter_value_and_grad(module_loss)(model, x, y)
    count = state.count + 1
    mu = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, state.mu, grads)
    nu = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g**2, state.nu, grads)
    params = eqx.filter(model, eqx.is_array)
    new = jax.tree_util.tree_map(
        lambda p, g, m, v: _adam(p, g, m, v, count), params, grads, mu, nu
    )
    return eqx.combine(new, model), AdamState(count, mu, nu), loss


@jax.jit
def plain_adam_step(
    mlp: PlainMLP, state: PlainAdamState, x: Array, y: Array
) -> tuple[PlainMLP, PlainAdamState, Array]:
    loss, grads = jax.value_and_grad(plain_loss)(mlp, x, y)
    count = state.count + 1
    mu = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, state.mu, grads)
    nu = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g**2, state.nu, grads)
    new = jax.tree_util.tree_map(
        lambda p, g, m, v: _adam(p, g, m, v, count), mlp, grads, mu, nu
    )
    return new, PlainAdamState(count, mu, nu), loss


# --- timing -----------------------------------------------------------------

State = list[Any]


def _batch(step: Callable[..., Any], carry: State, number: int) -> Sample:
    """Seconds per step over `number` chained steps."""
    watch = Stopwatch()
    model, opt_state, x, y = carry
    for _ in range(number):
        model, opt_state, _loss = step(model, opt_state, x, y)
    block((model, opt_state))
    sample = watch.per_call(number)
    carry[0], carry[1] = model, opt_state
    return sample


def compare(
    label: str,
    ours: tuple[Callable[..., Any], State],
    base: tuple[Callable[..., Any], State],
) -> None:
    for step, carry in (ours, base):  # compile and warm up
        _batch(step, carry, 2)
    ours_t, base_t = interleave(
        [lambda: _batch(*ours, NUMBER), lambda: _batch(*base, NUMBER)], ROUNDS
    )
    for kind, index in (("cpu", 1), ("wall", 0)):
        r = ratio([t[index] for t in ours_t], [t[index] for t in base_t])
        verdict = "PASS" if r.median <= TARGET else "FAIL"
        print(
            f"{label:<34} {kind:<4} {r.ours_best * 1e6:8.1f} us vs {r.base_best * 1e6:8.1f} us"
            f"  best {r.best:5.2f}x  median {r.median:5.2f}x"
            f"  (target <= {TARGET}x on the median) {verdict}"
        )


def main() -> None:
    print(f"backend {jax.default_backend()}, {ROUNDS} batches of {NUMBER} steps")
    cases: list[tuple[int, int, type[MLP], str]] = [
        (8, 32, MLP, "8x32 MLP, optax adam"),
        # A non-array leaf (the activation) in the step's *output* makes JAX's
        # reflattening for its C++ dispatch see a non-array, so every call
        # takes jit's Python path; with the activation static it does not.
        (8, 32, StaticActivationMLP, "8x32 MLP, static activation"),
        (100, 4, MLP, "100x4 MLP, optax adam"),
        (100, 4, StaticActivationMLP, "100x4 MLP, static activation"),
    ]
    for depth, width, cls, label in cases:
        model, plain = make_models(depth, width, cls)
        x = jnp.ones((16, width))
        y = jnp.zeros((16, width))
        ours_state = OPTIMISER.init(eqx.filter(model, eqx.is_array))
        base_state = OPTIMISER.init(plain)
        compare(
            label,
            (module_step, [model, ours_state, x, y]),
            (plain_step, [plain, base_state, x, y]),
        )
        if depth == 8:
            zeros = jax.tree_util.tree_map(
                jnp.zeros_like, eqx.filter(model, eqx.is_array)
            )
            plain_zeros = jax.tree_util.tree_map(jnp.zeros_like, plain)
            count = jnp.zeros((), jnp.int32)
            compare(
                label.replace("optax adam", "Module opt_state")
                + (" (Module opt_state)" if "static" in label else ""),
                (module_adam_step, [model, AdamState(count, zeros, zeros), x, y]),
                (
                    plain_adam_step,
                    [plain, PlainAdamState(count, plain_zeros, plain_zeros), x, y],
                ),
            )


if __name__ == "__main__":
    main()
