"""Data-parallel training over 8 (simulated) devices, checked against 1 device.

Run: python examples/data_parallel.py [--quick] [--out DIR]

XLA is told to expose the host CPU as 8 devices (before JAX is imported). Each
batch is split across them along a `jax.sharding.Mesh` axis, the model and
optimiser state are replicated, and `eqx.filter_shard` states where everything
lives; the compiler inserts the cross-device reduction of the gradients. The
same training is then repeated on a single device, and the two results are
compared; both training curves go to `data_parallel.png`.
"""

import os

os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=8"
)

import time  # jax must see XLA_FLAGS first
from typing import Any

import _optim
import jax
import jax.numpy as jnp
import numpy as np
import optax
from _data import split_digits
from _options import parse_options
from _plots import save_curves
from _progress import Progress
from jax.sharding import NamedSharding, PartitionSpec
from jaxtyping import Array, Float, Int, PRNGKeyArray

import equinox as eqx

NUM_DEVICES = 8
BATCH_SIZE = 128  # divisible by NUM_DEVICES
OPTIMISER = optax.sgd(0.1, momentum=0.9)


def make_model(key: PRNGKeyArray) -> eqx.nn.Sequential:
    k1, k2, k3 = jax.random.split(key, 3)
    return eqx.nn.Sequential(
        [
            eqx.nn.Linear(64, 128, key=k1),
            eqx.nn.Lambda(jax.nn.relu),
            eqx.nn.Linear(128, 64, key=k2),
            eqx.nn.Lambda(jax.nn.relu),
            eqx.nn.Linear(64, 10, key=k3),
        ]
    )


def loss_fn(
    model: eqx.nn.Sequential,
    images: Float[Array, "batch 64"],
    labels: Int[Array, " batch"],
) -> Float[Array, ""]:
    logits = jax.vmap(model)(images)
    losses: Array = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
    return jnp.mean(losses)


@eqx.filter_jit
def train_step(
    model: eqx.nn.Sequential,
    opt_state: optax.OptState,
    images: Float[Array, "batch 64"],
    labels: Int[Array, " batch"],
    data_placement: Any,
    replicated: Any,
) -> tuple[eqx.nn.Sequential, optax.OptState, Float[Array, ""]]:
    images, labels = eqx.filter_shard((images, labels), data_placement)
    model, opt_state = eqx.filter_shard((model, opt_state), replicated)
    loss, grads = eqx.filter_value_and_grad(loss_fn)(model, images, labels)
    model, opt_state = _optim.update(OPTIMISER, model, grads, opt_state)
    model, opt_state = eqx.filter_shard((model, opt_state), replicated)
    return model, opt_state, loss


def train(
    data: tuple[Float[np.ndarray, "n 64"], Int[np.ndarray, " n"]],
    epochs: int,
    data_placement: Any,
    replicated: Any,
    desc: str,
) -> tuple[eqx.nn.Sequential, list[float]]:
    """The same training run (same initialisation and batch order) with the
    given placement of the data and of the replicated state; returns the
    model and the loss of every step."""
    images, labels = data
    model = eqx.filter_shard(make_model(jax.random.key(0)), replicated)
    opt_state = _optim.init(OPTIMISER, model)
    rng = np.random.default_rng(0)
    num_batches = len(images) // BATCH_SIZE
    losses: list[float] = []
    order = rng.permutation(len(images))
    progress = Progress(epochs * num_batches, desc=desc)
    for step in progress:
        b = step % num_batches
        if b == 0 and step > 0:
            order = rng.permutation(len(images))
        index = order[b * BATCH_SIZE : (b + 1) * BATCH_SIZE]
        batch = eqx.filter_shard(
            (jnp.asarray(images[index]), jnp.asarray(labels[index])),
            data_placement,
        )
        model, opt_state, loss = train_step(
            model, opt_state, *batch, data_placement, replicated
        )
        losses.append(float(loss))
        progress.report(loss=losses[-1])
    return model, losses


@eqx.filter_jit
def accuracy(
    model: eqx.nn.Sequential, images: Float[Array, "n 64"], labels: Int[Array, " n"]
) -> Float[Array, ""]:
    return jnp.mean(jnp.argmax(jax.vmap(model)(images), axis=-1) == labels)


def main() -> None:
    options = parse_options(__doc__ or "")
    epochs = 4 if options.quick else 20
    devices = jax.devices()
    assert len(devices) == NUM_DEVICES, f"expected 8 devices, got {devices}"
    images_train, y_train, images_test, y_test = split_digits()
    x_train = images_train.reshape(-1, 64)
    x_test = images_test.reshape(-1, 64)
    # Auto axes: we state shardings with `filter_shard` and the compiler
    # propagates them (and inserts the gradient all-reduce).
    mesh = jax.make_mesh(
        (NUM_DEVICES,), ("batch",), axis_types=(jax.sharding.AxisType.Auto,)
    )
    split_batch = NamedSharding(mesh, PartitionSpec("batch"))  # type: ignore[no-untyped-call]  # jax leaves PartitionSpec untyped
    replicated = NamedSharding(mesh, PartitionSpec())  # type: ignore[no-untyped-call]  # jax leaves PartitionSpec untyped
    placed = eqx.filter_shard(jnp.asarray(x_train[:BATCH_SIZE]), split_batch)
    shards = {shard.device: shard.data.shape for shard in placed.addressable_shards}
    print(
        f"a batch of {BATCH_SIZE} is split over {len(shards)} devices, "
        f"{BATCH_SIZE // NUM_DEVICES} examples each"
    )
    assert len(shards) == NUM_DEVICES

    start = time.perf_counter()
    parallel, parallel_losses = train(
        (x_train, y_train), epochs, split_batch, replicated, "8 devices"
    )
    parallel_loss = parallel_losses[-1]
    print(
        f"data-parallel: final loss {parallel_loss:.4f} "
        f"({time.perf_counter() - start:.1f}s)"
    )
    start = time.perf_counter()
    single, single_losses = train(
        (x_train, y_train), epochs, devices[0], devices[0], "1 device"
    )
    single_loss = single_losses[-1]
    save_curves(
        options.png("data_parallel.png"),
        {"8 devices": parallel_losses, "1 device": single_losses},
        title="Data-parallel vs single-device training (digits)",
        log=True,
    )
    print(
        f"single device: final loss {single_loss:.4f} "
        f"({time.perf_counter() - start:.1f}s)"
    )

    params_p = jax.tree_util.tree_leaves(eqx.filter(parallel, eqx.is_array))
    params_s = jax.tree_util.tree_leaves(eqx.filter(single, eqx.is_array))
    max_diff = max(
        float(np.max(np.abs(np.asarray(p) - np.asarray(s))))
        for p, s in zip(params_p, params_s, strict=True)
    )
    # Only the order of the floating-point sums differs between the two.
    matches = max_diff < 1e-3 and abs(parallel_loss - single_loss) < 1e-3
    test_images, test_labels = jnp.asarray(x_test), jnp.asarray(y_test)
    acc_p = float(accuracy(parallel, test_images, test_labels))
    acc_s = float(accuracy(single, test_images, test_labels))
    print(f"test accuracy: data-parallel {acc_p:.2%}, single device {acc_s:.2%}")
    print(f"largest parameter difference {max_diff:.2e}")
    if not matches:
        raise SystemExit("data-parallel training does NOT match the single device")
    print("data-parallel result matches the single-device computation")


if __name__ == "__main__":
    main()
