"""`BatchNorm`: normalisation by statistics over a `jax.vmap`ped batch."""

import warnings
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal, TypeAlias, cast

import jax
import jax.numpy as jnp
from jax.typing import DTypeLike
from jaxtyping import Array, Bool, Float, Int, PRNGKeyArray

from .._field import field
from ._normalisation import check_eps
from ._param_init import check_positive_int, floating_dtype
from ._sequential import StatefulLayer
from ._stateful import State, StateIndex

_Stats = tuple[Float[Array, "input_size"], Float[Array, "input_size"]]
Mode: TypeAlias = Literal["ema", "batch", "renorm"]

_LEGACY_WARNING = (
    "BatchNorm: `mode` was not given, so it defaults to 'ema' (Equinox's "
    "backward-compatible default). 'batch' is what other frameworks call batch "
    "norm and is usually faster; pass mode='ema' or mode='batch' explicitly."
)


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
    The modes (and their state, which matches Equinox's leaf for leaf):

    - `mode="batch"` (what other frameworks call batch norm): training
      normalises with the batch statistics and updates exponential moving
      averages `running = momentum * running + (1 - momentum) * batch`
      (starting from mean 0, variance 1; state `batch_counter`,
      `batch_state_index`). Inference normalises with the averages divided by
      `1 - momentum ** count` (bias-corrected; the raw ones before any training
      step).
    - `mode="ema"` (the default; leaving `mode` out warns, as in Equinox):
      running statistics (state `ema_first_time_index`, `ema_state_index`) are
      set to the batch statistics on the first training call and then updated
      by the same moving average; both training and inference normalise with
      the running statistics.
    - `mode="renorm"` (ours, not in Equinox): batch renormalisation. Like
      "batch", and training corrects towards the bias-corrected averages,
      `(x - mu_b)/sigma_b * r + d` with `r = sigma_b/sigma`,
      `d = (mu_b - mu)/sigma` (no gradient through `r`, `d`), ramped in
      linearly over the first `warmup_period` training calls.

    Inference: `inference=True`, or `eqx.nn.inference_mode`; the state is then
    left unchanged.
    """

    weight: Float[Array, "input_size"] | None
    bias: Float[Array, "input_size"] | None
    ema_first_time_index: StateIndex[Bool[Array, ""]] | None
    ema_state_index: StateIndex[_Stats] | None
    batch_counter: StateIndex[Int[Array, ""]] | None
    batch_state_index: StateIndex[_Stats] | None
    axis_name: Hashable | Sequence[Hashable] = field(static=True)
    inference: bool
    input_size: int = field(static=True)
    eps: float = field(static=True)
    channelwise_affine: bool = field(static=True)
    momentum: float = field(static=True)
    mode: Mode = field(static=True)
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
        mode: Mode | Literal["legacy"] = "legacy",
        warmup_period: int = 1000,
    ) -> None:
        """`dtype` is that of the affine parameters and running statistics."""
        self.input_size = check_positive_int("BatchNorm", "input_size", input_size)
        self.axis_name = _hashable_axis_name(axis_name)
        self.eps = check_eps("BatchNorm", eps)
        self.channelwise_affine = bool(channelwise_affine)
        self.momentum = _check_fraction("momentum", momentum)
        self.inference = bool(inference)
        if mode == "legacy":
            # stacklevel 3: past Module's construction machinery, to the caller.
            warnings.warn(_LEGACY_WARNING, UserWarning, stacklevel=3)
            mode = "ema"
        if mode not in ("ema", "batch", "renorm"):
            raise ValueError(
                f"BatchNorm: `mode` must be 'ema', 'batch' or 'renorm', got {mode!r}."
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
        zeros = jnp.zeros(size, param_dtype)
        self.ema_first_time_index = self.ema_state_index = None
        self.batch_counter = self.batch_state_index = None
        if mode == "ema":
            self.ema_first_time_index = StateIndex(jnp.array(True))
            self.ema_state_index = StateIndex((zeros, zeros))
        else:
            self.batch_counter = StateIndex(jnp.array(0, jnp.int32))
            self.batch_state_index = StateIndex((zeros, jnp.ones(size, param_dtype)))

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

    def _average(self, running: Array, batch: Array) -> Array:
        new = self.momentum * running + (1 - self.momentum) * batch
        return jax.lax.stop_gradient(new).astype(running.dtype)

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
        if self.mode == "ema":
            out, state = self._ema(x, state, inference)
        else:
            out, state = self._batch(x, state, inference)
        return out.astype(orig_dtype), state

    def _ema(self, x: Array, state: State, inference: bool) -> tuple[Array, State]:
        assert self.ema_state_index is not None
        assert self.ema_first_time_index is not None
        running_mean, running_var = mean, var = state.get(self.ema_state_index)
        if not inference:
            # The first call fills the running statistics; training then
            # normalises with the updated running statistics, as in Equinox.
            first = state.get(self.ema_first_time_index)
            batch_mean, batch_var = self._batch_stats(x)
            mean = jnp.where(first, batch_mean, self._average(mean, batch_mean))
            var = jnp.where(first, batch_var, self._average(var, batch_var))
            mean = mean.astype(running_mean.dtype)
            var = var.astype(running_var.dtype)
            state = state.set(self.ema_first_time_index, jnp.array(False))
            state = state.set(self.ema_state_index, (mean, var))
        return self._normalise(x, mean.astype(x.dtype), var.astype(x.dtype)), state

    def _debiased(self, state: State) -> tuple[Array, Array]:
        """The moving averages divided by `1 - momentum ** count`."""
        assert self.batch_state_index is not None
        assert self.batch_counter is not None
        mean, var = state.get(self.batch_state_index)
        count = state.get(self.batch_counter)
        correction = jnp.where(count == 0, 1, 1 - self.momentum**count)
        return mean / correction, var / correction

    def _batch(self, x: Array, state: State, inference: bool) -> tuple[Array, State]:
        assert self.batch_state_index is not None
        assert self.batch_counter is not None
        if inference:
            mean, var = self._debiased(state)
            return self._normalise(x, mean.astype(x.dtype), var.astype(x.dtype)), state
        mean, var = self._batch_stats(x)
        out = self._normalise(x, mean, var, *self._renorm(mean, var, state))
        running_mean, running_var = state.get(self.batch_state_index)
        count = state.get(self.batch_counter)
        state = state.set(self.batch_counter, count + 1)
        state = state.set(
            self.batch_state_index,
            (self._average(running_mean, mean), self._average(running_var, var)),
        )
        return out, state

    def _renorm(
        self, mean: Array, var: Array, state: State
    ) -> tuple[Array, Array] | tuple[()]:
        """The batch-renormalisation correction `(r, d)` ("renorm" only)."""
        if self.mode != "renorm":
            return ()
        assert self.batch_counter is not None
        running_mean, running_var = self._debiased(state)
        running_std = jnp.sqrt(running_var + self.eps)
        r = jax.lax.stop_gradient(jnp.sqrt(var + self.eps) / running_std)
        d = jax.lax.stop_gradient((mean - running_mean) / running_std)
        count = state.get(self.batch_counter)
        warm = jnp.minimum(count / self.warmup_period, 1.0).astype(mean.dtype)
        return 1 + warm * (r - 1), warm * d

    def _normalise(
        self,
        x: Array,
        mean: Array,
        var: Array,
        scale: Array | None = None,
        shift: Array | None = None,
    ) -> Array:
        def channels(v: Array) -> Array:
            return v.reshape((-1,) + (1,) * (x.ndim - 1))

        out = (x - channels(mean)) * channels(jax.lax.rsqrt(var + self.eps))
        if scale is not None and shift is not None:
            out = out * channels(scale) + channels(shift)
        if self.weight is not None and self.bias is not None:
            out = out * channels(self.weight) + channels(self.bias)
        return out
