"""`Dropout`: zeroes elements at random during training."""

import warnings

import jax
import jax.numpy as jnp
from jaxtyping import Array, Num, PRNGKeyArray

from .._module import Module


def _is_zero(p: object) -> bool:
    # `p` is a leaf: under plain `jax.jit` it arrives traced, so test concretely.
    return isinstance(p, int | float) and p == 0


class Dropout(Module):
    """Zeroes each element with probability `p` and scales the rest by 1/(1-p).

    In inference mode (`inference=True`, set on the layer, per call, or on a
    whole model by `eqx.nn.inference_mode`) it returns its input unchanged.
    Otherwise `__call__` needs a `key`.
    """

    p: float
    inference: bool

    def __init__(
        self,
        p: float = 0.5,
        inference: bool = False,
        *,
        deterministic: bool | None = None,
    ) -> None:
        """`deterministic` is Equinox's deprecated spelling of `inference`
        (it warns, and wins over `inference` when given)."""
        if deterministic is not None:
            warnings.warn(
                "Dropout(deterministic=...) is deprecated; use Dropout(inference=...).",
                UserWarning,
                stacklevel=2,
            )
            inference = deterministic
        if isinstance(p, bool) or not isinstance(p, int | float):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers may ignore the annotation
            raise TypeError(f"Dropout: `p` must be a float in [0, 1], got {p!r}.")
        if not 0 <= p <= 1:
            raise ValueError(f"Dropout: `p` must be in [0, 1], got {p}.")
        if not isinstance(inference, bool):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers may ignore the annotation
            raise TypeError(f"Dropout: `inference` must be a bool, got {inference!r}.")
        self.p = float(p)
        self.inference = inference

    def __call__(
        self,
        x: Num[Array, "*shape"],
        *,
        key: PRNGKeyArray | None = None,
        inference: bool | None = None,
        deterministic: bool | None = None,
    ) -> Num[Array, "*shape"]:
        """Applies dropout; `inference` overrides the field for this call
        (`deterministic`: its deprecated spelling, which warns and wins)."""
        if deterministic is not None:
            warnings.warn(
                "Dropout()(deterministic=...) is deprecated; use "
                "Dropout()(inference=...).",
                UserWarning,
                stacklevel=2,
            )
            inference = deterministic
        if inference is None:
            inference = self.inference
        if inference or _is_zero(self.p):
            return x
        if key is None:
            raise RuntimeError(
                f"Dropout(p={self.p}): a `key` is required when not in inference "
                "mode; call it as `dropout(x, key=key)`, or switch it off with "
                "`inference=True` / `eqx.nn.inference_mode(model)`."
            )
        # p may be a traced leaf: keep the maths free of Python branches on it.
        keep = 1 - jax.lax.stop_gradient(jnp.asarray(self.p, x.dtype))
        mask = jax.random.bernoulli(key, keep, x.shape)
        safe_keep = jnp.where(keep > 0, keep, 1)
        return jnp.where(mask, x / safe_keep, jnp.zeros_like(x))
