"""Convolutions (`Conv`, `Conv1d/2d/3d`) and their transposes (`ConvTranspose*`).

Both act on one channels-first example, `x` of shape `(in_channels, *spatial)`,
and keep the weight as `(out_channels, in_channels // groups, *kernel_size)`.
`Conv` is `jax.lax.conv_general_dilated`; `ConvTranspose` is the same call on
the input dilated by the stride, with the kernel flipped, so that it is the
adjoint of a `Conv` with the same stride, padding and dilation.
"""

import math
from collections.abc import Sequence
from typing import Literal, TypeAlias, cast

import jax
import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, Float, PRNGKeyArray

from .._field import field
from .._module import Module
from ._param_init import (
    check_input_rank,
    check_nonnegative_int,
    check_positive_int,
    fan_in_limit,
    floating_dtype,
    per_dim,
    uniform_weight_and_bias,
)

PaddingLike: TypeAlias = (
    int | Sequence[int] | Sequence[tuple[int, int]] | Sequence[Sequence[int]] | str
)
"""An int, one int per spatial dim, one (low, high) pair per spatial dim, or
one of "SAME", "SAME_LOWER", "VALID"."""

PaddingMode: TypeAlias = Literal["ZEROS", "REFLECT", "REPLICATE", "CIRCULAR"]

Pads: TypeAlias = tuple[tuple[int, int], ...]

_PADDING_STRINGS = ("SAME", "SAME_LOWER", "VALID")
# jnp.pad's name for each non-zero padding mode.
_JNP_PAD_MODE = {"REFLECT": "reflect", "REPLICATE": "edge", "CIRCULAR": "wrap"}


def _pair(layer: str, item: object) -> tuple[int, int]:
    pair = cast(Sequence[object], item) if isinstance(item, Sequence) else None
    if isinstance(item, str) or pair is None or len(pair) != 2:
        raise TypeError(
            f"{layer}: `padding` entries must all be ints or all be (low, high) "
            f"pairs, got {item!r}."
        )
    return (
        check_nonnegative_int(layer, "padding", pair[0]),
        check_nonnegative_int(layer, "padding", pair[1]),
    )


def normalise_padding(
    layer: str, padding: PaddingLike, num_spatial_dims: int
) -> str | Pads:
    """A padding string (upper-cased) or one (low, high) pair per spatial dim."""
    if isinstance(padding, str):
        upper = padding.upper()
        if upper not in _PADDING_STRINGS:
            raise ValueError(
                f"{layer}: `padding` string must be one of {_PADDING_STRINGS}, "
                f"got {padding!r}."
            )
        return upper
    if not isinstance(padding, int) and any(not isinstance(p, int) for p in padding):
        if len(padding) != num_spatial_dims:
            raise ValueError(
                f"{layer}: `padding` must have one entry per spatial dimension "
                f"({num_spatial_dims}), got {len(padding)}: {padding!r}."
            )
        return tuple(_pair(layer, p) for p in padding)
    ints = per_dim(
        layer,
        "padding",
        cast(int | Sequence[int], padding),
        num_spatial_dims,
        minimum=0,
    )
    return tuple((p, p) for p in ints)


def check_padding_mode(layer: str, padding_mode: object) -> PaddingMode:
    upper = padding_mode.upper() if isinstance(padding_mode, str) else padding_mode
    if upper == "ZEROS":
        return "ZEROS"
    if upper == "REFLECT":
        return "REFLECT"
    if upper == "REPLICATE":
        return "REPLICATE"
    if upper == "CIRCULAR":
        return "CIRCULAR"
    raise ValueError(
        f"{layer}: `padding_mode` must be one of 'ZEROS', 'REFLECT', 'REPLICATE', "
        f"'CIRCULAR', got {padding_mode!r}."
    )


def same_padding(
    kind: str,
    sizes: Sequence[int],
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> Pads:
    """Explicit pads for "SAME"/"SAME_LOWER"/"VALID": out = ceil(in / stride).

    "SAME" puts the odd extra element of padding at the end, "SAME_LOWER" at
    the start.
    """
    if kind == "VALID":
        return tuple((0, 0) for _ in sizes)
    pads: list[tuple[int, int]] = []
    for n, k, s, d in zip(sizes, kernel_size, stride, dilation, strict=True):
        out = -(-n // s)
        total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
        small, large = total // 2, total - total // 2
        pads.append((small, large) if kind == "SAME" else (large, small))
    return tuple(pads)


def _channels(layer: str, in_channels: int, out_channels: int, groups: int) -> None:
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value % groups != 0:
            raise ValueError(
                f"{layer}: `groups` ({groups}) must divide `{name}`, got "
                f"{name}={value}."
            )


def _init_weight_and_bias(
    layer: str,
    shape: tuple[int, ...],
    num_spatial_dims: int,
    use_bias: bool,
    dtype: DTypeLike | None,
    key: PRNGKeyArray,
) -> tuple[Float[Array, "..."], Float[Array, "..."] | None]:
    """Weight `shape` and a bias `(out, 1, ...)`, uniform in ±1/sqrt(fan_in)."""
    bias_shape = (shape[0],) + (1,) * num_spatial_dims
    return uniform_weight_and_bias(
        key,
        shape,
        bias_shape if use_bias else None,
        fan_in_limit(math.prod(shape[1:])),
        floating_dtype(layer, dtype),
    )


def _promote(
    x: Float[Array, "..."], weight: Float[Array, "..."]
) -> tuple[Float[Array, "..."], Float[Array, "..."]]:
    # lax.conv wants one dtype; follow the usual promotion rules instead.
    dtype = jnp.result_type(x.dtype, weight.dtype)
    return x.astype(dtype), weight.astype(dtype)


class Conv(Module):
    """An N-dimensional convolution (cross-correlation, as in deep learning).

    Input `(in_channels, *spatial)`, output `(out_channels, *out_spatial)`.
    Weight and bias are uniform in ±1/sqrt(in_channels // groups * prod(kernel)).
    """

    weight: Float[Array, "out_channels in_channels_per_group *kernel_size"]
    bias: Float[Array, "out_channels *spatial_ones"] | None
    num_spatial_dims: int = field(static=True)
    in_channels: int = field(static=True)
    out_channels: int = field(static=True)
    kernel_size: tuple[int, ...] = field(static=True)
    stride: tuple[int, ...] = field(static=True)
    padding: str | tuple[tuple[int, int], ...] = field(static=True)
    dilation: tuple[int, ...] = field(static=True)
    groups: int = field(static=True)
    use_bias: bool = field(static=True)
    padding_mode: PaddingMode = field(static=True)

    def __init__(
        self,
        num_spatial_dims: int,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: PaddingMode = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        name = type(self).__name__
        n = check_positive_int(name, "num_spatial_dims", num_spatial_dims)
        self.num_spatial_dims = n
        self.in_channels = check_positive_int(name, "in_channels", in_channels)
        self.out_channels = check_positive_int(name, "out_channels", out_channels)
        self.groups = check_positive_int(name, "groups", groups)
        _channels(name, self.in_channels, self.out_channels, self.groups)
        self.kernel_size = per_dim(name, "kernel_size", kernel_size, n, minimum=1)
        self.stride = per_dim(name, "stride", stride, n, minimum=1)
        self.dilation = per_dim(name, "dilation", dilation, n, minimum=1)
        self.padding = normalise_padding(name, padding, n)
        self.padding_mode = check_padding_mode(name, padding_mode)
        self.use_bias = bool(use_bias)
        shape = (
            self.out_channels,
            self.in_channels // self.groups,
            *self.kernel_size,
        )
        self.weight, self.bias = _init_weight_and_bias(
            name, shape, n, self.use_bias, dtype, key
        )

    def _pads(self, sizes: Sequence[int]) -> Pads:
        if isinstance(self.padding, str):
            return same_padding(
                self.padding, sizes, self.kernel_size, self.stride, self.dilation
            )
        return self.padding

    def __call__(
        self,
        x: Float[Array, "in_channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Float[Array, "out_channels *out_spatial"]:
        """Convolves one example; `key` is unused."""
        del key
        name = type(self).__name__
        check_input_rank(name, x, self.num_spatial_dims, self.in_channels)
        pads = self._pads(x.shape[1:])
        for axis, (n, (lo, hi), k, d) in enumerate(
            zip(x.shape[1:], pads, self.kernel_size, self.dilation, strict=True)
        ):
            if n + lo + hi < d * (k - 1) + 1:
                raise ValueError(
                    f"{name}: spatial axis {axis} has size {n} (padded: "
                    f"{n + lo + hi}), smaller than the dilated kernel "
                    f"{d * (k - 1) + 1}; input shape {x.shape}."
                )
        if self.padding_mode != "ZEROS":
            mode = _JNP_PAD_MODE[self.padding_mode]
            x = jnp.pad(x, ((0, 0), *pads), mode=mode)  # pyright: ignore[reportUnknownMemberType]  # jax leaves **kwargs untyped
            pads = tuple((0, 0) for _ in pads)
        lhs, rhs = _promote(x, self.weight)
        y = jax.lax.conv_general_dilated(
            lhs[None],
            rhs,
            window_strides=self.stride,
            padding=pads,
            rhs_dilation=self.dilation,
            feature_group_count=self.groups,
        )[0]
        if self.bias is not None:
            y = y + self.bias
        return y


class Conv1d(Conv):
    """`Conv` with one spatial dimension: input `(in_channels, length)`."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: PaddingMode = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        super().__init__(
            1,
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            use_bias,
            padding_mode,
            dtype,
            key=key,
        )


class Conv2d(Conv):
    """`Conv` with two spatial dimensions: input `(in_channels, height, width)`."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: PaddingMode = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        super().__init__(
            2,
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            use_bias,
            padding_mode,
            dtype,
            key=key,
        )


class Conv3d(Conv):
    """`Conv` with three spatial dimensions: input `(in_channels, d, h, w)`."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: PaddingMode = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        super().__init__(
            3,
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            use_bias,
            padding_mode,
            dtype,
            key=key,
        )


def _transpose_crop(
    padding: str | Pads,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> Pads:
    """What a transposed conv crops from each end of each spatial dim.

    "SAME" crops so that out = in * stride (with no output_padding), splitting
    an odd total as the forward "SAME" pads, which keeps the two adjoint.
    """
    if not isinstance(padding, str):
        return padding
    if padding == "VALID":
        return tuple((0, 0) for _ in kernel_size)
    pads: list[tuple[int, int]] = []
    for k, s, d in zip(kernel_size, stride, dilation, strict=True):
        total = max(d * (k - 1) + 1 - s, 0)
        small, large = total // 2, total - total // 2
        pads.append((small, large) if padding == "SAME" else (large, small))
    return tuple(pads)


class ConvTranspose(Module):
    """An N-dimensional transposed convolution (the adjoint of `Conv`).

    Output size per spatial dim:
    `(n - 1) * stride - pad_low - pad_high + dilation * (kernel - 1)
    + output_padding + 1`. `padding` crops the output, as in PyTorch;
    `output_padding` (< max(stride, dilation)) picks among the sizes that the
    matching `Conv` maps to `n`. Only `padding_mode="ZEROS"` is defined.
    """

    weight: Float[Array, "out_channels in_channels_per_group *kernel_size"]
    bias: Float[Array, "out_channels *spatial_ones"] | None
    num_spatial_dims: int = field(static=True)
    in_channels: int = field(static=True)
    out_channels: int = field(static=True)
    kernel_size: tuple[int, ...] = field(static=True)
    stride: tuple[int, ...] = field(static=True)
    padding: tuple[tuple[int, int], ...] = field(static=True)
    output_padding: tuple[int, ...] = field(static=True)
    dilation: tuple[int, ...] = field(static=True)
    groups: int = field(static=True)
    use_bias: bool = field(static=True)
    padding_mode: Literal["ZEROS"] = field(static=True)

    def __init__(
        self,
        num_spatial_dims: int,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        output_padding: int | Sequence[int] = 0,
        padding: PaddingLike = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: Literal["ZEROS"] = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        name = type(self).__name__
        n = check_positive_int(name, "num_spatial_dims", num_spatial_dims)
        self.num_spatial_dims = n
        self.in_channels = check_positive_int(name, "in_channels", in_channels)
        self.out_channels = check_positive_int(name, "out_channels", out_channels)
        self.groups = check_positive_int(name, "groups", groups)
        _channels(name, self.in_channels, self.out_channels, self.groups)
        self.kernel_size = per_dim(name, "kernel_size", kernel_size, n, minimum=1)
        self.stride = per_dim(name, "stride", stride, n, minimum=1)
        self.dilation = per_dim(name, "dilation", dilation, n, minimum=1)
        self.output_padding = per_dim(
            name, "output_padding", output_padding, n, minimum=0
        )
        for op, s, d in zip(
            self.output_padding, self.stride, self.dilation, strict=True
        ):
            if op >= max(s, d):
                raise ValueError(
                    f"{name}: `output_padding` must be smaller than max(stride, "
                    f"dilation) in every dimension, got output_padding="
                    f"{self.output_padding}, stride={self.stride}, "
                    f"dilation={self.dilation}."
                )
        self.padding = _transpose_crop(
            normalise_padding(name, padding, n),
            self.kernel_size,
            self.stride,
            self.dilation,
        )
        if check_padding_mode(name, padding_mode) != "ZEROS":
            raise ValueError(
                f"{name}: only padding_mode='ZEROS' is defined for a transposed "
                f"convolution, got {padding_mode!r}."
            )
        self.padding_mode = "ZEROS"
        self.use_bias = bool(use_bias)
        shape = (
            self.out_channels,
            self.in_channels // self.groups,
            *self.kernel_size,
        )
        self.weight, self.bias = _init_weight_and_bias(
            name, shape, n, self.use_bias, dtype, key
        )

    def __call__(
        self,
        x: Float[Array, "in_channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Float[Array, "out_channels *out_spatial"]:
        """Applies the transposed convolution to one example; `key` is unused."""
        del key
        name = type(self).__name__
        check_input_rank(name, x, self.num_spatial_dims, self.in_channels)
        pads: list[tuple[int, int]] = []
        for axis, (n, (lo, hi), k, d, s, op) in enumerate(
            zip(
                x.shape[1:],
                self.padding,
                self.kernel_size,
                self.dilation,
                self.stride,
                self.output_padding,
                strict=True,
            )
        ):
            reach = d * (k - 1)
            if (n - 1) * s + reach + op + 1 - lo - hi < 1:
                raise ValueError(
                    f"{name}: spatial axis {axis} of size {n} gives an empty "
                    f"output once `padding` {(lo, hi)} is cropped; input shape "
                    f"{x.shape}."
                )
            pads.append((reach - lo, reach - hi + op))
        spatial_axes = tuple(range(2, 2 + self.num_spatial_dims))
        lhs, rhs = _promote(x, jnp.flip(self.weight, spatial_axes))
        y = jax.lax.conv_general_dilated(
            lhs[None],
            rhs,
            window_strides=(1,) * self.num_spatial_dims,
            padding=pads,
            lhs_dilation=self.stride,
            rhs_dilation=self.dilation,
            feature_group_count=self.groups,
        )[0]
        if self.bias is not None:
            y = y + self.bias
        return y


class ConvTranspose1d(ConvTranspose):
    """`ConvTranspose` with one spatial dimension."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        output_padding: int | Sequence[int] = 0,
        padding: PaddingLike = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: Literal["ZEROS"] = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        super().__init__(
            1,
            in_channels,
            out_channels,
            kernel_size,
            stride,
            output_padding,
            padding,
            dilation,
            groups,
            use_bias,
            padding_mode,
            dtype,
            key=key,
        )


class ConvTranspose2d(ConvTranspose):
    """`ConvTranspose` with two spatial dimensions."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        output_padding: int | Sequence[int] = 0,
        padding: PaddingLike = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: Literal["ZEROS"] = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        super().__init__(
            2,
            in_channels,
            out_channels,
            kernel_size,
            stride,
            output_padding,
            padding,
            dilation,
            groups,
            use_bias,
            padding_mode,
            dtype,
            key=key,
        )


class ConvTranspose3d(ConvTranspose):
    """`ConvTranspose` with three spatial dimensions."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        output_padding: int | Sequence[int] = 0,
        padding: PaddingLike = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: Literal["ZEROS"] = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        super().__init__(
            3,
            in_channels,
            out_channels,
            kernel_size,
            stride,
            output_padding,
            padding,
            dilation,
            groups,
            use_bias,
            padding_mode,
            dtype,
            key=key,
        )
