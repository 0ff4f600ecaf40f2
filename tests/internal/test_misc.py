"""The smaller helpers of `equinox.internal`. Expected values were measured
on Equinox 0.13.8."""

import inspect
from typing import Any

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import equinox as eqx
import equinox.internal as eqxi


def test_left_broadcast_to() -> None:
    np.testing.assert_array_equal(
        eqxi.left_broadcast_to(jnp.array([1.0, 2.0]), (2, 3)),
        [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]],
    )
    with pytest.raises(ValueError):
        eqxi.left_broadcast_to(jnp.array([1.0, 2.0]), (3, 3))


def test_eval_empty_and_zero() -> None:
    calls: list[int] = []

    def fn(x: Any, y: Any) -> Any:
        calls.append(1)
        return x + y, x * 2, jnp.int32(3)

    for helper in (eqxi.eval_empty, eqxi.eval_zero):
        a, b, c = helper(fn, jnp.ones(3), 2.0)
        np.testing.assert_array_equal(a, np.zeros(3, np.float32))
        assert b.shape == (3,) and c.dtype == jnp.int32 and int(c) == 0
    assert len(calls) == 2  # traced once per call, never run on values


def test_hashable_partition_combine() -> None:
    tree = (jnp.ones(2), 1, "a")
    dynamic, static = eqxi.hashable_partition(tree, eqx.is_array)
    assert dynamic[1:] == (None, None)
    hash(static)
    out = eqxi.hashable_combine(dynamic, static)
    assert out[1:] == (1, "a")
    np.testing.assert_array_equal(out[0], tree[0])


def test_static() -> None:
    s = eqxi.Static(3)
    assert s.value == 3
    assert eqxi.Static(3) == eqxi.Static(3)
    assert jax.tree_util.tree_leaves(eqxi.Static((1, "x"))) == []
    out = eqx.filter_jit(lambda x: (x + 1, eqxi.Static("meta")))(jnp.ones(2))
    assert out[1].value == "meta"


def test_doc_helpers_change_nothing() -> None:
    def f(a: int, b: int, c: int = 1) -> int:
        return a

    assert eqxi.doc_repr(f, "lambda x: x") is f
    assert eqxi.doc_repr(3, "three") == 3
    g = eqxi.doc_remove_args("b")(f)
    assert g is f and list(inspect.signature(g).parameters) == ["a", "b", "c"]


def test_str2jax() -> None:
    hello = eqxi.str2jax("hello")
    assert str(hello) == "hello" and repr(hello) == "hello"
    assert type(hello).__name__ == "hello"
    assert jax.tree_util.tree_leaves(hello) == []
    assert int(jax.jit(lambda x, s: x)(1, hello)) == 1
    with pytest.raises(TypeError):
        hello()  # type: ignore[operator]  # not callable


def test_nextafter_prevbefore() -> None:
    one = jnp.array(1.0)
    assert float(eqxi.nextafter(one)) - 1 == pytest.approx(1.1920929e-07)
    assert 1 - float(eqxi.prevbefore(one)) == pytest.approx(5.9604645e-08)
    assert float(eqxi.nextafter(jnp.array(0.0))) == pytest.approx(1.1754944e-38)
    assert float(eqxi.prevbefore(jnp.array(0.0))) == pytest.approx(-1.1754944e-38)
    assert float(eqxi.nextafter(jnp.array(jnp.inf))) == float("inf")
    assert float(eqxi.nextafter(jnp.array(-jnp.inf))) == pytest.approx(-3.4028235e38)
    assert float(jax.grad(eqxi.nextafter)(1.0)) == 1.0
    assert float(jax.grad(eqxi.prevbefore)(1.0)) == 1.0
    with pytest.raises(ValueError, match="not inexact"):
        eqxi.nextafter(jnp.array(1))


def test_scan_trick() -> None:
    out = eqxi.scan_trick(
        lambda x: x * 2, [lambda x: x + 1, lambda x: x + 10], jnp.array(1.0)
    )
    assert float(out) == 32.0
    assert float(eqxi.scan_trick(lambda x: x * 2, [], jnp.array(1.0))) == 2.0
    jaxpr = jax.make_jaxpr(
        lambda y: eqxi.scan_trick(lambda x: x * 2, [lambda x: x + 1], y)
    )(1.0)
    assert [str(e.primitive) for e in jaxpr.eqns][-1] == "scan"


def test_cached_filter_eval_shape() -> None:
    calls: list[int] = []

    def fn(x: Any, n: int) -> Any:
        calls.append(n)
        return x * n

    first = eqxi.cached_filter_eval_shape(fn, jnp.ones(3), 2)
    again = eqxi.cached_filter_eval_shape(fn, jnp.zeros(3), 2)
    assert first.shape == (3,) and first.dtype == jnp.float32 and again == first
    assert calls == [2]


def test_getkey() -> None:
    getkey = eqxi.GetKey(0)
    np.testing.assert_array_equal(getkey(), [928981903, 3453687069])
    np.testing.assert_array_equal(getkey(), [4146024105, 2718843009])
    assert getkey.seed == 0 and getkey.call == 2
    assert (
        repr(eqxi.GetKey(0))
        == "GetKey(seed=0, call=0, key=Array([0, 0], dtype=uint32))"
    )
    assert eqxi.GetKey()().shape == jr.PRNGKey(0).shape


def test_closure_to_pytree() -> None:
    def make() -> Any:
        a = jnp.array(1.0)

        def f(x: Any) -> Any:
            return x + a

        return eqxi.closure_to_pytree(f)

    f = make()
    leaves = jax.tree_util.tree_leaves(f)
    assert len(leaves) == 1 and float(leaves[0]) == 1.0
    assert float(f(2.0)) == 3.0
    doubled = jax.tree_util.tree_map(lambda x: x * 2, f)
    assert float(doubled(2.0)) == 4.0


def test_noinline() -> None:
    def add(x: Any, y: Any) -> Any:
        return x + y

    f = eqxi.noinline(add)
    assert int(jax.jit(lambda x: f(x, jnp.array(1)) + f(x, jnp.array(2)))(1)) == 5


def test_assert_dce() -> None:
    @jax.jit
    def unused(x: Any) -> Any:
        eqxi.assert_dce(x + 1, "should have been removed")
        return x * 2

    assert float(unused(1.0)) == 2.0
    with pytest.raises(Exception, match="kept alive"):
        jax.jit(lambda x: eqxi.assert_dce(x + 1, "kept alive"))(1.0)


def test_reexports() -> None:
    assert eqxi.error_if is eqx.error_if
    assert eqxi.branched_error_if is eqx.branched_error_if
    assert eqxi.Enumeration is eqx.Enumeration
    assert eqxi.AbstractVar is eqx.AbstractVar
    assert eqxi.AbstractClassVar is eqx.AbstractClassVar
    assert eqxi.debug_backward_nan is eqx.debug.backward_nan
    assert eqxi.announce_transform is eqx.debug.announce_transform
