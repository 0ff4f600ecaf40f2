"""Helpers shared by the parameterised layers: dtypes, initialisation, validation.

Every check raises an error that names the layer and the argument, says what
was expected and shows what came.
"""

import math
from collections.abc import Sequence
from typing import cast

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import DTypeLike
from jaxtyping import Array, PRNGKeyArray


def floating_dtype(layer: str, dtype: DTypeLike | None) -> np.dtype[np.floating]:
    """The parameter dtype: the default float (float32, or float64 under x64)."""
    if dtype is None:
        return jax.dtypes.canonicalize_dtype(float)  # pyright: ignore[reportUnknownMemberType, reportReturnType]  # jax leaves it untyped
    try:
        resolved = np.dtype(dtype)
    except TypeError as e:
        raise TypeError(
            f"{layer}: `dtype` must be a floating-point dtype, got {dtype!r}."
        ) from e
    if not jnp.issubdtype(resolved, jnp.floating):
        raise TypeError(
            f"{layer}: `dtype` must be a floating-point dtype, got {resolved}."
        )
    return resolved


def inexact_dtype(layer: str, dtype: DTypeLike | None) -> np.dtype[np.inexact]:
    """`floating_dtype`, but complex dtypes are allowed too (Linear and Conv)."""
    if dtype is not None:
        try:
            resolved = np.dtype(dtype)
        except TypeError:
            resolved = None
        if resolved is not None and jnp.issubdtype(resolved, jnp.complexfloating):
            return resolved
    return floating_dtype(layer, dtype)


def uniform(
    key: PRNGKeyArray,
    shape: tuple[int, ...],
    limit: float,
    dtype: np.dtype[np.inexact],
) -> Array:
    """Samples uniformly from [-limit, limit).

    A complex dtype draws the real part with the first and the imaginary part
    with the second half of `jax.random.split(key)`, each in [-limit, limit)
    (as Equinox does, so that the same key gives the same parameters).
    """
    if jnp.issubdtype(dtype, jnp.complexfloating):
        real_dtype = np.zeros((), dtype).real.dtype  # complex64 -> float32
        real_key, imag_key = jax.random.split(key)
        real = uniform(real_key, shape, limit, real_dtype)
        imag = uniform(imag_key, shape, limit, real_dtype)
        return (real + 1j * imag).astype(dtype)
    return jax.random.uniform(key, shape, dtype, minval=-limit, maxval=limit)


def uniform_weight_and_bias(
    key: PRNGKeyArray,
    weight_shape: tuple[int, ...],
    bias_shape: tuple[int, ...] | None,
    limit: float,
    dtype: np.dtype[np.inexact],
) -> tuple[Array, Array | None]:
    """Weight and (optional) bias, uniform in [-limit, limit).

    The key is split in two, weight from the first, bias from the second, even
    without a bias: Equinox's order, so the same key gives the same weights.
    """
    weight_key, bias_key = jax.random.split(key)
    weight = uniform(weight_key, weight_shape, limit, dtype)
    bias = None if bias_shape is None else uniform(bias_key, bias_shape, limit, dtype)
    return weight, bias


def fan_in_limit(fan_in: int) -> float:
    """The usual ±1/sqrt(fan_in) bound of Linear and Conv initialisation."""
    return 1.0 / math.sqrt(fan_in)


def check_positive_int(layer: str, name: str, value: object) -> int:
    """`value` as an int >= 1, or an error naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{layer}: `{name}` must be an int, got {value!r}.")
    if value < 1:
        raise ValueError(f"{layer}: `{name}` must be >= 1, got {value}.")
    return int(cast(int, value))


def check_nonnegative_int(layer: str, name: str, value: object) -> int:
    """`value` as an int >= 0, or an error naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{layer}: `{name}` must be an int, got {value!r}.")
    if value < 0:
        raise ValueError(f"{layer}: `{name}` must be >= 0, got {value}.")
    return int(cast(int, value))


def per_dim(
    layer: str,
    name: str,
    value: int | Sequence[int],
    num_spatial_dims: int,
    *,
    minimum: int,
) -> tuple[int, ...]:
    """An int or a sequence of ints as one int per spatial dimension."""
    check = check_positive_int if minimum == 1 else check_nonnegative_int
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return (check(layer, name, value),) * num_spatial_dims
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(
            f"{layer}: `{name}` must be an int or a sequence of "
            f"{num_spatial_dims} ints, got {value!r}."
        )
    if len(value) != num_spatial_dims:
        raise ValueError(
            f"{layer}: `{name}` must have one entry per spatial dimension "
            f"({num_spatial_dims}), got {len(value)}: {tuple(value)!r}."
        )
    return tuple(check(layer, name, v) for v in value)


def check_input_rank(
    layer: str, x: Array, num_spatial_dims: int, channels: int | None
) -> None:
    """Channels-first input of one unbatched example, or an error saying so."""
    if x.ndim != num_spatial_dims + 1:
        raise ValueError(
            f"{layer}: expected an input of rank {num_spatial_dims + 1} "
            f"(channels, then {num_spatial_dims} spatial dims; one unbatched "
            f"example, batch with jax.vmap), got shape {x.shape}."
        )
    if channels is not None and x.shape[0] != channels:
        raise ValueError(
            f"{layer}: expected {channels} input channels (axis 0), got shape "
            f"{x.shape}."
        )
