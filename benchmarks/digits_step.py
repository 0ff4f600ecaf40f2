"""One compiled training step of the digits CNN: eqx.nn layers against the same
maths written in plain JAX on a parameter dict.

Both sides start from the same weights (the dict is read off the Module), use
the same Optax Adam update and the same batches, and are checked to produce the
same loss before timing. Timing interleaves the sides round by round in one
process (rotating which goes first), so background load affects all alike; the
ratios of the best and of the median per-step times are printed (target
1.00 ± 0.05). A third side runs the Module through plain `jax.jit`, which
separates the layers' own cost from `filter_jit`'s dispatch.

Run: python benchmarks/digits_step.py
"""

import functools
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from _timing import Stopwatch, interleave, ratio
from jaxtyping import Array, Float, Int

import equinox as eqx

# The model is the example's own, so the benchmark times what the example runs.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from train_digits import CNN  # needs the path set just above

BATCH_SIZE = 32
STEPS_PER_ROUND = 30
ROUNDS = 31

Params = dict[str, Array]
Step = Callable[[Any, Any, Array, Array], tuple[Any, Any, Array]]


def eqx_loss(
    model: CNN, images: Float[Array, "batch 1 8 8"], labels: Int[Array, " batch"]
) -> Array:
    logits: Float[Array, "batch 10"] = jax.vmap(model)(images)
    losses: Array = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
    return jnp.mean(losses)


def _conv(x: Array, weight: Array, bias: Array) -> Array:
    y = jax.lax.conv_general_dilated(x, weight, (1, 1), ((1, 1), (1, 1)))
    return y + bias[None]


def _max_pool(x: Array) -> Array:
    out: Array = jax.lax.reduce_window(  # pyright: ignore[reportUnknownMemberType]  # jax leaves `computation` untyped
        x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID"
    )
    return out


def plain_loss(params: Params, images: Array, labels: Array) -> Array:
    x = _max_pool(jax.nn.relu(_conv(images, params["conv1_w"], params["conv1_b"])))
    x = _max_pool(jax.nn.relu(_conv(x, params["conv2_w"], params["conv2_b"])))
    x = x.reshape(x.shape[0], -1)
    x = jax.nn.relu(x @ params["hidden_w"].T + params["hidden_b"])
    logits = x @ params["output_w"].T + params["output_b"]
    losses: Array = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
    return jnp.mean(losses)


def params_of(model: CNN) -> Params:
    """The Module's weights as a plain dict (copies, so no buffer is shared)."""
    layers: dict[str, eqx.nn.Conv2d | eqx.nn.Linear] = {
        "conv1": model.conv1,
        "conv2": model.conv2,
        "hidden": model.hidden,
        "output": model.output,
    }
    params: Params = {}
    for name, layer in layers.items():
        assert layer.bias is not None
        params[f"{name}_w"] = jnp.array(layer.weight, copy=True)
        params[f"{name}_b"] = jnp.array(layer.bias, copy=True)
    return params


def make_steps(optimiser: Any, model: CNN) -> tuple[Step, Step, Step]:
    def eqx_step(
        model: CNN, opt_state: Any, images: Array, labels: Array
    ) -> tuple[CNN, Any, Array]:
        loss, grads = eqx.filter_value_and_grad(eqx_loss)(model, images, labels)
        updates, opt_state = optimiser.update(grads, opt_state)
        return eqx.apply_updates(model, updates), opt_state, loss

    @jax.jit
    def plain_step(
        params: Params, opt_state: Any, images: Array, labels: Array
    ) -> tuple[Params, Any, Array]:
        loss, grads = jax.value_and_grad(plain_loss)(params, images, labels)
        updates, opt_state = optimiser.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, loss

    # A variant through plain jax.jit separates the layers' cost from
    # filter_jit's dispatch. The pools hold their reduction (a function) as a
    # leaf, as in Equinox, so it takes the CNN's arrays only (the other leaves
    # None) and puts the rest, closed over, back inside.
    rest = eqx.filter(model, eqx.is_array, inverse=True)

    def arrays_step(
        arrays: CNN, opt_state: Any, images: Array, labels: Array
    ) -> tuple[CNN, Any, Array]:
        full = eqx.combine(arrays, rest)
        new, opt_state, loss = eqx_step(full, opt_state, images, labels)
        return eqx.filter(new, eqx.is_array), opt_state, loss

    return eqx.filter_jit(eqx_step), jax.jit(arrays_step), plain_step


def time_steps(
    step: Step, carry: list[Any], batches: list[tuple[Array, Array]]
) -> float:
    """Seconds per step over `batches`; `carry` (state, opt_state) advances."""
    watch = Stopwatch()
    state, opt_state = carry
    loss = jnp.zeros(())
    for images, labels in batches:
        state, opt_state, loss = step(state, opt_state, images, labels)
    float(loss)  # waits for the last step, whose outputs are computed together
    carry[:] = [state, opt_state]
    return watch.per_call(len(batches)).wall


def main() -> None:
    rng = np.random.default_rng(0)
    batches = [
        (
            jnp.asarray(rng.random((BATCH_SIZE, 1, 8, 8), np.float32)),
            jnp.asarray(rng.integers(0, 10, BATCH_SIZE, np.int32)),
        )
        for _ in range(STEPS_PER_ROUND)
    ]
    model = CNN(key=jax.random.key(0))
    params = params_of(model)
    optimiser = optax.adam(1e-3)
    eqx_step, eqx_jax_jit_step, plain_step = make_steps(optimiser, model)
    arrays = eqx.filter(model, eqx.is_array)
    eqx_state = optimiser.init(arrays)
    plain_state = optimiser.init(params)

    # Same maths: one step from the same weights gives the same loss.
    images, labels = batches[0]
    _, _, eqx_value = eqx_step(model, eqx_state, images, labels)
    _, _, plain_value = plain_step(params, plain_state, images, labels)
    np.testing.assert_allclose(eqx_value, plain_value, rtol=1e-5)

    _, _, jax_jit_value = eqx_jax_jit_step(arrays, eqx_state, images, labels)
    np.testing.assert_allclose(jax_jit_value, plain_value, rtol=1e-5)

    sides: dict[str, tuple[Step, list[Any]]] = {
        "eqx.nn + eqx.filter_jit": (eqx_step, [model, eqx_state]),
        "eqx.nn + jax.jit": (eqx_jax_jit_step, [arrays, eqx_state]),
        "plain JAX + jax.jit": (plain_step, [params, plain_state]),
    }
    samples = interleave(
        [
            functools.partial(time_steps, step, carry, batches)
            for step, carry in sides.values()
        ],
        ROUNDS,
        rotate=True,
    )
    times = dict(zip(sides, samples, strict=True))
    print(f"batch {BATCH_SIZE}, {ROUNDS} interleaved rounds of {STEPS_PER_ROUND} steps")
    for name, ts in times.items():
        best, median = min(ts) * 1e6, statistics.median(ts) * 1e6
        print(f"{name:24s}: best {best:7.1f} us/step, median {median:7.1f} us/step")
    plain = times["plain JAX + jax.jit"]
    for name in list(sides)[:2]:
        r = ratio(times[name], plain)
        print(
            f"ratio {name} / plain JAX: best {r.best:.3f}, median {r.median:.3f} "
            "(target 1.00 +/- 0.05)"
        )


if __name__ == "__main__":
    main()
