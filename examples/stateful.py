"""A model with BatchNorm: state via `make_with_state`, then inference.

Run: python examples/stateful.py

BatchNorm keeps running statistics in an `eqx.nn.State`, which is passed in and
out of every call. Training normalises with the statistics of each batch
(shared across the batch through `jax.vmap(..., axis_name="batch")`);
`eqx.nn.inference_mode` switches the model to the running statistics, so that
a prediction no longer depends on the rest of the batch.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jaxtyping import Array, Float, Int
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import equinox as eqx

STEPS = 300
BATCH_SIZE = 64


def make_model(key: Array) -> eqx.nn.Sequential:
    k1, k2 = jax.random.split(key)
    return eqx.nn.Sequential(
        [
            eqx.nn.Linear(64, 64, key=k1),
            eqx.nn.BatchNorm(64, axis_name="batch"),
            eqx.nn.Lambda(jax.nn.relu),
            eqx.nn.Linear(64, 10, key=k2),
        ]
    )


def batched(
    model: eqx.nn.Sequential, images: Float[Array, "batch 64"], state: eqx.nn.State
) -> tuple[Float[Array, "batch 10"], eqx.nn.State]:
    """The model on a batch; the state is shared by the batch (axis None)."""
    out: tuple[Array, eqx.nn.State] = jax.vmap(
        model, axis_name="batch", in_axes=(0, None), out_axes=(0, None)
    )(images, state)
    return out


def loss_fn(
    model: eqx.nn.Sequential,
    state: eqx.nn.State,
    images: Float[Array, "batch 64"],
    labels: Int[Array, " batch"],
) -> tuple[Float[Array, ""], eqx.nn.State]:
    logits, state = batched(model, images, state)
    losses: Array = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
    return jnp.mean(losses), state


@eqx.filter_jit
def train_step(
    model: eqx.nn.Sequential,
    state: eqx.nn.State,
    opt_state: optax.OptState,
    optimiser: optax.GradientTransformation,
    images: Float[Array, "batch 64"],
    labels: Int[Array, " batch"],
) -> tuple[eqx.nn.Sequential, eqx.nn.State, optax.OptState, Float[Array, ""]]:
    (loss, state), grads = eqx.filter_value_and_grad(loss_fn, has_aux=True)(
        model, state, images, labels
    )
    updates, opt_state = optimiser.update(grads, opt_state)
    return eqx.apply_updates(model, updates), state, opt_state, loss


@eqx.filter_jit
def predict(
    model: eqx.nn.Sequential, state: eqx.nn.State, images: Float[Array, "n 64"]
) -> Int[Array, " n"]:
    logits, _ = batched(model, images, state)
    return jnp.argmax(logits, axis=-1)


def main() -> None:
    digits = load_digits()
    images = (digits.data / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int32)
    x_train, x_test, y_train, y_test = (
        jnp.asarray(a)
        for a in train_test_split(
            images, labels, test_size=0.25, stratify=labels, random_state=0
        )
    )
    model, state = eqx.nn.make_with_state(make_model)(jax.random.key(0))
    optimiser = optax.adam(1e-2)
    opt_state = optimiser.init(eqx.filter(model, eqx.is_array))
    rng = np.random.default_rng(0)
    for step in range(1, STEPS + 1):
        index = jnp.asarray(rng.choice(len(x_train), BATCH_SIZE, replace=False))
        model, state, opt_state, loss = train_step(
            model, state, opt_state, optimiser, x_train[index], y_train[index]
        )
        if step % 100 == 0:
            print(f"step {step:3d}  loss {float(loss):.4f}")

    inference_model = eqx.nn.inference_mode(model)
    predictions = predict(inference_model, state, x_test)
    accuracy = float(jnp.mean(predictions == y_test))
    print(f"test accuracy (running statistics) {accuracy:.2%}")
    # In inference mode an example's prediction does not depend on its batch.
    alone = predict(inference_model, state, x_test[:1])
    assert int(alone[0]) == int(predictions[0])
    assert accuracy > 0.9, "training with BatchNorm did not reach 90% accuracy"


if __name__ == "__main__":
    main()
