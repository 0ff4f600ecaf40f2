"""`eqx.clear_caches`: forget every compiled function."""

from collections.abc import Callable
from typing import cast

import jax

# jax does not annotate it.
_jax_clear_caches = cast("Callable[[], None]", jax.clear_caches)


def clear_caches() -> None:
    """Drop the compiled functions cached by `eqx.filter_jit` and by JAX.

    Useful to release memory or to force retracing after changing something a
    trace depended on (for example the `EQX_ON_ERROR` environment variable).
    """
    # Imported here so that importing this module never imports the JIT code.
    from ._jit import clear_jit_cache

    clear_jit_cache()
    _jax_clear_caches()
