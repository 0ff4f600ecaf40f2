import gc
import threading
import warnings
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox._jit import clear_jit_cache


class Linear(eqx.Module):
    weight: Array
    bias: Array
    activation: Callable[[Array], Array] = jax.nn.relu

    def __call__(self, x: Array) -> Array:
        return self.activation(self.weight @ x + self.bias)

    def scaled(self, x: Array, factor: float) -> Array:
        return factor * self(x)


def make_linear(seed: int = 0, size: int = 3) -> Linear:
    k1, k2 = jax.random.split(jax.random.key(seed))
    return Linear(jax.random.normal(k1, (size, size)), jax.random.normal(k2, (size,)))


class Counter:
    """Counts how often a traced body runs (= traces)."""

    def __init__(self) -> None:
        self.count = 0

    def tick(self) -> None:
        self.count += 1


def test_matches_jax_jit() -> None:
    model = make_linear()
    x = jnp.arange(3.0)
    expected = jax.jit(lambda w, b, x: jax.nn.relu(w @ x + b))(
        model.weight, model.bias, x
    )
    out = eqx.filter_jit(lambda m, x: m(x))(model, x)
    assert isinstance(out, jax.Array)
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_callable_module_and_bound_method() -> None:
    model = make_linear()
    x = jnp.arange(3.0)
    np.testing.assert_allclose(eqx.filter_jit(model)(x), model(x), rtol=1e-6)
    np.testing.assert_allclose(
        eqx.filter_jit(model.scaled)(x, 2.0), 2.0 * model(x), rtol=1e-6
    )


def test_function_arrays_are_traced_not_baked_in() -> None:
    counter = Counter()

    class Scale(eqx.Module):
        s: Array

        def __call__(self, x: Array) -> Array:
            counter.tick()
            return self.s * x

    a = eqx.filter_jit(Scale(jnp.array(2.0)))
    b = eqx.filter_jit(Scale(jnp.array(3.0)))
    assert float(a(jnp.array(1.0))) == 2.0
    assert float(b(jnp.array(1.0))) == 3.0


def test_static_leaves_and_outputs() -> None:
    counter = Counter()

    @eqx.filter_jit
    def f(x: Array, n: int, name: str) -> tuple[Array, int, str, Any]:
        counter.tick()
        return x * n, n + 1, name.upper(), jnp.add

    out, n, name, fn = f(jnp.ones(2), 3, "a")
    np.testing.assert_allclose(out, [3.0, 3.0])
    assert n == 4 and isinstance(n, int)
    assert name == "A"
    assert fn is jnp.add
    f(jnp.zeros(2), 3, "a")
    assert counter.count == 1
    f(jnp.zeros(2), 4, "a")
    assert counter.count == 2
    f(jnp.zeros(2), 3, "b")
    assert counter.count == 3


def test_equal_but_differently_typed_statics_do_not_share_a_trace() -> None:
    @eqx.filter_jit
    def f(s: object) -> object:
        return s

    assert f(1) == 1 and type(f(1)) is int
    assert type(f(1.0)) is float
    assert type(f(True)) is bool


def test_a_leaf_switching_between_array_and_number_switches_tracing() -> None:
    @eqx.filter_jit
    def f(s: object) -> object:
        return s

    assert isinstance(f(jnp.array(2.0)), jax.Array)
    out = f(2.0)  # same structure as the call before; now static
    assert type(out) is float and out == 2.0
    assert isinstance(f(jnp.array(3.0)), jax.Array)


def test_keyword_and_positional_calls_of_equal_structure_stay_apart() -> None:
    @eqx.filter_jit
    def f(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        return args, kwargs

    # `f((x,), {"b": 1})` and `f(x, b=1)` flatten to equal treedefs.
    x = jnp.ones(2)
    for _ in range(2):
        args, kwargs = f((x,), {"b": 1})
        assert kwargs == {} and len(args) == 2 and args[1] == {"b": 1}
        args, kwargs = f(x, b=1)
        assert kwargs == {"b": 1} and len(args) == 1


def test_retraces_only_on_structure_or_shape_change() -> None:
    counter = Counter()

    @eqx.filter_jit
    def f(tree: dict[str, Any]) -> Array:
        counter.tick()
        return sum((v.sum() for v in tree.values()), jnp.array(0.0))

    f({"a": jnp.ones(2)})
    f({"a": jnp.zeros(2)})
    assert counter.count == 1
    f({"a": jnp.ones(3)})  # new shape
    assert counter.count == 2
    f({"a": jnp.ones(2), "b": jnp.ones(2)})  # new structure
    assert counter.count == 3
    # NumPy arrays are traced too: new values, no new trace.
    assert float(f({"a": np.ones(2, np.float32)})) == 2.0
    count = counter.count
    assert float(f({"a": np.full(2, 3.0, np.float32)})) == 6.0
    assert counter.count == count


def test_kwargs_and_positional() -> None:
    @eqx.filter_jit
    def f(x: Array, y: Array, *, scale: float = 1.0) -> Array:
        return (x + y) * scale

    np.testing.assert_allclose(f(jnp.ones(2), jnp.ones(2)), [2.0, 2.0])
    np.testing.assert_allclose(f(jnp.ones(2), y=jnp.ones(2), scale=3.0), [6.0, 6.0])


def test_shape_dependent_static_output() -> None:
    @eqx.filter_jit
    def f(x: Array) -> tuple[int, Array]:
        return x.shape[0], x * 2

    for size in (2, 3, 2, 5, 3):
        n, y = f(jnp.ones(size))
        assert n == size
        assert y.shape == (size,)


def test_unhashable_static_output_and_module_output() -> None:
    class Unhashable:
        __hash__ = None  # type: ignore[assignment]  # the point of the test

    marker = Unhashable()

    class Model(eqx.Module):
        weight: Array
        activation: Callable[[Array], Array]
        tag: object

    @eqx.filter_jit
    def f(model: Model) -> tuple[Model, Unhashable]:
        return eqx.tree_at(lambda m: m.weight, model, model.weight * 2), marker

    model = Model(jnp.ones(2), jax.nn.relu, "t")
    for _ in range(2):
        out, got = f(model)
        assert got is marker
        assert isinstance(out, Model)
        assert out.activation is jax.nn.relu and out.tag == "t"
        np.testing.assert_allclose(out.weight, [2.0, 2.0])


def test_methods_share_one_cache() -> None:
    counter = Counter()

    class Model(eqx.Module):
        w: Array

        @eqx.filter_jit
        def __call__(self, x: Array) -> Array:
            counter.tick()
            return self.w * x

        @eqx.filter_jit
        def double(self, x: Array) -> Array:
            counter.tick()
            return 2 * self.w * x

    m1, m2 = Model(jnp.array(2.0)), Model(jnp.array(3.0))
    assert float(m1(jnp.array(1.0))) == 2.0
    assert float(m2(jnp.array(1.0))) == 3.0
    assert counter.count == 1
    assert float(m2.double(jnp.array(1.0))) == 6.0
    assert counter.count == 2


def test_decorator_factory_and_metadata() -> None:
    @eqx.filter_jit(donate="none")
    def my_function(x: Array) -> Array:
        """Docs."""
        return x + 1

    assert my_function.__name__ == "my_function"  # type: ignore[attr-defined]  # copied by update_wrapper
    assert my_function.__doc__ == "Docs."
    np.testing.assert_allclose(my_function(jnp.zeros(2)), [1.0, 1.0])


def _update(m: Linear, x: Array) -> tuple[Linear, Array]:
    # Every output has the shape of an input, so every donation is usable.
    return Linear(m.weight * 2, m.bias + 1, m.activation), x * 3


def test_donate_all_deletes_inputs() -> None:
    model, x = make_linear(), jnp.ones(3)
    new_model, y = eqx.filter_jit(_update, donate="all")(model, x)
    assert model.weight.is_deleted() and model.bias.is_deleted()
    assert x.is_deleted()
    assert not new_model.weight.is_deleted() and float(y[0]) == 3.0
    assert new_model.activation is jax.nn.relu


def test_donate_all_except_first_keeps_first() -> None:
    model, x = make_linear(), jnp.ones(3)
    eqx.filter_jit(_update, donate="all-except-first")(model, x)
    assert not model.weight.is_deleted()
    assert x.is_deleted()


def test_donate_none_keeps_everything() -> None:
    model, x = make_linear(), jnp.ones(3)
    eqx.filter_jit(_update)(model, x)
    assert not model.weight.is_deleted() and not x.is_deleted()


def _unusable_donation(donate: Any) -> list[warnings.WarningMessage]:
    # The second input (4,) cannot hold the scalar output: unusable donation.
    f = eqx.filter_jit(lambda a, x: jnp.sum(x), donate=donate)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f(jnp.ones(()), jnp.ones(4))
    return [w for w in caught if "donated buffers" in str(w.message)]


def test_donate_warn_modes() -> None:
    assert _unusable_donation("warn")
    assert _unusable_donation("warn-except-first")
    assert not _unusable_donation("all")
    assert not _unusable_donation("all-except-first")


def test_bad_donate_mode() -> None:
    with pytest.raises(ValueError, match=r"donate=.*got 'everything'"):
        eqx.filter_jit(lambda x: x, donate="everything")  # type: ignore[call-overload]  # the mistake under test


def test_not_callable() -> None:
    with pytest.raises(TypeError, match="expects a callable"):
        eqx.filter_jit(3)  # type: ignore[call-overload]  # the mistake under test


def test_lower_compile() -> None:
    model = make_linear()
    x = jnp.arange(3.0)
    f = eqx.filter_jit(lambda m, x, n: (m(x) * n, n))
    lowered = f.lower(model, x, 2)
    assert "stablehlo" in lowered.as_text() or "func" in lowered.as_text()
    compiled = lowered.compile()
    out, n = compiled(model, x, 2)
    np.testing.assert_allclose(out, 2 * model(x), rtol=1e-6)
    assert n == 2
    with pytest.raises(TypeError, match="different static"):
        compiled(model, x, 3)
    with pytest.raises(TypeError, match="different structure"):
        compiled(model, (x,), 2)


class _Opt:
    """Hashable by nothing: an unhashable static leaf."""

    __hash__ = None  # type: ignore[assignment]  # deliberately unhashable


def test_unhashable_static_names_the_argument() -> None:
    @eqx.filter_jit
    def f(x: Array, config: dict[str, Any]) -> Array:
        return x

    with pytest.raises(TypeError, match=r"args\[1\]\['opt'\] \(a _Opt\)"):
        f(jnp.ones(2), {"opt": _Opt()})


def test_unhashable_keyword_names_the_argument() -> None:
    @eqx.filter_jit
    def f(x: Array, *, opt: object) -> Array:
        return x

    with pytest.raises(TypeError, match=r"kwargs\['opt'\]"):
        f(jnp.ones(2), opt=_Opt())


def test_errors_in_user_code_propagate_unchanged() -> None:
    @eqx.filter_jit
    def f(x: Array) -> Array:
        raise ValueError("boom from user code")

    with pytest.raises(ValueError, match="boom from user code"):
        f(jnp.ones(2))


def test_cache_holds_functions_weakly() -> None:
    big = jnp.ones(1000)

    def body(x: Array) -> Array:
        return x + big

    jitted = eqx.filter_jit(body)
    jitted(jnp.ones(1000))
    wrapper_ref = weakref.ref(jitted)
    body_ref = weakref.ref(body)
    del jitted, body
    gc.collect()
    assert wrapper_ref() is None
    assert body_ref() is None


def test_clear_jit_cache_forces_retrace() -> None:
    counter = Counter()

    @eqx.filter_jit
    def f(x: Array) -> Array:
        counter.tick()
        return x + 1

    f(jnp.ones(2))
    f(jnp.ones(2))
    assert counter.count == 1
    clear_jit_cache()
    f(jnp.ones(2))
    assert counter.count == 2


def test_concurrent_calls_from_threads() -> None:
    lock = threading.Lock()
    traced: list[int] = []

    @eqx.filter_jit
    def f(x: Array, n: int) -> Array:
        with lock:
            traced.append(n)
        return x * n

    def work(i: int) -> float:
        n = i % 4
        return float(f(jnp.full((), float(i)), n))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(64)))
    assert results == [float(i * (i % 4)) for i in range(64)]
    # One trace per static value; JAX may trace a structure at most once per
    # racing thread, never per call.
    assert set(traced) == {0, 1, 2, 3}
    assert len(traced) <= 4 * 8


def test_nested_in_jax_transformations() -> None:
    model = make_linear()
    f = eqx.filter_jit(lambda m, x: jnp.sum(m(x)))
    g = jax.grad(lambda x: f(model, x))(jnp.arange(3.0))
    expected = jax.grad(lambda x: jnp.sum(model(x)))(jnp.arange(3.0))
    np.testing.assert_allclose(g, expected, rtol=1e-6)
    batched = jax.vmap(lambda x: f(model, x))(jnp.ones((4, 3)))
    assert batched.shape == (4,)


def test_failed_error_if_raises_equinox_runtime_error() -> None:
    @eqx.filter_jit
    def f(x: Array) -> Array:
        return eqx.error_if(x, x < 0, "x must be non-negative")

    np.testing.assert_allclose(f(jnp.ones(2)), [1.0, 1.0])
    for _ in range(2):  # first (compiling) call and the cached fast path
        with pytest.raises(eqx.EquinoxRuntimeError, match="x must be non-negative"):
            f(-jnp.ones(2))


def test_compiled_survives_clear_jit_cache() -> None:
    f = eqx.filter_jit(lambda x, n: x * n)
    compiled = f.lower(jnp.ones(2), 3).compile()
    clear_jit_cache()
    np.testing.assert_allclose(compiled(jnp.ones(2), 3), [3.0, 3.0])


def test_step_returning_module_with_function_field_stays_on_cpp_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # JAX's C++ dispatch falls back to Python (`_run_python_pjit`) whenever an
    # output leaf is not an array; a returned Module whose `activation` field
    # is a function must not force that fallback on every call.
    from jax._src import pjit

    calls: list[None] = []
    original = pjit._run_python_pjit  # pyright: ignore[reportPrivateUsage]

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(None)
        return original(*args, **kwargs)

    monkeypatch.setattr(pjit, "_run_python_pjit", counting)

    @eqx.filter_jit
    def step(model: Linear, x: Array) -> tuple[Linear, Array]:
        new = eqx.tree_at(lambda m: m.bias, model, model.bias + 1.0)
        return new, new(x)

    model = Linear(jnp.ones((2, 2)), jnp.zeros(2))
    x = jnp.ones(2)
    model, _ = step(model, x)
    first = len(calls)
    assert first >= 1  # the first call traces and compiles through Python
    for _ in range(5):
        model, y = step(model, x)
    assert len(calls) == first
    assert model.activation is jax.nn.relu
    np.testing.assert_allclose(np.asarray(model.bias), np.full(2, 6.0))
    np.testing.assert_allclose(np.asarray(y), np.full(2, 8.0))


def test_dropping_the_last_wrapper_frees_its_state_at_once() -> None:
    # No reference cycle: the compiled executables go with the last wrapper,
    # without waiting for the garbage collector.
    def add_one(x: jax.Array) -> jax.Array:
        return x + 1

    model = eqx.nn.Linear(2, 2, key=jax.random.key(0))
    for fun in (add_one, model):
        wrapper = eqx.filter_jit(fun)
        wrapper(jnp.ones(2))
        state = weakref.ref(wrapper._state)  # type: ignore[attr-defined]  # the run-time Module's field
        del wrapper
        assert state() is None


def test_function_that_cannot_be_hashed_gets_its_own_state() -> None:
    class Unhashable:
        def __hash__(self) -> int:
            raise ValueError("no hash")

        def __call__(self, x: jax.Array) -> jax.Array:
            return x + 1

    fun = Unhashable()
    first, second = eqx.filter_jit(fun), eqx.filter_jit(fun)
    assert first(jnp.ones(1)).tolist() == [2.0]
    assert first._state is not second._state  # type: ignore[attr-defined]  # the run-time Module's field
    clear_jit_cache()  # reaches both states
    assert second(jnp.ones(1)).tolist() == [2.0]
