"""Every `eqx.nn` layer passes its own run-time checks (on by default), and
its annotations catch wrong inputs before the layer's body runs."""

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import pytest

import equinox as eqx
from equinox import nn

KEY = jax.random.key(0)


def _any(value: object) -> Any:
    return value


def _call(layer: Any, *args: Any, **kwargs: Any) -> Any:
    return layer(*args, **kwargs)


_EAGER_CASES: list[tuple[str, Callable[[], Any], tuple[int, ...]]] = [
    ("Linear", lambda: _call(nn.Linear(3, 4, key=KEY), jnp.ones(3)), (4,)),
    (
        "Linear scalar",
        lambda: _call(nn.Linear("scalar", "scalar", key=KEY), jnp.array(1.0)),
        (),
    ),
    ("Identity", lambda: _call(nn.Identity(), jnp.ones(3)), (3,)),
    (
        "MLP",
        lambda: _call(nn.MLP(3, 2, width_size=5, depth=2, key=KEY), jnp.ones(3)),
        (2,),
    ),
    (
        "Conv1d",
        lambda: _call(nn.Conv1d(2, 3, kernel_size=3, key=KEY), jnp.ones((2, 8))),
        (3, 6),
    ),
    (
        "Conv2d groups",
        lambda: _call(
            nn.Conv2d(4, 6, kernel_size=3, padding=1, groups=2, key=KEY),
            jnp.ones((4, 5, 5)),
        ),
        (6, 5, 5),
    ),
    (
        "Conv3d",
        lambda: _call(nn.Conv3d(1, 2, kernel_size=2, key=KEY), jnp.ones((1, 3, 3, 3))),
        (2, 2, 2, 2),
    ),
    (
        "ConvTranspose2d",
        lambda: _call(
            nn.ConvTranspose2d(2, 3, kernel_size=3, stride=2, key=KEY),
            jnp.ones((2, 4, 4)),
        ),
        (3, 9, 9),
    ),
    (
        "MaxPool2d",
        lambda: _call(nn.MaxPool2d(kernel_size=2, stride=2), jnp.ones((3, 4, 4))),
        (3, 2, 2),
    ),
    (
        "AvgPool1d",
        lambda: _call(nn.AvgPool1d(kernel_size=2), jnp.ones((2, 5))),
        (2, 4),
    ),
    (
        "AdaptiveAvgPool2d",
        lambda: _call(nn.AdaptiveAvgPool2d(2), jnp.ones((3, 6, 6))),
        (3, 2, 2),
    ),
    (
        "AdaptiveMaxPool1d",
        lambda: _call(nn.AdaptiveMaxPool1d(3), jnp.ones((2, 9))),
        (2, 3),
    ),
    (
        "Dropout",
        lambda: _call(nn.Dropout(0.5), jnp.ones((2, 3)), key=KEY),
        (2, 3),
    ),
    (
        "Conv",
        lambda: _call(nn.Conv(1, 2, 3, kernel_size=2, key=KEY), jnp.ones((2, 4))),
        (3, 3),
    ),
    (
        "ConvTranspose1d",
        lambda: _call(
            nn.ConvTranspose1d(2, 3, kernel_size=3, key=KEY), jnp.ones((2, 4))
        ),
        (3, 6),
    ),
    (
        "ConvTranspose3d",
        lambda: _call(
            nn.ConvTranspose3d(1, 2, kernel_size=2, key=KEY), jnp.ones((1, 2, 2, 2))
        ),
        (2, 3, 3, 3),
    ),
    (
        "MaxPool1d",
        lambda: _call(nn.MaxPool1d(kernel_size=2), jnp.ones((2, 5))),
        (2, 4),
    ),
    (
        "MaxPool3d",
        lambda: _call(nn.MaxPool3d(kernel_size=2), jnp.ones((1, 3, 3, 3))),
        (1, 2, 2, 2),
    ),
    (
        "AvgPool2d",
        lambda: _call(nn.AvgPool2d(kernel_size=2, stride=2), jnp.ones((2, 4, 4))),
        (2, 2, 2),
    ),
    (
        "AvgPool3d",
        lambda: _call(nn.AvgPool3d(kernel_size=2), jnp.ones((1, 3, 3, 3))),
        (1, 2, 2, 2),
    ),
    (
        "AdaptiveAvgPool1d",
        lambda: _call(nn.AdaptiveAvgPool1d(2), jnp.ones((3, 6))),
        (3, 2),
    ),
    (
        "AdaptiveAvgPool3d",
        lambda: _call(nn.AdaptiveAvgPool3d(1), jnp.ones((2, 2, 2, 2))),
        (2, 1, 1, 1),
    ),
    (
        "AdaptiveMaxPool2d",
        lambda: _call(nn.AdaptiveMaxPool2d(2), jnp.ones((3, 4, 4))),
        (3, 2, 2),
    ),
    (
        "AdaptiveMaxPool3d",
        lambda: _call(nn.AdaptiveMaxPool3d(1), jnp.ones((2, 2, 2, 2))),
        (2, 1, 1, 1),
    ),
    (
        "Pool",
        lambda: _call(nn.Pool(0.0, jax.lax.add, 1, kernel_size=2), jnp.ones((2, 5))),
        (2, 4),
    ),
    (
        "AdaptivePool",
        lambda: _call(
            nn.AdaptivePool(2, 1, lambda x: jnp.max(x, axis=-1)), jnp.ones((3, 6))
        ),
        (3, 2),
    ),
    ("LayerNorm", lambda: _call(nn.LayerNorm((2, 3)), jnp.ones((2, 3))), (2, 3)),
    ("RMSNorm", lambda: _call(nn.RMSNorm(3), jnp.ones(3)), (3,)),
    ("GroupNorm", lambda: _call(nn.GroupNorm(2, 4), jnp.ones((4, 5))), (4, 5)),
    (
        "Embedding",
        lambda: _call(nn.Embedding(10, 4, key=KEY), jnp.array(3)),
        (4,),
    ),
    (
        "RotaryPositionalEmbedding",
        lambda: _call(nn.RotaryPositionalEmbedding(4), jnp.ones((5, 4))),
        (5, 4),
    ),
    (
        "MultiheadAttention",
        lambda: _call(
            nn.MultiheadAttention(2, 4, key=KEY),
            jnp.ones((3, 4)),
            jnp.ones((5, 4)),
            jnp.ones((5, 4)),
        ),
        (3, 4),
    ),
    (
        "GRUCell",
        lambda: _call(nn.GRUCell(3, 4, key=KEY), jnp.ones(3), jnp.ones(4)),
        (4,),
    ),
    (
        "LSTMCell",
        lambda: _call(
            nn.LSTMCell(3, 4, key=KEY), jnp.ones(3), (jnp.ones(4), jnp.ones(4))
        )[0],
        (4,),
    ),
    ("PReLU", lambda: _call(nn.PReLU(), jnp.ones((2, 3))), (2, 3)),
    ("Lambda", lambda: _call(nn.Lambda(jnp.tanh), jnp.ones(3)), (3,)),
    (
        "Sequential",
        lambda: _call(
            nn.Sequential([nn.Linear(3, 4, key=KEY), nn.Lambda(jax.nn.relu)]),
            jnp.ones(3),
        ),
        (4,),
    ),
    (
        "WeightNorm",
        lambda: _call(nn.WeightNorm(nn.Linear(3, 4, key=KEY)), jnp.ones(3)),
        (4,),
    ),
]


@pytest.mark.parametrize(
    ("name", "run", "shape"), _EAGER_CASES, ids=[c[0] for c in _EAGER_CASES]
)
def test_layer_passes_its_own_checks(
    name: str, run: Callable[[], Any], shape: tuple[int, ...]
) -> None:
    del name
    assert run().shape == shape


def test_stateful_layers_pass_their_own_checks() -> None:
    bn, state = nn.make_with_state(nn.BatchNorm)(3, axis_name="batch", mode="batch")
    out, state = jax.vmap(bn, axis_name="batch", in_axes=(0, None), out_axes=(0, None))(
        jnp.ones((5, 3, 2)), state
    )
    assert out.shape == (5, 3, 2)
    sn, sn_state = nn.make_with_state(nn.SpectralNorm)(
        nn.Linear(3, 4, key=KEY), key=KEY
    )
    y, _ = sn(jnp.ones(3), sn_state)
    assert y.shape == (4,)


def test_shared_layer() -> None:
    embedding = nn.Embedding(5, 3, key=KEY)
    head = nn.Linear(3, 5, key=KEY)

    def where(pair: tuple[nn.Embedding, nn.Linear]) -> Any:
        return pair[1].weight

    def get(pair: tuple[nn.Embedding, nn.Linear]) -> Any:
        return pair[0].weight

    shared = nn.Shared((embedding, head), where, get)
    tied_embedding, tied_head = shared()
    assert tied_head.weight.shape == (5, 3)
    assert bool(jnp.all(tied_head.weight == tied_embedding.weight))


def test_layers_under_jit_and_vmap() -> None:
    mlp = nn.MLP(3, 2, width_size=4, depth=1, key=KEY)
    out = eqx.filter_jit(jax.vmap(mlp))(jnp.ones((6, 3)))
    assert out.shape == (6, 2)
    with pytest.raises(eqx.TypeCheckError, match="argument 'x'"):
        eqx.filter_jit(jax.vmap(mlp))(jnp.ones((6, 4)))


_BAD_CASES: list[tuple[str, Callable[[], Any], str]] = [
    (
        "Linear size",
        lambda: _call(nn.Linear(3, 4, key=KEY), jnp.ones(2)),
        "Linear.__call__: argument 'x'",
    ),
    (
        # Integer input is computed with (as in Equinox); bool is not numeric.
        "Linear dtype",
        lambda: _call(nn.Linear(3, 4, key=KEY), jnp.ones(3, jnp.bool_)),
        "got:      bool[3]",
    ),
    (
        "Conv2d dtype",
        lambda: _call(
            nn.Conv2d(2, 3, kernel_size=3, key=KEY), jnp.ones((2, 5, 5), jnp.int32)
        ),
        "got:      i32[2,5,5]",
    ),
    (
        "LayerNorm shape",
        lambda: _call(nn.LayerNorm((2, 3)), jnp.ones((3, 2))),
        "*shape=(2, 3) (from field 'weight')",
    ),
    (
        "GRUCell hidden",
        lambda: _call(nn.GRUCell(3, 4, key=KEY), jnp.ones(3), jnp.ones(5)),
        "argument 'hidden'",
    ),
    (
        "Embedding index dtype",
        lambda: _call(nn.Embedding(10, 4, key=KEY), _any(jnp.array(1.0))),
        "argument 'x'",
    ),
    (
        "MultiheadAttention kv_seq",
        lambda: _call(
            nn.MultiheadAttention(2, 4, key=KEY),
            jnp.ones((3, 4)),
            jnp.ones((5, 4)),
            jnp.ones((6, 4)),
        ),
        "argument 'value'",
    ),
    (
        "Embedding construction",
        lambda: nn.Embedding(weight=_any(jnp.ones((3, 4), jnp.int32))),
        "Embedding: field 'weight'",
    ),
]


@pytest.mark.parametrize(
    ("name", "run", "fragment"), _BAD_CASES, ids=[c[0] for c in _BAD_CASES]
)
def test_layer_annotations_reject_wrong_inputs(
    name: str, run: Callable[[], Any], fragment: str
) -> None:
    del name
    with pytest.raises(eqx.TypeCheckError) as info:
        run()
    assert fragment in str(info.value)
