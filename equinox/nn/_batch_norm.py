"""`BatchNorm`: normalisation by statistics over a `jax.vmap`ped batch."""

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal, cast

import jax
import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, Float, Int, PRNGKeyArray

from .._field import field
from ._normalisation import check_eps
from ._param_init import check_positive_int, floating_dtype
from ._sequential import StatefulLayer
from ._stateful import State, StateIndex

_Stats = tuple[Float[Array, "input_size"], Float[Array, "input_size"]]


def _check_fraction(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"BatchNorm: `{name}` must be a float, got {value!r}.")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"BatchNorm: `{name}` must be in [0, 1], got {value}.")
    return float(value)


# jax leaves `pmean` untyped; this alias gives it the signature used here.
_lax_pmean = cast(Callable[[Array, Any], Array], jax.lax.pmean)  # pyright: ignore[reportUnknownMemberType]  # see above


def _hashable_axis_name(
    axis_name: Hashable | Sequence[Hashable],
) -> Hashable | tuple[Hashable, ...]:
    """A list of names becomes a tuple: static fields must be hashable."""
    if isinstance(axis_name, list):
        return tuple(axis_name)
    return axis_name


def _pmean(x: Array, axis_name: Hashable | Sequence[Hashable]) -> Array:
    try:
        return _lax_pmean(x, axis_name)
    except NameError as e:
        raise ValueError(
            f"BatchNorm: axis name {axis_name!r} is not bound. BatchNorm acts on a "
            "batch, so call it inside `jax.vmap(..., axis_name="
            f"{axis_name!r})` (or pmap/shard_map with that axis name)."
        ) from e


class BatchNorm(StatefulLayer):
    """Normalises each channel by its mean and variance over the batch.

    Call it on one example `x` of shape `(input_size, *spatial)` inside
    `jax.vmap(..., axis_name=axis_name)` (the batch statistics are averaged
    over that named axis with `jax.lax.pmean`), as
    `y, state = bn(x, state)`; usually `in_axes=(0, None), out_axes=(0, None)`.

    Running statistics live in the `State`: on the first training call they
    are set to the batch statistics, afterwards updated as
    `running = momentum * running + (1 - momentum) * batch`.

    - `mode="ema"`: training normalises with the batch statistics.
    - `mode="batch"`: batch renormalisation. Training normalises with the batch
      statistics and then corrects towards the running ones,
      `(x - mu_b)/sigma_b * r + d` with `r = sigma_b/sigma`,
      `d = (mu_b - mu)/sigma` (no gradient through `r`, `d`). Over the first
      `warmup_period` training calls `r`, `d` are interpolated linearly from
      `1`, `0` (plain batch norm) to their full values, so that the running
      statistics have settled before they are relied on.

    In inference (`inference=True`, or `eqx.nn.inference_mode`) both modes
    normalise with the running statistics and leave the state unchanged.
    """

    weight: Float[Array, "input_size"] | None
    bias: Float[Array, "input_size"] | None
    state_index: StateIndex[_Stats]
    count_index: StateIndex[Int[Array, ""]]
    axis_name: Hashable | Sequence[Hashable] = field(static=True)
    inference: bool
    input_size: int = field(static=True)
    eps: float = field(static=True)
    channelwise_affine: bool = field(static=True)
    momentum: float = field(static=True)
    mode: Literal["ema", "batch"] = field(static=True)
    warmup_period: int = field(static=True)

    def __init__(
        self,
        input_size: int,
        axis_name: Hashable | Sequence[Hashable],
        eps: float = 1e-5,
        channelwise_affine: bool = True,
        momentum: float = 0.99,
        inference: bool = False,
        dtype: DTypeLike | None = None,
        mode: Literal["ema", "batch"] = "ema",
        warmup_period: int = 1000,
    ) -> None:
        """`dtype` is that of the affine parameters and running statistics."""
        self.input_size = check_positive_int("BatchNorm", "input_size", input_size)
        self.axis_name = _hashable_axis_name(axis_name)
        self.eps = check_eps("BatchNorm", eps)
        self.channelwise_affine = bool(channelwise_affine)
        self.momentum = _check_fraction("momentum", momentum)
        self.inference = bool(inference)
        if mode not in ("ema", "batch"):
            raise ValueError(
                f"BatchNorm: `mode` must be 'ema' or 'batch', got {mode!r}."
            )
        self.mode = mode
        self.warmup_period = check_positive_int(
            "BatchNorm", "warmup_period", warmup_period
        )
        param_dtype = floating_dtype("BatchNorm", dtype)
        size = (self.input_size,)
        if self.channelwise_affine:
            self.weight = jnp.ones(size, param_dtype)
            self.bias = jnp.zeros(size, param_dtype)
        else:
            self.weight = None
            self.bias = None
        init_stats = (jnp.zeros(size, param_dtype), jnp.ones(size, param_dtype))
        self.state_index = StateIndex(init_stats)
        self.count_index = StateIndex(jnp.array(0, jnp.int32))

    def _check_input(self, x: Array) -> None:
        if x.ndim < 1 or x.shape[0] != self.input_size:
            raise ValueError(
                f"BatchNorm: expected one unbatched example of shape (input_size="
                f"{self.input_size}, *spatial), got shape {x.shape}. Batch with "
                f"jax.vmap(..., axis_name={self.axis_name!r})."
            )

    def _batch_stats(self, x: Array) -> tuple[Array, Array]:
        spatial = tuple(range(1, x.ndim))
        mean = _pmean(jnp.mean(x, axis=spatial), self.axis_name)
        centred = x - mean.reshape((-1,) + (1,) * (x.ndim - 1))
        var = _pmean(jnp.mean(jnp.square(centred), axis=spatial), self.axis_name)
        return mean, var

    def __call__(
        self,
        x: Float[Array, "input_size *spatial"],
        state: State,
        *,
        key: PRNGKeyArray | None = None,
        inference: bool | None = None,
    ) -> tuple[Float[Array, "input_size *spatial"], State]:
        """Normalises `x`; returns the output and the updated state.

        `inference` overrides the layer's own flag for this call; `key` is
        unused.
        """
        del key
        self._check_input(x)
        if inference is None:
            inference = self.inference
        orig_dtype = x.dtype
        x = x.astype(jnp.promote_types(x.dtype, jnp.float32))
        running_mean, running_var = state.get(self.state_index)
        if inference:
            mean, var = running_mean.astype(x.dtype), running_var.astype(x.dtype)
            scale, shift = jnp.ones_like(mean), jnp.zeros_like(mean)
        else:
            mean, var = self._batch_stats(x)
            count = state.get(self.count_index)
            first = count == 0
            scale, shift = self._renorm(mean, var, running_mean, running_var, count)
            new_mean = jnp.where(
                first, mean, self.momentum * running_mean + (1 - self.momentum) * mean
            )
            new_var = jnp.where(
                first, var, self.momentum * running_var + (1 - self.momentum) * var
            )
            stats = (
                jax.lax.stop_gradient(new_mean).astype(running_mean.dtype),
                jax.lax.stop_gradient(new_var).astype(running_var.dtype),
            )
            state = state.set(self.state_index, stats)
            state = state.set(self.count_index, count + 1)
        out = self._normalise(x, mean, var, scale, shift)
        return out.astype(orig_dtype), state

    def _renorm(
        self,
        mean: Array,
        var: Array,
        running_mean: Array,
        running_var: Array,
        count: Array,
    ) -> tuple[Array, Array]:
        """The batch-renormalisation correction `(r, d)`; `(1, 0)` in ema mode."""
        if self.mode == "ema":
            return jnp.ones_like(mean), jnp.zeros_like(mean)
        running_std = jnp.sqrt(running_var + self.eps)
        r = jax.lax.stop_gradient(jnp.sqrt(var + self.eps) / running_std)
        d = jax.lax.stop_gradient((mean - running_mean) / running_std)
        warm = jnp.minimum(count / self.warmup_period, 1.0).astype(mean.dtype)
        return 1 + warm * (r - 1), warm * d

    def _normalise(
        self, x: Array, mean: Array, var: Array, scale: Array, shift: Array
    ) -> Array:
        def channels(v: Array) -> Array:
            return v.reshape((-1,) + (1,) * (x.ndim - 1))

        out = (x - channels(mean)) * channels(jax.lax.rsqrt(var + self.eps))
        out = out * channels(scale) + channels(shift)
        if self.weight is not None and self.bias is not None:
            out = out * channels(self.weight) + channels(self.bias)
        return out
