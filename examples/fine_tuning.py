"""Fine-tuning with a frozen part: the partition/filter recipe.

Run: python examples/fine_tuning.py [--quick] [--out DIR]

A classifier is first trained to tell the ten digits apart. Its body is then
kept frozen and a new head learns another question, "is the digit odd?", from
only 100 labelled images: a filter spec (a copy of the
model with `True` on the head's arrays, `False` elsewhere) splits the model
with `eqx.partition` into the trainable part and the rest; gradients are
taken with respect to the trainable part only, and `eqx.combine` puts the
model back together. Checks that the body did not move, prints both
accuracies and writes both training curves to `fine_tuning.png`.
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
FEATURES = 64
FEW_LABELS = 100  # labelled images for the new question


def new_head(classes: int, key: PRNGKeyArray) -> eqx.nn.MLP:
    return eqx.nn.MLP(FEATURES, classes, 64, depth=1, key=key)


class Classifier(eqx.Module):
    body: eqx.nn.MLP  # image -> features
    head: eqx.nn.MLP  # features -> logits

    def __init__(self, *, key: PRNGKeyArray) -> None:
        body_key, head_key = jax.random.split(key)
        self.body = eqx.nn.MLP(64, FEATURES, 128, depth=1, key=body_key)
        self.head = new_head(10, head_key)

    def __call__(self, image: Float[Array, "64"]) -> Float[Array, " classes"]:
        return self.head(jax.nn.relu(self.body(image)))


def trainable_head(model: Classifier) -> Classifier:
    """The filter spec: `True` on the head's arrays, `False` everywhere else."""
    frozen: Classifier = jax.tree_util.tree_map(lambda _: False, model)
    head_arrays: eqx.nn.MLP = jax.tree_util.tree_map(eqx.is_array, model.head)
    return eqx.tree_at(lambda m: m.head, frozen, replace=head_arrays)


def loss_fn(
    trainable: Classifier,
    rest: Classifier,
    images: Float[Array, "batch 64"],
    labels: Int[Array, " batch"],
) -> Float[Array, ""]:
    model = eqx.combine(trainable, rest)
    logits = jax.vmap(model)(images)
    losses: Array = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
    return jnp.mean(losses)


@eqx.filter_jit
def train_step(
    model: Classifier,
    filter_spec: Classifier,
    opt_state: optax.OptState,
    optimiser: optax.GradientTransformation,
    images: Float[Array, "batch 64"],
    labels: Int[Array, " batch"],
) -> tuple[Classifier, optax.OptState, Float[Array, ""]]:
    trainable, rest = eqx.partition(model, filter_spec)
    loss, grads = eqx.filter_value_and_grad(loss_fn)(trainable, rest, images, labels)
    trainable, opt_state = _optim.update(optimiser, trainable, grads, opt_state)
    return eqx.combine(trainable, rest), opt_state, loss


@eqx.filter_jit
def accuracy(
    model: Classifier, images: Float[Array, "n 64"], labels: Int[Array, " n"]
) -> Float[Array, ""]:
    return jnp.mean(jnp.argmax(jax.vmap(model)(images), axis=-1) == labels)


def train(
    model: Classifier,
    filter_spec: Classifier,
    data: tuple[Float[Array, "n 64"], Int[Array, " n"]],
    steps: int,
    desc: str,
) -> tuple[Classifier, list[float]]:
    images, labels = data
    optimiser = optax.adam(3e-3)
    opt_state = _optim.init(optimiser, eqx.filter(model, filter_spec))
    rng = np.random.default_rng(0)
    losses: list[float] = []
    progress = Progress(steps, desc=desc)
    for _ in progress:
        index = jnp.asarray(rng.choice(len(images), BATCH_SIZE, replace=False))
        model, opt_state, loss = train_step(
            model, filter_spec, opt_state, optimiser, images[index], labels[index]
        )
        losses.append(float(loss))
        progress.report(loss=losses[-1])
    return model, losses


def main() -> None:
    options = parse_options(__doc__ or "")
    steps, target = (150, 0.85) if options.quick else (600, 0.93)
    images_train, y_train, images_test, y_test = split_digits()
    x_train = jnp.asarray(images_train.reshape(-1, 64))
    x_test = jnp.asarray(images_test.reshape(-1, 64))
    model = Classifier(key=jax.random.key(0))

    # 1. Pre-train everything: which digit is it?
    everything: Classifier = jax.tree_util.tree_map(eqx.is_array, model)
    digits = (x_train, jnp.asarray(y_train))
    model, pre_losses = train(model, everything, digits, steps, "pre-train")
    pre_accuracy = float(accuracy(model, x_test, jnp.asarray(y_test)))
    print(f"pre-trained accuracy (which digit) {pre_accuracy:.2%}")

    # 2. A fresh head for "is it odd?", from a few labels; the body is frozen.
    model = eqx.tree_at(lambda m: m.head, model, new_head(2, jax.random.key(1)))
    body_before = model.body
    few = (x_train[:FEW_LABELS], jnp.asarray(y_train[:FEW_LABELS] % 2))
    model, tune_losses = train(model, trainable_head(model), few, steps, "tune head")
    assert eqx.tree_equal(model.body, body_before), "the frozen body moved"
    tuned_accuracy = float(accuracy(model, x_test, jnp.asarray(y_test % 2)))
    save_curves(
        options.png("fine_tuning.png"),
        {"pre-train all (which digit)": pre_losses, "tune head (odd?)": tune_losses},
        title="Fine-tuning a new head on a frozen body",
        log=True,
    )
    print("the frozen body is unchanged")
    print(f"fine-tuned accuracy (odd or even) {tuned_accuracy:.2%}")
    if tuned_accuracy < target:
        raise SystemExit(f"accuracy {tuned_accuracy:.2%} is below {target:.0%}")


if __name__ == "__main__":
    main()
