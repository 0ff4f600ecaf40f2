"""diffrax beyond the basics: DirectAdjoint and ForwardMode (bounded while
loops), SaveAt(steps/dense), an implicit solver (Kvaerno5, through
optimistix and lineax), events and the max_steps error."""

from collections.abc import Callable
from typing import Any

import diffrax  # type: ignore[import-not-found]  # installed by the compat test
import jax
import jax.numpy as jnp


def show(name: str, value: Any) -> None:
    flat = jnp.ravel(jnp.asarray(value))
    print(name, " ".join(f"{float(v):.5e}" for v in flat))


def attempt(name: str, fn: Callable[[], Any]) -> None:
    try:
        show(name, fn())
    except Exception as e:  # the class is part of the expected output
        print(name, "raises", type(e).__name__)


term = diffrax.ODETerm(lambda t, y, a: -a * y)
ctrl = diffrax.PIDController(rtol=1e-5, atol=1e-7)


def sol(
    adjoint: Any = None, solver: Any = None, saveat: Any = None, k: Any = 1.0, **kw: Any
) -> Any:
    return diffrax.diffeqsolve(
        term,
        solver or diffrax.Tsit5(),
        0.0,
        1.0,
        0.1,
        jnp.array([1.0, 2.0]),
        args=k,
        stepsize_controller=ctrl,
        adjoint=adjoint or diffrax.RecursiveCheckpointAdjoint(),
        saveat=saveat or diffrax.SaveAt(t1=True),
        **kw,
    )


attempt(
    "direct_grad",
    lambda: jax.grad(lambda k: sol(adjoint=diffrax.DirectAdjoint(), k=k).ys.sum())(1.0),
)
attempt("steps", lambda: sol(saveat=diffrax.SaveAt(steps=True)).ts[:4])
attempt("dense", lambda: sol(saveat=diffrax.SaveAt(dense=True)).evaluate(0.37))
attempt("kvaerno5", lambda: sol(solver=diffrax.Kvaerno5()).ys)
attempt(
    "kvaerno5_grad",
    lambda: jax.grad(lambda k: sol(solver=diffrax.Kvaerno5(), k=k).ys.sum())(1.0),
)
attempt(
    "jvp_direct",
    lambda: jax.jvp(
        lambda k: sol(adjoint=diffrax.DirectAdjoint(), k=k).ys, (1.0,), (1.0,)
    )[1],
)
attempt(
    "forward_mode",
    lambda: jax.jvp(
        lambda k: sol(adjoint=diffrax.ForwardMode(), k=k).ys, (1.0,), (1.0,)
    )[1],
)
event = diffrax.Event(lambda t, y, args, **kw: y[0] - 0.5)
attempt("event", lambda: sol(event=event).ts)
attempt(
    "max_steps",
    lambda: (
        diffrax.diffeqsolve(
            term,
            diffrax.Tsit5(),
            0.0,
            1.0,
            0.001,
            jnp.array([1.0, 2.0]),
            args=1.0,
            max_steps=10,
        ).ys
    ),
)
