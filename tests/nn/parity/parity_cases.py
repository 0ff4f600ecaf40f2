"""Layer constructions and calls compared against Equinox 0.13.8.

Written against the public `equinox` API only, so the same code runs under the
reference (in `make_reference.py`, which freezes the results into
`reference.npz`) and under ours (in the `test_parity_*.py` files). Each case
builds a model from a key and returns it, its state (or None) and a function
computing the outputs compared.
"""

from collections.abc import Callable
from typing import Any, TypeAlias

import jax
import jax.numpy as jnp

import equinox as eqx

Run: TypeAlias = Callable[[Any, Any], Any]
Built: TypeAlias = tuple[Any, Any, Run]
Case: TypeAlias = Callable[[jax.Array], Built]

CASES: dict[str, Case] = {}
FAMILY: dict[str, str] = {}


def _x(shape: tuple[int, ...], dtype: Any = jnp.float32, seed: int = 7) -> jax.Array:
    x = jax.random.normal(jax.random.key(seed), shape)
    return x.astype(dtype)


def _plain(model: Any, *args: Any, **kwargs: Any) -> Built:
    return model, None, lambda m, s: m(*args, **kwargs)


def _add(family: str, name: str, case: Case) -> None:
    assert name not in CASES, name
    CASES[name] = case
    FAMILY[name] = family


# ---- Linear / MLP / Identity -------------------------------------------------

_LINEAR: dict[str, tuple[Any, dict[str, Any], tuple[int, ...]]] = {
    "3_4": ((3, 4), {}, (3,)),
    "nobias": ((5, 2), {"use_bias": False}, (5,)),
    "scalar_in": (("scalar", 3), {}, ()),
    "scalar_out": ((3, "scalar"), {}, (3,)),
    "scalar_both": (("scalar", "scalar"), {}, ()),
    "bf16": ((4, 3), {"dtype": jnp.bfloat16}, (4,)),
    "f16": ((4, 3), {"dtype": jnp.float16}, (4,)),
    "c64": ((4, 3), {"dtype": jnp.complex64}, (4,)),
}


def _linear_case(args: Any, kwargs: Any, shape: Any) -> Case:
    def case(key: jax.Array) -> Built:
        layer = eqx.nn.Linear(*args, **kwargs, key=key)
        return _plain(layer, _x(shape, layer.weight.dtype))

    return case


for _name, (_a, _k, _s) in _LINEAR.items():
    _add("linear", f"Linear_{_name}", _linear_case(_a, _k, _s))

_add("linear", "Identity", lambda key: _plain(eqx.nn.Identity(3, key=key), _x((3,))))

_MLP: dict[str, tuple[Any, dict[str, Any], tuple[int, ...]]] = {
    "d0": ((3, 2, 4, 0), {}, (3,)),
    "d1": ((3, 2, 4, 1), {}, (3,)),
    "d3": ((3, 2, 4, 3), {"activation": jax.nn.tanh}, (3,)),
    "scalar": (("scalar", "scalar", 5, 2), {}, ()),
    "nobias": ((3, 2, 4, 2), {"use_bias": False, "use_final_bias": False}, (3,)),
    "finalbias_only": ((3, 2, 4, 2), {"use_bias": False}, (3,)),
    "final_act": ((3, 2, 4, 1), {"final_activation": jax.nn.sigmoid}, (3,)),
    "scan_d0": ((3, 2, 4, 0), {"scan": True}, (3,)),
    "scan_d1": ((3, 2, 4, 1), {"scan": True}, (3,)),
    "scan_d3": ((3, 2, 4, 3), {"scan": True}, (3,)),
    "bf16": ((3, 2, 4, 2), {"dtype": jnp.bfloat16}, (3,)),
}


def _mlp_case(args: Any, kwargs: Any, shape: Any) -> Case:
    def case(key: jax.Array) -> Built:
        dtype = kwargs.get("dtype", jnp.float32)
        return _plain(eqx.nn.MLP(*args, **kwargs, key=key), _x(shape, dtype))

    return case


for _name, (_a, _k, _s) in _MLP.items():
    _add("linear", f"MLP_{_name}", _mlp_case(_a, _k, _s))


# ---- Conv / ConvTranspose ----------------------------------------------------

_CONV: dict[str, dict[str, Any]] = {
    "plain": {},
    "stride2": {"stride": 2},
    "pad1": {"padding": 1},
    "pad_pairs": {"padding": "pairs"},
    "same": {"padding": "SAME", "stride": 2},
    "same_lower": {"padding": "SAME_LOWER", "stride": 2},
    "same_dil": {"padding": "SAME", "dilation": 2},
    "valid": {"padding": "VALID", "stride": 2},
    "dilation2": {"dilation": 2, "padding": 1},
    "groups2": {"groups": 2},
    "nobias": {"use_bias": False},
    "reflect": {"padding": 2, "padding_mode": "REFLECT"},
    "replicate": {"padding": "pairs", "padding_mode": "REPLICATE"},
    "circular": {"padding": "SAME", "padding_mode": "CIRCULAR"},
    "bf16": {"dtype": jnp.bfloat16, "padding": 1},
    "f16": {"dtype": jnp.float16},
    "c64": {"dtype": jnp.complex64, "stride": 2},
}

_CONV_T: dict[str, dict[str, Any]] = {
    "plain": {},
    "stride2": {"stride": 2},
    "stride2_op1": {"stride": 2, "output_padding": 1},
    "stride3_pad1_op2": {"stride": 3, "padding": 1, "output_padding": 2},
    "pad_pairs": {"padding": "pairs", "stride": 2},
    "same": {"padding": "SAME", "stride": 2},
    "same_op1": {"padding": "SAME", "stride": 2, "output_padding": 1},
    "same_lower": {"padding": "SAME_LOWER", "stride": 3},
    "valid": {"padding": "VALID", "stride": 2},
    "dilation2": {"dilation": 2, "padding": 1, "stride": 2},
    "groups2": {"groups": 2, "stride": 2},
    "nobias": {"use_bias": False},
    "circular": {"padding": "SAME", "padding_mode": "CIRCULAR", "stride": 2},
    "circular_lower": {"padding": "SAME_LOWER", "padding_mode": "CIRCULAR"},
    "bf16": {"dtype": jnp.bfloat16, "stride": 2},
    "f16": {"dtype": jnp.float16},
    "c64": {"dtype": jnp.complex64, "stride": 2},
}

_CONV_CLASSES = {1: "Conv1d", 2: "Conv2d", 3: "Conv3d"}
_CONV_T_CLASSES = {1: "ConvTranspose1d", 2: "ConvTranspose2d", 3: "ConvTranspose3d"}
_KERNEL = {1: 3, 2: (3, 2), 3: (2, 3, 2)}
_SPATIAL = {1: (7,), 2: (6, 5), 3: (4, 5, 3)}


def _conv_case(cls_name: str, n: int, options: dict[str, Any]) -> Case:
    def case(key: jax.Array) -> Built:
        opts = dict(options)
        if opts.get("padding") == "pairs":
            opts["padding"] = tuple((i % 2, 1 + i % 3) for i in range(n))
        cls = getattr(eqx.nn, cls_name)
        layer = cls(4, 6, _KERNEL[n], **opts, key=key)
        return _plain(layer, _x((4, *_SPATIAL[n]), layer.weight.dtype))

    return case


for _n in (1, 2, 3):
    for _name, _opts in _CONV.items():
        if _n == 3 and _name not in ("plain", "same", "groups2", "circular"):
            continue
        _cls = _CONV_CLASSES[_n]
        _add("conv", f"{_cls}_{_name}", _conv_case(_cls, _n, _opts))
    for _name, _opts in _CONV_T.items():
        if _n == 3 and _name not in ("plain", "same_op1", "groups2", "circular"):
            continue
        _cls = _CONV_T_CLASSES[_n]
        _add("conv", f"{_cls}_{_name}", _conv_case(_cls, _n, _opts))


def _generic_conv(key: jax.Array) -> Built:
    layer = eqx.nn.Conv(
        2, 2, 3, (2, 2), stride=(1, 2), padding=((1, 0), (0, 1)), key=key
    )
    return _plain(layer, _x((2, 5, 6)))


def _generic_conv_t(key: jax.Array) -> Built:
    layer = eqx.nn.ConvTranspose(
        2, 2, 3, (2, 3), stride=(2, 1), padding=((1, 0), (0, 1)), key=key
    )
    return _plain(layer, _x((2, 4, 5)))


_add("conv", "Conv_generic", _generic_conv)
_add("conv", "ConvTranspose_generic", _generic_conv_t)


# ---- Pools -------------------------------------------------------------------

_POOL_OPTS: dict[str, dict[str, Any]] = {
    "k2": {"kernel_size": 2},
    "k3s2": {"kernel_size": 3, "stride": 2},
    "k3s2p1": {"kernel_size": 3, "stride": 2, "padding": 1},
    "k2s2ceil": {"kernel_size": 2, "stride": 2, "use_ceil": True},
    "k3s2pairs_ceil": {
        "kernel_size": 3,
        "stride": 2,
        "padding": "pairs",
        "use_ceil": True,
    },
}
_POOL_SPATIAL = {1: (9,), 2: (7, 6), 3: (5, 4, 5)}


def _pool_case(cls_name: str, n: int, options: dict[str, Any]) -> Case:
    def case(key: jax.Array) -> Built:
        del key
        opts = dict(options)
        if opts.get("padding") == "pairs":
            opts["padding"] = tuple((1, i % 2) for i in range(n))
        layer = getattr(eqx.nn, cls_name)(**opts)
        return _plain(layer, _x((3, *_POOL_SPATIAL[n])))

    return case


for _kind in ("Max", "Avg"):
    for _n in (1, 2, 3):
        for _name, _opts in _POOL_OPTS.items():
            if _n == 3 and _name not in ("k2", "k3s2p1"):
                continue
            _cls = f"{_kind}Pool{_n}d"
            _add("pool", f"{_cls}_{_name}", _pool_case(_cls, _n, _opts))

_ADAPTIVE: dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {
    1: [((3,), (7,)), ((4,), (10,)), ((5,), (5,)), ((2,), (9,))],
    2: [((3, 2), (7, 5)), ((4, 4), (6, 9))],
    3: [((2, 3, 2), (5, 7, 3))],
}


def _adaptive_case(cls_name: str, target: Any, spatial: Any) -> Case:
    def case(key: jax.Array) -> Built:
        del key
        layer = getattr(eqx.nn, cls_name)(target)
        return _plain(layer, _x((2, *spatial)))

    return case


for _kind in ("Max", "Avg"):
    for _n, _shapes in _ADAPTIVE.items():
        for _target, _spatial in _shapes:
            _cls = f"Adaptive{_kind}Pool{_n}d"
            _tag = "x".join(map(str, _spatial)) + "_to_" + "x".join(map(str, _target))
            _add("pool", f"{_cls}_{_tag}", _adaptive_case(_cls, _target, _spatial))


def _pool_generic(key: jax.Array) -> Built:
    del key
    layer = eqx.nn.Pool(0.0, jax.lax.add, 2, (2, 3), stride=(1, 2), padding=1)
    return _plain(layer, _x((2, 5, 6)))


def _adaptive_generic(key: jax.Array) -> Built:
    del key
    return _plain(eqx.nn.AdaptivePool((3, 2), 2, jnp.max), _x((2, 7, 5)))


_add("pool", "Pool_generic", _pool_generic)
_add("pool", "AdaptivePool_generic", _adaptive_generic)


# ---- Normalisation -----------------------------------------------------------

_NORMS: dict[str, tuple[Callable[[], Any], tuple[int, ...]]] = {
    "LayerNorm_3": (lambda: eqx.nn.LayerNorm(3), (3,)),
    "LayerNorm_2x3_noweight": (
        lambda: eqx.nn.LayerNorm((2, 3), use_weight=False),
        (2, 3),
    ),
    "LayerNorm_nobias_eps": (
        lambda: eqx.nn.LayerNorm(4, eps=0.1, use_bias=False),
        (4,),
    ),
    "LayerNorm_bf16": (lambda: eqx.nn.LayerNorm(4, dtype=jnp.bfloat16), (4,)),
    "GroupNorm_2_4": (lambda: eqx.nn.GroupNorm(2, 4), (4, 3)),
    "GroupNorm_noaffine": (
        lambda: eqx.nn.GroupNorm(2, 4, channelwise_affine=False),
        (4, 5),
    ),
    "GroupNorm_1_3_eps": (lambda: eqx.nn.GroupNorm(1, 3, eps=0.5), (3, 2, 2)),
    "RMSNorm_4": (lambda: eqx.nn.RMSNorm(4), (4,)),
    "RMSNorm_2x3_noweight": (lambda: eqx.nn.RMSNorm((2, 3), use_weight=False), (2, 3)),
    "RMSNorm_nobias": (lambda: eqx.nn.RMSNorm(4, use_bias=False, eps=0.1), (4,)),
}


def _norm_case(make: Callable[[], Any], shape: tuple[int, ...]) -> Case:
    def case(key: jax.Array) -> Built:
        del key
        layer = make()
        # Non-trivial affine parameters, so that they are exercised.
        layer = jax.tree_util.tree_map(
            lambda a: a + jnp.arange(a.size, dtype=a.dtype).reshape(a.shape) / 4,
            layer,
        )
        dtype = jnp.bfloat16 if "bf16" in repr(layer) else jnp.float32
        return _plain(layer, _x(shape, dtype) * 3 + 1)

    return case


for _name, (_make, _shape) in _NORMS.items():
    _add("norm", _name, _norm_case(_make, _shape))


def _batch_norm_case(**options: Any) -> Case:
    def case(key: jax.Array) -> Built:
        del key
        bn, state = eqx.nn.make_with_state(eqx.nn.BatchNorm)(3, "batch", **options)

        def run(m: Any, s: Any) -> Any:
            train = jax.vmap(
                m, axis_name="batch", in_axes=(0, None), out_axes=(0, None)
            )
            outs = []
            for step in range(3):
                y, s = train(_x((5, 3, 2), seed=step) * (step + 1) + step, s)
                outs.append(y)
            infer = jax.vmap(
                eqx.nn.inference_mode(m),
                axis_name="batch",
                in_axes=(0, None),
                out_axes=(0, None),
            )
            y, s = infer(_x((5, 3, 2), seed=9), s)
            return outs, y, s

        return bn, state, run

    return case


_add("batch_norm", "BatchNorm_ema", _batch_norm_case(mode="ema"))
_add("batch_norm", "BatchNorm_ema_m05", _batch_norm_case(mode="ema", momentum=0.5))
_add("batch_norm", "BatchNorm_batch", _batch_norm_case(mode="batch"))
_add(
    "batch_norm",
    "BatchNorm_batch_noaffine",
    _batch_norm_case(mode="batch", channelwise_affine=False, momentum=0.9),
)


# ---- Attention and RoPE ------------------------------------------------------


def _mha_case(args: tuple[Any, ...], masked: bool = False, **options: Any) -> Case:
    def case(key: jax.Array) -> Built:
        mha = eqx.nn.MultiheadAttention(*args, **options, key=key)
        q = _x((4, mha.query_size), seed=1)
        k = _x((5, mha.key_size), seed=2)
        v = _x((5, mha.value_size), seed=3)
        mask = jnp.arange(20).reshape(4, 5) % 3 != 0 if masked else None
        call_key = jax.random.key(11) if options.get("dropout_p") else None
        return mha, None, lambda m, s: m(q, k, v, mask, key=call_key)

    return case


_add("attention", "MHA_2_8", _mha_case((2, 8)))
_add(
    "attention",
    "MHA_sizes_biases",
    _mha_case(
        (3, 6, 5, 4, 7, 2, 3),
        use_query_bias=True,
        use_key_bias=True,
        use_value_bias=True,
        use_output_bias=True,
    ),
)
_add("attention", "MHA_masked", _mha_case((2, 4), masked=True))
_add("attention", "MHA_dropout", _mha_case((2, 4), dropout_p=0.5))


def _rope_case(size: int, **options: Any) -> Case:
    def case(key: jax.Array) -> Built:
        del key
        return _plain(eqx.nn.RotaryPositionalEmbedding(size, **options), _x((5, size)))

    return case


_add("attention", "RoPE_8", _rope_case(8))
_add("attention", "RoPE_6_theta100", _rope_case(6, theta=100.0))


# ---- Embedding, recurrent cells, activations, dropout ------------------------


def _embedding(key: jax.Array) -> Built:
    return _plain(eqx.nn.Embedding(10, 4, key=key), jnp.array(3))


def _gru(use_bias: bool) -> Case:
    def case(key: jax.Array) -> Built:
        cell = eqx.nn.GRUCell(3, 4, use_bias=use_bias, key=key)
        return _plain(cell, _x((3,)), _x((4,), seed=2))

    return case


def _lstm(use_bias: bool) -> Case:
    def case(key: jax.Array) -> Built:
        cell = eqx.nn.LSTMCell(3, 4, use_bias=use_bias, key=key)
        return _plain(cell, _x((3,)), (_x((4,), seed=2), _x((4,), seed=3)))

    return case


def _prelu(key: jax.Array) -> Built:
    del key
    return _plain(eqx.nn.PReLU(0.1), _x((5,)))


def _dropout(key: jax.Array) -> Built:
    del key
    return _plain(eqx.nn.Dropout(0.3), _x((6,)), key=jax.random.key(5))


_add("misc", "Embedding_10_4", _embedding)
_add("misc", "GRUCell", _gru(True))
_add("misc", "GRUCell_nobias", _gru(False))
_add("misc", "LSTMCell", _lstm(True))
_add("misc", "LSTMCell_nobias", _lstm(False))
_add("misc", "PReLU", _prelu)
_add("misc", "Dropout", _dropout)


# ---- Wrappers: WeightNorm, SpectralNorm, Sequential, Lambda ------------------


def _weight_norm_linear(axis: Any) -> Case:
    def case(key: jax.Array) -> Built:
        layer = eqx.nn.WeightNorm(eqx.nn.Linear(3, 4, key=key), axis=axis)
        return _plain(layer, _x((3,)))

    return case


def _weight_norm_conv(key: jax.Array) -> Built:
    layer = eqx.nn.WeightNorm(eqx.nn.Conv2d(2, 3, 2, key=key))
    return _plain(layer, _x((2, 4, 4)))


def _spectral_norm(make: Callable[[jax.Array], Any], shape: tuple[int, ...]) -> Case:
    def case(key: jax.Array) -> Built:
        lkey, skey = jax.random.split(key)
        layer, state = eqx.nn.make_with_state(eqx.nn.SpectralNorm)(
            make(lkey), "weight", key=skey
        )

        def run(m: Any, s: Any) -> Any:
            y1, s = m(_x(shape), s)
            y2, s = m(_x(shape, seed=3), s)
            y3, s = m(_x(shape, seed=4), s, inference=True)
            return y1, y2, y3, s

        return layer, state, run

    return case


def _sequential(key: jax.Array) -> Built:
    k1, k2 = jax.random.split(key)
    seq = eqx.nn.Sequential(
        [
            eqx.nn.Linear(3, 4, key=k1),
            eqx.nn.Lambda(jax.nn.relu),
            eqx.nn.Linear(4, 2, key=k2),
        ]
    )
    return _plain(seq, _x((3,)))


def _sequential_stateful(key: jax.Array) -> Built:
    k1, k2 = jax.random.split(key)
    seq, state = eqx.nn.make_with_state(eqx.nn.Sequential)(
        [
            eqx.nn.Linear(3, 4, key=k1),
            eqx.nn.BatchNorm(4, "batch", mode="batch"),
            eqx.nn.Linear(4, 2, key=k2),
        ]
    )

    def run(m: Any, s: Any) -> Any:
        f = jax.vmap(m, axis_name="batch", in_axes=(0, None), out_axes=(0, None))
        return f(_x((6, 3)), s)

    return seq, state, run


_add("wrappers", "WeightNorm_linear", _weight_norm_linear(0))
_add("wrappers", "WeightNorm_linear_axisNone", _weight_norm_linear(None))
_add("wrappers", "WeightNorm_conv", _weight_norm_conv)
_add(
    "wrappers",
    "SpectralNorm_linear",
    _spectral_norm(lambda k: eqx.nn.Linear(3, 4, key=k), (3,)),
)
_add(
    "wrappers",
    "SpectralNorm_conv",
    _spectral_norm(lambda k: eqx.nn.Conv2d(2, 3, 2, key=k), (2, 4, 4)),
)
_add("wrappers", "Sequential", _sequential)
_add("wrappers", "Sequential_stateful", _sequential_stateful)
_add("wrappers", "Lambda", lambda key: _plain(eqx.nn.Lambda(jnp.sin), _x((3,))))


def key_for(name: str) -> jax.Array:
    """The construction key of a case: fixed per case, different across cases."""
    return jax.random.PRNGKey(sum(map(ord, name)) % 1000)


def arrays(tree: Any) -> list[Any]:
    """The array leaves of a pytree, in leaf order."""
    return [x for x in jax.tree_util.tree_leaves(tree) if eqx.is_array(x)]


# ---- Helpers and deprecated spellings the Equinox docs name ------------------


def _attention_weights(key: jax.Array) -> Built:
    del key
    from equinox.nn._attention import dot_product_attention_weights

    q, k = _x((3, 4), seed=1), _x((5, 4), seed=2)
    mask = jnp.arange(15).reshape(3, 5) % 2 == 0
    return (
        None,
        None,
        lambda m, s: (
            dot_product_attention_weights(q, k),
            dot_product_attention_weights(q, k, mask),
        ),
    )


def _attention(key: jax.Array) -> Built:
    del key
    from equinox.nn._attention import dot_product_attention

    q, k, v = _x((3, 4), seed=1), _x((5, 4), seed=2), _x((5, 2), seed=3)
    mask = jnp.arange(15).reshape(3, 5) % 2 == 0
    dropout = eqx.nn.Dropout(0.5)
    return (
        None,
        None,
        lambda m, s: (
            dot_product_attention(q, k, v),
            dot_product_attention(q, k, v, mask),
            dot_product_attention(q, k, v, dropout=dropout, key=jax.random.key(4)),
            dot_product_attention(q, k, v, dropout=dropout, inference=True),
        ),
    )


def _freqs_cis(key: jax.Array) -> Built:
    del key
    rope = eqx.nn.RotaryPositionalEmbedding
    return (
        None,
        None,
        lambda m, s: (
            rope.precompute_freqs_cis(6, 4, 10_000.0, jnp.float32),
            rope.precompute_freqs_cis(8, 3, 50.0, jnp.float32),
        ),
    )


def _dropout_deterministic(key: jax.Array) -> Built:
    del key
    x = _x((6,))
    k = jax.random.key(5)
    return (
        None,
        None,
        lambda m, s: (
            eqx.nn.Dropout(0.5, deterministic=True)(x, key=k),
            eqx.nn.Dropout(0.5, inference=True, deterministic=False)(x, key=k),
            eqx.nn.Dropout(0.5)(x, key=k, deterministic=True),
            eqx.nn.Dropout(0.5)(x, key=k, inference=True, deterministic=False),
        ),
    )


def _mha_deterministic(key: jax.Array) -> Built:
    mha = eqx.nn.MultiheadAttention(2, 4, dropout_p=0.5, key=key)
    q, kv = _x((2, 4), seed=1), _x((3, 4), seed=2)
    return mha, None, lambda m, s: m(q, kv, kv, deterministic=True)


_add("api", "dot_product_attention_weights", _attention_weights)
_add("api", "dot_product_attention", _attention)
_add("api", "precompute_freqs_cis", _freqs_cis)
_add("api", "Dropout_deterministic", _dropout_deterministic)
_add("api", "MHA_deterministic", _mha_deterministic)


def _shared(key: jax.Array) -> Built:
    k1, k2 = jax.random.split(key)
    embedding = eqx.nn.Embedding(5, 3, key=k1)
    linear = eqx.nn.Linear(3, 5, key=k2)
    shared = eqx.nn.Shared(
        (embedding, linear),
        where=lambda pair: pair[1].weight,
        get=lambda pair: pair[0].weight,
    )

    def run(m: Any, s: Any) -> Any:
        emb, lin = m()
        return lin(emb(jnp.array(2))), emb.weight, lin.weight

    return shared, None, run


def _embedding_given_weight(key: jax.Array) -> Built:
    del key
    weight = jnp.arange(12.0).reshape(4, 3) / 7
    return _plain(eqx.nn.Embedding(weight=weight), jnp.array(1))


_add("wrappers", "Shared", _shared)
_add("misc", "Embedding_given_weight", _embedding_given_weight)
