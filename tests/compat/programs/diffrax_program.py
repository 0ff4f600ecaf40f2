"""diffrax: dy/dt = -k y with Tsit5 + PIDController; gradients through the
solve with RecursiveCheckpointAdjoint and BacksolveAdjoint; vmap over y0."""

from typing import Any

import diffrax  # type: ignore[import-not-found]  # installed by the compat test
import jax
import jax.numpy as jnp


def solve(y0: Any, k: Any, adjoint: Any, saveat: Any = None) -> Any:
    term = diffrax.ODETerm(lambda t, y, args: -args * y)
    sol = diffrax.diffeqsolve(
        term,
        diffrax.Tsit5(),
        t0=0.0,
        t1=2.0,
        dt0=0.1,
        y0=y0,
        args=k,
        stepsize_controller=diffrax.PIDController(rtol=1e-6, atol=1e-8),
        adjoint=adjoint,
        saveat=saveat or diffrax.SaveAt(t1=True),
    )
    return sol


def show(name: str, value: Any) -> None:
    flat = jnp.ravel(jnp.asarray(value))
    print(name, " ".join(f"{float(v):.5e}" for v in flat))


rc = diffrax.RecursiveCheckpointAdjoint()
sol = solve(jnp.array(1.0), jnp.array(1.0), rc)
show("y(2)", sol.ys)
print(
    "num_steps",
    int(sol.stats["num_steps"]),
    "result",
    sol.result == diffrax.RESULTS.successful,
)
dense = solve(
    jnp.array(1.0), jnp.array(1.0), rc, diffrax.SaveAt(ts=jnp.linspace(0.0, 2.0, 5))
)
show("ys(ts)", dense.ys)

for name, adjoint in [
    ("recursive", diffrax.RecursiveCheckpointAdjoint()),
    ("recursive_ckpt4", diffrax.RecursiveCheckpointAdjoint(checkpoints=4)),
    ("backsolve", diffrax.BacksolveAdjoint()),
]:
    g = jax.grad(lambda y0, k, a=adjoint: solve(y0, k, a).ys.sum(), argnums=(0, 1))(
        jnp.array(1.0), jnp.array(1.0)
    )
    show(f"grad_{name}", jnp.stack(g))

ys = jax.vmap(lambda y0: solve(y0, jnp.array(0.5), rc).ys)(jnp.array([1.0, 2.0, -3.0]))
show("vmap_y0", ys)
gv = jax.vmap(jax.grad(lambda k: solve(jnp.array(1.0), k, rc).ys.sum()))(
    jnp.array([0.5, 1.0])
)
show("vmap_grad_k", gv)
