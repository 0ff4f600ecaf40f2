"""Transformations against Equinox 0.13.8.

Every expected value here was measured by running the same code under
`equinox==0.13.8` (same JAX) and is written down as data.
"""

import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

_X = jnp.ones(2)

# Each call, and how many traces a fresh `filter_jit` function makes for a
# pair of calls (Equinox binds calls to the signature, without defaults, and
# NumPy/JAX arrays of one shape and dtype share a trace).
_CALLS: dict[str, Callable[[Callable[..., Any]], Any]] = {
    "f(x)": lambda f: f(_X),
    "f(x,1)": lambda f: f(_X, 1),
    "f(x,y=1)": lambda f: f(_X, y=1),
    "f(x=x)": lambda f: f(x=_X),
    "f(x,z=3)": lambda f: f(_X, z=3),
    "f(np64)": lambda f: f(np.ones(2)),
    "f(np32)": lambda f: f(np.ones(2, np.float32)),
    "f(x,2)": lambda f: f(_X, 2),
    "f(x,y=2)": lambda f: f(_X, y=2),
}
_ONE_TRACE = {
    ("f(x)", "f(x=x)"),
    ("f(x)", "f(np64)"),
    ("f(x)", "f(np32)"),
    ("f(x,1)", "f(x,y=1)"),
    ("f(x=x)", "f(np64)"),
    ("f(x=x)", "f(np32)"),
    ("f(np64)", "f(np32)"),
    ("f(x,2)", "f(x,y=2)"),
}


@pytest.mark.parametrize(
    ("first", "second"),
    [(a, b) for i, a in enumerate(_CALLS) for b in list(_CALLS)[i + 1 :]],
)
def test_filter_jit_trace_counts(first: str, second: str) -> None:
    count = [0]

    @eqx.filter_jit
    def f(x: Any, y: Any = 1, *args: Any, z: Any = 3, **kw: Any) -> Any:
        count[0] += 1
        return x

    _CALLS[first](f)
    _CALLS[second](f)
    assert count[0] == (1 if (first, second) in _ONE_TRACE else 2)


def test_filter_jit_lower_compile_options() -> None:
    @eqx.filter_jit
    def f(x: jax.Array, y: int = 1) -> tuple[jax.Array, int]:
        return x * 2, y

    lowered = f.lower(jnp.ones(3))
    options = {"xla_embed_ir_in_executable": True}
    out, static = lowered.compile(compiler_options=options)(jnp.ones(3))
    assert out.tolist() == [2.0, 2.0, 2.0] and static == 1
    out, _ = lowered.compile(options)(jnp.ones(3))
    assert out.tolist() == [2.0, 2.0, 2.0]
    assert lowered.lowered is not None and lowered.compile().compiled is not None
    with pytest.raises(TypeError):
        lowered.compile()(jnp.ones(4))


def test_filter_jit_passes_jit_keywords_on() -> None:
    with pytest.raises(ValueError):
        eqx.filter_jit(lambda x: x, static_argnums=1)
    with pytest.raises(ValueError):
        eqx.filter_jit(lambda x: x, donate="bogus")  # type: ignore[call-overload]  # the mistake under test
    with pytest.raises(TypeError):
        eqx.filter_jit(lambda x: x, foo=1)(1)
    kept = eqx.filter_jit(lambda x: x * 2, keep_unused=True)
    assert kept(jnp.ones(2)).tolist() == [2.0, 2.0]


def test_grad_keywords_and_constant_output() -> None:
    assert eqx.filter_grad(lambda x: 1.0)(_X).tolist() == [0.0, 0.0]
    grad = eqx.filter_grad(lambda x: jnp.sum(x**2), allow_int=True)(_X)
    assert grad.tolist() == [2.0, 2.0]


def test_jvp_symbolic_zeros() -> None:
    # Output tangents that cannot depend on the input tangents are None.
    def pair(x: jax.Array, y: jax.Array) -> tuple[jax.Array, jax.Array]:
        return x, y

    _, (tx, ty) = eqx.filter_jvp(pair, (_X, _X), (jnp.ones(2), None))
    assert tx.tolist() == [1.0, 1.0] and ty is None
    _, tangents = eqx.filter_jvp(lambda x: (x, jnp.zeros(2)), (_X,), (jnp.ones(2),))
    assert tangents[0].tolist() == [1.0, 1.0] and tangents[1] is None
    stopped = eqx.filter_jvp(jax.lax.stop_gradient, (_X,), (jnp.ones(2),))
    assert stopped[1] is None
    assert eqx.filter_jvp(lambda x: x, (1.0,), (None,)) == (1.0, None)
    with pytest.raises(TypeError):  # tangent dtype differs from the primal's
        eqx.filter_jvp(lambda x: x, (_X,), (jnp.ones(2, jnp.float16),))


def test_jvp_and_vjp_misuse() -> None:
    with pytest.raises(TypeError):  # a tangent for a static argument
        eqx.filter_jvp(lambda x, n: x * n, (_X, 3), (jnp.ones(2), 1))
    with pytest.raises(TypeError):  # a tangent for an integer array
        eqx.filter_jvp(lambda x: x, (jnp.array([1, 2]),), (jnp.array([1, 2]),))
    _, vjp = eqx.filter_vjp(lambda x, n: (x * n, "s"), _X, 3)
    with pytest.raises(ValueError):  # a cotangent for a non-array output
        vjp((jnp.ones(2), "s"))
    (grads, static) = vjp((jnp.ones(2), None))
    assert grads.tolist() == [3.0, 3.0] and static is None


def test_jacobians_of_python_number_and_string_outputs() -> None:
    jac, zero = eqx.filter_jacfwd(lambda x: (x, 1.0))(_X)
    assert jac.tolist() == [[1.0, 0.0], [0.0, 1.0]] and zero.tolist() == [0.0, 0.0]
    _, zero = eqx.filter_jacrev(lambda x: (x, 1.0))(_X)
    assert zero.tolist() == [0.0, 0.0]
    with pytest.raises(TypeError):
        eqx.filter_jacfwd(lambda x: {"o": x, "s": "q"})(_X)


def test_filter_vmap_parity() -> None:
    assert eqx.filter_vmap(lambda x: x)(1.0) == 1.0
    assert eqx.filter_vmap(lambda x: x, axis_size=3)(1.0) == 1.0
    with pytest.raises(ValueError):
        eqx.filter_vmap(lambda x: jnp.ones(2) * x)(1.0)
    assert repr(eqx.if_array(1)) == "if_array(axis=1)"
    assert eqx.filter_vmap(lambda x: x * 2, spmd_axis_name=None)(_X).tolist() == [
        2.0,
        2.0,
    ]
    with pytest.raises(TypeError):
        eqx.filter_vmap(lambda x: x, bogus=1)(_X)


_PMAP_SCRIPT = textwrap.dedent(
    """
    import os
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
    import jax, jax.numpy as jnp
    import equinox as eqx

    def attempt(f):
        try:
            print(f().tolist())
        except Exception as e:
            print(type(e).__name__, isinstance(e, ValueError))

    devices = jax.devices()
    attempt(lambda: eqx.filter_pmap(lambda x: x * 2, devices=devices[:2])(jnp.ones(2)))
    attempt(lambda: eqx.filter_pmap(lambda x: x * 2, devices=devices[:2])(jnp.ones(3)))
    attempt(lambda: eqx.filter_pmap(lambda x: x * 2, backend="cpu")(jnp.ones(4)))
    attempt(lambda: eqx.filter_pmap(lambda x: x, donate="warn")(jnp.ones(2)))
    attempt(lambda: eqx.filter_pmap(lambda x: x * 2)(jnp.ones(5)))
    """
)


def test_filter_pmap_devices_in_a_subprocess() -> None:
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    result = subprocess.run(
        [sys.executable, "-c", _PMAP_SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "[2.0, 2.0]",
        lines[1],  # the class: a ValueError (Equinox: JAX's IndivisibleError)
        "[2.0, 2.0, 2.0, 2.0]",
        "[1.0, 1.0]",
    ], result.stderr
    assert lines[1].endswith("True") and lines[4].endswith("True")


def test_custom_vjp_defvjp_and_symbolic_zeros() -> None:
    seen: dict[str, Any] = {}

    @eqx.filter_custom_vjp
    def f(x: Any, y: float) -> Any:
        return (x["a"] * y, x["a"] * 3, 5, x["i"])

    def fwd(x: Any, y: float) -> Any:
        return f.fn(x, y), None

    def bwd(res: Any, g: Any, x: Any, y: float) -> Any:
        seen["legacy"] = g
        return {"a": g[0] * y, "i": None, "s": None}

    with pytest.warns(UserWarning, match="deprecated"):
        f.defvjp(fwd, bwd)
    x = {"a": jnp.array([1.0, 2.0]), "i": jnp.array([1, 2]), "s": "str"}
    grad = jax.grad(lambda a: f({**x, "a": a}, 2.0)[0].sum())(x["a"])
    assert grad.tolist() == [2.0, 2.0]
    legacy = seen["legacy"]
    # The older interface sees zeros for unused float outputs, None otherwise.
    assert legacy[1].tolist() == [0.0, 0.0] and legacy[2:] == (None, None)

    @eqx.filter_custom_vjp
    def g(x: Any, y: float) -> Any:
        return (x["a"] * y, x["a"] * 3, 5, x["i"])

    @g.def_fwd
    def g_fwd(perturbed: Any, x: Any, y: float) -> Any:
        seen["perturbed"] = perturbed
        return g.fn(x, y), None

    @g.def_bwd
    def g_bwd(res: Any, grad_obj: Any, perturbed: Any, x: Any, y: float) -> Any:
        seen["new"] = grad_obj
        return {"a": grad_obj[0] * y, "i": None, "s": None, "b": None}

    x2 = {**x, "b": jnp.array([3.0, 4.0])}
    grad = jax.grad(lambda a: g({**x2, "a": a}, 2.0)[0].sum())(x2["a"])
    assert grad.tolist() == [2.0, 2.0]
    assert seen["perturbed"] == {"a": True, "b": False, "i": False, "s": False}
    assert seen["new"][1:] == (None, None, None)  # symbolic zeros are None

    @eqx.filter_custom_vjp
    def h(x: jax.Array, y: jax.Array) -> jax.Array:
        return x * y

    @h.def_fwd
    def h_fwd(perturbed: Any, x: jax.Array, y: jax.Array) -> Any:
        return x * y, None

    @h.def_bwd
    def h_bwd(res: Any, grad_obj: Any, perturbed: Any, x: Any, y: Any) -> Any:
        return grad_obj * y

    with pytest.raises(RuntimeError):
        jax.grad(lambda y: h(jnp.ones(()), y))(jnp.array(2.0))


def test_closure_convert_and_callback() -> None:
    f = eqx.filter_closure_convert(lambda x, n: x * n * 2.0, _X, 3)
    assert f(_X, 3).tolist() == [6.0, 6.0]
    with pytest.raises(ValueError):
        f(jnp.ones(3), 3)
    with pytest.raises(ValueError):
        f(_X, 4)
    shape = jax.ShapeDtypeStruct((2,), jnp.float32)  # type: ignore[no-untyped-call]  # jax leaves it untyped
    out = eqx.filter_pure_callback(
        lambda x: np.asarray(x) * 2, _X, result_shape_dtypes=shape, sharding=None
    )
    assert out.tolist() == [2.0, 2.0]
    out = eqx.filter_pure_callback(lambda x: np.asarray(x), _X, result_shape_dtypes=_X)
    assert out.tolist() == [1.0, 1.0]


def test_tree_inference_is_inference_mode() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecation warning, as in Equinox
        assert eqx.tree_inference is eqx.nn.inference_mode
    dropout = eqx.tree_inference(eqx.nn.Dropout(0.5))
    assert dropout.inference is True
    assert eqx.tree_inference(dropout, value=False).inference is False


# ---------------------- wrapper attributes (Module behaviour: test_parity_wrappers.py)


def _doubled(x: jax.Array) -> jax.Array:
    """Doc of _doubled."""
    return 2 * x


_WRAPPERS: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
    eqx.filter_jit,
    eqx.filter_vmap,
    eqx.filter_grad,
    eqx.filter_value_and_grad,
    eqx.filter_checkpoint,
]


@pytest.mark.parametrize("transform", _WRAPPERS)
def test_wrapper_attributes_match_equinox(
    transform: Callable[[Callable[..., Any]], Callable[..., Any]],
) -> None:
    wrapper = transform(_doubled)
    assert wrapper.__wrapped__ is _doubled  # type: ignore[attr-defined]  # functools.wraps sets it
    assert wrapper.__name__ == "_doubled"
    assert wrapper.__qualname__ == "_doubled"
    assert wrapper.__doc__ == "Doc of _doubled."
    assert wrapper.__module__ == __name__


def test_storing_a_wrapped_model_warns_with_usable_advice() -> None:
    class Holder(eqx.Module):
        f: Callable[..., Any]

    model = eqx.nn.Linear(2, 2, key=jax.random.key(0))
    with pytest.warns(UserWarning, match=r"filter_vmap\(self\.layer\)\(x\)"):
        Holder(jax.jit(model))
    # The filtered wrappers are Modules (their arrays are leaves) and a
    # wrapper of a plain function holds no arrays: no warning (as Equinox).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Holder(eqx.filter_jit(model))
        Holder(eqx.filter_vmap(model))
        Holder(eqx.filter_jit(_doubled))
