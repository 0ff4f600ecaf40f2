"""Quickstart: a typed module trained for a few steps; the loss falls.

Run: python examples/quickstart.py [--quick] [--out DIR]

Fits sin(x) on [-2, 2] with a one-hidden-layer network and writes the
training curve to `quickstart.png`.
"""

import jax
import jax.numpy as jnp
from _options import parse_options
from _plots import save_curves
from _progress import Progress
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class TwoLayer(eqx.Module):
    hidden: Float[Array, "hidden 1"]
    out: Float[Array, "1 hidden"]

    def __init__(self, width: int, *, key: PRNGKeyArray) -> None:
        k1, k2 = jax.random.split(key)
        self.hidden = jax.random.normal(k1, (width, 1))
        self.out = jax.random.normal(k2, (1, width)) / jnp.sqrt(width)

    def __call__(self, x: Float[Array, "1"]) -> Float[Array, "1"]:
        return self.out @ jnp.tanh(self.hidden @ x)


def loss(
    model: TwoLayer, xs: Float[Array, "n 1"], ys: Float[Array, "n 1"]
) -> Float[Array, ""]:
    return jnp.mean((jax.vmap(model)(xs) - ys) ** 2)


@eqx.filter_jit
def step(
    model: TwoLayer, xs: Float[Array, "n 1"], ys: Float[Array, "n 1"]
) -> tuple[Float[Array, ""], TwoLayer]:
    # `grads` is a TwoLayer too (gradients of its floating-point arrays).
    value, grads = eqx.filter_value_and_grad(loss)(model, xs, ys)
    model = jax.tree_util.tree_map(lambda p, g: p - 0.1 * g, model, grads)
    return value, model


def main() -> None:
    options = parse_options(__doc__ or "")
    xs = jnp.linspace(-2.0, 2.0, 64).reshape(64, 1)
    ys = jnp.sin(xs)
    model = TwoLayer(16, key=jax.random.key(0))
    losses: list[float] = []
    progress = Progress(50 if options.quick else 200, desc="train")
    for _ in progress:
        value, model = step(model, xs, ys)
        losses.append(float(value))
        progress.report(loss=losses[-1])
    save_curves(
        options.png("quickstart.png"),
        {"mean squared error": losses},
        title="Fitting sin(x)",
        log=True,
    )
    print(f"final loss {losses[-1]:.4f} (from {losses[0]:.4f})")
    if not losses[-1] < losses[0] / 2:
        raise SystemExit("training did not halve the loss")


if __name__ == "__main__":
    main()
