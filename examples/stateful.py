"""A model with BatchNorm: state via `make_with_state`, then inference.

Run: python examples/stateful.py [--quick] [--out DIR]

BatchNorm keeps running statistics in an `eqx.nn.State`, which is passed in and
out of every call. Training normalises with the statistics of each batch
(shared across the batch through `jax.vmap(..., axis_name="batch")`);
`eqx.nn.inference_mode` switches the model to the running statistics, so that
a prediction no longer depends on the rest of the batch. Writes the training
curve to `stateful.png`.
"""

import _optim
import jax
import jax.numpy as jnp
import numpy as np
import optax
from _data import split_digits
from _options import parse_options
from _plots import save_curves
from _progress import Progress
from jaxtyping import Array, Float, Int, PRNGKeyArray

import equinox as eqx

BATCH_SIZE = 64


def make_model(key: PRNGKeyArray) -> eqx.nn.Sequential:
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
    out: tuple[Float[Array, "batch 10"], eqx.nn.State] = jax.vmap(
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
    model, opt_state = _optim.update(optimiser, model, grads, opt_state)
    return model, state, opt_state, loss


@eqx.filter_jit
def predict(
    model: eqx.nn.Sequential, state: eqx.nn.State, images: Float[Array, "n 64"]
) -> Int[Array, " n"]:
    logits, _ = batched(model, images, state)
    return jnp.argmax(logits, axis=-1)


def main() -> None:
    options = parse_options(__doc__ or "")
    steps, target = (100, 0.85) if options.quick else (300, 0.9)
    images_train, y_train, images_test, y_test = split_digits()
    x_train = jnp.asarray(images_train.reshape(-1, 64))
    x_test = jnp.asarray(images_test.reshape(-1, 64))
    labels_train, labels_test = jnp.asarray(y_train), jnp.asarray(y_test)
    model, state = eqx.nn.make_with_state(make_model)(jax.random.key(0))
    optimiser = optax.adam(1e-2)
    opt_state = _optim.init(optimiser, model)
    rng = np.random.default_rng(0)
    losses: list[float] = []
    progress = Progress(steps, desc="train")
    for _ in progress:
        index = jnp.asarray(rng.choice(len(x_train), BATCH_SIZE, replace=False))
        model, state, opt_state, loss = train_step(
            model, state, opt_state, optimiser, x_train[index], labels_train[index]
        )
        losses.append(float(loss))
        progress.report(loss=losses[-1])
    save_curves(
        options.png("stateful.png"),
        {"training loss": losses},
        title="MLP with BatchNorm on the digits",
        log=True,
    )

    inference_model = eqx.nn.inference_mode(model)
    predictions = predict(inference_model, state, x_test)
    accuracy = float(jnp.mean(predictions == labels_test))
    print(f"test accuracy (running statistics) {accuracy:.2%}")
    # In inference mode an example's prediction does not depend on its batch.
    alone = predict(inference_model, state, x_test[:1])
    assert int(alone[0]) == int(predictions[0])
    if accuracy < target:
        raise SystemExit(f"accuracy {accuracy:.2%} is below the {target:.0%} target")


if __name__ == "__main__":
    main()
