"""More of optimistix and lineax: iterative and structured linear solvers,
Jacobian operators, forward mode through CG; Gauss-Newton, Dogleg,
Nelder-Mead, bisection, chord, fixed points, BestSoFar, nonlinear CG, vmap of
a gradient through least squares, and throw=False."""

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import lineax as lx  # type: ignore[import-not-found]  # installed by the compat test
import optimistix as optx  # type: ignore[import-not-found]  # installed by the compat test


def show(name: str, value: Any) -> None:
    flat = jnp.ravel(jnp.asarray(value))
    print(name, " ".join(f"{float(a):.4e}" for a in flat))


def T(name: str, fn: Callable[[], Any]) -> None:
    try:
        show(name, fn())
    except Exception as e:  # the class is part of the expected output
        print(name, "raises", type(e).__name__)


A = jnp.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
b = jnp.array([1.0, 2.0, 3.0])
op = lx.MatrixLinearOperator(A)
for name, s in [
    ("gmres", lx.GMRES(rtol=1e-5, atol=1e-5)),
    ("bicgstab", lx.BiCGStab(rtol=1e-5, atol=1e-5)),
    ("svd", lx.SVD()),
    ("normalcg", lx.NormalCG(rtol=1e-5, atol=1e-5)),
]:
    T(name, lambda solver=s: lx.linear_solve(op, b, solver).value)  # type: ignore[misc]  # lineax is untyped here
T(
    "diag",
    lambda: (
        lx.linear_solve(
            lx.DiagonalLinearOperator(jnp.array([1.0, 2.0, 4.0])), b, lx.Diagonal()
        ).value
    ),
)
T(
    "jacop",
    lambda: (
        lx.linear_solve(
            lx.JacobianLinearOperator(lambda x, a: A @ x + x**3 * 0.1, b), b, lx.LU()
        ).value
    ),
)
T(
    "tridiag",
    lambda: (
        lx.linear_solve(
            lx.TridiagonalLinearOperator(
                jnp.array([4.0, 3.0, 2.0]), jnp.array([1.0, 1.0]), jnp.array([1.0, 1.0])
            ),
            b,
            lx.Tridiagonal(),
        ).value
    ),
)
T(
    "jvp cg",
    lambda: jax.jvp(
        lambda M: (
            lx.linear_solve(
                lx.MatrixLinearOperator(M, lx.positive_semidefinite_tag),
                b,
                lx.CG(rtol=1e-6, atol=1e-6),
            ).value
        ),
        (A,),
        (jnp.eye(3),),
    )[1],
)
T(
    "gn",
    lambda: (
        optx.least_squares(
            lambda y, a: y - a,
            optx.GaussNewton(rtol=1e-5, atol=1e-6),
            jnp.zeros(2),
            args=jnp.array([1.0, 2.0]),
        ).value
    ),
)
T(
    "dogleg",
    lambda: (
        optx.least_squares(
            lambda y, a: jnp.sin(y) - a,
            optx.Dogleg(rtol=1e-5, atol=1e-6),
            jnp.zeros(2),
            args=jnp.array([0.5, 0.2]),
        ).value
    ),
)
T(
    "nelder",
    lambda: (
        optx.minimise(
            lambda y, a: jnp.sum((y - a) ** 2),
            optx.NelderMead(rtol=1e-5, atol=1e-6),
            jnp.zeros(2),
            args=jnp.array([1.0, 2.0]),
            max_steps=2000,
        ).value
    ),
)
T(
    "bisection",
    lambda: (
        optx.root_find(
            lambda y, a: y**3 - a,
            optx.Bisection(rtol=1e-5, atol=1e-6),
            jnp.array(1.0),
            args=2.0,
            options=dict(lower=0.0, upper=3.0),
        ).value
    ),
)
T(
    "chord",
    lambda: (
        optx.root_find(
            lambda y, a: y**3 - a,
            optx.Chord(rtol=1e-5, atol=1e-6),
            jnp.array(1.0),
            args=2.0,
        ).value
    ),
)
T(
    "fixed",
    lambda: (
        optx.fixed_point(
            lambda y, a: jnp.cos(y),
            optx.FixedPointIteration(rtol=1e-5, atol=1e-6),
            jnp.array(1.0),
        ).value
    ),
)
T(
    "bestsofar",
    lambda: (
        optx.minimise(
            lambda y, a: jnp.sum((y - 1.0) ** 2),
            optx.BestSoFarMinimiser(optx.BFGS(rtol=1e-5, atol=1e-6)),
            jnp.zeros(2),
        ).value
    ),
)
T(
    "nonlinear_cg",
    lambda: (
        optx.minimise(
            lambda y, a: jnp.sum((y - 1.0) ** 2) + jnp.sum(y**4),
            optx.NonlinearCG(rtol=1e-5, atol=1e-6),
            jnp.zeros(2),
        ).value
    ),
)
T(
    "vmap grad lm",
    lambda: jax.vmap(
        jax.grad(
            lambda a: (
                optx.least_squares(
                    lambda y, a: jnp.sin(y) - a,
                    optx.LevenbergMarquardt(rtol=1e-5, atol=1e-6),
                    jnp.zeros(()),
                    args=a,
                ).value
            )
        )
    )(jnp.array([0.1, 0.3])),
)
T(
    "throw false",
    lambda: (
        optx.root_find(
            lambda y, a: y**2 + 1.0,
            optx.Newton(rtol=1e-5, atol=1e-6),
            jnp.array(1.0),
            max_steps=5,
            throw=False,
        ).value
    ),
)
