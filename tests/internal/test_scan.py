"""`scan`: `lax.scan` semantics for every kind, with buffers and gradients.
Expected values were measured on Equinox 0.13.8."""

from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox.internal as eqxi

XS = jnp.arange(5.0)
YS = [0.0, 0.9, 3.3029418, 7.186863, 9.188716]


def _step(c: Any, x: Any) -> tuple[Any, Any]:
    return c * 0.9 + jnp.sin(x), c * x


@pytest.mark.parametrize("kind", ["lax", "checkpointed", "bounded"])
def test_values_and_gradients(kind: Literal["lax", "checkpointed", "bounded"]) -> None:
    carry, ys = eqxi.scan(_step, 1.0, XS, kind=kind)
    assert float(carry) == pytest.approx(1.3106586, rel=1e-6)
    np.testing.assert_allclose(ys, YS, rtol=1e-6)

    def loss(c0: Any, xs: Any) -> Any:
        return eqxi.scan(_step, c0, xs, kind=kind)[1].sum()

    g_c0, g_xs = jax.grad(loss, argnums=(0, 1))(1.0, XS)
    assert float(g_c0) == pytest.approx(7.3314, rel=1e-5)
    np.testing.assert_allclose(
        g_xs, [9.146, 5.19, -1.0950983, -1.5643489, 2.297179], rtol=1e-5
    )


@pytest.mark.parametrize("checkpoints", [1, 2, "all"])
def test_checkpoint_counts(checkpoints: Any) -> None:
    def loss(c0: Any) -> Any:
        return eqxi.scan(_step, c0, XS, kind="checkpointed", checkpoints=checkpoints)[
            1
        ].sum()

    assert float(jax.grad(loss)(1.0)) == pytest.approx(7.3314, rel=1e-5)


def test_length_without_xs() -> None:
    carry, ys = eqxi.scan(
        lambda c, x: (c + 1, c), 0, None, length=3, kind="checkpointed"
    )
    assert int(carry) == 3
    np.testing.assert_array_equal(ys, [0, 1, 2])


@pytest.mark.parametrize("kind", ["lax", "checkpointed"])
def test_buffers(kind: Literal["lax", "checkpointed"]) -> None:
    def step(c: Any, x: Any) -> tuple[Any, Any]:
        i, buf = c
        return (i + 1, buf.at[i].set(x * 2)), x

    (i, buf), ys = eqxi.scan(
        step, (0, jnp.zeros(5)), XS, buffers=lambda c: c[1], kind=kind
    )
    assert int(i) == 5
    np.testing.assert_allclose(buf, [0.0, 2.0, 4.0, 6.0, 8.0])
    np.testing.assert_allclose(ys, XS)


def test_bad_kind() -> None:
    with pytest.raises(ValueError, match="Unrecognised kind of scan"):
        eqxi.scan(_step, 1.0, XS, kind="foo")  # type: ignore[arg-type]  # testing the error
