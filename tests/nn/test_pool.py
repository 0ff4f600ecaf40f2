import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx


def _reference_pool(
    x: np.ndarray,
    kernel: Sequence[int],
    stride: Sequence[int],
    pads: Sequence[tuple[int, int]],
    use_ceil: bool,
    reduce: Callable[[np.ndarray], float],
    fill: float,
) -> np.ndarray:
    """Loops over windows; padding cells hold `fill`. Ceil mode, as in
    PyTorch, keeps a partial last window unless it starts in the padding."""
    sizes = x.shape[1:]
    out_sizes = []
    for n, k, s, (lo, hi) in zip(sizes, kernel, stride, pads, strict=True):
        span = n + lo + hi - k
        out = (math.ceil(span / s) if use_ceil else span // s) + 1
        if use_ceil and (out - 1) * s >= n + lo:
            out -= 1
        out_sizes.append(out)
    extra = [
        (lo, max(hi, (o - 1) * s + k - n - lo))
        for n, k, s, (lo, hi), o in zip(
            sizes, kernel, stride, pads, out_sizes, strict=True
        )
    ]
    padded = np.pad(x.astype(np.float64), [(0, 0), *extra], constant_values=fill)
    y = np.zeros((x.shape[0], *out_sizes))
    for c in range(x.shape[0]):
        for pos in itertools.product(*(range(o) for o in out_sizes)):
            index: tuple[Any, ...] = (
                c,
                *(
                    slice(p * s, p * s + k)
                    for p, s, k in zip(pos, stride, kernel, strict=True)
                ),
            )
            window = padded[index]
            y[(c, *pos)] = reduce(window)
    return y


_CASES: list[dict[str, Any]] = [
    {"dims": 1, "k": 2, "size": (7,)},
    {"dims": 1, "k": 3, "stride": 2, "padding": 1, "size": (8,)},
    {"dims": 1, "k": 3, "stride": 2, "use_ceil": True, "size": (8,)},
    {"dims": 2, "k": 2, "stride": 2, "size": (6, 5)},
    {"dims": 2, "k": (3, 2), "stride": (2, 3), "padding": ((1, 0), (0, 1)), "size": (7, 8)},
    {"dims": 2, "k": 3, "stride": 2, "padding": 1, "use_ceil": True, "size": (6, 7)},
    {"dims": 3, "k": 2, "stride": (1, 2, 2), "size": (3, 4, 5)},
]  # fmt: skip


def _pads(case: dict[str, Any]) -> list[tuple[int, int]]:
    padding = case.get("padding", 0)
    if isinstance(padding, int):
        return [(padding, padding)] * case["dims"]
    return list(padding)


def _config(case: dict[str, Any]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    k, s, dims = case["k"], case.get("stride", 1), case["dims"]
    kernel = (k,) * dims if isinstance(k, int) else tuple(k)
    stride = (s,) * dims if isinstance(s, int) else tuple(s)
    return kernel, stride


_MAX = {1: eqx.nn.MaxPool1d, 2: eqx.nn.MaxPool2d, 3: eqx.nn.MaxPool3d}
_AVG = {1: eqx.nn.AvgPool1d, 2: eqx.nn.AvgPool2d, 3: eqx.nn.AvgPool3d}


@pytest.mark.parametrize("case", _CASES)
def test_max_pool_matches_loop(case: dict[str, Any]) -> None:
    kernel, stride = _config(case)
    pool = _MAX[case["dims"]](
        case["k"],
        case.get("stride", 1),
        case.get("padding", 0),
        case.get("use_ceil", False),
    )
    x = np.asarray(jax.random.normal(jax.random.key(0), (2, *case["size"])))
    expected = _reference_pool(
        x, kernel, stride, _pads(case), case.get("use_ceil", False), np.max, -np.inf
    )
    np.testing.assert_allclose(pool(jnp.asarray(x)), expected, rtol=1e-6)


@pytest.mark.parametrize("case", _CASES)
def test_avg_pool_matches_loop(case: dict[str, Any]) -> None:
    kernel, stride = _config(case)
    pool = _AVG[case["dims"]](
        case["k"],
        case.get("stride", 1),
        case.get("padding", 0),
        case.get("use_ceil", False),
    )
    x = np.asarray(jax.random.normal(jax.random.key(0), (2, *case["size"])))
    # Padding counts as zeros; the divisor is always the kernel volume.
    expected = _reference_pool(
        x,
        kernel,
        stride,
        _pads(case),
        case.get("use_ceil", False),
        lambda w: float(np.sum(w)) / math.prod(kernel),
        0.0,
    )
    np.testing.assert_allclose(pool(jnp.asarray(x)), expected, rtol=1e-5, atol=1e-6)


def test_max_pool_on_integers_keeps_dtype() -> None:
    pool = eqx.nn.MaxPool1d(2, 2, padding=1)
    x = jnp.array([[-5, -3, -7, -1]], jnp.int32)
    y = pool(x)
    assert y.dtype == jnp.int32
    np.testing.assert_array_equal(y, [[-5, -3, -1]])


def test_avg_pool_of_integers_is_float() -> None:
    y = eqx.nn.AvgPool1d(2, 2)(jnp.array([[1, 2, 3, 4]]))
    assert jnp.issubdtype(y.dtype, jnp.floating)
    np.testing.assert_allclose(y, [[1.5, 3.5]])


def test_general_pool_with_min() -> None:
    pool = eqx.nn.Pool(math.inf, jax.lax.min, 1, kernel_size=2, stride=1)
    np.testing.assert_allclose(
        pool(jnp.array([[3.0, 1.0, 2.0, 5.0]])), [[1.0, 1.0, 2.0]]
    )


def test_pool_string_padding() -> None:
    pool = eqx.nn.MaxPool2d(3, 2, padding="SAME")
    assert pool(jnp.ones((1, 7, 8))).shape == (1, 4, 4)


def test_pool_under_jit_vmap_grad() -> None:
    pool = eqx.nn.MaxPool2d(2, 2)
    xs = jax.random.normal(jax.random.key(0), (3, 2, 4, 4))
    ys = jax.jit(jax.vmap(pool))(xs)
    assert ys.shape == (3, 2, 2, 2)
    grads = jax.grad(lambda x: jnp.sum(pool(x)))(xs[0])
    # The gradient of a sum of window maxima is one at each window's argmax.
    assert float(jnp.sum(grads)) == 8.0
    assert set(np.unique(np.asarray(grads))) <= {0.0, 1.0}
    avg_grads = jax.grad(lambda x: jnp.sum(eqx.nn.AvgPool2d(2, 2)(x)))(xs[0])
    np.testing.assert_allclose(avg_grads, np.full((2, 4, 4), 0.25))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: eqx.nn.MaxPool2d(0), "MaxPool2d: `kernel_size` must be >= 1, got 0"),
        (lambda: eqx.nn.AvgPool1d(2, stride=-1), "AvgPool1d: `stride` must be >= 1"),
        (lambda: eqx.nn.MaxPool2d(2, padding=(1, 2, 3)), "one entry per spatial dimension"),
        (lambda: eqx.nn.MaxPool1d(2, padding="FULL"), "`padding` string must be one of"),
        (lambda: eqx.nn.Pool(0.0, jax.lax.add, 0, 2), "Pool: `num_spatial_dims` must be >= 1"),
        (lambda: eqx.nn.Pool(0.0, "add", 1, 2), "Pool: `operation` must be callable"),  # type: ignore[arg-type]  # deliberately wrong
    ],
)  # fmt: skip
def test_pool_bad_config(make: Callable[[], object], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_pool_bad_input() -> None:
    with pytest.raises(ValueError, match="MaxPool2d: expected an input of rank 3"):
        eqx.nn.MaxPool2d(2)(jnp.ones((4, 4)))
    with pytest.raises(ValueError, match="smaller than the kernel 5"):
        eqx.nn.AvgPool1d(5)(jnp.ones((1, 3)))


# ------------------------------------------------------------------ adaptive


def _bin(i: int, n: int, t: int) -> slice:
    """Equinox's bins: the first n % t take n // t + 1 elements, the rest n // t."""
    small, big = divmod(n, t)
    start = i * small + min(i, big)
    return slice(start, start + small + (1 if i < big else 0))


def _reference_adaptive(
    x: np.ndarray, target: Sequence[int], reduce: Callable[[np.ndarray], float]
) -> np.ndarray:
    y = np.zeros((x.shape[0], *target))
    for c in range(x.shape[0]):
        for pos in itertools.product(*(range(t) for t in target)):
            index: tuple[Any, ...] = (
                c,
                *(
                    _bin(i, n, t)
                    for i, n, t in zip(pos, x.shape[1:], target, strict=True)
                ),
            )
            window = x[index]
            y[(c, *pos)] = reduce(window)
    return y


@pytest.mark.parametrize(
    ("size", "target"),
    [((8,), (4,)), ((7,), (3,)), ((10,), (4,)), ((6, 5), (2, 3)), ((5, 9), (5, 4)), ((3, 5, 4), (2, 3, 4))],
)  # fmt: skip
def test_adaptive_pools_match_loop(
    size: tuple[int, ...], target: tuple[int, ...]
) -> None:
    x = np.asarray(jax.random.normal(jax.random.key(0), (2, *size)))
    avg_cls = {
        1: eqx.nn.AdaptiveAvgPool1d,
        2: eqx.nn.AdaptiveAvgPool2d,
        3: eqx.nn.AdaptiveAvgPool3d,
    }
    max_cls = {
        1: eqx.nn.AdaptiveMaxPool1d,
        2: eqx.nn.AdaptiveMaxPool2d,
        3: eqx.nn.AdaptiveMaxPool3d,
    }
    dims = len(size)
    avg = avg_cls[dims](target)(jnp.asarray(x))
    mx = max_cls[dims](target)(jnp.asarray(x))
    np.testing.assert_allclose(
        avg, _reference_adaptive(x, target, np.mean), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(mx, _reference_adaptive(x, target, np.max), rtol=1e-6)


def test_adaptive_pool_general_operation_and_int_target() -> None:
    pool = eqx.nn.AdaptivePool(2, 2, jnp.min)
    assert pool.target_shape == (2, 2)
    x = np.asarray(jax.random.normal(jax.random.key(0), (3, 5, 4)))
    np.testing.assert_allclose(
        pool(jnp.asarray(x)), _reference_adaptive(x, (2, 2), np.min)
    )


def test_adaptive_pool_under_jit_vmap_grad() -> None:
    pool = eqx.nn.AdaptiveAvgPool1d(3)
    xs = jnp.ones((4, 2, 7))
    assert jax.jit(jax.vmap(pool))(xs).shape == (4, 2, 3)
    grads = jax.grad(lambda x: jnp.sum(pool(x)))(xs[0])
    # Bins [0,3), [3,5), [5,7): disjoint, of sizes 3, 2, 2.
    np.testing.assert_allclose(grads[0], [1 / 3] * 3 + [1 / 2] * 4)


def test_adaptive_pool_bad_config_and_input() -> None:
    with pytest.raises(
        ValueError, match="AdaptiveAvgPool2d: `target_shape` must be >= 1"
    ):
        eqx.nn.AdaptiveAvgPool2d((0, 2))
    with pytest.raises(ValueError, match="one entry per spatial dimension"):
        eqx.nn.AdaptiveMaxPool1d((2, 2))
    with pytest.raises(
        ValueError, match="AdaptiveMaxPool1d: expected an input of rank 2"
    ):
        eqx.nn.AdaptiveMaxPool1d(2)(jnp.ones(5))
    with pytest.raises(ValueError, match="must reduce a window to a scalar"):
        eqx.nn.AdaptivePool(2, 1, lambda w: w)(jnp.ones((1, 4)))
    with pytest.raises(ValueError, match="size 3, smaller than its target size 5"):
        eqx.nn.AdaptiveAvgPool1d(5)(jnp.ones((1, 3)))
