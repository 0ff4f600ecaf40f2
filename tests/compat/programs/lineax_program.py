"""lineax: LU, QR, Cholesky and CG on matrix and function operators, with
gradients and vmap."""

from typing import Any

import jax
import jax.numpy as jnp
import lineax as lx  # type: ignore[import-not-found]  # installed by the compat test


def show(name: str, value: Any) -> None:
    flat = jnp.ravel(jnp.asarray(value))
    print(name, " ".join(f"{float(v):.5e}" for v in flat))


A = jnp.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
b = jnp.array([1.0, 2.0, 3.0])
matrix = lx.MatrixLinearOperator(A)
spd = lx.MatrixLinearOperator(A, lx.positive_semidefinite_tag)
function = lx.FunctionLinearOperator(
    lambda x: A @ x,
    jax.ShapeDtypeStruct((3,), jnp.float32),  # type: ignore[no-untyped-call]  # untyped in jax
    lx.positive_semidefinite_tag,
)

show("lu", lx.linear_solve(matrix, b, lx.LU()).value)
show("qr", lx.linear_solve(matrix, b, lx.QR()).value)
show("cholesky", lx.linear_solve(spd, b, lx.Cholesky()).value)
show("cg_matrix", lx.linear_solve(spd, b, lx.CG(rtol=1e-6, atol=1e-6)).value)
show("cg_function", lx.linear_solve(function, b, lx.CG(rtol=1e-6, atol=1e-6)).value)
show("lu_function", lx.linear_solve(function, b, lx.LU()).value)
sol = lx.linear_solve(matrix, b, lx.AutoLinearSolver(well_posed=True))
print("auto_ok", bool(sol.result == lx.RESULTS.successful))

show(
    "grad_b_lu", jax.grad(lambda v: lx.linear_solve(matrix, v, lx.LU()).value.sum())(b)
)
show(
    "grad_A_lu",
    jax.grad(
        lambda M: lx.linear_solve(lx.MatrixLinearOperator(M), b, lx.LU()).value.sum()
    )(A),
)
show(
    "grad_b_cg",
    jax.grad(
        lambda v: lx.linear_solve(spd, v, lx.CG(rtol=1e-6, atol=1e-6)).value.sum()
    )(b),
)
bs = jnp.stack([b, 2 * b, jnp.array([0.0, 1.0, 0.0])])
show("vmap_lu", jax.vmap(lambda v: lx.linear_solve(matrix, v, lx.LU()).value)(bs))
show(
    "vmap_cg",
    jax.vmap(lambda v: lx.linear_solve(function, v, lx.CG(rtol=1e-6, atol=1e-6)).value)(
        bs
    ),
)
show(
    "jvp_lu",
    jax.jvp(lambda v: lx.linear_solve(matrix, v, lx.LU()).value, (b,), (jnp.ones(3),))[
        1
    ],
)
