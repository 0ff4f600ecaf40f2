"""`eqx.error_if` / `eqx.branched_error_if` / `EQX_ON_ERROR`."""

import logging
import os
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox._errors import equinox_error_from


def _positive_check(x: Array) -> Array:
    return eqx.error_if(x, x > 0, "found a positive value")


def _loss(x: Array) -> Array:
    return jnp.sum(_positive_check(x) ** 2)


def _raised_by(fn: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:
        fn()
    return info.value


def test_error_is_a_runtime_error() -> None:
    assert issubclass(eqx.EquinoxRuntimeError, RuntimeError)


def test_eager_passes_value_through() -> None:
    x = jnp.array([-1.0, -2.0])
    assert _positive_check(x) is x


def test_eager_raises() -> None:
    with pytest.raises(eqx.EquinoxRuntimeError, match=r"^found a positive value$"):
        _positive_check(jnp.array([-1.0, 2.0]))


def test_eager_traceback_ends_in_user_code() -> None:
    def user_function() -> None:
        eqx.error_if(np.float32(1.0), np.bool_(True), "boom")

    error = _raised_by(user_function)
    frames = traceback.extract_tb(error.__traceback__)
    assert frames[-1].name == "error_if"
    assert frames[-2].name == "user_function"
    assert not error.__suppress_context__ or error.__cause__ is None


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(jax.vmap, id="vmap"),
        pytest.param(lambda f: jax.vmap(jax.vmap(f)), id="vmap-vmap"),
    ],
)
def test_vmap_eager(transform: Callable[[Any], Any]) -> None:
    f = transform(_positive_check)
    x = -jnp.ones((2, 3))
    x_batched = x if transform is jax.vmap else x[None]
    np.testing.assert_array_equal(f(x_batched), x_batched)
    bad = x_batched.at[..., 1, 2].set(5.0)
    with pytest.raises(eqx.EquinoxRuntimeError, match="found a positive value"):
        f(bad)


def test_vmap_eager_traceback_is_clean() -> None:
    error = _raised_by(lambda: jax.vmap(_positive_check)(jnp.array([[1.0]])))
    assert isinstance(error, eqx.EquinoxRuntimeError)
    names = [frame.name for frame in traceback.extract_tb(error.__traceback__)]
    assert names[-2:] == ["_positive_check", "error_if"]
    assert error.__suppress_context__


def test_grad_eager() -> None:
    x = jnp.array([-1.0, -3.0])
    np.testing.assert_allclose(jax.grad(_loss)(x), 2 * x)
    with pytest.raises(eqx.EquinoxRuntimeError, match="found a positive value"):
        jax.grad(_loss)(jnp.array([-1.0, 3.0]))


@pytest.mark.parametrize(
    ("make", "good", "bad"),
    [
        pytest.param(
            lambda: jax.jit(_positive_check), [-1.0, -2.0], [-1.0, 2.0], id="jit"
        ),
        pytest.param(
            lambda: jax.jit(jax.vmap(_positive_check)),
            [[-1.0], [-2.0]],
            [[-1.0], [2.0]],
            id="jit-vmap",
        ),
        pytest.param(
            lambda: jax.jit(jax.grad(_loss)), [-1.0, -2.0], [-1.0, 2.0], id="jit-grad"
        ),
        pytest.param(
            lambda: jax.jit(jax.vmap(jax.grad(_loss))),
            [[-1.0], [-2.0]],
            [[-1.0], [2.0]],
            id="jit-vmap-grad",
        ),
    ],
)
def test_under_jax_jit(
    make: Callable[[], Callable[[Array], Array]],
    good: list[float],
    bad: list[float],
) -> None:
    # Plain `jax.jit` cannot be intercepted: JAX raises its own error (a
    # JaxRuntimeError first, a ValueError from the cached fast path) whose
    # text carries our message, and `equinox_error_from` recovers it.
    f = make()
    f(jnp.array(good)).block_until_ready()  # compiles and passes
    for _ in range(2):  # first the Python dispatch path, then the C++ one
        error = _raised_by(lambda: f(jnp.array(bad)).block_until_ready())
        assert "EquinoxRuntimeError: found a positive value" in str(error)
        ours = equinox_error_from(error)
        assert isinstance(ours, eqx.EquinoxRuntimeError)
        assert str(ours) == "found a positive value"


def test_vmap_calls_host_only_on_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import equinox._errors as errors_module

    calls: list[int] = []
    real = errors_module._host_check

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(errors_module, "_host_check", counting)
    f = jax.jit(jax.vmap(lambda x: eqx.error_if(x, x > 0, "positive")))
    f(-jnp.ones((4, 3)))
    f(-jnp.ones((4, 3)))
    assert calls == []  # the batch of predicates folds into one `cond`
    with pytest.raises(Exception, match="positive"):
        f(jnp.ones((4, 3)))
    assert calls == [1]


def test_jit_check_not_removed_when_result_used() -> None:
    jaxpr = jax.make_jaxpr(_positive_check)(jnp.zeros(2))
    assert "pure_callback" in str(jaxpr)
    grad_jaxpr = jax.make_jaxpr(jax.grad(_loss))(jnp.zeros(2))
    assert "pure_callback" in str(grad_jaxpr)


def test_under_filter_jit() -> None:
    f = eqx.filter_jit(_positive_check)
    np.testing.assert_array_equal(f(jnp.array([-1.0])), [-1.0])
    for _ in range(2):
        error = _raised_by(lambda: f(jnp.array([1.0])))
        assert type(error) is eqx.EquinoxRuntimeError
        assert str(error) == "found a positive value"
        assert error.__suppress_context__
        # The traceback holds the user's frames and the wrapper's call only.
        files = {fr.filename for fr in traceback.extract_tb(error.__traceback__)}
        assert files == {__file__, eqx.filter_jit.__code__.co_filename}


def test_compiled_failure_names_the_checks_line() -> None:
    # Compiled code fails at the call of the jitted function; a note on the
    # error says where the check itself was written.
    line = _positive_check.__code__.co_firstlineno + 1
    where = f"{__file__}:{line} in _positive_check"
    f = eqx.filter_jit(_positive_check)
    jit_error = _raised_by(lambda: f(jnp.array([1.0])))
    vmap_error = _raised_by(lambda: jax.vmap(_positive_check)(jnp.array([1.0])))
    for error in (jit_error, vmap_error):
        assert type(error) is eqx.EquinoxRuntimeError
        assert str(error) == "found a positive value"
        # (JAX may add a note of its own about hidden frames.)
        assert f"(the failed check was made by error_if at {where})" in (
            error.__notes__
        )


def test_no_callback_log_noise(caplog: pytest.LogCaptureFixture) -> None:
    f = jax.jit(_positive_check)
    with caplog.at_level(logging.ERROR):
        _raised_by(lambda: f(jnp.array([1.0])))
    assert not [r for r in caplog.records if r.name.startswith("jax")]


def test_pytree_and_non_array_leaves() -> None:
    tree: dict[str, Any] = {"a": jnp.arange(3), "b": (jnp.ones(2), "label", 3)}

    @eqx.filter_jit
    def f(a: Array, b: Array) -> Any:
        return eqx.error_if({"a": a, "b": (b, "label", 3)}, b < 0, "negative")

    out = f(tree["a"], tree["b"][0])
    assert jax.tree_util.tree_structure(out) == jax.tree_util.tree_structure(tree)
    np.testing.assert_array_equal(out["a"], tree["a"])
    assert out["a"].dtype == tree["a"].dtype
    assert out["b"][1:] == ("label", 3)
    with pytest.raises(Exception, match="negative"):
        f(tree["a"], -tree["b"][0])


def test_value_without_arrays_needs_a_static_predicate() -> None:
    # As in Equinox 0.13.8: an array predicate needs an array in `x` to tie
    # the check to (ValueError); a Python bool predicate does not.
    @jax.jit
    def f(x: Array) -> Array:
        eqx.error_if("no arrays here", x > 0, "checked anyway")
        return x

    with pytest.raises(ValueError, match="at least one array"):
        f(jnp.array(-1.0))
    with pytest.raises(ValueError, match="at least one array"):
        eqx.error_if(3.0, jnp.array(False), "m")
    assert eqx.error_if("no arrays here", False, "m") == "no arrays here"


def test_branched_error_if_messages() -> None:
    msgs = ["zero", "one", "two"]
    with pytest.raises(eqx.EquinoxRuntimeError, match=r"^two$"):
        eqx.branched_error_if(jnp.ones(()), jnp.array(True), 2, msgs)
    with pytest.raises(eqx.EquinoxTracetimeError, match=r"^two$"):
        eqx.branched_error_if(1.0, True, 2, msgs)
    assert eqx.branched_error_if(1.0, False, 2, msgs) == 1.0
    with pytest.raises(eqx.EquinoxRuntimeError, match=r"^two$"):  # Python indexing
        eqx.branched_error_if(jnp.ones(()), jnp.array(True), -1, msgs)

    @jax.jit
    def f(x: Array, i: Array) -> Array:
        return eqx.branched_error_if(x, x > 0, i, msgs)

    assert f(jnp.array(-1.0), jnp.array(1)) == -1.0
    error = _raised_by(lambda: f(jnp.array(1.0), jnp.array(1)))
    assert str(equinox_error_from(error)) == "one"


def test_branched_error_if_vmap_reports_the_largest_index() -> None:
    msgs = ["zero", "one", "two"]

    def f(x: Array, i: Array) -> Array:
        return eqx.branched_error_if(x, x > 0, i, msgs)

    x = jnp.array([-1.0, 2.0, 3.0])
    i = jnp.array([2, 0, 1])  # element 0 passes, yet its index is the largest
    with pytest.raises(eqx.EquinoxRuntimeError, match=r"^two"):
        jax.vmap(f)(x, i)
    np.testing.assert_array_equal(jax.vmap(f)(-abs(x), i), -abs(x))


def test_lenient_arguments_as_in_equinox() -> None:
    # Equinox 0.13.8 reads `pred` by truthiness and `msg` with `str`.
    with pytest.raises(eqx.EquinoxRuntimeError, match=r"^msg$"):
        eqx.error_if(jnp.zeros(2), jnp.array([0.0, 2.0]), "msg")
    with pytest.raises(eqx.EquinoxRuntimeError, match=r"^3$"):
        eqx.error_if(jnp.zeros(2), jnp.array(True), 3)  # type: ignore[arg-type]  # as Equinox
    with pytest.raises(eqx.EquinoxTracetimeError, match=r"^s$"):
        eqx.branched_error_if(jnp.zeros(2), 1.0, 1, "msg")


def test_bad_index_is_a_jax_runtime_error() -> None:
    with pytest.raises(
        jax.errors.JaxRuntimeError, match="index` is 3 but there are only 2"
    ):
        eqx.branched_error_if(jnp.zeros(2), jnp.array(False), 3, ["a", "b"])
    with pytest.raises(jax.errors.JaxRuntimeError, match="`index` must be an integer"):
        eqx.branched_error_if(jnp.zeros(2), jnp.array(False), 0.5, ["a", "b"])


def test_on_error_argument() -> None:
    x = jnp.array([1.0, -1.0])
    np.testing.assert_array_equal(eqx.error_if(x, x < 0, "m", on_error="off"), x)
    nan = eqx.error_if(
        (x, jnp.arange(2), jnp.array([True, False])), x < 0, "m", on_error="nan"
    )
    assert np.isnan(nan[0]).all()
    assert nan[1].tolist() == [2**31 - 1] * 2 and nan[2].tolist() == [True, True]
    with pytest.raises(eqx.EquinoxRuntimeError):
        eqx.error_if(x, x < 0, "m", on_error="raise")
    with pytest.raises(RuntimeError, match="on_error must be one of default, raise"):
        eqx.error_if(x, False, "m", on_error="bogus")  # type: ignore[arg-type]  # testing the run-time check
    with pytest.warns(UserWarning, match="Python scalar that is true"):
        out = eqx.error_if(x, True, "m", on_error="nan")
    assert np.isnan(out).all()
    # Under vmap a failure anywhere in the batch fills the whole batch.
    batched = jax.vmap(lambda y: eqx.error_if(y, y < 0, "m", on_error="nan"))(x)
    assert np.isnan(batched).all()
    # The filled value still passes derivatives through, eagerly and in JIT.
    grad = jax.grad(lambda y: eqx.error_if(y, y < 0, "m", on_error="nan"))
    assert grad(-1.0) == 1.0 and jax.jit(grad)(-1.0) == 1.0


_ENV_SCRIPT = textwrap.dedent(
    """
    import os
    import jax, jax.numpy as jnp, numpy as np
    import equinox as eqx

    # The first mode comes from the environment the process started with;
    # the variable is read whenever a check is built (traced), so the others
    # are set here, each with a fresh jitted function.
    for mode in ["started-with", "raise", "explode", "breakpoint"]:
        if mode != "started-with":
            os.environ["EQX_ON_ERROR"] = mode

        def check(x, n):  # a new function: JAX caches traces per function
            return eqx.error_if((x, n), x > 0, "env message")

        for name, f in [("eager", check), ("jit", jax.jit(check))]:
            print(f"<{mode} {name}>", end=" ", flush=True)
            try:
                x, n = f(jnp.array([1.0, -1.0]), jnp.array(3))
                print("returned", np.asarray(x).tolist(), int(n), flush=True)
            except Exception as e:
                print("raised", type(e).__name__, str(e).splitlines()[-1], flush=True)
    """
)


@pytest.fixture(scope="module")
def env_modes_output() -> dict[str, str]:
    """Run the script once (started with EQX_ON_ERROR=nan); pdb reads the
    piped stdin in breakpoint mode: print the checked value, continue."""
    result = subprocess.run(
        [sys.executable, "-c", _ENV_SCRIPT],
        env={**os.environ, "EQX_ON_ERROR": "nan"},
        input="p x\nc\np x\nc\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    sections: dict[str, str] = {}
    for chunk in result.stdout.split("<")[1:]:
        key, _, text = chunk.partition(">")
        sections[key] = text
    return sections


def test_on_error_nan_from_environment(env_modes_output: dict[str, str]) -> None:
    # Inexact leaves become NaN, integer leaves their maximum; nothing raises.
    expected = "returned [nan, nan] 2147483647"
    assert env_modes_output["started-with eager"].strip() == expected
    assert env_modes_output["started-with jit"].strip() == expected


def test_on_error_raise(env_modes_output: dict[str, str]) -> None:
    eager = env_modes_output["raise eager"].strip()
    assert eager == "raised EquinoxRuntimeError env message"
    jit = env_modes_output["raise jit"]
    assert jit.startswith(" raised") and "EquinoxRuntimeError: env message" in jit


def test_on_error_invalid_value(env_modes_output: dict[str, str]) -> None:
    expected = "EQX_ON_ERROR must be one of raise, breakpoint, nan, off; got 'explode'."
    assert (
        env_modes_output["explode eager"].strip() == f"raised RuntimeError {expected}"
    )
    assert env_modes_output["explode jit"].strip() == f"raised RuntimeError {expected}"


def test_on_error_breakpoint(env_modes_output: dict[str, str]) -> None:
    for name in ("eager", "jit"):
        out = env_modes_output[f"breakpoint {name}"]
        assert "EquinoxRuntimeError: env message\n(the checked value is in `x`)" in out
        # `p x` showed the value being checked, then `c` went on to raise.
        assert "(Pdb) (Array([ 1., -1.], dtype=float32), Array(3, dtype=int32" in out
        assert "raised" in out.split("(Pdb)")[-1]
        assert "env message" in out.split("(Pdb)")[-1]
