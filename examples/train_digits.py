"""Train a small CNN on scikit-learn's bundled 8x8 digits (no download).

Run: python examples/train_digits.py [--quick] [--out DIR]

Conv2d -> MaxPool2d -> Conv2d -> MaxPool2d -> Linear -> Linear, trained with
Optax's Adam through `eqx.filter_jit` and `eqx.filter_value_and_grad` (the
step is `_classify.train_step`, shared with the GRU example). Shows a
progress bar, prints the accuracy on a held-out quarter of the data and writes
the training curve to `train_digits.png`.
"""

import time

import _optim
import jax
import jax.numpy as jnp
import numpy as np
import optax
from _classify import accuracy, train_step
from _data import split_digits
from _options import parse_options
from _plots import save_curves
from _progress import Progress
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx

BATCH_SIZE = 32
LEARNING_RATE = 5e-3


class CNN(eqx.Module):
    conv1: eqx.nn.Conv2d
    pool1: eqx.nn.MaxPool2d
    conv2: eqx.nn.Conv2d
    pool2: eqx.nn.MaxPool2d
    hidden: eqx.nn.Linear
    output: eqx.nn.Linear

    def __init__(self, *, key: PRNGKeyArray) -> None:
        k1, k2, k3, k4 = jax.random.split(key, 4)
        self.conv1 = eqx.nn.Conv2d(1, 16, kernel_size=3, padding=1, key=k1)
        self.pool1 = eqx.nn.MaxPool2d(kernel_size=2, stride=2)
        self.conv2 = eqx.nn.Conv2d(16, 32, kernel_size=3, padding=1, key=k2)
        self.pool2 = eqx.nn.MaxPool2d(kernel_size=2, stride=2)
        self.hidden = eqx.nn.Linear(32 * 2 * 2, 64, key=k3)
        self.output = eqx.nn.Linear(64, 10, key=k4)

    def __call__(self, image: Float[Array, "1 8 8"]) -> Float[Array, "10"]:
        x1: Float[Array, "16 4 4"] = self.pool1(jax.nn.relu(self.conv1(image)))
        x2: Float[Array, "32 2 2"] = self.pool2(jax.nn.relu(self.conv2(x1)))
        x3: Float[Array, " 64"] = jax.nn.relu(self.hidden(x2.reshape(-1)))
        return self.output(x3)


def main() -> None:
    options = parse_options(__doc__ or "")
    epochs, target = (4, 0.85) if options.quick else (25, 0.97)
    start = time.perf_counter()
    x_train, y_train, x_test, y_test = split_digits()
    x_train, x_test = x_train[:, None], x_test[:, None]  # one channel
    model = CNN(key=jax.random.key(0))
    num_batches = len(x_train) // BATCH_SIZE
    schedule = optax.cosine_decay_schedule(LEARNING_RATE, epochs * num_batches)
    optimiser = optax.adam(schedule)
    opt_state = _optim.init(optimiser, model)
    rng = np.random.default_rng(0)
    epoch_losses: list[float] = []
    progress = Progress(epochs * num_batches, desc="train")
    order = rng.permutation(len(x_train))
    total = 0.0
    for step in progress:
        b = step % num_batches
        if b == 0 and step > 0:
            order = rng.permutation(len(x_train))
            total = 0.0
        index = order[b * BATCH_SIZE : (b + 1) * BATCH_SIZE]
        model, opt_state, loss = train_step(
            model,
            opt_state,
            optimiser,
            jnp.asarray(x_train[index]),
            jnp.asarray(y_train[index]),
        )
        total += float(loss)
        progress.report(epoch=step // num_batches + 1, loss=total / (b + 1))
        if b == num_batches - 1:
            epoch_losses.append(total / num_batches)
    test_accuracy = float(accuracy(model, jnp.asarray(x_test), jnp.asarray(y_test)))
    elapsed = time.perf_counter() - start
    save_curves(
        options.png("train_digits.png"),
        {"training loss": epoch_losses},
        title="CNN on the digits",
        xlabel="epoch",
        log=True,
    )
    print(f"test accuracy {test_accuracy:.2%} on {len(x_test)} held-out images")
    print(f"total time {elapsed:.1f}s")
    if test_accuracy < target:
        raise SystemExit(
            f"test accuracy {test_accuracy:.2%} is below the {target:.0%} target"
        )


if __name__ == "__main__":
    main()
