"""optimistix: Newton root find, Levenberg-Marquardt least squares, BFGS
minimisation, and a gradient through a root."""

from typing import Any

import jax
import jax.numpy as jnp
import optimistix as optx  # type: ignore[import-not-found]  # installed by the compat test


def show(name: str, value: Any) -> None:
    flat = jnp.ravel(jnp.asarray(value))
    print(name, " ".join(f"{float(v):.5e}" for v in flat))


def cubic(y: Any, a: Any) -> Any:
    return y**3 - a


newton = optx.Newton(rtol=1e-5, atol=1e-6)
sol = optx.root_find(cubic, newton, jnp.array(1.0), args=jnp.array(2.0))
show("newton_root", sol.value)
print(
    "newton_ok",
    bool(sol.result == optx.RESULTS.successful),
    "steps",
    int(sol.stats["num_steps"]),
)

vec_sol = optx.root_find(
    lambda y, _: jnp.array([y[0] ** 2 + y[1] ** 2 - 4.0, y[0] - y[1]]),
    newton,
    jnp.array([1.0, 0.5]),
)
show("newton_vector", vec_sol.value)

show(
    "grad_root",
    jax.grad(lambda a: optx.root_find(cubic, newton, jnp.array(1.0), args=a).value)(
        jnp.array(2.0)
    ),
)

ts = jnp.linspace(0.0, 1.0, 8)
data = 2.0 * jnp.exp(-1.5 * ts) + 0.01 * jnp.sin(20.0 * ts)


def residuals(params: Any, args: Any) -> Any:
    amp, rate = params
    return amp * jnp.exp(-rate * ts) - data


lm = optx.LevenbergMarquardt(rtol=1e-5, atol=1e-6)
fit = optx.least_squares(residuals, lm, jnp.array([1.0, 1.0]))
show("lm_params", fit.value)


def rosenbrock(x: Any, args: Any) -> Any:
    return (1.0 - x[0]) ** 2 + 100.0 * (x[1] - x[0] ** 2) ** 2


bfgs = optx.BFGS(rtol=1e-5, atol=1e-6)
mini = optx.minimise(rosenbrock, bfgs, jnp.array([-1.2, 1.0]), max_steps=500)
show("bfgs_min", mini.value)
print("bfgs_ok", bool(mini.result == optx.RESULTS.successful))
roots = jax.vmap(lambda a: optx.root_find(cubic, newton, jnp.array(1.0), args=a).value)(
    jnp.array([1.0, 8.0, 27.0])
)
show("vmap_roots", roots)
