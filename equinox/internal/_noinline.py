"""`noinline`: mark a function as a separately compiled unit."""

from collections.abc import Callable
from typing import Any

from .._field import field
from .._jit import filter_jit
from .._module import Module


class _NoInline(Module):
    fn: Any
    abstract_fn: Any = field(static=True)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        fn: Callable[..., Any] = self.fn
        jitted = filter_jit(fn)
        return jitted(*args, **kwargs)


def noinline(
    fn: Callable[..., Any], abstract_fn: Callable[..., Any] | None = None
) -> Callable[..., Any]:
    """Calls `fn` as its own jitted computation. `fn` may be a callable
    pytree, whose arrays are inputs. `abstract_fn` is accepted for
    compatibility; the output shapes come from tracing `fn` itself.

    Unlike the original, JAX's compiler may still inline the call into an
    enclosing `jit`; results are the same."""
    return _NoInline(fn=fn, abstract_fn=abstract_fn)
