"""A GRU sequence classifier: each digit is read row by row.

Run: python examples/rnn_digits.py [--quick] [--out DIR]

Every 8x8 digit from scikit-learn becomes a sequence of 8 rows of 8 pixels; an
`eqx.nn.GRUCell` runs over the rows with `jax.lax.scan`, and a linear layer
classifies the final hidden state. Prints the test accuracy and writes the
training curve to `rnn_digits.png`.
"""

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

HIDDEN = 64
BATCH_SIZE = 64


class RNNClassifier(eqx.Module):
    cell: eqx.nn.GRUCell
    head: eqx.nn.Linear

    def __init__(self, hidden_size: int, *, key: PRNGKeyArray) -> None:
        cell_key, head_key = jax.random.split(key)
        self.cell = eqx.nn.GRUCell(8, hidden_size, key=cell_key)
        self.head = eqx.nn.Linear(hidden_size, 10, key=head_key)

    def __call__(self, rows: Float[Array, "time 8"]) -> Float[Array, "10"]:
        def step(
            hidden: Float[Array, " hidden"], row: Float[Array, "8"]
        ) -> tuple[Float[Array, " hidden"], None]:
            return self.cell(row, hidden), None

        start = jnp.zeros(self.cell.hidden_size)
        final, _ = jax.lax.scan(step, start, rows)
        return self.head(final)


def main() -> None:
    options = parse_options(__doc__ or "")
    steps, target = (300, 0.8) if options.quick else (1500, 0.95)
    x_train, y_train, x_test, y_test = split_digits()
    model = RNNClassifier(HIDDEN, key=jax.random.key(0))
    optimiser = optax.adam(optax.cosine_decay_schedule(1e-2, steps))
    opt_state = _optim.init(optimiser, model)
    rng = np.random.default_rng(0)
    losses: list[float] = []
    progress = Progress(steps, desc="train")
    for _ in progress:
        index = rng.choice(len(x_train), BATCH_SIZE, replace=False)
        model, opt_state, loss = train_step(
            model,
            opt_state,
            optimiser,
            jnp.asarray(x_train[index]),
            jnp.asarray(y_train[index]),
        )
        losses.append(float(loss))
        progress.report(loss=losses[-1])
    save_curves(
        options.png("rnn_digits.png"),
        {"training loss": losses},
        title="GRU reading digits row by row",
        log=True,
    )
    test_accuracy = float(accuracy(model, jnp.asarray(x_test), jnp.asarray(y_test)))
    print(f"test accuracy {test_accuracy:.2%} on {len(x_test)} held-out images")
    if test_accuracy < target:
        raise SystemExit(
            f"accuracy {test_accuracy:.2%} is below the {target:.0%} target"
        )


if __name__ == "__main__":
    main()
