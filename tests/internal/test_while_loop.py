"""`while_loop`: the three kinds, buffers, step bounds and differentiation.
Expected values were measured on Equinox 0.13.8."""

from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array, Float

import equinox.internal as eqxi


def _while_loop(*args: Any, **kwargs: Any) -> Any:
    """`eqxi.while_loop` on carries of Python scalars (arrays at run time,
    which the static carry type cannot express)."""
    return eqxi.while_loop(*args, **kwargs)


Kind = Literal["lax", "checkpointed", "bounded"]
KINDS: list[Kind] = ["lax", "checkpointed", "bounded"]
REVERSE: list[Kind] = ["checkpointed", "bounded"]


def _sine_loop(x: Any, kind: Kind, **kwargs: Any) -> Any:
    def body(c: tuple[Any, Any]) -> tuple[Any, Any]:
        return c[0] + 1, jnp.sin(c[1]) * x

    return _while_loop(lambda c: c[0] < 5, body, (0, x), kind=kind, **kwargs)[1]


@pytest.mark.parametrize("kind", KINDS)
def test_buffers_with_pred(kind: Kind) -> None:
    def body(c: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
        i, buf, x = c
        assert not isinstance(buf, jax.Array)  # a buffer inside the loop
        return i + 1, buf.at[i].set(x * i, pred=i % 2 == 0), x

    i, buf, x = _while_loop(
        lambda c: c[0] < 5,
        body,
        (0, jnp.zeros(6), 2.0),
        buffers=lambda c: c[1],
        kind=kind,
        max_steps=8,
    )
    assert int(i) == 5
    np.testing.assert_allclose(buf, [0.0, 0.0, 4.0, 0.0, 8.0, 0.0])
    assert float(x) == 2.0


@pytest.mark.parametrize("kind", KINDS)
def test_max_steps_stops_the_loop(kind: Kind) -> None:
    out = _while_loop(lambda c: c < 30, lambda c: c + 1, 0, kind=kind, max_steps=7)
    assert int(out) == 7
    assert (
        int(_while_loop(lambda c: c < 30, lambda c: c + 1, 0, kind=kind, max_steps=0))
        == 0
    )


def test_python_scalars_become_weak_arrays() -> None:
    i, y = _while_loop(
        lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2), (0, 1.0), kind="lax"
    )
    assert int(i) == 3 and float(y) == 8.0
    assert y.weak_type


def test_argument_errors() -> None:
    with pytest.raises(ValueError, match="Unrecognised kind of while loop 'foo'"):
        _while_loop(lambda c: c < 3, lambda c: c + 1, 0, kind="foo")
    with pytest.raises(ValueError, match="kind='bounded' requires `max_steps`"):
        _while_loop(lambda c: c < 3, lambda c: c + 1, 0, kind="bounded")
    with pytest.raises(ValueError, match="`max_steps` must be a Python integer"):
        _while_loop(lambda c: c < 3, lambda c: c + 1, 0, kind="lax", max_steps=2.0)
    with pytest.raises(
        ValueError, match="Must specify either `max_steps` or `checkpoints`"
    ):
        _while_loop(lambda c: c < 3, lambda c: c + 1, 0, kind="checkpointed")
    with pytest.raises(ValueError, match="Must have at least one checkpoint"):
        _while_loop(
            lambda c: c < 3, lambda c: c + 1, 0, kind="checkpointed", checkpoints=0
        )
    with pytest.raises(ValueError, match="same input and output structure"):
        _while_loop(lambda c: c < 30, lambda c: c + 1.0, 0, kind="lax")
    with pytest.raises(TypeError):
        _while_loop(
            lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1]), (0, "s"), kind="lax"
        )


@pytest.mark.parametrize("kind", REVERSE)
def test_reverse_mode(kind: Kind) -> None:
    assert float(
        jax.grad(lambda x: _sine_loop(x, kind, max_steps=10))(0.7)
    ) == pytest.approx(0.80573416, rel=1e-6)
    grads = jax.vmap(jax.grad(lambda x: _sine_loop(x, kind, max_steps=10)))(
        jnp.array([0.3, 0.7])
    )
    np.testing.assert_allclose(grads, [0.01425525, 0.80573416], rtol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_vmap(kind: Kind) -> None:
    out = jax.vmap(lambda x: _sine_loop(x, kind, max_steps=10))(jnp.array([0.3, 0.7]))
    np.testing.assert_allclose(out, [0.00071708, 0.10190459], rtol=1e-5)


@pytest.mark.parametrize("kind", ["lax", "bounded"])
def test_forward_mode(kind: Kind) -> None:
    primal, tangent = jax.jvp(
        lambda x: _sine_loop(x, kind, max_steps=10), (0.7,), (1.0,)
    )
    assert float(primal) == pytest.approx(0.10190459, rel=1e-6)
    assert float(tangent) == pytest.approx(0.8057343, rel=1e-6)


def test_unsupported_modes_raise() -> None:
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work"):
        jax.grad(lambda x: _sine_loop(x, "lax"))(0.7)
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jax.jvp(lambda x: _sine_loop(x, "checkpointed", max_steps=10), (0.7,), (1.0,))


@pytest.mark.parametrize("checkpoints", [1, 2, 3, 8, 100])
def test_any_number_of_checkpoints_gives_the_same_gradient(checkpoints: int) -> None:
    grad = jax.grad(lambda x: _sine_loop(x, "checkpointed", checkpoints=checkpoints))(
        0.7
    )
    assert float(grad) == pytest.approx(0.80573416, rel=1e-6)


def test_long_loop_with_few_checkpoints() -> None:
    def loss(a: Float[Array, ""]) -> Any:
        def body(c: tuple[Any, Any]) -> tuple[Any, Any]:
            return c[0] + 1, c[1] * 0.99 + a * 0.01

        return _while_loop(
            lambda c: c[0] < 300, body, (0, 1.0), kind="checkpointed", checkpoints=3
        )[1]

    assert float(jax.grad(loss)(jnp.array(0.5))) == pytest.approx(0.9509597, rel=1e-5)


def test_bounded_base() -> None:
    def loss(a: Float[Array, ""]) -> Any:
        def body(c: tuple[Any, Any]) -> tuple[Any, Any]:
            return c[0] + 1, c[1] * 0.99 + a * 0.01

        return _while_loop(
            lambda c: c[0] < 30, body, (0, 1.0), kind="bounded", max_steps=50, base=2
        )[1]

    assert float(jax.grad(loss)(jnp.array(0.5))) == pytest.approx(0.26029965, rel=1e-5)


@pytest.mark.parametrize("kind", REVERSE)
def test_gradient_through_buffers(kind: Kind) -> None:
    def loss(a: Float[Array, ""]) -> Any:
        def body(c: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
            i, buf, x = c
            x = jnp.cos(x) * a
            return i + 1, buf.at[i].set(x), x

        _, buf, x = _while_loop(
            lambda c: c[0] < 6,
            body,
            (0, jnp.zeros(6), a),
            buffers=lambda c: c[1],
            kind=kind,
            max_steps=8,
        )
        return (buf**2).sum() + x

    assert float(jax.grad(loss)(jnp.array(0.8))) == pytest.approx(4.4449453, rel=1e-5)
    assert float(jax.jit(jax.grad(loss))(jnp.array(0.8))) == pytest.approx(
        4.4449453, rel=1e-5
    )


def test_nested_loop_writes_the_outer_buffer() -> None:
    def outer_body(c: tuple[Any, Any]) -> tuple[Any, Any]:
        i, buf = c

        def inner_body(d: tuple[Any, Any]) -> tuple[Any, Any]:
            j, b = d
            return j + 1, b.at[i * 2 + j].set(i * 10.0 + j)

        _, buf = _while_loop(
            lambda d: d[0] < 2, inner_body, (0, buf), buffers=lambda d: d[1], kind="lax"
        )
        return i + 1, buf

    _, buf = _while_loop(
        lambda c: c[0] < 3,
        outer_body,
        (0, jnp.zeros(6)),
        buffers=lambda c: c[1],
        kind="checkpointed",
        max_steps=5,
    )
    np.testing.assert_allclose(buf, [0.0, 1.0, 10.0, 11.0, 20.0, 21.0])


def test_batched_stopping_and_gradients() -> None:
    def run(n: Any) -> Any:
        return _while_loop(
            lambda c: c[0] < n,
            lambda c: (c[0] + 1, c[1] * 2.0),
            (0, 1.0),
            kind="checkpointed",
            max_steps=10,
        )[1]

    np.testing.assert_allclose(jax.vmap(run)(jnp.array([1, 3, 20])), [2.0, 8.0, 1024.0])

    def power(a: Any, n: Any) -> Any:
        return _while_loop(
            lambda c: c[0] < n,
            lambda c: (c[0] + 1, c[1] * a),
            (0, 1.0),
            kind="checkpointed",
            checkpoints=2,
        )[1]

    grads = jax.vmap(jax.grad(power), in_axes=(None, 0))(1.5, jnp.array([0, 1, 4]))
    np.testing.assert_allclose(grads, [0.0, 1.0, 13.5])


def _buffer_at_set(*args: Any, **kwargs: Any) -> Any:
    return eqxi.buffer_at_set(*args, **kwargs)


def test_buffer_at_set() -> None:
    np.testing.assert_allclose(_buffer_at_set(jnp.zeros(3), 1, 5.0), [0.0, 5.0, 0.0])
    np.testing.assert_allclose(
        _buffer_at_set(jnp.zeros(3), 1, 5.0, pred=False), [0.0, 0.0, 0.0]
    )
    np.testing.assert_allclose(
        _buffer_at_set(jnp.zeros(3), 1, 5.0, pred=jnp.array(False)), [0.0, 0.0, 0.0]
    )
    np.testing.assert_allclose(
        _buffer_at_set(jnp.zeros(3), 1, 5.0, mode="drop"), [0.0, 5.0, 0.0]
    )
