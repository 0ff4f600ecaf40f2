"""Per-example normalisation layers: `LayerNorm`, `GroupNorm`, `RMSNorm`.

Statistics are computed in at least float32 (so half-precision inputs do not
lose them to rounding) and the result is cast back to the input's dtype.
"""

from collections.abc import Callable, Sequence
from typing import overload

import jax
import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, Float, Num, PRNGKeyArray

from .._field import field
from .._module import Module
from ._param_init import check_positive_int, floating_dtype
from ._stateful import State


def check_eps(layer: str, eps: object) -> float:
    """`eps` as a float >= 0, or an error naming it."""
    if isinstance(eps, bool) or not isinstance(eps, int | float):
        raise TypeError(f"{layer}: `eps` must be a float, got {eps!r}.")
    if not eps >= 0:
        raise ValueError(f"{layer}: `eps` must be >= 0, got {eps}.")
    return float(eps)


def _normalised_shape(layer: str, shape: object) -> tuple[int, ...]:
    if isinstance(shape, int):
        return (check_positive_int(layer, "shape", shape),)
    if isinstance(shape, str) or not isinstance(shape, Sequence):
        raise TypeError(
            f"{layer}: `shape` must be an int or a sequence of ints, got {shape!r}."
        )
    items: Sequence[object] = shape  # pyright: ignore[reportUnknownVariableType]  # checked above
    return tuple(check_positive_int(layer, "shape", s) for s in items)


def _affine_flags(
    use_weight: bool, use_bias: bool, elementwise_affine: bool | None
) -> tuple[bool, bool]:
    if elementwise_affine is None:
        return bool(use_weight), bool(use_bias)
    return bool(elementwise_affine), bool(elementwise_affine)


def _compute_dtype(x: Array) -> jnp.dtype:
    return jnp.promote_types(x.dtype, jnp.float32)


def _check_shape(layer: str, x: Array, shape: tuple[int, ...]) -> None:
    if x.shape != shape:
        raise ValueError(
            f"{layer}: expected an input of shape {shape} (the `shape` it was "
            f"built with; one unbatched example, batch with jax.vmap), got shape "
            f"{x.shape}."
        )


def _affine_params(
    layer: str,
    shape: tuple[int, ...],
    use_weight: bool,
    use_bias: bool,
    dtype: DTypeLike | None,
) -> tuple[Array | None, Array | None]:
    """A weight of ones and a bias of zeros of `shape` (each if used)."""
    param_dtype = floating_dtype(layer, dtype)
    weight = jnp.ones(shape, param_dtype) if use_weight else None
    bias = jnp.zeros(shape, param_dtype) if use_bias else None
    return weight, bias


def _standardise(x: Array, eps: float) -> Array:
    mean = jnp.mean(x)
    var = jnp.mean(jnp.square(x - mean))
    return (x - mean) * jax.lax.rsqrt(var + eps)


def _rescale(x: Array, eps: float) -> Array:
    return x * jax.lax.rsqrt(jnp.mean(jnp.square(x)) + eps)


def _normalise(
    x: Array,
    normalise: Callable[[Array, float], Array],
    eps: float,
    weight: Array | None,
    bias: Array | None,
) -> Array:
    """`normalise` in at least float32, then the affine map, in `x`'s dtype."""
    out = normalise(x.astype(_compute_dtype(x)), eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out.astype(x.dtype)


class LayerNorm(Module):
    """Normalises the whole input by its mean and variance:
    `(x - mean(x)) / sqrt(var(x) + eps) * weight + bias`.

    To normalise over only some axes, `jax.vmap` over the others. `weight`
    starts at ones and `bias` at zeros, both of the input's shape.
    """

    shape: tuple[int, ...] = field(static=True)
    eps: float = field(static=True)
    use_weight: bool = field(static=True)
    use_bias: bool = field(static=True)
    weight: Float[Array, "*shape"] | None
    bias: Float[Array, "*shape"] | None

    def __init__(
        self,
        shape: int | Sequence[int],
        eps: float = 1e-5,
        use_weight: bool = True,
        use_bias: bool = True,
        dtype: DTypeLike | None = None,
        *,
        elementwise_affine: bool | None = None,
    ) -> None:
        """`elementwise_affine`, if given, overrides both `use_weight` and
        `use_bias` (the older spelling)."""
        self.shape = _normalised_shape("LayerNorm", shape)
        self.eps = check_eps("LayerNorm", eps)
        self.use_weight, self.use_bias = _affine_flags(
            use_weight, use_bias, elementwise_affine
        )
        self.weight, self.bias = _affine_params(
            "LayerNorm", self.shape, self.use_weight, self.use_bias, dtype
        )

    @overload
    def __call__(
        self,
        x: Num[Array, "*shape"],
        state: None = None,
        *,
        key: PRNGKeyArray | None = None,
    ) -> Num[Array, "*shape"]: ...

    @overload
    def __call__(
        self,
        x: Num[Array, "*shape"],
        state: State,
        *,
        key: PRNGKeyArray | None = None,
    ) -> tuple[Num[Array, "*shape"], State]: ...

    def __call__(
        self,
        x: Num[Array, "*shape"],
        state: State | None = None,
        *,
        key: PRNGKeyArray | None = None,
    ) -> Num[Array, "*shape"] | tuple[Num[Array, "*shape"], State]:
        """Normalises `x`. `state`, if given, is returned unchanged alongside
        the output (so this layer can stand in for `BatchNorm`); `key` is
        unused."""
        del key
        _check_shape("LayerNorm", x, self.shape)
        out = _normalise(x, _standardise, self.eps, self.weight, self.bias)
        return out if state is None else (out, state)


class RMSNorm(Module):
    """Normalises the whole input by its root mean square:
    `x / sqrt(mean(x**2) + eps) * weight + bias`.

    `weight` starts at ones and `bias` at zeros, both of the input's shape.
    """

    shape: tuple[int, ...] = field(static=True)
    eps: float = field(static=True)
    use_weight: bool = field(static=True)
    use_bias: bool = field(static=True)
    weight: Float[Array, "*shape"] | None
    bias: Float[Array, "*shape"] | None

    def __init__(
        self,
        shape: int | Sequence[int],
        eps: float = 1e-5,
        use_weight: bool = True,
        use_bias: bool = True,
        dtype: DTypeLike | None = None,
    ) -> None:
        self.shape = _normalised_shape("RMSNorm", shape)
        self.eps = check_eps("RMSNorm", eps)
        self.use_weight = bool(use_weight)
        self.use_bias = bool(use_bias)
        self.weight, self.bias = _affine_params(
            "RMSNorm", self.shape, self.use_weight, self.use_bias, dtype
        )

    @overload
    def __call__(
        self,
        x: Num[Array, "*shape"],
        state: None = None,
        *,
        key: PRNGKeyArray | None = None,
    ) -> Num[Array, "*shape"]: ...

    @overload
    def __call__(
        self,
        x: Num[Array, "*shape"],
        state: State,
        *,
        key: PRNGKeyArray | None = None,
    ) -> tuple[Num[Array, "*shape"], State]: ...

    def __call__(
        self,
        x: Num[Array, "*shape"],
        state: State | None = None,
        *,
        key: PRNGKeyArray | None = None,
    ) -> Num[Array, "*shape"] | tuple[Num[Array, "*shape"], State]:
        """Normalises `x`. `state`, if given, is returned unchanged alongside
        the output; `key` is unused."""
        del key
        _check_shape("RMSNorm", x, self.shape)
        out = _normalise(x, _rescale, self.eps, self.weight, self.bias)
        return out if state is None else (out, state)


class GroupNorm(Module):
    """Splits the channels (axis 0) into `groups` equal groups and normalises
    each group by its own mean and variance, then applies an optional
    per-channel affine map.

    `GroupNorm(1, c)` normalises everything (like LayerNorm with per-channel
    affine); `GroupNorm(c, c)` is instance normalisation.
    """

    groups: int = field(static=True)
    channels: int | None = field(static=True)
    eps: float = field(static=True)
    channelwise_affine: bool = field(static=True)
    weight: Float[Array, "channels"] | None
    bias: Float[Array, "channels"] | None

    def __init__(
        self,
        groups: int,
        channels: int | None = None,
        eps: float = 1e-5,
        channelwise_affine: bool = True,
        dtype: DTypeLike | None = None,
    ) -> None:
        """`channels` may be left out only when `channelwise_affine=False`."""
        self.groups = check_positive_int("GroupNorm", "groups", groups)
        if channels is not None:
            channels = check_positive_int("GroupNorm", "channels", channels)
            if channels % self.groups != 0:
                raise ValueError(
                    f"GroupNorm: `groups` ({self.groups}) must divide `channels` "
                    f"({channels})."
                )
        self.channels = channels
        self.eps = check_eps("GroupNorm", eps)
        self.channelwise_affine = bool(channelwise_affine)
        if self.channelwise_affine and channels is None:
            raise ValueError(
                "GroupNorm: `channels` is required when `channelwise_affine=True` "
                "(the affine parameters have one entry per channel)."
            )
        if channels is not None and self.channelwise_affine:
            self.weight, self.bias = _affine_params(
                "GroupNorm", (channels,), True, True, dtype
            )
        else:
            self.weight = None
            self.bias = None

    def _check_input(self, x: Array) -> None:
        if x.ndim < 1:
            raise ValueError(
                "GroupNorm: expected an input of shape (channels, *spatial) (one "
                f"unbatched example, batch with jax.vmap), got shape {x.shape}."
            )
        if self.channels is not None and x.shape[0] != self.channels:
            raise ValueError(
                f"GroupNorm: expected {self.channels} channels (axis 0), got "
                f"shape {x.shape}."
            )
        if x.shape[0] % self.groups != 0:
            raise ValueError(
                f"GroupNorm: `groups` ({self.groups}) must divide the number of "
                f"channels, got shape {x.shape}."
            )

    @overload
    def __call__(
        self,
        x: Num[Array, "channels *spatial"],
        state: None = None,
        *,
        key: PRNGKeyArray | None = None,
    ) -> Num[Array, "channels *spatial"]: ...

    @overload
    def __call__(
        self,
        x: Num[Array, "channels *spatial"],
        state: State,
        *,
        key: PRNGKeyArray | None = None,
    ) -> tuple[Num[Array, "channels *spatial"], State]: ...

    def __call__(
        self,
        x: Num[Array, "channels *spatial"],
        state: State | None = None,
        *,
        key: PRNGKeyArray | None = None,
    ) -> (
        Num[Array, "channels *spatial"] | tuple[Num[Array, "channels *spatial"], State]
    ):
        """Normalises `x` of shape `(channels, *spatial)`. `state`, if given,
        is returned unchanged alongside the output; `key` is unused."""
        del key
        self._check_input(x)
        orig_dtype = x.dtype
        shape = x.shape
        grouped = x.astype(_compute_dtype(x)).reshape(self.groups, -1)
        mean = jnp.mean(grouped, axis=1, keepdims=True)
        var = jnp.mean(jnp.square(grouped - mean), axis=1, keepdims=True)
        out = ((grouped - mean) * jax.lax.rsqrt(var + self.eps)).reshape(shape)
        if self.weight is not None and self.bias is not None:
            broadcast = (-1,) + (1,) * (x.ndim - 1)
            out = out * self.weight.reshape(broadcast) + self.bias.reshape(broadcast)
        out = out.astype(orig_dtype)
        return out if state is None else (out, state)
