"""A neural ODE fitted with diffrax to trajectories of a known linear system.

Run: python examples/neural_ode.py [--quick] [--out DIR]
(diffrax is installed next to this package: see the docs' "Using diffrax,
optimistix, lineax" page.)

The data come from a damped rotation, dy/dt = A y with A = [[-0.1, 2],
[-2, -0.1]], observed at 40 times on [0, 4] from random initial conditions.
An `eqx.nn.MLP` vector field is integrated by `diffrax.diffeqsolve` (Tsit5,
fixed steps) and trained by backpropagating through the solver. Prints
the error on held-out trajectories and writes the training curve to
`neural_ode.png` and true vs learned trajectories to
`neural_ode_trajectories.png`.
"""

from typing import Any

import _optim
import diffrax  # type: ignore[import-not-found, unused-ignore]  # pyright: ignore[reportMissingImports]  # installed with --no-deps
import jax
import jax.numpy as jnp
import numpy as np
import optax
from _options import parse_options
from _plots import plt, save_curves
from _progress import Progress
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx

TRUE_MATRIX = jnp.array([[-0.1, 2.0], [-2.0, -0.1]])
TIMES = jnp.linspace(0.0, 4.0, 40)
BATCH_SIZE = 32


class VectorField(eqx.Module):
    mlp: eqx.nn.MLP

    def __init__(self, *, key: PRNGKeyArray) -> None:
        self.mlp = eqx.nn.MLP(2, 2, 64, depth=2, activation=jax.nn.tanh, key=key)

    def __call__(self, y: Float[Array, "2"]) -> Float[Array, "2"]:
        return self.mlp(y)


class NeuralODE(eqx.Module):
    field: VectorField

    def dynamics(self, t: Any, y: Float[Array, "2"], args: Any) -> Float[Array, "2"]:
        """dy/dt in diffrax's signature (`t` is a scalar time, `args` unused:
        the system is autonomous)."""
        return self.field(y)

    def __call__(self, y0: Float[Array, "2"]) -> Float[Array, "time 2"]:
        solution: Any = diffrax.diffeqsolve(
            diffrax.ODETerm(self.dynamics),
            diffrax.Tsit5(),
            t0=TIMES[0],
            t1=TIMES[-1],
            dt0=0.05,  # fixed steps: 80 over [0, 4]
            y0=y0,
            saveat=diffrax.SaveAt(ts=TIMES),
            max_steps=100,
        )
        path: Float[Array, "time 2"] = solution.ys
        return path


def true_trajectories(y0: Float[Array, "batch 2"]) -> Float[Array, "batch time 2"]:
    """Exact solutions y(t) = expm(t A) y0 of the known system."""
    propagators = jax.vmap(jax.scipy.linalg.expm)(TIMES[:, None, None] * TRUE_MATRIX)
    paths: Float[Array, "batch time 2"] = jnp.einsum("tij,bj->bti", propagators, y0)
    return paths


def loss_fn(
    model: NeuralODE,
    y0: Float[Array, "batch 2"],
    paths: Float[Array, "batch time 2"],
) -> Float[Array, ""]:
    return jnp.mean((jax.vmap(model)(y0) - paths) ** 2)


@eqx.filter_jit
def train_step(
    model: NeuralODE,
    opt_state: optax.OptState,
    optimiser: optax.GradientTransformation,
    y0: Float[Array, "batch 2"],
    paths: Float[Array, "batch time 2"],
) -> tuple[NeuralODE, optax.OptState, Float[Array, ""]]:
    loss, grads = eqx.filter_value_and_grad(loss_fn)(model, y0, paths)
    model, opt_state = _optim.update(optimiser, model, grads, opt_state)
    return model, opt_state, loss


def plot_trajectories(
    model: NeuralODE, y0: Float[Array, "n 2"], path: str, title: str
) -> None:
    true = np.asarray(true_trajectories(y0))
    learned = np.asarray(eqx.filter_jit(jax.vmap(model))(y0))
    fig, ax = plt.subplots(figsize=(4.0, 4.0), dpi=80)
    for i in range(len(true)):
        ax.plot(true[i, :, 0], true[i, :, 1], color="C0", lw=2, alpha=0.5)
        ax.plot(learned[i, :, 0], learned[i, :, 1], color="C1", ls="--")
    ax.plot([], [], color="C0", lw=2, alpha=0.5, label="true")
    ax.plot([], [], color="C1", ls="--", label="neural ODE")
    ax.set(title=title, xlabel="y1", ylabel="y2")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    options = parse_options(__doc__ or "")
    steps, target = (120, 0.1) if options.quick else (300, 0.005)
    model_key, data_key, test_key = jax.random.split(jax.random.key(0), 3)
    model = NeuralODE(VectorField(key=model_key))
    optimiser = optax.adam(optax.cosine_decay_schedule(5e-3, steps))
    opt_state = _optim.init(optimiser, model)
    losses: list[float] = []
    progress = Progress(steps, desc="train")
    for step in progress:
        y0 = jax.random.uniform(
            jax.random.fold_in(data_key, step), (BATCH_SIZE, 2), minval=-1, maxval=1
        )
        model, opt_state, loss = train_step(
            model, opt_state, optimiser, y0, true_trajectories(y0)
        )
        losses.append(float(loss))
        progress.report(loss=losses[-1])
    save_curves(
        options.png("neural_ode.png"),
        {"mean squared error": losses},
        title="Neural ODE (diffrax) on a damped rotation",
        log=True,
    )
    test_y0 = jax.random.uniform(test_key, (6, 2), minval=-1, maxval=1)
    plot_trajectories(
        model,
        test_y0,
        str(options.png("neural_ode_trajectories.png")),
        "Held-out trajectories",
    )
    test_error = float(
        eqx.filter_jit(loss_fn)(model, test_y0, true_trajectories(test_y0))
    )
    print(f"test mean squared error {test_error:.5f} on held-out trajectories")
    if test_error > target:
        raise SystemExit(f"error {test_error:.5f} is above the {target} target")


if __name__ == "__main__":
    main()
