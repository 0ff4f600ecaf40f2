"""`eqx.debug.backward_nan`."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx
from equinox._errors import equinox_error_from


def _loss(x: Array, terminate: bool = True) -> Array:
    y = eqx.debug.backward_nan(x, name="inputs", terminate=terminate)
    return jnp.sum(jnp.sqrt(y))


def test_identity_and_clean_gradient() -> None:
    x = jnp.array([1.0, 4.0])
    assert jnp.array_equal(eqx.debug.backward_nan(x), x)
    np.testing.assert_allclose(jax.grad(_loss)(x), [0.5, 0.25])


def test_nan_cotangent_raises() -> None:
    with pytest.raises(
        eqx.EquinoxRuntimeError, match=r"backward_nan\(inputs\): NaN in cotangent"
    ):
        jax.grad(_loss)(jnp.array([1.0, -4.0]))
    with pytest.raises(Exception) as info:
        jax.jit(jax.grad(_loss))(jnp.array([1.0, -4.0]))
    assert (
        str(equinox_error_from(info.value)) == "backward_nan(inputs): NaN in cotangent."
    )


def test_nan_cotangent_reported_without_terminating(
    capsys: pytest.CaptureFixture[str],
) -> None:
    grad = jax.grad(lambda x: _loss(x, terminate=False))(jnp.array([1.0, -4.0]))
    assert np.isnan(grad[1])
    out = capsys.readouterr().out
    assert "backward_nan(inputs): NaN in cotangent: leaf 0: [0.5 nan]" in out


def test_non_float_leaves_pass_through() -> None:
    tree = (jnp.arange(3), "label")
    assert eqx.debug.backward_nan(tree) is tree
