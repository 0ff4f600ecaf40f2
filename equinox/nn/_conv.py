"""Convolutions (`Conv`, `Conv1d/2d/3d`) and their transposes (`ConvTranspose*`).

Both act on one channels-first example, `x` of shape `(in_channels, *spatial)`,
and keep the weight as `(out_channels, in_channels // groups, *kernel_size)`.
`Conv` is `jax.lax.conv_general_dilated`; `ConvTranspose` is the same call on
the input dilated by the stride, with the stored kernel as it is (Equinox's
layout: the exact adjoint of a `Conv` uses that conv's kernel flipped and with
its channel axes swapped).
"""

import math
from collections.abc import Sequence
from typing import Literal, TypeAlias, cast

import jax
import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, Inexact, PRNGKeyArray

from .._field import field
from .._module import Module
from ._param_init import (
    check_input_rank,
    check_nonnegative_int,
    check_positive_int,
    fan_in_limit,
    inexact_dtype,
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


def explicit_pads(
    padding: str | Pads,
    sizes: Sequence[int],
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> Pads:
    """`padding` as (low, high) pairs for an input of spatial `sizes`."""
    if isinstance(padding, str):
        return same_padding(padding, sizes, kernel_size, stride, dilation)
    return padding


def check_windows_fit(
    layer: str,
    shape: tuple[int, ...],
    pads: Pads,
    kernel_size: Sequence[int],
    dilation: Sequence[int] | None,
) -> None:
    """Every padded spatial axis of an input of `shape` holds one kernel
    (dilated by `dilation`, if given)."""
    what = "kernel" if dilation is None else "dilated kernel"
    dilation = (1,) * len(kernel_size) if dilation is None else dilation
    for axis, (n, (lo, hi), k, d) in enumerate(
        zip(shape[1:], pads, kernel_size, dilation, strict=True)
    ):
        if n + lo + hi < d * (k - 1) + 1:
            raise ValueError(
                f"{layer}: spatial axis {axis} has size {n} (padded: "
                f"{n + lo + hi}), smaller than the {what} {d * (k - 1) + 1}; "
                f"input shape {shape}."
            )


def _channels(
    layer: str, in_channels: int, out_channels: int, groups: int
) -> tuple[int, int, int]:
    """`in_channels`, `out_channels` and `groups`, checked: `groups` divides both."""
    sizes = {
        "in_channels": check_positive_int(layer, "in_channels", in_channels),
        "out_channels": check_positive_int(layer, "out_channels", out_channels),
    }
    groups = check_positive_int(layer, "groups", groups)
    for name, value in sizes.items():
        if value % groups != 0:
            raise ValueError(
                f"{layer}: `groups` ({groups}) must divide `{name}`, got "
                f"{name}={value}."
            )
    return sizes["in_channels"], sizes["out_channels"], groups


def _window(
    layer: str,
    num_spatial_dims: int,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int],
    dilation: int | Sequence[int],
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """`kernel_size`, `stride` and `dilation`, one positive int per spatial dim."""
    return (
        per_dim(layer, "kernel_size", kernel_size, num_spatial_dims, minimum=1),
        per_dim(layer, "stride", stride, num_spatial_dims, minimum=1),
        per_dim(layer, "dilation", dilation, num_spatial_dims, minimum=1),
    )


def _init_weight_and_bias(
    layer: str,
    out_channels: int,
    in_channels: int,
    groups: int,
    kernel_size: tuple[int, ...],
    use_bias: bool,
    dtype: DTypeLike | None,
    key: PRNGKeyArray,
) -> tuple[Inexact[Array, "..."], Inexact[Array, "..."] | None]:
    """Weight `(out, in // groups, *kernel_size)` and a bias `(out, 1, ...)`,
    uniform in ±1/sqrt(fan_in) (fan_in = in // groups * prod(kernel_size))."""
    shape = (out_channels, in_channels // groups, *kernel_size)
    bias_shape = (out_channels,) + (1,) * len(kernel_size)
    return uniform_weight_and_bias(
        key,
        shape,
        bias_shape if use_bias else None,
        fan_in_limit(math.prod(shape[1:])),
        inexact_dtype(layer, dtype),
    )


def _promote(
    x: Inexact[Array, "..."], weight: Inexact[Array, "..."]
) -> tuple[Inexact[Array, "..."], Inexact[Array, "..."]]:
    # lax.conv wants one dtype; follow the usual promotion rules instead.
    dtype = jnp.result_type(x.dtype, weight.dtype)
    return x.astype(dtype), weight.astype(dtype)


class Conv(Module):
    """An N-dimensional convolution (cross-correlation, as in deep learning).

    Input `(in_channels, *spatial)`, output `(out_channels, *out_spatial)`.
    Weight and bias are uniform in ±1/sqrt(in_channels // groups * prod(kernel)).
    """

    weight: Inexact[Array, "out_channels in_channels_per_group *kernel_size"]
    bias: Inexact[Array, "out_channels *spatial_ones"] | None
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
        self.in_channels, self.out_channels, self.groups = _channels(
            name, in_channels, out_channels, groups
        )
        self.kernel_size, self.stride, self.dilation = _window(
            name, n, kernel_size, stride, dilation
        )
        self.padding = normalise_padding(name, padding, n)
        self.padding_mode = check_padding_mode(name, padding_mode)
        self.use_bias = bool(use_bias)
        self.weight, self.bias = _init_weight_and_bias(
            name,
            self.out_channels,
            self.in_channels,
            self.groups,
            self.kernel_size,
            self.use_bias,
            dtype,
            key,
        )

    def __call__(
        self,
        x: Inexact[Array, "in_channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Inexact[Array, "out_channels *out_spatial"]:
        """Convolves one example; `key` is unused."""
        del key
        name = type(self).__name__
        check_input_rank(name, x, self.num_spatial_dims, self.in_channels)
        pads = explicit_pads(
            self.padding, x.shape[1:], self.kernel_size, self.stride, self.dilation
        )
        check_windows_fit(name, x.shape, pads, self.kernel_size, self.dilation)
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


TransposePaddingMode: TypeAlias = Literal["ZEROS", "CIRCULAR"]


def _transpose_mode(
    layer: str,
    padding_mode: object,
    padding: str | Pads,
    output_padding: tuple[int, ...],
) -> TransposePaddingMode:
    """The padding mode of the equivalent `Conv`; only ZEROS and CIRCULAR (the
    latter with "SAME"/"SAME_LOWER" and no output_padding) have a transpose."""
    mode = check_padding_mode(layer, padding_mode)
    if mode == "ZEROS":
        return "ZEROS"
    if mode != "CIRCULAR":
        raise NotImplementedError(
            f"{layer}: padding_mode={mode!r} has no transposed convolution; use "
            f"'ZEROS' or 'CIRCULAR'."
        )
    if padding not in ("SAME", "SAME_LOWER"):
        raise NotImplementedError(
            f"{layer}: padding_mode='CIRCULAR' is only implemented with padding "
            f"'SAME' or 'SAME_LOWER', got padding={padding!r}."
        )
    if any(output_padding):
        raise NotImplementedError(
            f"{layer}: padding_mode='CIRCULAR' is only implemented with zero "
            f"`output_padding`, got {output_padding}."
        )
    return "CIRCULAR"


def _equivalent_conv(
    n: int, k: int, s: int, d: int, op: int, padding: str | tuple[int, int]
) -> tuple[int, tuple[int, int]]:
    """For one spatial dim of input size `n`: the input size of the equivalent
    `Conv` (the size this layer outputs) and that conv's (low, high) padding."""
    if padding == "VALID":
        return (n - 1) * s + d * (k - 1) + 1 + op, (0, 0)
    if isinstance(padding, str):
        # "SAME": the conv maps size n*s to n; output_padding picks a smaller one.
        size = n * s - op
        (pads,) = same_padding(padding, [size], [k], [s], [d])
        return size, pads
    lo, hi = padding
    return (n - 1) * s - lo - hi + d * (k - 1) + 1 + op, (lo, hi)


def _wrap_circular(y: Array, axis: int, size: int, pads: tuple[int, int]) -> Array:
    """Folds the parts of `y` that fall on the equivalent conv's circular
    padding back onto the positions they were copied from, then crops."""
    lo, hi = pads
    y = jnp.moveaxis(y, axis, 0)
    core = y[lo : lo + size]
    if lo:
        core = core.at[size - lo :].add(y[:lo])
    if hi:
        core = core.at[:hi].add(y[lo + size :])
    return jnp.moveaxis(core, 0, axis)


class ConvTranspose(Module):
    """An N-dimensional transposed convolution.

    It goes from the output shape of the equivalent `Conv` (same `kernel_size`,
    `stride`, `padding`, `dilation`, `groups`, channels swapped) back to its
    input shape, with the same connectivity. Output size per spatial dim:
    `(n - 1) * stride - pad_low - pad_high + dilation * (kernel - 1)
    + output_padding + 1`, or `n * stride - output_padding` for "SAME" /
    "SAME_LOWER". `output_padding` (< stride) picks among the input sizes the
    equivalent `Conv` maps to `n`. `padding_mode` is the equivalent conv's:
    "ZEROS", or "CIRCULAR" (with "SAME"/"SAME_LOWER" padding only), whose
    wrapped-around connections are kept.
    """

    weight: Inexact[Array, "out_channels in_channels_per_group *kernel_size"]
    bias: Inexact[Array, "out_channels *spatial_ones"] | None
    num_spatial_dims: int = field(static=True)
    in_channels: int = field(static=True)
    out_channels: int = field(static=True)
    kernel_size: tuple[int, ...] = field(static=True)
    stride: tuple[int, ...] = field(static=True)
    padding: str | tuple[tuple[int, int], ...] = field(static=True)
    output_padding: tuple[int, ...] = field(static=True)
    dilation: tuple[int, ...] = field(static=True)
    groups: int = field(static=True)
    use_bias: bool = field(static=True)
    padding_mode: TransposePaddingMode = field(static=True)

    def __init__(
        self,
        num_spatial_dims: int,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        output_padding: int | Sequence[int] = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: TransposePaddingMode = "ZEROS",
        dtype: DTypeLike | None = None,
        *,
        key: PRNGKeyArray,
    ) -> None:
        name = type(self).__name__
        n = check_positive_int(name, "num_spatial_dims", num_spatial_dims)
        self.num_spatial_dims = n
        self.in_channels, self.out_channels, self.groups = _channels(
            name, in_channels, out_channels, groups
        )
        self.kernel_size, self.stride, self.dilation = _window(
            name, n, kernel_size, stride, dilation
        )
        self.output_padding = per_dim(
            name, "output_padding", output_padding, n, minimum=0
        )
        if any(op >= s for op, s in zip(self.output_padding, self.stride, strict=True)):
            raise ValueError(
                f"{name}: `output_padding` must be smaller than `stride` in every "
                f"dimension, got output_padding={self.output_padding}, "
                f"stride={self.stride}."
            )
        self.padding = normalise_padding(name, padding, n)
        self.padding_mode = _transpose_mode(
            name, padding_mode, self.padding, self.output_padding
        )
        self.use_bias = bool(use_bias)
        self.weight, self.bias = _init_weight_and_bias(
            name,
            self.out_channels,
            self.in_channels,
            self.groups,
            self.kernel_size,
            self.use_bias,
            dtype,
            key,
        )

    def _plan(self, x: Array) -> list[tuple[int, tuple[int, int]]]:
        """Per spatial dim: the output size and the equivalent conv's padding."""
        name = type(self).__name__
        plan: list[tuple[int, tuple[int, int]]] = []
        for axis in range(self.num_spatial_dims):
            padding = (
                self.padding if isinstance(self.padding, str) else self.padding[axis]
            )
            size, pads = _equivalent_conv(
                x.shape[1 + axis],
                self.kernel_size[axis],
                self.stride[axis],
                self.dilation[axis],
                self.output_padding[axis],
                padding,
            )
            if size < 1:
                raise ValueError(
                    f"{name}: spatial axis {axis} of size {x.shape[1 + axis]} "
                    f"gives an empty output with padding {padding!r}; input "
                    f"shape {x.shape}."
                )
            plan.append((size, pads))
        return plan

    def __call__(
        self,
        x: Inexact[Array, "in_channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Inexact[Array, "out_channels *out_spatial"]:
        """Applies the transposed convolution to one example; `key` is unused."""
        del key
        name = type(self).__name__
        check_input_rank(name, x, self.num_spatial_dims, self.in_channels)
        plan = self._plan(x)
        circular = self.padding_mode == "CIRCULAR"
        conv_pads: list[tuple[int, int]] = []
        for axis, (size, (lo, hi)) in enumerate(plan):
            n, s = x.shape[1 + axis], self.stride[axis]
            reach = self.dilation[axis] * (self.kernel_size[axis] - 1)
            if circular:
                # The full output, padding included; wrapped round below.
                full = (n - 1) * s + reach + 1
                conv_pads.append((reach, reach + size + lo + hi - full))
            else:
                extra = size - ((n - 1) * s - lo - hi + reach + 1)
                conv_pads.append((reach - lo, reach - hi + extra))
        lhs, rhs = _promote(x, self.weight)
        y = jax.lax.conv_general_dilated(
            lhs[None],
            rhs,
            window_strides=(1,) * self.num_spatial_dims,
            padding=conv_pads,
            lhs_dilation=self.stride,
            rhs_dilation=self.dilation,
            feature_group_count=self.groups,
        )[0]
        if circular:
            for axis, (size, pads) in enumerate(plan):
                y = _wrap_circular(y, axis + 1, size, pads)
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
        padding: PaddingLike = 0,
        output_padding: int | Sequence[int] = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: TransposePaddingMode = "ZEROS",
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
            output_padding,
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
        padding: PaddingLike = 0,
        output_padding: int | Sequence[int] = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: TransposePaddingMode = "ZEROS",
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
            output_padding,
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
        padding: PaddingLike = 0,
        output_padding: int | Sequence[int] = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        use_bias: bool = True,
        padding_mode: TransposePaddingMode = "ZEROS",
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
            output_padding,
            dilation,
            groups,
            use_bias,
            padding_mode,
            dtype,
            key=key,
        )
