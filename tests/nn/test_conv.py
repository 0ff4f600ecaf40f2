import itertools
import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx

KEY = jax.random.key(0)
_NP_MODE = {"ZEROS": "constant", "REFLECT": "reflect", "REPLICATE": "edge"}
_NP_MODE["CIRCULAR"] = "wrap"


def _reference_conv(
    x: np.ndarray,
    weight: np.ndarray,
    stride: Sequence[int],
    pads: Sequence[tuple[int, int]],
    dilation: Sequence[int],
    groups: int,
    mode: str = "ZEROS",
) -> np.ndarray:
    """Direct-loop cross-correlation of one channels-first example."""
    x = np.pad(x, [(0, 0), *pads], mode=_NP_MODE[mode])  # type: ignore[call-overload]  # numpy's pad modes are literals
    out_c, in_per_group, *kernel = weight.shape
    spatial = x.shape[1:]
    out_sizes = [
        (n - d * (k - 1) - 1) // s + 1
        for n, k, s, d in zip(spatial, kernel, stride, dilation, strict=True)
    ]
    out_per_group = out_c // groups
    y = np.zeros((out_c, *out_sizes))
    for o in range(out_c):
        g = o // out_per_group
        for pos in itertools.product(*(range(n) for n in out_sizes)):
            total = 0.0
            for c in range(in_per_group):
                for kpos in itertools.product(*(range(k) for k in kernel)):
                    index = tuple(
                        p * s + kk * d
                        for p, s, kk, d in zip(pos, stride, kpos, dilation, strict=True)
                    )
                    total += x[(g * in_per_group + c, *index)] * weight[(o, c, *kpos)]
            y[(o, *pos)] = total
    return y


def _bias(layer: Any) -> np.ndarray:
    return np.asarray(layer.bias) if layer.bias is not None else np.zeros(1)


def _same_pads(
    kind: str,
    sizes: Sequence[int],
    kernel: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> list[tuple[int, int]]:
    pads = []
    for n, k, s, d in zip(sizes, kernel, stride, dilation, strict=True):
        total = max((math.ceil(n / s) - 1) * s + d * (k - 1) + 1 - n, 0)
        lo = total // 2 if kind == "SAME" else total - total // 2
        pads.append((lo, total - lo))
    return pads


_CONV_CASES: list[dict[str, Any]] = [
    {"dims": 1, "cin": 2, "cout": 3, "k": 3, "size": (7,)},
    {"dims": 1, "cin": 4, "cout": 2, "k": 2, "stride": 2, "padding": 1, "groups": 2, "size": (9,)},
    {"dims": 1, "cin": 1, "cout": 2, "k": 3, "dilation": 2, "padding": [(2, 1)], "size": (8,)},
    {"dims": 2, "cin": 2, "cout": 3, "k": (3, 2), "stride": (2, 1), "padding": (1, 0), "size": (6, 5)},
    {"dims": 2, "cin": 3, "cout": 3, "k": 3, "groups": 3, "padding": "SAME", "size": (5, 4)},
    {"dims": 2, "cin": 2, "cout": 2, "k": 4, "stride": 2, "padding": "SAME_LOWER", "size": (7, 6)},
    {"dims": 2, "cin": 2, "cout": 1, "k": 3, "padding": "VALID", "use_bias": False, "size": (5, 5)},
    {"dims": 2, "cin": 1, "cout": 2, "k": 3, "padding": 2, "padding_mode": "REFLECT", "size": (5, 6)},
    {"dims": 2, "cin": 1, "cout": 2, "k": 3, "padding": ((1, 2), (2, 0)), "padding_mode": "REPLICATE", "size": (4, 4)},
    {"dims": 2, "cin": 2, "cout": 2, "k": 3, "padding": "SAME", "padding_mode": "CIRCULAR", "size": (4, 5)},
    {"dims": 3, "cin": 2, "cout": 2, "k": 2, "stride": (1, 2, 1), "dilation": (1, 1, 2), "padding": 1, "size": (3, 4, 5)},
]  # fmt: skip


@pytest.mark.parametrize("case", _CONV_CASES)
def test_conv_matches_direct_loop(case: dict[str, Any]) -> None:
    dims = case["dims"]
    layer = eqx.nn.Conv(
        dims,
        case["cin"],
        case["cout"],
        case["k"],
        stride=case.get("stride", 1),
        padding=case.get("padding", 0),
        dilation=case.get("dilation", 1),
        groups=case.get("groups", 1),
        use_bias=case.get("use_bias", True),
        padding_mode=case.get("padding_mode", "ZEROS"),
        key=KEY,
    )
    x = np.asarray(jax.random.normal(jax.random.key(1), (case["cin"], *case["size"])))
    padding = layer.padding
    if padding == "VALID":
        pads = [(0, 0)] * dims
    elif isinstance(padding, str):
        pads = _same_pads(
            padding, case["size"], layer.kernel_size, layer.stride, layer.dilation
        )
        if padding in ("SAME", "SAME_LOWER"):
            # The documented promise: out = ceil(in / stride).
            expected_shape = [
                math.ceil(n / s)
                for n, s in zip(case["size"], layer.stride, strict=True)
            ]
            assert list(layer(jnp.asarray(x)).shape[1:]) == expected_shape
    else:
        pads = list(padding)
    expected = _reference_conv(
        x,
        np.asarray(layer.weight),
        layer.stride,
        pads,
        layer.dilation,
        layer.groups,
        layer.padding_mode,
    )
    expected = expected + _bias(layer)
    np.testing.assert_allclose(layer(jnp.asarray(x)), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    ("padding", "stride"), [("SAME", 1), ("SAME", 2), ("SAME_LOWER", 3), ("VALID", 2)]
)
def test_conv_string_padding_agrees_with_lax(padding: str, stride: int) -> None:
    # lax implements the same string paddings independently of our helper.
    layer = eqx.nn.Conv2d(2, 3, (4, 3), stride=stride, padding=padding, key=KEY)
    x = jax.random.normal(jax.random.key(1), (2, 9, 7))
    expected = jax.lax.conv_general_dilated(
        x[None], layer.weight, (stride, stride), padding
    )[0]
    assert layer.bias is not None
    np.testing.assert_allclose(layer(x), expected + layer.bias, rtol=1e-5, atol=1e-5)


def test_conv_subclasses_and_shapes() -> None:
    c1 = eqx.nn.Conv1d(2, 3, 3, key=KEY)
    c2 = eqx.nn.Conv2d(2, 3, 3, stride=2, key=KEY)
    c3 = eqx.nn.Conv3d(2, 3, 3, padding=1, key=KEY)
    assert (c1.num_spatial_dims, c2.num_spatial_dims, c3.num_spatial_dims) == (1, 2, 3)
    assert c1(jnp.ones((2, 10))).shape == (3, 8)
    assert c2(jnp.ones((2, 9, 9))).shape == (3, 4, 4)
    assert c3(jnp.ones((2, 4, 4, 4))).shape == (3, 4, 4, 4)
    assert c2.weight.shape == (3, 2, 3, 3)
    assert c2.bias is not None and c2.bias.shape == (3, 1, 1)


def test_conv_init_range_and_dtype() -> None:
    layer = eqx.nn.Conv2d(8, 16, 3, groups=2, dtype=jnp.float16, key=KEY)
    assert layer.weight.dtype == jnp.float16
    limit = 1 / math.sqrt(4 * 3 * 3)
    weight = np.asarray(layer.weight, np.float32)
    assert np.max(np.abs(weight)) <= limit * (1 + 1e-3)
    assert np.max(weight) > 0.9 * limit and np.min(weight) < -0.9 * limit
    assert layer(jnp.ones((8, 5, 5), jnp.float16)).dtype == jnp.float16


def test_conv_under_jit_vmap_grad() -> None:
    layer = eqx.nn.Conv1d(2, 3, 3, padding=1, key=KEY)
    xs = jax.random.normal(jax.random.key(1), (4, 2, 6))
    ys = jax.jit(jax.vmap(layer))(xs)
    assert ys.shape == (4, 3, 6)
    np.testing.assert_allclose(ys[2], layer(xs[2]), rtol=1e-5, atol=1e-6)

    def loss(model: eqx.nn.Conv1d) -> jax.Array:
        return jnp.sum(jax.vmap(model)(xs))

    grads = jax.jit(jax.grad(loss))(layer)
    # d/d bias of a sum over 4 examples and 6 positions.
    assert grads.bias is not None
    np.testing.assert_allclose(grads.bias, np.full((3, 1), 24.0), rtol=1e-5)
    # d/d weight[o, c, k] = sum over examples and positions of the padded input.
    padded = np.pad(np.asarray(xs), ((0, 0), (0, 0), (1, 1)))
    expected = np.stack(
        [padded[:, :, k : k + 6].sum(axis=(0, 2)) for k in range(3)], -1
    )
    np.testing.assert_allclose(
        grads.weight, np.broadcast_to(expected, (3, 2, 3)), rtol=1e-4
    )


def test_conv_dtype_promotion() -> None:
    layer = eqx.nn.Conv1d(1, 1, 2, key=KEY)
    assert layer(jnp.ones((1, 4), jnp.bfloat16)).dtype == jnp.float32


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"in_channels": 0}, ValueError, "Conv2d: `in_channels` must be >= 1, got 0"),
        ({"out_channels": -2}, ValueError, "Conv2d: `out_channels` must be >= 1"),
        ({"groups": 2, "in_channels": 3}, ValueError, r"`groups` \(2\) must divide `in_channels`"),
        ({"groups": 2, "out_channels": 5}, ValueError, r"`groups` \(2\) must divide `out_channels`"),
        ({"kernel_size": (3, 3, 3)}, ValueError, "`kernel_size` must have one entry per spatial dimension"),
        ({"kernel_size": 0}, ValueError, "`kernel_size` must be >= 1, got 0"),
        ({"stride": (1, 0)}, ValueError, "`stride` must be >= 1, got 0"),
        ({"padding": -1}, ValueError, "`padding` must be >= 0, got -1"),
        ({"padding": "FULL"}, ValueError, "`padding` string must be one of"),
        ({"padding": [(1, 1)]}, ValueError, "`padding` must have one entry per spatial dimension"),
        ({"padding": [(1, 2, 3), (1, 1)]}, TypeError, r"\(low, high\) pairs"),
        ({"padding_mode": "MIRROR"}, ValueError, "`padding_mode` must be one of"),
        ({"dtype": jnp.int8}, TypeError, "`dtype` must be a floating-point dtype"),
    ],
)  # fmt: skip
def test_conv_bad_config(kwargs: dict[str, Any], error: type, message: str) -> None:
    config: dict[str, Any] = {"in_channels": 4, "out_channels": 4, "kernel_size": 3}
    config.update(kwargs)
    with pytest.raises(error, match=message):
        eqx.nn.Conv2d(key=KEY, **config)


def test_conv_bad_input() -> None:
    layer = eqx.nn.Conv2d(3, 2, 3, key=KEY)
    with pytest.raises(ValueError, match=r"Conv2d: expected an input of rank 3"):
        layer(jnp.ones((5, 3, 8, 8)))  # type: ignore[jaxtyping-shape]  # deliberately wrong
    with pytest.raises(ValueError, match=r"expected 3 input channels"):
        layer(jnp.ones((2, 8, 8)))  # type: ignore[jaxtyping-shape]  # deliberately wrong
    with pytest.raises(ValueError, match="smaller than the dilated kernel"):
        layer(jnp.ones((3, 2, 8)))


# ------------------------------------------------------------------ transposed


def _reference_transpose(
    x: np.ndarray,
    weight: np.ndarray,
    stride: Sequence[int],
    crop: Sequence[tuple[int, int]],
    output_padding: Sequence[int],
    dilation: Sequence[int],
    groups: int,
) -> np.ndarray:
    """Scatter definition: input (c, i) adds x * w[j] to output
    i*s + (k-1-j)*d - low (Equinox's layout: the kernel is not flipped back)."""
    out_c, in_per_group, *kernel = weight.shape
    sizes = x.shape[1:]
    out_sizes = [
        (n - 1) * s - lo - hi + d * (k - 1) + op + 1
        for n, s, (lo, hi), d, k, op in zip(
            sizes, stride, crop, dilation, kernel, output_padding, strict=True
        )
    ]
    y = np.zeros((out_c, *out_sizes))
    out_per_group = out_c // groups
    for o in range(out_c):
        g = o // out_per_group
        for c in range(in_per_group):
            for pos in itertools.product(*(range(n) for n in sizes)):
                for kpos in itertools.product(*(range(k) for k in kernel)):
                    target = tuple(
                        p * s + kk * d - lo
                        for p, s, kk, d, (lo, _) in zip(
                            pos, stride, kpos, dilation, crop, strict=True
                        )
                    )
                    if all(0 <= t < m for t, m in zip(target, out_sizes, strict=True)):
                        tap = tuple(
                            k - 1 - j for k, j in zip(kernel, kpos, strict=True)
                        )
                        y[(o, *target)] += (
                            x[(g * in_per_group + c, *pos)] * weight[(o, c, *tap)]
                        )
    return y


_TRANSPOSE_CASES: list[dict[str, Any]] = [
    {"dims": 1, "cin": 2, "cout": 3, "k": 3, "size": (5,)},
    {"dims": 1, "cin": 2, "cout": 2, "k": 3, "stride": 2, "padding": 1, "output_padding": 1, "size": (4,)},
    {"dims": 1, "cin": 4, "cout": 2, "k": 2, "stride": 3, "groups": 2, "dilation": 2, "size": (3,)},
    {"dims": 2, "cin": 2, "cout": 3, "k": (3, 2), "stride": (2, 1), "padding": ((2, 0), (1, 1)), "size": (3, 4)},
    {"dims": 2, "cin": 1, "cout": 2, "k": 4, "stride": 2, "padding": "SAME", "size": (3, 3)},
    {"dims": 2, "cin": 1, "cout": 1, "k": 3, "stride": 2, "padding": "SAME_LOWER", "output_padding": 1, "size": (3, 2)},
    {"dims": 3, "cin": 2, "cout": 2, "k": 2, "stride": 2, "use_bias": False, "size": (2, 2, 3)},
]  # fmt: skip


def _resolved_crop(
    layer: eqx.nn.ConvTranspose, sizes: Sequence[int]
) -> tuple[list[tuple[int, int]], list[int]]:
    """(low, high) crop per dim and the output_padding left to add: "SAME"
    means out = n * stride - output_padding, split like the forward "SAME"."""
    if not isinstance(layer.padding, str):
        return list(layer.padding), list(layer.output_padding)
    crop: list[tuple[int, int]] = []
    for n, k, s, d, op in zip(
        sizes,
        layer.kernel_size,
        layer.stride,
        layer.dilation,
        layer.output_padding,
        strict=True,
    ):
        total = max((n - 1) * s + d * (k - 1) + 1 - (n * s - op), 0)
        small, large = total // 2, total - total // 2
        crop.append((small, large) if layer.padding == "SAME" else (large, small))
    return crop, [0] * len(crop)


def _make_transpose(case: dict[str, Any]) -> eqx.nn.ConvTranspose:
    return eqx.nn.ConvTranspose(
        case["dims"],
        case["cin"],
        case["cout"],
        case["k"],
        stride=case.get("stride", 1),
        output_padding=case.get("output_padding", 0),
        padding=case.get("padding", 0),
        dilation=case.get("dilation", 1),
        groups=case.get("groups", 1),
        use_bias=case.get("use_bias", True),
        key=KEY,
    )


@pytest.mark.parametrize("case", _TRANSPOSE_CASES)
def test_conv_transpose_matches_scatter_loop(case: dict[str, Any]) -> None:
    layer = _make_transpose(case)
    x = np.asarray(jax.random.normal(jax.random.key(1), (case["cin"], *case["size"])))
    crop, output_padding = _resolved_crop(layer, case["size"])
    expected = _reference_transpose(
        x,
        np.asarray(layer.weight),
        layer.stride,
        crop,
        output_padding,
        layer.dilation,
        layer.groups,
    )
    expected = expected + _bias(layer)
    np.testing.assert_allclose(layer(jnp.asarray(x)), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "case", [c for c in _TRANSPOSE_CASES if c.get("groups", 1) == 1]
)
def test_conv_transpose_is_adjoint_of_conv(case: dict[str, Any]) -> None:
    layer = _make_transpose(case)
    x = jax.random.normal(jax.random.key(1), (case["cin"], *case["size"]))
    y = layer(x) - (layer.bias if layer.bias is not None else 0)
    # The forward conv (out_channels -> in_channels) with the weight flipped
    # and its channel axes swapped (Equinox's documented recipe) maps y's shape
    # back to x's; its vjp at cotangent x is the transposed conv.
    spatial = tuple(range(2, layer.weight.ndim))
    swapped = jnp.flip(jnp.swapaxes(layer.weight, 0, 1), spatial)

    def forward(z: jax.Array) -> jax.Array:
        return jax.lax.conv_general_dilated(
            z[None],
            swapped,
            layer.stride,
            layer.padding,
            rhs_dilation=layer.dilation,
        )[0]

    out, vjp = jax.vjp(forward, jnp.zeros_like(y))
    assert out.shape == x.shape
    (adjoint,) = vjp(x)
    np.testing.assert_allclose(y, adjoint, rtol=1e-4, atol=1e-5)


def test_conv_transpose_undoes_strided_shape() -> None:
    conv = eqx.nn.Conv2d(3, 4, 3, stride=2, padding=1, key=KEY)
    up = eqx.nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1, key=KEY)
    x = jnp.ones((3, 8, 8))
    assert up(conv(x)).shape == x.shape
    same = eqx.nn.ConvTranspose1d(2, 2, 4, stride=2, padding="SAME", key=KEY)
    assert same(jnp.ones((2, 5))).shape == (2, 10)


def test_conv_transpose_under_jit_vmap_grad() -> None:
    layer = eqx.nn.ConvTranspose1d(2, 1, 3, stride=2, key=KEY)
    xs = jax.random.normal(jax.random.key(1), (3, 2, 4))
    assert jax.jit(jax.vmap(layer))(xs).shape == (3, 1, 9)

    def loss(model: eqx.nn.ConvTranspose1d) -> jax.Array:
        return jnp.sum(jax.vmap(model)(xs))

    grads = jax.grad(loss)(layer)
    # Every input element meets every kernel tap exactly once.
    expected = np.asarray(xs).sum(axis=(0, 2))
    np.testing.assert_allclose(grads.weight[0], np.stack([expected] * 3, -1), rtol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"output_padding": 2, "stride": 2}, ValueError, "`output_padding` must be smaller than `stride`"),
        ({"output_padding": 1, "dilation": 2}, ValueError, "`output_padding` must be smaller than `stride`"),
        ({"output_padding": -1}, ValueError, "`output_padding` must be >= 0"),
        ({"padding_mode": "REFLECT"}, NotImplementedError, "padding_mode='REFLECT' has no transposed"),
        ({"padding_mode": "CIRCULAR", "padding": 1}, NotImplementedError, "padding_mode='CIRCULAR' is only implemented with padding 'SAME'"),
        ({"padding_mode": "CIRCULAR", "padding": "SAME", "stride": 2, "output_padding": 1}, NotImplementedError, "padding_mode='CIRCULAR' is only implemented with zero `output_padding`"),
        ({"groups": 3}, ValueError, r"`groups` \(3\) must divide `in_channels`"),
        ({"in_channels": -4}, ValueError, "`in_channels` must be >= 1"),
    ],
)  # fmt: skip
def test_conv_transpose_bad_config(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    config: dict[str, Any] = {"in_channels": 4, "out_channels": 6, "kernel_size": 3}
    config.update(kwargs)
    with pytest.raises(error, match="ConvTranspose2d: " + message):
        eqx.nn.ConvTranspose2d(key=KEY, **config)


def test_conv_transpose_bad_input() -> None:
    layer = eqx.nn.ConvTranspose1d(2, 2, 3, padding=4, key=KEY)
    with pytest.raises(ValueError, match="expected an input of rank 2"):
        layer(jnp.ones((2, 3, 3)))
    with pytest.raises(ValueError, match="gives an empty output"):
        layer(jnp.ones((2, 1)))
