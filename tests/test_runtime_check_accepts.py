"""The run-time checks accept what the layers compute with, as Equinox 0.13.8
does: NumPy arrays wherever a JAX array works, integer inputs where Equinox
computes a result for them, Python scalars for `"scalar"` layers, floating
masks for attention. Each call must pass the checks and give the same numbers
as the same input as a JAX array.

Which inputs Equinox 0.13.8 computes with was measured once against the
reference (a black-box run; the table below is that result, as data).
"""

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx
from equinox import nn

KEY = jax.random.key(0)

# name -> (layer factory, input shape; () is a scalar layer)
_LAYERS: dict[str, tuple[Callable[[], Any], tuple[int, ...]]] = {
    "Linear": (lambda: nn.Linear(3, 4, key=KEY), (3,)),
    "Linear scalar": (lambda: nn.Linear("scalar", "scalar", key=KEY), ()),
    "MLP": (lambda: nn.MLP(3, 2, 5, 2, key=KEY), (3,)),
    "MLP scalar": (lambda: nn.MLP("scalar", "scalar", 5, 2, key=KEY), ()),
    "Identity": (nn.Identity, (3,)),
    "Conv1d": (lambda: nn.Conv1d(2, 3, 3, key=KEY), (2, 8)),
    "Conv2d": (lambda: nn.Conv2d(2, 3, 3, key=KEY), (2, 5, 5)),
    "Conv3d": (lambda: nn.Conv3d(1, 2, 2, key=KEY), (1, 3, 3, 3)),
    "ConvTranspose1d": (lambda: nn.ConvTranspose1d(2, 3, 3, key=KEY), (2, 8)),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 3, key=KEY), (2, 4, 4)),
    "ConvTranspose3d": (lambda: nn.ConvTranspose3d(1, 2, 2, key=KEY), (1, 3, 3, 3)),
    "AvgPool1d": (lambda: nn.AvgPool1d(2), (2, 8)),
    "AvgPool2d": (lambda: nn.AvgPool2d(2), (2, 4, 4)),
    "AvgPool3d": (lambda: nn.AvgPool3d(2), (1, 4, 4, 4)),
    "MaxPool1d": (lambda: nn.MaxPool1d(2), (2, 8)),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), (2, 4, 4)),
    "MaxPool3d": (lambda: nn.MaxPool3d(2), (1, 4, 4, 4)),
    "AdaptiveAvgPool1d": (lambda: nn.AdaptiveAvgPool1d(2), (2, 8)),
    "AdaptiveAvgPool2d": (lambda: nn.AdaptiveAvgPool2d(2), (2, 4, 4)),
    "AdaptiveMaxPool1d": (lambda: nn.AdaptiveMaxPool1d(2), (2, 8)),
    "AdaptiveMaxPool3d": (lambda: nn.AdaptiveMaxPool3d(2), (1, 4, 4, 4)),
    "Dropout": (lambda: nn.Dropout(0.5, inference=True), (3,)),
    "LayerNorm": (lambda: nn.LayerNorm(3), (3,)),
    "RMSNorm": (lambda: nn.RMSNorm(3), (3,)),
    "GroupNorm": (lambda: nn.GroupNorm(1, 2), (2, 3)),
    "PReLU": (nn.PReLU, (3,)),
    "RotaryPositionalEmbedding": (lambda: nn.RotaryPositionalEmbedding(4), (3, 4)),
    "Sequential": (
        lambda: nn.Sequential([nn.Linear(3, 4, key=KEY), nn.Lambda(jax.nn.relu)]),
        (3,),
    ),
    "Lambda": (lambda: nn.Lambda(jnp.tanh), (3,)),
    "WeightNorm": (lambda: nn.WeightNorm(nn.Linear(3, 4, key=KEY)), (3,)),
}
# Layers Equinox 0.13.8 computes a result for on int32 input (measured). The
# convolutions are not among them: JAX itself raises a TypeError there.
_INTEGER_OK: frozenset[str] = frozenset(_LAYERS) - {
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
}


def _input(shape: tuple[int, ...]) -> Any:
    # (Any: statically the layers take `jax.Array`; NumPy is a run-time fact)
    size = int(np.prod(shape)) if shape else 1
    return (np.arange(size, dtype=np.float32).reshape(shape) + 1) / 7


def _same(a: object, b: object) -> None:
    leaves_a, leaves_b = jax.tree.leaves(a), jax.tree.leaves(b)
    assert len(leaves_a) == len(leaves_b)
    for x, y in zip(leaves_a, leaves_b, strict=True):
        assert np.asarray(x).dtype == np.asarray(y).dtype
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-6)


@pytest.mark.parametrize("name", sorted(_LAYERS))
def test_numpy_input_gives_the_jax_result(name: str) -> None:
    make, shape = _LAYERS[name]
    layer = make()
    x = _input(shape)
    _same(layer(x), layer(jnp.asarray(x)))


@pytest.mark.parametrize("name", sorted(_INTEGER_OK))
def test_integer_input_is_accepted_where_equinox_computes(name: str) -> None:
    make, shape = _LAYERS[name]
    layer = make()
    x = (np.arange(int(np.prod(shape)) if shape else 1) % 3).reshape(shape)
    x = x.astype(np.int32)
    _same(layer(x), layer(jnp.asarray(x)))


@pytest.mark.parametrize("name", ["Linear scalar", "MLP scalar"])
@pytest.mark.parametrize("value", [0.5, 2])
def test_python_scalar_for_scalar_layers(name: str, value: float) -> None:
    layer = _LAYERS[name][0]()
    _same(layer(value), layer(jnp.asarray(value, dtype=jnp.float32)))


def test_scalar_layer_checks_accept_python_scalars() -> None:
    # The check itself (whatever the body does) lets a Python number through
    # for an annotation of a 0-d array.
    class Scale(eqx.Module):
        factor: float

        def __call__(self, x: jax.Array) -> jax.Array:
            return x * self.factor

    from jaxtyping import Array, Float, Int

    class Rank0(eqx.Module):
        def __call__(self, x: Float[Array, ""], i: Int[Array, ""]) -> Float[Array, ""]:
            return jnp.asarray(x, dtype=jnp.float32) * i

    assert float(Rank0()(_any(1.5), _any(2))) == 3.0
    assert float(Rank0()(_any(2), _any(np.int8(2)))) == 4.0
    with pytest.raises(eqx.TypeCheckError, match=r"cast with i\.astype"):
        Rank0()(_any(1.5), _any(2.5))
    assert float(Scale(2.0)(_any(np.float32(1.5)))) == 3.0


def _any(value: object) -> Any:
    return value


def test_embedding_takes_numpy_and_python_indices() -> None:
    layer = nn.Embedding(10, 4, key=KEY)
    expected = layer(jnp.asarray(3))
    for index in (3, np.int32(3), np.asarray(3, np.int64), jnp.int8(3)):
        _same(layer(_any(index)), expected)


def test_attention_takes_numpy_and_integer_inputs_and_numpy_masks() -> None:
    layer = nn.MultiheadAttention(2, 4, key=KEY)
    q = _input((3, 4))
    mask = _any(np.tril(np.ones((3, 3), bool)))
    _same(
        layer(q, q, q, mask=mask), layer(*(jnp.asarray(q),) * 3, mask=jnp.asarray(mask))
    )
    qi = _any(np.arange(12, dtype=np.int32).reshape(3, 4) % 3)
    _same(layer(qi, qi, qi), layer(*(jnp.asarray(qi),) * 3))


def test_attention_takes_floating_masks() -> None:
    layer = nn.MultiheadAttention(2, 4, key=KEY)
    q = jnp.asarray(_input((3, 4)))
    mask = jnp.tril(jnp.ones((3, 3)))
    _same(layer(q, q, q, mask=mask), layer(q, q, q, mask=mask.astype(bool)))


def test_stateful_layers_take_numpy() -> None:
    bn, state = nn.make_with_state(nn.BatchNorm)(3, "batch", mode="ema")
    x = _input((4, 3))
    out_np, _ = jax.vmap(bn, axis_name="batch", in_axes=(0, None), out_axes=(0, None))(
        x, state
    )
    out_jnp, _ = jax.vmap(bn, axis_name="batch", in_axes=(0, None), out_axes=(0, None))(
        jnp.asarray(x), state
    )
    _same(out_np, out_jnp)
    sn, sn_state = nn.make_with_state(nn.SpectralNorm)(
        nn.Linear(3, 4, key=KEY), "weight", key=KEY
    )
    _same(sn(_input((3,)), sn_state), sn(jnp.asarray(_input((3,))), sn_state))


def test_gru_and_lstm_take_numpy_and_integer_states() -> None:
    gru = nn.GRUCell(3, 4, key=KEY)
    lstm = nn.LSTMCell(3, 4, key=KEY)
    for x, h in (
        (_input((3,)), _input((4,))),
        (_any(np.ones(3, np.int32)), _any(np.ones(4, np.int32))),
    ):
        _same(gru(x, h), gru(jnp.asarray(x), jnp.asarray(h)))
        _same(lstm(x, (h, h)), lstm(jnp.asarray(x), (jnp.asarray(h), jnp.asarray(h))))
