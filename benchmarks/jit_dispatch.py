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
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


def _block_until_ready(tree: Any) -> None:
    for leaf in jax.tree_util.tree_leaves(tree):
        leaf.block_until_ready()


WIDTH = 32
DEPTH = 8


class Linear(eqx.Module):
    weight: Array
    bias: Array
    in_features: int = eqx.field(static=True)
    out_features: int = eqx.field(static=True)


class MLP(eqx.Module):
    layers: tuple[Linear, ...]
    activation: Callable[[Array], Array]

    def __call__(self, x: Array) -> Array:
        for layer in self.layers:
            x = self.activation(layer.weight @ x + layer.bias)
        return x


@functools.partial(
    jax.tree_util.register_dataclass,
    data_fields=["weight", "bias"],
    meta_fields=["in_features", "out_features"],
)
@dataclasses.dataclass
class PlainLinear:
    weight: Array
    bias: Array
    in_features: int
    out_features: int


@functools.partial(
    jax.tree_util.register_dataclass, data_fields=["layers"], meta_fields=["activation"]
)
@dataclasses.dataclass
class PlainMLP:
    layers: tuple[PlainLinear, ...]
    activation: Callable[[Array], Array]


@jax.tree_util.register_dataclass
@dataclasses.dataclass
class BareLinear:
    weight: Array
    bias: Array


def plain_forward(mlp: PlainMLP, x: Array) -> Array:
    for layer in mlp.layers:
        x = mlp.activation(layer.weight @ x + layer.bias)
    return x


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


def time_calls(call: Callable[[], Any], number: int) -> tuple[float, float]:
    """(wall, CPU) seconds per call over `number` calls, results blocked on;
    CPU time of this thread only."""
    wall, cpu = time.perf_counter(), time.thread_time()
    out = None
    for _ in range(number):
        out = call()
    _block_until_ready(out)
    return (
        (time.perf_counter() - wall) / number,
        (time.thread_time() - cpu) / number,
    )


def compare(
    name: str,
    ours: Callable[[], Any],
    baseline: Callable[[], Any],
    number: int,
    rounds: int,
) -> float:
    """Alternate short batches of both sides; compare the best batches."""
    _block_until_ready((ours(), baseline()))  # compile / warm up both
    ours_times: list[tuple[float, float]] = []
    base_times: list[tuple[float, float]] = []
    for _ in range(rounds):
        ours_times.append(time_calls(ours, number))
        base_times.append(time_calls(baseline, number))
    best_ours_cpu = min(t[1] for t in ours_times)
    best_base_cpu = min(t[1] for t in base_times)
    ratio = best_ours_cpu / best_base_cpu
    wall_ratio = min(t[0] for t in ours_times) / min(t[0] for t in base_times)
    median_ratio = statistics.median(t[1] for t in ours_times) / statistics.median(
        t[1] for t in base_times
    )
    print(
        f"{name:38s} equinox {best_ours_cpu * 1e6:9.1f} us  jax {best_base_cpu * 1e6:9.1f} us"
        f"  ratio {ratio:4.2f}x (median {median_ratio:4.2f}x, wall {wall_ratio:4.2f}x)"
    )
    return ratio


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
