"""Data-parallel training over 8 (simulated) devices, checked against 1 device.

Run: python examples/data_parallel.py

XLA is told to expose the host CPU as 8 devices (before JAX is imported). Each
batch is split across them along a `jax.sharding.Mesh` axis, the model and
optimiser state are replicated, and `eqx.filter_shard` states where everything
lives; the compiler inserts the cross-device reduction of the gradients. The
same training is then repeated on a single device, and the two results are
compared.
"""

import os

os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=8"
)

import time  # jax must see XLA_FLAGS first
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import NamedSharding, PartitionSpec
from jaxtyping import Array, Float, Int
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import equinox as eqx

NUM_DEVICES = 8
EPOCHS = 20
BATCH_SIZE = 128  # divisible by NUM_DEVICES
OPTIMISER = optax.sgd(0.1, momentum=0.9)


def make_model(key: Array) -> eqx.nn.Sequential:
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
    opt_state: Any,
    images: Float[Array, "batch 64"],
    labels: Int[Array, " batch"],
    data_placement: Any,
    replicated: Any,
) -> tuple[eqx.nn.Sequential, Any, Float[Array, ""]]:
    images, labels = eqx.filter_shard((images, labels), data_placement)
    model, opt_state = eqx.filter_shard((model, opt_state), replicated)
    loss, grads = eqx.filter_value_and_grad(loss_fn)(model, images, labels)
    updates, opt_state = OPTIMISER.update(grads, opt_state)
    model = eqx.apply_updates(model, updates)
    model, opt_state = eqx.filter_shard((model, opt_state), replicated)
    return model, opt_state, loss


def train(
    data: tuple[np.ndarray, np.ndarray], data_placement: Any, replicated: Any
) -> tuple[eqx.nn.Sequential, float]:
    """The same training run (same initialisation and batch order) with the
    given placement of the data and of the replicated state."""
    images, labels = data
    model = eqx.filter_shard(make_model(jax.random.key(0)), replicated)
    opt_state = OPTIMISER.init(eqx.filter(model, eqx.is_array))
    rng = np.random.default_rng(0)
    loss = jnp.array(0.0)
    for _ in range(EPOCHS):
        order = rng.permutation(len(images))
        for b in range(len(images) // BATCH_SIZE):
            index = order[b * BATCH_SIZE : (b + 1) * BATCH_SIZE]
            batch = eqx.filter_shard(
                (jnp.asarray(images[index]), jnp.asarray(labels[index])),
                data_placement,
            )
            model, opt_state, loss = train_step(
                model, opt_state, *batch, data_placement, replicated
            )
    return model, float(loss)


@eqx.filter_jit
def accuracy(
    model: eqx.nn.Sequential, images: Float[Array, "n 64"], labels: Int[Array, " n"]
) -> Float[Array, ""]:
    return jnp.mean(jnp.argmax(jax.vmap(model)(images), axis=-1) == labels)


def main() -> None:
    devices = jax.devices()
    assert len(devices) == NUM_DEVICES, f"expected 8 devices, got {devices}"
    digits = load_digits()
    images = (digits.data / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int32)
    x_train, x_test, y_train, y_test = (
        np.asarray(a)
        for a in train_test_split(
            images, labels, test_size=0.25, stratify=labels, random_state=0
        )
    )
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
    parallel, parallel_loss = train((x_train, y_train), split_batch, replicated)
    print(
        f"data-parallel: final loss {parallel_loss:.4f} "
        f"({time.perf_counter() - start:.1f}s)"
    )
    start = time.perf_counter()
    single, single_loss = train((x_train, y_train), devices[0], devices[0])
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
