"""Per-call overhead of the filtered transformations against plain JAX.

The model is an 8-layer, width-32 MLP held as an `eqx.Module` (layers with
static `in_features`/`out_features`, an activation-function field). The
baseline holds the same weights in `jax.tree_util.register_dataclass` pytrees
of the same shape (the activation and sizes as meta fields, since `jax.jit`
cannot take a function as a leaf) and uses `jax.jit` / `jax.grad` /
`jax.vmap` directly. A second forward baseline, a bare list of (weight, bias)
dataclasses, is reported too: it flattens less than the module does.

Both sides run in the same process, alternating short batches, and each
figure is the best batch of CPU time of the calling thread: that is the
dispatch work itself. It leaves out the time spent descheduled on a loaded
machine, and XLA's worker threads, which execute (and spin waiting for) the
computation alike on both sides. Wall and median ratios are printed too.

Run: python benchmarks/jit_dispatch.py  (the target for `filter_jit`
dispatch is <= 1.3x)
"""

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from _mlp import MLP, Linear, PlainLinear, PlainMLP, plain_forward
from _timing import Sample, Stopwatch, block, interleave, ratio
from jaxtyping import Array

import equinox as eqx

WIDTH = 32
DEPTH = 8


@jax.tree_util.register_dataclass
@dataclasses.dataclass
class BareLinear:
    weight: Array
    bias: Array


def bare_forward(params: list[BareLinear], x: Array) -> Array:
    for layer in params:
        x = jax.nn.relu(layer.weight @ x + layer.bias)
    return x


def model_loss(model: MLP, x: Array) -> Array:
    return jnp.sum(model(x) ** 2)


def plain_loss(mlp: PlainMLP, x: Array) -> Array:
    return jnp.sum(plain_forward(mlp, x) ** 2)


def make_model() -> MLP:
    keys = jax.random.split(jax.random.key(0), DEPTH)
    layers = tuple(
        Linear(
            jax.random.normal(k, (WIDTH, WIDTH)) / WIDTH**0.5,
            jnp.zeros(WIDTH),
            WIDTH,
            WIDTH,
        )
        for k in keys
    )
    return MLP(layers, jax.nn.relu)


def time_calls(call: Callable[[], Any], number: int) -> Sample:
    """Seconds per call over `number` calls, results blocked on."""
    watch = Stopwatch()
    out = None
    for _ in range(number):
        out = call()
    block(out)
    return watch.per_call(number)


def compare(
    name: str,
    ours: Callable[[], Any],
    baseline: Callable[[], Any],
    number: int,
    rounds: int,
) -> float:
    """Alternate short batches of both sides; compare the best batches."""
    block((ours(), baseline()))  # compile / warm up both
    ours_times, base_times = interleave(
        [lambda: time_calls(ours, number), lambda: time_calls(baseline, number)],
        rounds,
    )
    cpu = ratio([t.cpu for t in ours_times], [t.cpu for t in base_times])
    wall = ratio([t.wall for t in ours_times], [t.wall for t in base_times])
    print(
        f"{name:38s} equinox {cpu.ours_best * 1e6:9.1f} us  jax {cpu.base_best * 1e6:9.1f} us"
        f"  ratio {cpu.best:4.2f}x (median {cpu.median:4.2f}x, wall {wall.best:4.2f}x)"
    )
    return cpu.best


def main() -> None:
    model = make_model()
    params = PlainMLP(
        tuple(
            PlainLinear(layer.weight, layer.bias, WIDTH, WIDTH)
            for layer in model.layers
        ),
        jax.nn.relu,
    )
    bare = [BareLinear(layer.weight, layer.bias) for layer in model.layers]
    x = jnp.ones(WIDTH)
    xs = jnp.ones((16, WIDTH))
    print(f"{DEPTH}-layer width-{WIDTH} MLP, backend {jax.default_backend()}")

    # Dispatch of a compiled call, warm cache.
    filter_forward = eqx.filter_jit(MLP.__call__)
    jax_forward = jax.jit(plain_forward)
    jit_ratio = compare(
        "filter_jit vs jax.jit (forward)",
        lambda: filter_forward(model, x),
        lambda: jax_forward(params, x),
        number=200,
        rounds=100,
    )
    jax_bare = jax.jit(bare_forward)
    compare(
        "filter_jit vs jax.jit (bare list)",
        lambda: filter_forward(model, x),
        lambda: jax_bare(bare, x),
        number=200,
        rounds=100,
    )
    filter_step = eqx.filter_jit(eqx.filter_grad(model_loss))
    jax_step = jax.jit(jax.grad(plain_loss))
    compare(
        "filter_jit(filter_grad) vs jit(grad)",
        lambda: filter_step(model, x),
        lambda: jax_step(params, x),
        number=200,
        rounds=40,
    )
    filter_batched = eqx.filter_jit(eqx.filter_vmap(model_loss, in_axes=(None, 0)))
    jax_batched = jax.jit(jax.vmap(plain_loss, in_axes=(None, 0)))
    compare(
        "filter_jit(filter_vmap) vs jit(vmap)",
        lambda: filter_batched(model, xs),
        lambda: jax_batched(params, xs),
        number=200,
        rounds=40,
    )

    # Un-jitted transformations: each call traces, so overhead is relative.
    eager_grad = eqx.filter_grad(model_loss)
    plain_grad = jax.grad(plain_loss)
    compare(
        "filter_grad vs jax.grad (eager)",
        lambda: eager_grad(model, x),
        lambda: plain_grad(params, x),
        number=5,
        rounds=15,
    )
    eager_vmap = eqx.filter_vmap(model_loss, in_axes=(None, 0))
    plain_vmap = jax.vmap(plain_loss, in_axes=(None, 0))
    compare(
        "filter_vmap vs jax.vmap (eager)",
        lambda: eager_vmap(model, xs),
        lambda: plain_vmap(params, xs),
        number=5,
        rounds=15,
    )
    verdict = "meets" if jit_ratio <= 1.3 else "MISSES"
    print(f"filter_jit dispatch ratio {jit_ratio:.2f}x {verdict} the 1.3x target")


if __name__ == "__main__":
    main()
